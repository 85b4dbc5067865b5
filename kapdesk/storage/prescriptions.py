"""What the prescriber decided for a client: orders and thresholds, each versioned.

A change is a new version; sessions keep the version they used, so history never changes.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.thresholds import Thresholds, thresholds_from_json
from kapdesk.storage.clients import get_client
from kapdesk.storage.rows import insert, maybe, one, stamp


def insert_order(db: Database, client_id: int, cleaned: dict[str, Any], *,
                 uid: str | None = None) -> int:
    """A new version of the prescriber's order; earlier versions stay as they were."""
    with db.atomic():
        version = _next_version(db, "orders", client_id)
        return insert(db, "orders", {
            "uid": uid, "client_id": client_id, "version": version, **cleaned,
            "booster_allowed": int(cleaned["booster_allowed"]), "created_at": stamp(),
        })


def current_order(db: Database, client_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM orders WHERE client_id = ? ORDER BY version DESC LIMIT 1",
                 (client_id,))


def add_thresholds(db: Database, client_id: int, thresholds: Thresholds,
                   uid: str | None = None) -> int:
    """Record a new version of the prescriber's thresholds for this client."""
    get_client(db, client_id)
    data = thresholds.to_json()
    thresholds_from_json(data)  # the same rules as an import: refuse empty or odd bounds
    with db.atomic():
        version = _next_version(db, "threshold_versions", client_id)
        return insert(db, "threshold_versions", {
            "uid": uid, "client_id": client_id, "version": version,
            "set_by": thresholds.set_by, "set_on": thresholds.set_on.isoformat(),
            "bounds": json.dumps({"pre_dose": data["pre_dose"], "discharge": data["discharge"]}),
            "created_at": stamp(),
        })


def thresholds_of(row: dict[str, Any]) -> Thresholds:
    bounds = json.loads(row["bounds"])
    return thresholds_from_json({**bounds, "set_by": row["set_by"], "set_on": row["set_on"]})


def current_thresholds(db: Database, client_id: int) -> tuple[int, Thresholds] | None:
    row = maybe(db, """SELECT * FROM threshold_versions WHERE client_id = ?
                       ORDER BY version DESC LIMIT 1""", (client_id,))
    return (row["id"], thresholds_of(row)) if row else None


def thresholds_by_id(db: Database, version_id: int) -> Thresholds:
    return thresholds_of(one(db, "SELECT * FROM threshold_versions WHERE id = ?", (version_id,),
                             what="threshold version"))


def order_history(db: Database, client_id: int) -> list[dict[str, Any]]:
    return list(db.query("""SELECT o.*, p.name AS prescriber_name FROM orders o
                            LEFT JOIN prescribers p ON p.id = o.prescriber_id
                            WHERE o.client_id = ? ORDER BY o.version DESC""", (client_id,)))


def threshold_history(db: Database, client_id: int) -> list[tuple[dict[str, Any], Thresholds]]:
    """Newest first: each stored version with its parsed thresholds."""
    return [(row, thresholds_of(row)) for row in db.query(
        "SELECT * FROM threshold_versions WHERE client_id = ? ORDER BY version DESC",
        (client_id,))]


def _next_version(db: Database, table: str, client_id: int) -> int:
    row = maybe(db, f"SELECT max(version) AS v FROM {table} WHERE client_id = ?", (client_id,))
    return (row["v"] or 0) + 1 if row else 1
