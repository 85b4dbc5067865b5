"""What the session window shows at a given instant, derived only from the stored record.

Nothing here is remembered between calls: a restart recomputes the same clock face, phase,
next step and recheck reminder from the same stored instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeline import Timeline
from kapdesk.domain.timeutil import parse_instant
from kapdesk.domain.vitals_schedule import DueReading, missed, schedule


@dataclass(frozen=True)
class Upcoming:
    label: str  # what to do, e.g. "spit or swallow"
    at: datetime

    def countdown(self, now: datetime) -> str:
        minutes = int(-(-(self.at - now).total_seconds() // 60))
        if minutes <= 0:
            return f"{self.label} now"
        return f"{self.label} in {minutes} min"


@dataclass(frozen=True)
class ClockFace:
    elapsed: timedelta
    since_last_dose: timedelta | None
    phase: str
    upcoming: tuple[Upcoming, ...]
    missed: tuple[DueReading, ...] = ()  # planned readings not taken nor skipped in time

    @property
    def next(self) -> Upcoming | None:
        return self.upcoming[0] if self.upcoming else None


def recheck_at(record: SessionRecord, taken_at: datetime) -> datetime:
    """When a reading that did not clear is to be taken again."""
    return taken_at + timedelta(minutes=record.protocol.recheck_minutes)


def recheck_due(record: SessionRecord) -> Upcoming | None:
    """A breached or incomplete latest reading at a checkpoint that still has to clear asks
    for a recheck ``recheck_minutes`` after it was taken."""
    newest = max(record.readings, key=lambda r: (r.reading.taken_at, r.id), default=None)
    for checkpoint, still_open in (
            ("pre_dose", not record.doses),
            ("discharge", record.discharge is None),
            # a mid-session breach is rechecked until a later reading of any kind follows it
            ("other", record.discharge is None and newest is record.latest("other"))):
        latest = record.latest(checkpoint)
        # a mid-session reading needs no recheck for a missing optional measure, only a breach
        settled = ("within", "incomplete") if checkpoint == "other" else ("within",)
        if still_open and latest and latest.verdict and latest.verdict.status not in settled:
            return Upcoming(RECHECK_LABELS[checkpoint],
                            recheck_at(record, latest.reading.taken_at))
    return None


RECHECK_LABELS = {"pre_dose": "recheck pre-dose vitals", "discharge": "recheck discharge vitals",
                  "other": "recheck vitals"}


def clock_face(record: SessionRecord, now: datetime) -> ClockFace:
    timeline = record.timeline(now)
    if timeline is None:
        raise ValueError("the session has not started")
    phase = timeline.current_phase(now)
    planned = schedule(record, timeline, now)  # once a tick, for the prompts and the missed
    upcoming = list(_prompts(timeline, record, now, planned))
    recheck = recheck_due(record)
    if recheck:
        upcoming.append(recheck)
    upcoming.sort(key=lambda u: u.at)
    return ClockFace(elapsed=timeline.elapsed(now), since_last_dose=timeline.since_last_dose(now),
                     phase=phase.step.label if phase else "", upcoming=tuple(upcoming),
                     missed=tuple(missed(record, timeline, now, planned=planned)))


def _prompts(timeline: Timeline, record: SessionRecord, now: datetime,
             planned: list[DueReading]):
    """Steps still to come, minus those already done (dose given, vitals taken); a reading
    the protocol asks for stays until it is taken, skipped or missed."""
    answered_spit = [parse_instant(e["at"]) for e in record.events
                     if e["kind"] in ("spit", "swallow")]
    for ts in timeline.steps:
        step = ts.step
        at = ts.start
        if step.key == "discharge" and timeline.last_dose is not None:
            # The gate's time condition is the order's minimum stay (else the protocol's):
            # the countdown says when it is met, and never plans discharge before it.
            stay_met = timeline.last_dose + timedelta(minutes=record.min_minutes_after_dose())
            if stay_met != at and stay_met > now - timedelta(minutes=1):
                yield Upcoming("minimum stay met", stay_met)
            at = max(at, stay_met)
        if step.vitals or not step.hint or at <= now - timedelta(minutes=1):
            continue
        if not ts.confirmed:  # hangs off a dose not given yet: only "dose planned" counts
            continue
        if step.key == "opening" and record.doses:
            continue
        if step.key == "booster" and any(d.is_booster for d in record.doses):
            continue
        if step.key == "spit":  # one prompt, for the latest dose, until spit or swallow
            dose_at = ts.start - timedelta(minutes=step.start.minutes)
            if timeline.last_dose and dose_at < timeline.last_dose:
                continue
            if any(spat >= dose_at for spat in answered_spit):
                continue
        yield Upcoming(step.hint, at)
    shown: set[str] = set()
    for due in planned:  # the next open reading of each step
        if due.state in ("due", "upcoming") and due.step.key not in shown:
            shown.add(due.step.key)
            yield Upcoming(due.label, due.at)
    if not record.doses:
        yield Upcoming("dose planned", max(timeline.started_at + timedelta(
            minutes=record.protocol.planned_dose_minutes), now))


def suggested_checkpoint(record: SessionRecord, now: datetime) -> str:
    """The checkpoint of a planned reading due now (the closest, within five minutes);
    else: before the dose, pre-dose; from the discharge-vitals step on, discharge; between,
    a mid-session reading."""
    timeline = record.timeline(now)
    if timeline is not None:
        near = [d for d in schedule(record, timeline, now) if d.open
                and abs(d.at - now) <= timedelta(minutes=5)]
        if near:
            return min(near, key=lambda d: abs(d.at - now)).step.vitals
    if not record.doses:
        return "pre_dose"
    post = next((ts for ts in timeline.steps if ts.step.vitals == "discharge"), None) \
        if timeline else None
    if post and now >= post.start - timedelta(minutes=15):
        return "discharge"
    return "other"
