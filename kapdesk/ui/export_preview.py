"""Before anything leaves the laptop: the exact content, the format, for whom, then where."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import KapdeskError
from kapdesk.export.course_summary import course_summary
from kapdesk.export.summary import session_summary
from kapdesk.export.summary_html import course_summary_html, session_summary_html
from kapdesk.practice.queries import Database
from kapdesk.report.delivery import as_text, save
from kapdesk.ui.errors import message
from kapdesk.ui.ops import Change, announce
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons

NEVER = {
    "session": "Never included: process notes. Other notes only when they are your summary "
               "for the prescriber or were marked shareable.",
    "course": "No notes of any kind are included in a course summary.",
}


class PagePreview(QTextBrowser):
    """The page as it will be printed, with its chart images."""

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, object] = {}

    def loadResource(self, kind: int, name) -> object:  # noqa: N802
        image = self.images.get(name.toString())
        return image if image is not None else super().loadResource(kind, name)


class ExportDialog(QDialog):
    def __init__(self, db: Database, *, client_id: int, session_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db, self.client_id = db, client_id
        self.kind = "session" if session_id else "course"
        self.summary = (session_summary(db, session_id) if session_id
                        else course_summary(db, client_id))
        self.saved_to: Path | None = None
        name = self.summary["client"]["display_name"]
        self.setWindowTitle(f"Export {self.kind} summary")
        self.resize(900, 760)
        self.format = QComboBox()
        for text, fmt in (("PDF for people", "pdf"), ("JSON for systems", "json"),
                          ("CSV for spreadsheets", "csv")):
            self.format.addItem(text, fmt)
        self.format.currentIndexChanged.connect(self.show_preview)
        prescriber = self.summary.get("prescriber") or {}
        self.recipient = QLineEdit(prescriber.get("name", ""))
        self.recipient.setPlaceholderText("for whom (kept in the export log)")
        self.preview = PagePreview()
        self.preview.setObjectName("exportPreview")
        self.status = label(name="warning", wrap=True)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self.choose_file)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(label("Format"))
        top.addWidget(self.format)
        top.addSpacing(16)
        top.addWidget(label("For"))
        top.addWidget(self.recipient, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(f"Export {self.kind} summary · {name}", "title"))
        layout.addWidget(label("This is exactly what will leave the laptop. " + NEVER[self.kind],
                               "muted", wrap=True))
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        no_default_buttons(self)
        self.show_preview()

    @property
    def fmt(self) -> str:
        return self.format.currentData()

    def show_preview(self) -> None:
        if self.fmt == "pdf":
            build = session_summary_html if self.kind == "session" else course_summary_html
            page = build(self.summary)
            if self.kind == "course" and not self.preview.images:
                from kapdesk.report.documents import course_charts

                # the very charts the PDF carries, not the empty boxes Qt drew for them
                self.preview.images = course_charts(self.summary)
            self.preview.setStyleSheet(
                "QTextBrowser { background: white; color: #1d2329; }"
                "QScrollBar { background: #eef1f4; }"
                "QScrollBar::handle { background: #b8c1cb; border-radius: 4px; }")
            self.preview.setHtml(page)
        else:
            self.preview.setStyleSheet("")
            self.preview.setPlainText(as_text(self.summary, self.kind, self.fmt))

    def default_name(self) -> str:
        name = self.summary["client"]["display_name"].replace(" ", "_").replace(".", "")
        number = self.summary["session"]["number_in_course"] if self.kind == "session" else ""
        return f"{name}_{self.kind}{number or ''}.{self.fmt}"

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the summary",
                                              str(Path.home() / self.default_name()))
        if not path:
            return
        try:
            self.saved_to = save(self.db, self.summary, kind=self.kind, fmt=self.fmt,
                                 target=Path(path), recipient=self.recipient.text().strip())
        except (KapdeskError, OSError) as exc:
            self.status.setText(message(exc) if isinstance(exc, KapdeskError) else str(exc))
            return
        announce(Change(client_id=self.client_id))  # the export is logged
        self.accept()
