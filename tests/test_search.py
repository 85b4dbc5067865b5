"""Searching notes: relevance, snippets, one client or all, and odd input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import T0
from kapdesk.practice.course import schedule_session
from kapdesk.practice.records import add_client
from kapdesk.practice.session import add_note, start_session
from kapdesk.storage import search
from kapdesk.storage.search import MARK_END, MARK_START, find_notes, fts_query, search_notes


@pytest.fixture
def notes(db, client_id):
    other = add_client(db, display_name="Kai W.")
    ids = {}
    for cid in (client_id, other):
        sid = schedule_session(db, cid, "integration")
        start_session(db, sid, started_at=T0)
        ids[cid] = sid
    add_note(db, ids[client_id], "client_words", "The sea was breathing for me.", at=T0)
    add_note(db, ids[client_id], "observation", "Quiet. Sea sounds in the music; sea again.",
             at=T0 + timedelta(minutes=5))
    add_note(db, ids[other], "integration", "Spoke about the seashore at her grandmother's.",
             at=T0)
    add_note(db, ids[other], "process", "Tired today.", at=T0)
    return client_id, other


def test_most_relevant_first_with_the_words_marked(db, notes):
    results = search_notes(db, "sea")
    assert len(results) == 3  # prefix: sea, seashore
    assert results[0]["body"].startswith("Quiet")  # mentions the sea twice
    assert f"{MARK_START}sea{MARK_END}" in results[1]["snippet"].lower() or \
        f"{MARK_START}Sea{MARK_END}" in results[1]["snippet"]


def test_one_clients_notes_only(db, notes):
    client_id, other = notes
    assert {r["client_id"] for r in search_notes(db, "sea", client_id=other)} == {other}


def test_newest_first_goes_by_when_the_note_was_written_for(db, notes):
    client_id, other = notes
    sid = schedule_session(db, client_id, "integration")
    start_session(db, sid, started_at=T0 + timedelta(days=2))
    add_note(db, sid, "process", "The sea, two days on.", at=T0 + timedelta(days=2))
    # Entered last, but about the first session's opening minute: it sorts there.
    add_note(db, sid, "observation", "Sea recalled from the first minute.",
             at=T0 + timedelta(minutes=1))
    bodies = [r["body"] for r in search_notes(db, "sea", newest_first=True)]
    assert bodies[0] == "The sea, two days on."
    assert bodies.index("Sea recalled from the first minute.") > bodies.index(
        "Quiet. Sea sounds in the music; sea again.")
    assert [r["body"] for r in search_notes(db, "sea", client_id=other,
                                             newest_first=True)] == [
        "Spoke about the seashore at her grandmother's."]
    assert [r["body"] for r in search_notes(db, "sea", newest_first=True, limit=1)] == [
        "The sea, two days on."]


def test_across_the_practice_relevance_is_ranked_among_the_latest_matches(db, notes,
                                                                          monkeypatch):
    """A word in tens of thousands of notes: ranking every one costs ever more as the
    years add up, so only the matches added last are ranked, and the answer says so."""
    client_id, other = notes
    monkeypatch.setattr(search, "RANKED_AMONG", 2)
    session = db.execute("SELECT id FROM sessions WHERE client_id = ?",
                         (client_id,)).fetchone()[0]
    for minute in (10, 11):  # written after the two sea notes, each less about the sea
        add_note(db, session, "observation", f"A long quiet stretch, some sea, minute "
                 f"{minute}, the lamp low and the blanket on.", at=T0 + timedelta(minutes=minute))
    found = find_notes(db, "sea", limit=1)
    assert [r["body"][:14] for r in found.rows] == ["A long quiet s"]  # not "Quiet. Sea…"
    assert (found.total, found.ranked_among) == (5, 2)
    everything = find_notes(db, "sea", limit=10)  # all of them fit: no line about ranking
    assert (len(everything.rows), everything.ranked_among) == (5, None)
    # one client's notes are all ranked, however many match
    mine = find_notes(db, "sea", client_id=client_id, limit=1)
    assert mine.rows[0]["body"].startswith("Quiet") and mine.ranked_among is None
    newest = find_notes(db, "sea", newest_first=True, limit=1)
    assert (newest.total, newest.ranked_among) == (5, None)
    monkeypatch.setattr(search, "RANKED_AMONG", 10)  # fewer match: all ranked and counted
    every = find_notes(db, "sea", limit=1)
    assert every.rows[0]["body"].startswith("Quiet")
    assert (every.total, every.ranked_among) == (5, None)


@pytest.mark.parametrize("mode", [{}, {"newest_first": True}, {"client": True}])
def test_pages_read_on_exactly_where_the_last_one_stopped(db, notes, mode):
    """"Show 50 more" asks for the next page: pages put together are the one long list,
    with no note twice and none skipped, even among notes that rank the same."""
    client_id, _ = notes
    sid = schedule_session(db, client_id, "integration")
    start_session(db, sid, started_at=T0 + timedelta(days=1))
    for minute in range(23):  # identical notes rank the same: ties must not shuffle
        add_note(db, sid, "observation", "Sea light.", at=T0 + timedelta(days=1, minutes=minute))
    ask = {"newest_first": mode.get("newest_first", False),
           "client_id": client_id if mode.get("client") else None}
    whole = [r["id"] for r in search_notes(db, "sea", limit=100, **ask)]
    pages = [r["id"] for offset in range(0, len(whole), 5)
             for r in search_notes(db, "sea", limit=5, offset=offset, **ask)]
    assert pages == whole and len(set(whole)) == len(whole) >= 25
    found = find_notes(db, "sea", limit=5, offset=20, **ask)
    assert [r["id"] for r in found.rows] == whole[20:25] and found.total == len(whole)


def test_every_word_is_required(db, notes):
    assert [r["body"] for r in search_notes(db, "sea breathing")] == [
        "The sea was breathing for me."]


@pytest.mark.parametrize("text", ['"unbalanced', "sea OR", "NEAR(", "-minus", "a*b", "  "])
def test_search_syntax_in_typed_text_is_harmless(db, notes, text):
    search_notes(db, text)  # no FTS syntax error reaches the therapist


def test_query_building():
    assert fts_query("Sea, breathing!") == '"Sea"* "breathing"*'
    assert fts_query("Zoë's") == '"Zoë"* "s"*'
    assert fts_query("...") is None


def test_a_long_note_is_cut_around_its_first_match_with_every_match_marked():
    from kapdesk.storage.search import snippet

    body = ("She talked about the garden for a while, then about school, then the long "
            "drive, and at last about the sea: the Sea was calm, seashells everywhere, and "
            "she laughed for the first time today while the music played on and on.")
    cut = snippet(body, ["sea"])
    assert cut.startswith("…") and cut.endswith("…")
    assert f"{MARK_START}sea{MARK_END}" in cut and f"{MARK_START}Sea{MARK_END}" in cut
    assert f"{MARK_START}seashells{MARK_END}" in cut
    assert len(cut.split()) <= 16
    assert snippet("Tired today.", ["sea"]) == "Tired today."
