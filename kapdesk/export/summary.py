"""The prescriber's summary of one session (``kapdesk.session-summary/1``).

Built from the session record; never contains process notes, and other notes only when they
are the therapist's summary or were marked shareable.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import parse_instant, to_iso, utc_now, whole_minutes
from kapdesk.domain.vitals_schedule import schedule
from kapdesk.domain.vocabulary import ADVERSE_EVENTS, EVENT_KINDS, PRIVATE_NOTE_KINDS
from kapdesk.export.vocabulary import pick, rating_json, reading_json
from kapdesk.storage.practice import get_practice
from kapdesk.storage.rows import maybe
from kapdesk.storage.sessions import load_session

SUMMARY_FORMAT = "kapdesk.session-summary/1"


def shareable_notes(record: SessionRecord) -> list[dict[str, Any]]:
    return [n for n in record.notes if n["kind"] not in PRIVATE_NOTE_KINDS
            and (n["kind"] == "summary" or n["shareable"])]


def session_summary(db: Database, session_id: int) -> dict[str, Any]:
    record = load_session(db, session_id)
    session, client = record.session, record.client
    prescriber_id = (record.order or {}).get("prescriber_id") or client["prescriber_id"]
    prescriber = maybe(db, "SELECT * FROM prescribers WHERE id = ?", (prescriber_id,))
    course = maybe(db, "SELECT * FROM courses WHERE id = ?", (session["course_id"],))
    threshold_row = maybe(db, "SELECT version FROM threshold_versions WHERE id = ?",
                          (session["threshold_version_id"],))
    practice = get_practice(db) or {}
    discharge = record.discharge
    last_dose = record.last_dose
    integration = maybe(db, "SELECT scheduled_for, started_at FROM sessions WHERE "
                            "medication_session_id = ? ORDER BY id LIMIT 1", (session_id,))
    peak = max((r for r in record.readings if r.reading.systolic is not None),
               key=lambda r: r.reading.systolic or 0, default=None)
    return {
        "format": SUMMARY_FORMAT,
        "generated_at": to_iso(utc_now()),
        "practice": {"name": practice.get("name", ""), "therapist": practice.get("therapist", "")},
        "session": {
            "id": session["id"], "kind": session["kind"], "number_in_course": session["number"],
            "planned_sessions": course["planned_sessions"] if course else None,
            "scheduled_for": session["scheduled_for"], "started_at": session["started_at"],
            "ended_at": session["ended_at"], "intention": session["intention"],
        },
        "client": {"id": client["id"], "display_name": client["display_name"]},
        # Added with issue 15 (new fields only: kapdesk.session-summary/1 readers go on).
        "protocol": ({"name": record.protocol.name, "route": record.protocol.route,
                      "version": record.protocol.version or None,
                      "built_in": not record.protocol.version}
                     if session["protocol"] else None),
        "scheduled_vitals": _scheduled_vitals(record),
        "prescriber": pick(prescriber, "name", "credentials", "phone", "email", "practice"),
        "order": _order(record.order),
        "thresholds": ({**record.thresholds.to_json(), "version": threshold_row["version"]}
                       if record.thresholds and threshold_row else None),
        "doses": [
            {"given_at": to_iso(d.given_at), "mg": d.mg, "medicine": d.medicine,
             "form": d.form, "route": d.route, "booster": d.is_booster,
             "amount_reason": d.amount_reason, "gate_override_reason": d.gate_override_reason}
            for d in record.doses
        ],
        "vitals": [reading_json(r) for r in record.readings],
        "events": [
            {"at": e["at"], "kind": e["kind"], "label": EVENT_KINDS.get(e["kind"], e["kind"]),
             "detail": e["detail"], "adverse": e["kind"] in ADVERSE_EVENTS}
            for e in record.events
        ],
        "ratings": [rating_json(r) for r in record.ratings],
        "notes": [{"at": n["at"], "kind": n["kind"], "body": n["body"]}
                  for n in shareable_notes(record)],
        "peak_bp": {"systolic": peak.reading.systolic, "diastolic": peak.reading.diastolic,
                    "taken_at": to_iso(peak.reading.taken_at)} if peak else None,
        "integration": {"scheduled_for": integration["started_at"]
                        or integration["scheduled_for"]} if integration else None,
        "discharge": {
            "at": discharge["at"],
            "cleared": bool(discharge["cleared"]),
            "overridden": not discharge["cleared"],
            "reason": discharge["override_reason"],
            "ride_home_confirmed": bool(discharge["ride_home_confirmed"]),
            "ride_home_name": discharge["ride_home_name"],
            "minutes_after_last_dose": (
                whole_minutes(parse_instant(discharge["at"]) - last_dose.given_at)
                if last_dose else None),
        } if discharge else None,
    }


def _order(order: dict[str, Any] | None) -> dict[str, Any] | None:
    picked = pick(order, "version", "medicine", "form", "route", "dose_mg", "booster_allowed",
                  "booster_mg", "min_minutes_after_dose", "ordered_on", "prn_medicines")
    if picked:
        picked["booster_allowed"] = bool(picked["booster_allowed"])
    return picked


def _scheduled_vitals(record: SessionRecord) -> list[dict[str, Any]]:
    """Each reading the protocol asked for, and whether it was taken, skipped (with the
    reason) or missed, as of the discharge (or now, for a session still running)."""
    if not record.session["protocol"] or record.started_at is None:
        return []
    ended = record.session["ended_at"]
    at = parse_instant(ended) if ended else utc_now()
    timeline = record.timeline(at)
    assert timeline is not None
    return [{"due_at": to_iso(due.at), "label": due.step.label, "checkpoint": due.step.vitals,
             "state": due.state, "taken_at": to_iso(due.taken_at) if due.taken_at else None,
             "reason": due.reason or None}
            for due in schedule(record, timeline, at) if due.state != "upcoming"
            and not (due.step.optional and due.state == "due")]  # an optional one not taken
