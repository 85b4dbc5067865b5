"""Architecture rules: the core imports no Qt, nothing imports network code, startup is lazy."""

from __future__ import annotations

import ast
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
    only by the music player's first track, and QtNetwork (the one-copy door) once the
    window is up."""
    modules = loaded_after("import kapdesk.ui.app, kapdesk.ui.session.window, "
                           "kapdesk.audio.controller, kapdesk.audio.backend")
    assert "PySide6.QtWidgets" in modules
    assert not {m for m in modules
                if m.startswith(("pygame", "PySide6.QtMultimedia", "PySide6.QtNetwork"))}


def test_no_network_code_anywhere():
    offenders = [p.name for p in PACKAGE.rglob("*.py") if NETWORK.search(p.read_text())]
    assert offenders == []


def test_shipped_files_are_found_through_the_package():
    assert asset_path("kapdesk.svg").read_text().startswith("<svg")
    assert music_dir().is_dir()


def imported_modules(layer: str) -> dict[str, set[str]]:
    """Every module each file of a layer imports, read from its source (not by importing)."""
    found: dict[str, set[str]] = {}
    root = PACKAGE / layer
    for path in ([root] if root.is_file() else root.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[path.relative_to(PACKAGE).as_posix()] = names
    return found


def breaking(layer: str, allowed) -> dict[str, list[str]]:
    return {file: sorted(m for m in names if m.startswith("kapdesk") and not allowed(m))
            for file, names in imported_modules(layer).items()
            if any(m.startswith("kapdesk") and not allowed(m) for m in names)}


def test_the_domain_imports_no_other_kapdesk_package():
    assert breaking("domain", lambda m: m.startswith("kapdesk.domain")) == {}


def test_storage_imports_only_the_domain():
    """(and the SQLite driver beneath it, kapdesk.sqlite_driver)"""
    assert breaking("storage", lambda m: m.startswith(("kapdesk.domain", "kapdesk.storage",
                                                       "kapdesk.sqlite_driver"))) == {}


def test_the_ui_reaches_data_only_through_the_practice_layer():
    """No SQL library, no storage module: every read and change goes through practice."""
    offenders = {file: sorted(m for m in names
                              if m.startswith(("sqlite_utils", "sqlite3", "sqlcipher3",
                                               "kapdesk.storage", "kapdesk.sqlite_driver")))
                 for file, names in imported_modules("ui").items()}
    assert {file: mods for file, mods in offenders.items() if mods} == {}
    sql = re.compile(r"\.(query|execute)\(\s*f?[\"'](SELECT|INSERT|UPDATE|DELETE)", re.I)
    assert [p.name for p in (PACKAGE / "ui").rglob("*.py") if sql.search(p.read_text())] == []


def test_the_command_line_and_reports_reach_data_only_through_the_practice_layer():
    for part in ("cli.py", "report"):
        offenders = {file: sorted(m for m in names if m.startswith("kapdesk.storage"))
                     for file, names in imported_modules(part).items()}
        assert {file: mods for file, mods in offenders.items() if mods} == {}


def test_storage_neither_checks_nor_refuses():
    """Refusing is deciding: the rules live in the domain and the use cases in
    kapdesk/practice ask it, so storage only reads and writes (a missing row aside)."""
    deciding = re.compile(r"\b(InvalidInput|NotAllowed|GateClosed|clean_\w+|require_\w+)\b")
    found = {p.name: sorted(set(deciding.findall(p.read_text())))
             for p in (PACKAGE / "storage").rglob("*.py") if deciding.search(p.read_text())}
    assert found == {}
