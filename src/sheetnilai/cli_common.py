"""What every command shares: exit codes, the policy option, printing problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from sheetnilai import cli_i18n
from sheetnilai.config import load_policy
from sheetnilai.errors import SheetnilaiError
from sheetnilai.periods import Scheme
from sheetnilai.problems import Problem, Severity
from sheetnilai.roster import Roster
from sheetnilai.rules.policy import Policy

cli_i18n.install()  # before the options below are made (click.Path names itself then)

EXIT_DATA_ERRORS = 3

POLICY_OPTION = click.option(
    "--kebijakan",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas kebijakan (TOML). Bawaan: sheetnilai.toml di folder kerja bila ada.",
)

SCHEME_OPTION = click.option(
    "--skema",
    type=click.Choice([s.value for s in Scheme]),
    default=Scheme.TRIWULAN.value,
    show_default=True,
    help="Periode evaluasi: triwulan, semester, atau bulanan (selalu ditambah Tahunan).",
)


def load_roster_option(roster: Path | None, contoh: bool, policy: Policy) -> Roster:
    """The roster named on the command line (or the sample), its problems printed."""
    from sheetnilai.roster import read_roster, sample_roster_path

    if (roster is None) == (not contoh):
        raise SheetnilaiError("templat-sumber-roster")
    source = sample_roster_path() if contoh else roster
    assert source is not None
    data = read_roster(source, policy)
    if data.problems:
        click.echo(f"Masalah pada daftar pegawai ({problem_summary(data.problems)}):", err=True)
        print_problems(data.problems)
    if not data.pegawai:
        raise SheetnilaiError("templat-tanpa-pegawai", {"path": source})
    return data


def load_policy_option(path: Path | None) -> Policy:
    policy, _source = load_policy(path)
    return policy


def print_problems(problems: Iterable[Problem], limit: int = 50) -> None:
    shown = sorted(problems, key=lambda p: (p.severity.rank, p.row or 0))
    for p in shown[:limit]:
        click.echo(p.render(), err=True)
    if len(shown) > limit:
        click.echo(f"… dan {len(shown) - limit} masalah lain.", err=True)


def problem_summary(problems: list[Problem]) -> str:
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}
    return ", ".join(f"{n} {s.value}" for s, n in counts.items())
