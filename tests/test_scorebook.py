"""Score book and data files: real files written, read back with openpyxl, pandas, calamine."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheetnilai import scorebook
from sheetnilai.errors import SheetnilaiError
from sheetnilai.scorebook import (
    Chart,
    ColumnKind,
    Table,
    TableWorksheet,
    data_file_name,
    write_data,
    write_scorebook,
)

NIP = "199001012015031004"
INJECTIONS = ["=1+1", "+62812", "-5 hari", "@SUM(A1)", '=HYPERLINK("http://x")']
K = ColumnKind


def kinds_table() -> Table:
    frame = pd.DataFrame(
        {
            "Nama": ["Ani", None, "Budi"],
            "NIP": [NIP, "199001012015031005", None],
            "Jumlah": [3, 0, 12],
            "Nilai": [87.456, math.nan, Fraction(1, 3)],
            "Capaian": [97.5, 100.0, Decimal("12.25")],
            "Bukti": ["https://drive.example/a?b=1", "bukan tautan", None],
            "Waktu": [dt.datetime(2025, 3, 31, 16, 30, 5), None, dt.date(2025, 1, 2)],
            "Aktif": [True, False, None],
        }
    )
    kinds = {
        "NIP": K.NIP,
        "Jumlah": K.INTEGER,
        "Nilai": K.NUMBER,
        "Capaian": K.PERCENT,
        "Bukti": K.LINK,
        "Waktu": K.DATETIME,
    }
    return Table("Pegawai", frame, kinds)


def header_and_rows(ws: Any) -> tuple[list[object], list[list[object]]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


# --- values --------------------------------------------------------------------------------


def test_values_round_trip_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [kinds_table()])
    ws = openpyxl.load_workbook(path)["Pegawai"]
    header, rows = header_and_rows(ws)
    assert header == ["Nama", "NIP", "Jumlah", "Nilai", "Capaian", "Bukti", "Waktu", "Aktif"]
    assert rows[0][:3] == ["Ani", NIP, 3]
    assert rows[1][0] is None  # None → empty cell
    assert rows[1][3] is None  # NaN → empty cell
    assert rows[2][1] is None
    assert rows[0][3] == 87.456  # full precision kept; the format shows 2 decimals
    assert rows[2][3] == pytest.approx(1 / 3, rel=0, abs=1e-15)  # Fraction → float
    # Percent columns hold fractions in a percent format: 97.5 is the cell 0.975, "97.5%".
    assert [r[4] for r in rows] == pytest.approx([0.975, 1, 0.1225])  # Decimal → float
    assert [r[7] for r in rows] == ["Ya", "Tidak", None]
    assert rows[0][6] == dt.datetime(2025, 3, 31, 16, 30, 5)
    assert rows[2][6] == dt.datetime(2025, 1, 2)

    nip = ws["B2"]
    assert nip.data_type == "s" and isinstance(nip.value, str) and nip.number_format == "@"
    assert ws["A2"].number_format == "@"
    assert ws["C2"].number_format == "0"
    assert ws["D2"].number_format == "0.00"
    assert ws["E2"].number_format == "0.##%"
    assert ws["E3"].number_format == "0%"  # 100% would show as "100.%" with "0.##%"
    assert ws["G2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["G4"].number_format == "yyyy-mm-dd"
    assert ws["F2"].hyperlink is not None
    assert ws["F2"].hyperlink.target == "https://drive.example/a?b=1"
    assert ws["F2"].value == "https://drive.example/a?b=1"
    assert ws["F3"].hyperlink is None and ws["F3"].value == "bukan tautan"
    assert ws["H2"].data_type == "s"


def test_inferred_kinds(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Teks": ["a", "b"],
            "Bulat": [1, 2],
            "Pecahan": [0.5, 1.25],
            "Rasio": [Fraction(1, 3), Decimal("2.5")],
            "Hitungan": pd.Series([4, None], dtype=object),
            "Benar": [True, False],
        }
    )
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [Table("Data", frame)])
    ws = openpyxl.load_workbook(path)["Data"]
    formats = [ws.cell(2, c).number_format for c in range(1, 7)]
    assert formats == ["@", "0", "0.00", "0.00", "0", "@"]
    assert [ws.cell(2, c).value for c in range(1, 7)] == ["a", 1, 0.5, 1 / 3, 4, "Ya"]


def test_odd_values(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Catatan": ["baris 1\r\nbaris 2", "x" * 70, 12, 0.5],
            "Nilai": [math.inf, "tidak dinilai", pd.NA, -math.inf],
            "Waktu": [
                pd.Timestamp("2025-06-30 08:00", tz="Asia/Jakarta"),
                pd.NaT,
                "belum",
                dt.datetime(2025, 1, 1),
            ],
        }
    )
    kinds = {"Nilai": K.NUMBER, "Waktu": K.DATETIME}
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [Table("Data", frame, kinds)])
    ws = openpyxl.load_workbook(path)["Data"]
    assert ws["A2"].value == "baris 1\nbaris 2"  # Windows line break → Excel's "\n"
    assert ws["A3"].alignment.wrap_text  # longer than a column: wraps
    assert ws["A2"].alignment.wrap_text  # a line break shows only in a wrapping cell
    assert ws.row_dimensions[2].height == 30  # two lines of 15 points
    assert [ws["A4"].value, ws["A5"].value] == ["12", "0.5"]  # a text column stays text
    assert [ws[f"B{r}"].value for r in range(2, 6)] == ["∞", "tidak dinilai", None, "-∞"]
    assert ws["C2"].value == dt.datetime(2025, 6, 30, 8, 0)  # wall-clock time kept
    assert ws["C3"].value is None
    assert ws["C4"].value == "belum"


class Jenis(Enum):
    PELAKSANA = "Pelaksana"


class Huruf(StrEnum):
    A = "Sangat Baik"


def test_enums_show_their_values(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Jenis": [Jenis.PELAKSANA, Huruf.A], "NIP": [Huruf.A, NIP]})
    table = Table("Data", frame, {"NIP": K.NIP})
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [table])
    ws = openpyxl.load_workbook(path)["Data"]
    assert [ws["A2"].value, ws["A3"].value] == ["Pelaksana", "Sangat Baik"]
    assert ws["B2"].value == "Sangat Baik" and ws["B2"].data_type == "s"
    (csv,) = write_data(tmp_path, [table])
    assert pd.read_csv(csv, encoding="utf-8-sig")["Jenis"].tolist() == ["Pelaksana", "Sangat Baik"]


def test_nip_must_be_text(tmp_path: Path) -> None:
    table = Table("Pegawai", pd.DataFrame({"NIP": [199001012015031004]}), {"NIP": K.NIP})
    with pytest.raises(ValueError, match="NIP must be text"):
        write_scorebook(tmp_path / "buku.xlsx", [table])
    with pytest.raises(ValueError, match="NIP must be text"):
        write_data(tmp_path / "data", [table])
    assert not (tmp_path / "buku.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- formula injection ------------------------------------------------------------------------


def injection_table() -> Table:
    frame = pd.DataFrame({"Umpan balik": INJECTIONS, "Bukti": INJECTIONS})
    return Table("Umpan Balik", frame, {"Bukti": K.LINK})


def test_formula_like_text_stays_text_in_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [injection_table()])
    ws = openpyxl.load_workbook(path)["Umpan Balik"]
    for col in ("A", "B"):
        cells = [ws[f"{col}{r}"] for r in range(2, 2 + len(INJECTIONS))]
        assert [c.value for c in cells] == INJECTIONS
        assert {c.data_type for c in cells} == {"s"}
        assert all(c.hyperlink is None for c in cells)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_formula_like_text_stays_text_in_data_files(tmp_path: Path, fmt: str) -> None:
    (path,) = write_data(tmp_path, [injection_table()], fmt)
    assert path.name == f"umpan_balik.{fmt}"
    if fmt == "csv":
        back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        back = pd.read_parquet(path)
    assert back["Umpan balik"].tolist() == INJECTIONS
    assert back["Bukti"].tolist() == INJECTIONS


PLAIN_TEXT = st.text(
    st.characters(
        # XML cannot hold most control characters (XlsxWriter escapes them as _xHHHH_,
        # which openpyxl does not decode); lone surrogates are not text.
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff",
    ),
    max_size=40,
).filter(lambda s: not re.search(r"_x[0-9A-Fa-f]{4}_", s))


@settings(max_examples=25, deadline=None)
@given(st.lists(PLAIN_TEXT, min_size=1, max_size=8))
def test_any_text_round_trips(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("teks")
    table = Table("Teks", pd.DataFrame({"Teks": texts, "Tautan": texts}), {"Tautan": K.LINK})
    path = folder / "buku.xlsx"
    write_scorebook(path, [table])
    ws = openpyxl.load_workbook(path)["Teks"]
    assert [ws.cell(r, 1).value for r in range(2, 2 + len(texts))] == texts
    assert [ws.cell(r, 2).value for r in range(2, 2 + len(texts))] == texts
    (csv,) = write_data(folder, [table])
    back = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["Teks"].tolist() == texts


# --- layout ----------------------------------------------------------------------------------


def test_layout_with_title_and_notes(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Unit kerja": ["Dinas Pendidikan dan Kebudayaan", "BKPSDM", "x" * 200],
            "Jumlah pegawai": [12, 7, 1],
            "Rata-rata capaian": [97.5, 88.0, 101.25],
        }
    )
    table = Table(
        "Ringkasan",
        frame,
        {"Rata-rata capaian": K.PERCENT},
        title="Ringkasan kinerja 2025",
        notes=["Periode: Triwulan I", "Kebijakan: kurva distribusi SE MenPANRB 3/2023"],
        widths={"Jumlah pegawai": 11.5},
    )
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [table, Table("Kosong", pd.DataFrame({"A": [1]}))])
    wb = openpyxl.load_workbook(path)
    ws = wb["Ringkasan"]
    assert ws["A1"].value == "Ringkasan kinerja 2025" and ws["A1"].font.b
    assert ws["A1"].font.sz > ws["A5"].font.sz
    assert [ws["A2"].value, ws["A3"].value] == table.notes
    assert ws["A4"].value is None  # one blank row before the table
    assert [ws.cell(5, c).value for c in range(1, 4)] == list(frame.columns)
    header = ws["B5"]
    assert (
        header.font.b and header.alignment.wrap_text and header.fill.fgColor.rgb.endswith("D9E2F3")
    )
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:C8"
    widths = {c: ws.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] == pytest.approx(60, abs=1)  # capped; the long text wraps
    assert ws["A8"].alignment.wrap_text
    assert widths["B"] == pytest.approx(11.5, abs=0.8)  # override (Excel adds padding)
    assert 10 <= widths["C"] < 30

    plain = wb["Kosong"]
    assert plain.freeze_panes == "A2" and plain.auto_filter.ref == "A1:A2"


def test_empty_frame_keeps_header(tmp_path: Path) -> None:
    frame = pd.DataFrame({"NIP": pd.Series([], dtype=object), "Nilai": pd.Series([], dtype=float)})
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [Table("Hasil Kerja", frame, {"NIP": K.NIP}, title="Hasil kerja")])
    ws = openpyxl.load_workbook(path)["Hasil Kerja"]
    assert [ws["A3"].value, ws["B3"].value] == ["NIP", "Nilai"]
    assert ws["A4"].value == "(tidak ada data)" and ws["A4"].font.i
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:B3"


def test_document_properties(tmp_path: Path) -> None:
    path = tmp_path / "buku.xlsx"
    props = {"subject": "Evaluasi kinerja 2025", "company": "Kabupaten Contoh", "Periode": "TW I"}
    write_scorebook(path, [kinds_table()], properties=props)
    wb = openpyxl.load_workbook(path)
    assert wb.properties.title == "Buku Nilai Kinerja"
    assert wb.properties.creator == "sheetnilai"
    assert wb.properties.subject == "Evaluasi kinerja 2025"
    with zipfile.ZipFile(path) as z:
        assert "Kabupaten Contoh" in z.read("docProps/app.xml").decode()
        assert "TW I" in z.read("docProps/custom.xml").decode()


def test_fast_cells_are_xlsxwriters_own_bytes(tmp_path: Path) -> None:
    """TableWorksheet writes exactly the XML XlsxWriter writes for the same cells."""
    path = tmp_path / "same.xlsx"
    wb = Workbook(str(path), {"strings_to_formulas": False})
    fmt = wb.add_format({"num_format": "0.00"})
    text = wb.add_format({"num_format": "@"})
    for name, cls in (("A", Worksheet), ("B", TableWorksheet)):
        ws = wb.add_worksheet(name, worksheet_class=cls)
        ws.set_column(0, 0, 12, text)
        for r in range(40):
            ws.write_number(r, 0, r / 7, fmt)
            ws.write_string(r, 1, f"teks {r % 5} <&>", text)
            ws.write_number(r, 2, r)  # no format: XlsxWriter's path (column format)
            ws.write_string(r, 3, " spasi ")
            ws.write_datetime(r, 4, dt.datetime(2025, 1, 1 + r % 28), fmt)
    wb.close()
    with zipfile.ZipFile(path) as z:
        a, b = (z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (1, 2))
    data = re.compile(r"<sheetData>.*</sheetData>")
    assert data.findall(a) == data.findall(b) != []


def test_too_many_links_for_excel_stay_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scorebook, "MAX_URLS", 2)  # Excel's 65,530, made small
    urls = [f"https://bukti.example/{i}" for i in range(3)]
    path = tmp_path / "buku.xlsx"
    few = Table("Sedikit", pd.DataFrame({"Bukti": urls[:2]}), {"Bukti": K.LINK})
    many = Table("Banyak", pd.DataFrame({"Bukti": urls}), {"Bukti": K.LINK})
    write_scorebook(path, [few, many])
    wb = openpyxl.load_workbook(path)
    assert all(wb["Sedikit"].cell(r, 1).hyperlink for r in (2, 3))
    assert [wb["Banyak"].cell(r, 1).value for r in (2, 3, 4)] == urls
    assert not any(wb["Banyak"].cell(r, 1).hyperlink for r in (2, 3, 4))


# --- validation ------------------------------------------------------------------------------


def one(sheet: str = "Data", **frame: list[object]) -> Table:
    return Table(sheet, pd.DataFrame(frame or {"A": [1]}))


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ([], "at least one table"),
        ([one("x" * 32)], "1–31"),
        ([one("Hasil/Kerja")], "refuses"),
        ([one("'Data")], "refuses"),
        ([one("history")], "History"),
        ([one("Data"), one("DATA")], "duplicate sheet"),
        ([Table("Data", pd.DataFrame())], "at least one column"),
        ([Table("Data", pd.DataFrame([[1, 2]], columns=["A", "A"]))], "duplicate column"),
        ([Table("Data", pd.DataFrame({"A": [1]}), {"B": K.TEXT})], "no column 'B'"),
        ([Table("Data", pd.DataFrame({"A": [1]}), widths={"A": 0})], "width"),
    ],
)
def test_bad_tables(tmp_path: Path, tables: list[Table], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_scorebook(tmp_path / "buku.xlsx", tables)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("chart", "message"),
    [
        (Chart("Data", "Data", "pie", "T", "Unit", ["Nilai"]), "kind"),
        (Chart("Lain", "Data", "bar", "T", "Unit", ["Nilai"]), "no table sheet"),
        (Chart("Data", "Lain", "bar", "T", "Unit", ["Nilai"]), "no table 'Lain'"),
        (Chart("Data", "Data", "bar", "T", "Unit", ["Skor"]), "no column 'Skor'"),
        (Chart("Data", "Data", "bar", "T", "Unit", ["Unit"]), "not a numeric"),
        (Chart("Data", "Data", "bar", "T", "Unit", []), "no series"),
        (Chart("Data", "Data", "bar", "T", "Unit", ["Nilai"], rows=(3, 1)), "rows"),
    ],
)
def test_bad_charts(tmp_path: Path, chart: Chart, message: str) -> None:
    table = Table("Data", pd.DataFrame({"Unit": ["A"], "Nilai": [1.0]}))
    with pytest.raises(ValueError, match=message):
        write_scorebook(tmp_path / "buku.xlsx", [table], [chart])


# --- charts ----------------------------------------------------------------------------------


def test_charts_reference_the_written_ranges(tmp_path: Path) -> None:
    ringkasan = Table(
        "Ringkasan",
        pd.DataFrame(
            {
                "Unit": ["Dinas A", "Dinas B", "Dinas C", "Dinas D"],
                "Sangat baik": [2, 3, 1, 0],
                "Baik": [10, 8, 9, 4],
                "Capaian": [97.5, 101.0, 88.25, 90.0],
            }
        ),
        {"Capaian": K.PERCENT},
        title="Ringkasan",
        notes=["Triwulan I"],
    )
    pegawai = Table("Pegawai Unit", pd.DataFrame({"Nama": ["a", "b", "c"], "Nilai": [1, 2, 3]}))
    charts = [
        Chart(
            "Ringkasan", "Ringkasan", "column_stacked", "Sebaran predikat per unit", "Unit",
            ["Sangat baik", "Baik"], x_title="Unit kerja", y_title="Jumlah pegawai",
        ),
        Chart("Ringkasan", "Ringkasan", "bar", "Capaian rata-rata", "Unit", ["Capaian"],
              rows=(1, 2), x_title="Unit kerja", y_title="Capaian (%)"),
        Chart("Ringkasan", "Pegawai Unit", "bar_percent_stacked", "Nilai", "Nama", ["Nilai"],
              anchor=(20, 0)),
        Chart("Ringkasan", "Pegawai Unit", "column", "Kosong", "Nama", ["Nilai"], rows=(3, 9)),
        Chart("Pegawai Unit", "Pegawai Unit", "column", "Terakhir", "Nama", ["Nilai"],
              rows=(2, 2)),
    ]  # fmt: skip
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [ringkasan, pegawai], charts)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        xml = [z.read(f"xl/charts/chart{i}.xml").decode() for i in (1, 2, 3)]
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    assert "xl/charts/chart5.xml" not in names  # no rows in range: no chart
    stacked, bar, percent = xml
    # Header on row 4, data rows 5–8 (1-based).
    assert "<c:f>Ringkasan!$A$5:$A$8</c:f>" in stacked
    assert "<c:f>Ringkasan!$B$5:$B$8</c:f>" in stacked
    assert "<c:f>Ringkasan!$C$5:$C$8</c:f>" in stacked
    assert "<c:f>Ringkasan!$B$4</c:f>" in stacked  # series name: the header cell
    assert '<c:grouping val="stacked"/>' in stacked and '<c:barDir val="col"/>' in stacked
    for text in ("Sebaran predikat per unit", "Unit kerja", "Jumlah pegawai"):
        assert text in stacked
    assert "<c:f>Ringkasan!$A$6:$A$7</c:f>" in bar and "<c:f>Ringkasan!$D$6:$D$7</c:f>" in bar
    assert '<c:barDir val="bar"/>' in bar
    axes = dict(re.findall(r"<c:(catAx|valAx)>(.*?)</c:\1>", bar))
    assert "Unit kerja" in axes["catAx"] and "Capaian (%)" in axes["valAx"]
    assert "<c:f>'Pegawai Unit'!$B$2:$B$4</c:f>" in percent
    assert '<c:grouping val="percentStacked"/>' in percent
    # Cached values are stored, so viewers that do not recalculate can draw the chart.
    assert "<c:v>0.975</c:v>" not in bar and "<c:v>1.01</c:v>" in bar
    # Default anchors: right of the table (col E = 4), stacked one below the other.
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", drawing)
    assert anchors == [("5", "3"), ("5", str(3 + scorebook.CHART_HEIGHT_ROWS)), ("0", "20")]
    with zipfile.ZipFile(path) as z:
        single = z.read("xl/charts/chart4.xml").decode()
    assert "<c:f>'Pegawai Unit'!$B$4</c:f>" in single  # (2, 2): the third row only
    wb = openpyxl.load_workbook(path)
    assert len(wb["Ringkasan"]._charts) == 3


# --- no clobber, atomicity -------------------------------------------------------------------


def test_existing_score_book_is_never_silently_replaced(tmp_path: Path) -> None:
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [one(A=["lama"])])
    before = path.read_bytes()
    with pytest.raises(SheetnilaiError) as err:
        write_scorebook(path, [one(A=["baru"])])
    assert err.value.message_id == "berkas-sudah-ada"
    assert path.read_bytes() == before
    write_scorebook(path, [one(A=["baru"])], overwrite=True)
    assert openpyxl.load_workbook(path)["Data"]["A2"].value == "baru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buku.xlsx"]


def test_existing_data_files_are_never_silently_replaced(tmp_path: Path) -> None:
    tables = [one("Ringkasan", A=["lama"]), one("Hasil Kerja", A=["lama"])]
    first = write_data(tmp_path, tables[1:])
    before = first[0].read_bytes()
    with pytest.raises(SheetnilaiError) as err:
        write_data(tmp_path, tables)
    assert err.value.message_id == "berkas-sudah-ada"
    assert first[0].read_bytes() == before
    assert not (tmp_path / "ringkasan.csv").exists()  # nothing written when one exists
    paths = write_data(tmp_path, [one("Hasil Kerja", A=["baru"])], overwrite=True)
    assert pd.read_csv(paths[0], encoding="utf-8-sig")["A"].tolist() == ["baru"]


CHILD_PRELUDE = """
import os, signal, sys, zipfile
from pathlib import Path
import pandas as pd
from sheetnilai.scorebook import Table, write_scorebook
rows = int(sys.argv[2])
table = Table("Data", pd.DataFrame({"A": ["baru"] * rows, "B": list(range(rows))}))
"""


def _old_book(path: Path) -> bytes:
    write_scorebook(path, [one(A=["lama"], B=[1])])
    return path.read_bytes()


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".sheetnilai-tmp.*.buku.xlsx"))


def test_write_killed_inside_the_writer_keeps_previous_file(tmp_path: Path) -> None:
    """The child kills itself while XlsxWriter is zipping parts into the temporary file."""
    path = tmp_path / "buku.xlsx"
    before = _old_book(path)
    child = CHILD_PRELUDE + textwrap.dedent(
        """
        calls = 0
        def killing(real):
            def write(self, *args, **kwargs):
                global calls
                calls += 1
                if calls == 3:  # some parts are in the temporary file, most are not
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(self, *args, **kwargs)
            return write
        # XlsxWriter zips parts from files, or from memory (`in_memory`, as we write).
        zipfile.ZipFile.write = killing(zipfile.ZipFile.write)
        zipfile.ZipFile.writestr = killing(zipfile.ZipFile.writestr)
        write_scorebook(Path(sys.argv[1]), [table], overwrite=True)
        """
    )
    done = subprocess.run([sys.executable, "-c", child, str(path), "50"], capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert path.read_bytes() == before
    assert openpyxl.load_workbook(path)["Data"]["A2"].value == "lama"
    # The half-written temporary file stays beside the target, named as ours with the pid
    # of the killed process ...
    (leftover,) = _leftovers(tmp_path)
    assert leftover.stat().st_size > 0 and not zipfile.is_zipfile(leftover)
    assert leftover.name.startswith(".sheetnilai-tmp.")
    # ... and the next write into that folder cleans it up: no debris for the user.
    write_scorebook(tmp_path / "buku-2.xlsx", [one(A=["baru"], B=[2])])
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buku-2.xlsx", "buku.xlsx"]


def test_a_running_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    """Only leftovers of processes that are gone are swept: a temporary file of a live
    process (another run writing into the same folder) is not touched, nor a stranger's."""
    from sheetnilai.files import sweep_stale, temporary_name

    mine = tmp_path / temporary_name(tmp_path / "buku.xlsx")  # this very process: alive
    mine.write_bytes(b"PK")
    stranger = tmp_path / ".buku-lain.xlsx"
    stranger.write_bytes(b"PK")
    assert sweep_stale(tmp_path) == []
    assert mine.exists() and stranger.exists()


