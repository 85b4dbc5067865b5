"""The practice window: clients on the left, the chosen client's page on the right, and a
menu that reaches every action from the keyboard. This module is the controller: what the
window shows is laid out by :mod:`kapdesk.ui.practice_view`; here are the menus, what each
action opens, and the refresh that follows the app-wide changed signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QStackedWidget

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.timeutil import Clock, SystemClock, local, parse_instant
from kapdesk.practice.audit import viewed_session
from kapdesk.practice.queries import (
    Database,
    archive_client,
    client_row,
    get_practice,
    get_session,
    list_clients,
    passphrase_of,
    restore_client,
    running_session,
)
from kapdesk.ui import dialogs
from kapdesk.ui import security_actions as security
from kapdesk.ui.client_page import ClientPage
from kapdesk.ui.errors import message
from kapdesk.ui.file_care import FileCare
from kapdesk.ui.lock import Locker, LockHost, LockScreen
from kapdesk.ui.ops import Change, Refusal, changes, follow_changes, run_op
from kapdesk.ui.practice_view import PracticeView
from kapdesk.ui.screen_fit import keep_on_screen
from kapdesk.ui.trouble_banner import TroubleBanner, with_banner
from kapdesk.ui.widgets import ElidedLabel, ShortcutsFirst

if TYPE_CHECKING:
    from kapdesk.ui.session.window import SessionWindow

log = logging.getLogger("kapdesk")


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, db_path: str = "", clock: Clock | None = None,
                 audio: Any = None) -> None:
        super().__init__()
        keep_on_screen(self)
        self.db_path = db_path
        # read by the app's start when the windows close: convert, or restore, and reopen
        self.encrypt_requested = False
        self.restore_from: Path | None = None
        self.db = db
        self.audio = audio  # the music backend; None means pygame, started on first play
        self.clock = clock or SystemClock()
        self.dialog: QDialog | None = None
        self.session_window: SessionWindow | None = None
        self.review_window: QMainWindow | None = None
        self.course_window: QMainWindow | None = None
        practice = get_practice(db) or {"name": "kapdesk", "is_demo": 0}
        self.setWindowTitle(f"kapdesk — {practice['name']}")
        self.resize(1240, 780)
        self.page = ClientPage(db)
        self.view = PracticeView(self.page, name=practice["name"],
                                 is_demo=bool(practice["is_demo"]))
        # the widgets this window answers, by the names tests and menus use
        self.search, self.client_view = self.view.search, self.view.client_view
        self.clients, self.new_client = self.view.clients, self.view.new_client
        self.show_archived, self.practice_name = self.view.show_archived, self.view.practice_name
        self.clock_label = self.view.clock_label
        self.new_client.clicked.connect(self.add_client)
        self.show_archived.toggled.connect(lambda: self.reload())
        self.page.action.connect(self.client_action)
        self.page.session_view.activated.connect(  # Enter or a double-click
            lambda index: self.open_past(self.page.sessions.row(index.row())["id"]))
        self.lock_screen = LockScreen()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.lock_screen)
        changes().lasting = None  # a practice just opened: nothing said about it yet
        self.banner = TroubleBanner(restore=self.open_backups if db_path else None)
        self.setCentralWidget(with_banner(self.pages, self.banner))
        # a widget of the status bar, not a message: a menu item's empty tip clears messages
        self.statusBar().addWidget(ElidedLabel(  # a long path never widens the window
            f"Offline · everything stays on this laptop · {db_path or 'in memory'}", "muted"), 1)

        self.client_view.selectionModel().currentRowChanged.connect(self._client_changed)
        self._build_menus()
        ShortcutsFirst(self.search, self)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start(1000)
        self.refresh_clock()
        follow_changes(self, self.reload)
        self.reload()
        self.locker = Locker(db, self._lock_host, self)
        self.care = FileCare(self)
        self.backups, self.checkpoints = self.care.backups, self.care.checkpoints
        self._page_shown = False  # by the selection's change, during a reload

    def _lock_host(self) -> LockHost:
        """The window the lock screen shows in: a session's, which keeps its clock, or
        this one."""
        window = self.session_window
        return window if window is not None and window.isVisible() else self

    def set_locked(self, locked: bool) -> None:
        """Nothing about any client while locked: no list, no page, no menu to reach one."""
        self.pages.setCurrentWidget(self.lock_screen if locked else self.view)
        self.menuBar().setVisible(not locked)
        for action in self.findChildren(QAction):
            action.setEnabled(not locked)

    def _build_menus(self) -> None:
        def act(menu, text: str, slot: Callable[[], Any], shortcut=None) -> QAction:
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        practice = self.menuBar().addMenu("&Practice")
        act(practice, "Practice &details…", self.edit_practice)
        act(practice, "&Music library…", lambda: self.open_dialog(
            dialogs.music_library(self.db, self)))
        act(practice, "Pr&escribers…", lambda: self.open_dialog(
            dialogs.prescribers(self.db, self)))
        act(practice, "Pro&tocols…", lambda: self.open_dialog(
            dialogs.protocols(self.db, self)), "Ctrl+Shift+P")
        act(practice, "&Find a client", self.find_client, QKeySequence.StandardKey.Find)
        act(practice, "&Search notes…", self.search_notes, "Ctrl+Shift+F")
        act(practice, "&Audit trail…", lambda: self.open_audit(None))
        # one action for the menu and the key: the trail cannot tell which, so names both
        act(practice, "&Lock", lambda: self.locker.lock("on Ctrl+L or Practice ▸ Lock"),
            "Ctrl+L")
        act(practice, "&Recovery sheet…", lambda: security.save_recovery_sheet(self))
        act(practice, "&Backups…", self.open_backups, "Ctrl+B").setVisible(bool(self.db_path))
        self.encrypt_action = act(practice, "E&ncrypt this practice…",
                                  lambda: security.request_encryption(self))
        self.encrypt_action.setVisible(passphrase_of(self.db) is None)
        self.forget_plain_action = act(practice, "&Overwrite and remove the plain copy",
                                       lambda: security.forget_plain_copies(self))
        security.remind_plain_copies(self)
        practice.addSeparator()
        act(practice, "&Quit", self.quit, "Ctrl+Q")  # the platform's Quit key may be empty
        client = self.menuBar().addMenu("&Client")
        act(client, "&New client…", self.new_client.click, QKeySequence.StandardKey.New)
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut in (
                ("edit", "&Edit details…", "Ctrl+E"), ("order", "Prescriber's &order…", None),
                ("thresholds", "&Thresholds…", None), ("screening", "S&creening…", None),
                ("course", "Start co&urse…", None), ("end_course", "En&d course…", None),
                ("schedule", "&Schedule session…", None),
                ("outcome", "&Record outcome score…", None),
                ("overview", "Course o&verview and charts…", "Ctrl+G"),
                ("export", "E&xport course summary…", None),
                ("start", "Start &medication session…", "Ctrl+R"),
                ("emergency", "Emer&gency card", "F2"), ("audit", "&Audit trail…", None),
                ("archive", "Arc&hive / restore", None)):
            self.actions[key] = act(client, text, lambda _=False, k=key: self.client_action(k),
                                    shortcut)

    def add_client(self) -> None:
        dialog = dialogs.client_details(self.db, None, self)
        # the list refreshes from the change; then the new client is the one shown
        dialog.saved.connect(lambda client_id: self.reload(select=client_id))
        self.open_dialog(dialog)

    def edit_practice(self) -> None:
        dialog = dialogs.practice_details(self.db, self)
        dialog.saved.connect(lambda _: self._show_practice_name())
        self.open_dialog(dialog)

    def _show_practice_name(self) -> None:
        name = (get_practice(self.db) or {}).get("name", "kapdesk")
        self.practice_name.setText(name)
        self.setWindowTitle(f"kapdesk — {name}")

    def refresh_clock(self) -> None:
        self.view.show_time(local(self.clock.now()))

    def reload(self, select: int | None = None) -> None:
        current = select or (self.page.client or {}).get("id")
        rows = list_clients(self.db, include_archived=self.show_archived.isChecked())
        self._page_shown = False
        shown = self.view.show_clients(rows, current)
        if not self._page_shown:  # a changed selection has shown the page already
            self.page.show_client(client_row(self.db, shown) if shown is not None else None)

    def selected_client(self) -> dict[str, Any] | None:
        return self.page.client

    def _client_changed(self, current, _previous) -> None:
        self._page_shown = True
        client = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        self.page.show_client(client_row(self.db, client["id"]) if client else None)

    def client_action(self, key: str) -> None:
        client = self.page.client
        if client is None:
            self.statusBar().showMessage("Choose a client first.", 5000)
            return
        if key == "start":
            running = running_session(self.db)
            if running is not None:  # one session at a time: go back to it
                self.open_session(running)
                return
            preflight = dialogs.preflight(self.db, client["id"], self.clock.now, self)
            preflight.saved.connect(self.open_session)
            self.open_dialog(preflight)
            return
        if key == "export":
            self.open_dialog(dialogs.export(self.db, client["id"], self))
            return
        if key == "overview":  # a window of its own, beside the practice window
            self.course_window = dialogs.course_overview(self.db, client["id"])
            self.course_window.show()
            self.course_window.raise_()
            return
        if key == "audit":
            self.open_audit(client["id"])
            return
        if key == "schedule" and not self.page.schedule.isEnabled():  # as its button says
            self.statusBar().showMessage(
                f"{client['display_name']} has no course in progress: start one first "
                "(Client ▸ Start course…), then schedule its sessions.", 8000)
            return
        if key == "archive":
            change = restore_client if client["archived_at"] else archive_client
            run_op(lambda: change(self.db, client["id"]), show=self.say_refusal,
                   change=Change(client_id=client["id"]))
            return
        try:
            dialog = dialogs.CLIENT_DIALOGS[key](self.db, client["id"], self)
        except KapdeskError as exc:
            self.statusBar().showMessage(message(exc), 8000)
            return
        self.open_dialog(dialog)

    def quit(self) -> None:
        """Quitting never ends a session: while one runs, say so and let the therapist
        choose; the session resumes, at the right time, when kapdesk opens again."""
        if running_session(self.db) is not None:
            box = QMessageBox(QMessageBox.Icon.NoIcon, "Quit kapdesk?",
                              "A session is running. It keeps running while kapdesk is closed: "
                              "its clock goes on, and opening kapdesk returns to it at the right "
                              "time with everything recorded so far.",
                              parent=self.session_window if self.session_window
                              and self.session_window.isVisible() else self)
            quit_button = box.addButton("Quit; the session resumes later",
                                        QMessageBox.ButtonRole.AcceptRole)
            stay = box.addButton("Stay", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(stay)
            box.exec()
            if box.clickedButton() is not quit_button:
                return
        if self.session_window is not None:
            self.session_window.close()
        QApplication.closeAllWindows()

    def open_audit(self, client_id: int | None) -> None:
        dialog = dialogs.audit_trail(self.db, self)
        dialog.show_client(client_id)
        self.open_dialog(dialog)

    def find_client(self) -> None:
        """Ctrl+F: the words in "Find a client", selected, so typing replaces them."""
        self.search.setFocus()
        self.search.selectAll()

    def search_notes(self) -> None:
        dialog = dialogs.search_notes(self.db, self, self.db_path)
        # The review opens over the search, and closing it returns there: its button says
        # so ("Back to practice" led back to the search, found by a first-time user).
        dialog.open_note.connect(lambda sid, at: self.open_past(sid, at,
                                                                back="Back to search"))
        self.open_dialog(dialog)

    def open_past(self, session_id: int, at: str | None = None, *,
                  back: str = "Back to practice") -> None:
        """A session from the record: the live window while it runs; afterwards a medication
        session replays in the same window, read-only, at the chosen moment. ``back`` names
        where closing a review returns."""
        row = get_session(self.db, session_id)
        if row["started_at"] and not row["ended_at"] and row["kind"] == "medication":
            self.open_session(session_id)
        elif row["kind"] == "medication" and row["ended_at"]:
            self._audit_viewing(session_id)
            review = dialogs.session_window(self.db, session_id, self.clock, self.audio)
            review.lock_requested.connect(self.locker.lock)
            review.view.back_button.setText(back)
            self.review_window = review
            review.show()
            if at:
                review.focus_moment(parse_instant(at))
        elif row["kind"] == "integration" and row["medication_session_id"]:
            try:
                integration = dialogs.integration_window(self.db, session_id, self.clock)
            except KapdeskError as exc:
                self.statusBar().showMessage(message(exc), 8000)
                return
            integration.back_button.setText(back)
            self.review_window = integration
            self._audit_viewing(row["medication_session_id"], session_id)
            integration.show()
            if at:  # from a search result: its note chosen
                integration.show_note_at(parse_instant(at))
        elif row["started_at"]:
            self._audit_viewing(session_id)
            self.open_dialog(dialogs.notes_review(self.db, session_id, at, self))
        else:
            self.statusBar().showMessage("That session has not taken place yet.", 5000)

    def _audit_viewing(self, *session_ids: int) -> None:
        """Reading a past session's private process notes goes into the audit trail; a
        refused write is said, and the notes still open: the record is the therapist's."""
        for session_id in session_ids:
            run_op(lambda s=session_id: viewed_session(self.db, s), show=self.say_refusal,
                   change=Change(session_id=session_id))

    def open_session(self, session_id: int) -> None:
        """The live window takes over the screen; the practice window returns after."""
        self.session_window = dialogs.session_window(self.db, session_id, self.clock,
                                                     self.audio)
        self.session_window.closed.connect(self._session_closed)
        self.session_window.quit_requested.connect(self.quit)
        self.session_window.lock_requested.connect(self.locker.lock)
        self.session_window.show()
        self.hide()

    def _session_closed(self) -> None:
        """The practice window returns on the session's client (after a resume it had
        opened on the first client, found by a first-time user), showing what changed."""
        self.show()  # first: a message shown while hidden was drawn over the offline line
        if self.session_window is not None:
            self.reload(select=self.session_window.record.session["client_id"])
            if self.session_window.farewell:
                self.statusBar().showMessage(self.session_window.farewell, 20000)
        self.care.session_closed()

    def check_practice(self) -> None:
        self.care.check_practice()

    def open_backups(self) -> None:
        from kapdesk.ui.backups_dialog import BackupsDialog

        self.open_dialog(BackupsDialog(self))

    def request_reopen(self, *, restore_from: Path) -> None:
        """Close every window so the practice file can be replaced by ``restore_from``; the
        app's start restores it and opens the practice again."""
        self.restore_from = restore_from
        QApplication.closeAllWindows()

    def open_dialog(self, dialog: QDialog) -> None:
        """Window-modal and non-blocking; what it saves shows at once, through the change
        it announces."""
        self.dialog = dialog
        dialog.open()

    def say_refusal(self, refusal: Refusal) -> None:
        self.statusBar().showMessage(refusal.text, 8000)
