"""The raw reader on real files: our unit workbooks as built, as saved by openpyxl, as
recalculated and saved by LibreOffice (.xlsx and .ods), hand-made packages with every cell
form Excel writes, and files that cannot be read (each with its code, nothing else raised).
"""

from __future__ import annotations

import datetime
import io
import math
import random
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetnilai.periods import Scheme, periods
from sheetnilai.sources.raw import (
    _SHEET_TAGS,
    DATE,
    MAX_CELLS,
    MAX_COLS,
    MAX_ROWS,
    PERCENT,
    READ_ERROR_CODES,
    RawBook,
    RawCell,
    ReadError,
    _duration_days,
    _ods_range,
    _read_styles,
    _sheet_parser,
    cell_ref,
    format_kind,
    parse_ref,
    read_book,
    serial_date,
)
from sheetnilai.workbook.layout import (
    CETAK_SHEET,
    GUIDE_SHEET,
    IKI_ROWS,
    META_SHEET,
    RECAP_SHEET,
    RULES_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    SkpLayout,
    quote_sheet,
)
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import build, pegawai

LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
MiB = 1024 * 1024


# --- our unit workbook ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("unit") / "unit.xlsx"
    titles = build(path, [pegawai(1), pegawai(2, nama="Siti O'Neil")])
    return path, titles


@pytest.fixture(scope="module")
def unit_book(unit: tuple[Path, list[str]]) -> RawBook:
    return read_book(unit[0])


def test_sheets_in_order_with_states(unit: tuple[Path, list[str]], unit_book: RawBook) -> None:
    _, titles = unit
    assert titles[1] == "02 Siti O'Neil"
    assert list(unit_book.sheets) == [
        GUIDE_SHEET, *titles, RECAP_SHEET, CETAK_SHEET, RULES_SHEET, META_SHEET
    ]  # fmt: skip
    states = {name: sheet.state for name, sheet in unit_book.sheets.items()}
    assert states.pop(META_SHEET) == "veryHidden"
    assert set(states.values()) == {"visible"}
    assert unit_book.kind == "xlsx"
    assert all(sheet.name == name for name, sheet in unit_book.sheets.items())


def test_local_names_point_where_the_layout_says(
    unit: tuple[Path, list[str]], unit_book: RawBook
) -> None:
    L = LAYOUT
    for title in unit[1]:
        local = unit_book.local_names[title]
        for key, (r, c) in L.identity_cells.items():
            assert parse_ref(local[f"SN_{key.upper()}"]) == (title, r, c, r, c)
        assert parse_ref(local["SN_HK"]) == (title, L.hk_key_row, 0, L.hk_end_row, L.last_col)
        assert parse_ref(local["SN_PK"]) == (title, L.pk_key_row, 0, L.pk_last_row, L.last_col)
        assert parse_ref(local["SN_NILAI"])[:3] == (title, L.nilai_key_row, 0)
        assert parse_ref(local["SN_LAMPIRAN"])[:3] == (title, L.lampiran_key_row, 0)
    # The apostrophe is doubled in the stored text and comes back single.
    assert "'02 Siti O''Neil'!" in unit_book.local_names["02 Siti O'Neil"]["SN_HK"]


def test_workbook_names_and_metadata(unit_book: RawBook) -> None:
    def meta(name: str) -> object:
        sheet, r, c, _, _ = parse_ref(unit_book.names[name])
        assert sheet == META_SHEET
        return unit_book.sheets[META_SHEET].cells[r, c].value

    assert meta("SN_FORMAT") == TEMPLATE_FORMAT
    assert meta("SN_VERSI") == float(TEMPLATE_VERSION)
    assert meta("SN_UNIT") == "Dinas Uji"
    assert not any(name.startswith("SN_PEG") for name in unit_book.names)  # sheet-scoped


def test_hidden_key_rows_formulas_and_identity(
    unit: tuple[Path, list[str]], unit_book: RawBook
) -> None:
    L = LAYOUT
    for i, title in enumerate(unit[1], 1):
        sheet = unit_book.sheets[title]
        assert {L.hk_key_row, L.pk_key_row, L.nilai_key_row, L.lampiran_key_row} <= (
            sheet.hidden_rows
        )
        # Only the upper bound of the target a period compares (a step of its capaian).
        assert sheet.hidden_cols == {L.period_col(p, "atas_dinilai") for p in range(len(L.periods))}
        keys = [sheet.cells[L.hk_key_row, c].value for c in range(L.last_col + 1)]
        assert keys == list(L.hk_keys)
        for p in range(len(L.periods)):
            real = L.period_col(p, "realisasi")
            for col in (L.period_col(p, "capaian"), L.period_col(p, "periksa")):
                # One shared formula down the column: its text in the first row, and every
                # other row holding a formula without text of its own.
                first = sheet.cells[L.hk_first_row, col]
                assert first.formula and first.formula.startswith("IF(")
                for r in range(L.hk_first_row + 1, L.hk_last_row + 1):
                    assert sheet.cells[r, col] == RawCell(None, "")
            for r in range(L.hk_first_row, L.hk_last_row + 1):
                assert (r, real) not in sheet.cells  # a blank input is no cell
        assert L.hk_last_row - L.hk_first_row + 1 == IKI_ROWS
        nip = sheet.cells[L.identity_cells["peg_nip"]]
        assert nip == RawCell(pegawai(i).nip, None)
        assert isinstance(nip.value, str)
        assert sheet.cells[L.hk_first_row, 0] == RawCell(1.0, None)  # "no" of the first RHK


def _openpyxl_view(path: Path) -> dict[str, dict[tuple[int, int], tuple[object, object]]]:
    """Every non-empty cell as openpyxl sees it: (formula text or None, cached value)."""
    formulas = openpyxl.load_workbook(path, read_only=True)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out: dict[str, dict[tuple[int, int], tuple[object, object]]] = {}
    for ws_f, ws_v in zip(formulas.worksheets, values.worksheets, strict=True):
        cells: dict[tuple[int, int], tuple[object, object]] = {}
        for row_f, row_v in zip(ws_f.iter_rows(), ws_v.iter_rows(), strict=True):
            for cf, cv in zip(row_f, row_v, strict=True):
                if cf.value is None and cv.value is None:
                    continue
                f = cf.value[1:] if cf.data_type == "f" else None
                cells[cf.row - 1, cf.column - 1] = (f, cv.value)
        out[ws_f.title] = cells
    formulas.close()
    values.close()
    return out


