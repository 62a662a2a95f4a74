"""Values as the score book shows them: numbers rounded as a spreadsheet rounds them, inputs
as they were typed.

The Hasil Kerja table has a row per IKI of the agency (100,000 at 10,000 pegawai), and
turning its exact values into cells was most of what a sync pass spent on a table where one
unit changed. So each IKI's shown values are computed once, in the worker that checks its
workbook (`IkiResult.shown`), and travel with it into the store: a pass serving a workbook
from the store serves them too.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from sheetnilai.rules.numbers import round_half_up_float

if TYPE_CHECKING:
    from sheetnilai.validate import IkiResult


def number(value: Fraction | None, digits: int = 2) -> float | None:
    return None if value is None else round_half_up_float(value, digits)


def basis_number(value: object) -> float | None:
    """A dinilai value (a number, or "" / a reason the capaian cell then shows)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None  # no exact value to round (a reader never yields one; stay safe)
    return round_half_up_float(value, 4)


def cell_text(value: object) -> str:
    """Inputs exactly as typed: numbers without float noise, text as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


def iki_shown(i: IkiResult) -> tuple[str | float | None, ...]:
    """The shown values of one IKI: target, target batas atas, target periode, realisasi,
    realisasi dinilai, target dinilai, capaian, nilai (report.hasil_kerja_table unpacks
    them in this order)."""
    return (
        cell_text(i.target),
        cell_text(i.target_atas),
        cell_text(i.target_periode),
        cell_text(i.realisasi),
        basis_number(i.realisasi_dinilai),
        basis_number(i.target_dinilai),
        number(i.capaian),
        number(i.nilai),
    )
