"""An IKM survey workbook (`workbook/survei.py`) read for the consolidation.

The workbook is recognised by its marker name SN_IKM_FORMAT, never by its file name. Its
answers are read from the sheet the header names (the form's answer sheet when a Google
Form writes into it) and recomputed exactly with `rules.ikm`: whatever the workbook shows
is not trusted. An answer that is not 1–4 is a galat at its cell and is left out, the other
answers of that respondent still count, as the sheet's own formulas do: one mistyped cell
should not void a respondent's eight good answers, and the galat makes someone look at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from sheetnilai.problems import Problem
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.ikm import UNSUR, IkmResult, ikm, jawaban, sampel_minimum
from sheetnilai.rules.numbers import exact
from sheetnilai.rules.policy import IkmPolicy
from sheetnilai.sources.raw import RawBook, cell_ref, parse_ref
from sheetnilai.workbook.survei import (
    ANSWER_FIRST_COL,
    ANSWER_FIRST_ROW,
    ANSWER_SHEET,
    MAX_RESPONDEN,
    RESULT_SHEET,
    SURVEY_FORMAT,
)

__all__ = ["SurveyResult", "is_survey", "is_survey_file", "read_survey"]


@dataclass(slots=True)
class SurveyResult:
    """One survey workbook's result; `hasil` is None when the IKM cannot be computed."""

    name: str  # the file, as the consolidation names it
    unit: str
    periode: str
    populasi: int | None
    sampel_minimum: int | None
    hasil: IkmResult | None
    tidak_sah: int = 0  # answers left out
    sheet: str = ANSWER_SHEET
    problems: list[Problem] = field(default_factory=list)

    @property
    def sampel_cukup(self) -> bool | None:
        if self.sampel_minimum is None or self.hasil is None:
            return None
        return self.hasil.responden >= self.sampel_minimum

    def penarik(self) -> list[int]:
        """0-based unsur whose NRR is below the mean NRR of the nine: what pulls the IKM
        down. None when every unsur scores the same."""
        if self.hasil is None:
            return []
        nrr = self.hasil.nrr
        mean = sum(nrr, Fraction(0)) / len(nrr)
        return sorted((u for u, x in enumerate(nrr) if x < mean), key=lambda u: (nrr[u], u))


def _value(book: RawBook, name: str) -> object:
    ref = book.names.get(name)
    if ref is None:
        return None
    try:
        sheet_name, r, c, _, _ = parse_ref(ref.lstrip("="))
    except ValueError:
        return None
    sheet = book.sheets.get(sheet_name or RESULT_SHEET)
    if sheet is None:
        return None
    raw = sheet.cells.get((r, c))
    return None if raw is None else raw.value


def _ref(book: RawBook, name: str) -> tuple[str, str | None]:
    ref = book.names.get(name, "")
    try:
        sheet_name, r, c, _, _ = parse_ref(ref.lstrip("="))
    except ValueError:
        return RESULT_SHEET, None
    return sheet_name or RESULT_SHEET, cell_ref(r, c)


def is_survey(book: RawBook) -> bool:
    return _value(book, "SN_IKM_FORMAT") == SURVEY_FORMAT


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_survey(book: RawBook, name: str, policy: IkmPolicy) -> SurveyResult:
    """The survey in `book` (is_survey) recomputed; problems are on the result."""
    problems: list[Problem] = []
    unit = _text(_value(book, "SN_IKM_UNIT"))
    if not unit:
        where, cell = _ref(book, "SN_IKM_UNIT")
        problems.append(Problem.make("ikm-unit-kosong", file=name, sheet=where, cell=cell))
    periode = _text(_value(book, "SN_IKM_PERIODE"))
    populasi = _populasi(book, name, problems)
    minimum = sampel_minimum(populasi, policy.sampel) if populasi is not None else None
    answer_sheet = _text(_value(book, "SN_IKM_LEMBAR")) or ANSWER_SHEET
    sheet = book.sheets.get(answer_sheet)
    columns: list[list[int | None]] = [[] for _ in UNSUR]
    bad = 0
    if sheet is None:
        # A mistyped name in "Lembar jawaban": say so where it is typed, not only that no
        # unsur has an answer.
        where, cell = _ref(book, "SN_IKM_LEMBAR")
        problems.append(
            Problem.make(
                "ikm-lembar-jawaban-tidak-ada",
                params={"sheet": answer_sheet, "sheets": ", ".join(book.sheets)},
                file=name,
                sheet=where,
                cell=cell,
            )
        )
    else:
        last = max((r for r, _ in sheet.cells), default=-1)
        if last - ANSWER_FIRST_ROW + 1 > MAX_RESPONDEN:
            # The workbook's own formulas stop at MAX_RESPONDEN rows: the rows past them
            # count here, so the sheet's IKM would differ from the score book's.
            problems.append(
                Problem.make(
                    "ikm-responden-melebihi-rumus",
                    params={"max": MAX_RESPONDEN},
                    file=name,
                    sheet=answer_sheet,
                    cell=cell_ref(ANSWER_FIRST_ROW + MAX_RESPONDEN, ANSWER_FIRST_COL),
                )
            )
        responden = 0
        for r in range(ANSWER_FIRST_ROW, last + 1):
            row: list[int | None] = []
            filled = False
            for u in range(len(UNSUR)):
                raw = sheet.cells.get((r, ANSWER_FIRST_COL + u))
                value: object = None
                if raw is not None:
                    value = raw.error if raw.error else raw.value
                try:
                    answer = jawaban(value, unsur=u + 1, responden=responden + 1)
                except RuleError as exc:
                    problems.append(
                        exc.to_problem(
                            file=name, sheet=answer_sheet, cell=cell_ref(r, ANSWER_FIRST_COL + u)
                        )
                    )
                    bad += 1
                    filled = True
                    answer = None
                filled = filled or answer is not None
                row.append(answer)
            if filled:
                responden += 1
                for u, answer in enumerate(row):
                    columns[u].append(answer)
    hasil: IkmResult | None = None
    try:
        hasil = ikm(columns, policy)
    except RuleError as exc:
        problems.append(exc.to_problem(file=name, sheet=answer_sheet))
    shown = unit or name
    if hasil is not None and minimum is not None and hasil.responden < minimum:
        problems.append(
            Problem.make(
                "ikm-sampel-kurang",
                params={
                    "unit": shown,
                    "count": hasil.responden,
                    "populasi": populasi,
                    "minimum": minimum,
                },
                file=name,
                sheet=answer_sheet,
            )
        )
    return SurveyResult(name, shown, periode, populasi, minimum, hasil, bad, answer_sheet, problems)


def _populasi(book: RawBook, name: str, problems: list[Problem]) -> int | None:
    value = _value(book, "SN_IKM_POPULASI")
    sheet, cell = _ref(book, "SN_IKM_POPULASI")
    try:
        number = exact(value, "Jumlah populasi")
    except RuleError:
        number = None
    if number is not None and number.denominator == 1 and number >= 1:
        return int(number)
    shown = "(kosong)" if value is None or value == "" else _text(value)
    problems.append(
        Problem.make(
            "ikm-populasi-tidak-sah", params={"value": shown}, file=name, sheet=sheet, cell=cell
        )
    )
    return None


def is_survey_file(path: Path) -> bool:
    """A quick look (the marker sheet only) for commands that must leave surveys alone."""
    from sheetnilai.sources.raw import ReadError, read_book
    from sheetnilai.workbook.survei import MARK_SHEET

    try:
        return is_survey(read_book(path, only=frozenset({MARK_SHEET})))
    except (ReadError, OSError):
        return False
