"""The screens before the practice opens: unlocking an encrypted practice, and choosing
the passphrase of a new one. Calm, one field at a time, no sound; a wrong passphrase waits
a little longer each time (1, 2, 4 ... 30 s) before the next try, and changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import InvalidInput, KapdeskError
from kapdesk.domain.passphrase import LOST, check_new_passphrase, strength
from kapdesk.domain.timeutil import utc_now
from kapdesk.practice.audit import audit, unlocked
from kapdesk.practice.queries import Database, open_database, set_practice
from kapdesk.practice.trouble import open_practice_file, trouble_of
from kapdesk.ui.retry_wait import RetryWait
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label


def _secret(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(420)
    return edit


class _Screen(QDialog):
    def __init__(self, title: str, lead: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.setWindowTitle("kapdesk")
        self.db: Database | None = None
        self.setFixedWidth(600)  # wrapped text then knows its height before it is shown
        self.body = QVBoxLayout(self)
        self.body.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        self.body.setContentsMargins(36, 30, 36, 30)
        self.body.setSpacing(12)
        self.heading = label(title, "title")
        self.body.addWidget(self.heading)
        self.lead = label(lead, "muted", wrap=True)
        self.lead.setMinimumWidth(528)  # the screen keeps its width when fields hide
        self.body.addWidget(self.lead)
        self.error = label(name="warning", wrap=True)
        # room for two lines from the start: the screen never jumps when a message appears
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.button = QPushButton()
        self.button.setDefault(True)


class UnlockDialog(_Screen):
    """Ask for the passphrase of the practice at ``path``; ``db`` is set when it opens."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__("This practice is locked",
                         "Type its passphrase to open it. Nothing is shown until then.", parent)
        self.path = path
        self.failed_at: list[datetime] = []  # written to the audit trail once it opens
        self.passphrase = _secret("passphrase")
        self.button.setText("Unlock  Enter")
        self.button.clicked.connect(self.unlock)
        self.wait = RetryWait(self.error, (self.passphrase, self.button),
                              self.passphrase.setFocus, self)
        # A damaged first page looks like a passphrase refused: after a refusal, the way out
        self.damaged_hint = label("Sure of the passphrase, or this practice never had one? "
                                  "Its file may be damaged: type the passphrase (if it has "
                                  "one), then Restore a good backup.", "muted", wrap=True)
        self.backup_button = QPushButton("Restore a good backup…")
        self.backup_button.setAutoDefault(False)
        self.backup_button.clicked.connect(self.restore_backup)
        for widget in (self.passphrase, self.error, self.button, self.damaged_hint,
                       self.backup_button):
            self.body.addWidget(widget)
        self.damaged_hint.hide()
        self.backup_button.hide()
        self.body.addWidget(label(f"Practice file: {path}", "muted", wrap=True))

    def unlock(self) -> None:
        if self.wait.isActive():
            return
        try:
            self.db = open_practice_file(self.path, passphrase=self.passphrase.text())
        except KapdeskError:
            self.failed_at.append(utc_now())
            self.passphrase.clear()
            self.wait.start(len(self.failed_at))
            self.damaged_hint.show()
            self.backup_button.show()
            return
        self.accept()

    def restore_backup(self) -> None:
        """The newest backup that opens and passes the check with the passphrase typed (or
        none, for a practice that never had one), put in place and opened."""
        from kapdesk.practice.backups import restore_and_open
        from kapdesk.ui.damaged import offer_newest_backup

        passphrase = self.passphrase.text() or None
        backup = offer_newest_backup(self.path, "The passphrase did not open it.", passphrase)
        if backup is None:
            return
        try:  # a passphrase typed: the practice is (or was) encrypted, and stays so
            self.db, _kept = restore_and_open(backup, self.path, passphrase,
                                              encrypted_practice=passphrase is not None)
        except (KapdeskError, OSError) as exc:
            self.error.setText(f"The backup was not restored: {exc}")
            return
        self.accept()


