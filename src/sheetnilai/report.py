"""The score book's tables, built from a consolidation (what HR reads, in Indonesian)."""

from __future__ import annotations

import hashlib
import marshal
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import pandas as pd

from sheetnilai import __version__, talenta_report
from sheetnilai.config import policy_toml
from sheetnilai.consolidate import Consolidation
from sheetnilai.errors import display_name
from sheetnilai.kalibrasi import kalibrasi_table
from sheetnilai.periods import ANNUAL, period_objects
from sheetnilai.problems import Problem, Severity
from sheetnilai.rules.labels import CURVE_ORDER
from sheetnilai.rules.numbers import round_half_up
from sheetnilai.rules.policy import scoring_policy
from sheetnilai.scorebook import Chart, ColumnKind, Table
from sheetnilai.shown import iki_shown
from sheetnilai.shown import number as _num
from sheetnilai.sources.unit import SCOREBOOK_SHEETS
from sheetnilai.validate import UnitResult

BELUM_MASUK = "Belum masuk"

K = ColumnKind
PREDIKAT_COLUMNS = [p.label for p in CURVE_ORDER]
# One colour per predikat, worst to best (CURVE_ORDER), as in the signed documents' charts.
PREDIKAT_COLOURS = ("#C0392B", "#E67E22", "#F1C40F", "#27AE60", "#1F618D")
BOOK_TITLE = "Buku Nilai Kinerja Pegawai"
CHART_SHEET = "Grafik"
# Widths (characters) of the columns a person reads on paper: with these, Ringkasan,
# Distribusi, Masalah and Belum Masuk print on A4 landscape at about three quarters of full
# size, long texts wrapping inside their column.
PREDIKAT_WIDTHS = {"Sangat Kurang": 10, "Kurang/Misconduct": 12, "Butuh Perbaikan": 11,
                   "Baik": 8, "Sangat Baik": 9}  # fmt: skip


def period_label(period: str, year: int | None) -> str:
    """A period as a title says it: "Triwulan I 2026", "Tahunan 2026", "TW1" if unknown."""
    known = period_objects((period,))
    label = known[0].label if known else ANNUAL.label if period == ANNUAL.key else period
    return f"{label} {year}" if year else label


def book_title(runs: Sequence[Consolidation]) -> str:
    """ "Buku Nilai Kinerja Pegawai — Triwulan I 2026" (periods of a run joined by commas)."""
    year = runs[0].year
    labels = ", ".join(period_label(c.period, None) for c in runs)
    return f"{BOOK_TITLE} — {labels} {year}" if year else f"{BOOK_TITLE} — {labels}"


def agency_name(c: Consolidation) -> str | None:
    return c.policy.instansi.nama or None


def _label(value: object) -> str:
    return "" if value is None else str(getattr(value, "label", value))


