"""`sheetnilai xlwings lite`: the files, refusals, deterministic bytes, and a main.py that carries
its own sheetnilai (CPython, with no sheetnilai and no site-packages on the path).

tests/test_pyodide.py runs the same main.py in Pyodide."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetnilai import __version__, xlwings_udf
from sheetnilai.cli import cli
from sheetnilai.cli.xlwings import xlwings
from sheetnilai.lite import (
    MAIN,
    REQUIREMENTS,
    XLWINGS_REQUIREMENT,
    bundle_modules,
    bundle_zip,
    main_py,
)

SRC = Path(xlwings_udf.__file__).resolve().parents[1]
NAMES = [f.__name__ for f in xlwings_udf.FUNCTIONS]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["xlwings", *args])
    return result.exit_code, result.stdout, result.stderr


def python(folder: Path, code: str, *flags: str) -> str:
    """Run `code` in a fresh CPython in `folder`, isolated (-I: no cwd, no PYTHON* variables)
    and with the temporary directory inside `folder`; returns its stdout."""
    done = subprocess.run(
        [sys.executable, "-I", *flags, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={"TMPDIR": str(folder), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_xlwings_group_is_registered_on_the_main_cli() -> None:
    assert cli.commands.get("xlwings") is xlwings


def test_writes_main_py_and_requirements_and_says_what_next(tmp_path: Path) -> None:
    out = tmp_path / "lite"
    code, stdout, stderr = run("lite", "--keluaran", str(out))
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [MAIN, REQUIREMENTS]  # no temporary left
    assert str(out / MAIN) in stdout and str(out / REQUIREMENTS) in stdout
    assert "Langkah berikutnya" in stdout and "xlwings Lite" in stdout
    assert '=SN_PREDIKAT("Di Atas Ekspektasi"; "Sesuai Ekspektasi")' in stdout
    assert all(name in stdout for name in NAMES)
    requirements = (out / REQUIREMENTS).read_text(encoding="utf-8").splitlines()
    # sheetnilai is not on PyPI: Lite installs xlwings only, the rules travel in main.py.
    assert [line for line in requirements if not line.startswith("#")] == [XLWINGS_REQUIREMENT]
    assert "sheetnilai" not in XLWINGS_REQUIREMENT


def test_default_folder_is_xlwings_lite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("lite")
    assert code == 0, stderr
    assert (tmp_path / "xlwings-lite" / MAIN).is_file()


def test_existing_files_are_never_overwritten_silently(tmp_path: Path) -> None:
    out = tmp_path / "lite"
    out.mkdir()
    mine = out / MAIN
    mine.write_text("# main.py milik pengguna\n", encoding="utf-8")
    code, _, stderr = run("lite", "--keluaran", str(out))
    assert code == 1 and "Traceback" not in stderr
    assert stderr.startswith(f'Galat: Berkas xlwings Lite sudah ada di folder "{out}": main.py;')
    assert "tidak ada yang ditulis" in stderr and "--timpa" in stderr
    assert mine.read_text(encoding="utf-8") == "# main.py milik pengguna\n"
    assert not (out / REQUIREMENTS).exists()  # all or nothing
    code, _, stderr = run("lite", "--keluaran", str(out), "--timpa")
    assert code == 0, stderr
    assert mine.read_text(encoding="utf-8") == main_py()


def test_unwritable_folder_is_one_indonesian_line(tmp_path: Path) -> None:
    blocker = tmp_path / "berkas-biasa"
    blocker.write_text("bukan folder", encoding="utf-8")
    code, _, stderr = run("lite", "--keluaran", str(blocker / "lite"))
    assert code == 1 and "Traceback" not in stderr
    assert stderr.startswith("Galat: Berkas ") and "tidak dapat ditulis" in stderr


def test_help_is_indonesian() -> None:
    code, stdout, _ = run("lite", "--help")
    assert code == 0
    assert "Buat main.py dan requirements.txt untuk xlwings Lite" in stdout
    assert "--keluaran" in stdout and "--timpa" in stdout and "Timpa" in stdout


def test_same_code_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("lite", "--keluaran", str(tmp_path / name))[0] == 0
    for file in (MAIN, REQUIREMENTS):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    modules = bundle_modules()
    assert bundle_zip(modules) == bundle_zip(dict(reversed(list(modules.items()))))
    with zipfile.ZipFile(BytesIO(bundle_zip(modules))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert sorted(archive.namelist()) == sorted(modules)
        for name, source in modules.items():
            # The sources themselves, byte for byte: nothing is rewritten for Lite.
            assert archive.read(name) == (SRC / name).read_bytes() == source.encode("utf-8")


def test_main_py_is_small_plain_python(tmp_path: Path) -> None:
    text = main_py()
    compile(text, MAIN, "exec")
    assert len(text.encode("utf-8")) < 100_000, len(text)  # pasted by hand into the editor
    assert text.isascii()  # nothing a clipboard or an editor could re-encode
    assert max(len(line) for line in text.splitlines()) <= 100
    assert text.startswith(f"# sheetnilai {__version__}: ")
    assert "sheetnilai xlwings lite --timpa" in text
    # What main.py binds is exactly the function list, each from the embedded module.
    tree = ast.parse(text)
    bound = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id.startswith("SN_")
    ]
    assert bound == NAMES


def test_bundle_is_what_importing_the_functions_loads(tmp_path: Path) -> None:
    # A clean interpreter with only src/ and no xlwings: every sheetnilai module that
    # importing the functions loads must be in the bundle.
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r}); sys.modules['xlwings'] = None\n"
        "import sheetnilai.xlwings_udf, json\n"
        "print(json.dumps(sorted(sys.modules[n].__file__ for n in sys.modules"
        " if n.split('.')[0] == 'sheetnilai')))"
    )
    loaded = {Path(f).relative_to(SRC).as_posix() for f in json.loads(python(tmp_path, code, "-S"))}
    bundled = set(bundle_modules())
    assert loaded <= bundled, loaded - bundled
    assert bundled - loaded == set()  # nothing extra today (a lazy import would show here)


def test_bundle_needs_only_the_standard_library() -> None:
    for name, source in bundle_modules().items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            outside = roots - set(sys.stdlib_module_names) - {"sheetnilai", "__future__"}
            # xlwings is optional: xlwings_udf falls back to plain functions without it.
            assert outside <= {"xlwings"}, (name, outside)


CHECK = """
import inspect, json, runpy, sys, types
registered = []
if {stand_in}:
    fake = types.ModuleType("xlwings")
    def func(f):
        f.__xlfunc__ = {{"name": f.__name__}}
        registered.append(f.__name__)
        return f
    fake.func = func
    sys.modules["xlwings"] = fake
