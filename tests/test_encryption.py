"""The practice database encrypted at rest (issue 12): unreadable without its passphrase,
untouched by a wrong one, private to its owner, and still everything sqlite-utils, WAL and
FTS5 give the app; encrypting a plain practice and changing the passphrase lose nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import stat

import pytest

from conftest import every_row
from kapdesk.cli import main
from kapdesk.practice.queries import search_notes
from kapdesk.practice.records import add_client
from kapdesk.storage import open_database
from kapdesk.storage.database import WrongPassphrase, backup_database
from kapdesk.storage.encryption import change_passphrase, encrypt_file, shred_plain_copy

PASSPHRASE = "lantern harbour cedar tide 47"
CANARY = "Quillon Marchetti-Vasquez"  # a name that appears nowhere else


def fingerprint(path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.parent.glob(path.name + "*"))}


@pytest.fixture
def practice(tmp_path):
    path = tmp_path / "data" / "kapdesk.sqlite"
    db = open_database(path, passphrase=PASSPHRASE)
    add_client(db, display_name=CANARY)
    db.close()
    return path


def test_the_file_is_not_sqlite_without_the_passphrase(practice):
    head = practice.read_bytes()[:16]
    assert head != b"SQLite format 3\0"
    assert CANARY.encode() not in practice.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):  # the standard library's own sqlite3
        sqlite3.connect(practice).execute("SELECT * FROM clients").fetchall()
    db = open_database(practice, passphrase=PASSPHRASE)
    assert [c["display_name"] for c in db["clients"].rows] == [CANARY]


@pytest.mark.parametrize("given", ["lantern harbour cedar tide 48", None])
def test_a_wrong_or_missing_passphrase_changes_nothing(practice, given):
    before = fingerprint(practice)
    with pytest.raises(WrongPassphrase) as caught:
        open_database(practice, passphrase=given)
    assert "passphrase" in str(caught.value)
    assert fingerprint(practice) == before


def test_files_and_folder_are_the_therapists_alone(practice):
    assert stat.S_IMODE(practice.stat().st_mode) == 0o600
    assert stat.S_IMODE(practice.parent.stat().st_mode) == 0o700
    db = open_database(practice, passphrase=PASSPHRASE)
    backup = backup_database(db, practice.parent / "backups" / "copy.sqlite")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700


def test_a_backup_stays_encrypted_with_the_same_passphrase(practice, tmp_path):
    db = open_database(practice, passphrase=PASSPHRASE)
    backup = backup_database(db, tmp_path / "copy.sqlite")
    assert CANARY.encode() not in backup.read_bytes()
    with pytest.raises(WrongPassphrase):
        open_database(backup)
    copy = open_database(backup, passphrase=PASSPHRASE)
    assert copy["clients"].count == 1


def test_sqlite_utils_wal_and_fts5_work_on_an_encrypted_database(practice):
    """sqlite-utils recognises the driver's errors only when the driver is presented as it
    expects (kapdesk/sqlite_driver.py): these calls misbehave otherwise."""
    db = open_database(practice, passphrase=PASSPHRASE)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    db["scratch"].insert({"a": 1})
    db["scratch"].insert({"a": 2, "b": "new column"}, alter=True)
    db["scratch"].create_index(["b"], if_not_exists=True)
    assert db["scratch"].count == 2
    db["no_such_table"].drop(ignore=True)
    db["scratch"].drop()
    client_id = db["clients"].get(1)["id"]
    assert db.execute("SELECT count(*) FROM clients WHERE id = ?", (client_id,)).fetchone()[0]
    encrypted = open_database(practice.parent / "fts.sqlite", passphrase=PASSPHRASE)
    encrypted.execute("CREATE VIRTUAL TABLE f USING fts5(body)")
    encrypted.execute("INSERT INTO f VALUES ('breathing slowed')")
    assert encrypted.execute("SELECT count(*) FROM f WHERE f MATCH 'breath*'").fetchone()[0] == 1


def test_encrypting_the_demo_loses_nothing(tmp_path):
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    rows = every_row(path)
    found = [hit["id"] for hit in search_notes(open_database(path), "breath")]
    assert found
    kept = encrypt_file(path, PASSPHRASE)
    assert path.read_bytes()[:16] != b"SQLite format 3\0"
    db = open_database(path, passphrase=PASSPHRASE)
    for table, expected in rows.items():
        assert sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) \
            == expected, table
    assert [hit["id"] for hit in search_notes(db, "breath")] == found  # FTS5
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM clients").fetchone()[0] == 3
    shred_plain_copy(kept)
    assert not kept.exists()


def test_changing_the_passphrase_keeps_every_row(practice):
    change_passphrase(practice, PASSPHRASE, "moss river quiet lamp 91")
    with pytest.raises(WrongPassphrase):
        open_database(practice, passphrase=PASSPHRASE)
    db = open_database(practice, passphrase="moss river quiet lamp 91")
    assert [c["display_name"] for c in db["clients"].rows] == [CANARY]
    assert not list(practice.parent.glob("*.rekeying"))


def test_the_passphrase_is_not_changed_while_the_practice_is_open(practice):
    open_elsewhere = open_database(practice, passphrase=PASSPHRASE)
    before = fingerprint(practice)
    with pytest.raises(Exception, match="is open in another kapdesk"):
        change_passphrase(practice, PASSPHRASE, "moss river quiet lamp 91")
    open_elsewhere.close()
    assert open_database(practice, passphrase=PASSPHRASE)["clients"].count == 1
    assert before.keys() >= {practice.name}


def test_only_a_plain_copy_kept_by_encrypt_is_shredded(practice):
    with pytest.raises(Exception, match="is not a plain copy"):
        shred_plain_copy(practice)
    assert practice.exists()
