"""Credentials: a service-account key or a user's OAuth consent, with the fewest scopes.

Resolution order: the key file given on the command line, then `GOOGLE_APPLICATION_CREDENTIALS`,
then the user token cached by `sheetnilai gsheet masuk`. Each command asks only for the scopes
it needs (read-only for consolidation), even when the cached consent is broader. Tokens and
keys never leave this module: nothing here prints, logs or returns them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sheetnilai.errors import SheetnilaiError
from sheetnilai.google.endpoints import Endpoints

SCOPE = "https://www.googleapis.com/auth/"
DRIVE = SCOPE + "drive"
DRIVE_READONLY = SCOPE + "drive.readonly"
SHEETS = SCOPE + "spreadsheets"
SHEETS_READONLY = SCOPE + "spreadsheets.readonly"

READ_SCOPES = (DRIVE_READONLY, SHEETS_READONLY)  # konsolidasi --drive
SEND_SCOPES = (DRIVE, SHEETS)  # gsheet kirim: create, protect, share
UPLOAD_SCOPES = (DRIVE,)  # konsolidasi --unggah: put the score book in a shared folder
# Asked once at `gsheet masuk`; each command then refreshes with only its own scopes, which
# must be strings of the grant (a refresh cannot turn "drive" into "drive.readonly").
LOGIN_SCOPES = (DRIVE, SHEETS, DRIVE_READONLY, SHEETS_READONLY)

ENV_KEY = "GOOGLE_APPLICATION_CREDENTIALS"
ENV_CONFIG_DIR = "SHEETNILAI_CONFIG_DIR"
TOKEN_FILE = "google-token.json"


def config_dir() -> Path:
    if os.environ.get(ENV_CONFIG_DIR):
        return Path(os.environ[ENV_CONFIG_DIR])
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "sheetnilai"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sheetnilai"


def token_path() -> Path:
    return config_dir() / TOKEN_FILE


@dataclass(frozen=True)
class Account:
    credentials: Any  # google.auth.credentials.Credentials
    kind: str  # "akun layanan" | "akun pengguna"
    who: str  # the service account's e-mail, or where the user token is cached
    scopes: tuple[str, ...]
    principal: str = ""  # whom Google counts quotas for; never shown (may hold a token)

    @property
    def pace_ledger(self) -> Path:
        """The file that carries this account's quota pace across processes (`pace.py`)."""
        digest = hashlib.sha256(f"sheetnilai-pace:{self.principal}".encode()).hexdigest()
        return config_dir() / "kuota" / f"{digest[:24]}.json"


def credentials(
    scopes: Sequence[str], key_file: Path | None = None, endpoints: Endpoints | None = None
) -> Account:
    """Credentials for `scopes`, checked by one token exchange so a bad key fails early."""
    ends = endpoints or Endpoints.from_env()
    source = key_file or (Path(os.environ[ENV_KEY]) if os.environ.get(ENV_KEY) else None)
    if source is not None:
        account = _from_file(source, scopes, ends)
    elif token_path().exists():
        account = _from_cache(scopes, ends)
    else:
        raise SheetnilaiError("google-kredensial-tidak-ada", {"env": ENV_KEY})
    _check(account)
    return account


