"""The score book's Pengembangan, Rencana Pengembangan, Talenta and Kotak Talenta sheets.

Built once per run from the consolidations of all its periods (one period is a run of one),
in one pass over the pegawai and IKI: development needs per pegawai and their totals for
the training plan, and the 9-box of PermenPANRB 3/2020 with its candidates. The decisions
are `rules/talenta.py`'s; this module only gathers the inputs and lays out the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import pandas as pd

from sheetnilai.consolidate import Consolidation
from sheetnilai.errors import SheetnilaiError, os_reason
from sheetnilai.problems import Severity
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Predikat, Rating
from sheetnilai.rules.nip import check_nip, compact
from sheetnilai.rules.numbers import number_text
from sheetnilai.rules.talenta import (
    BOX,
    GRID_COLUMNS,
    GRID_ROWS,
    HASIL_KERJA_THEME,
    OTHER_THEME,
    aspect_name,
    aspect_theme,
    candidate,
    critical_cue,
    kinerja_across,
    may_hold_cue,
    parse_potensial,
    persistently_behind,
)
from sheetnilai.scorebook import ColumnKind, Table
from sheetnilai.validate import IkiResult, PegawaiResult

K = ColumnKind
SHEETS = ("Pengembangan", "Rencana Pengembangan", "Talenta", "Kotak Talenta")
GRID_SHEET = "Kotak Talenta"
PERILAKU = "Perilaku"
HASIL_KERJA = "Hasil kerja"


def _person(p: PegawaiResult | IkiResult) -> str:
    # By NIP alone: a pegawai who moved unit during the run keeps one history (shown in the
    # latest unit); a sheet without a NIP is its own person.
    return p.nip or f"{p.file}›{p.sheet}"


def _pct(value: Fraction) -> str:
    return number_text(value) + "%"


def _history(runs: Sequence[Consolidation]) -> dict[str, list[PegawaiResult | None]]:
    """Each pegawai's result per period of the run (None where absent), oldest first."""
    out: dict[str, list[PegawaiResult | None]] = {}
    for k, c in enumerate(runs):
        for p in c.pegawai:
            out.setdefault(_person(p), [None] * len(runs))[k] = p
    return out


def _latest(history: list[PegawaiResult | None]) -> PegawaiResult:
    return next(p for p in reversed(history) if p is not None)


# --- Pengembangan ----------------------------------------------------------------------------

PENGEMBANGAN_COLUMNS = ["Unit Kerja", "NIP", "Nama", "Jabatan", "Jenis", "Kebutuhan", "Bukti",
                        "Saran pengembangan", "Periode", "Berkas", "Lembar", "Sel"]  # fmt: skip


def _perilaku_needs(p: PegawaiResult, cues: Sequence[str]) -> list[tuple[str, str, str]]:
    """(aspect, evidence, theme) of one pegawai's latest period."""
    below = p.rating_perilaku is Rating.DI_BAWAH
    if not below and not may_hold_cue((u for _, _, u in p.perilaku), cues):
        return []
    out = []
    for aspek, _ekspektasi, umpan_balik in p.perilaku:
        text = " ".join(umpan_balik.split())
        cue = critical_cue(text, cues)
        if not (below and text) and cue is None:
            continue
        name = aspect_name(aspek)
        if below and text:
            evidence = (
                f'Rating perilaku kerja Di Bawah Ekspektasi; umpan balik {p.period}: "{text}"'
            )
        else:
            evidence = f'Umpan balik {p.period}: "{text}" (memuat "{cue}")'
        out.append((name, evidence, aspect_theme(name)))
    if below and not out:
        out.append(
            ("seluruh aspek", "Rating perilaku kerja Di Bawah Ekspektasi tanpa umpan balik per "
             f"aspek pada {p.period}", OTHER_THEME)
        )  # fmt: skip
    return out


def _iki_key(i: IkiResult) -> tuple[str, str, str, str]:
    # The realisasi cell's row is the IKI's place on its sheet across periods.
    return i.nip or i.file, i.file, i.sheet, i.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _iki_histories(
    runs: Sequence[Consolidation],
) -> Iterator[tuple[Sequence[Fraction | None], IkiResult]]:
    """Each IKI's capaian per period of the run (None where absent), oldest first, with the
    IKI of its latest period."""
    if len(runs) == 1:  # each IKI is its own history: no keying of 100,000 IKI
        for u in runs[0].units:
            for i in u.iki:
                yield (i.capaian,), i
        return
    capaian: dict[tuple[str, str, str, str], list[Fraction | None]] = {}
    last: dict[tuple[str, str, str, str], IkiResult] = {}
    for k, c in enumerate(runs):
        for u in c.units:
            for i in u.iki:
                key = _iki_key(i)
                capaian.setdefault(key, [None] * len(runs))[k] = i.capaian
                last[key] = i
    for key, values in capaian.items():
        yield values, last[key]


