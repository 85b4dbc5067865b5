"""Changes after the fact, kept visible: note amendments and corrections by a new entry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.timeutil import parse_instant, to_iso
from kapdesk.domain.vitals import make_reading
from kapdesk.domain.vocabulary import require_text
from kapdesk.storage.rows import insert, one, stamp


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < 5:
        raise InvalidInput("reason", "a correction needs its reason, e.g. 'typed 184, cuff "
                                     "showed 148'")
    return text


def amend_note(db: Database, note_id: int, body: str, *, at: datetime) -> None:
    """Replace a note's wording; the earlier wording is kept with the time it was replaced."""
    note = one(db, "SELECT * FROM notes WHERE id = ?", (note_id,), what=f"note {note_id}")
    new = require_text("body", body, "The amended note")
    if new == note["body"]:
        raise InvalidInput("body", "the amended note is the same as before")
    with db.atomic():
        insert(db, "note_versions", {"note_id": note_id, "body": note["body"],
                                     "replaced_at": to_iso(at)})
        db.execute("UPDATE notes SET body = ?, amended_at = ?, updated_at = ? WHERE id = ?",
                   (new, to_iso(at), stamp(), note_id))


def note_versions(db: Database, note_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM note_versions WHERE note_id = ? ORDER BY replaced_at, "
                         "id", (note_id,)))


def _not_superseded(db: Database, table: str, row_id: int) -> dict[str, Any]:
    row = one(db, f"SELECT * FROM {table} WHERE id = ?", (row_id,), what=f"{table} {row_id}")
    if next(db.query(f"SELECT id FROM {table} WHERE corrects_id = ?", (row_id,)), None):
        raise NotAllowed("this entry was already corrected; correct the correction instead")
    return row


def correct_vitals(db: Database, vitals_id: int, values: Mapping[str, object], *,
                   reason: str) -> int:
    """A new reading, same time and checkpoint, replacing a wrong one; both are kept."""
    old = _not_superseded(db, "vitals", vitals_id)
    reading = make_reading(values, taken_at=parse_instant(old["taken_at"]),
                           checkpoint=old["checkpoint"])
    return insert(db, "vitals", {"session_id": old["session_id"], "taken_at": old["taken_at"],
                                 "checkpoint": old["checkpoint"], **reading.values(),
                                 "corrects_id": vitals_id, "correction_reason": _reason(reason),
                                 "created_at": stamp()})


def correct_dose(db: Database, dose_id: int, *, mg: float, given_at: datetime,
                 reason: str) -> int:
    old = _not_superseded(db, "doses", dose_id)
    if not isinstance(mg, int | float) or not 0 < mg <= 1000:
        raise InvalidInput("mg", f"dose must be between 0 and 1000 mg, not {mg!r}")
    return insert(db, "doses", {
        "session_id": old["session_id"], "given_at": to_iso(given_at), "mg": mg,
        "medicine": old["medicine"], "form": old["form"], "route": old["route"],
        "is_booster": old["is_booster"], "amount_reason": old["amount_reason"],
        "gate_override_reason": old["gate_override_reason"], "corrects_id": dose_id,
        "correction_reason": _reason(reason), "created_at": stamp()})
