"""Numbered schema migrations, applied in order on open (see :mod:`kapdesk.storage.database`).

Each migration runs in one transaction with its record in ``_sqlite_migrations``. Statements are
executed one by one (never ``executescript``, which would commit half-way). Never edit a
migration that has shipped: add the next number.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("kapdesk")

PLAUSIBLE_CHECKS = """
    CHECK (systolic IS NULL OR systolic BETWEEN 50 AND 300),
    CHECK (diastolic IS NULL OR diastolic BETWEEN 20 AND 200),
    CHECK (systolic IS NULL OR diastolic IS NULL OR systolic > diastolic),
    CHECK (heart_rate IS NULL OR heart_rate BETWEEN 20 AND 250),
    CHECK (resp_rate IS NULL OR resp_rate BETWEEN 4 AND 60),
    CHECK (spo2 IS NULL OR spo2 BETWEEN 50 AND 100)
"""

INITIAL = [
    """CREATE TABLE practice (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        therapist TEXT NOT NULL DEFAULT '',
        is_demo INTEGER NOT NULL DEFAULT 0,
        protocol TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE prescribers (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        credentials TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        practice TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    """CREATE TABLE playlists (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE tracks (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        artist TEXT NOT NULL DEFAULT '',
        duration_s REAL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE playlist_items (
        playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        track_id INTEGER NOT NULL REFERENCES tracks(id),
        PRIMARY KEY (playlist_id, position))""",
    """CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
        legal_name TEXT NOT NULL DEFAULT '',
        date_of_birth TEXT,
        pronouns TEXT NOT NULL DEFAULT '',
        emergency_name TEXT NOT NULL DEFAULT '',
        emergency_phone TEXT NOT NULL DEFAULT '',
        ride_name TEXT NOT NULL DEFAULT '',
        ride_phone TEXT NOT NULL DEFAULT '',
        safety_plan TEXT NOT NULL DEFAULT '',
        prescriber_id INTEGER REFERENCES prescribers(id),
        preferred_playlist_id INTEGER REFERENCES playlists(id) ON DELETE SET NULL,
        archived_at TEXT,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        prescriber_id INTEGER REFERENCES prescribers(id),
        version INTEGER NOT NULL,
        medicine TEXT NOT NULL,
        form TEXT NOT NULL,
        route TEXT NOT NULL,
        dose_mg REAL NOT NULL CHECK (dose_mg > 0),
        booster_allowed INTEGER NOT NULL DEFAULT 0,
        booster_mg REAL CHECK (booster_mg IS NULL OR booster_mg > 0),
        min_minutes_after_dose INTEGER CHECK (min_minutes_after_dose IS NULL
                                              OR min_minutes_after_dose >= 0),
        ordered_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (client_id, version))""",
    """CREATE TABLE threshold_versions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        version INTEGER NOT NULL,
        set_by TEXT NOT NULL,
        set_on TEXT NOT NULL,
        bounds TEXT NOT NULL CHECK (json_valid(bounds)),
        created_at TEXT NOT NULL,
        UNIQUE (client_id, version))""",
    """CREATE TABLE courses (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        planned_sessions INTEGER NOT NULL DEFAULT 6 CHECK (planned_sessions BETWEEN 1 AND 30),
        started_on TEXT NOT NULL,
        ended_on TEXT,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        course_id INTEGER REFERENCES courses(id),
        kind TEXT NOT NULL CHECK (kind IN ('preparation', 'medication', 'integration')),
        number INTEGER,
        scheduled_for TEXT,
        started_at TEXT,
        ended_at TEXT,
        medication_session_id INTEGER REFERENCES sessions(id),
        order_id INTEGER REFERENCES orders(id),
        threshold_version_id INTEGER REFERENCES threshold_versions(id),
        protocol TEXT CHECK (protocol IS NULL OR json_valid(protocol)),
        intention TEXT NOT NULL DEFAULT '',
        ride_home_name TEXT NOT NULL DEFAULT '',
        ride_home_phone TEXT NOT NULL DEFAULT '',
        ride_confirmed_at TEXT,
        playlist_id INTEGER REFERENCES playlists(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        CHECK (kind = 'integration' OR medication_session_id IS NULL))""",
    "CREATE INDEX sessions_client ON sessions(client_id, scheduled_for)",
    """CREATE TABLE doses (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        given_at TEXT NOT NULL,
        mg REAL NOT NULL CHECK (mg > 0),
        medicine TEXT NOT NULL,
        form TEXT NOT NULL,
        route TEXT NOT NULL,
        is_booster INTEGER NOT NULL DEFAULT 0,
        amount_reason TEXT,
        gate_override_reason TEXT,
        created_at TEXT NOT NULL)""",
    "CREATE INDEX doses_session ON doses(session_id, given_at)",
    f"""CREATE TABLE vitals (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        taken_at TEXT NOT NULL,
        checkpoint TEXT NOT NULL CHECK (checkpoint IN ('pre_dose', 'discharge', 'other')),
        systolic INTEGER, diastolic INTEGER, heart_rate INTEGER, resp_rate INTEGER,
        spo2 INTEGER,
        created_at TEXT NOT NULL,
        {PLAUSIBLE_CHECKS})""",
    "CREATE INDEX vitals_session ON vitals(session_id, taken_at)",
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    "CREATE INDEX events_session ON events(session_id, at)",
    """CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at TEXT NOT NULL,
        scale TEXT NOT NULL CHECK (scale IN ('sedation', 'dissociation')),
        value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 3),
        created_at TEXT NOT NULL)""",
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('observation', 'client_words', 'intention',
                                           'process', 'summary', 'integration')),
        body TEXT NOT NULL,
        shareable INTEGER NOT NULL DEFAULT 0 CHECK (kind != 'process' OR shareable = 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX notes_session ON notes(session_id, at)",
    # Full-text index kept in step by triggers, in the shape sqlite-utils' table.search() finds.
    """CREATE VIRTUAL TABLE notes_fts USING FTS5 (body, tokenize='porter unicode61',
        content=[notes])""",
    """CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, body) VALUES (new.rowid, new.body); END""",
    """CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        END""",
    """CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
        INSERT INTO notes_fts (rowid, body) VALUES (new.rowid, new.body); END""",
    """CREATE TABLE discharges (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL UNIQUE REFERENCES sessions(id),
        at TEXT NOT NULL,
        cleared INTEGER NOT NULL,
        override_reason TEXT,
        ride_home_confirmed INTEGER NOT NULL,
        ride_home_name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        CHECK (cleared = 1 OR length(trim(coalesce(override_reason, ''))) > 0))""",
    """CREATE TABLE music_plays (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        track_id INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        artist TEXT NOT NULL DEFAULT '',
        path TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        stopped_at TEXT)""",
    "CREATE INDEX music_plays_session ON music_plays(session_id, started_at)",
    """CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER REFERENCES clients(id),
        session_id INTEGER REFERENCES sessions(id),
        what TEXT NOT NULL,
        format TEXT NOT NULL,
        recipient TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
]


@MIGRATIONS(name="0001_initial")
def m0001_initial(db: Database) -> None:
    for statement in INITIAL:
        db.execute(statement)


def known_migrations() -> list[str]:
    """Every migration this version of kapdesk knows, oldest first."""
    return [m.name for m in MIGRATIONS.pending(Database(memory=True, execute_plugins=False))]


SCREENING_AND_OUTCOMES = [
    "ALTER TABLE prescribers ADD COLUMN on_call_phone TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE screenings (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        screened_on TEXT NOT NULL,
        items TEXT NOT NULL CHECK (json_valid(items)),
        note TEXT NOT NULL DEFAULT '',
        cleared_on TEXT,
        cleared_by_prescriber_id INTEGER REFERENCES prescribers(id),
        created_at TEXT NOT NULL)""",
    "ALTER TABLE courses ADD COLUMN screening_id INTEGER REFERENCES screenings(id)",
    """CREATE TABLE outcome_measures (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        session_id INTEGER REFERENCES sessions(id),
        instrument TEXT NOT NULL CHECK (instrument IN ('PHQ-9', 'GAD-7', 'PCL-5')),
        score INTEGER NOT NULL,
        taken_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        CHECK (score >= 0 AND score <= CASE instrument WHEN 'PHQ-9' THEN 27
                                                       WHEN 'GAD-7' THEN 21 ELSE 80 END))""",
    "CREATE INDEX outcome_measures_client ON outcome_measures(client_id, taken_on)",
]


@MIGRATIONS(name="0002_screening_outcomes")
def m0002_screening_outcomes(db: Database) -> None:
    for statement in SCREENING_AND_OUTCOMES:
        db.execute(statement)


@MIGRATIONS(name="0003_note_drafts")
def m0003_note_drafts(db: Database) -> None:
    """A note being typed is kept as it is typed, one draft per session, so a crash or a
    flat battery never loses half a sentence."""
    db.execute("""CREATE TABLE note_drafts (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""")


@MIGRATIONS(name="0004_music_library")
def m0004_music_library(db: Database) -> None:
    """Folders the library reads, and whether each track's file is still there."""
    db.execute("""CREATE TABLE music_folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        shipped INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL)""")
    db.execute("ALTER TABLE tracks ADD COLUMN folder_id INTEGER REFERENCES music_folders(id)")
    db.execute("ALTER TABLE tracks ADD COLUMN available INTEGER NOT NULL DEFAULT 1")


@MIGRATIONS(name="0005_follow_ups")
def m0005_follow_ups(db: Database) -> None:
    """Actions agreed in an integration session."""
    db.execute("""CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        action TEXT NOT NULL CHECK (length(trim(action)) > 0),
        created_at TEXT NOT NULL)""")


@MIGRATIONS(name="0006_amendments")
def m0006_amendments(db: Database) -> None:
    """Clinical records are not silently rewritten: an amended note keeps every earlier
    wording with the time it was replaced; a reading or dose is corrected by a new entry
    that names the one it corrects and why."""
    db.execute("""CREATE TABLE note_versions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        note_id INTEGER NOT NULL REFERENCES notes(id),
        body TEXT NOT NULL,
        replaced_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX note_versions_note ON note_versions(note_id, replaced_at)")
    db.execute("ALTER TABLE notes ADD COLUMN amended_at TEXT")
    for table in ("vitals", "doses"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN corrects_id INTEGER "
                   f"REFERENCES {table}(id)")
        db.execute(f"ALTER TABLE {table} ADD COLUMN correction_reason TEXT")


@MIGRATIONS(name="0007_struck_entries")
def m0007_struck_entries(db: Database) -> None:
    """A mis-keyed event or rating is struck out, never deleted: when and why stay in the
    record."""
    for table in ("events", "ratings"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN struck_at TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN struck_reason TEXT")


@MIGRATIONS(name="0008_prn_medicines")
def m0008_prn_medicines(db: Database) -> None:
    """The PRN medicines the prescriber's order allows, as the prescriber wrote them."""
    db.execute("ALTER TABLE orders ADD COLUMN prn_medicines TEXT")


@MIGRATIONS(name="0009_session_music_volume")
def m0009_session_music_volume(db: Database) -> None:
    """The session's music volume, so that reopening a running session resumes it."""
    db.execute("ALTER TABLE sessions ADD COLUMN music_volume REAL")


def _append_only(table: str) -> list[str]:
    return [f"""CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be
                changed'); END""",
            f"""CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be
                deleted'); END"""]


@MIGRATIONS(name="0010_audit_trail")
def m0010_audit_trail(db: Database) -> None:
    """Who saw or moved what, and when: unlocks and wrong passphrases, exports, backups,
    imports, record transfers, reading private process notes (45 CFR 164.312(b)). Rows are
    added, never changed or removed; the exports log becomes append-only as well."""
    db.execute("""CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        client_id INTEGER REFERENCES clients(id),
        session_id INTEGER REFERENCES sessions(id),
        detail TEXT NOT NULL DEFAULT '')""")
    db.execute("CREATE INDEX audit_events_client ON audit_events(client_id, at)")
    for table in ("audit_events", "exports"):
        for statement in _append_only(table):
            db.execute(statement)


@MIGRATIONS(name="0011_lock_after")
def m0011_lock_after(db: Database) -> None:
    """Minutes without a key or click before the app locks itself (automatic logoff)."""
    db.execute("ALTER TABLE practice ADD COLUMN lock_after_min INTEGER NOT NULL DEFAULT 10 "
               "CHECK (lock_after_min BETWEEN 1 AND 120)")


@MIGRATIONS(name="0012_search_prefixes")
def m0012_search_prefixes(db: Database) -> None:
    """Prefix indexes for two- and three-letter beginnings: search runs as the therapist
    types ("gri…" for grief), and a prefix query without them reads every matching term's
    list (45 ms on a ten-year practice). The index is rebuilt from the notes once."""
    db.execute("DROP TABLE notes_fts")
    db.execute("""CREATE VIRTUAL TABLE notes_fts USING FTS5 (body,
        tokenize='porter unicode61', prefix='2 3', content=[notes])""")
    db.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")


@MIGRATIONS(name="0013_protocols")
def m0013_protocols(db: Database) -> None:
    """The practice's own session protocols, each edit a new version of its family (the
    uid of its first version). Sessions keep the copy they ran with in ``sessions.protocol``;
    ``practice.protocol`` (the built-in plan) is no longer read."""
    db.execute("""CREATE TABLE protocols (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        family TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        route TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        created_at TEXT NOT NULL,
        UNIQUE (family, version))""")


@MIGRATIONS(name="0014_client_list_index")
def m0014_client_list_index(db: Database) -> None:
    """The practice window counts each client's finished medication sessions at every
    start and refresh; with the session's kind and end in the index, the count reads the
    index alone (on a ten-year practice 7 ms to 2 ms on opening, 3.5 to 1 ms after)."""
    db.execute("CREATE INDEX sessions_finished ON sessions(client_id, kind, ended_at)")


@MIGRATIONS(name="0015_running_session_index")
def m0015_running_session_index(db: Database) -> None:
    """Whether a session is still running is asked at every start (to resume it) and
    before each backup; the index holds only started, unended sessions, so the answer is
    one lookup instead of a scan of every session ever held (ten-year practice, on
    opening: 7 ms to well under 1)."""
    db.execute("""CREATE INDEX sessions_running ON sessions(started_at)
                  WHERE started_at IS NOT NULL AND ended_at IS NULL""")
