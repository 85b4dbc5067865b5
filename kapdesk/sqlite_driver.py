"""The SQLite driver beneath sqlite-utils: SQLCipher, so a practice database can be encrypted.

sqlite-utils opens connections and recognises errors (``OperationalError`` in its insert with
``alter``, ``drop(ignore=True)``, index creation, counts...) with the module it imported as
its driver: ``pysqlite3`` when that can be imported, else the standard library's ``sqlite3``.
A sqlcipher3 connection under the standard driver raises errors sqlite-utils does not
recognise, and those calls misbehave. So sqlcipher3 (SQLCipher 4, linked statically in its
wheels) is presented under the name sqlite-utils looks for first, before sqlite-utils is
imported: ``kapdesk/__init__.py`` imports this module first of all. A plain, unencrypted
database (the demo, tests) opens through SQLCipher as through SQLite.

Everything in kapdesk that catches a database error catches it from :data:`sqlite`.
"""

from __future__ import annotations

import sys

import sqlcipher3
import sqlcipher3.dbapi2

sqlite = sqlcipher3.dbapi2

if sys.modules.setdefault("pysqlite3", sqlcipher3) is not sqlcipher3 or sys.modules.setdefault(
        "pysqlite3.dbapi2", sqlcipher3.dbapi2) is not sqlcipher3.dbapi2:
    raise ImportError("another pysqlite3 was imported before kapdesk; kapdesk needs sqlite-utils "
                      "to run on sqlcipher3")
_utils = sys.modules.get("sqlite_utils.utils")
if _utils is not None and getattr(_utils, "OperationalError", None) is not sqlite.OperationalError:
    raise ImportError("sqlite_utils was imported before kapdesk, with the standard sqlite3 "
                      "driver; import kapdesk first")
