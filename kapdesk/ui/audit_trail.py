"""The audit trail, newest first: who opened the practice, what left it, which private
notes were read. Read-only, as the table itself is; a filter shows one client's rows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.vocabulary import AUDIT_ACTIONS
from kapdesk.practice.audit import audit_events
from kapdesk.practice.queries import Database, list_clients
from kapdesk.ui.models import RowsModel, when
from kapdesk.ui.ops import follow_changes
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons, table

ALL_CLIENTS = "All clients and the practice"


class AuditModel(RowsModel):
    columns = (
        ("When", lambda r: when(r["at"])),
        ("What", lambda r: AUDIT_ACTIONS.get(r["action"], r["action"])),
        ("Client", lambda r: r["client_name"] or "—"),
        ("Details", lambda r: r["detail"]),
    )


class AuditTrailDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        self.setWindowTitle("Audit trail")
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.addWidget(label("Audit trail", "title"))
        layout.addWidget(label("Unlocks and wrong passphrases, exports, backups, imports and "
                               "readings of private process notes. Entries are added, never "
                               "changed or removed.", "muted", wrap=True))
        self.client = QComboBox()
        self.client.setAccessibleName("Show")
        self.client.currentIndexChanged.connect(lambda _: self.reload())
        filters = QHBoxLayout()
        filters.addWidget(label("Show", "muted"))
        filters.addWidget(self.client)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.model = AuditModel(self)
        self.view = table(self.model)
        layout.addWidget(self.view, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        no_default_buttons(self)
        self._fill_clients()
        follow_changes(self, self.reload)  # an export or a reading made while it is open

    def _fill_clients(self) -> None:
        self.client.blockSignals(True)
        self.client.addItem(ALL_CLIENTS, None)
        for row in list_clients(self.db, include_archived=True):
            self.client.addItem(row["display_name"], row["id"])
        self.client.blockSignals(False)
        self.reload()

    def show_client(self, client_id: int | None) -> None:
        index = self.client.findData(client_id)
        self.client.setCurrentIndex(max(index, 0))

    def reload(self) -> None:
        self.model.set_rows(audit_events(self.db, self.client.currentData()))
