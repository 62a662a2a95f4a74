"""Capaian IKI (PermenPANRB 8/2021, domain.md §3) and the suggested rating (§2.7)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sheetnilai.rules.capaian import (
    Arah,
    Target,
    capaian_iki,
    capaian_persen,
    nilai_capaian,
    parse_arah,
    parse_target,
    saran_rating,
)
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Rating
from sheetnilai.rules.policy import CapaianPolicy, SaranRatingPolicy, SuggestionMethod

F = Fraction


def test_worked_example_s10_target_95_realisasi_93_scores_88() -> None:
    # [V:S10 p.101] 93/95 = 97.89% → 98% → Cukup → 70 + 19/19 × (98 − 80) = 88.
    result = capaian_iki(93, 95)
    assert result.exact == F(9300, 95)
    assert result.persen == 98
    assert result.nilai == 88
    assert result.kategori == "Cukup"


def test_rounding_before_interpolation_is_a_policy() -> None:
    # Without rounding: 70 + (9300/95 − 80) = 88.947…, category still Cukup.
    result = capaian_iki(93, 95, policy=CapaianPolicy(desimal=None))
    assert result.persen == F(9300, 95)
    assert result.nilai == 70 + F(9300, 95) - 80


@pytest.mark.parametrize(
    ("realisasi", "target", "arah", "expected"),
    [
        pytest.param(93, 95, Arah.NAIK, F(9300, 95), id="S10-naik"),
        pytest.param(
            3, 4, Arah.TURUN, F(125), id="S10-turun-3-kasus-dari-4"
        ),  # (1 + (1 − 3/4)) × 100
        pytest.param(5, 4, Arah.TURUN, F(75), id="S10-turun-lebih-buruk"),
        pytest.param(24, 30, Arah.TURUN, F(120), id="S10-turun-waktu-tunggu"),
        pytest.param(85, "80-90", Arah.NAIK, F(100), id="S10-rentang-di-dalam"),
        pytest.param(
            99, "80 - 90", Arah.NAIK, F(110), id="S10-rentang-di-atas-pakai-batas-atas"
        ),  # 99/90
        pytest.param(
            72, "80 s.d. 90", Arah.NAIK, F(90), id="S10-rentang-di-bawah-pakai-batas-bawah"
        ),  # 72/80
        pytest.param(99, "80–90", Arah.TURUN, F(90), id="S10-rentang-turun-di-atas"),  # 2 − 99/90
        pytest.param("88,5", 100, Arah.NAIK, F(885, 10), id="teks-koma-desimal"),
    ],
)
def test_capaian_formulas(
    realisasi: object, target: object, arah: Arah, expected: Fraction
) -> None:
    assert capaian_persen(realisasi, target, arah) == expected


def test_floats_are_taken_as_typed() -> None:
    # A reader hands 9.12 as a binary float; its repr is what the user typed.
    assert capaian_persen(9.12, 12) == F(76)
    assert capaian_persen(0.1 + 0.2, 0.3) != 100  # repr is 0.30000000000000004, kept as is


@pytest.mark.parametrize(
    ("persen", "nilai", "kategori"),
    [
        (F(111), F(120), "Sangat Baik"),  # > 110% → 120 [V:S10]
        (F(110), F(120), "Sangat Baik"),  # 110 + 10/9 × 9
        (F(101), F(110), "Sangat Baik"),
        (F(100), F(109), "Baik"),  # [V:S10 p.363 example]
        (F(99), F(89), "Cukup"),  # 70 + (99 − 80)
        (F(80), F(70), "Cukup"),
        (F(79), F(69), "Kurang"),  # 50 + (79 − 60)
        (F(60), F(50), "Kurang"),
        (F(59), F(49), "Sangat Kurang"),  # 59/59 × 49
        (F(0), F(0), "Sangat Kurang"),
    ],
)
def test_nilai_capaian_band_edges(persen: Fraction, nilai: Fraction, kategori: str) -> None:
    assert nilai_capaian(persen) == (nilai, kategori)


def test_target_maksimal_at_100_counts_as_120() -> None:
    assert nilai_capaian(F(100), target_maksimal=True) == (F(120), "Sangat Baik")


def test_cap_120_and_floor_0() -> None:
    assert capaian_iki(200, 100).persen == 120  # [V:S9] capped
    assert capaian_iki(200, 100).exact == 200
    assert capaian_iki(300, 100, Arah.TURUN).persen == 0  # 2 − 3 = −100% floored at 0
    assert capaian_iki(150, 100, policy=CapaianPolicy(batas_atas=F(130))).persen == 130


@pytest.mark.parametrize(
    ("realisasi", "target", "code"),
    [
        (5, 0, "target-nol"),
        (0, 0, "target-nol"),
        (None, 10, "angka-kosong"),
        ("", 10, "angka-kosong"),
        ("selesai", 10, "angka-tidak-sah"),
        (float("nan"), 10, "angka-tidak-sah"),
        (float("inf"), 10, "angka-tidak-sah"),
        (True, 10, "angka-tidak-sah"),
        (-1, 10, "angka-negatif"),
        (5, -10, "angka-negatif"),
        (5, "90-80", "rentang-terbalik"),
        (5, "1.000", "angka-tidak-sah"),  # thousand or one? refuse to guess
        (5, None, "angka-kosong"),
    ],
)
def test_bad_input_is_a_typed_problem(realisasi: object, target: object, code: str) -> None:
    with pytest.raises(RuleError) as info:
        capaian_iki(realisasi, target)
    assert info.value.code == code
    assert type(info.value) is RuleError
    problem = info.value.to_problem(file="unit.xlsx", sheet="SKP 01", cell="H12")
    assert problem.code == code and problem.place == "unit.xlsx › SKP 01!H12"
    assert "…" not in problem.message  # every placeholder filled


def test_parse_target_forms() -> None:
    assert parse_target(95) == Target(F(95), F(95))
    assert parse_target("80-90") == Target(F(80), F(90))
    assert parse_target(80, 90) == Target(F(80), F(90))
    assert parse_target("12,5") == Target(F(25, 2), F(25, 2))
    assert parse_target("80 sampai dengan 90").is_range


@pytest.mark.parametrize(
    ("text", "arah"),
    [
        ("Semakin tinggi semakin baik", Arah.NAIK),
        ("naik", Arah.NAIK),
        ("MAKSIMAL", Arah.NAIK),
        ("Semakin rendah semakin baik", Arah.TURUN),
        ("turun", Arah.TURUN),
        ("minimal", Arah.TURUN),
    ],
)
def test_parse_arah(text: str, arah: Arah) -> None:
    assert parse_arah(text) is arah


def test_parse_arah_unknown() -> None:
    with pytest.raises(RuleError) as info:
        parse_arah("sedang")
    assert info.value.code == "arah-tidak-dikenal" and '"sedang"' in info.value.message


positive = st.decimals(min_value="0.01", max_value="100000", places=2, allow_nan=False)


@given(positive, positive, positive)
def test_capaian_is_monotone_in_realisasi(target, r1, r2) -> None:  # type: ignore[no-untyped-def]
    assume(r1 <= r2)
    up1, up2 = capaian_persen(r1, target, Arah.NAIK), capaian_persen(r2, target, Arah.NAIK)
    down1, down2 = capaian_persen(r1, target, Arah.TURUN), capaian_persen(r2, target, Arah.TURUN)
    assert up1 <= up2 and down1 >= down2
    shown = [capaian_iki(r, target, a).persen for r in (r1, r2) for a in (Arah.NAIK, Arah.TURUN)]
    assert shown[0] <= shown[2] and shown[1] >= shown[3]
    assert all(0 <= s <= 120 for s in shown)


@given(st.decimals(min_value=0, max_value=130, places=2))
def test_nilai_is_monotone_in_capaian(c) -> None:  # type: ignore[no-untyped-def]
    lower = nilai_capaian(F(c))[0]
    assert nilai_capaian(F(c) + F(1, 100))[0] >= lower
    assert 0 <= lower <= 120


@given(positive, positive, positive)
def test_range_capaian_is_monotone(low, high, r) -> None:  # type: ignore[no-untyped-def]
    assume(low < high)
    tgt = parse_target(low, high)
    assert capaian_persen(r, tgt) <= capaian_persen(r + 1, tgt)


# Suggested rating: a suggestion only (domain.md §2.7 [D]).
@pytest.mark.parametrize(
    ("capaian", "expected"),
    [
        ([F(101)], Rating.DI_ATAS),
        ([F(100), F(102)], Rating.DI_ATAS),  # mean 101, at the threshold
        ([F(100), F(101)], Rating.SESUAI),  # mean 100.5
        ([F(100)], Rating.SESUAI),
        ([F(99), F(101)], Rating.SESUAI),  # mean exactly 100
        ([F(98), F(101)], Rating.DI_BAWAH),  # mean 99.5
        ([F(120), F(60)], Rating.DI_BAWAH),  # mean 90
        ([None, F(100)], Rating.SESUAI),  # qualitative IKI are left out
    ],
)
def test_suggested_rating_mean(capaian: list[Fraction | None], expected: Rating) -> None:
    assert saran_rating(capaian) is expected


def test_suggested_rating_lowest_and_off() -> None:
    lowest = SaranRatingPolicy(metode=SuggestionMethod.LOWEST)
    assert saran_rating([F(120), F(99)], lowest) is Rating.DI_BAWAH
    assert saran_rating([F(120), F(99)]) is Rating.DI_ATAS
    assert saran_rating([F(120)], SaranRatingPolicy(aktif=False)) is None
    assert saran_rating([None, None]) is None
    assert saran_rating([]) is None
