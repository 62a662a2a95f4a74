"""Capaian IKI (PermenPANRB 8/2021) and the suggested rating hasil kerja.

Under PermenPANRB 6/2022 the rating hasil kerja is the pejabat penilai's judgement; the
numbers here only *suggest* one (domain.md §2.7) and never override the atasan's rating.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Rating
from sheetnilai.rules.numbers import OUT_OF_RANGE, exact, exact_sum, round_fraction, round_half_up
from sheetnilai.rules.policy import (
    DEFAULT_POLICY,
    CapaianPolicy,
    SaranRatingPolicy,
    SuggestionMethod,
)


class Arah(StrEnum):
    """Whether a higher or a lower realisation is better; the value is the sheet's label."""

    NAIK = "Semakin tinggi semakin baik"
    TURUN = "Semakin rendah semakin baik"


_ARAH_KEYS = {
    "naik": Arah.NAIK,
    "tinggi": Arah.NAIK,
    "semakintinggisemakinbaik": Arah.NAIK,
    "makintinggimakinbaik": Arah.NAIK,
    "maksimal": Arah.NAIK,
    "max": Arah.NAIK,
    "higher": Arah.NAIK,
    "turun": Arah.TURUN,
    "rendah": Arah.TURUN,
    "semakinrendahsemakinbaik": Arah.TURUN,
    "makinrendahmakinbaik": Arah.TURUN,
    "minimal": Arah.TURUN,
    "min": Arah.TURUN,
    "lower": Arah.TURUN,
}


