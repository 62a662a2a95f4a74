"""Talent grid (9-box, PermenPANRB 3/2020) and development needs (domain.md §2.11, §2.14).

Pure: the box of a kinerja × potensial pair, kinerja from predikat across periods per
policy, candidates for promotion or development, critical umpan balik by cue words, IKI
persistently behind target, and the development theme of each BerAKHLAK aspect. Capaian are
compared exactly (Fractions).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.frozenmap import FrozenMap
from sheetnilai.rules.labels import Predikat, Rating, label_key

if TYPE_CHECKING:
    from sheetnilai.rules.policy import PengembanganPolicy, TalentaPolicy


class Kinerja(StrEnum):
    """The grid's kinerja axis; the value is how sheetnilai.toml spells it."""

    DI_ATAS = "di-atas"
    SESUAI = "sesuai"
    DI_BAWAH = "di-bawah"

    # The regulation names the kinerja levels as the SKP names its ratings.
    @property
    def label(self) -> str:
        return Rating[self.name].label

    @property
    def rank(self) -> int:
        return Rating[self.name].rank


class Potensial(StrEnum):
    """The grid's potensial axis, from an assessment (never from the SKP)."""

    RENDAH = "Rendah"
    MENENGAH = "Menengah"
    TINGGI = "Tinggi"

    @property
    def label(self) -> str:
        return self.value


class AntarPeriode(StrEnum):
    """How one kinerja is taken from the predikat of several periods (domain.md §2.14 [D])."""

    TERAKHIR = "terakhir"  # the latest period with a predikat
    TERENDAH = "terendah"  # the lowest kinerja of the last periods
    MODUS = "modus"  # the most frequent kinerja of the last periods, ties to the lower


# [V-code, SIMT DJBK konstanta.ts] box numbers as the Lampiran of PermenPANRB 3/2020 draws them.
BOX: Mapping[tuple[Kinerja, Potensial], int] = {
    (Kinerja.DI_ATAS, Potensial.RENDAH): 4,
    (Kinerja.DI_ATAS, Potensial.MENENGAH): 7,
    (Kinerja.DI_ATAS, Potensial.TINGGI): 9,
    (Kinerja.SESUAI, Potensial.RENDAH): 2,
    (Kinerja.SESUAI, Potensial.MENENGAH): 5,
    (Kinerja.SESUAI, Potensial.TINGGI): 8,
    (Kinerja.DI_BAWAH, Potensial.RENDAH): 1,
    (Kinerja.DI_BAWAH, Potensial.MENENGAH): 3,
    (Kinerja.DI_BAWAH, Potensial.TINGGI): 6,
}
# The grid as drawn: kinerja rows top to bottom, potensial columns left to right.
GRID_ROWS = (Kinerja.DI_ATAS, Kinerja.SESUAI, Kinerja.DI_BAWAH)
GRID_COLUMNS = (Potensial.RENDAH, Potensial.MENENGAH, Potensial.TINGGI)


def box(kinerja: Kinerja, potensial: Potensial) -> int:
    return BOX[(kinerja, potensial)]


_POTENSIAL_KEYS = {label_key(p.value): p for p in Potensial} | {"sedang": Potensial.MENENGAH}


def parse_potensial(text: object) -> Potensial:
    """ "Tinggi", " menengah ", "SEDANG" → Potensial; anything else raises RuleError."""
    found = _POTENSIAL_KEYS.get(label_key(text)) if isinstance(text, str) else None
    if found is None:
        raise RuleError(
            "potensial-tidak-dikenal",
            value="" if text is None else str(text),
            allowed=", ".join(p.value for p in Potensial),
        )
    return found


# [D] domain.md §2.14: the regulation does not map the five predikat; this is the default.
DEFAULT_KINERJA: Mapping[Predikat, Kinerja] = FrozenMap(
    {
        Predikat.SANGAT_BAIK: Kinerja.DI_ATAS,
        Predikat.BAIK: Kinerja.SESUAI,
        Predikat.BUTUH_PERBAIKAN: Kinerja.DI_BAWAH,
        Predikat.KURANG: Kinerja.DI_BAWAH,
        Predikat.SANGAT_KURANG: Kinerja.DI_BAWAH,
    }
)


