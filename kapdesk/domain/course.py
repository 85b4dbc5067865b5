"""A course as a sequence the therapist reads at a glance: done, next, planned."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any


def sequence_status(sessions: Sequence[dict[str, Any]],
                    ended_courses: Collection[int] = ()) -> dict[int, str]:
    """Status per session id: ``done`` (ended), ``in progress`` (started), the first not yet
    started is ``next``, the rest ``planned``. Sessions come in date order.

    A course ended with sessions still planned: its medication sessions will not be held,
    nor the integration sessions that follow them (``not held``); an integration after a
    medication session that was held can still take place."""
    status: dict[int, str] = {}
    next_given = False
    for session in sessions:
        if session.get("ended_at"):
            status[session["id"]] = "done"
        elif session.get("started_at"):
            status[session["id"]] = "in progress"
        elif session.get("course_id") in ended_courses and (
                session.get("kind") == "medication"
                or status.get(session.get("medication_session_id") or 0) == "not held"):
            status[session["id"]] = "not held"
        elif not next_given:
            status[session["id"]] = "next"
            next_given = True
        else:
            status[session["id"]] = "planned"
    return status
