"""A PRN medication is recorded with its medicine, dose and reason, against the order's list."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gui import key, type_into
from kapdesk.export.summary import session_summary
from kapdesk.storage.prescriptions import current_order
from kapdesk.storage.sessions import load_session


def test_the_order_lists_the_prn_medicines_the_prescriber_allows(db, ready, qtbot, themed_app):
    from kapdesk.ui.main_window import MainWindow

    main = MainWindow(db)
    qtbot.addWidget(main)
    main.show()
    main.actions["order"].trigger()
    dialog = main.dialog
    type_into(qtbot, dialog, "prn_medicines", "ondansetron 4 mg ODT;  lorazepam 0.5 mg ; ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    order = current_order(db, ready)
    assert order["prn_medicines"] == "ondansetron 4 mg ODT; lorazepam 0.5 mg"
    assert "PRN allowed: ondansetron 4 mg ODT; lorazepam 0.5 mg" in main.page.card.order.text()


def _order_with_prn(db, client_id) -> None:
    order = current_order(db, client_id)
    db.execute("UPDATE orders SET prn_medicines = ? WHERE id = ?",
               ("ondansetron 4 mg ODT", order["id"]))


def test_p_asks_for_medicine_dose_and_reason(db, ready, clock, qtbot, running):
    _, sw, sid = running
    _order_with_prn(db, ready)
    sw.reload()
    key(qtbot, sw, Qt.Key.Key_P)
    assert sw.view.panels.currentWidget() is sw.prn
    assert "The order allows: ondansetron 4 mg ODT" in sw.prn.info.text()
    assert sw.prn.medicine.currentText() == "ondansetron 4 mg ODT"  # the only one: offered
    key(qtbot, sw, Qt.Key.Key_Return)
    assert sw.prn.error.text() == "Dose given is required"
    assert load_session(db, sid).events == []  # nothing recorded on a refusal
    sw.prn.dose.setFocus()
    qtbot.keyClicks(sw.prn.dose, "4 mg")
    sw.prn.reason.setFocus()
    qtbot.keyClicks(sw.prn.reason, "nausea after the dose")
    key(qtbot, sw, Qt.Key.Key_Return)
    [event] = load_session(db, sid).events
    assert event["kind"] == "prn"
    assert event["detail"] == "ondansetron 4 mg ODT 4 mg, for nausea after the dose"
    assert sw.view.panels.currentWidget() is sw.notes  # back to the keys
    [exported] = session_summary(db, sid)["events"]
    assert exported["adverse"] and "for nausea after the dose" in exported["detail"]


def test_a_medicine_off_the_list_is_recorded_as_such(db, ready, clock, qtbot, running):
    _, sw, sid = running
    _order_with_prn(db, ready)
    sw.reload()
    key(qtbot, sw, Qt.Key.Key_P)
    sw.prn.medicine.setEditText("")
    qtbot.keyClicks(sw.prn.medicine.lineEdit(), "lorazepam")
    assert "Not on the order's PRN list" in sw.prn.info.text()
    sw.prn.dose.setText("0.5 mg")
    sw.prn.reason.setText("panic, prescriber called")
    key(qtbot, sw, Qt.Key.Key_Return)
    [event] = load_session(db, sid).events
    assert event["detail"].endswith("(not on the order's PRN list)")
