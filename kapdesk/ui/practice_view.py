"""What the practice window shows: the practice's name and the clock, the client list with
its search, and the chosen client's page. It holds no data access and decides nothing; the
practice window (:mod:`kapdesk.ui.main_window`) fills it and answers its buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kapdesk.ui.client_page import ClientPage
from kapdesk.ui.models import ClientsModel
from kapdesk.ui.widgets import label, show_current_when_laid_out, table

CELL_PADDING = 30  # the theme's 8 px either side of a cell's text, and room to breathe
NO_CLIENTS = ("No clients yet. Add one with New client (Ctrl+N), or look around the "
              "fictional demo practice first:  kapdesk --demo")


class PracticeView(QWidget):
    def __init__(self, page: ClientPage, *, name: str, is_demo: bool) -> None:
        super().__init__()
        self.page = page
        self.practice_name = label(name, "title")
        self.clock_label = label(name="clock")
        self.date_label = label(name="muted")
        self.clients = ClientsModel(self)
        self.client_filter = QSortFilterProxyModel(self)
        self.client_filter.setSourceModel(self.clients)
        self.client_filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.client_filter.setFilterKeyColumn(0)
        self.client_view = table(self.client_filter, sized_by_rows=False)
        self._fit_client_columns()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a client   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_clients)
        self.search.returnPressed.connect(self.client_view.setFocus)
        self.search.installEventFilter(self)  # Down goes to the list, as Enter does
        self.new_client = QPushButton("New client  Ctrl+N")
        self.show_archived = QCheckBox("Show archived")
        self.empty = label(name="muted", wrap=True)

        splitter = QSplitter()
        splitter.addWidget(self._client_list())
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.page, 1)
        right_layout.addWidget(self.empty)
        splitter.addWidget(right)
        splitter.setSizes([440, 800])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.addLayout(self._header(is_demo))
        layout.addWidget(splitter, 1)

    def _header(self, is_demo: bool) -> QHBoxLayout:
        header = QHBoxLayout()
        header.addWidget(self.practice_name, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addSpacing(10)
        if is_demo:
            header.addWidget(label("DEMO · fictional data", "badge"), 0,
                             Qt.AlignmentFlag.AlignVCenter)
        header.addStretch(1)
        clock_box = QVBoxLayout()
        for clock_line in (self.clock_label, self.date_label):
            clock_line.setAlignment(Qt.AlignmentFlag.AlignRight)
            clock_box.addWidget(clock_line)
        header.addLayout(clock_box)
        return header

    def _client_list(self) -> QWidget:
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.client_view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.new_client)
        bottom.addStretch(1)
        bottom.addWidget(self.show_archived)
        layout.addLayout(bottom)
        return left

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """Down from "Find a client" moves into the list, as in any search box; Esc clears
        it, so the whole list is back (both found by first-time users)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.client_filter.rowCount():
                self.client_view.setFocus()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _filter_clients(self, text: str) -> None:
        """Only the clients whose name holds ``text``; when the one chosen is not among
        them, the first that is becomes the chosen client (never "No client selected"
        beside a list that shows one)."""
        self.client_filter.setFilterFixedString(text)
        if not self.client_filter.rowCount():
            return
        if not self.client_view.currentIndex().isValid():
            self.client_view.selectionModel().setCurrentIndex(
                self.client_filter.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        # A wider filter keeps the chosen client: in view, where the list moved it.
        show_current_when_laid_out(self.client_view)

    def _fit_client_columns(self) -> None:
        """The short columns as wide as their longest possible text, the name given the
        rest (elided past it, whole in its tooltip). Sizing by the rows read every
        client's cells at each start, and cut "thresholds needed" below the first rows;
        it is "needed" under "Thresholds" now, to leave the names more room."""
        header = self.client_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.client_view.fontMetrics()
        for column, texts in ClientsModel.WIDEST.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, max(map(metrics.horizontalAdvance, texts))
                                 + CELL_PADDING)

    def show_time(self, now: datetime) -> None:
        self.clock_label.setText(now.strftime("%H:%M"))
        self.date_label.setText(now.strftime("%A %d %B"))

    def show_clients(self, rows: list[dict[str, Any]], current: int | None) -> int | None:
        """List ``rows`` and select the client ``current`` (else the first); return the id
        selected, or None when there are no clients."""
        self.clients.set_rows(rows)
        self.empty.setVisible(not rows)
        self.page.setVisible(bool(rows))
        if not rows:
            self.empty.setText(NO_CLIENTS)
            return None
        ids = [r["id"] for r in rows]
        row = ids.index(current) if current in ids else 0
        self.client_view.selectionModel().setCurrentIndex(
            self.client_filter.mapFromSource(self.clients.index(row, 0)),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        return ids[row]
