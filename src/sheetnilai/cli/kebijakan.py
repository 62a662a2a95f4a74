"""`sheetnilai kebijakan`: the policy in force."""

from __future__ import annotations

from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    POLICY_OPTION,
)
from sheetnilai.config import load_policy, policy_toml
from sheetnilai.rules.policy import OPERATIONAL_SECTIONS


@click.command("kebijakan", cls=cli_i18n.IdCommand)
@POLICY_OPTION
def kebijakan(policy_path: Path | None) -> None:
    """Tampilkan kebijakan yang berlaku (format sheetnilai.toml) setelah diperiksa.

    Salin keluaran ini ke sheetnilai.toml lalu ubah nilai yang diperlukan daerah Anda.
    """
    policy, source = load_policy(policy_path)
    click.echo(f"# Kebijakan yang berlaku (sumber: {source})")
    click.echo(policy_toml(policy))
    unset = [name for name in OPERATIONAL_SECTIONS if f"[{name}]" not in policy_toml(policy)]
    if unset:
        click.echo(
            "# Belum diatur (untuk sheetnilai pengingat; lihat README, Kebijakan): "
            + ", ".join(f"[{name}]" for name in unset)
        )
