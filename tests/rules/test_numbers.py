"""Exact numbers and spreadsheet rounding (integrations.md §7)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact, number_text, percent_text, round_half_up


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
