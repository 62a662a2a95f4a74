"""Shared set-up for the Google tests: a roster with e-mails, credentials, a client."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sheetnilai.google import auth, http
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
