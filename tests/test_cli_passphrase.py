"""The command line on encrypted practices (issue 12): init, the passphrase from the
environment or the terminal, a wrong one refused with the file unchanged, changing it,
and encrypting a plain practice (the demo stays plain: fictional data only)."""

from __future__ import annotations

import hashlib

import pytest

from conftest import TEST_PASSPHRASE
from kapdesk.cli import main

NEW = "copper willow north bell 63"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def practice(tmp_path, passphrase, capsys):
    path = tmp_path / "kapdesk.sqlite"
    assert main(["init", "--db", str(path), "--name", "Cedar Room"]) == 0
    assert "created an encrypted practice" in capsys.readouterr().out
    return path


def test_init_makes_a_practice_only_its_passphrase_opens(practice, monkeypatch, capsys):
    assert practice.read_bytes()[:16] != b"SQLite format 3\0"
    assert main(["sessions", "--db", str(practice)]) == 0
    before = digest(practice)
    monkeypatch.setenv("KAPDESK_PASSPHRASE", "not the right one at all 11")
    assert main(["sessions", "--db", str(practice)]) == 1
    assert capsys.readouterr().err.strip() == (
        "kapdesk: error: that passphrase does not open this practice; nothing was changed")
    assert digest(practice) == before


def test_without_a_terminal_or_the_variable_it_says_what_is_needed(practice, monkeypatch,
                                                                    capsys):
    monkeypatch.delenv("KAPDESK_PASSPHRASE")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["check", "--db", str(practice)]) == 1
    assert "a passphrase is needed: run this in a terminal, or set KAPDESK_PASSPHRASE" in \
        capsys.readouterr().err


@pytest.mark.parametrize("weak", ["password123", "kapdesk", "aaaaaaaaaaaaaaaa"])
def test_a_guessable_passphrase_is_refused_and_nothing_is_made(tmp_path, monkeypatch, capsys,
                                                               weak):
    monkeypatch.setenv("KAPDESK_PASSPHRASE", weak)
    path = tmp_path / "kapdesk.sqlite"
    assert main(["init", "--db", str(path)]) == 1
    assert "passphrase: this passphrase is very weak" in capsys.readouterr().err
    assert not path.exists()


def test_changing_the_passphrase(practice, monkeypatch, capsys):
    monkeypatch.setenv("KAPDESK_NEW_PASSPHRASE", NEW)
    assert main(["passphrase", "--db", str(practice)]) == 0
    assert "the old one no longer opens it" in capsys.readouterr().out
    assert main(["sessions", "--db", str(practice)]) == 1  # the old one, still in the variable
    monkeypatch.setenv("KAPDESK_PASSPHRASE", NEW)
    assert main(["sessions", "--db", str(practice)]) == 0
    capsys.readouterr()
    before = practice.read_bytes()
    assert main(["passphrase", "--db", str(practice)]) == 1  # the same one again
    assert "the new passphrase is the same as the old one; nothing was changed" in \
        capsys.readouterr().err
    assert practice.read_bytes() == before


def test_the_demo_stays_plain_and_can_be_encrypted(tmp_path, passphrase, capsys):
    demo = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(demo)]) == 0
    assert demo.read_bytes()[:16] == b"SQLite format 3\0"
    capsys.readouterr()
    assert main(["encrypt", "--db", str(demo)]) == 0
    out = capsys.readouterr().out
    kept = next(tmp_path.glob("demo.plain-*.sqlite"))
    assert f"the plain copy is kept at {kept}" in out
    assert main(["sessions", "--db", str(demo)]) == 0
    assert "Avery L." in capsys.readouterr().out
    assert main(["forget-plain", str(kept)]) == 0
    assert not kept.exists()


def test_import_into_a_new_path_makes_an_encrypted_practice(tmp_path, exported, monkeypatch,
                                                            capsys):
    import json

    record = tmp_path / "r.json"
    record.write_text(json.dumps(exported[1]))
    target = tmp_path / "new.sqlite"
    monkeypatch.delenv("KAPDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["import", str(record), "--db", str(target)]) == 1
    assert not target.exists()
    monkeypatch.setenv("KAPDESK_PASSPHRASE", TEST_PASSPHRASE)
    assert main(["import", str(record), "--db", str(target)]) == 0
    assert target.read_bytes()[:16] != b"SQLite format 3\0"
