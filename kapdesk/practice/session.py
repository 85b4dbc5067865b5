"""The live session, step by step: start, vitals, doses, events, ratings, notes, discharge.

Each use case opens one transaction, loads the session, asks the domain whether the step is
allowed at that instant, and saves through storage; what it returns is on disk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlite_utils import Database

from kapdesk.domain.dosing import CLOCK_TOLERANCE, decide_dose
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.gates import override_reason
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.mistakes import check_take_back, strike_reason, take_back_reason, undo_reason
from kapdesk.domain.protocol import Protocol
from kapdesk.domain.protocol_rules import validate_protocol
from kapdesk.domain.scheduling import check_reschedule
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.sharing import check_shareable
from kapdesk.domain.thresholds import Verdict
from kapdesk.domain.timeutil import local, parse_instant, utc_now
from kapdesk.domain.vitals import make_reading
from kapdesk.domain.vitals_schedule import SKIPPED, schedule
from kapdesk.domain.vocabulary import (
    EVENT_KINDS,
    NOTE_KINDS,
    RATING_LEVELS,
    RATING_SCALES,
    SESSION_KINDS,
    require_kind,
    require_text,
)
from kapdesk.practice.audit import audit
from kapdesk.practice.course import plan_integration
from kapdesk.practice.protocols import protocol_for_client
from kapdesk.storage import sessions as store
from kapdesk.storage.drafts import get_draft
from kapdesk.storage.prescriptions import current_order, current_thresholds


def running(record: SessionRecord) -> SessionRecord:
    """The session, if steps may be recorded in it now."""
    if not record.session["started_at"]:
        raise NotAllowed("the session has not started yet")
    if record.session["ended_at"]:
        raise NotAllowed("the session has ended; corrections are made from its review")
    return record


def check_entry_time(record: SessionRecord, at: datetime, what: str,
                     now: datetime | None = None) -> None:
    """An entry belongs inside its session and not in the future."""
    started = record.started_at
    if at.tzinfo is None:
        raise InvalidInput("at", f"the time of the {what} needs a time zone")
    if started is not None and at < started:
        raise InvalidInput("at", f"the {what} cannot be before the session started")
    if at > (now or utc_now()) + CLOCK_TOLERANCE:
        raise InvalidInput("at", f"the {what} cannot be recorded ahead of time")


def start_session(db: Database, session_id: int, *, started_at: datetime, intention: str = "",
                  ride_home_name: str = "", ride_home_phone: str = "",
                  protocol: Protocol | None = None) -> None:
    """Start the clock. A medication session fixes the order and threshold versions it will be
    judged by, and the protocol it runs (``protocol``, else the one written for the order's
    route), so later edits never change its history."""
    with db.atomic():
        session = store.get_session(db, session_id)
        if session["started_at"]:
            raise NotAllowed(f"session {session_id} has already started")
        order_id = threshold_id = copy = None
        if session["kind"] == SessionKind.MEDICATION:
            thresholds = current_thresholds(db, session["client_id"])
            order = current_order(db, session["client_id"])
            missing = [what for what, have in (("the prescriber's thresholds", thresholds),
                                               ("the prescriber's order", order)) if not have]
            if thresholds is None or order is None:
                raise NotAllowed("cannot start a medication session without "
                                 + " and ".join(missing))
            order_id, threshold_id = order["id"], thresholds[0]
            runs = protocol or protocol_for_client(db, session["client_id"]).suggested
            copy = validate_protocol(runs, where="protocol").to_json()
        store.set_started(db, session_id, started_at=started_at, intention=intention.strip(),
                          ride_home_name=ride_home_name.strip(),
                          ride_home_phone=ride_home_phone.strip(), order_id=order_id,
                          threshold_version_id=threshold_id, protocol=copy)


def take_back_start(db: Database, session_id: int, *, at: datetime, reason: str) -> None:
    """A medication session started by mistake goes back to the plan, not started, while
    nothing is recorded in it; the audit trail keeps when it was started, when it was taken
    back and why."""
    text = take_back_reason(reason)
    with db.atomic():
        record = running(store.load_session(db, session_id))
        draft = get_draft(db, session_id) is not None  # kept as typed: it counts
        check_take_back(record.recorded_after_start + draft)
        started = record.started_at
        assert started is not None
        if record.start_intention is not None:  # written with the start, it goes with it
            store.delete_note(db, record.start_intention["id"])
        store.set_not_started(db, session_id)
        name = f"{SESSION_KINDS[record.session['kind']]} session {record.session['number'] or ''}"
        audit(db, "start_taken_back", client_id=record.session["client_id"],
              session_id=session_id, at=at,
              detail=f"{name.strip()} started {local(started):%a %d %b %Y, %H:%M}: {text}")


def record_vitals(db: Database, session_id: int, values: Mapping[str, object], *,
                  taken_at: datetime, checkpoint: str) -> tuple[int, Verdict | None]:
    """Store a plausible reading and return its verdict; an implausible one raises and
    stores nothing. Out-of-threshold readings are stored and flagged, never refused."""
    with db.atomic():
        record = running(store.load_session(db, session_id))
        reading = make_reading(values, taken_at=taken_at, checkpoint=checkpoint)
        check_entry_time(record, taken_at, "reading")
        return store.insert_vitals(db, session_id, reading), record.judge(reading)


def record_dose(db: Database, session_id: int, *, given_at: datetime, mg: float | None = None,
                is_booster: bool = False, amount_reason: str | None = None,
                gate_reason: str | None = None, now: datetime | None = None) -> int:
    """Record a dose as ordered, if the domain allows it at ``given_at`` (see
    :func:`kapdesk.domain.dosing.decide_dose`). ``now`` is the clock's time, for "given N min
    ago"; it defaults to the wall clock."""
    with db.atomic():
        record = running(store.load_session(db, session_id))
        decision = decide_dose(record, given_at=given_at, now=now or utc_now(),
                               mg=mg, is_booster=is_booster, amount_reason=amount_reason,
                               gate_reason=gate_reason)
        return store.insert_dose(db, session_id, given_at, decision)


