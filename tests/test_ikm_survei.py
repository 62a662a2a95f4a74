"""The IKM survey (PermenPANRB 14/2017, domain.md §6): Krejcie–Morgan, the survey workbook's
live formulas recalculated in LibreOffice against the rules, and the consolidation's IKM sheet.

The public vector is the worked example of S15 (GASPUL `rumus_perhitungan_ikm_lengkap.md`):
29 respondents, per unsur the counts of 4s, 3s and 2s below; Σ = 955, 955 / 261 × 25 =
91.475… → 91.48 with the weight 1/9, and 32.9310… × 0.11 × 25 = 90.56 with 0.11.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.ikm import UNSUR, ikm_from_respondents, sampel_minimum
from sheetnilai.rules.policy import (
    IkmPolicy,
    IkmSampleRounding,
    IkmWeight,
    PolicyInvalid,
    policy_from_mapping,
)
from sheetnilai.workbook.survei import build_survey_workbook
from tests.support.libreoffice import convert, soffice
from tests.support.workbooks import build, pegawai

# (4s, 3s, 2s) per unsur, S15's table "Tabel perhitungan lengkap triwulan III".
PUBLIC_COUNTS = [(18, 11, 0), (14, 15, 0), (15, 12, 2), (29, 0, 0), (15, 14, 0),
                 (18, 11, 0), (19, 10, 0), (18, 11, 0), (28, 1, 0)]  # fmt: skip
PUBLIC_TOTALS = [105, 101, 100, 116, 102, 105, 106, 105, 115]  # S15 "Total nilai"


def public_rows() -> list[list[object]]:
    columns = [[4] * a + [3] * b + [2] * c for a, b, c in PUBLIC_COUNTS]
    return [[col[r] for col in columns] for r in range(29)]


def test_public_vector_is_the_published_one() -> None:
    rows = public_rows()
    assert len(rows) == 29
    assert [sum(int(str(r[u])) for r in rows) for u in range(9)] == PUBLIC_TOTALS
    assert sum(PUBLIC_TOTALS) == 955
    hasil = ikm_from_respondents(rows)
    assert hasil.konversi == Fraction(955 * 25, 261)
    assert hasil.konversi_tampil == Decimal("91.48")
    printed = ikm_from_respondents(rows, IkmPolicy(IkmWeight.PRINTED))
    assert printed.konversi_tampil == Decimal("90.56")


# --- Krejcie–Morgan ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        pytest.param(100, 80, id="M-100"),
        pytest.param(500, 217, id="M-500"),
        pytest.param(1_000, 278, id="M-1000"),
        pytest.param(10_000, 370, id="M-10000"),
        pytest.param(1_000_000, 384, id="M-1000000"),
        pytest.param(1, 1, id="satu"),
    ],
)
def test_krejcie_morgan_as_the_published_table(n: int, expected: int) -> None:
    assert sampel_minimum(n) == expected


def test_krejcie_morgan_rounded_up() -> None:
    # 500: 480.125 / 2.20775 = 217.47… → 218; 100: 79.507… → 80; 1: exactly 1 → 1.
    up = IkmSampleRounding.UP
    assert (sampel_minimum(500, up), sampel_minimum(100, up), sampel_minimum(1, up)) == (
        218,
        80,
        1,
    )


def test_krejcie_morgan_against_decimal_arithmetic() -> None:
    # An independent evaluation in 50-digit decimals, for every population up to 5,000.
    from decimal import ROUND_CEILING, ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        for n in range(1, 5_001):
            s = (
                Decimal("3.841")
                * n
                * Decimal("0.25")
                / (Decimal("0.0025") * (n - 1) + Decimal("3.841") * Decimal("0.25"))
            )
            assert sampel_minimum(n) == int(s.quantize(Decimal(1), ROUND_HALF_UP)), n
            assert sampel_minimum(n, IkmSampleRounding.UP) == int(
                s.quantize(Decimal(1), ROUND_CEILING)
            ), n


@pytest.mark.parametrize("bad", [0, -5, True])
def test_krejcie_morgan_refuses_no_population(bad: int) -> None:
    with pytest.raises(RuleError) as info:
        sampel_minimum(bad)
    assert info.value.code == "ikm-populasi-tidak-sah"


def test_policy_sampel_setting() -> None:
    assert policy_from_mapping({"ikm": {"sampel": "ke-atas"}}).ikm.sampel is IkmSampleRounding.UP
    assert policy_from_mapping({}).ikm.sampel is IkmSampleRounding.TABLE
    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping({"ikm": {"sampel": "bulat"}})
    assert info.value.problems[0].params["allowed"] == '"tabel", "ke-atas"'


# --- the survey workbook in LibreOffice ----------------------------------------------------


def fill(path: Path, rows: list[list[object]], start: int = 2, sheet: str = "Jawaban") -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    for r, row in enumerate(rows):
        ws.cell(row=start + r, column=1, value=f"2026-03-{1 + r % 28:02d} 10:00")
        for u, value in enumerate(row):
            ws.cell(row=start + r, column=2 + u, value=value)  # type: ignore[arg-type]
    wb.save(path)


EDGE_A = [[4, 4, 4, 4, 4, 3, 3, 3, 3]]  # Σ NRR 32: 1/9 → 88.89 A; 0.11 → 88.00 B
EDGE_65 = [[3] * 9, [3] * 9, [3] * 9, [2] * 9, [2] * 9]  # NRR 2.6 each: 1/9 → 65.00 C
# Junk in a respondent's row: 0, 5, "x", 2.5 are left out, the other answers count.
JUNK_ROW: list[object] = [0, 4, 5, 3, "x", 4, 2.5, 3, 4]


def junk_clean(rows: list[list[object]]) -> list[list[object]]:
    return [[None if v in (0, 5, "x", 2.5) else v for v in row] for row in rows]


CASES: dict[str, tuple[list[list[object]], IkmPolicy, int | None]] = {
    "publik-1-9": (public_rows(), IkmPolicy(), 1_000),
    "publik-0-11": (public_rows(), IkmPolicy(IkmWeight.PRINTED), 500),
    "publik-ke-atas": (public_rows(), IkmPolicy(sampel=IkmSampleRounding.UP), 500),
    "tepi-a": (EDGE_A, IkmPolicy(), None),
    "tepi-b": (EDGE_A, IkmPolicy(IkmWeight.PRINTED), 29),
    "tepi-65": (EDGE_65, IkmPolicy(), 5),
    "sampah": ([*public_rows(), JUNK_ROW], IkmPolicy(), 100),
}
EXPECTED_SHOWN = {"publik-1-9": 91.48, "publik-0-11": 90.56, "tepi-a": 88.89, "tepi-b": 88.0,
                  "tepi-65": 65.0}  # fmt: skip
EXPECTED_MUTU = {"publik-1-9": "A", "publik-0-11": "A", "tepi-a": "A", "tepi-b": "B",
                 "tepi-65": "C"}  # fmt: skip
# By hand: N=29 → 27.847 / 1.030 = 27.03; N=5 → 4.801 / 0.970 = 4.95.
EXPECTED_SAMPEL = {"publik-1-9": 278, "publik-0-11": 217, "publik-ke-atas": 218, "tepi-a": None,
                   "tepi-b": 27, "tepi-65": 5, "sampah": 80}  # fmt: skip


def _named(wb: Any, values: Any, name: str) -> object:
    dest = next(iter(wb.defined_names[name].destinations))
    sheet, ref = dest
    return values[sheet][ref.replace("$", "")].value


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any]]:
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    tmp = tmp_path_factory.mktemp("survei")
    paths = []
    for key, (rows, policy, populasi) in CASES.items():
        path = tmp / f"{key}.xlsx"
        build_survey_workbook(path, f"Unit {key}", "Triwulan I 2026", populasi, policy)
        fill(path, rows)
        paths.append(path)
    outs = convert(paths, tmp / "out")
    got = {}
    for key, out in zip(CASES, outs, strict=True):
        got[key] = (openpyxl.load_workbook(out), openpyxl.load_workbook(out, data_only=True))
    return got


@pytest.mark.parametrize("key", list(CASES))
def test_sheet_formulas_equal_the_rules(key: str, recalculated: dict[str, tuple[Any, Any]]) -> None:
    rows, policy, populasi = CASES[key]
    wb, values = recalculated[key]
    expected = ikm_from_respondents(junk_clean(rows), policy)
    sheet = values["Survei IKM"]
    nrr = [sheet.cell(row=10 + u, column=9).value for u in range(9)]
    assert nrr == pytest.approx([float(x) for x in expected.nrr], abs=1e-12)
    assert _named(wb, values, "SN_IKM_IKM") == pytest.approx(float(expected.ikm), abs=1e-12)
    assert _named(wb, values, "SN_IKM_KONVERSI") == pytest.approx(
        float(expected.konversi), abs=1e-9
    )
    assert _named(wb, values, "SN_IKM_TAMPIL") == float(expected.konversi_tampil)
    assert _named(wb, values, "SN_IKM_MUTU") == expected.mutu
    assert _named(wb, values, "SN_IKM_KINERJA") == expected.kinerja
    assert _named(wb, values, "SN_IKM_RESPONDEN") == expected.responden
    if key in EXPECTED_SHOWN:
        assert _named(wb, values, "SN_IKM_TAMPIL") == EXPECTED_SHOWN[key]
        assert _named(wb, values, "SN_IKM_MUTU") == EXPECTED_MUTU[key]
    minimum = _named(wb, values, "SN_IKM_SAMPEL")
    assert (minimum or None) == EXPECTED_SAMPEL[key]
    if populasi is not None:
        assert minimum == sampel_minimum(populasi, policy.sampel)
    status = str(_named(wb, values, "SN_IKM_STATUS"))
    if populasi is None:
        assert status.startswith("Isi jumlah populasi")
    elif expected.responden >= populasi and minimum is not None:
        assert status.startswith("Sampel cukup")


def test_junk_answers_left_out_in_the_sheet(recalculated: dict[str, tuple[Any, Any]]) -> None:
    wb, values = recalculated["sampah"]
    assert _named(wb, values, "SN_IKM_TIDAK_SAH") == 4
    assert _named(wb, values, "SN_IKM_RESPONDEN") == 30
    status = str(_named(wb, values, "SN_IKM_STATUS"))
    assert status == "Sampel kurang: perlu 50 responden lagi; 4 jawaban tidak sah tidak dihitung"


def test_answers_on_a_google_form_sheet(tmp_path: Path) -> None:
    """A Google Form writes into a sheet of its own: naming it in the header is enough."""
    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    path = tmp_path / "form.xlsx"
    build_survey_workbook(path, "Puskesmas Form", "2026", 1_000)
    fill(path, public_rows(), sheet="Jawaban Formulir 1")
    wb = openpyxl.load_workbook(path)
    wb["Survei IKM"]["B6"] = "Jawaban Formulir 1"
    wb.save(path)
    (out,) = convert([path], tmp_path / "out")
    values = openpyxl.load_workbook(out, data_only=True)
    assert _named(openpyxl.load_workbook(out), values, "SN_IKM_TAMPIL") == 91.48


def test_template_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    build_survey_workbook(path, "Puskesmas Sukamaju", "2026", 1_000)
    wb = openpyxl.load_workbook(path)
    answers = wb["Jawaban"]
    header = [answers.cell(row=1, column=c).value for c in range(1, 11)]
    assert header[0] == "Stempel waktu / No"
    assert header[1:] == [f"U{u + 1} {name}" for u, name in enumerate(UNSUR)]
    (dv,) = answers.data_validations.dataValidation
    # "between" is the default operator, which the file leaves unwritten.
    assert (dv.type, dv.operator or "between", dv.formula1, dv.formula2) == (
        "whole",
        "between",
        "1",
        "4",
    )
    assert str(dv.sqref) == "B2:J5001"
    assert wb["sheetnilai-ikm"].sheet_state == "hidden"
    assert wb["Survei IKM"]["B3"].value == "Puskesmas Sukamaju"


# --- CLI -----------------------------------------------------------------------------------


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_templat_writes_one_per_unit_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "survei"
    code, stdout, err = run("ikm", "templat", "--unit", "Puskesmas A", "--unit", "Puskesmas B",
                            "--populasi", "500", "--keluaran", out)  # fmt: skip
    assert code == 0, err
    assert stdout.splitlines() == [
        "  IKM Puskesmas A.xlsx",
        "  IKM Puskesmas B.xlsx",
        f"Selesai: 2 workbook survei IKM di {out}/.",
    ]
    before = (out / "IKM Puskesmas A.xlsx").read_bytes()
    code, _, err = run("ikm", "templat", "--unit", "Puskesmas A", "--keluaran", out)
    assert code == 1
    assert "1 workbook survei IKM sudah ada" in err
    assert (out / "IKM Puskesmas A.xlsx").read_bytes() == before
    code, _, err = run("ikm", "templat", "--keluaran", out)
    assert code == 1
    assert "Tidak ada unit layanan" in err


# --- the consolidation ----------------------------------------------------------------------


def table(book: Path, sheet: str, first: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(book)[sheet]
    data = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(data) if r and r[0] == first)
    header = data[at]
    return [dict(zip(header, r, strict=True)) for r in data[at + 1 :] if r[0] is not None]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "masuk"
    folder.mkdir()
    build(folder / "Dinas Uji.xlsx", [pegawai(1), pegawai(2)])
    clean = folder / "IKM Puskesmas A.xlsx"
    build_survey_workbook(clean, "Puskesmas A", "Triwulan I 2026", 1_000)
    fill(clean, public_rows())
    junk = folder / "IKM Puskesmas B.xlsx"
    build_survey_workbook(junk, "Puskesmas B", "Triwulan I 2026", 20)
    # Row 31: a respondent whose every answer is junk: left out, each reported at its cell.
    fill(junk, [*public_rows(), [0, 5, "x", 2.5, 0, 5, "x", 2.5, "x"]])
    return folder


def test_konsolidasi_adds_the_ikm_sheet(source: Path, tmp_path: Path) -> None:
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1")  # fmt: skip
    assert code in (0, 3), err
    rows = {r["Unit Layanan"]: r for r in table(book, "IKM", "Unit Layanan")}
    assert set(rows) == {"Puskesmas A", "Puskesmas B"}
    a, b = rows["Puskesmas A"], rows["Puskesmas B"]
    assert (a["Nilai IKM"], a["Mutu"], a["Kinerja Unit"]) == (91.48, "A", "Sangat Baik")
    assert (a["Responden"], a["Populasi"], a["Sampel Minimum"], a["Sampel Cukup"]) == (
        29, 1_000, 278, "tidak")  # fmt: skip
    # NRR 105/29 … 115/29 (S15's table); below their mean 955/261: U3 lowest, then U2, U5…
    for u, total in enumerate(PUBLIC_TOTALS):
        assert a[f"NRR U{u + 1} {UNSUR[u]}"] == pytest.approx(round(total / 29, 4))
    assert a["Unsur Penarik"].split("; ")[:3] == [
        "U3 Waktu Penyelesaian (3,45)",
        "U2 Sistem, Mekanisme, dan Prosedur (3,48)",
        "U5 Produk Spesifikasi Jenis Pelayanan (3,52)",
    ]
    assert "U4" not in a["Unsur Penarik"] and "U9" not in a["Unsur Penarik"]
    # Populasi 20 → minimum 19: 29 respondents are enough; the junk row is not a respondent.
    assert (b["Nilai IKM"], b["Responden"], b["Sampel Minimum"], b["Sampel Cukup"]) == (
        91.48, 29, 19, "ya")  # fmt: skip
    assert b["Jawaban Tidak Sah"] == 9
    problems = table(book, "Masalah", "Tingkat")
    junk = [p for p in problems if p["Kode"] == "ikm-jawaban-tidak-sah"]
    assert {(p["Berkas"], p["Lembar"], p["Sel"]) for p in junk} == {
        ("IKM Puskesmas B.xlsx", "Jawaban", f"{col}31") for col in "BCDEFGHIJ"
    }
    assert all(p["Tingkat"] == "galat" for p in junk)
    shown = {p["Sel"]: p["Pesan"] for p in junk}
    assert shown["D31"] == 'Jawaban "x" untuk unsur 3 (responden ke-30) bukan 1, 2, 3, atau 4.'
    assert shown["E31"].startswith('Jawaban "2.5" untuk unsur 4')
    assert "tidak dihitung" in junk[0]["Saran"]
    assert any(p["Kode"] == "ikm-sampel-kurang" and p["Berkas"] == "IKM Puskesmas A.xlsx"
               for p in problems)  # fmt: skip
    assert not any(p["Kode"] == "bukan-templat-sheetnilai" for p in problems)
    meta = {r["Butir"]: r["Nilai"] for r in table(book, "Metadata", "Butir")}
    assert meta["Berkas: IKM Puskesmas A.xlsx"].startswith("dibaca: survei IKM;")
    assert meta["Berkas: Dinas Uji.xlsx"].startswith("dibaca;")


def sync_once(source: Path, tmp_path: Path) -> tuple[int, str, str]:
    return run("sinkron", "--sumber", source, "--periode", "TW1", "--keluaran",
               tmp_path / "hasil", "--penyimpanan", tmp_path / "s.sqlite", "--sekali")  # fmt: skip


def test_sinkron_serves_the_survey_from_its_store(source: Path, tmp_path: Path) -> None:
    def sync() -> tuple[int, str, str]:
        return sync_once(source, tmp_path)

    code, _, err = sync()
    assert code == 0, err
    build(source / "Dinas Lain.xlsx", [pegawai(3, unit="Dinas Lain")], unit="Dinas Lain")
    code, _, err = sync()
    assert code == 0, err
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        files, read = db.execute("SELECT files, read FROM passes ORDER BY id DESC").fetchone()
    assert (files, read) == (4, 1)  # both surveys served from the store
    latest = tmp_path / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    rows = {r["Unit Layanan"]: r for r in table(latest, "IKM", "Unit Layanan")}
    assert rows["Puskesmas A"]["Nilai IKM"] == 91.48
    assert rows["Puskesmas B"]["Jawaban Tidak Sah"] == 9
    problems = table(latest, "Masalah", "Tingkat")
    assert sum(p["Kode"] == "ikm-jawaban-tidak-sah" for p in problems) == 9


def test_a_renamed_survey_is_served_under_its_new_name(source: Path, tmp_path: Path) -> None:
    def sync() -> tuple[int, str, str]:
        return sync_once(source, tmp_path)

    assert sync()[0] == 0
    shutil.move(source / "IKM Puskesmas B.xlsx", source / "Survei B.xlsx")
    assert sync()[0] == 0
    latest = tmp_path / "hasil" / "buku-nilai-TW1-terbaru.xlsx"
    rows = {r["Unit Layanan"]: r for r in table(latest, "IKM", "Unit Layanan")}
    assert rows["Puskesmas B"]["Berkas"] == "Survei B.xlsx"
    junk = [p for p in table(latest, "Masalah", "Tingkat") if p["Kode"] == "ikm-jawaban-tidak-sah"]
    assert {p["Berkas"] for p in junk} == {"Survei B.xlsx"}
    assert math.isclose(rows["Puskesmas B"]["Nilai IKM"], 91.48)


# --- IKI whose source is a survey ------------------------------------------------------------


def type_iki(path: Path, iki: dict[int, list[tuple[str, float, float]]]) -> None:
    """Type (indikator, target, realisasi TW1) rows on the k-th SKP sheet of a unit workbook."""
    from sheetnilai.periods import Scheme, periods
    from sheetnilai.workbook.layout import SkpLayout

    layout = SkpLayout(periods(Scheme.TRIWULAN))
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    wb = openpyxl.load_workbook(path)
    titles = [t for t in wb.sheetnames if t[:2].isdigit()]
    for k, rows in iki.items():
        ws = wb[titles[k]]
        row = layout.hk_first_row + 1
        ws.cell(row, col["rhk"], "Meningkatnya kepuasan masyarakat")
        for j, (text, target, real) in enumerate(rows):
            ws.cell(row + j, col["iki"], text)
            ws.cell(row + j, col["target"], target)
            ws.cell(row + j, col["arah"], "Semakin tinggi semakin baik")
            ws.cell(row + j, col["realisasi@TW1"], real)
    wb.save(path)


def test_an_iki_names_its_survey(source: Path, tmp_path: Path) -> None:
    type_iki(
        source / "Dinas Uji.xlsx",
        {
            0: [("Nilai IKM Puskesmas A", 85, 91.48), ("Persentase dokumen selesai", 100, 90)],
            1: [("Indeks Kepuasan Masyarakat Puskesmas B", 85, 90)],
        },
    )
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1")  # fmt: skip
    assert code in (0, 3), err
    hk = {r["IKI"]: r for r in table(book, "Hasil Kerja", "NIP")}
    a = hk["Nilai IKM Puskesmas A"]
    assert (a["Sumber data"], a["Realisasi survei IKM"]) == (
        "IKM Puskesmas A (IKM Puskesmas A.xlsx)",
        91.48,
    )
    b = hk["Indeks Kepuasan Masyarakat Puskesmas B"]
    assert b["Sumber data"] == "IKM Puskesmas B (IKM Puskesmas B.xlsx)"
    assert hk["Persentase dokumen selesai"]["Sumber data"] in ("", None)
    warned = [p for p in table(book, "Masalah", "Tingkat") if p["Kode"] == "ikm-realisasi-berbeda"]
    # 91.48 typed for A is the survey's value; 90 typed for B is not.
    assert [(p["Tingkat"], p["Lembar"], p["Sel"]) for p in warned] == [
        ("peringatan", b["Lembar"], b["Sel realisasi"])
    ]
    assert warned[0]["Pesan"] == (
        'Realisasi IKI "Indeks Kepuasan Masyarakat Puskesmas B" diketik 90, sedangkan sumber '
        "datanya, survei IKM Puskesmas B (IKM Puskesmas B.xlsx), memberi nilai IKM 91,48. "
        "Capaian dihitung dari nilai survei."
    )
    # The survey's exact konversi is the realisasi (the default [ikm] realisasi_iki =
    # "survei"): S15's 955 over 29 respondents and 9 unsur, × 25 = 23875/261 = 91.4750…,
    # against target 85 is 107.6…%, shown whole as the capaian policy rounds it: 108%, for
    # B as for A (B typed 90, which alone would give 106%).
    for row in (a, b):
        assert row["Realisasi dinilai"] == pytest.approx(91.4751)
        assert row["Capaian (%)"] == pytest.approx(1.08)


def test_the_survey_fills_an_empty_realisasi(source: Path, tmp_path: Path) -> None:
    """An IKI left empty whose source is a survey is scored on the survey, not missing; the
    pegawai's suggested rating follows from it."""
    type_iki(source / "Dinas Uji.xlsx", {0: [("Nilai IKM Puskesmas A", 85, None)]})
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1")  # fmt: skip
    assert code in (0, 3), err
    (row,) = [r for r in table(book, "Hasil Kerja", "NIP") if r["IKI"] == "Nilai IKM Puskesmas A"]
    assert row["Capaian (%)"] == pytest.approx(1.08)
    assert row["Realisasi"] in ("", None)
    codes = {(p["Kode"], p["Sel"]) for p in table(book, "Masalah", "Tingkat")}
    assert ("realisasi-kosong", row["Sel realisasi"]) not in codes
    peg = {r["NIP"]: r for r in table(book, "Pegawai", "NIP")}[row["NIP"]]
    assert peg["Rata-rata capaian (%)"] == pytest.approx(1.08)


