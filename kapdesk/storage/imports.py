"""The writes of an imported record, once :mod:`kapdesk.practice.record_import` has checked
and replayed it. Rows keep the uid they travelled with, so a second import adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import stamp

# Tables whose rows carry their own creation time in the file.
KEEPS_CREATED_AT = frozenset({"notes", "music_plays", "note_versions"})


def existing_rows(db: Database, rows: Mapping[str, Iterable[Mapping[str, Any]]]
                  ) -> dict[str, dict[str, dict[str, Any]]]:
    """table -> uid -> the row already here, for the rows of the file that are here: read
    once, for every check an import makes against this laptop."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for table, table_rows in rows.items():
        uids = [r["uid"] for r in table_rows]
        here = found.setdefault(table, {})
        for i in range(0, len(uids), 500):
            chunk = uids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for row in db.query(f"SELECT * FROM {table} WHERE uid IN ({marks})", chunk):
                here[row["uid"]] = row
    return found


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
