"""Pengembangan, Rencana Pengembangan, Talenta and Kotak Talenta from a real consolidated
folder: unit workbooks made by `sheetnilai templat buat` from a roster with a Potensial
column, filled for TW1 and TW2 with openpyxl as pegawai and atasan would, consolidated
through the CLI, and the score book read back. Expected rows are written from the fill
below and domain.md §2.14, not from the code's output."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import EXIT_DATA_ERRORS, cli
from sheetnilai.consolidate import Consolidation
from sheetnilai.errors import SheetnilaiError
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import read_roster
from sheetnilai.rules.labels import Predikat, Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.rules.talenta import Potensial
from sheetnilai.talenta_report import needs, read_potensial, talent_rows
from sheetnilai.validate import PegawaiResult, UnitResult
from sheetnilai.workbook.layout import NILAI_COL, SkpLayout

HEADER = [
    "NIP",
    "Nama",
    "Jabatan",
    "Jenis Jabatan",
    "Status",
    "Jenjang",
    "Pangkat/Golongan",
    "Unit Kerja",
    "NIP Pejabat Penilai",
    "NIP Atasan Pejabat Penilai",
    "Potensial",
]
KADIS = "197203151998031002"
AGUS = "198807222011011004"
RINA = "199001052015032001"
DEWI = "198512302010012005"
CAMAT = "197911092005012007"
ROSTER = [
    [KADIS, "Drs. Kepala Dinas", "Kepala Dinas", "JPT", "PNS", "", "Pembina Utama Muda (IV/c)",
     "Dinas Uji", "", "", "Tinggi"],
    [AGUS, "Agus Uji", "Perawat Ahli Pertama", "Fungsional", "PNS", "Ahli Pertama",
     "Penata Muda (III/a)", "Dinas Uji", KADIS, "", "sedang"],
    [RINA, "Rina Uji", "Pengelola Data", "Pelaksana", "PNS", "", "Pengatur (II/c)",
     "Dinas Uji", KADIS, "", ""],
    [DEWI, "Dewi Uji", "Apoteker Ahli Muda", "Fungsional", "PNS", "Ahli Muda",
     "Penata (III/c)", "Dinas Uji", KADIS, "", "Luar biasa"],
    [CAMAT, "Camat Uji", "Camat", "Administrator", "PNS", "", "Pembina (IV/a)",
     "Kecamatan Uji", KADIS, "", "Rendah"],
]  # fmt: skip
A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
ASPECTS = ("Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal", "Adaptif",
           "Kolaboratif")  # fmt: skip
# Per pegawai: one IKI (target, realisasi TW1, realisasi TW2), ratings (hasil, perilaku) for
# TW1 and TW2, and umpan balik per aspect (same both periods; "baik" where not given).
FILL = {
    KADIS: ((100, 90, 95), ((A, A), (A, A)), {}),  # SB, SB; behind twice
    AGUS: ((100, 100, 100), ((S, S), (S, S)), {}),  # Baik, Baik
    RINA: ((100, 80, 100), ((B, B), (B, B)), {}),  # Sangat Kurang; behind in TW1 only
    DEWI: (
        (100, 100, 100),
        ((S, S), (S, S)),
        {
            0: "Kecepatan layanan perlu ditingkatkan",
            2: "Kurangnya buku referensi",
            6: "Masih belum aktif dalam rapat tim",
        },
    ),
    CAMAT: ((100, 70, 60), ((S, S), (B, S)), {}),  # Baik, Butuh Perbaikan; behind twice
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path) -> None:
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    wb = openpyxl.load_workbook(path)
    for title in (t for t in wb.sheetnames if t[:2].isdigit()):
        ws = wb[title]
        r, c = layout.identity_cells["peg_nip"]
        nip = ws.cell(r + 1, c + 1).value
        (target, tw1, tw2), ratings, feedback = FILL[nip]
        row = layout.hk_first_row + 1
        ws.cell(row, col["rhk"], "RHK uji")
        ws.cell(row, col["rhk_atasan"], "RHK uji")
        ws.cell(row, col["iki"], f"IKI {nip[-4:]}")
        ws.cell(row, col["target"], target)
        ws.cell(row, col["arah"], "Semakin tinggi semakin baik")
        for k, (period, value) in enumerate((("TW1", tw1), ("TW2", tw2))):
            ws.cell(row, col[f"realisasi@{period}"], value)
            ws.cell(row, col[f"bukti@{period}"], "http://bukti")
            ws.cell(row, col[f"umpan_balik@{period}"], "lanjutkan")
            for a in range(7):
                ws.cell(layout.pk_first_row + 1 + a, layout.period_col(k, "umpan_balik") + 1,
                        feedback.get(a, "baik"))  # fmt: skip
            nr = layout.nilai_row(k) + 1
            hasil, perilaku = ratings[k]
            ws.cell(nr, NILAI_COL["rating_hasil"] + 1, hasil.label)
            ws.cell(nr, NILAI_COL["rating_perilaku"] + 1, perilaku.label)
    wb.save(path)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("talenta")
    roster = tmp / "daftar.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(ROSTER)
    made = tmp / "masuk"
    code, _, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(made),
                       "--jobs", "1")  # fmt: skip
    assert code == 0, err
    for path in made.glob("*.xlsx"):
        fill(path)
    return made, roster


def rows(path: Path, sheet: str, first: str) -> list[dict[str, object]]:
    """The data rows of a score-book sheet, keyed by header (the header row holds `first`)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(k for k, r in enumerate(values) if r and r[0] == first)
    header = values[start]
    return [dict(zip(header, r, strict=False)) for r in values[start + 1 :] if any(r)]


