"""The short check before a medication session starts (issue: live session window)."""

from __future__ import annotations

from dataclasses import dataclass


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
