"""The unit workbook prints what it holds: each SKP sheet's plan, and through the Cetak sheet
one pegawai's evaluation of the period the user picks, on A4 pages that keep sections whole.

Printed by LibreOffice headless to PDF and read back with pypdf; every expected text is what
the test typed into the workbook, not what the generator computed.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import sheet_title
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import extract
from sheetnilai.workbook.build import SheetPegawai, UnitWorkbook, build_unit_workbook
from sheetnilai.workbook.layout import CETAK_SHEET, NILAI_COL, SkpLayout
from sheetnilai.workbook.update import uncarried
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import pegawai

LONG_NAME = "Dr. Hj. Siti Rahmawati Kusumaningtyas, S.Kom., M.Kom."
# The pegawai's NIP as the footer spells it (format_nip), written out by hand.
LONG_NIP_SHOWN = "19800101 200501 2 001"
LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
COL = {k: i for i, k in enumerate(LAYOUT.hk_keys)}
PERIODS = LAYOUT.periods  # TW1, TW2, TW3, TW4, TAHUNAN


def _typed() -> dict[tuple[int, int], object]:
    """Two IKI with a realisasi, umpan balik and ratings in every period (Tetap: capaian is
    realisasi ÷ target)."""
    L, cells = LAYOUT, {}
    first = L.hk_first_row
    cells[(first, COL["jenis"])] = "Utama"
    cells[(first, COL["rhk"])] = "Terverifikasinya usulan kenaikan pangkat tepat waktu"
    for k, (iki, target) in enumerate((("Jumlah usulan diverifikasi", 50), ("Nilai SAKIP", 80))):
        cells[(first + k, COL["iki"])] = iki
        cells[(first + k, COL["target"])] = target
        cells[(first + k, COL["satuan"])] = "dokumen"
        cells[(first + k, COL["arah"])] = "Semakin tinggi semakin baik"
    # TW2 (index 1): 45 of 50 → 90 %, 72 of 80 → 90 %; other periods other numbers.
    reals = {0: (40, 64), 1: (45, 72), 2: (50, 80), 3: (55, 88), 4: (60, 96)}
    for i, p in enumerate(PERIODS):
        for k in range(2):
            cells[(first + k, L.period_col(i, "realisasi"))] = reals[i][k]
            cells[(first + k, L.period_col(i, "umpan_balik"))] = f"Catatan {p.key} IKI {k + 1}"
            cells[(first + k, L.period_col(i, "bukti"))] = f"https://bukti.example.go.id/{p.key}"
        cells[(L.pk_first_row, L.period_col(i, "umpan_balik"))] = f"Perilaku {p.key} baik"
    cells[(L.nilai_row(0), NILAI_COL["rating_hasil"])] = "Di Bawah Ekspektasi"
    cells[(L.nilai_row(0), NILAI_COL["rating_perilaku"])] = "Di Bawah Ekspektasi"
    cells[(L.nilai_row(1), NILAI_COL["rating_hasil"])] = "Di Atas Ekspektasi"
    cells[(L.nilai_row(1), NILAI_COL["rating_perilaku"])] = "Di Atas Ekspektasi"
    return cells


def _build(path: Path) -> list[str]:
    people = [pegawai(1, nama=LONG_NAME), pegawai(2)]
    used: set[str] = set()
    titles = [sheet_title(i, p.nama, used) for i, p in enumerate(people, 1)]
    sheets = tuple(SheetPegawai(t, p) for t, p in zip(titles, people, strict=True))
    spec = UnitWorkbook(
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        2026,
        Scheme.TRIWULAN,
        sheets,
        inputs={titles[0]: _typed()},
    )
    build_unit_workbook(path, spec)
    return titles


def _pick(path: Path, title: str, period_label: str) -> None:
    """Choose the pegawai and period on the Cetak sheet, as a user does."""
    wb = openpyxl.load_workbook(path)
    ws = wb[CETAK_SHEET]
    ws["C2"] = title
    ws["E2"] = period_label
    wb.save(path)


def _pages(xlsx: Path, outdir: Path) -> list[str]:
    pdf = convert([xlsx], outdir, target="pdf:calc_pdf_Export")[0]
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def _last_line(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("Halaman") and "Halaman" not in line]
    return body[-1] if body else ""


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_cetak_prints_the_picked_period_on_four_a4_pages(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    titles = _build(path)
    _pick(path, titles[0], "Triwulan II")
    # The Cetak sheet's pages: its footer names the unit's SKP year.
    pages = [p for p in _pages(path, tmp_path / "pdf") if "Manusia — SKP 2026" in p]
    text = "\n".join(pages)
    assert len(pages) == 4, [p[:80] for p in pages]
    assert "EVALUASI KINERJA PEGAWAI — TRIWULAN II 2026" in pages[0]
    # The period's evaluation: what was typed for TW2, capaian 45/50 and 72/80, ratings.
    for typed in ("45", "72", "Catatan TW2 IKI 1", "Catatan TW2 IKI 2", "Perilaku TW2 baik"):
        assert typed in text, typed
    assert text.count("90") >= 2
    assert "https://bukti.example.go.id/TW2" in "".join(text.split())  # wrapped in its cell
    assert "Di Atas Ekspektasi" in pages[3] and "Sangat Baik" in pages[3]
    # Nothing of another period.
    for other in ("Catatan TW1", "Catatan TW3", "Perilaku TW1", "Sangat Kurang"):
        assert other not in text, other
    # The plan and the pegawai, on every page.
    first = " ".join(pages[0].split())  # wrapped cells read back line by line
    assert "Terverifikasinya usulan kenaikan pangkat tepat waktu" in first
    assert "Jumlah usulan diverifikasi" in first
    for page in pages:
        assert LONG_NAME in " ".join(page.split())
    # Each section starts its own page; section A's header is on each of its pages.
    assert "B. PERILAKU KERJA" in pages[3] and "C. PENILAIAN KINERJA" in pages[3]
    for page in pages[:3]:
        assert "A. HASIL KERJA" in page and "Indikator kinerja individu (IKI)" in page
        assert "PERILAKU" not in page
    assert "Indikator kinerja individu (IKI)" not in pages[3]
    for page in pages:
        assert not _last_line(page).startswith("B. PERILAKU KERJA")


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_whole_workbook_prints_sections_whole_and_labels_uncut(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    titles = _build(path)
    _pick(path, titles[0], "Tahunan")
    pages = _pages(path, tmp_path / "pdf")
    skp = [p for p in pages if f"{LONG_NAME} — NIP {LONG_NIP_SHOWN}" in p and "Halaman" in p]
    # Each SKP sheet: identity and A on one page, B–D and signatures on the next; the
    # footer names the pegawai in full (the sheet title is cut at 31 characters).
    assert len(skp) == 2
    assert "A. HASIL KERJA" in skp[0] and "PERILAKU" not in skp[0]
    assert "B. PERILAKU KERJA" in skp[1] and "Rencana hasil kerja (RHK)" not in skp[1]
    assert "TAHUNAN" in skp[1]
    other = [p for p in pages if "Pegawai Uji 2 — NIP" in p]
    assert len(other) == 2
    for page in pages:
        assert not _last_line(page).startswith("B. PERILAKU KERJA"), page[-300:]
    # The annual evaluation reaches paper through the Cetak sheet.
    cetak = [p for p in pages if "EVALUASI KINERJA PEGAWAI" in p]
    assert len(cetak) == 1 and "TAHUNAN 2026" in cetak[0]
    text = "\n".join(pages)
    assert "Catatan TAHUNAN IKI 1" in text and "60" in text
    # Aturan one page wide: its keys and lists whole.
    assert "capaian_periodik.kumulatif_tanpa_target" in text.replace("\n", "")
    # Rekap: its table header is printed only above the table.
    rekap = [p for p in pages if "— Rekap 2026" in p]
    assert rekap and "REKAP PENILAIAN KINERJA" in rekap[0]


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_cetak_is_never_read_as_an_skp_sheet_even_after_a_save(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    titles = _build(path)
    _pick(path, titles[0], "Triwulan I")
    # A spreadsheet program stores the computed values (the NIP among them) on save.
    saved = convert([path], tmp_path / "saved")[0]
    for book_path in (path, saved):
        raw = read_book(book_path)
        book = extract(raw, book_path.name)
        assert [s.title for s in book.sheets] == titles
        assert book.lookalikes == [] and book.damaged == []
        assert uncarried(raw, book) == []
