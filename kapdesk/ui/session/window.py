"""The live medication session window: the one the therapist keeps open for three hours.

Large clock, the timeline band, inline panels instead of pop-ups, one key per action, and a
discreet mode that leaves only a plain clock. Every number shown is computed from the stored
record and the clock; the window keeps no state that a crash could lose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.audio.backend import AudioBackend
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.live import clock_face
from kapdesk.domain.review import moment, timeline_entries
from kapdesk.domain.timeutil import Clock, format_duration, local, parse_instant
from kapdesk.domain.vocabulary import EVENT_KINDS, RATING_LEVELS, RATING_SCALES
from kapdesk.practice.queries import Database, load_session
from kapdesk.practice.session import record_event, record_rating, strike_entry
from kapdesk.ui.emergency import EmergencyCard
from kapdesk.ui.errors import message
from kapdesk.ui.ops import Change, Outcome, follow_changes, run_op
from kapdesk.ui.screen_fit import fit, keep_on_screen
from kapdesk.ui.session.band import TimelineBand
from kapdesk.ui.session.discharge_panel import DischargePanel
from kapdesk.ui.session.dose_panel import DosePanel
from kapdesk.ui.session.keys import ACTION_KEYS, EVENT_KEYS, PLAYER_KEYS, RATING_KEYS
from kapdesk.ui.session.moment_panel import MomentPanel
from kapdesk.ui.session.notes_panel import NotesPanel
from kapdesk.ui.session.player_strip import PlayerStrip
from kapdesk.ui.session.prn_panel import PrnPanel
from kapdesk.ui.session.vitals_panel import VitalsPanel
from kapdesk.ui.widgets import ElidedLabel

T = TypeVar("T")


def _label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class SessionWindow(QMainWindow):
    closed = Signal()
    quit_requested = Signal()  # Ctrl+Q here: the practice window asks what to do

    def __init__(self, db: Database, session_id: int, clock: Clock,
                 audio: AudioBackend | None = None) -> None:
        super().__init__()
        keep_on_screen(self, maximized_first=True)  # three hours in the room: all the screen
        self.db, self.clock = db, clock
        self.record = load_session(db, session_id)
        # What Backspace undoes: the event or rating just recorded, and nothing older.
        self.last_entry: tuple[str, int, str, datetime] | None = None
        self._focusing = False
        self.player = PlayerStrip(db, session_id, self.now, audio)
        self.player.logged.connect(self._music_logged)
        self.emergency: EmergencyCard | None = None
        self.resize(1280, 720)  # fits a 1366x768 laptop screen

        self.title = ElidedLabel(name="title")  # a long name ends in …, never widens
        self.discreet_button = QPushButton("Discreet  H")
        self.discreet_button.clicked.connect(self.toggle_discreet)
        self.emergency_button = QPushButton("Emergency card  F2")
        self.emergency_button.clicked.connect(self.show_emergency)
        self.back_button = QPushButton("Back to practice")
        self.back_button.clicked.connect(self.close)
        self.status = _label(name="statusLine")
        self.status.setWordWrap(True)  # a long confirmation wraps; it never widens the window
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(24)
        header.addWidget(self.status, 1)
        self.export_button = QPushButton("Export summary for the prescriber…")
        for button in (self.export_button, self.back_button, self.discreet_button,
                       self.emergency_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            header.addWidget(button)

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
        self.band.selected.connect(lambda marker: self.focus_moment(marker.at))
        self.band.missed.connect(self.keys_mode)  # a click beside the markers closes a moment
        # Edits after the fact sit above the session log whose line they act on: no row of
        # their own, so the panels keep the height a vitals verdict needs.
        self.amend_button = QPushButton("Amend…")
        self.amend_button.setToolTip("Amend a note; its first wording stays in the record")
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setToolTip("Correct a reading or a dose by a new entry")
        self.strike_button = QPushButton("Strike out…")
        self.strike_button.setToolTip("Strike out a mis-keyed event, with a reason")
        self.amend_button.clicked.connect(self.amend_selected)
        self.correct_button.clicked.connect(self.correct_selected)
        self.strike_button.clicked.connect(self.strike_selected)
        self.export_button.clicked.connect(self.export_summary)
        for button in (self.amend_button, self.correct_button, self.strike_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the session's single keys stay live
            button.setObjectName("smallButton")

        self.notes = NotesPanel(db, self.now)
        self.vitals = VitalsPanel(db, self.now)
        self.dose = DosePanel(db, self.now)
        self.discharge = DischargePanel(db, self.now)
        self.prn = PrnPanel(db, self.now)
        self.moment = MomentPanel()
        self.panels = QStackedWidget()
        self.panels.setObjectName("panelStack")
        for panel in (self.notes, self.vitals, self.dose, self.discharge, self.prn, self.moment):
            self.panels.addWidget(panel)
        for panel in (self.vitals, self.dose, self.discharge, self.prn):
            panel.cancelled.connect(self.keys_mode)
        for panel in (self.vitals, self.dose, self.discharge):
            panel.done.connect(self._saved)
        self.prn.done.connect(self._prn_saved)
        self.notes.saved.connect(lambda text: self._saved(text, keep_panel=True))
        self.notes.box.leave.connect(self.keys_mode)

        self.log = QListWidget()
        self.log.setObjectName("sessionLog")
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log.setWordWrap(True)
        self.log.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.log.currentRowChanged.connect(self._log_row_chosen)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_head = QHBoxLayout()
        log_head.addWidget(ElidedLabel("This session", "section"), 1)
        for button in (self.amend_button, self.correct_button, self.strike_button):
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
        layout.addWidget(self.player)
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
        self.pages.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # holds focus in "keys" mode
        self.pages.addWidget(full)
        self.pages.addWidget(discreet)
        self.setCentralWidget(self.pages)
        self._shortcuts()
        self.notes.load(session_id)

        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start(1000)
        follow_changes(self, self.reload, lambda change: change.touches_session(session_id))
        self.reload()
        self.show_notes()

    # time ----------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def ended(self) -> bool:
        return bool(self.record.session["ended_at"])

    # keys ----------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        actions = {"vitals": self.show_vitals, "dose": lambda: self.show_dose(booster=False),
                   "booster": lambda: self.show_dose(booster=True), "note": self.focus_note,
                   "discharge": self.show_discharge, "discreet": self.toggle_discreet}
        self._keys = {key: actions[action] for key, (action, _) in ACTION_KEYS.items()}
        self._keys.update({key: (lambda k=kind: self.quick_event(k))
                           for key, kind in EVENT_KEYS.items()})
        self._keys["P"] = self.show_prn  # a PRN needs its medicine, dose and reason
        self._keys.update({key: (lambda s=scale, v=value: self.rate(s, v))
                           for key, (scale, value) in RATING_KEYS.items()})
        self._keys.update({key: (lambda a=action: self.music(a))
                           for key, (action, _) in PLAYER_KEYS.items()})

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Single keys act here. A text field that has focus consumes the letters it types,
        so they never arrive; this works whatever the window manager thinks is active."""
        mod = Qt.KeyboardModifier
        modifiers = event.modifiers() & (mod.ControlModifier | mod.AltModifier
                                         | mod.MetaModifier)
        key = event.key()
        if key == Qt.Key.Key_Q and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.quit_requested.emit()
        elif key == Qt.Key.Key_F2:
            self.show_emergency()
        elif key == Qt.Key.Key_Escape:
            self.keys_mode()
        elif (key == Qt.Key.Key_Backspace and not modifiers) or (
                key == Qt.Key.Key_Z and modifiers == Qt.KeyboardModifier.ControlModifier):
            self.undo_last_event()
        elif modifiers == mod.ControlModifier and Qt.Key.Key_1 <= key <= Qt.Key.Key_4:
            if self._guard():
                self.show_notes()
                self.notes.choose_kind(key - Qt.Key.Key_1, focus=True)
        elif not modifiers and event.text() and event.text().upper() in self._keys:
            self._keys[event.text().upper()]()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # actions -------------------------------------------------------------------------
    def _guard(self) -> bool:
        if self.ended:
            self.say("This session has ended; corrections are made from its review.")
            return False
        if self.pages.currentIndex() == 1:
            return False
        return True

    def show_notes(self) -> None:
        self.panels.setCurrentWidget(self.notes)
        self.panels.setVisible(not self.ended)  # a finished session is read, not written

    def keys_mode(self) -> None:
        """Back to single-key actions: the note panel shows, no text field holds the keys."""
        self.show_notes()
        self.pages.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.keys_mode()

    def focus_note(self) -> None:
        if self._guard():
            self.show_notes()
            self.notes.box.setFocus()

    def show_vitals(self) -> None:
        if self._guard():
            self.vitals.open_for(self.record)
            self.panels.setCurrentWidget(self.vitals)
            self.vitals.fields["systolic"].setFocus()

    def show_dose(self, *, booster: bool) -> None:
        refusal = self.record.booster_refusal() if booster else None
        if refusal:  # said at once, not after everything is typed into the panel
            self.say(message(NotAllowed(refusal)) + ".", warning=True)
            return
        if self._guard():
            self.dose.open_for(self.record, booster=booster)
            self.panels.setCurrentWidget(self.dose)

    def show_prn(self) -> None:
        if self._guard():
            self.prn.open_for(self.record)
            self.panels.setCurrentWidget(self.prn)

    def show_discharge(self) -> None:
        if self._guard():
            self.discharge.open_for(self.record)
            self.panels.setCurrentWidget(self.discharge)

    def quick_event(self, kind: str) -> None:
        if not self._guard():
            return
        at = self.now()
        outcome = self._run(lambda: record_event(self.db, self.record.id, kind, at=at))
        if outcome.ok and outcome.value is not None:
            self._saved_undoable("events", outcome.value, EVENT_KINDS[kind], at)

    def _prn_saved(self, text: str) -> None:
        event_id, at = self.prn.recorded
        self._saved_undoable("events", event_id, "PRN medication", at, said=text,
                             keep_panel=False)

    def _saved_undoable(self, table: str, entry_id: int, what: str, at: datetime, *,
                        said: str = "", keep_panel: bool = True) -> None:
        said = said or f"{what} noted at {local(at):%H:%M}"
        self._saved(f"{said}  ·  Backspace undoes it within a minute", keep_panel=keep_panel)
        self.last_entry = (table, entry_id, what, at)  # after _saved, which forgets it

    def undo_last_event(self) -> None:
        """One key takes back the event or rating just recorded: it stays in the record,
        struck out. Anything recorded since (a note, a reading) means there is nothing to
        undo by key: an older entry is struck out from its line."""
        if not self._guard():
            return
        if self.last_entry is None:
            self.say("Nothing to undo by key. To strike out an older event or rating, select "
                     "its line and press Strike out…")
            return
        table, entry_id, what, at = self.last_entry
        if not self._run(lambda: strike_entry(self.db, table, entry_id, at=self.now(),
                                              undo=True)).ok:
            return
        self._saved(f"Undone: {what} at {local(at):%H:%M} (kept in the record, struck out)",
                    keep_panel=True)

    def rate(self, scale: str, value: int) -> None:
        if not self._guard():
            return
        at = self.now()
        outcome = self._run(lambda: record_rating(self.db, self.record.id, scale, value, at=at))
        if outcome.ok and outcome.value is not None:
            self._saved_undoable("ratings", outcome.value,
                                 f"{RATING_SCALES[scale]}: {RATING_LEVELS[value]}", at)

    def _run(self, op: Callable[[], T]) -> Outcome[T]:
        """A write from a key: a refusal is said in the status line; the window refreshes
        from the change it announces."""
        return run_op(op, show=lambda refusal: self.say(refusal.text, warning=True),
                      change=Change(session_id=self.record.id))

    def music(self, action: str) -> None:
        """Music keys work in discreet mode too: pausing needs no names on screen."""
        if not self.ended:
            self.player.command(getattr(self.player.controller, action))

    def toggle_discreet(self) -> None:
        self.pages.setCurrentIndex(1 - self.pages.currentIndex())
        self.setWindowTitle("kapdesk" if self.pages.currentIndex() == 1 else self._title())
        self.refresh_clock()

    def show_emergency(self) -> None:
        self.emergency = EmergencyCard(self.db, self.record.session["client_id"], self)
        self.emergency.show()

    def _saved(self, text: str, keep_panel: bool = False) -> None:
        self.last_entry = None  # something newer was recorded: Backspace must not reach back
        if self.ended:
            self.player.fade_out()  # the session is over: the music fades away
        warning = "breach" in text.lower()  # a breach is never announced as a success
        self.say(f"⚑ {text}" if warning else f"✓ {text}", warning=warning)
        if not keep_panel:
            self.keys_mode()

    def _music_logged(self) -> None:
        if hasattr(self, "log"):  # not while the window is still being built
            self.reload()

    def say(self, text: str, *, warning: bool = False) -> None:
        self.status.setText(text)
        if self.status.property("warning") != warning:
            self.status.setProperty("warning", warning)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)

    # display -------------------------------------------------------------------------
    def _title(self) -> str:
        s = self.record.session
        return (f"{self.record.client['display_name']} · Medication session {s['number'] or ''}"
                .strip())

    def reload(self) -> None:
        self.record = load_session(self.db, self.record.id)
        self.title.setText(self._title() + (" · ended" if self.ended else ""))
        if self.pages.currentIndex() == 0:
            self.setWindowTitle(self._title())
        self.back_button.setVisible(self.ended)
        self.player.setVisible(not self.ended)
        self.cheatsheet.setVisible(not self.ended)
        self.panels.setVisible(not self.ended or self.panels.currentWidget() is self.moment)
        for panel in (self.notes, self.vitals, self.dose, self.discharge, self.prn):
            panel.setEnabled(not self.ended)
        self.export_button.setVisible(self.ended)
        self._edit_buttons()
        self._fill_log()
        self.refresh_clock()
        fit(self)  # a state that briefly needed more room must not leave the window wider

    def refresh_clock(self) -> None:
        now = self.now() if not self.ended else parse_instant(self.record.session["ended_at"])
        face = clock_face(self.record, now)
        self.elapsed.setText(format_duration(face.elapsed))
        self.plain_clock.setText(format_duration(face.elapsed))
        dosed = face.since_last_dose is not None
        self.since_dose.setText(format_duration(face.since_last_dose) if dosed else "—")
        self.dose_caption.setText("since dose" if dosed else "no dose yet")
        if self.ended:
            discharge = self.record.discharge
            self.phase.setText("Session ended")
            self.next_step.setText(
                f"Discharged at {local(parse_instant(discharge['at'])):%H:%M}"
                + (" (override)" if not discharge["cleared"] else "") if discharge else "")
            self.later.clear()
        else:
            self.phase.setText(face.phase)
            self.next_step.setText(face.next.countdown(now) if face.next else "")
            self.later.setText("   ·   ".join(u.countdown(now) for u in face.upcoming[1:3]))
        latest = {r["scale"]: r["value"] for r in self.record.ratings}
        self.ratings.setText("   ".join(f"{RATING_SCALES[s]}: {RATING_LEVELS[latest[s]]}"
                                        for s in RATING_SCALES if s in latest))
        self.band.set_state(self.record, now)

    def _fill_log(self) -> None:
        self.log.clear()
        self.log_entries = list(reversed(timeline_entries(self.record)))
        self._log_times = [entry.at for entry in self.log_entries]
        for entry in self.log_entries:
            self.log.addItem(f"{local(entry.at):%H:%M}  {entry.text}")

    def selected_entry(self):
        row = self.log.currentRow()
        return self.log_entries[row] if 0 <= row < len(self.log_entries) else None

    def _log_row_chosen(self, _row: int) -> None:
        self._edit_buttons()
        entry = self.selected_entry()
        if self.ended and entry is not None and not self._focusing:
            self.focus_moment(entry.at)  # in review a line opens its moment, like a marker

    def _edit_buttons(self) -> None:
        entry = self.selected_entry()
        kind = entry.kind if entry else ""
        self.amend_button.setEnabled(kind == "note")
        self.correct_button.setEnabled(kind in ("vitals", "dose"))
        self.strike_button.setEnabled(kind in ("event", "rating"))

    def amend_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind == "note":
            from kapdesk.ui.amend import AmendNoteDialog

            self._open_edit(AmendNoteDialog(self.db, entry.ref, self.clock.now, self))

    def correct_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind in ("vitals", "dose"):
            from kapdesk.ui.amend import CorrectDoseDialog, CorrectVitalsDialog

            dialog = (CorrectVitalsDialog if entry.kind == "vitals" else CorrectDoseDialog)(
                self.db, entry.ref, self)
            self._open_edit(dialog)

    def strike_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind in ("event", "rating"):
            from kapdesk.ui.amend import StrikeEntryDialog

            table = "events" if entry.kind == "event" else "ratings"
            self._open_edit(StrikeEntryDialog(self.db, table, entry.ref, self.clock.now, self))

    def export_summary(self) -> None:
        from kapdesk.ui.export_preview import ExportDialog

        self._open_edit(ExportDialog(self.db, client_id=self.record.session["client_id"],
                                     session_id=self.record.id, parent=self))

    def _open_edit(self, dialog) -> None:
        self.edit_dialog = dialog
        if hasattr(dialog, "saved"):
            dialog.saved.connect(
                lambda _: self.say("✓ Saved; the earlier version stays in the record"))
        else:
            dialog.accepted.connect(lambda: self.say(f"✓ Exported to {dialog.saved_to}"))
        dialog.open()

    def focus_moment(self, at: datetime) -> None:
        """Show everything around ``at``: the phase, what was playing, what was recorded."""
        self.moment.show_moment(at, moment(self.record, at), live=not self.ended)
        self.panels.setCurrentWidget(self.moment)
        self.panels.setVisible(True)
        self.pages.setFocus()  # the keys stay live: Esc, N, V... leave the moment
        self.band.highlight = at
        self.band.update()
        if self._log_times:
            nearest = min(range(len(self._log_times)),
                          key=lambda i: abs(self._log_times[i] - at))
            self._focusing = True
            self.log.setCurrentRow(nearest)
            self._focusing = False

    def closeEvent(self, event) -> None:  # noqa: N802
        self.notes.flush()
        self.player.halt()
        self._timer.stop()
        self.closed.emit()
        super().closeEvent(event)


def cheat_sheet() -> str:
    actions = [f"<b>{k}</b> {label}" for k, (_, label) in ACTION_KEYS.items()]
    actions += ["<b>1-4</b> sedation", "<b>6-9</b> dissociation", "<b>F2</b> emergency",
                "<b>Esc</b> back", "<b>Backspace</b> undo",
                "<b>Space , . − =</b> music"]
    events = [f"<b>{k}</b> {SHORT_EVENT.get(kind, EVENT_KINDS[kind].lower())}"
              for k, kind in EVENT_KEYS.items()]
    return " · ".join(actions) + "<br>" + " · ".join(events)


SHORT_EVENT = {"anxiety": "anxiety", "bathroom": "bathroom", "music_change": "music change",
               "mask_off": "mask off", "prn": "PRN given", "prescriber_contacted":
               "prescriber called"}
