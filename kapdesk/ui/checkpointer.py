"""The WAL moved into the practice file every 20 s on a thread of its own, so that no
note's commit (on the UI thread) ever does that copying itself: before, about one note in
eighty waited for a thousand pages to be copied and flushed."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from kapdesk.practice.queries import Database, checkpoint, passphrase_of, wal_keeper

log = logging.getLogger("kapdesk")

PERIOD_MS = 20_000


class Checkpointer(QObject):
    def __init__(self, db: Database, practice: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.practice, self.passphrase = practice, passphrase_of(db)
        self._conn = None
        self._thread: threading.Thread | None = None
        self.timer = QTimer(self, interval=PERIOD_MS)
        self.timer.timeout.connect(self.start)
        self.timer.start()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._work, name="kapdesk-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            if self._conn is None:
                self._conn = wal_keeper(self.practice, self.passphrase)
            checkpoint(self._conn)
        except Exception as exc:  # the next commit past the bound does it instead
            log.warning("a background checkpoint failed: %s", type(exc).__name__)
