"""An inline panel of the session window: a title, fields, a calm inline message, and
Enter / Esc. Panels replace pop-ups, so nothing ever covers the clock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import GateClosed
from kapdesk.ui.errors import message
from kapdesk.ui.ops import ANYTHING, Change, Refusal, run_op
from kapdesk.ui.widgets import FittingScroll


class Panel(QWidget):
    """Each panel defines ``save() -> str``: it writes its record (raising KapdeskError to
    refuse) and returns a short confirmation."""

    done = Signal(str)  # a short confirmation for the status line
    cancelled = Signal()
    save: Callable[[], str]

    def __init__(self, title: str, action: str) -> None:
        super().__init__()
        self.setObjectName("sessionPanel")
        self.reason_field: QLineEdit | None = None  # where a closed gate's reason goes
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(6)
        self.title = QLabel(title)
        self.title.setObjectName("panelTitle")
        self.title_row = QHBoxLayout()
        self.title_row.addWidget(self.title)
        self.title_row.addStretch(1)
        layout.addLayout(self.title_row)
        # What the panel says and asks scrolls if the window is short; the refusal and the
        # buttons below it stay in view, and nothing is squeezed into unreadable slivers.
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.setSpacing(6)
        self.info = QLabel()
        self.info.setObjectName("muted")
        self.info.setWordWrap(True)
        body_layout.addWidget(self.info)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        body_layout.addLayout(self.form)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(4)
        body_layout.addLayout(self.grid)
        body_layout.addStretch(1)
        self.body = FittingScroll(body)
        layout.addWidget(self.body, 1)
        # A refusal is said beside the buttons: above them it took a whole row's room from
        # the form, cutting its last row in half (found by a first-time user). Room is not
        # kept for it while hidden: that would cost every panel a scroll bar.
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        policy = self.error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.error.setSizePolicy(policy)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        self.cancel_button = QPushButton("Cancel  Esc")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancelled)
        self.action_button = QPushButton(f"{action}  Enter")
        self.action_button.setObjectName("primary")
        self.action_button.setAutoDefault(False)
        self.action_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.action_button)
        layout.addLayout(buttons)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)

    def ask_reason_in(self, field: QLineEdit) -> None:
        """Where a closed gate's reason is written: the refusal takes the keyboard there,
        in view (it had stayed on the amount, the field below the fold; found by a
        first-time user), and writing in it puts the refusal away."""
        self.reason_field = field
        field.textEdited.connect(lambda _text: self.clear_error())

    def show_error(self, exc: BaseException, labels: dict[str, str] | None = None) -> None:
        self._refused(exc, message(exc, labels))

    def _refused(self, cause: BaseException | None, text: str) -> None:
        gate = isinstance(cause, GateClosed)  # the panel lists the reasons just above
        self.error.setText(f"The gate is closed: {cause.advice}" if gate else text)
        self.error.show()
        field = self.reason_field
        if gate and field is not None and field.isEnabled():
            field.setFocus()
            # once the refusal has taken its room: the form's view is shorter then
            QTimer.singleShot(0, self, lambda: self.body.ensureWidgetVisible(field))

    def clear_error(self) -> None:
        self.error.hide()

    def submit(self) -> None:
        record = getattr(self, "record", None)
        outcome = run_op(self.save, show=self.show_refusal,
                         change=Change(session_id=record.id) if record else ANYTHING,
                         labels=getattr(self, "labels", None))
        if outcome.ok:
            self.clear_error()
            self.done.emit(outcome.value)

    def show_refusal(self, refusal: Refusal) -> None:
        self._refused(refusal.cause, refusal.text)
