"""Google's base URLs, each replaceable by an environment variable.

Google's own client libraries honour `*_EMULATOR_HOST` variables for their emulators; Sheets
and Drive have no emulator, so we name ours. Any test double or API gateway can stand in for
Google by setting them; production leaves them unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

SHEETS_URL = "https://sheets.googleapis.com"
DRIVE_URL = "https://www.googleapis.com"  # Drive v3 and its upload endpoint
TOKEN_URL = "https://oauth2.googleapis.com/token"
AUTH_URL = "https://accounts.google.com/o/oauth2/auth"

ENV_SHEETS = "SHEETNILAI_GOOGLE_SHEETS_URL"
ENV_DRIVE = "SHEETNILAI_GOOGLE_DRIVE_URL"
ENV_TOKEN = "SHEETNILAI_GOOGLE_TOKEN_URL"
ENV_AUTH = "SHEETNILAI_GOOGLE_AUTH_URL"
ENV_TIMEOUT = "SHEETNILAI_GOOGLE_TIMEOUT"
ENV_RETRIES = "SHEETNILAI_GOOGLE_RETRIES"


@dataclass(frozen=True, slots=True)
class Endpoints:
    sheets: str = SHEETS_URL
    drive: str = DRIVE_URL
    token: str = TOKEN_URL
    auth: str = AUTH_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Endpoints:
        env = os.environ if environ is None else environ

        def pick(name: str, default: str) -> str:
            return (env.get(name) or default).rstrip("/")

        return cls(
            pick(ENV_SHEETS, SHEETS_URL),
            pick(ENV_DRIVE, DRIVE_URL),
            pick(ENV_TOKEN, TOKEN_URL),
            pick(ENV_AUTH, AUTH_URL),
        )

    def route(self, url: str) -> str:
        """Rewrite a Google URL (as gspread builds them) to the configured base."""
        for google, ours in ((SHEETS_URL, self.sheets), (DRIVE_URL, self.drive)):
            if url.startswith(google):
                return ours + url[len(google) :]
        return url

    @property
    def is_google(self) -> bool:
        return (self.sheets, self.drive, self.token) == (SHEETS_URL, DRIVE_URL, TOKEN_URL)


def timeout_from_env(environ: Mapping[str, str] | None = None) -> float | None:
    env = os.environ if environ is None else environ
    text = env.get(ENV_TIMEOUT, "").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def retries_from_env(environ: Mapping[str, str] | None = None) -> int | None:
    """How often one request is repeated while Google is disturbed (0-20), if set."""
    env = os.environ if environ is None else environ
    text = env.get(ENV_RETRIES, "").strip()
    return int(text) if text.isdigit() and int(text) <= 20 else None
