"""Judgement against the prescriber's thresholds: inclusive bounds, min and max, per checkpoint."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import T0, sample_thresholds
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.thresholds import Bound, Thresholds, judge, judge_reading, thresholds_from_json
from kapdesk.domain.vitals import Reading

BOUNDS = {"heart_rate": Bound(50, 100)}


def hr(value, checkpoint="pre_dose"):
    return Reading(T0, checkpoint, heart_rate=value)


@pytest.mark.parametrize(
    ("value", "status", "bound"),
    [(49, "breach", "min"), (50, "within", None), (51, "within", None),
     (99, "within", None), (100, "within", None), (101, "breach", "max")],
)
def test_bounds_are_inclusive_at_min_and_max(value, status, bound):
    verdict = judge(hr(value), BOUNDS)
    assert verdict.status == status
    assert [b.bound for b in verdict.breaches] == ([bound] if bound else [])
    if bound:
        assert verdict.breaches[0].limit == (50 if bound == "min" else 100)
        assert verdict.breaches[0].value == value


def test_each_checkpoint_uses_its_own_bounds():
    thresholds = sample_thresholds()  # pre-dose systolic max 140, discharge max 150
    reading = dict(systolic=145, diastolic=80, heart_rate=70, spo2=97)
    pre = judge_reading(Reading(T0, "pre_dose", **reading), thresholds)
    post = judge_reading(Reading(T0, "discharge", **reading), thresholds)
    assert pre.status == "breach" and pre.breaches[0].limit == 140
    assert post.status == "within"


def test_mid_session_reading_is_judged_against_discharge_bounds():
    thresholds = sample_thresholds()
    verdict = judge_reading(Reading(T0, "other", systolic=152, diastolic=80, heart_rate=70,
                                    spo2=97), thresholds)
    assert verdict.status == "breach" and verdict.breaches[0].limit == 150


def test_missing_required_measure_makes_reading_incomplete():
    thresholds = sample_thresholds()  # discharge requires spo2 (min 94)
    verdict = judge_reading(Reading(T0, "discharge", systolic=120, diastolic=80,
                                    heart_rate=70), thresholds)
    assert verdict.status == "incomplete"
    assert verdict.missing == ("spo2",)
    assert not verdict.within_thresholds


def test_breach_outranks_missing_but_both_are_reported():
    thresholds = sample_thresholds()
    verdict = judge_reading(Reading(T0, "discharge", systolic=160, diastolic=80,
                                    heart_rate=70), thresholds)
    assert verdict.status == "breach"
    assert verdict.missing == ("spo2",)
    assert "SpO2" in verdict.describe() and "160" in verdict.describe()


def test_unbounded_measure_is_not_required():
    assert judge(Reading(T0, "pre_dose", heart_rate=70), BOUNDS).status == "within"


def test_both_bounds_can_breach_on_different_measures():
    bounds = {"heart_rate": Bound(50, 100), "spo2": Bound(94, None)}
    verdict = judge(Reading(T0, "pre_dose", heart_rate=120, spo2=90), bounds)
    assert {(b.measure, b.bound) for b in verdict.breaches} == {("heart_rate", "max"),
                                                                 ("spo2", "min")}


def test_thresholds_round_trip_in_design_vocabulary():
    data = sample_thresholds().to_json()
    assert data["pre_dose"]["systolic"] == {"min": None, "max": 140}
    assert data["set_on"] == "2026-11-01"
    assert thresholds_from_json(data) == sample_thresholds()


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["pre_dose"].update(systolic={"min": 150, "max": 140}), "pre_dose.systolic"),
        (lambda d: d["discharge"].update(spo2={"min": 101, "max": None}), "discharge.spo2.min"),
        (lambda d: d.update(set_by=" "), "set_by"),
        (lambda d: d.update(discharge={}), "discharge"),
        (lambda d: d["pre_dose"].update(pulse={"max": 100}), "pre_dose.pulse"),
    ],
)
def test_malformed_thresholds_are_refused_naming_the_place(mutate, where):
    data = sample_thresholds().to_json()
    mutate(data)
    with pytest.raises(InvalidInput) as err:
        thresholds_from_json(data)
    assert err.value.field == f"thresholds.{where}"


def test_measure_with_both_bounds_null_may_be_given():
    data = sample_thresholds().to_json()
    data["pre_dose"]["resp_rate"] = {"min": None, "max": None}
    assert "resp_rate" not in thresholds_from_json(data).pre_dose
    assert thresholds_from_json(data).set_on == date(2026, 11, 1)


EDGE_BOUNDS = {"systolic": (90, 140), "diastolic": (50, 90), "heart_rate": (50, 100),
               "resp_rate": (10, 20), "spo2": (94, 100)}


@pytest.mark.parametrize("checkpoint", ["pre_dose", "discharge"])
@pytest.mark.parametrize("measure", list(EDGE_BOUNDS))
@pytest.mark.parametrize("side", ["min", "max"])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_every_bound_of_every_measure_at_both_checkpoints(checkpoint, measure, side, offset):
    low, high = EDGE_BOUNDS[measure]
    limit = low if side == "min" else high
    bounds = {m: Bound(*b) for m, b in EDGE_BOUNDS.items()}
    other = "discharge" if checkpoint == "pre_dose" else "pre_dose"
    thresholds = Thresholds(**{checkpoint: bounds, other: {"heart_rate": Bound(1, 2)}},
                            set_by="Dr. Test", set_on=date(2026, 1, 1))
    values = {"systolic": 120, "diastolic": 70, "heart_rate": 70, "resp_rate": 14, "spo2": 97}
    values[measure] = limit + offset
    if values["systolic"] <= values["diastolic"]:  # keep the reading plausible
        values["systolic" if measure == "diastolic" else "diastolic"] = (
            values["diastolic"] + 10 if measure == "diastolic" else values["systolic"] - 10)
    verdict = judge_reading(Reading(T0, checkpoint, **values), thresholds)
    outside = (offset < 0) if side == "min" else (offset > 0)
    if outside:
        assert verdict.status == "breach"
        assert [(b.measure, b.bound, b.limit) for b in verdict.breaches] == [(measure, side,
                                                                              limit)]
    else:
        assert verdict.status == "within", verdict