def test_write_killed_from_outside_keeps_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "buku.xlsx"
    before = _old_book(path)
    child = CHILD_PRELUDE + textwrap.dedent(
        """
        print("siap", flush=True)
        write_scorebook(Path(sys.argv[1]), [table], overwrite=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child, str(path), "200000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"siap"  # imports and data done: now writing
    time.sleep(0.3)
    proc.kill()
    proc.wait()
    if proc.returncode == 0:  # far too fast a machine: the new book is complete, not partial
        ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data")
        assert len(ws.to_python()) == 200_001
    else:
        assert path.read_bytes() == before
        assert openpyxl.load_workbook(path)["Data"]["A2"].value == "lama"
    assert all(p.name.startswith(".sheetnilai-tmp.") for p in tmp_path.iterdir() if p != path)


# --- data files ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_data_files_round_trip(tmp_path: Path, fmt: str) -> None:
    ringkasan = Table("Ringkasan", pd.DataFrame({"Unit": ["A", "B"], "Jumlah": [1, 2]}))
    paths = write_data(tmp_path / "data", [ringkasan, kinds_table()], fmt)
    assert [p.name for p in paths] == [f"ringkasan.{fmt}", f"pegawai.{fmt}"]
    path = paths[1]
    if fmt == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbfNama,NIP,")  # BOM, commas
        back = pd.read_csv(path, dtype={"NIP": str}, encoding="utf-8-sig")
    else:
        back = pd.read_parquet(path)
    assert back["NIP"].tolist()[:2] == [NIP, "199001012015031005"]
    assert pd.isna(back["NIP"].iloc[2])
    assert not pd.api.types.is_numeric_dtype(back["NIP"])
    assert back["Jumlah"].tolist() == [3, 0, 12]
    assert back["Nilai"].iloc[2] == pytest.approx(1 / 3, rel=0, abs=1e-15)
    assert math.isnan(back["Nilai"].iloc[1])
    assert back["Capaian"].tolist() == [97.5, 100.0, 12.25]
    assert back["Aktif"].tolist()[:2] == ["Ya", "Tidak"]
    assert back["Bukti"].tolist()[:2] == ["https://drive.example/a?b=1", "bukan tautan"]


def test_data_column_types(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Bulat": [1.0, None, 3.0],
            "Campur": [1.5, "tidak dinilai", None],
            "Waktu": [dt.datetime(2025, 1, 1, 8), None, dt.datetime(2025, 2, 1)],
        }
    )
    kinds = {"Bulat": K.INTEGER, "Campur": K.NUMBER, "Waktu": K.DATETIME}
    (path,) = write_data(tmp_path, [Table("Data", frame, kinds)], "parquet")
    back = pd.read_parquet(path)
    assert str(back["Bulat"].dtype) == "Int64"
    assert back["Campur"].tolist()[:2] == ["1.5", "tidak dinilai"]
    assert pd.api.types.is_datetime64_any_dtype(back["Waktu"])
    (csv,) = write_data(tmp_path, [Table("Data", frame, kinds)], "csv")
    assert csv.read_text(encoding="utf-8-sig").splitlines()[1] == "1,1.5,2025-01-01 08:00:00"


def test_unknown_data_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown data format"):
        write_data(tmp_path, [one()], "xlsx")
    assert data_file_name("Hasil Kerja", "csv") == "hasil_kerja.csv"


# --- size ------------------------------------------------------------------------------------


def test_large_tables(tmp_path: Path) -> None:
    n, m = 10_000, 100_000
    pegawai: dict[str, list[object]] = {"NIP": [f"19800101{i:010d}" for i in range(n)]}
    for j in range(9):
        pegawai[f"Teks {j}"] = [f"nilai {i % 97} {j}" for i in range(n)]
    for j in range(10):
        pegawai[f"Angka {j}"] = [i * 0.5 + j for i in range(n)]
    hasil: dict[str, list[object]] = {"NIP": [f"19800101{i % n:010d}" for i in range(m)]}
    for j in range(5):
        hasil[f"Teks {j}"] = [f"RHK {i % 37}" if i % 11 else None for i in range(m)]
    for j in range(5):
        hasil[f"Angka {j}"] = [i % 120 + 0.25 for i in range(m)]
    hasil["Bukti"] = [f"https://bukti.example/{i}" for i in range(m)]
    tables = [
        Table("Pegawai", pd.DataFrame(pegawai), {"NIP": K.NIP}),
        Table("Hasil Kerja", pd.DataFrame(hasil), {"NIP": K.NIP, "Bukti": K.LINK}),
    ]
    charts = [Chart("Pegawai", "Pegawai", "column", "Angka", "NIP", ["Angka 0"], rows=(0, 30))]
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, tables, charts)
    book = CalamineWorkbook.from_path(str(path))
    for table in tables:
        rows = book.get_sheet_by_name(table.sheet).to_python()
        assert len(rows) == len(table.frame) + 1
        assert len(rows[0]) == len(table.frame.columns)
        assert rows[-1][0] == table.frame["NIP"].iloc[-1]
    assert rows[-1][-1] == f"https://bukti.example/{m - 1}"


def test_no_stray_output(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    write_scorebook(tmp_path / "buku.xlsx", [kinds_table()])
    write_data(tmp_path, [kinds_table()], "parquet")
    out, err = capfd.readouterr()
    assert out == err == ""
    assert sorted(os.listdir(tmp_path)) == ["buku.xlsx", "pegawai.parquet"]


def test_a_text_longer_than_a_cell_is_cut_with_a_note(tmp_path: Path) -> None:
    """Excel holds 32,767 characters per cell; a longer umpan balik is cut with a note that
    says how much is missing, never silently; the data files keep it whole."""
    long = "umpan balik panjang. " * 2000  # 42,000 characters
    table = Table("Data", pd.DataFrame({"Teks": [long, "pendek"]}))
    write_scorebook(tmp_path / "buku.xlsx", [table])
    ws = openpyxl.load_workbook(tmp_path / "buku.xlsx")["Data"]
    shown = ws["A2"].value
    assert 32_700 < len(shown) <= 32_767
    kept = shown.index(" … [terpotong: ")
    assert shown[:kept] == long[:kept]
    assert f"[terpotong: {len(long) - kept} karakter tidak muat di satu sel;" in shown
    assert ws["A3"].value == "pendek"
    (csv,) = write_data(tmp_path / "data", [table])
    assert pd.read_csv(csv, encoding="utf-8-sig")["Teks"][0] == long


# --- column widths -------------------------------------------------------------------------

_CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=70),
    st.fractions(max_denominator=1000),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(ColumnKind)),
    # Mixed columns, and the plain ones a table mostly has (all text, all numbers).
    st.lists(_CELL_VALUES, max_size=30)
    | st.lists(st.floats() | st.integers(-(10**12), 10**12), max_size=30)
    | st.lists(st.text(max_size=70), max_size=30),
)
def test_column_width_fits_the_longest_value(kind: ColumnKind, values: list[Any]) -> None:
    """The width is the header's, or the longest text, or the digits of the largest finite
    number with room for sign and decimals, within the bounds; whatever the column mixes."""
    header = "Capaian terendah (%)"
    words = max(len(w) for w in header.split())
    need = max(words, min(len(header), scorebook.HEADER_LINE))
    texts = [len(v) for v in values if isinstance(v, str)]
    if kind in (K.TEXT, K.NIP, K.LINK):
        content = max(texts, default=0)
    elif kind is K.DATETIME:
        content = 19
    else:
        need = max([need, *texts])
        finite = [
            abs(float(v))
            for v in values
            if isinstance(v, int | float | Fraction | Decimal)
            and not isinstance(v, bool)
            and math.isfinite(float(v))
        ]
        biggest = max(finite, default=0.0)
        content = len(str(int(biggest))) + 1 + (0 if kind is K.INTEGER else 3)
    expected = min(scorebook.MAX_WIDTH, max(scorebook.MIN_WIDTH, need, content) + 2)
    assert scorebook._width(header, kind, values) == expected
