"""A course as a sequence the therapist reads at a glance: done, next, planned."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from kapdesk.domain.kinds import SessionKind


def next_medication_number(course_sessions: Sequence[dict[str, Any]]) -> int:
    """The number a medication session newly scheduled in a course takes: one more than
    the course's medication sessions ("Medication 1" comes once a course)."""
    return 1 + sum(s["kind"] == SessionKind.MEDICATION for s in course_sessions)


def undosed(row: dict[str, Any]) -> bool:
    """A medication session that ended without a dose (the client declined, a reading
    closed the gate): held, but not one of the course's doses (found by a first-time user:
    it counted as a session done, and the overview read "0 mg")."""
    return (row["kind"] == SessionKind.MEDICATION and bool(row["ended_at"])
            and not row.get("dosed", 1))


def course_held(sequence: Sequence[dict[str, Any]], course_id: int) -> tuple[int, int]:
    """A course's medication sessions held with a dose, and those ended without one
    (``sequence`` with statuses, as :func:`sequence_status` gives them)."""
    ended = [s for s in sequence if s["kind"] == SessionKind.MEDICATION
             and s["course_id"] == course_id and s["status"] == "done"]
    dosed = sum(1 for s in ended if not undosed(s))
    return dosed, len(ended) - dosed


def in_course_order(sessions: Sequence[dict[str, Any]],
                    course_rank: dict[int, int]) -> list[dict[str, Any]]:
    """Sessions given by date, course by course (``course_rank``: course id to its place):
    an ended course's sessions that were not held stay with their course instead of
    falling among the next course's. A session of no course keeps its place by date."""
    rank, keyed = 0, []
    for place, session in enumerate(sessions):
        rank = course_rank.get(session.get("course_id") or 0, rank)
        keyed.append((rank, place, session))
    return [session for _rank, _place, session in sorted(keyed, key=lambda k: k[:2])]


def sequence_status(sessions: Sequence[dict[str, Any]],
                    ended_courses: Collection[int] = ()) -> dict[int, str]:
    """Status per session id: ``done`` (ended), ``in progress`` (started), the first not yet
    started is ``next``, the rest ``planned``. Sessions come in course order
    (:func:`in_course_order`).

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
