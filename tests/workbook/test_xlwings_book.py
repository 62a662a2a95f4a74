"""`templat buat --xlwings`: the .xlsm carries the VBA project and the xlwings configuration,
opens in LibreOffice without error values in its native cells, and the Python functions agree
with the native formulas LibreOffice recalculates, on the golden cases of domain.md."""

from __future__ import annotations

import csv
import importlib
import inspect
import re
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import range_boundaries

from sheetnilai import xlwings_udf
from sheetnilai.cli import cli
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import JenisJabatan
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.numbers import round_half_up
from sheetnilai.workbook.build import RecapLayout, SheetPegawai, UnitWorkbook, build_unit_workbook
from sheetnilai.workbook.layout import (
    ANALYSIS_SHEET,
    NILAI_COL,
    PERIKSA_PERIOD_NAME,
    RECAP_SHEET,
    XLWINGS_CONF_SHEET,
    SkpLayout,
    cell,
)
from sheetnilai.workbook.xlwings_book import (
    ANALYSIS_HEADER,
    IMPORT_MACRO,
    PERIKSA_CALL,
    PERIKSA_MACRO,
    UDF_MODULE,
    xlwings_version,
)
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import pegawai
from tests.workbook.test_template import ERROR_VALUE

LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
HK = {k: i for i, k in enumerate(LAYOUT.hk_keys)}
A, S, B = "Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi"
NAIK, TURUN = Arah.NAIK.value, Arah.TURUN.value

# domain.md §3 (capaian, shown rounded and capped): (target, batas atas, realisasi, arah, shown)
GOLDEN_CAPAIAN = [
    (95, None, 93, NAIK, 98),  # 97.89 → 98
    (4, None, 3, TURUN, 120),  # 125 capped
    (4, None, 5, TURUN, 75),
    (30, None, 24, TURUN, 120),
    (80, 90, 85, NAIK, 100),  # inside the range
    (80, 90, 99, NAIK, 110),  # above it: against the upper bound
    (80, 90, 72, NAIK, 90),  # below it: against the lower bound
    (200, None, 100, None, 50),  # blank arah: higher is better
    (12, None, 9.12, NAIK, 76),  # the 24% trap: 75.99999999999999 in binary floats
]
# Per sheet: (jenjang, [(rating hasil, rating perilaku, bulan, predikat, angka kredit)] for
# TW1..TW4 and Tahunan). domain.md §2.8 (all nine matrix cells) and §S11 / SIASN angka kredit.
GOLDEN_NILAI = [
    ("Ahli Pertama", [(A, A, 12, "Sangat Baik", 18.75), (A, S, 2, "Baik", 2.08),
                      (A, B, 12, "Kurang/Misconduct", None), (S, A, 12, "Baik", None),
                      (S, S, 12, "Baik", None)]),
    ("Mahir", [(S, B, 12, "Kurang/Misconduct", None), (B, A, 12, "Butuh Perbaikan", 9.38),
               (B, S, 12, "Butuh Perbaikan", None), (B, B, 12, "Sangat Kurang", None),
               (A, A, 12, "Sangat Baik", None)]),
    ("Ahli Madya", [(B, S, 12, "Butuh Perbaikan", 28.13), (S, S, 6, "Baik", None),
                    (None, S, 12, "", None), (A, A, 12, "Sangat Baik", None),
                    (S, A, 12, "Baik", None)]),
    ("Pemula", [(A, A, 12, "Sangat Baik", 5.63), (S, S, 12, "Baik", None),
                (S, S, 12, "Baik", None), (B, B, 12, "Sangat Kurang", None),
                (A, S, 12, "Baik", None)]),
]  # fmt: skip
# Organisation predikat per period, and the check's status for the predikat above.
ORG = ["Istimewa", "Baik", "Baik", None, "Sangat Kurang"]
STATUS = ["Sesuai", "Tidak sesuai", "Sesuai", "Pilih predikat organisasi", "Tidak sesuai"]
PYTHON_COLUMNS = {i for i, h in enumerate(ANALYSIS_HEADER) if h.endswith("(Python)")}


