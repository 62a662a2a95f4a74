"""Benchmark: what the Pengembangan, Rencana Pengembangan, Talenta and Kotak Talenta sheets
add to a konsolidasi of 10,000 pegawai in 500 workbooks (bench/consolidate.py's cached agency).

Measured in one process: the consolidation, the four sheets' tables (`talenta_report.tables`),
and the score book written with and without them (best of `--repeat`). The added time is
building the tables plus the extra writing, against the consolidation and the score book
without them (target: at most 10%).

Run: `.venv/bin/python bench/talenta.py [--jobs J] [--repeat R]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from consolidate import agency

from sheetnilai import talenta_report
from sheetnilai.consolidate import consolidate
from sheetnilai.report import charts, tables
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.scorebook import write_scorebook

PERIOD = "TW1"


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder, _ = agency(10_000, 500, args.jobs)
    start = time.perf_counter()
    result = consolidate(folder, PERIOD, DEFAULT_POLICY, jobs=args.jobs)
    read = time.perf_counter() - start
    every = tables(result)
    drawn = charts(result)
    own = set(talenta_report.SHEETS)
    without = [t for t in every if t.sheet not in own]
    drawn_without = [c for c in drawn if c.table not in own]
    build = best(lambda: talenta_report.tables([result]), args.repeat)
    # Interleaved, best of each: the machine is shared, and a busy spell should not fall on
    # one side only.
    with_times, without_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):
            for tag, book, drawn_here, times in (
                ("a", every, drawn, with_times),
                ("b", without, drawn_without, without_times),
            ):
                start = time.perf_counter()
                write_scorebook(Path(tmp) / f"{tag}{k}.xlsx", book, drawn_here)
                times.append(time.perf_counter() - start)
    write_with, write_without = min(with_times), min(without_times)
    base = read + write_without
    added = build + (write_with - write_without)
    rows = {t.sheet: len(t.frame) for t in every if t.sheet in own}
    print(f"pegawai {len(result.pegawai)}, units {len(result.units)}; rows {rows}")
    print(f"consolidate {read:.2f} s; score book without the sheets {write_without:.2f} s")
    print(f"build the four tables {build:.3f} s; write them {write_with - write_without:.3f} s")
    print(f"added {added:.2f} s = {added / base:.1%} of consolidate + score book ({base:.2f} s)")


if __name__ == "__main__":
    main()
