"""Looking back at a session: everything around a chosen moment ("what was playing when the
client said…")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.sharing import is_private
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vitals import CHECKPOINT_LABELS, vitals_text
from kapdesk.domain.vocabulary import EVENT_KINDS, NOTE_KINDS, RATING_LEVELS, RATING_SCALES

AROUND = timedelta(minutes=5)


@dataclass(frozen=True)
class Moment:
    at: datetime
    phase: str
    playing: str | None  # the track title, if music was playing
    nearby: tuple[Entry, ...]  # what was recorded within AROUND, in time order


def playing_at(record: SessionRecord, at: datetime) -> str | None:
    for play in record.music_plays:
        start = parse_instant(play["started_at"])
        stop = parse_instant(play["stopped_at"]) if play["stopped_at"] else None
        if start <= at and (stop is None or at < stop):
            return play["title"]
    return None


@dataclass(frozen=True)
class Entry:
    at: datetime
    text: str
    # "note", "vitals", "dose" (amended or corrected); "event", "rating" (struck out)
    kind: str = ""
    ref: int | None = None
    private: bool = False  # a process note: what quotes it stays private too


def _vitals_line(judged, label: str) -> str:
    verdict = f" — {judged.verdict.status}" if judged.verdict else ""
    return f"{label}: {vitals_text(judged.reading.values())}{verdict}"


def timeline_entries(record: SessionRecord) -> list[Entry]:
    """Everything recorded in the session, one line each, in time order; corrections and
    amendments are shown with what they replaced."""
    entries: list[Entry] = []
    for dose in record.doses:
        text = f"{'Booster' if dose.is_booster else 'Dose'} {dose.mg:g} mg"
        if dose.correction_reason:
            text += f" (corrected: {dose.correction_reason})"
        entries.append(Entry(dose.given_at, text, "dose", dose.id))
    for dose in record.superseded_doses:
        entries.append(Entry(dose.given_at, f"{'Booster' if dose.is_booster else 'Dose'} "
                                            f"{dose.mg:g} mg (replaced by a correction)"))
    for judged in record.readings:
        label = f"{CHECKPOINT_LABELS[judged.reading.checkpoint]} vitals"
        text = _vitals_line(judged, label)
        if judged.correction_reason:
            text += f" (corrected: {judged.correction_reason})"
        entries.append(Entry(judged.reading.taken_at, text, "vitals", judged.id))
    for judged in record.superseded_readings:
        label = f"{CHECKPOINT_LABELS[judged.reading.checkpoint]} vitals"
        entries.append(Entry(judged.reading.taken_at,
                             _vitals_line(judged, label) + " (replaced by a correction)"))
    for event in record.events:
        entries.append(Entry(parse_instant(event["at"]), _event_text(event), "event",
                             event["id"]))
    for event in record.struck_events:
        entries.append(Entry(parse_instant(event["at"]),
                             f"struck out: {_event_text(event)} ({event['struck_reason']})"))
    for rating in record.ratings:
        entries.append(Entry(parse_instant(rating["at"]), _rating_text(rating), "rating",
                             rating["id"]))
    for rating in record.struck_ratings:
        entries.append(Entry(parse_instant(rating["at"]),
                             f"struck out: {_rating_text(rating)} ({rating['struck_reason']})"))
    if record.discharge:
        d = record.discharge
        entries.append(Entry(parse_instant(d["at"]), "Discharged: the gate cleared"
                             if d["cleared"] else
                             f"Discharged with an override: {d['override_reason']}"))
    for note in record.notes:
        text = f"{NOTE_KINDS[note['kind']]}: {note['body']}"
        if note.get("amended_at"):
            amended = local(parse_instant(note["amended_at"]))
            text += f"  (amended {amended:%d %b %H:%M}; first written: “" + \
                record.note_versions[note["id"]][0]["body"] + "”)"
        entries.append(Entry(parse_instant(note["at"]), text, "note", note["id"],
                             private=is_private(note["kind"])))
    for play in record.music_plays:
        entries.append(Entry(parse_instant(play["started_at"]), f"♪ {play['title']}"))
    return sorted(entries, key=lambda entry: entry.at)


def moment(record: SessionRecord, at: datetime) -> Moment:
    timeline = record.timeline(at)
    phase = timeline.current_phase(at) if timeline else None
    nearby = tuple(e for e in timeline_entries(record) if abs(e.at - at) <= AROUND)
    return Moment(at, phase.step.label if phase else "", playing_at(record, at), nearby)


def _rating_text(rating: dict) -> str:
    return f"{RATING_SCALES[rating['scale']]}: {RATING_LEVELS[rating['value']]}"


def _event_text(event: dict) -> str:
    return EVENT_KINDS.get(event["kind"], event["kind"]) + (
        f": {event['detail']}" if event["detail"] else "")
