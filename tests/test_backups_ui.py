"""Backups in the app (issue 13, item 2): written after a session on a thread of their own,
listed under Practice → Backups… with when, why, size and a check made now, and restored
from there: the practice reopens on the backup, the file it replaced kept beside it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import T0, answer_next_box
from gui import menu_item
from kapdesk.practice.backups import back_up, list_backups
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.records import add_prescriber
from kapdesk.practice.session import record_discharge
from kapdesk.storage import open_database
from kapdesk.ui.app import _restore, open_windows
from kapdesk.ui.backups_dialog import BackupsDialog
from kapdesk.ui.ops import Change, announce


def menu_action(window, text):
    practice_menu = window.menuBar().actions()[0].menu()
    return menu_item(practice_menu, text)


def open_backups(qtbot, window) -> BackupsDialog:
    menu_action(window, "Backups…").trigger()
    dialog = window.dialog
    assert isinstance(dialog, BackupsDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: all(dialog.model.row(r)["verdict"] != "checking…"
                                for r in range(dialog.model.rowCount())))
    return dialog


def cells(dialog, row):
    return [dialog.model.index(row, c).data() for c in range(dialog.model.columnCount())]


def test_a_backup_is_written_when_a_session_ends(db, db_path, ready, clock, qtbot,
                                                 themed_app):
    sid = begin_medication_session(db, ready, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    main = open_windows(db, db_path=str(db_path), clock=clock)
    qtbot.addWidget(main)
    main.session_window.close()  # closed mid-session: the session runs on, no backup yet
    assert not list_backups(db_path)
    main.open_session(sid)
    record_discharge(db, sid, at=T0 + timedelta(hours=3), reason="left with her sister")
    announce(Change(session_id=sid))  # as the discharge panel's write does
    # written while the ended session is still on screen, not only once it is left
    qtbot.waitUntil(lambda: len(list_backups(db_path)) == 1, timeout=10_000)
    assert list_backups(db_path)[0].reason == "after-session"
    assert main.session_window.isVisible()
    main.session_window.close()
    main.backups.wait()
    assert len(list_backups(db_path)) == 1  # nothing changed since: no second one


def test_the_list_says_when_why_how_big_and_whether_each_backup_is_good(demo_window, qtbot):
    practice = demo_window.db_path
    older = back_up(Path(practice), passphrase=None, reason="periodic")
    dialog = open_backups(qtbot, demo_window)
    assert dialog.model.rowCount() == 1
    taken, why, size, check = cells(dialog, 0)
    assert f"{older.taken_at.astimezone():%H:%M}" in taken
    assert why == "while the app ran" and size.endswith("KB") and check == "✓ good"
    assert dialog.restore_button.isEnabled()

    # each action has its key
    assert dialog.back_up_button.shortcut().toString() == "Alt+B"
    assert dialog.restore_button.shortcut().toString() == "Alt+R"
    qtbot.mouseClick(dialog.back_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: cells(dialog, 0)[3] == "✓ good")
    assert cells(dialog, 0)[1] == "made by you" and "checked" in dialog.said.text()


def test_a_damaged_backup_cannot_be_restored(demo_window, qtbot):
    backup = back_up(Path(demo_window.db_path), passphrase=None, reason="periodic")
    data = bytearray(backup.path.read_bytes())
    data[4096 * 3:4096 * 6] = b"\xff" * (4096 * 3)
    backup.path.write_bytes(bytes(data))
    dialog = open_backups(qtbot, demo_window)
    assert "damaged" in cells(dialog, 0)[3]
    assert not dialog.restore_button.isEnabled()


def test_restoring_reopens_the_practice_as_it_was_and_keeps_the_current_one(
        demo_window, qtbot):
    practice = Path(demo_window.db_path)
    backup = back_up(practice, passphrase=None, reason="periodic")
    add_prescriber(demo_window.db, name="Dr. After The Backup", credentials="MD",
                   phone="555-0142")
    dialog = open_backups(qtbot, demo_window)
    answer_next_box("Cancel")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert demo_window.restore_from is None and demo_window.isVisible()

    answer_next_box("Restore")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert demo_window.restore_from == backup.path and not demo_window.isVisible()
    demo_window.db.close()  # as the app's start does once the windows are closed
    db, said = _restore(practice, demo_window.restore_from, None)
    names = [r["name"] for r in db["prescribers"].rows]
    assert "Dr. After The Backup" not in names
    (kept,) = practice.parent.glob("demo.replaced-*.sqlite")
    # the reopened window says what happened and where the practice as it was is kept
    assert f"{backup.taken_at.astimezone():%H:%M}" in said and kept.name in said
    assert "Dr. After The Backup" in [r["name"] for r in open_database(kept)["prescribers"].rows]
    assert db.execute("SELECT count(*) FROM audit_events WHERE action = 'restored'"
                      ).fetchone() == (1,)
