"""The practice window on the demo practice, driven through the real widgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from conftest import T0
from gui import column, key
from kapdesk.storage import open_database
from kapdesk.ui.emergency import EmergencyCard
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.search import SearchDialog


@pytest.fixture
def window(demo_window):
    return demo_window


def test_clients_are_listed_and_missing_thresholds_are_marked(window):
    assert column(window.client_view, 0) == ["Avery L.", "Jonah R.", "Zoë M."]
    assert column(window.client_view, 1) == ["on file", "on file", "needed"]
    window.client_view.selectRow(2)
    card = window.page.card
    assert card.thresholds.text().startswith("Thresholds needed")
    assert card.order.text().startswith("Order needed")
    assert card.screening.text().startswith("Screening needed")


def test_choosing_a_client_shows_the_course_as_a_sequence(window):
    window.client_view.selectRow(1)
    card = window.page.card
    assert card.name.text() == "Jonah R."
    assert "Ride home: Marisol Reyes" in card.details.text()
    assert "150 mg racemic ketamine" in card.order.text()
    assert "cleared by the prescriber" in card.screening.text()
    sessions = column(window.page.session_view, 1)
    statuses = column(window.page.session_view, 2)
    follows = column(window.page.session_view, 3)
    assert sessions[-2:] == ["Medication 4", "Integration 4"]
    assert statuses[-2:] == ["next", "planned"]
    assert statuses[:-2] == ["done"] * (len(statuses) - 2)
    assert follows[sessions.index("Integration 2")] == "medication 2"
    assert "3 of 6 medication sessions done" in window.page.course_line.text()


def test_outcomes_and_history_tabs_hold_the_clients_records(window):
    window.client_view.selectRow(0)
    assert column(window.page.outcome_view, 1).count("PHQ-9") == 4
    assert column(window.page.outcome_view, 2)[:3] == ["19", "14", "46"]
    history = window.page.history.text()
    assert "v1" in history and "SBP ≤ 140" in history and "no exports yet" in history


def test_typing_in_the_search_filters_clients(window, qtbot):
    qtbot.keyClicks(window.search, "jon")
    assert column(window.client_view, 0) == ["Jonah R."]


def test_the_one_client_a_search_leaves_is_the_chosen_client(window, qtbot):
    """Found by a first-time user: typing "Zo" left Zoë M. alone in the list, the page
    said "No client selected" and Ctrl+G did nothing."""
    assert window.page.client["display_name"] == "Avery L."
    window.activateWindow()
    key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "Zo")
    assert column(window.client_view, 0) == ["Zoë M."]
    assert window.page.client["display_name"] == "Zoë M."
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.client_view.hasFocus() or window.focusWidget() is window.client_view
    assert window.client_view.currentIndex().data() == "Zoë M."
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)  # Down, too, goes to the list
    assert window.focusWidget() is window.client_view


def test_tab_leaves_the_client_list_for_the_clients_page(window, qtbot):
    """Tab moved cell by cell through the list, choosing a new client on every row, and
    never reached the page's buttons."""
    window.activateWindow()
    window.client_view.setFocus()
    qtbot.waitUntil(window.client_view.hasFocus)
    chosen = window.page.client["display_name"]
    qtbot.keyClick(window.client_view, Qt.Key.Key_Tab)
    assert not window.client_view.hasFocus()
    assert window.page.client["display_name"] == chosen


def test_f2_opens_the_emergency_card_from_anywhere(window, qtbot):
    window.client_view.selectRow(0)
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_F2)
    card = window.dialog
    assert isinstance(card, EmergencyCard) and card.isVisible()
    assert card.numbers["Prescriber on call"].text() == "555-0199"
    assert card.numbers["Ride home"].text() == "555-0123"
    assert "Grounding" in card.plan.text()


