"""Benchmark: generate the unit workbooks of a 10,000-pegawai roster in 500 units.

Prints the wall time, pegawai per second, and the ratio to a floor measured in the same run:
writing the same bytes as plain file copies. Run: `.venv/bin/python bench/templates.py
[--pegawai N] [--unit M] [--jobs J]` (also part of `make bench`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from sheetnilai.periods import Scheme
from sheetnilai.roster import JenisJabatan, Pegawai, Roster, Status
from sheetnilai.workbook.generate import generate_unit_workbooks

JENJANG = ["Ahli Pertama", "Ahli Muda", "Terampil", "Mahir", None]


def synthetic_roster(n: int, units: int) -> Roster:
    roster = Roster(source="sintetis")
    per_unit = n // units
    for u in range(units):
        unit = f"Unit Kerja Sintetis {u + 1:03d}"
        head = None
        for k in range(per_unit):
            i = u * per_unit + k
            born = f"19{70 + i % 30:02d}{1 + i % 12:02d}{1 + i % 28:02d}"
            nip = f"{born}20{10 + i % 10:02d}{1 + i % 12:02d}{1 + i % 2}{i % 1000:03d}"
            jenis = (
                JenisJabatan.JPT
                if k == 0
                else (JenisJabatan.FUNGSIONAL if k % 3 else JenisJabatan.PELAKSANA)
            )
            jenjang = JENJANG[i % len(JENJANG)] if jenis is JenisJabatan.FUNGSIONAL else None
            p = Pegawai(nip, f"Pegawai Sintetis {i}", f"Jabatan {k}", jenis, Status.PNS, jenjang,
                        "Penata (III/c)", unit, head, None, None, i + 2)  # fmt: skip
            head = head or nip
            roster.pegawai.append(p)
    return roster


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pegawai", type=int, default=10_000)
    ap.add_argument("--unit", type=int, default=500)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    roster = synthetic_roster(args.pegawai, args.unit)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "unit"
        start = time.perf_counter()
        made = generate_unit_workbooks(roster, 2026, Scheme.TRIWULAN, out, jobs=args.jobs)
        wall = time.perf_counter() - start
        size = sum(g.path.stat().st_size for g in made)
        copies = Path(tmp) / "salinan"
        copies.mkdir()
        start = time.perf_counter()
        for g in made:
            shutil.copyfile(g.path, copies / g.path.name)
        floor = time.perf_counter() - start
    n = len(roster.pegawai)
    print(f"workbooks: {len(made)} files, {n} pegawai, {size / 1e6:.1f} MB, jobs={args.jobs}")
    per_unit = wall / len(made) * 1000
    print(f"generation wall time: {wall:.1f} s  ({n / wall:.0f} pegawai/s, {per_unit:.0f} ms/unit)")
    print(f"floor (plain copies of the same bytes): {floor:.2f} s  -> ratio {wall / floor:.0f}x")


if __name__ == "__main__":
    main()
