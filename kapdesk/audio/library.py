"""Reading local audio files: what is playable, with title, artist and duration from the
tags (tinytag) and the file name as a fallback."""

from __future__ import annotations

from pathlib import Path

from kapdesk.domain.music import TrackInfo

__all__ = ["AUDIO_SUFFIXES", "TrackInfo", "read_track", "scan_folder", "track_problem"]

AUDIO_SUFFIXES = frozenset({".ogg", ".mp3", ".wav", ".flac"})

def title_from_name(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or path.name


def read_track(path: Path) -> TrackInfo:
    """Tags when the file has them; a file whose header cannot be read is marked so."""
    from tinytag import TinyTag  # loaded with the first scan, not at start-up

    try:
        tag = TinyTag.get(str(path))
    except Exception:  # noqa: BLE001 - any unreadable file is reported, never raised
        return TrackInfo(str(path), title_from_name(path), "", None, readable=False)
    # A header with no length is a damaged or empty file, whatever its name says.
    return TrackInfo(str(path), (tag.title or "").strip() or title_from_name(path),
                     (tag.artist or "").strip(), tag.duration,
                     readable=bool(tag.duration and tag.duration > 0))


def scan_folder(folder: Path) -> list[TrackInfo]:
    """Every audio file below ``folder``, sorted by path. A missing folder gives none."""
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES
                   and p.is_file())
    return [read_track(p) for p in files]


def track_problem(path: str) -> str | None:
    """Why a track would not play (pre-flight), or None."""
    file = Path(path)
    if not file.is_file():
        return f"{file.name}: the file is missing"
    if file.suffix.lower() not in AUDIO_SUFFIXES:
        return f"{file.name}: not an OGG, MP3, WAV or FLAC file"
    if not read_track(file).readable:
        return f"{file.name}: the file cannot be read (damaged?)"
    return None
