"""The plain records of a practice: the practice itself, clients, prescribers, the
prescriber's orders, and the music library. Each is checked by the domain here, in the
therapist's words, and only then written by storage, which decides nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.locking import check_lock_after
from kapdesk.domain.orders import clean_order
from kapdesk.domain.people import clean_client, clean_prescriber
from kapdesk.domain.vocabulary import require_text
from kapdesk.storage import clients as client_store
from kapdesk.storage import music as music_store
from kapdesk.storage import practice as practice_store
from kapdesk.storage import prescriptions as order_store
from kapdesk.storage.clients import CLIENT_FIELDS, get_client
from kapdesk.storage.practice import get_prescriber

# What an order is for when the form leaves it out: kapdesk's default protocol is for a
# sublingual lozenge (design §3).
ORDER_DEFAULTS = {"medicine": "racemic ketamine", "form": "sublingual lozenge/troche",
                  "route": "sublingual"}


def set_practice(db: Database, *, name: str, therapist: str = "",
                 is_demo: bool = False, lock_after_min: int | None = None) -> None:
    name = require_text("name", name, "Practice name")
    if lock_after_min is not None:
        check_lock_after(lock_after_min)
    with db.atomic():
        practice_store.write_practice(db, name=name, therapist=therapist.strip(),
                                      is_demo=is_demo)
        if lock_after_min is not None:
            practice_store.write_lock_after(db, lock_after_min)


def _known(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a client field")


def add_client(db: Database, *, display_name: str, uid: str | None = None,
               **fields: Any) -> int:
    _known(fields)
    values = clean_client({"display_name": display_name, **fields})
    return client_store.insert_client(db, values, uid=uid)


def update_client(db: Database, client_id: int, **fields: Any) -> None:
    """Change some fields; all are checked before anything is written."""
    _known(fields)
    values = clean_client(fields)
    with db.atomic():
        get_client(db, client_id)
        client_store.set_client_fields(db, client_id, values)


def add_prescriber(db: Database, *, uid: str | None = None, **values: Any) -> int:
    return practice_store.insert_prescriber(db, clean_prescriber(values), uid=uid)


def update_prescriber(db: Database, prescriber_id: int, **values: Any) -> None:
    cleaned = clean_prescriber(values)
    with db.atomic():
        get_prescriber(db, prescriber_id)
        practice_store.set_prescriber_fields(db, prescriber_id, cleaned)


def add_order(db: Database, client_id: int, *, uid: str | None = None, **values: Any) -> int:
    """A new version of the prescriber's order; earlier versions stay as they were."""
    cleaned = clean_order({**ORDER_DEFAULTS, **values})
    with db.atomic():
        get_client(db, client_id)
        return order_store.insert_order(db, client_id, cleaned, uid=uid)


def add_folder(db: Database, path: str | Path, *, shipped: bool = False) -> int:
    """A folder of music in the library (its id if it is there already)."""
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise InvalidInput("folder", f"{folder} is not a folder")
    return music_store.insert_folder(db, folder, shipped=shipped)


def _playlist_name(db: Database, name: str, other_than: int | None = None) -> str:
    text = require_text("name", name, "Playlist name")
    if music_store.playlist_named(db, text, other_than=other_than):
        raise InvalidInput("name", f"a playlist called {text!r} already exists")
    return text


def create_playlist(db: Database, name: str) -> int:
    with db.atomic():
        return music_store.insert_playlist(db, _playlist_name(db, name))


def rename_playlist(db: Database, playlist_id: int, name: str) -> None:
    with db.atomic():
        music_store.set_playlist_name(db, playlist_id, _playlist_name(db, name, playlist_id))
