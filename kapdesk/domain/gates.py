"""The two clinical gates of a medication session: dosing and discharge (design §3-4).

A gate lists every reason it is closed, in plain words. A closed gate can be passed only with
a written reason (e.g. "prescriber consulted by phone, cleared"), which is stored and exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.errors import GateClosed
from kapdesk.domain.kinds import Status
from kapdesk.domain.thresholds import Thresholds, Verdict
from kapdesk.domain.timeutil import whole_minutes


@dataclass(frozen=True)
class Gate:
    reasons: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return not self.reasons


def dosing_gate(thresholds: Thresholds | None, latest_pre_dose: Verdict | None) -> Gate:
    if thresholds is None:
        return Gate((
            "no thresholds from the prescriber yet: enter the prescriber's pre-dose and "
            "discharge thresholds before dosing",
        ))
    if latest_pre_dose is None:
        return Gate(("no pre-dose vitals recorded yet",))
    if latest_pre_dose.status != Status.WITHIN:
        return Gate((f"latest pre-dose vitals: {latest_pre_dose.describe()}",))
    return Gate()


def booster_gate(*, first_dose_at: datetime, window_opens_at: datetime,
                 at: datetime) -> Gate:
    """A booster before the protocol's booster window is an off-order step: it needs a
    written reason, like any other."""
    if at >= window_opens_at:
        return Gate()
    early = int(-(-(window_opens_at - at).total_seconds() // 60))
    after = round((at - first_dose_at).total_seconds() / 60)
    opens = round((window_opens_at - first_dose_at).total_seconds() / 60)
    return Gate((f"the booster window opens {opens} "
                 f"min after the dose; this is {after} min after it, {early} min early",))


def discharge_gate(
    *,
    latest_discharge: Verdict | None,
    last_dose_at: datetime | None,
    min_minutes_after_dose: int,
    ride_home_confirmed: bool,
    now: datetime,
    stale_reading: bool = False,
) -> Gate:
    """``latest_discharge`` is the verdict of the newest discharge reading taken after the
    last dose; ``stale_reading`` says one exists from before it, which cannot clear."""
    reasons: list[str] = []
    if latest_discharge is None:
        reasons.append("no discharge vitals since the last dose" if stale_reading
                       else "no discharge vitals recorded yet")
    elif latest_discharge.status != Status.WITHIN:
        reasons.append(f"latest discharge vitals: {latest_discharge.describe()}")
    if last_dose_at is not None:
        ready_at = last_dose_at + timedelta(minutes=min_minutes_after_dose)
        if now < ready_at:
            left = ready_at - now
            minutes = int(-(-left.total_seconds() // 60))
            reasons.append(
                f"only {whole_minutes(now - last_dose_at)} min since the last "
                f"dose; {min_minutes_after_dose} min required ({minutes} min to go)"
            )
    if not ride_home_confirmed:
        reasons.append("ride home not confirmed")
    return Gate(tuple(reasons))


OVERRIDE_REASON_MIN_CHARS = 10  # a why the prescriber can read later, not a word


def override_reason(gate: Gate, reason: str | None) -> str | None:
    """The reason to store with a gated action: None when the gate is open, else the written
    reason, which must be present and meaningful."""
    if gate.open:
        return reason.strip() if reason and reason.strip() else None
    text = (reason or "").strip()
    if len(text) < OVERRIDE_REASON_MIN_CHARS:
        # the rule said in full: "Trial run", two words, was refused as not "a few words"
        # (found by a first-time user)
        said = (f" ({len(text)} so far)" if text else "")
        raise GateClosed(gate.reasons, "write why you are going ahead anyway, in at least "
                                       f"{OVERRIDE_REASON_MIN_CHARS} characters{said}",
                         example="prescriber consulted by phone, cleared")
    return text
