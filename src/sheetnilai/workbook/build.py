"""Write one unit workbook (.xlsx) with XlsxWriter: Petunjuk, one SKP sheet per pegawai,
Rekap, Aturan and a very hidden metadata sheet.

The layout is in `layout.py`, the formula text in `formulas.py`, the lookup tables in
`aturan.py`. Input cells are unlocked through column defaults (so blank inputs cost no cell
writes) and shown in yellow by a conditional format; every written label and formula is
locked. Sheets are protected without a password: a guard, not a lock.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from xlsxwriter.utility import xl_range, xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from sheetnilai import __version__
from sheetnilai.config import policy_toml
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import JenisJabatan, Pegawai
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.labels import CURVE_ORDER, OrgPredikat, Rating
from sheetnilai.rules.nip import format_nip
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy, Sifat, scoring_policy
from sheetnilai.workbook import formulas as f
from sheetnilai.workbook.aturan import write_rules_sheet
from sheetnilai.workbook.cetak import write_print_sheet
from sheetnilai.workbook.layout import (
    ASPEK,
    BERAKHLAK,
    DINILAI_FIELDS,
    GUIDE_SHEET,
    IDENTITY_LABELS,
    IDENTITY_ROWS,
    IKI_PER_RHK,
    JENIS_RHK,
    LAMPIRAN,
    LAMPIRAN_ROWS,
    META_LEMBAR_ROW,
    META_POLICY_CELL,
    META_SHEET,
    NILAI_COL,
    NILAI_COLUMNS,
    PENDEKATAN,
    PERIOD_FIELDS,
    PERSPEKTIF,
    PLAN_COLUMNS,
    RECAP_SHEET,
    RHK_COUNT,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    SkpLayout,
    cell,
    col_name,
    quote_sheet,
)
from sheetnilai.workbook.styles import Styles, make_styles

INPUT_PLAN_KEYS = {k for k, _, _ in PLAN_COLUMNS}  # every plan column is typed by the user
INPUT_PERIOD_FIELDS = ("target_periode", "realisasi", "bukti", "umpan_balik")
# The plan columns' width on A4 landscape, with room for fonts wider than Calibri (LibreOffice
# without Carlito).
PLAN_PRINT_SCALE = 44


@dataclass(frozen=True)
class SheetPegawai:
    """One SKP sheet to write: the pegawai and the people around them (None when unknown)."""

    title: str
    pegawai: Pegawai | None  # None: a blank sheet of the generic template
    penilai: Pegawai | None = None
    atasan_penilai: Pegawai | None = None
    # Identity cells written exactly as given, by key ("peg_nama", "pnl_nip", …): what an
    # updated workbook keeps of a pegawai no longer in the roster.
    identity: Mapping[str, str] = field(default_factory=dict)
    aktif_sejak: str = ""  # dd/mm/yyyy, set when the pegawai joined the unit mid-year
    aktif_sampai: str = ""  # dd/mm/yyyy, set when the pegawai left the unit


@dataclass(frozen=True)
class Formula:
    """An input cell that holds a formula the user typed, with the value it showed."""

    text: str  # without the leading "="
    value: object = None


@dataclass(frozen=True)
class ErrorValue:
    """An input cell that shows an error and holds no formula (another program stored it)."""

    error: str


@dataclass(frozen=True)
class UnitWorkbook:
    unit: str
    year: int
    scheme: Scheme
    sheets: Sequence[SheetPegawai]
    policy: Policy = DEFAULT_POLICY
    blank: bool = False  # the generic template: identity cells are inputs
    xlwings: bool = False  # an .xlsm with the xlwings VBA project and the Analisis sheet
    # Values typed into input cells, per sheet title: {(row, col): value} (0-based): text,
    # numbers, booleans, a Formula, or None for a cell left blank over a template default.
    # Used by `templat perbarui`, benchmarks and demos.
    inputs: Mapping[str, Mapping[tuple[int, int], object]] = field(default_factory=dict)
    # The Rekap's organisation predikat per period key, as typed.
    org_predikat: Mapping[str, object] = field(default_factory=dict)


class PlainFormulaWorksheet(Worksheet):
    """A worksheet that stores our formulas as written.

    XlsxWriter scans every formula for dynamic-array functions and runs ~30 regular
    expressions over it to prefix future functions. Our formulas use none of them
    (formulas.py; a test checks every formula against XlsxWriter's own expansion), and
    skipping both passes makes generation about 7× faster. `_check_dimensions` and the cell
    table are XlsxWriter's own; constant_memory mode is not used.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shared_formulas = 0

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula

    def _write_formula(
        self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0
    ) -> int:
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(self._prepare_formula(formula), cell_format, value)
        return 0

    def write_shared_formula(
        self, first_row: int, last_row: int, col: int, formula: str, cell_format: Any
    ) -> None:
        """One formula down a column, stored once as an OOXML shared formula (§18.3.1.40).

        `formula` is the text of the first cell; its relative references move with each row,
        exactly as when a spreadsheet fills a formula down (which is how Excel itself saves
        such a column). The file holds the text once instead of once per row: a unit workbook
        is written in about half the time, at a third of the size, of one formula per cell.
        Excel, LibreOffice, Google Sheets and openpyxl expand it; our reader sees every cell
        of the range as holding a formula. The cached value is "" (computed on load).
        """
        index = self._shared_formulas
        self._shared_formulas += 1
        text = self._prepare_formula(formula)
        ref = xl_range(first_row, col, last_row, col)
        for row in range(first_row, last_row + 1):
            if self._check_dimensions(row, col):
                raise ValueError(f"shared formula outside the sheet: {ref}")
            master = row == first_row
            self.table[row][col] = _SharedFormula(
                text if master else None, cell_format, ref if master else None, index
            )

    def write_error(self, row: int, col: int, error: str, cell_format: Any) -> None:
        """A cell that holds an error value and no formula, as another program stored it
        (an input `templat perbarui` carries across exactly)."""
        if not self._check_dimensions(row, col):
            self.table[row][col] = _ErrorValue(error, cell_format)

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell)
        if kind is not _SharedFormula and kind is not _ErrorValue:
            super()._write_cell(row, col, cell)
            return
        attr = f' r="{xl_rowcol_to_cell(row, col)}"'
        if cell.format:
            attr += f' s="{cell.format._get_xf_index()}"'
        if kind is _ErrorValue:
            self.fh.write(f'<c{attr} t="e"><v>{self._escape_data(cell.error)}</v></c>')
        elif cell.formula is None:
            self.fh.write(f'<c{attr}><f t="shared" si="{cell.si}"/><v></v></c>')
        else:
            text = self._escape_data(cell.formula)
            self.fh.write(
                f'<c{attr}><f t="shared" ref="{cell.ref}" si="{cell.si}">{text}</f><v></v></c>'
            )


