"""The distribution check of employee predikat against the organisation's predikat.

SE MenPANRB 3/2023 (domain.md §2.9, [V:S1, S2]): the organisation's predikat fixes the curve
the unit's employee predikat must follow. Every comparison is exact: shares are Fractions,
so 7 of 10 is exactly 70% (allowed) and 71 of 100 is over.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from sheetnilai.problems import Problem, Severity
from sheetnilai.rules.labels import CURVE_ORDER, OrgPredikat, Predikat
from sheetnilai.rules.numbers import percent_text
from sheetnilai.rules.policy import DEFAULT_POLICY, DistribusiPolicy, DistributionRounding


class Kind(StrEnum):
    MAX = "maks"  # share of a group at most the limit
    MIN = "min"  # share of a group (or groups together) at least the limit
    LARGEST = "terbanyak"  # the group is the largest (ties allowed)
    REQUIRED = "wajib-ada"  # at least one employee in the groups
    FORBIDDEN = "dilarang"  # no employee in the group


@dataclass(frozen=True, slots=True)
class Constraint:
    kind: Kind
    groups: tuple[Predikat, ...]
    limit: Fraction = Fraction(0)

    @property
    def label(self) -> str:
        """The groups as the messages name them: "Kurang/Misconduct + Butuh Perbaikan"."""
        joiner = " dan/atau " if self.kind is Kind.REQUIRED else " + "
        return joiner.join(g.label for g in self.groups)


_SB, _B, _BP, _K, _SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)
_70, _60, _10 = Fraction(70, 100), Fraction(60, 100), Fraction(10, 100)

# [V:S1] paraphrase of SE MenPANRB 3/2023; "sebagian besar (maksimal 70%)" is read as
# "the largest group and at most 70%" (domain.md §10 item 2; LARGEST can be switched off).
RULES: Mapping[OrgPredikat, tuple[Constraint, ...]] = {
    OrgPredikat.ISTIMEWA: (
        Constraint(Kind.MAX, (_SB,), _70),
        Constraint(Kind.LARGEST, (_SB,)),
    ),
    OrgPredikat.BAIK: (
        Constraint(Kind.MAX, (_B,), _70),
        Constraint(Kind.LARGEST, (_B,)),
        Constraint(Kind.REQUIRED, (_BP, _K)),
    ),
    OrgPredikat.BUTUH_PERBAIKAN: (
        Constraint(Kind.MIN, (_BP,), _60),
        Constraint(Kind.MAX, (_SB,), _10),
    ),
    OrgPredikat.KURANG: (
        Constraint(Kind.MIN, (_K,), _60),
        Constraint(Kind.MIN, (_BP,), _10),
        Constraint(Kind.MAX, (_SB,), _10),
    ),
    OrgPredikat.SANGAT_KURANG: (
        Constraint(Kind.MIN, (_SK,), _60),
        Constraint(Kind.MIN, (_K, _BP), _10),
        Constraint(Kind.FORBIDDEN, (_SB,)),
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One way the unit's spread breaks its curve."""

    code: str
    slot: int  # position of the broken rule in active_constraints(org, policy)
    kind: Kind
    groups: tuple[Predikat, ...]
    count: int  # employees in `groups`
    total: int  # employees in the unit
    share: Fraction  # count / total
    limit: Fraction  # the percentage limit as a share (0 for LARGEST/REQUIRED/FORBIDDEN)
    sentence: str  # plain Indonesian, e.g. "Baik 80% (8 dari 10 pegawai) > batas 70% …"
    problem: Problem


@dataclass(frozen=True, slots=True)
class DistributionResult:
    org: OrgPredikat
    counts: Mapping[Predikat, int]
    total: int
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.findings

    @property
    def status(self) -> str:
        """What a person reads in the Rekap: "Sesuai", "Tidak sesuai" or "Belum ada data"."""
        if self.total == 0:
            return "Belum ada data"
        return "Sesuai" if not self.findings else "Tidak sesuai"


