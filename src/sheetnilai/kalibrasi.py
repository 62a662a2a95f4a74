"""The score book's Kalibrasi sheet: for each unit whose curve fails, the fewest predikat
changes that would meet it (rules/kalibrasi.py) and, for each change, the pegawai an atasan
would review first with the evidence at hand. It proposes; it never changes a rating.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import pandas as pd

from sheetnilai.consolidate import Consolidation
from sheetnilai.rules.kalibrasi import Move, Proposal, Status, propose
from sheetnilai.rules.labels import CURVE_ORDER, Predikat, Rating
from sheetnilai.rules.numbers import number_text
from sheetnilai.rules.predikat import MATRIX
from sheetnilai.scorebook import ColumnKind, Table
from sheetnilai.shown import number
from sheetnilai.validate import IkiResult, PegawaiResult, UnitResult

SHEET = "Kalibrasi"
COLUMNS = [
    "Unit Kerja",
    "Berkas",
    "Predikat organisasi",
    "Sebaran sekarang",
    "Usulan perubahan",
    "Jumlah perubahan",
    "Keterangan",
    "Urutan calon",
    "NIP",
    "Nama",
    "Lembar",
    "Predikat sekarang",
    "Predikat usulan",
    "Perubahan rating yang diperlukan",
    "Rating hasil kerja",
    "Rating perilaku kerja",
    "Rata-rata capaian (%)",
    "Capaian per IKI",
    "IKI tanpa bukti dukung",
    "Umpan balik",
]
SHORT = {
    Predikat.SANGAT_KURANG: "SK",
    Predikat.KURANG: "K",
    Predikat.BUTUH_PERBAIKAN: "BP",
    Predikat.BAIK: "B",
    Predikat.SANGAT_BAIK: "SB",
}
NEVER_CHANGES = (
    "Usulan ini hanya bahan telaah pejabat penilai: sheetnilai tidak pernah mengubah rating. "
    "Predikat berubah hanya bila pejabat penilai mengubah rating di workbook unit."
)
TEXT_LIMIT = 400  # characters of umpan balik shown per pegawai; the SKP sheet has the rest


def candidates_shown(count: int) -> int:
    """Pegawai listed for a move of `count`: enough to choose from, not the whole unit."""
    return 2 * count + 1


def kalibrasi_table(c: Consolidation) -> Table:
    rows: list[dict[str, object]] = []
    # One segment per unit: a unit whose proposal changes length moves the units after it,
    # and their chunks are then renumbered rather than built again (scorebook.Table).
    segments: list[tuple[str | None, int]] = []
    limit = c.policy.kalibrasi.batas_perubahan
    failing = 0
    for u in sorted(c.units, key=lambda u: u.unit):
        org, dist = c.distribution.get(u.name, (None, None))
        if org is None or dist is None or dist.ok or dist.total == 0:
            continue
        failing += 1
        proposal = propose(org, dist.counts, c.policy.distribusi, limit)
        listed = unit_rows(u, proposal, " ".join(f.sentence for f in dist.findings))
        rows += listed
        segments.append((None, len(listed)))
    notes = [
        NEVER_CHANGES,
        "Untuk setiap unit yang tidak sesuai kurva: jumlah pegawai paling sedikit yang "
        "predikatnya harus berubah, lalu calon per perubahan (untuk penurunan: capaian terendah "
        "lebih dulu; untuk kenaikan: capaian tertinggi lebih dulu) beserta buktinya.",
    ]
    if not failing:
        notes.append("Semua unit yang diperiksa memenuhi kurva distribusi; tidak ada usulan.")
    widths = {"Unit Kerja": 28, "Berkas": 18, "Predikat organisasi": 12, "Sebaran sekarang": 22,
              "Usulan perubahan": 34, "Jumlah perubahan": 10, "Keterangan": 44,
              "Urutan calon": 8, "NIP": 20, "Nama": 22, "Lembar": 14, "Predikat sekarang": 12,
              "Predikat usulan": 12, "Perubahan rating yang diperlukan": 30,
              "Rating hasil kerja": 14, "Rating perilaku kerja": 14,
              "Rata-rata capaian (%)": 11, "Capaian per IKI": 40,
              "IKI tanpa bukti dukung": 18, "Umpan balik": 44}  # fmt: skip
    kinds = {name: ColumnKind.TEXT for name in COLUMNS} | {
        "Jumlah perubahan": ColumnKind.INTEGER,
        "Urutan calon": ColumnKind.INTEGER,
        "NIP": ColumnKind.NIP,
        "Rata-rata capaian (%)": ColumnKind.PERCENT,
    }
    return Table(
        SHEET,
        pd.DataFrame(rows, columns=COLUMNS, dtype=object),
        kinds,
        title=f"Bantuan kalibrasi kurva distribusi — periode {c.period}",
        notes=notes,
        widths=widths,
        segments=segments,
    )


def spread_text(counts: Iterable[tuple[Predikat, int]]) -> str:
    """ "SK 0, K 1, BP 2, B 15, SB 2" in curve order."""
    found = dict(counts)
    return ", ".join(f"{SHORT[p]} {found.get(p, 0)}" for p in CURVE_ORDER)


def unit_rows(u: UnitResult, proposal: Proposal, findings: str) -> list[dict[str, object]]:
    head: dict[str, object] = {
        "Unit Kerja": u.unit,
        "Berkas": u.name,
        "Predikat organisasi": proposal.org.label,
    }
    first = head | {
        "Sebaran sekarang": spread_text(proposal.counts.items()),
        "Jumlah perubahan": proposal.changes or None,
    }
    if proposal.status is Status.TIDAK_MUNGKIN:
        return [
            first
            | {
                "Keterangan": f"{findings} Kurva ini tidak dapat dipenuhi oleh unit dengan "
                f"{proposal.total} pegawai berpredikat, berapa pun predikat yang diubah; "
                "periksa predikat organisasi atau cakupan unit.",
            }
        ]
    after = spread_text(proposal.target.items()) if proposal.target else ""
    if proposal.status is Status.MELEBIHI_BATAS:
        return [
            first
            | {
                "Usulan perubahan": proposal.text,
                "Keterangan": f"{findings} Tidak ada perubahan predikat paling banyak "
                f"{proposal.limit} pegawai (kalibrasi.batas_perubahan) yang memenuhi kurva: "
                f"paling sedikit {proposal.changes} pegawai harus berubah. Periksa kembali "
                "predikat organisasi sebelum menelaah predikat pegawai.",
            }
        ]
    rows = [
        first
        | {
            "Usulan perubahan": proposal.text,
            "Keterangan": f"{findings} Paling sedikit {proposal.changes} pegawai harus berubah "
            f"predikat agar kurva terpenuhi; sebaran sesudahnya: {after}.",
        }
    ]
    iki_by_sheet: dict[str, list[IkiResult]] = {}
    for i in u.iki:
        iki_by_sheet.setdefault(i.sheet, []).append(i)
    for move in proposal.moves:
        for rank, p in enumerate(ranked(u.pegawai, move)[: candidates_shown(move.count)], 1):
            rows.append(
                head
                | {
                    "Usulan perubahan": move.text,
                    "Jumlah perubahan": move.count,
                    "Urutan calon": rank,
                    **evidence(p, iki_by_sheet.get(p.sheet, []), move.target),
                }
            )
    return rows


def ranked(pegawai: Sequence[PegawaiResult], move: Move) -> list[PegawaiResult]:
    """The pegawai of the move's source predikat, the likeliest to review first: for a
    downgrade the lowest mean capaian, for an upgrade the highest; pegawai without a numeric
    capaian last; then by the ratings (weaker first for a downgrade), name and sheet."""
    here = [p for p in pegawai if p.predikat is move.source]
    sign = -1 if move.upgrade else 1

    def key(p: PegawaiResult) -> tuple[bool, object, int, str, str]:
        ratings = sum(r.rank for r in (p.rating_hasil, p.rating_perilaku) if r is not None)
        mean = None if p.mean_capaian is None else sign * p.mean_capaian
        return (mean is None, mean or 0, sign * ratings, p.nama, p.sheet)

    return sorted(here, key=key)


def rating_change(p: PegawaiResult, target: Predikat) -> str:
    """The smallest rating change that gives `target` by the 3×3 matrix (domain.md §2.8):
    "hasil kerja: Sesuai Ekspektasi → Di Bawah Ekspektasi"."""
    if p.rating_hasil is None or p.rating_perilaku is None:
        return ""
    return _rating_change(p.rating_hasil, p.rating_perilaku, target)


@functools.cache
def _rating_change(hasil: Rating, perilaku: Rating, target: Predikat) -> str:
    now = (hasil, perilaku)
    options = sorted(
        (abs(h.rank - now[0].rank) + abs(b.rank - now[1].rank), -h.rank, -b.rank, h, b)
        for (h, b), pred in MATRIX.items()
        if pred is target
    )
    if not options:
        return ""
    _, _, _, h, b = options[0]
    parts = [
        f"{name}: {old.label} → {new.label}"
        for name, old, new in (("hasil kerja", now[0], h), ("perilaku kerja", now[1], b))
        if old is not new
    ]
    return "; ".join(parts)


def _label(r: Rating | Predikat | None) -> str:
    return "" if r is None else r.label


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


def _percent(i: IkiResult) -> str:
    """The capaian as the Hasil Kerja sheet shows it (rounded half up to 2 decimals, taken
    from the values the worker already rounded when it has them), Indonesian comma."""
    shown = i.shown[6] if i.shown else None
    if not isinstance(shown, float):
        return number_text(i.capaian or 0)
    return _percent_text(shown)


@functools.lru_cache(maxsize=4096)
def _percent_text(shown: float) -> str:
    # An agency's IKI share a few hundred capaian: each is written out once.
    return f"{shown:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def evidence(p: PegawaiResult, iki: Sequence[IkiResult], target: Predikat) -> dict[str, object]:
    """What an atasan looks at before changing a rating, compactly."""
    capaian, no_bukti, umpan = [], [], []
    for k, i in enumerate(iki, 1):
        if i.capaian is not None:
            capaian.append(f"IKI {k}: {_percent(i)}% dari target")
        elif i.target_kualitatif:
            capaian.append(f"IKI {k}: kualitatif")
        else:
            capaian.append(f"IKI {k}: {i.capaian_text or 'tanpa capaian angka'}")
        if not str(i.bukti).strip():
            no_bukti.append(f"IKI {k}")
        if said := str(i.umpan_balik).strip():
            umpan.append(f"IKI {k}: {said}")
    for aspek, _ekspektasi, text in p.perilaku:
        if said := str(text).strip():
            umpan.append(f"{aspek}: {said}")
    return {
        "NIP": p.nip,
        "Nama": p.nama,
        "Lembar": p.sheet,
        "Predikat sekarang": _label(p.predikat),
        "Predikat usulan": target.label,
        "Perubahan rating yang diperlukan": rating_change(p, target),
        "Rating hasil kerja": _label(p.rating_hasil),
        "Rating perilaku kerja": _label(p.rating_perilaku),
        "Rata-rata capaian (%)": number(p.mean_capaian),
        "Capaian per IKI": "; ".join(capaian),
        "IKI tanpa bukti dukung": ", ".join(no_bukti),
        "Umpan balik": _cut("; ".join(umpan)),
    }
