"""Atomic writes: a reader never sees half a file, and nothing earlier is silently replaced."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sheetnilai.errors import SheetnilaiError


@contextlib.contextmanager
def atomic_path(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it becomes `target` in one step.

    Without `overwrite`, an existing target is refused before any work and, with `os.link`,
    also when another process created it meanwhile. On any exception the temporary file is
    removed and the target is untouched.
    """
    if target.exists() and not overwrite:
        raise SheetnilaiError("berkas-sudah-ada", {"path": target})
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix
    )
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates the file for its owner only; a workbook is shared like any new file.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise SheetnilaiError("berkas-sudah-ada", {"path": target}) from None
            tmp.unlink()
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(target: Path, writer: Callable[[Path], None], overwrite: bool = False) -> None:
    with atomic_path(target, overwrite) as tmp:
        writer(tmp)
