"""Small helpers shared by the storage modules."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.timeutil import required_day, to_iso, utc_now


class NotFound(KapdeskError):
    pass


def new_uid() -> str:
    return uuid.uuid4().hex


def stamp() -> str:
    return to_iso(utc_now())


def one(db: Database, sql: str, params: tuple | dict = (), *, what: str) -> dict[str, Any]:
    row = next(db.query(sql, params), None)
    if row is None:
        raise NotFound(f"{what} not found")
    return row


def maybe(db: Database, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
    return next(db.query(sql, params), None)


def insert(db: Database, table: str, values: dict[str, Any], *, uid: bool = True) -> int:
    """Insert one row and commit (or join the caller's transaction); return its id.

    Rows that travel between laptops carry a ``uid``; a missing one is generated.
    """
    if uid and not values.get("uid"):
        values = {**values, "uid": new_uid()}
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    row_id = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values).lastrowid
    assert row_id is not None
    return row_id


def iso_date(field: str, value: date | str) -> str:
    return required_day(field, value).isoformat()
