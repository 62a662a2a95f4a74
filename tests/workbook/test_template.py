"""The unit workbook as HR, pegawai and atasan get it: structure, guards, print, names."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import JenisJabatan
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.labels import OrgPredikat, Rating
from sheetnilai.workbook.build import PlainFormulaWorksheet, RecapLayout
from sheetnilai.workbook.layout import (
    ASPEK,
    CETAK_SHEET,
    GUIDE_SHEET,
    META_SHEET,
    NILAI_COL,
    PERSPEKTIF,
    PLAN_KEYS,
    RECAP_SHEET,
    RULES_SHEET,
    SkpLayout,
)
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import build, pegawai

ERROR_VALUE = re.compile(r"^(#(NAME\?|REF!|VALUE!|DIV/0!|N/A|NUM!|NULL!)|Err:\d+)")


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("unit")
    people = [
        pegawai(1, jenis=JenisJabatan.JPT, nama="Drs. Kepala O'Neil, M.Si."),
        pegawai(
            2, jenis=JenisJabatan.FUNGSIONAL, jenjang="Ahli Pertama", penilai="198001012005012001"
        ),
        pegawai(
            3, jenis=JenisJabatan.PELAKSANA, nama="Nama Yang Sangat Panjang Sekali Melebihi Batas"
        ),
    ]
    path = tmp / "unit.xlsx"
    titles = build(path, people)
    return path, titles


def test_sheets_and_names(unit: tuple[Path, list[str]]) -> None:
    path, titles = unit
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        GUIDE_SHEET,
        *titles,
        RECAP_SHEET,
        CETAK_SHEET,
        RULES_SHEET,
        META_SHEET,
    ]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert all(len(t) <= 31 for t in titles)
    assert titles[0] == "01 Drs. Kepala O'Neil, M.Si."
    for name in (
        "SN_FORMAT",
        "SN_VERSI",
        "SN_UNIT",
        "SN_TAHUN",
        "SN_SKEMA",
        "SN_PERIODE",
        "SN_LEMBAR",
    ):
        assert name in wb.defined_names, name
    for title in titles:
        local = wb[title].defined_names
        for name in ("SN_HK", "SN_PK", "SN_NILAI", "SN_LAMPIRAN", "SN_PEG_NIP", "SN_PNL_NIP"):
            assert name in local, (title, name)
    # The names point at the blocks, and the hidden key rows say which column is which.
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    ws = wb[titles[1]]
    ((sheet, ref),) = list(ws.defined_names["SN_HK"].destinations)
    assert sheet == titles[1]
    first = ws[ref.split(":")[0].replace("$", "")]
    assert first.row == layout.hk_key_row + 1 and ws.row_dimensions[first.row].hidden
    keys = [c.value for c in ws[first.row]][: len(layout.hk_keys)]
    assert keys[: len(PLAN_KEYS)] == list(PLAN_KEYS) and "capaian@TW1" in keys


def test_every_formula_is_locked_and_sheets_protected(unit: tuple[Path, list[str]]) -> None:
    path, _ = unit
    wb = openpyxl.load_workbook(path)
    formulas = 0
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas += 1
                    assert c.protection.locked, f"{ws.title}!{c.coordinate}"
    assert formulas > 3 * 45 * 5


def _effective_locked(ws: Worksheet, row: int, col: int) -> bool:
    """Unwritten cells take their column's default style (that is how inputs are unlocked)."""
    c = ws._cells.get((row, col))
    if c is not None:
        return bool(c.protection.locked)
    letter = openpyxl.utils.get_column_letter(col)
    dim = ws.column_dimensions.get(letter)
    if dim is None:
        # openpyxl groups equal adjacent columns under the first letter of the group.
        dim = next((d for d in ws.column_dimensions.values() if d.min <= col <= d.max), None)
    return True if dim is None else bool(dim.protection.locked)


# Formula cells of the hasil kerja block (and the annual period's unused target column).
CALCULATED_KEYS = ("capaian@", "periksa@", "realisasi_dinilai@", "target_dinilai@",
                   "atas_dinilai@", "target_periode@TAHUNAN")  # fmt: skip


def test_input_cells_are_unlocked(unit: tuple[Path, list[str]]) -> None:
    path, titles = unit
    wb = openpyxl.load_workbook(path)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    ws = wb[titles[1]]
    keys = layout.hk_keys
    for r in (layout.hk_first_row, layout.hk_last_row):
        for i, key in enumerate(keys):
            locked = _effective_locked(ws, r + 1, i + 1)
            calculated = key.startswith(CALCULATED_KEYS)
            assert locked == calculated, (key, r)
    for i in range(len(layout.periods)):
        r = layout.nilai_row(i) + 1
        for key in ("rating_hasil", "rating_perilaku", "bulan", "catatan"):
            assert not _effective_locked(ws, r, NILAI_COL[key] + 1), key
        for key in ("saran", "predikat", "angka_kredit", "kode"):
            assert _effective_locked(ws, r, NILAI_COL[key] + 1), key
    r, c = layout.identity_cells["peg_nip"]
    assert _effective_locked(ws, r + 1, c + 1)  # identity from the roster is not retyped
    recap = RecapLayout(len(layout.periods), len(titles))
    assert not _effective_locked(wb[RECAP_SHEET], recap.org_row + 1, recap.dist_col(0) + 1)