def kinerja_across(predikat: Sequence[Predikat | None], policy: TalentaPolicy) -> Kinerja | None:
    """One kinerja from the predikat of the run's periods, oldest first (None: no predikat).

    Periods without a predikat are skipped; the last `jumlah_periode` periods that have one
    count for "terendah" and "modus"."""
    known = [policy.kinerja[p] for p in predikat if p is not None]
    if not known:
        return None
    if policy.antar_periode is AntarPeriode.TERAKHIR:
        return known[-1]
    last = known[-policy.jumlah_periode :]
    if policy.antar_periode is AntarPeriode.TERENDAH:
        return min(last, key=lambda k: k.rank)
    counts = Counter(last)
    top = max(counts.values())
    # A tie goes to the lower kinerja: a grid placement is not raised on a coin toss.
    return min((k for k, n in counts.items() if n == top), key=lambda k: k.rank)


def sangat_baik_run(predikat: Sequence[Predikat | None]) -> int:
    """How many of the latest periods in a row are Sangat Baik (a gap ends the run)."""
    n = 0
    for p in reversed(predikat):
        if p is not Predikat.SANGAT_BAIK:
            break
        n += 1
    return n


class Kandidat(StrEnum):
    PROMOSI = "Promosi"
    PENGEMBANGAN = "Pengembangan"


def candidate(
    kotak: int | None, predikat: Sequence[Predikat | None], policy: TalentaPolicy
) -> tuple[Kandidat, str] | None:
    """Whether a pegawai is a candidate for promotion or for development, and why."""
    if kotak is not None and kotak in policy.kotak_promosi:
        return Kandidat.PROMOSI, f"kotak {kotak}"
    n = policy.sangat_baik_berturut
    if n and sangat_baik_run(predikat) >= n:
        return Kandidat.PROMOSI, f"Sangat Baik {n} periode berturut-turut"
    if kotak is not None and kotak in policy.kotak_pengembangan:
        return Kandidat.PENGEMBANGAN, f"kotak {kotak}"
    return None


# --- development needs ---------------------------------------------------------------------

# The seven BerAKHLAK aspects (domain.md §2.11) and a development theme for each: a starting
# point for the training plan, not a regulation.
ASPECT_THEMES: Mapping[str, str] = {
    "Berorientasi Pelayanan": "Pelatihan pelayanan prima dan pelayanan publik",
    "Akuntabel": "Pelatihan integritas, disiplin dan akuntabilitas kinerja",
    "Kompeten": "Pelatihan teknis sesuai jabatan dan coaching oleh atasan",
    "Harmonis": "Pelatihan komunikasi efektif dan etika kerja",
    "Loyal": "Penguatan wawasan kebangsaan dan nilai dasar ASN",
    "Adaptif": "Pelatihan manajemen perubahan dan inovasi",
    "Kolaboratif": "Pelatihan kerja sama tim dan kolaborasi lintas unit",
}
HASIL_KERJA_THEME = "Coaching dan mentoring oleh atasan langsung; pelatihan teknis terkait IKI"
OTHER_THEME = "Konseling dan coaching oleh atasan langsung"
_ASPECT_KEYS = {label_key(a): a for a in ASPECT_THEMES}


@lru_cache(maxsize=1024)
def aspect_name(text: str) -> str:
    """The aspect's official name for a label as typed ("berorientasi  pelayanan", "1. Loyal")."""
    key = label_key(re.sub(r"^\s*\d+[.)]?\s*", "", text))
    return _ASPECT_KEYS.get(key, " ".join(text.split()))


def aspect_theme(aspect: str) -> str:
    return ASPECT_THEMES.get(aspect_name(aspect), OTHER_THEME)


