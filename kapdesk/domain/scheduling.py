"""When sessions happen: the course plan, the integration window, moving a session."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.kinds import SessionKind
from kapdesk.domain.timeutil import local

PLANNED_SESSIONS_MIN, PLANNED_SESSIONS_MAX = 1, 30  # medication sessions in one course
# Integration follows the medication session 24-48 hours later (design §1).
INTEGRATION_AFTER_MIN = timedelta(hours=24)
INTEGRATION_AFTER_MAX = timedelta(hours=48)
# A planned integration session this far outside the window (a session that began late, a
# morning slot two days on) still counts as planned rather than asking to be moved.
INTEGRATION_SLACK = timedelta(hours=4)
QUARTER_HOUR = timedelta(minutes=15)
# An integration session is an ordinary daytime appointment: stepping its hour passes over
# the night (found by a first-time user, 36 h after a 12:30 session offered 00:30).
NIGHT_BEGINS, NIGHT_ENDS = time(21, 0), time(7, 0)
# How long each kind of session holds the room, for telling two bookings that overlap: a
# medication session is a three-hour appointment (design §1), the others about an hour.
SESSION_LENGTH: dict[str, timedelta] = {SessionKind.MEDICATION: timedelta(hours=3),
                                        SessionKind.INTEGRATION: timedelta(hours=1),
                                        SessionKind.PREPARATION: timedelta(hours=1)}
LONGEST_SESSION = max(SESSION_LENGTH.values())


def overlap(kind: str, start: datetime, other_kind: str, other_start: datetime) -> bool:
    """Whether a session of ``kind`` at ``start`` and another booking share any time."""
    return (start < other_start + SESSION_LENGTH[other_kind]
            and other_start < start + SESSION_LENGTH[kind])


def check_planned_sessions(planned: object) -> int:
    if isinstance(planned, bool) or not isinstance(planned, int) or not (
            PLANNED_SESSIONS_MIN <= planned <= PLANNED_SESSIONS_MAX):
        raise InvalidInput("planned_sessions", f"a course plans {PLANNED_SESSIONS_MIN}-"
                                               f"{PLANNED_SESSIONS_MAX} medication sessions")
    return planned


def check_course_end(started_on: date, ended_on: date, last_held: date | None = None) -> None:
    """A course ends on or after its first day and its last session held (``last_held``,
    the local day that session started)."""
    if ended_on < started_on:
        raise InvalidInput("ended_on", f"the course started on {started_on.isoformat()}; it "
                                       "cannot end before that")
    if last_held is not None and ended_on < last_held:
        raise InvalidInput("ended_on", f"a session of this course was held on "
                                       f"{last_held.isoformat()}; the course cannot end "
                                       "before that")


def check_integration_after(after: timedelta) -> timedelta:
    if not INTEGRATION_AFTER_MIN <= after <= INTEGRATION_AFTER_MAX:
        raise InvalidInput("integration_after", "integration follows 24-48 hours later")
    return after


def integration_slot(medication_started: datetime, after: timedelta) -> datetime:
    """When the integration session ``after`` a medication session's start is planned: on a
    quarter hour (a session begun at 06:33 plans it for 06:45 the next day, not 06:33), the
    later quarter unless that would pass 48 hours. Every time zone's offset is a multiple of
    15 minutes, so a UTC quarter hour is a local one."""
    check_integration_after(after)
    target = medication_started + after
    past = (target - target.replace(minute=0, second=0, microsecond=0)) % QUARTER_HOUR
    if not past:
        return target
    later = target + (QUARTER_HOUR - past)
    return later if later - medication_started <= INTEGRATION_AFTER_MAX else target - past


def at_night(instant: datetime) -> bool:
    """Whether a session starting then would start at night, on the local clock."""
    clock = local(instant).time()
    return clock >= NIGHT_BEGINS or clock < NIGHT_ENDS


def next_daytime_hours(medication_started: datetime, hours: int, step: int) -> int:
    """From ``hours`` after the medication session's start, ``step`` (+1 or -1) whole hours
    at a time, the first within 24-48 hours whose integration slot is not at night;
    ``hours`` itself when there is none that way."""
    low, high = integration_hours()
    candidate = hours + step
    while low <= candidate <= high:
        if not at_night(integration_slot(medication_started, timedelta(hours=candidate))):
            return candidate
        candidate += step
    return hours


def integration_hours() -> tuple[int, int]:
    """The window in whole hours, for a spin box."""
    return (int(INTEGRATION_AFTER_MIN.total_seconds() // 3600),
            int(INTEGRATION_AFTER_MAX.total_seconds() // 3600))


def integration_in_window(medication_started: datetime, planned_for: datetime) -> bool:
    after = planned_for - medication_started
    return (INTEGRATION_AFTER_MIN - INTEGRATION_SLACK <= after
            <= INTEGRATION_AFTER_MAX + INTEGRATION_SLACK)


def check_schedule(kind: str, when: datetime, *, course_ended: bool, medication_scheduled: int,
                   planned_sessions: int, has_unpaired_medication: bool) -> None:
    """May a session of ``kind`` be added to the course at ``when``?"""
    if course_ended:
        raise NotAllowed("this course has ended")
    if when.tzinfo is None:
        raise InvalidInput("scheduled_for", "the time needs a time zone")
    if kind == SessionKind.INTEGRATION and not has_unpaired_medication:
        raise NotAllowed("an integration session follows a medication session; "
                         "schedule the medication session first")
    if kind == SessionKind.MEDICATION and medication_scheduled >= planned_sessions:
        raise NotAllowed(f"the course plans {planned_sessions} medication sessions; "
                         "all are scheduled")


def check_reschedule(started: bool, *, when: datetime | None = None,
                     follows: datetime | None = None) -> None:
    """May a session move to ``when``? Not once started; and an integration session that
    ``follows`` a medication session stays within 24-48 hours of it."""
    if started:
        raise NotAllowed("a session that has started keeps its time")
    if follows is not None and when is not None and not integration_in_window(follows, when):
        low, high = integration_hours()
        raise NotAllowed(f"an integration session is held {low}-{high} hours after its "
                         f"medication session")
