"""A clean, fully filled source folder for `sheetnilai konsolidasi`, and tools to damage it.

`make_corpus` writes a small roster (4 units × 4 pegawai), generates the unit workbooks with
the real `sheetnilai templat buat` command, fills period TW1 with openpyxl as pegawai and
atasan would, and recalculates them once in LibreOffice (when installed) so the files carry
the cached values a calculating spreadsheet program saves. The filled folder consolidates
with no galat and no peringatan; `tests/test_bad_input.py` copies it and plants one mistake
per case.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from sheetnilai.cli import cli
from sheetnilai.periods import Scheme, periods
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.labels import OrgPredikat, Predikat, Rating
from sheetnilai.rules.predikat import predikat
from sheetnilai.workbook.build import RecapLayout
from sheetnilai.workbook.layout import IKI_PER_RHK, NILAI_COL, RECAP_SHEET, SkpLayout, cell
from tests.support.libreoffice import convert, soffice

PERIOD = "TW1"
LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
HK_COL = {k: i for i, k in enumerate(LAYOUT.hk_keys)}  # column key -> 0-based column

HEADER = ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
          "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"]  # fmt: skip

A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
# Per unit, in sheet order: SB, Baik, Baik, Butuh Perbaikan. With organisation predikat Baik
# this meets SE MenPANRB 3/2023: Baik is the largest group at 50% (≤ 70%), and there is a
# Butuh Perbaikan.
RATINGS = ((A, A), (S, S), (S, A), (B, S))
# (target, realisasi, arah) of the two IKI under the one RHK of every SKP.
IKI = ((95, 93, Arah.NAIK), (4, 3, Arah.TURUN))

UNITS = ("Sekretariat Daerah", "Dinas Pendidikan", "Dinas Kesehatan", "Kecamatan Sukamaju")
EXTRA_UNIT = "Badan Riset Daerah"  # a unit that is not in the roster
# Where LibreOffice inserts a row: in the second SKP sheet of this unit, between the first and
# the second IKI of the first RHK (0-based row).
INSERTED_UNIT, INSERTED_SHEET, INSERTED_ROW = UNITS[2], 1, LAYOUT.hk_first_row + 1


@dataclass(frozen=True)
class Person:
    nip: str
    nama: str
    jabatan: str
    jenis: str
    jenjang: str
    pangkat: str
    unit: str
    penilai: str
    hasil: Rating
    perilaku: Rating

    @property
    def predikat(self) -> Predikat:
        return predikat(self.hasil, self.perilaku)

    def row(self) -> list[str]:
        status = "PNS"
        return [self.nip, self.nama, self.jabatan, self.jenis, status, self.jenjang,
                self.pangkat, self.unit, self.penilai, "", ""]  # fmt: skip


def make_nip(i: int, sex: int) -> str:
    """A well-formed fictional NIP: birth date, TMT CPNS at 24, sex, sequence."""
    born = dt.date(1965 + i % 25, 1 + i % 12, 1 + (3 * i) % 28)
    return f"{born:%Y%m%d}{born.year + 24}{1 + (i + 5) % 12:02d}{sex}{100 + i:03d}"


def make_people(units: tuple[str, ...], first: int = 0, sekda: str | None = None) -> list[Person]:
    """Four pegawai per unit. Without `sekda`, the first unit's head is the Sekretaris Daerah
    (JPT, no penilai) and rates every other head; each head rates the staff of the unit."""
    people: list[Person] = []
    top = sekda or make_nip(first, 1)
    for u, unit in enumerate(units):
        base = first + 4 * u
        jpt = u == 0 and sekda is None
        head = top if jpt else make_nip(base, 1 + base % 2)
        staff = [
            ("Analis Kebijakan Ahli Pertama", "Fungsional", "Ahli Pertama", "Penata Muda (III/a)"),
            ("Pengelola Data", "Pelaksana", "", "Pengatur (II/c)"),
            ("Pranata Komputer Terampil", "Fungsional", "Terampil", "Pengatur Tk. I (II/d)"),
        ]
        people.append(
            Person(
                nip=head,
                nama=f"Kepala {unit}",
                jabatan="Sekretaris Daerah" if jpt else f"Kepala {unit}",
                jenis="JPT" if jpt else "Administrator",
                jenjang="",
                pangkat="Pembina Utama Muda (IV/c)" if jpt else "Pembina (IV/a)",
                unit=unit,
                penilai="" if jpt else top,
                hasil=RATINGS[0][0],
                perilaku=RATINGS[0][1],
            )
        )
        for k, (jabatan, jenis, jenjang, pangkat) in enumerate(staff, 1):
            n = base + k
            people.append(
                Person(
                    nip=make_nip(n, 1 + n % 2),
                    nama=f"Pegawai {n + 1:02d} {unit.split()[-1]}",
                    jabatan=jabatan,
                    jenis=jenis,
                    jenjang=jenjang,
                    pangkat=pangkat,
                    unit=unit,
                    penilai=head,
                    hasil=RATINGS[k][0],
                    perilaku=RATINGS[k][1],
                )
            )
    return people


def write_roster(path: Path, people: list[Person]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(p.row() for p in people)


# --- positions (0-based row/col as in layout.py; `ref` gives the A1 text problems show) ----


def ref(row: int, col: int) -> str:
    return cell(row, col)


def hk_row(iki: int = 0) -> int:
    """0-based row of the n-th IKI row of the hasil kerja table."""
    return LAYOUT.hk_first_row + iki


def hk_ref(key: str, iki: int = 0) -> str:
    return ref(hk_row(iki), HK_COL[key])


def pk_umpan_ref(aspek: int) -> str:
    return ref(LAYOUT.pk_first_row + aspek, LAYOUT.period_col(0, "umpan_balik"))


def nilai_ref(key: str, period_index: int = 0) -> str:
    return ref(LAYOUT.nilai_row(period_index), NILAI_COL[key])


def ident_ref(key: str) -> str:
    return ref(*LAYOUT.identity_cells[key])


def put(ws: Worksheet, at: str, value: object, text: bool = False) -> None:
    """Type a value as a user would; None clears the cell (Delete key)."""
    c = ws[at]
    c.value = value
    if text and value is not None:
        c.data_type = "s"  # "=…" typed with a leading apostrophe: text, not a formula


def recap_org_ref(n_pegawai: int = 4) -> str:
    recap = RecapLayout(len(LAYOUT.periods), n_pegawai)
    return ref(recap.org_row, recap.dist_col(0))


# --- filling -------------------------------------------------------------------------------


def fill_workbook(path: Path, people: dict[str, Person], org: str = OrgPredikat.BAIK.label) -> None:
    """Type every TW1 input of every SKP sheet, and the Rekap organisation predikat."""
    wb = openpyxl.load_workbook(path)
    titles = [t for t in wb.sheetnames if t[:2].isdigit()]
    for title in titles:
        ws = wb[title]
        p = people[str(ws[ident_ref("peg_nip")].value)]
        jpt = p.jenis == "JPT"
        put(ws, hk_ref("jenis"), "Utama")
        put(ws, hk_ref("rhk"), f"Terlaksananya program kerja {p.unit}")
        if not jpt:
            # Cascaded: the RHK of the pejabat penilai (who may sit in another unit).
            boss = people.get(p.penilai)
            put(
                ws,
                hk_ref("rhk_atasan"),
                f"Terlaksananya program kerja {boss.unit if boss else p.unit}",
            )
        for k, (target, real, arah) in enumerate(IKI):
            put(ws, hk_ref("aspek", k), "Penerima Layanan" if jpt else "Kuantitas")
            put(ws, hk_ref("iki", k), f"IKI {k + 1} {p.nama}")
            put(ws, hk_ref("target", k), target)
            put(ws, hk_ref("satuan", k), "dokumen")
            put(ws, hk_ref("arah", k), arah.value)
            put(ws, hk_ref(f"realisasi@{PERIOD}", k), real)
            put(ws, hk_ref(f"bukti@{PERIOD}", k), f"https://drive.example.go.id/bukti/{p.nip}/{k}")
            put(ws, hk_ref(f"umpan_balik@{PERIOD}", k), "Pertahankan capaian.")
        for a in range(7):
            put(ws, pk_umpan_ref(a), "Menunjukkan perilaku yang diharapkan.")
        put(ws, nilai_ref("rating_hasil"), p.hasil.label)
        put(ws, nilai_ref("rating_perilaku"), p.perilaku.label)
    put(wb[RECAP_SHEET], recap_org_ref(len(titles)), org)
    wb.save(path)


def generate(roster: Path, out: Path) -> list[Path]:
    result = CliRunner().invoke(
        cli,
        ["templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(out), "--jobs", "1"],
    )
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.xlsx"))


# --- the corpus ----------------------------------------------------------------------------


@dataclass
class Corpus:
    root: Path
    clean: Path  # the filled source folder: one workbook per unit
    roster: Path
    extra: Path  # a filled workbook for a unit that is not in the roster
    inserted: Path | None  # INSERTED_UNIT's workbook with a row inserted (needs LibreOffice)
    ods: Path | None  # INSERTED_UNIT's workbook saved as .ods by LibreOffice
    people: dict[str, Person]
    extra_people: dict[str, Person]
    recalculated: bool  # the workbooks carry cached values (LibreOffice was available)
    where: dict[str, tuple[str, str]] = field(default_factory=dict)  # nip -> (file, sheet)
    hashes: dict[str, str] = field(default_factory=dict)

    def file_of(self, unit: str) -> str:
        return f"{unit}.xlsx"

    def unit_nips(self, unit: str) -> list[str]:
        return [n for n, p in self.people.items() if p.unit == unit]


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_corpus(root: Path) -> Corpus:
    people = make_people(UNITS)
    extra_people = make_people((EXTRA_UNIT,), first=40, sekda=people[0].nip)
    roster = root / "daftar-pegawai.csv"
    write_roster(roster, people)
    extra_roster = root / "daftar-badan-riset.csv"
    write_roster(extra_roster, extra_people)
    made = generate(roster, root / "dibuat")
    extra_made = generate(extra_roster, root / "dibuat-ekstra")
    by_nip = {p.nip: p for p in people}
    extra_by_nip = {p.nip: p for p in extra_people}
    for path in made:
        fill_workbook(path, by_nip)
    for path in extra_made:
        fill_workbook(path, {**by_nip, **extra_by_nip})
    clean = root / "bersih"
    recalculated = soffice() is not None
    if recalculated:
        convert([*made, *extra_made], root / "dihitung")
        clean.mkdir()
        for path in made:
            shutil.move(root / "dihitung" / path.name, clean / path.name)
        extra = root / "dihitung" / extra_made[0].name
    else:
        shutil.copytree(root / "dibuat", clean)
        extra = extra_made[0]
    corpus = Corpus(root, clean, roster, extra, None, None, by_nip, extra_by_nip, recalculated)
    for path in [*sorted(clean.glob("*.xlsx")), extra]:
        wb = openpyxl.load_workbook(path, read_only=True)
        for title in wb.sheetnames:
            if title[:2].isdigit():
                nip = wb[title][ident_ref("peg_nip")].value
                corpus.where[str(nip)] = (path.name, title)
        wb.close()
    corpus.hashes = hashes(clean)
    if recalculated:
        name = corpus.file_of(INSERTED_UNIT)
        title = corpus.where[corpus.unit_nips(INSERTED_UNIT)[INSERTED_SHEET]][1]
        corpus.inserted = root / "sisip" / name
        corpus.inserted.parent.mkdir()
        # Copy an empty IKI row of the third RHK block (one lower after the insertion).
        empty = hk_row(2 * IKI_PER_RHK + 1) + 1
        insert_row(clean / name, corpus.inserted, title, INSERTED_ROW, empty)
        corpus.ods = convert([clean / name], root / "ods", "ods")[0]
    return corpus


@contextmanager
def edit(path: Path) -> Iterator[openpyxl.Workbook]:
    """Open a workbook with openpyxl, let the caller change it, save it in place."""
    wb = openpyxl.load_workbook(path)
    yield wb
    wb.save(path)


# --- zip-level edits (for what openpyxl cannot express) ------------------------------------


def sheet_part(zf: zipfile.ZipFile, title: str) -> str:
    """The worksheet part of the sheet named `title`."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for m in re.finditer(r"<sheet\b[^>]*>", workbook):
        tag = m[0]
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name and rid and _unxml(name[1]) == title:
            for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
                if re.search(rf'\bId="{re.escape(rid[1])}"', rel[0]):
                    target = re.search(r'\bTarget="([^"]*)"', rel[0])
                    assert target is not None
                    t = target[1]
                    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"
    raise KeyError(title)


