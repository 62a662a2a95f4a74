"""Calibration help: the fewest predikat changes that would make a unit meet its curve.

SE MenPANRB 3/2023 (domain.md §2.9, [V:S1, S2]) fixes the curve a unit's employee predikat
must follow; `distribution.check_distribution` says *that* a unit breaks it. This module says
what the smallest review would be: the minimum number of pegawai whose predikat would have to
change, and which changes ("2 pegawai Baik → Butuh Perbaikan"). It only proposes: it never
changes a rating. [D] No regulation prescribes this help; the order of preference below is
ours and documented in the README.

Search. Each change moves one pegawai from one predikat to another, so reaching the target
counts t from the counts c takes Σ max(0, t_k − c_k) changes. The curve's rules
(`distribution.RULES`, under the policy) become, for the unit's size n, integer bounds: on
one predikat (at most / at least so many heads, none), on a group of predikat (Butuh Perbaikan
+ Kurang at least so many), and "this predikat is the largest". The search fixes the largest
group's count and each group's sum (nearest to the current counts first, stopping once they
alone would cost more than the best found), and solves what is left in closed form:
O(m²) steps for m changes, so a unit of 300 takes milliseconds. The closed form keeps the
changes minimal but may move them further than needed, so the best target is then improved
by exchanging one or two pegawai at a time (without adding a change). It is checked
with `check_distribution` itself before it is returned; `tests/rules/test_kalibrasi.py`
compares it with a brute force over every target for every unit of up to 12 pegawai.

Preference among targets with the fewest changes: the smallest total distance moved along
the curve axis (Baik → Butuh Perbaikan is 1 step, Baik → Kurang/Misconduct 2), then the one
that leaves fewer pegawai in the better predikat (compared from Sangat Baik down), so that
on a tie the proposal never inflates ratings. For a chosen target the moves are matched in
curve order, which makes the moved distance the least possible for that target.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from sheetnilai.rules.distribution import (
    Kind,
    _breaks,
    active_constraints,
    check_distribution,
)
from sheetnilai.rules.frozenmap import FrozenMap
from sheetnilai.rules.labels import CURVE_ORDER, OrgPredikat, Predikat
from sheetnilai.rules.policy import DEFAULT_POLICY, DistribusiPolicy

_N = len(CURVE_ORDER)


class Status(StrEnum):
    KOSONG = "kosong"  # no pegawai with a predikat: nothing to calibrate
    SESUAI = "sesuai"  # the curve is met already
    USULAN = "usulan"  # moves proposed, within the policy's limit
    MELEBIHI_BATAS = "melebihi-batas"  # the fewest changes are more than the limit
    TIDAK_MUNGKIN = "tidak-mungkin"  # no spread of this many pegawai meets the curve


@dataclass(frozen=True, slots=True)
class Move:
    """`count` pegawai whose predikat would change from `source` to `target`."""

    source: Predikat
    target: Predikat
    count: int

    @property
    def steps(self) -> int:
        """Distance along the curve axis: adjacent predikat are 1 step apart."""
        return abs(self.target.rank - self.source.rank)

    @property
    def upgrade(self) -> bool:
        return self.target.rank > self.source.rank

    @property
    def text(self) -> str:
        return f"{self.count} pegawai {self.source.label} → {self.target.label}"


@dataclass(frozen=True, slots=True)
class Proposal:
    org: OrgPredikat
    counts: Mapping[Predikat, int]  # now, all five in curve order
    total: int
    status: Status
    target: Mapping[Predikat, int] | None = None  # the counts after the moves
    moves: tuple[Move, ...] = ()
    changes: int = 0  # pegawai whose predikat would change (the minimum)
    limit: int | None = None  # the policy's limit in force (None: no limit)

    @property
    def text(self) -> str:
        """The moves as one line: "2 pegawai Baik → Butuh Perbaikan; 1 pegawai …"."""
        return "; ".join(m.text for m in self.moves)


class UnsupportedRule(ValueError):
    """A curve rule this search cannot turn into bounds (no such rule exists today)."""


def propose(
    org: OrgPredikat,
    counts: Mapping[Predikat, int],
    policy: DistribusiPolicy = DEFAULT_POLICY.distribusi,
    limit: int | None = None,
) -> Proposal:
    """The fewest predikat changes that make `counts` meet the curve of `org`.

    `counts` may omit predikat with no employee. `limit`: when the fewest changes are more
    than this, the proposal says so (`MELEBIHI_BATAS`) but still carries the moves.
    """
    return _propose(org, tuple(int(counts.get(p, 0)) for p in CURVE_ORDER), policy, limit)


# An agency's units share a few count vectors (hundreds of small units, a handful of sizes),
# and the score book proposes for every failing unit on every write: each vector is searched
# once. A Proposal is frozen and its mappings are never changed, so sharing one is safe.
@functools.lru_cache(maxsize=4096)
def _propose(
    org: OrgPredikat, c: tuple[int, ...], policy: DistribusiPolicy, limit: int | None
) -> Proposal:
    full = FrozenMap(dict(zip(CURVE_ORDER, c, strict=True)))
    n = sum(c)
    if n == 0:
        return Proposal(org, full, 0, Status.KOSONG, limit=limit)
    if check_distribution(org, full, policy).ok:
        return Proposal(org, full, n, Status.SESUAI, full, limit=limit)
    for t in _targets(org, c, policy):
        target = FrozenMap(dict(zip(CURVE_ORDER, t, strict=True)))
        # The project's own check is the judge; bounds only steer the search.
        if not check_distribution(org, target, policy).ok:
            continue
        moves = match_moves(c, t)
        changes = sum(m.count for m in moves)
        status = Status.USULAN if limit is None or changes <= limit else Status.MELEBIHI_BATAS
        return Proposal(org, full, n, status, target, moves, changes, limit)
    return Proposal(org, full, n, Status.TIDAK_MUNGKIN, limit=limit)


def changes_needed(c: tuple[int, ...], t: tuple[int, ...]) -> int:
    """Pegawai whose predikat must change to turn counts c into t (same total)."""
    return sum(max(0, b - a) for a, b in zip(c, t, strict=True))


def distance(c: tuple[int, ...], t: tuple[int, ...]) -> int:
    """The least total steps along the curve axis that turn c into t (earth mover's distance
    on a line: the sum of the differences of the running totals)."""
    run_c = run_t = total = 0
    for a, b in zip(c, t, strict=True):
        run_c += a
        run_t += b
        total += abs(run_c - run_t)
    return total


def preference(c: tuple[int, ...], t: tuple[int, ...]) -> tuple[int, int, tuple[int, ...]]:
    """Smaller is preferred: fewest changes, then least distance, then fewer pegawai in the
    better predikat (t read from Sangat Baik down)."""
    return changes_needed(c, t), distance(c, t), tuple(reversed(t))


def match_moves(c: tuple[int, ...], t: tuple[int, ...]) -> tuple[Move, ...]:
    """The moves from c to t, surplus matched to deficit in curve order (least distance);
    listed from the better source predikat down."""
    surplus = [[k, a - b] for k, (a, b) in enumerate(zip(c, t, strict=True)) if a > b]
    deficit = [[k, b - a] for k, (a, b) in enumerate(zip(c, t, strict=True)) if b > a]
    moved: dict[tuple[int, int], int] = {}
    i = j = 0
    while i < len(surplus) and j < len(deficit):
        take = min(surplus[i][1], deficit[j][1])
        key = (surplus[i][0], deficit[j][0])
        moved[key] = moved.get(key, 0) + take
        surplus[i][1] -= take
        deficit[j][1] -= take
        i += surplus[i][1] == 0
        j += deficit[j][1] == 0
    return tuple(
        Move(CURVE_ORDER[s], CURVE_ORDER[d], k)
        for (s, d), k in sorted(moved.items(), key=lambda kv: (-kv[0][0], -kv[0][1]))
    )


# --- the search ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Bounds:
    lo: list[int]
    hi: list[int]
    groups: dict[tuple[int, ...], list[int]]  # categories -> [lo, hi] of their sum
    largest: int | None  # category that must be the largest (ties allowed)


def _headcount_bound(kind: Kind, limit_share: Fraction, n: int, rounding: str) -> int:
    """The last count a MAX rule allows, or the first a MIN rule allows, for a unit of n,
    found with the distribution module's own comparison (monotone in the count)."""
    lo, hi = 0, n
    if kind is Kind.MAX:  # largest x with not breaks(x); breaks(0) is never true
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _breaks(kind, mid, n, limit_share, rounding):
                hi = mid - 1
            else:
                lo = mid
        return lo
    if _breaks(kind, n, n, limit_share, rounding):
        return n + 1  # not even the whole unit is enough
    while lo < hi:  # smallest x with not breaks(x)
        mid = (lo + hi) // 2
        if _breaks(kind, mid, n, limit_share, rounding):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _bounds(org: OrgPredikat, n: int, policy: DistribusiPolicy) -> _Bounds:
    b = _Bounds([0] * _N, [n] * _N, {}, None)
    for rule in active_constraints(org, policy):
        idx = tuple(sorted(CURVE_ORDER.index(g) for g in rule.groups))
        if rule.kind is Kind.LARGEST:
            if len(idx) != 1 or b.largest is not None:
                raise UnsupportedRule(rule.label)
            b.largest = idx[0]
            continue
        if rule.kind is Kind.MAX:
            lo, hi = 0, _headcount_bound(rule.kind, rule.limit, n, policy.pembulatan)
        elif rule.kind is Kind.MIN:
            lo, hi = _headcount_bound(rule.kind, rule.limit, n, policy.pembulatan), n
        elif rule.kind is Kind.REQUIRED:
            lo, hi = 1, n
        else:
            lo, hi = 0, 0
        if len(idx) == 1:
            k = idx[0]
            b.lo[k], b.hi[k] = max(b.lo[k], lo), min(b.hi[k], hi)
        else:
            if any(set(idx) & set(g) for g in b.groups if g != idx):
                raise UnsupportedRule(rule.label)
            old = b.groups.get(idx, [0, n])
            b.groups[idx] = [max(old[0], lo), min(old[1], hi)]
    return b


