"""Discharge: the gate's reasons in plain words, an override only with a written reason,
and the integration session 24-48 hours later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QSizePolicy, QWidget

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.gates import OVERRIDE_REASON_MIN_CHARS, override_reason
from kapdesk.domain.scheduling import at_night, check_integration_after, integration_in_window
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.practice.course import clashes
from kapdesk.practice.queries import Database, integration_of
from kapdesk.practice.session import discharge_and_schedule
from kapdesk.ui.integration_hours import IntegrationHoursBox
from kapdesk.ui.models import when
from kapdesk.ui.session.panel import Panel
from kapdesk.ui.widgets import restyle


class TypedNote(Protocol):
    """The session's note box: words typed there and not yet saved."""

    def typed(self) -> str: ...

    def commit(self) -> datetime | None: ...


class DischargePanel(Panel):
    """A note half typed when the client leaves is saved with the discharge, as ending an
    integration session saves its note: after the discharge the session is read, not
    written, and the words would have stayed behind as a draft no screen shows (found by
    a first-time user). The panel says so before the Enter that does it."""

    def __init__(self, db: Database, now: Callable[[], datetime],
                 note: TypedNote | None = None) -> None:
        super().__init__("Discharge", "Discharge")
        self.db, self.now, self.note = db, now, note
        self.record: SessionRecord | None = None
        self._stale_plan: str | None = None  # a planned integration outside 24-48 h
        self._clash = ""  # another booking at the hour the integration would be planned
        self.labels = {"reason": "Override reason", "integration_after": "Integration"}
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. prescriber consulted by phone, cleared to leave")
        self.form.addRow("Override reason", self.reason)
        self.ask_reason_in(self.reason)
        self.schedule = QCheckBox("schedule it for")
        self.hours = IntegrationHoursBox(" h after the start")
        self.hours.valueChanged.connect(self._say_when)
        # Its day and time change its width: it takes the row's room, never more (its
        # arrows were pushed past the panel's edge, found by a first-time user).
        self.hours.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # One row: the refusal's reasons above it need the room at 720 lines.
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.schedule)
        line.addWidget(self.hours, 1)
        self.form.addRow("Integration", row)

    def _say_when(self) -> None:
        """Whether the hour the spin box plans is taken by another booking."""
        if self.record is None or self.record.started_at is None:
            return
        slot = self.hours.slot()
        # No other client is named here: the client sits beside the screen.
        taken = [s for s in clashes(self.db, "integration", slot) if s["client_id"] !=
                 self.record.session["client_id"] or s["medication_session_id"] !=
                 self.record.id] if self.hours.isEnabled() and slot is not None else []
        self._clash = (f"An integration at {local(slot):%a %H:%M} would overlap another "
                       "session already booked: other hours can be chosen." if taken else "")
        self.say_gate()

    def integration(self) -> dict | None:
        return integration_of(self.db, self.record.id)

    def open_for(self, record: SessionRecord) -> None:
        self.record = record
        self.reason.clear()
        planned = self.integration()
        stale = planned is not None and not planned["started_at"] and not \
            integration_in_window(self.record.started_at,
                                  parse_instant(planned["scheduled_for"]))
        self._stale_plan = planned["scheduled_for"] if planned and stale else None
        self.schedule.setChecked(planned is None or stale)
        self.schedule.setEnabled(planned is None or stale)
        self.hours.setEnabled(planned is None or stale)
        # Already booked in its window: that time alone is said (two times side by side
        # left a tired reader unsure which would apply; found by a first-time user).
        self.hours.setVisible(planned is None or stale)
        self.hours.set_start(record.started_at)
        self._say_when()
        if planned is None:
            self.schedule.setText("schedule it for")
        elif stale:
            self.schedule.setText("move it to")
        else:
            self.schedule.setText("already scheduled: " + when(planned["scheduled_for"]))
        self.reason.setEnabled(False)  # so that the gate's first saying sets it
        self.say_gate()
        self.clear_error()
        (self.reason if self.reason.isEnabled() else self.action_button).setFocus()

    def say_gate(self) -> None:
        """The gate as it stands now: said again every second while the panel is open (a
        panel left open said "0 min since the last dose … 120 min to go" minutes later,
        found by a first-time user). A reason being written is left as it is."""
        if self.record is None:
            return
        gate = self.record.discharge_gate(self.now())
        if gate.open:
            ride = self.record.session["ride_home_name"] or "not recorded"
            text = f"Ready to leave: every condition holds. Ride home: {ride}."
        else:
            text = ("Not cleared yet:\n• " + "\n• ".join(gate.reasons)
                    + "\nDischarge now only with a written reason, at least "
                    f"{OVERRIDE_REASON_MIN_CHARS} characters.")
        if self._stale_plan:
            text += (f"\nThe integration session is planned for {when(self._stale_plan)}, "
                     "outside 24-48 hours.")
        if self._clash:
            text += "\n" + self._clash
        if self.note is not None and self.note.typed():
            text += "\nThe note being typed is saved as a note with the discharge."
        if self.info.text() != text:
            self.info.setText(text)
            restyle(self.info, "muted" if gate.open else "warning")
        if self.reason.isEnabled() == gate.open:  # the gate opened or closed meanwhile
            self.reason.setEnabled(not gate.open)
            if gate.open and self.isVisible():
                self.action_button.setFocus()

    def save(self) -> str:
        at = self.now()
        reason = self.reason.text() if self.reason.isEnabled() else None
        # A refusal comes before the note is saved: a discharge refused for a short reason
        # had already put the half-typed note in the log (seen in the real app).
        override_reason(self.record.discharge_gate(at), reason)
        plan = self.schedule.isChecked() and self.schedule.isEnabled()
        if plan and not self.hours.in_window():  # typed outside 24-48: refused by name
            check_integration_after(timedelta(hours=self.hours.value()))
        noted = None
        if self.note is not None and self.note.typed():
            noted = self.note.commit()
            if noted is None:
                raise KapdeskError("the note being typed could not be saved, so the client "
                                   "is not discharged yet: its line says why")
        discharge_and_schedule(self.db, self.record.id, at=at, reason=reason,
                               integration_after=timedelta(hours=self.hours.value())
                               if plan else None)
        planned = self.integration()
        booked = parse_instant(planned["scheduled_for"]) if planned else None
        integration = (f" · integration {local(booked):%a %d %b, %H:%M}"
                       + (" (at night)" if at_night(booked) else "")) if booked else ""
        typed = f" · the note typed from {local(noted):%H:%M} saved" if noted else ""
        return ("Discharged" + (" (override recorded)" if reason else "") + integration
                + typed)
