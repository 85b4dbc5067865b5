"""Music: the library, playlists, the play log, and playback with fades and faults."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import T0
from kapdesk.audio.backend import FakeBackend, PygameBackend
from kapdesk.audio.controller import FADE_IN_S, FADE_OUT_S, MusicController, Track
from kapdesk.audio.library import scan_folder, track_problem
from kapdesk.practice.records import add_folder, create_playlist, rename_playlist
from kapdesk.resources import music_dir
from kapdesk.storage.music import list_tracks, playlist_tracks, set_playlist_tracks, sync_folder

SHIPPED = ["Lantern Field", "Night Harbour", "Slow Tide", "Under Cedar"]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def tracks(n=3):
    return [Track(f"/music/{i}.ogg", f"Track {i}", id=i) for i in range(n)]


@pytest.fixture
def player():
    clock, backend, log = Clock(), FakeBackend(), []
    controller = MusicController(
        backend, monotonic=clock,
        on_start=lambda track: log.append(("start", track.title, clock.t)) or len(log),
        on_stop=lambda token: log.append(("stop", token, clock.t)))
    controller.set_queue(tracks())
    return controller, backend, clock, log


def run(controller, clock, seconds, step=0.1):
    for _ in range(int(seconds / step)):
        clock.t += step
        controller.tick()


def test_the_shipped_tracks_are_found_with_their_tags():
    found = scan_folder(music_dir())
    assert sorted(t.title for t in found) == SHIPPED
    assert all(t.artist == "kapdesk ambient" and 170 < t.duration_s < 220 for t in found)
    assert sum(Path(t.path).stat().st_size for t in found) < 30_000_000


def test_files_that_cannot_play_are_named(tmp_path):
    damaged = tmp_path / "damaged.ogg"
    damaged.write_bytes(b"OggS" + b"\x00" * 40)
    assert "cannot be read" in track_problem(str(damaged))
    assert "missing" in track_problem(str(tmp_path / "gone.ogg"))
    assert track_problem(str(music_dir() / "slow_tide.ogg")) is None


def test_library_playlists_and_a_folder_that_disappears(db, tmp_path):
    folder = tmp_path / "room music"
    shutil.copytree(music_dir(), folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    folder_id = add_folder(db, folder)
    assert sync_folder(db, folder_id, scan_folder(folder)) == 4
    ids = {t["title"]: t["id"] for t in list_tracks(db)}
    playlist = create_playlist(db, "Gentle")
    set_playlist_tracks(db, playlist, [ids["Under Cedar"], ids["Slow Tide"]])
    set_playlist_tracks(db, playlist, [ids["Slow Tide"], ids["Under Cedar"]])  # reorder
    assert [t["title"] for t in playlist_tracks(db, playlist)] == ["Slow Tide", "Under Cedar"]
    rename_playlist(db, playlist, "Gentle evening")
    with pytest.raises(Exception, match="already exists"):
        create_playlist(db, "Gentle evening")
    shutil.rmtree(folder)
    sync_folder(db, folder_id, scan_folder(folder))
    assert list_tracks(db, available_only=True) == []
    assert len(playlist_tracks(db, playlist)) == 2  # kept, shown as unavailable


def test_play_fades_in_from_silence_to_the_chosen_volume(player):
    controller, backend, clock, log = player
    controller.play()
    assert backend.current == "/music/0.ogg" and backend.volume == 0.0
    run(controller, clock, FADE_IN_S / 2)
    assert 0.3 < backend.volume < 0.4  # half way to 0.7
    run(controller, clock, FADE_IN_S)
    assert backend.volume == pytest.approx(0.7)
    assert log[0][:2] == ("start", "Track 0")


def test_pause_fades_out_then_pauses_and_resume_fades_in(player):
    controller, backend, clock, log = player
    controller.play()
    run(controller, clock, FADE_IN_S + 0.5)
    controller.pause()
    assert not backend.paused  # still fading
    run(controller, clock, FADE_OUT_S + 0.2)
    assert backend.paused and backend.volume == 0.0 and controller.state == "paused"
    controller.play()
    run(controller, clock, FADE_IN_S + 0.2)
    assert not backend.paused and backend.volume == pytest.approx(0.7)
    assert [entry[0] for entry in log] == ["start", "stop", "start"]


def test_skip_fades_out_and_the_next_track_fades_in(player):
    controller, backend, clock, log = player
    controller.play()
    run(controller, clock, 5)
    controller.next()
    run(controller, clock, 1)
    assert backend.current == "/music/0.ogg" and backend.volume < 0.7
    run(controller, clock, 1.5)
    assert backend.current == "/music/1.ogg"
    controller.previous()
    run(controller, clock, 2.5)
    assert backend.current == "/music/0.ogg"
    assert [entry[:2] for entry in log if entry[0] == "start"] == [
        ("start", "Track 0"), ("start", "Track 1"), ("start", "Track 0")]


def test_the_next_track_follows_within_a_second(player):
    controller, backend, clock, log = player
    controller.play()
    run(controller, clock, 10)
    ended_at = clock.t
    backend.finish_track()
    run(controller, clock, 0.3)
    assert backend.current == "/music/1.ogg"
    started = [entry for entry in log if entry[0] == "start"][-1]
    assert started[2] - ended_at < 1.0
    stopped = [entry for entry in log if entry[0] == "stop"][-1]
    assert stopped[2] - ended_at < 1.0


def test_end_of_the_playlist_stops_quietly(player):
    controller, backend, clock, _ = player
    controller.set_queue(tracks(1))
    controller.play()
    backend.finish_track()
    run(controller, clock, 0.3)
    assert controller.state == "stopped" and controller.message == "End of the playlist."


def test_a_damaged_track_is_skipped_with_a_plain_message(player):
    controller, backend, clock, _ = player
    backend.broken = {"/music/0.ogg"}
    controller.play()
    assert backend.current == "/music/1.ogg" and controller.state == "playing"
    assert controller.message.startswith("skipped “Track 0”")


def test_when_nothing_can_play_the_player_says_so_and_stops(player):
    controller, backend, clock, _ = player
    backend.broken = {t.path for t in tracks()}
    controller.play()
    assert controller.state == "stopped"
    assert controller.message.startswith("No track in this playlist can play")


def test_no_audio_device_lets_the_session_go_on(player):
    controller, backend, clock, log = player
    backend.unavailable = True
    controller.play()  # nothing raised
    assert controller.state == "stopped" and "goes on without music" in controller.message
    assert log == []


def test_volume_steps_stay_between_silent_and_full(player):
    controller, backend, clock, _ = player
    controller.play()
    run(controller, clock, FADE_IN_S + 0.2)
    for _ in range(5):
        controller.louder()
    assert controller.volume == 1.0 and backend.volume == 1.0
    for _ in range(15):
        controller.softer()
    assert controller.volume == 0.0


def test_a_shipped_track_plays_through_real_pygame():
    """SDL_AUDIODRIVER=dummy (set in conftest): the real mixer, no sound card needed."""
    backend = PygameBackend()
    backend.play(str(music_dir() / "slow_tide.ogg"))
    try:
        assert backend.busy()
        backend.set_volume(0.2)
        backend.pause()
        assert not backend.busy()
        backend.resume()
        assert backend.busy()
    finally:
        backend.stop()


def test_the_play_log_is_stored_with_the_session(db, client_id):
    from kapdesk.practice.course import schedule_session
    from kapdesk.practice.session import start_session
    from kapdesk.storage.music import close_open_plays, start_play, stop_play
    from kapdesk.storage.sessions import load_session

    sid = schedule_session(db, client_id, "medication")
    start_session(db, sid, started_at=T0)
    first = start_play(db, sid, track_id=None, title="Slow Tide", artist="kapdesk ambient",
                       path="music/slow_tide.ogg", at=T0 + timedelta(minutes=17))
    stop_play(db, first, at=T0 + timedelta(minutes=20))
    start_play(db, sid, track_id=None, title="Under Cedar", artist="", path="",
               at=T0 + timedelta(minutes=20))
    close_open_plays(db, sid, at=T0 + timedelta(minutes=25))
    plays = load_session(db, sid).music_plays
    assert [(p["title"], p["started_at"][11:16], p["stopped_at"][11:16]) for p in plays] == [
        ("Slow Tide", "15:17", "15:20"), ("Under Cedar", "15:20", "15:25")]


STARTED_THEN_TERMINATED = """
import os, signal, time
from kapdesk.audio.backend import PygameBackend
PygameBackend().start()
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(2)
print("still running")
"""


def test_the_sound_device_leaves_the_desktops_close_request_alone():
    """SDL catches SIGTERM as a quit event nobody reads: once the mixer was started (now
    as every session window opens), logout or shutdown could not close kapdesk."""
    import os
    import signal
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", STARTED_THEN_TERMINATED],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "SDL_AUDIODRIVER": "dummy"})
    assert child.returncode == -signal.SIGTERM and "still running" not in child.stdout


WARMED_UP_WITHOUT_A_DEVICE = """
import time
from kapdesk.audio.backend import PygameBackend
backend = PygameBackend()
backend.warm_up()
deadline = time.monotonic() + 30
while backend.warming and time.monotonic() < deadline:
    time.sleep(0.02)
print("failed" if backend.warm_up_failed else "started", "warming" if backend.warming else "")
"""


@pytest.mark.parametrize(("driver", "found"), [("kapdesk-no-such-driver", "failed"),
                                               ("dummy", "started")])
def test_the_real_warm_up_notes_a_missing_device(driver, found):
    """pygame's mixer, on the warm-up's thread, with an audio driver that finds no device
    (and, against it, the dummy one that does): the player can say so before any Space."""
    import os
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", WARMED_UP_WITHOUT_A_DEVICE],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "SDL_AUDIODRIVER": driver})
    assert child.stdout.split() == [found], child.stderr
