"""Check one unit workbook exactly as the consolidation will, before it is sent.

Behind the "Periksa workbook" macro (`sheetnilai.xlwings_periksa`) and `sheetnilai periksa`.
This is a thin adapter, not a second validator: it runs `consolidate()` on a one-file
source, so the reader, the extraction, every check of `validate.py`, the same-NIP cross
check and the unit's distribution check are the consolidation's own code. The problems come
back as the score book's Masalah table (`report.masalah_table`), so a unit sees the same
columns HR will see, plus a link that jumps to the cell inside its own workbook.

A workbook records the policy its formulas were generated with (`templat buat --kebijakan`);
the check uses that policy unless told otherwise, as HR's consolidation uses the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheetnilai.config import policy_from_text
from sheetnilai.consolidate import Consolidation, InputFile, consolidate, require_period
from sheetnilai.errors import SheetnilaiError, display_name
from sheetnilai.periods import period_key
from sheetnilai.report import masalah_table
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.sources.raw import ReadError, read_book
from sheetnilai.sources.unit import NotReadable, extract, peek
from sheetnilai.workbook.layout import META_SHEET, quote_sheet

MASALAH_SHEET = "Masalah"
LINK_COLUMN = "Tautan"


@dataclass(frozen=True)
class Checked:
    result: Consolidation
    policy_source: str  # where the policy came from, in Indonesian


def workbook_policy(path: Path) -> Policy | None:
    """The policy stored in the workbook when it was generated (None: not a readable unit
    workbook, or one made before the policy was stored)."""
    try:
        unit = extract(read_book(path), path.name)
    except (ReadError, NotReadable, OSError):
        return None  # the check itself reports why the workbook cannot be read
    if not unit.policy_text:
        return None
    where = f"{path.name} (lembar {META_SHEET})"
    return policy_from_text(unit.policy_text, where, "workbook")


def check_workbook(
    path: Path,
    period: str,
    policy: Policy | None = None,
    *,
    name: str | None = None,
    fallback: tuple[Policy, str] = (DEFAULT_POLICY, "bawaan"),
) -> Checked:
    """Consolidate `path` alone for `period`; problems name the file as `name` (the workbook's
    own name when `path` is a temporary copy of it).

    The policy is `policy` when given, else the one the workbook was generated with (so a
    unit's check matches the formulas it sees), else `fallback`.
    """
    source = "--kebijakan"
    if policy is None:
        policy, source = workbook_policy(path), "tersimpan di workbook"
    if policy is None:
        policy, source = fallback
    try:
        key = period_key(period)
    except SheetnilaiError:
        held = peek(path)  # name the periods this workbook holds, not every one there is
        if held is None or not held.periods:
            raise
        valid = {"period": period, "valid": ", ".join(held.periods)}
        raise SheetnilaiError("periode-tidak-dikenal", valid) from None
    files = [InputFile(path, display_name(name or path.name), path.stat().st_size)]
    result = consolidate(path, key, policy, files=files, jobs=1)
    require_period(result)
    return Checked(result, source)


def cell_link(sheet: str, cell: str) -> str:
    """A worksheet formula that jumps to `cell` of `sheet` in the same workbook.

    HYPERLINK with a "#" target works in Excel, LibreOffice and Google Sheets alike, and
    a formula can be written in bulk with the values (a Hyperlinks object cannot).
    """
    target = f"#{quote_sheet(sheet)}!{cell}".replace('"', '""')
    shown = f"{sheet}!{cell}".replace('"', '""')
    return f'=HYPERLINK("{target}","{shown}")'


def _as_text(value: object) -> object:
    # Written through xlwings, Excel parses every string as if typed: "=…" becomes a formula,
    # digits a number, "1-3" a date, "TRUE" a boolean. A leading apostrophe keeps any string
    # the text it is, and Excel does not show it.
    if isinstance(value, str) and value:
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
            else:
                row.append(_as_text(value))
        rows.append(row)
    return rows
