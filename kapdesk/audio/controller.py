"""Playback for a session: a queue of tracks, gentle fades, skip, end-of-track, and a log.

Fades are volume ramps computed from a monotonic clock each time :meth:`tick` runs (the
window calls it from a timer), so nothing blocks and nothing counts ticks. Every fault
becomes a plain :attr:`message` and a skip; nothing is raised to the therapist.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapdesk.audio.backend import AudioBackend, AudioUnavailable, TrackError

log = logging.getLogger("kapdesk.audio")

FADE_IN_S = 4.0
FADE_OUT_S = 3.0
SKIP_FADE_S = 2.0
NEXT_FADE_IN_S = 1.0  # track to track: short, so the room never sits in silence
VOLUME_STEP = 0.1
NO_OUTPUT = "No sound output found: the session goes on without music."


@dataclass(frozen=True)
class Track:
    path: str
    title: str
    artist: str = ""
    id: int | None = None


@dataclass
class Ramp:
    began: float
    seconds: float
    start: float
    end: float
    then: Callable[[], None] | None = None

    def level(self, now: float) -> float:
        if self.seconds <= 0:
            return self.end
        share = min(1.0, max(0.0, (now - self.began) / self.seconds))
        return self.start + (self.end - self.start) * share

    def done(self, now: float) -> bool:
        return now - self.began >= self.seconds


class MusicController:
    def __init__(self, backend: AudioBackend, *, monotonic: Callable[[], float] = time.monotonic,
                 on_start: Callable[[Track], Any] | None = None,
                 on_stop: Callable[[Any], None] | None = None) -> None:
        self.backend = backend
        self.monotonic = monotonic
        self.on_start = on_start or (lambda track: None)
        self.on_stop = on_stop or (lambda token: None)
        self.queue: list[Track] = []
        self.index = 0
        self.state = "stopped"  # "stopped" | "playing" | "paused"
        self.volume = 0.7
        self.message = ""
        self.no_output = False  # no sound device: the session goes on without music
        self._ramp: Ramp | None = None
        self._level = 0.0
        self._log_token: Any = None

    # the queue -----------------------------------------------------------------------
    def set_queue(self, tracks: list[Track]) -> None:
        self.queue = list(tracks)
        self.index = 0
        if not self.queue:
            self.message = "No tracks in this playlist."

    def cue(self, track_id: Any, volume: float | None) -> None:
        """Ready at a given track and volume without playing (a reopened session)."""
        self.index = next((i for i, t in enumerate(self.queue) if t.id == track_id), self.index)
        if volume is not None:
            self.volume = round(max(0.0, min(1.0, volume)), 2)

    @property
    def current(self) -> Track | None:
        return self.queue[self.index] if self.state != "stopped" and self.queue else None

    # commands ------------------------------------------------------------------------
    def play(self) -> None:
        if self.state == "playing":
            if self._fading_out():  # a pause or skip under way: bring the same track back
                self._log_start()
                self._fade(self._level, self.volume, FADE_IN_S)
            return
        if self.state == "paused":
            self.backend.resume()
            self.state = "playing"
            self._log_start()
            self._fade(self._level, self.volume, FADE_IN_S)
            return
        self._start(self.index, fade_in=FADE_IN_S)

    def pause(self) -> None:
        if self.state != "playing":
            return
        self._log_stop()
        self._fade(self._level, 0.0, FADE_OUT_S, then=self._paused)

    def toggle(self) -> None:
        if self.state == "playing" and not self._fading_out():
            self.pause()
        else:
            self.play()

    def next(self) -> None:
        self._skip(+1)

    def previous(self) -> None:
        self._skip(-1)

    def stop(self) -> None:
        """Fade out and stop (pause and end of session)."""
        if self.state == "stopped":
            return
        self._log_stop()
        self._fade(self._level, 0.0, FADE_OUT_S, then=self._stopped)

    def halt(self) -> None:
        """Stop at once (the window is closing) and log the stop."""
        self._log_stop()
        self._ramp = None
        self.backend.stop()
        self.state = "stopped"

    @property
    def active(self) -> bool:
        """Something is playing or fading: the timer should keep ticking."""
        return self.state != "stopped" or self._ramp is not None

    def louder(self) -> None:
        self.set_volume(self.volume + VOLUME_STEP)

    def softer(self) -> None:
        self.set_volume(self.volume - VOLUME_STEP)

    def set_volume(self, volume: float) -> None:
        self.volume = round(max(0.0, min(1.0, volume)), 2)
        if self.state == "playing" and self._ramp is None:
            self._set_level(self.volume)

    # the timer -----------------------------------------------------------------------
    def tick(self) -> None:
        now = self.monotonic()
        ramp = self._ramp
        if ramp is not None:
            self._set_level(ramp.level(now))
            if ramp.done(now):
                self._ramp = None
                if ramp.then:
                    ramp.then()
                return
        # A track can end during its own fade-in (a short file); only our fade-outs, which
        # stop the track on purpose, are not an end.
        if self.state == "playing" and not self._fading_out() and not self.backend.busy():
            self._log_stop()  # the track reached its end: straight on to the next
            if self.index + 1 < len(self.queue):
                self._start(self.index + 1, fade_in=NEXT_FADE_IN_S)
            else:
                self.state = "stopped"
                self.message = "End of the playlist."

    # inside --------------------------------------------------------------------------
    def _skip(self, step: int) -> None:
        if not self.queue:
            return
        target = (self.index + step) % len(self.queue)
        if self.state != "playing":
            self.index = target
            if self.state == "paused":
                self.backend.stop()
                self.state = "stopped"
            return
        self._log_stop()
        self.index = target  # the player names the next track at once, while this one fades
        self._fade(self._level, 0.0, SKIP_FADE_S,
                   then=lambda: self._start(target, fade_in=FADE_IN_S))

    def _start(self, index: int, *, fade_in: float) -> None:
        """Play from ``index``, skipping what cannot play; stop with a message if nothing can."""
        if not self.queue:
            self.state = "stopped"
            self.message = "No tracks in this playlist."
            return
        problems: list[str] = []
        for attempt in range(len(self.queue)):
            candidate = (index + attempt) % len(self.queue)
            track = self.queue[candidate]
            try:
                self._set_level(0.0)
                self.backend.play(track.path)
            except AudioUnavailable as exc:
                log.warning("no audio output: %s", exc)  # details for the log file only
                self.state = "stopped"
                self.no_output = True
                self.message = NO_OUTPUT
                return
            except TrackError as exc:
                log.warning("cannot play %s: %s", track.path, exc)
                problems.append(f"skipped “{track.title}” (cannot be played)")
                continue
            self.index = candidate
            self.state = "playing"
            self.no_output = False
            self.message = "; ".join(problems)
            self._log_start()
            self._fade(0.0, self.volume, fade_in)
            return
        self.state = "stopped"
        self.message = "No track in this playlist can play: " + "; ".join(problems)

    def found_no_output(self) -> None:
        """The device was found missing before anything played (by the warm-up)."""
        if self.state == "stopped":
            self.no_output = True
            self.message = NO_OUTPUT

    def _fade(self, start: float, end: float, seconds: float,
              then: Callable[[], None] | None = None) -> None:
        self._ramp = Ramp(self.monotonic(), seconds, start, end, then)
        self._set_level(start)

    def _fading_out(self) -> bool:
        return self._ramp is not None and self._ramp.end == 0.0

    def _set_level(self, level: float) -> None:
        self._level = level
        self.backend.set_volume(level)

    def _paused(self) -> None:
        self.backend.pause()
        self.state = "paused"

    def _stopped(self) -> None:
        self.backend.stop()
        self.state = "stopped"

    def _log_start(self) -> None:
        track = self.queue[self.index]
        try:
            self._log_token = self.on_start(track)
        except Exception as exc:  # noqa: BLE001 - the music never stops the session
            self.message = f"could not log the track: {exc}"

    def _log_stop(self) -> None:
        if self._log_token is not None:
            token, self._log_token = self._log_token, None
            try:
                self.on_stop(token)
            except Exception as exc:  # noqa: BLE001
                self.message = f"could not log the track: {exc}"
