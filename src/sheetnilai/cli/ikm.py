"""`sheetnilai ikm …`: survey workbooks for the Indeks Kepuasan Masyarakat."""

from __future__ import annotations

from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import POLICY_OPTION
from sheetnilai.cli.common import load_policy_option as _policy


@click.group("ikm", cls=cli_i18n.IdGroup)
def ikm() -> None:
    """Survei Kepuasan Masyarakat (IKM, PermenPANRB 14/2017)."""


@ikm.command("templat")
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="NAMA",
    help='Unit layanan yang disurvei, mis. "Puskesmas Sukamaju". Boleh diulang.',
)
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Daftar pegawai: satu workbook survei untuk setiap unit kerjanya.",
)
@click.option("--periode", default="", help='Periode survei, mis. "Semester I 2026".')
@click.option(
    "--populasi",
    type=click.IntRange(1, None),
    default=None,
    help="Jumlah pengguna layanan dalam periode survei (untuk sampel minimum); dapat juga "
    "diketik di workbook.",
)
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("survei-ikm"),
    show_default=True,
    help="Folder hasil.",
)
@click.option("--timpa", is_flag=True, help="Timpa workbook survei yang sudah ada.")
@POLICY_OPTION
def ikm_templat(
    units: tuple[str, ...],
    roster_path: Path | None,
    periode: str,
    populasi: int | None,
    keluaran: Path,
    timpa: bool,
    policy_path: Path | None,
) -> None:
    """Buat satu workbook survei IKM per unit layanan.

    Setiap workbook berisi lembar Jawaban (satu baris per responden, sembilan unsur bernilai
    1–4) dan lembar Survei IKM dengan rumus yang langsung menghitung NRR per unsur, nilai
    IKM, mutu pelayanan A–D, dan sampel minimum. Simpan workbook yang sudah terisi di folder
    sumber konsolidasi agar hasilnya masuk ke lembar IKM buku nilai.
    """
    from sheetnilai.workbook.survei import write_survey_workbooks

    policy = _policy(policy_path)
    names = [" ".join(u.split()) for u in units if u.strip()]
    if roster_path is not None:
        from sheetnilai.cli.common import load_roster_option

        names += [u for u in load_roster_option(roster_path, False, policy).units() if u]
    names = list(dict.fromkeys(names))
    made = write_survey_workbooks(names, keluaran, periode, populasi, policy.ikm, timpa)
    for path in made:
        click.echo(f"  {path.name}")
    click.echo(f"Selesai: {len(made)} workbook survei IKM di {keluaran}/.")
