"""Sanity tests of the Google fake, driven by real gspread and google-auth over real HTTP."""

from __future__ import annotations

import io
import json
import threading
import uuid
import webbrowser
from collections.abc import Callable, Iterator
from typing import Any

import gspread
import openpyxl
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from google_auth_oauthlib.flow import InstalledAppFlow  # type: ignore[import-untyped]
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from gspread.utils import ExportFormat

from tests.support.fake_google import (
    DRIVE_READONLY_SCOPE,
    DRIVE_SCOPE,
    GOOGLE_SHEET_MIME,
    JWT_BEARER_GRANT,
    SCOPE_PREFIX,
    SHEETS_READONLY_SCOPE,
    SHEETS_SCOPE,
    XLSX_MIME,
    Applied,
    Drop,
    ExpireToken,
    FakeGoogle,
    Fault,
    Html,
    Slow,
    Status,
    Truncate,
)

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
UPLOAD_URL = "https://www.googleapis.com/upload/drive/v3/files"
READONLY = [SHEETS_READONLY_SCOPE, DRIVE_READONLY_SCOPE]
FULL = [SHEETS_SCOPE, DRIVE_SCOPE]
SA_EMAIL = "hr-sheetnilai@proyek-fiktif.iam.gserviceaccount.com"

Connect = Callable[..., gspread.Client]


def routed(base: str) -> type[HTTPClient]:
    """gspread's HTTPClient with Google's hosts rerouted to the fake (integrations.md §5)."""

    class Routed(HTTPClient):
        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            for host in GOOGLE_HOSTS:
                if endpoint.startswith(host):
                    endpoint = base + endpoint[len(host) :]
            return super().request(method, endpoint, *args, **kwargs)

    return Routed


@pytest.fixture
def connect(fake_google: FakeGoogle, service_account_info: dict[str, str]) -> Iterator[Connect]:
    """Build gspread clients (service account by default) and close their sessions afterwards."""
    clients: list[gspread.Client] = []

    def make(
        scopes: list[str] = FULL, info: dict[str, str] | None = None, creds: Any = None
    ) -> gspread.Client:
        if creds is None:
            creds = service_account.Credentials.from_service_account_info(
                info or service_account_info, scopes=scopes
            )
        client = gspread.Client(creds, http_client=routed(fake_google.base))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.http_client.session.close()