def _validations(ws: Worksheet) -> list[tuple[str, str, str]]:
    return [
        (str(dv.sqref), dv.type, dv.formula1 or "") for dv in ws.data_validations.dataValidation
    ]


def _covers(sqref: str, coord: str) -> bool:
    from openpyxl.worksheet.cell_range import MultiCellRange

    return coord in MultiCellRange(sqref)


def test_every_categorical_input_has_its_list(unit: tuple[Path, list[str]]) -> None:
    path, titles = unit
    wb = openpyxl.load_workbook(path)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    rating_list = '"' + ",".join(r.label for r in Rating) + '"'
    for title, is_jpt in zip(titles, (True, False, False), strict=True):
        ws = wb[title]
        dv = _validations(ws)

        def list_at(row: int, column: int, ws: Worksheet = ws, dv: list = dv) -> str | None:
            coord = ws.cell(row, column).coordinate
            return next((f for ref, t, f in dv if t == "list" and _covers(ref, coord)), None)

        for r in (layout.hk_first_row + 1, layout.hk_last_row + 1):
            assert list_at(r, col["jenis"]) == '"Utama,Tambahan"'
            expected = PERSPEKTIF if is_jpt else ASPEK
            assert list_at(r, col["aspek"]) == '"' + ",".join(expected) + '"'
            assert list_at(r, col["arah"]) == '"' + ",".join(a.value for a in Arah) + '"'
            coord = ws.cell(r, col["target"]).coordinate
            assert any(t == "decimal" and _covers(ref, coord) for ref, t, _ in dv)
            coord = ws.cell(r, col["realisasi@TW2"]).coordinate
            assert any(t == "custom" and _covers(ref, coord) for ref, t, _ in dv)
        for i in range(len(layout.periods)):
            r = layout.nilai_row(i) + 1
            assert list_at(r, NILAI_COL["rating_hasil"] + 1) == rating_list
            assert list_at(r, NILAI_COL["rating_perilaku"] + 1) == rating_list
        r, c = layout.identity_cells["peg_pendekatan"]
        assert list_at(r + 1, c + 1) == '"Kuantitatif,Kualitatif"'
    recap_ws = wb[RECAP_SHEET]
    recap = RecapLayout(len(layout.periods), len(titles))
    coord = recap_ws.cell(recap.org_row + 1, recap.dist_col(4) + 1).coordinate
    orgs = '"' + ",".join(o.label for o in OrgPredikat) + '"'
    assert any(f == orgs and _covers(ref, coord) for ref, t, f in _validations(recap_ws))


def test_every_nip_cell_is_text(unit: tuple[Path, list[str]]) -> None:
    path, titles = unit
    wb = openpyxl.load_workbook(path)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    for title in titles:
        for key in ("peg_nip", "pnl_nip", "apnl_nip"):
            r, c = layout.identity_cells[key]
            cell = wb[title].cell(r + 1, c + 1)
            assert cell.number_format == "@", (title, key)
            assert cell.value is None or (cell.data_type == "s" and len(cell.value) == 18)
    recap = RecapLayout(len(layout.periods), len(titles))
    for j in range(len(titles)):
        cell = wb[RECAP_SHEET].cell(recap.table_first_row + 1 + j, 2)
        assert cell.data_type == "s" and cell.number_format == "@" and len(cell.value) == 18
    meta = wb[META_SHEET]
    rows = list(meta.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[:3] == ("lembar", "nip", "nama"))
    nips = [row[1] for row in rows[start + 1 :]]
    assert len(nips) == len(titles) and all(isinstance(n, str) and len(n) == 18 for n in nips)


def test_print_setup_is_a4_landscape_with_a_page_per_section(unit: tuple[Path, list[str]]) -> None:
    path, titles = unit
    wb = openpyxl.load_workbook(path)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    for title in titles:
        ws = wb[title]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        # A fixed scale, not fit-to-page (under which Excel ignores manual page breaks), and
        # no repeated hasil kerja header: it would print above section B.
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.scale and ws.print_title_rows is None
        assert [b.id for b in ws.row_breaks.brk] == [layout.pk_title_row]
        assert ws.freeze_panes == "A4"


def test_formulas_use_no_function_that_needs_a_prefix(unit: tuple[Path, list[str]]) -> None:
    """PlainFormulaWorksheet skips XlsxWriter's _xlfn pass; prove nothing needed it."""
    path, _ = unit
    wb = openpyxl.load_workbook(path)
    shapes = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    shapes.add(re.sub(r"\$?[A-Z]{1,3}\$?\d+", "R", str(c.value)))
    probe = PlainFormulaWorksheet()
    from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

    for formula in shapes:
        assert "_xlfn" not in formula
        assert XlsxWorksheet._prepare_formula(probe, formula, True) == formula.lstrip("="), formula


