"""The fixed vocabularies of a session record (design §3, §6): kinds and their labels."""

from __future__ import annotations

from kapdesk.domain.errors import InvalidInput

SESSION_KINDS: dict[str, str] = {
    "preparation": "Preparation",
    "medication": "Medication",
    "integration": "Integration",
}

# Quick events; doses and boosters are recorded as doses, not events.
EVENT_KINDS: dict[str, str] = {
    "spit": "Spat out",
    "swallow": "Swallowed",
    "nausea": "Nausea",
    "vomiting": "Vomiting",
    "dizziness": "Dizziness",
    "anxiety": "Anxiety / distress",
    "bathroom": "Bathroom break",
    "music_change": "Music change requested",
    "mask_off": "Eye mask off",
    "talking": "Talking",
    "prn": "PRN medication given",
    "prescriber_contacted": "Prescriber contacted",
    "intention_set": "Intention set",
    "music_started": "Music started",
    "other": "Other",
}

ADVERSE_EVENTS: frozenset[str] = frozenset({"nausea", "vomiting", "dizziness", "anxiety", "prn"})

NOTE_KINDS: dict[str, str] = {
    "observation": "Observation",
    "client_words": "Client's words",
    "intention": "Intention",
    "process": "Process (private)",
    "summary": "Summary for prescriber",
    "integration": "Integration",
}

# Process notes are psychotherapy notes: never shared, never exported for the prescriber.
PRIVATE_NOTE_KINDS: frozenset[str] = frozenset({"process"})

RATING_SCALES: dict[str, str] = {"sedation": "Sedation", "dissociation": "Dissociation"}
RATING_LEVELS: tuple[str, ...] = ("none", "mild", "moderate", "strong")


def require_kind(field: str, value: str, allowed: dict[str, str]) -> str:
    if value not in allowed:
        raise InvalidInput(field, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def require_text(field: str, value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, f"{label} is required")
    return text
