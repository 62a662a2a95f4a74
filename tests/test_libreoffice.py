"""LibreOffice headless really recalculates: the engine the formula-parity tests rely on."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.support.libreoffice import convert, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")


def test_recalculates_formulas_that_xlsxwriter_stored_as_wrong_values(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    wb = xlsxwriter.Workbook(str(src), {"use_future_functions": True})
    ws = wb.add_worksheet("S")
    ws.write_number("A1", 12)
    ws.write_number("A2", 9.12)
    # The 24% threshold: LibreOffice must see exactly 24 after ROUND(...,6).
    ws.write_formula("A3", '=IF(ROUND(100-A2/A1*100,6)<=24,"<=24",">24")', None, "salah")
    ws.write_formula("A4", "=ROUND(2.675,2)", None, 999)
    ws.write_formula("A5", "=A1*2", None, 999)  # a planted wrong cached value
    wb.close()
    (out,) = convert([src], tmp_path / "out")
    values = openpyxl.load_workbook(out, data_only=True)["S"]
    assert values["A3"].value == "<=24"
    assert values["A4"].value == 2.68
    assert values["A5"].value == 24
