"""`sheetnilai templat perbarui`: bring a unit workbook up to date without losing a typed
character.

The workbook is read with the consolidation's own reader and extractor, regenerated from the
current roster (or, without one, from its own identities) and template version, and every
input is carried across by NIP and block position: new pegawai get new SKP sheets, pegawai
who left keep theirs with a "Tidak aktif sejak" date (sheetnilai.activity), a changed
pejabat penilai is written into the identity block, and a workbook of an older template
version gets the new columns. A workbook that cannot be read completely (a damaged or
deleted SKP sheet, more IKI rows than the template holds) is refused, never half-carried.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.activity import DateUnreadable, format_date, parse_date
from sheetnilai.errors import SheetnilaiError
from sheetnilai.periods import Scheme, periods
from sheetnilai.problems import Problem
from sheetnilai.roster import JenisJabatan, Pegawai, Roster, Status, sheet_title
from sheetnilai.rules.policy import Policy
from sheetnilai.sources.raw import RawBook
from sheetnilai.sources.unit import Cell, SkpSheet, UnitBook
from sheetnilai.workbook.build import ErrorValue, Formula, SheetPegawai, UnitWorkbook
from sheetnilai.workbook.generate import unit_specs
from sheetnilai.workbook.layout import (
    ACTIVE_KEYS,
    IKI_ROWS,
    NILAI_COL,
    PLAN_KEYS,
    TEMPLATE_VERSION,
    SkpLayout,
)

__all__ = [
    "BACKUP_FOLDER",
    "Outcome",
    "Refused",
    "Update",
    "input_cells",
    "lost_inputs",
    "plan_update",
    "update_workbooks",
]

NILAI_INPUTS = ("rating_hasil", "rating_perilaku", "bulan", "catatan")
IDENTITY_INPUTS = ("peg_pendekatan", *ACTIVE_KEYS)

# Where an input sits: ("hk", row index, key), ("pk", row index, key), ("nilai", period, key),
# ("lampiran", row index, "teks"), ("ident", key, "").
Place = tuple[str, object, str]


class Refused(Exception):
    """The workbook cannot be carried across completely; `problem` says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _hk_input_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    out = list(PLAN_KEYS)
    for key in keys:
        fields = ("realisasi", "bukti", "umpan_balik")
        out += [f"{f}@{key}" for f in (fields if key == "TAHUNAN" else ("target_periode", *fields))]
    return tuple(out)


def input_cells(book: UnitBook, sheet: SkpSheet) -> dict[Place, Cell]:
    """Every input cell of one SKP sheet that holds something, by place: what a user typed,
    and what `templat perbarui` must carry across (the round-trip tests compare these)."""
    out: dict[Place, Cell] = {}

    def take(place: Place, cell: Cell) -> None:
        if not cell.blank or cell.error is not None or cell.formula is not None:
            out[place] = cell

    hk_keys = _hk_input_keys(book.periods)
    for k, row in enumerate(sheet.hasil_kerja):
        for key in hk_keys:
            take(("hk", k, key), row.get(key))
    pk_keys = ("ekspektasi", *(f"umpan_balik@{p}" for p in book.periods))
    for k, row in enumerate(sheet.perilaku):
        for key in pk_keys:
            take(("pk", k, key), row.get(key))
    for period, row in sheet.nilai.items():
        for key in NILAI_INPUTS:
            take(("nilai", period, key), row.get(key))
    for k, row in enumerate(sheet.lampiran):
        take(("lampiran", k, "teks"), row.get("teks"))
    for key in IDENTITY_INPUTS:
        take(("ident", key, ""), sheet.ident(key))
    return out


@dataclass
class Update:
    """What `plan_update` decided for one workbook."""

    spec: UnitWorkbook
    changes: list[str] = field(default_factory=list)  # Indonesian, one line per change
    carried: int = 0  # input cells carried across


def _refuse(book: UnitBook, code: str, **params: object) -> Refused:
    return Refused(Problem.make(code, params=params, file=book.name))