def _build_golden(path: Path) -> list[str]:
    people = [
        pegawai(i, jenis=JenisJabatan.FUNGSIONAL, jenjang=jenjang)
        for i, (jenjang, _) in enumerate(GOLDEN_NILAI, 1)
    ]
    titles = [f"{i:02d} {p.nama}" for i, p in enumerate(people, 1)]
    sheets = [SheetPegawai(t, p) for t, p in zip(titles, people, strict=True)]
    build_unit_workbook(
        path, UnitWorkbook("Dinas Uji", 2026, Scheme.TRIWULAN, sheets, xlwings=True)
    )
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for title, (_, nilai) in zip(titles, GOLDEN_NILAI, strict=True):
        ws = wb[title]
        for k, (target, atas, real, arah, _shown) in enumerate(GOLDEN_CAPAIAN):
            r = LAYOUT.hk_first_row + k
            ws[cell(r, HK["iki"])] = f"IKI {k + 1}"
            ws[cell(r, HK["target"])] = target
            ws[cell(r, HK["target_atas"])] = atas
            ws[cell(r, HK["arah"])] = arah
            for p in LAYOUT.periods:
                # Every period gets the same IKI; TW2 only the first two (another saran).
                if p.key != "TW2" or k < 2:
                    ws[cell(r, HK[f"realisasi@{p.key}"])] = real
        for i, (hasil, perilaku, bulan, _pred, _ak) in enumerate(nilai):
            r = LAYOUT.nilai_row(i)
            ws[cell(r, NILAI_COL["rating_hasil"])] = hasil
            ws[cell(r, NILAI_COL["rating_perilaku"])] = perilaku
            ws[cell(r, NILAI_COL["bulan"])] = bulan
    recap = RecapLayout(len(LAYOUT.periods), len(titles))
    for i, org in enumerate(ORG):
        wb[RECAP_SHEET][cell(recap.org_row, recap.dist_col(i))] = org
    wb.save(path)
    return titles


pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed"),
]


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook, list[str]]:
    tmp = tmp_path_factory.mktemp("xlwings-golden")
    xlsm = tmp / "golden.xlsm"
    titles = _build_golden(xlsm)
    (recalculated,) = convert([xlsm], tmp / "lo")
    return xlsm, openpyxl.load_workbook(recalculated, data_only=True), titles


