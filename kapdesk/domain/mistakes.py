"""Mis-keyed events. Thirteen letters record an event with one key, so a wrong one will be
pressed. The last one may be undone for a minute; any one may later be struck out with a
reason. Either way the entry stays in the record, marked struck with when and why, and no
longer counts clinically (the band, the prescriber's summary, the course overview)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kapdesk.domain.errors import InvalidInput, NotAllowed

UNDO_WINDOW = timedelta(minutes=1)
UNDO_REASON = "undone within a minute: keyed by mistake"


def can_undo(recorded_at: datetime, now: datetime) -> bool:
    """Whether the minute in which one key takes an entry back is still running."""
    return now - recorded_at <= UNDO_WINDOW


def undo_reason(recorded_at: datetime, now: datetime) -> str:
    """The reason an undo stores; refused once the minute has passed."""
    if not can_undo(recorded_at, now):
        raise NotAllowed("more than a minute has passed: select the line in the session log "
                         "and strike it out with a reason")
    return UNDO_REASON


def strike_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "Write why this event is struck out (e.g. pressed Y "
                                     "by mistake)")
    return text


# A correction of a reading or dose says why in at least a few words ("typo" is not a why).
REASON_MIN_CHARS = 5


def correction_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < REASON_MIN_CHARS:
        raise InvalidInput("reason", "a correction needs its reason, e.g. 'typed 184, cuff "
                                     "showed 148'")
    return text
