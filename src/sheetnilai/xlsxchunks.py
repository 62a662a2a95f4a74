"""Large tables of a workbook as cached, pre-compressed chunks of sheet XML.

Why: the sync service republishes the whole score book after every pass that changed
something, and with 10,000 pegawai its Hasil Kerja sheet alone holds 100,000 rows. Writing
those through XlsxWriter costs ~12 s per pass even when one workbook changed. Here a large
table's data rows are cut into chunks of `CHUNK_ROWS` rows; each chunk becomes a piece of
sheet XML compressed on its own (raw deflate ending in a sync flush, so pieces can be
concatenated into one valid deflate stream), keyed by a digest of everything it depends on
(its values, first row, column kinds, style ids). A later write looks the keys up and only
builds the chunks whose key it does not hold. The CRC-32 a zip entry needs is combined from
the pieces' CRCs without decompressing them (see `_crc_combine`).

XlsxWriter still writes everything else (titles, headers, column formats, filters, freeze
panes, print setup, charts, styles); `assemble` then copies its package into the final file,
putting the chunks' rows into the large sheets' `<sheetData>` and their hyperlinks (with
relationship ids named after the cell, so a cached chunk needs no renumbering) into the
sheet and its relationships part. Strings in chunks are inline strings (`t="inlineStr"`):
a shared-string index would tie a chunk to the whole workbook.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from xlsxwriter.url import Url
from xlsxwriter.utility import xl_rowcol_to_cell_fast

__all__ = [
    "CHUNK_ROWS",
    "ChunkSheet",
    "ChunkedSheet",
    "Fragment",
    "FragmentCache",
    "MemoryFragments",
    "assemble",
    "excel_serial",
]

CHUNK_ROWS = 256

_RELS_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)
_HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# The same escapes XlsxWriter applies to shared strings, so a chunk's text reads back exactly
# as XlsxWriter would have stored it.
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile('["&<>\n]')
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+[0-9]+)(?::[A-Z]+[0-9]+)?"/>')


@dataclass(frozen=True, slots=True)
class Fragment:
    """One chunk: its rows' XML as raw deflate (sync-flushed), the CRC-32 and length of that
    XML, and the chunk's `<hyperlink>` elements and their `<Relationship>` entries."""

    data: bytes
    crc: int
    size: int
    links: str = ""
    rels: str = ""


class FragmentCache(Protocol):
    """Where chunks are kept between writes (the sync service's store keeps them on disk)."""

    def fragments(self, keys: Collection[str]) -> dict[str, Fragment]: ...

    def keep_fragments(self, new: Mapping[str, Fragment], used: Collection[str]) -> None:
        """Add `new`; forget every chunk not in `used` (the last write's chunks)."""
        ...


class MemoryFragments:
    """A cache for one process (a one-shot write uses an empty one)."""

    def __init__(self) -> None:
        self.held: dict[str, Fragment] = {}

    def fragments(self, keys: Collection[str]) -> dict[str, Fragment]:
        return {k: self.held[k] for k in keys if k in self.held}

    def keep_fragments(self, new: Mapping[str, Fragment], used: Collection[str]) -> None:
        self.held.update(new)
        keep = set(used)
        self.held = {k: v for k, v in self.held.items() if k in keep}


_EPOCH = dt.datetime(1899, 12, 31)


