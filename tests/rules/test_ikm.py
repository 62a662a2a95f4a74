"""IKM (PermenPANRB 14/2017, domain.md §6): golden values, mutu edges, error codes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.ikm import (
    UNSUR,
    IkmResult,
    ikm,
    ikm_from_respondents,
    jawaban,
    mutu_pelayanan,
)
from sheetnilai.rules.policy import IkmPolicy, IkmWeight

NINTH = IkmPolicy(IkmWeight.NINTH)
PRINTED = IkmPolicy(IkmWeight.PRINTED)


def test_unsur_names_in_domain_order() -> None:
    assert len(UNSUR) == 9
    assert UNSUR[0] == "Persyaratan"
    assert UNSUR[3] == "Biaya/Tarif"
    assert UNSUR[8] == "Sarana dan Prasarana"


# --- golden values ------------------------------------------------------------------------


def test_all_fours_ninth() -> None:
    # [V:S15] NRR = 4 each; 9 × 4 × 1/9 = 4; 4 × 25 = 100.
    hasil = ikm_from_respondents([[4] * 9, [4] * 9, [4] * 9])
    assert hasil.nrr == (Fraction(4),) * 9
    assert hasil.nrr_tertimbang == (Fraction(4, 9),) * 9
    assert hasil.ikm == 4
    assert hasil.konversi == 100
    assert hasil.konversi_tampil == Decimal("100.00")
    assert (hasil.mutu, hasil.kinerja) == ("A", "Sangat Baik")
    assert hasil.responden == 3


def test_all_fours_printed_weight() -> None:
    # [V:S15 pitfall] 9 × 4 × 0.11 = 3.96; 3.96 × 25 = 99 (never 100 with 0.11).
    hasil = ikm_from_respondents([[4] * 9], PRINTED)
    assert hasil.nrr_tertimbang == (Fraction(44, 100),) * 9
    assert hasil.ikm == Fraction(396, 100)
    assert hasil.konversi == 99
    assert hasil.konversi_tampil == Decimal("99.00")
    assert hasil.mutu == "A"


def test_all_ones() -> None:
    # 9 × 1 × 1/9 = 1 → konversi 25 → D.
    hasil = ikm_from_respondents([[1] * 9])
    assert (hasil.ikm, hasil.konversi) == (Fraction(1), Fraction(25))
    assert (hasil.mutu, hasil.kinerja) == ("D", "Tidak Baik")


# Four respondents, one column per unsur; one blank in unsur 3 and 9.
MIXED: list[list[object]] = [
    [4, 3, 4, 3],  # U1 14/4 = 7/2
    [3, 3, 3, 3],  # U2 12/4 = 3
    [4, 4, 4, None],  # U3 12/3 = 4 (blank skipped)
    [4, 4, 4, 4],  # U4 16/4 = 4
    [2, 3, 3, 4],  # U5 12/4 = 3
    [3, 4, 4, 3],  # U6 14/4 = 7/2
    [4, 4, 3, 4],  # U7 15/4
    [2, 2, 3, 3],  # U8 10/4 = 5/2
    [3, 3, 4, ""],  # U9 10/3 (blank skipped)
]
MIXED_NRR = tuple(
    Fraction(n, d)
    for n, d in [(7, 2), (3, 1), (4, 1), (4, 1), (3, 1), (7, 2), (15, 4), (5, 2), (10, 3)]
)


def test_mixed_ninth() -> None:
    # Σ NRR = 3.5+3+4+4+3+3.5+3.75+2.5 + 10/3 = 27.25 + 10/3 = 327/12 + 40/12 = 367/12.
    # IKM = 367/12 × 1/9 = 367/108 ≈ 3.3981; konversi = 367/108 × 25 = 9175/108 ≈ 84.9537
    # → 84.95 → B (76.61 ≤ 84.95 < 88.31).
    hasil = ikm(MIXED, NINTH)
    assert hasil.nrr == MIXED_NRR
    assert hasil.nrr_tertimbang[0] == Fraction(7, 18)  # 7/2 × 1/9
    assert hasil.ikm == Fraction(367, 108)
    assert hasil.konversi == Fraction(9175, 108)
    assert hasil.konversi_tampil == Decimal("84.95")
    assert (hasil.mutu, hasil.kinerja) == ("B", "Baik")
    assert hasil.responden == 4


def test_mixed_printed_weight() -> None:
    # IKM = 367/12 × 11/100 = 4037/1200 ≈ 3.3642; konversi = 4037/1200 × 25 = 4037/48
    # ≈ 84.1042 → 84.10 → B.
    hasil = ikm(MIXED, PRINTED)
    assert hasil.nrr == MIXED_NRR
    assert hasil.nrr_tertimbang[0] == Fraction(77, 200)  # 7/2 × 11/100
    assert hasil.ikm == Fraction(4037, 1200)
    assert hasil.konversi == Fraction(4037, 48)
    assert hasil.konversi_tampil == Decimal("84.10")
    assert hasil.mutu == "B"


def test_default_policy_is_ninth() -> None:
    assert ikm(MIXED) == ikm(MIXED, NINTH)


def test_weight_changes_mutu() -> None:
    # Σ NRR = 5 × 4 + 4 × 3 = 32. 1/9: 32/9 × 25 = 800/9 ≈ 88.89 → A.
    # 0.11: 32 × 0.11 × 25 = 88.00 → B. The domain.md pitfall decides the grade here.
    row: list[object] = [4, 4, 4, 4, 4, 3, 3, 3, 3]
    a = ikm_from_respondents([row], NINTH)
    b = ikm_from_respondents([row], PRINTED)
    assert (a.konversi, a.konversi_tampil, a.mutu) == (Fraction(800, 9), Decimal("88.89"), "A")
    assert (b.konversi, b.konversi_tampil, b.mutu) == (Fraction(88), Decimal("88.00"), "B")


def test_from_respondents_equals_columns() -> None:
    rows = [[col[r] for col in MIXED] for r in range(4)]
    assert ikm_from_respondents(rows) == ikm(MIXED)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(3, id="int"),
        pytest.param(3.0, id="float-bulat"),
        pytest.param("3", id="teks"),
        pytest.param(" 3 ", id="teks-spasi"),
        pytest.param("3,0", id="teks-koma"),
        pytest.param(Decimal("3"), id="decimal"),
        pytest.param(Fraction(3), id="fraction"),
    ],
)
def test_answer_forms(answer: object) -> None:
    hasil = ikm([[answer]] * 9)
    assert hasil.ikm == 3
    assert hasil.konversi == 75


def test_blank_answers_skipped() -> None:
    # U1 answers 4, _, 2, _ → 6/2 = 3; every other unsur 4. Σ = 3 + 8 × 4 = 35 → 35/9.
    blanks: list[object] = [4, None, 2, "  "]
    columns: list[Sequence[object]] = [blanks, *([[4, 4, 4, 4]] * 8)]
    hasil = ikm(columns)
    assert hasil.nrr[0] == 3
    assert hasil.ikm == Fraction(35, 9)
    assert hasil.responden == 4


def test_nan_cell_is_blank() -> None:
    # pandas reads a blank cell as NaN: U1 = (4 + 2)/2 = 3, others 4 → 35/9.
    columns: list[Sequence[object]] = [[4, float("nan"), 2], *([[4]] * 8)]
    assert ikm(columns).ikm == Fraction(35, 9)


def test_fully_blank_respondent_not_counted() -> None:
    rows: list[list[object]] = [[4] * 9, [None] * 9, [""] * 9, [3] * 9]
    hasil = ikm_from_respondents(rows)
    assert hasil.responden == 2
    assert hasil.ikm == Fraction(7, 2)  # each NRR (4 + 3)/2


def test_columns_of_different_length() -> None:
    # A reader trimmed trailing blanks: U2 has two answers, the others three.
    columns: list[Sequence[object]] = [[4, 4, 1], [4, 4], *([[4, 4, 4]] * 7)]
    hasil = ikm(columns)
    assert hasil.nrr[0] == 3  # 9/3
    assert hasil.responden == 3


# --- mutu boundaries (domain.md [D]) ------------------------------------------------------


@pytest.mark.parametrize(
    ("konversi", "expected"),
    [
        pytest.param(Fraction("100"), ("A", "Sangat Baik"), id="D-100"),
        pytest.param(Fraction("88.31"), ("A", "Sangat Baik"), id="D-88.31-A"),
        pytest.param(Fraction("88.305"), ("A", "Sangat Baik"), id="D-88.305-naik-A"),
        pytest.param(Fraction("88.3049"), ("B", "Baik"), id="D-88.3049-B"),
        pytest.param(Fraction("88.30"), ("B", "Baik"), id="D-88.30-B"),
        pytest.param(Fraction("76.61"), ("B", "Baik"), id="D-76.61-B"),
        pytest.param(Fraction("76.605"), ("B", "Baik"), id="D-76.605-naik-B"),
        pytest.param(Fraction("76.60"), ("C", "Kurang Baik"), id="D-76.60-C"),
        pytest.param(Fraction("65.00"), ("C", "Kurang Baik"), id="D-65.00-C"),
        pytest.param(Fraction("64.995"), ("C", "Kurang Baik"), id="D-64.995-naik-C"),
        pytest.param(Fraction("64.99"), ("D", "Tidak Baik"), id="D-64.99-D"),
        pytest.param(Fraction("25"), ("D", "Tidak Baik"), id="D-25"),
        # S15 worked example: 1/9 gives 91.48, 0.11 gives 90.56; both A.
        pytest.param(Fraction("91.48"), ("A", "Sangat Baik"), id="S15-91.48"),
        pytest.param(Fraction("90.56"), ("A", "Sangat Baik"), id="S15-90.56"),
    ],
)
def test_mutu_boundaries(konversi: Fraction, expected: tuple[str, str]) -> None:
    assert mutu_pelayanan(konversi) == expected


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 8, 10])
def test_wrong_unsur_count(n: int) -> None:
    with pytest.raises(RuleError) as info:
        ikm([[4]] * n)
    assert info.value.code == "ikm-jumlah-unsur"
    assert info.value.params == {"count": str(n)}


def test_wrong_row_length() -> None:
    with pytest.raises(RuleError) as info:
        ikm_from_respondents([[4] * 9, [4] * 8])
    assert info.value.code == "ikm-jumlah-unsur"
    assert info.value.params == {"count": "8"}


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        pytest.param(5, "5", id="5"),
        pytest.param(0, "0", id="0"),
        pytest.param(-1, "-1", id="negatif"),
        pytest.param(2.5, "2.5", id="pecahan"),
        pytest.param(5.0, "5", id="float-5"),
        pytest.param("3.5", "3.5", id="teks-pecahan"),
        pytest.param("baik", "baik", id="teks"),
        pytest.param(True, "True", id="bool"),
        pytest.param(float("inf"), "inf", id="inf"),
        pytest.param([3], "[3]", id="list"),
    ],
)
def test_invalid_answer(answer: object, shown: str) -> None:
    columns: list[list[object]] = [[4, 4, 4]] * 9
    columns[1] = [4, 4, answer]  # unsur 2, responden 3
    with pytest.raises(RuleError) as info:
        ikm(columns)
    assert info.value.code == "ikm-jawaban-tidak-sah"
    assert info.value.params == {"value": shown, "unsur": "2", "responden": "3"}
    assert "unsur 2" in info.value.message


def test_invalid_answer_from_respondent_rows() -> None:
    rows: list[list[object]] = [[4] * 9, [4] * 9]
    rows[1][6] = 7  # responden 2, unsur 7
    with pytest.raises(RuleError) as info:
        ikm_from_respondents(rows)
    assert info.value.params == {"value": "7", "unsur": "7", "responden": "2"}


def test_empty_unsur() -> None:
    columns: list[list[object]] = [[4, 3]] * 9
    columns[4] = [None, ""]
    with pytest.raises(RuleError) as info:
        ikm(columns)
    assert info.value.code == "ikm-unsur-kosong"
    assert info.value.params == {"unsur": "5"}


def test_no_respondents() -> None:
    with pytest.raises(RuleError) as info:
        ikm_from_respondents([])
    assert (info.value.code, info.value.params) == ("ikm-unsur-kosong", {"unsur": "1"})


def test_result_is_frozen() -> None:
    hasil = ikm(MIXED)
    assert isinstance(hasil, IkmResult)
    with pytest.raises(AttributeError):
        hasil.mutu = "A"  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------

_answer = st.one_of(st.integers(min_value=1, max_value=4), st.none())
_column = st.lists(_answer, min_size=1, max_size=12).filter(
    lambda col: any(a is not None for a in col)
)


@given(st.lists(_column, min_size=9, max_size=9), st.sampled_from([NINTH, PRINTED]))
def test_ikm_in_range(columns: Sequence[Sequence[object]], policy: IkmPolicy) -> None:
    hasil = ikm(columns, policy)
    # 0.11 × 9 = 0.99, so the printed weight stays in [0.99, 3.96] ⊂ [1, 4] scaled by 0.99.
    scale = 9 * policy.bobot.fraction
    assert scale <= hasil.ikm <= 4 * scale
    assert 1 <= hasil.ikm / scale <= 4
    if policy == NINTH:
        assert 1 <= hasil.ikm <= 4
        assert 25 <= hasil.konversi <= 100
    assert all(1 <= x <= 4 for x in hasil.nrr)
    assert (hasil.mutu, hasil.kinerja) == mutu_pelayanan(hasil.konversi)
    assert hasil.konversi == hasil.ikm * 25


_RANK = {"D": 0, "C": 1, "B": 2, "A": 3}
_konversi = st.fractions(min_value=0, max_value=120, max_denominator=100_000)


@given(_konversi, _konversi)
def test_mutu_monotone(a: Fraction, b: Fraction) -> None:
    lo, hi = sorted((a, b))
    assert _RANK[mutu_pelayanan(lo)[0]] <= _RANK[mutu_pelayanan(hi)[0]]


@pytest.mark.parametrize(
    "answer",
    [pytest.param(v, id=f"{type(v).__name__}-{v}") for v in (1, 2, 3, 4, 1.0, 2.0, 3.0, 4.0)]
    + [pytest.param(Fraction(3), id="fraction"), pytest.param("3,0", id="teks-koma")],
)
def test_answer_as_int(answer: object) -> None:
    # An int or float 1–4 takes a short way (rules/ikm.py `_jawaban`); the result is the
    # same int the exact conversion gives.
    got = jawaban(answer)
    assert type(got) is int
    assert got == int(Fraction(str(answer).replace(",", ".")))
