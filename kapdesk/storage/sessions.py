"""Sessions and what happens in them: reads, and the writes the use cases in
:mod:`kapdesk.practice.session` make once the domain has allowed them. Nothing here decides."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.dosing import DoseDecision
from kapdesk.domain.protocol import protocol_from_json
from kapdesk.domain.session import Dose, JudgedReading, SessionRecord
from kapdesk.domain.timeutil import parse_instant, to_iso
from kapdesk.domain.vitals import MEASURES, Reading
from kapdesk.storage.prescriptions import thresholds_of
from kapdesk.storage.rows import NotFound, insert, maybe, one, stamp


def insert_session(db: Database, client_id: int, kind: str, *, course_id: int | None = None,
                   number: int | None = None, scheduled_for: datetime | None = None,
                   medication_session_id: int | None = None, uid: str | None = None) -> int:
    return insert(db, "sessions", {
        "uid": uid, "client_id": client_id, "course_id": course_id, "kind": kind,
        "number": number, "medication_session_id": medication_session_id,
        "scheduled_for": to_iso(scheduled_for) if scheduled_for else None,
        "created_at": stamp(),
    })


def set_started(db: Database, session_id: int, *, started_at: datetime, intention: str,
                ride_home_name: str, ride_home_phone: str, order_id: int | None,
                threshold_version_id: int | None, protocol: dict[str, Any] | None) -> None:
    db.execute("""UPDATE sessions SET started_at = ?, intention = ?, ride_home_name = ?,
                  ride_home_phone = ?, order_id = ?, threshold_version_id = ?, protocol = ?
                  WHERE id = ?""",
               (to_iso(started_at), intention, ride_home_name, ride_home_phone, order_id,
                threshold_version_id, json.dumps(protocol) if protocol else None, session_id))


def set_not_started(db: Database, session_id: int) -> None:
    """Back to planned: what the start wrote (its instant, the intention, the ride home, the
    order, thresholds and protocol it fixed) is cleared; the plan's own fields stay."""
    db.execute("""UPDATE sessions SET started_at = NULL, intention = '', ride_home_name = '',
                  ride_home_phone = '', ride_confirmed_at = NULL, order_id = NULL,
                  threshold_version_id = NULL, protocol = NULL WHERE id = ?""", (session_id,))


def delete_note(db: Database, note_id: int) -> None:
    db.execute("DELETE FROM notes WHERE id = ?", (note_id,))


def get_session(db: Database, session_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM sessions WHERE id = ?", (session_id,),
               what=f"session {session_id}")


def list_sessions(db: Database, client_id: int | None = None) -> list[dict[str, Any]]:
    """Sessions with their client, by date (started, else scheduled)."""
    where, params = ("WHERE s.client_id = ?", (client_id,)) if client_id else ("", ())
    return list(db.query(f"""
        SELECT s.*, c.display_name AS client_name,
               coalesce(s.started_at, s.scheduled_for) AS date,
               d.at AS discharged_at, d.cleared AS discharge_cleared,
               EXISTS (SELECT 1 FROM doses g WHERE g.session_id = s.id) AS dosed
        FROM sessions s JOIN clients c ON c.id = s.client_id
        LEFT JOIN discharges d ON d.session_id = s.id
        {where} ORDER BY coalesce(s.started_at, s.scheduled_for, s.created_at), s.id""", params))


