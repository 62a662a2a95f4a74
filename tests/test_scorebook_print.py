"""The score book as a person sees it: opened (where the charts are, how percentages and long
texts are formatted) and printed (LibreOffice headless to PDF, read back with pdftotext).

The corpus is tests/support/corpus.py (4 units × 4 pegawai, TW1 of 2026) with one unit's
workbook not sent and one IKI given a long name and a realisasi typed as "95%"; every expected
value below comes from that planted input or from the regulation, not from the writer.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.scorebook import Chart, Table, write_scorebook
from tests.support.corpus import (
    PERIOD,
    UNITS,
    Corpus,
    edit,
    hk_ref,
    put,
)
from tests.support.libreoffice import convert, soffice

SEKRETARIAT, PENDIDIKAN, KESEHATAN, KECAMATAN = UNITS
AGENCY = "Pemerintah Kota Uji Cetak & Sekitarnya"  # "&" is a code in a printed footer
# An IKI name long enough to wrap over several lines of the Masalah sheet's Pesan column.
LONG_IKI = (
    "Persentase dokumen perencanaan dan penganggaran perangkat daerah yang disusun tepat "
    "waktu, diverifikasi oleh tim anggaran, dan diunggah lengkap ke sistem informasi "
    "pemerintahan daerah sebelum batas akhir triwulan berjalan"
)
REAL_TEXT = "95%"
# What a sheet of this book holds, and so how many A4 pages it prints on: 12 pegawai and 24
# IKI rows fit one page each (one page wide, shrunk); the four pegawai of the unit not sent
# and the dozen problems too.
PAGES = {
    "Ringkasan": 1,
    "Grafik": 1,
    "Pegawai": 1,
    "Hasil Kerja": 1,
    "Distribusi": 1,
    "Kalibrasi": 1,  # every unit meets its curve: the notes only
    "IKM": 1,
    "Masalah": 1,
    "Belum Masuk": 1,
}


def _words(text: str) -> str:
    """Text as a reader reads it: one space between words, a line broken after a hyphen
    joined again."""
    return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "-", text)).strip()


@pytest.fixture(scope="module")
def book(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cetak")
    folder = root / "masuk"
    shutil.copytree(corpus.clean, folder)
    (folder / corpus.file_of(KECAMATAN)).unlink()  # the unit that has not sent its workbook
    nip = corpus.unit_nips(KESEHATAN)[0]
    with edit(folder / corpus.file_of(KESEHATAN)) as wb:
        ws = wb[corpus.where[nip][1]]
        put(ws, hk_ref("iki", 0), LONG_IKI)
        put(ws, hk_ref(f"realisasi@{PERIOD}", 0), REAL_TEXT)
    policy = root / "sheetnilai.toml"
    policy.write_text(f'[instansi]\nnama = "{AGENCY}"\n', encoding="utf-8")
    out = root / "buku.xlsx"
    result = CliRunner().invoke(
        cli,
        ["konsolidasi", str(folder), "--periode", PERIOD, "--roster", str(corpus.roster),
         "--kebijakan", str(policy), "--keluaran", str(out), "--jobs", "1", "--senyap"],
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    return out


# --- opened ----------------------------------------------------------------------------------


def test_ringkasan_opens_with_the_title_block(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:2] == ["Ringkasan", "Grafik"]  # the charts come right after
    ws = wb["Ringkasan"]
    assert ws["A1"].value == "Buku Nilai Kinerja Pegawai — Triwulan I 2026"
    assert ws["A2"].value == AGENCY
    assert ws["A1"].font.b and ws["A1"].font.sz > ws["A2"].font.sz > 11


def test_charts_sit_where_the_eye_lands(book: Path) -> None:
    """Both charts of a one-period book are on Grafik, from its top left: within the first
    12 columns and 3 rows (a 1366 × 768 screen shows about 18 × 30)."""
    wb = openpyxl.load_workbook(book)
    assert not wb["Distribusi"]._charts
    with zipfile.ZipFile(book) as z:
        rels = z.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
        drawing = re.search(r"drawings/(drawing\d+\.xml)", rels)
        assert drawing is not None
        xml = z.read(f"xl/drawings/{drawing.group(1)}").decode()
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", xml)
    assert len(anchors) == 2
    for col, row in anchors:
        assert int(col) < 12 and int(row) <= 3
    with zipfile.ZipFile(book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    per_unit = next(c for c in charts if "percentStacked" in c)
    # Every unit labelled: no category may be skipped, and the three units sent are there.
    assert '<c:tickLblSkip val="1"/>' in per_unit
    for unit in (SEKRETARIAT, PENDIDIKAN, KESEHATAN):
        assert f"<c:v>{unit}</c:v>" in per_unit


def test_percent_cells_carry_a_percent_format(book: Path) -> None:
    """PermenPANRB 8/2021's worked example is in the corpus: target 95, realisasi 93 → 98%."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Hasil Kerja"]
    rows = [list(r) for r in ws.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[0].value == "NIP")
    header = [c.value for c in rows[at]]
    cap, target, real = (header.index(h) for h in ("Capaian (%)", "Target", "Realisasi"))
    cells = [r[cap] for r in rows[at + 1 :] if r[target].value == "95" and r[real].value == "93"]
    assert cells
    for c in cells:
        assert c.data_type == "n" and c.value == pytest.approx(0.98)
        assert c.number_format.endswith("%")
    pegawai = wb["Pegawai"]
    head = [c.value for c in next(r for r in pegawai.iter_rows() if r[0].value == "NIP")]
    col = head.index("Rata-rata capaian (%)") + 1
    formats = {
        pegawai.cell(r, col).number_format
        for r in range(1, pegawai.max_row + 1)
        if isinstance(pegawai.cell(r, col).value, float)
    }
    assert formats and all(f.endswith("%") for f in formats)


