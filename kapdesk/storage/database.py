"""The one way into a kapdesk database: :func:`open_database`.

Durability: WAL journal with ``synchronous=FULL`` so a committed write survives a power cut;
every storage function commits before it returns. Pending migrations are applied on open,
after a backup copy of the file is taken.

Encryption: a practice opened with a passphrase is a SQLCipher 4 database (AES-256 pages
with an HMAC-SHA512 each, the key derived from the passphrase with PBKDF2-HMAC-SHA512 and a
per-file salt, SQLCipher's defaults). Copies made from it (backups, the copy before a
migration) are encrypted with the same passphrase. Files are readable by their owner only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlite_utils import Database

from kapdesk.domain.backups import BackupName
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.timeutil import utc_now
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage.schema import MIGRATIONS, known_migrations


class StorageError(KapdeskError):
    """The database cannot be used as asked; the message says why and which file."""


class WrongPassphrase(StorageError):
    """The passphrase given does not open this practice (or one is needed and none was)."""


SQLITE_HEADER = b"SQLite format 3\0"
# Files holding client data, and the folders they are in, are the therapist's alone.
FILE_MODE, FOLDER_MODE = 0o600, 0o700
WAL_BOUND = 4000  # pages (16 MB): past this a commit checkpoints the WAL itself

# The passphrase each open encrypted database was opened with: copies of it (backups, the
# copy before a migration) are written with the same one.
_passphrases: WeakKeyDictionary[Database, str] = WeakKeyDictionary()


def is_encrypted(path: str | Path) -> bool:
    """Whether the file at ``path`` looks like a database that needs a passphrase: whole
    pages (SQLCipher's are 4096 bytes), without SQLite's plain header (an encrypted file's
    first bytes are its random salt). Anything else is plain, or not a database at all."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_HEADER))
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return False
    return size > 0 and size % 4096 == 0 and head != SQLITE_HEADER


def passphrase_of(db: Database) -> str | None:
    return _passphrases.get(db)


def private_folder(folder: Path) -> None:
    """Make ``folder`` (and any missing parents) and keep it to its owner."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if folder.stat().st_mode & 0o077:
        folder.chmod(FOLDER_MODE)


def new_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only, before any page is written to it; an existing
    file is never overwritten."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def private_files(path: Path) -> None:
    """The database file and its WAL and shared-memory companions: owner only."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        mode = file.stat().st_mode if file.exists() else 0
        if mode & 0o077:  # others lose access; a file made read-only stays read-only
            file.chmod(mode & 0o700)


def key_sql(passphrase: str, schema: str = "") -> str:
    """``PRAGMA key`` for ``passphrase`` (a PRAGMA takes no bound parameters, so the text is
    quoted here as an SQL string)."""
    if not passphrase or "\0" in passphrase:
        raise WrongPassphrase("a passphrase cannot be empty or hold a NUL character")
    quoted = "'" + passphrase.replace("'", "''") + "'"
    return f"PRAGMA {schema + '.' if schema else ''}key = {quoted}"


def key(conn, passphrase: str) -> None:
    """Give a connection (sqlite3's or sqlite-utils') its practice's passphrase. SQLCipher
    writes each failed page decryption straight to stderr; kapdesk says it in one line
    instead, so its own log is silenced first."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(key_sql(passphrase))


def open_database(path: str | Path | None = None, *, migrate: bool = True,
                  passphrase: str | None = None) -> Database:
    """Open (creating if needed) the database at ``path``; ``None`` means in memory. With a
    ``passphrase`` a new file is created encrypted, and an existing one must be encrypted
    with that passphrase; without one, an encrypted file is refused."""
    if path is None:
        db = Database(memory=True, execute_plugins=False)
        _configure(db, Path(":memory:"))
    else:
        path = Path(path)
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file")
        private_folder(path.parent)
        existed = path.exists() and path.stat().st_size > 0
        if existed and passphrase is None and is_encrypted(path):
            raise WrongPassphrase(f"{path} is locked with a passphrase; give it to open the "
                                  "practice")
        if existed and passphrase is not None and not is_encrypted(path):
            raise StorageError(f"{path} is not encrypted; open it without a passphrase (it "
                               "can be encrypted with kapdesk encrypt)")
        try:
            db = Database(path, execute_plugins=False)
        except sqlite.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from None
        if passphrase is not None:
            _unlock(db, passphrase)
        _configure(db, path)
        private_files(path)
    if migrate:
        try:
            _migrate(db, path if path is not None and existed else None)
        except sqlite.DatabaseError as exc:  # the schema's own rows cannot be read
            db.close()
            raise StorageError(f"{path} is damaged ({exc})") from None
    return db


def _unlock(db: Database, passphrase: str) -> None:
    """Key the connection and prove the passphrase by reading; a wrong one closes it."""
    key(db, passphrase)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite.DatabaseError:
        db.close()
        raise WrongPassphrase("that passphrase does not open this practice; nothing was "
                              "changed") from None
    _passphrases[db] = passphrase


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
        # The WAL is moved into the file by the app's own checkpoints, off the UI thread
        # (see WAL_BOUND); a commit does it itself only past this bound, so a note's commit
        # does not copy a thousand pages every eighty notes.
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_BOUND}")
        # Sorts and indexes too big for the cache would spill into temporary files, outside
        # the encrypted file: they stay in memory instead.
        db.execute("PRAGMA temp_store = MEMORY")
    except sqlite.DatabaseError as exc:
        db.close()
        raise StorageError(f"{path} is not a usable kapdesk database ({exc})") from None


def open_read_only(path: str | Path, *, passphrase: str | None = None) -> Database:
    """Open the kapdesk practice at ``path`` for reading only: nothing is created, upgraded,
    re-moded or written. Refused: a missing or empty file, another program's SQLite file,
    one from a newer kapdesk, and one an upgrade has not reached yet."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise StorageError(f"no kapdesk practice at {path}" + (
            " (the file is empty)" if path.is_file() else ""))
    encrypted = is_encrypted(path)
    if encrypted and passphrase is None:
        raise WrongPassphrase(f"{path} is locked with a passphrase; give it to open the "
                              "practice")
    # In a folder nobody can write, SQLite cannot make the WAL's shared-memory file; with no
    # WAL there, no one can be writing either, so the file is read as unchanging.
    wal = path.with_name(path.name + "-wal")
    frozen = not os.access(path.parent, os.W_OK) and not wal.exists()
    try:
        conn = sqlite.connect(f"{path.resolve().as_uri()}?mode=ro"
                              + ("&immutable=1" if frozen else ""), uri=True)
    except sqlite.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}") from None
    db = Database(conn, execute_plugins=False)
    if encrypted and passphrase is not None:
        _unlock(db, passphrase)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA temp_store = MEMORY")
        names = set(db.table_names())
    except sqlite.DatabaseError as exc:
        db.close()
        raise StorageError(f"{path} is not a usable kapdesk database ({exc})") from None
    try:
        applied = ([m.name for m in MIGRATIONS.applied(db)]
                   if "_sqlite_migrations" in names else [])
    except sqlite.DatabaseError as exc:
        db.close()
        raise StorageError(f"{path} is damaged ({exc})") from None
    try:
        if not applied or "practice" not in names:
            raise StorageError(f"{path} is not a kapdesk practice (another program's "
                               "database?)")
        _refuse_newer(applied, f"{path} was")
        if set(known_migrations()) - set(applied):
            raise StorageError(f"{path} was written by an older kapdesk; open it in the app "
                               "once to upgrade it (a copy is kept first)")
    except StorageError:
        db.close()
        raise
    return db


