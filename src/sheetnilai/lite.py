"""xlwings Lite: one self-contained ``main.py`` that carries the rules, and its requirements.

xlwings Lite runs Python in Pyodide inside Excel (web, Windows, macOS) and installs packages
from PyPI only; sheetnilai is not there. So ``main.py`` carries the source of every sheetnilai
module that importing `sheetnilai.xlwings_udf` can run, as a base64 zip that Python imports
with zipimport, and binds the worksheet functions in its own namespace. That is where Lite
looks: xlwings' ``custom_functions_meta`` walks the members of main.py for ``__xlfunc__``,
wherever the function was defined, and names each after the function in upper case, without a
namespace unless the defining module sets ``__xlwings_func_namespace__`` (ours does not).

The closure is read from the real imports (the AST of each module, parents included), so a
new import in the rules is bundled without a list to keep up to date.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import sheetnilai
from sheetnilai import __version__
from sheetnilai.errors import SheetnilaiError, os_reason
from sheetnilai.files import atomic_path

ENTRY_MODULE = "sheetnilai.xlwings_udf"
MAIN = "main.py"
REQUIREMENTS = "requirements.txt"
# The oldest xlwings the functions' Annotated hints were tested against; an upper bound rather
# than a pin, as the Lite docs advise: Lite records the exact version it installed itself.
XLWINGS_REQUIREMENT = "xlwings>=0.37.8,<1.0.0"

_PACKAGE = "sheetnilai"
_ROOT = Path(sheetnilai.__file__).resolve().parent
# The earliest date a zip can hold: the archive, and so main.py, depends on the sources only.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_LINE = 76


def bundle_modules(entry: str = ENTRY_MODULE) -> dict[str, str]:
    """Archive path ("sheetnilai/rules/capaian.py") -> source, for `entry` and everything
    importing it may run: every sheetnilai module it imports (at any depth, also inside
    functions, but not under ``if TYPE_CHECKING``) and every parent package's ``__init__``."""
    found: dict[str, Path] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = _module_file(name)
        if path is None:
            raise ValueError(f"{name} is imported but has no source under {_ROOT}")
        found[name] = path
        todo.extend(_parents(name))
        todo.extend(_imports(name, path))
    return {
        path.relative_to(_ROOT.parent).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(found.values())
    }


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != _PACKAGE:
        return None
    base = _ROOT.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_name(base.name + ".py")):
        if candidate.is_file():
            return candidate
    return None


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _ours(name: str) -> bool:
    return name == _PACKAGE or name.startswith(_PACKAGE + ".")


