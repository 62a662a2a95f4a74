"""`sheetnilai dokumen`: the documents people sign, as PDF, from the unit workbooks."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    EXIT_DATA_ERRORS,
    ORG_OPTION,
    POLICY_OPTION,
    ROSTER_OPTION,
    YEAR_OPTION,
)
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.cli.konsolidasi import org_options, period_options
from sheetnilai.errors import SheetnilaiError, display_name


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SheetnilaiError("opsi-tanggal-tidak-sah", {"value": value}) from None


def _check_folder(folder: Path, source: Path, overwrite: bool) -> None:
    """Before any work: the documents go to a folder of their own, outside the source (every
    input then stays untouched), and a folder holding files is refused without --timpa."""
    if folder.exists() and not folder.is_dir():
        raise SheetnilaiError("dokumen-bukan-folder", {"path": folder})
    inside = folder.resolve()
    root = source.resolve()
    if inside == root or root in inside.parents:
        raise SheetnilaiError("dokumen-di-sumber", {"path": folder, "source": source})
    if folder.is_dir() and not overwrite:
        held = sum(1 for p in folder.rglob("*") if p.is_file())
        if held:
            raise SheetnilaiError("dokumen-folder-berisi", {"path": folder, "count": held})


@click.command("dokumen", cls=cli_i18n.IdCommand)
@click.argument("sumber", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--periode",
    required=True,
    metavar="PERIODE",
    help="Periode dokumen: TW1…TW4, S1, S2, JAN…DES, atau TAHUNAN (sesuai skema workbook).",
)
@YEAR_OPTION
@ROSTER_OPTION
@ORG_OPTION
@click.option(
    "--tanggal",
    metavar="TTTT-BB-HH",
    help="Tanggal penandatanganan yang dicetak di atas tanda tangan, mis. 2026-04-10. "
    "Bawaan: dikosongkan untuk diisi tangan.",
)
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder dokumen. Bawaan: dokumen-PERIODE-TAHUN di folder kerja.",
)
@click.option("--timpa", is_flag=True, help="Timpa dokumen yang sudah ada.")
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Jumlah proses paralel. Bawaan: jumlah inti."
)
@click.option("--senyap", is_flag=True, help="Tanpa kemajuan dan ringkasan; hanya galat.")
@POLICY_OPTION
def dokumen(
    sumber: Path,
    periode: str,
    tahun: int | None,
    roster_path: Path | None,
    org: tuple[str, ...],
    tanggal: str | None,
    keluaran: Path | None,
    timpa: bool,
    jobs: int | None,
    senyap: bool,
    policy_path: Path | None,
) -> None:
    """Tulis Dokumen Evaluasi Kinerja Pegawai (PDF) setiap pegawai dan Penetapan Predikat
    Kinerja setiap unit dari workbook unit di SUMBER.

    Nilai dihitung ulang dari isian, sama seperti konsolidasi. Per unit: satu PDF per
    pegawai, satu PDF gabungan (dengan penanda per pegawai), dan Penetapan Predikat Kinerja
    untuk ditandatangani pimpinan. Pegawai yang lembarnya memuat galat tidak dibuatkan
    dokumen; mereka tercantum dengan alasannya di tidak-dibuat.csv.
    """
    from sheetnilai.consolidate import (
        consolidate_periods,
        discover,
        prescan,
        require_period,
        run_year,
    )
    from sheetnilai.documents.write import SKIPPED, write_documents
    from sheetnilai.problems import Severity
    from sheetnilai.roster import read_roster

    policy = _policy(policy_path)
    when = _date(tanggal)
    if not os.access(sumber, os.R_OK | os.X_OK):
        raise SheetnilaiError("sumber-tidak-terbaca", {"path": sumber})
    found = discover(sumber)
    if not found.to_read:
        raise SheetnilaiError("sumber-kosong", {"path": sumber, "count": len(found.files)})
    years, held = prescan(found.to_read)
    chosen = period_options((periode,), held) or []
    if len(chosen) != 1:  # "semua": a document is signed for one period
        raise SheetnilaiError("dokumen-satu-periode", {"value": periode})
    (period,) = chosen
    if held and period not in held:
        raise SheetnilaiError(
            "periode-tidak-ada-di-workbook", {"period": period, "valid": ", ".join(held)}
        )
    year = tahun or run_year(years)
    folder = keluaran or Path(f"dokumen-{period}-{year}" if year else f"dokumen-{period}")
    _check_folder(folder, sumber, timpa)
    roster = read_roster(roster_path, policy) if roster_path is not None else None
    by_unit, default = org_options(org)
    show = not senyap
    if show:
        click.echo(
            f"Membaca {len(found.to_read)} workbook di {display_name(str(sumber))} …", err=True
        )
    (result,) = consolidate_periods(
        sumber,
        [period],
        policy,
        roster=roster,
        org_predikat=by_unit,
        org_default=default,
        found=found,
        year=year,
        jobs=jobs,
    )
    require_period(result)

    def progress(unit: str) -> None:
        if show:
            click.echo(f"  {unit}: selesai", err=True)

    written = write_documents(
        result, folder, tanggal=when, overwrite=timpa, jobs=jobs, progress=progress
    )
    if show:
        click.echo(
            f"Dokumen Evaluasi Kinerja: {written.documents} pegawai dari {written.units} unit; "
            f"Penetapan Predikat Kinerja: {written.units} unit."
        )
        if written.skipped:
            click.echo(f"Tidak dibuat ({len(written.skipped)} pegawai, lembarnya memuat galat):")
            for s in written.skipped[:20]:
                who = f"{s.nama} ({s.nip})" if s.nip else s.nama
                click.echo(f"  - {s.unit}, {who}: {s.reason}")
            if len(written.skipped) > 20:
                click.echo(f"  … dan {len(written.skipped) - 20} lagi.")
            click.echo(f"Daftar lengkap: {display_name(str(folder / SKIPPED))}")
        click.echo(f"Folder dokumen: {display_name(str(folder))}/")
    if result.count(Severity.GALAT):
        sys.exit(EXIT_DATA_ERRORS)