def record_event(db: Database, session_id: int, kind: str, *, at: datetime,
                 detail: str = "") -> int:
    require_kind("kind", kind, EVENT_KINDS)
    with db.atomic():
        record = running(store.load_session(db, session_id))
        check_entry_time(record, at, "event")
        return store.insert_event(db, session_id, kind, at=at, detail=detail.strip())


def skip_scheduled_reading(db: Database, session_id: int, *, due_at: datetime, reason: str,
                           now: datetime) -> int:
    """A reading the protocol asked for and the therapist chose not to take, with why (the
    client asleep and breathing easily...): recorded at the time it was due, it no longer
    shows as missed, and the summary names it with its reason."""
    text = require_text("reason", reason, "The reason")
    with db.atomic():
        record = running(store.load_session(db, session_id))
        timeline = record.timeline(now)
        assert timeline is not None  # a running session has started
        if not any(d.at == due_at and d.state in ("due", "missed")
                   for d in schedule(record, timeline, now)):
            raise NotAllowed("no planned reading is open at that time; it was taken, "
                             "skipped already, or is not due yet")
        return store.insert_event(db, session_id, SKIPPED, at=due_at, detail=text)


def strike_entry(db: Database, table: str, entry_id: int, *, at: datetime,
                 reason: str | None = None, undo: bool = False) -> None:
    """Strike out a mis-keyed event or rating: it stays in the record with when and why,
    and no longer counts. ``undo`` is the one-key undo, allowed for a minute after it."""
    with db.atomic():
        entry = store.get_entry(db, table, entry_id)
        if entry["struck_at"]:
            raise NotAllowed(f"that {store.STRIKABLE[table]} is already struck out")
        text = undo_reason(parse_instant(entry["at"]), at) if undo else strike_reason(reason)
        store.set_struck(db, table, entry_id, at=at, reason=text)