def _agrees(ours: RawCell, theirs: tuple[object, object]) -> bool:
    formula, value = theirs
    # openpyxl writes out a shared formula's text in every cell; we keep it in the first.
    if ours.formula != formula and not (ours.formula == "" and formula):
        return False
    if ours.error is not None:
        return value == ours.error  # openpyxl returns an error as its text
    if isinstance(value, bool) or isinstance(ours.value, bool):
        return ours.value is value
    if isinstance(value, int | float):
        return isinstance(ours.value, float) and ours.value == value
    return ours.value == value or (value is None and ours.value == "")


def test_agrees_with_openpyxl_read_twice(unit: tuple[Path, list[str]], unit_book: RawBook) -> None:
    view = _openpyxl_view(unit[0])
    assert list(view) == list(unit_book.sheets)
    for name, theirs in view.items():
        ours = unit_book.sheets[name].cells
        assert set(ours) == set(theirs), name
        bad = {k: (ours[k], theirs[k]) for k in ours if not _agrees(ours[k], theirs[k])}
        assert not bad, (name, list(bad.items())[:3])


# --- LibreOffice: the same workbook recalculated, as .xlsx and as .ods ------------------------

needs_lo = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")


def _fill(src: Path, dst: Path, titles: list[str]) -> None:
    """Type a few IKI rows as a user would (and one formula that fails), with openpyxl."""
    L = LAYOUT
    col = {k: i + 1 for i, k in enumerate(L.hk_keys)}
    wb = openpyxl.load_workbook(src)
    for t, title in enumerate(titles):
        ws = wb[title]
        for k in range(4):
            r = L.hk_first_row + k + 1
            ws.cell(r, col["iki"], f"IKI {k} — “uji” & <b>")
            ws.cell(r, col["target"], 10 * (k + 1))
            ws.cell(r, col["satuan"], "dokumen")
            for p in range(len(L.periods)):
                ws.cell(r, L.period_col(p, "realisasi") + 1, 7 * (k + 1) + p + t)
    wb[GUIDE_SHEET]["E1"] = "=1/0"
    wb[GUIDE_SHEET]["E2"] = "=NA()"
    wb[GUIDE_SHEET]["E3"] = "  dua  spasi\nbaris"
    wb.save(dst)


