"""A unit workbook as typed rows, read by the names the template stores.

`extract` turns a `RawBook` (every cell with its formula and cached value) into a `UnitBook`:
the metadata, and per SKP sheet the identity cells, the hasil kerja rows, the perilaku rows,
the penilaian rows per period and the lampiran, each cell keeping its coordinates. Blocks are
found through their sheet-scoped defined names and columns through the hidden key row, so
rows inserted inside a block and hidden or moved columns do not break reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.problems import Problem
from sheetnilai.rules.nip import compact
from sheetnilai.sources.raw import RawBook, RawCell, RawSheet, cell_ref, parse_ref
from sheetnilai.workbook.layout import (
    MASALAH_TITLE,
    META_GID_COL,
    META_LEMBAR_ROW,
    META_SHEET,
    READABLE_VERSIONS,
    RECAP_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    SkpLayout,
)

# The sheets of a score book `sheetnilai konsolidasi` writes (report.SHEETS): a score book
# left in the source folder is recognised by them and noted, not taken for a foreign workbook.
SCOREBOOK_SHEETS = (
    "Ringkasan",
    "Pegawai",
    "Hasil Kerja",
    "Distribusi",
    "Kalibrasi",
    "IKM",
    "Masalah",
    "Belum Masuk",
    "Pengembangan",
    "Rencana Pengembangan",
    "Talenta",
    "Kotak Talenta",
    "Metadata",
)
# The sheets every score book has had since the first version: enough to recognise one, also
# one written before later sheets (Kalibrasi, IKM, Talenta, …).
SCOREBOOK_CORE = ("Ringkasan", "Pegawai", "Hasil Kerja", "Distribusi", "Masalah",
                  "Belum Masuk", "Metadata")  # fmt: skip
# The names every SKP sheet stores for its blocks and the columns each block must keep; a
# sheet missing any of them cannot be read reliably and is reported, never dropped.
BLOCK_NAMES = ("SN_HK", "SN_PK", "SN_NILAI")
REQUIRED_KEYS = {
    "SN_HK": ("rhk", "iki", "target", "target_atas", "arah", "target_kualitatif"),
    "SN_PK": ("aspek",),
    "SN_NILAI": ("kode", "saran", "rating_hasil", "rating_perilaku", "predikat", "bulan"),
}
REQUIRED_IDENTITY = ("SN_PEG_NIP", "SN_PEG_NAMA")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as read: raw value, the formula if any, a stored error, and where it is.

    `date`: the date a date-formatted number shows; `percent`: the number has a percent
    format (RawSheet.dates/percents; only hasil kerja rows carry them).
    """

    value: object
    ref: str
    formula: str | None = None
    error: str | None = None
    date: dt.date | None = None
    percent: bool = False

    @property
    def blank(self) -> bool:
        return self.value is None or self.value == ""

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value).strip()


EMPTY = Cell(None, "")


class Row:
    """A row of a keyed block; cells are made on access (most of a block is never read)."""

    __slots__ = ("_any", "_cache", "_cols", "_sheet", "row")

    def __init__(self, row: int, sheet: RawSheet, cols: Mapping[str, int]) -> None:
        self.row = row  # 0-based
        self._sheet = sheet
        self._cols = cols
        # Cells already made: a run over several periods asks for the plan cells each time.
        self._cache: dict[str, Cell] = {}
        self._any: bool | None = None

    def get(self, key: str) -> Cell:
        found = self._cache.get(key)
        if found is not None:
            return found
        col = self._cols.get(key)
        if col is None:
            return EMPTY
        sheet = self._sheet
        at = (self.row, col)
        raw = sheet.cells.get(at)
        if raw is None:
            made = Cell(None, cell_ref(self.row, col))
        else:
            made = Cell(
                raw.value,
                cell_ref(self.row, col),
                raw.formula,
                raw.error,
                sheet.dates.get(at) if sheet.dates else None,
                at in sheet.percents,
            )
        self._cache[key] = made
        return made

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._cols)

    def formula_missing(self, key: str) -> bool:
        """True when the column exists here but the cell holds no formula."""
        col = self._cols.get(key)
        if col is None:
            return False
        raw = self._sheet.cells.get((self.row, col))
        return raw is None or raw.formula is None

    @property
    def empty(self) -> bool:
        """No keyed cell of the row holds anything (computed once: most rows are unused)."""
        if self._any is None:
            self._any = self.has_content()
        return not self._any

    def has_content(self, keys: tuple[str, ...] | None = None) -> bool:
        if keys is not None and self._any is False:
            return False
        cells = self._sheet.cells
        for key in self._cols if keys is None else keys:
            col = self._cols.get(key)
            raw = cells.get((self.row, col)) if col is not None else None
            if raw is not None and raw.value is not None and raw.value != "":
                return True
        return False


