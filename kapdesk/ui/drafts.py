"""A note editor whose text is kept as a draft while it is typed, and becomes a note (timed
when typing began) when committed. Shared by the session window and the integration one.

The draft is throttled, not debounced: the first key after a save starts a short timer that
later keys do not restart, so steady typing reaches the file every half second instead of
waiting for a pause that may never come before the laptop dies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from kapdesk.domain.timeutil import parse_instant
from kapdesk.practice.drafts import commit_draft, save_draft
from kapdesk.practice.queries import Database, get_draft
from kapdesk.practice.trouble import NOT_SAVED, PASSING, trouble_of
from kapdesk.ui.ops import Change, report_trouble, run_op

# Typed text is in the file at most this long (plus one write) after its key.
DRAFT_LAG_MS = 500
RETRY_MS = 5000


class DraftKeeper(QObject):
    def __init__(self, db: Database, editor: QPlainTextEdit, state: QLabel, *,
                 now: Callable[[], datetime], kind: Callable[[], str]) -> None:
        super().__init__(editor)
        self.db, self.editor, self.state, self.now, self.kind = db, editor, state, now, kind
        self.session_id: int | None = None
        self.started: datetime | None = None
        self.timer = QTimer(self, singleShot=True, interval=DRAFT_LAG_MS)
        self.timer.timeout.connect(self.save_now)
        # a full or failing disk: the words stay on screen and are tried again
        self.retry = QTimer(self, singleShot=True)
        self._troubled = False
        self.retry.timeout.connect(self.save_now)
        editor.textChanged.connect(self._typed)

    def restore(self, session_id: int) -> dict[str, Any] | None:
        """Bring back the draft left when the app last closed, if any."""
        self.session_id = session_id
        draft = get_draft(self.db, session_id)
        self._set_text(draft["body"] if draft else "")
        self.started = parse_instant(draft["started_at"]) if draft else None
        if draft:
            self.editor.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on after it
            self.state.setText("draft restored")
        return draft

    def _typed(self) -> None:
        """A note's time is when its typing began: a box emptied and typed into again
        begins a new note (its words were filed under the old draft's time, seen in the
        real app)."""
        if not self.editor.toPlainText().strip():
            self.started = None
        elif self.started is None:
            self.started = self.now()
        self.state.setText("typing…")
        if not self.timer.isActive():
            self.timer.start()

    def save_now(self) -> None:
        self.timer.stop()
        if self.session_id is None:
            return
        text = self.editor.toPlainText()
        try:
            save_draft(self.db, self.session_id, self.kind(), text,
                       at=self.started or self.now())
        except Exception as exc:
            trouble = trouble_of(exc)
            if trouble is None:
                raise
            self.state.setText(NOT_SAVED[trouble])
            if not self._troubled:  # said once, however often it is retried
                report_trouble(trouble)
            self._troubled = True
            if trouble in PASSING:
                self.retry.start(RETRY_MS)
            return
        if self._troubled:
            self._troubled = False
            report_trouble(None)
        self.state.setText("draft saved" if text.strip() else "")

    def flush(self) -> None:
        """Save typing still waiting for the timer (the window is closing)."""
        if self.timer.isActive():
            self.save_now()

    def commit(self, *, shareable: bool = False) -> datetime | None:
        """Turn the text into a note and clear the editor; the note's time (when its typing
        began), or None when there was nothing to save. A refusal is said in the draft's
        state line and leaves the text and the draft as they are."""
        body = self.editor.toPlainText().strip()
        session_id = self.session_id
        if not body or session_id is None:
            return None
        at = self.started or self.now()
        outcome = run_op(lambda: commit_draft(self.db, session_id, self.kind(), body, at=at,
                                              shareable=shareable),
                         show=lambda refusal: self.state.setText(refusal.text),
                         change=Change(session_id=session_id))
        if not outcome.ok:
            return None
        self.timer.stop()
        self._set_text("")
        self.started = None
        self.state.setText("saved")
        return at

    def _set_text(self, text: str) -> None:
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
