"""The rules and the worksheet functions in Pyodide, the Python of xlwings Lite (issue 7, part 4).

Pyodide comes from the npm registry (tests/pyodide/package.json, exact versions, lock file
committed) and runs under Node.js, loaded entirely from node_modules: nothing is fetched at
test time. Two Pyodide versions, the one xlwings Lite shipped with (0.27, Python 3.12) and the
current one (314, Python 3.14), run in one Node process:

(a) the `main.py` of `sheetnilai xlwings lite`, with no xlwings, answers every golden and
    bad-input call of tests/support/udf_cases.py exactly as CPython's `sheetnilai.xlwings_udf`
    does (same type, same float to the last bit, same text), and imports sheetnilai from its
    embedded archive;
(b) the package's own files, copied unchanged, import and answer the same;
(c) loaded the way xlwings Lite loads it, main.py exposes the ten functions in its namespace
    with the signature, hints and docstrings CPython sees.

Node.js and npm are required: without them these tests fail, they do not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheetnilai import xlwings_udf as udf
from sheetnilai.lite import bundle_modules, write_lite
from tests.support.udf_cases import all_calls

HERE = Path(__file__).parent / "pyodide"
PACKAGE = json.loads((HERE / "package.json").read_text(encoding="utf-8"))
RUNTIMES = sorted(PACKAGE["dependencies"])
ROOT = "/sheetnilai-test"  # where the files land in Pyodide's file system


def pinned_version(runtime: str) -> str:
    spec = PACKAGE["dependencies"][runtime]
    return spec.rsplit("@", 1)[-1]  # "314.0.7" or "npm:pyodide@0.27.7"


def installed(runtime: str) -> bool:
    package = HERE / "node_modules" / runtime
    if not (package / "pyodide.asm.wasm").is_file():
        return False
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    return bool(manifest["version"] == pinned_version(runtime))


@pytest.fixture(scope="session")
def node() -> str:
    """Node.js with the pinned Pyodide versions in tests/pyodide/node_modules (npm ci if not)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            "Node.js and npm are required for the Pyodide tests (xlwings Lite runs the "
            f"functions in Pyodide): node={node}, npm={npm}. Install them (Debian: "
            "apt-get install nodejs npm) and run `npm ci` in tests/pyodide."
        )
    if not all(installed(runtime) for runtime in RUNTIMES):
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or not all(installed(runtime) for runtime in RUNTIMES):
            pytest.fail(f"npm ci in {HERE} failed ({done.returncode}):\n{done.stderr}")
    return node


