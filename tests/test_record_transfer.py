"""Moving a client's record between laptops: export-record, import, validation, idempotence."""

from __future__ import annotations

import json

import pytest

from kapdesk.cli import main
from kapdesk.storage import open_database


@pytest.fixture
def exported(tmp_path, capsys):
    source = tmp_path / "demo.sqlite"
    main(["demo", "--db", str(source)])
    path = tmp_path / "avery.json"
    assert main(["export-record", "1", "-o", str(path), "--db", str(source)]) == 0
    capsys.readouterr()
    return path


def comparable(path):
    data = json.loads(path.read_text())
    data.pop("exported_at")
    return data


def test_export_import_export_gives_the_same_record(tmp_path, exported, capsys, passphrase):
    target = tmp_path / "other-laptop.sqlite"
    assert main(["import", str(exported), "--db", str(target)]) == 0
    assert "imported Avery L." in capsys.readouterr().out
    again = tmp_path / "again.json"
    assert main(["export-record", "1", "-o", str(again), "--db", str(target)]) == 0
    assert comparable(again) == comparable(exported)
    record = comparable(again)
    assert len([s for s in record["sessions"] if s["kind"] == "medication"]) == 6
    assert {n["kind"] for s in record["sessions"] for n in s["notes"]} >= {"process", "summary"}
    assert record["screenings"][0]["cleared_on"] and record["courses"][0]["screening_uid"]
    assert {o["instrument"] for o in record["outcome_measures"]} == {"PHQ-9", "GAD-7", "PCL-5"}


def test_importing_twice_does_not_duplicate(tmp_path, exported, capsys, passphrase):
    target = tmp_path / "other.sqlite"
    main(["import", str(exported), "--db", str(target)])
    first = capsys.readouterr().out
    counts = {t: open_database(target, passphrase=passphrase)[t].count
              for t in ("clients", "sessions", "vitals", "notes")}
    assert main(["import", str(exported), "--db", str(target)]) == 0
    second = capsys.readouterr().out
    assert "0 entries added" in second and "0 entries added" not in first
    assert {t: open_database(target, passphrase=passphrase)[t].count for t in counts} == counts


def corrupt(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sessions"][3]["vitals"][0].update(systolic=410),
         "sessions[3].vitals[0].systolic: 410 is outside 50-300"),
        (lambda d: d["sessions"][3]["vitals"][0].update(diastolic=190),
         "sessions[3].vitals[0].systolic: systolic"),
        (lambda d: d["sessions"][1]["doses"][0].update(given_at="yesterday"),
         "sessions[1].doses[0].given_at"),
        (lambda d: d["sessions"][1]["notes"][0].update(kind="gossip"),
         "sessions[1].notes[0].kind: 'gossip' is not one of"),
        (lambda d: d["sessions"][2].update(course_uid="0" * 32),
         "sessions[2].course_uid: names no course"),
        (lambda d: d["thresholds"][0]["pre_dose"].update(systolic={"min": 150, "max": 140}),
         "thresholds[0].pre_dose.systolic: min 150 is above max 140"),
        (lambda d: d.update(format="something-else/1"), "format: expected"),
        (lambda d: d["outcome_measures"][0].update(instrument="PHQ-9", score=99),
         "outcome_measures[0].score: PHQ-9 total 99 is outside 0-27"),
        (lambda d: d["sessions"][5].update(uid=d["sessions"][4]["uid"]), "appears twice"),
    ],
)
def test_a_bad_file_is_refused_naming_the_place_and_nothing_changes(
        tmp_path, exported, capsys, change, message):
    target = tmp_path / "target.sqlite"
    main(["demo", "--db", str(target)])  # a practice with data already in it
    open_database(target).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = target.read_bytes()
    capsys.readouterr()
    corrupt(exported, change)
    assert main(["import", str(exported), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    db = open_database(target)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert target.read_bytes() == before


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kapdesk.client-record/1",\n oops}')
    assert main(["import", str(bad), "--db", str(tmp_path / "t.sqlite")]) == 1
    assert "not valid JSON (line 2" in capsys.readouterr().err


def test_a_session_run_on_the_practices_own_protocol_moves_with_it(tmp_path, capsys,
                                                                  passphrase):
    """The record carries each session's protocol (an edited one, with its name and
    version): on the other laptop the session replays on the plan it ran."""
    from dataclasses import replace
    from datetime import timedelta

    from kapdesk.demo import build_demo
    from kapdesk.domain.timeutil import utc_now
    from kapdesk.practice.live import NO_MUSIC, begin_medication_session
    from kapdesk.practice.protocols import add_from_template, save_protocol
    from kapdesk.practice.session import record_discharge
    from kapdesk.storage.sessions import load_session

    source = tmp_path / "source.sqlite"
    db = open_database(source)
    build_demo(db)
    own = add_from_template(db, "sublingual")
    longer = save_protocol(db, replace(own, name="Lozenge, our room",
                                       min_minutes_after_last_dose=150))
    jonah = db.execute("SELECT id FROM clients WHERE display_name = 'Jonah R.'").fetchone()[0]
    started = utc_now() - timedelta(minutes=30)
    session = begin_medication_session(db, jonah, at=started, intention="to rest",
                                       ride_home_name="A. Driver", ride_confirmed=True,
                                       playlist_id=NO_MUSIC, protocol=longer)
    record_discharge(db, session, at=started + timedelta(minutes=20),
                     reason="left before dosing: felt unwell, prescriber informed")
    uid = db.execute("SELECT uid FROM sessions WHERE id = ?", (session,)).fetchone()[0]
    db.close()
    path = tmp_path / "jonah.json"
    assert main(["export-record", str(jonah), "-o", str(path), "--db", str(source)]) == 0
    [ran] = [s for s in json.loads(path.read_text())["sessions"] if s["uid"] == uid]
    assert (ran["protocol"]["name"], ran["protocol"]["version"],
            ran["protocol"]["min_minutes_after_last_dose"]) == ("Lozenge, our room", 2, 150)
    target = tmp_path / "other.sqlite"
    assert main(["import", str(path), "--db", str(target)]) == 0
    moved = open_database(target, passphrase=passphrase)
    [row] = moved.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchall()
    assert load_session(moved, row[0]).protocol == longer
