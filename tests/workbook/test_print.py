"""The unit workbook prints what it holds: each SKP sheet's plan, and through the Cetak sheet
one pegawai's evaluation of the period the user picks, on A4 pages that keep sections whole.

Printed by LibreOffice headless to PDF and read back with pypdf; every expected text is what
the test typed into the workbook, not what the generator computed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import sheet_title
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import extract
from sheetnilai.workbook.build import SheetPegawai, UnitWorkbook, build_unit_workbook
from sheetnilai.workbook.layout import CETAK_SHEET, IKI_PER_RHK, NILAI_COL, SkpLayout
from sheetnilai.workbook.update import uncarried
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import pegawai

LONG_NAME = "Dr. Hj. Siti Rahmawati Kusumaningtyas, S.Kom., M.Kom."
# The pegawai's NIP as the footer spells it (format_nip), written out by hand.
LONG_NIP_SHOWN = "19800101 200501 2 001"
LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
COL = {k: i for i, k in enumerate(LAYOUT.hk_keys)}
PERIODS = LAYOUT.periods  # TW1, TW2, TW3, TW4, TAHUNAN
UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"

# A typical SKP: eight IKI under three RHK, with gaps on the SKP sheet that the form must
# close up. RHK 2's rows are left empty, and RHK 3 skips its second row.
RHK = {
    0: "Terverifikasinya usulan kenaikan pangkat dan mutasi pegawai secara tepat waktu",
    2: "Tersusunnya laporan kinerja instansi yang akuntabel",
    3: "Meningkatnya kualitas layanan informasi kepegawaian kepada seluruh pegawai",
}
# (RHK block, row in the block, IKI, target): IKI names numbered in the order they must print.
IKI = (
    (0, 0, "IKI-01 Jumlah usulan kenaikan pangkat yang diverifikasi", 50),
    (0, 1, "IKI-02 Persentase usulan mutasi selesai dalam 5 hari kerja", 80),
    (0, 2, "IKI-03 Jumlah data pegawai yang dimutakhirkan", 120),
    (2, 0, "IKI-04 Nilai SAKIP unit kerja", 70),
    (2, 2, "IKI-05 Jumlah laporan kinerja triwulanan yang disampaikan", 4),
    (3, 0, "IKI-06 Indeks kepuasan layanan kepegawaian", 85),
    (3, 1, "IKI-07 Jumlah konsultasi kepegawaian yang dilayani", 200),
    (3, 2, "IKI-08 Persentase permohonan informasi dijawab tepat waktu", 90),
)
# Realisasi per period, none of them a target or another period's number: TW2 is index 1.
REAL = {i: tuple(101 + 10 * i + k for k in range(len(IKI))) for i in range(len(PERIODS))}


def _typed(ikis: tuple[tuple[int, int, str, int], ...] = IKI) -> dict[tuple[int, int], object]:
    """The IKI above with a realisasi and umpan balik in every period, and ratings for TW1
    and TW2 (Tetap: capaian is realisasi ÷ target)."""
    L, cells = LAYOUT, {}
    first = L.hk_first_row
    for block, text in RHK.items():
        cells[(first + block * IKI_PER_RHK, COL["jenis"])] = "Utama"
        cells[(first + block * IKI_PER_RHK, COL["rhk"])] = text
    for n, (block, k, iki, target) in enumerate(ikis):
        row = first + block * IKI_PER_RHK + k
        cells[(row, COL["iki"])] = iki
        cells[(row, COL["aspek"])] = "Kuantitas"
        cells[(row, COL["target"])] = target
        cells[(row, COL["satuan"])] = "dokumen"
        cells[(row, COL["arah"])] = "Semakin tinggi semakin baik"
        for i, p in enumerate(PERIODS):
            cells[(row, L.period_col(i, "realisasi"))] = REAL[i][n % len(IKI)]
            cells[(row, L.period_col(i, "umpan_balik"))] = f"Catatan {p.key} IKI-{n + 1:02d}"
            cells[(row, L.period_col(i, "bukti"))] = f"https://bukti.example.go.id/{p.key}"
    for i, p in enumerate(PERIODS):
        cells[(L.pk_first_row, L.period_col(i, "umpan_balik"))] = f"Perilaku {p.key} baik"
    cells[(L.nilai_row(0), NILAI_COL["rating_hasil"])] = "Di Bawah Ekspektasi"
    cells[(L.nilai_row(0), NILAI_COL["rating_perilaku"])] = "Di Bawah Ekspektasi"
    cells[(L.nilai_row(1), NILAI_COL["rating_hasil"])] = "Di Atas Ekspektasi"
    cells[(L.nilai_row(1), NILAI_COL["rating_perilaku"])] = "Di Atas Ekspektasi"
    return cells


def _build(path: Path, typed: dict[tuple[int, int], object] | None = None) -> list[str]:
    people = [pegawai(1, nama=LONG_NAME), pegawai(2)]
    used: set[str] = set()
    titles = [sheet_title(i, p.nama, used) for i, p in enumerate(people, 1)]
    sheets = tuple(SheetPegawai(t, p) for t, p in zip(titles, people, strict=True))
    spec = UnitWorkbook(
        UNIT,
        2026,
        Scheme.TRIWULAN,
        sheets,
        inputs={titles[0]: _typed() if typed is None else typed},
    )
    build_unit_workbook(path, spec)
    return titles


def _pick(path: Path, title: str, period_label: str) -> None:
    """Choose the pegawai and period on the Cetak sheet, as a user does."""
    wb = openpyxl.load_workbook(path)
    ws = wb[CETAK_SHEET]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    sheet_cell, period_cell = sorted(validations)  # the two dropdowns, left to right
    ws[sheet_cell] = title
    ws[period_cell] = period_label
    wb.save(path)


def _pages(xlsx: Path, outdir: Path) -> list[str]:
    pdf = convert([xlsx], outdir, target="pdf:calc_pdf_Export")[0]
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def _cetak_pages(xlsx: Path, outdir: Path) -> list[tuple[str, str]]:
    """The Cetak sheet's pages (its footer names the unit's SKP year): pypdf's text, and
    pdftotext's in reading order, top to bottom, for where things stand on the page."""
    pdf = convert([xlsx], outdir, target="pdf:calc_pdf_Export")[0]
    out = []
    for n, page in enumerate(PdfReader(pdf).pages, 1):
        text = page.extract_text() or ""
        if "Manusia — SKP 2026" in text:
            args = ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"]
            out.append(
                (text, subprocess.run(args, capture_output=True, check=True).stdout.decode())
            )
    return out