def _imports(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if _ours(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if not _ours(base):
                continue
            yield base
            for alias in node.names:
                # `from package import name` runs the submodule `name` when there is one.
                if alias.name != "*" and _module_file(f"{base}.{alias.name}") is not None:
                    yield f"{base}.{alias.name}"


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node Python may execute: ``if TYPE_CHECKING:`` bodies are left out."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def bundle_zip(modules: dict[str, str]) -> bytes:
    """The modules as a zip whose bytes depend on the sources only (fixed dates and modes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(modules):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # otherwise it follows the platform the command runs on
            info.external_attr = 0o644 << 16
            archive.writestr(info, modules[name].encode("utf-8"), compresslevel=9)
    return buffer.getvalue()


def function_names() -> list[str]:
    from sheetnilai.xlwings_udf import FUNCTIONS

    return [function.__name__ for function in FUNCTIONS]


def main_py(modules: dict[str, str] | None = None) -> str:
    """The text of main.py: a header for the user, the archive, its loader, the functions."""
    modules = bundle_modules() if modules is None else modules
    archive = bundle_zip(modules)
    digest = hashlib.sha256(archive).hexdigest()[:16]
    data = base64.b64encode(archive).decode("ascii")
    lines = [data[i : i + _LINE] for i in range(0, len(data), _LINE)]
    names = function_names()
    listing = textwrap.fill(
        ", ".join(names), width=96, initial_indent="#   ", subsequent_indent="#   "
    )
    bindings = "\n".join(f"{name} = _udf.{name}" for name in names)
    return _MAIN_TEMPLATE.format(
        version=__version__,
        count=len(modules),
        digest=digest,
        listing=listing,
        archive="\n".join(lines),
        bindings=bindings,
        entry=ENTRY_MODULE,
    )


def requirements_txt() -> str:
    return (
        f"# sheetnilai {__version__}: cukup xlwings; seluruh aturan sheetnilai ada di main.py.\n"
        f"{XLWINGS_REQUIREMENT}\n"
    )


def write_lite(folder: Path, *, overwrite: bool) -> list[Path]:
    """Write main.py and requirements.txt into `folder`, each atomically. Without `overwrite`
    nothing is written when either exists."""
    contents = {folder / MAIN: main_py(), folder / REQUIREMENTS: requirements_txt()}
    if not overwrite:
        existing = [path for path in contents if path.exists()]
        if existing:
            raise SheetnilaiError(
                "lite-sudah-ada",
                {"folder": folder, "names": ", ".join(path.name for path in existing)},
            )
    for path, text in contents.items():
        try:
            with atomic_path(path, overwrite) as tmp:
                # Bytes, not text mode: the same "\n" endings on every platform.
                tmp.write_bytes(text.encode("utf-8"))
        except OSError as exc:
            raise SheetnilaiError(
                "berkas-tidak-tertulis", {"path": path, "detail": os_reason(exc)}
            ) from None
    return list(contents)


# The generated file speaks to the user (Indonesian); `{{` and `}}` are literal braces.
_MAIN_TEMPLATE = '''\
# sheetnilai {version}: fungsi lembar kerja penilaian kinerja ASN untuk xlwings Lite.
#
# Berkas ini dibuat oleh perintah "sheetnilai xlwings lite". Tempelkan seluruh isinya ke tab
# main.py di editor xlwings Lite (menggantikan contoh bawaannya), pakai baris xlwings dari
# requirements.txt di tab requirements.txt, lalu mulai ulang xlwings Lite. Fungsi di sel:
{listing}
# Contoh: =SN_PREDIKAT("Di Atas Ekspektasi"; "Sesuai Ekspektasi") menghasilkan Baik.
#
# Jangan mengubah berkas ini. Untuk sheetnilai versi baru, jalankan lagi
#   sheetnilai xlwings lite --timpa
# lalu tempelkan ulang. Fungsi buatan sendiri tulis di bagian paling bawah berkas ini (xlwings
# Lite hanya mengenali fungsi di main.py) dan tambahkan lagi setelah menempel ulang.
#
# _ARCHIVE berisi kode sumber {count} modul sheetnilai (hanya pustaka bawaan Python, tanpa paket
# tambahan) sebagai arsip zip dalam teks base64; Python memuatnya langsung dari arsip itu.
# Sidik arsip (SHA-256): {digest}

import base64
import importlib
import os
import sys
import tempfile
from pathlib import Path

_DIGEST = "{digest}"
_ARCHIVE = """
{archive}
"""


def _load_sheetnilai():
    # xlwings Lite menjalankan ulang main.py di proses Python yang sama setiap kali berkas ini
    # berubah: sheetnilai yang termuat sebelumnya dilepas agar yang dipakai selalu isi berkas ini.
    for name in [n for n in sys.modules if n == "sheetnilai" or n.startswith("sheetnilai.")]:
        del sys.modules[name]
    sys.path[:] = [
        p for p in sys.path if not (Path(p).name.startswith("sheetnilai-") and p.endswith(".zip"))
    ]
    # zipimport hanya membaca arsip dari berkas. Nama berkas memuat sidik isinya, sehingga arsip
    # versi lain tidak pernah tertukar; ditulis lewat berkas sementara agar tidak pernah terbaca
    # setengah jadi.
    archive = Path(tempfile.gettempdir()) / f"sheetnilai-{{_DIGEST}}.zip"
    data = base64.b64decode(_ARCHIVE)
    if not archive.is_file() or archive.read_bytes() != data:
        partial = archive.with_name(f"{{archive.name}}.{{os.getpid()}}")
        partial.write_bytes(data)
        os.replace(partial, archive)
    sys.path.insert(0, str(archive))
    return importlib.import_module("{entry}")


_udf = _load_sheetnilai()

# xlwings Lite mendaftarkan setiap fungsi @func yang ada di main.py sebagai fungsi Excel.
{bindings}
'''
