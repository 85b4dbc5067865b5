"""The integration session: opening it after its medication session, follow-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.vocabulary import require_text
from kapdesk.practice.session import start_session
from kapdesk.storage import integration as store
from kapdesk.storage.sessions import get_session


def open_integration(db: Database, session_id: int, *, at: datetime) -> dict[str, Any]:
    """Start the integration session if it has not started; return it."""
    with db.atomic():
        session = get_session(db, session_id)
        if session["kind"] != SessionKind.INTEGRATION:
            raise NotAllowed("this is not an integration session")
        medication = get_session(db, session["medication_session_id"])
        if not medication["ended_at"]:
            raise NotAllowed("its medication session has not taken place yet")
        if not session["started_at"]:
            start_session(db, session_id, started_at=at)
            session = get_session(db, session_id)
        return session


def add_follow_up(db: Database, session_id: int, action: str) -> int:
    text = require_text("action", action, "The action")
    with db.atomic():
        get_session(db, session_id)
        return store.insert_follow_up(db, session_id, text)
