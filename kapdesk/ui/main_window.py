"""The practice window: clients on the left, the chosen client's card and sessions on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from kapdesk.domain.timeutil import Clock, SystemClock, local
from kapdesk.storage.clients import list_clients
from kapdesk.storage.practice import get_practice
from kapdesk.storage.prescriptions import current_order
from kapdesk.storage.rows import maybe
from kapdesk.storage.sessions import list_sessions
from kapdesk.ui.models import ClientsModel, SessionsModel


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(38)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _label(text: str = "", name: str | None = None, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class ClientCard(QFrame):
    """Who the client is and what the prescriber decided, at a glance."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("panel")
        # Grow to the wrapped text's height instead of clipping a warning's second line.
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.name = _label(name="title")
        self.details = _label(name="muted", wrap=True)
        self.thresholds = _label(wrap=True)
        self.order = _label(name="muted", wrap=True)
        for widget in (self.name, self.details, self.thresholds, self.order):
            layout.addWidget(widget)

    def show_client(self, db: Database, client: dict[str, Any] | None) -> None:
        if client is None:
            self.name.setText("No client selected")
            for label in (self.details, self.thresholds, self.order):
                label.clear()
            return
        self.name.setText(client["display_name"])
        ride = client["ride_name"] + (f" · {client['ride_phone']}" if client["ride_phone"] else "")
        parts = [client["pronouns"], f"Prescriber: {client['prescriber_name'] or 'none yet'}",
                 f"Ride home: {ride or 'not recorded'}"]
        self.details.setText("   ·   ".join(p for p in parts if p))
        if client["has_thresholds"]:
            t = maybe(db, "SELECT version, set_by, set_on FROM threshold_versions "
                          "WHERE client_id = ? ORDER BY version DESC LIMIT 1", (client["id"],))
            self.thresholds.setObjectName("muted")
            self.thresholds.setText(f"Thresholds v{t['version']} set by {t['set_by']} "
                                    f"on {t['set_on']}")
        else:
            self.thresholds.setObjectName("warning")
            self.thresholds.setText("Thresholds needed: enter the prescriber's pre-dose and "
                                    "discharge thresholds before any medication session.")
        self.thresholds.style().unpolish(self.thresholds)
        self.thresholds.style().polish(self.thresholds)
        order = current_order(db, client["id"])
        self.order.setText(
            f"Order v{order['version']}: {order['dose_mg']:g} mg {order['medicine']}, "
            f"{order['form']}" + (f"; booster {order['booster_mg']:g} mg allowed"
                                  if order["booster_allowed"] else "; no booster")
            if order else "No prescriber's order yet.")


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, db_path: str = "", clock: Clock | None = None) -> None:
        super().__init__()
        self.db = db
        self.clock = clock or SystemClock()
        practice = get_practice(db) or {"name": "kapdesk", "is_demo": 0}
        self.setWindowTitle(f"kapdesk — {practice['name']}")
        self.resize(1180, 740)

        header = QHBoxLayout()
        title = _label(practice["name"], "title")
        header.addWidget(title, 0, Qt.AlignVCenter)
        header.addSpacing(10)
        if practice["is_demo"]:
            header.addWidget(_label("DEMO · fictional data", "badge"), 0, Qt.AlignVCenter)
        header.addStretch(1)
        clock_box = QVBoxLayout()
        self.clock_label = _label(name="clock")
        self.clock_label.setAlignment(Qt.AlignRight)
        self.date_label = _label(name="muted")
        self.date_label.setAlignment(Qt.AlignRight)
        clock_box.addWidget(self.clock_label)
        clock_box.addWidget(self.date_label)
        header.addLayout(clock_box)

        self.clients = ClientsModel(self)
        self.client_filter = QSortFilterProxyModel(self)
        self.client_filter.setSourceModel(self.clients)
        self.client_filter.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.client_filter.setFilterKeyColumn(0)
        self.client_view = _table(self.client_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a client   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.client_filter.setFilterFixedString)
        self.search.returnPressed.connect(self.client_view.setFocus)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.client_view, 1)

        self.card = ClientCard()
        self.sessions = SessionsModel(self)
        self.session_view = _table(self.sessions)
        self.empty = _label(name="muted", wrap=True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.card)
        right_layout.addWidget(_label("Sessions", name="muted"))
        right_layout.addWidget(self.session_view, 1)
        right_layout.addWidget(self.empty)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([400, 780])
        splitter.setChildrenCollapsible(False)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 14, 20, 10)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(
            f"Offline · everything stays on this laptop · {db_path or 'in memory'}")

        self.client_view.selectionModel().currentRowChanged.connect(self._client_changed)
        QShortcut(QKeySequence.Find, self, activated=self.search.setFocus)

        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start(1000)
        self.refresh_clock()
        self.reload()

    def refresh_clock(self) -> None:
        now = local(self.clock.now())
        self.clock_label.setText(now.strftime("%H:%M"))
        self.date_label.setText(now.strftime("%A %d %B"))

    def reload(self) -> None:
        self.clients.set_rows(list_clients(self.db))
        if self.clients.rowCount():
            self.empty.hide()
            self.client_view.selectionModel().setCurrentIndex(
                self.client_filter.index(0, 0),
                QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        else:
            self.card.show_client(self.db, None)
            self.empty.setText("No clients yet. To look around first, open the fictional demo "
                               "practice with:  kapdesk --demo")
            self.empty.show()

    def selected_client(self) -> dict[str, Any] | None:
        index = self.client_view.currentIndex()
        return index.data(Qt.UserRole) if index.isValid() else None

    def _client_changed(self, current, _previous) -> None:
        client = current.data(Qt.UserRole) if current.isValid() else None
        self.card.show_client(self.db, client)
        self.sessions.set_rows(list_sessions(self.db, client["id"]) if client else [])
        if client and not self.sessions.rowCount():
            self.empty.setText("No sessions yet.")
            self.empty.show()
        elif client:
            self.empty.hide()