@pytest.fixture(scope="module")
def recalculated(
    unit: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[RawBook, RawBook, list[str]]:
    folder = tmp_path_factory.mktemp("lo")
    filled = folder / "isi.xlsx"
    _fill(unit[0], filled, unit[1])
    (xlsx,) = convert([filled], folder / "xlsx")
    (ods,) = convert([filled], folder / "ods", target="ods")
    return read_book(xlsx), read_book(ods), unit[1]


@needs_lo
@pytest.mark.libreoffice
def test_libreoffice_xlsx_agrees_with_openpyxl(
    recalculated: tuple[RawBook, RawBook, list[str]],
) -> None:
    xlsx = recalculated[0]
    view = _openpyxl_view(xlsx.path)
    for name, theirs in view.items():
        ours = xlsx.sheets[name].cells
        assert set(ours) == set(theirs), name
        bad = {k: (ours[k], theirs[k]) for k in ours if not _agrees(ours[k], theirs[k])}
        assert not bad, (name, list(bad.items())[:3])


@needs_lo
@pytest.mark.libreoffice
def test_libreoffice_xlsx_and_ods_read_the_same(
    recalculated: tuple[RawBook, RawBook, list[str]],
) -> None:
    xlsx, ods, titles = recalculated
    assert (xlsx.kind, ods.kind) == ("xlsx", "ods")
    assert list(xlsx.sheets) == list(ods.sheets)
    # LibreOffice has no "very hidden": it keeps the sheet hidden.
    assert xlsx.sheets[META_SHEET].state == ods.sheets[META_SHEET].state == "hidden"
    for name, a in xlsx.sheets.items():
        b = ods.sheets[name]
        assert set(a.cells) == set(b.cells), name
        for key, ca in a.cells.items():
            cb = b.cells[key]
            assert (ca.formula is None) == (cb.formula is None), (name, key)
            assert ca.error == cb.error, (name, key)
            assert ca.value == cb.value or (
                isinstance(ca.value, float)
                and isinstance(cb.value, float)
                and math.isclose(ca.value, cb.value, rel_tol=1e-12)
            ), (name, key, ca, cb)
        last_row = max((r for r, _ in a.cells), default=-1)
        assert {r for r in a.hidden_rows if r <= last_row} == b.hidden_rows, name
    guide = xlsx.sheets[GUIDE_SHEET].cells
    assert guide[0, 4] == RawCell(None, "1/0", "#DIV/0!")
    assert guide[1, 4] == RawCell(None, "NA()", "#N/A")
    assert guide[2, 4].value == "  dua  spasi\nbaris"
    assert ods.sheets[GUIDE_SHEET].cells[0, 4].formula == "1/0"  # "of:=" is stripped
    # Values the formulas computed: capaian of the typed rows is a number.
    L = LAYOUT
    sheet = xlsx.sheets[titles[0]]
    cap = sheet.cells[L.hk_first_row, L.period_col(0, "capaian")]
    assert cap.formula and cap.value == 70.0
    text = sheet.cells[L.hk_first_row, L.hk_keys.index("iki")].value
    assert text == "IKI 0 — “uji” & <b>"


@needs_lo
@pytest.mark.libreoffice
def test_libreoffice_names_survive_in_both(
    recalculated: tuple[RawBook, RawBook, list[str]],
) -> None:
    xlsx, ods, titles = recalculated
    ours = {n for n in xlsx.names if n.startswith("SN_")}
    assert {"SN_FORMAT", "SN_VERSI", "SN_LEMBAR", "SN_REKAP_PEGAWAI"} <= ours
    for name in ours:
        assert parse_ref(xlsx.names[name]) == parse_ref(ods.names[name]), name
    for title in titles:
        a = {n: r for n, r in xlsx.local_names[title].items() if n.startswith("SN_")}
        b = {n: r for n, r in ods.local_names[title].items() if n.startswith("SN_")}
        assert set(a) == set(b) and "SN_HK" in a
        for name in a:
            assert parse_ref(a[name]) == parse_ref(b[name]), (title, name)
            assert parse_ref(b[name])[0] == title
    meta_sheet, r, c, _, _ = parse_ref(ods.names["SN_VERSI"])
    assert ods.sheets[meta_sheet or ""].cells[r, c].value == float(TEMPLATE_VERSION)


# --- hand-made packages: every cell form ----------------------------------------------------

SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{ns}"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <dimension ref="A1:G6"/>
  <cols>
    <col min="3" max="3" width="9" hidden="1"/>
    <col min="5" max="6" width="9" hidden="true"/>
  </cols>
  <sheetData>
    <row r="1">
      <c r="A1"><v>1</v></c>
      <c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c>
      <c r="C1" t="s"><v>0</v></c>
      <c r="D1" t="s"><v>1</v></c>
    </row>
    <row r="2">
      <c r="A2"><v>2</v></c>
      <c r="B2"><f t="shared" si="0"/><v>4</v></c>
      <c r="C2" t="inlineStr"><is><t xml:space="preserve"> inline </t></is></c>
      <c r="D2" t="inlineStr"><is>
        <r><rPr><b/><sz val="11"/></rPr><t>Te</t></r>
        <r><t>bal</t></r>
      </is></c>
    </row>
    <row r="3" hidden="1">
      <c r="A3"><v>3</v></c>
      <c r="B3"><f t="shared" si="0"/><v>6</v></c>
      <c r="C3" t="b"><v>1</v></c>
      <c r="D3" t="b"><v>0</v></c>
    </row>
    <row r="4">
      <c r="A4" t="e"><f>1/0</f><v>#DIV/0!</v></c>
      <c r="B4" t="e"><v>#N/A</v></c>
      <c r="C4" t="str"><f>"a"&amp;"b"&amp;CHAR(60)</f><v>ab&lt;</v></c>
      <c r="D4" s="0"/>
      <c r="E4" t="d"><v>2026-01-02T00:00:00</v></c>
    </row>
    <row r="5">
      <c><v>10</v></c><c><v>11</v></c><c t="s"><v>2</v></c>
      <c r="F5"><v>15.5</v></c><c><v>-1E-3</v></c>
    </row>
    <row>
      <c><v>20</v></c>
      <c r="C6" t="str"><f>TEXT(1,"0")&amp;""</f><v></v></c>
      <c t="s"><v>3</v></c>
    </row>
  </sheetData>
  <mergeCells count="1"><mergeCell ref="E1:F1"/></mergeCells>
  <headerFooter><oddHeader>&amp;L99 header text</oddHeader></headerFooter>
</worksheet>
"""

STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{ns}" count="4" uniqueCount="4">
  <si><t>polos</t></si>
  <si>
    <r><rPr><b/><sz val="11"/></rPr><t>Ka</t></r>
    <r><t xml:space="preserve">ya </t></r>
    <r><t>rich</t></r>
  </si>
  <si><t>baris_x000D_
dua _x005F_x0041_</t></si>
  <si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>
</sst>
"""

EXPECTED = {
    (0, 0): RawCell(1.0, None),
    (0, 1): RawCell(2.0, "A1*2"),
    (0, 2): RawCell("polos", None),
    (0, 3): RawCell("Kaya rich", None),
    (1, 0): RawCell(2.0, None),
    (1, 1): RawCell(4.0, ""),  # a shared-formula child: present, no text
    (1, 2): RawCell(" inline ", None),
    (1, 3): RawCell("Tebal", None),
    (2, 0): RawCell(3.0, None),
    (2, 1): RawCell(6.0, ""),
    (2, 2): RawCell(True, None),
    (2, 3): RawCell(False, None),
    (3, 0): RawCell(None, "1/0", "#DIV/0!"),
    (3, 1): RawCell(None, None, "#N/A"),
    (3, 2): RawCell("ab<", '"a"&"b"&CHAR(60)'),
    (3, 4): RawCell(46024.0, None),  # t="d": the serial number of 2026-01-02
    (4, 0): RawCell(10.0, None),  # row 5: cells without "r" follow each other
    (4, 1): RawCell(11.0, None),
    (4, 2): RawCell("baris\r\ndua _x0041_", None),
    (4, 5): RawCell(15.5, None),
    (4, 6): RawCell(-0.001, None),
    (5, 0): RawCell(20.0, None),  # a row without "r" follows the previous one
    (5, 2): RawCell("", 'TEXT(1,"0")&""'),
    (5, 3): RawCell("漢字", None),  # the phonetic guide is not text
}


def _openpyxl_package() -> dict[str, bytes]:
    """The parts openpyxl writes for a two-sheet book with names (one sheet hidden)."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data Uji"
    ws["A1"] = "diganti"
    hidden = wb.create_sheet("Tersembunyi")
    hidden.sheet_state = "hidden"
    hidden["B2"] = 7
    wb.defined_names["SN_GLOBAL"] = DefinedName("SN_GLOBAL", attr_text="'Data Uji'!$B$1:$B$3")
    ws.defined_names["SN_LOKAL"] = DefinedName("SN_LOKAL", attr_text="'Data Uji'!$A$5")
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _crafted(
    ns: str = MAIN, compact: bool = False, prefix: str = "", declare: str = ""
) -> dict[str, bytes]:
    """Our hand-made sheet in an openpyxl package; `declare` adds namespace declarations that
    force the namespace-aware parse: "twice" binds a second prefix on the root and uses it
    for a few cells, "inside" repeats the declaration on <sheetData>."""
    parts = _openpyxl_package()
    sheet, strings = SHEET.format(ns=ns), STRINGS.format(ns=ns)
    if compact:
        sheet = re.sub(r">\s+<", "><", sheet)
    if prefix:
        sheet = re.sub(r"<(/?)([A-Za-z]\w*)([\s/>])", rf"<\1{prefix}:\2\3", sheet)
        sheet = sheet.replace(f'xmlns="{ns}"', f'xmlns:{prefix}="{ns}"')
    if declare == "twice":
        sheet = sheet.replace(f'xmlns="{ns}"', f'xmlns="{ns}" xmlns:s="{ns}"')
        sheet = re.sub(r'<c (r="[AB][12]"[^>]*)>(.*?)</c>', r"<s:c \1>\2</s:c>", sheet)
        assert sheet.count("<s:c ") == 4
    elif declare == "inside":
        sheet = sheet.replace("<sheetData>", f'<sheetData xmlns="{ns}">')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = strings.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel = (
        '<Relationship Id="rIdSst" Target="/xl/sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    rels = rels.replace("</Relationships>", rel + "</Relationships>")
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        '-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    if ns == STRICT:
        wb = parts["xl/workbook.xml"].decode().replace(MAIN, STRICT)
        wb = wb.replace(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "http://purl.oclc.org/ooxml/officeDocument/relationships",
        )
        parts["xl/workbook.xml"] = wb.encode()
        parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
            MAIN.encode(), STRICT.encode()
        )
    return parts


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"compact": True},
        {"ns": STRICT},
        {"prefix": "x"},
        {"prefix": "x", "compact": True},
        {"declare": "twice"},
        {"declare": "inside", "compact": True},
    ],
    ids=["indented", "compact", "strict", "prefixed", "prefixed-compact", "twice", "inside"],
)
def test_every_cell_form(tmp_path: Path, variant: dict[str, Any]) -> None:
    parts = _crafted(**variant)
    # Names are matched as written unless a declaration could change what they mean.
    _, _, tags = _sheet_parser(parts["xl/worksheets/sheet1.xml"])
    assert (tags is _SHEET_TAGS) == ("declare" in variant)
    book = read_book(_write_zip(tmp_path / "bentuk.xlsx", parts))
    assert list(book.sheets) == ["Data Uji", "Tersembunyi"]
    data = book.sheets["Data Uji"]
    assert data.cells == EXPECTED
    assert data.hidden_rows == {2}
    assert data.dates == {(3, 4): datetime.date(2026, 1, 2)}
    assert data.percents == set()
    assert data.hidden_cols == {2, 4, 5}
    assert data.state == "visible"
    hidden = book.sheets["Tersembunyi"]
    assert hidden.state == "hidden"
    assert hidden.cells == {(1, 1): RawCell(7.0, None)}
    assert book.names == {"SN_GLOBAL": "'Data Uji'!$B$1:$B$3"}
    assert book.local_names == {"Data Uji": {"SN_LOKAL": "'Data Uji'!$A$5"}}


def test_openpyxl_agrees_on_the_hand_made_values(tmp_path: Path) -> None:
    path = _write_zip(tmp_path / "bentuk.xlsx", _crafted(compact=True))
    ws = openpyxl.load_workbook(path, data_only=True)["Data Uji"]
    for (r, c), cell in EXPECTED.items():
        theirs = ws.cell(r + 1, c + 1).value
        if cell.error is not None:
            assert theirs == cell.error
        elif isinstance(theirs, datetime.datetime):  # t="d": we give its serial number
            assert (theirs - datetime.datetime(1899, 12, 30)).days == cell.value
        elif not isinstance(cell.value, str) or "_x" not in cell.value:
            assert theirs == cell.value or (theirs is None and cell.value == ""), (r, c)


def test_xlsm_is_read_as_xml_without_its_macros(tmp_path: Path) -> None:
    parts = _crafted()
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not run, not even parsed"
    book = read_book(_write_zip(tmp_path / "makro.xlsm", parts))
    assert book.kind == "xlsm"
    assert book.sheets["Data Uji"].cells == EXPECTED


def test_relationship_targets_and_part_names(tmp_path: Path) -> None:
    parts = _crafted(compact=True)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    # Absolute targets and odd letter case in part names are both found.
    for old, new in (
        ('Target="/xl/worksheets/sheet1.xml"', 'Target="/xl/worksheets/Sheet1.xml"'),
        ('Target="/xl/worksheets/sheet2.xml"', 'Target="../xl/./worksheets/sheet2.xml"'),
    ):
        assert old in rels
        rels = rels.replace(old, new)
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    book = read_book(_write_zip(tmp_path / "rel.xlsx", parts))
    assert book.sheets["Data Uji"].cells == EXPECTED
    assert book.sheets["Tersembunyi"].cells == {(1, 1): RawCell(7.0, None)}


# --- .ods written by hand: repetition, covered cells, text forms ----------------------------

ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
 office:version="1.3">
<office:automatic-styles>
 <style:style style:name="ta1" style:family="table">
  <style:table-properties table:display="true"/></style:style>
 <style:style style:name="ta2" style:family="table">
  <style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="Lembar 'Satu'" table:style-name="ta1">
 <table:table-column table:number-columns-repeated="2"/>
 <table:table-column table:visibility="collapse"/>
 <table:table-column table:number-columns-repeated="16381"/>
 <table:table-row>
  <table:table-cell office:value-type="float" office:value="1.5"
   ><text:p>1,5</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="3" office:value-type="string"
   ><text:p>sama</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="16380"/>
 </table:table-row>
 <table:table-row table:number-rows-repeated="2" table:visibility="collapse">
  <table:table-cell office:value-type="boolean" office:boolean-value="true"
   ><text:p>TRUE</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="16383"/>
 </table:table-row>
 <table:table-row table:number-rows-repeated="1000000"
  ><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
 <table:table-row>
  <table:table-cell table:formula="of:=[.A1]*2" office:value-type="percentage" office:value="3"
   ><text:p>300%</text:p></table:table-cell>
  <table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value=""
   calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>
  <table:table-cell table:formula="of:=[.Z9]"><text:p>Err:502</text:p></table:table-cell>
  <table:table-cell table:formula="of:=&quot;&quot;"><text:p/></table:table-cell>
  <table:table-cell table:number-columns-spanned="2" office:value-type="string">
   <office:annotation><text:p>catatan, bukan isi</text:p></office:annotation>
   <text:p>a<text:s text:c="3"/>b<text:tab/>c</text:p>
   <text:p><text:span>d</text:span><text:line-break/>e</text:p>
  </table:table-cell>
  <table:covered-table-cell/>
  <table:table-cell office:value-type="date" office:date-value="2026-01-02"
   ><text:p>02/01/26</text:p></table:table-cell>
  <table:table-cell office:value-type="currency" office:currency="IDR" office:value="1000"
   ><text:p>Rp1.000</text:p></table:table-cell>
  <table:table-cell><text:p/></table:table-cell>
 </table:table-row>
 <table:named-expressions>
  <table:named-range table:name="SN_LOKAL" table:base-cell-address="$'Lembar ''Satu'''.$A$1"
   table:cell-range-address="$'Lembar ''Satu'''.$A$1:.$B$2"/>
 </table:named-expressions>
</table:table>
<table:table table:name="Meta" table:style-name="ta2">
 <table:table-row><table:table-cell office:value-type="float" office:value="1"
  ><text:p>1</text:p></table:table-cell></table:table-row>
</table:table>
<table:named-expressions>
 <table:named-range table:name="SN_VERSI" table:base-cell-address="$Meta.$A$1"
  table:cell-range-address="$Meta.$A$1"/>
 <table:named-expression table:name="SN_RUMUS" table:base-cell-address="$Meta.$A$1"
  table:expression="of:=[$Meta.$A$1]*2"/>
</table:named-expressions>
</office:spreadsheet></office:body></office:document-content>
"""


def _ods(
    path: Path, content: str, mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet"
) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_ods_by_hand(tmp_path: Path) -> None:
    start = time.perf_counter()
    book = read_book(_ods(tmp_path / "tangan.ods", ODS_CONTENT))
    assert time.perf_counter() - start < 1  # a million empty rows only move the position
    assert book.kind == "ods"
    assert list(book.sheets) == ["Lembar 'Satu'", "Meta"]
    one = book.sheets["Lembar 'Satu'"]
    assert one.state == "visible" and book.sheets["Meta"].state == "hidden"
    last = 1_000_003
    assert one.cells == {
        (0, 0): RawCell(1.5, None),
        (0, 1): RawCell("sama", None),
        (0, 2): RawCell("sama", None),
        (0, 3): RawCell("sama", None),
        (1, 0): RawCell(True, None),
        (2, 0): RawCell(True, None),
        (last, 0): RawCell(3.0, "[.A1]*2"),
        (last, 1): RawCell(None, "1/0", "#DIV/0!"),
        (last, 2): RawCell(None, "[.Z9]", "Err:502"),
        (last, 3): RawCell("", '""'),
        (last, 4): RawCell("a   b\tc\nd\ne", None),
        (last, 6): RawCell(46024.0, None),  # a date: its serial number, as formulas see it
        (last, 7): RawCell(1000.0, None),
    }
    assert one.hidden_rows == {1, 2}
    assert one.hidden_cols == {2}
    assert one.dates == {(last, 6): datetime.date(2026, 1, 2)}
    assert one.percents == {(last, 0)}
    assert book.local_names == {"Lembar 'Satu'": {"SN_LOKAL": "'Lembar ''Satu'''!$A$1:$B$2"}}
    assert parse_ref(book.local_names["Lembar 'Satu'"]["SN_LOKAL"]) == ("Lembar 'Satu'", 0, 0, 1, 1)
    assert book.names == {"SN_VERSI": "'Meta'!$A$1", "SN_RUMUS": "[$Meta.$A$1]*2"}


def test_ods_repetition_bomb_is_refused(tmp_path: Path) -> None:
    bomb = ODS_CONTENT.replace(
        '<table:table-cell table:number-columns-repeated="16384"/>',
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"/>',
    )
    assert bomb != ODS_CONTENT
    start = time.perf_counter()
    with pytest.raises(ReadError) as e:
        read_book(_ods(tmp_path / "bom.ods", bomb))
    assert e.value.code == "berkas-terlalu-besar" and str(MAX_CELLS) in e.value.detail
    assert time.perf_counter() - start < 1


def test_odf_text_document_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = _ods(tmp_path / "surat.odt", ODS_CONTENT, b"application/vnd.oasis.opendocument.text")
    _raises(path, "bukan-spreadsheet")


@pytest.mark.parametrize(
    ("address", "ref"),
    [
        ("$'Sheet 1'.$A$1:.$B$2", "'Sheet 1'!$A$1:$B$2"),
        ("$Sheet1.$A$1", "'Sheet1'!$A$1"),
        ("Sheet1.A1:Sheet1.B2", "'Sheet1'!A1:B2"),
        ("$'O''Neil'.$A$21:.$AE$66", "'O''Neil'!$A$21:$AE$66"),
        ("$'a.b'.C3", "'a.b'!C3"),
        ("$A$1", "$A$1"),
        ("$S1.A1:$S2.B2", "$S1.A1:$S2.B2"),  # 3-D: kept as stored
        ("$'unclosed.A1", "$'unclosed.A1"),
    ],
)
def test_ods_addresses(address: str, ref: str) -> None:
    assert _ods_range(address) == ref


# --- files that cannot be read --------------------------------------------------------------


def _raises(path: Path, code: str, **kwargs: int) -> ReadError:
    with pytest.raises(ReadError) as e:
        read_book(path, **kwargs)
    assert e.value.code == code, e.value
    assert code in READ_ERROR_CODES
    return e.value


def test_empty_missing_and_folder(tmp_path: Path) -> None:
    (tmp_path / "kosong.xlsx").write_bytes(b"")
    _raises(tmp_path / "kosong.xlsx", "berkas-kosong")
    _raises(tmp_path / "tidak-ada.xlsx", "berkas-tidak-terbaca")
    _raises(tmp_path, "berkas-tidak-terbaca")


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    noise = bytes(random.Random(7).randrange(256) for _ in range(5000))
    assert not noise.startswith((b"PK", b"\xd0\xcf"))
    (tmp_path / "acak.xlsx").write_bytes(noise)
    _raises(tmp_path / "acak.xlsx", "bukan-spreadsheet")
    (tmp_path / "teks.xlsx").write_text("nama,nip\nBudi,1980\n", encoding="utf-8")
    _raises(tmp_path / "teks.xlsx", "bukan-spreadsheet")
    _write_zip(tmp_path / "lain.xlsx", {"catatan.txt": b"halo", "word/document.xml": b"<a/>"})
    _raises(tmp_path / "lain.xlsx", "bukan-spreadsheet")
    docx = {
        "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        b"</Relationships>",
        "word/document.xml": b'<w:document xmlns:w="urn:w"/>',
        "xl/workbook.xml": b'<w:document xmlns:w="urn:w"/>',
    }
    _raises(_write_zip(tmp_path / "dok.xlsx", docx), "bukan-spreadsheet")


def test_truncated_and_corrupted_zip(unit: tuple[Path, list[str]], tmp_path: Path) -> None:
    data = unit[0].read_bytes()
    (tmp_path / "potong.xlsx").write_bytes(data[: len(data) // 2])
    _raises(tmp_path / "potong.xlsx", "zip-rusak")
    with zipfile.ZipFile(unit[0]) as zf:
        info = zf.getinfo("xl/worksheets/sheet2.xml")
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    bad = bytearray(data)
    bad[at] ^= 0xFF
    (tmp_path / "rusak.xlsx").write_bytes(bytes(bad))
    _raises(tmp_path / "rusak.xlsx", "zip-rusak")


def test_malformed_xml_names_the_part(tmp_path: Path) -> None:
    parts = _crafted()
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"</c>", b"", 1)
    e = _raises(_write_zip(tmp_path / "xml.xlsx", parts), "zip-rusak")
    assert "xl/worksheets/sheet1.xml" in e.detail
    parts = _crafted()
    parts["xl/sharedStrings.xml"] = b"<sst"
    assert "sharedStrings" in _raises(_write_zip(tmp_path / "sst.xlsx", parts), "zip-rusak").detail
    parts = _crafted()
    parts["xl/worksheets/sheet1.xml"] = SHEET.format(ns=MAIN).replace('r="B2"', 'r="2B"').encode()
    _raises(_write_zip(tmp_path / "ref.xlsx", parts), "zip-rusak")
    parts = _crafted()
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"UTF-8", b"UTL-8")
    _raises(_write_zip(tmp_path / "kode.xlsx", parts), "zip-rusak")
    parts = _crafted()
    parts["xl/worksheets/sheet1.xml"] = SHEET.format(ns=MAIN).replace("<v>3</v>", "<v>x</v>")\
        .encode()  # fmt: skip
    _raises(_write_zip(tmp_path / "angka.xlsx", parts), "zip-rusak")


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    parts = _crafted()
    parts["xl/workbook.xml"] = laughs + parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    assert "DTD" in _raises(_write_zip(tmp_path / "dtd.xlsx", parts), "zip-rusak").detail


def _ole(*streams: str) -> bytes:
    """An OLE2 compound file header with directory entries named `streams` (UTF-16LE)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for name in streams)
    return header + entries.ljust(1024, b"\0")


def test_password_protected_and_old_xls(tmp_path: Path) -> None:
    (tmp_path / "sandi.xlsx").write_bytes(_ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    _raises(tmp_path / "sandi.xlsx", "berkas-berkata-sandi")
    (tmp_path / "lama.xlsx").write_bytes(_ole("Root Entry", "Workbook"))
    _raises(tmp_path / "lama.xlsx", "format-xls-lama")
    for name in ("lama.xls", "biner.XLSB"):
        (tmp_path / name).write_bytes(b"whatever is inside is never opened")
        _raises(tmp_path / name, "format-xls-lama")


def test_encrypted_zip_member(tmp_path: Path) -> None:
    path = _write_zip(tmp_path / "zipsandi.xlsx", _crafted())
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # local header and central directory entry
        at = data.find(sig + b"", 0)
        while at >= 0:
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                flag_at = at + (6 if sig == b"PK\x03\x04" else 8)
                data[flag_at] |= 0x01
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    _raises(path, "berkas-berkata-sandi")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 MiB of zeros declared in a few hundred KB."""
    path = tmp_path_factory.mktemp("bom") / "bom.xlsx"
    parts = _crafted()
    chunk = bytes(MiB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("xl/media/nol.bin", "w", force_zip64=True) as fh:
            for _ in range(300):
                fh.write(chunk)
    return path


def test_zip_bomb_is_refused_before_decompressing(bomb: Path) -> None:
    assert bomb.stat().st_size < 2 * MiB
    start = time.perf_counter()
    e = _raises(bomb, "berkas-terlalu-besar")
    assert time.perf_counter() - start < 0.5
    assert "nol.bin" in e.detail


def test_size_limits(tmp_path: Path, unit: tuple[Path, list[str]]) -> None:
    # The compression-ratio rule alone: 12 MiB of zeros is well under 200 MiB.
    parts = _crafted()
    parts["xl/media/nol.bin"] = bytes(12 * MiB)
    e = _raises(_write_zip(tmp_path / "rasio.xlsx", parts), "berkas-terlalu-besar")
    assert "from" in e.detail
    # The declared-size rule, with a lower limit.
    e = _raises(unit[0], "berkas-terlalu-besar", max_bytes=200_000)
    assert "declared" in e.detail
    _raises(unit[0], "berkas-terlalu-besar", max_bytes=20_000)  # the file itself
    assert read_book(unit[0], max_bytes=2 * MiB).sheets


# --- nothing but ReadError, whatever the bytes ----------------------------------------------


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = _write_zip(tmp_path_factory.mktemp("kecil") / "kecil.xlsx", _crafted(compact=True))
    return path.read_bytes()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="raw-"))
    yield folder
    shutil.rmtree(folder)


