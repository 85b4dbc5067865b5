"""Search from the practice window and open the session at that moment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kapdesk.demo import build_demo
from kapdesk.storage import open_database
from kapdesk.ui.integration import IntegrationWindow
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.notes_review import NotesReview
from kapdesk.ui.search import SearchDialog
from kapdesk.ui.widgets import ElidedLabel


@pytest.fixture
def window(qtbot, themed_app, tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=date(2026, 11, 21))
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def search(window, qtbot, words, client=None):
    window.search_notes()
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog)
    if client:
        dialog.client.setCurrentIndex(dialog.client.findText(client))
    qtbot.keyClicks(dialog.query, words)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    return dialog


def test_search_finds_notes_with_the_words_lit(window, qtbot):
    dialog = search(window, qtbot, "grandmother")
    kinds = [(r["client_name"], r["session_kind"], r["kind"]) for r in dialog.results]
    assert ("Avery L.", "medication", "client_words") in kinds
    assert ("Avery L.", "integration", "integration") in kinds
    assert dialog.count.text().endswith("most relevant first")
    shown = dialog.list.itemWidget(dialog.list.item(0)).text()
    assert "<b style=" in shown and "grandmother" in shown.lower()
    assert dialog.list.hasFocus() or dialog.list.currentRow() == 0


def test_a_result_opens_the_medication_session_at_that_moment(window, qtbot):
    dialog = search(window, qtbot, "grandmother kitchen")
    row = next(i for i, r in enumerate(dialog.results) if r["session_kind"] == "medication")
    dialog.list.setCurrentRow(row)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    review = window.review_window
    qtbot.addWidget(review)
    assert review.isVisible() and review.ended
    detail = review.view.moment.text()
    assert "playing “" in detail  # what was playing when the client said it
    assert "grandmother's kitchen" in detail
    # The moment takes the panel's place without widening the review past a laptop screen
    # (the hidden note panel used to count, and the window asked for 1571 px).
    assert review.minimumSizeHint().width() <= 1280
    assert review.frameGeometry().width() <= 1280
    assert review.view.band.highlight is not None
    assert "grandmother" in review.view.log.currentItem().text()


def test_a_review_opened_from_search_says_it_goes_back_to_the_search(window, qtbot):
    """Found by a first-time user: "Back to practice" on a review opened from a search
    result led back to the search, rightly (the next result is a key away), wrongly said."""
    dialog = search(window, qtbot, "grandmother")
    for kind in ("medication", "integration"):
        dialog.choose(next(i for i, r in enumerate(dialog.results)
                           if r["session_kind"] == kind))
        review = window.review_window
        qtbot.addWidget(review)
        qtbot.waitExposed(review)
        back = next(b for b in review.findChildren(QPushButton) if b.text().startswith("Back"))
        assert back.isVisible() and back.text() == "Back to search"
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda r=review: not r.isVisible())
        assert window.dialog is dialog and dialog.isVisible()


def test_a_result_among_many_notes_is_marked_in_view_in_its_moment(window, qtbot):
    """Found by a first-time user on a busy session: the moment list opened at the notes
    five minutes before the one searched for, which was out of sight and unmarked; and
    the log's heading above the review's buttons read "Th…"."""
    from kapdesk.domain.timeutil import parse_instant
    from kapdesk.practice.session import add_note

    session, started = window.db.execute(
        "SELECT id, started_at FROM sessions WHERE kind = 'medication' AND ended_at "
        "IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    for second in range(0, 300, 20):  # fifteen notes in the five minutes before it
        add_note(window.db, session, "observation", f"Still, breathing slowly, {second} s in.",
                 at=parse_instant(started) + timedelta(minutes=40, seconds=second))
    add_note(window.db, session, "client_words", "The lantern went out and I was fine.",
             at=parse_instant(started) + timedelta(minutes=45, seconds=17))
    dialog = search(window, qtbot, "lantern fine")
    assert len(dialog.results) == 1
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    review = window.review_window
    qtbot.addWidget(review)
    qtbot.waitExposed(review)
    entries = review.view.moment.entries
    assert "lantern went out" in entries.currentItem().text()
    qtbot.waitUntil(lambda: entries.viewport().rect().contains(
        entries.visualItemRect(entries.currentItem()).center()))
    log = review.view.log  # the session's log, beside it, has the note in view as well
    assert "lantern went out" in log.currentItem().text()
    qtbot.waitUntil(lambda: log.viewport().rect().contains(
        log.visualItemRect(log.currentItem()).center()))
    headings = [w for w in review.findChildren(ElidedLabel) if w.text() == "This session"]
    assert headings and all(QLabel.text(w) in ("", "This session") for w in headings)


def test_an_integration_note_opens_its_integration_session(window, qtbot):
    dialog = search(window, qtbot, "grandmother")
    row = next(i for i, r in enumerate(dialog.results) if r["session_kind"] == "integration")
    dialog.choose(row)
    review = window.review_window
    qtbot.addWidget(review)
    assert isinstance(review, IntegrationWindow) and review.ended
    assert any("grandmother" in review.notes.item(i).text() for i in range(review.notes.count()))
    assert "grandmother" in review.notes.currentItem().text()  # the note found, chosen
    assert not review.editor.isEnabled()  # a finished session is read, not rewritten
    assert not review.save_button.isEnabled()  # nor offers to save a note
    qtbot.keyClick(review.focusWidget() or review, Qt.Key.Key_Escape)  # Esc returns
    assert not review.isVisible() and window.isVisible()


def test_preparation_notes_open_as_a_list(window, qtbot):
    dialog = search(window, qtbot, "drowning")
    row = next(i for i, r in enumerate(dialog.results) if r["session_kind"] == "preparation")
    dialog.choose(row)
    assert isinstance(window.dialog, NotesReview)
    assert "drowning" in window.dialog.notes.currentItem().text()


def test_search_within_one_client(window, qtbot):
    dialog = search(window, qtbot, "intention light rest body", client="Jonah R.")
    assert dialog.results == [] or {r["client_name"] for r in dialog.results} == {"Jonah R."}
    dialog.query.clear()
    qtbot.keyClicks(dialog.query, "music")
    dialog.run()
    assert {r["client_name"] for r in dialog.results} == {"Jonah R."}
    assert dialog.results


def test_double_clicking_a_past_session_replays_it(window, qtbot):
    window.client_view.selectRow(0)
    rows = [window.page.sessions.row(r) for r in range(window.page.sessions.rowCount())]
    medication = next(r for r in rows if r["kind"] == "medication" and r["ended_at"])
    window.open_past(medication["id"])
    review = window.review_window
    qtbot.addWidget(review)
    assert review.view.phase.text() == "Session ended"
    assert review.view.log.count() > 10 and not review.player.isVisible()


def test_amend_a_note_in_review_and_see_both_versions(window, qtbot, monkeypatch):
    from gui import save, type_into

    window.client_view.selectRow(0)
    rows = [window.page.sessions.row(r) for r in range(window.page.sessions.rowCount())]
    medication = next(r for r in rows if r["kind"] == "medication" and r["number"] == 3)
    window.open_past(medication["id"])
    review = window.review_window
    qtbot.addWidget(review)
    assert review.view.amend_button.isVisible() and not review.view.amend_button.isEnabled()
    row = next(i for i, e in enumerate(review.view.log_entries) if e.kind == "note"
               and "Client's words" in e.text)
    review.view.log.setCurrentRow(row)
    assert review.view.amend_button.isEnabled() and not review.view.correct_button.isEnabled()
    review.view.amend_button.click()
    dialog = review.edit_dialog
    type_into(qtbot, dialog, "body", "There was a wall, and then there wasn't. She laughed.")
    save(qtbot, dialog)
    line = next(review.view.log.item(i).text() for i in range(review.view.log.count())
                if "She laughed" in review.view.log.item(i).text())
    assert "(amended" in line and "first written: “There was a wall and then there wasn't.”" \
        in line
    vitals_row = next(i for i, e in enumerate(review.view.log_entries) if e.kind == "vitals")
    review.view.log.setCurrentRow(vitals_row)
    review.view.correct_button.click()
    correction = review.edit_dialog
    save(qtbot, correction)
    assert "needs its reason" in correction.error.text()
    type_into(qtbot, correction, "reason", "recorded on the wrong checkpoint sheet")
    type_into(qtbot, correction, "heart_rate", "77")
    save(qtbot, correction)
    texts = [review.view.log.item(i).text() for i in range(review.view.log.count())]
    assert any("(replaced by a correction)" in t for t in texts)
    assert any("corrected: recorded on the wrong checkpoint sheet" in t for t in texts)


def test_every_result_shows_its_whole_text_and_arrows_reach_them(window, qtbot):
    """Reached by its shortcut; the words typed, Down, Down, Enter opens the second result.
    No result's text is cut: each row is at least as tall as its wrapped text."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.dialog
    assert isinstance(dialog, SearchDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.query, "breathing")
    qtbot.waitUntil(lambda: dialog.list.count() > 2)
    qtbot.wait(50)
    for row in range(dialog.list.count()):
        text = dialog.list.itemWidget(dialog.list.item(row))
        assert text.height() >= text.heightForWidth(text.width()), f"row {row} is cut"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    assert dialog.list.hasFocus() and dialog.list.currentRow() == 0
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    second = dialog.results[1]
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert second["session_kind"] == "medication"
    assert window.review_window.isVisible()
    assert window.review_window.record.id == second["session_id"]


