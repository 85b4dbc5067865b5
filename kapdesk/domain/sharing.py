"""Who may read a note. Process notes are psychotherapy notes: private to the therapist,
never shared, never exported for the prescriber, and whatever quotes one inherits that."""

from __future__ import annotations

from datetime import datetime

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.kinds import NoteKind
from kapdesk.domain.timeutil import local
from kapdesk.domain.vocabulary import PRIVATE_NOTE_KINDS


def is_private(kind: str) -> bool:
    return kind in PRIVATE_NOTE_KINDS


def check_shareable(kind: str, shareable: bool) -> bool:
    if shareable and is_private(kind):
        raise InvalidInput("shareable", "process notes are private and cannot be shared")
    return shareable


def quote(entry_at: datetime, text: str) -> str:
    """How a moment of the medication session is quoted into integration notes."""
    return f"[{local(entry_at):%H:%M} in the medication session] {text}"


def quoting_kind(kind: str, quotes_private: bool) -> str:
    """A note that quotes a private note is itself private: the quote must not carry a
    process note's words into a note the prescriber may read."""
    return NoteKind.PROCESS if quotes_private else kind
