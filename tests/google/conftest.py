"""Fixtures for tests that talk to the local fake of Google's APIs."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import xlsxwriter

from tests.support.fake_google import FakeGoogle

XlsxBuilder = Callable[[Callable[[Any], None]], bytes]


def build_xlsx(write: Callable[[Any], None]) -> bytes:
    """Build an xlsx in memory: `write` receives a fresh xlsxwriter.Workbook."""
    buf = io.BytesIO()
    workbook = xlsxwriter.Workbook(buf, {"in_memory": True})
    write(workbook)
    workbook.close()
    return buf.getvalue()


def _sample(workbook: Any) -> None:
    """A small unit workbook: values, formulas with cached results (errors too), a sheet-scoped
    name on a sheet whose title has an apostrophe, a global name, a hidden row, a hidden sheet."""
    data = workbook.add_worksheet("Data Pegawai")
    data.write_row(0, 0, ["NIP", "Nama", "Nilai", "Bobot"])
    data.write_row(1, 0, ["198001012005011001", "Ani", 80, 0.5])
    data.write_row(2, 0, ["198001012005011002", "Budi", 90.5, 0.5])
    data.write_row(3, 0, ["198001012005011003", "Citra (pindah)", 70, 0])
    data.set_row(3, None, None, {"hidden": True})
    data.write_formula(4, 2, "=SUM(C2:C4)", None, 240.5)
    data.write_formula(5, 2, "=C2/D4", None, "#DIV/0!")
    data.write_formula(6, 2, '=VLOOKUP("x",A1:B3,2,FALSE)', None, "#N/A")
    data.write_formula(7, 2, "=C2>C3", None, False)
    data.write_boolean(8, 0, True)
    rekap = workbook.add_worksheet("It's Rekap")
    rekap.write_string(0, 0, "Rata-rata")
    rekap.write_formula(0, 1, "=AVERAGE('Data Pegawai'!C2:C4)", None, 80.1666666667)
    ref = workbook.add_worksheet("Referensi")
    ref.write_column(0, 0, ["Sangat Baik", "Baik", "Butuh Perbaikan"])
    ref.hide()
    workbook.define_name("'It's Rekap'!RataRata", "='It''s Rekap'!$B$1")
    workbook.define_name("DaftarPredikat", "=Referensi!$A$1:$A$3")


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    with FakeGoogle() as fake:
        yield fake
    assert not fake.errors, "the fake crashed:\n" + "\n".join(fake.errors)


@pytest.fixture
def service_account_info(fake_google: FakeGoogle) -> dict[str, str]:
    return fake_google.service_account()


@pytest.fixture
def xlsx_builder() -> XlsxBuilder:
    return build_xlsx


@pytest.fixture(scope="session")
def sample_xlsx() -> bytes:
    return build_xlsx(_sample)
