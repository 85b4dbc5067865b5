"""Recording a medication session through storage: the clinical rules hold at this layer."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from conftest import T0
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.practice.course import schedule_session
from kapdesk.practice.records import add_client
from kapdesk.practice.session import (
    add_note,
    confirm_ride_home,
    record_discharge,
    record_dose,
    record_event,
    record_rating,
    record_vitals,
    start_session,
    update_note,
)
from kapdesk.storage import open_database
from kapdesk.storage.prescriptions import add_thresholds, current_thresholds
from kapdesk.storage.sessions import load_session, running_session

GOOD_PRE = {"systolic": 128, "diastolic": 82, "heart_rate": 76}
HIGH_PRE = {"systolic": 146, "diastolic": 88, "heart_rate": 76}
GOOD_POST = {"systolic": 130, "diastolic": 84, "heart_rate": 80, "spo2": 97}


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def session_id(db, client_id):
    sid = schedule_session(db, client_id, "medication", number=1)
    start_session(db, sid, started_at=T0, intention="to rest and listen")
    return sid


def test_a_medication_session_cannot_start_without_thresholds(db):
    cid = add_client(db, display_name="New N.")
    sid = schedule_session(db, cid, "medication")
    with pytest.raises(NotAllowed, match="thresholds and the prescriber's order"):
        start_session(db, sid, started_at=T0)


def test_implausible_vitals_are_refused_and_nothing_is_stored(db, session_id):
    with pytest.raises(InvalidInput, match="1400 is outside 50-300"):
        record_vitals(db, session_id, {**GOOD_PRE, "systolic": 1400}, taken_at=at(10),
                      checkpoint="pre_dose")
    assert db["vitals"].count == 0


def test_out_of_threshold_vitals_are_stored_and_flagged(db, session_id):
    _, verdict = record_vitals(db, session_id, HIGH_PRE, taken_at=at(10), checkpoint="pre_dose")
    assert verdict.status == "breach"
    assert db["vitals"].count == 1


def test_dose_waits_for_within_pre_dose_vitals_unless_a_reason_is_written(db, session_id):
    record_vitals(db, session_id, HIGH_PRE, taken_at=at(10), checkpoint="pre_dose")
    with pytest.raises(InvalidInput, match="Systolic BP 146 is above the max of 140"):
        record_dose(db, session_id, given_at=at(20))
    assert db["doses"].count == 0
    record_vitals(db, session_id, GOOD_PRE, taken_at=at(22), checkpoint="pre_dose")
    record_dose(db, session_id, given_at=at(24))
    dose = load_session(db, session_id).first_dose
    assert (dose.mg, dose.form, dose.gate_override_reason) == (
        100, "sublingual lozenge/troche", None)


def test_prescriber_consulted_override_is_stored_with_the_dose(db, session_id):
    record_vitals(db, session_id, HIGH_PRE, taken_at=at(10), checkpoint="pre_dose")
    record_dose(db, session_id, given_at=at(20),
                gate_reason="prescriber consulted by phone, cleared to dose")
    assert load_session(db, session_id).first_dose.gate_override_reason.startswith("prescriber")


def test_a_different_amount_needs_a_reason_and_boosters_follow_the_order(db, session_id):
    record_vitals(db, session_id, GOOD_PRE, taken_at=at(10), checkpoint="pre_dose")
    with pytest.raises(InvalidInput, match="differs from the 100 mg ordered"):
        record_dose(db, session_id, given_at=at(20), mg=80)
    with pytest.raises(NotAllowed, match="record the dose first"):
        record_dose(db, session_id, given_at=at(20), is_booster=True)
    record_dose(db, session_id, given_at=at(20), mg=80, amount_reason="client asked for less")
    with pytest.raises(NotAllowed, match="booster"):
        record_dose(db, session_id, given_at=at(25))
    record_dose(db, session_id, given_at=at(60), is_booster=True)
    doses = load_session(db, session_id).doses
    assert [(d.mg, d.is_booster) for d in doses] == [(80, False), (50, True)]


def test_discharge_gate_blocks_then_clears(db, session_id):
    record_vitals(db, session_id, GOOD_PRE, taken_at=at(10), checkpoint="pre_dose")
    record_dose(db, session_id, given_at=at(20))
    record_vitals(db, session_id, {**GOOD_POST, "systolic": 158}, taken_at=at(140),
                  checkpoint="discharge")
    with pytest.raises(InvalidInput, match="Systolic BP 158.*ride home not confirmed"):
        record_discharge(db, session_id, at=at(141))
    record_vitals(db, session_id, GOOD_POST, taken_at=at(155), checkpoint="discharge")
    confirm_ride_home(db, session_id, at=at(156), name="Sam T.", phone="555-0111")
    record_discharge(db, session_id, at=at(160))
    record = load_session(db, session_id)
    assert record.discharge["cleared"] == 1 and record.discharge["ride_home_name"] == "Sam T."
    assert record.session["ended_at"] == "2026-11-20T17:40:00+00:00"
    assert running_session(db) is None
    with pytest.raises(NotAllowed, match="has ended"):
        record_event(db, session_id, "talking", at=at(170))


def test_discharge_override_keeps_the_reason(db, session_id):
    record_dose(db, session_id, given_at=at(20), gate_reason="prescriber consulted, cleared")
    record_discharge(db, session_id, at=at(100), reason="prescriber consulted by phone, cleared")
    discharge = load_session(db, session_id).discharge
    assert discharge["cleared"] == 0
    assert discharge["override_reason"] == "prescriber consulted by phone, cleared"


def test_session_keeps_the_threshold_version_it_was_judged_against(db, client_id, session_id):
    record_vitals(db, session_id, GOOD_PRE, taken_at=at(10), checkpoint="pre_dose")
    strict = current_thresholds(db, client_id)[1]
    from dataclasses import replace

    from kapdesk.domain.thresholds import Bound
    add_thresholds(db, client_id, replace(strict, pre_dose={"systolic": Bound(None, 120)}))
    record = load_session(db, session_id)
    assert record.readings[0].verdict.status == "within"  # judged by its own version


def test_events_ratings_notes_and_autosave(db, session_id):
    record_event(db, session_id, "nausea", at=at(40), detail="mild, passed")
    record_rating(db, session_id, "dissociation", "moderate", at=at(50))
    note = add_note(db, session_id, "observation", "Breathing slow", at=at(45))
    update_note(db, note, "Breathing slow and even")
    with pytest.raises(InvalidInput, match="private"):
        add_note(db, session_id, "process", "x", at=at(46), shareable=True)
    with pytest.raises(InvalidInput, match="not one of"):
        record_event(db, session_id, "sneeze", at=at(47))
    record = load_session(db, session_id)
    assert record.events[0]["kind"] == "nausea"
    assert record.ratings[0]["value"] == 2
    assert record.notes[0]["body"] == "Breathing slow and even"
    assert [n["id"] for n in db["notes"].search("even")] == [note]


KILLED_WRITER = """
import os, signal, sys
from datetime import datetime
from kapdesk.storage import open_database
from kapdesk.practice.session import add_note
db = open_database(sys.argv[1])
add_note(db, int(sys.argv[2]), "client_words", "It feels like the sea",
         at=datetime.fromisoformat(sys.argv[3]))
print("saved", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_process_resumes_the_same_running_session(db_path, client_id, session_id, db):
    record_vitals(db, session_id, GOOD_PRE, taken_at=at(10), checkpoint="pre_dose")
    record_dose(db, session_id, given_at=at(20))
    child = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(db_path), str(session_id), at(50).isoformat()],
        capture_output=True, text=True, timeout=60)
    assert child.stdout == "saved\n" and child.returncode == -signal.SIGKILL
    reopened = open_database(db_path)
    assert running_session(reopened) == session_id
    record = load_session(reopened, session_id)
    assert record.first_dose.given_at == at(20)
    assert [n["body"] for n in record.notes] == ["It feels like the sea"]
    assert record.timeline(at(80)).current_phase(at(80)).step.key == "onset"
