"""The source folder of a consolidation: every entry in it, accounted for.

HR's folders come from shared drives, zip files extracted on another system and e-mail
attachments saved by hand. Every entry the walk meets ends up in exactly one place: a
workbook to read, a file noted and skipped (lock files, hidden files, our own temporary
files, old .xls, other documents), or a problem about the folder itself (a subfolder that
cannot be opened, a link that points nowhere, a folder named like a workbook). Nothing is
skipped without a trace in the score book's Masalah or Metadata sheet.

Names are shown as the user reads them: relative to the source folder, with "/" between
folders, and a name that is not valid UTF-8 (a Windows zip extracted on Linux) is shown with
replacement characters while the file itself is still opened through its real name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.errors import display_name, os_reason
from sheetnilai.files import is_our_temporary
from sheetnilai.problems import Problem

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods"})
OLD_SUFFIXES = frozenset({".xls", ".xlsb"})


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    name: str  # relative to the source folder, as problems show it (always valid UTF-8)
    size: int
    sha256: str = ""
    status: str = ""  # "" (to read) | "dibaca" | "galat: …" | "dilewati: …" | "duplikat: …"
    link: str = ""  # where the user opens it (a Google spreadsheet's address), if not local
    modified: float = 0.0  # last change (seconds since the epoch); picks the newer duplicate


@dataclass(slots=True)
class Discovery:
    files: list[InputFile] = field(default_factory=list)  # every file, in a stable order
    problems: list[Problem] = field(default_factory=list)
    # Folders that were not searched or are worth a note: (name, status), for Metadata.
    folders: list[tuple[str, str]] = field(default_factory=list)

    @property
    def to_read(self) -> list[InputFile]:
        return [f for f in self.files if not f.status]


def is_lock_file(name: str) -> bool:
    """Excel's `~$book.xlsx` and LibreOffice's `.~lock.book.xlsx#`: a workbook is open."""
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def discover(source: Path) -> Discovery:
    """Every file under `source` (a folder, searched recursively, or one file)."""
    found = Discovery()
    if not source.is_dir():
        _classify(found, source, display_name(source.name))
        return found
    for path, problem in _walk(source):
        name = display_name(path.relative_to(source).as_posix())
        if problem is not None:
            found.problems.append(problem.at(file=name))
            found.folders.append((name, FOLDER_STATUS[problem.code]))
            continue
        _classify(found, path, name)
    others = [f for f in found.files if f.status == SKIPPED_OTHER]
    if others:
        shown = ", ".join(f.name for f in others[:3]) + (", …" if len(others) > 3 else "")
        found.problems.append(
            Problem.make("berkas-lain-dilewati", params={"count": len(others), "names": shown})
        )
    return found


SKIPPED_OTHER = "dilewati: bukan workbook"
FOLDER_STATUS = {
    "folder-tidak-terbaca": "galat: folder tidak dapat dibuka",
    "folder-tersembunyi-dilewati": "dilewati: folder tersembunyi",
    "folder-berulang": "dilewati: sudah dicari lewat jalur lain",
    "folder-di-atas-sumber": "dilewati: tautan ke folder di atas folder sumber",
    "folder-bernama-workbook": "dicari: folder bernama seperti workbook",
}


def _classify(found: Discovery, path: Path, name: str) -> None:
    """One file: a workbook to read, or noted and skipped with its reason."""
    base = path.name
    try:
        info = path.stat()
    except OSError as exc:
        # A link whose target is gone, or a file removed while we walk.
        dangling = path.is_symlink()
        code = "tautan-rusak" if dangling else "berkas-tidak-terbaca"
        problem = Problem.make(code, params={"path": name, "detail": os_reason(exc)}, file=name)
        found.problems.append(problem)
        found.files.append(InputFile(path, name, 0, status=f"{problem.severity.value}: {code}"))
        return
    if stat.S_ISDIR(info.st_mode):
        return  # `source` itself when it is a folder given as a file: nothing to read
    entry = InputFile(path, name, info.st_size, modified=info.st_mtime)
    if not stat.S_ISREG(info.st_mode):
        # A named pipe would block the first read for ever; a device is never a workbook.
        found.problems.append(Problem.make("bukan-berkas-biasa", file=name))
        found.files.append(_with(entry, "dilewati: bukan berkas biasa"))
        return
    suffix = path.suffix.lower()
    if is_lock_file(base):
        found.problems.append(Problem.make("berkas-kunci-dilewati", file=name))
        found.files.append(_with(entry, "dilewati: berkas kunci"))
    elif is_our_temporary(base):
        found.problems.append(Problem.make("berkas-sementara-dilewati", file=name))
        found.files.append(_with(entry, "dilewati: berkas sementara sheetnilai"))
    elif base.startswith("."):
        found.problems.append(Problem.make("berkas-tersembunyi-dilewati", file=name))
        found.files.append(_with(entry, "dilewati: berkas tersembunyi"))
    elif suffix in OLD_SUFFIXES:
        found.problems.append(Problem.make("format-xls-lama", file=name))
        found.files.append(_with(entry, "galat: format-xls-lama"))
    elif suffix in WORKBOOK_SUFFIXES:
        found.files.append(entry)
    else:
        found.files.append(_with(entry, SKIPPED_OTHER))


def _with(entry: InputFile, status: str) -> InputFile:
    return InputFile(entry.path, entry.name, entry.size, status=status, modified=entry.modified)


def _ancestors(root: Path) -> set[tuple[int, int]]:
    """The folders that hold `root`, as (device, inode)."""
    out = set()
    for parent in root.resolve().parents:
        try:
            st = parent.stat()
        except OSError:
            continue
        out.add((st.st_dev, st.st_ino))
    return out


def _walk(root: Path) -> Iterator[tuple[Path, Problem | None]]:
    """Files under `root` in a stable order, with a problem for each folder that cannot be
    listed and each link that points nowhere or back up the tree.

    Links to folders are followed (HR may link each unit's shared folder into one place);
    a folder already visited is not entered again, so a link loop cannot hang the walk. A
    link to a folder that holds `root` is not followed: everything beside the source would
    be read, the score books and the sync store included (and a sync would read each score
    book it publishes as a new input, so it would never find nothing changed).
    """
    seen: set[tuple[int, int]] = set()
    above = _ancestors(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield folder, Problem.make("folder-tidak-terbaca", params={"detail": os_reason(exc)})
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield folder, Problem.make("folder-berulang", params={})
            continue
        if key in above:
            yield folder, Problem.make("folder-di-atas-sumber")
            continue
        seen.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield folder, Problem.make("folder-tidak-terbaca", params={"detail": os_reason(exc)})
            continue
        subfolders: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            if not is_dir:
                yield path, None
                continue
            if entry.name.startswith("."):
                # .git, .Trash-1000, .~tmp: a deleted or versioned copy of a workbook there
                # must not be scored as if it were sent.
                yield path, Problem.make("folder-tersembunyi-dilewati")
                continue
            if path.suffix.lower() in WORKBOOK_SUFFIXES | OLD_SUFFIXES:
                yield path, Problem.make("folder-bernama-workbook")
            subfolders.append(path)
        # Depth first, in name order: a stable order whatever the file system returns.
        stack.extend(reversed(subfolders))
