"""Periodic capaian (rules/periodik.py): golden cases worked out by hand below, every policy
option, and properties.

Worked examples (domain.md §2.6 style). An IKI "Laporan monitoring" with annual target 4
reports, triwulan scheme (3 months each):

- kumulatif, no period targets, default policy: TW1 realisasi 1 → realisasi so far 1 against
  4 × 3/12 = 1 → 100%. TW2 realisasi 1 → so far 2 against 4 × 6/12 = 2 → 100%. TW3 realisasi 0
  → so far 2 against 3 → 66,67%. TAHUNAN left blank → 1 + 1 + 0 + 2 = 4 against 4 → 100%.
- the same, `kumulatif_tanpa_target = "per-periode"`: TW2 realisasi 1 against 4 × 3/12 = 1.
- tetap ("Persentase dokumen tepat waktu", target 90): TW1 realisasi 85 against 90 → 94,44%.
- period targets 0, 2, 1, 1 (rencana aksi): TW1 realisasi 0 against 0 → "target 0"; TW2
  realisasi 1 against 2 → 50% (per period); read year-to-date, TW2 so far 1 against 2 → 50%,
  TW3 so far 2 against 1 → 200%.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.periods import Scheme, periods
from sheetnilai.rules.capaian import Target, capaian_persen
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.periodik import (
    annual_realisasi,
    annual_sum_differs,
    parse_sifat,
    period_basis,
)
from sheetnilai.rules.policy import (
    CapaianPeriodikPolicy,
    PeriodReading,
    Sifat,
    TahunanKumulatif,
)

F = Fraction
TW = [3, 3, 3, 3]
K, T = Sifat.KUMULATIF, Sifat.TETAP
PER = CapaianPeriodikPolicy(kumulatif_tanpa_target=PeriodReading.PER_PERIODE)
YTD = CapaianPeriodikPolicy(target_periode=PeriodReading.KUMULATIF)


def score(basis) -> Fraction:  # type: ignore[no-untyped-def]
    return capaian_persen(basis.realisasi, basis.target)


def test_one_of_four_reports_in_tw1_is_on_plan() -> None:
    basis = period_basis(K, Target(F(4), F(4)), [F(1), None, None, None], TW, 0)
    assert basis is not None and basis.target == Target(F(1), F(1)) and score(basis) == 100


@pytest.mark.parametrize(
    ("index", "reals", "policy", "real", "target", "capaian"),
    [
        (1, [1, 1, None, None], CapaianPeriodikPolicy(), 2, 2, 100),
        (2, [1, 1, 0, None], CapaianPeriodikPolicy(), 2, 3, F(200, 3)),
        (2, [1, None, 0, None], CapaianPeriodikPolicy(), 1, 3, F(100, 3)),  # TW2 left blank
        (1, [1, 1, None, None], PER, 1, 1, 100),
        (2, [1, 1, 2, None], PER, 2, 1, 200),
    ],
)
def test_kumulatif_without_period_targets(index, reals, policy, real, target, capaian) -> None:  # type: ignore[no-untyped-def]
    given_reals = [None if r is None else F(r) for r in reals]
    basis = period_basis(K, Target(F(4), F(4)), given_reals, TW, index, policy=policy)
    assert basis is not None
    assert (basis.realisasi, basis.target) == (real, Target(F(target), F(target)))
    assert score(basis) == capaian


def test_tetap_compares_with_the_annual_target() -> None:
    basis = period_basis(T, Target(F(90), F(90)), [F(85), None, None, None], TW, 0)
    assert basis is not None and basis.target == Target(F(90), F(90))
    assert score(basis) == F(8500, 90)


def test_range_targets_scale_both_bounds() -> None:
    # 80–120 documents a year, semester scheme: S1 so far 50 against 40–60 → inside → 100.
    basis = period_basis(K, Target(F(80), F(120)), [F(50), None], [6, 6], 0)
    assert basis is not None and basis.target == Target(F(40), F(60)) and score(basis) == 100


@pytest.mark.parametrize(
    ("sifat", "policy", "index", "real", "target"),
    [
        (K, CapaianPeriodikPolicy(), 1, 1, 2),  # per period: TW2's own 1 against 2
        (K, YTD, 1, 1, 2),  # year to date: 0 + 1 against 2
        (K, YTD, 2, 2, 1),
        (T, YTD, 2, 1, 1),  # a tetap IKI never sums
    ],
)
def test_period_targets(sifat, policy, index, real, target) -> None:  # type: ignore[no-untyped-def]
    reals = [F(0), F(1), F(1), None]
    targets = [F(0), F(2), F(1), F(1)]
    basis = period_basis(sifat, Target(F(4), F(4)), reals, TW, index, targets[index], policy=policy)
    assert basis is not None and (basis.realisasi, basis.target.low) == (real, target)


def test_a_period_target_of_zero_is_refused_like_any_target_zero() -> None:
    basis = period_basis(K, Target(F(4), F(4)), [F(0), None, None, None], TW, 0, F(0))
    assert basis is not None
    with pytest.raises(RuleError) as info:
        score(basis)
    assert info.value.code == "target-nol"


def test_no_realisasi_no_basis() -> None:
    assert period_basis(K, Target(F(4), F(4)), [F(1), None, None, None], TW, 1) is None


def test_blank_sifat_follows_the_policy() -> None:
    reals = [F(1), None, None, None]
    tetap = period_basis(None, Target(F(4), F(4)), reals, TW, 0)
    kum = period_basis(
        None, Target(F(4), F(4)), reals, TW, 0, policy=CapaianPeriodikPolicy(sifat_kosong=K)
    )
    assert tetap is not None and tetap.target.low == 4  # the default: as version-1 workbooks
    assert kum is not None and kum.target.low == 1


def test_monthly_scheme_prorates_by_months() -> None:
    months = [p.months for p in periods(Scheme.BULANAN) if not p.is_annual]
    reals: list[Fraction | None] = [F(1)] * 5 + [None] * 7
    basis = period_basis(K, Target(F(12), F(12)), reals, months, 4)
    assert basis is not None and (basis.realisasi, basis.target.low) == (5, 5)


@pytest.mark.parametrize(
    ("sifat", "entered", "policy", "expected"),
    [
        (K, None, CapaianPeriodikPolicy(), 4),
        (K, F(5), CapaianPeriodikPolicy(), 5),  # an entered value wins (and is warned about)
        (K, None, CapaianPeriodikPolicy(realisasi_tahunan=TahunanKumulatif.ISIAN), None),
        (T, None, CapaianPeriodikPolicy(), None),
        (T, F(88), CapaianPeriodikPolicy(), 88),
    ],
)
def test_annual_realisasi(sifat, entered, policy, expected) -> None:  # type: ignore[no-untyped-def]
    reals = [F(1), F(1), F(0), F(2)]
    assert annual_realisasi(sifat, entered, reals, policy) == expected


def test_annual_of_a_kumulatif_iki_with_no_period_realisasi_is_unknown() -> None:
    assert annual_realisasi(K, None, [None, None, None, None]) is None


def test_annual_sum_differs() -> None:
    reals = [F(1), F(1), F(0), F(2), F(5)]  # the annual cell last
    assert annual_sum_differs(K, F(5), reals) == 4
    assert annual_sum_differs(K, F(4), [F(1), F(1), F(0), F(2), F(4)]) is None
    assert annual_sum_differs(T, F(5), reals) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Kumulatif", K), (" kumulatif ", K), ("TETAP", T), ("non-kumulatif", T), ("", None)],
)
def test_parse_sifat(text: str, expected: Sifat | None) -> None:
    assert parse_sifat(text) is expected


def test_parse_sifat_refuses_unknown_words() -> None:
    with pytest.raises(RuleError) as info:
        parse_sifat("bulanan")
    assert info.value.code == "sifat-tidak-dikenal"


# --- properties -----------------------------------------------------------------------------

schemes = st.sampled_from([[3, 3, 3, 3], [6, 6], [1] * 12])
amounts = st.fractions(min_value=0, max_value=1000, max_denominator=100)
policies = st.builds(
    CapaianPeriodikPolicy,
    st.sampled_from(list(Sifat)),
    st.sampled_from(list(PeriodReading)),
    st.sampled_from(list(PeriodReading)),
    st.sampled_from(list(TahunanKumulatif)),
)


@given(schemes, st.fractions(min_value=F(1, 100), max_value=1000, max_denominator=100), policies)
def test_a_kumulatif_iki_exactly_on_plan_scores_100_every_period(months, annual, policy) -> None:  # type: ignore[no-untyped-def]
    """Realisasi each period = the annual target × the period's months / 12."""
    reals = [annual * m / 12 for m in months]
    for index in range(len(months)):
        basis = period_basis(K, Target(annual, annual), reals, months, index, policy=policy)
        assert basis is not None and score(basis) == 100
    total = annual_realisasi(K, None, reals, policy)
    if policy.realisasi_tahunan is TahunanKumulatif.JUMLAH:
        assert total == annual


@given(
    schemes,
    st.data(),
    st.sampled_from([K, T, None]),
    policies,
    st.fractions(min_value=F(1, 10), max_value=1000, max_denominator=10),
    st.one_of(st.none(), st.fractions(min_value=F(1, 10), max_value=100, max_denominator=10)),
)
def test_periodic_capaian_is_monotone_in_realisasi(
    months, data, sifat, policy, annual, period_target
) -> None:  # type: ignore[no-untyped-def]
    index = data.draw(st.integers(0, len(months) - 1))
    reals = [data.draw(st.one_of(st.none(), amounts)) for _ in months]
    low = data.draw(amounts)
    more = low + data.draw(amounts)
    scores = []
    for own in (low, more):
        reals[index] = own
        basis = period_basis(
            sifat, Target(annual, annual), reals, months, index, period_target, policy
        )
        assert basis is not None
        scores.append(score(basis))
    assert scores[0] <= scores[1]
