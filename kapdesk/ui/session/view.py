"""What the live session window shows, and nothing else: the clocks, the timeline band, the
panel stack, the session log and the discreet page, filled from a stored record and an
instant. The view reads no database and writes nothing; :mod:`kapdesk.ui.session.window`
decides what each key and click does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.live import clock_face
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, Protocol
from kapdesk.domain.review import Entry, timeline_entries
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.timeutil import format_duration, local, nearest, parse_instant
from kapdesk.domain.vocabulary import EVENT_KINDS, RATING_LEVELS, RATING_SCALES
from kapdesk.ui.lock import LockScreen
from kapdesk.ui.session.band import TimelineBand
from kapdesk.ui.session.keys import ACTION_KEYS, EVENT_KEYS
from kapdesk.ui.session.moment_panel import MomentPanel
from kapdesk.ui.widgets import CurrentPageStack, ElidedLabel, restyle

FULL, DISCREET, LOCKED = 0, 1, 2  # the pages


def _label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class SessionView(QWidget):
    def __init__(self, panels: Sequence[QWidget], player: QWidget) -> None:
        super().__init__()
        self.log_entries: list[Entry] = []
        self.title = ElidedLabel(name="title")  # a long name ends in …, never widens
        self.discreet_button = QPushButton("Discreet  H")
        self.lock_button = QPushButton("Lock  Ctrl+L")
        self.emergency_button = QPushButton("Emergency card  F2")
        self.back_button = QPushButton("Back to practice")
        # Shown only while nothing is recorded: the wrong client chosen, a start too soon.
        # Its key is Backspace, the cheat sheet's undo; a longer label left the status line
        # too narrow, and a message there wrapped to four lines and moved the clocks.
        self.take_back_button = QPushButton("Undo start…")
        self.status = _label(name="statusLine")
        self.status.setWordWrap(True)  # a long confirmation wraps; it never widens the window
        # ...and the header keeps room for two lines of it, so it does not move when one
        # wraps (measured in its own, smaller font).
        self.status.setText("\n")
        self.status.ensurePolished()
        self.status.setMinimumHeight(self.status.sizeHint().height())
        self.status.clear()
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(24)
        header.addWidget(self.status, 1)
        self.export_button = QPushButton("Export summary for the prescriber…")
        for button in (self.export_button, self.back_button, self.discreet_button,
                       self.lock_button, self.emergency_button, self.take_back_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # An ended session's export and way back sit above its log (below), so the header
        # keeps room for the title and the confirmation after a discharge.
        header.addWidget(self.take_back_button)
        header.addWidget(self.discreet_button)
        header.addWidget(self.lock_button)
        header.addWidget(self.emergency_button)

        # Since the last dose is the clinically important clock: as large as since start.
        self.elapsed = _label(name="bigClock")
        self.since_dose = _label(name="bigClock")
        self.dose_caption = _label("since dose", "clockCaption")
        self.phase = ElidedLabel(name="phase")
        self.next_step = ElidedLabel(name="nextStep")
        self.later = ElidedLabel(name="secondary")
        self.ratings = ElidedLabel(name="secondary")
        clock_grid = QGridLayout()
        clock_grid.setVerticalSpacing(0)
        clock_grid.addWidget(_label("since start", "clockCaption"), 0, 0)
        clock_grid.addWidget(self.elapsed, 1, 0, 3, 1)
        clock_grid.addWidget(self.dose_caption, 0, 1)
        clock_grid.addWidget(self.since_dose, 1, 1, 3, 1)
        clock_grid.addWidget(self.ratings, 0, 2)
        clock_grid.addWidget(self.phase, 1, 2)
        clock_grid.addWidget(self.next_step, 2, 2)
        clock_grid.addWidget(self.later, 3, 2)
        clock_grid.setColumnStretch(2, 1)
        clock_grid.setHorizontalSpacing(36)

        self.band = TimelineBand()
        # Edits after the fact sit above the session log whose line they act on: no row of
        # their own, so the panels keep the height a vitals verdict needs.
        self.amend_button = QPushButton("Amend…")
        self.amend_button.setToolTip("Amend a note; its first wording stays in the record")
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setToolTip("Correct a reading or a dose by a new entry")
        self.strike_button = QPushButton("Strike out…")
        self.strike_button.setToolTip("Strike out a mis-keyed event, with a reason")
        for button in (self.amend_button, self.correct_button, self.strike_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the session's single keys stay live
            button.setObjectName("smallButton")

        self.moment = MomentPanel()
        self.panels = CurrentPageStack()
        self.panels.setObjectName("panelStack")
        for panel in (*panels, self.moment):
            self.panels.addWidget(panel)

        self.log = QListWidget()
        self.log.setObjectName("sessionLog")
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log.setWordWrap(True)
        self.log.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_head = QHBoxLayout()
        log_head.addWidget(ElidedLabel("This session", "section", whole_or_nothing=True), 1)
        for button in (self.export_button, self.back_button, self.amend_button,
                       self.correct_button, self.strike_button):
            log_head.addWidget(button)
        log_layout.addLayout(log_head)
        log_layout.addWidget(self.log, 1)
        lower = QSplitter()
        lower.addWidget(self.panels)
        lower.addWidget(log_box)
        lower.setSizes([800, 440])  # the panel first: a reading's five fields and verdict
        lower.setChildrenCollapsible(False)

        self.cheatsheet = _label(name="cheatsheet")
        self.cheatsheet.setWordWrap(True)
        self.cheatsheet.setText(cheat_sheet())

        full = QWidget()
        layout = QVBoxLayout(full)
        layout.setContentsMargins(20, 10, 20, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addLayout(clock_grid)
        layout.addWidget(player)
        layout.addWidget(self.band)
        layout.addWidget(lower, 1)
        layout.addWidget(self.cheatsheet)

        discreet = QWidget()
        quiet = QVBoxLayout(discreet)
        quiet.addStretch(1)
        self.plain_clock = _label(name="plainClock")
        self.plain_clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        quiet.addWidget(self.plain_clock)
        hint = _label("press H to return", "muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        quiet.addWidget(hint)
        quiet.addStretch(1)

        self.pages = QStackedWidget()
        # Holds focus in "keys" mode, given by Esc and after each entry; never by a click, so a
        # click on a header button (Lock, Discreet) leaves the field being typed in as it is.
        self.pages.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.pages.addWidget(full)
        self.pages.addWidget(discreet)
        self.lock_screen = LockScreen()  # the plain clock and the next step, nothing else
        self.pages.addWidget(self.lock_screen)
        self._unlocked_page = FULL
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    @property
    def discreet(self) -> bool:
        return self.pages.currentIndex() == DISCREET

    def toggle_discreet(self) -> None:
        self.pages.setCurrentIndex(FULL if self.discreet else DISCREET)

    @property
    def locked(self) -> bool:
        return self.pages.currentIndex() == LOCKED

    def set_locked(self, locked: bool) -> None:
        """Locked shows the lock screen; unlocked returns to the page shown before."""
        if locked and not self.locked:
            self._unlocked_page = self.pages.currentIndex()
            self.pages.setCurrentIndex(LOCKED)
        elif not locked and self.locked:
            self.pages.setCurrentIndex(self._unlocked_page)

    def _next_step_look(self, name: str) -> None:
        if self.next_step.objectName() != name:  # restyled on a change only: this ticks
            restyle(self.next_step, name)

    def say(self, text: str, *, warning: bool = False) -> None:
        self.status.setText(text)
        if self.status.property("warning") != warning:
            restyle(self.status, warning=warning)

    def show_record(self, record: SessionRecord, title: str) -> None:
        """What changes only when the record does: the title, what an ended session hides,
        the session log."""
        ended = bool(record.session["ended_at"])
        self.title.setText(title + (" · ended" if ended else ""))
        self.back_button.setVisible(ended)
        self.take_back_button.setVisible(not ended and not record.recorded_anything)
        # Nothing is left to hide once the session has ended, and the discharge's
        # confirmation needs the room: it wrapped to three lines in a narrow column
        # (found by a first-time user).
        self.discreet_button.setVisible(not ended)
        if ended and self.discreet:
            self.toggle_discreet()
        self.cheatsheet.setVisible(not ended)
        self.cheatsheet.setText(cheat_sheet(record.protocol))
        self.panels.setVisible(not ended or self.panels.currentWidget() is self.moment)
        self.panels.set_sized_by_current(ended)  # a review shows only the moment panel
        self.export_button.setVisible(ended)
        # A review has no single keys to keep live: Tab reaches its buttons (found by a
        # first-time user, who could only leave a review with Alt+F4).
        for button in (self.export_button, self.back_button, self.amend_button,
                       self.correct_button, self.strike_button):
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if ended
                                  else Qt.FocusPolicy.NoFocus)
        self.log.clear()
        self.log_entries = list(reversed(timeline_entries(record)))
        for entry in self.log_entries:
            self.log.addItem(f"{local(entry.at):%H:%M}  {entry.text}")
        self.show_edit_buttons()

    def show_time(self, record: SessionRecord, now: datetime) -> None:
        """The clocks, the phase, what comes next, the latest ratings and the band at
        ``now`` (for an ended session, the moment it ended)."""
        face = clock_face(record, now)
        self.elapsed.setText(format_duration(face.elapsed))
        self.plain_clock.setText(format_duration(face.elapsed))
        if self.locked:  # the reminder goes on; it names a step, never the client
            self.lock_screen.show_session(
                format_duration(face.elapsed),
                face.next.countdown(now) if face.next and not record.session["ended_at"]
                else "")
        since = face.since_last_dose
        self.since_dose.setText(format_duration(since) if since is not None else "—")
        # "no dose yet" beside "Session ended" read as a dose still to come (found by a
        # first-time user)
        self.dose_caption.setText("since dose" if since is not None else
                                  "no dose given" if record.session["ended_at"] else
                                  "no dose yet")
        if record.session["ended_at"]:
            discharge = record.discharge
            self.phase.setText("Session ended")
            self.next_step.setText(
                f"Discharged at {local(parse_instant(discharge['at'])):%H:%M}"
                + (" (override)" if not discharge["cleared"] else "") if discharge else "")
            # amber only for an override: a cleared discharge is nothing to heed
            # (found by a first-time user: both looked alike)
            cleared = bool(discharge and discharge["cleared"])
            self._next_step_look("nextStepCalm" if cleared else "nextStep")
            self.later.clear()
        else:
            self.phase.setText(face.phase)
            self._next_step_look("nextStep")
            self.next_step.setText(face.next.countdown(now) if face.next else "")
            # A planned reading not taken is said quietly, first in the line below: no
            # colour, no sound; V takes it, O skips it with a reason.
            missed = [f"missed {local(d.at):%H:%M} {d.label} (V takes it, O skips it)"
                      for d in face.missed]
            self.later.setText("   ·   ".join(missed + [u.countdown(now)
                                                       for u in face.upcoming[1:3]]))
        latest = {r["scale"]: r["value"] for r in record.ratings}
        self.ratings.setText("   ".join(f"{RATING_SCALES[s]}: {RATING_LEVELS[latest[s]]}"
                                        for s in RATING_SCALES if s in latest))
        self.band.set_state(record, now)

    def selected_entry(self) -> Entry | None:
        row = self.log.currentRow()
        return self.log_entries[row] if 0 <= row < len(self.log_entries) else None

    def show_edit_buttons(self) -> None:
        """Each edit button acts on the kind of line it can change."""
        entry = self.selected_entry()
        kind = entry.kind if entry else ""
        self.amend_button.setEnabled(kind == "note")
        self.correct_button.setEnabled(kind in ("vitals", "dose"))
        self.strike_button.setEnabled(kind in ("event", "rating"))

    def nearest_line(self, at: datetime) -> int | None:
        return nearest([entry.at for entry in self.log_entries], at)

    def place_beside_clock(self, dialog: QWidget) -> None:
        """Put an edit dialog below the clocks, phase and next step, which stay in view
        while it is open (the session goes on), centred across the window."""
        dialog.adjustSize()
        top = self.band.mapToGlobal(self.band.rect().topLeft()).y()
        window = self.window().frameGeometry()
        screen = self.screen().availableGeometry()
        x = window.x() + (window.width() - dialog.width()) // 2
        y = min(top, screen.bottom() - dialog.frameGeometry().height())
        dialog.move(max(screen.x(), x), max(screen.y(), y))


def cheat_sheet(protocol: Protocol = DEFAULT_PROTOCOL) -> str:
    """The keys this session's protocol uses: its quick events and rating scales only."""
    actions = [f"<b>{k}</b> {label}" for k, (_, label) in ACTION_KEYS.items()]
    actions += [f"<b>{keys}</b> {scale}" for keys, scale in (("1-4", "sedation"),
                                                             ("6-9", "dissociation"))
                if scale in protocol.rating_scales]
    actions += ["<b>F2</b> emergency", "<b>Esc</b> back", "<b>Backspace</b> undo",
                "<b>Space , . − =</b> music"]
    events = [f"<b>{k}</b> {SHORT_EVENT.get(kind, EVENT_KINDS[kind].lower())}"
              for k, kind in EVENT_KEYS.items() if kind in protocol.quick_events]
    return " · ".join(actions) + "<br>" + " · ".join(events)


SHORT_EVENT = {"anxiety": "anxiety", "bathroom": "bathroom", "music_change": "music change",
               "mask_off": "mask off", "prn": "PRN given", "prescriber_contacted":
               "prescriber called"}
