"""`sheetnilai templat perbarui`: workbooks follow roster changes and template upgrades
without losing a typed character.

The round trip is checked here independently of the updater's own check: every keyed cell
of every SKP block that is not a formula, read with the consolidation's extractor before and
after, must be the same for every pegawai (by NIP), and so must the Rekap's organisation
predikat.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.consolidate import consolidate
from sheetnilai.roster import read_roster
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.sources.folder import discover
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import NotReadable, UnitBook, extract
from sheetnilai.workbook.layout import TEMPLATE_VERSION
from sheetnilai.workbook.update import BACKUP_FOLDER, update_workbooks
from tests.support.corpus import Corpus, hashes
from tests.test_bad_input import CASES, Src

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "unit-v1.xlsx"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


CALCULATED = ("capaian", "periksa", "realisasi_dinilai", "target_dinilai", "atas_dinilai",
              "saran", "predikat", "angka_kredit")  # fmt: skip


def overtyped(book: UnitBook) -> set[str]:
    """Calculated cells holding a typed value instead of their formula ("sheet!cell")."""
    out = set()
    for sheet in book.sheets:
        rows = [*sheet.hasil_kerja, *sheet.nilai.values()]
        for row in rows:
            for key in row.keys:
                cell = row.get(key)
                if key.split("@")[0] in CALCULATED and cell.formula is None and not cell.blank:
                    out.add(f"{sheet.title}!{cell.ref}")
    return out


def typed(book: UnitBook) -> dict[tuple[str, str], tuple[object, object, object]]:
    """Every non-formula cell with content in the keyed blocks, by (NIP, place), and the
    organisation predikat; identity cells only where they are typed (pendekatan).
    Calculated cells typed over are left to `overtyped`."""
    out: dict[tuple[str, str], tuple[object, object, object]] = {}

    def add(nip: str, place: str, cell) -> None:  # type: ignore[no-untyped-def]
        if cell.formula is None and cell.error is None and cell.blank:
            return
        if place.split(":")[-1].split("@")[0] in CALCULATED:
            return
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out[nip, place] = (value, cell.error, cell.formula)

    for sheet in book.sheets:
        blocks = {"hk": sheet.hasil_kerja, "pk": sheet.perilaku, "lampiran": sheet.lampiran}
        for name, rows in blocks.items():
            for k, row in enumerate(rows):
                for key in row.keys:
                    cell = row.get(key)
                    if cell.formula is None or cell.error is not None:
                        add(sheet.nip, f"{name}:{k}:{key}", cell)
        for period, row in sheet.nilai.items():
            for key in row.keys:
                cell = row.get(key)
                if cell.formula is None or cell.error is not None:
                    add(sheet.nip, f"nilai:{period}:{key}", cell)
        add(sheet.nip, "ident:peg_pendekatan", sheet.ident("peg_pendekatan"))
    for period, cell in book.org_predikat.items():
        add("", f"rekap:{period}", cell)
    return out


def round_trip(folder: Path, out: Path, roster=None, day=None) -> list:  # type: ignore[no-untyped-def]
    """Update every readable workbook of `folder` into `out`; every workbook is either
    refused with a problem (and left as it was) or carries every typed cell."""
    import datetime as dt

    found = discover(folder).to_read
    before = hashes(folder)
    outcomes = update_workbooks(
        [(f.path, f.name) for f in found], roster, None, day or dt.date(2026, 5, 15), out
    )
    assert hashes(folder) == before  # the originals are never touched
    for f, outcome in zip(found, outcomes, strict=True):
        try:
            old = extract(read_book(f.path), f.name)
        except (NotReadable, Exception):  # not a unit workbook: must have been refused
            assert outcome.problem is not None, f.name
            continue
        if outcome.problem is not None:
            assert outcome.target is None and not (out / f.name).exists(), f.name
            continue
        assert outcome.target is not None
        new = extract(read_book(outcome.target), f.name)
        assert new.version == TEMPLATE_VERSION
        # A formula typed over is computed again, and the report says where.
        for where in overtyped(old):
            assert any(c.startswith(f"{where}: rumus dipulihkan") for c in outcome.changes)
        was, now = typed(old), typed(new)
        lost = {k: v for k, v in was.items() if now.get(k) != v}
        assert not lost, (f.name, list(lost.items())[:5], [now.get(k) for k in list(lost)[:5]])
    return outcomes


@pytest.mark.parametrize("case", CASES)
def test_round_trip_on_the_bad_input_corpus(case, corpus: Corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    case(Src(folder, corpus))
    changed = tmp_path / "berubah"
    changed.mkdir()
    # Only the workbooks the case changed (the others are the clean corpus, checked once).
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and corpus.hashes.get(rel) != hashes(folder).get(rel):
            target = changed / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    if not discover(changed).to_read:
        pytest.skip("the case changes no workbook")
    round_trip(changed, tmp_path / "keluar")


def test_round_trip_on_the_clean_corpus(corpus: Corpus, tmp_path: Path) -> None:
    outcomes = round_trip(corpus.clean, tmp_path / "keluar")
    assert all(o.problem is None for o in outcomes)


def test_upgrade_from_template_version_1(tmp_path: Path) -> None:
    """The committed workbook made by the version-1 sheetnilai (tests/fixtures/make_v1.py)."""
    folder = tmp_path / "lama"
    folder.mkdir()
    shutil.copy2(FIXTURE_V1, folder / FIXTURE_V1.name)
    old = consolidate(folder, "TW1", DEFAULT_POLICY, jobs=1)
    assert "versi-templat-lama" in {p.code for p in old.all_problems}
    (outcome,) = round_trip(folder, tmp_path / "baru")
    assert outcome.problem is None and any("versi 1 → 2" in c for c in outcome.changes)
    new = consolidate(tmp_path / "baru", "TW1", DEFAULT_POLICY, jobs=1)
    assert "versi-templat-lama" not in {p.code for p in new.all_problems}
    # Blank sifat reads as tetap: the scores are those of the version-1 workbook.
    for a, b in zip(old.pegawai, new.pegawai, strict=True):
        assert (a.nip, a.mean_capaian, a.predikat) == (b.nip, b.mean_capaian, b.predikat)
    caps = {(i.nip, i.iki): i.capaian for i in old.units[0].iki}
    assert caps == {(i.nip, i.iki): i.capaian for i in new.units[0].iki}


HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
          "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"]  # fmt: skip
KADIS = "197203151998031002"
SEKRETARIS = "197605102000031003"
AGUS = "198807222011011004"
RINA = "199001052015032001"
BARU = "200103152025052001"  # a CPNS appointed in May 2025 (the NIP says so)
PINDAH = "198512302010012005"


def _person(nip: str, nama: str, unit: str, penilai: str = KADIS, jenis: str = "Pelaksana",
            jabatan: str = "Analis") -> list[str]:  # fmt: skip
    return [nip, nama, jabatan, jenis, "PNS", "", "Penata (III/c)", unit, penilai, "", ""]


BEFORE = [
    _person(KADIS, "Drs. Kepala Dinas", "Dinas Uji", "", "JPT", "Kepala Dinas"),
    _person(SEKRETARIS, "Sekretaris Uji", "Dinas Uji", KADIS, "Administrator", "Sekretaris"),
    _person(AGUS, "Agus Uji", "Dinas Uji"),
    _person(RINA, "Rina Uji", "Dinas Uji"),
    _person(PINDAH, "Dewi Pindah", "Dinas Uji"),
    _person("197911092005012007", "Camat Uji", "Kecamatan Uji", KADIS, "Administrator", "Camat"),
]
# May: Rina retires, a CPNS joins, Dewi moves to the Kecamatan, and Agus is appraised by the
# Sekretaris as PLT while the Kepala Dinas is away.
AFTER = [
    BEFORE[0],
    BEFORE[1],
    _person(AGUS, "Agus Uji", "Dinas Uji", SEKRETARIS),
    _person(BARU, "Putri Baru", "Dinas Uji"),
    _person(PINDAH, "Dewi Pindah", "Kecamatan Uji", "197911092005012007"),
    BEFORE[5],
]


def _roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def _fill_tw1(folder: Path) -> None:
    """Type a realisasi and the TW1 ratings for everyone, as units do before May."""
    from sheetnilai.periods import Scheme, periods
    from sheetnilai.workbook.layout import NILAI_COL, SkpLayout

    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    for path in folder.glob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        for title in (t for t in wb.sheetnames if t[:2].isdigit()):
            ws = wb[title]
            r = layout.hk_first_row + 1
            plan = {"rhk": "RHK", "rhk_atasan": "RHK", "iki": "IKI uji", "target": 10,
                     "realisasi@TW1": 10, "sifat": "Tetap"}  # fmt: skip
            for key, value in plan.items():
                ws.cell(r, col[key], value)
            nr = layout.nilai_row(0) + 1
            ws.cell(nr, NILAI_COL["rating_hasil"] + 1, "Sesuai Ekspektasi")
            ws.cell(nr, NILAI_COL["rating_perilaku"] + 1, "Sesuai Ekspektasi")
        wb.save(path)


@pytest.fixture
def mid_year(tmp_path: Path) -> tuple[Path, Path]:
    before = _roster(tmp_path / "daftar-januari.csv", BEFORE)
    after = _roster(tmp_path / "daftar-mei.csv", AFTER)
    folder = tmp_path / "unit"
    code, _, err = run("templat", "buat", str(before), "--tahun", "2026", "--keluaran",
                       str(folder), "--jobs", "1")  # fmt: skip
    assert code == 0, err
    _fill_tw1(folder)
    return folder, after


def _sheets(path: Path) -> dict[str, object]:
    return {s.nip: s for s in extract(read_book(path), path.name).sheets}


def test_roster_changes_mid_year(mid_year: tuple[Path, Path], tmp_path: Path) -> None:
    folder, after = mid_year
    out = tmp_path / "mei"
    code, stdout, err = run("templat", "perbarui", str(folder), "--roster", str(after),
                            "--tanggal", "15/05/2026", "--keluaran", str(out))  # fmt: skip
    assert code == 0, err
    assert "pegawai baru: Putri Baru (NIP 200103152025052001) sejak 15/05/2026" in stdout
    assert "pegawai keluar: Rina Uji (NIP 199001052015032001), tidak aktif sejak 15/05/2026" in (
        stdout
    )
    assert "pegawai keluar: Dewi Pindah" in stdout  # from the Dinas: a mutasi
    assert 'Agus Uji: pejabat penilai NIP "197203151998031002" → "197605102000031003"' in stdout
    assert "pegawai baru: Dewi Pindah" in stdout  # in the Kecamatan
    dinas = _sheets(out / "Dinas Uji.xlsx")
    assert dinas[BARU].ident("peg_aktif_sejak").text == "15/05/2026"  # type: ignore[attr-defined]
    assert dinas[RINA].ident("peg_aktif_sampai").text == "15/05/2026"  # type: ignore[attr-defined]
    assert dinas[AGUS].ident("pnl_nama").text == "Sekretaris Uji"  # type: ignore[attr-defined]
    assert dinas[RINA].ident("peg_nama").text == "Rina Uji"  # type: ignore[attr-defined]
    # Rina's TW1 evaluation is still there and still counts for TW1, not for TW2; Putri's
    # counts from TW2; Dewi is counted once per period, in the unit that appraised her.
    tw1 = consolidate(out, "TW1", DEFAULT_POLICY, jobs=1)
    tw2 = consolidate(out, "TW2", DEFAULT_POLICY, jobs=1)
    counted1 = {(p.nip, p.unit) for p in tw1.pegawai}
    counted2 = {(p.nip, p.unit) for p in tw2.pegawai}
    assert (RINA, "Dinas Uji") in counted1 and RINA not in {n for n, _ in counted2}
    assert BARU not in {n for n, _ in counted1} and (BARU, "Dinas Uji") in counted2
    assert [u for n, u in counted1 if n == PINDAH] == ["Dinas Uji"]
    assert [u for n, u in counted2 if n == PINDAH] == ["Kecamatan Uji"]
    rina = next(p for p in tw1.pegawai if p.nip == RINA)
    assert rina.predikat is not None and rina.predikat.label == "Baik"
    inactive = [p for p in tw2.all_problems if p.code == "pegawai-tidak-aktif-periode"]
    assert {p.nip for p in inactive} == {RINA, PINDAH}  # both gone from the Dinas by 30 June
    assert {p.nip for p in tw1.all_problems if p.code == "pegawai-tidak-aktif-periode"} == {
        BARU,
        PINDAH,
    }  # Putri in the Dinas and Dewi in the Kecamatan, both from 15 May
    assert not [p for p in tw2.all_problems if p.code == "nip-ganda"]
    # With the May roster, the newcomer is not "belum masuk" for TW1 (not yet in the unit),
    # and in TW2 everyone the roster lists is counted.
    roster = read_roster(after)
    tw1 = consolidate(out, "TW1", DEFAULT_POLICY, roster, jobs=1)
    assert BARU not in {b.nip for b in tw1.belum_masuk}
    tw2 = consolidate(out, "TW2", DEFAULT_POLICY, roster, jobs=1)
    assert {p.nip for p in tw2.pegawai} == {row[0] for row in AFTER}


def test_in_place_keeps_a_backup_and_never_half_writes(
    mid_year: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, after = mid_year
    originals = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*")}
    # A second folder as the output target is refused when a file is there already.
    out = tmp_path / "hasil"
    out.mkdir()
    (out / "Dinas Uji.xlsx").write_bytes(b"punya orang")
    code, _, err = run("templat", "perbarui", str(folder), "--keluaran", str(out))
    assert (
        code == 1
        and "sudah ada" in err
        and (out / "Dinas Uji.xlsx").read_bytes() == (b"punya orang")
    )
    code, _, err = run("templat", "perbarui", str(folder), "--keluaran", str(folder / "x"))
    assert code == 1 and "di dalam folder sumber" in err
    code, _, err = run("templat", "perbarui", str(folder), "--roster", str(after),
                            "--tanggal", "15/05/2026", "--timpa")  # fmt: skip
    assert code == 0, err
    backups = sorted((folder / BACKUP_FOLDER).glob("*"))
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in backups} == set(originals.values())
    assert BARU in _sheets(folder / "Dinas Uji.xlsx")
    # The backups sit in a hidden folder: the consolidation does not count them twice.
    result = consolidate(folder, "TW1", DEFAULT_POLICY, jobs=1)
    assert sorted(f.name for f in result.files) == ["Dinas Uji.xlsx", "Kecamatan Uji.xlsx"]


def test_a_damaged_workbook_is_refused_and_left_as_it_was(
    mid_year: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = mid_year
    path = folder / "Dinas Uji.xlsx"
    wb = openpyxl.load_workbook(path)
    del wb[next(t for t in wb.sheetnames if t[:2].isdigit())]
    wb.save(path)
    before = path.read_bytes()
    code, stdout, _ = run("templat", "perbarui", str(folder), "--timpa")
    assert code == 3
    assert "Dinas Uji.xlsx: galat: Ada lembar SKP yang dihapus atau rusak" in stdout
    assert path.read_bytes() == before
    assert not list((folder / BACKUP_FOLDER).glob("Dinas Uji*"))
    assert "Selesai: 1 workbook diperbarui, 1 tidak" in stdout


@pytest.mark.parametrize("where", ["own-sheet", "gap-row", "beside-identity"])
def test_what_a_rebuild_cannot_carry_is_refused(
    where: str, mid_year: tuple[Path, Path], tmp_path: Path
) -> None:
    """A sheet of the user's own, or a note typed outside the input blocks, would be dropped
    by a rebuild: the workbook is refused and stays as it was."""
    from sheetnilai.periods import Scheme, periods
    from sheetnilai.workbook.layout import SkpLayout, cell

    folder, _ = mid_year
    path = folder / "Kecamatan Uji.xlsx"
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    wb = openpyxl.load_workbook(path)
    skp = wb[next(t for t in wb.sheetnames if t[:2].isdigit())]
    if where == "own-sheet":
        wb.create_sheet("Catatan saya")["A1"] = "rapat 3 Maret"
        expected = "lembar Catatan saya"
    elif where == "gap-row":
        at = cell(layout.hk_end_row + 1, 3)
        skp[at] = "catatan di sela tabel"
        expected = f"{skp.title}!{at}"
    else:
        at = cell(layout.ident_first_row, 3)
        skp[at] = "cuti 2 minggu"
        expected = f"{skp.title}!{at}"
    wb.save(path)
    before = path.read_bytes()
    code, stdout, _ = run("templat", "perbarui", str(folder), "--timpa")
    assert code == 3
    refusal = f"Workbook ini memuat 1 isi di luar bagian isian templat ({expected})"
    assert f"Kecamatan Uji.xlsx: galat: {refusal}" in stdout
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tanggal", "31/02/2026"], 'Tanggal "31/02/2026" tidak dikenali.'),
        (["--timpa", "--keluaran", "x"], "--timpa (perbarui di tempat) tidak dapat digabung"),
    ],
)
def test_command_mistakes(mid_year: tuple[Path, Path], args: list[str], says: str) -> None:
    folder, _ = mid_year
    code, _, err = run("templat", "perbarui", str(folder), *args)
    assert code == 1 and err.startswith(f"Galat: {says}"), err
