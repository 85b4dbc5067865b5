"""Qt enums are written in full (``Qt.AlignmentFlag.AlignLeft``, not ``Qt.AlignLeft``).

The short names are a compatibility layer of PySide6: each lookup costs microseconds (it
showed up in profiles of table models), they are invisible to mypy, and Qt for Python may
drop them. This test fails on any short name that slips back in."""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]


def _imported_qt_classes(tree: ast.AST) -> dict[str, type]:
    classes: dict[str, type] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6"):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if isinstance(value, type):
                    classes[alias.asname or alias.name] = value
    return classes


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def short_enum_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = _imported_qt_classes(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in classes):
            continue
        member = getattr(classes[node.value.id], node.attr, None)
        kind = type(member)
        if member is None or isinstance(member, type) or not hasattr(kind, "__members__"):
            continue
        if kind.__name__ != node.attr:
            found.append(f"{_shown(path)}:{node.lineno} {node.value.id}.{node.attr} "
                         f"(write {node.value.id}.{kind.__name__}.{node.attr})")
    return found


def test_every_qt_enum_is_fully_qualified():
    files = sorted((ROOT / "kapdesk").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    found = [hit for path in files for hit in short_enum_names(path)]
    assert found == []


def test_the_check_sees_a_short_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import Qt\nALIGN = Qt.AlignLeft\n", encoding="utf-8")
    assert short_enum_names(sample) == [
        "sample.py:2 Qt.AlignLeft (write Qt.AlignmentFlag.AlignLeft)"]
