"""The integration session: its medication session, quotes, follow-ups, the next date."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.timeutil import local
from kapdesk.domain.vocabulary import require_text
from kapdesk.storage.rows import insert, stamp
from kapdesk.storage.sessions import get_session, start_session


def open_integration(db: Database, session_id: int, *, at: datetime) -> dict[str, Any]:
    """Start the integration session if it has not started; return it."""
    session = get_session(db, session_id)
    if session["kind"] != "integration":
        raise NotAllowed("this is not an integration session")
    medication = get_session(db, session["medication_session_id"])
    if not medication["ended_at"]:
        raise NotAllowed("its medication session has not taken place yet")
    if not session["started_at"]:
        start_session(db, session_id, started_at=at)
        session = get_session(db, session_id)
    return session


def add_follow_up(db: Database, session_id: int, action: str) -> int:
    get_session(db, session_id)
    return insert(db, "follow_ups", {"session_id": session_id,
                                     "action": require_text("action", action, "The action"),
                                     "created_at": stamp()})


def follow_ups(db: Database, session_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM follow_ups WHERE session_id = ? ORDER BY id",
                         (session_id,)))


def quote(entry_at: datetime, text: str) -> str:
    """How a moment of the medication session is quoted into integration notes."""
    return f"[{local(entry_at):%H:%M} in the medication session] {text}"
