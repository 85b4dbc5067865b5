"""Every window runs its writes one way: a refusal or a failure is said in that window, and
a change made in one window shows in the others without either calling the other."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt

from gui import key, type_vitals
from kapdesk.practice.queries import list_clients


def test_a_failure_inside_a_write_is_said_in_the_panel_and_logged(running, qtbot, monkeypatch,
                                                                   caplog):
    """Not a crash dialog: the panel says nothing was saved and that earlier work is safe;
    the therapist's typing stays, the traceback goes to the log."""
    _, sw, _ = running

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk controller said no")

    monkeypatch.setattr("kapdesk.ui.session.vitals_panel.record_vitals", broken)
    key(qtbot, sw, Qt.Key.Key_V)
    type_vitals(qtbot, sw, systolic=128, diastolic=82, heart_rate=74)
    with caplog.at_level(logging.ERROR, logger="kapdesk"):
        qtbot.keyClick(sw.vitals.fields["systolic"], Qt.Key.Key_Return)
    assert sw.vitals.error.isVisible()
    said = sw.vitals.error.text()
    assert "not saved" in said and "saved before it is safe" in said
    assert "disk controller" not in said  # the detail is for the log, not the room
    assert sw.vitals.fields["systolic"].text() == "128"
    assert "disk controller said no" in caplog.text
    assert sw.record.readings == []


def test_what_the_session_window_records_shows_in_the_practice_window(running, qtbot):
    """The practice window is hidden during the session; when it returns it shows the
    integration session the discharge scheduled, because it refreshed from the change the
    session announced, not because the session window told it to."""
    main, sw, _ = running
    before = main.page.sessions.rowCount()
    assert not main.isVisible()
    key(qtbot, sw, Qt.Key.Key_L)
    qtbot.keyClicks(sw.discharge.reason, "prescriber cleared by phone")
    assert sw.discharge.schedule.isChecked()
    qtbot.keyClick(sw.discharge.reason, Qt.Key.Key_Return)
    assert sw.ended  # the session window refreshed from its own change
    sw.close()
    assert main.isVisible()
    assert main.page.sessions.rowCount() == before + 1


def test_archiving_from_the_menu_refreshes_the_list_through_the_change(running, qtbot):
    main, sw, _ = running
    sw.close()
    shown = main.clients.rowCount()
    main.actions["archive"].trigger()
    assert main.clients.rowCount() == shown - 1
    assert len(list_clients(main.db)) == shown - 1


def test_a_refused_archive_is_said_in_the_status_bar(running, qtbot, monkeypatch):
    main, sw, _ = running
    sw.close()
    from kapdesk.domain.errors import NotAllowed

    def refuse(*_args):
        raise NotAllowed("a client with a session running cannot be archived")

    monkeypatch.setattr("kapdesk.ui.main_window.archive_client", refuse)
    shown = main.clients.rowCount()
    main.actions["archive"].trigger()
    assert "cannot be archived" in main.statusBar().currentMessage()
    assert main.clients.rowCount() == shown
