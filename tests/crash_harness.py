"""The crash harness: a writer process makes the writes the session window makes (notes,
the draft being typed, quick events) through the same practice calls, and is killed with
SIGKILL at a random moment. Every write it acknowledged must be in the file afterwards; the
file must pass SQLite's full integrity check; the session must resume; the draft must be
the last one acknowledged (or the one being written when the kill came).

    .venv/bin/python tests/crash_harness.py --rounds 200      # the long run
    tests/test_crash_harness.py                                # a few rounds, in CI

Prints one line of figures at the end (and JSON with --json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

WRITER = r"""
import random, sys
from kapdesk.domain.timeutil import utc_now
from kapdesk.practice.drafts import save_draft
from kapdesk.practice.session import add_note, record_event
from kapdesk.storage import open_database

db = open_database(sys.argv[1])
session_id, rng = int(sys.argv[2]), random.Random(int(sys.argv[3]))
words = "the light is warm and far away she breathes slowly music like water".split()
draft = ""
while True:
    choice = rng.random()
    if choice < 0.6:  # a key typed into the note: the draft as the window saves it
        draft += rng.choice(words)[:rng.randint(1, 6)] + " "
        save_draft(db, session_id, "observation", draft, at=utc_now())
        print("draft", draft, flush=True)
    elif choice < 0.9:  # Enter: the note is saved
        body = f"{rng.choice(words)} {rng.randint(0, 10**9)}"
        note = add_note(db, session_id, "client_words", body, at=utc_now())
        print("note", note, body, flush=True)
    else:  # a quick event key
        event = record_event(db, session_id, "talking", at=utc_now())
        print("event", event, flush=True)
"""


@dataclass
class Figures:
    rounds: int = 0
    acknowledged: int = 0
    lost: int = 0
    drafts_lost: int = 0
    integrity_failures: int = 0
    resume_failures: int = 0


def make_practice(folder: Path) -> tuple[Path, int]:
    """The demo practice with a medication session running for Jonah R."""
    from kapdesk.demo import build_demo
    from kapdesk.domain.timeutil import utc_now
    from kapdesk.practice.live import begin_medication_session
    from kapdesk.storage import open_database

    path = folder / "harness.sqlite"
    db = open_database(path)
    build_demo(db)
    jonah = db.execute("SELECT id FROM clients WHERE display_name = 'Jonah R.'").fetchone()[0]
    playlist = db.execute("SELECT min(id) FROM playlists").fetchone()[0]
    session = begin_medication_session(db, jonah, at=utc_now(), intention="to rest",
                                       ride_home_name="Marisol Reyes", ride_confirmed=True,
                                       playlist_id=playlist)
    db.close()
    return path, session


def one_round(path: Path, session_id: int, seed: int, figures: Figures,
              kill_after: float) -> None:
    from kapdesk.practice.queries import running_session
    from kapdesk.storage import open_database

    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(session_id),
                               str(seed)], stdout=subprocess.PIPE, text=True)
    time.sleep(kill_after)
    writer.send_signal(signal.SIGKILL)
    out, _ = writer.communicate()
    # a line is acknowledged only when whole: the write returned before it was printed
    lines = [line for line in out.split("\n")[:-1] if line]
    figures.rounds += 1
    figures.acknowledged += len(lines)
    db = open_database(path)
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            figures.integrity_failures += 1
        if running_session(db) != session_id:
            figures.resume_failures += 1
        drafts = [line[len("draft "):] for line in lines if line.startswith("draft ")]
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "note":
                note_id, _, body = rest.partition(" ")
                row = db.execute("SELECT body FROM notes WHERE id = ?",
                                 (int(note_id),)).fetchone()
                figures.lost += row is None or row[0] != body
            elif kind == "event":
                figures.lost += db.execute("SELECT count(*) FROM events WHERE id = ?",
                                           (int(rest),)).fetchone()[0] != 1
        if drafts:
            stored = db.execute("SELECT body FROM note_drafts WHERE session_id = ?",
                                (session_id,)).fetchone()
            # the last acknowledged draft, or a longer one whose line the kill cut off
            if stored is None or not stored[0].startswith(drafts[-1]):
                figures.drafts_lost += 1
        db.execute("DELETE FROM note_drafts")  # each round types a new draft
    finally:
        db.close()


def run(rounds: int, seed: int = 13) -> Figures:
    rng = random.Random(seed)
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="kapdesk-crash-") as folder:
        path, session_id = make_practice(Path(folder))
        for _ in range(rounds):
            one_round(path, session_id, rng.randrange(10**9), figures,
                      kill_after=rng.uniform(0.3, 1.5))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("KAPDESK_DATA_DIR", tempfile.mkdtemp(prefix="kapdesk-crash-data-"))
    figures = run(args.rounds, args.seed)
    if args.json:
        print(json.dumps(asdict(figures)))
    else:
        print(", ".join(f"{name.replace('_', ' ')}: {value}"
                        for name, value in asdict(figures).items()))
    bad = (figures.lost or figures.drafts_lost or figures.integrity_failures
           or figures.resume_failures)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
