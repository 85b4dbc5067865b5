"""Beginning the live medication session: the pre-flight, then the start, in one step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from kapdesk.audio.library import track_problem
from kapdesk.domain.course import next_medication_number
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.past_timings import PastTimings, past_timings
from kapdesk.domain.preflight import Check, cautions, missing, preflight
from kapdesk.domain.protocol import Protocol
from kapdesk.domain.timeutil import parse_instant
from kapdesk.practice.course import schedule_in_course
from kapdesk.practice.session import add_note, confirm_ride_home, start_session
from kapdesk.storage.clients import get_client
from kapdesk.storage.courses import latest_screening, open_course
from kapdesk.storage.music import list_playlists, playlist_tracks
from kapdesk.storage.prescriptions import current_order, current_thresholds
from kapdesk.storage.sessions import (
    get_session,
    list_sessions,
    load_session,
    running_session,
    set_playlist,
)

NO_MUSIC = 0  # an explicit choice of silence, unlike None ("not chosen yet")


def next_medication_session(db: Database, client_id: int) -> dict[str, Any] | None:
    """The first planned medication session of the course in progress. One planned in an
    ended course is never started: a session begun after a new course began was recorded
    as the old course's (found by a first-time user)."""
    course = open_course(db, client_id)
    if course is None:
        return None
    return _planned_in(list_sessions(db, client_id), course["id"])


def _planned_in(sessions: list[dict[str, Any]], course_id: int) -> dict[str, Any] | None:
    return next((s for s in sessions if s["kind"] == SessionKind.MEDICATION
                 and not s["started_at"] and s["course_id"] in (course_id, None)), None)


def next_medication_to_start(db: Database, client_id: int) -> tuple[int, int] | None:
    """(course id, number) of the medication session Start would begin: the planned one,
    else the course's next; None with no course in progress."""
    course = open_course(db, client_id)
    if course is None:
        return None
    sessions = list_sessions(db, client_id)
    planned = _planned_in(sessions, course["id"])
    if planned is not None:
        return course["id"], planned["number"]
    return course["id"], next_medication_number(
        [s for s in sessions if s["course_id"] == course["id"]])


def past_timings_for(db: Database, client_id: int, *, route: str,
                     before_session: int | None = None) -> PastTimings:
    """The client's own last three medication sessions that ended on a protocol for
    ``route`` (an infusion's timings say nothing about a lozenge's), before
    ``before_session`` when given, as minutes from their doses."""
    rows = [s for s in list_sessions(db, client_id) if s["kind"] == SessionKind.MEDICATION
            and s["ended_at"] and s["id"] != before_session]
    if before_session is not None:
        started = get_session(db, before_session)["started_at"]
        rows = [s for s in rows if started is None or s["started_at"] < started]
    rows.sort(key=lambda s: s["started_at"], reverse=True)
    same_route = []
    for row in rows:
        record = load_session(db, row["id"], notes=False)
        if record.protocol.route == route:
            same_route.append(record)
            if len(same_route) == 3:
                break
    return past_timings(same_route)


def preflight_for(db: Database, client_id: int, *, intention: str = "",
                  ride_confirmed: bool = False, playlist_id: int | None = None) -> list[Check]:
    screening = latest_screening(db, client_id)
    tracks = playlist_tracks(db, playlist_id) if playlist_id else []
    problems = tuple(problem for track in tracks if (problem := track_problem(track["path"])))
    if playlist_id and not tracks:
        problems = ("the playlist is empty",)
    return preflight(
        has_thresholds=current_thresholds(db, client_id) is not None,
        has_order=current_order(db, client_id) is not None,
        screening_cleared=bool(screening and screening["cleared_on"]),
        course_open=open_course(db, client_id) is not None,
        ride_confirmed=ride_confirmed, intention=intention,
        playlists_exist=bool(list_playlists(db)), playlist_chosen=playlist_id is not None,
        music=bool(playlist_id), track_problems=problems,
    )


def preflight_cautions(db: Database, client_id: int, *, now: datetime) -> list[str]:
    """:func:`kapdesk.domain.preflight.cautions` for the client's last medication session
    that ended, and the integration session planned after it (None: none planned)."""
    sessions = list_sessions(db, client_id)
    ended = [s for s in sessions if s["kind"] == SessionKind.MEDICATION and s["ended_at"]]
    if not ended:
        return []
    last = max(ended, key=lambda s: s["ended_at"])
    after = [s for s in sessions if s["kind"] == SessionKind.INTEGRATION
             and s["medication_session_id"] == last["id"]]
    return cautions(last_ended=parse_instant(last["ended_at"]), last_number=last["number"],
                    integration_held=any(s["started_at"] for s in after) if after else None,
                    now=now, last_dosed=bool(last["dosed"]))


def begin_medication_session(db: Database, client_id: int, *, at: datetime, intention: str,
                             ride_home_name: str, ride_home_phone: str = "",
                             ride_confirmed: bool, playlist_id: int | None = None,
                             protocol: Protocol | None = None) -> int:
    """Run the pre-flight, then start the course's next medication session (scheduling one
    now if none is planned) and confirm the ride home, all in one transaction."""
    with db.atomic():
        get_client(db, client_id)
        problems = missing(preflight_for(
            db, client_id, intention=intention,
            ride_confirmed=ride_confirmed and bool(ride_home_name.strip()),
            playlist_id=playlist_id))
        if problems:
            raise NotAllowed("not ready to start: " + "; ".join(problems))
        running = running_session(db)
        if running is not None:
            raise NotAllowed(f"session {running} is still running; discharge it first")
        planned = next_medication_session(db, client_id)
        if planned:
            session_id = planned["id"]
        else:
            course = open_course(db, client_id)
            assert course is not None  # the pre-flight requires an open course
            session_id = schedule_in_course(db, course["id"], SessionKind.MEDICATION, at)
        start_session(db, session_id, started_at=at, intention=intention,
                      ride_home_name=ride_home_name, ride_home_phone=ride_home_phone,
                      protocol=protocol)
        confirm_ride_home(db, session_id, at=at, name=ride_home_name, phone=ride_home_phone)
        if intention.strip():  # a note too: in the session's log, searchable, as typed
            add_note(db, session_id, "intention", intention, at=at, shareable=True)
        if playlist_id:
            set_playlist(db, session_id, playlist_id)
    return session_id
