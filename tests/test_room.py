"""The screens for a dim room at the end of a long week: readable at arm's length."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
)

from conftest import answer_next_box
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


def open_preflight(demo_window, qtbot):
    """Jonah R.'s pre-flight, opened with Ctrl+R as the therapist does."""
    before = demo_window.dialog
    demo_window.client_view.selectRow(1)
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)  # Ctrl+R is the practice window's key
    key(qtbot, demo_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: demo_window.dialog not in (None, before)
                    and demo_window.dialog.isVisible())
    qtbot.waitExposed(demo_window.dialog)
    return demo_window.dialog


def test_a_selected_item_is_readable_wherever_a_list_marks_it():
    """Found by a first-time user: the chosen line of a dropdown was dark text on dark
    blue. Every rule that colours a selection also colours its text, readably."""
    sheet = STYLESHEET.format(**COLORS, chevron="", chevron_up="", check="")
    rules = re.findall(r"[^{}]*\{[^}]*selection-background-color[^}]*\}", sheet)
    assert len(rules) >= 3
    for rule in rules:
        background = re.search(r"selection-background-color:\s*(#\w+)", rule)
        text = re.search(r"selection-color:\s*(#\w+)", rule)
        assert text is not None, rule.strip()
        assert contrast(text[1], background[1]) >= AA, rule.strip()


def test_the_button_with_the_keyboard_focus_stands_out_from_the_default(demo_window,
                                                                        qtbot):
    """Tab onto Cancel in the pre-flight: it must not look like the Start button that
    Enter presses, or the therapist cannot tell where the next key goes."""
    dialog = open_preflight(demo_window, qtbot)
    cancel = next(b for b in dialog.findChildren(QPushButton)
                  if b.text().replace("&", "") == "Cancel")
    cancel.setDefault(True)  # drawn as the default, without the focus
    dialog.setFocus()
    qtbot.waitUntil(lambda: not cancel.hasFocus())
    as_default = cancel.grab().toImage()
    cancel.setDefault(False)
    cancel.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(cancel.hasFocus)
    assert cancel.grab().toImage() != as_default


def test_every_tab_stop_in_the_preflight_is_a_control_you_can_see(demo_window, qtbot):
    """Found by a first-time user: after Protocol one Tab went somewhere unseen (the
    form's scroll area) before reaching Start or Cancel."""
    dialog = open_preflight(demo_window, qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is not None)
    stops = []
    for _ in range(9):
        here = dialog.focusWidget()
        stops.append(here)
        qtbot.keyClick(here, Qt.Key.Key_Tab)
    assert not [w for w in stops if isinstance(w, QScrollArea)]
    assert all(isinstance(w, QAbstractButton | QComboBox | QLineEdit | QPlainTextEdit)
               and w.isVisible() for w in stops), stops
    assert any(isinstance(w, QAbstractButton) and "Cancel" in w.text() for w in stops)


