"""What an import finds already on this laptop: rows of the file that are here must be the
same client's, the same session's, held the same way; rows that differ are counted, and this
laptop's version is kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.practice.record_rules import Plan
from kapdesk.storage import imports as store

CHILD_TABLES = ("doses", "vitals", "events", "ratings", "notes", "music_plays")


# Where each kind of row belongs: (its column here, the key of the file's row).
PARENT = {**{table: ("session_id", "session_uid") for table in (*CHILD_TABLES, "discharges")},
          "note_versions": ("note_id", "note_uid")}
CLIENT_TABLES = ("orders", "threshold_versions", "screenings", "courses", "sessions",
                 "outcome_measures")


Here = Mapping[str, Mapping[str, Mapping[str, Any]]]  # table -> uid -> row on this laptop


def differing(plan: Plan, here: Here) -> dict[str, int]:
    """How many rows already here hold something other than the file says."""
    counts: dict[str, int] = {}
    for table, rows in plan.rows.items():
        for row in rows:
            stored = here.get(table, {}).get(row["uid"])
            if stored is not None and any(
                    stored.get(k) != v for k, v in row.items()
                    if not k.endswith("_uid") and k not in ("uid", "created_at")):
                counts[table_name(table)] = counts.get(table_name(table), 0) + 1
    return counts


def same_person(here: Mapping[str, Any], file: Mapping[str, Any]) -> bool:
    """Whether the client with this id here is the file's client. Ids are random, so a
    match is the same person unless the birth dates differ; a name may have been changed on
    one laptop. Without a birth date on either side, the names must agree."""
    if here["date_of_birth"] != file["date_of_birth"]:
        return False
    return bool(here["date_of_birth"]) or here["display_name"] == file["display_name"]


def check_conflicts(db: Database, plan: Plan, here: Here) -> None:
    """Rows already here must be the same client's and session's, held the same way; new
    versions must not collide."""
    ids = {uid: row["id"] for rows in here.values() for uid, row in rows.items()}
    client = plan.rows["clients"][0]
    person = here.get("clients", {}).get(client["uid"])
    client_id = person["id"] if person else None
    if person is not None and not same_person(person, client):
        raise InvalidInput("client.uid", f"is {person['display_name']} (born "
                                         f"{person['date_of_birth'] or 'unknown'}) on this "
                                         f"laptop, but the file's {client['display_name']} "
                                         f"was born {client['date_of_birth'] or 'unknown'}; "
                                         "nothing was imported")
    for i, row in enumerate(plan.rows.get("sessions", [])):
        held = here.get("sessions", {}).get(row["uid"])
        if held and (held["started_at"], held["ended_at"]) != (row["started_at"],
                                                              row["ended_at"]):
            raise InvalidInput(f"sessions[{i}]", f"{held_text(held)} on this laptop but "
                                                 f"{held_text(row)} in the file; a session is "
                                                 "held on one laptop only, so nothing was "
                                                 "imported")
    for table in CLIENT_TABLES:
        for i, row in enumerate(plan.rows.get(table, [])):
            stored = here.get(table, {}).get(row["uid"])
            if stored is not None and stored["client_id"] != client_id:
                raise InvalidInput(f"{table_name(table)}[{i}].uid",
                                   f"{row['uid']} is already used on this laptop by another "
                                   "client's record; nothing was imported")
    for table, (column, key) in PARENT.items():
        for row in plan.rows.get(table, []):
            stored = here.get(table, {}).get(row["uid"])
            if stored is not None and ids.get(row[key]) != stored[column]:
                what = "session" if key == "session_uid" else "note"
                raise InvalidInput(f"{table_name(table)} {row['uid']}",
                                   f"is already used on this laptop by an entry of another "
                                   f"{what}; nothing was imported")
    for table in ("orders", "threshold_versions"):
        for i, row in enumerate(plan.rows.get(table, [])):
            if row["uid"] not in ids and client_id is not None \
                    and store.version_taken(db, table, client_id, row["version"]):
                raise InvalidInput(f"{table_name(table)}[{i}].version",
                                   f"version {row['version']} already exists here with "
                                   "different content")


def held_text(session: Mapping[str, Any]) -> str:
    if not session["started_at"]:
        return "not yet held"
    if not session["ended_at"]:
        return f"running since {session['started_at']}"
    return f"held {session['started_at']} to {session['ended_at']}"


def table_name(table: str) -> str:
    return "thresholds" if table == "threshold_versions" else table
