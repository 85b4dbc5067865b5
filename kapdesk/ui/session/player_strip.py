"""The session's music player: one line, five keys, never in the way.

The controller is polled by a Qt timer (never waited on); the mixer starts with the first
track. Every start and stop is logged with the session's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from kapdesk.audio.backend import AudioBackend, PygameBackend
from kapdesk.audio.controller import MusicController, Track
from kapdesk.practice.queries import (
    Database,
    close_open_plays,
    find_playlist,
    get_session,
    playlist_tracks,
    resume_point,
    set_music_volume,
    start_play,
    stop_play,
)
from kapdesk.practice.trouble import trouble_of
from kapdesk.ui.ops import report_trouble
from kapdesk.ui.widgets import ElidedLabel

TICK_MS = 100
WARM_UP_CHECK_MS = 200  # how often the player looks whether the warm-up has finished


class PlayerStrip(QWidget):
    logged = Signal()  # a track started or stopped: the band shows it at once

    def __init__(self, db: Database, session_id: int, now: Callable[[], datetime],
                 backend: AudioBackend | None = None) -> None:
        super().__init__()
        self.db, self.session_id, self.now = db, session_id, now
        self.backend = backend or PygameBackend()
        self.controller = MusicController(self.backend, on_start=self._started,
                                          on_stop=self._stopped)
        self._warmed = False
        session = get_session(db, session_id)
        playlist_id = session["playlist_id"] if session else None
        self.playlist = find_playlist(db, playlist_id)
        rows = [r for r in playlist_tracks(db, playlist_id) if r["available"]] \
            if playlist_id else []
        self.controller.set_queue([Track(r["path"], r["title"], r["artist"], r["id"])
                                   for r in rows])
        try:
            close_open_plays(db, session_id, at=now())  # a play cut short by a crash
        except Exception as exc:  # a read-only or damaged practice still shows its session
            if trouble_of(exc) is None:
                raise
            report_trouble(trouble_of(exc))
        self.controller.cue(*resume_point(db, session_id))  # where a reopened session was
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = ElidedLabel(name="playerLine")  # a long title ends in …
        layout.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("previous", "Previous  ,", self.controller.previous),
                                ("toggle", "Play / pause  Space", self.controller.toggle),
                                ("next", "Next  .", self.controller.next),
                                ("softer", "Softer  −", self.controller.softer),
                                ("louder", "Louder  =", self.controller.louder)):
            button = QPushButton(text)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName("playerButton")
            button.clicked.connect(lambda _=False, s=slot: self.command(s))
            self.buttons[key] = button
            layout.addWidget(button)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.refresh()

    def command(self, action: Callable[[], None]) -> None:
        if not self.controller.queue:
            self.refresh()
            return
        volume = self.controller.volume
        action()
        if self.controller.volume != volume:
            set_music_volume(self.db, self.session_id, self.controller.volume)
        self.timer.start()
        self.refresh()

    def tick(self) -> None:
        self.controller.tick()
        if not self.controller.active:
            self.timer.stop()
        self.refresh()

    def fade_out(self) -> None:
        """End of the session: fade out, then the timer stops itself."""
        self.controller.stop()
        self.timer.start()

    def halt(self) -> None:
        """The window closes: stop now and log the stop."""
        self.controller.halt()
        self.timer.stop()

    def refresh(self) -> None:
        c = self.controller
        if c.no_output:  # said whole, without a "ready" that is not so (it was cut to "…")
            self.label.setText(f"♪  {c.message}")
            return
        if not c.queue:
            text = ("No playlist chosen for this session." if self.playlist is None
                    else f"“{self.playlist['name']}” has no playable tracks.")
        else:
            track = c.queue[c.index]
            state = {"playing": "playing", "paused": "paused", "stopped": "ready"}[c.state]
            text = (f"♪  {track.title}" + (f" — {track.artist}" if track.artist else "")
                    + f"   ·   {state}   ·   volume {round(c.volume * 100)}%")
        if c.message:
            text += f"   ·   {c.message}"
        self.label.setText(text)

    def _started(self, track: Track) -> Any:
        play_id = start_play(self.db, self.session_id, track_id=track.id, title=track.title,
                             artist=track.artist, path=track.path, at=self.now())
        self.logged.emit()
        return play_id

    def _stopped(self, play_id: Any) -> None:
        stop_play(self.db, play_id, at=self.now())
        self.logged.emit()

    def warm_up(self) -> None:
        """Ready the sound device off the UI thread, once, when there is music to play: the
        first Space then starts at once."""
        if not self._warmed and self.controller.queue and hasattr(self.backend, "warm_up"):
            self._warmed = True
            self.backend.warm_up()
            self._after_warm_up()

    def _after_warm_up(self) -> None:
        """No sound device is said as soon as the warm-up finds none: the line said "ready"
        until the first Space (found by a first-time user)."""
        if getattr(self.backend, "warming", False):
            QTimer.singleShot(WARM_UP_CHECK_MS, self, self._after_warm_up)
        elif getattr(self.backend, "warm_up_failed", False):
            self.controller.found_no_output()
            self.refresh()
