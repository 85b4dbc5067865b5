"""A client's whole record (``kapdesk.client-record/1``), to move it to another laptop.

Rows are identified by their ``uid``, never by local ids, so an import on another laptop
rebuilds the same record and importing it twice adds nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.timeutil import to_iso, utc_now
from kapdesk.export.vocabulary import rating_json, reading_json
from kapdesk.storage.clients import get_client
from kapdesk.storage.prescriptions import thresholds_of
from kapdesk.storage.sessions import load_session

RECORD_FORMAT = "kapdesk.client-record/1"


def client_record(db: Database, client_id: int) -> dict[str, Any]:
    client = get_client(db, client_id)
    uids = _uid_maps(db, client_id)
    orders = list(db.query("SELECT * FROM orders WHERE client_id = ? ORDER BY version",
                           (client_id,)))
    prescriber_ids = ({client["prescriber_id"]} | {o["prescriber_id"] for o in orders}
                      | {r["cleared_by_prescriber_id"] for r in db.query(
                          "SELECT cleared_by_prescriber_id FROM screenings WHERE client_id = ?",
                          (client_id,))})
    prescribers = [r for r in db.query("SELECT * FROM prescribers ORDER BY uid")
                   if r["id"] in prescriber_ids]
    sessions = list(db.query("SELECT id, started_at, ended_at FROM sessions WHERE "
                             "client_id = ? ORDER BY coalesce(started_at, scheduled_for, "
                             "created_at), uid", (client_id,)))
    if any(s["started_at"] and not s["ended_at"] for s in sessions):
        # the import on the other laptop refuses it (see practice.replay.RUNNING): say so now
        raise NotAllowed(f"a session of {client['display_name']} is still running: discharge "
                         "or end it, then export the record")
    return {
        "format": RECORD_FORMAT,
        "exported_at": to_iso(utc_now()),
        "client": {
            "uid": client["uid"], "display_name": client["display_name"],
            "legal_name": client["legal_name"], "date_of_birth": client["date_of_birth"],
            "pronouns": client["pronouns"],
            "emergency_contact": {"name": client["emergency_name"],
                                  "phone": client["emergency_phone"]},
            "ride_home": {"name": client["ride_name"], "phone": client["ride_phone"]},
            "safety_plan": client["safety_plan"], "archived_at": client["archived_at"],
            "prescriber_uid": uids["prescribers"].get(client["prescriber_id"]),
        },
        "prescribers": [
            {k: p[k] for k in ("uid", "name", "credentials", "phone", "on_call_phone", "email",
                               "practice")}
            for p in prescribers
        ],
        "orders": [
            {"uid": o["uid"], "version": o["version"],
             "prescriber_uid": uids["prescribers"].get(o["prescriber_id"]),
             "medicine": o["medicine"], "form": o["form"], "route": o["route"],
             "dose_mg": o["dose_mg"], "booster_allowed": bool(o["booster_allowed"]),
             "booster_mg": o["booster_mg"], "min_minutes_after_dose": o["min_minutes_after_dose"],
             "ordered_on": o["ordered_on"], "prn_medicines": o["prn_medicines"]}
            for o in orders
        ],
        "thresholds": [
            {"uid": t["uid"], "version": t["version"], **thresholds_of(t).to_json()}
            for t in db.query("SELECT * FROM threshold_versions WHERE client_id = ? "
                              "ORDER BY version", (client_id,))
        ],
        "screenings": [
            {"uid": s["uid"], "screened_on": s["screened_on"], "items": json.loads(s["items"]),
             "note": s["note"], "cleared_on": s["cleared_on"],
             "cleared_by_prescriber_uid": uids["prescribers"].get(s["cleared_by_prescriber_id"])}
            for s in db.query("SELECT * FROM screenings WHERE client_id = ? ORDER BY "
                              "screened_on, uid", (client_id,))
        ],
        "courses": [
            {**{k: c[k] for k in ("uid", "planned_sessions", "started_on", "ended_on", "note")},
             "screening_uid": uids["screenings"].get(c["screening_id"])}
            for c in db.query("SELECT * FROM courses WHERE client_id = ? ORDER BY started_on, "
                              "uid", (client_id,))
        ],
        "outcome_measures": [
            {"uid": o["uid"], "instrument": o["instrument"], "score": o["score"],
             "taken_on": o["taken_on"], "session_uid": uids["sessions"].get(o["session_id"])}
            for o in db.query("SELECT * FROM outcome_measures WHERE client_id = ? ORDER BY "
                              "taken_on, uid", (client_id,))
        ],
        "sessions": [_session(db, row["id"], uids) for row in sessions],
    }


def _uid_maps(db: Database, client_id: int) -> dict[str, dict[int, str]]:
    maps = {"prescribers": {r["id"]: r["uid"] for r in db.query("SELECT id, uid FROM prescribers")}}
    for table in ("orders", "threshold_versions", "screenings", "courses", "sessions"):
        maps[table] = {r["id"]: r["uid"] for r in db.query(
            f"SELECT id, uid FROM {table} WHERE client_id = ?", (client_id,))}
    return maps


def _session(db: Database, session_id: int, uids: dict[str, dict[int, str]]) -> dict[str, Any]:
    record = load_session(db, session_id)
    s = record.session
    rows = {t: {r["id"]: r["uid"] for r in db.query(
        f"SELECT id, uid FROM {t} WHERE session_id = ?", (session_id,))}
        for t in ("doses", "vitals")}
    discharge = record.discharge
    return {
        "uid": s["uid"], "kind": s["kind"], "number": s["number"],
        "course_uid": uids["courses"].get(s["course_id"]),
        "medication_session_uid": uids["sessions"].get(s["medication_session_id"]),
        "scheduled_for": s["scheduled_for"], "started_at": s["started_at"],
        "ended_at": s["ended_at"],
        "order_uid": uids["orders"].get(s["order_id"]),
        "thresholds_uid": uids["threshold_versions"].get(s["threshold_version_id"]),
        "protocol": json.loads(s["protocol"]) if s["protocol"] else None,
        "intention": s["intention"],
        "ride_home": {"name": s["ride_home_name"], "phone": s["ride_home_phone"],
                      "confirmed_at": s["ride_confirmed_at"]},
        "doses": [
            {"uid": rows["doses"][d.id], "given_at": to_iso(d.given_at), "mg": d.mg,
             "medicine": d.medicine, "form": d.form, "route": d.route,
             "booster": d.is_booster, "amount_reason": d.amount_reason,
             "gate_override_reason": d.gate_override_reason,
             "corrects_uid": rows["doses"].get(d.corrects_id),
             "correction_reason": d.correction_reason}
            for d in sorted(record.doses + record.superseded_doses, key=lambda d: d.id)
        ],
        "vitals": [{"uid": rows["vitals"][r.id], **reading_json(r),
                    "corrects_uid": rows["vitals"].get(r.corrects_id)}
                   for r in sorted(record.readings + record.superseded_readings,
                                   key=lambda r: r.id)],
        "events": [{k: e[k] for k in ("uid", "at", "kind", "detail", "struck_at",
                                      "struck_reason")}
                   for e in sorted(record.events + record.struck_events, key=lambda e: e["id"])],
        "ratings": [{"uid": r["uid"], **rating_json(r), "struck_at": r["struck_at"],
                     "struck_reason": r["struck_reason"]}
                    for r in sorted(record.ratings + record.struck_ratings,
                                    key=lambda r: r["id"])],
        "notes": [{"uid": n["uid"], "at": n["at"], "kind": n["kind"], "body": n["body"],
                   "shareable": bool(n["shareable"]), "created_at": n["created_at"],
                   "updated_at": n["updated_at"], "amended_at": n["amended_at"],
                   "versions": [{"uid": v["uid"], "body": v["body"],
                                 "replaced_at": v["replaced_at"]}
                                for v in record.note_versions.get(n["id"], [])]}
                  for n in record.notes],
        "music_plays": [{k: m[k] for k in ("uid", "title", "artist", "path", "started_at",
                                           "stopped_at")} for m in record.music_plays],
        "discharge": {
            "uid": discharge["uid"], "at": discharge["at"], "cleared": bool(discharge["cleared"]),
            "override_reason": discharge["override_reason"],
            "ride_home_confirmed": bool(discharge["ride_home_confirmed"]),
            "ride_home_name": discharge["ride_home_name"],
        } if discharge else None,
    }
