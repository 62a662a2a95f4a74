"""PP 30/2019 numeric scoring (domain.md §5): weighted final value and its predikat.

Kept as an optional legacy engine beside PP 46/2011; all arithmetic is exact (`Fraction`)
so band edges such as 90 or 110 are never decided by float error.
"""

from __future__ import annotations

from fractions import Fraction

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact
from sheetnilai.rules.policy import Pp30Policy

__all__ = [
    "BAIK",
    "CUKUP",
    "KURANG",
    "SANGAT_BAIK",
    "SANGAT_KURANG",
    "batasi_realisasi",
    "nilai_akhir",
    "predikat_pp30",
]

SANGAT_BAIK = "Sangat Baik"
BAIK = "Baik"
CUKUP = "Cukup"
KURANG = "Kurang"
SANGAT_KURANG = "Sangat Kurang"

_SANGAT_BAIK_MIN = Fraction(110)
_SANGAT_BAIK_MAKS = Fraction(120)
_BAIK_MIN = Fraction(90)
_CUKUP_MIN = Fraction(70)
_KURANG_MIN = Fraction(50)


def _tidak_negatif(value: object, field: str) -> Fraction:
    number = exact(value, field=field)
    if number < 0:
        raise RuleError("angka-negatif", field=field, value=value)
    return number


def batasi_realisasi(nilai_skp: object, policy: Pp30Policy | None = None) -> Fraction:
    """The SKP value capped at `policy.batas_realisasi` (120) [V:S9]."""
    policy = policy or Pp30Policy()
    return min(_tidak_negatif(nilai_skp, "Nilai SKP"), policy.batas_realisasi)


def nilai_akhir(
    nilai_skp: object, nilai_perilaku: object, policy: Pp30Policy | None = None
) -> Fraction:
    """SKP × bobot + perilaku × (1 − bobot) [V:S8 Ps. 41(2)–(4)].

    Weights are 70/30, or 60/40 where behaviour is assessed 360° (`policy.bobot`). The SKP
    value is capped before weighting [V:S9]; the cap concerns realisation, so the
    behaviour value is taken as given.
    """
    policy = policy or Pp30Policy()
    skp = batasi_realisasi(nilai_skp, policy)
    perilaku = _tidak_negatif(nilai_perilaku, "Nilai perilaku kerja")
    bobot = policy.bobot.skp
    return bobot * skp + (1 - bobot) * perilaku


def predikat_pp30(nilai: object, inovasi: bool = False) -> str:
    """Predikat for a PP 30/2019 final value (domain.md §5).

    Sangat Baik needs 110 ≤ x ≤ 120 AND a new idea/method benefiting the organisation or
    state (Ps. 41(5)a); without it the same value is Baik — the bands overlap by design.
    """
    x = _tidak_negatif(nilai, "Nilai akhir")
    # [V:S8 Ps. 41(5) a–c]
    if inovasi and _SANGAT_BAIK_MIN <= x <= _SANGAT_BAIK_MAKS:
        return SANGAT_BAIK
    if x >= _BAIK_MIN:
        return BAIK
    if x >= _CUKUP_MIN:
        return CUKUP
    # [M] Kurang and Sangat Kurang are from memory: the verified excerpt stops after Cukup
    # (domain.md §10 item 7).
    if x >= _KURANG_MIN:
        return KURANG
    return SANGAT_KURANG
