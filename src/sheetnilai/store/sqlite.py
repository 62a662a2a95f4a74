"""The embedded store: one SQLite file (WAL), its schema versioned by `PRAGMA user_version`.

Consistency under `kill -9`: the per-file cache rows are content-addressed (a row is valid
for the file content its SHA-256 names, whenever it was written), and everything else a
pass records is written in one transaction at its end. A pass that was killed leaves only
its "berjalan" row, which the next start marks "terputus"; nothing half-written is ever
read back.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sheetnilai.errors import SheetnilaiError
from sheetnilai.xlsxchunks import Fragment

SCHEMA_VERSION = 3

# Each entry upgrades the schema from its index to the next version; never edit one that
# has shipped, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE passes (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        source TEXT NOT NULL,
        periods TEXT NOT NULL,
        status TEXT NOT NULL,          -- berjalan | selesai | gagal | terputus | dihentikan
        pid INTEGER NOT NULL,
        files INTEGER NOT NULL DEFAULT 0,
        read INTEGER NOT NULL DEFAULT 0,   -- workbooks read (not served from the cache)
        changed INTEGER NOT NULL DEFAULT 0,  -- inputs added, changed or removed
        digest TEXT NOT NULL DEFAULT '',   -- of every input and setting: equal means no change
        published TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE files (
        name TEXT PRIMARY KEY,         -- as problems name it (relative to the source)
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        config TEXT NOT NULL,          -- the settings the payload was computed under
        payload BLOB NOT NULL,         -- the per-file output (consolidate.pack_output)
        unit TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL
    );
    CREATE TABLE pass_inputs (
        pass_id INTEGER NOT NULL REFERENCES passes(id),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        unit TEXT NOT NULL,
        read INTEGER NOT NULL,         -- 1: read this pass; 0: served from the cache
        change TEXT NOT NULL           -- baru | berubah | tetap | dihapus
    );
    CREATE INDEX pass_inputs_pass ON pass_inputs(pass_id);
    CREATE INDEX files_content ON files(sha256);
    CREATE TABLE results (
        pass_id INTEGER NOT NULL REFERENCES passes(id),
        period TEXT NOT NULL,
        nip TEXT NOT NULL,
        nama TEXT NOT NULL,
        unit TEXT NOT NULL,
        predikat TEXT NOT NULL,
        galat INTEGER NOT NULL,
        peringatan INTEGER NOT NULL
    );
    CREATE INDEX results_pass ON results(pass_id);
    CREATE TABLE problems (
        pass_id INTEGER NOT NULL REFERENCES passes(id),
        period TEXT NOT NULL,
        key TEXT NOT NULL,             -- what makes a problem the same one in the next pass
        unit TEXT NOT NULL,
        file TEXT NOT NULL,
        sheet TEXT NOT NULL,
        cell TEXT NOT NULL,
        nip TEXT NOT NULL,
        nama TEXT NOT NULL,
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX problems_pass ON problems(pass_id);
    CREATE TABLE changes (
        pass_id INTEGER NOT NULL REFERENCES passes(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,            -- predikat | masalah-baru | masalah-selesai | unit-masuk
                                       -- | berkas-baru | berkas-berubah | berkas-dihapus
        period TEXT NOT NULL,
        unit TEXT NOT NULL,
        nip TEXT NOT NULL,
        nama TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX changes_at ON changes(at);
    CREATE TABLE published (
        pass_id INTEGER NOT NULL REFERENCES passes(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,            -- buku-nilai | terbaru | umpan-balik | drive
        path TEXT NOT NULL
    );
    """,
    """
    -- Chunks of the score book's large sheets (see sheetnilai.xlsxchunks), content-addressed
    -- like the file cache: a row is valid for its key whenever it was written.
    CREATE TABLE fragments (
        key TEXT PRIMARY KEY,
        crc INTEGER NOT NULL,          -- of the chunk's XML, as the zip entry needs it
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        data_crc INTEGER NOT NULL,     -- of `data` itself: a damaged blob is never used
        links TEXT NOT NULL,
        rels TEXT NOT NULL
    );
    """,
    """
    -- From here a pass records what changed, not every row again: the results, problems and
    -- inputs that differ from the state before it (op '+' for a row that came, '-' for one
    -- that went; an input only when it is new, changed or gone), and the state itself once,
    -- in the state_ tables. Every row of every pass made a store grow by about 1 MB a pass
    -- for 10,000 pegawai, without end; rows recorded that way keep op '='.
    ALTER TABLE results ADD COLUMN op TEXT NOT NULL DEFAULT '=';
    ALTER TABLE problems ADD COLUMN op TEXT NOT NULL DEFAULT '=';
    ALTER TABLE pass_inputs ADD COLUMN op TEXT NOT NULL DEFAULT '=';
    CREATE TABLE state_results (
        period TEXT NOT NULL,
        nip TEXT NOT NULL,
        nama TEXT NOT NULL,
        unit TEXT NOT NULL,
        predikat TEXT NOT NULL,
        galat INTEGER NOT NULL,
        peringatan INTEGER NOT NULL
    );
    CREATE TABLE state_problems (
        period TEXT NOT NULL,
        key TEXT NOT NULL,
        unit TEXT NOT NULL,
        file TEXT NOT NULL,
        sheet TEXT NOT NULL,
        cell TEXT NOT NULL,
        nip TEXT NOT NULL,
        nama TEXT NOT NULL,
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE TABLE state_inputs (
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        unit TEXT NOT NULL,
        read INTEGER NOT NULL,
        change TEXT NOT NULL
    );
    INSERT INTO state_results
        SELECT period, nip, nama, unit, predikat, galat, peringatan FROM results
        WHERE pass_id = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'state_pass');
    INSERT INTO state_problems
        SELECT period, key, unit, file, sheet, cell, nip, nama, code, severity, message
        FROM problems
        WHERE pass_id = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'state_pass');
    INSERT INTO state_inputs
        SELECT name, sha256, status, unit, read, change FROM pass_inputs
        WHERE pass_id = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'inputs_pass');
    """,
)


