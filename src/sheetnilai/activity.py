"""Which periods a pegawai's SKP sheet counts for in its unit, from the identity block's
"Aktif di unit sejak" and "Tidak aktif sejak" dates (written by `templat perbarui` when the
roster changes mid-year).

A sheet counts for a period when the pegawai is in the unit on the period's last day: a
mutasi on 15 May leaves TW1 to the old unit and TW2 onwards to the new one, so every pegawai
is counted once per period, in the unit that appraised them for it.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DateUnreadable", "format_date", "is_active", "parse_date"]

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class DateUnreadable(ValueError):
    """The cell holds something that is not a date."""


def format_date(day: dt.date) -> str:
    """As the sheet shows it: dd/mm/yyyy."""
    return f"{day:%d/%m/%Y}"


def parse_date(value: object) -> dt.date | None:
    """A date cell: blank → None; "15/05/2026", "2026-05-15", a date object, or the serial
    number a spreadsheet stores for a typed date. Anything else raises DateUnreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value == int(value) and 1 <= value <= 2_958_465:  # 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DateUnreadable(str(value))
    text = str(value)
    for pattern, order in ((_DMY, (2, 1, 0)), (_ISO, (0, 1, 2))):
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                raise DateUnreadable(text) from None
    raise DateUnreadable(text)


def is_active(since: dt.date | None, until: dt.date | None, day: dt.date) -> bool:
    """In the unit on `day`: from `since` (inclusive) until `until` (exclusive)."""
    return (since is None or since <= day) and (until is None or day < until)
