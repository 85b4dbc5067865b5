"""The wait after a wrong passphrase, shared by the unlock screen at start and the lock
screen: the field and button rest, the message counts the seconds down (from a monotonic
deadline, not from ticks), and then says to try again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from kapdesk.domain.locking import retry_wait_s

REFUSED = "That passphrase does not open this practice. Nothing was changed."


class RetryWait(QObject):
    def __init__(self, message: QLabel, resting: tuple[QWidget, ...],
                 ready: Callable[[], None], parent: QObject,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.message, self.resting, self.ready, self.monotonic = (message, resting, ready,
                                                                  monotonic)
        self.deadline = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(250)  # a count that never shows a stale second for long
        self.timer.timeout.connect(self._update)

    def isActive(self) -> bool:  # noqa: N802 (read like QTimer's)
        return self.timer.isActive()

    def start(self, failures: int) -> None:
        self.deadline = self.monotonic() + retry_wait_s(failures)
        for widget in self.resting:
            widget.setEnabled(False)
        self.timer.start()
        self._update()

    def _update(self) -> None:
        left = math.ceil(self.deadline - self.monotonic())
        if left > 0:
            self.message.setText(f"{REFUSED} You can try again in {left} s.")
            return
        self.timer.stop()
        self.message.setText(f"{REFUSED} Try again.")
        for widget in self.resting:
            widget.setEnabled(True)
        self.ready()
