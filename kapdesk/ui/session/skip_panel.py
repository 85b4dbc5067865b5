"""Skipping a reading the protocol planned (O): which one, and why. A planned reading not
taken shows quietly as missed until it is taken or skipped here; never with a sound."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLineEdit

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local
from kapdesk.domain.vitals_schedule import DueReading, schedule
from kapdesk.practice.queries import Database
from kapdesk.practice.session import skip_scheduled_reading
from kapdesk.ui.session.panel import Panel


def open_readings(record: SessionRecord, now: datetime) -> list[DueReading]:
    """The planned readings whose time has come and that are neither taken nor skipped,
    missed ones first."""
    timeline = record.timeline(now)
    if timeline is None:
        return []
    due = [d for d in schedule(record, timeline, now) if d.state in ("missed", "due")]
    return sorted(due, key=lambda d: (d.state != "missed", d.at))


class SkipPanel(Panel):
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__("Skip a planned reading", "Skip it")
        self.db, self.now = db, now
        self.record: SessionRecord | None = None
        self.labels = {"reason": "Reason"}
        self.reading = QComboBox()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. asleep, breathing easily; prescriber agreed")
        self.form.addRow("Reading", self.reading)
        self.form.addRow("Reason", self.reason)
        self.info.setText("It stays in the record, with the reason, and in the summary.")

    def open_for(self, record: SessionRecord) -> bool:
        """False when no planned reading is open (nothing to skip)."""
        self.record = record
        due = open_readings(record, self.now())
        self.reading.clear()
        for reading in due:
            self.reading.addItem(f"{local(reading.at):%H:%M}  {reading.step.label}"
                                 + ("  (missed)" if reading.state == "missed" else ""),
                                 reading.at)
        self.reason.clear()
        self.clear_error()
        self.reason.setFocus()
        return bool(due)

    def save(self) -> str:
        due_at = self.reading.currentData()
        skip_scheduled_reading(self.db, self.record.id, due_at=due_at,
                               reason=self.reason.text(), now=self.now())
        return f"Planned reading of {local(due_at):%H:%M} skipped: {self.reason.text().strip()}"