def test_a_damaged_index_is_said_not_shown_as_no_match(window, qtbot, monkeypatch):
    """Found by a first-time user: on a damaged file search listed nothing, no word why."""
    from kapdesk.sqlite_driver import sqlite
    from kapdesk.ui import search as search_window

    def damaged(*_args, **_kwargs):
        raise sqlite.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(search_window, "find_notes", damaged)
    dialog = search(window, qtbot, "grandmother")
    assert "damaged" in dialog.count.text() and dialog.list.count() == 0
    assert window.banner.isVisible()  # and said once across the top, with the way out


def test_typing_searches_off_the_window_and_the_newest_words_win(demo_window, qtbot):
    """Search as one types runs on a thread of its own (a ten-year practice takes tens of
    milliseconds a search); an answer overtaken by later typing is never shown."""
    demo_window.search_notes()
    dialog = demo_window.dialog
    assert isinstance(dialog, SearchDialog) and dialog._worker is not None
    qtbot.keyClicks(dialog.query, "grandmother")
    qtbot.waitUntil(lambda: dialog.list.count() > 0, timeout=5000)
    assert all("grandmother" in r["body"].lower() for r in dialog.results)
    dialog.query.selectAll()
    qtbot.keyClicks(dialog.query, "breath")
    qtbot.waitUntil(lambda: bool(dialog.results) and all(
        "breath" in r["body"].lower() for r in dialog.results), timeout=5000)
    assert dialog.count.text().endswith("most relevant first")


