"""Protocols as the domain and the practice see them: what the editor refuses, the shipped
templates, the readings a protocol asks for, and which protocol a session is offered."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from conftest import T0
from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, Offset, Step, protocol_from_json
from kapdesk.domain.protocol_choice import choose_protocol, disagreement
from kapdesk.domain.protocol_rules import protocol_problems
from kapdesk.domain.session import Dose, JudgedReading, SessionRecord
from kapdesk.domain.vitals import Reading
from kapdesk.domain.vitals_schedule import missed, schedule
from kapdesk.practice.protocols import (
    add_from_template,
    available_protocols,
    own_protocols,
    protocol_versions,
    save_protocol,
    template,
    templates,
)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def messages(protocol) -> list[str]:
    return [p.message for p in protocol_problems(protocol)]


def with_step(protocol, index: int, **changes):
    steps = list(protocol.steps)
    steps[index] = replace(steps[index], **changes)
    return replace(protocol, steps=tuple(steps))


# --- what the editor refuses -------------------------------------------------------------

def test_every_shipped_template_passes_its_own_rules_and_sublingual_is_the_built_in():
    assert [t.route for t in templates()] == ["sublingual", "intramuscular", "intravenous",
                                              "intranasal"]
    assert all(protocol_problems(t) == [] for t in templates())
    assert template("sublingual") == DEFAULT_PROTOCOL  # the plan sessions ran before


def test_overlapping_phases_are_named_with_the_overlap():
    hold = next(i for i, s in enumerate(DEFAULT_PROTOCOL.steps) if s.key == "hold")
    late_end = with_step(DEFAULT_PROTOCOL, hold, end=Offset("dose", 25))
    assert "Phases 4 (Hold) and 6 (Onset & peak) overlap by 10 min." in messages(late_end)


def test_a_prompt_before_its_anchor_and_a_phase_ending_before_it_starts():
    spit = next(i for i, s in enumerate(DEFAULT_PROTOCOL.steps) if s.key == "spit")
    early = with_step(DEFAULT_PROTOCOL, spit, start=Offset("dose", -5))
    assert ("Step 5 (Spit or swallow) is 5 min before the dose it counts from; count from "
            "an earlier moment instead.") in messages(early)
    backwards = with_step(DEFAULT_PROTOCOL, 0, end=Offset("start", 0))
    assert ("Step 1 (Arrival & check-in) ends when it starts (at 0 min); give it a length, "
            "or no end.") in messages(backwards)
    earlier = with_step(DEFAULT_PROTOCOL, 1, end=Offset("start", 5))
    assert "Step 2 (Pre-dose vitals) ends at 5 min, before it starts at 10 min." in \
        messages(earlier)


def test_durations_and_settings_out_of_range_are_refused_with_their_range():
    long_phase = with_step(DEFAULT_PROTOCOL, 0, end=Offset("start", 300))
    assert any("lasts 300 min; a phase lasts at most 4 hours" in m for m in messages(long_phase))
    assert ("The minimum stay after the last dose must be 30-480 min (it is 10 min)."
            in messages(replace(DEFAULT_PROTOCOL, min_minutes_after_last_dose=10)))
    assert "The protocol needs a name." in messages(replace(DEFAULT_PROTOCOL, name="  "))
    assert "'juggling' is not a quick event." in messages(
        replace(DEFAULT_PROTOCOL, quick_events=("nausea", "juggling")))


def test_a_repeated_reading_needs_an_end_and_a_sane_interval():
    bp = Step("bp", "BP", "prompt", Offset("dose", 10), None, vitals="other", every=10)
    protocol = replace(DEFAULT_PROTOCOL, steps=(*DEFAULT_PROTOCOL.steps, bp))
    assert "Step 13 (BP) repeats every 10 min and needs an end to repeat until." in \
        messages(protocol)
    fast = replace(bp, end=Offset("dose", 40), every=2)
    assert "Step 13 (BP): a reading every 2 min; choose 5-120 min." in messages(
        replace(DEFAULT_PROTOCOL, steps=(*DEFAULT_PROTOCOL.steps, fast)))


def test_sessions_stored_before_protocols_had_names_read_back_as_they_ran():
    legacy = json.loads(json.dumps(DEFAULT_PROTOCOL.to_json()))
    for field in ("name", "route", "quick_events", "rating_scales", "family", "version"):
        del legacy[field]
    for step in legacy["steps"]:
        for field in ("vitals", "every", "optional"):
            del step[field]
    assert protocol_from_json(legacy) == DEFAULT_PROTOCOL


@pytest.mark.parametrize("bad", [
    {"steps": [{"key": 1}]}, {"steps": "x"}, {"name": None},
    {"steps": [{"key": "a", "label": "A", "kind": "phase", "start": {"anchor": "start"}}]},
    {"recheck_minutes": 7.5}, {"surprise": True},
])
def test_malformed_protocols_are_refused_not_crashed_on(bad):
    data = {**DEFAULT_PROTOCOL.to_json(), **bad}
    with pytest.raises(InvalidInput):
        protocol_from_json(data)


# --- the readings a protocol asks for -----------------------------------------------------

def record_of(protocol, *, doses=(20,), readings=(), events=(), discharged=False):
    return SessionRecord(
        session={"id": 1, "started_at": T0.isoformat(), "protocol": "{}"},
        client={"id": 1}, protocol=protocol,
        doses=[Dose(i, at(m), 40.0, "ketamine", "f", protocol.route, i > 0)
               for i, m in enumerate(doses)],
        readings=[JudgedReading(i, Reading(at(m), checkpoint, 120, 80, 70), None)
                  for i, (m, checkpoint) in enumerate(readings)],
        events=list(events), discharge={"at": "x"} if discharged else None)


def test_an_infusion_asks_for_blood_pressure_every_ten_minutes_and_says_what_was_missed():
    iv = template("intravenous")
    record = record_of(iv, readings=[(11, "pre_dose"), (30, "other"), (41, "other")],
                       events=[{"kind": "vitals_skipped", "at": at(60).isoformat(),
                                "detail": "client asleep, breathing easy"}])
    now = at(75)
    timeline = record.timeline(now)
    infusion = [d for d in schedule(record, timeline, now) if d.step.key == "infusion_bp"]
    assert [(d.at, d.state) for d in infusion] == [
        (at(30), "taken"), (at(40), "taken"), (at(50), "missed"), (at(60), "skipped")]
    assert infusion[3].reason == "client asleep, breathing easy"
    assert [d.at for d in missed(record, timeline, now)] == [at(50)]
    assert missed(record_of(iv, discharged=True), timeline, now) == []


def test_an_optional_reading_is_never_missed_and_a_discharge_reading_follows_the_booster():
    record = record_of(DEFAULT_PROTOCOL, doses=(20, 55), readings=[(12, "pre_dose"),
                                                                   (50, "discharge")])
    now = at(55 + 140)
    due = {d.step.key: d for d in schedule(record, record.timeline(now), now)}
    assert due["mid_vitals"].state == "due"  # a discharge reading is not the mid-session one
    assert due["post_vitals"].state == "missed"  # the reading at 50 was before the booster
    quiet = record_of(DEFAULT_PROTOCOL, readings=[(12, "pre_dose")])
    due = {d.step.key: d for d in schedule(quiet, quiet.timeline(at(130)), at(130))}
    assert due["mid_vitals"].state == "due"  # optional: still offered, never missed


def test_each_reading_answers_the_planned_one_it_was_taken_for():
    """Found by a first-time user: a reading went to the first open slot, so a skipped
    early reading took the pre-dose one's, and in every demo session the discharge reading
    answered the optional mid-session slot, leaving 'discharge vitals: missed'."""
    early = Step("early_bp", "Early BP", "prompt", Offset("start", 2), vitals="pre_dose")
    protocol = replace(DEFAULT_PROTOCOL, steps=(early, *DEFAULT_PROTOCOL.steps))
    record = record_of(protocol, readings=[(15, "pre_dose"), (55, "other"), (145, "discharge")],
                       events=[{"kind": "vitals_skipped", "at": at(2).isoformat(),
                                "detail": "settling in"}])
    now = at(150)
    states = {d.step.key: (d.state, d.taken_at) for d in schedule(record, record.timeline(now),
                                                                   now)}
    assert states["early_bp"] == ("skipped", None)
    assert states["pre_vitals"] == ("taken", at(15))
    assert states["mid_vitals"] == ("taken", at(55))
    assert states["post_vitals"] == ("taken", at(145))
    unskipped = record_of(protocol, readings=[(15, "pre_dose")])
    states = {d.step.key: d.state for d in schedule(unskipped, unskipped.timeline(at(16)),
                                                     at(16))}
    assert states["pre_vitals"] == "taken"  # the closer of the two planned pre-dose readings
    assert states["early_bp"] == "missed"


def test_before_the_dose_no_dose_relative_reading_is_scheduled_yet():
    record = record_of(template("intravenous"), doses=())
    due = schedule(record, record.timeline(at(12)), at(12))
    assert [d.step.key for d in due] == ["pre_vitals"]


# --- which protocol a session is offered --------------------------------------------------

def test_the_order_route_chooses_the_protocol_and_a_mismatch_is_said():
    offered = list(templates())
    assert choose_protocol(offered, "buccal").suggested.route == "sublingual"
    assert choose_protocol(offered, "intranasal").suggested.route == "intranasal"
    im = template("intramuscular")
    assert disagreement(im, "intramuscular") == ""
    assert disagreement(im, "sublingual") == ("The order's route is sublingual, but the "
                                              "protocol “Intramuscular injection” is for "
                                              "intramuscular injection.")
    assert "no protocol is written for it" in disagreement(im, "oral")


def test_copying_a_template_makes_it_the_practices_own_and_edits_are_versions(db):
    own = add_from_template(db, "intravenous")
    assert (own.name, own.version) == ("Intravenous infusion", 1) and own.family
    assert available_protocols(db)[0] == own  # the practice's own before the templates
    longer = save_protocol(db, replace(own, min_minutes_after_last_dose=90))
    assert (longer.family, longer.version) == (own.family, 2)
    assert save_protocol(db, longer) == longer  # nothing changed: no new version
    assert [v["version"] for v in protocol_versions(db, own.family)] == [2, 1]
    assert own_protocols(db) == [longer]
    again = add_from_template(db, "intravenous")
    assert again.name == "Intravenous infusion 2"
    with pytest.raises(InvalidInput, match="already has a protocol named"):
        save_protocol(db, replace(again, name="intravenous INFUSION"))
    with pytest.raises(InvalidInput, match="overlap"):
        save_protocol(db, with_step(longer, 3, end=Offset("dose", 50)))
    assert own_protocols(db) == [longer, again]


def test_past_timings_say_the_range_and_take_the_peak_from_mid_session_readings():
    from kapdesk.domain.past_timings import past_timings

    def ended(doses, readings, events, ready_after):
        record = record_of(DEFAULT_PROTOCOL, doses=doses, readings=readings, events=events)
        record.session["ended_at"] = at(doses[-1] + ready_after).isoformat()
        record.discharge = {"at": at(doses[-1] + ready_after).isoformat(), "cleared": 1}
        return record

    talking = [{"kind": "talking", "at": at(20 + 80).isoformat()}]
    records = [ended((20,), [(12, "pre_dose"), (60, "other"), (160, "discharge")], talking, 140),
               ended((20,), [(12, "pre_dose"), (55, "other"), (75, "other")], [], 155),
               ended((20, 50), [(12, "pre_dose"), (160, "discharge")], [], 150),
               ended((20,), [(12, "pre_dose")], [], 200)]  # the oldest: not among the last 3
    for days, record in enumerate(records):  # newest first in time
        record.session["started_at"] = (T0 - timedelta(days=7 * days)).isoformat()
    line = past_timings(records).line()
    assert line == ("Last 3 sessions: ready to leave 140–155 min after the last dose; BP "
                    "peaked 35–40 min after the dose; back (mask off or talking) 80 min "
                    "after the last dose")


def test_v_offers_the_checkpoint_of_the_planned_reading_due_now():
    """Found by a second first-time user: with discharge vitals planned soon after an
    infusion reading, V offered 'discharge' for the infusion's blood pressure."""
    from kapdesk.domain.live import suggested_checkpoint

    iv = template("intravenous")
    steps = [replace(s, start=Offset("dose", 45)) if s.key == "post_vitals" else s
             for s in iv.steps]
    record = record_of(replace(iv, steps=tuple(steps)), readings=[(12, "pre_dose")])
    assert suggested_checkpoint(record, at(20 + 40)) == "other"  # the infusion's 40-min BP
    assert suggested_checkpoint(record, at(20 + 45)) == "discharge"


def test_a_mid_session_reading_long_before_its_time_is_not_that_reading():
    """Seen on the esketamine band: a reading 11 min after dosing answered the blood
    pressure planned 40 min after it."""
    nasal = template("intranasal")
    record = record_of(nasal, readings=[(12, "pre_dose"), (31, "other")])
    now = at(20 + 52)
    [planned] = [d for d in schedule(record, record.timeline(now), now)
                 if d.step.key == "mid_vitals"]
    assert planned.state == "missed"
    on_time = record_of(nasal, readings=[(12, "pre_dose"), (20 + 36, "other")])
    [planned] = [d for d in schedule(on_time, on_time.timeline(now), now)
                 if d.step.key == "mid_vitals"]
    assert (planned.state, planned.taken_at) == ("taken", at(56))
