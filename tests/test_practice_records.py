"""Practice records in storage: clients, prescribers, screening, courses, outcomes, versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import sample_thresholds
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.thresholds import Bound
from kapdesk.practice.course import (
    add_course,
    add_outcome,
    add_screening,
    end_course,
    schedule_in_course,
    schedule_medication_with_integration,
)
from kapdesk.practice.records import (
    add_client,
    add_order,
    add_prescriber,
    update_client,
    update_prescriber,
)
from kapdesk.storage.clients import archive_client, get_client, list_clients, restore_client
from kapdesk.storage.courses import course_sequence, outcomes
from kapdesk.storage.prescriptions import (
    add_thresholds,
    current_order,
    order_history,
    threshold_history,
)


def today() -> date:
    """Today when asked: the suite may run across midnight."""
    return date.today()


def test_client_fields_are_checked_and_trimmed(db):
    cid = add_client(db, display_name="  Kai W. ", emergency_phone="+1 (555) 010-2000 ext 12",
                     date_of_birth="1990-02-03")
    assert get_client(db, cid)["display_name"] == "Kai W."
    with pytest.raises(InvalidInput) as err:
        update_client(db, cid, ride_phone="call Sam")
    assert err.value.field == "ride_phone"
    with pytest.raises(InvalidInput, match="between 1900-01-01"):
        update_client(db, cid, date_of_birth=(today() + timedelta(days=1)).isoformat())
    with pytest.raises(InvalidInput, match="Display name is required"):
        add_client(db, display_name="  ")


def test_a_refused_edit_changes_nothing(db):
    cid = add_client(db, display_name="Kai W.", pronouns="they/them")
    with pytest.raises(InvalidInput):
        update_client(db, cid, pronouns="ze/zir", emergency_phone="not a phone")
    assert get_client(db, cid)["pronouns"] == "they/them"


def test_archived_clients_leave_lists_but_keep_their_history(db, client_id):
    archive_client(db, client_id)
    assert list_clients(db) == []
    assert [c["id"] for c in list_clients(db, include_archived=True)] == [client_id]
    assert current_order(db, client_id)["dose_mg"] == 100
    restore_client(db, client_id)
    assert [c["id"] for c in list_clients(db)] == [client_id]


def test_prescriber_contact_details_are_checked(db):
    pid = add_prescriber(db, name="Dr. P", phone="555-0100", on_call_phone="555-0199")
    with pytest.raises(InvalidInput) as err:
        update_prescriber(db, pid, name="Dr. P", email="nope")
    assert err.value.field == "email"


def test_orders_and_thresholds_are_versioned(db, client_id):
    add_order(db, client_id, dose_mg=120, ordered_on=today())
    assert [o["version"] for o in order_history(db, client_id)] == [2, 1]
    assert current_order(db, client_id)["dose_mg"] == 120
    stricter = replace(sample_thresholds(), pre_dose={"systolic": Bound(None, 130)})
    add_thresholds(db, client_id, stricter)
    history = threshold_history(db, client_id)
    assert [row["version"] for row, _ in history] == [2, 1]
    assert history[0][1].pre_dose["systolic"].max == 130
    assert history[1][1] == sample_thresholds()


def test_a_course_needs_a_screening_cleared_by_the_prescriber(db, client_id):
    with pytest.raises(NotAllowed, match="needs a screening first"):
        add_course(db, client_id, started_on=today())
    add_screening(db, client_id, items={"hypertension": False}, screened_on=today())
    with pytest.raises(NotAllowed, match="no prescriber's clearance"):
        add_course(db, client_id, started_on=today())
    with pytest.raises(InvalidInput, match="note what the prescriber decided"):
        add_screening(db, client_id, items={"hypertension": True}, screened_on=today(),
                      cleared_on=today())
    add_screening(db, client_id, items={"hypertension": True}, screened_on=today(),
                  cleared_on=today(), note="Controlled on medication; prescriber cleared.")
    with pytest.raises(NotAllowed, match="a course cannot start before that"):
        add_course(db, client_id, started_on=today() - timedelta(days=1))
    course = add_course(db, client_id, started_on=today())
    assert course
    with pytest.raises(NotAllowed, match="already has a course"):
        add_course(db, client_id, started_on=today())
    with pytest.raises(InvalidInput, match="cannot end before that"):
        end_course(db, course, ended_on=today() - timedelta(days=1))


@pytest.fixture
def course_id(db, client_id):
    add_screening(db, client_id, items={}, screened_on=today(), cleared_on=today())
    return add_course(db, client_id, started_on=today(), planned_sessions=2)


def test_a_course_does_not_end_under_a_running_session_nor_twice(db, client_id, course_id):
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import record_discharge

    at = datetime.now(UTC) - timedelta(minutes=30)
    sid = begin_medication_session(db, client_id, at=at, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    with pytest.raises(NotAllowed, match="a session of this course is running"):
        end_course(db, course_id, ended_on=today())
    record_discharge(db, sid, at=at + timedelta(minutes=10), reason="cleared by phone")
    end_course(db, course_id, ended_on=today())
    with pytest.raises(NotAllowed, match="already ended on"):
        end_course(db, course_id, ended_on=today())


def test_an_ended_courses_planned_sessions_read_not_held_but_a_due_integration_stays():
    from kapdesk.domain.course import sequence_status

    def session(sid, kind, *, course=1, held=False, follows=None):
        return {"id": sid, "kind": kind, "course_id": course, "medication_session_id": follows,
                "started_at": "x" if held else None, "ended_at": "x" if held else None}

    ended_after_the_sixth = [session(1, "medication", held=True),
                             session(2, "integration", follows=1),  # tomorrow: still held
                             session(3, "medication"), session(4, "integration", follows=3)]
    assert sequence_status(ended_after_the_sixth, {1}) == {
        1: "done", 2: "next", 3: "not held", 4: "not held"}
    assert sequence_status(ended_after_the_sixth) == {
        1: "done", 2: "next", 3: "planned", 4: "planned"}
    a_new_course = [*ended_after_the_sixth, session(5, "medication", course=2)]
    assert sequence_status(a_new_course, {1})[5] == "planned"  # after the one still due


def test_sessions_are_listed_course_by_course_then_by_date():
    from kapdesk.domain.course import in_course_order

    by_date = [{"id": 1, "course_id": 10}, {"id": 2, "course_id": 20},  # course 2 began
               {"id": 3, "course_id": None},  # of no course: stays where its date puts it
               {"id": 4, "course_id": 10},  # course 1's, planned for later, never held
               {"id": 5, "course_id": 20}]
    assert [s["id"] for s in in_course_order(by_date, {10: 1, 20: 2})] == [1, 4, 2, 3, 5]


def test_scheduling_numbers_sessions_and_links_integration(db, client_id, course_id):
    when = datetime(2030, 1, 7, 15, tzinfo=UTC)
    prep = schedule_in_course(db, course_id, "preparation", when - timedelta(days=7))
    first, first_int = schedule_medication_with_integration(db, course_id, when)
    second = schedule_in_course(db, course_id, "medication", when + timedelta(days=7))
    second_int = schedule_in_course(db, course_id, "integration",
                                    when + timedelta(days=8, hours=1))
    with pytest.raises(NotAllowed, match="plans 2 medication sessions"):
        schedule_in_course(db, course_id, "medication", when + timedelta(days=14))
    with pytest.raises(InvalidInput, match="24-48 hours"):
        schedule_medication_with_integration(db, course_id, when,
                                             integration_after=timedelta(hours=2))
    seq = {s["id"]: s for s in course_sequence(db, client_id)}
    assert (seq[first]["number"], seq[second]["number"]) == (1, 2)
    assert seq[first_int]["medication_session_id"] == first
    assert seq[second_int]["medication_session_id"] == second
    assert seq[prep]["status"] == "next"
    assert {seq[i]["status"] for i in (first, first_int, second, second_int)} == {"planned"}


def test_integration_needs_a_medication_session(db, course_id):
    with pytest.raises(NotAllowed, match="follows a medication session"):
        schedule_in_course(db, course_id, "integration", datetime(2030, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(("instrument", "high"), [("PHQ-9", 27), ("GAD-7", 21), ("PCL-5", 80)])
def test_outcome_scores_are_checked_against_each_range(db, client_id, instrument, high):
    add_outcome(db, client_id, instrument, 0, taken_on=today())
    add_outcome(db, client_id, instrument, str(high), taken_on=today())
    with pytest.raises(InvalidInput, match=f"{instrument} total {high + 1} is outside 0-{high}"):
        add_outcome(db, client_id, instrument, high + 1, taken_on=today())
    with pytest.raises(InvalidInput, match="whole number"):
        add_outcome(db, client_id, instrument, "ten", taken_on=today())
    assert [o["score"] for o in outcomes(db, client_id)] == [0, high]


def test_two_bookings_clash_only_when_they_share_time():
    from kapdesk.domain.scheduling import overlap

    ten = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert overlap("integration", ten + timedelta(hours=2, minutes=59), "medication", ten)
    assert not overlap("integration", ten + timedelta(hours=3), "medication", ten)
    assert not overlap("medication", ten, "integration", ten - timedelta(hours=1))
    assert overlap("medication", ten, "integration", ten - timedelta(minutes=59))


def test_after_a_course_ends_the_next_session_starts_in_the_new_course(tmp_path):
    """Found by a first-time user: with the old course ended and a new one begun, Ctrl+R
    started the old course's planned "Medication 4", which the app called not held."""
    from kapdesk.demo import build_demo
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.storage import open_database
    from kapdesk.storage.courses import open_course

    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date.today())
    jonah = db.execute("SELECT id FROM clients WHERE display_name = 'Jonah R.'").fetchone()[0]
    old = open_course(db, jonah)
    end_course(db, old["id"], ended_on=today())
    with pytest.raises(InvalidInput, match=f"the last course ended on {today()}"):
        add_course(db, jonah, started_on=today() - timedelta(days=1))
    new = add_course(db, jonah, started_on=today())
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    sid = begin_medication_session(db, jonah, at=datetime.now(UTC), intention="to rest",
                                   ride_home_name="Marisol R.", ride_confirmed=True,
                                   playlist_id=playlist)
    started = db["sessions"].get(sid)
    assert (started["course_id"], started["number"]) == (new, 1)
    statuses = {s["id"]: s["status"] for s in course_sequence(db, jonah)}
    assert [statuses[s["id"]] for s in course_sequence(db, jonah)
            if s["course_id"] == old["id"] and not s["started_at"]] == ["not held"] * 2
