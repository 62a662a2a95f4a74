"""vbaProject.bin builder (`sheetnilai.workbook.vba`), checked against independent readers.

* oletools/olevba and olefile read what we write (module list, stream names, code);
* the Excel-written project inside xlwings' quickstart_standalone.xlsm is the model: our
  decompressor reads it, our attribute headers and dir record layout match it;
* LibreOffice's own VBA importer loads the .xlsm and keeps every module.
"""

from __future__ import annotations

import html
import importlib.util
import io
import random
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import olefile  # type: ignore[import-untyped]
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    # oletools still calls pyparsing's camelCase API; its deprecation noise is not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream  # type: ignore[import-untyped]

from sheetnilai.workbook import vba
from tests.support.libreoffice import convert, soffice

_SPEC = importlib.util.find_spec("xlwings")
assert _SPEC is not None and _SPEC.submodule_search_locations is not None
XLWINGS = Path(next(iter(_SPEC.submodule_search_locations)))
XLWINGS_BAS = XLWINGS / "xlwings.bas"
DICTIONARY_CLS = XLWINGS / "addin" / "Dictionary.cls"
QUICKSTART = XLWINGS / "quickstart_standalone.xlsm"

MACROS = (
    "Sub PeriksaWorkbook()\r\n"
    '    RunPython "import sheetnilai.xlwings_periksa as m; m.main()"\r\n'
    "End Sub\r\n"
)
THISWORKBOOK_CODE = (
    "Private Sub Workbook_Open()\r\n    Application.StatusBar = False\r\nEnd Sub\r\n"
)


def read_export(path: Path) -> str:
    # newline="" keeps the CRLF the VBE exported, so comparisons are byte-exact.
    with path.open(encoding="cp1252", newline="") as handle:
        return handle.read()


def project_modules() -> list[vba.VbaModule]:
    return [
        vba.document_module("ThisWorkbook", workbook=True, code=THISWORKBOOK_CODE),
        vba.document_module("Sheet1", workbook=False),
        vba.document_module("Sheet2", workbook=False),
        vba.parse_exported_module(read_export(XLWINGS_BAS)),
        vba.parse_exported_module(read_export(DICTIONARY_CLS)),
        vba.standard_module("sheetnilai", MACROS),
    ]


def write_xlsm(path: Path, project: bytes, sheets: tuple[str, ...] = ("Sheet1", "Sheet2")) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_vba_name("ThisWorkbook")
    for codename in sheets:
        worksheet = workbook.add_worksheet()
        worksheet.set_vba_name(codename)
        worksheet.write(0, 0, codename)
    workbook.add_vba_project(io.BytesIO(project), is_stream=True)
    workbook.close()


def content_type(types_xml: str, part: str) -> str | None:
    """The content type [Content_Types].xml gives `part`: its Override, else its Default."""
    namespace = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    root = ElementTree.fromstring(types_xml)
    for override in root.iter(f"{namespace}Override"):
        if override.get("PartName") == part:
            return override.get("ContentType")
    extension = part.rsplit(".", 1)[-1].lower()
    for default in root.iter(f"{namespace}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return default.get("ContentType")
    return None


def dir_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(id, payload) of every record of a decompressed dir stream."""
    index = 0
    while index < len(data):
        record_id, size = struct.unpack_from("<HI", data, index)
        if record_id == 0x0009:  # PROJECTVERSION: size says 4, but 6 bytes follow
            size = 6
        yield record_id, data[index + 6 : index + 6 + size]
        index += 6 + size


def module_offsets(dir_data: bytes) -> dict[str, int]:
    """Module stream name -> MODULEOFFSET, from a decompressed dir stream."""
    offsets: dict[str, int] = {}
    stream = ""
    for record_id, payload in dir_records(dir_data):
        if record_id == 0x001A:
            stream = payload.decode("cp1252")
        elif record_id == 0x0031:
            offsets[stream] = struct.unpack("<I", payload)[0]
    return offsets


def chunk_flags(container: bytes) -> list[bool]:
    """Compressed flag of every chunk of an MS-OVBA CompressedContainer."""
    flags = []
    index = 1
    while index < len(container):
        (header,) = struct.unpack_from("<H", container, index)
        flags.append(bool(header & 0x8000))
        index += (header & 0x0FFF) + 3
    return flags


def decrypt(hex_text: str, project_id: str) -> bytes:
    """[MS-OVBA] 2.4.3.3 data decryption, written from the spec independently of the encoder."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    assert seed ^ version_enc == 2
    key = seed ^ key_enc
    assert key == sum(project_id.encode("ascii")) & 0xFF
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    plain = []
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored : ignored + 4]), "little")
    data = bytes(plain[ignored + 4 :])
    assert len(data) == length
    return data


