"""`sheetnilai gsheet kirim` against the local fake of Google: what is created, protected and
shared, how many requests each spreadsheet costs, and that re-running never duplicates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.google import auth, drive
from sheetnilai.google.kirim import READY, STATUS, send
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import read_roster
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import extract
from sheetnilai.workbook.layout import (
    META_GID_COL,
    META_LEMBAR_ROW,
    META_SHEET,
    NILAI_COL,
    RULES_SHEET,
    SkpLayout,
)
from tests.google.support import AGUS, CAMAT, NO_EMAIL, client, email, use_fake, write_roster
from tests.support.fake_google import Drop, FakeGoogle, Status
from tests.test_konsolidasi import KADIS

SKP_UNIT = "SKP 2026 - Dinas Uji"
QUICK = drive.Settle(waits=(0.05, 0.1))  # short looks for an upload Drive never stored


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def kirim(roster: Path, folder: str, *extra: str) -> tuple[int, str, str]:
    return run("gsheet", "kirim", str(roster), "--folder", folder, "--tahun", "2026", *extra)


def spreadsheets(fake: FakeGoogle, folder: str) -> dict[str, dict]:
    files = [fake.file(f) for f in list(fake._files)]
    return {
        f["name"]: f
        for f in files
        if folder in f.get("parents", []) and f["mimeType"].endswith("spreadsheet")
    }


@pytest.fixture
def setup(fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    info = use_fake(fake_google, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    folder = fake_google.add_folder("SKP 2026", shared_with=[info["client_email"]])
    return fake_google, folder, write_roster(tmp_path / "daftar.csv"), info["client_email"]


def test_creates_protects_and_shares_with_few_requests(setup, tmp_path: Path) -> None:
    fake, folder, roster, owner = setup
    code, out, err = kirim(roster, folder)
    assert code == 0, err
    assert out.count("  dibuat ") == 2 and "Selesai: 2 dibuat." in out
    # Pegawai without e-mail and a JPT without pejabat penilai are named, not silently skipped.
    assert f"NIP {NO_EMAIL}" in err and f"NIP {KADIS}" in err
    books = spreadsheets(fake, folder)
    assert set(books) == {SKP_UNIT, "SKP 2026 - Kecamatan Uji"}
    assert all(b["appProperties"][STATUS] == READY for b in books.values())

    # The token asked for exactly what kirim needs.
    assert [r["scopes"] for r in fake.token_requests] == [frozenset(auth.SEND_SCOPES)]
    # Requests per spreadsheet: upload 1, metadata 1, batchUpdate 1, permissions list 1,
    # one share per e-mail, and the "siap" mark 1. Plus one folder check and one listing.
    for name, book in books.items():
        shares = [n for n in fake.notifications if n[0] == book["id"]]
        assert fake.count(file_id=book["id"]) == 5 + len(shares), name
        assert all(notify for _, _, notify in shares)
    assert fake.count(method="POST", category="drive") - len(fake.notifications) == 2  # uploads
    api = fake.count() - fake.count(category="token")
    assert api == 2 + sum(fake.count(file_id=b["id"]) for b in books.values())

    # Same content as the .xlsx workbook: every formula and constant of every sheet.
    made = tmp_path / "xlsx"
    code, _, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(made))
    assert code == 0, err
    local = read_book(made / "Dinas Uji.xlsx")
    sid = books[SKP_UNIT]["id"]
    exported = tmp_path / "google.xlsx"
    gc = client(auth.READ_SCOPES)
    exported.write_bytes(drive.download(gc, drive.DriveFile(sid, SKP_UNIT, drive.SHEET_MIME)))
    remote = read_book(exported)
    assert list(remote.sheets) == list(local.sheets)
    for title, sheet in local.sheets.items():
        mine = {
            k: (c.formula, c.value if c.formula is None else None) for k, c in sheet.cells.items()
        }
        # A shared formula's text is in its first cell only; Google writes it in every cell.
        shared = {k for k, (text, _) in mine.items() if text == ""}
        theirs = {
            k: (
                "" if k in shared and c.formula else c.formula,
                c.value if c.formula is None else None,
            )
            for k, c in remote.sheets[title].cells.items()
            # kirim adds the gid table beside the SN_LEMBAR table
            if not (title == META_SHEET and k[0] >= META_LEMBAR_ROW and k[1] >= META_GID_COL - 1)
        }
        assert theirs == mine, title
    unit = extract(remote, SKP_UNIT)
    assert unit.gids == {s.title: s.sheet_id for s in fake.book(sid).sheets}
    assert sorted(s.nip for s in unit.sheets) == sorted(
        p.nip for p in read_roster(roster).pegawai if p.unit == "Dinas Uji"
    )

    # Protection: editors per range (Google adds the owner to every range).
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    ranges = fake.protected_ranges(sid)
    by_sheet: dict[str, list[dict]] = {}
    for pr in ranges:
        by_sheet.setdefault(pr["sheetTitle"], []).append(pr)
    people = {s.title: s.nip for s in unit.sheets}
    for title, nip in people.items():
        whole = [p for p in by_sheet[title] if set(p["range"]) == {"sheetId"}]
        assert len(whole) == 1
        expected = {owner, email(KADIS)} | ({email(nip)} if nip != NO_EMAIL else set())
        if nip == KADIS:
            expected = {owner, email(KADIS)}  # his own sheet; no pejabat penilai in the roster
        assert set(whole[0]["editors"]["users"]) == expected, title
        ratings = [
            p
            for p in by_sheet[title]
            if p["range"].get("startColumnIndex")
            in (NILAI_COL["rating_hasil"], NILAI_COL["rating_perilaku"])
            and p["range"].get("startRowIndex") == layout.nilai_first_row
        ]
        assert len(ratings) == 2
        penilai = set() if nip == KADIS else {email(KADIS)}
        assert all(set(p["editors"]["users"]) == {owner} | penilai for p in ratings), title
        identity = [
            p for p in by_sheet[title] if p["range"].get("endRowIndex") == layout.hk_title_row
        ]
        assert [set(p["editors"]["users"]) for p in identity] == [{owner}]
        warned = [p for p in by_sheet[title] if p.get("warningOnly")]
        # capaian and periksa isian per period; saran, predikat, AK
        assert len(warned) == 2 * len(layout.periods) + 3
        assert {p["description"] for p in warned} >= {
            "sheetnilai: capaian dihitung otomatis",
            "sheetnilai: periksa dihitung otomatis",
        }
    assert [set(p["editors"]["users"]) for p in by_sheet[RULES_SHEET]] == [{owner}]

    # Sharing: pegawai and penilai edit, the atasan penilai from another unit comments.
    perms = {p["emailAddress"]: p["role"] for p in fake.file(sid)["permissions"]}
    assert perms[email(AGUS)] == "writer" and perms[email(KADIS)] == "writer"
    assert perms[email(CAMAT)] == "commenter"
    assert not any(e.startswith(f"p{NO_EMAIL[-6:]}") for e in perms)


def test_rerun_leaves_alone_and_perbarui_reapplies(setup, tmp_path: Path) -> None:
    fake, folder, roster, _owner = setup
    assert kirim(roster, folder)[0] == 0
    sid = spreadsheets(fake, folder)[SKP_UNIT]["id"]
    ranges_before = len(fake.protected_ranges(sid))
    fake.set_cell(sid, "02 Agus Uji", "D20", "RHK yang sudah diketik pegawai")
    fake.reset_log()

    code, out, err = kirim(roster, folder)
    assert code == 0, err
    assert out.count("  sudah ada ") == 2 and "  dibuat " not in out
    assert fake.count(category="drive", method="POST") == 0
    assert fake.count(category="sheets_write") == 0
    assert len(spreadsheets(fake, folder)) == 2

    # Rina gets an e-mail; --perbarui re-applies protections and sharing, keeps the typing.
    write_roster(roster, with_email=True)
    code, out, err = kirim(roster, folder, "--perbarui", "--tanpa-notifikasi")
    assert code == 0, err
    assert out.count("  diperbarui ") == 2
    assert len(spreadsheets(fake, folder)) == 2
    ranges = fake.protected_ranges(sid)
    assert len(ranges) == ranges_before  # replaced, not piled up
    rina = next(
        p for p in ranges if p["sheetTitle"] == "03 Rina Uji" and set(p["range"]) == {"sheetId"}
    )
    assert email(NO_EMAIL) in rina["editors"]["users"]
    assert fake.get_cell(sid, "02 Agus Uji", "D20")[1] == "RHK yang sudah diketik pegawai"
    new_shares = [n for n in fake.notifications if n[1] == email(NO_EMAIL)]
    assert new_shares == [(sid, email(NO_EMAIL), False)]


def test_interrupted_send_is_completed_never_duplicated(setup, tmp_path: Path) -> None:
    fake, folder, roster, _owner = setup
    data = read_roster(roster)
    gc = client(auth.SEND_SCOPES)
    # A dropped upload is retried once nothing was created; the sharing of one unit keeps
    # failing past the retries, so that unit stays half-done ("proses").
    fake.inject(Drop(), times=1, match="/upload/")
    fake.inject(Status(503), times=50, match="/permissions")
    first = send(gc, data, folder, 2026, Scheme.TRIWULAN, jobs=1, settle=QUICK)
    failed = [s for s in first if s.status == "galat"]
    assert failed  # 50 failures outlast the retries of at least one unit
    for s in failed:
        codes = [p.code for p in s.problems if p.file == s.title]
        assert "gsheet-kirim-gagal" in codes
    assert len(spreadsheets(fake, folder)) == 2  # the dropped upload made no twin
    fake._faults.clear()
    second = send(gc, data, folder, 2026, Scheme.TRIWULAN, jobs=1, settle=QUICK)
    assert {s.status for s in second} <= {"dilengkapi", "sudah ada"}
    assert "dilengkapi" in {s.status for s in second}
    books = spreadsheets(fake, folder)
    assert len(books) == 2
    assert all(b["appProperties"][STATUS] == READY for b in books.values())
    sid = books[SKP_UNIT]["id"]
    assert {p["emailAddress"] for p in fake.file(sid)["permissions"]} >= {email(AGUS), email(KADIS)}


def test_folder_not_shared_is_one_clear_line(setup, tmp_path: Path) -> None:
    fake, _folder, roster, _owner = setup
    private = fake.add_folder("Pribadi")  # not shared with the service account
    code, _, err = kirim(roster, private)
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("Galat: Google tidak menemukan") and "dibagikan" in last
    assert "Traceback" not in err


def test_sent_spreadsheets_link_problems_to_cells_without_extra_requests(setup) -> None:
    fake, folder, roster, _owner = setup
    assert kirim(roster, folder)[0] == 0
    sid = spreadsheets(fake, folder)[SKP_UNIT]["id"]
    gids = {s.title: s.sheet_id for s in fake.book(sid).sheets}
    fake.settle()  # the consolidation comes weeks later: Drive's listing shows them by then
    fake.reset_log()
    code, _, err = run(
        "konsolidasi",
        "--drive",
        folder,
        "--periode",
        "TW1",
        "--keluaran",
        "buku.xlsx",
        "--arsip",
        "arsip",
        "--jobs",
        "1",
        "--senyap",
    )
    assert code == 3, err  # the unfilled SKPs are galat
    assert fake.count(category="sheets_read") == 0  # the gids came inside the export
    rows = list(openpyxl.load_workbook("buku.xlsx")["Masalah"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Tingkat")
    col = {name: i for i, name in enumerate(rows[head])}
    on_cells = [r for r in rows[head + 1 :] if r[col["Berkas"]] == SKP_UNIT and r[col["Sel"]]]
    assert on_cells
    for r in on_cells:
        assert r[col["Tautan"]] == drive.sheet_link(sid, gids[r[col["Lembar"]]], r[col["Sel"]])
