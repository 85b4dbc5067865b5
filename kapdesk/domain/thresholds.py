"""The prescriber's thresholds and the judgement of a reading against them (design §4).

A reading is within when every bound set for its checkpoint holds inclusively. A measure with
a bound is required: missing it makes the reading ``incomplete``. A breach outranks a missing
measure in the status, but both are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.kinds import Status
from kapdesk.domain.timeutil import required_day
from kapdesk.domain.vitals import LABELS, MEASURES, PLAUSIBLE, SHORT, UNITS, Reading

THRESHOLD_CHECKPOINTS: tuple[str, ...] = ("pre_dose", "discharge")


@dataclass(frozen=True)
class Bound:
    min: int | None = None
    max: int | None = None

    @property
    def is_set(self) -> bool:
        return self.min is not None or self.max is not None

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min}-{self.max}"
        if self.max is not None:
            return f"≤ {self.max}"
        if self.min is not None:
            return f"≥ {self.min}"
        return "no bound"


@dataclass(frozen=True)
class Thresholds:
    """One version of a client's thresholds, as the prescriber set them."""

    pre_dose: Mapping[str, Bound]
    discharge: Mapping[str, Bound]
    set_by: str
    set_on: date

    def for_checkpoint(self, checkpoint: str) -> Mapping[str, Bound]:
        """Bounds a reading is judged against; a mid-session ('other') reading is judged
        against the discharge bounds, the ones the client must be back within to leave."""
        return self.pre_dose if checkpoint == "pre_dose" else self.discharge

    def to_json(self) -> dict[str, Any]:
        return {
            "pre_dose": _bounds_to_json(self.pre_dose),
            "discharge": _bounds_to_json(self.discharge),
            "set_by": self.set_by,
            "set_on": self.set_on.isoformat(),
        }


def describe_bounds(bounds: Mapping[str, Bound]) -> str:
    """``SBP ≤ 140 · DBP ≤ 90 · HR 50-100``: one checkpoint's bounds in a line."""
    return " · ".join(f"{SHORT[m]} {bounds[m].describe()}" for m in MEASURES
                      if m in bounds and bounds[m].is_set) or "no bounds"


def _bounds_to_json(bounds: Mapping[str, Bound]) -> dict[str, dict[str, int | None]]:
    return {m: {"min": b.min, "max": b.max} for m, b in bounds.items() if b.is_set}


def thresholds_from_json(data: Any, where: str = "thresholds") -> Thresholds:
    """Validate and build thresholds from the design §8 vocabulary; errors name the place."""
    if not isinstance(data, Mapping):
        raise InvalidInput(where, "must be an object")
    set_by = data.get("set_by")
    if not isinstance(set_by, str) or not set_by.strip():
        raise InvalidInput(f"{where}.set_by", "who set the thresholds (the prescriber) is required")
    try:
        set_on = date.fromisoformat(str(data.get("set_on")))
    except ValueError:
        raise InvalidInput(f"{where}.set_on", "must be a date YYYY-MM-DD") from None
    per_checkpoint = {
        cp: _bounds_from_json(data.get(cp), f"{where}.{cp}") for cp in THRESHOLD_CHECKPOINTS
    }
    return Thresholds(set_by=set_by.strip(), set_on=set_on, **per_checkpoint)


def _bounds_from_json(data: Any, where: str) -> dict[str, Bound]:
    if not isinstance(data, Mapping):
        raise InvalidInput(where, "must be an object of measures")
    bounds: dict[str, Bound] = {}
    for measure, raw in data.items():
        if measure not in MEASURES:
            raise InvalidInput(f"{where}.{measure}", f"unknown measure; use {', '.join(MEASURES)}")
        if not isinstance(raw, Mapping) or set(raw) - {"min", "max"}:
            raise InvalidInput(f"{where}.{measure}", 'must be {"min": ..., "max": ...}')
        bound = make_bound(measure, raw.get("min"), raw.get("max"), where=f"{where}.{measure}")
        if bound.is_set:
            bounds[measure] = bound
    if not bounds:
        raise InvalidInput(where, "the prescriber set no bound at this checkpoint")
    return bounds


