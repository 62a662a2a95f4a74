"""The command line: a thin layer over the library; the only place that prints or exits.

Exit codes: 0 done with no galat; 1 the command could not run (a one-line Indonesian
message, never a traceback); 2 wrong usage (click); 3 done, but the data holds galat.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from sheetnilai import __version__, cli_i18n
from sheetnilai.cli_common import (
    EXIT_DATA_ERRORS,
    POLICY_OPTION,
    SCHEME_OPTION,
    load_roster_option,
    problem_summary,
)
from sheetnilai.cli_common import load_policy_option as _policy
from sheetnilai.config import load_policy, policy_toml
from sheetnilai.errors import SheetnilaiError, display_name, os_reason
from sheetnilai.periods import Scheme
from sheetnilai.problems import Problem, Severity, has_errors
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import OrgPredikat, parse_org_predikat
from sheetnilai.rules.nip import check_nip, compact, format_nip
from sheetnilai.textable import table

cli_i18n.install()


class Group(cli_i18n.IdGroup):
    """Converts run-level failures into one Indonesian line, once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except OSError as exc:
                # A file-system failure no code path foresaw (a name too long, a disk that
                # fills up): still one Indonesian line, never the OS's English and a traceback.
                where = exc.filename if exc.filename is not None else "-"
                raise SheetnilaiError(
                    "berkas-gagal-dipakai", {"path": where, "detail": os_reason(exc)}
                ) from None
        except SheetnilaiError as exc:
            click.echo(f"Galat: {exc.message} {_advice(exc)}".rstrip(), err=True)
            for line in exc.details:
                click.echo(f"  {line}", err=True)
            ctx.exit(1)


def _advice(exc: SheetnilaiError) -> str:
    from sheetnilai.messages import render_advice

    return render_advice(exc.message_id, exc.params)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="sheetnilai")
def cli() -> None:
    """sheetnilai: penilaian kinerja ASN (PermenPANRB 6/2022) di spreadsheet.

    Templat SKP untuk pegawai dan atasan, rumus yang langsung menghitung capaian, predikat,
    dan distribusi, serta konsolidasi satu perintah untuk BKPSDM.
    """


# --- cek-nip ------------------------------------------------------------------------------


def _read_nips(args: Iterable[str], file: Path | None) -> list[str]:
    nips: list[str] = []
    for arg in args:
        if arg == "-":
            nips.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            nips.append(arg)
    if file is not None:
        from sheetnilai.files import read_text

        text = read_text(file, encoding="utf-8-sig")
        nips.extend(line.strip() for line in text.splitlines() if line.strip())
    return nips


@cli.command("cek-nip")
@click.argument("nip", nargs=-1)
@click.option(
    "--berkas",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas teks berisi satu NIP per baris.",
)
@click.option(
    "--status",
    type=click.Choice(["otomatis", "pns", "pppk"], case_sensitive=False),
    default="otomatis",
    show_default=True,
    help="Jenis nomor: NIP PNS, NI PPPK, atau dikenali otomatis dari digit 13–14.",
)
def cek_nip(nip: tuple[str, ...], berkas: Path | None, status: str) -> None:
    """Periksa NIP/NI PPPK 18 digit: tanggal lahir, TMT, jenis kelamin, nomor urut.

    NIP dapat ditulis sebagai argumen, dibaca dari --berkas, atau dari masukan standar
    dengan tanda - (mis. `cat daftar.txt | sheetnilai cek-nip -`).
    """
    nips = _read_nips(nip, berkas)
    if not nips:
        raise SheetnilaiError("nip-tidak-ada-masukan")
    all_problems: list[Problem] = []
    rows: list[list[str]] = []
    for raw in nips:
        problems = check_nip(raw, status=status)
        all_problems.extend(problems)
        digits = compact(raw)
        shown = format_nip(digits) if len(digits) == 18 and digits.isdigit() else raw
        if not problems:
            rows.append([shown, "sah", ""])
        for i, p in enumerate(problems):
            rows.append([shown if i == 0 else "", p.severity.value, f"{p.message} {p.advice}"])
    click.echo(table(["NIP", "Hasil", "Keterangan"], rows))
    n_err = sum(1 for p in all_problems if p.severity is Severity.GALAT)
    bad = sum(1 for raw in nips if has_errors(check_nip(raw, status=status)))
    click.echo(
        f"\n{len(nips)} NIP diperiksa: {len(nips) - bad} sah, {bad} bermasalah ({n_err} galat)."
    )
    if n_err:
        sys.exit(EXIT_DATA_ERRORS)


# --- templat -------------------------------------------------------------------------------


@cli.group("templat")
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
    todo = [(f.path, f.name) for f in found.to_read]
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


# --- kebijakan -----------------------------------------------------------------------------


@cli.command("kebijakan")
@POLICY_OPTION
def kebijakan(policy_path: Path | None) -> None:
    """Tampilkan kebijakan yang berlaku (format sheetnilai.toml) setelah diperiksa.

    Salin keluaran ini ke sheetnilai.toml lalu ubah nilai yang diperlukan daerah Anda.
    """
    policy, source = load_policy(policy_path)
    click.echo(f"# Kebijakan yang berlaku (sumber: {source})")
    click.echo(policy_toml(policy))


# --- konsolidasi ---------------------------------------------------------------------------


def _org_options(values: tuple[str, ...]) -> tuple[dict[str, OrgPredikat], OrgPredikat | None]:
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