def test_alt_n_puts_the_newest_notes_first(demo_window, qtbot):
    demo_window.search_notes()
    dialog = demo_window.dialog
    assert isinstance(dialog, SearchDialog)
    qtbot.keyClicks(dialog.query, "breath")
    qtbot.waitUntil(lambda: dialog.list.count() > 1, timeout=5000)
    assert dialog.count.text().endswith("most relevant first")
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.count.text().endswith("newest first")
                    and "relevant" not in dialog.count.text(), timeout=5000)
    times = [r["at"] for r in dialog.results]
    assert len(times) > 1 and times == sorted(times, reverse=True)


def add_lantern_notes(db, count: int) -> None:
    """``count`` notes holding "lantern", a minute apart, in the first session held."""
    from kapdesk.domain.timeutil import parse_instant
    from kapdesk.practice.session import add_note

    session, started = db.execute("SELECT id, started_at FROM sessions WHERE started_at IS "
                                  "NOT NULL ORDER BY id LIMIT 1").fetchone()
    for minute in range(count):
        add_note(db, session, "observation", f"Lantern light, minute {minute}.",
                 at=parse_instant(started) + timedelta(minutes=minute))


def lantern_search(demo_window, qtbot, notes: int):
    """``notes`` notes holding "lantern", searched for from the practice window's
    Ctrl+Shift+F; the dialog once its first 50 results show."""
    add_lantern_notes(demo_window.db, notes)
    qtbot.keyClick(demo_window.focusWidget() or demo_window, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(demo_window.dialog, SearchDialog))
    dialog = demo_window.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.query, "lantern")
    qtbot.waitUntil(lambda: dialog.list.count() == 50, timeout=5000)
    return dialog


def test_a_full_list_says_how_many_notes_match_in_all(demo_window, qtbot):
    """Found by a first-time user: on a ten-year practice the list said "50 notes" where
    30,524 matched, and nothing hinted at the rest."""
    add_lantern_notes(demo_window.db, 55)
    demo_window.search_notes()
    dialog = demo_window.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.query, "lantern")
    qtbot.waitUntil(lambda: dialog.list.count() == 50, timeout=5000)
    assert dialog.count.text() == ("The 50 most relevant of 55 notes; more words narrow "
                                   "the search")
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.newest_first.isChecked)  # a mnemonic clicks after a moment
    assert dialog.focusWidget() is dialog.query  # not left on the box
    qtbot.keyClicks(dialog.query, " minute 7")  # typing goes on in the search words
    assert dialog.query.text() == "lantern minute 7"
    qtbot.waitUntil(lambda: dialog.count.text() == "1 note, newest first")


def test_a_word_in_more_notes_than_are_ranked_says_which_were_ranked(demo_window, qtbot,
                                                                      monkeypatch):
    """On a ten-year practice a common word is ranked among the matches added last: the
    line under the search says so (newest first, every match is counted)."""
    from kapdesk.storage import search

    monkeypatch.setattr(search, "RANKED_AMONG", 52)
    dialog = lantern_search(demo_window, qtbot, 55)
    assert dialog.count.text() == ("55 notes match: the 50 most relevant of the latest 52; "
                                   "more words narrow the search")
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.count.text() == ("The 50 newest of 55 notes; more words "
                                                    "narrow the search"), timeout=5000)


