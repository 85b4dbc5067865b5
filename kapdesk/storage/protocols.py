"""The practice's own session protocols: every version kept, the newest of each one current.

A protocol is stored whole, as JSON, beside the columns the lists need; a session stores its
own copy when it starts (:mod:`kapdesk.storage.sessions`), so nothing here can change one.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.protocol import Protocol, protocol_from_json
from kapdesk.storage.rows import insert, new_uid, stamp


def insert_version(db: Database, protocol: Protocol) -> Protocol:
    """Store ``protocol`` as the next version of its family (a new family when it has
    none); return it as stored, with its family and version."""
    family = protocol.family or new_uid()
    newest = db.execute("SELECT max(version) FROM protocols WHERE family = ?",
                        (family,)).fetchone()[0]
    stored = replace(protocol, family=family, version=(newest or 0) + 1)
    insert(db, "protocols", {"family": family, "version": stored.version,
                             "name": stored.name, "route": stored.route,
                             "body": json.dumps(stored.to_json()), "created_at": stamp()})
    return stored


def current_protocols(db: Database) -> list[Protocol]:
    """The newest version of each of the practice's protocols, by name."""
    rows = db.query("""SELECT body FROM protocols p WHERE version = (
                           SELECT max(version) FROM protocols WHERE family = p.family)
                       ORDER BY name COLLATE NOCASE, family""")
    return [protocol_from_json(json.loads(row["body"])) for row in rows]


def protocol_versions(db: Database, family: str) -> list[dict[str, Any]]:
    """Every version of one protocol, newest first: version, name, route, when saved."""
    return list(db.query("SELECT version, name, route, created_at FROM protocols "
                         "WHERE family = ? ORDER BY version DESC", (family,)))
