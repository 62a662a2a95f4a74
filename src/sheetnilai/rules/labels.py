"""Ratings and predikat with their official labels, and a tolerant parser for real sheets.

Labels follow PermenPANRB 6/2022 as printed in SKP forms (domain.md §2.7, §2.8, §2.9).
"""

from __future__ import annotations

import re
from enum import Enum

from sheetnilai.rules.errors import RuleError


class _Labelled(Enum):
    """An enum whose value is its official Indonesian label."""

    @property
    def label(self) -> str:
        # _value_, not value: Enum's `value` is a descriptor written in Python, and a score
        # book reads a label for every pegawai of the agency several times over.
        return str(self._value_)


class Rating(_Labelled):
    # [V-code S22; V:S3] three-level scale for both hasil kerja and perilaku kerja.
    DI_ATAS = "Di Atas Ekspektasi"
    SESUAI = "Sesuai Ekspektasi"
    DI_BAWAH = "Di Bawah Ekspektasi"

    @property
    def rank(self) -> int:
        """Higher is better: DI_BAWAH 0, SESUAI 1, DI_ATAS 2."""
        return {"DI_BAWAH": 0, "SESUAI": 1, "DI_ATAS": 2}[self.name]


class Predikat(_Labelled):
    # [V-code S22] display labels; Kurang is printed "Kurang/Misconduct".
    SANGAT_BAIK = "Sangat Baik"
    BAIK = "Baik"
    BUTUH_PERBAIKAN = "Butuh Perbaikan"
    KURANG = "Kurang/Misconduct"
    SANGAT_KURANG = "Sangat Kurang"

    @property
    def rank(self) -> int:
        """Higher is better: SANGAT_KURANG 0 … SANGAT_BAIK 4 (the curve's x axis order)."""
        return CURVE_ORDER.index(self)


# The Lampiran's curve axis runs Sangat Kurang → Sangat Baik [V:S6].
CURVE_ORDER: tuple[Predikat, ...] = (
    Predikat.SANGAT_KURANG,
    Predikat.KURANG,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.BAIK,
    Predikat.SANGAT_BAIK,
)


class OrgPredikat(_Labelled):
    # [V:S2] capaian kinerja organisasi, SE MenPANRB 3/2023.
    ISTIMEWA = "Istimewa"
    BAIK = "Baik"
    BUTUH_PERBAIKAN = "Butuh Perbaikan"
    KURANG = "Kurang"
    SANGAT_KURANG = "Sangat Kurang"


def name_key(text: str) -> str:
    """A name (unit, pegawai, unit layanan) as two spellings of it compare: spaces collapsed,
    case folded ("Dinas  kesehatan" and "Dinas Kesehatan" are one unit)."""
    return " ".join(text.split()).casefold()


def label_key(text: str) -> str:
    """Lower case without spaces, dashes, underscores or dots: "Di  atas-Eksp" -> "diataseksp"."""
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


_RATING_KEYS: dict[str, Rating] = {}
for _r, _short in (
    (Rating.DI_ATAS, "diatas"),
    (Rating.SESUAI, "sesuai"),
    (Rating.DI_BAWAH, "dibawah"),
):
    for _k in (
        _short,
        _short + "ekspektasi",
        label_key(_r.label),
        _r.name.lower().replace("_", ""),
    ):
        _RATING_KEYS[_k] = _r
# English names seen in public code (domain.md §9).
_RATING_KEYS.update({"above": Rating.DI_ATAS, "meets": Rating.SESUAI, "below": Rating.DI_BAWAH})

_PREDIKAT_KEYS: dict[str, Predikat] = {
    "sangatbaik": Predikat.SANGAT_BAIK,
    "baik": Predikat.BAIK,
    "butuhperbaikan": Predikat.BUTUH_PERBAIKAN,
    "cukup": Predikat.BUTUH_PERBAIKAN,  # [V:S11] "Cukup/Butuh Perbaikan"
    "cukup/butuhperbaikan": Predikat.BUTUH_PERBAIKAN,
    "butuhperbaikan/cukup": Predikat.BUTUH_PERBAIKAN,
    "kurang": Predikat.KURANG,
    "misconduct": Predikat.KURANG,
    "kurang/misconduct": Predikat.KURANG,
    "sangatkurang": Predikat.SANGAT_KURANG,
}

_ORG_KEYS: dict[str, OrgPredikat] = {
    "istimewa": OrgPredikat.ISTIMEWA,
    "baik": OrgPredikat.BAIK,
    "butuhperbaikan": OrgPredikat.BUTUH_PERBAIKAN,
    "cukup": OrgPredikat.BUTUH_PERBAIKAN,
    "kurang": OrgPredikat.KURANG,
    "sangatkurang": OrgPredikat.SANGAT_KURANG,
}


def _allowed(members: type[_Labelled]) -> str:
    return ", ".join(m.label for m in members)


def parse_rating(text: object) -> Rating:
    """Parse a rating label as real sheets spell it; unknown text raises `rating-tidak-dikenal`."""
    if isinstance(text, Rating):
        return text
    found = _RATING_KEYS.get(label_key(text)) if isinstance(text, str) else None
    if found is None:
        raise RuleError("rating-tidak-dikenal", value=_shown(text), allowed=_allowed(Rating))
    return found


def parse_predikat(text: object) -> Predikat:
    if isinstance(text, Predikat):
        return text
    found = _PREDIKAT_KEYS.get(label_key(text)) if isinstance(text, str) else None
    if found is None:
        raise RuleError("predikat-tidak-dikenal", value=_shown(text), allowed=_allowed(Predikat))
    return found


def parse_org_predikat(text: object) -> OrgPredikat:
    if isinstance(text, OrgPredikat):
        return text
    found = _ORG_KEYS.get(label_key(text)) if isinstance(text, str) else None
    if found is None:
        raise RuleError(
            "predikat-organisasi-tidak-dikenal", value=_shown(text), allowed=_allowed(OrgPredikat)
        )
    return found


def _shown(value: object) -> str:
    return "" if value is None else str(value)
