"""A corpus of bad input for `sheetnilai konsolidasi`, one case per kind of mistake.

One module fixture builds a clean, fully filled source folder with the real CLI
(`tests/support/corpus.py`: 4 units × 4 pegawai, TW1 filled, recalculated once in LibreOffice).
Every case copies it, plants one mistake the way it happens in practice (a file cut short, a
cell typed over with openpyxl, a cached value written into the sheet XML, …), runs
`sheetnilai konsolidasi` through the CLI and reads the score book back. It asserts:

- the exact problem code on the "Masalah" sheet, with its severity, file (relative name),
  sheet, cell and NIP;
- the exit code: 3 when the mistake is a galat, 0 when it only yields peringatan/catatan;
- that the score book still holds every untouched pegawai on the "Pegawai" sheet, with the
  predikat the rules give (one bad file or cell never costs the others their result);
- that no source file changed (SHA-256 before and after the run).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from sheetnilai.cli import EXIT_DATA_ERRORS, cli
from sheetnilai.errors import SheetnilaiError
from sheetnilai.rules.labels import Predikat, Rating
from sheetnilai.workbook.layout import IKI_PER_RHK, META_SHEET, RECAP_SHEET
from tests.support.corpus import (
    EXTRA_UNIT,
    HK_COL,
    INSERTED_ROW,
    INSERTED_SHEET,
    INSERTED_UNIT,
    LAYOUT,
    PERIOD,
    UNITS,
    Corpus,
    add_zip_bomb,
    edit,
    entity_bomb,
    hashes,
    hk_ref,
    ident_ref,
    mark_encrypted,
    nilai_ref,
    ods_cell_bomb,
    ole_file,
    pk_umpan_ref,
    put,
    recap_org_ref,
    ref,
    rewrite_member,
    set_cached_number,
    set_stored_cell,
)

GALAT, PERINGATAN, CATATAN = "galat", "peringatan", "catatan"
OK = 0

SEKRETARIAT, PENDIDIKAN, KESEHATAN, KECAMATAN = UNITS


# --- the clean folder --------------------------------------------------------------------


def consolidate(
    folder: Path, corpus: Corpus, out: Path, period: str = PERIOD, *extra: str
) -> tuple[int, str]:
    args = [
        "konsolidasi",
        str(folder),
        "--periode",
        period,
        "--roster",
        str(corpus.roster),
        "--keluaran",
        str(out),
        "--jobs",
        "1",
        "--senyap",
        *extra,
    ]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def rows(wb: openpyxl.Workbook, sheet: str, first: str) -> list[dict[str, Any]]:
    """The data rows of a score book table whose header row starts with `first`."""
    ws = wb[sheet]
    data = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(data) if r and r[0] == first)
    header = data[at]
    return [
        dict(zip(header, r, strict=True))
        for r in data[at + 1 :]
        if r[0] is not None and r[0] != "(tidak ada data)"
    ]


def cells(wb: openpyxl.Workbook, sheet: str, first: str) -> list[dict[str, Any]]:
    """Like `rows`, but openpyxl cells (to check data types)."""
    ws = wb[sheet]
    data = list(ws.iter_rows())
    at = next(i for i, r in enumerate(data) if r and r[0].value == first)
    header = [c.value for c in data[at]]
    return [dict(zip(header, r, strict=True)) for r in data[at + 1 :] if r[0].value is not None]


@dataclass(frozen=True)
class Found:
    """One row of the Masalah sheet: (Tingkat, Kode, Berkas, Lembar, Sel, NIP)."""

    severity: str
    code: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    nip: str = ""


def masalah(wb: openpyxl.Workbook) -> list[Found]:
    return [
        Found(*(str(r[k] or "") for k in ("Tingkat", "Kode", "Berkas", "Lembar", "Sel", "NIP")))
        for r in rows(wb, "Masalah", "Tingkat")
    ]


def test_clean_folder_consolidates_without_problems(corpus: Corpus, tmp_path: Path) -> None:
    book = tmp_path / "buku.xlsx"
    code, out = consolidate(corpus.clean, corpus, book)
    assert code == OK, out
    wb = openpyxl.load_workbook(book)
    assert masalah(wb) == []
    people = {r["NIP"]: r for r in rows(wb, "Pegawai", "NIP")}
    assert set(people) == set(corpus.people)
    for nip, p in corpus.people.items():
        assert people[nip]["Predikat"] == p.predikat.label, nip
    assert {r["Unit Kerja"]: r["Status"] for r in rows(wb, "Distribusi", "Unit Kerja")} == {
        **dict.fromkeys(UNITS, "Sesuai"),
        "INSTANSI (seluruh unit)": "Belum diperiksa",
    }
    assert rows(wb, "Belum Masuk", "NIP") == []
    assert hashes(corpus.clean) == corpus.hashes


# --- the cases -----------------------------------------------------------------------------


@dataclass
class Expect:
    found: list[Found]  # rows that must be on the Masalah sheet, exactly
    exit_code: int
    touched: set[str] = field(default_factory=set)  # NIPs whose result may change or vanish
    predikat: dict[str, str] = field(default_factory=dict)  # NIP -> predikat label, if new
    period: str = PERIOD
    args: tuple[str, ...] = ()  # more options for `sheetnilai konsolidasi`
    only: bool = False  # `found` is the whole Masalah sheet
    absent: tuple[str, ...] = ()  # codes that must not appear
    check: Callable[[openpyxl.Workbook], None] | None = None


@dataclass
class Src:
    """The copied source folder of one case, with the corpus' names for things."""

    folder: Path
    corpus: Corpus

    def path(self, unit: str) -> Path:
        return self.folder / self.corpus.file_of(unit)

    def file(self, unit: str) -> str:
        return self.corpus.file_of(unit)

    def nip(self, unit: str, k: int) -> str:
        """The k-th pegawai (sheet order) of a unit."""
        return self.corpus.unit_nips(unit)[k]

    def sheet(self, unit: str, k: int) -> str:
        return self.corpus.where[self.nip(unit, k)][1]

    def nips(self, unit: str) -> set[str]:
        return set(self.corpus.unit_nips(unit))

    def at(self, severity: str, code: str, unit: str, k: int, cell: str = "") -> Found:
        """A problem on the k-th SKP sheet of a unit."""
        return Found(severity, code, self.file(unit), self.sheet(unit, k), cell, self.nip(unit, k))


Case = Callable[[Src], Expect]

ORG = recap_org_ref()
TW1_REAL, TW1_BUKTI, TW1_UMPAN, TW1_CAP = (
    f"{k}@{PERIOD}" for k in ("realisasi", "bukti", "umpan_balik", "capaian")
)


def _file_level(s: Src, unit: str | None, code: str, name: str | None = None) -> Expect:
    """A file that cannot be read: one galat on the file, and its status in the Metadata.

    `unit`: the unit whose own workbook this is (it then has not arrived), or None for an extra
    file named `name`.
    """
    name = name or s.file(unit or "")

    def status(wb: openpyxl.Workbook) -> None:
        meta = {r["Butir"]: r["Nilai"] for r in rows(wb, "Metadata", "Butir")}
        assert meta[f"Berkas: {name}"].startswith(f"galat: {code};")

    found = [Found(GALAT, code, name)]
    if unit is not None:
        found.append(Found(PERINGATAN, "unit-belum-masuk"))
    touched = s.nips(unit) if unit is not None else set()
    return Expect(found, EXIT_DATA_ERRORS, touched=touched, only=True, check=status)


# 1 ------------------------------------------------------------------------------------------
def damaged_zip(s: Src) -> Expect:
    path = s.path(KESEHATAN)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # an upload cut short
    return _file_level(s, KESEHATAN, "zip-rusak")


# 2
def empty_file(s: Src) -> Expect:
    s.path(KESEHATAN).write_bytes(b"")
    return _file_level(s, KESEHATAN, "berkas-kosong")


# 3
def password_protected(s: Src) -> Expect:
    # Excel saves a workbook with an opening password as an OLE file holding the encrypted
    # package (MS-OFFCRYPTO).
    s.path(KESEHATAN).write_bytes(ole_file(("EncryptedInfo", "EncryptedPackage")))
    return _file_level(s, KESEHATAN, "berkas-berkata-sandi")


# 4
def pdf_renamed(s: Src) -> Expect:
    s.path(KESEHATAN).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    return _file_level(s, KESEHATAN, "bukan-spreadsheet")


def text_renamed(s: Src) -> Expect:
    s.path(KESEHATAN).write_text("NIP;Nama;Predikat\n197006161994112105;Budi;Baik\n")
    return _file_level(s, KESEHATAN, "bukan-spreadsheet")


# 5
def old_xls_named_xlsx(s: Src) -> Expect:
    s.path(KESEHATAN).write_bytes(ole_file(("Workbook", "\x05SummaryInformation")))
    return _file_level(s, KESEHATAN, "format-xls-lama")


