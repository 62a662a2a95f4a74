"""The message catalogue: every code used exists, and every placeholder is filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheetnilai.messages import CATALOGUE, placeholders, render
from sheetnilai.problems import Problem, Severity

SRC = Path(__file__).parents[1] / "src" / "sheetnilai"
# A code is a quoted kebab-case literal passed to RuleError, Problem.make or SheetnilaiError.
USE = re.compile(r'(?:RuleError|Problem\.make|SheetnilaiError)\(\s*"([a-z0-9-]+)"')


def used_codes() -> set[str]:
    return {m for f in SRC.rglob("*.py") for m in USE.findall(f.read_text(encoding="utf-8"))}


def test_every_used_code_is_in_the_catalogue() -> None:
    missing = used_codes() - set(CATALOGUE)
    assert not missing


def test_found_usages_are_real() -> None:
    # Guards the regex itself: these are known to be raised somewhere.
    assert {
        "angka-kosong",
        "rating-tidak-dikenal",
        "distribusi-kosong",
        "kebijakan-rusak",
    } <= used_codes()


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_entry_is_indonesian_and_complete(code: str) -> None:
    entry = CATALOGUE[code]
    assert entry.severity in {s.value for s in Severity}
    assert entry.text.strip() and entry.advice.strip(), code
    assert not re.search(r"\b(the|is|must|please|error|file)\b", entry.text + entry.advice, re.I), (
        code
    )
    params = {name: f"<{name}>" for name in placeholders(code)}
    text = render(code, params)
    assert "…" not in text and "{" not in text


def test_problem_place_names_file_sheet_cell_and_pegawai() -> None:
    p = Problem.make(
        "angka-kosong",
        params={"field": "Realisasi"},
        file="dinkes.xlsx",
        sheet="SKP 01",
        cell="H12",
        nip="198807222011011004",
        nama="Agus Prasetyo",
    )
    assert p.render() == (
        "[galat] dinkes.xlsx › SKP 01!H12 (NIP 198807222011011004, Agus Prasetyo): "
        "Realisasi belum diisi. Isi Realisasi dengan angka."
    )
    assert p.at(file="lain.xlsx", row=4).file == "dinkes.xlsx"
    assert p.at(row=4).row == 4
