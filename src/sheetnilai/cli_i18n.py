"""Indonesian for click's own words (usage lines, "Error:", option errors).

click has no Indonesian catalogue; it calls gettext through a module-level `_` and
`ngettext` in each of its modules, so we route those names through this table. Strings not
listed fall back to click's English.
"""

from __future__ import annotations

import importlib

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
}

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
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
