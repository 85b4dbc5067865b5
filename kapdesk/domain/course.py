"""A course as a sequence the therapist reads at a glance: done, next, planned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def sequence_status(sessions: Sequence[dict[str, Any]]) -> dict[int, str]:
    """Status per session id: ``done`` (ended), ``in progress`` (started), the first not yet
    started is ``next``, the rest ``planned``. Sessions come in date order."""
    status: dict[int, str] = {}
    next_given = False
    for session in sessions:
        if session.get("ended_at"):
            status[session["id"]] = "done"
        elif session.get("started_at"):
            status[session["id"]] = "in progress"
        elif not next_given:
            status[session["id"]] = "next"
            next_given = True
        else:
            status[session["id"]] = "planned"
    return status
