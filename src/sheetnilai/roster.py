"""The roster (daftar pegawai) HR exports from its personnel system: typed rows and problems.

`read_roster` reads an .xlsx, .csv or text (.txt, .tsv; Excel's "Unicode Text" is UTF-16
with tabs) roster into a `Roster`. Bad data never raises: every finding becomes a `Problem`
placed at the roster cell, and a row that cannot be used (bad or duplicate NIP, unknown
jenis jabatan, no nama or unit kerja) is left out of `Roster.pegawai`, so whatever is in the
roster, the workbooks built from `Roster.pegawai` are sound. Only a roster that cannot be
read at all (missing, unsupported, corrupt, required column missing) raises
`SheetnilaiError`.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from sheetnilai.errors import SheetnilaiError
from sheetnilai.problems import Problem, Severity
from sheetnilai.rules.angka_kredit import find_jenjang
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.nip import check_nip, compact
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.rules.talenta import Potensial, parse_potensial

__all__ = [
    "JenisJabatan",
    "Pegawai",
    "Roster",
    "Status",
    "read_roster",
    "safe_file_stem",
    "sample_roster_path",
    "sheet_title",
]


class JenisJabatan(Enum):
    JPT = "JPT"
    ADMINISTRATOR = "Administrator"
    PENGAWAS = "Pengawas"
    PELAKSANA = "Pelaksana"
    FUNGSIONAL = "Fungsional"

    @property
    def label(self) -> str:
        return str(self.value)


class Status(Enum):
    PNS = "PNS"
    PPPK = "PPPK"

    @property
    def label(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Pegawai:
    nip: str  # 18 digits, as text, compacted
    nama: str
    jabatan: str
    jenis_jabatan: JenisJabatan
    status: Status
    jenjang: str | None  # jenjang jabatan fungsional (for angka kredit), None otherwise
    pangkat: str
    unit: str
    penilai_nip: str | None
    atasan_penilai_nip: str | None
    email: str | None
    row: int  # 1-based row in the roster file (header is row 1)
    # From an assessment (assessment centre, uji kompetensi), for the 9-box; None when blank.
    potensial: Potensial | None = None


@dataclass(slots=True)
class Roster:
    source: str  # file name, for problems
    pegawai: list[Pegawai] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def units(self) -> dict[str, list[Pegawai]]:
        """Pegawai grouped by unit kerja, in roster order."""
        out: dict[str, list[Pegawai]] = {}
        for p in self.pegawai:
            out.setdefault(p.unit, []).append(p)
        return out

    def by_nip(self) -> dict[str, Pegawai]:
        return {p.nip: p for p in self.pegawai}

    def penilai_of(self, p: Pegawai) -> Pegawai | None:
        """The pejabat penilai when they are in the roster; None when blank or outside it."""
        return self.by_nip().get(p.penilai_nip) if p.penilai_nip else None

    def atasan_penilai_nip_of(self, p: Pegawai) -> str | None:
        """The atasan pejabat penilai as given, else the penilai's own penilai."""
        if p.atasan_penilai_nip:
            return p.atasan_penilai_nip
        penilai = self.penilai_of(p)
        return penilai.penilai_nip if penilai else None


def sample_roster_path() -> Path:
    """The fictional roster of Kabupaten Sukamaju shipped with the package."""
    return Path(str(resources.files("sheetnilai") / "data" / "contoh_daftar_pegawai.csv"))


# --- file and sheet names -----------------------------------------------------------------

# Windows forbids these in file names; control characters break zip entries and mail.
_ILLEGAL_FILE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED_FILE = {"CON", "PRN", "AUX", "NUL"} | {
    f"{d}{i}" for d in ("COM", "LPT") for i in range(10)
}
_STEM_MAX = 80  # leaves room for a folder and a suffix within Windows' 260-character path
# Readers skip a file whose name starts with "~$" (Excel's lock file) or "." (hidden files,
# LibreOffice's ".~lock.…#", our own temporary files), and ".." reads as "the folder above":
# a workbook named so would be written, then never consolidated.
_LEADING_SKIPPED = re.compile(r"^(?:[.\s]|~\$)+")
_DOT_RUN = re.compile(r"\.{2,}")
_ILLEGAL_SHEET = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_SHEET_MAX = 31  # Excel's limit


