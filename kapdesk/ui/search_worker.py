"""Search as the therapist types, off the UI thread: one worker thread with its own
read-only connection (opened once: an encrypted practice's key takes a moment to derive),
answering only the newest question; older ones still waiting are dropped."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kapdesk.practice.queries import find_notes, open_read_only

Answer = Callable[[int, object], None]  # the question's number, and what was found or error
# number, words, client id, newest first, and the page: how many, after how many
Question = tuple[int, str, Any, bool, int, int]


class SearchWorker:
    def __init__(self, practice: Path, passphrase: str | None, answer: Answer) -> None:
        self.practice, self.passphrase, self.answer = practice, passphrase, answer
        self._questions: queue.Queue[Question | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def ask(self, number: int, text: str, client_id: int | None,
            newest_first: bool = False, limit: int = 50, offset: int = 0) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._answer_questions,
                                            name="kapdesk-search", daemon=True)
            self._thread.start()
        self._questions.put((number, text, client_id, newest_first, limit, offset))

    def stop(self) -> None:
        if self._thread is not None:
            self._questions.put(None)

    def _answer_questions(self) -> None:
        try:
            db = open_read_only(self.practice, passphrase=self.passphrase)
        except Exception as exc:  # said by the first answer; the dialog searches itself
            self.answer(-1, exc)
            return
        try:
            while (question := self._newest()) is not None:
                number, text, client_id, newest_first, limit, offset = question
                try:
                    rows: object = find_notes(db, text, client_id=client_id,
                                              newest_first=newest_first, limit=limit,
                                              offset=offset)
                except Exception as exc:  # the dialog says what went wrong
                    rows = exc
                try:
                    self.answer(number, rows)
                except RuntimeError:  # the dialog is gone
                    return
        finally:
            db.close()

    def _newest(self) -> Question | None:
        question = self._questions.get()
        while question is not None:
            try:
                later = self._questions.get_nowait()
            except queue.Empty:
                break
            question = later
        return question
