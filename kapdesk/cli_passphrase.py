"""The command line's passphrases: where one comes from, and the commands that create an
encrypted practice (``init``), change its passphrase (``passphrase``) and encrypt a plain
one (``encrypt``).

A passphrase is read from ``KAPDESK_PASSPHRASE`` (for scripts; the new one of ``passphrase``
from ``KAPDESK_NEW_PASSPHRASE``), else typed at the terminal without echo. Nothing else
reads, prints or logs it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from kapdesk.domain.errors import InvalidInput, KapdeskError

ENV, NEW_ENV = "KAPDESK_PASSPHRASE", "KAPDESK_NEW_PASSPHRASE"


class PassphraseNeeded(KapdeskError):
    pass


def _typed(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise PassphraseNeeded(f"a passphrase is needed: run this in a terminal, or set {ENV}")
    return getpass.getpass(prompt)


def passphrase_for(path: Path) -> str:
    """The passphrase of the existing encrypted practice at ``path``."""
    return os.environ.get(ENV) or _typed(f"Passphrase for {path}: ")


def new_passphrase(env: str = ENV, *, context: tuple[str, ...] = ()) -> str:
    """A new passphrase, strong enough, typed twice (once when it comes from ``env``)."""
    from kapdesk.domain.passphrase import LOST, check_new_passphrase

    given = os.environ.get(env)
    if given:
        first = second = given
    else:
        print(LOST, file=sys.stderr)
        first = _typed("New passphrase: ")
        second = _typed("The same passphrase again: ")
    try:
        judged = check_new_passphrase(first, second, context=context)
    except InvalidInput as exc:
        raise PassphraseNeeded(f"{'passphrase' if exc.field == 'passphrase' else 'retyped'}: "
                               f"{exc.reason}") from None
    print(f"passphrase strength: {judged.label}", file=sys.stderr)
    return first


def open_practice(path: Path, *, migrate: bool = True, read_only: bool = False):
    """Open the existing practice at ``path``, asking for its passphrase if it has one;
    ``read_only`` writes nothing at all, not even an upgrade."""
    from kapdesk.practice.queries import is_encrypted, open_database, open_read_only

    passphrase = passphrase_for(path) if is_encrypted(path) else None
    if read_only:
        return open_read_only(path, passphrase=passphrase)
    return open_database(path, migrate=migrate, passphrase=passphrase)


def cmd_init(args: argparse.Namespace, path: Path) -> int:
    from kapdesk.practice.queries import open_database, set_practice

    if path.exists() and path.stat().st_size > 0:
        raise KapdeskError(f"{path} already holds a practice; init makes a new one")
    passphrase = new_passphrase()
    db = open_database(path, passphrase=passphrase)
    set_practice(db, name=args.name)
    db.close()
    print(f"created an encrypted practice at {path}")
    return 0


def cmd_passphrase(args: argparse.Namespace, path: Path) -> int:
    from kapdesk.practice.queries import change_passphrase, is_encrypted

    if not is_encrypted(path):
        raise KapdeskError(f"{path} is not encrypted yet: use '{args.prog} encrypt' first")
    old = passphrase_for(path)
    new = new_passphrase(NEW_ENV)
    if new == old:
        raise KapdeskError("the new passphrase is the same as the old one; nothing was changed")
    change_passphrase(path, old, new)
    _audit(path, new, "passphrase_changed", "from the command line")
    print(f"the passphrase of {path} is changed; the old one no longer opens it")
    return 0


def cmd_encrypt(args: argparse.Namespace, path: Path) -> int:
    from kapdesk.practice.queries import encrypt_file, shred_plain_copy

    passphrase = new_passphrase()
    kept = encrypt_file(path, passphrase)
    print(f"{path} is encrypted; every row was compared with the plain file first")
    _audit(path, passphrase, "encrypted", "from the command line"
           + ("; the plain copy was removed" if args.remove_plain else ""))
    if args.remove_plain:
        shred_plain_copy(kept)
        print("the plain copy was overwritten and removed")
    else:
        print(f"the plain copy is kept at {kept} until you remove it with "
              f"'{args.prog} forget-plain {kept}'")
    return 0


def _audit(path: Path, passphrase: str, action: str, detail: str) -> None:
    from kapdesk.practice.audit import audit
    from kapdesk.practice.queries import open_database

    db = open_database(path, passphrase=passphrase)
    try:
        audit(db, action, detail=detail)
    finally:
        db.close()


def cmd_forget_plain(path: Path) -> int:
    from kapdesk.practice.queries import shred_plain_copy

    shred_plain_copy(path)
    print(f"{path} was overwritten and removed")
    return 0