def test_typed_realisasi_decides_under_diketik(source: Path, tmp_path: Path) -> None:
    type_iki(source / "Dinas Uji.xlsx", {1: [("Indeks Kepuasan Masyarakat Puskesmas B", 85, 90)]})
    policy = tmp_path / "kebijakan.toml"
    policy.write_text('[ikm]\nrealisasi_iki = "diketik"\n', encoding="utf-8")
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1", "--kebijakan", policy)  # fmt: skip
    assert code in (0, 3), err
    (row,) = [r for r in table(book, "Hasil Kerja", "NIP") if r["Sumber data"]]
    assert row["Capaian (%)"] == pytest.approx(1.06)  # 90 / 85 = 105.9%
    (warned,) = [p for p in table(book, "Masalah", "Tingkat")
                 if p["Kode"] == "ikm-realisasi-berbeda"]  # fmt: skip
    assert warned["Pesan"].endswith("Capaian dihitung dari realisasi yang diketik.")


@pytest.mark.parametrize("target", ["xlsx:Calc MS Excel 2007 XML", "ods"])
def test_saved_by_libreoffice_it_still_reads(tmp_path: Path, target: str) -> None:
    """A survey saved by LibreOffice (.xlsx or .ods) is recognised and read the same."""
    from sheetnilai.sources.raw import read_book
    from sheetnilai.sources.survei import is_survey, read_survey

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    rows = [*public_rows(), JUNK_ROW]
    path = tmp_path / "lo.xlsx"
    build_survey_workbook(path, "Puskesmas LO", "2026", 100)
    fill(path, rows)
    (out,) = convert([path], tmp_path / "out", target=target)
    book = read_book(out)
    assert is_survey(book)
    got = read_survey(book, out.name, IkmPolicy())
    assert got.hasil == ikm_from_respondents(junk_clean(rows))
    assert (got.unit, got.populasi, got.sampel_minimum, got.tidak_sah) == (
        "Puskesmas LO",
        100,
        80,
        4,
    )
    bad = sorted(p.cell or "" for p in got.problems if p.code == "ikm-jawaban-tidak-sah")
    assert bad == ["B31", "D31", "F31", "H31"]  # 0, 5, "x", 2.5 of respondent 30


