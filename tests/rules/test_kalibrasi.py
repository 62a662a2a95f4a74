"""Calibration help (rules/kalibrasi.py) against a brute force over every target spread.

The brute force here is independent of the module: it enumerates every way of spreading the
unit's pegawai over the five predikat, asks the project's distribution check which spreads
meet the curve, and counts the changes and the distance itself.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetnilai.rules.distribution import check_distribution
from sheetnilai.rules.kalibrasi import Move, Proposal, Status, propose
from sheetnilai.rules.labels import CURVE_ORDER, OrgPredikat, Predikat
from sheetnilai.rules.policy import DistribusiPolicy, DistributionRounding

SB, B, BP, K, SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)
O = OrgPredikat  # noqa: E741
POLICIES = {
    "bawaan": DistribusiPolicy(),
    "bulatkan-jumlah": DistribusiPolicy(pembulatan=DistributionRounding.HEADCOUNT),
    "tanpa-terbesar": DistribusiPolicy(kelompok_terbesar=False),
}


def spreads(n: int, parts: int = 5) -> Iterator[tuple[int, ...]]:
    """Every vector of `parts` non-negative counts summing to n (curve order)."""
    if parts == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in spreads(n - first, parts - 1):
            yield (first, *rest)


def as_counts(v: tuple[int, ...]) -> dict[Predikat, int]:
    return dict(zip(CURVE_ORDER, v, strict=True))


@functools.cache
def meeting(org: OrgPredikat, n: int, policy: str) -> tuple[tuple[int, ...], ...]:
    return tuple(
        t for t in spreads(n) if check_distribution(org, as_counts(t), POLICIES[policy]).ok
    )


def moved(c: tuple[int, ...], t: tuple[int, ...]) -> int:
    """Pegawai who must change predikat: those a category has beyond its target."""
    return sum(a - b for a, b in zip(c, t, strict=True) if a > b)


def steps(c: tuple[int, ...], t: tuple[int, ...]) -> int:
    """Least total distance along the curve axis to turn c into t: on a line, the sum of
    the running differences (earth mover's distance)."""
    total = run = 0
    for a, b in zip(c, t, strict=True):
        run += a - b
        total += abs(run)
    return total


def apply(c: tuple[int, ...], moves: tuple[Move, ...]) -> tuple[int, ...]:
    after = list(c)
    for m in moves:
        after[CURVE_ORDER.index(m.source)] -= m.count
        after[CURVE_ORDER.index(m.target)] += m.count
    assert min(after) >= 0
    return tuple(after)


def verify(org: OrgPredikat, c: tuple[int, ...], policy: str) -> Proposal:
    p = propose(org, as_counts(c), POLICIES[policy])
    n = sum(c)
    if n == 0:
        assert p.status is Status.KOSONG
        return p
    targets = meeting(org, n, policy)
    if not targets:
        assert p.status is Status.TIDAK_MUNGKIN and not p.moves
        return p
    fewest = min(moved(c, t) for t in targets)
    if fewest == 0:
        assert p.status is Status.SESUAI and not p.moves and p.changes == 0
        return p
    assert p.status is Status.USULAN
    after = apply(c, p.moves)
    assert after == tuple(p.target[k] for k in CURVE_ORDER)  # type: ignore[index]
    assert check_distribution(org, as_counts(after), POLICIES[policy]).ok
    assert p.changes == sum(m.count for m in p.moves) == fewest == moved(c, after)
    # Least distance among the fewest changes, and the moves realise it.
    assert sum(m.count * m.steps for m in p.moves) == steps(c, after)
    assert steps(c, after) == min(steps(c, t) for t in targets if moved(c, t) == fewest)
    # A pegawai moves once: no predikat both gives and receives.
    assert not {m.source for m in p.moves} & {m.target for m in p.moves}
    return p


@pytest.mark.parametrize("org", list(OrgPredikat), ids=lambda o: o.name)
def test_every_unit_up_to_12_pegawai_gets_the_fewest_changes(org: OrgPredikat) -> None:
    checked = 0
    for n in range(13):
        for c in spreads(n):
            verify(org, c, "bawaan")
            checked += 1
    assert checked == sum(len(list(spreads(n))) for n in range(13)) == 6188


@pytest.mark.parametrize("policy", ["bulatkan-jumlah", "tanpa-terbesar"])
@pytest.mark.parametrize("org", list(OrgPredikat), ids=lambda o: o.name)
def test_other_policies_on_units_up_to_9_pegawai(org: OrgPredikat, policy: str) -> None:
    for n in range(10):
        for c in spreads(n):
            verify(org, c, policy)


@settings(max_examples=60, deadline=None)
@given(
    org=st.sampled_from(list(OrgPredikat)),
    policy=st.sampled_from(sorted(POLICIES)),
    c=st.lists(st.integers(0, 6), min_size=5, max_size=5).filter(lambda v: 13 <= sum(v) <= 18),
)
def test_larger_units_against_brute_force(org: OrgPredikat, policy: str, c: list[int]) -> None:
    verify(org, tuple(c), policy)


# Worked examples (domain.md §2.9 rules; units of 10 as in tests/rules/test_distribution.py).
@pytest.mark.parametrize(
    ("org", "counts", "moves"),
    [
        # 80% Baik: one Baik must go; to Butuh Perbaikan rather than up to Sangat Baik
        # (same distance, and a tie never inflates).
        pytest.param(O.BAIK, {B: 8, BP: 1, SB: 1}, "1 pegawai Baik → Butuh Perbaikan",
                     id="baik-80-persen"),
        pytest.param(O.BAIK, {B: 7, SB: 3}, "1 pegawai Baik → Butuh Perbaikan",
                     id="baik-tanpa-butuh-perbaikan"),
        pytest.param(O.ISTIMEWA, {SB: 3, B: 4, BP: 3}, "1 pegawai Baik → Sangat Baik",
                     id="istimewa-sb-bukan-terbanyak"),
        pytest.param(O.ISTIMEWA, {SB: 8, B: 2}, "1 pegawai Sangat Baik → Baik",
                     id="istimewa-sb-80-persen"),
        # Kurang: ≥ 60% Kurang/Misconduct (6 of 10), ≥ 10% Butuh Perbaikan, ≤ 10% Sangat Baik.
        pytest.param(O.KURANG, {B: 10},
                     "1 pegawai Baik → Butuh Perbaikan; 6 pegawai Baik → Kurang/Misconduct",
                     id="kurang-semua-baik"),
        pytest.param(O.SANGAT_KURANG, {SK: 5, K: 4, SB: 1},
                     "1 pegawai Sangat Baik → Sangat Kurang", id="sangat-kurang-tanpa-sb"),
    ],
)  # fmt: skip
def test_worked_examples(org: OrgPredikat, counts: dict[Predikat, int], moves: str) -> None:
    p = propose(org, counts)
    assert p.status is Status.USULAN
    assert p.text == moves


def test_sangat_kurang_example_moves_the_fewest_even_if_far() -> None:
    # SK 5 of 10 < 60%: one more Sangat Kurang is needed and Sangat Baik (forbidden) must
    # go: moving the Sangat Baik pegawai to Sangat Kurang does both with one change.
    p = propose(O.SANGAT_KURANG, {SK: 5, K: 4, SB: 1})
    assert p.changes == 1 and p.moves[0].steps == 4


def test_units_too_small_for_the_curve() -> None:
    # One pegawai cannot be both the largest Baik group and a Butuh Perbaikan/Kurang.
    assert propose(O.BAIK, {B: 1}).status is Status.TIDAK_MUNGKIN
    # Kurang needs ≥ 60% Kurang/Misconduct and ≥ 10% Butuh Perbaikan: not with one pegawai.
    assert propose(O.KURANG, {K: 1}).status is Status.TIDAK_MUNGKIN
    assert propose(O.BAIK, {B: 2}).text == "1 pegawai Baik → Butuh Perbaikan"
    assert propose(O.BAIK, {}).status is Status.KOSONG


def test_limit_says_no_change_of_that_many_meets_the_curve() -> None:
    p = propose(O.KURANG, {B: 10}, limit=5)
    assert p.status is Status.MELEBIHI_BATAS and p.changes == 7 and p.limit == 5
    assert propose(O.KURANG, {B: 10}, limit=7).status is Status.USULAN


def test_proposal_never_changes_its_input() -> None:
    counts = {B: 8, BP: 1, SB: 1}
    propose(O.BAIK, counts)
    assert counts == {B: 8, BP: 1, SB: 1}


def test_large_units_are_fast_and_meet_the_curve() -> None:
    cases = [
        (O.BAIK, (0, 0, 0, 250, 50)),  # 83% Baik, no Butuh Perbaikan/Kurang
        (O.ISTIMEWA, (0, 0, 40, 300, 10)),  # everyone Baik: Sangat Baik must be the largest
        (O.KURANG, (3, 10, 40, 250, 47)),
        (O.SANGAT_KURANG, (50, 100, 50, 100, 50)),
        (O.BUTUH_PERBAIKAN, (20, 30, 60, 200, 90)),
    ]
    start = time.perf_counter()
    for org, c in cases:
        p = propose(org, as_counts(c))
        assert p.status is Status.USULAN
        assert check_distribution(org, p.target or {}).ok
    assert time.perf_counter() - start < 2.0  # milliseconds each on a quiet machine
    p = propose(O.BAIK, as_counts((0, 0, 0, 250, 50)))
    # Baik ≤ 70% of 300 = 210: 40 Baik must change, the nearest and never upwards on a tie.
    assert p.changes == 40 and p.text == "40 pegawai Baik → Butuh Perbaikan"
