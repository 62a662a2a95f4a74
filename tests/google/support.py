"""Shared set-up for the Google tests: a roster with e-mails, credentials, a client."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from sheetnilai.google import auth, drive, http
from sheetnilai.google.endpoints import Endpoints
from tests.support.fake_google import FakeGoogle
from tests.test_konsolidasi import HEADER, ROSTER

NO_EMAIL = "199001052015032001"  # Rina Uji: no e-mail in the roster
CAMAT = "197911092005012007"
AGUS = "198807222011011004"


def email(nip: str) -> str:
    return f"p{nip[-6:]}@sukamaju.example.id"


def roster_rows(with_email: bool = False) -> list[list[str]]:
    rows = []
    for row in ROSTER:
        row = list(row)
        nip = row[0]
        row[-1] = "" if nip == NO_EMAIL and not with_email else email(nip)
        if nip == AGUS:
            row[9] = CAMAT  # an atasan pejabat penilai from another unit: a commenter
        rows.append(row)
    return rows


def write_roster(path: Path, with_email: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(roster_rows(with_email))
    return path


def use_fake(fake: FakeGoogle, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point the environment at the fake with a service-account key; return the key info."""
    info = fake.service_account()
    key = tmp / "kunci-akun-layanan.json"
    key.write_text(json.dumps(info), encoding="utf-8")
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(auth.ENV_KEY, str(key))
    monkeypatch.setenv(auth.ENV_CONFIG_DIR, str(tmp / "konfigurasi"))
    return info


def client(scopes: tuple[str, ...], base: float = 0.01, timeout: float = 5.0) -> object:
    """A library client with fast retries (tests must not wait Google's real back-off)."""
    account = auth.credentials(scopes)
    transport = http.Transport(
        endpoints=Endpoints.from_env(),
        retry=http.RetryPolicy(base=base, cap=0.2),
        timeout=(timeout, timeout),
    )
    return http.client(account.credentials, transport)


def paced_reads(
    env: dict[str, str],
    key_file: str,
    ledger: str | None,
    spreadsheets: list[str],
    rounds: int,
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """One process of the shared-pace test: Sheets reads paced at 5 per 1.25 s (the fake's
    "minute" is 1 s; the margin absorbs the delays of a loaded machine).

    Runs in a spawned process (so it lives in an importable module). `ledger` None gives the
    process a pace of its own, as before the pace was shared.
    """
    os.environ.update(env)
    account = auth.credentials(auth.READ_SCOPES, Path(key_file))
    pacer = http.Pacer({http.SHEETS_READ: 5}, window=1.25, ledger=Path(ledger) if ledger else None)
    transport = http.Transport(
        endpoints=Endpoints.from_env(),
        pacer=pacer,
        retry=http.RetryPolicy(base=0.25, cap=1.0),
        timeout=(10.0, 10.0),
    )
    gc = http.client(account.credentials, transport)
    ready.put(os.getpid())
    go.wait(60)
    for _ in range(rounds):
        for sid in spreadsheets:
            drive.sheet_ids(gc, sid)
    results.put(transport.retries_done)
