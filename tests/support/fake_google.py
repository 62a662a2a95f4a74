"""A stateful local fake of the Google APIs our client talks to, served over real HTTP.

It covers Sheets v4 (metadata, grid data, values, batchUpdate with protected ranges),
Drive v3 (list with a `q` parser, get, download, export, multipart upload with xlsx
conversion, patch, copy, permissions) and the OAuth endpoints (JWT-bearer grant for service
accounts, the authorization-code flow with PKCE for installed apps, refresh grants).

It is meant for tests: real gspread and google-auth run against it unchanged, with the
Google hosts rerouted to `FakeGoogle.base`. On top of Google's behaviour it offers quotas
per principal, fault injection (`inject`) and a request log (`requests`, `count`).

Faults include the ambiguous ones a client cannot tell apart from a plain failure: Drive
applies the request and then answers 5xx, drops the connection, or answers only after the
client gave up (`Applied`), and a body cut off half-way (`Truncate`). Like Drive's search
index, files.list does not show a file created through the API until `list_delay` seconds
(on `clock`) have passed; files.get sees it at once. `settle()` stands for the time passing
between two runs.

Google spreadsheets hold a grid model converted from xlsx (lazily, on first need) like
Google's import does; exports are written from that model with XlsxWriter, so an edit made
with `set_cell` or the values API shows up in the next export.

Limits, on purpose: formulas are never evaluated (a formula written through the values API
has no cached value), cell formats other than number formats are dropped, data validations
are only counted, and `drive.file` is treated like `drive`. The listing delay applies to new
files only; changed properties and the trash are seen by files.list at once.

Typical use::

    with FakeGoogle() as fake:
        info = fake.service_account()  # key file dict; token_uri points at the fake
        folder = fake.add_folder("Dinas Uji", shared_with=[info["client_email"]])
        key = fake.add_spreadsheet(folder, "Penilaian", xlsx_bytes)
        fake.quotas["sheets_read"] = 60
        fake.inject(Status(503, retry_after=2), match="/export")
        monkeypatch.setenv(...) for each item of fake.env()  # our client's endpoints
        ...
        assert fake.count(category="sheets_read", file_id=key) == 1
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import csv
import functools
import hashlib
import html
import io
import itertools
import json
import operator
import re
import secrets
import socket
import sys
import threading
import time
import traceback
import uuid
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, unquote_plus, urlencode, urlsplit

import openpyxl
import xlsxwriter
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.formula import ArrayFormula

__all__ = [
    "DRIVE_READONLY_SCOPE",
    "DRIVE_SCOPE",
    "FOLDER_MIME",
    "GOOGLE_SHEET_MIME",
    "SCOPE_PREFIX",
    "SHEETS_READONLY_SCOPE",
    "SHEETS_SCOPE",
    "XLSX_MIME",
    "Applied",
    "Book",
    "DefinedName",
    "Drop",
    "ErrorValue",
    "ExpireToken",
    "FakeGoogle",
    "Fault",
    "Html",
    "Logged",
    "Sheet",
    "Slow",
    "Status",
    "Truncate",
]

SCOPE_PREFIX = "https://www.googleapis.com/auth/"
SHEETS_SCOPE = SCOPE_PREFIX + "spreadsheets"
SHEETS_READONLY_SCOPE = SCOPE_PREFIX + "spreadsheets.readonly"
DRIVE_SCOPE = SCOPE_PREFIX + "drive"
DRIVE_READONLY_SCOPE = SCOPE_PREFIX + "drive.readonly"

GOOGLE_SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# google-auth always puts Google's token URL in the JWT `aud`, whatever token_uri says.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


def _scopes(*names: str) -> frozenset[str]:
    return frozenset(SCOPE_PREFIX + n for n in names)


_SHEETS_READ_SCOPES = _scopes(
    "spreadsheets.readonly", "spreadsheets", "drive.readonly", "drive", "drive.file"
)
_SHEETS_WRITE_SCOPES = _scopes("spreadsheets", "drive", "drive.file")
_DRIVE_META_SCOPES = _scopes(
    "drive.readonly", "drive", "drive.file", "drive.metadata.readonly", "drive.metadata"
)
_DRIVE_CONTENT_SCOPES = _scopes("drive.readonly", "drive", "drive.file")
_DRIVE_WRITE_SCOPES = _scopes("drive", "drive.file")

_ROLE_RANK = {
    "reader": 1,
    "commenter": 2,
    "writer": 3,
    "fileOrganizer": 4,
    "organizer": 5,
    "owner": 6,
}
_WRITER = _ROLE_RANK["writer"]

_ERROR_TYPES = {
    "#NULL!": "NULL_VALUE",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#REF!": "REF",
    "#NAME?": "NAME",
    "#NUM!": "NUM",
    "#N/A": "N_A",
    "#ERROR!": "ERROR",
    "#GETTING_DATA": "LOADING",
}

_WINDOW_SECONDS = 60.0
_ORDER_KEYS = {"name": "name", "modifiedTime": "modified", "createdTime": "created"}
_WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'


# --------------------------------------------------------------------------- public records


@dataclass(frozen=True)
class Status:
    """Answer with this HTTP status and a Google-shaped JSON error body."""

    code: int
    retry_after: float | None = None
    status_text: str | None = None


@dataclass(frozen=True)
class Drop:
    """Close the TCP connection without sending any response."""


@dataclass(frozen=True)
class Slow:
    """Sleep this long, then answer normally (a client timeout should fire first)."""

    seconds: float


@dataclass(frozen=True)
class Html:
    """Answer with an HTML error page (Google's front end); code 200 mimics a broken proxy."""

    code: int = 502


@dataclass(frozen=True)
class ExpireToken:
    """Invalidate every access token right before this request's auth check."""


@dataclass(frozen=True)
class Applied:
    """Carry the request out, then answer with `fault` instead of the result.

    Status, Html or Drop: the change is made but the client sees a failure (or nothing).
    Slow: the change is made and the true answer comes `seconds` later, after the client's
    timeout when that is shorter.
    """

    fault: Status | Drop | Slow | Html


@dataclass(frozen=True)
class Truncate:
    """Carry the request out, then send only the first `keep` part of the answer's body.

    mode "length": Content-Length announces the whole body, then the connection closes;
    "chunked": one chunk with part of the body, then the connection closes without the last
    chunk; "close": no length at all, the body ends where the connection closes (only the
    content itself can show that something is missing).
    """

    mode: str = "length"
    keep: float = 0.5


Fault = Status | Drop | Slow | Html | ExpireToken | Applied | Truncate


@dataclass
class Logged:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    principal: str | None
    scopes: frozenset[str]
    status: int  # 0 for a dropped connection (or while the request is still in flight)
    category: str  # sheets_read / sheets_write / drive / token / auth
    file_id: str | None
    time: float


class ErrorValue(str):
    """A cell error such as ``#N/A``; a str subclass, so it compares equal to its text."""

    __slots__ = ()


CellValue = str | int | float | bool | None
Cell = tuple[str | None, CellValue]  # (formula without "=", value / cached value)


@dataclass
class Sheet:
    """One grid sheet of a Google spreadsheet."""

    sheet_id: int
    title: str
    index: int
    hidden: bool = False
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # number formats
    validations: int = 0
    row_count: int = 1000
    column_count: int = 26
    column_pixels: dict[int, int] = field(default_factory=dict)  # updateDimensionProperties


@dataclass
class DefinedName:
    name: str
    ref: str  # without "=", e.g. "'Data Pegawai'!$A$2:$A$9"
    sheet_id: int | None = None  # None = workbook scope


@dataclass
class Book:
    """The grid model of a Google spreadsheet."""

    sheets: list[Sheet]
    names: list[DefinedName] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(
        default_factory=lambda: {"locale": "in_ID", "timeZone": "Asia/Jakarta"}
    )
    next_protected: int = 1

    def by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def ordered(self) -> list[Sheet]:
        return sorted(self.sheets, key=lambda s: s.index)

    def snapshot(self) -> Book:
        sheets = [
            replace(
                s,
                cells=dict(s.cells),
                hidden_rows=set(s.hidden_rows),
                formats=dict(s.formats),
                column_pixels=dict(s.column_pixels),
            )
            for s in self.sheets
        ]
        return Book(sheets=sheets, names=list(self.names), properties=dict(self.properties))


# --------------------------------------------------------------------------- internals


@dataclass
class _File:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    owner: str
    created: datetime
    modified: datetime
    version: int = 1
    trashed: bool = False
    app_properties: dict[str, str] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    content: bytes | None = None  # original bytes (plain files, or xlsx before conversion)
    book: Book | None = None
    edited: bool = False  # the model differs from `content`
    parse_lock: threading.Lock = field(default_factory=threading.Lock)
    listed_from: float = float("-inf")  # on FakeGoogle.clock: when files.list starts to show it

    @property
    def is_sheet(self) -> bool:
        return self.mime_type == GOOGLE_SHEET_MIME

    @property
    def is_google_type(self) -> bool:
        return self.mime_type.startswith("application/vnd.google-apps.")


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    truncate: Truncate | None = None


@dataclass
class _Ctx:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    principal: str = ""
    scopes: frozenset[str] = frozenset()
    file_id: str | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        return default if value is None else value.strip().lower() in ("true", "1", "yes")

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        return json.loads(self.body)


@dataclass
class _Route:
    category: str
    scopes: frozenset[str]
    action: Callable[[_Ctx], _Reply]
    file_id: str | None = None


@dataclass
class _FaultRule:
    fault: Fault
    remaining: int
    match: str | None
    skip: int = 0


@dataclass
class _Token:
    principal: str
    scopes: frozenset[str]
    expiry: float  # wall clock (time.time), as google-auth sees it


@dataclass
class _AuthCode:
    client_id: str
    principal: str
    scopes: tuple[str, ...]
    redirect_uri: str
    challenge: str | None
    challenge_method: str | None
    expiry: float


@dataclass
class _Refresh:
    client_id: str
    principal: str
    scopes: frozenset[str]


class _Invalid(Exception):
    """A request in a batchUpdate or a range that Google would reject with 400."""


class _BadQuery(Exception):
    pass


def _json_reply(status: int, obj: Any, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(obj).encode("utf-8"), headers=dict(headers or {}))


def _sheets_error(code: int, message: str, status: str) -> _Reply:
    return _json_reply(code, {"error": {"code": code, "message": message, "status": status}})


def _drive_error(
    code: int, message: str, reason: str, *, domain: str = "global", status: str | None = None
) -> _Reply:
    err: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"domain": domain, "reason": reason, "message": message}],
    }
    if status:
        err["status"] = status
    return _json_reply(code, {"error": err})


def _drive_not_found(file_id: str) -> _Reply:
    return _drive_error(404, f"File not found: {file_id}.", "notFound", status="NOT_FOUND")


def _drive_no_write() -> _Reply:
    return _drive_error(
        403,
        "The user does not have sufficient permissions for this file.",
        "insufficientFilePermissions",
    )


def _drive_invalid(message: str, location: str) -> _Reply:
    err = {
        "code": 400,
        "message": message,
        "errors": [
            {
                "domain": "global",
                "reason": "invalid",
                "message": message,
                "location": location,
                "locationType": "parameter",
            }
        ],
    }
    return _json_reply(400, {"error": err})


def _html_page(code: int, text: str) -> bytes:
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>Error {code}</title></head><body><h1>{code}. That’s an error.</h1>"
        f"<p>{text} That’s all we know.</p></body></html>"
    ).encode()


def _html_reply(code: int, text: str = "The server encountered an error.") -> _Reply:
    return _Reply(code, _html_page(code, text), "text/html; charset=UTF-8")


_STATUS_DEFAULTS = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    408: ("DEADLINE_EXCEEDED", "Request timed out."),
    409: ("ABORTED", "The operation was aborted."),
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out."),
}


