"""What the prescriber receives: every field, the right verdicts, and never a process note."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import T0
from kapdesk.cli import main
from kapdesk.demo import build_demo
from kapdesk.practice.course import add_course, add_screening
from kapdesk.practice.live import begin_medication_session
from kapdesk.practice.records import add_client, add_order, add_prescriber
from kapdesk.practice.session import add_note, record_discharge, record_dose, record_vitals
from kapdesk.storage import open_database
from kapdesk.storage.prescriptions import add_thresholds

CANARY = "CANARY-PROCESS-7731"


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("exports") / "demo.sqlite"
    db = open_database(path)
    build_demo(db, today=date(2026, 11, 21))
    third = next(db.query("SELECT id FROM sessions WHERE client_id = 1 AND kind = "
                          "'medication' AND number = 3"))["id"]
    add_note(db, third, "process", f"{CANARY} my countertransference",
             at=T0.replace(year=2026, month=9, day=26))
    return path, third


def test_the_session_pdf_carries_every_field(demo, tmp_path):
    path, third = demo
    target = tmp_path / "s3.pdf"
    assert main(["export", str(third), "--format", "pdf", "-o", str(target),
                 "--db", str(path), "--for", "Dr. Mara Okafor"]) == 0
    text = pdf_text(target)
    for expected in (
        "Medication session summary", "Harbourlight Therapy (demo)", "Alex Moreno, LMFT",
        "Avery L.", "Dr. Mara Okafor, MD, psychiatry", "Medication session 3 of 6",
        "26 September 2026", "150 min after the last dose",
        "100 mg racemic ketamine, sublingual lozenge/troche", "booster 50 mg allowed",
        "Pre-dose", "Discharge", "SBP ≤ 150", "BREACH: SBP 158 > 150", "within",
        "Peak BP 158/92", "Dizziness", "sedation mild", "dissociation strong",
        "cleared: every condition held", "ride home confirmed (Jesse Lindqvist)",
        "Discharge BP above limit at first check, within on recheck",
        "There was a wall and then there wasn't.", "Integration session: Sunday 27 September",
        "process) notes are never included",
    ):
        assert expected in text, expected
    assert CANARY not in text
    assert len(PdfReader(target).pages) <= 2


def started_session(db, name: str) -> tuple[int, int]:
    """A client ready for a course, and a medication session started at T0: (client, id)."""
    from conftest import sample_thresholds

    prescriber = add_prescriber(db, name="Dr. Ines Varga", credentials="MD")
    client = add_client(db, display_name=name, prescriber_id=prescriber)
    add_order(db, client, dose_mg=100, ordered_on=date.today(), prescriber_id=prescriber)
    add_thresholds(db, client, sample_thresholds())
    add_screening(db, client, items={}, screened_on=date.today(), cleared_on=date.today())
    add_course(db, client, started_on=date.today())
    return client, begin_medication_session(db, client, at=T0, intention="rest",
                                            ride_home_name="Renée M.", ride_confirmed=True)


def test_an_overridden_discharge_is_plain_in_the_pdf(db, tmp_path):
    _, sid = started_session(db, "Zoë Renée — test")
    record_vitals(db, sid, {"systolic": 120, "diastolic": 80, "heart_rate": 70},
                  taken_at=T0, checkpoint="pre_dose")
    record_dose(db, sid, given_at=T0 + timedelta(minutes=20))
    record_discharge(db, sid, at=T0 + timedelta(minutes=90),
                     reason="prescriber consulted by phone — cleared early")
    from kapdesk.export.summary import session_summary
    from kapdesk.report.documents import session_pdf

    target = session_pdf(session_summary(db, sid), tmp_path / "z.pdf")
    text = pdf_text(target)
    assert "Zoë Renée — test" in text  # accents and dashes survive
    overridden = text[text.find("OVERRIDDEN"):]  # the bold word, then its reason
    assert overridden.replace(" :", ":").startswith(
        "OVERRIDDEN: prescriber consulted by phone — cleared early")
    assert "no discharge vitals" not in text  # the gate's reasons stay in kapdesk
    fonts = {str(font["/BaseFont"]).lstrip("/")
             for page in PdfReader(target).pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in name for name in fonts)
    descendant = next(iter(PdfReader(target).pages[0]["/Resources"]["/Font"].values()))
    assert "/FontFile2" in descendant["/DescendantFonts"][0]["/FontDescriptor"]  # embedded


@pytest.mark.parametrize("fmt", ["json", "csv", "pdf"])
def test_a_process_note_never_leaves_in_any_format(demo, tmp_path, fmt):
    path, third = demo
    for command, ref in (("export", third), ("export-course", 1)):
        target = tmp_path / f"{command}.{fmt}"
        assert main([command, str(ref), "--format", fmt, "-o", str(target),
                     "--db", str(path)]) == 0
        text = pdf_text(target) if fmt == "pdf" else target.read_text()
        assert CANARY not in text and "countertransference" not in text
        assert "Noticed my own urge" not in text


def test_the_course_summary_in_three_formats(demo, tmp_path):
    path, _ = demo
    main(["export-course", "1", "--format", "json", "-o", str(tmp_path / "c.json"),
          "--db", str(path)])
    summary = json.loads((tmp_path / "c.json").read_text())
    assert summary["format"] == "kapdesk.course-summary/1"
    assert [s["number"] for s in summary["sessions"]] == [1, 2, 3, 4, 5, 6]
    assert summary["sessions"][2]["peak_bp"] == {"systolic": 158, "diastolic": 92}
    main(["export-course", "1", "--format", "pdf", "-o", str(tmp_path / "c.pdf"),
          "--db", str(path)])
    text = pdf_text(tmp_path / "c.pdf")
    for expected in ("Course summary", "Avery L.", "158/92", "150 (+50)", "Dizziness",
                     "PHQ-9", "Outcome scores"):
        assert expected in text, expected
    rows = (tmp_path / "c.csv")
    main(["export-course", "1", "--format", "csv", "-o", str(rows), "--db", str(path)])
    assert rows.read_text().splitlines()[3].split(",")[12] == "158/92"


def test_every_export_is_logged_for_the_clients_record(demo):
    path, _ = demo
    log = list(open_database(path).query("SELECT what, format, recipient FROM exports"))
    assert {"what": "session summary", "format": "pdf", "recipient": "Dr. Mara Okafor"} in log


def test_the_preview_shows_what_leaves_and_saves_it(demo, tmp_path, qtbot, themed_app,
                                                   monkeypatch):
    from kapdesk.ui.export_preview import ExportDialog

    path, third = demo
    db = open_database(path)
    dialog = ExportDialog(db, client_id=1, session_id=third)
    qtbot.addWidget(dialog)
    shown = dialog.preview.toPlainText()
    assert "BREACH: SBP 158 > 150" in shown and CANARY not in shown
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    assert '"format": "kapdesk.session-summary/1"' in dialog.preview.toPlainText()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    target = tmp_path / "preview.pdf"
    monkeypatch.setattr("kapdesk.ui.export_preview.QFileDialog.getSaveFileName",
                        lambda *args: (str(target), ""))
    dialog.recipient.setText("Dr. Okafor's office")
    dialog.save_button.click()
    assert target.exists() and "Medication session summary" in pdf_text(target)
    last = list(db.query("SELECT * FROM exports ORDER BY id DESC LIMIT 1"))[0]
    assert (last["format"], last["recipient"], last["file_name"]) == (
        "pdf", "Dr. Okafor's office", str(target))


def test_the_clients_words_are_quoted_once(demo):
    """Words typed with their own quotation marks are not printed in double quotes."""
    from kapdesk.export.summary import session_summary
    from kapdesk.export.summary_html import session_summary_html

    path, third = demo
    summary = session_summary(open_database(path), third)
    summary["notes"] = [{"at": "2026-11-20T15:40:00+00:00", "kind": "client_words",
                         "body": '"It feels like the sea."'}]
    page = session_summary_html(summary)
    assert "“It feels like the sea.”" in page and "“&quot;" not in page


def test_the_course_preview_shows_the_charts_the_pdf_carries(demo, qtbot, themed_app):
    """The preview is 'exactly what leaves the laptop': its charts are real images, not the
    broken-image placeholders it showed."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument

    from kapdesk.ui.main_window import MainWindow

    path, _ = demo
    main = MainWindow(open_database(path))
    qtbot.addWidget(main)
    main.show()
    main.reload(select=1)
    main.actions["export"].trigger()
    preview = main.dialog.preview
    for name in ("bp.png", "dose.png", "scores.png"):
        image = preview.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(image, QImage) and image.width() >= 600, name