def excel_serial(value: dt.datetime | dt.date | dt.time | dt.timedelta) -> float:
    """The number Excel stores for a date or time, computed as XlsxWriter does (1900 date
    system, time zones dropped), so a chunk's dates match XlsxWriter's to the last bit."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
    elif isinstance(value, dt.date):
        delta = dt.datetime.fromordinal(value.toordinal()) - _EPOCH
    elif isinstance(value, dt.time):
        delta = dt.datetime.combine(_EPOCH, value.replace(tzinfo=None)) - _EPOCH
    else:
        delta = value
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    if isinstance(value, dt.datetime) and value.date() == dt.date(1900, 1, 1):
        serial -= 1  # Excel counts a bare time from 1899-12-31, Python from 1900-01-01
    if not isinstance(value, dt.timedelta) and serial > 59:
        serial += 1  # Excel's 1900 has a 29 February
    return serial


CELL_UNITS = 32_767  # a cell holds this many UTF-16 units; XlsxWriter cuts the rest


def _utf16_cut(s: str) -> str:
    units = s.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * CELL_UNITS:
        return s
    return units[: 2 * CELL_UNITS].decode("utf-16-le", "ignore")  # no half a surrogate pair


def _escape_text(s: str) -> str:
    if "_x" in s:
        s = _ESCAPED_ESCAPE.sub(r"_x005F\1", s)
    s = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", s)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def _escape_attribute(s: str) -> str:
    if not _XML_SPECIAL.search(s):
        return s
    return (
        s.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "&#xA;")
    )


def _string_body(string: str) -> str:
    """A text cell's XML after its reference and style, as XlsxWriter writes it inline."""
    if len(string) > CELL_UNITS // 2:
        string = _utf16_cut(string)
    text = _escape_text(string)
    space = ' xml:space="preserve"' if string[:1].isspace() or string[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


# Text → `_string_body`, shared by every chunk; cleared when full, so memory stays bounded.
_BODIES: dict[str, str] = {}
_BODIES_MAX = 50_000
_BODIES_LONGEST = 200  # characters: a long text is rarely repeated


class ChunkSheet:
    """Collects one chunk's cells through the write methods of an XlsxWriter worksheet that
    the score book's column writers call, so a cell is written the same way in both paths.

    Rows are `first` .. `first + n - 1` (0-based); the writers go column by column, so each
    row's cells arrive in column order. `lines` is what the writers note for a row holding
    wrapped text (row → lines), as on the score book's worksheet; such a row gets the same
    height XlsxWriter's `set_row` would give it.
    """

    def __init__(self, first: int, n: int, line_points: float = 15.0, max_points: float = 408.75):
        self.first = first
        self.rows: list[list[str]] = [[] for _ in range(n)]
        self.links: list[str] = []
        self.rels: list[str] = []
        self.lines: dict[int, int] = {}
        self.line_points = line_points
        self.max_points = max_points

    def _write_string(self, row: int, col: int, string: str, cell_format: Any) -> None:
        ref = xl_rowcol_to_cell_fast(row, col)
        xf = cell_format._get_xf_index()
        # A big sheet repeats its texts (unit, file, sheet, a column's few values): each is
        # escaped once (a third of this method's time on the Pengembangan sheet).
        body = _BODIES.get(string)
        if body is None:
            body = _string_body(string)
            if len(string) <= _BODIES_LONGEST:
                if len(_BODIES) >= _BODIES_MAX:
                    _BODIES.clear()
                _BODIES[string] = body
        self.rows[row - self.first].append(f'<c r="{ref}" s="{xf}"{body}')

    write_string = _write_string

    def _write_number(self, row: int, col: int, number: float, cell_format: Any) -> None:
        ref = xl_rowcol_to_cell_fast(row, col)
        xf = cell_format._get_xf_index()
        self.rows[row - self.first].append(f'<c r="{ref}" s="{xf}"><v>{number:.16G}</v></c>')

    write_number = _write_number

    def _write_datetime(self, row: int, col: int, date: Any, cell_format: Any) -> None:
        self._write_number(row, col, excel_serial(date), cell_format)

    write_datetime = _write_datetime

    def _write_url(self, row: int, col: int, url: str, cell_format: Any, string: str) -> None:
        link = Url(url)
        self._write_string(row, col, string, cell_format)
        ref = xl_rowcol_to_cell_fast(row, col)
        rid = f"rIdL{ref}"  # unique in the sheet, and the same wherever the chunk lands
        location = f' location="{_escape_attribute(link._anchor)}"' if link._anchor else ""
        self.links.append(f'<hyperlink ref="{ref}" r:id="{rid}"{location}/>')
        target = _escape_attribute(link._target())
        self.rels.append(
            f'<Relationship Id="{rid}" Type="{_HYPERLINK_TYPE}" Target="{target}" '
            'TargetMode="External"/>'
        )

    def _row(self, r: int) -> str:
        """A row's opening tag (`r` 0-based), with XlsxWriter's height attributes when its
        text wraps."""
        n = self.lines.get(r)
        if n is None:
            return f'<row r="{r + 1}">'
        height = min(self.line_points * n, self.max_points)
        return f'<row r="{r + 1}" ht="{height:g}" customHeight="1">'

    def fragment(self) -> Fragment:
        row = self._row
        xml = "".join(
            f"{row(r)}{''.join(cells)}</row>"
            for r, cells in enumerate(self.rows, self.first)
            if cells
        ).encode()
        packer = _deflater()
        data = packer.compress(xml) + packer.flush(zlib.Z_SYNC_FLUSH)
        return Fragment(data, zlib.crc32(xml), len(xml), "".join(self.links), "".join(self.rels))


# Every place a chunk names a row: a row's tag, a cell's reference, and a link's cell and id.
# Text content and attribute values cannot hold these (their `"` and `<` are escaped).
_ROW_NUMBERS = re.compile(rb'(<row r="|<c r="[A-Z]{1,3})([0-9]+)(")')
_LINK_ROW_NUMBERS = re.compile(
    r'(<hyperlink ref="[A-Z]{1,3}|r:id="rIdL[A-Z]{1,3}|Id="rIdL[A-Z]{1,3})([0-9]+)"'
)


def rebased(fragment: Fragment, shift: int) -> Fragment:
    """The same chunk `shift` rows further down (up, if negative): what a chunk whose rows
    were not touched becomes when a row count above it changed. Renumbering its XML costs
    a fraction of building it again from the values."""
    if not shift:
        return fragment
    # split() leaves (text, prefix, number, quote) fours: the numbers are every fourth part.
    parts = _ROW_NUMBERS.split(zlib.decompressobj(-15).decompress(fragment.data))
    parts[2::4] = [b"%d" % (int(n) + shift) for n in parts[2::4]]
    xml = b"".join(parts)
    links = _LINK_ROW_NUMBERS.sub(lambda m: f'{m[1]}{int(m[2]) + shift}"', fragment.links)
    rels = _LINK_ROW_NUMBERS.sub(lambda m: f'{m[1]}{int(m[2]) + shift}"', fragment.rels)
    packer = _deflater()
    data = packer.compress(xml) + packer.flush(zlib.Z_SYNC_FLUSH)
    return Fragment(data, zlib.crc32(xml), len(xml), links, rels)


@dataclass(frozen=True)
class ChunkedSheet:
    """The chunks of one sheet (1-based sheet number, as in `xl/worksheets/sheetN.xml`),
    in row order, and the last cell its data reaches (0-based row, column)."""

    number: int
    fragments: Sequence[Fragment]
    last: tuple[int, int]


# --- the package -----------------------------------------------------------------------------


def _deflater() -> Any:
    """Raw deflate (no zlib header: a zip entry holds the bare stream) at zipfile's level."""
    return zlib.compressobj(6, zlib.DEFLATED, -15)


_POLY = 0xEDB88320  # CRC-32's polynomial, bit-reversed as zlib holds it


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (zlib's multmodp, in its reflected bit order)."""
    m, p = 1 << 31, 0
    while a:
        if a & m:
            p ^= b
            a ^= m
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return p


def _x2n_table() -> tuple[int, ...]:
    table, p = [], 1 << 30  # x¹
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return tuple(table)


_X2N = _x2n_table()  # x^(2^k) modulo the polynomial


def _crc_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from crc1 = crc32(A), crc2 = crc32(B) and len(B): zlib's
    crc32_combine (which Python's `zlib` does not expose), i.e. crc1 × x^(8·len2) ^ crc2.

    A score book combines hundreds of chunks' CRCs; this costs microseconds each, where
    running zlib's crc32 over len2 zero bytes (the CRC being affine) cost a tenth of a pass.
    """
    shift, n, k = 1 << 31, len2, 3  # x⁰; len2 bytes are 8·len2 = len2·2³ bits
    while n:
        if n & 1:
            shift = _multmodp(_X2N[k & 31], shift)
        n >>= 1
        k += 1
    return _multmodp(shift, crc1) ^ crc2


def _pack(data: bytes) -> tuple[bytes, int, int]:
    packer = _deflater()
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _chunked_entry(xml: str, sheet: ChunkedSheet) -> tuple[list[bytes], int, int]:
    """The sheet's XML from XlsxWriter (header rows only) with the chunks' rows spliced in."""
    end = xml.index("</sheetData>")
    head, tail = xml[:end], xml[end:]
    match = _DIMENSION.search(head)
    if match is not None:
        last = xl_rowcol_to_cell_fast(*sheet.last)
        head = head[: match.start()] + f'<dimension ref="{match[1]}:{last}"/>' + head[match.end() :]
    links = "".join(f.links for f in sheet.fragments)
    if links:
        if "<hyperlinks>" in tail:
            raise ValueError(f"sheet{sheet.number}: hyperlinks outside the chunks")
        at = min(i for i in (tail.find("<printOptions"), tail.find("<pageMargins")) if i >= 0)
        tail = tail[:at] + "<hyperlinks>" + links + "</hyperlinks>" + tail[at:]
    head_bytes = head.encode()
    packer = _deflater()
    parts = [packer.compress(head_bytes) + packer.flush(zlib.Z_SYNC_FLUSH)]
    crc, size = zlib.crc32(head_bytes), len(head_bytes)
    for fragment in sheet.fragments:
        parts.append(fragment.data)
        crc = _crc_combine(crc, fragment.crc, fragment.size)
        size += fragment.size
    tail_bytes = tail.encode()
    packer = _deflater()
    parts.append(packer.compress(tail_bytes) + packer.flush())
    crc = _crc_combine(crc, zlib.crc32(tail_bytes), len(tail_bytes))
    return parts, crc, size + len(tail_bytes)


def _with_rels(existing: bytes | None, rels: str) -> bytes:
    if existing is None:
        return (_RELS_HEADER + rels + "</Relationships>").encode()
    text = existing.decode()
    end = text.rindex("</Relationships>")
    return (text[:end] + rels + text[end:]).encode()


def assemble(source: Path, target: Path, sheets: Sequence[ChunkedSheet]) -> None:
    """Copy the package XlsxWriter wrote at `source` into `target`, the chunked sheets'
    rows, hyperlinks and relationships added."""
    by_name = {f"xl/worksheets/sheet{s.number}.xml": s for s in sheets}
    with zipfile.ZipFile(source) as package, target.open("wb") as out:
        writer = _ZipWriter(out)
        names = package.namelist()
        rels_added = {
            f"xl/worksheets/_rels/sheet{s.number}.xml.rels": "".join(f.rels for f in s.fragments)
            for s in sheets
        }
        for name in names:
            info = package.getinfo(name)
            data = package.read(name)
            if name in by_name:
                parts, crc, size = _chunked_entry(data.decode(), by_name[name])
                writer.add(name, info.date_time, parts, crc, size)
                continue
            if rels_added.get(name):
                data = _with_rels(data, rels_added.pop(name))
            packed, crc, size = _pack(data)
            writer.add(name, info.date_time, [packed], crc, size)
        stamp = package.getinfo(names[0]).date_time
        for name, rels in rels_added.items():
            if rels:
                packed, crc, size = _pack(_with_rels(None, rels))
                writer.add(name, stamp, [packed], crc, size)
        writer.close()


class _ZipWriter:
    """A minimal zip writer for deflated entries whose compressed bytes are already made
    (`zipfile` can only compress what it is given). No ZIP64: a score book stays far below
    4 GiB, and an entry that does not fit is refused rather than written wrongly."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offset = 0
        self.central: list[bytes] = []

    def add(
        self,
        name: str,
        date_time: tuple[int, int, int, int, int, int],
        parts: Sequence[bytes],
        crc: int,
        size: int,
    ) -> None:
        packed = sum(len(p) for p in parts)
        if max(size, packed, self.offset) >= 0xFFFFFFFF:
            raise ValueError(f"{name}: too large for a zip entry without ZIP64")
        year, month, day, hour, minute, second = date_time
        dos_time = hour << 11 | minute << 5 | second // 2
        dos_date = (year - 1980) << 9 | month << 5 | day
        encoded = name.encode()
        fields = (20, 0, zipfile.ZIP_DEFLATED, dos_time, dos_date, crc, packed, size)
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(encoded), 0)
        self.out.write(local + encoded)
        for part in parts:
            self.out.write(part)
        self.central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                *fields,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                self.offset,
            )
            + encoded
        )
        self.offset += len(local) + len(encoded) + packed

    def close(self) -> None:
        directory = b"".join(self.central)
        self.out.write(directory)
        count = len(self.central)
        self.out.write(
            struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), self.offset, 0)
        )
