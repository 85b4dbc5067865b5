"""Outcome measures recorded along a course: questionnaire totals and their ranges."""

from __future__ import annotations

from typing import Any

from kapdesk.domain.errors import InvalidInput

INSTRUMENTS: dict[str, tuple[int, int]] = {"PHQ-9": (0, 27), "GAD-7": (0, 21), "PCL-5": (0, 80)}


def check_score(instrument: str, score: Any) -> int:
    if instrument not in INSTRUMENTS:
        raise InvalidInput("instrument", f"{instrument!r} is not one of "
                                         f"{', '.join(INSTRUMENTS)}")
    low, high = INSTRUMENTS[instrument]
    if isinstance(score, str) and score.strip().isdecimal():
        score = int(score.strip())
    if isinstance(score, bool) or not isinstance(score, int):
        raise InvalidInput("score", f"{instrument} total must be a whole number {low}-{high}")
    if not low <= score <= high:
        raise InvalidInput("score", f"{instrument} total {score} is outside {low}-{high}")
    return score
