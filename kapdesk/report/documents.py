"""The prescriber's documents as PDF: a session summary, a course summary with charts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapdesk.export.summary_html import course_summary_html, session_summary_html
from kapdesk.report.pdf import report_font, write_pdf

if TYPE_CHECKING:
    from PySide6.QtGui import QImage


def session_pdf(summary: dict[str, Any], target: Path) -> Path:
    return write_pdf(session_summary_html(summary), target,
                     title=f"Session summary · {summary['client']['display_name']}")


def course_pdf(summary: dict[str, Any], target: Path) -> Path:
    return write_pdf(course_summary_html(summary), target, images=course_charts(summary),
                     title=f"Course summary · {summary['client']['display_name']}")


def course_charts(summary: dict[str, Any]) -> dict[str, QImage]:
    """The course summary's chart images, by the names its page refers to; the PDF and
    the preview of what leaves the laptop show the same ones."""
    # Imported here: a session summary has no charts, and the chart module's first touch
    # of Qt's enums is about a twentieth of the session-PDF command.
    from kapdesk.report.charts import Series, chart

    family = report_font()
    sessions = summary["sessions"]
    labels = [str(s["number"] or i + 1) for i, s in enumerate(sessions)]

    def value(s: dict[str, Any], checkpoint: str, measure: str) -> float | None:
        reading = s[checkpoint]
        return reading[measure] if reading else None

    bp = chart([
        Series("pre-dose SBP", "#3e6f96", [value(s, "pre_dose", "systolic") for s in sessions]),
        Series("discharge SBP", "#2f6b43", [value(s, "discharge", "systolic")
                                            for s in sessions]),
        Series("peak SBP", "#a3321f", [s["peak_bp"]["systolic"] if s["peak_bp"] else None
                                       for s in sessions]),
        Series("discharge HR", "#8a6212", [value(s, "discharge", "heart_rate")
                                           for s in sessions]),
    ], labels, low=40, high=200, unit="mmHg / bpm", family=family)
    dose = chart([
        Series("dose", "#7fa8c9", [s["dose_mg"] - s["booster_mg"] for s in sessions],
               bars=True),
        Series("booster", "#d6b36a", [s["booster_mg"] for s in sessions], bars=True),
    ], labels, low=0, high=(int(max([s["dose_mg"] for s in sessions] + [100]) * 1.25) // 40 + 1)
        * 40, unit="mg", family=family)
    scores = summary["outcome_measures"]
    days = sorted({o["taken_on"] for o in scores})
    score_chart = chart([
        Series(name, color, [next((o["score"] for o in scores if o["taken_on"] == d
                                   and o["instrument"] == name), None) for d in days])
        for name, color in (("PHQ-9", "#3e6f96"), ("GAD-7", "#2f6b43"), ("PCL-5", "#7d4f96"))
    ], [d[5:] for d in days], low=0, high=80, unit="total", family=family)
    return {"bp.png": bp, "dose.png": dose, "scores.png": score_chart}
