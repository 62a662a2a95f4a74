"""`sheetnilai konsolidasi` end to end: workbooks made by the template command, filled with
openpyxl as a user would, recalculated in LibreOffice, consolidated through the CLI, and the
score book read back and checked value by value against the rules library."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sheetnilai.cli import EXIT_DATA_ERRORS, cli
from sheetnilai.consolidate import consolidate
from sheetnilai.periods import Scheme, periods
from sheetnilai.report import hasil_kerja_table
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import Arah, capaian_iki
from sheetnilai.rules.labels import Predikat, Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.rules.predikat import predikat
from sheetnilai.workbook.build import RecapLayout
from sheetnilai.workbook.layout import NILAI_COL, RECAP_SHEET, SkpLayout
from tests.support.libreoffice import convert, soffice

HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
          "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"]  # fmt: skip
KADIS = "197203151998031002"
ROSTER = [
    [KADIS, "Drs. Kepala Dinas", "Kepala Dinas", "JPT", "PNS", "", "Pembina Utama Muda (IV/c)",
     "Dinas Uji", "", "", ""],
    ["198807222011011004", "Agus Uji", "Perawat Ahli Pertama", "Fungsional", "PNS", "Ahli Pertama",
     "Penata Muda (III/a)", "Dinas Uji", KADIS, "", ""],
    ["199001052015032001", "Rina Uji", "Pengelola Data", "Pelaksana", "PNS", "", "Pengatur (II/c)",
     "Dinas Uji", KADIS, "", ""],
    ["198512302010012005", "Dewi Uji", "Apoteker Ahli Muda", "Fungsional", "PNS", "Ahli Muda",
     "Penata (III/c)", "Dinas Uji", KADIS, "", ""],
    ["199206182019031006", "Hendra Uji", "Analis", "Pelaksana", "PNS", "", "Penata Muda (III/a)",
     "Dinas Uji", KADIS, "", ""],
    ["197911092005012007", "Camat Uji", "Camat", "Administrator", "PNS", "", "Pembina (IV/a)",
     "Kecamatan Uji", KADIS, "", ""],
]  # fmt: skip
A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
# Per pegawai (roster order): (target, realisasi, arah) for two IKI, and TW1 ratings.
FILL = {
    "197203151998031002": ([(95, 93, Arah.NAIK), (4, 3, Arah.TURUN)], A, S),
    "198807222011011004": ([(24, 28, Arah.NAIK)], A, A),
    "199001052015032001": ([(100, 100, Arah.NAIK), (3, 3.5, Arah.TURUN)], S, S),
    "198512302010012005": ([(12, 9, Arah.NAIK)], B, S),
    "199206182019031006": ([(30, 30, Arah.TURUN)], S, B),
    "197911092005012007": ([(80, 85, Arah.NAIK)], S, S),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path, realisasi_text: dict[str, str] | None = None) -> None:
    """Type the SKP and the TW1 evaluation as pegawai and atasan would."""
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    wb = openpyxl.load_workbook(path)
    titles = [t for t in wb.sheetnames if t[:2].isdigit()]
    for title in titles:
        ws = wb[title]
        r, c = layout.identity_cells["peg_nip"]
        nip = ws.cell(r + 1, c + 1).value
        iki, hasil, perilaku = FILL[nip]
        row = layout.hk_first_row + 1
        ws.cell(row, col["rhk"], "RHK uji")
        ws.cell(row, col["rhk_atasan"], "RHK uji")  # the Kepala Dinas' own RHK (cascading)
        for k, (target, real, arah) in enumerate(iki):
            ws.cell(row + k, col["iki"], f"IKI uji {k + 1}")
            ws.cell(row + k, col["target"], target)
            ws.cell(row + k, col["arah"], arah.value)
            value: object = (realisasi_text or {}).get(nip, real) if k == 0 else real
            ws.cell(row + k, col["realisasi@TW1"], value)
            # A text that starts with "=" (typed with a leading apostrophe in Excel).
            bukti = ws.cell(row + k, col["bukti@TW1"], '=HYPERLINK("http://bukti")')
            bukti.data_type = "s"
            ws.cell(row + k, col["umpan_balik@TW1"], "+ lanjutkan")
        for k in range(7):
            ws.cell(layout.pk_first_row + 1 + k, layout.period_col(0, "umpan_balik") + 1, "baik")
        nr = layout.nilai_row(0) + 1
        ws.cell(nr, NILAI_COL["rating_hasil"] + 1, hasil.label)
        ws.cell(nr, NILAI_COL["rating_perilaku"] + 1, perilaku.label)
    recap = RecapLayout(len(layout.periods), len(titles))
    wb[RECAP_SHEET].cell(recap.org_row + 1, recap.dist_col(0) + 1, "Baik")
    wb.save(path)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("konsolidasi")
    roster = tmp / "daftar.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(ROSTER)
    made = tmp / "dibuat"
    code, _, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(made),
                       "--jobs", "1")  # fmt: skip
    assert code == 0, err
    for path in made.glob("*.xlsx"):
        fill(path)
    if soffice() is not None:
        convert(
            sorted(made.glob("*.xlsx")), tmp / "masuk"
        )  # cached values as a calculating app saves them
    else:
        (tmp / "masuk").mkdir()
        for path in made.glob("*.xlsx"):
            (tmp / "masuk" / path.name).write_bytes(path.read_bytes())
    return tmp / "masuk", roster


def test_score_book_values_match_the_rules(source: tuple[Path, Path], tmp_path: Path) -> None:
    folder, roster = source
    before = _hashes(folder)
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--roster", str(roster),
                         "--keluaran", str(book), "--jobs", "1")  # fmt: skip
    assert code in (0, EXIT_DATA_ERRORS), err
    assert _hashes(folder) == before  # unit workbooks are never modified
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Ringkasan", "Grafik", "Pegawai", "Hasil Kerja", "Distribusi",
                             "Kalibrasi", "IKM", "Masalah", "Belum Masuk", "Pengembangan",
                             "Rencana Pengembangan", "Talenta", "Kotak Talenta",
                             "Metadata"]  # fmt: skip
    ws = wb["Pegawai"]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "NIP")
    header = list(rows[header_at])
    people = {r[0]: dict(zip(header, r, strict=True)) for r in rows[header_at + 1 :] if r[0]}
    assert set(people) == set(FILL)
    by_nip = {r[0]: r for r in ROSTER}
    for nip, (iki, hasil, perilaku) in FILL.items():
        got = people[nip]
        assert isinstance(got["NIP"], str) and len(got["NIP"]) == 18
        expected = predikat(hasil, perilaku)
        assert got["Predikat"] == expected.label, nip
        assert got["Rating hasil kerja"] == hasil.label
        caps = [capaian_iki(real, target, arah).persen for target, real, arah in iki]
        # Percent cells hold fractions in a percent format ("98%" is the cell 0.98).
        assert got["Rata-rata capaian (%)"] == pytest.approx(
            float(sum(caps) / len(caps)) / 100, abs=0.00005
        )
        jenjang = by_nip[nip][5]
        if jenjang:
            ak = angka_kredit(expected, jenjang, 3)
            assert got["Angka kredit"] == pytest.approx(float(ak), abs=0.005)
        else:
            assert got["Angka kredit"] in (None, "")
    # The 8/2021 worked example is in here: target 95, realisasi 93 → 98% → nilai 88.
    hk = list(wb["Hasil Kerja"].iter_rows(values_only=True))
    h_at = next(i for i, r in enumerate(hk) if r and r[0] == "NIP")
    hk_rows = [dict(zip(hk[h_at], r, strict=True)) for r in hk[h_at + 1 :] if r[0]]
    kadis = next(r for r in hk_rows if r["NIP"] == KADIS and r["IKI"] == "IKI uji 1")
    assert (kadis["Capaian (%)"], kadis["Nilai capaian (8/2021)"]) == (pytest.approx(0.98), 88)
    # Text that looks like a formula arrives as the same text.
    assert kadis["Bukti dukung"] == '=HYPERLINK("http://bukti")'
    assert kadis["Umpan balik"] == "+ lanjutkan"
    dist = list(wb["Distribusi"].iter_rows(values_only=True))
    d_at = next(i for i, r in enumerate(dist) if r and r[0] == "Unit Kerja")
    uji = next(
        dict(zip(dist[d_at], r, strict=True)) for r in dist[d_at + 1 :] if r[0] == "Dinas Uji"
    )
    # Dinas Uji, TW1: Baik ×2 (KADIS, Rina), Sangat Baik ×1 (Agus), BP ×1 (Dewi), Kurang ×1.
    counts = {p: uji[p.label] for p in Predikat}
    assert counts == {Predikat.SANGAT_BAIK: 1, Predikat.BAIK: 2, Predikat.BUTUH_PERBAIKAN: 1,
                      Predikat.KURANG: 1, Predikat.SANGAT_KURANG: 0}  # fmt: skip
    assert uji["Status"] == "Sesuai"
    meta = {r[0]: r[1] for r in wb["Metadata"].iter_rows(values_only=True) if r[0]}
    assert meta["Periode"] == "TW1"
    for name, digest in before.items():
        assert meta[f"Berkas: {name}"].endswith(f"SHA-256 {digest}")


def test_refuses_to_overwrite_and_exit_codes(source: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = source
    book = tmp_path / "buku.xlsx"
    book.write_bytes(b"buku lama")
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--keluaran", str(book))
    assert code == 1 and "sudah ada dan tidak ditimpa" in err and "--timpa" in err
    assert book.read_bytes() == b"buku lama"
    code, _, _ = run("konsolidasi", str(folder), "--periode", "TW1", "--keluaran", str(book),
                     "--timpa", "--senyap", "--jobs", "1")  # fmt: skip
    assert code == 0  # the filled sample has no galat
    assert book.read_bytes()[:2] == b"PK"


def test_real_subprocess_with_data_tables(source: tuple[Path, Path], tmp_path: Path) -> None:
    folder, roster = source
    proc = subprocess.run(
        [sys.executable, "-m", "sheetnilai", "konsolidasi", str(folder), "--periode", "tw1",
         "--roster", str(roster), "--keluaran", str(tmp_path / "buku.xlsx"), "--data",
         str(tmp_path / "data"), "--format-data", "parquet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Buku nilai:" in proc.stdout
    import pandas as pd

    pegawai = pd.read_parquet(tmp_path / "data" / "pegawai.parquet")
    assert len(pegawai) == len(FILL) and pegawai["NIP"].str.len().eq(18).all()


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_ods_from_libreoffice_users_gives_the_same_score_book(
    source: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, roster = source
    ods = tmp_path / "ods"
    convert(sorted(folder.glob("*.xlsx")), ods, target="ods")
    books = {}
    for name, src in (("xlsx", folder), ("ods", ods)):
        book = tmp_path / f"buku-{name}.xlsx"
        code, _, err = run("konsolidasi", str(src), "--periode", "TW1", "--roster", str(roster),
                           "--keluaran", str(book), "--jobs", "1", "--senyap")  # fmt: skip
        assert code == 0, err
        rows = list(openpyxl.load_workbook(book)["Pegawai"].iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if r and r[0] == "NIP")
        books[name] = [r[:-2] for r in rows[at:]]  # all but the source file and sheet columns
    assert books["ods"] == books["xlsx"]


def test_hasil_kerja_cells_are_the_same_without_the_workers_shown_values(
    source: tuple[Path, Path],
) -> None:
    """Each IKI carries its shown values from the worker that checked it; an IKI without
    them (one a store kept from an older version) is converted by the report, alike."""
    folder, _ = source
    result = consolidate(folder, "TW1", DEFAULT_POLICY, jobs=1)
    ikis = [i for u in result.units for i in u.iki]
    assert ikis and all(i.shown for i in ikis)
    carried = hasil_kerja_table(result).frame
    for i in ikis:
        i.shown = ()
    pd.testing.assert_frame_equal(hasil_kerja_table(result).frame, carried)
    assert carried["Capaian (%)"].notna().any() and carried["Realisasi"].ne("").any()
