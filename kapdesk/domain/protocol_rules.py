"""What makes a protocol one a session can run: checked as the therapist types in the editor,
and again on every protocol read from a record file.

Times are compared on the plan: a dose-anchored offset counts from the planned dose
(``planned_dose_minutes`` after the start), and ``last_dose`` is the same instant when no
booster is given. The limits are there to catch slips (a phase of 900 minutes, a prompt
before the dose it hangs on), not to make clinical choices: the therapist and the
prescriber's order make those.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.protocol import ANCHORS, CHECKPOINTS, KINDS, ROUTES, Offset, Protocol, Step
from kapdesk.domain.vocabulary import QUICK_EVENTS, RATING_SCALES

LONGEST_PLAN = 8 * 60  # minutes from the start to the plan's last step
LONGEST_PHASE = 4 * 60
DOSE_BY = 120  # the planned dose, at most this long after the start
STAY = (30, 8 * 60)  # the default minimum stay after the last dose
RECHECK = (5, 60)
EVERY = (5, 120)  # a repeated reading's interval
LABEL_CHARS, HINT_CHARS, NAME_CHARS = 60, 40, 60

ANCHOR_WORDS = {"start": "the start", "dose": "the dose", "last_dose": "the last dose"}


@dataclass(frozen=True)
class Problem:
    where: str  # "name", "steps.3", "planned_dose_minutes"... so the editor can point at it
    message: str  # in the therapist's words, naming the step


def planned_minute(protocol: Protocol, offset: Offset) -> int:
    """Minutes from the start, on the plan."""
    return offset.minutes + (0 if offset.anchor == "start" else protocol.planned_dose_minutes)


def protocol_problems(protocol: Protocol) -> list[Problem]:
    problems = _settings(protocol)
    keys: set[str] = set()
    for number, step in enumerate(protocol.steps, start=1):
        problems += _step(protocol, number, step)
        if step.key in keys:
            problems.append(Problem(f"steps.{number}", f"Step {number} repeats the key "
                                                       f"{step.key!r} of an earlier step."))
        keys.add(step.key)
    problems += _overlaps(protocol)
    if not any(step.kind == "phase" for step in protocol.steps):
        problems.append(Problem("steps", "The plan needs at least one phase."))
    return problems


def validate_protocol(protocol: Protocol, where: str = "protocol") -> Protocol:
    """The protocol, or :class:`InvalidInput` naming its first problem."""
    problems = protocol_problems(protocol)
    if problems:
        first = problems[0]
        raise InvalidInput(f"{where}.{first.where}" if where else first.where, first.message)
    return protocol


def _settings(p: Protocol) -> list[Problem]:
    found = []
    if not p.name.strip():
        found.append(Problem("name", "The protocol needs a name."))
    elif len(p.name) > NAME_CHARS:
        found.append(Problem("name", f"The name is longer than {NAME_CHARS} characters."))
    if p.route not in ROUTES:
        found.append(Problem("route", f"The route must be one of: {', '.join(ROUTES)}."))
    for where, value, (low, high), what in (
            ("planned_dose_minutes", p.planned_dose_minutes, (0, DOSE_BY),
             "The planned dose"),
            ("min_minutes_after_last_dose", p.min_minutes_after_last_dose, STAY,
             "The minimum stay after the last dose"),
            ("recheck_minutes", p.recheck_minutes, RECHECK, "A recheck")):
        if not low <= value <= high:
            found.append(Problem(where, f"{what} must be {low}-{high} min "
                                        f"(it is {value} min)."))
    for event in p.quick_events:
        if event not in QUICK_EVENTS:
            found.append(Problem("quick_events", f"{event!r} is not a quick event."))
    for scale in p.rating_scales:
        if scale not in RATING_SCALES:
            found.append(Problem("rating_scales", f"{scale!r} is not a rating scale."))
    return found


def _step(p: Protocol, number: int, step: Step) -> list[Problem]:
    where, name = f"steps.{number}", f"Step {number} ({step.label.strip() or 'no label'})"
    found = []
    if not step.key.strip():
        found.append(Problem(where, f"{name} has no key."))
    if not step.label.strip():
        found.append(Problem(where, f"Step {number} needs a label."))
    elif len(step.label) > LABEL_CHARS:
        found.append(Problem(where, f"{name}: the label is longer than {LABEL_CHARS} "
                                    "characters."))
    if len(step.hint) > HINT_CHARS:
        found.append(Problem(where, f"{name}: the countdown text is longer than "
                                    f"{HINT_CHARS} characters."))
    if step.kind not in KINDS:
        found.append(Problem(where, f"{name} must be a phase or a prompt."))
    for offset in (step.start, step.end):
        if offset is None:
            continue
        if offset.anchor not in ANCHORS:
            found.append(Problem(where, f"{name} counts from an unknown moment "
                                        f"({offset.anchor!r})."))
            return found
        if offset.minutes < 0:
            found.append(Problem(where, f"{name} is {-offset.minutes} min before "
                                        f"{ANCHOR_WORDS[offset.anchor]} it counts from; "
                                        "count from an earlier moment instead."))
    if found:
        return found
    start = planned_minute(p, step.start)
    end = planned_minute(p, step.end) if step.end else None
    if step.kind == "phase" and end is None:
        found.append(Problem(where, f"{name} is a phase and needs an end."))
    if end is not None and end == start:
        found.append(Problem(where, f"{name} ends when it starts (at {start} min); give it "
                                    "a length, or no end."))
    elif end is not None and end < start:
        found.append(Problem(where, f"{name} ends at {end} min, before it starts at "
                                    f"{start} min."))
    elif end is not None and step.kind == "phase" and end - start > LONGEST_PHASE:
        found.append(Problem(where, f"{name} lasts {end - start} min; a phase lasts at most "
                                    f"{LONGEST_PHASE // 60} hours."))
    if max(start, end or start) > LONGEST_PLAN:
        found.append(Problem(where, f"{name} is planned {max(start, end or start)} min after "
                                    f"the start; the plan ends within {LONGEST_PLAN // 60} "
                                    "hours."))
    found += _vitals(p, where, name, step, start, end)
    return found


def _vitals(p: Protocol, where: str, name: str, step: Step, start: int,
            end: int | None) -> list[Problem]:
    if not step.vitals:
        if step.every:
            return [Problem(where, f"{name} repeats every {step.every} min but asks for no "
                                   "vitals.")]
        return []
    if step.vitals not in CHECKPOINTS:
        return [Problem(where, f"{name} asks for vitals at an unknown checkpoint "
                               f"({step.vitals!r}).")]
    found = []
    if step.vitals == "pre_dose" and start > p.planned_dose_minutes:
        found.append(Problem(where, f"{name}: pre-dose vitals are planned after the dose."))
    if step.vitals == "discharge" and step.start.anchor == "start":
        found.append(Problem(where, f"{name}: discharge vitals count from the last dose."))
    if step.every:
        low, high = EVERY
        if not low <= step.every <= high:
            found.append(Problem(where, f"{name}: a reading every {step.every} min; choose "
                                        f"{low}-{high} min."))
        if end is None:
            found.append(Problem(where, f"{name} repeats every {step.every} min and needs an "
                                        "end to repeat until."))
    return found


def _overlaps(p: Protocol) -> list[Problem]:
    numbered = [(number, step) for number, step in enumerate(p.steps, start=1)
                if step.kind == "phase" and step.end is not None
                and step.start.anchor in ANCHORS and step.end.anchor in ANCHORS]
    spans = sorted((planned_minute(p, s.start), planned_minute(p, s.end), n, s)
                   for n, s in numbered if s.end is not None)
    found = []
    for (_s1, end1, n1, first), (start2, _e2, n2, second) in pairwise(spans):
        if start2 < end1:
            found.append(Problem(f"steps.{n2}", f"Phases {n1} ({first.label}) and {n2} "
                                                f"({second.label}) overlap by "
                                                f"{end1 - start2} min."))
    return found