class StoreError(SheetnilaiError):
    """The store cannot be opened or is of a newer sheetnilai."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    name: str
    size: int
    mtime_ns: int
    sha256: str
    config: str
    payload: bytes
    unit: str = ""


@dataclass(frozen=True, slots=True)
class PassRecord:
    id: int
    started: str
    finished: str
    source: str
    periods: str
    status: str
    pid: int
    files: int
    read: int
    changed: int
    digest: str
    published: str
    error: str


@dataclass(frozen=True, slots=True)
class ResultRow:
    period: str
    nip: str
    nama: str
    unit: str
    predikat: str
    galat: int
    peringatan: int


@dataclass(frozen=True, slots=True)
class ProblemRow:
    period: str
    key: str
    unit: str
    file: str
    sheet: str
    cell: str
    nip: str
    nama: str
    code: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class InputRow:
    name: str
    sha256: str
    status: str
    unit: str
    read: bool
    change: str


# The columns of the state_ tables and of a pass's rows, in the order of the row types.
_RESULT_COLUMNS = ", ".join(ResultRow.__slots__)
_PROBLEM_COLUMNS = ", ".join(ProblemRow.__slots__)
_INPUT_COLUMNS = ", ".join(InputRow.__slots__)


@dataclass(frozen=True, slots=True)
class Change:
    pass_id: int
    at: str
    kind: str
    period: str
    unit: str
    nip: str
    nama: str
    before: str
    after: str
    detail: str


class Store(Protocol):
    """What the sync service needs of a store (SqliteStore is the embedded one)."""

    def file(self, name: str) -> FileRecord | None: ...
    def file_by_content(self, sha256: str, config: str) -> FileRecord | None: ...
    def holds_config(self, config: str) -> bool: ...
    def put_file(self, record: FileRecord, now: str) -> None: ...
    def touch_file(self, name: str, size: int, mtime_ns: int) -> None: ...
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def begin_pass(self, source: str, periods: Sequence[str], now: str, pid: int) -> int: ...
    def finish_pass(self, outcome: PassOutcome) -> None: ...
    def fail_pass(self, pass_id: int, now: str, error: str, status: str = ...) -> None: ...
    def mark_interrupted(self, alive: Iterable[int]) -> int: ...
    def last_pass(self, finished_only: bool = False) -> PassRecord | None: ...
    def last_state(self) -> tuple[list[ResultRow], list[ProblemRow], list[InputRow]]: ...
    def changes(self, since: str | None = None) -> list[Change]: ...
    def pending(self) -> list[InputRow]: ...
    def file_changed(self, name: str) -> str: ...
    def fragments(self, keys: Collection[str]) -> dict[str, Fragment]: ...
    def keep_fragments(self, new: Mapping[str, Fragment], used: Collection[str]) -> None: ...
    def close(self) -> None: ...


@dataclass(slots=True)
class PassOutcome:
    """Everything a finished pass records, written in one transaction."""

    pass_id: int
    finished: str
    files: int
    read: int
    changed: int
    digest: str
    published: str
    inputs: list[InputRow]
    results: list[ResultRow] | None  # None: the same as the last recorded state
    problems: list[ProblemRow] | None
    changes: list[Change]
    outputs: list[tuple[str, str]]  # (kind, path) published


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError("penyimpanan-rusak", {"path": path, "detail": str(exc)}) from None

    def _migrate(self) -> None:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise StoreError(
                "penyimpanan-lebih-baru",
                {"path": self.path, "found": version, "expected": SCHEMA_VERSION},
            )
        for target in range(version, SCHEMA_VERSION):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(MIGRATIONS[target]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.db.close()

    def integrity(self) -> str:
        (result,) = self.db.execute("PRAGMA integrity_check").fetchone()
        return str(result)

    # --- the per-file cache ----------------------------------------------------------------

    def file(self, name: str) -> FileRecord | None:
        row = self.db.execute(
            "SELECT name, size, mtime_ns, sha256, config, payload, unit FROM files WHERE name=?",
            (name,),
        ).fetchone()
        return FileRecord(*row) if row else None

    def file_by_content(self, sha256: str, config: str) -> FileRecord | None:
        """A record of the same content under any name (a renamed or copied workbook)."""
        row = self.db.execute(
            "SELECT name, size, mtime_ns, sha256, config, payload, unit FROM files "
            "WHERE sha256=? AND config=? LIMIT 1",
            (sha256, config),
        ).fetchone()
        return FileRecord(*row) if row else None

    def holds_config(self, config: str) -> bool:
        """Any file output cached under these settings (none: a first pass, or new settings)."""
        row = self.db.execute("SELECT 1 FROM files WHERE config=? LIMIT 1", (config,)).fetchone()
        return row is not None

    def put_file(self, record: FileRecord, now: str) -> None:
        self.db.execute(
            """INSERT INTO files (name, size, mtime_ns, sha256, config, payload, unit,
                                  first_seen, last_changed)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET size=excluded.size,
                   mtime_ns=excluded.mtime_ns, sha256=excluded.sha256, config=excluded.config,
                   payload=excluded.payload, unit=excluded.unit,
                   last_changed=CASE WHEN files.sha256=excluded.sha256 THEN files.last_changed
                                     ELSE excluded.last_changed END""",
            (
                record.name,
                record.size,
                record.mtime_ns,
                record.sha256,
                record.config,
                record.payload,
                record.unit,
                now,
                now,
            ),
        )

    def touch_file(self, name: str, size: int, mtime_ns: int) -> None:
        """The file's content is what its record says (its SHA-256 was checked); only its
        size and time moved (a save without a change, a copy)."""
        self.db.execute("UPDATE files SET size=?, mtime_ns=? WHERE name=?", (size, mtime_ns, name))

    def file_changed(self, name: str) -> str:
        row = self.db.execute("SELECT last_changed FROM files WHERE name=?", (name,)).fetchone()
        return str(row[0]) if row else ""

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    # --- score book chunks -------------------------------------------------------------------

    def fragments(self, keys: Collection[str]) -> dict[str, Fragment]:
        found: dict[str, Fragment] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self.db.execute(
                "SELECT key, data, crc, size, links, rels, data_crc FROM fragments "
                f"WHERE key IN ({marks})",
                batch,
            )
            for key, data, crc, size, links, rels, data_crc in rows:
                # A chunk is spliced into the score book as stored: a blob damaged on disk
                # would make a book no spreadsheet opens. Checked (4 ms for 13 MB), a damaged
                # one is simply built again.
                if zlib.crc32(data) == data_crc:
                    found[key] = Fragment(data, crc, size, links, rels)
        return found

    def keep_fragments(self, new: Mapping[str, Fragment], used: Collection[str]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "INSERT OR REPLACE INTO fragments (key, data, crc, size, links, rels, data_crc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (k, f.data, f.crc, f.size, f.links, f.rels, zlib.crc32(f.data))
                    for k, f in new.items()
                ],
            )
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used_fragments (key TEXT)")
            self.db.execute("DELETE FROM used_fragments")
            self.db.executemany("INSERT INTO used_fragments VALUES (?)", [(k,) for k in used])
            self.db.execute(
                "DELETE FROM fragments WHERE key NOT IN (SELECT key FROM used_fragments)"
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # --- passes -------------------------------------------------------------------------------

    def begin_pass(self, source: str, periods: Sequence[str], now: str, pid: int) -> int:
        cur = self.db.execute(
            "INSERT INTO passes (started, source, periods, status, pid) "
            "VALUES (?, ?, ?, 'berjalan', ?)",
            (now, source, ",".join(periods), pid),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def fail_pass(self, pass_id: int, now: str, error: str, status: str = "gagal") -> None:
        self.db.execute(
            "UPDATE passes SET status=?, finished=?, error=? WHERE id=?",
            (status, now, error, pass_id),
        )

    def mark_interrupted(self, alive: Iterable[int]) -> int:
        """Passes left "berjalan" by a process that is gone become "terputus"."""
        living = set(alive)
        rows = self.db.execute("SELECT id, pid FROM passes WHERE status='berjalan'").fetchall()
        gone = [pass_id for pass_id, pid in rows if pid not in living]
        for pass_id in gone:
            self.db.execute("UPDATE passes SET status='terputus' WHERE id=?", (pass_id,))
        return len(gone)

    def finish_pass(self, outcome: PassOutcome) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            pid = outcome.pass_id
            if outcome.inputs:
                rows = [
                    (i.name, i.sha256, i.status, i.unit, int(i.read), i.change)
                    for i in outcome.inputs
                ]
                db.executemany(
                    f"INSERT INTO pass_inputs (pass_id, {_INPUT_COLUMNS}, op) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, '+')",
                    [(pid, *row) for row in rows if row[-1] != "tetap"],
                )
                self._replace_state("state_inputs", _INPUT_COLUMNS, rows)
            if outcome.results is not None:
                self._record_state(
                    pid, "results", _RESULT_COLUMNS, [_fields(r) for r in outcome.results]
                )
            if outcome.problems is not None:
                self._record_state(
                    pid, "problems", _PROBLEM_COLUMNS, [_fields(p) for p in outcome.problems]
                )
            db.executemany(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(pid, *_fields(c)[1:]) for c in outcome.changes],
            )
            db.executemany(
                "INSERT INTO published VALUES (?, ?, ?, ?)",
                [(pid, outcome.finished, kind, path) for kind, path in outcome.outputs],
            )
            # What a later pass compares with: the newest pass that recorded its inputs (a
            # pass that found nothing changed records none), and the newest recorded state.
            if outcome.inputs:
                db.execute(
                    "INSERT INTO meta VALUES ('inputs_pass', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (str(pid),),
                )
            if outcome.results is not None:
                db.execute(
                    "INSERT INTO meta VALUES ('state_pass', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (str(pid),),
                )
            db.execute(
                """UPDATE passes SET status='selesai', finished=?, files=?, read=?, changed=?,
                       digest=?, published=? WHERE id=?""",
                (
                    outcome.finished,
                    outcome.files,
                    outcome.read,
                    outcome.changed,
                    outcome.digest,
                    outcome.published,
                    pid,
                ),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _record_state(
        self, pid: int, table: str, columns: str, rows: list[tuple[object, ...]]
    ) -> None:
        """The pass's rows of `table` as what differs from the state before it (a row as
        many times as it differs: two alike pegawai without a NIP are two rows), then the
        state replaced by them. Inside finish_pass's transaction."""
        before = Counter(self.db.execute(f"SELECT {columns} FROM state_{table}"))
        now = Counter(rows)
        marks = ", ".join("?" * (columns.count(",") + 1))
        insert = f"INSERT INTO {table} (pass_id, {columns}, op) VALUES (?, {marks}, ?)"
        for op, diff in (("-", before - now), ("+", now - before)):
            self.db.executemany(
                insert, [(pid, *row, op) for row, n in diff.items() for _ in range(n)]
            )
        self._replace_state(f"state_{table}", columns, rows)

    def _replace_state(self, table: str, columns: str, rows: Sequence[tuple[object, ...]]) -> None:
        self.db.execute(f"DELETE FROM {table}")
        marks = ", ".join("?" * (columns.count(",") + 1))
        self.db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def last_pass(self, finished_only: bool = False) -> PassRecord | None:
        where = "WHERE status='selesai'" if finished_only else ""
        row = self.db.execute(
            "SELECT id, started, COALESCE(finished, ''), source, periods, status, pid, files, "
            f"read, changed, digest, published, error FROM passes {where} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return PassRecord(*row) if row else None

    def last_state(self) -> tuple[list[ResultRow], list[ProblemRow], list[InputRow]]:
        """The results and problems of the newest pass that recorded them, and the inputs."""
        results = [
            ResultRow(*r) for r in self.db.execute(f"SELECT {_RESULT_COLUMNS} FROM state_results")
        ]
        problems = [
            ProblemRow(*p)
            for p in self.db.execute(f"SELECT {_PROBLEM_COLUMNS} FROM state_problems")
        ]
        return results, problems, self.pending()

    def pending(self) -> list[InputRow]:
        """The inputs as the newest pass that recorded them found them."""
        return [
            InputRow(name, sha, status, unit, bool(read), change)
            for name, sha, status, unit, read, change in self.db.execute(
                f"SELECT {_INPUT_COLUMNS} FROM state_inputs ORDER BY name"
            )
        ]

    def changes(self, since: str | None = None) -> list[Change]:
        query = (
            "SELECT pass_id, at, kind, period, unit, nip, nama, before, after, detail FROM changes"
        )
        args: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE at >= ?"
            args = (since,)
        return [Change(*c) for c in self.db.execute(query + " ORDER BY rowid", args)]


def _statements(script: str) -> list[str]:
    """A migration script split into statements (sqlite3's executescript would commit the
    surrounding transaction; a migration must apply whole or not at all)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines():
        stripped = line.split("--", 1)[0]
        current += stripped + "\n"
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def _fields(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in row.__slots__)  # type: ignore[attr-defined]


def now_text() -> str:
    """Times in the store: local time with its offset, to the second (sorts as text)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")
