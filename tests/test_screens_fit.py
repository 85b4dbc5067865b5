"""Every window and dialog fits a 1280x720 laptop, in the states that made them grow.

Each screen is reached the way a therapist reaches it (menu action, shortcut, button,
double-click) on a practice with a long name, a twelve-session course, a breach, an open
moment list and refusals on screen. The tests' offscreen screen is 1280x720
(tests/laptop_screen.json); a window may use at most that less room for a title bar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from gui import key, menu_item, type_vitals
from kapdesk.demo import build_demo
from kapdesk.domain.timeutil import ManualClock
from kapdesk.practice.course import add_course, add_screening, schedule_medication_with_integration
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.records import add_client, add_order, add_prescriber
from kapdesk.storage.clients import list_clients
from kapdesk.storage.prescriptions import add_thresholds
from kapdesk.storage.sessions import list_sessions
from kapdesk.ui.main_window import MainWindow

from conftest import sample_thresholds  # isort: skip

SCREEN = (1280, 720)
TITLE_BAR = 40
LONG_NAME = "Maximiliana Esperanza Oyelaran-Whitfield-Santangelo (Max)"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def assert_fits(window: QWidget, what: str) -> None:
    """What the layout demands and what was shown both fit the laptop (after the layouts
    have settled: each level asks its parent again on its own event)."""
    for _ in range(6):
        QApplication.processEvents()
    need = window.minimumSizeHint()
    assert need.width() <= SCREEN[0] and need.height() <= SCREEN[1] - TITLE_BAR, \
        f"{what} needs {need.width()}x{need.height()}"
    shown = window.frameGeometry()
    assert shown.width() <= SCREEN[0] and shown.height() <= SCREEN[1], \
        f"{what} is {shown.width()}x{shown.height()}"
    assert shown.left() >= 0 and shown.top() >= 0, f"{what} starts off-screen at {shown}"


@pytest.fixture
def practice(db, qtbot, themed_app):
    """The demo practice plus a client with a long name and a twelve-session course."""
    build_demo(db, today=NOW.date())
    prescriber = add_prescriber(db, name="Dr. Konstantinos Papadimitriou-Vandenberghe",
                                credentials="MD, PhD, FRCPC", phone="555-0100")
    cid = add_client(db, display_name=LONG_NAME, legal_name=LONG_NAME, pronouns="she/they",
                     prescriber_id=prescriber, ride_name="Bartholomew Oyelaran-Whitfield",
                     ride_phone="555-0111")
    add_order(db, cid, dose_mg=100, ordered_on="2026-10-01", prescriber_id=prescriber,
              booster_allowed=True, booster_mg=50, min_minutes_after_dose=120)
    add_thresholds(db, cid, sample_thresholds())
    add_screening(db, cid, items={}, screened_on=date(2026, 10, 1),
                  cleared_on=date(2026, 10, 2))
    course = add_course(db, cid, started_on=date(2026, 10, 5), planned_sessions=12)
    for week in range(12):
        schedule_medication_with_integration(db, course, NOW + timedelta(days=7 * week + 2))
    clock = ManualClock(NOW)
    main = MainWindow(db, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.reload(select=cid)
    return main, cid, clock


def opened_dialog(main: MainWindow) -> QWidget:
    QApplication.processEvents()
    assert main.dialog is not None and main.dialog.isVisible()
    return main.dialog


def test_the_practice_window_with_a_long_name_and_a_twelve_session_course(practice):
    main, _, _ = practice
    assert_fits(main, "practice window")
    assert main.page.start_session.isVisible()
    right_edge = main.page.start_session.mapTo(main, main.page.start_session.rect().topRight())
    assert right_edge.x() <= main.width(), "Start medication session is cut off"


def test_a_client_with_years_of_orders_keeps_the_practice_window_on_screen(practice, qtbot):
    """Found by a first-time user on a ten-year practice: choosing a client with eight
    order versions made the window 1088 px tall, every order listed on a hidden tab."""
    main, cid, _ = practice
    for version in range(2, 30):
        add_order(main.db, cid, dose_mg=100 + version, ordered_on="2026-10-01",
                  prescriber_id=None, booster_allowed=True, booster_mg=50,
                  min_minutes_after_dose=120)
    main.client_view.selectRow(0)
    main.reload(select=cid)  # chosen again, as from the list
    assert_fits(main, "practice window with 29 orders")
    main.page.tabs.setCurrentIndex(2)  # the orders are all there, scrolled
    qtbot.waitUntil(lambda: "v29" in main.page.history.text())
    assert_fits(main, "the orders tab")


@pytest.mark.parametrize("action", ["edit", "order", "thresholds", "screening", "schedule",
                                    "outcome", "emergency", "export"])
def test_each_client_form_fits(practice, action):
    main, _, _ = practice
    main.actions[action].trigger()
    dialog = opened_dialog(main)
    assert_fits(dialog, action)
    if hasattr(dialog, "save_button"):  # Save is within the dialog, never below its edge
        bottom = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomLeft())
        assert dialog.save_button.isVisible() and bottom.y() <= dialog.height()


def test_a_form_showing_a_refusal_still_fits(practice, qtbot):
    main, _, _ = practice
    main.new_client.click()
    dialog = opened_dialog(main)
    # nothing typed: a refusal shows
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert_fits(dialog, "new client with an error")


@pytest.mark.parametrize("text", ["Practice details…", "Music library…", "Prescribers…",
                                  "Protocols…", "Search notes…"])
def test_each_practice_menu_window_fits(practice, text):
    main, _, _ = practice
    menu = main.menuBar().actions()[0].menu()
    menu_item(menu, text).trigger()
    assert_fits(opened_dialog(main), text)


def test_the_protocol_editor_fits_with_every_step_of_the_longest_template(practice, qtbot):
    main, _, _ = practice
    menu = main.menuBar().actions()[0].menu()
    menu_item(menu, "Protocols…").trigger()
    protocols = opened_dialog(main)
    protocols.view.selectRow(0)  # the sublingual template: the most steps
    qtbot.keyClick(protocols.view, Qt.Key.Key_Return)
    editor = protocols.editor
    assert editor is not None and editor.table.rowCount() == 12
    assert_fits(editor, "protocol editor")


def test_the_course_overview_fits(practice):
    main, _, _ = practice
    avery = next(c for c in list_clients(main.db) if c["display_name"] == "Avery L.")
    main.reload(select=avery["id"])
    main.actions["overview"].trigger()
    window = main.course_window
    assert window.isVisible()
    assert_fits(window, "course overview")


def test_the_preflight_fits(practice):
    main, _, _ = practice
    main.actions["start"].trigger()
    assert_fits(opened_dialog(main), "pre-flight")


def test_the_live_session_window_with_a_breach_and_the_moment_list(practice, qtbot):
    main, cid, clock = practice
    playlist = next(main.db.query("SELECT id FROM playlists"))["id"]
    sid = begin_medication_session(main.db, cid, at=NOW, intention="to rest",
                                   ride_home_name="Bartholomew", ride_confirmed=True,
                                   playlist_id=playlist)
    main.open_session(sid)
    sw = main.session_window
    qtbot.addWidget(sw)
    assert_fits(sw, "session window")
    clock.advance(minutes=11)
    key(qtbot, sw, Qt.Key.Key_V)
    type_vitals(qtbot, sw, systolic=182, diastolic=112, heart_rate=131)
    key(qtbot, sw, Qt.Key.Key_Return)  # a long breach line in the header
    assert_fits(sw, "session window with a breach")
    key(qtbot, sw, Qt.Key.Key_L)
    key(qtbot, sw, Qt.Key.Key_Return)  # a refused discharge with its reasons
    assert_fits(sw, "session window with a refused discharge")
    key(qtbot, sw, Qt.Key.Key_Escape)
    for _ in range(12):
        clock.advance(minutes=1)
        key(qtbot, sw, Qt.Key.Key_T)
    sw.view.band.repaint()
    marker = [m for m in sw.view.band.markers if "Talking" in m.text][-1]
    qtbot.mouseClick(sw.view.band, Qt.MouseButton.LeftButton, pos=marker.rect.center().toPoint())
    assert sw.view.panels.currentWidget() is sw.view.moment and sw.view.moment.isVisible()
    assert_fits(sw, "session window with the moment list open")


def test_review_and_integration_windows_fit(practice, qtbot):
    main, _, _ = practice
    avery = next(c for c in list_clients(main.db) if c["display_name"] == "Avery L.")
    main.reload(select=avery["id"])
    sessions = [s for s in list_sessions(main.db, avery["id"]) if s["ended_at"]]
    for kind in ("medication", "integration"):
        past = next(s for s in sessions if s["kind"] == kind)
        main.open_past(past["id"])
        window = main.review_window
        qtbot.addWidget(window)
        assert window.isVisible()
        assert_fits(window, f"{kind} review")


def test_no_dialog_is_left_open_over_the_practice_window(practice):
    main, _, _ = practice
    assert not [d for d in main.findChildren(QDialog) if d.isVisible()]


def test_the_practice_window_reopens_at_the_size_and_state_it_was_left(db, qtbot, themed_app):
    first = MainWindow(db)
    qtbot.addWidget(first)
    first.show()
    first.resize(1000, 600)
    first.close()
    second = MainWindow(db)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (1000, 600)
    second.showMaximized()
    qtbot.waitUntil(second.isMaximized)
    second.close()
    third = MainWindow(db)
    qtbot.addWidget(third)
    third.show()
    qtbot.waitUntil(third.isMaximized)
