"""Figures measured in the benchmark's own process, each interleaved with its baseline:
a note made durable, search, and the course overview."""

from __future__ import annotations

import time
from pathlib import Path

from bench.practice import COMMON, LONG_COURSE
from kapdesk.domain.timeutil import utc_now
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.queries import find_notes
from kapdesk.practice.session import add_note
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage import open_database
from kapdesk.storage.database import WAL_BOUND, key_sql
from kapdesk.storage.search import RANKED_AMONG


def _seconds(call) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def note_durable(practice: Path, *, rounds: int,
                 passphrase: str | None = None) -> tuple[list[float], list[float]]:
    """``add_note`` into a running session (it commits, WAL with synchronous=FULL) against a
    raw insert and commit on a second connection with the same pragmas, alternating."""
    db = open_database(practice, passphrase=passphrase)
    client = db.execute("SELECT c.id FROM clients c JOIN sessions s ON s.client_id = c.id "
                        "WHERE s.kind = 'medication' AND s.started_at IS NULL "
                        "ORDER BY c.id LIMIT 1").fetchone()[0]
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    session = begin_medication_session(db, client, at=utc_now(), intention="to rest",
                                       ride_home_name="A. Driver", ride_confirmed=True,
                                       playlist_id=playlist)
    raw = sqlite.connect(practice, isolation_level=None)
    if passphrase is not None:
        raw.execute(key_sql(passphrase))
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "busy_timeout = 5000",
                   "temp_store = MEMORY", f"wal_autocheckpoint = {WAL_BOUND}"):
        raw.execute(f"PRAGMA {pragma}")
    raw.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, body TEXT)")
    kapdesk, baseline = [], []
    body = "she says the light is warm and the room feels far away"
    try:
        for _ in range(rounds):
            baseline.append(_seconds(lambda: (raw.execute("BEGIN"),
                                              raw.execute("INSERT INTO bench_raw (body) "
                                                          "VALUES (?)", (body,)),
                                              raw.execute("COMMIT"))))
            kapdesk.append(_seconds(lambda: add_note(db, session, "observation", body,
                                                     at=utc_now())))
    finally:
        raw.close()
        db.close()
    return kapdesk, baseline


# name: (words, newest first). "gri…": grief, as it is being typed.
SEARCHES = {"common word": (COMMON, False), "prefix": ("gri", False),
            "common word, newest first": (COMMON, True)}


def search(practice: Path, words: str, *, rounds: int, newest_first: bool = False,
           passphrase: str | None = None) -> tuple[list[float], list[float]]:
    """The search the Search notes window runs, against FTS5 alone ranking the same
    matches (the :data:`RANKED_AMONG` added last) and returning the same 50 rows' ids (newest
    first: against FTS5 matching and SQLite ordering the matches by the note's time)."""
    db = open_database(practice, passphrase=passphrase)
    query = " ".join(f'"{word}"*' for word in words.split())
    raw = ("SELECT f.rowid FROM notes_fts f JOIN notes n ON n.id = f.rowid "
           "WHERE notes_fts MATCH ? ORDER BY n.at DESC LIMIT 50" if newest_first else
           "SELECT id FROM (SELECT rowid AS id, bm25(notes_fts) AS rank FROM notes_fts "
           f"WHERE notes_fts MATCH ? ORDER BY rowid DESC LIMIT {RANKED_AMONG}) "
           "ORDER BY rank LIMIT 50")
    kapdesk, baseline = [], []
    try:
        for _ in range(rounds):
            baseline.append(_seconds(lambda: db.execute(raw, (query,)).fetchall()))
            kapdesk.append(_seconds(lambda: find_notes(db, words,
                                                       newest_first=newest_first)))
    finally:
        db.close()
    return kapdesk, baseline


def ranking_every_match(practice: Path, words: str, *, rounds: int) -> list[float]:
    """FTS5 alone ranking every match, as kapdesk's search did before it ranked only the
    :data:`RANKED_AMONG` added last: what that bound saves, for the record."""
    db = open_database(practice)
    query = " ".join(f'"{word}"*' for word in words.split())
    try:
        return [_seconds(lambda: db.execute(
            "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ? "
            "ORDER BY bm25(notes_fts) LIMIT 50", (query,)).fetchall())
            for _ in range(rounds)]
    finally:
        db.close()


def course_overview(practice: Path, *, rounds: int) -> list[float]:
    """Course overview and charts (Ctrl+G) for the client with 48 medication sessions:
    from the window being made to its first paint."""
    from PySide6.QtWidgets import QApplication

    from kapdesk.ui import dialogs

    app = QApplication.instance() or QApplication([])
    db = open_database(practice)
    client = db.execute("SELECT id FROM clients WHERE display_name = ?",
                        (LONG_COURSE,)).fetchone()[0]
    samples = []
    try:
        for _ in range(rounds):
            began = time.perf_counter()
            window = dialogs.course_overview(db, client)
            window.show()
            app.processEvents()
            window.grab()
            samples.append(time.perf_counter() - began)
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        db.close()
    return samples
