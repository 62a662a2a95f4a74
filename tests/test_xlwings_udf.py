"""The xlwings worksheet functions (issue 7): what Excel sees, agreement with the rules
library, the golden cases of domain.md, and bad cell input that never raises."""

from __future__ import annotations

import importlib.util
import inspect
import math
import os
import re
import sys
import typing
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings import conversion

from sheetnilai import xlwings_udf as udf
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import Arah, capaian_iki, parse_arah, parse_target, saran_rating
from sheetnilai.rules.distribution import check_distribution, count_predikat, empty_unit_problem
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.ikm import ikm_from_respondents
from sheetnilai.rules.labels import (
    OrgPredikat,
    Predikat,
    Rating,
    parse_org_predikat,
    parse_predikat,
    parse_rating,
)
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import DEFAULT_POLICY, IkmPolicy, IkmWeight
from sheetnilai.rules.pp46 import Kegiatan, nilai_kegiatan
from sheetnilai.rules.predikat import predikat
from tests.support.udf_cases import (
    ALL_FOURS,
    ANGKA_KREDIT,
    BAD_INPUT,
    CAPAIAN,
    DISTRIBUSI_COLUMN,
    DISTRIBUSI_EMPTY,
    DISTRIBUSI_MISSING,
    DISTRIBUSI_ROW,
    IKM,
    MARK,
    NAN,
    NIP,
    NIP_GALAT_AND_WARNING,
    NIP_WARNING,
    PP46,
    PREDIKAT_MATRIX,
    SARAN_RATING,
)

# CI draws the same cases every run (a red CI must mean a change broke something);
# elsewhere every run explores new ones. Same switch as tests/workbook/test_parity.py.
DERANDOMIZE = os.environ.get("CI") == "true"
PROPERTY = settings(max_examples=200, deadline=None, derandomize=DERANDOMIZE)

# name -> (arguments, optional arguments, range arguments, result hint)
SPEC: dict[str, tuple[tuple[str, ...], frozenset[str], frozenset[str], object]] = {
    "SN_PREDIKAT": (("rating_hasil", "rating_perilaku"), frozenset(), frozenset(), str),
    "SN_CAPAIAN": (
        ("target", "realisasi", "arah", "target_atas"),
        frozenset({"arah", "target_atas"}),
        frozenset(),
        float,
    ),
    "SN_NILAI_CAPAIAN": (
        ("target", "realisasi", "arah", "target_atas"),
        frozenset({"arah", "target_atas"}),
        frozenset(),
        float,
    ),
    "SN_SARAN_RATING": (("capaian_range",), frozenset(), frozenset({"capaian_range"}), str),
    "SN_DISTRIBUSI": (
        ("predikat_organisasi", "predikat_range"),
        frozenset(),
        frozenset({"predikat_range"}),
        list[list[str]],
    ),
    "SN_ANGKA_KREDIT": (("predikat", "jenjang", "bulan"), frozenset({"bulan"}), frozenset(), float),
    "SN_CEK_NIP": (("nip", "status"), frozenset({"status"}), frozenset(), str),
    "SN_IKM": (
        ("jawaban_range", "bobot"),
        frozenset({"bobot"}),
        frozenset({"jawaban_range"}),
        float,
    ),
    "SN_MUTU_IKM": (
        ("jawaban_range", "bobot"),
        frozenset({"bobot"}),
        frozenset({"jawaban_range"}),
        str,
    ),
    "SN_PP46": (
        (
            "target_kuantitas",
            "realisasi_kuantitas",
            "target_kualitas",
            "realisasi_kualitas",
            "target_waktu",
            "realisasi_waktu",
            "target_biaya",
            "realisasi_biaya",
        ),
        frozenset({"target_biaya", "realisasi_biaya"}),
        frozenset(),
        float,
    ),
}

