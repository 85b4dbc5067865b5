"""The calm line across the top of a window when the disk refuses the practice: a damaged
file, a read-only one, a full or failing disk. Said once, however many writes fail; it goes
away by itself when a write succeeds again after a full or failing disk. No sound, no
flashing, no box to dismiss."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kapdesk.practice.trouble import BANNER, PASSING, Trouble
from kapdesk.ui.ops import changes
from kapdesk.ui.widgets import label


class TroubleBanner(QFrame):
    def __init__(self, restore: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.setObjectName("trouble")
        self.trouble: Trouble | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        self.text = label(name="warning", wrap=True)
        row.addWidget(self.text, 1)
        self.restore_button = QPushButton("Restore a good backup…  Ctrl+B")
        self.restore_button.setAutoDefault(False)
        if restore is not None:
            self.restore_button.clicked.connect(restore)
        row.addWidget(self.restore_button)
        self.restore_button.setVisible(False)
        self._can_restore = restore is not None
        self.hide()
        if changes().lasting is not None:
            self.say(changes().lasting)
        changes().trouble.connect(self._reported)
        changes().changed.connect(self._write_succeeded)

    def _reported(self, kind: str) -> None:
        if kind:
            self.say(Trouble(kind))
        else:
            self._write_succeeded(None)

    def say(self, trouble: Trouble) -> None:
        if self.trouble is not None and self.trouble not in PASSING and trouble in PASSING:
            return  # the lasting trouble stays said
        self.trouble = trouble
        self.text.setText(BANNER[trouble])
        self.restore_button.setVisible(self._can_restore and trouble is Trouble.DAMAGED)
        self.show()

    def _write_succeeded(self, _change: object) -> None:
        if self.trouble in PASSING:
            self.trouble = None
            self.hide()


def with_banner(content: QWidget, banner: TroubleBanner) -> QWidget:
    """``content`` with the banner above it, as a window's central widget."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(banner)
    column.addWidget(content, 1)
    return holder
