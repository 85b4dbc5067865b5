"""The note being typed in a session: saved as typed, committed as a note on Enter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.timeutil import parse_instant, to_iso
from kapdesk.domain.vocabulary import NOTE_KINDS, require_kind
from kapdesk.storage.rows import maybe, stamp
from kapdesk.storage.sessions import add_note


def save_draft(db: Database, session_id: int, kind: str, body: str, *, at: datetime) -> None:
    """Keep the draft; an empty one is dropped. ``at`` is when typing began (the note's time)."""
    require_kind("kind", kind, NOTE_KINDS)
    if not body.strip():
        db.execute("DELETE FROM note_drafts WHERE session_id = ?", (session_id,))
        return
    db.execute("""INSERT INTO note_drafts (session_id, kind, body, started_at, updated_at)
                  VALUES (:s, :k, :b, :at, :now)
                  ON CONFLICT (session_id) DO UPDATE SET kind = :k, body = :b,
                  updated_at = :now""",
               {"s": session_id, "k": kind, "b": body, "at": to_iso(at), "now": stamp()})


def get_draft(db: Database, session_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM note_drafts WHERE session_id = ?", (session_id,))


def commit_draft(db: Database, session_id: int, kind: str, body: str, *,
                 at: datetime, shareable: bool = False) -> int:
    """The typed note becomes a note, timed when typing began; the draft goes, in one step."""
    draft = get_draft(db, session_id)
    started = parse_instant(draft["started_at"]) if draft else at
    with db.atomic():
        note_id = add_note(db, session_id, kind, body, at=started, shareable=shareable)
        db.execute("DELETE FROM note_drafts WHERE session_id = ?", (session_id,))
    return note_id
