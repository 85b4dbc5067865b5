"""Import refuses the shapes the app could never give a record (the helper's findings for
issue 11): entries of another client, corrections and strike-outs without their reason, a
course without a cleared screening, sessions outside a course, times not yet come; and it
says when rows already here differ from the file."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from test_import_rules import medication, refusal

from kapdesk.cli import main
from kapdesk.domain.errors import KapdeskError
from kapdesk.practice.record_import import import_record, load_record_file
from kapdesk.storage import open_database


@pytest.fixture
def record(exported):
    return copy.deepcopy(exported[1])


def soon(minutes):
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def before(instant, minutes):
    return (datetime.fromisoformat(instant) - timedelta(minutes=minutes)).isoformat()


def corrected(data):
    """The record with its first medication session's dose corrected, as the app would."""
    session = medication(data)
    dose = session["doses"][0]
    session["doses"].append({**dose, "uid": "c0" * 16, "mg": dose["mg"] + 10,
                             "corrects_uid": dose["uid"],
                             "correction_reason": "typed 100, the order says 110"})
    return session["doses"][-1]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: corrected(d).update(correction_reason=None), "a correction needs its reason"),
    (lambda d: corrected(d).update(correction_reason="typo"), "a correction needs its reason"),
    (lambda d: medication(d)["doses"][0].update(correction_reason="just because"),
     "only a correction has a correction reason"),
    (lambda d: medication(d)["events"][0].update(struck_at=medication(d)["ended_at"],
                                                 struck_reason=" "),
     "Write why this event is struck out"),
    (lambda d: medication(d)["events"][0].update(struck_reason="pressed by mistake"),
     "only a struck-out entry has a reason"),
    (lambda d: medication(d)["events"][0].update(struck_at="2026-01-01T00:00:00+00:00",
                                                 struck_reason="pressed by mistake"),
     "cannot be struck out before it was recorded"),
    (lambda d: medication(d)["events"].append({**medication(d)["events"][0], "uid": "e1" * 16,
                                               "kind": "prn", "detail": ""}),
     "a PRN medication event says what was given"),
    (lambda d: medication(d)["notes"][0].update(at=soon(60 * 24)),
     "a note cannot be in the future"),
    (lambda d: medication(d)["music_plays"][0].update(
        stopped_at=medication(d)["music_plays"][0]["started_at"].replace("T", "T00:00:00|")
        .split("|")[0][:-8] + "00:00:00+00:00"),
     "a track cannot stop before it started"),
    (lambda d: d["screenings"][0].update(cleared_on=None),
     "no prescriber's clearance date"),
    (lambda d: d["screenings"][0].update(cleared_on=d["courses"][0]["ended_on"]),
     "a course cannot start before that"),
    (lambda d: d["courses"][0].update(screening_uid=None), "a course needs a screening first"),
    (lambda d: medication(d).update(course_uid=None), "a medication session belongs to a course"),
    (lambda d: medication(d, 1).update(number=medication(d)["number"]),
     "numbered 1-6 once each"),
    (lambda d: d["courses"][0].update(planned_sessions=2), "numbered 1-2 once each"),
    (lambda d: [s for s in d["sessions"] if s["kind"] == "integration"][0].update(number=5),
     "carries its number"),
    (lambda d: d["client"].update(archived_at=soon(60 * 24 * 400)),
     "archiving cannot be in the future"),
    (lambda d: d["outcome_measures"][0].update(taken_on="2030-06-01"),
     "taken_on: cannot be in the future"),
    (lambda d: d["screenings"][0]["items"].pop("mania"), "items.mania: needs its answer"),
    (lambda d: [s for s in d["sessions"] if s["kind"] == "preparation"][0].update(number=3),
     "only medication and integration sessions are numbered"),
    (lambda d: medication(d, 1).update(started_at=medication(d)["started_at"]),
     "kapdesk runs one session at a time"),
    (lambda d: [s for s in d["sessions"] if s["kind"] == "integration"][0].update(
        started_at=before(medication(d)["started_at"], 120),
        ended_at=before(medication(d)["started_at"], 60)),
     "an integration session is held after the medication session it follows"),
    (lambda d: medication(d)["vitals"][0].update(checkpoint=None),
     "checkpoint: is required: one of pre_dose, discharge, other"),
    (lambda d: [s for s in d["sessions"] if s["kind"] == "integration"][0].update(
        doses=[{**medication(d)["doses"][0], "uid": "d1" * 16}]),
     "an integration session has no doses"),
])
def test_import_refuses_what_the_app_could_not_have_made(tmp_path, record, change, expected):
    change(record)
    assert expected in refusal(tmp_path, record)


