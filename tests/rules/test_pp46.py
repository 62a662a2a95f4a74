"""PP 46/2011 legacy SKP rules (domain.md §4): golden values, band edges, error codes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.policy import BandRounding, Pp46Policy
from sheetnilai.rules.pp46 import (
    ASPEK_PERILAKU,
    Kegiatan,
    aspek_biaya,
    aspek_waktu,
    nilai_kegiatan,
    nilai_kreativitas,
    nilai_perilaku,
    nilai_prestasi_kerja,
    nilai_skp,
    nilai_tugas_tambahan,
    sebutan,
)

# --- aspek waktu / biaya (§4.2) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisasi", "expected"),
    [
        pytest.param(12, 12, 76, id="S12-rw-sama-tw-76"),
        pytest.param(5, 4, 96, id="S12-hemat-20persen-96"),
        pytest.param(1, Fraction(76, 100), 100, id="S12-hemat-24persen-100"),
        # The float trap: 100 − 9.12/12×100 is 24.000000000000014 in binary floats.
        pytest.param(12, 9.12, 100, id="S12-float-trap-9.12-float-100"),
        pytest.param(12, "9,12", 100, id="S12-float-trap-9,12-teks-100"),
        pytest.param("12", "9.12", 100, id="S12-float-trap-9.12-teks-titik-100"),
        pytest.param(1, Decimal("0.70"), 70, id="S14-hemat-30persen-70"),
        pytest.param(1, 0.70, 70, id="S14-hemat-30persen-float-70"),
    ],
)
def test_aspek_waktu_golden(target: object, realisasi: object, expected: int) -> None:
    hasil = aspek_waktu(target, realisasi)
    assert isinstance(hasil, Fraction)
    assert hasil == expected


def test_float_trap_is_real_in_floats() -> None:
    # Documents why Fraction is used: the naive float computation crosses the 24% line.
    assert 100 - 9.12 / 12 * 100 > 24
    assert aspek_waktu(12, 9.12) == 100


def test_aspek_waktu_late_and_penalty_branch() -> None:
    # Late: RW=13, TW=12 → (21.12 − 13)/12 × 100 = 8.12/12 × 100 = 203/3 (≈ 67.67).
    assert aspek_waktu(12, 13) == Fraction(203, 3)
    # Just past 24%: RW=0.75 → x = 101, eff 25 > 24 → 76 − (101 − 100) = 75.
    assert aspek_waktu(1, Fraction(3, 4)) == 75
    # Realisation 0 is 100% "efficiency": 76 − (176 − 100) = 0.
    assert aspek_waktu(1, 0) == 0


def test_aspek_biaya_same_formula_own_field_names() -> None:
    assert aspek_biaya(1_000_000, 760_000) == 100
    assert aspek_biaya("1000000", "1000000") == 76
    with pytest.raises(RuleError) as exc:
        aspek_biaya(0, 5)
    assert exc.value.code == "target-nol"
    assert exc.value.params["field"] == "Target biaya"
    with pytest.raises(RuleError) as exc:
        aspek_biaya(10, -1)
    assert exc.value.code == "angka-negatif"
    assert exc.value.params == {"field": "Realisasi biaya", "value": "-1"}


@pytest.mark.parametrize(
    ("target", "realisasi", "code", "field"),
    [
        pytest.param(0, 5, "target-nol", "Target waktu", id="target-nol"),
        pytest.param("0,0", 5, "target-nol", "Target waktu", id="target-nol-teks"),
        pytest.param(-12, 5, "angka-negatif", "Target waktu", id="target-negatif"),
        pytest.param(12, -1, "angka-negatif", "Realisasi waktu", id="realisasi-negatif"),
        pytest.param("abc", 5, "angka-tidak-sah", "Target waktu", id="teks-abc"),
        pytest.param(12, float("nan"), "angka-tidak-sah", "Realisasi waktu", id="nan"),
        pytest.param(12, float("inf"), "angka-tidak-sah", "Realisasi waktu", id="inf"),
        pytest.param(12, True, "angka-tidak-sah", "Realisasi waktu", id="bool"),
        pytest.param(None, 5, "angka-kosong", "Target waktu", id="none"),
        pytest.param(12, "  ", "angka-kosong", "Realisasi waktu", id="spasi"),
    ],
)
def test_aspek_waktu_errors(target: object, realisasi: object, code: str, field: str) -> None:
    with pytest.raises(RuleError) as exc:
        aspek_waktu(target, realisasi)
    assert exc.value.code == code
    assert exc.value.params["field"] == field


def test_negative_error_names_value_as_typed() -> None:
    with pytest.raises(RuleError) as exc:
        aspek_waktu(12, "-2,5")
    assert exc.value.params == {"field": "Realisasi waktu", "value": "-2,5"}
    assert "negatif" in exc.value.message


# --- nilai kegiatan (§4.2) --------------------------------------------------------------

# TO=10 RO=9, TK=100 RK=85, TW=12 RW=11, TB=1.000.000 RB=900.000 (by hand):
#   kuantitas = 9/10 × 100                              = 90
#   kualitas  = 85/100 × 100                            = 85
#   waktu     : eff = 100 − 11/12×100 ≈ 8,33 ≤ 24
#               (1,76×12 − 11)/12 × 100 = 10,12/12 × 100 = 253/3 (≈ 84,33)
#   biaya     : eff = 100 − 90 = 10 ≤ 24
#               (1,76×1.000.000 − 900.000)/1.000.000 × 100 = 86
#   with cost target:    (90 + 85 + 253/3 + 86)/4 = (1036/3)/4 = 259/3 (≈ 86,33)
#   without cost target: (90 + 85 + 253/3)/3      = (778/3)/3  = 778/9 (≈ 86,44)
CONTOH = Kegiatan(
    target_output=10,
    realisasi_output=9,
    target_kualitas=100,
    realisasi_kualitas=85,
    target_waktu=12,
    realisasi_waktu=11,
    target_biaya=1_000_000,
    realisasi_biaya=900_000,
)


def test_nilai_kegiatan_by_hand_with_cost() -> None:
    assert nilai_kegiatan(CONTOH) == Fraction(259, 3)


def test_nilai_kegiatan_by_hand_without_cost() -> None:
    k = Kegiatan(10, 9, 100, 85, 12, 11)
    assert nilai_kegiatan(k) == Fraction(778, 9)


def test_divisor_decided_by_target_cost_not_realised_cost() -> None:
    # S14 pitfall: realised cost filled in but no cost target → still /3.
    for target_biaya in (0, None, "", "0"):
        k = Kegiatan(10, 9, 100, 85, 12, 11, target_biaya=target_biaya, realisasi_biaya=900_000)
        assert nilai_kegiatan(k) == Fraction(778, 9), target_biaya


def test_cost_target_with_blank_realised_cost_is_an_error() -> None:
    k = Kegiatan(10, 9, 100, 85, 12, 11, target_biaya=1_000_000, realisasi_biaya=None)
    with pytest.raises(RuleError) as exc:
        nilai_kegiatan(k)
    assert exc.value.code == "angka-kosong"
    assert exc.value.params["field"] == "Realisasi biaya"


@pytest.mark.parametrize("ro", [0, "0", 0.0, None, "", "0,0"])
def test_not_carried_out_scores_zero(ro: object) -> None:
    # [V:S12 "target tidak terlaksana"] the rest of the row may be blank.
    k = Kegiatan(10, ro, 100, None, 12, None)
    assert nilai_kegiatan(k) == 0


def test_nilai_kegiatan_golden_full_marks() -> None:
    # Everything on target, 24% faster: (100 + 100 + 100)/3 = 100.
    assert nilai_kegiatan(Kegiatan(4, 4, 100, 100, 12, "9,12")) == 100


@pytest.mark.parametrize(
    ("kegiatan", "code", "field"),
    [
        pytest.param(
            Kegiatan(0, 5, 100, 90, 12, 12), "target-nol", "Target kuantitas", id="to-nol"
        ),
        pytest.param(Kegiatan(10, 5, 0, 90, 12, 12), "target-nol", "Target kualitas", id="tk-nol"),
        pytest.param(
            Kegiatan(10, -5, 100, 90, 12, 12),
            "angka-negatif",
            "Realisasi kuantitas",
            id="ro-negatif",
        ),
        pytest.param(
            Kegiatan(10, "abc", 100, 90, 12, 12),
            "angka-tidak-sah",
            "Realisasi kuantitas",
            id="ro-abc",
        ),
        pytest.param(
            Kegiatan(10, 5, 100, None, 12, 12),
            "angka-kosong",
            "Realisasi kualitas",
            id="rk-kosong",
        ),
        pytest.param(
            Kegiatan(10, 5, 100, 90, 12, float("nan")),
            "angka-tidak-sah",
            "Realisasi waktu",
            id="rw-nan",
        ),
        pytest.param(
            Kegiatan(10, 5, 100, 90, 12, 12, target_biaya=-1),
            "angka-negatif",
            "Target biaya",
            id="tb-negatif",
        ),
    ],
)
def test_nilai_kegiatan_errors(kegiatan: Kegiatan, code: str, field: str) -> None:
    with pytest.raises(RuleError) as exc:
        nilai_kegiatan(kegiatan)
    assert exc.value.code == code
    assert exc.value.params["field"] == field


# --- tugas tambahan, kreativitas, nilai SKP (§4.3) ---------------------------------------


@pytest.mark.parametrize(
    ("jumlah", "poin"),
    [
        pytest.param(0, 0, id="M-0-tugas-0"),
        pytest.param(1, 1, id="M-1-tugas-1"),
        pytest.param(3, 1, id="M-3-tugas-1"),
        pytest.param(4, 2, id="M-4-tugas-2"),
        pytest.param(6, 2, id="M-6-tugas-2"),
        pytest.param(7, 3, id="M-7-tugas-3"),
        pytest.param(10, 3, id="M-10-tugas-3"),
        pytest.param("4", 2, id="M-teks-4"),
        pytest.param(4.0, 2, id="M-float-4"),
        pytest.param(None, 0, id="M-kosong-0"),
    ],
)
def test_nilai_tugas_tambahan(jumlah: object, poin: int) -> None:
    assert nilai_tugas_tambahan(jumlah) == poin


def test_nilai_tugas_tambahan_custom_policy_any_order() -> None:
    policy = Pp46Policy(tugas_tambahan=((5, Fraction(4)), (1, Fraction("0.5"))))
    assert nilai_tugas_tambahan(0, policy) == 0
    assert nilai_tugas_tambahan(4, policy) == Fraction(1, 2)
    assert nilai_tugas_tambahan(5, policy) == 4


@pytest.mark.parametrize(
    ("jumlah", "code"),
    [(-1, "angka-negatif"), (2.5, "angka-tidak-sah"), ("dua", "angka-tidak-sah")],
)
def test_nilai_tugas_tambahan_errors(jumlah: object, code: str) -> None:
    with pytest.raises(RuleError) as exc:
        nilai_tugas_tambahan(jumlah)
    assert exc.value.code == code
    assert exc.value.params["field"] == "Jumlah tugas tambahan"


@pytest.mark.parametrize(
    ("tingkat", "poin"),
    [
        pytest.param(None, 0, id="M-tanpa"),
        pytest.param("", 0, id="M-kosong"),
        pytest.param("unit", 3, id="M-unit-3"),
        pytest.param("Organisasi ", 6, id="M-organisasi-6"),
        pytest.param("NEGARA", 12, id="M-negara-12"),
    ],
)
def test_nilai_kreativitas(tingkat: str | None, poin: int) -> None:
    assert nilai_kreativitas(tingkat) == poin


def test_nilai_kreativitas_unknown() -> None:
    with pytest.raises(RuleError) as exc:
        nilai_kreativitas("desa")
    assert exc.value.code == "pp46-kreativitas-tidak-dikenal"
    assert exc.value.params == {"value": "desa", "allowed": "unit, organisasi, negara"}


def test_nilai_kreativitas_custom_policy() -> None:
    policy = Pp46Policy(kreativitas={"Instansi": Fraction(5)})
    assert nilai_kreativitas("instansi", policy) == 5
    with pytest.raises(RuleError) as exc:
        nilai_kreativitas("unit", policy)
    assert exc.value.params["allowed"] == "Instansi"


def test_nilai_skp_mean_plus_points() -> None:
    # Kegiatan: 259/3 (CONTOH) and 100 → mean (259/3 + 300/3)/2 = 559/6;
    # + 4 tugas tambahan (2) + kreativitas unit (3) → 559/6 + 30/6 = 589/6 (≈ 98,17).
    full = Kegiatan(4, 4, 100, 100, 12, "9,12")
    assert nilai_skp([CONTOH, full], tugas_tambahan=4, kreativitas="unit") == Fraction(589, 6)
    assert nilai_skp([CONTOH, full]) == Fraction(559, 6)


def test_nilai_skp_not_carried_out_counts_in_mean() -> None:
    # A kegiatan not carried out scores 0 and still counts: (100 + 0)/2 = 50.
    full = Kegiatan(4, 4, 100, 100, 12, "9,12")
    assert nilai_skp([full, Kegiatan(4, 0, 100, None, 12, None)]) == 50


def test_nilai_skp_may_exceed_100() -> None:
    full = Kegiatan(4, 4, 100, 100, 12, "9,12")
    assert nilai_skp([full], tugas_tambahan=7, kreativitas="negara") == 115


def test_nilai_skp_without_kegiatan() -> None:
    with pytest.raises(RuleError) as exc:
        nilai_skp([])
    assert exc.value.code == "pp46-tanpa-kegiatan"


# --- perilaku kerja (§4.4) ---------------------------------------------------------------


def test_aspek_perilaku_list() -> None:
    assert ASPEK_PERILAKU == (
        "Orientasi pelayanan",
        "Integritas",
        "Komitmen",
        "Disiplin",
        "Kerja sama",
        "Kepemimpinan",
    )


def test_nilai_perilaku_five_aspects_skip_kepemimpinan() -> None:
    # (80 + 85 + 90 + 75 + 82,5)/5 = 412,5/5 = 82,5
    aspek = dict(zip(ASPEK_PERILAKU, [80, "85", 90.0, Decimal(75), "82,5", None], strict=True))
    assert nilai_perilaku(aspek) == Fraction(165, 2)


def test_nilai_perilaku_six_aspects() -> None:
    # (80 + 80 + 80 + 80 + 80 + 86)/6 = 486/6 = 81
    aspek = dict(zip(ASPEK_PERILAKU, [80, 80, 80, 80, 80, 86], strict=True))
    assert nilai_perilaku(aspek) == 81


@pytest.mark.parametrize(("value", "shown"), [(101, "101"), (-1, "-1"), ("100,5", "100,5")])
def test_nilai_perilaku_out_of_range(value: object, shown: str) -> None:
    with pytest.raises(RuleError) as exc:
        nilai_perilaku({"Integritas": 80, "Disiplin": value})
    assert exc.value.code == "pp46-nilai-di-luar-rentang"
    assert exc.value.params == {"field": "Disiplin", "value": shown, "max": "100"}


def test_nilai_perilaku_bounds_inclusive() -> None:
    assert nilai_perilaku({"Integritas": 0, "Disiplin": 100}) == 50


def test_nilai_perilaku_empty() -> None:
    for aspek in ({}, {"Integritas": None, "Disiplin": " "}):
        with pytest.raises(RuleError) as exc:
            nilai_perilaku(aspek)
        assert exc.value.code == "pp46-perilaku-kosong"


def test_nilai_perilaku_junk_names_aspect() -> None:
    with pytest.raises(RuleError) as exc:
        nilai_perilaku({"Komitmen": "baik"})
    assert exc.value.code == "angka-tidak-sah"
    assert exc.value.params["field"] == "Komitmen"


# --- prestasi kerja and sebutan (§4.5) ----------------------------------------------------


def test_nilai_prestasi_kerja_60_40() -> None:
    # [V:S13] 0,6 × 80 + 0,4 × 90 = 48 + 36 = 84
    assert nilai_prestasi_kerja(80, 90) == 84
    assert nilai_prestasi_kerja("80,5", Fraction(165, 2)) == Fraction(813, 10)  # 48,3 + 33


def test_nilai_prestasi_kerja_custom_weight() -> None:
    # 0,7 × 80 + 0,3 × 90 = 56 + 27 = 83
    assert nilai_prestasi_kerja(80, 90, Pp46Policy(bobot_skp=Fraction(7, 10))) == 83


@pytest.mark.parametrize(
    ("nilai", "label"),
    [
        pytest.param(100, "Sangat Baik", id="S13-100-sangat-baik"),
        pytest.param(91, "Sangat Baik", id="S13-91-sangat-baik"),
        pytest.param("90,99", "Baik", id="S13-90.99-baik"),
        pytest.param(Fraction(91) - Fraction(1, 10**12), "Baik", id="S13-hampir-91-baik"),
        pytest.param(76, "Baik", id="S13-76-baik"),
        pytest.param(75.99, "Cukup", id="S13-75.99-cukup"),
        pytest.param(61, "Cukup", id="S13-61-cukup"),
        pytest.param(60.99, "Kurang", id="S13-60.99-kurang"),
        pytest.param(51, "Kurang", id="S13-51-kurang"),
        pytest.param(50.99, "Buruk", id="S13-50.99-buruk"),
        pytest.param(0, "Buruk", id="S13-0-buruk"),
    ],
)
def test_sebutan_band_edges(nilai: object, label: str) -> None:
    assert sebutan(nilai) == label


def test_sebutan_90_5_depends_on_rounding_policy() -> None:
    # [D] templates compare unrounded; "bulat" rounds half up first.
    assert sebutan(90.5) == "Baik"
    assert sebutan(90.5, Pp46Policy(pembulatan_sebutan=BandRounding.NONE)) == "Baik"
    assert sebutan(90.5, Pp46Policy(pembulatan_sebutan=BandRounding.WHOLE)) == "Sangat Baik"
    assert sebutan("90,49", Pp46Policy(pembulatan_sebutan=BandRounding.WHOLE)) == "Baik"


def test_sebutan_two_decimals() -> None:
    dua = Pp46Policy(pembulatan_sebutan=BandRounding.TWO)
    assert sebutan("90,994", dua) == "Baik"
    assert sebutan("90,995", dua) == "Sangat Baik"
    assert sebutan("75,995", dua) == "Baik"


def test_sebutan_exact_value_from_float_trap() -> None:
    # A kegiatan scoring exactly 100 stays Sangat Baik; floats would have given 76 (Baik).
    assert sebutan(aspek_waktu(12, 9.12)) == "Sangat Baik"


def test_sebutan_junk() -> None:
    with pytest.raises(RuleError) as exc:
        sebutan("abc")
    assert exc.value.code == "angka-tidak-sah"
    assert exc.value.params["field"] == "Nilai"


# --- properties ---------------------------------------------------------------------------

_TARGETS = st.fractions(min_value=Fraction(1, 100), max_value=10**6)
# Realisation as a multiple of the target, from 76% (eff = 24) upwards: the eff ≤ 24 region.
_FAKTOR = st.fractions(min_value=Fraction(76, 100), max_value=10, max_denominator=10**6)


@given(_TARGETS, _FAKTOR, _FAKTOR)
def test_aspek_waktu_non_increasing_where_eff_at_most_24(
    target: Fraction, f1: Fraction, f2: Fraction
) -> None:
    r1, r2 = sorted((f1 * target, f2 * target))
    assert aspek_waktu(target, r1) >= aspek_waktu(target, r2)


@given(_TARGETS, st.fractions(min_value=0, max_value=10, max_denominator=10**6))
def test_aspek_waktu_never_above_100(target: Fraction, faktor: Fraction) -> None:
    assert aspek_waktu(target, faktor * target) <= 100


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=6),
    st.fractions(),
    st.text(max_size=12),
    st.sampled_from(["9,12", "1.000", "1,5.2", "NaN", "-inf", "sNaN", " 12 ", "0", "-0"]),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.builds(object),
)


def _only_rule_errors(call: object) -> None:
    assert callable(call)
    try:
        call()
    except RuleError as exc:
        assert exc.code
        assert exc.message


@given(_JUNK, _JUNK)
def test_aspek_only_rule_error_for_junk(a: object, b: object) -> None:
    _only_rule_errors(lambda: aspek_waktu(a, b))
    _only_rule_errors(lambda: aspek_biaya(b, a))


@given(st.lists(_JUNK, min_size=8, max_size=8))
def test_nilai_kegiatan_only_rule_error_for_junk(cells: list[object]) -> None:
    _only_rule_errors(lambda: nilai_kegiatan(Kegiatan(*cells)))


@given(_JUNK, _JUNK)
def test_other_rules_only_rule_error_for_junk(a: object, b: object) -> None:
    _only_rule_errors(lambda: nilai_tugas_tambahan(a))
    _only_rule_errors(lambda: nilai_kreativitas(a))  # type: ignore[arg-type]
    _only_rule_errors(lambda: nilai_perilaku({"Integritas": a, "Disiplin": b}))
    _only_rule_errors(lambda: nilai_prestasi_kerja(a, b))
    _only_rule_errors(lambda: sebutan(a))
    _only_rule_errors(lambda: nilai_skp([Kegiatan(a, b, 100, 100, 12, 12)], tugas_tambahan=b))
