"""What each document shows, from the consolidation's own results (recomputed by the rules,
never cached cells), as plain text: the layout in `pdf.py` decides nothing about values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sheetnilai.consolidate import Consolidation
from sheetnilai.periods import ANNUAL, period_end, period_objects
from sheetnilai.problems import Problem, Severity
from sheetnilai.roster import JenisJabatan
from sheetnilai.rules.distribution import DistributionResult, count_predikat
from sheetnilai.rules.labels import CURVE_ORDER
from sheetnilai.rules.numbers import number_text, percent_text
from sheetnilai.shown import cell_text
from sheetnilai.validate import IkiResult, PegawaiResult, UnitResult

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(day: dt.date) -> str:
    """A date as Indonesian forms print it: "31 Maret 2026"."""
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class Person:
    nama: str
    nip: str
    pangkat: str
    jabatan: str
    unit: str


@dataclass(frozen=True, slots=True)
class IkiLine:
    no: str  # "1", or "" for the second IKI of the same RHK
    rhk: str  # the RHK's text on its first IKI only
    iki: str
    target: str
    realisasi: str
    capaian: str
    umpan_balik: str


@dataclass(frozen=True, slots=True)
class Curve:
    """A unit's spread of predikat against its organisation's curve."""

    org: str  # the organisation's predikat, "" when unknown
    counts: tuple[tuple[str, int], ...]  # predikat label -> pegawai, in curve order
    status: str  # "Sesuai", "Tidak sesuai", "Belum ada data", or why it was not checked
    sentences: tuple[str, ...]

    def share(self, count: int) -> str:
        """`count` as a share of the unit, rounded as a spreadsheet rounds: "65%"."""
        total = sum(n for _, n in self.counts)
        return percent_text(Fraction(count, total)) if total else "0%"


@dataclass(frozen=True, slots=True)
class Heading:
    instansi: str
    period: str  # "Triwulan I"
    year: int | None
    start: dt.date | None
    end: dt.date | None
    tempat: str
    tanggal: str  # the signing date, "" for a line to fill by hand

    @property
    def period_title(self) -> str:
        return f"{self.period} {self.year}" if self.year else self.period

    @property
    def dates(self) -> str:
        if self.start is None or self.end is None:
            return ""
        return f"{tanggal(self.start)} s.d. {tanggal(self.end)}"


@dataclass(frozen=True, slots=True)
class Evaluasi:
    """One pegawai's Dokumen Evaluasi Kinerja Pegawai."""

    heading: Heading
    unit: str
    pegawai: Person
    penilai: Person
    atasan: Person
    curve: Curve
    utama: tuple[IkiLine, ...]
    tambahan: tuple[IkiLine, ...]
    perilaku: tuple[tuple[str, str, str], ...]  # aspek, ekspektasi khusus, umpan balik
    rating_hasil: str
    rating_perilaku: str
    predikat: str
    angka_kredit: str  # "" when the pegawai is not fungsional
    catatan: str
    file: str
    sheet: str


@dataclass(frozen=True, slots=True)
class PenetapanRow:
    nama: str
    nip: str
    jabatan: str
    rating_hasil: str
    rating_perilaku: str
    predikat: str  # the label, or why it is not set yet


@dataclass(frozen=True, slots=True)
class Penetapan:
    """A unit's Penetapan Predikat Kinerja, for its leader to sign."""

    heading: Heading
    unit: str
    rows: tuple[PenetapanRow, ...]
    curve: Curve


@dataclass(frozen=True, slots=True)
class Skipped:
    """A pegawai who gets no document, and why."""

    unit: str
    file: str
    sheet: str
    nip: str
    nama: str
    reason: str


@dataclass(frozen=True, slots=True)
class UnitDocuments:
    unit: str
    evaluasi: tuple[Evaluasi, ...]
    penetapan: Penetapan
    skipped: tuple[Skipped, ...]


def heading(result: Consolidation, unit: UnitResult, tanggal_ttd: dt.date | None) -> Heading:
    scheme = period_objects(unit.periods)
    period = next((p for p in scheme if p.key == result.period), None)
    label = period.label if period else result.period
    year = result.year or unit.year
    start = end = None
    if year is not None and period is not None:
        end = period_end(year, unit.periods, period.key)
        parts = [p.key for p in scheme if not p.is_annual]
        first = period.key == ANNUAL.key or parts.index(period.key) == 0
        if first:
            start = dt.date(year, 1, 1)
        else:
            previous = parts[parts.index(period.key) - 1]
            start = period_end(year, unit.periods, previous) + dt.timedelta(days=1)
    return Heading(
        instansi=result.policy.instansi.nama,
        period=label,
        year=year,
        start=start,
        end=end,
        tempat=result.policy.instansi.tempat,
        tanggal=tanggal(tanggal_ttd) if tanggal_ttd else "",
    )


def curve(result: Consolidation, unit: UnitResult) -> Curve:
    org, dist = result.distribution.get(unit.name, (None, None))
    counts = _counts(unit.pegawai, dist)
    if dist is None:
        status = "Belum diperiksa: predikat organisasi unit ini tidak diketahui."
        return Curve(org.label if org else "", counts, status, ())
    sentences = tuple(f.sentence for f in dist.findings)
    return Curve(dist.org.label, counts, dist.status, sentences)


def _counts(
    pegawai: Sequence[PegawaiResult], dist: DistributionResult | None
) -> tuple[tuple[str, int], ...]:
    counts = (
        dist.counts
        if dist is not None
        else count_predikat(g.predikat for g in pegawai if g.predikat is not None)
    )
    return tuple((p.label, counts.get(p, 0)) for p in CURVE_ORDER)


