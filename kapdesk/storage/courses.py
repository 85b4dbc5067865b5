"""A course of treatment: its screening, its sessions in sequence, its outcome measures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.course import sequence_status
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.outcomes import check_score
from kapdesk.domain.screening import clean_screening, require_cleared
from kapdesk.domain.timeutil import parse_day
from kapdesk.storage.clients import get_client
from kapdesk.storage.rows import insert, iso_date, maybe, one, stamp
from kapdesk.storage.sessions import get_session, list_sessions, schedule_session


def add_screening(db: Database, client_id: int, *, items: dict[str, bool], screened_on: Any,
                  cleared_on: Any = None, note: str = "",
                  cleared_by_prescriber_id: int | None = None, uid: str | None = None) -> int:
    get_client(db, client_id)
    values = clean_screening(items, screened_on=screened_on, cleared_on=cleared_on, note=note)
    return insert(db, "screenings", {
        "uid": uid, "client_id": client_id, "screened_on": values["screened_on"],
        "items": json.dumps(values["items"]), "note": values["note"],
        "cleared_on": values["cleared_on"], "cleared_by_prescriber_id": cleared_by_prescriber_id,
        "created_at": stamp()})


def latest_screening(db: Database, client_id: int) -> dict[str, Any] | None:
    row = maybe(db, """SELECT * FROM screenings WHERE client_id = ?
                       ORDER BY screened_on DESC, id DESC LIMIT 1""", (client_id,))
    if row:
        row["items"] = json.loads(row["items"])
    return row


def add_course(db: Database, client_id: int, *, started_on: date | str,
               planned_sessions: int = 6, note: str = "", uid: str | None = None) -> int:
    """Start a course; it needs a screening that the prescriber has cleared."""
    if not isinstance(planned_sessions, int) or not 1 <= planned_sessions <= 30:
        raise InvalidInput("planned_sessions", "a course plans 1-30 medication sessions")
    get_client(db, client_id)
    screening = latest_screening(db, client_id)
    require_cleared(screening)
    if open_course(db, client_id):
        raise NotAllowed("this client already has a course in progress")
    return insert(db, "courses", {
        "uid": uid, "client_id": client_id, "planned_sessions": planned_sessions,
        "started_on": iso_date("started_on", started_on), "note": note.strip(),
        "screening_id": screening["id"], "created_at": stamp(),
    })


def open_course(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, """SELECT * FROM courses WHERE client_id = ? AND ended_on IS NULL
                        ORDER BY started_on DESC, id DESC LIMIT 1""", (client_id,))


def latest_course(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM courses WHERE client_id = ? ORDER BY started_on DESC, "
                     "id DESC LIMIT 1", (client_id,))


def end_course(db: Database, course_id: int, *, ended_on: date | str) -> None:
    one(db, "SELECT id FROM courses WHERE id = ?", (course_id,), what=f"course {course_id}")
    db.execute("UPDATE courses SET ended_on = ? WHERE id = ?",
               (iso_date("ended_on", ended_on), course_id))


def schedule_in_course(db: Database, course_id: int, kind: str, when: datetime, *,
                       medication_session_id: int | None = None) -> int:
    """Schedule a session of a course, numbered in order of its kind. An integration session
    belongs to a medication session: the given one, else the latest without one."""
    course = one(db, "SELECT * FROM courses WHERE id = ?", (course_id,),
                 what=f"course {course_id}")
    if course["ended_on"]:
        raise NotAllowed("this course has ended")
    if when.tzinfo is None:
        raise InvalidInput("scheduled_for", "the time needs a time zone")
    sessions = [s for s in list_sessions(db, course["client_id"]) if s["course_id"] == course_id]
    number = None
    if kind == "integration":
        medication_session_id = medication_session_id or _unpaired_medication(sessions)
        if medication_session_id is None:
            raise NotAllowed("an integration session follows a medication session; "
                             "schedule the medication session first")
        number = get_session(db, medication_session_id)["number"]
    elif kind == "medication":
        done = [s for s in sessions if s["kind"] == "medication"]
        if len(done) >= course["planned_sessions"]:
            raise NotAllowed(f"the course plans {course['planned_sessions']} medication "
                             "sessions; all are scheduled")
        number = len(done) + 1
    return schedule_session(db, course["client_id"], kind, course_id=course_id, number=number,
                            scheduled_for=when, medication_session_id=medication_session_id)


def schedule_medication_with_integration(db: Database, course_id: int, when: datetime, *,
                                         integration_after: timedelta = timedelta(hours=24)
                                         ) -> tuple[int, int]:
    if not timedelta(hours=24) <= integration_after <= timedelta(hours=48):
        raise InvalidInput("integration_after", "integration follows 24-48 hours later")
    with db.atomic():
        medication = schedule_in_course(db, course_id, "medication", when)
        integration = schedule_in_course(db, course_id, "integration", when + integration_after,
                                         medication_session_id=medication)
    return medication, integration


def _unpaired_medication(sessions: list[dict[str, Any]]) -> int | None:
    paired = {s["medication_session_id"] for s in sessions if s["kind"] == "integration"}
    medication = [s for s in sessions if s["kind"] == "medication" and s["id"] not in paired]
    return medication[-1]["id"] if medication else None


def course_sequence(db: Database, client_id: int) -> list[dict[str, Any]]:
    """The client's sessions in order with status (done / in progress / next / planned)."""
    sessions = list_sessions(db, client_id)
    status = sequence_status(sessions)
    return [{**s, "status": status[s["id"]]} for s in sessions]


def add_outcome(db: Database, client_id: int, instrument: str, score: Any, *,
                taken_on: date | str, session_id: int | None = None,
                uid: str | None = None) -> int:
    get_client(db, client_id)
    checked = check_score(instrument, score)
    day = parse_day("taken_on", taken_on, required=True, not_future=True).isoformat()
    if session_id is not None and get_session(db, session_id)["client_id"] != client_id:
        raise InvalidInput("session_id", "belongs to another client")
    return insert(db, "outcome_measures", {
        "uid": uid, "client_id": client_id, "session_id": session_id,
        "instrument": instrument, "score": checked, "taken_on": day, "created_at": stamp()})


def outcomes(db: Database, client_id: int) -> list[dict[str, Any]]:
    return list(db.query("""SELECT o.*, s.kind AS session_kind, s.number AS session_number
                            FROM outcome_measures o LEFT JOIN sessions s ON s.id = o.session_id
                            WHERE o.client_id = ? ORDER BY o.taken_on, o.id""", (client_id,)))
