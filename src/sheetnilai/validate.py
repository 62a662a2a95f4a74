"""Checks and recomputation of one unit workbook for one period.

Everything a workbook displays is recomputed here from its raw inputs with the rules library
(through `workbook.model`, the same statements the template's formulas are proven against);
a displayed value is only compared, never trusted. Every finding is a `Problem` with the file,
sheet, cell, NIP and nama.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sheetnilai.activity import DateUnreadable, format_date, is_active, parse_date
from sheetnilai.periods import period_end, period_objects
from sheetnilai.pickling import reduce_by_fields
from sheetnilai.problems import Problem
from sheetnilai.roster import JenisJabatan, Pegawai
from sheetnilai.rules.capaian import nilai_capaian
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import OrgPredikat, Predikat, Rating, parse_org_predikat, parse_rating
from sheetnilai.rules.labels import name_key as _norm
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.numbers import exact_sum
from sheetnilai.rules.periodik import annual_sum_differs
from sheetnilai.rules.plausibility import Field
from sheetnilai.rules.policy import Policy
from sheetnilai.rules.predikat import predikat as matrix_predikat
from sheetnilai.shown import iki_shown
from sheetnilai.sources.unit import EMPTY, Cell, Row, SkpSheet, UnitBook
from sheetnilai.workbook import model
from sheetnilai.workbook.layout import (
    ACTIVE_KEYS,
    DINILAI_FIELDS,
    IDENTITY_LABELS,
    IDENTITY_ROWS,
    META_SHEET,
    RECAP_SHEET,
    TEMPLATE_VERSION,
)

_DINILAI_LABEL = {
    "realisasi_dinilai": "Realisasi dinilai",
    "target_dinilai": "Target dinilai",
    "atas_dinilai": "Batas atas dinilai",
}

PLAN_CONTENT = (
    "jenis",
    "rhk_atasan",
    "rhk",
    "aspek",
    "iki",
    "target",
    "target_atas",
    "satuan",
    "target_kualitatif",
    "sifat",
)
CALCULATED = {"capaian"}  # per period, in the hasil kerja block
NILAI_CALCULATED = ("saran", "predikat", "angka_kredit")


@dataclass(slots=True)
class IkiResult:
    __reduce__ = reduce_by_fields

    unit: str
    file: str
    sheet: str
    nip: str
    nama: str
    period: str
    rhk_no: int
    jenis: str
    rhk: str
    rhk_atasan: str
    aspek: str
    iki: str
    target: object
    target_atas: object
    satuan: str
    arah: str
    target_kualitatif: str
    realisasi: object  # as typed in the period's cell
    capaian: Fraction | None
    capaian_text: str  # the model's reason when there is no number ("target 0", …)
    nilai: Fraction | None
    kategori: str
    bukti: str
    umpan_balik: str
    cell: str
    sifat: str = ""
    rhk_atasan_cell: str = ""  # where the intervened RHK of the penilai is named
    target_periode: object = None
    # What the capaian compared (rules/periodik.py): realisasi so far, pro-rata target, …
    realisasi_dinilai: object = None
    target_dinilai: object = None
    # The values as the score book shows them (shown.iki_shown), computed where the IKI is
    # checked; empty for an IkiResult made elsewhere, which the report then converts itself.
    shown: tuple[str | float | None, ...] = ()


@dataclass(slots=True)
class PegawaiResult:
    __reduce__ = reduce_by_fields

    unit: str
    file: str
    sheet: str
    nip: str
    nama: str
    jabatan: str
    jenis_jabatan: str
    status: str
    jenjang: str
    pangkat: str
    penilai_nip: str
    penilai_nama: str
    period: str
    shown_unit: str = ""  # the unit kerja typed on the SKP sheet (evidence of the workbook's unit)
    n_iki: int = 0
    n_capaian: int = 0
    mean_capaian: Fraction | None = None
    min_capaian: Fraction | None = None
    saran: Rating | None = None
    rating_hasil: Rating | None = None
    rating_perilaku: Rating | None = None
    predikat: Predikat | None = None
    angka_kredit: Fraction | None = None
    galat: int = 0
    peringatan: int = 0
    predikat_cell: str = ""
    # What the Dokumen Evaluasi Kinerja prints besides the scores, as typed: the pejabat
    # penilai's and the atasan's identity (nama, NIP, pangkat, jabatan, unit kerja), each
    # BerAKHLAK aspect with its ekspektasi khusus and this period's umpan balik, and the
    # period's catatan/rekomendasi.
    penilai: tuple[str, ...] = ()
    atasan_penilai: tuple[str, ...] = ()
    perilaku: tuple[tuple[str, str, str], ...] = ()
    catatan: str = ""


@dataclass(slots=True)
class UnitResult:
    name: str
    unit: str
    sha256: str
    periods: tuple[str, ...]
    pegawai: list[PegawaiResult] = field(default_factory=list)
    iki: list[IkiResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    org_predikat: OrgPredikat | None = None
    org_cell: str = ""
    org_unreadable: bool = False  # the Rekap holds text that is no organisation predikat
    period_missing: bool = False  # the workbook's scheme has no such period: nothing was read
    sheet_names: dict[str, str] = field(default_factory=dict)  # normalised nama -> sheet title
    # Pegawai whose SKP sheet is gone or cannot be read: (NIP, nama, reason). They are not
    # scored, are reported at their sheet, and are listed as "belum masuk" with the reason.
    unscored: list[tuple[str, str, str]] = field(default_factory=list)
    year: int | None = None
    year_text: str = ""  # as stored, when `year` could not be read from it
    claimed_unit: str = ""  # the unit name stored in the workbook (`unit` may be corrected)
    listed_titles: frozenset[str] = frozenset()  # the SKP sheets the workbook was made with
    gids: dict[str, int] = field(default_factory=dict)  # sheet title -> Google sheet id
    # Pegawai whose sheet does not count for this period (not yet, or no longer, in the
    # unit on its last day): (NIP, nama, sheet title).
    inactive: list[tuple[str, str, str]] = field(default_factory=list)


class _Sink:
    """Collects the problems of one sheet with its place filled in."""

    def __init__(self, book: UnitBook, sheet: SkpSheet | None, out: list[Problem]) -> None:
        self.book, self.sheet, self.out = book, sheet, out
        self.title = sheet.title if sheet else None
        self.nip = (sheet.nip or None) if sheet else None
        self.nama = (sheet.nama or None) if sheet else None

    def add(
        self, code: str, cell: str | None = None, sheet: str | None = None, **params: object
    ) -> Problem:
        p = Problem.make(
            code,
            params=params,
            file=self.book.name,
            sheet=sheet or self.title,
            cell=cell or None,
            nip=self.nip,
            nama=self.nama,
        )
        self.out.append(p)
        return p

    def into(self, out: list[Problem]) -> _Sink:
        """The same place, collecting into `out`."""
        other = _Sink.__new__(_Sink)
        other.book, other.sheet, other.out = self.book, self.sheet, out
        other.title, other.nip, other.nama = self.title, self.nip, self.nama
        return other

    def place(self, problem: Problem, cell: str) -> None:
        self.out.append(
            problem.at(
                file=self.book.name, sheet=self.title, cell=cell, nip=self.nip, nama=self.nama
            )
        )


def check_unit(
    book: UnitBook,
    period: str,
    policy: Policy,
    roster: Mapping[str, Pegawai] | None = None,
) -> UnitResult:
    return _check_unit(book, period, policy, roster, {})


def check_unit_periods(
    book: UnitBook,
    periods: Sequence[str],
    policy: Policy,
    roster: Mapping[str, Pegawai] | None = None,
) -> list[UnitResult]:
    """`check_unit` for each of `periods`, each result exactly what it gives alone; what
    does not depend on the period (a row's plan) is read and checked once."""
    plans: dict[str, _SheetPlan] = {}
    return [_check_unit(book, p, policy, roster, plans) for p in periods]


def _check_unit(
    book: UnitBook,
    period: str,
    policy: Policy,
    roster: Mapping[str, Pegawai] | None,
    plans: dict[str, _SheetPlan],
) -> UnitResult:
    result = UnitResult(
        book.name,
        book.unit,
        book.sha256,
        book.periods,
        problems=list(book.problems),
        gids=dict(book.gids),
        year=book.year,
        year_text=book.year_text,
        claimed_unit=book.unit,
        listed_titles=frozenset(entry.title for entry in book.listed),
    )
    unit_sink = _Sink(book, None, result.problems)
    if period not in book.periods:
        unit_sink.add(
            "periode-tidak-ada-di-templat",
            period=period,
            available=", ".join(book.periods) or "(tidak terbaca: penanda periode workbook rusak)",
        )
        result.period_missing = True
        return result
    if book.version is not None and book.version < TEMPLATE_VERSION:
        unit_sink.add(
            "versi-templat-lama",
            sheet=META_SHEET,
            found=book.version,
            expected=TEMPLATE_VERSION,
            sifat=policy.capaian_periodik.sifat_kosong.value.lower(),
        )
    result.sheet_names = {_norm(s.nama): s.title for s in book.sheets if s.nama}
    broken = _check_sheet_list(book, period, result)
    if not book.sheets and not result.unscored:
        unit_sink.add("workbook-tanpa-skp")
    org_cell = book.org_predikat.get(period)
    if org_cell is not None:
        result.org_cell = org_cell.ref
        if not org_cell.blank:
            try:
                result.org_predikat = parse_org_predikat(org_cell.value)
            except RuleError as exc:
                result.org_unreadable = True
                unit_sink.place(exc.to_problem().at(sheet=RECAP_SHEET), org_cell.ref)
    for sheet in book.sheets:
        if sheet.title in broken:
            continue
        plan = plans.get(sheet.title)
        if plan is None:
            plan = plans[sheet.title] = _SheetPlan.of(book, sheet, roster)
        if _active(book, sheet, plan, period, result):
            _check_sheet(book, sheet, plan, period, policy, result)
    return result


@dataclass(slots=True)
class _SheetPlan:
    """What an SKP sheet holds the same in every period: its identity and the problems of
    it, its active dates, its hasil kerja rows' plans (`_Plan`). Read and checked once per
    run; each period reports the problems as a single-period run would."""

    sink: _Sink  # the sheet's place, for the problems of a period
    identity: list[Problem]  # NIP and identity against the roster
    dates: tuple[dt.date | None, dt.date | None]  # active since, until
    date_problems: list[Problem]
    is_jpt: bool
    pegawai: PegawaiResult  # the identity every period's result starts from
    rows: list[_Plan]
    used: list[int]  # the rows that hold anything (most of a block is blank)
    blank: list[int]

    @classmethod
    def of(
        cls, book: UnitBook, sheet: SkpSheet, roster: Mapping[str, Pegawai] | None
    ) -> _SheetPlan:
        sink = _Sink(book, sheet, [])
        identity: list[Problem] = []
        own = sink.into(identity)
        nip_cell = sheet.ident("peg_nip")
        for p in check_nip(nip_cell.value):
            own.place(p, nip_cell.ref)
        _check_identity(sheet, own, roster)
        date_problems: list[Problem] = []
        dated = sink.into(date_problems)
        dates = []
        for key in ACTIVE_KEYS:
            cell = sheet.ident(key)
            try:
                dates.append(parse_date(cell.value))
            except DateUnreadable:
                dated.add("tanggal-aktif-tidak-sah", cell.ref, value=cell.text)
                dates.append(None)
        jenis = sheet.ident("peg_jenis_jabatan").text
        pegawai = PegawaiResult(
            unit=book.unit,
            file=book.name,
            sheet=sheet.title,
            nip=sheet.nip,
            nama=sheet.nama,
            jabatan=sheet.ident("peg_jabatan").text,
            jenis_jabatan=jenis,
            status=sheet.ident("peg_status").text,
            jenjang=sheet.ident("peg_jenjang").text,
            pangkat=sheet.ident("peg_pangkat").text,
            penilai_nip=sheet.ident("pnl_nip").text,
            penilai_nama=sheet.ident("pnl_nama").text,
            period="",
            shown_unit=sheet.ident("peg_unit").text,
            penilai=tuple(sheet.ident(f"pnl_{k}").text for k in IDENTITY_ROWS),
            atasan_penilai=tuple(sheet.ident(f"apnl_{k}").text for k in IDENTITY_ROWS),
        )
        rows = [_Plan.of(row, book.periods, sink) for row in sheet.hasil_kerja]
        return cls(
            sink=sink,
            identity=identity,
            dates=(dates[0], dates[1]),
            date_problems=date_problems,
            is_jpt=jenis.casefold() == JenisJabatan.JPT.label.casefold(),
            pegawai=pegawai,
            rows=rows,
            used=[i for i, r in enumerate(rows) if not r.row.empty],
            blank=[i for i, r in enumerate(rows) if r.row.empty],
        )


def _active(
    book: UnitBook, sheet: SkpSheet, plan: _SheetPlan, period: str, result: UnitResult
) -> bool:
    """Whether the sheet counts for `period` in this unit (sheetnilai.activity). A sheet that
    does not is accounted for with a catatan naming the date, never dropped silently."""
    result.problems.extend(plan.date_problems)
    since, until = plan.dates
    if book.year is None or (since is None and until is None):
        return True
    end = period_end(book.year, book.periods, period)
    if is_active(since, until, end):
        return True
    key = ACTIVE_KEYS[0] if since is not None and end < since else ACTIVE_KEYS[1]
    plan.sink.into(result.problems).add(
        "pegawai-tidak-aktif-periode",
        sheet.ident(key).ref,
        period=period,
        end=format_date(end),
        since=format_date(since) if since else "-",
        until=format_date(until) if until else "-",
    )
    result.inactive.append((sheet.nip, sheet.nama, sheet.title))
    return False


def _period_damage(book: UnitBook, period: str) -> list[tuple[str, list[str]]]:
    """SKP sheets whose blocks lack the columns of `period` (their key row was damaged)."""
    need_hk = tuple(f"{k}@{period}" for k in ("realisasi", "bukti", "umpan_balik", "capaian"))
    out = []
    for sheet in book.sheets:
        hk = set(sheet.hasil_kerja[0].keys) if sheet.hasil_kerja else set()
        pk = set(sheet.perilaku[0].keys) if sheet.perilaku else set()
        missing = [f"kolom {k} (SN_HK)" for k in need_hk if k not in hk]
        if f"umpan_balik@{period}" not in pk:
            missing.append(f"kolom umpan_balik@{period} (SN_PK)")
        if missing:
            out.append((sheet.title, missing))
    return out


def _check_sheet_list(book: UnitBook, period: str, result: UnitResult) -> set[str]:
    """Every SKP sheet the workbook was made with is read, or its pegawai is named in a galat:
    a sheet deleted, or one whose names or key rows were damaged, never drops a pegawai
    silently (with or without a roster). Returns the titles of sheets that cannot be read
    for `period`."""
    read_nips = {s.nip for s in book.sheets if s.nip}
    present = {s.title for s in book.sheets} | {d.title for d in book.damaged}
    for entry in book.listed:
        if entry.title in present or (entry.nip and entry.nip in read_nips):
            continue  # still there (a renamed sheet keeps its names and its NIP)
        result.unscored.append((entry.nip, entry.nama, "Lembar SKP dihapus dari workbook"))
        result.problems.append(
            Problem.make(
                "lembar-skp-hilang",
                params={"sheet": entry.title},
                file=book.name,
                sheet=entry.title,
                nip=entry.nip or None,
                nama=entry.nama or None,
            )
        )
    for title, nip, nama in book.lookalikes:
        result.problems.append(
            Problem.make(
                "lembar-mirip-skp", file=book.name, sheet=title, nip=nip, nama=nama or None
            )
        )
    damaged = [(d.title, d.nip, d.nama, list(d.missing)) for d in book.damaged]
    by_title = {s.title: s for s in book.sheets}
    broken = _period_damage(book, period)
    for title, missing in broken:
        sheet = by_title[title]
        damaged.append((title, sheet.nip, sheet.nama, missing))
    for title, nip, nama, missing in damaged:
        result.unscored.append((nip, nama, "Lembar SKP rusak (penanda templat hilang)"))
        result.problems.append(
            Problem.make(
                "lembar-skp-rusak",
                params={"missing": ", ".join(missing)},
                file=book.name,
                sheet=title,
                nip=nip or None,
                nama=nama or None,
            )
        )
    return {title for title, _ in broken}


def _check_sheet(
    book: UnitBook,
    sheet: SkpSheet,
    plan: _SheetPlan,
    period: str,
    policy: Policy,
    result: UnitResult,
) -> None:
    problems = list(plan.identity)
    sink = plan.sink.into(problems)
    peg = copy.copy(plan.pegawai)
    peg.period = period
    capaian = _check_hasil_kerja(book, sheet, plan, period, policy, plan.is_jpt, sink, result, peg)
    _check_perilaku(sheet, period, sink)
    _check_nilai(sheet, period, policy, capaian, sink, peg)
    peg.perilaku = tuple(
        (r.get("aspek").text, r.get("ekspektasi").text, r.get(f"umpan_balik@{period}").text)
        for r in sheet.perilaku
    )
    if (nilai := sheet.nilai.get(period)) is not None:
        peg.catatan = nilai.get("catatan").text
    peg.galat = sum(1 for p in problems if p.severity.value == "galat")
    peg.peringatan = sum(1 for p in problems if p.severity.value == "peringatan")
    result.problems.extend(problems)
    result.pegawai.append(peg)


def _check_identity(sheet: SkpSheet, sink: _Sink, roster: Mapping[str, Pegawai] | None) -> None:
    if roster is None or not sheet.nip:
        return
    known = roster.get(sheet.nip)
    if known is None:
        sink.add("pegawai-tidak-di-daftar", sheet.ident("peg_nip").ref)
        return
    expected = {
        "peg_nama": known.nama,
        "peg_jabatan": known.jabatan,
        "peg_unit": known.unit,
        "pnl_nip": known.penilai_nip or "",
    }
    for key, want in expected.items():
        cell = sheet.ident(key)
        if _norm(cell.text) != _norm(want):
            field_key = key.split("_", 1)[1]
            label = IDENTITY_LABELS[field_key]
            if key.startswith("pnl_"):
                label = f"{label} pejabat penilai"
            sink.add(
                "identitas-berbeda",
                cell.ref,
                field=label,
                found=cell.text or "(kosong)",
                expected=want or "(kosong)",
            )


def _is_formula_cell(cell: Cell) -> bool:
    return cell.formula is not None


def _check_formula(
    cell: Cell, expected: object, sink: _Sink, what: str, compare: bool = True
) -> None:
    """The calculated cell must still hold its formula, and (`compare`) a stored result must
    agree."""
    if not cell.ref:
        return
    if not _is_formula_cell(cell):
        if not cell.blank:
            sink.add("rumus-ditimpa", cell.ref, what=what, value=cell.text)
        else:
            sink.add("rumus-dihapus", cell.ref, what=what)
        return
    if not compare:
        return
    if cell.error is not None:
        sink.add(
            "nilai-tersimpan-berbeda",
            cell.ref,
            what=what,
            found=cell.error,
            expected=_shown(expected),
        )
        return
    if cell.value is None:
        return  # never calculated (e.g. saved by a program that does not calculate)
    if not _same(cell.value, expected):
        sink.add(
            "nilai-tersimpan-berbeda",
            cell.ref,
            what=what,
            found=cell.text,
            expected=_shown(expected),
        )


_TOLERANCE = Fraction(1, 10**6)  # a stored result this close to ours agrees
_TOLERANCE_F = float(_TOLERANCE)


def _same(found: object, expected: object) -> bool:
    if isinstance(expected, bool):
        return found is expected
    if isinstance(expected, int | float):
        expected = Fraction(expected)  # an input a dinilai cell passes on
    if isinstance(expected, Fraction):
        if not isinstance(found, int | float) or isinstance(found, bool):
            return False
        # Clearly the same or clearly not by floats (every stored capaian of a run passes
        # here); only a difference near the tolerance is decided exactly.
        gap = abs(found - float(expected))
        if gap < _TOLERANCE_F / 2:
            return True
        if gap > _TOLERANCE_F * 2:
            return False
        return abs(Fraction(found) - expected) < _TOLERANCE
    if expected == "":
        return found in ("", None)
    return isinstance(found, str) and found.casefold() == str(expected).casefold()


def _shown(value: object) -> str:
    if isinstance(value, Fraction):
        from sheetnilai.rules.numbers import number_text

        return number_text(value, 2)
    return str(value) if value != "" else "(kosong)"


@dataclass(slots=True)
class _Plan:
    """One hasil kerja row's plan as every period reads it: the cells, and the problems of
    the plan itself (reported in each period the row is scored, as a single-period run
    would). Read and checked once per run: with every period from one read, this is what
    the periods share."""

    row: Row
    content: bool  # any plan cell holds something
    rhk: str
    rhk_atasan: Cell
    jenis: str
    iki: str
    iki_ref: str
    target: Cell
    atas: Cell
    kual: str
    sifat: Cell
    arah: object
    realisasi: list[object]  # every period's realisasi, in the workbook's order
    exact_realisasi: list[Fraction | None]  # the same as exact numbers (None: no number)
    # The plan's problems, in the order a scored row reports them: the unreadable target
    # cells (`unreadable`), then a missing or non-numeric target and an unknown sifat.
    unreadable: list[Problem] = field(default_factory=list)
    unreadable_refs: frozenset[str] = frozenset()
    target_problems: list[Problem] = field(default_factory=list)
    sifat_named: bool = False
    numeric_target: bool = False
    target_ok: bool = False
    aspek: str = ""
    satuan: str = ""
    arah_text: str = ""

    @classmethod
    def of(cls, row: Row, periods: Sequence[str], sink: _Sink) -> _Plan:
        if row.empty:  # most rows of a block: never scored, nothing to read
            return cls(row, False, "", EMPTY, "", "", "", EMPTY, EMPTY, "", EMPTY, None, [], [])
        iki = row.get("iki").text
        target, atas, sifat = row.get("target"), row.get("target_atas"), row.get("sifat")
        kual = row.get("target_kualitatif").text
        realisasi = [row.get(f"realisasi@{k}").value for k in periods]
        unreadable: list[Problem] = []
        target_problems: list[Problem] = []
        early, late = sink.into(unreadable), sink.into(target_problems)
        what = f'IKI "{iki}"'
        refs = frozenset(c.ref for c in (target, atas) if _unreadable_input(c, what, early))
        numeric_target = not (target.blank and atas.blank)
        if not numeric_target and not kual and not refs:
            late.add("iki-tanpa-target", target.ref, iki=iki)
        elif numeric_target:
            # Name the very cell that holds text: the target or its upper bound.
            for cell, label in ((target, "Target"), (atas, "Target batas atas")):
                if not cell.blank and not model.is_number(cell.value):
                    late.add("target-bukan-angka", cell.ref, iki=iki, value=cell.text, field=label)
        # The sifat is named at its own cell (the capaian cell then only shows why it is
        # empty).
        sifat_named = not model.sifat_known(sifat.value)
        if sifat_named:
            late.add("sifat-tidak-dikenal", sifat.ref, iki=iki, value=sifat.text)
        return cls(
            row=row,
            content=row.has_content(PLAN_CONTENT),
            rhk=row.get("rhk").text,
            rhk_atasan=row.get("rhk_atasan"),
            jenis=row.get("jenis").text,
            iki=iki,
            iki_ref=row.get("iki").ref,
            target=target,
            atas=atas,
            kual=kual,
            sifat=sifat,
            arah=row.get("arah").value,
            realisasi=realisasi,
            exact_realisasi=[model.number_or_none(v) for v in realisasi],
            unreadable=unreadable,
            unreadable_refs=refs,
            target_problems=target_problems,
            sifat_named=sifat_named,
            numeric_target=numeric_target,
            target_ok=model.is_number(target.value) and (atas.blank or model.is_number(atas.value)),
            aspek=row.get("aspek").text,
            satuan=row.get("satuan").text,
            arah_text=row.get("arah").text,
        )


def _check_hasil_kerja(
    book: UnitBook,
    sheet: SkpSheet,
    sheet_plan: _SheetPlan,
    period: str,
    policy: Policy,
    is_jpt: bool,
    sink: _Sink,
    result: UnitResult,
    peg: PegawaiResult,
) -> list[Fraction | str]:
    k_real, k_bukti = f"realisasi@{period}", f"bukti@{period}"
    k_umpan, k_cap = f"umpan_balik@{period}", f"capaian@{period}"
    k_pt = f"target_periode@{period}"
    dinilai_keys = [
        (f"{key}@{period}", f"{_DINILAI_LABEL[key]} {period}") for key in DINILAI_FIELDS
    ]
    scheme = period_objects(book.periods)
    index = book.periods.index(period)
    annual = scheme[index].is_annual
    capaian_values: list[Fraction | str] = []
    rhk_no, rhk_text, rhk_atasan, rhk_jenis, rhk_atasan_cell = 0, "", "", "", ""
    rhk_rows: dict[int, tuple[Row, int]] = {}  # rhk number -> (first row, IKI count)
    iki_count = 0
    own_inputs = (k_real,) if annual else (k_real, k_pt)
    own_cells = (*own_inputs, k_cap)
    nip, nama = sheet.nip, sheet.nama
    # A blank row only needs its capaian formula: the few that lack it join the rows in use,
    # in row order, so their problems come where a row-by-row pass puts them.
    rows = sheet_plan.rows
    lacking = [i for i in sheet_plan.blank if rows[i].row.formula_missing(k_cap)]
    for at in sorted((*sheet_plan.used, *lacking)) if lacking else sheet_plan.used:
        plan = rows[at]
        row = plan.row
        if not plan.content and not row.has_content(own_cells):
            # An unused row: only its capaian formula must still be there.
            if row.formula_missing(k_cap):
                sink.add("rumus-dihapus", row.get(k_cap).ref, what=f"Capaian {period}")
            continue
        cap_cell = row.get(k_cap)
        inputs_present = plan.content or row.has_content(own_inputs)
        if plan.rhk:
            rhk_no += 1
            rhk_text = plan.rhk
            rhk_atasan = plan.rhk_atasan.text
            rhk_atasan_cell = plan.rhk_atasan.ref
            rhk_jenis = plan.jenis
            rhk_rows[rhk_no] = (row, 0)
            if not is_jpt and not rhk_atasan:
                sink.add("rhk-tanpa-intervensi", rhk_atasan_cell, rhk=rhk_text)
        iki = plan.iki
        target, atas, sifat, kual = plan.target, plan.atas, plan.sifat, plan.kual
        real = row.get(k_real)
        pt = EMPTY if annual else row.get(k_pt)
        dinilai = model.dinilai_cells(
            index,
            scheme,
            plan.realisasi,
            target.value,
            atas.value,
            sifat.value,
            pt.value,
            policy,
            plan.exact_realisasi,
        )
        expected = model.capaian_cell(*dinilai, plan.arah, policy, sifat=sifat.value)
        for (key, what), value in zip(dinilai_keys, dinilai, strict=True):
            shown = row.get(key)
            if shown.ref and (inputs_present or not shown.blank):
                # Only its presence: a stale stored value shows in the capaian it feeds.
                _check_formula(shown, value, sink, what, compare=False)
        if inputs_present or not cap_cell.blank:
            _check_formula(cap_cell, expected, sink, f"Capaian {period}")
        elif cap_cell.ref and not _is_formula_cell(cap_cell):
            sink.add("rumus-dihapus", cap_cell.ref, what=f"Capaian {period}")
        if not inputs_present:
            continue
        if not iki:
            typed = ("target", "target_atas", "target_kualitatif")
            if row.has_content(typed) or not real.blank or not pt.blank:
                sink.add("target-tanpa-iki", plan.iki_ref)
            continue
        if rhk_no == 0:
            sink.add("iki-tanpa-rhk", row.get("rhk").ref, iki=iki)
        else:
            first, count = rhk_rows[rhk_no]
            rhk_rows[rhk_no] = (first, count + 1)
        iki_count += 1
        sink.out.extend(plan.unreadable)
        reported = plan.unreadable_refs | {
            c.ref for c in (real, pt) if _unreadable_input(c, f'IKI "{iki}"', sink)
        }
        sink.out.extend(plan.target_problems)
        named = plan.sifat_named
        if not pt.blank and not model.is_number(pt.value) and pt.ref not in reported:
            sink.add("target-periode-bukan-angka", pt.ref, iki=iki, value=pt.text, period=period)
            named = True
        if plan.numeric_target and plan.target_ok:
            if model.is_blank(dinilai[0]) and real.blank and real.ref not in reported:
                sink.add("realisasi-kosong", real.ref, iki=iki, period=period)
            elif not real.blank and not model.is_number(real.value):
                sink.add("realisasi-bukan-angka", real.ref, iki=iki, value=real.text)
            elif isinstance(expected, str) and expected and not named:
                sink.add("capaian-tidak-dapat-dihitung", cap_cell.ref, iki=iki, reason=expected)
        if annual and model.is_number(real.value):
            total = annual_sum_differs(
                model.sifat_kind(sifat.value, policy),
                model.exact_number(real.value),
                plan.exact_realisasi,
                policy.capaian_periodik,
            )
            if total is not None:
                sink.add(
                    "realisasi-tahunan-beda-jumlah",
                    real.ref,
                    iki=iki,
                    value=real.text,
                    total=model.hint_number(total),
                )
        elif kual and real.blank and real.ref not in reported:
            sink.add("realisasi-kosong", real.ref, iki=iki, period=period)
        if not real.blank:
            if row.get(k_bukti).blank:
                sink.add("bukti-dukung-kosong", row.get(k_bukti).ref, iki=iki)
            if row.get(k_umpan).blank:
                sink.add("umpan-balik-kosong", row.get(k_umpan).ref, iki=iki)
        _check_plausibility(row, dinilai, target, atas, real, expected, iki, period, policy, sink)
        capaian_values.append(expected)
        cap = expected if isinstance(expected, Fraction) else None
        nilai, kategori = nilai_capaian(cap, policy.capaian) if cap is not None else (None, "")
        checked = IkiResult(
            unit=book.unit,
            file=book.name,
            sheet=sheet.title,
            nip=nip,
            nama=nama,
            period=period,
            rhk_no=rhk_no,
            jenis=rhk_jenis,
            rhk=rhk_text,
            rhk_atasan=rhk_atasan,
            aspek=plan.aspek,
            iki=iki,
            target=target.value,
            target_atas=atas.value,
            satuan=plan.satuan,
            arah=plan.arah_text,
            target_kualitatif=kual,
            realisasi=real.value,
            capaian=cap,
            capaian_text="" if cap is not None else str(expected),
            nilai=nilai,
            kategori=kategori,
            bukti=row.get(k_bukti).text,
            umpan_balik=row.get(k_umpan).text,
            cell=real.ref,
            sifat=sifat.text,
            rhk_atasan_cell=rhk_atasan_cell,
            target_periode=pt.value,
            realisasi_dinilai=dinilai[0],
            target_dinilai=dinilai[1],
        )
        checked.shown = iki_shown(checked)
        result.iki.append(checked)
    for first, count in rhk_rows.values():
        if count == 0:
            sink.add("rhk-tanpa-iki", first.get("iki").ref, rhk=first.get("rhk").text)
    if iki_count == 0:
        sink.add(
            "skp-tanpa-iki", sheet.hasil_kerja[0].get("rhk").ref if sheet.hasil_kerja else None
        )
    numbers = [c for c in capaian_values if isinstance(c, Fraction)]
    peg.n_iki, peg.n_capaian = iki_count, len(numbers)
    if numbers:
        peg.mean_capaian = exact_sum(numbers) / len(numbers)
        peg.min_capaian = min(numbers)
    return capaian_values


def _unreadable_input(cell: Cell, what: str, sink: _Sink) -> bool:
    """An input cell whose content cannot be read as typed: it shows an error (#DIV/0! of a
    formula typed into it, #NUM! of a number beyond a spreadsheet's range), or holds a
    formula whose result the saving program never stored. Reported as that, not as "empty".
    """
    if cell.error is not None:
        sink.add("isian-berisi-galat", cell.ref, what=what, value=cell.error)
        return True
    if cell.formula is not None and cell.blank:
        sink.add("isian-rumus-tanpa-nilai", cell.ref, what=what)
        return True
    return False


def _check_plausibility(
    row: Row,
    dinilai: tuple[object, object, object],
    target: Cell,
    atas: Cell,
    real: Cell,
    capaian: Fraction | str,
    iki: str,
    period: str,
    policy: Policy,
    sink: _Sink,
) -> None:
    """Dates, percent scales and magnitudes that look mistyped: warnings at the cell, each
    naming the value the user most likely meant (rules/plausibility.py)."""
    # The numbers the capaian compares (a kumulatif IKI's sum against its pro-rata target);
    # dates and percent formats are those of the typed cells.
    real_d, target_d, atas_d = dinilai
    findings = model.plausibility(
        real_d,
        target_d,
        atas_d,
        row.get("arah").value,
        row.get("satuan").value,
        policy,
        dates=(target.date, atas.date, real.date),
        realisasi_percent=real.percent,
        target_percent=target.percent or atas.percent,
        capaian=capaian,
    )
    if not findings:
        return
    cells = {Field.TARGET: target, Field.TARGET_ATAS: atas, Field.REALISASI: real}
    for finding in findings:
        sink.add(
            finding.kind.value,
            cells[finding.field].ref,
            **_plausibility_params(finding, target_d, atas_d, iki, period, policy),
        )


def _plausibility_params(
    finding: model.Finding, target: object, atas: object, iki: str, period: str, policy: Policy
) -> dict[str, str]:
    from sheetnilai.rules.numbers import percent_text
    from sheetnilai.rules.plausibility import Kind

    num = model.hint_number
    params = {"iki": iki, "period": period, "value": num(finding.value)}
    if finding.likely is not None:
        params["likely"] = num(finding.likely)
    if finding.date is not None:
        labels = {
            Field.TARGET: "Target",
            Field.TARGET_ATAS: "Target batas atas",
            Field.REALISASI: f"Realisasi {period}",
        }
        params["field"] = labels[finding.field]
        params["date"] = f"{finding.date:%d/%m/%Y}"
        return params
    low, high = model.exact_number(target), model.exact_number(atas, target)

    def span(a: Fraction, b: Fraction) -> str:
        return num(a) if a == b else f"{num(a)}–{num(b)}"

    params["target"] = span(low, high)
    scale = Fraction(10) ** -finding.shift  # the target that would agree with the realisasi
    params["likely_target"] = span(low * scale, high * scale)
    params["factor"] = num(policy.plausibilitas.kali_target)
    if finding.kind is Kind.PERSEN_PECAHAN:
        params["percent"] = percent_text(finding.value, 6)
    elif finding.kind is Kind.PERSEN_TARGET_PECAHAN:
        assert finding.likely is not None
        params["likely_percent"] = percent_text(finding.likely, 6)
        params["target_percent"] = (
            percent_text(low, 6)
            if low == high
            else f"{percent_text(low, 6)}–{percent_text(high, 6)}"
        )
    return params


def _check_perilaku(sheet: SkpSheet, period: str, sink: _Sink) -> None:
    missing = [row for row in sheet.perilaku if row.get(f"umpan_balik@{period}").blank]
    if missing:
        names = ", ".join(r.get("aspek").text for r in missing)
        sink.add(
            "umpan-balik-perilaku-kosong",
            missing[0].get(f"umpan_balik@{period}").ref,
            aspek=names,
            period=period,
        )


def _rating(cell: Cell, sink: _Sink, which: str) -> Rating | None:
    if _unreadable_input(cell, f"rating {which}", sink):
        return None
    if cell.blank:
        sink.add("rating-kosong", cell.ref, which=which)
        return None
    exact = model.rating_label(cell.value)
    if exact is not None:
        return exact
    try:
        understood = parse_rating(cell.value)
    except RuleError:
        sink.add("rating-label-tidak-sah", cell.ref, which=which, value=cell.text)
        return None
    sink.add("rating-ejaan", cell.ref, which=which, value=cell.text, label=understood.label)
    return understood


def _check_nilai(
    sheet: SkpSheet,
    period: str,
    policy: Policy,
    capaian: list[Fraction | str],
    sink: _Sink,
    peg: PegawaiResult,
) -> None:
    row = sheet.nilai.get(period)
    if row is None:
        sink.add("baris-penilaian-hilang", None, period=period)
        return
    saran = model.saran_cell(capaian, policy)
    peg.saran = model.rating_label(saran)
    _check_formula(row.get("saran"), saran, sink, "Saran rating hasil kerja")
    if policy.saran_rating.aktif and peg.n_iki and not peg.n_capaian:
        sink.add("saran-tanpa-iki-angka", row.get("saran").ref)
    hasil = _rating(row.get("rating_hasil"), sink, "hasil kerja")
    perilaku = _rating(row.get("rating_perilaku"), sink, "perilaku kerja")
    peg.rating_hasil, peg.rating_perilaku = hasil, perilaku
    shown_predikat = model.predikat_cell(
        row.get("rating_hasil").value, row.get("rating_perilaku").value
    )
    _check_formula(row.get("predikat"), shown_predikat, sink, "Predikat")
    peg.predikat_cell = row.get("predikat").ref
    if hasil is not None and perilaku is not None:
        peg.predikat = matrix_predikat(hasil, perilaku)
    _check_angka_kredit(sheet, row, shown_predikat, policy, sink, peg)


def _check_angka_kredit(
    sheet: SkpSheet, row: Row, shown_predikat: str, policy: Policy, sink: _Sink, peg: PegawaiResult
) -> None:
    """Angka kredit of a fungsional, exactly as the template computes it: the score book
    never leaves it empty without a galat at the cell that is in the way."""
    from sheetnilai.rules.angka_kredit import angka_kredit, find_jenjang, months

    bulan = row.get("bulan")
    jenjang = sheet.ident("peg_jenjang")
    shown_ak = model.angka_kredit_cell(shown_predikat, jenjang.value, bulan.value, policy)
    _check_formula(row.get("angka_kredit"), shown_ak, sink, "Angka kredit")
    if jenjang.blank:
        if _norm(peg.jenis_jabatan) == _norm(JenisJabatan.FUNGSIONAL.label):
            sink.add("jenjang-kosong", jenjang.ref)
        return
    bulan_ok = False
    if _unreadable_input(bulan, "jumlah bulan penilaian", sink):
        pass
    elif bulan.blank:
        sink.add("bulan-kosong", bulan.ref)
    elif not model.is_number(bulan.value):
        # The template cannot compute with text, so neither does the score book.
        sink.add("bulan-bukan-angka", bulan.ref, value=bulan.text)
    else:
        try:
            months(bulan.value)
            bulan_ok = True
        except RuleError:
            sink.add("bulan-tidak-sah", bulan.ref, value=bulan.text)
    try:
        name = find_jenjang(jenjang.value, policy.angka_kredit)
    except RuleError as exc:
        sink.place(exc.to_problem(), jenjang.ref)
        return
    if peg.predikat is not None and bulan_ok:
        peg.angka_kredit = angka_kredit(peg.predikat, name, bulan.value, policy.angka_kredit)
