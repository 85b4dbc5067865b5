"""Automatic backups while the app runs: after each session ends, and every half hour if
anything changed since the last one. Each is written and verified on a thread of its own
(:func:`kapdesk.practice.backups.back_up` opens its own connections), so a large
practice never stalls the window; the result comes back as a signal."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kapdesk.practice.backups import back_up
from kapdesk.practice.queries import Database, passphrase_of

log = logging.getLogger("kapdesk")

PERIOD_MS = 30 * 60 * 1000


class AutoBackup(QObject):
    # the Backup (or None), what went wrong ("" if fine), and why it was taken
    finished = Signal(object, str, str)

    def __init__(self, db: Database, practice: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.db, self.practice = db, practice
        self._seen = self._changes()  # nothing new yet: opening is not a change
        self._thread: threading.Thread | None = None
        self.timer = QTimer(self, interval=PERIOD_MS)
        self.timer.timeout.connect(lambda: self.start("periodic", only_if_changed=True))
        self.timer.start()

    def _changes(self) -> int:
        return self.db.conn.total_changes

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, reason: str, *, only_if_changed: bool = False) -> bool:
        """Begin a backup unless one is being written (or nothing changed, if asked)."""
        if self.busy or (only_if_changed and self._changes() == self._seen):
            return False
        self._seen = self._changes()
        passphrase = passphrase_of(self.db)
        self._thread = threading.Thread(target=self._write, args=(reason, passphrase),
                                        name="kapdesk-backup")
        self._thread.start()
        return True

    def wait(self, seconds: float = 60) -> None:
        """Let a backup being written finish (the app is closing)."""
        if self._thread is not None:
            self._thread.join(seconds)

    def _write(self, reason: str, passphrase: str | None) -> None:
        try:
            backup = back_up(self.practice, passphrase=passphrase, reason=reason)
        except Exception as exc:  # said in the window; the practice itself is untouched
            log.warning("an automatic backup failed: %s", type(exc).__name__)
            self.finished.emit(None, str(exc), reason)
            return
        self.finished.emit(backup, "", reason)
