"""The dosing and discharge gates, and overriding them only with a written reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import T0, sample_thresholds
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.gates import discharge_gate, dosing_gate, override_reason
from kapdesk.domain.thresholds import Verdict

WITHIN = Verdict("within")
BREACH = Verdict("breach")


def gate(**changes):
    args = dict(latest_discharge=WITHIN, last_dose_at=T0, min_minutes_after_dose=120,
                ride_home_confirmed=True, now=T0 + timedelta(minutes=120))
    return discharge_gate(**{**args, **changes})


def test_discharge_gate_opens_when_all_three_conditions_hold():
    assert gate().open


def test_each_closed_condition_is_named():
    closed = gate(latest_discharge=BREACH, now=T0 + timedelta(minutes=100),
                  ride_home_confirmed=False)
    assert len(closed.reasons) == 3
    assert "discharge vitals" in closed.reasons[0]
    assert "100 min since the last dose; 120 min required (20 min to go)" in closed.reasons[1]
    assert closed.reasons[2] == "ride home not confirmed"


def test_time_since_dose_is_inclusive_at_the_minimum():
    assert gate(now=T0 + timedelta(minutes=120)).open
    assert not gate(now=T0 + timedelta(minutes=119, seconds=59)).open


def test_missing_or_incomplete_discharge_vitals_close_the_gate():
    assert gate(latest_discharge=None).reasons == ("no discharge vitals recorded yet",)
    assert not gate(latest_discharge=Verdict("incomplete", missing=("spo2",))).open


def test_dosing_gate_needs_thresholds_and_within_pre_dose_vitals():
    assert "no thresholds from the prescriber" in dosing_gate(None, None).reasons[0]
    assert dosing_gate(sample_thresholds(), None).reasons == ("no pre-dose vitals recorded yet",)
    assert not dosing_gate(sample_thresholds(), BREACH).open
    assert dosing_gate(sample_thresholds(), WITHIN).open


def test_override_needs_a_written_reason_only_when_closed():
    closed = gate(ride_home_confirmed=False)
    with pytest.raises(InvalidInput, match="ride home not confirmed.*write why"):
        override_reason(closed, "  ")
    with pytest.raises(InvalidInput):
        override_reason(closed, "ok")
    assert override_reason(closed, " prescriber consulted by phone, cleared ") == (
        "prescriber consulted by phone, cleared")
    assert override_reason(gate(), None) is None


def test_a_short_override_reason_is_refused_saying_how_long_it_must_be():
    """Found by a first-time user: "Trial run" was refused as not "a few words"."""
    from kapdesk.domain.errors import GateClosed
    from kapdesk.domain.gates import Gate, override_reason

    closed = Gate(("ride home not confirmed",))
    with pytest.raises(GateClosed) as refused:
        override_reason(closed, "Trial run")
    assert "at least 10 characters (9 so far)" in refused.value.advice
    assert override_reason(closed, "Trial run only") == "Trial run only"
