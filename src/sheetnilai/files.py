"""Atomic writes: a reader never sees half a file, and nothing earlier is silently replaced.

A file is built under a temporary name beside its target and takes the final name in one
step. The temporary name says whose it is and which process made it:
`.sheetnilai-tmp.<pid>.<host>.<random>.<target name>`. A run that is killed (power loss,
`kill -9`) cannot remove its own temporary file; the next write into the same folder
removes the ones whose process is gone, and the consolidation recognises them as ours
rather than as a foreign file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sheetnilai.errors import SheetnilaiError, os_reason

TEMP_PREFIX = ".sheetnilai-tmp."
_TEMP = re.compile(r"\.sheetnilai-tmp\.(\d+)\.([A-Za-z0-9]*)\.[0-9a-f]+\.")
_NAME_MAX = 120  # of the target's name inside the temporary name; file names stop at 255 bytes
STALE_AFTER = 24 * 3600  # seconds: another machine's leftover on a shared folder


def is_our_temporary(name: str) -> bool:
    return _TEMP.match(name) is not None


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, but belongs to someone else
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove our temporary files in `folder` left by runs that no longer exist.

    On this machine a leftover is stale when its process is gone; one made on another
    machine (a shared folder) only after `STALE_AFTER`, since its process cannot be seen.
    """
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP.match(entry.name)
        if m is None:
            continue
        pid, made_on = int(m[1]), m[2]
        try:
            if made_on == host:
                stale = pid != os.getpid() and not _alive(pid)
            else:
                stale = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # someone else removed it, or we may not: leave it
    return removed


def temporary_name(target: Path) -> str:
    name = target.name[-_NAME_MAX:]
    return f"{TEMP_PREFIX}{os.getpid()}.{_host()}.{secrets.token_hex(6)}.{name}"


class Staged:
    """Outputs that appear together or not at all (a score book and its data tables).

    `path(target)` gives a temporary file beside each target; `commit()` checks that no
    target exists (unless `overwrite`), then gives every file its name with Ctrl-C and
    SIGTERM held back for those few milliseconds, so an interrupted run leaves either all
    of its outputs or none, and never a partial set the user must clean up.
    """

    def __init__(self, overwrite: bool = False) -> None:
        self.overwrite = overwrite
        self.items: list[tuple[Path, Path]] = []  # (temporary, target)

    def path(self, target: Path) -> Path:
        if target.exists() and not self.overwrite:
            raise SheetnilaiError("berkas-sudah-ada", {"path": target})
        try:
            if target.parent.exists() and not target.parent.is_dir():
                raise NotADirectoryError(target.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            sweep_stale(target.parent)
            tmp = target.parent / temporary_name(target)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
            os.close(fd)
        except OSError as exc:
            raise _unwritable(target, exc) from None
        self.items.append((tmp, target))
        return tmp

    def commit(self) -> None:
        for tmp, target in self.items:
            try:
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise _unwritable(target, exc) from None
            if target.exists() and not self.overwrite:
                raise SheetnilaiError("berkas-sudah-ada", {"path": target})
        done: list[Path] = []
        with _signals_held():
            try:
                for tmp, target in self.items:
                    _place(tmp, target, self.overwrite)
                    done.append(target)
            except BaseException:
                if not self.overwrite:  # what this run created; nothing earlier was replaced
                    for target in done:
                        with contextlib.suppress(OSError):
                            target.unlink()
                raise

    def drop(self, tmp: Path) -> None:
        """One output given up (it could not be made): its temporary file goes, the rest of
        the group still appears."""
        self.items = [(t, target) for t, target in self.items if t != tmp]
        with contextlib.suppress(OSError):
            tmp.unlink()

    def discard(self) -> None:
        for tmp, _ in self.items:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _place(tmp: Path, target: Path, overwrite: bool) -> None:
    try:
        if overwrite:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # refuses, atomically, a target made meanwhile
        except FileExistsError:
            raise SheetnilaiError("berkas-sudah-ada", {"path": target}) from None
        except OSError:
            # No hard links here (FAT/exFAT USB drives, some network shares): the exists
            # check and the rename leave a short window, as any copy would.
            if target.exists():
                raise SheetnilaiError("berkas-sudah-ada", {"path": target}) from None
            os.replace(tmp, target)
        else:
            tmp.unlink()
    except OSError as exc:
        raise _unwritable(target, exc) from None


def _unwritable(target: Path, exc: OSError) -> SheetnilaiError:
    return SheetnilaiError("berkas-tidak-tertulis", {"path": target, "detail": os_reason(exc)})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (POSIX; elsewhere a no-op)."""
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def staged(overwrite: bool = False) -> Iterator[Staged]:
    """A `Staged` group, committed when the block ends normally, discarded otherwise."""
    group = Staged(overwrite)
    try:
        yield group
        group.commit()
    finally:
        group.discard()


@contextlib.contextmanager
def atomic_path(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it becomes `target` in one step.

    Without `overwrite`, an existing target is refused before any work and, with `os.link`,
    also when another process created it meanwhile. On any exception (Ctrl-C included) the
    temporary file is removed and the target is untouched. A file-system failure becomes
    `SheetnilaiError("berkas-tidak-tertulis")` with an Indonesian reason.
    """
    with staged(overwrite) as group:
        yield group.path(target)


def write_atomic(target: Path, writer: Callable[[Path], None], overwrite: bool = False) -> None:
    with atomic_path(target, overwrite) as tmp:
        writer(tmp)


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """A small text file given on the command line (a policy, a list of NIPs), or
    SheetnilaiError("berkas-tidak-terbaca") saying why in Indonesian."""
    try:
        return path.read_text(encoding=encoding)
    except OSError as exc:
        reason = os_reason(exc)
    except UnicodeDecodeError:
        reason = "isinya bukan teks UTF-8"
    raise SheetnilaiError("berkas-tidak-terbaca", {"path": path, "detail": reason})


def check_outputs(
    targets: list[Path], data_dir: Path | None, source: Path | None, inputs: list[Path]
) -> None:
    """What a run writes may never land on anything it reads (a unit workbook, the roster,
    the policy file), nor inside the source folder, nor on something that is not a plain
    file (a device, a pipe), with or without --timpa."""

    def same(a: Path, b: Path) -> bool:
        try:
            return os.path.samefile(a, b)
        except OSError:
            return a.resolve() == b.resolve()

    folder = source.resolve() if source is not None and source.is_dir() else None
    if data_dir is not None:
        if data_dir.exists() and not data_dir.is_dir():
            raise SheetnilaiError("data-bukan-folder", {"path": data_dir})
        inside = data_dir.resolve()
        if folder is not None and (inside == folder or folder in inside.parents):
            raise SheetnilaiError("data-di-sumber", {"path": data_dir, "source": source})
    for target in targets:
        if folder is not None and folder in target.resolve().parents:
            raise SheetnilaiError("keluaran-di-sumber", {"path": target, "source": source})
        if not target.exists():
            continue
        if any(same(target, p) for p in inputs if p.exists()):
            raise SheetnilaiError("keluaran-adalah-masukan", {"path": target})
        if not target.is_file():
            raise SheetnilaiError("keluaran-bukan-berkas-biasa", {"path": target})