def _read_json(path: Path, code: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SheetnilaiError("google-kredensial-tidak-ditemukan", {"path": path}) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SheetnilaiError(code, {"path": path, "detail": type(exc).__name__}) from None
    if not isinstance(data, dict):
        raise SheetnilaiError(code, {"path": path, "detail": "bukan objek JSON"})
    return data


def _from_file(path: Path, scopes: Sequence[str], ends: Endpoints) -> Account:
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    info = _read_json(path, "google-kredensial-rusak")
    kind = info.get("type")
    try:
        if kind == "service_account":
            creds = service_account.Credentials.from_service_account_info(info, scopes=scopes)
            creds = creds.with_token_uri(ends.token)
            email = str(info.get("client_email", ""))
            return Account(creds, "akun layanan", email, tuple(scopes), f"sa:{email}")
        if kind == "authorized_user":
            creds = user_credentials.Credentials.from_authorized_user_info(info, scopes=scopes)
            # from_authorized_user_info always resets token_uri to Google's (integrations §5).
            creds = creds.with_token_uri(ends.token)
            user = f"user:{info.get('client_id')}:{info.get('refresh_token')}"
            return Account(creds, "akun pengguna", str(path), tuple(scopes), user)
    except (ValueError, KeyError) as exc:
        detail = str(exc).split("\n")[0][:120]
        raise SheetnilaiError("google-kredensial-rusak", {"path": path, "detail": detail}) from None
    if "installed" in info or "web" in info:
        raise SheetnilaiError("google-kredensial-klien", {"path": path})
    raise SheetnilaiError(
        "google-kredensial-rusak", {"path": path, "detail": f"jenis '{kind}' tidak dikenal"}
    )


def _from_cache(scopes: Sequence[str], ends: Endpoints) -> Account:
    from google.oauth2 import credentials as user_credentials

    path = token_path()
    info = _read_json(path, "google-token-rusak")
    granted = set(info.get("scopes") or ())
    missing = [s for s in scopes if s not in granted]
    if missing:
        raise SheetnilaiError("google-izin-token-kurang", {"scopes": ", ".join(missing)})
    try:
        creds = user_credentials.Credentials(
            token=None,
            refresh_token=info["refresh_token"],
            token_uri=ends.token,
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            scopes=list(scopes),
        )
    except KeyError as exc:
        raise SheetnilaiError("google-token-rusak", {"path": path, "detail": str(exc)}) from None
    user = f"user:{info['client_id']}:{info['refresh_token']}"
    return Account(creds, "akun pengguna", str(path), tuple(scopes), user)


def _check(account: Account) -> None:
    import google.auth.exceptions
    import google.auth.transport.requests
    import requests

    session = requests.Session()
    try:
        account.credentials.refresh(google.auth.transport.requests.Request(session))
    except google.auth.exceptions.GoogleAuthError as exc:
        raise refresh_failure(exc, account.credentials, who=account.who, started=False) from None
    finally:
        session.close()


def refresh_failure(
    exc: Exception, credentials: Any, who: str | None = None, started: bool = True
) -> SheetnilaiError:
    """One run-level message for a token that could not be had or renewed.

    Google refusing the credentials (a revoked key, a withdrawn consent) is said so; a token
    endpoint that cannot be reached or keeps failing (google-auth already retried it) is a
    network matter, worded for a run that `started` and so keeps what it has done.
    """
    import google.auth.exceptions

    if isinstance(exc, google.auth.exceptions.RefreshError) and not getattr(
        exc, "retryable", False
    ):
        reason = exc.args[0] if exc.args else ""
        detail = reason.split(":")[0] if isinstance(reason, str) else "ditolak"
        name = who or getattr(credentials, "service_account_email", None) or "akun pengguna"
        return SheetnilaiError("google-kredensial-ditolak", {"who": name, "detail": detail})
    if not started:
        return SheetnilaiError("google-tidak-terjangkau", {})
    if isinstance(exc, google.auth.exceptions.RefreshError):
        detail = "server token Google sedang bermasalah"
    else:
        detail = "sambungan ke server token Google terputus"
    return SheetnilaiError("google-token-putus", {"detail": detail})


# --- the user's consent (installed-app flow) ---------------------------------------------


def login(
    client_file: Path,
    endpoints: Endpoints | None = None,
    open_browser: bool = True,
    browser: str | None = None,
    timeout: int = 300,
) -> Path:
    """Run Google's consent in the browser once and cache the refresh token (owner-only)."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    ends = endpoints or Endpoints.from_env()
    config = _read_json(client_file, "google-kredensial-rusak")
    key = "installed" if "installed" in config else "web" if "web" in config else None
    if key is None:
        raise SheetnilaiError("google-bukan-klien-oauth", {"path": client_file})
    client = dict(config[key])
    client["auth_uri"], client["token_uri"] = ends.auth, ends.token
    if _loopback_http(ends.token):
        # oauthlib insists on https; a local test double on 127.0.0.1 speaks plain http.
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    flow = InstalledAppFlow.from_client_config({key: client}, scopes=list(LOGIN_SCOPES))
    try:
        creds = flow.run_local_server(
            host="localhost",
            port=0,
            open_browser=open_browser,
            browser=browser,
            authorization_prompt_message=(
                "Buka tautan berikut di peramban, masuk dengan akun Google Anda, lalu beri "
                "izin:\n{url}\n"
            ),
            success_message="Izin diberikan. Jendela ini boleh ditutup; kembali ke terminal.",
            timeout_seconds=timeout,
        )
    except Exception as exc:  # the flow raises many kinds; none may show a token
        raise SheetnilaiError("google-masuk-gagal", {"detail": type(exc).__name__}) from None
    granted = sorted(set(creds.scopes or LOGIN_SCOPES))
    _write_private(
        token_path(),
        {
            "type": "authorized_user",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "refresh_token": creds.refresh_token,
            "scopes": granted,
        },
    )
    return token_path()


def logout() -> bool:
    path = token_path()
    if not path.exists():
        return False
    path.unlink()
    return True


def _loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost", "::1"}


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Owner-only (0600 in a 0700 folder), atomic: a crash never leaves half a token."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".token-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