class FirstRunDialog(_Screen):
    """Create the practice at ``path``, encrypted with a passphrase chosen here."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__("Welcome to kapdesk",
                         "Your notes will be kept encrypted on this laptop. Choose a "
                         "passphrase: a few uncommon words with spaces are easy to type and "
                         "hard to guess.", parent)
        self.path = path
        self.name = QLineEdit("Your practice")
        self.passphrase = _secret("passphrase")
        self.repeated = _secret("the same passphrase again")
        self.meter = label(name="muted")
        self.passphrase.textChanged.connect(self._judge)
        self.button.setText("Create the practice  Enter")
        self.button.clicked.connect(self.create)
        self._name_label = label("Practice name", "muted")
        # room for two lines of advice: the fields below never move while typing
        self.meter.setMinimumHeight(2 * self.meter.fontMetrics().lineSpacing() + 4)
        self.meter.setWordWrap(True)
        for widget in (self._name_label, self.name,
                       label("Passphrase", "muted"), self.passphrase, self.meter,
                       label("The same passphrase again", "muted"), self.repeated,
                       label(LOST, "warning", wrap=True), self.error, self.button):
            self.body.addWidget(widget)
        self._judge("")

    def _context(self) -> list[str]:
        return [self.name.text(), "kapdesk"]

    def _judge(self, text: str) -> None:
        if not text:
            self.meter.setText("Strength: nothing typed yet")
            return
        judged = strength(text, context=self._context())
        self.meter.setText(f"Strength: {judged.label}" + (f" · {judged.advice}"
                                                          if judged.advice else ""))
        self.meter.setWordWrap(True)

    def create(self) -> None:
        try:
            check_new_passphrase(self.passphrase.text(), self.repeated.text(),
                                 context=self._context())
            if not self.name.text().strip():
                raise InvalidInput("name", "the practice needs a name")
            db = self.make(self.passphrase.text())
        except KapdeskError as exc:
            reason = exc.reason if isinstance(exc, InvalidInput) else str(exc)
            self.error.setText(reason[:1].upper() + reason[1:])
            return
        self.db = db
        self._created()

    def make(self, passphrase: str) -> Database:
        """The encrypted practice, opened."""
        db = open_database(self.path, passphrase=passphrase)
        set_practice(db, name=self.name.text())
        return db

    def _created(self) -> None:
        """The practice exists: offer the recovery sheet before it opens."""
        for index in range(2, self.body.count()):  # all but the title and the lead
            widget = self.body.itemAt(index).widget()
            if widget is not None:
                widget.hide()
        self.lead.setText(
            "The practice is ready and encrypted. Save or print a recovery sheet now: it says "
            "which file holds the practice, and has lines to write the passphrase by hand "
            "(kapdesk never prints it).")
        self.sheet_button = QPushButton("Save a recovery sheet (PDF)…")
        self.sheet_button.setAutoDefault(False)  # Enter always opens the practice
        self.sheet_button.clicked.connect(self._save_sheet)
        self.sheet_said = label(name="muted", wrap=True)
        self.open_button = QPushButton("Open the practice  Enter")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.accept)
        for widget in (self.sheet_button, self.sheet_said, self.open_button):
            self.body.addWidget(widget)
        self.open_button.setFocus()

    def _save_sheet(self) -> None:
        from kapdesk.ui.recovery import save_recovery_sheet

        try:
            saved = save_recovery_sheet(self, practice=self.name.text().strip(),
                                        database=self.path)
        except OSError as exc:
            self.sheet_said.setText(f"The sheet could not be saved: {exc.strerror}. Nothing "
                                    "else changed; choose another place.")
            return
        if saved is not None and self.db is not None:
            audit(self.db, "exported", detail=f"recovery sheet (PDF) to {saved}")
            self.sheet_said.setText(f"✓ Saved to {saved}. Print it, then keep it away from "
                                    "this laptop.")
        self.open_button.setFocus()


def open_practice_window(path: Path, *, offer_encryption: bool = False) -> Database | None:
    """The practice at ``path``: unlocked, created, or opened as is when it is plain. A
    plain practice that is not the demo (or any, with ``offer_encryption``) is offered
    encryption first. None when the therapist closes the screen instead."""
    from kapdesk.practice.queries import get_practice, is_encrypted

    if path.exists() and path.stat().st_size > 0:
        if not is_encrypted(path):
            db = open_practice_file(path)
            practice = get_practice(db) or {"name": "kapdesk", "is_demo": 0}
            if practice["is_demo"] and not offer_encryption:
                return db  # fictional clients: trying the app needs no passphrase
            db.close()
            from kapdesk.ui.encrypt_offer import offer_encryption as offer

            return offer(path, practice["name"]) or open_practice_file(path)
        screen: _Screen = UnlockDialog(path)
    else:
        screen = FirstRunDialog(path)
    screen.setWindowModality(Qt.WindowModality.ApplicationModal)
    if screen.exec() != QDialog.DialogCode.Accepted or screen.db is None:
        return None
    if isinstance(screen, UnlockDialog):
        try:
            unlocked(screen.db, failures=screen.failed_at, how="on opening the app")
        except Exception as exc:  # a read-only or damaged file: the banner says it
            if trouble_of(exc) is None:
                raise
    return screen.db
