"""The readings a protocol asks for, and which of them were taken, skipped or missed.

A step with ``vitals`` asks for one reading at its start, or with ``every`` one reading each
``every`` minutes from its start to its end (e.g. blood pressure every 10 minutes through an
infusion). Everything is derived from the stored record at a given instant, so a restart
shows the same schedule.

When a reading counts for a due one: a reading at the same checkpoint, taken
- once: from the moment the step counts from (the start, the dose, the last dose) on, and
  for a mid-session one at most 15 minutes early (a reading 11 minutes after the dose is
  not the one planned 40 minutes after it); a discharge reading from before a booster says
  nothing about it;
- repeated: within half an interval of the due instant.
Each reading answers one due reading, the closest pairs first; a skipped one (an event with
the therapist's reason, at the due instant) takes none. A due reading still open ``grace``
minutes after its time is missed, unless optional.
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
EARLY = timedelta(minutes=15)  # a mid-session reading this much early still answers it
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
    slots = [(ts, at) for ts in timeline.steps if ts.step.vitals and ts.confirmed
             for at in _instants(ts)]
    taken = _match(record, timeline, [(i, ts, at) for i, (ts, at) in enumerate(slots)
                                      if at not in skips])
    due: list[DueReading] = []
    for index, (ts, at) in enumerate(slots):
        if index in taken:
            due.append(DueReading(ts.step, at, "taken", taken[index]))
        elif at in skips:
            due.append(DueReading(ts.step, at, "skipped", reason=skips[at]))
        elif now >= at + _grace(ts.step) and not ts.step.optional:
            due.append(DueReading(ts.step, at, "missed"))
        else:
            due.append(DueReading(ts.step, at, "due" if now >= at else "upcoming"))
    due.sort(key=lambda d: d.at)
    return due


def _match(record: SessionRecord, timeline: Timeline,
           open_slots: list[tuple[int, TimedStep, datetime]]) -> dict[int, datetime]:
    """Which reading answers which planned reading: a reading of the same checkpoint within
    the slot's window, the closest pairs first, each reading used once. A skipped slot takes
    no reading (the reading goes to the slot it was meant for), and a reading at another
    checkpoint never answers (a discharge reading is not the mid-session one)."""
    pairs = []
    for index, ts, at in open_slots:
        if ts.step.every:
            half = timedelta(minutes=ts.step.every / 2)
            low, high = at - half, at + half
        else:
            low, high = _anchor_instant(timeline, ts), None
            if ts.step.vitals == "other":  # a mid-session reading is about its moment
                low = max(low, at - EARLY)
        for judged in record.readings:
            taken = judged.reading.taken_at
            if judged.reading.checkpoint == ts.step.vitals and taken >= low \
                    and (high is None or taken < high):
                pairs.append((abs((taken - at).total_seconds()), index, judged.id, taken))
    answered: dict[int, datetime] = {}
    used: set[int] = set()
    for _distance, index, reading, taken in sorted(pairs, key=lambda p: p[:3]):
        if index not in answered and reading not in used:
            answered[index] = taken
            used.add(reading)
    return answered


def missed(record: SessionRecord, timeline: Timeline, now: datetime, *,
           planned: list[DueReading] | None = None) -> list[DueReading]:
    """Readings whose time has passed untaken and unskipped (never an optional one); none
    once the client has been discharged. ``planned``: the schedule, when already made."""
    if record.discharge is not None:
        return []
    if planned is None:
        planned = schedule(record, timeline, now)
    return [d for d in planned if d.state == "missed"]
