"""Practice → Protocols…: the practice's own session plans and the shipped templates. Enter
edits the chosen one; a template is first copied into the practice (then it is the
therapist's own), and each save is a new version."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.protocol import ROUTES, Protocol
from kapdesk.practice.protocols import add_from_template, available_protocols
from kapdesk.practice.queries import Database
from kapdesk.ui.models import RowsModel
from kapdesk.ui.ops import Refusal, follow_changes, run_op
from kapdesk.ui.protocol_editor import ProtocolEditor
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons, table


def _kind(p: Protocol) -> str:
    return f"version {p.version}" if p.version else "template"


class ProtocolsModel(RowsModel):
    columns = (
        ("Name", lambda p: p.name),
        ("Route", lambda p: ROUTES[p.route]),
        ("Phases", lambda p: str(sum(s.kind == "phase" for s in p.steps))),
        ("Planned readings", lambda p: str(sum(bool(s.vitals) for s in p.steps))),
        ("Version", _kind),
    )


class ProtocolsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        self.setWindowTitle("Protocols")
        self.resize(900, 460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.addWidget(label("Protocols", "title"))
        layout.addWidget(label(
            "The session plans this practice runs. Enter on a template copies it into the "
            "practice's own protocols and opens it; every save is a new version, and a "
            "session keeps the version it ran with. The numbers in a template are starting "
            "points, never clinical advice: the prescriber's order sets the dose, any "
            "booster and the minimum stay.", "muted", wrap=True))
        self.model = ProtocolsModel(self)
        self.view = table(self.model)
        self.view.activated.connect(lambda _index: self.edit())  # Enter or a double-click
        layout.addWidget(self.view, 1)
        self.message = label(name="muted", wrap=True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit…  Enter")
        self.edit_button.clicked.connect(self.edit)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        close = QPushButton("Close  Esc")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.editor: ProtocolEditor | None = None
        no_default_buttons(self)
        follow_changes(self, self.reload)
        self.reload()
        self.view.setFocus()

    def reload(self) -> None:
        row = max(self.view.currentIndex().row(), 0)
        self.model.set_rows(available_protocols(self.db))
        self.view.selectRow(min(row, self.model.rowCount() - 1))

    def chosen(self) -> Protocol | None:
        index = self.view.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def edit(self) -> None:
        protocol = self.chosen()
        if protocol is None or (self.editor is not None and self.editor.isVisible()):
            return
        if not protocol.version:  # a template: the practice's own copy is what is edited
            outcome = run_op(lambda: add_from_template(self.db, protocol.route),
                             show=self._refused)
            if not outcome.ok or outcome.value is None:
                return
            protocol = outcome.value
            self.message.setText(f"{protocol.name} is now one of the practice's own "
                                 "protocols (version 1).")
            self._select(protocol.family)
        self.editor = ProtocolEditor(self.db, protocol, self)
        self.editor.saved.connect(self._saved)
        self.editor.open()

    def _saved(self, protocol: Protocol) -> None:
        self.message.setText(f"Saved {protocol.name} as version {protocol.version}. "
                             "Sessions already run keep theirs.")
        self._select(protocol.family)

    def _select(self, family: str) -> None:
        """Keep the protocol just copied or saved chosen, wherever the list puts it."""
        self.reload()
        for row in range(self.model.rowCount()):
            if self.model.row(row).family == family:
                self.view.selectRow(row)

    def _refused(self, refusal: Refusal) -> None:
        self.message.setText(refusal.text)
