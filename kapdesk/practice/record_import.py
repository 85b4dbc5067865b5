"""Import a client record: read and check the whole file first, replay every session through
the live rules (:mod:`kapdesk.practice.replay`), then write it in one transaction. On any
error nothing is written and the one-line message names the place and the rule."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.outcomes import check_score
from kapdesk.domain.protocol import protocol_from_json
from kapdesk.domain.screening import clean_screening
from kapdesk.domain.thresholds import thresholds_from_json
from kapdesk.domain.timeutil import parse_instant, utc_now
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
from kapdesk.practice.replay import SessionEntries, replay_session
from kapdesk.storage import imports as store

# A record file larger than this is refused before it is read: the largest real record (ten
# years of weekly sessions with long notes) is a few megabytes.
MAX_RECORD_BYTES = 25 * 1024 * 1024

CHILD_TABLES = ("doses", "vitals", "events", "ratings", "notes", "music_plays")


@dataclass
class Plan:
    """The file's rows, checked and in database form, keyed by table, in write order."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row


@dataclass
class ImportResult:
    client_id: int
    display_name: str
    added: int
    already_present: int


class _NotFinite(ValueError):
    """JSON's NaN or Infinity, which kapdesk never writes."""


def _no_constant(name: str) -> Any:
    raise _NotFinite(name)


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
        content = file.read_text(encoding="utf-8")
        return json.loads(content, parse_constant=_no_constant)
    except _NotFinite as exc:
        line = _line_of_constant(content)
        raise InvalidInput("file", f"{path}: {'line ' + str(line) + ' holds ' if line else ''}"
                                   f"{exc}, which is not a number kapdesk writes") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput("file", f"{path}: not valid JSON (line {exc.lineno}: "
                                   f"{exc.msg})") from None
    except UnicodeDecodeError:
        raise InvalidInput("file", f"{path}: not a UTF-8 text file") from None
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
    if root.get("format") != RECORD_FORMAT:
        raise InvalidInput("format", f"expected {RECORD_FORMAT!r}, found {root.get('format')!r}")
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
        "archived_at": c.instant(cl, "archived_at", "client"),
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
            "ordered_on": c.day(o, "ordered_on", path, required=True),
            "prn_medicines": c.optional_text(o, "prn_medicines", path),
        })
    thresholds = {}
    for path, t in c.items(root, "thresholds", ""):
        key = c.uid(t, path, seen)
        try:
            parsed = thresholds_from_json(t, where=path)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            if isinstance(exc, InvalidInput):
                raise
            raise InvalidInput(path, "the thresholds are not in kapdesk's form") from None
        thresholds[key] = parsed
        data = parsed.to_json()
        plan.add("threshold_versions", {
            "uid": key, "version": c.whole(t, "version", path, 1, 10_000),
            "set_by": parsed.set_by, "set_on": data["set_on"],
            "bounds": json.dumps({"pre_dose": data["pre_dose"], "discharge": data["discharge"]}),
        })
    screenings = set()
    for path, s in c.items(root, "screenings", ""):
        screenings.add(c.uid(s, path, seen))
        items = c.obj(s.get("items") or {}, f"{path}.items")
        try:
            cleaned = clean_screening(items, screened_on=s.get("screened_on"),
                                      cleared_on=s.get("cleared_on"), note=c.text(s, "note", path))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.{exc.field}", exc.reason) from None
        plan.add("screenings", {
            "uid": s["uid"], "screened_on": cleaned["screened_on"],
            "items": json.dumps(cleaned["items"]), "note": cleaned["note"],
            "cleared_on": cleaned["cleared_on"],
            "cleared_by_prescriber_uid": c.ref(s, "cleared_by_prescriber_uid", path, prescribers,
                                               what="prescriber"),
        })
    courses = set()
    for path, co in c.items(root, "courses", ""):
        courses.add(c.uid(co, path, seen))
        plan.add("courses", {
            "screening_uid": c.ref(co, "screening_uid", path, screenings, what="screening"),
            "uid": co["uid"], "planned_sessions": c.whole(co, "planned_sessions", path, 1, 30),
            "started_on": c.day(co, "started_on", path, required=True),
            "ended_on": c.day(co, "ended_on", path), "note": c.text(co, "note", path),
        })
    session_list = c.items(root, "sessions", "")
    session_uids = {u for _, s in session_list if isinstance(u := s.get("uid"), str)}
    now = utc_now()
    for path, s in session_list:
        entries = _read_session(plan, path, s, seen, courses, orders, thresholds, session_uids)
        replay_session(entries, now=now)
    _check_links(plan, [p for p, _ in session_list])
    for path, o in c.items(root, "outcome_measures", ""):
        key = c.uid(o, path, seen)
        try:
            score = check_score(c.text(o, "instrument", path), o.get("score"))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.{exc.field}", exc.reason) from None
        plan.add("outcome_measures", {
            "uid": key, "instrument": o["instrument"], "score": score,
            "taken_on": c.day(o, "taken_on", path, required=True),
            "session_uid": c.ref(o, "session_uid", path, session_uids, what="session")})
    return plan


def _protocol_text(protocol: Any, path: str) -> str | None:
    if protocol is None:
        return None
    try:
        return json.dumps(protocol, allow_nan=False)
    except ValueError:
        raise InvalidInput(f"{path}.protocol", "holds a number that is not finite") from None


