"""Edits after the fact: amend a note (the earlier wording stays, with its time), correct a
reading or a dose by a new entry with a reason (the wrong one stays, marked replaced)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QDateTimeEdit, QLabel, QPlainTextEdit, QWidget

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.mistakes import strike_reason, take_back_reason
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vitals import LABELS, MEASURES, UNITS, make_reading
from kapdesk.domain.vocabulary import EVENT_KINDS, RATING_LEVELS, RATING_SCALES
from kapdesk.practice.amend import amend_note, correct_dose, correct_vitals
from kapdesk.practice.queries import Database, get_entry, get_note, note_versions
from kapdesk.practice.session import strike_entry, take_back_start
from kapdesk.ui.forms import FormDialog, line


class AmendNoteDialog(FormDialog):
    def __init__(self, db: Database, note_id: int, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        self.db, self.note_id, self.now = db, note_id, now
        note = get_note(db, note_id)
        history = "".join(f"\nReplaced {local(parse_instant(v['replaced_at'])):%d %b %Y %H:%M}:"
                          f" “{v['body']}”" for v in note_versions(db, note_id))
        super().__init__("Amend a note", self._save, parent,
                         intro="The note as written stays in the record with the time of this "
                               "amendment; clinical records are not silently rewritten."
                               + history)
        body = QPlainTextEdit(note["body"])
        body.setTabChangesFocus(True)
        body.setFixedHeight(110)
        self.add("body", "Note", body)

    def _save(self, values: dict[str, Any]) -> None:
        amend_note(self.db, self.note_id, values["body"], at=self.now())


class CorrectVitalsDialog(FormDialog):
    def __init__(self, db: Database, vitals_id: int, parent: QWidget | None = None) -> None:
        self.db, self.vitals_id = db, vitals_id
        row = get_entry(db, "vitals", vitals_id)
        super().__init__("Correct a reading", self._save, parent,
                         intro=f"A new reading for {local(parse_instant(row['taken_at'])):%H:%M}"
                               " replaces this one; both stay in the record.")
        for measure in MEASURES:
            self.add(measure, f"{LABELS[measure]} ({UNITS[measure]})",
                     line("" if row[measure] is None else str(row[measure])))
        self.add("reason", "Reason", line("", "e.g. typed 184, the cuff showed 148"))
        self.taken_at = parse_instant(row["taken_at"])
        self.checkpoint = row["checkpoint"]

    def check(self, values: dict[str, Any]) -> None:
        make_reading({m: values[m] for m in MEASURES}, taken_at=self.taken_at,
                     checkpoint=self.checkpoint)

    def _save(self, values: dict[str, Any]) -> None:
        correct_vitals(self.db, self.vitals_id, {m: values[m] for m in MEASURES},
                       reason=values["reason"])


class StrikeEntryDialog(FormDialog):
    """Strike out a mis-keyed event or rating, with a reason."""

    def __init__(self, db: Database, table: str, entry_id: int, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        self.db, self.table, self.entry_id, self.now = db, table, entry_id, now
        row = get_entry(db, table, entry_id)
        what = (EVENT_KINDS.get(row["kind"], row["kind"]) if table == "events" else
                f"{RATING_SCALES[row['scale']]}: {RATING_LEVELS[row['value']]}")
        super().__init__("Strike out an entry", self._save, parent, save_label="Strike out",
                         intro=f"“{what}” at {local(parse_instant(row['at'])):%H:%M} stays in the "
                               "record, struck out with your reason; it no longer counts on "
                               "the timeline, in the course overview or in the prescriber's "
                               "summary.")
        self.add("reason", "Reason", line("", "e.g. pressed Y by mistake; nothing happened"))

    def check(self, values: dict[str, Any]) -> None:
        strike_reason(values["reason"])

    def _save(self, values: dict[str, Any]) -> None:
        strike_entry(self.db, self.table, self.entry_id, at=self.now(),
                     reason=values["reason"])


class TakeBackStartDialog(FormDialog):
    """A session started by mistake goes back to the plan, with a reason."""

    def __init__(self, db: Database, record: SessionRecord, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        self.db, self.session_id, self.now = db, record.id, now
        started = record.started_at
        assert started is not None
        super().__init__("Undo the start", self._save, parent, save_label="Undo the start",
                         intro=f"Medication session {record.session['number'] or ''} for "
                               f"{record.client['display_name']}, started at "
                               f"{local(started):%H:%M}, goes back to the plan, not started: "
                               "nothing is recorded in it yet. The audit trail keeps that it "
                               "was started and taken back, with your reason.")
        self.add("reason", "Reason", line("", "e.g. wrong client chosen"))

    def check(self, values: dict[str, Any]) -> None:
        take_back_reason(values["reason"])

    def _save(self, values: dict[str, Any]) -> None:
        take_back_start(self.db, self.session_id, at=self.now(), reason=values["reason"])


class CorrectDoseDialog(FormDialog):
    def __init__(self, db: Database, dose_id: int, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        self.db, self.dose_id, self.now = db, dose_id, now
        row = get_entry(db, "doses", dose_id)
        super().__init__("Correct a dose", self._save, parent,
                         intro="A new entry replaces this dose; both stay in the record.")
        self.add("mg", "Amount (mg)", line(f"{row['mg']:g}"))
        given = QDateTimeEdit(local(parse_instant(row["given_at"])).replace(tzinfo=None))
        given.setDisplayFormat("dd MMM yyyy, HH:mm")
        self.add("given_at", "Given at", given)
        self.add("reason", "Reason", line("", "e.g. the dose was given at 10:24, not 10:20"))
        self.form.addRow(QLabel(""))

    def _save(self, values: dict[str, Any]) -> None:
        try:
            mg = float(str(values["mg"]).replace(",", "."))
        except ValueError:
            raise InvalidInput("mg", f"Amount must be a number of mg, not {values['mg']!r}") \
                from None
        correct_dose(self.db, self.dose_id, mg=mg, given_at=values["given_at"],
                     reason=values["reason"], now=self.now())
