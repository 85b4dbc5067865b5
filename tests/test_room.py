"""The screens for a dim room at the end of a long week: readable at arm's length."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui import key
from kapdesk.ui.session.band import LABEL_PX
from kapdesk.ui.theme import COLORS, STYLESHEET

AA = 4.5  # WCAG 2.1 AA contrast for ordinary text


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_colour_meets_wcag_aa_on_every_dark_surface():
    for text in ("text", "muted", "accent", "within", "incomplete", "breach"):
        for surface in ("bg", "panel", "raised"):
            assert contrast(COLORS[text], COLORS[surface]) >= AA, (text, surface)


def test_no_text_is_smaller_than_14_px():
    sizes = [int(px) for px in re.findall(r"font-size:\s*(\d+)px", STYLESHEET)]
    assert sizes and min(sizes) >= 14
    assert LABEL_PX >= 14


def test_since_dose_is_as_large_as_since_start_and_the_cheat_sheet_readable(db, running):
    _, sw, _ = running
    assert sw.view.since_dose.fontInfo().pixelSize() == sw.view.elapsed.fontInfo().pixelSize() >= 48
    assert sw.view.cheatsheet.fontInfo().pixelSize() >= 14
    assert sw.view.cheatsheet.isVisible()


def test_ctrl_q_during_a_session_says_it_keeps_running(db, qtbot, running, monkeypatch):
    main, sw, sid = running
    asked: list[str] = []

    def answer(box) -> int:
        asked.append(box.text())
        box.setProperty("answered", True)
        return 0  # Stay

    monkeypatch.setattr(QMessageBox, "exec", answer)
    key(qtbot, sw, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked and "keeps running" in asked[0] and "returns to it" in asked[0]
    assert sw.isVisible()  # Stay: nothing closed
