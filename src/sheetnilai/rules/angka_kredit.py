"""Angka kredit of jabatan fungsional from the predikat (PermenPANRB 1/2023, PerBKN 3/2023).

[V:S11] AK = (bulan / 12) × persen(predikat) × koefisien tahunan(jenjang); e.g. Ahli Pertama,
Sangat Baik, 12 months: 150% × 12.5 = 18.75; 2 months Baik: 2/12 × 12.5 = 2.08 (shown).
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Predikat
from sheetnilai.rules.numbers import exact
from sheetnilai.rules.policy import DEFAULT_POLICY, AngkaKreditPolicy


# Cached: every pegawai of every period looks up their jenjang against every configured name.
@functools.lru_cache(maxsize=1024)
def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def find_jenjang(text: object, policy: AngkaKreditPolicy = DEFAULT_POLICY.angka_kredit) -> str:
    """The configured jenjang name matching `text` (case and spacing ignored)."""
    if isinstance(text, str):
        for name in policy.koefisien:
            if _key(name) == _key(text):
                return name
    raise RuleError(
        "jenjang-tidak-dikenal",
        value="" if text is None else str(text),
        allowed=", ".join(policy.koefisien),
    )


def months(value: object) -> int:
    try:
        number = exact(value, "Jumlah bulan")
    except RuleError:
        raise RuleError("bulan-tidak-sah", value="" if value is None else str(value)) from None
    if number.denominator != 1 or not 1 <= number <= 12:
        raise RuleError("bulan-tidak-sah", value=str(value))
    return int(number)


def angka_kredit(
    predikat: Predikat,
    jenjang: str,
    bulan: object = 12,
    policy: AngkaKreditPolicy = DEFAULT_POLICY.angka_kredit,
) -> Fraction:
    """Exact angka kredit; round only for display (policy.desimal_tampilan, half up)."""
    name = find_jenjang(jenjang, policy)
    n = months(bulan)
    return Fraction(n, 12) * policy.persen[predikat] / 100 * policy.koefisien[name]
