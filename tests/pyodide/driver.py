"""Runs the worksheet functions in one Python, Pyodide or CPython, for tests/test_pyodide.py.

Under ROOT it expects ``cases.json`` (a list of [function name, arguments]), ``lite/main.py``
(what `sheetnilai xlwings lite` writes) and ``plain/sheetnilai/...`` (the package's own files,
unchanged). `main(ROOT)` returns JSON: this Python's version, and for each way of loading the
functions where the code came from and each call's `repr` (type and exact float) or exception.

Standard library only: Pyodide here has no package but its own.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import sys
import types
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any


def forget_sheetnilai() -> None:
    for name in [n for n in sys.modules if n == "sheetnilai" or n.startswith("sheetnilai.")]:
        del sys.modules[name]


def load_file(name: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def answers(owner: Any, calls: list[list[Any]]) -> list[str]:
    results = []
    for name, args in calls:
        try:
            results.append(repr(getattr(owner, name)(*args)))
        except Exception as exc:  # the functions promise never to raise: show it, don't stop
            results.append(f"raised {type(exc).__name__}: {exc}")
    return results


def describe(function: Callable[..., Any]) -> dict[str, Any]:
    """What xlwings reads when it registers a function: signature, hints with their options,
    docstring. The options dicts hold only str, bool and int."""
    hints = typing.get_type_hints(function, include_extras=True)
    params = []
    for param in inspect.signature(function).parameters.values():
        hint = hints[param.name]
        options = typing.get_args(hint)[1] if typing.get_origin(hint) is typing.Annotated else {}
        params.append([param.name, str(param.kind), repr(param.default), options])
    return {"doc": function.__doc__, "params": params, "return": repr(hints["return"])}


def stand_in_xlwings(registered: list[str]) -> ModuleType:
    """An `xlwings` whose `func` does what the real one does at decoration time in xlwings
    Lite (read the hints, refuse keyword-only arguments, attach __xlfunc__), so main.py is
    loaded the way Lite loads it."""
    module = types.ModuleType("xlwings")

    def func(f: Any = None, **_: Any) -> Any:
        def decorate(function: Any) -> Any:
            typing.get_type_hints(function, include_extras=True)
            kinds = {p.kind for p in inspect.signature(function).parameters.values()}
            assert inspect.Parameter.KEYWORD_ONLY not in kinds, function.__name__
            function.__xlfunc__ = {"name": function.__name__}
            registered.append(function.__name__)
            return function

        return decorate if f is None else decorate(f)

    module.func = func  # type: ignore[attr-defined]
    return module


def main(root: str) -> str:
    with open(f"{root}/cases.json", encoding="utf-8") as fh:
        calls = json.load(fh)
    result: dict[str, Any] = {"python": sys.version.split()[0], "platform": sys.platform}

    # 1. main.py as xlwings Lite gets it, with no xlwings at all: plain functions.
    sys.modules["xlwings"] = None  # type: ignore[assignment]  # `import xlwings` now fails
    lite = load_file("main", f"{root}/lite/main.py")
    result["lite"] = {
        "origin": sys.modules["sheetnilai"].__file__,
        "answers": answers(lite, calls),
    }

    # 2. main.py again with an xlwings that registers: what Lite finds in main.py's namespace.
    registered: list[str] = []
    sys.modules["xlwings"] = stand_in_xlwings(registered)
    again = load_file("main_registered", f"{root}/lite/main.py")
    found = sorted(n for n, obj in inspect.getmembers(again) if hasattr(obj, "__xlfunc__"))
    result["registration"] = {
        "decorated": registered,
        "found_in_main": found,
        "described": {name: describe(getattr(again, name)) for name in registered},
    }

    # 3. The package's own files, unchanged, imported from a directory.
    sys.modules["xlwings"] = None  # type: ignore[assignment]
    forget_sheetnilai()
    sys.path.insert(0, f"{root}/plain")
    udf = importlib.import_module("sheetnilai.xlwings_udf")
    result["plain"] = {
        "origin": sys.modules["sheetnilai"].__file__,
        "answers": answers(udf, calls),
    }
    return json.dumps(result)


if __name__ == "__main__":
    print(main(sys.argv[1]))
