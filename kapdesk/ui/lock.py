"""Locking the open practice: on Ctrl+L, after minutes without a key or click, and when the
screen locks or the laptop goes to sleep.

A locked app shows one window: the running session's (its clock, next step and music go on)
or else the practice window, with a passphrase field and no name, note or reading. Every
other window is hidden as it is, typed text included, and comes back on unlock, with the
focus where it was. Locking changes nothing in the record but the audit trail.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import SLOT, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.locking import (
    LOCK_AFTER_DEFAULT_MIN,
    LOCK_AFTER_RANGE_MIN,
    idle_due,
)
from kapdesk.domain.timeutil import utc_now
from kapdesk.practice.audit import audit, unlocked
from kapdesk.practice.queries import Database, get_practice, passphrase_of
from kapdesk.ui.retry_wait import RetryWait
from kapdesk.ui.widgets import label

log = logging.getLogger("kapdesk")

WATCH_DELAY_MS = 500  # after the event loop starts: the first window is painted by then
INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                          QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class LockScreen(QWidget):
    """What a locked window shows. ``show_session`` fills the plain clock and the next step
    of a running session, ``show_help`` whom to call; the rest says how to return."""

    unlock_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.clock = label(name="plainClock")
        self.next_step = label(name="nextStep")
        self.help = label(name="muted")
        self.title = label("Locked", "title")
        self.lead = label(name="muted", wrap=True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("passphrase")
        self.passphrase.returnPressed.connect(self._submit)
        self.passphrase.setFixedWidth(460)
        self.error = label(name="warning", wrap=True)
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.button = QPushButton("Unlock  Enter")
        self.button.setAutoDefault(True)  # outside a dialog a focused button ignores Enter
        self.button.clicked.connect(self._submit)
        self.wait = RetryWait(self.error, (self.passphrase, self.button), self.take_focus, self)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.clock, self.next_step, self.help, self.title, self.lead,
                       self.passphrase, self.error, self.button):
            if widget is self.title:
                layout.addSpacing(28)  # the session's lines above, the lock below
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            if isinstance(widget, QLabel):
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lead.setFixedWidth(560)
        # room for two lines: a centred, wrapped label otherwise keeps the height of one
        # and cuts the plain practice's sentence after "so"
        self.lead.setMinimumHeight(2 * self.lead.fontMetrics().lineSpacing() + 4)
        self.error.setFixedWidth(560)
        layout.addStretch(1)
        self.show_session("", "")
        self.show_help("")

    def prepare(self, *, has_passphrase: bool) -> None:
        self.passphrase.clear()
        self.error.clear()
        self.passphrase.setVisible(has_passphrase)
        self.lead.setText(
            "Type the passphrase to return to where you were." if has_passphrase else
            "This practice has no passphrase (the demo, or not yet encrypted), so anyone "
            "can return: press Enter.")
        self._ready()

    def show_session(self, clock: str, next_step: str) -> None:
        for widget, text in ((self.clock, clock), (self.next_step, next_step)):
            widget.setText(text)
            widget.setVisible(bool(text))

    def show_help(self, text: str) -> None:
        self.help.setText(text)
        self.help.setVisible(bool(text))

    def refused(self, failures: int) -> None:
        self.passphrase.clear()
        self.wait.start(failures)

    def _submit(self) -> None:
        if not self.wait.isActive():
            self.unlock_requested.emit(self.passphrase.text())

    def _ready(self) -> None:
        self.passphrase.setEnabled(True)
        self.button.setEnabled(True)
        self.take_focus()

    def take_focus(self) -> None:
        (self.passphrase if not self.passphrase.isHidden() else self.button).setFocus()


class LockHost(Protocol):
    lock_screen: LockScreen

    def set_locked(self, locked: bool) -> None: ...

    def isVisible(self) -> bool: ...  # noqa: N802 (Qt's name)

    def focusWidget(self) -> QWidget | None: ...  # noqa: N802

    def activateWindow(self) -> None: ...  # noqa: N802


class _LastInput(QObject):
    """When the therapist last pressed a key, clicked or scrolled in any of the app's
    windows, and Ctrl+L in any window (the emergency card, a dialog).

    It watches each window as it gets the focus, where a key or a click arrives before any
    widget sees it, rather than the whole application: an application-wide filter takes
    every event of every object through Python (each paint, each timer), and the first
    one for an object of a private Qt class makes the binding build ~150 enum types, a
    25-30 ms stall."""

    lock_key = Signal()

    def __init__(self, monotonic: Callable[[], float]) -> None:
        super().__init__()
        self.monotonic = monotonic
        self.at = monotonic()

    def watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # a window watched again is still seen once

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in INPUT_EVENTS:
            self.at = self.monotonic()
            if (isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_L
                    and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
                self.lock_key.emit()
        return False


_last_input: _LastInput | None = None


def last_input() -> _LastInput:
    """The one input watcher, however many practice windows come and go."""
    global _last_input
    if _last_input is None:
        _last_input = _LastInput(time.monotonic)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(_last_input.watch)
            _last_input.watch(app.focusWindow())
    return _last_input


class _HiddenWindow:
    """A window put away while the app is locked, brought back as it was: in the same place
    and size (shown again, a window manager places a window anew, lower by its title bar),
    and with the line being typed in as it was. A dialog shown again gives its field the
    focus as if Tab had reached it, which selects all of it: the next key replaced what
    had been typed (found by a first-time user)."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.place, self.size = window.pos(), window.size()
        focus = self.focus = window.focusWidget()
        if isinstance(focus, QAbstractSpinBox):
            focus = focus.findChild(QLineEdit)
        self.line = focus if isinstance(focus, QLineEdit) else None
        if self.line is not None:
            self.cursor = self.line.cursorPosition()
            self.selection = (self.line.selectionStart(), self.line.selectionLength())

    def show_again(self) -> None:
        self.window.show()
        QWidget.resize(self.window, self.size)
        QWidget.move(self.window, self.place)
        if self.focus is not None and self.focus.isVisible():
            self.focus.setFocus()
        if self.line is not None:
            self.line.deselect()
            self.line.setCursorPosition(self.cursor)
            if self.selection[1]:
                self.line.setSelection(*self.selection)