def _value(cell: Cell) -> object:
    if cell.error is not None and cell.formula is None:
        return ErrorValue(cell.error)
    if cell.formula is not None:
        return Formula(cell.formula, cell.error if cell.error is not None else cell.value)
    return cell.value


def _position(layout: SkpLayout, place: Place) -> tuple[int, int] | None:
    block, where, key = place
    if block == "hk":
        assert isinstance(where, int)
        return layout.hk_first_row + where, layout.hk_keys.index(key)
    if block == "pk":
        assert isinstance(where, int)
        return layout.pk_first_row + where, layout.pk_keys.index(key)
    if block == "nilai":
        keys = [p.key for p in layout.periods]
        if where not in keys:
            return None
        return layout.nilai_row(keys.index(str(where))), NILAI_COL[key]
    if block == "lampiran":
        assert isinstance(where, int)
        return layout.lampiran_key_row + 1 + where, layout.LAMPIRAN_TEXT_COL
    return layout.identity_cells[where] if isinstance(where, str) else None


def _carry(
    book: UnitBook, sheet: SkpSheet, layout: SkpLayout, identity_raw: bool = False
) -> dict[tuple[int, int], object]:
    """The input cells of the new sheet, from the old one. `identity_raw`: the identity is
    the old sheet's own (no roster entry), so a value that is not text (a NIP stored as a
    number) is written as it was, keeping its galat rather than a silently altered NIP."""
    cells: dict[tuple[int, int], object] = {}
    if identity_raw:
        for key, cell in sheet.identity.items():
            raw = (not isinstance(cell.value, str) and not cell.blank) or (
                cell.formula is not None or cell.error is not None
            )
            if raw and key in layout.identity_cells and key not in IDENTITY_INPUTS:
                cells[layout.identity_cells[key]] = _value(cell)
    for place, cell in input_cells(book, sheet).items():
        if place[0] == "hk" and isinstance(place[1], int) and place[1] >= IKI_ROWS:
            raise _refuse(book, "perbarui-baris-iki-lebih", sheet=sheet.title, rows=IKI_ROWS)
        if place[0] == "ident" and place[1] in ACTIVE_KEYS:
            continue  # written from SheetPegawai
        at = _position(layout, place)
        if at is not None:
            cells[at] = _value(cell)
    # Template defaults the user cleared stay cleared.
    for k, row in enumerate(sheet.hasil_kerja[:IKI_ROWS]):
        if row.get("no").blank:
            cells.setdefault((layout.hk_first_row + k, layout.hk_keys.index("no")), None)
    for i, p in enumerate(layout.periods):
        nilai = sheet.nilai.get(p.key)
        if nilai is not None and nilai.get("bulan").blank and nilai.get("bulan").ref:
            cells.setdefault((layout.nilai_row(i), NILAI_COL["bulan"]), None)
    if sheet.ident("peg_pendekatan").blank:
        cells.setdefault(layout.identity_cells["peg_pendekatan"], None)
    return cells


_WHO = {"peg": "", "pnl": "pejabat penilai ", "apnl": "atasan pejabat penilai "}


def _identity_changes(old: SkpSheet, new: SheetPegawai) -> list[str]:
    """What the roster changes in a kept pegawai's identity block (a PLT penilai, a new
    jabatan), one line each."""
    from sheetnilai.workbook.layout import IDENTITY_LABELS

    assert new.pegawai is not None
    p = new.pegawai
    now = {
        "peg_nama": p.nama,
        "peg_nip": p.nip,
        "peg_pangkat": p.pangkat,
        "peg_jabatan": p.jabatan,
        "peg_unit": p.unit,
        "peg_jenis_jabatan": p.jenis_jabatan.label,
        "peg_status": p.status.label,
        "peg_jenjang": p.jenjang or "",
    }
    for who, person, nip in (
        ("pnl", new.penilai, p.penilai_nip),
        ("apnl", new.atasan_penilai, p.atasan_penilai_nip),
    ):
        now[f"{who}_nip"] = person.nip if person else (nip or "")
        if person is not None:
            now |= {f"{who}_nama": person.nama, f"{who}_jabatan": person.jabatan}
    out = []
    for key, text in now.items():
        was = old.ident(key).text
        if was != text:
            who, field_key = key.split("_", 1)
            label = _WHO[who] + IDENTITY_LABELS[field_key]
            out.append(f'{old.nama}: {label} "{was or "-"}" → "{text or "-"}"')
    return out


