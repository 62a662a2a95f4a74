"""gspread's HTTP client with our routing, pacing and retries.

gspread sends every call through `HTTPClient.request`, so one subclass gives all of it:
- Google's URLs rewritten to the configured endpoints (`endpoints.py`);
- a client-side pace per quota (Sheets reads, Sheets writes, Drive) that keeps a sliding
  one-minute window under the per-user limits, so a run of hundreds of spreadsheets does
  not meet "429 quota exceeded" in the first place;
- bounded exponential backoff with jitter on 429, 5xx, Drive's rate-limit 403, an HTML error
  page where JSON or a file was expected, and (for requests that are safe to repeat) dropped
  connections and timeouts, honouring Retry-After.
gspread's own `BackOffHTTPClient` is not used: it waits up to minutes without jitter and
does not pace. 401 is not handled here: google-auth's session refreshes the token and
retries by itself.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from gspread.http_client import HTTPClient

from sheetnilai.errors import SheetnilaiError
from sheetnilai.google.endpoints import Endpoints, timeout_from_env

SHEETS_READ = "sheets_read"
SHEETS_WRITE = "sheets_write"
DRIVE = "drive"

# Google's per-user-per-project limits per minute (integrations.md §4). Drive's per-method
# cost is not published; 12,000 queries/min/user is the long-standing documented default.
GOOGLE_LIMITS: Mapping[str, int] = {SHEETS_READ: 60, SHEETS_WRITE: 60, DRIVE: 12_000}

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


class GoogleFailure(SheetnilaiError):
    """A request that failed for good (after retries where retrying made sense).

    `kind` is one of `KINDS`; the message is the catalogue's `google-<kind>`, so the CLI
    shows it like any run-level failure. Messages never carry tokens or keys.
    """

    KINDS = (
        "kuota",
        "server",
        "jaringan",
        "waktu",
        "html",
        "kredensial",
        "izin",
        "tidak-ditemukan",
        "permintaan",
    )

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        self.kind = kind
        self.detail = detail
        self.status = status
        super().__init__(f"google-{kind}", {"detail": detail, "status": status or "-"})

    @property
    def transient(self) -> bool:
        return self.kind in {"kuota", "server", "jaringan", "waktu", "html"}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 6
    base: float = 1.0  # seconds before the first retry (before jitter)
    cap: float = 64.0
    max_retry_after: float = 300.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        # "Equal jitter": never retry immediately, never all clients at the same instant.
        step = min(self.cap, self.base * 2**attempt)
        wait = step / 2 + random.uniform(0, step / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


class Pacer:
    """Sliding one-minute window per quota, shared by all threads of a run."""

    def __init__(
        self,
        limits: Mapping[str, int] = GOOGLE_LIMITS,
        window: float = 61.0,  # a second over Google's minute absorbs clock differences
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = dict(limits)
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[str, deque[float]] = {k: deque() for k in self.limits}
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self, category: str) -> None:
        limit = self.limits.get(category)
        if not limit:
            return
        while True:
            with self._lock:
                sent = self._sent[category]
                now = self.clock()
                while sent and now - sent[0] >= self.window:
                    sent.popleft()
                if len(sent) < limit:
                    sent.append(now)
                    return
                wait = self.window - (now - sent[0])
                self.waited += wait
            self.sleep(wait)


@dataclass
class Transport:
    endpoints: Endpoints = field(default_factory=Endpoints.from_env)
    pacer: Pacer = field(default_factory=Pacer)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: tuple[float, float] = (10.0, 120.0)
    sleep: Callable[[float], None] = time.sleep
    retries_done: int = 0

    @classmethod
    def from_env(cls) -> Transport:
        seconds = timeout_from_env()
        if seconds is None:
            return cls()
        return cls(timeout=(min(10.0, seconds), seconds))


def category(method: str, url: str) -> str:
    if "/v4/spreadsheets" in url:
        return SHEETS_READ if method.upper() == "GET" else SHEETS_WRITE
    return DRIVE


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def _error_info(response: requests.Response) -> tuple[str, str]:
    """(reason, message) from Google's error body, or ("", short text) for anything else."""
    try:
        error = response.json()["error"]
    except Exception:
        text = " ".join(response.text.split())[:120]
        return "", text
    if not isinstance(error, dict):
        return "", str(error)[:200]
    reasons = [e.get("reason", "") for e in error.get("errors", []) if isinstance(e, dict)]
    return (reasons[0] if reasons else ""), str(error.get("message", ""))[:300]


def _is_html(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").lower().startswith("text/html")


def _kind(status: int, reason: str) -> str:
    if status == 429 or reason in RATE_LIMIT_REASONS:
        return "kuota"
    if status >= 500 or status == 408:
        return "server"
    if status == 401:
        return "kredensial"
    if status == 403:
        return "izin"
    if status == 404:
        return "tidak-ditemukan"
    return "permintaan"


class GoogleHTTP(HTTPClient):
    """Bound to a `Transport` by `client()`; gspread instantiates it as `cls(auth, session)`."""

    transport: ClassVar[Transport]

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        t = self.transport
        url = t.endpoints.route(endpoint)
        cat = category(method, url)
        repeatable = method.upper() in SAFE_METHODS or "/permissions" in url
        attempt = 0
        while True:
            t.pacer.acquire(cat)
            retry_after: float | None = None
            try:
                response = self.session.request(
                    method=method,
                    url=url,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout or t.timeout,
                )
            except requests.Timeout:
                failure = GoogleFailure("waktu", "Google tidak menjawab dalam batas waktu")
                if not repeatable:
                    raise failure from None
            except requests.ConnectionError:
                failure = GoogleFailure("jaringan", "sambungan ke Google terputus")
                if not repeatable:
                    raise failure from None
            else:
                if response.ok and not _is_html(response):
                    return response
                if _is_html(response):
                    failure = GoogleFailure(
                        "html", "jawaban berupa halaman HTML", response.status_code
                    )
                else:
                    reason, message = _error_info(response)
                    kind = _kind(response.status_code, reason)
                    failure = GoogleFailure(kind, message or reason, response.status_code)
                    if not failure.transient:
                        raise failure
                retry_after = _retry_after(response)
            if attempt >= t.retry.retries:
                raise failure
            t.retries_done += 1
            t.sleep(t.retry.delay(attempt, retry_after))
            attempt += 1


def client(credentials: Any, transport: Transport | None = None) -> Any:
    """A gspread `Client` whose every request goes through `GoogleHTTP` with `transport`."""
    import gspread

    bound = type("BoundGoogleHTTP", (GoogleHTTP,), {"transport": transport or Transport()})
    return gspread.Client(credentials, http_client=bound)