@pytest.fixture(scope="module")
def book(source: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, roster = source
    out = tmp_path_factory.mktemp("buku") / "buku.xlsx"
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--periode", "TW2",
                       "--roster", str(roster), "--keluaran", str(out), "--jobs", "1")  # fmt: skip
    assert code in (0, EXIT_DATA_ERRORS), err
    return out


def test_roster_potensial_column_and_invalid_value(source: tuple[Path, Path]) -> None:
    roster = read_roster(source[1])
    got = {p.nip: p.potensial for p in roster.pegawai}
    assert got == {KADIS: Potensial.TINGGI, AGUS: Potensial.MENENGAH, RINA: None, DEWI: None,
                   CAMAT: Potensial.RENDAH}  # fmt: skip
    [bad] = [p for p in roster.problems if p.code == "roster-potensial-tidak-sah"]
    assert (bad.row, bad.cell, bad.nip, bad.severity.value) == (5, "K5", DEWI, "peringatan")
    assert '"Luar biasa"' in bad.message and "Rendah, Menengah, Tinggi" in bad.message


def test_sheets_are_in_the_book(book: Path) -> None:
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    i = names.index("Belum Masuk")
    assert names[i + 1 : i + 6] == ["Pengembangan", "Rencana Pengembangan", "Talenta",
                                    "Kotak Talenta", "Metadata"]  # fmt: skip


def test_talenta_boxes_and_candidates(book: Path) -> None:
    got = {r["NIP"]: r for r in rows(book, "Talenta", "Unit Kerja")}
    assert set(got) == {KADIS, AGUS, RINA, DEWI, CAMAT}
    assert all(isinstance(n, str) for n in got)  # NIP as text
    # Latest predikat → kinerja (default mapping); potensial from the roster; domain.md box.
    expect = {
        KADIS: ("Di Atas Ekspektasi", "Tinggi", 9, "Promosi"),
        AGUS: ("Sesuai Ekspektasi", "Menengah", 5, None),
        RINA: ("Di Bawah Ekspektasi", None, None, None),
        DEWI: ("Sesuai Ekspektasi", None, None, None),
        CAMAT: ("Di Bawah Ekspektasi", "Rendah", 1, "Pengembangan"),
    }
    for nip, (kinerja, pot, kotak, kandidat) in expect.items():
        r = got[nip]
        assert (r["Kinerja"], r["Potensial"], r["Kotak"], r["Kandidat"]) == (
            kinerja, pot, kotak, kandidat), nip  # fmt: skip
    assert got[KADIS]["Predikat per periode"] == "TW1 Sangat Baik; TW2 Sangat Baik"
    assert "kotak kosong: potensial kosong atau tidak sah" in str(got[RINA]["Keterangan"])
    assert "kotak kosong: potensial kosong atau tidak sah" in str(got[DEWI]["Keterangan"])
    assert got[AGUS]["Keterangan"] is None
    grid = rows(book, "Kotak Talenta", "Kinerja")
    assert [[r["Kinerja"], r["Rendah"], r["Menengah"], r["Tinggi"]] for r in grid] == [
        ["Di Atas Ekspektasi", 0, 0, 1],
        ["Sesuai Ekspektasi", 0, 1, 0],
        ["Di Bawah Ekspektasi", 1, 0, 0],
    ]
    assert [r["Nomor kotak (Rendah / Menengah / Tinggi)"] for r in grid] == [
        "4 / 7 / 9", "2 / 5 / 8", "1 / 3 / 6"]  # fmt: skip
    assert len(openpyxl.load_workbook(book)["Kotak Talenta"]._charts) == 1


