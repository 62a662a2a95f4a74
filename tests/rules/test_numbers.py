"""Exact numbers and spreadsheet rounding (integrations.md §7)."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import (
    exact,
    number_text,
    percent_text,
    round_half_up,
    round_half_up_float,
)

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        # Spreadsheet ROUND: half away from zero, decimal-correct; Python's round() differs.
        (Fraction("0.285"), 2, "0.29"),
        (exact(2.675, "x"), 2, "2.68"),
        (Fraction("-2.5"), 0, "-3"),
        (Fraction("2.5"), 0, "3"),
        (Fraction("97.8947"), 0, "98"),
        (Fraction(25, 12), 2, "2.08"),
        (Fraction("-0.005"), 2, "-0.01"),
    ],
)
def test_round_half_up_as_spreadsheets(value: Fraction, digits: int, expected: str) -> None:
    assert str(round_half_up(value, digits)) == expected


def test_python_round_would_have_been_wrong() -> None:
    assert round(2.675, 2) == 2.67 and round(0.285, 2) == 0.28 and round(-2.5) == -2


def test_the_24_percent_trap_is_exact_here() -> None:
    # domain.md §4.2: in floats 100 − 9.12/12 × 100 = 24.000000000000014.
    assert 100 - 9.12 / 12 * 100 > 24
    assert 100 - exact(9.12, "RW") / 12 * 100 == 24


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, Fraction(5)),
        (9.12, Fraction(912, 100)),
        ("88,5", Fraction(177, 2)),
        (" 12.5 ", Fraction(25, 2)),
        (Decimal("1.10"), Fraction(11, 10)),
        ("-3", Fraction(-3)),
        ("1e2", Fraction(100)),
    ],
)
def test_exact_accepts_cell_values(value: object, expected: Fraction) -> None:
    assert exact(value, "x") == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "angka-kosong"),
        ("", "angka-kosong"),
        ("  ", "angka-kosong"),
        ("abc", "angka-tidak-sah"),
        (True, "angka-tidak-sah"),
        (float("nan"), "angka-tidak-sah"),
        (float("-inf"), "angka-tidak-sah"),
        (Decimal("NaN"), "angka-tidak-sah"),
        ("1.000", "angka-tidak-sah"),
        ("1.234,5", "angka-tidak-sah"),
        ("inf", "angka-tidak-sah"),
        (object(), "angka-tidak-sah"),
        ([1], "angka-tidak-sah"),
    ],
)
def test_exact_rejects_with_a_code(value: object, code: str) -> None:
    with pytest.raises(RuleError) as info:
        exact(value, "Realisasi")
    assert info.value.code == code
    assert info.value.message.startswith("Realisasi")


def test_indonesian_number_text() -> None:
    assert percent_text(Fraction(2, 3)) == "66,67%"
    assert percent_text(Fraction(7, 10)) == "70%"
    assert percent_text(Fraction(0)) == "0%"
    assert number_text(Fraction("18.75")) == "18,75"
    assert number_text(Fraction(25, 12)) == "2,08"
    assert number_text(Fraction(120)) == "120"


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6
    )
)
def test_round_half_up_matches_decimal_half_up(d: Decimal) -> None:
    from decimal import ROUND_HALF_UP

    assert round_half_up(Fraction(d), 2) == d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9
    )
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
    | st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=0, max_value=6),
)
def test_round_half_up_float_is_the_float_of_the_decimal_result(
    value: Decimal | float | int, digits: int
) -> None:
    """The score book's shortcut gives the float Python reads from the exact decimal result
    (Decimal's own ROUND_HALF_UP on the exact value, then float of that decimal text)."""
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        exact_value = Decimal(value) if not isinstance(value, Decimal) else value
        expected = float(exact_value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    given_value = Fraction(value) if isinstance(value, Decimal) else value
    assert round_half_up_float(given_value, digits) == expected


# --- numbers no spreadsheet can hold (issue 12, item 17) ------------------------------------

# Text a cell can hold but no spreadsheet number can be: Fraction(Decimal("1e100000000")) is a
# 100-million-digit integer, which took minutes and froze the caller.
HUGE = ["1e100000000", "1e-100000000", "-1E+100000000", "1,5e-999999999"]


@pytest.mark.parametrize("text", HUGE)
def test_exact_refuses_numbers_beyond_any_spreadsheet(text: str) -> None:
    with pytest.raises(RuleError) as info:
        exact(text, "Realisasi")
    assert info.value.code == "angka-di-luar-jangkauan"
    assert info.value.message.startswith(f'Realisasi berisi "{text}"')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # The edges of what a spreadsheet cell can hold still pass, exactly.
        ("1e308", Fraction(10) ** 308),
        ("1,7976931348623157E+308", Fraction(Decimal("1.7976931348623157e308"))),
        ("1e-308", Fraction(1, 10**308)),
        ("4,9e-324", Fraction(Decimal("4.9e-324"))),
        ("0e-100000000", Fraction(0)),  # zero with any exponent is just zero
        ("-0E+999999999", Fraction(0)),
        (Decimal("2.5e300"), Fraction(Decimal("2.5e300"))),
        (1.7976931348623157e308, Fraction(Decimal("1.7976931348623157e308"))),
        (5e-324, Fraction(Decimal("5e-324"))),
    ],
)
def test_exact_accepts_the_edges_of_the_spreadsheet_range(
    value: object, expected: Fraction
) -> None:
    assert exact(value, "x") == expected