def _only_read_error(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        read_book(path)
    except ReadError as e:
        assert e.code in READ_ERROR_CODES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_only_read_error(scratch: Path, data: bytes) -> None:
    _only_read_error(scratch / "acak.xlsx", data)
    _only_read_error(scratch / "acak.ods", b"PK\x03\x04" + data)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0), flips=st.lists(st.integers(min_value=0), max_size=4))
def test_damaged_workbooks_only_read_error(
    scratch: Path, small_book: bytes, cut: int, flips: list[int]
) -> None:
    data = bytearray(small_book[: cut % (len(small_book) + 1)])
    for at in flips:
        if data:
            data[at % len(data)] ^= 0x5A
    _only_read_error(scratch / "rusak.xlsx", bytes(data))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(list(EXPECTED)),
        st.sampled_from([b"<v>1", b"</c>", b"<f>", b"&bad;", b"<is><t>", b't="q"', b"\x00"]),
        max_size=3,
    )
)
def test_garbled_sheet_xml_only_read_error(
    scratch: Path, garble: dict[tuple[int, int], bytes]
) -> None:
    parts = _crafted(compact=True)
    sheet = parts["xl/worksheets/sheet1.xml"]
    for (r, c), junk in garble.items():
        at = sheet.find(f'r="{cell_ref(r, c)}"'.encode())
        at = at if at >= 0 else len(sheet) // 2
        sheet = sheet[:at] + junk + sheet[at:]
    parts["xl/worksheets/sheet1.xml"] = sheet
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    _only_read_error(scratch / "xml.xlsx", buf.getvalue())


