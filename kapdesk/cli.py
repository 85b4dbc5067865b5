"""The command line (design §8). A stable contract: scripts and tests rely on it.

Errors are one line on stderr and exit status 1; usage errors exit 2. Qt is imported only
when the window opens, so the commands stay quick and work without a display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from kapdesk import __version__
from kapdesk.domain.errors import InvalidInput, KapdeskError
from kapdesk.sqlite_driver import sqlite

PROG = "kapdesk"


class CommandError(KapdeskError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the contract says
        self.exit(2, f"{PROG}: usage error: {message} (see '{PROG} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    db_flag = _Parser(add_help=False)
    db_flag.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                         help="database file (default: $KAPDESK_DB, else the data directory)")
    parser = _Parser(prog=PROG, parents=[db_flag],
                     description="Offline companion for ketamine-assisted psychotherapy.")
    parser.add_argument("--demo", action="store_true",
                        help="open the fictional demo practice (created if needed)")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("demo", parents=[db_flag], help="create a fictional demo practice "
                                                   "(no passphrase: fictional data only)")
    p = sub.add_parser("init", parents=[db_flag], help="create an encrypted practice")
    p.add_argument("--name", default="Your practice", help="the practice's name")
    sub.add_parser("passphrase", parents=[db_flag], help="change the practice's passphrase")
    p = sub.add_parser("encrypt", parents=[db_flag], help="encrypt a plain practice")
    p.add_argument("--remove-plain", action="store_true",
                   help="overwrite and remove the plain file once the encrypted one is checked")
    p = sub.add_parser("forget-plain", help="overwrite and remove a plain copy kept by encrypt")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("sessions", parents=[db_flag], help="list sessions")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    for name, ref, what in (
            ("export", "session_id", "prescriber summary of one session (no process notes)"),
            ("export-course", "client_id", "prescriber summary of a client's course (no notes "
                                           "at all)")):
        p = sub.add_parser(name, parents=[db_flag], help=what)
        p.add_argument(ref, type=int, metavar=ref.upper())
        p.add_argument("--format", required=True, choices=("pdf", "json", "csv"))
        p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
        p.add_argument("--for", dest="recipient", default="", metavar="WHOM",
                       help="who receives it (kept in the export log)")
    p = sub.add_parser("export-record", parents=[db_flag],
                       help="a client's whole record (JSON), to move it to another laptop")
    p.add_argument("client_id", type=int, metavar="CLIENT_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p = sub.add_parser("import", parents=[db_flag], help="import a client record")
    p.add_argument("file", metavar="FILE")
    sub.add_parser("check", parents=[db_flag], help="integrity and schema check")
    p = sub.add_parser("backup", parents=[db_flag],
                       help="consistent, verified backup of the database")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write here (default: the backups folder beside the database)")
    sub.add_parser("backups", parents=[db_flag],
                   help="list the backups kept, with time, size and verdict")
    p = sub.add_parser("restore", parents=[db_flag],
                       help="restore a backup, keeping the current file aside")
    p.add_argument("backup", metavar="BACKUP")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        return int(exit_.code or 0)
    try:
        if args.command is None:
            return _open_window(args)
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (KapdeskError, OSError, sqlite.Error) as exc:  # BrokenPipeError is an OSError
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _db_path(args: argparse.Namespace) -> Path:
    from kapdesk.paths import practice_db_path

    return practice_db_path(getattr(args, "db", None))


def _open_existing(args: argparse.Namespace, *, read_only: bool = False):
    from kapdesk.cli_passphrase import open_practice

    path = _db_path(args)
    if not path.exists():
        raise CommandError(f"no database at {path} (create one with '{PROG} init --db {path}' "
                           "or open the app)")
    return open_practice(path, read_only=read_only)


@contextmanager
def _writing(path: Path):
    """Held while a command rewrites the practice: refused, saying who has it, while the
    app (or another such command) has it open."""
    from kapdesk.practice_lock import lock_for_writing

    lock = lock_for_writing(path)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _export_log(args: argparse.Namespace, reader):
    """The one write an export makes: its line in the exports log and the audit trail. The
    reader is closed first (everything is read); the writer reuses its passphrase, does no
    upgrade (the reader checked the schema) and is closed at once, so the line reaches the
    file itself."""
    from kapdesk.practice.queries import open_database, passphrase_of

    passphrase = passphrase_of(reader)
    reader.close()
    writer = open_database(_db_path(args), migrate=False, passphrase=passphrase)
    try:
        yield writer
    finally:
        writer.close()


def _open_window(args: argparse.Namespace) -> int:
    from kapdesk.paths import demo_db_path

    if args.demo:
        path = demo_db_path(getattr(args, "db", None))
        if not path.exists():
            _make_demo(path)
    else:
        path = _db_path(args)
    _require_display()
    # The storage layers first: every module imported after PySide6 has its source read by
    # PySide6's import hook (to look for ``__feature__``); before it, they skip that.
    import kapdesk.practice.queries  # noqa: F401
    from kapdesk.ui.app import FAULTY_BINDING, run

    code = run(path)
    if code == FAULTY_BINDING:
        # The faulty binding has already drained None: the interpreter's own clean-up would
        # abort with a fatal error after the plain message. Leave without it.
        sys.stderr.flush()
        os._exit(1)
    return code


def _require_display() -> None:
    """On Linux without a desktop session, Qt would abort; say so plainly instead."""
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        raise CommandError("no desktop display found (DISPLAY or WAYLAND_DISPLAY is not set); "
                           "open kapdesk from a desktop session")


def _make_demo(path: Path) -> None:
    """Write the demo practice to ``path``; only an earlier demo or an empty file is replaced."""
    from kapdesk.demo import build_demo
    from kapdesk.practice.queries import get_practice, open_database

    if path.exists() and path.stat().st_size > 0:
        db = open_database(path)
        practice, clients = get_practice(db), db["clients"].count
        db.close()
        if (practice and not practice["is_demo"]) or (not practice and clients):
            raise CommandError(f"{path} holds a real practice; the demo needs its own file")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(path)
    try:
        build_demo(db)
    finally:
        db.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from kapdesk.paths import demo_db_path

    path = demo_db_path(getattr(args, "db", None))
    _make_demo(path)
    print(f"demo practice written to {path} (fictional clients only)")
    print(f"open it with: {PROG} --demo" + (f" --db {path}" if getattr(args, "db", None) else ""))
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from kapdesk.domain.timeutil import local, parse_instant
    from kapdesk.practice.queries import list_sessions

    with closing(_open_existing(args, read_only=True)) as db:
        rows = [{"id": r["id"], "client_id": r["client_id"], "client": r["client_name"],
                 "kind": r["kind"], "number": r["number"], "date": r["date"],
                 "status": _status(r)} for r in list_sessions(db)]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"{'ID':>4}  {'CLIENT':<18} {'KIND':<12} {'#':>2}  {'DATE':<16}  STATUS")
    for r in rows:
        when = local(parse_instant(r["date"])).strftime("%Y-%m-%d %H:%M") if r["date"] else "-"
        print(f"{r['id']:>4}  {r['client'][:18]:<18} {r['kind']:<12} {r['number'] or '':>2}  "
              f"{when:<16}  {r['status']}")
    return 0


def _status(row: dict) -> str:
    if row["ended_at"]:
        return "done"
    return "running" if row["started_at"] else "planned"


def cmd_export(args: argparse.Namespace) -> int:
    from kapdesk.export.summary import session_summary

    with closing(_open_existing(args, read_only=True)) as db:  # closed on a refusal too
        return _deliver(db, args, session_summary(db, args.session_id), "session")


def cmd_export_course(args: argparse.Namespace) -> int:
    from kapdesk.export.course_summary import course_summary

    with closing(_open_existing(args, read_only=True)) as db:
        return _deliver(db, args, course_summary(db, args.client_id), "course")


def _deliver(db, args: argparse.Namespace, summary: dict, kind: str) -> int:
    """To a file (any format) or, for JSON and CSV, to stdout; the export is logged."""
    from kapdesk.practice.queries import record_export
    from kapdesk.report.delivery import WHAT, as_text, save

    if args.output and args.output != "-":
        with _export_log(args, db) as log:
            save(log, summary, kind=kind, fmt=args.format, target=Path(args.output),
                 recipient=args.recipient)
        return 0
    if args.format == "pdf":
        raise CommandError("a PDF needs a file: add -o FILE.pdf")
    sys.stdout.write(as_text(summary, kind, args.format))
    with _export_log(args, db) as log:
        record_export(log, what=WHAT[kind], fmt=args.format, file_name="<stdout>",
                      recipient=args.recipient, client_id=summary["client"]["id"],
                      session_id=summary["session"]["id"] if kind == "session" else None)
    return 0


def cmd_export_record(args: argparse.Namespace) -> int:
    from kapdesk.export.record import client_record
    from kapdesk.practice.queries import record_export

    with closing(_open_existing(args, read_only=True)) as db:
        record = client_record(db, args.client_id)
    target = _write(args.output, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    with _export_log(args, db) as log:
        record_export(log, what="client record", fmt="json", file_name=target,
                      client_id=args.client_id)
    print(f"wrote the record of {record['client']['display_name']} to {target}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kapdesk.cli_passphrase import new_passphrase, open_practice
    from kapdesk.practice.audit import audit
    from kapdesk.practice.queries import open_database
    from kapdesk.practice.record_import import import_plan, load_record_file, read_record

    try:
        data = load_record_file(args.file)
    except InvalidInput as exc:
        raise CommandError(exc.reason) from None
    plan = read_record(data)  # before opening: a refused file leaves no new database behind
    path = _db_path(args)
    new = not path.exists()  # a new laptop's first record; a mistyped path must show
    with _writing(path):
        if new:  # a new practice holds client data at once: encrypted from the start
            db = open_database(path, passphrase=new_passphrase())
        else:
            db = open_practice(path)
        result = import_plan(db, plan)
        audit(db, "imported", client_id=result.client_id,
              detail=f"from {Path(args.file).resolve()}: {result.summary()}")
        db.close()
    if new:
        print(f"created a new practice at {path} (there was none)")
    print(result.summary())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from kapdesk.practice.queries import check_database, schema_version

    next_step = f"the newest good backup: '{PROG} backups', then '{PROG} restore BACKUP'"
    try:
        db = _open_existing(args, read_only=True)
    except KapdeskError as exc:
        if "damaged" not in str(exc):
            raise
        raise CommandError(f"{exc}; {next_step}") from None
    with closing(db):
        report = check_database(db)
        if not report.healthy:
            raise CommandError(f"{_db_path(args)} is not healthy: "
                               f"{'; '.join(report.problems)}; {next_step}")
        print(f"{_db_path(args)}: healthy (schema {schema_version(db)})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from kapdesk.domain.backups import BackupName
    from kapdesk.domain.timeutil import utc_now
    from kapdesk.practice.audit import audit
    from kapdesk.practice.backups import backups_folder
    from kapdesk.practice.queries import backup_database

    path = _db_path(args)
    target = Path(args.output) if args.output else (
        backups_folder(path) / BackupName(path.stem, utc_now(), "manual").file_name)
    with closing(_open_existing(args)) as db:
        backup_database(db, target)
        audit(db, "backup", detail=f"to {target.resolve()} from the command line")
    print(f"backup written and verified: {target}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from kapdesk.cli_passphrase import passphrase_for
    from kapdesk.domain.timeutil import local
    from kapdesk.practice.backups import backup_rows, backups_folder
    from kapdesk.practice.queries import is_encrypted

    path = _db_path(args)
    passphrase = passphrase_for(path) if path.exists() and is_encrypted(path) else None
    rows = backup_rows(path, passphrase)
    if not rows:
        print(f"no backups of {path} in {backups_folder(path)}")
        return 0
    print(f"{'TAKEN':<16}  {'SIZE':>8}  {'WHY':<18}  VERDICT  (in {backups_folder(path)})")
    for row in rows:
        print(f"{local(row.backup.taken_at):%Y-%m-%d %H:%M}  {row.size_text:>8}  "
              f"{row.why:<18}  {row.verdict}  {row.backup.path.name}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from kapdesk.cli_passphrase import passphrase_for
    from kapdesk.practice.backups import backups_folder, restore_and_open
    from kapdesk.practice.queries import is_encrypted

    backup, path = Path(args.backup), _db_path(args)
    listed = backups_folder(path) / args.backup  # a name as 'kapdesk backups' shows it
    if not backup.is_file() and listed.is_file():
        backup = listed
    if not backup.is_file():
        raise CommandError(f"no backup at {backup} (list them with '{PROG} backups')")
    encrypted = path.exists() and is_encrypted(path)
    passphrase = passphrase_for(path) if is_encrypted(backup) else None
    with _writing(path):
        db, kept = restore_and_open(backup, path, passphrase, encrypted_practice=encrypted)
        db.close()
    print(f"restored {path} from {backup.name}")
    if kept is not None:
        print(f"the file it replaced is kept as {kept}")
    return 0


def _write(output: str | None, text: str) -> str:
    """Write all or nothing (see ``write_atomically``); ``None`` means stdout."""
    from kapdesk.report.delivery import write_atomically

    if output is None or output == "-":
        sys.stdout.write(text)
        return "<stdout>"
    target = Path(output)
    write_atomically(target, lambda path: path.write_text(text, encoding="utf-8", newline=""))
    return str(target)


def _security(name: str):
    """The passphrase commands (kapdesk/cli_passphrase.py), given the database path."""
    def run(args: argparse.Namespace) -> int:
        from kapdesk import cli_passphrase

        args.prog = PROG
        if name == "forget-plain":
            return cli_passphrase.cmd_forget_plain(Path(args.file))
        with _writing(_db_path(args)):
            return getattr(cli_passphrase, f"cmd_{name}")(args, _db_path(args))
    return run


COMMANDS = {
    "demo": cmd_demo,
    "init": _security("init"),
    "passphrase": _security("passphrase"),
    "encrypt": _security("encrypt"),
    "forget-plain": _security("forget-plain"),
    "sessions": cmd_sessions,
    "export": cmd_export,
    "export-course": cmd_export_course,
    "export-record": cmd_export_record,
    "import": cmd_import,
    "check": cmd_check,
    "backup": cmd_backup,
    "backups": cmd_backups,
    "restore": cmd_restore,
}
