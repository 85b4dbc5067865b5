"""Dose and booster: time and amount from the prescriber's order; a different amount, or a
dose while the dosing gate is closed, needs a written reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from kapdesk.domain.dosing import minutes_back_allowed
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.gates import OVERRIDE_REASON_MIN_CHARS
from kapdesk.domain.session import SessionRecord
from kapdesk.practice.queries import Database
from kapdesk.practice.session import record_dose
from kapdesk.ui.session.panel import Panel
from kapdesk.ui.widgets import restyle


class DosePanel(Panel):
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__("Dose", "Record dose")
        self.db, self.now = db, now
        self.record: SessionRecord | None = None
        self.booster = False
        self.labels = {"mg": "Amount", "amount_reason": "Reason for a different amount",
                       "reason": "Override reason"}
        self.mg = QLineEdit()
        self.mg.setFixedWidth(120)
        self.minutes_ago = QSpinBox()
        self.minutes_ago.setRange(0, 60)
        self.minutes_ago.setSuffix(" min ago")
        self.minutes_ago.setSpecialValueText("now")
        # Amount and time share a row: with a closed gate's words above them, four rows cut
        # the override reason in half at 720 lines (found by a first-time user).
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.mg)
        line.addSpacing(12)
        line.addWidget(QLabel("given"))
        line.addWidget(self.minutes_ago, 1)
        self.form.addRow("Amount (mg)", row)
        self.amount_reason = QLineEdit()
        self.amount_reason.setPlaceholderText("only if the amount differs from the order")
        self.form.addRow("Different amount", self.amount_reason)
        self.gate_reason = QLineEdit()
        self.gate_reason.setPlaceholderText("e.g. prescriber consulted by phone, cleared to dose")
        self.form.addRow("Override reason", self.gate_reason)
        self.ask_reason_in(self.gate_reason)

    def open_for(self, record: SessionRecord, *, booster: bool) -> None:
        self.record, self.booster = record, booster
        order = record.order or {}
        ordered = order.get("booster_mg") if booster else order.get("dose_mg")
        self.title.setText("Booster" if booster else "Dose")
        self.action_button.setText(("Record booster" if booster else "Record dose") + "  Enter")
        self.mg.setText(f"{ordered:g}" if ordered else "")
        self.minutes_ago.setValue(0)
        # only the times a dose could have been given: since the start (a booster: since the
        # first dose), so the spinner never offers a time the save would refuse
        self.minutes_ago.setMaximum(minutes_back_allowed(record, self.now(), is_booster=booster))
        self.amount_reason.clear()
        self.gate_reason.clear()
        lines = [f"Order v{order.get('version')}: {order.get('dose_mg', 0):g} mg "
                 f"{order.get('medicine', '')}, {order.get('form', '')}"
                 + (f"; booster {order['booster_mg']:g} mg allowed" if order.get("booster_allowed")
                    else "; no booster ordered")]
        gate = record.booster_gate(self.now()) if booster else record.dosing_gate(self.now())
        closed = not gate.open
        if closed:
            lines.append(("Booster early: " if booster else "Dosing gate closed: ")
                         + "; ".join(gate.reasons)
                         + ". To go ahead, write why in at least "
                         f"{OVERRIDE_REASON_MIN_CHARS} characters (e.g. the prescriber was "
                         "consulted).")
        self.gate_reason.setEnabled(closed)
        self.info.setText("\n".join(lines))
        restyle(self.info, "warning" if closed else "muted")
        self.clear_error()
        self.mg.setFocus()  # the amount first; Tab reaches the reason when one is asked

    def save(self) -> str:
        text = self.mg.text().strip().replace(",", ".")
        if not text:
            raise InvalidInput("mg", "Amount is required (mg)")
        try:
            mg = float(text)
        except ValueError:
            raise InvalidInput("mg", f"Amount must be a number of mg, not {text!r}") from None
        given = self.now() - timedelta(minutes=self.minutes_ago.value())
        record_dose(self.db, self.record.id, given_at=given, now=self.now(), mg=mg,
                    is_booster=self.booster,
                    amount_reason=self.amount_reason.text(),
                    gate_reason=self.gate_reason.text() if self.gate_reason.isEnabled() else None)
        return f"{'Booster' if self.booster else 'Dose'} {mg:g} mg recorded"
