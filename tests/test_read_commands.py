"""Read commands never write (issue 13, item 7): `sessions`, `check` and the exports open a
practice read-only. Another program's SQLite file, an empty file and a file from a newer
kapdesk are refused with one line and left byte for byte as they were; nothing is created
or upgraded, and no backup appears."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3

import pytest

from kapdesk.cli import main


def fingerprint(folder):
    """Every file's bytes, but the -shm, SQLite's shared-memory index of the WAL, which any
    reader updates, and an empty -wal, which a reader makes beside a practice in WAL mode
    and, being read-only, cannot remove: neither holds data."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and not p.name.endswith("-shm")
            and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


@pytest.fixture
def demo(tmp_path, capsys):
    path = tmp_path / "practice" / "demo.sqlite"
    path.parent.mkdir()
    assert main(["demo", "--db", str(path)]) == 0
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.close()  # closed here, not whenever a collection finds it
    capsys.readouterr()
    return path


@pytest.mark.parametrize("command", ["sessions", "check"])
def test_reading_a_practice_changes_no_byte(demo, capsys, command):
    before = fingerprint(demo.parent)
    assert main([command, "--db", str(demo)]) == 0
    assert fingerprint(demo.parent) == before


@pytest.mark.parametrize("command", ["sessions", "check"])
def test_another_programs_database_is_refused_and_left_alone(tmp_path, capsys, command):
    path = tmp_path / "recipes.sqlite"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.execute("INSERT INTO recipes VALUES ('bread')")
    other.commit()
    other.close()
    before = fingerprint(tmp_path)
    assert main([command, "--db", str(path)]) == 1
    assert f"{path} is not a kapdesk practice" in capsys.readouterr().err
    assert fingerprint(tmp_path) == before  # no migration, no backup beside it


@pytest.mark.parametrize("command", ["sessions", "check"])
def test_an_empty_file_is_not_turned_into_a_practice(tmp_path, capsys, command):
    path = tmp_path / "empty.sqlite"
    path.touch()
    assert main([command, "--db", str(path)]) == 1
    assert f"no kapdesk practice at {path} (the file is empty)" in capsys.readouterr().err
    assert path.stat().st_size == 0 and sorted(tmp_path.iterdir()) == [path]


def test_a_practice_from_a_newer_kapdesk_is_named_not_called_healthy(demo, capsys):
    future = sqlite3.connect(demo)
    future.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES ('kapdesk', '9999_future', '2030-01-01')")
    future.commit()
    future.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    future.close()
    before = fingerprint(demo.parent)
    assert main(["check", "--db", str(demo)]) == 1
    err = capsys.readouterr().err
    assert "written by a newer kapdesk (schema 9999_future)" in err and "healthy" not in err
    assert fingerprint(demo.parent) == before


def test_an_export_writes_only_its_line_in_the_log(demo, tmp_path, capsys):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(demo, copy)
    target = tmp_path / "summary.json"
    assert main(["export", "2", "--format", "json", "-o", str(target), "--db", str(copy)]) == 0
    db = sqlite3.connect(copy)
    assert db.execute("SELECT what, file_name FROM exports").fetchall() == [
        ("session summary", str(target))]
    assert db.execute("SELECT action FROM audit_events").fetchall() == [("exported",)]