# --- references -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "parsed"),
    [
        ("'O''Neil'!$A$21:$AE$66", ("O'Neil", 20, 0, 65, 30)),
        ("A21", (None, 20, 0, 20, 0)),
        ("Aturan!$C$12", ("Aturan", 11, 2, 11, 2)),
        ("='01 Pegawai Uji 1'!$A$21:$AE$67", ("01 Pegawai Uji 1", 20, 0, 66, 30)),
        ("_sheetnilai!$A$9:$C$11", ("_sheetnilai", 8, 0, 10, 2)),
        ("'a!b'!B2:A1", ("a!b", 0, 0, 1, 1)),
        ("$19:$20", (None, 18, 0, 19, MAX_COLS - 1)),
        ("Sheet1!$A:$B", ("Sheet1", 0, 0, MAX_ROWS - 1, 1)),
        ("xfd1048576", (None, MAX_ROWS - 1, MAX_COLS - 1, MAX_ROWS - 1, MAX_COLS - 1)),
    ],
)
def test_parse_ref(ref: str, parsed: tuple[str | None, int, int, int, int]) -> None:
    assert parse_ref(ref) == parsed


@pytest.mark.parametrize(
    "ref",
    ["", "#REF!", "'O'Neil!A1", "'unclosed!A1", "Sheet!", "!A1", "A0", "XFE1", "A1:B2:C3",
     "A1048577", "'a'B1", "[1]Sheet!A1", "Sheet1!A1:Sheet1!B2", "1A", "$A$1:$2"],
)  # fmt: skip
def test_parse_ref_refuses(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_ref(ref)


def test_cell_ref() -> None:
    assert cell_ref(20, 0) == "A21"
    assert cell_ref(0, 25) == "Z1"
    assert cell_ref(0, 26) == "AA1"
    assert cell_ref(66, 30) == "AE67"
    assert cell_ref(MAX_ROWS - 1, MAX_COLS - 1) == "XFD1048576"
    for bad in ((-1, 0), (0, -1), (MAX_ROWS, 0), (0, MAX_COLS)):
        with pytest.raises(ValueError):
            cell_ref(*bad)


rows = st.integers(min_value=0, max_value=MAX_ROWS - 1)
cols = st.integers(min_value=0, max_value=MAX_COLS - 1)
sheet_names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="[]:*?/\\"),
    min_size=1,
    max_size=31,
)


