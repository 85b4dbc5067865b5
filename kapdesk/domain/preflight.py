"""The short check before a medication session starts (issue: live session window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.timeutil import local

# A medication session that ended less than this long ago is named before another starts.
RECENT_DOSE = timedelta(hours=24)


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    fix: str = ""  # what to do when it is not ok


def preflight(*, has_thresholds: bool, has_order: bool, screening_cleared: bool,
              course_open: bool, ride_confirmed: bool, intention: str,
              playlists_exist: bool, playlist_chosen: bool, music: bool = True,
              track_problems: tuple[str, ...] = ()) -> list[Check]:
    """``playlist_chosen`` with ``music`` false is a deliberate choice of silence."""
    checks = [
        Check("Prescriber's thresholds on file", has_thresholds,
              "enter them from the client's card (Thresholds…)"),
        Check("Prescriber's order on file", has_order, "enter it from the client's card (Order…)"),
        Check("Screening cleared by the prescriber", screening_cleared,
              "record it from the client's card (Screening…)"),
        Check("Course in progress", course_open, "start a course first"),
        Check("Ride home confirmed", ride_confirmed, "confirm who drives the client home"),
        Check("Intention written", bool(intention.strip()), "write the client's intention"),
    ]
    if playlists_exist:
        checks.append(Check("Music chosen", playlist_chosen,
                            "choose a playlist, or no music this session"))
    if playlist_chosen and music:
        checks.append(Check("Every track of the playlist opens", not track_problems,
                            "; ".join(track_problems)))
    return checks


def missing(checks: list[Check]) -> list[str]:
    return [f"{c.label.lower()}: {c.fix}" for c in checks if not c.ok]


def cautions(*, last_ended: datetime | None, last_number: int | None,
             integration_held: bool | None, now: datetime, last_dosed: bool = True) -> list[str]:
    """What the pre-flight says before another medication session starts, without stopping
    it (the therapist decides): a dose within the last day, and an integration session
    not yet held for the last one. Found by a first-time user, who started a second
    session for the same client nine minutes after the first, with nothing said."""
    said = []
    session = f"medication session {last_number}" if last_number else "the last medication session"
    # "another dose today?" only after a dose: one that ended without one gave none
    if last_ended is not None and last_dosed and now - last_ended < RECENT_DOSE:
        hours = int((now - last_ended).total_seconds() // 3600)
        when = f"{local(last_ended):%H:%M}" + ("" if local(last_ended).date() == local(now).date()
                                               else " yesterday")
        said.append(f"{session.capitalize()} ended at {when}, "
                    + ("less than an hour ago" if hours < 1 else
                       f"{hours} hour{'s' * (hours != 1)} ago")
                    + ": is another dose today what the prescriber ordered?")
    if integration_held is False:
        said.append(f"The integration session after {session} has not been held yet.")
    return said
