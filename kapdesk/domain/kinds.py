"""The closed vocabularies that cross layers, as ``StrEnum``s.

A ``StrEnum`` member is equal to its text (``Checkpoint.DISCHARGE == "discharge"``), so rows
read from the database and values typed in tests compare with it directly, while new code
spells the kinds by name and a typo fails at import instead of at the bedside.
"""

from __future__ import annotations

from enum import StrEnum


class SessionKind(StrEnum):
    PREPARATION = "preparation"
    MEDICATION = "medication"
    INTEGRATION = "integration"


class Checkpoint(StrEnum):
    PRE_DOSE = "pre_dose"
    DISCHARGE = "discharge"
    OTHER = "other"  # a mid-session reading


class Status(StrEnum):
    """A reading judged against the prescriber's thresholds."""

    WITHIN = "within"
    BREACH = "breach"
    INCOMPLETE = "incomplete"


class NoteKind(StrEnum):
    OBSERVATION = "observation"
    CLIENT_WORDS = "client_words"
    INTENTION = "intention"
    PROCESS = "process"
    SUMMARY = "summary"
    INTEGRATION = "integration"