# [D] Cue words an atasan writes in critical umpan balik; a policy setting. No bare
# "tingkatkan": the stock praise "Pertahankan dan tingkatkan prestasinya" would be a need.
DEFAULT_CUES = (
    "perlu ditingkatkan",
    "perlu meningkatkan",
    "perlu perbaikan",
    "perlu diperbaiki",
    "kurang",
    "belum",
    "tidak tepat waktu",
    "terlambat",
    "lambat",
)

# [D] A cue with one of these among the NEGATION_WINDOW words before it, in the same clause,
# is praise ("tidak pernah terlambat", "tidak ada yang kurang", "tanpa kurang suatu apa").
NEGATIONS = frozenset({"tidak", "tak", "tanpa", "bukan"})
NEGATION_WINDOW = 3  # the negation and up to 2 words between it and the cue
# "tidak hanya kurang teliti" still criticises: "not only", not "not".
_NOT_A_NEGATION_AFTER = frozenset({"hanya", "cuma", "saja", "sekadar"})
# A clause ends at punctuation or a joining word: "Tidak disiplin, sering terlambat" and
# "tidak pernah absen tetapi terlambat" keep their cue.
_CLAUSE_BREAK = re.compile(
    r"[.,;:!?()\[\]/\n]|\b(?:dan|serta|tetapi|tapi|namun|sedangkan|melainkan|atau)\b"
)
_WORD = re.compile(r"\w+")
# Enough text before a cue for NEGATION_WINDOW words; a long feedback is not re-read whole.
_LOOKBACK = 80


@lru_cache(maxsize=32)
def _cue_patterns(
    cues: tuple[str, ...],
) -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    each = [
        (cue, r"\b" + r"\s+".join(map(re.escape, words)) + r"\b")
        for cue in cues
        if (words := cue.casefold().split())
    ]
    any_cue = re.compile("|".join(p for _, p in each) or r"(?!)")
    return any_cue, tuple((cue, re.compile(p)) for cue, p in each)


def _negated(text: str, start: int) -> bool:
    """Whether the cue at `start` follows a negation within its clause."""
    clause = _CLAUSE_BREAK.split(text[max(0, start - _LOOKBACK) : start])[-1]
    words = _WORD.findall(clause)[-NEGATION_WINDOW:]
    return any(
        w in NEGATIONS and (i + 1 == len(words) or words[i + 1] not in _NOT_A_NEGATION_AFTER)
        for i, w in enumerate(words)
    )


def critical_cue(umpan_balik: str, cues: Sequence[str]) -> str | None:
    """The first cue of the list found in the feedback, matched as whole words regardless of
    case and spacing ("KURANG  teliti" has "kurang"; "kurangnya" does not), else None.

    A cue after a negation in the same clause is skipped ("tidak pernah terlambat", "tidak
    ada yang kurang"); a later, unnegated one still counts."""
    text = umpan_balik.casefold()
    # One search decides most feedback (no cue at all); a hit looks for the list's first cue.
    any_cue, each = _cue_patterns(tuple(cues))
    if any_cue.search(text) is None:
        return None
    for cue, p in each:
        if any(not _negated(text, m.start()) for m in p.finditer(text)):
            return cue
    return None


def may_hold_cue(texts: Iterable[str], cues: Sequence[str]) -> bool:
    """Whether any of the texts may hold a cue: one search over them all (most pegawai's
    umpan balik holds none). A hit may still be negated; `critical_cue` decides per text."""
    any_cue, _ = _cue_patterns(tuple(cues))
    return any_cue.search("\n".join(texts).casefold()) is not None


def persistently_behind(capaian: Sequence[Fraction | None], policy: PengembanganPolicy) -> bool:
    """Whether an IKI is behind target (capaian below `batas_capaian` percent) in each of
    the last `periode_berturut` periods of the run, oldest first; with fewer periods in the
    run, in every one of them. A period without a capaian breaks the run."""
    last = capaian[-policy.periode_berturut :]
    return bool(last) and all(c is not None and c < policy.batas_capaian for c in last)
