"""The command-line contract of design §8: output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from kapdesk.cli import main
from kapdesk.practice.records import add_client, set_practice
from kapdesk.storage import open_database


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    assert "fictional" in capsys.readouterr().out
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_sessions_lists_id_client_kind_and_date(capsys, demo_db):
    code, out, _ = run(capsys, "sessions", "--db", demo_db)
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["ID", "CLIENT", "KIND", "#"]
    code, out, _ = run(capsys, "sessions", "--db", demo_db, "--json")
    rows = json.loads(out)
    assert {"id", "client", "kind", "date"} <= set(rows[0])
    assert {r["kind"] for r in rows} == {"preparation", "medication", "integration"}


def test_kapdesk_db_environment_variable_is_used(capsys, demo_db, monkeypatch):
    monkeypatch.setenv("KAPDESK_DB", str(demo_db))
    code, out, _ = run(capsys, "sessions", "--json")
    assert code == 0 and len(json.loads(out)) > 10


def medication_id(capsys, db_path, recheck=False):
    _, out, _ = run(capsys, "sessions", "--db", db_path, "--json")
    ids = [r["id"] for r in json.loads(out) if r["kind"] == "medication" and r["status"] == "done"]
    return ids[2] if recheck else ids[0]


def test_json_export_follows_the_design_vocabulary(capsys, demo_db, tmp_path):
    sid = medication_id(capsys, demo_db, recheck=True)
    out_file = tmp_path / "summary.json"
    code, _, _ = run(capsys, "export", sid, "--format", "json", "-o", out_file, "--db", demo_db)
    assert code == 0
    summary = json.loads(out_file.read_text())
    assert summary["format"] == "kapdesk.session-summary/1"
    assert summary["thresholds"]["discharge"]["systolic"] == {"min": None, "max": 150}
    first_post = [v for v in summary["vitals"] if v["checkpoint"] == "discharge"][0]
    assert first_post["status"] == "breach" and first_post["within_thresholds"] is False
    assert first_post["breaches"][0] == {"measure": "systolic", "value": 158, "bound": "max",
                                         "limit": 150}
    assert first_post["taken_at"].endswith("+00:00")
    assert summary["discharge"]["cleared"] is True
    assert summary["discharge"]["ride_home_confirmed"] is True
    assert all(n["kind"] != "process" for n in summary["notes"])
    assert {n["kind"] for n in summary["notes"]} >= {"summary", "client_words"}
    db = open_database(demo_db)
    assert [(e["what"], e["format"], e["file_name"]) for e in db.query("SELECT * FROM exports")] \
        == [("session summary", "json", str(out_file))]


def test_csv_export_has_one_row_per_record_in_time_order(capsys, demo_db):
    sid = medication_id(capsys, demo_db)
    code, out, _ = run(capsys, "export", sid, "--format", "csv", "--db", demo_db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert {r["record"] for r in rows} >= {"dose", "vitals", "event", "rating", "note",
                                           "discharge"}
    assert "Noticed my own urge" not in out  # a process note of every demo session


def test_a_pdf_needs_a_file_and_says_so(capsys, demo_db):
    code, out, err = run(capsys, "export", 2, "--format", "pdf", "--db", demo_db)
    assert code == 1 and out == ""
    assert err == "kapdesk: error: a PDF needs a file: add -o FILE.pdf\n"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export", "999", "--format", "json"], 1, "session 999 not found"),
        (["export-record", "999", "-o", "x.json"], 1, "client 999 not found"),
        (["export", "2"], 2, "usage error"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_line_with_the_right_status(capsys, demo_db, argv, code, message):
    result, _, err = run(capsys, *argv, "--db", demo_db)
    assert result == code
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_commands_do_not_create_a_database_by_accident(capsys, tmp_path):
    code, _, err = run(capsys, "sessions", "--db", tmp_path / "typo.sqlite")
    assert code == 1 and "no database at" in err
    assert not (tmp_path / "typo.sqlite").exists()


def test_demo_refuses_to_overwrite_a_real_practice(capsys, tmp_path):
    path = tmp_path / "real.sqlite"
    db = open_database(path)
    set_practice(db, name="Real Practice")
    add_client(db, display_name="Someone Real")
    db.close()
    code, _, err = run(capsys, "demo", "--db", path)
    assert code == 1 and "holds a real practice" in err
    assert open_database(path)["clients"].count == 1


def test_check_passes_a_healthy_database_and_fails_a_damaged_one(capsys, demo_db, tmp_path):
    assert run(capsys, "check", "--db", demo_db)[0] == 0
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(demo_db.read_bytes())
    for offset in range(4096 * 3, len(data) - 4096, 4096):  # scribble over page contents
        data[offset + 100:offset + 400] = b"\xff" * 300
    damaged.write_bytes(bytes(data))
    code, _, err = run(capsys, "check", "--db", damaged)
    assert code == 1 and "not healthy" in err or "not a usable" in err
    assert err.count("\n") == 1
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    code, _, err = run(capsys, "check", "--db", garbage)
    assert code == 1 and "not a usable kapdesk database" in err


def test_backup_is_a_consistent_openable_copy(capsys, demo_db, tmp_path):
    target = tmp_path / "copy.sqlite"
    assert run(capsys, "backup", "--db", demo_db, "-o", target)[0] == 0
    assert open_database(target)["sessions"].count == open_database(demo_db)["sessions"].count
    code, _, err = run(capsys, "backup", "--db", demo_db, "-o", target)
    assert code == 1 and "already exists" in err


def test_installed_entry_point_runs_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kapdesk", "sessions", "--db",
                             str(tmp_path / "none.sqlite")], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("kapdesk: error: no database at")


def test_opening_the_window_without_a_display_says_so(capsys, tmp_path, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, _, err = run(capsys, "--db", tmp_path / "p.sqlite")
    assert code == 1 and "no desktop display found" in err


def test_a_reader_that_stops_early_is_not_an_error(demo_db):
    """`kapdesk sessions --json | head -c 40`: the pipe closes under kapdesk, which leaves
    quietly, with no error line and no traceback."""
    listing = subprocess.Popen([sys.executable, "-m", "kapdesk", "sessions", "--json",
                                "--db", demo_db], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.close()  # as `head` does once it has what it wants: here, before a byte
    error = listing.stderr.read().decode()
    assert listing.wait(timeout=60) == 0
    assert error == ""


def test_nan_in_a_record_file_is_refused_with_its_line(capsys, tmp_path):
    record = tmp_path / "record.json"
    record.write_text('{\n  "format": "kapdesk.client-record/1",\n  "doses": [\n'
                      '    {"mg": NaN}\n  ]\n}\n', encoding="utf-8")
    code, _, err = run(capsys, "import", str(record), "--db", str(tmp_path / "new.sqlite"))
    assert code == 1
    assert "line 4 holds NaN" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "new.sqlite").exists()