def _unxml(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip package in place; every other member is copied as is."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    assert member in {info.filename for info, _ in items}, member
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, change(data) if info.filename == member else data)
    tmp.replace(path)


def _rewrite_cell(path: Path, title: str, at: str, cell: Callable[[re.Match[str]], str]) -> None:
    """Replace the XML of the cell `title`!`at` by what `cell` makes of its match (groups
    `attrs` and `body`)."""
    with zipfile.ZipFile(path) as zf:
        part = sheet_part(zf, title)

    def change(data: bytes) -> bytes:
        xml = data.decode("utf-8")
        m = re.search(rf'<c r="{at}"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', xml, re.S)
        assert m is not None, f"{title}!{at} not found in {part}"
        return (xml[: m.start()] + cell(m) + xml[m.end() :]).encode("utf-8")

    rewrite_member(path, part, change)


def set_cached_number(path: Path, title: str, at: str, value: float) -> None:
    """Store `value` as the cached result of the formula in `title`!`at`, keeping the formula.

    This is what a workbook looks like when a program wrote a result that its formula does not
    give (or the inputs changed and the file was saved without recalculating).
    """

    def cell(m: re.Match[str]) -> str:
        formula = re.search(r"<f\b[^>]*?(?:/>|>.*?</f>)", m["body"] or "", re.S)
        assert formula is not None, f"{title}!{at} holds no formula"
        attrs = re.sub(r'\s+t="[^"]*"', "", m["attrs"])
        return f'<c r="{at}"{attrs}>{formula[0]}<v>{value!r}</v></c>'

    _rewrite_cell(path, title, at, cell)


