"""Vital-sign readings and the plausibility check that protects against typos.

Plausibility is not clinical judgement: it refuses values no cuff or oximeter could give
(1400 mmHg, systolic below diastolic). Judgement against the prescriber's thresholds is in
:mod:`kapdesk.domain.thresholds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.kinds import Checkpoint

MEASURES: tuple[str, ...] = ("systolic", "diastolic", "heart_rate", "resp_rate", "spo2")

LABELS: dict[str, str] = {
    "systolic": "Systolic BP",
    "diastolic": "Diastolic BP",
    "heart_rate": "Heart rate",
    "resp_rate": "Respiratory rate",
    "spo2": "SpO2",
}

SHORT: dict[str, str] = {
    "systolic": "SBP", "diastolic": "DBP", "heart_rate": "HR", "resp_rate": "RR", "spo2": "SpO2",
}

UNITS: dict[str, str] = {
    "systolic": "mmHg",
    "diastolic": "mmHg",
    "heart_rate": "bpm",
    "resp_rate": "/min",
    "spo2": "%",
}

PLAUSIBLE: dict[str, tuple[int, int]] = {
    "systolic": (50, 300),
    "diastolic": (20, 200),
    "heart_rate": (20, 250),
    "resp_rate": (4, 60),
    "spo2": (50, 100),
}

CHECKPOINTS: tuple[str, ...] = tuple(Checkpoint)

CHECKPOINT_LABELS: dict[str, str] = {
    Checkpoint.PRE_DOSE: "Pre-dose",
    Checkpoint.DISCHARGE: "Discharge",
    Checkpoint.OTHER: "Mid-session",
}


@dataclass(frozen=True)
class Reading:
    taken_at: datetime
    checkpoint: str
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    resp_rate: int | None = None
    spo2: int | None = None

    def value(self, measure: str) -> int | None:
        return getattr(self, measure)

    def values(self) -> dict[str, int | None]:
        return {m: self.value(m) for m in MEASURES}


def parse_measure(measure: str, raw: object) -> int | None:
    """One field as typed (text or number) -> int, None when left empty; refuse the rest."""
    low, high = PLAUSIBLE[measure]
    label = LABELS[measure]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise InvalidInput(measure, f"{label} must be a whole number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().isdecimal():
        value = int(raw.strip())
    else:
        raise InvalidInput(measure, f"{label} must be a whole number, not {raw!r}")
    if not low <= value <= high:
        raise InvalidInput(measure, f"{value} is outside {low}-{high} {UNITS[measure]}")
    return value


def make_reading(values: Mapping[str, object], *, taken_at: datetime, checkpoint: str) -> Reading:
    """Build a plausible reading or raise :class:`InvalidInput` naming the bad field (all of
    them, in one message, when several are bad).

    Missing measures are allowed (the judgement marks the reading incomplete where the
    prescriber bounded them), so nothing the therapist measured is lost; an empty reading and
    half a blood pressure are refused.
    """
    if checkpoint not in CHECKPOINTS:
        raise InvalidInput("checkpoint", f"{checkpoint!r} is not one of {', '.join(CHECKPOINTS)}")
    if taken_at.tzinfo is None:
        raise InvalidInput("taken_at", "the time of the reading needs a time zone")
    parsed: dict[str, int | None] = {}
    refused: list[InvalidInput] = []
    for measure in MEASURES:  # every bad field at once, not one per attempt
        try:
            parsed[measure] = parse_measure(measure, values.get(measure))
        except InvalidInput as exc:
            refused.append(exc)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise InvalidInput("", "; ".join(
            exc.reason if exc.reason.startswith(LABELS[exc.field])
            else f"{LABELS[exc.field]}: {exc.reason}" for exc in refused))
    systolic, diastolic = parsed["systolic"], parsed["diastolic"]
    if (systolic is None) != (diastolic is None):
        missing = "diastolic" if diastolic is None else "systolic"
        raise InvalidInput(missing, "blood pressure needs both systolic and diastolic")
    if systolic is not None and diastolic is not None and systolic <= diastolic:
        raise InvalidInput(
            "systolic", f"systolic {systolic} must be greater than diastolic {diastolic}"
        )
    if all(v is None for v in parsed.values()):
        raise InvalidInput("", "enter at least one measurement")
    return Reading(taken_at=taken_at, checkpoint=checkpoint, **parsed)


def vitals_text(values: Mapping[str, int | None]) -> str:
    """``BP 128/82, HR 74, SpO2 98``: the measures that were taken, in a line."""
    parts = [f"BP {values['systolic']}/{values['diastolic']}"] \
        if values.get("systolic") is not None else []
    parts += [f"{SHORT[key]} {values[key]}" for key in ("heart_rate", "resp_rate", "spo2")
              if values.get(key) is not None]
    return ", ".join(parts)
