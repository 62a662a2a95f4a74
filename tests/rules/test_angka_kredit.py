"""Angka kredit from predikat (PermenPANRB 1/2023, PerBKN 3/2023; domain.md §2.12)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Predikat
from sheetnilai.rules.numbers import round_half_up
from sheetnilai.rules.policy import AngkaKreditPolicy


def test_s11_annual_ahli_pertama_sangat_baik_is_18_75() -> None:
    assert angka_kredit(Predikat.SANGAT_BAIK, "Ahli Pertama") == Fraction("18.75")


def test_s11_two_months_baik_ahli_pertama_is_2_08() -> None:
    ak = angka_kredit(Predikat.BAIK, "Ahli Pertama", 2)
    assert ak == Fraction(25, 12)  # 2/12 × 100% × 12.5, kept exact
    assert str(round_half_up(ak, 2)) == "2.08"


@pytest.mark.parametrize(
    ("jenjang", "predikat", "shown"),
    [
        # The SIASN form prints these (domain.md §2.12): Mahir BP 9.38, Ahli Madya BP 28.13.
        ("Mahir", Predikat.BUTUH_PERBAIKAN, "9.38"),
        ("Ahli Madya", Predikat.BUTUH_PERBAIKAN, "28.13"),
        ("Pemula", Predikat.SANGAT_BAIK, "5.63"),  # 3.75 × 1.5 = 5.625 → half up
        ("Ahli Utama", Predikat.SANGAT_KURANG, "12.50"),
        ("Penyelia", Predikat.KURANG, "12.50"),
        ("Terampil", Predikat.BAIK, "5.00"),
        ("Ahli Muda", Predikat.SANGAT_BAIK, "37.50"),
    ],
)
def test_table_values_round_half_up_for_display(
    jenjang: str, predikat: Predikat, shown: str
) -> None:
    assert str(round_half_up(angka_kredit(predikat, jenjang), 2)) == shown


def test_jenjang_is_matched_tolerantly_and_coefficients_are_configuration() -> None:
    assert angka_kredit(Predikat.BAIK, "  ahli   pertama ") == Fraction("12.5")
    policy = AngkaKreditPolicy(koefisien={"Ahli Pertama": Fraction(10)})
    assert angka_kredit(Predikat.SANGAT_BAIK, "Ahli Pertama", policy=policy) == 15


@pytest.mark.parametrize(
    ("jenjang", "bulan", "code"),
    [
        ("Ahli Super", 12, "jenjang-tidak-dikenal"),
        (None, 12, "jenjang-tidak-dikenal"),
        ("Ahli Muda", 0, "bulan-tidak-sah"),
        ("Ahli Muda", 13, "bulan-tidak-sah"),
        ("Ahli Muda", 2.5, "bulan-tidak-sah"),
        ("Ahli Muda", "tiga", "bulan-tidak-sah"),
        ("Ahli Muda", None, "bulan-tidak-sah"),
    ],
)
def test_bad_input(jenjang: object, bulan: object, code: str) -> None:
    with pytest.raises(RuleError) as info:
        angka_kredit(Predikat.BAIK, jenjang, bulan)  # type: ignore[arg-type]
    assert info.value.code == code
