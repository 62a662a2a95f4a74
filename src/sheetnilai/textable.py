"""Plain-text tables for the terminal (no dependency, aligned, Unicode-width naive)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    right: set[int] | None = None,
    widths: Mapping[int, int] | None = None,
) -> str:
    """`right`: columns aligned right; `widths`: the most characters a column may take
    (longer texts end in "…")."""
    limit = widths or {}

    def fit(i: int, text: str) -> str:
        w = limit.get(i)
        return text if w is None or len(text) <= w else text[: w - 1] + "…"

    cells = [[fit(i, str(h)) for i, h in enumerate(headers)]] + [
        [fit(i, "" if c is None else str(c)) for i, c in enumerate(r)] for r in rows
    ]
    sizes = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    right = right or set()

    def line(row: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, sizes, strict=True))
        ]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in sizes)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
