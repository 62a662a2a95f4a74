"""`gsheet kirim` never does anything twice, whatever Drive answers: a create Drive stored
but answered 5xx, answered after the client's timeout, or whose connection dropped; a listing
that lags behind; an orphan left at "proses"; a batchUpdate or a share applied but answered
with an error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sheetnilai.google import auth, drive
from sheetnilai.google.collect import upload_scorebook
from sheetnilai.google.kirim import (
    IN_PROGRESS,
    KIND,
    KIND_SCOREBOOK,
    KIND_UNIT,
    READY,
    STATUS,
    UNIT_KEY,
    YEAR,
    Journal,
    SentUnit,
    send,
    unit_key,
)
from sheetnilai.periods import Scheme, periods
from sheetnilai.roster import Roster, read_roster
from sheetnilai.workbook.layout import SkpLayout
from tests.google.support import client, roster_rows, use_fake, write_roster
from tests.support.fake_google import Applied, Drop, FakeGoogle, Html, Slow, Status
from tests.test_konsolidasi import run

UNITS = ("Dinas Uji", "Kecamatan Uji")
LIST_DELAY = 0.3  # seconds before Drive's listing shows a new file
SETTLE = drive.Settle(waits=(0.1, 0.2, 0.4))  # together longer than the listing's delay


@pytest.fixture
def setup(
    fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[FakeGoogle, str, Roster]:
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder = fake_google.add_folder("SKP 2026", shared_with=[info["client_email"]])
    fake_google.list_delay = LIST_DELAY
    roster = read_roster(write_roster(tmp_path / "daftar.csv", with_email=True))
    return fake_google, folder, roster


def go(roster: Roster, folder: str, timeout: float = 5.0, **options) -> list[SentUnit]:
    gc = client(auth.SEND_SCOPES, timeout=timeout)
    return send(gc, roster, folder, 2026, Scheme.TRIWULAN, jobs=1, **{"settle": SETTLE, **options})


def by_unit(fake: FakeGoogle, folder: str) -> dict[str, list[dict]]:
    """Every unit spreadsheet Drive holds in the folder, listed or not yet."""
    out: dict[str, list[dict]] = {}
    for file_id in list(fake._files):
        f = fake.file(file_id)
        if folder in f["parents"] and f["appProperties"].get(KIND) == KIND_UNIT:
            out.setdefault(f["appProperties"][UNIT_KEY], []).append(f)
    return out


def expected_shares(unit: str) -> set[str]:
    """The e-mails a unit's spreadsheet goes to, straight from the roster's rows."""
    rows = roster_rows(with_email=True)
    mail = {r[0]: r[-1] for r in rows}
    people = set()
    for r in rows:
        if r[7] == unit:
            people |= {r[0], r[8], r[9]}
    return {mail[nip] for nip in people if nip in mail}


def assert_sent_once(fake: FakeGoogle, folder: str) -> dict[str, dict]:
    """One spreadsheet per unit, ready, each invitation sent exactly once."""
    books = by_unit(fake, folder)
    assert sorted(books) == sorted(unit_key(u) for u in UNITS)
    assert all(len(files) == 1 for files in books.values()), books
    assert Counter(fake.notifications).most_common(1)[0][1] == 1
    out = {}
    for unit in UNITS:
        (book,) = books[unit_key(unit)]
        assert book["appProperties"][STATUS] == READY
        invited = {e for sid, e, _ in fake.notifications if sid == book["id"]}
        assert invited == expected_shares(unit)
        out[unit] = book
    return out


def uploads(fake: FakeGoogle) -> int:
    return sum(1 for r in fake.requests if r.path.startswith("/upload/"))


def key_lookups(fake: FakeGoogle) -> list[int]:
    """Statuses of the listings that searched for a create's key."""
    return [
        r.status
        for r in fake.requests
        if r.path == "/drive/v3/files" and drive.CREATE_KEY in "".join(r.query.get("q", []))
    ]


