"""The prescriber's course summary (``kapdesk.course-summary/1``): one row per medication
session, the outcome scores, no notes of any kind."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.timeutil import to_iso, utc_now
from kapdesk.export.vocabulary import pick, reading_json
from kapdesk.storage.clients import client_row
from kapdesk.storage.course_view import client_course_rows
from kapdesk.storage.courses import latest_course, outcomes
from kapdesk.storage.practice import get_practice
from kapdesk.storage.rows import maybe

COURSE_FORMAT = "kapdesk.course-summary/1"


def course_summary(db: Database, client_id: int) -> dict[str, Any]:
    client = client_row(db, client_id)
    prescriber = maybe(db, "SELECT * FROM prescribers WHERE id = ?", (client["prescriber_id"],))
    practice = get_practice(db) or {}
    return {
        "format": COURSE_FORMAT,
        "generated_at": to_iso(utc_now()),
        "practice": {"name": practice.get("name", ""), "therapist": practice.get("therapist", "")},
        "client": {"id": client["id"], "display_name": client["display_name"]},
        "prescriber": pick(prescriber, "name", "credentials", "phone", "email", "practice"),
        "course": pick(latest_course(db, client_id), "started_on", "ended_on",
                       "planned_sessions"),
        "sessions": [{
            "session_id": r.session_id, "number": r.number, "started_at": to_iso(r.started_at),
            "dose_mg": r.dose_mg, "booster_mg": r.booster_mg,
            "pre_dose": reading_json(r.pre_dose) if r.pre_dose else None,
            "discharge": reading_json(r.discharge) if r.discharge else None,
            "discharge_overridden": r.discharge_overridden,
            "peak_bp": {"systolic": r.peak_systolic, "diastolic": r.peak_diastolic}
            if r.peak_systolic else None,
            "adverse_events": list(r.adverse), "sedation": r.sedation,
            "dissociation": r.dissociation, "scores": r.scores,
        } for r in client_course_rows(db, client_id)],
        "outcome_measures": [{"instrument": o["instrument"], "score": o["score"],
                              "taken_on": o["taken_on"]} for o in outcomes(db, client_id)],
    }


def course_csv(summary: dict[str, Any]) -> str:
    out = io.StringIO()
    columns = ["client_id", "session", "started_at", "dose_mg", "booster_mg", "pre_dose_bp",
               "pre_dose_hr", "pre_dose_status", "discharge_bp", "discharge_hr",
               "discharge_status", "discharge_overridden", "peak_bp", "adverse_events",
               "sedation", "dissociation", "PHQ-9", "GAD-7", "PCL-5"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()

    def bp(reading: dict[str, Any] | None) -> str:
        return f"{reading['systolic']}/{reading['diastolic']}" if reading and \
            reading["systolic"] else ""

    for s in summary["sessions"]:
        pre, post = s["pre_dose"], s["discharge"]
        writer.writerow({
            "client_id": summary["client"]["id"], "session": s["number"],
            "started_at": s["started_at"], "dose_mg": s["dose_mg"],
            "booster_mg": s["booster_mg"], "pre_dose_bp": bp(pre),
            "pre_dose_hr": pre["heart_rate"] if pre else "",
            "pre_dose_status": pre["status"] if pre else "", "discharge_bp": bp(post),
            "discharge_hr": post["heart_rate"] if post else "",
            "discharge_status": post["status"] if post else "",
            "discharge_overridden": int(s["discharge_overridden"]),
            "peak_bp": bp(s["peak_bp"]), "adverse_events": "; ".join(s["adverse_events"]),
            "sedation": s["sedation"] or "", "dissociation": s["dissociation"] or "",
            **{k: s["scores"].get(k, "") for k in ("PHQ-9", "GAD-7", "PCL-5")},
        })
    return out.getvalue()