@pytest.fixture(scope="module")
def quickstart() -> Iterator[olefile.OleFileIO]:
    with zipfile.ZipFile(QUICKSTART) as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    yield ole
    ole.close()


# --- 1. round trip through XlsxWriter and olevba ------------------------------------------------


def test_xlsm_round_trip_through_olevba(tmp_path: Path) -> None:
    modules = project_modules()
    path = tmp_path / "macro.xlsm"
    write_xlsm(path, vba.build_vba_project(modules))

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        types = archive.read("[Content_Types].xml").decode()
        workbook_xml = archive.read("xl/workbook.xml").decode()
        sheet_xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert "xl/vbaProject.bin" in names
    # XlsxWriter types the part through <Default Extension="bin">, which OPC allows.
    assert content_type(types, "/xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"
    assert (
        content_type(types, "/xl/workbook.xml")
        == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    assert 'codeName="ThisWorkbook"' in workbook_xml
    assert 'codeName="Sheet2"' in sheet_xml

    parser = VBA_Parser(str(path), relaxed=False)  # strict: unexpected record values raise
    try:
        assert parser.detect_vba_macros()
        found = {
            vba_filename: (stream_path, code)
            for _file, stream_path, vba_filename, code in parser.extract_macros()
        }
    finally:
        parser.close()
    extension = {"standard": "bas", "class": "cls", "document": "cls"}
    assert found == {f"{m.name}.{extension[m.kind]}": (f"VBA/{m.name}", m.source) for m in modules}

    # What differs from the input files, exactly: nothing for the .bas; for the .cls the
    # VERSION/BEGIN/END block goes and the three attributes the VBE adds on import come in.
    assert found["xlwings.bas"][1] == read_export(XLWINGS_BAS)
    exported = read_export(DICTIONARY_CLS).split("\r\n")
    assert exported[:4] == ["VERSION 1.0 CLASS", "BEGIN", "  MultiUse = -1  'True", "END"]
    stored = found["Dictionary.cls"][1].split("\r\n")
    assert stored[1] == 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'
    assert stored[6:8] == [
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
    ]
    assert stored[:1] + stored[2:6] + stored[8:] == exported[4:]
    assert found["ThisWorkbook.cls"][1].endswith("\r\n" + THISWORKBOOK_CODE)


def test_line_endings_are_stored_as_crlf() -> None:
    module = vba.standard_module("Lf", "Sub A()\nEnd Sub")
    project = olefile.OleFileIO(vba.build_vba_project([module]))
    assert vba.decompress(project.openstream("VBA/Lf").read()) == (
        b'Attribute VB_Name = "Lf"\r\nSub A()\r\nEnd Sub\r\n'
    )


# --- the reference project written by Excel ----------------------------------------------------


def test_headers_match_what_excel_stores(quickstart: olefile.OleFileIO) -> None:
    offsets = module_offsets(vba.decompress(quickstart.openstream("VBA/dir").read()))

    def stored(name: str) -> str:
        raw = quickstart.openstream(f"VBA/{name}").read()
        return vba.decompress(raw[offsets[name] :]).decode("cp1252")

    assert stored("ThisWorkbook") == vba.document_module("ThisWorkbook", workbook=True).source
    assert stored("Sheet1") == vba.document_module("Sheet1", workbook=False).source
    ours = vba.parse_exported_module(read_export(DICTIONARY_CLS)).source.split("\r\n")
    assert stored("Dictionary").split("\r\n")[:9] == ours[:9]
    assert stored("Module1").startswith('Attribute VB_Name = "Module1"\r\nSub SampleCall()')


def test_dir_stream_has_the_record_layout_excel_writes(quickstart: olefile.OleFileIO) -> None:
    theirs = list(dir_records(vba.decompress(quickstart.openstream("VBA/dir").read())))
    data = vba.build_vba_project(project_modules())
    ours = list(dir_records(vba.decompress(olefile.OleFileIO(data).openstream("VBA/dir").read())))

    def information(records: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        return records[: next(i for i, (rid, _) in enumerate(records) if rid == 0x0016)]

    def per_module(records: list[tuple[int, bytes]]) -> list[list[int]]:
        groups: list[list[int]] = []
        for record_id, _payload in records:
            if record_id == 0x0019:
                groups.append([])
            if groups and groups[-1][-1:] != [0x002B]:
                groups[-1].append(record_id)
        return groups

    # Same PROJECTINFORMATION records and values, except PROJECTVERSION (any value is valid).
    assert [r for r in information(ours) if r[0] != 0x0009] == [
        r for r in information(theirs) if r[0] != 0x0009
    ]
    assert per_module(ours) == [
        [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C, t, 0x2B]
        for t in (0x22, 0x22, 0x22, 0x21, 0x22, 0x21)
    ]
    assert {tuple(g[:9]) for g in per_module(theirs)} == {tuple(per_module(ours)[0][:9])}
    assert (0x000F, struct.pack("<H", 6)) in ours
    assert ours[-1] == (0x0010, b"")
    references = [p for rid, p in ours if rid == 0x0016]
    assert references == [b"stdole", b"Office"]
    office = next(p for rid, p in theirs if rid == 0x000D)
    assert office in [p for rid, p in ours if rid == 0x000D]
    assert all(struct.unpack("<I", p)[0] == 0 for rid, p in ours if rid == 0x0031)


def test_project_streams() -> None:
    modules = project_modules()
    ole = olefile.OleFileIO(vba.build_vba_project(modules, project_name="Nilai"))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")

    text = ole.openstream("PROJECT").read().decode("cp1252")
    lines = text.split("\r\n")
    assert re.fullmatch(r'ID="\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}"', lines[0])
    assert lines[1:11] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=xlwings",
        "Class=Dictionary",
        "Module=sheetnilai",
        'Name="Nilai"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        lines[10],
    ]
    project_id = lines[0][4:-1]
    values = dict(line.split("=", 1) for line in lines[10:13])
    assert decrypt(values["CMG"].strip('"'), project_id) == b"\0\0\0\0"
    assert decrypt(values["DPB"].strip('"'), project_id) == b"\0"
    assert decrypt(values["GC"].strip('"'), project_id) == b"\xff"
    assert lines[13:] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *[f"{m.name}=0, 0, 0, 0, C" for m in modules],
        "",
        "",
    ]

    expected_wm = b"".join(
        m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules
    )
    assert ole.openstream("PROJECTwm").read() == expected_wm + b"\0\0"
    # The same input always gives the same bytes.
    assert vba.build_vba_project(modules) == vba.build_vba_project(modules)


def test_decrypt_reads_the_excel_reference(quickstart: olefile.OleFileIO) -> None:
    # Validates the test's own decryptor on values Excel wrote.
    lines = quickstart.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    project_id = lines[0][4:-1]
    values = dict(line.split("=", 1) for line in lines if line[:4] in ("CMG=", "DPB=", 'GC="'))
    assert decrypt(values["CMG"].strip('"'), project_id) == b"\0\0\0\0"
    assert decrypt(values["DPB"].strip('"'), project_id) == b"\0"
    assert decrypt(values["GC"].strip('"'), project_id) == b"\xff"


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"line 3.*U\+0100.*code page 1252"):
        vba.build_vba_project([vba.standard_module("Teks", "' ok\r\n' Ā\r\n")])
    with pytest.raises(ValueError, match="duplicate module name"):
        vba.build_vba_project([vba.standard_module("A", ""), vba.standard_module("a", "")])
    with pytest.raises(ValueError, match="invalid module name"):
        vba.standard_module("1abc", "")
    with pytest.raises(ValueError, match="invalid module name"):
        vba.standard_module("x" * 32, "")
    with pytest.raises(ValueError, match="VB_Name"):
        vba.VbaModule("A", "standard", 'Attribute VB_Name = "B"\r\n')
    with pytest.raises(ValueError, match="must start with"):
        vba.VbaModule("A", "standard", "Sub A()\r\nEnd Sub\r\n")
    with pytest.raises(ValueError, match="'dir'"):
        vba.build_vba_project([vba.standard_module("Dir", "")])
    with pytest.raises(ValueError, match="code page"):
        vba.build_vba_project([vba.standard_module("A", "")], codepage=99999)


