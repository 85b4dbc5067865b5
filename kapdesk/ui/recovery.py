"""Saving the recovery sheet where the therapist chooses, from the first-run screen or the
Practice menu."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from kapdesk.paths import backup_dir


def save_recovery_sheet(parent: QWidget, *, practice: str, database: Path) -> Path | None:
    """Ask where, write the PDF; None when the therapist cancels."""
    from kapdesk.report.recovery import write_recovery_sheet

    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save the recovery sheet", str(Path.home() / "kapdesk recovery sheet.pdf"),
        "PDF (*.pdf)")
    if not chosen:
        return None
    target = Path(chosen)
    return write_recovery_sheet(target, practice=practice, database=database.resolve(),
                                backups=backup_dir(), made_on=date.today())
