"""Benchmark: what the IKM survey adds to a consolidation of 10,000 pegawai (issue 16).

Uses the filled agency of bench/consolidate.py (10,000 pegawai in 500 unit workbooks, built
there and cached under /tmp) and adds, in a folder of its own, one survey workbook per unit
(`--survei`, 500) with `--responden` (400) respondents each. Measures, one process:

- reading and recomputing every survey (read_book + read_survey), as the workers do;
- then one consolidation of the units and the surveys (`--jobs`, 2), its score book tables
  and the two additions on the result: `ikm_link.link_surveys` (every IKI is looked at) and
  the IKM table; and the Hasil Kerja sheet written with and without its two survey columns.

The added time is the survey reading divided among the workers plus the rest, against the
consolidation and score book of the same run. The unit workbooks are only read.

Run: `.venv/bin/python bench/ikm.py [--survei N] [--responden R] [--jobs J]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    from sheetnilai.consolidate import consolidate, discover
    from sheetnilai.ikm_link import link_surveys
    from sheetnilai.report import hasil_kerja_table, ikm_table, tables
    from sheetnilai.rules.policy import DEFAULT_POLICY
    from sheetnilai.scorebook import Table, write_scorebook
    from sheetnilai.sources.raw import read_book
    from sheetnilai.sources.survei import read_survey
    from sheetnilai.workbook.survei import build_survey_workbook

    ap = argparse.ArgumentParser()
    ap.add_argument("--survei", type=int, default=500)
    ap.add_argument("--responden", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    units = Path("/tmp/sheetnilai-bench-10000-500/unit")
    if not units.is_dir():
        sys.exit("run bench/consolidate.py first: it builds /tmp/sheetnilai-bench-10000-500")
    surveys = Path(f"/tmp/sheetnilai-bench-ikm-{args.survei}-{args.responden}")
    if not (surveys / "selesai").exists():
        surveys.mkdir(exist_ok=True)
        rnd = random.Random(16)
        for k in range(args.survei):
            rows = [[r + 1, *(rnd.choice((2, 3, 3, 4, 4)) for _ in range(9))]
                    for r in range(args.responden)]  # fmt: skip
            build_survey_workbook(surveys / f"IKM Unit {k:03d}.xlsx", f"Unit {k:03d}",
                                  "Triwulan I 2026", 1_000, None, rows)  # fmt: skip
        (surveys / "selesai").write_text("ok")
    survey_files = [f for f in discover(surveys).files if not f.status]
    t0 = time.perf_counter()
    for f in survey_files:
        read_survey(read_book(f.path), f.name, DEFAULT_POLICY.ikm)
    t_read = time.perf_counter() - t0
    each = 1000 * t_read / len(survey_files)
    print(f"{len(survey_files)} surveys x {args.responden} respondents: read and recomputed "
          f"in {t_read:.2f} s ({each:.1f} ms each, one process)")  # fmt: skip

    files = discover(units).files + survey_files
    t0 = time.perf_counter()
    result = consolidate(units, "TW1", DEFAULT_POLICY, files=files, jobs=args.jobs)
    t_cons = time.perf_counter() - t0
    t0 = time.perf_counter()
    tables(result)
    t_tables = time.perf_counter() - t0
    n_iki = sum(len(u.iki) for u in result.units)
    t0 = time.perf_counter()
    result.iki_surveys.clear()
    link_surveys(result)
    t_link = time.perf_counter() - t0
    t0 = time.perf_counter()
    ikm_table(result)
    t_ikm = time.perf_counter() - t0
    hk = hasil_kerja_table(result)
    extra = ["Sumber data", "Realisasi survei IKM"]
    kinds = {k: v for k, v in hk.kinds.items() if k not in extra}
    bare = Table(hk.sheet, hk.frame.drop(columns=extra), kinds, hk.title)
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, table in (("with", hk), ("without", bare), ("with2", hk), ("without2", bare)):
            t0 = time.perf_counter()
            write_scorebook(Path(tmp) / f"{name}.xlsx", [table], [], overwrite=True)
            times[name] = time.perf_counter() - t0
    t_cols = max(0.0, min(times["with"], times["with2"]) - min(times["without"], times["without2"]))
    total = t_cons + t_tables
    added = t_read / args.jobs + t_link + t_ikm + t_cols
    print(f"consolidation of {len(result.pegawai)} pegawai ({n_iki} IKI) and "
          f"{len(result.surveys)} surveys, jobs={args.jobs}: {t_cons:.2f} s; "
          f"tables {t_tables:.2f} s")  # fmt: skip
    print(f"link_surveys over every IKI: {t_link * 1000:.1f} ms; IKM table: {t_ikm * 1000:.1f} ms; "
          f"Hasil Kerja's two survey columns written: {t_cols:.2f} s")  # fmt: skip
    print(f"added: {added:.2f} s = {100 * added / total:.1f}% of consolidation and tables "
          f"(surveys read over {args.jobs} workers: {t_read / args.jobs:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
