"""Encrypting a practice kept in plain text (one made before encryption, or the demo on
request): the passphrase screen of the first run, then the plain copy. The encrypted file
replaces the plain one only after every row compares equal; the plain copy is overwritten
and removed only when the therapist says so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from kapdesk.practice.audit import audit
from kapdesk.practice.queries import (
    Database,
    encrypt_file,
    open_database,
    shred_plain_copy,
)
from kapdesk.ui.unlock import FirstRunDialog
from kapdesk.ui.widgets import label


class EncryptDialog(FirstRunDialog):
    def __init__(self, path: Path, practice: str, parent: QWidget | None = None) -> None:
        super().__init__(path, parent)
        self.kept: Path | None = None
        self.name.setText(practice)
        for widget in (self.name, self._name_label):
            widget.hide()
        self.heading.setText("Encrypt this practice")
        self.lead.setText("It is kept in plain text now: anyone with this laptop can read its "
                          "notes. Choose a passphrase to encrypt it. Every row is compared "
                          "with the plain file before the encrypted one takes its place.")
        self.button.setText("Encrypt  Enter")
        self.not_now = QPushButton("Not now")
        self.not_now.clicked.connect(self.reject)
        self.body.addWidget(self.not_now)

    def make(self, passphrase: str) -> Database:
        self.kept = encrypt_file(self.path, passphrase)
        db = open_database(self.path, passphrase=passphrase)
        audit(db, "encrypted", detail="in the app; the plain copy is kept until removed")
        return db

    def _created(self) -> None:
        super()._created()
        self.not_now.hide()
        self.lead.setText(
            f"The practice is encrypted. A plain copy is kept at {self.kept} until you remove "
            "it: remove it once you are sure the passphrase is written down. Save or print a "
            "recovery sheet now.")
        self.remove_plain = QPushButton("Overwrite and remove the plain copy")
        self.remove_plain.setAutoDefault(False)  # Enter always opens the practice
        self.remove_plain.clicked.connect(self._remove_plain)
        self.plain_said = label(name="muted", wrap=True)
        index = self.body.indexOf(self.sheet_button)
        self.body.insertWidget(index, self.remove_plain)
        self.body.insertWidget(index + 1, self.plain_said)

    def _remove_plain(self) -> None:
        if self.kept is None:
            return
        try:
            shred_plain_copy(self.kept)
        except OSError as exc:
            self.plain_said.setText(f"The plain copy could not be removed: {exc.strerror}.")
            return
        if self.db is not None:
            audit(self.db, "encrypted", detail="the plain copy was overwritten and removed")
        self.remove_plain.setEnabled(False)
        self.plain_said.setText("✓ The plain copy was overwritten and removed.")
        self.lead.setText("The practice is encrypted, and its plain copy is gone. Save or "
                          "print a recovery sheet now.")
        self.open_button.setFocus()


def offer_encryption(path: Path, practice: str) -> Database | None:
    """The encrypted practice, or None when the therapist chooses Not now."""
    dialog = EncryptDialog(path, practice)
    return dialog.db if dialog.exec() == QDialog.DialogCode.Accepted else None
