"""The note being typed in a session, kept as typed (see :mod:`kapdesk.practice.drafts`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.timeutil import to_iso
from kapdesk.storage.rows import maybe, stamp


def put_draft(db: Database, session_id: int, kind: str, body: str, *, at: datetime) -> None:
    db.execute("""INSERT INTO note_drafts (session_id, kind, body, started_at, updated_at)
                  VALUES (:s, :k, :b, :at, :now)
                  ON CONFLICT (session_id) DO UPDATE SET kind = :k, body = :b,
                  updated_at = :now""",
               {"s": session_id, "k": kind, "b": body, "at": to_iso(at), "now": stamp()})


def delete_draft(db: Database, session_id: int) -> None:
    db.execute("DELETE FROM note_drafts WHERE session_id = ?", (session_id,))


def get_draft(db: Database, session_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM note_drafts WHERE session_id = ?", (session_id,))