def _restored(sheet: SkpSheet) -> list[str]:
    """Calculated cells the user had typed over, which the new sheet computes again."""
    out = []
    rows = [(r, k) for r in sheet.hasil_kerja for k in r.keys if k.split("@")[0] in _CALCULATED]
    rows += [(r, k) for r in sheet.nilai.values() for k in ("saran", "predikat", "angka_kredit")]
    for row, key in rows:
        cell = row.get(key)
        if cell.ref and cell.formula is None and not cell.blank:
            out.append(
                f"{sheet.title}!{cell.ref}: rumus dipulihkan (berisi nilai tetap {cell.text})"
            )
    return out


_CALCULATED = {"capaian", "periksa", "realisasi_dinilai", "target_dinilai", "atas_dinilai"}


def _identity_texts(sheet: SkpSheet) -> dict[str, str]:
    return {k: c.text for k, c in sheet.identity.items() if k not in IDENTITY_INPUTS}


def _pegawai_of(sheet: SkpSheet) -> Pegawai:
    """A pegawai as the sheet names them (for a sheet kept without a roster entry)."""
    from sheetnilai.roster import _parse_jenis, _parse_status

    text = _identity_texts(sheet)
    return Pegawai(
        nip=sheet.nip,
        nama=sheet.nama,
        jabatan=text.get("peg_jabatan", ""),
        jenis_jabatan=_parse_jenis(text.get("peg_jenis_jabatan", "")) or JenisJabatan.PELAKSANA,
        status=_parse_status(text.get("peg_status", "")) or Status.PNS,
        jenjang=text.get("peg_jenjang") or None,
        pangkat=text.get("peg_pangkat", ""),
        unit=text.get("peg_unit", ""),
        penilai_nip=text.get("pnl_nip") or None,
        atasan_penilai_nip=text.get("apnl_nip") or None,
        email=None,
        row=0,
    )


def _date_text(sheet: SkpSheet, key: str) -> str:
    """An activity date as the new sheet writes it (dd/mm/yyyy); text that is no date is
    kept as it is, so its galat is not lost either."""
    cell = sheet.ident(key)
    try:
        day = parse_date(cell.value)
    except DateUnreadable:
        return cell.text
    return format_date(day) if day else ""


def _kept(sheet: SkpSheet, title: str, until: str = "") -> SheetPegawai:
    return SheetPegawai(
        title,
        _pegawai_of(sheet),
        identity=_identity_texts(sheet),
        aktif_sejak=_date_text(sheet, ACTIVE_KEYS[0]),
        aktif_sampai=until or _date_text(sheet, ACTIVE_KEYS[1]),
    )