def test_other_codepage() -> None:
    source = "' Grüße\r\n"
    ole = olefile.OleFileIO(vba.build_vba_project([vba.standard_module("A", source)]))
    assert vba.decompress(ole.openstream("VBA/A").read()).endswith(source.encode("cp1252"))
    ole = olefile.OleFileIO(
        vba.build_vba_project([vba.standard_module("A", "' Ω\r\n")], codepage=1253)
    )
    assert vba.decompress(ole.openstream("VBA/A").read()).endswith("' Ω\r\n".encode("cp1253"))


def test_class_module_helper() -> None:
    module = vba.class_module("Counter", "Public Count As Long\r\n", exposed=True)
    assert module.kind == "class"
    assert module.source.split("\r\n") == [
        'Attribute VB_Name = "Counter"',
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = False",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
        "Public Count As Long",
        "",
    ]


# --- 2. compression ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab \r\n", max_size=9000).map(str.encode))
def test_decompress_inverts_compress(data: bytes) -> None:
    packed = vba.compress(data)
    assert vba.decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data  # oletools, independently


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 8192, 100_000])
@pytest.mark.parametrize("kind", ["random", "text"])
def test_compress_sizes(size: int, kind: str) -> None:
    rng = random.Random(size)
    if kind == "random":
        data = rng.randbytes(size)
    else:
        words = [b"Dim ", b"As String", b"\r\n", b"    ", b"End If", b"x", b"(i)", b"' "]
        data = b"".join(rng.choice(words) for _ in range(size))[:size]
    packed = vba.compress(data)
    assert vba.decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data
    if kind == "text":
        assert all(chunk_flags(packed))  # text never falls back to raw chunks


