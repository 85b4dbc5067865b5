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


def open_integration(db: Database, session_id: int) -> dict[str, Any]:
    """The integration session, refused while its medication session has not taken place.
    Opening it changes nothing (opening one to look had started it, moving its planned date
    to that minute): it starts when the therapist starts it."""
    session = get_session(db, session_id)
    if session["kind"] != SessionKind.INTEGRATION:
        raise NotAllowed("this is not an integration session")
    medication = get_session(db, session["medication_session_id"])
    if not medication["ended_at"]:
        raise NotAllowed("its medication session has not taken place yet")
    return session


def start_integration(db: Database, session_id: int, *, at: datetime) -> None:
    with db.atomic():
        if open_integration(db, session_id)["started_at"]:
            raise NotAllowed("this integration session has started already")
        start_session(db, session_id, started_at=at)


def add_follow_up(db: Database, session_id: int, action: str) -> int:
    text = require_text("action", action, "The action")
    with db.atomic():
        get_session(db, session_id)
        return store.insert_follow_up(db, session_id, text)
