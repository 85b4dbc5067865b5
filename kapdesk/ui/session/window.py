"""The live medication session window: the one the therapist keeps open for three hours.

Large clock, the timeline band, inline panels instead of pop-ups, one key per action, and a
discreet mode that leaves only a plain clock. This module is the controller: what each key and
click does. What the screen shows is :mod:`kapdesk.ui.session.view`. Every number shown is
computed from the stored record and the clock; the window keeps no state a crash could lose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMainWindow

from kapdesk.audio.backend import AudioBackend
from kapdesk.domain.errors import NotAllowed
from kapdesk.domain.mistakes import can_undo
from kapdesk.domain.review import moment
from kapdesk.domain.timeutil import Clock, local, parse_instant
from kapdesk.domain.vocabulary import EVENT_KINDS, RATING_LEVELS, RATING_SCALES
from kapdesk.practice.live import past_timings_for
from kapdesk.practice.queries import Database, client_row, course_numbers, load_session
from kapdesk.practice.session import record_event, record_rating, strike_entry
from kapdesk.ui import dialogs
from kapdesk.ui.emergency import EmergencyCard
from kapdesk.ui.errors import message
from kapdesk.ui.ops import Change, Outcome, follow_changes, run_op
from kapdesk.ui.screen_fit import fit, keep_on_screen
from kapdesk.ui.session.discharge_panel import DischargePanel
from kapdesk.ui.session.dose_panel import DosePanel
from kapdesk.ui.session.keys import ACTION_KEYS, EVENT_KEYS, PLAYER_KEYS, RATING_KEYS
from kapdesk.ui.session.notes_panel import NotesPanel
from kapdesk.ui.session.player_strip import PlayerStrip
from kapdesk.ui.session.prn_panel import PrnPanel
from kapdesk.ui.session.skip_panel import SkipPanel
from kapdesk.ui.session.view import SessionView
from kapdesk.ui.session.vitals_panel import VitalsPanel
from kapdesk.ui.trouble_banner import TroubleBanner, with_banner
from kapdesk.ui.widgets import show_current_when_laid_out

if TYPE_CHECKING:
    from kapdesk.ui.export_preview import ExportDialog
    from kapdesk.ui.forms import FormDialog

UNDO_OFFER = "  ·  Backspace undoes it within a minute"

T = TypeVar("T")


class SessionWindow(QMainWindow):
    closed = Signal()
    quit_requested = Signal()  # Ctrl+Q here: the practice window asks what to do
    lock_requested = Signal(str)  # its Lock button (Ctrl+L is app-wide: ui/lock.py)

    def __init__(self, db: Database, session_id: int, clock: Clock,
                 audio: AudioBackend | None = None) -> None:
        super().__init__()
        keep_on_screen(self, maximized_first=True)  # three hours in the room: all the screen
        self.db, self.clock = db, clock
        self.record = load_session(db, session_id)
        s = self.record.session  # over several courses, which one: said in the heading
        self.course_no = course_numbers(db, s["client_id"]).get(s["course_id"])
        # What Backspace undoes: the event or rating just recorded, and nothing older.
        self.last_entry: tuple[str, int, str, datetime] | None = None
        # When the entry Backspace can undo was recorded, and the status line offering it.
        self._undo_offer: tuple[datetime, str] | None = None
        self._focusing = False
        self.emergency: EmergencyCard | None = None
        self.edit_dialog: QDialog | None = None
        self.farewell: str | None = None  # said by the practice window when this one closes
        self.resize(1280, 720)  # fits a 1366x768 laptop screen

        self.player = PlayerStrip(db, session_id, self.now, audio)
        self.player.logged.connect(self._music_logged)
        self.notes = NotesPanel(db, self.now)
        self.vitals = VitalsPanel(db, self.now)
        self.dose = DosePanel(db, self.now)
        self.discharge = DischargePanel(db, self.now, self.notes)
        self.prn = PrnPanel(db, self.now)
        self.skip = SkipPanel(db, self.now)
        self.view = SessionView((self.notes, self.vitals, self.dose, self.discharge, self.prn,
                                 self.skip), self.player)
        self.banner = TroubleBanner()
        self.setCentralWidget(with_banner(self.view, self.banner))
        for panel in (self.vitals, self.dose, self.discharge, self.prn, self.skip):
            panel.cancelled.connect(self.keys_mode)
        for panel in (self.vitals, self.dose, self.discharge, self.skip):
            panel.done.connect(self._saved)
        self.prn.done.connect(self._prn_saved)
        self.notes.saved.connect(lambda text: self._saved(text, keep_panel=True))
        self.notes.box.leave.connect(self.keys_mode)
        view = self.view
        view.discreet_button.clicked.connect(self.toggle_discreet)
        view.lock_button.clicked.connect(lambda: self.lock_requested.emit("on its button"))
        self.lock_screen = view.lock_screen
        view.emergency_button.clicked.connect(self.show_emergency)
        view.back_button.clicked.connect(self.close)
        view.take_back_button.clicked.connect(self.take_back_start)
        view.export_button.clicked.connect(self.export_summary)
        view.band.selected.connect(lambda marker: self.focus_moment(marker.at))
        view.band.missed.connect(self.keys_mode)  # a click beside the markers closes a moment
        view.amend_button.clicked.connect(self.amend_selected)
        view.correct_button.clicked.connect(self.correct_selected)
        view.strike_button.clicked.connect(self.strike_selected)
        view.log.currentRowChanged.connect(self._log_row_chosen)
        self._shortcuts()
        view.band.past = past_timings_for(db, self.record.session["client_id"],
                                          route=self.record.protocol.route,
                                          before_session=session_id)
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
                   "discharge": self.show_discharge, "discreet": self.toggle_discreet,
                   "skip": self.show_skip}
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
        if self.view.locked:  # only the lock screen's field and button answer
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Q and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.quit_requested.emit()
        elif key == Qt.Key.Key_F2:
            self.show_emergency()
        elif key == Qt.Key.Key_Escape and self.ended and not self._moment_shown():
            self.close()  # a review with no moment open: back to the practice
        elif key == Qt.Key.Key_Escape:
            self.keys_mode()
        elif self.ended and not modifiers and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step_log(-1 if key == Qt.Key.Key_Up else 1)
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
    def _moment_shown(self) -> bool:
        return (self.view.panels.isVisible()
                and self.view.panels.currentWidget() is self.view.moment)

    def _step_log(self, step: int) -> None:
        """Up and Down walk a review's log, for Amend, Correct or Strike out."""
        log = self.view.log
        if log.count():
            log.setCurrentRow(min(max(log.currentRow() + step, 0), log.count() - 1))

    def _guard(self) -> bool:
        if self.ended:
            self.say("This session has ended; corrections are made from its review.")
            return False
        if self.view.discreet:
            return False
        return True

    def show_notes(self) -> None:
        self.view.panels.setCurrentWidget(self.notes)
        self.view.panels.setVisible(not self.ended)  # a finished session is read, not written

    def keys_mode(self) -> None:
        """Back to single-key actions: the note panel shows, no text field holds the keys."""
        self.show_notes()
        self.view.pages.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self.player.warm_up)  # once the window is on screen
        if self.notes.box.toPlainText().strip():
            # a draft brought back after a crash: typing goes on in it, never into the
            # single keys (an "s" would record spitting out)
            self.show_notes()
            self.notes.box.setFocus()
        else:
            self.keys_mode()

    def focus_note(self) -> None:
        if self._guard():
            self.show_notes()
            self.notes.box.setFocus()

    def show_vitals(self) -> None:
        if self._guard():
            self.vitals.open_for(self.record)
            self.view.panels.setCurrentWidget(self.vitals)
            self.vitals.fields["systolic"].setFocus()

    def show_dose(self, *, booster: bool) -> None:
        refusal = self.record.booster_refusal() if booster else None
        if refusal:  # said at once, not after everything is typed into the panel
            self.say(message(NotAllowed(refusal)) + ".", warning=True)
            return
        if self._guard():
            self.dose.open_for(self.record, booster=booster)
            self.view.panels.setCurrentWidget(self.dose)

    def show_prn(self) -> None:
        if self._guard():
            self.prn.open_for(self.record)
            self.view.panels.setCurrentWidget(self.prn)

    def show_skip(self) -> None:
        if not self._guard():
            return
        if self.skip.open_for(self.record):
            self.view.panels.setCurrentWidget(self.skip)
        else:
            self.say("No planned reading is open: nothing to skip.")

    def show_discharge(self) -> None:
        if self._guard():
            self.discharge.open_for(self.record)
            self.view.panels.setCurrentWidget(self.discharge)

    def quick_event(self, kind: str) -> None:
        if not self._guard() or not self._in_protocol(kind, self.record.protocol.quick_events,
                                                      EVENT_KINDS[kind]):
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
        self._saved(f"{said}{UNDO_OFFER}", keep_panel=keep_panel)
        self.last_entry = (table, entry_id, what, at)  # after _saved, which forgets it
        self._undo_offer = (at, self.view.status.text())

    def undo_last_event(self) -> None:
        """One key takes back the event or rating just recorded: it stays in the record,
        struck out. Anything recorded since (a note, a reading) means there is nothing to
        undo by key: an older entry is struck out from its line."""
        if not self._guard():
            return
        if self.last_entry is None and not self.record.recorded_anything:
            self.take_back_start()  # the last thing done was the start itself
            return
        if self.last_entry is None:  # short enough for the header's two lines
            self.say("Nothing to undo by key: strike out an older entry from its line in the "
                     "log.", warning=True)
            return
        table, entry_id, what, at = self.last_entry
        if not self._run(lambda: strike_entry(self.db, table, entry_id, at=self.now(),
                                              undo=True)).ok:
            return
        self._saved(f"Undone: {what} at {local(at):%H:%M} (kept in the record, struck out)",
                    keep_panel=True)

    def take_back_start(self) -> None:
        """The wrong client chosen, or a start too soon: back to the plan, with a reason,
        while nothing is recorded; the practice window returns on the client."""
        if self.ended or self.record.recorded_anything:
            return
        self.notes.flush()  # a note just cleared: its draft goes now, not half a second on
        if self.notes.box.toPlainText().strip():  # a draft is kept as typed: it counts
            self.say("Clear the note being written first to undo the start.", warning=True)
            return
        self.say("")  # what was said before (e.g. to clear the note) no longer holds
        dialog = dialogs.take_back_start(self.db, self.record, self.clock.now, self)
        dialog.saved.connect(lambda _: self._taken_back())
        self.edit_dialog = dialog
        self.view.place_beside_clock(dialog)
        dialog.open()

    def _taken_back(self) -> None:
        number = self.record.session["number"] or ""
        self.farewell = (f"Medication session {number} of {self.record.client['display_name']} "
                         "is planned again, not started: its start was taken back.")
        self.close()

    def rate(self, scale: str, value: int) -> None:
        if not self._guard() or not self._in_protocol(scale, self.record.protocol.rating_scales,
                                                      RATING_SCALES[scale]):
            return
        at = self.now()
        outcome = self._run(lambda: record_rating(self.db, self.record.id, scale, value, at=at))
        if outcome.ok and outcome.value is not None:
            self._saved_undoable("ratings", outcome.value,
                                 f"{RATING_SCALES[scale]}: {RATING_LEVELS[value]}", at)

    def _in_protocol(self, key: str, shown: tuple[str, ...], what: str) -> bool:
        """A key whose event or scale this session's protocol leaves out records nothing."""
        if key in shown:
            return True
        self.say(f"{what} is not among the keys of {self.record.protocol.name}; nothing "
                 "was recorded.")
        return False

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
        self.view.toggle_discreet()
        self.setWindowTitle(self._title())
        self.refresh_clock()

    def set_locked(self, locked: bool) -> None:
        """Locked: the lock screen with the plain clock, the next step and whom to call;
        the music and the session's timers go on. Unlocked: the page shown before."""
        if locked:
            self.lock_screen.show_help(self._on_call())
        self.view.set_locked(locked)
        self.setWindowTitle(self._title())
        self.refresh_clock()

    def _on_call(self) -> str:
        if self.ended:
            return ""
        client = client_row(self.db, self.record.session["client_id"])
        number = client["prescriber_on_call"] or client["prescriber_phone"]
        return f"In an emergency: prescriber on call {number}" if number else ""

    def show_emergency(self) -> None:
        if self.view.discreet:  # the card would cover the only clock: the full view, with
            self.toggle_discreet()  # the time since the dose, comes back in an emergency
        self.emergency = EmergencyCard(self.db, self.record.session["client_id"], self)
        # below the clocks: the time since the dose is what the emergency call asks first
        # (the card opened over them, found by a first-time user)
        self.view.place_beside_clock(self.emergency)
        self.emergency.show()

    def _saved(self, text: str, keep_panel: bool = False) -> None:
        self.last_entry = None  # something newer was recorded: Backspace must not reach back
        self._undo_offer = None
        if self.ended:
            self.player.fade_out()  # the session is over: the music fades away
        # A breach is never announced as a success, nor a discharge the gate did not clear
        # (a green tick on "Discharged (override recorded)" read as all clear; found by a
        # first-time user): both in amber, as the session list says an override.
        warning = any(word in text.lower() for word in ("breach", "override recorded"))
        self.say(f"⚑ {text}" if warning else f"✓ {text}", warning=warning)
        if not keep_panel:
            self.keys_mode()

    def _music_logged(self) -> None:
        if hasattr(self, "view"):  # not while the window is still being built
            self.reload()

    def say(self, text: str, *, warning: bool = False) -> None:
        self.view.say(text, warning=warning)

    # display -------------------------------------------------------------------------
    def _title(self) -> str:
        """The title the desktop shows in task bars and window lists: never a client's
        name, which it keeps and shows beyond kapdesk's reach."""
        if self.view.discreet or self.view.locked:
            return "kapdesk"
        return f"kapdesk · Medication session {self.record.session['number'] or ''}".strip()

    def _heading(self) -> str:
        s = self.record.session
        return (f"{self.record.client['display_name']} · Medication session {s['number'] or ''}"
                .strip() + (f" · course {self.course_no}" if self.course_no else ""))

    def reload(self) -> None:
        self.record = load_session(self.db, self.record.id)
        if self.record.started_at is None:  # its start was just taken back: it closes
            return
        self.view.show_record(self.record, self._heading())
        self.setWindowTitle(self._title())
        self.player.setVisible(not self.ended)
        for panel in (self.notes, self.vitals, self.dose, self.discharge, self.prn):
            panel.setEnabled(not self.ended)
        self.refresh_clock()
        fit(self)  # a state that briefly needed more room must not leave the window wider

    def refresh_clock(self) -> None:
        now = self.now() if not self.ended else parse_instant(self.record.session["ended_at"])
        self.view.show_time(self.record, now)
        self._withdraw_undo_offer(now)
        if not self.ended and self.discharge.isVisible():
            self.discharge.say_gate()

    def _withdraw_undo_offer(self, now: datetime) -> None:
        """Backspace is offered only while it can undo: once the minute is over, the status
        line keeps what was noted without the offer (Backspace then explains how to strike
        the entry out)."""
        if self._undo_offer is None:
            return
        at, offered = self._undo_offer
        if can_undo(at, now):
            return
        self._undo_offer = None
        if self.view.status.text() == offered:  # nothing has been said since
            self.say(offered.removesuffix(UNDO_OFFER),
                     warning=bool(self.view.status.property("warning")))

    def selected_entry(self):
        return self.view.selected_entry()

    def _log_row_chosen(self, _row: int) -> None:
        self.view.show_edit_buttons()
        entry = self.selected_entry()
        if self.ended and entry is not None and not self._focusing:
            self.focus_moment(entry.at)  # in review a line opens its moment, like a marker

    def amend_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind == "note":
            self._open_edit(dialogs.amend_note(self.db, entry.ref, self.clock.now, self))

    def correct_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind == "vitals":
            self._open_edit(dialogs.correct_vitals(self.db, entry.ref, self))
        elif entry and entry.kind == "dose":
            self._open_edit(dialogs.correct_dose(self.db, entry.ref, self.clock.now, self))

    def strike_selected(self) -> None:
        entry = self.selected_entry()
        if entry and entry.kind in ("event", "rating"):
            table = "events" if entry.kind == "event" else "ratings"
            self._open_edit(dialogs.strike_out(self.db, table, entry.ref, self.clock.now, self))

    def export_summary(self) -> None:
        self._open_export(dialogs.export(self.db, self.record.session["client_id"], self,
                                       session_id=self.record.id))

    def _open_edit(self, dialog: FormDialog) -> None:
        self.edit_dialog = dialog
        dialog.saved.connect(
            lambda _: self.say("✓ Saved; the earlier version stays in the record"))
        self.view.place_beside_clock(dialog)
        dialog.open()

    def _open_export(self, dialog: ExportDialog) -> None:
        self.edit_dialog = dialog
        dialog.accepted.connect(lambda: self.say(f"✓ Exported to {dialog.saved_to}"))
        self.view.place_beside_clock(dialog)
        dialog.open()

    def focus_moment(self, at: datetime) -> None:
        """Show everything around ``at``: the phase, what was playing, what was recorded."""
        self.view.moment.show_moment(at, moment(self.record, at), live=not self.ended)
        self.view.panels.setCurrentWidget(self.view.moment)
        self.view.panels.setVisible(True)
        self.view.pages.setFocus()  # the keys stay live: Esc, N, V... leave the moment
        self.view.band.highlight = at
        nearest = self.view.nearest_line(at)
        if nearest is not None:
            self._focusing = True
            self.view.log.setCurrentRow(nearest)
            self._focusing = False
            # Again once laid out: a review opened at a search result showed the lines
            # just after the note, the note itself below the fold.
            show_current_when_laid_out(self.view.log)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.notes.flush()
        self.player.halt()
        self._timer.stop()
        self.closed.emit()
        super().closeEvent(event)
