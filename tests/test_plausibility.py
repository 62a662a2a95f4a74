"""Plausibility of numbers (issue 12, item 4): a date, a percentage on the wrong scale, or an
absurd magnitude in a target or realisasi cell is a warning at the cell, naming the value the
user most likely meant; the template's "Periksa isian" column flags the same where a formula
can (its parity with the rules is in tests/workbook/test_parity.py).

The rules are checked on golden values worked out by hand; the consolidation on the bad-input
corpus of tests/support/corpus.py, each mistake planted the way a user makes it (openpyxl
writes a datetime as a serial number with a date format, "93%" as 0.93 with a percent format),
then run through `sheetnilai konsolidasi` and `sheetnilai periksa`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.cli import cli
from sheetnilai.config import policy_from_text
from sheetnilai.errors import SheetnilaiError
from sheetnilai.messages import CATALOGUE
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.plausibility import (
    Field,
    Kind,
    check_date,
    check_numbers,
    satuan_is_percent,
)
from sheetnilai.rules.policy import DEFAULT_POLICY, PlausibilitasPolicy
from sheetnilai.workbook import model
from tests.support.corpus import LAYOUT, PERIOD, UNITS, Corpus, edit, hashes, hk_ref
from tests.support.libreoffice import convert, soffice
from tests.test_bad_input import CATATAN, GALAT, OK, PERINGATAN, Found, Src, masalah, rows
from tests.test_bad_input import consolidate as run_konsolidasi

F = Fraction
SEKRETARIAT, PENDIDIKAN, KESEHATAN, KECAMATAN = UNITS
REAL = f"realisasi@{PERIOD}"

# --- the rules, on values worked out by hand ----------------------------------------------


@pytest.mark.parametrize(
    ("real", "low", "high", "satuan", "percent", "kind", "likely"),
    [
        # "93%" typed against target 95 (%): 0,93 is stored; 93 is meant.
        pytest.param("0.93", 95, 95, "%", (False, False), Kind.PERSEN_PECAHAN, 93, id="pct-satuan"),
        pytest.param("0.93", 95, 95, "dokumen", (True, False), Kind.PERSEN_PECAHAN, 93,
                     id="pct-format"),
        # ×100 lands exactly on 2 × target (190): still near, flagged.
        pytest.param("1.9", 95, 95, "Persen", (False, False), Kind.PERSEN_PECAHAN, 190,
                     id="pct-upper-bound"),
        pytest.param("1.91", 95, 95, "Persen", (False, False), None, None, id="pct-overshoots"),
        # An error rate of 0,5% against ≤ 5%: 50 would overshoot 10, so it is meant.
        pytest.param("0.5", 5, 5, "%", (False, False), None, None, id="small-rate-is-meant"),
        pytest.param("0.05", 5, 5, "%", (False, False), Kind.PERSEN_PECAHAN, 5,
                     id="small-rate-as-fraction"),
        # Target "95%" (0,95) while realisasi is typed 93: 93% is meant.
        pytest.param("93", "0.95", "0.95", "dokumen", (False, True), Kind.PERSEN_TARGET_PECAHAN,
                     "0.93", id="target-fraction-format"),
        pytest.param("93", "0.95", "0.95", "prosentase", (False, False),
                     Kind.PERSEN_TARGET_PECAHAN, "0.93", id="target-fraction-satuan"),
        # Target 0,5% and realisasi 2%: ÷100 (0,02) falls below 0,25, so both are meant.
        pytest.param("2", "0.5", "0.5", "%", (False, False), None, None, id="small-target-meant"),
        # Without percent evidence nothing is rescaled by 100 …
        pytest.param("0.95", 95, 95, "dokumen", (False, False), None, None, id="no-evidence"),
        # … but 100 × apart is a magnitude: ÷100 exactly is not "more than".
        pytest.param("9500", 95, 95, "", (False, False), None, None, id="100x-not-more"),
        pytest.param("9500.5", 95, 95, "", (False, False), Kind.TERLALU_BESAR, "95.005",
                     id="over-100x"),
        pytest.param("93000", 95, 95, None, (False, False), Kind.TERLALU_BESAR, 93, id="000"),
        pytest.param("0.0093", 95, 95, None, (False, False), Kind.TERLALU_KECIL, 93, id="0.0093"),
        # An absurd target (95 million for a count): realisasi 93 is below target ÷ 100.
        pytest.param("93", 95_000_000, 95_000_000, "dokumen", (False, False), Kind.TERLALU_KECIL,
                     93_000_000, id="absurd-target"),
        # Range 80–90: above 90 × 100, below 80 ÷ 100.
        pytest.param("9001", 80, 90, None, (False, False), Kind.TERLALU_BESAR, "90.01",
                     id="range-above"),
        pytest.param("0.79", 80, 90, None, (False, False), Kind.TERLALU_KECIL, 79,
                     id="range-below"),
        # Decade boundaries: ratio 300 is the next decade (3·10^2 ≤ 300), 299 the one before.
        pytest.param("28500", 95, 95, None, (False, False), Kind.TERLALU_BESAR, "28.5",
                     id="ratio-300"),
        pytest.param("28405", 95, 95, None, (False, False), Kind.TERLALU_BESAR, "284.05",
                     id="ratio-299"),
        # A lower-is-better IKI far below target is flagged too: the scales differ.
        pytest.param("0.02", 4, 4, None, (False, False), Kind.TERLALU_KECIL, 2, id="turun"),
        # A percent IKI with a whole-percent target (95): a realisasi far above it is a
        # magnitude, not "the target is a fraction (9500%)"; far below it, when ×100 does
        # not reach the target's band either, a magnitude too.
        pytest.param("93000", 95, 95, "%", (False, False), Kind.TERLALU_BESAR, 93,
                     id="pct-iki-000"),
        pytest.param("9790", 95, 95, "%", (False, True), Kind.TERLALU_BESAR, "97.9",
                     id="pct-iki-decimal-lost"),
        pytest.param("0.0001", 95, 95, "%", (True, False), Kind.TERLALU_KECIL, 100,
                     id="pct-iki-tiny"),
        pytest.param("500", 5, 5, "%", (False, False), None, None, id="whole-target-5"),
        # A fraction target is at most 2 (200%): 1,5 is one, 2,5 is not.
        pytest.param("150", "1.5", "1.5", "%", (False, False), Kind.PERSEN_TARGET_PECAHAN, "1.5",
                     id="fraction-target-150pct"),
        pytest.param("250", "2.5", "2.5", "%", (False, False), None, None,
                     id="target-2.5-no-fraction"),
    ],
)  # fmt: skip
def test_check_numbers_golden(
    real: str,
    low: object,
    high: object,
    satuan: object,
    percent: tuple[bool, bool],
    kind: Kind | None,
    likely: object,
) -> None:
    found = check_numbers(F(real), F(str(low)), F(str(high)), satuan, DEFAULT_POLICY.plausibilitas,
                          *percent)  # fmt: skip
    if kind is None:
        assert found is None
        return
    assert found is not None
    assert (found.kind, found.field, found.value, found.likely) == (
        kind,
        Field.REALISASI,
        F(real),
        F(str(likely)),
    )
    assert found.likely == found.value * F(10) ** found.shift


def test_policy_moves_the_bounds() -> None:
    strict = PlausibilitasPolicy(kali_target=F(10), persen_kali=F(1))
    # 20 × target is absurd at 10, not at 100.
    assert check_numbers(F(1900), F(95), F(95), None) is None
    found = check_numbers(F(1900), F(95), F(95), None, strict)
    assert found is not None and (found.kind, found.likely) == (Kind.TERLALU_BESAR, F(190))
    # With persen_kali 1 the near band is the target itself: 0,96 × 100 overshoots 95.
    assert check_numbers(F("0.96"), F(95), F(95), "%", strict) is not None
    assert check_numbers(F("0.96"), F(95), F(95), "%", strict).kind is Kind.TERLALU_KECIL  # type: ignore[union-attr]
    assert check_numbers(F("0.95"), F(95), F(95), "%", strict).kind is Kind.PERSEN_PECAHAN  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("satuan", "percent"),
    [("%", True), ("persen", True), ("Persentase", True), ("PROSEN", True), ("prosentase", True),
     ("persen (%)", True), ("(%)", True), ("dokumen", False), (" persen", False),
     ("per sen", False), ("", False), (None, False), (5, False), (True, False)],
)  # fmt: skip
def test_satuan_is_percent(satuan: object, percent: bool) -> None:
    assert satuan_is_percent(satuan) is percent


def test_check_date() -> None:
    typed = check_date(Field.REALISASI, F(46096), dt.date(2026, 3, 15))
    assert (typed.kind, typed.likely, typed.date) == (Kind.TANGGAL, None, dt.date(2026, 3, 15))
    # 93 in a cell formatted as a date shows 02/04/1900: the number is what was typed.
    shown = check_date(Field.TARGET, F(93), dt.date(1900, 4, 2))
    assert (shown.kind, shown.field, shown.likely) == (Kind.FORMAT_TANGGAL, Field.TARGET, F(93))
    assert check_date(Field.TARGET, F(18263), dt.date(1949, 12, 31)).kind is Kind.FORMAT_TANGGAL
    assert check_date(Field.TARGET, F(18264), dt.date(1950, 1, 1)).kind is Kind.TANGGAL


def test_model_reports_dates_before_anything_else() -> None:
    found = model.plausibility(
        46096.0, 95, None, None, "%", dates=(None, None, dt.date(2026, 3, 15))
    )
    assert [(f.kind, f.field) for f in found] == [(Kind.TANGGAL, Field.REALISASI)]
    # A date target is reported even before any realisasi is typed.
    found = model.plausibility(
        None, 46112.0, None, None, "", dates=(dt.date(2026, 3, 31), None, None)
    )
    assert [(f.kind, f.field) for f in found] == [(Kind.TANGGAL, Field.TARGET)]
    # Realisasi 0 is "nothing yet", and inputs that give no capaian are not compared.
    assert model.plausibility(0, 95, None, None, "%") == []
    assert model.plausibility(0.93, 95, None, "xyz", "%") == []  # arah unknown: a galat already
    assert model.plausibility("0,93", 95, None, None, "%") == []
    assert model.plausibility(93, 0, None, None, "%") == []


@given(
    st.decimals(min_value="0.0001", max_value="1e9", places=4),
    st.decimals(min_value="0.01", max_value="1e7", places=2),
    st.sampled_from([None, "%", "dokumen"]),
)
def test_the_likely_value_lands_near_the_target(real: object, target: object, satuan: str) -> None:
    r, t = F(str(real)), F(str(target))
    found = check_numbers(r, t, t, satuan)
    if found is None or found.likely is None:
        return
    assert found.likely == r * F(10) ** found.shift and found.shift != 0
    ratio = found.likely / t
    if found.kind in (Kind.TERLALU_BESAR, Kind.TERLALU_KECIL):
        # Shifted by whole decades into the decade around the target (3 ~ √10).
        assert F(3, 10) <= ratio <= F(10, 3), (r, t, found)
    elif found.kind is Kind.PERSEN_PECAHAN:
        assert found.shift == 2 and ratio <= 2  # ×100 does not overshoot the near band
    else:
        assert found.kind is Kind.PERSEN_TARGET_PECAHAN
        assert found.shift == -2 and ratio >= F(1, 2)  # ÷100 does not undershoot it
    # The template's hint says the same as long as no number format is involved.
    assert model.periksa_cell(float(r), float(t), None, None, satuan) != ""


def test_every_kind_has_a_peringatan_message() -> None:
    for kind in Kind:
        assert CATALOGUE[kind.value].severity == PERINGATAN, kind


def test_policy_settings_are_read_and_checked() -> None:
    policy = policy_from_text(
        "[plausibilitas]\nkali_target = 1000\npersen_kali = 1.5\n", "uji.toml", "uji.toml"
    )
    assert policy.plausibilitas == PlausibilitasPolicy(F(1000), F(3, 2))
    with pytest.raises(SheetnilaiError) as info:
        policy_from_text("[plausibilitas]\nkali_target = 5\n", "uji.toml", "uji.toml")
    assert "plausibilitas.kali_target" in info.value.details[0]
    result = CliRunner().invoke(cli, ["kebijakan"])
    assert "[plausibilitas]\nkali_target = 100\npersen_kali = 2\n" in result.output


# --- the corpus: each mistake as a user makes it -------------------------------------------


@dataclass
class Case:
    found: list[Found]  # the whole Masalah sheet
    words: list[str]  # in the message of the first row, in order: the likely value among them


Plant = Callable[[Src], Case]


def realisasi_date(s: Src) -> Case:
    """A completion date typed into the realisasi of a "waktu" IKI."""
    with edit(s.path(KESEHATAN)) as wb:
        wb[s.sheet(KESEHATAN, 1)][hk_ref(REAL, 0)] = dt.datetime(2026, 3, 15)
    return Case(
        [s.at(PERINGATAN, "isian-tanggal", KESEHATAN, 1, hk_ref(REAL, 0))],
        ["Realisasi TW1", "tanggal 15/03/2026", "(tersimpan sebagai angka 46096)"],
    )


def number_in_date_cell(s: Src) -> Case:
    """93 typed into a cell that had been formatted as a date: it shows 02/04/1900."""
    with edit(s.path(PENDIDIKAN)) as wb:
        c = wb[s.sheet(PENDIDIKAN, 2)][hk_ref(REAL, 0)]
        c.value, c.number_format = 93, "dd/mm/yyyy"
    return Case(
        [s.at(PERINGATAN, "isian-format-tanggal", PENDIDIKAN, 2, hk_ref(REAL, 0))],
        ["tanggal 02/04/1900", "angka 93", "maksud Anda 93?"],
    )


def target_date(s: Src) -> Case:
    """A deadline typed as the target (31/12/2026) instead of a number of months."""
    with edit(s.path(KECAMATAN)) as wb:
        wb[s.sheet(KECAMATAN, 0)][hk_ref("target", 1)] = dt.date(2026, 12, 31)
    return Case(
        [s.at(PERINGATAN, "isian-tanggal", KECAMATAN, 0, hk_ref("target", 1))],
        ["Target IKI", "tanggal 31/12/2026", "angka 46387"],
    )


def percent_typed(s: Src) -> Case:
    """ "93%" typed as realisasi where the target is 95: 0,93 is stored, with a 0% format."""
    with edit(s.path(SEKRETARIAT)) as wb:
        c = wb[s.sheet(SEKRETARIAT, 3)][hk_ref(REAL, 0)]
        c.value, c.number_format = 0.93, "0%"
    return Case(
        [s.at(PERINGATAN, "realisasi-persen-pecahan", SEKRETARIAT, 3, hk_ref(REAL, 0))],
        ["Realisasi TW1", "tertulis 0,93 (93%)", "targetnya (95)", "maksud Anda 93?"],
    )


def percent_satuan(s: Src) -> Case:
    """Satuan "%" and a realisasi typed as the fraction 0,93 (no percent format)."""
    with edit(s.path(KESEHATAN)) as wb:
        ws = wb[s.sheet(KESEHATAN, 2)]
        ws[hk_ref("satuan", 0)] = "%"
        ws[hk_ref(REAL, 0)] = 0.93
    return Case(
        [s.at(PERINGATAN, "realisasi-persen-pecahan", KESEHATAN, 2, hk_ref(REAL, 0))],
        ["tertulis 0,93 (93%)", "maksud Anda 93?"],
    )


def target_as_percent(s: Src) -> Case:
    """The target typed "95%" (0,95 with a percent format) and the realisasi typed 93."""
    with edit(s.path(PENDIDIKAN)) as wb:
        c = wb[s.sheet(PENDIDIKAN, 1)][hk_ref("target", 0)]
        c.value, c.number_format = 0.95, "0%"
    return Case(
        [s.at(PERINGATAN, "realisasi-target-persen-pecahan", PENDIDIKAN, 1, hk_ref(REAL, 0))],
        ["tertulis 93", "targetnya (0,95, yaitu 95%)", "maksud Anda 93%?"],
    )


def too_large(s: Src) -> Case:
    """ "93.000" typed for 93 (a thousands separator where none belongs)."""
    with edit(s.path(KECAMATAN)) as wb:
        wb[s.sheet(KECAMATAN, 3)][hk_ref(REAL, 0)] = 93000
    return Case(
        [s.at(PERINGATAN, "realisasi-terlalu-besar", KECAMATAN, 3, hk_ref(REAL, 0))],
        ["(93000)", "lebih dari 100 kali targetnya (95)", "maksud Anda 93, atau target 95000?"],
    )


def absurd_target(s: Src) -> Case:
    """A target of 95 million for a count: the realisasi 93 is below target ÷ 100."""
    with edit(s.path(SEKRETARIAT)) as wb:
        wb[s.sheet(SEKRETARIAT, 1)][hk_ref("target", 0)] = 95_000_000
    return Case(
        [s.at(PERINGATAN, "realisasi-terlalu-kecil", SEKRETARIAT, 1, hk_ref(REAL, 0))],
        ["(93)", "kurang dari 1/100 targetnya (95000000)", "maksud Anda 93000000, atau target 95?"],
    )


def plausible_small_rate(s: Src) -> Case:
    """Not a mistake: an error rate of 0,5% against a target of at most 5% (satuan "%"),
    and a realisasi of 0 ("nothing yet")."""
    with edit(s.path(KESEHATAN)) as wb:
        ws = wb[s.sheet(KESEHATAN, 3)]
        ws[hk_ref("target", 1)], ws[hk_ref("satuan", 1)], ws[hk_ref(REAL, 1)] = 5, "%", 0.5
        assert ws[hk_ref("arah", 1)].value == Arah.TURUN.value
        ws[hk_ref(REAL, 0)] = 0
    return Case([], [])


CASES = [
    pytest.param(realisasi_date, id="date-typed-as-realisasi"),
    pytest.param(number_in_date_cell, id="number-in-a-date-formatted-cell"),
    pytest.param(target_date, id="date-typed-as-target"),
    pytest.param(percent_typed, id="percent-typed-93%"),
    pytest.param(percent_satuan, id="fraction-with-satuan-%"),
    pytest.param(target_as_percent, id="target-typed-95%"),
    pytest.param(too_large, id="realisasi-over-100x-target"),
    pytest.param(absurd_target, id="target-over-100x-realisasi"),
    pytest.param(plausible_small_rate, id="plausible-not-flagged"),
]


def _check_run(corpus: Corpus, folder: Path, case: Case, book: Path, rename: str = "") -> None:
    before = hashes(folder)
    code, out = run_konsolidasi(folder, corpus, book)
    assert hashes(folder) == before  # inputs are never modified
    assert hashes(corpus.clean) == corpus.hashes
    wb = openpyxl.load_workbook(book)
    want = [
        Found(f.severity, f.code, f.file.replace(".xlsx", rename) if rename else f.file, f.sheet,
              f.cell, f.nip)
        for f in case.found
    ]  # fmt: skip
    assert sorted(masalah(wb), key=repr) == sorted(want, key=repr)
    assert code == OK, out  # warnings only
    scored = {r["NIP"]: r["Predikat"] for r in rows(wb, "Pegawai", "NIP")}
    # Plausibility never costs anyone their result, the pegawai concerned included.
    assert scored == {nip: p.predikat.label for nip, p in corpus.people.items()}
    if case.found:
        message = next(r["Pesan"] for r in rows(wb, "Masalah", "Tingkat"))
        at = 0
        for word in case.words:
            at = message.index(word, at)  # in this order


@pytest.mark.parametrize("plant", CASES)
def test_plausibility_in_konsolidasi(plant: Plant, corpus: Corpus, tmp_path: Path) -> None:
    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    case = plant(Src(folder, corpus))
    _check_run(corpus, folder, case, tmp_path / "buku.xlsx")
    assert not {f.severity for f in case.found} & {GALAT, CATATAN}


@pytest.mark.parametrize("plant", CASES[:4])
def test_periksa_shows_them(plant: Plant, corpus: Corpus, tmp_path: Path) -> None:
    folder = tmp_path / "masuk"
    shutil.copytree(corpus.clean, folder)
    s = Src(folder, corpus)
    case = plant(s)
    (found,) = case.found
    path = folder / found.file
    before = hashes(folder)
    result = CliRunner().invoke(cli, ["periksa", str(path), "--periode", PERIOD])
    assert result.exit_code == OK, result.output  # warnings only: not EXIT_DATA_ERRORS
    summary, line = result.stdout.strip().splitlines()  # the problem list is the output
    assert summary == f"{found.file}: 0 galat, 1 peringatan, 0 catatan."
    assert line.startswith(
        f"[peringatan] {found.file} › {found.sheet}!{found.cell} (NIP {found.nip}"
    ), line
    at = 0
    for word in case.words:
        at = line.index(word, at)
    assert hashes(folder) == before


# --- the same workbook after a spreadsheet program saved it: .xlsx and .ods ----------------


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_saved_by_libreoffice_xlsx_and_ods_read_the_same(corpus: Corpus, tmp_path: Path) -> None:
    """Four mistakes in one unit's workbook, then recalculated and saved by LibreOffice as
    .xlsx (its own number-format styles) and as .ods (dates and percentages as value types):
    the same warnings, and the recalculated "Periksa isian" cells show the live hints."""
    folder = tmp_path / "ditanam"
    shutil.copytree(corpus.clean, folder)
    s = Src(folder, corpus)
    with edit(s.path(KESEHATAN)) as wb:
        wb[s.sheet(KESEHATAN, 0)][hk_ref(REAL, 0)] = dt.datetime(2026, 3, 15)
        c = wb[s.sheet(KESEHATAN, 1)][hk_ref(REAL, 0)]
        c.value, c.number_format = 0.93, "0.0%"
        ws = wb[s.sheet(KESEHATAN, 2)]
        ws[hk_ref("satuan", 0)], ws[hk_ref(REAL, 0)] = "persen", 0.93
        wb[s.sheet(KESEHATAN, 3)][hk_ref(REAL, 0)] = 93000
    cell = hk_ref(REAL, 0)
    expected = [
        s.at(PERINGATAN, "isian-tanggal", KESEHATAN, 0, cell),
        s.at(PERINGATAN, "realisasi-persen-pecahan", KESEHATAN, 1, cell),
        s.at(PERINGATAN, "realisasi-persen-pecahan", KESEHATAN, 2, cell),
        s.at(PERINGATAN, "realisasi-terlalu-besar", KESEHATAN, 3, cell),
    ]
    name = s.file(KESEHATAN)
    (xlsx,) = convert([s.path(KESEHATAN)], tmp_path / "lo-xlsx")
    (ods,) = convert([s.path(KESEHATAN)], tmp_path / "lo-ods", "ods")
    for saved, suffix in ((xlsx, ""), (ods, ".ods")):
        one = tmp_path / f"masuk{suffix or '.xlsx'}"
        shutil.copytree(corpus.clean, one)
        (one / name).unlink()
        shutil.copy(saved, one / saved.name)
        _check_run(corpus, one, Case(expected, []), tmp_path / f"buku{suffix}.xlsx", suffix)

    # The live hints, as LibreOffice computed them. The formula sees no number format: the
    # date and the "93%" are flagged by magnitude (46096 and 0,93 against target 95).
    values = openpyxl.load_workbook(xlsx, data_only=True)
    hint = LAYOUT.hk_keys.index(f"periksa@{PERIOD}")
    got = [
        values[s.sheet(KESEHATAN, k)].cell(LAYOUT.hk_first_row + 1, hint + 1).value
        for k in range(4)
    ]
    assert got == [
        "jauh di atas target?",
        "jauh di bawah target?",
        "persen? ketik 93",
        "jauh di atas target?",
    ]
    # Clean rows (the second IKI everywhere) show nothing.
    assert values[s.sheet(KESEHATAN, 0)].cell(LAYOUT.hk_first_row + 2, hint + 1).value in (None, "")


def test_a_workbook_made_before_the_periksa_column_still_reads(
    corpus: Corpus, tmp_path: Path
) -> None:
    """Workbooks generated before "Periksa isian" existed have no such column (same template
    version): they read as before, every check included, and the Python checks still run."""
    folder = tmp_path / "lama"
    shutil.copytree(corpus.clean, folder)
    s = Src(folder, corpus)
    hint_cols = [LAYOUT.hk_keys.index(k) + 1 for k in LAYOUT.hk_keys if k.startswith("periksa@")]
    for unit in UNITS:
        with edit(s.path(unit)) as wb:
            for title in wb.sheetnames:
                if title[:2].isdigit():
                    for col in reversed(hint_cols):
                        wb[title].delete_cols(col)
            if unit == KESEHATAN:  # realisasi cells moved left with the columns
                ws = wb[s.sheet(KESEHATAN, 3)]
                ws.cell(LAYOUT.hk_first_row + 1, LAYOUT.hk_keys.index(REAL) + 1, 93000)
    keys = openpyxl.load_workbook(s.path(KESEHATAN))[s.sheet(KESEHATAN, 3)][LAYOUT.hk_key_row + 1]
    assert "periksa@TW1" not in [c.value for c in keys]
    case = Case([s.at(PERINGATAN, "realisasi-terlalu-besar", KESEHATAN, 3, hk_ref(REAL, 0))], [])
    _check_run(corpus, folder, case, tmp_path / "buku.xlsx")
