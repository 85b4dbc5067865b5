"""The practice's own details: its name and the therapist's, as summaries will print them,
and after how many minutes without use the app locks itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QSpinBox, QWidget

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.locking import LOCK_AFTER_DEFAULT_MIN, LOCK_AFTER_RANGE_MIN
from kapdesk.practice.queries import Database, get_practice, set_practice
from kapdesk.ui.forms import FormDialog, line


class PracticeDialog(FormDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        self.db = db
        practice = get_practice(db) or {}
        super().__init__("Practice details", self._save, parent,
                         intro="Printed on the summaries you send to prescribers.")
        self.add("name", "Practice name", line(practice.get("name", "")))
        self.add("therapist", "Therapist", line(practice.get("therapist", ""),
                                                "e.g. Alex Moreno, LMFT"))
        low, high = LOCK_AFTER_RANGE_MIN
        lock = QSpinBox()
        lock.setRange(low, high)
        lock.setSuffix(" min without use")
        lock.setValue(practice.get("lock_after_min", LOCK_AFTER_DEFAULT_MIN))
        self.add("lock_after_min", "Lock after", lock)

    def check(self, values: dict[str, Any]) -> None:
        if not values["name"]:
            raise InvalidInput("name", "Practice name is required")

    def _save(self, values: dict[str, Any]) -> None:
        set_practice(self.db, name=values["name"], therapist=values["therapist"],
                     lock_after_min=values["lock_after_min"])
