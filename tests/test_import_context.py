"""Import refuses what a session's surroundings could not have been in kapdesk (issue 11,
second helper's findings): an order or thresholds dated after the session they judged, a ride
home confirmed outside its session or named differently at discharge, a course ended before
its sessions or two courses in progress, ids differing only in letter case, and amendments
that disagree with the earlier wording kept. The app's own paths keep the same rules."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from test_import_rules import medication, refusal

from kapdesk.cli import main
from kapdesk.domain.errors import InvalidInput, KapdeskError, NotAllowed
from kapdesk.domain.thresholds import thresholds_from_entries
from kapdesk.practice.course import add_course, add_screening, end_course
from kapdesk.practice.record_import import import_record
from kapdesk.practice.records import update_client
from kapdesk.practice.session import confirm_ride_home, record_discharge
from kapdesk.storage import open_database


@pytest.fixture
def record(exported):
    return copy.deepcopy(exported[1])


def day_of(instant, days=0):
    return (datetime.fromisoformat(instant).date() + timedelta(days=days)).isoformat()


def hours_before(instant, hours):
    return (datetime.fromisoformat(instant) - timedelta(hours=hours)).isoformat()


def amended(data):
    """The record's one amended note (the demo amends a note after its session)."""
    return next(n for s in data["sessions"] for n in s["notes"] if n.get("versions"))


def open_second_course(data):
    data["courses"][0]["ended_on"] = None
    data["courses"].append({**data["courses"][0], "uid": "c2" * 16})


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["orders"][0].update(ordered_on=day_of(medication(d)["started_at"], 3)),
     "order_uid: names order dated"),
    (lambda d: d["thresholds"][0].update(set_on=day_of(medication(d)["started_at"], 3)),
     "after the session started; a session is judged by the thresholds in force then"),
    (lambda d: d["thresholds"][0].update(set_on=(date.today() + timedelta(days=3))
                                         .isoformat()),
     "thresholds[0].set_on: cannot be in the future"),
    (lambda d: d["orders"][0].update(ordered_on=(date.today() + timedelta(days=3))
                                     .isoformat()),
     "orders[0].ordered_on: cannot be in the future"),
    (lambda d: medication(d)["ride_home"].update(
        confirmed_at=hours_before(medication(d)["started_at"], 20)),
     "ride_home.confirmed_at: the ride home is confirmed during the session"),
    # Found by the mutation test: an integration session "confirming" a ride, after it ended.
    (lambda d: next(s for s in d["sessions"] if s["kind"] == "integration"
                    and s["ended_at"]).update(ride_home={"confirmed_at": d["exported_at"]}),
     "ride_home.confirmed_at: an integration session has no ride home to confirm; only a "
     "medication session does"),
    (lambda d: medication(d)["discharge"].update(ride_home_name="Somebody Else"),
     "'Somebody Else' is not the session's ride home ('Jesse Lindqvist')"),
    (lambda d: d["courses"][0].update(ended_on=day_of(medication(d)["started_at"])),
     "started_at: is after its course ended"),
    (open_second_course, "courses[1].ended_on: courses[0] is in progress too"),
    (lambda d: medication(d)["notes"][0].update(uid=medication(d)["doses"][0]["uid"].upper()),
     "must be an identifier of 8-64 lower-case letters and digits"),
    (lambda d: medication(d)["ratings"][0].update(value=3, level="mild"),
     "ratings[0].level: is 'mild', but the value 3 is"),
    (lambda d: d.update(exported_at="2030-01-01T00:00:00+00:00"),
     "the export cannot be in the future"),
    (lambda d: d.pop("format"), "format: is missing: this is not a kapdesk client record"),
    (lambda d: amended(d).update(versions=[]),
     "an amended note keeps its earlier wording"),
    (lambda d: amended(d).update(amended_at=None),
     "an amended note keeps its earlier wording"),
    (lambda d: amended(d)["versions"][0].update(replaced_at=hours_before(amended(d)["at"], 1)),
     "a note cannot be amended before it was written"),
    (lambda d: amended(d).update(amended_at=hours_before(amended(d)["amended_at"], -1)),
     "is not the time of the latest amendment in versions"),
    (lambda d: medication(d).pop("vitals"), "vitals: is required: a list, empty when there"),
    (lambda d: d.pop("orders"), "orders: is required: a list"),
])
def test_import_refuses_surroundings_the_app_could_not_have_made(tmp_path, record, change,
                                                                 expected):
    change(record)
    assert expected in refusal(tmp_path, record)