SLOW_SETTLE = drive.Settle(waits=(0.25, 0.5, 1.0))
AMBIGUOUS_CREATES = {  # fault, client timeout, listing delay, waits for the listing
    "5xx sesudah tersimpan": (Applied(Status(500)), 5.0, LIST_DELAY, SETTLE),
    "HTML 502 sesudah tersimpan": (Applied(Html(502)), 5.0, LIST_DELAY, SETTLE),
    "putus sesudah tersimpan": (Applied(Drop()), 5.0, LIST_DELAY, SETTLE),
    # Stored at once, answered 3 s later; the client gives up after 1 s, the listing shows
    # the file only after 1.5 s.
    "jawaban sesudah batas waktu": (Applied(Slow(3.0)), 1.0, 1.5, SLOW_SETTLE),
}


@pytest.mark.parametrize("name", sorted(AMBIGUOUS_CREATES))
def test_an_ambiguous_create_is_found_not_made_twice(name: str, setup) -> None:
    fake, folder, roster = setup
    fault, timeout, fake.list_delay, settle = AMBIGUOUS_CREATES[name]
    fake.inject(fault, match="/upload/")
    sent = go(roster, folder, timeout=timeout, settle=settle)
    assert [s.status for s in sent] == ["dibuat", "dibuat"]
    assert not [p for s in sent for p in s.problems if p.code.startswith("gsheet-kirim")]
    assert_sent_once(fake, folder)
    assert uploads(fake) == 2  # the stored one was found, not uploaded again
    assert len(key_lookups(fake)) >= 2  # the first look came before the listing showed it


def test_without_waiting_for_the_listing_a_twin_is_left_and_then_never_shared(setup) -> None:
    fake, folder, roster = setup
    # No waits: the look for the stored upload comes before the listing shows it, so the
    # upload is tried again. This is the twin the waits prevent; it must stay harmless.
    fake.inject(Applied(Status(500)), match="/upload/")
    first = go(roster, folder, settle=drive.Settle(waits=(), creates=2))
    assert [s.status for s in first] == ["dibuat", "dibuat"]
    assert uploads(fake) == 3
    twins = next(files for files in by_unit(fake, folder).values() if len(files) == 2)
    orphan = next(f for f in twins if f["appProperties"][STATUS] == IN_PROGRESS)
    used = next(f for f in twins if f["appProperties"][STATUS] == READY)

    def untouched() -> None:
        assert [p["role"] for p in fake.file(orphan["id"])["permissions"]] == ["owner"]
        assert not [n for n in fake.notifications if n[0] == orphan["id"]]
        assert fake.protected_ranges(orphan["id"]) == []
        assert fake.file(orphan["id"])["appProperties"][STATUS] == IN_PROGRESS

    untouched()
    invitations = list(fake.notifications)

    fake.settle()  # a later run: the listing shows both now
    for options in ({}, {"update": True}, {"journal": Journal(None)}):  # last: other computer
        again = go(roster, folder, **options)
        unit = next(s for s in again if s.spreadsheet_id == used["id"])
        assert unit.status == ("diperbarui" if options.get("update") else "sudah ada")
        reported = [p for p in unit.problems if p.code == "gsheet-spreadsheet-ganda"]
        assert [(p.file, p.link) for p in reported] == [(orphan["name"], orphan["webViewLink"])]
        assert used["webViewLink"] in reported[0].render()
        untouched()
    assert fake.notifications == invitations  # nobody invited twice


def test_an_orphan_of_a_run_that_died_mid_create_is_completed(setup, tmp_path: Path) -> None:
    fake, folder, roster = setup
    # A run tagged and sent its upload, and ended before Drive's answer came: Drive stored a
    # spreadsheet at "proses"; the run's journal holds the key, not the id.
    key = "kunci-dari-proses-yang-mati"
    journal = Journal.for_folder(folder)
    journal.put("Dinas Uji", 2026, kunci=key, id="")
    props = {
        KIND: KIND_UNIT,
        UNIT_KEY: unit_key("Dinas Uji"),
        YEAR: "2026",
        STATUS: IN_PROGRESS,
        drive.CREATE_KEY: key,
    }
    gc = client(auth.SEND_SCOPES)
    made = tmp_path / "xlsx"
    code, _, err = run("templat", "buat", str(tmp_path / "daftar.csv"), "--keluaran", str(made))
    assert code == 0, err
    data = (made / "Dinas Uji.xlsx").read_bytes()
    orphan = drive.upload_as_spreadsheet(gc, folder, "SKP 2026 - Dinas Uji", data, props)

    sent = {s.unit: s for s in go(roster, folder)}
    assert sent["Dinas Uji"].status == "dilengkapi"
    assert sent["Dinas Uji"].spreadsheet_id == orphan.id
    assert sent["Kecamatan Uji"].status == "dibuat"
    assert_sent_once(fake, folder)


