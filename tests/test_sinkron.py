"""The sync service over a local folder: passes that read only what changed, publish what a
one-shot `konsolidasi` would, remember what changed, survive kill -9, and run once at a time.

The source is the shared clean corpus (4 units × 4 pegawai, TW1, tests/support/corpus.py),
copied per test. Expected changes come from the edits each test makes, not from the code.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from sheetnilai import consolidate as consolidate_module
from sheetnilai import scorebook, xlsxchunks
from sheetnilai.cli import cli
from sheetnilai.consolidate import Consolidation, consolidate
from sheetnilai.report import hasil_kerja_table
from sheetnilai.rules.labels import Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.sources.survei import SurveyResult
from sheetnilai.store.sqlite import SqliteStore
from sheetnilai.sync.lock import StoreLock
from tests.support.corpus import UNITS, Corpus, hashes, hk_ref, ident_ref, nilai_ref, put

SHEETS = ("Ringkasan", "Pegawai", "Hasil Kerja", "Distribusi", "Masalah", "Belum Masuk")


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def place(corpus: Corpus, tmp_path: Path) -> Path:
    shutil.copytree(corpus.clean, tmp_path / "unit")
    return tmp_path


def sync(place: Path, *extra: object) -> tuple[int, str, str]:
    return run(
        "sinkron",
        "--sumber", place / "unit",
        "--periode", "TW1",
        "--keluaran", place / "hasil",
        "--penyimpanan", place / "sinkron.sqlite",
        "--sekali",
        *extra,
    )  # fmt: skip


def passes(place: Path) -> list[tuple[int, int, str]]:
    """(files, read, status) of every pass, oldest first, straight from the store."""
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        return list(db.execute("SELECT files, read, status FROM passes ORDER BY id"))


def changes(place: Path) -> set[tuple[str, str, str, str]]:
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        last = db.execute("SELECT MAX(pass_id) FROM changes").fetchone()[0]
        rows = db.execute(
            "SELECT kind, nip, before, after FROM changes WHERE pass_id=?", (last,)
        ).fetchall()
    return set(rows)


def all_changes(place: Path) -> set[tuple[str, str, str, str]]:
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        return set(db.execute("SELECT kind, nip, before, after FROM changes"))


# Ringkasan says when the book was made, to the minute: two books made a few seconds apart
# differ there when a minute turns between them (what made a kill -9 test fail once).
MADE = re.compile(r"Dibuat \d{4}-\d{2}-\d{2} \d{2}:\d{2}\.")


def frames(book: Path) -> dict[str, pd.DataFrame]:
    """The tables a reader sees, the time each book was made left out."""
    out = {}
    for sheet in SHEETS:
        raw = pd.read_excel(engine="openpyxl", io=book, sheet_name=sheet, header=None, dtype=str)
        raw = raw.fillna("").map(lambda v: MADE.sub("Dibuat (waktu).", v))
        out[sheet] = raw.reset_index(drop=True)
    return out


def set_rating(path: Path, sheet_index: int, rating: Rating) -> str:
    """The pejabat penilai changes one rating hasil kerja; returns the pegawai's NIP."""
    wb = openpyxl.load_workbook(path)
    ws = wb[[t for t in wb.sheetnames if t[:2].isdigit()][sheet_index]]
    put(ws, nilai_ref("rating_hasil"), rating.label)
    wb.save(path)
    return str(ws[ident_ref("peg_nip")].value)


def assert_published_as_konsolidasi(place: Path, published: Path) -> None:
    """The published score book holds, table by table, what a one-shot konsolidasi of the
    same folder writes."""
    (place / "satu.xlsx").unlink(missing_ok=True)
    code, _, err = run("konsolidasi", place / "unit", "--periode", "TW1", "--keluaran",
                       place / "satu.xlsx", "--senyap")  # fmt: skip
    assert code in (0, 3), err  # 3: written, with galat in the data
    once, synced = frames(place / "satu.xlsx"), frames(published)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(synced[sheet], once[sheet], obj=sheet)


def sheet_rows(book: Path) -> dict[str, list[list[object]]]:
    """Every sheet's rows as a reader sees them (python-calamine, not our writer)."""
    found = CalamineWorkbook.from_path(str(book))
    return {name: found.get_sheet_by_name(name).to_python() for name in found.sheet_names}


