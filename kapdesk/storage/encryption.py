"""Encrypting a plain practice file, or changing its passphrase, without ever leaving a
broken or half-written practice behind.

SQLCipher 4 cannot re-key a database in WAL mode in place, and an in-place rewrite would be
at the mercy of a crash. Instead the whole database is exported (``sqlcipher_export``) into
a new private file encrypted with the new passphrase, that file is opened on its own and
compared with the original row by row, flushed to disk, and only then renamed over the
original: one atomic step. A crash before it leaves the original untouched (and a stray
temporary file, removed next time); after it, the new file is complete.
"""

from __future__ import annotations

import os
from itertools import zip_longest
from pathlib import Path

from sqlite_utils import Database

from kapdesk.domain.timeutil import utc_now
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage.database import (
    SQLITE_HEADER,
    StorageError,
    fsync_path,
    is_encrypted,
    new_private_file,
    open_database,
)

PLAIN_COPY = ".plain-"  # in the name of the plain file kept aside after encrypting


def _companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fresh_private_file(path: Path) -> None:
    path.unlink(missing_ok=True)  # a stray copy from an interrupted earlier attempt
    for companion in _companions(path):
        companion.unlink(missing_ok=True)
    new_private_file(path)


def _tables(conn) -> list[str]:
    return [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]


def differences(original: Database, copy: Database) -> list[str]:
    """Where ``copy`` differs from ``original``: tables, and every row of every table (FTS
    indexes are compared through their shadow tables). Empty when they hold the same data."""
    problems = []
    tables = _tables(original.conn)
    if _tables(copy.conn) != tables:
        return ["the tables differ"]
    for table in tables:
        columns = ", ".join(f'"{row[1]}"' for row in
                            original.conn.execute(f'PRAGMA table_info("{table}")'))
        query = f'SELECT {columns} FROM "{table}" ORDER BY {columns}'  # some have no rowid
        for left, right in zip_longest(original.conn.execute(query),
                                       copy.conn.execute(query)):
            if left != right:
                problems.append(f"{table}: a row differs")
                break
    if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("the copy fails SQLite's integrity check")
    return problems


def _export(db: Database, target: Path, passphrase: str) -> None:
    """The whole of ``db`` into the new file ``target``, encrypted with ``passphrase``."""
    _fresh_private_file(target)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(target), passphrase))
    try:
        db.execute("SELECT sqlcipher_export('rekeyed')")
        version = db.execute("PRAGMA main.user_version").fetchone()[0]
        db.execute(f"PRAGMA rekeyed.user_version = {int(version)}")
    finally:
        db.execute("DETACH DATABASE rekeyed")


def _verified_copy(db: Database, path: Path, passphrase: str) -> Path:
    target = path.with_name(f"{path.name}.rekeying")
    try:
        _export(db, target, passphrase)
        copy = open_database(target, passphrase=passphrase, migrate=False)
        try:
            problems = differences(db, copy)
        finally:
            copy.close()
    except (sqlite.Error, StorageError) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(f"the encrypted copy could not be written ({exc}); {path} is "
                           "unchanged") from None
    if problems:
        target.unlink(missing_ok=True)
        raise StorageError(f"the encrypted copy did not match ({problems[0]}); {path} is "
                           "unchanged")
    fsync_path(target)
    return target


def _swap_in(path: Path, copy: Path) -> None:
    """Rename ``copy`` over ``path``; refused while another program has ``path`` open."""
    if any(p.exists() for p in _companions(path)):
        copy.unlink(missing_ok=True)
        raise StorageError(f"{path} is open in another kapdesk (or another program); close "
                           "it and try again. Nothing was changed")
    os.replace(copy, path)
    fsync_path(path.parent)


def change_passphrase(path: Path, old: str, new: str) -> None:
    """Re-encrypt the practice at ``path`` with ``new``."""
    db = open_database(path, passphrase=old)
    try:
        copy = _verified_copy(db, path, new)
    finally:
        db.close()
    _swap_in(path, copy)


def encrypt_file(path: Path, passphrase: str) -> Path:
    """Encrypt the plain practice at ``path`` with ``passphrase``. The plain file is kept
    aside (returned) until the therapist confirms it may go: see :func:`shred_plain_copy`."""
    if is_encrypted(path):
        raise StorageError(f"{path} is already encrypted")
    db = open_database(path)
    try:
        copy = _verified_copy(db, path, passphrase)
    finally:
        db.close()
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.stem}{PLAIN_COPY}{stamp}{path.suffix}")
    # a second name for the plain file first: a crash between the two steps leaves the
    # practice as it was, never without a file
    os.link(path, kept)
    try:
        _swap_in(path, copy)
    except StorageError:
        kept.unlink()
        raise
    return kept


def plain_copies(path: Path) -> list[Path]:
    """The plain copies :func:`encrypt_file` kept beside the practice at ``path``."""
    return sorted(path.parent.glob(f"{path.stem}{PLAIN_COPY}*{path.suffix}"))


def shred_plain_copy(path: Path) -> None:
    """Overwrite the plain copy kept by :func:`encrypt_file` with zeros, then remove it.
    (On SSDs and copy-on-write file systems the old blocks may survive anyway; full-disk
    encryption covers those.)"""
    if PLAIN_COPY not in path.name:
        raise StorageError(f"{path} is not a plain copy kept by kapdesk encrypt")
    with open(path, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise StorageError(f"{path} is not a plain kapdesk database")
    size = path.stat().st_size
    with open(path, "r+b") as file:
        chunk = b"\0" * (1 << 20)
        for start in range(0, size, len(chunk)):
            file.write(chunk[:size - start])
        file.flush()
        os.fsync(file.fileno())
    path.unlink()
    for companion in _companions(path):
        companion.unlink(missing_ok=True)
