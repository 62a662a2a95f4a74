"""Golden and bad-input cases of the worksheet functions (domain.md), shared by
tests/test_xlwings_udf.py (CPython, against the expected values) and tests/test_pyodide.py
(the same calls in Pyodide, against CPython's results)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

MARK = "#GALAT: "
NAN = float("nan")

# domain.md §2.8, all nine cells: (rating hasil, rating perilaku, predikat).
PREDIKAT_MATRIX = [
    ("Di Atas Ekspektasi", "Di Atas Ekspektasi", "Sangat Baik"),
    ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Baik"),
    ("Di Atas Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
    ("Sesuai Ekspektasi", "Di Atas Ekspektasi", "Baik"),
    ("Sesuai Ekspektasi", "Sesuai Ekspektasi", "Baik"),
    ("Sesuai Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
    ("Di Bawah Ekspektasi", "Di Atas Ekspektasi", "Butuh Perbaikan"),
    ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Butuh Perbaikan"),
    ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi", "Sangat Kurang"),
]

# (SN_CAPAIAN and SN_NILAI_CAPAIAN arguments, capaian, nilai)
CAPAIAN = [
    pytest.param((95.0, 93.0), 98.0, 88.0, id="S10-95-93-98-88"),
    pytest.param((4.0, 3.0, "Semakin rendah semakin baik"), 120.0, 120.0, id="S10-turun-125"),
    pytest.param((4.0, 5.0, "turun"), 75.0, 65.0, id="S10-turun-75"),  # 50 + 15
    pytest.param((30.0, 24.0, "turun"), 120.0, 120.0, id="S10-turun-waktu-tunggu"),
    pytest.param(("80-90", 85.0), 100.0, 109.0, id="S10-rentang-di-dalam"),
    pytest.param(("80 - 90", 99.0), 110.0, 120.0, id="S10-rentang-di-atas"),
    pytest.param(("80 s.d. 90", 72.0), 90.0, 80.0, id="S10-rentang-di-bawah"),  # 70 + 10
    pytest.param((80.0, 99.0, None, 90.0), 110.0, 120.0, id="S10-rentang-dua-sel"),
    pytest.param((200.0, 100.0, ""), 50.0, float(Fraction(2450, 59)), id="S10-sangat-kurang"),
]

# (capaian range, saran rating)
SARAN_RATING = [
    ([[98.0], [None], [104.0]], "Di Atas Ekspektasi"),  # mean 101
    ([[100.0], [100.0]], "Sesuai Ekspektasi"),
    ([[98.0, 99.0]], "Di Bawah Ekspektasi"),
    ([[None], [""]], ""),  # nothing numeric: no suggestion
]

# (predikat, jenjang, bulan, angka kredit)
ANGKA_KREDIT = [
    pytest.param("Sangat Baik", "Ahli Pertama", 12.0, 18.75, id="S11-18.75"),
    pytest.param("Sangat Baik", "Ahli Pertama", None, 18.75, id="S11-bulan-kosong-12"),
    pytest.param("Baik", "Ahli Pertama", 2.0, 2.08, id="S11-2-bulan-2.08"),
    pytest.param("Butuh Perbaikan", "Mahir", 12.0, 9.38, id="SIASN-mahir-bp"),
    pytest.param("Cukup", "Ahli Madya", 12.0, 28.13, id="SIASN-madya-cukup"),
    pytest.param("Sangat Baik", "Pemula", 12.0, 5.63, id="pemula-5.625-naik"),
]

# (SN_PP46 arguments, nilai)
PP46 = [
    # domain.md §4.2 golden aspects, each isolated by giving all three aspects the value.
    pytest.param((100, 76, 100, 76, 12, 12), 76.0, id="S12-waktu-12-12-76"),
    pytest.param((100, 96, 100, 96, 5, 4), 96.0, id="S12-waktu-5-4-96"),
    pytest.param((100, 100, 100, 100, 1, 0.76), 100.0, id="S12-waktu-1-0.76-100"),
    pytest.param((100, 100, 100, 100, 12, 9.12), 100.0, id="S12-float-trap-9.12-100"),
    pytest.param((100, 70, 100, 70, 1, 0.70), 70.0, id="S14-waktu-1-0.70-70"),
    pytest.param((10, 9, 100, 85, 12, 11, 1_000_000, 900_000), 259 / 3, id="biaya-259/3"),
    pytest.param((10, 9, 100, 85, 12, 11), 778 / 9, id="tanpa-biaya-778/9"),
    pytest.param((10, 9, 100, 85, 12, 11, None, 900_000), 778 / 9, id="biaya-dari-target"),
    pytest.param((10, None, 100, None, 12, None), 0.0, id="S12-tidak-terlaksana"),
]

ALL_FOURS = [[4.0] * 9] * 3
MIXED_ROWS = [  # tests/rules/test_ikm.py MIXED, one row per respondent
    [4, 3, 4, 4, 2, 3, 4, 2, 3],
    [3, 3, 4, 4, 3, 4, 4, 2, 3],
    [4, 3, 4, 4, 3, 4, 3, 3, 4],
    [3, 3, None, 4, 4, 3, 4, 3, ""],
]

# (jawaban range, bobot, konversi, mutu); domain.md §6: 1/9 against the printed 0.11.
IKM = [
    pytest.param(ALL_FOURS, None, 100.0, "A (Sangat Baik)", id="S15-empat-1/9-100"),
    pytest.param(ALL_FOURS, "0,11", 99.0, "A (Sangat Baik)", id="S15-empat-0.11-99"),
    pytest.param(ALL_FOURS, 0.11, 99.0, "A (Sangat Baik)", id="S15-empat-0.11-angka"),
    pytest.param([[1.0] * 9], None, 25.0, "D (Tidak Baik)", id="S15-satu-25"),
    pytest.param(MIXED_ROWS, "1/9", 84.95, "B (Baik)", id="campuran-1/9-84.95"),
    pytest.param(MIXED_ROWS, "0.11", 84.10, "B (Baik)", id="campuran-0.11-84.10"),
    pytest.param([[4, 4, 4, 4, 4, 3, 3, 3, 3]], None, 88.89, "A (Sangat Baik)", id="D-1/9-A"),
    pytest.param([[4, 4, 4, 4, 4, 3, 3, 3, 3]], "0,11", 88.0, "B (Baik)", id="D-0.11-B"),
]

# domain.md §2.9: (predikat organisasi, predikat range); the expected cells are in the test.
DISTRIBUSI_COLUMN = ("Baik", [["Baik"]] * 8 + [["Butuh Perbaikan"], ["Sangat Baik"], [None]])
DISTRIBUSI_ROW = ("Istimewa", [["Sangat Baik"] * 7 + ["Baik"] * 3])
DISTRIBUSI_MISSING = ("Baik", [["Baik"] * 7 + ["Sangat Baik"] * 3])
DISTRIBUSI_EMPTY = ("Istimewa", [[None, ""]])

# (nip, status, result)
NIP = [
    pytest.param("19660801 198803 1 001", None, "sah", id="S16-contoh"),
    pytest.param("196608011988031001", "PNS", "sah", id="S16-pns"),
    pytest.param("199001012023212001", None, "sah", id="S17-pppk"),
    pytest.param(
        1.96608011988031e17,
        None,
        MARK + "NIP tersimpan sebagai angka (1.96608011988031e+17); spreadsheet hanya "
        "menyimpan 15 digit angka, sehingga digit terakhirnya sudah berubah.",
        id="M-nip-angka",
    ),
    pytest.param("", None, MARK + "NIP belum diisi.", id="M-kosong"),
]
NIP_WARNING = "196608011988031000"  # urut 000
NIP_GALAT_AND_WARNING = "196602301988133000"

# (function, arguments, a fragment of the marked Indonesian text it must show)
BAD_INPUT = [
    ("SN_PREDIKAT", ("baik sekali", "Sesuai"), 'Rating "baik sekali" bukan'),
    ("SN_PREDIKAT", (None, "Sesuai"), 'Rating "" bukan'),
    ("SN_PREDIKAT", ("", ""), 'Rating "" bukan'),
    ("SN_PREDIKAT", (True, "Sesuai"), 'Rating "True" bukan'),
    ("SN_PREDIKAT", (NAN, "Sesuai"), 'Rating "nan" bukan'),
    ("SN_PREDIKAT", ([["Sesuai", "Sesuai"]], "Sesuai"), "harus satu sel"),
    ("SN_PREDIKAT", ([[["Sesuai"]]], "Sesuai"), "harus satu sel"),
    ("SN_CAPAIAN", (None, 93.0), "Target belum diisi."),
    ("SN_CAPAIAN", ("", 93.0), "Target belum diisi."),
    ("SN_CAPAIAN", (95.0, "abc"), 'Realisasi berisi "abc"'),
    ("SN_CAPAIAN", (95.0, True), 'Realisasi berisi "True"'),
    ("SN_CAPAIAN", (95.0, NAN), 'Realisasi berisi "nan"'),
    ("SN_CAPAIAN", (float("inf"), 93.0), 'Target berisi "inf"'),
    ("SN_CAPAIAN", (0.0, 93.0), "Target bernilai 0"),
    ("SN_CAPAIAN", (95.0, 93.0, "ke samping"), 'Arah IKI "ke samping"'),
    ("SN_CAPAIAN", (90.0, 93.0, None, 80.0), "lebih besar dari batas atasnya"),
    ("SN_CAPAIAN", ([[95.0], [96.0]], 93.0), "Target harus satu sel"),
    ("SN_NILAI_CAPAIAN", (95.0, -1.0), "Realisasi bernilai negatif"),
    ("SN_SARAN_RATING", ([[98.0], ["abc"]],), 'Capaian berisi "abc"'),
    ("SN_SARAN_RATING", ([[True]],), 'Capaian berisi "True"'),
    ("SN_SARAN_RATING", ([[NAN]],), 'Capaian berisi "nan"'),
    ("SN_SARAN_RATING", ([[98.0, [99.0]]],), "bukan daftar bersarang"),
    ("SN_DISTRIBUSI", (None, [["Baik"]]), 'Predikat organisasi "" bukan'),
    ("SN_DISTRIBUSI", ("Baik", [["Baik"], ["Amat Baik"]]), 'Predikat "Amat Baik" bukan'),
    ("SN_DISTRIBUSI", ("Baik", [["#N/A"]]), 'Predikat "#N/A" bukan'),
    ("SN_ANGKA_KREDIT", ("Baik", "Ahli Super", 12.0), 'Jenjang jabatan fungsional "Ahli'),
    ("SN_ANGKA_KREDIT", ("Baik", "Ahli Muda", 13.0), "harus bilangan bulat 1 sampai 12"),
    ("SN_ANGKA_KREDIT", ("Baik", "Ahli Muda", 1e308), "tidak sah"),
    ("SN_ANGKA_KREDIT", ("Baik", "Ahli Muda", True), "tidak sah"),
    ("SN_ANGKA_KREDIT", (None, "Ahli Muda", 12.0), 'Predikat "" bukan'),
    ("SN_CEK_NIP", (None,), "NIP belum diisi."),
    ("SN_CEK_NIP", (NAN,), "NIP belum diisi."),
    ("SN_CEK_NIP", ("abc",), "abc"),
    ("SN_CEK_NIP", (True,), "True"),
    ("SN_CEK_NIP", ([["1", "2"]],), "NIP harus satu sel"),
    ("SN_IKM", (None,), "9 unsur"),
    ("SN_IKM", ([[4.0] * 8],), "ditemukan 8"),
    ("SN_IKM", ([[4.0] * 8 + [5.0]],), 'Jawaban "5" untuk unsur 9'),
    ("SN_IKM", ([[4.0] * 8 + [1e308]],), "bukan 1, 2, 3, atau 4"),
    ("SN_IKM", ([[4.0] * 8 + [True]],), 'Jawaban "True"'),
    ("SN_IKM", ([[None] * 9],), "Unsur 1 tidak memiliki satu pun jawaban"),
    ("SN_IKM", ([[4.0] * 9], "1/10"), 'Bobot IKM "1/10" tidak dikenal'),
    ("SN_MUTU_IKM", ([[[4.0] * 9]],), "bukan daftar bersarang"),
    ("SN_PP46", (0, 5, 100, 90, 12, 12), "Target kuantitas bernilai 0"),
    ("SN_PP46", (10, "abc", 100, 90, 12, 12), 'Realisasi kuantitas berisi "abc"'),
    ("SN_PP46", (10, 5, 100, None, 12, 12), "Realisasi kualitas belum diisi."),
    ("SN_PP46", (10, 5, 100, 90, 12, NAN), 'Realisasi waktu berisi "nan"'),
    ("SN_PP46", (1e-308, 1e308, 1, 1, 1, 1), "Hasil terlalu besar"),
    ("SN_PP46", (10**400, 10**400, 1, 10**400, 1, 1), "Hasil terlalu besar"),
]


def _values(case: Any) -> tuple[Any, ...]:
    """A table row, whether a plain tuple or a pytest.param."""
    return tuple(case.values) if hasattr(case, "values") else tuple(case)


def all_calls() -> list[tuple[str, list[Any]]]:
    """Every call above as (function name, arguments), in a fixed order: what another runtime
    must answer exactly as CPython does."""
    calls: list[tuple[str, list[Any]]] = []
    calls += [("SN_PREDIKAT", [hasil, perilaku]) for hasil, perilaku, _ in PREDIKAT_MATRIX]
    for case in CAPAIAN:
        args = list(_values(case)[0])
        calls += [("SN_CAPAIAN", args), ("SN_NILAI_CAPAIAN", args)]
    calls += [("SN_SARAN_RATING", [cells]) for cells, _ in SARAN_RATING]
    calls += [("SN_ANGKA_KREDIT", list(_values(case)[:3])) for case in ANGKA_KREDIT]
    calls += [("SN_PP46", list(_values(case)[0])) for case in PP46]
    for case in IKM:
        args = list(_values(case)[:2])
        calls += [("SN_IKM", args), ("SN_MUTU_IKM", args)]
    calls += [
        ("SN_DISTRIBUSI", list(case))
        for case in (DISTRIBUSI_COLUMN, DISTRIBUSI_ROW, DISTRIBUSI_MISSING, DISTRIBUSI_EMPTY)
    ]
    calls += [("SN_CEK_NIP", list(_values(case)[:2])) for case in NIP]
    calls += [("SN_CEK_NIP", [NIP_WARNING]), ("SN_CEK_NIP", [NIP_GALAT_AND_WARNING])]
    calls += [(name, list(args)) for name, args, _ in BAD_INPUT]
    return calls
