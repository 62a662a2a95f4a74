"""`sheetnilai cek-nip`: checking NIP and NI PPPK."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    EXIT_DATA_ERRORS,
)
from sheetnilai.errors import SheetnilaiError
from sheetnilai.problems import Problem, Severity, has_errors
from sheetnilai.rules.nip import check_nip, compact, format_nip
from sheetnilai.textable import table


def _read_nips(args: Iterable[str], file: Path | None) -> list[str]:
    nips: list[str] = []
    for arg in args:
        if arg == "-":
            nips.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            nips.append(arg)
    if file is not None:
        from sheetnilai.files import read_text

        text = read_text(file, encoding="utf-8-sig")
        nips.extend(line.strip() for line in text.splitlines() if line.strip())
    return nips


@click.command("cek-nip", cls=cli_i18n.IdCommand)
@click.argument("nip", nargs=-1)
@click.option(
    "--berkas",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas teks berisi satu NIP per baris.",
)
@click.option(
    "--status",
    type=click.Choice(["otomatis", "pns", "pppk"], case_sensitive=False),
    default="otomatis",
    show_default=True,
    help="Jenis nomor: NIP PNS, NI PPPK, atau dikenali otomatis dari digit 13–14.",
)
def cek_nip(nip: tuple[str, ...], berkas: Path | None, status: str) -> None:
    """Periksa NIP/NI PPPK 18 digit: tanggal lahir, TMT, jenis kelamin, nomor urut.

    NIP dapat ditulis sebagai argumen, dibaca dari --berkas, atau dari masukan standar
    dengan tanda - (mis. `cat daftar.txt | sheetnilai cek-nip -`).
    """
    nips = _read_nips(nip, berkas)
    if not nips:
        raise SheetnilaiError("nip-tidak-ada-masukan")
    all_problems: list[Problem] = []
    rows: list[list[str]] = []
    for raw in nips:
        problems = check_nip(raw, status=status)
        all_problems.extend(problems)
        digits = compact(raw)
        shown = format_nip(digits) if len(digits) == 18 and digits.isdigit() else raw
        if not problems:
            rows.append([shown, "sah", ""])
        for i, p in enumerate(problems):
            rows.append([shown if i == 0 else "", p.severity.value, f"{p.message} {p.advice}"])
    click.echo(table(["NIP", "Hasil", "Keterangan"], rows))
    n_err = sum(1 for p in all_problems if p.severity is Severity.GALAT)
    bad = sum(1 for raw in nips if has_errors(check_nip(raw, status=status)))
    click.echo(
        f"\n{len(nips)} NIP diperiksa: {len(nips) - bad} sah, {bad} bermasalah ({n_err} galat)."
    )
    if n_err:
        sys.exit(EXIT_DATA_ERRORS)
