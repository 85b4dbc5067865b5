"""Full and failing disks (issue 13, item 5): nothing half-written is ever kept or logged
as delivered, and the therapist is told once, plainly, what was not saved."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys

import pytest

from kapdesk.cli import main

needs_limits = pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"),
                                  reason="needs file size limits")

# A write past the limit fails with EFBIG, as a write to a full disk fails with ENOSPC.
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1_000, 1_000))
from kapdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def demo(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


@needs_limits
@pytest.mark.parametrize("fmt", ["pdf", "json"])
def test_an_export_onto_a_full_disk_leaves_no_file_and_no_log_line(demo, tmp_path, fmt):
    # the app has the practice open, so SQLite's shared memory already exists at full size
    app = sqlite3.connect(demo)
    app.execute("SELECT count(*) FROM exports").fetchone()
    target = tmp_path / f"summary.{fmt}"
    child = subprocess.run([sys.executable, "-c", LIMITED, "export-course", "1", "--format",
                            fmt, "-o", str(target), "--db", str(demo)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 1 and child.stderr.count("\n") == 1, child.stderr
    assert not target.exists()
    assert not list(tmp_path.glob(".summary*"))  # no temporary file left behind either
    assert app.execute("SELECT count(*) FROM exports").fetchone() == (0,)
