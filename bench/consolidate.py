"""Benchmark: consolidating a filled agency, against a naive script and a reading floor.

Builds (once, cached under /tmp) 10,000 pegawai in 500 unit workbooks whose SKP sheets are
full: 5 RHK x 2 IKI with numeric targets in both directions, realisasi, bukti dukung and umpan
balik for TW1-TW4, perilaku umpan balik, both ratings and the Rekap organisation predikat.
Then measures, in one run, best of `--ulang` (2) warm runs each:

- ours: `consolidate(folder, "TW1", DEFAULT_POLICY, roster, jobs=--jobs)`, in a fresh child
  interpreter so its peak memory (parent and largest worker) is its own;
- ours, every period: `consolidate_periods` over TW1-TW4 and TAHUNAN in one run (one read per
  workbook), against the single-period run and against five single-period runs;
- naive: what a hand-written script does, openpyxl full mode over every cell of every sheet,
  one process (`--tanpa-naif` skips it: it takes minutes);
- floor: python-calamine reading every cell of every sheet with no processing, one process
  and `--jobs` processes;
- a breakdown of our per-file work (read_book, extract, check_unit, sha256, pickling the
  result back to the parent), one process.

Run: `.venv/bin/python bench/consolidate.py [--pegawai N] [--unit M] [--jobs J] [--tanpa-naif]`
(also part of `make bench`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook
from templates import synthetic_roster

from sheetnilai import __version__
from sheetnilai.consolidate import consolidate, consolidate_periods, discover, sha256
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import JenisJabatan, Pegawai
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.labels import OrgPredikat, Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import extract
from sheetnilai.validate import check_unit
from sheetnilai.workbook import build
from sheetnilai.workbook.generate import file_names, unit_specs
from sheetnilai.workbook.layout import (
    ASPEK,
    IKI_PER_RHK,
    NILAI_COL,
    PERSPEKTIF,
    RECAP_SHEET,
    SkpLayout,
)

YEAR = 2026
SCHEME = Scheme.TRIWULAN
PERIOD = "TW1"
FILLED = ("TW1", "TW2", "TW3", "TW4")
RHK = 5
IKI = 2
FILL_VERSION = 3  # bump when the filled content changes, so cached folders are rebuilt
MIB = 1024 * 1024
# Mostly "Sesuai", some "Di Atas", a few "Di Bawah": a plausible curve.
RATING_CYCLE = (Rating.SESUAI,) * 6 + (Rating.DI_ATAS,) * 3 + (Rating.DI_BAWAH,)
ORG_CYCLE = (OrgPredikat.BAIK, OrgPredikat.BAIK, OrgPredikat.ISTIMEWA, OrgPredikat.BUTUH_PERBAIKAN)


# --- the filled agency --------------------------------------------------------------------


def rhk_text(peg: Pegawai, i: int) -> str:
    return f"Meningkatnya kualitas layanan bidang {i + 1} ({peg.jabatan})"


def sheet_inputs(
    layout: SkpLayout, peg: Pegawai, seed: int, penilai: Pegawai | None = None
) -> dict[tuple[int, int], object]:
    """Every input cell of one SKP sheet, as the unit and the pejabat penilai would fill it."""
    out: dict[tuple[int, int], object] = {}
    col = {k: i for i, k in enumerate(layout.hk_keys)}
    keys = [p.key for p in layout.periods]
    jpt = peg.jenis_jabatan is JenisJabatan.JPT
    for i in range(RHK):
        first = layout.hk_first_row + i * IKI_PER_RHK  # the row the template numbers
        out[first, col["jenis"]] = "Utama" if i < RHK - 1 else "Tambahan"
        out[first, col["rhk"]] = rhk_text(peg, i)
        if not jpt:
            # Cascaded: the same-numbered RHK of the pejabat penilai.
            above = rhk_text(penilai, i) if penilai else f"Sasaran strategis {i + 1}"
            out[first, col["rhk_atasan"]] = above
        for j in range(IKI):
            r = first + j
            naik = j == 0  # both directions on every RHK
            target = 10 + 5 * ((seed + i) % 7) if naik else 5 + (seed + i) % 4
            out[r, col["aspek"]] = (PERSPEKTIF if jpt else ASPEK)[(i + j) % 4]
            out[r, col["iki"]] = (
                f"Jumlah dokumen layanan {i + 1}.{j + 1} yang diselesaikan"
                if naik
                else f"Rata-rata hari penyelesaian layanan {i + 1}.{j + 1}"
            )
            out[r, col["target"]] = target
            out[r, col["satuan"]] = "dokumen" if naik else "hari"
            out[r, col["arah"]] = (Arah.NAIK if naik else Arah.TURUN).value
            for p, key in enumerate(FILLED):
                step = (seed + i + j + p) % 5  # 80% … 120% of target
                real = target * (80 + 10 * step) / 100 if naik else target * (120 - 10 * step) / 100
                out[r, col[f"realisasi@{key}"]] = round(real, 1)
                out[r, col[f"bukti@{key}"]] = (
                    f"https://drive.example.go.id/skp/{peg.nip}/{key}/{i + 1}-{j + 1}"
                )
                out[r, col[f"umpan_balik@{key}"]] = "Capaian sesuai rencana; pertahankan."
    for k in range(layout.pk_last_row - layout.pk_first_row + 1):
        for p, key in enumerate(FILLED):
            c = layout.period_col(keys.index(key), "umpan_balik")
            out[layout.pk_first_row + k, c] = f"Perilaku aspek {k + 1} baik pada {key} ({p + 1})."
    for p, key in enumerate(FILLED):
        r = layout.nilai_row(keys.index(key))
        hasil = RATING_CYCLE[(seed * 7 + p) % len(RATING_CYCLE)]
        perilaku = RATING_CYCLE[(seed * 3 + p + 1) % len(RATING_CYCLE)]
        out[r, NILAI_COL["rating_hasil"]] = hasil.label
        out[r, NILAI_COL["rating_perilaku"]] = perilaku.label
    return out


def filled_specs(pegawai: int, units: int) -> list[tuple[build.UnitWorkbook, OrgPredikat]]:
    roster = synthetic_roster(pegawai, units)
    layout = SkpLayout(periods(SCHEME))
    specs = unit_specs(roster, YEAR, SCHEME, DEFAULT_POLICY)
    seed = 0
    out = []
    for u, spec in enumerate(specs):
        inputs = {}
        for sheet in spec.sheets:
            assert sheet.pegawai is not None
            inputs[sheet.title] = sheet_inputs(layout, sheet.pegawai, seed, sheet.penilai)
            seed += 1
        out.append((dataclasses.replace(spec, inputs=inputs), ORG_CYCLE[u % len(ORG_CYCLE)]))
    return out


def _write_one(job: tuple[build.UnitWorkbook, OrgPredikat, Path]) -> None:
    """Build one workbook, then choose its organisation predikat in the Rekap for TW1-TW4.

    `UnitWorkbook.inputs` reaches SKP sheets only, so the Rekap input cells are filled by
    wrapping the Rekap writer for this call (in this worker process only).
    """
    spec, org, target = job
    original = build._write_recap

    def recap(wb: Any, st: Any, spec: build.UnitWorkbook, layout: SkpLayout) -> None:
        original(wb, st, spec, layout)
        ws = wb.get_worksheet_by_name(RECAP_SHEET)
        rl = build.RecapLayout(len(layout.periods), len(spec.sheets))
        keys = [p.key for p in layout.periods]
        for key in FILLED:
            ws.write_string(rl.org_row, rl.dist_col(keys.index(key)), org.label, st.input)

    build._write_recap = recap
    try:
        build.build_unit_workbook(target, spec)
    finally:
        build._write_recap = original


def agency(pegawai: int, units: int, jobs: int) -> tuple[Path, float | None]:
    """The cached folder of unit workbooks, and the generation time when it was built now."""
    root = Path(f"/tmp/sheetnilai-bench-{pegawai}-{units}")
    folder = root / "unit"
    stamp = root / "selesai.json"
    want = {"pegawai": pegawai, "unit": units, "fill": FILL_VERSION, "sheetnilai": __version__}
    if stamp.is_file() and folder.is_dir():
        try:
            if json.loads(stamp.read_text()) == want:
                return folder, None
        except ValueError:
            pass
    shutil.rmtree(root, ignore_errors=True)
    work = root / "unit.tmp"
    work.mkdir(parents=True)
    start = time.perf_counter()
    specs = filled_specs(pegawai, units)
    names = file_names([s.unit for s, _ in specs])
    todo = [(s, org, work / n) for (s, org), n in zip(specs, names, strict=True)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(_write_one, todo, chunksize=max(1, len(todo) // (jobs * 8))):
            pass
    elapsed = time.perf_counter() - start
    work.rename(folder)
    stamp.write_text(json.dumps(want))
    return folder, elapsed


# --- measurements -------------------------------------------------------------------------


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def workbooks(folder: Path) -> list[Path]:
    return [f.path for f in discover(folder).to_read]


def warm(paths: Iterable[Path]) -> int:
    """Read every byte once so all readers start from the page cache."""
    return sum(len(p.read_bytes()) for p in paths)


def naive(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        wb = openpyxl.load_workbook(p)
        values = []
        for ws in wb:
            for row in ws.iter_rows(values_only=True):
                values.extend(row)
        n += len(values)
        wb.close()
    return n


def calamine_one(path: Path) -> int:
    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


def floor(paths: list[Path], jobs: int) -> int:
    if jobs <= 1:
        return sum(map(calamine_one, paths))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(paths) // (jobs * 8))  # as consolidate() does
        return sum(pool.map(calamine_one, paths, chunksize=chunk))


def breakdown(paths: list[Path], roster: dict[str, Pegawai]) -> dict[str, float]:
    """Our per-file work, stage by stage, in one process, as a worker does it (the cyclic
    collector paused for each file: sheetnilai.pool.gc_paused)."""
    from sheetnilai.pool import gc_paused

    t = dict.fromkeys(("sha256", "read_book", "extract", "check_unit", "pickle"), 0.0)
    for p in paths:
        with gc_paused():
            stages = _stages(p, roster)
        for key, dt in zip(t, stages, strict=True):
            t[key] += dt
    return t


def _stages(p: Path, roster: dict[str, Pegawai]) -> tuple[float, ...]:
    clock = time.perf_counter
    s0 = clock()
    sha256(p)
    s1 = clock()
    book = read_book(p)
    s2 = clock()
    unit = extract(book, p.name)
    s3 = clock()
    result = check_unit(unit, PERIOD, DEFAULT_POLICY, roster)
    s4 = clock()
    pickle.loads(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))  # worker -> parent
    s5 = clock()
    return (s1 - s0, s2 - s1, s3 - s2, s4 - s3, s5 - s4)


def maxrss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def measure_ours(
    folder: Path, pegawai: int, units: int, jobs: int, repeat: int, every: bool = False
) -> None:
    """Child-interpreter side: time consolidate() (or, with `every`, consolidate_periods over
    every period) and print one JSON line."""
    roster = synthetic_roster(pegawai, units)
    times = []
    result = None
    all_periods = [p.key for p in periods(SCHEME)]
    for _ in range(repeat):
        result = None  # the previous result is not kept alive during the next run
        start = time.perf_counter()
        if every:
            result = consolidate_periods(folder, all_periods, DEFAULT_POLICY, roster, jobs=jobs)[0]
        else:
            result = consolidate(folder, PERIOD, DEFAULT_POLICY, roster, jobs=jobs)
        times.append(time.perf_counter() - start)
    assert result is not None
    problems: dict[str, int] = {}
    for p in result.all_problems:
        problems[p.code] = problems.get(p.code, 0) + 1
    report = {
        "wall": min(times),
        "times": times,
        "files": len(result.files),
        "pegawai": len(result.pegawai),
        "predikat": sum(1 for p in result.pegawai if p.predikat is not None),
        "iki": sum(len(u.iki) for u in result.units),
        "problems": problems,
        "rss_parent": maxrss_mib(resource.RUSAGE_SELF),
        "rss_child": maxrss_mib(resource.RUSAGE_CHILDREN),
    }
    print(json.dumps(report))


def run_ours(folder: Path, args: argparse.Namespace, every: bool = False) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--pegawai",
        str(args.pegawai),
        "--unit",
        str(args.unit),
        "--jobs",
        str(args.jobs),
        "--ulang",
        str(args.ulang),
        "--_kami",
        str(folder),
        *(["--_semua"] if every else []),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def measure_update(folder: Path, args: argparse.Namespace, single: float) -> None:
    """`templat perbarui` of the whole agency into a scratch folder: every workbook rebuilt,
    read back and compared input by input (the updater's own check), `--jobs` processes."""
    import datetime as dt
    import tempfile

    from sheetnilai.workbook.update import update_workbooks

    paths = [(p, p.name) for p in workbooks(folder)]
    with tempfile.TemporaryDirectory(prefix="sheetnilai-perbarui-") as tmp:
        start = time.perf_counter()
        outcomes = update_workbooks(
            paths, None, None, dt.date(YEAR, 5, 15), Path(tmp) / "out", jobs=args.jobs
        )
        wall = time.perf_counter() - start
    refused = [o for o in outcomes if o.problem is not None]
    carried = sum(o.carried for o in outcomes)
    print(
        f"perbarui templat perbarui, {len(paths)} workbooks, jobs={args.jobs}: {wall:.1f} s "
        f"({wall / len(paths) * 1000:.0f} ms/workbook, {wall / single:.1f}x the "
        f"single-period consolidation); {carried} inputs carried and re-read, "
        f"{len(refused)} workbooks refused, 0 inputs lost"
        + ("" if not refused else f" (first refusal: {refused[0].problem.code})")  # type: ignore[union-attr]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pegawai", type=int, default=10_000)
    ap.add_argument("--unit", type=int, default=500)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--ulang", type=int, default=2, help="timed runs per measurement (best)")
    ap.add_argument("--tanpa-naif", action="store_true", help="skip the openpyxl baseline")
    ap.add_argument("--_kami", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_semua", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._kami is not None:
        measure_ours(args._kami, args.pegawai, args.unit, args.jobs, args.ulang, args._semua)
        return

    folder, generated = agency(args.pegawai, args.unit, args.jobs)
    paths = workbooks(folder)
    size = warm(paths)
    n = args.pegawai // args.unit * args.unit
    print(
        f"agency: {len(paths)} workbooks, {n} pegawai, {size / 1e6:.1f} MB, in {folder}; "
        f"jobs={args.jobs}, period {PERIOD}, best of {args.ulang} warm runs"
    )
    if generated is None:
        print("generation: cached (delete the folder to rebuild)")
    else:
        print(f"generation: {generated:.1f} s ({n / generated:.0f} pegawai/s)")

    ours = run_ours(folder, args)
    wall = ours["wall"]
    print(
        f"ours   consolidate(jobs={args.jobs}): {wall:.2f} s  ({ours['pegawai'] / wall:.0f} "
        f"pegawai/s, {wall / len(paths) * 1000:.1f} ms/file; runs "
        + ", ".join(f"{t:.2f}" for t in ours["times"])
        + ")"
    )
    top = sorted(ours["problems"].items(), key=lambda kv: -kv[1])
    print(
        f"       read {ours['files']} files, {ours['pegawai']} pegawai ({ours['predikat']} with "
        f"predikat), {ours['iki']} IKI rows; problems: "
        + (", ".join(f"{code} {count}" for code, count in top) or "none")
    )
    parent, child = ours["rss_parent"], ours["rss_child"]
    bound = parent + args.jobs * child
    print(
        f"       peak memory: parent {parent:.0f} MiB, largest worker {child:.0f} MiB; "
        f"parent + {args.jobs} x worker <= {bound:.0f} MiB (target < 1024 MiB: "
        f"{'met' if bound < 1024 else 'MISSED'})"
    )

    every = run_ours(folder, args, every=True)
    n_periods = len(periods(SCHEME))
    print(
        f"ours   consolidate_periods, all {n_periods} periods (TW1-TW4, TAHUNAN) in one run: "
        f"{every['wall']:.2f} s -> {every['wall'] / wall:.2f}x one single-period run (target "
        f"<= 1.3x: {'met' if every['wall'] <= 1.3 * wall else 'MISSED'}); {n_periods} "
        f"single-period runs: {n_periods * wall:.2f} s ({n_periods * wall / every['wall']:.1f}x "
        "the one run)"
    )

    floor1 = best_of(lambda: floor(paths, 1), args.ulang)
    floor_j = best_of(lambda: floor(paths, args.jobs), args.ulang)
    print(f"floor  calamine, every cell, 1 process: {floor1:.2f} s")
    print(
        f"floor  calamine, every cell, {args.jobs} processes: {floor_j:.2f} s  -> ours/floor "
        f"{wall / floor_j:.1f}x (target <= 2x: {'met' if wall <= 2 * floor_j else 'MISSED'})"
    )

    if args.tanpa_naif:
        print("naive  openpyxl full mode: skipped (--tanpa-naif)")
    else:
        naive_t = best_of(lambda: naive(paths), args.ulang)
        print(
            f"naive  openpyxl full mode, every cell, 1 process: {naive_t:.1f} s  -> naive/ours "
            f"{naive_t / wall:.1f}x (target >= 10x: {'met' if naive_t >= 10 * wall else 'MISSED'})"
        )

    roster = synthetic_roster(args.pegawai, args.unit).by_nip()
    runs = [breakdown(paths, roster) for _ in range(args.ulang)]
    stages = {k: min(r[k] for r in runs) for k in runs[0]}
    total = sum(stages.values())
    print(f"where our time goes (1 process, best of {args.ulang}): {total:.2f} s of work")
    for key, secs in stages.items():
        print(
            f"  {key:<10} {secs:7.2f} s  {secs / total:4.0%}  "
            f"{secs / len(paths) * 1000:6.1f} ms/file"
        )
    from sheetnilai.sources.unit import peek

    look = best_of(lambda: [peek(p) for p in paths], args.ulang)
    print(
        f"  prescan    {look:7.2f} s  (the CLI's quick look at every workbook's year and periods "
        f"before the run, 1 process: {look / len(paths) * 1000:.1f} ms/file, "
        f"{look / wall:.0%} of the consolidation)"
    )
    measure_update(folder, args, wall)
    ideal = total / args.jobs
    print(
        f"  ideal split over {args.jobs} processes: {ideal:.2f} s; ours took {wall:.2f} s "
        f"({wall - ideal:+.2f} s: pool start, result transfer, cross-file checks)"
    )


if __name__ == "__main__":
    main()
