"""Encrypting a plain practice from the app (issue 12): offered at start for a practice
made before encryption, on request for the demo (Practice → Encrypt this practice…), with
every row kept and the plain copy removed only when the therapist says so."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from test_unlock import when_shown

from conftest import T0, every_row
from gui import menu_item
from kapdesk.cli import main as cli
from kapdesk.demo import build_demo
from kapdesk.domain.timeutil import ManualClock
from kapdesk.practice.records import add_client, set_practice
from kapdesk.storage import open_database
from kapdesk.ui.app import open_windows
from kapdesk.ui.unlock import open_practice_window

GOOD = "lantern harbour cedar tide 47"


def test_a_plain_practice_is_offered_encryption_and_not_now_opens_it_as_before(tmp_path,
                                                                             qtbot):
    path = tmp_path / "kapdesk.sqlite"
    db = open_database(path)
    set_practice(db, name="Cedar Room")
    add_client(db, display_name="Robin T.")
    db.close()
    seen = {}

    def steps(dialog):
        seen["heading"] = dialog.heading.text()
        seen["lead"] = dialog.lead.text()
        dialog.not_now.click()

    when_shown(qtbot, steps)
    db = open_practice_window(path)
    assert seen["heading"] == "Encrypt this practice"
    assert seen["lead"].startswith("It is kept in plain text now: anyone with this laptop "
                                   "can read its notes.")
    assert db is not None and db["clients"].count == 1
    assert path.read_bytes()[:16] == b"SQLite format 3\0"


def test_the_demo_is_encrypted_on_request_with_every_row_kept(tmp_path, qtbot, themed_app):
    path = tmp_path / "demo.sqlite"
    assert cli(["demo", "--db", str(path)]) == 0
    db = open_practice_window(path)  # the demo opens at once: no passphrase to try it
    main = open_windows(db, db_path=str(path), clock=ManualClock(T0))
    qtbot.addWidget(main)
    practice_menu = main.menuBar().actions()[0].menu()
    encrypt = menu_item(practice_menu, "Encrypt this practice…")
    assert encrypt.isVisible()
    encrypt.trigger()
    assert main.encrypt_requested and not main.isVisible()
    db.close()  # as the app's start does before reopening
    before = every_row(path)
    seen = {}

    def steps(dialog):
        dialog.passphrase.setText(GOOD)
        dialog.repeated.setText(GOOD)
        dialog.button.click()
        seen["lead"] = dialog.lead.text()
        seen["kept"] = dialog.kept
        seen["kept_before"] = dialog.kept.exists()
        dialog.remove_plain.click()
        seen["said"] = dialog.plain_said.text()
        seen["lead_after"] = dialog.lead.text()
        # Enter opens the practice, wherever the focus was left
        qtbot.waitUntil(dialog.open_button.isVisible)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    when_shown(qtbot, steps)
    db = open_practice_window(path, offer_encryption=True)
    assert seen["lead"].startswith(f"The practice is encrypted. A plain copy is kept at "
                                   f"{seen['kept']} until you remove it")
    assert seen["kept_before"] and not seen["kept"].exists()
    assert seen["said"] == "✓ The plain copy was overwritten and removed."
    assert seen["lead_after"].startswith("The practice is encrypted, and its plain copy is gone")
    assert db is not None
    assert path.read_bytes()[:16] != b"SQLite format 3\0"
    for table, rows in before.items():
        if table == "audit_events":
            continue
        assert sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) == rows
    details = [r["detail"] for r in db.query("SELECT detail FROM audit_events "
                                             "WHERE action = 'encrypted' ORDER BY id")]
    assert details == ["in the app; the plain copy is kept until removed",
                       "the plain copy was overwritten and removed"]
    reopened = open_windows(db, db_path=str(path), clock=ManualClock(T0))
    qtbot.addWidget(reopened)
    assert not reopened.encrypt_action.isVisible()  # nothing left to encrypt


def test_encryption_waits_for_a_running_session(tmp_path, qtbot, themed_app):
    from kapdesk.practice.live import begin_medication_session

    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date.today())
    jonah = next(db.query("SELECT id FROM clients WHERE display_name = 'Jonah R.'"))["id"]
    begin_medication_session(db, jonah, at=T0, intention="rest", ride_home_name="Sam T.",
                             ride_confirmed=True, playlist_id=0)
    main = open_windows(db, db_path=str(tmp_path / "demo.sqlite"), clock=ManualClock(T0))
    qtbot.addWidget(main)
    practice_menu = main.menuBar().actions()[0].menu()
    menu_item(practice_menu, "Encrypt this practice…").trigger()
    assert not main.encrypt_requested
    assert main.session_window.isVisible()
    assert main.statusBar().currentMessage() == ("A session is running: encrypt the "
                                                 "practice after it ends.")


def test_a_plain_copy_left_behind_is_recalled_at_every_start_until_removed(
        tmp_path, qtbot, themed_app, monkeypatch):
    """Found by a first-time user: Enter after encrypting skips the removal, and the plain
    copy (the whole practice, unencrypted) was never mentioned again."""
    path = tmp_path / "demo.sqlite"
    assert cli(["demo", "--db", str(path)]) == 0
    monkeypatch.setenv("KAPDESK_PASSPHRASE", GOOD)
    assert cli(["encrypt", "--db", str(path)]) == 0
    [kept] = list(tmp_path.glob("demo.plain-*.sqlite"))
    db = open_database(path, passphrase=GOOD)
    main = open_windows(db, db_path=str(path), clock=ManualClock(T0))
    qtbot.addWidget(main)
    assert main.statusBar().currentMessage().startswith(
        f"A plain, unencrypted copy of this practice is still at {kept}.")
    practice_menu = main.menuBar().actions()[0].menu()
    remove = next(a for a in practice_menu.actions()
                  if a.text().replace("&", "") == "Overwrite and remove the plain copy")
    assert remove.isVisible()
    remove.trigger()
    assert not kept.exists() and not remove.isVisible()
    assert main.statusBar().currentMessage() == "✓ The plain copy was overwritten and removed."
