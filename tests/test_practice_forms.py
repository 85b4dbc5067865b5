"""Practice records through the real forms: create a client, enter the prescriber's order and
thresholds, screen, start a course, schedule, score. Refusals name the field and save nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from conftest import T0
from gui import choose, column, key, menu_item, save, type_into
from kapdesk.practice.records import add_prescriber, set_practice
from kapdesk.storage import open_database
from kapdesk.ui.client_forms import ClientDialog
from kapdesk.ui.course_forms import CourseDialog, ScheduleDialog
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.ops import run_op
from kapdesk.ui.prescription_forms import ThresholdsDialog


def today() -> str:
    """Today when asked: the suite may run across midnight."""
    return date.today().isoformat()


@pytest.fixture
def window(qtbot, themed_app, tmp_path):
    db = open_database(tmp_path / "practice.sqlite")
    set_practice(db, name="Quiet Room Therapy")
    add_prescriber(db, name="Dr. Ines Varga", credentials="MD", phone="555-0150",
                   on_call_phone="555-0151")
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def new_client(window, qtbot, name="Robin T."):
    qtbot.mouseClick(window.new_client, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, ClientDialog) and dialog.isVisible()
    type_into(qtbot, dialog, "display_name", name)
    choose(dialog, "prescriber_id", 1)
    type_into(qtbot, dialog, "ride_name", "Sam T.")
    type_into(qtbot, dialog, "ride_phone", "555-0111")
    type_into(qtbot, dialog, "emergency_name", "Sam T.")
    type_into(qtbot, dialog, "emergency_phone", "555-0111")
    type_into(qtbot, dialog, "safety_plan", "Feet on the floor; call Sam.")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    return window.db.execute("SELECT id FROM clients WHERE display_name = ?",
                             (name,)).fetchone()[0]


def test_create_a_client_refusing_a_bad_phone_first(window, qtbot):
    qtbot.mouseClick(window.new_client, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    type_into(qtbot, dialog, "display_name", "Robin T.")
    type_into(qtbot, dialog, "ride_phone", "ask Sam")
    assert dialog.error.isVisible()
    assert dialog.error.text() == ("Ride home phone must be a phone number (digits, spaces, "
                                   "+ - ( ) and an optional ext)")
    assert dialog.fields["ride_phone"].property("invalid") is True
    save(qtbot, dialog)
    assert dialog.isVisible() and window.db["clients"].count == 0
    type_into(qtbot, dialog, "ride_phone", "555-0111")
    assert not dialog.error.isVisible()
    save(qtbot, dialog)
    assert not dialog.isVisible()
    row = next(window.db.query("SELECT * FROM clients"))
    assert (row["display_name"], row["ride_phone"]) == ("Robin T.", "555-0111")
    assert column(window.client_view, 0) == ["Robin T."]
    assert column(window.client_view, 1) == ["needed"]
    assert window.page.card.name.text() == "Robin T."


def test_untouched_fields_do_not_nag_until_save(window, qtbot):
    qtbot.mouseClick(window.new_client, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    type_into(qtbot, dialog, "pronouns", "they/them")
    assert not dialog.error.isVisible()  # display name is empty but not touched yet
    save(qtbot, dialog)
    assert dialog.error.text() == "Display name is required (what the screen shows)"
    assert window.db["clients"].count == 0


@pytest.mark.filterwarnings("ignore:Function.*setActiveWindow:DeprecationWarning")
def test_enter_saves_and_tab_moves_through_the_form(window, qtbot, qapp):
    qtbot.mouseClick(window.new_client, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert dialog.fields["display_name"].hasFocus() or not dialog.isActiveWindow()
    qapp.setActiveWindow(dialog)  # the offscreen platform does not move activation itself
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.fields["display_name"].hasFocus()  # typing can start at once
    qtbot.keyClick(dialog.fields["display_name"], Qt.Key.Key_Tab)
    assert dialog.fields["legal_name"].hasFocus()
    dialog.fields["safety_plan"].setFocus()
    qtbot.keyClick(dialog.fields["safety_plan"], Qt.Key.Key_Tab)
    assert not dialog.fields["safety_plan"].hasFocus()  # Tab leaves the plan, not a tab char
    type_into(qtbot, dialog, "display_name", "Kai W.")
    qtbot.keyClick(dialog.fields["display_name"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert [c["display_name"] for c in window.db.query("SELECT * FROM clients")] == ["Kai W."]


def test_edit_a_client_and_a_refused_edit_changes_nothing(window, qtbot):
    cid = new_client(window, qtbot)
    window.actions["edit"].trigger()
    dialog = window.dialog
    type_into(qtbot, dialog, "pronouns", "she/her")
    type_into(qtbot, dialog, "date_of_birth", "2990-01-01")
    save(qtbot, dialog)
    assert "Date of birth: must be between 1900-01-01" in dialog.error.text()
    assert window.db["clients"].get(cid)["pronouns"] == ""
    type_into(qtbot, dialog, "date_of_birth", "1988-04-09")
    save(qtbot, dialog)
    assert window.db["clients"].get(cid)["pronouns"] == "she/her"
    assert "she/her" in window.page.card.details.text()


def test_enter_the_prescribers_order(window, qtbot):
    cid = new_client(window, qtbot)
    window.page.card.buttons["order"].click()
    dialog = window.dialog
    type_into(qtbot, dialog, "dose_mg", "1oo")
    assert dialog.error.text() == "Dose must be a number of mg, not '1oo'"
    type_into(qtbot, dialog, "dose_mg", "100")
    dialog.fields["booster_allowed"].setFocus()
    qtbot.keyClick(dialog.fields["booster_allowed"], Qt.Key.Key_Space)
    save(qtbot, dialog)
    assert dialog.error.text() == "Booster dose is required"
    type_into(qtbot, dialog, "booster_mg", "50")
    type_into(qtbot, dialog, "min_minutes_after_dose", "120")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    order = next(window.db.query("SELECT * FROM orders WHERE client_id = ?", (cid,)))
    assert (order["version"], order["dose_mg"], order["booster_allowed"], order["booster_mg"],
            order["min_minutes_after_dose"], order["medicine"]) == (1, 100, 1, 50, 120,
                                                                    "racemic ketamine")
    assert window.page.card.order.text().startswith("Order v1")


def enter_thresholds(window, qtbot, entries, set_by="Dr. Ines Varga, MD"):
    window.page.card.buttons["thresholds"].click()
    dialog = window.dialog
    assert isinstance(dialog, ThresholdsDialog)
    for field, value in entries.items():
        type_into(qtbot, dialog, field, value)
    type_into(qtbot, dialog, "set_by", set_by)
    return dialog


def test_enter_thresholds_refusing_implausible_bounds(window, qtbot):
    cid = new_client(window, qtbot)
    dialog = enter_thresholds(window, qtbot, {"pre_dose.systolic.max": "400"})
    assert dialog.error.text() == "Pre-dose Systolic BP max: 400 is outside 50-300 mmHg"
    assert dialog.fields["pre_dose.systolic.max"].property("invalid") is True
    type_into(qtbot, dialog, "pre_dose.systolic.max", "140")
    save(qtbot, dialog)
    assert dialog.error.text() == ("Discharge thresholds: the prescriber set no bound at this "
                                   "checkpoint")
    assert window.db["threshold_versions"].count == 0
    type_into(qtbot, dialog, "pre_dose.systolic.min", "150")  # min above max: named plainly
    assert dialog.error.text() == "Pre-dose Systolic BP: min 150 is above max 140"
    type_into(qtbot, dialog, "pre_dose.systolic.min", "")
    for field, value in {"pre_dose.heart_rate.min": "50", "pre_dose.heart_rate.max": "100",
                       "discharge.systolic.max": "150", "discharge.spo2.min": "94"}.items():
        type_into(qtbot, dialog, field, value)
    save(qtbot, dialog)
    assert not dialog.isVisible()
    row = next(window.db.query("SELECT * FROM threshold_versions WHERE client_id = ?", (cid,)))
    assert (row["version"], row["set_by"], row["set_on"]) == (1, "Dr. Ines Varga, MD", today())
    assert column(window.client_view, 1) == ["on file"]
    assert window.page.card.thresholds.text().startswith("Thresholds v1 set by Dr. Ines Varga")


def test_editing_thresholds_shows_the_current_version_and_adds_a_new_one(window, qtbot):
    new_client(window, qtbot)
    dialog = enter_thresholds(window, qtbot, {"pre_dose.systolic.max": "140",
                                              "discharge.systolic.max": "150"})
    save(qtbot, dialog)
    dialog = enter_thresholds(window, qtbot, {"pre_dose.systolic.max": "135"})
    assert dialog.fields["discharge.systolic.max"].text() == "150"  # prefilled, editable
    assert "Saving creates version 2" in dialog.findChildren(type(dialog.error))[1].text()
    save(qtbot, dialog)
    versions = list(window.db.query("SELECT version, bounds FROM threshold_versions"))
    assert [v["version"] for v in versions] == [1, 2]
    assert '"max": 140' in versions[0]["bounds"] and '"max": 135' in versions[1]["bounds"]


def test_a_course_waits_for_screening_then_sessions_are_scheduled(window, qtbot):
    cid = new_client(window, qtbot)
    qtbot.mouseClick(window.page.start_course, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, CourseDialog)
    save(qtbot, dialog)
    assert "needs a screening first" in dialog.error.text()
    assert window.db["courses"].count == 0
    dialog.reject()

    window.page.card.buttons["screening"].click()
    screening = window.dialog
    screening.fields["item.hypertension"].setFocus()
    qtbot.keyClick(screening.fields["item.hypertension"], Qt.Key.Key_Space)
    assert screening.fields["screened_on"].text() == ""  # never silently "today"
    type_into(qtbot, screening, "screened_on", "2026-11-10")
    type_into(qtbot, screening, "cleared_on", today())  # cleared days after the screening
    save(qtbot, screening)
    assert "note what the prescriber decided" in screening.error.text()
    # The refusal is in view, below the fields and above Save, not hidden under the note.
    error_top = screening.error.mapTo(screening, screening.error.rect().topLeft()).y()
    fields = screening.scroll
    assert screening.error.isVisible()
    assert error_top >= fields.mapTo(screening, fields.rect().bottomLeft()).y()
    assert screening.save_button.mapTo(screening, screening.save_button.rect().topLeft()).y() \
        >= error_top + screening.error.height()
    type_into(qtbot, screening, "note", "BP controlled on amlodipine; prescriber cleared.")
    save(qtbot, screening)
    assert not screening.isVisible()
    assert "noted: Uncontrolled hypertension" in window.page.card.screening.text()

    qtbot.mouseClick(window.page.start_course, Qt.MouseButton.LeftButton)
    course = window.dialog
    course.fields["planned_sessions"].setValue(8)
    save(qtbot, course)
    assert not course.isVisible()
    assert "0 of 8 medication sessions done" in window.page.course_line.text()
    assert window.page.start_course.isHidden() and window.page.schedule.isEnabled()

    qtbot.mouseClick(window.page.schedule, Qt.MouseButton.LeftButton)
    schedule = window.dialog
    assert isinstance(schedule, ScheduleDialog)
    schedule.fields["integration_after"].setValue(30)
    save(qtbot, schedule)
    rows = list(window.db.query("SELECT kind, number, medication_session_id, scheduled_for "
                                "FROM sessions WHERE client_id = ? ORDER BY id", (cid,)))
    assert [(r["kind"], r["number"]) for r in rows] == [("medication", 1), ("integration", 1)]
    assert column(window.page.session_view, 1) == ["Medication 1", "Integration 1"]
    assert column(window.page.session_view, 2) == ["next", "planned"]


def test_outcome_scores_are_checked_as_typed(window, qtbot):
    cid = new_client(window, qtbot)
    window.actions["outcome"].trigger()
    dialog = window.dialog
    choose(dialog, "instrument", "PHQ-9")
    type_into(qtbot, dialog, "score", "30")
    assert dialog.error.text() == "Total: PHQ-9 total 30 is outside 0-27"
    type_into(qtbot, dialog, "score", "12")
    save(qtbot, dialog)
    assert [(o["instrument"], o["score"]) for o in window.db.query(
        "SELECT * FROM outcome_measures WHERE client_id = ?", (cid,))] == [("PHQ-9", 12)]
    assert column(window.page.outcome_view, 2) == ["12"]


def practice_menu(window, text):
    menu = window.menuBar().actions()[0].menu()
    menu_item(menu, text).trigger()
    return window.dialog


def test_prescribers_can_be_added_and_edited(window, qtbot):
    listing = practice_menu(window, "Prescribers…")
    listing.add()
    form = listing.child
    type_into(qtbot, form, "name", "Ren Lund")
    type_into(qtbot, form, "email", "ren@")
    assert form.error.text() == "Email must look like name@example.org"
    type_into(qtbot, form, "email", "ren@example.org")
    save(qtbot, form)
    assert column(listing.view, 0) == ["Dr. Ines Varga", "Ren Lund"]


def test_the_prescribers_list_follows_a_change_made_elsewhere(window, qtbot):
    """An open list shows a prescriber added from another window (a client's details) as
    soon as it is saved, with no reload of its own."""
    listing = practice_menu(window, "Prescribers…")
    run_op(lambda: add_prescriber(window.db, name="Dr. Noor Haddad"),
           show=lambda refusal: pytest.fail(refusal.text))
    assert "Dr. Noor Haddad" in column(listing.view, 0)


def test_a_playlist_made_in_the_music_library_shows_and_its_name_cannot_repeat(window, qtbot):
    library = practice_menu(window, "Music library…")
    library.wait_for_scans()
    library.name.setText("Soft landing")
    library.new_playlist()
    assert library.error.text() == ""
    assert library.playlists.currentItem().text().startswith("Soft landing")
    assert library.name.text() == ""
    library.name.setText("Soft landing")
    library.new_playlist()
    assert library.error.text() == "A playlist called 'Soft landing' already exists"
    assert library.name.text() == "Soft landing"  # kept, to be corrected
    library.name.setText("soft LANDING")  # would look like the same playlist in a list
    library.new_playlist()
    assert library.error.text() == "A playlist called 'soft LANDING' already exists"
    names = [library.playlists.item(i).text().lower()
             for i in range(library.playlists.count())]
    assert sum(name.startswith("soft landing") for name in names) == 1


def test_every_window_uses_the_dark_theme(window, qtbot, qapp):
    assert qapp.palette().window().color().name() == "#14181d"
    window.new_client.click()
    assert window.dialog.palette().window().color().lightness() < 40


def test_the_practice_can_be_named(window, qtbot):
    window.edit_practice()
    dialog = window.dialog
    type_into(qtbot, dialog, "name", "")
    save(qtbot, dialog)
    assert dialog.error.text() == "Practice name is required"
    type_into(qtbot, dialog, "name", "Cedar Room Therapy")
    type_into(qtbot, dialog, "therapist", "Alex Moreno, LMFT")
    save(qtbot, dialog)
    assert window.practice_name.text() == "Cedar Room Therapy"
    row = window.db["practice"].get(1)
    assert (row["name"], row["therapist"]) == ("Cedar Room Therapy", "Alex Moreno, LMFT")


def test_esc_on_an_edited_form_asks_before_the_changes_are_given_up(window, qtbot):
    """Found by a first-time user: Esc on a form with typed changes closed it at once and
    the changes were gone without a word."""
    from conftest import answer_next_box

    cid = new_client(window, qtbot)
    key(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, ClientDialog) and dialog.isVisible()
    qtbot.keyClick(dialog.fields["display_name"], Qt.Key.Key_End)
    qtbot.keyClicks(dialog.fields["display_name"], " Jr.")
    seen = answer_next_box("Keep editing")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert seen and "not kept" in seen[0]
    assert dialog.isVisible() and dialog.fields["display_name"].text() == "Robin T. Jr."

    seen = answer_next_box("Give up the changes")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert seen and not dialog.isVisible()
    assert window.db["clients"].get(cid)["display_name"] == "Robin T."


def test_esc_on_an_unchanged_form_closes_it_without_a_question(window, qtbot):
    new_client(window, qtbot)
    key(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, ClientDialog) and dialog.isVisible()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)  # a question would wait here
    assert not dialog.isVisible()


def test_a_course_is_ended_from_the_client_menu_naming_what_is_still_planned(demo_window,
                                                                             qtbot):
    """Found by a first-time user: nothing could end a course, which read "in progress"
    with the next session offered after all its sessions were held."""
    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    assert window.page.end_course.isVisible() and not window.page.start_course.isVisible()
    window.actions["end_course"].trigger()  # Client ▸ End course…
    dialog = window.dialog
    qtbot.waitExposed(dialog)
    qtbot.wait(50)  # laid out at its width
    for label in dialog.findChildren(QLabel):  # every line whole (the intro was clipped)
        if label.isVisible() and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "3 of 6 medication sessions held" in intro
    assert "Still planned in it: Medication 4 on" in intro and "not held" in intro
    type_into(qtbot, dialog, "ended_on", "2000-01-01")
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert "cannot end before" in dialog.error.text() and dialog.isVisible()
    type_into(qtbot, dialog, "ended_on", today())
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    jonah = window.page.client["id"]
    assert window.db.execute("SELECT ended_on FROM courses WHERE client_id = ? ORDER BY id "
                             "DESC", (jonah,)).fetchone()[0] == today()
    assert f"(ended {today()})" in window.page.course_line.text()
    assert window.page.start_course.isVisible() and not window.page.end_course.isVisible()
    statuses = dict(zip(column(window.page.session_view, 1), column(window.page.session_view,
                                                                    2), strict=True))
    assert statuses["Medication 4"] == statuses["Integration 4"] == "not held"
    assert statuses["Medication 3"] == "done"
    window.actions["end_course"].trigger()  # nothing left to end: said, nothing opens
    assert "no course in progress to end" in window.statusBar().currentMessage()


def test_an_ended_course_keeps_its_sessions_not_held_above_the_next_course(demo_window,
                                                                            qtbot):
    """Found by a first-time user: the list was in date order, so the ended course's
    "not held" sessions, planned for next week, sat among the new course's."""
    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    window.actions["end_course"].trigger()
    key(qtbot, window.dialog, Qt.Key.Key_Return)  # ends today
    qtbot.mouseClick(window.page.start_course, Qt.MouseButton.LeftButton)
    assert isinstance(window.dialog, CourseDialog)
    save(qtbot, window.dialog)  # a new course from today
    window.page.schedule.click()
    dialog = window.dialog
    assert isinstance(dialog, ScheduleDialog)
    integration_day = date.today() + timedelta(days=2)
    assert dialog.fields["integration_after"].text() == (
        f"24 h later: {integration_day:%a %d %b}, 10:00")  # the day it books, said
    save(qtbot, dialog)  # medication and integration, from tomorrow at 10
    names = column(window.page.session_view, 1)
    statuses = column(window.page.session_view, 2)
    first_of_new = names.index("Medication 1 · course 2")
    assert "Medication 4 · course 1" in names[:first_of_new]  # planned for a later day
    assert statuses[first_of_new] == "next"
    assert set(statuses[first_of_new + 1:]) <= {"planned"}
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert heading(window.dialog) == "Start medication session 1 of course 2 · Jonah R."


def test_an_integration_hour_typed_outside_24_to_48_is_refused_by_name(demo_window, qtbot):
    """Found by a first-time user: 12 typed was silently put back to the last hour in the
    window, and Schedule booked that."""
    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    before = window.db["sessions"].count
    window.page.schedule.click()
    dialog = window.dialog
    hours = dialog.fields["integration_after"]
    hours.setFocus()
    hours.lineEdit().selectAll()
    qtbot.keyClicks(hours, "12")
    assert hours.text() == "12 h later: outside 24-48 h"
    save(qtbot, dialog)
    assert "24-48" in dialog.error.text() and dialog.isVisible()
    assert window.db["sessions"].count == before


def heading(dialog) -> str:
    return next(w.text() for w in dialog.findChildren(QLabel) if w.objectName() == "title")


def test_the_pre_flight_names_the_session_it_starts(demo_window, qtbot):
    """Found by a first-time user: it said "Start a medication session", not which."""
    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert heading(window.dialog) == "Start medication session 4 · Jonah R."


def test_the_course_line_says_when_every_planned_session_is_held(db, client_id, clock,
                                                                 qtbot, themed_app):
    from kapdesk.practice.course import add_course, add_screening
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import record_discharge, record_dose

    add_screening(db, client_id, items={}, screened_on=today(), cleared_on=today())
    add_course(db, client_id, started_on=today(), planned_sessions=1)
    sid = begin_medication_session(db, client_id, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    record_dose(db, sid, given_at=T0 + timedelta(minutes=20),
                gate_reason="test: no pre-dose vitals in this setup")
    record_discharge(db, sid, at=T0 + timedelta(hours=3), reason="cleared by phone")
    window = MainWindow(db, clock=clock)
    qtbot.addWidget(window)
    window.show()
    line = window.page.course_line.text()
    assert "1 of 1 medication sessions done" in line and "End course" in line
    assert window.page.end_course.isVisible()


def test_scheduling_on_an_hour_already_booked_says_so_and_still_schedules(demo_window,
                                                                          qtbot):
    """Found by a first-time user: three clients' integration sessions were booked on one
    hour without a word."""
    from PySide6.QtCore import QDateTime

    from kapdesk.domain.timeutil import local, parse_instant

    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    booked = window.db.execute(
        "SELECT scheduled_for, number FROM sessions WHERE kind = 'integration' AND "
        "started_at IS NULL ORDER BY scheduled_for").fetchone()
    window.actions["schedule"].trigger()
    dialog = window.dialog
    assert dialog.clash.isHidden()
    choose(dialog, "kind", "preparation")
    at = local(parse_instant(booked[0])) + timedelta(minutes=30)
    dialog.fields["when"].setDateTime(QDateTime(at.replace(tzinfo=None)))
    assert dialog.clash.isVisible()
    assert dialog.clash.text().startswith(f"⚑ Already booked then: Jonah R., Integration "
                                          f"{booked[1]}, ")
    dialog.fields["when"].setDateTime(QDateTime((at + timedelta(hours=2)).replace(tzinfo=None)))
    assert dialog.clash.isHidden()
    dialog.fields["when"].setDateTime(QDateTime(at.replace(tzinfo=None)))
    save(qtbot, dialog)  # a warning, not a refusal
    assert not dialog.isVisible()


@pytest.mark.parametrize("form, table", [("thresholds", "threshold_versions"),
                                         ("order", "orders")])
def test_enter_on_an_untouched_order_or_thresholds_makes_no_new_version(demo_window, qtbot,
                                                                        form, table):
    """Found by a first-time user: Enter on the untouched form saved version 2, "set by"
    the prescriber today, repeating version 1."""
    window = demo_window
    before = window.db[table].count
    window.actions[form].trigger()  # Client ▸ Thresholds… / Prescriber's order…
    dialog = window.dialog
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and "no new version is saved" in dialog.error.text()
    assert window.db[table].count == before
    field = "pre_dose.heart_rate.max" if form == "thresholds" else "dose_mg"
    type_into(qtbot, dialog, field, "110")
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible() and window.db[table].count == before + 1


def test_a_medication_session_ended_without_a_dose_is_not_counted_as_one(demo_window, qtbot):
    """Found by a first-time user: a session discharged without a dose read "1 of 6 done",
    counted in the client list, showed "0" mg in the course overview, and the next
    pre-flight asked about "another dose today"."""
    from datetime import UTC, datetime

    from kapdesk.practice.live import begin_medication_session, preflight_cautions
    from kapdesk.practice.session import record_discharge

    window = demo_window
    db = window.db
    jonah = db.execute("SELECT id FROM clients WHERE display_name = 'Jonah R.'").fetchone()[0]
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    start = datetime.now(UTC) - timedelta(minutes=40)
    sid = begin_medication_session(db, jonah, at=start, intention="to rest",
                                   ride_home_name="Marisol R.", ride_confirmed=True,
                                   playlist_id=playlist)
    record_discharge(db, sid, at=start + timedelta(minutes=30),
                     reason="client declined the dose today, prescriber informed")
    window.reload()
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    assert column(window.client_view, 2) == ["3"]  # Med. sessions: the three with a dose
    line = window.page.course_line.text()
    assert "3 of 6 medication sessions done. 1 more ended without a dose." in line
    statuses = dict(zip(column(window.page.session_view, 1),
                        column(window.page.session_view, 2), strict=False))
    assert statuses["Medication 4"] == "done · override · no dose"
    assert statuses["Medication 3"] == "done"
    assert not [c for c in preflight_cautions(db, jonah, now=datetime.now(UTC))
                if "another dose" in c]
    key(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    model = window.course_window.model
    doses = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert doses[-1] == "no dose" and "0" not in doses
