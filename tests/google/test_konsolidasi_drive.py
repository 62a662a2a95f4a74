"""`sheetnilai konsolidasi --drive` against the local fake: the same score book as a local
folder, one request per spreadsheet, an archive that resumes, and every fault survived."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.google import auth, drive, http
from sheetnilai.google.collect import CHECKPOINT, collect, consolidate_drive
from sheetnilai.google.kirim import KIND, KIND_SCOREBOOK
from sheetnilai.rules.policy import DEFAULT_POLICY
from tests.google.support import client, use_fake, write_roster
from tests.support.fake_google import (
    Drop,
    ExpireToken,
    FakeGoogle,
    Html,
    Slow,
    Status,
    Truncate,
)
from tests.support.libreoffice import convert, soffice
from tests.test_konsolidasi import fill, run

PLANTED = "199001052015032001"  # Rina Uji's realisasi typed as words


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Unit workbooks made by `templat buat`, filled, and recalculated by a real engine."""
    tmp = tmp_path_factory.mktemp("drive")
    roster = write_roster(tmp / "daftar.csv")
    made = tmp / "dibuat"
    code, _, err = run(
        "templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(made), "--jobs", "1"
    )
    assert code == 0, err
    for path in made.glob("*.xlsx"):
        fill(path, {PLANTED: "sembilan puluh"})
    if soffice() is None:
        pytest.skip("LibreOffice is needed to recalculate the filled workbooks")
    convert(sorted(made.glob("*.xlsx")), tmp / "masuk")
    return tmp / "masuk", roster