def old_xls_by_extension(s: Src) -> Expect:
    (s.folder / "arsip SKP 2025.xls").write_bytes(ole_file(("Workbook",)))
    (s.folder / "arsip SKP 2024.xlsb").write_bytes(b"PK\x03\x04" + bytes(60))
    return Expect(
        [
            Found(GALAT, "format-xls-lama", "arsip SKP 2025.xls"),
            Found(GALAT, "format-xls-lama", "arsip SKP 2024.xlsb"),
        ],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 6
def zip_bomb(s: Src) -> Expect:
    # A real unit workbook with one extra member of 201 MiB of zeros (~0.2 MiB compressed).
    add_zip_bomb(s.path(KESEHATAN), 201 * 1024 * 1024)
    return _file_level(s, KESEHATAN, "berkas-terlalu-besar")


# 7
def excel_lock_file(s: Src) -> Expect:
    (s.folder / f"~${s.file(PENDIDIKAN)}").write_bytes(b"\x0bBudi Santo" + bytes(154))
    return Expect(
        [Found(CATATAN, "berkas-kunci-dilewati", f"~${s.file(PENDIDIKAN)}")], OK, only=True
    )


def libreoffice_lock_file(s: Src) -> Expect:
    name = f".~lock.{s.file(PENDIDIKAN)}#"
    (s.folder / name).write_text("Budi,host,budi,29.11.2026 09:00,file:///home/budi;")
    return Expect([Found(CATATAN, "berkas-kunci-dilewati", name)], OK, only=True)


# 8
def not_a_template(s: Src) -> Expect:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama", "Predikat"])
    ws.append(["197006161994112105", "Pegawai 06 Pendidikan", "Baik"])
    wb.save(s.folder / "rekap manual.xlsx")
    return Expect(
        [Found(GALAT, "bukan-templat-sheetnilai", "rekap manual.xlsx")],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 9
def unknown_template_version(s: Src) -> Expect:
    with edit(s.path(KESEHATAN)) as wb:
        ws = wb[META_SHEET]
        assert ws["A2"].value == "versi"
        ws["B2"] = 99
    return Expect(
        [
            Found(GALAT, "versi-templat-tidak-dikenal", s.file(KESEHATAN), META_SHEET),
            Found(PERINGATAN, "unit-belum-masuk"),
        ],
        EXIT_DATA_ERRORS,
        touched=s.nips(KESEHATAN),
        only=True,
    )


# 10
def nip_as_number(s: Src) -> Expect:
    nip = s.nip(PENDIDIKAN, 1)
    # Typed into a General cell, Excel keeps 15 significant digits: the last three are gone.
    number = float(int(nip[:15]) * 1000)
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 1)], ident_ref("peg_nip"), number)
    stored = str(int(number))
    return Expect(
        [
            Found(
                GALAT,
                "nip-angka",
                s.file(PENDIDIKAN),
                s.sheet(PENDIDIKAN, 1),
                ident_ref("peg_nip"),
                stored,
            ),
        ],
        EXIT_DATA_ERRORS,
        touched={nip, stored},
    )


# 11
def nip_17_digits(s: Src) -> Expect:
    nip = s.nip(PENDIDIKAN, 2)
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 2)], ident_ref("peg_nip"), nip[:-1])
    return Expect(
        [
            Found(
                GALAT,
                "nip-panjang",
                s.file(PENDIDIKAN),
                s.sheet(PENDIDIKAN, 2),
                ident_ref("peg_nip"),
                nip[:-1],
            ),
        ],
        EXIT_DATA_ERRORS,
        touched={nip, nip[:-1]},
    )


# 12
def identity_differs(s: Src) -> Expect:
    with edit(s.path(KESEHATAN)) as wb:
        put(wb[s.sheet(KESEHATAN, 1)], ident_ref("peg_nama"), "Pegawai Sepuluh, S.Kep.")
    return Expect(
        [s.at(PERINGATAN, "identitas-berbeda", KESEHATAN, 1, ident_ref("peg_nama"))],
        OK,
        only=True,
    )


# 13
def same_nip_in_two_workbooks(s: Src) -> Expect:
    nip = s.nip(KESEHATAN, 1)
    lost = s.nip(KECAMATAN, 1)
    with edit(s.path(KECAMATAN)) as wb:
        put(wb[s.sheet(KECAMATAN, 1)], ident_ref("peg_nip"), nip)
    first = (s.file(KESEHATAN), s.sheet(KESEHATAN, 1))
    second = (s.file(KECAMATAN), s.sheet(KECAMATAN, 1))

    def both_named(wb: openpyxl.Workbook) -> None:
        pesan = {
            (r["Berkas"], r["Lembar"]): r["Pesan"]
            for r in rows(wb, "Masalah", "Tingkat")
            if r["Kode"] == "nip-ganda-antar-lembar"
        }
        assert f"{second[0]} › {second[1]}" in pesan[first]
        assert f"{first[0]} › {first[1]}" in pesan[second]

    return Expect(
        [
            Found(GALAT, "nip-ganda-antar-lembar", *first, "", nip),
            Found(GALAT, "nip-ganda-antar-lembar", *second, "", nip),
        ],
        EXIT_DATA_ERRORS,
        touched={nip, lost},
        check=both_named,
    )


def same_nip_in_two_sheets(s: Src) -> Expect:
    nip, lost = s.nip(SEKRETARIAT, 1), s.nip(SEKRETARIAT, 2)
    with edit(s.path(SEKRETARIAT)) as wb:
        put(wb[s.sheet(SEKRETARIAT, 2)], ident_ref("peg_nip"), nip)
    return Expect(
        [
            Found(
                GALAT,
                "nip-ganda-antar-lembar",
                s.file(SEKRETARIAT),
                s.sheet(SEKRETARIAT, k),
                "",
                nip,
            )
            for k in (1, 2)
        ],
        EXIT_DATA_ERRORS,
        touched={nip, lost},
    )


# 14
def unit_missing(s: Src) -> Expect:
    s.path(KECAMATAN).unlink()
    waiting = s.nips(KECAMATAN)

    def waits_for_unit(wb: openpyxl.Workbook) -> None:
        belum = {r["NIP"]: r for r in rows(wb, "Belum Masuk", "NIP")}
        assert set(belum) == waiting
        assert {r["Menunggu"] for r in belum.values()} == {"unit kerja"}
        assert {r["Unit Kerja"] for r in belum.values()} == {KECAMATAN}

    return Expect(
        [Found(PERINGATAN, "unit-belum-masuk")],
        OK,
        touched=waiting,
        only=True,
        check=waits_for_unit,
    )


# 15
def unit_not_in_roster(s: Src) -> Expect:
    name = f"{EXTRA_UNIT}.xlsx"
    shutil.copy(s.corpus.extra, s.folder / name)
    extra = s.corpus.extra_people

    def also_scored(wb: openpyxl.Workbook) -> None:
        got = {r["NIP"]: r["Predikat"] for r in rows(wb, "Pegawai", "NIP")}
        assert {n: got.get(n) for n in extra} == {n: p.predikat.label for n, p in extra.items()}

    return Expect(
        [Found(PERINGATAN, "unit-tidak-di-daftar", name)]
        + [
            Found(
                PERINGATAN,
                "pegawai-tidak-di-daftar",
                name,
                s.corpus.where[n][1],
                ident_ref("peg_nip"),
                n,
            )
            for n in extra
        ],
        OK,
        only=True,
        check=also_scored,
    )


# 16
def rating_missing(s: Src) -> Expect:
    with edit(s.path(KESEHATAN)) as wb:
        put(wb[s.sheet(KESEHATAN, 2)], nilai_ref("rating_hasil"), None)
    nip, head = s.nip(KESEHATAN, 2), s.corpus.people[s.nip(KESEHATAN, 0)]

    def waits_for_penilai(wb: openpyxl.Workbook) -> None:
        belum = {r["NIP"]: r for r in rows(wb, "Belum Masuk", "NIP")}
        assert set(belum) == {nip}
        assert belum[nip]["Menunggu"] == f"pejabat penilai ({head.nama}, NIP {head.nip})"
        assert {r["NIP"]: r["Predikat"] for r in rows(wb, "Pegawai", "NIP")}[nip] in ("", None)

    return Expect(
        [s.at(GALAT, "rating-kosong", KESEHATAN, 2, nilai_ref("rating_hasil"))],
        EXIT_DATA_ERRORS,
        touched={nip},
        only=True,
        check=waits_for_penilai,
    )


# 17
def rating_not_a_label(s: Src) -> Expect:
    with edit(s.path(KESEHATAN)) as wb:
        put(wb[s.sheet(KESEHATAN, 1)], nilai_ref("rating_hasil"), "Baik sekali")
    return Expect(
        [s.at(GALAT, "rating-label-tidak-sah", KESEHATAN, 1, nilai_ref("rating_hasil"))],
        EXIT_DATA_ERRORS,
        touched={s.nip(KESEHATAN, 1)},
        only=True,
    )


