"""Build an Excel VBA project binary (`vbaProject.bin`) from module source texts.

Pure standard library. The result is meant for XlsxWriter:
``workbook.add_vba_project(io.BytesIO(build_vba_project(...)), is_stream=True)``.

What is written follows [MS-OVBA] (VBA File Format) and [MS-CFB] (Compound File Binary):

* a compound file (version 3, 512-byte sectors) with ``PROJECT`` and ``PROJECTwm`` at the root
  and a ``VBA`` storage holding ``_VBA_PROJECT``, ``dir`` and one stream per module;
* ``_VBA_PROJECT`` is the 7-byte version-independent header only. Its Version 0xFFFF and the
  absence of any performance cache (every MODULEOFFSET is 0) make VBA compile the project from
  the source text when Excel opens it, so no p-code has to be produced here;
* ``dir`` and module streams use the MS-OVBA compression (2.4.1) with a real LZ77 match finder:
  a third-party report says Excel drops modules whose chunks are stored uncompressed, and the
  only way to keep text chunks compressed is to find back-references;
* ``PROJECT`` carries the CMG/DPB/GC fields encrypted per 2.4.3 with the key derived from the
  project ID, saying "not protected, no password, visible".

Record values (SysKind, LCID, references, PROJECT layout) copy the Excel-written project inside
xlwings' ``quickstart_standalone.xlsm``; the references are the two Excel puts in every new
project (OLE Automation and Office), the VBA and Excel libraries being implicit.

A `VbaModule`'s ``source`` is the module text exactly as the VBE stores it in the module stream:
it starts with the ``Attribute VB_Name = "..."`` line (class and document modules carry their
further ``Attribute VB_...`` header lines too). Use `standard_module`, `class_module`,
`document_module` or `parse_exported_module` to get that header right.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ModuleKind",
    "VbaModule",
    "build_vba_project",
    "class_module",
    "compound_file",
    "compress",
    "decompress",
    "document_module",
    "parse_exported_module",
    "standard_module",
]

ModuleKind = Literal["standard", "class", "document"]

# [MS-OVBA] PROJECTSYSKIND: 3 = 64-bit Windows, what the reference Excel file carries. Without a
# performance cache it only labels the platform; every host recompiles from source anyway.
SYSKIND_WIN64 = 0x00000003
LCID_EN_US = 0x00000409

_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# (name, libid) of the REFERENCEREGISTERED records Excel writes for a fresh project.
_REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "stdole",
        "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
        "C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
        "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
        "Microsoft Office 16.0 Object Library",
    ),
)

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_VB_NAME = re.compile(r'Attribute VB_Name = "([^"]*)"\r?$', re.IGNORECASE)
_ATTRIBUTE = re.compile(r"Attribute (VB_\w+) = (.*)$", re.IGNORECASE)
_NEWLINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class VbaModule:
    """One VBA module.

    ``source`` is the module stream text: the ``Attribute VB_Name = "<name>"`` line first, then
    (for class and document modules) the other module attribute lines, then the code. Line
    endings may be LF or CRLF; they are written as CRLF, the form the VBE stores.
    """

    name: str
    kind: ModuleKind
    source: str = field(repr=False)

    def __post_init__(self) -> None:
        _check_identifier(self.name, "module name")
        if self.kind not in ("standard", "class", "document"):
            raise ValueError(f"module {self.name}: unknown kind {self.kind!r}")
        first = self.source.split("\n", 1)[0]
        match = _VB_NAME.match(first)
        if match is None:
            raise ValueError(
                f'module {self.name}: source must start with Attribute VB_Name = "{self.name}"'
            )
        if match.group(1) != self.name:
            raise ValueError(
                f"module {self.name}: source says Attribute VB_Name = {match.group(1)!r}"
            )


def standard_module(name: str, code: str) -> VbaModule:
    """A procedural (.bas) module; ``code`` has no Attribute lines."""
    return VbaModule(name, "standard", f'Attribute VB_Name = "{name}"\r\n{code}')


def class_module(name: str, code: str, *, exposed: bool = False) -> VbaModule:
    """A class module with the header the VBE stores for a fresh private class."""
    header = _class_header(name, {"VB_Exposed": _vb_bool(exposed)})
    return VbaModule(name, "class", header + code)


def document_module(name: str, *, workbook: bool, code: str = "") -> VbaModule:
    """The ``ThisWorkbook`` (``workbook=True``) or a worksheet's document module.

    ``name`` must equal the codename XlsxWriter writes (``set_vba_name``), otherwise Excel pairs
    the workbook or sheet with a new, empty module instead.
    """
    base = _WORKBOOK_BASE if workbook else _SHEET_BASE
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return VbaModule(name, "document", "\r\n".join(lines) + "\r\n" + code)


def parse_exported_module(text: str) -> VbaModule:
    """Turn a file exported by the VBE (.bas or .cls) into the module it came from.

    A .bas export already is the stored text. A .cls export starts with a
    ``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` block that is not part of the module stream,
    and lacks the ``VB_Base``, ``VB_TemplateDerived`` and ``VB_Customizable`` attributes the VBE
    adds back on import; both are fixed here so the result matches what Excel stores.

    Document modules (ThisWorkbook, sheets) also export as .cls and their text cannot be told
    from a class's; build those with `document_module` and its ``code`` argument instead.
    """
    lines = _NEWLINES.split(text)
    if lines and lines[0].strip().upper().startswith("VERSION") and "CLASS" in lines[0].upper():
        try:
            end = next(i for i, line in enumerate(lines) if line.strip().upper() == "END")
        except StopIteration:
            raise ValueError("class export: VERSION header without END") from None
        rest = lines[end + 1 :]
        attributes: dict[str, str] = {}
        body_start = 0
        while body_start < len(rest) and (match := _ATTRIBUTE.match(rest[body_start])):
            attributes[match.group(1)] = match.group(2)
            body_start += 1
        name = _unquote(attributes.pop("VB_Name", ""))
        header = _class_header(name, attributes)
        return VbaModule(name, "class", header + "\r\n".join(rest[body_start:]))
    match = _VB_NAME.match(lines[0]) if lines else None
    if match is None:
        raise ValueError('module export must start with Attribute VB_Name = "..."')
    return VbaModule(match.group(1), "standard", "\r\n".join(lines))


def _class_header(name: str, attributes: Mapping[str, str]) -> str:
    # The VBE stores the class header attributes in this order, followed by any other attribute
    # (e.g. VB_Description) in the order the export gave them.
    values = {
        "VB_Name": f'"{name}"',
        "VB_Base": f'"{_CLASS_BASE}"',
        "VB_GlobalNameSpace": "False",
        "VB_Creatable": "False",
        "VB_PredeclaredId": "False",
        "VB_Exposed": "False",
        "VB_TemplateDerived": "False",
        "VB_Customizable": "False",
    }
    extra: dict[str, str] = {}
    for key, value in attributes.items():
        canonical = next((k for k in values if k.lower() == key.lower()), None)
        if canonical is None:
            extra[key] = value
        elif canonical not in ("VB_Name", "VB_Base"):
            values[canonical] = value
    values.update(extra)
    return "".join(f"Attribute {key} = {value}\r\n" for key, value in values.items())


def _vb_bool(value: bool) -> str:
    return "True" if value else "False"


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _check_identifier(name: str, what: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"invalid {what} {name!r}: VBA needs an ASCII letter then letters, digits or _, "
            "at most 31 characters"
        )


# --- build --------------------------------------------------------------------------------------


def build_vba_project(
    modules: Sequence[VbaModule], *, project_name: str = "VBAProject", codepage: int = 1252
) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules`` in the given order.

    ``codepage`` is the Windows code page all names and sources are stored in; a source that
    does not fit it raises ``ValueError``. The project ID is derived from the input, so the
    same input always gives the same bytes.
    """
    _check_identifier(project_name, "project name")
    codec = _codec(codepage)
    if not modules:
        raise ValueError("a VBA project needs at least one module")
    seen: set[str] = set()
    for module in modules:
        key = module.name.upper()
        if key in seen:
            raise ValueError(f"duplicate module name {module.name!r} (VBA ignores case)")
        if key == "DIR":
            raise ValueError("a module cannot be named 'dir': that is the VBA/dir stream")
        seen.add(key)
    sources = [_encode_source(module, codec) for module in modules]
    project_id = _project_id(project_name, codepage, modules)

    streams: dict[str, bytes] = {
        "PROJECT": _project_stream(modules, project_name, project_id, codec),
        "PROJECTwm": _projectwm_stream(modules, codec),
        "VBA/_VBA_PROJECT": _vba_project_stream(),
        "VBA/dir": compress(_dir_stream(modules, project_name, codepage, codec)),
    }
    for module, source in zip(modules, sources, strict=True):
        streams[f"VBA/{module.name}"] = compress(source)
    return compound_file(streams)


def _codec(codepage: int) -> str:
    if not 0 < codepage <= 0xFFFF:
        raise ValueError(f"code page {codepage} does not fit PROJECTCODEPAGE")
    name = f"cp{codepage}"
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(f"code page {codepage} is not known to Python") from None
    return name


def _encode_source(module: VbaModule, codec: str) -> bytes:
    text = _NEWLINES.sub("\r\n", module.source)
    if not text.endswith("\r\n"):
        text += "\r\n"
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        char = text[exc.start]
        raise ValueError(
            f"module {module.name}, line {line}: {char!r} (U+{ord(char):04X}) cannot be "
            f"written in code page {codec[2:]}"
        ) from None


def _project_id(project_name: str, codepage: int, modules: Sequence[VbaModule]) -> str:
    digest = hashlib.sha256(f"{project_name}\0{codepage}".encode())
    for module in modules:
        digest.update(f"\0{module.name}\0{module.kind}\0{module.source}".encode())
    return "{" + str(uuid.UUID(bytes=digest.digest()[:16], version=4)).upper() + "}"


def _vba_project_stream() -> bytes:
    # Reserved1 0x61CC, Version 0xFFFF (= "ignore any cache"), Reserved2 0x00, Reserved3 0x0001:
    # the spec calls Reserved3 undefined; its example and the reference Excel file both use 1.
    return struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _dir_stream(
    modules: Sequence[VbaModule], project_name: str, codepage: int, codec: str
) -> bytes:
    out = bytearray()
    # PROJECTINFORMATION
    out += _record(0x0001, struct.pack("<I", SYSKIND_WIN64))  # PROJECTSYSKIND
    out += _record(0x0002, struct.pack("<I", LCID_EN_US))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID_EN_US))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", codepage))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(codec))  # PROJECTNAME
    out += _record(0x0005, b"") + _record(0x0040, b"")  # PROJECTDOCSTRING (+ Unicode)
    out += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH (both copies)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its size field is a fixed 4 although 6 bytes follow.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _record(0x000C, b"") + _record(0x003C, b"")  # PROJECTCONSTANTS (+ Unicode)
    # PROJECTREFERENCES
    for name, libid in _REFERENCES:
        out += _record(0x0016, name.encode(codec))  # REFERENCENAME
        out += _record(0x003E, name.encode("utf-16-le"))
        raw = libid.encode(codec)
        out += _record(0x000D, struct.pack("<I", len(raw)) + raw + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        mbcs = module.name.encode(codec)
        wide = module.name.encode("utf-16-le")
        out += _record(0x0019, mbcs)  # MODULENAME
        out += _record(0x0047, wide)  # MODULENAMEUNICODE
        out += _record(0x001A, mbcs) + _record(0x0032, wide)  # MODULESTREAMNAME
        out += _record(0x001C, b"") + _record(0x0048, b"")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # Terminator
    out += _record(0x0010, b"")  # dir Terminator
    return bytes(out)


def _project_stream(
    modules: Sequence[VbaModule], project_name: str, project_id: str, codec: str
) -> bytes:
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    seed = hashlib.sha256(project_id.encode("ascii")).digest()
    protection = _encrypt(bytes(4), project_id, seed[0:4])
    password = _encrypt(bytes(1), project_id, seed[4:8])
    visibility = _encrypt(bytes([0xFF]), project_id, seed[8:12])
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        # Not protected / no password / visible, as 2.3.1.15-17 prescribe for open projects.
        f'CMG="{protection}"',
        f'DPB="{password}"',
        f'GC="{visibility}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    lines.append("")
    return ("\r\n".join(lines) + "\r\n").encode(codec)


def _projectwm_stream(modules: Sequence[VbaModule], codec: str) -> bytes:
    out = bytearray()
    for module in modules:
        out += module.name.encode(codec) + b"\0" + module.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def _encrypt(data: bytes, project_id: str, randomness: bytes) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption, as upper-case hex; ``randomness`` gives the seed and
    the ignored bytes (the spec lets them be anything)."""
    seed = randomness[0]
    version = 2
    key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ version
    key_enc = seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    ignored = randomness[1 : 1 + (seed & 6) // 2]
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()


# --- MS-OVBA compression (2.4.1) ----------------------------------------------------------------

_CHUNK = 4096
_MAX_CHAIN = 128  # candidates tried per position; text repeats are found long before that
_LITERAL_SAFE = 3640  # n + ceil(n / 8) <= 4095: always fits a compressed chunk as literals


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer (greedy LZ77 per chunk).

    A full 4096-byte chunk that does not shrink is stored raw, as the spec prescribes. A
    shorter final chunk that does not shrink cannot be stored raw without padding it with
    zeros (which would change the data), so it is split into two compressed chunks instead;
    decompressors following the spec read that correctly. Neither case happens for source text.
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= _CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
        elif len(chunk) == _CHUNK:
            out += struct.pack("<H", 0x3000 | (_CHUNK - 1)) + chunk
        else:
            for piece in (chunk[:_LITERAL_SAFE], chunk[_LITERAL_SAFE:]):
                body = _compress_chunk(piece)
                out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
    return bytes(out)


def _copy_token_bits(position: int) -> int:
    # Offset bits of a copy token at `position` bytes into the decompressed chunk: the smallest
    # b >= 4 with 2**b >= position.
    return max(4, (position - 1).bit_length())


def _compress_chunk(chunk: bytes) -> bytes:
    size = len(chunk)
    out = bytearray()
    head: dict[bytes, int] = {}
    previous = [-1] * size
    inserted = 0
    position = 0

    def insert_until(end: int) -> None:
        nonlocal inserted
        for p in range(inserted, min(end, size - 2)):
            key = chunk[p : p + 3]
            previous[p] = head.get(key, -1)
            head[key] = p
        inserted = max(inserted, end)

    while position < size:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if position >= size:
                break
            insert_until(position)
            best_length = 0
            best_offset = 0
            bits = _copy_token_bits(position)
            limit = min((0xFFFF >> bits) + 3, size - position)
            if limit >= 3:
                candidate = head.get(chunk[position : position + 3], -1)
                tries = _MAX_CHAIN
                while candidate >= 0 and tries:
                    tries -= 1
                    if best_length == 0 or (
                        best_length < limit
                        and chunk[candidate + best_length] == chunk[position + best_length]
                    ):
                        length = 3
                        while (
                            length < limit and chunk[candidate + length] == chunk[position + length]
                        ):
                            length += 1
                        if length > best_length:
                            best_length, best_offset = length, position - candidate
                            if length == limit:
                                break
                    candidate = previous[candidate]
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bits)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                position += best_length
            else:
                out.append(chunk[position])
                position += 1
        out[flag_at] = flags
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer; ``ValueError`` if it is malformed."""
    if not data or data[0] != 0x01:
        raise ValueError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    index = 1
    while index < len(data):
        if index + 2 > len(data):
            raise ValueError(f"truncated chunk header at byte {index}")
        (header,) = struct.unpack_from("<H", data, index)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at byte {index}")
        end = min(index + (header & 0x0FFF) + 3, len(data))
        index += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[index:end]
            index = end
            continue
        while index < end:
            flags = data[index]
            index += 1
            for bit in range(8):
                if index >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[index])
                    index += 1
                    continue
                if index + 2 > end:
                    raise ValueError(f"truncated copy token at byte {index}")
                (token,) = struct.unpack_from("<H", data, index)
                index += 2
                bits = _copy_token_bits(len(out) - chunk_start)
                length = (token & (0xFFFF >> bits)) + 3
                source = len(out) - ((token >> (16 - bits)) + 1)
                if source < chunk_start:
                    raise ValueError(f"copy token points before its chunk at byte {index - 2}")
                if source + length <= len(out):
                    out += out[source : source + length]
                else:  # overlapping copy: the run repeats bytes it is producing
                    for k in range(length):
                        out.append(out[source + k])
    return bytes(out)


# --- MS-CFB writer ------------------------------------------------------------------------------

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109


@dataclass
class _Node:
    name: str
    data: bytes | None  # None for a storage
    children: dict[str, _Node] = field(default_factory=dict)
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    red: bool = False
    start: int = _ENDOFCHAIN
    size: int = 0


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams``, keyed by ``/``-separated paths.

    Storages are implied by the paths. Streams under 4096 bytes go to the mini stream. CLSIDs,
    state bits and timestamps are zero. Each storage's children form a red-black tree ordered
    as MS-CFB 2.6.4 says (shorter names first, then by upper-cased name).
    """
    root = _Node("Root Entry", None)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts):
            if not part or len(part) > 31 or any(c in part for c in "/\\:!"):
                raise ValueError(f"invalid compound file entry name {part!r} in {path!r}")
            key = part.upper()
            last = depth == len(parts) - 1
            existing = node.children.get(key)
            if existing is None:
                existing = _Node(part, bytes(data) if last else None)
                node.children[key] = existing
            elif last or existing.data is not None:
                raise ValueError(f"duplicate or conflicting compound file entry {path!r}")
            node = existing

    entries: list[_Node] = []

    def number(node: _Node) -> None:
        node.sid = len(entries)
        entries.append(node)
        for child in node.children.values():
            number(child)

    number(root)
    for node in entries:
        if node.data is None and node.children:
            ordered = sorted(node.children.values(), key=_cfb_order)
            node.child = _red_black(ordered)

    # Mini stream: small streams back to back in 64-byte mini sectors.
    mini_fat: list[int] = []
    mini_data = bytearray()
    big: list[_Node] = []
    for node in entries[1:]:
        if node.data is None:
            node.start, node.size = 0, 0
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = _ENDOFCHAIN
        elif node.size < _MINI_CUTOFF:
            count = -(-node.size // _MINI_SECTOR)
            node.start = len(mini_fat)
            mini_fat += [node.start + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
            mini_data += node.data.ljust(count * _MINI_SECTOR, b"\0")
        else:
            big.append(node)

    def sectors(length: int) -> int:
        return -(-length // _SECTOR)

    dir_count = sectors(len(entries) * 128)
    minifat_count = sectors(len(mini_fat) * 4)
    ministream_count = sectors(len(mini_data))
    big_counts = [sectors(node.size) for node in big]
    others = dir_count + minifat_count + ministream_count + sum(big_counts)
    fat_count = 1
    while fat_count * (_SECTOR // 4) < fat_count + others:
        fat_count += 1
    if fat_count > _HEADER_DIFAT:
        raise ValueError("compound file too large for a header-only DIFAT (about 6.8 MB)")

    fat: list[int] = [_FATSECT] * fat_count
    body = bytearray()

    def allocate(payload: bytes, count: int) -> int:
        if count == 0:
            return _ENDOFCHAIN
        first = len(fat)
        fat.extend(first + i + 1 for i in range(count - 1))
        fat.append(_ENDOFCHAIN)
        body.extend(payload.ljust(count * _SECTOR, b"\0"))
        return first

    # The directory is written last but its sectors come first; reserve them now.
    dir_start = len(fat)
    fat.extend(dir_start + i + 1 for i in range(dir_count - 1))
    fat.append(_ENDOFCHAIN)
    body.extend(bytes(dir_count * _SECTOR))
    minifat_raw = b"".join(struct.pack("<I", v) for v in mini_fat)
    minifat_start = allocate(minifat_raw.ljust(minifat_count * _SECTOR, b"\xff"), minifat_count)
    root.start = allocate(bytes(mini_data), ministream_count)
    root.size = len(mini_data)
    for node, count in zip(big, big_counts, strict=True):
        assert node.data is not None
        node.start = allocate(node.data, count)

    directory = b"".join(_dir_entry(node) for node in entries)
    unused = _dir_entry(None)
    directory += unused * (dir_count * _SECTOR // 128 - len(entries))
    body[0 : len(directory)] = directory

    fat += [_FREESECT] * (fat_count * (_SECTOR // 4) - len(fat))
    header = bytearray()
    header += bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIII", 0, fat_count, dir_start, 0, _MINI_CUTOFF)
    header += struct.pack("<II", minifat_start, minifat_count)
    header += struct.pack("<II", _ENDOFCHAIN, 0)  # no DIFAT sectors
    difat = list(range(fat_count)) + [_FREESECT] * (_HEADER_DIFAT - fat_count)
    header += struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    assert len(header) == _SECTOR
    fat_raw = struct.pack(f"<{len(fat)}I", *fat)
    return bytes(header) + fat_raw + bytes(body)


def _cfb_order(node: _Node) -> tuple[int, str]:
    return (len(node.name.encode("utf-16-le")), node.name.upper())


def _red_black(ordered: list[_Node]) -> int:
    """Link ``ordered`` as a balanced binary search tree; returns the root's id.

    Built by halving, every leaf sits on the last two levels, so colouring the last level red
    (when it is not full) and everything else black satisfies the red-black rules.
    """
    count = len(ordered)
    height = count.bit_length()
    perfect = count == (1 << height) - 1

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return _NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.red = not perfect and depth == height - 1
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return node.sid

    return build(0, count, 0)


def _dir_entry(node: _Node | None) -> bytes:
    if node is None:
        links = struct.pack("<HBBIII", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
        return bytes(64) + links + bytes(128 - 64 - len(links))
    name = node.name.encode("utf-16-le") + b"\0\0"
    kind = 5 if node.sid == 0 else 1 if node.data is None else 2
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), kind, 0 if node.red else 1)
        + struct.pack("<III", node.left, node.right, node.child)
        + bytes(16)  # CLSID
        + struct.pack("<I", 0)  # state bits
        + bytes(16)  # creation and modification times
        + struct.pack("<IQ", node.start, node.size)
    )
