"""The integration session: the medication session's record on the left, the integration
notes on the right. Enter on a moment of the medication session quotes it into the note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.kinds import NoteKind
from kapdesk.domain.review import timeline_entries
from kapdesk.domain.sharing import is_private, quote, quoting_kind
from kapdesk.domain.timeutil import Clock, local, nearest, parse_instant
from kapdesk.practice.course import schedule_medication_with_integration
from kapdesk.practice.integration import add_follow_up, open_integration, start_integration
from kapdesk.practice.live import next_medication_session
from kapdesk.practice.queries import (
    Database,
    course_numbers,
    follow_ups,
    load_session,
    open_course,
)
from kapdesk.practice.session import end_session
from kapdesk.ui.confirm import confirmed
from kapdesk.ui.drafts import DraftKeeper
from kapdesk.ui.models import when
from kapdesk.ui.ops import Change, follow_changes, run_op
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import (
    ElidedLabel,
    label,
    pressed_focused_button,
    show_current_when_laid_out,
)


class MomentList(QListWidget):
    quote = Signal(int)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.quote.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class NoteEditor(QPlainTextEdit):
    commit = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.commit.emit()
            return
        super().keyPressEvent(event)


class IntegrationWindow(QMainWindow):
    closed = Signal()

    def __init__(self, db: Database, session_id: int, clock: Clock) -> None:
        super().__init__()
        keep_on_screen(self)
        self.db, self.clock = db, clock
        session = open_integration(db, session_id)
        self.record = load_session(db, session_id)
        self.medication = load_session(db, session["medication_session_id"])
        self.resize(1280, 720)
        client = self.record.client["display_name"]
        number = session["number"] or ""
        self.setWindowTitle(f"kapdesk · Integration session {number}".strip())
        course = course_numbers(db, session["client_id"]).get(session["course_id"])
        of_course = f" · course {course}" if course else ""  # over several, which one

        # The header never widens the window past a laptop's screen (a long name, a course
        # and "Planned for …; not started yet" made it 1352 px, found by a first-time user):
        # the title ends in … and the status line wraps.
        self.title = ElidedLabel(f"{client} · Integration session {number}".strip()
                                 + of_course, "title")
        self.status = label(name="statusLine", wrap=True)
        self.start_button = QPushButton("Start integration session")
        self.start_button.clicked.connect(self.start)
        self.end_button = QPushButton("End integration session")
        self.end_button.clicked.connect(self.end)
        self.back_button = back = QPushButton("Back to practice")
        back.clicked.connect(self.close)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(20)
        header.addWidget(self.status, 1)
        header.addWidget(self.start_button)
        header.addWidget(self.end_button)
        header.addWidget(back)

        m = self.medication.session
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(label(f"Medication session {m['number'] or ''}{of_course} · "
                                    f"{when(m['started_at'])}", "section"))
        if m["intention"]:
            left_layout.addWidget(label(f"Intention: {m['intention']}", "muted", wrap=True))
        self.moments = MomentList()
        self.moments.setWordWrap(True)
        self.moments.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._entries = timeline_entries(self.medication)
        for entry in self._entries:
            self.moments.addItem(f"{local(entry.at):%H:%M}  {entry.text}")
        self.moments.quote.connect(self.quote_moment)
        self.moments.itemDoubleClicked.connect(lambda item: self.quote_moment(
            self.moments.row(item)))
        left_layout.addWidget(self.moments, 1)
        left_layout.addWidget(label("Enter or double-click quotes a moment into your note.",
                                    "muted"))

        self.editor = NoteEditor()
        self.editor.setPlaceholderText("Integration note: what came up, what it means now. "
                                       "Ctrl+Enter saves it.")
        self.editor.commit.connect(self.save_note)
        self.editor.setTabChangesFocus(True)  # Tab moves on, as everywhere else
        self.save_button = QPushButton("Save note  Ctrl+Enter")
        self.save_button.clicked.connect(self.save_note)
        self.draft_state = label(name="muted")
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText("A follow-up action, e.g. journal each morning this "
                                          "week; Enter adds it")
        self.follow_up.returnPressed.connect(self.add_follow_up)
        self.follow_list = QListWidget()
        self.follow_list.setMaximumHeight(90)
        self.next_at = QDateTimeEdit(QDateTime(datetime.combine(
            local(clock.now()).date() + timedelta(days=7), time(10, 0))))
        self.next_at.setDisplayFormat("ddd dd MMM yyyy, HH:mm")
        self.next_at.setCalendarPopup(True)
        self.schedule_button = QPushButton("Schedule next medication session")
        self.schedule_button.clicked.connect(self.schedule_next)
        self.next_line = label(name="muted")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(label("Integration note", "section"))
        right_layout.addWidget(self.editor, 2)
        row = QHBoxLayout()
        row.addWidget(self.draft_state, 1)
        row.addWidget(self.save_button)
        right_layout.addLayout(row)
        right_layout.addWidget(label("Notes of this session", "section"))
        right_layout.addWidget(self.notes, 1)
        right_layout.addWidget(label("Follow-up actions", "section"))
        right_layout.addWidget(self.follow_up)
        right_layout.addWidget(self.follow_list)
        right_layout.addWidget(label("Next session", "section"))
        next_row = QHBoxLayout()
        next_row.addWidget(self.next_at, 1)
        next_row.addWidget(self.schedule_button)
        right_layout.addLayout(next_row)
        right_layout.addWidget(self.next_line)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 700])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.addLayout(header)
        layout.addWidget(split, 1)
        self.setCentralWidget(body)

        self.draft = DraftKeeper(db, self.editor, self.draft_state, now=clock.now,
                                 kind=self.note_kind)
        self.quotes_private = False
        draft = self.draft.restore(session_id)
        self.quotes_private = bool(draft and is_private(draft["kind"]))
        follow_changes(self, self.reload, lambda change: change.touches_session(session_id))
        self.reload()
        if not self.started:  # Enter starts it; nothing else is open to typing yet
            self.start_button.setFocus()
        else:  # the moments to quote, not "End integration session" (found by a first-time
            self.moments.setFocus()  # user: Enter on opening asked to end it)

    @property
    def started(self) -> bool:
        return bool(self.record.session["started_at"])

    @property
    def ended(self) -> bool:
        return bool(self.record.session["ended_at"])

    def reload(self) -> None:
        self.record = load_session(self.db, self.record.id)
        self.notes.clear()
        for note in self.record.notes:
            private = "Private: " if is_private(note["kind"]) else ""
            self.notes.addItem(f"{local(parse_instant(note['at'])):%H:%M}  {private}"
                               f"{note['body']}")
        self.follow_list.clear()
        for item in follow_ups(self.db, self.record.id):
            self.follow_list.addItem(f"• {item['action']}")
        upcoming = next_medication_session(self.db, self.record.session["client_id"])
        if upcoming is None:
            self.next_line.setText("No medication session scheduled yet.")
        else:  # a date gone by is said as such, not as "next" (found by a first-time user)
            planned = upcoming["scheduled_for"]
            past = bool(planned) and parse_instant(planned) < self.clock.now()
            self.next_line.setText(f"Next medication session: {when(planned)}"
                                   + (" (that date has passed; it was not held)" if past
                                      else ""))
        for widget in (self.editor, self.save_button, self.follow_up, self.next_at,
                       self.schedule_button, self.end_button):
            widget.setEnabled(self.started and not self.ended)
        self.start_button.setVisible(not self.started)
        self.end_button.setVisible(self.started)
        if self.ended:
            self.status.setText(f"Ended {when(self.record.session['ended_at'])}")
        elif not self.started:
            self.status.setText(f"Planned for {when(self.record.session['scheduled_for'])}; "
                                "not started yet")

    def show_note_at(self, at: datetime) -> None:
        """A search result opened here: its note chosen and, once laid out, in view."""
        row = nearest([parse_instant(note["at"]) for note in self.record.notes], at)
        if row is not None:
            self.notes.setCurrentRow(row)
            show_current_when_laid_out(self.notes)

    def quote_moment(self, row: int) -> None:
        if self.ended:
            return
        entry = self._entries[row]
        cursor = self.editor.textCursor()
        if self.editor.toPlainText() and not self.editor.toPlainText().endswith("\n"):
            cursor.insertText("\n")
        cursor.insertText(quote(entry.at, entry.text) + "\n")
        if entry.private and not self.quotes_private:
            self.quotes_private = True
            self.draft.save_now()  # the draft keeps the private kind too
            self.status.setText("This note quotes a private process note, so it will be "
                                "kept private: never shared or exported.")
        self.editor.setFocus()

    def note_kind(self) -> str:
        return quoting_kind(NoteKind.INTEGRATION, self.quotes_private)

    def save_note(self) -> None:
        private = self.quotes_private
        if self.draft.commit():
            self.quotes_private = False
            self.status.setText("✓ Integration note saved" + (" as private" if private else ""))

    def _run(self, op: Callable[[], object]) -> bool:
        """Write; a refusal is said in the status line, and the window refreshes from the
        change it announces."""
        return run_op(op, show=lambda refusal: self.status.setText(refusal.text),
                      change=Change(client_id=self.record.session["client_id"],
                                    session_id=self.record.id)).ok

    def add_follow_up(self) -> None:
        if self._run(lambda: add_follow_up(self.db, self.record.id, self.follow_up.text())):
            self.follow_up.clear()

    def schedule_next(self) -> None:
        def schedule() -> object:
            course = open_course(self.db, self.record.session["client_id"])
            if course is None:
                raise KapdeskError("there is no course in progress to schedule into")
            when_at = self.next_at.dateTime().toPython().astimezone()
            return schedule_medication_with_integration(self.db, course["id"], when_at)

        if self._run(schedule):
            self.status.setText("✓ Next medication session scheduled, with its integration")

    def start(self) -> None:
        if self._run(lambda: start_integration(self.db, self.record.id, at=self.clock.now())):
            self.status.setText("✓ Integration session started")
            self.moments.setFocus()

    def end(self) -> None:
        """Asked first: ending it for good was one Enter on a focused button."""
        if not confirmed(self, "End the integration session",
                         "End the integration session now? Its notes and follow-ups stay; "
                         "nothing more can be written in it, nor the next medication "
                         "session scheduled from it.",
                         go="End session", stay="Keep it open"):
            return
        if self.editor.toPlainText().strip():
            self.save_note()
        self._run(lambda: end_session(self.db, self.record.id, at=self.clock.now()))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Esc leaves, as from a review (the note being written is kept as a draft); from a
        note with text in it, the first Esc only leaves the typing. Enter presses a focused
        button ("Back to practice" was reached by Tab and then did nothing)."""
        if event.key() == Qt.Key.Key_Escape:
            if self.focusWidget() is self.editor and self.editor.toPlainText().strip():
                self.moments.setFocus()
            else:
                self.close()
        elif not pressed_focused_button(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.draft.flush()
        self.closed.emit()
        super().closeEvent(event)
