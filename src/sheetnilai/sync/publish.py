"""What a pass publishes: the score book (a dated copy, never overwritten, and a stable
"terbaru" file replaced atomically), with a *Perubahan* sheet of what changed between passes;
and for each unit a feedback workbook holding only that unit's problems (a unit's own
workbook may be open in Excel and is never modified).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

import pandas as pd

from sheetnilai.consolidate import Consolidation
from sheetnilai.files import atomic_path
from sheetnilai.report import charts, charts_many, masalah_table, tables, tables_many
from sheetnilai.roster import safe_file_stem
from sheetnilai.scorebook import Chart, ColumnKind, Table, write_scorebook
from sheetnilai.store.sqlite import Change
from sheetnilai.xlsxchunks import FragmentCache

FEEDBACK_DIR = "umpan-balik"
CHANGE_LABELS = {
    "predikat": "Predikat berubah",
    "masalah-baru": "Masalah baru",
    "masalah-selesai": "Masalah selesai",
    "unit-masuk": "Unit mengirim workbook",
    "berkas-baru": "Berkas baru",
    "berkas-berubah": "Berkas berubah",
    "berkas-dihapus": "Berkas dihapus",
}
_CHANGE_COLUMNS = [
    "Waktu",
    "Perubahan",
    "Periode",
    "Unit Kerja",
    "NIP",
    "Nama",
    "Sebelum",
    "Sesudah",
    "Keterangan",
]


def perubahan_table(changes: Sequence[Change]) -> Table:
    """Every change the store recorded, newest first."""
    rows = [
        {
            "Waktu": c.at.replace("T", " ")[:19],
            "Perubahan": CHANGE_LABELS.get(c.kind, c.kind),
            "Periode": c.period,
            "Unit Kerja": c.unit,
            "NIP": c.nip,
            "Nama": c.nama,
            "Sebelum": c.before,
            "Sesudah": c.after,
            "Keterangan": c.detail,
        }
        for c in reversed(changes)
    ]
    return Table(
        "Perubahan",
        pd.DataFrame(rows, columns=_CHANGE_COLUMNS),
        {"NIP": ColumnKind.NIP},
        title="Perubahan antar-sinkron (terbaru di atas)",
    )


def masalah_tables(results: Sequence[Consolidation]) -> dict[str, Table]:
    """Each period's Masalah table, built once for a pass: the score book, the feedback
    workbooks and the Drive write-back all show it (142,000 rows take half a second)."""
    return {result.period: masalah_table(result) for result in results}


def scorebook_tables(
    results: Sequence[Consolidation],
    changes: Sequence[Change],
    masalah: Mapping[str, Table] | None = None,
) -> tuple[list[Table], list[Chart]]:
    if len(results) == 1:
        # Hasil Kerja's rows built only for the chunks the store does not hold.
        book, drawn = tables(results[0], lazy=True, masalah=masalah), charts(results[0])
    else:
        book, drawn = tables_many(results, lazy=True, masalah=masalah), charts_many(results)
    return [*book, perubahan_table(changes)], drawn


def publish_scorebook(
    results: Sequence[Consolidation],
    changes: Sequence[Change],
    folder: Path,
    label: str,
    stamp: str,
    fragments: FragmentCache | None = None,
    masalah: Mapping[str, Table] | None = None,
) -> list[tuple[str, Path]]:
    """The dated score book (a new name if that one exists: never overwritten) and a copy of
    it as "terbaru", which takes its place in one step. `fragments` keeps the chunks of the
    large sheets between passes, so a pass rebuilds only the rows that changed."""
    book, drawn = scorebook_tables(results, changes, masalah)
    folder.mkdir(parents=True, exist_ok=True)
    base = f"buku-nilai-{safe_file_stem(label)}"
    dated = folder / f"{base}-{stamp}.xlsx"
    n = 2
    while dated.exists():
        dated = folder / f"{base}-{stamp}-{n}.xlsx"
        n += 1
    write_scorebook(dated, book, drawn, overwrite=False, fragments=fragments)
    latest = folder / f"{base}-terbaru.xlsx"
    with atomic_path(latest, overwrite=True) as tmp:
        shutil.copyfile(dated, tmp)
    return [("buku-nilai", dated), ("terbaru", latest)]


_FILE = "berkas "  # the owner of a file that is no unit's workbook: "berkas <its name>"


def unit_of_files(results: Sequence[Consolidation]) -> dict[str, str]:
    """Each input file's owner: the unit of a counted workbook; for an editor's lock file of
    a counted workbook, that unit; for any other file, the file itself ("berkas …")."""
    counted: dict[str, str] = {}
    for result in results:
        for u in result.units:
            counted[u.name] = u.unit
    owner: dict[str, str] = {}
    for result in results:
        for f in result.files:
            if f.name in counted:
                owner[f.name] = counted[f.name]
                continue
            path = PurePosixPath(f.name)
            locked = _locked_workbook(path.name)
            target = str(path.with_name(locked)) if locked else None
            owner[f.name] = counted.get(target or "", f"{_FILE}{f.name}")
    return owner


def _locked_workbook(name: str) -> str | None:
    """The workbook an editor's lock file stands for (Excel's ~$, LibreOffice's .~lock.)."""
    if name.startswith("~$"):
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1]
    return None


