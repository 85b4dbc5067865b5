"""Discharge: the gate's reasons in plain words, an override only with a written reason,
and the integration session 24-48 hours later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox

from kapdesk.domain.scheduling import integration_hours, integration_in_window
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import parse_instant
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
        self.schedule = QCheckBox("schedule the integration session")
        self.hours = QSpinBox()
        self.hours.setRange(*integration_hours())
        self.hours.setValue(integration_hours()[0])
        self.hours.setSuffix(" h after today's session")
        self.form.addRow("Integration", self.schedule)
        self.form.addRow("", self.hours)

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
        if planned is None:
            self.schedule.setText("schedule the integration session")
        elif stale:
            self.schedule.setText("move the integration session to")
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