# 18
def rating_tolerant_spelling(s: Src) -> Expect:
    nip = s.nip(KESEHATAN, 0)  # rated Di Atas / Di Atas: Sangat Baik
    with edit(s.path(KESEHATAN)) as wb:
        put(wb[s.sheet(KESEHATAN, 0)], nilai_ref("rating_hasil"), "diatas")

    def still_scored(wb: openpyxl.Workbook) -> None:
        got = {r["NIP"]: r for r in rows(wb, "Pegawai", "NIP")}[nip]
        assert got["Rating hasil kerja"] == Rating.DI_ATAS.label

    return Expect(
        [s.at(PERINGATAN, "rating-ejaan", KESEHATAN, 0, nilai_ref("rating_hasil"))],
        OK,
        predikat={nip: Predikat.SANGAT_BAIK.label},
        only=True,
        check=still_scored,
    )


# 19
def rhk_without_iki(s: Src) -> Expect:
    with edit(s.path(KECAMATAN)) as wb:
        ws = wb[s.sheet(KECAMATAN, 2)]
        second_rhk = IKI_PER_RHK  # the first row of the second RHK block
        put(ws, hk_ref("rhk", second_rhk), "Terselenggaranya rapat koordinasi")
        put(ws, hk_ref("rhk_atasan", second_rhk), "Meningkatnya koordinasi kecamatan")
    return Expect(
        [s.at(GALAT, "rhk-tanpa-iki", KECAMATAN, 2, hk_ref("iki", second_rhk))],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 20
def iki_without_target(s: Src) -> Expect:
    with edit(s.path(KECAMATAN)) as wb:
        put(wb[s.sheet(KECAMATAN, 3)], hk_ref("target", 1), None)
    return Expect(
        [s.at(GALAT, "iki-tanpa-target", KECAMATAN, 3, hk_ref("target", 1))],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 21
def realisasi_missing(s: Src) -> Expect:
    with edit(s.path(KECAMATAN)) as wb:
        put(wb[s.sheet(KECAMATAN, 1)], hk_ref(TW1_REAL, 0), None)
    return Expect(
        [s.at(GALAT, "realisasi-kosong", KECAMATAN, 1, hk_ref(TW1_REAL, 0))],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 22
def realisasi_not_a_number(s: Src) -> Expect:
    with edit(s.path(KECAMATAN)) as wb:
        put(wb[s.sheet(KECAMATAN, 0)], hk_ref(TW1_REAL, 0), "95%")
    return Expect(
        [s.at(GALAT, "realisasi-bukan-angka", KECAMATAN, 0, hk_ref(TW1_REAL, 0))],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 23
def bukti_missing(s: Src) -> Expect:
    with edit(s.path(SEKRETARIAT)) as wb:
        put(wb[s.sheet(SEKRETARIAT, 1)], hk_ref(TW1_BUKTI, 1), None)
    return Expect(
        [s.at(PERINGATAN, "bukti-dukung-kosong", SEKRETARIAT, 1, hk_ref(TW1_BUKTI, 1))],
        OK,
        only=True,
    )


# 24
def umpan_balik_missing(s: Src) -> Expect:
    with edit(s.path(SEKRETARIAT)) as wb:
        put(wb[s.sheet(SEKRETARIAT, 2)], hk_ref(TW1_UMPAN, 0), None)
    return Expect(
        [s.at(PERINGATAN, "umpan-balik-kosong", SEKRETARIAT, 2, hk_ref(TW1_UMPAN, 0))],
        OK,
        only=True,
    )


def umpan_balik_perilaku_missing(s: Src) -> Expect:
    with edit(s.path(SEKRETARIAT)) as wb:
        ws = wb[s.sheet(SEKRETARIAT, 3)]
        put(ws, pk_umpan_ref(3), None)  # Harmonis
        put(ws, pk_umpan_ref(5), None)  # Adaptif
    return Expect(
        [s.at(PERINGATAN, "umpan-balik-perilaku-kosong", SEKRETARIAT, 3, pk_umpan_ref(3))],
        OK,
        only=True,
    )


# 25
def rhk_without_rhk_atasan(s: Src) -> Expect:
    with edit(s.path(SEKRETARIAT)) as wb:
        put(wb[s.sheet(SEKRETARIAT, 1)], hk_ref("rhk_atasan", 0), None)
    return Expect(
        [s.at(PERINGATAN, "rhk-tanpa-intervensi", SEKRETARIAT, 1, hk_ref("rhk_atasan", 0))],
        OK,
        only=True,
    )


# 26
def formula_overwritten(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 3)], hk_ref(TW1_CAP, 0), 100)
    return Expect(
        [s.at(GALAT, "rumus-ditimpa", PENDIDIKAN, 3, hk_ref(TW1_CAP, 0))],
        EXIT_DATA_ERRORS,
        only=True,
    )


# 27
def cached_value_differs(s: Src) -> Expect:
    # Target 95, realisasi 93 → 98%; the file says 12.5 (edited in the sheet XML, so the
    # formula and every other cached value stay exactly as LibreOffice saved them).
    set_cached_number(s.path(PENDIDIKAN), s.sheet(PENDIDIKAN, 2), hk_ref(TW1_CAP, 0), 12.5)
    return Expect(
        [s.at(PERINGATAN, "nilai-tersimpan-berbeda", PENDIDIKAN, 2, hk_ref(TW1_CAP, 0))],
        OK,
        only=True,
    )


# 28
def org_predikat_missing(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[RECAP_SHEET], recap_org_ref(), None)
    return Expect(
        [
            Found(
                PERINGATAN,
                "predikat-organisasi-kosong",
                s.file(PENDIDIKAN),
                RECAP_SHEET,
                recap_org_ref(),
            ),
        ],
        OK,
        only=True,
    )


def org_predikat_from_option(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[RECAP_SHEET], recap_org_ref(), None)
    return Expect([], OK, args=("--predikat-organisasi", f"{PENDIDIKAN}=Baik"), only=True)


# 29
def distribution_broken(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        for k in range(4):
            ws = wb[s.sheet(PENDIDIKAN, k)]
            put(ws, nilai_ref("rating_hasil"), Rating.SESUAI.label)
            put(ws, nilai_ref("rating_perilaku"), Rating.SESUAI.label)
    where = (s.file(PENDIDIKAN), RECAP_SHEET, recap_org_ref())
    return Expect(
        [
            Found(PERINGATAN, "distribusi-melebihi-batas", *where),
            Found(PERINGATAN, "distribusi-wajib-ada", *where),
        ],
        OK,
        predikat=dict.fromkeys(s.nips(PENDIDIKAN), Predikat.BAIK.label),
        only=True,
    )


# 30
def _counted_once(s: Src, unit: str, per_unit: int = 4) -> Callable[[openpyxl.Workbook], None]:
    """Every pegawai of `unit` is one row of Pegawai, and every total counts them once."""

    def check(wb: openpyxl.Workbook) -> None:
        nips = [r["NIP"] for r in rows(wb, "Pegawai", "NIP")]
        assert sorted(n for n in nips if n in s.nips(unit)) == sorted(s.nips(unit))
        ring = {r["Unit Kerja"]: r for r in rows(wb, "Ringkasan", "Unit Kerja")}
        assert ring[unit]["Lembar SKP"] == per_unit
        assert ring["JUMLAH INSTANSI"]["Lembar SKP"] == len(nips) == len(set(nips))
        dist = {r["Unit Kerja"]: r for r in rows(wb, "Distribusi", "Unit Kerja")}
        assert dist[unit]["Jumlah berpredikat"] == per_unit

    return check


def unit_sent_twice(s: Src) -> Expect:
    again = s.folder / "kiriman-ulang" / s.file(PENDIDIKAN)
    again.parent.mkdir()
    shutil.copy(s.path(PENDIDIKAN), again)
    name = f"kiriman-ulang/{s.file(PENDIDIKAN)}"
    counted_once = _counted_once(s, PENDIDIKAN)

    def named_and_counted_once(wb: openpyxl.Workbook) -> None:
        counted_once(wb)
        for r in rows(wb, "Masalah", "Tingkat"):
            if r["Kode"] == "unit-ganda":
                assert s.file(PENDIDIKAN) in r["Pesan"] and name in r["Pesan"]
                assert f"Yang dihitung hanya {s.file(PENDIDIKAN)} (isinya sama" in r["Pesan"]
        meta = {r["Butir"]: r["Nilai"] for r in rows(wb, "Metadata", "Butir")}
        assert meta[f"Berkas: {name}"].startswith(f"duplikat: dipakai {s.file(PENDIDIKAN)};")

    return Expect(
        [
            Found(PERINGATAN, "unit-ganda", s.file(PENDIDIKAN)),
            Found(PERINGATAN, "unit-ganda", name),
        ],
        OK,
        only=True,
        check=named_and_counted_once,
    )


def unit_sent_twice_changed(s: Src) -> Expect:
    """Two different versions of one unit: the newer one counts, and the message says so."""
    name = "Dinas Pendidikan - revisi.xlsx"
    newer = s.folder / name
    shutil.copy2(s.path(PENDIDIKAN), newer)
    with edit(newer) as wb:
        put(wb[s.sheet(PENDIDIKAN, 3)], nilai_ref("rating_hasil"), Rating.SESUAI.label)
    old = s.path(PENDIDIKAN).stat().st_mtime
    os.utime(newer, (old + 3600, old + 3600))
    counted_once = _counted_once(s, PENDIDIKAN)

    def newest_used(wb: openpyxl.Workbook) -> None:
        counted_once(wb)
        pesan = {r["Berkas"]: r["Pesan"] for r in rows(wb, "Masalah", "Tingkat")}
        assert (
            f"Yang dihitung hanya {name} (isinya berbeda; dipakai yang paling baru"
            in (pesan[s.file(PENDIDIKAN)])
        )

    # The changed sheet: Sesuai/Sesuai is Baik where the older copy gives Butuh Perbaikan.
    return Expect(
        [
            Found(PERINGATAN, "unit-ganda", s.file(PENDIDIKAN)),
            Found(PERINGATAN, "unit-ganda", name),
        ],
        OK,  # and the distribution warnings that follow from the revised rating
        predikat={s.nip(PENDIDIKAN, 3): Predikat.BAIK.label},
        check=newest_used,
    )


# 31
def period_not_in_one_workbook(s: Src) -> Expect:
    """One unit's workbook is of the semester scheme: it holds no TW1. The others are scored;
    that unit gets one galat, and no follow-up claims its pegawai or its curve are missing."""
    with edit(s.path(KESEHATAN)) as wb:
        ws = wb[META_SHEET]
        assert ws["A6"].value == "periode"
        ws["B6"] = "S1,S2,TAHUNAN"
    return Expect(
        [Found(GALAT, "periode-tidak-ada-di-templat", s.file(KESEHATAN))],
        EXIT_DATA_ERRORS,
        touched=s.nips(KESEHATAN),
        only=True,
    )


# 32
def inserted_row(s: Src) -> Expect:
    # The Petunjuk's way to add an IKI, done by LibreOffice in the fixture (openpyxl's
    # insert_rows moves cells but neither defined names nor formulas, so it cannot stand in
    # for a spreadsheet program). The new row is filled, and the IKI below it, which moved
    # one row down, has lost its realisasi: the problem must name the cell where it is now.
    if s.corpus.inserted is None:
        pytest.skip("needs LibreOffice to insert a row")
    unit, k = INSERTED_UNIT, INSERTED_SHEET
    shutil.copy(s.corpus.inserted, s.path(unit))
    new, moved = ref(INSERTED_ROW, HK_COL[TW1_REAL]), hk_ref(TW1_REAL, 2)
    with edit(s.path(unit)) as wb:
        ws = wb[s.sheet(unit, k)]
        assert ws[hk_ref("iki", 2)].value.startswith("IKI 2")  # moved down one row
        put(ws, ref(INSERTED_ROW, HK_COL["iki"]), "IKI sisipan")
        put(ws, ref(INSERTED_ROW, HK_COL["aspek"]), "Kualitas")
        put(ws, ref(INSERTED_ROW, HK_COL["target"]), 10)
        put(ws, ref(INSERTED_ROW, HK_COL["arah"]), "Semakin tinggi semakin baik")
        put(ws, new, 11)
        put(ws, ref(INSERTED_ROW, HK_COL[TW1_BUKTI]), "https://drive.example.go.id/sisipan")
        put(ws, ref(INSERTED_ROW, HK_COL[TW1_UMPAN]), "Baik.")
        put(ws, moved, None)
    nip = s.nip(unit, k)

    def new_iki_read(wb: openpyxl.Workbook) -> None:
        hk = {r["IKI"]: r for r in rows(wb, "Hasil Kerja", "NIP") if r["NIP"] == nip}
        got = (hk["IKI sisipan"]["Sel realisasi"], hk["IKI sisipan"]["Capaian (%)"])
        assert got == (new, pytest.approx(1.1))  # 110%: percent cells hold fractions
        assert hk["IKI sisipan"]["No RHK"] == 1
        assert len(hk) == 3

    return Expect(
        [s.at(GALAT, "realisasi-kosong", unit, k, moved)],
        EXIT_DATA_ERRORS,
        only=True,
        check=new_iki_read,
    )


def hidden_columns(s: Src) -> Expect:
    with edit(s.path(KESEHATAN)) as wb:
        for k in range(4):
            ws = wb[s.sheet(KESEHATAN, k)]
            for key in ("target_atas", "satuan", "target_kualitatif", TW1_REAL):
                ws.column_dimensions[get_column_letter(HK_COL[key] + 1)].hidden = True
            ws.row_dimensions[LAYOUT.hk_first_row + 2].hidden = True
    return Expect([], OK, only=True)


# 33
PREFIXES = ("=", "+", "-", "@")
COLUMNS = (("Realisasi", "realisasi"), ("Bukti dukung", "bukti"), ("Umpan balik", "umpan_balik"))


def formula_injection(s: Src) -> Expect:
    # Text typed with a leading apostrophe in Excel: stored as text, never as a formula. One
    # qualitative IKI per prefix (rows 3-6: the second IKI slot of RHK 1, then RHK 2).
    nip = s.nip(SEKRETARIAT, 2)
    typed = {
        p: {
            "realisasi": f"{p}SUM(1,2)",
            "bukti": f'{p}HYPERLINK("http://x/{i}")',
            "umpan_balik": f"{p}62 812 000{i}",
        }
        for i, p in enumerate(PREFIXES)
    }
    nama = '=HYPERLINK("http://x","y")'
    with edit(s.path(SEKRETARIAT)) as wb:
        ws = wb[s.sheet(SEKRETARIAT, 2)]
        put(ws, hk_ref("rhk", IKI_PER_RHK), "Tersusunnya laporan")
        boss = s.corpus.people[s.corpus.people[nip].penilai]
        put(ws, hk_ref("rhk_atasan", IKI_PER_RHK), f"Terlaksananya program kerja {boss.unit}")
        for i, p in enumerate(PREFIXES, 2):
            put(ws, hk_ref("iki", i), f"Kualitas laporan {p}")
            put(ws, hk_ref("target_kualitatif", i), "Diterima tanpa revisi")
            put(ws, hk_ref(TW1_REAL, i), typed[p]["realisasi"], text=True)
            put(ws, hk_ref(TW1_BUKTI, i), typed[p]["bukti"], text=True)
            put(ws, hk_ref(TW1_UMPAN, i), typed[p]["umpan_balik"], text=True)
        put(ws, ident_ref("peg_nama"), nama, text=True)

    def text_stays_text(wb: openpyxl.Workbook) -> None:
        hk = {r["IKI"].value: r for r in cells(wb, "Hasil Kerja", "NIP") if r["NIP"].value == nip}
        for p in PREFIXES:
            row = hk[f"Kualitas laporan {p}"]
            for column, key in COLUMNS:
                c = row[column]
                assert (c.value, c.data_type) == (typed[p][key], "s"), (p, column)
            assert (row["Nama"].value, row["Nama"].data_type) == (nama, "s")
        peg = next(r for r in cells(wb, "Pegawai", "NIP") if r["NIP"].value == nip)
        assert (peg["Nama"].value, peg["Nama"].data_type) == (nama, "s")
        shown = [r for r in cells(wb, "Masalah", "Tingkat") if r["NIP"].value == nip]
        assert [(r["Nama"].value, r["Nama"].data_type) for r in shown] == [(nama, "s")]

    return Expect(
        [s.at(PERINGATAN, "identitas-berbeda", SEKRETARIAT, 2, ident_ref("peg_nama"))],
        OK,
        only=True,
        check=text_stays_text,
    )


# --- beyond the list -----------------------------------------------------------------------


def _listed_as_waiting(nip: str, reason: str) -> Callable[[openpyxl.Workbook], None]:
    def check(wb: openpyxl.Workbook) -> None:
        belum = {r["NIP"]: r for r in rows(wb, "Belum Masuk", "NIP")}
        assert belum[nip]["Keterangan"] == reason and belum[nip]["Menunggu"] == "unit kerja"

    return check


def sheet_deleted(s: Src) -> Expect:
    nip = s.nip(KECAMATAN, 3)
    with edit(s.path(KECAMATAN)) as wb:
        del wb[s.sheet(KECAMATAN, 3)]
    return Expect(
        [
            Found(GALAT, "lembar-skp-hilang", s.file(KECAMATAN), s.sheet(KECAMATAN, 3), "", nip),
            # The deleted sheet was the unit's only Butuh Perbaikan.
            Found(PERINGATAN, "distribusi-wajib-ada", s.file(KECAMATAN), RECAP_SHEET, ORG),
        ],
        EXIT_DATA_ERRORS,
        touched={nip},
        only=True,
        check=_listed_as_waiting(nip, "Lembar SKP dihapus dari workbook"),
    )


def formula_deleted(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 1)], hk_ref(TW1_CAP, 1), None)
    return Expect(
        [s.at(PERINGATAN, "rumus-dihapus", PENDIDIKAN, 1, hk_ref(TW1_CAP, 1))], OK, only=True
    )


def target_without_iki(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 2)], hk_ref("iki", 1), None)
    return Expect(
        [s.at(GALAT, "target-tanpa-iki", PENDIDIKAN, 2, hk_ref("iki", 1))], EXIT_DATA_ERRORS
    )


