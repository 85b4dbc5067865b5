"""Notes: a box always one key away. Ctrl+1-4 choose the kind, Enter saves the note,
Shift+Enter starts a new line; what is typed is kept as a draft as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.timeutil import local
from kapdesk.domain.vocabulary import NOTE_KINDS, PRIVATE_NOTE_KINDS
from kapdesk.practice.queries import Database
from kapdesk.ui.drafts import DraftKeeper

LIVE_KINDS = ("observation", "client_words", "process", "summary")
SHORT_KINDS = {"summary": "For the prescriber"}  # the buttons fit beside the session log


class NoteBox(QPlainTextEdit):
    commit = Signal()
    leave = Signal()
    kind_key = Signal(int)  # Ctrl+1-4 while typing: 0-3

    # The hint says what a key does now: in the box, N is a letter (after Enter saved a
    # note, "N to write a note" made the next note begin with an "n").
    WAITING = "N to write a note · Enter saves it · Shift+Enter new line · Esc back to single keys"
    TYPING = "Type the note · Enter saves it · Shift+Enter new line · Esc back to single keys"

    def __init__(self) -> None:
        super().__init__()
        self.setPlaceholderText(self.WAITING)

    def focusInEvent(self, event) -> None:  # noqa: N802
        self.setPlaceholderText(self.TYPING)
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.setPlaceholderText(self.WAITING)
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_4:
            self.kind_key.emit(event.key() - Qt.Key.Key_1)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.commit.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.leave.emit()
            return
        super().keyPressEvent(event)


class NotesPanel(QWidget):
    saved = Signal(str)

    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.db, self.now = db, now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        title = QLabel("Note  N     kind: Ctrl+1-4")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QPushButton] = {}
        for index, kind in enumerate(LIVE_KINDS, start=1):
            button = QPushButton(f"{index}  {SHORT_KINDS.get(kind, NOTE_KINDS[kind])}")
            button.setToolTip(f"{NOTE_KINDS[kind]}  (Ctrl+{index})")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName("kindButton")
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            button.clicked.connect(lambda _=False, k=kind: self.set_kind(k))
            kinds.addWidget(button)
        kinds.addStretch(1)
        layout.addLayout(kinds)
        self.box = NoteBox()
        self.box.setTabChangesFocus(True)
        self.box.commit.connect(self.commit)
        self.box.kind_key.connect(lambda index: self.choose_kind(index, focus=True))
        layout.addWidget(self.box, 1)
        bottom = QHBoxLayout()
        self.share = QCheckBox("share with the prescriber")
        self.share.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.state = QLabel()
        self.state.setObjectName("muted")
        bottom.addWidget(self.share)
        bottom.addStretch(1)
        bottom.addWidget(self.state)
        layout.addLayout(bottom)
        self.draft = DraftKeeper(db, self.box, self.state, now=now, kind=lambda: self.kind)
        self.set_kind("observation")

    @property
    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def choose_kind(self, index: int, *, focus: bool = False) -> None:
        self.set_kind(LIVE_KINDS[index], focus=focus)

    def set_kind(self, kind: str, *, focus: bool = False) -> None:
        self.kind_buttons[kind].setChecked(True)
        private = kind in PRIVATE_NOTE_KINDS
        self.share.setEnabled(not private)
        self.share.setChecked(kind == "summary")
        self.share.setToolTip("Process notes are private and never exported" if private else "")
        if self.box.toPlainText().strip():
            self.draft.save_now()
        if focus:
            self.box.setFocus()

    def load(self, session_id: int) -> None:
        """Show the session's draft, if typing was under way when the app last closed."""
        draft = self.draft.restore(session_id)
        if draft:
            self.set_kind(draft["kind"])
            self.state.setText("draft restored")

    def flush(self) -> None:
        self.draft.flush()

    def typed(self) -> str:
        """The words in the box, not yet saved as a note."""
        return self.box.toPlainText().strip()

    def commit(self) -> datetime | None:
        """Save the box as a note; its time (when its typing began), or None when there
        was nothing to save or the save was refused (said in the box's state line)."""
        kind = self.kind
        at = self.draft.commit(shareable=self.share.isChecked() and self.share.isEnabled())
        if at is not None:  # the time the log shows it under: when its typing began
            self.saved.emit(f"{NOTE_KINDS[kind]} note of {local(at):%H:%M} saved")
        return at
