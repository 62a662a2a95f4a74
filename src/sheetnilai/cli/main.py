"""The root group and the commands registered on it (one module per command or group)."""

from __future__ import annotations

from typing import Any

import click

from sheetnilai import __version__
from sheetnilai.cli import i18n as cli_i18n
from sheetnilai.cli.demo import demo
from sheetnilai.cli.dokumen import dokumen
from sheetnilai.cli.gsheet import gsheet
from sheetnilai.cli.ikm import ikm
from sheetnilai.cli.kebijakan import kebijakan
from sheetnilai.cli.konsolidasi import konsolidasi
from sheetnilai.cli.nip import cek_nip
from sheetnilai.cli.pengingat import pengingat
from sheetnilai.cli.periksa import periksa
from sheetnilai.cli.sinkron import riwayat, sinkron
from sheetnilai.cli.templat import templat
from sheetnilai.cli.xlwings import xlwings
from sheetnilai.errors import SheetnilaiError, os_reason


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


for command in (cek_nip, templat, kebijakan, konsolidasi, dokumen, periksa, demo, gsheet, xlwings,
                sinkron, riwayat, ikm, pengingat):  # fmt: skip
    cli.add_command(command)


def _terminated(_signum: int, _frame: object) -> None:
    # A service manager's stop (SIGTERM) ends a run like Ctrl-C does: temporary files are
    # removed and the output is either complete or absent, never half written.
    raise KeyboardInterrupt


def main() -> None:
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="sheetnilai")
