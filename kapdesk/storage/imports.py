"""The writes of an imported record, once :mod:`kapdesk.practice.record_import` has checked
and replayed it. Rows keep the uid they travelled with, so a second import adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import stamp

# Tables whose rows carry their own creation time in the file.
KEEPS_CREATED_AT = frozenset({"notes", "music_plays", "note_versions"})


def existing_uids(db: Database, rows: Mapping[str, Iterable[Mapping[str, Any]]]
                  ) -> dict[str, int]:
    """uid -> id of the rows of the file that are already here."""
    found: dict[str, int] = {}
    for table, table_rows in rows.items():
        uids = [r["uid"] for r in table_rows]
        for i in range(0, len(uids), 500):
            chunk = uids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for row in db.query(f"SELECT id, uid FROM {table} WHERE uid IN ({marks})", chunk):
                found[row["uid"]] = row["id"]
    return found


def owner_of(db: Database, table: str, row_id: int) -> int:
    return next(db.query(f"SELECT client_id FROM {table} WHERE id = ?", (row_id,)))["client_id"]


def parent_uid(db: Database, table: str, row_id: int, column: str, parent: str) -> str | None:
    """The uid of the row ``column`` points at, e.g. the session a dose belongs to."""
    found = next(db.query(f"SELECT p.uid FROM {table} t JOIN {parent} p ON p.id = t.{column} "
                          "WHERE t.id = ?", (row_id,)), None)
    return found["uid"] if found else None


def stored_row(db: Database, table: str, row_id: int) -> dict[str, Any]:
    return next(db.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,)))


def version_taken(db: Database, table: str, client_id: int, version: int) -> bool:
    return next(db.query(f"SELECT 1 FROM {table} WHERE client_id = ? AND version = ?",
                         (client_id, version)), None) is not None


def insert_row(db: Database, table: str, values: dict[str, Any]) -> int:
    if table not in KEEPS_CREATED_AT:
        values = {**values, "created_at": stamp()}
    cursor = db.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES "
                        f"({', '.join(':' + k for k in values)})", values)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def link_integration(db: Database, session_id: int, medication_session_id: int) -> None:
    db.execute("UPDATE sessions SET medication_session_id = ? WHERE id = ?",
               (medication_session_id, session_id))
