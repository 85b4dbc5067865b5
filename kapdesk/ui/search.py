"""Search every note (or one client's): most relevant or newest first, the matched words lit,
and each result opens its session at that moment."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vocabulary import NOTE_KINDS, SESSION_KINDS
from kapdesk.practice.queries import (
    MARK_END,
    MARK_START,
    Database,
    Found,
    find_notes,
    list_clients,
    passphrase_of,
)
from kapdesk.practice.trouble import Trouble, trouble_of
from kapdesk.ui.ops import report_trouble
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.search_worker import SearchWorker
from kapdesk.ui.theme import COLORS
from kapdesk.ui.widgets import label, show_current_when_laid_out

# The list's own item padding (theme: QListWidget::item, 6px 8px) and a little air.
ITEM_PADDING = (20, 16)
# Results come 50 at a time, up to 500: past that, more words find a note sooner than
# reading on would (and each result is a laid-out row of its own).
PAGE, MOST = 50, 500


def snippet_html(snippet: str) -> str:
    text = html.escape(snippet)
    return (text.replace(MARK_START, f"<b style='color:{COLORS['incomplete']}'>")
            .replace(MARK_END, "</b>"))


class ResultList(QListWidget):
    chosen = Signal(int)
    up_and_out = Signal()  # Up on the first result: back to the search words

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.chosen.emit(self.currentRow())
            return
        if event.key() == Qt.Key.Key_Up and self.currentRow() <= 0:
            self.up_and_out.emit()
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    open_note = Signal(int, str)  # session id, the note's instant (ISO)
    answered = Signal(int, object)  # from the worker's thread: question number, rows

    def __init__(self, db: Database, parent: QWidget | None = None,
                 practice: str = "") -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        self.results: list[dict] = []
        self.setWindowTitle("Search notes")
        self.resize(860, 600)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Words from any note, e.g. grandmother kitchen")
        self.client = QComboBox()
        self.client.addItem("All clients", None)
        for row in list_clients(db, include_archived=True):
            self.client.addItem(row["display_name"], row["id"])
        self.newest_first = QCheckBox("&Newest first")  # Alt+N
        self.newest_first.setToolTip("Latest notes first, instead of the most relevant")
        self.list = ResultList()
        self.list.itemActivated.connect(lambda item: self.choose(self.list.row(item)))
        self.list.chosen.connect(self.choose)
        self.list.up_and_out.connect(self.query.setFocus)
        # Ctrl+F, as in the practice window: back to the words, ready to be replaced.
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._to_words)
        self.count = label(name="muted", wrap=True)  # wraps: the window never grows for it
        # Room for two lines always: "Searching…" and a wrapped count take the same height,
        # so the results do not jump as one types.
        self.count.setMinimumHeight(2 * self.count.fontMetrics().lineSpacing())
        self.count.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.more = QPushButton(f"Show {PAGE} more  Alt+M")
        self.more.setAutoDefault(False)  # Enter in the search words opens the results only
        self.more.setToolTip("The next notes of this search, below the ones shown")
        self.more.clicked.connect(self.show_more)
        # A shortcut, not a mnemonic: with the button hidden, Alt+M would type an "m".
        QShortcut(QKeySequence("Alt+M"), self, activated=self.show_more)
        self.more.hide()
        self._continue_at: int | None = None  # the results asked for come below these
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.client)
        top.addWidget(self.newest_first)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label("Search notes", "title"))
        layout.addLayout(top)
        counted = QHBoxLayout()
        counted.addWidget(self.count, 1)
        counted.addWidget(self.more)
        layout.addLayout(counted)
        layout.addWidget(self.list, 1)
        layout.addWidget(label("Enter or double-click opens the session at that moment.",
                               "muted"))
        self._asked = 0  # the number of the newest search asked for
        self._worker = (SearchWorker(Path(practice), passphrase_of(db), self.answered.emit)
                        if practice else None)
        self.answered.connect(self._answered)
        self.finished.connect(lambda _result: self._worker and self._worker.stop())
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.ask)
        self.query.textChanged.connect(self._typed)
        self.client.currentIndexChanged.connect(self._client_changed)
        self.newest_first.toggled.connect(self._order_changed)
        self.query.returnPressed.connect(self._to_results)
        self.query.installEventFilter(self)

    def _typed(self) -> None:
        """The list still shows the last words' notes until the new ones come (found by a
        first-time user: "garden" lit while the box said "gri"): the line says so."""
        self._start_over()
        self._timer.start()
        if self.query.text().strip():
            self.count.setText("Searching…")

    def _to_words(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def _client_changed(self) -> None:
        self._start_over()
        self.ask()

    def _order_changed(self) -> None:
        self.query.setFocus()  # Alt+N, then typing goes on in the search words
        self._start_over()
        self.ask()

    def _start_over(self) -> None:
        """Another search: its first results, and no "more" of the last one's."""
        self._continue_at = None
        self.more.hide()

    def show_more(self) -> None:
        """The next page below the results shown (only it is searched and laid out: each
        press costs the same); the keyboard goes on at its first result."""
        if not self.more.isVisible():
            return
        self.more.hide()  # one page at a time
        self._continue_at = len(self.results)
        self.count.setText("Searching…")
        self.ask()

    def _to_results(self) -> None:
        self.run()
        if self.list.count():
            self.list.setCurrentRow(0)
            self.list.setFocus()

    def ask(self) -> None:
        """Search for what is typed without holding the window: on the worker's thread
        when the practice is a file; the answer shows when it comes, if still current."""
        self._timer.stop()
        self._asked += 1
        if self._worker is None:
            self.run()
            return
        self._worker.ask(self._asked, self.query.text(), self.client.currentData(),
                         self.newest_first.isChecked(), PAGE, self._continue_at or 0)

    def _answered(self, number: int, rows: object) -> None:
        if number == -1:  # the worker could not open the practice: search here instead
            self._worker = None
            self.run()
        elif number == self._asked:  # not overtaken by later typing
            self.show_results(rows)

    def run(self) -> None:
        """Search now, on this thread (Enter: the therapist wants the results at once)."""
        self._timer.stop()
        self._asked += 1
        try:
            rows: object = find_notes(self.db, self.query.text(),
                                      client_id=self.client.currentData(),
                                      newest_first=self.newest_first.isChecked(),
                                      limit=PAGE, offset=self._continue_at or 0)
        except Exception as exc:
            rows = exc
        self.show_results(rows)

    def show_results(self, rows: object) -> None:
        if isinstance(rows, BaseException):  # a damaged index must not look like "no notes"
            trouble = trouble_of(rows)
            if trouble is None:
                raise rows
            report_trouble(trouble)
            self.list.clear()
            self.more.hide()
            self.count.setText(
                "Search cannot read the notes: the practice file is damaged. Each session's "
                "notes can still be opened from the client's page."
                if trouble is Trouble.DAMAGED else
                "Search cannot read the notes just now: the disk reported an error.")
            return
        assert isinstance(rows, Found)
        below = self._continue_at  # a next page goes under the results shown
        self._continue_at = None
        if below is None:
            self.results = []
            self.list.clear()
        self.results += rows.rows
        for row in rows.rows:
            item = QListWidgetItem()
            self.list.addItem(item)
            self.list.setItemWidget(item, self._result_text(row))
        self._fit_rows(start=below or 0)
        self._place_keyboard(below)
        self._say_count(rows)

    @staticmethod
    def _result_text(row: dict) -> QLabel:
        when = local(parse_instant(row["at"]))
        session = SESSION_KINDS[row["session_kind"]] + (
            f" {row['session_number']}" if row["session_number"] else "") + (
            f" · course {row['course_no']}" if row["course_no"] else "")
        text = QLabel(f"<span style='color:{COLORS['muted']}'>{html.escape(row['client_name'])}"
                      f" · {session} · {when:%a %d %b %Y, %H:%M} · "
                      f"{NOTE_KINDS[row['kind']]}</span><br>{snippet_html(row['snippet'])}")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setContentsMargins(8, 6, 8, 6)
        return text

    def _say_count(self, found: Found) -> None:
        words = self.query.text().strip()
        newest = self.newest_first.isChecked()
        shown, total = len(self.results), found.total
        full = shown >= MOST and total > shown  # the list holds no more than MOST
        rest = (f"the list holds {MOST}; more words narrow the search" if full
                else "more words narrow the search")
        if not words:
            self.count.setText("")
        elif not shown:
            self.count.setText("No note matches.")
        elif found.ranked_among:  # relevance among the latest matches only
            self.count.setText(f"{total:,} notes match: the {shown} most relevant of the "
                               f"latest {found.ranked_among:,}; {rest}")
        elif total > shown:  # the list holds only the first ones: say so
            self.count.setText(f"The {shown} {'newest' if newest else 'most relevant'} of "
                               f"{total:,} notes; {rest}")
        else:
            self.count.setText(f"{shown} note{'s' * (shown != 1)}, "
                               + ("newest first" if newest else "most relevant first"))
        self.more.setVisible(bool(words) and shown < min(total, MOST))

    def _place_keyboard(self, first_new: int | None) -> None:
        """The first result is current from the start; after "more", the first new one,
        in view and with the keyboard in the list."""
        if not self.results:
            return
        if first_new is not None and first_new < len(self.results):
            self.list.setCurrentRow(first_new)
            show_current_when_laid_out(self.list)
            self.list.setFocus()
        elif first_new is None:
            self.list.setCurrentRow(0)

    def _fit_rows(self, start: int = 0) -> None:
        """Each result as tall as its wrapped text at the list's present width, so no line
        is cut in half; done again whenever the width changes (for a new page, its rows)."""
        width = max(self.list.viewport().width() - ITEM_PADDING[0], 200)
        for row in range(start, self.list.count()):
            item = self.list.item(row)
            text = self.list.itemWidget(item)
            text.ensurePolished()
            item.setSizeHint(QSize(width, text.heightForWidth(width) + ITEM_PADDING[1]))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_rows()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """Down from the search words goes to the results, as in any search box (and Up
        from the first result comes back)."""
        if watched is self.query and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down:
            self._to_results()
            return True
        return super().eventFilter(watched, event)

    def choose(self, row: int) -> None:
        result = self.results[row]
        self.open_note.emit(result["session_id"], result["at"])
