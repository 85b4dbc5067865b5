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
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import T0
from gui import key, type_into, type_vitals
from kapdesk.storage.sessions import load_session
from kapdesk.ui import binding
from kapdesk.ui.main_window import MainWindow

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
        assert app_module.run(db_file) == app_module.FAULTY_BINDING
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


def test_a_whole_three_hour_session_painted_every_second(db, ready, clock, qtbot, themed_app):
    """Pre-flight to discharge through the real windows and keys, the clock moved one second
    at a time for three hours and the window painted at each: nothing dies, nothing drifts,
    nothing grows past a laptop screen."""
    main = MainWindow(db, clock=clock)
    qtbot.addWidget(main)
    main.show()
    main.actions["start"].trigger()
    preflight = main.dialog
    type_into(qtbot, preflight, "intention", "To rest and listen.")
    preflight.fields["ride_confirmed"].setChecked(True)
    qtbot.mouseClick(preflight.save_button, Qt.MouseButton.LeftButton)
    sw = main.session_window
    qtbot.addWidget(sw)

    def vitals(**values) -> None:
        key(qtbot, sw, Qt.Key.Key_V)
        type_vitals(qtbot, sw, **values)
        key(qtbot, sw, Qt.Key.Key_Return)

    def note(text: str) -> None:
        key(qtbot, sw, Qt.Key.Key_N)
        qtbot.keyClicks(sw.notes.box, text)
        key(qtbot, sw, Qt.Key.Key_Return)
        key(qtbot, sw, Qt.Key.Key_Escape)

    def discharge() -> None:
        key(qtbot, sw, Qt.Key.Key_L)
        key(qtbot, sw, Qt.Key.Key_Return)

    script = {
        11: lambda: vitals(systolic=128, diastolic=82, heart_rate=74),
        20: lambda: (key(qtbot, sw, Qt.Key.Key_D), key(qtbot, sw, Qt.Key.Key_Return)),
        32: lambda: key(qtbot, sw, Qt.Key.Key_S),
        38: lambda: note("Breathing slow, hands open."),
        45: lambda: (key(qtbot, sw, Qt.Key.Key_2), key(qtbot, sw, Qt.Key.Key_8)),
        60: lambda: vitals(systolic=138, diastolic=86, heart_rate=80),
        95: lambda: note("Said the colours were like the sea."),
        141: lambda: vitals(systolic=126, diastolic=80, heart_rate=70, spo2=98),
        175: discharge,
    }
    tick(clock, sw, 0)
    before = sys.getrefcount(None)
    largest = (0, 0)
    for second in range(1, 3 * 60 * 60 + 1):
        tick(clock, sw)
        if second % 60 == 0:
            action = script.get(second // 60)
            if action:
                action()
            size = sw.frameGeometry().size()
            largest = (max(largest[0], size.width()), max(largest[1], size.height()))
            assert sw.isVisible()
    assert not_drained(before)

    record = load_session(db, sw.record.id)
    assert record.discharge is not None and record.discharge["cleared"] == 1
    assert record.session["ended_at"] == (T0 + timedelta(minutes=175)).isoformat()
    assert [e["kind"] for e in record.events if e["kind"] == "spit"] == ["spit"]
    assert len(record.notes) >= 2 and len(record.readings) == 3
    assert sw.view.elapsed.text() == "2:55:00"  # an ended session's clock stops at discharge
    assert largest[0] <= LAPTOP[0] and largest[1] <= LAPTOP[1], largest