def org_predikat_not_a_label(s: Src) -> Expect:
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[RECAP_SHEET], recap_org_ref(), "Baik sekali")
    return Expect(
        [
            Found(
                GALAT,
                "predikat-organisasi-tidak-dikenal",
                s.file(PENDIDIKAN),
                RECAP_SHEET,
                recap_org_ref(),
            ),
        ],
        EXIT_DATA_ERRORS,
    )


def ods_cell_bomb_file(s: Src) -> Expect:
    ods_cell_bomb(s.folder / "lampiran.ods")  # 1 KiB asking for 17 billion cells
    return _file_level(s, None, "berkas-terlalu-besar", "lampiran.ods")


def xml_entity_bomb(s: Src) -> Expect:
    rewrite_member(s.path(KESEHATAN), "xl/workbook.xml", entity_bomb)
    return _file_level(s, KESEHATAN, "zip-rusak")


def encrypted_zip(s: Src) -> Expect:
    mark_encrypted(s.path(KESEHATAN))
    return _file_level(s, KESEHATAN, "berkas-berkata-sandi")


def nip_with_spaces(s: Src) -> Expect:
    # "19700616 199411 2 105" is how an SK prints a NIP; check_nip accepts the spaces.
    nip = s.nip(PENDIDIKAN, 1)
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 1)], ident_ref("peg_nip"), spaced)
    return Expect([], OK, only=True)


