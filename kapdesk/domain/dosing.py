"""What may be given, how much, and when (design §4). One home for every dose rule: the live
session, corrections and import all decide through :func:`decide_dose`.

A dose is refused outright when no rule could allow it (no thresholds, no order, a booster
the order forbids, a time that cannot be true). A closed dosing or booster gate is different:
it can be passed with a written reason, which is stored with the dose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.gates import override_reason
from kapdesk.domain.session import SessionRecord

# The smallest and largest amount kapdesk records as one dose or order. Lozenges and troches
# come in 25-500 mg; anything under 1 mg is a slip of the keyboard, not a dose.
DOSE_MG_MIN = 1.0
DOSE_MG_MAX = 1000.0
# Clocks of a laptop and a watch differ by seconds; a dose more than this ahead of now has not
# been given yet.
CLOCK_TOLERANCE = timedelta(minutes=1)

NO_THRESHOLDS = ("no thresholds from the prescriber yet: a dose cannot be recorded before the "
                 "prescriber's pre-dose and discharge thresholds are entered")


def check_mg(field: str, mg: object, label: str = "The dose") -> float:
    """A dose amount in mg, or InvalidInput in the therapist's words."""
    if isinstance(mg, bool) or not isinstance(mg, int | float) or not math.isfinite(mg):
        raise InvalidInput(field, f"{label} must be a number of mg, not {mg!r}")
    if not DOSE_MG_MIN <= mg <= DOSE_MG_MAX:
        raise InvalidInput(field, f"{label} must be between {DOSE_MG_MIN:g} and "
                                  f"{DOSE_MG_MAX:g} mg, not {mg:g}")
    return float(mg)


@dataclass(frozen=True)
class DoseDecision:
    """What is stored with an allowed dose."""

    mg: float
    medicine: str
    form: str
    route: str
    is_booster: bool
    amount_reason: str | None
    gate_override_reason: str | None


def check_dose_time(record: SessionRecord, given_at: datetime, *, now: datetime,
                    is_booster: bool) -> None:
    """A dose happens inside its session, not in the future, and a booster after the dose."""
    if given_at.tzinfo is None:
        raise InvalidInput("given_at", "the time of the dose needs a time zone")
    started = record.started_at
    if started is None:
        raise NotAllowed("the session has not started yet")
    if given_at < started:
        raise InvalidInput("given_at", "a dose cannot be given before the session started")
    if given_at > now + CLOCK_TOLERANCE:
        raise InvalidInput("given_at", "a dose cannot be recorded ahead of time")
    first = record.first_dose
    if is_booster and first is not None and given_at <= first.given_at:
        raise InvalidInput("given_at", "a booster comes after the first dose, not before it")


def minutes_back_allowed(record: SessionRecord, now: datetime, *, is_booster: bool,
                         cap: int = 60) -> int:
    """How many whole minutes back a dose may be recorded as given ("N min ago", up to
    ``cap``): not before the session started, and a booster not before the first dose."""
    earliest = record.started_at
    first = record.first_dose
    if is_booster and first is not None:
        earliest = first.given_at + timedelta(minutes=1)
    if earliest is None:
        return 0
    return max(0, min(cap, int((now - earliest).total_seconds() // 60)))


def decide_dose(record: SessionRecord, *, given_at: datetime, now: datetime,
                mg: float | None = None, is_booster: bool = False,
                amount_reason: str | None = None,
                gate_reason: str | None = None) -> DoseDecision:
    """Allow a dose as ordered, or raise why not. The first dose needs the prescriber's
    thresholds and an open dosing gate (or a written reason); a booster needs a first dose and
    an order that allows one, and before its window a written reason."""
    if record.thresholds is None:
        raise NotAllowed(NO_THRESHOLDS)
    order = record.order
    if order is None:
        raise NotAllowed("no prescriber's order is attached to this session")
    if is_booster:
        refusal = record.booster_refusal()
        if refusal:
            raise NotAllowed(refusal)
    elif record.doses:
        raise NotAllowed("the dose is already recorded; a further lozenge is a booster")
    check_dose_time(record, given_at, now=now, is_booster=is_booster)
    if is_booster:
        ordered = order["booster_mg"]
        gate = record.booster_gate(given_at)
    else:
        ordered = order["dose_mg"]
        gate = record.dosing_gate(given_at)
    stored_gate_reason = override_reason(gate, gate_reason)
    amount = check_mg("mg", ordered if mg is None else mg)
    reason = (amount_reason or "").strip() or None
    if amount != ordered and not reason:
        raise InvalidInput("amount_reason",
                           f"{amount:g} mg differs from the {ordered:g} mg ordered: give a reason")
    return DoseDecision(mg=amount, medicine=order["medicine"], form=order["form"],
                        route=order["route"], is_booster=is_booster, amount_reason=reason,
                        gate_override_reason=stored_gate_reason)
