"""A mis-keyed event is cheap to fix: one key undoes it for a minute, and any event can later
be struck out with a reason. It stays in the record, struck, and stops counting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from gui import column, key, type_into
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.timeutil import local
from kapdesk.export.record import client_record
from kapdesk.export.summary import session_summary
from kapdesk.practice.session import record_discharge
from kapdesk.storage.drafts import get_draft
from kapdesk.storage.sessions import load_session


def log_lines(sw) -> list[str]:
    return [sw.view.log.item(i).text() for i in range(sw.view.log.count())]


def test_backspace_undoes_the_event_just_keyed(db, clock, qtbot, running):
    _, sw, sid = running
    clock.advance(minutes=30)
    key(qtbot, sw, Qt.Key.Key_Y)  # vomiting, by mistake
    assert "Backspace undoes it" in sw.view.status.text()
    clock.advance(seconds=20)
    key(qtbot, sw, Qt.Key.Key_Backspace)
    assert sw.view.status.text().startswith("✓ Undone: Vomiting")
    record = load_session(db, sid)
    assert record.events == [] and [e["kind"] for e in record.struck_events] == ["vomiting"]
    assert any(line.endswith("struck out: Vomiting (undone within a minute: keyed by mistake)")
               for line in log_lines(sw))
    summary = session_summary(db, sid)
    assert summary["events"] == []  # never reaches the prescriber
    sw.view.band.repaint()
    assert not [m for m in sw.view.band.markers if "Vomiting" in m.text]


def test_after_a_minute_backspace_explains_how_to_strike_it_out(db, clock, qtbot, running):
    _, sw, sid = running
    key(qtbot, sw, Qt.Key.Key_Y)
    clock.advance(minutes=2)
    key(qtbot, sw, Qt.Key.Key_Backspace)
    assert sw.view.status.text().startswith("More than a minute has passed")
    assert [e["kind"] for e in load_session(db, sid).events] == ["vomiting"]


def test_the_offer_to_undo_is_withdrawn_when_the_minute_is_over(db, clock, qtbot, running):
    """The status line never offers what Backspace can no longer do; what was noted stays."""
    _, sw, _ = running
    clock.advance(minutes=30)
    key(qtbot, sw, Qt.Key.Key_Y)
    offered = sw.view.status.text()
    assert offered.startswith("✓ Vomiting noted at") and "Backspace undoes it" in offered
    clock.advance(seconds=50)
    sw._timer.timeout.emit()  # the window's clock ticking
    assert sw.view.status.text() == offered
    clock.advance(seconds=15)
    sw._timer.timeout.emit()
    assert sw.view.status.text() == offered.split("  ·  ")[0]
    assert "Backspace" not in sw.view.status.text()


def test_a_later_message_is_not_replaced_when_the_minute_is_over(db, clock, qtbot, running):
    _, sw, _ = running
    key(qtbot, sw, Qt.Key.Key_Y)
    key(qtbot, sw, Qt.Key.Key_N)
    begun = clock.now()
    qtbot.keyClicks(sw.notes.box, "quiet now")
    clock.advance(minutes=3)  # saved later: said under the time the log shows it at
    key(qtbot, sw, Qt.Key.Key_Return)
    said = sw.view.status.text()
    assert said == f"✓ Observation note of {local(begun):%H:%M} saved"
    assert log_lines(sw)[0].startswith(f"{local(begun):%H:%M}")
    clock.advance(minutes=2)
    sw._timer.timeout.emit()
    assert sw.view.status.text() == said


def test_any_event_is_struck_out_later_with_a_reason(db, clock, qtbot, running):
    _, sw, sid = running
    clock.advance(minutes=40)
    key(qtbot, sw, Qt.Key.Key_U)  # nausea
    clock.advance(minutes=25)
    key(qtbot, sw, Qt.Key.Key_T)
    row = next(i for i, line in enumerate(log_lines(sw)) if line.endswith("Nausea"))
    assert not sw.view.strike_button.isEnabled()
    sw.view.log.setCurrentRow(row)
    assert sw.view.strike_button.isEnabled() and not sw.view.amend_button.isEnabled()
    qtbot.mouseClick(sw.view.strike_button, Qt.MouseButton.LeftButton)
    dialog = sw.edit_dialog
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Write why this event is struck out" in dialog.error.text()
    assert load_session(db, sid).struck_events == []  # refused: nothing changed
    type_into(qtbot, dialog, "reason", "pressed U instead of T")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    record = load_session(db, sid)
    assert [e["kind"] for e in record.events] == ["talking"]
    assert record.struck_events[0]["struck_reason"] == "pressed U instead of T"
    assert any("struck out: Nausea (pressed U instead of T)" in line for line in log_lines(sw))
    # The client record keeps it, struck, for the move to another laptop (once discharged:
    # a running session never travels).
    with pytest.raises(NotAllowed, match="still running: discharge or end it"):
        client_record(db, record.session["client_id"])
    record_discharge(db, sid, at=clock.now(), reason="test ends here: gate closed")
    events = client_record(db, record.session["client_id"])["sessions"][-1]["events"]
    assert [(e["kind"], e["struck_reason"]) for e in events] == [
        ("nausea", "pressed U instead of T"), ("talking", None)]
    assert events[0]["struck_at"] == clock.now().isoformat()


def test_backspace_never_reaches_past_what_was_recorded_last(db, clock, qtbot, running):
    """S, then a PRN through its panel: Backspace takes back the PRN, never the earlier S.
    After a note, Backspace takes back nothing."""
    _, sw, sid = running
    key(qtbot, sw, Qt.Key.Key_S)
    key(qtbot, sw, Qt.Key.Key_P)
    sw.prn.medicine.setEditText("ondansetron")
    sw.prn.dose.setText("4 mg")
    sw.prn.reason.setText("nausea")
    key(qtbot, sw, Qt.Key.Key_Return)
    assert "Backspace undoes it" in sw.view.status.text()
    key(qtbot, sw, Qt.Key.Key_Backspace)
    record = load_session(db, sid)
    assert [e["kind"] for e in record.events] == ["spit"]
    assert [e["kind"] for e in record.struck_events] == ["prn"]

    key(qtbot, sw, Qt.Key.Key_U)
    key(qtbot, sw, Qt.Key.Key_N)
    qtbot.keyClicks(sw.notes.box, "settling")
    key(qtbot, sw, Qt.Key.Key_Return)
    key(qtbot, sw, Qt.Key.Key_Escape)
    key(qtbot, sw, Qt.Key.Key_Backspace)
    assert sw.view.status.text().startswith("Nothing to undo by key")
    assert [e["kind"] for e in load_session(db, sid).events] == ["spit", "nausea"]


def test_a_mis_keyed_rating_is_undone_or_struck_and_stops_counting(db, clock, qtbot, running):
    _, sw, sid = running
    clock.advance(minutes=45)
    key(qtbot, sw, Qt.Key.Key_4)  # sedation strong, meant mild
    key(qtbot, sw, Qt.Key.Key_Backspace)
    key(qtbot, sw, Qt.Key.Key_2)
    record = load_session(db, sid)
    assert [(r["scale"], r["value"]) for r in record.ratings] == [("sedation", 1)]
    assert [r["value"] for r in record.struck_ratings] == [3]
    assert sw.view.ratings.text() == "Sedation: mild"
    assert [r["level"] for r in session_summary(db, sid)["ratings"]] == ["mild"]

    clock.advance(minutes=5)
    key(qtbot, sw, Qt.Key.Key_9)  # dissociation strong, noticed too late for Backspace
    clock.advance(minutes=3)
    sw.view.log.setCurrentRow(next(i for i, line in enumerate(log_lines(sw))
                              if line.endswith("Dissociation: strong")))
    qtbot.mouseClick(sw.view.strike_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, sw.edit_dialog, "reason", "pressed 9 for 8")
    qtbot.mouseClick(sw.edit_dialog.save_button, Qt.MouseButton.LeftButton)
    assert load_session(db, sid).struck_ratings[-1]["struck_reason"] == "pressed 9 for 8"
    assert any("struck out: Dissociation: strong (pressed 9 for 8)" in line
               for line in log_lines(sw))


def test_backspace_right_after_a_mistaken_start_takes_it_back(db, clock, qtbot, running,
                                                              caplog):
    """The wrong client chosen, Ctrl+R, Enter: Backspace (the button says so) undoes the
    start itself, with a reason; the practice window returns on the client, whose session
    is planned again."""
    from kapdesk.ui.amend import TakeBackStartDialog

    main, sw, sid = running
    sw.show()
    qtbot.waitExposed(sw)
    assert sw.view.take_back_button.isVisible()
    clock.advance(minutes=2)
    key(qtbot, sw, Qt.Key.Key_Backspace)
    dialog = sw.edit_dialog
    assert isinstance(dialog, TakeBackStartDialog) and dialog.isVisible()
    assert any("goes back to the plan, not started" in label.text()
               for label in dialog.findChildren(QLabel))
    qtbot.keyClicks(dialog.fields["reason"], "oops")  # too short: said, nothing changed
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and "write why the start is taken back" in dialog.error.text()
    assert load_session(db, sid).session["started_at"]
    type_into(qtbot, dialog, "reason", "wrong client chosen")
    key(qtbot, dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sw.isVisible())
    assert main.isVisible() and load_session(db, sid).session["started_at"] is None
    assert main.statusBar().currentMessage().endswith("its start was taken back.")
    # the message is not drawn over the offline line (found by a first-time user)
    from kapdesk.ui.widgets import ElidedLabel
    assert not main.statusBar().findChild(ElidedLabel).isVisible()
    assert column(main.page.session_view, 2) == ["next"]  # Status: planned again
    # the closing window did not try to show a clock for a session no longer started
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_once_anything_is_recorded_the_start_stays(db, clock, qtbot, running):
    _, sw, sid = running
    sw.resize(1280, 720)
    sw.show()
    qtbot.waitExposed(sw)
    clock.advance(minutes=5)
    key(qtbot, sw, Qt.Key.Key_A)  # anxiety
    key(qtbot, sw, Qt.Key.Key_Backspace)  # undoes the event, not the start
    assert sw.view.status.text().startswith("✓ Undone: Anxiety")
    assert not sw.view.take_back_button.isVisible()
    key(qtbot, sw, Qt.Key.Key_Backspace)
    assert sw.edit_dialog is None and sw.view.status.text().startswith("Nothing to undo")
    one_line = sw.view.status.fontMetrics().lineSpacing()
    assert sw.view.status.heightForWidth(sw.view.status.width()) <= 2 * one_line
    assert load_session(db, sid).session["started_at"]


def test_a_note_being_written_keeps_the_start_and_says_so(db, clock, qtbot, running):
    """Found by a first-time user: with a draft typed, the dialog said "nothing is recorded"
    and then refused, "1 entry is recorded"."""
    _, sw, sid = running
    sw.resize(1280, 720)
    sw.show()
    qtbot.waitExposed(sw)
    clocks = sw.view.elapsed.mapTo(sw, sw.view.elapsed.rect().topLeft())
    key(qtbot, sw, Qt.Key.Key_N)
    qtbot.keyClicks(sw.notes.box, "settling")
    qtbot.waitUntil(lambda: (get_draft(db, sid) or {}).get("body") == "settling")
    key(qtbot, sw, Qt.Key.Key_Escape)  # back to single keys; the draft stays
    key(qtbot, sw, Qt.Key.Key_Backspace)
    assert sw.edit_dialog is None and sw.view.take_back_button.isVisible()
    assert sw.view.status.text() == "Clear the note being written first to undo the start."
    QApplication.processEvents()
    # said in the header's two lines: it wrapped to four and moved the clocks down
    assert sw.view.elapsed.mapTo(sw, sw.view.elapsed.rect().topLeft()) == clocks
    assert load_session(db, sid).session["started_at"]
    # cleared, and Backspace at once (before the half-second autosave): the start goes
    key(qtbot, sw, Qt.Key.Key_N)
    sw.notes.box.selectAll()
    qtbot.keyClick(sw.notes.box, Qt.Key.Key_Backspace)
    key(qtbot, sw, Qt.Key.Key_Escape)
    key(qtbot, sw, Qt.Key.Key_Backspace)
    dialog = sw.edit_dialog
    assert dialog is not None and sw.view.status.text() == ""
    qtbot.keyClicks(dialog.fields["reason"], "wrong client chosen")
    key(qtbot, dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sw.isVisible())
    assert load_session(db, sid).session["started_at"] is None


def test_a_session_started_by_mistake_goes_back_to_the_plan(db, ready):
    """The wrong client chosen, Ctrl+R, Enter: taken back while nothing is in it, the
    session is planned again (the same one starts later), and the audit trail keeps it."""
    from datetime import timedelta

    from conftest import T0
    from kapdesk.practice.audit import audit_events
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import take_back_start
    from kapdesk.storage.courses import course_sequence

    sid = begin_medication_session(db, ready, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    assert [n["body"] for n in load_session(db, sid).notes] == ["to rest"]  # its intention
    take_back_start(db, sid, at=T0 + timedelta(minutes=2), reason="wrong client chosen")
    assert load_session(db, sid).notes == []  # written with the start, gone with it
    session = load_session(db, sid).session
    assert session["started_at"] is None and session["ride_confirmed_at"] is None
    assert session["intention"] == "" and session["threshold_version_id"] is None
    assert [(s["id"], s["status"]) for s in course_sequence(db, ready)] == [(sid, "next")]
    [event] = audit_events(db, ready)
    assert event["action"] == "start_taken_back" and event["session_id"] == sid
    assert event["detail"] == (f"Medication session 1 started {local(T0):%a %d %b %Y, %H:%M}"
                               ": wrong client chosen")
    again = begin_medication_session(db, ready, at=T0 + timedelta(minutes=30),
                                     intention="to rest", ride_home_name="Sam T.",
                                     ride_confirmed=True)
    assert again == sid and load_session(db, sid).session["number"] == 1


@pytest.mark.parametrize("recorded", ["vitals", "draft", "event"])
def test_a_session_with_anything_in_it_is_not_taken_back(db, ready, recorded):
    from datetime import timedelta

    from conftest import T0
    from kapdesk.practice.drafts import save_draft
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import record_event, record_vitals, take_back_start

    sid = begin_medication_session(db, ready, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    at = T0 + timedelta(minutes=5)
    if recorded == "vitals":
        record_vitals(db, sid, {"systolic": 128, "diastolic": 80, "heart_rate": 70},
                      taken_at=at, checkpoint="pre_dose")
    elif recorded == "draft":
        save_draft(db, sid, "observation", "settling in", at=at)
    else:
        record_event(db, sid, "anxiety", at=at)
    before = load_session(db, sid).session
    with pytest.raises(NotAllowed, match="1 entry is recorded in this session already"):
        take_back_start(db, sid, at=at, reason="wrong client chosen")
    assert load_session(db, sid).session == before


def test_taking_back_a_start_needs_a_reason_and_a_running_session(db, ready):
    from datetime import timedelta

    from conftest import T0
    from kapdesk.domain.errors import InvalidInput
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import take_back_start

    sid = begin_medication_session(db, ready, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    with pytest.raises(InvalidInput, match="write why the start is taken back"):
        take_back_start(db, sid, at=T0, reason=" oops ")
    assert load_session(db, sid).session["started_at"]
    record_discharge(db, sid, at=T0 + timedelta(minutes=3), reason="client left, unwell")
    with pytest.raises(NotAllowed, match="the session has ended"):
        take_back_start(db, sid, at=T0 + timedelta(minutes=4), reason="wrong client chosen")
