"""The audit of what left the laptop: every export, when, for whom, to which file."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import insert, stamp


def record_export(db: Database, *, what: str, fmt: str, file_name: str, recipient: str = "",
                  client_id: int | None = None, session_id: int | None = None) -> int:
    return insert(db, "exports", {"client_id": client_id, "session_id": session_id,
                                  "what": what, "format": fmt, "recipient": recipient,
                                  "file_name": file_name, "created_at": stamp()})


def exports_for_client(db: Database, client_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM exports WHERE client_id = ? ORDER BY created_at, id",
                         (client_id,)))