@dataclass(slots=True)
class SkpSheet:
    title: str
    identity: dict[str, Cell]  # "peg_nip", "pnl_nama", …
    hasil_kerja: list[Row]  # every data row of the block (blank rows included)
    perilaku: list[Row]
    nilai: dict[str, Row]  # period key -> row
    lampiran: list[Row]

    def ident(self, key: str) -> Cell:
        return self.identity.get(key, EMPTY)

    @property
    def nip(self) -> str:
        """The NIP as text; a NIP typed in groups ("19660801 198803 1 001") is compacted."""
        text = self.ident("peg_nip").text
        digits = compact(text)
        return digits if len(digits) == 18 and digits.isdigit() else text

    @property
    def nama(self) -> str:
        return self.ident("peg_nama").text


@dataclass(frozen=True, slots=True)
class Listed:
    """An SKP sheet as the template listed it when it was generated (SN_LEMBAR)."""

    title: str
    nip: str
    nama: str


@dataclass(frozen=True, slots=True)
class DamagedSheet:
    """An SKP sheet whose stored names or key rows are gone: it cannot be read reliably."""

    title: str
    nip: str  # as far as it can still be read ("" if not)
    nama: str
    missing: tuple[str, ...]  # what is gone, in Indonesian ("nama SN_HK", "kolom iki", …)


@dataclass(slots=True)
class UnitBook:
    path: Path
    name: str  # as problems show it: the path relative to the source folder
    sha256: str = ""
    format: str = ""
    version: int | None = None
    unit: str = ""
    year: int | None = None
    scheme: str = ""
    periods: tuple[str, ...] = ()
    sheets: list[SkpSheet] = field(default_factory=list)
    org_predikat: dict[str, Cell] = field(default_factory=dict)  # period key -> Rekap cell
    problems: list[Problem] = field(default_factory=list)
    gids: dict[str, int] = field(default_factory=dict)  # sheet title -> Google sheet id
    policy_text: str = ""  # the policy (TOML) the workbook was generated with; "" if unknown
    year_text: str = ""  # the year as stored, to name it when it cannot be read
    listed: list[Listed] = field(default_factory=list)  # the SKP sheets it was made with
    damaged: list[DamagedSheet] = field(default_factory=list)
    # Sheets without any of our names that still hold a NIP where the template puts it (an
    # SKP sheet copied by its cells into a new sheet): (title, nip, nama). Not read; noted.
    lookalikes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def is_template(self) -> bool:
        return self.format == TEMPLATE_FORMAT


