"""A client's course at a glance: a row per medication session and charts of the trends.

QtCharts loads only when this window first opens."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import QGridLayout, QMainWindow, QTableView, QVBoxLayout, QWidget

from kapdesk.domain.course_summary import CourseRow
from kapdesk.domain.outcomes import INSTRUMENTS
from kapdesk.practice.queries import Database, client_course_rows, get_client, outcomes
from kapdesk.ui.models import DISPLAY_ROLE, RowsModel
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.theme import COLORS
from kapdesk.ui.widgets import label, show_current_when_laid_out, table

SERIES_COLORS = {"pre": "#7fa8c9", "discharge": "#8fbf9f", "peak": "#d98c7a",
                 "limit": "#d6b36a", "PHQ-9": "#7fa8c9", "GAD-7": "#8fbf9f",
                 "PCL-5": "#c9a3d6"}


def _bp(reading) -> str:
    if reading is None or reading.reading.systolic is None:
        return "—"
    flag = "" if reading.verdict is None or reading.verdict.status == "within" else " ⚑"
    return f"{reading.reading.systolic}/{reading.reading.diastolic}{flag}"


def _hr(reading) -> str:
    return str(reading.reading.heart_rate) if reading and reading.reading.heart_rate else "—"


def courses_said(rows: list[CourseRow]) -> str:
    """Where each course begins in a table numbered across several ("#7" was "Medication
    1 · course 2" everywhere else, found by a first-time user); empty for one course."""
    firsts = list(dict.fromkeys(row.course_id for row in rows))
    if len(firsts) < 2:
        return ""
    labels = row_labels(rows)
    starts = [labels[[row.course_id for row in rows].index(course)] for course in firsts]
    return (f" Numbered across {len(firsts)} courses: "
            + ", ".join(f"course {n} from #{start}" for n, start in enumerate(starts, 1)) + ".")


def row_labels(rows: list[CourseRow]) -> list[str]:
    """What the table's first column and the dose chart call each session: its number in
    the course, or across several courses its place in the whole record (a second course's
    session 1 must not read as the first's)."""
    if len({r.course_id for r in rows}) > 1:
        return [str(i + 1) for i in range(len(rows))]
    return [str(r.number or i + 1) for i, r in enumerate(rows)]


class CourseRowsModel(RowsModel):
    columns = (
        ("#", lambda r: ""),  # from row_labels, in data()
        ("Date", lambda r: r.started_at.astimezone().strftime("%d %b %Y")),
        # a session ended without a dose says so: "0" read as a dose of 0 mg
        ("Dose mg", lambda r: "no dose" if not r.dose_mg else f"{r.dose_mg:g}"
         + (f" (+{r.booster_mg:g})" if r.booster_mg else "")),
        ("Pre-dose BP / HR", lambda r: f"{_bp(r.pre_dose)} / {_hr(r.pre_dose)}"),
        ("Discharge BP / HR", lambda r: f"{_bp(r.discharge)} / {_hr(r.discharge)}"
         + ("  overridden" if r.discharge_overridden else "")),
        ("Peak BP", lambda r: f"{r.peak_systolic}/{r.peak_diastolic}"
         + (" ⚑" if r.peak_breached else "") if r.peak_systolic else "—"),
        ("Adverse events", lambda r: ", ".join(r.adverse) or "none"),
        ("Sedation / dissociation", lambda r: f"{r.sedation or '—'} / "
                                              f"{r.dissociation or '—'}"),
        # One score per instrument, in a fixed order, as the other paired columns are: the
        # names written in each cell ("GAD-7 8  PCL-5 30  PHQ-9 12") were cut off, and the
        # heading fits the last column's room at 1280 px only without spaces.
        ("/".join(INSTRUMENTS), lambda r: " / ".join(
            str(r.scores[name]) if name in r.scores else "—" for name in INSTRUMENTS)
         if r.scores else ""),
    )

    labels: list[str] = []

    def set_rows(self, rows) -> None:
        self.labels = row_labels(list(rows))
        super().set_rows(rows)

    def data(self, index, role=DISPLAY_ROLE):  # plain ints, as RowsModel's: called per cell
        if role == DISPLAY_ROLE and index.column() == 0 and index.isValid():
            return self.labels[index.row()]
        return super().data(index, role)


def _local_midnight_ms(day: str) -> int:
    """Where a score's day (``2026-03-14``) sits on a chart's time axis: the start of that
    day on this laptop's clock. Qt's ``QDateTime.fromString`` took about 0.3 ms a score, a
    third of the overview's opening with a hundred scores; this takes microseconds."""
    return int(datetime.combine(date.fromisoformat(day), time()).timestamp() * 1000)


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    chart.setBackgroundBrush(QColor(COLORS["panel"]))
    chart.setTitleBrush(QColor(COLORS["text"]))
    chart.legend().setLabelColor(QColor(COLORS["muted"]))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _line(name: str, color: str, points, *, dashed: bool = False) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(QColor(color), 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    series.setPen(pen)
    series.setPointsVisible(not dashed)
    for x, y in points:
        if y is not None:
            series.append(x, y)
    return series


def _session_axis(sessions: int) -> QValueAxis:
    """Sessions 1..n along the bottom, a margin each side: a tick for every session in a
    course, every 5th or 10th across years of them, so the numbers never run together."""
    x = QValueAxis()
    x.setRange(0, sessions + 1)
    x.setLabelFormat("%d")  # the session numbers, as in the table's first column
    if sessions <= 14:
        x.setTickCount(sessions + 2)
    else:
        x.setTickType(QValueAxis.TickType.TicksDynamic)
        x.setTickAnchor(0)
        x.setTickInterval(5 if sessions <= 60 else 10)
    return x


def _axes(chart: QChart, *, x_max: int, y_min: float, y_max: float) -> None:
    x = _session_axis(x_max)
    y = QValueAxis()
    y.setRange(y_min, y_max)
    # A tick every 30 (mmHg or bpm): every 15 crowded a laptop-sized chart until Qt cut
    # each label to "…". The unit is in the chart's title, so the axis keeps no title.
    y.setTickCount(int((y_max - y_min) / 30) + 1)
    y.setLabelFormat("%d")
    for axis in (x, y):
        axis.setTruncateLabels(False)
        axis.setLabelsColor(QColor(COLORS["muted"]))
        axis.setTitleBrush(QColor(COLORS["muted"]))
        axis.setGridLineColor(QColor(COLORS["line"]))
        chart.addAxis(axis,
                      Qt.AlignmentFlag.AlignBottom if axis is x else Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(x)
        series.attachAxis(y)


class CourseWindow(QMainWindow):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        client = get_client(db, client_id)
        self.setWindowTitle("kapdesk · Course overview")  # no name for the desktop
        QShortcut(QKeySequence.StandardKey.Close, self, activated=self.close)
        self.resize(1280, 800)
        self.rows = client_course_rows(db, client_id)
        self.model = CourseRowsModel(self)
        view = table(self.model)
        self.table: QTableView | None = None  # the keyboard's place, when sessions exist
        self.model.set_rows(self.rows)
        view.setMaximumHeight(200)

        # Charts only of what there is: with no session held, axes drawn around nothing
        # ("0 1 2", "01 Jan" five times) looked like data (found by a first-time user).
        self.charts = {
            "bp": self.vital_chart("Systolic blood pressure (mmHg)", "systolic", 90,
                                   180, peak=True),
            "hr": self.vital_chart("Heart rate (bpm)", "heart_rate", 40, 130),
            "dose": self.dose_chart(),
        } if self.rows else {}
        scores = outcomes(db, client_id)
        if scores:
            self.charts["outcomes"] = self.outcome_chart(scores)
        grid = QGridLayout()
        for index, chart in enumerate(self.charts.values()):
            chart_view = QChartView(chart)
            chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            chart_view.setMinimumHeight(200)
            grid.addWidget(chart_view, index // 2, index % 2)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.addWidget(label(f"{client['display_name']} · course overview", "title"))
        layout.addWidget(label("Each medication session that took place. ⚑ marks a reading "
                               "outside the prescriber's thresholds; dashed lines are the "
                               "thresholds each session was judged by."
                               + courses_said(self.rows), "muted", wrap=True))
        if self.rows:
            layout.addWidget(view)
            # A long course opens at its latest session, the keyboard's place in the table
            # (Up, Page Up, Ctrl+Home go back through the earlier ones).
            view.setCurrentIndex(self.model.index(len(self.rows) - 1, 0))
            show_current_when_laid_out(view)
            self.table = view
        else:
            view.hide()
            layout.addWidget(label("No medication session has taken place yet: the "
                                   "sessions, vitals and doses appear here as they are "
                                   "held.", wrap=True))
        layout.addLayout(grid, 1)
        if not self.charts:
            layout.addStretch(1)
        self.setCentralWidget(body)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.table is not None:
            self.table.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Esc puts the overview away: one key, whatever has the focus inside it."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def vital_chart(self, title: str, measure: str, low: int, high: int, *,
                    peak: bool = False) -> QChart:
        """One vital sign per session: pre-dose, discharge (and peak), against the discharge
        maximum of the thresholds each session was judged by."""
        chart = _chart(title)
        n = [(i + 1, r) for i, r in enumerate(self.rows)]

        def value(reading) -> int | None:
            return reading.reading.value(measure) if reading else None

        def limit(row: CourseRow) -> int | None:
            bound = row.thresholds.discharge.get(measure) if row.thresholds else None
            return bound.max if bound else None

        chart.addSeries(_line("pre-dose", SERIES_COLORS["pre"],
                              [(x, value(r.pre_dose)) for x, r in n]))
        chart.addSeries(_line("discharge", SERIES_COLORS["discharge"],
                              [(x, value(r.discharge)) for x, r in n]))
        if peak:
            chart.addSeries(_line("peak", SERIES_COLORS["peak"],
                                  [(x, r.peak_systolic) for x, r in n]))
        chart.addSeries(_line("discharge max", SERIES_COLORS["limit"],
                              [(x, limit(r)) for x, r in n], dashed=True))
        _axes(chart, x_max=max(len(n), 1), y_min=low, y_max=high)
        return chart

    def dose_chart(self) -> QChart:
        chart = _chart("Dose per session (mg)")
        first, booster = QBarSet("dose"), QBarSet("booster")
        first.setColor(QColor(SERIES_COLORS["pre"]))
        booster.setColor(QColor(SERIES_COLORS["limit"]))
        for row in self.rows:
            first.append(row.dose_mg - row.booster_mg)
            booster.append(row.booster_mg)
        series = QStackedBarSeries()
        series.append(first)
        series.append(booster)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        # Categories must differ (a second course's "1" would merge with the first's); with
        # many sessions they are unlabelled and a session axis numbers them instead.
        x.append(row_labels(self.rows))
        y = QValueAxis()
        top = max([r.dose_mg for r in self.rows] + [100])
        y.setRange(0, (int(top * 1.2) // 50 + 1) * 50)
        y.setLabelFormat("%d")
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            axis.setLabelsColor(QColor(COLORS["muted"]))
            axis.setGridLineColor(QColor(COLORS["line"]))
            chart.addAxis(axis, side)
            series.attachAxis(axis)
        if len(self.rows) > 14:
            x.setLabelsVisible(False)
            x.setGridLineVisible(False)
            numbers = _session_axis(len(self.rows))
            numbers.setRange(0.5, len(self.rows) + 0.5)  # centred under the bars
            numbers.setLabelsColor(QColor(COLORS["muted"]))
            numbers.setGridLineVisible(False)
            chart.addAxis(numbers, Qt.AlignmentFlag.AlignBottom)
        return chart

    def outcome_chart(self, rows: list[dict]) -> QChart:
        chart = _chart("Outcome scores")
        for instrument in ("PHQ-9", "GAD-7", "PCL-5"):
            series = QLineSeries()
            series.setName(instrument)
            series.setPen(QPen(QColor(SERIES_COLORS[instrument]), 2))
            series.setPointsVisible(True)
            for row in rows:
                if row["instrument"] == instrument:
                    series.append(_local_midnight_ms(row["taken_on"]), row["score"])
            chart.addSeries(series)
        x = QDateTimeAxis()
        x.setFormat("dd MMM")  # years of scores: the year, not the day, tells them apart
        if rows and (date.fromisoformat(rows[-1]["taken_on"])
                     - date.fromisoformat(rows[0]["taken_on"])).days > 300:
            x.setFormat("MMM yyyy")
        y = QValueAxis()
        y.setRange(0, 80)
        y.setTickCount(5)
        y.setLabelFormat("%d")
        if rows:
            first = QDateTime.fromMSecsSinceEpoch(_local_midnight_ms(rows[0]["taken_on"]))
            last = QDateTime.fromMSecsSinceEpoch(_local_midnight_ms(rows[-1]["taken_on"]))
            x.setRange(first.addDays(-3), last.addDays(3))
        for axis, side in ((x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft)):
            axis.setLabelsColor(QColor(COLORS["muted"]))
            axis.setGridLineColor(QColor(COLORS["line"]))
            chart.addAxis(axis, side)
            for series in chart.series():
                series.attachAxis(axis)
        return chart
