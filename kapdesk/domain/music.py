"""A music track as the library knows it: plain data, read from files by
:mod:`kapdesk.audio.library` and kept by :mod:`kapdesk.storage.music`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrackInfo:
    path: str
    title: str
    artist: str
    duration_s: float | None
    readable: bool = True