def test_every_demo_session_took_its_planned_readings(tmp_path):
    """Found by a first-time user: every demo summary listed 'Discharge vitals: missed',
    the discharge reading having answered the optional mid-session slot instead."""
    from kapdesk.demo import build_demo
    from kapdesk.export.summary import session_summary
    from kapdesk.storage import open_database

    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db)
    ended = [row[0] for row in db.execute(
        "SELECT id FROM sessions WHERE kind = 'medication' AND ended_at IS NOT NULL")]
    assert ended
    for session in ended:
        planned = session_summary(db, session)["scheduled_vitals"]
        assert {d["state"] for d in planned} == {"taken"}, (session, planned)
        assert {d["checkpoint"] for d in planned} >= {"pre_dose", "discharge"}


def test_a_session_without_a_dose_reads_no_dose_in_the_course_pdf(db, tmp_path):
    """Found by a first-time user: such a session's row read "0", as a dose of 0 mg."""
    from kapdesk.export.course_summary import course_summary
    from kapdesk.export.summary_html import course_summary_html

    client, sid = started_session(db, "Kit P.")
    record_discharge(db, sid, at=T0 + timedelta(minutes=40),
                     reason="client declined the dose today, prescriber informed")
    html = course_summary_html(course_summary(db, client))
    row = html[html.find("<td>1</td>"):]
    assert row.startswith("<td>1</td>") and "<td>no dose</td>" in row[:200]
