"""Audio backends behind one small interface: pygame's mixer for the room, a silent fake
for tests. The controller never waits on a backend; it asks and moves on."""

from __future__ import annotations

import threading
from typing import Protocol


class AudioUnavailable(Exception):
    """No audio device, or the mixer cannot start."""


class TrackError(Exception):
    """This file cannot be played (missing, damaged, unsupported)."""


class AudioBackend(Protocol):
    def start(self) -> None: ...
    def play(self, path: str) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def busy(self) -> bool: ...


class PygameBackend:
    """pygame's music stream. The mixer starts on first use or when warmed up, never at
    import: importing pygame and opening the sound device take about 80 ms, which on the
    UI thread at the first Space was the longest stall of a session."""

    def __init__(self) -> None:
        self._mixer = None
        self._starting = threading.Lock()
        self._warming: threading.Thread | None = None
        self.warm_up_failed = False  # no device found by the warm-up; a play tries again

    def warm_up(self) -> None:
        """Start the mixer on a thread of its own (the session window has just opened);
        a failure is only noted (``warm_up_failed``): the player says it, and the first
        play tries the device again (a headset plugged in since)."""
        def start_quietly() -> None:
            try:
                self.start()
            except AudioUnavailable:
                self.warm_up_failed = True
        self._warming = threading.Thread(target=start_quietly, name="kapdesk-audio-warm-up",
                                         daemon=True)
        self._warming.start()

    @property
    def warming(self) -> bool:
        return self._warming is not None and self._warming.is_alive()

    def start(self) -> None:
        with self._starting:  # a play during the warm-up waits for it, never starts twice
            if self._mixer is not None:
                return
            try:
                import os

                os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
                # SDL would catch SIGTERM and SIGINT as quit events nobody reads: the app
                # then ignored the desktop's request to close at logout or shutdown
                os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
                import pygame.mixer

                pygame.mixer.init()
            except Exception as exc:  # noqa: BLE001 - pygame raises its own error types
                raise AudioUnavailable(f"no sound output available ({exc})") from None
            self._mixer = pygame.mixer

    def play(self, path: str) -> None:
        self.start()
        try:
            self._mixer.music.load(path)
            self._mixer.music.play()
        except Exception as exc:  # noqa: BLE001
            raise TrackError(str(exc)) from None

    def pause(self) -> None:
        if self._mixer:
            self._mixer.music.pause()

    def resume(self) -> None:
        if self._mixer:
            self._mixer.music.unpause()

    def stop(self) -> None:
        if self._mixer:
            self._mixer.music.stop()

    def set_volume(self, volume: float) -> None:
        if self._mixer:
            self._mixer.music.set_volume(max(0.0, min(1.0, volume)))

    def busy(self) -> bool:
        return bool(self._mixer and self._mixer.music.get_busy())


class FakeBackend:
    """Silent and scriptable: tests decide when a track ends or a file fails."""

    def __init__(self, *, unavailable: bool = False, broken: set[str] | None = None) -> None:
        self.unavailable = unavailable
        self.broken = broken or set()
        self.current: str | None = None
        self.playing = False
        self.paused = False
        self.volume = 1.0
        self.volumes: list[float] = []
        self.played: list[str] = []

    def start(self) -> None:
        if self.unavailable:
            raise AudioUnavailable("no sound output available (test)")

    def play(self, path: str) -> None:
        self.start()
        if path in self.broken:
            raise TrackError("damaged file (test)")
        self.current, self.playing, self.paused = path, True, False
        self.played.append(path)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def stop(self) -> None:
        self.playing = self.paused = False

    def set_volume(self, volume: float) -> None:
        self.volume = volume
        self.volumes.append(volume)

    def busy(self) -> bool:
        return self.playing and not self.paused

    def finish_track(self) -> None:
        """The current file reached its end."""
        self.playing = False