class _ErrorValue(NamedTuple):
    error: str  # "#N/A", "#NUM!", …
    format: Any


class _SharedFormula(NamedTuple):
    formula: str | None  # the text, in the range's first cell only
    format: Any
    ref: str | None  # the range, in its first cell only
    si: int  # the shared formula's number in the sheet


def _options() -> dict[str, Any]:
    # Text from the roster must stay text ("=…" is not a formula; "0812…" keeps its zero).
    # No future functions are used (see formulas.py), and their prefixing pass runs ~160
    # regular expressions over every formula: leaving it off makes generation ~30× faster.
    return {
        "use_future_functions": False,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }


def build_unit_workbook(path: Path, spec: UnitWorkbook) -> None:
    """Write the workbook to `path` (callers pass a temporary path and move it atomically)."""
    wb = Workbook(str(path), _options())
    # A fixed creation date keeps the output byte-for-byte reproducible (the committed
    # blank template is checked against the generator).
    wb.set_properties(
        {
            "title": f"SKP {spec.unit} {spec.year}",
            "subject": "Penilaian kinerja pegawai (PermenPANRB 6/2022)",
            "author": "sheetnilai",
            "company": spec.unit,
            "comments": f"{TEMPLATE_FORMAT} versi {TEMPLATE_VERSION}",
            "created": dt.datetime(spec.year, 1, 1),
        }
    )
    st = make_styles(wb)
    layout = SkpLayout(periods(spec.scheme))
    _write_guide(wb, st, spec, layout)
    for sheet in spec.sheets:
        _write_skp(wb, st, spec, layout, sheet)
    _write_recap(wb, st, spec, layout)
    write_print_sheet(wb, st, spec.unit, spec.year, layout, [s.title for s in spec.sheets])
    if spec.xlwings:
        from sheetnilai.workbook import xlwings_book

        recap = RecapLayout(len(layout.periods), len(spec.sheets))
        xlwings_book.write_analysis_sheet(wb, st, spec, layout, recap)
    write_rules_sheet(wb, st, spec.policy)
    _write_meta(wb, spec, layout)
    if spec.xlwings:
        xlwings_book.write_conf_sheet(wb, st)
        # The document modules of the VBA project must carry the sheets' code names.
        wb.set_vba_name("ThisWorkbook")
        for i, ws in enumerate(wb.worksheets(), 1):
            ws.set_vba_name(f"Sheet{i}")
        project = xlwings_book.vba_project(len(wb.worksheets()))
        wb.add_vba_project(io.BytesIO(project), is_stream=True)
    wb.close()


# --- Petunjuk -----------------------------------------------------------------------------


GUIDE = (
    ("Cara mengisi", None),
    (
        "1.",
        "Setiap pegawai memiliki satu lembar SKP (nama lembar diawali nomor urut). Isi hanya "
        "sel berwarna kuning; sel abu-abu dihitung otomatis dan dikunci.",
    ),
    (
        "2.",
        "Hasil kerja: tulis RHK, RHK atasan yang diintervensi (non-JPT), aspek atau perspektif "
        "(JPT), IKI, target beserta satuannya, dan arah IKI. Target rentang (mis. 80–90) diisi "
        "batas bawah di kolom Target dan batas atas di kolom Target batas atas. IKI kualitatif: "
        "kosongkan Target dan isi Target kualitatif.",
    ),
    (
        "3.",
        "Setiap periode: isi realisasi (angka), tautan bukti dukung, dan umpan balik. Capaian "
        "(%) dihitung langsung; capaian di bawah 100% diberi warna jingga. Ketik realisasi "
        "dengan skala yang sama dengan target (target 95 dengan satuan %: realisasi 93, bukan "
        "93% atau 0,93). Bila realisasi tampak salah ketik (skala persen yang berbeda, atau "
        "ratusan kali lebih besar atau lebih kecil dari target), kolom Periksa isian menyebut "
        "angka yang mungkin dimaksud dan selnya berwarna merah.",
    ),
    (
        "",
        "Sifat IKI: Kumulatif untuk hitungan yang bertambah sepanjang tahun (laporan, dokumen, "
        "kegiatan): isi realisasi tiap periode saja, capaian dibandingkan dengan target tahunan "
        "× bulan yang sudah berjalan ÷ 12 (1 dari 4 laporan di TW1 = 100%), dan realisasi "
        "tahunan boleh dikosongkan (dipakai jumlahnya). Tetap untuk angka yang diukur tiap "
        "periode (persen, rata-rata, hari, skor): dibandingkan dengan target tahunan. Isi "
        "Target periode (rencana aksi) bila rencananya tidak rata per periode. Kolom Realisasi "
        "dinilai dan Target dinilai menunjukkan apa yang dibandingkan.",
    ),
    (
        "4.",
        "Pejabat penilai memilih rating hasil kerja dan rating perilaku kerja dari daftar "
        "pilihan pada bagian C. Saran rating hasil kerja hanya saran dari capaian IKI dan "
        "tidak pernah menggantikan rating pejabat penilai. Predikat dan angka kredit (jabatan "
        "fungsional) dihitung otomatis.",
    ),
    (
        "5.",
        "Lembar Rekap menampilkan semua pegawai per periode. Pilih predikat kinerja "
        "organisasi per periode; pemeriksaan kurva distribusi (SE MenPANRB 3/2023) langsung "
        "menyatakan Sesuai atau Tidak sesuai beserta alasannya.",
    ),
    ("Menambah baris IKI", None),
    (
        "•",
        "Tersedia 15 RHK dengan 3 baris IKI. Bila kurang: buka proteksi lembar (Tinjau → Buka "
        "Proteksi Lembar; tanpa kata sandi), salin satu baris IKI yang masih kosong, klik kanan "
        "baris di atas baris penutup bertanda “akhir tabel hasil kerja”, pilih Sisipkan Sel yang "
        "Disalin, lalu lindungi kembali lembarnya. Jangan menyisipkan di bawah baris penutup.",
    ),
    ("Penting", None),
    (
        "•",
        "NIP selalu berupa teks 18 digit. Jangan mengubah nama lembar, lembar Aturan, atau "
        "baris tersembunyi: sheetnilai membaca workbook melalui nama-nama yang tersimpan di "
        "dalamnya.",
    ),
    (
        "•",
        "Kirim kembali berkas ini dalam format .xlsx (Excel), .ods (LibreOffice), atau dari "
        "Google Sheets, tanpa mengganti nama berkas.",
    ),
)


