"""Starting the window: one QApplication, the theme, the database, a calm crash handler."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.timeutil import Clock
from kapdesk.paths import data_dir
from kapdesk.practice.queries import (
    Database,
    get_practice,
    open_database,
    passphrase_of,
    running_session,
    set_practice,
)
from kapdesk.practice.trouble import Trouble, trouble_of
from kapdesk.resources import asset_path
from kapdesk.ui.binding import binding_fault
from kapdesk.ui.collector import collect_on_ui_thread
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.one_copy import OneCopy
from kapdesk.ui.ops import report_trouble
from kapdesk.ui.theme import apply_theme

log = logging.getLogger("kapdesk")

FAULTY_BINDING = 3  # run()'s answer when the Qt binding would crash a session


class _CrashTracingLog(RotatingFileHandler):
    """The rotating log, and where a native crash (a fault inside Qt, SDL or SQLite) writes
    its Python traceback through :mod:`faulthandler`; after each rotation the trace follows
    the new file, so a crash always lands in ``logs/kapdesk.log``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        self._trace_crashes()

    def doRollover(self) -> None:  # noqa: N802 (logging's name)
        super().doRollover()
        self._trace_crashes()

    def _open(self):
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)  # the therapist's account only
        return stream

    def _trace_crashes(self) -> None:
        if self.stream is None:
            self.stream = self._open()
        faulthandler.enable(file=self.stream, all_threads=True)


class _PrivateFormatter(logging.Formatter):
    """Tracebacks without the exception's message, which may quote what was being saved (a
    note, a name): the frames say where it failed, and the screen shows the whole text."""

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        kind, _value, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = kind.__name__ if kind is not None else "exception"
        return (f"Traceback (most recent call last):\n{frames}{name} (its message is not "
                "logged: it may quote client data)")