def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus' tables written in chunks of 4 rows (from 5 rows up), as the agency's are."""
    monkeypatch.setattr(scorebook, "CHUNKED_MIN_ROWS", 5)
    monkeypatch.setattr(scorebook, "CHUNK_ROWS", 4)
    monkeypatch.setattr(xlsxchunks, "CHUNK_ROWS", 4)


def test_a_pass_builds_only_chunks_holding_rows_that_changed(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store keeps the score book's chunks: after one rating changed, each chunk the
    next pass builds from values holds a row that differs between the two published books or
    a row of the edited workbook (whose Hasil Kerja rows are keyed by its content), others
    are served (or renumbered when rows above them came or went), and the book is what a
    one-shot konsolidasi writes."""
    small_chunks(monkeypatch)
    monkeypatch.delenv(scorebook.CHECK_SEGMENTS_ENV)  # its own builds would count here
    built: list[tuple[str, int, int]] = []
    build = scorebook._build

    def spied(plan: Any, start: int, stop: int, f: Any) -> xlsxchunks.Fragment:
        built.append((plan.sheet, plan.first + start, plan.first + stop))
        return build(plan, start, stop, f)

    monkeypatch.setattr(scorebook, "_build", spied)
    code, _, err = sync(place)
    assert code == 0, err
    (first,) = (place / "hasil").glob("buku-nilai-TW1-2*.xlsx")
    everything = len(built)
    built.clear()
    edited = sorted((place / "unit").glob("*.xlsx"))[1]
    set_rating(edited, 2, Rating.DI_ATAS)
    code, _, err = sync(place)
    assert code == 0, err
    latest = place / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    before, after = sheet_rows(first), sheet_rows(latest)
    assert 0 < len(built) < everything
    for sheet, start, stop in built:
        if sheet == "Kalibrasi":
            # Its units' few rows share chunks (grouped by content): a chunk is built again
            # when any unit in its group changed, whichever of its rows that was.
            continue
        old, new = before[sheet], after[sheet]
        differ = (
            r >= len(old) or old[r] != new[r] or edited.name in new[r] for r in range(start, stop)
        )
        assert any(differ), (sheet, start)
    assert_published_as_konsolidasi(place, latest)


