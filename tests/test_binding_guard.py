"""The app must survive a whole session in the room, not just a second offscreen.

PySide6 6.12.0 on Python 3.11 took a reference off ``None`` on every call that returns nothing,
and a live session window died about 80 s in. These tests paint the real session window the
way three hours in the room do, so the next such release fails here, not beside a client.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QApplication

from kapdesk.ui import binding

LAPTOP = (1280, 720)


def tick(clock, window, seconds: int = 1) -> None:
    """One second of the room: the clock moves, the window's own timer fires, Qt paints."""
    clock.advance(seconds=seconds)
    window._timer.timeout.emit()
    QApplication.processEvents()


def test_painting_the_resumed_session_window_leaves_none_alone(db, clock, qtbot, running):
    """Reopening the app mid-session, as after a crash: thousands of real paints later,
    None's reference count has not drained (6.12.0 lost two per QPainter call)."""
    _, sw, _ = running
    qtbot.addWidget(sw)
    tick(clock, sw)
    before = sys.getrefcount(None)
    for _ in range(2000):
        clock.advance(seconds=1)
        sw._timer.timeout.emit()
        sw.repaint()  # a full synchronous paint of every widget, band included
    assert not_drained(before)


def not_drained(before: int) -> bool:
    """None's count may grow (records hold None in their empty fields) but must not fall:
    a falling count reaches zero, and the interpreter aborts."""
    return sys.getrefcount(None) - before >= -binding.TOLERATED_DRIFT


def test_the_installed_binding_passes_the_start_up_check(themed_app):
    assert binding.binding_fault() is None


def test_a_faulty_binding_is_refused_at_start_with_a_plain_message(tmp_path, monkeypatch,
                                                                   themed_app):
    from kapdesk.ui import app as app_module

    shown: list[str] = []
    monkeypatch.setattr(binding, "none_refcount_drift", lambda calls=500: -2 * calls)
    monkeypatch.setattr(app_module.QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    db_file = tmp_path / "practice.sqlite"
    try:
        assert app_module.run(db_file) == 1
    finally:
        _detach_log_handlers()
    assert shown and "known fault that would close a running session" in shown[0]
    assert "pip install 'PySide6<6.12'" in shown[0]
    assert not db_file.exists()  # nothing was touched


def _detach_log_handlers() -> None:
    import faulthandler
    import logging

    logger = logging.getLogger("kapdesk")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    faulthandler.enable(file=sys.__stderr__)


def test_a_native_crash_leaves_its_trace_in_the_log(tmp_path):
    """A fault inside a C library kills the process; what it was doing is in the log."""
    script = textwrap.dedent("""
        import faulthandler
        from kapdesk.ui.app import _log_to_file
        _log_to_file()
        faulthandler._sigsegv()
    """)
    env = {**os.environ, "KAPDESK_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            timeout=60)
    assert result.returncode != 0
    log = (tmp_path / "logs" / "kapdesk.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in log