def _refuse_newer(applied: list[str], subject: str) -> None:
    unknown = sorted(set(applied) - set(known_migrations()))
    if unknown:
        raise StorageError(f"{subject} written by a newer kapdesk (schema {unknown[-1]}); "
                           "update kapdesk before opening it")


def _migrate(db: Database, existing_file: Path | None) -> None:
    _refuse_newer([m.name for m in MIGRATIONS.applied(db)], "this database was")
    pending = MIGRATIONS.pending(db)
    if not pending:
        return
    if existing_file is not None and db.table_names():
        name = BackupName(existing_file.stem, utc_now(), "before-upgrade")
        backup_database(db, existing_file.parent / "backups" / name.file_name)
    try:
        MIGRATIONS.apply(db)
    except sqlite.Error as exc:
        raise StorageError(f"could not upgrade the database schema: {exc}") from None


def schema_version(db: Database) -> str | None:
    applied = MIGRATIONS.applied(db)
    return applied[-1].name if applied else None


def backup_database(db: Database, target: str | Path) -> Path:
    """A verified copy of the live database at ``target`` (SQLite's online backup, never a
    file copy), or nothing there at all: the copy is written under a temporary name, must
    pass ``integrity_check``, is flushed to disk and only then renamed into place. A damaged
    practice, a full disk or a failing one raise :class:`StorageError` and leave no file."""
    return copy_verified(db.conn, Path(target), passphrase_of(db))


def copy_verified(source, target: Path, passphrase: str | None) -> Path:
    """:func:`backup_database` from any connection (a backup thread opens its own)."""
    if target.exists():
        raise StorageError(f"{target} already exists; choose another file name")
    private_folder(target.parent)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # left by a copy a crash interrupted
    try:
        new_private_file(partial)
        dest = sqlite.connect(partial)
        try:
            if passphrase is not None:
                key(dest, passphrase)
            source.backup(dest)
            verdict = [row[0] for row in dest.execute("PRAGMA integrity_check").fetchall()]
        finally:
            dest.close()
        if verdict != ["ok"]:
            raise StorageError(f"no backup was made: the practice is damaged ({verdict[0]})")
        fsync_path(partial)
        os.replace(partial, target)
        fsync_path(target.parent)
    except sqlite.Error as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"no backup was made: {_why(exc)}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _why(exc: sqlite.Error) -> str:
    text = str(exc)
    if "full" in text:  # "database or disk is full"
        return "the disk is full"
    if "malformed" in text or "not a database" in text:
        return "the practice is damaged"
    return text


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename), to the disk itself."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class HealthReport:
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check_database(db: Database) -> HealthReport:
    """SQLite's own integrity and foreign-key checks, plus the schema version. Read-only:
    since SQLite 3.44 ``integrity_check`` also checks the FTS5 index (its xIntegrity), so
    the index's own 'integrity-check' command, an INSERT, is not needed."""
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
    except sqlite.DatabaseError as exc:
        report.problems.append(f"the file is damaged: {exc}")
    return report


def wal_keeper(path: Path, passphrase: str | None):
    """A connection of its own for moving the WAL into the practice file from a
    background thread (used by one thread at a time, never two at once)."""
    conn = sqlite.connect(path, check_same_thread=False, isolation_level=None)
    if passphrase is not None:
        key(conn, passphrase)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def checkpoint(conn) -> None:
    """Copy what the WAL holds into the file, without waiting on readers or writers."""
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