def _write_guide(wb: Workbook, st: Styles, spec: UnitWorkbook, layout: SkpLayout) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 2, 100)
    ws.write(0, 1, "PETUNJUK PENGISIAN SKP DAN EVALUASI KINERJA", st.title)
    ws.write(
        1,
        1,
        f"{spec.unit} — Tahun {spec.year} — periode: " + ", ".join(p.label for p in layout.periods),
        st.subtitle,
    )
    row = 3
    for head, text in GUIDE:
        if text is None:
            row += 1
            ws.write(row, 1, head, st.guide_head)
        else:
            ws.write(row, 1, head, st.guide)
            ws.write(row, 2, text, st.guide)
            ws.set_row(row, 15 * (len(text) // 95 + 1))
        row += 1
    row += 1
    ws.write(row, 1, "Daftar lembar SKP", st.guide_head)
    for i, sheet in enumerate(spec.sheets):
        r = row + 1 + i
        who = sheet.pegawai
        ws.write_url(r, 1, f"internal:{quote_sheet(sheet.title)}!A1", string=sheet.title)
        ws.write(
            r, 2, f"{who.nama} — {who.jabatan}" if who else "(isi identitas pegawai)", st.guide
        )
    ws.fit_to_pages(1, 0)
    ws.set_paper(9)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.activate()


# --- SKP sheet ----------------------------------------------------------------------------


def _person(p: Pegawai | None) -> dict[str, str]:
    if p is None:
        return dict.fromkeys(IDENTITY_ROWS, "")
    return {
        "nama": p.nama,
        "nip": p.nip,
        "pangkat": p.pangkat,
        "jabatan": p.jabatan,
        "unit": p.unit,
    }


def _local(
    wb: Workbook, sheet: str, name: str, first: tuple[int, int], last: tuple[int, int] | None = None
) -> None:
    ref = xl_range_abs(first[0], first[1], *(last or first))
    # XlsxWriter finds the sheet by its plain name (it only trims outer quotes).
    wb.define_name(f"{sheet}!{name}", f"={quote_sheet(sheet)}!{ref}")


def _write_skp(
    wb: Workbook, st: Styles, spec: UnitWorkbook, L: SkpLayout, sheet: SheetPegawai
) -> None:
    ws = wb.add_worksheet(sheet.title, worksheet_class=PlainFormulaWorksheet)
    name = sheet.title
    peg = sheet.pegawai
    is_jpt = peg is not None and peg.jenis_jabatan is JenisJabatan.JPT

    # Columns: widths, and unlocked defaults for input columns (see module docstring).
    for col, (key, _, width) in enumerate(PLAN_COLUMNS):
        ws.set_column(col, col, width, st.input_default if key in INPUT_PLAN_KEYS else None)
    for i, p in enumerate(L.periods):
        for fld, _, width in PERIOD_FIELDS:
            col = L.period_col(i, fld)
            typed = fld in INPUT_PERIOD_FIELDS and not (p.is_annual and fld == "target_periode")
            # The upper bound is only a step of the capaian formula: hidden, like the key row.
            options = {"hidden": True} if fld == "atas_dinilai" else None
            ws.set_column(col, col, width, st.input_default if typed else None, options)

    # Title and identity.
    ws.set_row(L.title_row, 24)
    ws.write(L.title_row, 0, "SASARAN KINERJA PEGAWAI", st.title)
    ws.write(
        L.title_row + 1,
        0,
        f"{spec.unit} — periode penilaian 1 Januari s.d. 31 Desember "
        f"{spec.year} — evaluasi: " + ", ".join(p.label for p in L.periods),
        st.subtitle,
    )
    if peg is not None:
        ws.write(L.title_row + 2, 0, f"{peg.nama} — NIP {format_nip(peg.nip)}", st.section)
    right_end = L.print_last_col
    ws.merge_range(
        L.ident_header_row,
        L.left_label_col,
        L.ident_header_row,
        L.left_value_col,
        "PEGAWAI YANG DINILAI",
        st.header,
    )
    ws.merge_range(
        L.ident_header_row,
        L.right_label_col,
        L.ident_header_row,
        right_end,
        "PEJABAT PENILAI KINERJA",
        st.header,
    )
    ws.merge_range(
        L.apnl_header_row,
        L.right_label_col,
        L.apnl_header_row,
        right_end,
        "ATASAN PEJABAT PENILAI KINERJA",
        st.header,
    )
    # People the roster does not hold (e.g. the kepala daerah as penilai of a JPT) are typed
    # in by the unit, so their cells are inputs; roster identities are locked.
    known = {
        "peg": peg is not None,
        "pnl": sheet.penilai is not None,
        "apnl": sheet.atasan_penilai is not None,
    }

    def value_style(who: str) -> Any:
        return st.input if spec.blank or not known[who] else st.ident_value

    def nip_style(who: str) -> Any:
        return st.input_nip if spec.blank or not known[who] else st.nip

    people = {
        "peg": _person(peg),
        "pnl": _person(sheet.penilai),
        "apnl": _person(sheet.atasan_penilai),
    }
    if peg is not None and sheet.penilai is None and peg.penilai_nip:
        people["pnl"]["nip"] = peg.penilai_nip  # known by NIP only (outside the roster)
    if peg is not None and sheet.atasan_penilai is None and peg.atasan_penilai_nip:
        people["apnl"]["nip"] = peg.atasan_penilai_nip
    extra = {
        "jenis_jabatan": peg.jenis_jabatan.label if peg else "",
        "status": peg.status.label if peg else "",
        "jenjang": (peg.jenjang or "") if peg else "",
        "aktif_sejak": sheet.aktif_sejak,
        "aktif_sampai": sheet.aktif_sampai,
    }
    for key, text in sheet.identity.items():
        who, field_key = key.split("_", 1)
        (extra if who == "peg" and field_key in extra else people[who])[field_key] = text
    for key, (r, c) in L.identity_cells.items():
        who, field_key = key.split("_", 1)
        label_col = L.left_label_col if who == "peg" else L.right_label_col
        ws.write(r, label_col, IDENTITY_LABELS[field_key], st.label)
        if field_key == "pendekatan":
            ws.write_string(r, c, "Kuantitatif", st.input)
            ws.data_validation(r, c, r, c, {"validate": "list", "source": list(PENDEKATAN)})
        elif field_key == "nip":
            if who == "peg":
                ws.write_string(r, c, people[who]["nip"], nip_style(who))
            else:
                ws.merge_range(r, c, r, right_end, people[who]["nip"], nip_style(who))
            if spec.blank:
                ws.data_validation(
                    r,
                    c,
                    r,
                    c,
                    {
                        "validate": "length",
                        "criteria": "==",
                        "value": 18,
                        "error_message": "NIP harus 18 digit (teks).",
                    },
                )
        elif field_key in ("aktif_sejak", "aktif_sampai"):
            ws.write_string(r, c, extra[field_key], st.input)
        elif field_key in extra:
            ws.write_string(r, c, extra[field_key], value_style(who))
        elif who == "peg":
            ws.write_string(r, c, people[who][field_key], value_style(who))
        else:
            ws.merge_range(r, c, r, right_end, people[who][field_key], value_style(who))
        _local(wb, name, f"SN_{key.upper()}", (r, c))
    if spec.blank:
        r, c = L.identity_cells["peg_jenis_jabatan"]
        ws.data_validation(
            r, c, r, c, {"validate": "list", "source": [j.label for j in JenisJabatan]}
        )
        r, c = L.identity_cells["peg_jenjang"]
        ws.data_validation(
            r, c, r, c, {"validate": "list", "source": list(spec.policy.angka_kredit.koefisien)}
        )

    boss = sheet.penilai.nip if sheet.penilai else None
    penilai_title = next(
        (s.title for s in spec.sheets if s.pegawai and boss and s.pegawai.nip == boss), None
    )
    _write_hasil_kerja(wb, ws, st, spec, L, name, is_jpt, penilai_title)
    _write_perilaku(wb, ws, st, L, name)
    _write_penilaian(wb, ws, st, L, name)
    _write_lampiran(wb, ws, st, L, name)
    _write_signatures(ws, st, L)
    for (r, c), value in spec.inputs.get(name, {}).items():
        write_input(ws, r, c, value, st.input)

    # Print: the plan as on the official form (the Cetak sheet prints a period's evaluation),
    # A4 landscape. Identity and A fill page 1; B starts a page of its own, so its title is
    # never orphaned and no hasil kerja header is repeated above it. A fixed scale, because
    # Excel ignores manual page breaks under "fit to page".
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_print_scale(PLAN_PRINT_SCALE)
    ws.print_area(0, 0, L.last_row, L.print_last_col)
    ws.set_h_pagebreaks([L.pk_title_row])
    who = f"{peg.nama} — NIP {format_nip(peg.nip)}" if peg is not None else "SKP"
    ws.set_footer(f"&L{_footer_text(who)}&RHalaman &P dari &N")
    ws.freeze_panes(3, 0)
    ws.protect("", {"format_columns": True, "format_rows": True, "insert_hyperlinks": True})


def write_input(ws: Worksheet, r: int, c: int, value: object, style: Any) -> None:
    """One typed input cell: text stays text (also "=…"), numbers numbers."""
    if isinstance(value, Formula):
        ws.write_formula(r, c, "=" + value.text, style, value.value)
    elif isinstance(value, ErrorValue) and isinstance(ws, PlainFormulaWorksheet):
        ws.write_error(r, c, value.error, style)
    elif isinstance(value, str):
        ws.write_string(r, c, value, style)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, style)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, style)
    elif value is None:
        ws.write_blank(r, c, None, style)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _write_hasil_kerja(
    wb: Workbook,
    ws: Worksheet,
    st: Styles,
    spec: UnitWorkbook,
    L: SkpLayout,
    name: str,
    is_jpt: bool,
    penilai_title: str | None = None,
) -> None:
    ws.write(L.hk_title_row, 0, "A. HASIL KERJA", st.section)
    headers = dict((k, h) for k, h, _ in PLAN_COLUMNS)
    if is_jpt:
        headers["rhk_atasan"] = "Penugasan dari (bila ada)"
        headers["aspek"] = "Perspektif"
    ws.merge_range(
        L.hk_group_row, 0, L.hk_group_row, len(PLAN_COLUMNS) - 1, "Rencana (SKP)", st.header_group
    )
    for hcol, key in enumerate(k for k, _, _ in PLAN_COLUMNS):
        ws.write(L.hk_header_row, hcol, headers[key], st.header)
    for i, p in enumerate(L.periods):
        first = L.period_col(i, PERIOD_FIELDS[0][0])
        ws.merge_range(
            L.hk_group_row,
            first,
            L.hk_group_row,
            first + len(PERIOD_FIELDS) - 1,
            f"Evaluasi {p.label}",
            st.header_group,
        )
        for fld, header, _ in PERIOD_FIELDS:
            if p.is_annual and fld == "target_periode":
                header = "(tahunan: kolom Target)"
            ws.write(L.hk_header_row, L.period_col(i, fld), header, st.header)
    ws.set_row(L.hk_header_row, 40)
    ws.write_row(L.hk_key_row, 0, L.hk_keys, st.key)
    ws.set_row(L.hk_key_row, None, None, {"hidden": True})

    first, last = L.hk_first_row, L.hk_last_row
    col = {k: i for i, k in enumerate(L.hk_keys)}
    for rhk in range(RHK_COUNT):
        ws.write_number(first + rhk * IKI_PER_RHK, col["no"], rhk + 1, st.input_number)
    # The formulas of the first row, shared down the block (relative rows, absolute plan
    # columns, as the Petunjuk's "copy an empty IKI row" relies on).
    tgt = f"${cell(first, col['target'])}"
    atas = f"${cell(first, col['target_atas'])}"
    arah = f"${cell(first, col['arah'])}"
    satuan = f"${cell(first, col['satuan'])}"
    sifat = f"${cell(first, col['sifat'])}"
    assert isinstance(ws, PlainFormulaWorksheet)
    parts = [p for p in L.periods if not p.is_annual]
    reals = [cell(first, L.period_col(i, "realisasi")) for i in range(len(L.periods))]
    for i, p in enumerate(L.periods):
        here = {k: cell(first, L.period_col(i, k)) for k in (*DINILAI_FIELDS, "target_periode")}
        if p.is_annual:
            dinilai = (
                f.dinilai_realisasi_tahunan(sifat, reals[i], reals[: len(parts)]),
                f.dinilai_salin(tgt),
                f.dinilai_salin(atas),
            )
        else:
            own, so_far = p.months, sum(q.months for q in parts[: i + 1])
            months = {"months_own": own, "months_so_far": so_far}
            pt = here["target_periode"]
            dinilai = (
                f.dinilai_realisasi(sifat, pt, reals[: i + 1]),
                f.dinilai_target(sifat, pt, tgt, lower=True, **months),
                f.dinilai_target(sifat, pt, atas, lower=False, **months),
            )
        for key, formula in zip(DINILAI_FIELDS, dinilai, strict=True):
            ws.write_shared_formula(first, last, L.period_col(i, key), formula, st.formula_num)
        real_d, tgt_d, atas_d = (here[k] for k in DINILAI_FIELDS)
        cap = L.period_col(i, "capaian")
        ws.write_shared_formula(
            first,
            last,
            cap,
            f.capaian(
                real_d, tgt_d, atas_d, arah, exact=spec.policy.capaian.desimal is None, sifat=sifat
            ),
            st.formula_pct,
        )
        ws.write_shared_formula(
            first,
            last,
            L.period_col(i, "periksa"),
            f.periksa(real_d, tgt_d, atas_d, satuan, cell(first, cap)),
            st.formula_text,
        )
    ws.write(
        L.hk_end_row,
        0,
        "— akhir tabel hasil kerja: sisipkan baris baru di atas baris ini —",
        st.end,
    )
    for c in range(1, L.last_col + 1):
        ws.write_blank(L.hk_end_row, c, None, st.end)
    _local(wb, name, "SN_HK", (L.hk_key_row, 0), (L.hk_end_row, L.last_col))

    # Guards: lists, numbers, input colouring, capaian behind target.
    def rng(key: str) -> str:
        return xl_range(first, col[key], last, col[key])

    ws.data_validation(rng("jenis"), {"validate": "list", "source": list(JENIS_RHK)})
    if penilai_title is not None and not is_jpt:
        # The pejabat penilai's own RHK, from their SKP sheet in this workbook (cascading,
        # domain.md §2.4). "information": an RHK from elsewhere can still be typed.
        letter = col_name(col["rhk"])
        source = f"={quote_sheet(penilai_title)}!${letter}${first + 1}:${letter}${last + 1}"
        ws.data_validation(
            rng("rhk_atasan"),
            {
                "validate": "list",
                "source": source,
                "error_type": "information",
                "error_title": "RHK atasan",
                "error_message": "Pilih RHK dari SKP pejabat penilai; RHK yang tidak ada di "
                "SKP-nya menjadi peringatan saat konsolidasi.",
            },
        )
    ws.data_validation(
        rng("aspek"), {"validate": "list", "source": list(PERSPEKTIF if is_jpt else ASPEK)}
    )
    ws.data_validation(rng("arah"), {"validate": "list", "source": [a.value for a in Arah]})
    ws.data_validation(rng("sifat"), {"validate": "list", "source": [s.value for s in Sifat]})
    number_rule = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": "Bukan angka",
        "error_message": "Isi angka 0 atau lebih, tanpa satuan.",
    }
    ws.data_validation(rng("target"), number_rule)
    ws.data_validation(rng("target_atas"), number_rule)
    ws.data_validation(rng("no"), {"validate": "integer", "criteria": ">=", "value": 1})
    kual = f"${cell(first, col['target_kualitatif'])}"
    inputs = [xl_range(first, 0, last, len(PLAN_COLUMNS) - 1)]
    for i, _p in enumerate(L.periods):
        rc = L.period_col(i, "realisasi")
        top = cell(first, rc)
        ws.data_validation(
            first,
            rc,
            last,
            rc,
            {
                "validate": "custom",
                "value": f'=OR(AND(ISNUMBER({top}),{top}>=0),{kual}<>"")',
                "error_title": "Realisasi",
                "error_message": "Isi realisasi dengan angka 0 atau lebih. Teks hanya untuk IKI "
                "dengan target kualitatif.",
            },
        )
        start = rc if L.periods[i].is_annual else L.period_col(i, "target_periode")
        inputs.append(xl_range(first, start, last, L.period_col(i, "umpan_balik")))
        if not L.periods[i].is_annual:
            tp = L.period_col(i, "target_periode")
            ws.data_validation(first, tp, last, tp, number_rule)
        cap = L.period_col(i, "capaian")
        top_cap = cell(first, cap)
        ws.conditional_format(
            first,
            cap,
            last,
            cap,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({top_cap}),{top_cap}<100)",
                "format": st.warn_fill,
            },
        )
        # A realisasi that looks mistyped turns red with its hint (added before the input
        # colouring, so it takes precedence over it).
        hint = L.period_col(i, "periksa")
        ws.conditional_format(
            first,
            rc,
            last,
            rc,
            {
                "type": "formula",
                "criteria": f'=${cell(first, hint)}<>""',
                "format": st.bad_fill,
                "multi_range": xl_range(first, rc, last, rc)
                + " "
                + xl_range(first, hint, last, hint),
            },
        )
    ws.conditional_format(
        first,
        0,
        last,
        len(PLAN_COLUMNS) - 1,
        {
            "type": "formula",
            "criteria": "=TRUE",
            "format": st.input_cf,
            "multi_range": " ".join(inputs),
        },
    )


