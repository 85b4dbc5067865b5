"""The session protocol: phases, prompts and scheduled vitals placed relative to the start or
to a dose.

Design §3. Each step's times are offsets from an anchor: ``start`` (the session start),
``dose`` (the first dose, D) or ``last_dose`` (the latest dose, so a booster moves what
follows it). The therapist edits a practice's protocols (each edit is a new version); a
session keeps the copy it ran with, so later edits never change its timeline or summary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.vocabulary import QUICK_EVENTS, RATING_SCALES

ANCHORS = ("start", "dose", "last_dose")
KINDS = ("phase", "prompt")
CHECKPOINTS = ("pre_dose", "discharge", "other")  # what a scheduled reading is judged as

# The routes a protocol is written for, and which orders each fits (a buccal lozenge runs
# the sublingual plan; an oral order has no protocol of its own).
ROUTES: dict[str, str] = {
    "sublingual": "Sublingual / buccal lozenge",
    "intramuscular": "Intramuscular injection",
    "intravenous": "Intravenous infusion",
    "intranasal": "Intranasal esketamine",
}
ORDER_ROUTE_FITS: dict[str, str] = {
    "sublingual": "sublingual", "buccal": "sublingual", "intramuscular": "intramuscular",
    "intravenous": "intravenous", "intranasal": "intranasal",
}


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
    vitals: str = ""  # a reading is due here, judged at this checkpoint (CHECKPOINTS)
    every: int = 0  # with an end: a reading due every N minutes from start to end
    optional: bool = False  # an optional reading is offered, never shown as missed


def _s(anchor: str, minutes: int) -> Offset:
    return Offset(anchor, minutes)


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("arrival", "Arrival & check-in", "phase", _s("start", 0), _s("start", 10)),
    Step("pre_vitals", "Pre-dose vitals", "phase", _s("start", 10), _s("start", 15),
         hint="pre-dose vitals", vitals="pre_dose"),
    Step("opening", "Opening", "phase", _s("start", 15), _s("dose", 0), hint="opening"),
    Step("hold", "Hold", "phase", _s("dose", 0), _s("dose", 15)),
    Step("spit", "Spit or swallow", "prompt", _s("dose", 12), per_dose=True,
         hint="spit or swallow"),
    Step("onset", "Onset & peak", "phase", _s("dose", 15), _s("last_dose", 70)),
    Step("booster", "Booster window", "prompt", _s("dose", 30), _s("dose", 45),
         booster_only=True, hint="booster window"),
    Step("mid_vitals", "Mid-session vitals (optional)", "prompt", _s("dose", 40),
         hint="optional mid-session vitals", vitals="other", optional=True),
    Step("return", "Return", "phase", _s("last_dose", 70), _s("last_dose", 130)),
    Step("post_vitals", "Discharge vitals", "prompt", _s("last_dose", 120),
         hint="discharge vitals due", vitals="discharge"),
    Step("closing", "Processing & closing", "phase", _s("last_dose", 130), _s("last_dose", 160)),
    Step("discharge", "Discharge", "prompt", _s("last_dose", 160), hint="discharge"),
)

# Sessions stored before protocols carried their vitals schedule: the built-in steps that
# asked for readings, as they asked for them.
_LEGACY_VITALS = {"pre_vitals": ("pre_dose", False), "mid_vitals": ("other", True),
                  "post_vitals": ("discharge", False)}


@dataclass(frozen=True)
class Protocol:
    steps: tuple[Step, ...] = DEFAULT_STEPS
    planned_dose_minutes: int = 20
    # Used by the discharge gate only when the prescriber's order gives no minimum.
    min_minutes_after_last_dose: int = 120
    recheck_minutes: int = 15
    name: str = "Sublingual lozenge"
    route: str = "sublingual"
    quick_events: tuple[str, ...] = tuple(e for e in QUICK_EVENTS if e != "breathing")
    rating_scales: tuple[str, ...] = tuple(RATING_SCALES)
    family: str = ""  # the practice's own protocol this is a version of; "" for a template
    version: int = 0  # 0: built in (a template as shipped), not yet one of the practice's own

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def title(self) -> str:
        return f"{self.name} (v{self.version})" if self.version else f"{self.name} (built-in)"


DEFAULT_PROTOCOL = Protocol()
_STEP_FIELDS = {f.name for f in fields(Step)}
_STEP_TYPES: dict[str, type] = {"key": str, "label": str, "kind": str, "hint": str,
                                "vitals": str, "per_dose": bool, "booster_only": bool,
                                "optional": bool}
_PROTOCOL_FIELDS = {f.name for f in fields(Protocol)}


def protocol_from_json(data: Any) -> Protocol:
    """Rebuild a protocol stored with a session, a practice or a record file; refuse anything
    malformed. Fields added since a copy was stored take the values the built-in protocol
    had then, so every stored session reads back as it ran."""
    if not isinstance(data, dict):
        raise InvalidInput("protocol", "must be an object")
    unknown = set(data) - _PROTOCOL_FIELDS
    if unknown:
        raise InvalidInput("protocol", f"has unknown fields: {', '.join(sorted(unknown))}")
    legacy = "name" not in data  # stored before protocols had names and vitals schedules
    try:
        steps = tuple(_step_from_json(s, legacy) for s in data["steps"])
        extra: dict[str, Any] = {k: data[k] for k in ("name", "route", "family") if k in data}
        for key in ("quick_events", "rating_scales"):
            if key in data:
                extra[key] = tuple(str(v) for v in data[key])
        protocol = Protocol(
            steps=steps,
            planned_dose_minutes=_whole(data["planned_dose_minutes"]),
            min_minutes_after_last_dose=_whole(data["min_minutes_after_last_dose"]),
            recheck_minutes=_whole(data["recheck_minutes"]),
            version=_whole(data.get("version", 0)),
            **extra,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("protocol", f"is malformed ({exc})") from None
    for step in protocol.steps:
        for offset in (step.start, step.end):
            if offset is not None and offset.anchor not in ANCHORS:
                raise InvalidInput(f"protocol.{step.key}", f"unknown anchor {offset.anchor!r}")
    if not isinstance(protocol.name, str) or not isinstance(protocol.route, str) \
            or not isinstance(protocol.family, str):
        raise InvalidInput("protocol", "is malformed (name, route and family are text)")
    return protocol


def _step_from_json(data: Any, legacy: bool) -> Step:
    if not isinstance(data, dict):
        raise TypeError("a step must be an object")
    unknown = set(data) - _STEP_FIELDS
    if unknown:
        raise TypeError(f"a step has unknown fields: {', '.join(sorted(unknown))}")
    values = {k: v for k, v in data.items() if k not in ("start", "end")}
    for name, kind in _STEP_TYPES.items():
        if name in values and not isinstance(values[name], kind):
            raise TypeError(f"a step's {name} must be {kind.__name__}")
    if legacy and "vitals" not in values and values.get("key") in _LEGACY_VITALS:
        values["vitals"], values["optional"] = _LEGACY_VITALS[values["key"]]
    if "every" in values:
        values["every"] = _whole(values["every"])
    return Step(**values, start=_offset(data["start"]),
                end=_offset(data["end"]) if data.get("end") else None)


def _offset(data: Any) -> Offset:
    if not isinstance(data, dict) or set(data) != {"anchor", "minutes"}:
        raise TypeError("an offset is an anchor and minutes")
    return Offset(str(data["anchor"]), _whole(data["minutes"]))


def _whole(value: Any) -> int:
    """Whole minutes: 15 or 15.0, never 15.5, true or "15"."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"{value!r} is not a whole number of minutes")
    return int(value)