def rating_value(scale: str, level: int | str) -> int:
    require_kind("scale", scale, RATING_SCALES)
    value = RATING_LEVELS.index(level) if isinstance(level, str) and level in RATING_LEVELS \
        else level
    if isinstance(value, bool) or not isinstance(value, int) or not \
            0 <= value < len(RATING_LEVELS):
        raise InvalidInput(scale, f"rate as one of {', '.join(RATING_LEVELS)}")
    return value


def record_rating(db: Database, session_id: int, scale: str, level: int | str, *,
                  at: datetime) -> int:
    value = rating_value(scale, level)
    with db.atomic():
        record = running(store.load_session(db, session_id))
        check_entry_time(record, at, "rating")
        return store.insert_rating(db, session_id, scale, value, at=at)


def add_note(db: Database, session_id: int, kind: str, body: str, *, at: datetime,
             shareable: bool = False) -> int:
    require_kind("kind", kind, NOTE_KINDS)
    check_shareable(kind, shareable)
    text = require_text("body", body, "The note")
    with db.atomic():
        store.get_session(db, session_id)
        return store.insert_note(db, session_id, kind, text, at=at, shareable=shareable)


def update_note(db: Database, note_id: int, body: str) -> None:
    """Autosave of a note being typed; the note keeps its time and kind."""
    text = require_text("body", body, "The note")
    with db.atomic():
        store.get_note(db, note_id)
        store.set_note_body(db, note_id, text)


def confirm_ride_home(db: Database, session_id: int, *, at: datetime, name: str,
                      phone: str = "") -> None:
    """The ride home is confirmed during the session (the pre-flight confirms it as the
    session starts), so a discharge can tell whether it was confirmed by then."""
    text = require_text("ride_home_name", name, "Who drives the client home")
    with db.atomic():
        record = running(store.load_session(db, session_id))
        check_entry_time(record, at, "ride home confirmation")
        store.set_ride_home(db, session_id, at=at, name=text, phone=phone.strip())


def record_discharge(db: Database, session_id: int, *, at: datetime,
                     reason: str | None = None) -> int:
    """Discharge and end the session. The gate is judged at ``at`` with what was recorded by
    then; a closed gate needs a written override reason."""
    with db.atomic():
        record = running(store.load_session(db, session_id))
        return _discharge(db, record, at=at, reason=reason)


def _discharge(db: Database, record: SessionRecord, *, at: datetime,
               reason: str | None) -> int:
    check_entry_time(record, at, "discharge")
    last = record.last_dose
    if last is not None and at < last.given_at:
        raise InvalidInput("at", "the discharge cannot be before the last dose")
    gate = record.discharge_gate(at)
    written = override_reason(gate, reason)
    return store.insert_discharge(db, record, at=at, cleared=gate.open,
                                  override_reason=written,
                                  ride_home_confirmed=record.ride_confirmed_by(at))


def discharge_and_schedule(db: Database, session_id: int, *, at: datetime,
                           reason: str | None = None,
                           integration_after: timedelta | None = None) -> int:
    """Discharge, and plan (or move) the integration session ``integration_after`` the start
    of this one, in one step: either both are saved or neither."""
    with db.atomic():
        record = running(store.load_session(db, session_id))
        discharge_id = _discharge(db, record, at=at, reason=reason)
        if integration_after is not None:
            plan_integration(db, record, integration_after)
        return discharge_id


def reschedule_session(db: Database, session_id: int, when: datetime) -> None:
    """Move a session that has not started yet; an integration session stays within
    24-48 hours of its medication session."""
    with db.atomic():
        session = store.get_session(db, session_id)
        follows = None
        if session["medication_session_id"]:
            medication = store.get_session(db, session["medication_session_id"])
            follows = parse_instant(medication["started_at"] or medication["scheduled_for"])
        check_reschedule(bool(session["started_at"]), when=when, follows=follows)
        store.set_scheduled_for(db, session_id, when)


def end_session(db: Database, session_id: int, *, at: datetime) -> None:
    """End a session that has no discharge (preparation and integration sessions)."""
    with db.atomic():
        session = store.get_session(db, session_id)
        if session["kind"] == SessionKind.MEDICATION:
            raise NotAllowed("a medication session ends with its discharge")
        store.set_ended(db, session_id, at=at)
