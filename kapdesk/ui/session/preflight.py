"""The short check before the clock starts: names anything missing, then starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QWidget

from kapdesk.domain.errors import InvalidInput
from kapdesk.domain.protocol_choice import disagreement
from kapdesk.practice.live import (
    NO_MUSIC,
    begin_medication_session,
    next_medication_to_start,
    past_timings_for,
    preflight_cautions,
    preflight_for,
)
from kapdesk.practice.protocols import protocol_for_client
from kapdesk.practice.queries import Database, course_numbers, get_client
from kapdesk.ui.client_forms import playlist_options
from kapdesk.ui.forms import FormDialog, combo, line
from kapdesk.ui.screen_fit import grow_to_content
from kapdesk.ui.theme import COLORS


class PreflightDialog(FormDialog):
    LEAVE_ANSWERS = ("Leave", "Keep writing")

    def __init__(self, db: Database, client_id: int, now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        self.db, self.client_id, self.now = db, client_id, now
        client = get_client(db, client_id)
        super().__init__(f"Start {self._which(db, client_id)} · {client['display_name']}",
                         self._save,
                         parent, save_label="Start session",
                         window_title="Start a medication session")
        said = preflight_cautions(db, client_id, now=now())
        if said:  # said first, in amber; they do not stop the start
            cautions = QLabel("\n".join(f"⚑ {line}" for line in said))
            cautions.setObjectName("warning")
            cautions.setWordWrap(True)
            self.add_block(cautions)
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        self.add_block(self.checklist)
        intention = QPlainTextEdit()
        intention.setTabChangesFocus(True)
        intention.setFixedHeight(70)
        intention.setPlaceholderText("In the client's words")
        self.add("intention", "Intention", intention)
        self.add("ride_home_name", "Ride home", line(client["ride_name"], "who drives"))
        self.add("ride_home_phone", "Ride phone", line(client["ride_phone"]))
        self.add("ride_confirmed", "", QCheckBox("ride home confirmed for today; no driving"))
        self.playlists = playlist_options(db)
        if len(self.playlists) > 1:
            options = [("Choose…", None), *self.playlists[1:], ("No music this session",
                                                                  NO_MUSIC)]
            self.add("playlist_id", "Music", combo(options, client["preferred_playlist_id"]))
        choice = protocol_for_client(db, client_id)
        self.order_route = choice.order_route
        self.offered = choice.offered
        self.add("protocol", "Protocol", combo([(p.title, i) for i, p in enumerate(self.offered)],
                                               self.offered.index(choice.suggested)),
                 hint="The session plan: phases, prompts and scheduled vitals (Practice → "
                      "Protocols… edits the practice's own)")
        self.route_remark = QLabel()
        self.route_remark.setObjectName("warning")
        self.route_remark.setWordWrap(True)
        self.add_block(self.route_remark)
        self.past = QLabel()
        self.past.setObjectName("muted")
        self.past.setWordWrap(True)
        self.add_block(self.past)
        self._past_lines: dict[str, str] = {}  # by route: read once each
        self.update_checklist()

    def update_checklist(self, values: dict[str, Any] | None = None) -> list:
        values = values or self.values()
        checks = preflight_for(self.db, self.client_id, intention=values["intention"],
                               ride_confirmed=values["ride_confirmed"]
                               and bool(values["ride_home_name"]),
                               playlist_id=values.get("playlist_id"))
        cells = []
        for check in checks:
            mark, color = ("✓", COLORS["within"]) if check.ok else ("•", COLORS["incomplete"])
            fix = "" if check.ok else f" <span style='color:{COLORS['muted']}'>— {check.fix}</span>"
            cells.append(f"<span style='color:{color}'>{mark} {check.label}</span>{fix}")
        # Two columns: the pre-flight keeps room for the protocol and past-timings lines
        # on a 720-line screen. Something to fix spans its row, so its words have room.
        rows, pending = [], list(cells)
        while pending:
            first = pending.pop(0)
            if "—" in first or not pending or "—" in pending[0]:
                rows.append(f"<tr><td colspan='2'>{first}</td></tr>")
            else:
                rows.append(f"<tr><td width='50%'>{first}</td><td>{pending.pop(0)}</td></tr>")
        self.checklist.setText("<table cellspacing='0' cellpadding='1' width='100%'>"
                               + "".join(rows) + "</table>")
        if hasattr(self, "route_remark"):
            chosen = self.offered[values["protocol"]]
            if chosen.route not in self._past_lines:
                self._past_lines[chosen.route] = past_timings_for(
                    self.db, self.client_id, route=chosen.route).line()
            self.past.setText(self._past_lines[chosen.route])
            self.past.setVisible(bool(self.past.text()))
            remark = disagreement(chosen, self.order_route)
            self.route_remark.setText(remark)
            if bool(remark) != self.route_remark.isVisibleTo(self):
                self.route_remark.setVisible(bool(remark))
                grow_to_content(self)  # the line below it stays in view
        self.save_button.setEnabled(all(c.ok for c in checks))
        return checks

    def check(self, values: dict[str, Any]) -> None:
        checks = self.update_checklist(values)
        missing = [c for c in checks if not c.ok]
        if missing and self._tried:
            raise InvalidInput("", f"Not ready: {missing[0].label.lower()} — {missing[0].fix}")

    @staticmethod
    def _which(db: Database, client_id: int) -> str:
        """Which session the Start begins, as the session window will name it (a
        first-time user could not tell from the form)."""
        upcoming = next_medication_to_start(db, client_id)
        if upcoming is None:  # no course in progress: the checklist says so
            return "a medication session"
        course_id, number = upcoming
        course_no = course_numbers(db, client_id).get(course_id)
        return f"medication session {number}" + (f" of course {course_no}" if course_no
                                                 else "")

    def _save(self, values: dict[str, Any]) -> int:
        return begin_medication_session(
            self.db, self.client_id, at=self.now(), intention=values["intention"],
            ride_home_name=values["ride_home_name"], ride_home_phone=values["ride_home_phone"],
            ride_confirmed=values["ride_confirmed"], playlist_id=values.get("playlist_id"),
            protocol=self.offered[values["protocol"]])

    def leave_question(self) -> str:
        """Esc or Cancel: nothing starts. An intention already written is given up only
        when the therapist says so (found by a first-time user: Esc lost it silently)."""
        if self.fields["intention"].toPlainText().strip():
            return "Leave without starting? The intention you wrote is not kept."
        return super().leave_question()
