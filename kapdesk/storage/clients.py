"""Clients: created and edited, archived but never deleted from the app."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import insert, one, stamp

CLIENT_FIELDS = (
    "display_name", "legal_name", "date_of_birth", "pronouns", "emergency_name",
    "emergency_phone", "ride_name", "ride_phone", "safety_plan", "prescriber_id",
    "preferred_playlist_id",
)


def insert_client(db: Database, values: dict[str, Any], *, uid: str | None = None) -> int:
    return insert(db, "clients", {"uid": uid, **values, "created_at": stamp()})


def set_client_fields(db: Database, client_id: int, values: dict[str, Any]) -> None:
    if values:
        sets = ", ".join(f"{k} = :{k}" for k in values)
        db.execute(f"UPDATE clients SET {sets} WHERE id = :id", {**values, "id": client_id})


def archive_client(db: Database, client_id: int) -> None:
    """Leave the lists, keep the history."""
    get_client(db, client_id)
    db.execute("UPDATE clients SET archived_at = ? WHERE id = ? AND archived_at IS NULL",
               (stamp(), client_id))


def restore_client(db: Database, client_id: int) -> None:
    get_client(db, client_id)
    db.execute("UPDATE clients SET archived_at = NULL WHERE id = ?", (client_id,))


def get_client(db: Database, client_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM clients WHERE id = ?", (client_id,), what=f"client {client_id}")


_CLIENT_ROWS = """
    SELECT c.*, p.name AS prescriber_name, p.credentials AS prescriber_credentials,
           p.phone AS prescriber_phone, p.on_call_phone AS prescriber_on_call,
           EXISTS (SELECT 1 FROM threshold_versions t WHERE t.client_id = c.id)
               AS has_thresholds,
           (SELECT count(*) FROM sessions s WHERE s.client_id = c.id
               AND s.kind = 'medication' AND s.ended_at IS NOT NULL
               AND EXISTS (SELECT 1 FROM doses g WHERE g.session_id = s.id))
               AS medication_sessions
    FROM clients c LEFT JOIN prescribers p ON p.id = c.prescriber_id"""


def list_clients(db: Database, *, include_archived: bool = False) -> list[dict[str, Any]]:
    """Clients by display name, with whether the prescriber's thresholds exist yet."""
    where = "" if include_archived else "WHERE c.archived_at IS NULL"
    return list(db.query(f"{_CLIENT_ROWS} {where} ORDER BY c.display_name COLLATE NOCASE"))


def client_row(db: Database, client_id: int) -> dict[str, Any]:
    """One client with the same joined columns as :func:`list_clients` (read alone: the
    practice window asks for it at every selection)."""
    return one(db, f"{_CLIENT_ROWS} WHERE c.id = ?", (client_id,), what=f"client {client_id}")
