"""Benchmark: read N filled unit workbooks with `sheetnilai.sources.raw.read_book` (formulas and
cached values in one pass) against python-calamine (values only) and openpyxl read_only
data_only (values only), all sheets of every file.

One unit workbook (P pegawai) is built with the real template builder, ~10 IKI rows x every
period of each SKP sheet are filled with numbers through openpyxl, and the file is copied N
times. Two variants are timed: the file as openpyxl saved it (formulas without cached
values, strings inline) and, when LibreOffice is installed, the same file recalculated and
saved by LibreOffice (cached values and shared strings, as a returned file has them). Each
reader runs once to warm up, then the best of `--runs` timed passes counts.

Run: `.venv/bin/python bench/read_raw.py [--files N] [--pegawai P] [--runs R]
[--no-libreoffice]`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support builds and recalculates real workbooks

import openpyxl  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from tests.support.libreoffice import convert, soffice  # noqa: E402
from tests.support.workbooks import build, pegawai  # noqa: E402

from sheetnilai.periods import Scheme, periods  # noqa: E402
from sheetnilai.sources.raw import read_book  # noqa: E402
from sheetnilai.workbook.layout import SkpLayout  # noqa: E402

IKI_FILLED = 10


def make_workbook(folder: Path, n_pegawai: int) -> Path:
    """Build one unit workbook and fill IKI rows the way a unit would, with openpyxl."""
    built = folder / "dibangun.xlsx"
    titles = build(built, [pegawai(i) for i in range(1, n_pegawai + 1)])
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    wb = openpyxl.load_workbook(built)
    for t, title in enumerate(titles):
        ws = wb[title]
        for k in range(IKI_FILLED):
            r = layout.hk_first_row + k + 1
            ws.cell(r, col["iki"], f"Indikator {k + 1}")
            ws.cell(r, col["target"], 10 + k)
            ws.cell(r, col["satuan"], "dokumen")
            for p in range(len(layout.periods)):
                ws.cell(r, layout.period_col(p, "realisasi") + 1, 8 + (k + p + t) % 5)
    filled = folder / "terisi.xlsx"
    wb.save(filled)
    return filled


def copies(source: Path, folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    paths = [folder / f"unit_{i:04d}.xlsx" for i in range(n)]
    for p in paths:
        shutil.copyfile(source, p)
    return paths


def read_raw(p: Path) -> int:
    book = read_book(p)
    return sum(len(s.cells) for s in book.sheets.values())


def read_calamine(p: Path) -> int:
    wb = CalamineWorkbook.from_path(str(p))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


def read_openpyxl(p: Path) -> int:
    wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    rows = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    return rows


READERS: list[tuple[str, Callable[[Path], int]]] = [
    ("read_book (formulas + values)", read_raw),
    ("python-calamine, all sheets", read_calamine),
    ("openpyxl read_only data_only", read_openpyxl),
]


def best_of(reader: Callable[[Path], int], paths: Sequence[Path], runs: int) -> float:
    for p in paths[:3]:
        reader(p)  # warm up: imports, caches, the page cache
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for p in paths:
            reader(p)
        best = min(best, time.perf_counter() - start)
    return best


def report(title: str, paths: Sequence[Path], runs: int) -> None:
    book = read_book(paths[0])
    formulas = sum(
        1 for s in book.sheets.values() for c in s.cells.values() if c.formula is not None
    )
    cells = sum(len(s.cells) for s in book.sheets.values())
    size = paths[0].stat().st_size
    print(f"\n{title}")
    print(
        f"  {len(paths)} files of {size / 1024:.0f} KB: {len(book.sheets)} sheets, "
        f"{cells} cells of which {formulas} formulas per file"
    )
    times = {name: best_of(reader, paths, runs) for name, reader in READERS}
    base = times["python-calamine, all sheets"]
    for name, seconds in times.items():
        per_file = seconds / len(paths) * 1000
        print(f"  {name:32s} {seconds:7.2f} s  {per_file:6.2f} ms/file  {seconds / base:5.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--pegawai", type=int, default=5)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--no-libreoffice", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-raw-") as tmp:
        folder = Path(tmp)
        filled = make_workbook(folder, args.pegawai)
        print(
            f"unit workbook: {args.pegawai} SKP sheets, {IKI_FILLED} IKI rows x 5 periods "
            f"filled per sheet; best of {args.runs} warm runs"
        )
        paths = copies(filled, folder / "openpyxl", args.files)
        report("saved by openpyxl (formulas without cached values, inline strings)", paths,
               args.runs)  # fmt: skip
        if args.no_libreoffice or soffice() is None:
            print("\n(LibreOffice variant skipped)")
            return
        (recalculated,) = convert([filled], folder / "lo")
        paths = copies(recalculated, folder / "libreoffice", args.files)
        report("recalculated and saved by LibreOffice (cached values, shared strings)", paths,
               args.runs)  # fmt: skip


if __name__ == "__main__":
    main()
