"""Vitals entry: the checkpoint preselected from the phase, the prescriber's bounds beside
each field, the verdict as soon as values are in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.live import recheck_at, suggested_checkpoint
from kapdesk.domain.people import on_call_line
from kapdesk.domain.session import SessionRecord
from kapdesk.domain.thresholds import judge_reading
from kapdesk.domain.timeutil import local
from kapdesk.domain.vitals import CHECKPOINT_LABELS, LABELS, MEASURES, UNITS, make_reading
from kapdesk.practice.queries import Database, find_prescriber
from kapdesk.practice.session import record_vitals
from kapdesk.ui.session.panel import Panel
from kapdesk.ui.theme import STATUS_COLORS

# Column heads short enough that five readings fit beside the session log on a laptop.
COLUMN_HEADS = {"systolic": "Systolic", "diastolic": "Diastolic", "heart_rate": "HR",
                "resp_rate": "RR"}


class VitalsPanel(Panel):
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        super().__init__("Vitals", "Save")
        self.db, self.now = db, now
        self.record: SessionRecord | None = None
        self.labels = {m: LABELS[m] for m in MEASURES}
        self.checkpoint = QComboBox()
        for key, label in CHECKPOINT_LABELS.items():
            self.checkpoint.addItem(label, key)
        self.checkpoint.currentIndexChanged.connect(self.refresh)
        self.checkpoint.setMinimumWidth(220)
        checkpoint_label = QLabel("Checkpoint")
        checkpoint_label.setObjectName("muted")
        self.title_row.addWidget(checkpoint_label)
        self.title_row.addWidget(self.checkpoint)
        self.fields: dict[str, QLineEdit] = {}
        self.bounds: dict[str, QLabel] = {}
        for col, measure in enumerate(MEASURES):
            head = QLabel(f"{COLUMN_HEADS.get(measure, LABELS[measure])} ({UNITS[measure]})")
            head.setToolTip(f"{LABELS[measure]} ({UNITS[measure]})")
            head.setObjectName("muted")
            edit = QLineEdit()
            edit.setObjectName(f"vital_{measure}")
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
            edit.setMinimumHeight(38)
            edit.setStyleSheet("font-size: 20px;")
            edit.textChanged.connect(self.refresh)
            bound = QLabel()
            bound.setObjectName("muted")
            self.grid.addWidget(head, 0, col)
            self.grid.addWidget(edit, 1, col)
            self.grid.addWidget(bound, 2, col)
            self.fields[measure] = edit
            self.bounds[measure] = bound
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.grid.addWidget(self.verdict, 3, 0, 1, len(MEASURES))
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().lineSpacing() * 2 + 4)

    def open_for(self, record: SessionRecord) -> None:
        self.record = record
        for edit in self.fields.values():
            edit.clear()
        cp = suggested_checkpoint(record, self.now())
        self.checkpoint.setCurrentIndex(self.checkpoint.findData(cp))
        self.clear_error()
        self.refresh()
        self.fields["systolic"].setFocus()

    def values(self) -> dict[str, str]:
        return {m: e.text() for m, e in self.fields.items()}

    def refresh(self) -> None:
        if self.record is None:
            return
        checkpoint = self.checkpoint.currentData()
        thresholds = self.record.thresholds
        bounds = thresholds.for_checkpoint(checkpoint) if thresholds else {}
        for measure, label in self.bounds.items():
            bound = bounds.get(measure)
            label.setText(f"prescriber {bound.describe()}" if bound else "no bound")
        judged_by = "pre-dose" if checkpoint == "pre_dose" else "discharge"
        self.info.setText(
            f"Judged against the prescriber's {judged_by} thresholds, set by "
            f"{thresholds.set_by} on {thresholds.set_on}." if thresholds
            else "This session has no thresholds to judge by.")
        if not any(v.strip() for v in self.values().values()):
            self.verdict.clear()
            self.clear_error()
            return
        try:
            reading = make_reading(self.values(), taken_at=self.now(), checkpoint=checkpoint)
        except InvalidInput as exc:
            self.verdict.clear()
            self.show_error(exc, self.labels)
            return
        self.clear_error()
        if thresholds:
            verdict = judge_reading(reading, thresholds)
            self.verdict.setText({"within": "Within the prescriber's thresholds",
                                  "breach": "Breach: ", "incomplete": "Incomplete: "}
                                 [verdict.status] + ("" if verdict.status == "within"
                                                     else verdict.describe()))
            if verdict.status != "within":
                self.verdict.setText(self.verdict.text() + f"  ·  {self.on_call()}")
            self.verdict.setStyleSheet(f"color: {STATUS_COLORS[verdict.status]};")

    def on_call(self) -> str:
        prescriber_id = self.record.prescriber_id
        return on_call_line(find_prescriber(self.db, prescriber_id) if prescriber_id else None)

    def save(self) -> str:
        taken = self.now()
        _, verdict = record_vitals(self.db, self.record.id, self.values(), taken_at=taken,
                                   checkpoint=self.checkpoint.currentData())
        if verdict is None or verdict.status == "within":
            return "Vitals saved: within the prescriber's thresholds" if verdict else \
                "Vitals saved"
        recheck = local(recheck_at(self.record, taken))
        return (f"Vitals saved: {verdict.status}. Recheck reminder at {recheck:%H:%M}; "
                f"{self.on_call()}")
