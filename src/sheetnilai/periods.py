"""Evaluation periods (domain.md §2.6): triwulan by default, semester or bulanan, plus Tahunan.

The annual evaluation is stored like a period, the last one of every scheme.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum


class Scheme(StrEnum):
    TRIWULAN = "triwulan"
    SEMESTER = "semester"
    BULANAN = "bulanan"


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # stable code, also what `konsolidasi --periode` takes: TW1, S1, JAN, TAHUNAN
    label: str  # as printed on the forms: "Triwulan I"
    months: int  # length, for angka kredit of a partial year

    @property
    def is_annual(self) -> bool:
        return self.key == ANNUAL.key


ANNUAL = Period("TAHUNAN", "Tahunan", 12)

_ROMAN = ("I", "II", "III", "IV")
_BULAN = (
    ("JAN", "Januari"), ("FEB", "Februari"), ("MAR", "Maret"), ("APR", "April"),
    ("MEI", "Mei"), ("JUN", "Juni"), ("JUL", "Juli"), ("AGU", "Agustus"),
    ("SEP", "September"), ("OKT", "Oktober"), ("NOV", "November"), ("DES", "Desember"),
)  # fmt: skip


def periods(scheme: Scheme) -> tuple[Period, ...]:
    """The periods of a scheme, in order, ending with the annual evaluation."""
    if scheme is Scheme.TRIWULAN:
        parts = tuple(Period(f"TW{i + 1}", f"Triwulan {_ROMAN[i]}", 3) for i in range(4))
    elif scheme is Scheme.SEMESTER:
        parts = tuple(Period(f"S{i + 1}", f"Semester {_ROMAN[i]}", 6) for i in range(2))
    else:
        parts = tuple(Period(key, label, 1) for key, label in _BULAN)
    return (*parts, ANNUAL)


def all_period_keys() -> tuple[str, ...]:
    """Every period key any scheme knows, in a readable order (TW…, S…, months, TAHUNAN)."""
    return tuple(dict.fromkeys(p.key for scheme in Scheme for p in periods(scheme)))


@functools.lru_cache(maxsize=64)
def period_objects(keys: tuple[str, ...]) -> tuple[Period, ...]:
    """The periods a workbook lists by key (its SN_PERIODE), in its order (asked for every
    sheet of every period of a run: cached)."""
    known = {p.key: p for scheme in Scheme for p in periods(scheme)}
    return tuple(known[k] for k in keys if k in known)


def period_end(year: int, keys: tuple[str, ...], key: str) -> dt.date:
    """The last day of period `key` of a workbook's scheme (`keys`, its SN_PERIODE)."""
    scheme = period_objects(keys)
    months = 12
    if key != ANNUAL.key:
        parts = [p for p in scheme if not p.is_annual]
        index = [p.key for p in parts].index(key)
        months = sum(p.months for p in parts[: index + 1])
    following = dt.date(year + months // 12, months % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_key(text: str) -> str:
    """The period key a user typed (any case, spaces around), or SheetnilaiError naming the
    valid ones: a mistake in a command is refused before any work."""
    from sheetnilai.errors import SheetnilaiError

    key = text.strip().upper()
    if key not in all_period_keys():
        raise SheetnilaiError(
            "periode-tidak-dikenal", {"period": text, "valid": ", ".join(all_period_keys())}
        )
    return key
