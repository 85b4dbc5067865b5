"""The rules a record's shape must follow beyond each field: what kapdesk's own use cases
(course, session, amend, sharing) enforce when the app writes, applied to a file being
imported by :mod:`kapdesk.practice.record_import`. Each refusal names its place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from kapdesk.domain.errors import InvalidInput, KapdeskError
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.mistakes import correction_reason, strike_reason
from kapdesk.domain.protocol import protocol_from_json
from kapdesk.domain.protocol_rules import validate_protocol
from kapdesk.domain.scheduling import check_course_end
from kapdesk.domain.screening import require_cleared
from kapdesk.domain.timeutil import earliest_local_day, parse_instant
from kapdesk.domain.vocabulary import PRIVATE_NOTE_KINDS, RATING_LEVELS
from kapdesk.export import checks as c


@dataclass
class Plan:
    """The file's rows, checked and in database form, keyed by table, in write order."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row


def check_protocol(protocol: Any, path: str) -> None:
    """A session's protocol as a record file holds it: one kapdesk could have run, checked
    by the same rules as the protocol editor."""
    try:
        validate_protocol(protocol_from_json(protocol), where="")
    except InvalidInput as exc:
        where = exc.field.removeprefix("protocol").lstrip(".")
        raise InvalidInput(f"{path}.{where}" if where else path, exc.reason) from None


def check_course(path: str, course: Mapping[str, Any],
                 screening: Mapping[str, Any] | None, in_progress: str | None) -> None:
    """The rules :func:`kapdesk.practice.course.add_course` applies when a course starts;
    ``in_progress`` is the place of a course listed before it and not ended."""
    if in_progress is not None and not course["ended_on"]:
        raise InvalidInput(f"{path}.ended_on", f"{in_progress} is in progress too; a client "
                                               "has one course in progress at a time")
    try:
        require_cleared(screening, date.fromisoformat(course["started_on"]))
    except KapdeskError as exc:
        where = "screening_uid" if screening is None or not screening["cleared_on"] \
            else "started_on"
        raise InvalidInput(f"{path}.{where}", str(exc)) from None
    if course["ended_on"]:
        try:
            check_course_end(date.fromisoformat(course["started_on"]),
                             date.fromisoformat(course["ended_on"]))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.ended_on", exc.reason) from None


