"""HTML to PDF with Qt's own PDF writer, fonts embedded from assets/fonts, so names with
accents and dashes survive on any machine and the text stays extractable."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)

from kapdesk.resources import asset_path

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_family: str | None = None


def ensure_gui() -> None:
    """Fonts and PDF need a Qt application; the command line runs without a screen. A full
    QApplication, so that windows can still open later in the same process."""
    if QGuiApplication.instance() is None:
        from PySide6.QtWidgets import QApplication

        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication(sys.argv[:1])


def report_font() -> str:
    global _family
    if _family is None:
        ensure_gui()
        families = []
        for name in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(asset_path(f"fonts/{name}")))
            families += QFontDatabase.applicationFontFamilies(font_id)
        _family = families[0] if families else "DejaVu Sans"
    return _family


def write_pdf(body_html: str, target: Path, *, images: dict[str, QImage] | None = None,
              title: str = "kapdesk report") -> Path:
    """Write ``body_html`` as an A4 PDF; ``images`` are referenced as <img src='NAME'>."""
    family = report_font()
    writer = QPdfWriter(str(target))
    writer.setTitle(title)
    writer.setCreator("kapdesk")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # points measured at the PDF's 300 dpi
    font = QFont(family)
    font.setPointSizeF(9.5)
    # No ligatures: 'confirmed' must extract as c-o-n-f-i-r-m-e-d, not with an 'ﬁ' glyph,
    # so a prescriber's system can search and copy the text.
    for feature in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(feature), 0)
    document.setDefaultFont(font)
    for name, image in (images or {}).items():
        document.addResource(QTextDocument.ResourceType.ImageResource, name, image)
    document.setHtml(body_html.replace("'DejaVu Sans'", f"'{family}'"))
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(page.width(), page.height()))
    document.print_(writer)
    return target
