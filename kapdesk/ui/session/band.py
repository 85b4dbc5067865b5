"""The timeline band: planned and actual phases across the whole session, a now-line, doses,
prompts, and markers for vitals, events, notes and music. Hover or click shows a detail.

Everything the band draws, and every marker's hit area, is laid out once when its state (the
record, the clock, the size) changes; painting only draws that layout, so a repaint never
rebuilds the timeline and hovering finds the markers the screen shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from kapdesk.domain.past_timings import PastTimings
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.thresholds import Verdict
from kapdesk.domain.timeline import Timeline
from kapdesk.domain.timeutil import format_duration, local, parse_instant
from kapdesk.domain.vitals import CHECKPOINT_LABELS, vitals_text
from kapdesk.domain.vitals_schedule import schedule
from kapdesk.domain.vocabulary import ADVERSE_EVENTS, EVENT_KINDS, NOTE_KINDS
from kapdesk.ui.theme import COLORS, STATUS_COLORS

PHASE_COLORS = ["#2f3b48", "#33414f", "#3a4656", "#3c4f5e", "#3d5a66", "#42556a", "#3b4a5c",
                "#344250"]
ROWS = {"planned": (18, 10), "actual": (34, 24), "doses": (62, 14), "vitals": (82, 12),
        "events": (100, 12), "notes": (118, 12), "music": (136, 8)}


LABEL_PX = 14  # the band's row names and times: secondary text, never below 14 px


@dataclass(frozen=True)
class Marker:
    rect: QRectF
    at: datetime
    text: str


@dataclass(frozen=True)
class Shape:
    """One thing to draw: a rounded ``span``, a ``dot``/``square``/``ring``, a ``line`` or a
    ``text``."""

    kind: str
    rect: QRectF
    color: str
    opacity: float = 1.0
    width: float = 1.0
    text: str = ""
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    dashed: bool = False


@dataclass
class BandLayout:
    start: datetime
    end: datetime
    shapes: list[Shape] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)


class TimelineBand(QWidget):
    selected = Signal(object)  # the instant of the chosen marker
    missed = Signal()  # a click that hit no marker

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(158)
        self.setMouseTracking(True)
        self.record: SessionRecord | None = None
        self.now: datetime | None = None
        self.layout_: BandLayout | None = None
        self.past: PastTimings | None = None  # this client's earlier sessions, marked faintly
        self._hide_details = False
        self._highlight: datetime | None = None  # a moment chosen in review

    @property
    def markers(self) -> list[Marker]:
        return self.layout_.markers if self.layout_ else []

    @property
    def highlight(self) -> datetime | None:
        return self._highlight

    @highlight.setter
    def highlight(self, at: datetime | None) -> None:
        self._highlight = at
        self.update()

    @property
    def hide_details(self) -> bool:
        return self._hide_details

    @hide_details.setter
    def hide_details(self, hide: bool) -> None:
        self._hide_details = hide
        self._relayout()

    def set_state(self, record: SessionRecord, now: datetime) -> None:
        self.record, self.now = record, now
        self._relayout()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        timeline = (self.record.timeline(self.now)
                    if self.record is not None and self.now is not None else None)
        self.layout_ = (_Layout(self, self.record, timeline, self.now).build()
                        if self.record is not None and timeline is not None
                        and self.now is not None else None)
        self.update()

    def x_of(self, instant: datetime) -> float:
        if self.layout_ is None:
            return 0.0
        return _x(self.layout_.start, self.layout_.end, self.width(), instant)

    # painting -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        if self.layout_ is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(COLORS["panel"]))
        small = QFont(self.font())
        small.setPixelSize(LABEL_PX)
        painter.setFont(small)
        for shape in self.layout_.shapes:
            _draw(painter, shape)
        bottom = self.height() - 18
        if self.highlight is not None:
            x = self.x_of(self.highlight)
            _draw(painter, Shape("line", QRectF(QPointF(x, 12), QPointF(x, bottom)),
                                 COLORS["incomplete"], dashed=True))
        if self.now is not None:
            x = self.x_of(self.now)
            _draw(painter, Shape("line", QRectF(QPointF(x, 12), QPointF(x, bottom)),
                                 COLORS["text"], width=2))
        painter.end()

    # interaction ----------------------------------------------------------------------
    def marker_at(self, point: QPointF) -> Marker | None:
        hits = [m for m in self.markers if m.rect.adjusted(-4, -4, 4, 4).contains(point)]
        small = [m for m in hits if m.rect.width() <= 16]
        chosen = small or hits
        return chosen[-1] if chosen else None

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        marker = self.marker_at(event.position())
        if marker:
            QToolTip.showText(event.globalPosition().toPoint(), marker.text, self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        marker = self.marker_at(event.position())
        if marker:
            self.selected.emit(marker)
        else:
            self.missed.emit()


def _x(start: datetime, end: datetime, width: int, instant: datetime) -> float:
    left, span = 70.0, max(width - 90.0, 10.0)
    return left + span * (instant - start).total_seconds() / (end - start).total_seconds()


def _draw(painter: QPainter, shape: Shape) -> None:
    painter.save()
    painter.setOpacity(shape.opacity)
    if shape.kind == "text":  # cut to the room it has with an ellipsis, never mid-letter
        painter.setPen(QColor(shape.color))
        text = painter.fontMetrics().elidedText(shape.text, Qt.TextElideMode.ElideRight,
                                                int(shape.rect.width()))
        painter.drawText(shape.rect, shape.align, text)
    elif shape.kind == "ring":  # a reading planned, not taken
        painter.setPen(QPen(QColor(shape.color), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(shape.rect.adjusted(1, 1, -1, -1))
    elif shape.kind == "line":
        painter.setPen(QPen(QColor(shape.color), shape.width,
                            Qt.PenStyle.DashLine if shape.dashed else Qt.PenStyle.SolidLine))
        painter.drawLine(shape.rect.topLeft(), shape.rect.bottomRight())
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(shape.color))
        if shape.kind == "span":
            painter.drawRoundedRect(shape.rect.adjusted(0.5, 0, -0.5, 0), 3, 3)
        elif shape.kind == "square":
            painter.drawRect(shape.rect.adjusted(1, 1, -1, -1))
        else:
            painter.drawEllipse(shape.rect)
    painter.restore()


class _Layout:
    """Lays the band out for one state: the timeline is computed once, here."""

    def __init__(self, band: TimelineBand, record: SessionRecord, timeline: Timeline,
                 now: datetime) -> None:
        self.band, self.record, self.timeline, self.now = band, record, timeline, now
        self.past_marks = self._past_marks()  # made once: the band's end and its marks
        self.width, self.height = band.width(), band.height()
        ended = record.session.get("ended_at")
        self.ended = parse_instant(ended) if ended else None
        if self.ended is not None:  # a finished session: the band ends where the session did
            start, end = self.timeline.started_at, self.ended + timedelta(minutes=10)
        else:
            planned = max((ts.planned_end or ts.planned_start) for ts in self.timeline.steps)
            start = self.timeline.started_at
            # A client who usually needs longer than the plan: the band reaches their marks.
            end = max(self.timeline.end, planned, now,
                      *(at for at, _ in self.past_marks)) + timedelta(minutes=10)
        self.out = BandLayout(start, end)

    def x_of(self, instant: datetime) -> float:
        return _x(self.out.start, self.out.end, self.width, instant)

    def build(self) -> BandLayout:
        shapes, markers, ended = self.out.shapes, self.out.markers, self.ended
        for name, (y, h) in ROWS.items():  # centred on the row, as tall as the text needs
            shapes.append(Shape("text", QRectF(6, y + h / 2 - 9, 62, 18), COLORS["muted"],
                                text=name))
        self._ticks()
        for index, ts in enumerate(self.timeline.phases()):
            if ended is not None and ts.start >= ended:
                continue  # a phase that never happened: the client left before it
            color = QColor(PHASE_COLORS[index % len(PHASE_COLORS)])
            self._span("planned", ts.planned_start, ts.planned_end, color, 0.55)
            if ts.skipped:
                continue  # planned, but the dose came first: nothing to draw as it happened
            fill = QColor(color)
            if not ts.confirmed:
                fill.setAlpha(90)
            stop = min(ts.end, ended) if ended is not None and ts.end else ts.end
            rect = self._span("actual", ts.start, stop, fill, 1.0)
            if rect.width() > 60:
                shapes.append(Shape("text", rect.adjusted(4, 0, -2, 0),
                                    COLORS["text"] if ts.confirmed else COLORS["muted"],
                                    text=ts.step.label))
            markers.append(Marker(rect, ts.start, f"{ts.step.label}: "
                                  f"{_hm(ts.start)}–{_hm(ts.end) if ts.end else ''}"
                                  + ("" if ts.confirmed else " (expected)") + _moved(ts.moved)))
        for ts in self.timeline.steps:
            if ts.step.kind == "prompt" and (ended is None or ts.start <= ended):
                x = self.x_of(ts.start)
                shapes.append(Shape("line", QRectF(QPointF(x, 34), QPointF(x, 58)),
                                    COLORS["incomplete"], width=1.5))
                markers.append(Marker(QRectF(x - 4, 34, 8, 24), ts.start,
                                      f"{ts.step.label} at {_hm(ts.start)}"))
        for dose in self.record.doses:
            x = self.x_of(dose.given_at)
            shapes.append(Shape("line", QRectF(QPointF(x, 30), QPointF(x, 76)),
                                COLORS["accent"], width=2))
            shapes.append(Shape("text", QRectF(x + 3, 60, 60, 18), COLORS["accent"],
                                text="B" if dose.is_booster else "D"))
            markers.append(Marker(QRectF(x - 5, 60, 10, 16), dose.given_at,
                                  f"{'Booster' if dose.is_booster else 'Dose'} "
                                  f"{dose.mg:g} mg at {_hm(dose.given_at)}"))
        self._markers()
        self._planned_readings()
        self._past()
        return self.out

    def _planned_readings(self) -> None:
        """The readings the protocol asks for and that are not taken: a ring at the time
        each is due, amber once missed (quiet: it never blinks and never sounds); none
        after the discharge, when the client was no longer there to be measured."""
        for due in schedule(self.record, self.timeline, self.now):
            if due.state == "taken":
                continue  # its reading's own dot is there
            if self.ended is not None and due.at > self.ended:
                continue
            y, h = ROWS["vitals"]
            x = self.x_of(due.at)
            rect = QRectF(x - h / 2, y, h, h)
            color = COLORS["incomplete"] if due.state == "missed" else COLORS["muted"]
            self.out.shapes.append(Shape("ring", rect, color,
                                         opacity=0.6 if due.state == "skipped" else 1.0))
            said = {"missed": "missed", "skipped": f"skipped: {due.reason}",
                    "due": "due now", "upcoming": "planned"}[due.state]
            self.out.markers.append(Marker(rect, due.at, f"{due.step.label} at "
                                                         f"{_hm(due.at)}: {said}"))

    def _past_marks(self) -> list[tuple[datetime, str]]:
        """Where this client's earlier sessions peaked, came back and were ready to leave,
        counted from this session's dose (or the planned one), with what each mark says."""
        past = self.band.past
        first = self.timeline.first_dose or next(
            (ts.start for ts in self.timeline.steps if ts.step.start.anchor == "dose"),
            None)
        last = self.timeline.last_dose or first
        if past is None or first is None or last is None:
            return []
        same: dict[tuple[datetime, str], list[str]] = {}  # one mark where sessions agree
        for session in past.sessions:
            when = f"session {session.number}, {session.day}" if session.number else \
                session.day
            for minutes, anchor, what in (
                    (session.peak_bp, first, "BP peaked {} min after the dose"),
                    (session.returned, last, "back {} min after the last dose"),
                    (session.ready, last, "ready to leave {} min after the last dose")):
                if minutes is not None:
                    key = (anchor + timedelta(minutes=minutes), what.format(minutes))
                    same.setdefault(key, []).append(when)
        return [(at, f"Earlier: {what} ({'; '.join(whens)})")
                for (at, what), whens in same.items()]

    def _past(self) -> None:
        """Quiet marks across the planned row: seen when looked for, never louder than the
        session's own markers."""
        y, h = ROWS["planned"]
        for at, text in self.past_marks:
            x = self.x_of(at)
            self.out.shapes.append(Shape("line", QRectF(QPointF(x, y - 6), QPointF(x, y + h)),
                                         COLORS["text"], opacity=0.6, width=2))
            self.out.markers.append(Marker(QRectF(x - 4, y - 4, 8, h + 4), at, text))

    def _markers(self) -> None:
        for judged in self.record.readings:
            verdict: Verdict | None = judged.verdict
            status = verdict.status if verdict else "within"
            text = (f"{CHECKPOINT_LABELS[judged.reading.checkpoint]} vitals "
                    f"{_hm(judged.reading.taken_at)}: " + vitals_text(judged.reading.values())
                    + (f" — {verdict.describe()}" if verdict else ""))
            self._dot("vitals", judged.reading.taken_at, STATUS_COLORS[status], text)
        for event in self.record.events:
            when = parse_instant(event["at"])
            color = COLORS["incomplete"] if event["kind"] in ADVERSE_EVENTS else COLORS["muted"]
            label = EVENT_KINDS.get(event["kind"], event["kind"])
            self._dot("events", when, color,
                      f"{_hm(when)} {label}" + (f": {event['detail']}" if event["detail"] else ""),
                      square=True)
        for note in self.record.notes:
            when = parse_instant(note["at"])
            kind = NOTE_KINDS[note["kind"]]
            text = (f"{_hm(when)} {kind} note" if self.band.hide_details
                    else f"{_hm(when)} {kind}: {note['body'][:120]}")
            self._dot("notes", when, COLORS["text"], text)
        for play in self.record.music_plays:
            begin = parse_instant(play["started_at"])
            stop = parse_instant(play["stopped_at"]) if play["stopped_at"] else self.now
            rect = self._span("music", begin, stop, QColor("#6a84a3"), 1.0,
                              min_width=6)  # a track skipped after seconds still shows
            self.out.markers.append(Marker(rect, begin, f"{_hm(begin)} ♪ {play['title']}"))

    def _ticks(self) -> None:
        """A line and a label every half hour; every ten minutes on a band of an hour or
        less (a session discharged early showed a single "0:00")."""
        every = 10 if self.out.end - self.out.start <= timedelta(hours=1) else 30
        minute = 0
        while self.out.start + timedelta(minutes=minute) <= self.out.end:
            x = self.x_of(self.out.start + timedelta(minutes=minute))
            self.out.shapes.append(Shape("line", QRectF(QPointF(x, 14),
                                                        QPointF(x, self.height - 18)),
                                         COLORS["line"]))
            self.out.shapes.append(Shape("text", QRectF(x - 30, self.height - 19, 60, 18),
                                         COLORS["muted"], align=Qt.AlignmentFlag.AlignCenter,
                                         text=format_duration(timedelta(minutes=minute))[:-3]))
            minute += every

    def _span(self, row: str, begin: datetime, stop: datetime | None, color: QColor,
              opacity: float, min_width: float = 2) -> QRectF:
        y, h = ROWS[row]
        left = self.x_of(begin)
        right = self.x_of(stop) if stop else left + 2
        right = min(right, self.width - 20.0)  # what lies beyond the band's span is cut
        rect = QRectF(left, y, max(right - left, min_width), h)
        self.out.shapes.append(Shape("span", rect, color.name(QColor.NameFormat.HexArgb),
                                     opacity))
        return rect

    def _dot(self, row: str, when: datetime, color: str, text: str, *,
             square: bool = False) -> None:
        y, h = ROWS[row]
        x = self.x_of(when)
        rect = QRectF(x - h / 2, y, h, h)
        self.out.shapes.append(Shape("square" if square else "dot", rect, color))
        self.out.markers.append(Marker(rect, when, text))


def _hm(instant: datetime) -> str:
    return local(instant).strftime("%H:%M")


def _moved(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f" ({minutes:+d} min from plan)" if minutes else ""

