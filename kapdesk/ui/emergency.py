"""The emergency card: one key from anywhere shows who to call and the safety plan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kapdesk.practice.queries import Database, client_row
from kapdesk.ui.screen_fit import keep_on_screen


class EmergencyCard(QDialog):
    """Large, plain, non-modal: it never hides the clock for long and closes with Esc."""

    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        client = client_row(db, client_id)
        self.setWindowTitle("Emergency card")  # the name is on the card, not in task bars
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel(f"Emergency card · {client['display_name']}")
        title.setObjectName("title")
        layout.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(12)
        prescriber = client["prescriber_name"] or "no prescriber recorded"
        if client["prescriber_credentials"]:
            prescriber += f", {client['prescriber_credentials']}"
        rows = [
            ("Prescriber on call", client["prescriber_on_call"] or client["prescriber_phone"]
             or "no number recorded", prescriber),
            ("Emergency contact", client["emergency_phone"] or "no number recorded",
             client["emergency_name"]),
            ("Ride home", client["ride_phone"] or "no number recorded", client["ride_name"]),
        ]
        self.numbers: dict[str, QLabel] = {}
        for row, (label, number, who) in enumerate(rows):
            head = QLabel(label)
            head.setObjectName("muted")
            value = QLabel(number)
            value.setObjectName("bigNumber")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            person = QLabel(who)
            person.setWordWrap(True)
            grid.addWidget(head, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(person, row, 2)
            self.numbers[label] = value
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        plan_head = QLabel("Safety plan")
        plan_head.setObjectName("section")
        layout.addWidget(plan_head)
        self.plan = QLabel(client["safety_plan"] or "No safety plan written yet.")
        self.plan.setWordWrap(True)
        self.plan.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.plan)
        close = QPushButton("Close (Esc)")
        close.clicked.connect(self.close)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