def _status_reply(fault: Status) -> _Reply:
    try:
        phrase = HTTPStatus(fault.code).phrase
    except ValueError:
        phrase = "Error"
    status, message = _STATUS_DEFAULTS.get(
        fault.code, (phrase.upper().replace(" ", "_"), phrase + ".")
    )
    reply = _sheets_error(fault.code, message, fault.status_text or status)
    if fault.retry_after is not None:
        value = fault.retry_after
        reply.headers["Retry-After"] = str(int(value) if float(value).is_integer() else value)
    return reply


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _rfc3339(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _is_loopback_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


@functools.cache
def _shared_private_key() -> rsa.RSAPrivateKey:
    """One RSA key per process: generating 2048-bit keys is slow."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --------------------------------------------------------------------------- A1 ranges


_A1_PART = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _col_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _parse_cell(a1: str) -> tuple[int, int]:
    m = _A1_PART.match(a1.strip())
    if not m or not m.group(1) or not m.group(2) or int(m.group(2)) < 1:
        raise ValueError(f"not a cell reference: {a1!r}")
    return int(m.group(2)) - 1, _col_index(m.group(1))


Bounds = tuple[int, int, int | None, int | None]  # r0, c0, r1, c1 (exclusive; None = unbounded)


def _parse_a1(a1: str) -> Bounds:
    """'A1', 'A1:C3', 'A:C', '2:5', 'A5:C' → zero-based bounds with exclusive ends."""
    first, sep, second = a1.strip().partition(":")
    m1 = _A1_PART.match(first)
    m2 = _A1_PART.match(second) if sep else m1
    if not m1 or not m2 or not (m1.group(1) or m1.group(2)):
        raise _Invalid(f"Unable to parse range: {a1}")
    c0 = _col_index(m1.group(1)) if m1.group(1) else 0
    r0 = int(m1.group(2)) - 1 if m1.group(2) else 0
    c1 = _col_index(m2.group(1)) + 1 if m2.group(1) else None
    r1 = int(m2.group(2)) if m2.group(2) else None
    if not sep and m1.group(1) and not m1.group(2):  # "A" alone is not a range
        raise _Invalid(f"Unable to parse range: {a1}")
    if r0 < 0 or (r1 is not None and r1 <= r0) or (c1 is not None and c1 <= c0):
        raise _Invalid(f"Unable to parse range: {a1}")
    return r0, c0, r1, c1


def _quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


def _unquote_title(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def _resolve_range(book: Book, rng: str) -> tuple[Sheet, int, int, int, int]:
    """Resolve an A1 range (optionally with a sheet title) against a book; ends are exclusive."""
    sheet: Sheet | None
    if "!" in rng:
        title_part, a1 = rng.rsplit("!", 1)
        sheet = book.by_title(_unquote_title(title_part))
        if sheet is None:
            raise _Invalid(f"Unable to parse range: {rng}")
        bounds = _parse_a1(a1)
    else:
        sheet = book.by_title(_unquote_title(rng))
        if sheet is not None:
            bounds = (0, 0, None, None)
        else:
            sheet = book.ordered()[0]
            bounds = _parse_a1(rng)
    r0, c0, r1, c1 = bounds
    return (
        sheet,
        r0,
        c0,
        sheet.row_count if r1 is None else r1,
        sheet.column_count if c1 is None else c1,
    )


def _a1_text(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{_quote_title(sheet.title)}!{_col_letters(c0)}{r0 + 1}:{_col_letters(c1 - 1)}{r1}"


# --------------------------------------------------------------------------- xlsx ⇄ model


def _from_openpyxl(value: Any, data_type: str, epoch: datetime) -> CellValue:
    if value is None:
        return None
    if data_type == "e":
        return ErrorValue(str(value))
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | dt_time | timedelta):
        return to_excel(value, epoch)
    return str(value)


def _sheet_id(file_id: str, index: int, used: set[int]) -> int:
    sid = zlib.crc32(f"{file_id}:{index}".encode()) & 0x7FFFFFFF
    while sid in used:
        sid = (sid + 1) & 0x7FFFFFFF
    used.add(sid)
    return sid


def _parse_xlsx(data: bytes, file_id: str) -> Book:
    """Convert xlsx bytes into the grid model, as Google's import does."""
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, rich_text=False)
    wbv = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    try:
        sheets: list[Sheet] = []
        names: list[DefinedName] = []
        used: set[int] = set()
        for index, ws in enumerate(wb.worksheets):
            cached: dict[tuple[int, int], CellValue] = {}
            wsv = wbv[ws.title]
            wsv.reset_dimensions()
            for row in wsv.iter_rows():
                for vcell in row:
                    if vcell.value is not None:
                        key = (vcell.row - 1, vcell.column - 1)
                        cached[key] = _from_openpyxl(vcell.value, vcell.data_type, wb.epoch)
            cells: dict[tuple[int, int], Cell] = {}
            formats: dict[tuple[int, int], str] = {}
            for (row_no, col_no), xcell in ws._cells.items():
                value = xcell.value
                if value is None:
                    continue
                key = (row_no - 1, col_no - 1)
                if xcell.data_type == "f":
                    text = value.text if isinstance(value, ArrayFormula) else value
                    if isinstance(text, str):
                        cells[key] = (text[1:] if text.startswith("=") else text, cached.get(key))
                    else:  # data-table formulas and the like: keep the result only
                        cells[key] = (None, cached.get(key))
                else:
                    cells[key] = (None, _from_openpyxl(value, xcell.data_type, wb.epoch))
                number_format = xcell.number_format
                if number_format and number_format != "General":
                    formats[key] = number_format
            sheet = Sheet(
                sheet_id=_sheet_id(file_id, index, used),
                title=ws.title,
                index=index,
                hidden=ws.sheet_state in ("hidden", "veryHidden"),
                cells=cells,
                hidden_rows={r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden},
                formats=formats,
                validations=len(ws.data_validations.dataValidation),
                row_count=max(ws.max_row, 1000),
                column_count=max(ws.max_column, 26),
            )
            sheets.append(sheet)
            for name, dn in getattr(ws, "defined_names", {}).items():
                if not name.startswith("_xlnm.") and dn.attr_text:
                    names.append(DefinedName(name, dn.attr_text, sheet.sheet_id))
        for name, dn in wb.defined_names.items():
            if not name.startswith("_xlnm.") and dn.attr_text:
                names.append(DefinedName(name, dn.attr_text, None))
        if not sheets:
            raise ValueError("workbook without worksheets")
        return Book(sheets=sheets, names=names)
    finally:
        wbv.close()


