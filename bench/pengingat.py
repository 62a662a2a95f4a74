"""Benchmark: reminders sent per second to a local SMTP server (aiosmtpd on 127.0.0.1).

Builds N reminders shaped like the real ones (a pejabat penilai with a few pegawai whose
ratings are missing), then sends them with `reminders.send_reminders` over one session, as
`sheetnilai pengingat --kirim` does: plain SMTP, then STARTTLS with a self-signed certificate
(made with openssl). Each message is recorded in a fresh ledger, as in a real run. Prints
messages per second for each. Not a test.

Run: `.venv/bin/python bench/pengingat.py [--count N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from sheetnilai.reminders import PENILAI, Item, Ledger, Reminder, compose, send_reminders
from sheetnilai.rules.policy import SmtpPolicy, TlsMode

DEADLINE = dt.date(2026, 4, 10)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def reminders(n: int) -> list[Reminder]:
    out = []
    for i in range(n):
        r = Reminder(PENILAI, f"{PENILAI}:{i:018d}", f"Pejabat {i}", f"{i:018d}", "Dinas X",
                     f"penilai{i}@sukamaju.go.id")  # fmt: skip
        for k in range(1, 4):
            what, sheet = "Rating hasil kerja belum diisi", f"0{k} Pegawai {k}"
            r.items.append(Item(what, "Dinas X.xlsx", sheet, "D83", f"{k:018d}", f"Pegawai {k}"))
        r.subject, r.body = compose(r, "Triwulan I 2026", DEADLINE, dt.date(2026, 4, 7), "")
        out.append(r)
    return out


def measure(label: str, n: int, settings: SmtpPolicy, controller: Controller, inbox: Counter,
            scratch: Path) -> None:  # fmt: skip
    controller.start()
    try:
        ledger = Ledger(scratch / f"{label}.sqlite", str(scratch))
        start = time.perf_counter()
        result = send_reminders(reminders(n), settings, None, ledger, "TW1", DEADLINE)
        elapsed = time.perf_counter() - start
        ledger.close()
    finally:
        controller.stop()
    assert len(result.sent) == n == inbox.count, (len(result.sent), inbox.count, result.failed)
    print(f"{label}: {n} pesan dalam {elapsed:.2f} s = {n / elapsed:,.0f} pesan/detik")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        port = free_port()
        inbox = Counter()
        plain = SmtpPolicy(host="127.0.0.1", port=port, pengirim="bkpsdm@sukamaju.go.id",
                           tls=TlsMode.NONE)  # fmt: skip
        measure("tanpa TLS", args.count, plain, Controller(inbox, "127.0.0.1", port), inbox,
                scratch)  # fmt: skip

        cert, key = scratch / "cert.pem", scratch / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
             "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        os.environ["SSL_CERT_FILE"] = str(cert)
        port = free_port()
        inbox = Counter()
        tls = SmtpPolicy(host="127.0.0.1", port=port, pengirim="bkpsdm@sukamaju.go.id",
                         tls=TlsMode.STARTTLS)  # fmt: skip
        server = Controller(inbox, "127.0.0.1", port, tls_context=context, require_starttls=True)
        measure("STARTTLS", args.count, tls, server, inbox, scratch)


if __name__ == "__main__":
    main()