def lay_out(folder: Path) -> tuple[dict[str, str], list[list[Any]]]:
    """The driver's tree under `folder` (the same tree goes to Pyodide under ROOT): the cases,
    main.py from write_lite, and the package's own files. Returns Pyodide path -> host path."""
    calls = [[name, args] for name, args in all_calls()]
    # NaN, infinities and 400-digit integers are all valid JSON for Python's json module.
    (folder / "cases.json").write_text(json.dumps(calls), encoding="utf-8")
    write_lite(folder / "lite", overwrite=False)
    src = Path(udf.__file__).resolve().parents[1]
    for name in bundle_modules():
        target = folder / "plain" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, target)  # the files themselves, not the bundle's copies
    files = {
        f"{ROOT}/{path.relative_to(folder).as_posix()}": str(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    files[f"{ROOT}/driver.py"] = str(HERE / "driver.py")
    return files, json.loads((folder / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(
    node: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[dict[str, Any]], list[list[Any]], dict[str, Any]]]:
    """One Node process for every runtime and every call (Pyodide starts in about a second
    each), and the same driver under this CPython for comparison."""
    folder = tmp_path_factory.mktemp("pyodide")
    files, calls = lay_out(folder)
    spec = folder / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "runtimes": RUNTIMES,
                "files": files,
                "script": f"{ROOT}/driver.py",
                "call": f"main({ROOT!r})",
            }
        ),
        encoding="utf-8",
    )
    started = time.monotonic()
    done = subprocess.run(
        [node, str(HERE / "run.mjs"), str(spec)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, f"Pyodide run failed:\n{done.stderr[-4000:]}"
    results = json.loads(done.stdout)
    # The same driver under CPython: main.py with the src tree nowhere on sys.path.
    env = {**os.environ, "TMPDIR": str(folder)}
    cpython = subprocess.run(
        [sys.executable, "-I", str(HERE / "driver.py"), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=folder,
    )
    assert cpython.returncode == 0, cpython.stderr
    summary = ", ".join(
        f"Pyodide {r['pyodide_version']} (Python {r['result']['python']}, "
        f"load {r['load_ms']} ms, run {r['run_ms']} ms)"
        for r in results
    )
    print(f"\n{summary}; Node {elapsed:.1f} s in all")  # shown with -s or -rP
    yield results, calls, json.loads(cpython.stdout)


def cpython_answers(calls: list[list[Any]]) -> list[str]:
    """What CPython's sheetnilai.xlwings_udf answers, called directly in this process."""
    results = []
    for name, args in calls:
        try:
            results.append(repr(getattr(udf, name)(*args)))
        except Exception as exc:
            results.append(f"raised {type(exc).__name__}: {exc}")
    return results


def by_runtime(runs: Any) -> dict[str, dict[str, Any]]:
    return {r["runtime"]: r for r in runs[0]}


def test_every_pinned_pyodide_loads_offline(runs: Any) -> None:
    results = by_runtime(runs)
    assert sorted(results) == RUNTIMES
    for runtime, run in results.items():
        assert run["npm_version"] == pinned_version(runtime)
        assert run["pyodide_version"] == pinned_version(runtime)
        assert run["result"]["platform"] == "emscripten"
    pythons = {run["result"]["python"][:4] for run in results.values()}
    assert pythons == {"3.12", "3.14"}, pythons  # the range xlwings Lite runs


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_lite_main_py_answers_as_cpython(runs: Any, runtime: str) -> None:
    run = by_runtime(runs)[runtime]["result"]["lite"]
    calls = runs[1]
    # Imported from the archive main.py carries, not from any sheetnilai on a path.
    assert "/sheetnilai-" in run["origin"] and ".zip/sheetnilai/" in run["origin"]
    expected = cpython_answers(calls)
    assert len(expected) == len(run["answers"]) > 100
    mismatches = [
        (name, args, want, got)
        for (name, args), want, got in zip(calls, expected, run["answers"], strict=True)
        if want != got
    ]
    assert not mismatches
    assert not any(answer.startswith("raised ") for answer in run["answers"])


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_plain_package_runs_unchanged(runs: Any, runtime: str) -> None:
    run = by_runtime(runs)[runtime]["result"]["plain"]
    assert run["origin"] == f"{ROOT}/plain/sheetnilai/__init__.py"
    assert run["answers"] == cpython_answers(runs[1])


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_lite_registers_every_function_as_cpython_describes_it(runs: Any, runtime: str) -> None:
    names = [f.__name__ for f in udf.FUNCTIONS]
    registration = by_runtime(runs)[runtime]["result"]["registration"]
    assert registration["decorated"] == names  # each decorated once, in FUNCTIONS order
    assert registration["found_in_main"] == sorted(names)  # what Lite's discovery sees
    # Signature, Annotated options and docstrings: what Excel shows, equal to CPython's.
    assert registration["described"] == runs[2]["registration"]["described"]


def test_the_same_driver_under_cpython_agrees(runs: Any) -> None:
    cpython = runs[2]
    expected = cpython_answers(runs[1])
    assert cpython["lite"]["answers"] == expected
    assert cpython["plain"]["answers"] == expected
    assert ".zip/sheetnilai/" in cpython["lite"]["origin"]