def _write_perilaku(wb: Workbook, ws: Worksheet, st: Styles, L: SkpLayout, name: str) -> None:
    ws.write(L.pk_title_row, 0, "B. PERILAKU KERJA (BerAKHLAK)", st.section)
    ws.write(L.pk_header_row, 0, "No", st.header)
    ws.merge_range(
        L.pk_header_row,
        L.PK_ASPEK_COL,
        L.pk_header_row,
        L.PK_ASPEK_COL + 1,
        "Aspek perilaku",
        st.header,
    )
    ws.merge_range(
        L.pk_header_row,
        L.PK_PANDUAN_COL,
        L.pk_header_row,
        L.PK_PANDUAN_COL + 1,
        "Panduan perilaku",
        st.header,
    )
    ws.write(L.pk_header_row, L.PK_EKSPEKTASI_COL, "Ekspektasi khusus pimpinan", st.header)
    for i, p in enumerate(L.periods):
        ws.write(
            L.pk_header_row, L.period_col(i, "umpan_balik"), f"Umpan balik {p.label}", st.header
        )
    ws.write_row(L.pk_key_row, 0, L.pk_keys, st.key)
    ws.set_row(L.pk_key_row, None, None, {"hidden": True})
    for i, (aspek, guides) in enumerate(BERAKHLAK):
        r = L.pk_first_row + i
        ws.set_row(r, 66)
        ws.write_number(r, 0, i + 1, st.text)
        ws.merge_range(r, L.PK_ASPEK_COL, r, L.PK_ASPEK_COL + 1, aspek, st.label)
        text = "\n".join(f"{'abc'[k]}. {g}" for k, g in enumerate(guides))
        ws.merge_range(r, L.PK_PANDUAN_COL, r, L.PK_PANDUAN_COL + 1, text, st.text_wrap)
    inputs = [xl_range(L.pk_first_row, L.PK_EKSPEKTASI_COL, L.pk_last_row, L.PK_EKSPEKTASI_COL)]
    inputs += [
        xl_range(
            L.pk_first_row,
            L.period_col(i, "umpan_balik"),
            L.pk_last_row,
            L.period_col(i, "umpan_balik"),
        )
        for i in range(len(L.periods))
    ]
    ws.conditional_format(
        L.pk_first_row,
        L.PK_EKSPEKTASI_COL,
        L.pk_last_row,
        L.PK_EKSPEKTASI_COL,
        {
            "type": "formula",
            "criteria": "=TRUE",
            "format": st.input_cf,
            "multi_range": " ".join(inputs),
        },
    )
    _local(wb, name, "SN_PK", (L.pk_key_row, 0), (L.pk_last_row, L.last_col))


