"""What each calculated cell of the unit workbook must show, computed with the rules library.

The formulas in `formulas.py` are spreadsheet translations of these functions; the tests
recalculate generated workbooks in LibreOffice and require both to agree, and the
consolidation uses them to recompute every score from the raw inputs and to catch a cached
value that differs. Inputs are raw cell values as a reader returns them: None or "" for an
empty cell, int/float for numbers, str for text, bool for TRUE/FALSE. Text is never taken as
a number here, because spreadsheet formulas cannot compute with it either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import Arah, Target, capaian_persen, capaian_shown, saran_rating
from sheetnilai.rules.distribution import active_constraints, check_distribution
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import OrgPredikat, Predikat, Rating
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.rules.predikat import predikat
from sheetnilai.workbook import formulas as f

CellValue = object
# Spreadsheets pre-round to 9 decimals before ROUND (see formulas.capaian).
PRE_ROUND = 9


def is_blank(value: CellValue) -> bool:
    return value is None or value == ""


def is_number(value: CellValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _num(value: CellValue) -> Fraction:
    return exact(value, "nilai")


def _same_text(value: CellValue, label: str) -> bool:
    """Spreadsheet `=` on text: case-insensitive, no trimming."""
    return isinstance(value, str) and value.casefold() == label.casefold()


def capaian_cell(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    policy: Policy = DEFAULT_POLICY,
) -> Fraction | str:
    """The capaian (%) cell of one IKI in one period: a number, "" or a short reason."""
    if is_blank(realisasi) or (is_blank(target) and is_blank(target_atas)):
        return ""
    has_atas = not is_blank(target_atas)
    if (
        not is_number(realisasi)
        or not is_number(target)
        or (has_atas and not is_number(target_atas))
    ):
        return f.TXT_BUKAN_ANGKA
    real, low = _num(realisasi), _num(target)
    high = _num(target_atas) if has_atas else low
    if real < 0 or low < 0 or high < 0:
        return f.TXT_NEGATIF
    if high < low:
        return f.TXT_RENTANG
    if is_blank(arah) or _same_text(arah, Arah.NAIK.value):
        direction = Arah.NAIK
    elif _same_text(arah, Arah.TURUN.value):
        direction = Arah.TURUN
    else:
        return f.TXT_ARAH
    try:
        raw = capaian_persen(real, Target(low, high), direction)
    except RuleError as exc:
        if exc.code == "target-nol":
            return f.TXT_TARGET_NOL
        raise
    return capaian_shown(Fraction(round_half_up(raw, PRE_ROUND)), policy.capaian)


def saran_cell(capaian: Iterable[Fraction | str], policy: Policy = DEFAULT_POLICY) -> str:
    numbers = [c for c in capaian if isinstance(c, Fraction)]
    rating = saran_rating(numbers, policy.saran_rating)
    return rating.label if rating else ""


def _rating(value: CellValue) -> Rating | None:
    return next((r for r in Rating if _same_text(value, r.label)), None)


def predikat_cell(hasil: CellValue, perilaku: CellValue) -> str:
    if is_blank(hasil) or is_blank(perilaku):
        return ""
    h, p = _rating(hasil), _rating(perilaku)
    if h is None or p is None:
        return "rating tidak dikenal"
    return predikat(h, p).label


def angka_kredit_cell(
    predikat_text: CellValue, jenjang: CellValue, bulan: CellValue, policy: Policy = DEFAULT_POLICY
) -> Fraction | str:
    if is_blank(predikat_text) or is_blank(jenjang) or not is_number(bulan):
        return ""
    pred = next((p for p in Predikat if _same_text(predikat_text, p.label)), None)
    name = next((j for j in policy.angka_kredit.koefisien if _same_text(jenjang, j)), None)
    if pred is None or name is None:
        return ""
    try:
        return angka_kredit(pred, name, bulan, policy.angka_kredit)
    except RuleError:
        return f.TXT_BULAN


@dataclass(frozen=True, slots=True)
class DistributionCells:
    status: str
    sentences: tuple[str, ...]  # one per slot, "" where the rule holds or no rule

    @property
    def text(self) -> str:
        return " ".join(s for s in self.sentences if s)


def distribution_cells(
    org: CellValue, predikat_values: Sequence[CellValue], policy: Policy = DEFAULT_POLICY
) -> DistributionCells:
    """Status and per-rule sentences of the Rekap's distribution check for one period."""
    blank = ("",) * f.DIST_SLOTS
    if is_blank(org):
        return DistributionCells("Pilih predikat organisasi", blank)
    org_p = next((o for o in OrgPredikat if _same_text(org, o.label)), None)
    counts = {p: sum(1 for v in predikat_values if _same_text(v, p.label)) for p in Predikat}
    if org_p is None:
        return DistributionCells("Pilih predikat organisasi", blank)
    if sum(counts.values()) == 0:
        return DistributionCells("Belum ada data", blank)
    result = check_distribution(org_p, counts, policy.distribusi)
    sentences = [""] * f.DIST_SLOTS
    for finding in result.findings:
        sentences[finding.slot] = finding.sentence
    assert len(active_constraints(org_p, policy.distribusi)) <= f.DIST_SLOTS
    return DistributionCells(result.status, tuple(sentences))
