"""The audit trail: what the app notes about access and data leaving the laptop.

A wrong passphrase cannot be written down at the moment it is typed (the practice is still
closed), so the unlock that follows writes each earlier failure with its own time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlite_utils import Database

from kapdesk.domain.timeutil import to_iso, utc_now
from kapdesk.domain.vocabulary import (
    AUDIT_ACTIONS,
    PRIVATE_NOTE_KINDS,
    SESSION_KINDS,
    require_kind,
)
from kapdesk.storage import exports
from kapdesk.storage.audit import audit_events, insert_audit_event
from kapdesk.storage.sessions import count_notes, get_session

__all__ = ["audit", "audit_events", "record_export", "unlocked", "viewed_session"]


def audit(db: Database, action: str, *, detail: str = "", client_id: int | None = None,
          session_id: int | None = None, at: datetime | None = None) -> int:
    require_kind("action", action, AUDIT_ACTIONS)
    return insert_audit_event(db, at=to_iso(at or utc_now()), action=action, detail=detail,
                              client_id=client_id, session_id=session_id)


def unlocked(db: Database, *, failures: Iterable[datetime] = (), how: str = "") -> None:
    """The unlock, after the wrong passphrases typed before it, each at its own time."""
    with db.atomic():
        for at in failures:
            audit(db, "unlock_failed", at=at, detail=how)
        audit(db, "unlocked", detail=how)


def record_export(db: Database, *, what: str, fmt: str, file_name: str, recipient: str = "",
                  client_id: int | None = None, session_id: int | None = None) -> int:
    """What left the laptop, for whom and where: in the exports log and the audit trail."""
    with db.atomic():
        export_id = exports.record_export(db, what=what, fmt=fmt, file_name=file_name,
                                          recipient=recipient, client_id=client_id,
                                          session_id=session_id)
        detail = f"{what} ({fmt.upper()}) to {file_name}" + (
            f" for {recipient}" if recipient else "")
        audit(db, "exported", detail=detail, client_id=client_id, session_id=session_id)
    return export_id


def viewed_session(db: Database, session_id: int) -> bool:
    """Opening a past session whose notes include private process notes is noted; True
    when it was."""
    private = count_notes(db, session_id, PRIVATE_NOTE_KINDS)
    if not private:
        return False
    session = get_session(db, session_id)
    name = f"{SESSION_KINDS[session['kind']]} session {session['number'] or ''}".strip()
    audit(db, "process_notes_viewed", client_id=session["client_id"], session_id=session_id,
          detail=f"{name}: {private} process note{'s' if private != 1 else ''}")
    return True
