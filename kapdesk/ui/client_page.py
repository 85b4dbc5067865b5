"""The right side of the practice window: one client's card, course, outcomes and history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.course import course_held
from kapdesk.domain.orders import describe_order
from kapdesk.domain.screening import CONTRAINDICATIONS
from kapdesk.domain.thresholds import describe_bounds
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.practice.queries import (
    Database,
    course_numbers,
    course_sequence,
    current_order,
    exports_for_client,
    latest_course,
    latest_screening,
    order_history,
    outcomes,
    threshold_history,
)
from kapdesk.ui.models import OutcomesModel, SessionsModel
from kapdesk.ui.widgets import label, restyle, show_current_when_laid_out, table


class ClientCard(QFrame):
    """Who the client is and what the prescriber decided, with what is still missing."""

    action = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("panel")
        # Grow to the wrapped text's height instead of clipping a warning's second line.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        top = QHBoxLayout()
        self.name = label(name="title", wrap=True)  # a long name wraps, never widens
        self.archived = label("archived", "badge")
        top.addWidget(self.name, 1)
        top.addWidget(self.archived, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (("edit", "Edit details"), ("order", "Order…"),
                          ("thresholds", "Thresholds…"), ("screening", "Screening…"),
                          ("emergency", "Emergency card  F2")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.action.emit(k))
            self.buttons[key] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.details = label(name="muted", wrap=True)
        self.thresholds = label(wrap=True)
        self.order = label(name="muted", wrap=True)
        self.screening = label(wrap=True)
        for widget in (self.details, self.thresholds, self.order, self.screening):
            layout.addWidget(widget)

    def show_client(self, db: Database, client: dict[str, Any] | None) -> None:
        for button in self.buttons.values():
            button.setVisible(client is not None)
        self.archived.setVisible(bool(client and client["archived_at"]))
        if client is None:
            self.name.setText("No client selected")
            for widget in (self.details, self.thresholds, self.order, self.screening):
                widget.clear()
            return
        self.name.setText(client["display_name"])
        ride = client["ride_name"] + (f" · {client['ride_phone']}" if client["ride_phone"] else "")
        parts = [client["pronouns"], f"Prescriber: {client['prescriber_name'] or 'none yet'}",
                 f"Ride home: {ride or 'not recorded'}"]
        self.details.setText("   ·   ".join(p for p in parts if p))
        versions = threshold_history(db, client["id"])
        if versions:
            row, _ = versions[0]
            restyle(self.thresholds, "muted")
            self.thresholds.setText(f"Thresholds v{row['version']} set by {row['set_by']} "
                                    f"on {row['set_on']}")
        else:
            restyle(self.thresholds, "warning")
            self.thresholds.setText("Thresholds needed: enter the prescriber's pre-dose and "
                                    "discharge thresholds before any medication session.")
        order = current_order(db, client["id"])
        restyle(self.order, "muted" if order else "warning")
        self.order.setText(describe_order(order) if order else
                           "Order needed: enter the prescriber's order (medicine, dose, booster, "
                           "minimum stay) before any medication session.")
        screening = latest_screening(db, client["id"])
        if screening and screening["cleared_on"]:
            present = [CONTRAINDICATIONS[k] for k, v in screening["items"].items() if v]
            restyle(self.screening, "muted")
            self.screening.setText(
                f"Screening {screening['screened_on']}, cleared by the prescriber on "
                f"{screening['cleared_on']}" + (f" (noted: {', '.join(present)})"
                                                 if present else ""))
        else:
            restyle(self.screening, "warning")
            self.screening.setText("Screening needed: record the contraindications checklist "
                                   "and the prescriber's clearance before a course."
                                   if not screening else
                                   f"Screening {screening['screened_on']} awaits the "
                                   "prescriber's clearance date.")


class ClientPage(QWidget):
    action = Signal(str)

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.client: dict[str, Any] | None = None
        self.card = ClientCard()
        self.card.action.connect(self.action)

        self.sessions = SessionsModel(self)
        self.session_view = table(self.sessions)
        self.course_line = label(name="muted", wrap=True)
        self.start_course = QPushButton("Start course…")
        self.schedule = QPushButton("Schedule session…")
        self.start_course.clicked.connect(lambda: self.action.emit("course"))
        self.end_course = QPushButton("End course…")
        self.end_course.clicked.connect(lambda: self.action.emit("end_course"))
        self.start_session = QPushButton("Start medication session…  Ctrl+R")
        self.start_session.setObjectName("primary")
        self.start_session.clicked.connect(lambda: self.action.emit("start"))
        self.schedule.clicked.connect(lambda: self.action.emit("schedule"))
        course_tab = QWidget()
        course_layout = QVBoxLayout(course_tab)
        course_layout.setContentsMargins(0, 8, 0, 0)
        # The course line wraps beside the overview buttons; the session buttons have a row
        # of their own, so no text can push the window wider than a laptop screen.
        self.overview = QPushButton("Course overview  Ctrl+G")
        self.overview.clicked.connect(lambda: self.action.emit("overview"))
        self.export = QPushButton("Export course summary…")
        self.export.clicked.connect(lambda: self.action.emit("export"))
        line = QHBoxLayout()
        line.addWidget(self.course_line, 1)
        line.addWidget(self.overview)
        line.addWidget(self.export)
        course_layout.addLayout(line)
        bar = QHBoxLayout()
        bar.addWidget(self.start_session)
        bar.addWidget(self.start_course)
        bar.addWidget(self.schedule)
        bar.addStretch(1)
        bar.addWidget(self.end_course)
        course_layout.addLayout(bar)
        course_layout.addWidget(self.session_view, 1)

        self.outcomes = OutcomesModel(self)
        self.outcome_view = table(self.outcomes)
        record = QPushButton("Record score…")
        record.clicked.connect(lambda: self.action.emit("outcome"))
        outcome_tab = QWidget()
        outcome_layout = QVBoxLayout(outcome_tab)
        outcome_layout.setContentsMargins(0, 8, 0, 0)
        outcome_bar = QHBoxLayout()
        outcome_bar.addWidget(label("PHQ-9 (0-27), GAD-7 (0-21), PCL-5 (0-80) totals",
                                    name="muted", wrap=True), 1)
        outcome_bar.addWidget(record)
        outcome_layout.addLayout(outcome_bar)
        outcome_layout.addWidget(self.outcome_view, 1)

        self.history = label(wrap=True)
        self.history.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(14, 12, 14, 12)
        history_layout.addWidget(self.history, 1)
        # Scrolled: a client with years of orders, thresholds and exports would otherwise
        # make the whole practice window taller than the screen (every tab's height counts).
        history_tab = QScrollArea()
        history_tab.setWidget(history)
        history_tab.setWidgetResizable(True)
        history_tab.setFrameShape(QFrame.Shape.NoFrame)
        history_tab.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible Tab stop

        self.tabs = QTabWidget()
        self.tabs.addTab(course_tab, "Course && sessions")
        self.tabs.addTab(outcome_tab, "Outcome measures")
        self.tabs.addTab(history_tab, "Orders, thresholds && exports")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card)
        layout.addWidget(self.tabs, 1)
        self.show_client(None)

    def show_client(self, client: dict[str, Any] | None) -> None:
        self.client = client
        self.card.show_client(self.db, client)
        self.tabs.setVisible(client is not None)
        if client is None:
            return
        sequence = course_sequence(self.db, client["id"])
        numbers = {s["id"]: s["number"] for s in sequence}
        ordinal = course_numbers(self.db, client["id"])  # "· course 3", over several
        self.sessions.set_rows([{**s, "follows": numbers.get(s["medication_session_id"]),
                                 "course_no": ordinal.get(s["course_id"])}
                                for s in sequence])
        if sequence:  # a long history opens at what comes next, not at its first year
            row = next((i for i, s in enumerate(sequence)
                        if s.get("status") in ("next", "in progress")), len(sequence) - 1)
            self.session_view.selectRow(row)  # chosen too: Tab, then Enter opens it
            show_current_when_laid_out(self.session_view)
        course = latest_course(self.db, client["id"])
        if course:
            done, without_dose = course_held(sequence, course["id"])
            state = f"ended {course['ended_on']}" if course["ended_on"] else "in progress"
            line = (f"Course from {course['started_on']} ({state}): {done} of "
                    f"{course['planned_sessions']} medication sessions done.")
            if without_dose:
                line += f" {without_dose} more ended without a dose."
            if not course["ended_on"] and done >= course["planned_sessions"]:
                line += " All planned are held: End course… closes it."
            self.course_line.setText(line)
        elif (latest_screening(self.db, client["id"]) or {}).get("cleared_on"):
            self.course_line.setText("No course yet. The screening is cleared: start one "
                                     "with Start course… when the client is ready.")
        else:
            self.course_line.setText("No course yet. A course starts after the prescriber "
                                     "has cleared the screening.")
        open_course = bool(course and not course["ended_on"])
        self.start_course.setVisible(not open_course)
        self.end_course.setVisible(open_course)
        self.schedule.setEnabled(open_course)
        self.start_session.setVisible(open_course)
        self.outcomes.set_rows(outcomes(self.db, client["id"]))
        self.history.setText(self._history_html(client["id"]))

    def _history_html(self, client_id: int) -> str:
        lines = ["<b>Prescriber's orders</b>"]
        lines += [f"v{o['version']} · {o['ordered_on']} · {o['dose_mg']:g} mg {o['medicine']}, "
                  f"{o['form']}" + (f" · booster {o['booster_mg']:g} mg" if o["booster_allowed"]
                                    else "") for o in order_history(self.db, client_id)] \
            or ["none yet"]
        lines.append("<br><b>Thresholds</b>")
        lines += [f"v{row['version']} · set by {row['set_by']} on {row['set_on']}<br>"
                  f"&nbsp;&nbsp;pre-dose: {describe_bounds(t.pre_dose)}<br>"
                  f"&nbsp;&nbsp;discharge: {describe_bounds(t.discharge)}"
                  for row, t in threshold_history(self.db, client_id)] or ["none yet"]
        lines.append("<br><b>What left this laptop</b>")
        lines += [f"{local(parse_instant(e['created_at'])):%Y-%m-%d %H:%M} · {e['what']} "
                  f"({e['format']})"
                  f" → {e['file_name']}" + (f" for {e['recipient']}" if e["recipient"] else "")
                  for e in exports_for_client(self.db, client_id)] or ["no exports yet"]
        return "<br>".join(lines)
