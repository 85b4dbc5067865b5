"""One app per practice (issue 13, item 6): a second copy on the same file brings the
first to the front and leaves; a command that rewrites the file waits, then says the app
has it, and the app's window never freezes on SQLite's lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from kapdesk.cli import main
from kapdesk.practice_lock import lock_file_of
from kapdesk.ui.one_copy import OneCopy


def app_env(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SDL_AUDIODRIVER="dummy",
               KAPDESK_DATA_DIR=str(tmp_path / "data"))
    env.pop("KAPDESK_DB", None)
    return env


@pytest.fixture
def first_copy(tmp_path, capsys):
    """The real app, in a process of its own, open on a demo practice."""
    practice = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(practice)]) == 0
    capsys.readouterr()
    first = subprocess.Popen([sys.executable, "-m", "kapdesk", "--demo", "--db", str(practice)],
                             env=app_env(tmp_path), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    log = tmp_path / "data" / "logs" / "kapdesk.log"
    deadline = time.monotonic() + 60
    while not (lock_file_of(practice).exists() and log.exists()):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)
    time.sleep(1.0)  # the window is up and its door open
    yield practice, first, log
    first.terminate()
    first.wait(timeout=30)


def test_a_second_copy_brings_the_first_to_the_front_and_leaves(tmp_path, first_copy):
    practice, first, log = first_copy
    second = subprocess.run([sys.executable, "-m", "kapdesk", "--demo", "--db", str(practice)],
                            env=app_env(tmp_path), capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 0
    assert "already open" in second.stderr and "brought to the front" in second.stderr
    deadline = time.monotonic() + 10
    while "came to the front" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    assert first.poll() is None  # the first copy runs on, undisturbed


def test_a_knock_before_the_first_copy_opens_its_door_is_still_heard(tmp_path, qtbot):
    """The first copy opens its door only once its window is up; a second copy knocking
    meanwhile (a double-click twice) waits for it instead of saying someone else has it."""
    practice = tmp_path / "demo.sqlite"
    practice.write_bytes(b"")
    first = OneCopy(practice)
    assert first.claim()
    heard: list[bool] = []
    knocker = threading.Thread(target=lambda: heard.append(OneCopy(practice).knock()))
    try:
        with qtbot.waitSignal(first.knocked, timeout=5000):
            knocker.start()  # before the event loop has run: the door is not open yet
        knocker.join(5)
        assert heard == [True]
    finally:
        first.release()


def test_an_import_beside_the_app_says_it_is_busy_and_changes_nothing(tmp_path, first_copy,
                                                                      capsys, exported):
    practice, first, _ = first_copy
    before = practice.read_bytes()
    code = main(["import", str(exported[0].parent / "avery.json"), "--db", str(practice)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert f"(process {first.pid}" in err and "has" in err and "Nothing was changed" in err
    assert practice.read_bytes() == before
