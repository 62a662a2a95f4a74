"""`sheetnilai periksa`: one workbook checked as the consolidation would."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    EXIT_DATA_ERRORS,
    problem_summary,
)
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.config import load_policy
from sheetnilai.errors import display_name
from sheetnilai.problems import Severity


@click.command("periksa", cls=cli_i18n.IdCommand)
@click.argument("berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--periode",
    required=True,
    help="Periode yang diperiksa, seperti pada konsolidasi: TW1, S1, JAN, TAHUNAN, …",
)
@click.option(
    "--kebijakan",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas kebijakan (TOML). Bawaan: kebijakan yang tersimpan di workbook.",
)
def periksa(berkas: Path, periode: str, policy_path: Path | None) -> None:
    """Periksa satu workbook unit persis seperti konsolidasi akan memeriksanya.

    Cocok dijalankan unit kerja sebelum mengirim workbook. Workbook tidak diubah; setiap
    masalah dicetak dengan lembar, sel, dan pegawainya. Kebijakan yang dipakai: --kebijakan
    bila diberikan, selain itu kebijakan yang tersimpan di workbook saat dibuat. Di Excel
    dengan xlwings, makro PeriksaWorkbook menjalankan pemeriksaan yang sama dan menulis lembar
    Masalah.
    """
    from sheetnilai.periksa import check_workbook

    explicit = _policy(policy_path) if policy_path is not None else None
    checked = check_workbook(berkas, periode, explicit, fallback=load_policy(None))
    result = checked.result
    click.echo(f"Kebijakan: {checked.policy_source}.", err=True)
    problems = result.all_problems
    name = display_name(berkas.name)
    # The problem list is the command's output (standard output, so `> hasil.txt` keeps it
    # whole); what the run itself says goes to standard error.
    if problems:
        click.echo(f"{name}: {problem_summary(problems)}.")
        for p in sorted(problems, key=lambda p: (p.severity.rank, p.sheet or "", p.cell or "")):
            click.echo(p.render())
    else:
        click.echo(f"{name}: tidak ada masalah untuk periode {result.period}.")
    if result.count(Severity.GALAT):
        sys.exit(EXIT_DATA_ERRORS)
