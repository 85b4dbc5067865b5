"""Helpers for driving the practice window in tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit


def column(view, col: int) -> list[str]:
    model = view.model()
    return [model.index(r, col).data() for r in range(model.rowCount())]


def type_into(qtbot, dialog, key: str, text: str) -> None:
    """Replace a field's text the way a person would: select all, type."""
    widget = dialog.fields[key]
    widget.setFocus()
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    elif isinstance(widget, QPlainTextEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(widget, text)


def choose(dialog, key: str, data) -> None:
    box: QComboBox = dialog.fields[key]
    box.setCurrentIndex(box.findData(data))


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a key where the window's focus is, without making the window active first:
    under X without a window manager it is not, and the keys must still work."""
    qtbot.keyClick(window.focusWidget() or window, k, modifier)


def type_vitals(qtbot, sw, **values):
    for measure, value in values.items():
        sw.vitals.fields[measure].setText(str(value))


def menu_item(menu, text: str):
    """The menu's action read as the therapist reads it, without its access letter's &."""
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)
