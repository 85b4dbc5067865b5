"""Backups as the therapist meets them: taken automatically (after a session, while the app
runs, before an upgrade) or by hand, kept by the retention rule, checked, and restored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kapdesk.domain.backups import REASONS
from kapdesk.domain.timeutil import utc_now
from kapdesk.storage.backups import (
    Backup,
    backup_problem,
    backups_folder,
    list_backups,
    prune_backups,
    restore_backup,
    take_backup,
)

__all__ = ["Backup", "BackupRow", "backup_problem", "back_up", "backup_rows", "backups_folder",
           "list_backups", "newest_good_backup", "restore_backup", "take_backup"]


def back_up(practice: Path, *, passphrase: str | None, reason: str) -> Backup:
    """A verified backup, then the older automatic ones the retention rule lets go (never
    one made by hand). Safe to run on a thread of its own: it opens its own connections."""
    backup = take_backup(practice, passphrase=passphrase, reason=reason)
    prune_backups(practice, utc_now())
    return backup


@dataclass(frozen=True)
class BackupRow:
    backup: Backup
    problem: str | None  # None: it opens and passes the full integrity check

    @property
    def verdict(self) -> str:
        return "good" if self.problem is None else self.problem

    @property
    def why(self) -> str:
        return REASONS[self.backup.reason]

    @property
    def size_text(self) -> str:
        size = self.backup.size
        return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size // 1024} KB"


def backup_rows(practice: Path, passphrase: str | None) -> list[BackupRow]:
    """Every backup of the practice, newest first, each checked now (not only when it was
    written: a disk can fail later)."""
    return [BackupRow(b, backup_problem(b.path, passphrase)) for b in list_backups(practice)]


def newest_good_backup(practice: Path, passphrase: str | None,
                       before: datetime | None = None) -> Backup | None:
    """The newest backup that opens and passes the check (taken before ``before``, if
    given), for a damaged practice; ``None`` when there is none."""
    for backup in list_backups(practice):
        if before is not None and backup.taken_at >= before:
            continue
        if backup_problem(backup.path, passphrase) is None:
            return backup
    return None