# Functions that Excel 2010+, LibreOffice Calc 7.4 and Google Sheets compute alike
# (integrations.md §1 "all" row, plus the classic text/logic functions below).
PORTABLE = {
    "IF", "AND", "OR", "NOT", "IFERROR", "ISERROR", "ISNUMBER", "ISLOGICAL", "ROUND", "INT",
    "MIN", "MAX", "SUM", "AVERAGE", "COUNT", "COUNTIF", "INDEX", "MATCH", "SUBSTITUTE", "TRIM",
    "LEN", "SUMPRODUCT",
    # The Cetak sheet reads the picked SKP sheet by name (tests/workbook/test_print.py).
    "INDIRECT", "UPPER",
}  # fmt: skip


def test_formulas_use_only_portable_functions(unit: tuple[Path, list[str]]) -> None:
    path, _ = unit
    wb = openpyxl.load_workbook(path)
    used: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    text = re.sub(r'"[^"]*"', '""', str(c.value))  # ignore string literals
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", text))
    assert used <= PORTABLE, used - PORTABLE
    assert {"INDEX", "MATCH", "ROUND", "COUNTIF"} <= used


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_no_error_value_in_any_cell_after_recalculation(
    unit: tuple[Path, list[str]], tmp_path: Path
) -> None:
    path, _ = unit
    (out,) = convert([path], tmp_path / "lo")
    wb = openpyxl.load_workbook(out, data_only=True)
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and ERROR_VALUE.match(c.value)
    ]
    assert errors == []
    recap = wb[RECAP_SHEET]
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    r = RecapLayout(len(layout.periods), 3)
    assert recap.cell(r.status_row + 1, r.dist_col(0) + 1).value == "Pilih predikat organisasi"


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_one_skp_prints_on_two_a4_pages(tmp_path: Path) -> None:
    one, two = tmp_path / "satu.xlsx", tmp_path / "dua.xlsx"
    build(one, [pegawai(1)])
    build(two, [pegawai(1), pegawai(2)])
    pdfs = convert([one, two], tmp_path / "pdf", target="pdf")
    pages = [len(re.findall(rb"/Type\s*/Page[^s]", p.read_bytes())) for p in pdfs]
    assert pages[1] - pages[0] == 2  # the second pegawai's SKP adds exactly two A4 pages
    media = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdfs[1].read_bytes())
    sizes = [(round(float(w)), round(float(h))) for w, h in media]
    assert sizes.count((842, 595)) >= 4  # both SKPs (2 pages each) print landscape


def test_blank_template_in_sheet_templates_is_what_the_generator_writes(tmp_path: Path) -> None:
    from sheetnilai.workbook.generate import write_blank_template

    root = Path(__file__).parents[2] / "sheet_templates"
    for scheme in Scheme:
        committed = root / f"templat-skp-{scheme.value}.xlsx"
        fresh = tmp_path / committed.name
        write_blank_template(fresh, scheme)
        with zipfile.ZipFile(committed) as a, zipfile.ZipFile(fresh) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                assert a.read(name) == b.read(name), name


def test_periksa_isian_turns_the_realisasi_red(tmp_path: Path) -> None:
    """Each period's hint column has a locked formula in every IKI row, and a non-empty hint
    colours its realisasi and itself; the thresholds come from the policy via Aturan."""
    from fractions import Fraction

    from sheetnilai.rules.policy import PlausibilitasPolicy, Policy
    from sheetnilai.workbook import formulas as f

    path = tmp_path / "unit.xlsx"
    policy = Policy(plausibilitas=PlausibilitasPolicy(Fraction(1000), Fraction(3, 2)))
    (title,) = build(path, [pegawai(1)], policy=policy)
    wb = openpyxl.load_workbook(path)
    ws = wb[title]
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    first, last = layout.hk_first_row + 1, layout.hk_last_row + 1
    rules = {str(cf.sqref): rule for cf in ws.conditional_formatting for rule in cf.rules}
    for i, _p in enumerate(layout.periods):
        hint = openpyxl.utils.get_column_letter(layout.period_col(i, "periksa") + 1)
        real = openpyxl.utils.get_column_letter(layout.period_col(i, "realisasi") + 1)
        for r in range(first, last + 1):
            c = ws[f"{hint}{r}"]
            assert c.data_type == "f" and c.protection.locked
        rule = rules[f"{real}{first}:{real}{last} {hint}{first}:{hint}{last}"]
        assert rule.formula == [f'${hint}{first}<>""']
        assert rule.dxf.fill.bgColor.rgb.endswith("FFC7CE")
    names = {n: wb.defined_names[n].attr_text for n in (f.N_KALI_TARGET, f.N_PERSEN_KALI)}
    aturan = wb[RULES_SHEET]
    values = [aturan[ref.split("!")[1].replace("$", "")].value for ref in names.values()]
    assert values == [1000, 1.5]