@given(rows, cols)
def test_cell_ref_round_trip(row: int, col: int) -> None:
    assert parse_ref(cell_ref(row, col)) == (None, row, col, row, col)


@given(sheet_names, rows, cols, rows, cols, st.booleans())
def test_range_round_trip(name: str, r1: int, c1: int, r2: int, c2: int, dollars: bool) -> None:
    a, b = cell_ref(r1, c1), cell_ref(r2, c2)
    if dollars:
        a, b = (re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", x) for x in (a, b))
    ref = f"{quote_sheet(name)}!{a}:{b}"
    expected = (name, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    assert parse_ref(ref) == expected
    # The .ods form of the same range converts to text parse_ref reads the same way.
    ods = f"${quote_sheet(name)}.{a}:.{b}"
    assert parse_ref(_ods_range(ods)) == expected


def test_read_error_survives_pickling() -> None:
    import pickle

    e = pickle.loads(pickle.dumps(ReadError("zip-rusak", "xl/workbook.xml: not well-formed")))
    assert (e.code, e.detail) == ("zip-rusak", "xl/workbook.xml: not well-formed")
    assert str(e) == "zip-rusak: xl/workbook.xml: not well-formed"


# --- number formats: which numbers show as dates or percentages ------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("General", None), ("0", None), ("0.00", None), ("#,##0;[Red]-#,##0", None), ("@", None),
        ("0.00E+00", None), ("0%", PERCENT), ("0.00%", PERCENT), ("[Red]0.0%", PERCENT),
        ('0"%"', None), ("0\\%", None),  # a literal "%" does not scale the number
        ("dd/mm/yyyy", DATE), ("DD/MM/YY", DATE), ("d mmm", DATE), ("mmm-yy", DATE),
        ("mm", DATE), ("yyyy-mm-dd h:mm:ss", DATE), ("[$-421]dddd, dd mmmm yyyy", DATE),
        ("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", DATE),
        # Times: "m" after "h" or before "s" is minutes; AM/PM holds an "m" that is no month.
        ("h:mm", None), ("hh:mm:ss", None), ("[h]:mm:ss", None), ("[h]:mm", None),
        ("[mm]", None), ("[ss]", None), ("mm:ss", None),
        ("mm:ss.0", None), ("h:mm AM/PM", None), ("h:mm:ss A/P", None),
        ('"d"0', None), ('0" dokumen"', None), ("0_);(0)", None), ("#,##0 * ", None),
    ],
)  # fmt: skip
def test_format_kind(code: str, kind: str | None) -> None:
    assert format_kind(code) == kind


