"""How many hours after its medication session the integration session is planned."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QSpinBox

from kapdesk.domain.scheduling import (
    at_night,
    integration_hours,
    integration_slot,
    next_daytime_hours,
)
from kapdesk.domain.timeutil import local


class IntegrationHoursBox(QSpinBox):
    """Whole hours (24-48) from the medication session's start, the day and time they plan
    said beside them. The arrow and page keys pass over the night, as a therapist books an
    ordinary appointment; an hour typed at night is kept and said to be at night (an
    evening slot may be meant)."""

    def __init__(self, lead: str) -> None:
        super().__init__()
        self._lead = lead  # " h later", " h after the start"
        self._start: datetime | None = None
        low, high = integration_hours()
        self.setRange(low, high)
        self.setValue(low)
        self.setSuffix(lead)
        self.valueChanged.connect(self._say_when)

    def set_start(self, started: datetime) -> None:
        """The medication session's start (or planned start); an hour at night moves on to
        the first in the day."""
        self._start = started
        if at_night(self.slot()):
            later = next_daytime_hours(started, self.value(), 1)
            self.setValue(later if later != self.value()
                          else next_daytime_hours(started, self.value(), -1))
        self._say_when()

    def slot(self) -> datetime:
        assert self._start is not None, "set_start first"
        return integration_slot(self._start, timedelta(hours=self.value()))

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        if self._start is None:
            super().stepBy(steps)
            return
        value = self.value()
        for _ in range(abs(steps)):
            value = next_daytime_hours(self._start, value, 1 if steps > 0 else -1)
        self.setValue(value)
        self.selectAll()  # the number, as Qt's own step selects it (not a letter of the suffix)

    def _say_when(self) -> None:
        if self._start is None:
            return
        slot = self.slot()
        self.setSuffix(f"{self._lead}: {local(slot):%a %d %b, %H:%M}"
                       + (" · at night" if at_night(slot) else ""))
