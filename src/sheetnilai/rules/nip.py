"""NIP PNS and NI PPPK: the 18-digit civil-servant number (Perka BKN 22/2007, domain.md §7).

Layout [V:S16]: `YYYYMMDD YYYYMM G NNN` = birth date, year+month of TMT CPNS, sex, sequence.
NI PPPK keeps the layout but digits 9–14 are the appointment year plus a 2-digit
perjanjian-kerja field, observed as "21" [V:S17; V-code heuristic], so they are no YYYYMM.

`check_nip` reads a raw spreadsheet cell and never raises: whatever a reader hands over
(None, numbers, bytes, odd objects) becomes a list of `Problem`s with catalogue codes.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re

from sheetnilai.problems import Problem, Severity

__all__ = ["check_nip", "compact", "format_nip", "is_valid"]

# Spaces (also NBSP and tabs), dots and the dash look-alikes that word processors put in.
_SEPARATORS = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014\u2212]")
_DIGITS18 = re.compile(r"[0-9]{18}")
_ASCII_DIGITS = re.compile(r"[0-9]+")

# Text a number cell turns into when it is read or pasted as text [M/known, domain.md §7]:
# E-notation with a decimal dot or comma ("1.96608011988031E+17", Indonesian "1,96608E+17"),
# or a whole number with a zero fraction ("196608011988031000.0"). A dot-separated NIP
# ("19660801.198803.1.001") has several dots or a non-zero group, so it does not match.
_NUMBER_TEXT = re.compile(
    r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+|[+-]?[0-9]+[.,]0+",
)

_PNS, _PPPK, _OTOMATIS = "pns", "pppk", "otomatis"
_STATUS_ALIASES = {"pns": _PNS, "cpns": _PNS, "pppk": _PPPK, "p3k": _PPPK}

# [V:S17, M] observed NI PPPK perjanjian-kerja field in digits 13–14.
_KODE_PPPK = "21"
_USIA_MINIMUM = 18  # [D] soft check: appointment year ≥ birth year + 18


def compact(raw: str) -> str:
    """The NIP without spaces, dots and dashes: "19660801 198803 1 001" -> "196608011988031001"."""
    return _SEPARATORS.sub("", raw)


def format_nip(raw: str) -> str:
    """The grouped form `YYYYMMDD YYYYMM G NNN` [V:S16].

    Text that does not compact to 18 digits is returned unchanged: this is a display helper
    and must not fail on a row that `check_nip` has already reported.
    """
    s = compact(raw)
    if not _DIGITS18.fullmatch(s):
        return raw
    return f"{s[0:8]} {s[8:14]} {s[14]} {s[15:18]}"


def is_valid(raw: object, status: str = "otomatis") -> bool:
    """True when `check_nip` finds no galat (warnings such as sequence 000 still pass)."""
    return not any(p.severity is Severity.GALAT for p in check_nip(raw, status))


def check_nip(raw: object, status: str = "otomatis", today: dt.date | None = None) -> list[Problem]:
    """Every problem of one NIP / NI PPPK cell, in digit order; [] when it is sound.

    `status` is "PNS", "PPPK" or "otomatis" (any case); otomatis reads digits 13–14 == "21"
    as NI PPPK. Date checks against the future run only when `today` is given, so results do
    not depend on the clock unless the caller asks.
    """
    text, numeric = _as_text(raw)
    if text is None:
        return [Problem.make("nip-kosong")]
    if numeric or _NUMBER_TEXT.fullmatch(text.strip()):
        # [M/known] ≤15 significant digits survive a number cell; the rest is gone, so the
        # value is never "repaired" by formatting it back to 18 digits.
        return [Problem.make("nip-angka", params={"value": text})]
    s = compact(text)
    if not s:
        # A lone "-" or "." is how sheets write "none".
        return [Problem.make("nip-kosong")]
    if not _ASCII_DIGITS.fullmatch(s):
        return [Problem.make("nip-bukan-digit", params={"value": text})]
    if len(s) != 18:
        return [Problem.make("nip-panjang", params={"value": text, "length": len(s)})]
    return _components(text, s, _kind(status, s), today)


def _components(text: str, s: str, kind: str, today: dt.date | None) -> list[Problem]:
    problems: list[Problem] = []

    def add(code: str, **params: object) -> None:
        problems.append(Problem.make(code, params={"value": text, **params}))

    born = _date(s[0:8])
    if born is None:
        add("nip-tanggal-lahir", part=s[0:8])  # [V:S16] digits 1–8 = YYYYMMDD
    tmt_year = int(s[8:12])
    tmt_month: int | None = None
    if kind == _PNS:
        if 1 <= int(s[12:14]) <= 12:
            tmt_month = int(s[12:14])
        else:
            add("nip-bulan-tmt", part=s[12:14])  # [V:S16] digits 9–14 = TMT CPNS YYYYMM
    elif s[12:14] != _KODE_PPPK:
        add("nip-kode-pppk", part=s[12:14])  # [V:S17, M] NI PPPK field is "21"
    if s[14] not in "12":
        add("nip-jenis-kelamin", part=s[14])  # [V:S16] 1 = pria, 2 = wanita
    if s[15:18] == "000":
        add("nip-urut-000")  # [D] a sequence starts at 001

    if born is not None and tmt_year - born.year < _USIA_MINIMUM:
        add("nip-tmt-terlalu-muda", age=tmt_year - born.year)  # [D] soft check
    if today is not None:
        if born is not None and born > today:
            add("nip-masa-depan", part=s[0:8])  # [D] soft check
        # NI PPPK and a bad TMT month carry only a year, so only the year can be compared.
        if tmt_month is not None:
            if (tmt_year, tmt_month) > (today.year, today.month):
                add("nip-masa-depan", part=s[8:14])
        elif tmt_year > today.year:
            add("nip-masa-depan", part=s[8:12])
    return problems


def _kind(status: str, s: str) -> str:
    try:
        key = str(status).strip().casefold()
    except Exception:
        key = _OTOMATIS
    # An unknown status falls back to detection: it is the one reading that needs no guess
    # about what the user meant, and check_nip must not raise.
    kind = _STATUS_ALIASES.get(key, _OTOMATIS)
    if kind == _OTOMATIS:
        return _PPPK if s[12:14] == _KODE_PPPK else _PNS
    return kind


def _date(yyyymmdd: str) -> dt.date | None:
    try:
        return dt.date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _as_text(raw: object) -> tuple[str | None, bool]:
    """(the cell as text or None when blank, whether it came from a number cell)."""
    if raw is None:
        return None, False
    if isinstance(raw, str):
        return (raw if raw.strip() else None), False
    if isinstance(raw, bytes | bytearray):
        return _as_text(bytes(raw).decode("utf-8", errors="replace"))
    if isinstance(raw, bool):
        # A TRUE/FALSE cell is not a number cell; it is reported as non-digit text.
        return str(raw), False
    if isinstance(raw, numbers.Number):
        if _is_nan(raw):
            # pandas and calamine hand a blank cell over as NaN.
            return None, False
        # repr keeps the E-notation the user sees in the sheet ("1.96608011988031e+17").
        return _safe_str(raw, use_repr=isinstance(raw, float)), True
    return _safe_str(raw), False


def _is_nan(value: object) -> bool:
    # NaN is the one value unequal to itself; this also covers Decimal and numpy NaN.
    try:
        return bool(value != value)
    except Exception:
        return False


def _safe_str(value: object, use_repr: bool = False) -> str:
    try:
        return repr(value) if use_repr else str(value)
    except Exception:
        return f"<{type(value).__name__}>"