def _outward(centre: int, lo: int, hi: int) -> Iterator[int]:
    """lo..hi ordered by distance from centre (nearer first, the lower on a tie)."""
    for d in range(max(centre - lo, hi - centre, 0) + 1):
        if d == 0:
            if lo <= centre <= hi:
                yield centre
            continue
        if lo <= centre - d <= hi:
            yield centre - d
        if lo <= centre + d <= hi:
            yield centre + d


def _targets(
    org: OrgPredikat, c: tuple[int, ...], policy: DistribusiPolicy
) -> Iterator[tuple[int, ...]]:
    """Targets meeting the bounds with the fewest changes, preferred first."""
    n = sum(c)
    b = _bounds(org, n, policy)
    group_list = list(b.groups.items())
    rest = [k for k in range(_N) if not any(k in g for g, _ in group_list)]
    best: int | None = None
    found: list[tuple[tuple[int, int, tuple[int, ...]], tuple[int, ...]]] = []
    g = b.largest
    largest_values = [None] if g is None else list(_outward(c[g], b.lo[g], b.hi[g]))
    for v in largest_values:
        if v is not None and g is not None and best is not None and abs(v - c[g]) > best:
            break
        lo, hi = list(b.lo), list(b.hi)
        if v is not None and g is not None:
            lo[g] = hi[g] = v
            hi = [h if k == g else min(h, v) for k, h in enumerate(hi)]
        if any(a > z for a, z in zip(lo, hi, strict=True)):
            continue
        ranges = []
        for idx, (glo, ghi) in group_list:
            have = sum(c[k] for k in idx)
            span_lo = max(glo, sum(lo[k] for k in idx))
            span_hi = min(ghi, sum(hi[k] for k in idx))
            ranges.append([(s, abs(s - have)) for s in _outward(have, span_lo, span_hi)])
        for sums in itertools.product(*ranges):
            if best is not None and any(cost > best for _, cost in sums):
                continue
            blocks = [(idx, s) for (idx, _), (s, _) in zip(group_list, sums, strict=True)]
            blocks.append((tuple(rest), n - sum(s for s, _ in sums)))
            t = _fill(c, lo, hi, blocks)
            if t is None:
                continue
            key = preference(c, t)
            if best is None or key[0] < best:
                best = key[0]
                found = [f for f in found if f[0][0] <= best]
            if key[0] <= best:
                found.append((key, t))
    found.sort()
    for _, t in found:
        yield _polish(c, t, b)


