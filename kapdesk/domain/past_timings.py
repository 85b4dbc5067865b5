"""How this client's own earlier sessions went, in minutes from the dose: when blood
pressure peaked (of the mid-session readings), when they came back (eye mask off, or
talking), and when they were ready to leave. The pre-flight says it in one line; the band
marks it faintly.

Minutes, not clock times: the marks are placed from this session's own dose, so a session
that started late still shows them where they belong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import local, parse_instant, whole_minutes

RETURN_EVENTS = ("mask_off", "talking")  # the first sign of being back in the room


@dataclass(frozen=True)
class PastSession:
    number: int | None
    day: str  # the local date it took place, for a tooltip
    peak_bp: int | None  # minutes after the first dose
    returned: int | None  # minutes after the last dose
    ready: int | None  # minutes after the last dose: a cleared discharge


@dataclass(frozen=True)
class PastTimings:
    sessions: tuple[PastSession, ...]  # newest first

    def line(self) -> str:
        """E.g. "Last 3 sessions: ready to leave 140–155 min after the last dose; BP peaked
        35–45 min after the dose"; "" with nothing to say."""
        parts = []
        for label, values, anchor in (
                ("ready to leave", [s.ready for s in self.sessions], "the last dose"),
                ("BP peaked", [s.peak_bp for s in self.sessions], "the dose"),
                ("back (mask off or talking)", [s.returned for s in self.sessions],
                 "the last dose")):
            known = [v for v in values if v is not None]
            if known:
                low, high = min(known), max(known)
                span = f"{low}" if low == high else f"{low}–{high}"
                parts.append(f"{label} {span} min after {anchor}")
        if not parts:
            return ""
        count = len(self.sessions)
        head = "Last session" if count == 1 else f"Last {count} sessions"
        return f"{head}: " + "; ".join(parts)


def past_timings(records: Sequence[SessionRecord], *, limit: int = 3) -> PastTimings:
    """From the client's earlier medication sessions (any order), the ``limit`` latest that
    ended with a dose given."""
    done = [r for r in records if r.doses and r.session.get("ended_at") and r.started_at]
    done.sort(key=lambda r: r.started_at or r.doses[0].given_at, reverse=True)
    return PastTimings(tuple(_one(r) for r in done[:limit]))


def _one(record: SessionRecord) -> PastSession:
    first, last = record.doses[0].given_at, record.doses[-1].given_at
    # Mid-session readings only: the discharge reading is the last, not the peak, and a
    # session without one has no peak to tell.
    after = [r for r in record.readings if r.reading.systolic is not None
             and r.reading.checkpoint == "other" and r.reading.taken_at >= first]
    peak = max(after, key=lambda r: (r.reading.systolic or 0, -r.reading.taken_at.timestamp()),
               default=None)
    back = min((parse_instant(e["at"]) for e in record.events
                if e["kind"] in RETURN_EVENTS and parse_instant(e["at"]) >= last), default=None)
    discharge = record.discharge
    ready = (whole_minutes(parse_instant(discharge["at"]) - last)
             if discharge and discharge["cleared"] else None)
    started = record.started_at
    return PastSession(
        number=record.session.get("number"),
        day=local(started).strftime("%d %b") if started else "",
        peak_bp=whole_minutes(peak.reading.taken_at - first) if peak else None,
        returned=whole_minutes(back - last) if back else None,
        ready=ready)
