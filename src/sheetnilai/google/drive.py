"""The few Drive and Sheets calls sheetnilai makes, each one HTTP request (plus pages).

All go through a gspread `Client` built by `http.client()`, so they are routed, paced and
retried there; failures arrive here as `GoogleFailure`. `create_once` is the one call made of
several: an upload that never leaves a twin, whatever Drive answers.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from sheetnilai.google import runner
from sheetnilai.google.http import CUT, GoogleFailure

DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
DRIVE_UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM_MIME = "application/vnd.ms-excel.sheet.macroEnabled.12"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_MIMES = {SHEET_MIME: ".xlsx", XLSX_MIME: ".xlsx", XLSM_MIME: ".xlsm", ODS_MIME: ".ods"}

FILE_FIELDS = (
    "id,name,mimeType,createdTime,modifiedTime,version,appProperties,webViewLink,size,trashed,"
    "parents"
)
CREATE_KEY = "sheetnilai-kunci-buat"  # appProperty: one value per create, to find it again


@dataclass(frozen=True, slots=True)
class DriveFile:
    id: str
    name: str
    mime_type: str
    modified: str = ""
    version: str = ""
    link: str = ""
    size: int | None = None
    app_properties: Mapping[str, str] = field(default_factory=dict)
    created: str = ""
    parents: tuple[str, ...] = ()
    trashed: bool = False

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> DriveFile:
        size = data.get("size")
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            mime_type=str(data.get("mimeType", "")),
            modified=str(data.get("modifiedTime", "")),
            version=str(data.get("version", "")),
            link=str(data.get("webViewLink") or sheet_link(str(data["id"]))),
            size=int(size) if size not in (None, "") else None,
            app_properties=dict(data.get("appProperties") or {}),
            created=str(data.get("createdTime", "")),
            parents=tuple(str(p) for p in data.get("parents") or ()),
            trashed=bool(data.get("trashed", False)),
        )

    @property
    def is_spreadsheet(self) -> bool:
        return self.mime_type == SHEET_MIME


def sheet_link(spreadsheet_id: str, gid: int | None = None, cell: str | None = None) -> str:
    url = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
    if gid is not None:
        url += f"#gid={gid}"
        if cell:
            url += f"&range={cell}"
    return url


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def get(client: Any, file_id: str) -> DriveFile:
    """One file by id; unlike a listing, Drive answers this at once for a new file."""
    response = client.http_client.request(
        "get",
        f"{DRIVE_FILES}/{file_id}",
        params={"fields": FILE_FIELDS, "supportsAllDrives": True},
    )
    return DriveFile.from_api(response.json())


def folder(client: Any, folder_id: str) -> DriveFile:
    return get(client, folder_id)


def list_folder(
    client: Any, folder_id: str, app_properties: Mapping[str, str] | None = None
) -> list[DriveFile]:
    """Files directly in the folder, not in the trash (gspread's listing includes trashed)."""
    clauses = [f"{_quote(folder_id)} in parents", "trashed = false"]
    for key, value in (app_properties or {}).items():
        clauses.append(f"appProperties has {{ key={_quote(key)} and value={_quote(value)} }}")
    params: dict[str, Any] = {
        "q": " and ".join(clauses),
        "fields": f"nextPageToken,files({FILE_FIELDS})",
        "pageSize": 1000,
        "orderBy": "name",
        "supportsAllDrives": True,
        "includeItemsFromAllDrives": True,
    }
    files: list[DriveFile] = []
    while True:
        data = client.http_client.request("get", DRIVE_FILES, params=params).json()
        files.extend(DriveFile.from_api(f) for f in data.get("files", []))
        token = data.get("nextPageToken")
        if not token:
            return files
        params["pageToken"] = token


DRIVE_CHANGES = "https://www.googleapis.com/drive/v3/changes"


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the changes feed: a file as it is now, or gone (deleted, or no longer
    visible to us)."""

    file_id: str
    removed: bool
    file: DriveFile | None


def start_page_token(client: Any) -> str:
    """Where the changes feed stands now: changes after this call are listed from it."""
    response = client.http_client.request(
        "get", f"{DRIVE_CHANGES}/startPageToken", params={"supportsAllDrives": True}
    )
    return str(response.json()["startPageToken"])


def changes(client: Any, token: str) -> tuple[list[Change], str]:
    """Every change since `token` (all pages), and the token to ask from next time. Nothing
    changed: one request."""
    params: dict[str, Any] = {
        "pageToken": token,
        "pageSize": 1000,
        "fields": f"nextPageToken,newStartPageToken,changes(fileId,removed,file({FILE_FIELDS}))",
        "includeRemoved": True,
        "supportsAllDrives": True,
        "includeItemsFromAllDrives": True,
    }
    found: list[Change] = []
    while True:
        data = client.http_client.request("get", DRIVE_CHANGES, params=params).json()
        for entry in data.get("changes", []):
            raw = entry.get("file")
            file = DriveFile.from_api(raw) if raw and not entry.get("removed") else None
            found.append(Change(str(entry["fileId"]), bool(entry.get("removed")), file))
        if data.get("newStartPageToken"):
            return found, str(data["newStartPageToken"])
        params["pageToken"] = data["nextPageToken"]


def download(client: Any, file: DriveFile) -> bytes:
    """The workbook's bytes: Google spreadsheets exported as .xlsx (formulas and values)."""
    if file.is_spreadsheet:
        url = f"{DRIVE_FILES}/{file.id}/export"
        params: dict[str, Any] = {"mimeType": XLSX_MIME}
    else:
        url = f"{DRIVE_FILES}/{file.id}"
        params = {"alt": "media", "supportsAllDrives": True}
    response = client.http_client.request("get", url, params=params, check=_whole_workbook)
    content: bytes = response.content
    return content


def _whole_workbook(response: requests.Response) -> GoogleFailure | None:
    """A download must be a whole zip: a proxy's page, an empty body, or a body cut short
    (even one whose cut no length announced) is a fault to retry."""
    content = response.content
    if not content.startswith(b"PK"):
        return GoogleFailure("html", "isi unduhan bukan workbook", response.status_code)
    try:
        with zipfile.ZipFile(io.BytesIO(content)):  # reads the directory at the very end
            pass
    except (zipfile.BadZipFile, ValueError, EOFError):
        return GoogleFailure("jaringan", CUT, response.status_code)
    return None


def upload_as_spreadsheet(
    client: Any,
    folder_id: str,
    name: str,
    xlsx: bytes,
    app_properties: Mapping[str, str] | None = None,
) -> DriveFile:
    """Upload an .xlsx and let Drive convert it to a Google spreadsheet (one request)."""
    metadata = {
        "name": name,
        "mimeType": SHEET_MIME,
        "parents": [folder_id],
        "appProperties": dict(app_properties or {}),
    }
    boundary = "sheetnilai-" + uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
            json.dumps(metadata).encode(),
            f"\r\n--{boundary}\r\nContent-Type: {XLSX_MIME}\r\n\r\n".encode(),
            xlsx,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = client.http_client.request(
        "post",
        DRIVE_UPLOAD,
        params={"uploadType": "multipart", "supportsAllDrives": True, "fields": FILE_FIELDS},
        data=body,
        headers={"Content-Type": f"multipart/related; boundary={boundary}"},
    )
    return DriveFile.from_api(response.json())


def replace_content(client: Any, file_id: str, xlsx: bytes) -> DriveFile:
    """New content for an existing file, in one request; a Google spreadsheet converts the
    xlsx, and keeps its id, link, sharing and revision history. Sending the same bytes again
    after an answer was lost does no harm."""
    response = client.http_client.request(
        "patch",
        f"{DRIVE_UPLOAD}/{file_id}",
        params={"uploadType": "media", "supportsAllDrives": True, "fields": FILE_FIELDS},
        data=xlsx,
        headers={"Content-Type": XLSX_MIME},
    )
    return DriveFile.from_api(response.json())


@dataclass(frozen=True, slots=True)
class Settle:
    """How to find a file whose create got an ambiguous answer.

    Drive's listing (its search index) shows a new file only after a delay, usually seconds:
    after each wait the folder is searched for the create's key again. `creates` bounds the
    attempts at the upload itself.
    """

    waits: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0)
    creates: int = 3