def _person(values: tuple[str, ...]) -> Person:
    padded = (*values, "", "", "", "", "")[:5]
    return Person(*padded)


def shown_number(value: object) -> str:
    """An input as typed, numbers written the Indonesian way (1.500.000,5) with the digits
    a spreadsheet shows."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        return cell_text(value)
    if isinstance(value, Fraction):
        return number_text(value, 2)
    # 15 significant digits, as a spreadsheet shows a number: 0.1+0.2 is 0.3 there.
    text = format(value, ".15g") if isinstance(value, float) else str(value)
    if not text.lstrip("-").replace(".", "", 1).isdigit():
        return text  # 1e+20, inf: as typed
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, decimals = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + decimals if decimals else "")


def _with_unit(value: str, satuan: str) -> str:
    if not value:
        return ""
    # "95%" rather than "95 %": a percent sign follows its number.
    return value + satuan if satuan.strip() == "%" else f"{value} {satuan}".strip()


def iki_lines(ikis: Sequence[IkiResult], jenis: str) -> tuple[IkiLine, ...]:
    lines: list[IkiLine] = []
    seen: set[int] = set()
    numbers: dict[int, int] = {}
    for i in ikis:
        if i.jenis.casefold() != jenis.casefold():
            continue
        first = i.rhk_no not in seen
        seen.add(i.rhk_no)
        numbers.setdefault(i.rhk_no, len(numbers) + 1)
        target = shown_number(i.target_periode) or shown_number(i.target)
        if target and shown_number(i.target_atas) and not shown_number(i.target_periode):
            target = f"{target}–{shown_number(i.target_atas)}"
        target = _with_unit(target, i.satuan) or i.target_kualitatif
        capaian = (
            f"{number_text(i.capaian, 2)}%" if i.capaian is not None else i.capaian_text or "-"
        )
        lines.append(
            IkiLine(
                no=str(numbers[i.rhk_no]) if first else "",
                rhk=i.rhk if first else "",
                iki=i.iki,
                target=target,
                realisasi=_with_unit(shown_number(i.realisasi), i.satuan),
                capaian=capaian,
                umpan_balik=i.umpan_balik,
            )
        )
    return tuple(lines)


def _angka_kredit(peg: PegawaiResult, digits: int) -> str:
    fungsional = peg.jenis_jabatan.casefold() == JenisJabatan.FUNGSIONAL.label.casefold()
    if not fungsional or peg.angka_kredit is None:
        return ""
    return number_text(Fraction(peg.angka_kredit), digits, fixed=True)


def _label(value: object) -> str:
    return str(getattr(value, "label", "")) if value is not None else ""


def _reason(problems: Sequence[Problem]) -> str:
    first = problems[0]
    where = f" (sel {first.cell})" if first.cell else ""
    more = f"; dan {len(problems) - 1} galat lain" if len(problems) > 1 else ""
    return f"{first.message}{where}{more}"


def unit_documents(
    result: Consolidation, unit: UnitResult, tanggal_ttd: dt.date | None = None
) -> UnitDocuments:
    """Every document of one unit for the consolidation's period. A pegawai with a galat
    gets no Dokumen Evaluasi (its values could be wrong) and is listed with the reason; the
    Penetapan lists every pegawai, a missing predikat with why."""
    head = heading(result, unit, tanggal_ttd)
    unit_curve = curve(result, unit)
    by_sheet: dict[str, list[IkiResult]] = {}
    for i in unit.iki:
        by_sheet.setdefault(i.sheet, []).append(i)
    galat: dict[str, list[Problem]] = {}
    for p in unit.problems:
        if p.severity is Severity.GALAT and p.sheet:
            galat.setdefault(p.sheet, []).append(p)
    digits = result.policy.angka_kredit.desimal_tampilan
    documents: list[Evaluasi] = []
    skipped: list[Skipped] = []
    rows: list[PenetapanRow] = []
    for peg in unit.pegawai:
        errors = galat.get(peg.sheet, [])
        if errors or peg.galat:
            reason = _reason(errors) if errors else "lembar ini memuat galat"
            skipped.append(Skipped(unit.unit, unit.name, peg.sheet, peg.nip, peg.nama, reason))
        else:
            ikis = by_sheet.get(peg.sheet, [])
            documents.append(
                Evaluasi(
                    heading=head,
                    unit=unit.unit,
                    pegawai=Person(
                        peg.nama, peg.nip, peg.pangkat, peg.jabatan, peg.shown_unit or unit.unit
                    ),
                    penilai=_person(peg.penilai),
                    atasan=_person(peg.atasan_penilai),
                    curve=unit_curve,
                    utama=iki_lines(ikis, "Utama"),
                    tambahan=iki_lines(ikis, "Tambahan"),
                    perilaku=peg.perilaku,
                    rating_hasil=_label(peg.rating_hasil),
                    rating_perilaku=_label(peg.rating_perilaku),
                    predikat=_label(peg.predikat),
                    angka_kredit=_angka_kredit(peg, digits),
                    catatan=peg.catatan,
                    file=unit.name,
                    sheet=peg.sheet,
                )
            )
        predikat = _label(peg.predikat) or (
            f"Belum dapat ditetapkan: lembar {peg.sheet} memuat galat (lihat tidak-dibuat.csv)"
        )
        rows.append(
            PenetapanRow(
                peg.nama,
                peg.nip,
                peg.jabatan,
                _label(peg.rating_hasil),
                _label(peg.rating_perilaku),
                predikat,
            )
        )
    penetapan = Penetapan(head, unit.unit, tuple(rows), unit_curve)
    return UnitDocuments(unit.unit, tuple(documents), penetapan, tuple(skipped))