def test_pengembangan_rows(book: Path) -> None:
    got = rows(book, "Pengembangan", "Unit Kerja")
    needs = sorted((r["NIP"], r["Kebutuhan"]) for r in got)
    # Rina: perilaku Di Bawah Ekspektasi → every aspect with feedback (all seven). Dewi: the
    # aspects whose feedback holds a cue ("kurangnya" is none). Kadis and Camat: their IKI
    # behind target in TW1 and TW2; Rina's only in TW1.
    assert needs == sorted(
        [(RINA, f"Perilaku: {a}") for a in ASPECTS]
        + [(DEWI, "Perilaku: Berorientasi Pelayanan"), (DEWI, "Perilaku: Kolaboratif")]
        + [(KADIS, f"Hasil kerja: IKI {KADIS[-4:]}"), (CAMAT, f"Hasil kerja: IKI {CAMAT[-4:]}")]
    )
    by = {(r["NIP"], r["Kebutuhan"]): r for r in got}
    kadis = by[(KADIS, f"Hasil kerja: IKI {KADIS[-4:]}")]
    assert kadis["Bukti"] == "Capaian TW1 90%; TW2 95% (batas 100%)"
    assert str(kadis["Sel"]).endswith(str(SkpLayout(periods(Scheme.TRIWULAN)).hk_first_row + 1))
    dewi = by[(DEWI, "Perilaku: Berorientasi Pelayanan")]
    assert "perlu ditingkatkan" in str(dewi["Bukti"]) and "TW2" in str(dewi["Bukti"])
    assert str(dewi["Saran pengembangan"]).startswith("Pelatihan pelayanan prima")
    plan = rows(book, "Rencana Pengembangan", "Kelompok")
    per_need = {r["Nama"]: (r["Kebutuhan"], r["Pegawai"]) for r in plan
                if r["Kelompok"] == "Per kebutuhan"}  # fmt: skip
    assert per_need["Hasil kerja"] == (2, 2)
    assert per_need["Perilaku: Berorientasi Pelayanan"] == (2, 2)
    assert per_need["Perilaku: Akuntabel"] == (1, 1)
    per_unit = {r["Nama"]: (r["Kebutuhan"], r["Pegawai"]) for r in plan
                if r["Kelompok"] == "Per unit kerja"}  # fmt: skip
    assert per_unit == {"Dinas Uji": (10, 3), "Kecamatan Uji": (1, 1)}


