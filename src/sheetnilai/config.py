"""Finding and reading the policy file (sheetnilai.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import read_text
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy, PolicyInvalid, policy_from_mapping

DEFAULT_NAME = "sheetnilai.toml"


def load_policy(path: Path | None, cwd: Path | None = None) -> tuple[Policy, str]:
    """The policy in force and where it came from.

    With no path, `sheetnilai.toml` in the working folder is used when it exists, else the
    built-in defaults (domain.md's recommendations).
    """
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_NAME
        if not candidate.is_file():
            return DEFAULT_POLICY, "bawaan"
        path = candidate
    if not path.is_file():
        raise SheetnilaiError("kebijakan-tidak-ada", {"path": path})
    text = read_text(path)
    return policy_from_text(text, str(path), path.name), str(path)


def policy_from_text(text: str, where: str, source: str) -> Policy:
    """A policy from sheetnilai.toml text; `where` names it in messages (a path, or a workbook's
    metadata sheet), `source` is what the policy records as its origin."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SheetnilaiError(
            "kebijakan-rusak", {"path": where, "detail": _toml_place(exc)}
        ) from None
    try:
        return policy_from_mapping(data, source=source)
    except PolicyInvalid as exc:
        raise SheetnilaiError(
            "kebijakan-tidak-sah",
            {"path": where, "count": len(exc.problems)},
            details=[p.render() for p in exc.problems],
        ) from None


def policy_toml(policy: Policy) -> str:
    """The policy as a complete sheetnilai.toml a user can copy and edit."""
    from sheetnilai.rules.policy import OPERATIONAL_SECTIONS, policy_as_table

    lines: list[str] = []
    nested: list[tuple[str, dict[str, object]]] = []
    for section, table in policy_as_table(policy).items():
        if section in OPERATIONAL_SECTIONS and getattr(policy, section) == getattr(
            DEFAULT_POLICY, section
        ):
            # Reminder settings left unset: not printed, so what workbooks and score books
            # store of the policy is as it was before these sections existed.
            continue
        lines.append(f"[{section}]")
        for key, value in table.items():
            if isinstance(value, dict):
                nested.append((f"{section}.{key}", value))
            else:
                lines.append(f"{key} = {_toml(value)}")
        for name, sub in nested:
            lines.append("")
            lines.append(f"[{name}]")
            lines.extend(f"{_toml_key(k)} = {_toml(v)}" for k, v in sub.items())
        nested.clear()
        lines.append("")
    return "\n".join(lines)


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").isalnum() and key.isascii() else f'"{key}"'


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _toml_place(exc: tomllib.TOMLDecodeError) -> str:
    """Where TOML text is malformed, in Indonesian (tomllib's own message is English)."""
    m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if m is None:
        return "penulisan TOML tidak sah"
    return f"penulisan TOML tidak sah pada baris {m[1]}, kolom {m[2]}"
