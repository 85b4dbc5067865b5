"""Nothing about a client outside the encrypted practice (issue 12): not in window titles,
which the desktop keeps in task bars and window lists, and not in any file kapdesk writes
beside the database (logs, backups, temporary files)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import T0
from kapdesk.demo import build_demo
from kapdesk.domain.timeutil import ManualClock
from kapdesk.storage import open_database
from kapdesk.ui.app import open_windows


@pytest.fixture
def demo(qtbot, themed_app, tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date.today())
    main = open_windows(db, clock=ManualClock(T0))
    qtbot.addWidget(main)
    main.show()
    return main


def names(db) -> list[str]:
    rows = db.query("SELECT display_name, legal_name FROM clients")
    return [n for r in rows for n in (r["display_name"], r["legal_name"]) if n]


def titles() -> list[str]:
    return [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]


@pytest.mark.parametrize("action", ["edit", "order", "thresholds", "screening", "course",
                                    "schedule", "outcome", "overview", "export", "start",
                                    "emergency", "audit"])
def test_no_window_opened_from_the_client_menu_names_the_client(demo, action):
    demo.client_view.selectRow(1)  # Jonah R., whose course is in progress
    demo.actions[action].trigger()
    shown = titles()
    assert len(shown) >= 2, "the action opened a window"
    for name in names(demo.db):
        assert not any(name in title for title in shown), (name, shown)


def test_past_sessions_open_without_the_client_in_their_titles(demo):
    demo.client_view.selectRow(0)
    sessions = demo.page.sessions
    for kind in ("medication", "integration", "preparation"):
        row = next(sessions.row(r) for r in range(sessions.rowCount())
                   if sessions.row(r)["kind"] == kind and sessions.row(r)["ended_at"])
        demo.open_past(row["id"])
    shown = titles()
    assert len(shown) >= 4
    for name in names(demo.db):
        assert not any(name in title for title in shown), (name, shown)


CANARY_NAME = "Quillon Marchetti-Vasquez"
CANARY_NOTE = "Xanthippe's orchard ledger at Vellmoor"
GOOD = "lantern harbour cedar tide 47"


def holding(folder, *secrets: str) -> list[str]:
    """Files under ``folder`` whose bytes contain any secret, in UTF-8 or UTF-16."""
    patterns = [s.encode(enc) for s in secrets for enc in ("utf-8", "utf-16-le")]
    return [str(p) for p in folder.rglob("*") if p.is_file()
            and any(pattern in p.read_bytes() for pattern in patterns)]


def test_a_canary_name_and_process_note_reach_no_file_beside_the_encrypted_practice(
        tmp_path, monkeypatch, qtbot, themed_app, clock):
    """The name typed in New client, the process note typed in the session window, an
    error quoting the note, a lock, a backup and a close: afterwards neither canary is in
    any file under the data folder (database, WAL, logs, backups) or the temp folder."""
    import logging
    import tempfile

    from conftest import sample_thresholds
    from gui import key, save, type_into
    from kapdesk.cli import main as cli
    from kapdesk.paths import data_dir
    from kapdesk.practice.course import add_course, add_screening
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.records import add_order, set_practice
    from kapdesk.storage.prescriptions import add_thresholds
    from kapdesk.ui.app import _log_to_file
    from kapdesk.ui.ops import run_op

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    path = data_dir() / "kapdesk.sqlite"
    db = open_database(path, passphrase=GOOD)
    set_practice(db, name="Cedar Room")
    log_file = _log_to_file()
    try:
        main = open_windows(db, clock=clock)
        qtbot.addWidget(main)
        main.show()
        main.new_client.click()
        dialog = main.dialog
        type_into(qtbot, dialog, "display_name", CANARY_NAME)
        type_into(qtbot, dialog, "legal_name", CANARY_NAME)
        save(qtbot, dialog)
        client = next(db.query("SELECT id FROM clients"))["id"]

        add_thresholds(db, client, sample_thresholds())
        add_order(db, client, dose_mg=100, ordered_on="2026-11-01")
        add_screening(db, client, items={}, screened_on=date.today(), cleared_on=date.today())
        add_course(db, client, started_on=date.today())
        sid = begin_medication_session(db, client, at=T0, intention="rest",
                                       ride_home_name="Sam T.", ride_confirmed=True)
        main.open_session(sid)
        sw = main.session_window
        key(qtbot, sw, "N")
        key(qtbot, sw.notes.box, "3", Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(sw.notes.box, CANARY_NOTE)
        key(qtbot, sw.notes.box, Qt.Key.Key_Return)
        qtbot.keyClicks(sw.notes.box, CANARY_NOTE + " (draft)")
        sw.notes.flush()
        assert db.execute("SELECT count(*) FROM notes WHERE kind = 'process'").fetchone()[0] == 1

        def fails():
            raise RuntimeError(f"could not save {CANARY_NOTE} for {CANARY_NAME}")
        run_op(fails, show=lambda refusal: None)
        main.locker.lock()
        main.locker.try_unlock(GOOD)
        monkeypatch.setenv("KAPDESK_PASSPHRASE", GOOD)
        assert cli(["backup", "--db", str(path)]) == 0
        sw.close()
        main.close()
    finally:
        for handler in list(logging.getLogger("kapdesk").handlers):
            if getattr(handler, "baseFilename", None) == str(log_file):
                logging.getLogger("kapdesk").removeHandler(handler)
                handler.close()
        db.close()

    assert "its message is not logged" in log_file.read_text(encoding="utf-8")
    assert list((data_dir() / "backups").iterdir())  # the backup was written
    assert holding(data_dir(), CANARY_NAME, CANARY_NOTE) == []
    assert holding(temp, CANARY_NAME, CANARY_NOTE) == []
    for folder in (data_dir(), data_dir() / "logs", data_dir() / "backups"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    for file in (p for p in data_dir().rglob("*") if p.is_file()):
        assert file.stat().st_mode & 0o777 == 0o600, file