def test_only_an_iki_that_is_an_ikm_value_takes_the_survey(source: Path, tmp_path: Path) -> None:
    """An IKI that only mentions the survey, names another unit that merely begins like a
    surveyed one, or has a target off the 25–100 scale keeps its typed realisasi."""
    type_iki(
        source / "Dinas Uji.xlsx",
        {
            0: [
                ("Jumlah laporan hasil survei IKM Puskesmas A", 2, 2),
                ("Nilai IKM Puskesmas AB", 85, 80),
                ("Nilai IKM Puskesmas A", 3.5, 3.6),  # the 1–4 scale: not the konversi
            ]
        },
    )
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1")  # fmt: skip
    assert code in (0, 3), err
    hk = {r["IKI"]: r for r in table(book, "Hasil Kerja", "NIP")}
    for name, capaian in [("Jumlah laporan hasil survei IKM Puskesmas A", 1.0),
                          ("Nilai IKM Puskesmas AB", 0.94),  # 80 / 85 = 94.1%
                          ("Nilai IKM Puskesmas A", 1.03)]:  # 3.6 / 3.5 = 102.9%  # fmt: skip
        assert hk[name]["Sumber data"] in ("", None), name
        assert hk[name]["Capaian (%)"] == pytest.approx(capaian), name


def test_two_surveys_of_one_unit_decide_nothing(source: Path, tmp_path: Path) -> None:
    shutil.copy(source / "IKM Puskesmas A.xlsx", source / "IKM Puskesmas A lama.xlsx")
    type_iki(source / "Dinas Uji.xlsx", {0: [("Nilai IKM Puskesmas A", 85, 80)]})
    book = tmp_path / "buku.xlsx"
    code, _, err = run("konsolidasi", source, "--periode", "TW1", "--keluaran", book,
                       "--jobs", "1")  # fmt: skip
    assert code in (0, 3), err
    (row,) = [r for r in table(book, "Hasil Kerja", "NIP") if r["IKI"] == "Nilai IKM Puskesmas A"]
    assert row["Sumber data"] in ("", None)
    assert row["Capaian (%)"] == pytest.approx(0.94)  # the typed 80 against 85
    (twice,) = [p for p in table(book, "Masalah", "Tingkat") if p["Kode"] == "ikm-survei-ganda"]
    assert (
        "IKM Puskesmas A.xlsx" in twice["Pesan"] and "IKM Puskesmas A lama.xlsx" in twice["Pesan"]
    )


