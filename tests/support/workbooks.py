"""Helpers for workbook tests: build unit workbooks, fill them as a user would, read them back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from sheetnilai.periods import Scheme
from sheetnilai.roster import JenisJabatan, Pegawai, Status
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.workbook.build import SheetPegawai, UnitWorkbook, build_unit_workbook

_NIP_BASE = "1980010120050{}1{:03d}"


def pegawai(
    i: int,
    unit: str = "Dinas Uji",
    jenis: JenisJabatan = JenisJabatan.PELAKSANA,
    jenjang: str | None = None,
    nama: str | None = None,
    penilai: str | None = None,
) -> Pegawai:
    nip = f"19800101200501{1 + i % 2}{i:03d}"
    return Pegawai(
        nip=nip, nama=nama or f"Pegawai Uji {i}", jabatan=f"Jabatan {i}", jenis_jabatan=jenis,
        status=Status.PNS, jenjang=jenjang, pangkat="Penata (III/c)", unit=unit,
        penilai_nip=penilai, atasan_penilai_nip=None, email=None, row=i + 1,
    )  # fmt: skip


def build(
    path: Path,
    people: Sequence[Pegawai],
    scheme: Scheme = Scheme.TRIWULAN,
    policy: Policy = DEFAULT_POLICY,
    unit: str = "Dinas Uji",
) -> list[str]:
    used: set[str] = set()
    from sheetnilai.roster import sheet_title

    sheets = [SheetPegawai(sheet_title(i, p.nama, used), p) for i, p in enumerate(people, 1)]
    build_unit_workbook(path, UnitWorkbook(unit, 2026, scheme, sheets, policy))
    return [s.title for s in sheets]


def values(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, data_only=True)


def shown(value: object) -> object:
    """A recalculated cell as the model states it: None (empty) reads as ""."""
    return "" if value is None else value
