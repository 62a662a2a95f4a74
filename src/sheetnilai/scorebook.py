"""Write the score book (.xlsx) and its data files (.csv / .parquet) from ready-made tables.

The caller decides what goes in each table (rows, rounding, order); this module only lays
the tables out so a person can read and filter them, and writes them safely:

* Every text from the data is written as a string cell (`write_string`), never through
  XlsxWriter's guessing `write()`: a realisasi or umpan balik such as "=1+1", "+62812",
  "-5 hari" or "@SUM(A1)" arrives as the same text and is never a formula. No "'" prefix is
  added, so the text reads back identical.
* Every file goes through `files.atomic_path` (or a `files.Staged` group, so a score book
  and its data tables appear together): it is built under a temporary name in the target
  folder (".sheetnilai-tmp.<pid>.<host>.<random>.<name>") and only then takes the final name
  in one step. An earlier file is never silently replaced (without `overwrite` the write stops
  with "berkas-sudah-ada"). If the process is killed mid-write that temporary file stays
  behind next to the target, the target itself untouched; the next write into that folder
  removes it.

Tables of `CHUNKED_MIN_ROWS` rows or more have their data rows written as cached chunks
(`xlsxchunks`): the same cells, built about 1.8× faster, and a later write with the same
`fragments` cache rebuilds only the chunks whose rows changed. Smaller tables, titles and
headers are XlsxWriter's, as below.

Plain mode, not XlsxWriter's `constant_memory`. Measured on a 10,000 × 20 Pegawai plus a
100,000 × 12 Hasil Kerja table (2 cores): plain mode with one tight loop per column and the
faster cell serialisation of `TableWorksheet` writes the book in ~4.4 s; constant_memory,
which needs row order, one call per cell and inline strings, took ~5.7 s at best. Plain mode
also stores the charts' cached values (viewers that do not recalculate need them to draw a
chart); it costs ~225 MB of memory at that size.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import hashlib
import marshal
import math
import numbers
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd
from xlsxwriter import __version__ as xlsxwriter_version
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

from sheetnilai import __version__
from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import Staged, atomic_path
from sheetnilai.xlsxchunks import (
    CHUNK_ROWS,
    ChunkedSheet,
    ChunkSheet,
    Fragment,
    FragmentCache,
    MemoryFragments,
    assemble,
    rebased,
)

__all__ = ["Chart", "ColumnKind", "Table", "write_data", "write_scorebook"]


class ColumnKind(StrEnum):
    TEXT = "text"
    NIP = "nip"  # 18-digit text; a non-text NIP is a programmer error (precision is gone)
    INTEGER = "integer"
    NUMBER = "number"  # shown with 2 decimals; the cell keeps the full float
    # Given in percent (97.5); the cell holds the fraction 0.975 in a percent format, so
    # every spreadsheet shows "97.5%" and treats it as a percentage.
    PERCENT = "percent"
    LINK = "link"  # text that is a URL; http(s) URLs also become a clickable hyperlink
    DATETIME = "datetime"


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame has no usable == or hash
class Table:
    sheet: str
    frame: pd.DataFrame
    kinds: Mapping[str, ColumnKind] = field(default_factory=dict)
    title: str | None = None
    notes: Sequence[str] = ()
    widths: Mapping[str, float] = field(default_factory=dict)
    subtitle: str | None = None  # a second, smaller title line (e.g. the agency's name)
    # Runs of rows whose values a key vouches for: (key, n) says the next n rows are what
    # the key was computed from, so a chunk of them is found by that key, without hashing
    # its values (a sync pass after one edit served 99% of Hasil Kerja's chunks, and
    # hashing their 100 MB of values was a tenth of the pass). A key of None: those rows are
    # keyed by their values. Empty: the whole table is. The caller answers for the keys.
    segments: Sequence[tuple[str | None, int]] = ()
    # The rows of segment k, built only when the write needs them (a chunk to build, a
    # segment to measure): a table given so has a `frame` of its columns only, no rows, and
    # is always written in chunks. A sync pass after one edit then builds one workbook's
    # Hasil Kerja rows, not the agency's 100,000.
    rows: Callable[[int], Sequence[Sequence[Any]]] | None = None


def _n_rows(table: Table) -> int:
    if table.rows is not None:
        return sum(n for _, n in table.segments)
    return len(table.frame)


@dataclass(frozen=True)
class Chart:
    """A native chart of some columns of one table.

    `rows` is an inclusive 0-based range of data rows: (0, 19) plots the first 20 rows and
    (5, 5) only the sixth. The range is cut at the end of the table and after
    `CHART_MAX_ROWS` rows; a chart left with no rows is not inserted. `x_title` names the
    category axis and `y_title` the value axis, whichever way the chart is drawn (in "bar"
    charts the categories run down the vertical axis).

    A chart whose `sheet` is no table's is put on a sheet of charts made for it, titled
    `page` and placed right after the first table (the sheet a book opens on), so the charts
    are the second thing a reader sees; charts without an `anchor` fill it two per row from
    the top left. `size` is (width, height) in pixels, `colours` one per series, and
    `values_shown` writes each bar's value on it.
    """

    sheet: str
    table: str
    kind: str
    title: str
    categories: str
    series: Sequence[str]
    rows: tuple[int, int] | None = None
    anchor: tuple[int, int] | None = None
    x_title: str = ""
    y_title: str = ""
    page: str = ""
    size: tuple[int, int] | None = None
    colours: Sequence[str] = ()
    values_shown: bool = False


CHART_TYPES: Mapping[str, dict[str, str]] = {
    "column": {"type": "column"},
    "bar": {"type": "bar"},
    "column_stacked": {"type": "column", "subtype": "stacked"},
    "bar_percent_stacked": {"type": "bar", "subtype": "percent_stacked"},
    "line": {"type": "line"},
}
CHART_MAX_ROWS = 1000  # more bars than this cannot be read, and Excel slows down drawing them
CHART_HEIGHT_ROWS = 18  # XlsxWriter's default chart (288 px) plus a gap, in default rows
CHART_SIZE = (480, 288)  # XlsxWriter's default, in pixels
CHART_GAP = 16  # pixels between the charts of a chart sheet
CHART_PAGE_TOP = 2  # a chart sheet's charts start below its title and one blank row
CHARTS_PER_ROW = 2  # two default charts side by side fit a 1366-pixel-wide screen
ROW_PIXELS = 20  # a default row; a chart sheet's rows of charts start on a row of their own
COLUMN_PIXELS = 64  # a default column (8.43 characters)
PAGE_COLUMNS = 40  # columns of a chart sheet given that width: wider than any row of charts
# What an A4 landscape page holds inside MARGINS, in pixels at full size (96 per inch), less a
# little: a chart sheet is printed at the scale that fits its widest row of charts, with a
# page break before any row of charts that would be cut at the foot of a page.
PAGE_PIXELS = (1000, 660)

MAX_WIDTH = 60.0  # longer texts wrap inside a column this wide
MIN_WIDTH = 6.0
HEADER_LINE = 20  # a header wraps, so it needs at most this much of its length on one line
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_URLS = 65_530  # Excel's limit per sheet; a sheet with more links has none (see _write_table)
MAX_URL_LENGTH = 2000  # below XlsxWriter's 2,079 so it never drops a link with a warning
NO_DATA = "(tidak ada data)"
YES, NO = "Ya", "Tidak"
# Row heights for wrapped text, which no reader computes reliably on opening a file
# (LibreOffice keeps the default height, so printed lines ran over the next row's): the
# lines are counted from the text's length, at LINE_POINTS points each. A text wraps when it
# is longer than the column's width less LINE_SLACK; a wrapped line holds about 1.15 × the
# width in Indonesian prose (an average letter is narrower than the "0" a width counts),
# less LINE_WORD for the space left at a line's end (measured in LibreOffice: a 46-wide
# column holds 52–55 characters a line, a 12-wide one 10–14).
LINE_SLACK = 2
LINE_FILL = 1.15
LINE_WORD = 4
LINE_POINTS = 15.0
MAX_ROW_POINTS = 408.75  # Excel's 409-point limit in whole pixels (545), as XlsxWriter stores it
# Printing: A4, margins in inches (narrower than Excel's 0.7 so wide tables shrink less),
# landscape when the columns are wider than a portrait page holds at full size.
A4 = 9
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
PORTRAIT_MAX_WIDTH = 95.0  # characters of column width
FOOTER_MAX = 255  # characters Excel allows in a footer

_NUMERIC = frozenset({ColumnKind.INTEGER, ColumnKind.NUMBER, ColumnKind.PERCENT})
_TEXTUAL = frozenset({ColumnKind.TEXT, ColumnKind.NIP, ColumnKind.LINK})
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
_STANDARD_PROPERTIES = frozenset(
    {
        "title",
        "subject",
        "author",
        "manager",
        "company",
        "category",
        "keywords",
        "comments",
        "status",
        "hyperlink_base",
    }
)


# --- values ---------------------------------------------------------------------------------


def _missing(v: object) -> bool:
    """None, NaN (float, numpy or Decimal), pd.NA and NaT are all "no value": an empty cell."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, Decimal):
        return v.is_nan()
    if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral | Fraction):
        return math.isnan(float(v))
    return False


