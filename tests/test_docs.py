"""Every command has Indonesian help and a place in the README's user guide."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from sheetnilai.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Every leaf command, with its group: "cek-nip", "templat buat", …"""
    names = []
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.commands]
        else:
            names.append(name)
    return sorted(names)


def _command(name: str) -> click.Command:
    command: click.Command = cli
    for part in name.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    return command


@pytest.mark.parametrize("name", commands())
def test_command_has_help_and_readme_section(name: str) -> None:
    command = _command(name)
    assert command.help, f"{name} has no help"
    assert f"`sheetnilai {name}`" in README, f"README has no section for {name}"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"


def test_readme_starts_with_what_it_is_then_the_two_commands() -> None:
    head = README.split("## ", 1)[0]
    assert "penilaian kinerja ASN" in head
    assert head.index("make demo") < head.index("make test")


# What click prints in English unless told otherwise: type names as metavars, usage pieces,
# and the "[required]" marker.
ENGLISH_HELP = (
    "[OPTIONS]", "COMMAND", "[ARGS]", "TEXT", "INTEGER", "FLOAT", "RANGE", "FILE", "PATH",
    "DIRECTORY", "BOOLEAN", "[required]", "required", "default:", "Usage", "Options", "Commands",
    "Show this", "env var",
)  # fmt: skip


@pytest.mark.parametrize("name", ["", *sorted({n.split()[0] for n in commands()}), *commands()])
def test_help_has_no_english(name: str) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    found = [word for word in ENGLISH_HELP if word in result.output]
    assert not found, f"sheetnilai {name} --help: {found}\n{result.output}"
