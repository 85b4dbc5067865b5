"""Test set-up: offscreen Qt and silent audio before anything starts, a fresh database each."""

from __future__ import annotations

import os
from pathlib import Path

# The offscreen screen is a 1280x720 laptop's, so what fits in the tests fits in the room.
_SCREEN = Path(__file__).with_name("laptop_screen.json")
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import json  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402

import pytest  # noqa: E402

from kapdesk.domain.thresholds import Bound, Thresholds  # noqa: E402
from kapdesk.practice.records import (  # noqa: E402
    add_client,
    add_order,
    add_prescriber,
    set_practice,
)
from kapdesk.storage import open_database  # noqa: E402
from kapdesk.storage.prescriptions import add_thresholds  # noqa: E402

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_real_data_dir(tmp_path, monkeypatch):
    """No test may touch the user's real data directory."""
    monkeypatch.setenv("KAPDESK_DB", str(tmp_path / "env-default.sqlite"))
    monkeypatch.setenv("KAPDESK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "practice.sqlite"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    set_practice(database, name="Test Practice", therapist="A. Therapist")
    yield database
    database.close()


def sample_thresholds() -> Thresholds:
    return Thresholds(
        pre_dose={"systolic": Bound(None, 140), "diastolic": Bound(None, 90),
                  "heart_rate": Bound(50, 100)},
        discharge={"systolic": Bound(None, 150), "diastolic": Bound(None, 95),
                   "heart_rate": Bound(None, 110), "spo2": Bound(94, None)},
        set_by="Dr. Test Prescriber, MD",
        set_on=date(2026, 11, 1),
    )


@pytest.fixture
def client_id(db):
    """A client with a prescriber, an order allowing a booster, and thresholds."""
    prescriber = add_prescriber(db, name="Dr. Test Prescriber", credentials="MD",
                                phone="555-0100")
    cid = add_client(db, display_name="Robin T.", prescriber_id=prescriber,
                     ride_name="Sam T.", ride_phone="555-0111")
    add_order(db, cid, dose_mg=100, ordered_on="2026-11-01", prescriber_id=prescriber,
              booster_allowed=True, booster_mg=50, min_minutes_after_dose=120)
    add_thresholds(db, cid, sample_thresholds())
    return cid


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, with cycles collected on the UI thread as the app does: a
    collection on a worker thread of a test (the audio warm-up) crashed the suite."""
    from kapdesk.ui.collector import collect_on_ui_thread

    collect_on_ui_thread(qapp)
    return qapp


@pytest.fixture(scope="session")
def themed_app(qapp):
    """The application with kapdesk's theme, applied once: re-applying a stylesheet
    re-polishes every widget still alive, which makes later tests slow."""
    from kapdesk.ui.theme import apply_theme

    apply_theme(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _close_windows_after_each_test():
    """No window or dialog of one test stays visible into the next. Hidden, not closed:
    this runs after the test's database is closed, and closing would run close handlers."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and hasattr(app, "topLevelWidgets"):
        for widget in app.topLevelWidgets():
            widget.hide()


@pytest.fixture
def ready(db, client_id):
    """The client of ``client_id`` with a cleared screening and a course in progress."""
    from kapdesk.practice.course import add_course, add_screening

    add_screening(db, client_id, items={}, screened_on=date.today(), cleared_on=date.today())
    add_course(db, client_id, started_on=date.today())
    return client_id


@pytest.fixture
def utc_zone():
    """The local clock on UTC for the test, whatever the machine's zone."""
    import time

    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def clock():
    from kapdesk.domain.timeutil import ManualClock

    return ManualClock(T0)


@pytest.fixture
def running(db, ready, clock, qtbot, themed_app):
    """A session started at T0 and the app opened on it, as launch does."""
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.ui.app import open_windows

    sid = begin_medication_session(db, ready, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    main = open_windows(db, clock=clock)
    qtbot.addWidget(main)
    return main, main.session_window, sid


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """The demo practice and the record of its first client, as the CLI writes it: shared
    by the import tests, which copy what they change."""
    from kapdesk.cli import main

    folder = tmp_path_factory.mktemp("exported")
    db_path = folder / "demo.sqlite"
    main(["demo", "--db", str(db_path)])
    path = folder / "avery.json"
    assert main(["export-record", "1", "-o", str(path), "--db", str(db_path)]) == 0
    return db_path, json.loads(path.read_text())


TEST_PASSPHRASE = "tidal lantern oak meadow 58"  # strong enough for kapdesk; tests only


@pytest.fixture
def passphrase(monkeypatch):
    """A passphrase for practices the command line creates (import into a new path), given
    as a script would give it."""
    monkeypatch.setenv("KAPDESK_PASSPHRASE", TEST_PASSPHRASE)
    return TEST_PASSPHRASE


@pytest.fixture
def demo_window(qtbot, themed_app, tmp_path):
    """The practice window on a fresh copy of the demo, shown, with the clock at T0."""
    from kapdesk.demo import build_demo
    from kapdesk.domain.timeutil import ManualClock
    from kapdesk.ui.main_window import MainWindow

    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date.today())
    win = MainWindow(db, db_path=str(tmp_path / "demo.sqlite"), clock=ManualClock(T0))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def every_row(path) -> dict[str, list]:
    """Every row of every ordinary table of the plain SQLite file at ``path``, sorted: what a
    conversion must keep."""
    import sqlite3

    plain = sqlite3.connect(path)
    tables = [r[0] for r in plain.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                          "AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    rows = {t: sorted(plain.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables}
    plain.close()
    return rows


def answer_next_box(button_text: str) -> list[str]:
    """Click ``button_text`` in the next message box, as the therapist would; the list
    gets the box's text (and informative text) once it was seen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(50, click)
    return seen
