"""A course at a glance: one row per medication session, the figures a therapist and a
prescriber compare across sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kapdesk.domain.session import JudgedReading, SessionRecord
from kapdesk.domain.thresholds import Thresholds
from kapdesk.domain.vocabulary import ADVERSE_EVENTS, EVENT_KINDS, RATING_LEVELS


@dataclass(frozen=True)
class CourseRow:
    session_id: int
    number: int | None
    started_at: datetime
    dose_mg: float  # all lozenges together
    booster_mg: float
    pre_dose: JudgedReading | None  # the reading the dose was given on (latest pre-dose)
    discharge: JudgedReading | None  # the reading the client left on (latest discharge)
    peak_systolic: int | None
    peak_diastolic: int | None
    adverse: tuple[str, ...]
    sedation: str | None  # the strongest rated
    dissociation: str | None
    scores: dict[str, int]  # outcome totals recorded with this session or its integration
    discharge_overridden: bool
    thresholds: Thresholds | None = None  # the version this session was judged by
    peak_breached: bool = False  # the peak reading was outside the thresholds it was judged by
    course_id: int | None = None


def _strongest(record: SessionRecord, scale: str) -> str | None:
    values = [r["value"] for r in record.ratings if r["scale"] == scale]
    return RATING_LEVELS[max(values)] if values else None


def course_rows(records: Sequence[SessionRecord],
                outcomes: Sequence[dict[str, Any]] = ()) -> list[CourseRow]:
    """``records``: the client's medication sessions that took place, in order.
    ``outcomes``: outcome rows with ``session_id`` and ``medication_session_id`` (the
    medication session of an integration session), so scores land on their session."""
    rows = []
    for record in records:
        if record.started_at is None:  # not taken place: nothing to chart
            continue
        judged = max((r for r in record.readings if r.reading.systolic is not None),
                     key=lambda r: r.reading.systolic or 0, default=None)
        peak = judged.reading if judged else None
        scores = {o["instrument"]: o["score"] for o in outcomes
                  if record.id in (o["session_id"], o.get("medication_session_id"))}
        rows.append(CourseRow(
            session_id=record.id, number=record.session["number"],
            started_at=record.started_at,
            dose_mg=sum(d.mg for d in record.doses),
            booster_mg=sum(d.mg for d in record.doses if d.is_booster),
            pre_dose=record.latest("pre_dose"), discharge=record.latest("discharge"),
            peak_systolic=peak.systolic if peak else None,
            peak_diastolic=peak.diastolic if peak else None,
            adverse=tuple(EVENT_KINDS[e["kind"]] for e in record.events
                          if e["kind"] in ADVERSE_EVENTS),
            sedation=_strongest(record, "sedation"),
            dissociation=_strongest(record, "dissociation"),
            scores=scores,
            discharge_overridden=bool(record.discharge and not record.discharge["cleared"]),
            thresholds=record.thresholds,
            peak_breached=bool(judged and judged.verdict
                               and judged.verdict.status == "breach"),
            course_id=record.session.get("course_id"),
        ))
    return rows