def test_archiving_hides_a_client_but_keeps_them(window, qtbot):
    window.client_view.selectRow(2)
    window.actions["archive"].trigger()
    assert column(window.client_view, 0) == ["Avery L.", "Jonah R."]
    window.show_archived.setChecked(True)
    assert "Zoë M." in column(window.client_view, 0)
    assert window.db.execute("SELECT count(*) FROM clients WHERE archived_at IS NOT NULL"
                             ).fetchone()[0] == 1


def test_the_menus_schedule_says_why_when_the_cards_button_is_greyed(window, qtbot):
    """Found by a first-time user: Client ▸ Schedule session… stayed enabled where the
    card's button was greyed (no course in progress); it opened a form that could only
    fail. It says what to do instead."""
    window.client_view.selectRow(0)  # Avery L.: the course has ended
    assert not window.page.schedule.isEnabled()
    window.actions["schedule"].trigger()
    assert window.dialog is None or not window.dialog.isVisible()
    assert window.statusBar().currentMessage().startswith(
        "Avery L. has no course in progress: start one first")


def test_clock_shows_local_time_from_the_clock_not_ticks(window):
    window.clock.advance(minutes=95)
    window.refresh_clock()
    assert window.clock_label.text() == (T0 + timedelta(minutes=95)).astimezone().strftime(
        "%H:%M")


def test_an_empty_practice_explains_what_to_do(qtbot, tmp_path):
    win = MainWindow(open_database(tmp_path / "empty.sqlite"))
    qtbot.addWidget(win)
    empty = win.view.empty.text()
    assert "New client (Ctrl+N)" in empty and "kapdesk --demo" in empty
    assert win.clients.rowCount() == 0


def test_an_export_from_the_client_menu_shows_in_what_left_this_laptop(window, qtbot,
                                                                       tmp_path, monkeypatch):
    """The practice window lists the export as soon as the dialog closes: the export
    announces the change, and the page refreshes from it."""
    window.client_view.selectRow(0)
    target = tmp_path / "course.json"
    monkeypatch.setattr("kapdesk.ui.export_preview.QFileDialog.getSaveFileName",
                        lambda *args: (str(target), ""))
    window.actions["export"].trigger()
    dialog = window.dialog
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    dialog.save_button.click()
    assert target.exists()
    assert "no exports yet" not in window.page.history.text()
    assert str(target) in window.page.history.text()


def test_a_long_client_list_never_cuts_the_thresholds_warning(window, qtbot):
    """Found by a first-time user on a ten-year practice: "thresholds needed" was cut to
    "threshold…" for a client below the first rows, "Long …" for an 11-letter name, and a
    sideways scroll bar came and went. The short columns fit every text they can hold;
    a name longer than its room is elided, and its tooltip shows it whole."""
    from kapdesk.practice.records import add_client

    for number in range(120):
        add_client(window.db, display_name=f"Client {number:03d}")
    long_name = "Zzz Bartholomew-Fitzwilliam Okonkwo-Lindqvist"
    for name in ("Zz Long Course", long_name):  # no thresholds yet: the warning
        add_client(window.db, display_name=name)
    window.reload()
    view = window.client_view
    qtbot.waitExposed(window)
    metrics = view.fontMetrics()
    rows = view.model().rowCount()
    cell = [[view.model().index(row, c).data() for c in range(3)] for row in (rows - 2, rows - 1)]
    assert cell == [["Zz Long Course", "needed", "0"], [long_name, "needed", "0"]]
    assert view.columnWidth(0) >= metrics.horizontalAdvance("Zz Long Course") + 16
    assert view.columnWidth(1) >= metrics.horizontalAdvance("Thresholds") + 16
    assert view.columnWidth(2) >= metrics.horizontalAdvance("Med. sessions") + 16
    assert sum(view.columnWidth(c) for c in range(3)) <= view.viewport().width()
    assert view.model().index(rows - 1, 0).data(Qt.ItemDataRole.ToolTipRole) == long_name


