"""Benchmark: what issue 16's sheets add to a konsolidasi of 10,000 pegawai, in one run.

On bench/consolidate.py's agency (10,000 pegawai in 500 filled unit workbooks, cached under
/tmp), with the roster of bench/templates.py:

- baseline: `sheetnilai konsolidasi --periode TW1` minus issue 16's work, i.e.
  `consolidate_periods` of the unit workbooks and `write_scorebook` of the tables and charts
  without the IKM, Kalibrasi, Pengembangan, Rencana Pengembangan, Talenta and Kotak Talenta
  sheets (and without Hasil Kerja's two survey columns and the 9-box chart);
- (a) IKM: reading and recomputing `--survei` survey workbooks (default 100 service units ×
  `--responden` 400) as the workers do (SHA-256, raw read, `read_survey`, pickled to the
  parent and back), divided among the `--jobs` workers; `link_surveys` over every IKI; the
  IKM table; writing the IKM sheet and Hasil Kerja's two survey columns;
- (b) Kalibrasi: its table and its sheet;
- (c) the four talent and development sheets: building them (`talenta_report.tables`) and
  writing them, with the 9-box chart.

Why 100 × 400: the IKM of PermenPANRB 14/2017 is surveyed per public-service unit, not per
work unit, and an agency whose 500 work units include the secretariat, the bureaus and their
sub-units has on the order of a hundred units that serve the public; 400 respondents is
above the Krejcie–Morgan minimum for any population (384). The upper bound, a survey beside
every one of the 500 unit workbooks, is reported from the same per-survey time.

Each sheet's write is timed alone in a book of its own (the book's fixed cost included, so
the figure errs high); the score book with everything is also written as a check. Rounds
alternate the baseline and the additions (`--rounds`, best of each taken), as
bench/sinkron.py does: the machine's speed drifts by more than the additions weigh.

Run: `.venv/bin/python bench/tindak_lanjut.py [--survei N] [--responden R] [--jobs J]
[--rounds K]`.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from consolidate import agency
from templates import synthetic_roster

from sheetnilai import talenta_report
from sheetnilai.consolidate import Consolidation, consolidate_periods, sha256
from sheetnilai.ikm_link import link_surveys
from sheetnilai.kalibrasi import kalibrasi_table
from sheetnilai.report import (
    belum_masuk_table,
    charts,
    distribusi_table,
    hasil_kerja_table,
    ikm_table,
    masalah_table,
    metadata_table,
    pegawai_table,
    ringkasan_table,
    tables,
    talent_chart,
)
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.scorebook import Chart, Table, write_scorebook
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.survei import SurveyResult, read_survey

PERIOD = "TW1"
SURVEY_COLUMNS = ["Sumber data", "Realisasi survei IKM"]


def survey_folder(units: list[str], respondents: int) -> Path:
    """One survey workbook per unit name (cached), answers drawn with a fixed seed."""
    from sheetnilai.workbook.survei import build_survey_workbook

    folder = Path(f"/tmp/sheetnilai-bench-survei-{len(units)}-{respondents}")
    if (folder / "selesai").exists():
        return folder
    folder.mkdir(exist_ok=True)
    rnd = random.Random(16)
    for unit in units:
        rows = [[r + 1, *(rnd.choice((2, 3, 3, 4, 4)) for _ in range(9))]
                for r in range(respondents)]  # fmt: skip
        build_survey_workbook(folder / f"IKM {unit}.xlsx", unit, "Triwulan I 2026", 20_000,
                              None, rows)  # fmt: skip
    (folder / "selesai").write_text("ok")
    return folder


def read_surveys(paths: list[Path]) -> tuple[list[SurveyResult], float]:
    """What the workers do for each survey, one process; returns results and seconds."""
    out = []
    start = time.perf_counter()
    for path in paths:
        sha256(path)
        result = read_survey(read_book(path), path.name, DEFAULT_POLICY.ikm)
        packed = pickle.dumps(("", result, []), pickle.HIGHEST_PROTOCOL)
        out.append(pickle.loads(zlib.decompress(zlib.compress(packed, 1)))[1])
    return out, time.perf_counter() - start


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def write_alone(tmp: Path, name: str, book: list[Table], drawn: Sequence[Chart] = ()) -> float:
    start = time.perf_counter()
    write_scorebook(tmp / f"{name}.xlsx", book, drawn, overwrite=True)
    return time.perf_counter() - start


def additions(
    result: Consolidation,
    tmp: Path,
    survey_paths: list[Path],
    bare_hk: Table,
    keep: Callable[[str, float], None],
) -> dict[str, int]:
    """One round of (a), (b) and (c) on `result`, each time given to `keep`; returns the
    talent sheets' row counts."""
    # --- (a) IKM
    surveys, t_read = read_surveys(survey_paths)
    keep("a.read1", t_read)
    result.surveys = surveys
    result.iki_surveys.clear()
    _, t = timed(lambda: link_surveys(result))
    keep("a.link", t)
    ikm, t = timed(lambda: ikm_table(result))
    keep("a.table", t)
    assert isinstance(ikm, Table)
    keep("a.write", write_alone(tmp, "ikm", [ikm]))
    full_hk = hasil_kerja_table(result)
    with_cols = write_alone(tmp, "hk", [full_hk])
    without = write_alone(tmp, "hk0", [bare_hk])
    keep("a.cols", max(0.0, with_cols - without))

    # --- (b) Kalibrasi
    kal, t = timed(lambda: kalibrasi_table(result))
    keep("b.table", t)
    assert isinstance(kal, Table)
    keep("b.write", write_alone(tmp, "kalibrasi", [kal]))

    # --- (c) the talent and development sheets
    four, t = timed(lambda: talenta_report.tables([result]))
    keep("c.build", t)
    assert isinstance(four, list)
    keep("c.write", write_alone(tmp, "talenta", four, [talent_chart()]))
    rows = {t.sheet: len(t.frame) for t in four}

    # --- the whole score book, as a check on the parts
    _, t = timed(lambda: write_scorebook(tmp / "all.xlsx", tables(result),
                                         charts(result), overwrite=True))  # fmt: skip
    keep("all.write", t)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--survei", type=int, default=100, help="survey workbooks (service units)")
    ap.add_argument("--responden", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    folder, _ = agency(10_000, 500, args.jobs)
    roster = synthetic_roster(10_000, 500)
    unit_names = sorted({p.unit for p in roster.pegawai})
    # Every fifth unit serves the public: spread over the agency, not its first hundred.
    step = max(1, len(unit_names) // args.survei)
    served = unit_names[::step][: args.survei]
    survey_paths = sorted(survey_folder(served, args.responden).glob("*.xlsx"))
    print(f"agency: 10,000 pegawai in 500 workbooks; {len(survey_paths)} surveys x "
          f"{args.responden} respondents; jobs={args.jobs}")  # fmt: skip

    best: dict[str, float] = {}

    def keep(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, seconds), seconds)

    with tempfile.TemporaryDirectory(prefix="sheetnilai-tindak-lanjut-") as name:
        tmp = Path(name)
        for r in range(args.rounds):
            # --- baseline: the konsolidasi without issue 16's sheets
            start = time.perf_counter()
            (result,) = consolidate_periods(folder, [PERIOD], DEFAULT_POLICY, roster,
                                            jobs=args.jobs)  # fmt: skip
            read = time.perf_counter() - start
            hk = hasil_kerja_table(result)
            kinds = {k: v for k, v in hk.kinds.items() if k not in SURVEY_COLUMNS}
            bare_hk = Table(hk.sheet, hk.frame.drop(columns=SURVEY_COLUMNS), kinds, hk.title)
            plain = [ringkasan_table(result), pegawai_table(result), bare_hk,
                     distribusi_table(result), masalah_table(result), belum_masuk_table(result),
                     metadata_table(result)]  # fmt: skip
            own = {*talenta_report.SHEETS}
            drawn = [c for c in charts(result) if c.table not in own]
            write_scorebook(tmp / "baseline.xlsx", plain, drawn, overwrite=True)
            base = time.perf_counter() - start
            keep("base", base)
            keep("base.read", read)
            print(f"round {r + 1}: baseline {base:.2f} s (consolidate {read:.2f} s, tables and "
                  f"score book {base - read:.2f} s)")  # fmt: skip

            rows = additions(result, tmp, survey_paths, bare_hk, keep)
            del result, hk, bare_hk, plain

    base = best["base"]
    n = len(survey_paths)
    per = best["a.read1"] / n
    parts = {
        f"(a) IKM, {n} surveys": per * n / args.jobs
        + best["a.link"] + best["a.table"] + best["a.write"] + best["a.cols"],
        "(b) Kalibrasi": best["b.table"] + best["b.write"],
        "(c) talent sheets": best["c.build"] + best["c.write"],
    }  # fmt: skip
    print(f"\nbest of {args.rounds}: baseline {base:.2f} s (consolidate "
          f"{best['base.read']:.2f} s); Pengembangan rows: {rows}")  # fmt: skip
    print(f"(a) read {per * 1000:.1f} ms per survey ({best['a.read1']:.2f} s for {n}, "
          f"/{args.jobs} workers = {best['a.read1'] / args.jobs:.2f} s); link_surveys "
          f"{best['a.link'] * 1000:.0f} ms; IKM table {best['a.table'] * 1000:.0f} ms; "
          f"IKM sheet {best['a.write'] * 1000:.0f} ms; Hasil Kerja's survey columns "
          f"{best['a.cols'] * 1000:.0f} ms")  # fmt: skip
    print(f"(b) Kalibrasi table {best['b.table'] * 1000:.0f} ms, sheet "
          f"{best['b.write'] * 1000:.0f} ms")  # fmt: skip
    print(f"(c) talent sheets built {best['c.build']:.2f} s, written {best['c.write']:.2f} s")
    for label, seconds in parts.items():
        print(f"{label:<24} +{seconds:6.2f} s = {seconds / base:6.2%} of baseline")
    total = sum(parts.values())
    print(f"{'total':<24} +{total:6.2f} s = {total / base:6.2%} of baseline (target <= 10%)")
    upper = total + per * (500 - n) / args.jobs
    print(f"upper bound, a survey beside each of the 500 workbooks: +{upper:.2f} s = "
          f"{upper / base:.2%}")  # fmt: skip
    check = best["base.read"] + best["all.write"]
    print(
        f"check: consolidate, then every table built and the whole score book written: "
        f"{check:.2f} s = {check / base - 1:+.2%} against baseline (surveys not read)"
    )


if __name__ == "__main__":
    main()