def test_single_period_and_alternative_policy(source: tuple[Path, Path], tmp_path: Path) -> None:
    folder, roster = source
    policy = tmp_path / "sheetnilai.toml"
    policy.write_text(
        '[talenta]\nkinerja = { "Baik" = "di-atas" }\nkotak_promosi = [7]\n'
        "[pengembangan]\nbatas_capaian = 80\n",
        encoding="utf-8",
    )
    out = tmp_path / "buku.xlsx"
    code, _, err = run(
        "konsolidasi",
        str(folder),
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--kebijakan",
        str(policy),
        "--keluaran",
        str(out),
        "--jobs",
        "1",
    )
    assert code in (0, EXIT_DATA_ERRORS), err
    got = {r["NIP"]: r for r in rows(out, "Talenta", "Unit Kerja")}
    # Baik → Di Atas: Agus (Menengah) is box 7, a promotion candidate under this policy.
    assert (got[AGUS]["Kinerja"], got[AGUS]["Kotak"], got[AGUS]["Kandidat"]) == (
        "Di Atas Ekspektasi", 7, "Promosi")  # fmt: skip
    # One period: Sangat Baik once is no run of two; box 9 is no promotion box here.
    assert (got[KADIS]["Kotak"], got[KADIS]["Kandidat"]) == (9, None)
    needs = {(r["NIP"], r["Jenis"]) for r in rows(out, "Pengembangan", "Unit Kerja")}
    # Below 80%: Camat (70) only; Kadis (90) and Rina (80) are not behind this threshold.
    assert {n for n, j in needs if j == "Hasil kerja"} == {CAMAT}


def test_potensial_file_overrides_the_roster(source: tuple[Path, Path], tmp_path: Path) -> None:
    folder, roster = source
    assessed = tmp_path / "asesmen.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIP", "Potensial"])
    ws.append([DEWI, "Tinggi"])
    ws.append([KADIS, "rendah"])
    wb.save(assessed)
    out = tmp_path / "buku.xlsx"
    code, _, err = run(
        "konsolidasi",
        str(folder),
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--potensial",
        str(assessed),
        "--keluaran",
        str(out),
        "--jobs",
        "1",
    )
    assert code in (0, EXIT_DATA_ERRORS), err
    got = {r["NIP"]: r for r in rows(out, "Talenta", "Unit Kerja")}
    assert (got[DEWI]["Potensial"], got[DEWI]["Kotak"]) == ("Tinggi", 8)
    assert (got[KADIS]["Potensial"], got[KADIS]["Kotak"]) == ("Rendah", 4)
    assert got[AGUS]["Potensial"] == "Menengah"  # the roster's, where the file is silent


@pytest.mark.parametrize(
    ("lines", "row", "fragment"),
    [
        (["NIP;Potensial", f"{DEWI};Tinggi", f"{KADIS};Istimewa"], 3, '"Istimewa"'),
        (["NIP,Potensial", "1234,Tinggi"], 2, '"1234" terdiri atas 4 digit'),
        (["Pegawai,Nilai", f"{DEWI},Tinggi"], 1, "judul kolom NIP dan Potensial"),
    ],
)
def test_bad_potensial_file_stops_the_run_naming_the_row(
    source: tuple[Path, Path], tmp_path: Path, lines: list[str], row: int, fragment: str
) -> None:
    folder, roster = source
    assessed = tmp_path / "asesmen.csv"
    assessed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(
        "konsolidasi",
        str(folder),
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--potensial",
        str(assessed),
        "--keluaran",
        str(tmp_path / "b.xlsx"),
    )
    assert code == 1
    assert 'Berkas potensial "' in err and f'asesmen.csv" baris {row}:' in err
    assert fragment in err
    assert not (tmp_path / "b.xlsx").exists()


_UTF16_JUNK = ("NIP\tPotensial\r\n" + f"{DEWI}\tTinggi\r\n{KADIS}\tIstimewa\r\n").encode("utf-16")
# Junk an assessment file arrives as; each must stop the run with one line naming the file
# (and the row, where there is one), never a traceback.
JUNK_FILES = [
    # Excel's "Teks Unicode": UTF-16 with a BOM, tab-separated; read, so row 3 is reached.
    ("asesmen.txt", _UTF16_JUNK, 'asesmen.txt" baris 3:', '"Istimewa"'),
    # UTF-16 cut mid-character.
    ("asesmen.csv", _UTF16_JUNK[:-1], 'asesmen.csv":', "rusak atau terpotong"),
    ("asesmen.xlsx", b"bukan berkas zip", 'asesmen.xlsx":', "bukan Buku Kerja Excel"),
    # One column: no delimiter to sniff; read with ",", so the Potensial header is missing.
    ("asesmen.csv", f"NIP\n{DEWI}\n".encode(), 'asesmen.csv" baris 1:', "judul kolom"),
    ("asesmen.csv", b"", 'asesmen.csv":', "berkas kosong"),
    ("asesmen.csv", b"\n \n", 'asesmen.csv":', "berkas kosong"),
    # A number-formatted NIP has lost its last digits: refused with advice, not rounded.
    ("asesmen.csv", b"NIP,Potensial\n1.97203151998031E+17,Tinggi\n", 'asesmen.csv" baris 2:',
     "format sel menjadi Teks"),
    # The same NIP twice with different potensial: both rows named.
    ("asesmen.csv", f"NIP;Potensial\n{DEWI};Tinggi\n{AGUS};Rendah\n{DEWI};rendah\n".encode(),
     'asesmen.csv" baris 4:', "Tinggi di baris 2, di sini Rendah"),
]  # fmt: skip