def same_nip_spaced_and_plain(s: Src) -> Expect:
    # The same NIP on two sheets, once as an SK prints it: still the same pegawai twice.
    nip = s.nip(SEKRETARIAT, 1)
    with edit(s.path(SEKRETARIAT)) as wb:
        spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
        put(wb[s.sheet(SEKRETARIAT, 2)], ident_ref("peg_nip"), spaced)
    return Expect(
        [
            Found(
                GALAT,
                "nip-ganda-antar-lembar",
                s.file(SEKRETARIAT),
                s.sheet(SEKRETARIAT, k),
                "",
                nip,
            )
            for k in (1, 2)
        ],
        EXIT_DATA_ERRORS,
        touched={nip, s.nip(SEKRETARIAT, 2)},
    )


def saved_as_ods(s: Src) -> Expect:
    # A supported format, not a mistake: the unit saved its workbook in LibreOffice's own
    # format. It must read exactly as the .xlsx did.
    if s.corpus.ods is None:
        pytest.skip("needs LibreOffice to save an .ods")
    s.path(INSERTED_UNIT).unlink()
    shutil.copy(s.corpus.ods, s.folder / s.corpus.ods.name)
    return Expect([], OK, only=True)


# --- issue 12: nothing silent, nothing lost ---------------------------------------------------

# Names as a Windows zip extracted on Linux leaves them: bytes that are not UTF-8 (cp1252 "é").
BAD_NAME = os.fsdecode(b"Dinas Kes\xe9hatan.xlsx")
BAD_FOLDER = os.fsdecode(b"kiriman \xff")


def non_utf8_names(s: Src) -> Expect:
    """A file and a folder whose names are not UTF-8 are read like any other; their names
    are shown with replacement characters."""
    s.path(KESEHATAN).rename(s.folder / BAD_NAME)
    (s.folder / BAD_FOLDER).mkdir()
    s.path(KECAMATAN).rename(s.folder / BAD_FOLDER / s.file(KECAMATAN))
    (s.folder / BAD_FOLDER / os.fsdecode(b"rusak \xe9.xlsx")).write_bytes(b"PK\x03\x04rusak")
    shown = "Dinas Kes\ufffdhatan.xlsx"

    def readable(wb: openpyxl.Workbook) -> None:
        files = {r["NIP"]: r["Berkas"] for r in rows(wb, "Pegawai", "NIP")}
        assert {files[n] for n in s.nips(KESEHATAN)} == {shown}
        assert {files[n] for n in s.nips(KECAMATAN)} == {f"kiriman \ufffd/{s.file(KECAMATAN)}"}

    return Expect(
        [Found(GALAT, "zip-rusak", "kiriman \ufffd/rusak \ufffd.xlsx")],
        EXIT_DATA_ERRORS,
        only=True,
        check=readable,
    )


def _stored(body: str, key: str, code: str, severity: str = GALAT) -> Case:
    """An input cell as another program stored it: an error value, or a number beyond
    a spreadsheet's range (read as #NUM!). A galat that says so, not "belum diisi"."""

    def case(s: Src) -> Expect:
        set_stored_cell(s.path(KESEHATAN), s.sheet(KESEHATAN, 1), hk_ref(key), body)
        return Expect(
            [
                s.at(severity, code, KESEHATAN, 1, hk_ref(key)),
                # The capaian the file stored was computed from the old input.
                s.at(PERINGATAN, "nilai-tersimpan-berbeda", KESEHATAN, 1, hk_ref(TW1_CAP)),
            ],
            EXIT_DATA_ERRORS,
            only=True,
            absent=("realisasi-kosong", "iki-tanpa-target"),
            touched={s.nip(KESEHATAN, 1)},
        )

    return case


def _year_stored(value: object, code: str) -> Case:
    """The hidden year overwritten: another year (also as text) is not scored; a value that
    is no year at all is a galat, and the workbook is scored for the run's year."""

    def case(s: Src) -> Expect:
        _set_meta(s.path(KESEHATAN), "tahun", value)
        if code == "tahun-berbeda":
            return Expect(
                [Found(GALAT, code, s.file(KESEHATAN)), Found(PERINGATAN, "unit-belum-masuk")],
                EXIT_DATA_ERRORS,
                touched=s.nips(KESEHATAN),
                only=True,
            )
        return Expect([Found(GALAT, code, s.file(KESEHATAN))], EXIT_DATA_ERRORS, only=True)

    return case


def target_atas_text(s: Src) -> Expect:
    """Text in the upper bound of a range target: that cell is named, with its text; the
    target and the realisasi, which are numbers, are not blamed."""
    with edit(s.path(PENDIDIKAN)) as wb:
        put(wb[s.sheet(PENDIDIKAN, 2)], hk_ref("target_atas"), "abc")
    return Expect(
        [s.at(GALAT, "target-bukan-angka", PENDIDIKAN, 2, hk_ref("target_atas"))],
        EXIT_DATA_ERRORS,
        only=True,
        absent=("realisasi-bukan-angka",),
        touched={s.nip(PENDIDIKAN, 2)},
    )


def _formula_without_value(key: str, value: str) -> Case:
    """A formula typed into an input cell by a program that stores no result (here openpyxl):
    its content cannot be read, and it is said so, not called empty."""

    def case(s: Src) -> Expect:
        with edit(s.path(PENDIDIKAN)) as wb:
            at = nilai_ref(key) if key.startswith("rating") else hk_ref(key)
            put(wb[s.sheet(PENDIDIKAN, 1)], at, value)
        return Expect(
            [s.at(GALAT, "isian-rumus-tanpa-nilai", PENDIDIKAN, 1, at)],
            EXIT_DATA_ERRORS,
            absent=("realisasi-kosong", "rating-kosong"),
            touched={s.nip(PENDIDIKAN, 1)},
        )

    return case


def _fungsional(s: Src, unit: str) -> int:
    """The sheet index (k) of the unit's first jabatan fungsional (corpus: k = 1)."""
    k = next(k for k, n in enumerate(s.corpus.unit_nips(unit)) if s.corpus.people[n].jenjang)
    return k


def _no_angka_kredit(nip: str) -> Callable[[openpyxl.Workbook], None]:
    def check(wb: openpyxl.Workbook) -> None:
        peg = {r["NIP"]: r for r in rows(wb, "Pegawai", "NIP")}
        assert peg[nip]["Jenjang"] and peg[nip]["Angka kredit"] is None
        assert peg[nip]["Predikat"]  # the predikat is still there: only the AK is held back

    return check


def _bulan_case(value: object, code: str) -> Case:
    def case(s: Src) -> Expect:
        k = _fungsional(s, PENDIDIKAN)
        with edit(s.path(PENDIDIKAN)) as wb:
            put(wb[s.sheet(PENDIDIKAN, k)], nilai_ref("bulan"), value, text=isinstance(value, str))
        return Expect(
            [s.at(GALAT, code, PENDIDIKAN, k, nilai_ref("bulan"))],
            EXIT_DATA_ERRORS,
            only=True,
            check=_no_angka_kredit(s.nip(PENDIDIKAN, k)),
        )

    return case


def _bulan_error(s: Src) -> Expect:
    k = _fungsional(s, PENDIDIKAN)
    set_stored_cell(
        s.path(PENDIDIKAN),
        s.sheet(PENDIDIKAN, k),
        nilai_ref("bulan"),
        ' t="e"><f>1/0</f><v>#DIV/0!</v>',
    )
    return Expect(
        [s.at(GALAT, "isian-berisi-galat", PENDIDIKAN, k, nilai_ref("bulan"))],
        EXIT_DATA_ERRORS,
        absent=("bulan-kosong",),
        check=_no_angka_kredit(s.nip(PENDIDIKAN, k)),
    )


