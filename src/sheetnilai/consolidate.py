"""HR's one command: read every unit workbook, check it, recompute it, and gather the results.

Per file (in parallel worker processes): read the raw cells, extract the unit by its names,
check and recompute it for each period of the run (`validate.check_unit_periods`). Across
files (here):

- the year: every workbook must be of the run's year (given, or the one most workbooks
  carry); a workbook of another year is a galat and is not scored;
- the unit: the name stored in a workbook is checked against the roster (where its pegawai
  belong), the unit typed on its SKP sheets and its file name; a workbook scored under the
  wrong unit would hide a unit's pegawai and mark another's as not submitted;
- duplicates: a unit sent twice, or the same NIP on two sheets, is reported at every place
  and counted once, naming the copy that was used;
- the roster's "belum masuk" list, and the distribution check per unit and for the agency.

A file that cannot be read becomes a problem row; the run always goes on. Unit workbooks
are only ever opened for reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from sheetnilai.cascade import check_cascade
from sheetnilai.errors import display_name, os_reason
from sheetnilai.ikm_link import link_surveys
from sheetnilai.pool import gc_paused, process_pool
from sheetnilai.problems import Problem, Severity
from sheetnilai.roster import Pegawai, Roster, safe_file_stem
from sheetnilai.rules.distribution import DistributionResult, check_distribution, count_predikat
from sheetnilai.rules.labels import OrgPredikat
from sheetnilai.rules.labels import name_key as _norm
from sheetnilai.rules.policy import Policy
from sheetnilai.sources.folder import (
    OLD_SUFFIXES,
    WORKBOOK_SUFFIXES,
    Discovery,
    InputFile,
    discover,
)
from sheetnilai.sources.raw import ReadError, read_book
from sheetnilai.sources.survei import SurveyResult, is_survey, read_survey
from sheetnilai.sources.unit import NotReadable, extract, peek
from sheetnilai.validate import PegawaiResult, UnitResult, check_unit_periods
from sheetnilai.workbook.layout import RECAP_SHEET

__all__ = [
    "OLD_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "BelumMasuk",
    "Consolidation",
    "Discovery",
    "InputFile",
    "consolidate",
    "consolidate_periods",
    "discover",
    "prescan",
    "require_period",
    "run_year",
    "sha256",
]


@dataclass(slots=True)
class BelumMasuk:
    nip: str
    nama: str
    unit: str
    jabatan: str
    reason: str
    waiting_for: str  # who must act: "unit kerja", "pegawai", "pejabat penilai (nama, NIP)"


@dataclass(slots=True)
class Consolidation:
    source: str
    period: str
    policy: Policy
    started: dt.datetime
    files: list[InputFile] = field(default_factory=list)
    units: list[UnitResult] = field(default_factory=list)  # the workbooks that are counted
    problems: list[Problem] = field(default_factory=list)
    belum_masuk: list[BelumMasuk] = field(default_factory=list)
    distribution: dict[str, tuple[OrgPredikat | None, DistributionResult | None]] = field(
        default_factory=dict
    )
    agency: tuple[OrgPredikat | None, DistributionResult | None] = (None, None)
    roster_source: str = ""
    roster_sha256: str = ""
    year: int | None = None
    # Roster units with no counted workbook: unit -> head-count in the roster.
    missing_units: dict[str, int] = field(default_factory=dict)
    roster_count: int | None = None  # pegawai the roster expects (None: no roster)
    roster_units: dict[str, int] = field(default_factory=dict)  # unit -> head-count
    folders: list[tuple[str, str]] = field(default_factory=list)  # noted folders and status
    surveys: list[SurveyResult] = field(default_factory=list)  # IKM survey workbooks read
    # IKI whose source is a survey (ikm_link.py), by (file, sheet, realisasi cell).
    iki_surveys: dict[tuple[str, str, str], SurveyResult] = field(default_factory=dict)
    # NIP -> potensial (Rendah/Menengah/Tinggi) from the roster's optional column, for the
    # Talenta sheet; `talenta.apply_potensial` adds an assessment file's.
    potensial: dict[str, str] = field(default_factory=dict)
    # (NIP, RHK) -> the chain up to the unit head, as the cascade check found it (None: not
    # checked; cascade.chains then builds it).
    rhk_chains: dict[tuple[str, str], str] | None = None
    # File name -> a digest of the output its worker gave (as packed for a cache; only a run
    # with a cache has them): what the rows a unit's workbook yields are computed from, so a
    # table may key them by it (scorebook.Table.segments) rather than by their values.
    output_digests: dict[str, str] = field(default_factory=dict)

    @property
    def pegawai(self) -> list[PegawaiResult]:
        return [p for u in self.units for p in u.pegawai]

    @property
    def all_problems(self) -> list[Problem]:
        return [
            *self.problems,
            *(p for u in self.units for p in u.problems),
            *(p for s in self.surveys for p in s.problems),
        ]

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.all_problems if p.severity is severity)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Run:
    """What every file of a run is checked against."""

    periods: tuple[str, ...]
    policy: Policy
    roster: Mapping[str, Pegawai] | None


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    name: str
    run: _Run


# A worker process's run, set once when it starts (pool.process_pool's setup): a task then
# carries only its file, so files can be handed out a few at a time.
_worker_run: _Run | None = None


def _set_worker_run(run: _Run) -> None:
    global _worker_run
    _worker_run = run


def _process_in_worker(file: tuple[Path, str, bool]) -> bytes:
    """`_process` in a worker, its output packed here: the parent keeps these very bytes
    for a cache (the sync service's store) instead of packing the output once more."""
    assert _worker_run is not None, "process_pool(setup=_set_worker_run) sets it"
    path, name, compress = file
    return pack_output(_process(_Job(path, name, _worker_run)), compress)


# What one worker returns for one file: its SHA-256, one UnitResult per period of the run
# (None when the file could not be read; a SurveyResult for an IKM survey workbook, which
# holds no period), and the problems of reading it.
FileOutput = tuple[str, list[UnitResult] | SurveyResult | None, list[Problem]]
_Output = FileOutput


def pack_output(output: FileOutput, compress: bool = True) -> bytes:
    """One file's output as bytes: pickled, and compressed for a store. A cold pass of the
    sync service writes every output to disk, and the disk, not the CPU, was what made it
    slower than a plain consolidation: zlib at level 1 shrinks the outputs 7× for about a
    third of a millisecond per file, spent in the workers."""
    pickled = pickle.dumps(output, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(pickled, 1) if compress else pickled


def output_digest(packed: bytes) -> str:
    """What `Consolidation.output_digests` holds: packed bytes stand for one output."""
    return hashlib.blake2b(packed, digest_size=20).hexdigest()


def unpack_output(data: bytes) -> FileOutput:
    """`pack_output`'s bytes, compressed or not: a pickle starts with its protocol byte
    (0x80), a zlib stream with 0x78, so outputs stored before compression still load."""
    if data[:1] == b"\x78":
        data = zlib.decompress(data)
    output: FileOutput = pickle.loads(data)
    return output


class FileCache(Protocol):
    """Outputs of earlier runs (the sync service's store): a file the cache can serve is not
    read. `lookup` is asked before a file is read and answers with the output as
    `pack_output` bytes (unpacked while the workers read the files it did not serve);
    `remember` gets every output read (and the bytes a worker packed it to, if it was read in
    one), before the checks across files touch it."""

    def lookup(self, f: InputFile) -> bytes | None: ...
    def remember(self, f: InputFile, output: FileOutput, packed: bytes | None) -> None: ...


def _process(job: _Job) -> _Output:
    """Read, extract and check one file; never raises, whatever the file holds.

    A defect of our own that a file sets off becomes a galat on that file, so one strange
    workbook never costs the other units their score book.
    """
    try:
        with gc_paused():
            return _read_and_check(job)
    except Exception as exc:
        problem = Problem.make(
            "galat-internal", params={"jenis": type(exc).__name__}, file=job.name
        )
        return "", None, [problem]


def _read_and_check(job: _Job) -> _Output:
    digest = ""
    try:
        digest = sha256(job.path)
        book = read_book(job.path)
    except ReadError as exc:
        return digest, None, [exc.to_problem(job.name)]
    except OSError as exc:
        params = {"detail": os_reason(exc), "path": job.name}
        return digest, None, [Problem.make("berkas-tidak-terbaca", params=params, file=job.name)]
    if is_survey(book):
        return digest, read_survey(book, job.name, job.run.policy.ikm), []
    try:
        unit = extract(book, job.name)
    except NotReadable as exc:
        return digest, None, [exc.problem]
    unit.sha256 = digest
    # The reading is what costs (bench/consolidate.py): every period is checked from it.
    run = job.run
    return digest, check_unit_periods(unit, run.periods, run.policy, run.roster), []


def _status(unit: object | None, problems: list[Problem]) -> str:
    if isinstance(unit, SurveyResult):
        return "dibaca: survei IKM"
    if unit is not None:
        return "dibaca"
    if problems and problems[0].code == "buku-nilai-dilewati":
        return "dilewati: buku nilai sheetnilai"
    return f"galat: {problems[0].code}"


def consolidate(
    source: Path | str,
    period: str,
    policy: Policy,
    roster: Roster | None = None,
    org_predikat: Mapping[str, OrgPredikat] | None = None,
    org_default: OrgPredikat | None = None,
    agency_predikat: OrgPredikat | None = None,
    jobs: int | None = None,
    progress: Callable[[InputFile], None] | None = None,
    files: list[InputFile] | None = None,
    year: int | None = None,
    found: Discovery | None = None,
) -> Consolidation:
    """Consolidate the workbooks in the folder `source` (or what `found` already discovered
    in it), or the given `files` (already fetched, e.g. from Google Drive; `source` then only
    names where they came from).

    `year` is the appraisal year of the run; None takes the year most workbooks carry.
    """
    (result,) = consolidate_periods(
        source,
        (period,),
        policy,
        roster,
        org_predikat,
        org_default,
        agency_predikat,
        jobs,
        progress,
        files,
        year,
        found,
    )
    return result


def consolidate_periods(
    source: Path | str,
    periods: Sequence[str],
    policy: Policy,
    roster: Roster | None = None,
    org_predikat: Mapping[str, OrgPredikat] | None = None,
    org_default: OrgPredikat | None = None,
    agency_predikat: OrgPredikat | None = None,
    jobs: int | None = None,
    progress: Callable[[InputFile], None] | None = None,
    files: list[InputFile] | None = None,
    year: int | None = None,
    found: Discovery | None = None,
    cache: FileCache | None = None,
) -> list[Consolidation]:
    """`consolidate` for several periods from one read of every workbook: one Consolidation
    per period, each exactly what a single-period run gives. With `cache`, the files it
    serves are not read at all."""
    started = dt.datetime.now().astimezone()
    results = [Consolidation(str(source), p, policy, started) for p in periods]
    shared: list[Problem] = []
    folders: list[tuple[str, str]] = []
    if files is None:
        found = found or discover(Path(source))
        files = found.files
        shared.extend(found.problems)
        folders = list(found.folders)
    by_nip = roster.by_nip() if roster else None
    todo = [f for f in files if not f.status]
    packed_served = {id(f): b for f in todo if cache and (b := cache.lookup(f)) is not None}
    to_read = [f for f in todo if id(f) not in packed_served]
    run = _Run(tuple(periods), policy, by_nip)
    cores = jobs or os.cpu_count() or 1
    workers = min(cores, len(to_read))
    outputs: Iterator[tuple[_Output, bytes | None]]
    pool: ProcessPoolExecutor | None = None
    # One workbook to read is read in a worker too when the cache served others: it is read
    # while this process unpacks what was served (a sync pass after one edit).
    if cores <= 1 or not to_read or (len(to_read) == 1 and not packed_served):
        outputs = ((_process(_Job(f.path, f.name, run)), None) for f in to_read)
    else:
        pool = process_pool(workers, _set_worker_run, (run,))
        # Small chunks: the last files end together in every worker (a chunk of 30 left
        # one worker idle for seconds at the end of a run over every period).
        chunk = max(1, len(to_read) // (workers * 32))
        # Packed compressed only for a cache, which stores the bytes; without one they
        # would be unpacked once and dropped.
        compress = cache is not None
        tasks = [(f.path, f.name, compress) for f in to_read]
        packed = pool.map(_process_in_worker, tasks, chunksize=chunk)  # all submitted now
        outputs = ((unpack_output(b), b) for b in packed)
    done: dict[int, InputFile] = {i: f for i, f in enumerate(files) if f.status}
    index = {id(f): i for i, f in enumerate(files)}
    read: list[list[tuple[int, UnitResult]]] = [[] for _ in periods]
    surveys: list[SurveyResult] = []
    # Hundreds of thousands of result rows arrive and all stay: nothing for the collector,
    # then or at its next run (`promote`). consolidate_periods runs in the parent only.
    with gc_paused(promote=True):
        try:
            # The workers read while this process unpacks what the cache served.
            served = {k: unpack_output(b) for k, b in packed_served.items()}
            digests = {k: output_digest(b) for k, b in packed_served.items()}
            del packed_served
            for f, (digest, per_period, problems), as_packed in _in_order(
                todo, served, outputs, cache
            ):
                if cache is not None and as_packed is not None:
                    digests[id(f)] = output_digest(as_packed)
                info = InputFile(
                    f.path,
                    f.name,
                    f.size,
                    digest,
                    _status(per_period, problems),
                    f.link,
                    f.modified,
                )
                done[index[id(f)]] = info
                shared.extend(problems)
                if isinstance(per_period, SurveyResult):
                    surveys.append(per_period)
                    per_period = None
                for k, unit in enumerate(per_period or ()):
                    read[k].append((index[id(f)], unit))
                if progress:
                    progress(info)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        by_name = {f.name: digests[id(f)] for f in todo if id(f) in digests}
        for result, period_read in zip(results, read, strict=True):
            _across_files(result, period_read, shared, folders, files, done, roster, year)
            result.surveys = list(surveys)
            result.output_digests = by_name
            link_surveys(result)
            _distribution(result, org_predikat or {}, org_default, agency_predikat)
    return results


def _across_files(
    result: Consolidation,
    period_read: list[tuple[int, UnitResult]],
    shared: list[Problem],
    folders: list[tuple[str, str]],
    files: list[InputFile],
    done: dict[int, InputFile],
    roster: Roster | None,
    year: int | None,
) -> None:
    """The checks across files of one period of the run (its distribution apart)."""
    result.problems.extend(shared)
    result.folders = list(folders)
    result.files = [done[i] for i in range(len(files))]
    units = _check_year(result, period_read, year)
    units = _check_unit_names(result, units, roster)
    result.units = _one_per_unit(result, units)
    _one_per_nip(result, roster)
    check_cascade(result)
    _cross_checks(result, roster)
    if roster is not None:
        result.roster_source = display_name(roster.source)
        result.roster_count = len(roster.pegawai)
        result.roster_units = {u: len(m) for u, m in roster.units().items()}
        result.potensial = {p.nip: p.potensial.value for p in roster.pegawai if p.potensial}


def _in_order(
    todo: list[InputFile],
    served: dict[int, FileOutput],
    outputs: Iterator[tuple[FileOutput, bytes | None]],
    cache: FileCache | None,
) -> Iterator[tuple[InputFile, FileOutput, bytes | None]]:
    """Every file's output in the files' order: served by the cache, or read (the outputs
    of the files read arrive in their own order) and then remembered; with the bytes a
    worker packed it in (None: served, or read in this process)."""
    for f in todo:
        output = served.get(id(f))
        packed = None
        if output is None:
            output, packed = next(outputs)
            if cache is not None:
                cache.remember(f, output, packed)
        yield f, output, packed


def require_period(result: Consolidation) -> None:
    """No workbook read holds the period: a mistake in the command, not in the data, so the
    run stops (exit 1) rather than write a score book of galat."""
    if result.units and all(u.period_missing for u in result.units):
        from sheetnilai.errors import SheetnilaiError

        found = dict.fromkeys(p for u in result.units for p in u.periods)
        raise SheetnilaiError(
            "periode-tidak-ada-di-workbook",
            {"period": result.period, "valid": ", ".join(found) or "(tidak terbaca)"},
        )


def _set_status(result: Consolidation, index: int, status: str) -> None:
    f = result.files[index]
    result.files[index] = InputFile(f.path, f.name, f.size, f.sha256, status, f.link, f.modified)


# --- the year ----------------------------------------------------------------------------


def _check_year(
    result: Consolidation, read: list[tuple[int, UnitResult]], year: int | None
) -> list[tuple[int, UnitResult]]:
    """Keep the workbooks of the run's year; a workbook of another year is a galat and is
    not scored (last year's workbook must not stand in for this year's)."""
    if year is None:
        year = run_year([u.year for _, u in read if u.year is not None])
    result.year = year
    kept = []
    for i, unit in read:
        if unit.year is None:
            # The hidden year was emptied or overwritten: it cannot vouch for the workbook.
            # It is still scored (for the run's year), with a galat that says so.
            unit.problems.append(
                Problem.make(
                    "tahun-tidak-terbaca",
                    params={"found": unit.year_text or "(kosong)", "expected": year or "-"},
                    file=unit.name,
                )
            )
        elif year is not None and unit.year != year:
            result.problems.append(
                Problem.make(
                    "tahun-berbeda",
                    params={"found": unit.year, "expected": year},
                    file=unit.name,
                )
            )
            _set_status(result, i, "galat: tahun-berbeda")
            continue
        name_year = _year_in_name(unit.name)
        if unit.year is not None and name_year is not None and name_year != unit.year:
            unit.problems.append(
                Problem.make(
                    "tahun-berbeda-nama-berkas",
                    params={"found": unit.year, "name_year": name_year},
                    file=unit.name,
                )
            )
        kept.append((i, unit))
    return kept


def run_year(years: list[int]) -> int | None:
    """The year of a run not given one: the year most workbooks carry; on a tie the later
    year (last year's leftovers are the likelier mistake)."""
    counts = Counter(years)
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def prescan(files: list[InputFile]) -> tuple[list[int], list[str]]:
    """The years and periods the workbooks say they hold, from a quick look at each one's
    metadata (sources.unit.peek): enough to refuse a wrong --periode before the run."""
    years: list[int] = []
    found: dict[str, None] = {}
    for f in files:
        info = peek(f.path)
        if info is None:
            continue
        if info.year is not None:
            years.append(info.year)
        found.update(dict.fromkeys(info.periods))
    return years, list(found)


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _year_in_name(name: str) -> int | None:
    found = {int(y) for y in _YEAR.findall(PurePosixPath(name).name)}
    return found.pop() if len(found) == 1 else None


# --- the unit ----------------------------------------------------------------------------


_COPY_MARKS = re.compile(
    r"(\s*\(\d+\)|\s*-\s*(copy|salinan)(\s*\(\d+\))?|\s+copy(\s+\d+)?|\s+salinan)+$", re.I
)
_KIRIM_TITLE = re.compile(r"^SKP\s+\d{4}\s*-\s*", re.I)  # how `gsheet kirim` titles a unit


def _unit_in_file_name(name: str, known: Mapping[str, str]) -> str | None:
    """The unit a file's name points to (as `templat buat` or `gsheet kirim` named it,
    allowing copy marks such as " (2)" or " - Salinan"), if it names a known unit."""
    stem = PurePosixPath(name).stem
    stem = _COPY_MARKS.sub("", _KIRIM_TITLE.sub("", stem))
    return known.get(_norm(stem))


def _check_unit_names(
    result: Consolidation, read: list[tuple[int, UnitResult]], roster: Roster | None
) -> list[tuple[int, UnitResult]]:
    """Decide each workbook's unit from evidence, not from its hidden name alone."""
    by_nip = roster.by_nip() if roster else {}
    roster_units = {_norm(u): u for u in roster.units()} if roster else {}
    stems: dict[str, set[str]] = defaultdict(set)
    for name in [*roster_units.values(), *(u.claimed_unit for _, u in read if u.claimed_unit)]:
        stems[_norm(safe_file_stem(name))].add(_norm(name))
    # A file stem two units share ("unit-kerja" for odd names) points to neither.
    spelled = {_norm(n): n for n in [*(u.claimed_unit for _, u in read), *roster_units.values()]}
    known = {stem: spelled[next(iter(units))] for stem, units in stems.items() if len(units) == 1}
    for _, unit in read:
        decided, basis = _evidence(unit, by_nip)
        if decided is not None and _norm(decided) != _norm(unit.claimed_unit):
            unit.problems.append(
                Problem.make(
                    "unit-berbeda",
                    params={
                        "found": unit.claimed_unit or "(kosong)",
                        "expected": decided,
                        "basis": basis,
                    },
                    file=unit.name,
                )
            )
            _rename(unit, decided)
        elif _norm(unit.unit) in roster_units:
            _rename(unit, roster_units[_norm(unit.unit)])  # the roster's spelling
        by_name = _unit_in_file_name(unit.name, known)
        if by_name is not None and _norm(by_name) != _norm(unit.unit):
            unit.problems.append(
                Problem.make(
                    "unit-berbeda-nama-berkas",
                    params={"found": unit.unit, "by_name": by_name},
                    file=unit.name,
                )
            )
    return read


def _evidence(unit: UnitResult, by_nip: Mapping[str, Pegawai]) -> tuple[str | None, str]:
    """The unit a workbook's content belongs to, and why: where the roster places its
    pegawai (more than half of those it knows), else what its SKP sheets say."""
    nips = {p.nip for p in unit.pegawai if p.nip} | {n for n, _, _ in unit.unscored if n}
    in_roster = Counter(by_nip[n].unit for n in nips if n in by_nip)
    known = sum(in_roster.values())
    if known:
        top, n = in_roster.most_common(1)[0]
        if 2 * n > known:
            return top, f'menurut daftar pegawai {n} dari {known} pegawainya berada di unit "{top}"'
    shown = Counter(" ".join(p.shown_unit.split()) for p in unit.pegawai if p.shown_unit.strip())
    total = sum(shown.values())
    if total:
        top, n = shown.most_common(1)[0]
        if 2 * n > total and _norm(top) != _norm(unit.claimed_unit):
            return top, f'isian Unit kerja di {n} dari {total} lembar SKP-nya adalah "{top}"'
    return None, ""


def _rename(unit: UnitResult, name: str) -> None:
    unit.unit = name
    for p in unit.pegawai:
        p.unit = name
    for i in unit.iki:
        i.unit = name


# --- duplicates ----------------------------------------------------------------------------


def _one_per_unit(result: Consolidation, read: list[tuple[int, UnitResult]]) -> list[UnitResult]:
    """A unit sent more than once is counted once: identical copies by the first name, other
    versions by the newest. Every copy is named; the ones not used are not scored."""
    groups: dict[str, list[tuple[int, UnitResult]]] = defaultdict(list)
    for i, unit in read:
        groups[_norm(unit.unit)].append((i, unit))
    kept: list[UnitResult] = []
    for copies in groups.values():
        if len(copies) == 1:
            kept.append(copies[0][1])
            continue
        same = len({u.sha256 for _, u in copies}) == 1
        if same:
            used_i, used = copies[0]
            why = "isinya sama persis; dipakai yang pertama menurut nama"
        else:
            used_i, used = max(copies, key=lambda c: (result.files[c[0]].modified, -c[0]))
            stamp = dt.datetime.fromtimestamp(result.files[used_i].modified).astimezone()
            why = (
                f"isinya berbeda; dipakai yang paling baru diubah ({stamp:%Y-%m-%d %H:%M})"
                if result.files[used_i].modified
                else "isinya berbeda; dipakai yang pertama menurut nama"
            )
        names = ", ".join(u.name for _, u in copies)
        for i, unit in copies:
            result.problems.append(
                Problem.make(
                    "unit-ganda",
                    params={"unit": used.unit, "files": names, "used": used.name, "why": why},
                    file=unit.name,
                )
            )
            if unit is not used:
                _set_status(result, i, f"duplikat: dipakai {used.name}")
        kept.append(used)
    return kept


def _one_per_nip(result: Consolidation, roster: Roster | None) -> None:
    """The same NIP on two sheets (a copied sheet, or one pegawai in two workbooks) is
    reported at each place and counted once, at the place most likely to be the real one."""
    by_nip = roster.by_nip() if roster else {}
    places: dict[str, list[tuple[UnitResult, PegawaiResult]]] = defaultdict(list)
    for unit in result.units:
        for peg in unit.pegawai:
            if peg.nip:
                places[peg.nip].append((unit, peg))
    dropped: set[int] = set()
    for nip, where in places.items():
        if len(where) < 2:
            continue
        home = by_nip[nip].unit if nip in by_nip else None
        merits = [_merit(u, p, home) for u, p in where]
        ranked = sorted(range(len(where)), key=lambda k: (merits[k], -k), reverse=True)
        used_u, used_p = where[ranked[0]]
        why = _why(merits[ranked[0]], merits[ranked[1]])
        used = f"{used_u.name} › {used_p.sheet} ({why})"
        for unit, peg in where:
            others = "; ".join(f"{u.name} › {p.sheet}" for u, p in where if p is not peg)
            unit.problems.append(
                Problem.make(
                    "nip-ganda-antar-lembar",
                    params={"other": others, "used": used},
                    file=unit.name,
                    sheet=peg.sheet,
                    nip=nip,
                    nama=peg.nama,
                )
            )
            if peg is not used_p:
                dropped.add(id(peg))
    if not dropped:
        return
    for unit in result.units:
        gone = {(p.sheet) for p in unit.pegawai if id(p) in dropped}
        unit.pegawai = [p for p in unit.pegawai if id(p) not in dropped]
        unit.iki = [i for i in unit.iki if i.sheet not in gone]


def _merit(unit: UnitResult, peg: PegawaiResult, home: str | None) -> tuple[bool, bool, bool, int]:
    """How likely a place of a NIP is the real one, most telling evidence first."""
    return (
        home is not None and _norm(unit.unit) == _norm(home),
        peg.sheet in unit.listed_titles,
        peg.predikat is not None,
        peg.n_iki,
    )


def _why(best: tuple[bool, bool, bool, int], next_best: tuple[bool, bool, bool, int]) -> str:
    reasons = (
        "unit menurut daftar pegawai",
        "lembar asli dari templat",
        "sudah berpredikat",
        "IKI lebih lengkap",
    )
    for reason, a, b in zip(reasons, best, next_best, strict=True):
        if a != b:
            return reason
    return "urutan pertama"


# --- who has not arrived ---------------------------------------------------------------------


def _cross_checks(result: Consolidation, roster: Roster | None) -> None:
    assessed = {p.nip for p in result.pegawai}
    arrived = {_norm(u.unit): u for u in result.units}
    if roster is not None:
        roster_units = roster.units()
        known = {_norm(u) for u in roster_units}
        for unit in result.units:
            if _norm(unit.unit) not in known:
                result.problems.append(
                    Problem.make("unit-tidak-di-daftar", params={"unit": unit.unit}, file=unit.name)
                )
        for unit_name, members in roster_units.items():
            sent = arrived.get(_norm(unit_name))
            if sent is None:
                result.missing_units[unit_name] = len(members)
                result.problems.append(
                    Problem.make(
                        "unit-belum-masuk", params={"unit": unit_name, "count": len(members)}
                    )
                )
                for p in members:
                    result.belum_masuk.append(
                        BelumMasuk(
                            p.nip,
                            p.nama,
                            p.unit,
                            p.jabatan,
                            "Workbook unit belum masuk",
                            "unit kerja",
                        )
                    )
                continue
            if sent.period_missing:
                continue  # reported once for the file; nothing was read for this period
            unscored = {n: why for n, _, why in sent.unscored if n}
            # Not yet (or no longer) in this unit on the period's last day: accounted for by
            # the sheet's catatan (sheetnilai.activity), not "belum masuk".
            inactive = {n for n, _, _ in sent.inactive}
            unscored_names = {_norm(nama): why for _, nama, why in sent.unscored if nama}
            for p in members:
                if p.nip in assessed or p.nip in inactive:
                    continue
                why = unscored.get(p.nip) or unscored_names.get(_norm(p.nama))
                if why is not None:
                    # Already a galat at the sheet that was deleted or damaged.
                    result.belum_masuk.append(
                        BelumMasuk(p.nip, p.nama, p.unit, p.jabatan, why, "unit kerja")
                    )
                    continue
                # A sheet whose NIP is damaged still belongs to its pegawai: match by nama.
                if _norm(p.nama) in sent.sheet_names:
                    continue
                result.problems.append(
                    Problem.make("pegawai-belum-masuk", file=sent.name, nip=p.nip, nama=p.nama)
                )
                result.belum_masuk.append(
                    BelumMasuk(
                        p.nip, p.nama, p.unit, p.jabatan, "Lembar SKP tidak ada", "unit kerja"
                    )
                )
        by_nip = roster.by_nip()
        penilai_of = {p.nip: by_nip.get(p.penilai_nip or "") for p in roster.pegawai}
    else:
        penilai_of = {}
    if roster is None:
        # Without a roster, the pegawai of a deleted or damaged sheet are still listed.
        for unit in result.units:
            for nip, nama, why in unit.unscored:
                result.belum_masuk.append(BelumMasuk(nip, nama, unit.unit, "", why, "unit kerja"))
    for peg in result.pegawai:
        if peg.predikat is not None:
            continue
        penilai = penilai_of.get(peg.nip)
        who = (
            f"pejabat penilai ({penilai.nama}, NIP {penilai.nip})"
            if penilai
            else f"pejabat penilai (NIP {peg.penilai_nip})"
            if peg.penilai_nip
            else "pejabat penilai"
        )
        reason = "Rating belum lengkap"
        if peg.n_iki == 0:
            reason, who = "SKP belum berisi IKI", "pegawai"
        result.belum_masuk.append(BelumMasuk(peg.nip, peg.nama, peg.unit, peg.jabatan, reason, who))


def _distribution(
    result: Consolidation,
    by_unit: Mapping[str, OrgPredikat],
    default: OrgPredikat | None,
    agency: OrgPredikat | None,
) -> None:
    wanted = {_norm(k): v for k, v in by_unit.items()}
    counted = {_norm(u.unit) for u in result.units}
    for named, given in by_unit.items():
        if _norm(named) not in counted:
            # A misspelt unit in the option would otherwise be ignored without a word.
            known = ", ".join(sorted(u.unit for u in result.units)) or "(tidak ada)"
            result.problems.append(
                Problem.make(
                    "opsi-unit-tidak-ada",
                    params={"unit": named, "predikat": given.label, "known": known},
                )
            )
    policy = result.policy.distribusi
    for unit in result.units:
        if unit.period_missing:
            continue
        org = wanted.get(_norm(unit.unit)) or unit.org_predikat or default
        counts = count_predikat(p.predikat for p in unit.pegawai if p.predikat is not None)
        if org is None and unit.org_unreadable:
            result.distribution[unit.name] = (None, None)  # already reported as unknown text
            continue
        if org is None:
            unit.problems.append(
                Problem.make(
                    "predikat-organisasi-kosong",
                    params={"period": result.period},
                    file=unit.name,
                    sheet=RECAP_SHEET,
                    cell=unit.org_cell or None,
                )
            )
            result.distribution[unit.name] = (None, None)
            continue
        dist = check_distribution(org, counts, policy)
        for finding in dist.findings:
            unit.problems.append(
                finding.problem.at(file=unit.name, sheet=RECAP_SHEET, cell=unit.org_cell or None)
            )
        result.distribution[unit.name] = (org, dist)
    if agency is not None:
        counts = count_predikat(p.predikat for p in result.pegawai if p.predikat is not None)
        result.agency = (agency, check_distribution(agency, counts, policy))