def test_rows_served_by_a_units_key_follow_what_other_workbooks_change(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook that did not change keeps its Hasil Kerja chunks only while nothing from
    other workbooks changes its rows: the RHK chain (the atasan's RHK sits in another
    workbook) and its sheets (a NIP counted in another workbook is dropped here). The check
    every test runs builds each served chunk afresh and compares; the book equals a one-shot
    konsolidasi after each change."""
    small_chunks(monkeypatch)
    assert os.environ[scorebook.CHECK_SEGMENTS_ENV]
    assert sync(place)[0] == 0
    latest = place / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    chain = "Terlaksananya program kerja Sekretariat Daerah ("
    pendidikan = [r for r in sheet_rows(latest)["Hasil Kerja"] if r[2] == UNITS[1]]
    assert all(chain in str(r[8]) for r in pendidikan)
    # The Sekda renames his RHK, which every other unit's head intervenes: their chains break
    # there, in workbooks that did not change.
    sekda = place / "unit" / f"{UNITS[0]}.xlsx"
    wb = openpyxl.load_workbook(sekda)
    put(wb[next(t for t in wb.sheetnames if t[:2].isdigit())], hk_ref("rhk"), "Tata kelola baru")
    wb.save(sekda)
    code, _, err = sync(place)
    assert code == 0, err
    assert passes(place)[-1] == (4, 1, "selesai")
    pendidikan = [r for r in sheet_rows(latest)["Hasil Kerja"] if r[2] == UNITS[1]]
    assert pendidikan and not any(chain in str(r[8]) for r in pendidikan)
    assert_published_as_konsolidasi(place, latest)
    # A staff NIP of Dinas Pendidikan typed on a sheet of Dinas Kesehatan, which comes first:
    # counted there, and dropped from Dinas Pendidikan, whose workbook did not change.
    wb = openpyxl.load_workbook(place / "unit" / f"{UNITS[1]}.xlsx", read_only=True)
    nip = str(wb[[t for t in wb.sheetnames if t[:2].isdigit()][1]][ident_ref("peg_nip")].value)
    kesehatan = place / "unit" / f"{UNITS[2]}.xlsx"
    wb = openpyxl.load_workbook(kesehatan)
    put(wb[[t for t in wb.sheetnames if t[:2].isdigit()][1]], ident_ref("peg_nip"), nip, text=True)
    wb.save(kesehatan)
    code, _, err = sync(place)
    assert code == 0, err
    assert passes(place)[-1] == (4, 1, "selesai")
    rows = [r for r in sheet_rows(latest)["Hasil Kerja"] if r[0] == nip]
    assert rows and {r[27] for r in rows} == {f"{UNITS[2]}.xlsx"}
    assert_published_as_konsolidasi(place, latest)


def test_a_units_key_changes_with_what_other_workbooks_change_in_its_rows(
    corpus: Corpus,
) -> None:
    """The key of a workbook's Hasil Kerja rows (report._unit_key) moves with each thing the
    checks across files change in them, and only for that workbook: a sheet dropped (the
    one-NIP check), the unit renamed (the roster's spelling), an RHK chain through another
    workbook. A workbook without an output digest, or with an IKI a survey scores, gets none."""
    result = consolidate(corpus.clean, "TW1", DEFAULT_POLICY, jobs=1)
    result.output_digests = {u.name: f"isi {u.name}" for u in result.units}

    def keys() -> dict[str, str | None]:
        segments = hasil_kerja_table(result).segments
        return dict(zip([u.name for u in result.units], [k for k, _ in segments], strict=True))

    before = keys()
    assert None not in before.values() and len(set(before.values())) == len(UNITS)

    def only(name: str) -> None:
        nonlocal before
        now = keys()
        assert {n for n in now if now[n] != before[n]} == {name}
        before = now

    # Without chains (all empty) two sheets of as many IKI differ only in which remain.
    kept_chains, result.rhk_chains = result.rhk_chains, {}
    before = keys()

    def without(k: int) -> Consolidation:
        copy = deepcopy(result)
        unit = copy.units[1]
        gone = unit.pegawai[k].sheet
        unit.pegawai = [p for p in unit.pegawai if p.sheet != gone]
        unit.iki = [i for i in unit.iki if i.sheet != gone]
        return copy

    one, other = without(1), without(2)
    assert len(one.units[1].iki) == len(other.units[1].iki)
    result.units = one.units
    only(one.units[1].name)
    result.units = other.units
    only(other.units[1].name)
    result.rhk_chains = kept_chains
    before = keys()
    consolidate_module._rename(result.units[2], "Dinas Kesehatan Hewan")
    only(result.units[2].name)
    assert result.rhk_chains is not None
    first = result.units[3].iki[0]
    result.rhk_chains[first.nip, first.rhk] = "RHK (nama) → RHK atasan lain (atasan)"
    only(result.units[3].name)
    del result.output_digests[result.units[0].name]
    assert keys()[result.units[0].name] is None
    result.output_digests[result.units[0].name] = "isi"
    survey = SurveyResult("survei.xlsx", UNITS[0], "TW1", None, None, None)
    iki = result.units[0].iki[0]
    result.iki_surveys[iki.file, iki.sheet, iki.cell] = survey
    assert keys()[result.units[0].name] is None


def test_a_pass_over_two_periods_serves_and_checks_its_chunks_too(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two periods the book holds each period's Hasil Kerja one after another, still
    cut by workbook and built on demand: after an edit the pass publishes, table by table,
    what a one-shot konsolidasi of both periods writes (every served chunk checked)."""
    small_chunks(monkeypatch)
    assert os.environ[scorebook.CHECK_SEGMENTS_ENV]
    both = ("--periode", "TW1", "--periode", "TW2")
    assert sync(place, *both)[0] in (0, 3)
    # A realisasi typed again: that workbook's Hasil Kerja rows change, the others' do not.
    edited = place / "unit" / f"{UNITS[2]}.xlsx"
    wb = openpyxl.load_workbook(edited)
    put(wb[[t for t in wb.sheetnames if t[:2].isdigit()][1]], hk_ref("realisasi@TW1"), 3)
    wb.save(edited)
    code, _, err = sync(place, *both)
    assert code in (0, 3), err
    (latest,) = (place / "hasil").glob("buku-nilai-*-terbaru.xlsx")
    code, _, err = run("konsolidasi", place / "unit", *both, "--keluaran", place / "satu.xlsx",
                       "--senyap")  # fmt: skip
    assert code in (0, 3), err
    synced, once = sheet_rows(latest), sheet_rows(place / "satu.xlsx")
    for sheet in ("Hasil Kerja", "Pegawai", "Kalibrasi", "Masalah"):
        assert synced[sheet][1:] == once[sheet][1:], sheet  # (row 0: the title's time)
    periods = {r[3] for r in synced["Hasil Kerja"][3:]}
    assert periods == {"TW1", "TW2"}


def test_a_pass_publishes_what_konsolidasi_gives(place: Path, corpus: Corpus) -> None:
    code, _, err = sync(place)
    assert code == 0, err
    dated = sorted((place / "hasil").glob("buku-nilai-TW1-2*.xlsx"))
    latest = place / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    assert len(dated) == 1 and latest.is_file()
    assert passes(place) == [(4, 4, "selesai")]
    assert_published_as_konsolidasi(place, latest)
    # Each unit's feedback holds its own rows only; the unit workbooks are untouched.
    for unit in UNITS:
        feedback = pd.read_excel(
            engine="openpyxl", io=place / "hasil" / "umpan-balik" / f"{unit}.xlsx", header=None
        )
        assert f'"{unit}"' in str(feedback.iloc[0, 0])
        others = {f"{u}.xlsx" for u in UNITS if u != unit}
        assert not others & set(feedback.astype(str).to_numpy().ravel())
    assert hashes(place / "unit") == hashes(corpus.clean)


def test_feedback_goes_to_units_and_to_files_with_something_to_fix(place: Path) -> None:
    """A letter or a PDF beside the workbooks gets no feedback workbook; a damaged workbook
    gets its own problems, titled as a file, not as a unit."""
    unit = place / "unit"
    (unit / "surat pengantar.pdf").write_bytes(b"%PDF-1.7\n")
    (unit / "catatan.txt").write_text("kirim sebelum tanggal 10\n")
    (unit / "rusak.xlsx").write_bytes(b"bukan workbook")
    assert sync(place)[0] in (0, 3)
    feedback = place / "hasil" / "umpan-balik"
    expected = {f"{u}.xlsx" for u in UNITS} | {"berkas rusak.xlsx.xlsx"}
    assert {p.name for p in feedback.iterdir()} == expected
    broken = pd.read_excel(feedback / "berkas rusak.xlsx.xlsx", engine="openpyxl", header=None)
    assert str(broken.iloc[0, 0]).startswith('Masalah berkas "rusak.xlsx" menurut sinkron ')
    rows = broken.iloc[3:, [0, 2]].to_numpy().tolist()
    assert rows == [["galat", "rusak.xlsx"]]


def test_a_pass_with_no_change_reads_nothing_and_publishes_nothing(place: Path) -> None:
    assert sync(place)[0] == 0
    published = sorted((place / "hasil").rglob("*.xlsx"))
    stamps = [p.stat().st_mtime_ns for p in published]
    for _ in range(2):  # and again after a pass that found nothing
        assert sync(place)[0] == 0
        assert passes(place)[-1] == (4, 0, "selesai")
    assert sorted((place / "hasil").rglob("*.xlsx")) == published
    assert [p.stat().st_mtime_ns for p in published] == stamps
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        assert db.execute("SELECT changed FROM passes").fetchall() == [(4,), (0,), (0,)]
    # Saved again without a change: hashed, not read, nothing published.
    book = place / "unit" / f"{UNITS[1]}.xlsx"
    os.utime(book, ns=(time.time_ns(), time.time_ns()))
    assert sync(place)[0] == 0
    assert passes(place)[-1] == (4, 0, "selesai")
    assert sorted((place / "hasil").rglob("*.xlsx")) == published


def test_outputs_stored_uncompressed_by_an_older_version_are_still_served(
    place: Path,
) -> None:
    """Stores written before outputs were compressed hold plain pickles: an upgrade serves
    them as they are, and what it reads anew it stores compressed."""
    assert sync(place)[0] == 0
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        stored = db.execute("SELECT name, payload FROM files").fetchall()
        assert len(stored) == 4
        for name, payload in stored:
            db.execute("UPDATE files SET payload=? WHERE name=?", (zlib.decompress(payload), name))
    set_rating(place / "unit" / f"{UNITS[2]}.xlsx", 1, Rating.DI_BAWAH)
    code, _, err = sync(place)
    assert code == 0, err
    assert passes(place)[-1] == (4, 1, "selesai")
    assert_published_as_konsolidasi(place, place / "hasil" / "buku-nilai-TW1-terbaru.xlsx")
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        kinds = dict(db.execute("SELECT name, substr(payload, 1, 1) FROM files"))
    assert kinds == {  # 0x78 opens a zlib stream, 0x80 a pickle
        f"{u}.xlsx": b"\x78" if u == UNITS[2] else b"\x80" for u in UNITS
    }


def test_an_edit_is_read_alone_and_recorded_exactly(place: Path) -> None:
    assert sync(place)[0] == 0
    assert sync(place)[0] == 0  # a pass that finds nothing records no inputs of its own
    # Sheet 2 of the unit is (Sesuai, Sesuai) → Baik; Di Bawah makes it Butuh Perbaikan. The
    # unit (SB, Baik, Baik, BP) then has two BP and one Baik: Baik, the organisation's
    # predikat, is no longer the largest group (SE MenPANRB 3/2023).
    nip = set_rating(place / "unit" / f"{UNITS[2]}.xlsx", 1, Rating.DI_BAWAH)
    code, _, err = sync(place)
    assert code == 0, err
    assert passes(place)[-1] == (4, 1, "selesai")
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        assert db.execute("SELECT changed FROM passes ORDER BY id DESC").fetchone() == (1,)
    assert changes(place) == {
        ("berkas-berubah", "", "", ""),
        ("predikat", nip, "Baik", "Butuh Perbaikan"),
        ("masalah-baru", "", "", "distribusi-bukan-terbanyak"),
    }
    code, out, _ = run("riwayat", "--penyimpanan", place / "sinkron.sqlite")
    assert code == 0
    assert f"({nip}): Baik → Butuh Perbaikan" in out
    # The score book and the Perubahan sheet show it too.
    latest = place / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    pegawai = pd.read_excel(
        engine="openpyxl", io=latest, sheet_name="Pegawai", header=None, dtype=str
    ).fillna("")
    row = pegawai[pegawai.eq(nip).any(axis=1)]
    assert "Butuh Perbaikan" in set(row.to_numpy().ravel())
    perubahan = pd.read_excel(
        engine="openpyxl", io=latest, sheet_name="Perubahan", header=None, dtype=str
    )
    assert "Predikat berubah" in set(perubahan.fillna("").to_numpy().ravel())
    assert len(sorted((place / "hasil").glob("buku-nilai-TW1-2*.xlsx"))) == 2


def test_added_deleted_and_renamed_workbooks(place: Path, corpus: Corpus) -> None:
    assert sync(place)[0] == 0
    shutil.copy(corpus.extra, place / "unit" / corpus.extra.name)
    assert sync(place)[0] == 0
    assert passes(place)[-1] == (5, 1, "selesai")
    kinds = {kind for kind, *_ in changes(place)}
    assert {"berkas-baru", "unit-masuk"} <= kinds
    (place / "unit" / corpus.extra.name).unlink()
    assert sync(place)[0] == 0
    assert passes(place)[-1] == (4, 0, "selesai")
    assert ("berkas-dihapus", "", "", "") in changes(place)
    last = len(passes(place))
    assert sync(place)[0] == 0  # and then nothing more to do: a pass that consolidates nothing
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        (recorded,) = db.execute("SELECT COUNT(*) FROM pass_inputs WHERE pass_id > ?", (last,))
    assert recorded == (0,)


def test_an_output_folder_inside_the_source_is_refused(place: Path) -> None:
    """Published books there would be read back as units' workbooks on the next pass."""
    for inside in (place / "unit" / "hasil", place / "unit"):
        store = place / "s.sqlite"
        code, _, err = run("sinkron", "--sumber", place / "unit", "--periode", "TW1",
                           "--keluaran", inside, "--penyimpanan", store, "--sekali")  # fmt: skip
        assert code == 1, err
        assert f'Folder keluaran "{inside}" berada di dalam folder sumber' in err, err
    assert not (place / "unit" / "hasil").exists() and not (place / "s.sqlite").exists()


def test_a_second_instance_is_refused_with_the_holders_pid(place: Path) -> None:
    with StoreLock(place / "sinkron.sqlite"):
        code, _, err = sync(place)
    assert code != 0
    assert f"PID {os.getpid()}" in err and "sudah berjalan" in err


def test_status_tells_a_monitoring_script_how_it_is(place: Path) -> None:
    store = place / "sinkron.sqlite"
    code, out, _ = run("sinkron", "status", "--penyimpanan", store)
    assert code == 2 and "belum pernah" in out
    assert sync(place)[0] == 0
    code, out, _ = run("sinkron", "status", "--penyimpanan", store)
    assert code == 0, out
    assert "SEHAT" in out and all(u in out for u in UNITS)
    time.sleep(1.2)
    code, out, _ = run("sinkron", "status", "--penyimpanan", store, "--maks-umur", "1d")
    assert code == 1 and "TIDAK SEHAT" in out


def test_kill_9_at_random_points_then_a_restart(place: Path, tmp_path: Path) -> None:
    """At least 20 kills in the middle of passes that have work to do; then the store is
    intact and the next score book equals a clean run's over the same folder."""
    rng = random.Random(20261203)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    cmd = [sys.executable, "-m", "sheetnilai", "sinkron", "--sumber", str(place / "unit"),
           "--periode", "TW1", "--keluaran", str(place / "hasil"), "--penyimpanan",
           str(place / "sinkron.sqlite"), "--sekali", "--senyap", "--jobs", "1"]  # fmt: skip
    books = sorted((place / "unit").glob("*.xlsx"))
    for k in range(20):
        rating = (Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS)[k % 3]
        set_rating(books[k % len(books)], k % 4, rating)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 3), done.stderr
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        statuses = {s for (s,) in db.execute("SELECT status FROM passes")}
    assert statuses <= {"selesai", "terputus"}
    clean = tmp_path / "bersih"
    code, _, err = run(
        "sinkron", "--sumber", place / "unit", "--periode", "TW1", "--keluaran", clean,
        "--penyimpanan", clean / "s.sqlite", "--sekali", "--senyap",
    )  # fmt: skip
    assert code in (0, 3), err
    ours = frames(place / "hasil" / "buku-nilai-TW1-terbaru.xlsx")
    fresh = frames(clean / "buku-nilai-TW1-terbaru.xlsx")
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(ours[sheet], fresh[sheet], obj=sheet)


def test_terus_runs_pass_after_pass_and_stops_cleanly_on_sigterm(place: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    store = place / "sinkron.sqlite"
    cmd = [sys.executable, "-m", "sheetnilai", "sinkron", "--sumber", str(place / "unit"),
           "--periode", "TW1", "--keluaran", str(place / "hasil"), "--penyimpanan", str(store),
           "--terus", "--selang", "1d", "--jobs", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if store.is_file() and len([p for p in passes(place) if p[2] == "selesai"]) >= 3:
                break
        else:
            pytest.fail("no three passes within two minutes")
        # A second start while it runs is refused with its PID.
        code, _, err = sync(place)
        assert code != 0 and f"PID {proc.pid}" in err
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "sinkron dihentikan" in err, err
    assert all(status in ("selesai", "dihentikan") for *_, status in passes(place))
    # The lock went with the process: the next start runs.
    assert sync(place)[0] == 0
    assert "sinkron dihentikan" in (place / "sinkron.log").read_text(encoding="utf-8")


def test_terus_wakes_when_a_workbook_changes(place: Path) -> None:
    """With a 10-minute interval, an edit is published within seconds (file-system events)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    cmd = [sys.executable, "-m", "sheetnilai", "sinkron", "--sumber", str(place / "unit"),
           "--periode", "TW1", "--keluaran", str(place / "hasil"), "--penyimpanan",
           str(place / "sinkron.sqlite"), "--terus", "--selang", "10m", "--jobs", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _until(lambda: (place / "sinkron.sqlite").is_file() and len(passes(place)) >= 1
               and passes(place)[0][2] == "selesai", 120)  # fmt: skip
        time.sleep(1)  # the watch is set up after the first pass
        nip = set_rating(place / "unit" / f"{UNITS[3]}.xlsx", 0, Rating.SESUAI)
        # Sheet 1 is (Di Atas, Di Atas) → Sangat Baik; (Sesuai, Di Atas) is Baik.
        _until(lambda: ("predikat", nip, "Sangat Baik", "Baik") in all_changes(place), 60)
        assert passes(place)[1][:2] == (4, 1)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert "ada berkas berubah" in err, err


def _until(ready: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.3)


def test_a_deadline_or_the_mail_server_changes_no_score_and_reads_nothing(place: Path) -> None:
    """The sections of HR's reminders ([tenggat], [smtp], [pengingat]) and the file's comments
    are no part of any score: changing them reads no workbook again; a scoring setting does."""
    policy = place / "sheetnilai.toml"
    policy.write_text('[tenggat]\nTW1 = "2026-04-10"\n', encoding="utf-8")
    assert sync(place, "--kebijakan", policy)[0] == 0
    policy.write_text(
        '# tenggat diundur\n[tenggat]\nTW1 = "2026-04-17"\n[smtp]\nhost = "smtp.contoh.go.id"\n',
        encoding="utf-8",
    )
    assert sync(place, "--kebijakan", policy)[0] == 0
    assert passes(place)[-1] == (4, 0, "selesai")
    policy.write_text('[tenggat]\nTW1 = "2026-04-17"\n[capaian]\nbatas_atas = 110\n', "utf-8")
    assert sync(place, "--kebijakan", policy)[0] == 0
    assert passes(place)[-1] == (4, 4, "selesai")


def test_a_pass_records_what_changed_not_every_row_again(place: Path, corpus: Corpus) -> None:
    """A store left running for a year grows by what changes: after the first pass, a pass
    after one rating changed records that pegawai's row going and coming, and one input;
    the rows of every pass, added up, are the state the next pass compares with."""
    assert sync(place)[0] == 0
    books = sorted((place / "unit").glob("*.xlsx"))
    edited = []
    for book in books[:3]:  # each a Baik pegawai (Sesuai, Sesuai) made Butuh Perbaikan
        edited.append(set_rating(book, 1, Rating.DI_BAWAH))
        assert sync(place)[0] == 0
    with sqlite3.connect(place / "sinkron.sqlite") as db:
        ids = [i for (i,) in db.execute("SELECT id FROM passes ORDER BY id")]
        per_pass = [
            sorted(db.execute("SELECT op, nip FROM results WHERE pass_id=?", (i,))) for i in ids
        ]
        inputs = [
            db.execute("SELECT name, change FROM pass_inputs WHERE pass_id=?", (i,)).fetchall()
            for i in ids
        ]
        state = sorted(db.execute("SELECT * FROM state_results"))
        replayed: dict[tuple[object, ...], int] = {}
        for op, *row in db.execute(
            "SELECT op, period, nip, nama, unit, predikat, galat, peringatan FROM results"
        ):
            replayed[tuple(row)] = replayed.get(tuple(row), 0) + (1 if op == "+" else -1)
    assert len(per_pass[0]) == 16 and {op for op, _ in per_pass[0]} == {"+"}
    assert per_pass[1:] == [[("+", nip), ("-", nip)] for nip in edited]
    assert [len(rows) for rows in inputs] == [4, 1, 1, 1]
    assert [rows[0][1] for rows in inputs[1:]] == ["berubah"] * 3
    assert sorted(row for row, n in replayed.items() for _ in range(n)) == state
    assert len(state) == 16


def test_a_store_of_the_previous_schema_keeps_its_state(place: Path) -> None:
    """A store written before passes recorded only what changed (schema 2, every row of
    every pass) opens with its last state intact: the next pass after an edit reports just
    that edit."""
    store = place / "sinkron.sqlite"
    assert sync(place)[0] == 0
    with sqlite3.connect(store) as db:
        state = sorted(db.execute("SELECT * FROM state_results"))
        inputs = sorted(db.execute("SELECT * FROM state_inputs"))
    # The same store as schema 2 wrote it: the first pass's rows are its state, no state_
    # tables, no op column.
    with sqlite3.connect(store) as db:
        for table in ("state_results", "state_problems", "state_inputs"):
            db.execute(f"DROP TABLE {table}")
        for table in ("results", "problems", "pass_inputs"):
            db.execute(f"ALTER TABLE {table} DROP COLUMN op")
        db.execute("PRAGMA user_version = 2")
    SqliteStore(store).close()
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (3,)
        assert sorted(db.execute("SELECT * FROM state_results")) == state
        assert sorted(db.execute("SELECT * FROM state_inputs")) == inputs
    nip = set_rating(sorted((place / "unit").glob("*.xlsx"))[2], 1, Rating.DI_BAWAH)
    assert sync(place)[0] == 0
    assert {c for c in changes(place) if c[0] == "predikat"} == {
        ("predikat", nip, "Baik", "Butuh Perbaikan")
    }
