"""Cascading (PermenPANRB 6/2022, domain.md §2.4): every non-JPT RHK names the RHK of its
pejabat penilai that it intervenes. Checked across every workbook of a period (the penilai
may sit in another unit's workbook), and the chain from each RHK up to the unit head.
"""

from __future__ import annotations

import difflib
import functools
from typing import TYPE_CHECKING

from sheetnilai.problems import Problem

if TYPE_CHECKING:
    from sheetnilai.consolidate import Consolidation

__all__ = ["chains", "check_cascade"]

MAX_CHAIN = 12  # deeper than any organisation; a longer chain is a cycle


@functools.lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    # Cached: every IKI row repeats its RHK's text, and every period of a run repeats them all.
    return " ".join(text.split()).casefold()


def _rhk_by_nip(result: Consolidation) -> dict[str, dict[str, tuple[str, str]]]:
    """Per pegawai: their RHK (normalised text → (text as typed, its RHK atasan))."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for unit in result.units:
        for iki in unit.iki:
            if iki.nip and iki.rhk:
                out.setdefault(iki.nip, {})[_norm(iki.rhk)] = (iki.rhk, iki.rhk_atasan)
    return out


def check_cascade(result: Consolidation) -> None:
    """An intervened RHK that the penilai's own SKP does not contain is a peringatan at the
    cell, naming the closest RHK of the penilai. Only where the penilai's SKP was read.

    Keeps the chains of `chains` on the result (`rhk_chains`): the score book shows them,
    and they come from the same index of every pegawai's RHK."""
    rhk = _rhk_by_nip(result)
    penilai = {p.nip: p.penilai_nip for p in result.pegawai if p.nip}
    nama = {p.nip: p.nama for p in result.pegawai if p.nip}
    result.rhk_chains = _chains(rhk, penilai, nama)
    seen: set[tuple[str, str, str]] = set()
    for unit in result.units:
        for iki in unit.iki:
            boss = penilai.get(iki.nip, "")
            own = rhk.get(boss)
            if not iki.rhk_atasan or own is None:
                continue
            where = (iki.file, iki.sheet, iki.rhk_atasan_cell)
            if where in seen or _norm(iki.rhk_atasan) in own:
                continue
            seen.add(where)
            texts = [t for t, _ in own.values()]
            close = difflib.get_close_matches(iki.rhk_atasan, texts, n=1, cutoff=0.0)
            unit.problems.append(
                Problem.make(
                    "rhk-atasan-tidak-ada",
                    params={
                        "rhk_atasan": iki.rhk_atasan,
                        "penilai": nama.get(boss, boss),
                        "closest": close[0] if close else "-",
                        "count": len(texts),
                    },
                    file=iki.file,
                    sheet=iki.sheet,
                    cell=iki.rhk_atasan_cell or None,
                    nip=iki.nip or None,
                    nama=iki.nama or None,
                )
            )


def chains(result: Consolidation) -> dict[tuple[str, str], str]:
    """Per (NIP, RHK): the chain up to the unit head, "RHK (nama) → RHK atasan (nama) → …",
    as far as the penilai's SKP names it (as `check_cascade` left them, when it has)."""
    if result.rhk_chains is not None:
        return result.rhk_chains
    rhk = _rhk_by_nip(result)
    penilai = {p.nip: p.penilai_nip for p in result.pegawai if p.nip}
    nama = {p.nip: p.nama for p in result.pegawai if p.nip}
    return _chains(rhk, penilai, nama)


def _chains(
    rhk: dict[str, dict[str, tuple[str, str]]], penilai: dict[str, str], nama: dict[str, str]
) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for nip, own in rhk.items():
        for text, atasan in own.values():
            steps = [f"{text} ({nama.get(nip, nip)})"]
            who, up = nip, atasan
            visited = {nip}
            while up and len(steps) < MAX_CHAIN:
                boss = penilai.get(who, "")
                found = rhk.get(boss, {}).get(_norm(up))
                if found is None or boss in visited:
                    break
                steps.append(f"{found[0]} ({nama.get(boss, boss)})")
                visited.add(boss)
                who, up = boss, found[1]
            out[nip, text] = " → ".join(steps)
    return out