def safe_file_stem(unit: str) -> str:
    """A file-name stem for a unit kerja: Windows-safe, at most 80 characters, never empty.

    It never starts with "~$" or "." and never holds "..", so every folder reader (ours
    included) takes the file for a workbook, not a lock, hidden or temporary file.
    """
    stem = " ".join(_ILLEGAL_FILE.sub("-", unit).split())
    stem = _LEADING_SKIPPED.sub("", _DOT_RUN.sub(".", stem))
    # Windows drops trailing dots and spaces itself, so two units could end up as one file.
    stem = stem[:_STEM_MAX].rstrip(" .")
    if stem.upper() in _RESERVED_FILE:
        stem += "-unit"
    return stem or "unit-kerja"


def sheet_title(index: int, nama: str, used: set[str]) -> str:
    """A unique Excel sheet name "01 Nama Pegawai" (≤ 31 characters); it is added to `used`."""
    prefix = f"{index:02d}" if index <= 99 else f"{index:03d}"
    name = " ".join(_ILLEGAL_SHEET.sub(" ", nama).split())
    base = f"{prefix} {name}" if name else prefix
    taken = {u.casefold() for u in used}  # Excel compares sheet names case-insensitively
    title = _fit_title(base, "")
    n = 2
    while title.casefold() in taken:
        title = _fit_title(base, f" ({n})")
        n += 1
    used.add(title)
    return title


def _fit_title(base: str, suffix: str) -> str:
    # Excel rejects a sheet name that ends with an apostrophe (it quotes names with them).
    head = base[: _SHEET_MAX - len(suffix)].rstrip(" '")
    return head + suffix


# --- columns -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    label: str  # the canonical header, used in messages when the column is absent
    aliases: tuple[str, ...]
    required: bool


_FIELDS: tuple[_Field, ...] = (
    _Field("nip", "NIP", ("NIP", "NIP/NI PPPK", "NI PPPK", "NIP Pegawai"), True),
    _Field("nama", "Nama", ("Nama", "Nama Pegawai", "Nama Lengkap"), True),
    _Field("jabatan", "Jabatan", ("Jabatan", "Nama Jabatan"), True),
    _Field("jenis", "Jenis Jabatan", ("Jenis Jabatan",), True),
    _Field("status", "Status", ("Status", "Status Kepegawaian", "Status Pegawai"), False),
    _Field(
        "jenjang",
        "Jenjang",
        ("Jenjang", "Jenjang Jabatan Fungsional", "Jenjang Jabatan", "Jenjang JF"),
        False,
    ),
    _Field(
        "pangkat",
        "Pangkat/Golongan",
        (
            "Pangkat/Golongan",
            "Pangkat",
            "Golongan",
            "Pangkat/Gol. Ruang",
            "Pangkat/Gol",
            "Gol",
            "Gol. Ruang",
            "Golongan Ruang",
        ),
        False,
    ),
    _Field("unit", "Unit Kerja", ("Unit Kerja", "Unit"), True),
    _Field(
        "penilai",
        "NIP Pejabat Penilai",
        ("NIP Pejabat Penilai", "NIP Penilai", "NIP Atasan Langsung"),
        True,
    ),
    _Field(
        "atasan",
        "NIP Atasan Pejabat Penilai",
        ("NIP Atasan Pejabat Penilai", "NIP Atasan Penilai"),
        False,
    ),
    _Field("email", "Email", ("Email", "E-mail", "Surel", "Alamat Email", "Alamat Surel"), False),
    _Field(
        "potensial",
        "Potensial",
        (
            "Potensial",
            "Potensi",
            "Tingkat Potensial",
            "Hasil Asesmen Potensial",
            "Kategori Potensial",
        ),
        False,
    ),
)

