"""Practice → Backups…: every backup of this practice, newest first, with when, why, its
size and whether it passes SQLite's full check (checked now, on a thread of its own), and
the two things to do with them: back up now, and restore one."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout

from kapdesk.domain.timeutil import local
from kapdesk.practice.backups import (
    backups_folder,
    list_backups,
    restore_problem,
    size_text,
    why_taken,
)
from kapdesk.practice.queries import passphrase_of, running_session
from kapdesk.practice.trouble import Trouble
from kapdesk.ui.confirm import confirmed
from kapdesk.ui.models import RowsModel
from kapdesk.ui.ops import changes
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons, table

if TYPE_CHECKING:
    from kapdesk.ui.main_window import MainWindow

CHECKING = "checking…"


def when_taken(row: dict[str, Any]) -> str:
    return f"{local(row['backup'].taken_at):%a %d %b %Y, %H:%M:%S}"


class BackupsModel(RowsModel):
    columns = (
        ("Taken", when_taken),
        ("Why", lambda r: r["why"]),
        ("Size", lambda r: r["size"]),
        ("Check", lambda r: r["verdict"]),
    )


class BackupsDialog(QDialog):
    checked = Signal(int, object)  # row, the problem found (None: good)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        keep_on_screen(self)
        self.window_ = window
        self.practice = Path(window.db_path)
        self.setWindowTitle("Backups")
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.addWidget(label("Backups", "title"))
        layout.addWidget(label(
            "kapdesk backs up this practice after each session, every half hour while "
            "something changed, and before an upgrade. Each backup is checked before it is "
            "kept. It keeps every backup of the last two days, then one a day for 12 days, "
            "one a week for 10 weeks and one a month for 9 months; backups you make here are "
            f"never removed. Folder: {backups_folder(self.practice)}", "muted", wrap=True))
        self.model = BackupsModel(self)
        self.view = table(self.model)
        layout.addWidget(self.view, 1)
        self.said = label(name="muted", wrap=True)
        layout.addWidget(self.said)
        self.back_up_button = QPushButton("&Back up now  Alt+B")
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("&Restore this backup…  Alt+R")
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_up_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        no_default_buttons(self)
        self.checked.connect(self._checked)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.window_.backups.finished.connect(self._backed_up)
        self.reload()

    def reload(self) -> None:
        rows = [{"backup": b, "why": why_taken(b), "size": size_text(b), "verdict": CHECKING}
                for b in list_backups(self.practice)]
        self.model.set_rows(rows)
        if rows:
            self.view.selectRow(0)
        elif changes().lasting is Trouble.DAMAGED:
            self.said.setText("There is no backup of this practice. It can still be read: "
                              "export what you need (each client's record and summaries), "
                              "and keep the damaged file as it is for recovery.")
        else:
            self.said.setText("No backups yet. The first is made after this practice's next "
                              "session, or now with Back up now.")
        passphrase = passphrase_of(self.window_.db)
        paths = [r["backup"].path for r in rows]
        threading.Thread(target=self._check_all, args=(paths, passphrase),
                         name="kapdesk-check-backups", daemon=True).start()
        self._enable()

    def _check_all(self, paths: list[Path], passphrase: str | None) -> None:
        for index, path in enumerate(paths):
            self.checked.emit(index, restore_problem(path, passphrase))

    def _checked(self, index: int, problem: str | None) -> None:
        if index >= self.model.rowCount():
            return
        row = dict(self.model.row(index), verdict="✓ good" if problem is None else problem)
        self.model.replace_row(index, row)
        self._enable()

    def selected(self) -> dict[str, Any] | None:
        index = self.view.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _enable(self) -> None:
        row = self.selected()
        self.restore_button.setEnabled(row is not None and row["verdict"] == "✓ good")

    def back_up_now(self) -> None:
        if self.window_.backups.start("manual"):
            self.back_up_button.setEnabled(False)
            self.said.setText("Writing and checking a backup…")
        else:
            self.said.setText("A backup is being written already; it shows here when done.")

    def _backed_up(self, backup, problem: str, _reason: str) -> None:
        self.back_up_button.setEnabled(True)
        if backup is None:
            self.said.setText(f"{problem[:1].upper()}{problem[1:]}. Everything in the "
                              "practice is as it was.")
            return
        self.reload()
        self.said.setText(f"✓ Backup written and checked ({backup.path.name}).")

    def restore_selected(self) -> None:
        row = self.selected()
        if row is None or row["verdict"] != "✓ good":
            return
        if running_session(self.window_.db) is not None:
            self.said.setText("A session is running: restore a backup after it ends.")
            return
        if confirmed(self, "Restore this backup?",
                     f"The practice goes back to how it was on {when_taken(row)}. "
                     "Anything entered after that is not in the backup.\n\nNothing is "
                     "deleted: the practice as it is now is kept in "
                     f"{self.practice.parent} as {self.practice.stem}.replaced-….sqlite, "
                     "and kapdesk reopens on the backup.", go="Restore", stay="Cancel"):
            self.accept()
            self.window_.request_reopen(restore_from=row["backup"].path)