def booked_between(db: Database, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Sessions not yet over whose start (or planned start) falls in [start, end], with
    their client; not a medication session that will not be held (its course ended)."""
    return list(db.query("""
        SELECT s.*, c.display_name AS client_name,
               coalesce(s.started_at, s.scheduled_for) AS date
        FROM sessions s JOIN clients c ON c.id = s.client_id
        WHERE s.ended_at IS NULL AND coalesce(s.started_at, s.scheduled_for) BETWEEN ? AND ?
          AND NOT (s.started_at IS NULL AND s.kind = 'medication' AND s.course_id IN
                   (SELECT id FROM courses WHERE ended_on IS NOT NULL))
        ORDER BY date, s.id""", (to_iso(start), to_iso(end))))


def running_session(db: Database) -> int | None:
    """The medication session that was started and not yet ended (for resume)."""
    row = maybe(db, """SELECT id FROM sessions WHERE started_at IS NOT NULL AND ended_at IS NULL
                       AND kind = 'medication' ORDER BY started_at DESC LIMIT 1""")
    return row["id"] if row else None


def load_session(db: Database, session_id: int, *, notes: bool = True) -> SessionRecord:
    """Everything recorded in the session; without ``notes``, its notes (and their
    versions) and music plays are left out: what a course overview needs, a tenth of the
    rows of a long session."""
    return load_sessions(db, [session_id], notes=notes)[0]


def load_sessions(db: Database, session_ids: Iterable[int], *,
                  notes: bool = True) -> list[SessionRecord]:
    """The sessions ``session_ids``, in that order, each as :func:`load_session` reads it,
    with one query a table for all of them: a course overview of 48 sessions read one at
    a time made about 500 queries and parsed the same stored protocol 48 times."""
    asked = list(session_ids)  # read once: a generator would be spent by the first pass
    ids = list(dict.fromkeys(asked))
    sessions = _by_id(db, "sessions", ids)
    for session_id in ids:
        if session_id not in sessions:
            raise NotFound(f"session {session_id} not found")
    clients = _by_id(db, "clients", {s["client_id"] for s in sessions.values()})
    orders = _by_id(db, "orders", {s["order_id"] for s in sessions.values() if s["order_id"]})
    thresholds = {version: thresholds_of(row) for version, row in _by_id(
        db, "threshold_versions",
        {s["threshold_version_id"] for s in sessions.values() if s["threshold_version_id"]}
    ).items()}
    protocols = {text: protocol_from_json(json.loads(text))  # frozen: shared safely
                 for text in {s["protocol"] for s in sessions.values() if s["protocol"]}}
    children = {table: _children(db, table, ids, order) for table, order in (
        ("doses", "given_at"), ("vitals", "taken_at"), ("events", "at"), ("ratings", "at"),
        *((("notes", "at"), ("music_plays", "started_at")) if notes else ()))}
    discharges = {row["session_id"]: row for row in db.query(
        f"SELECT * FROM discharges WHERE session_id IN {_IDS}", (json.dumps(ids),))}
    versions: dict[int, dict[int, list[dict[str, Any]]]] = {}
    if notes:
        for version in db.query(f"""SELECT v.*, n.session_id AS of_session FROM note_versions v
                                    JOIN notes n ON n.id = v.note_id
                                    WHERE n.session_id IN {_IDS}
                                    ORDER BY v.replaced_at, v.id""", (json.dumps(ids),)):
            session_id = version.pop("of_session")
            versions.setdefault(session_id, {}).setdefault(version["note_id"], []).append(
                version)
    records = {}
    for session_id in ids:
        session = sessions[session_id]
        record = SessionRecord(
            session=session, client=dict(clients[session["client_id"]]),
            thresholds=thresholds.get(session["threshold_version_id"]),
            order=dict(orders[session["order_id"]]) if session["order_id"] in orders else None)
        if session["protocol"]:
            record.protocol = protocols[session["protocol"]]
        _fill(record, {table: rows.get(session_id, []) for table, rows in children.items()})
        if notes:
            record.note_versions = versions.get(session_id, {})
        record.discharge = discharges.get(session_id)
        records[session_id] = record
    return [records[session_id] for session_id in asked]


# The ids of a batch as one bound JSON array: no limit on how many, one statement to cache.
_IDS = "(SELECT value FROM json_each(?))"


def _by_id(db: Database, table: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in db.query(
        f"SELECT * FROM {table} WHERE id IN {_IDS}", (json.dumps(list(ids)),))}


def _children(db: Database, table: str, session_ids: list[int],
              order: str) -> dict[int, list[dict[str, Any]]]:
    """Each session's rows of ``table``, in the order they happened."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in db.query(f"""SELECT * FROM {table} WHERE session_id IN {_IDS}
                            ORDER BY {order}, id""", (json.dumps(session_ids),)):
        grouped.setdefault(row["session_id"], []).append(row)
    return grouped


def _fill(record: SessionRecord, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Doses, readings (judged by the session's thresholds), events, ratings and, when
    read, notes and plays: each correction or strike-out kept beside what counts."""
    replaced = {r["corrects_id"] for r in rows["doses"] if r["corrects_id"]}
    for r in rows["doses"]:
        dose = Dose(id=r["id"], given_at=parse_instant(r["given_at"]), mg=r["mg"],
                    medicine=r["medicine"], form=r["form"], route=r["route"],
                    is_booster=bool(r["is_booster"]), amount_reason=r["amount_reason"],
                    gate_override_reason=r["gate_override_reason"],
                    corrects_id=r["corrects_id"], correction_reason=r["correction_reason"])
        (record.superseded_doses if r["id"] in replaced else record.doses).append(dose)
    replaced = {r["corrects_id"] for r in rows["vitals"] if r["corrects_id"]}
    for row in rows["vitals"]:
        reading = Reading(taken_at=parse_instant(row["taken_at"]), checkpoint=row["checkpoint"],
                          **{m: row[m] for m in MEASURES})
        judged = JudgedReading(row["id"], reading, record.judge(reading), row["corrects_id"],
                               row["correction_reason"])
        (record.superseded_readings if row["id"] in replaced else record.readings).append(
            judged)
    for event in rows["events"]:
        (record.struck_events if event["struck_at"] else record.events).append(event)
    for rating in rows["ratings"]:
        (record.struck_ratings if rating["struck_at"] else record.ratings).append(rating)
    record.notes = rows.get("notes", [])
    record.music_plays = rows.get("music_plays", [])


def insert_vitals(db: Database, session_id: int, reading: Reading) -> int:
    return insert(db, "vitals", {"session_id": session_id, "taken_at": to_iso(reading.taken_at),
                                 "checkpoint": reading.checkpoint, **reading.values(),
                                 "created_at": stamp()})


def insert_dose(db: Database, session_id: int, given_at: datetime, dose: DoseDecision) -> int:
    return insert(db, "doses", {
        "session_id": session_id, "given_at": to_iso(given_at), "mg": dose.mg,
        "medicine": dose.medicine, "form": dose.form, "route": dose.route,
        "is_booster": int(dose.is_booster), "amount_reason": dose.amount_reason,
        "gate_override_reason": dose.gate_override_reason, "created_at": stamp(),
    })


def insert_event(db: Database, session_id: int, kind: str, *, at: datetime,
                 detail: str) -> int:
    return insert(db, "events", {"session_id": session_id, "at": to_iso(at), "kind": kind,
                                 "detail": detail, "created_at": stamp()})


STRIKABLE = {"events": "event", "ratings": "rating"}


def get_entry(db: Database, table: str, entry_id: int) -> dict[str, Any]:
    return one(db, f"SELECT * FROM {table} WHERE id = ?", (entry_id,), what=STRIKABLE[table])


def set_struck(db: Database, table: str, entry_id: int, *, at: datetime, reason: str) -> None:
    if table not in STRIKABLE:
        raise ValueError(f"{table} entries are corrected, not struck out")
    db.execute(f"UPDATE {table} SET struck_at = ?, struck_reason = ? WHERE id = ?",
               (to_iso(at), reason, entry_id))


def insert_rating(db: Database, session_id: int, scale: str, value: int, *,
                  at: datetime) -> int:
    return insert(db, "ratings", {"session_id": session_id, "at": to_iso(at), "scale": scale,
                                  "value": value, "created_at": stamp()})


def insert_note(db: Database, session_id: int, kind: str, body: str, *, at: datetime,
                shareable: bool) -> int:
    now = stamp()
    return insert(db, "notes", {"session_id": session_id, "at": to_iso(at), "kind": kind,
                                "body": body, "shareable": int(shareable), "created_at": now,
                                "updated_at": now})


def count_notes(db: Database, session_id: int, kinds: Iterable[str]) -> int:
    kinds = list(kinds)
    marks = ", ".join("?" for _ in kinds)
    return int(db.execute(f"SELECT count(*) FROM notes WHERE session_id = ? AND kind IN "
                          f"({marks})", (session_id, *kinds)).fetchone()[0])


def get_note(db: Database, note_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM notes WHERE id = ?", (note_id,), what=f"note {note_id}")


def set_note_body(db: Database, note_id: int, body: str) -> None:
    db.execute("UPDATE notes SET body = ?, updated_at = ? WHERE id = ?", (body, stamp(), note_id))


def set_ride_home(db: Database, session_id: int, *, at: datetime, name: str,
                  phone: str) -> None:
    db.execute("""UPDATE sessions SET ride_home_name = ?, ride_home_phone = ?,
                  ride_confirmed_at = ? WHERE id = ?""", (name, phone, to_iso(at), session_id))


def set_playlist(db: Database, session_id: int, playlist_id: int | None) -> None:
    db.execute("UPDATE sessions SET playlist_id = ? WHERE id = ?", (playlist_id, session_id))


def insert_discharge(db: Database, record: SessionRecord, *, at: datetime, cleared: bool,
                     override_reason: str | None, ride_home_confirmed: bool) -> int:
    """The discharge, and the end of the session with it."""
    discharge_id = insert(db, "discharges", {
        "session_id": record.id, "at": to_iso(at), "cleared": int(cleared),
        "override_reason": override_reason, "ride_home_confirmed": int(ride_home_confirmed),
        "ride_home_name": record.session["ride_home_name"], "created_at": stamp(),
    })
    set_ended(db, record.id, at=at)
    return discharge_id


def set_scheduled_for(db: Database, session_id: int, when: datetime) -> None:
    db.execute("UPDATE sessions SET scheduled_for = ? WHERE id = ?", (to_iso(when), session_id))


def set_ended(db: Database, session_id: int, *, at: datetime) -> None:
    db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (to_iso(at), session_id))


def integration_of(db: Database, medication_session_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM sessions WHERE medication_session_id = ?",
                 (medication_session_id,))