def _check_links(plan: Plan, paths: list[str]) -> None:
    """An integration session follows a medication session of the same record."""
    kinds = {row["uid"]: row["kind"] for row in plan.rows.get("sessions", [])}
    for path, row in zip(paths, plan.rows.get("sessions", []), strict=True):
        linked = row["medication_session_uid"]
        if linked and kinds.get(linked) != "medication":
            raise InvalidInput(f"{path}.medication_session_uid",
                               "an integration session follows a medication session")


def _read_session(plan: Plan, path: str, s: Mapping, seen: set[str], courses: set[str],
                  orders: dict[str, dict[str, Any]], thresholds: dict,
                  session_uids: set) -> SessionEntries:
    key = c.uid(s, path, seen)
    kind = c.choice(s, "kind", path, SESSION_KINDS)
    linked = c.ref(s, "medication_session_uid", path, session_uids - {key}, what="session")
    if linked and kind != "integration":
        raise InvalidInput(f"{path}.medication_session_uid", "only integration sessions link")
    ride = c.obj(s.get("ride_home") or {}, f"{path}.ride_home")
    protocol = s.get("protocol")
    if protocol is not None:
        try:
            protocol_from_json(c.obj(protocol, f"{path}.protocol"))
        except InvalidInput as exc:
            raise InvalidInput(f"{path}.protocol", exc.reason) from None
        except (TypeError, ValueError, AttributeError, KeyError):
            raise InvalidInput(f"{path}.protocol", "is not a protocol kapdesk wrote") from None
    session_row = plan.add("sessions", {
        "uid": key, "kind": kind, "number": c.whole(s, "number", path, 1, 100, required=False),
        "course_uid": c.ref(s, "course_uid", path, courses, what="course"),
        "medication_session_uid": linked,
        "scheduled_for": c.instant(s, "scheduled_for", path),
        "started_at": c.instant(s, "started_at", path),
        "ended_at": c.instant(s, "ended_at", path),
        "order_uid": c.ref(s, "order_uid", path, set(orders), what="order"),
        "thresholds_uid": c.ref(s, "thresholds_uid", path, set(thresholds), what="thresholds"),
        "protocol": _protocol_text(protocol, path),
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
            "corrects_uid": c.ref(d, "corrects_uid", p, set(earlier), what="earlier dose"),
            "correction_reason": c.optional_text(d, "correction_reason", p),
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
            "corrects_uid": c.ref(v, "corrects_uid", p, set(earlier), what="earlier reading"),
            "correction_reason": c.optional_text(v, "correction_reason", p)})))
        earlier.add(v["uid"])
    for p, e in c.items(s, "events", path):
        placed["events"].append((p, plan.add("events", {
            "session_uid": key, "uid": c.uid(e, p, seen),
                            "at": c.instant(e, "at", p, required=True),
                            "kind": c.choice(e, "kind", p, EVENT_KINDS),
                            "detail": c.text(e, "detail", p),
                            "struck_at": c.instant(e, "struck_at", p),
                            "struck_reason": c.optional_text(e, "struck_reason", p)})))
    for p, r in c.items(s, "ratings", path):
        placed["ratings"].append((p, plan.add("ratings", {
            "session_uid": key, "uid": c.uid(r, p, seen),
                             "at": c.instant(r, "at", p, required=True),
                             "scale": c.choice(r, "scale", p, RATING_SCALES),
                             "value": c.whole(r, "value", p, 0, len(RATING_LEVELS) - 1),
                             "struck_at": c.instant(r, "struck_at", p),
                             "struck_reason": c.optional_text(r, "struck_reason", p)})))
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
                           "created_at": c.instant(n, "created_at", p) or at,
                           "updated_at": c.instant(n, "updated_at", p) or at,
                           "amended_at": c.instant(n, "amended_at", p)})))
        for vp, version in c.items(n, "versions", p):
            plan.add("note_versions", {"note_uid": n["uid"], "uid": c.uid(version, vp, seen),
                                       "body": c.text(version, "body", vp, required=True,
                                                      long=True),
                                       "replaced_at": c.instant(version, "replaced_at", vp,
                                                                required=True)})
    for p, m in c.items(s, "music_plays", path):
        placed["music_plays"].append((p, plan.add("music_plays", {
            "session_uid": key, "uid": c.uid(m, p, seen),
                                 "title": c.text(m, "title", p, required=True),
                                 "artist": c.text(m, "artist", p), "path": c.text(m, "path", p),
                                 "started_at": c.instant(m, "started_at", p, required=True),
                                 "stopped_at": c.instant(m, "stopped_at", p)})))
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
        existing = store.existing_uids(db, plan.rows)
        _check_conflicts(db, plan, existing)
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
    return ImportResult(ids[client["uid"]], client["display_name"], added, total - added)


def _check_conflicts(db: Database, plan: Plan, existing: dict[str, int]) -> None:
    """Rows already here must belong to the same client; new versions must not collide."""
    client = plan.rows["clients"][0]
    client_id = existing.get(client["uid"])
    for table in ("orders", "threshold_versions", "screenings", "courses", "sessions",
                  "outcome_measures"):
        for i, row in enumerate(plan.rows.get(table, [])):
            if row["uid"] in existing:
                if store.owner_of(db, table, existing[row["uid"]]) != client_id:
                    raise InvalidInput(f"{_name(table)}[{i}].uid",
                                       "already belongs to another client on this laptop")
            elif table in ("orders", "threshold_versions") and client_id is not None \
                    and store.version_taken(db, table, client_id, row["version"]):
                raise InvalidInput(f"{_name(table)}[{i}].version",
                                   f"version {row['version']} already exists here with "
                                   "different content")


def _name(table: str) -> str:
    return "thresholds" if table == "threshold_versions" else table
