"""The crash harness in CI: a few rounds of SIGKILL during the session's writes (the long
run is `python tests/crash_harness.py --rounds 200`, see the README)."""

from __future__ import annotations

from crash_harness import run


def test_killing_the_writer_loses_no_acknowledged_write_and_no_draft():
    figures = run(rounds=3, seed=7)
    assert figures.rounds == 3 and figures.acknowledged > 100
    assert (figures.lost, figures.drafts_lost) == (0, 0)
    assert (figures.integrity_failures, figures.resume_failures) == (0, 0)