def _agency_option(value: str | None) -> OrgPredikat | None:
    if value is None:
        return None
    try:
        return parse_org_predikat(value.strip())
    except RuleError as exc:
        raise SheetnilaiError(
            "opsi-predikat-instansi", {"value": value, "detail": exc.message}
        ) from None


ALL_PERIODS = "semua"


def _period_options(
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


@cli.command("konsolidasi")
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
@click.option(
    "--kredensial",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Kunci JSON akun layanan Google untuk --drive. Bawaan: GOOGLE_APPLICATION_CREDENTIALS, "
    "lalu token dari 'gsheet masuk'.",
)
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
@click.option(
    "--tahun",
    type=click.IntRange(2022, 2100),
    default=None,
    help="Tahun penilaian. Workbook tahun lain menjadi galat dan tidak dinilai. Bawaan: tahun "
    "yang dimuat sebagian besar workbook.",
)
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Daftar pegawai (.xlsx/.csv/.txt) untuk memeriksa identitas dan yang belum masuk.",
)
@click.option(
    "--predikat-organisasi",
    "org",
    multiple=True,
    metavar="[UNIT=]PREDIKAT",
    help="Predikat organisasi bila workbook tidak memuatnya: 'Baik' untuk semua unit, "
    "atau 'Dinas Kesehatan=Istimewa' per unit. Boleh diulang.",
)
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
        periods = _period_options(periode)
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
        periods = _period_options(periode, held)
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
    inputs += [p for p in (roster_path, policy_path or Path(DEFAULT_NAME)) if p is not None]
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
    by_unit, default = _org_options(org)
    agency = _agency_option(predikat_instansi)
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
        from sheetnilai.cli_gsheet import STOP_NOTICE
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
            _print_summary(result, with_table=last, heading=last and len(results) > 1)
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


def _print_summary(result: object, with_table: bool = True, heading: bool = False) -> None:
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


# --- periksa -------------------------------------------------------------------------------


@cli.command("periksa")
@click.argument("berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--periode",
    required=True,
    help="Periode yang diperiksa, seperti pada konsolidasi: TW1, S1, JAN, TAHUNAN, …",
)
@click.option(
    "--kebijakan",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas kebijakan (TOML). Bawaan: kebijakan yang tersimpan di workbook.",
)
def periksa(berkas: Path, periode: str, policy_path: Path | None) -> None:
    """Periksa satu workbook unit persis seperti konsolidasi akan memeriksanya.

    Cocok dijalankan unit kerja sebelum mengirim workbook. Workbook tidak diubah; setiap
    masalah dicetak dengan lembar, sel, dan pegawainya. Kebijakan yang dipakai: --kebijakan
    bila diberikan, selain itu kebijakan yang tersimpan di workbook saat dibuat. Di Excel
    dengan xlwings, makro PeriksaWorkbook menjalankan pemeriksaan yang sama dan menulis lembar
    Masalah.
    """
    from sheetnilai.periksa import check_workbook

    explicit = _policy(policy_path) if policy_path is not None else None
    checked = check_workbook(berkas, periode, explicit, fallback=load_policy(None))
    result = checked.result
    click.echo(f"Kebijakan: {checked.policy_source}.", err=True)
    problems = result.all_problems
    name = display_name(berkas.name)
    # The problem list is the command's output (standard output, so `> hasil.txt` keeps it
    # whole); what the run itself says goes to standard error.
    if problems:
        click.echo(f"{name}: {problem_summary(problems)}.")
        for p in sorted(problems, key=lambda p: (p.severity.rank, p.sheet or "", p.cell or "")):
            click.echo(p.render())
    else:
        click.echo(f"{name}: tidak ada masalah untuk periode {result.period}.")
    if result.count(Severity.GALAT):
        sys.exit(EXIT_DATA_ERRORS)


# --- demo ----------------------------------------------------------------------------------


@cli.command("demo")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-sheetnilai"),
    show_default=True,
    help="Folder kerja demo (dibuat ulang setiap kali).",
)
@POLICY_OPTION
def demo(folder: Path, policy_path: Path | None) -> None:
    """Jalankan seluruh pekerjaan atas data contoh fiktif: buat workbook unit, isi, konsolidasi.

    Kabupaten Sukamaju (fiktif): 12 unit, 300 pegawai. Workbook diisi seperti oleh pegawai dan
    atasan, beberapa unit dengan kesalahan yang lazim; satu unit belum mengirim.
    """
    from sheetnilai.demo import PERIOD, run_demo

    click.echo(f"Membuat dan mengisi workbook contoh di {folder}/unit/ …")
    result = run_demo(folder, _policy(policy_path))
    click.echo(f"Konsolidasi periode {PERIOD}:\n")
    _print_summary(result.consolidation)
    click.echo(f"Buku nilai: {result.scorebook}")
    click.echo(
        "Buka lembar Masalah untuk melihat setiap kesalahan dengan berkas, lembar, dan selnya."
    )


from sheetnilai.cli_gsheet import gsheet  # noqa: E402  (the groups need `cli` defined)
from sheetnilai.cli_sinkron import riwayat, sinkron  # noqa: E402
from sheetnilai.cli_xlwings import xlwings  # noqa: E402

cli.add_command(gsheet)
cli.add_command(xlwings)
cli.add_command(sinkron)
cli.add_command(riwayat)


def _terminated(_signum: int, _frame: object) -> None:
    # A service manager's stop (SIGTERM) ends a run like Ctrl-C does: temporary files are
    # removed and the output is either complete or absent, never half written.
    raise KeyboardInterrupt


def main() -> None:
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="sheetnilai")
