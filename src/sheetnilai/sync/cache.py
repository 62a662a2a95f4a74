"""The per-file cache a pass gives the consolidation: a workbook whose size and time are those
the store saw is served from the store; one whose size or time moved is hashed, and served
only if its content is still the same (its SHA-256); anything else is read again.

A cached output is valid for the settings it was computed under (`config`: the periods, the
policy, the roster, the sheetnilai version), so a change of any of them reads every workbook
once more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from sheetnilai import __version__
from sheetnilai.consolidate import FileOutput, pack_output, sha256, unpack_output
from sheetnilai.sources.folder import InputFile
from sheetnilai.sources.survei import SurveyResult
from sheetnilai.store.sqlite import FileRecord, Store


def config_digest(periods: tuple[str, ...], policy_text: str, roster_digest: str) -> str:
    """What a cached output depends on besides the workbook itself."""
    parts = (__version__, ",".join(periods), policy_text, roster_digest)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass(slots=True)
class StoreCache:
    store: Store
    config: str
    now: str
    served: list[str] = field(default_factory=list)  # names served from the store
    read: list[str] = field(default_factory=list)  # names the consolidation read
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (size, mtime)
    _holds: bool | None = None  # the store has outputs under `config` at all

    def lookup(self, f: InputFile) -> bytes | None:
        try:
            st = f.path.stat()
        except OSError:
            return None  # the consolidation reports it as it reads it
        self._seen[f.name] = (st.st_size, st.st_mtime_ns)
        if self._holds is None:
            self._holds = self.store.holds_config(self.config)
        if not self._holds:
            return None  # a first pass: nothing to find, so no file is hashed for it
        record = self.store.file(f.name)
        if record is None or record.config != self.config:
            return self._renamed(f, st.st_size, st.st_mtime_ns)
        if (record.size, record.mtime_ns) != (st.st_size, st.st_mtime_ns):
            try:
                same = sha256(f.path) == record.sha256
            except OSError:
                return None
            if not same:
                return None
            self.store.touch_file(f.name, st.st_size, st.st_mtime_ns)
        self.served.append(f.name)
        return record.payload

    def _renamed(self, f: InputFile, size: int, mtime: int) -> bytes | None:
        """A name the store has not seen: served if its content is one the store holds."""
        try:
            digest = sha256(f.path)
        except OSError:
            return None
        record = self.store.file_by_content(digest, self.config)
        if record is None:
            return None
        output = unpack_output(record.payload)
        old_name = record.name
        self._rename(output, old_name, f.name)
        payload = pack_output(output)
        self.store.put_file(
            FileRecord(f.name, size, mtime, digest, self.config, payload, record.unit), self.now
        )
        self.served.append(f.name)
        return payload

    @staticmethod
    def _rename(output: FileOutput, old: str, new: str) -> None:
        """The output of a file under its old name, named as the file is now (every problem
        and row names its file)."""
        _, per_period, problems = output
        if isinstance(per_period, SurveyResult):
            per_period.name = new
            per_period.problems = [
                replace(p, file=new) if p.file == old else p for p in per_period.problems
            ]
            per_period = None
        for unit in per_period or ():
            unit.name = new
            unit.problems = [replace(p, file=new) if p.file == old else p for p in unit.problems]
            for peg in unit.pegawai:
                peg.file = new
            for iki in unit.iki:
                iki.file = new
        problems[:] = [replace(p, file=new) if p.file == old else p for p in problems]

    def remember(self, f: InputFile, output: FileOutput, packed: bytes | None) -> None:
        """`packed`: the output as a worker packed it, kept as it is (None: packed here)."""
        self.read.append(f.name)
        digest, per_period, _ = output
        if not digest:
            return  # not even hashed (it vanished): nothing to serve next time
        # The size and time seen before the read: if the file moved since, the next pass sees
        # a different time and checks its content again.
        size, mtime = self._seen.get(f.name) or _stat(f.path)
        if isinstance(per_period, SurveyResult):
            unit = per_period.unit
        else:
            unit = per_period[0].unit if per_period else ""
        payload = packed or pack_output(output)
        self.store.put_file(
            FileRecord(f.name, size, mtime, digest, self.config, payload, unit), self.now
        )


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns
