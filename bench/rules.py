"""Benchmark: cost of one rules call, against a naive float version measured in the same run.

Exactness (Fractions) costs time; this shows how much, so users know a sheet of 1,000 live
Python calls stays fast. Run: `make bench` or `.venv/bin/python bench/rules.py`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sheetnilai.rules import Arah, Predikat, Rating, capaian_iki, check_distribution, predikat
from sheetnilai.rules.labels import OrgPredikat

N = 20_000


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rnd = random.Random(7)
    cases = [(rnd.randint(1, 200), rnd.randint(1, 200)) for _ in range(N)]
    ratings = [(rnd.choice(list(Rating)), rnd.choice(list(Rating))) for _ in range(N)]

    def naive_capaian() -> None:
        for r, t in cases:
            c = min(round(r / t * 100), 120)
            _ = 70 + (c - 80) if 80 <= c < 100 else c

    def rules_capaian() -> None:
        for r, t in cases:
            capaian_iki(r, t, Arah.NAIK)

    def rules_predikat() -> None:
        for h, p in ratings:
            predikat(h, p)

    counts = {p: rnd.randint(0, 30) for p in Predikat}

    def rules_distribution() -> None:
        for _ in range(N // 10):
            check_distribution(OrgPredikat.BAIK, counts)

    base = best_of(naive_capaian)
    cap = best_of(rules_capaian)
    pred = best_of(rules_predikat)
    dist = best_of(rules_distribution)
    ratio = cap / base
    print(f"capaian_iki (exact):     {cap / N * 1e6:7.2f} µs/call  ({ratio:5.1f}× naive float)")
    print(f"naive float baseline:    {base / N * 1e6:7.2f} µs/call")
    print(f"predikat:                {pred / N * 1e6:7.2f} µs/call")
    print(f"check_distribution:      {dist / (N // 10) * 1e6:7.2f} µs/call")
    print(f"1,000 capaian cells recomputed: {cap / N * 1000 * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
