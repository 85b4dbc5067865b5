"""The live clock face, next steps, recheck reminders and the start of a session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import T0
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.live import clock_face, suggested_checkpoint
from kapdesk.practice.course import add_course, add_screening
from kapdesk.practice.drafts import commit_draft, save_draft
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.session import record_dose, record_vitals
from kapdesk.storage.drafts import get_draft
from kapdesk.storage.sessions import load_session

GOOD = {"systolic": 128, "diastolic": 82, "heart_rate": 76}


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def ready(db, client_id):
    add_screening(db, client_id, items={}, screened_on=date.today(), cleared_on=date.today())
    add_course(db, client_id, started_on=date.today())
    return client_id


def start(db, client_id, **changes):
    args = dict(at=T0, intention="to rest", ride_home_name="Sam T.", ride_confirmed=True)
    return begin_medication_session(db, client_id, **{**args, **changes})


def test_preflight_names_everything_missing(db, ready):
    with pytest.raises(NotAllowed) as err:
        start(db, ready, intention=" ", ride_confirmed=False)
    assert "ride home confirmed" in str(err.value) and "intention written" in str(err.value)
    assert db.execute("SELECT count(*) FROM sessions WHERE started_at IS NOT NULL"
                      ).fetchone()[0] == 0


def test_starting_schedules_a_session_if_none_is_planned_and_confirms_the_ride(db, ready):
    sid = start(db, ready)
    record = load_session(db, sid)
    assert record.session["number"] == 1 and record.started_at == T0
    assert record.ride_confirmed and record.session["intention"] == "to rest"
    with pytest.raises(NotAllowed, match="still running"):
        start(db, ready)


def test_clock_face_counts_from_stored_instants_and_names_the_next_step(db, ready):
    sid = start(db, ready)
    face = clock_face(load_session(db, sid), at(5))
    assert face.elapsed == timedelta(minutes=5) and face.since_last_dose is None
    assert face.phase == "Arrival & check-in"
    assert face.next.countdown(at(5)) == "pre-dose vitals in 5 min"
    record_vitals(db, sid, GOOD, taken_at=at(12), checkpoint="pre_dose")
    record_dose(db, sid, given_at=at(22))
    face = clock_face(load_session(db, sid), at(30))
    assert face.phase == "Hold" and face.since_last_dose == timedelta(minutes=8)
    assert face.next.countdown(at(30)) == "spit or swallow in 4 min"


def test_a_breach_asks_for_a_recheck_after_the_protocol_interval(db, ready):
    sid = start(db, ready)
    record_vitals(db, sid, {**GOOD, "systolic": 150}, taken_at=at(12), checkpoint="pre_dose")
    face = clock_face(load_session(db, sid), at(14))
    assert "recheck pre-dose vitals in 13 min" in [u.countdown(at(14)) for u in face.upcoming]
    record_vitals(db, sid, GOOD, taken_at=at(27), checkpoint="pre_dose")
    face = clock_face(load_session(db, sid), at(28))
    assert not any("recheck" in u.label for u in face.upcoming)


def test_checkpoint_is_suggested_from_the_phase(db, ready):
    sid = start(db, ready)
    assert suggested_checkpoint(load_session(db, sid), at(10)) == "pre_dose"
    record_vitals(db, sid, GOOD, taken_at=at(12), checkpoint="pre_dose")
    record_dose(db, sid, given_at=at(20))
    assert suggested_checkpoint(load_session(db, sid), at(60)) == "other"
    assert suggested_checkpoint(load_session(db, sid), at(130)) == "discharge"


def test_a_draft_is_kept_as_typed_and_becomes_a_note_timed_when_typing_began(db, ready):
    sid = start(db, ready)
    save_draft(db, sid, "client_words", "the light is", at=at(40))
    save_draft(db, sid, "client_words", "the light is warm", at=at(41))
    assert get_draft(db, sid)["body"] == "the light is warm"
    commit_draft(db, sid, "client_words", "the light is warm", at=at(42))
    assert get_draft(db, sid) is None
    [intention, note] = load_session(db, sid).notes  # the pre-flight's, then this one
    assert intention["kind"] == "intention"
    assert (note["body"], note["at"]) == ("the light is warm", "2026-11-20T15:40:00+00:00")


def test_cautions_before_another_medication_session():
    from kapdesk.domain.preflight import cautions
    from kapdesk.domain.timeutil import local

    ended = T0
    assert cautions(last_ended=None, last_number=None, integration_held=None, now=T0) == []
    said = cautions(last_ended=ended, last_number=3, integration_held=True,
                    now=ended + timedelta(hours=5, minutes=10))
    assert said == [f"Medication session 3 ended at {local(ended):%H:%M}, 5 hours ago: is "
                    "another dose today what the prescriber ordered?"]
    # a day on, the dose is not named; an integration not held still is
    assert cautions(last_ended=ended, last_number=3, integration_held=False,
                    now=ended + timedelta(days=1)) == [
        "The integration session after medication session 3 has not been held yet."]
    # none planned: nothing to say about it
    assert cautions(last_ended=ended, last_number=3, integration_held=None,
                    now=ended + timedelta(days=3)) == []


def test_the_preflight_intention_is_a_note_in_the_log_and_in_search(db, ready):
    """Found by a first-time user: an intention written in the pre-flight was found by no
    search and shown in no session log (the demo's, written as notes, were)."""
    from kapdesk.domain.review import timeline_entries
    from kapdesk.storage.search import search_notes

    sid = begin_medication_session(db, ready, at=T0, intention="to meet the grief I carry",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    assert any(entry.text.endswith("to meet the grief I carry")
               for entry in timeline_entries(load_session(db, sid)))
    assert [row["session_id"] for row in search_notes(db, "grief")] == [sid]
