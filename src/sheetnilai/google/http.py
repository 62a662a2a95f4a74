"""gspread's HTTP client with our routing, pacing and retries.

gspread sends every call through `HTTPClient.request`, so one subclass gives all of it:
- Google's URLs rewritten to the configured endpoints (`endpoints.py`);
- a client-side pace per quota (`pace.py`: Sheets reads, Sheets writes, Drive) that keeps a
  sliding one-minute window under the per-user limits, shared by every run of the same
  account on this computer, so a run of hundreds of spreadsheets does not meet "429 quota
  exceeded" in the first place;
- bounded exponential backoff with jitter on 429, 5xx, Drive's rate-limit 403, an HTML error
  page where JSON or a file was expected, a body cut off half-way, and dropped connections
  and timeouts, honouring Retry-After. Every wait stops at once when the run is stopping
  (`runner.py`).

Requests that are not safe to repeat (POST: an upload, a batchUpdate, a share) are retried
only when Google surely did not carry them out (429, a connection never made). After a 5xx,
a timeout, a dropped connection or a cut body, Google may have carried them out: they fail
at once with `GoogleFailure.ambiguous`, and the caller finds out what happened before trying
again (kirim.py).

gspread's own `BackOffHTTPClient` is not used: it waits up to minutes without jitter and
does not pace. 401 is not handled here: google-auth's session refreshes the token and
retries by itself; a refresh that fails stops the run with one message (`auth.py`).
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import random
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import google.auth.exceptions
import requests
from gspread.http_client import HTTPClient
from urllib3.exceptions import NewConnectionError

from sheetnilai.errors import SheetnilaiError
from sheetnilai.google import runner
from sheetnilai.google.auth import refresh_failure
from sheetnilai.google.endpoints import Endpoints, retries_from_env, timeout_from_env
from sheetnilai.google.pace import DRIVE, GOOGLE_LIMITS, SHEETS_READ, SHEETS_WRITE, Pacer

__all__ = [
    "DRIVE",
    "GOOGLE_LIMITS",
    "SHEETS_READ",
    "SHEETS_WRITE",
    "GoogleFailure",
    "GoogleHTTP",
    "Pacer",
    "RetryPolicy",
    "Transport",
    "client",
]

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
CUT = "jawaban Google terputus di tengah"


class GoogleFailure(SheetnilaiError):
    """A request that failed for good (after retries where retrying made sense).

    `kind` is one of `KINDS`; the message is the catalogue's `google-<kind>`, so the CLI
    shows it like any run-level failure. `ambiguous`: a request that is not safe to repeat
    may have been carried out by Google all the same. Messages never carry tokens or keys.
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

    def __init__(
        self, kind: str, detail: str, status: int | None = None, ambiguous: bool = False
    ) -> None:
        self.kind = kind
        self.detail = detail
        self.status = status
        self.ambiguous = ambiguous
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


@dataclass
class Transport:
    endpoints: Endpoints = field(default_factory=Endpoints.from_env)
    pacer: Pacer = field(default_factory=Pacer)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: tuple[float, float] = (10.0, 120.0)
    sleep: Callable[[float], None] = runner.sleep
    retries_done: int = 0

    @classmethod
    def from_env(cls, ledger: Path | None = None) -> Transport:
        """The transport for a command: timeouts from the environment, and the pace shared
        through `ledger` (one file per Google account) when given."""
        seconds = timeout_from_env()
        timeout = (10.0, 120.0) if seconds is None else (min(10.0, seconds), seconds)
        retries = retries_from_env()
        retry = RetryPolicy() if retries is None else RetryPolicy(retries=retries)
        pacer = Pacer(ledger=ledger) if ledger is not None else Pacer()
        return cls(pacer=pacer, retry=retry, timeout=timeout)


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


def _never_sent(exc: requests.RequestException) -> bool:
    """The connection was never made, so Google cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, NewConnectionError)


def _json_whole(response: requests.Response) -> GoogleFailure | None:
    """A JSON answer must parse: a body cut short without a length shows only here."""
    if (
        response.status_code == 204
        or "json" not in response.headers.get("Content-Type", "").lower()
    ):
        return None
    try:
        jsonlib.loads(response.content)
    except ValueError:
        return GoogleFailure("jaringan", CUT, response.status_code)
    return None


Check = Callable[[requests.Response], GoogleFailure | None]


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
        check: Check | None = None,
    ) -> requests.Response:
        """One request with pace and retries. `check` judges a successful answer's content
        (None: whole; a failure: retried like a transient fault); JSON is always checked."""
        t = self.transport
        url = t.endpoints.route(endpoint)
        cat = category(method, url)
        repeatable = method.upper() in SAFE_METHODS
        attempt = 0
        while True:
            runner.check()
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
            except google.auth.exceptions.GoogleAuthError as exc:
                # The token expired and could not be renewed: no request can succeed now.
                raise refresh_failure(exc, self.auth) from None
            except requests.RequestException as exc:
                if isinstance(exc, requests.Timeout) and not isinstance(
                    exc, requests.ConnectTimeout
                ):
                    failure = GoogleFailure("waktu", "Google tidak menjawab dalam batas waktu")
                elif isinstance(exc, requests.ConnectionError | requests.Timeout):
                    failure = GoogleFailure("jaringan", "sambungan ke Google terputus")
                else:  # a body cut off half-way (ChunkedEncodingError and kin)
                    failure = GoogleFailure("jaringan", CUT)
                failure.ambiguous = not repeatable and not _never_sent(exc)
            else:
                if _is_html(response):
                    failure = GoogleFailure(
                        "html", "jawaban berupa halaman HTML", response.status_code
                    )
                    failure.ambiguous = not repeatable
                elif response.ok:
                    found = (check(response) if check else None) or _json_whole(response)
                    if found is None:
                        return response
                    failure = found
                    failure.ambiguous = not repeatable
                else:
                    reason, message = _error_info(response)
                    kind = _kind(response.status_code, reason)
                    failure = GoogleFailure(kind, message or reason, response.status_code)
                    if not failure.transient:
                        raise failure
                    # Over quota, Google refused the request before doing anything.
                    failure.ambiguous = not repeatable and kind != "kuota"
                retry_after = _retry_after(response)
            if failure.ambiguous or attempt >= t.retry.retries:
                raise failure
            self.backoff(attempt, retry_after)
            attempt += 1

    def backoff(self, attempt: int, retry_after: float | None = None) -> None:
        """Wait before retry number `attempt` (0-based), as the retry policy says."""
        t = self.transport
        t.retries_done += 1
        t.sleep(t.retry.delay(attempt, retry_after))


def client(credentials: Any, transport: Transport | None = None) -> Any:
    """A gspread `Client` whose every request goes through `GoogleHTTP` with `transport`."""
    import gspread

    bound = type("BoundGoogleHTTP", (GoogleHTTP,), {"transport": transport or Transport()})
    return gspread.Client(credentials, http_client=bound)