@pytest.fixture(scope="module")
def formulas(golden: tuple[Path, openpyxl.Workbook, list[str]]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(golden[0], keep_vba=True)


def _value(v: Any) -> Any:
    return "" if v is None else v


def _range_values(wb: openpyxl.Workbook, ref: str) -> list[list[Any]]:
    """A reference like 'Sheet'!$A$1:$B$2 as xlwings hands a range over: rows of cells."""
    sheet, _, address = ref.rpartition("!")
    ws = wb[sheet.strip("'").replace("''", "'")]
    lo_col, lo_row, hi_col, hi_row = range_boundaries(address.replace("$", ""))
    return [
        [ws.cell(r, c).value for c in range(lo_col, hi_col + 1)] for r in range(lo_row, hi_row + 1)
    ]


def _guard(text: str, wb: openpyxl.Workbook) -> bool:
    """The blank-input guard of a Python cell: X="", OR(X="",Y="") or COUNT(range)=0."""
    if m := re.fullmatch(r"COUNT\((.+)\)=0", text):
        cells = [v for row in _range_values(wb, m[1]) for v in row]
        return not any(isinstance(v, int | float) and not isinstance(v, bool) for v in cells)
    refs = re.findall(r'([^(),]+)=""', text)
    assert refs and text in (f'{refs[0]}=""', "OR(" + ",".join(f'{r}=""' for r in refs) + ")")
    return any(_arg(wb, r) in (None, "") for r in refs)


def _arg(wb: openpyxl.Workbook, ref: str) -> Any:
    cells = _range_values(wb, ref)
    return cells[0][0] if len(cells) == 1 and len(cells[0]) == 1 else cells


# --- golden cases: native formulas (LibreOffice) and Python functions ----------------------


def test_capaian_native_and_python_agree_on_golden_cases(
    golden: tuple[Path, openpyxl.Workbook, list[str]],
) -> None:
    _, wb, titles = golden
    checked = 0
    for title in titles:
        ws = wb[title]
        for k, (target, atas, real, arah, shown) in enumerate(GOLDEN_CAPAIAN):
            r = LAYOUT.hk_first_row + k
            for p in LAYOUT.periods:
                native = ws[cell(r, HK[f"capaian@{p.key}"])].value
                if p.key == "TW2" and k >= 2:
                    assert native is None  # no realisasi: no capaian
                    continue
                python = xlwings_udf.SN_CAPAIAN(target, real, arah, atas)
                assert native == python == shown, (title, k, p.key, native, python)
                checked += 1
    assert checked == len(titles) * (len(GOLDEN_CAPAIAN) * 4 + 2)


def test_predikat_saran_and_angka_kredit_agree_on_golden_cases(
    golden: tuple[Path, openpyxl.Workbook, list[str]],
) -> None:
    _, wb, titles = golden
    for title, (jenjang, nilai) in zip(titles, GOLDEN_NILAI, strict=True):
        ws = wb[title]
        for i, (hasil, perilaku, bulan, pred, ak) in enumerate(nilai):
            r = LAYOUT.nilai_row(i)
            native_pred = _value(ws[cell(r, NILAI_COL["predikat"])].value)
            assert native_pred == pred
            if hasil and perilaku:
                assert xlwings_udf.SN_PREDIKAT(hasil, perilaku) == pred
            native_ak = ws[cell(r, NILAI_COL["angka_kredit"])].value
            if pred:
                python_ak = xlwings_udf.SN_ANGKA_KREDIT(pred, jenjang, bulan)
                # The cell keeps the exact value and shows 2 decimals; the function rounds.
                shown = float(round_half_up(Fraction(repr(native_ak)), 2))
                assert shown == python_ak, (title, i, native_ak, python_ak)
                if ak is not None:
                    assert python_ak == ak
            else:
                assert native_ak is None
            cap = LAYOUT.period_col(i, "capaian")
            caps = [[ws.cell(LAYOUT.hk_first_row + k + 1, cap + 1).value] for k in range(45)]
            native_saran = _value(ws[cell(r, NILAI_COL["saran"])].value)
            assert native_saran == xlwings_udf.SN_SARAN_RATING(caps)
    # The capaian above average 839/9 = 93.2 (Di Bawah); TW2's two average 109 (Di Atas).
    first = wb[titles[0]]
    assert first[cell(LAYOUT.nilai_row(0), NILAI_COL["saran"])].value == B
    assert first[cell(LAYOUT.nilai_row(1), NILAI_COL["saran"])].value == A


def test_distribution_agrees_on_golden_cases(
    golden: tuple[Path, openpyxl.Workbook, list[str]],
) -> None:
    _, wb, titles = golden
    recap = RecapLayout(len(LAYOUT.periods), len(titles))
    ws = wb[RECAP_SHEET]
    statuses = []
    for i, org in enumerate(ORG):
        c = recap.dist_col(i)
        status = _value(ws[cell(recap.status_row, c)].value)
        reason = _value(ws[cell(recap.text_row, c)].value)
        col = recap.period_col(i, "predikat")
        preds = [
            [ws.cell(recap.table_first_row + j + 1, col + 1).value] for j in range(len(titles))
        ]
        statuses.append(status)
        if org is None:
            continue
        ((py_status, py_reason),) = xlwings_udf.SN_DISTRIBUSI(org, preds)
        assert (status, reason) == (py_status, py_reason), (org, preds)
        assert bool(reason) == (status == "Tidak sesuai")
    assert statuses == STATUS


def test_analysis_python_cells_compute_what_their_native_neighbours_show(
    golden: tuple[Path, openpyxl.Workbook, list[str]], formulas: openpyxl.Workbook
) -> None:
    """Evaluate every SN_... call of the Analisis sheet in CPython, with its arguments read from
    the LibreOffice-recalculated workbook, as xlwings would; it must equal the native cell
    beside it. This checks the wiring of the sheet as well as the functions."""
    _, values, _ = golden
    ws_f = formulas[ANALYSIS_SHEET]
    ws_v = values[ANALYSIS_SHEET]
    call = re.compile(r'^=IF\((?P<guard>.*),"",(?P<name>SN_[A-Z_]+)\((?P<args>[^()]*)\)\)$')
    compared = {"SN_SARAN_RATING": 0, "SN_PREDIKAT": 0, "SN_ANGKA_KREDIT": 0, "SN_DISTRIBUSI": 0,
                "SN_CEK_NIP": 0}  # fmt: skip
    for row in ws_f.iter_rows():
        for c in row:
            text = c.value.text if hasattr(c.value, "text") else c.value
            if not isinstance(text, str) or not text.startswith("=") or "SN_" not in text:
                continue
            m = call.match(text)
            assert m, text
            name = m["name"]
            args = [_arg(values, a) for a in m["args"].split(",")]
            result = getattr(xlwings_udf, name)(*args)
            native = _value(ws_v.cell(c.row, c.column - 1).value)
            if _guard(m["guard"], values):
                continue  # the Python cell stays blank: its inputs are not there yet
            if name == "SN_DISTRIBUSI":
                assert result[0][0] == native
            elif name == "SN_ANGKA_KREDIT":
                assert result == float(round_half_up(Fraction(repr(native)), 2))
            elif name == "SN_CEK_NIP":
                assert result == xlwings_udf.VALID_NIP
            else:
                assert result == native, (name, args, native)
            compared[name] += 1
    assert all(compared.values()), compared


def test_native_cells_have_no_error_values_in_libreoffice(
    golden: tuple[Path, openpyxl.Workbook, list[str]], tmp_path: Path
) -> None:
    """The filled golden workbook and the untouched .xlsm from the CLI, opened in LibreOffice:
    no native cell is an error. Python cells show one where their inputs are filled (no
    xlwings there) and stay blank where they are not."""
    _, filled, _ = golden
    blank = _cli_xlsm(tmp_path)
    (blank_lo,) = convert([blank], tmp_path / "lo")
    fresh = openpyxl.load_workbook(blank_lo, data_only=True)
    for wb in (filled, fresh):
        top = _analysis_header_row(wb)
        errors = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if not (isinstance(c.value, str) and ERROR_VALUE.match(c.value)):
                        continue
                    python_cell = ws.title == ANALYSIS_SHEET and (
                        (c.row > top and c.column - 1 in PYTHON_COLUMNS)
                        or (c.row < top and c.column == 4)
                    )
                    if not python_cell:
                        errors.append(f"{ws.title}!{c.coordinate}={c.value}")
        assert errors == []
    # Nothing is rated or typed yet in the fresh workbook: only the NIP check (the roster's
    # NIP is there) calls Python; every other Python cell is blank, not an error.
    ws = fresh[ANALYSIS_SHEET]
    top = _analysis_header_row(fresh)
    nip_col = ANALYSIS_HEADER.index("Cek NIP (Python)") + 1
    called = {
        (c.row, c.column)
        for row in ws.iter_rows(min_row=top + 1)
        for c in row
        if c.column - 1 in PYTHON_COLUMNS and c.value not in (None, "")
    }
    assert called and {col for _, col in called} == {nip_col}


def _analysis_header_row(wb: openpyxl.Workbook) -> int:
    ws = wb[ANALYSIS_SHEET]
    return next(c.row for c in ws["A"] if c.value == ANALYSIS_HEADER[0])


# --- the .xlsm from the CLI ----------------------------------------------------------------

ROSTER = [
    ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
     "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"],
    ["197203151998031002", "Drs. Kepala Uji", "Kepala Dinas", "JPT", "PNS", "",
     "Pembina Utama Muda (IV/c)", "Dinas Uji", "", "", ""],
    ["198807222011011004", "Agus Uji", "Perawat Ahli Pertama", "Fungsional", "PNS",
     "Ahli Pertama", "Penata Muda (III/a)", "Dinas Uji", "197203151998031002", "", ""],
]  # fmt: skip


