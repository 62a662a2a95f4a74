"""Every unit's documents for one consolidated period, written together or not at all.

Layout of the output folder:

    <folder>/<unit>/<NIP> <nama>.pdf        one Dokumen Evaluasi Kinerja per pegawai
    <folder>/<unit>/semua-pegawai.pdf       the same pages merged, bookmarked by pegawai
    <folder>/<unit>/penetapan-predikat.pdf  the Penetapan Predikat Kinerja
    <folder>/tidak-dibuat.csv               who got no document, and why (when anyone)

The PDFs are laid out in worker processes, a unit at a time; the parent gives every file
its name only when all are written (files.Staged), so an interrupted run leaves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.consolidate import Consolidation
from sheetnilai.documents.content import Skipped, UnitDocuments, unit_documents
from sheetnilai.files import Staged, staged
from sheetnilai.pool import process_pool
from sheetnilai.roster import safe_file_stem

MERGED = "semua-pegawai.pdf"
PENETAPAN = "penetapan-predikat.pdf"
SKIPPED = "tidak-dibuat.csv"


@dataclass
class Written:
    folder: Path
    units: int = 0
    documents: int = 0
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: int = 0  # documents that could not be laid out (listed in `skipped`)


@dataclass(frozen=True, slots=True)
class _Job:
    """One unit's documents and the temporary paths they are written to."""

    docs: UnitDocuments
    evaluasi: tuple[Path, ...]  # one per document, in order
    merged: Path | None
    penetapan: Path


def _unique(stem: str, taken: set[str]) -> str:
    name, n = stem, 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem} ({n})"
    taken.add(name.casefold())
    return name


# What failed to be laid out in a worker: (temporary path, reason). A defect of ours that one
# pegawai's text sets off costs that one document, never the unit's or the run's.
_Failed = list[tuple[Path, str]]


def _attempt(write: Callable[[], None], path: Path, failed: _Failed) -> bool:
    try:
        write()
    except Exception:
        failed.append((path, "dokumen tidak dapat disusun; laporkan ke pengembang sheetnilai"))
        return False
    return True


def _write_unit(job: _Job) -> tuple[int, _Failed]:
    from pypdf import PdfWriter

    from sheetnilai.documents.pdf import printable, write_evaluasi, write_penetapan

    failed: _Failed = []
    made = [
        (doc, path)
        for doc, path in zip(job.docs.evaluasi, job.evaluasi, strict=True)
        if _attempt(functools.partial(write_evaluasi, path, doc), path, failed)
    ]
    if job.merged is not None and made:
        merged = PdfWriter()
        for doc, path in made:
            who = f"{doc.pegawai.nama} ({doc.pegawai.nip})" if doc.pegawai.nip else doc.pegawai.nama
            merged.append(str(path), outline_item=printable(who))
        merged.add_metadata(
            {"/Title": f"Dokumen Evaluasi Kinerja — {job.docs.unit}", "/Author": "sheetnilai"}
        )
        with open(job.merged, "wb") as out:
            merged.write(out)
    elif job.merged is not None:
        failed.append((job.merged, "tidak ada dokumen pegawai untuk digabung"))
    _attempt(functools.partial(write_penetapan, job.penetapan, job.docs.penetapan), job.penetapan,
             failed)  # fmt: skip
    return len(made), failed


def write_documents(
    result: Consolidation,
    folder: Path,
    tanggal: dt.date | None = None,
    overwrite: bool = False,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """The documents of every counted unit of `result` under `folder`."""
    written = Written(folder)
    units = sorted(result.units, key=lambda u: (u.unit.casefold(), u.name))
    taken_units: set[str] = set()
    with staged(overwrite) as group:
        work: list[_Job] = []
        for unit in units:
            docs = unit_documents(result, unit, tanggal)
            written.skipped.extend(docs.skipped)
            place = folder / _unique(safe_file_stem(unit.unit), taken_units)
            taken: set[str] = {MERGED.casefold(), PENETAPAN.casefold()}
            targets = [
                place / f"{_unique(safe_file_stem(f'{d.pegawai.nip} {d.pegawai.nama}'), taken)}.pdf"
                for d in docs.evaluasi
            ]
            paths = tuple(group.path(t) for t in targets)
            merged = group.path(place / MERGED) if docs.evaluasi else None
            work.append(_Job(docs, paths, merged, group.path(place / PENETAPAN)))
            written.files += [
                *targets,
                *([place / MERGED] if docs.evaluasi else []),
                place / PENETAPAN,
            ]
        if written.skipped:
            target = folder / SKIPPED
            _write_skipped(group.path(target), written.skipped)
            written.files.append(target)
        workers = min(jobs or os.cpu_count() or 1, len(work)) or 1
        if workers <= 1:
            for job, done in zip(work, map(_write_unit, work), strict=True):
                _count(written, job, done, group, progress)
        else:
            with process_pool(workers) as pool:
                for job, done in zip(work, pool.map(_write_unit, work), strict=True):
                    _count(written, job, done, group, progress)
        if written.failed:
            target = folder / SKIPPED
            if target not in written.files:
                written.files.append(target)
                _write_skipped(group.path(target), written.skipped)
            else:  # written before the failures were known: again, with them
                tmp = next(t for t, final in group.items if final == target)
                _write_skipped(tmp, written.skipped)
    return written


def _count(
    written: Written,
    job: _Job,
    done: tuple[int, _Failed],
    group: Staged,
    progress: Callable[[str], None] | None,
) -> None:
    count, failed = done
    written.units += 1
    written.documents += count
    for path, reason in failed:
        target = next(final for tmp, final in group.items if tmp == path)
        group.drop(path)
        written.files.remove(target)
        written.failed += 1
        doc = next((d for d, p in zip(job.docs.evaluasi, job.evaluasi, strict=True)
                    if p == path), None)  # fmt: skip
        nip, nama, sheet = (doc.pegawai.nip, doc.pegawai.nama, doc.sheet) if doc else ("", "", "")
        written.skipped.append(Skipped(job.docs.unit, doc.file if doc else "", sheet, nip, nama,
                                       f"{target.name}: {reason}"))  # fmt: skip
    if progress is not None:
        progress(job.docs.unit)


def _write_skipped(path: Path, skipped: list[Skipped]) -> None:
    # utf-8-sig: Excel opens it with the names intact.
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Unit Kerja", "Berkas", "Lembar", "NIP", "Nama", "Alasan"])
        for s in skipped:
            writer.writerow([s.unit, s.file, s.sheet, s.nip, s.nama, s.reason])
