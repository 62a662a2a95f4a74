"""One problem model for the whole project.

Rules, templates, readers, the consolidation, Google and xlwings all report bad input as
`Problem` rows: a stable code (tests assert on it), a severity, the parameters of its
Indonesian message, and wherever known the place: file, sheet, cell, row, NIP and nama.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sheetnilai.errors import display_name
from sheetnilai.messages import CATALOGUE, render, render_advice
from sheetnilai.pickling import reduce_by_fields


class Severity(StrEnum):
    """Ordered from worst to mildest; the values are what users read."""

    GALAT = "galat"
    PERINGATAN = "peringatan"
    CATATAN = "catatan"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.GALAT: 0, Severity.PERINGATAN: 1, Severity.CATATAN: 2}
_SEVERITY = {s.value: s for s in Severity}


@dataclass(frozen=True, slots=True)
class Problem:
    __reduce__ = reduce_by_fields

    code: str
    severity: Severity
    params: Mapping[str, str] = field(default_factory=dict)
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    nip: str | None = None
    nama: str | None = None
    link: str | None = None

    @classmethod
    def make(
        cls,
        code: str,
        *,
        severity: Severity | None = None,
        params: Mapping[str, object] | None = None,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: int | None = None,
        nip: str | None = None,
        nama: str | None = None,
        link: str | None = None,
    ) -> Problem:
        """Build a problem whose severity defaults to the catalogue's."""
        entry = CATALOGUE[code]
        sev = severity if severity is not None else _SEVERITY[entry.severity]
        text_params = {k: _text(v) for k, v in (params or {}).items()}
        return cls(code, sev, text_params, file, sheet, cell, row, nip, nama, link)

    def at(
        self,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: int | None = None,
        nip: str | None = None,
        nama: str | None = None,
        link: str | None = None,
    ) -> Problem:
        """The same problem with (more of) its place filled in; known fields are kept."""
        given = {"file": file, "sheet": sheet, "cell": cell, "row": row, "nip": nip}
        given |= {"nama": nama, "link": link}
        known = {k: v for k, v in given.items() if v is not None and getattr(self, k) is None}
        return dataclasses.replace(self, **known)  # type: ignore[arg-type]

    @property
    def message(self) -> str:
        return render(self.code, self.params)

    @property
    def advice(self) -> str:
        return render_advice(self.code, self.params)

    @property
    def place(self) -> str:
        """Where, as a person reads it: `unit-a.xlsx › SKP 01!C12 (NIP …, Nama)`."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(self.sheet)
        elif self.cell:
            parts.append(self.cell)
        if self.row is not None and not self.cell:
            parts.append(f"baris {self.row}")
        text = " › ".join(parts)
        who = ", ".join(x for x in (f"NIP {self.nip}" if self.nip else "", self.nama or "") if x)
        if who:
            text = f"{text} ({who})" if text else who
        return text

    def render(self) -> str:
        head = f"[{self.severity.value}] "
        place = self.place
        body = f"{place}: {self.message}" if place else self.message
        advice = self.advice
        return head + body + (f" {advice}" if advice else "")


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return display_name(str(value))


def worst(problems: Iterable[Problem]) -> Severity | None:
    found = [p.severity for p in problems]
    return min(found, key=lambda s: s.rank) if found else None


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.GALAT for p in problems)