def test_a_mistyped_answer_sheet_name_is_named_at_its_cell(tmp_path: Path) -> None:
    from sheetnilai.sources.raw import read_book
    from sheetnilai.sources.survei import read_survey

    path = tmp_path / "IKM Puskesmas C.xlsx"
    build_survey_workbook(path, "Puskesmas C", "2026", 100)
    fill(path, public_rows(), sheet="Jawaban Formulir 1")
    wb = openpyxl.load_workbook(path)
    wb["Survei IKM"]["B6"] = "Jawaban Formulir 2"  # the form's sheet is "… 1"
    wb.save(path)
    got = read_survey(read_book(path), path.name, IkmPolicy())
    assert got.hasil is None
    (missing,) = [p for p in got.problems if p.code == "ikm-lembar-jawaban-tidak-ada"]
    assert (missing.sheet, missing.cell) == ("Survei IKM", "B6")
    assert '"Jawaban Formulir 2"' in missing.message and "Jawaban Formulir 1" in missing.message


def test_answers_past_the_formulas_rows_are_a_warning(tmp_path: Path) -> None:
    from sheetnilai.sources.raw import read_book
    from sheetnilai.sources.survei import read_survey
    from sheetnilai.workbook.survei import MAX_RESPONDEN

    path = tmp_path / "IKM Puskesmas D.xlsx"
    build_survey_workbook(path, "Puskesmas D", "2026", 100_000)
    fill(path, [[3] * 9] * (MAX_RESPONDEN + 1))
    got = read_survey(read_book(path), path.name, IkmPolicy())
    assert got.hasil is not None and got.hasil.responden == MAX_RESPONDEN + 1
    (past,) = [p for p in got.problems if p.code == "ikm-responden-melebihi-rumus"]
    assert past.cell == f"B{MAX_RESPONDEN + 2}"  # the first answer the formulas leave out
