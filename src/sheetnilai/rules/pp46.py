"""PP 46/2011 + Perka BKN 1/2013: the legacy numeric SKP (domain.md §4).

Regional templates still score with it, so the formulas follow those templates exactly,
including their quirks (the 24% discontinuity of the time/cost aspect). Every value is an
exact `Fraction`: the 24% threshold must be decided exactly, because with binary floats
TW=12, RW=9.12 gives an efficiency of 24.000000000000014 and scores 76 instead of 100
(domain.md §4.2).

Inputs are raw cell values (int, float, Decimal, Fraction or numeric text such as "9,12");
bad input raises `RuleError` with a stable code, never another exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import Pp46Policy

__all__ = [
    "ASPEK_PERILAKU",
    "BAIK",
    "BURUK",
    "CUKUP",
    "KURANG",
    "SANGAT_BAIK",
    "Kegiatan",
    "aspek_biaya",
    "aspek_waktu",
    "nilai_kegiatan",
    "nilai_kreativitas",
    "nilai_perilaku",
    "nilai_prestasi_kerja",
    "nilai_skp",
    "nilai_tugas_tambahan",
    "sebutan",
]

# [V:S12] 1.76 makes R = 76% of T (24% efficiency) score exactly 100 and R = T score 76.
_NT = Fraction(176, 100)
_BATAS_EFISIENSI = Fraction(24)
_SERATUS = Fraction(100)

# [V:S13; 123dok Kemen PU] the behaviour aspects, in form order. Labels are capitalised
# because they start the Indonesian error sentence ("{field} bernilai …").
# Kepemimpinan is assessed only for pejabat struktural [M] (domain.md §10 item 9).
ASPEK_PERILAKU: tuple[str, ...] = (
    "Orientasi pelayanan",
    "Integritas",
    "Komitmen",
    "Disiplin",
    "Kerja sama",
    "Kepemimpinan",
)

# [V:S12 "Mencari NT"; S13] sebutan labels (domain.md §4.5).
SANGAT_BAIK = "Sangat Baik"
BAIK = "Baik"
CUKUP = "Cukup"
KURANG = "Kurang"
BURUK = "Buruk"

# Lower bound of each band, best first; anything below the last bound is Buruk.
_BANDS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(91), SANGAT_BAIK),
    (Fraction(76), BAIK),
    (Fraction(61), CUKUP),
    (Fraction(51), KURANG),
)

_NILAI_PERILAKU_MAKS = Fraction(100)


def _kosong(value: object) -> bool:
    """A blank cell: None or whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def _tidak_negatif(value: object, field: str) -> Fraction:
    number = exact(value, field=field)
    if number < 0:
        raise RuleError("angka-negatif", field=field, value=value)
    return number


def _target(value: object, field: str) -> Fraction:
    number = _tidak_negatif(value, field)
    if number == 0:
        raise RuleError("target-nol", field=field)
    return number


def _aspek_efisiensi(target: object, realisasi: object, nama: str) -> Fraction:
    """The shared time/cost formula [V:S12 for 1.76 and the 24% split; V-code S14 for >24%]."""
    t = _target(target, f"Target {nama}")
    r = _tidak_negatif(realisasi, f"Realisasi {nama}")
    efisiensi = _SERATUS - r / t * _SERATUS
    # `1.76·T − R`, not `1.76·(T − R)`: the latter is a known wrong variant (domain.md §4.2).
    x = (_NT * t - r) / t * _SERATUS
    # `≤ 24` (not `< 25`), compared exactly: 9.12/12 is exactly 76%, so it scores 100.
    if efisiensi <= _BATAS_EFISIENSI:
        return x
    # Finishing more than 24% early is penalised on purpose ("target badly set").
    # The formula is kept as templates have it, so a result far beyond target can be < 0.
    return 76 - (x - _SERATUS)


def aspek_waktu(target: object, realisasi: object) -> Fraction:
    """Nilai aspek waktu from target and realised time (domain.md §4.2).

    (12, 12) → 76, (5, 4) → 96, (1, 0.76) → 100, (1, 0.70) → 70.
    """
    return _aspek_efisiensi(target, realisasi, "waktu")


def aspek_biaya(target: object, realisasi: object) -> Fraction:
    """Nilai aspek biaya: the same formula as waktu, on target and realised cost."""
    return _aspek_efisiensi(target, realisasi, "biaya")


@dataclass(frozen=True)
class Kegiatan:
    """One kegiatan tugas jabatan of a PP 46/2011 SKP, as raw cell values.

    target_biaya 0 or blank means the kegiatan has no cost target (scored over 3 aspects).
    """

    target_output: object
    realisasi_output: object
    target_kualitas: object
    realisasi_kualitas: object
    target_waktu: object
    realisasi_waktu: object
    target_biaya: object = 0
    realisasi_biaya: object = 0


def nilai_kegiatan(k: Kegiatan) -> Fraction:
    """Nilai capaian kegiatan: mean of kuantitas, kualitas, waktu (and biaya) [V-code S14]."""
    # [V:S12 "target tidak terlaksana"] not carried out scores 0; the other cells of such
    # a row are often blank, so they are deliberately not read.
    if _kosong(k.realisasi_output):
        return Fraction(0)
    ro = _tidak_negatif(k.realisasi_output, "Realisasi kuantitas")
    if ro == 0:
        return Fraction(0)
    kuantitas = ro / _target(k.target_output, "Target kuantitas") * _SERATUS
    kualitas = (
        _tidak_negatif(k.realisasi_kualitas, "Realisasi kualitas")
        / _target(k.target_kualitas, "Target kualitas")
        * _SERATUS
    )
    bagian = [kuantitas, kualitas, aspek_waktu(k.target_waktu, k.realisasi_waktu)]
    # /3 or /4 is decided by the TARGET cost: deciding by realised cost is a known wrong
    # variant in public code (domain.md §4.2 pitfalls).
    target_biaya = (
        Fraction(0) if _kosong(k.target_biaya) else _tidak_negatif(k.target_biaya, "Target biaya")
    )
    if target_biaya > 0:
        bagian.append(aspek_biaya(target_biaya, k.realisasi_biaya))
    return sum(bagian, Fraction(0)) / len(bagian)


