"""PP 30/2019 numeric rules (domain.md §5): weights, the 120 cap, predikat bands."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.policy import Pp30Policy, Pp30Weights
from sheetnilai.rules.pp30 import batasi_realisasi, nilai_akhir, predikat_pp30

W60_40 = Pp30Policy(bobot=Pp30Weights.W60_40)

# --- weights (Ps. 41(2)–(4)) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("skp", "perilaku", "policy", "expected"),
    [
        # 0,7 × 100 + 0,3 × 90 = 70 + 27 = 97
        pytest.param(100, 90, Pp30Policy(), 97, id="S8-70-30-97"),
        # 0,6 × 100 + 0,4 × 90 = 60 + 36 = 96
        pytest.param(100, 90, W60_40, 96, id="S8-60-40-96"),
        # 0,7 × 85,5 + 0,3 × 80 = 59,85 + 24 = 83,85
        pytest.param("85,5", 80, Pp30Policy(), Fraction("83.85"), id="S8-70-30-desimal"),
        # 0,6 × 85,5 + 0,4 × 80 = 51,3 + 32 = 83,3
        pytest.param("85,5", 80, W60_40, Fraction("83.3"), id="S8-60-40-desimal"),
    ],
)
def test_nilai_akhir_weights(
    skp: object, perilaku: object, policy: Pp30Policy, expected: Fraction | int
) -> None:
    hasil = nilai_akhir(skp, perilaku, policy)
    assert isinstance(hasil, Fraction)
    assert hasil == expected


def test_nilai_akhir_default_policy_is_70_30() -> None:
    assert nilai_akhir(100, 90) == 97


def test_nilai_akhir_exact_at_band_edge() -> None:
    # 0,7 × 96 + 0,3 × 76 = 67,2 + 22,8 = 90 exactly → Baik; binary floats give
    # 89.99999999999999 and would say Cukup.
    assert 0.7 * 96 + 0.3 * 76 < 90
    assert nilai_akhir(96, 76) == 90
    assert predikat_pp30(nilai_akhir(96, 76)) == "Baik"


# --- the cap (S9) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("skp", "expected"),
    [
        pytest.param(130, 120, id="S9-130-jadi-120"),
        pytest.param("120,01", 120, id="S9-120.01-jadi-120"),
        pytest.param(120, 120, id="S9-120-tetap"),
        pytest.param("119,5", Fraction(239, 2), id="S9-119.5-tetap"),
        pytest.param(0, 0, id="S9-0-tetap"),
    ],
)
def test_batasi_realisasi(skp: object, expected: Fraction | int) -> None:
    assert batasi_realisasi(skp) == expected


def test_cap_applies_before_weighting() -> None:
    # SKP 130 → 120: 0,7 × 120 + 0,3 × 100 = 84 + 30 = 114 (not 0,7 × 130 + 30 = 121)
    assert nilai_akhir(130, 100) == 114
    # 60/40: 0,6 × 120 + 0,4 × 100 = 72 + 40 = 112
    assert nilai_akhir(130, 100, W60_40) == 112


def test_cap_from_policy() -> None:
    policy = Pp30Policy(batas_realisasi=Fraction(110))
    assert batasi_realisasi(115, policy) == 110
    # 0,7 × 110 + 0,3 × 100 = 77 + 30 = 107
    assert nilai_akhir(115, 100, policy) == 107


def test_perilaku_is_not_capped() -> None:
    # The cap concerns SKP realisation: 0,7 × 100 + 0,3 × 130 = 70 + 39 = 109.
    assert nilai_akhir(100, 130) == 109


@pytest.mark.parametrize(
    ("skp", "perilaku", "code", "field"),
    [
        (-1, 90, "angka-negatif", "Nilai SKP"),
        (90, "-0,5", "angka-negatif", "Nilai perilaku kerja"),
        ("abc", 90, "angka-tidak-sah", "Nilai SKP"),
        (90, float("nan"), "angka-tidak-sah", "Nilai perilaku kerja"),
        (None, 90, "angka-kosong", "Nilai SKP"),
    ],
)
def test_nilai_akhir_errors(skp: object, perilaku: object, code: str, field: str) -> None:
    with pytest.raises(RuleError) as exc:
        nilai_akhir(skp, perilaku)
    assert exc.value.code == code
    assert exc.value.params["field"] == field


# --- predikat (Ps. 41(5)) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("nilai", "inovasi", "label"),
    [
        pytest.param(120, True, "Sangat Baik", id="S8-120-inovasi-sangat-baik"),
        pytest.param(110, True, "Sangat Baik", id="S8-110-inovasi-sangat-baik"),
        pytest.param("115,5", True, "Sangat Baik", id="S8-115.5-inovasi-sangat-baik"),
        pytest.param("109,99", True, "Baik", id="S8-109.99-inovasi-baik"),
        # Outside 110–120 the innovation does not make Sangat Baik (literal Ps. 41(5)a).
        pytest.param("120,01", True, "Baik", id="S8-120.01-inovasi-baik"),
        pytest.param(95, True, "Baik", id="S8-95-inovasi-baik"),
        # The overlap: ≥ 110 without innovation is Baik.
        pytest.param(120, False, "Baik", id="S8-120-tanpa-inovasi-baik"),
        pytest.param(110, False, "Baik", id="S8-110-tanpa-inovasi-baik"),
        pytest.param(90, False, "Baik", id="S8-90-baik"),
        pytest.param("89,99", False, "Cukup", id="S8-89.99-cukup"),
        pytest.param(70, False, "Cukup", id="S8-70-cukup"),
        pytest.param(69.99, False, "Kurang", id="M-69.99-kurang"),
        pytest.param(50, False, "Kurang", id="M-50-kurang"),
        pytest.param(49.99, False, "Sangat Kurang", id="M-49.99-sangat-kurang"),
        pytest.param(0, False, "Sangat Kurang", id="M-0-sangat-kurang"),
        pytest.param(Fraction(90) - Fraction(1, 10**12), False, "Cukup", id="S8-hampir-90"),
    ],
)
def test_predikat_pp30_band_edges(nilai: object, inovasi: bool, label: str) -> None:
    assert predikat_pp30(nilai, inovasi=inovasi) == label


def test_predikat_pp30_default_without_inovasi() -> None:
    assert predikat_pp30(115) == "Baik"


@pytest.mark.parametrize(
    ("nilai", "code"),
    [(-1, "angka-negatif"), ("abc", "angka-tidak-sah"), (None, "angka-kosong")],
)
def test_predikat_pp30_errors(nilai: object, code: str) -> None:
    with pytest.raises(RuleError) as exc:
        predikat_pp30(nilai)
    assert exc.value.code == code
    assert exc.value.params["field"] == "Nilai akhir"


# --- properties ---------------------------------------------------------------------------

_NILAI = st.fractions(min_value=0, max_value=200, max_denominator=10**6)


@given(_NILAI, _NILAI)
def test_nilai_akhir_between_inputs_after_cap(skp: Fraction, perilaku: Fraction) -> None:
    for policy in (Pp30Policy(), W60_40):
        hasil = nilai_akhir(skp, perilaku, policy)
        capped = min(skp, Fraction(120))
        assert min(capped, perilaku) <= hasil <= max(capped, perilaku)


@given(_NILAI, st.booleans())
def test_predikat_never_sangat_baik_without_inovasi(nilai: Fraction, inovasi: bool) -> None:
    label = predikat_pp30(nilai, inovasi=inovasi)
    if not inovasi:
        assert label != "Sangat Baik"
    if label == "Sangat Baik":
        assert 110 <= nilai <= 120