def plan_update(book: UnitBook, roster: Roster | None, policy: Policy, day: dt.date) -> Update:
    """The regenerated workbook of `book` with every input carried across. `day`: the date of
    the roster change (new pegawai are active from it, pegawai who left are not)."""
    if book.damaged or any(entry.title not in {s.title for s in book.sheets}
                           and entry.nip not in {s.nip for s in book.sheets}
                           for entry in book.listed):  # fmt: skip
        raise _refuse(book, "perbarui-lembar-rusak")
    if book.year is None:
        raise _refuse(book, "perbarui-tahun-tidak-terbaca")
    try:
        scheme = Scheme(book.scheme)
    except ValueError:
        raise _refuse(book, "perbarui-skema-tidak-dikenal", scheme=book.scheme) from None
    layout = SkpLayout(periods(scheme))
    by_nip = {s.nip: s for s in book.sheets}
    changes: list[str] = []
    if book.version is not None and book.version < TEMPLATE_VERSION:
        changes.append(
            f"templat versi {book.version} → {TEMPLATE_VERSION} (sifat IKI dan target periode)"
        )
    joined = format_date(day) if day > dt.date(book.year, 1, 1) else ""
    sheets: list[SheetPegawai] = []
    used = {s.title for s in book.sheets}
    members: set[str] = set()
    if roster is None:
        sheets = [_kept(s, s.title) for s in book.sheets]
    else:
        units = {u.casefold(): u for u in roster.units()}
        unit = units.get(book.unit.casefold())
        if unit is None:
            raise _refuse(book, "perbarui-unit-tidak-di-daftar", unit=book.unit)
        (spec,) = [s for s in unit_specs(roster, book.year, scheme, policy) if s.unit == unit]
        members = {s.pegawai.nip for s in spec.sheets if s.pegawai is not None}
        for new in spec.sheets:
            assert new.pegawai is not None
            old = by_nip.get(new.pegawai.nip)
            if old is None:
                title = sheet_title(len(used) + 1, new.pegawai.nama, used)
                sheets.append(SheetPegawai(title, new.pegawai, new.penilai, new.atasan_penilai,
                                           aktif_sejak=joined))  # fmt: skip
                when = f" sejak {joined}" if joined else ""
                changes.append(f"pegawai baru: {new.pegawai.nama} (NIP {new.pegawai.nip}){when}")
                continue
            changes += _identity_changes(old, new)
            sheets.append(
                SheetPegawai(
                    old.title,
                    new.pegawai,
                    new.penilai,
                    new.atasan_penilai,
                    aktif_sejak=_date_text(old, ACTIVE_KEYS[0]),
                    aktif_sampai=_date_text(old, ACTIVE_KEYS[1]),
                )
            )
        for old in book.sheets:
            if old.nip in members:
                continue
            until = _date_text(old, ACTIVE_KEYS[1]) or format_date(day)
            sheets.append(_kept(old, old.title, until))
            if not old.ident(ACTIVE_KEYS[1]).text:
                changes.append(
                    f"pegawai keluar: {old.nama} (NIP {old.nip}), tidak aktif sejak {until}"
                )
    inputs: dict[str, Mapping[tuple[int, int], object]] = {}
    carried = 0
    for sheet in sheets:
        nip = sheet.pegawai.nip if sheet.pegawai else ""
        old = by_nip.get(nip)
        if old is not None:
            own = roster is None or old.nip not in members
            inputs[sheet.title] = _carry(book, old, layout, identity_raw=own)
            carried += len(input_cells(book, old))
            changes += _restored(old)
    org = {k: _value(c) for k, c in book.org_predikat.items() if not c.blank or c.error}
    carried += len(org)
    spec = UnitWorkbook(
        book.unit,
        book.year,
        scheme,
        tuple(sheets),
        policy,
        xlwings=book.path.suffix.lower() == ".xlsm",
        inputs=inputs,
        org_predikat=org,
    )
    return Update(spec, changes, carried)


# --- what a rebuild cannot carry -----------------------------------------------------------

# The keyed blocks, and how many title and header rows each has above its key row.
_BLOCKS = {"SN_HK": 3, "SN_PK": 2, "SN_NILAI": 2, "SN_LAMPIRAN": 1}


