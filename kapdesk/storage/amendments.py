"""Changes after the fact, kept visible: earlier note wordings and corrections by a new
entry (see :mod:`kapdesk.practice.amend` for the rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.timeutil import to_iso
from kapdesk.domain.vitals import Reading
from kapdesk.storage.rows import insert, one, stamp


def replace_note_body(db: Database, note: dict[str, Any], body: str, *, at: datetime) -> None:
    insert(db, "note_versions", {"note_id": note["id"], "body": note["body"],
                                 "replaced_at": to_iso(at)})
    db.execute("UPDATE notes SET body = ?, amended_at = ?, updated_at = ? WHERE id = ?",
               (body, to_iso(at), stamp(), note["id"]))


def note_versions(db: Database, note_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM note_versions WHERE note_id = ? ORDER BY replaced_at, "
                         "id", (note_id,)))


def get_entry(db: Database, table: str, row_id: int) -> dict[str, Any]:
    return one(db, f"SELECT * FROM {table} WHERE id = ?", (row_id,), what=f"{table} {row_id}")


def is_corrected(db: Database, table: str, row_id: int) -> bool:
    return next(db.query(f"SELECT id FROM {table} WHERE corrects_id = ?", (row_id,)),
                None) is not None


def insert_vitals_correction(db: Database, old: dict[str, Any], reading: Reading, *,
                             reason: str) -> int:
    return insert(db, "vitals", {"session_id": old["session_id"], "taken_at": old["taken_at"],
                                 "checkpoint": old["checkpoint"], **reading.values(),
                                 "corrects_id": old["id"], "correction_reason": reason,
                                 "created_at": stamp()})


def insert_dose_correction(db: Database, old: dict[str, Any], *, mg: float, given_at: datetime,
                           reason: str) -> int:
    return insert(db, "doses", {
        "session_id": old["session_id"], "given_at": to_iso(given_at), "mg": mg,
        "medicine": old["medicine"], "form": old["form"], "route": old["route"],
        "is_booster": old["is_booster"], "amount_reason": old["amount_reason"],
        "gate_override_reason": old["gate_override_reason"], "corrects_id": old["id"],
        "correction_reason": reason, "created_at": stamp()})
