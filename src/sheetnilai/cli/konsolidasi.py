"""`sheetnilai konsolidasi`: the agency's score book from every unit workbook."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    CREDENTIALS_OPTION,
    EXIT_DATA_ERRORS,
    ORG_OPTION,
    POLICY_OPTION,
    POTENSIAL_OPTION,
    ROSTER_OPTION,
    YEAR_OPTION,
)
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.errors import SheetnilaiError, display_name
from sheetnilai.problems import Severity
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import OrgPredikat, parse_org_predikat
from sheetnilai.textable import table


def org_options(values: tuple[str, ...]) -> tuple[dict[str, OrgPredikat], OrgPredikat | None]:
    by_unit: dict[str, OrgPredikat] = {}
    default: OrgPredikat | None = None
    for value in values:
        unit, sep, label = value.rpartition("=")
        try:
            org = parse_org_predikat(label.strip())
        except RuleError as exc:
            raise SheetnilaiError(
                "opsi-predikat-organisasi", {"value": value, "detail": exc.message}
            ) from None
        if sep:
            by_unit[unit.strip()] = org
        else:
            default = org
    return by_unit, default


def agency_option(value: str | None) -> OrgPredikat | None:
    if value is None:
        return None
    try:
        return parse_org_predikat(value.strip())
    except RuleError as exc:
        raise SheetnilaiError(
            "opsi-predikat-instansi", {"value": value, "detail": exc.message}
        ) from None


ALL_PERIODS = "semua"


def period_options(
    values: tuple[str, ...], in_workbooks: list[str] | None = None
) -> list[str] | None:
    """The known period keys of --periode (repeated, or "semua": every period the workbooks
    hold, None when they are not known yet); a mistake in the command is refused before any
    work, naming the periods the workbooks found hold (`in_workbooks`), else every period."""
    from sheetnilai.periods import period_key

    if any(v.strip().casefold() == ALL_PERIODS for v in values):
        if len(values) > 1:
            raise SheetnilaiError("periode-semua-ganda")
        return list(in_workbooks) if in_workbooks is not None else None
    try:
        return list(dict.fromkeys(period_key(v) for v in values))
    except SheetnilaiError as exc:
        if exc.message_id != "periode-tidak-dikenal" or not in_workbooks:
            raise
        valid = {"period": exc.params["period"], "valid": ", ".join(in_workbooks)}
        raise SheetnilaiError("periode-tidak-dikenal", valid) from None


def _run_label(values: tuple[str, ...], periods: list[str] | None) -> str:
    if periods is None or any(v.strip().casefold() == ALL_PERIODS for v in values):
        return ALL_PERIODS
    return "-".join(periods)


@click.command("konsolidasi", cls=cli_i18n.IdCommand)
@click.argument("sumber", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--drive",
    "drive_id",
    metavar="ID_FOLDER",
    help="Ambil dari folder Google Drive ini (spreadsheet Google dan .xlsx), bukan folder lokal.",
)
@click.option(
    "--arsip",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder arsip salinan dari Drive (bukti audit dan titik lanjut). Bawaan: arsip-drive.",
)
@click.option(
    "--unggah",
    is_flag=True,
    help="Unggah juga buku nilai ke folder Drive sebagai Google spreadsheet baru.",
)
@CREDENTIALS_OPTION
@click.option(
    "--periode",
    "periode",
    required=True,
    multiple=True,
    metavar="PERIODE",
    help="Periode yang dikonsolidasi: TW1…TW4, S1, S2, JAN…DES, atau TAHUNAN (sesuai skema "
    "workbook). Boleh diulang (--periode TW1 --periode TW2), atau 'semua' untuk setiap periode "
    "workbook; setiap workbook tetap dibaca sekali.",
)
@YEAR_OPTION
@ROSTER_OPTION
@POTENSIAL_OPTION
@ORG_OPTION
@click.option(
    "--predikat-instansi",
    metavar="PREDIKAT",
    help="Predikat organisasi instansi, untuk kurva seluruh instansi.",
)
@click.option(
    "--keluaran",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas buku nilai. Bawaan: buku-nilai-PERIODE-TAHUN.xlsx di folder kerja.",
)
@click.option("--timpa", is_flag=True, help="Timpa buku nilai yang sudah ada.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="Tulis juga tabel-tabelnya untuk analis ke folder ini (di luar folder sumber).",
)
@click.option(
    "--format-data",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="Format tabel untuk --data.",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Jumlah proses baca paralel. Bawaan: jumlah inti."
)
@click.option("--senyap", is_flag=True, help="Tanpa kemajuan dan ringkasan; hanya galat.")
@POLICY_OPTION
def konsolidasi(
    sumber: Path | None,
    drive_id: str | None,
    arsip: Path | None,
    unggah: bool,
    kredensial: Path | None,
    periode: tuple[str, ...],
    tahun: int | None,
    roster_path: Path | None,
    potensial_path: Path | None,
    org: tuple[str, ...],
    predikat_instansi: str | None,
    keluaran: Path | None,
    timpa: bool,
    data_dir: Path | None,
    format_data: str,
    jobs: int | None,
    senyap: bool,
    policy_path: Path | None,
) -> None:
    """Gabungkan semua workbook unit di SUMBER menjadi buku nilai instansi.

    SUMBER adalah folder (dicari sampai ke subfolder) berisi workbook .xlsx, .xlsm (makro tidak
    pernah dijalankan), atau .ods; atau pakai --drive ID_FOLDER untuk folder Google Drive.
    Setiap nilai dihitung ulang dari isian, setiap masalah dicatat dengan berkas, lembar, dan
    selnya. Workbook unit tidak pernah diubah.
    """
    from sheetnilai.consolidate import (
        InputFile,
        consolidate_periods,
        discover,
        prescan,
        require_period,
        run_year,
        sha256,
    )
    from sheetnilai.files import check_outputs, staged
    from sheetnilai.report import MULTI_SHEETS, SHEETS, charts, charts_many, tables, tables_many
    from sheetnilai.roster import read_roster
    from sheetnilai.scorebook import data_file_name, write_data, write_scorebook
    from sheetnilai.sources.folder import OLD_SUFFIXES, WORKBOOK_SUFFIXES
    from sheetnilai.talenta_report import apply_potensial, read_potensial

    if (sumber is None) == (drive_id is None):
        raise SheetnilaiError("konsolidasi-sumber")
    if drive_id is None:
        for option, given in (
            ("--arsip", arsip),
            ("--unggah", unggah),
            ("--kredensial", kredensial),
        ):
            if given:
                raise SheetnilaiError("opsi-hanya-drive", {"option": option})
    policy = _policy(policy_path)
    found = None
    year = tahun
    if sumber is None:
        periods = period_options(periode)
    else:
        if sumber.is_dir() and not os.access(sumber, os.R_OK | os.X_OK):
            raise SheetnilaiError("sumber-tidak-terbaca", {"path": sumber})
        found = discover(sumber)
        spreadsheets = [
            f for f in found.files if f.path.suffix.lower() in WORKBOOK_SUFFIXES | OLD_SUFFIXES
        ]
        if not spreadsheets:
            raise SheetnilaiError("sumber-kosong", {"path": sumber, "count": len(found.files)})
        years, held = prescan(found.to_read)
        periods = period_options(periode, held)
        for period in periods or ():
            if held and period not in held:
                raise SheetnilaiError(
                    "periode-tidak-ada-di-workbook", {"period": period, "valid": ", ".join(held)}
                )
        if not periods:
            raise SheetnilaiError("periode-semua-tanpa-workbook")
        year = tahun or run_year(years)
    label = _run_label(periode, periods)
    many = periods is None or len(periods) > 1
    inputs = [f.path for f in found.files] if found is not None else []
    if drive_id is not None:
        archive = arsip or Path("arsip-drive")
        # Everything under the archive is an input of this and later runs.
        for given in (keluaran, data_dir):
            if given is not None:
                root = archive.resolve()
                if given.resolve() == root or root in given.resolve().parents:
                    raise SheetnilaiError("keluaran-di-arsip", {"path": given, "archive": archive})
    target = keluaran or _default_target(label, year)
    sheets = MULTI_SHEETS if many else SHEETS
    data_targets = (
        [data_dir / data_file_name(sheet, format_data) for sheet in sheets] if data_dir else []
    )
    from sheetnilai.config import DEFAULT_NAME

    # The roster and the policy file (given, or the sheetnilai.toml the run picks up) too.
    inputs += [
        p for p in (roster_path, potensial_path, policy_path or Path(DEFAULT_NAME)) if p is not None
    ]
    check_outputs([target, *data_targets], data_dir, sumber, inputs)
    if target.exists() and not timpa and (keluaran is not None or year is not None):
        raise SheetnilaiError("berkas-sudah-ada", {"path": target})
    if data_dir is not None and not timpa:
        for sheet in sheets:
            existing = data_dir / data_file_name(sheet, format_data)
            if existing.exists():
                raise SheetnilaiError("berkas-sudah-ada", {"path": existing})
    roster = None
    if roster_path is not None:
        roster = read_roster(roster_path, policy)
    assessed = read_potensial(potensial_path) if potensial_path is not None else None
    by_unit, default = org_options(org)
    agency = agency_option(predikat_instansi)
    show = not senyap
    bar = None
    if show and sys.stderr.isatty() and found is not None:
        bar = click.progressbar(
            length=len(found.to_read), label="Membaca workbook", file=sys.stderr
        )

    def progress(info: InputFile) -> None:
        if bar is not None:
            bar.update(1)
        elif show:
            click.echo(f"  {info.name}: {info.status}", err=True)

    options: dict[str, Any] = {
        "periods": periods,
        "policy": policy,
        "roster": roster,
        "org_predikat": by_unit,
        "org_default": default,
        "agency_predikat": agency,
        "jobs": jobs,
    }
    uploaded = None
    if drive_id is not None:
        from sheetnilai.cli.gsheet import STOP_NOTICE
        from sheetnilai.google import auth, http, runner
        from sheetnilai.google.collect import Fetched, consolidate_drive_periods, upload_scorebook

        scopes = auth.READ_SCOPES + (auth.UPLOAD_SCOPES if unggah else ())
        account = auth.credentials(scopes, kredensial)
        client = http.client(account.credentials, http.Transport.from_env(account.pace_ledger))
        if show:
            click.echo(f"Mengambil dari Google Drive ({account.kind} {account.who}) …", err=True)

        def fetched(item: Fetched) -> None:
            if show:
                click.echo(f"  {item.name}: {item.status}", err=True)

        try:
            with runner.second_ctrl_c_exits(STOP_NOTICE):
                results, collection = consolidate_drive_periods(
                    client, drive_id, archive, fetched=fetched, year=tahun, **options
                )
        except KeyboardInterrupt:
            raise SheetnilaiError("konsolidasi-dihentikan", {"path": archive}) from None
        if show:
            got = sum(1 for f in collection.fetched if f.status == "diambil")
            failed = sum(1 for f in collection.fetched if f.status == "galat")
            click.echo(
                f"Drive: {got} diambil, {collection.requests_saved} dari arsip (tidak berubah), "
                f"{failed} gagal. Arsip: {collection.archive}/",
                err=True,
            )
        for result in results:
            require_period(result)
        if keluaran is None:
            target = _default_target(label, results[0].year)
            check_outputs([target], None, None, [*inputs, *(f.path for f in results[0].files)])
    else:
        assert sumber is not None and found is not None and periods
        results = consolidate_periods(sumber, progress=progress, found=found, year=year, **options)
        for result in results:
            require_period(result)
    if bar is not None:
        bar.render_finish()
    if roster is not None and roster_path is not None:
        digest = sha256(roster_path)
        for result in results:
            result.roster_sha256 = digest
    if assessed is not None:
        apply_potensial(results, assessed)
    if len(results) == 1:
        book_tables, book_charts = tables(results[0]), charts(results[0])
    else:
        book_tables, book_charts = tables_many(results), charts_many(results)
    # The score book and its data tables appear together or not at all.
    with staged(overwrite=timpa) as outputs:
        write_scorebook(target, book_tables, book_charts, overwrite=timpa, stage=outputs)
        if data_dir is not None:
            write_data(data_dir, book_tables, format_data, overwrite=timpa, stage=outputs)
    if unggah and drive_id is not None:
        stamp = results[0].started.strftime("%Y-%m-%d %H.%M")
        uploaded = upload_scorebook(client, drive_id, target, f"Buku nilai {label} ({stamp})")
    errors = sum(result.count(Severity.GALAT) for result in results)
    if show:
        # Several periods: the unit table of the last one, a summary line for each.
        for k, result in enumerate(results):
            last = k == len(results) - 1
            print_summary(result, with_table=last, heading=last and len(results) > 1)
        if len(results) > 1:
            from sheetnilai.trends import early_warnings

            click.echo(
                f"\nPeringatan dini ({', '.join(r.period for r in results)}): "
                f"{len(early_warnings(results))}; lihat lembar Peringatan Dini dan Tren."
            )
        click.echo(f"Buku nilai: {display_name(str(target))}")
        if uploaded is not None:
            click.echo(f"Buku nilai di Google Drive: {uploaded.link}")
        if data_dir is not None:
            click.echo(f"Tabel data ({format_data}): {display_name(str(data_dir))}/")
    if errors:
        sys.exit(EXIT_DATA_ERRORS)


def _default_target(period: str, year: int | None) -> Path:
    return Path(f"buku-nilai-{period}-{year}.xlsx" if year else f"buku-nilai-{period}.xlsx")


PREDIKAT_HEADERS = ("Sgt Kurang", "Kurang", "Butuh Perb.", "Baik", "Sgt Baik")


def print_summary(result: object, with_table: bool = True, heading: bool = False) -> None:
    from sheetnilai.consolidate import Consolidation
    from sheetnilai.rules.labels import CURVE_ORDER

    assert isinstance(result, Consolidation)
    assert len(PREDIKAT_HEADERS) == len(CURVE_ORDER)
    roster = result.roster_count is not None
    expected = {k.casefold(): v for k, v in result.roster_units.items()}
    rows: list[list[object]] = []
    for u in sorted(result.units, key=lambda u: u.unit):
        counts = [sum(1 for p in u.pegawai if p.predikat is label) for label in CURVE_ORDER]
        _, dist = result.distribution.get(u.name, (None, None))
        errors = sum(1 for p in u.problems if p.severity is Severity.GALAT)
        listed = [expected.get(u.unit.casefold(), "-")] if roster else []
        rows.append(
            [u.unit, len(u.pegawai), *listed, *counts, errors, dist.status if dist else "-"]
        )
    for unit, count in sorted(result.missing_units.items()):
        rows.append([unit, 0, count, *([""] * len(CURVE_ORDER)), "", "Belum masuk"])
    headers = ["Unit kerja", "Pegawai", *(["Di daftar"] if roster else []), *PREDIKAT_HEADERS]
    if heading:
        click.echo(f"\nPeriode {result.period}:")
    if with_table:
        click.echo(
            table(
                [*headers, "Galat", "Distribusi"],
                rows,
                right=set(range(1, len(headers) + 1)),
                widths={0: 36},
            )
        )
    against = ""
    if result.roster_count is not None:
        missing = sum(result.missing_units.values())
        against = (
            f" dari {result.roster_count} di daftar pegawai ({len(result.missing_units)} unit, "
            f"{missing} pegawai belum masuk)"
        )
    year = f" tahun {result.year}" if result.year else ""
    gap = "\n" if with_table else ""
    click.echo(
        f"{gap}Periode {result.period}{year}: {len(result.files)} berkas, "
        f"{len(result.units)} workbook dihitung, {len(result.pegawai)} pegawai{against}; "
        f"{result.count(Severity.GALAT)} galat, {result.count(Severity.PERINGATAN)} "
        f"peringatan, {result.count(Severity.CATATAN)} catatan; {len(result.belum_masuk)} belum "
        "masuk/berpredikat."
    )
