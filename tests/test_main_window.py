"""The practice window on the demo practice, driven through the real widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from conftest import T0
from kapdesk.demo import build_demo
from kapdesk.domain.timeutil import ManualClock
from kapdesk.storage import open_database
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.theme import apply_theme


@pytest.fixture
def window(qtbot, qapp, tmp_path):
    apply_theme(qapp)
    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date(2026, 11, 21))
    win = MainWindow(db, db_path=str(tmp_path / "demo.sqlite"), clock=ManualClock(T0))
    qtbot.addWidget(win)
    win.show()
    return win


def visible_column(view, column):
    model = view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_clients_are_listed_and_missing_thresholds_are_marked(window):
    assert visible_column(window.client_view, 0) == ["Avery L.", "Jonah R.", "Zoë M."]
    assert visible_column(window.client_view, 1) == ["on file", "on file", "thresholds needed"]
    assert "DEMO" in window.findChild(type(window.card.name), "badge").text()


def test_choosing_a_client_shows_their_card_and_sessions(window, qtbot):
    window.client_view.selectRow(0)
    assert window.card.name.text() == "Avery L."
    assert "Ride home: Jesse Lindqvist" in window.card.details.text()
    assert "booster 50 mg allowed" in window.card.order.text()
    kinds = visible_column(window.session_view, 1)
    assert kinds.count("Preparation") == 1
    assert [k for k in kinds if k.startswith("Medication")] == [f"Medication {n}"
                                                                for n in range(1, 7)]
    assert len([k for k in kinds if k.startswith("Integration")]) == 6
    window.client_view.selectRow(2)
    assert window.card.name.text() == "Zoë M."
    assert window.card.thresholds.text().startswith("Thresholds needed")
    assert window.empty.isVisibleTo(window) and window.empty.text() == "No sessions yet."


def test_typing_in_the_search_filters_clients(window, qtbot):
    qtbot.keyClicks(window.search, "jon")
    assert visible_column(window.client_view, 0) == ["Jonah R."]
    qtbot.keyClick(window.search, Qt.Key_Return)
    assert window.client_view.hasFocus() or not window.isActiveWindow()


def test_clock_shows_local_time_from_the_clock_not_ticks(window):
    window.clock.advance(minutes=95)
    window.refresh_clock()
    expected = (T0 + timedelta(minutes=95)).astimezone().strftime("%H:%M")
    assert window.clock_label.text() == expected


def test_an_empty_practice_explains_how_to_see_the_demo(qtbot, tmp_path):
    win = MainWindow(open_database(tmp_path / "empty.sqlite"))
    qtbot.addWidget(win)
    assert "kapdesk --demo" in win.empty.text()
    assert win.clients.rowCount() == 0