class NotReadable(Exception):
    """The workbook is not a sheetnilai unit workbook we can read; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _cell(sheet: RawSheet, row: int, col: int) -> Cell:
    raw: RawCell | None = sheet.cells.get((row, col))
    if raw is None:
        return Cell(None, cell_ref(row, col))
    return Cell(raw.value, cell_ref(row, col), raw.formula, raw.error)


def _resolve(
    book: RawBook, ref: str, default_sheet: str | None
) -> tuple[RawSheet, int, int, int, int] | None:
    try:
        sheet_name, r1, c1, r2, c2 = parse_ref(ref.lstrip("="))
    except ValueError:
        return None
    sheet = book.sheets.get(sheet_name or default_sheet or "")
    if sheet is None:
        return None
    return sheet, r1, c1, r2, c2


def _keyed_block(
    book: RawBook, sheet: RawSheet, ref: str | None
) -> tuple[list[str], list[Row]] | None:
    """Rows of a block whose first row holds the column keys."""
    if ref is None:
        return None
    found = _resolve(book, ref, sheet.name)
    if found is None:
        return None
    src, r1, c1, r2, c2 = found
    cols: dict[str, int] = {}
    for c in range(c1, c2 + 1):
        key = src.cells.get((r1, c))
        if key is not None and isinstance(key.value, str) and key.value and key.value not in cols:
            cols[key.value] = c
    rows = [Row(r, src, cols) for r in range(r1 + 1, r2 + 1)]
    return list(cols), rows


def _meta(book: RawBook, name: str) -> object:
    ref = book.names.get(name)
    if ref is None:
        return None
    found = _resolve(book, ref, META_SHEET)
    if found is None:
        return None
    sheet, r1, c1, _, _ = found
    raw = sheet.cells.get((r1, c1))
    return None if raw is None else raw.value


def extract(book: RawBook, name: str) -> UnitBook:
    """Read a unit workbook by its names; raises NotReadable when it is not one of ours."""
    unit = UnitBook(path=book.path, name=name)
    unit.format = str(_meta(book, "SN_FORMAT") or "")
    if unit.format != TEMPLATE_FORMAT:
        if all(s in book.sheets for s in SCOREBOOK_CORE):
            raise NotReadable(Problem.make("buku-nilai-dilewati", file=name))
        raise NotReadable(Problem.make("bukan-templat-sheetnilai", file=name))
    version = _meta(book, "SN_VERSI")
    unit.version = int(version) if isinstance(version, int | float) else None
    if unit.version not in READABLE_VERSIONS:
        raise NotReadable(
            Problem.make(
                "versi-templat-tidak-dikenal",
                params={"found": "" if version is None else version, "expected": TEMPLATE_VERSION},
                file=name,
                sheet=META_SHEET,
            )
        )
    unit.unit = str(_meta(book, "SN_UNIT") or "").strip()
    year = _meta(book, "SN_TAHUN")
    unit.year = parse_year(year)
    unit.year_text = "" if year is None else Cell(year, "").text
    unit.scheme = str(_meta(book, "SN_SKEMA") or "")
    unit.periods = tuple(p for p in str(_meta(book, "SN_PERIODE") or "").split(",") if p)
    unit.policy_text = str(_meta(book, "SN_KEBIJAKAN") or "")
    unit.listed = _listed(book)
    listed_titles = {entry.title: entry for entry in unit.listed}

    for title, sheet in book.sheets.items():
        local = book.local_names.get(title, {})
        ours = [n for n in local if n.startswith("SN_")]
        if not ours and title not in listed_titles:
            if MASALAH_TITLE.match(title):
                continue  # sinkron's write-back: it lists NIPs, it is no SKP sheet
            lookalike = _lookalike(sheet)
            if lookalike is not None:
                unit.lookalikes.append(lookalike)
            continue  # a sheet of the user's own (notes, a chart): not an SKP sheet
        damage = _damage(book, sheet, local)
        if damage:
            unit.damaged.append(_damaged(book, sheet, local, listed_titles.get(title), damage))
            continue
        unit.sheets.append(_extract_sheet(book, sheet, local, unit))
    _extract_recap(book, unit)
    unit.gids = _gids(book)
    return unit


def parse_year(value: object) -> int | None:
    """The year stored in a workbook's metadata: a whole number (or its digits as text)
    from 1900 to 2999; anything else is unreadable (None), never rounded into a year."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1900 <= value <= 2999:
        return value
    return None


def _listed(book: RawBook) -> list[Listed]:
    """The (title, NIP, nama) table the generator wrote into the metadata sheet."""
    ref = book.names.get("SN_LEMBAR")
    found = _resolve(book, ref, META_SHEET) if ref else None
    if found is None:
        return []
    sheet, r1, c1, r2, _ = found
    out = []
    for r in range(r1 + 1, r2 + 1):
        title = _cell(sheet, r, c1).text
        if title:
            out.append(Listed(title, _cell(sheet, r, c1 + 1).text, _cell(sheet, r, c1 + 2).text))
    return out


def _damage(book: RawBook, sheet: RawSheet, local: dict[str, str]) -> list[str]:
    """What an SKP sheet lacks of the names and key columns the reader relies on."""
    missing: list[str] = []
    for name in (*BLOCK_NAMES, *REQUIRED_IDENTITY):
        if name not in local or _resolve(book, local[name], sheet.name) is None:
            missing.append(f"nama {name}")
    for name, keys in REQUIRED_KEYS.items():
        if f"nama {name}" in missing:
            continue
        block = _keyed_block(book, sheet, local[name])
        present = set(block[0]) if block else set()
        missing.extend(f"kolom {key} ({name})" for key in keys if key not in present)
    return missing


def _damaged(
    book: RawBook,
    sheet: RawSheet,
    local: dict[str, str],
    listed: Listed | None,
    missing: list[str],
) -> DamagedSheet:
    """Name the pegawai of a damaged sheet as well as can be read: its own identity names,
    else the generator's list, else the cells where the template put NIP and nama."""

    def read(key: str) -> str:
        ref = local.get(f"SN_{key.upper()}")
        found = _resolve(book, ref, sheet.name) if ref else None
        if found is not None:
            return _cell(found[0], found[1], found[2]).text
        return _cell(sheet, *_TEMPLATE_IDENTITY[key]).text

    nip = read("peg_nip") or (listed.nip if listed else "")
    nama = read("peg_nama") or (listed.nama if listed else "")
    digits = compact(nip)
    nip = digits if len(digits) == 18 and digits.isdigit() else nip
    return DamagedSheet(sheet.name, nip, nama, tuple(missing))


