"""One app per practice. The first copy holds the practice's lock
(:mod:`kapdesk.practice_lock`) and listens on a local socket named after the practice file;
a second copy started on the same file knocks there, the first comes to the front, and the
second leaves. Two copies never edit the same session or draft.

The door opens a moment after the event loop starts, and QtNetwork is imported then: it is
not on the way to the first screen (~6 ms of the start-up). A second copy that knocks in
that moment keeps knocking for a second and a half."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kapdesk.practice_lock import PracticeLock

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("kapdesk")

KNOCK = b"front\n"
DOOR_DELAY_MS = 250  # after the event loop starts: the first window is painted by then
KNOCK_SECONDS = 1.5


def door_name(practice: Path) -> str:
    """The local socket's name: the same for every path that leads to the same file."""
    digest = hashlib.sha256(str(practice.resolve()).encode()).hexdigest()[:20]
    return f"kapdesk-{digest}"


class OneCopy(QObject):
    """The app's hold on its practice file, for as long as the app runs."""

    knocked = Signal()  # a second copy asked for this one

    def __init__(self, practice: Path) -> None:
        super().__init__()
        self.practice = practice
        self.lock = PracticeLock(practice)
        self._server: QLocalServer | None = None
        self._claimed = False

    def claim(self) -> bool:
        """True when this copy may open the practice."""
        if not self.lock.acquire():
            return False
        self._claimed = True
        QTimer.singleShot(DOOR_DELAY_MS, self, self._open_door)
        return True

    def _open_door(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        if not self._claimed:  # released before the door opened: the app has left
            return
        QLocalServer.removeServer(door_name(self.practice))  # left by a copy that crashed
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if self._server.listen(door_name(self.practice)):
            self._server.newConnection.connect(self._answer)
        else:  # the app still works; a second copy is then told, not brought to the front
            log.warning("the local socket for a second copy could not be opened")

    def knock(self) -> bool:
        """Ask the copy that holds the practice to come to the front; True when it heard."""
        from PySide6.QtNetwork import QLocalSocket

        door = QLocalSocket()
        deadline = time.monotonic() + KNOCK_SECONDS
        while True:  # the first copy opens its door a moment after it starts
            door.connectToServer(door_name(self.practice))
            if door.waitForConnected(int(KNOCK_SECONDS * 1000)):
                break
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        door.write(KNOCK)
        heard = door.waitForBytesWritten(1500)
        door.disconnectFromServer()
        return heard

    def holder(self) -> str:
        return self.lock.holder()

    def release(self) -> None:
        self._claimed = False
        if self._server is not None:
            self._server.close()
        self.lock.release()

    def _answer(self) -> None:
        assert self._server is not None
        while (visitor := self._server.nextPendingConnection()) is not None:
            visitor.readyRead.connect(lambda v=visitor: self._read(v))
            if visitor.bytesAvailable():
                self._read(visitor)

    def _read(self, visitor: QLocalSocket) -> None:
        if bytes(visitor.readAll().data()).startswith(KNOCK.strip()):
            log.info("a second copy of kapdesk was started; this one came to the front")
            self.knocked.emit()
        visitor.disconnectFromServer()
