"""Credentials and endpoints: the service-account exchange, the user's consent cached with
owner-only rights, the narrowest scopes per command, and clear words for every bad key."""

from __future__ import annotations

import json
import stat
import threading
import webbrowser
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.google import auth, http
from sheetnilai.google.endpoints import DRIVE_URL, SHEETS_URL, TOKEN_URL, Endpoints
from tests.google.support import use_fake
from tests.support.fake_google import FakeGoogle


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_endpoints_default_to_google_and_are_replaced_by_the_environment() -> None:
    ends = Endpoints.from_env({})
    assert ends.is_google and ends.token == TOKEN_URL
    url = f"{SHEETS_URL}/v4/spreadsheets/abc"
    assert ends.route(url) == url
    local = Endpoints.from_env(
        {
            "SHEETNILAI_GOOGLE_SHEETS_URL": "http://127.0.0.1:9/",
            "SHEETNILAI_GOOGLE_DRIVE_URL": "http://gw.example/g",
            "SHEETNILAI_GOOGLE_TOKEN_URL": "http://127.0.0.1:9/token",
        }
    )
    assert local.route(url) == "http://127.0.0.1:9/v4/spreadsheets/abc"
    assert local.route(f"{DRIVE_URL}/drive/v3/files") == "http://gw.example/g/drive/v3/files"
    assert not local.is_google


def test_backoff_is_bounded_jittered_and_honours_retry_after() -> None:
    policy = http.RetryPolicy(base=1.0, cap=8.0, max_retry_after=30.0)
    for attempt in range(10):
        step = min(8.0, 2**attempt)
        waits = {policy.delay(attempt, None) for _ in range(50)}
        assert all(step / 2 <= w <= step for w in waits)
        assert len(waits) > 1  # jitter
    assert policy.delay(0, 12.0) == 12.0
    assert policy.delay(0, 500.0) == 30.0


@pytest.fixture
def env(fake_google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    info = use_fake(fake_google, tmp_path, monkeypatch)
    return fake_google, info, tmp_path


def test_no_credentials_says_what_to_do(env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(auth.ENV_KEY)
    code, _, err = run("konsolidasi", "--drive", "abc", "--periode", "TW1")
    assert code == 1
    assert err.startswith("Galat: Belum ada kredensial Google.")
    assert "gsheet masuk --klien" in err and "GOOGLE_APPLICATION_CREDENTIALS" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{bukan json", "tidak dapat dipakai (JSONDecodeError)"),
        ('{"type": "service_account"}', "tidak dapat dipakai"),
        ('{"installed": {"client_id": "x"}}', "berkas klien OAuth, bukan kunci akun layanan"),
        ('{"type": "external_account"}', "jenis 'external_account' tidak dikenal"),
    ],
)
def test_a_bad_key_file_is_one_clear_line(env, content: str, words: str) -> None:
    _fake, _info, tmp = env
    key = tmp / "kunci-rusak.json"
    key.write_text(content, encoding="utf-8")
    code, _, err = run(
        "konsolidasi", "--drive", "abc", "--periode", "TW1", "--kredensial", str(key)
    )
    assert code == 1 and words in err and "Traceback" not in err


def test_a_key_google_does_not_know_is_refused_without_showing_it(env) -> None:
    fake, info, tmp = env
    other = dict(info, client_email="dicabut@proyek-fiktif.iam.gserviceaccount.com")
    key = tmp / "kunci-dicabut.json"
    key.write_text(json.dumps(other), encoding="utf-8")
    code, out, err = run("gsheet", "kirim", "--contoh", "--folder", "x", "--kredensial", str(key))
    assert code == 1
    assert "Google menolak kredensial dicabut@proyek-fiktif" in err
    assert "PRIVATE KEY" not in out + err and info["private_key"][40:80] not in out + err
    assert fake.token_requests[-1]["status"] == 400


class _Browser(webbrowser.BaseBrowser):
    """A 'browser' that follows the consent URL as a person clicking "Allow" would."""

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 10}).start()
        return True


def test_oauth_consent_is_cached_owner_only_and_each_command_narrows_it(
    env, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _info, tmp = env
    monkeypatch.delenv(auth.ENV_KEY)
    webbrowser.register("sheetnilai-uji", None, _Browser("sheetnilai-uji"))
    client_file = tmp / "client_secret.json"
    client_file.write_text(json.dumps(fake.oauth_client()), encoding="utf-8")
    code, out, err = run(
        "gsheet", "masuk", "--klien", str(client_file), "--peramban", "sheetnilai-uji"
    )
    assert code == 0, err
    token = auth.token_path()
    assert f"Token tersimpan di {token}" in out
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    cached = json.loads(token.read_text(encoding="utf-8"))
    assert set(cached["scopes"]) == set(auth.LOGIN_SCOPES)
    assert not set(fake._tokens) & set(token.read_text(encoding="utf-8").split('"'))

    folder = fake.add_folder("Kiriman")  # owned by the user who consented
    code, out, err = run(
        "konsolidasi",
        "--drive",
        folder,
        "--periode",
        "TW1",
        "--keluaran",
        str(tmp / "buku.xlsx"),
        "--arsip",
        str(tmp / "arsip"),
    )
    assert code == 0, err
    refresh = fake.token_requests[-1]
    assert refresh["grant_type"] == "refresh_token"
    assert refresh["scopes"] == frozenset(auth.READ_SCOPES)  # read-only, though more was granted
    for secret in fake._tokens:
        assert secret not in out + err

    assert run("gsheet", "keluar")[1].startswith("Token dihapus")
    assert not token.exists()
    assert run("gsheet", "keluar")[1].strip() == "Tidak ada token tersimpan."
