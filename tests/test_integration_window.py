"""The integration session: quote the medication session, write, follow up, plan ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from conftest import T0, answer_next_box
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.timeutil import ManualClock, local
from kapdesk.practice.course import add_course, add_screening, schedule_in_course
from kapdesk.practice.integration import open_integration
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.session import (
    add_note,
    confirm_ride_home,
    record_discharge,
    record_dose,
    record_vitals,
)
from kapdesk.storage.drafts import get_draft
from kapdesk.storage.sessions import load_session
from kapdesk.ui.integration import IntegrationWindow


@pytest.fixture
def integration(db, client_id):
    add_screening(db, client_id, items={}, screened_on=date.today(), cleared_on=date.today())
    course = add_course(db, client_id, started_on=date.today())
    sid = begin_medication_session(db, client_id, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    integ = schedule_in_course(db, course, "integration", T0 + timedelta(hours=24),
                               medication_session_id=sid)
    with pytest.raises(NotAllowed, match="not taken place yet"):
        open_integration(db, integ)
    record_vitals(db, sid, {"systolic": 128, "diastolic": 80, "heart_rate": 70},
                  taken_at=T0 + timedelta(minutes=12), checkpoint="pre_dose")
    record_dose(db, sid, given_at=T0 + timedelta(minutes=20))
    add_note(db, sid, "client_words", "There was a door I had never opened.",
             at=T0 + timedelta(minutes=65))
    add_note(db, sid, "process", "PRIVATE canary process note", at=T0 + timedelta(minutes=66))
    record_vitals(db, sid, {"systolic": 130, "diastolic": 82, "heart_rate": 72, "spo2": 97},
                  taken_at=T0 + timedelta(minutes=140), checkpoint="discharge")
    confirm_ride_home(db, sid, at=T0 + timedelta(minutes=141), name="Sam T.")
    record_discharge(db, sid, at=T0 + timedelta(minutes=150))
    return sid, integ


def test_quote_write_follow_up_and_schedule_the_next_session(db, integration, qtbot,
                                                             themed_app):
    medication, integ = integration
    clock = ManualClock(T0 + timedelta(hours=24, minutes=5))
    window = IntegrationWindow(db, integ, clock)
    qtbot.addWidget(window)
    window.show()
    start(window, qtbot)
    moments = [window.moments.item(i).text() for i in range(window.moments.count())]
    row = next(i for i, text in enumerate(moments) if "door" in text)
    window.moments.setCurrentRow(row)
    qtbot.keyClick(window.moments, Qt.Key.Key_Return)
    said_at = local(T0 + timedelta(minutes=65)).strftime("%H:%M")
    assert window.editor.toPlainText() == (f"[{said_at} in the medication session] Client's "
                                           "words: There was a door I had never opened.\n")
    qtbot.keyClicks(window.editor, "We stayed with the door; it felt like permission.")
    qtbot.waitUntil(lambda: "permission" in (get_draft(db, integ) or {}).get("body", ""))
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    note = load_session(db, integ).notes[0]
    assert note["kind"] == "integration" and "door I had never opened" in note["body"]
    assert "permission" in note["body"] and get_draft(db, integ) is None
    qtbot.keyClicks(window.follow_up, "Journal each morning this week")
    qtbot.keyClick(window.follow_up, Qt.Key.Key_Return)
    assert window.follow_list.item(0).text() == "• Journal each morning this week"
    window.schedule_button.click()
    assert window.next_line.text().startswith("Next medication session:")
    assert "passed" not in window.next_line.text()
    clock.advance(days=30)  # opened again a month on: that date is not "next" any more
    window.reload()
    assert window.next_line.text().endswith("(that date has passed; it was not held)")
    planned = list(db.query("SELECT kind, number FROM sessions WHERE started_at IS NULL "
                            "ORDER BY id"))
    assert planned == [{"kind": "medication", "number": 2}, {"kind": "integration",
                                                              "number": 2}]
    said = answer_next_box("End session")
    window.end_button.click()
    assert said and "nothing more can be written in it" in said[0]
    assert load_session(db, integ).session["ended_at"] and not window.editor.isEnabled()


def start(window, qtbot) -> None:
    """The session opens not started, its Start button focused: Enter starts it."""
    assert not load_session(window.db, window.record.id).session["started_at"]
    assert window.focusWidget() is window.start_button and not window.editor.isEnabled()
    qtbot.keyClick(window.start_button, Qt.Key.Key_Return)
    assert load_session(window.db, window.record.id).session["started_at"]
    assert window.editor.isEnabled() and not window.start_button.isVisible()


def test_opening_a_planned_integration_session_changes_nothing_until_it_starts(
        db, integration, qtbot, themed_app):
    """Found by a first-time user: Enter on a planned integration session, only to look,
    started it (its date became that minute), and a second Enter on the focused "End
    integration session" ended it for good."""
    _, integ = integration
    before = load_session(db, integ).session
    window = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=2)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert load_session(db, integ).session == before
    assert window.status.text().startswith("Planned for ") and "not started yet" in \
        window.status.text()
    assert not window.end_button.isVisible()
    qtbot.keyClick(window.start_button, Qt.Key.Key_Escape)  # leaves: still only planned
    assert not window.isVisible() and load_session(db, integ).session == before

    again = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24)))
    qtbot.addWidget(again)
    again.show()
    start(again, qtbot)
    said = answer_next_box("Keep it open")  # Enter twice by mistake: asked, and kept
    again.end_button.setFocus()
    qtbot.keyClick(again.end_button, Qt.Key.Key_Return)
    assert said and not load_session(db, integ).session["ended_at"]


