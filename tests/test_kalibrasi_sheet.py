"""The score book's Kalibrasi sheet, from real unit workbooks made by `templat buat`.

Three units of four pegawai (Sangat Baik, Baik, Baik, Butuh Perbaikan; tests/support/corpus):
Sekretariat Daerah with organisation predikat Istimewa (Sangat Baik is not the largest
group: one Baik must become Sangat Baik), Dinas Pendidikan with Kurang (≥ 60% of 4 = 3
Kurang/Misconduct, ≥ 1 Butuh Perbaikan, no Sangat Baik: three pegawai must change) and Dinas
Kesehatan with Baik (meets its curve, so it is not listed).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.consolidate import Consolidation, consolidate, consolidate_periods
from sheetnilai.kalibrasi import SHEET, unit_rows
from sheetnilai.report import tables, tables_many
from sheetnilai.roster import read_roster
from sheetnilai.rules.kalibrasi import propose
from sheetnilai.rules.labels import OrgPredikat, Predikat
from sheetnilai.rules.policy import DEFAULT_POLICY, KalibrasiPolicy
from sheetnilai.validate import UnitResult
from tests.support.corpus import (
    UNITS,
    edit,
    fill_workbook,
    generate,
    hk_ref,
    make_people,
    put,
    write_roster,
)

ISTIMEWA_UNIT, KURANG_UNIT, BAIK_UNIT = UNITS[:3]
ORG = {ISTIMEWA_UNIT: "Istimewa", KURANG_UNIT: "Kurang", BAIK_UNIT: "Baik"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("kalibrasi")
    people = make_people(UNITS[:3])
    roster = root / "daftar.csv"
    write_roster(roster, people)
    made = generate(roster, root / "masuk")
    by_nip = {p.nip: p for p in people}
    for path in made:
        unit = next(u for u in UNITS if path.stem == u)
        fill_workbook(path, by_nip, org=ORG[unit])
    names = {p.nama: p.nip for p in people}
    # Pegawai 02 (Baik) of the Istimewa unit: realisasi 80 of target 95 on IKI 1 (84.21%,
    # rounded to 84% under the default [capaian] desimal 0); Pegawai 03 (Baik): no bukti
    # dukung on IKI 2.
    with edit(root / "masuk" / f"{ISTIMEWA_UNIT}.xlsx") as wb:
        for ws in wb.worksheets:
            if ws.title.startswith("02"):
                put(ws, hk_ref("realisasi@TW1", 0), 80)
            if ws.title.startswith("03"):
                put(ws, hk_ref("bukti@TW1", 1), None)
    return root / "masuk", roster, names


def run(folder: tuple[Path, Path, dict[str, str]], **policy: object) -> Consolidation:
    source, roster, _ = folder
    pol = dataclasses.replace(DEFAULT_POLICY, kalibrasi=KalibrasiPolicy(**policy))  # type: ignore[arg-type]
    return consolidate(source, "TW1", pol, roster=read_roster(roster), jobs=1)


def sheet_rows(c: Consolidation) -> list[dict[str, object]]:
    table = next(t for t in tables(c) if t.sheet == SHEET)
    return [
        {k: (None if v is None or v != v else v) for k, v in row.items()}  # NaN -> None
        for row in table.frame.to_dict("records")
    ]


def test_failing_units_get_the_fewest_changes_and_ranked_candidates(
    folder: tuple[Path, Path, dict[str, str]],
) -> None:
    _, _, nip = folder
    rows = sheet_rows(run(folder))
    assert {r["Unit Kerja"] for r in rows} == {ISTIMEWA_UNIT, KURANG_UNIT}  # Baik unit meets it
    ist = [r for r in rows if r["Unit Kerja"] == ISTIMEWA_UNIT]
    head = ist[0]
    assert head["Predikat organisasi"] == "Istimewa"
    assert head["Sebaran sekarang"] == "SK 0, K 0, BP 1, B 2, SB 1"
    assert head["Usulan perubahan"] == "1 pegawai Baik → Sangat Baik"
    assert head["Jumlah perubahan"] == 1 and head["NIP"] is None
    assert "Sangat Baik" in str(head["Keterangan"]) and "SB 2" in str(head["Keterangan"])
    # Upgrade: the higher mean capaian first. Pegawai 03: (98 + 120) / 2 = 109;
    # Pegawai 02: (84 + 120) / 2 = 102 (IKI 2: target 4, realisasi 3, lower is better:
    # (2 − 3/4) × 100 = 125, capped at 120).
    cands = ist[1:]
    assert [r["Nama"] for r in cands] == ["Pegawai 03 Daerah", "Pegawai 02 Daerah"]
    assert [r["Urutan calon"] for r in cands] == [1, 2]
    first, second = cands
    assert first["NIP"] == nip["Pegawai 03 Daerah"] and isinstance(first["NIP"], str)
    assert first["Predikat sekarang"] == "Baik" and first["Predikat usulan"] == "Sangat Baik"
    assert first["Rating hasil kerja"] == "Sesuai Ekspektasi"
    assert first["Rating perilaku kerja"] == "Di Atas Ekspektasi"
    # Matrix: Sangat Baik only with both ratings Di Atas (domain.md §2.8).
    assert first["Perubahan rating yang diperlukan"] == (
        "hasil kerja: Sesuai Ekspektasi → Di Atas Ekspektasi"
    )
    assert second["Perubahan rating yang diperlukan"] == (
        "hasil kerja: Sesuai Ekspektasi → Di Atas Ekspektasi; "
        "perilaku kerja: Sesuai Ekspektasi → Di Atas Ekspektasi"
    )
    assert first["Rata-rata capaian (%)"] == 109 and second["Rata-rata capaian (%)"] == 102
    assert first["Capaian per IKI"] == "IKI 1: 98% dari target; IKI 2: 120% dari target"
    assert second["Capaian per IKI"] == "IKI 1: 84% dari target; IKI 2: 120% dari target"
    assert first["IKI tanpa bukti dukung"] == "IKI 2" and second["IKI tanpa bukti dukung"] == ""
    assert str(first["Umpan balik"]).startswith("IKI 1: Pertahankan capaian.")
    assert "Menunjukkan perilaku yang diharapkan." in str(first["Umpan balik"])

    kur = [r for r in rows if r["Unit Kerja"] == KURANG_UNIT]
    assert kur[0]["Usulan perubahan"] == (
        "1 pegawai Sangat Baik → Kurang/Misconduct; 2 pegawai Baik → Kurang/Misconduct"
    )
    assert kur[0]["Jumlah perubahan"] == 3
    moves = [(r["Usulan perubahan"], r["Predikat sekarang"]) for r in kur[1:]]
    assert moves == [
        ("1 pegawai Sangat Baik → Kurang/Misconduct", "Sangat Baik"),
        ("2 pegawai Baik → Kurang/Misconduct", "Baik"),
        ("2 pegawai Baik → Kurang/Misconduct", "Baik"),
    ]
    # Downgrade, equal capaian: the weaker ratings first (Sesuai/Sesuai before Sesuai/Di Atas).
    assert [r["Nama"] for r in kur[2:]] == ["Pegawai 06 Pendidikan", "Pegawai 07 Pendidikan"]
    assert kur[2]["Perubahan rating yang diperlukan"] == (
        "perilaku kerja: Sesuai Ekspektasi → Di Bawah Ekspektasi"
    )


def test_ratings_are_never_changed(folder: tuple[Path, Path, dict[str, str]]) -> None:
    c = run(folder)
    before = {p.nip: (p.rating_hasil, p.rating_perilaku, p.predikat) for p in c.pegawai}
    sheet_rows(c)
    assert {p.nip: (p.rating_hasil, p.rating_perilaku, p.predikat) for p in c.pegawai} == before


def test_limit_lists_no_candidates(folder: tuple[Path, Path, dict[str, str]]) -> None:
    rows = sheet_rows(run(folder, batas_perubahan=2))
    kur = [r for r in rows if r["Unit Kerja"] == KURANG_UNIT]
    assert len(kur) == 1
    assert "Tidak ada perubahan predikat paling banyak 2 pegawai" in str(kur[0]["Keterangan"])
    assert "paling sedikit 3 pegawai harus berubah" in str(kur[0]["Keterangan"])
    assert len([r for r in rows if r["Unit Kerja"] == ISTIMEWA_UNIT]) == 3  # 1 ≤ 2: listed


def test_score_book_has_the_sheet_and_multi_period_rows(
    folder: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    source, roster, nip = folder
    book = tmp_path / "buku.xlsx"
    result = CliRunner().invoke(
        cli,
        ["konsolidasi", str(source), "--periode", "TW1", "--roster", str(roster),
         "--keluaran", str(book), "--jobs", "1", "--senyap"],
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames.index("Kalibrasi") == wb.sheetnames.index("Distribusi") + 1
    values = list(wb["Kalibrasi"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(values) if r and r[0] == "Unit Kerja")
    header = list(values[header_at])
    got = [dict(zip(header, r, strict=True)) for r in values[header_at + 1 :] if r[0]]
    assert [r["Unit Kerja"] for r in got] == [KURANG_UNIT] * 4 + [ISTIMEWA_UNIT] * 3
    assert got[4]["Usulan perubahan"] == "1 pegawai Baik → Sangat Baik"
    assert got[5]["NIP"] == nip["Pegawai 03 Daerah"]  # text, all 18 digits
    # Several periods: the TW1 rows as a TW1 run gives them, with a Periode column.
    pol = DEFAULT_POLICY
    runs = consolidate_periods(source, ("TW1", "TW2"), pol, roster=read_roster(roster), jobs=1)
    many = next(t for t in tables_many(runs) if t.sheet == SHEET).frame
    one = next(t for t in tables(runs[0]) if t.sheet == SHEET).frame
    tw1 = many[many["Periode"] == "TW1"].drop(columns="Periode").reset_index(drop=True)
    assert tw1.fillna("").equals(one.fillna(""))


def test_unit_too_small_for_its_curve_says_so() -> None:
    # One rated pegawai under organisation predikat Baik: Baik cannot be the largest group
    # and have a Butuh Perbaikan/Kurang beside it (domain.md §2.9).
    unit = UnitResult(name="Unit Kecil.xlsx", unit="Unit Kecil", sha256="", periods=("TW1",))
    proposal = propose(OrgPredikat.BAIK, {Predikat.BAIK: 1})
    (row,) = unit_rows(unit, proposal, "Temuan.")
    assert row["Sebaran sekarang"] == "SK 0, K 0, BP 0, B 1, SB 0"
    assert row["Jumlah perubahan"] is None and "Usulan perubahan" not in row
    assert row["Keterangan"] == (
        "Temuan. Kurva ini tidak dapat dipenuhi oleh unit dengan 1 pegawai berpredikat, "
        "berapa pun predikat yang diubah; periksa predikat organisasi atau cakupan unit."
    )
