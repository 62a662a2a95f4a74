"""The year across periods: trends and early warnings (monitoring, evaluation and course
correction, domain.md §2.6) from the consolidations of several periods of one run.

Every warning names the file, sheet and cell where there is one, and says what to do. The
thresholds are policy settings (`[peringatan_dini]`), compared exactly (Fractions).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sheetnilai.consolidate import Consolidation
from sheetnilai.periods import all_period_keys
from sheetnilai.rules.labels import CURVE_ORDER, Predikat
from sheetnilai.rules.numbers import number_text
from sheetnilai.rules.periodik import is_behind
from sheetnilai.validate import IkiResult, PegawaiResult

__all__ = ["EarlyWarning", "early_warnings", "in_scheme_order"]


@dataclass(frozen=True, slots=True)
class EarlyWarning:
    kind: str  # the Jenis column: what was found
    period: str
    unit: str
    nip: str
    nama: str
    file: str
    sheet: str
    cell: str
    detail: str
    action: str


def in_scheme_order(results: Sequence[Consolidation]) -> list[Consolidation]:
    order = {k: i for i, k in enumerate(all_period_keys())}
    return sorted(results, key=lambda c: order.get(c.period, len(order)))


def _adjacent(periods: Sequence[str], earlier: str, later: str) -> bool:
    """Whether `later` directly follows `earlier` in a workbook's scheme (TW1 → TW2)."""
    try:
        return periods.index(later) == periods.index(earlier) + 1
    except ValueError:
        return False


_ROW = re.compile(r"(\d+)$")


def _iki_key(i: IkiResult) -> tuple[str, str, str]:
    """An IKI across periods: its row of its sheet (the realisasi cell's row)."""
    m = _ROW.search(i.cell)
    return i.file, i.sheet, m.group(1) if m else i.iki


def _no_realisasi(i: IkiResult) -> bool:
    return (i.realisasi is None or i.realisasi == "") and (
        i.realisasi_dinilai is None or i.realisasi_dinilai == ""
    )


def _rank(p: Predikat) -> int:
    return CURVE_ORDER.index(p)  # worst first


def early_warnings(results: Sequence[Consolidation]) -> list[EarlyWarning]:
    """Early warnings over the periods of one run (in scheme order)."""
    runs = in_scheme_order(results)
    if not runs:
        return []
    rule = runs[0].policy.peringatan_dini
    out: list[EarlyWarning] = []
    for c in runs:
        for u in c.units:
            for i in u.iki:
                if i.capaian is not None and is_behind(i.capaian, rule):
                    out.append(_behind(i, rule.selisih_target))
    for before, after in itertools.pairwise(runs):
        out.extend(_pairs(before, after))
    return out


def _behind(i: IkiResult, margin: Fraction) -> EarlyWarning:
    assert i.capaian is not None
    against = (
        "target periode"
        if i.target_periode not in (None, "")
        else "target yang dinilai (" + _num(i.target_dinilai) + ")"
    )
    return EarlyWarning(
        "IKI tertinggal dari target",
        i.period,
        i.unit,
        i.nip,
        i.nama,
        i.file,
        i.sheet,
        i.cell,
        f'IKI "{i.iki}": capaian {number_text(i.capaian, 2)}% terhadap {against}, lebih dari '
        f"{number_text(margin, 2)} poin di bawah 100%.",
        "Bahas dengan pegawai pada umpan balik berkelanjutan: apa hambatannya, dan rencana aksi "
        "apa yang mengejar ketertinggalan di periode berikutnya.",
    )


def _num(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        return "-"
    return number_text(Fraction(value), 2)


def _pairs(before: Consolidation, after: Consolidation) -> list[EarlyWarning]:
    out: list[EarlyWarning] = []
    earlier = {_iki_key(i): i for u in before.units for i in u.iki}
    for u in after.units:
        if not _adjacent(u.periods, before.period, after.period) or after.period == "TAHUNAN":
            continue
        for i in u.iki:
            prev = earlier.get(_iki_key(i))
            if prev is not None and _no_realisasi(prev) and _no_realisasi(i):
                out.append(
                    EarlyWarning(
                        "IKI tanpa realisasi dua periode",
                        after.period,
                        i.unit,
                        i.nip,
                        i.nama,
                        i.file,
                        i.sheet,
                        i.cell,
                        f'IKI "{i.iki}" belum berisi realisasi pada {before.period} maupun '
                        f"{after.period}.",
                        "Pastikan kegiatannya berjalan; bila IKI ini tidak lagi relevan, ubah "
                        "SKP bersama pejabat penilai.",
                    )
                )
    peg_before = {(p.nip, p.file): p for p in before.pegawai if p.nip}
    for p in after.pegawai:
        prev_p = peg_before.get((p.nip, p.file)) or next(
            (q for q in before.pegawai if q.nip and q.nip == p.nip), None
        )
        if prev_p is None or prev_p.predikat is None or p.predikat is None:
            continue
        if _rank(p.predikat) < _rank(prev_p.predikat):
            out.append(_fell(prev_p, p, before.period))
    failed_before = {
        name
        for name, (_, dist) in before.distribution.items()
        if dist is not None and dist.status == "Tidak sesuai"
    }
    for u in after.units:
        _, dist = after.distribution.get(u.name, (None, None))
        if dist is None or dist.status != "Tidak sesuai" or u.name not in failed_before:
            continue
        out.append(
            EarlyWarning(
                "Kurva distribusi tidak sesuai dua periode",
                after.period,
                u.unit,
                "",
                "",
                u.name,
                "Rekap",
                u.org_cell,
                f"Sebaran predikat unit tidak sesuai kurva pada {before.period} dan "
                f"{after.period}.",
                "Kalibrasi penilaian bersama pimpinan unit sebelum periode berikutnya (SE "
                "MenPANRB 3/2023).",
            )
        )
    return out


def _fell(before: PegawaiResult, after: PegawaiResult, period: str) -> EarlyWarning:
    assert before.predikat is not None and after.predikat is not None
    return EarlyWarning(
        "Predikat turun",
        after.period,
        after.unit,
        after.nip,
        after.nama,
        after.file,
        after.sheet,
        after.predikat_cell,
        f"Predikat turun dari {before.predikat.label} ({period}) menjadi "
        f"{after.predikat.label} ({after.period}).",
        "Pejabat penilai memberi umpan balik dan, bila perlu, rencana pengembangan "
        "(coaching/mentoring) sebelum periode berikutnya.",
    )
