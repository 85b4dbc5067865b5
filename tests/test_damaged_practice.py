"""Damaged, read-only and full (issue 13, items 3-5): the app opens what it can, says once
and calmly what is wrong, never writes to a damaged file, keeps typed words on screen, and
offers the newest good backup."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from conftest import answer_next_box
from gui import key
from kapdesk.demo import build_demo
from kapdesk.practice import drafts as practice_drafts
from kapdesk.practice.backups import back_up
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage import open_database
from kapdesk.storage.database import open_read_only
from kapdesk.storage.drafts import get_draft
from kapdesk.ui import drafts as ui_drafts
from kapdesk.ui.app import open_windows
from kapdesk.ui.backups_dialog import BackupsDialog


def no_message_box() -> bool:
    return not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()]


def bytes_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo.sqlite"
    db = open_database(path)
    build_demo(db)
    db.close()
    return path


def damage_unread_pages(path: Path) -> None:
    """Damage the music library's pages (one page each in the demo): the first screen never
    reads them, so the file opens as if healthy."""
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [row[0] for row in plain.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'tracks' AND rootpage > 0")]
    plain.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        start = (page - 1) * 4096
        data[start:start + 4096] = b"\xee" * 4096
    path.write_bytes(bytes(data))


def new_client_refused(window, qtbot) -> str:
    qtbot.mouseClick(window.new_client, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    dialog.fields["display_name"].setText("Robin T.")
    for field, value in (("ride_name", "Sam T."), ("ride_phone", "555-0111"),
                         ("emergency_name", "Sam T."), ("emergency_phone", "555-0111"),
                         ("safety_plan", "Feet on the floor.")):
        dialog.fields[field].setPlainText(value) if hasattr(
            dialog.fields[field], "setPlainText") else dialog.fields[field].setText(value)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # the form stays, with what was typed
    assert dialog.fields["display_name"].text() == "Robin T."
    return dialog.error.text()


def test_a_file_damaged_where_start_does_not_look_opens_read_only_and_offers_a_backup(
        demo_file, qtbot, themed_app):
    back_up(demo_file, passphrase=None, reason="after-session")
    damage_unread_pages(demo_file)
    before = bytes_of(demo_file)
    db = open_database(demo_file)
    window = open_windows(db, db_path=str(demo_file))
    qtbot.addWidget(window)
    # the check of every page runs beside the opening window, and is said once it is done
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert "damaged" in window.banner.text.text()
    assert window.banner.restore_button.isVisible()

    error = new_client_refused(window, qtbot)
    assert error.startswith("Not saved: the practice file is damaged")
    assert no_message_box()
    db.close()
    assert bytes_of(demo_file) == before  # not one byte written to the damaged file

    answer_next_box("Give up the changes")  # the refused client is not kept
    window.dialog.reject()
    qtbot.mouseClick(window.banner.restore_button, Qt.MouseButton.LeftButton)
    dialog = window.dialog
    assert isinstance(dialog, BackupsDialog)
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled())


def test_a_damage_met_while_working_stops_every_later_write(demo_file, qtbot, themed_app,
                                                            monkeypatch):
    db = open_database(demo_file)
    window = open_windows(db, db_path=str(demo_file))
    qtbot.addWidget(window)
    assert not window.banner.isVisible()

    def damaged(*_args, **_kwargs):
        raise sqlite.DatabaseError("database disk image is malformed")

    monkeypatch.setattr("kapdesk.ui.client_forms.add_client", damaged, raising=False)
    monkeypatch.setattr("kapdesk.practice.queries.add_client", damaged)
    error = new_client_refused(window, qtbot)
    assert "damaged" in error and window.banner.isVisible() and no_message_box()
    monkeypatch.undo()
    assert "Not saved" in new_client_refused(window, qtbot)  # query_only: SQLite refuses
    assert db["clients"].count == 3  # the demo's, nothing more


def test_a_read_only_practice_opens_for_reading_and_says_so(demo_file, qtbot, themed_app):
    db = open_read_only(demo_file)
    window = open_windows(db, db_path=str(demo_file))
    qtbot.addWidget(window)
    assert window.banner.isVisible() and "read-only" in window.banner.text.text()
    assert window.client_view.model().rowCount() == 3  # everything can be read
    assert new_client_refused(window, qtbot) == "Not saved: this practice is open read-only."
    assert no_message_box()


READ_ONLY_OPEN = """
import os, sys
from kapdesk.practice.trouble import cannot_write, open_practice_file
db = open_practice_file(__import__("pathlib").Path(sys.argv[1]))
print("opened", "read-only" if cannot_write(db) else "writable")
"""


def nobody_can_run_python() -> bool:
    probe = subprocess.run(["sh", "-c", f"test -x {sys.executable}"], capture_output=True,
                           preexec_fn=lambda: os.setuid(65534))
    return probe.returncode == 0


@pytest.mark.skipif(os.geteuid() == 0 and not nobody_can_run_python(),
                    reason="as root every file is writable, and 'nobody' cannot run this "
                           "Python")
def test_a_read_only_file_and_folder_open_read_only_instead_of_not_at_all(demo_file):
    import shutil
    import tempfile

    # somewhere another user may pass through (this machine's /tmp may be root's alone)
    base = next((b for b in ("/var/tmp", "/tmp") if os.stat(b).st_mode & 0o001), None)
    outer = Path(tempfile.mkdtemp(prefix="kapdesk-read-only-", dir=base))
    folder = outer / "practice"
    folder.mkdir()
    demo_file = Path(shutil.copy(demo_file, folder / "demo.sqlite"))
    os.chmod(demo_file, 0o444)
    os.chmod(folder, 0o555)
    as_nobody = None
    if os.geteuid() == 0:  # the owner of everything ignores modes: be someone else
        os.chmod(outer, 0o755)
        as_nobody = lambda: os.setuid(65534)  # noqa: E731
    try:
        child = subprocess.run([sys.executable, "-c", READ_ONLY_OPEN, str(demo_file)],
                               capture_output=True, text=True, timeout=60,
                               preexec_fn=as_nobody, cwd="/")
        check = subprocess.run([sys.executable, "-m", "kapdesk", "check", "--db",
                                str(demo_file)], capture_output=True, text=True, timeout=60,
                               preexec_fn=as_nobody, cwd="/")
    finally:
        os.chmod(folder, 0o700)
        shutil.rmtree(outer)
    assert child.stdout == "opened read-only\n", child.stderr
    assert check.returncode == 0 and "healthy" in check.stdout, check.stderr  # not "damaged"


def test_a_practice_sqlite_cannot_open_for_writing_is_opened_for_reading(demo_file,
                                                                         monkeypatch):
    from kapdesk.practice import trouble

    def refused(path, **_kwargs):
        raise trouble.StorageError(f"cannot open {path}: attempt to write a readonly database")

    monkeypatch.setattr(trouble, "open_database", refused)
    db = trouble.open_practice_file(demo_file)
    assert trouble.cannot_write(db) and db["clients"].count == 3


def test_a_full_disk_while_typing_is_said_once_and_the_words_are_kept(running, qtbot,
                                                                      monkeypatch, db):
    main, sw, sid = running
    real = practice_drafts.save_draft
    full = {"on": True}

    def save(*args, **kwargs):
        if full["on"]:
            raise sqlite.OperationalError("database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(ui_drafts, "save_draft", save)
    monkeypatch.setattr(ui_drafts, "RETRY_MS", 200)
    reported = []
    from kapdesk.ui.ops import changes

    changes().trouble.connect(reported.append)
    key(qtbot, sw, Qt.Key.Key_N)
    qtbot.keyClicks(sw.notes.box, "she asks for the blanket")
    qtbot.waitUntil(lambda: "disk is full" in sw.notes.draft.state.text())
    assert sw.banner.isVisible() and "disk is full" in sw.banner.text.text()
    qtbot.wait(1000)  # retried several times meanwhile: no box, the words stay
    assert no_message_box() and sw.notes.box.toPlainText() == "she asks for the blanket"
    full["on"] = False  # space was freed
    qtbot.waitUntil(lambda: (get_draft(db, sid) or {}).get("body") == "she asks for the blanket")
    qtbot.waitUntil(lambda: not sw.banner.isVisible())
    assert sw.notes.draft.state.text() == "draft saved"
    changes().trouble.disconnect(reported.append)


def test_a_file_too_damaged_to_open_offers_the_newest_good_backup(demo_file, qtbot,
                                                                  themed_app):
    from kapdesk.ui.app import _offer_backup

    older = back_up(demo_file, passphrase=None, reason="after-session")
    newer = back_up(demo_file, passphrase=None, reason="periodic")
    newer.path.write_bytes(b"\0" * 8192)  # the newest is damaged too: the older is offered
    plain = sqlite3.connect(demo_file)
    plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain.close()
    demo_file.write_bytes(demo_file.read_bytes()[:4096] + b"\xee" * 4096 * 20)
    seen = answer_next_box("Restore that backup and open")
    db, _said = _offer_backup(demo_file, "the file is not a database", None)
    assert older.taken_at.astimezone().strftime("%H:%M") in seen[0]
    assert db is not None and db["clients"].count == 3
    assert len(list(demo_file.parent.glob("demo.replaced-*.sqlite"))) == 1  # kept, for recovery


@pytest.mark.parametrize("damaged", [slice(4096, 8192), slice(4096, 40960)])
def test_damage_met_while_opening_is_named_damage_not_a_bare_error(demo_file, damaged):
    """The app's start offers the newest backup for damage: SQLite's own error while the
    schema's rows are read must reach it as damage, naming the file."""
    from kapdesk.practice.trouble import Trouble, open_practice_file, trouble_of

    data = bytearray(demo_file.read_bytes())
    data[damaged] = b"\xee" * (damaged.stop - damaged.start)
    demo_file.write_bytes(bytes(data))
    with pytest.raises(Exception) as refused:
        open_practice_file(demo_file)
    assert trouble_of(refused.value) is Trouble.DAMAGED and str(demo_file) in str(refused.value)


