"""Edits after the fact: nothing is silently rewritten."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import T0
from kapdesk.domain.errors import InvalidInput, NotAllowed
from kapdesk.export.summary import session_summary
from kapdesk.practice.amend import amend_note, correct_dose, correct_vitals
from kapdesk.practice.course import schedule_session
from kapdesk.practice.session import add_note, record_dose, record_vitals, start_session
from kapdesk.storage.amendments import note_versions
from kapdesk.storage.sessions import load_session


@pytest.fixture
def session(db, client_id):
    sid = schedule_session(db, client_id, "medication")
    start_session(db, sid, started_at=T0)
    return sid


def test_an_amended_note_keeps_its_first_wording_and_the_time(db, session):
    note = add_note(db, session, "observation", "Hands relaxed.", at=T0)
    amend_note(db, note, "Hands relaxed, then clenched briefly.", at=T0 + timedelta(days=1))
    record = load_session(db, session)
    assert record.notes[0]["body"] == "Hands relaxed, then clenched briefly."
    assert record.notes[0]["amended_at"] == (T0 + timedelta(days=1)).isoformat()
    assert [v["body"] for v in note_versions(db, note)] == ["Hands relaxed."]
    with pytest.raises(InvalidInput, match="same as before"):
        amend_note(db, note, "Hands relaxed, then clenched briefly.", at=T0)


def test_a_reading_is_corrected_by_a_new_entry_with_a_reason(db, session):
    wrong, _ = record_vitals(db, session, {"systolic": 184, "diastolic": 82, "heart_rate": 70},
                             taken_at=T0 + timedelta(minutes=12), checkpoint="pre_dose")
    # 184 breaches the pre-dose max
    assert load_session(db, session).dosing_gate(T0 + timedelta(minutes=20)).reasons
    with pytest.raises(InvalidInput, match="needs its reason"):
        correct_vitals(db, wrong, {"systolic": 148, "diastolic": 82, "heart_rate": 70},
                       reason="")
    with pytest.raises(InvalidInput, match="1840 is outside"):
        correct_vitals(db, wrong, {"systolic": 1840, "diastolic": 82, "heart_rate": 70},
                       reason="typo")
    correct_vitals(db, wrong, {"systolic": 128, "diastolic": 82, "heart_rate": 70},
                   reason="typed 184, the cuff showed 128")
    record = load_session(db, session)
    assert [r.reading.systolic for r in record.readings] == [128]
    assert [r.reading.systolic for r in record.superseded_readings] == [184]
    assert record.dosing_gate(T0 + timedelta(minutes=20)).open  # judged on the corrected reading
    summary = session_summary(db, session)
    assert [(v["systolic"], v["correction_reason"]) for v in summary["vitals"]] == [
        (128, "typed 184, the cuff showed 128")]
    with pytest.raises(NotAllowed, match="already corrected"):
        correct_vitals(db, wrong, {"systolic": 130, "diastolic": 82}, reason="again, again")


def test_a_dose_is_corrected_by_a_new_entry(db, session):
    record_vitals(db, session, {"systolic": 128, "diastolic": 82, "heart_rate": 70},
                  taken_at=T0, checkpoint="pre_dose")
    dose = record_dose(db, session, given_at=T0 + timedelta(minutes=20))
    correct_dose(db, dose, mg=100, given_at=T0 + timedelta(minutes=24),
                 reason="given at 24 min, recorded late", now=T0 + timedelta(minutes=30))
    record = load_session(db, session)
    assert [d.given_at for d in record.doses] == [T0 + timedelta(minutes=24)]
    assert record.superseded_doses[0].given_at == T0 + timedelta(minutes=20)
    assert record.timeline(T0 + timedelta(minutes=30)).first_dose == T0 + timedelta(minutes=24)


def test_a_dose_cannot_be_corrected_into_the_future_or_past_its_booster(db, session):
    """A correction obeys the rules of a dose given at the corrected time: moved 30 min
    ahead of the clock the "since dose" clock ran backwards and the record could no longer
    be imported; a first dose moved after its booster would reorder the session."""
    record_vitals(db, session, {"systolic": 128, "diastolic": 82, "heart_rate": 70},
                  taken_at=T0, checkpoint="pre_dose")
    now = T0 + timedelta(minutes=70)
    first = record_dose(db, session, given_at=T0 + timedelta(minutes=20), now=now)
    record_dose(db, session, given_at=T0 + timedelta(minutes=60), now=now, is_booster=True)
    with pytest.raises(InvalidInput, match="ahead of time"):
        correct_dose(db, first, mg=100, given_at=now + timedelta(minutes=30),
                     reason="clock on the wall was wrong", now=now)
    with pytest.raises(InvalidInput, match="before the booster"):
        correct_dose(db, first, mg=100, given_at=T0 + timedelta(minutes=65),
                     reason="clock on the wall was wrong", now=now)
    record = load_session(db, session)
    assert [d.given_at for d in record.doses] == [T0 + timedelta(minutes=20),
                                                  T0 + timedelta(minutes=60)]
    assert record.superseded_doses == []


def test_the_demo_record_carries_amendments_and_corrections_across_laptops(tmp_path,
                                                                          passphrase):
    import json

    from kapdesk.cli import main
    from kapdesk.storage import open_database

    source, target = tmp_path / "demo.sqlite", tmp_path / "other.sqlite"
    main(["demo", "--db", str(source)])
    main(["export-record", "1", "-o", str(tmp_path / "a.json"), "--db", str(source)])
    main(["import", str(tmp_path / "a.json"), "--db", str(target)])
    db = open_database(target, passphrase=passphrase)
    assert db["note_versions"].count == 1
    corrected = next(db.query("SELECT * FROM vitals WHERE corrects_id IS NOT NULL"))
    assert corrected["heart_rate"] == 72 and "printout" in corrected["correction_reason"]
    record = json.loads((tmp_path / "a.json").read_text())
    assert any(n["versions"] for s in record["sessions"] for n in s["notes"])
    assert date.fromisoformat(record["exported_at"][:10])
