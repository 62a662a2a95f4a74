"""Collect a Drive folder for consolidation: list, fetch into a local archive, resume.

Each spreadsheet costs one Drive request (an .xlsx export: formulas and Google-calculated
values), none of the tight Sheets read quota, and the export goes through exactly the same
reader and checks as a local folder. What was fetched is kept in a dated archive: it is the
audit copy of what the score book was computed from, and the checkpoint that lets an
interrupted or partly failed run resume without fetching again what has not changed.

Archive layout (`<arsip>/<folder id>/`):
- `berkas/<title> [<id>] v<version>.xlsx`: fetched content; a file is never rewritten;
- `checkpoint.json`: per Drive file id, the version fetched, its archive file and SHA-256
  (rewritten atomically after every file, so a kill loses at most the files in flight, and
  Ctrl-C stops a run within 2 seconds, even one waiting out a long Retry-After);
- `ambil-<date>-<time>.json`: one manifest per run: the listing and what each file became.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetnilai.consolidate import Consolidation, InputFile, consolidate_periods, prescan
from sheetnilai.files import atomic_path
from sheetnilai.google import drive, runner
from sheetnilai.google.http import GoogleFailure
from sheetnilai.google.kirim import KIND, KIND_SCOREBOOK
from sheetnilai.problems import Problem
from sheetnilai.roster import Roster, safe_file_stem
from sheetnilai.rules.labels import OrgPredikat
from sheetnilai.rules.policy import Policy

CHECKPOINT = "checkpoint.json"


@dataclass
class Fetched:
    file: drive.DriveFile
    name: str  # unique display name: the title, with the id when two titles are the same
    status: str = ""  # "diambil" | "dari arsip" | "galat"
    path: Path | None = None
    problem: Problem | None = None


@dataclass
class Collection:
    folder: drive.DriveFile
    archive: Path
    fetched: list[Fetched] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    manifest: Path | None = None

    @property
    def requests_saved(self) -> int:
        return sum(1 for f in self.fetched if f.status == "dari arsip")

    def input_files(self) -> list[InputFile]:
        files = []
        for f in self.fetched:
            if f.path is not None:
                size = f.path.stat().st_size
                changed = _timestamp(f.file.modified)  # picks the newer of two copies of a unit
                files.append(InputFile(f.path, f.name, size, link=f.file.link, modified=changed))
            else:
                code = f.problem.code if f.problem else "galat"
                files.append(
                    InputFile(Path(), f.name, 0, status=f"galat: {code}", link=f.file.link)
                )
        return files


def _timestamp(rfc3339: str) -> float:
    """Drive's modifiedTime ("2026-03-31T08:15:02.123Z") as seconds; 0 when absent."""
    try:
        return dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


