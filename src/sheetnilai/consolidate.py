"""HR's one command: read every unit workbook, check it, recompute it, and gather the results.

Per file (in parallel worker processes): read the raw cells, extract the unit by its names,
check and recompute it for the period (`validate.check_unit`). Across files (here): the same
NIP in two places, units sent twice, the roster's "belum masuk" list, and the distribution
check per unit and for the agency. A file that cannot be read becomes a problem row; the run
always goes on. Unit workbooks are only ever opened for reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.problems import Problem, Severity
from sheetnilai.roster import Pegawai, Roster
from sheetnilai.rules.distribution import DistributionResult, check_distribution, count_predikat
from sheetnilai.rules.labels import OrgPredikat
from sheetnilai.rules.policy import Policy
from sheetnilai.sources.raw import ReadError, read_book
from sheetnilai.sources.unit import NotReadable, extract
from sheetnilai.validate import PegawaiResult, UnitResult, check_unit
from sheetnilai.workbook.layout import RECAP_SHEET

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
OLD_SUFFIXES = {".xls", ".xlsb"}


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    name: str  # relative to the source folder, as problems show it
    size: int
    sha256: str = ""
    status: str = ""  # "dibaca" | "galat: …" | "dilewati"
    link: str = ""  # where the user opens it (a Google spreadsheet's address), if not local


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
    units: list[UnitResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    belum_masuk: list[BelumMasuk] = field(default_factory=list)
    distribution: dict[str, tuple[OrgPredikat | None, DistributionResult | None]] = field(
        default_factory=dict
    )
    agency: tuple[OrgPredikat | None, DistributionResult | None] = (None, None)
    roster_source: str = ""
    roster_sha256: str = ""

    @property
    def pegawai(self) -> list[PegawaiResult]:
        return [p for u in self.units for p in u.pegawai]

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for u in self.units for p in u.problems)]

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.all_problems if p.severity is severity)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover(source: Path) -> tuple[list[InputFile], list[Problem]]:
    """Every workbook under `source` (recursively), in a stable order; lock files are noted."""
    found: list[InputFile] = []
    problems: list[Problem] = []
    paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    for path in paths:
        name = path.name if source.is_file() else path.relative_to(source).as_posix()
        suffix = path.suffix.lower()
        if path.name.startswith("~$") or (
            path.name.startswith(".~lock.") and path.name.endswith("#")
        ):
            problems.append(Problem.make("berkas-kunci-dilewati", file=name))
            continue
        if path.name.startswith("."):
            continue  # our own and others' temporary files
        if suffix in OLD_SUFFIXES:
            problems.append(Problem.make("format-xls-lama", file=name))
            found.append(InputFile(path, name, path.stat().st_size, status="galat: format lama"))
            continue
        if suffix in WORKBOOK_SUFFIXES:
            found.append(InputFile(path, name, path.stat().st_size))
    return found, problems


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path
    name: str
    period: str
    policy: Policy
    roster: Mapping[str, Pegawai] | None


def _process(job: _Job) -> tuple[str, UnitResult | None, list[Problem]]:
    """Read, extract and check one file; never raises for bad input."""
    digest = ""
    try:
        digest = sha256(job.path)
        book = read_book(job.path)
    except ReadError as exc:
        params: dict[str, object] = {"detail": exc.detail or exc.code, "path": job.name}
        return digest, None, [Problem.make(exc.code, params=params, file=job.name)]
    except OSError as exc:
        params = {"detail": str(exc), "path": job.name}
        return digest, None, [Problem.make("berkas-tidak-terbaca", params=params, file=job.name)]
    try:
        unit = extract(book, job.name)
    except NotReadable as exc:
        return digest, None, [exc.problem]
    unit.sha256 = digest
    return digest, check_unit(unit, job.period, job.policy, job.roster), []


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
) -> Consolidation:
    """Consolidate the workbooks in the folder `source`, or the given `files` (already
    fetched, e.g. from Google Drive; `source` then only names where they came from)."""
    result = Consolidation(str(source), period, policy, dt.datetime.now().astimezone())
    if files is None:
        files, notes = discover(Path(source))
        result.problems.extend(notes)
    by_nip = roster.by_nip() if roster else None
    todo = [f for f in files if not f.status]
    jobs_list = [_Job(f.path, f.name, period, policy, by_nip) for f in todo]
    workers = jobs or min(len(jobs_list), os.cpu_count() or 1) or 1
    outputs: Iterator[tuple[str, UnitResult | None, list[Problem]]]
    pool: ProcessPoolExecutor | None = None
    if workers <= 1 or len(jobs_list) <= 1:
        outputs = map(_process, jobs_list)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        outputs = pool.map(_process, jobs_list, chunksize=max(1, len(jobs_list) // (workers * 8)))
    done: dict[str, InputFile] = {f.name: f for f in files if f.status}
    try:
        for f, (digest, unit, problems) in zip(todo, outputs, strict=True):
            status = "dibaca" if unit is not None else f"galat: {problems[0].code}"
            info = InputFile(f.path, f.name, f.size, digest, status, f.link)
            done[f.name] = info
            result.problems.extend(problems)
            if unit is not None:
                result.units.append(unit)
            if progress:
                progress(info)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result.files = [done[f.name] for f in files]
    _cross_checks(result, roster)
    _distribution(result, org_predikat or {}, org_default, agency_predikat)
    if roster is not None:
        result.roster_source = roster.source
    return result


def _cross_checks(result: Consolidation, roster: Roster | None) -> None:
    places: dict[str, list[tuple[UnitResult, PegawaiResult]]] = defaultdict(list)
    for unit in result.units:
        for peg in unit.pegawai:
            if peg.nip:
                places[peg.nip].append((unit, peg))
    for nip, where in places.items():
        if len(where) < 2:
            continue
        for unit, peg in where:
            others = "; ".join(f"{u.name} › {p.sheet}" for u, p in where if (u, p) != (unit, peg))
            unit.problems.append(
                Problem.make(
                    "nip-ganda-antar-lembar",
                    params={"other": others},
                    file=unit.name,
                    sheet=peg.sheet,
                    nip=nip,
                    nama=peg.nama,
                )
            )
    by_unit: dict[str, list[UnitResult]] = defaultdict(list)
    for unit in result.units:
        by_unit[unit.unit.casefold()].append(unit)
    for same in by_unit.values():
        for unit in same[1:]:
            result.problems.append(
                Problem.make(
                    "unit-ganda", params={"unit": unit.unit, "other": same[0].name}, file=unit.name
                )
            )
    assessed = {p.nip: p for p in result.pegawai}
    if roster is not None:
        roster_units = roster.units()
        known = {u.casefold() for u in roster_units}
        for unit in result.units:
            if unit.unit.casefold() not in known:
                result.problems.append(
                    Problem.make("unit-tidak-di-daftar", params={"unit": unit.unit}, file=unit.name)
                )
        arrived = set(by_unit)
        by_nip = roster.by_nip()
        for unit_name, members in roster_units.items():
            if unit_name.casefold() not in arrived:
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
            sent = by_unit[unit_name.casefold()][0]
            if sent.period_missing:
                continue  # reported once for the file; nothing was read for this period
            file_name = sent.name
            for p in members:
                # A sheet whose NIP is damaged still belongs to its pegawai: match by nama.
                named = " ".join(p.nama.split()).casefold() in sent.sheet_names
                if p.nip not in assessed and not named:
                    result.problems.append(
                        Problem.make("pegawai-belum-masuk", file=file_name, nip=p.nip, nama=p.nama)
                    )
                    result.belum_masuk.append(
                        BelumMasuk(
                            p.nip, p.nama, p.unit, p.jabatan, "Lembar SKP tidak ada", "unit kerja"
                        )
                    )
        penilai_of = {p.nip: by_nip.get(p.penilai_nip or "") for p in roster.pegawai}
    else:
        penilai_of = {}
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
    wanted = {k.casefold(): v for k, v in by_unit.items()}
    policy = result.policy.distribusi
    for unit in result.units:
        if unit.period_missing:
            continue
        org = wanted.get(unit.unit.casefold()) or unit.org_predikat or default
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