def _log_to_file() -> Path | None:
    """The log in ``logs/``; ``None`` when the data folder cannot be written (a read-only
    disk), and the log then goes to the terminal: the practice may still be readable."""
    folder = data_dir() / "logs"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # a folder made by an earlier version was readable by all
        for old in folder.glob("kapdesk.log*"):
            os.chmod(old, 0o600)
        handler: logging.Handler = _CrashTracingLog(folder / "kapdesk.log")
    except OSError:
        handler = logging.StreamHandler()
        handler.setFormatter(_PrivateFormatter("%(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.warning("the log cannot be written in %s", folder)
        return None
    handler.setFormatter(_PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return folder / "kapdesk.log"


def _install_excepthook(log_file: Path | None) -> None:
    """An unexpected error is logged and shown with copyable details; the app keeps running,
    and everything already saved stays saved."""

    def hook(kind, value, tb) -> None:
        trouble = trouble_of(value)
        if trouble is not None:  # the banner says it once, however often it happens
            report_trouble(trouble)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error", exc_info=(kind, value, tb))
        box = QMessageBox(QMessageBox.Icon.Warning, "kapdesk",
                          "Something went wrong inside kapdesk. Everything saved before this "
                          "is safe.\n\n" + (f"Details were written to {log_file}." if log_file
                                             else "The details are below."))
        box.setDetailedText(details)
        box.exec()

    sys.excepthook = hook


def run(db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_ui_thread(app)
    app.setApplicationName("kapdesk")
    app.setWindowIcon(QIcon(str(asset_path("kapdesk.svg"))))
    apply_theme(app)
    _install_excepthook(_log_to_file())
    fault = binding_fault()
    if fault is not None:
        log.critical("refusing to start: %s", fault)
        QMessageBox.critical(None, "kapdesk", fault)
        for handler in log.handlers:  # the process may leave without Python's clean-up
            handler.flush()
        return FAULTY_BINDING
    one_copy = OneCopy(db_path)
    if not one_copy.claim():
        return _second_copy(one_copy, db_path)
    one_copy.knocked.connect(_bring_to_front)
    try:
        return _open_and_run(app, db_path)
    finally:
        one_copy.release()


def _open_and_run(app: QApplication, db_path: Path) -> int:
    from kapdesk.ui.unlock import open_practice_window

    said = ""  # what the next practice window says first (after a restore)
    try:
        db = open_practice_window(db_path)
    except Exception as exc:  # too damaged to open
        if trouble_of(exc) is not Trouble.DAMAGED:
            raise
        db, said = _offer_backup(db_path, str(exc), None)
    while db is not None:  # None: the unlock or first-run screen was closed
        try:
            if get_practice(db) is None:
                set_practice(db, name="Your practice")
            window = open_windows(db, db_path=str(db_path))
            if said:
                window.statusBar().showMessage(said)
        except Exception as exc:
            if trouble_of(exc) is not Trouble.DAMAGED:
                raise
            passphrase = passphrase_of(db)  # damage where the first screen reads
            db.close()
            db, said = _offer_backup(db_path, str(exc), passphrase)
            continue
        code = app.exec()
        if window.backups is not None:
            window.backups.wait()  # a backup being written is finished, never cut short
        if not (window.encrypt_requested or window.restore_from):
            return code
        # The windows closed so that the file can be converted or replaced
        window.deleteLater()
        passphrase = passphrase_of(db)
        db.close()
        if window.restore_from is not None:
            db, said = _restore(db_path, window.restore_from, passphrase)
        else:
            db, said = open_practice_window(db_path, offer_encryption=True), ""
    return 0


def _offer_backup(db_path: Path, problem: str,
                  passphrase: str | None) -> tuple[Database | None, str]:
    """A practice too damaged to show: the screen that offers the newest good backup."""
    from kapdesk.ui.damaged import offer_newest_backup

    backup = offer_newest_backup(db_path, problem, passphrase)
    return _restore(db_path, backup, passphrase) if backup is not None else (None, "")


def _restore(db_path: Path, backup: Path,
             passphrase: str | None) -> tuple[Database | None, str]:
    """Put the backup in place and open it, with what the reopened window should say; on
    refusal, say why and open the practice as it was."""
    from kapdesk.domain.backups import parse_backup_name
    from kapdesk.domain.timeutil import local
    from kapdesk.practice.backups import restore_and_open

    try:
        db, kept = restore_and_open(backup, db_path, passphrase,
                                    encrypted_practice=passphrase is not None)
    except (KapdeskError, OSError) as exc:
        QMessageBox.warning(None, "kapdesk", f"The backup was not restored: {exc}")
        return open_database(db_path, passphrase=passphrase), ""
    log.info("restored the practice from a backup")
    name = parse_backup_name(backup.name)
    which = f"of {local(name.taken_at):%a %d %b, %H:%M}" if name else backup.name
    return db, f"✓ Restored the backup {which}." + (
        f" The practice as it was is kept beside it as {kept.name}." if kept else "")


def _second_copy(one_copy: OneCopy, db_path: Path) -> int:
    """The practice is open already: bring that copy to the front, or say who has it."""
    if one_copy.knock():
        print(f"kapdesk is already open on {db_path}; that window was brought to the front",
              file=sys.stderr)
        return 0
    QMessageBox.information(None, "kapdesk",
                            f"{one_copy.holder()[:1].upper()}{one_copy.holder()[1:]} has this "
                            f"practice open ({db_path}).\n\nClose it, or let the command "
                            "finish, then open kapdesk again. Nothing was changed.")
    return 1


def _bring_to_front() -> None:
    """The window the therapist was using: a dialog first, then a running session's."""
    from kapdesk.ui.session.window import SessionWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shown = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
    target = app.activeModalWidget() or next(
        (w for w in shown if isinstance(w, SessionWindow)), None) or (
        shown[0] if shown else None)
    if target is not None:
        target.setWindowState(target.windowState() & ~Qt.WindowState.WindowMinimized)
        target.raise_()
        target.activateWindow()


def open_windows(db, *, db_path: str = "", clock: Clock | None = None,
                 audio=None) -> MainWindow:
    """The practice window, or straight back into a session still running after a crash, a
    kill or a flat battery: the session resumes at the right elapsed time."""
    window = MainWindow(db, db_path=db_path, clock=clock, audio=audio)
    running = running_session(db)
    if running is not None:
        window.open_session(running)
    else:
        window.show()
    window.check_practice()
    return window
