"""One kapdesk at a time on a practice file: the app, or a command that rewrites the file
(``import``, ``restore``, ``passphrase``, ``encrypt``).

Two copies of the app on one file would edit the same session and the same draft, and a long
import beside the app froze its window on SQLite's lock. The practice's lock file
(``NAME.sqlite.lock``, Qt's :class:`QLockFile`) says who has it; a lock left by a process that
died is taken over, so a crash or a flat battery never locks the therapist out. Read commands
and ``backup`` take no lock: SQLite's WAL lets them read beside the app.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

from kapdesk.domain.errors import KapdeskError

WRITER_WAIT_MS = 3000  # a command waits this long for another command to finish


class PracticeBusy(KapdeskError):
    """Another kapdesk has the practice open; the message says which."""


def lock_file_of(practice: Path) -> Path:
    return practice.with_name(practice.name + ".lock")


class PracticeLock:
    def __init__(self, practice: Path) -> None:
        self.practice = practice
        self._file = QLockFile(str(lock_file_of(practice)))
        self._file.setStaleLockTime(0)  # stale only when its process is gone

    def acquire(self, wait_ms: int = 0) -> bool:
        if not self.practice.parent.is_dir():
            return True  # nothing there yet to share; the file's creator makes the folder
        if self._file.tryLock(wait_ms):
            lock_file_of(self.practice).chmod(0o600)  # its process id and host: ours alone
            return True
        # A folder nobody may write (a read-only disk) holds no lock, and nobody can write
        # the practice there either: reading it is safe.
        return self._file.error() == QLockFile.LockError.PermissionError

    @property
    def held(self) -> bool:
        return self._file.isLocked()

    def holder(self) -> str:
        """Who has the practice, as the therapist would say it."""
        info = self._file.getLockInfo()  # PySide6: (pid, host, app), or False
        if not isinstance(info, tuple) or len(info) != 3 or not info[0]:
            return "another kapdesk"
        pid, host, _app = info
        return f"another kapdesk (process {pid}{'' if not host else ' on ' + host})"

    def release(self) -> None:
        if self._file.isLocked():
            self._file.unlock()


def lock_for_writing(practice: Path) -> PracticeLock:
    """The lock a rewriting command holds while it runs; refused, with who has the practice,
    when the app (or another command) keeps it past a short wait."""
    lock = PracticeLock(practice)
    if not lock.acquire(WRITER_WAIT_MS):
        raise PracticeBusy(f"{lock.holder()} has {practice} open; close the app (or wait for "
                           "the other command) and try again. Nothing was changed")
    return lock
