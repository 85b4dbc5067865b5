"""Python's cycle collector, run on the UI thread only.

CPython collects cycles in whichever thread happens to allocate past a threshold. kapdesk
has threads of its own (the audio warm-up importing pygame, the search, the checkpoint,
the backups), and a collection on one of them frees every unreachable cycle, Qt widgets of
the UI thread among them; Qt deleting a widget from another thread crashed the process (a
segmentation fault caught in the tests while the audio warm-up imported pygame). So the
automatic collector is turned off, and a timer on the UI thread runs the collection that
CPython would have run, when the same generation thresholds are passed.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 100  # cheap (three counters); a young generation stays small between checks


class UiThreadCollector(QObject):
    """Owned by the application; :func:`collect_on_ui_thread` installs it once."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("kapdesk-ui-thread-collector")
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.collect_if_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def collect_if_due(self) -> None:
        """The oldest generation whose count passed its threshold, as CPython chooses."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if thresholds[0] == 0:  # collection switched off on purpose (gc.set_threshold(0))
            return
        due = [generation for generation in (2, 1, 0)
               if counts[generation] > thresholds[generation]]
        if due:
            gc.collect(due[0])


def collect_on_ui_thread(app: QObject) -> UiThreadCollector:
    """Call from the UI thread once the application exists; a second call finds the first."""
    existing = app.findChild(UiThreadCollector, "kapdesk-ui-thread-collector")
    if existing is not None:
        return existing
    collector = UiThreadCollector(app)
    collector.start()
    return collector
