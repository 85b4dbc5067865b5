"""Checks for the people in a practice: clients, prescribers and their contact details."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.timeutil import parse_day

PHONE = re.compile(r"^\+?[0-9 ()\-.]{3,25}((ext|x)\.? ?[0-9]{1,6})?$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

CLIENT_TEXT = ("display_name", "legal_name", "pronouns", "emergency_name", "emergency_phone",
               "ride_name", "ride_phone", "safety_plan")
PRESCRIBER_TEXT = ("name", "credentials", "phone", "on_call_phone", "email", "practice")

LABELS = {
    "display_name": "Display name", "legal_name": "Legal name", "pronouns": "Pronouns",
    "date_of_birth": "Date of birth", "emergency_name": "Emergency contact",
    "emergency_phone": "Emergency contact phone", "ride_name": "Ride home",
    "ride_phone": "Ride home phone", "safety_plan": "Safety plan", "name": "Name",
    "credentials": "Credentials", "phone": "Phone", "on_call_phone": "On-call phone",
    "email": "Email", "practice": "Practice",
}


def check_phone(field: str, value: str) -> str:
    value = value.strip()
    if value and not PHONE.match(value):
        raise InvalidInput(field, f"{LABELS.get(field, field)} must be a phone number "
                                  "(digits, spaces, + - ( ) and an optional ext)")
    return value


def check_date_of_birth(value: Any) -> str | None:
    born = parse_day("date_of_birth", value)
    if born is None:
        return None
    if not date(1900, 1, 1) <= born <= date.today():
        raise InvalidInput("date_of_birth", f"must be between 1900-01-01 and {date.today()}")
    return born.isoformat()


def clean_client(values: Mapping[str, Any]) -> dict[str, Any]:
    """Trimmed, checked client fields; raise InvalidInput naming the first bad one."""
    cleaned: dict[str, Any] = {}
    for key in CLIENT_TEXT:
        if key in values:
            text = values[key] if values[key] is not None else ""
            if not isinstance(text, str):
                raise InvalidInput(key, f"{LABELS[key]} must be text")
            cleaned[key] = text.strip()
    if "display_name" in cleaned and not cleaned["display_name"]:
        raise InvalidInput("display_name", "Display name is required (what the screen shows)")
    if len(cleaned.get("display_name", "")) > 60:
        raise InvalidInput("display_name", "Display name must be at most 60 characters")
    for key in ("emergency_phone", "ride_phone"):
        if key in cleaned:
            cleaned[key] = check_phone(key, cleaned[key])
    if "date_of_birth" in values:
        cleaned["date_of_birth"] = check_date_of_birth(values["date_of_birth"])
    for key in ("prescriber_id", "preferred_playlist_id"):
        if key in values:
            cleaned[key] = values[key] or None
    return cleaned


def clean_prescriber(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: str(values.get(k) or "").strip() for k in PRESCRIBER_TEXT}
    if not cleaned["name"]:
        raise InvalidInput("name", "Name is required")
    for key in ("phone", "on_call_phone"):
        cleaned[key] = check_phone(key, cleaned[key])
    if cleaned["email"] and not EMAIL.match(cleaned["email"]):
        raise InvalidInput("email", "Email must look like name@example.org")
    return cleaned


def on_call_line(prescriber: Mapping[str, Any] | None) -> str:
    """Who to call about this session: the on-call number first, else the office phone."""
    if not prescriber:
        return "no prescriber on file"
    number = prescriber.get("on_call_phone") or prescriber.get("phone") or "(no number)"
    return f"{prescriber['name']} on call {number}"
