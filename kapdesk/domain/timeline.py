"""The session timeline: planned versus actual, computed from stored instants.

Planned times assume the dose happens at ``start + planned_dose_minutes``. Actual times use
the recorded doses; while no dose is recorded and the planned dose time has passed, the dose
is projected at ``now``, so every dose-relative step slides as the dose runs late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.protocol import Offset, Protocol, Step


@dataclass(frozen=True)
class TimedStep:
    step: Step
    planned_start: datetime
    planned_end: datetime | None
    start: datetime
    end: datetime | None
    confirmed: bool  # its start anchor has happened (not projected)
    end_confirmed: bool = True  # its end anchor has happened; else the end is a projection
    # A pre-dose step planned after the dose given: the dose came first, so it never took
    # place (its planned times still show the plan).
    skipped: bool = False

    @property
    def moved(self) -> timedelta:
        return self.start - self.planned_start


@dataclass(frozen=True)
class Timeline:
    started_at: datetime
    doses: tuple[datetime, ...]
    steps: tuple[TimedStep, ...]

    @property
    def first_dose(self) -> datetime | None:
        return self.doses[0] if self.doses else None

    @property
    def last_dose(self) -> datetime | None:
        return self.doses[-1] if self.doses else None

    def elapsed(self, now: datetime) -> timedelta:
        return now - self.started_at

    def since_last_dose(self, now: datetime) -> timedelta | None:
        return now - self.last_dose if self.last_dose else None

    def phases(self) -> list[TimedStep]:
        return [s for s in self.steps if s.step.kind == "phase"]

    def current_phase(self, now: datetime) -> TimedStep | None:
        """The phase containing ``now``; the latest-starting one where spans touch.

        A projected phase (the dose not yet given) never becomes current, and a phase whose
        end waits on the dose lasts until the dose is recorded."""
        current = None
        for ts in self.phases():
            if not ts.confirmed or ts.skipped:
                continue
            if ts.start <= now and (ts.end is None or now < ts.end or not ts.end_confirmed):
                if current is None or ts.start >= current.start:
                    current = ts
        if current is None and self.phases() and now >= self.phases()[-1].start:
            return self.phases()[-1]
        return current

    def next_prompt(self, now: datetime) -> TimedStep | None:
        """The next step with something to do (a hint) that has not started yet."""
        upcoming = [ts for ts in self.steps
                    if ts.step.hint and ts.start > now and not ts.skipped]
        return min(upcoming, key=lambda ts: ts.start, default=None)

    @property
    def end(self) -> datetime:
        return max((ts.end or ts.start) for ts in self.steps)


def build_timeline(
    protocol: Protocol,
    started_at: datetime,
    doses: Sequence[datetime],
    now: datetime,
    *,
    booster_allowed: bool = False,
) -> Timeline:
    doses = tuple(sorted(doses))
    planned_dose = started_at + timedelta(minutes=protocol.planned_dose_minutes)
    planned = {"start": started_at, "dose": planned_dose, "last_dose": planned_dose}
    if doses:
        actual = {"start": started_at, "dose": doses[0], "last_dose": doses[-1]}
    else:
        projected = max(planned_dose, now)
        actual = {"start": started_at, "dose": projected, "last_dose": projected}

    def at(anchors: dict[str, datetime], offset: Offset | None) -> datetime | None:
        if offset is None:
            return None
        return anchors[offset.anchor] + timedelta(minutes=offset.minutes)

    def start(anchors: dict[str, datetime], offset: Offset) -> datetime:
        return anchors[offset.anchor] + timedelta(minutes=offset.minutes)

    timed: list[TimedStep] = []
    for step in protocol.steps:
        if step.booster_only and not booster_allowed:
            continue
        confirmed = step.start.anchor == "start" or bool(doses)
        end_confirmed = step.end is None or step.end.anchor == "start" or bool(doses)
        if step.per_dose and len(doses) > 1:
            for dose in doses:
                own = {"start": started_at, "dose": dose, "last_dose": dose}
                timed.append(TimedStep(step, start(planned, step.start),
                                       at(planned, step.end), start(own, step.start),
                                       at(own, step.end), True))
            continue
        begin, end = start(actual, step.start), at(actual, step.end)
        skipped = False
        if doses and step.start.anchor == "start":  # before the dose, as far as it came
            skipped = begin >= doses[0]
            end = min(end, doses[0]) if end is not None else None
        timed.append(TimedStep(step, start(planned, step.start), at(planned, step.end),
                               begin, end, confirmed, end_confirmed, skipped))
    timed.sort(key=lambda ts: ts.start)
    return Timeline(started_at, doses, tuple(timed))
