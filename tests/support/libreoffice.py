"""Recalculate workbooks in LibreOffice headless and hand back the recalculated copies.

Test and benchmark helper only (integrations.md §3): one private profile per call with
OOXMLRecalcMode=0 so every formula is recomputed on load; chunks of at most 200 files because
one soffice call silently stops at 246; outputs are checked because the exit code says nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

CHUNK = 200
_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
    'oor:op="fuse"><value>0</value></prop></item></oor:items>'
)


class LibreOfficeError(RuntimeError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    inputs: Sequence[Path],
    outdir: Path,
    target: str = "xlsx:Calc MS Excel 2007 XML",
    timeout: int = 600,
) -> list[Path]:
    """Convert (and so recalculate) `inputs` into `outdir`; returns the outputs in input order."""
    exe = soffice()
    if exe is None:
        raise LibreOfficeError("soffice not found: install libreoffice-calc-nogui (.ci/run does)")
    names = [p.stem for p in inputs]
    if len(set(names)) != len(names):
        raise LibreOfficeError("input basenames must be unique")
    outdir.mkdir(parents=True, exist_ok=True)
    ext = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        user = Path(prof) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        for i in range(0, len(inputs), CHUNK):
            chunk = [str(p) for p in inputs[i : i + CHUNK]]
            cmd = [
                exe,
                "--headless",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation={Path(prof).as_uri()}",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                *chunk,
            ]
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
            )
            try:
                _out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise LibreOfficeError(f"soffice timed out after {timeout} s") from None
    outputs = [outdir / f"{p.stem}.{ext}" for p in inputs]
    missing = [p for p in outputs if not p.exists()]
    if missing:
        raise LibreOfficeError(
            f"soffice did not produce {len(missing)} file(s), e.g. {missing[0]}: {err!r}"
        )
    return outputs
