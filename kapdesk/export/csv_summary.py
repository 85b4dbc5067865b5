"""The session summary as one tidy CSV table: the protocol the session ran, then one row per
dose, reading, event, rating, note, planned reading not taken, and the discharge, in time
order, so a prescriber's system can filter by ``record``."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "session_id", "client_id", "record", "at", "checkpoint", "systolic", "diastolic",
    "heart_rate", "resp_rate", "spo2", "status", "breaches", "mg", "medicine", "form",
    "route", "booster", "kind", "value", "text",
)


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for dose in summary["doses"]:
        rows.append({"record": "dose", "at": dose["given_at"], "mg": dose["mg"],
                     "medicine": dose["medicine"], "form": dose["form"], "route": dose["route"],
                     "booster": int(dose["booster"]),
                     "text": "; ".join(filter(None, (dose["amount_reason"],
                                                     dose["gate_override_reason"])))})
    for vital in summary["vitals"]:
        rows.append({"record": "vitals", "at": vital["taken_at"], **{
            k: vital[k] for k in ("checkpoint", "systolic", "diastolic", "heart_rate",
                                  "resp_rate", "spo2", "status")},
            "breaches": "; ".join(f"{b['measure']} {b['value']} {b['bound']} {b['limit']}"
                                  for b in vital["breaches"])})
    for event in summary["events"]:
        rows.append({"record": "event", "at": event["at"], "kind": event["kind"],
                     "text": event["detail"]})
    for rating in summary["ratings"]:
        rows.append({"record": "rating", "at": rating["at"], "kind": rating["scale"],
                     "value": rating["level"]})
    for note in summary["notes"]:
        rows.append({"record": "note", "at": note["at"], "kind": note["kind"],
                     "text": note["body"]})
    for due in summary.get("scheduled_vitals", []):
        if due["state"] != "taken":  # a planned reading skipped or missed
            rows.append({"record": "planned_vitals", "at": due["due_at"],
                         "checkpoint": due["checkpoint"], "kind": due["state"],
                         "text": due["reason"] or due["label"]})
    discharge = summary["discharge"]
    if discharge:
        rows.append({"record": "discharge", "at": discharge["at"],
                     "kind": "overridden" if discharge["overridden"] else "cleared",
                     "value": discharge["ride_home_name"], "text": discharge["reason"] or ""})
    rows.sort(key=lambda r: r["at"])
    protocol = summary.get("protocol")
    if protocol and summary["session"]["started_at"]:  # first: the plan the session ran
        rows.insert(0, {"record": "protocol", "at": summary["session"]["started_at"],
                        "route": protocol["route"], "kind": "built-in" if protocol["built_in"]
                        else "own", "value": protocol["version"] or "",
                        "text": protocol["name"]})
    ids = {"session_id": summary["session"]["id"], "client_id": summary["client"]["id"]}
    return [{**ids, **row} for row in rows]


def summary_csv(summary: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary_rows(summary))
    return out.getvalue()