def needs(runs: Sequence[Consolidation]) -> list[dict[str, object]]:
    """The Pengembangan rows: perilaku of each pegawai's latest period, and the IKI behind
    target in the last periods of the run."""
    policy = runs[-1].policy.pengembangan
    cues = policy.kata_kritis
    rows: list[dict[str, object]] = []
    # Sorted by unit, name, perilaku first, then the need: keys kept beside the rows, as
    # plain strings, so the sort of tens of thousands of rows calls no function per row.
    order: list[tuple[str, str, bool, str]] = []
    for history in _history(runs).values():
        p = _latest(history)
        found = _perilaku_needs(p, cues)
        if not found:
            continue
        base = {"Unit Kerja": p.unit, "NIP": p.nip, "Nama": p.nama, "Jabatan": p.jabatan,
                "Periode": p.period, "Berkas": p.file, "Lembar": p.sheet}  # fmt: skip
        for aspek, evidence, theme in found:
            need = f"{PERILAKU}: {aspek}"
            rows.append({**base, "Jenis": PERILAKU, "Kebutuhan": need, "Bukti": evidence,
                         "Saran pengembangan": theme, "Sel": None})  # fmt: skip
            order.append((str(p.unit), str(p.nama), False, need))
    n = policy.periode_berturut
    batas = f" (batas {_pct(policy.batas_capaian)})"
    # An agency's IKI share a few capaian histories (100,000 IKI, a few hundred distinct
    # histories): each is judged and its evidence written once.
    # Keyed by numerator and denominator: a Fraction's own hash costs a modular inverse.
    decided: dict[tuple[tuple[int, int] | None, ...], str | None] = {}
    jabatan = {_person(p): p.jabatan for c in runs for p in c.pegawai}
    for values, i in _iki_histories(runs):
        if len(values) == 1:  # one period: the key without building a list per IKI
            v = values[0]
            judged: tuple[tuple[int, int] | None, ...] = (
                (None,) if v is None else ((v.numerator, v.denominator),)
            )
        else:
            judged = tuple([None if v is None else (v.numerator, v.denominator) for v in values])
        if judged in decided:
            bukti = decided[judged]
        else:
            bukti = None
            # An IKI absent from the latest period (moved, deleted) has None there: no need.
            if persistently_behind(values, policy):
                shown = [(c.period, v) for c, v in zip(runs, values, strict=True)][-n:]
                bukti = (
                    "Capaian "
                    + "; ".join(f"{period} {_pct(v)}" for period, v in shown if v is not None)
                    + batas
                )
            decided[judged] = bukti
        if bukti is None:
            continue
        need = f"{HASIL_KERJA}: {i.iki}"
        rows.append({"Unit Kerja": i.unit, "NIP": i.nip, "Nama": i.nama,
                     "Jabatan": jabatan.get(_person(i), ""), "Periode": i.period,
                     "Berkas": i.file, "Lembar": i.sheet, "Sel": i.cell, "Jenis": HASIL_KERJA,
                     "Kebutuhan": need, "Bukti": bukti,
                     "Saran pengembangan": HASIL_KERJA_THEME})  # fmt: skip
        order.append((str(i.unit), str(i.nama), True, need))
    rows = [rows[k] for k in sorted(range(len(rows)), key=order.__getitem__)]
    return rows


def pengembangan_table(rows: list[dict[str, object]]) -> Table:
    return Table(
        "Pengembangan",
        # dtype=object: the writers take the Python values back out (an inferred Arrow
        # string column costs a conversion both ways on tens of thousands of rows).
        pd.DataFrame(rows, columns=PENGEMBANGAN_COLUMNS, dtype=object),
        # Every kind said, so none is inferred from tens of thousands of object values.
        {name: K.TEXT for name in PENGEMBANGAN_COLUMNS} | {"NIP": K.NIP},
        title="Kebutuhan pengembangan per pegawai",
        notes=["Dari umpan balik perilaku kerja (kata kritis dan rating Di Bawah Ekspektasi) "
               "dan IKI yang capaiannya di bawah batas; usulan, bukan keputusan."],
    )  # fmt: skip