def _frame(rows: Iterable[Mapping[str, object]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


def pegawai_table(c: Consolidation) -> Table:
    cols = [
        "NIP",
        "Nama",
        "Jabatan",
        "Jenis Jabatan",
        "Status",
        "Jenjang",
        "Pangkat/Golongan",
        "Unit Kerja",
        "NIP Pejabat Penilai",
        "Nama Pejabat Penilai",
        "Periode",
        "Jumlah IKI",
        "IKI dengan capaian angka",
        "Rata-rata capaian (%)",
        "Capaian terendah (%)",
        "Saran rating hasil kerja",
        "Rating hasil kerja",
        "Rating perilaku kerja",
        "Predikat",
        "Angka kredit",
        "Galat",
        "Peringatan",
        "Berkas",
        "Lembar",
    ]
    digits = c.policy.angka_kredit.desimal_tampilan
    rows = (
        {
            "NIP": p.nip,
            "Nama": p.nama,
            "Jabatan": p.jabatan,
            "Jenis Jabatan": p.jenis_jabatan,
            "Status": p.status,
            "Jenjang": p.jenjang,
            "Pangkat/Golongan": p.pangkat,
            "Unit Kerja": p.unit,
            "NIP Pejabat Penilai": p.penilai_nip,
            "Nama Pejabat Penilai": p.penilai_nama,
            "Periode": p.period,
            "Jumlah IKI": p.n_iki,
            "IKI dengan capaian angka": p.n_capaian,
            "Rata-rata capaian (%)": _num(p.mean_capaian),
            "Capaian terendah (%)": _num(p.min_capaian),
            "Saran rating hasil kerja": _label(p.saran),
            "Rating hasil kerja": _label(p.rating_hasil),
            "Rating perilaku kerja": _label(p.rating_perilaku),
            "Predikat": _label(p.predikat),
            "Angka kredit": _num(p.angka_kredit, digits),
            "Galat": p.galat,
            "Peringatan": p.peringatan,
            "Berkas": p.file,
            "Lembar": p.sheet,
        }
        for p in sorted(c.pegawai, key=lambda p: (p.unit, p.sheet))
    )
    kinds = {
        "NIP": K.NIP,
        "NIP Pejabat Penilai": K.NIP,
        "Rata-rata capaian (%)": K.PERCENT,
        "Capaian terendah (%)": K.PERCENT,
        "Angka kredit": K.NUMBER,
        "Jumlah IKI": K.INTEGER,
        "IKI dengan capaian angka": K.INTEGER,
        "Galat": K.INTEGER,
        "Peringatan": K.INTEGER,
    }
    # Every other column is text, and the values stay Python objects (see Hasil Kerja).
    kinds = {name: kinds.get(name, K.TEXT) for name in cols}
    frame = pd.DataFrame(list(rows), columns=cols, dtype=object)
    return Table("Pegawai", frame, kinds, title=f"Nilai pegawai — periode {c.period}")


def hasil_kerja_table(c: Consolidation, lazy: bool = False) -> Table:
    """A row per IKI, one segment per workbook (keyed by its output where the run has one:
    `_unit_key`). `lazy`: the rows are built only as the score book's writer asks for them
    (scorebook.Table.rows): for a writer alone, as a sync pass has."""
    from sheetnilai.cascade import chains

    chain = chains(c)
    cols = [
        "NIP",
        "Nama",
        "Unit Kerja",
        "Periode",
        "No RHK",
        "Jenis RHK",
        "RHK",
        "RHK atasan yang diintervensi",
        "Rantai RHK sampai pimpinan unit",
        "Aspek/Perspektif",
        "IKI",
        "Target",
        "Target batas atas",
        "Satuan",
        "Arah",
        "Target kualitatif",
        "Sifat",
        "Target periode",
        "Realisasi",
        "Realisasi dinilai",
        "Target dinilai",
        "Capaian (%)",
        "Keterangan capaian",
        "Nilai capaian (8/2021)",
        "Kategori",
        "Bukti dukung",
        "Umpan balik",
        "Berkas",
        "Lembar",
        "Sel realisasi",
        "Sumber data",
        "Realisasi survei IKM",
    ]
    # Tuples in the order of `cols`, not dicts: this table has a row per IKI of the agency.
    # The shown values come with each IKI from the worker that checked it (shown.py).
    from sheetnilai.ikm_link import survey_source

    linked = c.iki_surveys

    def unit_rows(u: UnitResult) -> list[tuple[object, ...]]:
        rows: list[tuple[object, ...]] = []
        for i in u.iki:
            survey = linked.get((i.file, i.sheet, i.cell)) if linked else None
            t, t_atas, t_periode, real, real_dinilai, t_dinilai, cap, nilai = i.shown or iki_shown(
                i
            )
            rows.append(
                (
                    i.nip,
                    i.nama,
                    i.unit,
                    i.period,
                    i.rhk_no,
                    i.jenis,
                    i.rhk,
                    i.rhk_atasan,
                    chain.get((i.nip, i.rhk), ""),
                    i.aspek,
                    i.iki,
                    t,
                    t_atas,
                    i.satuan,
                    i.arah,
                    i.target_kualitatif,
                    i.sifat,
                    t_periode,
                    real,
                    real_dinilai,
                    t_dinilai,
                    cap,
                    i.capaian_text,
                    nilai,
                    i.kategori,
                    i.bukti,
                    i.umpan_balik,
                    i.file,
                    i.sheet,
                    i.cell,
                    survey_source(survey) if survey else "",
                    float(survey.hasil.konversi_tampil) if survey and survey.hasil else None,
                )
            )
        return rows

    units = [u for u in c.units if u.iki]
    segments: list[tuple[str | None, int]] = []
    for u in units:
        source = c.output_digests.get(u.name)
        if (
            source is not None
            and linked
            and any((i.file, i.sheet, i.cell) in linked for i in u.iki)
        ):
            source = None
        key = None
        if source is not None:
            key = _unit_key(c, u, source, [chain.get((i.nip, i.rhk), "") for i in u.iki])
        segments.append((key, len(u.iki)))
    kinds = {
        "NIP": K.NIP,
        "Capaian (%)": K.PERCENT,
        "Nilai capaian (8/2021)": K.NUMBER,
        "No RHK": K.INTEGER,
        "Bukti dukung": K.LINK,
        "Target": K.TEXT,
        "Target batas atas": K.TEXT,
        "Realisasi": K.TEXT,
        "Target periode": K.TEXT,
        "Realisasi dinilai": K.NUMBER,
        "Target dinilai": K.NUMBER,
        "Realisasi survei IKM": K.NUMBER,
    }
    # Every other column is text; saying so spares inferring it from 100,000 object values.
    kinds = {name: kinds.get(name, K.TEXT) for name in cols}
    title = f"Hasil kerja per IKI — periode {c.period}"
    if lazy:
        frame = pd.DataFrame(columns=cols, dtype=object)
        return Table("Hasil Kerja", frame, kinds, title=title, segments=segments,
                     rows=lambda k: unit_rows(units[k]))  # fmt: skip
    rows = [row for u in units for row in unit_rows(u)]
    # dtype=object: the values stay the Python objects the writers take back out (an
    # inferred Arrow string column costs a conversion both ways on 100,000 rows).
    frame = pd.DataFrame(rows, columns=cols, dtype=object)
    return Table("Hasil Kerja", frame, kinds, title=title, segments=segments)


def _unit_key(c: Consolidation, u: UnitResult, source: str, chains: list[str]) -> str:
    """The key of one workbook's Hasil Kerja rows (scorebook.Table.segments): its worker's
    output (`source`) and what the checks across files change in them.

    Those checks may rename the unit (the roster's spelling), drop the sheets of a NIP
    counted elsewhere (and with them their IKI: which sheets remain says which IKI do), and
    the chain comes from the atasan's SKP, maybe in another workbook. An IKI given a survey's
    realisasi (ikm_link rescores it here) leaves its unit unkeyed, as does a run without
    output digests. Tests build every chunk a key finds afresh and compare
    (scorebook.CHECK_SEGMENTS_ENV).
    """
    sheets = "\x00".join(p.sheet for p in u.pegawai)
    digest = hashlib.blake2b(
        f"{source}|{c.period}|{u.name}|{u.unit}|{sheets}|".encode(), digest_size=20
    )
    digest.update(marshal.dumps(chains, 2))
    return digest.hexdigest()


def distribusi_table(c: Consolidation) -> Table:
    cols = [
        "Unit Kerja",
        "Berkas",
        "Predikat organisasi",
        *PREDIKAT_COLUMNS,
        "Jumlah berpredikat",
        "Status",
        "Keterangan",
    ]
    rows = []
    for u in sorted(c.units, key=lambda u: u.unit):
        org, dist = c.distribution.get(u.name, (None, None))
        counts = Counter(p.predikat for p in u.pegawai if p.predikat is not None)
        rows.append(
            {
                "Unit Kerja": u.unit,
                "Berkas": u.name,
                "Predikat organisasi": _label(org),
                **{p.label: counts.get(p, 0) for p in CURVE_ORDER},
                "Jumlah berpredikat": sum(counts.values()),
                "Status": dist.status if dist else "Belum diperiksa",
                "Keterangan": " ".join(f.sentence for f in dist.findings)
                if dist
                else "Predikat organisasi belum ditetapkan.",
            }
        )
    for unit, count in sorted(c.missing_units.items()):
        rows.append(
            {
                "Unit Kerja": unit,
                "Berkas": "",
                "Predikat organisasi": "",
                **{p.label: 0 for p in CURVE_ORDER},
                "Jumlah berpredikat": 0,
                "Status": BELUM_MASUK,
                "Keterangan": f"Workbook unit belum masuk ({count} pegawai di daftar pegawai).",
            }
        )
    org, dist = c.agency
    counts = Counter(p.predikat for p in c.pegawai if p.predikat is not None)
    rows.append(
        {
            "Unit Kerja": "INSTANSI (seluruh unit)",
            "Berkas": "",
            "Predikat organisasi": _label(org),
            **{p.label: counts.get(p, 0) for p in CURVE_ORDER},
            "Jumlah berpredikat": sum(counts.values()),
            "Status": dist.status if dist else "Belum diperiksa",
            "Keterangan": " ".join(f.sentence for f in dist.findings)
            if dist
            else "Berikan --predikat-instansi untuk memeriksa kurva seluruh instansi.",
        }
    )
    kinds = {p: K.INTEGER for p in [*PREDIKAT_COLUMNS, "Jumlah berpredikat"]}
    widths = {"Unit Kerja": 34, "Berkas": 22, "Predikat organisasi": 12, **PREDIKAT_WIDTHS,
              "Jumlah berpredikat": 13, "Status": 14, "Keterangan": 50}  # fmt: skip
    return Table(
        "Distribusi",
        _frame(rows, cols),
        kinds,
        title=f"Kurva distribusi predikat (SE MenPANRB 3/2023) — periode {c.period}",
        widths=widths,
    )


def ringkasan_table(c: Consolidation) -> Table:
    cols = [
        "Unit Kerja",
        "Berkas",
        "Pegawai di daftar",
        "Lembar SKP",
        "Sudah berpredikat",
        "Belum berpredikat",
        *PREDIKAT_COLUMNS,
        "Galat",
        "Peringatan",
        "Status distribusi",
    ]
    rows: list[dict[str, object]] = []
    expected = {k.casefold(): v for k, v in c.roster_units.items()}
    for u in sorted(c.units, key=lambda u: u.unit):
        counts = Counter(p.predikat for p in u.pegawai if p.predikat is not None)
        _, dist = c.distribution.get(u.name, (None, None))
        rows.append(
            {
                "Unit Kerja": u.unit,
                "Berkas": u.name,
                "Pegawai di daftar": expected.get(u.unit.casefold()),
                "Lembar SKP": len(u.pegawai),
                "Sudah berpredikat": sum(counts.values()),
                "Belum berpredikat": len(u.pegawai) - sum(counts.values()),
                **{p.label: counts.get(p, 0) for p in CURVE_ORDER},
                "Galat": sum(1 for p in u.problems if p.severity is Severity.GALAT),
                "Peringatan": sum(1 for p in u.problems if p.severity is Severity.PERINGATAN),
                "Status distribusi": dist.status if dist else "Belum diperiksa",
            }
        )
    for unit, count in sorted(c.missing_units.items()):
        rows.append(
            {
                "Unit Kerja": unit,
                "Berkas": "(belum masuk)",
                "Pegawai di daftar": count,
                "Lembar SKP": 0,
                "Sudah berpredikat": 0,
                "Belum berpredikat": 0,
                **{p.label: 0 for p in CURVE_ORDER},
                "Galat": 0,
                "Peringatan": 0,
                "Status distribusi": BELUM_MASUK,
            }
        )
    total = Counter(p.predikat for p in c.pegawai if p.predikat is not None)
    rows.append(
        {
            "Unit Kerja": "JUMLAH INSTANSI",
            "Berkas": f"{len(c.units)} workbook",
            "Pegawai di daftar": c.roster_count,
            "Lembar SKP": len(c.pegawai),
            "Sudah berpredikat": sum(total.values()),
            "Belum berpredikat": len(c.pegawai) - sum(total.values()),
            **{p.label: total.get(p, 0) for p in CURVE_ORDER},
            "Galat": c.count(Severity.GALAT),
            "Peringatan": c.count(Severity.PERINGATAN),
            "Status distribusi": c.agency[1].status if c.agency[1] else "Belum diperiksa",
        }
    )
    kinds = {k: K.INTEGER for k in cols if k not in ("Unit Kerja", "Berkas", "Status distribusi")}
    year = f" tahun {c.year}" if c.year else ""
    notes = [
        f"Periode: {c.period}{year}. Sumber: {display_name(c.source)}. "
        f"Dibuat {c.started:%Y-%m-%d %H:%M}.",
        f"{len(c.files)} berkas ditemukan, {len(c.units)} workbook dihitung, "
        f"{len(c.belum_masuk)} pegawai belum berpredikat atau belum masuk.",
        f"{c.count(Severity.GALAT)} galat, {c.count(Severity.PERINGATAN)} peringatan, "
        f"{c.count(Severity.CATATAN)} catatan (rincian di lembar Masalah).",
    ]
    if c.roster_count is not None:
        notes.insert(
            1,
            f"Daftar pegawai: {c.roster_count} pegawai di {len(c.roster_units)} unit; "
            f"{len(c.missing_units)} unit ({sum(c.missing_units.values())} pegawai) belum masuk.",
        )
    widths = {"Unit Kerja": 36, "Berkas": 24, "Pegawai di daftar": 11, "Lembar SKP": 10,
              "Sudah berpredikat": 13, "Belum berpredikat": 13, **PREDIKAT_WIDTHS, "Galat": 8,
              "Peringatan": 12, "Status distribusi": 16}  # fmt: skip
    return Table(
        "Ringkasan",
        _frame(rows, cols),
        kinds,
        title=book_title([c]),
        subtitle=agency_name(c),
        notes=notes,
        widths=widths,
    )


def masalah_table(c: Consolidation) -> Table:
    cols = ["Tingkat", "Kode", "Berkas", "Lembar", "Sel", "NIP", "Nama", "Pesan", "Saran", "Tautan"]
    order = {Severity.GALAT: 0, Severity.PERINGATAN: 1, Severity.CATATAN: 2}
    problems: list[Problem] = sorted(
        c.all_problems, key=lambda p: (order[p.severity], p.file or "", p.sheet or "", p.cell or "")
    )
    rows = [
        (
            p.severity.value,
            p.code,
            p.file or "",
            p.sheet or "",
            p.cell or "",
            p.nip or "",
            p.nama or "",
            p.message,
            p.advice,
            p.link or "",
        )
        for p in problems
    ]
    widths = {"Tingkat": 11, "Kode": 18, "Berkas": 22, "Lembar": 16, "Sel": 7, "NIP": 20,
              "Nama": 18, "Pesan": 46, "Saran": 38, "Tautan": 14}  # fmt: skip
    # dtype=object and every kind stated: a period not yet filled has a problem per IKI
    # (142,000 rows in bench/sinkron.py's agency), and inferred Arrow strings cost a
    # conversion both ways, half of this table's time.
    kinds = {name: K.TEXT for name in cols} | {"NIP": K.NIP, "Tautan": K.LINK}
    return Table(
        "Masalah",
        pd.DataFrame(rows, columns=cols, dtype=object),
        kinds,
        title="Masalah yang harus diperbaiki unit kerja",
        widths=widths,
    )


def belum_masuk_table(c: Consolidation) -> Table:
    cols = ["NIP", "Nama", "Unit Kerja", "Jabatan", "Keterangan", "Menunggu"]
    rows = (
        {
            "NIP": b.nip,
            "Nama": b.nama,
            "Unit Kerja": b.unit,
            "Jabatan": b.jabatan,
            "Keterangan": b.reason,
            "Menunggu": b.waiting_for,
        }
        for b in sorted(c.belum_masuk, key=lambda b: (b.unit, b.nama))
    )
    widths = {"NIP": 20, "Nama": 26, "Unit Kerja": 30, "Jabatan": 30, "Keterangan": 44,
              "Menunggu": 40}  # fmt: skip
    return Table(
        "Belum Masuk",
        _frame(rows, cols),
        {"NIP": K.NIP},
        title="Pegawai yang belum masuk atau belum berpredikat, dan siapa yang ditunggu",
        widths=widths,
    )


def metadata_table(c: Consolidation) -> Table:
    rows: list[dict[str, object]] = [
        {"Butir": "sheetnilai", "Nilai": __version__},
        {"Butir": "Waktu konsolidasi", "Nilai": c.started.isoformat(timespec="seconds")},
        {"Butir": "Periode", "Nilai": c.period},
        {"Butir": "Tahun", "Nilai": str(c.year or "")},
        {"Butir": "Sumber", "Nilai": display_name(c.source)},
        {"Butir": "Daftar pegawai", "Nilai": c.roster_source or "(tidak dipakai)"},
        {"Butir": "SHA-256 daftar pegawai", "Nilai": c.roster_sha256},
        # The settings that decide scores; the reminders' deadlines and mail server are not.
        {"Butir": "Kebijakan yang berlaku", "Nilai": policy_toml(scoring_policy(c.policy))},
    ]
    for name, status in c.folders:
        rows.append({"Butir": f"Folder: {name}", "Nilai": status})
    for f in c.files:
        rows.append(
            {
                "Butir": f"Berkas: {f.name}",
                "Nilai": f"{f.status}; {f.size} byte; SHA-256 {f.sha256}"
                + (f"; {f.link}" if f.link else ""),
            }
        )
    return Table("Metadata", _frame(rows, ["Butir", "Nilai"]), {}, title="Metadata konsolidasi")


def _comma(value: Fraction) -> str:
    return f"{round_half_up(value, 2)}".replace(".", ",")


def ikm_table(c: Consolidation) -> Table:
    """Per survey workbook (sources/survei.py): the IKM recomputed from its answers, the
    minimum sample, and the unsur below the mean NRR, lowest first, that pull it down."""
    from sheetnilai.rules.ikm import UNSUR

    nrr_cols = [f"NRR U{u + 1} {name}" for u, name in enumerate(UNSUR)]
    cols = ["Unit Layanan", "Periode Survei", "Responden", "Populasi", "Sampel Minimum",
            "Sampel Cukup", *nrr_cols, "IKM", "Nilai IKM", "Mutu", "Kinerja Unit",
            "Unsur Penarik", "Jawaban Tidak Sah", "Berkas"]  # fmt: skip
    rows = []
    for s in sorted(c.surveys, key=lambda s: (s.unit, s.name)):
        h = s.hasil
        row: dict[str, object] = {
            "Unit Layanan": s.unit,
            "Periode Survei": s.periode,
            "Responden": h.responden if h else None,
            "Populasi": s.populasi,
            "Sampel Minimum": s.sampel_minimum,
            "Sampel Cukup": {True: "ya", False: "tidak", None: ""}[s.sampel_cukup],
            "IKM": _num(h.ikm, 4) if h else None,
            "Nilai IKM": float(h.konversi_tampil) if h else None,
            "Mutu": h.mutu if h else "",
            "Kinerja Unit": h.kinerja if h else "Tidak dapat dihitung (lihat Masalah)",
            "Unsur Penarik": "; ".join(
                f"U{u + 1} {UNSUR[u]} ({_comma(h.nrr[u])})" for u in s.penarik()
            )
            if h
            else "",
            "Jawaban Tidak Sah": s.tidak_sah,
            "Berkas": s.name,
        }
        for u, col in enumerate(nrr_cols):
            row[col] = _num(h.nrr[u], 4) if h else None
        rows.append(row)
    ints = ("Responden", "Populasi", "Sampel Minimum", "Jawaban Tidak Sah")
    return Table(
        "IKM",
        _frame(rows, cols),
        {**{k: K.INTEGER for k in ints}, **{k: K.NUMBER for k in (*nrr_cols, "IKM", "Nilai IKM")}},
        title="Indeks Kepuasan Masyarakat per unit layanan (PermenPANRB 14/2017)",
    )


SHEETS = SCOREBOOK_SHEETS  # one table each, and a data file each with --data


# Sheets built once from all the periods of a run, never one per period and concatenated.
RUN_SHEETS = talenta_report.SHEETS


def _period_tables(
    c: Consolidation, lazy: bool = False, masalah: Mapping[str, Table] | None = None
) -> list[Table]:
    return [
        ringkasan_table(c),
        pegawai_table(c),
        hasil_kerja_table(c, lazy),
        distribusi_table(c),
        kalibrasi_table(c),
        ikm_table(c),
        masalah[c.period] if masalah is not None else masalah_table(c),
        belum_masuk_table(c),
        metadata_table(c),
    ]


def _in_order(own: list[Table], runs: Sequence[Consolidation]) -> list[Table]:
    by_sheet = {t.sheet: t for t in [*own, *talenta_report.tables(runs)]}
    return [by_sheet[s] for s in SHEETS]


def tables(
    c: Consolidation, lazy: bool = False, masalah: Mapping[str, Table] | None = None
) -> list[Table]:
    """The score book's tables. `lazy`: for `write_scorebook` alone (`hasil_kerja_table`).
    `masalah`: the Masalah table per period, where the caller has built it already."""
    out = _in_order(_period_tables(c, lazy, masalah), [c])
    assert tuple(t.sheet for t in out) == SHEETS
    return out


def chart_page_title(runs: Sequence[Consolidation]) -> str:
    name = agency_name(runs[0])
    return book_title(runs).replace(BOOK_TITLE, f"Grafik predikat kinerja {name}".rstrip(), 1)


def charts(c: Consolidation) -> list[Chart]:
    """The predikat curve of the agency and the spread per unit, on a sheet of their own
    right after Ringkasan: what a meeting looks at first."""
    n = len(c.units)
    agency_row = n + len(c.missing_units)  # units not arrived are listed before the agency
    page = chart_page_title([c])
    return [
        Chart(
            CHART_SHEET,
            "Distribusi",
            "column",
            "Kurva distribusi predikat — seluruh instansi",
            "Unit Kerja",
            PREDIKAT_COLUMNS,
            rows=(agency_row, agency_row),
            x_title="Predikat",
            y_title="Jumlah pegawai",
            page=page,
            size=(520, 340),
            colours=PREDIKAT_COLOURS,
            values_shown=True,
        ),
        Chart(
            CHART_SHEET,
            "Distribusi",
            "bar_percent_stacked",
            "Sebaran predikat per unit kerja",
            "Unit Kerja",
            PREDIKAT_COLUMNS,
            rows=(0, max(n - 1, 0)),
            x_title="Unit kerja",
            y_title="Persen pegawai",
            page=page,
            # Tall enough for every unit's name beside its bar.
            size=(780, max(340, 110 + 26 * n)),
            colours=PREDIKAT_COLOURS,
        ),
        talent_chart(),
    ]


def talent_chart() -> Chart:
    """The 9-box counts beside the grid: per kinerja row, one bar per potensial column."""
    return Chart(
        talenta_report.GRID_SHEET,
        talenta_report.GRID_SHEET,
        "column",
        "Kotak talenta: pegawai per kinerja dan potensial",
        "Kinerja",
        ["Rendah", "Menengah", "Tinggi"],
        x_title="Kinerja",
        y_title="Jumlah pegawai",
        colours=(PREDIKAT_COLOURS[0], PREDIKAT_COLOURS[2], PREDIKAT_COLOURS[4]),
        values_shown=True,
    )


# --- several periods in one run ---------------------------------------------------------------

TREN_SHEETS = ("Tren", "Tren Unit", "Peringatan Dini")
MULTI_SHEETS = (*SHEETS, *TREN_SHEETS)
# The sheets of the book as opened: the charts' sheet comes right after Ringkasan.
BOOK_SHEETS = (SHEETS[0], CHART_SHEET, *SHEETS[1:])
MULTI_BOOK_SHEETS = (SHEETS[0], CHART_SHEET, *MULTI_SHEETS[1:])


def run_label(results: Sequence[Consolidation]) -> str:
    """The periods of a run as a file name and a title show them: "TW1-TW2"."""
    return "-".join(c.period for c in results)


def tables_many(
    results: Sequence[Consolidation],
    lazy: bool = False,
    masalah: Mapping[str, Table] | None = None,
) -> list[Table]:
    """The score book of a run over several periods: every single-period table, one after
    another with a Periode column (rows of each period exactly as its own run gives them),
    then the trends and early warnings. Segments stay (one period's after another's), and
    `lazy` and `masalah` are as for `tables`."""
    from sheetnilai.trends import in_scheme_order

    runs = in_scheme_order(results)
    label = ", ".join(c.period for c in runs)
    per = [_period_tables(c, lazy, masalah) for c in runs]
    own = [s for s in SHEETS if s not in RUN_SHEETS]
    out = []
    for k, sheet in enumerate(own):
        first = per[0][k]
        if sheet == "Metadata":
            frame = first.frame.copy()
            frame.loc[frame["Butir"] == "Periode", "Nilai"] = label
            out.append(Table(sheet, frame, first.kinds, first.title))
            continue
        title = first.title or ""
        if sheet == "Ringkasan":
            title = book_title(runs)
        title = title.replace(f"periode {runs[0].period}", f"periode {label}")
        parts = [t[k] for t in per]
        if first.rows is not None:
            out.append(_joined(parts, title))
            continue
        frames = []
        for c, t in zip(runs, per, strict=True):
            frame = t[k].frame
            if "Periode" not in frame.columns:
                frame = frame.copy()
                frame.insert(0, "Periode", c.period)
            frames.append(frame)
        # Segments only where every period's table is cut into them (a table of no rows has
        # none to give, and that is whole).
        whole = all(sum(n for _, n in t.segments) == len(t.frame) for t in parts)
        segments = [s for t in parts for s in t.segments] if whole else []
        out.append(
            Table(sheet, pd.concat(frames, ignore_index=True), first.kinds, title,
                  widths=first.widths, subtitle=first.subtitle, segments=segments)
        )  # fmt: skip
    out = _in_order(out, runs)
    out += [tren_table(runs), tren_unit_table(runs), peringatan_dini_table(runs)]
    return out


def _joined(parts: list[Table], title: str) -> Table:
    """One period's table of rows built on demand after another's, still built on demand
    (their rows carry their Periode already)."""
    first = parts[0]
    if "Periode" not in first.frame.columns or any(t.rows is None for t in parts):
        raise ValueError(f"{first.sheet}: rows built on demand without a Periode column")
    where = [(t, k) for t in parts for k in range(len(t.segments))]

    def rows(k: int) -> Sequence[Sequence[object]]:
        table, own = where[k]
        assert table.rows is not None
        return table.rows(own)

    segments = [s for t in parts for s in t.segments]
    return Table(first.sheet, first.frame, first.kinds, title, widths=first.widths,
                 subtitle=first.subtitle, segments=segments, rows=rows)  # fmt: skip


def tren_table(runs: Sequence[Consolidation]) -> Table:
    """Per pegawai: predikat and mean capaian for every period of the run, side by side."""
    cols = ["NIP", "Nama", "Unit Kerja"]
    for c in runs:
        cols += [f"Predikat {c.period}", f"Rata-rata capaian {c.period} (%)"]
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for c in runs:
        for p in c.pegawai:
            key = (p.nip or p.sheet, p.unit)
            row = rows.setdefault(key, {"NIP": p.nip, "Nama": p.nama, "Unit Kerja": p.unit})
            row[f"Predikat {c.period}"] = _label(p.predikat)
            row[f"Rata-rata capaian {c.period} (%)"] = _num(p.mean_capaian)
    ordered = sorted(rows.values(), key=lambda r: (str(r["Unit Kerja"]), str(r["Nama"])))
    kinds = {"NIP": K.NIP, **{col: K.PERCENT for col in cols if col.endswith("(%)")}}
    return Table("Tren", _frame(ordered, cols), kinds, title="Tren per pegawai")


def tren_unit_table(runs: Sequence[Consolidation]) -> Table:
    """Per unit and period: mean capaian, the predikat counts and the distribution status;
    the rows of one unit are together, in period order, for its line chart."""
    cols = ["Unit Kerja", "Periode", "Pegawai", "Rata-rata capaian (%)", *PREDIKAT_COLUMNS,
            "Status distribusi"]  # fmt: skip
    rows = []
    units = sorted({u.unit for c in runs for u in c.units})
    for unit in units:
        for c in runs:
            here = [u for u in c.units if u.unit == unit]
            pegawai = [p for u in here for p in u.pegawai]
            means = [p.mean_capaian for p in pegawai if p.mean_capaian is not None]
            counts = Counter(p.predikat for p in pegawai if p.predikat is not None)
            dist = next(
                (d for u in here for _, d in [c.distribution.get(u.name, (None, None))] if d),
                None,
            )
            rows.append(
                {
                    "Unit Kerja": unit,
                    "Periode": c.period,
                    "Pegawai": len(pegawai),
                    "Rata-rata capaian (%)": _num(sum(means, Fraction(0)) / len(means))
                    if means
                    else None,
                    **{p.label: counts.get(p, 0) for p in CURVE_ORDER},
                    "Status distribusi": dist.status if dist else "",
                }
            )
    kinds = {"Rata-rata capaian (%)": K.PERCENT, "Pegawai": K.INTEGER}
    return Table("Tren Unit", _frame(rows, cols), kinds, title="Tren per unit kerja")


def peringatan_dini_table(runs: Sequence[Consolidation]) -> Table:
    from sheetnilai.trends import early_warnings

    cols = ["Jenis", "Periode", "Unit Kerja", "NIP", "Nama", "Berkas", "Lembar", "Sel",
            "Keterangan", "Yang perlu dilakukan"]  # fmt: skip
    rows = (
        {
            "Jenis": w.kind,
            "Periode": w.period,
            "Unit Kerja": w.unit,
            "NIP": w.nip,
            "Nama": w.nama,
            "Berkas": w.file,
            "Lembar": w.sheet,
            "Sel": w.cell,
            "Keterangan": w.detail,
            "Yang perlu dilakukan": w.action,
        }
        for w in early_warnings(runs)
    )
    return Table(
        "Peringatan Dini",
        _frame(rows, cols),
        {"NIP": K.NIP},
        title="Peringatan dini: yang perlu ditindaklanjuti sebelum periode berikutnya",
    )


def charts_many(results: Sequence[Consolidation]) -> list[Chart]:
    """A line chart of mean capaian per unit over the periods of the run."""
    from sheetnilai.trends import in_scheme_order

    runs = in_scheme_order(results)
    n = len(runs)
    units = sorted({u.unit for c in runs for u in c.units})
    page = chart_page_title(runs).replace("predikat kinerja", "rata-rata capaian per unit", 1)
    lines = [
        Chart(
            CHART_SHEET,
            "Tren Unit",
            "line",
            f"{unit}: rata-rata capaian",
            "Periode",
            ["Rata-rata capaian (%)"],
            rows=(k * n, k * n + n - 1),
            x_title="Periode",
            y_title="Capaian",
            page=page,
            colours=(PREDIKAT_COLOURS[-1],),
        )
        for k, unit in enumerate(units)
    ]
    return [*lines, talent_chart()]
