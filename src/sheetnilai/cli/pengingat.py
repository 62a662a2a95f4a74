"""`sheetnilai pengingat`: one reminder per person being waited for, as a mail-merge file or
e-mail (`reminders.py` builds and sends; this module only parses, prints and exits)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import POLICY_OPTION, ROSTER_OPTION, YEAR_OPTION
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.errors import SheetnilaiError, display_name, os_reason

if TYPE_CHECKING:
    from sheetnilai.consolidate import Discovery
    from sheetnilai.reminders import Waiting
    from sheetnilai.sync.lock import StoreLock

EXIT_SEND_FAILED = 4


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SheetnilaiError("opsi-tanggal-tidak-sah", {"value": value}) from None


@click.command("pengingat", cls=cli_i18n.IdCommand)
@click.argument(
    "sumber", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--periode",
    required=True,
    metavar="PERIODE",
    help="Periode yang ditunggu: TW1…TW4, S1, S2, JAN…DES, atau TAHUNAN. Tenggatnya dari "
    "[tenggat] di berkas kebijakan.",
)
@YEAR_OPTION
@ROSTER_OPTION
@click.option(
    "--keluaran",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas gabung surat (.csv atau .xlsx). Bawaan: pengingat-PERIODE-TANGGAL-JAM.csv "
    "di folder kerja.",
)
@click.option("--timpa", is_flag=True, help="Timpa berkas --keluaran yang sudah ada.")
@click.option("--kirim", is_flag=True, help="Kirim surel lewat SMTP ([smtp] di berkas kebijakan).")
@click.option(
    "--ulang",
    is_flag=True,
    help="Kirim lagi juga kepada penerima yang sudah dikirimi untuk tenggat ini.",
)
@click.option(
    "--catatan-kirim",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Berkas catatan pengiriman (SQLite). Bawaan: pengingat-terkirim.sqlite di folder "
    "berkas --penyimpanan, atau di folder data pengguna (~/.local/share/sheetnilai).",
)
@click.option(
    "--penyimpanan",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ambil keadaan terakhir dari penyimpanan `sheetnilai sinkron` (mis. sinkron.sqlite) "
    "alih-alih membaca workbook di SUMBER.",
)
@click.option(
    "--hari-ini",
    metavar="TTTT-BB-HH",
    help="Tanggal yang dipakai menghitung sisa hari menuju tenggat. Bawaan: hari ini.",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Jumlah proses paralel. Bawaan: jumlah inti."
)
@POLICY_OPTION
def pengingat(
    sumber: Path | None,
    periode: str,
    tahun: int | None,
    roster_path: Path | None,
    keluaran: Path | None,
    timpa: bool,
    kirim: bool,
    ulang: bool,
    ledger_path: Path | None,
    store_path: Path | None,
    hari_ini: str | None,
    jobs: int | None,
    policy_path: Path | None,
) -> None:
    """Buat pengingat bagi setiap orang yang isiannya masih ditunggu untuk PERIODE.

    Dari workbook unit di SUMBER (atau keadaan terakhir sinkron, --penyimpanan): pejabat
    penilai yang rating pegawainya belum diisi, pegawai yang realisasinya kosong, dan admin
    unit yang workbooknya belum masuk; setiap pesan menyebut apa yang kurang dan di mana
    (berkas, lembar, sel) serta sisa hari menuju tenggat. Bawaannya uji coba: hanya menulis
    berkas gabung surat. Dengan --kirim, pesan dikirim lewat SMTP; penerima yang sudah
    dikirimi untuk tenggat yang sama dilewati kecuali dengan --ulang.
    """
    from sheetnilai.files import check_outputs
    from sheetnilai.periods import period_key
    from sheetnilai.reminders import (
        LEDGER_NAME,
        Ledger,
        build_reminders,
        check_smtp_safety,
        days_text,
        default_ledger_dir,
        period_label,
        send_reminders,
        tanggal,
        waiting_in,
        write_merge_file,
    )
    from sheetnilai.roster import read_roster

    if (sumber is None) == (store_path is None):
        raise SheetnilaiError("pengingat-sumber")
    policy = _policy(policy_path)
    period = period_key(periode)
    today = _date(hari_ini)
    deadline = policy.tenggat.of(period)
    if deadline is None:
        raise SheetnilaiError("pengingat-tanpa-tenggat", {"period": period})
    smtp = policy.smtp
    password: str | None = None
    if kirim:
        if not smtp.host or not smtp.pengirim:
            raise SheetnilaiError("pengingat-smtp-belum-diatur")
        check_smtp_safety(smtp)
        if smtp.pengguna:
            password = os.environ.get(smtp.sandi_env)
            if not password:
                raise SheetnilaiError("pengingat-sandi-kosong", {"env": smtp.sandi_env})
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = keluaran or Path(f"pengingat-{period}-{stamp}.csv")
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise SheetnilaiError("pengingat-keluaran-jenis", {"path": target})
    inputs = [p for p in (roster_path, policy_path) if p is not None]
    check_outputs([target], None, sumber, inputs)
    if target.exists() and not timpa:
        raise SheetnilaiError("berkas-sudah-ada", {"path": target})
    # One ledger per source, wherever the merge file goes and whatever the working folder:
    # beside the sync store, else in the user's data folder; rows keyed by the source itself.
    source_path = store_path if store_path is not None else sumber
    assert source_path is not None
    source_key = str(source_path.resolve())
    if ledger_path is not None:
        ledger_file = ledger_path
    elif store_path is not None:
        ledger_file = store_path.resolve().parent / LEDGER_NAME
    else:
        ledger_file = default_ledger_dir() / LEDGER_NAME
    check_outputs([ledger_file], None, sumber, inputs)
    roster = read_roster(roster_path, policy) if roster_path is not None else None
    if store_path is not None:
        waiting, year = _from_store(store_path, period), tahun
        read = None
    else:
        assert sumber is not None
        read = _folder(sumber, period, tahun)
    # Opened before the (long) consolidation, so a damaged ledger stops a sending run at once.
    # A dry run reads an existing ledger read-only (to say who would be skipped), never creates
    # or changes one; a damaged one is a warning there, the merge file is still written.
    lock: StoreLock | None = None
    ledger: Ledger | None = None
    if kirim:
        if ledger_path is None:
            try:
                ledger_file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SheetnilaiError(
                    "pengingat-catatan-rusak", {"path": ledger_file, "detail": os_reason(exc)}
                ) from None
        lock = _sending_lock(ledger_file)
        try:
            ledger = Ledger(ledger_file, source_key)
        except BaseException:
            lock.__exit__(None, None, None)
            raise
    else:
        try:
            ledger = Ledger(ledger_file, source_key, read_only=True)
        except SheetnilaiError as exc:
            click.echo(
                f"Peringatan: {exc.message} Uji coba tetap dilanjutkan tanpa catatan itu.",
                err=True,
            )
    try:
        if read is not None:
            from sheetnilai.consolidate import consolidate_periods

            assert sumber is not None
            found, year = read
            click.echo(
                f"Membaca {len(found.to_read)} workbook di {display_name(str(sumber))} …", err=True
            )
            (result,) = consolidate_periods(
                sumber, [period], policy, roster=roster, found=found, year=year, jobs=jobs
            )
            waiting, year = waiting_in(result), result.year
        label = f"{period_label(period)} {year or ''}".strip()
        reminders = build_reminders(
            waiting,
            roster,
            label,
            deadline,
            today,
            dict(policy.pengingat.admin_unit),
            policy.instansi.nama,
        )
        for r in reminders:
            if r.email is None:
                r.status = f"tanpa surel: {r.no_email}"
        failed = 0
        if kirim:
            assert ledger is not None
            sent = send_reminders(reminders, smtp, password, ledger, period, deadline, ulang)
            failed = len(sent.failed)
        else:
            for r in reminders:
                if r.email is None:
                    continue
                before = ledger.sent_at(period, deadline, r.key) if ledger and not ulang else None
                r.status = f"sudah terkirim {before}" if before else "uji coba: belum dikirim"
        ledger_missing = ledger is not None and ledger.empty
    finally:
        if ledger is not None:
            ledger.close()
        if lock is not None:
            lock.__exit__(None, None, None)
    write_merge_file(reminders, target, timpa)

    roles: dict[str, int] = {}
    for r in reminders:
        for role in r.roles:
            roles[role] = roles.get(role, 0) + 1
    items = sum(len(r.items) for r in reminders)
    click.echo(f"Pengingat {label}: tenggat {tanggal(deadline)} ({days_text(deadline, today)}).")
    if not reminders:
        click.echo("Tidak ada yang ditunggu: semua isian periode ini sudah lengkap.")
    else:
        per_role = ", ".join(f"{n} {role}" for role, n in roles.items())
        click.echo(f"{len(reminders)} penerima ({per_role}), {items} butir belum lengkap.")
    missing = [r for r in reminders if r.email is None]
    if missing:
        click.echo(f"Tanpa alamat surel ({len(missing)}), tidak dapat dikirimi:")
        for r in missing:
            who = f"{r.nama} (NIP {r.nip})" if r.nip else r.nama
            click.echo(f"  - {', '.join(r.roles)} {who}: {r.no_email}")
    if kirim:
        click.echo(
            f"Terkirim: {len(sent.sent)}; sudah terkirim sebelumnya untuk tenggat ini: "
            f"{len(sent.skipped)}; gagal: {failed}."
        )
        if sent.skipped:
            click.echo(
                "Yang sudah terkirim tidak dikirim lagi; pakai --ulang untuk mengirim ulang."
            )
        for r, why in sent.failed:
            click.echo(f"  Gagal dikirim kepada {r.nama} <{r.email}>: {why}", err=True)
    else:
        ready = sum(1 for r in reminders if r.status == "uji coba: belum dikirim")
        click.echo(
            f"Uji coba: tidak ada surel yang dikirim ({ready} siap dikirim). "
            "Tambahkan --kirim untuk mengirim."
        )
    click.echo(f"Berkas gabung surat: {display_name(str(target))}")
    click.echo(
        f"Catatan pengiriman: {display_name(str(ledger_file))}"
        + (" (belum ada: belum ada pesan yang dikirim)" if not kirim and ledger_missing else "")
    )
    if failed:
        sys.exit(EXIT_SEND_FAILED)


def _folder(sumber: Path, period: str, tahun: int | None) -> tuple[Discovery, int | None]:
    """The workbooks to read and the run's year; a period they do not hold is refused."""
    from sheetnilai.consolidate import discover, prescan, run_year

    if not os.access(sumber, os.R_OK | os.X_OK):
        raise SheetnilaiError("sumber-tidak-terbaca", {"path": sumber})
    found = discover(sumber)
    if not found.to_read:  # nothing arrived yet: every unit of the roster is waited for
        return found, tahun
    years, held = prescan(found.to_read)
    if held and period not in held:
        raise SheetnilaiError(
            "periode-tidak-ada-di-workbook", {"period": period, "valid": ", ".join(held)}
        )
    return found, tahun or run_year(years)


def _from_store(path: Path, period: str) -> list[Waiting]:
    """What the newest recorded sync pass is waiting for, without reading any workbook."""
    from sheetnilai.reminders import waiting_in_store
    from sheetnilai.store.sqlite import SqliteStore

    if not path.is_file():
        raise SheetnilaiError("penyimpanan-tidak-ada", {"path": path})
    store = SqliteStore(path)
    try:
        last = store.last_pass(finished_only=True)
        synced = [p for p in (last.periods.split(",") if last else []) if p]
        if period not in synced:
            raise SheetnilaiError(
                "pengingat-periode-tidak-disinkron",
                {"period": period, "periods": ", ".join(synced) or "-"},
            )
        _results, problems, _inputs = store.last_state()
    finally:
        store.close()
    return waiting_in_store(problems, period)


def _sending_lock(ledger_file: Path) -> StoreLock:
    """One sending run per ledger: two at once would both find a recipient not yet sent."""
    from sheetnilai.sync.lock import StoreLock

    try:
        return StoreLock(ledger_file).__enter__()
    except SheetnilaiError as exc:
        if exc.message_id != "sinkron-sudah-berjalan":
            raise
        raise SheetnilaiError("pengingat-sudah-berjalan", exc.params) from None