def _fits(t: list[int], b: _Bounds) -> bool:
    if any(not lo <= x <= hi for x, lo, hi in zip(t, b.lo, b.hi, strict=True)):
        return False
    if any(not lo <= sum(t[k] for k in idx) <= hi for idx, (lo, hi) in b.groups.items()):
        return False
    return b.largest is None or t[b.largest] == max(t)


def _polish(c: tuple[int, ...], t: tuple[int, ...], b: _Bounds) -> tuple[int, ...]:
    """Improve a target's distance (and tie-break) without adding changes, by moving one or
    two pegawai of the target at a time while the bounds hold; the closed-form fill above
    keeps the changes minimal but may send them further than needed. (Exhaustively checked:
    single moves alone miss the best target in 94 of the 92,805 cases of the test.)"""
    key = preference(c, t)
    lo, hi = b.lo, b.hi
    neighbourhood = _SINGLES
    while True:
        for delta in neighbourhood:
            extra = 0
            for k, d in delta:
                v = t[k] + d
                if v < lo[k] or v > hi[k]:
                    break
                extra += max(0, c[k] - v) - max(0, c[k] - t[k])
            else:
                if extra:
                    continue
                u = list(t)
                for k, d in delta:
                    u[k] += d
                if not _fits(u, b):
                    continue
                cand = tuple(u)
                k2 = (key[0], distance(c, cand), tuple(reversed(cand)))
                if k2 < key:
                    t, key = cand, k2
                    neighbourhood = _SINGLES
                    break
        else:
            if neighbourhood is _PAIRS:
                break
            neighbourhood = _PAIRS
    return t