def parse_arah(text: object) -> Arah:
    if isinstance(text, Arah):
        return text
    key = re.sub(r"[\s_\-.]+", "", text.lower()) if isinstance(text, str) else ""
    found = _ARAH_KEYS.get(key)
    if found is None:
        shown = "" if text is None else str(text)
        raise RuleError("arah-tidak-dikenal", value=shown, allowed=", ".join(a.value for a in Arah))
    return found


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric target: a point (low == high) or a range low–high."""

    low: Fraction
    high: Fraction

    @property
    def is_range(self) -> bool:
        return self.low != self.high


_RANGE = re.compile(r"^\s*(.+?)\s*(?:-|–|—|s\.?\s*d\.?|s/d|sampai(?:\s+dengan)?)\s*(.+?)\s*$")


def parse_target(value: object, high: object = None) -> Target:
    """A target from one cell (number, or text "80-90", "80 s.d. 90") or two cells (low, high)."""
    if high is not None and not (isinstance(high, str) and not high.strip()):
        low_f, high_f = exact(value, "Target (batas bawah)"), exact(high, "Target (batas atas)")
    elif isinstance(value, str) and _RANGE.match(value) and not _is_number_text(value):
        m = _RANGE.match(value)
        assert m is not None
        low_f, high_f = exact(m.group(1), "Target (batas bawah)"), exact(m.group(2), "Target")
    else:
        low_f = high_f = exact(value, "Target")
    for bound in (low_f, high_f):
        if bound < 0:
            raise RuleError("angka-negatif", field="Target", value=_num(bound))
    if low_f > high_f:
        raise RuleError("rentang-terbalik", low=_num(low_f), high=_num(high_f))
    return Target(low_f, high_f)


def _is_number_text(text: str) -> bool:
    try:
        exact(text, "Target")
    except RuleError as exc:
        # "1e-100000000" is a number too small for any cell, not the range "1e" to "100000000".
        return exc.code == OUT_OF_RANGE
    return True


def _num(value: Fraction) -> str:
    return str(round_half_up(value, 6).normalize()).replace(".", ",")


def capaian_persen(realisasi: object, target: Target | object, arah: Arah = Arah.NAIK) -> Fraction:
    """Exact, uncapped capaian in percent [V:S10 pp. 99, 110].

    Higher is better: realisasi / target × 100. Lower is better: (2 − realisasi / target) × 100.
    Range targets use the upper bound when realisasi is above the range, the lower bound when
    below, and score 100 inside it.
    """
    tgt = target if isinstance(target, Target) else parse_target(target)
    real = exact(realisasi, "Realisasi")
    if real.numerator < 0:  # integer tests first: every IKI of every period passes here
        raise RuleError("angka-negatif", field="Realisasi", value=_num(real))
    if tgt.is_range and tgt.low <= real <= tgt.high:
        return Fraction(100)
    bound = tgt.high if real > tgt.high else tgt.low
    if bound.numerator == 0:
        raise RuleError("target-nol", field="Target")
    # ratio = real / bound, on the integers of both (one Fraction made, not three): every
    # IKI of every period of a run passes here.
    num = real.numerator * bound.denominator
    den = real.denominator * bound.numerator
    return Fraction(100 * num, den) if arah is Arah.NAIK else Fraction(100 * (2 * den - num), den)


@dataclass(frozen=True, slots=True)
class CapaianIki:
    exact: Fraction  # uncapped capaian, percent
    persen: Fraction  # rounded per policy, then kept within 0..batas_atas: the capaian shown
    nilai: Fraction  # nilai capaian IKI, PermenPANRB 8/2021
    kategori: str  # Sangat Baik / Baik / Cukup / Kurang / Sangat Kurang (8/2021 categories)


def capaian_shown(raw: Fraction, policy: CapaianPolicy = DEFAULT_POLICY.capaian) -> Fraction:
    """The capaian a sheet shows: rounded half up per policy, within 0..batas_atas."""
    return capaian_within(raw, policy.desimal, policy.batas_atas)


def capaian_within(raw: Fraction, desimal: int | None, batas_atas: Fraction) -> Fraction:
    """`capaian_shown` on the two policy values it reads."""
    shown = raw if desimal is None else round_fraction(raw, desimal)
    if shown.numerator < 0:  # an integer test: every IKI of a run passes here each period
        return Fraction(0)
    return batas_atas if shown > batas_atas else shown


def nilai_capaian(
    persen: Fraction,
    policy: CapaianPolicy = DEFAULT_POLICY.capaian,
    target_maksimal: bool = False,
) -> tuple[Fraction, str]:
    """Nilai capaian IKI and its category, PermenPANRB 8/2021 [V:S10 p.101; M for 101–110].

    Between the printed bands (e.g. 99.5%) the lower band's formula continues up to the next
    band's start, so the value never jumps backwards.
    """
    baik = policy.nilai_baik
    return _nilai_capaian(
        persen.numerator, persen.denominator, baik.numerator, baik.denominator, target_maksimal
    )


# Cached on plain integers (a Fraction's hash is slow): the capaian shown is usually a whole
# percent, so a run meets the same few hundred values for every IKI of every period.
@functools.lru_cache(maxsize=4096)
def _nilai_capaian(
    num: int, den: int, baik_num: int, baik_den: int, target_maksimal: bool
) -> tuple[Fraction, str]:
    c = Fraction(num, den)
    if target_maksimal and c >= 100:
        return Fraction(120), "Sangat Baik"  # 100% of the maximum possible target [V:S10]
    if c > 110:
        return Fraction(120), "Sangat Baik"
    if c > 100:
        return 110 + Fraction(120 - 110, 110 - 101) * (c - 101), "Sangat Baik"
    if c == 100:
        return Fraction(baik_num, baik_den), "Baik"
    if c >= 80:
        return 70 + Fraction(89 - 70, 99 - 80) * (c - 80), "Cukup"
    if c >= 60:
        return 50 + Fraction(69 - 50, 79 - 60) * (c - 60), "Kurang"
    return c / 59 * 49, "Sangat Kurang"


def capaian_iki(
    realisasi: object,
    target: Target | object,
    arah: Arah = Arah.NAIK,
    policy: CapaianPolicy = DEFAULT_POLICY.capaian,
    target_maksimal: bool = False,
) -> CapaianIki:
    raw = capaian_persen(realisasi, target, arah)
    shown = capaian_shown(raw, policy)
    nilai, kategori = nilai_capaian(shown, policy, target_maksimal)
    return CapaianIki(raw, shown, nilai, kategori)


def saran_rating(
    capaian: Iterable[Fraction | None],
    policy: SaranRatingPolicy = DEFAULT_POLICY.saran_rating,
) -> Rating | None:
    """Suggested rating hasil kerja from the shown capaian of the numeric IKI.

    None when suggestions are off or no IKI has a numeric capaian (qualitative targets).
    """
    values = [c for c in capaian if c is not None]
    if not policy.aktif or not values:
        return None
    score = (
        exact_sum(values) / len(values) if policy.metode is SuggestionMethod.MEAN else min(values)
    )
    if score >= policy.batas_di_atas:
        return Rating.DI_ATAS
    if score >= policy.batas_sesuai:
        return Rating.SESUAI
    return Rating.DI_BAWAH
