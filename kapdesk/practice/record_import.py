"""Import a client record: read and check the whole file first, replay every session through
the live rules (:mod:`kapdesk.practice.replay`), then write it in one transaction. On any
error nothing is written and the one-line message names the place and the rule."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.outcomes import check_score
from kapdesk.domain.screening import CONTRAINDICATIONS, clean_screening
from kapdesk.domain.thresholds import thresholds_from_json
from kapdesk.domain.timeutil import latest_local_day, parse_instant, utc_now
from kapdesk.domain.vitals import MEASURES, make_reading
from kapdesk.domain.vocabulary import (
    EVENT_KINDS,
    NOTE_KINDS,
    PRIVATE_NOTE_KINDS,
    RATING_LEVELS,
    RATING_SCALES,
    SESSION_KINDS,
)
from kapdesk.export import checks as c
from kapdesk.export.checks import EARLIEST_BIRTH
from kapdesk.export.record import RECORD_FORMAT
from kapdesk.practice.record_conflicts import CHILD_TABLES, check_conflicts, differing
from kapdesk.practice.record_rules import (
    Plan,
    check_amendments,
    check_course,
    check_courses_apart,
    check_links,
    check_protocol,
    check_quotes,
    correction,
    event_detail,
    note_times,
    past,
    protocol_text,
    rating_level,
    stopped,
    struck,
)
from kapdesk.practice.replay import SessionEntries, replay_session
from kapdesk.storage import imports as store

# A record file larger than this is refused before it is read: the largest real record (ten
# years of weekly sessions with long notes) is a few megabytes.
MAX_RECORD_BYTES = 25 * 1024 * 1024





@dataclass
class ImportResult:
    client_id: int
    display_name: str
    added: int
    already_present: int
    # rows already here whose content differs from the file's, by table; this laptop's
    # version was kept
    differing: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = (f"imported {self.display_name} (client {self.client_id}): "
                f"{_count(self.added, 'entry', 'entries')} added, "
                f"{self.already_present or 'none'} already here")
        if not self.differing:
            return text
        counts = ", ".join(f"{table.replace('_', ' ')} {n}" for table, n
                           in sorted(self.differing.items()))
        differ = _count(sum(self.differing.values()), "of them differs", "of them differ")
        return (f"{text}; {differ} from the file ({counts}) and kept this laptop's "
                "version; if the file is newer, those changes were not taken")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class _NotFinite(ValueError):
    """JSON's NaN or Infinity, which kapdesk never writes."""


def _no_constant(name: str) -> Any:
    raise _NotFinite(name)