def _flat(text: str) -> str:
    """Wrapped cells read back line by line: one space between words."""
    return " ".join(text.split())


def _squeezed(text: str) -> str:
    """Without any whitespace: a narrow column breaks "IKI-01" after its hyphen."""
    return "".join(text.split())


def _last_line(page: str) -> str:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("Halaman") and "Halaman" not in line]
    return body[-1] if body else ""


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d.,])\d+(?![\d.,])", text))


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_cetak_prints_a_typical_skp_on_two_a4_pages(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    titles = _build(path)
    _pick(path, titles[0], "Triwulan II")
    both = _cetak_pages(path, tmp_path / "pdf")
    pages = [text for text, _ in both]
    assert len(pages) == 2, [p[:80] for p in pages]
    first, text = _flat(pages[0]), _flat("\n".join(pages))
    laid_out = both[0][1]
    assert "EVALUASI KINERJA PEGAWAI — TRIWULAN II 2026" in first
    # Page 1: identity and section A whole; page 2: B, C and the signatures together.
    assert "PEGAWAI YANG DINILAI" in first and LONG_NAME in first
    assert "A. HASIL KERJA" in first and "PERILAKU" not in first
    second = _flat(pages[1])
    for part in ("B. PERILAKU KERJA", "C. PENILAIAN KINERJA", "Pejabat Penilai Kinerja"):
        assert part in second, part
    assert "A. HASIL KERJA (lanjutan)" not in second  # eight IKI fit page 1
    assert LONG_NAME in second  # every page says whose form it is
    # Every IKI once, in the SKP sheet's order, though rows between them are empty there.
    for _, _, iki, _ in IKI:
        assert first.count(iki) == 1, iki
    at = [laid_out.find(" ".join(iki.split()[:2])) for _, _, iki, _ in IKI]
    assert all(i >= 0 for i in at) and at == sorted(at), at
    # Each RHK once, beside its first IKI (the same line of the page).
    for rhk in RHK.values():
        assert first.count(rhk) == 1, rhk
    lines = laid_out.splitlines()
    for block, n in ((0, 0), (2, 3), (3, 5)):
        words = " ".join(RHK[block].split()[:2])
        assert any(words in line and IKI[n][2].split()[0] in line for line in lines), block
    # The period's evaluation: what was typed for TW2, and nothing of another period.
    numbers = _numbers(pages[0])
    for real in REAL[1]:
        assert str(real) in numbers, real
    for i in (0, 2, 3, 4):
        for real in REAL[i]:
            assert str(real) not in numbers, (i, real)
    for n in range(1, len(IKI) + 1):
        assert f"CatatanTW2IKI-{n:02d}" in _squeezed(text)
    assert "Perilaku TW2 baik" in second and "Di Atas Ekspektasi" in second
    for other in ("Catatan TW1", "Catatan TW3", "Perilaku TW1", "Di Bawah Ekspektasi"):
        assert other not in text, other
    # No section title ends a page.
    for page in pages:
        assert not _last_line(page).startswith(("A. HASIL", "B. PERILAKU", "C. PENILAIAN"))
    assert "tidak tercetak" not in text


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_cetak_continues_section_a_and_names_what_it_cannot_hold(tmp_path: Path) -> None:
    # Twenty IKI: every row of the first seven RHK but the last one of RHK 7.
    many = tuple(
        (n // IKI_PER_RHK, n % IKI_PER_RHK, f"Indikator nomor {n + 1:02d}", 10 + n)
        for n in range(20)
    )
    path = tmp_path / "unit.xlsx"
    titles = _build(path, _typed(many))
    _pick(path, titles[0], "Triwulan III")
    pages = [text for text, _ in _cetak_pages(path, tmp_path / "pdf")]
    assert len(pages) == 2, [p[:80] for p in pages]
    first, second = _flat(pages[0]), _flat(pages[1])
    assert "A. HASIL KERJA (lanjutan)" in second
    shown = [f"Indikator nomor {n + 1:02d}" for n in range(20) if f"nomor {n + 1:02d}" in first]
    rest = [f"Indikator nomor {n + 1:02d}" for n in range(20) if f"nomor {n + 1:02d}" in second]
    assert shown + rest == [f"Indikator nomor {n + 1:02d}" for n in range(len(shown + rest))]
    assert shown and rest and len(shown + rest) < 20
    missing = 20 - len(shown + rest)
    assert f"memuat {missing} baris IKI lagi yang tidak tercetak" in second
    assert second.find("tidak tercetak") < second.find("B. PERILAKU KERJA")
    assert "CatatanTW3IKI-01" in _squeezed(first) and "Catatan TW2" not in first + second


def test_cetak_text_prints_at_eight_points_or_more(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    _build(path)
    ws = openpyxl.load_workbook(path)[CETAK_SHEET]
    scale = ws.page_setup.scale
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9
    # The table: the rows from section A's header down to the signatures.
    header = next(
        c.row
        for row in ws.iter_rows()
        for c in row
        if c.value == "Indikator kinerja individu (IKI)"
    )
    sizes = {
        c.font.sz
        for row in ws.iter_rows(min_row=header, max_row=ws.max_row, max_col=10)
        for c in row
        if c.value is not None
    }
    assert sizes and min(sizes) * scale / 100 >= 8, (sorted(sizes), scale)


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
    assert "CatatanTAHUNANIKI-01" in _squeezed(text) and str(REAL[4][0]) in text
    # Aturan one page wide: its keys and lists whole.
    assert "capaian_periodik.kumulatif_tanpa_target" in text.replace("\n", "")
    # Rekap: its table header is printed only above the table.
    rekap = [p for p in pages if "— Rekap 2026" in p]
    assert rekap and "REKAP PENILAIAN KINERJA" in rekap[0]
    # The curve's chart prints once, whole, on the page of the distribution check (its
    # title and every category label on that one page).
    chart = "Kurva distribusi predikat kinerja pegawai"
    assert [k for k, p in enumerate(rekap) if chart in _flat(p)] == [0]
    for label in ("Sangat Kurang", "Butuh Perbaikan", "Sangat Baik", "Jumlah pegawai"):
        assert _flat(rekap[0]).count(label) >= 2, label  # the check's row and the chart's axis


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