def _write_penilaian(wb: Workbook, ws: Worksheet, st: Styles, L: SkpLayout, name: str) -> None:
    ws.write(L.nilai_title_row, 0, "C. PENILAIAN KINERJA (diisi pejabat penilai)", st.section)
    for key, header, hcol in NILAI_COLUMNS:
        if key in ("predikat", "angka_kredit"):
            ws.merge_range(
                L.nilai_header_row, hcol, L.nilai_header_row, hcol + 1, header, st.header
            )
        else:
            ws.write(L.nilai_header_row, hcol, header, st.header)
    ws.set_row(L.nilai_header_row, 30)
    ws.write_row(L.nilai_key_row, 0, L.nilai_keys, st.key)
    ws.set_row(L.nilai_key_row, None, None, {"hidden": True})
    hk_first, hk_last = L.hk_first_row, L.hk_last_row
    jenjang = xl_rowcol_to_cell(*L.identity_cells["peg_jenjang"], row_abs=True, col_abs=True)
    ratings = [r.label for r in Rating]
    for i, p in enumerate(L.periods):
        r = L.nilai_row(i)
        cap = L.period_col(i, "capaian")
        cap_range = xl_range_abs(hk_first, cap, hk_last, cap)
        c = NILAI_COL
        ws.write_string(r, c["kode"], p.key, st.code)
        ws.write_string(r, c["periode"], p.label, st.label)
        ws.write_formula(r, c["saran"], f.saran(cap_range), st.formula, "")
        ws.write_number(r, c["bulan"], p.months, st.input_number)
        hasil = cell(r, c["rating_hasil"])
        perilaku = cell(r, c["rating_perilaku"])
        pred = cell(r, c["predikat"])
        ws.merge_range(r, c["predikat"], r, c["predikat"] + 1, "", st.formula)
        ws.write_formula(r, c["predikat"], f.predikat(hasil, perilaku), st.formula, "")
        ws.merge_range(r, c["angka_kredit"], r, c["angka_kredit"] + 1, "", st.formula_ak)
        ws.write_formula(
            r,
            c["angka_kredit"],
            f.angka_kredit(pred, jenjang, cell(r, c["bulan"])),
            st.formula_ak,
            "",
        )
    first, last = L.nilai_first_row, L.nilai_last_row
    for key in ("rating_hasil", "rating_perilaku"):
        col = NILAI_COL[key]
        ws.data_validation(first, col, last, col, {"validate": "list", "source": ratings})
        ws.conditional_format(first, col, last, col, {"type": "blanks", "format": st.missing_fill})
    col = NILAI_COL["bulan"]
    ws.data_validation(
        first,
        col,
        last,
        col,
        {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 12},
    )
    inputs = " ".join(xl_range(first, NILAI_COL[k], last, NILAI_COL[k]) for k in ("catatan",))
    ws.conditional_format(
        first,
        NILAI_COL["catatan"],
        last,
        NILAI_COL["catatan"],
        {"type": "formula", "criteria": "=TRUE", "format": st.input_cf, "multi_range": inputs},
    )
    _local(wb, name, "SN_NILAI", (L.nilai_key_row, 0), (last, max(NILAI_COL.values()) + 1))