SETTLE = Settle()


def find_created(
    client: Any, folder_id: str, key: str, settle: Settle = SETTLE
) -> DriveFile | None:
    """The file a create tagged with `key` made in the folder, looked for while Drive's
    listing catches up; the oldest when there are several."""
    for wait in (0.0, *settle.waits):
        runner.sleep(wait)
        found = list_folder(client, folder_id, {CREATE_KEY: key})
        if found:
            return min(found, key=lambda f: (f.created, f.id))
    return None


def create_once(
    client: Any,
    folder_id: str,
    name: str,
    xlsx: bytes,
    app_properties: Mapping[str, str],
    settle: Settle = SETTLE,
    key: str | None = None,
) -> DriveFile:
    """Upload and convert, never leaving a twin, whatever Drive answers.

    Drive accepts no id chosen in advance for an upload converted to a Google spreadsheet,
    so each create carries a unique `key` in its appProperties. After an answer that leaves
    open whether Drive stored the file (5xx, a timeout, a dropped connection), the folder
    is searched for that key (`find_created`) before the upload is tried again.
    """
    key = key or uuid.uuid4().hex
    tagged = {**app_properties, CREATE_KEY: key}
    attempt = 0
    while True:
        attempt += 1
        try:
            return upload_as_spreadsheet(client, folder_id, name, xlsx, tagged)
        except GoogleFailure as exc:
            if not exc.ambiguous:
                raise
            found = find_created(client, folder_id, key, settle)
            if found is not None:
                return found
            if attempt >= settle.creates:
                raise


