"""`sheetnilai sinkron …` and `sheetnilai riwayat`: the sync service (registered in cli/main.py)."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import CREDENTIALS_OPTION, POLICY_OPTION, POTENSIAL_OPTION
from sheetnilai.errors import SheetnilaiError, display_name

if TYPE_CHECKING:
    from sheetnilai.store.sqlite import Store
    from sheetnilai.sync.drive import DriveSource
    from sheetnilai.sync.run import SyncSettings

DEFAULT_STORE = Path("sinkron.sqlite")
DEFAULT_OUTPUT = Path("hasil-sinkron")
DEFAULT_INTERVAL = "5m"

STORE_OPTION = click.option(
    "--penyimpanan",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="Berkas penyimpanan sinkron (SQLite): riwayat setiap sinkron dan cache per berkas.",
)

_DURATION = re.compile(r"^\s*(\d+)\s*(d|detik|s|m|menit|j|jam|h)?\s*$", re.I)
_UNIT_SECONDS = {
    "d": 1,
    "detik": 1,
    "s": 1,
    "m": 60,
    "menit": 60,
    "j": 3600,
    "jam": 3600,
    "h": 3600,
}


def parse_duration(text: str) -> int:
    """ "30d" / "30s" (seconds), "5m" (minutes), "1j" / "1h" (hours); a bare number is
    minutes."""
    m = _DURATION.match(text)
    if m is None or int(m[1]) <= 0:
        raise SheetnilaiError("durasi-tidak-sah", {"value": text})
    return int(m[1]) * _UNIT_SECONDS[(m[2] or "m").lower()]


def _logger(store_path: Path, quiet: bool) -> logging.Logger:
    """One line per event, in Indonesian, to the terminal and to a rotating log file beside
    the store (5 files of 1 MB). Nothing secret is ever logged: only file names, counts and
    times."""
    log = logging.getLogger("sheetnilai.sinkron")
    log.handlers.clear()
    log.setLevel(logging.INFO)
    log.propagate = False
    form = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
    path = store_path.with_name(store_path.stem + ".log")
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.handlers.RotatingFileHandler(
        path, maxBytes=1 << 20, backupCount=5, encoding="utf-8"
    )
    to_file.setFormatter(form)
    log.addHandler(to_file)
    if not quiet:
        to_term = logging.StreamHandler(sys.stderr)
        to_term.setFormatter(form)
        log.addHandler(to_term)
    return log


@click.group("sinkron", cls=cli_i18n.IdGroup, invoke_without_command=True)
@click.option(
    "--sumber",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder berisi workbook unit (dicari sampai ke subfolder).",
)
@click.option(
    "--drive",
    "drive_id",
    metavar="ID_FOLDER",
    default=None,
    help="Sinkron dari folder Google Drive ini (bukan folder lokal): perubahan dibaca dari "
    "umpan perubahan Drive, dan masalah tiap unit ditulis ke lembar Masalah spreadsheet-nya.",
)
@CREDENTIALS_OPTION
@click.option(
    "--unggah",
    is_flag=True,
    help="Dengan --drive: terbitkan juga buku nilai sebagai satu Google spreadsheet di folder "
    "itu, diperbarui di tempat setiap sinkron (tautannya tetap; Drive menyimpan revisinya).",
)
@click.option(
    "--periode",
    multiple=True,
    help="Periode yang dinilai, boleh diulang (mis. --periode TW3 --periode TAHUNAN).",
)
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Folder buku nilai (bertanggal dan -terbaru) dan umpan balik per unit.",
)
@STORE_OPTION
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Daftar pegawai (CSV/XLSX) untuk memeriksa yang belum masuk.",
)
@POTENSIAL_OPTION
@click.option(
    "--predikat-organisasi",
    "org",
    multiple=True,
    help='Predikat organisasi: "Unit=Baik" per unit, atau satu predikat untuk semua unit.',
)
@click.option("--predikat-instansi", default=None, help="Predikat kinerja instansi.")
@click.option("--tahun", type=int, default=None, help="Tahun penilaian.")
@click.option("--sekali", is_flag=True, help="Satu kali sinkron lalu selesai (untuk cron).")
@click.option("--terus", is_flag=True, help="Terus berjalan: sinkron setiap --selang.")
@click.option(
    "--selang",
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Jeda antar-sinkron dengan --terus: mis. 30d (detik), 5m (menit), 1j (jam).",
)
@click.option("--jobs", type=int, default=None, help="Jumlah proses pembaca (bawaan: jumlah inti).")
@click.option("--senyap", is_flag=True, help="Tanpa log di terminal (log tetap ke berkas).")
@POLICY_OPTION
@click.pass_context
def sinkron(
    ctx: click.Context,
    sumber: Path | None,
    drive_id: str | None,
    kredensial: Path | None,
    unggah: bool,
    periode: tuple[str, ...],
    keluaran: Path,
    store_path: Path,
    roster_path: Path | None,
    potensial_path: Path | None,
    org: tuple[str, ...],
    predikat_instansi: str | None,
    tahun: int | None,
    sekali: bool,
    terus: bool,
    selang: str,
    jobs: int | None,
    senyap: bool,
    policy_path: Path | None,
) -> None:
    """Jaga buku nilai instansi tetap mutakhir dari folder workbook unit (--sumber) atau
    folder Google Drive (--drive).

    Setiap sinkron hanya membaca workbook yang berubah sejak sinkron sebelumnya; yang lain
    diambil dari penyimpanan. Bila ada perubahan, buku nilai bertanggal dan salinan
    "-terbaru" diterbitkan di folder --keluaran, beserta umpan balik per unit di
    umpan-balik/. Workbook unit lokal tidak pernah diubah; spreadsheet Google unit hanya
    mendapat lembar Masalah milik sheetnilai.

    Contoh: sheetnilai sinkron --sumber unit/ --periode TW3 --periode TAHUNAN --sekali
    """
    if ctx.invoked_subcommand is not None:
        return
    if (sumber is None) == (drive_id is None):
        raise SheetnilaiError("sinkron-tanpa-sumber")
    if drive_id is None:
        for option, value in (("--unggah", unggah), ("--kredensial", kredensial)):
            if value:
                raise SheetnilaiError("opsi-hanya-drive", {"option": option})
    if sekali == terus:
        raise SheetnilaiError("sinkron-sekali-atau-terus")
    if not periode:
        raise SheetnilaiError("sinkron-tanpa-periode")
    from sheetnilai.cli.konsolidasi import agency_option, org_options, period_options
    from sheetnilai.config import load_policy
    from sheetnilai.files import check_outputs
    from sheetnilai.roster import read_roster
    from sheetnilai.store.sqlite import SqliteStore
    from sheetnilai.sync.lock import StoreLock
    from sheetnilai.sync.run import SyncSettings
    from sheetnilai.talenta_report import read_potensial

    interval = parse_duration(selang)
    periods = period_options(periode)
    if not periods:
        raise SheetnilaiError("sinkron-tanpa-periode")
    policy, _ = load_policy(policy_path)
    if sumber is not None and sumber.is_dir():
        out, src = keluaran.resolve(), sumber.resolve()
        if out == src or src in out.parents:
            where = {"path": keluaran, "source": sumber}
            raise SheetnilaiError("keluaran-sinkron-di-sumber", where)
    check_outputs([store_path], None, sumber, [])
    source = _drive(drive_id, kredensial, store_path, unggah) if drive_id is not None else None
    by_unit, default = org_options(org)
    roster = read_roster(roster_path, policy) if roster_path is not None else None
    potensial = read_potensial(potensial_path) if potensial_path is not None else {}
    settings = SyncSettings(
        source=sumber or Path(f"drive-{drive_id}"),
        output=keluaran,
        periods=tuple(periods),
        policy=policy,
        roster=roster,
        roster_path=roster_path,
        potensial=potensial,
        org_predikat=by_unit,
        org_default=default,
        agency_predikat=agency_option(predikat_instansi),
        year=tahun,
        jobs=jobs,
        drive=source,
    )
    with StoreLock(store_path):
        log = _logger(store_path, senyap)
        store = SqliteStore(store_path)
        try:
            gone = store.mark_interrupted([os.getpid()])
            if gone:
                log.info(f"{gone} sinkron sebelumnya terputus; dilanjutkan dari awal.")
            if sekali:
                _one_pass(settings, store, log)
            else:
                _forever(settings, store, log, interval)
        finally:
            store.close()


def _drive(folder_id: str, key_file: Path | None, store_path: Path, upload: bool) -> DriveSource:
    """The Drive folder, read and written with one account. Its exports are archived beside
    the store (`<store>-arsip/`): the audit copy of what each score book was computed from."""
    from sheetnilai.google import auth, http
    from sheetnilai.sync.drive import DriveSource

    account = auth.credentials(auth.SEND_SCOPES, key_file)
    client = http.client(account.credentials, http.Transport.from_env(account.pace_ledger))
    me = str(getattr(account.credentials, "service_account_email", "") or "")
    archive = store_path.with_name(store_path.stem + "-arsip")
    return DriveSource(client, folder_id, archive, me, upload=upload)


def _one_pass(settings: SyncSettings, store: Store, log: logging.Logger) -> int:
    from sheetnilai.sync.run import run_pass

    start = time.perf_counter()
    report = run_pass(settings, store, log.info)
    took = time.perf_counter() - start
    if report.quiet:
        log.info(f"tidak ada perubahan: {report.files} berkas, 0 dibaca ({took:.1f} dtk)")
    else:
        log.info(
            f"sinkron #{report.pass_id}: {report.files} berkas, {report.read} dibaca, "
            f"{report.served} dari penyimpanan, {report.changed} berubah, "
            f"{len(report.changes)} perubahan tercatat, {report.errors} galat ({took:.1f} dtk"
            + "".join(f"; {k} {v:.1f}" for k, v in report.seconds.items())
            + ")"
        )
    return report.errors


def _forever(settings: SyncSettings, store: Store, log: logging.Logger, interval: int) -> None:
    """Pass after pass until SIGTERM or Ctrl-C (both arrive as KeyboardInterrupt, see
    cli/main.py): a pass that is interrupted leaves the store and the outputs as they were.
    Between passes it waits for the interval, or less when a file in the source changes."""
    log.info(
        f"sinkron berjalan terus (selang {interval} detik, atau segera setelah ada berkas "
        "berubah); hentikan dengan Ctrl-C."
    )
    try:
        while True:
            try:
                _one_pass(settings, store, log)
            except SheetnilaiError as exc:
                log.info(f"sinkron gagal: {exc.message}")
            if settings.drive is not None:
                time.sleep(interval)  # the changes feed is asked at the next pass
            elif _wait(settings.source, interval):
                log.info("ada berkas berubah di folder sumber.")
    except KeyboardInterrupt:
        log.info("sinkron dihentikan.")


def _wait(source: Path, interval: int) -> bool:
    """Until `interval` seconds pass or something changes under `source` (file-system events
    through watchfiles); True when woken early. A change counts once the folder has been
    quiet for a second (at most 5 s after it began), so a workbook being saved is read when
    the save is done; one read mid-save is a galat on that file until the next pass."""
    from watchfiles import watch

    for changes in watch(
        source,
        rust_timeout=interval * 1000,
        yield_on_timeout=True,
        raise_interrupt=True,
        step=1000,
        debounce=5000,
    ):
        return bool(changes)
    return False


@sinkron.command("status")
@STORE_OPTION
@click.option(
    "--maks-umur",
    default="1j",
    show_default=True,
    help="Sinkron terakhir yang lebih tua dari ini dianggap tidak sehat (mis. 15m, 2j).",
)
def status(store_path: Path, maks_umur: str) -> None:
    """Keadaan sinkron: sinkron terakhir, per unit (masuk atau belum, masalah terbuka,
    perubahan terakhir), dan kesehatan untuk skrip pemantau (kode keluar 0 = sehat)."""
    import datetime as dt

    from sheetnilai.store.sqlite import SqliteStore
    from sheetnilai.sync.lock import holder
    from sheetnilai.textable import table

    limit = parse_duration(maks_umur)
    if not store_path.is_file():
        click.echo(f"TIDAK SEHAT: belum pernah sinkron (tidak ada {store_path}).")
        sys.exit(2)
    store = SqliteStore(store_path)
    try:
        last = store.last_pass()
        done = store.last_pass(finished_only=True)
        running = holder(store_path)
        click.echo(f"Penyimpanan: {display_name(str(store_path))}")
        click.echo(
            f"Layanan: {'berjalan (PID ' + str(running) + ')' if running else 'tidak berjalan'}"
        )
        if last is None:
            click.echo("TIDAK SEHAT: belum pernah sinkron.")
            sys.exit(2)
        click.echo(
            f"Sinkron terakhir: #{last.id} {last.started.replace('T', ' ')} ({last.status}); "
            f"periode {last.periods}; sumber {last.source}"
        )
        if done is not None:
            click.echo(
                f"Selesai terakhir: #{done.id} {done.finished.replace('T', ' ')}: "
                f"{done.files} berkas, {done.read} dibaca, {done.changed} berubah"
            )
        rows = _unit_rows(store)
        if rows:
            click.echo("")
            click.echo(
                table(
                    ["Unit", "Berkas", "Status", "Galat", "Peringatan", "Perubahan terakhir"],
                    rows,
                )
            )
        reason = ""
        if done is None:
            reason = "belum ada sinkron yang selesai"
        elif last.status in ("gagal", "terputus") and last.id > done.id:
            reason = f"sinkron terakhir {last.status}"
        else:
            finished = dt.datetime.fromisoformat(done.finished)
            age = (dt.datetime.now().astimezone() - finished).total_seconds()
            if age > limit:
                reason = f"sinkron terakhir selesai {int(age // 60)} menit lalu (batas {maks_umur})"
        if reason:
            click.echo(f"\nTIDAK SEHAT: {reason}.")
            sys.exit(1)
        click.echo("\nSEHAT.")
    finally:
        store.close()


def _unit_rows(store: Store) -> list[list[object]]:
    _, problems, inputs = store.last_state()
    open_by_file: dict[str, list[int]] = {}
    for p in problems:
        counts = open_by_file.setdefault(p.file, [0, 0])
        counts[0 if p.severity == "galat" else 1] += p.severity in ("galat", "peringatan")
    rows = []
    for i in inputs:
        if i.change == "dihapus":
            continue
        galat, peringatan = open_by_file.get(i.name, [0, 0])
        status = "masuk" if i.status == "dibaca" else i.status
        changed = store.file_changed(i.name).replace("T", " ")[:16]
        rows.append([i.unit or "-", i.name, status, galat, peringatan, changed or "-"])
    return rows


@click.command("riwayat", cls=cli_i18n.IdCommand)
@STORE_OPTION
@click.option(
    "--sejak",
    default=None,
    help="Hanya perubahan sejak tanggal ini (TTTT-BB-HH, mis. 2026-07-01).",
)
def riwayat(store_path: Path, sejak: str | None) -> None:
    """Apa yang berubah antar-sinkron: predikat yang berubah, masalah yang muncul dan yang
    selesai, unit yang mengirim workbook, berkas yang ditambah, diubah, atau dihapus."""
    from sheetnilai.store.sqlite import SqliteStore
    from sheetnilai.sync.publish import CHANGE_LABELS

    since = None
    if sejak is not None:
        since = _since(sejak)
    if not store_path.is_file():
        raise SheetnilaiError("penyimpanan-tidak-ada", {"path": store_path})
    store = SqliteStore(store_path)
    try:
        changes = store.changes(since)
    finally:
        store.close()
    if not changes:
        click.echo("Tidak ada perubahan" + (f" sejak {sejak}." if sejak else "."))
        return
    for c in changes:
        when = c.at.replace("T", " ")[:16]
        what = CHANGE_LABELS.get(c.kind, c.kind)
        who = " ".join(x for x in (c.nama, f"({c.nip})" if c.nip else "") if x)
        parts = [p for p in (c.period, c.unit, who) if p]
        line = f"{when}  {what}: " + " · ".join(parts)
        if c.before or c.after:
            line += f": {c.before or '-'} → {c.after or '-'}"
        if c.detail:
            line += f" [{c.detail}]"
        click.echo(line)
    click.echo(f"\n{len(changes)} perubahan.")


def _since(text: str) -> str:
    """The ISO date the store's times compare with (they sort as text)."""
    import datetime as dt

    value = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, form).date().isoformat()
        except ValueError:
            continue
    raise SheetnilaiError("sejak-tidak-sah", {"value": text})
