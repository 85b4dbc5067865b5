"""Every window fits the screen it opens on, and the big windows reopen as they were left.

Each top-level window calls :func:`keep_on_screen` once (the form base class does it for every
form); tests/test_screens_fit.py walks every window to catch one that forgets. The filter sits
on that window alone: a Python event filter on the whole application sees every event of
every widget, which is slow and, with PySide6, has crashed on item views' internal widgets.
A window is fitted when first shown: never larger than the screen's free area (leaving room
for the title bar), never placed off it. Main windows remember their size and maximized
state in ``window-state.json`` in the data folder.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from kapdesk.paths import data_dir

log = logging.getLogger("kapdesk")

# Room a window manager takes for a title bar and borders, which Qt learns only after the
# window is mapped.
FRAME_ALLOWANCE = (16, 40)


def state_file() -> Path:
    return data_dir() / "window-state.json"


def _load() -> dict[str, dict]:
    try:
        data = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(window: QMainWindow) -> None:
    """Keep the window's size and maximized state for the next time it opens. Not its
    place: the window manager places a window with its title bar in view, whereas a
    restored position lands the title bar above the screen under some (openbox)."""
    states = _load()
    size = window.normalGeometry().size() if window.isMaximized() else window.size()
    states[_key(window)] = {"width": size.width(), "height": size.height(),
                            "maximized": window.isMaximized()}
    try:
        state_file().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # owner-only, like every file in the data folder
        fd = os.open(state_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(states, indent=1))
        os.chmod(state_file(), 0o600)  # written 0644 by an earlier version
    except OSError as exc:  # a window size is never worth an error message
        log.warning("window size not remembered: %s", exc)


def _key(window: QWidget) -> str:
    return type(window).__name__


def usable_area(window: QWidget) -> QRect:
    screen = window.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry()
    return area.adjusted(0, 0, -FRAME_ALLOWANCE[0], -FRAME_ALLOWANCE[1])


def fit(window: QWidget) -> None:
    """Shrink the window to the usable area and bring it fully onto the screen."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = usable_area(window)
    width = min(window.width(), area.width())
    height = min(window.height(), area.height())
    if (width, height) != (window.width(), window.height()):
        QWidget.resize(window, width, height)
    x = min(max(window.x(), area.left()), area.right() - window.width() + 1)
    y = min(max(window.y(), area.top()), area.bottom() - window.height() + 1)
    if (x, y) != (window.x(), window.y()):
        # QWidget's own move: a window may name a method of its own move (the music library).
        QWidget.move(window, max(x, area.left()), max(y, area.top()))


def grow_to_content(window: QWidget) -> None:
    """Make room for what just appeared (an error line), as far as the screen allows."""
    if window.isVisible():
        _grow(window)
        fit(window)


def _grow(window: QWidget) -> None:
    if window.layout() is not None:
        window.layout().activate()
    wanted = window.sizeHint()
    QWidget.resize(window, max(window.width(), wanted.width()),
                   max(window.height(), wanted.height()))


def _restore(window: QMainWindow, maximized_first: bool) -> None:
    saved = _load().get(_key(window))
    if isinstance(saved, dict):
        try:
            QWidget.resize(window, int(saved["width"]), int(saved["height"]))
            maximized = bool(saved["maximized"])
        except (KeyError, TypeError, ValueError):
            maximized = maximized_first
    else:
        maximized = maximized_first
    if maximized:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


class _Fitter(QObject):
    def __init__(self, window: QWidget, maximized_first: bool) -> None:
        super().__init__(window)
        self.maximized_first = maximized_first
        self.fitted = False  # fitted once, when first shown; later the therapist decides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        try:
            self._handle(watched, event)
        except Exception:  # an exception escaping an event filter crashes PySide6
            log.exception("window fitting failed")
        return False

    def _handle(self, watched: QObject, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.Show and not self.fitted:
            self.fitted = True
            if isinstance(watched, QMainWindow):
                _restore(watched, self.maximized_first)
            else:  # Qt opens a dialog at most 2/3 of the screen high: use what is there
                _grow(watched)
            fit(watched)
        elif kind == QEvent.Type.Close and isinstance(watched, QMainWindow):
            remember(watched)


def keep_on_screen(window: QWidget, *, maximized_first: bool = False) -> None:
    """Fit ``window`` to the screen when it first shows; a main window also reopens with
    the size and maximized state it was closed with (``maximized_first``: maximized until
    the therapist chooses otherwise)."""
    window.installEventFilter(_Fitter(window, maximized_first))