def uncarried(raw: RawBook, book: UnitBook) -> list[str]:
    """What a rebuild would drop, so the workbook is refused instead: sheets of the user's
    own (notes, a chart, a copy of an SKP sheet), and text typed on an SKP sheet outside its
    input blocks (in the gaps between them, beside the identity, below the signatures)."""
    from sheetnilai.sources.raw import cell_ref, parse_ref
    from sheetnilai.workbook.layout import (
        ANALYSIS_SHEET,
        CETAK_SHEET,
        GUIDE_SHEET,
        META_SHEET,
        RECAP_SHEET,
        RULES_SHEET,
        XLWINGS_CONF_SHEET,
    )

    # The Cetak sheet holds only formulas and two choices: it is written again, not carried.
    ours = {
        GUIDE_SHEET,
        RECAP_SHEET,
        CETAK_SHEET,
        RULES_SHEET,
        META_SHEET,
        ANALYSIS_SHEET,
        XLWINGS_CONF_SHEET,
    }
    skp = {s.title for s in book.sheets}
    out = [f"lembar {t}" for t in raw.sheets if t not in ours and t not in skp]
    layout = SkpLayout(periods(Scheme(book.scheme)))
    for sheet in book.sheets:
        rows: set[int] = set(range(layout.ident_header_row))  # the title rows: template text
        for name, above in _BLOCKS.items():
            ref = raw.local_names.get(sheet.title, {}).get(name)
            if ref is None:
                continue
            _, r1, _, r2, _ = parse_ref(ref.lstrip("="))
            rows.update(range(r1 - above, r2 + 1))
        identity = set(range(layout.ident_header_row, layout.hk_title_row))
        label_or_value = {layout.left_label_col, layout.left_value_col} | set(
            range(layout.right_label_col, layout.print_last_col + 1)
        )
        names = raw.local_names.get(sheet.title, {})
        lampiran = names.get("SN_LAMPIRAN")
        end = parse_ref(lampiran.lstrip("="))[3] if lampiran else layout.lampiran_last_row
        signature = end + 2
        for (r, c), cell in raw.sheets[sheet.title].cells.items():
            if cell.formula is not None or cell.value is None or cell.value == "":
                continue
            if r in rows or (r in identity and c in label_or_value):
                continue
            if r == signature and c in (2, 6):
                continue  # "Pegawai yang Dinilai", "Pejabat Penilai Kinerja"
            out.append(f"{sheet.title}!{cell_ref(r, c)}")
    return out


# --- updating files ------------------------------------------------------------------------

BACKUP_FOLDER = ".cadangan-sheetnilai"  # a dot folder: the consolidation never reads it


@dataclass
class Outcome:
    """One workbook of `update_workbooks`: where it went and what changed, or why not."""

    name: str
    target: Path | None = None
    backup: Path | None = None
    changes: list[str] = field(default_factory=list)
    carried: int = 0
    problem: Problem | None = None


def _same_cell(before: Cell, after: Cell) -> bool:
    if before.error is not None or after.error is not None:
        return before.error == after.error
    if before.formula is not None and (after.formula or "") != before.formula:
        return False
    a, b = before.value, after.value
    if isinstance(a, int | float) and isinstance(b, int | float):
        return bool(a == b) and isinstance(a, bool) == isinstance(b, bool)
    return a == b


def lost_inputs(before: UnitBook, after: UnitBook) -> list[str]:
    """Every input of `before` that `after` does not hold the same (by NIP and place), as
    "sheet!cell" texts; the activity dates, which an update sets, are not compared."""
    new = {s.nip: s for s in after.sheets}
    lost = []
    for sheet in before.sheets:
        twin = new.get(sheet.nip)
        cells = input_cells(before, sheet)
        now = input_cells(after, twin) if twin is not None else {}
        for place, cell in cells.items():
            if place[0] == "ident" and place[1] in ACTIVE_KEYS:
                continue
            if place not in now or not _same_cell(cell, now[place]):
                lost.append(f"{sheet.title}!{cell.ref}")
    for period, cell in before.org_predikat.items():
        other = after.org_predikat.get(period)
        if (not cell.blank or cell.error) and (other is None or not _same_cell(cell, other)):
            lost.append(f"Rekap!{cell.ref}")
    return lost


