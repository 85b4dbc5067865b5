"""The screens before the practice opens (issue 12), driven as a therapist would through
the app's start (`open_practice_window`): choosing a passphrase on first run, and unlocking
with a wrong then the right one."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from test_prescriber_exports import pdf_text

from kapdesk.storage import open_database
from kapdesk.ui.unlock import open_practice_window

GOOD = "lantern harbour cedar tide 47"


def when_shown(qtbot, steps):
    """Run ``steps(dialog)`` once the modal screen is up (it blocks in exec)."""
    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        steps(dialog)
    QTimer.singleShot(0, act)


def test_first_run_refuses_a_guessable_passphrase_then_creates_an_encrypted_practice(
        tmp_path, qtbot, monkeypatch):
    path = tmp_path / "data" / "kapdesk.sqlite"
    sheet = tmp_path / "sheet.pdf"
    monkeypatch.setattr("kapdesk.ui.recovery.QFileDialog.getSaveFileName",
                        lambda *args: (str(sheet), ""))
    seen = {}

    def steps(dialog):
        dialog.name.setText("Cedar Room")
        dialog.passphrase.setText("cedar room")
        seen["meter"] = dialog.meter.text()
        dialog.repeated.setText("cedar room")
        dialog.button.click()
        seen["refusal"] = dialog.error.text()
        seen["created_early"] = path.exists()
        dialog.passphrase.setText(GOOD)
        dialog.repeated.setText(GOOD + " ")
        dialog.button.click()
        seen["mismatch"] = dialog.error.text()
        dialog.repeated.setText(GOOD)
        dialog.button.click()
        seen["offer"] = dialog.lead.text()
        dialog.sheet_button.click()  # the recovery sheet, before the practice opens
        seen["sheet_said"] = dialog.sheet_said.text()
        dialog.open_button.click()

    when_shown(qtbot, steps)
    db = open_practice_window(path)
    assert seen["offer"].startswith("The practice is ready and encrypted. Save or print a "
                                    "recovery sheet now")
    assert seen["sheet_said"] == (f"✓ Saved to {sheet}. Print it, then keep it away from "
                                  "this laptop.")
    text = pdf_text(sheet)
    assert "Cedar Room" in text
    assert str(path) in text.replace(" ", "")  # a long path wraps in the PDF
    assert "cannot be opened by anyone" in text and GOOD not in text
    assert [r["action"] for r in db.query("SELECT action FROM audit_events")] == ["exported"]
    assert seen["meter"].startswith("Strength: fair")
    assert seen["refusal"].startswith("This passphrase is fair:") and not seen["created_early"]
    assert "type the same one twice" in seen["mismatch"]
    assert db is not None and db["practice"].get(1)["name"] == "Cedar Room"
    assert path.read_bytes()[:16] != b"SQLite format 3\0"


def test_a_wrong_passphrase_waits_changes_nothing_and_the_right_one_opens(tmp_path, qtbot):
    path = tmp_path / "kapdesk.sqlite"
    open_database(path, passphrase=GOOD).close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    seen = {}

    def steps(dialog):
        dialog.passphrase.setText("lantern harbour cedar tide 46")
        dialog.button.click()
        seen["message"] = dialog.error.text()
        seen["can_type"] = dialog.passphrase.isEnabled()
        seen["unchanged"] = hashlib.sha256(path.read_bytes()).hexdigest() == before
        qtbot.waitUntil(dialog.passphrase.isEnabled, timeout=3000)
        dialog.passphrase.setText(GOOD)
        dialog.button.click()

    when_shown(qtbot, steps)
    db = open_practice_window(path)
    assert seen["message"].startswith("That passphrase does not open this practice. "
                                      "Nothing was changed. You can try again in 1 s")
    assert seen["can_type"] is False and seen["unchanged"]
    assert db is not None and db["practice"].count == 0
    trail = list(db.query("SELECT action, at FROM audit_events ORDER BY id"))
    assert [r["action"] for r in trail] == ["unlock_failed", "unlocked"]
    assert trail[0]["at"] < trail[1]["at"]  # the failure keeps the time it was typed


def test_the_demo_opens_without_a_screen(tmp_path):
    from kapdesk.cli import main

    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    db = open_practice_window(path)  # a modal screen here would never return
    assert db is not None and db["clients"].count == 3
