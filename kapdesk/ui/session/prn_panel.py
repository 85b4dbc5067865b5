"""PRN medication: which medicine, how much and why, checked against what the order allows.
P opens it; a PRN is never recorded as a bare "PRN given"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLineEdit

from kapdesk.domain.orders import on_prn_list, prn_detail, prn_list
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local
from kapdesk.practice.queries import Database
from kapdesk.practice.session import record_event
from kapdesk.ui.session.panel import Panel


class PrnPanel(Panel):
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__("PRN medication", "Record PRN")
        self.db, self.now = db, now
        self.record: SessionRecord | None = None
        self.allowed: list[str] = []
        self.recorded: tuple[int, datetime] | None = None  # the PRN just saved: undoable
        self.labels = {"prn_medicine": "Medicine", "prn_dose": "Dose", "prn_reason": "Reason"}
        self.medicine = QComboBox()
        self.medicine.setEditable(True)
        self.medicine.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.dose = QLineEdit()
        self.dose.setPlaceholderText("e.g. 4 mg")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. nausea after the booster")
        self.form.addRow("Medicine", self.medicine)
        self.form.addRow("Dose", self.dose)
        self.form.addRow("Reason", self.reason)
        self.medicine.currentTextChanged.connect(self._describe)

    def open_for(self, record: SessionRecord) -> None:
        self.record = record
        self.allowed = prn_list(record.order)
        self.medicine.clear()
        self.medicine.addItems(self.allowed)
        self.medicine.setEditText(self.allowed[0] if len(self.allowed) == 1 else "")
        self.dose.clear()
        self.reason.clear()
        self.clear_error()
        self._describe()
        self.medicine.setFocus()

    def _describe(self) -> None:
        if not self.allowed:
            text = ("The order lists no PRN medicines. Write what was given as the prescriber "
                    "allowed it.")
        else:
            text = "The order allows: " + "; ".join(self.allowed)
            typed = self.medicine.currentText()
            if typed.strip() and not on_prn_list(typed, self.allowed):
                text += "\nNot on the order's PRN list: it will be recorded as such."
        self.info.setText(text)

    def save(self) -> str:
        detail = prn_detail(self.medicine.currentText(), self.dose.text(), self.reason.text(),
                            self.allowed)
        at = self.now()
        self.recorded = (record_event(self.db, self.record.id, "prn", at=at, detail=detail), at)
        return f"PRN noted at {local(at):%H:%M}: {detail}"
