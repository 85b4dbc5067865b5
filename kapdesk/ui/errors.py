"""One place that turns an exception into a calm, specific sentence for the therapist."""

from __future__ import annotations

import logging

from kapdesk.domain.errors import InvalidInput, KapdeskError
from kapdesk.practice.queries import DatabaseRefused

# What a window shows in place instead of a crash dialog: the therapist's own mistakes
# (KapdeskError) and a database constraint the rules let through (logged, nothing saved).
REFUSALS = (KapdeskError, DatabaseRefused)

log = logging.getLogger("kapdesk")


def message(exc: BaseException, labels: dict[str, str] | None = None) -> str:
    """``Ride home phone: must be a phone number…``. Field codes become the labels the
    therapist sees, and are never shown themselves; every message starts with a capital."""
    return _sentence(_text(exc, labels or {}))


def _text(exc: BaseException, labels: dict[str, str]) -> str:
    if isinstance(exc, InvalidInput):
        label = labels.get(exc.field)
        if label is None:
            return exc.reason
        bare = label.split(" (")[0].lower()  # "Dose (mg)" is named by "Dose ..."
        if exc.reason.lower().startswith(bare):
            return exc.reason
        return f"{label}: {exc.reason}"
    if isinstance(exc, KapdeskError):
        return str(exc)
    if isinstance(exc, DatabaseRefused):
        log.error("the database refused an entry the rules allowed: %s", exc)
        return ("The database refused this entry, so nothing was saved and nothing earlier "
                "was lost. Check the values and try again; the details are in the log.")
    return f"Unexpected problem: {exc}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
