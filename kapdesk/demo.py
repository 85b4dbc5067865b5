"""A fictional demo practice, built through the same storage calls the app uses.

Every name, number and note here is invented. The content is fixed; dates are placed
relative to ``today`` so the demo always shows a finished course, one in progress and a new
client. It lives in its own database file, never in a real practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from kapdesk.audio.library import scan_folder
from kapdesk.domain.thresholds import Bound, Thresholds
from kapdesk.practice import amend as am
from kapdesk.practice import course as co
from kapdesk.practice import records as rc
from kapdesk.practice import session as ss
from kapdesk.resources import music_dir
from kapdesk.storage import clients as cl
from kapdesk.storage import music as mu
from kapdesk.storage import practice as pr
from kapdesk.storage import prescriptions as rx
from kapdesk.storage.sessions import load_session

PRE = {"systolic": Bound(None, 140), "diastolic": Bound(None, 90), "heart_rate": Bound(50, 100)}
POST = {"systolic": Bound(None, 150), "diastolic": Bound(None, 95),
        "heart_rate": Bound(None, 110), "spo2": Bound(94, None)}


@dataclass(frozen=True)
class Plan:
    """What happens in one demo medication session."""

    pre: tuple[int, int, int]
    post: tuple[int, int, int, int]
    recheck: tuple[int, int, int, int] | None = None  # after a discharge breach
    booster: bool = False
    events: tuple[tuple[int, str, str], ...] = ()
    words: str = ""
    sedation: str = "mild"
    dissociation: str = "moderate"


AVERY_PLANS = (
    Plan((128, 82, 74), (132, 84, 80, 97), events=((34, "nausea", "mild, settled with breath"),),
         words="It was like floating above a dark lake.", dissociation="mild"),
    Plan((124, 80, 70), (136, 86, 78, 98), events=((28, "spit", ""), (61, "talking", "")),
         words="I saw my grandmother's kitchen, all yellow light."),
    Plan((130, 84, 72), (158, 92, 88, 97), recheck=(142, 88, 82, 98),
         events=((29, "swallow", ""), (52, "dizziness", "when sitting up; lay back down")),
         words="There was a wall and then there wasn't.", dissociation="strong"),
    Plan((126, 78, 68), (134, 82, 76, 98), booster=True,
         events=((30, "spit", ""), (75, "music_change", "asked for no vocals")),
         words="Softer this time. I could stay with the sadness.", sedation="moderate"),
    Plan((132, 86, 76), (138, 88, 84, 97),
         events=((33, "spit", ""), (48, "anxiety", "brief; grounding with hand on shoulder"),
                 (95, "mask_off", "")),
         words="I was scared and then I was held."),
    Plan((122, 78, 66), (128, 80, 72, 99), events=((31, "spit", ""),),
         words="I don't need to carry all of it.", sedation="none", dissociation="mild"),
)

JONAH_PLANS = (
    Plan((134, 86, 82), (140, 90, 86, 97), events=((30, "spit", ""),),
         words="Everything was made of music.", dissociation="mild"),
    Plan((131, 85, 80), (139, 88, 84, 98), events=((29, "spit", ""), (44, "bathroom", "")),
         words="My chest opened."),
    Plan((138, 88, 84), (144, 92, 90, 96), events=((32, "swallow", ""),
                                                    (40, "prescriber_contacted",
                                                     "BP check-in by phone; continue")),
         words="I kept hearing my own name, kindly."),
)

TRACKS = ("Slow Tide", "Lantern Field", "Under Cedar", "Night Harbour")


def build_demo(db: Database, today: date | None = None) -> None:
    today = today or date.today()
    with db.atomic():
        rc.set_practice(db, name="Harbourlight Therapy (demo)", therapist="Alex Moreno, LMFT",
                        is_demo=True)
        okafor = rc.add_prescriber(db, name="Dr. Mara Okafor", credentials="MD, psychiatry",
                                   phone="555-0142", on_call_phone="555-0199",
                                   email="m.okafor@example.org", practice="Northside Psychiatry")
        lund = rc.add_prescriber(db, name="Ren Lund", credentials="PMHNP-BC",
                                 phone="555-0177", on_call_phone="555-0178",
                                 email="r.lund@example.org",
                                 practice="Riverbend Health")
        playlist = _music(db)
        avery = _client(db, "Avery L.", "Avery Lindqvist", "they/them", okafor,
                        ride=("Jesse Lindqvist", "555-0123"), dob="1986-03-14",
                        playlist=playlist)
        jonah = _client(db, "Jonah R.", "Jonah Reyes", "he/him", lund,
                        ride=("Marisol Reyes", "555-0168"), dob="1979-09-02",
                        playlist=playlist)
        _client(db, "Zoë M.", "Zoë Marchetti", "she/her", okafor,
                ride=("Renée Marchetti", "555-0131"), dob="1992-11-27")

        _course(db, avery, okafor, today - timedelta(days=84), AVERY_PLANS, today,
                booster_mg=50)
        _course(db, jonah, lund, today - timedelta(days=35), JONAH_PLANS, today)


def _music(db: Database) -> int:
    """The shipped ambient tracks, in a playlist the demo clients prefer."""
    folder = rc.add_folder(db, music_dir(), shipped=True)
    mu.sync_folder(db, folder, scan_folder(music_dir()))
    playlist = rc.create_playlist(db, "Calm ambient")
    by_title = {t["title"]: t["id"] for t in mu.list_tracks(db)}
    mu.set_playlist_tracks(db, playlist, [by_title[title] for title in TRACKS])
    return playlist


def _client(db: Database, display: str, legal: str, pronouns: str, prescriber: int, *,
            ride: tuple[str, str], dob: str, playlist: int | None = None) -> int:
    return rc.add_client(
        db, display_name=display, legal_name=legal, pronouns=pronouns, date_of_birth=dob,
        prescriber_id=prescriber, ride_name=ride[0], ride_phone=ride[1],
        preferred_playlist_id=playlist,
        emergency_name=ride[0], emergency_phone=ride[1],
        safety_plan="Grounding: feet on the floor, name five things you hear. "
                    "Call the on-call prescriber if chest pain or BP stays above discharge "
                    "limits after two rechecks.")


def _course(db: Database, client: int, prescriber: int, start: date, plans: tuple[Plan, ...],
            today: date, booster_mg: float | None = None) -> None:
    rx.add_thresholds(db, client, Thresholds(PRE, POST, set_by=_name(db, prescriber),
                                             set_on=start - timedelta(days=7)))
    rc.add_order(db, client, dose_mg=100 if booster_mg else 150, prescriber_id=prescriber,
                 ordered_on=start - timedelta(days=7), booster_allowed=bool(booster_mg),
                 booster_mg=booster_mg, min_minutes_after_dose=120)
    intake = start - timedelta(days=10)
    co.add_screening(db, client, items={}, screened_on=intake,
                     cleared_on=intake + timedelta(days=2),
                     note="No contraindications found; cleared by the prescriber after intake.",
                     cleared_by_prescriber_id=prescriber)
    course = co.add_course(db, client, started_on=start - timedelta(days=7), planned_sessions=6)
    scores = OUTCOME_SCORES[len(plans)]
    for instrument, values in scores.items():
        co.add_outcome(db, client, instrument, values[0], taken_on=intake)
    prep = co.schedule_session(db, client, "preparation", course_id=course,
                               scheduled_for=_at(start - timedelta(days=7), 10))
    ss.start_session(db, prep, started_at=_at(start - timedelta(days=7), 10))
    ss.add_note(db, prep, "intention", "To meet the grief without drowning in it.",
                at=_at(start - timedelta(days=7), 10, 30), shareable=True)
    ss.end_session(db, prep, at=_at(start - timedelta(days=7), 11))
    for number, plan in enumerate(plans, start=1):
        day = start + timedelta(days=14 * (number - 1))
        medication = _medication_session(db, client, course, number, day, plan)
        if number == 2 and booster_mg:  # Avery: edits after the fact, kept visible
            _after_the_fact(db, medication, _at(day + timedelta(days=1), 15, 30))
        integration = co.schedule_session(db, client, "integration", course_id=course,
                                          number=number, medication_session_id=medication,
                                          scheduled_for=_at(day + timedelta(days=1), 16))
        ss.start_session(db, integration, started_at=_at(day + timedelta(days=1), 16))
        ss.add_note(db, integration, "integration",
                    f"Returned to: \u201c{plan.words}\u201d Named what it asks of the week ahead.",
                    at=_at(day + timedelta(days=1), 16, 20))
        ss.add_note(db, integration, "process", "Countertransference: felt protective; "
                    "keep pacing slower next time.", at=_at(day + timedelta(days=1), 16, 45))
        ss.end_session(db, integration, at=_at(day + timedelta(days=1), 16, 50))
        if number % 2 == 0:  # scores every second integration session
            for instrument, values in scores.items():
                co.add_outcome(db, client, instrument, values[number // 2],
                               taken_on=day + timedelta(days=1), session_id=integration)
    upcoming = start + timedelta(days=14 * len(plans))
    if len(plans) == 6:  # a finished course
        co.end_course(db, course, ended_on=upcoming - timedelta(days=7))
    else:
        co.schedule_medication_with_integration(
            db, course, _at(max(upcoming, today + timedelta(days=2)), 10))


def _medication_session(db: Database, client: int, course: int, number: int, day: date,
                        plan: Plan) -> int:
    def t(minutes: int) -> datetime:
        return _at(day, 10) + timedelta(minutes=minutes)

    sid = co.schedule_session(db, client, "medication", course_id=course, number=number,
                              scheduled_for=t(0))
    ride = cl.get_client(db, client)
    ss.start_session(db, sid, started_at=t(0), intention=INTENTIONS[(number - 1) % 3],
                     ride_home_name=ride["ride_name"], ride_home_phone=ride["ride_phone"])
    db.execute("UPDATE sessions SET playlist_id = ? WHERE id = ?",
               (ride["preferred_playlist_id"], sid))
    ss.add_note(db, sid, "intention", INTENTIONS[(number - 1) % 3], at=t(5), shareable=True)
    ss.record_vitals(db, sid, dict(zip(("systolic", "diastolic", "heart_rate"), plan.pre,
                                       strict=True)), taken_at=t(12), checkpoint="pre_dose")
    ss.record_dose(db, sid, given_at=t(20))
    for minute, kind, detail in plan.events:
        ss.record_event(db, sid, kind, at=t(minute), detail=detail)
    ss.record_rating(db, sid, "sedation", plan.sedation, at=t(45))
    ss.record_rating(db, sid, "dissociation", plan.dissociation, at=t(45))
    ss.add_note(db, sid, "observation", "Breathing slowed and deepened; hands relaxed.",
                at=t(38))
    if plan.booster:
        ss.record_dose(db, sid, given_at=t(55), is_booster=True)
        ss.add_note(db, sid, "observation", "Booster offered as ordered; accepted.", at=t(56))
    last_dose = 55 if plan.booster else 20
    ss.add_note(db, sid, "client_words", plan.words, at=t(last_dose + 60), shareable=True)
    ss.add_note(db, sid, "process", "Noticed my own urge to fill the silence; stayed with it.",
                at=t(last_dose + 70))
    tracks = {r["title"]: r for r in mu.list_tracks(db)}
    for i, title in enumerate((TRACKS[number % 4], TRACKS[(number + 1) % 4])):
        track = tracks[title]
        play = mu.start_play(db, sid, track_id=track["id"], title=title, artist=track["artist"],
                             path=track["path"], at=t(17 + 55 * i))
        mu.stop_play(db, play, at=t(72 + 55 * i))
    post = dict(zip(("systolic", "diastolic", "heart_rate", "spo2"), plan.post, strict=True))
    ss.record_vitals(db, sid, post, taken_at=t(last_dose + 120), checkpoint="discharge")
    ss.confirm_ride_home(db, sid, at=t(last_dose + 122), name=ride["ride_name"],
                         phone=ride["ride_phone"])
    end = last_dose + 140
    if plan.recheck:
        recheck = dict(zip(("systolic", "diastolic", "heart_rate", "spo2"), plan.recheck,
                           strict=True))
        ss.record_vitals(db, sid, recheck, taken_at=t(last_dose + 135), checkpoint="discharge")
        end = last_dose + 150
    ss.add_note(db, sid, "summary",
                f"Session {number}: dose as ordered, well tolerated. "
                + ("Discharge BP above limit at first check, within on recheck. "
                   if plan.recheck else "")
                + "Left with ride home, oriented and steady.", at=t(end - 5))
    ss.record_discharge(db, sid, at=t(end))
    return sid


# Fictional questionnaire totals: intake, then after every second medication session.
OUTCOME_SCORES = {
    6: {"PHQ-9": (19, 15, 10, 7), "GAD-7": (14, 12, 8, 6), "PCL-5": (46, 40, 31, 24)},
    3: {"PHQ-9": (17, 14), "GAD-7": (12, 10)},
}

def _after_the_fact(db: Database, session_id: int, at: datetime) -> None:
    record = load_session(db, session_id)
    note = next(n for n in record.notes if n["kind"] == "observation")
    am.amend_note(db, note["id"], note["body"] + " Hands clenched briefly around minute 50, "
                  "then opened again.", at=at)
    reading = record.latest("pre_dose")
    am.correct_vitals(db, reading.id, {**reading.reading.values(), "heart_rate": 72},
                      reason="typed 70; the monitor's printout shows 72")


INTENTIONS = (
    "To meet the grief without drowning in it.",
    "To listen to the part of me that is tired.",
    "To let my body rest.",
)


def _name(db: Database, prescriber: int) -> str:
    p = pr.get_prescriber(db, prescriber)
    return f"{p['name']}, {p['credentials']}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone()
