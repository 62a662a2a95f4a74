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
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.consolidate import Consolidation
from sheetnilai.documents.content import Skipped, UnitDocuments, unit_documents
from sheetnilai.files import staged
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


def _write_unit(job: _Job) -> int:
    from pypdf import PdfWriter

    from sheetnilai.documents.pdf import write_evaluasi, write_penetapan

    for doc, path in zip(job.docs.evaluasi, job.evaluasi, strict=True):
        write_evaluasi(path, doc)
    if job.merged is not None:
        merged = PdfWriter()
        for doc, path in zip(job.docs.evaluasi, job.evaluasi, strict=True):
            who = f"{doc.pegawai.nama} ({doc.pegawai.nip})" if doc.pegawai.nip else doc.pegawai.nama
            merged.append(str(path), outline_item=who)
        merged.add_metadata(
            {"/Title": f"Dokumen Evaluasi Kinerja — {job.docs.unit}", "/Author": "sheetnilai"}
        )
        with open(job.merged, "wb") as out:
            merged.write(out)
    write_penetapan(job.penetapan, job.docs.penetapan)
    return len(job.evaluasi)


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
            done = map(_write_unit, work)
            for job, count in zip(work, done, strict=True):
                _count(written, job, count, progress)
        else:
            with process_pool(workers) as pool:
                for job, count in zip(work, pool.map(_write_unit, work), strict=True):
                    _count(written, job, count, progress)
    return written


def _count(written: Written, job: _Job, count: int, progress: Callable[[str], None] | None) -> None:
    written.units += 1
    written.documents += count
    if progress is not None:
        progress(job.docs.unit)


def _write_skipped(path: Path, skipped: list[Skipped]) -> None:
    # utf-8-sig: Excel opens it with the names intact.
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Unit Kerja", "Berkas", "Lembar", "NIP", "Nama", "Alasan"])
        for s in skipped:
            writer.writerow([s.unit, s.file, s.sheet, s.nip, s.nama, s.reason])
