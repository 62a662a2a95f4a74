"""Periodic capaian: what a period's realisasi is measured against (domain.md §2.6).

Comparing a period's realisasi with the *annual* target misleads: 1 of 4 planned reports done
in TW1 is exactly on plan, not 25%. So each IKI has a *sifat*:

- kumulatif: a count that adds up over the year (reports, documents, people served);
- tetap: a rate, average, duration or level measured each period (%, days, scores);

and optionally a target per period (its *rencana aksi* target). No regulation prescribes these
formulas [M]; every choice below is a `CapaianPeriodikPolicy` setting with domain.md's default.
This module only decides *which* realisasi and *which* target a period's capaian compares;
`capaian.capaian_persen` then scores them as it scores the annual ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sheetnilai.rules.capaian import Target
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact_sum
from sheetnilai.rules.policy import (
    DEFAULT_POLICY,
    CapaianPeriodikPolicy,
    PeringatanDiniPolicy,
    PeriodReading,
    Sifat,
    TahunanKumulatif,
)

__all__ = [
    "Basis",
    "Sifat",
    "annual_realisasi",
    "annual_sum_differs",
    "is_behind",
    "months_elapsed",
    "parse_sifat",
    "period_basis",
    "period_realisasi",
    "reads_so_far",
    "target_share",
]

_SIFAT_KEYS = {
    "kumulatif": Sifat.KUMULATIF,
    "akumulatif": Sifat.KUMULATIF,
    "tetap": Sifat.TETAP,
    "nonkumulatif": Sifat.TETAP,
}


def parse_sifat(text: object) -> Sifat | None:
    """The sifat a cell holds; None when blank (the policy's `sifat_kosong` then applies)."""
    if isinstance(text, Sifat):
        return text
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    key = re.sub(r"[\s_\-.]+", "", text.lower()) if isinstance(text, str) else ""
    found = _SIFAT_KEYS.get(key)
    if found is None:
        raise RuleError(
            "sifat-tidak-dikenal", value=str(text), allowed=", ".join(s.value for s in Sifat)
        )
    return found


def months_elapsed(period_months: Sequence[int], index: int) -> int:
    """Months from the start of the year to the end of period `index` (0-based)."""
    return sum(period_months[: index + 1])


@dataclass(frozen=True, slots=True)
class Basis:
    """What one period's capaian compares: this realisasi against this target."""

    realisasi: Fraction
    target: Target


def reads_so_far(
    sifat: Sifat | None,
    has_period_target: bool,
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> bool:
    """Whether a period's capaian uses the realisasi summed from the start of the year."""
    if (sifat or policy.sifat_kosong) is not Sifat.KUMULATIF:
        return False
    reading = policy.target_periode if has_period_target else policy.kumulatif_tanpa_target
    return reading is PeriodReading.KUMULATIF


def target_share(
    sifat: Sifat | None,
    period_months: Sequence[int],
    index: int,
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> Fraction:
    """The share of the annual target a period without a period target is measured against:
    1 for tetap IKI; months elapsed (or the period's months) / 12 for kumulatif IKI."""
    if (sifat or policy.sifat_kosong) is not Sifat.KUMULATIF:
        return Fraction(1)
    if policy.kumulatif_tanpa_target is PeriodReading.KUMULATIF:
        return Fraction(months_elapsed(period_months, index), 12)
    return Fraction(period_months[index], 12)


def period_realisasi(
    sifat: Sifat | None,
    realisasi: Sequence[Fraction | None],
    index: int,
    has_period_target: bool,
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> Fraction | None:
    """The realisasi period `index`'s capaian compares; None while the period has none.
    An earlier period left blank adds nothing to a sum."""
    own = realisasi[index]
    if own is None or not reads_so_far(sifat, has_period_target, policy):
        return own
    return exact_sum(r for r in realisasi[: index + 1] if r is not None)


def period_basis(
    sifat: Sifat | None,
    annual: Target,
    realisasi: Sequence[Fraction | None],
    period_months: Sequence[int],
    index: int,
    period_target: Fraction | None = None,
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> Basis | None:
    """The basis of the capaian of period `index` of a scheme's (non-annual) periods.

    `realisasi[i]` is period i's own realisasi (None when blank). None when the period itself
    has no realisasi yet.

    - A period target given: tetap IKI compare the period's realisasi with it; kumulatif IKI
      too by default, or their realisasi so far when the policy reads the period target as a
      year-to-date figure (`target_periode = "kumulatif"`).
    - No period target, kumulatif: the realisasi so far against the annual target × months
      elapsed / 12 (default), or the period's own realisasi against the annual target × the
      period's months / 12 (`kumulatif_tanpa_target = "per-periode"`).
    - No period target, tetap: the period's realisasi against the annual target.
    """
    has_target = period_target is not None
    real = period_realisasi(sifat, realisasi, index, has_target, policy)
    if real is None:
        return None
    if period_target is not None:
        return Basis(real, Target(period_target, period_target))
    share = target_share(sifat, period_months, index, policy)
    return Basis(real, Target(annual.low * share, annual.high * share))


def annual_realisasi(
    sifat: Sifat | None,
    entered: Fraction | None,
    period_realisasi: Sequence[Fraction | None],
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> Fraction | None:
    """The realisasi the annual (TAHUNAN) capaian uses.

    Tetap IKI: the entered value. Kumulatif IKI: the entered value when there is one, else (by
    default) the sum of the periods that have a realisasi; None when nothing is known. An
    entered value that differs from that sum is the caller's warning to give.
    """
    kind = sifat or policy.sifat_kosong
    if entered is not None or kind is Sifat.TETAP:
        return entered
    if policy.realisasi_tahunan is TahunanKumulatif.ISIAN:
        return None
    known = [r for r in period_realisasi if r is not None]
    return exact_sum(known) if known else None


def annual_sum_differs(
    sifat: Sifat | None,
    entered: Fraction,
    realisasi: Sequence[Fraction | None],
    policy: CapaianPeriodikPolicy = DEFAULT_POLICY.capaian_periodik,
) -> Fraction | None:
    """The sum of a kumulatif IKI's periods when an entered annual realisasi differs from it
    (a warning: the entered value is used); None when they agree or nothing is summed.
    `realisasi`: the periods' own realisasi; the annual one, when included last, is ignored."""
    if (sifat or policy.sifat_kosong) is not Sifat.KUMULATIF:
        return None
    known = [r for r in realisasi[:-1] if r is not None] if realisasi else []
    if not known:
        return None
    total = exact_sum(known)
    return None if total == entered else total


def is_behind(
    capaian: Fraction, policy: PeringatanDiniPolicy = DEFAULT_POLICY.peringatan_dini
) -> bool:
    """An IKI behind its (period) target by more than the policy's margin: an early warning."""
    return capaian < 100 - policy.selisih_target
