"""The benchmark's synthetic practice is the same on every run (its figures compare runs),
and is a practice kapdesk itself could have written. Speed itself is only reported by
``python -m bench``, never asserted here."""

from __future__ import annotations

from bench.practice import LONG_COURSE, build
from kapdesk.storage import check_database, open_database

CONTENT = {  # what the figures depend on (uids are random by design)
    "clients": "display_name, prescriber_id",
    "sessions": "client_id, kind, number, started_at, ended_at",
    "notes": "session_id, kind, body, at",
    "doses": "session_id, given_at, mg",
}


def rows(db):
    return {table: db.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()
            for table, columns in CONTENT.items()}


def test_the_synthetic_practice_is_deterministic_and_healthy(tmp_path):
    first, second = open_database(tmp_path / "a.sqlite"), open_database(tmp_path / "b.sqlite")
    for db in (first, second):
        build(db, clients=6, notes_per_session=4, seed=5)
    assert rows(first) == rows(second)
    assert check_database(first).healthy
    long = first.execute("SELECT count(*) FROM sessions s JOIN clients c ON c.id = s.client_id "
                         "WHERE c.display_name = ? AND s.kind = 'medication'",
                         (LONG_COURSE,)).fetchone()[0]
    assert long == 48  # the course overview figure's client