def feedback_frames(
    results: Sequence[Consolidation], masalah: Mapping[str, Table] | None = None
) -> dict[str, pd.DataFrame]:
    """Per unit, the Masalah rows of its own workbook(s) only (with a Periode column when
    the pass covers several periods)."""
    owner = unit_of_files(results)
    masalah = masalah if masalah is not None else masalah_tables(results)
    frames = []
    for result in results:
        frame = masalah[result.period].frame
        if len(results) > 1:
            frame = frame.copy()
            frame.insert(0, "Periode", result.period)
        frames.append(frame)
    # Rows that repeat are the same problem (the same file, so the same unit): dropped once
    # here, and one grouping rather than a scan of every row per unit (a first pass has
    # hundreds of units).
    every = pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)
    # Plain Python values once for all units (each unit's digest and workbook take them out
    # of the frame; converting Arrow strings per unit cost more than the rest).
    every = every.astype(object)
    by_unit = every["Berkas"].map(owner)
    groups = {unit: rows for unit, rows in every.groupby(by_unit, sort=False)}
    empty = every.iloc[0:0]
    return {
        unit: groups.get(unit, empty).reset_index(drop=True) for unit in sorted(set(owner.values()))
    }


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a small table's columns and values (repr is exact for the str, int, float
    and None a problem table holds, and far cheaper than writing CSV for every unit)."""
    text = repr((list(frame.columns), frame.to_numpy(dtype=object).tolist()))
    return hashlib.sha256(text.encode()).hexdigest()


def feedback_names(units: Sequence[str]) -> dict[str, str]:
    """A file name per unit, distinct even where two names make the same safe file stem."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for unit in sorted(units):
        stem = safe_file_stem(unit)
        name, n = f"{stem}.xlsx", 2
        while name.casefold() in taken:
            name, n = f"{stem} ({n}).xlsx", n + 1
        taken.add(name.casefold())
        names[unit] = name
    return names


def write_feedback(folder: Path, unit: str, name: str, frame: pd.DataFrame, when: str) -> Path:
    """`umpan-balik/<name>`: this unit's problems as of the pass at `when`."""
    target = folder / FEEDBACK_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    kinds = {"NIP": ColumnKind.NIP, "Tautan": ColumnKind.LINK}
    # An owner that is no unit is a file (`unit_of_files`): named as one.
    what = f'berkas "{unit[len(_FILE) :]}"' if unit.startswith(_FILE) else f'workbook unit "{unit}"'
    at = when.replace("T", " ")[:19]
    title = (
        f"Masalah {what} menurut sinkron {at}"
        if len(frame)
        else f"Tidak ada masalah di {what} (sinkron {at})"
    )
    write_scorebook(
        target,
        [Table("Masalah", frame, {k: v for k, v in kinds.items() if k in frame.columns}, title)],
        overwrite=True,
        properties={"title": f"Umpan balik sheetnilai: {unit}"},
    )
    return target
