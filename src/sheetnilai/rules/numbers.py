"""Exact numbers for the rules.

Every rule computes with `fractions.Fraction`, so a threshold is never decided by binary
float error (domain.md §4.2: 100 - 9.12/12*100 is 24.000000000000014 in floats, exactly 24
here). Floats coming from spreadsheet readers are taken at their shortest repr, which is
what the user typed.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from sheetnilai.rules.errors import RuleError

Number = int | float | Decimal | Fraction | str

_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")

OUT_OF_RANGE = "angka-di-luar-jangkauan"
# A spreadsheet number is an IEEE double: at most about 1.8E+308, at least about 4.9E-324,
# with 15-17 significant digits. Text beyond that is no number any cell could hold, and it is
# refused before it becomes a Fraction: Fraction(Decimal("1e100000000")) builds a
# 100-million-digit integer and takes minutes, which would freeze Excel's Python server.
# 2,000 digits covers every double written out in full (the smallest has 751 significant
# digits); a million digits would again take seconds to convert.
_MAX_DIGITS = 2000
_SHOWN = 40  # characters of a refused text shown in the message


def exact(value: object, field: str) -> Fraction:
    """Convert a cell value to an exact Fraction or raise `RuleError` naming `field`.

    Accepts int, float, Decimal, Fraction and numeric text with a dot or a single decimal
    comma ("88,5"). Rejects None/"" (missing), bool, NaN, infinities and other text.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RuleError("angka-kosong", field=field)
    if isinstance(value, bool):
        raise RuleError("angka-tidak-sah", field=field, value=value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RuleError("angka-tidak-sah", field=field, value=value)
        return _float_fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RuleError("angka-tidak-sah", field=field, value=value)
        return _bounded(value, field, value)
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        # "1.000" is a thousand in Indonesian and one in English: refuse to guess.
        if ("," in text and "." in text) or _GROUPED.fullmatch(text):
            raise RuleError("angka-tidak-sah", field=field, value=value)
        if text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise RuleError("angka-tidak-sah", field=field, value=value) from None
        if not dec.is_finite():
            raise RuleError("angka-tidak-sah", field=field, value=value)
        return _bounded(dec, field, value)
    raise RuleError("angka-tidak-sah", field=field, value=value)


@functools.lru_cache(maxsize=65536)
def _float_fraction(value: float) -> Fraction:
    # The decimal a spreadsheet shows for the double (repr is the shortest that round-trips).
    # Cached: the same targets and realisasi are read again for every period of a run.
    return Fraction(Decimal(repr(value)))


def _bounded(dec: Decimal, field: str, value: object) -> Fraction:
    """`dec` as a Fraction when a spreadsheet cell could hold it, else `OUT_OF_RANGE`.

    float() of a Decimal parses its text (fast for any exponent): it overflows to inf above
    the largest double and underflows to 0 below the smallest, and zero is zero whatever its
    exponent ("0e-100000000").
    """
    if dec.is_zero():
        return Fraction(0)
    huge = len(dec.as_tuple().digits) > _MAX_DIGITS
    magnitude = abs(float(dec)) if not huge else math.inf
    if huge or magnitude == 0 or not math.isfinite(magnitude):
        text = str(value)
        shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
        raise RuleError(OUT_OF_RANGE, field=field, value=shown)
    return Fraction(dec)


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum, over one common denominator (Fraction's own `+` reduces after every
    term, which made the sums of a run's capaian a noticeable cost)."""
    terms = list(values)
    if not terms:
        return Fraction(0)
    den = math.lcm(*(t.denominator for t in terms))
    return Fraction(sum(t.numerator * (den // t.denominator) for t in terms), den)


def round_half_up(value: Fraction | int, digits: int = 0) -> Decimal:
    """Round as spreadsheets do: half away from zero, on the exact value."""
    frac = value if isinstance(value, Fraction) else Fraction(value)
    if digits < 0:
        return round_half_up(frac / 10**-digits, 0).scaleb(-digits)
    return Decimal(_rounded_units(frac, digits)).scaleb(-digits)


def round_fraction(value: Fraction | int, digits: int) -> Fraction:
    """`round_half_up` as a Fraction (digits >= 0), without the detour through Decimal that
    every capaian of a run would otherwise pay twice."""
    frac = value if isinstance(value, Fraction) else Fraction(value)
    return Fraction(_rounded_units(frac, digits), 10**digits)


def round_half_up_float(value: Fraction | int | float, digits: int) -> float:
    """`round_half_up` as the float a spreadsheet cell holds for it (digits >= 0).

    int / int is correctly rounded in Python, so this is the float nearest to the rounded
    value, as float(round_half_up(...)) is, without building a Decimal (a score book rounds
    hundreds of thousands of values)."""
    if isinstance(value, float):
        num, den = value.as_integer_ratio()
    else:
        num, den = value.numerator, value.denominator
    scale: int = 10**digits
    return _units(num, den, digits) / scale


def _rounded_units(frac: Fraction, digits: int) -> int:
    return _units(frac.numerator, frac.denominator, digits)


def _units(numerator: int, den: int, digits: int) -> int:
    # Integer arithmetic on the exact value: floor(|n| × 10^d / den + 1/2), signed.
    scale: int = 10**digits
    num = abs(numerator) * scale
    whole: int = (2 * num + den) // (2 * den)
    return whole if numerator >= 0 else -whole


def quantize_decimal(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent_text(value: Fraction, digits: int = 2) -> str:
    """A share (0..1) as Indonesian percent text: 2/3 -> "66,67%", 7/10 -> "70%"."""
    rounded = round_half_up(value * 100, digits)
    text = format(rounded.normalize(), "f") if rounded != 0 else "0"
    return text.replace(".", ",") + "%"


def number_text(value: Fraction | Decimal | int, digits: int = 2, fixed: bool = False) -> str:
    """A number as Indonesian text: 18.75 -> "18,75"; `fixed` keeps all decimals ("5,00")."""
    rounded = round_half_up(Fraction(value), digits)
    if fixed:
        return format(rounded, "f").replace(".", ",")
    text = format(rounded.normalize(), "f") if rounded != 0 else "0"
    return text.replace(".", ",")
