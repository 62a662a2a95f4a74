"""What each calculated cell of the unit workbook must show, computed with the rules library.

The formulas in `formulas.py` are spreadsheet translations of these functions; the tests
recalculate generated workbooks in LibreOffice and require both to agree, and the
consolidation uses them to recompute every score from the raw inputs and to catch a cached
value that differs. Inputs are raw cell values as a reader returns them: None or "" for an
empty cell, int/float for numbers, str for text, bool for TRUE/FALSE. Text is never taken as
a number here, because spreadsheet formulas cannot compute with it either.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from sheetnilai.periods import Period
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import (
    Arah,
    Target,
    capaian_persen,
    capaian_within,
    saran_rating,
)
from sheetnilai.rules.distribution import active_constraints, check_distribution
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import OrgPredikat, Predikat, Rating
from sheetnilai.rules.numbers import exact, number_text, round_fraction
from sheetnilai.rules.periodik import (
    annual_realisasi,
    is_behind,
    period_realisasi,
    reads_so_far,
    target_share,
)
from sheetnilai.rules.plausibility import (
    Field,
    Finding,
    Kind,
    check_date,
    check_numbers,
    clearly_near,
)
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy, Sifat
from sheetnilai.rules.predikat import predikat
from sheetnilai.workbook import formulas as f

CellValue = object
# Spreadsheets pre-round to 9 decimals before ROUND (see formulas.capaian).
PRE_ROUND = 9


def is_blank(value: CellValue) -> bool:
    return value is None or value == ""


_NUMBERS = frozenset({int, float, Fraction})


def is_number(value: CellValue) -> bool:
    # A Fraction is a value the model computed for a formula cell (the dinilai cells). The
    # exact-type test first: isinstance against Fraction (an ABC's subclass) is slow, and
    # every cell of every period passes here.
    if type(value) in _NUMBERS:
        return True
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool)


def _num(value: CellValue) -> Fraction:
    return exact(value, "nilai")


def exact_number(value: CellValue, default: CellValue = None) -> Fraction:
    """A numeric cell value as an exact Fraction; `default` stands in for a blank cell."""
    return _num(default if is_blank(value) else value)


def _same_text(value: CellValue, label: str) -> bool:
    """Spreadsheet `=` on text: case-insensitive, no trimming."""
    return isinstance(value, str) and value.casefold() == label.casefold()


def sifat_kind(sifat: CellValue, policy: Policy = DEFAULT_POLICY) -> Sifat:
    """The sifat the formulas act on: "Kumulatif" (any case), or blank under a kumulatif
    policy; anything else counts as tetap (the capaian cell then refuses an unknown word)."""
    kum = _same_text(sifat, Sifat.KUMULATIF.value) or (
        is_blank(sifat) and policy.capaian_periodik.sifat_kosong is Sifat.KUMULATIF
    )
    return Sifat.KUMULATIF if kum else Sifat.TETAP


_SIFAT_FOLDED = frozenset(s.value.casefold() for s in Sifat)


def sifat_known(sifat: CellValue) -> bool:
    return is_blank(sifat) or (isinstance(sifat, str) and sifat.casefold() in _SIFAT_FOLDED)


def number_or_none(value: CellValue) -> Fraction | None:
    return _num(value) if is_number(value) else None


def dinilai_cells(
    index: int,
    periods: Sequence[Period],
    realisasi: Sequence[CellValue],
    target: CellValue,
    target_atas: CellValue,
    sifat: CellValue,
    target_periode: CellValue = None,
    policy: Policy = DEFAULT_POLICY,
    exact_realisasi: Sequence[Fraction | None] | None = None,
) -> tuple[CellValue, CellValue, CellValue]:
    """The realisasi, target and target batas atas period `index`'s capaian compares (the
    *dinilai* cells; rules/periodik.py decides). `realisasi`: every period's realisasi cell in
    the scheme's order. Blank and text pass through for the capaian cell to refuse; an earlier
    period's text counts as blank. Blank stays blank; text or TRUE becomes "bukan angka".
    `exact_realisasi`: `number_or_none` of each of `realisasi`, when the caller has them (a
    run over every period converts them once)."""
    if exact_realisasi is None:
        exact_realisasi = [number_or_none(r) for r in realisasi]
    kind = sifat_kind(sifat, policy)
    per = policy.capaian_periodik
    own = realisasi[index]

    def passed(value: CellValue) -> CellValue:
        return "" if is_blank(value) else value if is_number(value) else f.TXT_BUKAN_ANGKA

    if periods[index].is_annual:
        real: CellValue = passed(own)
        if is_blank(own) and kind is Sifat.KUMULATIF:
            parts = sum(1 for p in periods if not p.is_annual)
            found = annual_realisasi(kind, None, exact_realisasi[:parts], per)
            real = "" if found is None else found
        return real, passed(target), passed(target_atas)
    given = not is_blank(target_periode)
    if not is_number(own):
        real = passed(own)
    elif reads_so_far(kind, given, per):
        # Only a sum needs the other periods' cells.
        found = period_realisasi(kind, exact_realisasi, index, given, per)
        real = found if found is not None else ""
    else:
        real = own
    if given:
        return real, passed(target_periode), ""
    if kind is Sifat.TETAP:
        return real, passed(target), passed(target_atas)
    share = target_share(kind, [p.months for p in periods if not p.is_annual], index, per)

    def scaled(bound: CellValue) -> CellValue:
        return _num(bound) * share if is_number(bound) else passed(bound)

    return real, scaled(target), scaled(target_atas)


# Cell values that key the capaian memo: hashable, and with typed=True a bool (TRUE is no
# number) or a date never shares an entry with the number it equals.
_KEYED = frozenset({int, float, str, Fraction, type(None)})


def capaian_cell(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    policy: Policy = DEFAULT_POLICY,
    sifat: CellValue = None,
) -> Fraction | str:
    """The capaian (%) cell of one IKI in one period: a number, "" or a short reason.

    The inputs are the period's dinilai cells (`dinilai_cells`); `sifat` the IKI's sifat."""
    cap = policy.capaian
    if (
        type(realisasi) in _KEYED
        and type(target) in _KEYED
        and type(target_atas) in _KEYED
        and type(arah) in _KEYED
        and type(sifat) in _KEYED
    ):
        # Targets and realisasi repeat (100, 12, 1): every IKI of every period of a run is
        # scored here, so the same inputs are computed once.
        batas = cap.batas_atas
        return _capaian_memo(
            realisasi,
            target,
            target_atas,
            arah,
            sifat,
            cap.desimal,
            batas.numerator,
            batas.denominator,
        )
    return _capaian(realisasi, target, target_atas, arah, cap.desimal, cap.batas_atas, sifat)


@functools.lru_cache(maxsize=1 << 15, typed=True)
def _capaian_memo(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    sifat: CellValue,
    desimal: int | None,
    batas_num: int,
    batas_den: int,
) -> Fraction | str:
    batas = Fraction(batas_num, batas_den)
    return _capaian(realisasi, target, target_atas, arah, desimal, batas, sifat)


def _capaian(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    desimal: int | None,
    batas_atas: Fraction,
    sifat: CellValue,
) -> Fraction | str:
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
    if real.numerator < 0 or low.numerator < 0 or high.numerator < 0:
        return f.TXT_NEGATIF
    if has_atas and high < low:
        return f.TXT_RENTANG
    if is_blank(arah) or _same_text(arah, Arah.NAIK.value):
        direction = Arah.NAIK
    elif _same_text(arah, Arah.TURUN.value):
        direction = Arah.TURUN
    else:
        return f.TXT_ARAH
    if not sifat_known(sifat):
        return f.TXT_SIFAT
    try:
        raw = capaian_persen(real, Target(low, high), direction)
    except RuleError as exc:
        if exc.code == "target-nol":
            return f.TXT_TARGET_NOL
        raise
    return capaian_within(round_fraction(raw, PRE_ROUND), desimal, batas_atas)


def _plausible_numbers(
    realisasi: CellValue, target: CellValue, target_atas: CellValue, capaian: Fraction | str
) -> tuple[Fraction, Fraction, Fraction] | None:
    """(realisasi, low, high) where the plausibility of numbers is checked: the capaian is a
    number (so the inputs are valid) and the realisasi is above 0 ("nothing yet" is no typo)."""
    if not isinstance(capaian, Fraction) or not is_number(realisasi) or _num(realisasi) <= 0:
        return None
    low = _num(target)
    return _num(realisasi), low, low if is_blank(target_atas) else _num(target_atas)


def plausibility(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    satuan: CellValue,
    policy: Policy = DEFAULT_POLICY,
    *,
    dates: tuple[dt.date | None, dt.date | None, dt.date | None] = (None, None, None),
    realisasi_percent: bool = False,
    target_percent: bool = False,
    capaian: Fraction | str | None = None,
) -> list[Finding]:
    """Every implausible number of one IKI in one period (rules/plausibility.py).

    `dates`: the dates the target, target atas and realisasi cells show (a date-formatted
    number), `*_percent`: a percent number format; both as the reader saw them. A date is
    reported whether or not a capaian results, and then nothing else is compared. `capaian`:
    the row's `capaian_cell`, when the caller has it already.
    """
    if dates != (None, None, None):  # most rows: no date format on any of the three cells
        found = [
            check_date(field, _num(value), date)
            for field, value, date in zip(
                (Field.TARGET, Field.TARGET_ATAS, Field.REALISASI),
                (target, target_atas, realisasi),
                dates,
                strict=True,
            )
            if date is not None and is_number(value)
        ]
        if found:
            return found
    if capaian is None:
        capaian = capaian_cell(realisasi, target, target_atas, arah, policy)
    if (
        isinstance(capaian, Fraction)
        and is_number(realisasi)
        and clearly_near(
            cast(float, realisasi),
            cast(float, target),
            cast(float, target if is_blank(target_atas) else target_atas),
            policy.plausibilitas,
        )
    ):
        # What check_numbers would conclude first, decided on the cells' own numbers before
        # any of them is made exact (most IKI rows of a run end here).
        return []
    numbers = _plausible_numbers(realisasi, target, target_atas, capaian)
    if numbers is None:
        return []
    finding = check_numbers(
        *numbers, satuan, policy.plausibilitas, realisasi_percent, target_percent
    )
    return [] if finding is None else [finding]


def hint_number(value: Fraction) -> str:
    """A number as a hint or message shows it (formulas._number_text agrees)."""
    return number_text(value, 6)


def periksa_cell(
    realisasi: CellValue,
    target: CellValue,
    target_atas: CellValue,
    arah: CellValue,
    satuan: CellValue,
    policy: Policy = DEFAULT_POLICY,
    sifat: CellValue = None,
) -> str:
    """The "Periksa isian" cell of one IKI in one period: a short hint, or "".

    The inputs are the period's dinilai cells. The template's formula cannot see number
    formats, so this is `plausibility` without them (and so without dates).
    """
    capaian = capaian_cell(realisasi, target, target_atas, arah, policy, sifat)
    numbers = _plausible_numbers(realisasi, target, target_atas, capaian)
    if numbers is None:
        return ""
    finding = check_numbers(*numbers, satuan, policy.plausibilitas)
    if finding is None:
        return ""
    if finding.kind is Kind.PERSEN_PECAHAN:
        return f.HINT_PERSEN + hint_number(finding.value * 100)
    if finding.kind is Kind.PERSEN_TARGET_PECAHAN:
        return f"{f.HINT_PERSEN}{hint_number(finding.value)}%"
    if finding.kind is Kind.TERLALU_BESAR:
        return f.HINT_DI_ATAS
    return f.HINT_DI_BAWAH


def saran_cell(capaian: Iterable[Fraction | str], policy: Policy = DEFAULT_POLICY) -> str:
    numbers = [c for c in capaian if isinstance(c, Fraction)]
    rating = saran_rating(numbers, policy.saran_rating)
    return rating.label if rating else ""


def behind_cell(capaian: Iterable[Fraction | str], policy: Policy = DEFAULT_POLICY) -> int:
    """The Rekap's "IKI tertinggal" of one pegawai in one period: numeric capaian more than
    peringatan_dini.selisih_target below 100 (the rule sheetnilai.trends applies)."""
    rule = policy.peringatan_dini
    return sum(1 for c in capaian if isinstance(c, Fraction) and is_behind(c, rule))


_RATINGS = {r.label.casefold(): r for r in Rating}
_PREDIKAT = {p.label.casefold(): p for p in Predikat}


def rating_label(value: CellValue) -> Rating | None:
    """The rating a cell names exactly (any case), as the template's formulas match it."""
    return _RATINGS.get(value.casefold()) if isinstance(value, str) else None


def predikat_cell(hasil: CellValue, perilaku: CellValue) -> str:
    if is_blank(hasil) or is_blank(perilaku):
        return ""
    h, p = rating_label(hasil), rating_label(perilaku)
    if h is None or p is None:
        return "rating tidak dikenal"
    return predikat(h, p).label


def angka_kredit_cell(
    predikat_text: CellValue, jenjang: CellValue, bulan: CellValue, policy: Policy = DEFAULT_POLICY
) -> Fraction | str:
    if is_blank(predikat_text) or is_blank(jenjang) or not is_number(bulan):
        return ""
    pred = _PREDIKAT.get(predikat_text.casefold()) if isinstance(predikat_text, str) else None
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
