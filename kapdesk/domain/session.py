"""One session as a plain aggregate: what was given, measured and noted, and what follows.

Storage loads it (:func:`kapdesk.storage.sessions.load_session`); the gates, the timeline and
the exports read it. Nothing here touches a database or a widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kapdesk.domain.gates import Gate, booster_gate, discharge_gate, dosing_gate
from kapdesk.domain.kinds import Checkpoint
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, Protocol
from kapdesk.domain.thresholds import Thresholds, Verdict, judge_reading
from kapdesk.domain.timeline import Timeline, build_timeline
from kapdesk.domain.timeutil import parse_instant
from kapdesk.domain.vitals import Reading


@dataclass(frozen=True)
class Dose:
    id: int
    given_at: datetime
    mg: float
    medicine: str
    form: str
    route: str
    is_booster: bool
    amount_reason: str | None = None
    gate_override_reason: str | None = None
    corrects_id: int | None = None
    correction_reason: str | None = None


@dataclass(frozen=True)
class JudgedReading:
    id: int
    reading: Reading
    verdict: Verdict | None  # None only when the session has no thresholds to judge by
    corrects_id: int | None = None
    correction_reason: str | None = None


@dataclass
class SessionRecord:
    session: dict[str, Any]
    client: dict[str, Any]
    thresholds: Thresholds | None = None
    order: dict[str, Any] | None = None
    protocol: Protocol = DEFAULT_PROTOCOL
    doses: list[Dose] = field(default_factory=list)
    readings: list[JudgedReading] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # those that count
    # Events struck out as mis-keyed: kept and shown struck, never counted or exported.
    struck_events: list[dict[str, Any]] = field(default_factory=list)
    struck_ratings: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    discharge: dict[str, Any] | None = None
    music_plays: list[dict[str, Any]] = field(default_factory=list)
    # Entries replaced by a correction: kept and shown, never judged or exported as current.
    superseded_readings: list[JudgedReading] = field(default_factory=list)
    superseded_doses: list[Dose] = field(default_factory=list)
    note_versions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.session["id"]

    @property
    def start_intention(self) -> dict[str, Any] | None:
        """The intention the pre-flight wrote with the start, as a note at its instant: part
        of the start, not something recorded after it."""
        started = self.session.get("started_at")
        return next((n for n in self.notes if n["kind"] == "intention" and n["at"] == started),
                    None)

    @property
    def recorded_after_start(self) -> int:
        """Entries recorded after the start, struck or replaced ones and a note's earlier
        versions too (a draft of a note is not part of the record; it is counted where it
        matters)."""
        return (len(self.doses) + len(self.superseded_doses) + len(self.readings)
                + len(self.superseded_readings) + len(self.events) + len(self.struck_events)
                + len(self.ratings) + len(self.struck_ratings) + len(self.music_plays)
                + len(self.notes) - (self.start_intention is not None)
                + sum(len(v) for v in self.note_versions.values())
                + (self.discharge is not None))

    @property
    def recorded_anything(self) -> bool:
        return self.recorded_after_start > 0

    @property
    def started_at(self) -> datetime | None:
        value = self.session.get("started_at")
        return parse_instant(value) if value else None

    @property
    def ride_confirmed(self) -> bool:
        return bool(self.session.get("ride_confirmed_at"))

    @property
    def prescriber_id(self) -> int | None:
        """The prescriber responsible: the one who wrote the order, else the client's."""
        return (self.order or {}).get("prescriber_id") or self.client.get("prescriber_id")

    @property
    def first_dose(self) -> Dose | None:
        return self.doses[0] if self.doses else None

    @property
    def last_dose(self) -> Dose | None:
        return self.doses[-1] if self.doses else None

    def judge(self, reading: Reading) -> Verdict | None:
        return judge_reading(reading, self.thresholds) if self.thresholds else None

    def latest(self, checkpoint: str, at: datetime | None = None) -> JudgedReading | None:
        """The newest reading at ``checkpoint`` taken by ``at`` (any time when None): a
        decision made at an instant never sees a reading from after it."""
        matching = [r for r in self.readings if r.reading.checkpoint == checkpoint
                    and (at is None or r.reading.taken_at <= at)]
        return max(matching, key=lambda r: (r.reading.taken_at, r.id), default=None)

    def last_dose_by(self, at: datetime) -> Dose | None:
        given = [d for d in self.doses if d.given_at <= at]
        return given[-1] if given else None

    def discharge_reading(self, at: datetime) -> JudgedReading | None:
        """The discharge reading that decides at ``at``: the newest one taken by then and
        after the last dose. A reading from before a dose says nothing about its effect."""
        latest = self.latest(Checkpoint.DISCHARGE, at)
        last_dose = self.last_dose_by(at)
        if latest is None or (last_dose and latest.reading.taken_at <= last_dose.given_at):
            return None
        return latest

    def dosing_gate(self, at: datetime) -> Gate:
        latest = self.latest(Checkpoint.PRE_DOSE, at)
        return dosing_gate(self.thresholds, latest.verdict if latest else None)

    def booster_refusal(self) -> str | None:
        """Why no booster can be given at all now, or None."""
        if not self.doses:
            return "a booster follows the first dose; record the dose first"
        if not (self.order or {}).get("booster_allowed"):
            return "the prescriber's order does not allow a booster"
        return None

    def booster_gate(self, at: datetime) -> Gate:
        """Open from the protocol's booster window on; earlier needs a written reason."""
        window = next((s for s in self.protocol.steps if s.key == "booster"), None)
        if self.first_dose is None or window is None:
            return Gate()
        opens = self.first_dose.given_at + timedelta(minutes=window.start.minutes)
        return booster_gate(first_dose_at=self.first_dose.given_at, window_opens_at=opens, at=at)

    def min_minutes_after_dose(self) -> int:
        ordered = (self.order or {}).get("min_minutes_after_dose")
        return ordered if ordered is not None else self.protocol.min_minutes_after_last_dose

    def ride_confirmed_by(self, at: datetime) -> bool:
        confirmed = self.session.get("ride_confirmed_at")
        return confirmed is not None and parse_instant(confirmed) <= at

    def discharge_gate(self, now: datetime) -> Gate:
        reading = self.discharge_reading(now)
        stale = reading is None and self.latest(Checkpoint.DISCHARGE, now) is not None
        last_dose = self.last_dose_by(now)
        return discharge_gate(
            latest_discharge=reading.verdict if reading else None,
            last_dose_at=last_dose.given_at if last_dose else None,
            min_minutes_after_dose=self.min_minutes_after_dose(),
            ride_home_confirmed=self.ride_confirmed_by(now),
            now=now, stale_reading=stale,
        )

    def timeline(self, now: datetime) -> Timeline | None:
        if self.started_at is None:
            return None
        return build_timeline(
            self.protocol, self.started_at, [d.given_at for d in self.doses], now,
            booster_allowed=bool((self.order or {}).get("booster_allowed")),
        )
