"""The music library: folders, their tracks, and playlists to choose from in a session.

Scanning reads files on a worker thread and never touches the database there; the results
come back to the window's thread, which records them. The window never waits on a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.audio.library import TrackInfo, scan_folder
from kapdesk.practice.queries import (
    Database,
    add_folder,
    create_playlist,
    list_folders,
    list_playlists,
    list_tracks,
    playlist_tracks,
    remove_folder,
    rename_playlist,
    set_playlist_tracks,
    sync_folder,
)
from kapdesk.resources import music_dir
from kapdesk.ui.models import RowsModel
from kapdesk.ui.ops import Outcome, follow_changes, run_op
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.widgets import label, no_default_buttons, table


def minutes(seconds: float | None) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}" if seconds else "—"


class TracksModel(RowsModel):
    columns = (
        ("Title", lambda r: r["title"]),
        ("Artist", lambda r: r["artist"]),
        ("Length", lambda r: minutes(r["duration_s"])),
        ("", lambda r: "" if r["available"] else "missing"),
    )


class _ScanSignals(QObject):
    done = Signal(int, list)  # folder id, [TrackInfo]


class _Scan(QRunnable):
    def __init__(self, folder_id: int, path: str) -> None:
        super().__init__()
        self.folder_id, self.path = folder_id, path
        self.signals = _ScanSignals()

    def run(self) -> None:  # on a worker thread: files only, no database
        self.signals.done.emit(self.folder_id, scan_folder(Path(self.path)))


def ensure_shipped_music(db: Database) -> int:
    """The project's own tracks are always in the library."""
    return add_folder(db, music_dir(), shipped=True)


T = TypeVar("T")


class MusicLibraryDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_on_screen(self)
        self.db = db
        self.setWindowTitle("Music library")
        self.resize(1060, 640)
        self.pending = 0
        self._scans: list[_Scan] = []

        self.folders = QListWidget()
        self.folders.setMaximumHeight(110)
        add = QPushButton("Add folder…")
        add.clicked.connect(self.choose_folder)
        rescan = QPushButton("Rescan")
        rescan.clicked.connect(self.rescan)
        forget = QPushButton("Remove folder")
        forget.clicked.connect(self.forget_folder)
        self.tracks = TracksModel(self)
        self.track_view = table(self.tracks)
        self.track_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.status = label(name="muted")

        self.playlists = QListWidget()
        self.playlists.setMaximumHeight(150)
        self.playlists.currentRowChanged.connect(lambda _: self.show_playlist())
        self.name = QLineEdit()
        self.name.setPlaceholderText("playlist name")
        self.name.returnPressed.connect(self.new_playlist)
        new = QPushButton("New")
        new.clicked.connect(self.new_playlist)
        rename = QPushButton("Rename")
        rename.clicked.connect(self.rename)
        self.items = QListWidget()
        self.items.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.items.model().rowsMoved.connect(lambda *_: self.save_order())
        self.error = label(name="warning", wrap=True)

        left = QVBoxLayout()
        left.addWidget(label("Folders", "section"))
        left.addWidget(self.folders)
        row = QHBoxLayout()
        for button in (add, rescan, forget):
            row.addWidget(button)
        row.addStretch(1)
        left.addLayout(row)
        left.addWidget(label("Tracks", "section"))
        left.addWidget(self.track_view, 1)
        left.addWidget(self.status)

        right = QVBoxLayout()
        right.addWidget(label("Playlists", "section"))
        right.addWidget(self.playlists)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(new)
        name_row.addWidget(rename)
        right.addLayout(name_row)
        right.addWidget(label("In this playlist (drag or use ↑ ↓ to reorder)", "section"))
        right.addWidget(self.items, 1)
        buttons = QGridLayout()
        for index, (text, slot) in enumerate((("Add selected tracks →", self.add_tracks),
                                              ("Remove", self.remove_track),
                                              ("↑ Up", lambda: self.move(-1)),
                                              ("↓ Down", lambda: self.move(+1)))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button, index // 2, index % 2)
        right.addLayout(buttons)
        right.addWidget(self.error)

        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        body = QVBoxLayout(self)
        body.setContentsMargins(20, 16, 20, 16)
        body.addWidget(label("Music library", "title"))
        body.addWidget(label("Local files only (OGG, MP3, WAV, FLAC). A client's usual playlist "
                             "is chosen in their details; a session's in its pre-flight.",
                             "muted", wrap=True))
        body.addLayout(columns, 1)

        no_default_buttons(self)
        ensure_shipped_music(db)
        follow_changes(self, self.reload)
        self.reload()
        self.rescan()

    # library -------------------------------------------------------------------------
    def reload(self) -> None:
        self.folders.clear()
        for folder in list_folders(self.db):
            item = QListWidgetItem(folder["path"] + ("   (kapdesk's own tracks)"
                                                     if folder["shipped"] else ""))
            item.setData(Qt.ItemDataRole.UserRole, folder["id"])
            self.folders.addItem(item)
        tracks = list_tracks(self.db)
        self.tracks.set_rows(tracks)
        current = self.current_playlist()
        self.playlists.blockSignals(True)
        self.playlists.clear()
        for playlist in list_playlists(self.db):
            item = QListWidgetItem(f"{playlist['name']}  ({playlist['tracks']} tracks)")
            item.setData(Qt.ItemDataRole.UserRole, playlist["id"])
            self.playlists.addItem(item)
            if playlist["id"] == current:
                self.playlists.setCurrentItem(item)
        self.playlists.blockSignals(False)
        self.show_playlist()
        available = sum(1 for r in tracks if r["available"])
        if not self.pending:
            folders = self.folders.count()
            self.status.setText(f"{available} playable track{'s' * (available != 1)} in "
                                f"{folders} folder{'s' * (folders != 1)}.")

    def rescan(self) -> None:
        for folder in list_folders(self.db):
            self._start_scan(folder["id"], folder["path"])

    def _start_scan(self, folder_id: int, path: str) -> None:
        scan = _Scan(folder_id, path)
        scan.signals.done.connect(self._scanned)
        self._scans.append(scan)  # keep the signal object alive until it reports
        self.pending += 1
        self.status.setText("Reading the music folders…")
        QThreadPool.globalInstance().start(scan)

    def _scanned(self, folder_id: int, found: list[TrackInfo]) -> None:
        self.pending -= 1
        if any(f["id"] == folder_id for f in list_folders(self.db)):
            self._write(lambda: sync_folder(self.db, folder_id, found))
        else:
            self.reload()  # the folder went while it was read: only the status changes

    def wait_for_scans(self) -> None:
        """For tests and scripts: let running scans finish and their results arrive."""
        QThreadPool.globalInstance().waitForDone()
        QCoreApplication.processEvents()

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add a music folder")
        if path:
            self.add_folder(path)

    def add_folder(self, path: str) -> None:
        outcome = self._write(lambda: add_folder(self.db, path))
        if outcome.ok and outcome.value is not None:
            self._start_scan(outcome.value, str(Path(path).resolve()))

    def forget_folder(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            folder_id = item.data(Qt.ItemDataRole.UserRole)
            self._write(lambda: remove_folder(self.db, folder_id))

    # playlists -----------------------------------------------------------------------
    def current_playlist(self) -> int | None:
        item = self.playlists.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _write(self, op: Callable[[], T]) -> Outcome[T]:
        """Run a change to the library; a refusal shows here, and every window showing
        music (this one, a pre-flight's playlist choice) refreshes from the change."""
        outcome = run_op(op, show=lambda refusal: self.error.setText(refusal.text))
        if outcome.ok:
            self.error.clear()
        return outcome

    def _named(self, action: Callable[[str], T]) -> T | None:
        """Run a playlist action on the typed name; a refusal shows, the name stays."""
        name = self.name.text()
        outcome = self._write(lambda: action(name))
        if outcome.ok:
            self.name.clear()
        return outcome.value

    def new_playlist(self) -> None:
        playlist_id = self._named(lambda name: create_playlist(self.db, name))
        if playlist_id is None:
            return
        for row in range(self.playlists.count()):
            if self.playlists.item(row).data(Qt.ItemDataRole.UserRole) == playlist_id:
                self.playlists.setCurrentRow(row)

    def rename(self) -> None:
        playlist_id = self.current_playlist()
        if playlist_id is not None:
            self._named(lambda name: rename_playlist(self.db, playlist_id, name))

    def show_playlist(self) -> None:
        self.items.clear()
        playlist_id = self.current_playlist()
        if playlist_id is None:
            return
        for track in playlist_tracks(self.db, playlist_id):
            item = QListWidgetItem(track["title"] + ("" if track["available"]
                                                      else "   (file missing)"))
            item.setData(Qt.ItemDataRole.UserRole, track["id"])
            self.items.addItem(item)

    def item_ids(self) -> list[int]:
        return [self.items.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.items.count())]

    def save_order(self, ids: list[int] | None = None) -> None:
        playlist_id = self.current_playlist()
        if playlist_id is not None:
            order = self.item_ids() if ids is None else ids
            self._write(lambda: set_playlist_tracks(self.db, playlist_id, order))

    def add_tracks(self) -> None:
        rows = sorted({i.row() for i in self.track_view.selectionModel().selectedRows()})
        chosen = [self.tracks.row(r)["id"] for r in rows]
        if self.current_playlist() is None:
            self.error.setText("Choose or create a playlist first.")
            return
        self.save_order(self.item_ids() + [t for t in chosen if t not in self.item_ids()])

    def remove_track(self) -> None:
        row = self.items.currentRow()
        if row >= 0:
            ids = self.item_ids()
            del ids[row]
            self.save_order(ids)

    def move(self, step: int) -> None:
        row = self.items.currentRow()
        ids = self.item_ids()
        target = row + step
        if row < 0 or not 0 <= target < len(ids):
            return
        ids[row], ids[target] = ids[target], ids[row]
        self.save_order(ids)
        self.items.setCurrentRow(target)