def _write_lampiran(wb: Workbook, ws: Worksheet, st: Styles, L: SkpLayout, name: str) -> None:
    ws.write(L.lampiran_title_row, 0, "D. LAMPIRAN SKP", st.section)
    keys = [""] * (L.LAMPIRAN_TEXT_COL + 1)
    keys[L.LAMPIRAN_LABEL_COL], keys[L.LAMPIRAN_TEXT_COL] = "bagian", "teks"
    ws.write_row(L.lampiran_key_row, 0, keys, st.key)
    ws.set_row(L.lampiran_key_row, None, None, {"hidden": True})
    for s, (_key, label) in enumerate(LAMPIRAN):
        for line in range(LAMPIRAN_ROWS):
            r = L.lampiran_row(s, line)
            ws.write_string(r, L.LAMPIRAN_LABEL_COL, label if line == 0 else "", st.label)
    first, last = L.lampiran_row(0, 0), L.lampiran_last_row
    ws.conditional_format(
        first,
        L.LAMPIRAN_TEXT_COL,
        last,
        L.LAMPIRAN_TEXT_COL,
        {"type": "formula", "criteria": "=TRUE", "format": st.input_cf},
    )
    _local(wb, name, "SN_LAMPIRAN", (L.lampiran_key_row, 0), (last, L.LAMPIRAN_TEXT_COL))


def _write_signatures(ws: Worksheet, st: Styles, L: SkpLayout) -> None:
    r = L.signature_row
    peg_nama = cell(*L.identity_cells["peg_nama"], absolute=True)
    peg_nip = cell(*L.identity_cells["peg_nip"], absolute=True)
    pnl_nama = cell(*L.identity_cells["pnl_nama"], absolute=True)
    pnl_nip = cell(*L.identity_cells["pnl_nip"], absolute=True)
    ws.write(r, 2, "Pegawai yang Dinilai", st.label)
    ws.write(r, 6, "Pejabat Penilai Kinerja", st.label)
    ws.write_formula(r + 4, 2, f'={peg_nama}&""', st.plain, "")
    ws.write_formula(r + 5, 2, f'="NIP "&{peg_nip}', st.plain, "")
    ws.write_formula(r + 4, 6, f'={pnl_nama}&""', st.plain, "")
    ws.write_formula(r + 5, 6, f'="NIP "&{pnl_nip}', st.plain, "")


# --- Rekap --------------------------------------------------------------------------------

RECAP_PERIOD_WIDTH = 14
RECAP_PAGE_CHARS = 190  # column width per landscape page that still prints legibly


