"""A synthetic practice, built through kapdesk's own storage and use cases (the demo's
course builder, then many more notes), deterministic for a given size and seed.

Sizes are in clients: the demo has 3, so 1x/4x/16x are 3, 12 and 48 clients; the ten-year
practice has 300 clients with about 4,000 sessions and 300,000 notes. One client
("Long Course") always has 48 medication sessions, for the course overview figure. Built
files are cached under ``bench/.cache`` by size, seed and schema version.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from kapdesk import demo
from kapdesk.practice import session as ss
from kapdesk.storage import open_database, schema_version
from kapdesk.storage.schema import known_migrations

CACHE = Path(__file__).parent / ".cache"
TODAY = date(2026, 11, 2)  # fixed: the same practice on every machine and every day
COMMON = "breath"  # in about one note in eight: the common search word
WORDS = ("warm light far away the music water slowly held room window sister childhood "
         "grief tired body rest ocean trees voice quiet heavy soft colours safe edges "
         "laughing crying remembered wanted letting father mother garden").split()
LONG_COURSE = "Long Course"


def practice_file(clients: int, *, notes_per_session: int, seed: int = 13,
                  passphrase: str | None = None) -> Path:
    """The cached practice of this size, built first if needed; a fresh copy each call
    would be slow, so callers copy it themselves when they write."""
    CACHE.mkdir(exist_ok=True)
    kind = "enc" if passphrase else "plain"
    schema = known_migrations()[-1].split("_")[0]  # a new schema builds anew
    path = CACHE / f"practice-{clients}c-{notes_per_session}n-{seed}-{kind}-{schema}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".building")
        for stale in (partial, Path(str(partial) + "-wal"), Path(str(partial) + "-shm")):
            stale.unlink(missing_ok=True)
        db = open_database(partial, passphrase=passphrase)
        build(db, clients=clients, notes_per_session=notes_per_session, seed=seed)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        partial.rename(path)
    return path


def copy_of(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def build(db, *, clients: int, notes_per_session: int, seed: int) -> None:
    rng = random.Random(seed)
    with db.atomic():
        demo.build_demo(db, today=TODAY)  # the three demo clients, music, prescribers
        prescribers = [r[0] for r in db.execute("SELECT id FROM prescribers ORDER BY id")]
        playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
        long_client = _person(db, LONG_COURSE, prescribers[0], playlist, rng)
        for course in range(8):  # 48 medication sessions, a course every 100 days
            start = TODAY - timedelta(days=100 * (8 - course) + 30)
            demo._course(db, long_client, prescribers[0], start, demo.AVERY_PLANS, TODAY,
                         booster_mg=50)
        for index in range(max(0, clients - 4)):
            client = _person(db, f"Client {index:03d}", prescribers[index % 2], playlist, rng)
            start = TODAY - timedelta(days=rng.randrange(120, 3650))
            avery = rng.random() < 0.8  # a finished course with a booster, or one underway
            demo._course(db, client, prescribers[index % 2], start,
                         demo.AVERY_PLANS if avery else demo.JONAH_PLANS, TODAY,
                         booster_mg=50 if avery else None)
        _more_notes(db, notes_per_session, rng)


def _person(db, name: str, prescriber: int, playlist: int, rng: random.Random) -> int:
    born = f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}"
    return demo._client(db, name, f"{name} Synthetic", "they/them", prescriber,
                        ride=("A. Driver", f"555-01{rng.randrange(10, 99)}"), dob=born,
                        playlist=playlist)


def _more_notes(db, per_session: int, rng: random.Random) -> None:
    """Notes through the use case, spread over each medication session's hours."""
    sessions = db.execute("SELECT id, started_at FROM sessions WHERE kind = 'medication' "
                          "AND started_at IS NOT NULL ORDER BY id").fetchall()
    kinds = ("observation", "client_words", "process")
    for session_id, started in sessions:
        begun = datetime.fromisoformat(started)
        for i in range(per_session):
            words = rng.choices(WORDS, k=rng.randrange(6, 24))
            if rng.random() < 0.125:
                words.insert(rng.randrange(len(words)), COMMON)
            ss.add_note(db, session_id, kinds[i % 3], " ".join(words),
                        at=begun + timedelta(seconds=60 + i * 50))


def describe(path: Path, passphrase: str | None = None) -> dict[str, int | str | None]:
    db = open_database(path, passphrase=passphrase)
    try:
        sizes = {table: db[table].count for table in ("clients", "sessions", "notes")}
        return {**sizes, "schema": schema_version(db),
                "megabytes": round(path.stat().st_size / 1_048_576, 1)}
    finally:
        db.close()
