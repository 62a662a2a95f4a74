"""Benchmark: Google requests per pass of `sinkron --drive`, against the local fake of Google.

The first `--unit` workbooks of the bench/consolidate.py agency become Google spreadsheets in
one Drive folder of the fake (tests/support/fake_google.py, real HTTP on 127.0.0.1). Passes:

- cold: the first pass (exports every spreadsheet, writes every Masalah sheet);
- no change: nothing edited since (target: 1 Drive request, no export);
- 1 changed / 5 changed: that many spreadsheets edited in the browser (a rating changed in
  the browser; target: 1 export each, plus the write-back of those whose problems changed);

each with its requests by kind and its wall time. Request counts do not depend on the
machine; times do (the fake converts and exports on this machine too).

Run: `.venv/bin/python bench/sinkron_drive.py [--unit N]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package: the fake

from consolidate import agency
from openpyxl.utils import get_column_letter
from templates import synthetic_roster
from tests.support.fake_google import FakeGoogle

from sheetnilai.google import auth, http
from sheetnilai.google.endpoints import Endpoints
from sheetnilai.periods import Scheme, periods
from sheetnilai.rules.labels import Rating
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.store.sqlite import SqliteStore
from sheetnilai.sync.drive import DriveSource
from sheetnilai.sync.run import SyncSettings, run_pass
from sheetnilai.workbook.layout import NILAI_COL, SkpLayout


def kinds(fake: FakeGoogle) -> str:
    counted: Counter[str] = Counter()
    for r in fake.requests:
        if r.category in ("token", "auth"):
            continue
        if r.path.endswith("/export"):
            counted["ekspor"] += 1
        elif "/changes" in r.path:
            counted["umpan perubahan"] += 1
        elif r.category == "drive":
            counted["drive lain"] += 1
        else:
            counted[r.category] += 1
    total = sum(counted.values())
    return f"{total} requests (" + ", ".join(f"{k} {v}" for k, v in sorted(counted.items())) + ")"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unit", type=int, default=20)
    args = ap.parse_args()
    cached, _ = agency(10_000, 500, 2)  # the same agency as bench/consolidate.py
    paths = sorted(cached.glob("*.xlsx"))[: args.unit]
    roster = synthetic_roster(10_000, 500)
    with FakeGoogle() as fake, tempfile.TemporaryDirectory(prefix="sinkron-drive-") as tmp:
        info = fake.service_account()
        key = Path(tmp) / "kunci.json"
        key.write_text(json.dumps(info), encoding="utf-8")
        os.environ.update(fake.env())
        folder = fake.add_folder("Kiriman", shared_with=[info["client_email"]])
        ids = [fake.add_spreadsheet(folder, p.name, p.read_bytes()) for p in paths]
        account = auth.credentials(auth.SEND_SCOPES, key)
        transport = http.Transport(endpoints=Endpoints.from_env(), timeout=(30.0, 120.0))
        gc = http.client(account.credentials, transport)
        src = DriveSource(gc, folder, Path(tmp) / "arsip", info["client_email"], fetch_jobs=2)
        settings = SyncSettings(
            source=Path(f"drive-{folder}"),
            output=Path(tmp) / "hasil",
            periods=("TW1",),
            policy=DEFAULT_POLICY,
            roster=roster,
            jobs=2,
            drive=src,
        )
        store = SqliteStore(Path(tmp) / "s.sqlite")
        log = logging.getLogger("bench").info
        print(f"{len(ids)} spreadsheets in one Drive folder of the fake")

        layout = SkpLayout(periods(Scheme.TRIWULAN))
        cell = f"{get_column_letter(NILAI_COL['rating_hasil'] + 1)}{layout.nilai_row(0) + 1}"
        flips = iter(range(1000))

        def one(label: str, edited: int) -> None:
            # The pejabat penilai changes a rating in the browser (a problem may follow).
            for k in range(edited):
                sid = ids[k]
                sheet = next(s.title for s in fake.book(sid).sheets if s.title[:2].isdigit())
                label_k = (Rating.DI_BAWAH.label, Rating.DI_ATAS.label)[next(flips) % 2]
                fake.set_cell(sid, sheet, cell, label_k)
            fake.requests.clear()
            start = time.perf_counter()
            report = run_pass(settings, store, log)
            took = time.perf_counter() - start
            what = "quiet" if report.quiet else f"{report.read} read, {report.served} served"
            print(f"{label:<11} {took:6.2f} s  {kinds(fake)}; {what}")

        one("cold", 0)
        one("no change", 0)
        one("no change", 0)
        one("1 changed", 1)
        one("5 changed", 5)
        one("no change", 0)
        store.close()


if __name__ == "__main__":
    main()
