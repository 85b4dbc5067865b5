"""The practice itself and its prescribers."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.protocol import DEFAULT_PROTOCOL
from kapdesk.storage.rows import insert, maybe, one, stamp


def get_practice(db: Database) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM practice WHERE id = 1")


def write_practice(db: Database, *, name: str, therapist: str, is_demo: bool) -> None:
    db.execute(
        """INSERT INTO practice (id, name, therapist, is_demo, protocol, created_at)
           VALUES (1, :name, :therapist, :is_demo, :protocol, :now)
           ON CONFLICT (id) DO UPDATE SET name = :name, therapist = :therapist""",
        {"name": name, "therapist": therapist,
         # practice.protocol is no longer read (the practice's protocols have their own
         # table since migration 0013); the column is NOT NULL, so it keeps the built-in.
         "is_demo": int(is_demo), "protocol": json.dumps(DEFAULT_PROTOCOL.to_json()),
         "now": stamp()},
    )


def write_lock_after(db: Database, minutes: int) -> None:
    db.execute("UPDATE practice SET lock_after_min = ? WHERE id = 1", (minutes,))


def is_demo(db: Database) -> bool:
    practice = get_practice(db)
    return bool(practice and practice["is_demo"])


def insert_prescriber(db: Database, cleaned: dict[str, Any], *, uid: str | None = None) -> int:
    return insert(db, "prescribers", {"uid": uid, **cleaned, "created_at": stamp()})


def set_prescriber_fields(db: Database, prescriber_id: int, cleaned: dict[str, Any]) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in cleaned)
    db.execute(f"UPDATE prescribers SET {sets} WHERE id = :id", {**cleaned, "id": prescriber_id})


def get_prescriber(db: Database, prescriber_id: int) -> dict[str, Any]:
    return one(db, "SELECT * FROM prescribers WHERE id = ?", (prescriber_id,), what="prescriber")


def find_prescriber(db: Database, prescriber_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM prescribers WHERE id = ?", (prescriber_id,))


def list_prescribers(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM prescribers ORDER BY name COLLATE NOCASE"))


def prescriber_label(row: dict[str, Any]) -> str:
    return f"{row['name']}, {row['credentials']}" if row["credentials"] else row["name"]
