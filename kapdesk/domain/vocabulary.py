"""The fixed vocabularies of a session record (design §3, §6): kinds and their labels."""

from __future__ import annotations

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.kinds import NoteKind, SessionKind

SESSION_KINDS: dict[str, str] = {
    SessionKind.PREPARATION: "Preparation",
    SessionKind.MEDICATION: "Medication",
    SessionKind.INTEGRATION: "Integration",
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
    "breathing": "Breathing slowed",
    "vitals_skipped": "Planned reading skipped",
    "intention_set": "Intention set",
    "music_started": "Music started",
    "other": "Other",
}

ADVERSE_EVENTS: frozenset[str] = frozenset({"nausea", "vomiting", "dizziness", "anxiety", "prn",
                                           "breathing"})

# The events the therapist records with one key; a protocol chooses which of them show.
QUICK_EVENTS: tuple[str, ...] = (
    "spit", "swallow", "nausea", "vomiting", "dizziness", "anxiety", "breathing", "bathroom",
    "music_change", "mask_off", "talking", "prn", "prescriber_contacted", "other")

NOTE_KINDS: dict[str, str] = {
    NoteKind.OBSERVATION: "Observation",
    NoteKind.CLIENT_WORDS: "Client's words",
    NoteKind.INTENTION: "Intention",
    NoteKind.PROCESS: "Process (private)",
    NoteKind.SUMMARY: "Summary for prescriber",
    NoteKind.INTEGRATION: "Integration",
}

# Process notes are psychotherapy notes: never shared, never exported for the prescriber.
PRIVATE_NOTE_KINDS: frozenset[str] = frozenset({NoteKind.PROCESS})

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

AUDIT_ACTIONS: dict[str, str] = {
    "unlocked": "Unlocked",
    "unlock_failed": "Wrong passphrase",
    "locked": "Locked",
    "exported": "Exported",
    "backup": "Backup written",
    "restored": "Restored from a backup",
    "imported": "Client record imported",
    "process_notes_viewed": "Process notes viewed",
    "passphrase_changed": "Passphrase changed",
    "encrypted": "Practice encrypted",
    "start_taken_back": "Session start taken back",
}
