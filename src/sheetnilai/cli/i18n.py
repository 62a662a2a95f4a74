"""Indonesian for click's own words (usage lines, "Error:", option errors, metavars).

click has no Indonesian catalogue; it calls gettext through a module-level `_` and
`ngettext` in each of its modules, so we route those names through this table. Strings not
listed fall back to click's English (a test reads every command's --help for English). What
click does not translate at all — the names of its types shown as metavars ("TEXT",
"INTEGER RANGE") and the usage pieces "[OPTIONS]" and "COMMAND [ARGS]..." — is set here too.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

ID: dict[str, str] = {
    "Usage:": "Pemakaian:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "No such option {name!r}.": "Opsi {name!r} tidak dikenal.",
    "No such option: {name}": "Opsi tidak dikenal: {name}",
    "No such command {name!r}.": "Perintah {name!r} tidak dikenal.",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing command.": "Perintah belum disebutkan.",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "Aborted!": "Dibatalkan.",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "Could not open file {filename!r}: {message}": (
        "Berkas {filename!r} tidak dapat dibuka: {message}"
    ),
    "file": "berkas",
    "directory": "folder",
    "path": "lokasi",
    "Choose from:\n\t{choices}": "Pilih salah satu:\n\t{choices}",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "required": "wajib",
}

# Type names as click shows them in capitals for an option's value ("--jobs BILANGAN").
TYPE_NAMES: dict[type[click.ParamType], str] = {
    click.types.StringParamType: "teks",
    click.types.IntParamType: "bilangan",
    click.types.IntRange: "bilangan",
    click.types.FloatParamType: "angka",
    click.types.FloatRange: "angka",
    click.types.BoolParamType: "ya/tidak",
    click.types.UUIDParameterType: "uuid",
}
OPTIONS_METAVAR = "[OPSI]"
SUBCOMMAND_METAVAR = "PERINTAH [ARGUMEN]..."


class IdCommand(click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class IdGroup(click.Group):
    """A group whose usage line, commands and subgroups speak Indonesian."""

    command_class = IdCommand
    group_class = type  # subgroups are of this same class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)


ID_PLURAL: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": (
        "Argumen berlebih yang tidak dikenal ({args})",
        "Argumen berlebih yang tidak dikenal ({args})",
    ),
    "Did you mean {possibility}?": (
        "Mungkin maksud Anda {possibility}?",
        "(Mungkin maksud Anda salah satu dari: {possibilities}?)",
    ),
    "Option {name!r} requires an argument.": (
        "Opsi {name!r} memerlukan nilai.",
        "Opsi {name!r} memerlukan {nargs} nilai.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} bukan {choice}.",
        "{value!r} bukan salah satu dari {choices}.",
    ),
    "{value!r} is not one of {choices}.": (
        "{value!r} bukan {choice}.",
        "{value!r} bukan salah satu dari {choices}.",
    ),
}


def _gettext(message: str) -> str:
    return ID.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    pair = ID_PLURAL.get(singular)
    if pair is None:
        return singular if n == 1 else plural
    return pair[0] if n == 1 else pair[1]


_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def install() -> None:
    """Route click's texts through the tables above. Call it before any option is made:
    click.Path reads its name ("file", "directory") through gettext when it is created."""
    for cls, name in TYPE_NAMES.items():
        cls.name = name
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
