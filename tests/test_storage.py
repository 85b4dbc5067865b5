"""The database: settings, migrations, durability and a round trip of a whole session."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from conftest import sample_thresholds
from kapdesk.practice.records import add_client
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage import StorageError, check_database, open_database, schema_version
from kapdesk.storage.clients import list_clients
from kapdesk.storage.prescriptions import add_thresholds, current_thresholds
from kapdesk.storage.schema import MIGRATIONS, known_migrations


def test_new_file_gets_wal_full_sync_foreign_keys_and_current_schema(db_path):
    db = open_database(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(db) == known_migrations()[-1]
    assert {"clients", "sessions", "vitals", "notes", "notes_fts", "exports"} <= set(
        db.table_names())
    assert check_database(db).healthy


def test_every_write_is_visible_to_another_connection_at_once(db, db_path):
    """What the window shows as saved is committed: a second reader (or a crash) sees it."""
    add_client(db, display_name="Jordan Q.")
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT display_name FROM clients").fetchall() == [("Jordan Q.",)]
    other.close()


def test_reopening_keeps_data_and_does_not_migrate_again(db, db_path):
    cid = add_client(db, display_name="Jordan Q.")
    add_thresholds(db, cid, sample_thresholds())
    db.close()
    again = open_database(db_path)
    assert [c["display_name"] for c in list_clients(again)] == ["Jordan Q."]
    assert current_thresholds(again, cid)[1] == sample_thresholds()
    assert len(MIGRATIONS.applied(again)) == len(known_migrations())
    assert not list(db_path.parent.rglob("*before-upgrade*"))


@pytest.mark.parametrize("name", known_migrations())
def test_upgrade_from_each_older_schema_takes_a_backup_first(tmp_path, name):
    path = tmp_path / "old.sqlite"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before=name)
    old.execute("CREATE TABLE IF NOT EXISTS keepsake (x TEXT)")
    old.execute("INSERT INTO keepsake VALUES ('kept')")
    old.close()
    db = open_database(path)
    assert schema_version(db) == known_migrations()[-1]
    assert db.execute("SELECT x FROM keepsake").fetchall() == [("kept",)]
    backups = list((tmp_path / "backups").glob("old-*-before-upgrade.sqlite"))
    assert len(backups) == 1
    copy = Database(backups[0])
    assert copy.execute("SELECT x FROM keepsake").fetchall() == [("kept",)]
    assert name not in [m.name for m in MIGRATIONS.applied(copy)]  # taken before it


def test_database_from_a_newer_kapdesk_is_refused(db, db_path):
    db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
               "VALUES ('kapdesk', '9999_future', 'x')")
    db.close()
    with pytest.raises(StorageError, match="newer kapdesk"):
        open_database(db_path)


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("grocery list\n" * 200)
    with pytest.raises(StorageError, match="not a usable kapdesk database"):
        open_database(path)


def test_database_rules_back_up_the_domain_rules(db):
    """Even a write that bypasses the domain cannot store an implausible value."""
    with pytest.raises(sqlite.IntegrityError):
        db.execute("INSERT INTO clients (uid, display_name, created_at) VALUES ('u', ' ', 'x')")


def test_notes_stay_in_the_wal_until_the_apps_background_checkpoint_moves_them(
        tmp_path, qtbot, themed_app):
    """A note's commit never copies the WAL into the file itself (that made one note in
    eighty wait); the practice window's checkpointer does, on a thread of its own."""
    from kapdesk.practice.records import add_prescriber as add_someone
    from kapdesk.ui.main_window import MainWindow

    path = tmp_path / "practice.sqlite"
    db = open_database(path)
    window = MainWindow(db, db_path=str(path))
    qtbot.addWidget(window)
    before = path.stat().st_size
    for i in range(400):  # past SQLite's default of a checkpoint every 1000 pages
        add_someone(db, name=f"Dr. Number {i}", credentials="MD", phone="555-0100")
    assert path.stat().st_size == before  # everything is still in the WAL
    window.checkpoints.start()
    window.checkpoints._thread.join(10)
    assert path.stat().st_size > before
