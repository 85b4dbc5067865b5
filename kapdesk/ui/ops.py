"""One way for a window to run an operation on the practice, as anki's ``CollectionOp``.

:func:`run_op` runs the operation. A refusal in the therapist's words (a ``KapdeskError``, or
a database constraint the rules let through) is shown in the window the action came from.
Anything unexpected is logged and the window says plainly that nothing saved before was lost:
every operation is one transaction, so a failed one leaves the record as it was.

On success it announces a :class:`Change` on one app-wide signal, :func:`changes`. Windows
that show practice data refresh from that signal (:func:`follow_changes`) instead of calling
each other's ``reload()``; a hidden window refreshes when it is next shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from kapdesk.domain.errors import InvalidInput
from kapdesk.practice.trouble import NOT_SAVED, PASSING, Trouble, trouble_of
from kapdesk.ui.errors import REFUSALS, message

log = logging.getLogger("kapdesk")

T = TypeVar("T")

UNEXPECTED = ("Something unexpected stopped this, so it was not saved. Everything saved "
              "before it is safe; the details are in the log.")


@dataclass(frozen=True)
class Change:
    """What an operation changed. ``None`` means it may have touched anything."""

    client_id: int | None = None
    session_id: int | None = None

    def touches_session(self, session_id: int) -> bool:
        return self.session_id is None or self.session_id == session_id


ANYTHING = Change()


@dataclass(frozen=True)
class Refusal:
    """What a window shows instead of the result: a sentence, and the field it is about."""

    text: str
    field: str | None = None
    cause: BaseException | None = None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None


class _Changes(QObject):
    changed = Signal(object)  # a Change
    trouble = Signal(str)  # a Trouble: the disk, not the therapist, refused a write

    def __init__(self) -> None:
        super().__init__()
        self.lasting: Trouble | None = None  # damaged or read-only: said by every new window


_hub: _Changes | None = None


def changes() -> _Changes:
    """The app-wide "the practice changed" signal."""
    global _hub
    if _hub is None:
        _hub = _Changes()
    return _hub


def run_op(op: Callable[[], T], *, show: Callable[[Refusal], None],
           change: Change | Callable[[T], Change] = ANYTHING,
           labels: dict[str, str] | None = None) -> Outcome[T]:
    try:
        value = op()
    except REFUSALS as exc:
        show(Refusal(message(exc, labels),
                     exc.field if isinstance(exc, InvalidInput) else None, exc))
        return Outcome(False)
    except Exception as exc:
        trouble = trouble_of(exc)
        if trouble is Trouble.READ_ONLY and changes().lasting is not None:
            trouble = changes().lasting  # SQLite's refusal on a damaged file, kept read-only
        if trouble is not None:  # said where it was typed, and once in the banner
            show(Refusal(NOT_SAVED[trouble], cause=exc))
            report_trouble(trouble)
            return Outcome(False)
        log.exception("an operation failed")
        show(Refusal(UNEXPECTED))
        return Outcome(False)
    announce(change(value) if callable(change) else change)
    return Outcome(True, value)


def report_trouble(trouble: Trouble | None) -> None:
    """Tell every window the disk refused a write (the banner says it once), or, with
    ``None``, that a write refused before has now been saved."""
    if trouble is None:
        changes().trouble.emit("")
        return
    log.warning("a write was refused: %s", trouble)
    if trouble not in PASSING:
        changes().lasting = trouble
    changes().trouble.emit(str(trouble))


def announce(change: Change) -> None:
    """Tell every window the practice changed (a write made outside :func:`run_op`)."""
    changes().changed.emit(change)


class _Follower(QObject):
    """Calls ``refresh`` for each change a visible window cares about; a hidden window is
    refreshed once, when it is shown again. A failing refresh is logged, never raised out of
    a slot (which would take the app down)."""

    def __init__(self, window: QWidget, refresh: Callable[[], None],
                 cares: Callable[[Change], bool]) -> None:
        super().__init__(window)
        self._window, self._refresh, self._cares = window, refresh, cares
        self._stale = False
        changes().changed.connect(self._changed)
        window.installEventFilter(self)

    def _changed(self, change: Change) -> None:
        if not self._cares(change):
            return
        if self._window.isVisible():
            self._run()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show and self._stale:
            self._run()
        return False

    def _run(self) -> None:
        self._stale = False
        try:
            self._refresh()
        except Exception:
            log.exception("a window could not refresh after a change")


def follow_changes(window: QWidget, refresh: Callable[[], None],
                   cares: Callable[[Change], bool] = lambda _change: True) -> None:
    """Refresh ``window`` from the app-wide signal, for as long as the window exists."""
    _Follower(window, refresh, cares)
