"""A course of treatment: its screening, its sessions in sequence, its outcome measures.
Reads, and the writes :mod:`kapdesk.practice.course` makes once the domain allows them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.course import in_course_order, sequence_status
from kapdesk.storage.rows import insert, maybe, one, stamp
from kapdesk.storage.sessions import list_sessions


def insert_screening(db: Database, client_id: int, values: dict[str, Any], *,
                     cleared_by_prescriber_id: int | None, uid: str | None) -> int:
    return insert(db, "screenings", {
        "uid": uid, "client_id": client_id, "screened_on": values["screened_on"],
        "items": json.dumps(values["items"]), "note": values["note"],
        "cleared_on": values["cleared_on"], "cleared_by_prescriber_id": cleared_by_prescriber_id,
        "created_at": stamp()})


def insert_course(db: Database, client_id: int, *, planned_sessions: int, started_on: str,
                  note: str, screening_id: int, uid: str | None) -> int:
    return insert(db, "courses", {
        "uid": uid, "client_id": client_id, "planned_sessions": planned_sessions,
        "started_on": started_on, "note": note, "screening_id": screening_id,
        "created_at": stamp(),
    })


def get_course(db: Database, course_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM courses WHERE id = ?", (course_id,),
               what=f"course {course_id}")


def set_course_ended(db: Database, course_id: int, *, ended_on: date) -> None:
    db.execute("UPDATE courses SET ended_on = ? WHERE id = ?", (ended_on.isoformat(), course_id))


def insert_outcome(db: Database, client_id: int, *, instrument: str, score: int, taken_on: str,
                   session_id: int | None, uid: str | None) -> int:
    return insert(db, "outcome_measures", {
        "uid": uid, "client_id": client_id, "session_id": session_id,
        "instrument": instrument, "score": score, "taken_on": taken_on, "created_at": stamp()})


def latest_screening(db: Database, client_id: int) -> dict[str, Any] | None:
    row = maybe(db, """SELECT * FROM screenings WHERE client_id = ?
                       ORDER BY screened_on DESC, id DESC LIMIT 1""", (client_id,))
    if row:
        row["items"] = json.loads(row["items"])
    return row


def open_course(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, """SELECT * FROM courses WHERE client_id = ? AND ended_on IS NULL
                        ORDER BY started_on DESC, id DESC LIMIT 1""", (client_id,))


def latest_course(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM courses WHERE client_id = ? ORDER BY started_on DESC, "
                     "id DESC LIMIT 1", (client_id,))


# Each course's place among its client's courses, by start. Over several courses
# "Medication session 1" comes once a course: the practice window, search results and the
# session window say which ("course 2"), all counted here.
NUMBERED_COURSES = """SELECT id, client_id, ended_on,
    row_number() OVER (PARTITION BY client_id ORDER BY started_on, id) AS course_no,
    count(*) OVER (PARTITION BY client_id) AS courses FROM courses"""


def course_numbers(db: Database, client_id: int) -> dict[int, int]:
    """Course id to its number, for a client with more than one course (else empty)."""
    return {row["id"]: row["course_no"] for row in db.query(
        f"SELECT * FROM ({NUMBERED_COURSES}) WHERE client_id = ? AND courses > 1",
        (client_id,))}


def course_sequence(db: Database, client_id: int) -> list[dict[str, Any]]:
    """The client's sessions, course by course, with status (done / in progress / next /
    planned / not held)."""
    courses = list(db.query(f"SELECT * FROM ({NUMBERED_COURSES}) WHERE client_id = ?",
                            (client_id,)))
    sessions = in_course_order(list_sessions(db, client_id),
                               {c["id"]: c["course_no"] for c in courses})
    status = sequence_status(sessions, {c["id"] for c in courses if c["ended_on"]})
    return [{**s, "status": status[s["id"]]} for s in sessions]


def outcomes(db: Database, client_id: int) -> list[dict[str, Any]]:
    return list(db.query("""SELECT o.*, s.kind AS session_kind, s.number AS session_number
                            FROM outcome_measures o LEFT JOIN sessions s ON s.id = o.session_id
                            WHERE o.client_id = ? ORDER BY o.taken_on, o.id""", (client_id,)))
