"""What the windows read, and the plain edits of records that carry no clinical rule
(clients, prescribers, orders, thresholds, music), re-exported so that ``kapdesk/ui``
depends on this layer only: never on storage or on SQL. Anything with a clinical rule
is a use case in a sibling module."""

from __future__ import annotations

from sqlite_utils import Database

from kapdesk.practice.audit import record_export
from kapdesk.practice.records import (
    add_client,
    add_folder,
    add_order,
    add_prescriber,
    create_playlist,
    rename_playlist,
    set_practice,
    update_client,
    update_prescriber,
)
from kapdesk.sqlite_driver import sqlite
from kapdesk.storage import (
    backup_database,
    check_database,
    open_database,
    schema_version,
)
from kapdesk.storage.amendments import (
    get_entry,
    note_versions,
)
from kapdesk.storage.clients import (
    archive_client,
    client_row,
    get_client,
    list_clients,
    restore_client,
)
from kapdesk.storage.course_view import (
    client_course_rows,
)
from kapdesk.storage.courses import (
    course_numbers,
    course_sequence,
    latest_course,
    latest_screening,
    open_course,
    outcomes,
)
from kapdesk.storage.database import (
    checkpoint,
    is_encrypted,
    open_read_only,
    passphrase_of,
    wal_keeper,
)
from kapdesk.storage.drafts import (
    get_draft,
)
from kapdesk.storage.encryption import (
    change_passphrase,
    encrypt_file,
    plain_copies,
    shred_plain_copy,
)
from kapdesk.storage.exports import (
    exports_for_client,
)
from kapdesk.storage.integration import (
    follow_ups,
)
from kapdesk.storage.music import (
    close_open_plays,
    find_playlist,
    list_folders,
    list_playlists,
    list_tracks,
    playlist_tracks,
    remove_folder,
    resume_point,
    set_music_volume,
    set_playlist_tracks,
    start_play,
    stop_play,
    sync_folder,
)
from kapdesk.storage.practice import (
    find_prescriber,
    get_practice,
    get_prescriber,
    list_prescribers,
    prescriber_label,
)
from kapdesk.storage.prescriptions import (
    add_thresholds,
    current_order,
    current_thresholds,
    order_history,
    threshold_history,
)
from kapdesk.storage.search import (
    MARK_END,
    MARK_START,
    Found,
    find_notes,
    search_notes,
)
from kapdesk.storage.sessions import (
    get_note,
    get_session,
    integration_of,
    list_sessions,
    load_session,
    running_session,
)

DatabaseRefused = sqlite.IntegrityError  # a CHECK the domain did not foresee

__all__ = [
    "Database", "DatabaseRefused", "MARK_END", "MARK_START", "add_client", "add_folder",
    "backup_database", "change_passphrase", "check_database", "encrypt_file", "is_encrypted",
    "checkpoint", "open_read_only", "passphrase_of", "wal_keeper", "plain_copies",
    "record_export", "schema_version",
    "shred_plain_copy",
    "add_order",
    "add_prescriber", "add_thresholds", "archive_client", "client_course_rows", "client_row",
    "close_open_plays", "course_numbers", "course_sequence", "create_playlist", "current_order",
    "current_thresholds", "exports_for_client", "find_playlist", "find_prescriber",
    "follow_ups", "get_client", "get_draft", "get_entry", "get_note", "get_practice",
    "get_prescriber", "get_session", "integration_of", "latest_course", "latest_screening",
    "list_clients", "list_folders", "list_playlists", "list_prescribers", "list_sessions",
    "list_tracks", "load_session", "note_versions", "open_course", "open_database",
    "order_history", "outcomes", "playlist_tracks", "prescriber_label", "remove_folder",
    "rename_playlist", "restore_client", "resume_point", "running_session", "search_notes",
    "find_notes", "Found",
    "set_music_volume", "set_playlist_tracks", "set_practice", "start_play", "stop_play",
    "sync_folder", "threshold_history", "update_client", "update_prescriber"
]
