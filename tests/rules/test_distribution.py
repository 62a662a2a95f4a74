"""The distribution check of SE MenPANRB 3/2023 (domain.md §2.9, [V:S1])."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.problems import Severity
from sheetnilai.rules.distribution import check_distribution, count_predikat
from sheetnilai.rules.labels import OrgPredikat, Predikat
from sheetnilai.rules.policy import DistribusiPolicy, DistributionRounding

SB, B, BP, K, SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)
O = OrgPredikat  # noqa: E741


def codes(org: OrgPredikat, counts: dict[Predikat, int], **policy: object) -> list[str]:
    result = check_distribution(org, counts, DistribusiPolicy(**policy))  # type: ignore[arg-type]
    return [f.code for f in result.findings]


# Each limit at, just under and just over it, on a unit of 10 (or 100 for 71%).
@pytest.mark.parametrize(
    ("org", "counts", "expected"),
    [
        # Istimewa: Sangat Baik at most 70% and the largest group.
        pytest.param(O.ISTIMEWA, {SB: 7, B: 3}, [], id="S1-istimewa-sb-70-pas"),
        pytest.param(O.ISTIMEWA, {SB: 6, B: 4}, [], id="S1-istimewa-sb-60-di-bawah"),
        pytest.param(
            O.ISTIMEWA, {SB: 8, B: 2}, ["distribusi-melebihi-batas"], id="S1-istimewa-sb-80"
        ),
        pytest.param(
            O.ISTIMEWA, {SB: 71, B: 29}, ["distribusi-melebihi-batas"], id="S1-istimewa-71-persen"
        ),
        pytest.param(
            O.ISTIMEWA,
            {SB: 3, B: 4, BP: 3},
            ["distribusi-bukan-terbanyak"],
            id="S1-istimewa-bukan-terbanyak",
        ),
        pytest.param(O.ISTIMEWA, {SB: 4, B: 4, BP: 2}, [], id="S1-istimewa-seri-boleh"),
        # Baik: Baik at most 70%, the largest group, and some Butuh Perbaikan and/or Kurang.
        pytest.param(O.BAIK, {B: 7, BP: 1, SB: 2}, [], id="S1-baik-70-pas"),
        pytest.param(O.BAIK, {B: 6, K: 1, SB: 3}, [], id="S1-baik-60"),
        pytest.param(O.BAIK, {B: 8, BP: 1, SB: 1}, ["distribusi-melebihi-batas"], id="S1-baik-80"),
        pytest.param(
            O.BAIK, {B: 71, BP: 29}, ["distribusi-melebihi-batas"], id="S1-baik-71-persen"
        ),
        pytest.param(O.BAIK, {B: 7, SB: 3}, ["distribusi-wajib-ada"], id="S1-baik-tanpa-bp-kurang"),
        pytest.param(
            O.BAIK, {B: 3, SB: 5, BP: 2}, ["distribusi-bukan-terbanyak"], id="S1-baik-sb-terbanyak"
        ),
        # Butuh Perbaikan: at least 60% Butuh Perbaikan, Sangat Baik at most 10%.
        pytest.param(O.BUTUH_PERBAIKAN, {BP: 6, B: 3, SB: 1}, [], id="S1-bp-60-pas-sb-10-pas"),
        pytest.param(O.BUTUH_PERBAIKAN, {BP: 7, B: 3}, [], id="S1-bp-70"),
        pytest.param(
            O.BUTUH_PERBAIKAN, {BP: 5, B: 5}, ["distribusi-kurang-dari-minimum"], id="S1-bp-50"
        ),
        pytest.param(
            O.BUTUH_PERBAIKAN, {BP: 6, B: 2, SB: 2}, ["distribusi-melebihi-batas"], id="S1-bp-sb-20"
        ),
        # Kurang: at least 60% Kurang, at least 10% Butuh Perbaikan, Sangat Baik at most 10%.
        pytest.param(O.KURANG, {K: 6, BP: 1, SB: 1, B: 2}, [], id="S1-kurang-semua-pas"),
        pytest.param(
            O.KURANG, {K: 5, BP: 3, B: 2}, ["distribusi-kurang-dari-minimum"], id="S1-kurang-50"
        ),
        pytest.param(
            O.KURANG, {K: 7, B: 3}, ["distribusi-kurang-dari-minimum"], id="S1-kurang-bp-0"
        ),
        pytest.param(
            O.KURANG, {K: 6, BP: 2, SB: 2}, ["distribusi-melebihi-batas"], id="S1-kurang-sb-20"
        ),
        # Sangat Kurang: at least 60% Sangat Kurang, 10% Kurang and/or BP, no Sangat Baik.
        pytest.param(O.SANGAT_KURANG, {SK: 6, K: 1, B: 3}, [], id="S1-sk-pas"),
        pytest.param(O.SANGAT_KURANG, {SK: 6, BP: 1, B: 3}, [], id="S1-sk-bp-cukup"),
        pytest.param(
            O.SANGAT_KURANG, {SK: 5, K: 5}, ["distribusi-kurang-dari-minimum"], id="S1-sk-50"
        ),
        pytest.param(
            O.SANGAT_KURANG,
            {SK: 9, B: 1},
            ["distribusi-kurang-dari-minimum"],
            id="S1-sk-tanpa-k-bp",
        ),
        pytest.param(
            O.SANGAT_KURANG, {SK: 6, K: 3, SB: 1}, ["distribusi-dilarang"], id="S1-sk-ada-sb"
        ),
    ],
)
def test_each_rule_at_under_and_over_its_limit(
    org: OrgPredikat, counts: dict[Predikat, int], expected: list[str]
) -> None:
    assert codes(org, counts) == expected


def test_finding_carries_share_limit_and_sentence() -> None:
    result = check_distribution(O.BAIK, {B: 8, BP: 1, SB: 1})
    (finding,) = result.findings
    assert finding.share == Fraction(8, 10)
    assert finding.limit == Fraction(70, 100)
    assert (finding.count, finding.total) == (8, 10)
    assert (
        finding.sentence == "Baik 80% (8 dari 10 pegawai) > batas 70% (predikat organisasi Baik)."
    )
    assert finding.problem.severity is Severity.PERINGATAN
    assert result.status == "Tidak sesuai"


def test_kurang_minimum_sentence_uses_indonesian_decimal_comma() -> None:
    result = check_distribution(O.KURANG, {K: 2, BP: 1})
    assert [f.sentence for f in result.findings] == []  # 66,67% ≥ 60% and 33,33% ≥ 10%
    result = check_distribution(O.KURANG, {K: 1, BP: 2})
    assert result.findings[0].sentence.startswith(
        "Kurang/Misconduct 33,33% (1 dari 3 pegawai) < minimum 60%"
    )


def test_empty_unit_cannot_be_checked() -> None:
    result = check_distribution(O.BAIK, {})
    assert result.findings == () and result.status == "Belum ada data" and not result.ok


def test_headcount_policy_rounds_the_allowed_number_for_small_units() -> None:
    # 3 of 4 Baik is 75% (> 70%), but 70% of 4 = 2.8 pegawai rounds to 3 allowed.
    assert codes(O.BAIK, {B: 3, BP: 1}) == ["distribusi-melebihi-batas"]
    assert codes(O.BAIK, {B: 3, BP: 1}, pembulatan=DistributionRounding.HEADCOUNT) == []
    # 60% of 4 = 2.4 → 2 required: 2 Butuh Perbaikan of 4 (50%) passes only by head-count.
    assert codes(O.BUTUH_PERBAIKAN, {BP: 2, B: 2}) == ["distribusi-kurang-dari-minimum"]
    assert codes(O.BUTUH_PERBAIKAN, {BP: 2, B: 2}, pembulatan=DistributionRounding.HEADCOUNT) == []
    # 4 of 5 = 80% > 70%; 70% of 5 = 3.5 rounds half up to 4 allowed.
    assert codes(O.BAIK, {B: 4, K: 1}, pembulatan=DistributionRounding.HEADCOUNT) == []
    result = check_distribution(
        O.BAIK, {B: 5, K: 1}, DistribusiPolicy(pembulatan=DistributionRounding.HEADCOUNT)
    )
    assert result.findings[0].sentence == (
        "Baik 83,33% (5 dari 6 pegawai) > batas 4 pegawai (70% dari 6) (predikat organisasi Baik)."
    )


def test_policy_switches() -> None:
    assert codes(O.BAIK, {B: 3, SB: 5, BP: 2}, kelompok_terbesar=False) == []
    result = check_distribution(O.BAIK, {B: 9, BP: 1}, DistribusiPolicy(tingkat=Severity.GALAT))
    assert result.findings[0].problem.severity is Severity.GALAT


predikat_lists = st.lists(st.sampled_from(list(Predikat)), min_size=1, max_size=40)


@given(st.sampled_from(list(OrgPredikat)), predikat_lists, st.randoms(use_true_random=False))
def test_never_depends_on_the_order_of_employees(
    org: OrgPredikat, people: list[Predikat], rnd
) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(people)
    rnd.shuffle(shuffled)
    a = check_distribution(org, count_predikat(people))
    b = check_distribution(org, count_predikat(shuffled))
    assert [(f.code, f.sentence) for f in a.findings] == [(f.code, f.sentence) for f in b.findings]


@given(st.sampled_from(list(OrgPredikat)), predikat_lists)
def test_exact_shares_agree_with_integer_arithmetic(
    org: OrgPredikat, people: list[Predikat]
) -> None:
    # Independent restatement in integers: count*100 against limit*total.
    counts = count_predikat(people)
    n = len(people)
    over70 = {p: counts[p] * 100 > 70 * n for p in Predikat}
    result = check_distribution(org, counts)
    maxed = {f.groups for f in result.findings if f.code == "distribusi-melebihi-batas"}
    if org is O.ISTIMEWA:
        assert ((SB,) in maxed) == over70[SB]
    if org is O.BAIK:
        assert ((B,) in maxed) == over70[B]