# Words that make a short text recognisably Indonesian, and English ones that must not leak.
INDONESIAN = {"dari", "dan", "atau", "dalam", "menurut", "satu", "sel", "bila", "mis", "kosong"}
ENGLISH = {"the", "of", "from", "and", "returns", "value", "range", "cell", "empty"}


def call(name: str, *args: object) -> Any:
    return getattr(udf, name)(*args)


def via_rules(compute: Callable[[], object]) -> object:
    """What a cell must show: the rules' result, or their Indonesian message after the mark."""
    try:
        return compute()
    except RuleError as exc:
        return MARK + exc.message
    except OverflowError:  # a float cell cannot hold it
        return MARK + "Hasil terlalu besar untuk ditampilkan di sel."


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


# --- (a) what Excel sees --------------------------------------------------------------------


def test_function_list_names_and_exports() -> None:
    assert [f.__name__ for f in udf.FUNCTIONS] == list(SPEC)
    for function in udf.FUNCTIONS:
        assert function.__name__.startswith("SN_")
        assert getattr(udf, function.__name__) is function
        assert function.__name__ in udf.__all__
    assert udf.ERROR_MARK == MARK


@pytest.mark.parametrize("name", list(SPEC))
def test_signature(name: str) -> None:
    arguments, optional, _, _ = SPEC[name]
    params = inspect.signature(getattr(udf, name)).parameters
    assert tuple(params) == arguments
    for param in params.values():
        # xlwings refuses keyword-only arguments; Excel passes every argument by position.
        assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if param.name in optional:
            assert param.default is None  # a blank cell and a missing argument mean the same
        else:
            assert param.default is inspect.Parameter.empty
    # Optional arguments come last, as Excel requires.
    kinds = [p.name in optional for p in params.values()]
    assert kinds == sorted(kinds)


@pytest.mark.parametrize("name", list(SPEC))
def test_hints_are_what_xlwings_can_convert(name: str) -> None:
    """Classic xlwings and xlwings Lite turn each hint into a converter (the top-level type
    of `Annotated[type, {options}]`) and read the options dict: "doc" is the description
    Excel shows. A hint without a registered converter breaks every call in Excel."""
    arguments, _, ranges, result = SPEC[name]
    function = getattr(udf, name)
    hints = typing.get_type_hints(function, include_extras=True)
    assert set(hints) == {*arguments, "return"}
    for arg in arguments:
        hint = hints[arg]
        assert typing.get_origin(hint) is typing.Annotated
        base, options = typing.get_args(hint)
        assert base is Any and base in conversion.accessors
        doc = options["doc"]
        assert 0 < len(doc) <= 255  # Excel cuts argument descriptions at 255
        assert not words(doc) & ENGLISH, doc
        assert options["err_to_str"] is True  # an #N/A cell reaches the rules as text
        assert options.get("ndim") == (2 if arg in ranges else None)
    assert hints["return"] == result
    assert (typing.get_origin(result) or result) in conversion.accessors


@pytest.mark.parametrize("name", list(SPEC))
def test_docstring_is_one_indonesian_line_excel_can_show(name: str) -> None:
    doc = getattr(udf, name).__doc__
    assert doc and "\n" not in doc  # Excel shows __doc__ verbatim: no indented lines
    assert len(doc) <= 255  # Excel cuts function descriptions at 255
    assert words(doc) & INDONESIAN and not words(doc) & ENGLISH, doc


def test_xlwings_decorators_attach_nothing_on_linux() -> None:
    # On Linux xw.func is an identity decorator: Excel's metadata (__xlfunc__) only exists
    # where xlwings can register the function (Windows, xlwings Lite).
    assert sys.platform.startswith("linux")
    assert xlwings.func(len) is len
    for function in udf.FUNCTIONS:
        assert not hasattr(function, "__xlfunc__")


