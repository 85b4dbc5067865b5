"""When the disk, not the therapist, is the problem: a damaged file, a read-only one, a full
or failing disk. Each is named once, plainly, with what was not saved; none is a crash.

A damaged practice is never written again in this run: the connection is switched to
``query_only``, so SQLite itself refuses every write, and the therapist can still read
everything while restoring the newest good backup.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from sqlite_utils import Database

from kapdesk.sqlite_driver import sqlite
from kapdesk.storage.database import StorageError, open_database, open_read_only

__all__ = ["BANNER", "NOT_SAVED", "PASSING", "StorageError", "Trouble", "cannot_write",
           "damage_in_file", "open_practice_file", "quick_damage", "stop_writing", "trouble_of"]


class Trouble(StrEnum):
    DAMAGED = "damaged"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    DISK_FAILING = "disk_failing"


# Over once a write succeeds again; the others last as long as the practice is open.
PASSING = frozenset({Trouble.DISK_FULL, Trouble.DISK_FAILING})

# What the banner says, and what a refused entry says where it was typed.
BANNER = {
    Trouble.DAMAGED: "This practice file is damaged. kapdesk has stopped writing to it, so "
                     "nothing more can be lost: everything can still be read, but not "
                     "changed.",
    Trouble.READ_ONLY: "This practice is open read-only (its file or folder cannot be "
                       "written). Everything can be read; nothing can be changed or saved.",
    Trouble.DISK_FULL: "The disk is full, so the last entry was not saved. What you typed "
                       "is still on screen: free some space and save it again.",
    Trouble.DISK_FAILING: "The disk reported an error, so the last entry was not saved. "
                          "What you typed is still on screen; try again, and back up soon.",
}
NOT_SAVED = {  # short: said on the line of the entry refused; the banner says the rest
    Trouble.DAMAGED: "Not saved: the practice file is damaged (Practice → Backups…).",
    Trouble.READ_ONLY: "Not saved: this practice is open read-only.",
    Trouble.DISK_FULL: "Not saved: the disk is full.",
    Trouble.DISK_FAILING: "Not saved: the disk reported an error.",
}


def trouble_of(exc: BaseException) -> Trouble | None:
    """The disk trouble behind ``exc``, or ``None`` when it is something else."""
    if isinstance(exc, sqlite.IntegrityError):
        return None  # a rule, not the disk
    if isinstance(exc, StorageError):  # opening refused: damaged, or something else
        text = str(exc).lower()
        damaged = any(words in text for words in ("damaged", "malformed", "not a database",
                                                  "not a usable"))
        return Trouble.DAMAGED if damaged else None
    if isinstance(exc, sqlite.Error):
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return Trouble.DAMAGED
        if "readonly" in text or "read-only" in text or "query_only" in text:
            return Trouble.READ_ONLY
        if "full" in text:
            return Trouble.DISK_FULL
        if "disk i/o" in text:
            return Trouble.DISK_FAILING
        return None
    if isinstance(exc, OSError):
        import errno

        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return Trouble.DISK_FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return Trouble.READ_ONLY
        if exc.errno == errno.EIO:
            return Trouble.DISK_FAILING
    return None


def stop_writing(db: Database) -> None:
    """From now on SQLite refuses every write on this connection (if it is still open)."""
    try:
        db.execute("PRAGMA query_only = ON")
    except sqlite.ProgrammingError:
        pass  # closed already: nothing can write through it anyway


def quick_damage(db: Database) -> str | None:
    """SQLite's quick check (pages and records, no index cross-check: fast enough for every
    start); what is wrong, or ``None``."""
    try:
        rows = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    except sqlite.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else rows[0]


def damage_in_file(path: Path, passphrase: str | None) -> str | None:
    """:func:`quick_damage` through a read-only connection of its own, so it can run on a
    thread while the window opens (it reads every page: 0.6 s for a ten-year practice)."""
    try:
        reader = open_read_only(path, passphrase=passphrase)
    except StorageError as exc:
        return str(exc) if trouble_of(exc) is Trouble.DAMAGED else None
    try:
        return quick_damage(reader)
    finally:
        reader.close()


def cannot_write(db: Database) -> bool:
    """Whether SQLite refuses to write this practice (a read-only file, folder or disk):
    probed with a write that is rolled back, so nothing changes (taking the write lock
    alone is allowed even on a read-only file)."""
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE practice SET name = name")
    except sqlite.OperationalError as exc:
        return trouble_of(exc) is Trouble.READ_ONLY
    finally:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
    return False


def open_practice_file(path: Path, *, passphrase: str | None = None) -> Database:
    """The practice at ``path`` for the app: read-write when the disk allows, else
    read-only (a read-only file, folder or disk) instead of not at all. A read-only
    practice is then said by :func:`cannot_write` and the banner."""
    try:
        return open_database(path, passphrase=passphrase)
    except (StorageError, OSError) as exc:
        if not _refused_for_writing(exc) or not path.is_file():
            raise
    return open_read_only(path, passphrase=passphrase)


def _refused_for_writing(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and trouble_of(exc) is Trouble.READ_ONLY:
        return True
    text = str(exc).lower()
    return any(words in text for words in ("readonly", "read-only", "unable to open"))
