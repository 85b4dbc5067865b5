"""The clinical rules every path must keep (issue 11, items 1-6): each of these was possible
before the rules had one home in the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import T0
from kapdesk.domain.errors import GateClosed, InvalidInput, NotAllowed
from kapdesk.export.summary import session_summary
from kapdesk.export.summary_html import session_summary_html
from kapdesk.practice.course import schedule_session
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.records import add_order
from kapdesk.practice.session import record_discharge, record_dose, record_vitals
from kapdesk.storage import sessions as store
from kapdesk.storage.prescriptions import current_order
from kapdesk.storage.sessions import load_session

CALM = {"systolic": 122, "diastolic": 78, "heart_rate": 72, "resp_rate": 14, "spo2": 98}


def minutes(n: float):
    return T0 + timedelta(minutes=n)


@pytest.fixture
def session(db, ready):
    """A medication session started at T0, ride home confirmed."""
    return begin_medication_session(db, ready, at=T0, intention="to rest",
                                    ride_home_name="Sam T.", ride_confirmed=True)


def dosed(db, session, at=20):
    record_vitals(db, session, CALM, taken_at=minutes(5), checkpoint="pre_dose")
    record_dose(db, session, given_at=minutes(at), now=minutes(at))


# 1. Dosing without thresholds --------------------------------------------------------------

def test_no_dose_without_thresholds_even_with_a_written_reason(db, client_id):
    """A session with no thresholds (as an old import could bring one) cannot be dosed: this
    is a refusal, not a gate a reason can pass."""
    sid = schedule_session(db, client_id, "medication", scheduled_for=T0)
    store.set_started(db, sid, started_at=T0, intention="", ride_home_name="Sam T.",
                      ride_home_phone="", order_id=current_order(db, client_id)["id"],
                      threshold_version_id=None, protocol=None)
    with pytest.raises(NotAllowed, match="no thresholds"):
        record_dose(db, sid, given_at=minutes(20), now=minutes(20),
                    gate_reason="prescriber consulted by phone, cleared")
    assert load_session(db, sid).doses == []


# 2. Stale discharge vitals -----------------------------------------------------------------

def test_discharge_vitals_taken_before_a_booster_do_not_clear(db, session):
    dosed(db, session)
    record_vitals(db, session, CALM, taken_at=minutes(50), checkpoint="discharge")
    record_dose(db, session, given_at=minutes(60), now=minutes(60), is_booster=True)
    gate = load_session(db, session).discharge_gate(minutes(180))
    assert not gate.open
    assert "no discharge vitals since the last dose" in gate.reasons
    with pytest.raises(GateClosed):
        record_discharge(db, session, at=minutes(180))
    record_vitals(db, session, CALM, taken_at=minutes(175), checkpoint="discharge")
    assert load_session(db, session).discharge_gate(minutes(180)).open


def test_a_reading_labelled_discharge_before_the_dose_does_not_clear(db, session):
    record_vitals(db, session, CALM, taken_at=minutes(3), checkpoint="discharge")
    dosed(db, session)
    gate = load_session(db, session).discharge_gate(minutes(150))
    assert "no discharge vitals since the last dose" in gate.reasons


# 3. The gate does not see the future -------------------------------------------------------

def test_a_back_dated_discharge_is_judged_on_what_was_known_then(db, session):
    dosed(db, session)
    record_vitals(db, session, CALM, taken_at=minutes(200), checkpoint="discharge")
    with pytest.raises(GateClosed, match="no discharge vitals"):
        record_discharge(db, session, at=minutes(150))
    record_discharge(db, session, at=minutes(150), reason="prescriber consulted, cleared")
    discharge = load_session(db, session).discharge
    assert discharge["cleared"] == 0
    assert discharge["override_reason"] == "prescriber consulted, cleared"


def test_the_dosing_gate_ignores_a_reading_taken_after_the_dose(db, session):
    record_vitals(db, session, CALM, taken_at=minutes(25), checkpoint="pre_dose")
    with pytest.raises(GateClosed, match="no pre-dose vitals"):
        record_dose(db, session, given_at=minutes(20), now=minutes(26))


# 4 (the order). A booster the order forbids ------------------------------------------------

def test_a_booster_the_order_forbids_is_refused_even_with_a_reason(db, client_id):
    add_order(db, client_id, dose_mg=100, ordered_on="2026-11-02", booster_allowed=False)
    from kapdesk.practice.course import add_course, add_screening
    add_screening(db, client_id, items={}, screened_on=date.today(), cleared_on=date.today())
    add_course(db, client_id, started_on=date.today())
    sid = begin_medication_session(db, client_id, at=T0, intention="to rest",
                                   ride_home_name="Sam T.", ride_confirmed=True)
    dosed(db, sid)
    with pytest.raises(NotAllowed, match="does not allow a booster"):
        record_dose(db, sid, given_at=minutes(60), now=minutes(60), is_booster=True,
                    gate_reason="client asked for more, prescriber reached")
    assert len(load_session(db, sid).doses) == 1


# 5. Dose times -----------------------------------------------------------------------------

def test_a_dose_before_the_session_started_is_refused(db, session):
    record_vitals(db, session, CALM, taken_at=minutes(5), checkpoint="pre_dose")
    with pytest.raises(InvalidInput, match="before the session started"):
        record_dose(db, session, given_at=minutes(-30), now=minutes(10))


def test_a_dose_in_the_future_is_refused(db, session):
    record_vitals(db, session, CALM, taken_at=minutes(5), checkpoint="pre_dose")
    with pytest.raises(InvalidInput, match="ahead of time"):
        record_dose(db, session, given_at=T0 + timedelta(days=2), now=minutes(10))
    assert load_session(db, session).doses == []


def test_a_booster_cannot_be_dated_before_the_first_dose(db, session):
    """"Given 15 min ago" on a booster keyed five minutes after the dose."""
    dosed(db, session, at=20)
    with pytest.raises(InvalidInput, match="after the first dose"):
        record_dose(db, session, given_at=minutes(10), now=minutes(25), is_booster=True,
                    gate_reason="prescriber consulted by phone")
    record = load_session(db, session)
    assert [d.given_at for d in record.doses] == [minutes(20)]
    assert record.timeline(minutes(30)).first_dose == minutes(20)


# 6. What is printed agrees with what was decided -------------------------------------------

def test_minutes_after_the_last_dose_are_counted_down_like_the_gate(db, session):
    dosed(db, session, at=20)
    record_vitals(db, session, CALM, taken_at=minutes(130), checkpoint="discharge")
    at = minutes(20 + 119.5)
    with pytest.raises(GateClosed, match="only 119 min since the last dose"):
        record_discharge(db, session, at=at)
    record_discharge(db, session, at=at, reason="prescriber agreed by phone, leaving now")
    summary = session_summary(db, session)
    assert summary["discharge"]["minutes_after_last_dose"] == 119
    assert summary["discharge"]["overridden"] is True
    assert "119 min after the last dose" in session_summary_html(summary)


# 8. A database refusal is a sentence in the window, not a crash dialog ----------------------

def test_a_database_refusal_is_shown_in_the_panel_and_nothing_is_lost(
        running, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from gui import key
    from kapdesk.sqlite_driver import sqlite

    main, window, sid = running
    key(qtbot, window, Qt.Key.Key_V)
    panel = window.view.panels.currentWidget()
    assert panel is window.vitals

    def refused(*args, **kwargs):
        raise sqlite.IntegrityError("CHECK constraint failed: spo2 BETWEEN 50 AND 100")

    monkeypatch.setattr(panel, "save", refused)
    panel.submit()
    assert "nothing was saved" in panel.error.text()
    assert panel.error.isVisibleTo(window)


def test_an_integration_session_cannot_be_moved_outside_24_to_48_hours(db, ready):
    """Moving the integration session keeps it 24-48 hours (with a few hours' slack for the
    day's timetable) after its medication session; nothing moves when refused."""
    from kapdesk.practice.course import schedule_medication_with_integration
    from kapdesk.practice.queries import get_session, open_course
    from kapdesk.practice.session import reschedule_session

    course = open_course(db, ready)["id"]
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    _, integration = schedule_medication_with_integration(db, course, monday)
    before = get_session(db, integration)["scheduled_for"]
    for hours in (3, 19, 53, 24 * 7):
        with pytest.raises(NotAllowed, match="24-48 hours"):
            reschedule_session(db, integration, monday + timedelta(hours=hours))
        assert get_session(db, integration)["scheduled_for"] == before
    reschedule_session(db, integration, monday + timedelta(hours=30))
    assert get_session(db, integration)["scheduled_for"] != before


@pytest.mark.parametrize(("started", "hours", "planned"), [
    ("06:33:12", 24, "2026-11-21 06:45"),   # the next quarter hour, not 06:33
    ("06:45:00", 24, "2026-11-21 06:45"),   # already on one
    ("06:33:12", 30, "2026-11-21 12:45"),
    ("06:33:12", 48, "2026-11-22 06:30"),   # 06:45 would be past 48 hours: the quarter before
])
def test_an_integration_after_discharge_is_planned_on_a_quarter_hour(started, hours, planned):
    from kapdesk.domain.scheduling import integration_slot

    begun = datetime.fromisoformat(f"2026-11-20T{started}+00:00")
    at = integration_slot(begun, timedelta(hours=hours))
    assert at.strftime("%Y-%m-%d %H:%M") == planned and at.second == 0
    assert timedelta(hours=24) <= at - begun <= timedelta(hours=48)


def test_the_integration_hour_steps_over_the_night_within_24_to_48_hours(utc_zone):
    from kapdesk.domain.scheduling import at_night, next_daytime_hours

    begun = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    assert next_daytime_hours(begun, 24, 1) == 25
    assert next_daytime_hours(begun, 32, 1) == 43  # 20:30, then 07:30 two days on
    assert next_daytime_hours(begun, 43, -1) == 32
    assert next_daytime_hours(begun, 48, 1) == 48  # nothing later in the window
    late = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)  # a session begun at night
    assert next_daytime_hours(late, 24, -1) == 24  # none earlier in the day
    assert at_night(datetime(2026, 11, 21, 21, 0, tzinfo=UTC))
    assert at_night(datetime(2026, 11, 21, 6, 59, tzinfo=UTC))
    assert not at_night(datetime(2026, 11, 21, 7, 0, tzinfo=UTC))