def load_copy(name: str) -> ModuleType:
    """A second, independent copy of the module, loaded with whatever xlwings is in place."""
    spec = importlib.util.spec_from_file_location(name, udf.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_function_and_nothing_else_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[Callable[..., Any]] = []

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        # What the real decorators read at decoration time must already resolve.
        typing.get_type_hints(function, include_extras=True)
        inspect.signature(function)
        registered.append(function)
        return function

    monkeypatch.setattr(xlwings, "func", register)
    copy = load_copy("sheetnilai._xlwings_udf_registered")
    assert registered == list(copy.FUNCTIONS)


def test_imports_and_works_without_xlwings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlwings", None)  # any `import xlwings` now fails
    copy = load_copy("sheetnilai._xlwings_udf_without_xlwings")
    assert copy.SN_PREDIKAT("Di Atas Ekspektasi", "Di Atas Ekspektasi") == "Sangat Baik"
    assert copy.SN_CAPAIAN(95.0, 93.0) == 98.0


# --- (b) agreement with the rules library ---------------------------------------------------

RATING_SPELLINGS = [
    *(r.label for r in Rating),
    "di atas ekspektasi",
    "DIATAS",
    "Sesuai",
    "sesuai  ekspektasi",
    "di bawah",
    "Dibawah Ekspektasi",
    "above",
]
PREDIKAT_SPELLINGS = [
    *(p.label for p in Predikat),
    "baik",
    "Cukup",
    "Kurang",
    "misconduct",
    "SANGAT KURANG",
]
ORG_SPELLINGS = [*(o.label for o in OrgPredikat), "cukup", "ISTIMEWA"]
BAD_TEXT = ["baik sekali", "", "  ", "Luar Biasa", "#N/A"]
ARAH = [
    None,
    "",
    *(a.value for a in Arah),
    "naik",
    "turun",
    "MINIMAL",
    "ke samping",
]
JENJANG = [*DEFAULT_POLICY.angka_kredit.koefisien, "  ahli   pertama ", "Ahli Super"]

spelled = st.sampled_from
amounts = st.one_of(
    st.integers(min_value=0, max_value=10_000).map(float),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.sampled_from([0.5, 2.5, 9.12, 12.5, 0.76, 0.7, -1.0, "88,5", "abc"]),
)


@PROPERTY
@given(spelled(RATING_SPELLINGS + BAD_TEXT), spelled(RATING_SPELLINGS + BAD_TEXT))
def test_predikat_agrees(hasil: str, perilaku: str) -> None:
    expected = via_rules(lambda: predikat(parse_rating(hasil), parse_rating(perilaku)).label)
    assert udf.SN_PREDIKAT(hasil, perilaku) == expected


def expected_capaian(
    target: object, realisasi: object, arah: object, atas: object, field: str
) -> object:
    def compute() -> object:
        # Target first, then arah, then realisasi: the order the function reads them in.
        tgt = parse_target(target, atas)
        direction = Arah.NAIK if arah in (None, "") else parse_arah(arah)
        return float(getattr(capaian_iki(realisasi, tgt, direction), field))

    return via_rules(compute)


@PROPERTY
@given(
    st.one_of(amounts, spelled(["80-90", "80 s.d. 90", "90-80"])),
    amounts,
    spelled(ARAH),
    st.one_of(st.none(), amounts),
)
def test_capaian_and_nilai_agree(
    target: object, realisasi: object, arah: object, atas: object
) -> None:
    assert udf.SN_CAPAIAN(target, realisasi, arah, atas) == expected_capaian(
        target, realisasi, arah, atas, "persen"
    )
    assert udf.SN_NILAI_CAPAIAN(target, realisasi, arah, atas) == expected_capaian(
        target, realisasi, arah, atas, "nilai"
    )


capaian_cells = st.one_of(
    st.none(),
    st.just(""),
    st.floats(min_value=0, max_value=200, allow_nan=False),
    st.integers(min_value=0, max_value=200).map(float),
    st.sampled_from(["98,5", "101", "kualitatif"]),
)


@PROPERTY
@given(st.lists(capaian_cells, max_size=15))
def test_saran_rating_agrees(cells: list[object]) -> None:
    def compute() -> object:
        values = [exact(c, "Capaian") for c in cells if c is not None and str(c).strip()]
        rating = saran_rating(values, DEFAULT_POLICY.saran_rating)
        return "" if rating is None else rating.label

    column = [[c] for c in cells]
    assert udf.SN_SARAN_RATING(column) == via_rules(compute)


@PROPERTY
@given(
    spelled(ORG_SPELLINGS + BAD_TEXT),
    st.lists(st.one_of(st.none(), spelled(PREDIKAT_SPELLINGS)), max_size=40),
    st.booleans(),
)
def test_distribution_agrees(org: str, people: list[str | None], as_row: bool) -> None:
    def compute() -> object:
        parsed_org = parse_org_predikat(org)
        found = [parse_predikat(p) for p in people if p is not None]
        result = check_distribution(parsed_org, count_predikat(found), DEFAULT_POLICY.distribusi)
        reason = (
            empty_unit_problem().message
            if result.total == 0
            else " ".join(f.sentence for f in result.findings)
        )
        return [[result.status, reason]]

    expected = via_rules(compute)
    if isinstance(expected, str):
        expected = [[expected, ""]]
    cells = [people] if as_row else [[p] for p in people]
    assert udf.SN_DISTRIBUSI(org, cells) == expected


@PROPERTY
@given(
    spelled(PREDIKAT_SPELLINGS + BAD_TEXT),
    spelled(JENJANG),
    st.one_of(st.none(), st.integers(min_value=0, max_value=13).map(float), st.just(2.5)),
)
def test_angka_kredit_agrees(pred: str, jenjang: str, bulan: float | None) -> None:
    policy = DEFAULT_POLICY.angka_kredit

    def compute() -> object:
        ak = angka_kredit(parse_predikat(pred), jenjang, 12 if bulan is None else bulan, policy)
        return float(round_half_up(ak, policy.desimal_tampilan))

    assert udf.SN_ANGKA_KREDIT(pred, jenjang, bulan) == via_rules(compute)


def expected_nip(nip: object, status: str | None) -> str:
    problems = check_nip(nip, status or "otomatis")
    if not problems:
        return "sah"
    worst = min(problems, key=lambda p: p.severity.rank)
    mark = MARK if worst.severity.value == "galat" else "#PERINGATAN: "
    return mark + worst.message


@PROPERTY
@given(
    st.text(alphabet="0123456789", min_size=18, max_size=18),
    spelled([None, "PNS", "PPPK", "pppk", "otomatis"]),
)
def test_nip_agrees(nip: str, status: str | None) -> None:
    result = udf.SN_CEK_NIP(nip, status)
    assert result == expected_nip(nip, status)
    assert (result == "sah") == (check_nip(nip, status or "otomatis") == [])


IKM_WEIGHTS = {None: IkmWeight.NINTH, "1/9": IkmWeight.NINTH, "0,11": IkmWeight.PRINTED}
answers = st.one_of(st.sampled_from([1.0, 2.0, 3.0, 4.0]), st.none())


@PROPERTY
@given(
    st.lists(st.lists(answers, min_size=9, max_size=9), min_size=1, max_size=30),
    spelled(list(IKM_WEIGHTS)),
)
def test_ikm_agrees(rows: list[list[float | None]], bobot: str | None) -> None:
    policy = IkmPolicy(IKM_WEIGHTS[bobot])

    def konversi() -> object:
        return float(ikm_from_respondents(rows, policy).konversi_tampil)

    def mutu() -> object:
        result = ikm_from_respondents(rows, policy)
        return f"{result.mutu} ({result.kinerja})"

    assert udf.SN_IKM(rows, bobot) == via_rules(konversi)
    assert udf.SN_MUTU_IKM(rows, bobot) == via_rules(mutu)


pp46_amounts = st.one_of(
    st.integers(min_value=0, max_value=1_000).map(float),
    st.floats(min_value=0, max_value=1e4, allow_nan=False),
    st.sampled_from([None, 9.12, 0.76, 0.7, "9,12"]),
)


@PROPERTY
@given(st.lists(pp46_amounts, min_size=8, max_size=8))
def test_pp46_agrees(cells: list[object]) -> None:
    assert udf.SN_PP46(*cells) == via_rules(lambda: float(nilai_kegiatan(Kegiatan(*cells))))


junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.booleans(),
    st.floats(),  # NaN and infinities included
    st.integers(min_value=-(10**400), max_value=10**400),
    st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=4)), max_size=4),
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3)), max_size=10),
        max_size=4,
    ),
    st.just([[[1.0]]]),
)


