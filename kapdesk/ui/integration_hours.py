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

TYPED_MAX = 99  # two digits typed are kept, to be refused by name when outside 24-48


class IntegrationHoursBox(QSpinBox):
    """Whole hours (24-48) from the medication session's start, the day and time they plan
    said beside them. The arrow and page keys pass over the night, as a therapist books an
    ordinary appointment; an hour typed at night is kept and said to be at night (an
    evening slot may be meant). An hour typed outside 24-48 is kept too and said to be
    outside: the form's save refuses it by name, where Qt would silently put back the last
    valid hour and book that (found by a first-time user)."""

    def __init__(self, lead: str) -> None:
        super().__init__()
        self._lead = lead  # " h later", " h after the start"
        self._start: datetime | None = None
        low, _high = integration_hours()
        self.setRange(1, TYPED_MAX)
        self.setValue(low)
        self.setSuffix(lead)
        self.valueChanged.connect(self._say_when)

    def set_start(self, started: datetime) -> None:
        """The medication session's start (or planned start); an hour at night moves on to
        the first in the day."""
        self._start = started
        slot = self.slot()
        if slot is not None and at_night(slot):
            later = next_daytime_hours(started, self.value(), 1)
            self.setValue(later if later != self.value()
                          else next_daytime_hours(started, self.value(), -1))
        self._say_when()

    def in_window(self) -> bool:
        low, high = integration_hours()
        return low <= self.value() <= high

    def slot(self) -> datetime | None:
        """When the integration would be booked; None for an hour outside 24-48."""
        assert self._start is not None, "set_start first"
        if not self.in_window():
            return None
        return integration_slot(self._start, timedelta(hours=self.value()))

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt's name)
        if self._start is None:
            super().stepBy(steps)
            return
        low, high = integration_hours()
        value = self.value()
        if not self.in_window():  # a typed hour outside: the arrows bring it back first
            self.setValue(min(max(value, low), high))
            self.selectAll()
            return
        for _ in range(abs(steps)):
            value = next_daytime_hours(self._start, value, 1 if steps > 0 else -1)
        self.setValue(value)
        self.selectAll()  # the number, as Qt's own step selects it (not a letter of the suffix)

    def _say_when(self) -> None:
        if self._start is None:
            return
        slot = self.slot()
        if slot is None:
            low, high = integration_hours()
            self.setSuffix(f"{self._lead}: outside {low}-{high} h")
            return
        self.setSuffix(f"{self._lead}: {local(slot):%a %d %b, %H:%M}"
                       + (" · at night" if at_night(slot) else ""))