def _lookalike(sheet: RawSheet) -> tuple[str, str, str] | None:
    nip = compact(_cell(sheet, *_TEMPLATE_IDENTITY["peg_nip"]).text)
    if len(nip) != 18 or not nip.isdigit():
        return None
    return sheet.name, nip, _cell(sheet, *_TEMPLATE_IDENTITY["peg_nama"]).text


# Identity cells do not move with the periods; any scheme gives the template's positions.
_TEMPLATE_IDENTITY = {key: SkpLayout(()).identity_cells[key] for key in ("peg_nip", "peg_nama")}


def _gids(book: RawBook) -> dict[str, int]:
    """Google's sheet ids, written by `gsheet kirim` as (title, gid) rows in the metadata sheet
    (absent from workbooks that never went through Google)."""
    meta = book.sheets.get(META_SHEET)
    if meta is None:
        return {}
    gids = {}
    r = META_LEMBAR_ROW + 1
    while (title := meta.cells.get((r, META_GID_COL - 1))) is not None:
        gid = meta.cells.get((r, META_GID_COL))
        if gid is not None and isinstance(gid.value, int | float):
            gids[str(title.value)] = int(gid.value)
        r += 1
    return gids


def _extract_sheet(
    book: RawBook, sheet: RawSheet, local: dict[str, str], unit: UnitBook
) -> SkpSheet:
    identity: dict[str, Cell] = {}
    for name, ref in local.items():
        if name.startswith("SN_") and name not in ("SN_HK", "SN_PK", "SN_NILAI", "SN_LAMPIRAN"):
            found = _resolve(book, ref, sheet.name)
            if found is not None:
                src, r1, c1, _, _ = found
                identity[name[3:].lower()] = _cell(src, r1, c1)
    hk = _keyed_block(book, sheet, local.get("SN_HK"))
    pk = _keyed_block(book, sheet, local.get("SN_PK"))
    nilai = _keyed_block(book, sheet, local.get("SN_NILAI"))
    lamp = _keyed_block(book, sheet, local.get("SN_LAMPIRAN"))
    # The last row of the hasil kerja block is the closing row, not data.
    hk_rows = hk[1][:-1] if hk else []
    nilai_rows: dict[str, Row] = {}
    for row in nilai[1] if nilai else []:
        code = row.get("kode").text
        if code:
            nilai_rows[code] = row
    return SkpSheet(
        title=sheet.name,
        identity=identity,
        hasil_kerja=hk_rows,
        perilaku=pk[1] if pk else [],
        nilai=nilai_rows,
        lampiran=lamp[1] if lamp else [],
    )


def _extract_recap(book: RawBook, unit: UnitBook) -> None:
    ref = book.names.get("SN_REKAP_DISTRIBUSI")
    found = _resolve(book, ref, RECAP_SHEET) if ref else None
    if found is None:
        return
    sheet, r1, c1, _, c2 = found
    # Block rows: period labels, then the organisation predikat; column c1 holds the labels.
    for i, c in enumerate(range(c1 + 1, c2 + 1)):
        if i < len(unit.periods):
            unit.org_predikat[unit.periods[i]] = _cell(sheet, r1 + 1, c)


@dataclass(frozen=True, slots=True)
class Peek:
    """What a unit workbook says about itself, read without its SKP sheets."""

    unit: str
    year: int | None
    periods: tuple[str, ...]


def peek(path: Path) -> Peek | None:
    """A quick look at a unit workbook's metadata (None when it is not one we can read):
    enough to check a command's --periode before the whole consolidation runs."""
    from sheetnilai.sources.raw import ReadError, read_book

    try:
        book = read_book(path, only=frozenset({META_SHEET}))
    except (ReadError, OSError):
        return None
    if str(_meta(book, "SN_FORMAT") or "") != TEMPLATE_FORMAT:
        return None
    year = parse_year(_meta(book, "SN_TAHUN"))
    return Peek(
        unit=str(_meta(book, "SN_UNIT") or "").strip(),
        year=year,
        periods=tuple(p for p in str(_meta(book, "SN_PERIODE") or "").split(",") if p),
    )