@pytest.fixture
def folder(
    units: tuple[Path, Path],
    fake_google: FakeGoogle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[FakeGoogle, str, dict[str, str]]:
    """The same workbooks as Google spreadsheets (converted by the fake as Drive does)."""
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder_id = fake_google.add_folder("Kiriman TW1", shared_with=[info["client_email"]])
    ids = {}
    for path in sorted(units[0].glob("*.xlsx")):
        ids[path.name] = fake_google.add_spreadsheet(folder_id, path.name, path.read_bytes())
        fake_google.book(ids[path.name])  # convert now, so no request waits for it
    monkeypatch.chdir(tmp_path)
    return fake_google, folder_id, ids


def cli_run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def sheets(book: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(book)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_same_score_book_as_the_local_folder(units, folder, tmp_path: Path) -> None:
    fake, folder_id, ids = folder
    source, roster = units
    local, remote = tmp_path / "lokal.xlsx", tmp_path / "drive.xlsx"
    code_local, _, err = cli_run(
        "konsolidasi",
        str(source),
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--keluaran",
        str(local),
        "--jobs",
        "1",
    )
    code, _, err = cli_run(
        "konsolidasi",
        "--drive",
        folder_id,
        "--periode",
        "TW1",
        "--roster",
        str(roster),
        "--keluaran",
        str(remote),
        "--jobs",
        "1",
    )
    assert code == code_local == 3, err  # the planted realisasi is a galat in both
    a, b = sheets(local), sheets(remote)
    assert list(a) == list(b)
    for title in a:
        if title == "Metadata":  # source, hashes and links differ by design
            continue
        # The one line naming the source (a folder path, or the Drive folder) differs.
        rows_a = [r for r in a[title] if not str(r[0]).startswith("Periode: ")]
        rows_b = [r for r in b[title] if not str(r[0]).startswith("Periode: ")]
        if title == "Masalah":
            at = next(i for i, r in enumerate(rows_a) if r and r[0] == "Tingkat")
            link = rows_a[at].index("Tautan")
            rows_a = [r[:link] + r[link + 1 :] for r in rows_a]
            rows_b = [r[:link] + r[link + 1 :] for r in rows_b]
        assert rows_b == rows_a, title

    # The planted problem links straight to its cell in Google Sheets.
    rows = b["Masalah"]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Tingkat")
    col = {name: i for i, name in enumerate(rows[head])}
    planted = [r for r in rows[head + 1 :] if r[col["NIP"]] == PLANTED and r[col["Sel"]]]
    assert planted
    gc = client(auth.READ_SCOPES)
    sid = ids[planted[0][col["Berkas"]]]
    gid = drive.sheet_ids(gc, sid)[planted[0][col["Lembar"]]]
    assert planted[0][col["Tautan"]] == drive.sheet_link(sid, gid, planted[0][col["Sel"]])

    # One export per spreadsheet; one Sheets read only where a problem needs a sheet's link.
    for sid in ids.values():
        assert fake.count(file_id=sid, category="drive") == 1
        assert fake.count(file_id=sid, category="sheets_read") <= 2  # ours + this test's
    assert fake.count(category="sheets_write") == 0
    assert fake.token_requests[0]["scopes"] == frozenset(auth.READ_SCOPES)
    assert "2 diambil, 0 dari arsip" in err


def test_every_period_from_one_fetch(units, folder, tmp_path: Path) -> None:
    """`--periode semua` from Drive: every period of the workbooks, one export each."""
    from sheetnilai.report import MULTI_BOOK_SHEETS

    fake, folder_id, ids = folder
    code, out, err = cli_run("konsolidasi", "--drive", folder_id, "--periode", "semua",
                             "--jobs", "1")  # fmt: skip
    assert code == 3, err
    book = tmp_path / "buku-nilai-semua-2026.xlsx"
    wb = openpyxl.load_workbook(book, read_only=True)
    assert tuple(wb.sheetnames) == MULTI_BOOK_SHEETS
    rows = list(wb["Pegawai"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "NIP")
    at = rows[head].index("Periode")
    assert {r[at] for r in rows[head + 1 :] if r[0]} == {"TW1", "TW2", "TW3", "TW4", "TAHUNAN"}
    for sid in ids.values():
        assert fake.count(file_id=sid, category="drive") == 1
    assert "Peringatan dini (TW1, TW2, TW3, TW4, TAHUNAN)" in out


def test_archive_resumes_and_fetches_only_what_changed(units, folder, tmp_path: Path) -> None:
    fake, folder_id, ids = folder
    args = ["konsolidasi", "--drive", folder_id, "--periode", "TW1", "--jobs", "1", "--senyap"]
    assert cli_run(*args, "--keluaran", "a.xlsx")[0] == 3
    archive = tmp_path / "arsip-drive" / folder_id
    stored = sorted((archive / "berkas").iterdir())
    assert len(stored) == 2 and all(p.suffix == ".xlsx" for p in stored)
    fake.reset_log()
    assert cli_run(*args, "--keluaran", "b.xlsx")[0] == 3
    assert fake.count(category="drive") == 2  # the folder check and the listing, no export
    assert sheets(tmp_path / "a.xlsx")["Pegawai"] == sheets(tmp_path / "b.xlsx")["Pegawai"]

    sid = ids["Kecamatan Uji.xlsx"]
    fake.set_cell(sid, "01 Camat Uji", "A1", "diubah di peramban")
    fake.reset_log()
    assert cli_run(*args, "--keluaran", "c.xlsx")[0] == 3
    exports = [r for r in fake.requests if r.path.endswith("/export")]
    assert [r.file_id for r in exports] == [sid]
    manifests = sorted(archive.glob("ambil-*.json"))
    assert len(manifests) == 3
    last = json.loads(manifests[-1].read_text(encoding="utf-8"))
    assert sorted(f["status"] for f in last["berkas"]) == ["dari arsip", "diambil"]
    assert len(list((archive / "berkas").iterdir())) == 3  # the old version is kept


FAULTS = {
    "429 tanpa Retry-After": (Status(429), 3, "/export"),
    "429 dengan Retry-After": (Status(429, retry_after=0.2), 1, "/export"),
    "500": (Status(500), 2, "/export"),
    "503": (Status(503), 2, "/files"),
    "koneksi putus": (Drop(), 2, "/export"),
    "jawaban lambat": (Slow(3.0), 1, "/export"),
    "token kedaluwarsa": (ExpireToken(), 1, "/export"),
    "halaman HTML 502": (Html(502), 2, None),
    "halaman HTML 200": (Html(200), 1, "/export"),
    "unduhan terpotong (Content-Length)": (Truncate("length"), 2, "/export"),
    "unduhan terpotong (chunked)": (Truncate("chunked"), 2, "/export"),
    "unduhan terpotong (tanpa panjang)": (Truncate("close"), 2, "/export"),
    "daftar JSON terpotong (tanpa panjang)": (Truncate("close"), 1, None),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_is_survived(name: str, units, folder, tmp_path: Path) -> None:
    fake, folder_id, ids = folder
    fault, times, match = FAULTS[name]
    # Only the slow-answer case needs a short timeout; a loaded CI machine needs room.
    gc = client(auth.READ_SCOPES, timeout=1.0 if isinstance(fault, Slow) else 10.0)
    # Under that timeout, the retried export must not wait for the fake's own xlsx writer,
    # which alone can take a second on a loaded machine; cut exports are written repeatedly.
    fake.export_verbatim = isinstance(fault, Slow | Truncate)
    fake.inject(fault, times=times, match=match)
    result, collection = consolidate_drive(
        gc, folder_id, tmp_path / "arsip", "TW1", DEFAULT_POLICY, jobs=1, fetch_jobs=1
    )
    assert fake.pending_faults() == 0
    assert [f.status for f in collection.fetched] == ["diambil", "diambil"], [
        f.problem.render() for f in collection.fetched if f.problem
    ]
    assert sorted(u.name for u in result.units) == sorted(ids)
    assert not [p for p in result.problems if p.code.startswith("drive-")]
    if isinstance(fault, ExpireToken):
        assert len(fake.token_requests) == 2  # google-auth refreshed on the 401
    else:
        assert gc.http_client.transport.retries_done >= times


def test_a_spreadsheet_that_keeps_failing_is_a_problem_row(units, folder, tmp_path) -> None:
    fake, folder_id, ids = folder
    bad = ids["Dinas Uji.xlsx"]
    gc = client(auth.READ_SCOPES)
    fake.inject(Status(503), times=100, match=f"/files/{bad}/export")
    result, _ = consolidate_drive(
        gc, folder_id, tmp_path / "arsip", "TW1", DEFAULT_POLICY, jobs=1, fetch_jobs=1
    )
    failed = [p for p in result.problems if p.code == "drive-gagal-ambil"]
    assert len(failed) == 1
    assert failed[0].file == "Dinas Uji.xlsx"
    assert failed[0].link == drive.sheet_link(bad)
    assert [u.name for u in result.units] == ["Kecamatan Uji.xlsx"]  # the other one is scored
    assert http.RetryPolicy().retries + 1 == fake.count(file_id=bad, category="drive")

    fake._faults.clear()  # Google is healthy again
    fake.reset_log()
    result, _ = consolidate_drive(
        gc, folder_id, tmp_path / "arsip", "TW1", DEFAULT_POLICY, jobs=1, fetch_jobs=1
    )
    exports = [r.file_id for r in fake.requests if r.path.endswith("/export")]
    assert exports == [bad]  # only what was missing
    assert sorted(u.name for u in result.units) == sorted(ids)


def masalah(book: Path) -> list[dict[str, object]]:
    rows = sheets(book)["Masalah"]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Tingkat")
    return [dict(zip(rows[head], r, strict=True)) for r in rows[head + 1 :]]


@pytest.mark.parametrize("mode", ["length", "close"])  # cut seen by the transport; by the zip
def test_a_download_cut_off_every_time_is_a_problem_row(
    mode: str, units, folder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, folder_id, ids = folder
    bad = ids["Dinas Uji.xlsx"]
    monkeypatch.setenv("SHEETNILAI_GOOGLE_RETRIES", "1")  # one retry, not minutes of backoff
    fake.export_verbatim = True  # the unedited spreadsheets as stored: no xlsx writing
    fake.inject(Truncate(mode), times=100, match=f"/files/{bad}/export")
    args = ["konsolidasi", "--drive", folder_id, "--periode", "TW1", "--keluaran", "buku.xlsx"]
    code, out, err = cli_run(*args, "--jobs", "1")
    assert code == 3, err  # the other unit's planted galat; the run went on
    assert "Traceback" not in out + err and "Error" not in out + err
    assert fake.count(file_id=bad, category="drive") == 2  # cut twice: tried, retried
    failed = [r for r in masalah(tmp_path / "buku.xlsx") if r["Kode"] == "drive-gagal-ambil"]
    assert [(r["Berkas"], r["Tautan"]) for r in failed] == [
        ("Dinas Uji.xlsx", drive.sheet_link(bad))
    ]
    assert "terputus di tengah" in str(failed[0]["Pesan"])
    scored = {r[-2] for r in sheets(tmp_path / "buku.xlsx")["Pegawai"][1:] if r}
    assert "Kecamatan Uji.xlsx" in scored and "Dinas Uji.xlsx" not in scored
    assert "1 diambil, 0 dari arsip (tidak berubah), 1 gagal" in err


@pytest.mark.parametrize("down", [Status(503), Drop()], ids=["503", "putus"])
def test_a_token_endpoint_down_after_expiry_is_one_galat_line(
    down: Status | Drop, units, folder, tmp_path: Path
) -> None:
    fake, folder_id, _ = folder
    fake.inject(ExpireToken(), match="/export")  # the token expires in the middle of the run
    fake.inject(down, times=100, match="/token", skip=1)  # the exchange at start still works
    args = ["konsolidasi", "--drive", folder_id, "--periode", "TW1", "--keluaran", "buku.xlsx"]
    code, out, err = cli_run(*args)
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("Galat:")] == [lines[-1]]
    assert lines[-1].startswith(
        "Galat: Token akses Google habis masa berlakunya di tengah pekerjaan dan tidak dapat "
        "diperbarui"
    )
    assert "yang sudah selesai tidak diulang" in lines[-1]
    assert "Traceback" not in out + err and "Error" not in out + err
    token = [r.status for r in fake.requests if r.category == "token"]
    assert token[0] == 200 and len(token) >= 2
    assert set(token[1:]) == {down.code if isinstance(down, Status) else 0}
    assert not (tmp_path / "buku.xlsx").exists()


def test_an_interrupted_run_resumes_without_fetching_again(units, folder, tmp_path) -> None:
    fake, folder_id, _ = folder
    gc = client(auth.READ_SCOPES)

    def stop_after_first(item: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(gc, folder_id, tmp_path / "arsip", jobs=1, progress=stop_after_first)
    checkpoint = json.loads((tmp_path / "arsip" / folder_id / CHECKPOINT).read_text("utf-8"))
    assert len(checkpoint["berkas"]) == 1
    fake.reset_log()
    collection = collect(gc, folder_id, tmp_path / "arsip", jobs=1)
    assert sorted(f.status for f in collection.fetched) == ["dari arsip", "diambil"]
    assert len([r for r in fake.requests if r.path.endswith("/export")]) == 1


def test_pace_stays_under_the_sheets_read_quota(units, folder) -> None:
    fake, _, ids = folder
    # One real second stands for Google's minute: the fake's 60-s window becomes 1 s.
    fake.clock = lambda: __import__("time").monotonic() * 60
    fake.quotas["sheets_read"] = 5
    gc = client(auth.READ_SCOPES)
    gc.http_client.transport.pacer = http.Pacer({http.SHEETS_READ: 5}, window=1.05)
    for _ in range(4):
        for sid in ids.values():
            drive.sheet_ids(gc, sid)
    assert fake.count(category="sheets_read", status=429) == 0
    assert gc.http_client.transport.pacer.waited > 0

    unpaced = client(auth.READ_SCOPES)
    unpaced.http_client.transport.pacer = http.Pacer({})
    unpaced.http_client.transport.retry = http.RetryPolicy(base=0.25, cap=1.0)
    for _ in range(4):
        for sid in ids.values():
            drive.sheet_ids(unpaced, sid)
    assert fake.count(category="sheets_read", status=429) > 0  # what the pace avoids
    assert unpaced.http_client.transport.retries_done > 0


def test_unggah_adds_a_new_score_book_and_no_secret_leaks(units, folder, tmp_path) -> None:
    fake, folder_id, _ = folder
    roster = units[1]
    outputs = []
    for name in ("satu.xlsx", "dua.xlsx"):
        code, out, err = cli_run(
            "konsolidasi",
            "--drive",
            folder_id,
            "--periode",
            "TW1",
            "--roster",
            str(roster),
            "--keluaran",
            name,
            "--unggah",
        )
        assert code == 3, err
        assert "Buku nilai di Google Drive: https://docs.google.com/spreadsheets/d/" in out
        outputs.append(out + err)
    books = [fake.file(f) for f in list(fake._files)]
    scorebooks = [b for b in books if b.get("appProperties", {}).get(KIND) == KIND_SCOREBOOK]
    assert len(scorebooks) == 2  # never over the earlier one
    assert fake.token_requests[0]["scopes"] == frozenset(auth.READ_SCOPES + auth.UPLOAD_SCOPES)
    # The second run did not take the first score book for a unit workbook.
    assert "Buku nilai TW1" not in outputs[1].split("Unit kerja")[0]

    key = json.loads((tmp_path / "kunci-akun-layanan.json").read_text(encoding="utf-8"))
    secrets = set(fake._tokens) | {key["private_key"].splitlines()[5]}
    texts = list(outputs)
    for book in ("satu.xlsx", "dua.xlsx"):
        with zipfile.ZipFile(tmp_path / book) as zf:
            texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
    for path in (tmp_path / "arsip-drive").rglob("*.json"):
        texts.append(path.read_text(encoding="utf-8"))
    assert secrets and all(s not in t for s in secrets for t in texts)


def test_drive_only_options_and_exactly_one_source(tmp_path: Path) -> None:
    code, _, err = cli_run("konsolidasi", "--periode", "TW1")
    assert code == 1 and "tepat satu sumber" in err
    code, _, err = cli_run("konsolidasi", str(tmp_path), "--periode", "TW1", "--unggah")
    assert code == 1 and "--unggah hanya berlaku bersama --drive" in err


def test_a_unit_in_the_folder_twice_is_counted_once_the_newer_copy(
    units, folder, tmp_path: Path
) -> None:
    """A unit whose spreadsheet is in the folder twice (a copy edited later): both are
    named, and the one Drive says was changed last is the one counted."""
    from datetime import timedelta

    fake, folder_id, _ = folder
    path = units[0] / "Kecamatan Uji.xlsx"
    later = fake.wall_clock() + timedelta(hours=1)
    fake.wall_clock = lambda: later
    copy = fake.add_spreadsheet(folder_id, "Kecamatan Uji (revisi)", path.read_bytes())
    fake.book(copy)
    fake.set_cell(copy, "01 Camat Uji", "A1", "diubah di peramban")
    fake.settle()
    book = tmp_path / "buku.xlsx"
    args = ["konsolidasi", "--drive", folder_id, "--periode", "TW1", "--jobs", "1", "--senyap"]
    assert cli_run(*args, "--keluaran", str(book))[0] == 3
    found = [r for r in masalah(book) if r["Kode"] == "unit-ganda"]
    assert sorted(str(r["Berkas"]) for r in found) == [
        "Kecamatan Uji (revisi)",
        "Kecamatan Uji.xlsx",
    ]
    for r in found:
        assert (
            "Yang dihitung hanya Kecamatan Uji (revisi) (isinya berbeda; dipakai yang paling "
            "baru diubah" in str(r["Pesan"])
        )
    camat = [r for r in sheets(book)["Pegawai"] if r[0] == "197911092005012007"]
    assert len(camat) == 1 and "Kecamatan Uji (revisi)" in camat[0]
