"""A course of treatment: screening, the course itself, its sessions in order, outcomes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.course import next_medication_number
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.outcomes import check_score
from kapdesk.domain.scheduling import (
    INTEGRATION_AFTER_MIN,
    LONGEST_SESSION,
    SESSION_LENGTH,
    check_course_end,
    check_integration_after,
    check_planned_sessions,
    check_reschedule,
    check_schedule,
    integration_slot,
    overlap,
)
from kapdesk.domain.screening import clean_screening, require_cleared
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local, parse_day, parse_instant
from kapdesk.domain.vocabulary import SESSION_KINDS, require_kind
from kapdesk.storage import courses as store
from kapdesk.storage import sessions as session_store
from kapdesk.storage.clients import get_client


def add_screening(db: Database, client_id: int, *, items: dict[str, bool], screened_on: Any,
                  cleared_on: Any = None, note: str = "",
                  cleared_by_prescriber_id: int | None = None, uid: str | None = None) -> int:
    values = clean_screening(items, screened_on=screened_on, cleared_on=cleared_on, note=note)
    with db.atomic():
        get_client(db, client_id)
        return store.insert_screening(db, client_id, values,
                                      cleared_by_prescriber_id=cleared_by_prescriber_id, uid=uid)


def add_course(db: Database, client_id: int, *, started_on: date | str,
               planned_sessions: int = 6, note: str = "", uid: str | None = None) -> int:
    """Start a course; it needs a screening that the prescriber has cleared."""
    planned = check_planned_sessions(planned_sessions)
    day = parse_day("started_on", started_on, required=True)
    assert day is not None
    with db.atomic():
        get_client(db, client_id)
        screening = store.latest_screening(db, client_id)
        require_cleared(screening, day)
        assert screening is not None
        if store.open_course(db, client_id):
            raise NotAllowed("this client already has a course in progress")
        last = store.latest_course(db, client_id)
        if last is not None and last["ended_on"] and day.isoformat() < last["ended_on"]:
            raise InvalidInput("started_on", f"the last course ended on {last['ended_on']}; "
                                             "the next cannot start before that")
        return store.insert_course(db, client_id, planned_sessions=planned,
                                   started_on=day.isoformat(), note=note.strip(),
                                   screening_id=screening["id"], uid=uid)


def end_course(db: Database, course_id: int, *, ended_on: date | str) -> None:
    """Close a course: no medication session starts in it after this. Not while one of its
    sessions is running, and not on a day before its last session was held."""
    day = parse_day("ended_on", ended_on, required=True)
    assert day is not None
    with db.atomic():
        course = store.get_course(db, course_id)
        if course["ended_on"]:
            raise NotAllowed(f"this course already ended on {course['ended_on']}")
        sessions = [s for s in session_store.list_sessions(db, course["client_id"])
                    if s["course_id"] == course_id]
        if any(s["started_at"] and not s["ended_at"] for s in sessions):
            raise NotAllowed("a session of this course is running: end the course after it "
                             "has ended")
        held = [local(parse_instant(s["started_at"])).date()
                for s in sessions if s["started_at"]]
        check_course_end(date.fromisoformat(course["started_on"]), day,
                         max(held, default=None))
        store.set_course_ended(db, course_id, ended_on=day)


def clashes(db: Database, kind: str, when: datetime, *,
            besides: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """The bookings, of any client, that a session of ``kind`` at ``when`` would overlap
    (``besides``: sessions not to count, e.g. the one being moved). A warning only: two
    therapists or two rooms may share one practice file."""
    near = session_store.booked_between(db, when - LONGEST_SESSION,
                                        when + SESSION_LENGTH[kind])
    return [s for s in near if s["id"] not in besides
            and overlap(kind, when, s["kind"], parse_instant(s["date"]))]


def schedule_session(db: Database, client_id: int, kind: str, *, course_id: int | None = None,
                     number: int | None = None, scheduled_for: datetime | None = None,
                     medication_session_id: int | None = None, uid: str | None = None) -> int:
    """A session outside the course sequence (a preparation session, or a test's setup)."""
    require_kind("kind", kind, SESSION_KINDS)
    with db.atomic():
        get_client(db, client_id)
        if medication_session_id is not None:
            if kind != SessionKind.INTEGRATION:
                raise InvalidInput("medication_session_id",
                                   "only integration sessions link back")
            linked = session_store.get_session(db, medication_session_id)
            if linked["kind"] != SessionKind.MEDICATION or linked["client_id"] != client_id:
                raise InvalidInput("medication_session_id",
                                   "must be a medication session of the same client")
        return session_store.insert_session(
            db, client_id, kind, course_id=course_id, number=number,
            scheduled_for=scheduled_for, medication_session_id=medication_session_id, uid=uid)


def schedule_in_course(db: Database, course_id: int, kind: str, when: datetime, *,
                       medication_session_id: int | None = None) -> int:
    """Schedule a session of a course, numbered in order of its kind. An integration session
    belongs to a medication session: the given one, else the latest without one."""
    require_kind("kind", kind, SESSION_KINDS)
    with db.atomic():
        course = store.get_course(db, course_id)
        sessions = [s for s in session_store.list_sessions(db, course["client_id"])
                    if s["course_id"] == course_id]
        medication = [s for s in sessions if s["kind"] == SessionKind.MEDICATION]
        if kind == SessionKind.INTEGRATION:
            medication_session_id = medication_session_id or _unpaired_medication(sessions)
        check_schedule(kind, when, course_ended=bool(course["ended_on"]),
                       medication_scheduled=len(medication),
                       planned_sessions=course["planned_sessions"],
                       has_unpaired_medication=medication_session_id is not None)
        number = None
        if kind == SessionKind.INTEGRATION:
            assert medication_session_id is not None
            number = session_store.get_session(db, medication_session_id)["number"]
        elif kind == SessionKind.MEDICATION:
            number = next_medication_number(sessions)
        return schedule_session(db, course["client_id"], kind, course_id=course_id,
                                number=number, scheduled_for=when,
                                medication_session_id=medication_session_id)


def schedule_medication_with_integration(db: Database, course_id: int, when: datetime, *,
                                         integration_after: timedelta = INTEGRATION_AFTER_MIN
                                         ) -> tuple[int, int]:
    check_integration_after(integration_after)
    with db.atomic():
        medication = schedule_in_course(db, course_id, SessionKind.MEDICATION, when)
        integration = schedule_in_course(db, course_id, SessionKind.INTEGRATION,
                                         when + integration_after,
                                         medication_session_id=medication)
    return medication, integration


def plan_integration(db: Database, record: SessionRecord, after: timedelta) -> int:
    """Plan this medication session's integration session ``after`` its start, or move the
    one already planned there."""
    assert record.started_at is not None
    target = integration_slot(record.started_at, after)
    planned = session_store.integration_of(db, record.id)
    if planned:
        check_reschedule(bool(planned["started_at"]))
        session_store.set_scheduled_for(db, planned["id"], target)
        return int(planned["id"])
    course_id = record.session["course_id"]
    if course_id is None:
        raise NotAllowed("this session belongs to no course; schedule its integration "
                         "session from the client's page")
    return schedule_in_course(db, course_id, SessionKind.INTEGRATION, target,
                              medication_session_id=record.id)


def _unpaired_medication(sessions: list[dict[str, Any]]) -> int | None:
    paired = {s["medication_session_id"] for s in sessions
              if s["kind"] == SessionKind.INTEGRATION}
    medication = [s for s in sessions
                  if s["kind"] == SessionKind.MEDICATION and s["id"] not in paired]
    return medication[-1]["id"] if medication else None


def add_outcome(db: Database, client_id: int, instrument: str, score: Any, *,
                taken_on: date | str, session_id: int | None = None,
                uid: str | None = None) -> int:
    checked = check_score(instrument, score)
    day = parse_day("taken_on", taken_on, required=True, not_future=True)
    assert day is not None
    with db.atomic():
        get_client(db, client_id)
        if session_id is not None and \
                session_store.get_session(db, session_id)["client_id"] != client_id:
            raise InvalidInput("session_id", "belongs to another client")
        return store.insert_outcome(db, client_id, instrument=instrument, score=checked,
                                    taken_on=day.isoformat(), session_id=session_id, uid=uid)
