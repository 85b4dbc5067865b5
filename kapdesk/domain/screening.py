"""Screening before a course (design §2): the contraindications the prescriber rules on.

kapdesk records what was screened and when the prescriber cleared the client; it does not
decide eligibility itself. A course can start only after a screening with a clearance date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.timeutil import parse_day, required_day

CONTRAINDICATIONS: dict[str, str] = {
    "psychotic_disorder": "Psychotic disorder (current or history)",
    "substance_use": "Uncontrolled substance use",
    "hypertension": "Uncontrolled hypertension",
    "mania": "Acute mania",
    "cardiac_disease": "Cardiac disease",
}


def clean_screening(items: Mapping[str, Any], *, screened_on: Any, cleared_on: Any,
                    note: str = "") -> dict[str, Any]:
    unknown = set(items) - set(CONTRAINDICATIONS)
    if unknown:
        raise InvalidInput("items", f"unknown item {sorted(unknown)[0]!r}")
    answers = {key: bool(items.get(key, False)) for key in CONTRAINDICATIONS}
    screened = required_day("screened_on", screened_on, not_future=True)
    cleared = parse_day("cleared_on", cleared_on, not_future=True)
    if cleared and cleared < screened:
        raise InvalidInput("cleared_on", "the prescriber's clearance cannot precede the screening")
    if cleared and any(answers.values()) and not note.strip():
        raise InvalidInput("note", "a contraindication is marked: note what the prescriber "
                                   "decided about it")
    return {"items": answers, "screened_on": screened.isoformat(),
            "cleared_on": cleared.isoformat() if cleared else None, "note": note.strip()}


def require_cleared(screening: Mapping[str, Any] | None, course_start: date) -> None:
    """A course starts only after a screening the prescriber has cleared, on or before the
    course's first day."""
    if screening is None:
        raise NotAllowed("a course needs a screening first: record the contraindications "
                         "checklist and the prescriber's clearance")
    if not screening.get("cleared_on"):
        raise NotAllowed("the latest screening has no prescriber's clearance date yet")
    cleared = parse_day("cleared_on", screening["cleared_on"])
    if cleared is not None and cleared > course_start:
        raise NotAllowed(f"the prescriber cleared the screening on {cleared.isoformat()}; a "
                         "course cannot start before that")