@dataclass(frozen=True)
class RecapLayout:
    n_periods: int
    n_pegawai: int
    title_row: int = 0
    period_row: int = 3
    org_row: int = 4
    count_first_row: int = 5

    @property
    def n_row(self) -> int:
        return self.count_first_row + len(CURVE_ORDER)

    @property
    def status_row(self) -> int:
        return self.n_row + 1

    @property
    def text_row(self) -> int:
        return self.n_row + 2

    HELPERS = ("idx", "kind", "count", "rival", "rival_label", "heads", "broken", "sentence")

    def helper_row(self, slot: int, name: str) -> int:
        return self.text_row + 1 + slot * len(self.HELPERS) + self.HELPERS.index(name)

    # The curve's chart sits below the distribution check, in rows left free for it: beside
    # the check it straddled two printed pages; here it prints whole on the first page.
    CHART_ROWS = 16  # a 300-pixel chart in default rows, and a blank row under it

    @property
    def chart_row(self) -> int:
        return self.helper_row(f.DIST_SLOTS - 1, "sentence") + 2

    @property
    def table_header_row(self) -> int:
        return self.chart_row + self.CHART_ROWS + 1

    @property
    def table_key_row(self) -> int:
        return self.table_header_row + 1

    @property
    def table_first_row(self) -> int:
        return self.table_key_row + 1

    @property
    def table_last_row(self) -> int:
        return self.table_first_row + max(self.n_pegawai, 1) - 1

    FIXED = ("no", "nip", "nama", "jabatan", "lembar")
    # Per period: the ratings and predikat, and how many IKI are behind their target by
    # more than the policy's margin (peringatan_dini.selisih_target), live.
    FIELDS = ("rating_hasil", "rating_perilaku", "predikat", "tertinggal")

    def period_col(self, index: int, field_name: str) -> int:
        return len(self.FIXED) + index * len(self.FIELDS) + self.FIELDS.index(field_name)

    def dist_col(self, index: int) -> int:
        return 2 + index