def test_masalah_prints_readably(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Masalah"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # One page wide (1 is the file format's default, so it may be left out), pages down.
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    header = next(r for r in ws.iter_rows() if r[0].value == "Tingkat")
    assert ws.print_title_rows.replace("$", "") == f"{header[0].row}:{header[0].row}"
    pesan = next(c for c in header if c.value == "Pesan").column_letter
    assert 30 <= ws.column_dimensions[pesan].width <= 60
    message = next(
        c for c in ws[pesan] if isinstance(c.value, str) and LONG_IKI in c.value
    )  # the realisasi-bukan-angka message quotes the IKI
    assert message.alignment.wrap_text
    # The row is tall enough for the wrapped message: at least a line per 60 characters.
    assert ws.row_dimensions[message.row].height >= 15 * (len(message.value) // 60 + 1)


# --- printed ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext not installed")
    (out,) = convert([book], tmp_path_factory.mktemp("pdf"), target="pdf")
    return out


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _footer(page: str) -> tuple[str, int, int]:
    """(sheet, page, of) from the footer every printed page carries."""
    line = next(ln for ln in reversed(page.splitlines()) if "Halaman" in ln)
    found = re.match(r"\s*(\S.*?)\s{2,}.*Halaman (\d+) dari (\d+)\s*$", line)
    assert found, line
    return found.group(1), int(found.group(2)), int(found.group(3))


@pytest.mark.libreoffice
def test_each_sheet_prints_on_the_expected_pages(pdf: Path) -> None:
    pages = _pages(pdf)
    footers = [_footer(p) for p in pages]
    assert [n for _, n, _ in footers] == list(range(1, len(pages) + 1))
    assert {of for _, _, of in footers} == {len(pages)}
    counts: dict[str, int] = {}
    for sheet, _, _ in footers:
        counts[sheet] = counts.get(sheet, 0) + 1
    assert list(counts)[: len(PAGES)] == list(PAGES)  # in book order
    assert {k: counts[k] for k in PAGES} == PAGES
    assert 1 <= counts["Metadata"] <= 2  # the policy in force, and each source file
    assert AGENCY in pages[0]  # the footer's "&" printed as itself
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) == len(pages)
    for sheet, (w, h) in zip((s for s, _, _ in footers), sizes, strict=True):
        assert sorted((round(float(w)), round(float(h)))) == [595, 842], sheet  # A4
        if sheet in ("Ringkasan", "Grafik", "Masalah", "Belum Masuk", "Distribusi"):
            assert float(w) > float(h), sheet  # landscape


@pytest.mark.libreoffice
def test_ringkasan_prints_agency_period_and_year(pdf: Path) -> None:
    first = _pages(pdf)[0]
    head = _words("\n".join(first.splitlines()[:4]))
    assert "Buku Nilai Kinerja Pegawai — Triwulan I 2026" in head
    assert AGENCY in head
    for unit in UNITS:
        assert unit in first
    assert "Belum masuk" in first


def _words_on_pages(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, every word with its left edge and top (points), from pdftotext -bbox."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        pages.append([(float(x), float(y), html.unescape(w)) for x, y, w in words])
    return pages


@pytest.mark.libreoffice
def test_long_texts_print_whole_inside_their_row(pdf: Path) -> None:
    """The wrapped message prints in full between its own row's top and the next row's: a
    row left at one line's height lets the text run over the rows below it."""
    masalah = next(p for p in _words_on_pages(pdf) if ("Masalah", "yang") in _pairs(p))
    heads = {w: x for x, _, w in masalah if w in ("Tingkat", "Kode", "Pesan", "Saran")}
    left, right = heads["Pesan"] - 1, heads["Saran"] - 1
    first_word = LONG_IKI.split()[0]
    top = next(y for x, y, w in masalah if left <= x < right and w.endswith(first_word))
    # The next row starts where the next Tingkat value (galat/peringatan/catatan) is printed.
    below = [y for x, y, w in masalah if x < heads["Kode"] - 1 and y > top + 1]
    bottom = min(below) if below else math.inf
    inside = [w for x, y, w in sorted(masalah, key=lambda t: (t[1], t[0]))
              if left <= x < right and top - 1 <= y < bottom - 1]  # fmt: skip
    expected = (
        f'Realisasi IKI "{LONG_IKI}" berisi "{REAL_TEXT}", bukan angka, padahal targetnya angka.'
    )
    assert _words(" ".join(inside)) == _words(expected)


def _pairs(words: list[tuple[float, float, str]]) -> set[tuple[str, str]]:
    return {(a[2], b[2]) for a, b in itertools.pairwise(words)}


@pytest.mark.libreoffice
def test_belum_masuk_lists_the_unit_not_sent(pdf: Path) -> None:
    raw = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    belum = next(p for p in raw if "siapa yang ditunggu" in p)
    assert _words(belum).count(KECAMATAN) >= 4  # its four pegawai


def test_footer_names_sheet_book_and_page(tmp_path: Path) -> None:
    """Every sheet, the chart sheet too, prints its name, the book's title and the page."""
    import pandas as pd

    table = Table("Ringkasan", pd.DataFrame({"Unit": ["A"], "Nilai": [1]}), title="Buku A&B",
                  subtitle="Instansi")  # fmt: skip
    chart = Chart("Grafik", "Ringkasan", "column", "Nilai", "Unit", ["Nilai"], page="Grafik A")
    path = tmp_path / "buku.xlsx"
    write_scorebook(path, [table, Table("Lain", pd.DataFrame({"X": ["y"]}))], [chart])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Grafik", "Lain"]
    assert wb["Grafik"]["A1"].value == "Grafik A"
    for ws in wb.worksheets:
        footer = ws.oddFooter
        assert footer.left.text == "&A" and footer.right.text == "Halaman &P dari &N", ws.title
        assert footer.center.text == "Instansi — Buku A&&B", ws.title
        assert ws.page_setup.paperSize == 9
