"""The timeline band: planned and actual phases across the whole session, a now-line, doses,
prompts, and markers for vitals, events, notes and music. Hover or click shows a detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from kapdesk.domain.session import SessionRecord
from kapdesk.domain.thresholds import Verdict
from kapdesk.domain.timeutil import format_duration, local, parse_instant
from kapdesk.domain.vitals import CHECKPOINT_LABELS, vitals_text
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


class TimelineBand(QWidget):
    selected = Signal(object)  # the instant of the chosen marker
    missed = Signal()  # a click that hit no marker

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(158)
        self.setMouseTracking(True)
        self.record: SessionRecord | None = None
        self.now: datetime | None = None
        self.markers: list[Marker] = []
        self.hide_details = False
        self.highlight: datetime | None = None  # a moment chosen in review

    def set_state(self, record: SessionRecord, now: datetime) -> None:
        self.record, self.now = record, now
        self.update()

    # geometry -------------------------------------------------------------------------
    def _span(self) -> tuple[datetime, datetime]:
        timeline = self.record.timeline(self.now)
        ended = self._ended_at()
        if ended is not None:  # a finished session: the band ends where the session did
            return timeline.started_at, ended + timedelta(minutes=10)
        planned = max((ts.planned_end or ts.planned_start) for ts in timeline.steps)
        end = max(timeline.end, planned, self.now) + timedelta(minutes=10)
        return timeline.started_at, end

    def _ended_at(self) -> datetime | None:
        ended = self.record.session.get("ended_at")
        return parse_instant(ended) if ended else None

    def x_of(self, instant: datetime) -> float:
        start, end = self._span()
        left, width = 70.0, max(self.width() - 90.0, 10.0)
        return left + width * (instant - start).total_seconds() / (end - start).total_seconds()

    # painting -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        if self.record is None or self.record.started_at is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(COLORS["panel"]))
        self.markers = []
        timeline = self.record.timeline(self.now)
        start, end = self._span()
        small = QFont(self.font())
        small.setPixelSize(LABEL_PX)
        painter.setFont(small)
        painter.setPen(QColor(COLORS["muted"]))
        for name, (y, h) in ROWS.items():  # centred on the row, as tall as the text needs
            middle = y + h / 2
            painter.drawText(QRectF(6, middle - 9, 62, 18), Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter,
                             name)
        self._ticks(painter, start, end)
        ended = self._ended_at()
        for index, ts in enumerate(timeline.phases()):
            if ended is not None and ts.start >= ended:
                continue  # a phase that never happened: the client left before it
            color = QColor(PHASE_COLORS[index % len(PHASE_COLORS)])
            self._span_rect(painter, "planned", ts.planned_start, ts.planned_end, color, 0.55)
            fill = QColor(color)
            if not ts.confirmed:
                fill.setAlpha(90)
            stop = min(ts.end, ended) if ended is not None and ts.end else ts.end
            rect = self._span_rect(painter, "actual", ts.start, stop, fill, 1.0)
            painter.setPen(QColor(COLORS["text"] if ts.confirmed else COLORS["muted"]))
            painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignLeft,
                             ts.step.label if rect.width() > 60 else "")
            self.markers.append(Marker(rect, ts.start, f"{ts.step.label}: "
                                       f"{_hm(ts.start)}–{_hm(ts.end) if ts.end else ''}"
                                       + ("" if ts.confirmed else " (expected)")
                                       + _moved(ts.moved)))
        for ts in timeline.steps:
            if ts.step.kind == "prompt" and (ended is None or ts.start <= ended):
                x = self.x_of(ts.start)
                painter.setPen(QPen(QColor(COLORS["incomplete"]), 1.5))
                painter.drawLine(QPointF(x, 34), QPointF(x, 58))
                self.markers.append(Marker(QRectF(x - 4, 34, 8, 24), ts.start,
                                           f"{ts.step.label} at {_hm(ts.start)}"))
        for dose in self.record.doses:
            x = self.x_of(dose.given_at)
            painter.setPen(QPen(QColor(COLORS["accent"]), 2))
            painter.drawLine(QPointF(x, 30), QPointF(x, 76))
            painter.drawText(QRectF(x + 3, 60, 60, 18), Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter,
                             "B" if dose.is_booster else "D")
            self.markers.append(Marker(QRectF(x - 5, 60, 10, 16), dose.given_at,
                                       f"{'Booster' if dose.is_booster else 'Dose'} "
                                       f"{dose.mg:g} mg at {_hm(dose.given_at)}"))
        for judged in self.record.readings:
            verdict: Verdict | None = judged.verdict
            status = verdict.status if verdict else "within"
            values = judged.reading.values()
            text = (f"{CHECKPOINT_LABELS[judged.reading.checkpoint]} vitals "
                    f"{_hm(judged.reading.taken_at)}: " + vitals_text(values)
                    + (f" — {verdict.describe()}" if verdict else ""))
            self._dot(painter, "vitals", judged.reading.taken_at, STATUS_COLORS[status], text)
        for event in self.record.events:
            when = parse_instant(event["at"])
            color = COLORS["incomplete"] if event["kind"] in ADVERSE_EVENTS else COLORS["muted"]
            label = EVENT_KINDS.get(event["kind"], event["kind"])
            self._dot(painter, "events", when, color,
                      f"{_hm(when)} {label}" + (f": {event['detail']}" if event["detail"] else ""),
                      square=True)
        for note in self.record.notes:
            when = parse_instant(note["at"])
            text = (f"{_hm(when)} {NOTE_KINDS[note['kind']]} note" if self.hide_details
                    else f"{_hm(when)} {NOTE_KINDS[note['kind']]}: {note['body'][:120]}")
            self._dot(painter, "notes", when, COLORS["text"], text)
        for play in self.record.music_plays:
            begin = parse_instant(play["started_at"])
            stop = parse_instant(play["stopped_at"]) if play["stopped_at"] else self.now
            rect = self._span_rect(painter, "music", begin, stop, QColor("#6a84a3"), 1.0,
                                   min_width=6)  # a track skipped after seconds still shows
            self.markers.append(Marker(rect, begin, f"{_hm(begin)} ♪ {play['title']}"))
        if self.highlight is not None:
            x = self.x_of(self.highlight)
            painter.setPen(QPen(QColor(COLORS["incomplete"]), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 12), QPointF(x, self.height() - 18))
        x = self.x_of(self.now)
        painter.setPen(QPen(QColor(COLORS["text"]), 2))
        painter.drawLine(QPointF(x, 12), QPointF(x, self.height() - 18))
        painter.end()

    def _ticks(self, painter: QPainter, start: datetime, end: datetime) -> None:
        painter.setPen(QPen(QColor(COLORS["line"]), 1))
        minute = 0
        while start + timedelta(minutes=minute) <= end:
            x = self.x_of(start + timedelta(minutes=minute))
            painter.drawLine(QPointF(x, 14), QPointF(x, self.height() - 18))
            painter.save()
            painter.setPen(QColor(COLORS["muted"]))
            painter.drawText(QRectF(x - 30, self.height() - 19, 60, 18),
                             Qt.AlignmentFlag.AlignCenter,
                             format_duration(timedelta(minutes=minute))[:-3])
            painter.restore()
            minute += 30

    def _span_rect(self, painter: QPainter, row: str, begin: datetime, stop: datetime | None,
                   color: QColor, opacity: float, min_width: float = 2) -> QRectF:
        y, h = ROWS[row]
        left = self.x_of(begin)
        right = self.x_of(stop) if stop else left + 2
        right = min(right, self.width() - 20.0)  # what lies beyond the band's span is cut
        rect = QRectF(left, y, max(right - left, min_width), h)
        painter.save()
        painter.setOpacity(opacity)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect.adjusted(0.5, 0, -0.5, 0), 3, 3)
        painter.restore()
        return rect

    def _dot(self, painter: QPainter, row: str, when: datetime, color: str, text: str, *,
             square: bool = False) -> None:
        y, h = ROWS[row]
        x = self.x_of(when)
        rect = QRectF(x - h / 2, y, h, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        if square:
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        else:
            painter.drawEllipse(rect)
        self.markers.append(Marker(rect, when, text))

    # interaction ----------------------------------------------------------------------
    def marker_at(self, point: QPointF) -> Marker | None:
        hits = [m for m in self.markers if m.rect.adjusted(-4, -4, 4, 4).contains(point)]
        small = [m for m in hits if m.rect.width() <= 16]
        return (small or hits or [None])[-1]

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


def _hm(instant: datetime) -> str:
    return local(instant).strftime("%H:%M")


def _moved(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f" ({minutes:+d} min from plan)" if minutes else ""