def make_bound(measure: str, low: Any, high: Any, *, where: str | None = None) -> Bound:
    """A bound as entered; each limit a whole number within the plausible range, min <= max."""
    where = where or measure
    lo, hi = PLAUSIBLE[measure]
    checked: list[int | None] = []
    for name, value in (("min", low), ("max", high)):
        if value is None or value == "":
            checked.append(None)
            continue
        if isinstance(value, str) and value.strip().isdecimal():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{where}.{name}", f"must be a whole number, not {value!r}")
        if not lo <= value <= hi:
            raise InvalidInput(
                f"{where}.{name}", f"{value} is outside {lo}-{hi} {UNITS[measure]}"
            )
        checked.append(value)
    if checked[0] is not None and checked[1] is not None and checked[0] > checked[1]:
        raise InvalidInput(where, f"min {checked[0]} is above max {checked[1]}")
    return Bound(min=checked[0], max=checked[1])


@dataclass(frozen=True)
class Breach:
    measure: str
    value: int
    bound: str  # "min" or "max"
    limit: int

    def describe(self) -> str:
        side = "above" if self.bound == "max" else "below"
        return f"{LABELS[self.measure]} {self.value} is {side} the {self.bound} of {self.limit}"

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "value": self.value, "bound": self.bound,
                "limit": self.limit}


@dataclass(frozen=True)
class Verdict:
    status: Status
    breaches: tuple[Breach, ...] = ()
    missing: tuple[str, ...] = field(default=())

    @property
    def within_thresholds(self) -> bool:
        return self.status == Status.WITHIN

    def describe(self) -> str:
        parts = [b.describe() for b in self.breaches]
        if self.missing:
            parts.append("missing " + ", ".join(LABELS[m] for m in self.missing))
        return "; ".join(parts) if parts else "within the prescriber's thresholds"


def judge(reading: Reading, bounds: Mapping[str, Bound]) -> Verdict:
    breaches: list[Breach] = []
    missing: list[str] = []
    for measure in MEASURES:
        bound = bounds.get(measure)
        if bound is None or not bound.is_set:
            continue
        value = reading.value(measure)
        if value is None:
            missing.append(measure)
            continue
        if bound.min is not None and value < bound.min:
            breaches.append(Breach(measure, value, "min", bound.min))
        if bound.max is not None and value > bound.max:
            breaches.append(Breach(measure, value, "max", bound.max))
    status = (Status.BREACH if breaches else Status.INCOMPLETE if missing
              else Status.WITHIN)
    return Verdict(status, tuple(breaches), tuple(missing))


def judge_reading(reading: Reading, thresholds: Thresholds) -> Verdict:
    return judge(reading, thresholds.for_checkpoint(reading.checkpoint))


def thresholds_from_entries(entries: Mapping[str, Any], *, set_by: str,
                            set_on: Any) -> Thresholds:
    """Thresholds from a form whose fields are named ``pre_dose.systolic.max`` and so on;
    errors name that field. Empty entries mean no bound. Thresholds are set on a day that has
    come, as an order is written on one."""
    data: dict[str, Any] = {"set_by": set_by,
                            "set_on": required_day("set_on", set_on, not_future=True)}
    for checkpoint in THRESHOLD_CHECKPOINTS:
        data[checkpoint] = {}
        for measure in MEASURES:
            low = entries.get(f"{checkpoint}.{measure}.min")
            high = entries.get(f"{checkpoint}.{measure}.max")
            make_bound(measure, low or None, high or None, where=f"{checkpoint}.{measure}")
            data[checkpoint][measure] = {"min": _whole(low), "max": _whole(high)}
    try:
        return thresholds_from_json(data, where="")
    except InvalidInput as exc:
        raise InvalidInput(exc.field.lstrip("."), exc.reason) from None


def _whole(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return int(raw) if isinstance(raw, int) else int(str(raw).strip())