def set_stored_cell(path: Path, title: str, at: str, body: str) -> None:
    """Replace the cell `title`!`at` with `<c r="at" …>body</c>` as another program might store
    it (e.g. `t="e"` with `<v>#DIV/0!</v>`, or `<v>1e400</v>`), keeping its style."""

    def cell(m: re.Match[str]) -> str:
        style = re.search(r'\bs="[^"]*"', m["attrs"])
        return f'<c r="{at}"{" " + style[0] if style else ""}{body}</c>'

    _rewrite_cell(path, title, at, cell)


def mark_encrypted(path: Path) -> None:
    """Set the "encrypted" flag of every member in the zip's central directory.

    This is how a zip encrypted with a password (ZipCrypto/AES, as 7-Zip or WinRAR make it)
    announces itself; the data need not really be encrypted for a reader to refuse it.
    """
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    at = int.from_bytes(data[end + 16 : end + 20], "little")
    for _ in range(count):
        assert data[at : at + 4] == b"PK\x01\x02"
        flags = int.from_bytes(data[at + 8 : at + 10], "little") | 0x1
        data[at + 8 : at + 10] = flags.to_bytes(2, "little")
        sizes = (int.from_bytes(data[at + k : at + k + 2], "little") for k in (28, 30, 32))
        at += 46 + sum(sizes)
    path.write_bytes(bytes(data))


