"""The session window's single keys, in one table that both the shortcuts and the visible
cheat-sheet are built from."""

from __future__ import annotations

ACTION_KEYS: dict[str, tuple[str, str]] = {
    "V": ("vitals", "vitals"),
    "D": ("dose", "dose"),
    "B": ("booster", "booster"),
    "N": ("note", "note"),
    "L": ("discharge", "discharge"),
    "H": ("discreet", "discreet"),
    "O": ("skip", "skip a planned reading"),
}

EVENT_KEYS: dict[str, str] = {
    "S": "spit", "W": "swallow", "U": "nausea", "Y": "vomiting", "Z": "dizziness",
    "A": "anxiety", "R": "bathroom", "M": "music_change", "K": "mask_off", "T": "talking",
    "P": "prn", "C": "prescriber_contacted", "E": "breathing", "X": "other",
}

RATING_KEYS: dict[str, tuple[str, int]] = {
    **{str(i + 1): ("sedation", i) for i in range(4)},
    **{str(i + 6): ("dissociation", i) for i in range(4)},
}

# Music: keys a text field never needs in this window.
PLAYER_KEYS: dict[str, tuple[str, str]] = {
    " ": ("toggle", "Space play/pause"),
    ",": ("previous", ", previous"),
    ".": ("next", ". next"),
    "-": ("softer", "− softer"),
    "=": ("louder", "= louder"),
    "+": ("louder", "+ louder"),
}
