"""A past preparation or integration session, read-only: its notes in time order."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QListWidget, QVBoxLayout, QWidget

from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vocabulary import NOTE_KINDS, SESSION_KINDS
from kapdesk.practice.queries import Database, load_session
from kapdesk.ui.models import when
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label


class NotesReview(QDialog):
    def __init__(self, db: Database, session_id: int, at: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        record = load_session(db, session_id)
        s = record.session
        title = (f"{record.client['display_name']} · {SESSION_KINDS[s['kind']]}"
                 + (f" {s['number']}" if s["number"] else ""))
        self.setWindowTitle(f"kapdesk · {SESSION_KINDS[s['kind']]}")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(title, "title"))
        layout.addWidget(label(when(s["started_at"] or s["scheduled_for"]), "muted"))
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes, 1)
        for note in record.notes:
            self.notes.addItem(f"{local(parse_instant(note['at'])):%H:%M}  "
                               f"{NOTE_KINDS[note['kind']]}: {note['body']}")
            if note["at"] == at:
                self.notes.setCurrentRow(self.notes.count() - 1)