def check_courses_apart(courses: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """As :func:`kapdesk.practice.course.add_course` allows: a course starts no earlier
    than the day the one before it ended (two courses at once in a record, found by a
    first-time user, who imported one the app itself should have refused)."""
    ordered = sorted(courses, key=lambda item: item[1]["started_on"])
    for (_, before), (path, after) in zip(ordered, ordered[1:], strict=False):
        if before["ended_on"] and after["started_on"] < before["ended_on"]:
            raise InvalidInput(f"{path}.started_on",
                               f"starts before the course before it ended "
                               f"({before['ended_on']}); courses do not overlap")


def protocol_text(protocol: Any, path: str) -> str | None:
    if protocol is None:
        return None
    try:
        return json.dumps(protocol, allow_nan=False)
    except ValueError:
        raise InvalidInput(f"{path}.protocol", "holds a number that is not finite") from None


def check_links(plan: Plan, paths: list[str], courses: Mapping[str, Mapping[str, Any]]
                 ) -> None:
    """The shape :func:`kapdesk.practice.course.schedule_in_course` gives a course: every
    medication session belongs to a course and is numbered 1, 2, ... within it, up to the
    sessions the course plans; an integration session follows a medication session of the
    same course and carries its number."""
    sessions = {row["uid"]: row for row in plan.rows.get("sessions", [])}
    numbers: dict[str, set[int]] = {}
    check_one_at_a_time(list(zip(paths, sessions.values(), strict=True)))
    check_course_ends(courses, list(zip(paths, sessions.values(), strict=True)))
    for path, row in zip(paths, sessions.values(), strict=True):
        course = row["course_uid"]
        if row["kind"] == SessionKind.PREPARATION and row["number"] is not None:
            raise InvalidInput(f"{path}.number", "only medication and integration sessions "
                                                 "are numbered")
        if row["kind"] == SessionKind.MEDICATION:
            if course is None:
                raise InvalidInput(f"{path}.course_uid", "a medication session belongs to a "
                                                         "course")
            taken = numbers.setdefault(course, set())
            planned = courses[course]["planned_sessions"]
            if row["number"] is None or row["number"] in taken or row["number"] > planned:
                raise InvalidInput(f"{path}.number", "medication sessions of a course are "
                                                     f"numbered 1-{planned} once each")
            taken.add(row["number"])
        linked = row["medication_session_uid"]
        if linked is None:
            if row["kind"] == SessionKind.INTEGRATION and course is not None:
                raise InvalidInput(f"{path}.medication_session_uid",
                                   "an integration session of a course names the medication "
                                   "session it follows")
            continue
        medication = sessions[linked]
        if medication["kind"] != SessionKind.MEDICATION:
            raise InvalidInput(f"{path}.medication_session_uid",
                               "an integration session follows a medication session")
        if row["started_at"] and (not medication["started_at"]
                                  or row["started_at"] < medication["ended_at"]):
            raise InvalidInput(f"{path}.started_at", "an integration session is held after the "
                                                     "medication session it follows")
        if medication["course_uid"] != course or medication["number"] != row["number"]:
            raise InvalidInput(f"{path}.medication_session_uid",
                               "an integration session belongs to the course of the medication "
                               "session it follows and carries its number")


def check_course_ends(courses: Mapping[str, Mapping[str, Any]],
                      sessions: list[tuple[str, Mapping[str, Any]]]) -> None:
    """As :func:`kapdesk.practice.course.end_course` allows: no course ended before a
    session held in it."""
    for path, row in sessions:
        course = courses.get(row["course_uid"] or "")
        if course is None or not course["ended_on"] or not row["started_at"]:
            continue
        if earliest_local_day(parse_instant(row["started_at"])) > \
                date.fromisoformat(course["ended_on"]):
            raise InvalidInput(f"{path}.started_at", f"is after its course ended "
                                                     f"({course['ended_on']})")


# A process note shorter than this is not looked for inside other notes ("ok", "tearful").
QUOTE_MIN_CHARS = 12


def check_quotes(plan: Plan) -> None:
    """A note that quotes a process note is itself private (domain.sharing.quoting_kind), so
    a shareable or non-process note must not carry a process note's words."""
    notes = plan.rows.get("notes", [])
    private = [n["body"].strip() for n in notes if n["kind"] in PRIVATE_NOTE_KINDS
               and len(n["body"].strip()) >= QUOTE_MIN_CHARS]
    for n in notes:
        if n["kind"] not in PRIVATE_NOTE_KINDS and any(body in n["body"] for body in private):
            raise InvalidInput(f"notes {n['uid']}", "quotes a process note, so it is a private "
                                                    "process note too (as kapdesk saves a quote)")


def correction(o: Mapping, path: str, earlier: set[str], what: str) -> dict[str, Any]:
    """A correction names an entry listed before it and, as in the app, says why."""
    corrects = c.ref(o, "corrects_uid", path, set(earlier), what=what)
    reason = c.optional_text(o, "correction_reason", path)
    if corrects is None and reason is not None:
        raise InvalidInput(f"{path}.correction_reason", "only a correction has a correction "
                                                        "reason")
    if corrects is not None:
        try:
            reason = correction_reason(reason)
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.correction_reason", exc.reason) from None
    return {"corrects_uid": corrects, "correction_reason": reason}


def struck(o: Mapping, path: str, now: datetime) -> dict[str, Any]:
    """An entry struck out has when and why, as :func:`strike_entry` stores them."""
    at, struck = c.instant(o, "at", path, required=True), c.instant(o, "struck_at", path)
    reason = c.optional_text(o, "struck_reason", path)
    if struck is None:
        if reason is not None:
            raise InvalidInput(f"{path}.struck_reason", "only a struck-out entry has a reason")
        return {"struck_at": None, "struck_reason": None}
    assert at is not None
    if parse_instant(struck) < parse_instant(at):
        raise InvalidInput(f"{path}.struck_at", "an entry cannot be struck out before it was "
                                                "recorded")
    c.not_future(struck, f"{path}.struck_at", now, "striking out")
    try:
        return {"struck_at": struck, "struck_reason": strike_reason(reason)}
    except InvalidInput as exc:
        raise InvalidInput(f"{path}.struck_reason", exc.reason) from None


def past(o: Mapping, key: str, path: str, now: datetime, what: str, *,
         required: bool = True) -> str | None:
    value = c.instant(o, key, path, required=required)
    c.not_future(value, f"{path}.{key}", now, what)
    return value


def note_times(n: Mapping, path: str, at: str | None, now: datetime) -> dict[str, Any]:
    """A note, and any change to it, is written at a time that has passed."""
    c.not_future(at, f"{path}.at", now, "a note")
    times = {"created_at": past(n, "created_at", path, now, "a note", required=False) or at,
             "updated_at": past(n, "updated_at", path, now, "a note", required=False) or at,
             "amended_at": past(n, "amended_at", path, now, "a note's amendment",
                                required=False)}
    return times


def check_amendments(path: str, note: Mapping[str, Any],
                     versions: Sequence[Mapping[str, Any]]) -> None:
    """As :func:`kapdesk.practice.amend.amend_note` writes them: each amendment keeps the
    earlier wording with when it was replaced, after the note was written, and the note's
    amendment time is the latest of those."""
    amended = note["amended_at"]
    if bool(versions) != bool(amended):
        raise InvalidInput(f"{path}.amended_at" if amended else f"{path}.versions",
                           "an amended note keeps its earlier wording, and a note with earlier "
                           "wording says when it was amended")
    if not versions:
        return
    for i, version in enumerate(versions):
        if parse_instant(version["replaced_at"]) < parse_instant(note["at"]):
            raise InvalidInput(f"{path}.versions[{i}].replaced_at",
                               "a note cannot be amended before it was written")
    latest = max(parse_instant(v["replaced_at"]) for v in versions)
    if parse_instant(amended) != latest:
        raise InvalidInput(f"{path}.amended_at", "is not the time of the latest amendment "
                                                 "in versions")


def rating_level(r: Mapping, path: str) -> None:
    """A record writes each rating's level beside its value; the two must agree, or which
    one was meant is unknown."""
    value, level = r.get("value"), r.get("level")
    if level is None or not isinstance(value, int) or not 0 <= value < len(RATING_LEVELS):
        return
    if level != RATING_LEVELS[value]:
        raise InvalidInput(f"{path}.level", f"is {level!r}, but the value {value} is "
                                            f"{RATING_LEVELS[value]!r}")


def stopped(m: Mapping, path: str, now: datetime) -> str | None:
    started, stopped = c.instant(m, "started_at", path, required=True), past(
        m, "stopped_at", path, now, "the end of a track", required=False)
    assert started is not None
    if stopped is not None and parse_instant(stopped) < parse_instant(started):
        raise InvalidInput(f"{path}.stopped_at", "a track cannot stop before it started")
    return stopped


def event_detail(e: Mapping, path: str) -> str:
    detail = c.text(e, "detail", path)
    if e.get("kind") == "prn" and not detail.strip():
        raise InvalidInput(f"{path}.detail", "a PRN medication event says what was given, "
                                             "how much and why")
    return detail


def check_one_at_a_time(sessions: list[tuple[str, Mapping[str, Any]]]) -> None:
    """kapdesk runs one session at a time: held sessions never overlap."""
    held = sorted((parse_instant(row["started_at"]), parse_instant(row["ended_at"]), path)
                  for path, row in sessions if row["started_at"] and row["ended_at"])
    for (_, ended, before), (started, _, path) in pairwise(held):
        if started < ended:
            raise InvalidInput(f"{path}.started_at", f"overlaps {before}; kapdesk runs one "
                                                     "session at a time")
