"""`sheetnilai demo`: the whole job on the built-in sample data."""

from __future__ import annotations

from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.common import (
    POLICY_OPTION,
)
from sheetnilai.cli.common import load_policy_option as _policy
from sheetnilai.cli.konsolidasi import print_summary


@click.command("demo", cls=cli_i18n.IdCommand)
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-sheetnilai"),
    show_default=True,
    help="Folder kerja demo (dibuat ulang setiap kali).",
)
@POLICY_OPTION
def demo(folder: Path, policy_path: Path | None) -> None:
    """Jalankan seluruh pekerjaan atas data contoh fiktif: buat workbook unit, isi, konsolidasi,
    lalu tulis dokumen evaluasi (PDF).

    Kabupaten Sukamaju (fiktif): 12 unit, 300 pegawai. Workbook diisi seperti oleh pegawai dan
    atasan, beberapa unit dengan kesalahan yang lazim; satu unit belum mengirim.
    """
    from sheetnilai.demo import PERIOD, run_demo

    click.echo(f"Membuat dan mengisi workbook contoh di {folder}/unit/ …")
    result = run_demo(folder, _policy(policy_path))
    click.echo(f"Konsolidasi periode {PERIOD}:\n")
    print_summary(result.consolidation)
    click.echo(f"Buku nilai: {result.scorebook}")
    if result.documents is not None:
        w = result.documents
        click.echo(
            f"Dokumen Evaluasi Kinerja (PDF): {w.documents} pegawai, Penetapan Predikat Kinerja: "
            f"{w.units} unit, di {w.folder}/ ({len(w.skipped)} pegawai tanpa dokumen karena "
            "lembarnya memuat galat; lihat tidak-dibuat.csv)."
        )
    c = result.consolidation
    failing = sum(1 for _, check in c.distribution.values() if check is not None and not check.ok)
    click.echo(
        f"Tindak lanjut di buku nilai: lembar IKM ({len(c.surveys)} survei), Kalibrasi "
        f"({failing} unit tidak sesuai kurva), Pengembangan, Rencana Pengembangan, Talenta, "
        "Kotak Talenta."
    )
    if result.reminders is not None:
        click.echo(
            f"Pengingat (uji coba, tidak ada surel yang dikirim): {result.waited} penerima, "
            f"berkas gabung surat {result.reminders}."
        )
    click.echo(
        "Buka lembar Masalah untuk melihat setiap kesalahan dengan berkas, lembar, dan selnya."
    )
