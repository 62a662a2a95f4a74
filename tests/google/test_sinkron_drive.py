"""`sheetnilai sinkron --drive` against the local fake: the changes feed decides whether a pass
has anything to do (one request when nothing changed), one export per edited spreadsheet,
each unit's problems written back to a protected Masalah sheet of its own spreadsheet without
that write causing a re-read, and faults in the middle of a pass or of a write-back survived
with nothing lost and nothing written twice."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sheetnilai.errors import SheetnilaiError
from sheetnilai.google import auth
from sheetnilai.google.kirim import KIND, KIND_SCOREBOOK
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.store.sqlite import SqliteStore
from sheetnilai.sync.drive import DriveSource
from sheetnilai.sync.run import SyncSettings, run_pass
from sheetnilai.workbook.layout import MASALAH_SHEET
from tests.google.support import client
from tests.google.test_konsolidasi_drive import PLANTED, cli_run, folder, sheets, units
from tests.support.fake_google import Applied, Drop, ExpireToken, FakeGoogle, Status

__all__ = ["folder", "units"]  # fixtures, shared with the konsolidasi --drive tests
DOCS = "https://docs.google.com/spreadsheets/d/"


def masalah(fake: FakeGoogle, sid: str) -> list[list[Any]]:
    """The Masalah sheet of a spreadsheet as rows of values ([] when it has none)."""
    sheet = fake.book(sid).by_title(MASALAH_SHEET)
    if sheet is None:
        return []
    height = max((r for r, _ in sheet.cells), default=-1) + 1
    width = max((c for _, c in sheet.cells), default=-1) + 1
    return [
        [(sheet.cells.get((r, c)) or (None, None))[1] for c in range(width)] for r in range(height)
    ]


def table(rows: list[list[Any]]) -> list[dict[str, Any]]:
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Periode")
    names = rows[head]
    padded = [[*r, *[None] * (len(names) - len(r))] for r in rows[head + 1 :] if r and r[0]]
    return [dict(zip(names, r, strict=False)) for r in padded]


def service_email() -> str:
    """The service account `use_fake` made the key of (the one sinkron works as)."""
    key = json.loads(Path(os.environ[auth.ENV_KEY]).read_text(encoding="utf-8"))
    return str(key["client_email"])


def sinkron(folder_id: str, roster: Path, *more: str) -> tuple[int, str, str]:
    return cli_run(
        "sinkron",
        "--drive",
        folder_id,
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--penyimpanan",
        "sinkron.sqlite",
        "--keluaran",
        "hasil",
        "--jobs",
        "1",
        "--sekali",
        *more,
    )


def test_quiet_pass_costs_one_request_and_an_edit_one_export(units, folder) -> None:
    fake, folder_id, ids = folder
    _, roster = units
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    assert Path("hasil/buku-nilai-TW1-terbaru.xlsx").is_file()
    me = service_email()

    # Every unit spreadsheet has its Masalah sheet, protected, holding its own rows only.
    planted_file = None
    for name, sid in ids.items():
        rows = table(masalah(fake, sid))
        assert rows, name
        # Only this spreadsheet's problems: every cell link points into it.
        assert all(str(r["Tautan"]).startswith(DOCS + sid) for r in rows if r["Sel"]), name
        planted = [r for r in rows if r.get("NIP") == PLANTED]
        if planted:
            planted_file = name
            hit = next(r for r in planted if r["Kode"] == "realisasi-bukan-angka")
            assert hit["Tautan"].startswith(DOCS + sid + "/")
            assert hit["Tautan"].endswith(f"&range={hit['Sel']}")
        ours = [
            p
            for p in fake.protected_ranges(sid)
            if p["sheetTitle"] == MASALAH_SHEET and p["description"].startswith("sheetnilai:")
        ]
        assert len(ours) == 1, name
        # Only sheetnilai's account (and the owner, whom Google never locks out) edits it.
        editors = {u.lower() for u in ours[0]["editors"]["users"]}
        assert editors == {fake.user_email.lower(), me.lower()}, editors
        assert not ours[0].get("warningOnly")
        assert ours[0]["range"] == {"sheetId": ours[0]["range"]["sheetId"]}  # the whole sheet
        # Readable without opening a cell: the message columns are wide, NIP shows whole.
        header = next(r for r in masalah(fake, sid) if r and r[0] == "Periode")
        pixels = fake.book(sid).by_title(MASALAH_SHEET).column_pixels
        assert pixels[header.index("Pesan")] >= 400 and pixels[header.index("NIP")] >= 140
    assert planted_file is not None

    # Nothing changed (our own write-back included): one Drive request, no export, no read.
    fake.requests.clear()
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    assert "tidak ada perubahan" in err
    assert fake.count(category="drive") == 1
    assert fake.count(category="sheets_read") == fake.count(category="sheets_write") == 0

    # The planted realisasi mended in the browser: that one spreadsheet is exported again,
    # its Masalah sheet no longer names the problem, and the next pass is quiet again.
    sid = ids[planted_file]
    rows = table(masalah(fake, sid))
    hit = next(r for r in rows if r["Kode"] == "realisasi-bukan-angka")
    fake.set_cell(sid, hit["Lembar"], hit["Sel"], 90)
    fake.requests.clear()
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    exports = [r for r in fake.requests if r.path.endswith("/export")]
    assert [r.file_id for r in exports] == [sid]
    # The rest: the feed, the folder and its listing, and the write-back (its sheet ids
    # read once, one batch, the version before and after); the links need no more reads.
    assert fake.count(category="sheets_read") == fake.count(category="sheets_write") == 1
    assert fake.count(category="drive") == 1 + 2 + 1 + 2
    assert not [r for r in table(masalah(fake, sid)) if r["Kode"] == "realisasi-bukan-angka"]
    book = sheets(Path("hasil/buku-nilai-TW1-terbaru.xlsx"))
    solved = [r for r in book["Perubahan"] if r and r[1] == "Masalah selesai"]
    assert [r[6] for r in solved if r[4] == PLANTED] == ["realisasi-bukan-angka"]
    fake.requests.clear()
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    assert fake.count(category="drive") == 1
    assert not [r for r in fake.requests if r.path.endswith("/export")]


def _settings(folder_id: str, roster: Path, tmp: Path, gc: Any, me: str) -> SyncSettings:
    from sheetnilai.roster import read_roster

    return SyncSettings(
        source=Path(f"drive-{folder_id}"),
        output=tmp / "hasil",
        periods=("TW1",),
        policy=DEFAULT_POLICY,
        roster=read_roster(roster, DEFAULT_POLICY),
        roster_path=roster,
        jobs=1,
        drive=DriveSource(gc, folder_id, tmp / "arsip", me, fetch_jobs=1),
    )


FAULTS = {
    "ekspor 503": (Status(503), 2, "/export"),
    "ekspor 429": (Status(429, retry_after=0), 2, "/export"),
    "ekspor putus": (Drop(), 1, "/export"),
    "umpan perubahan 503": (Status(503), 1, "/changes"),
    "token kedaluwarsa di umpan": (ExpireToken(), 1, "/changes"),
    "tulis-balik 500 setelah diterapkan": (Applied(Status(500)), 1, ":batchUpdate"),
    "tulis-balik putus setelah diterapkan": (Applied(Drop()), 1, ":batchUpdate"),
    "tulis-balik 429": (Status(429, retry_after=0), 1, ":batchUpdate"),
    # On the first pass the batch also adds the sheet and its protection: applied once only.
    "tulis-balik pertama 500 setelah diterapkan": (Applied(Status(500)), 1, ":batchUpdate", 0),
    "tulis-balik pertama putus setelah diterapkan": (Applied(Drop()), 2, ":batchUpdate", 0),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_faults_lose_nothing_and_write_nothing_twice(
    name: str, units, folder, tmp_path: Path
) -> None:
    fake, folder_id, ids = folder
    _, roster = units
    gc = client(auth.SEND_SCOPES)
    me = service_email()
    settings = _settings(folder_id, roster, tmp_path, gc, me)
    store = SqliteStore(tmp_path / "s.sqlite")
    log = logging.getLogger("test").info
    try:
        fault, times, match, *first = FAULTS[name]
        if first:
            fake.inject(fault, times=times, match=match)
            with contextlib.suppress(SheetnilaiError):
                run_pass(settings, store, log)
            assert fake.pending_faults() == 0
        first_pass = run_pass(settings, store, log)
        assert not first_pass.quiet or first
        # Mend the planted realisasi, then fault the pass that follows.
        sid = next(
            s for s in ids.values() if any(r.get("NIP") == PLANTED for r in table(masalah(fake, s)))
        )
        hit = next(r for r in table(masalah(fake, sid)) if r["Kode"] == "realisasi-bukan-angka")
        fake.set_cell(sid, hit["Lembar"], hit["Sel"], 90)
        if not first:
            fake.inject(fault, times=times, match=match)
        # A fault a pass cannot ride out fails it; the next pass does its work again.
        with contextlib.suppress(SheetnilaiError):
            run_pass(settings, store, log)
        assert fake.pending_faults() == 0
        report = run_pass(settings, store, log)
        # Whatever the fault hit, the store now holds the mended state ...
        assert not [r for r in table(masalah(fake, sid)) if r["Kode"] == "realisasi-bukan-angka"]
        if report.results:
            assert not [
                p for p in report.results[0].all_problems if p.code == "realisasi-bukan-angka"
            ]
        # ... each spreadsheet has exactly one Masalah sheet and one protection on it ...
        for s in ids.values():
            titles = [sh.title for sh in fake.book(s).sheets]
            assert titles.count(MASALAH_SHEET) == 1, titles
            ours = [p for p in fake.protected_ranges(s) if p["sheetTitle"] == MASALAH_SHEET]
            assert len(ours) == 1, ours
        # ... and the pass after is quiet: one request.
        fake.requests.clear()
        assert run_pass(settings, store, log).quiet
        assert fake.count(category="drive") == 1
        resolved = [c for c in store.changes() if c.kind == "masalah-selesai"]
        assert [c.after for c in resolved if c.before == "realisasi-bukan-angka"] == [""]
    finally:
        store.close()


def test_unggah_updates_one_score_book_spreadsheet_in_place(units, folder) -> None:
    fake, folder_id, ids = folder
    _, roster = units
    code, _, err = sinkron(folder_id, roster, "--unggah")
    assert code == 0, err

    def score_books() -> list[dict[str, Any]]:
        every = [fake.file(f) for f in fake.children(folder_id)]
        return [f for f in every if f["appProperties"].get(KIND) == KIND_SCOREBOOK]

    (first,) = score_books()
    assert first["mimeType"] == "application/vnd.google-apps.spreadsheet"
    titles = [s.title for s in fake.book(first["id"]).sheets]
    assert "Ringkasan" in titles and "Perubahan" in titles, titles

    # Our own upload is no change: the next pass is quiet (one request).
    fake.requests.clear()
    code, _, err = sinkron(folder_id, roster, "--unggah")
    assert code == 0 and "tidak ada perubahan" in err, err
    assert fake.count(category="drive") == 1

    # An edit: the same spreadsheet (same id, so the same link) gets the new score book.
    sid = next(iter(ids.values()))
    fake.set_cell(sid, "Petunjuk", "A1", "diubah di peramban")
    code, _, err = sinkron(folder_id, roster, "--unggah")
    assert code == 0, err
    (again,) = score_books()
    assert again["id"] == first["id"]
    assert int(again["version"]) > int(first["version"])
    changes = fake.book(again["id"]).by_title("Perubahan")
    assert any(v[1] == "Berkas berubah" for v in changes.cells.values())

    # No access token and no piece of the key in the log, the store, the archive's records
    # or the published books.
    key = json.loads(Path(os.environ[auth.ENV_KEY]).read_text(encoding="utf-8"))
    secrets = set(fake._tokens) | {key["private_key"].splitlines()[5], key["private_key_id"]}
    blobs = [p.read_bytes() for p in Path().glob("sinkron.*") if p.is_file()]  # log, store, WAL
    blobs += [p.read_bytes() for p in Path("sinkron-arsip").rglob("*.json")]
    for book in Path("hasil").glob("*.xlsx"):
        with zipfile.ZipFile(book) as zf:
            blobs += [zf.read(n) for n in zf.namelist()]
    assert len(secrets) > 2 and all(s.encode() not in b for s in secrets for b in blobs)


def test_drive_only_options_need_drive(tmp_path: Path) -> None:
    code, _, err = cli_run(
        "sinkron", "--sumber", str(tmp_path), "--periode", "TW1", "--sekali", "--unggah"
    )
    assert code != 0 and "--unggah hanya berlaku bersama --drive" in err
    code, _, err = cli_run("sinkron", "--periode", "TW1", "--sekali")
    assert code != 0 and "tepat satu sumber" in err


def test_a_spreadsheet_trashed_or_added_is_seen_through_the_feed(units, folder) -> None:
    fake, folder_id, ids = folder
    source, roster = units
    assert sinkron(folder_id, roster)[0] == 0
    gone_name, gone = next(iter(ids.items()))
    fake.trash(gone)
    code, _, err = sinkron(folder_id, roster)
    assert code == 0 and "tidak ada perubahan" not in err, err
    code, out, err = cli_run("riwayat", "--penyimpanan", "sinkron.sqlite")
    assert code == 0, err
    assert "Berkas dihapus" in out and gone_name in out
    # Back as a new spreadsheet: one export, recorded as a new file.
    fake.requests.clear()
    fake.add_spreadsheet(folder_id, gone_name, (source / gone_name).read_bytes())
    fake.settle()
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    assert len([r for r in fake.requests if r.path.endswith("/export")]) == 1
    code, out, _ = cli_run("riwayat", "--penyimpanan", "sinkron.sqlite")
    assert "Berkas baru" in out


def test_a_spreadsheet_we_cannot_edit_is_named_and_the_pass_goes_on(
    units, fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared read-only: the score book is still published; each refused write-back is one
    log line naming the spreadsheet, and it is tried again next pass (never marked done)."""
    from tests.google.support import use_fake

    source, roster = units
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder_id = fake_google.add_folder(
        "Hanya baca", shared_with=[info["client_email"]], role="reader"
    )
    names = sorted(p.name for p in source.glob("*.xlsx"))
    for name in names:
        fake_google.add_spreadsheet(folder_id, name, (source / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    assert Path("hasil/buku-nilai-TW1-terbaru.xlsx").is_file()
    refused = [line for line in err.splitlines() if "tidak dapat ditulis" in line]
    assert sorted(n for n in names if any(n in line for line in refused)) == names
    assert all("tidak berhak" in line for line in refused), refused
    fake_google.requests.clear()
    code, _, err = sinkron(folder_id, roster)  # nothing changed: still quiet, one request
    assert code == 0 and "tidak ada perubahan" in err
    assert fake_google.count(category="drive") == 1


def test_a_units_own_masalah_sheet_is_never_written(
    units, fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit that keeps its own sheet called Masalah keeps it untouched: ours becomes
    "Masalah (sheetnilai)", protected, and is the one rewritten on later passes."""
    import io

    import openpyxl

    from tests.google.support import use_fake

    source, roster = units
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder_id = fake_google.add_folder("Kiriman", shared_with=[info["client_email"]])
    name = sorted(p.name for p in source.glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(source / name)
    wb.create_sheet("Masalah")["A1"] = "catatan unit sendiri: jangan ditimpa"
    buf = io.BytesIO()
    wb.save(buf)
    sid = fake_google.add_spreadsheet(folder_id, name, buf.getvalue())
    monkeypatch.chdir(tmp_path)
    assert sinkron(folder_id, roster)[0] == 0
    book = fake_google.book(sid)
    own = book.by_title("Masalah")
    assert {k: v[1] for k, v in own.cells.items()} == {
        (0, 0): "catatan unit sendiri: jangan ditimpa"
    }
    ours = book.by_title("Masalah (sheetnilai)")
    assert ours is not None and any(v[1] == "Periode" for v in ours.cells.values())
    (protection,) = [
        p for p in fake_google.protected_ranges(sid) if p["sheetTitle"] == "Masalah (sheetnilai)"
    ]
    assert protection["description"].startswith("sheetnilai: Masalah")
    assert not [p for p in fake_google.protected_ranges(sid) if p["sheetTitle"] == "Masalah"]
    # An edit that changes the problems: ours is rewritten, theirs still untouched.
    fake_google.set_cell(sid, "Rekap", "A1", "diubah")
    fake_google.set_cell(
        sid, next(s.title for s in book.sheets if s.title[:2].isdigit()), "N22", "x"
    )
    assert sinkron(folder_id, roster)[0] == 0
    assert {k: v[1] for k, v in own.cells.items()} == {
        (0, 0): "catatan unit sendiri: jangan ditimpa"
    }
    assert [s.title for s in fake_google.book(sid).sheets].count("Masalah (sheetnilai)") == 1


def test_a_spreadsheet_drive_failed_to_give_is_fetched_again_next_pass(
    units, folder, tmp_path: Path
) -> None:
    """Drive keeps failing one export through every retry: that unit is a galat row in the
    pass, and the next pass fetches it again although nothing changed in Drive."""
    from sheetnilai.google import http

    fake, folder_id, ids = folder
    _, roster = units
    gc = client(auth.SEND_SCOPES)
    settings = _settings(folder_id, roster, tmp_path, gc, service_email())
    store = SqliteStore(tmp_path / "s.sqlite")
    log = logging.getLogger("test").info
    name, sid = next(iter(ids.items()))
    try:
        fake.inject(Status(503), times=http.RetryPolicy().retries + 1, match=f"{sid}/export")
        first = run_pass(settings, store, log)
        assert fake.pending_faults() == 0
        failed = [f for f in first.results[0].files if f.name == name]
        assert [f.status for f in failed] == ["galat: drive-gagal-ambil"]
        assert name not in {u.name for u in first.results[0].units}

        fake.requests.clear()
        again = run_pass(settings, store, log)  # nothing changed in Drive
        assert not again.quiet
        assert [r.file_id for r in fake.requests if r.path.endswith("/export")] == [sid]
        assert name in {u.name for u in again.results[0].units}
        assert run_pass(settings, store, log).quiet
    finally:
        store.close()


def test_our_masalah_sheet_deleted_by_the_owner_comes_back(units, folder) -> None:
    fake, folder_id, ids = folder
    _, roster = units
    assert sinkron(folder_id, roster)[0] == 0
    sid = next(iter(ids.values()))
    before = masalah(fake, sid)
    fake.delete_sheet(sid, MASALAH_SHEET)
    fake.requests.clear()
    code, _, err = sinkron(folder_id, roster)
    assert code == 0, err
    # Seen in the export the deletion caused: no extra read to find it out.
    assert [r.file_id for r in fake.requests if r.path.endswith("/export")] == [sid]
    assert masalah(fake, sid)[3:] == before[3:]  # the same rows (the pass time may differ)
    (ours,) = [p for p in fake.protected_ranges(sid) if p["sheetTitle"] == MASALAH_SHEET]
    assert ours["description"].startswith("sheetnilai:")
    fake.requests.clear()
    assert sinkron(folder_id, roster)[0] == 0
    assert fake.count(category="drive") == 1
