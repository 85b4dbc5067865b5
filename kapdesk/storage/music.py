"""The music library in the database: folders, tracks, playlists and the play log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.music import TrackInfo
from kapdesk.domain.timeutil import to_iso
from kapdesk.storage.rows import insert, maybe, one, stamp


def insert_folder(db: Database, folder: Path, *, shipped: bool = False) -> int:
    """The folder's id, added if it is not in the library yet."""
    existing = maybe(db, "SELECT id FROM music_folders WHERE path = ?", (str(folder),))
    if existing:
        return existing["id"]
    return insert(db, "music_folders", {"path": str(folder), "shipped": int(shipped),
                                        "added_at": stamp()}, uid=False)


def list_folders(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM music_folders ORDER BY shipped DESC, path"))


def remove_folder(db: Database, folder_id: int) -> None:
    """Forget a folder; its tracks leave the library but stay in playlists and the log."""
    with db.atomic():
        db.execute("UPDATE tracks SET available = 0, folder_id = NULL WHERE folder_id = ?",
                   (folder_id,))
        db.execute("DELETE FROM music_folders WHERE id = ?", (folder_id,))


def sync_folder(db: Database, folder_id: int, tracks: list[TrackInfo]) -> int:
    """Record what a scan found; tracks no longer found are marked unavailable."""
    now = stamp()
    with db.atomic():
        found = set()
        for info in tracks:
            found.add(info.path)
            db.execute("""INSERT INTO tracks (path, title, artist, duration_s, created_at,
                          folder_id, available) VALUES (:path, :title, :artist, :duration,
                          :now, :folder, :available)
                          ON CONFLICT (path) DO UPDATE SET title = :title, artist = :artist,
                          duration_s = :duration, folder_id = :folder, available = :available""",
                       {"path": info.path, "title": info.title, "artist": info.artist,
                        "duration": info.duration_s, "now": now, "folder": folder_id,
                        "available": int(info.readable)})
        for row in db.query("SELECT id, path FROM tracks WHERE folder_id = ?", (folder_id,)):
            if row["path"] not in found:
                db.execute("UPDATE tracks SET available = 0 WHERE id = ?", (row["id"],))
    return len(tracks)


def list_tracks(db: Database, *, available_only: bool = False) -> list[dict[str, Any]]:
    where = "WHERE available = 1" if available_only else ""
    return list(db.query(f"SELECT * FROM tracks {where} ORDER BY title COLLATE NOCASE, id"))


def insert_playlist(db: Database, name: str) -> int:
    return insert(db, "playlists", {"name": name, "created_at": stamp()})


def playlist_named(db: Database, name: str, *, other_than: int | None = None) -> bool:
    """Whether another playlist has this name, letter case aside (two that differ only in
    case would look like one in a list)."""
    return maybe(db, "SELECT id FROM playlists WHERE name = ? COLLATE NOCASE AND id IS NOT ?",
                 (name, other_than)) is not None


def set_playlist_name(db: Database, playlist_id: int, name: str) -> None:
    db.execute("UPDATE playlists SET name = ? WHERE id = ?", (name, playlist_id))


def find_playlist(db: Database, playlist_id: int) -> dict[str, Any] | None:
    return maybe(db, "SELECT * FROM playlists WHERE id = ?", (playlist_id,))


def list_playlists(db: Database) -> list[dict[str, Any]]:
    return list(db.query("""SELECT p.*, (SELECT count(*) FROM playlist_items i
                            WHERE i.playlist_id = p.id) AS tracks
                            FROM playlists p ORDER BY p.name COLLATE NOCASE"""))


def set_playlist_tracks(db: Database, playlist_id: int, track_ids: list[int]) -> None:
    """The playlist's tracks in this order (adding, removing and reordering all land here)."""
    one(db, "SELECT id FROM playlists WHERE id = ?", (playlist_id,), what="playlist")
    with db.atomic():
        db.execute("DELETE FROM playlist_items WHERE playlist_id = ?", (playlist_id,))
        for position, track_id in enumerate(track_ids):
            db.execute("INSERT INTO playlist_items (playlist_id, position, track_id) "
                       "VALUES (?, ?, ?)", (playlist_id, position, track_id))


def playlist_tracks(db: Database, playlist_id: int) -> list[dict[str, Any]]:
    return list(db.query("""SELECT t.* FROM playlist_items i JOIN tracks t ON t.id = i.track_id
                            WHERE i.playlist_id = ? ORDER BY i.position""", (playlist_id,)))


def start_play(db: Database, session_id: int, *, track_id: int | None, title: str,
               artist: str, path: str, at: datetime) -> int:
    return insert(db, "music_plays", {"session_id": session_id, "track_id": track_id,
                                      "title": title, "artist": artist, "path": path,
                                      "started_at": to_iso(at)})


def stop_play(db: Database, play_id: int, *, at: datetime) -> None:
    db.execute("UPDATE music_plays SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL",
               (to_iso(at), play_id))


def close_open_plays(db: Database, session_id: int, *, at: datetime) -> None:
    """After a crash the last play has no stop; it ended when the app did, at the latest."""
    db.execute("UPDATE music_plays SET stopped_at = ? WHERE session_id = ? AND stopped_at IS NULL",
               (to_iso(at), session_id))


def set_music_volume(db: Database, session_id: int, volume: float) -> None:
    db.execute("UPDATE sessions SET music_volume = ? WHERE id = ?", (volume, session_id))


def resume_point(db: Database, session_id: int) -> tuple[int | None, float | None]:
    """The track last played in this session and the volume it was left at."""
    last = maybe(db, "SELECT track_id FROM music_plays WHERE session_id = ? "
                     "ORDER BY started_at DESC, id DESC LIMIT 1", (session_id,))
    session = maybe(db, "SELECT music_volume FROM sessions WHERE id = ?", (session_id,))
    return (last or {}).get("track_id"), (session or {}).get("music_volume")