def jenjang_blank(s: Src) -> Expect:
    k = _fungsional(s, KECAMATAN)
    with edit(s.path(KECAMATAN)) as wb:
        put(wb[s.sheet(KECAMATAN, k)], ident_ref("peg_jenjang"), None)
    return Expect(
        [s.at(GALAT, "jenjang-kosong", KECAMATAN, k, ident_ref("peg_jenjang"))],
        EXIT_DATA_ERRORS,
        only=True,
    )


def _delete_local_name(path: Path, title: str, name: str) -> None:
    with edit(path) as wb:
        ws = wb[title]
        assert name in ws.defined_names, sorted(ws.defined_names)
        del ws.defined_names[name]


def name_deleted(s: Src) -> Expect:
    """One sheet-scoped name deleted: the pegawai is named in a galat, not dropped."""
    nip = s.nip(KESEHATAN, 2)
    _delete_local_name(s.path(KESEHATAN), s.sheet(KESEHATAN, 2), "SN_HK")
    return Expect(
        [Found(GALAT, "lembar-skp-rusak", s.file(KESEHATAN), s.sheet(KESEHATAN, 2), "", nip)],
        EXIT_DATA_ERRORS,
        touched={nip},
        only=True,
        check=_listed_as_waiting(nip, "Lembar SKP rusak (penanda templat hilang)"),
    )


def identity_names_deleted(s: Src) -> Expect:
    """Even the NIP's own name gone: the NIP is still found (the template's list)."""
    nip = s.nip(KESEHATAN, 1)
    for name in ("SN_PEG_NIP", "SN_PEG_NAMA", "SN_NILAI"):
        _delete_local_name(s.path(KESEHATAN), s.sheet(KESEHATAN, 1), name)
    return Expect(
        [Found(GALAT, "lembar-skp-rusak", s.file(KESEHATAN), s.sheet(KESEHATAN, 1), "", nip)],
        EXIT_DATA_ERRORS,
        touched={nip},
        only=True,
    )


def _key_cleared(key: str) -> Case:
    def case(s: Src) -> Expect:
        nip = s.nip(SEKRETARIAT, 2)
        with edit(s.path(SEKRETARIAT)) as wb:
            ws = wb[s.sheet(SEKRETARIAT, 2)]
            at = ref(LAYOUT.hk_key_row, HK_COL[key])
            assert ws[at].value == key
            put(ws, at, None)
        return Expect(
            [
                Found(
                    GALAT, "lembar-skp-rusak", s.file(SEKRETARIAT), s.sheet(SEKRETARIAT, 2), "", nip
                )
            ],
            EXIT_DATA_ERRORS,
            touched={nip},
            only=True,
        )

    return case


def sheet_copied(s: Src) -> Expect:
    """An SKP sheet copied within its workbook (with its names, as Excel copies a sheet):
    both places are named, the pegawai is counted once, at the original sheet."""
    title = s.sheet(KECAMATAN, 2)
    copy = f"{title[:26]} (2)"
    with edit(s.path(KECAMATAN)) as wb:
        ws = wb.copy_worksheet(wb[title])
        ws.title = copy
        for name, dn in wb[title].defined_names.items():
            text = dn.attr_text.replace(f"'{title}'!", f"'{copy}'!")
            ws.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(
                name, attr_text=text
            )
    nip = s.nip(KECAMATAN, 2)
    counted_once = _counted_once(s, KECAMATAN)

    def original_counted(wb: openpyxl.Workbook) -> None:
        counted_once(wb)
        peg = [r for r in rows(wb, "Pegawai", "NIP") if r["NIP"] == nip]
        assert [r["Lembar"] for r in peg] == [title]
        pesan = [r["Pesan"] for r in rows(wb, "Masalah", "Tingkat") if r["NIP"] == nip]
        assert all(f"{s.file(KECAMATAN)} › {title} (lembar asli dari templat)" in p for p in pesan)

    return Expect(
        [
            Found(GALAT, "nip-ganda-antar-lembar", s.file(KECAMATAN), t, "", nip)
            for t in (title, copy)
        ],
        EXIT_DATA_ERRORS,
        only=True,
        check=original_counted,
    )


def sheet_copied_by_cells(s: Src) -> Expect:
    """An SKP sheet copied without its names (cells only): it is not read, and a warning
    says so with the NIP it holds; the pegawai is counted once, at the real sheet."""
    title = s.sheet(KECAMATAN, 1)
    with edit(s.path(KECAMATAN)) as wb:
        wb.copy_worksheet(wb[title]).title = "salinan"
    return Expect(
        [
            Found(
                PERINGATAN,
                "lembar-mirip-skp",
                s.file(KECAMATAN),
                "salinan",
                "",
                s.nip(KECAMATAN, 1),
            )
        ],
        OK,
        only=True,
        check=_counted_once(s, KECAMATAN),
    )


def _set_meta(path: Path, label: str, value: object) -> None:
    with edit(path) as wb:
        ws = wb[META_SHEET]
        row = next(r for r in ws.iter_rows() if r[0].value == label)
        row[1].value = value


def unit_name_changed(s: Src) -> Expect:
    """The hidden unit name says Pendidikan; the roster and the sheets say Kesehatan: a galat
    naming both, and the pegawai scored under Kesehatan (not Kesehatan "not submitted")."""
    _set_meta(s.path(KESEHATAN), "unit", PENDIDIKAN)

    def scored_under_kesehatan(wb: openpyxl.Workbook) -> None:
        unit_of = {r["NIP"]: r["Unit Kerja"] for r in rows(wb, "Pegawai", "NIP")}
        assert {unit_of[n] for n in s.nips(KESEHATAN)} == {KESEHATAN}
        (msg,) = [r["Pesan"] for r in rows(wb, "Masalah", "Tingkat") if r["Kode"] == "unit-berbeda"]
        assert f'"{PENDIDIKAN}"' in msg and f'"{KESEHATAN}"' in msg and "4 dari 4" in msg

    return Expect(
        [Found(GALAT, "unit-berbeda", s.file(KESEHATAN))],
        EXIT_DATA_ERRORS,
        only=True,
        check=scored_under_kesehatan,
    )


def year_changed(s: Src) -> Expect:
    """Last year's workbook: a galat naming both years, not scored; the unit has not sent
    this year's yet."""
    _set_meta(s.path(KESEHATAN), "tahun", 2025)
    return Expect(
        [Found(GALAT, "tahun-berbeda", s.file(KESEHATAN)), Found(PERINGATAN, "unit-belum-masuk")],
        EXIT_DATA_ERRORS,
        touched=s.nips(KESEHATAN),
        only=True,
    )


def file_named_for_another_unit(s: Src) -> Expect:
    name = f"{PENDIDIKAN} (2).xlsx"
    s.path(KESEHATAN).rename(s.folder / name)
    return Expect([Found(PERINGATAN, "unit-berbeda-nama-berkas", name)], OK, only=True)


def scorebook_in_source(s: Src) -> Expect:
    """A score book of an earlier run saved into the source folder is recognised and noted."""
    earlier = s.folder / "buku-nilai-TW1-2026.xlsx"
    code, out = consolidate(s.corpus.clean, s.corpus, earlier)
    assert code == OK, out
    return Expect([Found(CATATAN, "buku-nilai-dilewati", earlier.name)], OK, only=True)


