"""The course at a glance: the right figures per session and the right points in the charts."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel, QTableView

from gui import menu_item
from kapdesk.demo import build_demo
from kapdesk.storage import open_database
from kapdesk.storage.course_view import client_course_rows
from kapdesk.storage.rows import NotFound
from kapdesk.storage.sessions import load_session, load_sessions


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("course") / "demo.sqlite")
    build_demo(db, today=date(2026, 11, 21))
    return db


def test_one_row_per_medication_session_with_its_figures(demo):
    rows = client_course_rows(demo, 1)
    assert [r.number for r in rows] == [1, 2, 3, 4, 5, 6]
    third = rows[2]
    assert (third.peak_systolic, third.peak_diastolic) == (158, 92)  # the breach
    assert third.discharge.reading.systolic == 142 and third.discharge.verdict.status == "within"
    assert third.adverse == ("Dizziness",)
    assert (rows[3].dose_mg, rows[3].booster_mg) == (150, 50)
    assert rows[0].adverse == ("Nausea",)
    assert rows[1].scores == {"PHQ-9": 15, "GAD-7": 12, "PCL-5": 40}
    assert rows[2].dissociation == "strong"


def test_the_charts_hold_the_sessions_points(demo, qtbot, themed_app):
    from PySide6.QtCore import QDate, QDateTime, Qt, QTime

    from kapdesk.ui.course_view import CourseWindow

    window = CourseWindow(demo, 1)
    qtbot.addWidget(window)
    series = {s.name(): s for s in window.charts["bp"].series()}
    assert [p.y() for p in series["peak"].points()] == [132, 136, 158, 134, 138, 128]
    assert [p.x() for p in series["peak"].points()] == [1, 2, 3, 4, 5, 6]
    assert {p.y() for p in series["discharge max"].points()} == {150}
    hr = {s.name(): s for s in window.charts["hr"].series()}
    # session 2 shows the corrected 72, not the typed 70 (the demo corrects it)
    assert [p.y() for p in hr["pre-dose"].points()] == [74, 72, 72, 68, 76, 66]
    bars = window.charts["dose"].series()[0].barSets()
    assert [bars[1].at(i) for i in range(6)] == [0, 0, 0, 50, 0, 0]
    outcomes = {s.name(): s for s in window.charts["outcomes"].series()}
    assert [p.y() for p in outcomes["PHQ-9"].points()] == [19, 15, 10, 7]
    # each score on its day: the start of that day on this laptop's clock, as Qt places it
    days = [r["taken_on"] for r in demo.query(
        "SELECT taken_on FROM outcome_measures WHERE client_id = 1 AND instrument = 'PHQ-9' "
        "ORDER BY taken_on")]
    assert [int(p.x()) for p in outcomes["PHQ-9"].points()] == [
        QDateTime(QDate.fromString(day, Qt.DateFormat.ISODate), QTime(0, 0)).toMSecsSinceEpoch()
        for day in days]
    assert window.model.rowCount() == 6
    assert [window.model.index(i, 0).data() for i in range(6)] == ["1", "2", "3", "4", "5", "6"]
    assert "⚑" not in window.model.index(2, 4).data()  # left on a passing recheck
    # the outcome scores in one fixed order, named once in the heading
    assert window.model.headerData(8, Qt.Orientation.Horizontal) == "PHQ-9/GAD-7/PCL-5"
    assert window.model.index(1, 8).data() == "15 / 12 / 40"
    assert window.model.index(2, 8).data() == ""  # no scores taken that session


def test_sessions_read_together_are_each_as_read_alone(demo):
    """The overview reads a course's sessions in one query a table: each must come back
    exactly as the session window and the exports read it alone, in the order asked."""
    ids = [r["id"] for r in demo.query(
        "SELECT id FROM sessions WHERE started_at IS NOT NULL ORDER BY started_at DESC")]
    assert len(ids) > 6
    for notes in (False, True):
        together = load_sessions(demo, ids, notes=notes)
        assert [r.id for r in together] == ids
        assert together == [load_session(demo, i, notes=notes) for i in ids]
    assert [r.id for r in load_sessions(demo, (i for i in ids[:3]))] == ids[:3]  # any iterable
    assert any(r.notes for r in load_sessions(demo, ids))
    with pytest.raises(NotFound, match="session 99999"):
        load_sessions(demo, [ids[0], 99999])


@pytest.mark.parametrize("way", ["shortcut", "menu", "button"])
def test_the_overview_opens_the_way_a_therapist_opens_it_and_esc_closes_it(demo, qtbot,
                                                                            themed_app, way):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLabel

    from kapdesk.ui.main_window import MainWindow

    main = MainWindow(demo)
    qtbot.addWidget(main)
    main.show()
    main.reload(select=1)
    if way == "shortcut":
        # Qt dispatches Ctrl+G to the action bound to it only in the active window, which the
        # offscreen platform does not reliably report; the binding and the action are ours.
        [bound] = [a for a in main.findChildren(QAction)
                   if a.shortcut() == QKeySequence("Ctrl+G")]
        bound.trigger()
    elif way == "menu":
        client_menu = main.menuBar().actions()[1].menu()
        menu_item(client_menu, "Course overview and charts…").trigger()
    else:
        qtbot.mouseClick(main.page.overview, Qt.MouseButton.LeftButton)
    window = main.course_window
    assert window is not None and window.isVisible()
    assert window.windowTitle() == "kapdesk · Course overview"  # no name for the desktop
    assert any(lbl.text() == "Avery L. · course overview" for lbl in window.findChildren(QLabel))
    assert window.model.rowCount() == 6
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert not window.isVisible() and main.isVisible()


def test_a_breached_peak_is_flagged_like_any_reading_outside_the_thresholds(demo, qtbot,
                                                                             themed_app):
    """Found by a first-time user: the demo's 158/92 peak is over the discharge maximum
    of 150 but had no ⚑, though the caption says ⚑ marks such readings."""
    from kapdesk.ui.course_view import CourseWindow

    window = CourseWindow(demo, 1)
    qtbot.addWidget(window)
    peaks = [window.model.index(row, 5).data() for row in range(6)]
    assert peaks[2] == "158/92 ⚑"
    assert [p for p in peaks if "⚑" in p] == ["158/92 ⚑"]


def test_years_of_sessions_in_several_courses_stay_readable(demo, qtbot, themed_app,
                                                            monkeypatch):
    """Found by a first-time user on a client with 48 sessions in 8 courses: '#' restarted
    at 1 in each course, the dose chart merged them into 6 bars, and the session numbers
    under the charts ran together."""
    from dataclasses import replace

    from PySide6.QtCharts import QBarCategoryAxis, QValueAxis

    from kapdesk.ui import course_view

    six = client_course_rows(demo, 1)
    years = [replace(row, course_id=course) for course in range(8) for row in six]
    monkeypatch.setattr(course_view, "client_course_rows", lambda _db, _client: years)
    window = course_view.CourseWindow(demo, 1)
    qtbot.addWidget(window)
    assert [window.model.index(row, 0).data() for row in range(48)] == [
        str(n) for n in range(1, 49)]
    # ...and the line under the title says where each course begins (#7 was "Medication
    # 1 · course 2" in the practice window, found by a first-time user)
    assert any(lbl.text().endswith("Numbered across 8 courses: course 1 from #1, course 2 "
                                   "from #7, course 3 from #13, course 4 from #19, course 5 "
                                   "from #25, course 6 from #31, course 7 from #37, course 8 "
                                   "from #43.") for lbl in window.findChildren(QLabel))
    [categories] = [a for a in window.charts["dose"].axes()
                    if isinstance(a, QBarCategoryAxis)]
    assert categories.count() == 48  # one bar each, none merged
    [sessions] = [a for a in window.charts["bp"].axes() if isinstance(a, QValueAxis)
                  and a.labelFormat() == "%d" and a.max() == 49]
    assert sessions.tickType() == QValueAxis.TickType.TicksDynamic
    assert sessions.tickInterval() == 5
    window.show()  # a long course opens at its latest sessions
    view = window.findChild(QTableView)
    last = window.model.index(47, 0)
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(last)))
    # ...with the keyboard there: found by a first-time user, Up, Page Up and Ctrl+Home
    # did nothing, and the first Down jumped to session 2.
    from PySide6.QtCore import Qt

    assert view.currentIndex().row() == 47 and window.focusWidget() is view
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 46
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    first = window.model.index(0, 0)
    assert view.currentIndex().row() == 0
    qtbot.waitUntil(lambda: view.viewport().rect().intersects(view.visualRect(first)))


def test_a_client_with_no_session_held_gets_a_sentence_not_empty_charts(demo, qtbot,
                                                                        themed_app):
    """Found by a first-time user: Zoë M., no session yet, got an empty table and charts
    with axes around nothing ("0 1 2", "01 Jan" five times)."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLabel

    from kapdesk.ui.main_window import MainWindow

    main = MainWindow(demo)
    qtbot.addWidget(main)
    main.show()
    zoe = demo.execute("SELECT id FROM clients WHERE display_name = 'Zoë M.'").fetchone()[0]
    main.reload(select=zoe)
    [bound] = [a for a in main.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+G")]
    bound.trigger()
    window = main.course_window
    assert window is not None and window.isVisible()
    assert any(lbl.text().startswith("No medication session has taken place yet")
               for lbl in window.findChildren(QLabel))
    assert "bp" not in window.charts and "dose" not in window.charts
