"""The audit trail's rows: written once, read in time order. The table's triggers refuse
any change or removal (migration ``0010_audit_trail``)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from kapdesk.storage.rows import insert


def insert_audit_event(db: Database, *, at: str, action: str, detail: str = "",
                       client_id: int | None = None, session_id: int | None = None) -> int:
    return insert(db, "audit_events", {"at": at, "action": action, "detail": detail,
                                       "client_id": client_id, "session_id": session_id},
                  uid=False)


def audit_events(db: Database, client_id: int | None = None) -> list[dict[str, Any]]:
    """Newest first, with the client's name where there is one."""
    where, params = ("WHERE a.client_id = ?", (client_id,)) if client_id is not None else ("", ())
    return list(db.query(
        f"""SELECT a.*, c.display_name AS client_name FROM audit_events a
            LEFT JOIN clients c ON c.id = a.client_id {where}
            ORDER BY a.at DESC, a.id DESC""", params))