def folder_debris(s: Src) -> Expect:
    """Hidden files, a stale temporary file of ours, a document, a dangling link, a link loop,
    a link up to the folder that holds the source, and a folder named like a workbook
    (holding a real one): each accounted for."""
    (s.folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (s.folder / "._Dinas Kesehatan.xlsx").write_bytes(b"\x00\x05\x16\x07")  # macOS AppleDouble
    stale = ".sheetnilai-tmp.999999999.lain.0a1b2c.buku-nilai-TW1-2026.xlsx"
    (s.folder / stale).write_bytes(b"PK\x03\x04")
    (s.folder / "surat pengantar.pdf").write_bytes(b"%PDF-1.7\n")
    (s.folder / "tautan.xlsx").symlink_to(s.folder / "tidak-ada.xlsx")
    (s.folder / "putar.xlsx").symlink_to(s.folder / "putar.xlsx")
    (s.folder / "lagi").symlink_to(s.folder, target_is_directory=True)
    # Above the source: its other files must not be read (the score book is written there).
    (s.folder.parent / "di-luar.xlsx").write_bytes(b"bukan workbook")
    (s.folder / "atas").symlink_to(s.folder.parent, target_is_directory=True)
    trash = s.folder / ".Trash-1000" / "files"  # a deleted copy must not count as sent
    trash.mkdir(parents=True)
    shutil.copy(s.path(PENDIDIKAN), trash / s.file(PENDIDIKAN))
    (s.folder / "arsip.xlsx").mkdir()
    s.path(KESEHATAN).rename(s.folder / "arsip.xlsx" / s.file(KESEHATAN))
    os.mkfifo(s.folder / "pipa.xlsx")  # a named pipe would block a reader for ever

    def in_metadata(wb: openpyxl.Workbook) -> None:
        meta = {r["Butir"]: r["Nilai"] for r in rows(wb, "Metadata", "Butir")}
        for name in (".DS_Store", "._Dinas Kesehatan.xlsx", stale, "surat pengantar.pdf"):
            assert meta[f"Berkas: {name}"].startswith("dilewati: "), name
        assert meta[f"Berkas: arsip.xlsx/{s.file(KESEHATAN)}"].startswith("dibaca;")
        assert meta["Berkas: pipa.xlsx"].startswith("dilewati: bukan berkas biasa;")
        assert meta["Berkas: tautan.xlsx"].startswith("peringatan: tautan-rusak;")
        assert meta["Folder: .Trash-1000"] == "dilewati: folder tersembunyi"
        assert meta["Folder: lagi"] == "dilewati: sudah dicari lewat jalur lain"
        assert meta["Folder: atas"] == "dilewati: tautan ke folder di atas folder sumber"
        assert not any(k.startswith("Berkas: atas/") for k in meta)
        assert meta["Folder: arsip.xlsx"] == "dicari: folder bernama seperti workbook"

    return Expect(
        [
            Found(CATATAN, "berkas-tersembunyi-dilewati", ".DS_Store"),
            Found(CATATAN, "berkas-tersembunyi-dilewati", "._Dinas Kesehatan.xlsx"),
            Found(CATATAN, "berkas-sementara-dilewati", stale),
            Found(CATATAN, "berkas-lain-dilewati"),
            Found(PERINGATAN, "tautan-rusak", "tautan.xlsx"),
            Found(PERINGATAN, "tautan-rusak", "putar.xlsx"),
            Found(CATATAN, "folder-berulang", "lagi"),
            Found(PERINGATAN, "folder-di-atas-sumber", "atas"),
            Found(CATATAN, "folder-tersembunyi-dilewati", ".Trash-1000"),
            Found(CATATAN, "folder-bernama-workbook", "arsip.xlsx"),
            Found(PERINGATAN, "bukan-berkas-biasa", "pipa.xlsx"),
        ],
        OK,
        only=True,
        check=in_metadata,
    )


def without(case: Case, *codes: str) -> Case:
    """The same case, also requiring that none of `codes` follows from it."""

    def follow_up(s: Src) -> Expect:
        expect = case(s)
        expect.only, expect.absent = False, codes
        return expect

    return follow_up


CASES = [
    pytest.param(damaged_zip, id="01-damaged-zip"),
    pytest.param(empty_file, id="02-empty-file"),
    pytest.param(password_protected, id="03-password-protected"),
    pytest.param(pdf_renamed, id="04a-pdf-renamed-xlsx"),
    pytest.param(text_renamed, id="04b-text-renamed-xlsx"),
    pytest.param(old_xls_named_xlsx, id="05a-old-xls-named-xlsx"),
    pytest.param(old_xls_by_extension, id="05b-xls-and-xlsb-by-extension"),
    pytest.param(zip_bomb, id="06-zip-bomb"),
    pytest.param(excel_lock_file, id="07a-excel-lock-file"),
    pytest.param(libreoffice_lock_file, id="07b-libreoffice-lock-file"),
    pytest.param(not_a_template, id="08-not-a-template"),
    pytest.param(unknown_template_version, id="09-unknown-template-version"),
    pytest.param(nip_as_number, id="10a-nip-as-number"),
    pytest.param(
        without(nip_as_number, "pegawai-belum-masuk"),
        id="10b-nip-as-number-sheet-not-called-missing",
    ),
    pytest.param(nip_17_digits, id="11a-nip-17-digits"),
    pytest.param(
        without(nip_17_digits, "pegawai-belum-masuk"),
        id="11b-nip-17-digits-sheet-not-called-missing",
    ),
    pytest.param(identity_differs, id="12-identity-differs"),
    pytest.param(same_nip_in_two_workbooks, id="13a-same-nip-two-workbooks"),
    pytest.param(same_nip_in_two_sheets, id="13b-same-nip-two-sheets"),
    pytest.param(unit_missing, id="14-unit-missing"),
    pytest.param(unit_not_in_roster, id="15-unit-not-in-roster"),
    pytest.param(rating_missing, id="16-rating-missing"),
    pytest.param(rating_not_a_label, id="17-rating-not-a-label"),
    pytest.param(rating_tolerant_spelling, id="18-rating-tolerant-spelling"),
    pytest.param(rhk_without_iki, id="19-rhk-without-iki"),
    pytest.param(iki_without_target, id="20-iki-without-target"),
    pytest.param(realisasi_missing, id="21-realisasi-missing"),
    pytest.param(realisasi_not_a_number, id="22-realisasi-not-a-number"),
    pytest.param(bukti_missing, id="23-bukti-missing"),
    pytest.param(umpan_balik_missing, id="24a-umpan-balik-missing"),
    pytest.param(umpan_balik_perilaku_missing, id="24b-umpan-balik-perilaku-missing"),
    pytest.param(rhk_without_rhk_atasan, id="25-rhk-without-rhk-atasan"),
    pytest.param(formula_overwritten, id="26-formula-overwritten"),
    pytest.param(cached_value_differs, id="27-cached-value-differs"),
    pytest.param(org_predikat_missing, id="28a-org-predikat-missing"),
    pytest.param(org_predikat_from_option, id="28b-org-predikat-from-option"),
    pytest.param(distribution_broken, id="29-distribution-broken"),
    pytest.param(unit_sent_twice, id="30a-unit-sent-twice"),
    pytest.param(unit_sent_twice_changed, id="30b-unit-sent-twice-changed-newest-counts"),
    pytest.param(period_not_in_one_workbook, id="31-period-not-in-one-workbook"),
    pytest.param(inserted_row, id="32a-inserted-row-libreoffice"),
    pytest.param(hidden_columns, id="32b-hidden-columns-and-rows"),
    pytest.param(formula_injection, id="33-formula-injection"),
    pytest.param(sheet_deleted, id="x1-sheet-deleted"),
    pytest.param(formula_deleted, id="x2-formula-deleted"),
    pytest.param(target_without_iki, id="x3-target-without-iki"),
    pytest.param(org_predikat_not_a_label, id="x4a-org-predikat-not-a-label"),
    pytest.param(
        without(org_predikat_not_a_label, "predikat-organisasi-kosong"),
        id="x4b-org-predikat-not-a-label-not-called-empty",
    ),
    pytest.param(nip_with_spaces, id="x5a-nip-with-spaces"),
    pytest.param(same_nip_spaced_and_plain, id="x5b-same-nip-spaced-and-plain"),
    pytest.param(ods_cell_bomb_file, id="x6-ods-cell-bomb"),
    pytest.param(xml_entity_bomb, id="x7-xml-entity-bomb"),
    pytest.param(encrypted_zip, id="x8-encrypted-zip-members"),
    pytest.param(saved_as_ods, id="x9-saved-as-ods"),
    pytest.param(non_utf8_names, id="i01-non-utf8-names"),
    pytest.param(
        _stored("><v>1e400</v>", TW1_REAL, "isian-berisi-galat"),
        id="i02f-realisasi-beyond-range-stored-by-another-program",
    ),
    pytest.param(
        _stored(' t="e"><f>1/0</f><v>#DIV/0!</v>', TW1_REAL, "isian-berisi-galat"),
        id="i02g-formula-typed-into-realisasi-shows-error",
    ),
    pytest.param(
        _stored(' t="e"><v>#N/A</v>', "target", "isian-berisi-galat"),
        id="i02h-target-shows-error",
    ),
    pytest.param(_bulan_error, id="i02l-jumlah-bulan-shows-error"),
    pytest.param(_bulan_case(None, "bulan-kosong"), id="i02a-jumlah-bulan-blank"),
    pytest.param(_bulan_case("3", "bulan-bukan-angka"), id="i02b-jumlah-bulan-text"),
    pytest.param(_bulan_case("3,5", "bulan-bukan-angka"), id="i02c-jumlah-bulan-text-decimal"),
    pytest.param(_bulan_case(3.5, "bulan-tidak-sah"), id="i02d-jumlah-bulan-fraction"),
    pytest.param(jenjang_blank, id="i02e-jenjang-blank"),
    pytest.param(target_atas_text, id="i02i-text-in-target-batas-atas"),
    pytest.param(_formula_without_value(TW1_REAL, "=95+2"), id="i02j-formula-without-value"),
    pytest.param(
        _formula_without_value("rating_hasil", "=A1"), id="i02k-rating-formula-without-value"
    ),
    pytest.param(_year_stored("2025", "tahun-berbeda"), id="i06d-year-as-text-2025"),
    pytest.param(_year_stored(None, "tahun-tidak-terbaca"), id="i06e-year-blank"),
    pytest.param(_year_stored(2026.7, "tahun-tidak-terbaca"), id="i06f-year-not-whole"),
    pytest.param(_year_stored("dua ribu", "tahun-tidak-terbaca"), id="i06g-year-words"),
    pytest.param(name_deleted, id="i03a-sheet-name-deleted"),
    pytest.param(identity_names_deleted, id="i03b-identity-names-deleted"),
    pytest.param(_key_cleared("iki"), id="i03c-key-row-damaged"),
    pytest.param(_key_cleared(f"realisasi@{PERIOD}"), id="i03d-period-key-damaged"),
    pytest.param(scorebook_in_source, id="i05-earlier-scorebook-in-source"),
    pytest.param(unit_name_changed, id="i06a-hidden-unit-name-changed"),
    pytest.param(year_changed, id="i06b-workbook-of-another-year"),
    pytest.param(file_named_for_another_unit, id="i06c-file-named-for-another-unit"),
    pytest.param(sheet_copied, id="i07a-skp-sheet-copied"),
    pytest.param(sheet_copied_by_cells, id="i07b-skp-sheet-copied-without-names"),
    pytest.param(folder_debris, id="i08-folder-debris"),
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: Case, corpus: Corpus, tmp_path: Path) -> None:
    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    expect = case(Src(folder, corpus))
    before = hashes(folder)
    book = tmp_path / "buku.xlsx"

    code, out = consolidate(folder, corpus, book, expect.period, *expect.args)

    assert hashes(folder) == before  # inputs are never modified
    assert hashes(corpus.clean) == corpus.hashes
    wb = openpyxl.load_workbook(book)
    found = masalah(wb)
    missing = [f for f in expect.found if f not in found]
    assert not missing, f"missing {missing}\nfound {found}"
    if expect.only:
        assert sorted(found, key=repr) == sorted(expect.found, key=repr)
    assert not [f for f in found if f.code in expect.absent]
    assert code == expect.exit_code, out
    scored = {r["NIP"]: r["Predikat"] for r in rows(wb, "Pegawai", "NIP")}
    for nip, person in corpus.people.items():
        if nip in expect.touched:
            continue
        want = expect.predikat.get(nip, person.predikat.label)
        assert scored.get(nip, "(tidak ada)") == want, nip
    if expect.check is not None:
        expect.check(wb)
    _every_message_indonesian(wb, tmp_path)
    _every_empty_value_explained(wb)


# Words of exception texts from the standard library and the libraries we use; Indonesian
# messages have none of them.
ENGLISH = re.compile(
    r"\b(Error|error|File is not|not a zip|not well-formed|is not allowed|DTD|bytes|"
    r"Permission denied|No such file|cells|declared|encrypted|member|part is missing|"
    r"Traceback|Exception)\b"
)


def _every_message_indonesian(wb: openpyxl.Workbook, tmp_path: Path) -> None:
    """No English exception text and no path of this machine reaches the Masalah sheet."""
    for r in rows(wb, "Masalah", "Tingkat"):
        for column in ("Pesan", "Saran", "Berkas", "Lembar"):
            text = str(r[column] or "")
            assert not ENGLISH.search(text), (column, text)
            assert str(tmp_path) not in text, (column, text)


def _every_empty_value_explained(wb: openpyxl.Workbook) -> None:
    """Every value the score book leaves empty that the rules could compute (saran,
    predikat, angka kredit of a fungsional, capaian of a numeric IKI) has a problem row
    about that pegawai saying why."""
    named = {r["NIP"] for r in rows(wb, "Masalah", "Tingkat") if r["NIP"]}
    for r in rows(wb, "Pegawai", "NIP"):
        empty = [k for k in ("Saran rating hasil kerja", "Predikat") if r[k] in (None, "")]
        if r["Jenjang"] and r["Angka kredit"] is None:
            empty.append("Angka kredit")
        if empty:
            assert r["NIP"] in named, (r["NIP"], empty)
    for r in rows(wb, "Hasil Kerja", "NIP"):
        if r["Capaian (%)"] is None and not r["Target kualitatif"]:
            assert r["NIP"] in named, (r["NIP"], r["IKI"], "Capaian (%)")


# --- "Periksa workbook" sees what the consolidation sees -------------------------------------


def _masalah_cells(book: Path) -> list[list[object]]:
    """The score book's Masalah table as written (header first), cells as openpyxl reads them."""
    ws = openpyxl.load_workbook(book)["Masalah"]
    data = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(data) if r and r[0] == "Tingkat")
    return [r for r in data[at:] if r[0] is not None and r[0] != "(tidak ada data)"]


