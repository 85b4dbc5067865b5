"""The practice's prescribers: a list to add to and edit."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kapdesk.practice.queries import Database, list_prescribers
from kapdesk.ui.client_forms import PrescriberDialog
from kapdesk.ui.models import RowsModel
from kapdesk.ui.ops import follow_changes
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons, table


class PrescribersModel(RowsModel):
    columns = (
        ("Name", lambda r: r["name"]),
        ("Credentials", lambda r: r["credentials"]),
        ("Phone", lambda r: r["phone"]),
        ("On call", lambda r: r["on_call_phone"]),
        ("Practice", lambda r: r["practice"]),
    )


class PrescribersDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        self.setWindowTitle("Prescribers")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.addWidget(label("Prescribers", "title"))
        self.model = PrescribersModel(self)
        self.view = table(self.model)
        self.view.doubleClicked.connect(lambda _: self.edit())
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        for text, slot in (("New prescriber…", self.add), ("Edit…", self.edit)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.child: QDialog | None = None
        no_default_buttons(self)
        follow_changes(self, self.reload)  # a prescriber saved in its dialog, or elsewhere
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(list_prescribers(self.db))

    def add(self) -> None:
        self._open(PrescriberDialog(self.db, parent=self))

    def edit(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._open(PrescriberDialog(self.db, self.model.row(index.row())["id"], parent=self))

    def _open(self, dialog: PrescriberDialog) -> None:
        self.child = dialog
        dialog.open()
