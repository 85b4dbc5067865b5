"""The session timeline: planned vs actual, a late dose, a booster, elapsed time."""

from __future__ import annotations

from datetime import timedelta

from conftest import T0
from kapdesk.domain.protocol import DEFAULT_PROTOCOL, protocol_from_json
from kapdesk.domain.timeline import build_timeline
from kapdesk.domain.timeutil import ManualClock, SystemClock, format_duration


def minutes(n):
    return T0 + timedelta(minutes=n)


def step(timeline, key):
    return next(ts for ts in timeline.steps if ts.step.key == key)


def test_on_time_dose_keeps_the_plan():
    tl = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(20)], minutes(30))
    hold = step(tl, "hold")
    assert hold.start == hold.planned_start == minutes(20)
    assert step(tl, "post_vitals").start == minutes(140)
    assert tl.current_phase(minutes(30)).step.key == "hold"
    assert tl.next_prompt(minutes(30)).step.key == "spit"
    assert tl.next_prompt(minutes(30)).start == minutes(32)


def test_late_dose_moves_every_dose_relative_step_but_not_the_arrival():
    tl = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(35)], minutes(40))
    assert step(tl, "arrival").moved == timedelta(0)
    for key in ("hold", "spit", "onset", "return", "post_vitals", "discharge"):
        assert step(tl, key).moved == timedelta(minutes=15), key
    assert step(tl, "spit").start == minutes(47)


def test_before_the_dose_a_late_dose_is_projected_at_now():
    tl = build_timeline(DEFAULT_PROTOCOL, T0, [], minutes(28))
    assert step(tl, "hold").start == minutes(28)
    assert not step(tl, "hold").confirmed
    assert tl.current_phase(minutes(28)).step.key == "opening"
    early = build_timeline(DEFAULT_PROTOCOL, T0, [], minutes(5))
    assert step(early, "hold").start == minutes(20)


def test_booster_moves_later_steps_from_the_last_dose():
    tl = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(20), minutes(60)], minutes(70),
                        booster_allowed=True)
    assert step(tl, "hold").start == minutes(20)  # the first lozenge's hold
    assert step(tl, "return").start == minutes(60 + 70)
    assert step(tl, "post_vitals").start == minutes(60 + 120)
    spits = [ts.start for ts in tl.steps if ts.step.key == "spit"]
    assert spits == [minutes(32), minutes(72)]  # one hold prompt per lozenge
    assert tl.since_last_dose(minutes(70)) == timedelta(minutes=10)


def test_booster_window_only_when_ordered():
    without = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(20)], minutes(20))
    assert all(ts.step.key != "booster" for ts in without.steps)
    with_booster = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(20)], minutes(20),
                                  booster_allowed=True)
    assert step(with_booster, "booster").start == minutes(50)


def test_elapsed_time_comes_from_instants_not_ticks():
    clock = ManualClock(T0)
    tl = build_timeline(DEFAULT_PROTOCOL, T0, [], clock.now())
    clock.advance(minutes=95, seconds=7)
    assert format_duration(tl.elapsed(clock.now())) == "1:35:07"
    assert format_duration(timedelta(seconds=-65)) == "-0:01:05"


def test_system_clock_is_aware_and_moves_forward():
    clock = SystemClock()
    first, second = clock.now(), clock.now()
    assert first.tzinfo is not None and second >= first


def test_protocol_survives_storage_as_json():
    assert protocol_from_json(DEFAULT_PROTOCOL.to_json()) == DEFAULT_PROTOCOL


def test_an_early_dose_ends_the_pre_dose_phases():
    """Dosed a minute after the start: at D+10 the client is in the hold, not 'pre-dose'."""
    dose = T0 + timedelta(minutes=1)
    timeline = build_timeline(DEFAULT_PROTOCOL, T0, [dose], dose + timedelta(minutes=10))
    assert timeline.current_phase(dose + timedelta(minutes=10)).step.key == "hold"


def test_an_early_dose_leaves_no_pre_dose_phase_drawn_after_it():
    """Found by a first-time user: dosed 20 s after the start, the band's actual row read
    "A | Hold | Pre-dose vitals | Onset & peak", the pre-dose phases still at their planned
    minutes, over the hold."""
    dose = T0 + timedelta(seconds=20)
    timeline = build_timeline(DEFAULT_PROTOCOL, T0, [dose], dose + timedelta(minutes=30))
    arrival = step(timeline, "arrival")
    assert (arrival.start, arrival.end, arrival.skipped) == (T0, dose, False)
    for key, planned in (("pre_vitals", 10), ("opening", 15)):  # after the dose: never held
        assert step(timeline, key).skipped, key
        assert step(timeline, key).planned_start == minutes(planned)  # the plan still shows
    happened = [ts for ts in timeline.phases() if not ts.skipped]
    assert [ts.step.key for ts in happened][:2] == ["arrival", "hold"]
    assert all(a.end is None or a.end <= b.start
               for a, b in zip(happened, happened[1:], strict=False))  # none overlap
    assert timeline.next_prompt(dose + timedelta(minutes=1)).step.key == "spit"


def test_a_dose_on_time_skips_nothing():
    timeline = build_timeline(DEFAULT_PROTOCOL, T0, [minutes(20)], minutes(60))
    assert not any(ts.skipped for ts in timeline.steps)
    assert step(timeline, "arrival").end == minutes(10)


def test_nearest_instant():
    from kapdesk.domain.timeutil import nearest

    instants = [minutes(0), minutes(10), minutes(12)]
    assert nearest(instants, minutes(11) + timedelta(seconds=30)) == 2
    assert nearest(instants, minutes(4)) == 0
    assert nearest([], minutes(4)) is None
