"""`sheetnilai gsheet …`: Google Sheets commands (registered on the root group in cli/main.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    CREDENTIALS_OPTION,
    EXIT_DATA_ERRORS,
    POLICY_OPTION,
    SCHEME_OPTION,
    load_policy_option,
    load_roster_option,
    print_problems,
    problem_summary,
)
from sheetnilai.errors import SheetnilaiError
from sheetnilai.periods import Scheme
from sheetnilai.problems import has_errors

# Shown at once on the first Ctrl-C of a Google run (konsolidasi --drive, gsheet kirim).
STOP_NOTICE = "Menghentikan... (tekan Ctrl-C sekali lagi untuk keluar seketika)"


@click.group("gsheet", cls=cli_i18n.IdGroup)
def gsheet() -> None:
    """Google Sheets: masuk ke akun Google, kirim workbook unit ke Google Drive."""


@gsheet.command("masuk")
@click.option(
    "--klien",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Berkas klien OAuth (client_secret….json, jenis Aplikasi desktop).",
)
@click.option("--tanpa-peramban", is_flag=True, help="Jangan membuka peramban; salin tautannya.")
@click.option("--peramban", default=None, help="Nama peramban yang dibuka, mis. firefox.")
def masuk(klien: Path, tanpa_peramban: bool, peramban: str | None) -> None:
    """Masuk dengan akun Google Anda sekali; tokennya disimpan untuk perintah berikutnya.

    Peramban terbuka pada halaman izin Google. Setelah Anda menyetujui, token disimpan di folder
    konfigurasi Anda dan hanya dapat dibaca oleh Anda. Setiap perintah kemudian hanya memakai
    izin yang diperlukannya (konsolidasi hanya membaca).
    """
    from sheetnilai.google.auth import login

    path = login(klien, open_browser=not tanpa_peramban, browser=peramban)
    click.echo(f"Berhasil masuk. Token tersimpan di {path} (hanya dapat dibaca pemiliknya).")


@gsheet.command("keluar")
def keluar() -> None:
    """Hapus token Google yang disimpan oleh 'gsheet masuk'."""
    from sheetnilai.google.auth import logout, token_path

    if logout():
        click.echo(f"Token dihapus: {token_path()}")
    else:
        click.echo("Tidak ada token tersimpan.")


@gsheet.command("kirim")
@click.argument("roster", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--contoh", is_flag=True, help="Pakai daftar pegawai contoh bawaan (fiktif).")
@click.option("--folder", "folder_id", required=True, help="ID folder Google Drive tujuan.")
@click.option("--tahun", type=click.IntRange(2022, 2100), default=None, help="Tahun penilaian.")
@SCHEME_OPTION
@click.option(
    "--perbarui",
    is_flag=True,
    help="Terapkan ulang proteksi dan berbagi pada spreadsheet yang sudah ada (isian tetap).",
)
@click.option("--tanpa-notifikasi", is_flag=True, help="Bagikan tanpa mengirim email.")
@click.option(
    "--jobs", type=click.IntRange(1, 16), default=4, show_default=True, help="Unit paralel."
)
@CREDENTIALS_OPTION
@POLICY_OPTION
def kirim(
    roster: Path | None,
    contoh: bool,
    folder_id: str,
    tahun: int | None,
    skema: str,
    perbarui: bool,
    tanpa_notifikasi: bool,
    jobs: int,
    kredensial: Path | None,
    policy_path: Path | None,
) -> None:
    """Buat satu Google spreadsheet per unit kerja di folder Drive, terproteksi dan terbagi.

    Isinya sama dengan workbook .xlsx dari 'templat buat' (rumus, pilihan, format). Lembar SKP
    hanya dapat diubah pegawainya dan pejabat penilainya; sel rating hanya oleh pejabat
    penilai; Petunjuk, Rekap, dan Aturan hanya oleh pemilik. Aman dijalankan ulang: spreadsheet
    yang sudah ada tidak dibuat dua kali.
    """
    from sheetnilai.google import auth, http, runner
    from sheetnilai.google.kirim import SentUnit, send

    policy = load_policy_option(policy_path)
    data = load_roster_option(roster, contoh, policy)
    year = tahun or dt.date.today().year
    account = auth.credentials(auth.SEND_SCOPES, kredensial)
    client = http.client(account.credentials, http.Transport.from_env(account.pace_ledger))
    click.echo(
        f"Mengirim {len(data.units())} unit ke folder Drive {folder_id} "
        f"({account.kind} {account.who}) …"
    )

    def progress(sent: SentUnit) -> None:
        extra = f", {sent.shared} dibagikan" if sent.shared else ""
        click.echo(f"  {sent.status:<10} {sent.title}  {sent.link}{extra}")

    try:
        with runner.second_ctrl_c_exits(STOP_NOTICE):
            sent = send(
                client,
                data,
                folder_id,
                year,
                Scheme(skema),
                policy,
                perbarui,
                not tanpa_notifikasi,
                jobs,
                progress,
            )
    except KeyboardInterrupt:
        raise SheetnilaiError("gsheet-kirim-dihentikan") from None
    problems = [p for s in sent for p in s.problems]
    counts: dict[str, int] = {}
    for s in sent:
        counts[s.status] = counts.get(s.status, 0) + 1
    click.echo("Selesai: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + ".")
    if problems:
        click.echo(f"Masalah ({problem_summary(problems)}):", err=True)
        print_problems(problems)
    if has_errors(problems) or has_errors(data.problems):
        sys.exit(EXIT_DATA_ERRORS)
