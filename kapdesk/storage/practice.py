"""Practice records: the practice itself, prescribers, clients, orders, thresholds, courses."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, Protocol, protocol_from_json
from kapdesk.domain.thresholds import Thresholds, thresholds_from_json
from kapdesk.domain.vocabulary import require_text
from kapdesk.storage.rows import insert, maybe, one, stamp

CLIENT_FIELDS = (
    "display_name", "legal_name", "date_of_birth", "pronouns", "emergency_name",
    "emergency_phone", "ride_name", "ride_phone", "safety_plan", "prescriber_id",
    "preferred_playlist_id",
)


def get_practice(db: Database) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM practice WHERE id = 1")


def set_practice(db: Database, *, name: str, therapist: str = "", is_demo: bool = False) -> None:
    db.execute(
        """INSERT INTO practice (id, name, therapist, is_demo, protocol, created_at)
           VALUES (1, :name, :therapist, :is_demo, :protocol, :now)
           ON CONFLICT (id) DO UPDATE SET name = :name, therapist = :therapist""",
        {"name": require_text("name", name, "Practice name"), "therapist": therapist,
         "is_demo": int(is_demo), "protocol": json.dumps(DEFAULT_PROTOCOL.to_json()),
         "now": stamp()},
    )


def is_demo(db: Database) -> bool:
    practice = get_practice(db)
    return bool(practice and practice["is_demo"])


def practice_protocol(db: Database) -> Protocol:
    practice = get_practice(db)
    return protocol_from_json(json.loads(practice["protocol"])) if practice else DEFAULT_PROTOCOL


def add_prescriber(db: Database, *, name: str, credentials: str = "", phone: str = "",
                   email: str = "", practice: str = "", uid: str | None = None) -> int:
    return insert(db, "prescribers", {
        "uid": uid, "name": require_text("name", name, "Prescriber name"),
        "credentials": credentials, "phone": phone, "email": email, "practice": practice,
        "created_at": stamp(),
    })


def get_prescriber(db: Database, prescriber_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM prescribers WHERE id = ?", (prescriber_id,), what="prescriber")


def add_client(db: Database, *, display_name: str, uid: str | None = None,
               **fields: Any) -> int:
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a client field")
    if fields.get("date_of_birth"):
        fields["date_of_birth"] = _iso_date("date_of_birth", fields["date_of_birth"])
    values = {"uid": uid, "display_name": require_text("display_name", display_name,
                                                        "Display name"),
              **fields, "created_at": stamp()}
    return insert(db, "clients", values)


def get_client(db: Database, client_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM clients WHERE id = ?", (client_id,), what=f"client {client_id}")


def list_clients(db: Database, *, include_archived: bool = False) -> list[dict[str, Any]]:
    """Clients by display name, with whether the prescriber's thresholds exist yet."""
    where = "" if include_archived else "WHERE c.archived_at IS NULL"
    return list(db.query(f"""
        SELECT c.*, p.name AS prescriber_name,
               EXISTS (SELECT 1 FROM threshold_versions t WHERE t.client_id = c.id)
                   AS has_thresholds,
               (SELECT count(*) FROM sessions s WHERE s.client_id = c.id
                   AND s.kind = 'medication' AND s.started_at IS NOT NULL) AS medication_sessions
        FROM clients c LEFT JOIN prescribers p ON p.id = c.prescriber_id
        {where} ORDER BY c.display_name COLLATE NOCASE"""))


def add_order(db: Database, client_id: int, *, dose_mg: float, ordered_on: date | str,
              prescriber_id: int | None = None, medicine: str = "racemic ketamine",
              form: str = "sublingual lozenge", route: str = "sublingual",
              booster_allowed: bool = False, booster_mg: float | None = None,
              min_minutes_after_dose: int | None = None, uid: str | None = None) -> int:
    """A new version of the prescriber's order; earlier versions stay as they were."""
    if not isinstance(dose_mg, int | float) or dose_mg <= 0 or dose_mg > 1000:
        raise InvalidInput("dose_mg", f"dose must be between 0 and 1000 mg, not {dose_mg!r}")
    if booster_allowed and (not booster_mg or booster_mg <= 0):
        raise InvalidInput("booster_mg", "a booster is allowed, so its dose in mg is required")
    with db.atomic():
        version = _next_version(db, "orders", client_id)
        return insert(db, "orders", {
            "uid": uid, "client_id": client_id, "prescriber_id": prescriber_id,
            "version": version, "medicine": require_text("medicine", medicine, "Medicine"),
            "form": require_text("form", form, "Form"), "route": require_text("route", route,
                                                                             "Route"),
            "dose_mg": dose_mg, "booster_allowed": int(booster_allowed),
            "booster_mg": booster_mg if booster_allowed else None,
            "min_minutes_after_dose": min_minutes_after_dose,
            "ordered_on": _iso_date("ordered_on", ordered_on), "created_at": stamp(),
        })


def current_order(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM orders WHERE client_id = ? ORDER BY version DESC LIMIT 1",
                 (client_id,))


def add_thresholds(db: Database, client_id: int, thresholds: Thresholds,
                   uid: str | None = None) -> int:
    """Record a new version of the prescriber's thresholds for this client."""
    data = thresholds.to_json()
    thresholds_from_json(data)  # the same rules as an import: refuse empty or odd bounds
    with db.atomic():
        version = _next_version(db, "threshold_versions", client_id)
        return insert(db, "threshold_versions", {
            "uid": uid, "client_id": client_id, "version": version,
            "set_by": thresholds.set_by, "set_on": thresholds.set_on.isoformat(),
            "bounds": json.dumps({"pre_dose": data["pre_dose"], "discharge": data["discharge"]}),
            "created_at": stamp(),
        })


def thresholds_of(row: dict[str, Any]) -> Thresholds:
    bounds = json.loads(row["bounds"])
    return thresholds_from_json({**bounds, "set_by": row["set_by"], "set_on": row["set_on"]})


def current_thresholds(db: Database, client_id: int) -> tuple[int, Thresholds] | None:
    row = maybe(db, """SELECT * FROM threshold_versions WHERE client_id = ?
                       ORDER BY version DESC LIMIT 1""", (client_id,))
    return (row["id"], thresholds_of(row)) if row else None


def thresholds_by_id(db: Database, version_id: int) -> Thresholds:
    return thresholds_of(one(db, "SELECT * FROM threshold_versions WHERE id = ?", (version_id,),
                             what="threshold version"))


def add_course(db: Database, client_id: int, *, started_on: date | str,
               planned_sessions: int = 6, note: str = "", uid: str | None = None) -> int:
    if not 1 <= planned_sessions <= 30:
        raise InvalidInput("planned_sessions", "a course plans 1-30 medication sessions")
    get_client(db, client_id)
    return insert(db, "courses", {
        "uid": uid, "client_id": client_id, "planned_sessions": planned_sessions,
        "started_on": _iso_date("started_on", started_on), "note": note, "created_at": stamp(),
    })


def _next_version(db: Database, table: str, client_id: int) -> int:
    row = maybe(db, f"SELECT max(version) AS v FROM {table} WHERE client_id = ?", (client_id,))
    return (row["v"] or 0) + 1 if row else 1


def _iso_date(field: str, value: date | str) -> str:
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a date (YYYY-MM-DD)") from None
