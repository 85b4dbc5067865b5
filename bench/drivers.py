"""Figures that need a process of their own: start-up, the longest UI stall and memory in a
live session, and the session PDF command; each beside its bare-Qt baseline, run
interleaved (baseline, kapdesk, baseline, kapdesk ...) so both see the same machine.

Everything runs offscreen (``QT_QPA_PLATFORM=offscreen``, ``SDL_AUDIODRIVER=dummy``): the
benchmark needs no display, and the baseline runs on the same platform as kapdesk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Start-up: from before the interpreter starts to the first painted practice window.
# QApplication.exec is replaced so the app stops once its window has been painted; it is
# replaced as PySide6.QtWidgets is first imported, so kapdesk imports in its own order.
APP_START = r"""
import json, sys, time
from importlib.machinery import PathFinder
t0 = float(sys.argv[1])
def until_painted(app):
    from PySide6.QtWidgets import QMainWindow
    while True:
        app.processEvents()
        shown = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        if shown:
            shown[0].grab()
            print(json.dumps({"seconds": time.time() - t0}), flush=True)
            return 0
class PatchExec:  # a finder by its method alone: importlib.abc would cost kapdesk ~10 ms
    def find_spec(self, name, path, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            module.QApplication.exec = until_painted
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, PatchExec())
from kapdesk.cli import main  # as the installed ``kapdesk`` command does
main(["--demo", "--db", sys.argv[2]])
"""

# With "stack", the bare window first imports what kapdesk's fixed stack loads before its
# window (SQLCipher, sqlite-utils): the part of the start-up goal the stack alone takes.
# With "enums" as well, it also names one member of Qt's namespace, as any window that
# aligns a label or binds a key does; PySide6 then builds all of the namespace's ~90 enum
# types at once.
BARE_START = r"""
import json, sys, time
t0 = float(sys.argv[1])
if "stack" in sys.argv[2:]:
    import kapdesk.sqlite_driver, sqlite_utils
if "enums" in sys.argv[2:]:
    from PySide6.QtCore import Qt
    Qt.AlignmentFlag.AlignLeft
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("bare"))
window.resize(1240, 780)
window.show()
app.processEvents()
window.grab()
print(json.dumps({"seconds": time.time() - t0}), flush=True)
"""

# The PDF's baseline: the same Qt path kapdesk's report takes (a QTextDocument printed by a
# QPdfWriter), one page, with nothing read: what any PySide6 program pays for a PDF here.
BARE_PDF = r"""
import sys
from PySide6.QtGui import QGuiApplication, QPdfWriter, QTextDocument
app = QGuiApplication(sys.argv[:1])
document = QTextDocument()
document.setHtml("<h1>Session summary</h1><p>One page, nothing read.</p>")
document.print_(QPdfWriter(sys.argv[1]))
"""

# A live session: a 1 ms heartbeat measures the longest gap on the UI thread while the
# therapist starts the music, writes a note, opens the vitals panel and puts it away.
SESSION = r"""
import json, resource, sys, time
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow
app = QApplication(sys.argv[:1])
bare = sys.argv[1] == "bare"
if bare:
    window = QMainWindow(); field = QLineEdit(); window.setCentralWidget(field)
    window.resize(1240, 780); window.show(); target = lambda: field
else:
    from kapdesk.domain.timeutil import utc_now
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.storage import open_database
    from kapdesk.ui.app import open_windows
    from kapdesk.ui.collector import collect_on_ui_thread
    from kapdesk.ui.theme import apply_theme
    collect_on_ui_thread(app)  # as kapdesk.ui.app.run does: its collections are stalls too
    db = open_database(sys.argv[2])
    client = db.execute("SELECT c.id FROM clients c JOIN sessions s ON s.client_id = c.id "
                        "WHERE s.kind = 'medication' AND s.started_at IS NULL "
                        "ORDER BY c.id LIMIT 1").fetchone()[0]
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    begin_medication_session(db, client, at=utc_now(), intention="to rest",
                             ride_home_name="A. Driver", ride_confirmed=True,
                             playlist_id=playlist)
    apply_theme(app)
    main = open_windows(db, db_path=sys.argv[2])
    window = main.session_window
    target = lambda: window.focusWidget() or window
gaps, last = [0.0], [time.monotonic()]
def beat():
    now = time.monotonic(); gaps.append(now - last[0]); last[0] = now
