"""Benchmark: Google Sheets through the local fake, with Google's per-minute quotas.

Measures, in one run:
- `gsheet kirim` on the built-in sample roster (12 units, 300 pegawai): API requests per
  spreadsheet, by kind;
- `konsolidasi --drive` of 500 unit spreadsheets (the 10,000-pegawai agency of
  bench/consolidate.py, cached under /tmp) from the fake with its quotas set to Google's
  per-user limits (Sheets 60 reads and 60 writes per minute, Drive 12,000 per minute): wall
  time, requests per spreadsheet, and the theoretical minimum those quotas allow for the same
  requests; against the baseline of consolidating the same files from a local folder. The
  agency's files were not sent by `gsheet kirim`, so links to cells cost one paced Sheets
  read per spreadsheet with problems: that part is quota-bound by design (~8 min);
- with `--tempo N`: N Sheets reads (one per spreadsheet, what a Sheets-API collection would
  need at least) paced by our client under the 60/min quota, against the quota's minimum.

Run: `.venv/bin/python bench/drive.py [--unit 500] [--pegawai 10000] [--jobs 2] [--tempo 0]`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from consolidate import agency
from tests.support.fake_google import FakeGoogle

from sheetnilai.consolidate import consolidate
from sheetnilai.google import auth, drive, http
from sheetnilai.google.collect import collect, consolidate_drive
from sheetnilai.google.endpoints import Endpoints
from sheetnilai.google.kirim import send
from sheetnilai.periods import Scheme
from sheetnilai.roster import read_roster, sample_roster_path
from sheetnilai.rules.policy import DEFAULT_POLICY

LIMITS = dict(http.GOOGLE_LIMITS)


def floor_seconds(requests: int, per_minute: int, burst: bool) -> float:
    """The least time `requests` can take under a per-minute limit.

    burst=True: a sliding 60-s window that starts empty (the first `per_minute` go at once);
    burst=False: a steady rate of per_minute/60 per second.
    """
    if requests <= 0:
        return 0.0
    if burst:
        return math.floor((requests - 1) / per_minute) * 60.0
    return requests / per_minute * 60.0


def client_for(fake: FakeGoogle, scopes: tuple[str, ...]) -> object:
    info = fake.service_account()
    creds_file = Path(tempfile.mkdtemp()) / "kunci.json"
    creds_file.write_text(json.dumps(info))
    ends = Endpoints.from_env(fake.env())
    account = auth.credentials(scopes, creds_file, ends)
    return http.client(account.credentials, http.Transport(endpoints=ends)), info["client_email"]


def by_kind(fake: FakeGoogle) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for r in fake.requests:
        if r.category in ("token", "auth"):
            continue
        tail = r.path.rsplit("/", 1)[-1]
        if r.path.startswith("/upload/"):
            kinds["unggah"] += 1
        elif r.path.endswith("/export"):
            kinds["ekspor"] += 1
        elif r.path.endswith("/permissions"):
            kinds["berbagi" if r.method == "POST" else "daftar izin"] += 1
        elif r.method == "PATCH":
            kinds["tanda siap"] += 1
        elif ":batchUpdate" in tail:
            kinds["proteksi (batchUpdate)"] += 1
        elif r.path.startswith("/v4/"):
            kinds["metadata Sheets"] += 1
        elif r.path == "/drive/v3/files":
            kinds["daftar folder"] += 1
        else:
            kinds["info folder"] += 1
    return kinds


def bench_kirim() -> None:
    with FakeGoogle() as fake:
        fake.quotas.update(LIMITS)
        gc, email = client_for(fake, auth.SEND_SCOPES)
        folder = fake.add_folder("SKP", shared_with=[email])
        roster = read_roster(sample_roster_path())
        fake.reset_log()
        start = time.perf_counter()
        sent = send(gc, roster, folder, 2026, Scheme.TRIWULAN, notify=False)
        elapsed = time.perf_counter() - start
        kinds = by_kind(fake)
        n = len(sent)
        print(f"gsheet kirim: {n} spreadsheet, {len(roster.pegawai)} pegawai, {elapsed:.1f} s")
        per_file = {k: v for k, v in kinds.items() if k not in ("daftar folder", "info folder")}
        print(
            f"  permintaan per spreadsheet: {sum(per_file.values()) / n:.1f} rata-rata = "
            + ", ".join(f"{k} {v / n:g}" for k, v in sorted(per_file.items()))
        )
        print(
            f"  sekali per jalan: daftar folder {kinds['daftar folder']}, "
            f"info folder {kinds['info folder']}"
        )
        sheets = sum(v for k, v in per_file.items() if "Sheets" in k or "batch" in k)
        print(
            f"  Sheets API: {sheets / n:g} per spreadsheet (1 baca + 1 tulis); kuota 60/menit "
            f"→ 500 unit butuh ≥ {floor_seconds(500, 60, False) / 60:.1f} menit"
        )


def bench_consolidate(folder: Path, jobs: int) -> None:
    paths = sorted(folder.glob("*.xlsx"))
    n = len(paths)
    start = time.perf_counter()
    consolidate(folder, "TW1", DEFAULT_POLICY, jobs=jobs)
    local = time.perf_counter() - start
    with FakeGoogle(page_size=1000) as fake:
        fake.quotas.update(LIMITS)
        fake.export_verbatim = True  # the fake's own xlsx writer would dominate the timing
        gc, email = client_for(fake, auth.READ_SCOPES)
        folder_id = fake.add_folder("Kiriman", shared_with=[email])
        for p in paths:
            fake.add_spreadsheet(folder_id, p.name, p.read_bytes())
        with tempfile.TemporaryDirectory() as tmp:
            # 1. The network part: list and export every spreadsheet into the archive.
            fake.reset_log()
            start = time.perf_counter()
            collect(gc, folder_id, Path(tmp), jobs=4)
            fetch = time.perf_counter() - start
            drive_n = fake.count(category="drive")
            kinds = by_kind(fake)
            # 2. The rest of `konsolidasi --drive` on that archive. These spreadsheets were
            # not sent by `gsheet kirim`, so each one with a problem on a sheet costs one
            # paced Sheets read for its sheet ids (links to the cell).
            fake.reset_log()
            start = time.perf_counter()
            result, _ = consolidate_drive(
                gc, folder_id, Path(tmp), "TW1", DEFAULT_POLICY, jobs=jobs
            )
            rest = time.perf_counter() - start
            reads = fake.count(category="sheets_read")
            rejected = fake.count(status=429) + fake.count(status=403)
            again = fake.count(category="drive")
    assert len(result.units) == n, "every spreadsheet must be consolidated"
    foreign = fetch + rest
    sent = fetch + local
    floor_drive = floor_seconds(drive_n, LIMITS["drive"], False)
    floor_reads = (
        floor_seconds(reads, LIMITS["sheets_read"], True),
        floor_seconds(reads, LIMITS["sheets_read"], False),
    )
    print(
        f"konsolidasi --drive: {n} spreadsheet, {len(result.pegawai)} pegawai, kuota Google "
        f"(Sheets 60 baca/menit, Drive 12.000/menit)"
    )
    print(
        f"  ambil: {drive_n} permintaan Drive ("
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        + f") dalam {fetch:.1f} s"
    )
    print(
        f"  spreadsheet dari gsheet kirim (gid tersimpan di workbook): 1 permintaan per "
        f"spreadsheet; ambil + konsolidasi lokal = {fetch:.1f} + {local:.1f} = {sent:.1f} s; "
        f"minimum kuota {floor_drive:.1f} s (laju rata Drive) → tidak dibatasi kuota; "
        f"Drive/lokal = {sent / local:.2f}×"
    )
    print(
        f"  spreadsheet lain (tanpa gid): +{reads} baca Sheets untuk tautan sel, "
        f"total {foreign:.1f} s ({again} permintaan Drive lagi, ditolak kuota {rejected}); "
        f"minimum kuota {floor_reads[0]:.0f} s (jendela 60 s) / {floor_reads[1]:.0f} s "
        f"(laju rata) → {foreign / floor_reads[0]:.2f}× / {foreign / floor_reads[1]:.2f}×"
    )
    print(
        f"  bandingan: mengambil isi lewat Sheets API (≥1 baca per spreadsheet) butuh ≥ "
        f"{floor_seconds(n, 60, True):.0f} s; ekspor Drive "
        f"{floor_seconds(n, 60, True) / sent:.0f}× lebih cepat"
    )


def bench_tempo(n: int, folder: Path) -> None:
    paths = sorted(folder.glob("*.xlsx"))[:1]
    with FakeGoogle() as fake:
        fake.quotas.update(LIMITS)
        gc, email = client_for(fake, auth.READ_SCOPES)
        fid = fake.add_folder("Tempo", shared_with=[email])
        sid = fake.add_spreadsheet(fid, "unit", paths[0].read_bytes())
        fake.reset_log()
        start = time.perf_counter()
        for _ in range(n):
            drive.sheet_ids(gc, sid)
        elapsed = time.perf_counter() - start
        rejected = fake.count(status=429)
    floor = floor_seconds(n, LIMITS["sheets_read"], True)
    print(
        f"tempo Sheets: {n} baca dalam {elapsed:.1f} s; minimum kuota (jendela 60 s) "
        f"{floor:.0f} s → {elapsed / max(floor, 1e-9):.3f}×; ditolak kuota: {rejected}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pegawai", type=int, default=10_000)
    parser.add_argument("--unit", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tempo", type=int, default=0, help="Sheets reads to pace (slow)")
    args = parser.parse_args()
    # kirim keeps a record of what it created (and the quota ledger) in the config folder; a
    # fresh one per run, so a run never finds an earlier run's fake folder ids there.
    os.environ["SHEETNILAI_CONFIG_DIR"] = tempfile.mkdtemp(prefix="sheetnilai-bench-config-")
    folder, built = agency(args.pegawai, args.unit, args.jobs)
    if built is not None:
        print(f"(dibuat {args.unit} workbook terisi dalam {built:.0f} s, disimpan di {folder})")
    bench_kirim()
    bench_consolidate(folder, args.jobs)
    if args.tempo:
        bench_tempo(args.tempo, folder)


if __name__ == "__main__":
    main()