# Case, spaces, dots, slashes, underscores and dashes differ between HR systems' exports.
# The header HR's export is expected to have (other spellings are accepted, see _FIELDS).
ROSTER_HEADER = (
    "NIP",
    "Nama",
    "Jabatan",
    "Jenis Jabatan",
    "Status",
    "Jenjang",
    "Pangkat/Golongan",
    "Unit Kerja",
    "NIP Pejabat Penilai",
    "NIP Atasan Pejabat Penilai",
    "Email",
)

_HEADER_NOISE = re.compile(r"[\s./_\-]+")


def _header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", text.casefold())


_ALIASES: dict[str, _Field] = {_header_key(a): f for f in _FIELDS for a in f.aliases}


@dataclass(frozen=True, slots=True)
class _Column:
    index: int  # 0-based position in the row
    header: str  # as written in the file

    def letter(self) -> str:
        return _column_letter(self.index + 1)


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- cell values ---------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as trimmed text with inner runs of whitespace (also NBSP) made one space."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

_STATUS = {
    "pns": Status.PNS,
    "cpns": Status.PNS,
    "pegawainegerisipil": Status.PNS,
    "calonpegawainegerisipil": Status.PNS,
    "pppk": Status.PPPK,
    "p3k": Status.PPPK,
    "pegawaipemerintahdenganperjanjiankerja": Status.PPPK,
}

_JENIS = {
    "jpt": JenisJabatan.JPT,
    "pimpinan tinggi": JenisJabatan.JPT,
    "administrator": JenisJabatan.ADMINISTRATOR,
    "pengawas": JenisJabatan.PENGAWAS,
    "pelaksana": JenisJabatan.PELAKSANA,
    "fungsional": JenisJabatan.FUNGSIONAL,
    "jf": JenisJabatan.FUNGSIONAL,
    # Older SIMPEG exports still use the pre-2019 names.
    "fungsional tertentu": JenisJabatan.FUNGSIONAL,
    "jft": JenisJabatan.FUNGSIONAL,
    "fungsional umum": JenisJabatan.PELAKSANA,
    "jfu": JenisJabatan.PELAKSANA,
}
_JPT_LEVEL = re.compile(r"(jpt|pimpinan tinggi) (pratama|madya|utama)")


def _parse_status(text: str) -> Status | None:
    key = _header_key(text)
    if key in _STATUS:
        return _STATUS[key]
    # "PPPK Paruh Waktu" and similar are still PPPK.
    return Status.PPPK if key.startswith("pppk") else None


def _parse_jenis(text: str) -> JenisJabatan | None:
    key = " ".join(text.casefold().replace("-", " ").split()).removeprefix("jabatan ")
    match = _JPT_LEVEL.fullmatch(key)
    if match:
        key = match.group(1)
    return _JENIS.get(key)


def _guess_status(nip: str | None) -> Status:
    # [V:S17, M] NI PPPK carries "21" in digits 13–14 where a NIP PNS has the TMT month.
    return Status.PPPK if nip and nip[12:14] == "21" else Status.PNS


# --- reading the file ------------------------------------------------------------------------

_Rows = list[tuple[int, Sequence[object]]]  # (1-based row, values)
_XLSX = {".xlsx", ".xlsm"}
# .txt is what Excel's "Teks Unicode" and "Teks (dipisahkan tab)" save as; .tsv is the same.
_TEXT = {".csv", ".txt", ".tsv"}


def _read_rows(path: Path) -> tuple[_Rows, list[Problem]]:
    """The rows of the roster file and the problems of reading it (a stray NUL byte)."""
    if not path.is_file():
        raise SheetnilaiError("roster-tidak-ada", {"path": path})
    ext = path.suffix.lower()
    if ext in _XLSX:
        return _read_xlsx(path), []
    if ext in _TEXT:
        return _read_csv(path)
    raise SheetnilaiError("roster-format-tidak-didukung", {"path": path, "ext": ext or "tanpa"})


