"""Music in the app: the library window, a client's playlist, the pre-flight check, and
the player in the session window (silent fake backend, test-controlled time)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer

from conftest import T0
from gui import column
from kapdesk.audio.backend import FakeBackend
from kapdesk.domain.timeutil import ManualClock
from kapdesk.practice.course import add_course, add_screening
from kapdesk.practice.live import begin_medication_session, preflight_for
from kapdesk.practice.records import create_playlist
from kapdesk.practice.session import record_dose, record_vitals
from kapdesk.resources import music_dir
from kapdesk.storage import open_database
from kapdesk.storage.music import list_tracks, set_playlist_tracks
from kapdesk.storage.sessions import load_session
from kapdesk.ui.app import open_windows
from kapdesk.ui.music_library import MusicLibraryDialog


@pytest.fixture
def library(db, qtbot, themed_app):
    dialog = MusicLibraryDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.wait_for_scans()
    qtbot.waitUntil(lambda: dialog.tracks.rowCount() == 4)
    return dialog


def test_the_library_finds_the_shipped_tracks_without_blocking(library):
    assert sorted(column(library.track_view, 0)) == ["Lantern Field", "Night Harbour",
                                                     "Slow Tide", "Under Cedar"]
    assert "(kapdesk's own tracks)" in library.folders.item(0).text()
    assert library.status.text() == "4 playable tracks in 1 folder."


def test_build_rename_and_reorder_a_playlist(library, db, qtbot):
    qtbot.keyClicks(library.name, "Gentle")
    qtbot.keyClick(library.name, Qt.Key.Key_Return)
    assert library.playlists.currentItem().text() == "Gentle  (0 tracks)"
    titles = column(library.track_view, 0)
    for title in ("Under Cedar", "Slow Tide"):
        library.track_view.selectRow(titles.index(title))
        library.add_tracks()
    assert [library.items.item(i).text() for i in range(2)] == ["Under Cedar", "Slow Tide"]
    library.items.setCurrentRow(1)
    library.move(-1)
    assert [library.items.item(i).text() for i in range(2)] == ["Slow Tide", "Under Cedar"]
    qtbot.keyClicks(library.name, "Gentle evening")
    library.rename()
    rows = list(db.query("SELECT p.name, t.title FROM playlist_items i JOIN playlists p ON "
                         "p.id = i.playlist_id JOIN tracks t ON t.id = i.track_id "
                         "ORDER BY i.position"))
    assert rows == [{"name": "Gentle evening", "title": "Slow Tide"},
                    {"name": "Gentle evening", "title": "Under Cedar"}]
    qtbot.keyClicks(library.name, "Gentle evening")
    library.new_playlist()
    assert "already exists" in library.error.text()


def test_an_added_folder_is_scanned_and_a_vanished_one_marked(library, db, tmp_path,
                                                               monkeypatch):
    folder = tmp_path / "my music"
    folder.mkdir()
    shutil.copy(music_dir() / "slow_tide.ogg", folder / "tide copy.ogg")
    monkeypatch.setattr("kapdesk.ui.music_library.QFileDialog.getExistingDirectory",
                        lambda *args: str(folder))
    library.choose_folder()
    library.wait_for_scans()
    library.rescan()
    library.wait_for_scans()
    assert len([t for t in list_tracks(db) if t["available"]]) == 5
    shutil.rmtree(folder)
    library.rescan()
    library.wait_for_scans()
    library.rescan()
    library.wait_for_scans()
    assert "missing" in column(library.track_view, 3)


@pytest.fixture
def music_ready(db, client_id, library):
    add_screening(db, client_id, items={}, screened_on=date.today(), cleared_on=date.today())
    add_course(db, client_id, started_on=date.today())
    playlist = create_playlist(db, "Calm")
    set_playlist_tracks(db, playlist, [t["id"] for t in list_tracks(db)][:2])
    return client_id, playlist


def test_preflight_checks_every_track_of_the_chosen_playlist(db, music_ready, tmp_path):
    client_id, playlist = music_ready
    checks = {c.label: c for c in preflight_for(db, client_id, intention="rest",
                                                ride_confirmed=True, playlist_id=playlist)}
    assert checks["Every track of the playlist opens"].ok
    db.execute("UPDATE tracks SET path = ? WHERE id = (SELECT track_id FROM playlist_items "
               "WHERE playlist_id = ? AND position = 0)", (str(tmp_path / "gone.ogg"),
                                                            playlist))
    checks = {c.label: c for c in preflight_for(db, client_id, intention="rest",
                                                ride_confirmed=True, playlist_id=playlist)}
    assert not checks["Every track of the playlist opens"].ok
    assert "gone.ogg: the file is missing" in checks["Every track of the playlist opens"].fix
    unchosen = {c.label: c.ok for c in preflight_for(db, client_id, intention="rest",
                                                     ride_confirmed=True)}
    assert unchosen["Music chosen"] is False
    silence = {c.label: c.ok for c in preflight_for(db, client_id, intention="rest",
                                                    ride_confirmed=True, playlist_id=0)}
    assert silence["Music chosen"] and "Every track of the playlist opens" not in silence
    sid = begin_medication_session(db, client_id, at=T0, intention="rest",
                                   ride_home_name="Sam T.", ride_confirmed=True, playlist_id=0)
    assert load_session(db, sid).session["playlist_id"] is None


class Ticks:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def open_session(db, music_ready, qtbot, backend):
    client_id, playlist = music_ready
    clock = ManualClock(T0)
    sid = begin_medication_session(db, client_id, at=T0, intention="rest",
                                   ride_home_name="Sam T.", ride_confirmed=True,
                                   playlist_id=playlist)
    main = open_windows(db, clock=clock, audio=backend)
    qtbot.addWidget(main)
    sw = main.session_window
    ticks = Ticks()
    sw.player.controller.monotonic = ticks
    return sw, sid, clock, ticks


def advance(sw, clock, ticks, seconds):
    for _ in range(int(seconds * 10)):
        ticks.t += 0.1
        clock.advance(seconds=0.1)
        sw.player.tick()


def test_music_plays_with_keys_and_is_logged_on_the_timeline(db, music_ready, qtbot):
    backend = FakeBackend()
    sw, sid, clock, ticks = open_session(db, music_ready, qtbot, backend)
    assert "ready" in sw.player.label.text()
    clock.advance(minutes=17)
    qtbot.keyClick(sw, Qt.Key.Key_Space)
    assert backend.playing and "playing" in sw.player.label.text()
    advance(sw, clock, ticks, 5)
    assert backend.volume == pytest.approx(0.7)
    qtbot.keyClick(sw, Qt.Key.Key_Period)  # next, with a fade
    advance(sw, clock, ticks, 3)
    assert len(backend.played) == 2
    qtbot.keyClick(sw, Qt.Key.Key_Minus)
    assert "volume 60%" in sw.player.label.text()
    record_vitals(db, sid, {"systolic": 128, "diastolic": 80, "heart_rate": 70},
                  taken_at=clock.now(), checkpoint="pre_dose")
    record_dose(db, sid, given_at=clock.now())
    sw.reload()
    plays = load_session(db, sid).music_plays
    assert [p["path"] for p in plays] == backend.played
    assert plays[0]["stopped_at"] and plays[1]["stopped_at"] is None
    assert plays[0]["started_at"] == (T0 + timedelta(minutes=17)).isoformat()
    sw.view.band.grab()  # paints the band, which places its markers
    assert any("♪" in m.text for m in sw.view.band.markers)


def test_discharge_fades_the_music_out_and_closes_the_log(db, music_ready, qtbot):
    backend = FakeBackend()
    sw, sid, clock, ticks = open_session(db, music_ready, qtbot, backend)
    qtbot.keyClick(sw, Qt.Key.Key_Space)
    advance(sw, clock, ticks, 5)
    db.execute("UPDATE sessions SET ride_confirmed_at = NULL WHERE id = ?", (sid,))
    qtbot.keyClick(sw, Qt.Key.Key_L)  # discharge, early, with a written reason
    qtbot.keyClicks(sw.discharge.reason, "client unwell, prescriber cleared early")
    qtbot.keyClick(sw.discharge.reason, Qt.Key.Key_Return)
    assert sw.ended
    advance(sw, clock, ticks, 4)
    assert not backend.playing and backend.volume == 0.0
    assert all(p["stopped_at"] for p in load_session(db, sid).music_plays)


def test_without_a_sound_device_the_session_goes_on(db, music_ready, qtbot):
    sw, sid, clock, ticks = open_session(db, music_ready, qtbot, FakeBackend(unavailable=True))
    qtbot.keyClick(sw, Qt.Key.Key_Space)
    said = sw.player.label.text()
    assert said == "♪  No sound output found: the session goes on without music."
    assert "ready" not in said  # found by a first-time user: "ready · … No sound output…"
    assert sw.player.label.fontMetrics().horizontalAdvance(said) < 700  # whole on a laptop
    qtbot.keyClick(sw, Qt.Key.Key_U)
    assert [e["kind"] for e in load_session(db, sid).events] == ["nausea"]


def test_a_clients_preferred_playlist_is_chosen_in_their_details(db, client_id, library,
                                                                  qtbot):
    from gui import choose, save
    from kapdesk.ui.client_forms import ClientDialog

    playlist = create_playlist(db, "Forest")
    dialog = ClientDialog(db, client_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.fields["preferred_playlist_id"].isEnabled()
    choose(dialog, "preferred_playlist_id", playlist)
    save(qtbot, dialog)
    assert db["clients"].get(client_id)["preferred_playlist_id"] == playlist


def playing_then_next(db, music_ready, qtbot):
    """A session whose first track has played five seconds when '.' is pressed."""
    sw, sid, clock, ticks = open_session(db, music_ready, qtbot, FakeBackend())
    titles = [t.title for t in sw.player.controller.queue]
    qtbot.keyClick(sw, Qt.Key.Key_Space)
    advance(sw, clock, ticks, 5)
    qtbot.keyClick(sw, Qt.Key.Key_Period)
    return sw, clock, ticks, titles


def test_next_names_the_coming_track_at_once(db, music_ready, qtbot):
    sw, _, _, titles = playing_then_next(db, music_ready, qtbot)
    assert titles[1] in sw.player.label.text()  # before the fade has even begun


def test_a_reopened_session_resumes_at_the_track_and_volume_it_had(db_path, db, music_ready,
                                                                   qtbot):
    sw, clock, ticks, titles = playing_then_next(db, music_ready, qtbot)
    advance(sw, clock, ticks, 8)
    for _ in range(3):
        qtbot.keyClick(sw, Qt.Key.Key_Minus)
    assert "volume 40%" in sw.player.label.text()
    db.close()  # the laptop dies while the second track plays

    reopened = open_database(db_path)
    main = open_windows(reopened, clock=clock, audio=FakeBackend())
    qtbot.addWidget(main)
    label = main.session_window.player.label.text()
    assert titles[1] in label and "volume 40%" in label and "ready" in label


def test_a_short_play_shows_on_the_live_band_at_once(db, music_ready, qtbot):
    backend = FakeBackend()
    sw, sid, clock, ticks = open_session(db, music_ready, qtbot, backend)
    first = sw.player.controller.queue[0].title
    qtbot.keyClick(sw, Qt.Key.Key_Space)
    advance(sw, clock, ticks, 3)
    qtbot.keyClick(sw, Qt.Key.Key_Period)  # skipped after three seconds
    advance(sw, clock, ticks, 3)
    sw.view.band.grab()  # paints the band, which places its markers
    [short] = [m for m in sw.view.band.markers if first in m.text]
    assert short.rect.width() >= 6  # wide enough to see and to click


class WarmingBackend(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.warmed = 0

    def warm_up(self) -> None:
        self.warmed += 1


class DevicelessBackend(FakeBackend):
    """No sound device: the warm-up, on its thread for a moment, finds none."""

    def __init__(self) -> None:
        super().__init__(unavailable=True)
        self.warm_up_failed = False
        self.warming = False

    def warm_up(self) -> None:
        self.warming = True
        QTimer.singleShot(300, self._found_none)

    def _found_none(self) -> None:
        self.warm_up_failed, self.warming = True, False


def test_a_missing_sound_device_is_said_before_the_first_space(db, music_ready, qtbot):
    """Found by a first-time user: the player said "ready" until Space found no device."""
    sw, sid, *_ = open_session(db, music_ready, qtbot, DevicelessBackend())
    sw.show()
    qtbot.waitExposed(sw)
    assert "ready" in sw.player.label.text()  # while the warm-up looks
    qtbot.waitUntil(lambda: sw.player.label.text()
                    == "♪  No sound output found: the session goes on without music.")
    qtbot.keyClick(sw, Qt.Key.Key_Space)  # tried again: still none, still said whole
    assert sw.player.label.text().startswith("♪  No sound output found")
    assert load_session(db, sid).music_plays == []


def test_the_sound_device_is_readied_once_the_session_window_is_on_screen(db, music_ready,
                                                                          qtbot):
    """The first Space used to import pygame and open the device on the UI thread (the
    longest stall of a session); it is readied in the background as the window opens."""
    backend = WarmingBackend()
    sw, *_ = open_session(db, music_ready, qtbot, backend)
    qtbot.waitUntil(lambda: backend.warmed == 1)
    sw.hide()
    sw.show()
    qtbot.wait(20)
    assert backend.warmed == 1 and not backend.played  # readied once, nothing played
