"""One pass of the sync service over a local folder.

1. Find the workbooks. If every one has the size and time the store saw last pass, and the
   settings are the same, nothing changed: the pass is recorded and ends (no workbook is
   opened, no file hashed).
2. Otherwise consolidate every period of the pass from one read of each *changed* workbook
   (the others are served from the store, `sync.cache`).
3. Compare with the last recorded state: predikat that changed, problems that appeared or
   were resolved, units that submitted, files added, changed, removed.
4. If anything changed, publish the score book and the units' feedback workbooks.
5. Record it all in one transaction.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.config import policy_toml
from sheetnilai.consolidate import Consolidation, consolidate_periods, discover, sha256
from sheetnilai.errors import display_name
from sheetnilai.google.collect import Collection
from sheetnilai.pool import gc_paused, process_pool
from sheetnilai.problems import Severity
from sheetnilai.roster import Roster
from sheetnilai.rules.labels import OrgPredikat
from sheetnilai.rules.policy import Policy, scoring_policy
from sheetnilai.sources.folder import Discovery, InputFile
from sheetnilai.store.sqlite import (
    Change,
    InputRow,
    PassOutcome,
    ProblemRow,
    ResultRow,
    Store,
    now_text,
)
from sheetnilai.sync import drive as drive_source
from sheetnilai.sync.cache import StoreCache, config_digest
from sheetnilai.sync.drive import DriveSource
from sheetnilai.sync.publish import (
    feedback_frames,
    feedback_names,
    frame_digest,
    masalah_tables,
    publish_scorebook,
    write_feedback,
)
from sheetnilai.talenta_report import apply_potensial
from sheetnilai.workbook.layout import MASALAH_SHEET


@dataclass(slots=True)
class SyncSettings:
    source: Path  # the local folder; with `drive`, only the label of the Drive folder
    output: Path
    periods: tuple[str, ...]
    policy: Policy
    roster: Roster | None = None
    roster_path: Path | None = None
    org_predikat: dict[str, OrgPredikat] = field(default_factory=dict)
    org_default: OrgPredikat | None = None
    agency_predikat: OrgPredikat | None = None
    year: int | None = None
    jobs: int | None = None
    drive: DriveSource | None = None
    potensial: dict[str, str] = field(default_factory=dict)  # NIP -> potensial (--potensial)

    @property
    def label(self) -> str:
        return "-".join(self.periods)


@dataclass(slots=True)
class PassReport:
    pass_id: int
    files: int
    read: int  # workbooks opened this pass
    served: int  # served from the store
    changed: int  # inputs added, changed or removed
    published: list[tuple[str, Path]]
    changes: list[Change]
    errors: int  # galat in the score book (0 when nothing was consolidated)
    quiet: bool  # nothing changed: no consolidation at all
    results: list[Consolidation] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # konsolidasi, terbit


Log = Callable[[str], None]
FEEDBACK_IN_WORKER = 20  # feedback workbooks due, from which a worker writes them


def run_pass(settings: SyncSettings, store: Store, log: Log) -> PassReport:
    started = now_text()
    pass_id = store.begin_pass(str(settings.source), settings.periods, started, os.getpid())
    try:
        # A pass loads every stored workbook's results (millions of objects that stay alive
        # together): each collection the collector would start walks all of them, about a
        # quarter of a pass after one changed workbook (bench/sinkron.py).
        with gc_paused(promote=True):
            return _run(settings, store, log, pass_id, started)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (cli.main): a stop, not a failure
        store.fail_pass(pass_id, now_text(), "", status="dihentikan")
        raise
    except BaseException as exc:
        store.fail_pass(pass_id, now_text(), type(exc).__name__)
        raise


def _config(settings: SyncSettings) -> str:
    roster_digest = sha256(settings.roster_path) if settings.roster_path else ""
    options = repr(
        (
            sorted((k, v.value) for k, v in settings.org_predikat.items()),
            settings.org_default,
            settings.agency_predikat,
            settings.year,
            sorted(settings.potensial.items()),
        )
    )
    # The scoring policy as it reads, not the file's text: a deadline, the mail server or a
    # comment changes no score, so it must not make every workbook be read again.
    scoring = policy_toml(scoring_policy(settings.policy))
    return config_digest(settings.periods, scoring + options, roster_digest)


def _run(settings: SyncSettings, store: Store, log: Log, pass_id: int, started: str) -> PassReport:
    config = _config(settings)
    previous = store.pending()
    last = store.last_pass(finished_only=True)
    src = settings.drive
    found: Discovery | None = None
    collection: Collection | None = None
    token: str | None = None
    if src is None:
        found = discover(settings.source)
        files = found.files
        quiet = last is not None and _unchanged(files, previous, store, config)
        count = len(files)
    else:
        quiet, token = drive_source.poll(src, store, config)
        # A spreadsheet Drive failed to give last pass is fetched again, changed or not.
        failed = any(i.status == "galat: drive-gagal-ambil" for i in previous)
        quiet = quiet and last is not None and not failed
        count = sum(1 for i in previous if i.change != "dihapus")
    if quiet:
        assert last is not None
        store.finish_pass(
            PassOutcome(pass_id, now_text(), count, 0, 0, last.digest, "", [], None, None, [], [])
        )
        if src is not None and token is not None:
            drive_source.finish(src, store, token, config)
        return PassReport(pass_id, count, 0, count, 0, [], [], 0, True)
    if src is not None:
        collection, token = drive_source.fetch(src, store, token)
        files = collection.input_files()
        got = sum(1 for f in collection.fetched if f.status == "diambil")
        log(f"Drive: {got} diekspor, {collection.requests_saved} dari arsip")

    cache = StoreCache(store, config, started)
    clock = time.perf_counter()
    results = consolidate_periods(
        settings.source,
        settings.periods,
        settings.policy,
        settings.roster,
        settings.org_predikat,
        settings.org_default,
        settings.agency_predikat,
        jobs=settings.jobs,
        files=files if src is not None else None,
        found=found,
        year=settings.year,
        cache=cache,
    )
    if src is not None and collection is not None:
        drive_source.link(src, collection, results)
    if settings.roster_path is not None:
        digest = sha256(settings.roster_path)
        for result in results:
            result.roster_sha256 = digest
    if settings.potensial:
        apply_potensial(results, settings.potensial)
    seconds = {"konsolidasi": time.perf_counter() - clock}
    inputs = _inputs(results[0], previous, set(cache.read))
    digest = _digest(config, inputs)
    changed = sum(1 for i in inputs if i.change != "tetap")
    if last is not None and digest == last.digest:
        # Saved again without a change (the time moved, the content did not).
        store.finish_pass(
            PassOutcome(
                pass_id,
                now_text(),
                len(files),
                len(cache.read),
                0,
                digest,
                "",
                inputs,
                None,
                None,
                [],
                [],
            )
        )
        if src is not None and token is not None:
            drive_source.finish(src, store, token, config)
        return PassReport(
            pass_id,
            len(files),
            len(cache.read),
            len(cache.served),
            0,
            [],
            [],
            _errors(results),
            False,
            results,
        )

    old_results, old_problems, _ = store.last_state()
    new_results, new_problems = _state(results)
    changes = _changes(
        started,
        pass_id,
        inputs,
        old_results,
        new_results,
        old_problems,
        new_problems,
        first=last is None,
    )
    clock = time.perf_counter()
    history = [*store.changes(), *changes]
    stamp = started[:19].replace("-", "").replace(":", "").replace("T", "-")
    masalah = masalah_tables(results)
    frames = feedback_frames(results, masalah)
    names = feedback_names(list(frames))
    counted = {u.unit for r in results for u in r.units}
    due = []
    for unit, frame in frames.items():
        digest_of_rows = frame_digest(frame)
        before = store.meta(f"umpan_balik:{names[unit]}")
        if before == digest_of_rows:
            continue
        if unit not in counted and not len(frame) and before is None:
            # A file that is no unit's workbook (a letter, a PDF) and has nothing to fix gets
            # no workbook; one that had problems gets its empty list once, to show them gone.
            continue
        due.append((unit, frame, digest_of_rows))
    # The feedback workbooks are written by a worker while this process writes the score
    # book (the first pass writes one per unit).
    pool = process_pool(1) if len(due) >= FEEDBACK_IN_WORKER else None
    try:
        writes = (
            [
                pool.submit(write_feedback, settings.output, unit, names[unit], frame, started)
                for unit, frame, _ in due
            ]
            if pool is not None
            else []
        )
        published = publish_scorebook(
            results, history, settings.output, settings.label, stamp, store, masalah
        )
        for kind, path in published:
            log(f"diterbitkan ({kind}): {display_name(str(path))}")
        for k, (unit, frame, digest_of_rows) in enumerate(due):
            path = (
                writes[k].result()
                if pool is not None
                else write_feedback(settings.output, unit, names[unit], frame, started)
            )
            store.set_meta(f"umpan_balik:{names[unit]}", digest_of_rows)
            published.append(("umpan-balik", path))
            log(f"umpan balik {unit}: {len(frame)} masalah -> {display_name(str(path))}")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    drive_published: list[tuple[str, str]] = []
    if src is not None and src.upload:
        title = f"Buku nilai {settings.label} (sinkron)"
        uploaded = drive_source.upload_scorebook(src, store, published[0][1], title)
        log(f"buku nilai di Drive diperbarui: {uploaded.link}")
        drive_published.append(("drive", uploaded.link))
    if src is not None and collection is not None:
        written = drive_source.write_back(src, store, collection, results, started, log, masalah)
        for name in written:
            log(f"lembar {MASALAH_SHEET} ditulis: {name}")
    seconds["terbit"] = time.perf_counter() - clock
    store.finish_pass(
        PassOutcome(
            pass_id,
            now_text(),
            len(files),
            len(cache.read),
            changed,
            digest,
            str(published[1][1]),
            inputs,
            new_results,
            new_problems,
            changes,
            [(kind, str(path)) for kind, path in published] + drive_published,
        )
    )
    if src is not None and token is not None:
        drive_source.finish(src, store, token, config)
    return PassReport(
        pass_id,
        len(files),
        len(cache.read),
        len(cache.served),
        changed,
        published,
        changes,
        _errors(results),
        False,
        results,
        seconds,
    )


def _unchanged(
    files: Sequence[InputFile], previous: Sequence[InputRow], store: Store, config: str
) -> bool:
    """Nothing to do: the same files as the last pass, each with the size and time the store
    holds for it, under the same settings."""
    before = {i.name: i for i in previous if i.change != "dihapus"}
    if {f.name for f in files} != set(before):
        return False
    for f in files:
        if f.status:
            if before[f.name].status != f.status:
                return False
            continue
        record = store.file(f.name)
        if record is None or record.config != config:
            return False
        try:
            st = f.path.stat()
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns):
            return False
    return True


def _inputs(result: Consolidation, previous: Sequence[InputRow], read: set[str]) -> list[InputRow]:
    before = {i.name: i for i in previous if i.change != "dihapus"}
    units = {u.name: u.unit for u in result.units}
    rows = []
    for f in result.files:
        old = before.pop(f.name, None)
        change = "baru" if old is None else "berubah" if old.sha256 != f.sha256 else "tetap"
        rows.append(
            InputRow(f.name, f.sha256, f.status, units.get(f.name, ""), f.name in read, change)
        )
    # Gone since the last pass (one already gone then is not reported again; one that
    # comes back is "baru" again).
    rows += [
        InputRow(i.name, i.sha256, "dihapus", i.unit, False, "dihapus") for i in before.values()
    ]
    return rows


def _digest(config: str, inputs: Sequence[InputRow]) -> str:
    h = hashlib.sha256(config.encode())
    for i in sorted(inputs, key=lambda i: i.name):
        if i.change != "dihapus":
            h.update(f"\x00{i.name}\x00{i.sha256}\x00{i.status}".encode())
    return h.hexdigest()


def _errors(results: Sequence[Consolidation]) -> int:
    return sum(r.count(Severity.GALAT) for r in results)


def _state(results: Sequence[Consolidation]) -> tuple[list[ResultRow], list[ProblemRow]]:
    out_results = []
    out_problems = []
    for r in results:
        for p in r.pegawai:
            label = p.predikat.label if p.predikat is not None else ""
            out_results.append(
                ResultRow(r.period, p.nip, p.nama, p.unit, label, p.galat, p.peringatan)
            )
        owner = {u.name: u.unit for u in r.units}
        for q in r.all_problems:
            key = "|".join((q.code, q.file or "", q.sheet or "", q.cell or "", q.nip or ""))
            out_problems.append(
                ProblemRow(
                    r.period,
                    key,
                    owner.get(q.file or "", ""),
                    q.file or "",
                    q.sheet or "",
                    q.cell or "",
                    q.nip or "",
                    q.nama or "",
                    q.code,
                    q.severity.value,
                    q.message,
                )
            )
    return out_results, out_problems


def _changes(
    at: str,
    pass_id: int,
    inputs: Sequence[InputRow],
    old_results: Sequence[ResultRow],
    new_results: Sequence[ResultRow],
    old_problems: Sequence[ProblemRow],
    new_problems: Sequence[ProblemRow],
    first: bool,
) -> list[Change]:
    """What changed since the last recorded state. The first pass of a store records the
    files it found and the units that submitted, not every problem as "new"."""
    out: list[Change] = []
    kinds = {"baru": "berkas-baru", "berubah": "berkas-berubah", "dihapus": "berkas-dihapus"}
    for i in inputs:
        if i.change in kinds:
            out.append(Change(pass_id, at, kinds[i.change], "", i.unit, "", "", "", "", i.name))
    old_units = {r.unit for r in old_results}
    for unit in sorted({r.unit for r in new_results} - old_units):
        out.append(Change(pass_id, at, "unit-masuk", "", unit, "", "", "", "", ""))
    if first:
        return out
    before = {(r.period, r.nip, r.unit): r for r in old_results}
    for r in new_results:
        old = before.get((r.period, r.nip, r.unit))
        if old is not None and old.predikat != r.predikat:
            out.append(
                Change(
                    pass_id,
                    at,
                    "predikat",
                    r.period,
                    r.unit,
                    r.nip,
                    r.nama,
                    old.predikat or "(belum ada)",
                    r.predikat or "(belum ada)",
                    "",
                )
            )
    old_keys = {(p.period, p.key): p for p in old_problems}
    new_keys = {(p.period, p.key): p for p in new_problems}
    for key, p in new_keys.items():
        if key not in old_keys:
            out.append(
                Change(
                    pass_id,
                    at,
                    "masalah-baru",
                    p.period,
                    p.unit,
                    p.nip,
                    p.nama,
                    "",
                    p.code,
                    _where(p),
                )
            )
    for key, p in old_keys.items():
        if key not in new_keys:
            out.append(
                Change(
                    pass_id,
                    at,
                    "masalah-selesai",
                    p.period,
                    p.unit,
                    p.nip,
                    p.nama,
                    p.code,
                    "",
                    _where(p),
                )
            )
    return out


def _where(p: ProblemRow) -> str:
    place = " › ".join(x for x in (p.file, p.sheet, p.cell) if x)
    return f"{place}: {p.message}" if place else p.message
