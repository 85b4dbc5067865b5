"""The recovery sheet: one printable page that says which file holds the practice, where
its backups go, and what nobody can do for a lost passphrase, with lines to write the
passphrase by hand. It never prints the passphrase: a printed or spooled copy of it would
be a key lying around in plain text."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from kapdesk import __version__
from kapdesk.domain.passphrase import LOST


def recovery_sheet_html(*, practice: str, database: Path, backups: Path,
                        made_on: date) -> str:
    lines = "".join("<p style='margin:0 0 18px 0'>"
                    "______________________________________________________________</p>"
                    for _ in range(3))
    rows = [("Practice", practice), ("Practice file", str(database)),
            ("Backups folder", str(backups)), ("Sheet made on", made_on.isoformat()),
            ("kapdesk version", __version__)]
    table = "".join(f"<tr><td style='padding:3px 14px 3px 0; color:#555'>{escape(k)}</td>"
                    f"<td style='padding:3px 0'>{escape(v)}</td></tr>" for k, v in rows)
    return f"""
<h1 style='font-family:"DejaVu Sans"; font-size:18pt'>kapdesk recovery sheet</h1>
<p style='font-size:11pt'>{escape(LOST)}</p>
<table style='font-size:10.5pt; margin: 8px 0 16px 0'>{table}</table>
<h2 style='font-size:13pt'>The passphrase, written by hand</h2>
<p>Write it below in pen, exactly as you type it, spaces included. kapdesk never prints it.</p>
{lines}
<h2 style='font-size:13pt'>Keep this sheet</h2>
<ul>
<li>somewhere locked, away from the laptop (a safe, a locked drawer at home);</li>
<li>out of photos, e-mail and cloud notes;</li>
<li>after a passphrase change, beside the new sheet: backups made before the change open
only with the old passphrase, so keep the old sheet until those backups are gone.</li>
</ul>
<h2 style='font-size:13pt'>If the laptop is lost or broken</h2>
<p>The backups folder is on the laptop too: keep a recent backup somewhere else as well (an
encrypted USB drive kept with this sheet). Install kapdesk on the new laptop, copy the
practice file or that backup into its data folder, and open it with the passphrase of the
day the backup was made.</p>
"""


def write_recovery_sheet(target: Path, *, practice: str, database: Path, backups: Path,
                         made_on: date) -> Path:
    from kapdesk.report.delivery import whole_pdf, write_atomically
    from kapdesk.report.pdf import write_pdf

    html = recovery_sheet_html(practice=practice, database=database, backups=backups,
                               made_on=made_on)
    write_atomically(target, lambda path: write_pdf(html, path, title="kapdesk recovery sheet"),
                     complete=whole_pdf)
    return target
