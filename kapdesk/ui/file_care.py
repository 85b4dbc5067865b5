"""The practice window's care of the practice file, apart from its menus and clients:
backups after each session and while the app runs, the WAL moved into the file in the
background, the start-up checks, and a damaged file never written again."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kapdesk.practice.queries import get_session, passphrase_of, running_session
from kapdesk.practice.trouble import (
    Trouble,
    cannot_write,
    damage_in_file,
    quick_damage,
    stop_writing,
)
from kapdesk.ui.auto_backup import AutoBackup
from kapdesk.ui.checkpointer import Checkpointer
from kapdesk.ui.ops import Change, changes, report_trouble

if TYPE_CHECKING:
    from kapdesk.ui.main_window import MainWindow

log = logging.getLogger("kapdesk")


class FileCare(QObject):
    damage_checked = Signal(str)  # from the start-up check's thread: what is wrong, or ""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.db = window, window.db
        practice = Path(window.db_path) if window.db_path else None
        self.backups = AutoBackup(self.db, practice, self) if practice else None
        self.checkpoints = Checkpointer(self.db, practice, self) if practice else None
        self._backed_up_sessions: set[int] = set()
        self.damage_checked.connect(self._damage_checked)
        changes().trouble.connect(self._trouble)
        if self.backups is not None:
            self.backups.finished.connect(self._backup_finished)
            changes().changed.connect(self._maybe_session_ended)

    def check_practice(self) -> None:
        """At start: a read-only file is said at once; the quick check of every page runs on
        a thread of its own (it takes 0.6 s on a ten-year practice), and a damaged file is
        then read, never written."""
        if cannot_write(self.db):
            report_trouble(Trouble.READ_ONLY)
        if not self.window.db_path:
            self._damage_checked(quick_damage(self.db) or "")
            return
        path, passphrase = Path(self.window.db_path), passphrase_of(self.db)

        def check() -> None:
            damage = damage_in_file(path, passphrase) or ""
            try:
                self.damage_checked.emit(damage)
            except RuntimeError:  # the window closed meanwhile: nobody left to tell
                pass

        threading.Thread(target=check, name="kapdesk-quick-check", daemon=True).start()

    def session_closed(self) -> None:
        if self.backups is not None and running_session(self.db) is None:
            self.backups.start("after-session", only_if_changed=True)

    def _maybe_session_ended(self, change: Change) -> None:
        """The discharge itself starts the after-session backup, while the ended session
        is still on screen (a laptop may die before anyone leaves that window)."""
        window = self.window.session_window
        if self.backups is None or window is None or change.session_id is None:
            return
        session_id = window.record.id
        if (change.session_id == session_id and session_id not in self._backed_up_sessions
                and get_session(self.db, session_id)["ended_at"]):
            self._backed_up_sessions.add(session_id)
            self.backups.start("after-session")

    def _damage_checked(self, damage: str) -> None:
        if damage:
            log.error("the practice failed its quick check at start")
            report_trouble(Trouble.DAMAGED)

    def _trouble(self, kind: str) -> None:
        if kind == Trouble.DAMAGED:
            stop_writing(self.db)  # nothing more is written to a damaged file

    def _backup_finished(self, backup, problem: str, reason: str) -> None:
        if backup is None and reason != "manual":  # Backups… says its own
            self.window.statusBar().showMessage(f"Automatic backup: {problem}. Everything "
                                                "already saved is safe.", 15000)