def _cli_xlsm(tmp_path: Path) -> Path:
    roster = tmp_path / "daftar.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROSTER)
    out = tmp_path / "unit"
    result = CliRunner().invoke(
        cli,
        ["templat", "buat", str(roster), "--xlwings", "--tahun", "2026", "--keluaran", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "Dinas Uji.xlsm" in result.stdout
    (path,) = out.iterdir()
    assert path.name == "Dinas Uji.xlsm"
    return path


def test_xlsm_carries_the_vba_project_and_the_xlwings_configuration(tmp_path: Path) -> None:
    import xlwings
    from oletools.olevba import VBA_Parser

    path = _cli_xlsm(tmp_path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        types = zf.read("[Content_Types].xml").decode()
        workbook_xml = zf.read("xl/workbook.xml").decode()
        drawings = "".join(zf.read(n).decode() for n in names if n.endswith(".vml"))
    assert "xl/vbaProject.bin" in names
    assert "application/vnd.ms-office.vbaProject" in types
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert 'codeName="ThisWorkbook"' in workbook_xml
    # The button on the Analisis sheet runs the macro.
    assert f"<x:FmlaMacro>[0]!{PERIKSA_MACRO}</x:FmlaMacro>" in drawings

    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        modules = {
            stream.rsplit("/", 1)[-1]: code.replace("\r\n", "\n")
            for _, stream, _, code in parser.extract_macros()
        }
    finally:
        parser.close()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    sheet_modules = {f"Sheet{i}" for i in range(1, len(wb.sheetnames) + 1)}
    assert set(modules) == {"ThisWorkbook", *sheet_modules, "xlwings", "Dictionary",
                            "sheetnilai", "xlwings_udfs"}  # fmt: skip

    # xlwings' own standalone module, the same version as the Python package.
    bas = (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="cp1252")
    strip = re.compile(r"^Attribute VB_\w+ = .*\n", re.MULTILINE)
    assert (
        strip.sub("", modules["xlwings"]).strip()
        == strip.sub("", bas.replace("\r\n", "\n")).strip()
    )
    assert f"'Version: {xlwings_version()}" in modules["xlwings"]

    # The macros: PeriksaWorkbook runs a Python call that really exists.
    macros = modules["sheetnilai"]
    assert f"Sub {PERIKSA_MACRO}()" in macros and f"Sub {IMPORT_MACRO}()" in macros
    assert f'RunPython "{PERIKSA_CALL}"' in macros
    namespace: dict[str, Any] = {}
    exec(PERIKSA_CALL.split(";")[0], namespace)  # the import half of the call
    assert callable(namespace["p"].periksa_workbook)

    # One VBA wrapper per function, with the Python signature, calling the configured module.
    wrappers = modules["xlwings_udfs"]
    for function in xlwings_udf.FUNCTIONS:
        name = function.__name__
        params = inspect.signature(function).parameters.values()
        sig = ", ".join(
            ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
            for p in params
        )
        args = ", ".join(p.name for p in params)
        assert f"Function {name}({sig})" in wrappers
        assert (
            f'{name} = XLPy.CallUDF("{UDF_MODULE}", "{name}", Array({args}), ThisWorkbook, '
            "Application.Caller)" in wrappers
        )
    assert wrappers.count("End Function") == len(xlwings_udf.FUNCTIONS)

    # The configuration sheet xlwings reads (keys in A, values in B, from A1, no header).
    conf = wb[XLWINGS_CONF_SHEET]
    assert conf.sheet_state == "hidden"
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", UDF_MODULE)
    # No other key: an empty Interpreter_Win would override the user's xlwings config.
    assert [c.value for c in conf["A"]] == ["UDF Modules"]
    assert importlib.import_module(UDF_MODULE).FUNCTIONS == xlwings_udf.FUNCTIONS
    # The period the macro checks, a dropdown of the workbook's periods.
    (dest,) = wb.defined_names[PERIKSA_PERIOD_NAME].destinations
    assert dest[0] == ANALYSIS_SHEET
    assert wb[ANALYSIS_SHEET][dest[1].replace("$", "")].value == "TW1"


def test_xlsm_consolidates_and_checks_like_xlsx(tmp_path: Path) -> None:
    """The same roster and inputs as .xlsx and as .xlsm (VBA kept, plus the Masalah sheet the
    macro adds): the consolidation reads the same pegawai and finds the same problems."""
    from sheetnilai.consolidate import consolidate
    from sheetnilai.periksa import MASALAH_SHEET, check_workbook
    from sheetnilai.rules.policy import DEFAULT_POLICY

    (tmp_path / "m").mkdir()
    xlsm = _cli_xlsm(tmp_path / "m")
    roster = tmp_path / "m" / "daftar.csv"
    out = tmp_path / "x"
    result = CliRunner().invoke(
        cli, ["templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(out)]
    )
    assert result.exit_code == 0, result.output
    (xlsx,) = out.iterdir()
    for path, vba in ((xlsm, True), (xlsx, False)):
        wb = openpyxl.load_workbook(path, keep_vba=vba)
        for title in [t for t in wb.sheetnames if t[:2].isdigit()]:
            ws = wb[title]
            ws[cell(LAYOUT.hk_first_row, HK["rhk"])] = "RHK uji"
            ws[cell(LAYOUT.hk_first_row, HK["iki"])] = "IKI uji"
            ws[cell(LAYOUT.hk_first_row, HK["target"])] = 95
            ws[cell(LAYOUT.hk_first_row, HK["realisasi@TW1"])] = 93
            ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_hasil"])] = A
            ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_perilaku"])] = "Baik sekali"
        if vba:
            wb.create_sheet(MASALAH_SHEET)["A1"] = "Tingkat"
        wb.save(path)
    got = {}
    for path in (xlsm, xlsx):
        c = consolidate(path.parent, "TW1", DEFAULT_POLICY, jobs=1)
        assert [f.status for f in c.files] == ["dibaca"]
        problems = sorted((p.code, p.sheet, p.cell, p.nip) for p in c.all_problems)
        pegawai = [(p.nip, p.predikat, p.rating_hasil) for p in c.pegawai]
        assert problems == sorted(
            (p.code, p.sheet, p.cell, p.nip)
            for p in check_workbook(path, "TW1").result.all_problems
        )
        got[path.suffix] = (problems, pegawai)
    assert got[".xlsm"] == got[".xlsx"]
    assert any(code == "rating-label-tidak-sah" for code, *_ in got[".xlsm"][0])
