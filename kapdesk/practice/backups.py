"""Backups as the therapist meets them: taken automatically (after a session, while the app
runs, before an upgrade) or by hand, kept by the retention rule, checked, and restored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from kapdesk.domain.backups import REASONS
from kapdesk.domain.timeutil import utc_now
from kapdesk.practice.audit import audit
from kapdesk.storage.backups import (
    Backup,
    backup_problem,
    backups_folder,
    list_backups,
    prune_backups,
    restore_backup,
    take_backup,
)
from kapdesk.storage.database import StorageError, is_encrypted, open_database

__all__ = ["Backup", "BackupRow", "back_up", "backup_rows", "backups_folder", "list_backups",
           "newest_good_backup", "restore_and_open", "restore_backup", "restore_problem",
           "size_text", "take_backup", "why_taken"]

BEFORE_ENCRYPTION = ("from before the practice was encrypted (it would store client data "
                     "unencrypted)")


def back_up(practice: Path, *, passphrase: str | None, reason: str) -> Backup:
    """A verified backup, then the older automatic ones the retention rule lets go (never
    one made by hand). Safe to run on a thread of its own: it opens its own connections."""
    backup = take_backup(practice, passphrase=passphrase, reason=reason)
    prune_backups(practice, utc_now())
    return backup


def why_taken(backup: Backup) -> str:
    return REASONS[backup.reason]


def size_text(backup: Backup) -> str:
    size = backup.size
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size // 1024} KB"


def restore_problem(path: Path, passphrase: str | None) -> str | None:
    """Why the backup at ``path`` cannot become this practice (``passphrase``: the
    practice's, ``None`` when it is plain); ``None`` when it can. Checked in full now, not
    only when it was written: a disk can fail later."""
    if passphrase is not None and not is_encrypted(path):
        return BEFORE_ENCRYPTION
    return backup_problem(path, passphrase)


@dataclass(frozen=True)
class BackupRow:
    backup: Backup
    problem: str | None  # None: it can be restored

    @property
    def verdict(self) -> str:
        return "good" if self.problem is None else self.problem

    @property
    def why(self) -> str:
        return why_taken(self.backup)

    @property
    def size_text(self) -> str:
        return size_text(self.backup)


def backup_rows(practice: Path, passphrase: str | None) -> list[BackupRow]:
    """Every backup of the practice, newest first, each checked now."""
    return [BackupRow(b, restore_problem(b.path, passphrase)) for b in list_backups(practice)]


def newest_good_backup(practice: Path, passphrase: str | None) -> Backup | None:
    """The newest backup that can become the practice, for a damaged one; ``None`` when
    there is none."""
    return next((backup for backup in list_backups(practice)
                 if restore_problem(backup.path, passphrase) is None), None)


def restore_and_open(backup: Path, practice: Path, passphrase: str | None, *,
                     encrypted_practice: bool) -> tuple[Database, Path | None]:
    """The one way a backup becomes the practice (command line, app, unlock screen): put
    in place, opened and written in the audit trail. Returns the practice and where the
    file it replaced is kept. An encrypted practice is never replaced by a backup from
    before it was encrypted: client data would be stored unencrypted."""
    if encrypted_practice and not is_encrypted(backup):
        raise StorageError(f"{backup.name} is {BEFORE_ENCRYPTION}. Nothing was changed")
    kept = restore_backup(backup, practice, passphrase)
    db = open_database(practice, passphrase=passphrase)
    audit(db, "restored", detail=f"from {backup.resolve()}" + (
        f"; the file it replaced is kept as {kept.name}" if kept else ""))
    return db, kept