def _write_recap(wb: Workbook, st: Styles, spec: UnitWorkbook, L: SkpLayout) -> None:
    ws = wb.add_worksheet(RECAP_SHEET, worksheet_class=PlainFormulaWorksheet)
    R = RecapLayout(len(L.periods), len(spec.sheets))
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 26)
    ws.set_column(3, 3, 30)
    ws.set_column(4, 4, 16)
    ws.set_column(5, R.period_col(len(L.periods) - 1, "tertinggal"), RECAP_PERIOD_WIDTH)
    ws.write(R.title_row, 0, f"REKAP PENILAIAN KINERJA — {spec.unit} — TAHUN {spec.year}", st.title)
    ws.write(
        R.title_row + 1,
        0,
        "Pilih predikat kinerja organisasi setiap periode; pemeriksaan "
        "kurva distribusi SE MenPANRB 3/2023 dihitung langsung.",
        st.subtitle,
    )

    # Distribution block: one column per period.
    ws.write(R.period_row, 1, "Periode", st.header)
    ws.write(R.org_row, 1, "Predikat kinerja organisasi", st.label)
    for k, p in enumerate(CURVE_ORDER):
        ws.write(R.count_first_row + k, 1, p.label, st.label)
    ws.write(R.n_row, 1, "Jumlah pegawai berpredikat", st.label)
    ws.write(R.status_row, 1, "Pemeriksaan distribusi", st.label)
    ws.write(R.text_row, 1, "Keterangan", st.label)
    for slot in range(f.DIST_SLOTS):
        for helper in R.HELPERS:
            ws.write(R.helper_row(slot, helper), 1, f"aturan {slot + 1}: {helper}", st.key)
            ws.set_row(R.helper_row(slot, helper), None, None, {"hidden": True})
    ws.set_row(R.text_row, 110)
    orgs = [o.label for o in OrgPredikat]
    for i, period in enumerate(L.periods):
        c = R.dist_col(i)
        ws.write(R.period_row, c, period.label, st.header)
        write_input(ws, R.org_row, c, spec.org_predikat.get(period.key), st.input)
        ws.data_validation(R.org_row, c, R.org_row, c, {"validate": "list", "source": orgs})
        pred_col = R.period_col(i, "predikat")
        pred_range = xl_range_abs(R.table_first_row, pred_col, R.table_last_row, pred_col)
        counts = []
        for k, pk in enumerate(CURVE_ORDER):
            r = R.count_first_row + k
            ws.write_formula(r, c, f.count_predikat(pred_range, pk.label), st.formula, 0)
            counts.append(cell(r, c))
        n = cell(R.n_row, c)
        ws.write_formula(R.n_row, c, "=" + "+".join(counts), st.formula, 0)
        org = cell(R.org_row, c)
        broken, sentences = [], []
        for slot in range(f.DIST_SLOTS):
            at = {name: cell(R.helper_row(slot, name), c) for name in R.HELPERS}
            for name, formula, cached in _distribution_helpers(slot, at, org, counts, n):
                ws.write_formula(R.helper_row(slot, name), c, formula, st.key, cached)
            broken.append(at["broken"])
            sentences.append(at["sentence"])
        ws.write_formula(R.status_row, c, f.dist_status(org, n, broken), st.formula, "")
        ws.write_formula(R.text_row, c, f.join_sentences(sentences), st.formula_text, "")
    status_range = xl_range(
        R.status_row, R.dist_col(0), R.status_row, R.dist_col(len(L.periods) - 1)
    )
    ws.conditional_format(
        status_range,
        {"type": "cell", "criteria": "==", "value": '"Tidak sesuai"', "format": st.bad_fill},
    )
    ws.conditional_format(
        status_range,
        {"type": "cell", "criteria": "==", "value": '"Sesuai"', "format": st.good_fill},
    )
    wb.define_name(
        "SN_REKAP_DISTRIBUSI",
        "="
        + quote_sheet(RECAP_SHEET)
        + "!"
        + xl_range_abs(R.period_row, 1, R.text_row, R.dist_col(len(L.periods) - 1)),
    )

    # Pegawai table.
    hdr = ["No", "NIP", "Nama", "Jabatan", "Lembar SKP"]
    keys = list(R.FIXED)
    for period in L.periods:
        hdr += [
            f"{period.label}: rating hasil kerja",
            f"{period.label}: rating perilaku",
            f"{period.label}: predikat",
            f"{period.label}: IKI tertinggal",
        ]
        keys += [f"{k}@{period.key}" for k in R.FIELDS]
    ws.write_row(R.table_header_row, 0, hdr, st.header)
    ws.set_row(R.table_header_row, 42)
    ws.write_row(R.table_key_row, 0, keys, st.key)
    ws.set_row(R.table_key_row, None, None, {"hidden": True})
    for j, sheet in enumerate(spec.sheets):
        r = R.table_first_row + j
        q = quote_sheet(sheet.title)
        ws.write_number(r, 0, j + 1, st.text)
        nip_ref = f"{q}!{cell(*L.identity_cells['peg_nip'], absolute=True)}"
        nama_ref = f"{q}!{cell(*L.identity_cells['peg_nama'], absolute=True)}"
        jab_ref = f"{q}!{cell(*L.identity_cells['peg_jabatan'], absolute=True)}"
        peg = sheet.pegawai
        if peg is not None:
            ws.write_string(r, 1, peg.nip, st.nip)
            ws.write_string(r, 2, peg.nama, st.text)
            ws.write_string(r, 3, peg.jabatan, st.text)
        else:
            ws.write_formula(r, 1, f'={nip_ref}&""', st.nip, "")
            ws.write_formula(r, 2, f'={nama_ref}&""', st.text, "")
            ws.write_formula(r, 3, f'={jab_ref}&""', st.text, "")
        ws.write_url(r, 4, f"internal:{q}!A1", string=sheet.title)
        for i, _p in enumerate(L.periods):
            nr = L.nilai_row(i)
            for fld, key in (
                ("rating_hasil", "rating_hasil"),
                ("rating_perilaku", "rating_perilaku"),
                ("predikat", "predikat"),
            ):
                src = f"{q}!{cell(nr, NILAI_COL[key], absolute=True)}"
                ws.write_formula(r, R.period_col(i, fld), f'=IF({src}="","",{src})', st.formula, "")
            cap = L.period_col(i, "capaian")
            caps = f"{q}!{xl_range_abs(L.hk_first_row, cap, L.hk_last_row, cap)}"
            ws.write_formula(r, R.period_col(i, "tertinggal"), f.behind(caps), st.formula, 0)
    wb.define_name(
        "SN_REKAP_PEGAWAI",
        "="
        + quote_sheet(RECAP_SHEET)
        + "!"
        + xl_range_abs(
            R.table_key_row, 0, R.table_last_row, R.period_col(len(L.periods) - 1, "tertinggal")
        ),
    )
    for i, _p in enumerate(L.periods):
        col = R.period_col(i, "tertinggal")
        ws.conditional_format(
            R.table_first_row,
            col,
            R.table_last_row,
            col,
            {"type": "cell", "criteria": ">", "value": 0, "format": st.warn_fill},
        )

    # The curve: counts per predikat (Sangat Kurang → Sangat Baik) for every period.
    chart = wb.add_chart({"type": "column"})
    q = quote_sheet(RECAP_SHEET)
    for i, period in enumerate(L.periods):
        c = R.dist_col(i)
        chart.add_series(
            {
                "name": period.label,
                "categories": f"={q}!{xl_range_abs(R.count_first_row, 1, R.count_first_row + 4, 1)}",  # noqa: E501
                "values": f"={q}!{xl_range_abs(R.count_first_row, c, R.count_first_row + 4, c)}",
            }
        )
    chart.set_title({"name": "Kurva distribusi predikat kinerja pegawai"})
    chart.set_x_axis({"name": "Predikat"})
    chart.set_y_axis({"name": "Jumlah pegawai", "major_unit": 1, "min": 0})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(R.chart_row, 1, chart)
    ws.freeze_panes(R.table_key_row + 1, 3)
    # Printed landscape, as many pages wide as keeps the text legible, with No, NIP and Nama
    # on every page and the table's own header above each of its pages; the distribution
    # check and its chart fill the first page.
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    widths = 5 + 24 + 26 + 30 + 16 + RECAP_PERIOD_WIDTH * len(R.FIELDS) * len(L.periods)
    ws.fit_to_pages(-(-widths // RECAP_PAGE_CHARS), 0)
    ws.repeat_columns(0, 2)
    ws.repeat_rows(R.table_header_row)
    ws.set_h_pagebreaks([R.table_header_row])
    ws.set_footer(f"&L{_footer_text(spec.unit)} — Rekap {spec.year}&RHalaman &P dari &N")
    ws.protect("", {"format_columns": True, "format_rows": True, "sort": True, "autofilter": True})


def _distribution_helpers(
    slot: int, at: Mapping[str, str], org: str, counts: Sequence[str], n: str
) -> list[tuple[str, str, object]]:
    """The hidden helper cells of one distribution rule: (helper, formula, cached value)."""
    desc_labels = [p.label for p in reversed(CURVE_ORDER)]
    return [
        ("idx", f.dist_index(org, slot), ""),
        ("kind", f.dist_kind(at["idx"]), ""),
        ("count", f.dist_count(at["idx"], counts), ""),
        ("rival", f.dist_rival(at["idx"], counts), ""),
        (
            "rival_label",
            f.dist_rival_label(at["idx"], at["rival"], list(reversed(counts)), desc_labels),
            "",
        ),
        ("heads", f.dist_limit_heads(at["idx"], n), ""),
        (
            "broken",
            f.dist_breaks(at["kind"], at["idx"], at["count"], n, at["heads"], at["rival"]),
            False,
        ),
        (
            "sentence",
            f.dist_sentence(
                at["kind"],
                at["idx"],
                at["count"],
                n,
                at["heads"],
                at["rival"],
                at["rival_label"],
                at["broken"],
                org,
            ),
            "",
        ),
    ]


# --- metadata -----------------------------------------------------------------------------


def _write_meta(wb: Workbook, spec: UnitWorkbook, L: SkpLayout) -> None:
    ws = wb.add_worksheet(META_SHEET)
    rows: list[tuple[str, str, str | int]] = [
        ("SN_FORMAT", "format", TEMPLATE_FORMAT),
        ("SN_VERSI", "versi", TEMPLATE_VERSION),
        ("SN_UNIT", "unit", spec.unit),
        ("SN_TAHUN", "tahun", spec.year),
        ("SN_SKEMA", "skema", spec.scheme.value),
        ("SN_PERIODE", "periode", ",".join(p.key for p in L.periods)),
        ("SN_PEMBUAT", "dibuat_oleh", f"sheetnilai {__version__}"),
    ]
    for i, (name, key, value) in enumerate(rows):
        ws.write_string(i, 0, key)
        if isinstance(value, int):
            ws.write_number(i, 1, value)
        else:
            ws.write_string(i, 1, value)
        wb.define_name(name, f"={quote_sheet(META_SHEET)}!{xl_range_abs(i, 1, i, 1)}")
    r, c = META_POLICY_CELL
    ws.write_string(r, c - 1, "kebijakan")
    ws.write_string(r, c, policy_toml(scoring_policy(spec.policy)))
    wb.define_name("SN_KEBIJAKAN", f"={quote_sheet(META_SHEET)}!{xl_range_abs(r, c, r, c)}")
    start = META_LEMBAR_ROW
    assert start > len(rows)
    ws.write_row(start, 0, ["lembar", "nip", "nama"])
    nip_fmt = wb.add_format({"num_format": "@"})
    for j, sheet in enumerate(spec.sheets):
        ws.write_string(start + 1 + j, 0, sheet.title)
        ws.write_string(start + 1 + j, 1, sheet.pegawai.nip if sheet.pegawai else "", nip_fmt)
        ws.write_string(start + 1 + j, 2, sheet.pegawai.nama if sheet.pegawai else "")
    last = start + max(len(spec.sheets), 1)
    wb.define_name("SN_LEMBAR", f"={quote_sheet(META_SHEET)}!{xl_range_abs(start, 0, last, 2)}")
    ws.very_hidden()
    ws.protect("")