def ods_cell_bomb(path: Path) -> None:
    """A 1 KiB .ods whose one row and one cell are repeated to fill a whole sheet."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="SKP">'
        '<table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float"'
        ' office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def entity_bomb(xml: bytes) -> bytes:
    """The same XML part with a "billion laughs" DTD in front of its root element."""
    text = xml.decode("utf-8")
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    root = re.search(r"<(?![?!])", text)
    assert root is not None
    return (
        text[: root.start()] + f"<!DOCTYPE workbook [{entities}]>" + text[root.start() :]
    ).encode()


# --- a row inserted by a spreadsheet program ----------------------------------------------

_MACRO = """
Sub InsertRow(inUrl As String, outUrl As String, sheetName As String, rowText As String, _
              fromText As String)
    Dim doc As Object
    On Error Goto Failed
    Dim load(0) As New com.sun.star.beans.PropertyValue
    load(0).Name = "Hidden"
    load(0).Value = True
    doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, load())
    sheet = doc.Sheets.getByName(sheetName)
    sheet.unprotect("")
    sheet.Rows.insertByIndex(CLng(rowText), 1)
    src = sheet.getCellRangeByPosition(0, CLng(fromText), 255, CLng(fromText)).getRangeAddress()
    sheet.copyRange(sheet.getCellByPosition(0, CLng(rowText)).getCellAddress(), src)
    sheet.protect("")
    doc.calculateAll()
    Dim save(0) As New com.sun.star.beans.PropertyValue
    save(0).Name = "FilterName"
    save(0).Value = "Calc MS Excel 2007 XML"
    doc.storeToURL(outUrl, save())
    doc.close(True)
    Exit Sub
