"""One question before something is given up or replaced, with two answers: the one that
keeps things as they are is the default, so Enter and Esc both keep them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirmed(parent: QWidget, title: str, text: str, *, go: str, stay: str) -> bool:
    """True only when the therapist chose ``go``."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, title, text, parent=parent)
    go_button = box.addButton(go, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(stay, QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is go_button
