"""The sync service's memory: every pass, the per-file cache that makes passes incremental,
the results and problems each pass saw, and what changed between passes.

`Store` is the interface the sync service uses (`sheetnilai.sync`); `SqliteStore` is the
embedded default, one file readable with ordinary SQLite tools. A server database could
implement the same interface (e.g. through SQLAlchemy) without touching the consolidation,
which only ever sees a `sheetnilai.consolidate.FileCache`.
"""

from sheetnilai.store.sqlite import (
    SCHEMA_VERSION,
    Change,
    FileRecord,
    PassRecord,
    ProblemRow,
    ResultRow,
    SqliteStore,
    Store,
    StoreError,
)

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "FileRecord",
    "PassRecord",
    "ProblemRow",
    "ResultRow",
    "SqliteStore",
    "Store",
    "StoreError",
]
