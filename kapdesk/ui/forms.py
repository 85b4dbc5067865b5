"""The form dialog every record editor shares.

Checks run as the therapist types, but speak only about fields already touched (or every
field once Save was pressed). Save hands the values to a storage call, which checks them
again and writes all or nothing; a refusal stays on screen, inline, naming the field.
Esc, Cancel or the window's close button leave at once when nothing was changed; after a
change they ask first, keeping the form by default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import InvalidInput
from kapdesk.ui.confirm import confirmed
from kapdesk.ui.errors import REFUSALS, message
from kapdesk.ui.ops import Refusal, run_op
from kapdesk.ui.screen_fit import grow_to_content, keep_on_screen
from kapdesk.ui.widgets import FittingScroll, pressed_focused_button, restyle

Submit = Callable[[dict[str, Any]], Any]


def read(widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QDateTimeEdit):  # shown in local time, returned time-zone aware
        return widget.dateTime().toPython().astimezone()
    if isinstance(widget, QComboBox):
        return widget.currentText().strip() if widget.isEditable() else widget.currentData()
    raise TypeError(f"no reader for {type(widget).__name__}")


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    return edit


def combo(options: list[tuple[str, Any]], current: Any = None, *,
          editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    for label, data in options:
        box.addItem(label, data)
    if current is not None:
        index = box.findData(current)
        if index < 0 and editable:
            box.setEditText(str(current))
        else:
            box.setCurrentIndex(max(index, 0))
    return box


class FormDialog(QDialog):
    saved = Signal(object)
    LEAVE_ANSWERS = ("Give up the changes", "Keep editing")  # the leave question's buttons

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None, *,
                 intro: str = "", save_label: str = "Save", window_title: str = "") -> None:
        super().__init__(parent)
        keep_on_screen(self)
        # The desktop shows window titles in task bars and lists beyond kapdesk's reach:
        # a form about a client passes a ``window_title`` without the client's name.
        self.setWindowTitle(window_title or title)
        self.setMinimumWidth(660)
        self._submit = submit
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, str] = {}
        self._touched: set[str] = set()
        self._tried = False
        self._opened_with: dict[str, Any] | None = None  # the values first shown
        # Saving makes a new version of a record (an order, thresholds): never one that
        # repeats the last with today's date and the prescriber's name (found by a
        # first-time user: Enter on an untouched form did that).
        self.versioned = False
        self.result_value: Any = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        outer.setSpacing(12)
        heading = QLabel(title)
        heading.setObjectName("title")
        outer.addWidget(heading)
        if intro:
            note = QLabel(intro)
            note.setObjectName("muted")
            note.setWordWrap(True)
            outer.addWidget(note)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(10)
        # The fields scroll when the screen is too short for them; the heading above and
        # the error and Save/Cancel below always stay in view.
        fields = QWidget()
        fields.setLayout(self.form)
        self.form.setContentsMargins(0, 0, 6, 0)
        self.scroll = FittingScroll(fields)
        outer.addWidget(self.scroll, 1)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_label)
        # Enter saves from any field, even after Tab has passed over the buttons: no button
        # takes the default role by being focused.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
            button.setIcon(QIcon())  # no platform icons (a bright red ✗) in a calm room
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    def add(self, key: str, label: str, widget: QWidget, *, hint: str = "") -> QWidget:
        self.fields[key] = widget
        self.labels[key] = label
        widget.setObjectName(f"field_{key}")
        if hint:
            widget.setToolTip(hint)
        self.form.addRow(label, widget)
        self._watch(key, widget)
        return widget

    def add_block(self, widget: QWidget) -> None:
        """A full-width row holding several fields (each registered with :meth:`register`)."""
        self.form.addRow(widget)

    def register(self, key: str, label: str, widget: QWidget) -> QWidget:
        self.fields[key] = widget
        self.labels[key] = label
        widget.setObjectName(f"field_{key}")
        self._watch(key, widget)
        return widget

    def _watch(self, key: str, widget: QWidget) -> None:
        def changed(*_: Any) -> None:
            self._touched.add(key)
            self.revalidate()

        for signal in ("textChanged", "toggled", "currentIndexChanged", "valueChanged"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(changed)

    def showEvent(self, event) -> None:  # noqa: N802
        """Open with the cursor in the first field: the form is typed into, not clicked."""
        super().showEvent(event)
        if self._opened_with is None:
            self._opened_with = self.values()
            self._fit_height()
        if self.fields and not self.focusWidget():
            next(iter(self.fields.values())).setFocus()

    def _fit_height(self) -> None:
        """As tall as the form needs at the width it opened with. Sized before it had a
        width, wrapped lines guess their heights: the fields' area kept ~100 px of blank
        (the pre-flight) while an intro above them was cut (End the course); both found by
        first-time users."""
        self.layout().activate()
        short = 0
        for label in self.findChildren(QLabel):  # the lines above and below the fields
            if label.wordWrap() and label.isVisible() and not self.scroll.isAncestorOf(label):
                needed = label.heightForWidth(label.width())
                short += max(0, needed - label.height())
                label.setMinimumHeight(needed)  # kept whole when the fields give back room
        spare = self.scroll.height() - self.scroll.sizeHint().height()
        if spare > 0 or short:
            QWidget.resize(self, self.width(), self.height() - max(spare, 0) + short)

    def values(self) -> dict[str, Any]:
        return {key: read(widget) for key, widget in self.fields.items()}

    def check(self, values: dict[str, Any]) -> None:
        """Pure checks for live feedback; raise InvalidInput. Storage checks again on save."""

    def revalidate(self) -> bool:
        try:
            self.check(self.values())
        except InvalidInput as exc:
            if self._tried or self._field_of(exc.field) in self._touched:
                self.show_error(exc)
            else:
                self.clear_error()
            return False
        self.clear_error()
        return True

    def _field_of(self, field: str) -> str:
        """The registered field an error names (``pre_dose.systolic.max`` or ``systolic``)."""
        if field in self.fields:
            return field
        return next((k for k in self.fields if field.startswith(k) or k.startswith(field)), field)

    def show_error(self, exc: BaseException) -> None:
        self._show_text(message(exc, self.labels),
                        exc.field if isinstance(exc, InvalidInput) else None)

    def _show_text(self, text: str, field: str | None) -> None:
        self.error.setText(text)
        if self.error.isHidden():
            self.error.show()
            grow_to_content(self)
        for key, widget in self.fields.items():
            restyle(widget, invalid=field is not None and key == self._field_of(field))

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()
        for widget in self.fields.values():
            if widget.property("invalid"):
                restyle(widget, invalid=False)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter saves from any field, but on a focused button it presses that button
        (found by a first-time user: Enter on a focused Cancel started the session)."""
        if not pressed_focused_button(self, event):
            super().keyPressEvent(event)

    def accept(self) -> None:
        if self.versioned and not self.changed():
            self._show_text("Nothing was changed, so no new version is saved. Change what "
                            "the prescriber changed, or press Esc to close.", None)
            return
        self._tried = True
        values = self.values()
        try:
            self.check(values)
        except REFUSALS as exc:
            self.show_error(exc)
            return
        outcome = run_op(lambda: self._submit(values), show=self.show_refusal,
                         labels=self.labels)
        if not outcome.ok:
            return
        self.result_value = outcome.value
        self.saved.emit(self.result_value)
        super().accept()

    def show_refusal(self, refusal: Refusal) -> None:
        self._show_text(refusal.text, refusal.field)

    def done(self, result: int) -> None:
        """Closed either way, the window it was opened from takes the keys again. After a
        question box over the form, the desktop gave them to no window: Ctrl+F and typing
        did nothing until a click (found by a first-time user)."""
        super().done(result)
        parent = self.parentWidget()
        if parent is not None and parent.window().isVisible():
            parent.window().activateWindow()

    def changed(self) -> bool:
        """Whether a value differs from what the form opened with."""
        return self._opened_with is not None and self.values() != self._opened_with

    def leave_question(self) -> str:
        """What Esc asks before leaving, or "" to leave at once."""
        return "Close without saving? What you changed here is not kept." \
            if self.changed() else ""

    def reject(self) -> None:
        """Esc, Cancel or the close button: nothing is saved. Typed changes are given up
        only when the therapist says so (found by a first-time user: Esc on an edited form
        dropped them without a word). Enter or Esc on the question keeps the form."""
        question = self.leave_question()
        go, stay = self.LEAVE_ANSWERS
        if question and not confirmed(self, self.windowTitle(), question, go=go, stay=stay):
            return
        super().reject()