def test_serial_dates_as_excel_shows_them() -> None:
    assert serial_date(46096.0) == datetime.date(2026, 3, 15)
    assert serial_date(46096.75) == datetime.date(2026, 3, 15)  # the time of day is no date
    assert serial_date(93.0) == datetime.date(1900, 4, 2)
    assert serial_date(61.0) == datetime.date(1900, 3, 1)
    assert serial_date(59.0) == datetime.date(1900, 2, 28)
    assert serial_date(1.0) == datetime.date(1900, 1, 1)
    assert serial_date(0.0) == datetime.date(1899, 12, 31)  # Excel: 00/01/1900
    assert serial_date(46096.0 - 1462, date1904=True) == datetime.date(2026, 3, 15)
    for nothing in (-1.0, 1e9, math.inf, math.nan):
        assert serial_date(nothing) is None
    assert _duration_days("PT10H30M00S") == 0.4375
    assert _duration_days("PT36H00M00S") == 1.5
    assert _duration_days("-PT6H") == -0.25
    assert _duration_days("PT") is None and _duration_days("10:30") is None


STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{ns}">
 <numFmts count="4">
  <numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>
  <numFmt numFmtId="165" formatCode="[h]:mm"/>
  <numFmt numFmtId="166" formatCode="0.0%"/>
  <numFmt numFmtId="14" formatCode="0.00"/>
 </numFmts>
 <cellStyleXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellStyleXfs>
 <cellXfs count="9">
  <xf numFmtId="0" xfId="0"/><xf numFmtId="15" xfId="1"/><xf numFmtId="164"/>
  <xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="9"/><xf numFmtId="20"/>
  <xf numFmtId="32"/><xf numFmtId="14"/><xf/>
 </cellXfs>