@PROPERTY
@given(st.sampled_from(list(SPEC)), st.data())
def test_any_cell_input_gives_a_cell_value(name: str, data: st.DataObject) -> None:
    arguments = SPEC[name][0]
    args = [data.draw(junk, label=arg) for arg in arguments]
    result = call(name, *args)
    cells = result if isinstance(result, list) else [[result]]
    assert len(cells) == 1 and len(cells[0]) == (2 if name == "SN_DISTRIBUSI" else 1)
    for cell in cells[0]:
        assert isinstance(cell, str | float)
        if isinstance(cell, float):
            assert math.isfinite(cell)
        else:
            # Every failure is one the rules (or the cell conversion) name in Indonesian.
            assert "kesalahan tak terduga" not in cell and "Traceback" not in cell


# --- (c) golden cases of domain.md ----------------------------------------------------------


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), PREDIKAT_MATRIX)
def test_golden_predikat_matrix(hasil: str, perilaku: str, expected: str) -> None:
    # domain.md §2.8, all nine cells.
    assert udf.SN_PREDIKAT(hasil, perilaku) == expected


@pytest.mark.parametrize(("args", "capaian", "nilai"), CAPAIAN)
def test_golden_capaian(args: tuple[object, ...], capaian: float, nilai: float) -> None:
    # domain.md §3: 93 of 95 is 97.89%, shown 98%, Cukup: 70 + 19/19 × 18 = 88.
    assert udf.SN_CAPAIAN(*args) == capaian
    assert udf.SN_NILAI_CAPAIAN(*args) == nilai


