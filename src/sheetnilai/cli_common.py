"""What every command shares: exit codes, the policy option, printing problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from sheetnilai.config import load_policy
from sheetnilai.problems import Problem, Severity
from sheetnilai.rules.policy import Policy

EXIT_DATA_ERRORS = 3

POLICY_OPTION = click.option(
    "--kebijakan",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas kebijakan (TOML). Bawaan: sheetnilai.toml di folder kerja bila ada.",
)


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
