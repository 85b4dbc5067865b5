"""Field checks for reading a record file; every error names its place, e.g.
``sessions[3].vitals[0].systolic: 410 is outside 50-300 mmHg``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from kapdesk.domain.dosing import CLOCK_TOLERANCE, check_mg
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.timeutil import parse_day, parse_instant, to_iso

# What a field of a record may hold: the longest text kapdesk itself would keep there.
SHORT_TEXT_MAX = 2_000  # names, phone numbers, reasons, titles
LONG_TEXT_MAX = 200_000  # a note or a safety plan: about a hundred pages
# Dates in a record: kapdesk did not exist before 2000, and nothing is planned a decade ahead.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_YEARS_AHEAD = 10
EARLIEST_BIRTH = date(1900, 1, 1)
# Control characters no keyboard types (NUL and the like); tabs and line breaks are text.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(path, "must be an object")
    return value


def items(parent: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping]]:
    """The objects of a list kapdesk always writes (empty when there are none), each with
    its place: a list left out was taken out, and what it held is unknown."""
    where = f"{path}.{key}" if path else key
    if key not in parent:
        raise InvalidInput(where, "is required: a list, empty when there are none")
    value = parent[key]
    if not isinstance(value, list):
        raise InvalidInput(where, "must be a list")
    return [(f"{where}[{i}]", obj(v, f"{where}[{i}]")) for i, v in enumerate(value)]


def text(o: Mapping, key: str, path: str, *, required: bool = False, long: bool = False,
         line: bool = False) -> str:
    value = o.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{path}.{key}", "must be text")
    limit = LONG_TEXT_MAX if long else SHORT_TEXT_MAX
    if len(value) > limit:
        raise InvalidInput(f"{path}.{key}", f"is {len(value):,} characters long; at most "
                                            f"{limit:,} fit here")
    if line and ("\n" in value or "\r" in value):
        raise InvalidInput(f"{path}.{key}", "must be one line")
    if CONTROL.search(value):
        raise InvalidInput(f"{path}.{key}", "contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{path}.{key}", "contains characters that are not text "
                                            "(a broken surrogate)") from None
    if required and not value.strip():
        raise InvalidInput(f"{path}.{key}", "is required")
    return value



def optional_text(o: Mapping, key: str, path: str) -> str | None:
    return text(o, key, path) if o.get(key) is not None else None


def _latest_day() -> date:
    today = date.today()
    return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=min(today.day, 28))


def instant(o: Mapping, key: str, path: str, *, required: bool = False) -> str | None:
    value = o.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"{path}.{key}", "is required")
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidInput(f"{path}.{key}", "must be a date and time like "
                                            "2026-11-20T15:00:00+00:00")
    try:
        moment = parse_instant(value)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"{path}.{key}", str(exc) if isinstance(exc, ValueError)
                           else f"{value!r} is not a date and time kapdesk can keep") from None
    _in_range(moment.date(), f"{path}.{key}")
    return to_iso(moment)


def _in_range(day_: date, where: str) -> None:
    if not EARLIEST_DAY <= day_ <= _latest_day():
        raise InvalidInput(where, f"{day_.isoformat()} is not a plausible date for a "
                                  f"kapdesk record ({EARLIEST_DAY.year} to "
                                  f"{_latest_day().year})")


def day(o: Mapping, key: str, path: str, *, required: bool = False,
        earliest: date | None = None, not_future: bool = False) -> str | None:
    raw = o.get(key)
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput(f"{path}.{key}", "must be a date like 2026-11-20")
    value = parse_day(f"{path}.{key}", raw, required=required, not_future=not_future)
    if value is None:
        return None
    if earliest is not None and value < earliest:
        raise InvalidInput(f"{path}.{key}", f"{value.isoformat()} is not a plausible date")
    if earliest is None:
        _in_range(value, f"{path}.{key}")
    return value.isoformat()


def moment(value: str | None) -> datetime | None:
    """An instant already checked by :func:`instant`."""
    return parse_instant(value) if value else None


def whole(o: Mapping, key: str, path: str, low: int, high: int, *,
          required: bool = True) -> int | None:
    value = o.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{path}.{key}", f"must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise InvalidInput(f"{path}.{key}", f"{value} is outside {low}-{high}")
    return value


def amount(o: Mapping, key: str, path: str, *, required: bool = True) -> float | None:
    value = o.get(key)
    if value is None and not required:
        return None
    return check_mg(f"{path}.{key}", value, "a dose")


def flag(o: Mapping, key: str, path: str) -> bool:
    value = o.get(key, False)
    if not isinstance(value, bool):
        raise InvalidInput(f"{path}.{key}", "must be true or false")
    return value


def uid(o: Mapping, path: str, seen: set[str]) -> str:
    """An entry's id, unique in the file. kapdesk writes ids in lower case only, so an id
    with a capital letter was edited: it could name, to a reader, an entry that is already
    here under the lower-case id."""
    value = o.get("uid")
    if not isinstance(value, str) or not 8 <= len(value) <= 64 or not value.isascii() \
            or not value.isalnum() or value != value.lower():
        raise InvalidInput(f"{path}.uid", "must be an identifier of 8-64 lower-case letters "
                                          "and digits, as kapdesk writes them")
    if value in seen:
        raise InvalidInput(f"{path}.uid", f"{value} appears twice in the file")
    seen.add(value)
    return value


def ref(o: Mapping, key: str, path: str, known: set[str], *, what: str) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        raise InvalidInput(f"{path}.{key}", f"names no {what} in this file")
    return value


def choice(o: Mapping, key: str, path: str, allowed: Mapping[str, str] | tuple) -> str:
    value = o.get(key)
    if value is None:
        raise InvalidInput(f"{path}.{key}", f"is required: one of {', '.join(allowed)}")
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput(f"{path}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
    return value


def not_future(value: str | None, where: str, now: datetime, what: str) -> None:
    """An instant already checked by :func:`instant` that must not be ahead of ``now``
    (with the clock tolerance the live app allows)."""
    if value and parse_instant(value) > now + CLOCK_TOLERANCE:
        raise InvalidInput(where, f"{what} cannot be in the future ({value})")


def an(word: str) -> str:
    """'an integration session', 'a medication session'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
