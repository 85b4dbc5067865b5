"""Writing a prescriber summary to a file and logging that it left the laptop: one path for
the command line and the app. Qt (for PDF) is loaded only when a PDF is written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kapdesk.domain.errors import KapdeskError
from kapdesk.export.course_summary import course_csv
from kapdesk.export.csv_summary import summary_csv
from kapdesk.practice.queries import record_export


class ExportFailed(KapdeskError):
    """The file could not be written whole; nothing was kept or logged."""


WHAT = {"session": "session summary", "course": "course summary"}


def as_text(summary: dict[str, Any], kind: str, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    return summary_csv(summary) if kind == "session" else course_csv(summary)


def write_atomically(target: Path, write, *, complete=lambda path: True) -> None:
    """All or nothing: a temporary file beside the target, flushed to the disk, checked
    ``complete`` and only then renamed into place. A full or failing disk leaves no file
    (and so no line in the exports log)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())  # a disk that filled up late says so here
        if not complete(Path(tmp)):
            raise ExportFailed(f"{target.name} could not be written in full (is the disk "
                               "full?); nothing was saved or logged")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def whole_pdf(path: Path) -> bool:
    """Qt's PDF writer does not report a failed write: a whole PDF ends with its trailer."""
    with open(path, "rb") as pdf:
        pdf.seek(0, os.SEEK_END)
        pdf.seek(max(0, pdf.tell() - 1024))
        return b"%%EOF" in pdf.read()


def save(db: Database, summary: dict[str, Any], *, kind: str, fmt: str, target: Path,
         recipient: str = "") -> Path:
    if fmt == "pdf":
        from kapdesk.report import documents

        render = documents.session_pdf if kind == "session" else documents.course_pdf
        write_atomically(target, lambda path: render(summary, path), complete=whole_pdf)
    else:
        text = as_text(summary, kind, fmt)
        write_atomically(target, lambda path: path.write_text(text, encoding="utf-8"))
    record_export(db, what=WHAT[kind], fmt=fmt, file_name=str(target), recipient=recipient,
                  client_id=summary["client"]["id"],
                  session_id=summary["session"]["id"] if kind == "session" else None)
    return target
