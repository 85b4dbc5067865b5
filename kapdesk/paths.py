"""Where data lives: the command-line flag, then ``KAPDESK_DB``, then the OS data directory.

Nothing is computed at import time, so tests and scripts can point elsewhere first.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_ENV = "KAPDESK_DB"
DATA_DIR_ENV = "KAPDESK_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("kapdesk", False))


def practice_db_path(flag: str | os.PathLike | None = None) -> Path:
    if flag:
        return Path(flag)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else data_dir() / "kapdesk.sqlite"


def demo_db_path(flag: str | os.PathLike | None = None) -> Path:
    """The demo practice has its own file, never the real practice's."""
    return Path(flag) if flag else data_dir() / "demo.sqlite"


def backup_dir() -> Path:
    return data_dir() / "backups"
