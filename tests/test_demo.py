"""The demo practice: fictional, complete enough to show every feature, in its own file."""

from __future__ import annotations

from datetime import date

import pytest

from kapdesk.demo import build_demo
from kapdesk.storage import open_database
from kapdesk.storage.clients import list_clients
from kapdesk.storage.practice import is_demo
from kapdesk.storage.sessions import list_sessions, load_session

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    build_demo(db, today=TODAY)
    return db


def test_demo_has_a_finished_course_one_in_progress_and_a_new_client(demo):
    clients = {c["display_name"]: c for c in list_clients(demo)}
    assert is_demo(demo)
    assert clients["Avery L."]["medication_sessions"] == 6
    assert 0 < clients["Jonah R."]["medication_sessions"] < 6
    assert not clients["Zoë M."]["has_thresholds"]
    sessions = list_sessions(demo, clients["Avery L."]["id"])
    medication = [s for s in sessions if s["kind"] == "medication"]
    integration = [s for s in sessions if s["kind"] == "integration"]
    assert len(integration) == 6
    assert {s["medication_session_id"] for s in integration} == {s["id"] for s in medication}
    jonah_next = [s for s in list_sessions(demo, clients["Jonah R."]["id"])
                  if not s["started_at"]]
    assert jonah_next and jonah_next[0]["kind"] == "medication"


def test_demo_shows_breach_then_recheck_booster_events_music_and_every_note_kind(demo):
    records = [load_session(demo, s["id"]) for s in list_sessions(demo)
               if s["kind"] == "medication" and s["started_at"]]
    statuses = [[r.verdict.status for r in rec.readings if r.reading.checkpoint == "discharge"]
                for rec in records]
    assert ["breach", "within"] in statuses
    assert any(d.is_booster for rec in records for d in rec.doses)
    assert {e["kind"] for rec in records for e in rec.events} >= {"nausea", "anxiety",
                                                                  "dizziness"}
    assert all(rec.music_plays for rec in records)
    assert all(rec.discharge and rec.discharge["cleared"] for rec in records)
    kinds = {n["kind"] for n in demo.query("SELECT kind FROM notes")}
    assert kinds == {"observation", "client_words", "intention", "process", "summary",
                     "integration"}


def test_demo_is_deterministic(tmp_path, demo):
    again = open_database(tmp_path / "again.sqlite")
    build_demo(again, today=TODAY)
    query = "SELECT kind, started_at, ended_at FROM sessions ORDER BY id"
    assert list(again.query(query)) == list(demo.query(query))
    assert list(again.query("SELECT body FROM notes ORDER BY id")) == list(
        demo.query("SELECT body FROM notes ORDER BY id"))


def test_nothing_in_the_demo_has_happened_after_today(demo):
    from kapdesk.domain.timeutil import local, parse_instant

    for row in demo.query("SELECT started_at, ended_at, scheduled_for FROM sessions"):
        for key in ("started_at", "ended_at"):
            if row[key]:
                assert local(parse_instant(row[key])).date() <= TODAY, row
        if not row["started_at"]:
            assert local(parse_instant(row["scheduled_for"])).date() > TODAY


def test_the_finished_course_is_ended_and_the_other_is_open(demo):
    courses = {c["client_id"]: c for c in demo.query("SELECT * FROM courses")}
    assert courses[1]["ended_on"] is not None
    assert courses[2]["ended_on"] is None