def test_a_quick_rerun_finds_what_the_listing_does_not_show_yet(setup) -> None:
    fake, folder, roster = setup
    fake.list_delay = 3600  # Drive's listing shows nothing new during this test
    assert [s.status for s in go(roster, folder)] == ["dibuat", "dibuat"]
    fake.reset_log()
    again = go(roster, folder)
    assert [s.status for s in again] == ["sudah ada", "sudah ada"]
    assert uploads(fake) == 0
    assert_sent_once(fake, folder)
    # What prevented the twins: the journal's ids, which files.get answers at once. A
    # computer without the journal would see an empty listing and create them again.
    gets = {r.file_id for r in fake.requests if r.method == "GET" and r.file_id}
    assert {s.spreadsheet_id for s in again} <= gets
    elsewhere = go(roster, folder, journal=Journal(None))
    assert [s.status for s in elsewhere] == ["dibuat", "dibuat"]
    assert all(len(files) == 2 for files in by_unit(fake, folder).values())


def test_a_batch_update_applied_but_answered_5xx_does_not_double_protections(setup) -> None:
    fake, folder, roster = setup
    fake.inject(Applied(Status(503)), match=":batchUpdate")
    go(roster, folder)
    books = assert_sent_once(fake, folder)
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    per_sheet = 4 + 2 * len(layout.periods) + 3  # whole, identity, 2 ratings; warnings
    batches = {
        u: sum(1 for r in fake.requests if r.file_id == b["id"] and r.path.endswith(":batchUpdate"))
        for u, b in books.items()
    }
    assert sorted(batches.values()) == [1, 2]  # the lost batch was sent again, once
    for unit, book in books.items():
        ranges = fake.protected_ranges(book["id"])
        pegawai = sum(1 for r in roster_rows() if r[7] == unit)
        assert len(ranges) == pegawai * per_sheet + 4  # + Petunjuk, Rekap, Aturan, metadata
        seen = Counter(
            (r["sheetTitle"], tuple(sorted(r["range"].items())), r["description"]) for r in ranges
        )
        assert seen.most_common(1)[0][1] == 1, unit


@pytest.mark.parametrize("fault", [Applied(Status(500)), Applied(Drop())], ids=["5xx", "putus"])
def test_a_share_applied_but_unanswered_is_not_sent_twice(fault, setup) -> None:
    fake, folder, roster = setup
    fake.inject(fault, match="/permissions", skip=1)  # skip the listing, hit the first share
    sent = go(roster, folder)
    assert [s.status for s in sent] == ["dibuat", "dibuat"]
    books = assert_sent_once(fake, folder)
    posts = Counter(
        r.file_id for r in fake.requests if r.method == "POST" and r.path.endswith("/permissions")
    )
    assert {posts[b["id"]] for b in books.values()} == {
        len(expected_shares(u)) for u in UNITS
    }  # the share whose answer was lost was looked up, not sent again
    assert sum(s.shared for s in sent) == len(fake.notifications)


def test_a_score_book_upload_answered_5xx_is_not_made_twice(
    setup, tmp_path: Path, sample_xlsx: bytes
) -> None:
    fake, folder, _ = setup
    book = tmp_path / "buku.xlsx"
    book.write_bytes(sample_xlsx)
    fake.inject(Applied(Status(502)), match="/upload/")
    made = upload_scorebook(client(auth.UPLOAD_SCOPES), folder, book, "Buku nilai TW1", SETTLE)
    books = [
        f
        for f in (fake.file(i) for i in list(fake._files))
        if f["appProperties"].get(KIND) == KIND_SCOREBOOK
    ]
    assert [b["id"] for b in books] == [made.id]
