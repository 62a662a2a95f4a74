"""Generate the unit workbooks of a roster, one file per unit kerja, and the blank template."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import atomic_path
from sheetnilai.periods import Scheme
from sheetnilai.pool import process_pool
from sheetnilai.roster import Roster, safe_file_stem, sheet_title
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.workbook.build import SheetPegawai, UnitWorkbook, build_unit_workbook


@dataclass(frozen=True)
class Generated:
    unit: str
    path: Path
    pegawai: int


def unit_specs(
    roster: Roster, year: int, scheme: Scheme, policy: Policy, xlwings: bool = False
) -> list[UnitWorkbook]:
    """One workbook spec per unit, with unique sheet names and known penilai identities."""
    by_nip = roster.by_nip()
    specs = []
    for unit, members in roster.units().items():
        used: set[str] = set()
        sheets = []
        for i, p in enumerate(members, 1):
            penilai = by_nip.get(p.penilai_nip or "")
            atasan = by_nip.get(p.atasan_penilai_nip or "")
            sheets.append(SheetPegawai(sheet_title(i, p.nama, used), p, penilai, atasan))
        specs.append(UnitWorkbook(unit, year, scheme, tuple(sheets), policy, xlwings=xlwings))
    return specs


def file_names(units: Sequence[str], suffix: str = ".xlsx") -> list[str]:
    """A distinct, safe file name per unit (two units may sanitise to the same stem).

    Names are compared case-insensitively, as Windows and macOS folders do, and a numbered
    name never takes the name of another unit ("A", ".A" and "A (2)" stay three files).
    """
    taken = {safe_file_stem(unit).casefold() for unit in units}
    used: set[str] = set()
    names = []
    for unit in units:
        stem = candidate = safe_file_stem(unit)
        n = 1
        while candidate.casefold() in used or (n > 1 and candidate.casefold() in taken):
            n += 1
            candidate = f"{stem} ({n})"
        used.add(candidate.casefold())
        names.append(f"{candidate}{suffix}")
    return names


def _write_one(args: tuple[UnitWorkbook, Path, bool]) -> Path:
    spec, target, overwrite = args
    with atomic_path(target, overwrite) as tmp:
        build_unit_workbook(tmp, spec)
    return target


def generate_unit_workbooks(
    roster: Roster,
    year: int,
    scheme: Scheme,
    outdir: Path,
    policy: Policy = DEFAULT_POLICY,
    overwrite: bool = False,
    jobs: int | None = None,
    progress: Callable[[Generated], None] | None = None,
    xlwings: bool = False,
) -> list[Generated]:
    """One workbook per unit: .xlsx, or with `xlwings` an .xlsm wired for xlwings."""
    specs = unit_specs(roster, year, scheme, policy, xlwings)
    suffix = ".xlsm" if xlwings else ".xlsx"
    targets = [outdir / name for name in file_names([s.unit for s in specs], suffix)]
    if not overwrite:
        existing = [t for t in targets if t.exists()]
        if existing:
            raise SheetnilaiError(
                "templat-sudah-ada",
                {"count": len(existing), "path": existing[0], "folder": outdir},
            )
    outdir.mkdir(parents=True, exist_ok=True)
    new = {t for t in targets if not t.exists()}  # what an interrupted run takes back
    work = [(spec, target, overwrite) for spec, target in zip(specs, targets, strict=True)]
    jobs = jobs or min(len(work), os.cpu_count() or 1)
    results: list[Generated] = []
    paths: Iterator[Path]
    pool: ProcessPoolExecutor | None = None
    if jobs <= 1 or len(work) <= 1:
        paths = map(_write_one, work)
    else:
        pool = process_pool(jobs)
        paths = pool.map(_write_one, work, chunksize=max(1, len(work) // (jobs * 8)))
    finished = False
    try:
        for spec, path in zip(specs, paths, strict=True):
            done = Generated(spec.unit, path, len(spec.sheets))
            results.append(done)
            if progress:
                progress(done)
        finished = True
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)  # waits for the workbooks being written
        if not finished:
            # Stopped half-way (Ctrl-C, a failure): the workbooks this run added are taken
            # back, so the same command can simply be run again. Replaced ones (--timpa)
            # are each whole, old or new.
            for target in new:
                with contextlib.suppress(OSError):
                    target.unlink()
    return results


BLANK_UNIT = "(Nama Unit Kerja)"
BLANK_YEAR = 2026


def blank_template(
    scheme: Scheme, policy: Policy = DEFAULT_POLICY, sheets: int = 1
) -> UnitWorkbook:
    """The generic template: identity cells are inputs, nothing is pre-filled."""
    used: set[str] = set()
    pages = tuple(SheetPegawai(sheet_title(i, "Pegawai", used), None) for i in range(1, sheets + 1))
    return UnitWorkbook(BLANK_UNIT, BLANK_YEAR, scheme, pages, policy, blank=True)


def write_blank_template(path: Path, scheme: Scheme, overwrite: bool = True) -> None:
    with atomic_path(path, overwrite) as tmp:
        build_unit_workbook(tmp, blank_template(scheme))
