"""What the course view reads: a client's medication sessions and outcome scores."""

from __future__ import annotations

from sqlite_utils import Database

from kapdesk.domain.course_summary import CourseRow, course_rows
from kapdesk.storage.sessions import load_sessions


def client_course_rows(db: Database, client_id: int) -> list[CourseRow]:
    ids = [r["id"] for r in db.query(
        """SELECT id FROM sessions WHERE client_id = ? AND kind = 'medication'
           AND started_at IS NOT NULL ORDER BY started_at""", (client_id,))]
    outcomes = list(db.query(
        """SELECT o.*, s.medication_session_id FROM outcome_measures o
           LEFT JOIN sessions s ON s.id = o.session_id WHERE o.client_id = ?
           ORDER BY o.taken_on""", (client_id,)))
    return course_rows(load_sessions(db, ids, notes=False), outcomes)
