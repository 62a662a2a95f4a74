"""The 3×3 matrix: rating hasil kerja × rating perilaku kerja → predikat kinerja pegawai.

[V-code S22] six independent implementations agree; domain.md §2.8.
"""

from __future__ import annotations

from sheetnilai.rules.labels import Predikat, Rating

_A, _S, _B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH

MATRIX: dict[tuple[Rating, Rating], Predikat] = {
    (_A, _A): Predikat.SANGAT_BAIK,
    (_A, _S): Predikat.BAIK,
    (_A, _B): Predikat.KURANG,
    (_S, _A): Predikat.BAIK,
    (_S, _S): Predikat.BAIK,
    (_S, _B): Predikat.KURANG,
    (_B, _A): Predikat.BUTUH_PERBAIKAN,
    (_B, _S): Predikat.BUTUH_PERBAIKAN,
    (_B, _B): Predikat.SANGAT_KURANG,
}


def predikat(hasil: Rating, perilaku: Rating) -> Predikat:
    """Predikat kinerja pegawai from the two ratings (keys: hasil kerja, perilaku kerja)."""
    return MATRIX[(hasil, perilaku)]
