"""Indeks Kepuasan Masyarakat (PermenPANRB 14/2017, domain.md §6).

Nine unsur are answered on a 1–4 scale [V:S15]. Per unsur the mean of the filled answers
(NRR) is weighted (1/9, or 0.11 as the Permen prints it), summed to the IKM (1–4) and
multiplied by 25 to the konversi (25–100) that decides mutu A–D. Everything is an exact
`Fraction`, so a konversi on a band edge is classified by its true value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import IkmPolicy, IkmSampleRounding

__all__ = [
    "UNSUR",
    "IkmResult",
    "ikm",
    "ikm_from_respondents",
    "jawaban",
    "mutu_pelayanan",
    "sampel_minimum",
]

# [V:S15] the nine unsur in domain.md order (copies swap 8 and 9; the score does not care).
UNSUR: tuple[str, ...] = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
)

_SKALA = range(1, 5)  # [V:S15] 1 = tidak baik … 4 = sangat baik
_SKALA_CEPAT = frozenset(_SKALA)
_FAKTOR_KONVERSI = Fraction(25)  # [V:S15] IKM × 25 → 25–100

# [D] lower bounds of the konversi intervals, best first; below the last is D. The printed
# table has gaps (76.60 | 76.61), so classification uses the value rounded to 2 decimals.
_MUTU: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
)
_MUTU_TERENDAH = ("D", "Tidak Baik")

_DEFAULT_POLICY = IkmPolicy()

# [M] Krejcie–Morgan: chi-square for 1 degree of freedom at 95%, P = 0.5, d = 0.05.
_KM_CHI2 = Fraction(3841, 1000)
_KM_PQ = Fraction(1, 4)
_KM_D2 = Fraction(1, 400)


@dataclass(frozen=True, slots=True)
class IkmResult:
    nrr: tuple[Fraction, ...]  # per unsur: Σ answers / number of filled answers
    nrr_tertimbang: tuple[Fraction, ...]  # nrr × bobot
    ikm: Fraction  # Σ nrr_tertimbang, scale 1–4
    konversi: Fraction  # ikm × 25, scale 25–100
    konversi_tampil: Decimal  # konversi rounded half up to 2 decimals, as published
    mutu: str  # "A" … "D"
    kinerja: str  # "Sangat Baik" … "Tidak Baik"
    responden: int  # respondents with at least one filled answer


def mutu_pelayanan(konversi: Fraction) -> tuple[str, str]:
    """(mutu, kinerja unit) for an IKM konversi, e.g. Fraction(90) -> ("A", "Sangat Baik").

    [D] classify on the konversi rounded half up to 2 decimals with the lower bounds
    ≥88.31 A, ≥76.61 B, ≥65.00 C, else D.
    """
    shown = round_half_up(konversi, 2)
    for batas, mutu, kinerja in _MUTU:
        if shown >= batas:
            return mutu, kinerja
    return _MUTU_TERENDAH


def ikm(
    unsur_answers: Sequence[Sequence[object]], policy: IkmPolicy = _DEFAULT_POLICY
) -> IkmResult:
    """IKM from 9 columns of answers, one per unsur in `UNSUR` order, one entry per respondent.

    Blank answers (None, "", whitespace, NaN) are skipped. Raises `RuleError`:
    ikm-jumlah-unsur (not 9 unsur), ikm-jawaban-tidak-sah (an answer that is not 1–4),
    ikm-unsur-kosong (an unsur without any answer).
    """
    if len(unsur_answers) != len(UNSUR):
        raise RuleError("ikm-jumlah-unsur", count=len(unsur_answers))
    bobot = policy.bobot.fraction  # [V:S15] 1/9, or 0.11 as printed [D option]
    nrr: list[Fraction] = []
    answered: set[int] = set()
    for u, column in enumerate(unsur_answers, start=1):
        total = 0
        count = 0
        for r, value in enumerate(column, start=1):
            if _kosong(value):
                continue
            total += _jawaban(value, unsur=u, responden=r)
            count += 1
            answered.add(r)
        if count == 0:
            raise RuleError("ikm-unsur-kosong", unsur=u)
        nrr.append(Fraction(total, count))  # [V:S15] NRR = Σ / filled answers
    tertimbang = tuple(x * bobot for x in nrr)  # [V:S15] NRR tertimbang = NRR × bobot
    nilai = sum(tertimbang, Fraction(0))  # [V:S15] IKM = Σ NRR tertimbang
    konversi = nilai * _FAKTOR_KONVERSI
    mutu, kinerja = mutu_pelayanan(konversi)
    return IkmResult(
        nrr=tuple(nrr),
        nrr_tertimbang=tertimbang,
        ikm=nilai,
        konversi=konversi,
        konversi_tampil=round_half_up(konversi, 2),
        mutu=mutu,
        kinerja=kinerja,
        responden=len(answered),
    )


def ikm_from_respondents(
    rows: Sequence[Sequence[object]], policy: IkmPolicy = _DEFAULT_POLICY
) -> IkmResult:
    """IKM from one row per respondent, each holding the 9 answers in `UNSUR` order.

    A row with another number of answers raises ikm-jumlah-unsur: padding it would guess
    which unsur is missing and shift every answer after the gap.
    """
    for row in rows:
        if len(row) != len(UNSUR):
            raise RuleError("ikm-jumlah-unsur", count=len(row))
    columns = [[row[u] for row in rows] for u in range(len(UNSUR))]
    return ikm(columns, policy)


def sampel_minimum(populasi: int, pembulatan: IkmSampleRounding = IkmSampleRounding.TABLE) -> int:
    """Krejcie–Morgan minimum sample for a population of `populasi` service users.

    [M] s = X²·N·P(1−P) / (d²(N−1) + X²·P(1−P)); the published table rounds to the nearest
    whole respondent (N=100 → 80, 500 → 217, 1,000 → 278), `UP` takes the next whole one.
    Raises `RuleError("ikm-populasi-tidak-sah")` for a population below 1.
    """
    if isinstance(populasi, bool) or not isinstance(populasi, int) or populasi < 1:
        raise RuleError("ikm-populasi-tidak-sah", value=populasi)
    top = _KM_CHI2 * populasi * _KM_PQ
    s = top / (_KM_D2 * (populasi - 1) + _KM_CHI2 * _KM_PQ)
    if pembulatan is IkmSampleRounding.UP:
        return -(-s.numerator // s.denominator)
    return int(round_half_up(s, 0))


def jawaban(value: object, *, unsur: int = 0, responden: int = 0) -> int | None:
    """One answer cell: None when blank, else 1–4; raises ikm-jawaban-tidak-sah."""
    if _kosong(value):
        return None
    return _jawaban(value, unsur=unsur, responden=responden)


def _kosong(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    # pandas and calamine hand a blank cell over as float NaN.
    return isinstance(value, float) and value != value


def _jawaban(value: object, *, unsur: int, responden: int) -> int:
    """One answer as an int 1–4: int, integral float (3.0) or text ("3", "3,0")."""
    # The common case first: a typed or form-written 1–4 arrives as an int or a float. The
    # exact type is checked, not isinstance: True == 1, and a bool is not an answer.
    kind = type(value)
    if (kind is int or kind is float) and value in _SKALA_CEPAT:
        return int(value)
    try:
        number = exact(value, "jawaban")
    except RuleError:
        raise RuleError(
            "ikm-jawaban-tidak-sah", value=value, unsur=unsur, responden=responden
        ) from None
    if number.denominator != 1 or number.numerator not in _SKALA:
        raise RuleError("ikm-jawaban-tidak-sah", value=value, unsur=unsur, responden=responden)
    return number.numerator
