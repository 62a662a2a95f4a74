"""The appraisal year: kumulatif and tetap IKI with and without period targets, every period
in one run, trends and early warnings, end to end through the CLI.

One unit workbook made by `templat buat`, filled for TW1–TW4 and TAHUNAN as a unit would, and
recalculated in LibreOffice (so the workbook's own formulas are checked against the rules).
The expected values below are worked out by hand from the filled numbers, not taken from the
code:

- Agus, "Jumlah laporan monitoring" (kumulatif, target 4/year), realisasi 1, 1, 0, 2 and the
  annual left blank: so far 1, 2, 2, 4 against 4 × 3/12, 6/12, 9/12, 12/12 = 1, 2, 3, 4 →
  capaian 100, 100, 67 (66,67 rounded), 100; TAHUNAN = 1 + 1 + 0 + 2 = 4 against 4 → 100.
- Agus, "Persentase dokumen tepat waktu" (tetap, 90): 85 each period → 85/90 = 94,44 → 94.
- Rina, "Jumlah kegiatan penyuluhan" (kumulatif, 24/year, rencana aksi 4, 8, 8, 4): realisasi
  4, 8, 4, 4 → 100, 100, 50, 100 against each period's own target; TAHUNAN entered 25 while
  the periods sum to 20 → a warning at that cell, and 25/24 = 104,17 → 104.
- Rina, "Nilai IKM unit" (tetap, 82): nothing in TW1 and TW2, 80 in TW3 (97,56 → 98).

Early warnings (margin 10 points): IKI behind target — Agus's reports in TW3 (67%), Rina's
penyuluhan in TW3 (50%); no realisasi two periods running — Rina's IKM in TW2; predikat fell —
Agus TW1 Sangat Baik → TW2 Baik, Dewi and Hendra TW2 Baik → TW3 Butuh Perbaikan; the curve
(organisation Baik) failed two periods running — TW1 and TW2 (Baik 80%, 100%), TW4 and
TAHUNAN (Baik 100%).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import sheetnilai.consolidate as consolidate_module
from sheetnilai.cli import cli
from sheetnilai.consolidate import consolidate, consolidate_periods
from sheetnilai.periods import Scheme, periods
from sheetnilai.report import MULTI_BOOK_SHEETS, tables, tables_many
from sheetnilai.rules.labels import Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.workbook.build import RecapLayout
from sheetnilai.workbook.layout import NILAI_COL, RECAP_SHEET, SkpLayout
from tests.support.libreoffice import convert, soffice

HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
          "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"]  # fmt: skip
KADIS = "197203151998031002"
AGUS = "198807222011011004"
RINA = "199001052015032001"
DEWI = "198512302010012005"
HENDRA = "199206182019031006"
ROSTER = [
    [KADIS, "Drs. Kepala Dinas", "Kepala Dinas", "JPT", "PNS", "", "Pembina Utama Muda (IV/c)",
     "Dinas Uji", "", "", ""],
    [AGUS, "Agus Uji", "Analis Monitoring", "Pelaksana", "PNS", "", "Penata Muda (III/a)",
     "Dinas Uji", KADIS, "", ""],
    [RINA, "Rina Uji", "Penyuluh", "Pelaksana", "PNS", "", "Pengatur (II/c)", "Dinas Uji", KADIS,
     "", ""],
    [DEWI, "Dewi Uji", "Pengelola Data", "Pelaksana", "PNS", "", "Penata (III/c)", "Dinas Uji",
     KADIS, "", ""],
    [HENDRA, "Hendra Uji", "Analis", "Pelaksana", "PNS", "", "Penata Muda (III/a)", "Dinas Uji",
     KADIS, "", ""],
]  # fmt: skip
KEYS = ("TW1", "TW2", "TW3", "TW4", "TAHUNAN")
# Per pegawai: IKI rows (iki, sifat, target, period targets or None, realisasi per period).
IKI = {
    AGUS: [
        ("Jumlah laporan monitoring", "Kumulatif", 4, None, (1, 1, 0, 2, None)),
        ("Persentase dokumen tepat waktu", "Tetap", 90, None, (85, 85, 85, 85, 85)),
    ],
    RINA: [
        ("Jumlah kegiatan penyuluhan", "Kumulatif", 24, (4, 8, 8, 4), (4, 8, 4, 4, 25)),
        ("Nilai IKM unit", "Tetap", 82, None, (None, None, 80, 83, 83)),
    ],
    KADIS: [("Persentase program tercapai", "Tetap", 100, None, (100,) * 5)],
    DEWI: [("Persentase data tanpa kesalahan", "Tetap", 100, None, (100,) * 5)],
    HENDRA: [("Persentase analisis selesai", "Tetap", 100, None, (100,) * 5)],
}
A, S, B = Rating.DI_ATAS.label, Rating.SESUAI.label, Rating.DI_BAWAH.label
# (hasil, perilaku) per period.
RATINGS = {
    AGUS: [(A, A), (S, S), (S, S), (S, S), (S, S)],
    RINA: [(S, S)] * 5,
    KADIS: [(S, S)] * 5,
    DEWI: [(S, S), (S, S), (B, S), (S, S), (S, S)],
    HENDRA: [(S, S), (S, S), (B, S), (S, S), (S, S)],
}
UNIT = "Dinas Uji.xlsx"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _fill(path: Path) -> dict[tuple[str, str, str], str]:
    """Fill the workbook; returns the realisasi cell (sheet, ref) per (nip, iki, period)."""
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    wb = openpyxl.load_workbook(path)
    titles = [t for t in wb.sheetnames if t[:2].isdigit()]
    cells: dict[tuple[str, str, str], str] = {}
    for title in titles:
        ws = wb[title]
        r, c = layout.identity_cells["peg_nip"]
        nip = ws.cell(r + 1, c + 1).value
        row = layout.hk_first_row + 1
        ws.cell(row, col["rhk"], "RHK uji")
        ws.cell(row, col["rhk_atasan"], "RHK uji")  # the Kepala Dinas' own RHK (cascading)
        for k, (iki, sifat, target, planned, reals) in enumerate(IKI[nip]):
            ws.cell(row + k, col["iki"], iki)
            ws.cell(row + k, col["target"], target)
            ws.cell(row + k, col["sifat"], sifat)
            for p, key in enumerate(KEYS):
                if planned is not None and key != "TAHUNAN":
                    ws.cell(row + k, col[f"target_periode@{key}"], planned[p])
                real = ws.cell(row + k, col[f"realisasi@{key}"], reals[p])
                cells[nip, iki, key] = f"{title}!{real.coordinate}"
                ws.cell(row + k, col[f"bukti@{key}"], "https://bukti.example/1")
                ws.cell(row + k, col[f"umpan_balik@{key}"], "lanjutkan")
        for k in range(7):
            for p in range(len(KEYS)):
                ws.cell(layout.pk_first_row + 1 + k, layout.period_col(p, "umpan_balik") + 1, "ok")
        for p, (hasil, perilaku) in enumerate(RATINGS[nip]):
            nr = layout.nilai_row(p) + 1
            ws.cell(nr, NILAI_COL["rating_hasil"] + 1, hasil)
            ws.cell(nr, NILAI_COL["rating_perilaku"] + 1, perilaku)
    recap = RecapLayout(len(layout.periods), len(titles))
    for p in range(len(KEYS)):
        wb[RECAP_SHEET].cell(recap.org_row + 1, recap.dist_col(p) + 1, "Baik")
    wb.save(path)
    return cells


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("tahun")
    roster = tmp / "daftar.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(ROSTER)
    made = tmp / "dibuat"
    code, _, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(made),
                       "--jobs", "1")  # fmt: skip
    assert code == 0, err
    (path,) = made.glob("*.xlsx")
    cells = _fill(path)
    folder = tmp / "masuk"
    if soffice() is not None:
        convert([path], folder)  # the values a calculating program stores
    else:
        folder.mkdir()
        (folder / path.name).write_bytes(path.read_bytes())
    return folder, roster, cells


def _rows(wb: openpyxl.Workbook, sheet: str, first: str) -> list[dict[str, object]]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and first in r)
    return [dict(zip(rows[at], r, strict=True)) for r in rows[at + 1 :] if any(r)]


def test_every_period_in_one_run(year, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, roster, cells = year
    book = tmp_path / "buku.xlsx"
    code, out, err = run("konsolidasi", str(folder), "--periode", "semua", "--roster",
                         str(roster), "--keluaran", str(book), "--jobs", "1")  # fmt: skip
    assert code == 3, err  # Rina's IKM has no realisasi in TW1 and TW2: galat
    wb = openpyxl.load_workbook(book)
    assert tuple(wb.sheetnames) == MULTI_BOOK_SHEETS
    hk = _rows(wb, "Hasil Kerja", "NIP")
    # Percent cells hold fractions in a percent format ("67%" is the cell 0.67).
    capaian = {
        (r["NIP"], r["IKI"], r["Periode"]): None if c is None else round(c * 100, 6)
        for r in hk
        for c in [r["Capaian (%)"]]
    }
    expected = {
        (AGUS, "Jumlah laporan monitoring"): (100, 100, 67, 100, 100),
        (AGUS, "Persentase dokumen tepat waktu"): (94,) * 5,
        (RINA, "Jumlah kegiatan penyuluhan"): (100, 100, 50, 100, 104),
        (RINA, "Nilai IKM unit"): (None, None, 98, 101, 101),
    }
    for (nip, iki), values in expected.items():
        assert tuple(capaian[nip, iki, k] for k in KEYS) == values, iki
    dinilai = {(r["IKI"], r["Periode"]): (r["Realisasi dinilai"], r["Target dinilai"]) for r in hk}
    assert dinilai["Jumlah laporan monitoring", "TW3"] == (2, 3)
    assert dinilai["Jumlah laporan monitoring", "TAHUNAN"] == (4, 4)
    assert dinilai["Jumlah kegiatan penyuluhan", "TW3"] == (4, 8)
    problems = _rows(wb, "Masalah", "Tingkat")
    codes = {(p["Kode"], p["Periode"], p["Sel"]) for p in problems}
    rina_annual = cells[RINA, "Jumlah kegiatan penyuluhan", "TAHUNAN"].split("!")[1]
    assert ("realisasi-tahunan-beda-jumlah", "TAHUNAN", rina_annual) in codes
    # The workbook's own formulas, recalculated by LibreOffice, agree with every score.
    if soffice() is not None:
        assert not [p for p in problems if p["Kode"] == "nilai-tersimpan-berbeda"]

    warnings = _rows(wb, "Peringatan Dini", "Jenis")
    found = {(w["Jenis"], w["Periode"], w["NIP"] or w["Unit Kerja"]) for w in warnings}
    assert found == {
        ("IKI tertinggal dari target", "TW3", AGUS),
        ("IKI tertinggal dari target", "TW3", RINA),
        ("IKI tanpa realisasi dua periode", "TW2", RINA),
        ("Predikat turun", "TW2", AGUS),
        ("Predikat turun", "TW3", DEWI),
        ("Predikat turun", "TW3", HENDRA),
        ("Kurva distribusi tidak sesuai dua periode", "TW2", "Dinas Uji"),
        ("Kurva distribusi tidak sesuai dua periode", "TAHUNAN", "Dinas Uji"),
    }
    behind = next(w for w in warnings if w["Jenis"] == "IKI tertinggal dari target"
                  and w["NIP"] == AGUS)  # fmt: skip
    assert f"{behind['Lembar']}!{behind['Sel']}" == cells[AGUS, "Jumlah laporan monitoring", "TW3"]
    assert behind["Berkas"] == UNIT and behind["Yang perlu dilakukan"]
    no_real = next(w for w in warnings if w["Jenis"] == "IKI tanpa realisasi dua periode")
    assert f"{no_real['Lembar']}!{no_real['Sel']}" == cells[RINA, "Nilai IKM unit", "TW2"]

    tren = {r["NIP"]: r for r in _rows(wb, "Tren", "NIP")}
    assert [tren[AGUS][f"Predikat {k}"] for k in KEYS] == [
        "Sangat Baik", "Baik", "Baik", "Baik", "Baik"]  # fmt: skip
    unit_rows = [r for r in _rows(wb, "Tren Unit", "Unit Kerja") if r["Unit Kerja"] == "Dinas Uji"]
    assert [r["Periode"] for r in unit_rows] == list(KEYS)
    assert [r["Status distribusi"] for r in unit_rows] == [
        "Tidak sesuai", "Tidak sesuai", "Sesuai", "Tidak sesuai", "Tidak sesuai"]  # fmt: skip
    assert "Peringatan dini (TW1, TW2, TW3, TW4, TAHUNAN): 8" in out


def test_one_run_gives_the_tables_of_separate_runs(year) -> None:  # type: ignore[no-untyped-def]
    folder, _, _ = year
    many = consolidate_periods(folder, KEYS, DEFAULT_POLICY, jobs=1)
    for result in many:
        alone = consolidate(folder, result.period, DEFAULT_POLICY, jobs=1)
        for got, want in zip(tables(result), tables(alone), strict=True):
            if got.sheet != "Metadata":  # its first rows hold the time of the run
                assert got.frame.equals(want.frame), (result.period, got.sheet)
    merged = {t.sheet: t.frame for t in tables_many(many)}
    for result in many:
        alone = {t.sheet: t.frame for t in tables(result)}
        rows = merged["Pegawai"][merged["Pegawai"]["Periode"] == result.period]
        assert rows.reset_index(drop=True).equals(alone["Pegawai"])
        ringkasan = merged["Ringkasan"][merged["Ringkasan"]["Periode"] == result.period]
        assert ringkasan.drop(columns="Periode").reset_index(drop=True).equals(alone["Ringkasan"])


def test_every_workbook_is_read_once_for_all_periods(year, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder, _, _ = year
    real = consolidate_module.read_book
    reads: list[Path] = []

    def counting(path: Path):  # type: ignore[no-untyped-def]
        reads.append(path)
        return real(path)

    monkeypatch.setattr(consolidate_module, "read_book", counting)
    results = consolidate_periods(folder, KEYS, DEFAULT_POLICY, jobs=1)
    assert len(results) == 5 and [p.name for p in reads] == [UNIT]


def test_a_period_target_without_an_iki_is_named(year, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    folder, _, cells = year
    copy = tmp_path / "masuk"
    shutil.copytree(folder, copy)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = layout.hk_keys.index("target_periode@TW2") + 1
    wb = openpyxl.load_workbook(copy / UNIT)
    sheet = cells[AGUS, "Jumlah laporan monitoring", "TW1"].split("!")[0]
    row = layout.hk_first_row + 10  # an empty IKI row
    wb[sheet].cell(row + 1, col, 3)
    wb.save(copy / UNIT)
    result = consolidate(copy, "TW2", DEFAULT_POLICY, jobs=1)
    found = [(p.code, p.sheet, p.cell) for p in result.all_problems if p.code == "target-tanpa-iki"]
    # Named at the row's IKI cell, where the missing IKI belongs.
    iki = openpyxl.utils.get_column_letter(layout.hk_keys.index("iki") + 1) + str(row + 1)
    assert found == [("target-tanpa-iki", sheet, iki)]


def test_period_options_are_checked_before_the_work(year, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, _, _ = year
    book = tmp_path / "b.xlsx"
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--periode", "TW9",
                       "--keluaran", str(book))  # fmt: skip
    assert code == 1 and 'Periode "TW9" tidak dikenal' in err and not book.exists()
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--periode", "tw2",
                       "--keluaran", str(book), "--senyap", "--jobs", "1")  # fmt: skip
    assert code == 3, err
    meta = {
        r[0]: r[1] for r in openpyxl.load_workbook(book)["Metadata"].iter_rows(values_only=True)
    }
    assert meta["Periode"] == "TW1, TW2"
