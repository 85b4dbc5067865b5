"""Mis-keyed events. Thirteen letters record an event with one key, so a wrong one will be
pressed. The last one may be undone for a minute; any one may later be struck out with a
reason. Either way the entry stays in the record, marked struck with when and why, and no
longer counts clinically (the band, the prescriber's summary, the course overview).

A session started by mistake (the wrong client chosen, a start before the client arrived)
may be taken back to the plan while nothing but its start is recorded in it."""

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


def _written_reason(reason: str | None, asked: str) -> str:
    text = (reason or "").strip()
    if len(text) < REASON_MIN_CHARS:
        raise InvalidInput("reason", asked)
    return text


def correction_reason(reason: str | None) -> str:
    return _written_reason(reason, "a correction needs its reason, e.g. 'typed 184, cuff "
                                   "showed 148'")


def take_back_reason(reason: str | None) -> str:
    return _written_reason(reason, "write why the start is taken back, e.g. 'wrong client "
                                   "chosen'")


def check_take_back(recorded: int) -> None:
    """Refused once anything is recorded after the start (a reading, a dose, an event, a
    rating, a note or a draft of one, a track played): the session then took place, and
    what was wrong in it is struck out or corrected instead."""
    if recorded:
        raise NotAllowed(
            f"{recorded} entr{'y is' if recorded == 1 else 'ies are'} recorded in this session "
            "already, so it took place and stays in the record: strike out or correct what "
            "was wrong, and discharge with a written reason")
