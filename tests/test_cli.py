"""The command line, through click's CliRunner and through a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sheetnilai import __version__
from sheetnilai.cli import EXIT_DATA_ERRORS, cli


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"sheetnilai, versi {__version__}"


def test_help_is_indonesian() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert out.startswith("Pemakaian: sheetnilai [OPSI]") or "Pemakaian:" in out
    assert "Perintah" in out and "Opsi" in out and "Tampilkan bantuan ini lalu keluar." in out
    for english in ("Usage:", "Options:", "Commands:", "Show this message"):
        assert english not in out


def test_cek_nip_valid_and_invalid() -> None:
    code, out, _ = run("cek-nip", "19750315 200003 1 002", "198204102006142003")
    assert code == EXIT_DATA_ERRORS
    lines = out.splitlines()
    assert lines[2].split() == ["19750315", "200003", "1", "002", "sah"]
    assert lines[3].startswith("19820410 200614 2 003  galat")
    assert "bukan bulan 01–12 TMT CPNS" in lines[3]
    assert lines[-1] == "2 NIP diperiksa: 1 sah, 1 bermasalah (1 galat)."


def test_cek_nip_all_valid_exits_zero() -> None:
    code, out, _ = run("cek-nip", "197503152000031002")
    assert code == 0 and out.splitlines()[-1] == "1 NIP diperiksa: 1 sah, 0 bermasalah (0 galat)."


def test_cek_nip_reads_stdin_and_file(tmp_path: Path) -> None:
    code, out, _ = run("cek-nip", "-", input="197503152000031002\n\n1.96608011988031E+17\n")
    assert code == EXIT_DATA_ERRORS
    assert "NIP tersimpan sebagai angka (1.96608011988031E+17)" in out
    listing = tmp_path / "nip.txt"
    listing.write_text("\ufeff197503152000031002\n199403252022212008\n", encoding="utf-8")
    code, out, _ = run("cek-nip", "--berkas", str(listing))
    assert code == 0 and "2 NIP diperiksa: 2 sah" in out


def test_cek_nip_pppk_status() -> None:
    code, out, _ = run("cek-nip", "--status", "pppk", "199403252022992008")
    assert code == 0  # a non-21 code is only a warning
    assert "peringatan" in out and "bukan 21" in out


def test_user_errors_are_one_indonesian_line(tmp_path: Path) -> None:
    code, out, err = run("cek-nip")
    assert code == 1 and out == ""
    assert err == (
        "Galat: Tidak ada NIP untuk diperiksa. Tulis NIP sebagai argumen, atau gunakan --berkas "
        "BERKAS, atau kirim lewat masukan standar dengan tanda -.\n"
    )
    code, _, err = run("cek-nip", "--berkas", str(tmp_path / "tidak-ada.txt"))
    assert code == 1 and err.startswith("Galat: Berkas ") and "Traceback" not in err


def test_usage_errors_are_indonesian() -> None:
    code, _, err = run("cek-nip", "--salah")
    assert code == 2 and "Opsi '--salah' tidak dikenal." in err and "Galat:" in err
    code, _, err = run("cek-nip", "--status", "honorer", "1")
    assert code == 2 and "Nilai tidak sah untuk '--status'" in err


def test_kebijakan_prints_and_validates(tmp_path: Path) -> None:
    code, out, _ = run("kebijakan")
    assert code == 0 and out.startswith("# Kebijakan yang berlaku (sumber: bawaan)")
    assert '[distribusi]\npembulatan = "eksak"' in out
    bad = tmp_path / "daerah.toml"
    bad.write_text('[distribusi]\npembulatan = "bulat"\n', encoding="utf-8")
    code, out, err = run("kebijakan", "--kebijakan", str(bad))
    assert code == 1 and out == ""
    assert err.splitlines()[1] == (
        '  [galat] daerah.toml: Kunci "distribusi.pembulatan" bernilai "bulat", yang tidak '
        'diizinkan. Nilai yang diizinkan: "eksak", "bulatkan-jumlah".'
    )


def test_demo_runs_the_whole_job_on_the_sample(tmp_path: Path) -> None:
    import openpyxl

    folder = tmp_path / "demo"
    code, out, err = run("demo", "--folder", str(folder))
    assert code == 0, err
    book = folder / "buku-nilai-TW1-2026.xlsx"
    assert f"Buku nilai: {book}" in out
    assert "Dinas Kesehatan" in out and "11 workbook dihitung" in out
    wb = openpyxl.load_workbook(book, read_only=True)
    codes = {row[1] for row in wb["Masalah"].iter_rows(values_only=True)}
    # The typical mistakes the demo plants in a few units are all found.
    planted = {"realisasi-bukan-angka", "rumus-ditimpa", "rating-label-tidak-sah", "rating-kosong"}
    planted |= {"nip-angka", "rhk-tanpa-iki", "bukti-dukung-kosong", "unit-belum-masuk"}
    planted |= {"format-xls-lama", "berkas-kunci-dilewati", "distribusi-melebihi-batas"}
    assert planted <= codes
    # `templat perbarui` carries every typed cell of the filled demo workbooks across.
    from tests.test_perbarui import round_trip

    outcomes = round_trip(folder / "unit", tmp_path / "diperbarui")
    units = [o for o in outcomes if not o.name.startswith("IKM ")]  # the demo's IKM surveys
    assert len(units) == 11 and all(o.problem is None for o in units)
    ikm = {r[0]: r for r in wb["IKM"].iter_rows(values_only=True) if r[0] and r[2]}
    assert {"Dinas Kependudukan dan Pencatatan Sipil", "Dinas Kesehatan"} <= set(ikm)
    assert "ikm-jawaban-tidak-sah" in codes
    # Running it again rebuilds the demo folder instead of refusing, but never deletes a file
    # it did not make.
    mine = folder / "unit" / "workbook-saya.xlsx"
    mine.write_bytes(b"punya saya")
    code, _, err = run("demo", "--folder", str(folder))
    assert code == 1 and "bukan buatan demo (mis. workbook-saya.xlsx)" in err
    assert mine.read_bytes() == b"punya saya"
    mine.unlink()
    assert run("demo", "--folder", str(folder))[0] == 0


def test_real_subprocess_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sheetnilai", "cek-nip", "19900105201503200"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == EXIT_DATA_ERRORS
    assert "terdiri atas 17 digit" in proc.stdout and proc.stderr == ""
