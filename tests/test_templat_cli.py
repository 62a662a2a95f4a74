"""`sheetnilai templat buat/kosong` end to end: files, refusals, bad rosters, atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import EXIT_DATA_ERRORS, cli
from sheetnilai.cli.common import print_roster_problems, write_roster_problems
from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import atomic_path
from sheetnilai.problems import Problem
from sheetnilai.workbook.generate import file_names
from sheetnilai.workbook.layout import META_SHEET, RECAP_SHEET
from tests.support.libreoffice import convert, soffice

HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
          "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"]  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_contoh_makes_one_workbook_per_unit(tmp_path: Path) -> None:
    out = tmp_path / "unit"
    code, stdout, _ = run("templat", "buat", "--contoh", "--tahun", "2026", "--keluaran", str(out),
                          "--jobs", "1")  # fmt: skip
    assert code == 0, stdout
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == 12
    assert stdout.splitlines()[-1] == "Selesai: 12 workbook, 300 lembar SKP pegawai."
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
    wb = openpyxl.load_workbook(out / "Dinas Kesehatan.xlsx", read_only=True)
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(max_row=7, values_only=True)}
    assert (
        meta["unit"] == "Dinas Kesehatan" and meta["tahun"] == 2026 and meta["skema"] == "triwulan"
    )
    assert wb.sheetnames[0] == "Petunjuk" and RECAP_SHEET in wb.sheetnames


def test_existing_workbooks_are_never_overwritten_silently(tmp_path: Path) -> None:
    out = tmp_path / "unit"
    assert run("templat", "buat", "--contoh", "--keluaran", str(out), "--jobs", "1")[0] == 0
    target = out / "Dinas Sosial.xlsx"
    target.write_bytes(b"isi milik unit")
    code, _, err = run("templat", "buat", "--contoh", "--keluaran", str(out))
    assert code == 1 and "Traceback" not in err
    assert re.search(r"Galat: 12 workbook unit sudah ada di folder .*--timpa", err)
    assert target.read_bytes() == b"isi milik unit"
    code, _, _ = run(
        "templat", "buat", "--contoh", "--keluaran", str(out), "--timpa", "--jobs", "1"
    )
    assert code == 0 and target.read_bytes()[:2] == b"PK"


def _write_roster(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)


BAD_ROSTER = [
    # A JPT with an apostrophe, penilai outside the roster (allowed, a note).
    ["197203151998031002", "Drs. Yohanes D'Costa, M.Si.", "Kepala Dinas", "JPT", "PNS", "",
     "Pembina Utama Muda (IV/c)", "Dinas Sosial/PMD: \"Uji\"", "196805121994031003", "", ""],
    ["198005202005012003", "Ni Luh Putu Ayu Anastasia Kusumawardhani Wijayakusuma", "Sekretaris",
     "Administrator", "PNS", "", "Pembina (IV/a)", "Dinas Sosial/PMD: \"Uji\"",
     "197203151998031002", "", ""],
    # Duplicate NIP: the second row is left out.
    ["198005202005012003", "Ganda", "Staf", "Pelaksana", "PNS", "", "Penata (III/c)",
     "Dinas Sosial/PMD: \"Uji\"", "197203151998031002", "", ""],
    # NIP typed as a number and saved in E-notation.
    ["1.99001012015031E+17", "Angka", "Staf", "Pelaksana", "PNS", "", "Pengatur (II/c)",
     "Dinas Sosial/PMD: \"Uji\"", "198005202005012003", "", ""],
    # A cycle: A rated by B, B rated by A.
    ["199001012015031004", "Siklus A", "Staf", "Pelaksana", "PNS", "", "Pengatur (II/c)",
     "Unit [Siklus]", "199205102019022001", "", ""],
    ["199205102019022001", "Siklus B", "Analis Ahli Pertama", "Fungsional", "PNS", "Ahli Pertama",
     "Penata Muda (III/a)", "Unit [Siklus]", "199001012015031004", "", ""],
]  # fmt: skip


def test_roster_problems_are_reported_and_never_break_a_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    roster = tmp_path / "daftar.csv"
    _write_roster(roster, BAD_ROSTER)
    out = tmp_path / "unit"
    args = [
        "templat",
        "buat",
        str(roster),
        "--tahun",
        "2026",
        "--keluaran",
        str(out),
        "--jobs",
        "1",
    ]
    code, _, err = run(*args)
    assert code == EXIT_DATA_ERRORS
    assert "daftar.csv › A4 (NIP 198005202005012003, Ganda)" in err
    assert re.search(r"\[galat\] daftar\.csv › A5 .*NIP tersimpan sebagai angka", err)
    assert "Siklus A" in err and "Siklus B" in err
    assert "Jumlah masalah per kode:" not in err  # few problems: all printed, no list file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daftar.csv", "unit"]
    files = sorted(p.name for p in out.glob("*.xlsx"))
    assert files == ["Dinas Sosial-PMD- -Uji-.xlsx", "Unit [Siklus].xlsx"]
    wb = openpyxl.load_workbook(out / files[0])
    titles = [t for t in wb.sheetnames if t[:2].isdigit()]
    assert titles == ["01 Drs. Yohanes D'Costa, M.Si.", "02 Ni Luh Putu Ayu Anastasia Ku"]
    assert all(len(t) <= 31 for t in titles)
    if soffice() is not None:
        outputs = convert([out / f for f in files], tmp_path / "lo")
        for path in outputs:
            book = openpyxl.load_workbook(path, data_only=True)
            bad = [
                f"{ws.title}!{c.coordinate}"
                for ws in book.worksheets
                for row in ws.iter_rows()
                for c in row
                if isinstance(c.value, str) and re.match(r"^(#[A-Z/]+[!?0]|Err:)", c.value)
            ]
            assert bad == [], path.name


def test_empty_roster_is_a_one_line_error(tmp_path: Path) -> None:
    roster = tmp_path / "kosong.csv"
    _write_roster(roster, [])
    code, _, err = run("templat", "buat", str(roster), "--keluaran", str(tmp_path / "o"))
    assert code == 1
    assert err.splitlines()[-1].startswith("Galat: Tidak ada pegawai yang dapat dipakai")
    assert not (tmp_path / "o").exists()


def test_needs_exactly_one_roster_source(tmp_path: Path) -> None:
    code, _, err = run("templat", "buat")
    assert code == 1 and err.startswith("Galat: Sebutkan satu sumber daftar pegawai")


def test_kosong_writes_the_blank_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "templat.xlsx"
    assert run("templat", "kosong", str(target), "--skema", "semester")[0] == 0
    wb = openpyxl.load_workbook(target)
    assert [c.value for c in wb["01 Pegawai"][21]][13] == "realisasi@S1"
    code, _, err = run("templat", "kosong", str(target))
    assert code == 1 and "sudah ada dan tidak ditimpa" in err


def test_atomic_path_leaves_the_target_untouched_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "buku.xlsx"
    target.write_bytes(b"lama")
    with pytest.raises(RuntimeError), atomic_path(target, overwrite=True) as tmp:
        tmp.write_bytes(b"setengah")
        raise RuntimeError("putus")
    assert target.read_bytes() == b"lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buku.xlsx"]
    with pytest.raises(SheetnilaiError) as info, atomic_path(target):
        pass
    assert info.value.message_id == "berkas-sudah-ada"
    with atomic_path(tmp_path / "baru.xlsx") as tmp:
        tmp.write_bytes(b"baru")
    assert (tmp_path / "baru.xlsx").read_bytes() == b"baru"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "baru.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask  # not owner-only


def test_real_subprocess(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sheetnilai", "templat", "buat", "--contoh", "--tahun", "2027",
         "--skema", "semester", "--keluaran", str(tmp_path / "o")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Membuat workbook semester 2027 untuk 12 unit" in proc.stdout
    assert len(list((tmp_path / "o").glob("*.xlsx"))) == 12


# Unit names whose plain file name a reader would take for a lock file (~$…, .~lock.…#), a
# hidden or temporary file (.…), or a path step (..). Every NIP is invented.
RISKY_UNITS = [
    ("~$Dinas Rahasia", "196805121994031003", "199001012015031004"),
    (".Bagian Tersembunyi", "197203151998031002", "199205102019022001"),
    ("..", "198005202005012003", "199403032023212005"),
    ("Dinas A..B", "197911302006041001", "198807222011011004"),
    (".~lock.Kantor Camat#", "199001052015032001", "198512302010012005"),
    ("Dinas Sosial", "199206182019031006", "197911092005012007"),
    (". Dinas Sosial", "198204102006042003", "199103152019031002"),
    ("~$", "197001012000031001", "199502022020122002"),  # and ".." above: both "unit-kerja"
]


def test_file_names_stay_distinct_and_never_take_another_unit_s_name() -> None:
    units = ["A", ".A", "A (2)", "a", "~$A", "Dinas..Sosial", "Dinas.Sosial"]
    assert file_names(units) == [
        "A.xlsx",
        "A (3).xlsx",  # "A (2)" belongs to the unit of that name
        "A (2).xlsx",
        "a (4).xlsx",  # folders on Windows and macOS ignore case
        "A (5).xlsx",
        "Dinas.Sosial.xlsx",
        "Dinas.Sosial (2).xlsx",
    ]
    assert file_names(["Unit"], ".xlsm") == ["Unit.xlsm"]


def test_every_workbook_templat_buat_writes_is_consolidated(tmp_path: Path) -> None:
    rows = []
    for unit, head, staff in RISKY_UNITS:
        rows.append([head, f"Kepala {unit}", "Kepala", "Administrator", "PNS", "",
                     "Pembina (IV/a)", unit, "", "", ""])  # fmt: skip
        rows.append([staff, f"Staf {unit}", "Staf", "Pelaksana", "", "", "Pengatur (II/c)",
                     unit, head, "", ""])  # fmt: skip
    roster = tmp_path / "daftar.csv"
    _write_roster(roster, rows)
    out = tmp_path / "unit"
    code, stdout, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran",
                            str(out), "--jobs", "1")  # fmt: skip
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(RISKY_UNITS)
    for name in names:
        assert not name.startswith(("~$", ".")) and ".." not in name, name
    # Still recognisable: each name keeps the unit's words.
    assert "Dinas Rahasia.xlsx" in names and "Bagian Tersembunyi.xlsx" in names
    assert any(n.startswith("Dinas A") and n.endswith("B.xlsx") for n in names)
    assert sum(n.startswith("Dinas Sosial") for n in names) == 2
    assert f"{len(RISKY_UNITS)} workbook" in stdout.splitlines()[-1]

    book = tmp_path / "buku.xlsx"
    data = tmp_path / "tabel"
    code, _, err = run("konsolidasi", str(out), "--periode", "TW1", "--roster", str(roster),
                       "--keluaran", str(book), "--data", str(data), "--jobs", "1",
                       "--senyap")  # fmt: skip
    assert code in (0, EXIT_DATA_ERRORS), err
    with (data / "ringkasan.csv").open(encoding="utf-8-sig", newline="") as fh:
        ringkasan = list(csv.DictReader(fh))
    units = {r["Unit Kerja"]: r for r in ringkasan if r["Unit Kerja"] != "JUMLAH INSTANSI"}
    assert sorted(units) == sorted(u for u, _, _ in RISKY_UNITS)
    assert all(r["Lembar SKP"] == "2" for r in units.values())
    with (data / "masalah.csv").open(encoding="utf-8-sig", newline="") as fh:
        codes = {r["Kode"] for r in csv.DictReader(fh)}
    # Nor does a file name two odd units share ("unit-kerja") point to either of them.
    assert not codes & {"berkas-kunci-dilewati", "unit-belum-masuk", "unit-tidak-di-daftar",
                        "unit-berbeda-nama-berkas", "unit-berbeda"}  # fmt: skip


def _fictional_nip(i: int) -> str:
    """A distinct NIP per i < 999 × 10000 that follows the layout: birth date, TMT at 22, sex,
    sequence."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=i % 10000)
    return f"{born:%Y%m%d}{born.year + 22}{1 + i % 12:02d}{1 + i % 2}{1 + i // 10000:03d}"


