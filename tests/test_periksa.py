"""The "Periksa workbook" check (`sheetnilai.periksa`): the policy it checks against, and the
rows it writes to the Masalah sheet. Its agreement with `sheetnilai konsolidasi` over every
bad-input case is in tests/test_bad_input.py."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.config import policy_toml
from sheetnilai.periksa import cell_link, check_workbook, masalah_rows, workbook_policy
from sheetnilai.periods import Scheme, periods
from sheetnilai.rules.policy import DEFAULT_POLICY
from sheetnilai.sources.raw import read_book
from sheetnilai.sources.unit import extract
from sheetnilai.workbook.layout import NILAI_COL, SkpLayout, cell
from tests.support.libreoffice import convert, soffice

LAYOUT = SkpLayout(periods(Scheme.TRIWULAN))
HK = {k: i for i, k in enumerate(LAYOUT.hk_keys)}
# Saran thresholds other than the default 101/100: a capaian of 95 suggests "Sesuai" here and
# "Di Bawah" under the default policy.
CUSTOM = "[saran_rating]\nbatas_di_atas = 105\nbatas_sesuai = 90\n"
ROSTER = [
    ["NIP", "Nama", "Jabatan", "Jenis Jabatan", "Status", "Jenjang", "Pangkat/Golongan",
     "Unit Kerja", "NIP Pejabat Penilai", "NIP Atasan Pejabat Penilai", "Email"],
    ["198807222011011004", "Agus Uji", "Analis", "Pelaksana", "PNS", "", "Penata Muda (III/a)",
     "Dinas Uji", "", "", ""],
]  # fmt: skip


def _make(tmp: Path, *extra: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    roster = tmp / "daftar.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROSTER)
    args = ["templat", "buat", str(roster), "--tahun", "2026", "--keluaran", str(tmp / "unit")]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert result.exit_code == 0, result.output
    (path,) = (tmp / "unit").iterdir()
    return path


def test_the_workbook_stores_the_policy_it_was_made_with(tmp_path: Path) -> None:
    policy_file = tmp_path / "kebijakan.toml"
    policy_file.write_text(CUSTOM, encoding="utf-8")
    path = _make(tmp_path, "--kebijakan", str(policy_file))
    stored = extract(read_book(path), path.name).policy_text
    custom = workbook_policy(path)
    assert custom is not None
    assert stored == policy_toml(custom)
    assert (custom.saran_rating.batas_di_atas, custom.saran_rating.batas_sesuai) == (105, 90)
    assert custom.capaian == DEFAULT_POLICY.capaian  # what the file leaves out is the default

    plain = _make(tmp_path / "bawaan")
    assert workbook_policy(plain) == DEFAULT_POLICY


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_the_check_uses_the_workbook_policy_unless_told_otherwise(tmp_path: Path) -> None:
    """A unit made with a custom policy, filled and recalculated: its saved saran is the
    custom policy's. Checked with that policy (the default), nothing is wrong; checked with
    the built-in policy, the saved saran differs from the recomputation."""
    policy_file = tmp_path / "kebijakan.toml"
    policy_file.write_text(CUSTOM, encoding="utf-8")
    made = _make(tmp_path, "--kebijakan", str(policy_file))
    wb = openpyxl.load_workbook(made)
    ws = wb[wb.sheetnames[1]]
    r = LAYOUT.hk_first_row
    for key, value in (("jenis", "Utama"), ("rhk", "RHK uji"), ("rhk_atasan", "RHK atasan"),
                       ("aspek", "Kuantitas"), ("iki", "IKI uji"), ("target", 100),
                       ("satuan", "dokumen"), ("realisasi@TW1", 95),
                       ("bukti@TW1", "https://bukti.example/1"),
                       ("umpan_balik@TW1", "Baik.")):  # fmt: skip
        ws[cell(r, HK[key])] = value
    for aspek in range(7):
        ws[cell(LAYOUT.pk_first_row + aspek, LAYOUT.period_col(0, "umpan_balik"))] = "Baik."
    ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_hasil"])] = "Sesuai Ekspektasi"
    ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_perilaku"])] = "Sesuai Ekspektasi"
    wb.save(made)
    (path,) = convert([made], tmp_path / "dihitung")
    saved = openpyxl.load_workbook(path, data_only=True)[wb.sheetnames[1]]
    assert saved[cell(LAYOUT.nilai_row(0), NILAI_COL["saran"])].value == "Sesuai Ekspektasi"

    own = check_workbook(path, "TW1")
    assert own.policy_source == "tersimpan di workbook"
    skp = wb.sheetnames[1]
    assert [p.code for p in own.result.all_problems if p.sheet == skp] == []

    builtin = check_workbook(path, "TW1", DEFAULT_POLICY)
    assert builtin.policy_source == "--kebijakan"
    assert [(p.code, p.cell) for p in builtin.result.all_problems if p.sheet == skp] == [
        ("nilai-tersimpan-berbeda", cell(LAYOUT.nilai_row(0), NILAI_COL["saran"]))
    ]

    result = CliRunner().invoke(cli, ["periksa", str(path), "--periode", "TW1"])
    assert result.stderr.splitlines()[0] == "Kebijakan: tersimpan di workbook."


def test_cell_links_quote_any_sheet_name() -> None:
    assert cell_link("02 Agus", "C22") == '=HYPERLINK("#\'02 Agus\'!C22","02 Agus!C22")'
    # An apostrophe is doubled inside the quoted sheet name; a double quote is doubled for the
    # formula's string.
    assert cell_link("03 O'Brien", "D5") == ("=HYPERLINK(\"#'03 O''Brien'!D5\",\"03 O'Brien!D5\")")
    assert cell_link('04 "Ucok"', "A1") == ('=HYPERLINK("#\'04 ""Ucok""\'!A1","04 ""Ucok""!A1")')


def test_masalah_rows_keep_every_text_as_text(tmp_path: Path) -> None:
    """Written through xlwings, Excel would parse "=…" as a formula, a NIP as a number and
    "1-3" as a date: every text cell carries Excel's text apostrophe, links do not."""
    path = _make(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[1]]
    ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_hasil"])] = "=1+1 sangat baik"
    ws[cell(LAYOUT.nilai_row(0), NILAI_COL["rating_hasil"])].data_type = "s"
    wb.save(path)
    rows = masalah_rows(check_workbook(path, "TW1").result)
    header, body = rows[0], rows[1:]
    assert header[-1] == "Tautan" and body
    skp = "'" + wb.sheetnames[1]
    for row in body:
        record = dict(zip(header, row, strict=True))
        if record["Lembar"] == skp:
            assert record["NIP"] == "'198807222011011004"
        assert all(
            v == "" or (isinstance(v, str) and v.startswith("'"))
            for k, v in record.items()
            if k != "Tautan"
        ), record
        if record["Sel"]:
            assert str(record["Tautan"]).startswith('=HYPERLINK("#')
    assert any('"=1+1 sangat baik"' in str(r[header.index("Pesan")]) for r in body)
    assert any(r[header.index("Lembar")] == skp for r in body)