def _number(v: object) -> float | None:
    """The float a numeric cell holds, or None when `v` is not a number (bools are not)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, numbers.Real | Decimal):
        return float(v)
    return None


def _text(v: object) -> str:
    """How a non-text value reads in a text cell or text column of a data file."""
    if isinstance(v, bool):
        return YES if v else NO
    if isinstance(v, Enum):
        return _text(v.value)  # our enums' values are their Indonesian labels
    if isinstance(v, str):
        return str.__str__(v)  # a plain str, also for str subclasses
    if isinstance(v, Decimal):
        return str(v)  # exact, and already decimal text
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    num = _number(v)
    if num is not None:
        if math.isinf(num):
            return "∞" if num > 0 else "-∞"
        return str(int(num)) if isinstance(v, numbers.Integral) else repr(num)
    return str(v)


CELL_MAX = 32_767  # characters in one Excel cell; XlsxWriter would cut the rest silently


def _clean(s: str) -> str:
    # A line break pasted from Windows ("\r\n") would be stored as "_x000D_" + "\n", which
    # several readers show literally; Excel itself only uses "\n" inside a cell.
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s if len(s) <= CELL_MAX else _cut(s)


CUT_NOTE = " … [terpotong: {n} karakter tidak muat di satu sel; teks utuh ada di tabel --data]"


def _cut(s: str) -> str:
    """A text longer than a cell holds, cut with a note that says so (the data files keep
    it whole)."""
    longest = len(CUT_NOTE.format(n="9" * len(str(len(s)))))
    kept = CELL_MAX - longest
    return s[:kept] + CUT_NOTE.format(n=len(s) - kept)


# --- layout ----------------------------------------------------------------------------------


@dataclass
class _Formats:
    title: Any
    subtitle: Any
    note: Any
    header: Any
    no_data: Any
    text: Any
    text_wrap: Any
    link: Any
    integer: Any
    number: Any
    percent: Any
    percent_whole: Any
    datetime: Any
    date: Any


def _formats(wb: Workbook) -> _Formats:
    def fmt(**props: Any) -> Any:
        return wb.add_format({"valign": "top", **props})

    return _Formats(
        title=fmt(bold=True, font_size=14, font_color="#1F3864"),
        subtitle=fmt(bold=True, font_size=12, font_color="#333333"),
        note=fmt(italic=True, font_color="#444444"),
        header=fmt(bold=True, bg_color="#D9E2F3", text_wrap=True, border=1, border_color="#9AA5B1"),
        no_data=fmt(italic=True, font_color="#666666"),
        text=fmt(num_format="@"),  # "@": what a person types here later stays text too
        text_wrap=fmt(num_format="@", text_wrap=True),
        link=fmt(num_format="@", font_color="#0563C1", underline=1),
        # Numbers keep a space from the left-aligned text in the next column.
        integer=fmt(num_format="0", align="right", indent=1),
        number=fmt(num_format="0.00", align="right", indent=1),
        percent=fmt(num_format="0.##%", align="right", indent=1),
        # "0.##%" shows 100% as "100.%" in Excel and LibreOffice, so whole values get "0%".
        percent_whole=fmt(num_format="0%", align="right", indent=1),
        datetime=fmt(num_format="yyyy-mm-dd hh:mm:ss"),
        date=fmt(num_format="yyyy-mm-dd"),
    )


@dataclass(frozen=True)
class _Placed:
    """Where a table landed on its sheet (0-based rows and columns)."""

    header_row: int
    columns: tuple[str, ...]
    kinds: tuple[ColumnKind, ...]
    n_rows: int

    def column(self, name: str) -> int:
        return self.columns.index(name)


def _columns(table: Table) -> tuple[str, ...]:
    return tuple(str(c) for c in table.frame.columns)


def _infer_kind(series: pd.Series) -> ColumnKind:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return ColumnKind.TEXT  # shown "Ya"/"Tidak"
    if pd.api.types.is_integer_dtype(dtype):
        return ColumnKind.INTEGER
    if pd.api.types.is_float_dtype(dtype):
        return ColumnKind.NUMBER
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return ColumnKind.DATETIME
    if pd.api.types.is_object_dtype(dtype):
        # Fractions and Decimals only live in object columns: numbers stay numbers.
        present = [v for v in series.tolist() if not _missing(v)]
        if present and all(_number(v) is not None for v in present):
            if all(isinstance(v, numbers.Integral) for v in present):
                return ColumnKind.INTEGER
            return ColumnKind.NUMBER
    return ColumnKind.TEXT


def _kinds(table: Table, columns: tuple[str, ...]) -> tuple[ColumnKind, ...]:
    return tuple(
        ColumnKind(table.kinds[name])
        if name in table.kinds
        else _infer_kind(table.frame.iloc[:, i])
        for i, name in enumerate(columns)
    )


def _check_tables(tables: Sequence[Table]) -> None:
    """Programmer errors (the tables are built by our own code): ValueError, not a Problem."""
    if not tables:
        raise ValueError("a score book needs at least one table")
    seen: set[str] = set()
    for table in tables:
        name = table.sheet
        if not isinstance(name, str) or not 1 <= len(name) <= 31:
            raise ValueError(f"sheet name must be 1–31 characters: {name!r}")
        if _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"sheet name has a character Excel refuses: {name!r}")
        if name.casefold() == "history":
            raise ValueError("Excel reserves the sheet name 'History'")
        if name.casefold() in seen:
            raise ValueError(f"duplicate sheet name: {name!r}")
        seen.add(name.casefold())
        if not isinstance(table.frame, pd.DataFrame):
            raise ValueError(f"{name}: frame must be a pandas DataFrame")
        columns = _columns(table)
        if not columns:
            raise ValueError(f"{name}: a table needs at least one column")
        if len(set(columns)) != len(columns):
            raise ValueError(f"{name}: duplicate column names")
        if len(columns) > MAX_COLS:
            raise ValueError(f"{name}: more than {MAX_COLS} columns")
        above = _header_row(table)
        if table.rows is not None and len(table.frame):
            raise ValueError(f"{name}: a table of rows built on demand has no rows in its frame")
        if above + 1 + max(_n_rows(table), 1) > MAX_ROWS:
            raise ValueError(f"{name}: more rows than an Excel sheet holds")
        for key in (*table.kinds, *table.widths):
            if key not in columns:
                raise ValueError(f"{name}: no column {key!r}")
        for key, kind in table.kinds.items():
            if kind not in set(ColumnKind):
                raise ValueError(f"{name}: unknown kind {kind!r} for column {key!r}")
            if kind == ColumnKind.NIP:  # (rows built on demand: checked as they are built)
                _check_nip(table.frame.iloc[:, columns.index(key)].tolist())
        for key, width in table.widths.items():
            if not 0 < width <= 255:
                raise ValueError(f"{name}: width of {key!r} must be in (0, 255]")
        if (
            table.segments
            and table.rows is None
            and sum(n for _, n in table.segments) != len(table.frame)
        ):
            raise ValueError(f"{name}: segments cover other than the table's rows")


def _check_nip(values: list[Any]) -> None:
    # A NIP that arrives as a number has already lost its digits (18 digits do not fit a
    # float) or will lose them in Excel: the caller must keep NIPs as text end to end.
    bad = next((v for v in values if not isinstance(v, str) and not _missing(v)), None)
    if bad is not None:
        raise ValueError(f"NIP must be text, got {type(bad).__name__} {bad!r}")


def _header_row(table: Table) -> int:
    above = (1 if table.title else 0) + (1 if table.subtitle else 0) + len(table.notes)
    return above + 1 if above else 0  # one blank row between the notes and the table


def _biggest(values: list[Any], need: int) -> tuple[float, int]:
    """The largest finite magnitude in a numeric column of mixed values, and `need` widened
    to the longest text among them."""
    isfinite = math.isfinite
    plain = [v for v in values if v.__class__ is float or v.__class__ is int]
    biggest = max([abs(v) for v in plain if isfinite(v)], default=0.0)
    if len(plain) < len(values):
        for v in values:
            cls = v.__class__
            if cls is float or cls is int or v is None:
                continue
            if cls is str:
                need = max(need, len(v))
                continue
            num = _number(v)
            if num is not None and isfinite(num) and abs(num) > biggest:
                biggest = abs(num)
    return biggest, need


def _measure(kind: ColumnKind, values: list[Any]) -> tuple[int, int]:
    """What a column's width takes from its values: the whole part of the largest finite
    magnitude (numeric kinds) and the longest text. Both combine by max(), so a column
    measured in parts (segments) measures as it does whole."""
    # A large table's columns hold 100,000 values each and this runs for every column on
    # every write: a column of text only (or of numbers only) is measured by map() alone, in
    # C; a None or a value of another type among them stops it, and the slower way decides.
    if kind in _TEXTUAL:
        try:
            return 0, max(map(len, values), default=0)
        except TypeError:
            return 0, max([len(v) for v in values if isinstance(v, str)], default=0)
    if kind is ColumnKind.DATETIME:
        return 0, 0
    # (a NaN max() skips, unless it comes first: then the result is not finite either)
    try:
        biggest, longest = max(map(abs, values), default=0.0), 0
    except (TypeError, ArithmeticError):  # a None or a text; a Decimal beside a float NaN
        biggest = math.nan
    if not math.isfinite(biggest):
        biggest, longest = _biggest(values, 0)
    return int(biggest), longest


def _width_of(header: str, kind: ColumnKind, measured: tuple[int, int]) -> float:
    """A readable width in characters, from the header and the column's `_measure`."""
    whole, longest = measured
    longest_word = max((len(w) for w in header.split()), default=0)
    need = max(longest_word, min(len(header), HEADER_LINE), longest)
    if kind in _TEXTUAL:
        content = longest
    elif kind is ColumnKind.DATETIME:
        content = 19
    else:
        digits = len(str(whole)) + 1  # + sign
        content = digits + (0 if kind is ColumnKind.INTEGER else 3)  # ".00" / ".##"
    return min(MAX_WIDTH, max(MIN_WIDTH, need, content) + 2)


