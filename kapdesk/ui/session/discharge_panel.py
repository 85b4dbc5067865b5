"""Discharge: the gate's reasons in plain words, an override only with a written reason,
and the integration session 24-48 hours later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from kapdesk.domain.scheduling import integration_hours, integration_in_window, integration_slot
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.practice.queries import Database, integration_of
from kapdesk.practice.session import discharge_and_schedule
from kapdesk.ui.models import when
from kapdesk.ui.session.panel import Panel
from kapdesk.ui.widgets import restyle


class DischargePanel(Panel):
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__("Discharge", "Discharge")
        self.db, self.now = db, now
        self.record: SessionRecord | None = None
        self.labels = {"reason": "Override reason"}
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. prescriber consulted by phone, cleared to leave")
        self.form.addRow("Override reason", self.reason)
        self.ask_reason_in(self.reason)
        self.schedule = QCheckBox("schedule it for")
        self.hours = QSpinBox()
        self.hours.setRange(*integration_hours())
        self.hours.setValue(integration_hours()[0])
        self.hours.valueChanged.connect(self._say_when)
        # One row: the refusal's reasons above it need the room at 720 lines.
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.schedule)
        line.addWidget(self.hours, 1)
        self.form.addRow("Integration", row)

    def _say_when(self) -> None:
        """The spin box says the day and time it plans, as the therapist will book it."""
        if self.record is None or self.record.started_at is None:
            return
        slot = integration_slot(self.record.started_at, timedelta(hours=self.hours.value()))
        self.hours.setSuffix(f" h later: {local(slot):%a %d %b, %H:%M}")

    def integration(self) -> dict | None:
        return integration_of(self.db, self.record.id)

    def open_for(self, record: SessionRecord) -> None:
        self.record = record
        gate = record.discharge_gate(self.now())
        ride = record.session["ride_home_name"] or "not recorded"
        if gate.open:
            text = f"Ready to leave: every condition holds. Ride home: {ride}."
            self.reason.setEnabled(False)
        else:
            text = ("Not cleared yet:\n• " + "\n• ".join(gate.reasons)
                    + "\nDischarge now only with a written reason.")
            self.reason.setEnabled(True)
        self.info.setText(text)
        restyle(self.info, "muted" if gate.open else "warning")
        self.reason.clear()
        planned = self.integration()
        stale = planned is not None and not planned["started_at"] and not \
            integration_in_window(self.record.started_at,
                                  parse_instant(planned["scheduled_for"]))
        self.schedule.setChecked(planned is None or stale)
        self.schedule.setEnabled(planned is None or stale)
        self.hours.setEnabled(planned is None or stale)
        self._say_when()
        if planned is None:
            self.schedule.setText("schedule it for")
        elif stale:
            self.schedule.setText("move it to")
            self.info.setText(self.info.text() + "\nThe integration session is planned for "
                              f"{when(planned['scheduled_for'])}, outside 24-48 hours.")
        else:
            self.schedule.setText("already scheduled: " + when(planned["scheduled_for"]))
        self.clear_error()
        (self.reason if self.reason.isEnabled() else self.action_button).setFocus()

    def save(self) -> str:
        at = self.now()
        reason = self.reason.text() if self.reason.isEnabled() else None
        plan = self.schedule.isChecked() and self.schedule.isEnabled()
        discharge_and_schedule(self.db, self.record.id, at=at, reason=reason,
                               integration_after=timedelta(hours=self.hours.value())
                               if plan else None)
        return "Discharged" + (" (override recorded)" if reason else "")