@pytest.mark.parametrize(("cells", "expected"), SARAN_RATING)
def test_golden_saran_rating(cells: list[list[object]], expected: str) -> None:
    assert udf.SN_SARAN_RATING(cells) == expected


@pytest.mark.parametrize(("pred", "jenjang", "bulan", "expected"), ANGKA_KREDIT)
def test_golden_angka_kredit(pred: str, jenjang: str, bulan: float | None, expected: float) -> None:
    assert udf.SN_ANGKA_KREDIT(pred, jenjang, bulan) == expected


@pytest.mark.parametrize(("cells", "expected"), PP46)
def test_golden_pp46(cells: tuple[object, ...], expected: float) -> None:
    assert udf.SN_PP46(*cells) == expected


@pytest.mark.parametrize(("rows", "bobot", "konversi", "mutu"), IKM)
def test_golden_ikm(rows: list[list[object]], bobot: object, konversi: float, mutu: str) -> None:
    # domain.md §6: 1/9 against the printed 0.11, which can change the mutu.
    assert udf.SN_IKM(rows, bobot) == konversi
    assert udf.SN_MUTU_IKM(rows, bobot) == mutu


def test_golden_distribution() -> None:
    # domain.md §2.9 with the sentences of tests/rules/test_distribution.py.
    assert udf.SN_DISTRIBUSI(*DISTRIBUSI_COLUMN) == [
        ["Tidak sesuai", "Baik 80% (8 dari 10 pegawai) > batas 70% (predikat organisasi Baik)."]
    ]
    assert udf.SN_DISTRIBUSI(*DISTRIBUSI_ROW) == [["Sesuai", ""]]
    (missing,) = check_distribution(
        OrgPredikat.BAIK, {Predikat.BAIK: 7, Predikat.SANGAT_BAIK: 3}
    ).findings
    assert missing.code == "distribusi-wajib-ada"
    assert udf.SN_DISTRIBUSI(*DISTRIBUSI_MISSING) == [["Tidak sesuai", missing.sentence]]
    assert udf.SN_DISTRIBUSI(*DISTRIBUSI_EMPTY) == [
        ["Belum ada data", empty_unit_problem().message]
    ]