class Checkpoint:
    """Thread-safe record of what the archive holds, saved after every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict[str, Any]] = dict(data.get("berkas", {}))
        except (OSError, ValueError, AttributeError):
            self.entries = {}  # missing or damaged: fetch again, nothing is lost

    def reusable(self, f: drive.DriveFile) -> Path | None:
        entry = self.entries.get(f.id)
        if not entry or entry.get("version") != f.version or entry.get("modified") != f.modified:
            return None
        path = self.path.parent / str(entry.get("path", ""))
        try:
            if _sha256(path.read_bytes()) == entry.get("sha256"):
                return path
        except OSError:
            pass
        return None

    def record(self, f: drive.DriveFile, path: Path, digest: str) -> None:
        """A new version of f in the archive. Its sheet ids are kept: a sheet keeps its id
        when the spreadsheet is edited, and a title they do not know is asked again
        (`link_problems`)."""
        with self._lock:
            kept = {k: v for k, v in (self.entries.get(f.id) or {}).items() if k == "gids"}
            self.entries[f.id] = {
                **kept,
                "name": f.name,
                "version": f.version,
                "modified": f.modified,
                "path": path.relative_to(self.path.parent).as_posix(),
                "sha256": digest,
                "fetched": _now(),
            }
            self._save()

    def gids(self, f: drive.DriveFile) -> dict[str, int] | None:
        entry = self.entries.get(f.id) or {}
        found = entry.get("gids")
        return dict(found) if isinstance(found, dict) else None

    def record_gids(self, f: drive.DriveFile, gids: dict[str, int]) -> None:
        with self._lock:
            if f.id in self.entries:
                self.entries[f.id]["gids"] = gids
                self._save()

    def _save(self) -> None:
        with atomic_path(self.path, overwrite=True) as tmp:
            tmp.write_text(json.dumps({"berkas": self.entries}, indent=1), encoding="utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _display_names(files: Iterable[drive.DriveFile]) -> dict[str, str]:
    files = list(files)
    count: dict[str, int] = {}
    for f in files:
        count[f.name.casefold()] = count.get(f.name.casefold(), 0) + 1
    return {f.id: f.name if count[f.name.casefold()] == 1 else f"{f.name} [{f.id}]" for f in files}


def collect(
    client: Any,
    folder_id: str,
    archive_root: Path,
    jobs: int = 4,
    progress: Callable[[Fetched], None] | None = None,
) -> Collection:
    """List the folder and bring every workbook into the archive (fetching only changes)."""
    folder = drive.folder(client, folder_id)
    archive = archive_root / safe_file_stem(folder_id)
    (archive / "berkas").mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(archive / CHECKPOINT)
    result = Collection(folder, archive)
    listing = drive.list_folder(client, folder_id)
    wanted = []
    for f in listing:
        if f.app_properties.get(KIND) == KIND_SCOREBOOK:
            continue  # our own score book uploaded with --unggah
        if f.mime_type == drive.FOLDER_MIME:
            result.problems.append(
                Problem.make("drive-subfolder-dilewati", file=f.name, link=f.link)
            )
        elif f.mime_type in drive.WORKBOOK_MIMES:
            wanted.append(f)
        else:
            result.problems.append(
                Problem.make(
                    "drive-bukan-workbook", params={"mime": f.mime_type}, file=f.name, link=f.link
                )
            )
    names = _display_names(wanted)

    def fetch(f: drive.DriveFile) -> Fetched:
        item = Fetched(f, names[f.id])
        _fetch_one(client, checkpoint, archive, item)
        if progress and not runner.stopping():
            progress(item)
        return item

    # Ctrl-C, or a failure that stops the run (a token that cannot be renewed), is raised
    # here; files not yet fetched are left for the next run, which resumes from the archive.
    fetched = runner.run_parallel(fetch, wanted, jobs)
    result.fetched = [
        item or Fetched(f, names[f.id]) for f, item in zip(wanted, fetched, strict=True)
    ]
    result.problems.extend(f.problem for f in result.fetched if f.problem is not None)
    result.manifest = _write_manifest(result)
    return result


def _fetch_one(client: Any, checkpoint: Checkpoint, archive: Path, item: Fetched) -> None:
    f = item.file
    reuse = checkpoint.reusable(f)
    if reuse is not None:
        item.status, item.path = "dari arsip", reuse
        return
    try:
        data = drive.download(client, f)
    except GoogleFailure as exc:
        item.status = "galat"
        item.problem = _failure_problem(exc, item)
        return
    suffix = drive.WORKBOOK_MIMES[f.mime_type]
    stem = safe_file_stem(f.name.removesuffix(suffix))[:60]
    target = archive / "berkas" / f"{stem} [{f.id}] v{f.version or '0'}{suffix}"
    digest = _sha256(data)
    if not target.exists() or _sha256(target.read_bytes()) != digest:
        with atomic_path(target, overwrite=True) as tmp:
            tmp.write_bytes(data)
    checkpoint.record(f, target, digest)
    item.status, item.path = "diambil", target


def _failure_problem(exc: GoogleFailure, item: Fetched) -> Problem:
    code = "drive-terlalu-besar" if "too large" in exc.detail.lower() else "drive-gagal-ambil"
    return Problem.make(
        code, params={"detail": exc.detail, "kind": exc.kind}, file=item.name, link=item.file.link
    )


def _write_manifest(result: Collection) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = result.archive / f"ambil-{stamp}.json"
    data = {
        "folder": {"id": result.folder.id, "name": result.folder.name},
        "waktu": _now(),
        "berkas": [
            {
                "id": f.file.id,
                "nama": f.name,
                "jenis": f.file.mime_type,
                "versi": f.file.version,
                "diubah": f.file.modified,
                "tautan": f.file.link,
                "status": f.status,
                "arsip": f.path.relative_to(result.archive).as_posix() if f.path else None,
                "masalah": f.problem.code if f.problem else None,
            }
            for f in result.fetched
        ],
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def link_problems(
    client: Any,
    collection: Collection,
    problems: list[Problem],
    known: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Problem]:
    """Give each problem the address of its spreadsheet, down to the sheet and cell.

    Sheet ids (gid) come from the workbook itself when `gsheet kirim` wrote them (`known`,
    by file name). Otherwise they cost one Sheets read per spreadsheet, so they are asked
    only for spreadsheets that have problems on a sheet, and kept in the checkpoint.
    """
    by_name = {f.name: f for f in collection.fetched}
    checkpoint = Checkpoint(collection.archive / CHECKPOINT)
    gids: dict[str, dict[str, int] | None] = {
        by_name[name].file.id: dict(table)
        for name, table in (known or {}).items()
        if name in by_name
    }
    asked: set[str] = set()  # read from Google this run: what they lack does not exist

    def ask(f: drive.DriveFile) -> None:
        asked.add(f.id)
        try:
            gids[f.id] = drive.sheet_ids(client, f.id)
            checkpoint.record_gids(f, gids[f.id] or {})
        except GoogleFailure:
            gids[f.id] = gids.get(f.id) or {}  # the link then opens the spreadsheet

    out = []
    for p in problems:
        item = by_name.get(p.file or "")
        if item is None:
            out.append(p)
            continue
        f = item.file
        if not f.is_spreadsheet or not p.sheet:
            out.append(p if p.link else p.at(link=f.link))
            continue
        if f.id not in gids:
            gids[f.id] = checkpoint.gids(f)
            if gids[f.id] is None:
                ask(f)
        if p.sheet not in (gids[f.id] or {}) and f.id not in asked:
            ask(f)  # a sheet added since the ids were kept
        gid = (gids[f.id] or {}).get(p.sheet)
        out.append(p.at(link=drive.sheet_link(f.id, gid, p.cell)))
    return out


def consolidate_drive(
    client: Any,
    folder_id: str,
    archive_root: Path,
    period: str,
    policy: Policy,
    roster: Roster | None = None,
    org_predikat: Mapping[str, OrgPredikat] | None = None,
    org_default: OrgPredikat | None = None,
    agency_predikat: OrgPredikat | None = None,
    jobs: int | None = None,
    fetch_jobs: int = 4,
    fetched: Callable[[Fetched], None] | None = None,
    progress: Callable[[InputFile], None] | None = None,
    year: int | None = None,
) -> tuple[Consolidation, Collection]:
    """Collect the folder, then run exactly the consolidation of a local folder on it."""
    (result,), collection = consolidate_drive_periods(
        client,
        folder_id,
        archive_root,
        (period,),
        policy,
        roster,
        org_predikat,
        org_default,
        agency_predikat,
        jobs,
        fetch_jobs,
        fetched,
        progress,
        year,
    )
    return result, collection


def consolidate_drive_periods(
    client: Any,
    folder_id: str,
    archive_root: Path,
    periods: Sequence[str] | None,
    policy: Policy,
    roster: Roster | None = None,
    org_predikat: Mapping[str, OrgPredikat] | None = None,
    org_default: OrgPredikat | None = None,
    agency_predikat: OrgPredikat | None = None,
    jobs: int | None = None,
    fetch_jobs: int = 4,
    fetched: Callable[[Fetched], None] | None = None,
    progress: Callable[[InputFile], None] | None = None,
    year: int | None = None,
) -> tuple[list[Consolidation], Collection]:
    """`consolidate_drive` for several periods from one fetch and one read of each workbook;
    `periods` None: every period the fetched workbooks hold."""
    collection = collect(client, folder_id, archive_root, fetch_jobs, fetched)
    source = f"Google Drive: {collection.folder.name} ({folder_id})"
    files = collection.input_files()
    if periods is None:
        _, held = prescan([f for f in files if not f.status])
        periods = held or ("TAHUNAN",)
    results = consolidate_periods(
        source,
        periods,
        policy,
        roster,
        org_predikat,
        org_default,
        agency_predikat,
        jobs,
        progress,
        files=files,
        year=year,
    )
    for result in results:
        result.problems[:0] = collection.problems
        known = {u.name: u.gids for u in result.units if u.gids}
        result.problems = link_problems(client, collection, result.problems, known)
        for unit in result.units:
            unit.problems = link_problems(client, collection, unit.problems, known)
    return results, collection


def upload_scorebook(
    client: Any, folder_id: str, path: Path, title: str, settle: drive.Settle = drive.SETTLE
) -> drive.DriveFile:
    """Put the score book into Drive as a new Google spreadsheet (never over an older one,
    and only once, whatever Drive answers)."""
    return drive.create_once(
        client, folder_id, title, path.read_bytes(), {KIND: KIND_SCOREBOOK}, settle
    )
