"""Full-text search over notes: most relevant first, with the matching words marked."""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

MARK_START, MARK_END = "\x02", "\x03"  # around matched words in a snippet; never typed text


def fts_query(text: str) -> str | None:
    """Words as typed, each matched as a prefix, all of them required. Quotes, hyphens and
    other FTS syntax in the therapist's text are taken as plain words, never as operators."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{word}"*' for word in words) or None


def search_notes(db: Database, text: str, *, client_id: int | None = None,
                 limit: int = 50) -> list[dict[str, Any]]:
    query = fts_query(text)
    if query is None:
        return []
    where, params = "notes_fts MATCH :q", {"q": query, "limit": limit}
    if client_id is not None:
        where += " AND s.client_id = :client"
        params["client"] = client_id
    return list(db.query(f"""
        SELECT n.id, n.session_id, n.at, n.kind, n.body, s.kind AS session_kind,
               s.number AS session_number, s.client_id, c.display_name AS client_name,
               snippet(notes_fts, 0, '{MARK_START}', '{MARK_END}', '…', 14) AS snippet,
               bm25(notes_fts) AS rank
        FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
        JOIN sessions s ON s.id = n.session_id JOIN clients c ON c.id = s.client_id
        WHERE {where} ORDER BY rank, n.at DESC LIMIT :limit""", params))
