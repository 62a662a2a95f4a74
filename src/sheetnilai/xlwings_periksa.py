"""The "Periksa workbook" macro: Excel desktop with xlwings, through ``RunPython``.

The `.xlsm` from ``sheetnilai templat buat --xlwings`` carries a VBA macro ``PeriksaWorkbook``
that runs ``sheetnilai.xlwings_periksa.periksa_workbook()``. It saves a copy of the open
workbook as it is on screen (on Windows: unsaved edits included, the workbook's own file
untouched; macOS has no "save a copy", so the workbook is saved first),
checks that copy with the consolidation's own code (`sheetnilai.periksa`) and writes the
problems to a *Masalah* sheet, each with a link to its cell.

Only the few lines here touch Excel; what they write is `periksa.masalah_rows`, which the
tests check against ``sheetnilai konsolidasi`` on the same workbook. Kept apart from
`xlwings_udf` so that the worksheet functions import without pandas (xlwings Lite).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from sheetnilai.errors import SheetnilaiError
from sheetnilai.periksa import MASALAH_SHEET, check_workbook, masalah_rows
from sheetnilai.workbook.layout import PERIKSA_PERIOD_NAME

TITLE = "sheetnilai: Periksa workbook"


def _snapshot(book: Any, target: Path) -> None:
    """The workbook as the user sees it, written to `target`."""
    api = book.api
    if hasattr(api, "SaveCopyAs"):  # Windows (COM): a copy, the open file keeps its name
        api.SaveCopyAs(str(target))
        return
    # macOS (AppleScript) has no SaveCopyAs: the workbook is saved first (the README says
    # so), then its file is copied.
    book.save()
    shutil.copyfile(book.fullname, target)


def _period(book: Any) -> str:
    names = {n.name.casefold(): n for n in book.names}
    name = names.get(PERIKSA_PERIOD_NAME.casefold())
    if name is None:
        raise SheetnilaiError("periksa-tanpa-periode", {"name": PERIKSA_PERIOD_NAME})
    return str(name.refers_to_range.value or "").strip()


def _masalah_sheet(book: Any) -> Any:
    """The Masalah sheet, emptied; added after the last visible sheet when there is none.
    Excel compares sheet names without case, so "masalah" is the same sheet."""
    for sheet in book.sheets:
        if sheet.name.casefold() == MASALAH_SHEET.casefold():
            sheet.clear()
            return sheet
    visible = [s for s in book.sheets if s.visible]
    return book.sheets.add(MASALAH_SHEET, after=visible[-1] if visible else None)


def periksa_workbook() -> None:
    """Entry point of the PeriksaWorkbook macro."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        period = _period(book)
        with tempfile.TemporaryDirectory(prefix="sheetnilai-periksa-") as tmp:
            copy = Path(tmp) / book.name
            _snapshot(book, copy)
            checked = check_workbook(copy, period, name=book.name)
    except SheetnilaiError as exc:
        book.app.alert(exc.message, title=TITLE)
        return
    rows = masalah_rows(checked.result)
    sheet = _masalah_sheet(book)
    sheet["A1"].value = rows
    sheet["A1"].resize(1, len(rows[0])).font.bold = True
    sheet.autofit()
    sheet.activate()
    found = len(rows) - 1
    book.app.alert(
        f"{found} masalah ditemukan; rinciannya di lembar {MASALAH_SHEET}."
        if found
        else "Tidak ada masalah: workbook siap dikirim.",
        title=TITLE,
    )