@pytest.mark.parametrize("case", CASES)
def test_periksa_gives_the_consolidation_problems(
    case: Case, corpus: Corpus, tmp_path: Path
) -> None:
    """For the workbook each case damaged, `periksa.check_workbook` (behind the PeriksaWorkbook
    macro and `sheetnilai periksa`) reports exactly the problems `sheetnilai konsolidasi` reports
    for a folder holding only that workbook: same rows, same order, same text, with a link to
    every cell."""
    from sheetnilai.periksa import LINK_COLUMN, check_workbook, masalah_rows

    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    expect = case(Src(folder, corpus))
    changed = [
        folder / name
        for name, digest in hashes(folder).items()
        if corpus.hashes.get(name) != digest
        and Path(name).suffix in (".xlsx", ".xlsm", ".ods")
        and not Path(name).name.startswith(("~$", "."))
        and not (folder / name).is_symlink()
    ]
    if not changed:
        pytest.skip("the case changes no workbook, only the folder or the options")
    for path in changed:
        alone = tmp_path / "sendiri" / path.name
        alone.parent.mkdir()
        shutil.copy2(path, alone)
        book = tmp_path / f"buku-{path.stem}.xlsx"
        args = [
            "konsolidasi",
            str(alone.parent),
            "--periode",
            expect.period,
            "--keluaran",
            str(book),
            "--jobs",
            "1",
            "--senyap",
        ]
        result = CliRunner().invoke(cli, args)
        if result.exit_code == 1:  # the command is refused (the period is in no workbook) ...
            with pytest.raises(SheetnilaiError) as refused:  # ... and so is the check
                check_workbook(path, expect.period)
            assert refused.value.message in result.stderr
            shutil.rmtree(alone.parent)
            continue
        assert result.exit_code in (0, EXIT_DATA_ERRORS), result.output
        want = _masalah_cells(book)

        got = masalah_rows(check_workbook(path, expect.period).result)

        link = want[0].index(LINK_COLUMN)
        assert got[0] == want[0]
        assert len(got) == len(want)
        lembar, sel = want[0].index("Lembar"), want[0].index("Sel")
        for mine, theirs in zip(got[1:], want[1:], strict=True):
            for k, (a, b) in enumerate(zip(mine, theirs, strict=True)):
                if k == link:
                    continue
                # Every text is written with Excel's text apostrophe (a NIP stays text, a
                # name like "=HYPERLINK(…)" is no formula); numbers and blanks as they are.
                expected = "'" + b if isinstance(b, str) and b else ("" if b is None else b)
                assert a == expected, (want[0][k], mine, theirs)
            if theirs[lembar] and theirs[sel]:
                assert mine[link] == (
                    f"=HYPERLINK(\"#'{theirs[lembar]}'!{theirs[sel]}\","
                    f'"{theirs[lembar]}!{theirs[sel]}")'
                )
            else:
                assert mine[link] == ""
        shutil.rmtree(alone.parent)


def test_periksa_command(corpus: Corpus, tmp_path: Path) -> None:
    """`sheetnilai periksa`: a clean workbook passes; a damaged one names sheet, cell and
    pegawai, exits 3 (galat), and the file is left as it was."""
    clean = corpus.clean / corpus.file_of(KESEHATAN)
    result = CliRunner().invoke(cli, ["periksa", str(clean), "--periode", "tw1"])
    assert result.exit_code == OK, result.output
    assert result.stdout.strip() == f"{clean.name}: tidak ada masalah untuk periode TW1."
    assert result.stderr.strip() == "Kebijakan: tersimpan di workbook."

    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    s = Src(folder, corpus)
    rating_not_a_label(s)
    before = hashes(folder)
    result = CliRunner().invoke(cli, ["periksa", str(s.path(KESEHATAN)), "--periode", PERIOD])
    assert result.exit_code == EXIT_DATA_ERRORS, result.output
    # The problem list is the output (stdout, so `> hasil.txt` keeps it); the run's own
    # remarks go to stderr.
    summary, line = result.stdout.strip().splitlines()
    assert summary == f"{s.file(KESEHATAN)}: 1 galat, 0 peringatan, 0 catatan."
    assert result.stderr.strip() == "Kebijakan: tersimpan di workbook."
    assert line.startswith(
        f"[galat] {s.file(KESEHATAN)} › {s.sheet(KESEHATAN, 1)}!{nilai_ref('rating_hasil')} "
        f"(NIP {s.nip(KESEHATAN, 1)}"
    ), line
    assert '"Baik sekali"' in line
    assert hashes(folder) == before

    # A period no scheme knows, and one the workbook lacks: refused (exit 1), naming the
    # valid periods, with nothing on stdout.
    result = CliRunner().invoke(cli, ["periksa", str(clean), "--periode", "TW9"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith('Galat: Periode "TW9" tidak dikenal. Periode yang sah: TW1,')
    result = CliRunner().invoke(cli, ["periksa", str(clean), "--periode", "S1"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "memuat periode S1" in result.stderr and "TW1, TW2, TW3, TW4, TAHUNAN" in result.stderr
