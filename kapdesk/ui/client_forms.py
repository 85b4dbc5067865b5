"""Editors for the people of the practice: a client, a prescriber."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from kapdesk.domain.people import clean_client, clean_prescriber
from kapdesk.practice.queries import (
    Database,
    add_client,
    add_prescriber,
    get_client,
    get_prescriber,
    list_playlists,
    list_prescribers,
    prescriber_label,
    update_client,
    update_prescriber,
)
from kapdesk.ui.forms import FormDialog, combo, line

CREDENTIALS = ["MD", "DO", "NP", "PMHNP-BC", "PA-C", "MD, psychiatry"]


def playlist_options(db: Database) -> list[tuple[str, Any]]:
    rows = list_playlists(db)
    return [("None", None)] + [(r["name"], r["id"]) for r in rows]


def prescriber_options(db: Database) -> list[tuple[str, Any]]:
    return [("Not yet known", None)] + [(prescriber_label(p), p["id"])
                                        for p in list_prescribers(db)]


class ClientDialog(FormDialog):
    """New client, or edit one. The display name is what every screen shows."""

    def __init__(self, db: Database, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self.db = db
        self.client_id = client_id
        client = get_client(db, client_id) if client_id else {}
        super().__init__("Edit client" if client_id else "New client", self._save, parent,
                         intro="The display name is what kapdesk shows on screen; the legal "
                               "name appears only on this form and in records you export.")
        get = client.get
        self.add("display_name", "Display name", line(get("display_name", ""), "e.g. Robin T."))
        self.add("legal_name", "Legal name", line(get("legal_name", "")))
        self.add("pronouns", "Pronouns", line(get("pronouns", ""), "e.g. she/her"))
        self.add("date_of_birth", "Date of birth",
                 line(get("date_of_birth") or "", "YYYY-MM-DD"))
        self.add("prescriber_id", "Prescriber",
                 combo(prescriber_options(db), get("prescriber_id")))
        self.add("emergency_name", "Emergency contact", line(get("emergency_name", "")))
        self.add("emergency_phone", "Emergency phone", line(get("emergency_phone", "")))
        self.add("ride_name", "Usual ride home", line(get("ride_name", ""), "Name"))
        self.add("ride_phone", "Ride home phone", line(get("ride_phone", "")))
        plan = QPlainTextEdit(get("safety_plan", ""))
        plan.setTabChangesFocus(True)
        plan.setPlaceholderText("Grounding steps, who to call, what to watch for")
        plan.setFixedHeight(90)
        self.add("safety_plan", "Safety plan", plan)
        playlists = playlist_options(db)
        box = self.add("preferred_playlist_id", "Preferred playlist",
                       combo(playlists, get("preferred_playlist_id")))
        if len(playlists) == 1:
            box.setEnabled(False)
            box.setToolTip("No playlists yet: they come with the music library.")

    def check(self, values: dict[str, Any]) -> None:
        clean_client(values)

    def _save(self, values: dict[str, Any]) -> int:
        if self.client_id:
            update_client(self.db, self.client_id, **values)
            return self.client_id
        return add_client(self.db, **values)


class PrescriberDialog(FormDialog):
    def __init__(self, db: Database, prescriber_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        self.db = db
        self.prescriber_id = prescriber_id
        row = get_prescriber(db, prescriber_id) if prescriber_id else {}
        super().__init__("Edit prescriber" if prescriber_id else "New prescriber", self._save,
                         parent)
        get = row.get
        self.add("name", "Name", line(get("name", ""), "e.g. Dr. Jane Doe"))
        self.add("credentials", "Credentials",
                 combo([(c, c) for c in CREDENTIALS], get("credentials") or "", editable=True))
        self.add("phone", "Office phone", line(get("phone", "")))
        self.add("on_call_phone", "On-call phone", line(get("on_call_phone", ""),
                                                        "shown on the emergency card"))
        self.add("email", "Email", line(get("email", "")))
        self.add("practice", "Practice", line(get("practice", "")))

    def check(self, values: dict[str, Any]) -> None:
        clean_prescriber(values)

    def _save(self, values: dict[str, Any]) -> int:
        if self.prescriber_id:
            update_prescriber(self.db, self.prescriber_id, **values)
            return self.prescriber_id
        return add_prescriber(self.db, **values)
