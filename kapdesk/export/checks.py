"""Field checks for reading a record file; every error names its place, e.g.
``sessions[3].vitals[0].systolic: 410 is outside 50-300 mmHg``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.timeutil import parse_day, parse_instant, to_iso


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(path, "must be an object")
    return value


def items(parent: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping]]:
    value = parent.get(key, [])
    where = f"{path}.{key}" if path else key
    if not isinstance(value, list):
        raise InvalidInput(where, "must be a list")
    return [(f"{where}[{i}]", obj(v, f"{where}[{i}]")) for i, v in enumerate(value)]


def text(o: Mapping, key: str, path: str, *, required: bool = False) -> str:
    value = o.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{path}.{key}", "must be text")
    if required and not value.strip():
        raise InvalidInput(f"{path}.{key}", "is required")
    return value


def optional_text(o: Mapping, key: str, path: str) -> str | None:
    return text(o, key, path) if o.get(key) is not None else None


def instant(o: Mapping, key: str, path: str, *, required: bool = False) -> str | None:
    value = o.get(key)
    if value is None:
        if required:
            raise InvalidInput(f"{path}.{key}", "is required")
        return None
    try:
        return to_iso(parse_instant(value))
    except ValueError as exc:
        raise InvalidInput(f"{path}.{key}", str(exc)) from None


def day(o: Mapping, key: str, path: str, *, required: bool = False) -> str | None:
    value = parse_day(f"{path}.{key}", o.get(key), required=required)
    return value.isoformat() if value else None


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
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1000:
        raise InvalidInput(f"{path}.{key}", f"must be a dose in mg between 0 and 1000, "
                                            f"not {value!r}")
    return value


def flag(o: Mapping, key: str, path: str) -> bool:
    value = o.get(key, False)
    if not isinstance(value, bool):
        raise InvalidInput(f"{path}.{key}", "must be true or false")
    return value


def uid(o: Mapping, path: str, seen: set[str]) -> str:
    value = o.get("uid")
    if not isinstance(value, str) or not 8 <= len(value) <= 64 or not value.isalnum():
        raise InvalidInput(f"{path}.uid", "must be an identifier of 8-64 letters and digits")
    if value in seen:
        raise InvalidInput(f"{path}.uid", f"{value} appears twice in the file")
    seen.add(value)
    return value


def ref(o: Mapping, key: str, path: str, known: set[str], *, what: str) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if value not in known:
        raise InvalidInput(f"{path}.{key}", f"names no {what} in this file")
    return value


def choice(o: Mapping, key: str, path: str, allowed: Mapping[str, str] | tuple) -> str:
    value = o.get(key)
    if value not in allowed:
        raise InvalidInput(f"{path}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
    return value