def _bilangan_bulat(value: object, field: str) -> int:
    number = _tidak_negatif(value, field)
    if number.denominator != 1:
        raise RuleError("angka-tidak-sah", field=field, value=value)
    return int(number)


def nilai_tugas_tambahan(jumlah: object, policy: Pp46Policy | None = None) -> Fraction:
    """Points for the number of tugas tambahan [M] (domain.md §4.3, §10 item 9).

    Defaults: 0 → 0, 1–3 → 1, 4–6 → 2, ≥ 7 → 3. `jumlah` may be a cell value ("3", 3.0).
    """
    policy = policy or Pp46Policy()
    if _kosong(jumlah):
        return Fraction(0)
    n = _bilangan_bulat(jumlah, "Jumlah tugas tambahan")
    poin = Fraction(0)
    # Sorted so a policy file may list the steps in any order; the highest step reached wins.
    for minimum, nilai in sorted(policy.tugas_tambahan, key=lambda step: step[0]):
        if n >= minimum:
            poin = Fraction(nilai)
    return poin


def nilai_kreativitas(tingkat: str | None, policy: Pp46Policy | None = None) -> Fraction:
    """Points for kreativitas by who acknowledged it [M]: unit 3, organisasi 6, negara 12."""
    policy = policy or Pp46Policy()
    if _kosong(tingkat):
        return Fraction(0)
    allowed = ", ".join(policy.kreativitas)
    # A cell may hold a number or another type despite the annotation: same error, no crash.
    if not isinstance(tingkat, str):
        raise RuleError("pp46-kreativitas-tidak-dikenal", value=tingkat, allowed=allowed)
    # Sheets vary in case and stray spaces ("Organisasi ", "NEGARA").
    kunci = " ".join(tingkat.split()).casefold()
    for nama, nilai in policy.kreativitas.items():
        if " ".join(nama.split()).casefold() == kunci:
            return Fraction(nilai)
    raise RuleError("pp46-kreativitas-tidak-dikenal", value=tingkat, allowed=allowed)


def nilai_skp(
    kegiatan: Sequence[Kegiatan],
    tugas_tambahan: object = 0,
    kreativitas: str | None = None,
    policy: Pp46Policy | None = None,
) -> Fraction:
    """Nilai capaian SKP = mean(nilai kegiatan) + tugas tambahan + kreativitas [V-code S14].

    The extra points are added after averaging, so the result may exceed 100.
    """
    policy = policy or Pp46Policy()
    if not kegiatan:
        raise RuleError("pp46-tanpa-kegiatan")
    rata = sum((nilai_kegiatan(k) for k in kegiatan), Fraction(0)) / len(kegiatan)
    return (
        rata + nilai_tugas_tambahan(tugas_tambahan, policy) + nilai_kreativitas(kreativitas, policy)
    )


def nilai_perilaku(aspek: Mapping[str, object]) -> Fraction:
    """Nilai perilaku kerja: mean of the assessed aspects [M] (domain.md §4.4).

    Blank aspects are not assessed (kepemimpinan for non-structural staff) and are skipped,
    so the mean is over 5 or 6 aspects. Each value must lie in 0–100.
    """
    nilai: list[Fraction] = []
    for nama, value in aspek.items():
        if _kosong(value):
            continue
        number = exact(value, field=nama)
        if not 0 <= number <= _NILAI_PERILAKU_MAKS:
            raise RuleError(
                "pp46-nilai-di-luar-rentang", field=nama, value=value, max=_NILAI_PERILAKU_MAKS
            )
        nilai.append(number)
    if not nilai:
        raise RuleError("pp46-perilaku-kosong")
    return sum(nilai, Fraction(0)) / len(nilai)


def nilai_prestasi_kerja(
    nilai_skp: object, nilai_perilaku: object, policy: Pp46Policy | None = None
) -> Fraction:
    """Nilai prestasi kerja = 60% SKP + 40% perilaku by default [V:S13, S14] (§4.5)."""
    policy = policy or Pp46Policy()
    skp = exact(nilai_skp, field="Nilai SKP")
    perilaku = exact(nilai_perilaku, field="Nilai perilaku kerja")
    return policy.bobot_skp * skp + (1 - policy.bobot_skp) * perilaku


def sebutan(nilai: object, policy: Pp46Policy | None = None) -> str:
    """Sebutan for a PP 46/2011 value [V:S12, S13] (domain.md §4.5).

    Templates compare `>=91`, `>=76`, `>=61`, `>=51` on the unrounded value, so 90.5 is
    Baik by default; `policy.pembulatan_sebutan` rounds half up first ([D], 90.5 → 91 →
    Sangat Baik with "bulat"). The same bands apply to each aspect score.
    """
    policy = policy or Pp46Policy()
    x = exact(nilai, field="Nilai")
    digits = policy.pembulatan_sebutan.digits
    if digits is not None:
        x = Fraction(round_half_up(x, digits))
    for batas, label in _BANDS:
        if x >= batas:
            return label
    return BURUK
