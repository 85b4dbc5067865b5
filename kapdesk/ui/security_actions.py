"""The practice window's security actions: encrypting a plain practice, the plain copy
kept after that, and the recovery sheet. Kept apart from the window's menus and client
actions; each takes the practice window it acts for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from kapdesk.domain.errors import KapdeskError
from kapdesk.practice.audit import audit
from kapdesk.practice.queries import get_practice, plain_copies, running_session, shred_plain_copy
from kapdesk.ui.ops import run_op

if TYPE_CHECKING:
    from kapdesk.ui.main_window import MainWindow


def request_encryption(window: MainWindow) -> None:
    """Close the practice so its file can be converted; the app reopens it after."""
    if running_session(window.db) is not None:
        window.statusBar().showMessage("A session is running: encrypt the practice after "
                                       "it ends.", 8000)
        return
    if not window.db_path:
        window.statusBar().showMessage("This practice has no file to encrypt.", 8000)
        return
    window.encrypt_requested = True
    QApplication.closeAllWindows()


def _plain_copies(window: MainWindow) -> list[Path]:
    return plain_copies(Path(window.db_path)) if window.db_path else []


def remind_plain_copies(window: MainWindow) -> None:
    """A plain copy kept after encrypting is the whole practice unencrypted: said at
    every start until it is removed."""
    copies = _plain_copies(window)
    window.forget_plain_action.setVisible(bool(copies))
    if copies:
        window.statusBar().showMessage(
            f"A plain, unencrypted copy of this practice is still at {copies[0]}. Once the "
            "passphrase is written down: Practice → Overwrite and remove the plain copy.")


def forget_plain_copies(window: MainWindow) -> None:
    for copy in _plain_copies(window):
        try:
            shred_plain_copy(copy)
        except (OSError, KapdeskError) as exc:
            window.statusBar().showMessage(f"{copy} could not be removed: {exc}", 10000)
            return
        run_op(lambda c=copy: audit(window.db, "encrypted",
                                    detail=f"the plain copy {c} was overwritten and removed"),
               show=window.say_refusal)
    window.forget_plain_action.setVisible(False)
    window.statusBar().showMessage("✓ The plain copy was overwritten and removed.", 10000)


def save_recovery_sheet(window: MainWindow) -> None:
    from kapdesk.ui.recovery import save_recovery_sheet as ask_and_save

    if not window.db_path:
        window.statusBar().showMessage("This practice has no file, so no recovery sheet.", 8000)
        return
    name = (get_practice(window.db) or {}).get("name", "kapdesk")
    try:
        saved = ask_and_save(window, practice=name, database=Path(window.db_path))
    except OSError as exc:
        window.statusBar().showMessage(f"The recovery sheet could not be saved: "
                                       f"{exc.strerror}. Nothing else changed.", 10000)
        return
    if saved is not None:
        run_op(lambda: audit(window.db, "exported",
                             detail=f"recovery sheet (PDF) to {saved}"), show=window.say_refusal)
        window.statusBar().showMessage(f"✓ Recovery sheet saved to {saved}. Print it, then "
                                       "keep it away from this laptop.", 10000)