def test_the_therapists_process_notes_stay_in_the_record_they_see(db, integration, qtbot,
                                                                   themed_app):
    """Process notes never leave the laptop, but they are the therapist's own: the
    medication record shown in integration includes them."""
    medication, integ = integration
    window = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24)))
    qtbot.addWidget(window)
    moments = " ".join(window.moments.item(i).text() for i in range(window.moments.count()))
    assert "canary" in moments  # the therapist's own record, on the therapist's screen


def test_esc_leaves_the_typing_then_the_window_and_enter_presses_a_focused_button(
        db, integration, qtbot, themed_app):
    """Found by a first-time user: Esc did nothing, and Enter on a focused "Back to
    practice" did nothing; leaving took ten Tabs and Space."""
    from PySide6.QtWidgets import QPushButton

    _, integ = integration
    window = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24, minutes=5)))
    qtbot.addWidget(window)
    window.show()
    start(window, qtbot)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "She named the door")
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)  # leaves the typing, not the window
    assert window.isVisible() and window.focusWidget() is window.moments
    qtbot.keyClick(window.moments, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert get_draft(db, integ)["body"] == "She named the door"  # kept for next time

    again = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24, minutes=9)))
    qtbot.addWidget(again)
    again.show()
    back = next(b for b in again.findChildren(QPushButton) if b.text() == "Back to practice")
    back.setFocus()
    qtbot.keyClick(back, Qt.Key.Key_Return)
    assert not again.isVisible()


def test_a_long_header_never_widens_the_window_past_a_laptop_screen(db, integration, qtbot,
                                                                    themed_app):
    """Found by a first-time user: a long name, "· course 2" and "Planned for …; not
    started yet" made the window 1352 px wide, its right-hand buttons off the screen."""
    from kapdesk.practice.records import update_client

    _, integ = integration
    client_id = load_session(db, integ).session["client_id"]
    update_client(db, client_id, display_name="Maximiliana Oyelaran-Whitcombe T.")
    window = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=2)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 1280
    assert window.title.text().startswith("Maximiliana Oyelaran-Whitcombe T. · Integration")


def test_tab_leaves_the_note_and_a_started_session_opens_on_its_moments(db, integration,
                                                                       qtbot, themed_app):
    """Found by a first-time user: Tab typed tab characters into the note, and a started
    session reopened with "End integration session" focused."""
    _, integ = integration
    window = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24)))
    qtbot.addWidget(window)
    window.show()
    start(window, qtbot)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "a thought")
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "a thought" and not window.editor.hasFocus()
    again = IntegrationWindow(db, integ, ManualClock(T0 + timedelta(hours=24, minutes=5)))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.focusWidget() is again.moments
