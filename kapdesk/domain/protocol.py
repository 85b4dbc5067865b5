"""The session protocol: phases and prompts placed relative to the start or to a dose.

Design §3. Each step's times are offsets from an anchor: ``start`` (the session start),
``dose`` (the first dose, D) or ``last_dose`` (the latest dose, so a booster moves what
follows it). The therapist can edit a protocol; a session keeps the copy it ran with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kapdesk.domain.errors import InvalidInput

ANCHORS = ("start", "dose", "last_dose")


@dataclass(frozen=True)
class Offset:
    anchor: str
    minutes: int


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    kind: str  # "phase" (a span on the band) or "prompt" (a moment to act)
    start: Offset
    end: Offset | None = None
    per_dose: bool = False  # repeated after every dose (the hold prompt)
    booster_only: bool = False  # shown only when the order allows a booster
    hint: str = ""  # what the next-step countdown says, e.g. "spit or swallow"


def _s(anchor: str, minutes: int) -> Offset:
    return Offset(anchor, minutes)


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("arrival", "Arrival & check-in", "phase", _s("start", 0), _s("start", 10)),
    Step("pre_vitals", "Pre-dose vitals", "phase", _s("start", 10), _s("start", 15),
         hint="pre-dose vitals"),
    Step("opening", "Opening", "phase", _s("start", 15), _s("dose", 0), hint="opening"),
    Step("hold", "Hold", "phase", _s("dose", 0), _s("dose", 15)),
    Step("spit", "Spit or swallow", "prompt", _s("dose", 12), per_dose=True,
         hint="spit or swallow"),
    Step("onset", "Onset & peak", "phase", _s("dose", 15), _s("last_dose", 70)),
    Step("booster", "Booster window", "prompt", _s("dose", 30), _s("dose", 45),
         booster_only=True, hint="booster window"),
    Step("mid_vitals", "Mid-session vitals (optional)", "prompt", _s("dose", 40),
         hint="optional mid-session vitals"),
    Step("return", "Return", "phase", _s("last_dose", 70), _s("last_dose", 130)),
    Step("post_vitals", "Discharge vitals", "prompt", _s("last_dose", 120),
         hint="discharge vitals due"),
    Step("closing", "Processing & closing", "phase", _s("last_dose", 130), _s("last_dose", 160)),
    Step("discharge", "Discharge", "prompt", _s("last_dose", 160), hint="discharge"),
)


@dataclass(frozen=True)
class Protocol:
    steps: tuple[Step, ...] = DEFAULT_STEPS
    planned_dose_minutes: int = 20
    # Used by the discharge gate only when the prescriber's order gives no minimum.
    min_minutes_after_last_dose: int = 120
    recheck_minutes: int = 15

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_PROTOCOL = Protocol()


def protocol_from_json(data: Any) -> Protocol:
    """Rebuild a protocol stored with a session; refuse anything malformed."""
    if not isinstance(data, dict):
        raise InvalidInput("protocol", "must be an object")
    try:
        steps = tuple(
            Step(
                **{k: v for k, v in s.items() if k not in ("start", "end")},
                start=Offset(**s["start"]),
                end=Offset(**s["end"]) if s.get("end") else None,
            )
            for s in data["steps"]
        )
        protocol = Protocol(
            steps=steps,
            planned_dose_minutes=int(data["planned_dose_minutes"]),
            min_minutes_after_last_dose=int(data["min_minutes_after_last_dose"]),
            recheck_minutes=int(data["recheck_minutes"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("protocol", f"is malformed ({exc})") from None
    for step in protocol.steps:
        for offset in (step.start, step.end):
            if offset is not None and offset.anchor not in ANCHORS:
                raise InvalidInput(f"protocol.{step.key}", f"unknown anchor {offset.anchor!r}")
    return protocol

