"""The client-side pace: a sliding one-minute window per quota, per Google user.

Google counts its per-minute quotas per user (a service account is one user), not per
process, so two runs of the same account at once must share one pace or they provoke 429s
from each other. A shared pace keeps its window in a small ledger file per account in the
configuration folder, read and rewritten under an exclusive file lock (`fcntl.flock` on
Linux and macOS, `msvcrt.locking` on Windows) for each request; the ledger holds only the
last minute's send times, so it stays a few kilobytes.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

from sheetnilai.errors import SheetnilaiError
from sheetnilai.google import runner

SHEETS_READ = "sheets_read"
SHEETS_WRITE = "sheets_write"
DRIVE = "drive"

# Google's per-user-per-project limits per minute (integrations.md §4). Drive's per-method
# cost is not published; 12,000 queries/min/user is the long-standing documented default.
GOOGLE_LIMITS: Mapping[str, int] = {SHEETS_READ: 60, SHEETS_WRITE: 60, DRIVE: 12_000}

Times = dict[str, list[float]]


class Pacer:
    """Keeps each quota's requests within `limits` per `window` seconds.

    Without a ledger the window lives in memory, shared by the threads of one run. With a
    `ledger` file it is shared by every process that names the same file; its clock is then
    the wall clock, the one all processes agree on.
    """

    def __init__(
        self,
        limits: Mapping[str, int] = GOOGLE_LIMITS,
        window: float = 61.0,  # a second over Google's minute absorbs clock differences
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = runner.sleep,
        ledger: Path | None = None,
    ) -> None:
        self.limits = dict(limits)
        self.window = window
        self.ledger = ledger
        self.clock = clock or (time.time if ledger is not None else time.monotonic)
        self.sleep = sleep
        self.waited = 0.0
        self._memory: Times = {}
        self._lock = threading.Lock()
        if ledger is not None:
            with self._times():  # a folder that cannot be written fails now, in one line
                pass

    def acquire(self, category: str) -> None:
        limit = self.limits.get(category)
        if not limit:
            return
        while True:
            with self._lock, self._times() as times:
                now = self.clock()
                # Drop what left the window, and times ahead of now (a clock set back).
                sent = [t for t in times.get(category, []) if 0 <= now - t < self.window]
                if len(sent) < limit:
                    times[category] = [*sent, now]
                    return
                times[category] = sent
                wait = self.window - (now - min(sent))
            self.waited += wait
            self.sleep(wait)

    @contextlib.contextmanager
    def _times(self) -> Iterator[Times]:
        if self.ledger is None:
            yield self._memory
            return
        try:
            self.ledger.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.ledger, "a+b")  # noqa: SIM115  (closed below, after the unlock)
        except OSError as exc:
            raise SheetnilaiError(
                "google-folder-konfigurasi",
                {"path": self.ledger.parent, "detail": exc.strerror or type(exc).__name__},
            ) from None
        with fh:
            _lock(fh)
            try:
                fh.seek(0)
                times = _parse(fh.read())
                yield times
                fh.seek(0)
                fh.truncate()
                fh.write(json.dumps(times, separators=(",", ":")).encode("ascii"))
                fh.flush()
            finally:
                _unlock(fh)


def _parse(raw: bytes) -> Times:
    """The ledger's content; anything damaged (a crash mid-write) counts as empty."""
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [float(t) for t in v if isinstance(t, int | float)]
        for k, v in data.items()
        if isinstance(v, list)
    }


if sys.platform == "win32":
    import msvcrt

    def _lock(fh: IO[bytes]) -> None:
        fh.seek(0)
        while True:
            try:
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # gives up after ~10 s
                return
            except OSError:
                continue

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
