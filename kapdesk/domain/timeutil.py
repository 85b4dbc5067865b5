"""Instants: stored as timezone-aware UTC, shown in local time.

Live time comes from a :class:`Clock`. The system clock reads the wall clock once and then
advances with ``time.monotonic()``, so a wall-clock jump (NTP, DST) cannot make the session
clock skip, and nothing counts timer ticks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from kapdesk.domain.errors import InvalidInput


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(instant: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset, to the second (sortable as text)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: an instant needs a time zone")
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; it must carry a UTC offset."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{text!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return value.astimezone(UTC)


def parse_day(field: str, value: object, *, required: bool = False,
              not_future: bool = False) -> date | None:
    """A calendar date typed or stored as ``YYYY-MM-DD``; errors name the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(field, "a date is required (YYYY-MM-DD)")
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not_future and day > date.today():
        raise InvalidInput(field, "cannot be in the future")
    return day


def required_day(field: str, value: object, *, not_future: bool = False) -> date:
    """:func:`parse_day` for a date that must be given."""
    day = parse_day(field, value, required=True, not_future=not_future)
    assert day is not None  # required=True raises instead of returning None
    return day


def local(instant: datetime) -> datetime:
    return instant.astimezone()


def nearest(instants: Sequence[datetime], at: datetime) -> int | None:
    """The index of the instant closest to ``at`` (None when there are none): the line a
    moment opened from the band or from a search result is marked on."""
    if not instants:
        return None
    return min(range(len(instants)), key=lambda i: abs(instants[i] - at))


def minutes_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 60.0


def whole_minutes(delta: timedelta) -> int:
    """Completed minutes, rounded down: 119.5 min is 119, as the discharge gate counts them,
    so what is printed agrees with what was decided."""
    return int(delta.total_seconds() // 60)


def format_duration(delta: timedelta) -> str:
    """``1:05:09`` style; negative durations get a leading minus."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall time read once, then advanced by the monotonic clock."""

    def __init__(self) -> None:
        self._wall = utc_now()
        self._mono = time.monotonic()

    def now(self) -> datetime:
        return self._wall + timedelta(seconds=time.monotonic() - self._mono)


@dataclass
class ManualClock:
    """A clock the caller moves: for tests, the demo and replaying a session."""

    current: datetime = field(default_factory=utc_now)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current


# The furthest any time zone is ahead of or behind UTC: a calendar day written on another
# laptop is compared with an instant through these, since its zone is not recorded.
ZONE_AHEAD_MAX = timedelta(hours=14)
ZONE_BEHIND_MAX = timedelta(hours=12)


def latest_local_day(instant: datetime) -> date:
    """The latest calendar day ``instant`` falls on anywhere in the world."""
    return (instant.astimezone(UTC) + ZONE_AHEAD_MAX).date()


def earliest_local_day(instant: datetime) -> date:
    """The earliest calendar day ``instant`` falls on anywhere in the world."""
    return (instant.astimezone(UTC) - ZONE_BEHIND_MAX).date()