def _write_xlsx(book: Book) -> bytes:
    """Write the model as xlsx with XlsxWriter, as Google's exporter would."""
    buf = io.BytesIO()
    options = {
        "in_memory": True,
        "constant_memory": False,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    wb = xlsxwriter.Workbook(buf, options)
    number_formats: dict[str, Any] = {}
    titles: dict[int, str] = {}
    first_hidden = False
    first_visible = None
    for position, sheet in enumerate(book.ordered()):
        ws = wb.add_worksheet(sheet.title)
        titles[sheet.sheet_id] = sheet.title
        for (r, c), (formula, value) in sheet.cells.items():
            nf = sheet.formats.get((r, c))
            fmt = None
            if nf:
                fmt = number_formats.get(nf)
                if fmt is None:
                    fmt = number_formats[nf] = wb.add_format({"num_format": nf})
            if formula is not None:
                result: Any = "" if value is None else value
                ws.write_formula(r, c, "=" + formula, fmt, result)
            elif isinstance(value, ErrorValue):
                ws.write_formula(r, c, "=" + value, fmt, str(value))
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value, fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value, fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value, fmt)
        for c, pixels in sorted(sheet.column_pixels.items()):
            ws.set_column_pixels(c, c, pixels)
        for r in sorted(sheet.hidden_rows):
            ws.set_row(r, None, None, {"hidden": True})
        if sheet.hidden:
            ws.hide()
            first_hidden = first_hidden or position == 0
        elif first_visible is None:
            first_visible = ws
    if first_hidden and first_visible is not None:
        first_visible.activate()  # a hidden sheet cannot be the active one
    for dn in book.names:
        formula = "=" + dn.ref
        if dn.sheet_id is None:
            wb.define_name(dn.name, formula)
            continue
        title = titles.get(dn.sheet_id)
        if title is None:
            continue
        if "!" in title:  # XlsxWriter's "Sheet!Name" parser cannot take this title
            index = list(titles).index(dn.sheet_id)
            wb.defined_names.append([dn.name, index, formula.lstrip("="), False])
        else:
            # XlsxWriter 3.3 strips the outer quotes but does not undouble '' inside, so
            # "'It''s'!Name" is rejected: hand it the title with single, unescaped quotes.
            wb.define_name(f"'{title}'!{dn.name}", formula)
    wb.close()
    return buf.getvalue()


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _typed_value(value: CellValue) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ErrorValue):
        kind = _ERROR_TYPES.get(str(value), "ERROR")
        return {"errorValue": {"type": kind, "message": f"Error {value}"}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def _formatted(value: CellValue) -> str:
    """A rough FORMATTED_VALUE in the in_ID locale (decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value)


def _rendered(cell: Cell | None, option: str) -> Any:
    if cell is None:
        return ""
    formula, value = cell
    if option == "FORMULA" and formula is not None:
        return "=" + formula
    if option in ("UNFORMATTED_VALUE", "FORMULA"):
        if value is None:
            return ""
        return str(value) if isinstance(value, ErrorValue) else value
    return _formatted(value)


def _user_entered(raw: Any, option: str) -> Cell | None:
    """Turn one written value into a cell; None means 'leave the cell alone'."""
    if raw is None:
        return None
    if isinstance(raw, bool | int | float):
        return (None, raw)
    text = str(raw)
    if option != "USER_ENTERED":
        return (None, text)
    if text.startswith("="):
        return (text[1:], None)
    if text.startswith("'"):
        return (None, text[1:])
    if text.upper() in ("TRUE", "FALSE"):
        return (None, text.upper() == "TRUE")
    if re.fullmatch(r"-?\d+", text):
        return (None, int(text))
    if re.fullmatch(r"-?\d+[.,]\d+", text):
        return (None, float(text.replace(",", ".")))
    if text in _ERROR_TYPES:
        return (None, ErrorValue(text))
    return (None, text)


# --------------------------------------------------------------------------- Drive query


_Q_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"""|(?P<op>!=|<=|>=|=|<|>|\{|\}|\(|\))|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"""
)


def _q_tokens(q: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        m = _Q_TOKEN.match(q, pos)
        if not m:
            raise _BadQuery(q)
        kind = m.lastgroup or ""
        text = m.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        elif kind == "word":
            text = text.lower()
        tokens.append((kind, text))
        pos = m.end()
    return tokens


Predicate = Callable[[_File], bool]


def _q_clause(tokens: list[tuple[str, str]]) -> Predicate:
    kinds = [k for k, _ in tokens]
    vals = [v for _, v in tokens]
    if kinds == ["str", "word", "word"] and vals[1:] == ["in", "parents"]:
        parent = vals[0]
        return lambda f: parent in f.parents
    if kinds == ["word", "word", "str"] and vals[:2] == ["parents", "in"]:
        parent = vals[2]
        return lambda f: parent in f.parents
    if (
        kinds == ["word", "op", "word"]
        and vals[0] == "trashed"
        and vals[1] in ("=", "!=")
        and vals[2] in ("true", "false")
    ):
        want = (vals[2] == "true") == (vals[1] == "=")
        return lambda f: f.trashed == want
    if (
        kinds == ["word", "op", "str"]
        and vals[0] in ("mimetype", "name")
        and vals[1] in ("=", "!=")
    ):
        attr = "mime_type" if vals[0] == "mimetype" else "name"
        target, equal = vals[2], vals[1] == "="
        return lambda f: (getattr(f, attr) == target) == equal
    if kinds == ["word", "word", "str"] and vals[0] == "name" and vals[1] == "contains":
        needle = vals[2].lower()
        return lambda f: needle in f.name.lower()
    if kinds == ["word", "op", "str"] and vals[0] in ("modifiedtime", "createdtime"):
        ops: dict[str, Callable[[str, str], bool]] = {
            "=": str.__eq__,
            "!=": str.__ne__,
            "<": str.__lt__,
            "<=": str.__le__,
            ">": str.__gt__,
            ">=": str.__ge__,
        }
        if vals[1] in ops:
            compare = ops[vals[1]]
            bound = vals[2]
            attr = "modified" if vals[0] == "modifiedtime" else "created"
            return lambda f: compare(_rfc3339(getattr(f, attr)), bound)
    if (
        kinds == ["word", "word", "op", "word", "op", "str", "word", "word", "op", "str", "op"]
        and vals[0] == "appproperties"
        and vals[1] == "has"
        and vals[2] == "{"
        and vals[3] == "key"
        and vals[4] == "="
        and vals[6] == "and"
        and vals[7] == "value"
        and vals[8] == "="
        and vals[10] == "}"
    ):
        key, value = vals[5], vals[9]
        return lambda f: f.app_properties.get(key) == value
    raise _BadQuery(" ".join(vals))


def _parse_q(q: str) -> list[Predicate]:
    tokens = _q_tokens(q)
    clauses: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for kind, text in tokens:
        if kind == "op" and text in "{(":
            depth += 1
        elif kind == "op" and text in "})":
            depth -= 1
        if kind == "word" and text == "and" and depth == 0:
            clauses.append([])
            continue
        clauses[-1].append((kind, text))
    if len(clauses) == 1 and not clauses[0]:
        return []
    if any(not c for c in clauses):
        raise _BadQuery(q)
    return [_q_clause(c) for c in clauses]


# --------------------------------------------------------------------------- field masks


def _parse_mask(spec: str) -> dict[str, Any]:
    """Parse a Google field mask ("nextPageToken,files(id,name),a/b") into a tree.

    An empty dict as a value means "the whole sub-object".
    """
    pos = 0
    name_re = re.compile(r"\s*([A-Za-z_*][A-Za-z0-9_*]*(?:/[A-Za-z_*][A-Za-z0-9_*]*)*)\s*")

    def merge(node: dict[str, Any], path: list[str], sub: dict[str, Any]) -> None:
        for part in path[:-1]:
            if part in node and node[part] == {}:
                return  # already selected as a whole
            node = node.setdefault(part, {"__partial__": True})
        leaf = path[-1]
        if sub == {} or (leaf in node and node[leaf] == {}):
            node[leaf] = {}
        else:
            target = node.setdefault(leaf, {"__partial__": True})
            for key, value in sub.items():
                if key != "__partial__":
                    merge(target, [key], value)

    def parse_list() -> dict[str, Any]:
        nonlocal pos
        out: dict[str, Any] = {"__partial__": True}
        while True:
            m = name_re.match(spec, pos)
            if not m:
                raise ValueError(spec)
            pos = m.end()
            sub: dict[str, Any] = {}
            if pos < len(spec) and spec[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(spec) or spec[pos] != ")":
                    raise ValueError(spec)
                pos += 1
                while pos < len(spec) and spec[pos] == " ":
                    pos += 1
            merge(out, m.group(1).split("/"), sub)
            if pos < len(spec) and spec[pos] == ",":
                pos += 1
                continue
            return out

    def clean(node: dict[str, Any]) -> dict[str, Any]:
        return {k: clean(v) for k, v in node.items() if k != "__partial__"}

    tree = parse_list()
    if pos != len(spec):
        raise ValueError(spec)
    return clean(tree)


def _apply_mask(obj: Any, tree: dict[str, Any]) -> Any:
    if not tree or "*" in tree:
        return obj
    if isinstance(obj, list):
        return [_apply_mask(item, tree) for item in obj]
    if isinstance(obj, dict):
        return {k: _apply_mask(v, tree[k]) for k, v in obj.items() if k in tree}
    return obj


_DEFAULT_FILE_MASK = "kind,id,name,mimeType"
_DEFAULT_LIST_MASK = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"


# --------------------------------------------------------------------------- multipart


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[dict[str, str], bytes]]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise ValueError("multipart body without boundary")
    delimiter = b"--" + m.group(1).strip().encode("latin-1")
    parts: list[tuple[dict[str, str], bytes]] = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        if chunk.startswith(b"\r\n"):
            head, content = b"", chunk[2:]
        else:
            head, sep, content = chunk.partition(b"\r\n\r\n")
            if not sep:
                head, _, content = chunk.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.strip():
                headers[key.strip().lower()] = value.strip()
        parts.append((headers, content))
    return parts


# --------------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeGoogle) -> None:
        self.fake = fake
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            open_connections = list(self.connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError) or self.fake._closing.is_set():
            return  # the client went away (timeout, pool closed): nothing to report
        self.fake._record_error(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, keep-alive clients wait ~40 ms
    # for a delayed ACK on every response.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
            reply = self.server.fake._handle(self.command, self.path, self.headers, body)
            if reply.drop:
                self.close_connection = True
                return
            if reply.truncate is not None:
                self._send_truncated(reply, reply.truncate)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _send_truncated(self, reply: _Reply, cut: Truncate) -> None:
        part = reply.body[: int(len(reply.body) * cut.keep)]
        self.close_connection = True  # the connection ends where the body is cut
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        if cut.mode == "length":
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(part)
        elif cut.mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(f"{len(part):x}\r\n".encode("ascii") + part + b"\r\n")
        elif cut.mode == "close":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(part)
        else:
            raise ValueError(f"unknown Truncate mode {cut.mode!r}")
        self.wfile.flush()


# --------------------------------------------------------------------------- the fake


class FakeGoogle:
    """Local fake of Sheets v4, Drive v3 and Google's OAuth endpoints (see module docstring)."""

    def __init__(
        self,
        *,
        user_email: str = "operator.bkpsdm@sukamaju.example.id",
        token_lifetime: int = 3600,
        page_size: int = 100,
    ) -> None:
        self.user_email = user_email
        self.token_lifetime = token_lifetime
        self.page_size = page_size
        self.export_limit = 10 * 1024 * 1024
        self.export_verbatim = False
        self.strict_fields = False  # True: apply `fields` masks and Drive's default fields
        # Seconds (on `clock`) before files.list shows a file created through the API, as
        # Drive's search index lags behind writes; files.get sees it at once.
        self.list_delay = 2.0
        self.quotas: dict[str, int | None] = {
            "sheets_read": None,
            "sheets_write": None,
            "drive": None,
        }
        self.clock: Callable[[], float] = time.monotonic  # quota windows and Logged.time
        self.wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # modifiedTime
        self.requests: list[Logged] = []
        self.token_requests: list[dict[str, Any]] = []
        self.notifications: list[tuple[str, str, bool]] = []
        self.errors: list[str] = []  # tracebacks of crashes inside the fake

        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._files: dict[str, _File] = {}
        # The changes feed: one entry per change, (file id, who could see the file then); a
        # page token is a 1-based position in it. Deleted files keep their last state.
        self._change_log: list[tuple[str, frozenset[str]]] = []
        self._gone: dict[str, _File] = {}
        self._sa_keys: dict[str, rsa.RSAPublicKey] = {}
        self._clients: dict[str, dict[str, Any]] = {}
        self._codes: dict[str, _AuthCode] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._tokens: dict[str, _Token] = {}
        self._faults: list[_FaultRule] = []
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeGoogle:
        if self._server is None:
            self._closing.clear()
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # close() waits up to one poll interval
                name="fake-google",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._closing.set()  # wakes Slow faults
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def base(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeGoogle is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """Environment variables that make our client use this fake."""
        return {
            "SHEETNILAI_GOOGLE_SHEETS_URL": self.base,
            "SHEETNILAI_GOOGLE_DRIVE_URL": self.base,
            "SHEETNILAI_GOOGLE_TOKEN_URL": self.base + "/token",
            "SHEETNILAI_GOOGLE_AUTH_URL": self.base + "/auth",
        }

    # ----------------------------------------------------------------- credentials

    def service_account(
        self, email: str = "hr-sheetnilai@proyek-fiktif.iam.gserviceaccount.com"
    ) -> dict[str, str]:
        """Register a service account and return its JSON key file contents."""
        key = _shared_private_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        with self._lock:
            self._sa_keys[email] = key.public_key()
        project = email.split("@", 1)[-1].split(".", 1)[0]
        return {
            "type": "service_account",
            "project_id": project,
            "private_key_id": hashlib.sha1(f"{email}:{pem}".encode()).hexdigest(),
            "private_key": pem,
            "client_email": email,
            "client_id": str(10**20 + zlib.crc32(email.encode())),
            "auth_uri": self.base + "/auth",
            "token_uri": self.base + "/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + email.replace("@", "%40"),
            "universe_domain": "googleapis.com",
        }

    def oauth_client(self, client_id: str | None = None) -> dict[str, dict[str, Any]]:
        """Register an installed-app OAuth client and return its client-secrets JSON."""
        client_id = (
            client_id or f"{100000000000 + len(self._clients)}-fake.apps.googleusercontent.com"
        )
        secret = "GOCSPX-" + secrets.token_urlsafe(21)
        with self._lock:
            self._clients[client_id] = {"secret": secret, "redirect_uris": ["http://localhost"]}
        return {
            "installed": {
                "client_id": client_id,
                "project_id": "proyek-fiktif",
                "client_secret": secret,
                "auth_uri": self.base + "/auth",
                "token_uri": self.base + "/token",
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "redirect_uris": ["http://localhost"],
            }
        }

    def expire_tokens(self) -> None:
        """Invalidate every access token issued so far (refresh tokens stay valid)."""
        with self._lock:
            self._tokens.clear()

    def revoke_refresh_tokens(self) -> None:
        """Invalidate every refresh token (the user must consent again)."""
        with self._lock:
            self._refresh.clear()

    # ----------------------------------------------------------------- data setup

    def _new_id(self) -> str:
        digest = hashlib.sha256(f"fake-google:{next(self._ids)}".encode()).digest()
        return "1" + base64.urlsafe_b64encode(digest).decode().rstrip("=").replace("-", "x")[:43]

    def _now_after(self, previous: datetime | None) -> datetime:
        now = self.wall_clock().astimezone(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if previous is not None and now <= previous:
            now = previous + timedelta(milliseconds=1)
        return now

    @staticmethod
    def _user_permission(email: str, role: str) -> dict[str, Any]:
        pid = str(int(hashlib.sha1(email.lower().encode()).hexdigest()[:15], 16))
        return {"id": pid, "type": "user", "role": role, "emailAddress": email}

    def _create(
        self,
        name: str,
        mime_type: str,
        parents: Iterable[str],
        owner: str,
        *,
        content: bytes | None = None,
        book: Book | None = None,
        app_properties: dict[str, str] | None = None,
    ) -> _File:
        now = self._now_after(None)
        f = _File(
            id=self._new_id(),
            name=name,
            mime_type=mime_type,
            parents=list(parents),
            owner=owner,
            created=now,
            modified=now,
            app_properties=dict(app_properties or {}),
            permissions=[self._user_permission(owner, "owner")],
            content=content,
            book=book,
            edited=book is not None and content is None,
        )
        self._files[f.id] = f
        self._log_change(f)
        return f

    def _log_change(self, f: _File) -> None:
        """Record a change of f for the changes feed, with the e-mails that could see it."""
        emails: set[str] = set()
        chain, seen = [f], set()
        while chain:
            node = chain.pop()
            if node.id in seen:
                continue
            seen.add(node.id)
            emails.update(
                str(p["emailAddress"]).lower() for p in node.permissions if p.get("emailAddress")
            )
            chain.extend(self._files[pid] for pid in node.parents if pid in self._files)
        viewers = frozenset(e for e in emails if self._role(e, f))
        self._change_log.append((f.id, viewers))

    def _index_later(self, f: _File) -> None:
        f.listed_from = self.clock() + self.list_delay

    def settle(self) -> None:
        """Let time pass: files.list shows every file created so far."""
        with self._lock:
            for f in self._files.values():
                f.listed_from = float("-inf")

    def _touch(self, f: _File, *, content_changed: bool = False) -> None:
        f.version += 1
        f.modified = self._now_after(f.modified)
        if content_changed:
            f.edited = True
        self._log_change(f)

    def _folder(self, folder_id: str | None) -> list[str]:
        if folder_id is None:
            return []
        folder = self._files.get(folder_id)
        if folder is None or folder.mime_type != FOLDER_MIME:
            raise KeyError(f"no folder {folder_id!r}")
        return [folder_id]

    def add_folder(
        self,
        name: str,
        shared_with: Iterable[str] = (),
        *,
        owner: str | None = None,
        parent: str | None = None,
        role: str = "writer",
    ) -> str:
        """Create a folder owned by `owner` (default: `user_email`), shared with some e-mails."""
        with self._lock:
            f = self._create(name, FOLDER_MIME, self._folder(parent), owner or self.user_email)
            for email in shared_with:
                f.permissions.append(self._user_permission(email, role))
            return f.id

    def add_spreadsheet(
        self,
        folder_id: str | None,
        title: str,
        xlsx_bytes: bytes,
        app_properties: dict[str, str] | None = None,
        owner: str | None = None,
    ) -> str:
        """Add a Google spreadsheet converted from xlsx (converted lazily, on first need)."""
        with self._lock:
            f = self._create(
                title,
                GOOGLE_SHEET_MIME,
                self._folder(folder_id),
                owner or self.user_email,
                content=bytes(xlsx_bytes),
                app_properties=app_properties,
            )
            return f.id

    def add_file(
        self,
        folder_id: str | None,
        name: str,
        data: bytes,
        mime_type: str = XLSX_MIME,
        app_properties: dict[str, str] | None = None,
        owner: str | None = None,
    ) -> str:
        """Add a plain (non-Google) file, e.g. an .xlsx uploaded as-is."""
        with self._lock:
            f = self._create(
                name,
                mime_type,
                self._folder(folder_id),
                owner or self.user_email,
                content=bytes(data),
                app_properties=app_properties,
            )
            return f.id

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        with self._lock:
            f = self._files[file_id]
            self._upsert_permission(f, self._user_permission(email, role))
            self._touch(f)

    def trash(self, file_id: str, trashed: bool = True) -> None:
        with self._lock:
            f = self._files[file_id]
            f.trashed = trashed
            self._touch(f)

    def delete(self, file_id: str) -> None:
        """Delete a file for good, as its owner emptying the trash would."""
        with self._lock:
            f = self._files[file_id]
            self._log_change(f)
            self._gone[f.id] = f
            del self._files[f.id]

    def delete_sheet(self, spreadsheet_id: str, title: str) -> None:
        """Delete one sheet, and the protections on it, as the owner would in the browser."""
        with self._lock:
            f = self._files[spreadsheet_id]
            book = self._book(f)
            sheet = book.by_title(title)
            if sheet is None:
                raise KeyError(title)
            book.sheets.remove(sheet)
            book.protected = [
                p for p in book.protected if p.get("range", {}).get("sheetId") != sheet.sheet_id
            ]
            self._touch(f, content_changed=True)

    def set_cell(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        a1: str,
        value: CellValue,
        formula: str | None = None,
    ) -> None:
        """Edit one cell as a user typing in the browser would.

        With a formula, `value` is its (pretend) calculated result; an error text such as
        "#N/A" then becomes an ErrorValue. Pass ErrorValue("#N/A") for a literal error cell.
        None for both clears the cell.
        """
        f = self._files[spreadsheet_id]
        book = self._book(f)
        with self._lock:
            sheet = book.by_title(sheet_title)
            if sheet is None:
                raise KeyError(f"no sheet {sheet_title!r}")
            key = _parse_cell(a1)
            if formula is not None:
                formula = formula[1:] if formula.startswith("=") else formula
                if isinstance(value, str) and value in _ERROR_TYPES:
                    value = ErrorValue(value)
            if formula is None and value is None:
                sheet.cells.pop(key, None)
            else:
                sheet.cells[key] = (formula, value)
                sheet.row_count = max(sheet.row_count, key[0] + 1)
                sheet.column_count = max(sheet.column_count, key[1] + 1)
            self._touch(f, content_changed=True)

    def get_cell(self, spreadsheet_id: str, sheet_title: str, a1: str) -> Cell | None:
        book = self._book(self._files[spreadsheet_id])
        with self._lock:
            sheet = book.by_title(sheet_title)
            if sheet is None:
                raise KeyError(f"no sheet {sheet_title!r}")
            return sheet.cells.get(_parse_cell(a1))

    def children(self, folder_id: str) -> list[str]:
        """Ids of the files directly in a folder, not in the trash (no listing delay)."""
        with self._lock:
            return [f.id for f in self._files.values() if folder_id in f.parents and not f.trashed]

    def book(self, spreadsheet_id: str) -> Book:
        """The live grid model (converted on first call). Mutate only under care."""
        return self._book(self._files[spreadsheet_id])

    def file(self, file_id: str) -> dict[str, Any]:
        """The Drive resource as its owner sees it, plus 'content' for plain files."""
        with self._lock:
            f = self._files[file_id]
            out = self._resource(f, f.owner)
            if not f.is_google_type:
                out["content"] = f.content
            return out

    def protected_ranges(self, spreadsheet_id: str) -> list[dict[str, Any]]:
        book = self._book(self._files[spreadsheet_id])
        with self._lock:
            out = []
            for pr in book.protected:
                item = copy.deepcopy(pr)
                sheet = book.by_id(pr.get("range", {}).get("sheetId", 0))
                item["sheetTitle"] = sheet.title if sheet else None
                out.append(item)
            return out

    # ----------------------------------------------------------------- faults and log

    def inject(self, fault: Fault, times: int = 1, match: str | None = None, skip: int = 0) -> None:
        """Apply `fault` to the next `times` API requests whose path contains `match`,
        after letting the first `skip` of them through.

        The /token and /auth endpoints are hit only when `match` names them ("/token").
        """
        if times < 1 or skip < 0:
            raise ValueError("times must be >= 1 and skip >= 0")
        if isinstance(fault, Applied) and not isinstance(fault.fault, Status | Drop | Slow | Html):
            raise ValueError("Applied wraps Status, Drop, Slow or Html")
        if isinstance(fault, Truncate) and fault.mode not in ("length", "chunked", "close"):
            raise ValueError(f"unknown Truncate mode {fault.mode!r}")
        with self._lock:
            self._faults.append(_FaultRule(fault, times, match, skip))

    def pending_faults(self) -> int:
        with self._lock:
            return sum(rule.remaining for rule in self._faults)

    def count(
        self,
        category: str | None = None,
        file_id: str | None = None,
        method: str | None = None,
        status: int | None = None,
    ) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (category is None or r.category == category)
                and (file_id is None or r.file_id == file_id)
                and (method is None or r.method == method.upper())
                and (status is None or r.status == status)
            )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.token_requests.clear()

    def _record_error(self, text: str) -> None:
        with self._lock:
            self.errors.append(text)

    def _take_fault(self, path: str, *, api: bool, expire: bool) -> Fault | None:
        """Consume the first matching rule (of ExpireToken kind if `expire`, else of others)."""
        for rule in self._faults:
            if isinstance(rule.fault, ExpireToken) != expire:
                continue
            if api:
                applies = rule.match is None or rule.match in path
            else:
                applies = rule.match is not None and rule.match.strip("/") == path.strip("/")
            if applies and rule.skip > 0:
                rule.skip -= 1
                continue
            if applies:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._faults.remove(rule)
                return rule.fault
        return None

    def _fault_reply(self, fault: Fault) -> _Reply | None:
        """The reply a fault forces, or None to carry on (after sleeping for Slow).

        Applied and Truncate act after the request is carried out (`_after_action`).
        """
        if isinstance(fault, Applied | Truncate):
            return None
        if isinstance(fault, Status):
            return _status_reply(fault)
        if isinstance(fault, Html):
            return _html_reply(
                fault.code,
                "The server encountered a temporary error and could not complete your request."
                "<p>Please try again in 30 seconds.",
            )
        if isinstance(fault, Drop):
            return _Reply(0, drop=True)
        if isinstance(fault, Slow):
            self._closing.wait(fault.seconds)
        return None

    # ----------------------------------------------------------------- dispatch

    def _handle(self, method: str, raw_path: str, headers: Message, body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/v4/"):
            category = "sheets_read" if method == "GET" else "sheets_write"
        elif path == "/token":
            category = "token"
        elif path == "/auth":
            category = "auth"
        else:
            category = "drive"
        record = Logged(method, path, query, None, frozenset(), 0, category, None, self.clock())
        with self._lock:  # logged on arrival; the status is filled in once answered
            self.requests.append(record)
        try:
            reply = self._dispatch(record, headers, body)
        except Exception as exc:
            self._record_error(traceback.format_exc())
            reply = _sheets_error(500, f"FakeGoogle crashed: {exc!r}", "INTERNAL")
        record.status = 0 if reply.drop else reply.status
        return reply

    def _dispatch(self, record: Logged, headers: Message, body: bytes) -> _Reply:
        path = record.path
        if path in ("/token", "/auth"):
            with self._lock:
                fault = self._take_fault(path, api=False, expire=False)
            if fault is not None:
                forced = self._fault_reply(fault)
                if forced is not None:
                    return forced
            if path == "/token":
                done = self._token_endpoint(record, headers, body)
            else:
                done = self._auth_endpoint(record)
            return done if fault is None else self._after_action(fault, done)

        segments = [s for s in path.split("/") if s]
        route = self._route(record.method, segments, record.query)
        if route is None:
            return _html_reply(
                404,
                f"The requested URL <code>{html.escape(path)}</code> was not found on this server.",
            )
        record.category = route.category
        record.file_id = route.file_id
        ctx = _Ctx(record.method, path, record.query, headers, body)
        with self._lock:
            if self._take_fault(path, api=True, expire=True) is not None:
                self._tokens.clear()
            token = self._authenticate(headers)
            if token is None:
                reply = _status_reply(Status(401))
                reply.headers["WWW-Authenticate"] = _WWW_AUTHENTICATE
                return reply
            record.principal, record.scopes = token.principal, token.scopes
            ctx.principal, ctx.scopes = token.principal, token.scopes
            if not route.scopes & token.scopes:
                return _sheets_error(
                    403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
                )
            fault = self._take_fault(path, api=True, expire=False)
        if fault is not None:
            forced = self._fault_reply(fault)
            if forced is not None:
                return forced
        with self._lock:
            if not self._quota_ok(token.principal, route.category):
                return self._quota_reply(route.category)
        try:
            reply = route.action(ctx)
        except _Invalid as exc:
            reply = _sheets_error(400, str(exc), "INVALID_ARGUMENT")
        except json.JSONDecodeError as exc:
            reply = _sheets_error(400, f"Invalid JSON payload received. {exc}", "INVALID_ARGUMENT")
        if ctx.file_id is not None:
            record.file_id = ctx.file_id
        if fault is not None:
            reply = self._after_action(fault, reply)
        return reply

    def _after_action(self, fault: Fault, reply: _Reply) -> _Reply:
        """The answer once the request was carried out, shaped by an Applied or Truncate."""
        if isinstance(fault, Truncate):
            return replace(reply, truncate=fault)
        if isinstance(fault, Applied):
            if isinstance(fault.fault, Slow):
                self._closing.wait(fault.fault.seconds)
                return reply
            forced = self._fault_reply(fault.fault)
            assert forced is not None
            return forced
        return reply

    def _authenticate(self, headers: Message) -> _Token | None:
        auth = headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        token = self._tokens.get(auth[7:].strip())
        if token is None or token.expiry <= time.time():
            return None
        return token

    def _quota_ok(self, principal: str, category: str) -> bool:
        limit = self.quotas.get(category)
        if limit is None:
            return True
        now = self.clock()
        hits = self._hits.setdefault((principal, category), deque())
        while hits and hits[0] <= now - _WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        return True

    @staticmethod
    def _quota_reply(category: str) -> _Reply:
        if category == "drive":
            return _drive_error(
                403, "User Rate Limit Exceeded", "userRateLimitExceeded", domain="usageLimits"
            )
        kind = "Read" if category == "sheets_read" else "Write"
        return _sheets_error(
            429,
            f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
            "minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
            "RESOURCE_EXHAUSTED",
        )

    def _route(self, method: str, segs: list[str], query: dict[str, list[str]]) -> _Route | None:
        n = len(segs)
        if n >= 3 and segs[:2] == ["v4", "spreadsheets"]:
            sid_raw, _, verb = segs[2].partition(":")
            sid = unquote(sid_raw)
            if n == 3:
                if method == "GET" and not verb:
                    return _Route(
                        "sheets_read", _SHEETS_READ_SCOPES, lambda c: self._sheets_get(c, sid), sid
                    )
                if method == "POST" and verb == "batchUpdate":
                    return _Route(
                        "sheets_write",
                        _SHEETS_WRITE_SCOPES,
                        lambda c: self._sheets_batch(c, sid),
                        sid,
                    )
            elif n == 4 and segs[3] == "values:batchGet" and method == "GET":
                return _Route(
                    "sheets_read",
                    _SHEETS_READ_SCOPES,
                    lambda c: self._values_batch_get(c, sid),
                    sid,
                )
            elif n == 4 and segs[3] == "values:batchUpdate" and method == "POST":
                return _Route(
                    "sheets_write",
                    _SHEETS_WRITE_SCOPES,
                    lambda c: self._values_batch_update(c, sid),
                    sid,
                )
            elif n == 5 and segs[3] == "values":
                raw = segs[4]
                _, colon, verb = raw.rpartition(":")
                if colon and verb in ("append", "clear"):
                    return None  # not implemented
                rng = unquote(raw)
                if method == "GET":
                    return _Route(
                        "sheets_read",
                        _SHEETS_READ_SCOPES,
                        lambda c: self._values_get(c, sid, rng),
                        sid,
                    )
                if method == "PUT":
                    return _Route(
                        "sheets_write",
                        _SHEETS_WRITE_SCOPES,
                        lambda c: self._values_put(c, sid, rng),
                        sid,
                    )
            return None
        if segs == ["drive", "v3", "changes", "startPageToken"] and method == "GET":
            return _Route("drive", _DRIVE_META_SCOPES, self._changes_start)
        if segs == ["drive", "v3", "changes"] and method == "GET":
            return _Route("drive", _DRIVE_META_SCOPES, self._changes_list)
        if n >= 3 and segs[:3] == ["drive", "v3", "files"]:
            if n == 3:
                if method == "GET":
                    return _Route("drive", _DRIVE_META_SCOPES, self._drive_list)
                if method == "POST":
                    return _Route("drive", _DRIVE_WRITE_SCOPES, self._drive_create)
                return None
            fid = unquote(segs[3])
            if n == 4:
                if method == "GET":
                    media = (query.get("alt") or [""])[0] == "media"
                    scopes = _DRIVE_CONTENT_SCOPES if media else _DRIVE_META_SCOPES
                    return _Route("drive", scopes, lambda c: self._drive_get(c, fid), fid)
                if method == "PATCH":
                    return _Route(
                        "drive", _DRIVE_WRITE_SCOPES, lambda c: self._drive_patch(c, fid), fid
                    )
                if method == "DELETE":
                    return _Route(
                        "drive", _DRIVE_WRITE_SCOPES, lambda c: self._drive_delete(c, fid), fid
                    )
                return None
            sub = segs[4]
            if n == 5 and sub == "export" and method == "GET":
                return _Route(
                    "drive", _DRIVE_CONTENT_SCOPES, lambda c: self._drive_export(c, fid), fid
                )
            if n == 5 and sub == "copy" and method == "POST":
                return _Route("drive", _DRIVE_WRITE_SCOPES, lambda c: self._drive_copy(c, fid), fid)
            if n == 5 and sub == "permissions":
                if method == "GET":
                    return _Route(
                        "drive", _DRIVE_META_SCOPES, lambda c: self._perm_list(c, fid), fid
                    )
                if method == "POST":
                    return _Route(
                        "drive", _DRIVE_WRITE_SCOPES, lambda c: self._perm_create(c, fid), fid
                    )
            if n == 6 and sub == "permissions" and method == "DELETE":
                pid = unquote(segs[5])
                return _Route(
                    "drive", _DRIVE_WRITE_SCOPES, lambda c: self._perm_delete(c, fid, pid), fid
                )
            return None
        if segs == ["upload", "drive", "v3", "files"] and method == "POST":
            return _Route("drive", _DRIVE_WRITE_SCOPES, self._drive_upload)
        if n == 5 and segs[:4] == ["upload", "drive", "v3", "files"] and method == "PATCH":
            fid = unquote(segs[4])
            return _Route("drive", _DRIVE_WRITE_SCOPES, lambda c: self._drive_replace(c, fid), fid)
        return None

    # ----------------------------------------------------------------- OAuth endpoints

    def _auth_endpoint(self, record: Logged) -> _Reply:
        q = {k: v[0] for k, v in record.query.items() if v}
        client_id = q.get("client_id", "")
        with self._lock:
            client = self._clients.get(client_id)
            principal = self.user_email
        if client is None:
            return _html_reply(401, "Error 401: invalid_client. The OAuth client was not found.")
        if q.get("response_type") != "code":
            return _html_reply(400, "Error 400: unsupported_response_type.")
        redirect_uri = q.get("redirect_uri", "")
        registered = client["redirect_uris"]
        allowed = redirect_uri in registered or (
            _is_loopback_uri(redirect_uri) and any(_is_loopback_uri(u) for u in registered)
        )
        if not allowed:
            return _html_reply(400, "Error 400: redirect_uri_mismatch.")
        scopes = tuple(q.get("scope", "").split())
        if not scopes:
            return _html_reply(
                400, "Error 400: invalid_request. Missing required parameter: scope."
            )
        code = "4/0" + secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _AuthCode(
                client_id=client_id,
                principal=principal,
                scopes=scopes,
                redirect_uri=redirect_uri,
                challenge=q.get("code_challenge"),
                challenge_method=q.get(
                    "code_challenge_method", "plain" if q.get("code_challenge") else None
                ),
                expiry=time.time() + 600,
            )
        record.principal, record.scopes = principal, frozenset(scopes)
        params = {"code": code, "scope": " ".join(scopes)}
        if "state" in q:
            params = {"state": q["state"], **params}
        location = redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(params)
        return _Reply(302, b"", "text/html; charset=UTF-8", {"Location": location})

    def _client_credentials(self, headers: Message, form: dict[str, str]) -> tuple[str, str]:
        auth = headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return "", ""
            cid, _, secret = decoded.partition(":")
            return unquote_plus(cid), unquote_plus(secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def _issue(self, principal: str, scopes: frozenset[str]) -> str:
        token = uuid.uuid4().hex
        self._tokens[token] = _Token(principal, scopes, time.time() + self.token_lifetime)
        return token

    def _token_endpoint(self, record: Logged, headers: Message, body: bytes) -> _Reply:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type", "")
        entry: dict[str, Any] = {"grant_type": grant, "principal": None, "scopes": frozenset()}

        def fail(status: int, error: str, description: str) -> _Reply:
            entry["status"] = status
            with self._lock:
                self.token_requests.append(entry)
            return _json_reply(status, {"error": error, "error_description": description})

        def ok(principal: str, scopes: frozenset[str], extra: dict[str, Any]) -> _Reply:
            with self._lock:
                token = self._issue(principal, scopes)
                entry.update(principal=principal, scopes=scopes, status=200)
                self.token_requests.append(entry)
            record.principal, record.scopes = principal, scopes
            out = {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
            out.update(extra)
            return _json_reply(200, out, {"Cache-Control": "no-store"})

        if grant == JWT_BEARER_GRANT:
            claims = self._verify_jwt(form.get("assertion", ""))
            if claims is None:
                return fail(400, "invalid_grant", "Invalid JWT Signature.")
            entry["principal"] = claims["iss"]
            if claims.get("sub") and claims["sub"] != claims["iss"]:
                return fail(
                    401,
                    "unauthorized_client",
                    "Client is unauthorized to retrieve access tokens using this method, or client "
                    "not authorized for any of the scopes requested.",
                )
            scopes = frozenset(str(claims.get("scope", "")).split())
            if not scopes:
                return fail(
                    400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."
                )
            return ok(claims["iss"], scopes, {})

        if grant == "authorization_code":
            client_id, secret = self._client_credentials(headers, form)
            with self._lock:
                client = self._clients.get(client_id)
                code = self._codes.pop(form.get("code", ""), None)
            if client is None or client["secret"] != secret:
                return fail(401, "invalid_client", "Unauthorized")
            if code is None or code.expiry < time.time() or code.client_id != client_id:
                return fail(400, "invalid_grant", "Malformed auth code.")
            entry["principal"] = code.principal
            if form.get("redirect_uri") != code.redirect_uri:
                return fail(400, "redirect_uri_mismatch", "Bad Request")
            if code.challenge:
                verifier = form.get("code_verifier")
                if not verifier:
                    return fail(400, "invalid_grant", "Missing code verifier.")
                if code.challenge_method == "S256":
                    digest = hashlib.sha256(verifier.encode("ascii")).digest()
                    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                else:
                    expected = verifier
                if expected != code.challenge:
                    return fail(400, "invalid_grant", "Invalid code verifier.")
            scopes = frozenset(code.scopes)
            refresh = "1//0" + secrets.token_urlsafe(40)
            with self._lock:
                self._refresh[refresh] = _Refresh(client_id, code.principal, scopes)
            return ok(
                code.principal,
                scopes,
                {"refresh_token": refresh, "scope": " ".join(code.scopes)},
            )

        if grant == "refresh_token":
            client_id, secret = self._client_credentials(headers, form)
            with self._lock:
                client = self._clients.get(client_id)
                grant_entry = self._refresh.get(form.get("refresh_token", ""))
            if client is None or client["secret"] != secret:
                return fail(401, "invalid_client", "Unauthorized")
            if grant_entry is None:
                return fail(400, "invalid_grant", "Token has been expired or revoked.")
            entry["principal"] = grant_entry.principal
            if grant_entry.client_id != client_id:
                return fail(401, "unauthorized_client", "Unauthorized")
            requested = frozenset(form.get("scope", "").split())
            if requested - grant_entry.scopes:
                return fail(
                    400,
                    "invalid_scope",
                    "Some requested scopes were invalid. {invalid="
                    + ", ".join(sorted(requested - grant_entry.scopes))
                    + "}",
                )
            scopes = requested or grant_entry.scopes
            return ok(grant_entry.principal, scopes, {"scope": " ".join(sorted(scopes))})

        return fail(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _verify_jwt(self, assertion: str) -> dict[str, Any] | None:
        try:
            head_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64url_decode(head_b64))
            claims = json.loads(_b64url_decode(claims_b64))
            if header.get("alg") != "RS256":
                return None
            with self._lock:
                key = self._sa_keys.get(claims.get("iss", ""))
            if key is None:
                return None
            key.verify(
                _b64url_decode(sig_b64),
                f"{head_b64}.{claims_b64}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
            now = time.time()
            if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
                return None
            exp, iat = float(claims.get("exp", 0)), float(claims.get("iat", 0))
            if not exp > now or iat > now + 300 or exp - iat > 3600 + 60:
                return None
            return dict(claims)
        except (ValueError, TypeError, AttributeError, binascii.Error, InvalidSignature):
            return None

    # ----------------------------------------------------------------- access helpers

    @staticmethod
    def _perm_applies(perm: dict[str, Any], principal: str) -> bool:
        kind = perm.get("type")
        if kind in ("user", "group"):
            return str(perm.get("emailAddress", "")).lower() == principal.lower()
        if kind == "domain":
            return principal.lower().endswith("@" + str(perm.get("domain", "")).lower())
        return kind == "anyone"

    def _role(self, principal: str, f: _File, seen: set[str] | None = None) -> int:
        """The principal's best role rank on f, inherited from folders; 0 = no access."""
        seen = set() if seen is None else seen
        seen.add(f.id)
        best = 0
        for perm in f.permissions:
            if self._perm_applies(perm, principal):
                best = max(best, _ROLE_RANK.get(perm.get("role", ""), 0))
        for parent_id in f.parents:
            parent = self._files.get(parent_id)
            if parent is not None and parent_id not in seen:
                best = max(best, self._role(principal, parent, seen))
        return best

    def _book(self, f: _File) -> Book:
        book = f.book
        if book is not None:
            return book
        with f.parse_lock:  # parse outside the global lock: it can take a while
            if f.book is None:
                if f.content is None:
                    raise ValueError(f"{f.id} has neither a model nor content")
                f.book = _parse_xlsx(f.content, f.id)
            return f.book

    def _open_sheet(self, ctx: _Ctx, sid: str, *, write: bool) -> _File | _Reply:
        with self._lock:
            f = self._files.get(sid)
            role = self._role(ctx.principal, f) if f is not None else 0
            if f is None or role == 0:
                return _sheets_error(404, "Requested entity was not found.", "NOT_FOUND")
            if not f.is_sheet:
                return _sheets_error(
                    400, "This operation is not supported for this document", "FAILED_PRECONDITION"
                )
            if write and role < _WRITER:
                return _sheets_error(
                    403, "The caller does not have permission", "PERMISSION_DENIED"
                )
            return f

    # ----------------------------------------------------------------- Sheets API

    def _protected_json(self, pr: dict[str, Any], f: _File, principal: str) -> dict[str, Any]:
        out = copy.deepcopy(pr)
        editors = pr.get("editors", {})
        users = {u.lower() for u in editors.get("users", [])}
        domain_ok = (
            editors.get("domainUsersCanEdit") and principal.split("@")[-1] == f.owner.split("@")[-1]
        )
        out["requestingUserCanEdit"] = bool(
            principal.lower() == f.owner.lower() or principal.lower() in users or domain_ok
        )
        return out

    def _grid_data(self, sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict[str, Any]:
        rows: dict[int, dict[int, Cell]] = {}
        for (r, c), cell in sheet.cells.items():
            if r0 <= r < r1 and c0 <= c < c1:
                rows.setdefault(r, {})[c] = cell
        hidden = [r for r in sheet.hidden_rows if r0 <= r < r1]
        last = max([*rows, *hidden], default=r0 - 1)
        row_data: list[dict[str, Any]] = []
        for r in range(r0, last + 1):
            row = rows.get(r)
            if not row:
                row_data.append({})
                continue
            values: list[dict[str, Any]] = []
            for c in range(c0, max(row) + 1):
                found = row.get(c)
                if found is None:
                    values.append({})
                    continue
                formula, value = found
                data: dict[str, Any] = {}
                entered = (
                    {"formulaValue": "=" + formula} if formula is not None else _typed_value(value)
                )
                if entered:
                    data["userEnteredValue"] = entered
                effective = _typed_value(value)
                if effective:
                    data["effectiveValue"] = effective
                    data["formattedValue"] = _formatted(value)
                values.append(data)
            row_data.append({"values": values})
        meta = [
            {"pixelSize": 21, "hiddenByUser": True} if r in sheet.hidden_rows else {"pixelSize": 21}
            for r in range(r0, last + 1)
        ]
        return {"startRow": r0, "startColumn": c0, "rowData": row_data, "rowMetadata": meta}

    def _named_ranges(self, book: Book) -> list[dict[str, Any]]:
        out = []
        for dn in book.names:
            try:
                sheet, r0, c0, r1, c1 = _resolve_range(book, dn.ref.replace("$", ""))
            except (_Invalid, IndexError):
                continue
            if "!" not in dn.ref:
                continue
            grid = {
                "sheetId": sheet.sheet_id,
                "startRowIndex": r0,
                "endRowIndex": r1,
                "startColumnIndex": c0,
                "endColumnIndex": c1,
            }
            nr_id = f"{zlib.crc32(f'{dn.sheet_id}:{dn.name}'.encode()):x}"
            out.append({"namedRangeId": nr_id, "name": dn.name, "range": grid})
        return out

    def _sheets_get(self, ctx: _Ctx, sid: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=False)
        if isinstance(opened, _Reply):
            return opened
        f = opened
        book = self._book(f)
        include = ctx.flag("includeGridData")
        ranges = ctx.query.get("ranges", [])
        with self._lock:
            windows: dict[int, list[tuple[int, int, int, int]]] | None = None
            if ranges:
                windows = {}
                for rng in ranges:
                    sheet, r0, c0, r1, c1 = _resolve_range(book, rng)
                    windows.setdefault(sheet.sheet_id, []).append((r0, c0, r1, c1))
            sheets_out = []
            for sheet in book.ordered():
                if windows is not None and sheet.sheet_id not in windows:
                    continue
                props: dict[str, Any] = {
                    "sheetId": sheet.sheet_id,
                    "title": sheet.title,
                    "index": sheet.index,
                    "sheetType": "GRID",
                    "gridProperties": {
                        "rowCount": sheet.row_count,
                        "columnCount": sheet.column_count,
                    },
                }
                if sheet.hidden:
                    props["hidden"] = True
                entry: dict[str, Any] = {"properties": props}
                protected = [
                    self._protected_json(pr, f, ctx.principal)
                    for pr in book.protected
                    if pr.get("range", {}).get("sheetId", 0) == sheet.sheet_id
                ]
                if protected:
                    entry["protectedRanges"] = protected
                if include:
                    spans = (
                        windows[sheet.sheet_id]
                        if windows
                        else [(0, 0, sheet.row_count, sheet.column_count)]
                    )
                    entry["data"] = [self._grid_data(sheet, *span) for span in spans]
                sheets_out.append(entry)
            out: dict[str, Any] = {
                "spreadsheetId": f.id,
                "properties": {
                    "title": f.name,
                    "locale": book.properties.get("locale", "in_ID"),
                    "autoRecalc": "ON_CHANGE",
                    "timeZone": book.properties.get("timeZone", "Asia/Jakarta"),
                },
                "sheets": sheets_out,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{f.id}/edit",
            }
            named = self._named_ranges(book)
            if named:
                out["namedRanges"] = named
        return _json_reply(200, out)

    def _value_range(self, book: Book, rng: str, option: str, major: str) -> dict[str, Any]:
        sheet, r0, c0, r1, c1 = _resolve_range(book, rng)
        rows: dict[int, dict[int, Cell]] = {}
        for (r, c), cell in sheet.cells.items():
            if r0 <= r < r1 and c0 <= c < c1:
                rows.setdefault(r, {})[c] = cell
        values: list[list[Any]] = []
        if rows:
            for r in range(r0, max(rows) + 1):
                row = rows.get(r, {})
                values.append(
                    [_rendered(row.get(c), option) for c in range(c0, max(row) + 1)] if row else []
                )
        if major == "COLUMNS" and values:
            width = max(len(v) for v in values)
            padded = [v + [""] * (width - len(v)) for v in values]
            values = [list(col) for col in zip(*padded, strict=True)]
            for col in values:
                while col and col[-1] == "":
                    col.pop()
        out: dict[str, Any] = {"range": _a1_text(sheet, r0, c0, r1, c1), "majorDimension": major}
        if values:
            out["values"] = values
        return out

    def _values_get(self, ctx: _Ctx, sid: str, rng: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=False)
        if isinstance(opened, _Reply):
            return opened
        book = self._book(opened)
        option = ctx.arg("valueRenderOption") or "FORMATTED_VALUE"
        major = ctx.arg("majorDimension") or "ROWS"
        with self._lock:
            return _json_reply(200, self._value_range(book, rng, option, major))

    def _values_batch_get(self, ctx: _Ctx, sid: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=False)
        if isinstance(opened, _Reply):
            return opened
        book = self._book(opened)
        option = ctx.arg("valueRenderOption") or "FORMATTED_VALUE"
        major = ctx.arg("majorDimension") or "ROWS"
        with self._lock:
            ranges = [
                self._value_range(book, r, option, major) for r in ctx.query.get("ranges", [])
            ]
        return _json_reply(200, {"spreadsheetId": sid, "valueRanges": ranges})

    def _write_values(
        self, book: Book, rng: str, values: list[list[Any]], option: str, major: str
    ) -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise _Invalid("Invalid valueInputOption: " + (option or "(missing)"))
        sheet, r0, c0, _, _ = _resolve_range(book, rng)
        if major == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        width = max((len(v) for v in values), default=0)
        if r0 + len(values) > sheet.row_count or c0 + width > sheet.column_count:
            raise _Invalid(
                f"Range ({rng}) exceeds grid limits. Max rows: {sheet.row_count}, "
                f"max columns: {sheet.column_count}"
            )
        updated = 0
        max_c = c0
        for i, row in enumerate(values):
            for j, raw in enumerate(row):
                key = (r0 + i, c0 + j)
                if raw == "":
                    sheet.cells.pop(key, None)
                    updated += 1
                    continue
                cell = _user_entered(raw, option)
                if cell is not None:
                    sheet.cells[key] = cell
                    updated += 1
                max_c = max(max_c, c0 + j + 1)
        n_rows = len(values)
        span = _a1_text(sheet, r0, c0, r0 + max(n_rows, 1), max(max_c, c0 + 1))
        out: dict[str, Any] = {"spreadsheetId": "", "updatedRange": span}
        if updated:
            out.update(updatedRows=n_rows, updatedColumns=max_c - c0, updatedCells=updated)
        return out

    def _values_put(self, ctx: _Ctx, sid: str, rng: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=True)
        if isinstance(opened, _Reply):
            return opened
        f = opened
        book = self._book(f)
        body = ctx.json()
        with self._lock:
            out = self._write_values(
                book,
                rng,
                body.get("values") or [],
                ctx.arg("valueInputOption") or "",
                body.get("majorDimension") or "ROWS",
            )
            out["spreadsheetId"] = f.id
            self._touch(f, content_changed=True)
        return _json_reply(200, out)

    def _values_batch_update(self, ctx: _Ctx, sid: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=True)
        if isinstance(opened, _Reply):
            return opened
        f = opened
        book = self._book(f)
        body = ctx.json()
        option = body.get("valueInputOption") or ""
        with self._lock:
            for item in body.get("data") or []:  # validate first: the batch is atomic
                _resolve_range(book, item.get("range", ""))
            responses = []
            for item in body.get("data") or []:
                res = self._write_values(
                    book,
                    item["range"],
                    item.get("values") or [],
                    option,
                    item.get("majorDimension") or "ROWS",
                )
                res["spreadsheetId"] = f.id
                responses.append(res)
            self._touch(f, content_changed=True)
        total = sum(r.get("updatedCells", 0) for r in responses)
        return _json_reply(
            200, {"spreadsheetId": f.id, "totalUpdatedCells": total, "responses": responses}
        )

    def _check_grid_range(self, rng: Any, sheet_ids: set[int]) -> dict[str, Any]:
        if not isinstance(rng, dict):
            raise _Invalid("range must be a GridRange")
        sheet_id = rng.get("sheetId", 0)
        if sheet_id not in sheet_ids:
            raise _Invalid(f"No grid with id: {sheet_id}")
        for lo, hi in (("startRowIndex", "endRowIndex"), ("startColumnIndex", "endColumnIndex")):
            start, end = rng.get(lo), rng.get(hi)
            for value in (start, end):
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise _Invalid(f"Invalid {lo if value is start else hi}: {value}")
            if start is not None and end is not None and end <= start:
                raise _Invalid(f"Invalid range: {hi} ({end}) must be greater than {lo} ({start})")
        return {"sheetId": sheet_id, **{k: v for k, v in rng.items() if k != "sheetId"}}

    def _with_owner(self, editors: Any, owner: str) -> dict[str, Any]:
        editors = copy.deepcopy(editors) if isinstance(editors, dict) else {}
        users = [u for u in editors.get("users", []) if isinstance(u, str)]
        if owner.lower() not in {u.lower() for u in users}:
            users.insert(0, owner)
        editors["users"] = users
        return editors

    def _sheets_batch(self, ctx: _Ctx, sid: str) -> _Reply:
        opened = self._open_sheet(ctx, sid, write=True)
        if isinstance(opened, _Reply):
            return opened
        f = opened
        book = self._book(f)
        body = ctx.json()
        requests = body.get("requests")
        if not isinstance(requests, list):
            return _sheets_error(400, "Must specify at least one request.", "INVALID_ARGUMENT")
        with self._lock:
            # Stage every change, so that one invalid request leaves the spreadsheet untouched.
            title = f.name
            properties = dict(book.properties)
            sheet_props = {s.sheet_id: {"title": s.title, "hidden": s.hidden} for s in book.sheets}
            protected = copy.deepcopy(book.protected)
            next_id = book.next_protected
            cell_updates: list[tuple[int, tuple[int, int], Any]] = []
            added: list[Sheet] = []
            widths: list[tuple[int, int, int, int]] = []  # sheet id, first, end, pixels
            replies: list[dict[str, Any]] = []
            for i, request in enumerate(requests):
                if not isinstance(request, dict) or len(request) != 1:
                    return _sheets_error(
                        400,
                        f"Invalid requests[{i}]: exactly one kind of request expected.",
                        "INVALID_ARGUMENT",
                    )
                kind, arg = next(iter(request.items()))
                arg = arg if isinstance(arg, dict) else {}
                try:
                    if kind == "addProtectedRange":
                        pr = copy.deepcopy(arg.get("protectedRange") or {})
                        if "range" not in pr:
                            raise _Invalid("No range specified.")
                        pr["range"] = self._check_grid_range(pr["range"], set(sheet_props))
                        pid = pr.get("protectedRangeId")
                        if pid is None:
                            pid = zlib.crc32(f"{f.id}/protected/{next_id}".encode()) & 0x7FFFFFFF
                            next_id += 1
                        if any(p["protectedRangeId"] == pid for p in protected):
                            raise _Invalid(f"Protected range with id {pid} already exists.")
                        pr.pop("requestingUserCanEdit", None)
                        pr["protectedRangeId"] = pid
                        pr["editors"] = self._with_owner(pr.get("editors"), f.owner)
                        if not pr.get("warningOnly"):
                            pr.pop("warningOnly", None)
                        protected.append(pr)
                        reply_pr = self._protected_json(pr, f, ctx.principal)
                        replies.append({"addProtectedRange": {"protectedRange": reply_pr}})
                    elif kind == "updateProtectedRange":
                        change = arg.get("protectedRange") or {}
                        pid = change.get("protectedRangeId")
                        target = next((p for p in protected if p["protectedRangeId"] == pid), None)
                        if target is None:
                            raise _Invalid(f"No protected range with id: {pid}")
                        fields = [
                            x.strip() for x in str(arg.get("fields", "")).split(",") if x.strip()
                        ]
                        if not fields:
                            raise _Invalid("At least one field must be updated with 'fields'.")
                        keys = [
                            "range",
                            "description",
                            "warningOnly",
                            "editors",
                            "unprotectedRanges",
                        ]
                        for key in keys if "*" in fields else fields:
                            if key == "range" and "range" in change:
                                target["range"] = self._check_grid_range(
                                    change["range"], set(sheet_props)
                                )
                            elif key == "editors":
                                target["editors"] = self._with_owner(change.get("editors"), f.owner)
                            elif key in change:
                                target[key] = copy.deepcopy(change[key])
                            elif key in target and key != "range":
                                del target[key]
                        replies.append({})
                    elif kind == "deleteProtectedRange":
                        pid = arg.get("protectedRangeId")
                        before = len(protected)
                        protected = [p for p in protected if p["protectedRangeId"] != pid]
                        if len(protected) == before:
                            raise _Invalid(f"No protected range with id: {pid}")
                        replies.append({})
                    elif kind == "updateSpreadsheetProperties":
                        props = arg.get("properties") or {}
                        fields = [
                            x.strip() for x in str(arg.get("fields", "")).split(",") if x.strip()
                        ]
                        if not fields:
                            raise _Invalid("At least one field must be updated with 'fields'.")
                        for key in ("title", "locale", "timeZone"):
                            if "*" in fields or key in fields:
                                if key == "title":
                                    title = str(props.get("title") or "")
                                    if not title:
                                        raise _Invalid("Spreadsheet title must not be empty.")
                                elif key in props:
                                    properties[key] = props[key]
                        replies.append({})
                    elif kind == "addSheet":
                        props = arg.get("properties") or {}
                        new_id = props.get("sheetId")
                        if new_id is None:
                            new_id = zlib.crc32(f"{f.id}/sheet/{len(sheet_props)}".encode()) >> 1
                        if not isinstance(new_id, int) or new_id < 0:
                            raise _Invalid(f"Invalid sheetId: {new_id}")
                        if new_id in sheet_props:
                            raise _Invalid(f"Sheet with id {new_id} already exists.")
                        new_title = str(props.get("title") or f"Sheet{len(sheet_props) + 1}")
                        if any(p["title"] == new_title for p in sheet_props.values()):
                            raise _Invalid(
                                f'A sheet with the name "{new_title}" already exists. '
                                "Please enter another name."
                            )
                        sheet_props[new_id] = {"title": new_title, "hidden": False}
                        added.append(Sheet(new_id, new_title, len(sheet_props) - 1))
                        reply_props = {
                            "sheetId": new_id,
                            "title": new_title,
                            "index": len(sheet_props) - 1,
                            "sheetType": "GRID",
                            "gridProperties": {"rowCount": 1000, "columnCount": 26},
                        }
                        replies.append({"addSheet": {"properties": reply_props}})
                    elif kind == "updateDimensionProperties":
                        # Only column widths (what clients set): range + pixelSize.
                        rng = arg.get("range") or {}
                        target_id = rng.get("sheetId", 0)
                        if target_id not in sheet_props:
                            raise _Invalid(f"No grid with id: {target_id}")
                        if rng.get("dimension") != "COLUMNS":
                            raise _Invalid("dimension must be COLUMNS in this fake")
                        if str(arg.get("fields", "")) != "pixelSize":
                            raise _Invalid("fields must be 'pixelSize' in this fake")
                        lo, hi = rng.get("startIndex", 0), rng.get("endIndex")
                        pixels = (arg.get("properties") or {}).get("pixelSize")
                        if not isinstance(hi, int) or not isinstance(lo, int) or hi <= lo < 0:
                            raise _Invalid(f"Invalid range: {lo}..{hi}")
                        if not isinstance(pixels, int) or pixels < 0:
                            raise _Invalid(f"Invalid pixelSize: {pixels}")
                        widths.append((target_id, lo, hi, pixels))
                        replies.append({})
                    elif kind == "updateCells":
                        # The forms clients use to write values, with fields
                        # "userEnteredValue": start + rows, or range + rows (what the rows
                        # do not cover inside the range is cleared).
                        if ("start" in arg) == ("range" in arg):
                            raise _Invalid("Exactly one of start or range must be set.")
                        if "range" in arg:
                            rng = self._check_grid_range(arg["range"], set(sheet_props))
                            start = {
                                "sheetId": rng["sheetId"],
                                "rowIndex": rng.get("startRowIndex", 0),
                                "columnIndex": rng.get("startColumnIndex", 0),
                            }
                            old = book.by_id(rng["sheetId"])
                            for key in list(old.cells) if old is not None else []:
                                r, c = key
                                if rng.get("startRowIndex", 0) <= r < rng.get(
                                    "endRowIndex", 10**9
                                ) and rng.get("startColumnIndex", 0) <= c < rng.get(
                                    "endColumnIndex", 10**9
                                ):
                                    cell_updates.append((rng["sheetId"], key, None))
                        else:
                            start = arg.get("start") or {}
                        target_id = start.get("sheetId", 0)
                        if target_id not in sheet_props:
                            raise _Invalid(f"No grid with id: {target_id}")
                        if str(arg.get("fields", "")) != "userEnteredValue":
                            raise _Invalid("fields must be 'userEnteredValue' in this fake")
                        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
                        for dr, row in enumerate(arg.get("rows") or []):
                            for dc, cell in enumerate(row.get("values") or []):
                                entered = (cell or {}).get("userEnteredValue") or {}
                                value = next(iter(entered.values()), None)
                                cell_updates.append((target_id, (r0 + dr, c0 + dc), value))
                        replies.append({})
                    elif kind == "updateSheetProperties":
                        props = arg.get("properties") or {}
                        target_id = props.get("sheetId", 0)
                        if target_id not in sheet_props:
                            raise _Invalid(f"No grid with id: {target_id}")
                        fields = [
                            x.strip() for x in str(arg.get("fields", "")).split(",") if x.strip()
                        ]
                        if not fields:
                            raise _Invalid("At least one field must be updated with 'fields'.")
                        if ("*" in fields or "title" in fields) and "title" in props:
                            new_title = str(props["title"])
                            if any(
                                p["title"] == new_title
                                for k, p in sheet_props.items()
                                if k != target_id
                            ):
                                raise _Invalid(
                                    f'A sheet with the name "{new_title}" already exists. '
                                    "Please enter another name."
                                )
                            sheet_props[target_id]["title"] = new_title
                        if "*" in fields or "hidden" in fields:
                            sheet_props[target_id]["hidden"] = bool(props.get("hidden", False))
                            if all(p["hidden"] for p in sheet_props.values()):
                                raise _Invalid("You can't hide all the sheets in a document.")
                        replies.append({})
                    else:
                        return _sheets_error(
                            400,
                            f'Invalid JSON payload received. Unknown name "{kind}" at '
                            f"'requests[{i}]': Cannot find field.",
                            "INVALID_ARGUMENT",
                        )
                except _Invalid as exc:
                    return _sheets_error(
                        400, f"Invalid requests[{i}].{kind}: {exc}", "INVALID_ARGUMENT"
                    )
            # Commit.
            content_changed = title != f.name
            for sheet in book.sheets:
                new = sheet_props[sheet.sheet_id]
                new_title, new_hidden = str(new["title"]), bool(new["hidden"])
                if (new_title, new_hidden) != (sheet.title, sheet.hidden):
                    sheet.title, sheet.hidden = new_title, new_hidden
                    content_changed = True
            if added:
                book.sheets.extend(added)
                content_changed = True
            for target_id, lo, hi, pixels in widths:
                target = book.by_id(target_id)
                if target is not None:
                    target.column_pixels.update(dict.fromkeys(range(lo, hi), pixels))
                    content_changed = True
            for target_id, key, value in cell_updates:
                sheet = book.by_id(target_id)
                if value is None:
                    sheet.cells.pop(key, None)
                else:
                    sheet.cells[key] = (None, value)
                    sheet.row_count = max(sheet.row_count, key[0] + 1)
                    sheet.column_count = max(sheet.column_count, key[1] + 1)
                content_changed = True
            f.name = title
            book.properties = properties
            book.protected = protected
            book.next_protected = next_id
            if requests:
                self._touch(f, content_changed=content_changed)
        return _json_reply(200, {"spreadsheetId": f.id, "replies": replies})

    # ----------------------------------------------------------------- Drive API

    def _resource(self, f: _File, principal: str) -> dict[str, Any]:
        if f.is_sheet:
            link = f"https://docs.google.com/spreadsheets/d/{f.id}/edit"
        elif f.mime_type == FOLDER_MIME:
            link = f"https://drive.google.com/drive/folders/{f.id}"
        else:
            link = f"https://drive.google.com/file/d/{f.id}/view"
        owner_perm = self._user_permission(f.owner, "owner")
        out: dict[str, Any] = {
            "kind": "drive#file",
            "id": f.id,
            "name": f.name,
            "mimeType": f.mime_type,
            "parents": list(f.parents),
            "trashed": f.trashed,
            "createdTime": _rfc3339(f.created),
            "modifiedTime": _rfc3339(f.modified),
            "version": str(f.version),
            "appProperties": dict(f.app_properties),
            "owners": [
                {
                    "kind": "drive#user",
                    "displayName": f.owner.split("@")[0],
                    "emailAddress": f.owner,
                    "me": f.owner.lower() == principal.lower(),
                    "permissionId": owner_perm["id"],
                }
            ],
            "ownedByMe": f.owner.lower() == principal.lower(),
            "permissions": [self._perm_json(p) for p in f.permissions],
            "webViewLink": link,
        }
        if not f.is_google_type and f.content is not None:
            out["size"] = str(len(f.content))
            out["md5Checksum"] = hashlib.md5(f.content).hexdigest()
        return out

    def _masked(self, ctx: _Ctx, obj: dict[str, Any], default_mask: str) -> _Reply:
        if not self.strict_fields:
            return _json_reply(200, obj)
        spec = ctx.arg("fields") or default_mask
        try:
            tree = _parse_mask(spec)
        except ValueError:
            return _drive_invalid(f"Invalid field selection {spec}", "fields")
        return _json_reply(200, _apply_mask(obj, tree))

    def _visible(self, ctx: _Ctx, fid: str) -> tuple[_File, int] | _Reply:
        f = self._files.get(fid)
        role = self._role(ctx.principal, f) if f is not None else 0
        if f is None or role == 0:
            return _drive_not_found(fid)
        return f, role

    def _page_size(self, ctx: _Ctx) -> int | _Reply:
        """Drive's pageSize: 1 to 1000 (default 100), capped by this fake's page size."""
        raw_size = ctx.arg("pageSize") or "100"
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= 1000:
            return _drive_invalid(
                f"Invalid value '{raw_size}'. Values must be within the range: [1, 1000]",
                "pageSize",
            )
        return min(int(raw_size), self.page_size)

    def _drive_list(self, ctx: _Ctx) -> _Reply:
        q = ctx.arg("q") or ""
        try:
            predicates = _parse_q(q)
        except _BadQuery:
            return _drive_invalid("Invalid Value", "q")
        size = self._page_size(ctx)
        if isinstance(size, _Reply):
            return size
        signature = f"{zlib.crc32(q.encode()):08x}"
        offset = 0
        token = ctx.arg("pageToken")
        if token:
            try:
                off_text, sig = _b64url_decode(token).decode().split(":")
                offset = int(off_text)
            except (ValueError, binascii.Error, UnicodeDecodeError):
                return _drive_invalid("Invalid Value", "pageToken")
            if sig != signature:
                return _drive_invalid("Invalid Value", "pageToken")
        order = ctx.arg("orderBy") or ""
        with self._lock:
            now = self.clock()
            found = [
                f
                for f in self._files.values()
                if f.listed_from <= now
                and all(p(f) for p in predicates)
                and self._role(ctx.principal, f)
            ]
            found.sort(key=lambda f: (f.name, f.id))
            for part in reversed([p.strip() for p in order.split(",") if p.strip()]):
                key_name, _, direction = part.partition(" ")
                attr = _ORDER_KEYS.get(key_name)
                if attr:
                    desc = direction.strip() == "desc"
                    found.sort(key=operator.attrgetter(attr), reverse=desc)
            page = found[offset : offset + size]
            out: dict[str, Any] = {
                "kind": "drive#fileList",
                "incompleteSearch": False,
                "files": [self._resource(f, ctx.principal) for f in page],
            }
        if offset + size < len(found):
            token_text = f"{offset + size}:{signature}".encode()
            out["nextPageToken"] = base64.urlsafe_b64encode(token_text).decode().rstrip("=")
        return self._masked(ctx, out, _DEFAULT_LIST_MASK)

    def _changes_start(self, ctx: _Ctx) -> _Reply:
        with self._lock:
            token = str(len(self._change_log) + 1)
        return self._masked(
            ctx, {"kind": "drive#startPageToken", "startPageToken": token}, "kind,startPageToken"
        )

    def _changes_list(self, ctx: _Ctx) -> _Reply:
        """changes.list: each changed file once per page, as it is now (Drive reports the
        current state, not each edit); a file the principal can no longer see, but could
        when it changed, comes as `removed`."""
        raw_token = ctx.arg("pageToken")
        if raw_token is None:
            return _drive_error(400, "Required parameter: pageToken", "required")
        size = self._page_size(ctx)
        if isinstance(size, _Reply):
            return size
        include_removed = ctx.flag("includeRemoved", True)
        principal = ctx.principal.lower()
        with self._lock:
            end = len(self._change_log) + 1
            if not raw_token.isdigit() or not 1 <= int(raw_token) <= end:
                return _drive_invalid("Invalid Value", "pageToken")
            at = int(raw_token)
            picked: dict[str, dict[str, Any]] = {}
            while at < end and len(picked) < size:
                fid = self._change_log[at - 1][0]
                at += 1
                f = self._files.get(fid)
                if f is not None and self._role(ctx.principal, f):
                    change = {"removed": False, "file": self._resource(f, ctx.principal)}
                    moment = f.modified
                elif any(principal in seen for i, seen in self._change_log if i == fid):
                    if not include_removed:
                        continue
                    change, moment = {"removed": True}, self.wall_clock()
                else:
                    continue
                picked.pop(fid, None)  # reported once, where it last changed
                picked[fid] = {
                    "kind": "drive#change",
                    "changeType": "file",
                    "time": _rfc3339(moment),
                    "fileId": fid,
                    **change,
                }
            # A full page also takes the entries right after it that it reported already.
            while at < end and self._change_log[at - 1][0] in picked:
                at += 1
            out: dict[str, Any] = {"kind": "drive#changeList", "changes": list(picked.values())}
            if at < end:
                out["nextPageToken"] = str(at)
            else:
                out["newStartPageToken"] = str(end)
        mask = "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,"
        return self._masked(ctx, out, mask + "file(kind,id,name,mimeType))")

    def _drive_get(self, ctx: _Ctx, fid: str) -> _Reply:
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, _ = seen
            if ctx.arg("alt") == "media":
                if f.is_google_type or f.content is None:
                    message = (
                        "Only files with binary content can be downloaded. Use Export with Docs "
                        "Editors files."
                    )
                    return _drive_error(403, message, "fileNotDownloadable")
                return _Reply(200, f.content, f.mime_type)
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _check_parents(self, ctx: _Ctx, parents: list[str]) -> _Reply | None:
        for parent_id in parents:
            seen = self._visible(ctx, parent_id)
            if isinstance(seen, _Reply):
                return seen
            parent, role = seen
            if parent.mime_type != FOLDER_MIME:
                return _drive_error(400, "The parent is not a folder.", "invalidParent")
            if role < _WRITER:
                return _drive_no_write()
        return None

    def _drive_create(self, ctx: _Ctx) -> _Reply:
        meta = ctx.json()
        parents = [str(p) for p in meta.get("parents") or []]
        mime = str(meta.get("mimeType") or "application/octet-stream")
        with self._lock:
            problem = self._check_parents(ctx, parents)
            if problem is not None:
                return problem
            book = None
            content = None if mime.startswith("application/vnd.google-apps.") else b""
            if mime == GOOGLE_SHEET_MIME:
                book = Book(sheets=[Sheet(sheet_id=0, title="Sheet1", index=0)])
            f = self._create(
                str(meta.get("name") or "Untitled"),
                mime,
                parents,
                ctx.principal,
                content=content,
                book=book,
                app_properties=meta.get("appProperties"),
            )
            self._index_later(f)
            ctx.file_id = f.id
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _drive_upload(self, ctx: _Ctx) -> _Reply:
        if ctx.arg("uploadType") != "multipart":
            return _drive_invalid(
                "Only uploadType=multipart is supported by the fake.", "uploadType"
            )
        try:
            parts = _parse_multipart(ctx.headers.get("Content-Type", ""), ctx.body)
            meta = json.loads(parts[0][1] or b"{}")
            media_headers, media = parts[1]
        except (ValueError, IndexError):
            return _drive_error(400, "Malformed multipart body.", "badContent")
        media_type = (
            media_headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        )
        parents = [str(p) for p in meta.get("parents") or []]
        name = str(meta.get("name") or "Untitled")
        target = str(meta.get("mimeType") or media_type)
        if target == GOOGLE_SHEET_MIME and not _is_xlsx(media):
            return _drive_error(
                400, "The file could not be converted to a Google spreadsheet.", "badContent"
            )
        with self._lock:
            problem = self._check_parents(ctx, parents)
            if problem is not None:
                return problem
            f = self._create(
                name,
                target,
                parents,
                ctx.principal,
                content=media,
                app_properties=meta.get("appProperties"),
            )
            self._index_later(f)
            ctx.file_id = f.id
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _writable(self, ctx: _Ctx, fid: str) -> _File | _Reply:
        seen = self._visible(ctx, fid)
        if isinstance(seen, _Reply):
            return seen
        f, role = seen
        return f if role >= _WRITER else _drive_no_write()

    def _drive_replace(self, ctx: _Ctx, fid: str) -> _Reply:
        """files.update with new content (uploadType=media): a Google spreadsheet takes an
        xlsx, converted as on import; the id, name, parents and sharing stay."""
        if ctx.arg("uploadType") != "media":
            return _drive_invalid("Only uploadType=media is supported by the fake.", "uploadType")
        media = ctx.body
        with self._lock:
            f = self._writable(ctx, fid)
            if isinstance(f, _Reply):
                return f
            if f.mime_type == FOLDER_MIME:
                return _drive_error(400, "Folders have no content.", "badContent")
            if f.is_sheet and not _is_xlsx(media):
                return _drive_error(
                    400, "The file could not be converted to a Google spreadsheet.", "badContent"
                )
            f.content, f.book, f.edited = bytes(media), None, False
            self._touch(f)
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _drive_patch(self, ctx: _Ctx, fid: str) -> _Reply:
        body = ctx.json()
        with self._lock:
            f = self._writable(ctx, fid)
            if isinstance(f, _Reply):
                return f
            add = [p for p in (ctx.arg("addParents") or "").split(",") if p]
            problem = self._check_parents(ctx, add)
            if problem is not None:
                return problem
            if "name" in body:
                f.name = str(body["name"])
            if "trashed" in body:
                f.trashed = bool(body["trashed"])
            for key, value in (body.get("appProperties") or {}).items():
                if value is None:
                    f.app_properties.pop(key, None)
                else:
                    f.app_properties[key] = str(value)
            removed = set((ctx.arg("removeParents") or "").split(","))
            f.parents = [p for p in f.parents if p not in removed] + [
                p for p in add if p not in f.parents
            ]
            self._touch(f)
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _drive_delete(self, ctx: _Ctx, fid: str) -> _Reply:
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, role = seen
            if role < _ROLE_RANK["owner"]:
                return _drive_no_write()
            self._log_change(f)
            self._gone[f.id] = f
            del self._files[f.id]
        return _Reply(204, b"", "text/plain")

    def _drive_copy(self, ctx: _Ctx, fid: str) -> _Reply:
        meta = ctx.json()
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            src, _ = seen
            if src.mime_type == FOLDER_MIME:
                return _drive_error(403, "Folders cannot be copied.", "fileNotCopyable")
            parents = [str(p) for p in meta.get("parents") or []]
            if not parents:  # next to the source where we may write, else in My Drive
                writable = (p for p in src.parents if p in self._files)
                parents = [
                    p for p in writable if self._role(ctx.principal, self._files[p]) >= _WRITER
                ]
            problem = self._check_parents(ctx, parents)
            if problem is not None:
                return problem
            book = None
            if src.book is not None:
                book = src.book.snapshot()
                book.protected = copy.deepcopy(src.book.protected)
                book.next_protected = src.book.next_protected
            f = self._create(
                str(meta.get("name") or f"Copy of {src.name}"),
                src.mime_type,
                parents,
                ctx.principal,
                content=src.content,
                book=book,
                app_properties=meta.get("appProperties"),
            )
            f.edited = src.edited
            self._index_later(f)
            ctx.file_id = f.id
            resource = self._resource(f, ctx.principal)
        return self._masked(ctx, resource, _DEFAULT_FILE_MASK)

    def _drive_export(self, ctx: _Ctx, fid: str) -> _Reply:
        mime = ctx.arg("mimeType") or ""
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, _ = seen
            if not f.is_google_type:
                return _drive_error(
                    403, "Export only supports Docs Editors files.", "fileNotExportable"
                )
            if not f.is_sheet or mime not in (XLSX_MIME, CSV_MIME):
                return _drive_error(400, "The requested conversion is not supported.", "badRequest")
            verbatim = self.export_verbatim and not f.edited and f.content is not None
            data = f.content if verbatim else None
        if data is None:
            book = self._book(f)
            with self._lock:
                snapshot = book.snapshot()
            if mime == XLSX_MIME:
                data = _write_xlsx(snapshot)
            else:
                out = io.StringIO()
                sheet = snapshot.ordered()[0]
                writer = csv.writer(out, lineterminator="\r\n")
                last_row = max((r for r, _ in sheet.cells), default=-1)
                last_col = max((c for _, c in sheet.cells), default=-1)
                for r in range(last_row + 1):
                    writer.writerow(
                        [
                            _rendered(sheet.cells.get((r, c)), "FORMATTED_VALUE")
                            for c in range(last_col + 1)
                        ]
                    )
                data = out.getvalue().encode("utf-8")
        assert data is not None
        if len(data) > self.export_limit:
            message = "This file is too large to be exported."
            return _drive_error(403, message, "exportSizeLimitExceeded")
        return _Reply(200, data, mime)

    # ----------------------------------------------------------------- permissions

    @staticmethod
    def _perm_json(perm: dict[str, Any]) -> dict[str, Any]:
        return {"kind": "drive#permission", **perm}

    @staticmethod
    def _upsert_permission(f: _File, perm: dict[str, Any]) -> dict[str, Any]:
        for existing in f.permissions:
            same_target = existing.get("type") == perm.get("type") and (
                str(existing.get("emailAddress", "")).lower()
                == str(perm.get("emailAddress", "")).lower()
                and existing.get("domain") == perm.get("domain")
            )
            if same_target:
                if existing.get("role") != "owner":
                    existing["role"] = perm["role"]
                return existing
        f.permissions.append(perm)
        return perm

    def _perm_create(self, ctx: _Ctx, fid: str) -> _Reply:
        body = ctx.json()
        kind = body.get("type")
        role = body.get("role")
        if kind not in ("user", "group", "domain", "anyone"):
            return _drive_invalid("Invalid permission type.", "permission.type")
        if role not in _ROLE_RANK:
            return _drive_invalid("Invalid permission role.", "permission.role")
        email = body.get("emailAddress")
        if kind in ("user", "group") and not email:
            return _drive_error(400, "The permission emailAddress field is required.", "required")
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, my_role = seen
            if my_role < _WRITER:
                return _drive_no_write()
            if role == "owner" and (
                not ctx.flag("transferOwnership") or my_role < _ROLE_RANK["owner"]
            ):
                message = (
                    "The transferOwnership parameter must be enabled when the permission role "
                    "is 'owner'."
                )
                return _drive_error(403, message, "forbidden")
            if kind in ("user", "group"):
                perm = self._user_permission(str(email), str(role))
                perm["type"] = kind
                notify = ctx.flag("sendNotificationEmail", default=True)
                self.notifications.append((f.id, str(email), notify))
            elif kind == "domain":
                domain = str(body.get("domain") or "")
                perm = {"id": f"domain-{domain}", "type": "domain", "role": role, "domain": domain}
            else:
                perm = {"id": "anyoneWithLink", "type": "anyone", "role": role}
            stored = self._upsert_permission(f, perm)
            if role == "owner" and email:
                for existing in f.permissions:
                    if existing.get("role") == "owner" and existing is not stored:
                        existing["role"] = "writer"
                stored["role"] = "owner"
                f.owner = str(email)
            self._touch(f)
            return _json_reply(200, self._perm_json(stored))

    def _perm_list(self, ctx: _Ctx, fid: str) -> _Reply:
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, _ = seen
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            chain: list[_File] = []
            pending, visited = [f], set()
            while pending:  # the file first, then its folders (inherited permissions)
                node = pending.pop(0)
                if node.id in visited:
                    continue
                visited.add(node.id)
                chain.append(node)
                pending.extend(self._files[p] for p in node.parents if p in self._files)
            for node in chain:
                for perm in node.permissions:
                    key = (
                        str(perm.get("type")),
                        str(perm.get("emailAddress") or perm.get("domain") or "").lower(),
                    )
                    if node is not f and perm.get("role") == "owner":
                        perm = {**perm, "role": "writer"}  # a folder owner is a writer here
                    current = merged.get(key)
                    if current is None or _ROLE_RANK[perm["role"]] > _ROLE_RANK[current["role"]]:
                        merged[key] = dict(perm)
            perms = [self._perm_json(p) for p in merged.values()]
        return _json_reply(200, {"kind": "drive#permissionList", "permissions": perms})

    def _perm_delete(self, ctx: _Ctx, fid: str, pid: str) -> _Reply:
        with self._lock:
            seen = self._visible(ctx, fid)
            if isinstance(seen, _Reply):
                return seen
            f, role = seen
            if role < _WRITER:
                return _drive_no_write()
            perm = next((p for p in f.permissions if p.get("id") == pid), None)
            if perm is None:
                return _drive_error(404, f"Permission not found: {pid}.", "notFound")
            if perm.get("role") == "owner":
                return _drive_error(
                    403, "The owner of a file cannot be removed.", "cannotRemoveOwner"
                )
            f.permissions.remove(perm)
            self._touch(f)
        return _Reply(204, b"", "text/plain")
