"""Small table models over plain rows (dicts from storage), one per table view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from kapdesk.domain.course import undosed
from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vocabulary import SESSION_KINDS
from kapdesk.ui.theme import COLORS

Column = tuple[str, Callable[[dict[str, Any]], str]]

DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TEXT = frozenset((DISPLAY_ROLE, Qt.ItemDataRole.ToolTipRole.value))
_ROLES = _TEXT | {_FOREGROUND, Qt.ItemDataRole.UserRole.value}


class RowsModel(QAbstractTableModel):
    """A read-only table of rows; subclasses name their columns."""

    columns: Sequence[Column] = ()
    rows_set = Signal()  # views size their columns once per new set of rows

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.rows_set.emit()

    def row(self, index: int) -> dict[str, Any]:
        return self._rows[index]

    def replace_row(self, index: int, row: dict[str, Any]) -> None:
        """One row learnt something (a check finished): redrawn, the selection kept."""
        self._rows[index] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.columns) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def data(self, index: QModelIndex, role: int = DISPLAY_ROLE):
        # Called for every cell and role on each paint and column sizing: plain ints only
        # (comparing with Qt's enum members costs about 6 µs a time).
        if role not in _ROLES or not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in _TEXT:  # the tooltip shows an elided cell whole
            return self.columns[index.column()][1](row)
        if role == _FOREGROUND:
            return self.foreground(row, index.column())
        return row  # UserRole

    def foreground(self, row: dict[str, Any], column: int) -> QColor | None:
        return None


def when(value: str | None) -> str:
    return local(parse_instant(value)).strftime("%a %d %b %Y, %H:%M") if value else "-"


class ClientsModel(RowsModel):
    THRESHOLDS = 1
    columns = (
        ("Client", lambda r: r["display_name"]),
        ("Thresholds", lambda r: "on file" if r["has_thresholds"] else "needed"),
        ("Med. sessions", lambda r: str(r["medication_sessions"])),
    )
    # Every text the short columns can hold: they are as wide as these, whatever the rows.
    WIDEST = {1: ("Thresholds", "on file", "needed"), 2: ("Med. sessions", "88")}

    def foreground(self, row, column):
        if column == self.THRESHOLDS:
            return QColor(COLORS["muted"] if row["has_thresholds"] else COLORS["incomplete"])
        return None


def session_status(row: dict[str, Any]) -> str:
    if row["ended_at"]:
        if row["kind"] == "medication" and row.get("discharge_cleared") == 0:
            return "done (discharge overridden)"
        return "done"
    return "in progress" if row["started_at"] else "planned"


def session_name(row: dict[str, Any]) -> str:
    number = f" {row['number']}" if row["number"] and row["kind"] != "preparation" else ""
    return SESSION_KINDS[row["kind"]] + number


class SessionsModel(RowsModel):
    """A client's sessions in course order, with done / next / planned."""

    STATUS = 2
    columns = (
        ("Date", lambda r: when(r["date"])),
        ("Session", lambda r: session_name(r) + (f" · course {r['course_no']}"
                                                  if r.get("course_no") else "")),
        # Amber alone did not say why: an overridden discharge says it in words too.
        ("Status", lambda r: (r.get("status") or session_status(r))
         + (" · override" if r.get("discharge_cleared") == 0 else "")
         + (" · no dose" if undosed(r) else "")),
        ("Follows", lambda r: f"medication {r['follows']}" if r.get("follows") else ""),
        ("ID", lambda r: str(r["id"])),
    )

    def foreground(self, row, column):
        if column == self.STATUS:
            status = row.get("status") or session_status(row)
            if status in ("next", "in progress"):
                return QColor(COLORS["accent"])
            if row.get("discharge_cleared") == 0:
                return QColor(COLORS["incomplete"])
            return QColor(COLORS["muted"]) if status in ("planned", "not held") else None
        return QColor(COLORS["muted"]) if column in (3, 4) else None


class OutcomesModel(RowsModel):
    columns = (
        ("Date", lambda r: r["taken_on"]),
        ("Questionnaire", lambda r: r["instrument"]),
        ("Total", lambda r: str(r["score"])),
        ("Session", lambda r: (f"{SESSION_KINDS[r['session_kind']]} {r['session_number'] or ''}"
                               .strip() if r["session_kind"] else "intake / between sessions")),
    )
