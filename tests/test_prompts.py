"""The next-step prompts follow what happened in the room."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from conftest import T0
from gui import key, type_vitals
from kapdesk.practice.session import record_dose, record_vitals
from kapdesk.storage.sessions import load_session


def prompts(sw) -> str:
    sw.refresh_clock()
    return sw.view.next_step.text() + " · " + sw.view.later.text()


def dosed(db, sw, clock, minutes=20):
    """Pre-dose vitals and the dose recorded; the window shows them, the clock at the dose."""
    record_vitals(db, sw.record.id, {"systolic": 120, "diastolic": 80, "heart_rate": 70},
                  taken_at=T0 + timedelta(minutes=11), checkpoint="pre_dose")
    record_dose(db, sw.record.id, given_at=T0 + timedelta(minutes=minutes))
    clock.current = T0 + timedelta(minutes=minutes)
    sw.reload()


def test_spitting_clears_the_spit_prompt(db, clock, qtbot, running):
    _, sw, sid = running
    dosed(db, sw, clock)
    clock.advance(minutes=5)
    assert "spit or swallow in 7 min" in prompts(sw)
    key(qtbot, sw, Qt.Key.Key_S)
    assert "spit or swallow" not in prompts(sw)


def test_an_early_booster_asks_why_and_leaves_one_spit_prompt(db, clock, qtbot, running):
    _, sw, sid = running
    dosed(db, sw, clock)
    clock.advance(minutes=4)
    key(qtbot, sw, Qt.Key.Key_B)
    assert "Booster early: the booster window opens 30 min after the dose; this is 4 min " \
           "after it, 26 min early" in sw.dose.info.text()
    key(qtbot, sw, Qt.Key.Key_Return)
    assert sw.dose.error.text().startswith("The gate is closed: write why")
    assert len(load_session(db, sid).doses) == 1  # refused: nothing recorded
    sw.dose.gate_reason.setFocus()
    qtbot.keyClicks(sw.dose.gate_reason, "prescriber called, lozenge dissolved early")
    key(qtbot, sw, Qt.Key.Key_Return)
    doses = load_session(db, sid).doses
    assert doses[-1].is_booster
    assert doses[-1].gate_override_reason == "prescriber called, lozenge dissolved early"
    assert prompts(sw).count("spit or swallow") == 1  # the booster's, not one per lozenge
    assert "spit or swallow in 12 min" in prompts(sw)


def test_a_booster_in_its_window_needs_no_reason(db, clock, qtbot, running):
    _, sw, sid = running
    dosed(db, sw, clock)
    clock.advance(minutes=32)
    key(qtbot, sw, Qt.Key.Key_B)
    assert "early" not in sw.dose.info.text() and not sw.dose.gate_reason.isEnabled()
    key(qtbot, sw, Qt.Key.Key_Return)
    assert load_session(db, sid).doses[-1].is_booster


def test_a_mid_session_breach_is_rechecked(db, clock, qtbot, running):
    _, sw, sid = running
    dosed(db, sw, clock)
    clock.advance(minutes=40)
    key(qtbot, sw, Qt.Key.Key_V)
    assert sw.vitals.checkpoint.currentData() == "other"
    type_vitals(qtbot, sw, systolic=171, diastolic=99, heart_rate=96)
    key(qtbot, sw, Qt.Key.Key_Return)
    assert "recheck vitals in 15 min" in prompts(sw)
    assert "optional mid-session vitals" not in prompts(sw)  # answered by this reading
    clock.advance(minutes=14)
    key(qtbot, sw, Qt.Key.Key_V)
    type_vitals(qtbot, sw, systolic=138, diastolic=84, heart_rate=80)
    key(qtbot, sw, Qt.Key.Key_Return)
    assert "recheck" not in prompts(sw)