def count_predikat(values: Iterable[Predikat]) -> dict[Predikat, int]:
    """Counts over all five predikat, zero included, in curve order."""
    found = Counter(values)
    return {p: found.get(p, 0) for p in CURVE_ORDER}


def active_constraints(
    org: OrgPredikat, policy: DistribusiPolicy = DEFAULT_POLICY.distribusi
) -> tuple[Constraint, ...]:
    """The rules checked for an organisation predikat under the policy, in a fixed order."""
    return tuple(c for c in RULES[org] if c.kind is not Kind.LARGEST or policy.kelompok_terbesar)


def allowed_headcount(limit: Fraction, total: int) -> int:
    """round_half_up(limit × total): the head-count a limit allows under HEADCOUNT rounding."""
    return math.floor(limit * total + Fraction(1, 2))


def _breaks(kind: Kind, count: int, total: int, limit: Fraction, rounding: str) -> bool:
    if rounding == DistributionRounding.HEADCOUNT:
        heads = allowed_headcount(limit, total)
        return count > heads if kind is Kind.MAX else count < heads
    share = Fraction(count, total)
    return share > limit if kind is Kind.MAX else share < limit


def _found_text(count: int, total: int) -> str:
    return f"{percent_text(Fraction(count, total))} ({count} dari {total} pegawai)"


def _limit_text(limit: Fraction, total: int, rounding: str) -> str:
    if rounding == DistributionRounding.HEADCOUNT:
        return f"{allowed_headcount(limit, total)} pegawai ({percent_text(limit)} dari {total})"
    return percent_text(limit)


def check_distribution(
    org: OrgPredikat,
    counts: Mapping[Predikat, int],
    policy: DistribusiPolicy = DEFAULT_POLICY.distribusi,
) -> DistributionResult:
    """Check a unit's predikat counts against the curve of the organisation's predikat.

    `counts` may omit predikat with no employee. The result does not depend on the order in
    which employees were counted, only on the counts.
    """
    full = {p: int(counts.get(p, 0)) for p in CURVE_ORDER}
    total = sum(full.values())
    if total == 0:
        return DistributionResult(org, full, 0, ())
    findings: list[Finding] = []
    rounding = policy.pembulatan
    for slot, rule in enumerate(active_constraints(org, policy)):
        count = sum(full[g] for g in rule.groups)
        params: dict[str, object] = {"predikat": rule.label, "org": org.label}
        if rule.kind in (Kind.MAX, Kind.MIN):
            if not _breaks(rule.kind, count, total, rule.limit, rounding):
                continue
            code = (
                "distribusi-melebihi-batas"
                if rule.kind is Kind.MAX
                else "distribusi-kurang-dari-minimum"
            )
            params |= {
                "found": _found_text(count, total),
                "limit": _limit_text(rule.limit, total, rounding),
            }
        elif rule.kind is Kind.LARGEST:
            rival = max(
                (p for p in CURVE_ORDER if p not in rule.groups),
                key=lambda p: (full[p], p.rank),
            )
            if full[rival] <= count:
                continue
            code = "distribusi-bukan-terbanyak"
            params |= {
                "found": _found_text(count, total),
                "other": rival.label,
                "other_found": _found_text(full[rival], total),
            }
        elif rule.kind is Kind.REQUIRED:
            if count > 0:
                continue
            code = "distribusi-wajib-ada"
        else:
            if count == 0:
                continue
            code = "distribusi-dilarang"
            params["found"] = f"{count} pegawai"
        problem = Problem.make(code, severity=policy.tingkat, params=params)
        findings.append(
            Finding(
                code=code,
                slot=slot,
                kind=rule.kind,
                groups=rule.groups,
                count=count,
                total=total,
                share=Fraction(count, total),
                limit=rule.limit,
                sentence=problem.message,
                problem=problem,
            )
        )
    return DistributionResult(org, full, total, tuple(findings))


def empty_unit_problem() -> Problem:
    return Problem.make("distribusi-kosong", severity=Severity.CATATAN)