def test_the_untouched_record_still_imports(tmp_path, record):
    """The rules above hold for the app's own export, amended note and ended course included."""
    assert import_record(open_database(tmp_path / "t.sqlite"), record).added > 0


def test_the_ride_home_is_confirmed_only_while_the_session_runs(running, clock):
    main_window, _, sid = running
    db = main_window.db
    with pytest.raises(KapdeskError, match="cannot be before the session started"):
        confirm_ride_home(db, sid, at=clock.now() - timedelta(hours=2), name="Sam T.")
    record_discharge(db, sid, at=clock.now(), reason="testing the ride rule after the end")
    with pytest.raises(NotAllowed, match="the session has ended"):
        confirm_ride_home(db, sid, at=clock.now(), name="Someone later")
    assert db["sessions"].get(sid)["ride_home_name"] != "Someone later"


def test_a_course_cannot_end_before_a_session_held_in_it(tmp_path):
    main(["demo", "--db", str(tmp_path / "t.sqlite")])
    db = open_database(tmp_path / "t.sqlite")
    course = next(db["courses"].rows_where("ended_on IS NULL AND id IN (SELECT course_id "
                                           "FROM sessions WHERE started_at IS NOT NULL)"))
    with pytest.raises(InvalidInput, match="a session of this course was held on 2026-"):
        end_course(db, course["id"], ended_on=course["started_on"])
    assert db["courses"].get(course["id"])["ended_on"] is None


def test_thresholds_cannot_be_set_on_a_day_still_to_come():
    with pytest.raises(InvalidInput, match="cannot be in the future") as caught:
        thresholds_from_entries({}, set_by="Dr. Test", set_on=date.today() + timedelta(days=1))
    assert caught.value.field == "set_on"


def test_one_course_in_progress_in_the_app_too(db, client_id):
    add_screening(db, client_id, items={}, screened_on="2026-01-02", cleared_on="2026-01-03")
    add_course(db, client_id, started_on="2026-01-05")
    with pytest.raises(NotAllowed, match="already has a course in progress"):
        add_course(db, client_id, started_on="2026-01-06")


def test_a_client_renamed_here_is_still_the_same_client(tmp_path, exported, capsys):
    """Renaming a client on this laptop does not make the record someone else's: the import
    is reported under the name shown here, and the changed name counts as a difference."""
    demo, data = exported
    target = tmp_path / "practice.sqlite"
    target.write_bytes(demo.read_bytes())
    update_client(open_database(target), 1, display_name="Avery Lindqvist")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert main(["import", str(path), "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported Avery Lindqvist (client 1): 0 entries added")
    assert "(clients 1)" in out
    assert open_database(target)["clients"].get(1)["display_name"] == "Avery Lindqvist"


def test_the_same_id_with_another_birth_date_is_someone_else(tmp_path, exported,
                                                             capsys):
    demo, data = exported
    target = tmp_path / "practice.sqlite"
    target.write_bytes(demo.read_bytes())
    other = copy.deepcopy(data)
    other["client"]["date_of_birth"] = "1970-01-01"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(other))
    assert main(["import", str(path), "--db", str(target)]) == 1
    assert "but the file's Avery L. was born 1970-01-01; nothing was imported" in \
        capsys.readouterr().err
