"""Full-text search over notes: most relevant first, with the matching words marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from kapdesk.storage.courses import NUMBERED_COURSES

MARK_START, MARK_END = "\x02", "\x03"  # around matched words in a snippet; never typed text

# Across the practice, relevance is ranked among this many of the matching notes added last
# (written, or brought in by an import).
# Ranking costs the same for every match: 55 ms for the 86,743 notes holding "gri..." in a
# ten-year practice, and more with every year kept. The last 20,000 (over a year of such
# a word, all of a rarer one) take about 14 ms however old the practice grows, leaving room
# under the 50 ms a search as you type may take on a laptop half as fast. One client's
# notes are always all ranked.
RANKED_AMONG = 20_000


def fts_query(text: str) -> str | None:
    """Words as typed, each matched as a prefix, all of them required. Quotes, hyphens and
    other FTS syntax in the therapist's text are taken as plain words, never as operators."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{word}"*' for word in words) or None


def search_notes(db: Database, text: str, *, client_id: int | None = None,
                 limit: int = 50, offset: int = 0,
                 newest_first: bool = False) -> list[dict[str, Any]]:
    """The ``limit`` most relevant notes (across the practice, of the :data:`RANKED_AMONG`
    matching notes added last), or with ``newest_first`` the ``limit`` latest (by the
    note's own time, so a note written after the fact sorts where it belongs); ``offset``
    skips that many of the same order (ties are broken by the note added last, so pages
    never overlap).
    FTS5 matches and limits first; only the rows shown are then joined to their session and
    client, and their snippets are cut here (joining every match before ranking, and FTS5's
    own snippets, each cost more than the search)."""
    query = fts_query(text)
    if query is None:
        return []
    params: dict[str, Any] = {"q": query, "limit": limit, "offset": offset}
    order = "n.at DESC, f.rowid DESC" if newest_first else "rank, f.rowid DESC"
    joins, only = "", ""
    if newest_first or client_id is not None:
        joins = " JOIN notes n ON n.id = f.rowid"
    if client_id is not None:
        params["client"] = client_id
        joins += " JOIN sessions s ON s.id = n.session_id"
        only = " AND s.client_id = :client"
    rank = "NULL" if newest_first else "bm25(notes_fts)"  # bm25 of every match is dear
    ranked = (f"SELECT f.rowid AS id, {rank} AS rank FROM notes_fts f{joins} "
              f"WHERE notes_fts MATCH :q{only} ORDER BY {order} LIMIT :limit OFFSET :offset")
    if not newest_first and client_id is None:  # the matches added last, then their ranks
        params["among"] = _ranked_among(offset + limit)
        ranked = ("SELECT id, rank FROM (SELECT f.rowid AS id, bm25(notes_fts) AS rank "
                  "FROM notes_fts f WHERE notes_fts MATCH :q ORDER BY f.rowid DESC "
                  "LIMIT :among) ORDER BY rank, id DESC LIMIT :limit OFFSET :offset")
    rows = list(db.query(f"""
        WITH ranked AS MATERIALIZED ({ranked})
        SELECT n.id, n.session_id, n.at, n.kind, n.body, s.kind AS session_kind,
               s.number AS session_number, s.client_id, c.display_name AS client_name,
               CASE WHEN k.courses > 1 THEN k.course_no END AS course_no, ranked.rank
        FROM ranked JOIN notes n ON n.id = ranked.id
        JOIN sessions s ON s.id = n.session_id JOIN clients c ON c.id = s.client_id
        LEFT JOIN ({NUMBERED_COURSES}) k ON k.id = s.course_id
        ORDER BY {"n.at DESC, n.id DESC" if newest_first else "ranked.rank, n.id DESC"}""",
                     params))
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    for row in rows:
        row["snippet"] = snippet(row["body"], words)
    return rows


def count_matches(db: Database, text: str, *, client_id: int | None = None) -> int:
    """How many notes hold every word (FTS5 alone counts them in a few milliseconds; one
    client's are joined to their sessions)."""
    query = fts_query(text)
    if query is None:
        return 0
    if client_id is None:
        return db.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?",
                          (query,)).fetchone()[0]
    return db.execute("SELECT count(*) FROM notes_fts f JOIN notes n ON n.id = f.rowid "
                      "JOIN sessions s ON s.id = n.session_id "
                      "WHERE notes_fts MATCH ? AND s.client_id = ?",
                      (query, client_id)).fetchone()[0]


@dataclass(frozen=True)
class Found:
    rows: list[dict[str, Any]]  # the notes shown
    total: int  # every note that matches
    ranked_among: int | None = None  # when only this many, added last, were ranked


def find_notes(db: Database, text: str, *, client_id: int | None = None,
               newest_first: bool = False, limit: int = 50, offset: int = 0) -> Found:
    """The notes the Search window shows (``offset`` on: the next ones below them), and how
    many match in all (counted only when the first page is full: otherwise it is the
    list). The same count in both orders: a first-time user, told "20,000 or more" in one
    and "86,743" in the other, trusted neither."""
    rows = search_notes(db, text, client_id=client_id, newest_first=newest_first,
                        limit=limit, offset=offset)
    if not offset and len(rows) < limit:
        return Found(rows, len(rows))
    total = count_matches(db, text, client_id=client_id)
    among = _ranked_among(offset + limit)
    bounded = not newest_first and client_id is None and total > among
    return Found(rows, total, among if bounded else None)


def _ranked_among(limit: int) -> int:
    """Never fewer ranked than asked for (else a short list would pass for every match)."""
    return max(RANKED_AMONG, limit)


def snippet(body: str, words: list[str], *, width: int = 14) -> str:
    """About ``width`` words of ``body`` around the first match, each word that starts
    with one of ``words`` marked (as the search matches them: prefixes, any case)."""
    prefixes = tuple(word.casefold() for word in words)
    tokens = list(re.finditer(r"\w+", body, flags=re.UNICODE))
    hits = [i for i, token in enumerate(tokens) if token[0].casefold().startswith(prefixes)]
    if not tokens:
        return body
    first = max(0, (hits[0] if hits else 0) - width // 3)
    last = min(len(tokens), first + width)
    start = 0 if first == 0 else tokens[first].start()
    end = len(body) if last == len(tokens) else tokens[last - 1].end()
    marked, at = [], start
    for token in tokens[first:last]:
        if token[0].casefold().startswith(prefixes):
            marked += [body[at:token.start()], MARK_START, token[0], MARK_END]
            at = token.end()
    marked.append(body[at:end])
    return ("…" if start > 0 else "") + "".join(marked) + ("…" if end < len(body) else "")