def _unit(i: int, j: int) -> tuple[int, ...]:
    return tuple((k == i) - (k == j) for k in range(_N))


def _sparse(delta: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    return tuple((k, d) for k, d in enumerate(delta) if d)


_DENSE = [_unit(i, j) for i in range(_N) for j in range(_N) if i != j]
_SINGLES = [_sparse(d) for d in _DENSE]
# Two moves at once, as net changes of the counts: each distinct one once.
_PAIRS = [
    _sparse(d)
    for d in sorted(
        {tuple(x + y for x, y in zip(a, b2, strict=True)) for a in _DENSE for b2 in _DENSE}
        - {(0,) * _N}
        - set(_DENSE)
    )
]


def _fill(
    c: tuple[int, ...],
    lo: list[int],
    hi: list[int],
    blocks: list[tuple[tuple[int, ...], int]],
) -> tuple[int, ...] | None:
    """Counts within [lo, hi] whose blocks sum as given, keeping as many pegawai where they
    are as possible; the unavoidable extra changes go to the predikat nearest the other
    side of the moves."""
    t = [min(max(a, lo[k]), hi[k]) for k, a in enumerate(c)]
    excess: dict[tuple[int, ...], int] = {}
    for idx, total in blocks:
        if not sum(lo[k] for k in idx) <= total <= sum(hi[k] for k in idx):
            return None
        excess[idx] = sum(t[k] for k in idx) - total
    # Where pegawai go to (forced in, or room to take more in a block that must take more)
    # and where they come from (forced out, or room to give in a block that must give).
    sinks = [k for k in range(_N) if t[k] > c[k]]
    sources = [k for k in range(_N) if t[k] < c[k]]
    for idx, d in excess.items():
        if d < 0:
            sinks += [k for k in idx if t[k] < hi[k]]
        elif d > 0:
            sources += [k for k in idx if t[k] > lo[k]]
    for idx, d in excess.items():
        if d > 0:  # give d more: from the predikat nearest a sink, the better one on a tie
            order = sorted(idx, key=lambda k: (_near(k, sinks), -k))
            for k in order:
                take = min(d, t[k] - lo[k])
                t[k] -= take
                d -= take
        elif d < 0:  # take -d more: into the predikat nearest a source, the lower on a tie
            order = sorted(idx, key=lambda k: (_near(k, sources), k))
            for k in order:
                put = min(-d, hi[k] - t[k])
                t[k] += put
                d += put
    return tuple(t)


def _near(k: int, places: list[int]) -> int:
    return min((abs(k - p) for p in places), default=0)