def _out_of_menu_bar(focus: QWidget | None) -> QWidget | None:
    """Where the keys go once a menu bar gives them back. A menu opened by Alt takes the
    focus to its bar; closed by the lock, it left the bar holding the focus without its
    menu, and after the unlock every key went nowhere (found by a first-time user). Esc
    is how the bar gives the focus back to the field it came from."""
    if not isinstance(focus, QMenuBar):
        return focus
    QApplication.sendEvent(focus, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                            Qt.KeyboardModifier.NoModifier))
    return focus.window().focusWidget()


class Locker(QObject):
    """One per open practice. ``host`` says which window shows the lock screen now."""

    locked_changed = Signal(bool)

    def __init__(self, db: Database, host: Callable[[], LockHost], parent: QObject) -> None:
        super().__init__(parent)
        self.db, self._host = db, host
        self.locked = False
        self.failed_at: list[datetime] = []
        self._hidden: list[_HiddenWindow] = []
        self._focus: QWidget | None = None
        self._active: QWidget | None = None
        self._locked_host: LockHost | None = None
        self._input = last_input()
        self._input.lock_key.connect(self._lock_key)
        self._unlocked_at = self._input.monotonic()
        self._idle = QTimer(self)
        self._idle.timeout.connect(self.check_idle)
        self._idle.start(1000)
        # after the window is painted: connecting to the buses (QtDBus's import) is no part
        # of start-up, and nobody locks the screen in the app's first half second
        QTimer.singleShot(WATCH_DELAY_MS, self, lambda: watch_screen_lock(self))  # not if gone

    # when ----------------------------------------------------------------------------
    def lock_after_min(self) -> int:
        practice = get_practice(self.db) or {}
        return int(practice.get("lock_after_min") or LOCK_AFTER_DEFAULT_MIN)

    def check_idle(self) -> None:
        """Idle since the last input, or since the last unlock when that came later."""
        since = max(self._input.at, self._unlocked_at)
        now = self._input.monotonic()
        # the setting is read only once a lock could be due, never on every tick
        if self.locked or not idle_due(since, now, LOCK_AFTER_RANGE_MIN[0]):
            return
        if not self._host().isVisible():  # nothing on screen to lock
            return
        minutes = self.lock_after_min()
        if idle_due(since, now, minutes):
            self.lock(f"after {minutes} min without use")

    @Slot(bool)
    def screen_locked(self, active: bool) -> None:
        """The desktop's screen saver or lock became active, or the laptop is going to sleep
        (a lid closed); ``False`` (it ended) leaves the app locked."""
        if active:
            self.lock("the screen locked or the laptop went to sleep")

    def _lock_key(self) -> None:
        self.lock("on Ctrl+L")

    # lock and unlock -----------------------------------------------------------------
    def lock(self, reason: str = "on Ctrl+L") -> None:
        host = self._host()
        if self.locked or not host.isVisible():  # a closed practice has nothing to lock
            return
        self.locked = True
        # The window's own memory of its focus: the app's may be empty when the window is
        # not active, and a clicked button never takes it.
        focus = host.focusWidget()
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not host]
        popups = [w for w in shown if w.windowType() == Qt.WindowType.Popup]
        # the windows as they are with the menu or list still open, before it closes: its
        # closing moves a dialog's focus on to the next field (found by a first-time user)
        kept = [_HiddenWindow(w) for w in shown if w not in popups]
        active = QApplication.activeWindow()
        self._active = active.parentWidget().window() if active in popups and \
            active.parentWidget() is not None else active
        for popup in popups:
            popup.close()  # an open menu or list is gone after the lock, not brought back
        self._focus = _out_of_menu_bar(focus)
        for window in kept:
            window.window.hide()
        self._hidden = kept
        host.lock_screen.prepare(has_passphrase=passphrase_of(self.db) is not None)
        host.lock_screen.unlock_requested.connect(self.try_unlock)
        host.set_locked(True)
        # Focus once the screen shows: set while it was hidden, the page switch would move
        # it, and the first keys of the passphrase would go astray.
        host.activateWindow()
        host.lock_screen.take_focus()
        self._locked_host = host
        self._write(lambda: audit(self.db, "locked", detail=reason))
        self.locked_changed.emit(True)

    def try_unlock(self, typed: str) -> bool:
        host = self._locked_host
        if not self.locked or host is None:
            return True
        secret = passphrase_of(self.db)
        if secret is not None and not hmac.compare_digest(typed.encode(), secret.encode()):
            self.failed_at.append(utc_now())
            host.lock_screen.refused(len(self.failed_at))
            return False
        host.lock_screen.unlock_requested.disconnect(self.try_unlock)
        host.lock_screen.passphrase.clear()  # the typed passphrase leaves the field
        host.set_locked(False)
        for hidden in self._hidden:
            hidden.show_again()
        self._hidden = []
        if self._active is not None and self._active.isVisible():
            self._active.activateWindow()
        if self._focus is not None and self._focus.isVisible():
            self._focus.setFocus()
        failures, self.failed_at = self.failed_at, []
        self._write(lambda: unlocked(self.db, failures=failures, how="after a lock"))
        self.locked = False
        self._locked_host = None
        self._unlocked_at = self._input.monotonic()
        self.locked_changed.emit(False)
        return True

    def _write(self, op: Callable[[], object]) -> None:
        """The audit row; a failing disk must not keep the therapist locked out."""
        try:
            op()
        except Exception:
            log.exception("could not write to the audit trail")


SCREEN_SIGNALS = (  # (bus, service, path, interface, signal): where Qt can tell
    ("session", "", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
     "ActiveChanged"),
    ("session", "", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged"),
    ("system", "org.freedesktop.login1", "/org/freedesktop/login1",
     "org.freedesktop.login1.Manager", "PrepareForSleep"),
)


def watch_screen_lock(locker: Locker) -> int:
    """Listen on D-Bus (local, never the network) for the desktop's screen lock and for
    sleep; returns how many of those signals could be watched (none without D-Bus)."""
    try:
        from PySide6.QtDBus import QDBusConnection
    except ImportError:
        return 0
    watched = 0
    for bus_name, service, path, interface, name in SCREEN_SIGNALS:
        bus = (QDBusConnection.sessionBus() if bus_name == "session"
               else QDBusConnection.systemBus())
        # Qt's SLOT() form ("1" + signature); a bare signature is silently refused
        if bus.isConnected() and bus.connect(service, path, interface, name, locker,
                                             SLOT("screen_locked(bool)")):
            watched += 1
    return watched
