"""The screen for a practice file too damaged to open at all: what happened, that the file
is kept as it is, and the newest backup that passes SQLite's check, restored with one key.
Instead of an exit with a line on stderr that a therapist never sees."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from kapdesk.domain.timeutil import local
from kapdesk.practice.backups import newest_good_backup

log = logging.getLogger("kapdesk")


def offer_newest_backup(path: Path, problem: str, passphrase: str | None) -> Path | None:
    """Ask; the backup to restore, or ``None`` when the therapist quits (or there is
    none)."""
    log.error("the practice could not be opened: it is damaged")
    backup = newest_good_backup(path, passphrase)
    box = QMessageBox(QMessageBox.Icon.NoIcon, "kapdesk", "")
    box.setText("This practice file looks damaged, so kapdesk cannot open it.")
    if backup is None:
        box.setInformativeText(
            f"{problem}\n\nThere is no backup that passes the check. The file is kept exactly "
            "as it is, for recovery; nothing was written to it.")
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return None
    box.setInformativeText(
        f"{problem}\n\nThe newest good backup was taken on "
        f"{local(backup.taken_at):%A %d %B at %H:%M}. Restoring it opens the practice as it "
        "was then. The damaged file is kept beside it, for recovery; nothing is deleted.")
    restore = box.addButton("Restore that backup and open", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return backup.path if box.clickedButton() is restore else None
