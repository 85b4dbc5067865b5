"""What happened around one moment, shown in the panel area: the phase, what was playing and
everything recorded within five minutes. It takes the place of the note panel, so the window
never grows; Esc (or any action key) returns to the keys."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from kapdesk.domain.review import Moment
from kapdesk.domain.timeutil import local, nearest
from kapdesk.ui.widgets import show_current_when_laid_out


class MomentPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("sessionPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(6)
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.entries = QListWidget()
        self.entries.setObjectName("momentList")
        self.entries.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys keep working
        self.entries.setWordWrap(True)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hint = QLabel("Esc returns to the keys")
        self.hint.setObjectName("muted")
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.hint)

    def show_moment(self, at: datetime, moment: Moment, *, live: bool) -> None:
        music = f"playing “{moment.playing}”" if moment.playing else "no music playing"
        self.title.setText(f"Around {local(at):%H:%M}")
        self.summary.setText(f"{moment.phase} · {music}")
        self.hint.setText("Esc returns to the keys" if live else "Esc closes this")
        self.entries.clear()
        for entry in moment.nearby:
            self.entries.addItem(f"{local(entry.at):%H:%M}  {entry.text}")
        if not moment.nearby:
            self.entries.addItem("nothing recorded within five minutes")
            return
        # The entry at the moment itself (a search result opened here) is marked and in
        # view, not below the five minutes before it.
        self.entries.setCurrentRow(nearest([entry.at for entry in moment.nearby], at) or 0)
        show_current_when_laid_out(self.entries)

    def text(self) -> str:
        """Everything the panel shows, as one text."""
        lines = [self.title.text(), self.summary.text()]
        lines += [self.entries.item(i).text() for i in range(self.entries.count())]
        return "\n".join(lines)
