"""`sheetnilai templat …`: unit workbooks made, emptied and brought up to date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    EXIT_DATA_ERRORS,
    POLICY_OPTION,
    SCHEME_OPTION,
    load_roster_option,
)
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.errors import SheetnilaiError, display_name
from sheetnilai.periods import Scheme
from sheetnilai.problems import has_errors


@click.group("templat", cls=cli_i18n.IdGroup)
def templat() -> None:
    """Buat workbook SKP unit kerja dari daftar pegawai, atau templat kosong."""


@templat.command("buat")
@click.argument("roster", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--contoh", is_flag=True, help="Pakai daftar pegawai contoh bawaan (kabupaten fiktif)."
)
@click.option(
    "--tahun",
    type=click.IntRange(2022, 2100),
    default=None,
    help="Tahun penilaian. Bawaan: tahun berjalan.",
)
@SCHEME_OPTION
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder hasil. Bawaan: workbook-unit-TAHUN di folder kerja.",
)
@click.option("--timpa", is_flag=True, help="Timpa workbook yang sudah ada di folder hasil.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Jumlah proses paralel. Bawaan: jumlah inti prosesor.",
)
@click.option(
    "--xlwings",
    "with_xlwings",
    is_flag=True,
    help="Buat .xlsm untuk Excel dengan xlwings: fungsi Python SN_..., lembar Analisis, dan "
    "makro PeriksaWorkbook. Rumus biasa tetap berjalan tanpa xlwings.",
)
@POLICY_OPTION
def templat_buat(
    roster: Path | None,
    contoh: bool,
    tahun: int | None,
    skema: str,
    keluaran: Path | None,
    timpa: bool,
    jobs: int | None,
    with_xlwings: bool,
    policy_path: Path | None,
) -> None:
    """Buat satu workbook SKP per unit kerja dari daftar pegawai (.xlsx, .csv, atau .txt).

    Setiap workbook berisi Petunjuk, satu lembar SKP per pegawai (identitas terisi), Rekap
    unit dengan pemeriksaan kurva distribusi, dan lembar Aturan.
    """
    import datetime as dt

    from sheetnilai.workbook.generate import generate_unit_workbooks

    policy = _policy(policy_path)
    data = load_roster_option(roster, contoh, policy)
    year = tahun or dt.date.today().year
    outdir = keluaran or Path(f"workbook-unit-{year}")

    def progress(done: object) -> None:
        from sheetnilai.workbook.generate import Generated

        assert isinstance(done, Generated)
        click.echo(f"  {done.path.name}  ({done.pegawai} pegawai)")

    click.echo(
        f"Membuat workbook {Scheme(skema).value} {year} untuk {len(data.units())} unit di {outdir}/"
    )
    made = generate_unit_workbooks(
        data, year, Scheme(skema), outdir, policy, timpa, jobs, progress, xlwings=with_xlwings
    )
    total = sum(g.pegawai for g in made)
    click.echo(f"Selesai: {len(made)} workbook, {total} lembar SKP pegawai.")
    if has_errors(data.problems):
        sys.exit(EXIT_DATA_ERRORS)


@templat.command("kosong")
@click.argument("berkas", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skema",
    type=click.Choice([s.value for s in Scheme]),
    default=Scheme.TRIWULAN.value,
    show_default=True,
    help="Periode evaluasi.",
)
@click.option("--timpa", is_flag=True, help="Timpa berkas yang sudah ada.")
def templat_kosong(berkas: Path, skema: str, timpa: bool) -> None:
    """Tulis templat SKP kosong (tanpa daftar pegawai) ke BERKAS .xlsx."""
    from sheetnilai.workbook.generate import write_blank_template

    write_blank_template(berkas, Scheme(skema), overwrite=timpa)
    click.echo(f"Templat kosong ditulis: {berkas}")


@templat.command("perbarui")
@click.argument("sumber", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Daftar pegawai terbaru: pegawai baru mendapat lembar SKP, yang keluar ditandai tidak "
    "aktif, pejabat penilai diperbarui. Tanpa opsi ini hanya templatnya yang diperbarui.",
)
@click.option(
    "--tanggal",
    metavar="DD/MM/YYYY",
    help="Tanggal perubahan daftar pegawai (mutasi, CPNS baru, pensiun). Bawaan: hari ini.",
)
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder hasil (workbook lama tidak diubah). Bawaan: workbook-diperbarui.",
)
@click.option(
    "--timpa",
    is_flag=True,
    help="Perbarui di tempat; salinan workbook lama disimpan di folder .cadangan-sheetnilai "
    "di sampingnya.",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Jumlah proses paralel. Bawaan: jumlah inti."
)
@POLICY_OPTION
def templat_perbarui(
    sumber: Path,
    roster_path: Path | None,
    tanggal: str | None,
    keluaran: Path | None,
    timpa: bool,
    jobs: int | None,
    policy_path: Path | None,
) -> None:
    """Perbarui workbook unit di SUMBER (folder atau satu berkas) tanpa kehilangan isian.

    Setiap workbook dibuat ulang dengan templat versi terbaru dan (dengan --roster) daftar
    pegawai terbaru; setiap isian dipindahkan menurut NIP dan barisnya, lalu workbook baru
    dibaca ulang dan harus memuat setiap isian lama sebelum menggantikannya.
    """
    import datetime as dt

    from sheetnilai.activity import DateUnreadable, parse_date
    from sheetnilai.files import check_outputs
    from sheetnilai.roster import read_roster
    from sheetnilai.rules.policy import Policy
    from sheetnilai.sources.folder import discover
    from sheetnilai.workbook.update import Outcome, update_workbooks

    if timpa and keluaran is not None:
        raise SheetnilaiError("perbarui-timpa-atau-keluaran")
    try:
        day = parse_date(tanggal) if tanggal else dt.date.today()
    except DateUnreadable:
        day = None
    if day is None:
        raise SheetnilaiError("tanggal-tidak-sah", {"value": tanggal})
    policy = _policy(policy_path) if policy_path is not None else None
    roster = read_roster(roster_path, policy or Policy()) if roster_path else None
    found = discover(sumber)
    base = sumber if sumber.is_dir() else sumber.parent
    from sheetnilai.sources.survei import is_survey_file

    todo = []
    for f in found.to_read:
        if is_survey_file(f.path):
            # A survey beside the unit workbooks is no SKP workbook to bring up to date.
            click.echo(f"  {f.name}: dilewati (workbook survei IKM)")
            continue
        todo.append((f.path, f.name))
    if not todo:
        raise SheetnilaiError("sumber-kosong", {"path": sumber, "count": len(found.files)})
    outdir = None if timpa else (keluaran or Path("workbook-diperbarui"))
    if outdir is not None:
        check_outputs([outdir / name for _, name in todo], None, base, [p for p, _ in todo])
        for _, name in todo:
            for suffix in (".xlsx", ".xlsm"):
                if (outdir / name).with_suffix(suffix).exists():
                    raise SheetnilaiError("berkas-sudah-ada", {"path": outdir / name})
    where = "di tempat" if outdir is None else f"ke {display_name(str(outdir))}/"
    click.echo(f"Memperbarui {len(todo)} workbook {where} (tanggal perubahan {day:%d/%m/%Y}) …")

    def progress(out: Outcome) -> None:
        if out.problem is not None:
            click.echo(f"  {out.name}: {out.problem.severity.value}: {out.problem.message}")
            return
        assert out.target is not None
        shown = display_name(str(out.target))
        click.echo(f"  {out.name} → {shown}: {out.carried} isian dipindahkan")
        for change in out.changes:
            click.echo(f"      {change}")

    outcomes = update_workbooks(todo, roster, policy, day, outdir, progress, jobs)
    done = [o for o in outcomes if o.problem is None]
    click.echo(
        f"Selesai: {len(done)} workbook diperbarui, {len(outcomes) - len(done)} tidak; "
        f"{sum(o.carried for o in done)} isian dipindahkan dan diperiksa ulang, 0 hilang."
    )
    if outdir is None and done:
        click.echo("Salinan workbook lama: folder .cadangan-sheetnilai di samping setiap workbook.")
    if len(done) < len(outcomes) or (roster is not None and has_errors(roster.problems)):
        sys.exit(EXIT_DATA_ERRORS)