def upload(
    gc: gspread.Client,
    folder_id: str,
    name: str,
    data: bytes,
    *,
    convert: bool = True,
    app_properties: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A multipart upload, with conversion to a Google spreadsheet when `convert`."""
    boundary = "sheetnilai-" + uuid.uuid4().hex
    meta: dict[str, Any] = {"name": name, "parents": [folder_id]}
    if convert:
        meta["mimeType"] = GOOGLE_SHEET_MIME
    if app_properties:
        meta["appProperties"] = app_properties
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(meta)}\r\n--{boundary}\r\nContent-Type: {XLSX_MIME}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = gc.http_client.request(
        "post",
        UPLOAD_URL,
        params={"uploadType": "multipart", "supportsAllDrives": True},
        data=body,
        headers={"Content-Type": f"multipart/related; boundary={boundary}"},
    )
    return response.json()


def list_all(gc: gspread.Client, q: str, **params: Any) -> list[dict[str, Any]]:
    """Page through files.list with our own query."""
    files: list[dict[str, Any]] = []
    query: dict[str, Any] = {"q": q, "pageSize": 1000, "supportsAllDrives": True}
    query.update(params)
    while True:
        page = gc.http_client.request("get", DRIVE_FILES, params=query).json()
        files.extend(page["files"])
        if "nextPageToken" not in page:
            return files
        query["pageToken"] = page["nextPageToken"]


def sheet_ids(gc: gspread.Client, spreadsheet_id: str) -> dict[str, int]:
    meta = gc.http_client.fetch_sheet_metadata(spreadsheet_id)
    return {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta["sheets"]}


# --------------------------------------------------------------------------- credentials


def test_env_points_every_endpoint_at_the_fake(fake_google: FakeGoogle) -> None:
    env = fake_google.env()
    assert env["SHEETNILAI_GOOGLE_SHEETS_URL"] == fake_google.base
    assert env["SHEETNILAI_GOOGLE_DRIVE_URL"] == fake_google.base
    assert env["SHEETNILAI_GOOGLE_TOKEN_URL"] == fake_google.base + "/token"
    assert env["SHEETNILAI_GOOGLE_AUTH_URL"] == fake_google.base + "/auth"
    assert fake_google.base.startswith("http://127.0.0.1:")


def test_service_account_token_comes_from_a_verified_jwt(
    fake_google: FakeGoogle, connect: Connect
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect(READONLY)
    assert gc.list_spreadsheet_files(folder_id=folder) == []
    assert fake_google.token_requests == [
        {
            "grant_type": JWT_BEARER_GRANT,
            "principal": SA_EMAIL,
            "scopes": frozenset(READONLY),
            "status": 200,
        }
    ]
    (listing,) = [r for r in fake_google.requests if r.category == "drive"]
    assert listing.principal == SA_EMAIL
    assert listing.scopes == frozenset(READONLY)
    assert listing.query["q"] == [f'mimeType="{GOOGLE_SHEET_MIME}" and parents in "{folder}"']


def test_a_key_the_fake_does_not_know_fails_the_refresh(
    fake_google: FakeGoogle, connect: Connect, service_account_info: dict[str, str]
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    gc = connect(info={**service_account_info, "private_key": pem})
    with pytest.raises(RefreshError, match="invalid_grant"):
        gc.list_spreadsheet_files()
    assert fake_google.token_requests[-1]["status"] == 400
    assert fake_google.count(category="drive") == 0


def test_requests_without_a_valid_token_get_401(fake_google: FakeGoogle) -> None:
    response = requests.get(
        fake_google.base + "/drive/v3/files",
        headers={"Authorization": "Bearer nope"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    unknown = requests.get(fake_google.base + "/drive/v2/files", timeout=5)
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"].startswith("text/html")


# --------------------------------------------------------------------------- Drive listing


def test_listing_a_big_folder_pages_through_and_honours_trashed(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    ids = [fake_google.add_spreadsheet(folder, f"Unit {i:03d}", sample_xlsx) for i in range(250)]
    for file_id in ids[:5]:
        fake_google.trash(file_id)
    fake_google.add_file(folder, "unggahan-asli.xlsx", sample_xlsx)
    hidden_folder = fake_google.add_folder("Tidak dibagikan")
    fake_google.add_spreadsheet(hidden_folder, "Rahasia", sample_xlsx)
    gc = connect(READONLY)

    listed = gc.list_spreadsheet_files(folder_id=folder)
    assert len(listed) == 250  # gspread omits `trashed = false`, so trashed files come back
    assert fake_google.count(category="drive") == 3  # pages of 100
    assert [f["name"] for f in listed] == sorted(f["name"] for f in listed)

    own = list_all(
        gc,
        f"'{folder}' in parents and trashed = false",
        fields="nextPageToken,files(id,name,mimeType,modifiedTime)",
        includeItemsFromAllDrives=True,
    )
    assert len(own) == 246  # 245 spreadsheets + the uploaded .xlsx
    assert {f["mimeType"] for f in own} == {GOOGLE_SHEET_MIME, XLSX_MIME}
    assert not {f["id"] for f in own} & set(ids[:5])
    everything = list_all(gc, "trashed = false")
    assert all(f["name"] != "Rahasia" for f in everything)  # not shared with the SA
    assert fake_google.count() == fake_google.count(status=200)


def test_query_clauses(fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    tagged = fake_google.add_spreadsheet(
        folder, "Unit A", sample_xlsx, app_properties={"sheetnilai_unit": "U-07"}
    )
    fake_google.add_spreadsheet(folder, "Unit B", sample_xlsx)
    fake_google.add_file(folder, "Unit C.xlsx", sample_xlsx)
    gc = connect(READONLY)

    def names(q: str) -> list[str]:
        return [f["name"] for f in list_all(gc, q)]

    assert names("appProperties has { key='sheetnilai_unit' and value='U-07' }") == ["Unit A"]
    assert names("appProperties has {key = 'sheetnilai_unit' and value = 'U-08'}") == []
    assert names(f"mimeType != '{GOOGLE_SHEET_MIME}' and '{folder}' in parents") == ["Unit C.xlsx"]
    assert names(f'name = "Unit B" AND parents in "{folder}"') == ["Unit B"]
    (resource,) = list_all(gc, "name = 'Unit A'")
    assert resource["id"] == tagged
    assert resource["appProperties"] == {"sheetnilai_unit": "U-07"}
    assert resource["webViewLink"] == f"https://docs.google.com/spreadsheets/d/{tagged}/edit"
    assert resource["modifiedTime"].endswith("Z") and len(resource["modifiedTime"]) == 24
    for bad in ("starred = true", "name = 'a' or name = 'b'", "'x' in parents and"):
        with pytest.raises(APIError) as exc:
            list_all(gc, bad)
        assert exc.value.code == 400
        assert exc.value.error["errors"][0]["location"] == "q"


def test_patch_merges_app_properties_and_strict_fields(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    file_id = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx, app_properties={"a": "1"})
    gc = connect()
    before = fake_google.file(file_id)["version"]
    url = f"{DRIVE_FILES}/{file_id}"
    patched = gc.http_client.request(
        "patch", url, json={"appProperties": {"a": None, "b": "2"}}
    ).json()
    assert patched["appProperties"] == {"b": "2"}
    assert int(patched["version"]) == int(before) + 1

    fake_google.strict_fields = True
    bare = gc.http_client.request("get", url).json()
    assert bare == {
        "kind": "drive#file",
        "id": file_id,
        "name": "Unit",
        "mimeType": GOOGLE_SHEET_MIME,
    }
    picked = gc.http_client.request("get", url, params={"fields": "id,appProperties"}).json()
    assert picked == {"id": file_id, "appProperties": {"b": "2"}}
    page = gc.http_client.request(
        "get", DRIVE_FILES, params={"q": f"'{folder}' in parents", "fields": "files(id)"}
    ).json()
    assert page == {"files": [{"id": file_id}]}


# --------------------------------------------------------------------------- Sheets reads


def test_open_by_key_and_worksheets(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Penilaian Dinas Uji", sample_xlsx)
    secret = fake_google.add_spreadsheet(fake_google.add_folder("Lain"), "Lain", sample_xlsx)
    gc = connect(READONLY)

    sh = gc.open_by_key(key)
    assert sh.title == "Penilaian Dinas Uji"
    worksheets = sh.worksheets()
    assert [ws.title for ws in worksheets] == ["Data Pegawai", "It's Rekap", "Referensi"]
    assert [ws.isSheetHidden for ws in worksheets] == [False, False, True]
    assert len({ws.id for ws in worksheets}) == 3
    assert fake_google.count(category="sheets_read", file_id=key) == 2
    with pytest.raises(SpreadsheetNotFound):
        gc.open_by_key(secret)

    formulas, values = (
        sh.values_batch_get(["'Data Pegawai'!A1:D9"], params={"valueRenderOption": option})
        for option in ("FORMULA", "UNFORMATTED_VALUE")
    )
    f_rows = formulas["valueRanges"][0]["values"]
    v_rows = values["valueRanges"][0]["values"]
    assert f_rows[4] == ["", "", "=SUM(C2:C4)"]
    assert v_rows[4] == ["", "", 240.5]
    assert v_rows[5][2] == "#DIV/0!"
    assert v_rows[1] == ["198001012005011001", "Ani", 80, 0.5]


def test_grid_data_in_one_read(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect(READONLY)
    fields = (
        "properties.title,sheets(properties(title,sheetId),"
        "data(rowData(values(userEnteredValue,effectiveValue))))"
    )
    meta = gc.http_client.fetch_sheet_metadata(
        key, params={"includeGridData": "true", "fields": fields}
    )
    assert meta["properties"]["locale"] == "in_ID"
    rows = meta["sheets"][0]["data"][0]["rowData"]
    total = rows[4]["values"][2]
    assert total["userEnteredValue"] == {"formulaValue": "=SUM(C2:C4)"}
    assert total["effectiveValue"] == {"numberValue": 240.5}
    assert rows[5]["values"][2]["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    assert rows[6]["values"][2]["effectiveValue"]["errorValue"]["type"] == "N_A"
    assert rows[7]["values"][2]["effectiveValue"] == {"boolValue": False}
    assert rows[1]["values"][0]["userEnteredValue"] == {"stringValue": "198001012005011001"}
    assert rows[0]["values"][3] == {
        "userEnteredValue": {"stringValue": "Bobot"},
        "effectiveValue": {"stringValue": "Bobot"},
        "formattedValue": "Bobot",
    }
    assert fake_google.count(category="sheets_read") == 1


# --------------------------------------------------------------------------- upload, export


def test_upload_with_conversion_and_export_round_trip(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    created = upload(gc, folder, "Penilaian Dinas Uji", sample_xlsx, app_properties={"v": "1"})
    key = created["id"]
    assert created["mimeType"] == GOOGLE_SHEET_MIME
    assert created["owners"][0]["emailAddress"] == SA_EMAIL
    assert created["webViewLink"] == f"https://docs.google.com/spreadsheets/d/{key}/edit"
    assert created["appProperties"] == {"v": "1"}
    assert fake_google.requests[-1].file_id == key

    fake_google.set_cell(key, "Data Pegawai", "C2", 85)  # a user edits in the browser
    fake_google.set_cell(key, "Data Pegawai", "C5", 245.5, formula="=SUM(C2:C4)")
    exported = gc.export(key, ExportFormat.EXCEL)
    assert exported != sample_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(exported))
    wbv = openpyxl.load_workbook(io.BytesIO(exported), data_only=True)
    assert wb.sheetnames == ["Data Pegawai", "It's Rekap", "Referensi"]
    data, values = wb["Data Pegawai"], wbv["Data Pegawai"]
    assert data["C5"].value == "=SUM(C2:C4)"
    assert values["C5"].value == 245.5
    assert values["C2"].value == 85
    assert data["A2"].value == "198001012005011001"  # strings stay strings
    assert (values["C6"].value, values["C6"].data_type) == ("#DIV/0!", "e")
    assert (values["C7"].value, values["C7"].data_type) == ("#N/A", "e")
    assert values["C8"].value is False
    assert values["A9"].value is True
    assert data.row_dimensions[4].hidden
    assert wb["Referensi"].sheet_state == "hidden"
    assert wb["It's Rekap"].defined_names["RataRata"].attr_text == "'It''s Rekap'!$B$1"
    assert wb.defined_names["DaftarPredikat"].attr_text == "Referensi!$A$1:$A$3"
    assert wb["It's Rekap"]["B1"].value == "=AVERAGE('Data Pegawai'!C2:C4)"

    # Benchmarks may skip the model for unedited files; edited ones still go through it.
    fake_google.export_verbatim = True
    fresh = upload(gc, folder, "Belum disunting", sample_xlsx)["id"]
    assert gc.export(fresh, ExportFormat.EXCEL) == sample_xlsx
    assert gc.export(key, ExportFormat.EXCEL) != sample_xlsx

    fake_google.export_limit = 1000
    with pytest.raises(APIError) as exc:
        gc.export(key, ExportFormat.EXCEL)
    assert exc.value.code == 403
    assert exc.value.error["errors"][0]["reason"] == "exportSizeLimitExceeded"


def test_plain_files_download_and_sheets_do_not(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    plain = upload(gc, folder, "asli.xlsx", sample_xlsx, convert=False)
    assert plain["mimeType"] == XLSX_MIME
    assert plain["size"] == str(len(sample_xlsx))
    url = f"{DRIVE_FILES}/{plain['id']}"
    assert gc.http_client.request("get", url, params={"alt": "media"}).content == sample_xlsx
    with pytest.raises(APIError) as exc:  # the Sheets API cannot open an uploaded .xlsx
        gc.open_by_key(plain["id"])
    assert exc.value.code == 400
    sheet = fake_google.add_spreadsheet(folder, "Google", sample_xlsx)
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{DRIVE_FILES}/{sheet}", params={"alt": "media"})
    assert exc.value.error["errors"][0]["reason"] == "fileNotDownloadable"


def test_upload_needs_write_access_to_the_folder(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    read_only = fake_google.add_folder("Baca saja", shared_with=[SA_EMAIL], role="reader")
    private = fake_google.add_folder("Pribadi")
    gc = connect()
    with pytest.raises(APIError) as exc:
        upload(gc, read_only, "x", sample_xlsx)
    assert exc.value.code == 403
    with pytest.raises(APIError) as exc:
        upload(gc, private, "x", sample_xlsx)
    assert exc.value.code == 404


# --------------------------------------------------------------------------- batchUpdate


def test_protected_ranges_are_stored_atomically(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    key = upload(gc, folder, "Unit", sample_xlsx)["id"]
    ids = sheet_ids(gc, key)
    sh = gc.open_by_key(key)
    operator = fake_google.user_email

    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {
                                "sheetId": ids["Data Pegawai"],
                                "startRowIndex": 0,
                                "endRowIndex": 1,
                            },
                            "description": "Kepala tabel",
                            "warningOnly": False,
                            "editors": {"users": [operator]},
                        }
                    }
                },
                {"addProtectedRange": {"protectedRange": {"range": {"sheetId": ids["Referensi"]}}}},
            ]
        }
    )
    first = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert first["editors"]["users"] == [SA_EMAIL, operator]  # the owner is always an editor
    assert first["requestingUserCanEdit"] is True
    stored = fake_google.protected_ranges(key)
    assert [(p["sheetTitle"], p.get("description")) for p in stored] == [
        ("Data Pegawai", "Kepala tabel"),
        ("Referensi", None),
    ]

    with pytest.raises(APIError) as exc:
        sh.batch_update(
            {
                "requests": [
                    {"deleteProtectedRange": {"protectedRangeId": first["protectedRangeId"]}},
                    {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 123}}}},
                ]
            }
        )
    assert exc.value.code == 400
    assert exc.value.error["status"] == "INVALID_ARGUMENT"
    assert exc.value.error["message"] == (
        "Invalid requests[1].addProtectedRange: No grid with id: 123"
    )
    assert len(fake_google.protected_ranges(key)) == 2  # nothing applied

    meta = gc.http_client.fetch_sheet_metadata(key)
    assert len(meta["sheets"][0]["protectedRanges"]) == 1
    sh.batch_update(
        {"requests": [{"deleteProtectedRange": {"protectedRangeId": first["protectedRangeId"]}}]}
    )
    assert [p["sheetTitle"] for p in fake_google.protected_ranges(key)] == ["Referensi"]


def test_values_update_goes_into_the_model(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect()
    ws = gc.open_by_key(key).worksheet("It's Rekap")
    ws.update([["Catatan", 42]], "A3:B3")
    assert fake_google.get_cell(key, "It's Rekap", "B3") == (None, 42)
    assert ws.acell("A3").value == "Catatan"
    assert fake_google.count(category="sheets_write") == 1


# --------------------------------------------------------------------------- permissions


def test_permissions_and_notifications(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    key = upload(gc, folder, "Unit", sample_xlsx)["id"]
    kepala = "kepala.dinas@sukamaju.example.id"
    created = gc.insert_permission(key, kepala, perm_type="user", role="writer", notify=False)
    assert created.json()["role"] == "writer"
    again = gc.insert_permission(key, kepala, perm_type="user", role="commenter")
    assert again.json()["id"] == created.json()["id"]
    perms = {p["emailAddress"]: p["role"] for p in gc.list_permissions(key)}
    assert perms[kepala] == "commenter"  # updated, not duplicated
    assert perms[SA_EMAIL] == "owner"
    assert perms[fake_google.user_email] == "writer"  # inherited from the folder
    assert fake_google.notifications == [(key, kepala, False), (key, kepala, True)]

    private = fake_google.add_spreadsheet(fake_google.add_folder("Lain"), "Lain", sample_xlsx)
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{DRIVE_FILES}/{private}")
    assert exc.value.code == 404
    assert exc.value.error["message"] == f"File not found: {private}."
    fake_google.share(private, SA_EMAIL, role="reader")
    assert gc.http_client.request("get", f"{DRIVE_FILES}/{private}").json()["id"] == private


# --------------------------------------------------------------------------- quotas


def test_sheets_read_quota_is_a_sliding_window(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    now = [1000.0]
    fake_google.clock = lambda: now[0]
    fake_google.quotas["sheets_read"] = 3
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect(READONLY)
    for _ in range(3):
        gc.open_by_key(key)
    with pytest.raises(APIError) as exc:
        gc.open_by_key(key)
    assert exc.value.code == 429
    assert exc.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert "'Read requests per minute per user'" in exc.value.error["message"]
    assert "Retry-After" not in exc.value.response.headers
    now[0] += 30
    with pytest.raises(APIError):
        gc.open_by_key(key)
    now[0] += 30.5  # the first three reads leave the window; rejected ones never counted
    gc.open_by_key(key)
    assert fake_google.count(category="sheets_read", status=429) == 2
    assert fake_google.count(category="sheets_read") == 6


def test_drive_quota_answers_403_rate_limit(fake_google: FakeGoogle, connect: Connect) -> None:
    fake_google.quotas["drive"] = 2
    gc = connect(READONLY)
    gc.list_spreadsheet_files()
    gc.list_spreadsheet_files()
    with pytest.raises(APIError) as exc:
        gc.list_spreadsheet_files()
    assert exc.value.code == 403
    assert exc.value.error["errors"][0]["reason"] == "userRateLimitExceeded"
    assert exc.value.error["errors"][0]["domain"] == "usageLimits"


# --------------------------------------------------------------------------- faults


def _list(gc: gspread.Client) -> Any:
    return gc.http_client.request("get", DRIVE_FILES).json()


@pytest.mark.parametrize(
    ("fault", "code", "status", "retry_after"),
    [
        (Status(429, retry_after=7), 429, "RESOURCE_EXHAUSTED", "7"),
        (Status(500), 500, "INTERNAL", None),
        (Status(503, retry_after=1.5), 503, "UNAVAILABLE", "1.5"),
    ],
)
def test_status_faults(
    fake_google: FakeGoogle,
    connect: Connect,
    fault: Fault,
    code: int,
    status: str,
    retry_after: str | None,
) -> None:
    gc = connect(READONLY)
    fake_google.inject(fault)
    with pytest.raises(APIError) as exc:
        _list(gc)
    assert exc.value.code == code
    assert exc.value.error["status"] == status
    assert exc.value.response.headers.get("Retry-After") == retry_after
    assert _list(gc)["files"] == []  # consumed: the next request is fine


def test_transport_faults(fake_google: FakeGoogle, connect: Connect) -> None:
    gc = connect(READONLY)
    _list(gc)  # token fetched, connection warm

    fake_google.inject(Drop())
    with pytest.raises(requests.exceptions.ConnectionError):
        _list(gc)

    fake_google.inject(Slow(5))
    gc.http_client.set_timeout(0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        _list(gc)
    gc.http_client.set_timeout(None)

    fake_google.inject(Html(502))
    with pytest.raises(APIError) as exc:
        _list(gc)
    assert exc.value.code == -1
    assert exc.value.response.status_code == 502
    assert "That’s an error." in exc.value.response.text

    fake_google.inject(Html(200))
    with pytest.raises(requests.exceptions.JSONDecodeError):
        _list(gc)

    assert _list(gc)["files"] == []
    assert fake_google.pending_faults() == 0
    assert [r.status for r in fake_google.requests if r.category == "drive"] == [
        200,  # warm-up
        0,  # Drop
        0,  # Slow: still sleeping, no answer yet
        502,  # Html(502)
        200,  # Html(200)
        200,
    ]


def test_expire_token_fault_is_healed_by_a_refresh(
    fake_google: FakeGoogle, connect: Connect
) -> None:
    gc = connect(READONLY)
    _list(gc)
    before = len(fake_google.token_requests)
    fake_google.inject(ExpireToken())
    assert _list(gc)["files"] == []  # AuthorizedSession refreshes on 401 and retries
    assert len(fake_google.token_requests) == before + 1
    assert [r.status for r in fake_google.requests if r.category == "drive"][-2:] == [401, 200]


def test_a_new_file_reaches_the_listing_only_after_the_delay(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    now = [1000.0]
    fake_google.clock = lambda: now[0]
    fake_google.list_delay = 5.0
    made = upload(gc, folder, "Baru", sample_xlsx, app_properties={"k": "v"})
    query = f"'{folder}' in parents and appProperties has {{ key='k' and value='v' }}"
    assert list_all(gc, query) == []  # Drive's search index has not caught up
    got = gc.http_client.request("get", f"{DRIVE_FILES}/{made['id']}").json()
    assert got["id"] == made["id"]  # files.get sees it at once
    now[0] += 4.9
    assert list_all(gc, query) == []
    now[0] += 0.2
    assert [f["id"] for f in list_all(gc, query)] == [made["id"]]
    other = upload(gc, folder, "Lain", sample_xlsx)
    fake_google.settle()
    assert {f["id"] for f in list_all(gc, f"'{folder}' in parents")} == {made["id"], other["id"]}


def test_applied_faults_make_the_change_and_hide_it(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    gc = connect()
    fake_google.settle()

    def files() -> int:
        fake_google.settle()
        return len(list_all(gc, f"'{folder}' in parents"))

    fake_google.inject(Applied(Status(503)), match="/upload/")
    with pytest.raises(APIError) as exc:
        upload(gc, folder, "a", sample_xlsx)
    assert exc.value.code == 503 and files() == 1  # stored, though the answer said 503

    fake_google.inject(Applied(Drop()), match="/upload/")
    with pytest.raises(requests.exceptions.ConnectionError):
        upload(gc, folder, "b", sample_xlsx)
    assert files() == 2

    fake_google.inject(Applied(Slow(2)), match="/upload/")
    gc.http_client.set_timeout(0.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        upload(gc, folder, "c", sample_xlsx)
    gc.http_client.set_timeout(None)
    assert files() == 3  # stored before the (late) answer

    fake_google.inject(Applied(Html(502)), match="/upload/")
    with pytest.raises(APIError):
        upload(gc, folder, "d", sample_xlsx)
    assert files() == 4
    assert fake_google.pending_faults() == 0


def test_truncated_bodies(fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect(READONLY)
    fake_google.export_verbatim = True  # the same bytes on every export
    whole = gc.export(key, ExportFormat.EXCEL)
    assert whole == sample_xlsx
    for mode in ("length", "chunked"):
        fake_google.inject(Truncate(mode), match="/export")
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            gc.export(key, ExportFormat.EXCEL)
    # Without a length the client cannot tell: it gets a short body, served as a success.
    fake_google.inject(Truncate("close", keep=0.25), match="/export")
    cut = gc.export(key, ExportFormat.EXCEL)
    assert cut == whole[: len(whole) // 4]
    fake_google.inject(Truncate("close"), match="/drive/v3/files")
    with pytest.raises(requests.exceptions.JSONDecodeError):
        _list(gc)
    assert gc.export(key, ExportFormat.EXCEL) == whole
    with pytest.raises(ValueError):
        fake_google.inject(Truncate("sebagian"))


def test_faults_match_paths_and_repeat(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes
) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect(READONLY)
    fake_google.inject(Status(500), times=2, match="/export")
    _list(gc)  # not matched
    for _ in range(2):
        with pytest.raises(APIError):
            gc.export(key, ExportFormat.EXCEL)
    assert gc.export(key, ExportFormat.EXCEL)[:2] == b"PK"

    # `skip` lets the first matching requests through.
    fake_google.inject(Status(500), match="/export", skip=1)
    assert gc.export(key, ExportFormat.EXCEL)[:2] == b"PK"
    with pytest.raises(APIError):
        gc.export(key, ExportFormat.EXCEL)
    assert gc.export(key, ExportFormat.EXCEL)[:2] == b"PK"

    # /token only when named. (google-auth itself retries 500/503/504 there, with 1 s backoff.)
    fake_google.inject(Status(403), match="/token")
    fake_google.expire_tokens()
    with pytest.raises(RefreshError):
        _list(gc)
    assert _list(gc)["files"]


def test_scopes_are_enforced(fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes) -> None:
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    gc = connect(READONLY)
    sh = gc.open_by_key(key)
    with pytest.raises(APIError) as exc:
        sh.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": 1}}]})
    assert exc.value.code == 403
    assert exc.value.error["message"] == "Request had insufficient authentication scopes."
    with pytest.raises(APIError) as exc:
        upload(gc, folder, "x", sample_xlsx)
    assert exc.value.code == 403

    meta_only = connect([SCOPE_PREFIX + "drive.metadata.readonly"])
    assert _list(meta_only)["files"]
    with pytest.raises(APIError) as exc:
        meta_only.export(key, ExportFormat.EXCEL)
    assert exc.value.code == 403
    with pytest.raises(PermissionError):  # gspread maps 403 on open_by_key
        meta_only.open_by_key(key)


# --------------------------------------------------------------------------- OAuth flow


class _ConsentingBrowser(webbrowser.BaseBrowser):
    """A 'browser' whose user consents at once: GET the URL and follow the redirects."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.landed: list[str] = []
        self.thread: threading.Thread | None = None

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        def visit() -> None:
            with requests.Session() as session:
                self.landed.append(session.get(url, timeout=10).url)

        # In a thread: the flow only starts serving its redirect page after open() returns.
        self.thread = threading.Thread(target=visit, daemon=True)
        self.thread.start()
        return True


def test_installed_app_flow_and_refresh_with_narrower_scope(
    fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake speaks plain http
    folder = fake_google.add_folder("Milik operator")  # owned by fake_google.user_email
    key = fake_google.add_spreadsheet(folder, "Unit", sample_xlsx)
    name = f"fake-consent-{uuid.uuid4().hex[:8]}"
    browser = _ConsentingBrowser(name)
    webbrowser.register(name, None, browser)

    flow = InstalledAppFlow.from_client_config(fake_google.oauth_client(), scopes=FULL)
    creds = flow.run_local_server(
        host="localhost",
        port=0,
        open_browser=True,
        browser=name,
        timeout_seconds=10,
        authorization_prompt_message="",
    )
    assert creds.refresh_token
    assert browser.thread is not None
    browser.thread.join(10)  # the flow may return before the browser has read its page
    assert browser.landed and browser.landed[0].startswith("http://localhost:")
    (auth,) = [r for r in fake_google.requests if r.category == "auth"]
    assert auth.query["code_challenge_method"] == ["S256"]
    assert fake_google.token_requests[-1] == {
        "grant_type": "authorization_code",
        "principal": fake_google.user_email,
        "scopes": frozenset(FULL),
        "status": 200,
    }
    assert connect(creds=creds).open_by_key(key).title == "Unit"

    narrow = user_credentials.Credentials(
        token=None,
        refresh_token=creds.refresh_token,
        token_uri=creds.token_uri,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        scopes=[SHEETS_SCOPE],  # a subset of the grant, string for string, as Google checks
    )
    with requests.Session() as session:
        narrow.refresh(Request(session))
        assert fake_google.token_requests[-1]["scopes"] == frozenset([SHEETS_SCOPE])
        narrow_gc = connect(creds=narrow)
        assert narrow_gc.open_by_key(key).title == "Unit"
        with pytest.raises(APIError) as exc:  # no Drive scope any more
            narrow_gc.list_spreadsheet_files()
        assert exc.value.code == 403

        wider = user_credentials.Credentials(
            token=None,
            refresh_token=creds.refresh_token,
            token_uri=creds.token_uri,
            client_id=creds.client_id,
            client_secret=creds.client_secret,
            scopes=[*FULL, SCOPE_PREFIX + "gmail.send"],
        )
        with pytest.raises(RefreshError, match="invalid_scope"):
            wider.refresh(Request(session))


def test_changes_feed(fake_google: FakeGoogle, connect: Connect, sample_xlsx: bytes) -> None:
    """changes.list as Drive answers it: the changes since a token, each file once and as it
    is now, gone files as `removed`, files we cannot see left out, bad tokens refused."""
    folder = fake_google.add_folder("Dinas Uji", shared_with=[SA_EMAIL])
    kept = fake_google.add_spreadsheet(folder, "Unit A", sample_xlsx)
    gc = connect(READONLY)
    http = gc.http_client
    changes_url = "https://www.googleapis.com/drive/v3/changes"

    token = http.request("get", changes_url + "/startPageToken").json()["startPageToken"]
    empty = http.request("get", changes_url, params={"pageToken": token}).json()
    assert empty["changes"] == [] and empty["newStartPageToken"] == token

    fake_google.set_cell(kept, "Data Pegawai", "A2", "diubah")
    fake_google.set_cell(kept, "Data Pegawai", "A3", "diubah lagi")
    added = fake_google.add_spreadsheet(folder, "Unit B", sample_xlsx)
    fake_google.add_spreadsheet(fake_google.add_folder("Rahasia"), "Tidak dibagikan", sample_xlsx)
    fake_google.trash(added)
    got = http.request(
        "get", changes_url, params={"pageToken": token, "fields": "*", "pageSize": 1}
    ).json()
    assert [c["fileId"] for c in got["changes"]] == [kept] and "nextPageToken" in got
    assert got["changes"][0]["file"]["version"] == str(fake_google.file(kept)["version"])
    rest = http.request(
        "get", changes_url, params={"pageToken": got["nextPageToken"], "fields": "*"}
    ).json()
    assert [c["fileId"] for c in rest["changes"]] == [added]  # the unshared file is not shown
    assert rest["changes"][0]["file"]["trashed"] is True
    later = rest["newStartPageToken"]

    fake_google.delete(added)
    gone = http.request("get", changes_url, params={"pageToken": later, "fields": "*"}).json()
    assert [(c["fileId"], c["removed"], "file" in c) for c in gone["changes"]] == [
        (added, True, False)
    ]

    for bad in ({}, {"pageToken": "abc"}, {"pageToken": "999999"}, {"pageToken": "0"}):
        with pytest.raises(APIError) as caught:
            http.request("get", changes_url, params=bad)
        assert caught.value.response.status_code == 400, bad