def test_a_read_only_practice_with_a_session_running_shows_that_session(db, db_path, ready,
                                                                         qtbot, themed_app):
    """The file most needed after a disk goes read-only is the one mid-session."""
    from kapdesk.domain.timeutil import utc_now
    from kapdesk.practice.live import begin_medication_session

    begin_medication_session(db, ready, at=utc_now(), intention="to rest",
                             ride_home_name="Sam T.", ride_confirmed=True)
    db.close()
    window = open_windows(open_read_only(db_path), db_path=str(db_path))
    qtbot.addWidget(window)
    sw = window.session_window
    assert sw is not None and sw.isVisible()
    assert sw.banner.isVisible() and "read-only" in sw.banner.text.text()


def test_a_data_folder_that_cannot_be_written_logs_to_the_terminal(tmp_path, monkeypatch):
    """A read-only disk stopped the app at its log; the practice may still be readable."""
    import logging

    from kapdesk.ui import app

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    monkeypatch.setenv("KAPDESK_DATA_DIR", str(blocked))
    before = list(logging.getLogger("kapdesk").handlers)
    try:
        assert app._log_to_file() is None
    finally:
        for handler in logging.getLogger("kapdesk").handlers:
            if handler not in before:
                logging.getLogger("kapdesk").removeHandler(handler)


def test_a_plain_practice_with_a_damaged_first_page_can_still_reach_its_backups(
        demo_file, qtbot, themed_app):
    """Found by a first-time user: a damaged header made the demo look encrypted, and the
    unlock screen asked for a passphrase forever, never mentioning damage or backups."""
    from conftest import answer_next_box
    from kapdesk.ui.unlock import UnlockDialog

    back_up(demo_file, passphrase=None, reason="after-session")
    data = bytearray(demo_file.read_bytes())
    data[0:100] = b"\xee" * 100
    demo_file.write_bytes(bytes(data))
    screen = UnlockDialog(demo_file)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.keyClicks(screen.passphrase, "no idea")
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert screen.damaged_hint.isVisible() and screen.backup_button.isVisible()
    answer_next_box("Restore that backup and open")
    qtbot.mouseClick(screen.backup_button, Qt.MouseButton.LeftButton)
    assert screen.result() == screen.DialogCode.Accepted
    assert screen.db["clients"].count == 3