@pytest.mark.parametrize("command", ["konsolidasi", "sinkron"])
@pytest.mark.parametrize(("name", "data", "place", "fragment"), JUNK_FILES)
def test_junk_potensial_file_is_one_indonesian_line(
    source: tuple[Path, Path],
    tmp_path: Path,
    command: str,
    name: str,
    data: bytes,
    place: str,
    fragment: str,
) -> None:
    folder, roster = source
    assessed = tmp_path / name
    assessed.write_bytes(data)
    out = tmp_path / "hasil"
    if command == "konsolidasi":
        args = [str(folder), "--periode", "TW1", "--keluaran", str(out / "b.xlsx")]
    else:
        args = ["--sumber", str(folder), "--periode", "TW1", "--keluaran", str(out),
                "--penyimpanan", str(tmp_path / "s.sqlite"), "--sekali", "--jobs", "1"]  # fmt: skip
    code, _, err = run(command, *args, "--roster", str(roster), "--potensial", str(assessed))
    assert code == 1, err
    [line] = err.strip().splitlines()
    assert line.startswith('Galat: Berkas potensial "') and place in line, line
    assert fragment in line
    assert not out.exists()


def test_potensial_file_encodings_and_layouts(tmp_path: Path) -> None:
    rows = [("NIP", "Potensial"), (DEWI, "Tinggi"), ("19720315 199803 1 002", "rendah"),
            (DEWI, "tinggi")]  # fmt: skip
    want = {DEWI: "Tinggi", KADIS: "Rendah"}  # spaced NIP compacted; same value twice is fine
    for encoding, sep in [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"),
                          ("utf-16-be", "\t")]:  # fmt: skip
        text = "\r\n".join(sep.join(r) for r in rows) + "\r\n"
        path = tmp_path / f"asesmen-{encoding}.csv"
        data = text.encode(encoding)
        path.write_bytes(("\ufeff".encode(encoding) if encoding == "utf-16-be" else b"") + data)
        assert read_potensial(path) == want, encoding


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p / "tidak-ada.csv", 'tidak-ada.csv": berkas tidak ditemukan'),
        (lambda p: p, "bukan berkas"),
    ],
)
def test_potensial_path_that_is_no_file(
    source: tuple[Path, Path], tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    with pytest.raises(SheetnilaiError) as info:
        read_potensial(make(tmp_path))
    assert info.value.message_id == "potensial-berkas-tidak-sah"
    assert fragment in info.value.message
    # Through the command: the same one line, not a usage error.
    folder, roster = source
    out = tmp_path / "hasil"
    code, _, err = run("konsolidasi", str(folder), "--periode", "TW1", "--keluaran",
                       str(out / "b.xlsx"), "--roster", str(roster),
                       "--potensial", str(make(tmp_path)))  # fmt: skip
    assert code == 1, err
    [line] = err.strip().splitlines()
    assert line.startswith('Galat: Berkas potensial "') and fragment in line, line
    assert not out.exists()


def test_number_formatted_nip_in_a_workbook_is_refused_not_rounded(tmp_path: Path) -> None:
    assessed = tmp_path / "asesmen.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["NIP", "Potensial"])
    wb.active.append([int(DEWI), "Tinggi"])  # what Excel keeps: a number, 15 digits exact
    wb.save(assessed)
    with pytest.raises(SheetnilaiError) as info:
        read_potensial(assessed)
    assert 'asesmen.xlsx" baris 2: NIP tersimpan sebagai angka' in info.value.message


def test_sinkron_publishes_talenta_with_the_potensial_file(
    source: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, roster = source
    assessed = tmp_path / "asesmen.csv"
    assessed.write_text(f"NIP,Potensial\n{RINA},Tinggi\n", encoding="utf-8")
    code, _, err = run("sinkron", "--sumber", str(folder), "--periode", "TW1", "--periode",
                       "TW2", "--keluaran", str(tmp_path / "hasil"), "--penyimpanan",
                       str(tmp_path / "s.sqlite"), "--roster", str(roster), "--potensial",
                       str(assessed), "--sekali", "--jobs", "1")  # fmt: skip
    assert code in (0, EXIT_DATA_ERRORS), err
    (latest,) = (tmp_path / "hasil").glob("buku-nilai-*-terbaru.xlsx")
    got = {r["NIP"]: r for r in rows(latest, "Talenta", "Unit Kerja")}
    # Rina: Sangat Kurang → Di Bawah; Tinggi from the file → box 6 (domain.md §2.14).
    assert (got[RINA]["Kinerja"], got[RINA]["Potensial"], got[RINA]["Kotak"]) == (
        "Di Bawah Ekspektasi", "Tinggi", 6)  # fmt: skip
    assert (got[KADIS]["Kotak"], got[KADIS]["Kandidat"]) == (9, "Promosi")
    needs = {(r["NIP"], r["Jenis"]) for r in rows(latest, "Pengembangan", "Unit Kerja")}
    assert (KADIS, "Hasil kerja") in needs and (DEWI, "Perilaku") in needs


# --- rows from consolidations assembled directly (cases a folder would take long to build) ---


def _peg(nip: str, unit: str, period: str, **kw: object) -> PegawaiResult:
    base = dict(unit=unit, file=f"{unit}.xlsx", sheet="01 Uji", nip=nip, nama="Uji",
                jabatan="Analis", jenis_jabatan="Pelaksana", status="PNS", jenjang="",
                pangkat="", penilai_nip="", penilai_nama="", period=period)  # fmt: skip
    return PegawaiResult(**{**base, **kw})  # type: ignore[arg-type]


def _run(period: str, *pegawai: PegawaiResult) -> Consolidation:
    c = Consolidation("masuk", period, DEFAULT_POLICY, dt.datetime(2026, 7, 1))
    units: dict[str, UnitResult] = {}
    for p in pegawai:
        units.setdefault(p.unit, UnitResult(p.file, p.unit, "", (period,))).pegawai.append(p)
    c.units = list(units.values())
    return c


def test_moved_pegawai_keeps_one_history_and_gaps_are_explained() -> None:
    tw1 = _run("TW1", _peg(AGUS, "Dinas A", "TW1", predikat=Predikat.SANGAT_BAIK),
               _peg(RINA, "Dinas A", "TW1"))  # fmt: skip
    tw2 = _run("TW2", _peg(AGUS, "Dinas B", "TW2", predikat=Predikat.SANGAT_BAIK),
               _peg(RINA, "Dinas A", "TW2", rating_perilaku=Rating.DI_BAWAH))  # fmt: skip
    rows_ = {r["NIP"]: r for r in talent_rows([tw1, tw2])}
    assert len(rows_) == 2
    agus = rows_[AGUS]
    assert agus["Unit Kerja"] == "Dinas B"  # the latest unit
    assert agus["Predikat per periode"] == "TW1 Sangat Baik; TW2 Sangat Baik"
    assert (agus["Kotak"], agus["Kandidat"]) == (None, "Promosi")
    rina = rows_[RINA]
    assert rina["Kinerja"] is None and rina["Kotak"] is None
    assert "belum ada predikat" in str(rina["Keterangan"])
    # Di Bawah Ekspektasi with no umpan balik per aspect at all: one row for every aspect.
    [need] = needs([tw1, tw2])
    assert (need["NIP"], need["Kebutuhan"]) == (RINA, "Perilaku: seluruh aspek")
