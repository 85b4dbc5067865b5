"""Replaying an imported session through the same rules the live app applies.

A record file is accepted only if kapdesk itself could have produced it: every dose is
decided again by :func:`kapdesk.domain.dosing.decide_dose` with what was recorded before it,
and the discharge by the same gate, at its own instant. A refusal names the place in the file
and the rule, e.g. ``sessions[2].doses[1]: a booster follows the first dose``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kapdesk.domain.dosing import CLOCK_TOLERANCE, check_mg, decide_dose
from kapdesk.domain.errors import InvalidInput, KapdeskError
from kapdesk.domain.gates import override_reason
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, protocol_from_json
from kapdesk.domain.session import Dose, JudgedReading, SessionRecord
from kapdesk.domain.thresholds import Thresholds
from kapdesk.domain.timeutil import latest_local_day, parse_instant
from kapdesk.domain.vitals import MEASURES, Reading
from kapdesk.export.checks import an

RUNNING = ("is still running on the laptop it came from. A record never brings a running "
           "session onto another laptop: discharge or end it there, then export again")

Row = Mapping[str, Any]
Placed = Sequence[tuple[str, Row]]  # (place in the file, checked row)


@dataclass
class SessionEntries:
    """One session of a record file, checked field by field, waiting to be replayed."""

    path: str
    session: Row
    order: Row | None
    thresholds: Thresholds | None
    protocol: Mapping[str, Any] | None
    doses: Placed = ()
    vitals: Placed = ()
    events: Placed = ()
    ratings: Placed = ()
    notes: Placed = ()
    music_plays: Placed = ()
    discharge: tuple[str, Row] | None = None
    clinical: list[str] = field(default_factory=list)


def _at(row: Row, key: str) -> datetime | None:
    value = row.get(key)
    return parse_instant(value) if value else None


def _placed(path: str, error: KapdeskError) -> InvalidInput:
    return InvalidInput(path, error.reason if isinstance(error, InvalidInput) else str(error))


def replay_session(entries: SessionEntries, *, now: datetime) -> None:
    """Raise InvalidInput naming the first entry the app could not have recorded."""
    path, s = entries.path, entries.session
    started, ended = _at(s, "started_at"), _at(s, "ended_at")
    kind = s["kind"]
    clinical = {"doses": entries.doses, "vitals": entries.vitals, "events": entries.events,
                "ratings": entries.ratings, "music_plays": entries.music_plays}
    if kind != SessionKind.MEDICATION:
        for key, rows in clinical.items():
            if rows:
                what = key.replace("_", " ")
                raise InvalidInput(rows[0][0], f"{an(kind)} session has no {what}; only a "
                                               "medication session does")
        if entries.discharge:
            raise InvalidInput(entries.discharge[0], f"{an(kind)} session has no discharge")
        if s["ride_confirmed_at"]:  # the pre-flight of a medication session confirms it
            raise InvalidInput(f"{path}.ride_home.confirmed_at",
                               f"{an(kind)} session has no ride home to confirm; only a "
                               "medication session does")
    if started is None:
        if ended is not None:
            raise InvalidInput(f"{path}.ended_at", "a session cannot end without starting")
        for rows in (*clinical.values(), entries.notes):
            if rows:
                raise InvalidInput(rows[0][0], "the session has not started")
        if entries.discharge:
            raise InvalidInput(entries.discharge[0], "the session has not started")
        return
    if started > now + CLOCK_TOLERANCE:
        raise InvalidInput(f"{path}.started_at", "a session cannot have started in the future")
    if ended is None:
        raise InvalidInput(f"{path}.ended_at", f"this session {RUNNING}")
    if ended < started:
        raise InvalidInput(f"{path}.ended_at", "the session ends before it starts")
    for rows, key in ((entries.doses, "given_at"), (entries.vitals, "taken_at"),
                      (entries.events, "at"), (entries.ratings, "at"),
                      (entries.music_plays, "started_at")):
        for p, row in rows:
            at = _at(row, key)
            assert at is not None
            if not started <= at <= ended:
                raise InvalidInput(f"{p}.{key}", "falls outside the session "
                                                 f"({s['started_at']} to {s['ended_at']})")
    for p, row in entries.notes:
        note_at = _at(row, "at")
        if note_at is not None and note_at < started:
            raise InvalidInput(f"{p}.at", "a note cannot be written before its session started")
    if kind == SessionKind.MEDICATION:
        _replay_medication(entries, started, ended)


def _record(entries: SessionEntries) -> SessionRecord:
    s = entries.session
    record = SessionRecord(
        session={"id": 0, "kind": s["kind"], "started_at": s["started_at"],
                 "ended_at": None, "ride_confirmed_at": s.get("ride_confirmed_at"),
                 "ride_home_name": s.get("ride_home_name", ""), "course_id": None},
        client={}, thresholds=entries.thresholds,
        order=dict(entries.order) if entries.order else None,
        protocol=protocol_from_json(entries.protocol) if entries.protocol
        else DEFAULT_PROTOCOL)
    replaced = {row.get("corrects_uid") for _, row in entries.vitals}
    for i, (_, row) in enumerate(entries.vitals):
        if row["uid"] in replaced:
            continue
        at = _at(row, "taken_at")
        assert at is not None
        reading = Reading(taken_at=at, checkpoint=row["checkpoint"],
                          **{m: row.get(m) for m in MEASURES})
        record.readings.append(JudgedReading(i, reading, record.judge(reading)))
    return record


def _replay_medication(entries: SessionEntries, started: datetime, ended: datetime) -> None:
    path = entries.path
    if entries.order is None or entries.thresholds is None:
        missing = "order_uid" if entries.order is None else "thresholds_uid"
        raise InvalidInput(f"{path}.{missing}", "a medication session that took place names "
                                                "the prescriber's order and thresholds it was "
                                                "judged by")
    _check_in_force(entries, started)
    _check_ride(entries, started, ended)
    record = _record(entries)
    replaced = {row.get("corrects_uid") for _, row in entries.doses}
    current = [(p, row) for p, row in entries.doses if row["uid"] not in replaced]
    for p, row in entries.doses:
        check_mg(f"{p}.mg", row["mg"])
        if not row.get("corrects_uid"):
            for key in ("medicine", "form", "route"):
                if row[key] != entries.order[key]:
                    raise InvalidInput(f"{p}.{key}", f"{row[key]!r} is not what the session's "
                                                     f"order gives ({entries.order[key]!r})")
    for i, (p, row) in enumerate(sorted(current, key=lambda pr: pr[1]["given_at"])):
        given_at = _at(row, "given_at")
        assert given_at is not None
        if row.get("corrects_uid"):  # a later correction: the rules held for the original
            record.doses.append(_dose(i, row, given_at))
            continue
        try:
            decide_dose(record, given_at=given_at, now=ended, mg=row["mg"],
                        is_booster=bool(row["is_booster"]),
                        amount_reason=row.get("amount_reason"),
                        gate_reason=row.get("gate_override_reason"))
        except KapdeskError as exc:
            raise _placed(p, exc) from None
        record.doses.append(_dose(i, row, given_at))
    if entries.discharge is None:
        raise InvalidInput(f"{path}.discharge", "a medication session that ended has its "
                                                "discharge")
    p, d = entries.discharge
    at = _at(d, "at")
    assert at is not None
    if at != ended:
        raise InvalidInput(f"{p}.at", "the discharge is when the session ended")
    if record.last_dose and at < record.last_dose.given_at:
        raise InvalidInput(f"{p}.at", "the discharge cannot be before the last dose")
    gate = record.discharge_gate(at)
    if d["cleared"] and not gate.open:
        raise InvalidInput(f"{p}.cleared", "the file says the discharge gate cleared, but at "
                                           "that time: " + "; ".join(gate.reasons))
    if not d["cleared"] and gate.open:
        raise InvalidInput(f"{p}.cleared", "the gate was open at that time, so the discharge "
                                           "cleared; it was not an override")
    try:
        override_reason(gate, d.get("override_reason"))
    except KapdeskError as exc:
        raise _placed(f"{p}.override_reason", exc) from None
    if bool(d["ride_home_confirmed"]) != record.ride_confirmed_by(at):
        raise InvalidInput(f"{p}.ride_home_confirmed", "does not agree with the session's "
                                                       "ride home confirmation")


def _check_in_force(entries: SessionEntries, started: datetime) -> None:
    """A session is judged by the order and thresholds in force when it started, so neither
    is dated after that day."""
    assert entries.order is not None and entries.thresholds is not None
    dated = (("order_uid", "order", date.fromisoformat(entries.order["ordered_on"])),
             ("thresholds_uid", "thresholds", entries.thresholds.set_on))
    for key, what, day in dated:
        if day > latest_local_day(started):
            raise InvalidInput(f"{entries.path}.{key}", f"names {what} dated {day.isoformat()}, "
                                                        "after the session started; a session "
                                                        f"is judged by the {what} in force then")


def _check_ride(entries: SessionEntries, started: datetime, ended: datetime) -> None:
    """The ride home is confirmed during the session, and the discharge names that ride."""
    s = entries.session
    confirmed = _at(s, "ride_confirmed_at")
    if confirmed is not None and not started <= confirmed <= ended:
        raise InvalidInput(f"{entries.path}.ride_home.confirmed_at",
                           "the ride home is confirmed during the session")
    if entries.discharge is not None:
        p, d = entries.discharge
        if (d["ride_home_name"] or "") != (s["ride_home_name"] or ""):
            raise InvalidInput(f"{p}.ride_home_name", f"{d['ride_home_name']!r} is not the "
                                                      "session's ride home "
                                                      f"({s['ride_home_name']!r})")


def _dose(i: int, row: Row, given_at: datetime) -> Dose:
    return Dose(id=i, given_at=given_at, mg=row["mg"], medicine=row["medicine"],
                form=row["form"], route=row["route"], is_booster=bool(row["is_booster"]))