def _unreadable(path: Path, detail: str) -> SheetnilaiError:
    return SheetnilaiError("roster-tidak-terbaca", {"path": path, "detail": detail})


def _read_xlsx(path: Path) -> _Rows:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PermissionError as exc:
        raise _unreadable(path, "izin membaca berkas ditolak") from exc
    except Exception as exc:
        # openpyxl raises zip, XML and key errors alike for a damaged or encrypted file.
        raise _unreadable(path, "bukan Buku Kerja Excel yang sah, atau berkasnya rusak") from exc
    try:
        ws = _pick_sheet(wb.worksheets)
        # Some exporters write a wrong <dimension>; read-only mode would then cut columns.
        ws.reset_dimensions()
        return [(i, tuple(v)) for i, v in enumerate(ws.iter_rows(values_only=True), start=1)]
    except Exception as exc:
        raise _unreadable(path, "isi lembar kerjanya rusak") from exc
    finally:
        wb.close()


def _pick_sheet(sheets: Sequence[Any]) -> Any:
    for ws in sheets:
        if "daftarpegawai" in _header_key(str(getattr(ws, "title", ""))):
            return ws
    return sheets[0]


_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"')
_NOT_TEXT = "isinya bukan teks CSV (mungkin Buku Kerja Excel yang diberi .csv)"
# Zip (.xlsx, .ods) and OLE compound files (.xls, .doc) saved under a text suffix.
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# A byte order mark names its encoding. UTF-32 is checked first: its LE mark begins with
# UTF-16's. Excel's "Teks Unicode (*.txt)" is UTF-16 LE with a mark, separated by tabs.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _read_csv(path: Path) -> tuple[_Rows, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, "izin membaca berkas ditolak atau berkas terkunci") from exc
    text = _decode(path, data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    sep = _SEP_LINE.fullmatch(first)
    if sep:
        # Excel's "sep=;" hint line is not shown as a row, so rows are counted without it.
        delimiter = sep.group(1)
        text = text[text.index(first) + len(first) :].lstrip("\r\n")
    else:
        delimiter = _sniff_delimiter(first)
    rows: _Rows = []
    problems: list[Problem] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for i, row in enumerate(reader, start=1):
            if any("\x00" in value for value in row):
                # A stray NUL byte (a damaged export) is dropped, so the rest of the cell and
                # the row are kept, and reported, so the user checks what the export lost.
                problems.append(_nul_problem(path, i, row))
                row = [value.replace("\x00", "") for value in row]
            rows.append((i, row))
    except csv.Error as exc:
        raise _unreadable(path, "susunan CSV-nya rusak") from exc
    return rows, problems


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(_BINARY_MAGIC):
        raise _unreadable(path, _NOT_TEXT)
    codec = next((c for bom, c in _BOMS if data.startswith(bom)), None) or _bare_utf16(data)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            detail = "teks Unicode-nya rusak atau terpotong"
            raise _unreadable(path, detail) from exc
    sample = data[:4096]
    if sample.count(0) * 10 > len(sample):
        # Text has at most a stray NUL; this many means another kind of file.
        raise _unreadable(path, _NOT_TEXT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            # What Excel writes on Indonesian/Western Windows for "CSV (Comma delimited)".
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _unreadable(path, "pengodean teksnya tidak dikenali") from exc


def _bare_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: a NUL in one half of nearly every Latin character."""
    sample = data[:4096]
    pairs = len(sample) // 2
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if pairs >= 4 and odd * 10 >= pairs * 3 and even * 10 <= odd:
        return "utf-16-le"
    if pairs >= 4 and even * 10 >= pairs * 3 and odd * 10 <= even:
        return "utf-16-be"
    return None


def _nul_problem(path: Path, row: int, values: Sequence[str]) -> Problem:
    cells = [f"{_column_letter(j + 1)}{row}" for j, v in enumerate(values) if "\x00" in v]
    return Problem.make(
        "roster-karakter-nul",
        params={"baris": row, "sel": ", ".join(cells)},
        file=path.name,
        row=row,
        cell=cells[0],
    )


def _sniff_delimiter(header_line: str) -> str:
    # Indonesian Excel writes ";" (the decimal separator is ","); tabs come from copy-paste.
    bare = _QUOTED.sub("", header_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# --- the reader --------------------------------------------------------------------------------


def read_roster(path: Path | str, policy: Policy = DEFAULT_POLICY) -> Roster:
    """Read a roster (.xlsx, .xlsm, .csv, .txt, .tsv); problems are in `Roster.problems`.

    Raises `SheetnilaiError` only when the file cannot be read at all: missing, unsupported
    format, corrupt, or without a required column.
    """
    path = Path(path)
    rows, read_problems = _read_rows(path)
    roster = Roster(source=path.name)
    header_at = next((i for i, (_, values) in enumerate(rows) if _has_text(values)), None)
    if header_at is None:
        roster.problems = [*read_problems, Problem.make("roster-kosong", file=path.name)]
        return roster
    header_row, header_values = rows[header_at]
    reader = _Reader(path, header_row, header_values, policy)
    reader.problems[:0] = read_problems
    for row, values in rows[header_at + 1 :]:
        reader.read_row(row, values)
    if reader.data_rows == 0:
        reader.problems.append(Problem.make("roster-kosong", file=path.name))
    roster.pegawai = reader.check_penilai()
    # Stable sort: file-level problems first, then row by row in the order they were found.
    roster.problems = sorted(reader.problems, key=lambda p: p.row or 0)
    return roster


def _has_text(values: Iterable[object]) -> bool:
    return any(_text(v) for v in values)


class _Reader:
    def __init__(
        self, path: Path, header_row: int, header: Sequence[object], policy: Policy
    ) -> None:
        self.file = path.name
        self.policy = policy
        self.problems: list[Problem] = []
        self.columns = self._map_header(path, header_row, header)
        self.data_rows = 0
        self.kept: list[Pegawai] = []
        self.first_nip: dict[str, tuple[int, str]] = {}  # nip -> (row, nama)
        self.dropped_nip: dict[str, int] = {}  # nip of a left-out row -> row
        self.bad_penilai: set[str] = set()  # nips whose penilai cell was malformed
        self.units: dict[str, tuple[str, int]] = {}  # casefolded unit -> (spelling, row)

    # --- header ----------------------------------------------------------------------------

    def _map_header(
        self, path: Path, header_row: int, header: Sequence[object]
    ) -> dict[str, _Column]:
        columns: dict[str, _Column] = {}
        found: list[str] = []
        for index, value in enumerate(header):
            text = _text(value)
            if not text:
                continue
            found.append(text)
            fld = _ALIASES.get(_header_key(text))
            if fld is None:
                continue  # HR exports carry many more columns; they are simply not used
            column = _Column(index, text)
            first = columns.get(fld.key)
            if first is None:
                columns[fld.key] = column
                continue
            self.problems.append(
                Problem.make(
                    "roster-kolom-ganda",
                    params={
                        "kolom": text,
                        "sel": f"{column.letter()}{header_row}",
                        "arti": fld.label,
                        "kolom_pertama": first.header,
                        "sel_pertama": f"{first.letter()}{header_row}",
                    },
                    file=self.file,
                    row=header_row,
                    cell=f"{column.letter()}{header_row}",
                )
            )
        missing = [f.label for f in _FIELDS if f.required and f.key not in columns]
        if missing:
            raise SheetnilaiError(
                "roster-kolom-wajib-tidak-ada",
                {
                    "path": path,
                    "kolom": ", ".join(missing),
                    "baris": header_row,
                    "ditemukan": ", ".join(found),
                },
            )
        return columns

    # --- one row -----------------------------------------------------------------------------

    def read_row(self, row: int, values: Sequence[object]) -> None:
        def raw(key: str) -> object:
            column = self.columns.get(key)
            if column is None or column.index >= len(values):
                return None
            return values[column.index]

        cells = {key: raw(key) for key in self.columns}
        if not any(_text(v) for v in cells.values()):
            return  # a blank row (possibly numbered in an unused column)
        self.data_rows += 1
        _RowReader(self, row, cells).read()

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def place(self, key: str, row: int) -> tuple[str, str | None]:
        """(the column as the user reads it, the A1 cell or None when the column is absent)."""
        column = self.columns.get(key)
        if column is None:
            label = next(f.label for f in _FIELDS if f.key == key)
            return label, None
        return column.header, f"{column.letter()}{row}"

    # --- the whole roster: pejabat penilai ---------------------------------------------------

    def check_penilai(self) -> list[Pegawai]:
        by_nip = {p.nip: p for p in self.kept}
        clear: set[str] = set()
        clear_atasan: set[str] = set()
        for p in self.kept:
            if p.atasan_penilai_nip == p.nip:
                self._penilai_problem(
                    p,
                    "roster-atasan-penilai-diri-sendiri",
                    {"nama": p.nama, "nip": p.nip},
                    key="atasan",
                )
                clear_atasan.add(p.nip)
            if p.penilai_nip is None:
                if p.nip not in self.bad_penilai:
                    code = (
                        "roster-penilai-kosong-jpt"
                        if p.jenis_jabatan is JenisJabatan.JPT
                        else "roster-penilai-kosong"
                    )
                    self._penilai_problem(p, code, {})
            elif p.penilai_nip == p.nip:
                self._penilai_problem(
                    p, "roster-penilai-diri-sendiri", {"nama": p.nama, "nip": p.nip}
                )
                clear.add(p.nip)
            elif p.penilai_nip not in by_nip:
                if p.penilai_nip in self.dropped_nip:
                    params = {
                        "penilai": p.penilai_nip,
                        "baris_penilai": self.dropped_nip[p.penilai_nip],
                    }
                    self._penilai_problem(p, "roster-penilai-tidak-diikutkan", params)
                else:
                    params = {"penilai": p.penilai_nip}
                    self._penilai_problem(p, "roster-penilai-di-luar-daftar", params)

        graph = {
            p.nip: p.penilai_nip
            for p in self.kept
            if p.penilai_nip in by_nip and p.penilai_nip != p.nip
        }
        for cycle in _cycles(graph):
            rows = ", ".join(str(r) for r in sorted(by_nip[n].row for n in cycle))
            for i, nip in enumerate(cycle):
                chain = [*cycle[i:], *cycle[:i], nip]
                rantai = " → ".join(f"{by_nip[n].nama} (NIP {n})" for n in chain)
                params = {"rantai": rantai, "baris_siklus": rows}
                self._penilai_problem(by_nip[nip], "roster-penilai-siklus", params)
                clear.add(nip)

        # The chain is cut where it loops, so code walking penilai → atasan always ends. An
        # atasan who is the pegawai themself is dropped alone: the penilai stays valid.
        kept = [
            dataclasses.replace(p, penilai_nip=None, atasan_penilai_nip=None)
            if p.nip in clear
            else dataclasses.replace(p, atasan_penilai_nip=None)
            if p.nip in clear_atasan
            else p
            for p in self.kept
        ]
        by_nip = {p.nip: p for p in kept}
        for p in kept:
            penilai = by_nip.get(p.penilai_nip) if p.penilai_nip else None
            if (
                penilai is not None
                and p.atasan_penilai_nip
                and penilai.penilai_nip
                and penilai.penilai_nip != p.atasan_penilai_nip
            ):
                kolom, cell = self.place("atasan", p.row)
                params = {
                    "baris": p.row,
                    "kolom": kolom,
                    "atasan": p.atasan_penilai_nip,
                    "penilai": penilai.nama,
                    "baris_penilai": penilai.row,
                    "atasan_menurut": penilai.penilai_nip,
                }
                self.add(
                    Problem.make(
                        "roster-atasan-penilai-berbeda",
                        params=params,
                        file=self.file,
                        row=p.row,
                        cell=cell,
                        nip=p.nip,
                        nama=p.nama,
                    )
                )
        return kept

    def _penilai_problem(
        self, p: Pegawai, code: str, params: Mapping[str, object], key: str = "penilai"
    ) -> None:
        kolom, cell = self.place(key, p.row)
        self.add(
            Problem.make(
                code,
                params={"baris": p.row, "kolom": kolom, **params},
                file=self.file,
                row=p.row,
                cell=cell,
                nip=p.nip,
                nama=p.nama,
            )
        )


def _cycles(graph: Mapping[str, str]) -> list[list[str]]:
    """Every cycle of a graph where each node points to at most one other (its penilai)."""
    done: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in graph and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = graph[node]
        if node is not None and node in position:
            found.append(path[position[node] :])
        done.update(path)
    return found


class _RowReader:
    """Turns one data row into a `Pegawai` (or leaves it out) and reports its problems."""

    def __init__(self, reader: _Reader, row: int, cells: Mapping[str, object]) -> None:
        self.r = reader
        self.row = row
        self.cells = cells
        self.nama = _text(cells.get("nama"))
        self.nip: str | None = None
        self.reasons: list[str] = []

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))

    def problem(self, code: str, key: str, **params: object) -> None:
        kolom, cell = self.r.place(key, self.row)
        self.r.add(
            Problem.make(
                code,
                params={"baris": self.row, "kolom": kolom, **params},
                file=self.r.file,
                row=self.row,
                cell=cell,
                nip=self.nip,
                nama=self.nama or None,
            )
        )

    def read(self) -> None:
        status_text = self.text("status")
        status = _parse_status(status_text) if status_text else None
        self._read_nip(status)
        if status is None:
            status = _guess_status(self.nip)
            if status_text:
                self.problem(
                    "roster-status-tidak-dikenal", "status", value=status_text, status=status.label
                )

        if not self.nama:
            self.problem("roster-nama-kosong", "nama")
            self.reasons.append("namanya kosong")
        jabatan = self.text("jabatan")
        if not jabatan:
            self.problem("roster-jabatan-kosong", "jabatan")
        jenis = self._read_jenis()
        jenjang = self._read_jenjang(jenis)
        unit = self.text("unit")
        if not unit:
            self.problem("roster-unit-kosong", "unit")
            self.reasons.append("unit kerjanya kosong")
        penilai = self._read_pejabat("penilai")
        atasan = self._read_pejabat("atasan")
        email = self._read_email()
        potensial = self._read_potensial()

        if self.reasons or self.nip is None or jenis is None:
            if self.nip is not None:
                self.r.dropped_nip[self.nip] = self.row
            self.r.add(
                Problem.make(
                    "roster-baris-tidak-diikutkan",
                    params={
                        "baris": self.row,
                        "nama": self.nama or "tanpa nama",
                        "alasan": ", ".join(self.reasons),
                    },
                    file=self.r.file,
                    row=self.row,
                    nip=self.nip,
                    nama=self.nama or None,
                )
            )
            return
        if penilai is None and self.text("penilai"):
            self.r.bad_penilai.add(self.nip)
        self.r.kept.append(
            Pegawai(
                nip=self.nip,
                nama=self.nama,
                jabatan=jabatan,
                jenis_jabatan=jenis,
                status=status,
                jenjang=jenjang,
                pangkat=self.text("pangkat"),
                unit=self._register_unit(unit),
                penilai_nip=penilai,
                atasan_penilai_nip=atasan,
                email=email,
                row=self.row,
                potensial=potensial,
            )
        )

    def _read_nip(self, status: Status | None) -> None:
        raw = self.cells.get("nip")
        _, cell = self.r.place("nip", self.row)
        found = check_nip(raw, status.value if status else "otomatis")
        for p in found:
            self.r.add(p.at(file=self.r.file, row=self.row, cell=cell, nama=self.nama or None))
        if any(p.severity is Severity.GALAT for p in found):
            self.reasons.append("NIP-nya tidak sah")
            return
        nip = compact(str(raw))
        first = self.r.first_nip.get(nip)
        if first is not None:
            self.nip = nip
            self.problem(
                "roster-nip-ganda",
                "nip",
                nip=nip,
                nama=self.nama or "tanpa nama",
                baris_pertama=first[0],
                nama_pertama=first[1] or "tanpa nama",
            )
            self.reasons.append(f"NIP-nya sudah tercantum pada baris {first[0]}")
            self.nip = None  # the first row owns this NIP; this one is not a pegawai
            return
        self.r.first_nip[nip] = (self.row, self.nama)
        self.nip = nip

    def _read_jenis(self) -> JenisJabatan | None:
        text = self.text("jenis")
        if not text:
            self.problem("roster-jenis-jabatan-kosong", "jenis")
            self.reasons.append("jenis jabatannya kosong")
            return None
        jenis = _parse_jenis(text)
        if jenis is None:
            self.problem("roster-jenis-jabatan-tidak-dikenal", "jenis", value=text)
            self.reasons.append("jenis jabatannya tidak dikenal")
        return jenis

    def _read_jenjang(self, jenis: JenisJabatan | None) -> str | None:
        text = self.text("jenjang")
        if jenis is None:
            return None
        if jenis is not JenisJabatan.FUNGSIONAL:
            if text:
                self.problem(
                    "roster-jenjang-bukan-fungsional", "jenjang", value=text, jenis=jenis.label
                )
            return None
        if not text:
            self.problem("roster-jenjang-kosong", "jenjang")
            return None
        try:
            return find_jenjang(text, self.r.policy.angka_kredit)
        except RuleError as exc:
            self.problem(
                "roster-jenjang-tidak-dikenal",
                "jenjang",
                value=text,
                allowed=exc.params.get("allowed", ""),
            )
            return None

    def _read_pejabat(self, key: str) -> str | None:
        raw = self.cells.get(key)
        if not _text(raw):
            return None
        bad = [p for p in check_nip(raw) if p.severity is Severity.GALAT]
        if bad:
            self.problem("roster-nip-pejabat-tidak-sah", key, detail=bad[0].message)
            return None
        return compact(str(raw))

    def _read_email(self) -> str | None:
        text = self.text("email")
        if not text:
            return None
        if not _EMAIL.fullmatch(text):
            self.problem("roster-email-tidak-sah", "email", value=text)
            return None
        return text

    def _read_potensial(self) -> Potensial | None:
        text = self.text("potensial")
        if not text:
            return None
        try:
            return parse_potensial(text)
        except RuleError as exc:
            self.problem("roster-potensial-tidak-sah", "potensial", value=text,
                         allowed=exc.params["allowed"])  # fmt: skip
            return None

    def _register_unit(self, unit: str) -> str:
        key = unit.casefold()
        first = self.r.units.get(key)
        if first is not None:
            spelling, first_row = first
            if spelling != unit:
                self.problem(
                    "roster-unit-ejaan-berbeda",
                    "unit",
                    value=unit,
                    unit=spelling,
                    baris_pertama=first_row,
                )
            return spelling
        self.r.units[key] = (unit, self.row)
        stem = safe_file_stem(unit)
        if stem != unit:
            self.problem("roster-unit-nama-berkas", "unit", unit=unit, stem=stem)
        return unit
