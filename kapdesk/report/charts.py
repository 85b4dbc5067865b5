"""Print-friendly charts for the course summary, painted into images (no chart widgets, so
the command line can make them without a screen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

WIDTH, HEIGHT = 1800, 560
INK, GRID, MUTED = QColor("#1d2329"), QColor("#d8dee5"), QColor("#5d6773")


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: Sequence[float | None]  # one per x position
    dashed: bool = False
    bars: bool = False


def chart(series: Sequence[Series], labels: Sequence[str], *, low: float, high: float,
          unit: str, family: str) -> QImage:
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(family)
    font.setPixelSize(26)
    painter.setFont(font)
    left, right, top, bottom = 120, WIDTH - 40, 60, HEIGHT - 120
    plot = QRectF(left, top, right - left, bottom - top)
    n = max(len(labels), 1)

    def x_at(i: int) -> float:
        return left + plot.width() * (i + 0.5) / n

    def y_at(v: float) -> float:
        return bottom - plot.height() * (v - low) / (high - low)

    step = (high - low) / 4
    for k in range(5):
        value = low + step * k
        painter.setPen(QPen(GRID, 2))
        painter.drawLine(QPointF(left, y_at(value)), QPointF(right, y_at(value)))
        painter.setPen(MUTED)
        painter.drawText(QRectF(0, y_at(value) - 18, left - 14, 36),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{round(value):d}")
    painter.drawText(QRectF(0, 0, left, 28), Qt.AlignmentFlag.AlignLeft, unit)
    for i, label in enumerate(labels):
        painter.drawText(QRectF(x_at(i) - 60, bottom + 8, 120, 34), Qt.AlignmentFlag.AlignCenter,
                         label)
    bar_sets = [s for s in series if s.bars]
    width = plot.width() / n * 0.5
    base = [0.0] * n
    for s in bar_sets:  # stacked
        for i, value in enumerate(s.values):
            if value:
                rect = QRectF(x_at(i) - width / 2, y_at(base[i] + value), width,
                              y_at(base[i]) - y_at(base[i] + value))
                painter.fillRect(rect, QColor(s.color))
                base[i] += value
    for s in (s for s in series if not s.bars):
        painter.setPen(QPen(QColor(s.color), 5,
                            Qt.PenStyle.DashLine if s.dashed else Qt.PenStyle.SolidLine))
        points = [QPointF(x_at(i), y_at(v)) for i, v in enumerate(s.values) if v is not None]
        for a, b in zip(points, points[1:], strict=False):
            painter.drawLine(a, b)
        if not s.dashed:
            painter.setBrush(QColor(s.color))
            for point in points:
                painter.drawEllipse(point, 8, 8)
    x = left
    for s in series:  # legend
        painter.fillRect(QRectF(x, HEIGHT - 50, 30, 22), QColor(s.color))
        painter.setPen(INK)
        painter.drawText(QRectF(x + 40, HEIGHT - 58, 400, 36), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter,
                         s.name)
        x += 60 + painter.fontMetrics().horizontalAdvance(s.name)
    painter.end()
    return image
