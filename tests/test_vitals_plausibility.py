"""Typo protection: implausible readings are refused with the field and range named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import T0
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.vitals import make_reading

# The plausible ranges, written out here (design §3), not read from the code under test: a
# change to the code that moves a range must also change this line, on purpose.
PLAUSIBLE = {"systolic": (50, 300), "diastolic": (20, 200), "heart_rate": (20, 250),
             "resp_rate": (4, 60), "spo2": (50, 100)}

BASE = {"systolic": 120, "diastolic": 80, "heart_rate": 70, "resp_rate": 14, "spo2": 98}


def reading(**changes):
    return make_reading({**BASE, **changes}, taken_at=T0, checkpoint="pre_dose")


@pytest.mark.parametrize("measure", ["heart_rate", "resp_rate", "spo2"])
def test_every_plausible_value_is_accepted(measure):
    low, high = PLAUSIBLE[measure]
    for value in (low, high):
        assert reading(**{measure: value}).value(measure) == value


@given(st.sampled_from(["heart_rate", "resp_rate", "spo2"]), st.integers(-10_000, 10_000))
def test_outside_the_range_is_refused_naming_field_and_range(measure, value):
    low, high = PLAUSIBLE[measure]
    if low <= value <= high:
        assert reading(**{measure: value}).value(measure) == value
        return
    with pytest.raises(InvalidInput) as err:
        reading(**{measure: value})
    assert err.value.field == measure
    assert f"{low}-{high}" in str(err.value)


@given(st.integers(50, 300), st.integers(20, 200))
def test_systolic_must_exceed_diastolic(systolic, diastolic):
    if systolic > diastolic:
        assert reading(systolic=systolic, diastolic=diastolic).systolic == systolic
    else:
        with pytest.raises(InvalidInput, match="greater than diastolic"):
            reading(systolic=systolic, diastolic=diastolic)


def test_typo_1400_mmhg_is_refused():
    with pytest.raises(InvalidInput) as err:
        reading(systolic="1400")
    assert err.value.field == "systolic"
    assert str(err.value) == "systolic: 1400 is outside 50-300 mmHg"


@pytest.mark.parametrize("raw", ["12.5", "abc", 98.6, True, "1e2"])
def test_only_whole_numbers(raw):
    with pytest.raises(InvalidInput, match="whole number"):
        reading(heart_rate=raw)


def test_typed_text_is_accepted_and_empty_fields_mean_not_measured():
    result = reading(heart_rate=" 72 ", resp_rate="", spo2=None)
    assert (result.heart_rate, result.resp_rate, result.spo2) == (72, None, None)


def test_half_a_blood_pressure_and_an_empty_reading_are_refused():
    with pytest.raises(InvalidInput, match="both systolic and diastolic"):
        reading(diastolic=None)
    with pytest.raises(InvalidInput, match="at least one"):
        make_reading({}, taken_at=T0, checkpoint="discharge")


def test_unknown_checkpoint_and_naive_time_are_refused():
    with pytest.raises(InvalidInput, match="checkpoint"):
        make_reading(BASE, taken_at=T0, checkpoint="later")
    with pytest.raises(InvalidInput, match="time zone"):
        make_reading(BASE, taken_at=T0.replace(tzinfo=None), checkpoint="pre_dose")