def test_a_long_history_opens_at_its_latest_sessions(qtbot, themed_app, tmp_path):
    """Found by a first-time user: a client with eight courses opened at a preparation
    two years back, under a line about the course that began this June."""
    from bench.practice import LONG_COURSE, build

    db = open_database(tmp_path / "long.sqlite")
    build(db, clients=4, notes_per_session=1, seed=3)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, LONG_COURSE)
    assert window.page.client["display_name"] == LONG_COURSE
    view = window.page.session_view
    last = view.model().index(view.model().rowCount() - 1, 0)
    assert view.model().rowCount() > 60
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(last)))
    # Eight courses, each with its "Medication 1": every row says which course it is of
    # (found by a first-time user: eight alike rows, no way to tell them apart).
    names = [view.model().index(row, 1).data() for row in range(view.model().rowCount())]
    firsts = [name for name in names if name.startswith("Medication 1 ")]
    assert firsts == [f"Medication 1 · course {n}" for n in range(1, 9)]
    assert names[-1].endswith("· course 8")

    # The review and the search results say the course too: "Medication session 1" alone
    # was any of eight (found by a first-time user).
    view.setFocus()
    view.selectRow(names.index("Medication 1 · course 3"))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.review_window is not None)
    review = window.review_window
    qtbot.addWidget(review)
    assert review.view.title.text().startswith(
        f"{LONG_COURSE} · Medication session 1 · course 3 ")
    key(qtbot, review, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not review.isVisible())
    key(qtbot, window, Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, SearchDialog))
    search = window.dialog
    qtbot.keyClicks(search.query, "warm")
    qtbot.waitUntil(lambda: search.count.text().startswith("16 notes"), timeout=5000)
    lines = [search.list.itemWidget(search.list.item(i)).text().split("<br>")[0]
             for i in range(search.list.count())]
    ours = [line for line in lines if LONG_COURSE in line]
    others = [line for line in lines if LONG_COURSE not in line]
    assert ours and all(" · course " in line for line in ours)
    assert others and not any(" · course " in line for line in others)  # one course each


def test_the_keyboard_opens_the_latest_session_and_leaves_its_review(window, qtbot):
    """Found by a first-time user: Enter on a past session opened nothing, the table
    showed no current row, and a review could be left only with Alt+F4."""
    from PySide6.QtWidgets import QPushButton

    window.client_view.selectRow(0)  # Avery L.: a course done, the last session selected
    view = window.page.session_view
    qtbot.waitUntil(lambda: view.currentIndex().row() == view.model().rowCount() - 1)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Up)  # from Integration 6 to Medication 6
    assert view.model().index(view.currentIndex().row(), 1).data() == "Medication 6"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.review_window is not None)
    review = window.review_window
    qtbot.addWidget(review)
    qtbot.waitExposed(review)
    assert review.ended
    log = review.view.log
    first = log.currentRow()
    key(qtbot, review, Qt.Key.Key_Down)
    assert log.currentRow() == first + 1  # Up and Down walk the log, for Amend…
    buttons = [b.text() for b in review.findChildren(QPushButton)
               if b.isVisible() and b.focusPolicy() & Qt.FocusPolicy.TabFocus]
    assert "Back to practice" in buttons and "Amend…" in buttons  # Tab reaches them
    key(qtbot, review, Qt.Key.Key_Escape)  # the first closes what is open over it,
    key(qtbot, review, Qt.Key.Key_Escape)  # the second the review
    qtbot.waitUntil(lambda: not review.isVisible())


