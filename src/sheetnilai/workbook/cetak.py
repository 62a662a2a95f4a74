"""The Cetak sheet: one SKP, with the evaluation of one period, laid out as an A4 form.

An SKP sheet holds the plan and every period side by side, far too wide for paper. The
Cetak sheet shows one pegawai and one period, both picked from lists at its top, by reading
the SKP sheet through INDIRECT (the same in Excel, LibreOffice and Google Sheets). The rows it
reads are found on the SKP sheet by its hidden key rows and period codes, so IKI rows inserted
there (the documented way to add IKI) do not shift what is printed.

The sheet has no SN_ names and keeps no NIP where an SKP sheet keeps its own: the
consolidation must never take it for an SKP sheet (sources/unit.py), and `templat perbarui`
simply writes it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_range_abs
from xlsxwriter.workbook import Workbook

from sheetnilai.workbook.layout import (
    CETAK_SHEET,
    IKI_PER_RHK,
    IKI_ROWS,
    NILAI_COL,
    PERIOD_FIELDS,
    PLAN_COLUMNS,
    SkpLayout,
    cell,
)
from sheetnilai.workbook.styles import TITLE_BLUE

# Printed columns: (header, width). Section B and C reuse them through merged ranges.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("No", 4),
    ("Jenis RHK", 9),
    ("Rencana hasil kerja (RHK)", 24),
    ("Aspek/ perspektif", 9),
    ("Indikator kinerja individu (IKI)", 26),
    ("Target", 8),
    ("Satuan", 8),
    ("Target dinilai", 8),
    ("Realisasi", 8),
    ("Capaian (%)", 8),
    ("Bukti dukung", 17),
    ("Umpan balik", 24),
)
LAST_COL = len(COLUMNS) - 1
# Hidden helper columns right of the form: the lists behind the two dropdowns and the cells
# every formula of the form shares (which sheet, which rows, which period columns).
TITLES_COL = LAST_COL + 3
LABELS_COL = TITLES_COL + 1
KEYS_COL = TITLES_COL + 2
HELP_COL = TITLES_COL + 3
HELPERS = ("prefix", "range", "period", "hk_first", "pk_first", "nilai_row", "period_col", "ok")
# The SKP sheet range INDIRECT reads: far below the template's last row, so that inserted IKI
# rows stay inside it.
READ_ROWS = 3000
IKI_PER_PAGE = 5 * IKI_PER_RHK  # five RHK per page keep every RHK whole on one page
ROW_HEIGHT = 30  # three lines of the 8-point table font
SCALE = 62  # the form's width (COLUMNS) on A4 landscape, with room for wider fallback fonts


@dataclass(frozen=True)
class CetakLayout:
    """Rows (0-based) of the Cetak sheet: controls above the print area, then 4 pages."""

    control_row: int = 1
    title_row: int = 3

    @property
    def ident_header_row(self) -> int:
        return self.title_row + 3

    @property
    def ident_first_row(self) -> int:
        return self.ident_header_row + 1

    def hk_page(self, page: int) -> tuple[int, int, int]:
        """(section title row, header row, first IKI row) of page `page` of section A."""
        if page == 0:
            top = self.ident_first_row + 6
        else:
            top = self.hk_page(page - 1)[2] + IKI_PER_PAGE + 1
        return top, top + 1, top + 2

    @property
    def hk_pages(self) -> int:
        return -(-IKI_ROWS // IKI_PER_PAGE)

    @property
    def more_row(self) -> int:
        """Below the last IKI row: how many IKI rows the SKP sheet holds beyond the form."""
        return self.hk_page(self.hk_pages - 1)[2] + IKI_PER_PAGE

    @property
    def pk_title_row(self) -> int:
        return self.more_row + 2

    @property
    def pk_first_row(self) -> int:
        return self.pk_title_row + 2

    @property
    def nilai_title_row(self) -> int:
        return self.pk_first_row + 7 + 1

    @property
    def nilai_row(self) -> int:
        return self.nilai_title_row + 2

    @property
    def signature_row(self) -> int:
        return self.nilai_row + 2

    @property
    def last_row(self) -> int:
        return self.signature_row + 6

    @property
    def breaks(self) -> list[int]:
        """Manual page breaks (the row each page starts with): every section starts a page."""
        out = [self.hk_page(p)[0] - 1 for p in range(1, self.hk_pages)]
        return [*out, self.pk_title_row - 1]


def _helper(name: str) -> str:
    return cell(HELPERS.index(name), HELP_COL, absolute=True)


def _read(row: str, col: str) -> str:
    """The value of the picked SKP sheet at a 1-based row and column expression."""
    return f"INDEX(INDIRECT({_helper('range')}),{row},{col})"


def _text(row: str, col: str) -> str:
    return f'=IF({_helper("ok")},IFERROR({_read(row, col)}&"",""),"")'


def _value(row: str, col: str) -> str:
    """A number stays a number (formatted by the form), an empty cell stays empty."""
    v = _read(row, col)
    return f'=IF({_helper("ok")},IFERROR(IF({v}="","",{v}),""),"")'


def write_print_sheet(
    wb: Workbook,
    st: Any,
    unit: str,
    year: int,
    layout: SkpLayout,
    titles: Sequence[str],
) -> None:
    ws = wb.add_worksheet(CETAK_SHEET)
    C = CetakLayout()
    L = layout
    base = {"font_name": "Calibri", "font_size": 8, "valign": "top", "text_wrap": True}
    border = {"border": 1, "border_color": "#9AA5B1"}
    cell_fmt = wb.add_format({**base, **border})
    num_fmt = wb.add_format({**base, **border, "num_format": "#,##0.##", "align": "center"})
    pct_fmt = wb.add_format({**base, **border, "num_format": "0.##", "align": "center"})
    head_fmt = wb.add_format(
        {**base, **border, "bold": True, "bg_color": "#D9E2F3", "align": "center"}
    )
    label_fmt = wb.add_format({**base, **border, "bold": True, "font_size": 9})
    value_fmt = wb.add_format({**base, **border, "font_size": 9})
    big_fmt = wb.add_format(
        {**base, **border, "font_size": 10, "bold": True, "align": "center", "valign": "vcenter"}
    )
    title_fmt = wb.add_format(
        {"font_name": "Calibri", "bold": True, "font_size": 14, "font_color": TITLE_BLUE}
    )
    section_fmt = wb.add_format(
        {"font_name": "Calibri", "bold": True, "font_size": 11, "font_color": TITLE_BLUE}
    )
    running_fmt = wb.add_format({"font_name": "Calibri", "italic": True, "font_size": 9})
    plain_fmt = wb.add_format({"font_name": "Calibri", "font_size": 10})
    control_fmt = wb.add_format(
        {"font_name": "Calibri", "font_size": 11, "bold": True, "locked": False,
         "bg_color": "#FFF7D6", **border}
    )  # fmt: skip
    note_fmt = wb.add_format({"font_name": "Calibri", "italic": True, "font_color": "#444444"})

    for col, (_, width) in enumerate(COLUMNS):
        ws.set_column(col, col, width)
    ws.set_column(TITLES_COL, HELP_COL, 20, None, {"hidden": True})

    # Controls: above the print area, so they never reach paper.
    ws.write(0, 0, "CETAK SKP DAN EVALUASI KINERJA", title_fmt)
    r = C.control_row
    ws.merge_range(r, 0, r, 1, "Lembar SKP", label_fmt)
    ws.write_string(r, 2, titles[0] if titles else "", control_fmt)
    ws.write(r, 3, "Periode", label_fmt)
    ws.write_string(r, 4, L.periods[0].label, control_fmt)
    ws.merge_range(
        r,
        5,
        r,
        LAST_COL,
        "← pilih lembar SKP dan periode, lalu cetak lembar ini (Berkas → Cetak). "
        "Baris ini tidak ikut tercetak.",
        note_fmt,
    )
    ws.set_row(r, 20)
    for i, title in enumerate(titles):
        ws.write_string(i, TITLES_COL, title)
    for i, p in enumerate(L.periods):
        ws.write_string(i, LABELS_COL, p.label)
        ws.write_string(i, KEYS_COL, p.key)
    n_titles = max(len(titles), 1)
    ws.data_validation(
        r,
        2,
        r,
        2,
        {
            "validate": "list",
            "source": "=" + xl_range_abs(0, TITLES_COL, n_titles - 1, TITLES_COL),
            "error_title": "Lembar SKP",
            "error_message": "Pilih nama lembar SKP dari daftar.",
        },
    )
    ws.data_validation(
        r,
        4,
        r,
        4,
        {
            "validate": "list",
            "source": "=" + xl_range_abs(0, LABELS_COL, len(L.periods) - 1, LABELS_COL),
            "error_title": "Periode",
            "error_message": "Pilih periode dari daftar.",
        },
    )

    # Shared helpers. Rows are found by the SKP sheet's hidden keys ("jenis" heads the plan
    # columns of the hasil kerja key row, "aspek" the perilaku key row) and the period code
    # in column A of the penilaian block, never by fixed positions.
    sheet = cell(r, 2, absolute=True)
    period = cell(r, 4, absolute=True)
    labels = xl_range_abs(0, LABELS_COL, len(L.periods) - 1, LABELS_COL)
    keys = xl_range_abs(0, KEYS_COL, len(L.periods) - 1, KEYS_COL)
    last = cell(READ_ROWS - 1, L.last_col, absolute=True)
    col_b = f'INDIRECT({_helper("prefix")}&"$B$1:$B${READ_ROWS}")'
    col_a = f'INDIRECT({_helper("prefix")}&"$A$1:$A${READ_ROWS}")'
    helpers = {
        "prefix": f'="\'"&SUBSTITUTE({sheet},"\'","\'\'")&"\'!"',
        "range": f'={_helper("prefix")}&"$A$1:{last}"',
        "period": f"=MATCH({period},{labels},0)",
        "hk_first": f'=MATCH("jenis",{col_b},0)+1',
        "pk_first": f'=MATCH("aspek",{col_b},0)+1',
        "nilai_row": f"=MATCH(INDEX({keys},{_helper('period')}),{col_a},0)",
        "period_col": f"={len(PLAN_COLUMNS) + 1}+({_helper('period')}-1)*{len(PERIOD_FIELDS)}",
        "ok": "=AND(ISNUMBER({}),ISNUMBER({}),ISNUMBER({}),ISNUMBER({}))".format(
            *(_helper(h) for h in ("period", "hk_first", "pk_first", "nilai_row"))
        ),
    }
    for i, name in enumerate(HELPERS):
        ws.write_formula(i, HELP_COL, helpers[name], None, "")
    ok = _helper("ok")
    fields = [k for k, _, _ in PERIOD_FIELDS]

    def period_field(name: str) -> str:
        return f"{_helper('period_col')}+{fields.index(name)}"

    def ident(key: str) -> str:
        row, col = L.identity_cells[key]
        return _text(str(row + 1), str(col + 1))

    nama, nip = ident("peg_nama")[1:], ident("peg_nip")[1:]
    running = (
        f'=IF({ok},"SKP "&{nama}&" — NIP "&{nip}&" — evaluasi "&{period}&" {year}",'
        f'"Lembar SKP atau periode tidak ditemukan: pilih dari daftar di atas.")'
    )

    # Page 1: title and identity.
    ws.merge_range(C.title_row, 0, C.title_row, LAST_COL, "", title_fmt)
    ws.write_formula(
        C.title_row,
        0,
        f'="EVALUASI KINERJA PEGAWAI — "&UPPER({period})&" {year}"',
        title_fmt,
        "",
    )
    ws.set_row(C.title_row, 22)
    ws.merge_range(
        C.title_row + 1,
        0,
        C.title_row + 1,
        LAST_COL,
        f"{unit} — periode penilaian 1 Januari s.d. 31 Desember {year}",
        plain_fmt,
    )
    ws.merge_range(C.title_row + 2, 0, C.title_row + 2, LAST_COL, "", running_fmt)
    ws.write_formula(C.title_row + 2, 0, running, running_fmt, "")
    h = C.ident_header_row
    ws.merge_range(h, 0, h, 4, "PEGAWAI YANG DINILAI", head_fmt)
    ws.merge_range(h, 5, h, LAST_COL, "PEJABAT PENILAI KINERJA", head_fmt)
    labels_ident = (
        ("nama", "Nama"),
        ("nip", "NIP"),
        ("pangkat", "Pangkat/Gol. Ruang"),
        ("jabatan", "Jabatan"),
        ("unit", "Unit Kerja"),
    )
    for i, (key, label) in enumerate(labels_ident):
        rr = C.ident_first_row + i
        ws.merge_range(rr, 0, rr, 1, label, label_fmt)
        ws.merge_range(rr, 2, rr, 4, "", value_fmt)
        ws.write_formula(rr, 2, ident(f"peg_{key}"), value_fmt, "")
        ws.merge_range(rr, 5, rr, 6, label, label_fmt)
        ws.merge_range(rr, 7, rr, LAST_COL, "", value_fmt)
        ws.write_formula(rr, 7, ident(f"pnl_{key}"), value_fmt, "")
        ws.set_row(rr, 22)

    # Section A over three pages of five RHK each, its header on every one of them.
    plan_col = {k: i + 1 for i, (k, _, _) in enumerate(PLAN_COLUMNS)}
    hk_first = _helper("hk_first")
    for page in range(C.hk_pages):
        top, header, first = C.hk_page(page)
        if page:
            ws.merge_range(top - 1, 0, top - 1, LAST_COL, "", running_fmt)
            ws.write_formula(top - 1, 0, running, running_fmt, "")
        suffix = " (lanjutan)" if page else ""
        ws.merge_range(top, 0, top, LAST_COL, "", section_fmt)
        ws.write_formula(top, 0, f'="A. HASIL KERJA{suffix} — "&{period}', section_fmt, "")
        for col, (text, _) in enumerate(COLUMNS):
            ws.write(header, col, text, head_fmt)
        ws.set_row(header, 24)
        for k in range(IKI_PER_PAGE):
            iki = page * IKI_PER_PAGE + k
            if iki >= IKI_ROWS:
                break
            rr = first + k
            row = f"{hk_first}+{iki}"
            kual = _read(row, str(plan_col["target_kualitatif"]))
            tgt = _read(row, str(plan_col["target"]))
            atas = _read(row, str(plan_col["target_atas"]))
            formulas = (
                (_value(row, str(plan_col["no"])), num_fmt),
                (_text(row, str(plan_col["jenis"])), cell_fmt),
                (_text(row, str(plan_col["rhk"])), cell_fmt),
                (_text(row, str(plan_col["aspek"])), cell_fmt),
                (_text(row, str(plan_col["iki"])), cell_fmt),
                (
                    f'=IF({ok},IFERROR(IF({tgt}="",{kual}&"",IF({atas}="",{tgt},'
                    f'{tgt}&"–"&{atas})),""),"")',
                    num_fmt,
                ),
                (_text(row, str(plan_col["satuan"])), cell_fmt),
                (_value(row, period_field("target_dinilai")), num_fmt),
                (_value(row, period_field("realisasi")), num_fmt),
                (_value(row, period_field("capaian")), pct_fmt),
                (_text(row, period_field("bukti")), cell_fmt),
                (_text(row, period_field("umpan_balik")), cell_fmt),
            )
            for col, (formula, fmt) in enumerate(formulas):
                ws.write_formula(rr, col, formula, fmt, "")
            ws.set_row(rr, ROW_HEIGHT)
    # IKI rows inserted beyond the form's 45 are named, not silently dropped.
    n_rows = f'MATCH("aspek",{col_b},0)-4-{hk_first}'
    ws.merge_range(C.more_row, 0, C.more_row, LAST_COL, "", note_fmt)
    ws.write_formula(
        C.more_row,
        0,
        f'=IF({ok},IF({n_rows}>{IKI_ROWS},"Lembar SKP ini memuat "&({n_rows}-{IKI_ROWS})'
        f'&" baris IKI lagi yang tidak tercetak di sini; cetak dari lembar SKP-nya.",""),"")',
        note_fmt,
        "",
    )

    # Page 4: B (perilaku), C (penilaian of the period) and the signatures.
    ws.merge_range(C.pk_title_row - 1, 0, C.pk_title_row - 1, LAST_COL, "", running_fmt)
    ws.write_formula(C.pk_title_row - 1, 0, running, running_fmt, "")
    ws.merge_range(C.pk_title_row, 0, C.pk_title_row, LAST_COL, "", section_fmt)
    ws.write_formula(
        C.pk_title_row, 0, f'="B. PERILAKU KERJA (BerAKHLAK) — "&{period}', section_fmt, ""
    )
    hr = C.pk_title_row + 1
    spans = ((0, 0), (1, 2), (3, 4), (5, 9), (10, LAST_COL))
    heads = ("No", "Aspek perilaku", "Panduan perilaku", "Ekspektasi khusus pimpinan", "")
    for (a, b), text in zip(spans, heads, strict=True):
        if a == b:
            ws.write(hr, a, text, head_fmt)
        else:
            ws.merge_range(hr, a, hr, b, text, head_fmt)
    ws.write_formula(hr, 10, f'="Umpan balik "&{period}', head_fmt, "")
    ws.set_row(hr, 24)
    pk_first = _helper("pk_first")
    sources = (
        str(L.PK_ASPEK_COL + 1),
        str(L.PK_PANDUAN_COL + 1),
        str(L.PK_EKSPEKTASI_COL + 1),
        period_field("umpan_balik"),
    )
    for j in range(7):
        rr = C.pk_first_row + j
        row = f"{pk_first}+{j}"
        ws.write_number(rr, 0, j + 1, num_fmt)
        for (a, b), src in zip(spans[1:], sources, strict=True):
            ws.merge_range(rr, a, rr, b, "", cell_fmt)
            ws.write_formula(rr, a, _text(row, src), cell_fmt, "")
        ws.set_row(rr, 54)  # four lines of panduan

    ws.merge_range(C.nilai_title_row, 0, C.nilai_title_row, LAST_COL, "", section_fmt)
    ws.write_formula(C.nilai_title_row, 0, f'="C. PENILAIAN KINERJA — "&{period}', section_fmt, "")
    nilai = (
        ((0, 2), "Saran rating hasil kerja (otomatis)", "saran"),
        ((3, 4), "Rating hasil kerja", "rating_hasil"),
        ((5, 7), "Rating perilaku kerja", "rating_perilaku"),
        ((8, 9), "Predikat kinerja", "predikat"),
        ((10, 10), "Angka kredit", "angka_kredit"),
        ((11, 11), "Catatan/rekomendasi", "catatan"),
    )
    hr = C.nilai_title_row + 1
    rr = C.nilai_row
    for (a, b), text, key in nilai:
        formula = _value(_helper("nilai_row"), str(NILAI_COL[key] + 1))
        if a == b:
            ws.write(hr, a, text, head_fmt)
            ws.write_formula(rr, a, formula, big_fmt, "")
        else:
            ws.merge_range(hr, a, hr, b, text, head_fmt)
            ws.merge_range(rr, a, rr, b, "", big_fmt)
            ws.write_formula(rr, a, formula, big_fmt, "")
    ws.set_row(hr, 24)
    ws.set_row(rr, 30)

    s = C.signature_row
    ws.write(s, 2, "Pegawai yang Dinilai", plain_fmt)
    ws.write(s, 10, "Pejabat Penilai Kinerja", plain_fmt)
    ws.write_formula(s + 4, 2, ident("peg_nama"), plain_fmt, "")
    ws.write_formula(s + 5, 2, f'="NIP "&{nip}', plain_fmt, "")
    ws.write_formula(s + 4, 10, ident("pnl_nama"), plain_fmt, "")
    ws.write_formula(s + 5, 10, '="NIP "&' + ident("pnl_nip")[1:], plain_fmt, "")

    ws.print_area(C.title_row, 0, C.last_row, LAST_COL)
    ws.set_h_pagebreaks(C.breaks)
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    # A fixed scale, not "fit to": Excel ignores manual page breaks under fit-to-page.
    ws.set_print_scale(SCALE)
    ws.set_footer(f"&L{_footer(unit)} — SKP {year}&RHalaman &P dari &N")
    ws.protect("", {"format_columns": True, "format_rows": True})


def _footer(text: str) -> str:
    return text.replace("&", "&&")