def _width(header: str, kind: ColumnKind, values: list[Any]) -> float:
    return _width_of(header, kind, _measure(kind, values))


class TableWorksheet(Worksheet):
    """A worksheet that serialises its plain number and string cells faster.

    XlsxWriter's `_write_cell` builds an attribute list, looks up the column and row
    formats and escapes each attribute for every cell; at ~1.3 million cells that is about
    half the writing time. Our data cells always carry their own format, so for a number or
    shared-string cell the XML is fixed: the same bytes, written directly (a test compares
    the sheet XML with XlsxWriter's own). Every other cell goes to XlsxWriter.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}  # row → lines of its tallest wrapped text (see _lines)

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        cls = cell.__class__
        fmt = cell.format
        if fmt is not None and not self.constant_memory:
            if cls is CellNumberTuple:
                ref = xl_rowcol_to_cell_fast(row, col)
                xf = fmt._get_xf_index()
                self.fh.write(f'<c r="{ref}" s="{xf}"><v>{cell.number:.16G}</v></c>')
                return
            if cls is CellStringTuple:
                ref = xl_rowcol_to_cell_fast(row, col)
                xf = fmt._get_xf_index()
                self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
                return
        super()._write_cell(row, col, cell)


# --- column writers --------------------------------------------------------------------------
# One tight loop per column kind (plain mode lets us write column by column): the common
# value type is tested first with `__class__ is`, everything else goes to `_other`.

# A worksheet, or a `ChunkSheet` collecting the cells of one chunk of a large table.
_Cells: TypeAlias = Worksheet | ChunkSheet
_ColumnWriter = Callable[[_Cells, int, int, list[Any], _Formats], None]


def _other(ws: _Cells, r: int, c: int, v: object, f: _Formats) -> None:
    """A value outside its column's common type: missing, bool, number, date or text."""
    if _missing(v):
        return
    if isinstance(v, str) and not isinstance(v, Enum):
        s = _clean(str.__str__(v))
        ws.write_string(r, c, s, f.text_wrap if len(s) > MAX_WIDTH else f.text)
        return
    num = _number(v)
    if num is not None:
        if math.isfinite(num):
            ws.write_number(r, c, num, f.number)
        else:
            ws.write_string(r, c, _text(v), f.text)  # Excel has no infinity: show "∞"
        return
    if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
        day = isinstance(v, dt.date) and not isinstance(v, dt.datetime)
        ws.write_datetime(r, c, v, f.date if day else f.datetime)
        return
    ws.write_string(r, c, _text(v), f.text)