import_first = {import_first}
if import_first:
    import sheetnilai.xlwings_udf  # an installed sheetnilai, loaded before main.py runs
main = runpy.run_path("main.py", run_name="main")
module = types.ModuleType("main"); module.__dict__.update(main)
print(json.dumps({{
    "origin": sys.modules["sheetnilai"].__file__,
    "udf": sys.modules["sheetnilai.xlwings_udf"].__file__,
    "xlwings": getattr(sys.modules.get("xlwings"), "__file__", None),
    "registered": registered,
    "found": sorted(n for n, o in inspect.getmembers(module) if hasattr(o, "__xlfunc__")),
    "predikat": main["SN_PREDIKAT"]("Di Atas Ekspektasi", "Sesuai Ekspektasi"),
    "capaian": main["SN_CAPAIAN"](95.0, 93.0),
    "distribusi": main["SN_DISTRIBUSI"]("Istimewa", [["Sangat Baik"] * 7 + ["Baik"] * 3]),
}}))
"""


def lite_copy(tmp_path: Path) -> Path:
    """main.py alone in a fresh folder, as a user would paste it."""
    assert run("lite", "--keluaran", str(tmp_path / "out"))[0] == 0
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copyfile(tmp_path / "out" / MAIN, folder / MAIN)
    return folder


def check(folder: Path, *flags: str, stand_in: bool = False, import_first: bool = False) -> dict:
    code = CHECK.format(stand_in=stand_in, import_first=import_first)
    result: dict = json.loads(python(folder, code, *flags))
    assert result["predikat"] == "Baik"
    assert result["capaian"] == 98.0
    assert result["distribusi"] == [["Sesuai", ""]]
    return result


def test_main_py_runs_with_nothing_but_the_standard_library(tmp_path: Path) -> None:
    folder = lite_copy(tmp_path)
    # -S: no site-packages, so neither the installed sheetnilai nor xlwings exists.
    result = check(folder, "-S")
    archive = str(folder / "sheetnilai-")
    assert result["origin"].startswith(archive) and ".zip/sheetnilai/" in result["origin"]
    assert result["udf"].startswith(archive)
    assert result["xlwings"] is None
    done = subprocess.run(
        [sys.executable, "-I", "-S", MAIN], cwd=folder, env={"TMPDIR": str(folder)}, timeout=60
    )
    assert done.returncode == 0


def test_main_py_registers_every_function_in_its_namespace(tmp_path: Path) -> None:
    # An xlwings whose func marks functions, as Lite's does: Lite registers what it finds in
    # main.py's namespace, so every function must be found there, decorated once.
    result = check(lite_copy(tmp_path), "-S", stand_in=True)
    assert result["registered"] == NAMES
    assert result["found"] == sorted(NAMES)


def test_embedded_copy_wins_over_an_installed_sheetnilai(tmp_path: Path) -> None:
    # With site-packages: the editable sheetnilai and the real xlwings are importable, and
    # sheetnilai is already loaded from src/ when main.py runs (as after an edit in Lite).
    result = check(lite_copy(tmp_path), import_first=True)
    assert ".zip/sheetnilai/" in result["origin"] and ".zip/sheetnilai/" in result["udf"]
    assert str(SRC) not in result["origin"]
    assert result["xlwings"] is not None