class _RepeatedKey(ValueError):
    """A key written twice in one object: JSON keeps the last silently; kapdesk never
    writes one, so a hand edit happened and which value was meant is unknown."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


# NaN or Infinity outside a string: where the parser met it, for the message.
_BARE_CONSTANT = re.compile(r'^(?:[^"\n]|"(?:[^"\\]|\\.)*")*?(-?Infinity|NaN)', re.MULTILINE)


def _line_of_constant(text: str) -> int | None:
    found = _BARE_CONSTANT.search(text)
    return text.count("\n", 0, found.start(1)) + 1 if found else None


def load_record_file(path: str | Path) -> Any:
    """The parsed JSON of a record file, refused with one plain line when it is too large,
    not UTF-8, not JSON, nested beyond reason, or uses NaN or Infinity."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InvalidInput("file", f"{path}: cannot be read ({exc.strerror})") from None
    if size > MAX_RECORD_BYTES:
        raise InvalidInput("file", f"{path} is {size / 1e6:.0f} MB; a client record is at "
                                   f"most {MAX_RECORD_BYTES // (1024 * 1024)} MB")
    try:
        # utf-8-sig: a byte-order mark, as some Windows editors write, is not an error
        content = file.read_text(encoding="utf-8-sig")
        return json.loads(content, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except _RepeatedKey as exc:
        raise InvalidInput("file", f"{path}: the key {str(exc)!r} appears twice in one object; "
                                   "kapdesk never writes that, so which value is meant is "
                                   "unknown") from None
    except _NotFinite as exc:
        line = _line_of_constant(content)
        raise InvalidInput("file", f"{path}: {'line ' + str(line) + ' holds ' if line else ''}"
                                   f"{exc}, which is not a number kapdesk writes") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput("file", f"{path}: not valid JSON (line {exc.lineno}: "
                                   f"{exc.msg})") from None
    except UnicodeDecodeError:
        raise InvalidInput("file", f"{path}: not a UTF-8 text file") from None
    except ValueError:  # an integer of thousands of digits (Python's int conversion limit)
        raise InvalidInput("file", f"{path}: holds a number far too long to be one kapdesk "
                                   "writes") from None
    except RecursionError:
        raise InvalidInput("file", f"{path}: nested too deeply to be a client record") from None
    except OSError as exc:
        raise InvalidInput("file", f"{path}: cannot be read ({exc.strerror})") from None


def _one_line(text: str, limit: int = 600) -> str:
    """A refusal is one line on a terminal: what came from the file is shown escaped."""
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def read_record(data: Any) -> Plan:
    """Check every field of a record file and replay its sessions; raise InvalidInput naming
    the first bad place, in one line."""
    try:
        return _read_record(data)
    except InvalidInput as exc:
        raise InvalidInput(_one_line(exc.field), _one_line(exc.reason)) from None
    except RecursionError:
        raise InvalidInput("record", "nested too deeply to be a client record") from None


def _read_record(data: Any) -> Plan:
    """Check every field of a record file; raise InvalidInput naming the first bad place."""
    root = c.obj(data, "record")
    if "format" not in root:
        raise InvalidInput("format", "is missing: this is not a kapdesk client record")
    if root.get("format") != RECORD_FORMAT:
        raise InvalidInput("format", f"expected {RECORD_FORMAT!r}, found {root.get('format')!r}")
    past(root, "exported_at", "record", utc_now(), "the export", required=False)
    plan, seen = Plan(), set[str]()
    prescribers = set()
    for path, p in c.items(root, "prescribers", ""):
        prescribers.add(c.uid(p, path, seen))
        plan.add("prescribers", {"uid": p["uid"], "name": c.text(p, "name", path, required=True),
                                 **{k: c.text(p, k, path)
                                    for k in ("credentials", "phone", "on_call_phone", "email",
                                              "practice")}})
    cl = c.obj(root.get("client"), "client")
    emergency = c.obj(cl.get("emergency_contact") or {}, "client.emergency_contact")
    ride = c.obj(cl.get("ride_home") or {}, "client.ride_home")
    plan.add("clients", {
        "uid": c.uid(cl, "client", seen),
        "display_name": c.text(cl, "display_name", "client", required=True, line=True),
        "legal_name": c.text(cl, "legal_name", "client", line=True),
        "date_of_birth": c.day(cl, "date_of_birth", "client", earliest=EARLIEST_BIRTH,
                               not_future=True),
        "pronouns": c.text(cl, "pronouns", "client"),
        "emergency_name": c.text(emergency, "name", "client.emergency_contact"),
        "emergency_phone": c.text(emergency, "phone", "client.emergency_contact"),
        "ride_name": c.text(ride, "name", "client.ride_home"),
        "ride_phone": c.text(ride, "phone", "client.ride_home"),
        "safety_plan": c.text(cl, "safety_plan", "client", long=True),
        "archived_at": past(cl, "archived_at", "client", utc_now(), "archiving",
                            required=False),
        "prescriber_uid": c.ref(cl, "prescriber_uid", "client", prescribers, what="prescriber"),
    })
    orders: dict[str, dict[str, Any]] = {}
    for path, o in c.items(root, "orders", ""):
        key = c.uid(o, path, seen)
        booster = c.flag(o, "booster_allowed", path)
        orders[key] = plan.add("orders", {
            "uid": o["uid"], "version": c.whole(o, "version", path, 1, 10_000),
            "prescriber_uid": c.ref(o, "prescriber_uid", path, prescribers, what="prescriber"),
            **{k: c.text(o, k, path, required=True) for k in ("medicine", "form", "route")},
            "dose_mg": c.amount(o, "dose_mg", path), "booster_allowed": int(booster),
            "booster_mg": c.amount(o, "booster_mg", path, required=booster),
            "min_minutes_after_dose": c.whole(o, "min_minutes_after_dose", path, 0, 1440,
                                              required=False),
            "ordered_on": c.day(o, "ordered_on", path, required=True, not_future=True),
            "prn_medicines": c.optional_text(o, "prn_medicines", path),
        })
    thresholds = {}
    now = utc_now()
    for path, t in c.items(root, "thresholds", ""):
        key = c.uid(t, path, seen)
        try:
            parsed = thresholds_from_json(t, where=path)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            if isinstance(exc, InvalidInput):
                raise
            raise InvalidInput(path, "the thresholds are not in kapdesk's form") from None
        if parsed.set_on > latest_local_day(now):
            raise InvalidInput(f"{path}.set_on", "cannot be in the future")
        thresholds[key] = parsed
        data = parsed.to_json()
        plan.add("threshold_versions", {
            "uid": key, "version": c.whole(t, "version", path, 1, 10_000),
            "set_by": parsed.set_by, "set_on": data["set_on"],
            "bounds": json.dumps({"pre_dose": data["pre_dose"], "discharge": data["discharge"]}),
        })
    screenings: dict[str, dict[str, Any]] = {}
    for path, s in c.items(root, "screenings", ""):
        c.uid(s, path, seen)
        items = c.obj(s.get("items") or {}, f"{path}.items")
        for item in CONTRAINDICATIONS:  # the app records an answer to every item
            if not isinstance(items.get(item), bool):
                raise InvalidInput(f"{path}.items.{item}", "needs its answer, true or false")
        try:
            cleaned = clean_screening(items, screened_on=s.get("screened_on"),
                                      cleared_on=s.get("cleared_on"), note=c.text(s, "note", path))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.{exc.field}", exc.reason) from None
        screenings[s["uid"]] = plan.add("screenings", {
            "uid": s["uid"], "screened_on": cleaned["screened_on"],
            "items": json.dumps(cleaned["items"]), "note": cleaned["note"],
            "cleared_on": cleaned["cleared_on"],
            "cleared_by_prescriber_uid": c.ref(s, "cleared_by_prescriber_uid", path, prescribers,
                                               what="prescriber"),
        })
    courses: dict[str, dict[str, Any]] = {}
    placed: list[tuple[str, dict[str, Any]]] = []
    in_progress = None
    for path, co in c.items(root, "courses", ""):
        c.uid(co, path, seen)
        courses[co["uid"]] = row = plan.add("courses", {
            "screening_uid": c.ref(co, "screening_uid", path, set(screenings),
                                   what="screening"),
            "uid": co["uid"], "planned_sessions": c.whole(co, "planned_sessions", path, 1, 30),
            "started_on": c.day(co, "started_on", path, required=True),
            "ended_on": c.day(co, "ended_on", path), "note": c.text(co, "note", path),
        })
        check_course(path, row, screenings.get(row["screening_uid"] or ""), in_progress)
        in_progress = in_progress or (None if row["ended_on"] else path)
        placed.append((path, row))
    check_courses_apart(placed)
    session_list = c.items(root, "sessions", "")
    session_uids = {u for _, s in session_list if isinstance(u := s.get("uid"), str)}
    for path, s in session_list:
        entries = _read_session(plan, path, s, seen, set(courses), orders, thresholds,
                                session_uids, now)
        replay_session(entries, now=now)
    check_links(plan, [p for p, _ in session_list], courses)
    check_quotes(plan)
    for path, o in c.items(root, "outcome_measures", ""):
        key = c.uid(o, path, seen)
        try:
            score = check_score(c.text(o, "instrument", path), o.get("score"))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.{exc.field}", exc.reason) from None
        plan.add("outcome_measures", {
            "uid": key, "instrument": o["instrument"], "score": score,
            "taken_on": c.day(o, "taken_on", path, required=True, not_future=True),
            "session_uid": c.ref(o, "session_uid", path, session_uids, what="session")})
    return plan


def _read_session(plan: Plan, path: str, s: Mapping, seen: set[str], courses: set[str],
                  orders: dict[str, dict[str, Any]], thresholds: dict,
                  session_uids: set, now: datetime) -> SessionEntries:
    key = c.uid(s, path, seen)
    kind = c.choice(s, "kind", path, SESSION_KINDS)
    linked = c.ref(s, "medication_session_uid", path, session_uids - {key}, what="session")
    if linked and kind != "integration":
        raise InvalidInput(f"{path}.medication_session_uid", "only integration sessions link")
    ride = c.obj(s.get("ride_home") or {}, f"{path}.ride_home")
    protocol = s.get("protocol")
    if protocol is not None:  # its minimum stay and booster step decide the replayed gates
        check_protocol(protocol, f"{path}.protocol")
    session_row = plan.add("sessions", {
        "uid": key, "kind": kind, "number": c.whole(s, "number", path, 1, 100, required=False),
        "course_uid": c.ref(s, "course_uid", path, courses, what="course"),
        "medication_session_uid": linked,
        "scheduled_for": c.instant(s, "scheduled_for", path),
        "started_at": c.instant(s, "started_at", path),
        "ended_at": c.instant(s, "ended_at", path),
        "order_uid": c.ref(s, "order_uid", path, set(orders), what="order"),
        "thresholds_uid": c.ref(s, "thresholds_uid", path, set(thresholds), what="thresholds"),
        "protocol": protocol_text(protocol, path),
        "intention": c.text(s, "intention", path, long=True),
        "ride_home_name": c.text(ride, "name", f"{path}.ride_home"),
        "ride_home_phone": c.text(ride, "phone", f"{path}.ride_home"),
        "ride_confirmed_at": c.instant(ride, "confirmed_at", f"{path}.ride_home"),
    })
    entries = SessionEntries(path, session_row, orders.get(session_row["order_uid"] or ""),
                             thresholds.get(session_row["thresholds_uid"] or ""), protocol)
    placed: dict[str, list[tuple[str, dict[str, Any]]]] = {
        key: [] for key in ("doses", "vitals", "events", "ratings", "notes", "music_plays")}
    earlier: set[str] = set()  # a correction names an entry listed before it
    for p, d in c.items(s, "doses", path):
        placed["doses"].append((p, plan.add("doses", {
            "session_uid": key, "uid": c.uid(d, p, seen),
            **correction(d, p, earlier, "earlier dose"),
            "given_at": c.instant(d, "given_at", p, required=True),
            "mg": c.amount(d, "mg", p),
            **{k: c.text(d, k, p, required=True) for k in ("medicine", "form", "route")},
            "is_booster": int(c.flag(d, "booster", p)),
            "amount_reason": c.optional_text(d, "amount_reason", p),
            "gate_override_reason": c.optional_text(d, "gate_override_reason", p),
        })))
        earlier.add(d["uid"])
    earlier = set()
    for p, v in c.items(s, "vitals", path):
        taken_at = c.instant(v, "taken_at", p, required=True)
        checkpoint = c.choice(v, "checkpoint", p, ("pre_dose", "discharge", "other"))
        for measure in MEASURES:
            if v.get(measure) is not None and not isinstance(v.get(measure), int):
                raise InvalidInput(f"{p}.{measure}", f"must be a whole number, "
                                                     f"not {v.get(measure)!r}")
        try:
            reading = make_reading(v, taken_at=parse_instant(str(taken_at)),
                                   checkpoint=checkpoint)
        except InvalidInput as exc:
            raise InvalidInput(f"{p}.{exc.field}" if exc.field else p, exc.reason) from None
        placed["vitals"].append((p, plan.add("vitals", {
            "session_uid": key, "uid": c.uid(v, p, seen), "taken_at": taken_at,
            "checkpoint": checkpoint, **reading.values(),
            **correction(v, p, earlier, "earlier reading")})))
        earlier.add(v["uid"])
    for p, e in c.items(s, "events", path):
        placed["events"].append((p, plan.add("events", {
            "session_uid": key, "uid": c.uid(e, p, seen),
                            "at": c.instant(e, "at", p, required=True),
                            "kind": c.choice(e, "kind", p, EVENT_KINDS),
                            "detail": event_detail(e, p),
                            **struck(e, p, now)})))
    for p, r in c.items(s, "ratings", path):
        rating_level(r, p)
        placed["ratings"].append((p, plan.add("ratings", {
            "session_uid": key, "uid": c.uid(r, p, seen),
                             "at": c.instant(r, "at", p, required=True),
                             "scale": c.choice(r, "scale", p, RATING_SCALES),
                             "value": c.whole(r, "value", p, 0, len(RATING_LEVELS) - 1),
                             **struck(r, p, now)})))
    for p, n in c.items(s, "notes", path):
        kind_ = c.choice(n, "kind", p, NOTE_KINDS)
        shareable = c.flag(n, "shareable", p)
        if shareable and kind_ in PRIVATE_NOTE_KINDS:
            raise InvalidInput(f"{p}.shareable", "process notes cannot be shareable")
        at = c.instant(n, "at", p, required=True)
        placed["notes"].append((p, plan.add("notes", {
                           "session_uid": key, "uid": c.uid(n, p, seen), "at": at,
                           "kind": kind_, "body": c.text(n, "body", p, required=True, long=True),
                           "shareable": int(shareable),
                           **note_times(n, p, at, now)})))
        replaced = []
        for vp, version in c.items(n, "versions", p):
            replaced.append(plan.add("note_versions", {
                "note_uid": n["uid"], "uid": c.uid(version, vp, seen),
                "body": c.text(version, "body", vp, required=True, long=True),
                "replaced_at": past(version, "replaced_at", vp, now, "a note's amendment")}))
        check_amendments(p, placed["notes"][-1][1], replaced)
    for p, m in c.items(s, "music_plays", path):
        placed["music_plays"].append((p, plan.add("music_plays", {
            "session_uid": key, "uid": c.uid(m, p, seen),
                                 "title": c.text(m, "title", p, required=True),
                                 "artist": c.text(m, "artist", p), "path": c.text(m, "path", p),
                                 "started_at": c.instant(m, "started_at", p, required=True),
                                 "stopped_at": stopped(m, p, now)})))
    if s.get("discharge") is not None:
        p = f"{path}.discharge"
        d = c.obj(s["discharge"], p)
        cleared = c.flag(d, "cleared", p)
        reason = c.optional_text(d, "override_reason", p)
        if not cleared and not (reason or "").strip():
            raise InvalidInput(f"{p}.override_reason", "an overridden discharge needs its reason")
        entries.discharge = (p, plan.add("discharges", {
            "session_uid": key, "uid": c.uid(d, p, seen),
            "at": c.instant(d, "at", p, required=True), "cleared": int(cleared),
            "override_reason": reason,
            "ride_home_confirmed": int(c.flag(d, "ride_home_confirmed", p)),
            "ride_home_name": c.text(d, "ride_home_name", p)}))
    for table, rows in placed.items():
        setattr(entries, table, rows)
    return entries


def import_record(db: Database, data: Any) -> ImportResult:
    return import_plan(db, read_record(data))


def import_plan(db: Database, plan: Plan) -> ImportResult:
    """Write a record already read and replayed by :func:`read_record`."""
    client = plan.rows["clients"][0]
    with db.atomic():
        here = store.existing_rows(db, plan.rows)
        check_conflicts(db, plan, here)
        existing = {uid: row["id"] for rows in here.values() for uid, row in rows.items()}
        ids: dict[str, int] = dict(existing)
        added = 0

        def put(table: str, row: dict[str, Any], **links: str | None) -> None:
            nonlocal added
            if row["uid"] in existing:
                return
            values = {k: v for k, v in row.items() if not k.endswith("_uid")}
            for column, target in links.items():
                values[column] = ids[target] if target else None
            ids[row["uid"]] = store.insert_row(db, table, values)
            added += 1

        for row in plan.rows.get("prescribers", []):
            put("prescribers", row)
        put("clients", client, prescriber_id=client["prescriber_uid"])
        owner = {"client_id": client["uid"]}
        for row in plan.rows.get("orders", []):
            put("orders", row, prescriber_id=row["prescriber_uid"], **owner)
        for row in plan.rows.get("threshold_versions", []):
            put("threshold_versions", row, **owner)
        for row in plan.rows.get("screenings", []):
            put("screenings", row, cleared_by_prescriber_id=row["cleared_by_prescriber_uid"],
                **owner)
        for row in plan.rows.get("courses", []):
            put("courses", row, screening_id=row["screening_uid"], **owner)
        sessions = plan.rows.get("sessions", [])
        for row in sessions:
            put("sessions", row, course_id=row["course_uid"], order_id=row["order_uid"],
                threshold_version_id=row["thresholds_uid"], medication_session_id=None,
                **owner)
        for row in sessions:
            if row["medication_session_uid"] and row["uid"] not in existing:
                store.link_integration(db, ids[row["uid"]], ids[row["medication_session_uid"]])
        for table in (*CHILD_TABLES, "discharges"):
            for row in plan.rows.get(table, []):
                links = {"session_id": row["session_uid"]}
                if table in ("doses", "vitals"):
                    links["corrects_id"] = row["corrects_uid"]
                put(table, row, **links)
        for row in plan.rows.get("note_versions", []):
            put("note_versions", row, note_id=row["note_uid"])
        for row in plan.rows.get("outcome_measures", []):
            put("outcome_measures", row, session_id=row["session_uid"], **owner)
    total = sum(len(rows) for rows in plan.rows.values())
    # a client renamed on this laptop is reported by the name the therapist sees here
    known_as = here.get("clients", {}).get(client["uid"], client)["display_name"]
    return ImportResult(ids[client["uid"]], known_as, added, total - added,
                        differing(plan, here))