def update_workbooks(
    paths: list[tuple[Path, str]],
    roster: Roster | None,
    policy: Policy | None,
    day: dt.date,
    outdir: Path | None,
    progress: Callable[[Outcome], None] | None = None,
    jobs: int | None = None,
) -> list[Outcome]:
    """Update every workbook `(path, shown name)`. `outdir` None: in place, each original
    first copied to BACKUP_FOLDER beside it. Each output is read back with the
    consolidation's reader and must hold every input of the original before it takes its
    place (atomically); a workbook that fails any step stays as it was, with a problem.
    Workbooks are independent, so `jobs` processes share them."""
    import functools
    import os

    from sheetnilai.pool import process_pool

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    one = functools.partial(
        _update_one, roster=roster, policy=policy, day=day, outdir=outdir, stamp=stamp
    )
    workers = min(jobs or os.cpu_count() or 1, len(paths)) or 1
    pool = process_pool(workers) if workers > 1 else None
    results = pool.map(one, paths) if pool is not None else map(one, paths)
    outcomes = []
    try:
        for out in results:
            outcomes.append(out)
            if progress:
                progress(out)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return outcomes


def _update_one(
    item: tuple[Path, str],
    roster: Roster | None,
    policy: Policy | None,
    day: dt.date,
    outdir: Path | None,
    stamp: str,
) -> Outcome:
    from sheetnilai.config import policy_from_text
    from sheetnilai.errors import os_reason
    from sheetnilai.files import write_atomic
    from sheetnilai.sources.raw import ReadError, read_book
    from sheetnilai.sources.unit import NotReadable, extract
    from sheetnilai.workbook.build import build_unit_workbook

    path, name = item
    out = Outcome(name)
    try:
        raw = read_book(path)
        book = extract(raw, name)
        left = uncarried(raw, book)
        if left:
            raise Refused(
                Problem.make(
                    "perbarui-di-luar-templat",
                    params={"what": ", ".join(left[:5]), "count": len(left)},
                    file=name,
                )
            )
        used = policy or (
            policy_from_text(book.policy_text, name, "workbook") if book.policy_text else Policy()
        )
        plan = plan_update(book, roster, used, day)
        suffix = ".xlsm" if plan.spec.xlwings else ".xlsx"
        target = (outdir / name if outdir else path).with_suffix(suffix)

        def write(tmp: Path) -> None:
            build_unit_workbook(tmp, plan.spec)
            lost = lost_inputs(book, extract(read_book(tmp), name))
            if lost:
                raise Refused(
                    Problem.make(
                        "perbarui-isian-hilang",
                        params={"cells": ", ".join(lost[:5]), "count": len(lost)},
                        file=name,
                    )
                )

        if outdir is None:
            backup = path.parent / BACKUP_FOLDER / f"{path.stem}.{stamp}{path.suffix}"
            backup.parent.mkdir(exist_ok=True)
            shutil.copy2(path, backup)
            out.backup = backup
            write_atomic(target, write, overwrite=True)
            if target != path:  # an .ods became .xlsx: the original lives on as the backup
                path.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, write, overwrite=False)
        out.target, out.changes, out.carried = target, plan.changes, plan.carried
    except (Refused, NotReadable) as exc:
        out.problem = exc.problem
    except ReadError as exc:
        out.problem = exc.to_problem(name)
    except OSError as exc:
        params = {"detail": os_reason(exc), "path": name}
        out.problem = Problem.make("berkas-tidak-terbaca", params=params, file=name)
    except SheetnilaiError as exc:
        out.problem = Problem.make("perbarui-gagal", params={"detail": exc.message}, file=name)
    except Exception as exc:
        # A defect of ours that one file sets off never costs the other units their update;
        # the file itself is untouched (every write is atomic).
        out.problem = Problem.make(
            "galat-internal", params={"jenis": type(exc).__name__}, file=name
        )
    if out.problem is not None and out.backup is not None:
        out.backup.unlink(missing_ok=True)  # the original was never replaced
        out.backup = None
    return out
