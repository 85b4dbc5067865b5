"""The audit trail (issue 12): rows that cannot be changed or removed, written for what the
therapist does in the app and on the command line, and read in the app from the Practice
menu, filtered by client."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from gui import column, menu_item
from kapdesk.cli import main
from kapdesk.practice.queries import DatabaseRefused
from kapdesk.storage import open_database


def actions(db, client_id=None):
    where = "WHERE client_id = ?" if client_id is not None else ""
    params = (client_id,) if client_id is not None else ()
    return [r["action"] for r in db.query(f"SELECT action FROM audit_events {where} "
                                          "ORDER BY id", params)]


@pytest.fixture
def window(demo_window):
    return demo_window


def test_audit_rows_and_export_rows_cannot_be_changed_or_deleted(window, tmp_path,
                                                                monkeypatch):
    db = window.db
    window.client_view.selectRow(0)
    target = tmp_path / "course.json"
    monkeypatch.setattr("kapdesk.ui.export_preview.QFileDialog.getSaveFileName",
                        lambda *args: (str(target), ""))
    window.actions["export"].trigger()
    window.dialog.format.setCurrentIndex(window.dialog.format.findData("json"))
    window.dialog.save_button.click()
    assert actions(db) == ["exported"]
    for table in ("audit_events", "exports"):
        with pytest.raises(DatabaseRefused, match="append-only"):
            db.execute(f"UPDATE {table} SET client_id = NULL")
        with pytest.raises(DatabaseRefused, match="append-only"):
            db.execute(f"DELETE FROM {table}")
    row = next(db.query("SELECT * FROM audit_events"))
    assert row["detail"].startswith("course summary (JSON) to ") and str(target) in row["detail"]


def test_opening_a_past_session_notes_that_its_process_notes_were_read(window, qtbot):
    """Double-clicking a held session opens its review; its private process note is
    read, and the trail says so under the client's name."""
    window.client_view.selectRow(0)
    view = window.page.session_view
    held = next(r for r in range(view.model().rowCount())
                if window.page.sessions.row(r)["kind"] == "medication"
                and window.page.sessions.row(r)["ended_at"])
    index = view.model().index(held, 1)
    view.scrollTo(index)
    where = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)  # as a hand does
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.review_window is not None and window.review_window.isVisible()
    client = window.page.client["id"]
    assert actions(window.db, client) == ["process_notes_viewed"]

    practice_menu = window.menuBar().actions()[0].menu()
    menu_item(practice_menu, "Audit trail…").trigger()
    dialog = window.dialog
    assert column(dialog.view, 1) == ["Process notes viewed"]
    assert column(dialog.view, 2) == ["Avery L."]
    assert column(dialog.view, 3) == ["Medication session 1: 1 process note"]
    dialog.client.setCurrentIndex(dialog.client.findText("Jonah R."))
    assert column(dialog.view, 1) == []


def test_the_client_menu_opens_the_trail_for_that_client(window):
    window.client_view.selectRow(1)
    window.actions["audit"].trigger()
    assert window.dialog.client.currentText() == "Jonah R."


def test_command_line_backups_imports_and_passphrase_changes_are_in_the_trail(
        exported, tmp_path, passphrase, monkeypatch):
    demo_path, _record = exported
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_path, path)
    record = tmp_path / "avery.json"
    assert main(["export-record", "1", "-o", str(record), "--db", str(path)]) == 0
    assert main(["backup", "--db", str(path), "-o", str(tmp_path / "copy.sqlite")]) == 0
    new = tmp_path / "new.sqlite"
    assert main(["import", str(record), "--db", str(new)]) == 0
    assert main(["encrypt", "--db", str(path), "--remove-plain"]) == 0
    monkeypatch.setenv("KAPDESK_NEW_PASSPHRASE", "harbour cedar lantern tide 91")
    assert main(["passphrase", "--db", str(path)]) == 0

    db = open_database(path, passphrase="harbour cedar lantern tide 91")
    # the first export is the fixture's, which wrote the record the import tests share
    assert actions(db) == ["exported", "exported", "backup", "encrypted", "passphrase_changed"]
    assert actions(db, 1) == ["exported", "exported"]
    imported = open_database(new, passphrase=passphrase)
    assert actions(imported) == ["imported"]
    detail = next(imported.query("SELECT detail FROM audit_events"))["detail"]
    assert str(record) in detail and "Avery L." in detail


def test_the_recovery_sheet_is_saved_from_the_practice_menu(window, tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr("kapdesk.ui.recovery.QFileDialog.getSaveFileName",
                        lambda *args: (str(target), ""))
    practice_menu = window.menuBar().actions()[0].menu()
    menu_item(practice_menu, "Recovery sheet…").trigger()
    assert target.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage().startswith(f"✓ Recovery sheet saved to {target}")
    row = next(window.db.query("SELECT action, detail FROM audit_events"))
    assert row == {"action": "exported", "detail": f"recovery sheet (PDF) to {target}"}
