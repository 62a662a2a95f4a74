"""The Cetak sheet: one SKP, with the evaluation of one period, laid out as an A4 form.

An SKP sheet holds the plan and every period side by side, far too wide for paper. The
Cetak sheet shows one pegawai and one period, both picked from lists at its top, by reading
the SKP sheet through INDIRECT (the same in Excel, LibreOffice and Google Sheets). The rows it
reads are found on the SKP sheet by its hidden key rows and period codes, so IKI rows inserted
there (the documented way to add IKI) do not shift what is printed.

Section A lists only the rows the pegawai filled, one after another: a hidden column counts
the filled rows of the SKP sheet cumulatively, and printed row k reads the row where that
count reaches k (MATCH, no array formula, so every spreadsheet computes it alike).

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
    BERAKHLAK,
    CETAK_SHEET,
    IKI_ROWS,
    NILAI_COL,
    PERIOD_FIELDS,
    PLAN_COLUMNS,
    SkpLayout,
    cell,
    col_name,
)
from sheetnilai.workbook.styles import TITLE_BLUE

# Printed columns of section A: (header, width). Sections B and C and the identity block
# reuse them through merged ranges. The bukti dukung links are left to the SKP sheet: a
# URL cannot be followed on paper and would take a column the text needs.
# The widths add up to A4 portrait at SCALE in LibreOffice with its widest fallback font
# (DejaVu Sans for Calibri, about 1.4 times Calibri's column unit); Excel prints the same
# columns a little narrower than the page, holding about as many characters per line.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("No", 3),
    ("Rencana hasil kerja (RHK)", 16.5),
    ("Aspek", 7),
    ("Indikator kinerja individu (IKI)", 18.5),
    ("Target (satuan)", 7),
    ("Target dinilai", 5.5),
    ("Reali- sasi", 5.5),
    ("Capaian (%)", 5.5),
    ("Umpan balik", 9.5),
)
LAST_COL = len(COLUMNS) - 1
# Hidden helper columns right of the form: the lists behind the two dropdowns, the cells
# every formula of the form shares (which sheet, which rows, which period columns), and the
# running counts of filled rows and of RHK over the SKP sheet's hasil kerja rows.
TITLES_COL = LAST_COL + 3
LABELS_COL = TITLES_COL + 1
KEYS_COL = TITLES_COL + 2
HELP_COL = TITLES_COL + 3
FILLED_COL = TITLES_COL + 4
RHK_NO_COL = TITLES_COL + 5
# On each printed IKI row: the 1-based offset of the SKP row it shows, blank past the last.
POS_COL = TITLES_COL + 6
HELPERS = (
    "prefix",
    "range",
    "period",
    "hk_first",
    "pk_first",
    "nilai_row",
    "period_col",
    "ok",
    "n_rows",
    "filled",
)
# The SKP sheet range INDIRECT reads: far below the template's last row, so that inserted IKI
# rows stay inside it.
READ_ROWS = 3000
# Hasil kerja rows of the SKP sheet looked at for filled ones: the template's rows and room
# for as many inserted again; rows further down are counted in the "not printed" line.
SCAN_ROWS = 2 * IKI_ROWS

# Paper: A4 portrait at 90 % with a 9-point table font prints text of 8.1 points, as large
# as a printed SKP form's. Row heights are fixed (no spreadsheet refits a row when a
# formula's result changes), so the pages below are planned in points.
FONT = 9
SCALE = 90
LINE = 11.5  # points per line of the 9-point font, in Calibri and in its fallbacks
IKI_HEIGHT = 4 * LINE + 2  # four lines: about 100 characters of RHK or IKI text
# A page holds (842 - 72 × (top + bottom margin)) × 100 / SCALE ≈ 855 sheet points; the
# rows below fill both pages, with a little room left for the fallback fonts' taller lines.
MARGIN_TOP, MARGIN_BOTTOM = 0.4, 0.6  # inches; the footer sits in the bottom margin
IKI_PAGE_1 = 12  # section A rows under the identity on page 1
# And at the top of page 2, above B, C and the signatures, which take the rest of it: more
# would push a typical SKP (up to ten IKI) onto a third page, since rows cannot shrink.
IKI_PAGE_2 = 2
CAPACITY = IKI_PAGE_1 + IKI_PAGE_2


def _panduan_lines(guides: tuple[str, str, str]) -> int:
    # About 48 characters of the panduan span fit a line in the widest fallback font.
    return sum(-(-(len(g) + 3) // 48) for g in guides)


PK_HEIGHTS = tuple(max(3, _panduan_lines(g)) * LINE + 2 for _, g in BERAKHLAK)


@dataclass(frozen=True)
class CetakLayout:
    """Rows (0-based) of the Cetak sheet: controls above the print area, then two pages."""

    control_row: int = 1
    title_row: int = 3

    @property
    def ident_header_row(self) -> int:
        return self.title_row + 4

    @property
    def ident_first_row(self) -> int:
        return self.ident_header_row + 1

    @property
    def hk_title_row(self) -> int:
        return self.ident_first_row + 6

    @property
    def hk_first_row(self) -> int:
        return self.hk_title_row + 2

    @property
    def page_2_row(self) -> int:
        """The running line that heads page 2."""
        return self.hk_first_row + IKI_PAGE_1

    @property
    def more_title_row(self) -> int:
        """Section A continued on page 2: shown only when the SKP has that many rows."""
        return self.page_2_row + 1

    @property
    def more_first_row(self) -> int:
        return self.more_title_row + 2

    def iki_row(self, k: int) -> int:
        """The row of the k-th (0-based) printed IKI."""
        if k < IKI_PAGE_1:
            return self.hk_first_row + k
        return self.more_first_row + k - IKI_PAGE_1

    @property
    def more_row(self) -> int:
        """Below the last IKI row: how many filled rows the form could not hold."""
        return self.more_first_row + IKI_PAGE_2

    @property
    def pk_title_row(self) -> int:
        return self.more_row + 1

    @property
    def pk_first_row(self) -> int:
        return self.pk_title_row + 2

    @property
    def nilai_title_row(self) -> int:
        return self.pk_first_row + len(BERAKHLAK) + 1

    @property
    def nilai_row(self) -> int:
        return self.nilai_title_row + 2

    @property
    def signature_row(self) -> int:
        return self.nilai_row + 3

    @property
    def last_row(self) -> int:
        return self.signature_row + 5


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
    base = {"font_name": "Calibri", "font_size": FONT, "valign": "top", "text_wrap": True}
    border = {"border": 1, "border_color": "#7F8B99"}
    cell_fmt = wb.add_format({**base, **border})
    num_fmt = wb.add_format({**base, **border, "num_format": "#,##0.##", "align": "center"})
    pct_fmt = wb.add_format({**base, **border, "num_format": "0.##", "align": "center"})
    head_fmt = wb.add_format(
        {**base, **border, "bold": True, "bg_color": "#D9E2F3", "align": "center",
         "valign": "vcenter"}
    )  # fmt: skip
    label_fmt = wb.add_format({**base, **border, "bold": True})
    value_fmt = wb.add_format({**base, **border})
    big_fmt = wb.add_format(
        {**base, **border, "font_size": 10, "bold": True, "align": "center", "valign": "vcenter"}
    )
    # Section A continued on page 2 is drawn only when it holds something (conditional
    # formats), so a short SKP leaves white paper there rather than empty boxes.
    bare_fmt = wb.add_format(base)
    bare_num = wb.add_format({**base, "num_format": "#,##0.##", "align": "center"})
    bare_pct = wb.add_format({**base, "num_format": "0.##", "align": "center"})
    bare_head = wb.add_format({**base, "bold": True, "align": "center", "valign": "vcenter"})
    drawn = wb.add_format(border)
    drawn_head = wb.add_format({**border, "bg_color": "#D9E2F3"})
    title_fmt = wb.add_format(
        {"font_name": "Calibri", "bold": True, "font_size": 14, "font_color": TITLE_BLUE}
    )
    section_fmt = wb.add_format(
        {"font_name": "Calibri", "bold": True, "font_size": 11, "font_color": TITLE_BLUE,
         "valign": "bottom"}
    )  # fmt: skip
    running_fmt = wb.add_format({"font_name": "Calibri", "italic": True, "font_size": FONT})
    plain_fmt = wb.add_format({"font_name": "Calibri", "font_size": 10})
    control_fmt = wb.add_format(
        {"font_name": "Calibri", "font_size": 11, "bold": True, "locked": False,
         "bg_color": "#FFF7D6", **border}
    )  # fmt: skip
    note_fmt = wb.add_format(
        {"font_name": "Calibri", "font_size": FONT, "italic": True, "font_color": "#444444"}
    )

    for col, (_, width) in enumerate(COLUMNS):
        ws.set_column(col, col, width)
    ws.set_column(TITLES_COL, POS_COL, 12, None, {"hidden": True})

    # Controls: above the print area, so they never reach paper.
    ws.write(0, 0, "CETAK SKP DAN EVALUASI KINERJA", title_fmt)
    r = C.control_row
    ws.write(r, 1, "Lembar SKP", label_fmt)
    ws.merge_range(r, 2, r, 3, "", control_fmt)
    ws.write_string(r, 2, titles[0] if titles else "", control_fmt)
    ws.merge_range(r, 4, r, 5, "Periode", label_fmt)
    ws.merge_range(r, 6, r, 8, "", control_fmt)
    ws.write_string(r, 6, L.periods[0].label, control_fmt)
    ws.merge_range(
        r + 1,
        1,
        r + 1,
        LAST_COL,
        "↑ pilih lembar SKP dan periode, lalu cetak lembar ini (Berkas → Cetak). "
        "Baris-baris ini tidak ikut tercetak.",
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
        6,
        r,
        6,
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
    period = cell(r, 6, absolute=True)
    labels = xl_range_abs(0, LABELS_COL, len(L.periods) - 1, LABELS_COL)
    keys = xl_range_abs(0, KEYS_COL, len(L.periods) - 1, KEYS_COL)
    last = cell(READ_ROWS - 1, L.last_col, absolute=True)
    col_b = f'INDIRECT({_helper("prefix")}&"$B$1:$B${READ_ROWS}")'
    col_a = f'INDIRECT({_helper("prefix")}&"$A$1:$A${READ_ROWS}")'
    plan_col = {k: i + 1 for i, (k, _, _) in enumerate(PLAN_COLUMNS)}
    hk_first = _helper("hk_first")
    n_rows = _helper("n_rows")
    filled_rng = xl_range_abs(0, FILLED_COL, SCAN_ROWS - 1, FILLED_COL)
    rhk_no_rng = xl_range_abs(0, RHK_NO_COL, SCAN_ROWS - 1, RHK_NO_COL)

    def column(key: str) -> str:
        """The SKP sheet's hasil kerja rows of one plan column, as a reference."""
        letter = cell(0, plan_col[key] - 1)[:-1]
        top, bottom = f"{hk_first}", f"({hk_first}+{n_rows}-1)"
        return f'INDIRECT({_helper("prefix")}&"${letter}$"&{top}&":${letter}$"&{bottom})'

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
        # Between the key row and the perilaku block: the title, a blank row, the closing row.
        "n_rows": f'=MATCH("aspek",{col_b},0)-4-{hk_first}',
        # Every filled row of the block, also those past SCAN_ROWS: a row is filled when it
        # names an RHK or an IKI (SUMPRODUCT takes the arrays without array entry).
        "filled": f"=IF({_helper('ok')},IFERROR(SUMPRODUCT((LEN({column('rhk')})"
        f"+LEN({column('iki')})>0)*1),0),0)",
    }
    for i, name in enumerate(HELPERS):
        ws.write_formula(i, HELP_COL, helpers[name], None, "")
    ok = _helper("ok")
    fields = [k for k, _, _ in PERIOD_FIELDS]

    # The running counts over the SKP rows: FILLED_COL reaches k on the k-th filled row,
    # RHK_NO_COL numbers the RHK as the consolidation does (each row naming one starts one).
    for j in range(SCAN_ROWS):
        row = f"{hk_first}+{j}"
        rhk = f'LEN({_read(row, str(plan_col["rhk"]))}&"")>0'
        iki = f'LEN({_read(row, str(plan_col["iki"]))}&"")>0'
        inside = f"{ok},{j}<{n_rows}"
        above_f = f"{cell(j - 1, FILLED_COL)}+" if j else ""
        above_r = f"{cell(j - 1, RHK_NO_COL)}+" if j else ""
        ws.write_formula(
            j, FILLED_COL, f"={above_f}IFERROR(IF(AND({inside},OR({rhk},{iki})),1,0),0)", None, 0
        )
        ws.write_formula(
            j, RHK_NO_COL, f"={above_r}IFERROR(IF(AND({inside},{rhk}),1,0),0)", None, 0
        )

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

    def band(row: int, formula: str, fmt: Any, height: float) -> None:
        ws.merge_range(row, 0, row, LAST_COL, "", fmt)
        ws.write_formula(row, 0, formula, fmt, "")
        ws.set_row(row, height)

    # Page 1: title, identity, and section A.
    band(C.title_row, f'="EVALUASI KINERJA PEGAWAI — "&UPPER({period})&" {year}"', title_fmt, 22)
    ws.merge_range(
        C.title_row + 1,
        0,
        C.title_row + 1,
        LAST_COL,
        f"{unit} — periode penilaian 1 Januari s.d. 31 Desember {year}",
        plain_fmt,
    )
    ws.set_row(C.title_row + 1, 15)
    band(C.title_row + 2, running, running_fmt, LINE + 2)
    ws.set_row(C.title_row + 3, 6)
    h = C.ident_header_row
    ws.merge_range(h, 0, h, 3, "PEGAWAI YANG DINILAI", head_fmt)
    ws.merge_range(h, 4, h, LAST_COL, "PEJABAT PENILAI KINERJA", head_fmt)
    wide = ("nama", "jabatan", "unit")  # two lines: long names and titles wrap
    ws.set_row(h, LINE + 4)
    labels_ident = (
        ("nama", "Nama"),
        ("nip", "NIP"),
        ("pangkat", "Pangkat/Gol."),
        ("jabatan", "Jabatan"),
        ("unit", "Unit Kerja"),
    )
    for i, (key, label) in enumerate(labels_ident):
        rr = C.ident_first_row + i
        ws.merge_range(rr, 0, rr, 1, label, label_fmt)
        ws.merge_range(rr, 2, rr, 3, "", value_fmt)
        ws.write_formula(rr, 2, ident(f"peg_{key}"), value_fmt, "")
        ws.merge_range(rr, 4, rr, 5, label, label_fmt)
        ws.merge_range(rr, 6, rr, LAST_COL, "", value_fmt)
        ws.write_formula(rr, 6, ident(f"pnl_{key}"), value_fmt, "")
        ws.set_row(rr, 2 * LINE + 3 if key in wide else LINE + 4)
    ws.set_row(C.hk_title_row - 1, 8)

    band(C.hk_title_row, f'="A. HASIL KERJA — "&{period}', section_fmt, 20)
    for col, (text, _) in enumerate(COLUMNS):
        ws.write(C.hk_title_row + 1, col, text, head_fmt)
    ws.set_row(C.hk_title_row + 1, 2 * LINE + 4)

    # Section A continued, at the top of page 2: its title and header only when needed.
    more = f'{cell(C.iki_row(IKI_PAGE_1), POS_COL, absolute=True)}<>""'
    band(C.page_2_row, running, running_fmt, LINE + 2)
    band(
        C.more_title_row,
        f'=IF({more},"A. HASIL KERJA (lanjutan) — "&{period},"")',
        section_fmt,
        20,
    )
    hr = C.more_title_row + 1
    for col, (text, _) in enumerate(COLUMNS):
        ws.write_formula(hr, col, f'=IF({more},"{text}","")', bare_head, "")
    ws.set_row(hr, 2 * LINE + 4)
    ws.conditional_format(
        hr, 0, hr, LAST_COL, {"type": "formula", "criteria": f"={more}", "format": drawn_head}
    )

    for k in range(CAPACITY):
        rr = C.iki_row(k)
        shown = k < IKI_PAGE_1
        pos = cell(rr, POS_COL, absolute=True)
        # The k-th filled row of the SKP sheet (1-based offset in its block), blank past the last.
        ws.write_formula(rr, POS_COL, f'=IFERROR(MATCH({k + 1},{filled_rng},0),"")', None, "")
        row = f"{hk_first}+{pos}-1"

        def get(key: str, row: str = row) -> str:
            return _read(row, str(plan_col[key]))

        def field(key: str, row: str = row, pos: str = pos) -> str:
            return f'=IF({pos}="","",{_value(row, period_field(key))[1:]})'

        rhk, jenis = get("rhk"), get("jenis")
        # The RHK, its number and jenis on the first IKI of the RHK only: the row naming it.
        head = f'IF({ok},IFERROR(IF({rhk}&""="","",'
        kual, tgt, atas = get("target_kualitatif"), get("target"), get("target_atas")
        satuan = get("satuan")
        formulas = (
            (f'={head}INDEX({rhk_no_rng},{pos})),""),"")', num_fmt, bare_num),
            (
                f'={head}{rhk}&IF({jenis}&""="",""," ("&{jenis}&")")),""),"")',
                cell_fmt,
                bare_fmt,
            ),
            (f'=IF({pos}="","",{_text(row, str(plan_col["aspek"]))[1:]})', cell_fmt, bare_fmt),
            (f'=IF({pos}="","",{_text(row, str(plan_col["iki"]))[1:]})', cell_fmt, bare_fmt),
            (
                f'=IF({pos}="","",IF({ok},IFERROR(IF({tgt}="",{kual}&"",IF({atas}="",{tgt},'
                f'{tgt}&"–"&{atas})&IF({satuan}="",""," "&{satuan})),""),""))',
                num_fmt,
                bare_num,
            ),
            (field("target_dinilai"), num_fmt, bare_num),
            (field("realisasi"), num_fmt, bare_num),
            (field("capaian"), pct_fmt, bare_pct),
            (
                f'=IF({pos}="","",{_text(row, period_field("umpan_balik"))[1:]})',
                cell_fmt,
                bare_fmt,
            ),
        )
        for col, (formula, fmt, bare) in enumerate(formulas):
            ws.write_formula(rr, col, formula, fmt if shown else bare, "")
        ws.set_row(rr, IKI_HEIGHT)
    first_more = C.more_first_row
    ws.conditional_format(
        first_more,
        0,
        first_more + IKI_PAGE_2 - 1,
        LAST_COL,
        {
            "type": "formula",
            "criteria": f'=${col_name(POS_COL)}{first_more + 1}<>""',
            "format": drawn,
        },
    )
    # Filled rows beyond the form's capacity are named, not silently dropped.
    printed = f"COUNT({xl_range_abs(C.hk_first_row, POS_COL, C.more_row - 1, POS_COL)})"
    band(
        C.more_row,
        f'=IF({_helper("filled")}>{printed},"Lembar SKP ini memuat "&({_helper("filled")}'
        f'-{printed})&" baris IKI lagi yang tidak tercetak di sini; cetak dari lembar SKP-nya.",'
        '"")',
        note_fmt,
        LINE + 2,
    )

    # B (perilaku), C (penilaian of the period) and the signatures, together on page 2.
    band(C.pk_title_row, f'="B. PERILAKU KERJA (BerAKHLAK) — "&{period}', section_fmt, 20)
    hr = C.pk_title_row + 1
    spans = ((0, 0), (1, 1), (2, 4), (5, 6), (7, LAST_COL))
    heads = ("No", "Aspek perilaku", "Panduan perilaku", "Ekspektasi khusus pimpinan", "")
    for (a, b), text in zip(spans, heads, strict=True):
        if a == b:
            ws.write(hr, a, text, head_fmt)
        else:
            ws.merge_range(hr, a, hr, b, text, head_fmt)
    ws.write_formula(hr, spans[-1][0], f'="Umpan balik "&{period}', head_fmt, "")
    ws.set_row(hr, 3 * LINE + 4)
    pk_first = _helper("pk_first")
    sources = (
        str(L.PK_ASPEK_COL + 1),
        str(L.PK_PANDUAN_COL + 1),
        str(L.PK_EKSPEKTASI_COL + 1),
        period_field("umpan_balik"),
    )
    for j, height in enumerate(PK_HEIGHTS):
        rr = C.pk_first_row + j
        row = f"{pk_first}+{j}"
        ws.write_number(rr, 0, j + 1, num_fmt)
        for (a, b), src in zip(spans[1:], sources, strict=True):
            if a != b:
                ws.merge_range(rr, a, rr, b, "", cell_fmt)
            ws.write_formula(rr, a, _text(row, src), cell_fmt, "")
        ws.set_row(rr, height)
    ws.set_row(C.nilai_title_row - 1, 8)

    band(C.nilai_title_row, f'="C. PENILAIAN KINERJA — "&{period}', section_fmt, 20)
    nilai = (
        ((0, 1), "Saran rating hasil kerja (otomatis)", "saran"),
        ((2, 3), "Rating hasil kerja", "rating_hasil"),
        ((4, 5), "Rating perilaku kerja", "rating_perilaku"),
        ((6, 7), "Predikat kinerja", "predikat"),
        ((8, 8), "Angka kredit", "angka_kredit"),
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
    ws.set_row(hr, 2 * LINE + 4)
    ws.set_row(rr, 2 * LINE + 6)
    # The catatan is prose: a row of its own, the table's width.
    ws.merge_range(rr + 1, 0, rr + 1, 1, "Catatan/rekomendasi", label_fmt)
    ws.merge_range(rr + 1, 2, rr + 1, LAST_COL, "", value_fmt)
    ws.write_formula(
        rr + 1, 2, _value(_helper("nilai_row"), str(NILAI_COL["catatan"] + 1)), value_fmt, ""
    )
    ws.set_row(rr + 1, 2 * LINE + 3)

    s = C.signature_row
    ws.set_row(s - 1, 10)
    ws.write(s, 1, "Pegawai yang Dinilai", plain_fmt)
    ws.write(s, 6, "Pejabat Penilai Kinerja", plain_fmt)
    ws.set_row(s + 1, 15)
    ws.set_row(s + 2, 30)  # room to sign
    ws.write_formula(s + 3, 1, ident("peg_nama"), plain_fmt, "")
    ws.write_formula(s + 4, 1, f'="NIP "&{nip}', plain_fmt, "")
    ws.write_formula(s + 3, 6, ident("pnl_nama"), plain_fmt, "")
    ws.write_formula(s + 4, 6, '="NIP "&' + ident("pnl_nip")[1:], plain_fmt, "")

    ws.print_area(C.title_row, 0, C.last_row, LAST_COL)
    ws.set_h_pagebreaks([C.page_2_row])
    ws.set_paper(9)
    ws.set_portrait()
    ws.set_margins(left=0.3, right=0.3, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    # A fixed scale, not "fit to": Excel ignores manual page breaks under fit-to-page.
    ws.set_print_scale(SCALE)
    ws.set_footer(f"&L&8{_footer(unit)} — SKP {year}&R&8Halaman &P dari &N")
    ws.protect("", {"format_columns": True, "format_rows": True})


def _footer(text: str) -> str:
    return text.replace("&", "&&")