def test_a_50000_row_roster_prints_a_summary_and_writes_the_full_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """50,000 rows of which 10 are usable: ~112,000 problems become a few dozen lines.

    Reading the 50,000 rows takes about a second; the whole command a few seconds.
    """
    head = _fictional_nip(0)
    rows = [[head, "Kepala Uji", "Kepala Dinas", "JPT", "PNS", "", "", "Dinas Uji", "", "", ""]]
    expected: Counter[str] = Counter({"roster-penilai-kosong-jpt": 1})
    for i in range(1, 50_000):
        nip, nama, jenis, email = _fictional_nip(i), f"Pegawai Uji {i}", "Pelaksana", ""
        if i >= 10:
            kind = i % 4
            if kind == 0:
                jenis = "Eselon III"
                expected["roster-jenis-jabatan-tidak-dikenal"] += 1
            elif kind == 1:
                nip = head
                expected["roster-nip-ganda"] += 1
            elif kind == 2:
                nama, email = "", "bukan surel"
                expected["roster-nama-kosong"] += 1
                expected["roster-email-tidak-sah"] += 1
            else:
                nip = "1.99001012015031E+17"
                expected["nip-angka"] += 1
            expected["roster-baris-tidak-diikutkan"] += 1
        rows.append([nip, nama, "Staf", jenis, "", "", "", "Dinas Uji", head, "", email])
    total = sum(expected.values())
    assert len(rows) == 50_000 and total > 110_000
    roster = tmp_path / "daftar-besar.csv"
    _write_roster(roster, rows)
    monkeypatch.chdir(tmp_path)

    code, stdout, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran",
                            str(tmp_path / "unit"), "--jobs", "1")  # fmt: skip
    assert code == EXIT_DATA_ERRORS
    assert stdout.splitlines()[-1] == "Selesai: 1 workbook, 10 lembar SKP pegawai."
    lines = err.splitlines()
    assert len(lines) < 80  # not 112,000
    assert lines[0].startswith("Masalah pada daftar pegawai (")
    assert sum(line.startswith("[galat] daftar-besar.csv") for line in lines) == 50
    assert f"… dan {total - 50} masalah lain." in lines
    at = lines.index("Jumlah masalah per kode:")
    per_code = r"\s+(\d+)  (galat|peringatan|catatan)\s+(\S+) \(pertama pada baris (\d+)\)"
    found = [re.fullmatch(per_code, line) for line in lines[at + 1 : -1]]
    assert all(found), lines[at + 1 : -1]
    assert {m[3]: int(m[1]) for m in found if m} == expected
    # Galat first, then the most frequent; each names the first row to look at.
    assert [m[2] for m in found if m] == ["galat"] * 4 + ["peringatan", "catatan", "catatan"]
    assert {m[3]: int(m[4]) for m in found if m} == {
        "roster-penilai-kosong-jpt": 2,
        "roster-nama-kosong": 12,
        "roster-email-tidak-sah": 12,
        "roster-baris-tidak-diikutkan": 12,
        "nip-angka": 13,
        "roster-jenis-jabatan-tidak-dikenal": 14,
        "roster-nip-ganda": 15,
    }
    m = re.fullmatch(rf"Daftar lengkap {total} masalah: (.+)", lines[-1])
    assert m is not None, lines[-1]
    listing = Path(m[1])
    assert listing.parent == tmp_path
    assert re.fullmatch(r"masalah-daftar-pegawai-\d{8}-\d{6}\.csv", listing.name)
    with listing.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == total
    assert Counter(r["Kode"] for r in table) == expected
    assert {int(r["Baris"]) for r in table} == set(range(2, 2 + 50_000)) - set(range(3, 12))
    ganda = next(r for r in table if r["Baris"] == "15" and r["Kode"] == "roster-nip-ganda")
    assert ganda["Tingkat"] == "galat" and ganda["Sel"] == "A15" and ganda["Berkas"] == roster.name
    assert ganda["Pesan"].startswith(f"Baris 15, kolom NIP: NIP {head} (Pegawai Uji 13)")
    assert ganda["Saran"].startswith("Satu NIP hanya boleh muncul satu kali")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file