def test_while_a_search_runs_the_line_says_so_and_the_first_result_is_current(demo_window,
                                                                              qtbot):
    """Found by a first-time user: the list kept the last words' notes ("garden" lit
    while the box said "gri"), and tabbing into it showed no current row, so the first
    Down went to the second result."""
    demo_window.search_notes()
    dialog = demo_window.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.query, "breath")
    assert dialog.count.text() == "Searching…"
    qtbot.waitUntil(lambda: dialog.count.text().endswith("most relevant first"), timeout=5000)
    assert dialog.list.count() > 1 and dialog.list.currentRow() == 0
    first = dialog.results[0]["id"]
    qtbot.keyClicks(dialog.query, " xyzzy")
    assert dialog.count.text() == "Searching…"  # the breath notes are still listed
    qtbot.waitUntil(lambda: dialog.count.text() == "No note matches.", timeout=5000)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Backspace)
    for _ in range(6):
        qtbot.keyClick(dialog.query, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: dialog.list.count() > 1, timeout=5000)
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.list.currentRow() == 1 and dialog.results[0]["id"] == first


def test_alt_m_shows_the_next_results_and_the_keyboard_goes_on_there(demo_window, qtbot):
    """Past the first 50, a therapist looking for one note can read on instead of
    guessing more words: Alt+M shows the next ones, up to every match."""
    dialog = lantern_search(demo_window, qtbot, 75)
    assert dialog.more.isVisible()
    first_page = [r["id"] for r in dialog.results]
    qtbot.keyClick(dialog.query, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.list.count() == 75, timeout=5000)
    assert [r["id"] for r in dialog.results][:50] == first_page  # the same order, extended
    assert dialog.count.text() == "75 notes, most relevant first"
    assert not dialog.more.isVisible()  # nothing more to show
    assert dialog.list.currentRow() == 50 and dialog.focusWidget() is dialog.list
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.list.currentRow() == 51
    # New words start again from the first 50.
    dialog.query.setFocus()
    qtbot.keyClicks(dialog.query, " light")
    qtbot.waitUntil(lambda: dialog.list.count() == 50, timeout=5000)
    assert dialog.more.isVisible() and dialog.list.currentRow() == 0


def test_no_more_to_show_means_no_button(demo_window, qtbot):
    demo_window.search_notes()
    dialog = demo_window.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.query, "breath")
    qtbot.waitUntil(lambda: dialog.count.text().endswith("most relevant first"), timeout=5000)
    assert not dialog.more.isVisible()
    qtbot.keyClick(dialog.query, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert dialog.count.text().endswith("most relevant first")  # nothing asked, nothing said


def test_enter_in_the_search_words_does_not_ask_for_more(demo_window, qtbot):
    """A dialog's first button answers Enter unless told not to: Enter in the words goes
    to the results, never to "Show 50 more"."""
    dialog = lantern_search(demo_window, qtbot, 75)
    dialog.query.setFocus()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert dialog.list.count() == 50 and dialog.list.currentRow() == 0
    assert dialog.focusWidget() is dialog.list


def test_the_list_says_when_it_holds_all_it_can(demo_window, qtbot, monkeypatch):
    from kapdesk.ui import search as search_window

    monkeypatch.setattr(search_window, "MOST", 100)
    dialog = lantern_search(demo_window, qtbot, 120)
    top = dialog.list.geometry().top()
    qtbot.keyClick(dialog.query, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.list.count() == 100, timeout=5000)
    assert dialog.count.text() == ("The 100 most relevant of 120 notes; the list holds 100; "
                                   "more words narrow the search")
    assert not dialog.more.isVisible()
    assert len({r["id"] for r in dialog.results}) == 100  # the second page, not the first again
    qtbot.keyClicks(dialog.query, " l")
    assert dialog.count.text() == "Searching…"
    assert dialog.list.geometry().top() == top  # the results do not jump as one types


def test_up_from_the_first_result_or_ctrl_f_returns_to_the_words(demo_window, qtbot):
    """Found by a first-time user: from the results, the words took three Shift+Tabs (two
    landed on the client box, where typing vanished)."""
    demo_window.search_notes()
    dialog = demo_window.dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.query, "breath")
    qtbot.waitUntil(lambda: dialog.list.count() > 2, timeout=5000)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.list.currentRow() == 1
    qtbot.keyClick(dialog.list, Qt.Key.Key_Up)
    assert dialog.list.currentRow() == 0 and dialog.focusWidget() is dialog.list
    qtbot.keyClick(dialog.list, Qt.Key.Key_Up)
    assert dialog.focusWidget() is dialog.query
    qtbot.keyClicks(dialog.query, "ing")
    assert dialog.query.text() == "breathing"
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dialog.focusWidget() is dialog.query and dialog.query.selectedText() == "breathing"
