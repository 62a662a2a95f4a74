"""Benchmark: one call of each xlwings worksheet function in CPython, against the rules call it
wraps, measured in the same run.

The ratio is the wrapper's cost (cell values in, rule types and Indonesian text out); the
absolute time says whether a sheet of 1,000 live calls stays live. xlwings' own round trip
(Excel → COM → Python) comes on top and is not measured here (no Excel on Linux).
Run: `make bench` or `.venv/bin/python bench/udf.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sheetnilai import xlwings_udf as udf
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import Arah, capaian_iki, parse_target, saran_rating
from sheetnilai.rules.distribution import check_distribution, count_predikat
from sheetnilai.rules.ikm import ikm_from_respondents
from sheetnilai.rules.labels import OrgPredikat, Predikat, Rating
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.rules.predikat import predikat

CALLS = 2_000


def per_call(fn: Callable[[], object], calls: int = CALLS, repeat: int = 5) -> float:
    """Best-of-`repeat` seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


CAPAIAN = [[98.0], [104.0], [None], [100.0], [96.0], [110.0], [101.0], [95.0], [99.0], [120.0]]
PREDIKAT = [["Baik"]] * 7 + [["Sangat Baik"], ["Butuh Perbaikan"], ["Kurang/Misconduct"]]
IKM_ROWS = [[4.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 2.0, 3.0]] * 100

# (name, the function call, the bare rules call on the same input)
CASES: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
    (
        "SN_PREDIKAT",
        lambda: udf.SN_PREDIKAT("Di Atas Ekspektasi", "Sesuai Ekspektasi"),
        lambda: predikat(Rating.DI_ATAS, Rating.SESUAI),
    ),
    (
        "SN_CAPAIAN",
        lambda: udf.SN_CAPAIAN(95.0, 93.0),
        lambda: capaian_iki(93, parse_target(95), Arah.NAIK),
    ),
    (
        "SN_CAPAIAN (rentang)",
        lambda: udf.SN_CAPAIAN("80-90", 99.0),
        lambda: capaian_iki(99, parse_target("80-90"), Arah.NAIK),
    ),
    (
        "SN_SARAN_RATING (10 IKI)",
        lambda: udf.SN_SARAN_RATING(CAPAIAN),
        lambda: saran_rating(
            [c[0] for c in CAPAIAN if c[0] is not None], DEFAULT_POLICY.saran_rating
        ),
    ),
    (
        "SN_DISTRIBUSI (10 pegawai)",
        lambda: udf.SN_DISTRIBUSI("Baik", PREDIKAT),
        lambda: check_distribution(
            OrgPredikat.BAIK,
            count_predikat(
                [Predikat.BAIK] * 7
                + [Predikat.SANGAT_BAIK, Predikat.BUTUH_PERBAIKAN, Predikat.KURANG]
            ),
        ),
    ),
    (
        "SN_ANGKA_KREDIT",
        lambda: udf.SN_ANGKA_KREDIT("Baik", "Ahli Pertama", 2.0),
        lambda: angka_kredit(Predikat.BAIK, "Ahli Pertama", 2),
    ),
    (
        "SN_CEK_NIP",
        lambda: udf.SN_CEK_NIP("196608011988031001"),
        lambda: check_nip("196608011988031001"),
    ),
    (
        "SN_IKM (100 responden)",
        lambda: udf.SN_IKM(IKM_ROWS),
        lambda: ikm_from_respondents(IKM_ROWS),
    ),
]


def main() -> None:
    print(f"{'fungsi':<28} {'µs/panggilan':>13} {'aturan saja':>12} {'rasio':>7} {'1.000 sel':>10}")
    for name, call, rules in CASES:
        calls = CALLS // 20 if "IKM" in name else CALLS
        ours = per_call(call, calls)
        base = per_call(rules, calls)
        print(
            f"{name:<28} {ours * 1e6:13.1f} {base * 1e6:12.1f} {ours / base:6.2f}× "
            f"{ours * 1000 * 1e3:8.1f} ms"
        )


if __name__ == "__main__":
    main()
