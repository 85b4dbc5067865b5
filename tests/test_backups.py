"""Backups (issue 13, item 2): verified before they count, named so they never collide,
kept by Anki's rule, listed with a verdict, and restored without ever leaving a corrupt
practice, from the command line."""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapdesk.cli import main
from kapdesk.domain.backups import (
    DAILY,
    MONTHLY,
    WEEKLY,
    BackupName,
    backups_to_keep,
    parse_backup_name,
)
from kapdesk.practice.backups import back_up, list_backups
from kapdesk.practice_lock import PracticeLock
from kapdesk.storage import open_database

NOW = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path, capsys):
    path = tmp_path / "office" / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def damage(path, *, from_page=3):
    """Scribble over the contents of every page from ``from_page`` on, leaving the header
    and the schema readable: the kind of damage an open does not notice."""
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 * from_page, len(data) - 4096, 4096):
        data[offset + 100:offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# Retention ----------------------------------------------------------------------------------

instants = st.lists(st.integers(min_value=0, max_value=500 * 24 * 60), max_size=120).map(
    lambda minutes: [NOW - timedelta(minutes=m) for m in minutes])


@settings(max_examples=200, deadline=None)
@given(instants)
def test_retention_keeps_the_recent_past_and_a_bounded_sparse_history(taken):
    kept = backups_to_keep(taken, NOW)
    assert {t for t in taken if NOW - t < timedelta(days=2)} <= kept
    if taken:
        assert max(taken) in kept
    older = {t for t in kept if NOW - t >= timedelta(days=2)}
    assert len(older) <= DAILY + WEEKLY + MONTHLY
    assert backups_to_keep(kept, NOW) == kept  # pruning twice removes nothing more


def test_hourly_backups_for_a_year_and_a_half_thin_out_to_days_weeks_and_months():
    taken = [NOW - timedelta(hours=h) for h in range(0, 24 * 540)]
    kept = sorted(backups_to_keep(taken, NOW), reverse=True)
    assert len([t for t in kept if NOW - t < timedelta(days=2)]) == 48
    oldest = NOW - kept[-1]
    assert timedelta(days=200) < oldest < timedelta(days=400)  # about a year back, no more
    assert len(kept) == 48 + DAILY + WEEKLY + MONTHLY


def test_names_carry_the_practice_the_instant_and_the_reason():
    name = BackupName("kapdesk", datetime(2026, 11, 22, 9, 5, 7, 123456, tzinfo=UTC),
                      "after-session")
    assert name.file_name == "kapdesk-20261122T090507.123456Z-after-session.sqlite"
    assert parse_backup_name(name.file_name) == name
    assert parse_backup_name("kapdesk.sqlite") is None
    assert parse_backup_name("kapdesk-20261122T090507.123456Z-whatever.sqlite") is None


# kapdesk backup -----------------------------------------------------------------------------

def test_a_backup_lands_beside_the_practice_it_copies(capsys, demo):
    code, out, _ = run(capsys, "backup", "--db", demo)
    assert code == 0 and "verified" in out
    (backup,) = list((demo.parent / "backups").glob("demo-*-manual.sqlite"))
    assert open_database(backup)["sessions"].count == open_database(demo)["sessions"].count


def test_two_backups_in_the_same_second_both_survive(capsys, demo):
    assert run(capsys, "backup", "--db", demo)[0] == 0
    assert run(capsys, "backup", "--db", demo)[0] == 0
    assert len(list_backups(demo)) == 2


@pytest.mark.parametrize("from_page", [3, 8, 20])
def test_a_damaged_practice_is_not_backed_up(capsys, demo, from_page):
    damage(demo, from_page=from_page)
    code, out, err = run(capsys, "backup", "--db", demo)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "damaged" in err or "not a usable" in err
    assert files_in(demo.parent / "backups") == []  # no half-copy to mistake for a backup


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
from kapdesk.cli import main
sys.exit(main(["backup", "--db", sys.argv[1]]))
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs file size limits")
def test_a_backup_onto_a_full_disk_leaves_nothing_and_the_retry_works(capsys, demo):
    child = subprocess.run([sys.executable, "-c", FULL_DISK, str(demo)],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 1 and child.stderr.count("\n") == 1, child.stderr
    assert "no backup was made" in child.stderr
    assert files_in(demo.parent / "backups") == []
    assert run(capsys, "backup", "--db", demo)[0] == 0
    assert len(list_backups(demo)) == 1


# kapdesk backups and restore ----------------------------------------------------------------

def test_the_list_shows_each_backup_with_its_verdict(capsys, demo):
    good = back_up(demo, passphrase=None, reason="after-session")
    bad = back_up(demo, passphrase=None, reason="periodic")
    damage(bad.path)
    code, out, _ = run(capsys, "backups", "--db", demo)
    assert code == 0
    lines = {line.split()[-1]: line for line in out.splitlines()[1:]}
    assert "good" in lines[good.path.name] and "after a session" in lines[good.path.name]
    assert "damaged" in lines[bad.path.name]
    # checking leaves nothing beside a backup (no -shm or -wal to pile up)
    assert not list((demo.parent / "backups").glob(good.path.name + "-*"))


KILLED_MID_SESSION = """
import os, signal, sys
from kapdesk.practice.records import add_prescriber
from kapdesk.storage import open_database
db = open_database(sys.argv[1])
db.execute("PRAGMA wal_autocheckpoint = 0")  # everything stays in the WAL
for i in range(200):
    add_prescriber(db, name=f"Dr. Late {i}", credentials="MD", phone="555-0199")
print("written", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_restore_over_a_practice_with_a_live_wal_gives_a_healthy_file(capsys, demo):
    backup = back_up(demo, passphrase=None, reason="after-session")
    before = open_database(backup.path)["prescribers"].count
    child = subprocess.run([sys.executable, "-c", KILLED_MID_SESSION, str(demo)],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert (demo.parent / "demo.sqlite-wal").stat().st_size > 0

    # by the name 'kapdesk backups' shows
    code, out, _ = run(capsys, "restore", "--db", demo, backup.path.name)
    assert code == 0 and "kept as" in out
    assert run(capsys, "check", "--db", demo)[0] == 0
    assert open_database(demo)["prescribers"].count == before
    # the file it replaced is kept whole, its WAL beside it: the late writes are there
    (kept,) = demo.parent.glob("demo.replaced-*.sqlite")
    assert open_database(kept)["prescribers"].count == before + 200
    restored = open_database(demo).execute(
        "SELECT detail FROM audit_events WHERE action = 'restored'").fetchall()
    assert len(restored) == 1 and backup.path.name in restored[0][0]


def test_a_damaged_backup_is_not_restored(capsys, demo):
    backup = back_up(demo, passphrase=None, reason="after-session")
    damage(backup.path)
    before = demo.read_bytes()
    code, _, err = run(capsys, "restore", "--db", demo, backup.path)
    assert code == 1 and "cannot be restored" in err and "damaged" in err
    assert demo.read_bytes() == before and not list(demo.parent.glob("*.replaced-*"))


def test_restore_waits_for_the_app_and_then_says_it_is_busy(capsys, demo):
    backup = back_up(demo, passphrase=None, reason="after-session")
    app = PracticeLock(demo)
    assert app.acquire()
    try:
        code, _, err = run(capsys, "restore", "--db", demo, backup.path)
    finally:
        app.release()
    assert code == 1 and "has" in err and "open" in err and "Nothing was changed" in err
    assert not list(demo.parent.glob("*.replaced-*"))


def test_restore_onto_a_new_laptop_creates_the_practice(capsys, demo, tmp_path):
    backup = back_up(demo, passphrase=None, reason="after-session")
    fresh = tmp_path / "new-laptop" / "kapdesk.sqlite"
    code, out, _ = run(capsys, "restore", "--db", fresh, backup.path)
    assert code == 0 and "kept as" not in out
    assert open_database(fresh)["clients"].count == open_database(demo)["clients"].count


def test_an_encrypted_practice_is_backed_up_listed_and_restored_encrypted(capsys, tmp_path,
                                                                          passphrase):
    from kapdesk.practice.records import set_practice
    from kapdesk.storage.database import is_encrypted

    practice = tmp_path / "kapdesk.sqlite"
    db = open_database(practice, passphrase=passphrase)
    set_practice(db, name="Harbour Rooms")
    db.close()
    assert run(capsys, "backup", "--db", practice)[0] == 0
    (backup,) = list_backups(practice)
    assert is_encrypted(backup.path) and b"Harbour Rooms" not in backup.path.read_bytes()
    code, out, _ = run(capsys, "backups", "--db", practice)
    assert code == 0 and "good" in out
    db = open_database(practice, passphrase=passphrase)
    set_practice(db, name="Renamed after the backup")
    db.close()
    assert run(capsys, "restore", "--db", practice, backup.path)[0] == 0
    restored = open_database(practice, passphrase=passphrase)
    assert restored["practice"].get(1)["name"] == "Harbour Rooms"


def test_a_backup_from_before_encryption_is_never_offered_for_the_encrypted_practice(
        capsys, demo, passphrase):
    """Restoring it would store client data unencrypted: the list says so (the app's
    Restore button follows the same verdict) and restore refuses, changing nothing."""
    from kapdesk.practice.queries import encrypt_file

    plain = back_up(demo, passphrase=None, reason="after-session")
    encrypt_file(demo, passphrase)
    code, out, _ = run(capsys, "backups", "--db", demo)
    assert code == 0 and "from before the practice was encrypted" in out
    before = demo.read_bytes()
    code, _, err = run(capsys, "restore", "--db", demo, plain.path)
    assert code == 1 and "unencrypted" in err and demo.read_bytes() == before
