"""What every command shares: exit codes, the policy option, printing problems."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterable
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.config import load_policy
from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import atomic_path
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

YEAR_OPTION = click.option(
    "--tahun",
    type=click.IntRange(2022, 2100),
    default=None,
    help="Tahun penilaian. Workbook tahun lain menjadi galat dan tidak dinilai. Bawaan: tahun "
    "yang dimuat sebagian besar workbook.",
)

ROSTER_OPTION = click.option(
    "--roster",
    "roster_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Daftar pegawai (.xlsx/.csv/.txt) untuk memeriksa identitas dan yang belum masuk.",
)

POTENSIAL_OPTION = click.option(
    "--potensial",
    "potensial_path",
    # Not `exists=True`: read_potensial names a missing file or a folder in one line, as
    # for a damaged one, instead of click's usage error.
    type=click.Path(path_type=Path),
    metavar="BERKAS",
    help="Hasil asesmen potensial (.xlsx atau .csv, kolom NIP dan Potensial) untuk lembar "
    "Talenta; menggantikan kolom Potensial daftar pegawai untuk NIP yang sama.",
)

ORG_OPTION = click.option(
    "--predikat-organisasi",
    "org",
    multiple=True,
    metavar="[UNIT=]PREDIKAT",
    help="Predikat organisasi bila workbook tidak memuatnya: 'Baik' untuk semua unit, "
    "atau 'Dinas Kesehatan=Istimewa' per unit. Boleh diulang.",
)

CREDENTIALS_OPTION = click.option(
    "--kredensial",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Kunci JSON akun layanan Google. Bawaan: variabel GOOGLE_APPLICATION_CREDENTIALS, "
    "lalu token dari 'gsheet masuk'.",
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
        print_roster_problems(data.problems)
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


ROSTER_PROBLEMS_SHOWN = 50
ROSTER_PROBLEM_COLUMNS = (
    "Tingkat",
    "Kode",
    "Berkas",
    "Baris",
    "Sel",
    "NIP",
    "Nama",
    "Pesan",
    "Saran",
)


def print_roster_problems(
    problems: list[Problem], limit: int = ROSTER_PROBLEMS_SHOWN, folder: Path | None = None
) -> Path | None:
    """Every roster problem when there are few; else a summary and the full list in a file.

    A roster of 50,000 rows can have as many problems: the terminal gets the first `limit`,
    a count per code, and the name of a CSV file (in `folder`, by default the working
    folder) holding all of them. Returns that file, or None when everything was printed.
    """
    click.echo(f"Masalah pada daftar pegawai ({problem_summary(problems)}):", err=True)
    print_problems(problems, limit)
    if len(problems) <= limit:
        return None
    click.echo("Jumlah masalah per kode:", err=True)
    per_code: dict[str, list[Problem]] = {}
    for p in problems:
        per_code.setdefault(p.code, []).append(p)
    ranked = sorted(per_code.values(), key=lambda ps: (ps[0].severity.rank, -len(ps), ps[0].code))
    for same in ranked:
        first = min((p.row for p in same if p.row is not None), default=None)
        where = f" (pertama pada baris {first})" if first is not None else ""
        count = len(same)
        click.echo(f"  {count:>7}  {same[0].severity.value:<10} {same[0].code}{where}", err=True)
    target_folder = folder if folder is not None else Path.cwd()
    try:
        path = write_roster_problems(problems, target_folder)
    except SheetnilaiError as exc:  # files.atomic_path says why, in Indonesian
        why = exc.params.get("detail", "gagal menulis")
        click.echo(
            f"Daftar lengkap masalah tidak dapat ditulis di folder {target_folder} ({why}). "
            "Jalankan perintah dari folder yang dapat ditulisi untuk mendapatkannya.",
            err=True,
        )
        return None
    click.echo(f"Daftar lengkap {len(problems)} masalah: {path}", err=True)
    return path


def write_roster_problems(
    problems: list[Problem], folder: Path, now: dt.datetime | None = None
) -> Path:
    """All problems as CSV (UTF-8, for Excel and pandas) in a new, dated file in `folder`.

    An earlier list is never replaced: a second run in the same second gets "-2", "-3" ….
    """
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    shown = sorted(problems, key=lambda p: (p.severity.rank, p.row or 0))
    for n in itertools.count(1):
        suffix = "" if n == 1 else f"-{n}"
        target = folder / f"masalah-daftar-pegawai-{stamp}{suffix}.csv"
        try:
            with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(ROSTER_PROBLEM_COLUMNS)
                out.writerows(_problem_row(p) for p in shown)
        except SheetnilaiError as exc:
            if exc.message_id == "berkas-sudah-ada":
                continue
            raise
        return target
    raise AssertionError("unreachable")


def _problem_row(p: Problem) -> list[object]:
    place = [p.file or "", p.row or "", p.cell or "", p.nip or "", p.nama or ""]
    return [p.severity.value, p.code, *place, p.message, p.advice]


def problem_summary(problems: list[Problem]) -> str:
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}
    return ", ".join(f"{n} {s.value}" for s, n in counts.items())
