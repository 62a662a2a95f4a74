"""Google counts quotas per user, not per process: two runs of one account at once share
one pace through a ledger file, so they do not provoke 429s from each other."""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.errors import SheetnilaiError
from sheetnilai.google import auth, http
from tests.google.support import paced_reads, use_fake
from tests.support.fake_google import FakeGoogle


def test_two_pacers_on_one_ledger_keep_one_window(tmp_path: Path) -> None:
    now = [1000.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    def pacer(ledger: Path) -> http.Pacer:
        return http.Pacer({"x": 3}, window=60.0, clock=lambda: now[0], sleep=sleep, ledger=ledger)

    shared = tmp_path / "kuota" / "akun.json"
    a, b = pacer(shared), pacer(shared)
    for p in (a, b, a):
        p.acquire("x")
        now[0] += 1.0
    assert waits == []
    b.acquire("x")  # the fourth in a minute waits until the first leaves the window
    assert waits == [pytest.approx(57.0)]

    apart = pacer(tmp_path / "kuota" / "akun-lain.json")  # another account: its own window
    for _ in range(3):
        apart.acquire("x")
    assert len(waits) == 1

    shared.write_bytes(b'{"x": [1000.0, 10')  # cut mid-write by a crash: counts as empty
    c = pacer(shared)
    for _ in range(3):
        c.acquire("x")
    assert len(waits) == 1


def test_a_ledger_folder_that_cannot_be_written_is_one_clear_line(tmp_path: Path) -> None:
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(SheetnilaiError) as exc:
        http.Pacer(ledger=blocked / "kuota.json")
    assert exc.value.message_id == "google-folder-konfigurasi"
    assert exc.value.params["path"] == str(blocked)


def test_each_account_has_its_own_ledger_and_it_names_no_secret(
    fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder = fake_google.add_folder("Kiriman", shared_with=[info["client_email"]])
    monkeypatch.chdir(tmp_path)
    args = ["konsolidasi", "--drive", folder, "--periode", "TW1", "--keluaran", "b.xlsx"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    ledgers = list((tmp_path / "konfigurasi" / "kuota").iterdir())
    assert len(ledgers) == 1
    recorded = json.loads(ledgers[0].read_text(encoding="utf-8"))
    assert len(recorded[http.DRIVE]) == fake_google.count(category="drive")
    assert info["client_email"] not in ledgers[0].name

    same = auth.Account(None, "akun layanan", "x", (), f"sa:{info['client_email']}")
    other = auth.Account(None, "akun layanan", "y", (), "sa:lain@proyek.iam.example")
    user = auth.Account(None, "akun pengguna", "t", (), "user:klien:1//0rahasia")
    assert same.pace_ledger == ledgers[0]
    assert other.pace_ledger != same.pace_ledger
    assert "rahasia" not in str(user.pace_ledger)


ROUNDS = 3  # per process: 3 rounds over 2 spreadsheets = 6 reads; the quota allows 5/"min"


def two_runs_at_once(
    fake: FakeGoogle, key_file: Path, spreadsheets: list[str], ledgers: list[str | None]
) -> list[int]:
    """Start one process per ledger, let them read at the same moment; their retries."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    env = fake.env()
    procs = [
        ctx.Process(
            target=paced_reads,
            args=(env, str(key_file), ledger, spreadsheets, ROUNDS, ready, go, results),
        )
        for ledger in ledgers
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            ready.get(timeout=120)  # started, credentials exchanged
        fake.reset_log()
        go.set()
        retries = [results.get(timeout=120) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in procs)
    return retries


@pytest.fixture
def quota_folder(
    fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_xlsx: bytes
):
    info = use_fake(fake_google, tmp_path, monkeypatch)
    folder = fake_google.add_folder("Kiriman", shared_with=[info["client_email"]])
    sids = [fake_google.add_spreadsheet(folder, f"Unit {i}", sample_xlsx) for i in (1, 2)]
    for sid in sids:
        fake_google.book(sid)  # convert now, so no request waits for it
    # One real second stands for Google's minute: the fake's 60-s window becomes 1 s.
    fake_google.clock = lambda: time.monotonic() * 60
    fake_google.quotas["sheets_read"] = 5
    return fake_google, tmp_path / "kunci-akun-layanan.json", sids


def test_two_processes_of_one_account_share_one_pace(quota_folder, tmp_path: Path) -> None:
    fake, key, sids = quota_folder
    ledger = str(tmp_path / "kuota" / "akun.json")
    retries = two_runs_at_once(fake, key, sids, [ledger, ledger])
    assert fake.count(category="sheets_read", status=200) == 2 * ROUNDS * len(sids)
    assert fake.count(category="sheets_read", status=429) == 0
    assert retries == [0, 0]


def test_two_processes_with_a_pace_each_provoke_429s(quota_folder, tmp_path: Path) -> None:
    fake, key, sids = quota_folder
    # What the shared pace prevents: each process keeps under the quota on its own, the two
    # together do not, and Google (the fake) answers 429 to some of their reads.
    retries = two_runs_at_once(fake, key, sids, [None, None])
    assert fake.count(category="sheets_read", status=429) > 0
    assert sum(retries) > 0
    assert fake.count(category="sheets_read", status=200) == 2 * ROUNDS * len(sids)
