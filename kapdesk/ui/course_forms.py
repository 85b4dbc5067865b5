"""Editors for a course: screening, starting it, scheduling sessions, outcome scores."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from kapdesk.domain.course import course_held
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.domain.outcomes import INSTRUMENTS, check_score
from kapdesk.domain.screening import CONTRAINDICATIONS, clean_screening
from kapdesk.domain.vocabulary import SESSION_KINDS
from kapdesk.practice.course import (
    add_course,
    add_outcome,
    add_screening,
    clashes,
    end_course,
    schedule_in_course,
    schedule_medication_with_integration,
)
from kapdesk.practice.queries import (
    Database,
    course_sequence,
    current_order,
    current_thresholds,
    get_client,
    latest_screening,
    list_sessions,
    open_course,
)
from kapdesk.ui.client_forms import prescriber_options
from kapdesk.ui.forms import FormDialog, combo, line
from kapdesk.ui.integration_hours import IntegrationHoursBox
from kapdesk.ui.models import when
from kapdesk.ui.screen_fit import grow_to_content


class ScreeningDialog(FormDialog):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        client = get_client(db, client_id)
        last = latest_screening(db, client_id)
        super().__init__(
            f"Screening for {client['display_name']}", self._save, parent,
            window_title="Screening",
            intro="Tick any contraindication that is present. The prescriber decides; kapdesk "
                  "records the screening and the date the prescriber cleared the client. A "
                  "course can start only after that clearance.")
        for key, label in CONTRAINDICATIONS.items():
            box = QCheckBox("present")
            box.setChecked(bool(last and last["items"].get(key)))
            self.add(f"item.{key}", label, box)
        # No default date: the screening usually happened days before it is entered, and a
        # default of today would refuse the earlier clearance date typed below it.
        self.add("screened_on", "Screened on",
                 line((last or {}).get("screened_on") or "", "YYYY-MM-DD, the day of screening"))
        self.add("cleared_on", "Prescriber cleared on",
                 line((last or {}).get("cleared_on") or "", "YYYY-MM-DD, once cleared"))
        self.add("cleared_by", "Cleared by", combo(prescriber_options(db),
                                                   client["prescriber_id"]))
        note = QPlainTextEdit((last or {}).get("note", ""))
        note.setTabChangesFocus(True)
        note.setFixedHeight(80)
        note.setPlaceholderText("What was discussed; what the prescriber decided")
        self.add("note", "Note", note)

    @staticmethod
    def _items(values: dict[str, Any]) -> dict[str, bool]:
        return {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("item.")}

    def check(self, values: dict[str, Any]) -> None:
        clean_screening(self._items(values), screened_on=values["screened_on"],
                        cleared_on=values["cleared_on"], note=values["note"])

    def _save(self, values: dict[str, Any]) -> int:
        return add_screening(self.db, self.client_id, items=self._items(values),
                             screened_on=values["screened_on"],
                             cleared_on=values["cleared_on"] or None, note=values["note"],
                             cleared_by_prescriber_id=values["cleared_by"])


class CourseDialog(FormDialog):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        client = get_client(db, client_id)
        super().__init__(f"Start a course for {client['display_name']}", self._save, parent,
                         window_title="Start a course",
                         intro="A course is usually 6-8 medication sessions, each followed by "
                               "an integration session 24-48 hours later.",
                         save_label="Start course")
        self.add("started_on", "Starts on", line(date.today().isoformat(), "YYYY-MM-DD"))
        planned = QSpinBox()
        planned.setRange(1, 30)
        planned.setValue(6)
        self.add("planned_sessions", "Medication sessions planned", planned)
        self.add("note", "Note", line("", "optional"))

    def _save(self, values: dict[str, Any]) -> int:
        return add_course(self.db, self.client_id, **values)


class EndCourseDialog(FormDialog):
    """The course is closed when the work is done (or stops): the practice window read "in
    progress" and offered the next session after 6 of 6, with no way to end it (found by a
    first-time user). What is still planned in it is named before it ends."""

    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        self.course = open_course(db, client_id)
        if self.course is None:
            raise NotAllowed("there is no course in progress to end")
        client = get_client(db, client_id)
        sequence = course_sequence(db, client_id)
        mine = [s for s in sequence if s["course_id"] == self.course["id"]]
        held, _ = course_held(sequence, self.course["id"])  # as the course line counts
        planned = [s for s in mine if not s["started_at"]]
        intro = (f"{held} of {self.course['planned_sessions']} medication sessions held since "
                 f"{self.course['started_on']}. Once ended, no medication session starts in "
                 "this course; a new course can be started later.")
        if planned:
            names = ", ".join(f"{SESSION_KINDS[s['kind']]} {s['number'] or ''}".strip()
                              + f" on {when(s['scheduled_for'])}" for s in planned)
            intro += (f" Still planned in it: {names}. Its medication sessions will then "
                      "read \"not held\"; an integration after a session already held can "
                      "still take place.")
        super().__init__(f"End the course for {client['display_name']}", self._save, parent,
                         window_title="End the course", intro=intro, save_label="End course")
        self.add("ended_on", "Ended on", line(date.today().isoformat(), "YYYY-MM-DD"))

    def _save(self, values: dict[str, Any]) -> None:
        end_course(self.db, self.course["id"], ended_on=values["ended_on"])


SCHEDULE_KINDS = [
    ("Medication session + its integration session", "medication+integration"),
    ("Medication session only", "medication"),
    ("Integration session", "integration"),
    ("Preparation session", "preparation"),
]


class ScheduleDialog(FormDialog):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        self.course = open_course(db, client_id)
        client = get_client(db, client_id)
        missing = [what for what, have in (
            ("the prescriber's thresholds", current_thresholds(db, client_id)),
            ("the prescriber's order", current_order(db, client_id))) if not have]
        super().__init__(f"Schedule a session for {client['display_name']}", self._save,
                         parent, save_label="Schedule", window_title="Schedule a session",
                         intro=("Needed before a medication session can start: "
                                + " and ".join(missing) + ".") if missing else "")
        self.add("kind", "Session", combo(SCHEDULE_KINDS))
        starts = QDateTimeEdit(QDateTime(datetime.combine(date.today() + timedelta(days=1),
                                                          time(10, 0))))
        starts.setDisplayFormat("ddd dd MMM yyyy, HH:mm")
        starts.setCalendarPopup(True)
        self.add("when", "Starts", starts)
        hours = IntegrationHoursBox(" h later")
        hours.set_start(starts.dateTime().toPython().astimezone())
        starts.dateTimeChanged.connect(
            lambda moment: hours.set_start(moment.toPython().astimezone()))
        self.add("integration_after", "Integration", hours)
        self.fields["kind"].currentIndexChanged.connect(
            lambda: hours.setEnabled(self.fields["kind"].currentData() == "medication+integration"))
        # Said, not refused: found by a first-time user, three clients' integration
        # sessions were booked on one hour without a word.
        self.clash = QLabel()
        self.clash.setObjectName("warning")
        self.clash.setWordWrap(True)
        self.add_block(self.clash)
        for signal in (self.fields["kind"].currentIndexChanged, starts.dateTimeChanged,
                       hours.valueChanged):
            signal.connect(self._say_clashes)
        self._say_clashes()

    def _bookings(self) -> list[tuple[str, datetime]]:
        """What Schedule would book: (kind, start) for each session."""
        kind = self.fields["kind"].currentData()
        at = self.fields["when"].dateTime().toPython().astimezone()
        if kind == "medication+integration":
            later = timedelta(hours=self.fields["integration_after"].value())
            return [("medication", at), ("integration", at + later)]
        return [(kind, at)]

    def _say_clashes(self) -> None:
        found = {s["id"]: s for kind, at in self._bookings()
                 for s in clashes(self.db, kind, at)}
        lines = [f"⚑ Already booked then: {s['client_name']}, {SESSION_KINDS[s['kind']]} "
                 f"{s['number'] or ''}".rstrip() + f", {when(s['date'])}"
                 for s in found.values()]
        text = "\n".join(lines[:3]) + (f"\n… and {len(lines) - 3} more" if len(lines) > 3
                                        else "")
        self.clash.setText(text)
        if bool(text) != self.clash.isVisibleTo(self):
            self.clash.setVisible(bool(text))
            grow_to_content(self)  # the warning in view, not scrolled below the fold

    def _save(self, values: dict[str, Any]) -> int:
        if self.course is None:
            raise InvalidInput("kind", "start a course first")
        if values["kind"] == "medication+integration":
            return schedule_medication_with_integration(
                self.db, self.course["id"], values["when"],
                integration_after=timedelta(hours=values["integration_after"]))[0]
        return schedule_in_course(self.db, self.course["id"], values["kind"], values["when"])


class OutcomeDialog(FormDialog):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        client = get_client(db, client_id)
        super().__init__(f"Outcome score for {client['display_name']}", self._save, parent,
                         window_title="Outcome score", intro="The questionnaire's total score.")
        self.add("instrument", "Questionnaire",
                 combo([(f"{name} (0-{high})", name) for name, (_, high) in INSTRUMENTS.items()]))
        self.add("score", "Total", line("", "whole number"))
        self.add("taken_on", "Taken on", line(date.today().isoformat(), "YYYY-MM-DD"))
        sessions = [(f"{SESSION_KINDS[s['kind']]} {s['number'] or ''}".strip()
                     + f" · {s['date'][:10]}", s["id"])
                    for s in list_sessions(db, client_id) if s["started_at"]]
        self.add("session_id", "Belongs to", combo([("No session (e.g. intake)", None)]
                                                   + sessions[::-1]))

    def check(self, values: dict[str, Any]) -> None:
        check_score(values["instrument"], values["score"])

    def _save(self, values: dict[str, Any]) -> int:
        return add_outcome(self.db, self.client_id, values["instrument"], values["score"],
                           taken_on=values["taken_on"], session_id=values["session_id"])
