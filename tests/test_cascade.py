"""Cascading (PermenPANRB 6/2022, domain.md §2.4): the RHK atasan dropdown in the template,
the check across workbooks at consolidation, and the chain in the score book."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheetnilai.cascade import chains
from sheetnilai.consolidate import consolidate
from sheetnilai.periods import Scheme, periods
from sheetnilai.report import hasil_kerja_table
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.workbook.layout import SkpLayout, cell, quote_sheet
from tests.test_perbarui import AGUS, BEFORE, KADIS, SEKRETARIS, _fill_tw1, _roster, run

CAMAT = BEFORE[5][0]
LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
COL = {k: i for i, k in enumerate(LAYOUT.hk_keys)}


@pytest.fixture
def units(tmp_path: Path) -> Path:
    roster = _roster(tmp_path / "daftar.csv", BEFORE)
    folder = tmp_path / "unit"
    code, _, err = run("templat", "buat", str(roster), "--tahun", "2026", "--keluaran",
                       str(folder), "--jobs", "1")  # fmt: skip
    assert code == 0, err
    _fill_tw1(folder)  # every RHK is "RHK", and every RHK atasan names it
    return folder


def _titles(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    r, c = LAYOUT.identity_cells["peg_nip"]
    out = {}
    for title in (t for t in wb.sheetnames if t[:2].isdigit()):
        out[str(wb[title].cell(r + 1, c + 1).value)] = title
    return out


def test_rhk_atasan_offers_the_penilais_own_rhk(units: Path) -> None:
    dinas = units / "Dinas Uji.xlsx"
    titles = _titles(dinas)
    wb = openpyxl.load_workbook(dinas)
    first, last = LAYOUT.hk_first_row, LAYOUT.hk_last_row
    target = f"{cell(first, COL['rhk_atasan'])}:{cell(last, COL['rhk_atasan'])}"
    rhk = f"${cell(first, COL['rhk'])[0]}"
    source = f"{quote_sheet(titles[KADIS])}!{rhk}${first + 1}:{rhk}${last + 1}"
    found = [dv for dv in wb[titles[AGUS]].data_validations.dataValidation
             if str(dv.sqref) == target]  # fmt: skip
    assert [(dv.type, dv.formula1, dv.errorStyle) for dv in found] == [
        ("list", source, "information")
    ]
    # The Kepala Dinas (JPT, penilai outside the workbook) and the Camat, whose penilai is in
    # another unit's workbook, get no list: there is nothing in their workbook to offer.
    for nip, path in ((KADIS, dinas), (CAMAT, units / "Kecamatan Uji.xlsx")):
        ws = openpyxl.load_workbook(path)[_titles(path)[nip]]
        assert not [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == target]


def test_rhk_atasan_is_checked_across_workbooks(units: Path) -> None:
    kec = units / "Kecamatan Uji.xlsx"
    wb = openpyxl.load_workbook(kec)
    ws = wb[_titles(kec)[CAMAT]]
    at = cell(LAYOUT.hk_first_row, COL["rhk_atasan"])
    ws[at] = "RHK kecamatan sendiri"  # not an RHK of the Kepala Dinas, in the other workbook
    wb.save(kec)
    dinas = units / "Dinas Uji.xlsx"
    wb = openpyxl.load_workbook(dinas)
    ws = wb[_titles(dinas)[SEKRETARIS]]
    ws[cell(LAYOUT.hk_first_row, COL["rhk"])] = "Terkelolanya administrasi dinas"
    wb.save(dinas)
    result = consolidate(units, "TW1", DEFAULT_POLICY, jobs=1)
    found = [p for p in result.all_problems if p.code == "rhk-atasan-tidak-ada"]
    assert [(p.file, p.cell, p.nip) for p in found] == [("Kecamatan Uji.xlsx", at, CAMAT)]
    assert '"RHK kecamatan sendiri"' in found[0].message
    assert "(Drs. Kepala Dinas, 1 RHK)" in found[0].message
    assert 'yang paling mirip: "RHK"' in found[0].message
    chain = hasil_kerja_table(result).frame.set_index("NIP")["Rantai RHK sampai pimpinan unit"]
    assert chain[AGUS] == "RHK (Agus Uji) → RHK (Drs. Kepala Dinas)"
    # A renamed RHK still names the Kepala Dinas' RHK it intervenes.
    sekretaris = "Terkelolanya administrasi dinas (Sekretaris Uji) → RHK (Drs. Kepala Dinas)"
    assert chain[SEKRETARIS] == sekretaris
    assert chain[CAMAT] == "RHK (Camat Uji)"  # the link is broken where the warning says


def test_the_chains_kept_by_the_check_are_the_chains_built_afresh(units: Path) -> None:
    """The cascade check leaves the chains on the result for the score book; built again
    from the finished result, they are the same."""
    result = consolidate(units, "TW1", DEFAULT_POLICY, jobs=1)
    kept = result.rhk_chains
    assert kept is not None and kept[AGUS, "RHK"] == "RHK (Agus Uji) → RHK (Drs. Kepala Dinas)"
    result.rhk_chains = None
    assert chains(result) == kept