@pytest.mark.parametrize(
    "value", ["1e309", "-1e309", "1e-400", Decimal("1e100000000"), Decimal("-1e-100000000")]
)
def test_exact_refuses_just_beyond_the_range_and_huge_decimals(value: object) -> None:
    with pytest.raises(RuleError) as info:
        exact(value, "Target")
    assert info.value.code == "angka-di-luar-jangkauan"


def test_a_huge_refused_text_is_shortened_in_the_message() -> None:
    text = "9" * 5000 + "e999999999"
    with pytest.raises(RuleError) as info:
        exact(text, "Realisasi")
    assert info.value.code == "angka-di-luar-jangkauan"
    assert len(info.value.message) < 400 and "…" in info.value.message


def _probe_calls(x: str) -> dict[str, list[Callable[[], object]]]:
    """Every worksheet function (and `exact`) with `x` in each argument that takes a number."""
    from sheetnilai import xlwings_udf as udf

    ok = "Sesuai Ekspektasi"
    return {
        "exact": [lambda: exact(x, "Realisasi")],
        "SN_PREDIKAT": [lambda: udf.SN_PREDIKAT(x, ok), lambda: udf.SN_PREDIKAT(ok, x)],
        "SN_CAPAIAN": [
            lambda: udf.SN_CAPAIAN(x, 93.0),
            lambda: udf.SN_CAPAIAN(95.0, x),
            lambda: udf.SN_CAPAIAN(80.0, 85.0, None, x),
            lambda: udf.SN_CAPAIAN(f"80-{x}", 85.0),
        ],
        "SN_NILAI_CAPAIAN": [
            lambda: udf.SN_NILAI_CAPAIAN(x, 93.0),
            lambda: udf.SN_NILAI_CAPAIAN(95.0, x),
            lambda: udf.SN_NILAI_CAPAIAN(80.0, 85.0, "turun", x),
        ],
        "SN_SARAN_RATING": [lambda: udf.SN_SARAN_RATING([[98.0], [x]])],
        "SN_DISTRIBUSI": [lambda: udf.SN_DISTRIBUSI(x, [["Baik"]])],
        "SN_ANGKA_KREDIT": [lambda: udf.SN_ANGKA_KREDIT("Baik", "Ahli Pertama", x)],
        "SN_CEK_NIP": [lambda: udf.SN_CEK_NIP(x)],
        "SN_IKM": [lambda: udf.SN_IKM([[x] + [3.0] * 8])],
        "SN_MUTU_IKM": [lambda: udf.SN_MUTU_IKM([[4.0] * 8 + [x]])],
        "SN_PP46": [
            functools.partial(udf.SN_PP46, *[x if i == k else 12.0 for i in range(6)])
            for k in range(6)
        ]
        + [lambda: udf.SN_PP46(12.0, 12.0, 100.0, 100.0, 12.0, 12.0, x, 5.0)],
    }


def probe(name: str, x: str) -> None:
    """Run in a child process: each call of `name` with `x`, one line per call."""
    for i, call in enumerate(_probe_calls(x)[name]):
        print(f"mulai {i}", flush=True)
        try:
            result: object = call()
        except RuleError as exc:
            result = f"RuleError {exc.code}"
        if isinstance(result, list):  # SN_DISTRIBUSI's two cells
            result = result[0][0]
        print(f"hasil {i} {' '.join(str(result).split())}", flush=True)


def test_no_worksheet_function_hangs_on_huge_exponents() -> None:
    """Each function returns its #GALAT text (exact: RuleError) instead of computing for minutes.

    Each function runs in its own child process: a hung big-integer operation holds the GIL,
    so neither a thread nor a signal could stop it. The bound is generous; it only has to tell
    "returns" from "does not return".
    """
    from sheetnilai.xlwings_udf import FUNCTIONS

    names = ["exact", *(f.__name__ for f in FUNCTIONS)]
    assert len(names) == 11 and set(names[1:]) == set(_probe_calls("1")) - {"exact"}
    children = {
        (name, x): subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"from tests.rules.test_numbers import probe; probe({name!r}, {x!r})",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
        for x in HUGE[:2]
    }
    deadline = time.monotonic() + 60
    hung: list[str] = []
    results: dict[tuple[str, str], list[str]] = {}
    try:
        for key, child in children.items():
            try:
                out, err = child.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                out, err = child.communicate()
                last = [line for line in out.splitlines() if line.startswith("mulai")][-1:]
                hung.append(f"{key[0]}({key[1]}) {last}")
                continue
            assert child.returncode == 0, err
            results[key] = [line for line in out.splitlines() if line.startswith("hasil")]
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    assert hung == [], "\n".join(hung)
    # Where the number reaches the number parser itself, the cell names the reason.
    named = {"SN_CAPAIAN", "SN_NILAI_CAPAIAN", "SN_SARAN_RATING", "SN_PP46"}
    for (name, x), lines in results.items():
        assert len(lines) == len(_probe_calls(x)[name]), (name, x, lines)
        for line in lines:
            shown = line.split(" ", 2)[2]
            if name == "exact":
                assert shown == "RuleError angka-di-luar-jangkauan"
                continue
            assert shown.startswith("#GALAT: "), (name, x, line)
            if name in named:
                assert "terlalu besar, terlalu kecil, atau terlalu panjang" in shown, line
