"""Editing one of the practice's protocols: its settings, its steps (phases, prompts and
planned readings, each counted from the start, the dose or the last dose), and the keys a
session shows. Checked as it is typed; Ctrl+S saves it as the next version."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.protocol import ROUTES, Offset, Protocol, Step
from kapdesk.domain.protocol_rules import protocol_problems
from kapdesk.domain.vocabulary import EVENT_KINDS, QUICK_EVENTS, RATING_SCALES
from kapdesk.practice.protocols import save_protocol
from kapdesk.practice.queries import Database
from kapdesk.ui.confirm import confirmed
from kapdesk.ui.ops import Refusal, run_op
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.theme import COLORS
from kapdesk.ui.widgets import label, no_default_buttons

COLUMNS = ("Step", "Kind", "From", "To", "Vitals", "Every", "Countdown says")
WIDTHS = (None, 112, 214, 214, 156, 104, 176)  # None: takes what is left
# Fields inside table cells: the form padding would cut their text at the row's height.
CELLS = ("QLineEdit, QComboBox, QSpinBox { padding: 1px 6px; min-height: 0; "
         f"border-radius: 4px; }} QSpinBox:focus {{ border-color: {COLORS['accent']}; }}")
ANCHORS = {"start": "start", "dose": "dose", "last_dose": "last dose"}
# A step's vitals and whether that reading is optional, as one choice (Qt keeps text data).
VITALS = {"": "—", "pre_dose": "pre-dose", "other": "mid-session",
          "other optional": "mid (optional)", "discharge": "discharge"}
NO_END = ""


def _combo(options: dict, current) -> QComboBox:
    box = QComboBox()
    for data, text in options.items():
        box.addItem(text, data)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


class OffsetCell(QWidget):
    """A moment as a step counts it: from which anchor, how many minutes after."""

    def __init__(self, offset: Offset | None, *, optional: bool = False) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(4)
        anchors = {NO_END: "—", **ANCHORS} if optional else ANCHORS
        self.anchor = _combo(anchors, offset.anchor if offset else NO_END)
        self.minutes = _minutes(offset.minutes if offset else 0)
        self.minutes.setSuffix(" min")
        row.addWidget(self.anchor, 3)
        row.addWidget(self.minutes, 2)
        self.anchor.currentIndexChanged.connect(self._show_minutes)
        self._show_minutes()

    def _show_minutes(self) -> None:
        self.minutes.setEnabled(bool(self.anchor.currentData()))  # "—": no end, no minutes

    def offset(self) -> Offset | None:
        anchor = self.anchor.currentData()
        return Offset(anchor, self.minutes.value()) if anchor else None


def _minutes(value: int, *, once: bool = False) -> QSpinBox:
    # Up to 999: a slip like 600 reaches the rules, which say what the limit is, instead of
    # the box quietly keeping 60.
    box = QSpinBox()
    box.setRange(0, 999)
    box.setValue(value)
    if once:
        box.setRange(0, 999)
        box.setSpecialValueText("once")  # 0: a single reading at the step's start
        box.setSuffix(" min")
    return box


class ProtocolEditor(QDialog):
    saved = Signal(object)  # the protocol as stored, with its new version

    def __init__(self, db: Database, protocol: Protocol, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db, self.base = db, protocol
        self.setWindowTitle("Edit protocol")
        self.resize(1240, 660)
        self._steps: list[Step] = []  # what each row keeps that the table does not show
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(label(f"{protocol.name} · version {protocol.version}, edited as "
                               f"version {protocol.version + 1}", "title"))
        top = QHBoxLayout()
        top.addLayout(self._settings(protocol), 2)
        top.addLayout(self._keys(protocol), 3)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setStyleSheet(CELLS)
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Tab walks the fields of each step, row by row, instead of the table's cells
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            if width is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, width)
        for step in protocol.steps:
            self._add_row(step)
        layout.addWidget(self.table, 1)
        self.problems = label(name="warning", wrap=True)
        # Room for three problems, kept when there are none: the table does not jump and
        # the row being edited stays where it was.
        self.problems.setMinimumHeight(self.problems.fontMetrics().lineSpacing() * 3 + 4)
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.problems)
        layout.addLayout(self._buttons())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        no_default_buttons(self)
        self._check()
        self._changed = False
        self.name.setFocus()

    # building -------------------------------------------------------------------------
    def _settings(self, p: Protocol) -> QFormLayout:
        form = QFormLayout()
        self.name = QLineEdit(p.name)
        self.route = _combo(ROUTES, p.route)
        self.dose_at = _minutes(p.planned_dose_minutes)
        self.dose_at.setSuffix(" min after the start")
        self.stay = _minutes(p.min_minutes_after_last_dose)
        self.stay.setSuffix(" min after the last dose")
        self.stay.setToolTip("Used only when the prescriber's order sets no minimum stay")
        self.recheck = _minutes(p.recheck_minutes)
        self.recheck.setSuffix(" min after a reading out of range")
        for text, widget in (("Name", self.name), ("Route", self.route),
                             ("Planned dose", self.dose_at), ("Minimum stay", self.stay),
                             ("Recheck", self.recheck)):
            form.addRow(text, widget)
            self._watch(widget)
        return form

    def _keys(self, p: Protocol) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        box.addWidget(label("Keys the session shows", "muted"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        self.events: dict[str, QCheckBox] = {}
        for index, kind in enumerate(QUICK_EVENTS):
            check = QCheckBox(EVENT_KINDS[kind])
            check.setChecked(kind in p.quick_events)
            self.events[kind] = check
            grid.addWidget(check, index // 4, index % 4)
            self._watch(check)
        self.scales: dict[str, QCheckBox] = {}
        row = len(QUICK_EVENTS) // 4 + 1
        for index, (scale, name) in enumerate(RATING_SCALES.items()):
            check = QCheckBox(f"{name} rating")
            check.setChecked(scale in p.rating_scales)
            self.scales[scale] = check
            grid.addWidget(check, row, index)
            self._watch(check)
        box.addLayout(grid)
        box.addStretch(1)
        return box

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        add = QPushButton("&Add step")  # Alt+A
        add.clicked.connect(self.add_step)
        remove = QPushButton("&Remove step")  # Alt+R
        remove.clicked.connect(self.remove_step)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        cancel = QPushButton("Cancel  Esc")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton(f"Save as version {self.base.version + 1}  Ctrl+S")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        return row

    def _add_row(self, step: Step) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._steps.append(step)
        cells: list[QWidget] = [
            QLineEdit(step.label),
            _combo({"phase": "phase", "prompt": "prompt"}, step.kind),
            OffsetCell(step.start), OffsetCell(step.end, optional=True),
            _combo(VITALS, f"{step.vitals} optional" if step.optional else step.vitals),
            _minutes(step.every, once=True), QLineEdit(step.hint)]
        for column, widget in enumerate(cells):
            self.table.setCellWidget(row, column, widget)
            for field in (widget.anchor, widget.minutes) if isinstance(widget, OffsetCell) \
                    else (widget,):
                self._watch(field)
        for edit in (cells[0], cells[-1]):
            assert isinstance(edit, QLineEdit)
            edit.setCursorPosition(0)  # the start of a long label shows, not its end

    def cells(self, row: int) -> dict[str, QWidget]:
        """The widgets of one step's row, by what they hold."""
        names = ("label", "kind", "start", "end", "vitals", "every", "hint")
        return {name: self.table.cellWidget(row, column) for column, name in enumerate(names)}

    def _watch(self, widget: QWidget) -> None:
        for signal in ("textChanged", "currentIndexChanged", "valueChanged", "toggled"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(self._edited)

    # reading --------------------------------------------------------------------------
    def protocol(self) -> Protocol:
        """What the editor holds now, as a protocol (the same family, checked on save)."""
        steps = []
        for row, kept in enumerate(self._steps):
            cell = self.cells(row)
            choice = cell["vitals"].currentData()
            start = cell["start"].offset()
            assert start is not None  # a start has no "—"
            steps.append(replace(
                kept, label=cell["label"].text().strip(), kind=cell["kind"].currentData(),
                start=start, end=cell["end"].offset(),
                vitals=choice.removesuffix(" optional"), optional=choice.endswith(" optional"),
                every=cell["every"].value(), hint=cell["hint"].text().strip()))
        return replace(
            self.base, name=self.name.text().strip(), route=self.route.currentData(),
            planned_dose_minutes=self.dose_at.value(),
            min_minutes_after_last_dose=self.stay.value(),
            recheck_minutes=self.recheck.value(), steps=tuple(steps),
            quick_events=tuple(k for k, box in self.events.items() if box.isChecked()),
            rating_scales=tuple(k for k, box in self.scales.items() if box.isChecked()))

    def _edited(self, *_args) -> None:
        self._changed = True
        self._check()

    def _check(self) -> bool:
        problems = protocol_problems(self.protocol())
        shown = [p.message for p in problems[:3]]
        if len(problems) > 3:
            shown.append(f"… and {len(problems) - 3} more.")
        self.problems.setText("\n".join(shown))
        self.save_button.setEnabled(not problems)
        if self.table.currentRow() >= 0:
            self.table.scrollTo(self.table.model().index(self.table.currentRow(), 0))
        return not problems

    # actions --------------------------------------------------------------------------
    def add_step(self) -> None:
        taken = {s.key for s in self._steps}
        number = len(self._steps) + 1
        while f"step_{number}" in taken:
            number += 1
        last = self.protocol().steps[-1] if self._steps else None
        start = last.end or last.start if last else Offset("start", 0)
        self._add_row(Step(f"step_{number}", "", "prompt", start))
        self.table.selectRow(self.table.rowCount() - 1)
        self.cells(self.table.rowCount() - 1)["label"].setFocus()
        self._edited()

    def remove_step(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        del self._steps[row]
        self._edited()

    def save(self) -> None:
        if not self._check():
            return
        outcome = run_op(lambda: save_protocol(self.db, self.protocol()), show=self._refused)
        if outcome.ok:
            self._changed = False
            self.saved.emit(outcome.value)
            self.accept()

    def _refused(self, refusal: Refusal) -> None:
        self.problems.setText(refusal.text)

    def reject(self) -> None:
        """Esc or Cancel: nothing is saved; edits made are given up only when confirmed."""
        if self._changed and not confirmed(self, "Edit protocol",
                                           "Give up the changes to this protocol?",
                                           go="Give up the changes", stay="Keep editing"):
            return
        super().reject()
