"""The one way into a kapdesk database: :func:`open_database`.

Durability: WAL journal with ``synchronous=FULL`` so a committed write survives a power cut;
every storage function commits before it returns. Pending migrations are applied on open,
after a backup copy of the file is taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.timeutil import utc_now
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage.schema import MIGRATIONS, known_migrations


class StorageError(KapdeskError):
    """The database cannot be used as asked; the message says why and which file."""


def open_database(path: str | Path | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``path``; ``None`` means in memory."""
    if path is None:
        db = Database(memory=True, execute_plugins=False)
        _configure(db, Path(":memory:"))
    else:
        path = Path(path)
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file")
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists() and path.stat().st_size > 0
        try:
            db = Database(path, execute_plugins=False)
        except sqlite.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from None
        _configure(db, path)
    if migrate:
        _migrate(db, path if path is not None and existed else None)
    return db


def _configure(db: Database, path: Path) -> None:
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            # A read that fails here means the file is not SQLite at all.
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.enable_wal()
        db.execute("PRAGMA synchronous = FULL")
    except sqlite.DatabaseError as exc:
        db.close()
        raise StorageError(f"{path} is not a usable kapdesk database ({exc})") from None


def _migrate(db: Database, existing_file: Path | None) -> None:
    applied = [m.name for m in MIGRATIONS.applied(db)]
    unknown = sorted(set(applied) - set(known_migrations()))
    if unknown:
        raise StorageError(
            f"this database was written by a newer kapdesk (schema {unknown[-1]}); "
            "update kapdesk before opening it"
        )
    pending = MIGRATIONS.pending(db)
    if not pending:
        return
    if existing_file is not None and db.table_names():
        stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
        target = existing_file.with_name(
            f"{existing_file.stem}.before-{pending[0].name}.{stamp}{existing_file.suffix}"
        )
        backup_database(db, target)
    try:
        MIGRATIONS.apply(db)
    except sqlite.Error as exc:
        raise StorageError(f"could not upgrade the database schema: {exc}") from None


def schema_version(db: Database) -> str | None:
    applied = MIGRATIONS.applied(db)
    return applied[-1].name if applied else None


def backup_database(db: Database, target: str | Path) -> Path:
    """A consistent copy of the live database (SQLite's online backup), never overwriting."""
    target = Path(target)
    if target.exists():
        raise StorageError(f"{target} already exists; choose another file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite.connect(target)
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


@dataclass
class HealthReport:
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check_database(db: Database) -> HealthReport:
    """SQLite's own integrity and foreign-key checks, plus the schema version."""
    report = HealthReport()
    try:
        rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            report.problems.extend(f"integrity: {r}" for r in rows[:5])
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall()[:5]:
            report.problems.append(f"{table} row {rowid} points at a missing {parent} row")
        pending = [m.name for m in MIGRATIONS.pending(db)]
        if pending:
            report.problems.append(f"schema is behind: {', '.join(pending)} not applied")
        if "notes_fts" in db.table_names():
            db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
    except sqlite.DatabaseError as exc:
        report.problems.append(f"the file is damaged: {exc}")
    return report