def rencana_table(rows: list[dict[str, object]]) -> Table:
    """Totals for the training plan: per need (aspect, or hasil kerja) and per unit."""
    by_need: dict[str, list[dict[str, object]]] = defaultdict(list)
    by_unit: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        need = str(r["Kebutuhan"]) if r["Jenis"] == PERILAKU else HASIL_KERJA
        by_need[need].append(r)
        by_unit[str(r["Unit Kerja"])].append(r)
    out = []
    for need, group in sorted(by_need.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append({"Kelompok": "Per kebutuhan", "Nama": need, "Kebutuhan": len(group),
                    "Pegawai": len({(g["NIP"], g["Lembar"]) for g in group}),
                    "Saran pengembangan": group[0]["Saran pengembangan"]})  # fmt: skip
    for unit, group in sorted(by_unit.items()):
        counts = Counter(
            str(g["Kebutuhan"]) if g["Jenis"] == PERILAKU else HASIL_KERJA for g in group
        )
        top = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        out.append({"Kelompok": "Per unit kerja", "Nama": unit, "Kebutuhan": len(group),
                    "Pegawai": len({(g["NIP"], g["Lembar"]) for g in group}),
                    "Saran pengembangan": top})  # fmt: skip
    cols = ["Kelompok", "Nama", "Kebutuhan", "Pegawai", "Saran pengembangan"]
    return Table(
        "Rencana Pengembangan",
        pd.DataFrame(out, columns=cols),
        {"Kebutuhan": K.INTEGER, "Pegawai": K.INTEGER},
        title="Rencana pengembangan: jumlah kebutuhan per aspek dan per unit kerja",
    )


# --- Talenta ---------------------------------------------------------------------------------

TALENTA_COLUMNS = ["Unit Kerja", "NIP", "Nama", "Jabatan", "Predikat per periode", "Kinerja",
                   "Potensial", "Kotak", "Kandidat", "Keterangan"]  # fmt: skip


def talent_rows(runs: Sequence[Consolidation]) -> list[dict[str, object]]:
    policy = runs[-1].policy.talenta
    potensial: dict[str, str] = {}
    for c in runs:
        potensial.update(c.potensial)
    rows: list[dict[str, object]] = []
    for history in _history(runs).values():
        p = _latest(history)
        predikat: list[Predikat | None] = [h.predikat if h else None for h in history]
        kinerja = kinerja_across(predikat, policy)
        pot = parse_potensial(potensial[p.nip]) if p.nip in potensial else None
        kotak = BOX[(kinerja, pot)] if kinerja is not None and pot is not None else None
        reasons = []
        if kinerja is None:
            reasons.append("kotak kosong: belum ada predikat pada periode mana pun")
        if pot is None:
            reasons.append(
                "kotak kosong: potensial kosong atau tidak sah di kolom Potensial daftar "
                "pegawai, dan tidak ada di berkas --potensial"
            )
        found = candidate(kotak, predikat, policy)
        if found is not None:
            reasons.insert(0, f"{found[0].value}: {found[1]}")
        rows.append({
            "Unit Kerja": p.unit, "NIP": p.nip, "Nama": p.nama, "Jabatan": p.jabatan,
            "Predikat per periode": "; ".join(
                f"{c.period} {h.predikat.label if h and h.predikat else '-'}"
                for c, h in zip(runs, history, strict=True)
            ),
            "Kinerja": kinerja.label if kinerja else None,
            "Potensial": pot.value if pot else None,
            "Kotak": kotak,
            "Kandidat": found[0].value if found else None,
            "Keterangan": "; ".join(reasons) or None,
        })  # fmt: skip
    rows.sort(key=lambda r: (str(r["Unit Kerja"]), str(r["Nama"])))
    return rows


def talenta_table(rows: list[dict[str, object]]) -> Table:
    return Table(
        "Talenta",
        pd.DataFrame(rows, columns=TALENTA_COLUMNS, dtype=object),
        {name: K.TEXT for name in TALENTA_COLUMNS} | {"NIP": K.NIP, "Kotak": K.INTEGER},
        title="Manajemen talenta: kotak 9 (PermenPANRB 3/2020) dan kandidat",
    )


def grid_table(rows: list[dict[str, object]]) -> Table:
    """The 3×3 grid as the regulation draws it: kinerja rows Di Atas → Di Bawah, potensial
    columns Rendah → Tinggi; each cell the number of pegawai in that box."""
    counts = Counter(r["Kotak"] for r in rows if r["Kotak"] is not None)
    out = []
    for kinerja in GRID_ROWS:
        row: dict[str, object] = {"Kinerja": kinerja.label}
        for pot in GRID_COLUMNS:
            row[pot.value] = counts.get(BOX[(kinerja, pot)], 0)
        row["Nomor kotak (Rendah / Menengah / Tinggi)"] = " / ".join(
            str(BOX[(kinerja, pot)]) for pot in GRID_COLUMNS
        )
        out.append(row)
    empty = sum(1 for r in rows if r["Kotak"] is None)
    cols = ["Kinerja", *(p.value for p in GRID_COLUMNS), "Nomor kotak (Rendah / Menengah / Tinggi)"]
    return Table(
        GRID_SHEET,
        pd.DataFrame(out, columns=cols),
        {p.value: K.INTEGER for p in GRID_COLUMNS},
        title="Kotak talenta: jumlah pegawai per kotak (baris kinerja, kolom potensial)",
        notes=[f"Pegawai tanpa kotak: {empty} (alasannya di lembar Talenta)."],
    )


def tables(runs: Sequence[Consolidation]) -> list[Table]:
    """The four sheets, in SHEETS order, for the run's periods in scheme order."""
    need_rows = needs(runs)
    talent = talent_rows(runs)
    return [pengembangan_table(need_rows), rencana_table(need_rows), talenta_table(talent),
            grid_table(talent)]  # fmt: skip


# --- a separate assessment file --------------------------------------------------------------


def _bad_file(path: Path, detail: str, row: int | None = None) -> SheetnilaiError:
    where = f" baris {row}" if row is not None else ""
    return SheetnilaiError(
        "potensial-berkas-tidak-sah", {"path": path, "where": where, "detail": detail}
    )


def _potensial_rows(path: Path) -> list[tuple[int, Sequence[object]]]:
    """The file's rows with their 1-based numbers, read by the roster's readers: a workbook's
    first sheet (or one titled Daftar Pegawai), or a CSV/Unicode text in UTF-8 (BOM or not),
    UTF-16 or Windows-1252 with ",", ";" or tab (a one-column file is read with ",")."""
    # One reader for the hand-made tables a user gives; its errors name the roster, so the
    # reason is kept and the message becomes ours.
    from sheetnilai.roster import _read_csv, _read_xlsx

    try:
        if not path.exists():
            raise _bad_file(path, "berkas tidak ditemukan")
        if not path.is_file():
            raise _bad_file(path, "yang dituju bukan berkas (mungkin folder)")
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        rows, _ = _read_csv(path)  # a stray NUL byte is dropped; the NIP check sees the rest
        return rows
    except OSError as exc:
        raise _bad_file(path, os_reason(exc)) from None
    except SheetnilaiError as exc:
        if exc.message_id != "roster-tidak-terbaca":
            raise
        raise _bad_file(path, "tidak dapat dibaca: " + exc.params["detail"]) from None


def _nip_problem(raw: object) -> str | None:
    """Why a NIP cell is refused (nip.py's first galat, with its advice), or None."""
    for problem in check_nip(raw):
        if problem.severity is Severity.GALAT:
            return f"{problem.message} {problem.advice.rstrip('.')}"
    return None


def read_potensial(path: Path) -> dict[str, str]:
    """NIP → potensial from a two-column workbook or CSV (headers NIP and Potensial).

    A row with a bad NIP or potensial stops the run with the row named: the file is small,
    typed by hand, and a silent skip would leave a pegawai without a box unnoticed. So does
    a file that cannot be read, and one NIP given two different potensial (the same one
    twice is kept once)."""
    rows = [(n, row) for n, row in _potensial_rows(path) if any(_filled(v) for v in row)]
    if not rows:
        raise _bad_file(path, "berkas kosong")
    head_row, head = rows[0]
    header = [" ".join(str(v or "").split()).casefold() for v in head]
    try:
        nip_col, pot_col = header.index("nip"), header.index("potensial")
    except ValueError:
        raise _bad_file(path, "judul kolom NIP dan Potensial tidak ditemukan", head_row) from None
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for n, row in rows[1:]:
        nip_raw = row[nip_col] if nip_col < len(row) else None
        pot_raw = row[pot_col] if pot_col < len(row) else None
        if not _filled(nip_raw) and not _filled(pot_raw):
            continue
        why = _nip_problem(nip_raw)
        if why is not None:
            raise _bad_file(path, why, n)
        try:
            pot = parse_potensial(pot_raw).value
        except RuleError as exc:
            raise _bad_file(path, exc.message.rstrip("."), n) from None
        nip = compact(str(nip_raw))
        if nip in out and out[nip] != pot:
            detail = (
                f"NIP {nip} sudah diberi potensial {out[nip]} di baris {seen[nip]}, "
                f"di sini {pot}; sisakan satu baris"
            )
            raise _bad_file(path, detail, n)
        out[nip] = pot
        seen.setdefault(nip, n)
    return out


def _filled(value: object) -> bool:
    return value is not None and bool(str(value).strip())


def apply_potensial(runs: Sequence[Consolidation], found: dict[str, str]) -> None:
    """An assessment file's potensial, over the roster's for the same NIP."""
    for c in runs:
        c.potensial = {**c.potensial, **found}
