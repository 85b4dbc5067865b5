"""Editors for what the prescriber decided: the order and the thresholds, each a new version."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QLineEdit, QWidget

from kapdesk.domain.orders import FORMS, ROUTES, clean_order, describe_order
from kapdesk.domain.thresholds import (
    THRESHOLD_CHECKPOINTS,
    Thresholds,
    thresholds_from_entries,
)
from kapdesk.domain.vitals import LABELS, MEASURES, UNITS
from kapdesk.practice.queries import (
    Database,
    add_order,
    add_thresholds,
    current_order,
    get_client,
    get_prescriber,
    prescriber_label,
    threshold_history,
)
from kapdesk.ui.client_forms import prescriber_options
from kapdesk.ui.forms import FormDialog, combo, line

CHECKPOINT_TITLES = {"pre_dose": "Pre-dose", "discharge": "Discharge"}


class OrderDialog(FormDialog):
    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        client = get_client(db, client_id)
        current = current_order(db, client_id) or {}
        intro = ("Enter the order as the prescriber wrote it. "
                 + (f"Saving creates version {current['version'] + 1}; past sessions keep "
                    f"the version they used.\nNow: {describe_order(current)}" if current
                    else "This will be version 1."))
        super().__init__(f"Prescriber's order for {client['display_name']}", self._save, parent,
                         window_title="Prescriber's order", intro=intro)
        get = current.get
        self.add("prescriber_id", "Prescriber", combo(
            prescriber_options(db), get("prescriber_id") or client["prescriber_id"]))
        self.add("medicine", "Medicine", line(get("medicine", "racemic ketamine")))
        self.add("form", "Form", combo([(f, f) for f in FORMS], get("form", FORMS[0]),
                                       editable=True))
        self.add("route", "Route", combo([(r, r) for r in ROUTES], get("route", ROUTES[0]),
                                         editable=True))
        self.add("dose_mg", "Dose (mg)", line(_num(get("dose_mg")), "e.g. 100"))
        booster = self.add("booster_allowed", "Booster", QCheckBox("allowed by the order"))
        booster.setChecked(bool(get("booster_allowed")))
        self.booster_mg = self.add("booster_mg", "Booster dose (mg)",
                                   line(_num(get("booster_mg")), "e.g. 50"))
        self.booster_mg.setEnabled(booster.isChecked())
        booster.toggled.connect(self.booster_mg.setEnabled)
        self.add("min_minutes_after_dose", "Minimum stay (min)",
                 line(_num(get("min_minutes_after_dose")),
                      "after the last dose; empty uses the protocol's 120 min"))
        self.add("prn_medicines", "PRN allowed",
                 line(get("prn_medicines") or "",
                      "e.g. ondansetron 4 mg ODT; lorazepam 0.5 mg (separate with ;)"))
        self.add("ordered_on", "Ordered on", line(date.today().isoformat(), "YYYY-MM-DD"))
        self.versioned = bool(current)

    def check(self, values: dict[str, Any]) -> None:
        clean_order(values)

    def _save(self, values: dict[str, Any]) -> int:
        return add_order(self.db, self.client_id, **values)


def _num(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


class ThresholdsDialog(FormDialog):
    """The prescriber's bounds per checkpoint, beside the version they replace."""

    def __init__(self, db: Database, client_id: int, parent: QWidget | None = None) -> None:
        self.db, self.client_id = db, client_id
        client = get_client(db, client_id)
        history = threshold_history(db, client_id)
        previous: Thresholds | None = history[0][1] if history else None
        intro = ("Enter the prescriber's thresholds exactly as ordered; kapdesk has no defaults. "
                 "Leave a box empty where the prescriber set no bound. A value equal to a "
                 "bound counts as within.")
        if previous:
            intro += (f"\nSaving creates version {history[0][0]['version'] + 1}; the current "
                      "version is shown on the right for comparison.")
        super().__init__(f"Thresholds for {client['display_name']}", self._save, parent,
                         window_title="Thresholds", intro=intro)
        self.setMinimumWidth(860 if previous else 680)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 4, 0, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        groups = [("Pre-dose", 1), ("Discharge", 3)]
        if previous:
            groups.append((f"Now (v{history[0][0]['version']})", 5))
        for text, col in groups:
            grid.addWidget(self._head(text), 0, col, 1, 2, Qt.AlignmentFlag.AlignCenter)
        subheads = ["min", "max", "min", "max"] + (["pre-dose", "discharge"] if previous else [])
        for col, text in enumerate(subheads, start=1):
            grid.addWidget(self._head(text), 1, col, Qt.AlignmentFlag.AlignCenter)
        for row, measure in enumerate(MEASURES, start=2):
            grid.addWidget(QLabel(f"{LABELS[measure]} ({UNITS[measure]})"), row, 0)
            for c, checkpoint in enumerate(THRESHOLD_CHECKPOINTS):
                # a refusal about the pair (min above max) names the measure, not its key
                self.labels[f"{checkpoint}.{measure}"] = \
                    f"{CHECKPOINT_TITLES[checkpoint]} {LABELS[measure]}"
                for s, side in enumerate(("min", "max")):
                    key = f"{checkpoint}.{measure}.{side}"
                    bound = previous.for_checkpoint(checkpoint).get(measure) if previous else None
                    value = getattr(bound, side) if bound else None
                    edit = QLineEdit("" if value is None else str(value))
                    edit.setPlaceholderText("—")
                    edit.setFixedWidth(76)
                    edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
                    label = f"{CHECKPOINT_TITLES[checkpoint]} {LABELS[measure]} {side}"
                    self.register(key, label, edit)
                    grid.addWidget(edit, row, 1 + 2 * c + s)
            if previous:
                for c, checkpoint in enumerate(THRESHOLD_CHECKPOINTS):
                    bound = previous.for_checkpoint(checkpoint).get(measure)
                    old = QLabel(bound.describe() if bound else "—")
                    old.setObjectName("muted")
                    grid.addWidget(old, row, 5 + c, Qt.AlignmentFlag.AlignCenter)
        grid.setColumnStretch(0, 1)
        self.add_block(grid_host)
        for checkpoint in THRESHOLD_CHECKPOINTS:
            self.labels[checkpoint] = f"{CHECKPOINT_TITLES[checkpoint]} thresholds"
        prescriber = (get_prescriber(db, client["prescriber_id"])
                      if client["prescriber_id"] else None)
        self.add("set_by", "Set by", line(prescriber_label(prescriber) if prescriber else "",
                                          "the prescriber who set them"))
        self.add("set_on", "Set on", line(date.today().isoformat(), "YYYY-MM-DD"))
        self.versioned = previous is not None

    @staticmethod
    def _head(text: str) -> QLabel:
        head = QLabel(text)
        head.setObjectName("section")
        return head

    def entries(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k.count(".") == 2}

    def check(self, values: dict[str, Any]) -> None:
        thresholds_from_entries(self.entries(values), set_by=values["set_by"],
                                set_on=values["set_on"])

    def _save(self, values: dict[str, Any]) -> int:
        thresholds = thresholds_from_entries(self.entries(values), set_by=values["set_by"],
                                             set_on=values["set_on"])
        return add_thresholds(self.db, self.client_id, thresholds)
