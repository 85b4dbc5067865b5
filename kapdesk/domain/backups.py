"""Automatic backups: how they are named, and which to keep.

Retention follows Anki's rule, which keeps the recent past fine-grained and the distant past
sparse: every backup of the last two days, then the newest of each of 12 more days, of 10
weeks and of 9 months (about a year in all). Backups the therapist made on purpose
(``manual``) are never removed by it. Pure: names and instants in, decisions out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RECENT = timedelta(days=2)
DAILY, WEEKLY, MONTHLY = 12, 10, 9

# Why a backup was taken: part of its file name, and shown in the list.
REASONS = {
    "after-session": "after a session",
    "periodic": "while the app ran",
    "before-upgrade": "before an upgrade",
    "before-restore": "before a restore",
    "manual": "made by you",
}
KEPT_BY_HAND = {"manual"}

_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\.\d{6}Z)-(?P<reason>[a-z-]+)\.sqlite$")


@dataclass(frozen=True)
class BackupName:
    stem: str  # the practice file's name without ".sqlite": backups of two practices can
    taken_at: datetime  # share a folder
    reason: str

    @property
    def file_name(self) -> str:
        return f"{self.stem}-{self.taken_at.astimezone(UTC).strftime(_STAMP)}-{self.reason}.sqlite"


def parse_backup_name(name: str) -> BackupName | None:
    """The parts of a backup's file name; ``None`` for any other file."""
    match = _NAME.match(name)
    if match is None or match["reason"] not in REASONS:
        return None
    taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
    return BackupName(match["stem"], taken, match["reason"])


def backups_to_keep(taken: Iterable[datetime], now: datetime) -> set[datetime]:
    """Of automatic backups taken at these instants, the ones to keep at ``now``. A backup
    from the future (the clock was moved back) counts as recent. Days, weeks and months are
    the local calendar's."""
    kept: set[datetime] = set()
    days: set[object] = set()
    weeks: set[object] = set()
    months: set[object] = set()
    used = {"daily": 0, "weekly": 0, "monthly": 0}
    for at in sorted(taken, reverse=True):
        day = at.astimezone().date()
        week, month = day.isocalendar()[:2], (day.year, day.month)
        if now - at < RECENT:
            pass
        elif day not in days and used["daily"] < DAILY:
            used["daily"] += 1
        elif week not in weeks and used["weekly"] < WEEKLY:
            used["weekly"] += 1
        elif month not in months and used["monthly"] < MONTHLY:
            used["monthly"] += 1
        else:
            continue
        kept.add(at)
        days.add(day)
        weeks.add(week)
        months.add(month)
    return kept
