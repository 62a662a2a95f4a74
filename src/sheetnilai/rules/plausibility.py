"""Plausibility of the numbers typed into an IKI row: dates, percentages, magnitudes.

No regulation speaks of this: these are guards against typing mistakes that silently distort a
capaian. Each finding is a warning (peringatan) with the value the user most likely meant, and
never changes a score: capaian is always computed from what the cell holds.

- **Tanggal.** A target or realisasi cell holding a date (a serial number with a date format,
  or an .ods date). Either the user typed a date (15/03/2026 is 46096 to a spreadsheet), or a
  number landed in a date-formatted cell (93 shows as 02/04/1900): a date before 1950 is taken
  as such a number, which is then the likely intended value. Only the number format tells a
  date from a number, and a portable formula cannot see formats: this case is Python-only.
- **Persen.** The realisasi and the target are on different percent scales: one typed as a
  whole percentage (93), the other as a fraction (0,93, which is what "93%" stores). Flagged
  only with evidence that the IKI is about percentages: the satuan says so (it holds a "%"
  sign, or begins with "persen"/"prosen" in any case), or the fraction-scale cell has a
  percent number format (Python-only). And only when the value as typed is not *near* the
  target while rescaling it by 100 moves it to the target's side without overshooting. Near
  means between target ÷ `persen_kali` and target × `persen_kali` (policy, default 2; for a
  range target, from the lower bound ÷ to the upper bound ×). A fraction: typed below the
  near band, and ×100 not above it. A whole percentage against a fraction target: typed
  above the band, and ÷100 in it, with a target of at most `FRACTION_TARGET_MAX` (2, that is
  200%: a larger target is no fraction). Rescaled values must land in the band, not only
  cross it: 0,0001 against 95 is a magnitude finding, not a percent one. So with satuan "%"
  a realisasi 0,93 against target
  95 is flagged (93), but 0,5 against target 5 (an error rate of 0,5%: 50 would overshoot
  the band up to 10) is not.
- **Besaran.** The realisasi is more than `kali_target` (policy, default 100) times the
  target's upper bound, or below the target's lower bound ÷ `kali_target`: typically a
  decimal separator read as a thousands separator ("93,00" → 9300 under an English locale),
  extra zeros, or a percentage typed as a fraction without a "%" satuan. Both directions are
  checked, whatever the arah, because a realisasi and a target a hundred times apart are two
  numbers on different scales, not a performance. Realisasi 0 ("nothing yet", "no cases") is
  never flagged. The likely intended value is the realisasi shifted by the power of ten that
  brings it closest to the target: the k with 3·10^(k−1) ≤ ratio < 3·10^k (√10 ≈ 3 is the
  midpoint of a decade on a log scale; 3 keeps the bounds rational). A target that is absurd on
  its own (1e9 for a count) shows up the same way once a realisasi is typed: the message names
  both numbers and the advice says to check the target too.

Order: dates first (a date makes every comparison meaningless), then percent, then magnitude;
at most one percent/magnitude finding per IKI and period. Every ratio and rescaled value is
rounded to 9 decimals before it is compared, as the template's formula does
(`formulas.periksa`, which shows the percent and magnitude findings live, without the likely
value of a magnitude) so that a binary float never decides a threshold differently there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from sheetnilai.rules.numbers import round_fraction
from sheetnilai.rules.policy import DEFAULT_POLICY, PlausibilitasPolicy

PRE_ROUND = 9
# A percentage target written as a fraction is at most this (200%); a larger target is a
# whole percentage, so a realisasi far above it is a magnitude finding, not a percent one.
FRACTION_TARGET_MAX = 2
# A date before this year in a target or realisasi cell is a number with a date format.
NUMBER_AS_DATE_BEFORE = 1950
# A satuan naming a percentage without a "%" sign begins with one of these, in any case
# ("Persen", "persentase", "prosentase").
PERCENT_WORDS = ("persen", "prosen")


class Kind(StrEnum):
    """What is implausible; the values are the problem codes."""

    TANGGAL = "isian-tanggal"  # a date typed where a quantity belongs
    FORMAT_TANGGAL = "isian-format-tanggal"  # a number shown as a (1900-era) date
    PERSEN_PECAHAN = "realisasi-persen-pecahan"  # realisasi 0,93 where the target is 95 (%)
    PERSEN_TARGET_PECAHAN = "realisasi-target-persen-pecahan"  # target 0,95 (95%), realisasi 93
    TERLALU_BESAR = "realisasi-terlalu-besar"  # realisasi > kali_target × target
    TERLALU_KECIL = "realisasi-terlalu-kecil"  # realisasi < target ÷ kali_target


class Field(StrEnum):
    TARGET = "target"
    TARGET_ATAS = "target_atas"
    REALISASI = "realisasi"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    field: Field  # the cell the warning belongs to
    value: Fraction  # what the cell holds
    likely: Fraction | None  # the value the user most likely meant for that cell
    date: dt.date | None = None  # the date the cell shows (date kinds)
    # Percent and magnitude kinds: likely = value × 10^shift. A target × 10^−shift is the
    # other way to make the two agree (when the target is the mistyped one).
    shift: int = 0


def _r9(value: Fraction) -> Fraction:
    return round_fraction(value, PRE_ROUND)


def satuan_is_percent(satuan: object) -> bool:
    """The IKI's satuan names a percentage: it holds a "%" sign ("%", "persen (%)"), or it
    begins with one of PERCENT_WORDS, in any case (what the template's COUNTIF matches)."""
    if not isinstance(satuan, str):
        return False
    return "%" in satuan or satuan.casefold().startswith(PERCENT_WORDS)


def check_date(field: Field, value: Fraction, date: dt.date) -> Finding:
    """A number ≥ 0 in a target or realisasi cell that shows as `date`."""
    if date.year < NUMBER_AS_DATE_BEFORE:
        return Finding(Kind.FORMAT_TANGGAL, field, value, value, date)
    return Finding(Kind.TANGGAL, field, value, None, date)


def _decade(ratio: Fraction) -> int:
    """The k ≥ 1 with 3·10^(k−1) ≤ ratio < 3·10^k (callers pass ratio > kali_target ≥ 10)."""
    k = 1
    while 3 * 10**k <= ratio:
        k += 1
    return k


def clearly_near(
    realisasi: Fraction | float,
    low: Fraction | float,
    high: Fraction | float,
    policy: PlausibilitasPolicy = DEFAULT_POLICY.plausibilitas,
) -> bool:
    """`check_numbers` finds nothing because the realisasi lies well inside the near band;
    the numbers may be the cells' own (a float and its exact value are the same double)."""
    return _clearly_near(realisasi, low, high, policy.persen_kali)


def _clearly_near(
    realisasi: Fraction | float, low: Fraction | float, high: Fraction | float, near: Fraction
) -> bool:
    """Whether the realisasi lies well inside the near band [low ÷ near, high × near], where
    no check below can fire (every one needs it outside the band: kali_target ≥ 10 ≥
    persen_kali). A quick float look that only ever says "clearly inside", with a margin a
    million times wider than float error and the 9-decimal rounding, so it never decides a
    case at a threshold; the exact checks decide everything else. Most IKI rows end here."""
    try:
        r, lo, hi, n = float(realisasi), float(low), float(high), float(near)
    except OverflowError:
        return False
    return lo / n * (1 + 1e-6) < r < hi * n * (1 - 1e-6)


def check_numbers(
    realisasi: Fraction,
    low: Fraction,
    high: Fraction,
    satuan: object,
    policy: PlausibilitasPolicy = DEFAULT_POLICY.plausibilitas,
    realisasi_percent: bool = False,
    target_percent: bool = False,
) -> Finding | None:
    """Percent and magnitude checks of one realisasi against its target [low, high].

    Callers pass only what makes a capaian: realisasi > 0, 0 ≤ low ≤ high, high > 0.
    `realisasi_percent`/`target_percent`: the cell has a percent number format (unknown to
    a spreadsheet formula, so the template passes False).
    """
    near = policy.persen_kali
    if _clearly_near(realisasi, low, high, near):
        return None
    top = _r9(high * near)  # the largest value near the target
    satuan_percent = satuan_is_percent(satuan)
    if (
        (satuan_percent or realisasi_percent)
        and _r9(realisasi * near) < low  # below the near band as typed
        and _r9(realisasi * 100) <= top  # and ×100 lands in it: neither over
        and _r9(realisasi * 100 * near) >= low  # nor under (else it is a magnitude)
    ):
        return Finding(Kind.PERSEN_PECAHAN, Field.REALISASI, realisasi, realisasi * 100, shift=2)
    if (
        (satuan_percent or target_percent)
        and high <= FRACTION_TARGET_MAX  # a target on the fraction scale at all
        and realisasi > top  # above the near band as typed
        and _r9(realisasi / 100) <= top  # and ÷100 lands in it: neither over
        and _r9(realisasi / 100 * near) >= low  # nor under
    ):
        likely = realisasi / 100
        return Finding(Kind.PERSEN_TARGET_PECAHAN, Field.REALISASI, realisasi, likely, shift=-2)
    factor = policy.kali_target
    above = _r9(realisasi / high)
    if above > factor:
        k = _decade(above)
        return Finding(Kind.TERLALU_BESAR, Field.REALISASI, realisasi, realisasi / 10**k, shift=-k)
    below = _r9(low / realisasi)
    if below > factor:
        k = _decade(below)
        return Finding(Kind.TERLALU_KECIL, Field.REALISASI, realisasi, realisasi * 10**k, shift=k)
    return None