def _lines(s: str, per: int) -> int:
    """How many lines a wrapped text takes in a column holding `per` characters a line."""
    if "\n" not in s:
        return -(-len(s) // per)
    return sum(max(1, -(-len(part) // per)) for part in s.split("\n"))


def _write_text(
    ws: _Cells,
    c: int,
    first: int,
    values: list[Any],
    f: _Formats,
    limit: int = int(MAX_WIDTH),
    per: int = int(MAX_WIDTH),
) -> None:
    """Texts longer than `limit` characters wrap, and their row is made tall enough for them
    at `per` characters a line (see LINE_FILL)."""
    write = ws._write_string
    text, wrap, lines = f.text, f.text_wrap, ws.lines
    for r, v in enumerate(values, first):
        if v.__class__ is str:
            if "\r" in v or len(v) > CELL_MAX:
                v = _clean(v)
            if len(v) > limit or "\n" in v:
                write(r, c, v, wrap)
                n = _lines(v, per)
                if n > lines.get(r, 1):
                    lines[r] = n
            else:
                write(r, c, v, text)
        elif not _missing(v):
            write(r, c, _text(v), text)


def _write_nip(ws: _Cells, c: int, first: int, values: list[Any], f: _Formats) -> None:
    write = ws._write_string
    text = f.text
    for r, v in enumerate(values, first):
        if v.__class__ is str:
            write(r, c, v, text)
        elif isinstance(v, str):
            write(r, c, str.__str__(v), text)
        elif not _missing(v):
            raise ValueError(f"NIP must be text, got {type(v).__name__} {v!r}")


def _is_url(v: object) -> bool:
    return v.__class__ is str and len(v) < MAX_URL_LENGTH and _URL.match(v) is not None


def _urls(values: list[list[Any]], kinds: Sequence[ColumnKind]) -> int:
    links = [values[c] for c, kind in enumerate(kinds) if kind is ColumnKind.LINK]
    return sum(sum(map(_is_url, column)) for column in links)


def _write_link(ws: _Cells, c: int, first: int, values: list[Any], f: _Formats) -> None:
    """http(s) URLs become hyperlinks whose shown text is exactly the value (not a formula)."""
    write_url, link = ws._write_url, f.link
    for r, v in enumerate(values, first):
        if _is_url(v):
            write_url(r, c, v, link, v)
        else:
            _other(ws, r, c, v, f)


def _number_writer(attr: str) -> _ColumnWriter:
    def write_column(ws: _Cells, c: int, first: int, values: list[Any], f: _Formats) -> None:
        write = ws._write_number
        fmt = getattr(f, attr)
        isfinite = math.isfinite
        for r, v in enumerate(values, first):
            cls = v.__class__
            if cls is float:
                if isfinite(v):
                    write(r, c, v, fmt)
                elif v == v:
                    _other(ws, r, c, v, f)
            elif cls is int:
                write(r, c, v, fmt)
            else:
                num = _number(v)
                if num is not None and isfinite(num):
                    write(r, c, num, fmt)  # Fraction, Decimal, numpy scalar: as a float
                else:
                    _other(ws, r, c, v, f)

    return write_column


def _write_percent(ws: _Cells, c: int, first: int, values: list[Any], f: _Formats) -> None:
    write = ws._write_number
    part, whole = f.percent, f.percent_whole
    for r, v in enumerate(values, first):
        num = v if v.__class__ is float else _number(v)
        if num is not None and math.isfinite(num):
            write(r, c, num / 100, whole if num.is_integer() else part)
        else:
            _other(ws, r, c, v, f)


def _write_datetime(ws: _Cells, c: int, first: int, values: list[Any], f: _Formats) -> None:
    write = ws._write_datetime
    stamp, day = f.datetime, f.date
    for r, v in enumerate(values, first):
        if isinstance(v, dt.datetime):
            if v is not pd.NaT:
                write(r, c, v, stamp)
        elif isinstance(v, dt.date):
            write(r, c, v, day)
        else:
            _other(ws, r, c, v, f)


_WRITERS: Mapping[ColumnKind, _ColumnWriter] = {
    ColumnKind.TEXT: _write_text,
    ColumnKind.NIP: _write_nip,
    ColumnKind.LINK: _write_link,
    ColumnKind.INTEGER: _number_writer("integer"),
    ColumnKind.NUMBER: _number_writer("number"),
    ColumnKind.PERCENT: _write_percent,
    ColumnKind.DATETIME: _write_datetime,
}


def _column_format(kind: ColumnKind, f: _Formats) -> Any:
    return {
        ColumnKind.TEXT: f.text,
        ColumnKind.NIP: f.text,
        ColumnKind.LINK: f.text,
        ColumnKind.INTEGER: f.integer,
        ColumnKind.NUMBER: f.number,
        ColumnKind.PERCENT: f.percent,
        ColumnKind.DATETIME: f.datetime,
    }[kind]


# --- score book ------------------------------------------------------------------------------


def write_scorebook(
    path: Path,
    tables: Sequence[Table],
    charts: Sequence[Chart] = (),
    overwrite: bool = False,
    properties: Mapping[str, str] | None = None,
    stage: Staged | None = None,
    fragments: FragmentCache | None = None,
) -> None:
    """Write the tables (one sheet each, in order) and charts to `path`, atomically (or, with
    `stage`, as one of a group of outputs that appear together when the group commits).

    Tables of `CHUNKED_MIN_ROWS` rows or more that no chart draws from are written in
    chunks (see `xlsxchunks`); `fragments` keeps those chunks for the next write (the sync
    service passes its store), so only chunks whose rows changed are built again. The file
    reads the same either way. The chunks are kept only once the file is in place.

    Raises SheetnilaiError("berkas-sudah-ada") when `path` exists and not `overwrite`;
    ValueError for malformed tables or charts (before anything is written).
    """
    _check_tables(tables)
    _check_charts(charts, tables)
    kept: tuple[FragmentCache, dict[str, Fragment], list[str]] | None = None
    cache = fragments if fragments is not None else MemoryFragments()
    measures = _Measures(cache)
    with _destination(path, overwrite, stage) as tmp:
        # With chunked tables XlsxWriter writes beside the target and `assemble` makes it.
        # A chart's cached values come from the cells XlsxWriter holds, so a table a chart
        # draws from is always written cell by cell.
        charted = {c.table for c in charts}
        big = {
            t.sheet
            for t in tables
            if _n_rows(t) >= CHUNKED_MIN_ROWS or (t.rows is not None and _n_rows(t))
        } - charted
        chunked = bool(big)
        package = tmp.with_name(tmp.name + ".parts") if chunked else tmp
        wb = Workbook(
            str(package),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,  # Excel has no time zones; keep the wall-clock time
                # Parts are zipped from memory, not staged as temporary files: a pass writes
                # hundreds of small feedback workbooks, where the files were half of the time.
                "in_memory": True,
            },
        )
        plans: list[_ChunkPlan] = []
        try:
            try:
                props: dict[str, str] = {"title": "Buku Nilai Kinerja", "author": "sheetnilai"}
                custom: dict[str, str] = {}
                for key, value in (properties or {}).items():
                    (props if key in _STANDARD_PROPERTIES else custom)[key] = str(value)
                wb.set_properties(props)
                for key, value in custom.items():
                    wb.set_custom_property(key, value)
                f = _formats(wb)
                if chunked:
                    # XlsxWriter numbers styles in order of first use, which follows the data
                    # (a table with no whole percent uses `percent_whole` later or never). A
                    # chunk names its styles' numbers, so they are fixed here, before any use:
                    # otherwise one changed value could renumber them and void every chunk.
                    for fmt in vars(f).values():
                        fmt._get_xf_index()
                placed: dict[str, _Placed] = {}
                footer = _footer(tables)
                pages = _pages(charts, tables)
                for k, t in enumerate(tables):
                    number = len(wb.worksheets()) + 1  # its sheetN.xml, for the chunks
                    placed[t.sheet], plan = _write_table(
                        wb, t, f, number, t.sheet in big, footer, measures
                    )
                    if plan is not None:
                        plans.append(plan)
                    if k == 0:
                        for sheet, title in pages.items():
                            placed[sheet] = _write_page(wb, sheet, title, f, footer)
                _insert_charts(wb, charts, placed)
            finally:
                wb.close()
            if chunked:
                sheets, new, used = _chunks(plans, f, cache)
                assemble(package, tmp, sheets)
                kept = (cache, {**new, **measures.new}, [*used, *measures.used])
        finally:
            if chunked:  # XlsxWriter's package, written even when a table failed
                package.unlink(missing_ok=True)
    if kept is not None:
        cache, new, used = kept
        cache.keep_fragments(new, used)


CHUNKED_MIN_ROWS = 2_000


class _Rows:
    """A table's values as column lists, for any run of its rows: sliced from its frame,
    or, for a table of `Table.rows`, built segment by segment as they are asked for."""

    def __init__(self, table: Table, kinds: Sequence[ColumnKind]) -> None:
        self.table = table
        self.n = _n_rows(table)
        self.width = len(kinds)
        self.nips = [c for c, kind in enumerate(kinds) if kind is ColumnKind.NIP]
        self.eager: list[list[Any]] | None = None
        self.built: dict[int, list[list[Any]]] = {}
        self.starts: list[int] = []
        if table.rows is None:
            frame = table.frame
            self.eager = [frame.iloc[:, i].tolist() for i in range(self.width)]
        else:
            at = 0
            for _, n in table.segments:
                self.starts.append(at)
                at += n

    def all(self) -> list[list[Any]]:
        return self.span(0, self.n)

    def span(self, start: int, stop: int) -> list[list[Any]]:
        if self.eager is not None:
            if start == 0 and stop == self.n:
                return self.eager
            return [column[start:stop] for column in self.eager]
        out: list[list[Any]] = [[] for _ in range(self.width)]
        k = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while k < len(self.starts) and self.starts[k] < stop:
            first = self.starts[k]
            columns = self._segment(k)
            lo, hi = max(start - first, 0), min(stop - first, len(columns[0]) if columns else 0)
            for c, column in enumerate(columns):
                out[c].extend(column[lo:hi])
            k += 1
        return out

    def _segment(self, k: int) -> list[list[Any]]:
        columns = self.built.get(k)
        if columns is None:
            assert self.table.rows is not None
            rows = self.table.rows(k)
            want = self.table.segments[k][1]
            if len(rows) != want or any(len(r) != self.width for r in rows):
                raise ValueError(f"{self.table.sheet}: segment {k} built other than {want} rows")
            columns = [list(column) for column in zip(*rows, strict=True)] or [
                [] for _ in range(self.width)
            ]
            for c in self.nips:
                _check_nip(columns[c])
            self.built[k] = columns
        return columns


@dataclass(frozen=True)
class _ChunkPlan:
    """A large table whose data rows are written as chunks: the sheet's number, the first
    data row, the rows' values, kinds, widths (where text wraps, and so row heights) and
    writers, and the table's name and segments."""

    number: int
    first: int
    rows: _Rows
    kinds: tuple[ColumnKind, ...]
    widths: tuple[float, ...]
    writers: tuple[_ColumnWriter, ...]
    clickable: bool
    sheet: str = ""
    segments: tuple[tuple[str | None, int], ...] = ()


_CHUNK_FORMAT = "3"  # raise when what a chunk holds for the same values changes

# Set (to anything) in the tests: every chunk and measure found by a segment's key is also
# built from the values and must be the same, or the write fails. It proves the callers'
# keys vouch for what they say, at the price of everything the keys save.
CHECK_SEGMENTS_ENV = "SHEETNILAI_PERIKSA_SEGMEN"


def _checking_segments() -> bool:
    return bool(os.environ.get(CHECK_SEGMENTS_ENV))


def _values_digest(columns: list[list[Any]]) -> bytes:
    """What a chunk's bytes take from its values (typed: 1 and 1.0 and True differ)."""
    # marshal version 2 writes neither back-references nor interning flags, so equal values
    # give equal bytes whatever their identity (a value served from the store is a new
    # object; versions 3+ and pickle would make its key differ). repr is the fallback for
    # what marshal cannot hold (an Enum, a Timestamp, a Fraction): exact for those too.
    try:
        values = marshal.dumps(columns, 2)
    except ValueError:
        values = repr(columns).encode()
    return hashlib.blake2b(values, digest_size=20).digest()


def _plan_text(plan: _ChunkPlan, styles: str) -> str:
    return f"{plan.kinds}|{plan.widths}|{plan.clickable}|{styles}"


def _at(chunk: str, row: int) -> str:
    """The key of the chunk `chunk` written from `row` (0-based) on."""
    return hashlib.blake2b(f"{chunk}@{row}".encode(), digest_size=20).hexdigest()


@dataclass(frozen=True)
class _Measured:
    """A table's columns' `_measure` and how many URLs its link columns hold."""

    columns: tuple[tuple[int, int], ...]
    urls: int


def _measured(kinds: Sequence[ColumnKind], values: list[list[Any]]) -> _Measured:
    columns = tuple(_measure(kind, column) for kind, column in zip(kinds, values, strict=True))
    return _Measured(columns, _urls(values, kinds))


class _Measures:
    """The measures of segments, kept in the fragments cache beside the chunks (under keys
    of their own), so the widths of a table served in segments need not scan its values."""

    def __init__(self, cache: FragmentCache) -> None:
        self.cache = cache
        self.new: dict[str, Fragment] = {}
        self.used: list[str] = []

    def of(self, table: Table, kinds: tuple[ColumnKind, ...], rows: _Rows) -> _Measured:
        spans, at = [], 0
        for segment, n in table.segments:
            key = None
            if segment is not None:
                text = f"ukuran|{_CHUNK_FORMAT}|{table.sheet}|{segment}|{n}|{kinds}"
                key = "m" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
            spans.append((key, at, at + n))
            at += n
        keys = [k for k, _, _ in spans if k is not None]
        held = self.cache.fragments(set(keys))
        self.used.extend(keys)
        check = _checking_segments()
        parts = []
        for key, start, stop in spans:
            kept = (held.get(key) or self.new.get(key)) if key else None
            if kept is not None and not check:
                parts.append(_Measured(*marshal.loads(kept.data)))
                continue
            part = _measured(kinds, rows.span(start, stop))
            if kept is not None and _Measured(*marshal.loads(kept.data)) != part:
                raise AssertionError(f"{table.sheet}: segment {key} measured differently")
            if key is not None:
                self.new[key] = Fragment(marshal.dumps((part.columns, part.urls), 2), 0, 0)
            parts.append(part)
        columns = tuple(
            (max((p.columns[c][0] for p in parts), default=0),
             max((p.columns[c][1] for p in parts), default=0))
            for c in range(len(kinds))
        )  # fmt: skip
        return _Measured(columns, sum(p.urls for p in parts))


@dataclass(frozen=True, slots=True)
class _Piece:
    """One chunk of a plan: its key, its key wherever it starts (`chunk`), its rows
    (`start` to `stop`, from the plan's first) and whether a segment's key vouched for it."""

    key: str
    chunk: str
    start: int
    stop: int
    by_segment: bool


# Segments are grouped into chunks by their content, not by counting rows: a chunk ends after
# a segment of n rows whose digest, read as a fraction of 1, is below n / CHUNK_ROWS (so a
# chunk holds about CHUNK_ROWS rows, and a segment that long ends one always), or at `_MOST`
# rows. Counted rows would move every later boundary when one segment's row count changed,
# and every later chunk would hold other rows; cut by content, only the changed segment's
# chunk changes, and the chunks after it are renumbered, not built (`_chunks`).
_MOST = 8 * CHUNK_ROWS


def _ends_group(member: bytes, rows: int) -> bool:
    return int.from_bytes(member[:4], "big") * CHUNK_ROWS < rows << 32


def _groups(plan: _ChunkPlan) -> Iterator[tuple[list[bytes], int, int, bool]]:
    """The plan's rows in groups: (what each member's values are known by, first row, end
    row, whether a segment's key vouched for a member). A table without segments: one group
    every `CHUNK_ROWS` rows, known by its values."""
    n = plan.rows.n
    if not plan.segments:
        for start in range(0, n, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, n)
            yield [_values_digest(plan.rows.span(start, stop))], start, stop, False
        return
    members: list[bytes] = []
    first = at = 0
    keyed = False
    for segment, rows in plan.segments:
        if segment is None:
            member = _values_digest(plan.rows.span(at, at + rows))
        else:
            member = hashlib.blake2b(b"segmen|" + segment.encode(), digest_size=20).digest()
            keyed = True
        members.append(member)
        at += rows
        if _ends_group(member, rows) or at - first >= _MOST:
            yield members, first, at, keyed
            members, first, keyed = [], at, False
    if members:
        yield members, first, at, keyed


def _pieces(plan: _ChunkPlan, styles: str) -> list[_Piece]:
    """The plan's chunks: every `CHUNK_ROWS` rows of each group of `_groups`."""
    text = _plan_text(plan, styles).encode()
    out = []
    for members, first, end, keyed in _groups(plan):
        known = b"".join(members)
        for start in range(first, end, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, end)
            digest = hashlib.blake2b(known, digest_size=20)
            digest.update(f"|{start - first}|{stop - start}|{plan.sheet}|".encode() + text)
            chunk = digest.hexdigest()
            out.append(_Piece(_at(chunk, plan.first + start), chunk, start, stop, keyed))
    return out


def _build(plan: _ChunkPlan, start: int, stop: int, f: _Formats) -> Fragment:
    sheet = ChunkSheet(plan.first + start, stop - start, LINE_POINTS, MAX_ROW_POINTS)
    columns = plan.rows.span(start, stop)
    for c, writer in enumerate(plan.writers):
        writer(sheet, c, plan.first + start, columns[c], f)
    return sheet.fragment()


def _where(chunk: str) -> str:
    """The cache's note of the row a chunk was last written from, and under which key."""
    return "w" + chunk


def _chunks(
    plans: Sequence[_ChunkPlan], f: _Formats, cache: FragmentCache
) -> tuple[list[ChunkedSheet], dict[str, Fragment], list[str]]:
    """Each plan's chunks: held by the cache, held for another first row (rows above them
    came or went: renumbered, see `xlsxchunks.rebased`), or built. Where a chunk was is
    noted only in tables with segments: in fixed windows, rows that come or go above a
    chunk change what it holds, so it is never found elsewhere."""
    styles = f"{_CHUNK_FORMAT}|{__version__}|{xlsxwriter_version}|" + ",".join(
        f"{name}={fmt._get_xf_index()}" for name, fmt in vars(f).items()
    )
    keyed = [(plan, _pieces(plan, styles)) for plan in plans]
    pieces = [(plan, piece) for plan, plan_pieces in keyed for piece in plan_pieces]
    used = [piece.key for _, piece in pieces]
    wheres = [_where(piece.chunk) for plan, piece in pieces if plan.segments]
    held = cache.fragments({*used, *wheres})
    moved: dict[str, tuple[str, int]] = {}  # key -> (the key it had, rows it moves down)
    for plan, piece in pieces:
        note = held.get(_where(piece.chunk))
        if piece.key not in held and note is not None:
            row, key = marshal.loads(note.data)
            moved[piece.key] = (key, plan.first + piece.start - row)
    before = cache.fragments({key for key, _ in moved.values()}) if moved else {}
    check = _checking_segments()
    new: dict[str, Fragment] = {}
    sheets = []
    for plan, plan_pieces in keyed:
        made = []
        for piece in plan_pieces:
            fragment = held.get(piece.key) or new.get(piece.key)
            reused = fragment is not None and piece.by_segment
            if fragment is None:
                key, shift = moved.get(piece.key, ("", 0))
                if key in before:
                    fragment = new[piece.key] = rebased(before[key], shift)
                    reused = True
                else:
                    fragment = new[piece.key] = _build(plan, piece.start, piece.stop, f)
            if check and reused and _build(plan, piece.start, piece.stop, f) != fragment:
                raise AssertionError(f"{plan.sheet}: chunk {piece.key} differs from its rows")
            made.append(fragment)
            if not plan.segments:
                continue
            note = held.get(_where(piece.chunk))
            where = (plan.first + piece.start, piece.key)
            if note is None or marshal.loads(note.data) != where:
                new[_where(piece.chunk)] = Fragment(marshal.dumps(where, 2), 0, 0)
        last = (plan.first + plan.rows.n - 1, plan.rows.width - 1)
        sheets.append(ChunkedSheet(plan.number, made, last))
    return sheets, new, [*used, *wheres]


def _write_table(
    wb: Workbook,
    table: Table,
    f: _Formats,
    number: int,
    in_chunks: bool,
    footer: str,
    measures: _Measures | None = None,
) -> tuple[_Placed, _ChunkPlan | None]:
    """A chunked table in segments takes its columns' measures from `measures`."""
    ws = wb.add_worksheet(table.sheet, worksheet_class=TableWorksheet)
    columns = _columns(table)
    kinds = _kinds(table, columns)
    header_row = _header_row(table)
    row = 0
    if table.title:
        ws.write_string(row, 0, table.title, f.title)
        ws.set_row(row, 21)
        row += 1
    if table.subtitle:
        ws.write_string(row, 0, table.subtitle, f.subtitle)
        ws.set_row(row, 18)
        row += 1
    for note in table.notes:
        ws.write_string(row, 0, _clean(note), f.note)
        row += 1

    rows = _Rows(table, kinds)
    measured = None
    if in_chunks and table.segments and measures is not None:
        measured = measures.of(table, tuple(kinds), rows)
    # Every value at once only where the measures did not come from segments (a table of
    # rows built on demand always has them).
    values = rows.all() if measured is None else []
    widths = []
    header_lines = 1
    for c, (name, kind) in enumerate(zip(columns, kinds, strict=True)):
        width = table.widths.get(name) or _width_of(
            name, kind, measured.columns[c] if measured else _measure(kind, values[c])
        )
        widths.append(width)
        ws.set_column(c, c, width, _column_format(kind, f))
        ws.write_string(header_row, c, name, f.header)
        header_lines = max(header_lines, _words_lines(name, _limit(width)))  # bold: tighter
    if header_lines > 1:
        ws.set_row(header_row, LINE_POINTS * header_lines)

    n_rows = rows.n
    first = header_row + 1
    # Excel holds at most 65,530 hyperlinks per sheet. Rather than links that stop working
    # somewhere down a long table, such a sheet shows all its URLs as plain text.
    urls = measured.urls if measured else _urls(values, kinds)
    clickable = urls <= MAX_URLS
    writers = tuple(
        _column_writer(_write_text if kind is ColumnKind.LINK and not clickable else _WRITERS[kind],
                       width)
        for kind, width in zip(kinds, widths, strict=True)
    )  # fmt: skip
    plan = None
    if in_chunks:
        plan = _ChunkPlan(
            number, first, rows, tuple(kinds), tuple(widths), writers, clickable,
            table.sheet, tuple(table.segments),
        )  # fmt: skip
    else:
        for c, writer in enumerate(writers):
            writer(ws, c, first, values[c], f)
        for r, n in ws.lines.items():
            ws.set_row(r, min(LINE_POINTS * n, MAX_ROW_POINTS))
    if n_rows == 0:
        ws.write_string(first, 0, NO_DATA, f.no_data)

    ws.freeze_panes(first, 0)
    ws.autofilter(header_row, 0, header_row + n_rows, len(columns) - 1)
    # Printed: A4, one page wide, the header row on every page. A link column at the end
    # (Masalah's Tautan) is for clicking, not for paper: it is left out of the print.
    printed = len(columns)
    while printed > 1 and kinds[printed - 1] is ColumnKind.LINK:
        printed -= 1
    _print_setup(ws, footer, sum(widths[:printed]))
    ws.repeat_rows(header_row)
    if printed < len(columns):
        ws.print_area(0, 0, header_row + max(n_rows, 1), printed - 1)
    return _Placed(header_row, columns, kinds, n_rows), plan


def _limit(width: float) -> int:
    """The longest text a column of this width shows unwrapped (see LINE_SLACK)."""
    return max(1, int(width - LINE_SLACK))


def _per_line(width: float) -> int:
    """The characters a line of wrapped text holds in a column of this width."""
    return max(1, int(width * LINE_FILL) - LINE_WORD)


def _words_lines(text: str, per: int) -> int:
    """Lines a short text (a header) takes when wrapped at word ends."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def _column_writer(writer: _ColumnWriter, width: float) -> _ColumnWriter:
    if writer is not _write_text:
        return writer
    return functools.partial(_write_text, limit=_limit(width), per=_per_line(width))


def _print_setup(ws: Worksheet, footer: str, width: float, fit: bool = True) -> None:
    """A4, landscape when the printed columns are wide, one page wide (`fit`), with the
    sheet's name, the book's name and "Halaman X dari Y" at the foot of every page."""
    ws.set_paper(A4)
    if width > PORTRAIT_MAX_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGINS)
    if fit:
        ws.fit_to_pages(1, 0)
    ws.set_footer(footer, {"margin": 0.25})


def _footer(tables: Sequence[Table]) -> str:
    """The footer every sheet prints: its name (left), the book's title (centre) and the
    page number (right). "&" starts a code in a footer, so the title's own "&" is doubled."""
    first = tables[0]
    name = " — ".join(t for t in (first.subtitle, first.title) if t)
    left, right = "&L&8&A", "&R&8Halaman &P dari &N"
    room = FOOTER_MAX - len(left) - len(right) - len("&C&8")
    name = name.replace("&", "&&")
    if len(name) > room:
        name = name[: room - 1].rstrip("&") + "…"
    centre = f"&C&8{name}" if name else ""
    return left + centre + right


def _pages(charts: Sequence[Chart], tables: Sequence[Table]) -> dict[str, str]:
    """The sheets made for charts (sheet → title), in the order the charts name them."""
    names = {t.sheet.casefold() for t in tables}
    pages: dict[str, str] = {}
    for chart in charts:
        if chart.sheet.casefold() not in names and chart.page:
            pages.setdefault(chart.sheet, chart.page)
    return pages


def _write_page(wb: Workbook, sheet: str, title: str, f: _Formats, footer: str) -> _Placed:
    """A sheet for charts only: its title, no gridlines, printed like the tables."""
    ws = wb.add_worksheet(sheet)
    ws.write_string(0, 0, title, f.title)
    ws.set_row(0, 21)
    ws.hide_gridlines(2)
    # Columns of XlsxWriter's default width, written out: a chart is anchored to cells, and
    # LibreOffice's own default column is wider, which stretched and moved the charts.
    ws.set_column_pixels(0, PAGE_COLUMNS - 1, COLUMN_PIXELS)
    _print_setup(ws, footer, PORTRAIT_MAX_WIDTH + 1)  # charts side by side: landscape
    return _Placed(CHART_PAGE_TOP - 1, (), (), 0)


def _check_charts(charts: Sequence[Chart], tables: Sequence[Table]) -> None:
    by_sheet = {t.sheet: t for t in tables}
    pages = _pages(charts, tables)
    for chart in charts:
        where = f"chart {chart.title!r}"
        if chart.kind not in CHART_TYPES:
            raise ValueError(f"{where}: kind must be one of {sorted(CHART_TYPES)}")
        if chart.sheet in pages:
            if not 1 <= len(chart.sheet) <= 31 or _BAD_SHEET_CHARS.search(chart.sheet):
                raise ValueError(f"{where}: sheet name Excel refuses: {chart.sheet!r}")
        elif chart.sheet not in by_sheet:
            raise ValueError(f"{where}: no table sheet {chart.sheet!r} to place it on")
        if chart.table not in by_sheet:
            raise ValueError(f"{where}: no table {chart.table!r}")
        table = by_sheet[chart.table]
        if table.rows is not None:  # a chart's cached values come from cells XlsxWriter holds
            raise ValueError(f"{where}: table {chart.table!r} has its rows built on demand")
        columns = _columns(table)
        if not chart.series:
            raise ValueError(f"{where}: no series")
        for name in (chart.categories, *chart.series):
            if name not in columns:
                raise ValueError(f"{where}: no column {name!r} in {chart.table!r}")
        kinds = dict(zip(columns, _kinds(table, columns), strict=True))
        for name in chart.series:
            if kinds[name] not in _NUMERIC:
                raise ValueError(f"{where}: series {name!r} is not a numeric column")
        if chart.rows is not None:
            start, end = chart.rows
            if not 0 <= start <= end:
                raise ValueError(f"{where}: rows must be 0 <= start <= end")
        if chart.anchor is not None and min(chart.anchor) < 0:
            raise ValueError(f"{where}: anchor must not be negative")
        if chart.size is not None and min(chart.size) <= 0:
            raise ValueError(f"{where}: size must be positive")
        if chart.colours and len(chart.colours) != len(chart.series):
            raise ValueError(f"{where}: one colour per series")


def _insert_charts(wb: Workbook, charts: Sequence[Chart], placed: Mapping[str, _Placed]) -> None:
    next_free: dict[str, int] = {}  # table sheet → row of the next default-placed chart
    grid: dict[str, _Grid] = {}  # chart sheet → where its next chart goes
    for chart in charts:
        source = placed[chart.table]
        start, end = chart.rows if chart.rows is not None else (0, source.n_rows - 1)
        end = min(end, source.n_rows - 1, start + CHART_MAX_ROWS - 1)
        if end < start:
            continue  # nothing to plot: an empty chart only confuses
        first = source.header_row + 1 + start
        last = source.header_row + 1 + end
        sheet = chart.table
        cat = source.column(chart.categories)
        spec = dict(CHART_TYPES[chart.kind])
        xl_chart = wb.add_chart(spec)
        for k, name in enumerate(chart.series):
            c = source.column(name)
            series: dict[str, Any] = {
                "name": [sheet, source.header_row, c],
                "categories": [sheet, first, cat, last, cat],
                "values": [sheet, first, c, last, c],
            }
            if chart.colours and spec["type"] == "line":
                colour = chart.colours[k]
                series["line"] = {"color": colour, "width": 2.25}
                series["marker"] = {"type": "circle", "fill": {"color": colour},
                                    "border": {"color": colour}}  # fmt: skip
            elif chart.colours:
                series["fill"] = {"color": chart.colours[k]}
                series["border"] = {"color": chart.colours[k]}
            if chart.values_shown:
                series["data_labels"] = {"value": True, "font": {"size": 9}}
            xl_chart.add_series(series)
        xl_chart.set_title({"name": chart.title, "name_font": {"size": 12, "bold": True}})
        # XlsxWriter's x axis is the horizontal one; in a bar chart that holds the values.
        bar = spec["type"] == "bar"
        category_axis, value_axis = (
            (xl_chart.set_y_axis, xl_chart.set_x_axis)
            if bar
            else (xl_chart.set_x_axis, xl_chart.set_y_axis)
        )
        # Every category labelled (no spreadsheet may skip some to save room); in a bar
        # chart the first row is drawn at the top, as it reads in the table.
        categories: dict[str, Any] = {"interval_unit": 1, "num_font": {"size": 9}}
        if bar:
            categories.update({"reverse": True, "crossing": "max"})
        if chart.x_title:
            categories["name"] = chart.x_title
        category_axis(categories)
        values: dict[str, Any] = {"num_font": {"size": 9}, "major_gridlines": {"visible": True}}
        if chart.y_title:
            values["name"] = chart.y_title
        if all(source.kinds[source.column(name)] is ColumnKind.PERCENT for name in chart.series):
            values["num_format"] = "0.##%"  # the cells hold fractions (ColumnKind.PERCENT)
        value_axis(values)
        if len(chart.series) == 1:
            xl_chart.set_legend({"none": True})  # the title already names the only series
        else:
            xl_chart.set_legend({"position": "bottom", "font": {"size": 9}})
        width, height = chart.size or CHART_SIZE
        xl_chart.set_size({"width": width, "height": height})
        host = placed[chart.sheet]
        options: dict[str, Any] = {}
        if chart.anchor is not None:
            row, col = chart.anchor
        elif not host.columns:  # a chart sheet: side by side, from the top left
            at = grid.setdefault(chart.sheet, _Grid())
            row, col = at.place(width, height)
            options = {"x_offset": at.x - width - CHART_GAP}
        else:
            row = next_free.get(chart.sheet, host.header_row)
            col = len(host.columns) + 1
            next_free[chart.sheet] = row + CHART_HEIGHT_ROWS
        wb.get_worksheet_by_name(chart.sheet).insert_chart(row, col, xl_chart, options)
    for sheet, at in grid.items():
        at.print_setup(wb.get_worksheet_by_name(sheet))


@dataclass
class _Grid:
    """The charts of a chart sheet, CHARTS_PER_ROW to a row; each row of charts starts on a
    sheet row of its own, so a page can break between them."""

    x: int = 0  # pixels from the left of the next chart in the current row
    in_row: int = 0
    rows: list[tuple[int, int]] = field(default_factory=list)  # (sheet row, height in px)
    widest: int = 0

    def place(self, width: int, height: int) -> tuple[int, int]:
        """The sheet row and column of a chart's top left (the x offset is `x - width - gap`
        afterwards)."""
        if not self.rows or self.in_row == CHARTS_PER_ROW:
            if self.rows:
                row, tallest = self.rows[-1]
                below = row + -(-(tallest + CHART_GAP) // ROW_PIXELS)
            else:
                below = CHART_PAGE_TOP
            self.rows.append((below, 0))
            self.x, self.in_row = 0, 0
        row, tallest = self.rows[-1]
        self.rows[-1] = (row, max(tallest, height))
        self.x += width + CHART_GAP
        self.in_row += 1
        self.widest = max(self.widest, self.x - CHART_GAP)
        return row, 0

    def print_setup(self, ws: Worksheet) -> None:
        """A page break before any row of charts that would be cut at the foot of a page.
        The sheet prints one page wide, at the scale its widest row of charts needs with
        XlsxWriter's default font: a wider substitute font (without Calibri or Carlito)
        shrinks the print further, so a page then holds more than this counts on."""
        wide, high = PAGE_PIXELS
        scale = max(10, min(100, wide * 100 // max(self.widest, 1)))
        room = high * 100 // scale
        top, breaks = 0, []
        for row, height in self.rows:
            start = row * ROW_PIXELS
            if start > top and start + height - top > room:
                breaks.append(row)
                top = start
        if breaks:
            ws.set_h_pagebreaks(breaks)


# --- data files ------------------------------------------------------------------------------


def data_file_name(sheet: str, fmt: str) -> str:
    """The data file of a sheet: "Hasil Kerja" → "hasil_kerja.csv"."""
    return sheet.lower().replace(" ", "_") + "." + fmt


@contextlib.contextmanager
def _destination(path: Path, overwrite: bool, stage: Staged | None) -> Iterator[Path]:
    if stage is None:
        with atomic_path(path, overwrite) as tmp:
            yield tmp
    else:
        yield stage.path(path)


def write_data(
    directory: Path,
    tables: Sequence[Table],
    fmt: str = "csv",
    overwrite: bool = False,
    stage: Staged | None = None,
) -> list[Path]:
    """Write one file per table into `directory` (created); return the paths in table order.

    The values are those of the score book: NIP and text columns stay strings, Fractions
    and Decimals become floats, bools become "Ya"/"Tidak" in text columns; a numeric or date
    column that also holds text becomes a text column. CSV is UTF-8 with a BOM (so Excel
    reads the encoding right) and commas. Without `overwrite`, nothing is written when any
    target exists.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown data format {fmt!r}: use 'csv' or 'parquet'")
    _check_tables(tables)
    for t in tables:
        if t.rows is not None:  # its frame holds no rows: the file would be silently empty
            raise ValueError(f"{t.sheet}: a data file needs the rows, not rows built on demand")
    targets = [directory / data_file_name(t.sheet, fmt) for t in tables]
    if len({p.name for p in targets}) != len(targets):
        raise ValueError("two sheets give the same data file name")
    if not overwrite:
        for target in targets:
            if target.exists():
                raise SheetnilaiError("berkas-sudah-ada", {"path": target})
    for table, target in zip(tables, targets, strict=True):
        frame = _data_frame(table)
        with _destination(target, overwrite, stage) as tmp:
            if fmt == "csv":
                frame.to_csv(tmp, index=False, encoding="utf-8-sig")
            else:
                frame.to_parquet(tmp, index=False, engine="pyarrow")
    return targets


def _data_frame(table: Table) -> pd.DataFrame:
    columns = _columns(table)
    kinds = _kinds(table, columns)
    data: dict[str, Any] = {}
    for i, (name, kind) in enumerate(zip(columns, kinds, strict=True)):
        series = table.frame.iloc[:, i]
        data[name] = _data_column(series, kind)
    return pd.DataFrame(data, index=pd.RangeIndex(len(table.frame)))


def _data_column(series: pd.Series, kind: ColumnKind) -> Any:
    values = series.tolist()
    if kind in _TEXTUAL:
        return _strings(values)  # NIP columns were checked to be text already
    if kind is ColumnKind.DATETIME:
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            return series.reset_index(drop=True)
        present = [v for v in values if not _missing(v)]
        if all(isinstance(v, dt.datetime) for v in present):
            try:
                return pd.to_datetime(pd.Series([None if _missing(v) else v for v in values]))
            except (ValueError, TypeError):
                pass  # e.g. mixed time zones: keep them as text rather than guess
        return _strings(values)
    nums = [None if _missing(v) else _number(v) for v in values]
    if any(n is None and not _missing(v) for n, v in zip(nums, values, strict=True)):
        return _strings(values)  # text in a numeric column: keep everything as text
    if kind is ColumnKind.INTEGER and all(n is None or n.is_integer() for n in nums):
        ints = [None if n is None else int(n) for n in nums]
        return pd.array(ints, dtype="Int64")
    return pd.array([math.nan if n is None else n for n in nums], dtype="float64")


def _strings(values: list[Any]) -> Any:
    return pd.array([None if _missing(v) else _text(v) for v in values], dtype=object)
