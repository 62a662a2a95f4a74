"""Every cell of a returned workbook with its formula and its cached value, read in one pass.

`read_book` opens .xlsx/.xlsm (and .xltx/.xltm) and .ods files with the standard library only:
`zipfile` for the package and `pyexpat` for the XML, one streaming pass per part. Each sheet part
yields, per cell, whether it holds a formula (and its text), the value the application last
computed, and a stored error such as ``#DIV/0!`` kept apart from values. VBA in an .xlsm is never
loaded or run: the package is read as XML and ``vbaProject.bin`` is ignored.

Why not a library (docs/integrations.md §2, bench/read_raw.py): python-calamine has no formula
layer and turns errors into ""; openpyxl needs two passes (formulas, then values) and one
read-only pass alone takes 2-4× as long as this whole read. On our filled unit workbooks this
reader takes ~2.0× python-calamine's time for files saved by LibreOffice or Excel and ~2.4× for
files saved by openpyxl (no cached values, inline strings). Expat calling back into Python once
per element is most of that; the sheet reader keeps the work per element small.

Only cells that hold something are returned: a value, a formula or an error. Styled blank cells
and the empty runs an .ods repeats by count are positions, not cells. Coordinates are 0-based
``(row, col)``; ``cell_ref``/``parse_ref`` convert to and from "A1" text.

What is kept as stored, not interpreted:
- numbers are floats, booleans are bool. Dates are numbers too, as every spreadsheet formula
  sees them: .xlsx stores serial numbers, and .ods dates and times (ISO text) and the rare
  .xlsx ``t="d"`` cell are turned into the same serial numbers (days since the workbook's null
  date, 1899-12-30 unless the file says otherwise);
- a number's format is not kept, except for the two a plausibility check needs: per sheet,
  `RawSheet.dates` maps each date-formatted numeric cell to the date it shows, and
  `RawSheet.percents` holds the percent-formatted ones (.xlsx: the cell's style → cellXfs
  numFmtId → a built-in date/percent format or a custom format code with date tokens or "%";
  .ods: value-type "date" or "percentage"). Time-only formats (h:mm) are not dates;
- a shared-formula child (``<f t="shared" si="0"/>``) has formula "" (present, no text); test the
  presence of a formula, never its text (LibreOffice rewrites formulas when it saves). The other
  cells of an array formula store no ``<f>`` and read as plain values;
- defined names keep their reference text; .ods named ranges (``$'Sheet 1'.$A$1:.$B$2``) are
  rewritten to the .xlsx form (``'Sheet 1'!$A$1:$B$2``) so `parse_ref` reads both;
- .ods has no "veryHidden" (LibreOffice saves such a sheet as "hidden"), and its hidden rows and
  columns are reported up to the last cell with content (it hides runs to the sheet's end).

Limits, for files that come from outside (a refusal is a `ReadError`, see `READ_ERROR_CODES`):
- the file, and the sum of the uncompressed sizes its zip declares, may not exceed `max_bytes`
  (`DEFAULT_MAX_BYTES`, 200 MiB); this is decided before anything is decompressed;
- a member larger than 10 MiB may not be compressed more than `max_ratio` (200) times;
- the bytes actually decompressed are counted as well and stop at `max_bytes`;
- at most `MAX_CELLS` cells are materialised (an .ods repeats cells by count, so a few bytes can
  ask for millions);
- XML parts with a DTD are refused, so no entity is ever expanded.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.parsers import expat

from sheetnilai.errors import os_reason
from sheetnilai.problems import Problem

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RATIO",
    "MAX_CELLS",
    "READ_ERROR_CODES",
    "RawBook",
    "RawCell",
    "RawSheet",
    "ReadError",
    "cell_ref",
    "parse_ref",
    "read_book",
]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
RATIO_MIN_SIZE = 10 * 1024 * 1024  # small members may compress well (a sheet of blanks does)
MAX_CELLS = 5_000_000  # a unit workbook holds ~500 per pegawai

MAX_ROWS = 1_048_576
MAX_COLS = 16_384

READ_ERROR_CODES: Mapping[str, str] = {
    "berkas-kosong": "the file has 0 bytes",
    "berkas-tidak-terbaca": "the file does not exist or cannot be read",
    "berkas-berkata-sandi": "the file is password-protected (encrypted OOXML or an encrypted zip)",
    "format-xls-lama": "an old binary Excel file (.xls, .xlsb): save it as .xlsx",
    "bukan-spreadsheet": "not a spreadsheet: neither zip nor OLE, or a zip without a workbook",
    "zip-rusak": "a damaged zip, or a part that is not well-formed XML",
    "berkas-terlalu-besar": "over a size limit (declared, compression ratio, decompressed, cells)",
}

_OLD_SUFFIXES = frozenset({".xls", ".xlsb"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .xlsx is an OLE compound file holding this stream (MS-OFFCRYPTO).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Exceptions that a damaged zip or part can raise from the standard library.
_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    IndexError,
    KeyError,
    OverflowError,
    struct.error,
    NotImplementedError,  # a compression method zipfile lacks (deflate64, …)
    RuntimeError,  # zipfile: "password required" for an encrypted member
    UnicodeError,
    LookupError,  # an XML declaration naming an unknown encoding
)


class ReadError(Exception):
    """A file that cannot be read; `code` is a key of `READ_ERROR_CODES`.

    `detail` is the technical cause in English, for developers and tests; `reason` says the
    same in Indonesian for the user's message (never the English text of an exception).
    """

    def __init__(self, code: str, detail: str = "", reason: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.reason = reason

    def to_problem(self, name: str) -> Problem:
        """The galat of file `name`, with the Indonesian reason."""
        shown = self.reason or self.code
        return Problem.make(
            self.code, params={"alasan": shown, "detail": shown, "path": name}, file=name
        )

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str, str]]:
        # Crosses process boundaries intact (a consolidation may read files in a pool).
        return ReadError, (self.code, self.detail, self.reason)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MiB".replace(",", ".")


@dataclass(frozen=True, slots=True)
class RawCell:
    value: object  # None (empty), str, float or bool; an error is not a value
    formula: str | None  # None: no formula; "": present without text; else the text, no "="
    error: str | None = None  # "#DIV/0!", "#N/A", "Err:502", … when the stored result is an error


@dataclass(slots=True)
class RawSheet:
    name: str
    state: str  # "visible" | "hidden" | "veryHidden"
    cells: dict[tuple[int, int], RawCell] = field(default_factory=dict)  # (row, col), 0-based
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    # Numeric cells with a date format -> the date they show; with a percent format.
    dates: dict[tuple[int, int], dt.date] = field(default_factory=dict)
    percents: set[tuple[int, int]] = field(default_factory=set)


@dataclass(slots=True)
class RawBook:
    path: Path
    kind: str  # "xlsx" | "xlsm" | "ods"
    sheets: dict[str, RawSheet]  # in workbook order
    names: dict[str, str]  # workbook-scope defined names -> reference text
    local_names: dict[str, dict[str, str]]  # sheet name -> {name -> reference text}


# --- references ---------------------------------------------------------------------------

_CELL_PART = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_ROW_PART = re.compile(r"\$?([0-9]{1,7})")
_COL_PART = re.compile(r"\$?([A-Za-z]{1,3})")
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")  # Excel and LibreOffice refuse these


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        n = n * 26 + ord(ch) - 64
    if not 1 <= n <= MAX_COLS or len(letters) > 3:
        raise ValueError(f"column out of range: {letters!r}")
    return n - 1


def _col_name(col: int) -> str:
    name = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


@functools.lru_cache(maxsize=1 << 17)
def cell_ref(row: int, col: int) -> str:
    """(20, 0) -> "A21"."""
    if not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLS):
        raise ValueError(f"cell out of range: {(row, col)}")
    return f"{_col_name(col)}{row + 1}"


def _row_index(digits: str) -> int:
    row = int(digits) - 1
    if not 0 <= row < MAX_ROWS:
        raise ValueError(f"row out of range: {digits!r}")
    return row


def parse_ref(ref: str) -> tuple[str | None, int, int, int, int]:
    """A reference -> (sheet or None, first row, first col, last row, last col), 0-based.

    "'O''Neil'!$A$21:$AE$66" -> ("O'Neil", 20, 0, 65, 30); "A1" -> (None, 0, 0, 0, 0). Whole
    rows ("$19:$20") and columns ("$A:$B") span the sheet. Anything else raises ValueError.
    """
    text = ref.strip()
    if text.startswith("="):
        text = text[1:].lstrip()
    sheet: str | None = None
    if text.startswith("'"):
        chunks: list[str] = []
        i = 1
        while True:
            j = text.find("'", i)
            if j < 0:
                raise ValueError(f"unclosed quote: {ref!r}")
            chunks.append(text[i:j])
            if text.startswith("''", j):
                chunks.append("'")
                i = j + 2
                continue
            i = j + 1
            break
        sheet = "".join(chunks)
        if not sheet or not text.startswith("!", i):
            raise ValueError(f"not a reference: {ref!r}")
        rest = text[i + 1 :]
    elif "!" in text:
        sheet, _, rest = text.partition("!")
        if not sheet or "'" in sheet:
            raise ValueError(f"not a reference: {ref!r}")
    else:
        rest = text
    if sheet is not None and _NOT_IN_SHEET_NAME.search(sheet):
        raise ValueError(f"not a sheet name (another workbook?): {ref!r}")
    parts = rest.split(":")
    if len(parts) == 1:
        m = _CELL_PART.fullmatch(parts[0])
        if m is None:
            raise ValueError(f"not a reference: {ref!r}")
        r, c = _row_index(m[2]), _col_index(m[1])
        return sheet, r, c, r, c
    if len(parts) != 2:
        raise ValueError(f"not a reference: {ref!r}")
    a, b = parts
    ma, mb = _CELL_PART.fullmatch(a), _CELL_PART.fullmatch(b)
    if ma and mb:
        r1, c1, r2, c2 = _row_index(ma[2]), _col_index(ma[1]), _row_index(mb[2]), _col_index(mb[1])
    elif (ra := _ROW_PART.fullmatch(a)) and (rb := _ROW_PART.fullmatch(b)):
        r1, c1, r2, c2 = _row_index(ra[1]), 0, _row_index(rb[1]), MAX_COLS - 1
    elif (ca := _COL_PART.fullmatch(a)) and (cb := _COL_PART.fullmatch(b)):
        r1, c1, r2, c2 = 0, _col_index(ca[1]), MAX_ROWS - 1, _col_index(cb[1])
    else:
        raise ValueError(f"not a reference: {ref!r}")
    return sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# --- the file and the zip ------------------------------------------------------------------


class _Budget:
    """What may still be decompressed and materialised while reading one file."""

    __slots__ = ("bytes_left", "cells_left")

    def __init__(self, max_bytes: int) -> None:
        self.bytes_left = max_bytes
        self.cells_left = MAX_CELLS

    def take_cells(self, n: int) -> None:
        self.cells_left -= n
        if self.cells_left < 0:
            raise ReadError(
                "berkas-terlalu-besar",
                f"more than {MAX_CELLS} cells",
                f"lebih dari {MAX_CELLS:,} sel".replace(",", "."),
            )


def read_book(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_ratio: int = DEFAULT_MAX_RATIO,
    only: frozenset[str] | None = None,
) -> RawBook:
    """Read every sheet, cell and defined name of a workbook; raises only `ReadError`.

    With `only`, the cells of other sheets of an .xlsx are not read (they are listed, with
    no cells): a quick look at a few sheets. An .ods keeps all its sheets in one part and is
    always read whole.
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise ReadError("berkas-tidak-terbaca", "not a file", "bukan berkas biasa")
        size = path.stat().st_size
    except OSError as e:
        raise ReadError("berkas-tidak-terbaca", str(e), os_reason(e)) from None
    suffix = path.suffix.lower()
    if suffix in _OLD_SUFFIXES:
        raise ReadError("format-xls-lama", f"{suffix} file")
    if size == 0:
        raise ReadError("berkas-kosong")
    if size > max_bytes:
        raise ReadError(
            "berkas-terlalu-besar",
            f"{size} bytes on disk",
            f"{_mib(size)} di disk; batasnya {_mib(max_bytes)}",
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError("berkas-tidak-terbaca", str(e), os_reason(e)) from None
    if not data:
        raise ReadError("berkas-kosong")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise ReadError("berkas-berkata-sandi", "encrypted OOXML package")
        raise ReadError("format-xls-lama", "OLE compound file")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE as e:
        # A zip cut short still starts with a local header; anything else is another format.
        code = "zip-rusak" if data.startswith(b"PK") else "bukan-spreadsheet"
        raise ReadError(code, f"{type(e).__name__}: {e}", _ZIP_REASON) from None
    budget = _Budget(max_bytes)
    try:
        with zf:
            return _read_package(path, suffix, zf, budget, max_ratio, only)
    except ReadError:
        raise
    except _DAMAGE as e:
        raise ReadError("zip-rusak", f"{type(e).__name__}: {e}", _ZIP_REASON) from None


_ZIP_REASON = "isi berkas terpotong atau rusak"


class _Package:
    """Members by normalised name (Excel treats part names case-insensitively)."""

    def __init__(self, zf: zipfile.ZipFile, budget: _Budget, max_ratio: int) -> None:
        self.zf = zf
        self.budget = budget
        self.members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in zf.infolist():
            declared += info.file_size
            if info.file_size > RATIO_MIN_SIZE and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise ReadError(
                    "berkas-terlalu-besar",
                    f"{info.filename}: {info.file_size} bytes from {info.compress_size}",
                    f"bagian {info.filename} memuai lebih dari {max_ratio} kali saat dibuka, "
                    "ciri berkas yang sengaja dibuat berbahaya",
                )
            self.members[info.filename.replace("\\", "/").lstrip("/").lower()] = info
        if declared > budget.bytes_left:
            raise ReadError(
                "berkas-terlalu-besar",
                f"{declared} bytes declared",
                f"isinya {_mib(declared)} setelah dibuka; batasnya {_mib(budget.bytes_left)}",
            )

    def has(self, name: str) -> bool:
        return name.lower() in self.members

    def read(self, name: str) -> bytes:
        info = self.members[name.lower()]
        if info.flag_bits & 0x1:
            raise ReadError("berkas-berkata-sandi", f"{info.filename}: encrypted zip member")
        left = self.budget.bytes_left
        with self.zf.open(info) as fh:
            data = fh.read(left + 1)
        if len(data) > left:
            raise ReadError(
                "berkas-terlalu-besar",
                f"{info.filename}: over the byte limit",
                "isinya setelah dibuka melebihi batas ukuran",
            )
        self.budget.bytes_left = left - len(data)
        return data


def _read_package(
    path: Path,
    suffix: str,
    zf: zipfile.ZipFile,
    budget: _Budget,
    max_ratio: int,
    only: frozenset[str] | None = None,
) -> RawBook:
    pkg = _Package(zf, budget, max_ratio)
    workbook = _office_document(pkg)
    if workbook is not None:
        macro = suffix in (".xlsm", ".xltm") or pkg.has("xl/vbaProject.bin")
        return _read_xlsx(path, "xlsm" if macro else "xlsx", pkg, workbook, only)
    if pkg.has("content.xml"):
        if pkg.has("mimetype") and b"opendocument.spreadsheet" not in pkg.read("mimetype"):
            raise ReadError("bukan-spreadsheet", "an OpenDocument file that is not a spreadsheet")
        return _read_ods(path, pkg)
    raise ReadError("bukan-spreadsheet", "no workbook part")


# --- XML plumbing ----------------------------------------------------------------------------


class _DtdRefused(Exception):
    pass


def _refuse_dtd(*_args: object) -> None:
    raise _DtdRefused


def _parser(namespaces: bool = True) -> expat.XMLParserType:
    p = expat.ParserCreate(namespace_separator="}") if namespaces else expat.ParserCreate()
    # One text callback per run of text (a formula arrives whole, not cut at each entity).
    p.buffer_text = True
    p.buffer_size = 1 << 16
    p.StartDoctypeDeclHandler = _refuse_dtd
    return p


def _parse(p: expat.XMLParserType, data: bytes, part: str) -> None:
    try:
        p.Parse(data, True)
    except expat.ExpatError as e:
        raise ReadError(
            "zip-rusak", f"{part}: not well-formed XML ({e})", f"bagian {part} tidak utuh"
        ) from None
    except _DtdRefused:
        raise ReadError(
            "zip-rusak",
            f"{part}: a DTD is not allowed",
            f"bagian {part} memuat deklarasi tipe dokumen XML, yang ditolak demi keamanan",
        ) from None
    except (ValueError, IndexError, KeyError, OverflowError, LookupError) as e:
        # LookupError: an XML declaration naming an encoding Python does not know.
        raise ReadError(
            "zip-rusak", f"{part}: {type(e).__name__}: {e}", f"bagian {part} tidak dapat dibaca"
        ) from None


def _names(namespaces: tuple[str, ...], **locals_: int) -> dict[str, int]:
    return {f"{ns}}}{local}": code for ns in namespaces for local, code in locals_.items()}


def _is_true(value: str | None) -> bool:
    return value == "1" or value == "true"


_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_x(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (and a literal "_x" as _x005F_x)."""
    return _X_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


# --- number formats: dates and percentages ---------------------------------------------

DATE, PERCENT = "date", "percent"
# ECMA-376 §18.8.30: 14–17 and 22 are dates; 27–36 and 50–58 are East Asian locale formats,
# all dates except 32 and 33 (times). 18–21 and 45–47 are times. 9 and 10 are 0% and 0.00%.
_BUILTIN_KINDS = {
    **dict.fromkeys((14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, *range(50, 59)), DATE),
    9: PERCENT,
    10: PERCENT,
}
# What a format code shows literally: "text", \x, _x (a space as wide as x), *x (fill), and
# [..] (colour, condition, locale, elapsed [h]); then AM/PM markers, whose "m" is no month.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|am/pm|a/p', re.I)
_FORMAT_TOKENS = re.compile(r"([dmyhs])\1*")
_FORMAT_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.I)  # [h]:mm — elapsed time, no date
_NULL_DATE = dt.date(1899, 12, 30)  # day 0 of LibreOffice and of Excel's 1900 system
_DATE_1904 = dt.date(1904, 1, 1)


def format_kind(code: str) -> str | None:
    """DATE, PERCENT or None for an Excel number format code.

    "dd/mm/yyyy" and "d mmm" are dates; "h:mm", "[h]:mm" and "mm:ss" are times, not dates
    (an "m" right after an "h" or right before an "s" means minutes); "0%" is a percent.
    """
    text = _FORMAT_LITERALS.sub("", _FORMAT_ELAPSED.sub("h", code)).lower()
    tokens = [m[1] for m in _FORMAT_TOKENS.finditer(text)]
    for i, token in enumerate(tokens):
        if token in "dy":
            return DATE
        if token == "m":
            minutes = (i > 0 and tokens[i - 1] == "h") or (
                i + 1 < len(tokens) and tokens[i + 1] == "s"
            )
            if not minutes:
                return DATE
    return PERCENT if "%" in text else None


def serial_date(serial: float, date1904: bool = False) -> dt.date | None:
    """The date a spreadsheet shows for a serial number, or None when it shows none."""
    if not math.isfinite(serial) or serial < 0:
        return None
    days = int(serial)
    if date1904:
        base = _DATE_1904
    elif days >= 61:
        base = _NULL_DATE
    elif days == 60:
        return dt.date(1900, 2, 28)  # Excel's fictitious 29/02/1900 (the Lotus leap-year bug)
    else:
        base = _NULL_DATE + dt.timedelta(days=1)  # serial 1 is 01/01/1900
    try:
        return base + dt.timedelta(days=days)
    except OverflowError:
        return None


def _iso_serial(text: str, null_date: dt.date) -> tuple[float, dt.date] | None:
    """An ISO date(-time) -> (serial number counted from `null_date`, the date); None if not."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    day = moment.date()
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return (day - null_date).days + seconds / 86400, day


_DURATION = re.compile(r"(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?")


def _duration_days(text: str) -> float | None:
    """An ODF time ("PT10H30M00S") as the fraction of a day a spreadsheet computes with."""
    m = _DURATION.fullmatch(text)
    if m is None or text in ("P", "-P", "PT", "-PT"):
        return None
    d, h, mi, sec = (float(x) if x else 0.0 for x in m.groups()[1:])
    days = d + (h * 3600 + mi * 60 + sec) / 86400
    return -days if m[1] else days


# --- .xlsx ---------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_SML = (_MAIN, _STRICT)
_R_ID = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_STATES = {"visible": "visible", "hidden": "hidden", "veryHidden": "veryHidden"}


def _rels(pkg: _Package, source: str) -> dict[str, tuple[str, str]]:
    """Relationships of a part: id -> (type's last segment, member name)."""
    folder, base = posixpath.split(source)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if not pkg.has(rels_part):
        return {}
    out: dict[str, tuple[str, str]] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition("}")[2] != "Relationship" or attrs.get("TargetMode") == "External":
            return
        target = unquote(attrs.get("Target", ""))
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = posixpath.normpath(posixpath.join(folder, target))
        kind = attrs.get("Type", "").rstrip("/").rpartition("/")[2]
        out[attrs.get("Id", "")] = (kind, member)

    p = _parser()
    p.StartElementHandler = start
    _parse(p, pkg.read(rels_part), rels_part)
    return out


def _office_document(pkg: _Package) -> str | None:
    """The workbook part: where the package relationships say, else the usual name."""
    for kind, member in _rels(pkg, "").values():
        if kind == "officeDocument" and pkg.has(member):
            return member
    return "xl/workbook.xml" if pkg.has("xl/workbook.xml") else None


def _read_xlsx(
    path: Path, kind: str, pkg: _Package, part: str, only: frozenset[str] | None = None
) -> RawBook:
    sheets, defined, date1904 = _read_workbook_part(pkg.read(part), part)
    rels = _rels(pkg, part)
    styles_part = next((m for k, m in rels.values() if k == "styles"), "xl/styles.xml")
    # Formats only feed warnings: a styles part that makes no sense yields none, no refusal.
    styles = _read_styles(pkg.read(styles_part)) if pkg.has(styles_part) else {}
    strings_part = next((m for k, m in rels.values() if k == "sharedStrings"), None)
    if strings_part is None and pkg.has("xl/sharedStrings.xml"):
        strings_part = "xl/sharedStrings.xml"
    strings = (
        _read_shared_strings(pkg.read(strings_part), strings_part)
        if strings_part and pkg.has(strings_part)
        else []
    )
    book = RawBook(path=path, kind=kind, sheets={}, names={}, local_names={})
    order: list[str] = []
    for name, state, rid in sheets:
        rel = rels.get(rid)
        if rel is None or not pkg.has(rel[1]):
            raise ReadError(
                "zip-rusak",
                f"sheet {name!r}: its part is missing",
                f'isi lembar "{name}" tidak ada di dalam berkas',
            )
        member = rel[1]
        sheet = RawSheet(name=name, state=_STATES.get(state, "visible"))
        if only is None or name in only:
            _read_sheet_part(pkg.read(member), member, strings, sheet, styles, date1904)
        pkg.budget.take_cells(len(sheet.cells))
        book.sheets[name] = sheet
        order.append(name)
    for name, local_id, ref in defined:
        if local_id is None:
            book.names[name] = ref
            continue
        try:
            owner = order[int(local_id)]
        except (ValueError, IndexError):
            continue  # a name scoped to a sheet that is not there: nobody can use it
        book.local_names.setdefault(owner, {})[name] = ref
    return book


_WB_ROOT, _WB_SHEET, _WB_NAME, _WB_PR = 1, 2, 3, 4
_WB_TAGS = _names(_SML, workbook=_WB_ROOT, sheet=_WB_SHEET, definedName=_WB_NAME, workbookPr=_WB_PR)


class _NotWorkbook(Exception):
    pass


def _read_workbook_part(
    data: bytes, part: str
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str | None, str]], bool]:
    """(name, state, relationship id) per sheet, defined names, and the 1904 date system."""
    sheets: list[tuple[str, str, str]] = []
    defined: list[tuple[str, str | None, str]] = []
    buf: list[str] = []
    seen_root = False
    name_attrs: dict[str, str] | None = None
    date1904 = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal seen_root, name_attrs, date1904
        code = _WB_TAGS.get(name)
        if not seen_root:
            if code != _WB_ROOT:
                raise _NotWorkbook
            seen_root = True
        elif code == _WB_SHEET:
            rid = next((attrs[k] for k in _R_ID if k in attrs), "")
            sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))
        elif code == _WB_NAME:
            name_attrs = attrs
            del buf[:]
        elif code == _WB_PR:
            date1904 = _is_true(attrs.get("date1904"))

    def end(name: str) -> None:
        nonlocal name_attrs
        if name_attrs is not None and _WB_TAGS.get(name) == _WB_NAME:
            defined.append(
                (name_attrs.get("name", ""), name_attrs.get("localSheetId"), "".join(buf))
            )
            name_attrs = None

    p = _parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = buf.append
    try:
        _parse(p, data, part)
    except _NotWorkbook:
        raise ReadError("bukan-spreadsheet", f"{part} is not a workbook") from None
    return sheets, defined, date1904