def test_a_correction_with_its_reason_imports(tmp_path, record):
    corrected(record)
    result = import_record(open_database(tmp_path / "t.sqlite"), record)
    assert result.added > 0 and result.differing == {}


def test_an_entry_of_another_client_on_this_laptop_is_refused_not_relabelled(
        tmp_path, exported, capsys):
    """A second client's record reusing the uid of a dose already here (a copied file edited
    by hand) must not move that dose or drop the file's."""
    db_path, data = exported
    target = tmp_path / "practice.sqlite"
    target.write_bytes(db_path.read_bytes())
    other = copy.deepcopy(data)
    other["client"]["uid"] = "b" * 32
    for table in ("orders", "thresholds", "screenings", "courses", "outcome_measures"):
        for i, row in enumerate(other[table]):
            row["uid"] = f"{table[:4]}{i:04d}".ljust(32, "0")
    session = medication(other)
    for i, s in enumerate(other["sessions"]):
        s["uid"] = f"sess{i:04d}".ljust(32, "0")
    for s in other["sessions"]:
        s["course_uid"] = other["courses"][0]["uid"]
        s["order_uid"] = other["orders"][-1]["uid"] if s["order_uid"] else None
        s["thresholds_uid"] = other["thresholds"][-1]["uid"] if s["thresholds_uid"] else None
    # integration links and the remaining entries keep pointing inside the file
    uids = {old["uid"]: new["uid"] for old, new in zip(data["sessions"], other["sessions"],
                                                       strict=True)}
    for s in other["sessions"]:
        if s["medication_session_uid"]:
            s["medication_session_uid"] = uids[s["medication_session_uid"]]
    for o in other["outcome_measures"]:
        o["session_uid"] = uids.get(o["session_uid"]) if o["session_uid"] else None
    other["courses"][0]["screening_uid"] = other["screenings"][-1]["uid"]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    assert main(["import", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"doses {session['doses'][0]['uid']}: is already used on this laptop by an entry " \
           "of another session; nothing was imported" in err
    db, original = open_database(target), open_database(db_path)
    assert db["clients"].count == original["clients"].count
    assert db["doses"].count == original["doses"].count


def test_reimporting_an_edited_record_says_which_rows_differ(tmp_path, exported, capsys):
    db_path, data = exported
    target = tmp_path / "practice.sqlite"
    target.write_bytes(db_path.read_bytes())
    edited = copy.deepcopy(data)
    medication(edited)["notes"][0]["body"] += " (edited on the other laptop)"
    edited["client"]["pronouns"] = "they/them (edited)"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited))
    assert main(["import", str(path), "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert "0 entries added" in out
    assert "2 of them differ from the file (clients 1, notes 1) and kept this laptop's " \
           "version" in out


def test_a_byte_order_mark_is_read_and_a_repeated_key_refused(tmp_path, record):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode())
    assert load_record_file(path)["client"]["uid"] == record["client"]["uid"]
    path.write_text('{"format": "kapdesk.client-record/1", "client": {"uid": "a", "uid": "b"}}')
    with pytest.raises(KapdeskError, match="the key 'uid' appears twice in one object"):
        load_record_file(path)


def test_import_into_a_new_database_path_says_it_created_a_practice(tmp_path, exported,
                                                                     capsys, passphrase):
    """Moving a record to a new laptop makes its practice; a mistyped path must not do that
    silently, so the therapist sees where the record went."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps(exported[1]))
    typo = tmp_path / "pratice.sqlite"
    assert main(["import", str(path), "--db", str(typo)]) == 0
    assert f"created a new practice at {typo} (there was none)" in capsys.readouterr().out
    assert main(["import", str(path), "--db", str(typo)]) == 0
    assert "created a new practice" not in capsys.readouterr().out


def into_copy(tmp_path, exported, data, capsys):
    """Import ``data`` into a copy of the demo practice; (exit code, stderr, stdout)."""
    target = tmp_path / "practice.sqlite"
    target.write_bytes(exported[0].read_bytes())
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data))
    code = main(["import", str(path), "--db", str(target)])
    captured = capsys.readouterr()
    return code, captured.err, captured.out


def test_a_session_planned_here_but_held_in_the_file_is_refused(tmp_path, exported, capsys):
    """Entries of a session held on the other laptop must not hang off a session that is
    still planned on this one (the helper's round trip left a planned session with a dose)."""
    db_path, record = exported
    target = tmp_path / "practice.sqlite"
    target.write_bytes(db_path.read_bytes())
    held = medication(record)
    db = open_database(target)
    with db.atomic():  # this laptop never saw it held: still planned here
        for table in ("discharges", "doses", "vitals", "events", "ratings", "music_plays"):
            db.execute(f"DELETE FROM {table} WHERE session_id = "
                       "(SELECT id FROM sessions WHERE uid = ?)", (held["uid"],))
        db.execute("DELETE FROM note_versions WHERE note_id IN (SELECT n.id FROM notes n "
                   "JOIN sessions s ON s.id = n.session_id WHERE s.uid = ?)", (held["uid"],))
        db.execute("DELETE FROM notes WHERE session_id = (SELECT id FROM sessions WHERE uid = ?)",
                   (held["uid"],))
        db.execute("UPDATE sessions SET started_at = NULL, ended_at = NULL WHERE uid = ?",
                   (held["uid"],))
    db.close()
    path = tmp_path / "in.json"
    path.write_text(json.dumps(record))
    assert main(["import", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert "not yet held on this laptop but held" in err
    assert "a session is held on one laptop only, so nothing was imported" in err


def test_another_clients_record_with_this_clients_id_is_refused(tmp_path, exported, capsys):
    record = copy.deepcopy(exported[1])
    record["client"].update(display_name="Someone Else", date_of_birth="1990-01-01")
    code, err, _ = into_copy(tmp_path, exported, record, capsys)
    assert code == 1
    assert "client.uid: is Avery L." in err
    assert "but the file's Someone Else was born 1990-01-01; nothing was imported" in err


def test_a_protocol_edited_by_hand_is_checked_like_the_editor_checks_it(tmp_path, record):
    """A record carries the protocol each session ran; one kapdesk could not have run (its
    minimum stay or booster step would decide the replayed gates) is refused by name."""
    protocol = medication(record)["protocol"]
    protocol["min_minutes_after_last_dose"] = 0
    assert ("sessions[1].protocol.min_minutes_after_last_dose: The minimum stay after the "
            "last dose must be 30-480 min (it is 0 min)") in refusal(tmp_path, record)
    protocol["min_minutes_after_last_dose"] = 120
    protocol["steps"][3]["end"] = {"anchor": "dose", "minutes": 30}  # Hold runs into Onset
    assert "overlap by 15 min" in refusal(tmp_path, record)
    protocol["steps"][3]["end"] = {"anchor": "dose", "minutes": 15}
    protocol["min_minutes_after_dose"] = 0  # not a protocol's field
    assert "protocol: has unknown fields: min_minutes_after_dose" in refusal(tmp_path, record)


def test_a_shared_note_quoting_a_process_note_is_refused(tmp_path, record):
    process = next(n for s in record["sessions"] for n in s["notes"] if n["kind"] == "process")
    integration = next(s for s in record["sessions"] if s["kind"] == "integration"
                       and s["notes"])
    integration["notes"][0].update(body="[11:30 in the medication session] " + process["body"],
                                   shareable=True)
    assert "quotes a process note, so it is a private process note too" in refusal(
        tmp_path, record)


def test_a_number_thousands_of_digits_long_is_one_line(tmp_path):
    path = tmp_path / "long.json"
    path.write_text('{"format": ' + "9" * 5000 + "}")
    with pytest.raises(KapdeskError, match="holds a number far too long"):
        load_record_file(path)
