"""Check one unit workbook exactly as the consolidation will, before it is sent.

Behind the "Periksa workbook" macro (`sheetnilai.xlwings_periksa`) and `sheetnilai periksa`.
This is a thin adapter, not a second validator: it runs `consolidate()` on a one-file
source, so the reader, the extraction, every check of `validate.py`, the same-NIP cross
check and the unit's distribution check are the consolidation's own code. The problems come
back as the score book's Masalah table (`report.masalah_table`), so a unit sees the same
columns HR will see, plus a link that jumps to the cell inside its own workbook.
"""

from __future__ import annotations

from pathlib import Path

from sheetnilai.consolidate import Consolidation, InputFile, consolidate
from sheetnilai.report import masalah_table
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.workbook.layout import quote_sheet

MASALAH_SHEET = "Masalah"
LINK_COLUMN = "Tautan"
TEXT_COLUMNS = frozenset({"NIP"})  # digit strings that a spreadsheet would turn into numbers


def check_workbook(
    path: Path,
    period: str,
    policy: Policy = DEFAULT_POLICY,
    *,
    name: str | None = None,
) -> Consolidation:
    """Consolidate `path` alone for `period`; problems name the file as `name` (the workbook's
    own name when `path` is a temporary copy of it)."""
    key = period.strip().upper()
    source = InputFile(path, name or path.name, path.stat().st_size)
    return consolidate(path, key, policy, files=[source], jobs=1)


def cell_link(sheet: str, cell: str) -> str:
    """A worksheet formula that jumps to `cell` of `sheet` in the same workbook.

    HYPERLINK with a "#" target works in Excel, LibreOffice and Google Sheets alike, and
    a formula can be written in bulk with the values (a Hyperlinks object cannot).
    """
    target = f"#{quote_sheet(sheet)}!{cell}".replace('"', '""')
    shown = f"{sheet}!{cell}".replace('"', '""')
    return f'=HYPERLINK("{target}","{shown}")'


def _as_text(value: object) -> object:
    # Written through xlwings, a string that starts like a formula is evaluated, and one of
    # digits becomes a number; the apostrophe keeps both as the text they are.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def masalah_rows(result: Consolidation) -> list[list[object]]:
    """The Masalah sheet as rows (header first), ready for ``range.value = rows``."""
    table = masalah_table(result)
    columns = list(table.frame.columns)
    rows: list[list[object]] = [columns]
    for record in table.frame.itertuples(index=False):
        row: list[object] = []
        values = dict(zip(columns, record, strict=True))
        for column in columns:
            value = values[column]
            if column == LINK_COLUMN and not value and values["Lembar"] and values["Sel"]:
                row.append(cell_link(str(values["Lembar"]), str(values["Sel"])))
            elif column in TEXT_COLUMNS and value:
                row.append("'" + str(value))
            else:
                row.append(_as_text(value))
        rows.append(row)
    return rows