def test_widening_the_filter_keeps_the_chosen_client_chosen_and_in_view(window, qtbot):
    """Found by a first-time user on a ten-year practice: with the filter widened again,
    the chosen client was still chosen but out of view, and no row showed it."""
    from kapdesk.practice.records import add_client

    for number in range(60):
        add_client(window.db, display_name=f"Client {number:03d}")
    window.reload()
    qtbot.waitExposed(window)
    view = window.client_view
    qtbot.keyClicks(window.search, "Client 05")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert window.page.client["display_name"] == "Client 051"
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Backspace)  # "Client 0": sixty clients
    assert view.model().rowCount() == 60
    chosen = view.currentIndex()
    assert chosen.data() == "Client 051" and window.page.client["display_name"] == "Client 051"
    assert view.selectionModel().isRowSelected(chosen.row(), chosen.parent())
    qtbot.waitUntil(lambda: view.viewport().rect().contains(view.visualRect(chosen)))
    key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.search
    assert window.search.selectedText() == "Client 0"  # typing replaces the words


def test_home_and_end_go_to_the_first_and_last_client(window, qtbot):
    """Found by a first-time user: only Ctrl+Home and Ctrl+End moved in the list."""
    view = window.client_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == view.model().rowCount() - 1
    assert window.page.client["display_name"] == view.currentIndex().data()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0


def test_the_offline_line_returns_after_a_menu_or_a_message(window, qtbot):
    """Found by a first-time user: the status bar's 'Offline · everything stays on this
    laptop' went for good once a menu had been opened (its items' empty tips clear it)."""
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication, QLabel

    def offline_shown() -> bool:
        return any(label.isVisible() and label.text().startswith(
            "Offline · everything stays on this laptop")
            for label in window.statusBar().findChildren(QLabel))

    window.show()
    qtbot.waitExposed(window)
    assert offline_shown()
    QApplication.sendEvent(window, QStatusTipEvent(""))  # a menu item hovered
    assert offline_shown()
    window.statusBar().showMessage("Choose a client first.", 50)
    assert not offline_shown()  # a message takes the line while it lasts
    qtbot.waitUntil(offline_shown, timeout=1000)


def test_the_windows_shortcuts_work_while_the_cursor_is_in_find_a_client(demo_window,
                                                                          qtbot):
    """Found by a first-time user: under X11 "Find a client", which has the cursor at
    start, took Ctrl+E as end-of-line and "Edit details  Ctrl+E" did nothing. The field
    asks before any key that may be a shortcut; it lets the window's own go."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def field_keeps(combination) -> bool:
        asking = QKeyEvent(QEvent.Type.ShortcutOverride, combination.key(),
                           combination.keyboardModifiers())
        QApplication.sendEvent(demo_window.search, asking)
        return asking.isAccepted()

    window = demo_window
    window.find_client()
    shortcuts = [a.shortcut()[0] for a in window.findChildren(QAction)
                 if not a.shortcut().isEmpty()]
    assert len(shortcuts) >= 10
    assert not [s.toString() for s in shortcuts if field_keeps(s)]
    # keys that are no shortcut of the window stay the field's own editing keys
    select_all = QKeySequence(QKeySequence.StandardKey.SelectAll)[0]
    assert field_keeps(select_all)
    # and a shortcut the field also claims for itself goes to the window: a line edit
    # takes Ctrl+A here as under X11 it takes Ctrl+E
    window.actions["edit"].setShortcut(QKeySequence(select_all))
    assert not field_keeps(select_all)
    key(qtbot, window, select_all.key(), select_all.keyboardModifiers())
    assert window.dialog is not None and window.dialog.isVisible()


def test_esc_in_find_a_client_brings_the_whole_list_back(demo_window, qtbot):
    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    assert column(window.client_view, 0) == ["Jonah R."]
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.search.text() == "" and len(column(window.client_view, 0)) == 3


def test_every_menu_item_has_its_own_access_letter(demo_window, qtbot):
    """Found by a first-time user: Alt+C opened the Client menu, and then no letter chose
    anything in it."""
    window = demo_window
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(letters) == len(texts), [t for t in texts if "&" not in t]
        assert len(set(letters)) == len(letters), sorted(letters)
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    client_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Client")
    client_menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(client_menu)
    qtbot.keyClick(client_menu, Qt.Key.Key_D)  # En&d course…
    assert window.dialog is not None and window.dialog.windowTitle() == "End the course"
