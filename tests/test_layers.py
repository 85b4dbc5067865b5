"""Architecture rules: the core imports no Qt, nothing imports network code, startup is lazy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import kapdesk
from kapdesk.resources import asset_path, music_dir

PACKAGE = Path(kapdesk.__file__).parent
NETWORK = re.compile(r"^\s*(import|from)\s+(requests|urllib\.request|http\.client|socket|httpx|"
                     r"aiohttp|ftplib|smtplib)\b", re.M)


def loaded_after(code: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                             "print('\\n'.join(sorted(sys.modules)))"],
                            capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_domain_storage_export_audio_and_cli_import_no_qt_and_no_pygame():
    modules = loaded_after(
        "import kapdesk.cli, kapdesk.demo\n"
        + "\n".join(f"import {p.relative_to(PACKAGE.parent).with_suffix('').as_posix()}"
                    .replace("/", ".")
                    for layer in ("domain", "storage", "export", "audio", "practice")
                    for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__"))
    assert "kapdesk.storage.sessions" in modules and "kapdesk.practice.record_import" in modules
    assert not {m for m in modules if m.startswith(("PySide6", "shiboken6", "pygame"))}


def test_opening_the_windows_loads_no_audio_until_music_plays():
    """Start-up stays quick and the app makes no sound of its own: pygame's mixer is loaded
    only by the music player's first track."""
    modules = loaded_after("import kapdesk.ui.app, kapdesk.ui.session.window, "
                           "kapdesk.audio.controller, kapdesk.audio.backend")
    assert "PySide6.QtWidgets" in modules
    assert not {m for m in modules if m.startswith(("pygame", "PySide6.QtMultimedia"))}


def test_no_network_code_anywhere():
    offenders = [p.name for p in PACKAGE.rglob("*.py") if NETWORK.search(p.read_text())]
    assert offenders == []


def test_shipped_files_are_found_through_the_package():
    assert asset_path("kapdesk.svg").read_text().startswith("<svg")
    assert music_dir().is_dir()