def test_esc_in_the_preflight_asks_before_giving_up_a_written_intention(demo_window, qtbot):
    """Found by a first-time user: half an intention typed, Esc, and it was gone."""
    dialog = open_preflight(demo_window, qtbot)
    intention = dialog.fields["intention"]
    qtbot.keyClicks(intention, "to meet the grief")
    seen = answer_next_box("Keep writing")
    qtbot.keyClick(intention, Qt.Key.Key_Escape)
    assert seen and "intention you wrote is not kept" in seen[0]
    assert dialog.isVisible() and intention.toPlainText() == "to meet the grief"
    seen = answer_next_box("Leave")
    qtbot.keyClick(intention, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert seen


def test_esc_in_an_untouched_preflight_just_closes_it(demo_window, qtbot):
    dialog = open_preflight(demo_window, qtbot)
    qtbot.keyClick(dialog.fields["intention"], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_enter_on_a_focused_cancel_cancels_and_starts_nothing(demo_window, qtbot):
    """Found by a first-time user: everything ready, Tab to Cancel (its focus ring on),
    Enter, and the session started; a started session cannot be taken back."""
    from kapdesk.practice.queries import running_session

    dialog = open_preflight(demo_window, qtbot)
    qtbot.keyClicks(dialog.fields["intention"], "to rest")
    dialog.fields["ride_confirmed"].setChecked(True)
    qtbot.waitUntil(dialog.save_button.isEnabled)
    cancel = next(b for b in dialog.buttons.buttons() if b is not dialog.save_button)
    cancel.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(cancel.hasFocus)
    seen = answer_next_box("Leave")  # the intention typed is given up knowingly
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert seen and running_session(demo_window.db) is None
    # Enter in a field still starts it, as before
    dialog = open_preflight(demo_window, qtbot)
    qtbot.keyClicks(dialog.fields["intention"], "to rest")
    dialog.fields["ride_confirmed"].setChecked(True)
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.keyClick(dialog.fields["ride_home_name"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: running_session(demo_window.db) is not None)


def test_the_preflight_names_a_dose_given_within_the_day(demo_window, qtbot):
    """Found by a first-time user: a second medication session for the same client started
    nine minutes after the first ended, its integration not held, and the pre-flight said
    nothing. It says so now, in amber, and leaves the choice to the therapist."""
    from datetime import timedelta

    from kapdesk.practice.live import begin_medication_session
    from kapdesk.practice.session import record_discharge, record_dose

    def cautions(dialog) -> list[str]:
        return [label.text() for label in dialog.findChildren(QLabel)
                if label.text().startswith("⚑")]

    dialog = open_preflight(demo_window, qtbot)
    assert cautions(dialog) == []  # Jonah's last session was days ago, its integration held
    dialog.reject()
    db, now = demo_window.db, demo_window.clock.now()
    jonah = db.execute("SELECT id FROM clients WHERE display_name = 'Jonah R.'").fetchone()[0]
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    sid = begin_medication_session(db, jonah, at=now - timedelta(minutes=50),
                                   intention="to rest", ride_home_name="Marisol Reyes",
                                   ride_confirmed=True, playlist_id=playlist)
    record_dose(db, sid, given_at=now - timedelta(minutes=45),
                gate_reason="test: no pre-dose vitals in this setup")
    record_discharge(db, sid, at=now - timedelta(minutes=9),
                     reason="test: prescriber consulted by phone")
    demo_window.reload()
    dialog = open_preflight(demo_window, qtbot)
    said = cautions(dialog)
    assert len(said) == 1 and said[0].startswith("⚑ Medication session 4 ended at ")
    assert "less than an hour ago: is another dose today what the prescriber ordered?" in said[0]
    assert "⚑ The integration session after medication session 4 has not been held yet." \
        in said[0].splitlines()
    dialog.fields["intention"].setPlainText("to rest again")
    dialog.fields["ride_confirmed"].setChecked(True)
    assert dialog.save_button.isEnabled()  # said, not stopped: the therapist decides


def test_a_checked_box_carries_a_tick(themed_app, qtbot):
    """Found by a first-time user: a checked box was a filled square, hard to tell from an
    empty one at arm's length; a pre-checked option went unnoticed."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    def tick_pixels(checked: bool) -> int:  # dark pixels inside the indicator
        box = QCheckBox("move the integration session to")
        qtbot.addWidget(box)
        box.setChecked(checked)
        box.show()
        qtbot.waitExposed(box)
        option = QStyleOptionButton()
        box.initStyleOption(option)
        area = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        image = box.grab().toImage()
        dark = QColor(COLORS["bg"])
        return sum(1 for x in range(area.left() + 2, area.right() - 1)
                   for y in range(area.top() + 2, area.bottom() - 1)
                   if QColor(image.pixel(x, y)).lightness() <= dark.lightness() + 25)

    assert tick_pixels(True) > 6  # the dark tick drawn on the accent square


def test_the_preflight_opens_without_a_blank_band(demo_window, qtbot):
    """Found by a first-time user: the pre-flight opened with ~100 px of blank around its
    last line (the past sessions), sized for a guess of its wrapped lines' heights."""
    from gui import key

    window = demo_window
    window.find_client()
    qtbot.keyClicks(window.search, "Jonah")
    key(qtbot, window, Qt.Key.Key_Return)
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    qtbot.waitExposed(dialog)
    past = dialog.past
    assert past.isVisible() and past.text().startswith("Last 3 sessions")
    assert past.height() <= past.heightForWidth(past.width()) + 4
    below = dialog.buttons.mapTo(dialog, dialog.buttons.rect().topLeft()).y()
    assert below - past.mapTo(dialog, past.rect().bottomLeft()).y() < 40