def test_compress_spec_examples() -> None:
    # [MS-OVBA] 3.2.1 "No Compression Example" and 3.2.2 "Normal Compression Example": our
    # compressor gives exactly the bytes the spec prints.
    assert vba.compress(b"abcdefghijklmnopqrstuv.") == bytes.fromhex(
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"
    )
    text = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    spec = bytes.fromhex(
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"
    )
    assert vba.compress(text) == spec
    assert vba.decompress(spec) == text


def test_compress_shrinks_xlwings() -> None:
    source = XLWINGS_BAS.read_bytes()
    packed = vba.compress(source)
    assert len(packed) < len(source) // 2
    assert all(chunk_flags(packed))
    assert vba.decompress(packed) == source


def test_decompress_reads_excel_streams(quickstart: olefile.OleFileIO) -> None:
    dir_data = vba.decompress(quickstart.openstream("VBA/dir").read())
    assert dir_data == bytes(decompress_stream(bytearray(quickstart.openstream("VBA/dir").read())))
    records = dict(dir_records(dir_data))
    assert records[0x0003] == struct.pack("<H", 1252)
    assert records[0x0004] == b"VBAProject"
    offsets = module_offsets(dir_data)
    streams = {"/".join(p) for p in quickstart.listdir() if p[0] == "VBA"}
    assert {f"VBA/{name}" for name in offsets} == streams - {"VBA/dir", "VBA/_VBA_PROJECT"}
    for name, offset in offsets.items():
        code = vba.decompress(quickstart.openstream(f"VBA/{name}").read()[offset:])
        assert code.startswith(f'Attribute VB_Name = "{name}"'.encode())
    xlwings = vba.decompress(quickstart.openstream("VBA/xlwings").read()[offsets["xlwings"] :])
    # xlwings' build put this module in with LF line ends; Excel keeps whatever it is given.
    assert xlwings.startswith(b'Attribute VB_Name = "xlwings"\n#Const App = "Microsoft Excel"')


