"""`sheetnilai konsolidasi` as a new user runs it on a real folder: names that are not UTF-8,
outputs pointed at inputs, mistakes in the command, units that have not sent, a run stopped
half-way. Each test runs the real command (CliRunner, or a subprocess where the terminal,
signals or permissions matter) on the filled corpus of `tests/support/corpus.py`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sheetnilai.cli import EXIT_DATA_ERRORS, cli
from sheetnilai.files import TEMP_PREFIX
from sheetnilai.report import SHEETS
from tests.support.corpus import UNITS, Corpus, hashes
from tests.test_bad_input import rows

KESEHATAN, KECAMATAN = UNITS[2], UNITS[3]
EXE = [sys.executable, "-m", "sheetnilai"]


def _command(*args: object) -> list[str]:
    """`sheetnilai ARGS…` as a real process runs it."""
    return [*EXE, *(str(a) for a in args)]


def _konsolidasi(source: Path, *args: object) -> list[str]:
    """`sheetnilai konsolidasi SOURCE --periode TW1 ARGS…` as a real process runs it."""
    return _command("konsolidasi", source, "--periode", "TW1", *args)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def tw1(source: Path, *args: object) -> tuple[int, str, str]:
    """`sheetnilai konsolidasi SOURCE --periode TW1 ARGS…` through CliRunner."""
    return run("konsolidasi", source, "--periode", "TW1", *args)


@pytest.fixture
def folder(corpus: Corpus, tmp_path: Path) -> Path:
    copy = tmp_path / "masuk"
    shutil.copytree(corpus.clean, copy)
    return copy


# --- 1: names that are not UTF-8 -------------------------------------------------------------


def test_non_utf8_names_in_terminal_score_book_csv_and_parquet(
    folder: Path, corpus: Corpus, tmp_path: Path
) -> None:
    bad = os.fsdecode(b"Dinas Kes\xe9hatan.xlsx")
    (folder / f"{KESEHATAN}.xlsx").rename(folder / bad)
    shown = "Dinas Kes\ufffdhatan.xlsx"
    for fmt in ("csv", "parquet"):
        book, data = tmp_path / f"buku-{fmt}.xlsx", tmp_path / f"data-{fmt}"
        # A real process with a real UTF-8 terminal encoding, not CliRunner's buffers.
        options = ("--roster", corpus.roster, "--keluaran", book, "--data", data)
        done = subprocess.run(
            _konsolidasi(folder, *options, "--format-data", fmt, "--jobs", "1"),
            capture_output=True,
            env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""},
        )
        assert done.returncode == 0, done.stderr.decode()
        assert f"  {shown}: dibaca" in done.stderr.decode("utf-8")
        table = (
            pd.read_csv(data / "pegawai.csv", dtype=str, encoding="utf-8-sig")
            if fmt == "csv"
            else pd.read_parquet(data / "pegawai.parquet")
        )
        assert set(table.loc[table["Unit Kerja"] == KESEHATAN, "Berkas"]) == {shown}
        wb = openpyxl.load_workbook(book)
        meta = {r["Butir"]: r["Nilai"] for r in rows(wb, "Metadata", "Butir")}
        assert meta[f"Berkas: {shown}"].startswith("dibaca;")


# --- 5: inputs are never at risk --------------------------------------------------------------


def test_score_book_may_not_replace_an_input(folder: Path, corpus: Corpus, tmp_path: Path) -> None:
    roster = tmp_path / "daftar.csv"
    shutil.copy(corpus.roster, roster)
    policy = tmp_path / "daerah.toml"
    policy.write_text("[distribusi]\ntingkat = 'galat'\n", encoding="utf-8")
    before = {**hashes(folder), **hashes(tmp_path)}
    unit = folder / f"{KESEHATAN}.xlsx"
    link = tmp_path / "tautan.xlsx"
    link.symlink_to(unit)
    hard = tmp_path / "sama.xlsx"
    os.link(unit, hard)
    options = ("--roster", roster, "--kebijakan", policy, "--timpa")
    for target in (hard, roster, policy):
        code, out, err = tw1(folder, "--keluaran", target, *options)
        assert code == 1, (target, out, err)
        assert err.startswith(f'Galat: Berkas keluaran "{target}" adalah salah satu masukan')
    for target in (unit, link, folder / "." / unit.name, folder / "baru.xlsx"):
        code, out, err = tw1(folder, "--keluaran", target, "--timpa")
        assert code == 1, (target, out, err)
        assert "berada di dalam folder sumber" in err, err
    # --data whose table file would be the roster (pegawai.csv in the roster's folder).
    tabel = tmp_path / "tabel"
    tabel.mkdir()
    shutil.copy(corpus.roster, tabel / "pegawai.csv")
    code, _, err = tw1(
        folder,
        "--keluaran",
        tmp_path / "b.xlsx",
        "--roster",
        tabel / "pegawai.csv",
        "--data",
        tabel,
        "--timpa",
    )
    assert code == 1 and "adalah salah satu masukan" in err, err
    code, _, err = tw1(folder, "--keluaran", "/dev/null", "--timpa")
    assert code == 1 and "bukan berkas biasa" in err, err
    assert Path("/dev/null").is_char_device()
    after = {**hashes(folder), **hashes(tmp_path)}
    assert {k: v for k, v in after.items() if k in before} == before


def test_data_tables_may_not_go_into_the_source(folder: Path, tmp_path: Path) -> None:
    before = hashes(folder)
    book = tmp_path / "buku.xlsx"
    for data in (folder, folder / "tabel"):
        code, _, err = tw1(folder, "--keluaran", book, "--data", data, "--timpa")
        assert code == 1 and "berada di dalam folder sumber" in err, err
    code, _, err = tw1(
        folder, "--keluaran", book, "--data", folder / f"{KESEHATAN}.xlsx", "--timpa"
    )
    assert code == 1 and "adalah berkas, bukan folder" in err, err
    code, _, err = tw1(folder, "--keluaran", tmp_path)
    assert code == 2 and "adalah folder" in err, err  # refused by the option itself
    assert not book.exists()
    assert hashes(folder) == before


# --- 8: a folder that cannot be opened ---------------------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder outside pytest's private temp folder (which only its owner may enter)."""
    path = Path(tempfile.mkdtemp(prefix="sheetnilai-izin-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(path)


def _without_root_powers() -> list[str]:
    """root reads any folder; drop the two capabilities that let it, for this one process."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot make a folder unreadable")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_unreadable_subfolder_is_a_galat_and_the_rest_is_scored(
    corpus: Corpus, shared_tmp: Path
) -> None:
    source = shared_tmp / "masuk"
    shutil.copytree(corpus.clean, source)
    closed = source / "tertutup"
    closed.mkdir()
    (source / f"{KECAMATAN}.xlsx").rename(closed / f"{KECAMATAN}.xlsx")
    closed.chmod(0)
    book = shared_tmp / "buku.xlsx"
    done = subprocess.run(
        [
            *_without_root_powers(),
            *_konsolidasi(source, "--roster", corpus.roster, "--keluaran", book, "--senyap"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == EXIT_DATA_ERRORS, done.stderr
    wb = openpyxl.load_workbook(book)
    found = {(r["Kode"], r["Berkas"] or "", r["Tingkat"]) for r in rows(wb, "Masalah", "Tingkat")}
    assert ("folder-tidak-terbaca", "tertutup", "galat") in found
    assert ("unit-belum-masuk", "", "peringatan") in found
    meta = {r["Butir"]: r["Nilai"] for r in rows(wb, "Metadata", "Butir")}
    assert meta["Folder: tertutup"] == "galat: folder tidak dapat dibuka"
    scored = {r["Unit Kerja"] for r in rows(wb, "Pegawai", "NIP")}
    assert scored == set(UNITS) - {KECAMATAN}


# --- 9: no debris ------------------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_file_of_a_killed_run_is_removed(folder: Path, tmp_path: Path) -> None:
    import socket

    out = tmp_path / "hasil"
    out.mkdir()
    host = "".join(ch for ch in socket.gethostname() if ch.isalnum())[:32]
    stale = out / f"{TEMP_PREFIX}{_dead_pid()}.{host}.0a1b2c.buku-nilai-TW1-2026.xlsx"
    stale.write_bytes(b"PK\x03\x04 half a score book")
    code, _, err = tw1(folder, "--keluaran", out / "buku-nilai-TW1-2026.xlsx", "--senyap")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["buku-nilai-TW1-2026.xlsx"]


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0, 4.5])
def test_a_run_stopped_half_way_leaves_nothing_to_clean_up(
    corpus: Corpus, tmp_path: Path, delay: float
) -> None:
    """SIGTERM (a service manager's stop) at some point of a run: the output folder holds
    the complete score book or nothing; no temporary file stays behind."""
    source = tmp_path / "masuk"
    for copy in range(4):  # enough work that the signal lands during the run
        shutil.copytree(corpus.clean, source / f"salinan-{copy}")
    out = tmp_path / "hasil"
    out.mkdir()
    book = out / "buku.xlsx"
    proc = subprocess.Popen(
        _konsolidasi(
            source, "--keluaran", book, "--data", out / "tabel", "--jobs", "2", "--senyap"
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    leftovers = [p for p in out.rglob("*") if p.name.startswith(TEMP_PREFIX)]
    assert leftovers == []
    if proc.returncode == 1:
        assert "Dibatalkan" in err.decode()
    tables = sorted(p.name for p in (out / "tabel").glob("*")) if (out / "tabel").exists() else []
    if book.exists():  # the whole set, and the score book opens
        openpyxl.load_workbook(book)
        assert len(tables) == len(SHEETS), tables  # one data table per sheet
    else:  # or nothing at all: a second run is not refused by half an output
        assert tables == []


# --- 11: mistakes in the command -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        # The periods named are those of the workbooks found (quarterly here).
        (
            ["--periode", "TW5"],
            'Periode "TW5" tidak dikenal. Periode yang sah: TW1, TW2, TW3, TW4, TAHUNAN.',
        ),
        (["--periode", "triwulan1"], 'Periode "triwulan1" tidak dikenal.'),
        (
            ["--periode", "S1"],
            "Tidak ada workbook di sumber yang memuat periode S1. Periode pada "
            "workbook yang ditemukan: TW1, TW2, TW3, TW4, TAHUNAN.",
        ),
        (
            ["--periode", "TW1", "--periode", "S1"],
            "Tidak ada workbook di sumber yang memuat periode S1.",
        ),
        (
            ["--periode", "semua", "--periode", "TW2"],
            "--periode semua tidak dapat digabung dengan periode lain.",
        ),
    ],
)
def test_command_mistakes_are_refused_before_the_work(
    folder: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    book = tmp_path / "buku.xlsx"
    code, out, err = run("konsolidasi", folder, *args, "--keluaran", book)
    assert code == 1 and out == ""
    assert err.startswith(f"Galat: {says}"), err
    assert not book.exists()


def test_the_same_period_twice_is_one_period(folder: Path, tmp_path: Path) -> None:
    code, _, err = tw1(
        folder, "--periode", " tw1", "--keluaran", tmp_path / "buku.xlsx", "--senyap"
    )
    assert code == 0, err


def test_empty_source_folder(tmp_path: Path) -> None:
    empty = tmp_path / "kosong"
    empty.mkdir()
    code, _, err = tw1(empty)
    assert code == 1 and "tidak berisi workbook (.xlsx, .xlsm, .ods); ada 0 berkas lain" in err
    (empty / "surat.pdf").write_bytes(b"%PDF")
    code, _, err = tw1(empty)
    assert code == 1 and "ada 1 berkas lain" in err


# --- 12 and 13: who has not sent; the default name ---------------------------------------------


def test_units_not_sent_are_visible_everywhere(
    folder: Path, corpus: Corpus, tmp_path: Path
) -> None:
    (folder / f"{KECAMATAN}.xlsx").unlink()
    book = tmp_path / "buku.xlsx"
    code, out, err = tw1(folder, "--roster", corpus.roster, "--keluaran", book)
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith(KECAMATAN))
    assert line.split() == [*KECAMATAN.split(), "0", "4", "Belum", "masuk"]
    assert "12 pegawai dari 16 di daftar pegawai (1 unit, 4 pegawai belum masuk)" in out
    assert "SK " not in out  # no abbreviation a reader takes for "Surat Keputusan"
    wb = openpyxl.load_workbook(book)
    ring = {r["Unit Kerja"]: r for r in rows(wb, "Ringkasan", "Unit Kerja")}
    assert ring[KECAMATAN]["Pegawai di daftar"] == 4
    assert ring[KECAMATAN]["Status distribusi"] == "Belum masuk"
    assert ring[KECAMATAN]["Lembar SKP"] == 0
    assert ring["JUMLAH INSTANSI"]["Pegawai di daftar"] == 16
    assert ring["JUMLAH INSTANSI"]["Lembar SKP"] == 12
    dist = {r["Unit Kerja"]: r for r in rows(wb, "Distribusi", "Unit Kerja")}
    assert dist[KECAMATAN]["Status"] == "Belum masuk"
    assert "4 pegawai" in dist[KECAMATAN]["Keterangan"]
    notes = [c.value for c in wb["Ringkasan"]["A"][:5] if c.value]
    assert any("16 pegawai di 4 unit; 1 unit (4 pegawai) belum masuk" in str(n) for n in notes)


def test_default_score_book_name_carries_the_year(folder: Path, tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, out, err = run("konsolidasi", folder, "--periode", "tw1")
        assert code == 0, err
        assert (tmp_path / "buku-nilai-TW1-2026.xlsx").exists()
        assert "Buku nilai: buku-nilai-TW1-2026.xlsx" in out
        # The same run again is refused before any work, naming the file.
        code, _, err = tw1(folder)
        assert code == 1 and 'Berkas "buku-nilai-TW1-2026.xlsx" sudah ada' in err
        # Next year's run does not collide; this year's workbooks are not next year's.
        code, _, err = tw1(folder, "--tahun", "2027")
        assert code == EXIT_DATA_ERRORS, err
        wb = openpyxl.load_workbook(tmp_path / "buku-nilai-TW1-2027.xlsx")
        codes = {r["Kode"] for r in rows(wb, "Masalah", "Tingkat")}
        assert codes == {"tahun-berbeda"}
        assert rows(wb, "Pegawai", "NIP") == []
    finally:
        os.chdir(cwd)


# --- 3 and 6 without a roster -------------------------------------------------------------------


def test_without_roster_a_damaged_sheet_still_names_its_pegawai(
    folder: Path, corpus: Corpus, tmp_path: Path
) -> None:
    from tests.test_bad_input import _delete_local_name

    nip = corpus.unit_nips(KESEHATAN)[2]
    sheet = corpus.where[nip][1]
    _delete_local_name(folder / f"{KESEHATAN}.xlsx", sheet, "SN_HK")
    book = tmp_path / "buku.xlsx"
    code, _, err = tw1(folder, "--keluaran", book, "--senyap")
    assert code == EXIT_DATA_ERRORS, err
    wb = openpyxl.load_workbook(book)
    (row,) = [r for r in rows(wb, "Masalah", "Tingkat") if r["Kode"] == "lembar-skp-rusak"]
    assert (row["Lembar"], row["NIP"], row["Nama"]) == (sheet, nip, corpus.people[nip].nama)
    assert "nama SN_HK" in row["Pesan"]
    belum = {r["NIP"]: r for r in rows(wb, "Belum Masuk", "NIP")}
    assert belum[nip]["Keterangan"] == "Lembar SKP rusak (penanda templat hilang)"


def test_without_roster_the_sheets_tell_the_unit(folder: Path, tmp_path: Path) -> None:
    from tests.test_bad_input import _set_meta

    _set_meta(folder / f"{KESEHATAN}.xlsx", "unit", UNITS[1])
    book = tmp_path / "buku.xlsx"
    code, _, err = tw1(folder, "--keluaran", book, "--senyap")
    assert code == EXIT_DATA_ERRORS, err
    wb = openpyxl.load_workbook(book)
    (row,) = [r for r in rows(wb, "Masalah", "Tingkat") if r["Kode"] == "unit-berbeda"]
    assert row["Berkas"] == f"{KESEHATAN}.xlsx"
    assert "isian Unit kerja di 4 dari 4 lembar SKP-nya" in row["Pesan"]
    assert "unit-ganda" not in {r["Kode"] for r in rows(wb, "Masalah", "Tingkat")}
    ring = {r["Unit Kerja"]: r["Lembar SKP"] for r in rows(wb, "Ringkasan", "Unit Kerja")}
    assert ring[KESEHATAN] == 4 and ring[UNITS[1]] == 4


def test_a_defect_set_off_by_one_workbook_does_not_stop_the_run(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the check of one unit's workbook meets a defect of ours. That file
    gets a galat; every other unit is still scored."""
    import sheetnilai.consolidate as consolidation

    real = consolidation.check_unit_periods

    def defective(unit, *args, **kwargs):  # type: ignore[no-untyped-def]
        if unit.unit == KESEHATAN:
            raise ZeroDivisionError("a defect")
        return real(unit, *args, **kwargs)

    monkeypatch.setattr(consolidation, "check_unit_periods", defective)
    book = tmp_path / "buku.xlsx"
    code, _, err = tw1(folder, "--keluaran", book, "--jobs", "1", "--senyap")
    assert code == EXIT_DATA_ERRORS, err
    wb = openpyxl.load_workbook(book)
    (row,) = rows(wb, "Masalah", "Tingkat")
    assert (row["Kode"], row["Berkas"]) == ("galat-internal", f"{KESEHATAN}.xlsx")
    assert "ZeroDivisionError" in row["Pesan"] and "a defect" not in row["Pesan"]
    assert {r["Unit Kerja"] for r in rows(wb, "Pegawai", "NIP")} == set(UNITS) - {KESEHATAN}


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(x) for x in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.fixture
def big_source(corpus: Corpus, tmp_path: Path) -> Path:
    source = tmp_path / "masuk"
    for copy in range(6):  # enough work for the signal to land while workers read
        shutil.copytree(corpus.clean, source / f"salinan-{copy}")
    return source


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_mid_run_is_one_indonesian_line(big_source: Path, tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, workers included: the user reads
    "Dibatalkan." and no worker's English traceback."""
    for delay in (0.6, 1.2, 1.8):
        proc = subprocess.Popen(
            _konsolidasi(
                big_source, "--keluaran", tmp_path / f"buku-{delay}.xlsx", "--jobs", "2", "--senyap"
            ),
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        text = err.decode()
        assert "Traceback" not in text and "/python3" not in text, text
        if proc.returncode == 1:
            assert text.strip() == "Dibatalkan.", text


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_die_with_a_killed_run(big_source: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        _konsolidasi(big_source, "--keluaran", tmp_path / "buku.xlsx", "--jobs", "2", "--senyap"),
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not (workers := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "the run started no worker"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "orphaned workers"


@pytest.mark.parametrize("delay", [0.3, 0.6, 1.0])
def test_templat_buat_stopped_half_way_takes_its_workbooks_back(
    tmp_path: Path, delay: float
) -> None:
    """SIGTERM while `templat buat` writes: all workbooks, or none (so the same command
    simply runs again), and no temporary file."""
    out = tmp_path / "unit"
    proc = subprocess.Popen(
        _command("templat", "buat", "--contoh", "--tahun", "2026", "--keluaran", out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    made = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if proc.returncode == 0:
        assert len(made) == 12, made
    else:
        assert proc.returncode == 1 and err.decode().strip().endswith("Dibatalkan."), err
        assert made == [], made
        code, _, _ = run("templat", "buat", "--contoh", "--tahun", "2026", "--keluaran", out)
        assert code == 0


def test_option_mistakes_are_named(folder: Path, tmp_path: Path) -> None:
    """A unit misspelt in --predikat-organisasi is a galat naming the known units, not
    ignored; a wrong --predikat-instansi names that option."""
    book = tmp_path / "buku.xlsx"
    code, _, err = tw1(
        folder, "--keluaran", book, "--predikat-organisasi", f"{KESEHATAN}x=Istimewa", "--senyap"
    )
    assert code == EXIT_DATA_ERRORS, err
    wb = openpyxl.load_workbook(book)
    (row,) = [r for r in rows(wb, "Masalah", "Tingkat") if r["Kode"] == "opsi-unit-tidak-ada"]
    assert f'"{KESEHATAN}x"' in row["Pesan"] and KESEHATAN in row["Saran"]
    code, _, err = tw1(folder, "--keluaran", tmp_path / "b2", "--predikat-instansi", "Baik sekali")
    assert code == 1 and err.startswith('Galat: Nilai --predikat-instansi "Baik sekali"'), err
