"""The practice's backups on disk: written, listed with a verdict, pruned, restored.

Backups live in ``backups/`` beside the practice file, named by
:mod:`kapdesk.domain.backups` (the practice's name, the instant, the reason), so two practices
can share a folder and two backups never share a name. Every one is SQLite's online backup,
verified before it gets its name (:func:`kapdesk.storage.database.copy_verified`); an
encrypted practice's backups are encrypted with its passphrase of the day.

A restore never produces a corrupt practice: the backup is checked first, the current file
keeps a second name with its WAL beside it (so the pair stays whole, for recovery), and the
backup's copy replaces the practice in one rename.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kapdesk.domain.backups import (
    KEPT_BY_HAND,
    BackupName,
    backups_to_keep,
    parse_backup_name,
)
from kapdesk.domain.timeutil import utc_now
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage.database import (
    StorageError,
    copy_verified,
    fsync_path,
    is_encrypted,
    key,
    new_private_file,
    private_folder,
)

COMPANIONS = ("-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    path: Path
    name: BackupName
    size: int

    @property
    def taken_at(self) -> datetime:
        return self.name.taken_at

    @property
    def reason(self) -> str:
        return self.name.reason


def backups_folder(practice: Path) -> Path:
    return practice.parent / "backups"


def take_backup(practice: Path, *, passphrase: str | None, reason: str,
                at: datetime | None = None) -> Backup:
    """A verified backup of the practice file, through a read-only connection of its own
    (so it can run on a thread of its own while the app writes)."""
    name = BackupName(practice.stem, at or utc_now(), reason)
    target = backups_folder(practice) / name.file_name
    source = sqlite.connect(f"{practice.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if passphrase is not None:
            key(source, passphrase)
        copy_verified(source, target, passphrase)
    finally:
        source.close()
    return Backup(target, name, target.stat().st_size)


def list_backups(practice: Path) -> list[Backup]:
    """This practice's backups, newest first."""
    folder = backups_folder(practice)
    found = []
    for path in folder.glob(f"{practice.stem}-*.sqlite") if folder.is_dir() else ():
        name = parse_backup_name(path.name)
        if name is not None and name.stem == practice.stem:
            found.append(Backup(path, name, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def backup_problem(path: Path, passphrase: str | None) -> str | None:
    """What is wrong with the backup at ``path``, in the therapist's words; ``None`` when
    it opens and passes SQLite's full integrity check."""
    encrypted = is_encrypted(path)
    if encrypted and passphrase is None:
        return "locked with a passphrase"
    try:
        # immutable: nothing writes a backup, and reading it leaves no -shm or -wal beside it
        conn = sqlite.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite.Error as exc:
        return f"cannot be opened ({exc})"
    try:
        if encrypted:
            key(conn, passphrase or "")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite.DatabaseError:
            return ("not opened by this passphrase: made with an older one, or damaged"
                    if encrypted else "not a kapdesk backup, or damaged (not readable as a "
                                      "database)")
        verdict = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        return None if verdict == ["ok"] else f"damaged ({verdict[0]})"
    except sqlite.DatabaseError as exc:
        return f"damaged ({exc})"
    finally:
        conn.close()


def prune_backups(practice: Path, now: datetime) -> list[Path]:
    """Remove the automatic backups the retention rule no longer keeps; returns them."""
    automatic = [b for b in list_backups(practice) if b.reason not in KEPT_BY_HAND]
    keep = backups_to_keep((b.taken_at for b in automatic), now)
    removed = [b.path for b in automatic if b.taken_at not in keep]
    for path in removed:
        for file in (path, *(path.with_name(path.name + end) for end in COMPANIONS)):
            file.unlink(missing_ok=True)
    return removed


def restore_backup(backup: Path, practice: Path, passphrase: str | None) -> Path | None:
    """Put the backup in place of the practice file; returns where the file it replaced is
    kept (``None`` when there was none). Nothing may have the practice open."""
    problem = backup_problem(backup, passphrase)
    if problem is not None:
        raise StorageError(f"{backup.name} cannot be restored: it is {problem}. Nothing "
                           "was changed")
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    private_folder(practice.parent)
    incoming = practice.with_name(f".{practice.name}.restoring")
    incoming.unlink(missing_ok=True)
    new_private_file(incoming)
    try:
        shutil.copyfile(backup, incoming)
        fsync_path(incoming)
    except OSError:
        incoming.unlink(missing_ok=True)
        raise
    kept = None
    if practice.exists():
        kept = practice.with_name(f"{practice.stem}.replaced-{stamp}{practice.suffix}")
        # The file a second name first, then its WAL and shared memory beside that name:
        # a crash between two steps leaves the practice as it was at its last checkpoint,
        # and the kept pair whole.
        os.link(practice, kept)
        for suffix in COMPANIONS:
            companion = practice.with_name(practice.name + suffix)
            if companion.exists():
                os.replace(companion, kept.with_name(kept.name + suffix))
    os.replace(incoming, practice)
    fsync_path(practice.parent)
    return kept
