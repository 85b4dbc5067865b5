"""Practice → Protocols…, driven through its widgets: a template copied and edited, checked
as it is typed, saved as a new version, and offered by the next pre-flight."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from conftest import answer_next_box
from gui import menu_item
from kapdesk.practice.protocols import own_protocols, protocol_versions
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.protocol_editor import ProtocolEditor
from kapdesk.ui.protocols import ProtocolsDialog


def open_protocols(db, qtbot) -> tuple[MainWindow, ProtocolsDialog]:
    main = MainWindow(db)
    qtbot.addWidget(main)
    main.show()
    practice_menu = main.menuBar().actions()[0].menu()
    action = menu_item(practice_menu, "Protocols…")
    assert isinstance(action, QAction) and action.shortcut().toString() == "Ctrl+Shift+P"
    action.trigger()
    dialog = main.dialog
    assert isinstance(dialog, ProtocolsDialog) and dialog.isVisible()
    return main, dialog


def row_of(dialog: ProtocolsDialog, name: str) -> int:
    return next(r for r in range(dialog.model.rowCount())
                if dialog.model.index(r, 0).data() == name)


def edit_row(qtbot, dialog: ProtocolsDialog, row: int) -> ProtocolEditor:
    dialog.view.selectRow(row)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    editor = dialog.editor
    assert isinstance(editor, ProtocolEditor) and editor.isVisible()
    return editor


def step_row(editor: ProtocolEditor, label: str) -> int:
    return next(r for r in range(editor.table.rowCount())
                if editor.cells(r)["label"].text() == label)


def test_a_template_is_copied_edited_checked_and_saved_as_a_new_version(db, qtbot,
                                                                        themed_app):
    _, dialog = open_protocols(db, qtbot)
    assert dialog.model.rowCount() == 4  # the templates, before the practice has its own
    editor = edit_row(qtbot, dialog, row_of(dialog, "Intravenous infusion"))
    [own] = own_protocols(db)
    assert (own.name, own.version) == ("Intravenous infusion", 1)  # copied: now its own
    assert editor.save_button.isEnabled()

    # The infusion runs longer: its end moved past the return phase's start is refused,
    # by name, as it is typed.
    infusion = step_row(editor, "Infusion")
    end_minutes = editor.cells(infusion)["end"].minutes
    end_minutes.selectAll()
    qtbot.keyClicks(end_minutes, "50")
    assert "Phases 4 (Infusion) and 7 (Return) overlap by 10 min." in editor.problems.text()
    assert not editor.save_button.isEnabled()
    return_start = editor.cells(step_row(editor, "Return"))["start"].minutes
    return_start.selectAll()
    qtbot.keyClicks(return_start, "50")
    assert editor.problems.text() == "" and editor.save_button.isEnabled()

    # Blood pressure every 15 minutes instead of 10; sedation is not rated in this room.
    every = editor.cells(step_row(editor, "BP during the infusion"))["every"]
    every.selectAll()
    qtbot.keyClicks(every, "15")
    qtbot.mouseClick(editor.scales["sedation"], Qt.MouseButton.LeftButton)
    editor.activateWindow()  # the offscreen platform activates a window only when asked
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not editor.isVisible()

    [saved] = own_protocols(db)
    assert saved.version == 2 and saved.family == own.family
    assert [v["version"] for v in protocol_versions(db, own.family)] == [2, 1]
    steps = {s.label: s for s in saved.steps}
    assert steps["Infusion"].end.minutes == 50 and steps["BP during the infusion"].every == 15
    assert saved.rating_scales == ("dissociation",)
    assert "Saved Intravenous infusion as version 2" in dialog.message.text()
    assert dialog.model.index(row_of(dialog, "Intravenous infusion"), 4).data() == "version 2"


def test_a_new_step_needs_a_label_and_a_removed_one_is_gone(db, qtbot, themed_app):
    _, dialog = open_protocols(db, qtbot)
    editor = edit_row(qtbot, dialog, row_of(dialog, "Sublingual lozenge"))
    before = editor.table.rowCount()
    qtbot.mouseClick(next(b for b in editor.findChildren(type(editor.save_button))
                          if b.text() == "&Add step"), Qt.MouseButton.LeftButton)
    assert editor.table.rowCount() == before + 1
    assert f"Step {before + 1} needs a label." in editor.problems.text()
    qtbot.keyClicks(editor.cells(before)["label"], "Music shifts softer")
    assert editor.save_button.isEnabled()
    editor.table.selectRow(step_row(editor, "Mid-session vitals (optional)"))
    qtbot.mouseClick(next(b for b in editor.findChildren(type(editor.save_button))
                          if b.text() == "&Remove step"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    labels = [s.label for s in own_protocols(db)[0].steps]
    assert "Music shifts softer" in labels and "Mid-session vitals (optional)" not in labels


def test_esc_asks_before_giving_up_edits_and_saves_nothing(db, qtbot, themed_app):
    _, dialog = open_protocols(db, qtbot)
    editor = edit_row(qtbot, dialog, row_of(dialog, "Intramuscular injection"))
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "IM, our room")
    said = answer_next_box("Keep editing")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert said == ["Give up the changes to this protocol?\n"] and editor.isVisible()
    answer_next_box("Give up the changes")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert [p.name for p in own_protocols(db)] == ["Intramuscular injection"]  # the copy only


def test_tab_walks_each_steps_fields_and_a_slip_of_minutes_is_named(db, qtbot, themed_app):
    """Found by a first-time user: Tab skipped the From/To fields (only the mouse reached
    them), and typing 600 minutes quietly left 60."""
    _, dialog = open_protocols(db, qtbot)
    editor = edit_row(qtbot, dialog, row_of(dialog, "Intravenous infusion"))
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    cells = editor.cells(0)
    cells["label"].setFocus()
    walked = []
    for _ in range(4):
        qtbot.keyClick(editor.focusWidget(), Qt.Key.Key_Tab)
        walked.append(editor.focusWidget())
    assert walked == [cells["kind"], cells["start"].anchor, cells["start"].minutes,
                      cells["end"].anchor]
    minutes = editor.cells(step_row(editor, "Return"))["end"].minutes
    minutes.selectAll()
    qtbot.keyClicks(minutes, "600")
    assert minutes.value() == 600
    assert "lasts 560 min; a phase lasts at most 4 hours" in editor.problems.text()
    assert not editor.save_button.isEnabled()
