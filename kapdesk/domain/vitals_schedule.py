"""The readings a protocol asks for, and which of them were taken, skipped or missed.

A step with ``vitals`` asks for one reading at its start, or with ``every`` one reading each
``every`` minutes from its start to its end (e.g. blood pressure every 10 minutes through an
infusion). Everything is derived from the stored record at a given instant, so a restart
shows the same schedule.

When a reading counts for a due one:
- once: a reading at that checkpoint (any checkpoint, for a mid-session "other" reading) taken
  from the moment the step counts from (the start, the dose, the last dose) on; a discharge
  reading from before a booster says nothing about it;
- repeated: any reading within half an interval of the due instant.
A reading counts for one due reading only. A due reading still open ``grace`` minutes after
its time is missed, unless optional; a skip (an event with the therapist's reason, at the due
instant) settles it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.protocol import Step
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeline import TimedStep, Timeline
from kapdesk.domain.timeutil import parse_instant

GRACE = timedelta(minutes=10)  # a once-off reading is missed this long after its time
SKIPPED = "vitals_skipped"  # the event kind of a skip; its detail is the reason


@dataclass(frozen=True)
class DueReading:
    step: Step
    at: datetime
    state: str  # "taken" | "skipped" | "missed" | "due" (its time has come) | "upcoming"
    taken_at: datetime | None = None
    reason: str = ""  # why it was skipped

    @property
    def label(self) -> str:
        return self.step.hint or self.step.label

    @property
    def open(self) -> bool:
        return self.state in ("due", "missed", "upcoming")


def _instants(ts: TimedStep) -> Iterator[datetime]:
    if not ts.step.every or ts.end is None:
        yield ts.start
        return
    at, every = ts.start, timedelta(minutes=ts.step.every)
    while at <= ts.end:
        yield at
        at += every


def _grace(step: Step) -> timedelta:
    return min(GRACE, timedelta(minutes=step.every / 2)) if step.every else GRACE


def _anchor_instant(timeline: Timeline, ts: TimedStep) -> datetime:
    anchor = ts.step.start.anchor
    if anchor == "start" or timeline.first_dose is None:
        return timeline.started_at
    if anchor == "dose":
        return timeline.first_dose
    return ts.start - timedelta(minutes=ts.step.start.minutes)  # this step's last dose


def schedule(record: SessionRecord, timeline: Timeline, now: datetime) -> list[DueReading]:
    """Every reading the protocol asks for up to the plan's end, oldest first. Steps hanging
    on a dose not given yet are left out: their times are still guesses."""
    skips = {parse_instant(e["at"]): e.get("detail", "") for e in record.events
             if e["kind"] == SKIPPED}
    readings = sorted(record.readings, key=lambda r: (r.reading.taken_at, r.id))
    used: set[int] = set()
    due: list[DueReading] = []
    steps = [ts for ts in timeline.steps if ts.step.vitals and ts.confirmed]
    for ts in steps:
        for at in _instants(ts):
            window: tuple[datetime, datetime | None]
            if ts.step.every:
                half = timedelta(minutes=ts.step.every / 2)
                window = (at - half, at + half)
            else:
                window = (_anchor_instant(timeline, ts), None)
            match = next((r for r in readings if r.id not in used
                          and _counts(ts.step.vitals, r.reading.checkpoint)
                          and r.reading.taken_at >= window[0]
                          and (window[1] is None or r.reading.taken_at < window[1])), None)
            if match is not None:
                used.add(match.id)
                due.append(DueReading(ts.step, at, "taken", match.reading.taken_at))
            elif at in skips:
                due.append(DueReading(ts.step, at, "skipped", reason=skips[at]))
            elif now >= at + _grace(ts.step) and not ts.step.optional:
                due.append(DueReading(ts.step, at, "missed"))
            else:
                due.append(DueReading(ts.step, at, "due" if now >= at else "upcoming"))
    due.sort(key=lambda d: d.at)
    return due


def _counts(asked: str, taken: str) -> bool:
    return asked == "other" or asked == taken


def missed(record: SessionRecord, timeline: Timeline, now: datetime) -> list[DueReading]:
    """Readings whose time has passed untaken and unskipped (never an optional one); none
    once the client has been discharged."""
    if record.discharge is not None:
        return []
    return [d for d in schedule(record, timeline, now) if d.state == "missed"]
