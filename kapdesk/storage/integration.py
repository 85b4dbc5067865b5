"""Follow-up actions agreed in an integration session."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import insert, stamp


def insert_follow_up(db: Database, session_id: int, action: str) -> int:
    return insert(db, "follow_ups", {"session_id": session_id, "action": action,
                                     "created_at": stamp()})


def follow_ups(db: Database, session_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM follow_ups WHERE session_id = ? ORDER BY id",
                         (session_id,)))
