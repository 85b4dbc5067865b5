"""Looking back at a session: everything around a chosen moment ("what was playing when the
client said…")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import parse_instant
from kapdesk.domain.vitals import CHECKPOINT_LABELS
from kapdesk.domain.vocabulary import EVENT_KINDS, NOTE_KINDS, RATING_LEVELS, RATING_SCALES

AROUND = timedelta(minutes=5)


@dataclass(frozen=True)
class Moment:
    at: datetime
    phase: str
    playing: str | None  # the track title, if music was playing
    nearby: tuple[tuple[datetime, str], ...]  # (instant, what) within AROUND, in time order


def playing_at(record: SessionRecord, at: datetime) -> str | None:
    for play in record.music_plays:
        start = parse_instant(play["started_at"])
        stop = parse_instant(play["stopped_at"]) if play["stopped_at"] else None
        if start <= at and (stop is None or at < stop):
            return play["title"]
    return None


def timeline_entries(record: SessionRecord) -> list[tuple[datetime, str]]:
    """Everything recorded in the session, as (instant, one line), in time order."""
    entries: list[tuple[datetime, str]] = []
    for dose in record.doses:
        entries.append((dose.given_at, f"{'Booster' if dose.is_booster else 'Dose'} "
                                       f"{dose.mg:g} mg"))
    for judged in record.readings:
        values = judged.reading.values()
        parts = [f"BP {values['systolic']}/{values['diastolic']}"] \
            if values["systolic"] is not None else []
        parts += [f"{label} {values[key]}" for key, label in
                  (("heart_rate", "HR"), ("resp_rate", "RR"), ("spo2", "SpO2"))
                  if values[key] is not None]
        verdict = f" — {judged.verdict.status}" if judged.verdict else ""
        entries.append((judged.reading.taken_at,
                        f"{CHECKPOINT_LABELS[judged.reading.checkpoint]} vitals: "
                        f"{', '.join(parts)}{verdict}"))
    for event in record.events:
        entries.append((parse_instant(event["at"]),
                        EVENT_KINDS.get(event["kind"], event["kind"])
                        + (f": {event['detail']}" if event["detail"] else "")))
    for rating in record.ratings:
        entries.append((parse_instant(rating["at"]), f"{RATING_SCALES[rating['scale']]}: "
                                                     f"{RATING_LEVELS[rating['value']]}"))
    for note in record.notes:
        entries.append((parse_instant(note["at"]),
                        f"{NOTE_KINDS[note['kind']]}: {note['body']}"))
    for play in record.music_plays:
        entries.append((parse_instant(play["started_at"]), f"♪ {play['title']}"))
    return sorted(entries, key=lambda entry: entry[0])


def moment(record: SessionRecord, at: datetime) -> Moment:
    timeline = record.timeline(at)
    phase = timeline.current_phase(at) if timeline else None
    nearby = tuple(e for e in timeline_entries(record) if abs(e[0] - at) <= AROUND)
    return Moment(at, phase.step.label if phase else "", playing_at(record, at), nearby)