def _problems(n: int) -> list[Problem]:
    return [
        Problem.make("roster-jabatan-kosong", params={"baris": r, "kolom": "Jabatan"},
                     file="daftar.csv", row=r, cell=f"C{r}")
        for r in range(2, 2 + n)
    ]  # fmt: skip


def test_the_full_list_never_replaces_an_earlier_one(tmp_path: Path) -> None:
    now = dt.datetime(2026, 3, 2, 8, 15, 30)
    first = write_roster_problems(_problems(3), tmp_path, now)
    before = first.read_bytes()
    second = write_roster_problems(_problems(4), tmp_path, now)  # the same second
    third = write_roster_problems(_problems(5), tmp_path, now)
    assert [p.name for p in (first, second, third)] == [
        "masalah-daftar-pegawai-20260302-081530.csv",
        "masalah-daftar-pegawai-20260302-081530-2.csv",
        "masalah-daftar-pegawai-20260302-081530-3.csv",
    ]
    assert first.read_bytes() == before
    assert before.startswith(b"\xef\xbb\xbfTingkat,Kode,Berkas,Baris,Sel,NIP,Nama,Pesan,Saran")
    assert len(third.read_text(encoding="utf-8-sig").splitlines()) == 1 + 5
    assert {p.name for p in tmp_path.iterdir()} == {f.name for f in (first, second, third)}


def test_few_problems_are_all_printed_and_no_file_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert print_roster_problems(_problems(50), folder=tmp_path) is None
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 51 and "Jumlah masalah per kode:" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_said_in_indonesian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "berkas.txt"
    not_a_folder.write_text("isi", encoding="utf-8")
    assert print_roster_problems(_problems(3), limit=2, folder=not_a_folder) is None
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == [
        "        3  peringatan roster-jabatan-kosong (pertama pada baris 2)",
        f"Daftar lengkap masalah tidak dapat ditulis di folder {not_a_folder} (salah satu "
        "bagian lokasinya adalah berkas, bukan folder). "
        "Jalankan perintah dari folder yang dapat ditulisi untuk mendapatkannya.",
    ]
    assert not_a_folder.read_text(encoding="utf-8") == "isi"