def set_app_properties(client: Any, file_id: str, values: Mapping[str, str]) -> None:
    client.http_client.request(
        "patch",
        f"{DRIVE_FILES}/{file_id}",
        params={"supportsAllDrives": True, "fields": "id"},
        json={"appProperties": dict(values)},
    )


def permissions(client: Any, file_id: str) -> list[dict[str, Any]]:
    response = client.http_client.request(
        "get",
        f"{DRIVE_FILES}/{file_id}/permissions",
        params={"supportsAllDrives": True, "fields": "permissions(id,type,role,emailAddress)"},
    )
    return list(response.json().get("permissions", []))


def share(
    client: Any, file_id: str, email: str, role: str, notify: bool, message: str = ""
) -> None:
    params: dict[str, Any] = {"supportsAllDrives": True, "sendNotificationEmail": notify}
    if notify and message:
        params["emailMessage"] = message
    client.http_client.request(
        "post",
        f"{DRIVE_FILES}/{file_id}/permissions",
        params=params,
        json={"type": "user", "role": role, "emailAddress": email},
    )


def sheet_metadata(client: Any, spreadsheet_id: str, protected: bool = False) -> dict[str, Any]:
    fields = "sheets(properties(sheetId,title)"
    fields += ",protectedRanges(protectedRangeId,description))" if protected else ")"
    response = client.http_client.request(
        "get", f"{SHEETS}/{spreadsheet_id}", params={"fields": fields}
    )
    data: dict[str, Any] = response.json()
    return data


def sheet_ids(client: Any, spreadsheet_id: str) -> dict[str, int]:
    meta = sheet_metadata(client, spreadsheet_id)
    return {
        s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in meta.get("sheets", [])
    }


def batch_update(client: Any, spreadsheet_id: str, requests: Sequence[Mapping[str, Any]]) -> None:
    if requests:
        client.http_client.request(
            "post", f"{SHEETS}/{spreadsheet_id}:batchUpdate", json={"requests": list(requests)}
        )
