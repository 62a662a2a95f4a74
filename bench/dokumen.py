"""Benchmark: `sheetnilai dokumen` against a full `konsolidasi` of the same folder, in one run.

- demo: the demo's 300 pegawai (12 units, as `make demo` fills them; target: the documents in
  under 60 s on 2 cores);
- agency: 10,000 pegawai in 500 workbooks (bench/consolidate.py's cached agency).

For each: the consolidation with its score book (the baseline), the documents (every
Dokumen Evaluasi, each unit's merged PDF and Penetapan), the ratio, the time per document and
the size of a pegawai's PDF.

Run: `.venv/bin/python bench/dokumen.py [--jobs J] [--skip-agency]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from consolidate import agency

from sheetnilai.consolidate import consolidate
from sheetnilai.demo import PERIOD, run_demo
from sheetnilai.documents.write import MERGED, PENETAPAN, write_documents
from sheetnilai.report import charts, tables
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.scorebook import write_scorebook


def measure(name: str, source: Path, jobs: int, scratch: Path) -> None:
    start = time.perf_counter()
    result = consolidate(source, PERIOD, DEFAULT_POLICY, jobs=jobs)
    write_scorebook(scratch / f"{name}.xlsx", tables(result), charts(result))
    full = time.perf_counter() - start
    start = time.perf_counter()
    written = write_documents(result, scratch / f"dokumen-{name}", jobs=jobs)
    docs = time.perf_counter() - start
    singles = [p for p in written.files if p.suffix == ".pdf" and p.name not in (MERGED, PENETAPAN)]
    sizes = sorted(p.stat().st_size for p in singles)
    total = sum(p.stat().st_size for p in written.files)
    print(
        f"{name}: {written.documents} dokumen, {written.units} unit, "
        f"{len(written.skipped)} tanpa dokumen"
    )
    print(f"  konsolidasi + buku nilai (baseline): {full:7.2f} s")
    print(
        f"  dokumen:                             {docs:7.2f} s = {docs / full:5.2f}× baseline; "
        f"{1000 * docs / max(written.documents, 1):.1f} ms per pegawai"
    )
    print(
        f"  PDF per pegawai: median {sizes[len(sizes) // 2] / 1024:.1f} KB, "
        f"max {sizes[-1] / 1024:.1f} KB; all files {total / 2**20:.1f} MB"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-agency", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        demo = run_demo(scratch / "demo", DEFAULT_POLICY, jobs=args.jobs, documents=False)
        measure("demo-300", demo.folder / "unit", args.jobs, scratch)
        shutil.rmtree(scratch / "demo")
        if not args.skip_agency:
            folder, _ = agency(10_000, 500, args.jobs)
            measure("agency-10000", folder, args.jobs, scratch)


if __name__ == "__main__":
    main()
