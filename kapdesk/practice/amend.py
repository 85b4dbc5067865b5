"""Corrections after the fact: a note's wording amended, a reading or dose replaced by a new
entry with its reason. The earlier entry stays visible."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlite_utils import Database

from kapdesk.domain.dosing import check_dose_time, check_mg
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.mistakes import correction_reason
from kapdesk.domain.timeutil import parse_instant
from kapdesk.domain.vitals import make_reading
from kapdesk.domain.vocabulary import require_text
from kapdesk.storage import amendments as store
from kapdesk.storage.amendments import note_versions
from kapdesk.storage.sessions import get_note, load_session

__all__ = ["amend_note", "correct_dose", "correct_vitals", "note_versions"]

def amend_note(db: Database, note_id: int, body: str, *, at: datetime) -> None:
    """Replace a note's wording; the earlier wording is kept with the time it was replaced."""
    new = require_text("body", body, "The amended note")
    with db.atomic():
        note = get_note(db, note_id)
        if new == note["body"]:
            raise InvalidInput("body", "the amended note is the same as before")
        store.replace_note_body(db, note, new, at=at)


def _not_superseded(db: Database, table: str, row_id: int) -> dict:
    row = store.get_entry(db, table, row_id)
    if store.is_corrected(db, table, row_id):
        raise NotAllowed("this entry was already corrected; correct the correction instead")
    return row


def correct_vitals(db: Database, vitals_id: int, values: Mapping[str, object], *,
                   reason: str) -> int:
    """A new reading, same time and checkpoint, replacing a wrong one; both are kept."""
    with db.atomic():
        old = _not_superseded(db, "vitals", vitals_id)
        reading = make_reading(values, taken_at=parse_instant(old["taken_at"]),
                               checkpoint=old["checkpoint"])
        text = correction_reason(reason)
        return store.insert_vitals_correction(db, old, reading, reason=text)


def correct_dose(db: Database, dose_id: int, *, mg: float, given_at: datetime,
                 reason: str, now: datetime) -> int:
    """A new dose entry replacing a wrong amount or time. The corrected time obeys the rules
    of a dose given then: inside the session, not ahead of the clock, the first dose before
    any booster and a booster after the first dose."""
    amount = check_mg("mg", mg)
    text = correction_reason(reason)
    with db.atomic():
        old = _not_superseded(db, "doses", dose_id)
        record = load_session(db, old["session_id"])
        session = record.session
        booster = bool(old["is_booster"])
        check_dose_time(record, given_at, now=now, is_booster=booster)
        if session["ended_at"] and given_at > parse_instant(session["ended_at"]):
            raise InvalidInput("given_at", "the corrected time must fall inside the session")
        if not booster and any(d.is_booster and given_at >= d.given_at for d in record.doses):
            raise InvalidInput("given_at", "the first dose comes before the booster")
        return store.insert_dose_correction(db, old, mg=amount, given_at=given_at, reason=text)