Failed:
    If Not IsNull(doc) Then doc.close(True)
End Sub
"""
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_LIBS = (
    '<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
    '"libraries.dtd"><library:libraries xmlns:library="http://openoffice.org/2000/library" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" '
    'xlink:href="$(USER)/basic/Standard/{kind}.xlb/" xlink:type="simple" library:link="false"/>'
    "</library:libraries>"
)
_LIB = (
    '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
    '"library.dtd"><library:library xmlns:library="http://openoffice.org/2000/library" '
    'library:name="Standard" library:readonly="false" library:passwordprotected="false">'
    "{elements}</library:library>"
)
_MODULE = (
    '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
    '"module.dtd"><script:module xmlns:script="http://openoffice.org/2000/script" '
    'script:name="Rows" script:language="StarBasic">{code}</script:module>'
)


def _run(cmd: list[str]) -> None:
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise


def insert_row(source: Path, target: Path, title: str, row: int, copy_from: int) -> None:
    """Insert a row at `row` (0-based) of sheet `title` in LibreOffice, as the Petunjuk tells
    users to add an IKI: unprotect, insert, copy an empty IKI row (with its formulas) into it,
    protect again. Defined names, formulas and the Rekap sheet follow, as in any spreadsheet
    program; the result is saved as .xlsx to `target`."""
    exe = soffice()
    assert exe is not None
    with tempfile.TemporaryDirectory(prefix="lo-macro-") as prof:
        base = [exe, "--headless", "--norestore", "--nologo",
                f"-env:UserInstallation={Path(prof).as_uri()}"]  # fmt: skip
        # The first start sets up the fresh profile (and its Basic library list); the macro
        # goes in after it.
        _run([*base, "--terminate_after_init"])
        basic = Path(prof) / "user" / "basic"
        (basic / "Standard").mkdir(parents=True, exist_ok=True)
        (basic / "script.xlc").write_text(_XML + _LIBS.format(kind="script"), encoding="utf-8")
        (basic / "dialog.xlc").write_text(_XML + _LIBS.format(kind="dialog"), encoding="utf-8")
        element = '<library:element library:name="Rows"/>'
        (basic / "Standard" / "script.xlb").write_text(
            _XML + _LIB.format(elements=element), encoding="utf-8"
        )
        (basic / "Standard" / "dialog.xlb").write_text(
            _XML + _LIB.format(elements=""), encoding="utf-8"
        )
        (basic / "Standard" / "Rows.xba").write_text(
            _XML + _MODULE.format(code=escape(_MACRO)), encoding="utf-8"
        )
        args = (source.as_uri(), target.as_uri(), title, str(row), str(copy_from))
        assert not any('"' in a for a in args)
        _run([*base, "macro:///Standard.Rows.InsertRow(" + ",".join(f'"{a}"' for a in args) + ")"])
    assert target.exists(), f"LibreOffice did not insert a row into {source}"


def add_zip_bomb(path: Path, size: int, member: str = "xl/media/lampiran.bin") -> None:
    """Append a member of `size` zero bytes, written in 1 MiB chunks (small on disk)."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            left = size
            while left > 0:
                n = min(left, len(chunk))
                fh.write(chunk[:n])
                left -= n


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(streams: tuple[str, ...]) -> bytes:
    """A minimal-looking OLE compound file whose directory names `streams` (MS-CFB layout).

    Only the parts a reader sniffs are real: the 512-byte header with the magic, and one
    directory sector of 128-byte entries with UTF-16LE names. This is how a password-protected
    .xlsx (streams "EncryptedInfo", "EncryptedPackage") and an old .xls ("Workbook") begin.
    """
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (0x03).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # sector shift: 2^9
    header[0x20:0x22] = (6).to_bytes(2, "little")  # mini sector shift
    directory = bytearray()
    for name in ("Root Entry", *streams):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        entry[0x40:0x42] = len(encoded).to_bytes(2, "little")
        entry[0x42] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(directory) + bytes(512)
