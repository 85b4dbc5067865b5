"""Sessions and what happens in them. Each function commits before it returns, so what the
window shows as saved is on disk; the clinical gates are enforced here, not only in the UI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.gates import override_reason
from kapdesk.domain.mistakes import strike_reason, undo_reason
from kapdesk.domain.protocol import protocol_from_json
from kapdesk.domain.session import Dose, JudgedReading, SessionRecord
from kapdesk.domain.thresholds import Verdict
from kapdesk.domain.timeutil import parse_instant, to_iso
from kapdesk.domain.vitals import MEASURES, Reading, make_reading
from kapdesk.domain.vocabulary import (
    EVENT_KINDS,
    NOTE_KINDS,
    PRIVATE_NOTE_KINDS,
    RATING_LEVELS,
    RATING_SCALES,
    SESSION_KINDS,
    require_kind,
    require_text,
)
from kapdesk.storage.clients import get_client
from kapdesk.storage.practice import practice_protocol
from kapdesk.storage.prescriptions import current_order, current_thresholds, thresholds_by_id
from kapdesk.storage.rows import insert, maybe, one, stamp


def schedule_session(db: Database, client_id: int, kind: str, *, course_id: int | None = None,
                     number: int | None = None, scheduled_for: datetime | None = None,
                     medication_session_id: int | None = None, uid: str | None = None) -> int:
    require_kind("kind", kind, SESSION_KINDS)
    get_client(db, client_id)
    if medication_session_id is not None:
        if kind != "integration":
            raise InvalidInput("medication_session_id", "only integration sessions link back")
        linked = get_session(db, medication_session_id)
        if linked["kind"] != "medication" or linked["client_id"] != client_id:
            raise InvalidInput("medication_session_id",
                               "must be a medication session of the same client")
    return insert(db, "sessions", {
        "uid": uid, "client_id": client_id, "course_id": course_id, "kind": kind,
        "number": number, "medication_session_id": medication_session_id,
        "scheduled_for": to_iso(scheduled_for) if scheduled_for else None,
        "created_at": stamp(),
    })


def start_session(db: Database, session_id: int, *, started_at: datetime, intention: str = "",
                  ride_home_name: str = "", ride_home_phone: str = "") -> None:
    """Start the clock. A medication session fixes the order and threshold versions it will be
    judged by, and the protocol it runs, so later edits never change its history."""
    session = get_session(db, session_id)
    if session["started_at"]:
        raise NotAllowed(f"session {session_id} has already started")
    values: dict[str, Any] = {"id": session_id, "started_at": to_iso(started_at),
                              "intention": intention.strip(), "ride_home_name": ride_home_name,
                              "ride_home_phone": ride_home_phone, "order_id": None,
                              "threshold_version_id": None, "protocol": None}
    if session["kind"] == "medication":
        thresholds = current_thresholds(db, session["client_id"])
        order = current_order(db, session["client_id"])
        missing = [what for what, have in (("the prescriber's thresholds", thresholds),
                                           ("the prescriber's order", order)) if not have]
        if missing:
            raise NotAllowed("cannot start a medication session without "
                             + " and ".join(missing))
        values.update(order_id=order["id"], threshold_version_id=thresholds[0],
                      protocol=json.dumps(practice_protocol(db).to_json()))
    db.execute("""UPDATE sessions SET started_at = :started_at, intention = :intention,
                  ride_home_name = :ride_home_name, ride_home_phone = :ride_home_phone,
                  order_id = :order_id, threshold_version_id = :threshold_version_id,
                  protocol = :protocol WHERE id = :id""", values)


def get_session(db: Database, session_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM sessions WHERE id = ?", (session_id,),
               what=f"session {session_id}")


def list_sessions(db: Database, client_id: int | None = None) -> list[dict[str, Any]]:
    """Sessions with their client, by date (started, else scheduled)."""
    where, params = ("WHERE s.client_id = ?", (client_id,)) if client_id else ("", ())
    return list(db.query(f"""
        SELECT s.*, c.display_name AS client_name,
               coalesce(s.started_at, s.scheduled_for) AS date,
               d.at AS discharged_at, d.cleared AS discharge_cleared
        FROM sessions s JOIN clients c ON c.id = s.client_id
        LEFT JOIN discharges d ON d.session_id = s.id
        {where} ORDER BY coalesce(s.started_at, s.scheduled_for, s.created_at), s.id""", params))


def running_session(db: Database) -> int | None:
    """The medication session that was started and not yet ended (for resume)."""
    row = maybe(db, """SELECT id FROM sessions WHERE started_at IS NOT NULL AND ended_at IS NULL
                       AND kind = 'medication' ORDER BY started_at DESC LIMIT 1""")
    return row["id"] if row else None


def load_session(db: Database, session_id: int) -> SessionRecord:
    session = get_session(db, session_id)
    thresholds = (thresholds_by_id(db, session["threshold_version_id"])
                  if session["threshold_version_id"] else None)
    order = (maybe(db, "SELECT * FROM orders WHERE id = ?", (session["order_id"],))
             if session["order_id"] else None)
    record = SessionRecord(session=session, client=get_client(db, session["client_id"]),
                           thresholds=thresholds, order=order)
    if session["protocol"]:
        record.protocol = protocol_from_json(json.loads(session["protocol"]))
    doses = _children(db, "doses", session_id, "given_at")
    replaced = {r["corrects_id"] for r in doses if r["corrects_id"]}
    for r in doses:
        dose = Dose(id=r["id"], given_at=parse_instant(r["given_at"]), mg=r["mg"],
                    medicine=r["medicine"], form=r["form"], route=r["route"],
                    is_booster=bool(r["is_booster"]), amount_reason=r["amount_reason"],
                    gate_override_reason=r["gate_override_reason"],
                    corrects_id=r["corrects_id"], correction_reason=r["correction_reason"])
        (record.superseded_doses if r["id"] in replaced else record.doses).append(dose)
    readings = _children(db, "vitals", session_id, "taken_at")
    replaced = {r["corrects_id"] for r in readings if r["corrects_id"]}
    for row in readings:
        reading = Reading(taken_at=parse_instant(row["taken_at"]), checkpoint=row["checkpoint"],
                          **{m: row[m] for m in MEASURES})
        judged = JudgedReading(row["id"], reading, record.judge(reading), row["corrects_id"],
                               row["correction_reason"])
        (record.superseded_readings if row["id"] in replaced else record.readings).append(
            judged)
    for event in _children(db, "events", session_id, "at"):
        (record.struck_events if event["struck_at"] else record.events).append(event)
    for rating in _children(db, "ratings", session_id, "at"):
        (record.struck_ratings if rating["struck_at"] else record.ratings).append(rating)
    record.notes = _children(db, "notes", session_id, "at")
    for version in db.query("""SELECT v.* FROM note_versions v JOIN notes n ON n.id = v.note_id
                               WHERE n.session_id = ? ORDER BY v.replaced_at, v.id""",
                            (session_id,)):
        record.note_versions.setdefault(version["note_id"], []).append(version)
    record.music_plays = _children(db, "music_plays", session_id, "started_at")
    record.discharge = maybe(db, "SELECT * FROM discharges WHERE session_id = ?", (session_id,))
    return record


def _children(db: Database, table: str, session_id: int, order: str) -> list[dict[str, Any]]:
    return list(db.query(f"SELECT * FROM {table} WHERE session_id = ? ORDER BY {order}, id",
                         (session_id,)))


def _running(db: Database, session_id: int) -> SessionRecord:
    record = load_session(db, session_id)
    if not record.session["started_at"]:
        raise NotAllowed("the session has not started yet")
    if record.session["ended_at"]:
        raise NotAllowed("the session has ended; corrections are made from its review")
    return record


def record_vitals(db: Database, session_id: int, values: Mapping[str, object], *,
                  taken_at: datetime, checkpoint: str) -> tuple[int, Verdict | None]:
    """Store a plausible reading and return its verdict; an implausible one raises and
    stores nothing. Out-of-threshold readings are stored and flagged, never refused."""
    record = _running(db, session_id)
    reading = make_reading(values, taken_at=taken_at, checkpoint=checkpoint)
    row_id = insert(db, "vitals", {"session_id": session_id, "taken_at": to_iso(taken_at),
                                   "checkpoint": checkpoint, **reading.values(),
                                   "created_at": stamp()})
    return row_id, record.judge(reading)


def record_dose(db: Database, session_id: int, *, given_at: datetime, mg: float | None = None,
                is_booster: bool = False, amount_reason: str | None = None,
                gate_reason: str | None = None) -> int:
    """Record a dose as ordered. The first dose needs an open dosing gate or a written reason
    (e.g. the prescriber was consulted); a booster needs an order that allows it."""
    record = _running(db, session_id)
    order = record.order
    if order is None:
        raise NotAllowed("no prescriber's order is attached to this session")
    if is_booster:
        refusal = record.booster_refusal()
        if refusal:
            raise NotAllowed(refusal)
        ordered_mg = order["booster_mg"]
        stored_gate_reason = override_reason(record.booster_gate(given_at), gate_reason)
    else:
        if record.doses:
            raise NotAllowed("the dose is already recorded; a further lozenge is a booster")
        stored_gate_reason = override_reason(record.dosing_gate(), gate_reason)
        ordered_mg = order["dose_mg"]
    mg = ordered_mg if mg is None else mg
    if not isinstance(mg, int | float) or not 0 < mg <= 1000:
        raise InvalidInput("mg", f"dose must be between 0 and 1000 mg, not {mg!r}")
    reason = (amount_reason or "").strip() or None
    if mg != ordered_mg and not reason:
        raise InvalidInput("amount_reason",
                           f"{mg:g} mg differs from the {ordered_mg:g} mg ordered: give a reason")
    return insert(db, "doses", {
        "session_id": session_id, "given_at": to_iso(given_at), "mg": mg,
        "medicine": order["medicine"], "form": order["form"], "route": order["route"],
        "is_booster": int(is_booster), "amount_reason": reason,
        "gate_override_reason": stored_gate_reason, "created_at": stamp(),
    })


def record_event(db: Database, session_id: int, kind: str, *, at: datetime,
                 detail: str = "") -> int:
    require_kind("kind", kind, EVENT_KINDS)
    _running(db, session_id)
    return insert(db, "events", {"session_id": session_id, "at": to_iso(at), "kind": kind,
                                 "detail": detail.strip(), "created_at": stamp()})


STRIKABLE = {"events": "event", "ratings": "rating"}


def strike_entry(db: Database, table: str, entry_id: int, *, at: datetime,
                 reason: str | None = None, undo: bool = False) -> None:
    """Strike out a mis-keyed event or rating: it stays in the record with when and why,
    and no longer counts. ``undo`` is the one-key undo, allowed for a minute after it."""
    what = STRIKABLE[table]
    entry = one(db, f"SELECT * FROM {table} WHERE id = ?", (entry_id,), what=what)
    if entry["struck_at"]:
        raise NotAllowed(f"that {what} is already struck out")
    text = undo_reason(parse_instant(entry["at"]), at) if undo else strike_reason(reason)
    db.execute(f"UPDATE {table} SET struck_at = ?, struck_reason = ? WHERE id = ?",
               (to_iso(at), text, entry_id))


def record_rating(db: Database, session_id: int, scale: str, level: int | str, *,
                  at: datetime) -> int:
    require_kind("scale", scale, RATING_SCALES)
    value = RATING_LEVELS.index(level) if isinstance(level, str) and level in RATING_LEVELS \
        else level
    if not isinstance(value, int) or not 0 <= value < len(RATING_LEVELS):
        raise InvalidInput(scale, f"rate as one of {', '.join(RATING_LEVELS)}")
    _running(db, session_id)
    return insert(db, "ratings", {"session_id": session_id, "at": to_iso(at), "scale": scale,
                                  "value": value, "created_at": stamp()})


def add_note(db: Database, session_id: int, kind: str, body: str, *, at: datetime,
             shareable: bool = False) -> int:
    require_kind("kind", kind, NOTE_KINDS)
    if kind in PRIVATE_NOTE_KINDS and shareable:
        raise InvalidInput("shareable", "process notes are private and cannot be shared")
    get_session(db, session_id)
    now = stamp()
    return insert(db, "notes", {"session_id": session_id, "at": to_iso(at), "kind": kind,
                                "body": require_text("body", body, "The note"),
                                "shareable": int(shareable), "created_at": now,
                                "updated_at": now})


def update_note(db: Database, note_id: int, body: str) -> None:
    """Autosave of a note being typed; the note keeps its time and kind."""
    one(db, "SELECT id FROM notes WHERE id = ?", (note_id,), what=f"note {note_id}")
    db.execute("UPDATE notes SET body = ?, updated_at = ? WHERE id = ?",
               (require_text("body", body, "The note"), stamp(), note_id))


def confirm_ride_home(db: Database, session_id: int, *, at: datetime, name: str,
                      phone: str = "") -> None:
    get_session(db, session_id)
    db.execute("""UPDATE sessions SET ride_home_name = ?, ride_home_phone = ?,
                  ride_confirmed_at = ? WHERE id = ?""",
               (require_text("ride_home_name", name, "Who drives the client home"), phone,
                to_iso(at), session_id))


def record_discharge(db: Database, session_id: int, *, at: datetime,
                     reason: str | None = None) -> int:
    """Discharge and end the session. A closed gate needs a written override reason."""
    record = _running(db, session_id)
    gate = record.discharge_gate(at)
    written = override_reason(gate, reason)
    with db.atomic():
        discharge_id = insert(db, "discharges", {
            "session_id": session_id, "at": to_iso(at), "cleared": int(gate.open),
            "override_reason": written, "ride_home_confirmed": int(record.ride_confirmed),
            "ride_home_name": record.session["ride_home_name"], "created_at": stamp(),
        })
        db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (to_iso(at), session_id))
    return discharge_id


def reschedule_session(db: Database, session_id: int, when: datetime) -> None:
    """Move a session that has not started yet."""
    if get_session(db, session_id)["started_at"]:
        raise NotAllowed("a session that has started keeps its time")
    db.execute("UPDATE sessions SET scheduled_for = ? WHERE id = ?", (to_iso(when), session_id))


def end_session(db: Database, session_id: int, *, at: datetime) -> None:
    """End a session that has no discharge (preparation and integration sessions)."""
    session = get_session(db, session_id)
    if session["kind"] == "medication":
        raise NotAllowed("a medication session ends with its discharge")
    db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (to_iso(at), session_id))
