"""Storage: SQLite through sqlite-utils. No Qt here; every write commits before returning."""

from kapdesk.storage.database import (
    StorageError,
    backup_database,
    check_database,
    open_database,
    schema_version,
)

__all__ = ["StorageError", "backup_database", "check_database", "open_database", "schema_version"]
