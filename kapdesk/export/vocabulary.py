"""Rows and readings in the design §8 vocabulary, shared by the summary and the record."""

from __future__ import annotations

from typing import Any

from kapdesk.domain.session import JudgedReading
from kapdesk.domain.timeutil import to_iso
from kapdesk.domain.vitals import MEASURES
from kapdesk.domain.vocabulary import RATING_LEVELS


def reading_json(judged: JudgedReading) -> dict[str, Any]:
    reading, verdict = judged.reading, judged.verdict
    return {
        "taken_at": to_iso(reading.taken_at),
        "checkpoint": reading.checkpoint,
        **{m: reading.value(m) for m in MEASURES},
        "status": verdict.status if verdict else None,
        "within_thresholds": verdict.within_thresholds if verdict else None,
        "breaches": [b.to_json() for b in verdict.breaches] if verdict else [],
        "missing": list(verdict.missing) if verdict else [],
        "correction_reason": judged.correction_reason,
    }


def rating_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"at": row["at"], "scale": row["scale"], "value": row["value"],
            "level": RATING_LEVELS[row["value"]]}


def pick(row: dict[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    return {k: row[k] for k in keys} if row else None