# styles.xml is read without expat: only the numFmt tags and the cellXfs/xf tags matter, and a
# callback per element (fonts, fills, borders, …) cost ~2% of reading a unit workbook. The two
# sections are found with bytes.find (their names occur only in their own tags) and their
# tags matched with small regular expressions. No entity is expanded (a DTD is just text).
_ST_NUMFMT = re.compile(rb"<(?:[\w.-]+:)?numFmt\b([^>]*)>")
_ST_XF = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*)>")
_ST_ID = re.compile(rb"""\bnumFmtId\s*=\s*["']\s*(\d+)""")
_ST_CODE = re.compile(rb"""\bformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _section(data: bytes, name: bytes) -> bytes:
    """What lies between the opening and the closing tag of the first `name` element."""
    start = data.find(name)
    if start < 0:
        return b""
    end = data.find(name, start + len(name))
    return data[start:end] if end > 0 else b""


def _read_styles(data: bytes) -> dict[str, str]:
    """Cell style index (a cell's "s", as text) -> DATE or PERCENT, for those styles only."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", "replace").encode()
    custom: dict[int, str | None] = {}  # numFmtId -> kind of its format code
    for tag in _ST_NUMFMT.finditer(_section(data, b"numFmts")):
        found_id, found_code = _ST_ID.search(tag[1]), _ST_CODE.search(tag[1])
        if found_id is not None and found_code is not None:
            raw = found_code[1] if found_code[1] is not None else found_code[2]
            text = raw.decode("utf-8", "replace")
            custom[int(found_id[1])] = format_kind(html.unescape(text) if "&" in text else text)
    xf_formats: list[int] = []  # cellStyleXfs hold xf elements too: they are not cell styles
    for tag in _ST_XF.finditer(_section(data, b"cellXfs")):
        found_id = _ST_ID.search(tag[1])
        xf_formats.append(int(found_id[1]) if found_id is not None else 0)
    out: dict[str, str] = {}
    for index, fmt_id in enumerate(xf_formats):
        kind = custom[fmt_id] if fmt_id in custom else _BUILTIN_KINDS.get(fmt_id)
        if kind is not None:
            out[str(index)] = kind
    return out


_SS_SI, _SS_T, _SS_RPH = 1, 2, 3
_SS_TAGS = _names(_SML, si=_SS_SI, t=_SS_T, rPh=_SS_RPH)


def _read_shared_strings(data: bytes, part: str) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    buf: list[str] = []
    phonetic = 0
    tags = _SS_TAGS

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal phonetic
        code = tags.get(name)
        if code == _SS_T:
            del buf[:]
        elif code == _SS_SI:
            del parts[:]
        elif code == _SS_RPH:
            phonetic += 1

    def end(name: str) -> None:
        nonlocal phonetic
        code = tags.get(name)
        if code == _SS_T:
            if not phonetic:  # a phonetic guide (rPh) is not part of the text
                parts.append("".join(buf))
        elif code == _SS_SI:
            strings.append(_unescape_x("".join(parts)))
        elif code == _SS_RPH:
            phonetic -= 1

    p = _parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = buf.append
    _parse(p, data, part)
    return strings


_C, _V, _F, _ROW, _IS, _T, _RPH, _COL, _RUN, _DATA, _AFTER = range(1, 12)
# What may sit around the text runs of an inline string (CT_Rst, CT_RElt, CT_RPrElt).
_RUN_PARTS = (
    "r", "rPr", "rFont", "charset", "family", "b", "i", "strike", "outline", "shadow",
    "condense", "extend", "color", "sz", "u", "vertAlign", "scheme", "phoneticPr",
)  # fmt: skip
# What the schema puts after <sheetData>: once one starts, no cell can follow.
_AFTER_DATA = (
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts",
)  # fmt: skip
_SHEET_LOCALS: dict[str, int] = {
    **dict.fromkeys(_AFTER_DATA, _AFTER),
    **dict.fromkeys(_RUN_PARTS, _RUN),
    "c": _C,
    "v": _V,
    "f": _F,
    "row": _ROW,
    "t": _T,
    "rPh": _RPH,
    "col": _COL,
    "sheetData": _DATA,
    "is": _IS,
}
_SHEET_TAGS = _names(_SML, **_SHEET_LOCALS)  # names as expat reports them with namespaces
_PREFIXED_TAGS: dict[str, dict[str, int]] = {}  # "" or "x:" -> names as written
_DIGITS = "0123456789"
_BODY = re.compile(rb"<[A-Za-z_]")
_LOOSE = re.compile(rb">[ \t\r\n]+<")
_TIGHTEN = re.compile(rb"(<!--.*?-->|<!\[CDATA\[.*?\]\]>)|(</[^<>]*>|/>)[ \t\r\n]+(?=<)", re.S)
_DECLARATION = re.compile(r"^\ufeff?<\?xml[^>]*\?>")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?[A-Za-z_][\w.-]*((?:\s[^<>]*?)?)/?>")
_XMLNS = re.compile(rb"""\sxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SML_BYTES = tuple(ns.encode() for ns in _SML)


_REFS: dict[str, tuple[int, int]] = {}  # "AE22" -> (21, 30): the same few thousand recur
_REFS_MAX = 200_000


def _ref_key(ref: str) -> tuple[int, int]:
    letters = ref.rstrip(_DIGITS)
    key = (_row_index(ref[len(letters) :]), _col_index(letters))
    if len(_REFS) >= _REFS_MAX:
        _REFS.clear()
    _REFS[ref] = key
    return key


# RawCell is frozen: its generated __init__ goes through object.__setattr__ for each field.
# Setting the slots through their descriptors builds the same object in half the time, which
# is a tenth of the sheet reader's own work.
_RAW_CELL_FACTORY = (
    object.__new__,
    RawCell.__dict__["value"].__set__,
    RawCell.__dict__["formula"].__set__,
    RawCell.__dict__["error"].__set__,
)


def _sheet_parser(data: bytes) -> tuple[bytes, expat.XMLParserType, dict[str, int]]:
    """The sheet XML to parse, its parser, and the element names that parser will report.

    Two things make the single pass cheaper, both only where they cannot change the result:

    - The reader takes each text from the position where its element starts up to where the
      next element starts, so it needs no end-of-element callback (a third of the parse
      time). That holds when nothing but leaf text sits between tags, as Excel, LibreOffice,
      Google Sheets, openpyxl and XlsxWriter write it. Indented XML first loses the
      whitespace after its closing tags: in SpreadsheetML that whitespace never belongs to a
      value (a <v> or <t> holds no elements); comments and CDATA sections are kept as they are.
    - Namespace processing costs a tenth of the parse. It is left off when the root element
      binds the spreadsheet namespace to one prefix (or to none) and nothing up to the end of
      <sheetData> declares another; names are then matched as written ("c" or "x:c").
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = _DECLARATION.sub("", data.decode("utf-16")).encode()
    body = _BODY.search(data)
    if body is None:
        return data, _parser(), _SHEET_TAGS
    if _LOOSE.search(data, body.start()) is not None:
        data = _TIGHTEN.sub(lambda m: m[1] or m[2], data)
        body = _BODY.search(data)
        assert body is not None
    prefix = _sml_prefix(data, body.start())
    if prefix is None:
        return data, _parser(), _SHEET_TAGS
    tags = _PREFIXED_TAGS.get(prefix)
    if tags is None:
        tags = _PREFIXED_TAGS[prefix] = {prefix + k: v for k, v in _SHEET_LOCALS.items()}
    return data, _parser(namespaces=False), tags


def _sml_prefix(data: bytes, start: int) -> str | None:
    """ "" or "x:" when the root alone binds the spreadsheet namespace; else None."""
    if data.find(b"<!", 0, start) >= 0:
        return None  # a comment or DTD before the root: let expat sort it out
    root = _ROOT.match(data, start)
    if root is None:
        return None
    bound = [m[1] or b"" for m in _XMLNS.finditer(root[2]) if (m[2] or m[3] or b"") in _SML_BYTES]
    prefix = root[1] or b""
    if bound != [prefix]:
        return None  # not bound, bound twice, or the root is in another namespace
    end = data.rfind(b"sheetData>")
    if data.find(b"xmlns", root.end(), end if end > root.end() else len(data)) >= 0:
        return None
    return prefix.decode() + ":" if prefix else ""


def _read_sheet_part(
    data: bytes,
    part: str,
    strings: list[str],
    sheet: RawSheet,
    styles: Mapping[str, str] | None = None,
    date1904: bool = False,
) -> None:
    """Fill `sheet` from one worksheet part in a single expat pass.

    This is the hot loop of the consolidation, so it is written for speed:
    - only start-of-element and text callbacks are set (see `_sheet_parser`); a cell is
      stored when the next cell, row or other element starts, or at the end;
    - text arrives as one chunk per element (buffer_text), so a value is usually one list item
      and `buf` only holds the current row;
    - "r" is parsed only for cells that hold something (a third of them are styled blanks);
    - a number's style is looked up only when some style (`styles`: index -> DATE/PERCENT,
      from `_read_styles`) is a date or percent format;
    - after the last cell the callbacks are removed and expat checks the rest on its own.
    """
    data, p, tags = _sheet_parser(data)
    cells = sheet.cells
    kinds = styles or {}
    dates, percents = sheet.dates, sheet.percents
    hidden_rows = sheet.hidden_rows
    hidden_cols = sheet.hidden_cols
    refs = _REFS
    new, set_value, set_formula, set_error = _RAW_CELL_FACTORY
    C, V, F, ROW, IS, T, RPH, COL, RUN, DATA = _C, _V, _F, _ROW, _IS, _T, _RPH, _COL, _RUN, _DATA
    buf: list[str] = []
    in_data = False
    pending = False  # a <c> has started and is not yet stored
    ref: str | None = None  # its "r", or None when absent
    ctype: str | None = None  # its "t"
    style: str | None = None  # its "s"
    f_at = v_at = is_at = -1  # where its <f>, <v> and <is> texts start in buf
    runs: list[int] | None = None  # inline string: start of each <t>; ~start for phonetic ones
    phonetic = False
    row = -1
    col = -1  # of the previous cell, or -1 at the start of a row
    col_ref: str | None = None  # the previous cell's "r" when `col` is not parsed from it yet

    def finish() -> None:
        nonlocal pending, row, col, col_ref
        pending = False
        if f_at < 0 and v_at < 0 and runs is None:
            return  # a styled blank
        if ref is not None:
            key = refs.get(ref)
            if key is None:
                key = _ref_key(ref)
            row, col = key
            col_ref = None
        else:
            key = (row, col)
        stop = len(buf)
        inline: str | None = None
        if runs is not None and len(runs) == 1 and runs[0] >= 0:
            inline = buf[runs[0]] if stop - runs[0] == 1 else "".join(buf[runs[0] : stop])
            stop = is_at
        elif runs is not None:
            pieces: list[str] = []
            for mark in reversed(runs):
                if mark >= 0:
                    pieces.append("".join(buf[mark:stop]))
                    stop = mark
                else:
                    stop = ~mark
            pieces.reverse()
            inline = "".join(pieces)
            stop = is_at
        value: str | None = None
        if v_at >= 0:
            value = buf[v_at] if stop - v_at == 1 else "".join(buf[v_at:stop])
            stop = v_at
        formula: str | None = None
        if f_at >= 0:
            formula = buf[f_at] if stop - f_at == 1 else "".join(buf[f_at:stop])
        t = ctype
        error: str | None = None
        v: object
        if t == "n" or t is None:
            if value:
                v = number = float(value)
                if number - number != 0:
                    # "1e400", "NaN", "INF": no spreadsheet stores these; Excel's own word for
                    # a number beyond its range is #NUM!.
                    v, error = None, "#NUM!"
                elif style is not None and kinds:
                    kind = kinds.get(style)
                    if kind == DATE:
                        shown = serial_date(number, date1904)
                        if shown is not None:
                            dates[key] = shown
                    elif kind == PERCENT:
                        percents.add(key)
            else:
                v = None
        elif t == "s":
            v = strings[int(value)] if value else None
        elif t == "str":
            v = _unescape_x(value) if value else value
        elif t == "b":
            v = _is_true(value) if value else None
        elif t == "e":
            v = None
            error = value or "#N/A"
        elif t == "inlineStr":
            v = _unescape_x(inline) if inline is not None else value
        elif t == "d" and value:  # an ISO 8601 date: the serial number formulas compute with
            found = _iso_serial(value, _DATE_1904 if date1904 else _NULL_DATE)
            if found is None:
                v = value
            else:
                v, dates[key] = found
        else:  # anything newer: keep the text
            v = value
        made = new(RawCell)
        set_value(made, v)
        set_formula(made, formula)
        set_error(made, error)
        cells[key] = made

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal pending, ref, ctype, style, f_at, v_at, is_at, runs, phonetic, row, col, col_ref
        nonlocal in_data
        code = tags.get(name)
        if code == C:
            if pending:
                finish()
            ref = attrs.get("r")
            if ref is None:
                # Excel may leave out "r": the cell follows the previous one.
                if col_ref is not None:
                    col = _ref_key(col_ref)[1]
                    col_ref = None
                col += 1
            else:
                col_ref = ref
            ctype = attrs.get("t")
            style = attrs.get("s") if kinds else None
            f_at = v_at = -1
            runs = None
            pending = True
        elif code == V:
            v_at = len(buf)
        elif code == F:
            f_at = len(buf)
        elif code == ROW:
            if pending:
                finish()
            del buf[:]
            r = attrs.get("r")
            row = _row_index(r) if r else row + 1
            col = -1
            col_ref = None
            if _is_true(attrs.get("hidden")):
                hidden_rows.add(row)
        elif code == T:
            if runs is not None:
                runs.append(~len(buf) if phonetic else len(buf))
        elif code == IS:
            is_at = len(buf)
            runs = []
            phonetic = False
        elif code == RPH:
            phonetic = True  # phonetic guides come after the runs and are not text
        elif code == RUN:
            pass
        elif code == COL:
            if _is_true(attrs.get("hidden")):
                first = max(int(attrs.get("min", "1")), 1)
                last = min(int(attrs.get("max", str(first))), MAX_COLS)
                hidden_cols.update(range(first - 1, last))
        elif code == DATA:
            in_data = True
        else:
            if pending:
                finish()  # anything else ends the cell
            if code is not None and in_data:
                # Past </sheetData>: expat still checks the rest, without calling back.
                p.StartElementHandler = None
                p.CharacterDataHandler = None

    p.StartElementHandler = start
    p.CharacterDataHandler = buf.append
    _parse(p, data, part)
    if pending:
        finish()


# --- .ods ----------------------------------------------------------------------------------

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

(
    _O_TABLE,
    _O_ROW,
    _O_CELL,
    _O_COLUMN,
    _O_P,
    _O_S,
    _O_TAB,
    _O_BREAK,
    _O_ANNOTATION,
    _O_RANGE,
    _O_EXPRESSION,
    _O_STYLE,
    _O_TABLE_PROPS,
    _O_NULL_DATE,
) = range(1, 15)
_ODS_TAGS = {
    f"{_TABLE}}}table": _O_TABLE,
    f"{_TABLE}}}table-row": _O_ROW,
    f"{_TABLE}}}table-cell": _O_CELL,
    f"{_TABLE}}}covered-table-cell": _O_CELL,
    f"{_TABLE}}}table-column": _O_COLUMN,
    f"{_TEXT}}}p": _O_P,
    f"{_TEXT}}}h": _O_P,
    f"{_TEXT}}}s": _O_S,
    f"{_TEXT}}}tab": _O_TAB,
    f"{_TEXT}}}line-break": _O_BREAK,
    f"{_OFFICE}}}annotation": _O_ANNOTATION,
    f"{_TABLE}}}named-range": _O_RANGE,
    f"{_TABLE}}}named-expression": _O_EXPRESSION,
    f"{_STYLE}}}style": _O_STYLE,
    f"{_STYLE}}}table-properties": _O_TABLE_PROPS,
    f"{_TABLE}}}null-date": _O_NULL_DATE,
}
_A_NAME = f"{_TABLE}}}name"
_A_STYLE_NAME = f"{_TABLE}}}style-name"
_A_ROWS_REP = f"{_TABLE}}}number-rows-repeated"
_A_COLS_REP = f"{_TABLE}}}number-columns-repeated"
_A_VISIBILITY = f"{_TABLE}}}visibility"
_A_FORMULA = f"{_TABLE}}}formula"
_A_RANGE = f"{_TABLE}}}cell-range-address"
_A_EXPRESSION = f"{_TABLE}}}expression"
_A_DISPLAY = f"{_TABLE}}}display"
_A_VALUE_TYPE = f"{_OFFICE}}}value-type"
_A_VALUE = f"{_OFFICE}}}value"
_A_STRING = f"{_OFFICE}}}string-value"
_A_BOOLEAN = f"{_OFFICE}}}boolean-value"
_A_DATE = f"{_OFFICE}}}date-value"
_A_DATE_VALUE = f"{_TABLE}}}date-value"
_A_TIME = f"{_OFFICE}}}time-value"
_A_CALC_TYPE = f"{_CALCEXT}}}value-type"
_A_SPACES = f"{_TEXT}}}c"
_A_S_NAME = f"{_STYLE}}}name"
_A_S_FAMILY = f"{_STYLE}}}family"
_NUMERIC = frozenset({"float", "percentage", "currency"})
_MAX_SPACES = 32_767  # a cell holds at most 32,767 characters
# Error results that producers other than LibreOffice store as plain strings with a formula.
_ERROR_TEXT = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA)|Err:\d{3}")
_FORMULA_NS = re.compile(r"[A-Za-z][\w.-]*:(?==)")


def _count(value: str | None) -> int:
    n = int(value) if value else 1
    if n < 1:
        raise ValueError(f"repeat count {n}")
    return n


def _ods_formula(text: str) -> str:
    """ "of:=SUM([.A1:.A3])" -> "SUM([.A1:.A3])"."""
    m = _FORMULA_NS.match(text)
    if m is not None:
        text = text[m.end() :]
    return text[1:] if text.startswith("=") else text


def _ods_range(address: str) -> str:
    """ "$'Sheet 1'.$A$1:.$B$2" -> "'Sheet 1'!$A$1:$B$2"; text it cannot convert is kept."""
    parts: list[str] = []
    quoted = False
    start = 0
    for i, ch in enumerate(address):
        if ch == "'":
            quoted = not quoted  # a doubled '' toggles twice: still right
        elif ch == ":" and not quoted:
            parts.append(address[start:i])
            start = i + 1
    parts.append(address[start:])
    sheet: str | None = None
    cells: list[str] = []
    for part in parts:
        text = part
        if text.startswith("$") and (text.startswith("'", 1) or "." in text):
            text = text[1:]  # "$Sheet1.A1": the $ belongs to the sheet name
        name: str | None = None
        if text.startswith("'"):
            j = 1
            while True:
                j = text.find("'", j)
                if j < 0:
                    return address
                if text.startswith("''", j):
                    j += 2
                    continue
                break
            name = text[1:j].replace("''", "'")
            text = text[j + 1 :]
        elif "." in text:
            head, _, tail = text.partition(".")
            name, text = (head or None), "." + tail
        if not text.startswith(".") and name is not None:
            return address
        cell = text[1:] if text.startswith(".") else text
        if name is not None:
            if sheet is not None and name != sheet:
                return address  # a 3-D range has no .xlsx form
            sheet = name
        cells.append(cell)
    ref = ":".join(cells)
    return f"{_quote_sheet(sheet)}!{ref}" if sheet else ref


def _read_ods(path: Path, pkg: _Package) -> RawBook:
    book = RawBook(path=path, kind="ods", sheets={}, names={}, local_names={})
    budget = pkg.budget
    tags = _ODS_TAGS
    hidden_styles: set[str] = set()
    buf: list[str] = []

    depth = 0  # table nesting: only top-level tables are sheets
    sheet = RawSheet(name="", state="visible")
    cells = sheet.cells
    row = col = col_pos = 0
    last_row = last_col = -1
    row_rep = 1
    row_hidden = False
    row_cells: list[tuple[int, RawCell]] = []
    row_kinds: list[tuple[int, dt.date | str]] = []  # a date, or PERCENT
    null_date = _NULL_DATE
    hidden_row_runs: list[tuple[int, int]] = []
    hidden_col_runs: list[tuple[int, int]] = []
    cell_attrs: dict[str, str] | None = None
    paragraphs: list[str] | None = None
    in_p = 0  # depth of text:p (a note inside a paragraph holds paragraphs of its own)
    annotation = 0
    style_name: str | None = None
    style_family: str | None = None

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, sheet, cells, row, col, col_pos, last_row, last_col, row_rep
        nonlocal row_hidden, cell_attrs, paragraphs, in_p, annotation, style_name, style_family
        nonlocal null_date
        code = tags.get(name)
        if code is None:
            return
        if code == _O_CELL:
            if depth == 1:
                cell_attrs = attrs
                paragraphs = None
        elif code == _O_P:
            if in_p:
                in_p += 1
            elif cell_attrs is not None and not annotation and depth == 1:
                in_p = 1
                del buf[:]
        elif code == _O_S:
            if in_p and not annotation:
                buf.append(" " * min(_count(attrs.get(_A_SPACES)), _MAX_SPACES))
        elif code == _O_TAB:
            if in_p and not annotation:
                buf.append("\t")
        elif code == _O_BREAK:
            if in_p and not annotation:
                buf.append("\n")
        elif code == _O_ROW:
            if depth == 1:
                row_rep = _count(attrs.get(_A_ROWS_REP))
                row_hidden = attrs.get(_A_VISIBILITY, "visible") != "visible"
                col = 0
                del row_cells[:], row_kinds[:]
        elif code == _O_ANNOTATION:
            annotation += 1
        elif code == _O_COLUMN:
            if depth == 1:
                n = _count(attrs.get(_A_COLS_REP))
                if attrs.get(_A_VISIBILITY, "visible") != "visible":
                    hidden_col_runs.append((col_pos, n))
                col_pos += n
        elif code == _O_TABLE:
            depth += 1
            if depth == 1:
                hidden = attrs.get(_A_STYLE_NAME) in hidden_styles
                state = "hidden" if hidden else "visible"
                sheet = RawSheet(name=attrs.get(_A_NAME, ""), state=state)
                cells = sheet.cells
                row = col = col_pos = 0
                last_row = last_col = -1
                del hidden_row_runs[:], hidden_col_runs[:]
        elif code in (_O_RANGE, _O_EXPRESSION):
            if depth > 1:
                return
            if code == _O_RANGE:
                ref = _ods_range(attrs.get(_A_RANGE, ""))
            else:
                ref = _ods_formula(attrs.get(_A_EXPRESSION, ""))
            target = book.local_names.setdefault(sheet.name, {}) if depth else book.names
            target[attrs.get(_A_NAME, "")] = ref
        elif code == _O_STYLE:
            style_name = attrs.get(_A_S_NAME)
            style_family = attrs.get(_A_S_FAMILY)
        elif (
            code == _O_TABLE_PROPS
            and style_family == "table"
            and style_name is not None
            and attrs.get(_A_DISPLAY) == "false"
        ):
            hidden_styles.add(style_name)
        elif code == _O_NULL_DATE:
            found = _iso_serial(attrs.get(_A_DATE_VALUE, ""), _NULL_DATE)
            if found is not None:
                null_date = found[1]

    def end(name: str) -> None:
        nonlocal depth, row, col, last_row, last_col, cell_attrs, paragraphs, in_p, annotation
        code = tags.get(name)
        if code is None:
            return
        if code == _O_CELL:
            if cell_attrs is None or depth != 1:
                return
            a = cell_attrs
            cell_attrs = None
            n = _count(a.get(_A_COLS_REP))
            made, kind = _ods_cell(a, paragraphs, null_date)
            if made is not None:
                budget.take_cells(n)
                for i in range(n):
                    row_cells.append((col + i, made))
                    if kind is not None:
                        row_kinds.append((col + i, kind))
                last_col = max(last_col, col + n - 1)
            col += n
        elif code == _O_P:
            if in_p:
                in_p -= 1
                if not in_p:
                    if paragraphs is None:
                        paragraphs = []
                    paragraphs.append("".join(buf))
        elif code == _O_ROW:
            if depth != 1:
                return
            if row_cells:
                if row_rep > 1:
                    budget.take_cells(len(row_cells) * (row_rep - 1))
                for r in range(row, row + row_rep):
                    for c, made in row_cells:
                        cells[r, c] = made
                    for c, kind in row_kinds:
                        if isinstance(kind, dt.date):
                            sheet.dates[r, c] = kind
                        else:
                            sheet.percents.add((r, c))
                last_row = row + row_rep - 1
            if row_hidden:
                hidden_row_runs.append((row, row_rep))
            row += row_rep
            del buf[:]  # text outside paragraphs (indentation) is never kept
        elif code == _O_ANNOTATION:
            annotation -= 1
        elif code == _O_TABLE:
            depth -= 1
            if depth == 0:
                # Hidden runs reach the sheet's last row; only those over content matter.
                for first, n in hidden_row_runs:
                    sheet.hidden_rows.update(range(first, min(first + n, last_row + 1)))
                for first, n in hidden_col_runs:
                    sheet.hidden_cols.update(range(first, min(first + n, last_col + 1)))
                book.sheets[sheet.name] = sheet

    p = _parser()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = buf.append
    _parse(p, pkg.read("content.xml"), "content.xml")
    return book


def _ods_cell(
    a: dict[str, str], paragraphs: list[str] | None, null_date: dt.date
) -> tuple[RawCell | None, dt.date | str | None]:
    """The cell, and the date it shows (value-type date) or PERCENT (percentage) or None."""
    formula = a.get(_A_FORMULA)
    if formula is not None:
        formula = _ods_formula(formula)
    text = "\n".join(paragraphs) if paragraphs is not None else None
    kind = a.get(_A_VALUE_TYPE)
    value: object
    shown: dt.date | str | None = None
    if a.get(_A_CALC_TYPE) == "error":
        return RawCell(None, formula, text or "#N/A"), None
    if kind in _NUMERIC:
        number = a.get(_A_VALUE)
        value = float(number) if number else None
        if value is not None and not math.isfinite(value):
            return RawCell(None, formula, "#NUM!"), None
        if kind == "percentage" and value is not None:
            shown = PERCENT
    elif kind == "string":
        value = a.get(_A_STRING)
        if value is None:
            value = text or ""
    elif kind == "boolean":
        value = _is_true(a.get(_A_BOOLEAN))
    elif kind == "date":
        # A number to every formula, like an .xlsx date: counted from the null date.
        value = a.get(_A_DATE)
        found = _iso_serial(value, null_date) if value else None
        if found is not None:
            value, shown = found
    elif kind == "time":
        value = a.get(_A_TIME)
        days = _duration_days(value) if value else None
        if days is not None:
            value = days
    elif formula is not None:
        value = text  # a formula whose result is "" is stored with an empty paragraph
    else:
        value = text or None
    if (
        formula is not None
        and isinstance(value, str)
        and _A_CALC_TYPE not in a  # LibreOffice says "error" itself (above)
        and _ERROR_TEXT.fullmatch(value)
    ):
        return RawCell(None, formula, value), None
    if value is None and formula is None:
        return None, None
    return RawCell(value, formula), shown