@pytest.mark.parametrize(("nip", "status", "expected"), NIP)
def test_golden_nip(nip: object, status: str | None, expected: str) -> None:
    assert udf.SN_CEK_NIP(nip, status) == expected


def test_nip_warning_and_worst_problem_first() -> None:
    assert udf.SN_CEK_NIP(NIP_WARNING).startswith("#PERINGATAN: ")  # urut 000
    # Digit order puts the birth date first; a galat always wins over a warning.
    result = udf.SN_CEK_NIP(NIP_GALAT_AND_WARNING)
    assert result == expected_nip(NIP_GALAT_AND_WARNING, None)
    assert result.startswith(MARK) and NIP_GALAT_AND_WARNING in result


# --- (d) bad cell input ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args", "fragment"), BAD_INPUT)
def test_bad_input_is_indonesian_text_in_the_cell(
    name: str, args: tuple[object, ...], fragment: str
) -> None:
    result = call(name, *args)
    text = result[0][0] if name == "SN_DISTRIBUSI" else result
    assert isinstance(text, str) and text.startswith(MARK), text
    assert fragment in text, text
    if name == "SN_DISTRIBUSI":
        assert result == [[text, ""]]  # still the two cells Excel expects


BLANK_MEANS_NO_DATA = {"SN_SARAN_RATING": "", "SN_PP46": 0.0}


@pytest.mark.parametrize("name", list(SPEC))
@pytest.mark.parametrize(
    "value",
    [None, "", "abc", True, False, 1e308, -1e308, 10**400, NAN, [[1.0, [2.0]]], [[[1.0]]]],
    ids=[
        "none",
        "kosong",
        "abc",
        "true",
        "false",
        "1e308",
        "-1e308",
        "10^400",
        "nan",
        "bersarang",
        "3d",
    ],
)
def test_every_argument_bad_never_raises(name: str, value: object) -> None:
    """Every argument the same bad value: a marked Indonesian text, or for blanks the
    value the rules give for "no data" (no suggestion; a kegiatan not carried out scores 0)."""
    result = call(name, *([value] * len(SPEC[name][0])))
    text = result[0][0] if name == "SN_DISTRIBUSI" else result
    number = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    if value in (None, "") and name in BLANK_MEANS_NO_DATA:
        assert text == BLANK_MEANS_NO_DATA[name]
    elif not (isinstance(text, str) and text.startswith(MARK)):
        # Huge numbers are still numbers: only they may give a result, and a finite one.
        assert number, (value, text)
        assert text in {r.label for r in Rating} or (
            isinstance(text, float) and math.isfinite(text)
        )


def test_unexpected_failure_is_generic_indonesian_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> object:
        raise ZeroDivisionError

    monkeypatch.setattr(udf, "predikat", broken)
    assert udf.SN_PREDIKAT("Sesuai", "Sesuai") == (
        MARK + "Terjadi kesalahan tak terduga (ZeroDivisionError); periksa isi sel argumen."
    )


def test_decimal_results_never_reach_excel() -> None:
    # Excel takes float and str only: Decimal and Fraction from the rules are converted.
    for result in (
        udf.SN_CAPAIAN(95.0, 93.0),
        udf.SN_ANGKA_KREDIT("Baik", "Ahli Pertama", 2.0),
        udf.SN_IKM(ALL_FOURS),
        udf.SN_PP46(10, 9, 100, 85, 12, 11),
    ):
        assert type(result) is float and not isinstance(result, Decimal | Fraction)