</styleSheet>"""


def test_styles_map_cell_styles_to_dates_and_percentages() -> None:
    # Only cellXfs are cell styles (the date in cellStyleXfs is a named style's), and a custom
    # format may redefine a built-in id (14 is a plain number here).
    for ns in (MAIN, STRICT):
        text = STYLES.format(ns=ns)
        prefixed = re.sub(r"<(/?)(\w)", r"<\1x:\2", text).replace("xmlns=", "xmlns:x=")
        for variant in (text, prefixed, re.sub(r">\s+<", "><", text)):
            styles = _read_styles(variant.encode())
            assert styles == {"1": DATE, "2": DATE, "4": PERCENT, "5": PERCENT}, variant
    # Formats with entities, empty sections, and no cell styles at all.
    codes = '<numFmts><numFmt numFmtId="170" formatCode="&quot;Tgl &quot;dd/mm"/></numFmts>'
    assert _read_styles(f"<styleSheet>{codes}<cellXfs><xf numFmtId='170'/></cellXfs>".encode()) == {
        "0": DATE
    }
    assert _read_styles(b'<styleSheet><numFmts count="0"/><cellXfs count="0"/></styleSheet>') == {}
    assert _read_styles(b"<styleSheet/>") == {}


def _typed_workbook(path: Path, epoch: datetime.datetime | None = None) -> Path:
    """What a user types, as openpyxl stores it: dates and times as serial numbers with a
    date or time format, "93%" as 0.93 with a percent format."""
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    assert ws is not None
    ws.title = "Isian"
    ws["A1"] = datetime.datetime(2026, 3, 15)
    ws["A2"] = datetime.date(2026, 12, 31)
    ws["A3"] = datetime.time(10, 30)  # a time of day: no date
    ws["A4"] = 0.93
    ws["A4"].number_format = "0%"
    ws["A5"] = 0.935
    ws["A5"].number_format = "0.0%"
    ws["A6"] = 93
    ws["A6"].number_format = "dd/mm/yyyy"
    ws["A7"] = 93  # plain
    ws["A8"] = "15/03/2026"  # text is no date
    ws["B1"] = "=A4*100"  # a formula's result keeps the cell's own format: none here
    wb.save(path)
    return path


TYPED_DATES = {
    (0, 0): datetime.date(2026, 3, 15),
    (1, 0): datetime.date(2026, 12, 31),
    (5, 0): datetime.date(1900, 4, 2),
}
TYPED_PERCENTS = {(3, 0), (4, 0)}


def test_dates_and_percentages_typed_in_openpyxl(tmp_path: Path) -> None:
    sheet = read_book(_typed_workbook(tmp_path / "isian.xlsx")).sheets["Isian"]
    assert sheet.dates == TYPED_DATES
    assert sheet.percents == TYPED_PERCENTS
    assert [sheet.cells[r, 0].value for r in range(8)] == [
        46096.0, 46387.0, 0.4375, 0.93, 0.935, 93.0, 93.0, "15/03/2026",
    ]  # fmt: skip


def test_the_1904_date_system(tmp_path: Path) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = _typed_workbook(tmp_path / "mac.xlsx", CALENDAR_MAC_1904)
    sheet = read_book(path).sheets["Isian"]
    assert sheet.cells[0, 0].value == 46096.0 - 1462  # the serial is as stored …
    assert sheet.dates[0, 0] == datetime.date(2026, 3, 15)  # … and shows the same date


def test_damaged_styles_cost_the_formats_not_the_values(tmp_path: Path) -> None:
    path = _typed_workbook(tmp_path / "isian.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/styles.xml"] = b"<styleSheet><cellXfs><xf numFmtId="
    sheet = read_book(_write_zip(tmp_path / "rusak.xlsx", parts)).sheets["Isian"]
    assert sheet.cells[0, 0].value == 46096.0
    assert sheet.dates == {} and sheet.percents == set()


@needs_lo
@pytest.mark.libreoffice
def test_libreoffice_xlsx_and_ods_keep_dates_and_percentages(tmp_path: Path) -> None:
    """LibreOffice writes its own number formats (.xlsx) or value types (.ods): the same
    dates, percentages and numbers come out of both."""
    typed = _typed_workbook(tmp_path / "isian.xlsx")
    (xlsx,) = convert([typed], tmp_path / "xlsx")
    (ods,) = convert([typed], tmp_path / "ods", "ods")
    for path in (xlsx, ods):
        sheet = read_book(path).sheets["Isian"]
        assert sheet.dates == TYPED_DATES, path.suffix
        assert sheet.percents == TYPED_PERCENTS, path.suffix
        values = [sheet.cells[r, 0].value for r in range(8)]
        assert values[:7] == [46096.0, 46387.0, 0.4375, 0.93, 0.935, 93.0, 93.0], path.suffix
        assert sheet.cells[0, 1].value == 93.0


def test_ods_null_date(tmp_path: Path) -> None:
    content = ODS_CONTENT.replace(
        "<office:body><office:spreadsheet>",
        "<office:body><office:spreadsheet><table:calculation-settings><table:null-date "
        'table:date-value="1904-01-01"/></table:calculation-settings>',
    )
    one = read_book(_ods(tmp_path / "1904.ods", content)).sheets["Lembar 'Satu'"]
    last = 1_000_003
    assert one.cells[last, 6] == RawCell(46024.0 - 1462, None)
    assert one.dates == {(last, 6): datetime.date(2026, 1, 2)}


@pytest.mark.parametrize("stored", ["1e400", "-1E+999", "NaN", "INF"])
def test_a_number_no_spreadsheet_stores_reads_as_num_error(tmp_path: Path, stored: str) -> None:
    """Excel cannot store a number beyond its range; a file that does (written by another
    program) reads as Excel's #NUM!, never as an infinity the rules would trip over."""
    parts = _crafted()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(r"(<c r=\"A1\"[^>]*>)<v>[^<]*</v>", rf"\1<v>{stored}</v>", sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    book = read_book(_write_zip(tmp_path / "besar.xlsx", parts))
    (first,) = [s for s in book.sheets.values()][:1]
    assert first.cells[(0, 0)] == RawCell(None, None, "#NUM!")
    content = ODS_CONTENT.replace('office:value="1.5"', f'office:value="{stored}"', 1)
    assert content != ODS_CONTENT
    ods = read_book(_ods(tmp_path / "besar.ods", content))
    assert ods.sheets["Lembar 'Satu'"].cells[(0, 0)] == RawCell(None, None, "#NUM!")