def test_decompress_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="signature"):
        vba.decompress(b"\x02\x00")
    with pytest.raises(ValueError, match="chunk signature"):
        vba.decompress(b"\x01\x00\x00")
    with pytest.raises(ValueError, match="before its chunk"):
        vba.decompress(b"\x01\x02\xb0\x01\x00\x00")


# --- 3. compound file --------------------------------------------------------------------------


RED, BLACK = 0, 1  # MS-CFB 2.6.1 colour flag values (olefile's comment has them swapped)


def cfb_order(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def check_tree(ole: olefile.OleFileIO) -> None:
    """Every storage's children: a binary search tree in MS-CFB order obeying red-black rules."""
    entries = ole.direntries

    def walk(sid: int) -> tuple[list[str], int]:
        """In-order names and black height of the subtree at `sid`."""
        if sid == olefile.NOSTREAM:
            return [], 1
        entry = entries[sid]
        left, left_height = walk(entry.sid_left)
        right, right_height = walk(entry.sid_right)
        assert left_height == right_height, entry.name
        if entry.color == RED:
            for child in (entry.sid_left, entry.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == BLACK
        black = 1 if entry.color == BLACK else 0
        return [*left, entry.name, *right], left_height + black

    for entry in entries:
        if entry is None or entry.entry_type not in (olefile.STGTY_STORAGE, olefile.STGTY_ROOT):
            continue
        if entry.sid_child == olefile.NOSTREAM:
            continue
        assert entries[entry.sid_child].color == BLACK
        names, _height = walk(entry.sid_child)
        assert names == sorted(names, key=cfb_order)
        assert sorted(names) == sorted(kid.name for kid in entry.kids)


def test_compound_file_streams_and_cutoff() -> None:
    rng = random.Random(7)
    streams = {
        "small": rng.randbytes(4095),
        "exact": rng.randbytes(4096),
        "tiny": b"x",
        "empty": b"",
        "S/big": rng.randbytes(300_000),
        "S/T/sixtyfour": rng.randbytes(64),
        "S/T/deeper": rng.randbytes(5000),
    }
    data = vba.compound_file(streams)
    assert len(data) % 512 == 0
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for path, payload in streams.items():
        assert ole.openstream(path).read() == payload
    by_name = {e.name: e for e in ole.direntries if e is not None}
    assert by_name["small"].is_minifat
    assert by_name["sixtyfour"].is_minifat
    assert not by_name["exact"].is_minifat
    assert not by_name["big"].is_minifat
    assert by_name["empty"].isectStart == olefile.ENDOFCHAIN
    assert ole.get_type("S/T") == olefile.STGTY_STORAGE
    check_tree(ole)

    # Header: version 3, 512/64-byte sectors, no DIFAT sectors, the header DIFAT lists exactly
    # the sectors the FAT itself marks as FAT sectors.
    (minor, major, order, shift, mini_shift) = struct.unpack_from("<HHHHH", data, 24)
    assert (minor, major, order, shift, mini_shift) == (0x3E, 3, 0xFFFE, 9, 6)
    fat_count, _dir_start, _sig, cutoff = struct.unpack_from("<IIII", data, 44)
    first_difat, difat_count = struct.unpack_from("<II", data, 68)
    assert (cutoff, first_difat, difat_count) == (4096, olefile.ENDOFCHAIN, 0)
    difat = struct.unpack_from("<109I", data, 76)
    assert fat_count > 1
    assert list(difat[:fat_count]) == list(range(fat_count))
    assert set(difat[fat_count:]) == {olefile.FREESECT}
    fat = struct.unpack_from(f"<{fat_count * 128}I", data, 512)
    assert [i for i, v in enumerate(fat) if v == olefile.FATSECT] == list(range(fat_count))
    assert len(data) // 512 - 1 <= len(fat)


def test_compound_file_rejects_bad_paths() -> None:
    with pytest.raises(ValueError, match="invalid"):
        vba.compound_file({"a" * 32: b""})
    with pytest.raises(ValueError, match="duplicate"):
        vba.compound_file({"A/b": b"", "a": b""})


def test_vba_project_layout_and_tree() -> None:
    modules = [vba.document_module("ThisWorkbook", workbook=True)] + [
        vba.standard_module(f"Modul{i:02d}", f"Sub P{i}()\r\nEnd Sub\r\n") for i in range(40)
    ]
    data = vba.build_vba_project(modules)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)
    expected = {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"}
    expected |= {f"VBA/{m.name}" for m in modules}
    assert {"/".join(p) for p in ole.listdir()} == expected
    check_tree(ole)
    for module in modules:
        assert vba.decompress(ole.openstream(f"VBA/{module.name}").read()) == (
            module.source.encode("cp1252")
        )


def test_reported_size() -> None:
    modules = [
        vba.document_module("ThisWorkbook", workbook=True),
        vba.document_module("Sheet1", workbook=False),
        vba.parse_exported_module(read_export(XLWINGS_BAS)),
        vba.parse_exported_module(read_export(DICTIONARY_CLS)),
        vba.standard_module("sheetnilai", MACROS),
    ]
    assert len(vba.build_vba_project(modules)) < 40_000


# --- 4. LibreOffice ----------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_libreoffice_imports_every_module(tmp_path: Path) -> None:
    modules = project_modules()
    source = tmp_path / "makro.xlsm"
    write_xlsm(source, vba.build_vba_project(modules, project_name="NilaiVBA"))
    (ods,) = convert([source], tmp_path / "out", target="ods")

    with zipfile.ZipFile(ods) as archive:
        names = set(archive.namelist())
        library = archive.read("Basic/NilaiVBA/script-lb.xml").decode()
        texts = {
            m.name: archive.read(f"Basic/NilaiVBA/{m.name}.xml").decode("utf-8") for m in modules
        }
    # LibreOffice names the Basic library after the VBA project and keeps one module per
    # module, with the kind it read from our dir/PROJECT streams.
    assert {n for n in names if n.startswith("Basic/NilaiVBA/")} == {
        "Basic/NilaiVBA/script-lb.xml",
        *(f"Basic/NilaiVBA/{m.name}.xml" for m in modules),
    }
    for module in modules:
        assert f'library:name="{module.name}"' in library
    kinds = {"standard": "normal", "class": "class", "document": "document"}
    banner = {
        "standard": "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n",
        "class": "Rem Attribute VBA_ModuleType=VBAClassModule\nOption VBASupport 1\n"
        "Option ClassModule\n",
        "document": "Rem Attribute VBA_ModuleType=VBADocumentModule\nOption VBASupport 1\n",
    }
    for module in modules:
        match = re.search(
            r'script:moduleType="(\w+)">(.*)</script:module>', texts[module.name], re.S
        )
        assert match is not None, module.name
        assert match.group(1) == kinds[module.kind]
        # LibreOffice drops every Attribute line (module and procedure ones), adds its banner,
        # uses LF line ends and one more LF at the end; the code itself arrives intact and
        # executable (not commented out).
        code = "".join(
            line + "\n"
            for line in module.source.split("\r\n")[:-1]
            if not line.startswith("Attribute ")
        )
        assert html.unescape(match.group(2)) == banner[module.kind] + code + "\n"
