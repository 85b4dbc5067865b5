"""Cycles are collected on the UI thread only: a collection on a worker thread (the audio
warm-up importing pygame) freed the UI thread's Qt objects and crashed the process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading

# A worker thread of the app makes cyclic garbage, many times the young generation's
# threshold, while the UI thread waits in the event loop: which threads collected?
WORKER_GARBAGE = r"""
import gc, threading

class Cycle:
    def __init__(self):
        self.me = self

def make_garbage():
    for _ in range(50 * gc.get_threshold()[0]):
        Cycle()

def collections_by_thread(app, seconds):
    import time
    collectors = []
    def note(phase, info):
        if phase == "start":
            collectors.append(threading.current_thread().name)
    gc.callbacks.append(note)
    worker = threading.Thread(target=make_garbage, name="worker")
    worker.start()
    worker.join()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    gc.callbacks.remove(note)
    return sorted(set(collectors)), gc.isenabled()
"""

# The real start (``kapdesk --demo``), its event loop replaced by the measurement above.
APP_START = WORKER_GARBAGE + r"""
import json, sys
from PySide6.QtWidgets import QApplication

def measure(app):
    threads, enabled = collections_by_thread(app, 0.5)
    print(json.dumps({"threads": threads, "automatic": enabled}), flush=True)
    return 0

QApplication.exec = measure
from kapdesk.cli import main
main(["--demo", "--db", sys.argv[1]])
"""


def test_the_app_collects_cycles_on_its_ui_thread_only(tmp_path):
    env = dict(os.environ, KAPDESK_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", APP_START, str(tmp_path / "demo.sqlite")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures == {"threads": ["MainThread"], "automatic": False}


def test_the_tests_application_collects_as_the_app_does(qapp):
    namespace: dict = {}
    exec(WORKER_GARBAGE, namespace)  # noqa: S102 - the snippet above, shared with the app's
    threads, enabled = namespace["collections_by_thread"](qapp, 0.5)
    assert threads == ["MainThread"] and not enabled
    assert threading.current_thread().name == "MainThread"


def test_a_collection_switched_off_on_purpose_stays_off(qapp):
    from kapdesk.ui.collector import collect_on_ui_thread

    collector = collect_on_ui_thread(qapp)
    assert collect_on_ui_thread(qapp) is collector  # installed once
    threshold = gc.get_threshold()
    collected: list[str] = []

    def note(phase, info):
        collected.append(phase)

    gc.set_threshold(0)
    gc.callbacks.append(note)
    try:
        collector.collect_if_due()
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
    assert collected == []
