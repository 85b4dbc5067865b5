"""A known-bad Qt binding is refused before it can end a session halfway.

PySide6/shiboken6 6.12.0 on Python 3.11 takes a reference off ``None`` on calls that return
nothing (``QPainter.save``, ``QLabel.setText``, ...). Nothing goes wrong at first; a live session
window, repainting every second, drains ``None`` and the interpreter aborts about 80 seconds
later. pyproject.toml keeps pip away from that release; this check catches an install that
slipped past it (an upgraded environment, a distribution package) while nothing is at stake.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtGui import QColor, QImage, QPainter

# A sound binding moves None's count by a handful at most; the faulty one by two per call.
TOLERATED_DRIFT = 50


def none_refcount_drift(calls: int = 500) -> int:
    """How far ``None``'s reference count moves over ``calls`` ordinary paint calls."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)

    def paint(times: int) -> None:
        for _ in range(times):
            painter.save()
            painter.setPen(QColor("#808080"))
            painter.restore()

    paint(50)  # first calls fill the binding's caches, which hold None a hundred-odd times
    before = sys.getrefcount(None)
    paint(calls)
    drift = sys.getrefcount(None) - before
    painter.end()
    return drift


def binding_fault(calls: int = 500) -> str | None:
    """A message for the therapist when this binding would crash a session, else None."""
    # Only a falling count is fatal: it reaches zero and the interpreter aborts.
    if none_refcount_drift(calls) >= -TOLERATED_DRIFT:
        return None
    return (f"kapdesk cannot run safely with the Qt library installed here (PySide6 "
            f"{PYSIDE_VERSION}): it has a known fault that would close a running session "
            "within minutes.\n\nReinstall kapdesk's requirements, for example:\n"
            "    pip install 'PySide6<6.12'\n\nNothing was changed in your practice.")
