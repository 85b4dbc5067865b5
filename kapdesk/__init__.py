"""kapdesk: an offline companion for ketamine-assisted psychotherapy sessions."""

# First of all: sqlite-utils must find SQLCipher as its driver (see kapdesk.sqlite_driver).
from kapdesk import sqlite_driver as _sqlite_driver  # noqa: F401

__version__ = "0.1.0"