heart = QTimer(); heart.setInterval(1); heart.timeout.connect(beat)
def wait(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(); time.sleep(0.0005)
wait(0.5)
heart.start(); last[0] = time.monotonic()
QTest.keyClick(target(), Qt.Key.Key_Space); wait(1.5)          # the music starts
QTest.keyClick(target(), Qt.Key.Key_N); wait(0.2)              # a note
for char in "she says the room is warm and far away":
    QTest.keyClicks(target(), char); wait(0.05)
QTest.keyClick(target(), Qt.Key.Key_Return); wait(0.5)
QTest.keyClick(target(), Qt.Key.Key_Escape); wait(0.2)
QTest.keyClick(target(), Qt.Key.Key_V); wait(0.5)              # the vitals panel
QTest.keyClick(target(), Qt.Key.Key_Escape); wait(1.0)
heart.stop()
def peak_mib():
    # VmHWM: this program's own peak (ru_maxrss would keep the forking parent's peak)
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"stall_ms": max(gaps) * 1000, "rss_mib": peak_mib()}), flush=True)
"""


def compile_bytecode() -> None:
    """Write kapdesk's bytecode, as installing it does, so that no start is timed compiling
    (compileall writes even where ``PYTHONDONTWRITEBYTECODE`` is set)."""
    import compileall

    import kapdesk

    compileall.compile_dir(Path(kapdesk.__file__).parent, quiet=1)


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SDL_AUDIODRIVER="dummy")
    env["KAPDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="kapdesk-bench-data-")
    env.pop("KAPDESK_DB", None)
    return env


def _run(script: str, *args: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                            text=True, env=_env(), timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"a benchmark driver failed: {result.stderr[-2000:]}")
    return json.loads(lines[-1])


def _settled_copy(practice: Path, copies: Path, prefix: str) -> Path:
    """A fresh copy of the practice, on the disk before the clock starts: the kernel writing
    back 120 MB of a ten-year copy would otherwise run inside the timed command."""
    copy = copies / f"{prefix}-{time.monotonic_ns()}.sqlite"
    with open(copy, "wb") as out:
        out.write(practice.read_bytes())
        out.flush()
        os.fsync(out.fileno())
    return copy


def start_up(practice: Path, copies: Path) -> float:
    """Seconds from spawn to the painted practice window, on a fresh copy of the file."""
    copy = _settled_copy(practice, copies, "start")
    try:
        return _run(APP_START, repr(time.time()), str(copy))["seconds"]
    finally:
        for file in copies.glob(copy.name + "*"):
            file.unlink()


def bare_start_up(*, with_stack: bool = False, with_enums: bool = False) -> float:
    loads = (["stack"] if with_stack else []) + (["enums"] if with_enums else [])
    return _run(BARE_START, repr(time.time()), *loads)["seconds"]


def live_session(practice: Path | None, copies: Path) -> dict[str, float]:
    """The longest UI stall (ms) and the peak memory (MiB) of a scripted session; with
    ``None``, of a bare window given the same keys."""
    if practice is None:
        return _run(SESSION, "bare")
    copy = _settled_copy(practice, copies, "session")
    try:
        return _run(SESSION, "app", str(copy))
    finally:
        for file in copies.glob(copy.name + "*"):
            file.unlink()


def session_pdf(practice: Path, copies: Path) -> float:
    """Seconds for the whole ``kapdesk export SESSION --format pdf`` command."""
    import sqlite3

    with sqlite3.connect(practice) as conn:
        session = conn.execute("SELECT max(id) FROM sessions WHERE kind = 'medication' "
                               "AND ended_at IS NOT NULL").fetchone()[0]
    copy = _settled_copy(practice, copies, "export")  # the export is logged in it
    target = copies / f"summary-{time.monotonic_ns()}.pdf"
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kapdesk", "export", str(session),
                             "--format", "pdf", "-o", str(target), "--db", str(copy)],
                            capture_output=True, text=True, env=_env(), timeout=300)
    seconds = time.perf_counter() - began
    for file in (target, *copies.glob(copy.name + "*")):
        file.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"kapdesk export failed: {result.stderr}")
    return seconds


def bare_pdf(copies: Path) -> float:
    """Seconds for a bare PySide6 program to write a one-page PDF, started the same way."""
    target = copies / f"bare-{time.monotonic_ns()}.pdf"
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", BARE_PDF, str(target)],
                            capture_output=True, text=True, env=_env(), timeout=300)
    seconds = time.perf_counter() - began
    target.unlink(missing_ok=True)
    if result.returncode != 0:
        raise RuntimeError(f"the bare PDF failed: {result.stderr}")
    return seconds
