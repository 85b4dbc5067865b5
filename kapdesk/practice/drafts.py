"""The note being typed: saved as typed, committed as a note on Enter."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from kapdesk.domain.timeutil import parse_instant
from kapdesk.domain.vocabulary import NOTE_KINDS, require_kind
from kapdesk.practice.session import add_note
from kapdesk.storage import drafts as store
from kapdesk.storage.drafts import get_draft

__all__ = ["commit_draft", "get_draft", "save_draft"]


def save_draft(db: Database, session_id: int, kind: str, body: str, *, at: datetime) -> None:
    """Keep the draft; an empty one is dropped. ``at`` is when typing began (the note's time)."""
    require_kind("kind", kind, NOTE_KINDS)
    with db.atomic():
        if body.strip():
            store.put_draft(db, session_id, kind, body, at=at)
        else:
            store.delete_draft(db, session_id)


def commit_draft(db: Database, session_id: int, kind: str, body: str, *,
                 at: datetime, shareable: bool = False) -> int:
    """The typed note becomes a note, timed when typing began; the draft goes, in one step."""
    with db.atomic():
        draft = store.get_draft(db, session_id)
        started = parse_instant(draft["started_at"]) if draft else at
        note_id = add_note(db, session_id, kind, body, at=started, shareable=shareable)
        store.delete_draft(db, session_id)
    return note_id
