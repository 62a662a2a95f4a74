"""`sheetnilai xlwings …`: Excel worksheet functions through xlwings (registered in cli/main.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from sheetnilai.cli import i18n as cli_i18n


@click.group("xlwings", cls=cli_i18n.IdGroup)
def xlwings() -> None:
    """Fungsi lembar kerja sheetnilai di Excel (SN_PREDIKAT, SN_CAPAIAN, dan lainnya)."""


@xlwings.command("lite")
@click.option(
    "--keluaran",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("xlwings-lite"),
    show_default=True,
    help="Folder tempat main.py dan requirements.txt ditulis.",
)
@click.option("--timpa", is_flag=True, help="Timpa main.py dan requirements.txt yang sudah ada.")
def lite(keluaran: Path, timpa: bool) -> None:
    """Buat main.py dan requirements.txt untuk xlwings Lite (Excel di web, Windows, macOS).

    main.py memuat seluruh aturan sheetnilai, sehingga tidak ada yang perlu dipasang selain
    add-in xlwings Lite: Python berjalan di dalam Excel. Tempelkan kedua berkas ke editor
    xlwings Lite, lalu ketik mis. =SN_PREDIKAT("Di Atas Ekspektasi"; "Sesuai Ekspektasi") di
    sebuah sel.
    """
    from sheetnilai.lite import MAIN, REQUIREMENTS, function_names, write_lite

    paths = write_lite(keluaran, overwrite=timpa)
    click.echo("Berkas untuk xlwings Lite ditulis:")
    for path in paths:
        click.echo(f"  {path}  ({_size(path)})")
    steps = [
        "",
        "Langkah berikutnya:",
        "  1. Pasang add-in xlwings Lite sekali saja: di Excel, tab Beranda > Add-in, cari",
        '     "xlwings", lalu Tambahkan. Tombol xlwings Lite muncul di ujung kanan tab Beranda.',
        "  2. Buka workbook Anda, klik tombol xlwings Lite agar editornya terbuka.",
        f"  3. Buka {keluaran / MAIN} dengan editor teks, salin seluruh isinya, lalu",
        "     tempelkan ke tab main.py di editor xlwings Lite, menggantikan contoh bawaannya.",
        f"  4. Di tab requirements.txt, ganti baris xlwings dengan isi {keluaran / REQUIREMENTS}",
        "     (baris paket lain boleh tetap), lalu mulai ulang xlwings Lite (menu ☰ > Restart).",
        "  5. Ketik di sel mana pun, mis.:",
        '       =SN_PREDIKAT("Di Atas Ekspektasi"; "Sesuai Ekspektasi")   hasilnya Baik',
        "     (pemisah argumen ; atau , mengikuti pengaturan regional Excel Anda).",
        textwrap.fill(f"Fungsi yang tersedia: {', '.join(function_names())}.", width=88),
        "Kode Python ikut tersimpan di dalam workbook: siapa pun yang membuka workbook itu",
        "dengan xlwings Lite dapat memakai fungsi yang sama tanpa langkah 3 dan 4.",
    ]
    click.echo("\n".join(steps))


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} byte"
