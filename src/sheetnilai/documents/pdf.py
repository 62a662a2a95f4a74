"""The documents laid out as A4 PDF with reportlab: embedded fonts, selectable text.

Every style and table here names its font: a style that does not falls back to Helvetica,
which is neither embedded nor able to print every character a name may hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from sheetnilai import __version__
from sheetnilai.documents import fonts
from sheetnilai.documents.content import Curve, Evaluasi, Heading, IkiLine, Penetapan, Person

WIDTH = A4[0] - 30 * mm  # the text width between 15 mm margins
GRID = colors.HexColor("#8C8C8C")
SHADE = colors.HexColor("#E8EEF4")
# One colour per predikat, worst to best (CURVE_ORDER), as the score book's charts use.
BAR_COLOURS = ("#C0392B", "#E67E22", "#F1C40F", "#27AE60", "#1F618D")


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("dasar", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "small": ParagraphStyle("kecil", parent=base, fontSize=7.5, leading=9),
        "head": ParagraphStyle("kepala", parent=base, fontName=fonts.BOLD),
        "title": ParagraphStyle(
            "judul",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=12,
            leading=15,
            alignment=TA_CENTER,
        ),
        "subtitle": ParagraphStyle(
            "subjudul", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER
        ),
        # A section title is never the last line of a page.
        "section": ParagraphStyle(
            "bagian",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "center": ParagraphStyle("tengah", parent=base, alignment=TA_CENTER),
    }


S = _styles()


# A form is signed, not read for pages: a text longer than this (a catatan pasted from a
# report) is cut, with a note saying so, and the workbook keeps it whole.
MAX_TEXT = 1000


def printable(text: str) -> str:
    """`text` as a document can print it: at most MAX_TEXT characters, and a lone surrogate
    (an OOXML "_xD800_" escape decodes to one; no PDF can hold it) shown as U+FFFD."""
    if len(text) > MAX_TEXT:
        text = f"{text[:MAX_TEXT]} … (terpotong; {len(text)} huruf, selengkapnya di workbook)"
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _escape(text: str) -> str:
    text = printable(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text: str, style: str = "base") -> Paragraph:
    """A cell or line of text; what a user typed is escaped, never read as markup."""
    return Paragraph(_escape(text).replace("\n", "<br/>"), S[style])


def _m(markup: str, style: str = "base") -> Paragraph:
    """A line with markup of our own (<b>); the values in it are `_escape`d."""
    return Paragraph(markup, S[style])


def _grid(
    rows: list[list[Any]],
    widths: Sequence[float],
    header_rows: int = 1,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    # A row taller than a page (an umpan balik of thousands of words) splits across pages
    # instead of failing the whole document.
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows, splitInRow=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), fonts.BOLD),
        ]
    table.setStyle(TableStyle([*style, *extra]))
    return table


def _titles(head: Heading, title: str) -> list[Flowable]:
    out: list[Flowable] = []
    if head.instansi:
        out.append(_p(head.instansi.upper(), "subtitle"))
    out.append(_p(title, "title"))
    out.append(_p(f"PERIODE: {head.period_title.upper()}", "subtitle"))
    if head.dates:
        out.append(_p(f"Periode penilaian: {head.dates}", "subtitle"))
    out.append(Spacer(1, 4 * mm))
    return out


def _identity(blocks: Sequence[tuple[str, Person]]) -> Table:
    rows: list[list[Any]] = []
    spans: list[tuple[Any, ...]] = []
    for n, (title, person) in enumerate(blocks, start=1):
        spans += [
            ("SPAN", (1, len(rows)), (2, len(rows))),
            ("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE),
        ]
        rows.append([_p(str(n), "head"), _p(title.upper(), "head"), ""])
        for label, value in (
            ("Nama", person.nama),
            ("NIP", person.nip or "-"),
            ("Pangkat/Gol. Ruang", person.pangkat),
            ("Jabatan", person.jabatan),
            ("Unit Kerja", person.unit),
        ):
            rows.append(["", _p(label), _p(value)])
    return _grid(rows, [8 * mm, 45 * mm, WIDTH - 53 * mm], header_rows=0, extra=spans)


def curve_drawing(curve: Curve, width: float = WIDTH, height: float = 45 * mm) -> Drawing:
    """The unit's spread of predikat as bars, each with its count and share."""
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR  # else the drawing starts in Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 8 * mm
    chart.width, chart.height = width - 20 * mm, height - 14 * mm
    chart.data = [[n for _, n in curve.counts]]
    chart.categoryAxis.categoryNames = [label for label, _ in curve.counts]
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName, axis.fontSize = fonts.REGULAR, 7.5
    chart.valueAxis.valueMin = 0
    top = max([n for _, n in curve.counts] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 5)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.bars.strokeColor = None
    for k, colour in enumerate(BAR_COLOURS):
        chart.bars[(0, k)].fillColor = colors.HexColor(colour)
    chart.barLabels.fontName, chart.barLabels.fontSize = fonts.REGULAR, 7.5
    chart.barLabels.nudge = 6
    chart.barLabelFormat = lambda n: f"{int(n)} ({curve.share(int(n))})"
    drawing.add(chart)
    return drawing


def _curve_block(curve: Curve, unit: str) -> list[Flowable]:
    status = f"Pemeriksaan kurva: {curve.status}."
    if curve.sentences:
        status += " " + " ".join(curve.sentences)
    return [
        _p(f"Kurva distribusi predikat: {unit}", "center"),
        curve_drawing(curve),
        _p(status, "small"),
    ]


def _hasil(lines: Sequence[IkiLine]) -> Table:
    header = [
        "No",
        "Rencana Hasil Kerja",
        "Indikator Kinerja Individu",
        "Target",
        "Realisasi",
        "Capaian",
        "Umpan Balik",
    ]
    rows: list[list[Any]] = [[_p(h, "head") for h in header]]
    for line in lines:
        rows.append(
            [
                _p(line.no),
                _p(line.rhk),
                _p(line.iki),
                _p(line.target),
                _p(line.realisasi),
                _p(line.capaian),
                _p(line.umpan_balik),
            ]
        )
    widths = [7 * mm, 36 * mm, 36 * mm, 20 * mm, 20 * mm, 16 * mm]
    return _grid(rows, [*widths, WIDTH - sum(widths)])


def _perilaku(items: Sequence[tuple[str, str, str]]) -> Table:
    rows: list[list[Any]] = [
        [_p(h, "head") for h in ("No", "Aspek", "Ekspektasi Khusus Pimpinan", "Umpan Balik")]
    ]
    for n, (aspek, ekspektasi, umpan) in enumerate(items, start=1):
        rows.append([_p(str(n)), _p(aspek), _p(ekspektasi or "-"), _p(umpan or "-")])
    widths = [7 * mm, 34 * mm, 60 * mm]
    return _grid(rows, [*widths, WIDTH - sum(widths)])


def _signatures(
    head: Heading, left: tuple[str, Person | None], right: tuple[str, Person | None]
) -> Table:
    place = head.tempat or "...................."
    when = head.tanggal or "...................."
    cells: list[list[Any]] = [["", _p(f"{place}, {when}", "center")]]
    cells.append([_p(left[0], "center"), _p(right[0], "center")])
    cells.append([Spacer(1, 18 * mm), Spacer(1, 18 * mm)])
    names: list[Any] = []
    nips: list[Any] = []
    for title, person in (left, right):
        if not title:  # no one signs on this side
            names.append("")
            nips.append("")
        elif person is None or not person.nama:  # a name to write by hand
            names.append(_p("(" + "." * 40 + ")", "center"))
            nips.append(_p("NIP " + "." * 30, "center"))
        else:
            names.append(_p(person.nama, "center"))
            nips.append(_p(f"NIP {person.nip}" if person.nip else "", "center"))
    cells += [names, nips]
    table = Table(cells, colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return table


def evaluasi_story(doc: Evaluasi) -> list[Flowable]:
    story = _titles(doc.heading, "DOKUMEN EVALUASI KINERJA PEGAWAI")
    story.append(
        _identity(
            [
                ("Pegawai yang dinilai", doc.pegawai),
                ("Pejabat penilai kinerja", doc.penilai),
                ("Atasan pejabat penilai kinerja", doc.atasan),
            ]
        )
    )
    story.append(
        KeepTogether(
            [
                _p("CAPAIAN KINERJA ORGANISASI DAN POLA DISTRIBUSI", "section"),
                _m(f"Predikat kinerja organisasi: <b>{_escape(doc.curve.org or '-')}</b>"),
                *_curve_block(doc.curve, doc.unit),
            ]
        )
    )
    for k, (title, lines) in enumerate((("A. Utama", doc.utama), ("B. Tambahan", doc.tambahan))):
        heads = [_p("HASIL KERJA", "section")] if k == 0 else []
        story.append(
            KeepTogether(
                [*heads, _p(title, "section"), _hasil(lines) if lines else _p("Tidak ada.")]
            )
        )
    story.append(KeepTogether([_p("PERILAKU KERJA", "section"), _perilaku(doc.perilaku)]))
    rows = [
        ("Rating hasil kerja", doc.rating_hasil or "-"),
        ("Rating perilaku kerja", doc.rating_perilaku or "-"),
        ("Predikat kinerja pegawai", doc.predikat or "-"),
    ]
    if doc.angka_kredit:
        rows.append(("Angka kredit", doc.angka_kredit))
    rows.append(("Catatan/rekomendasi", doc.catatan or "-"))
    result = _grid(
        [[_p(a, "head"), _p(b)] for a, b in rows], [55 * mm, WIDTH - 55 * mm], header_rows=0
    )
    story.append(KeepTogether([_p("PREDIKAT KINERJA PEGAWAI", "section"), result]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        KeepTogether(
            _signatures(
                doc.heading,
                ("Pegawai yang Dinilai", doc.pegawai),
                ("Pejabat Penilai Kinerja", doc.penilai),
            )
        )
    )
    return story


def penetapan_story(doc: Penetapan) -> list[Flowable]:
    story = _titles(doc.heading, "PENETAPAN PREDIKAT KINERJA PEGAWAI")
    story.append(_m(f"Unit kerja: <b>{_escape(doc.unit)}</b>"))
    story.append(_m(f"Predikat kinerja organisasi: <b>{_escape(doc.curve.org or '-')}</b>"))
    story.append(Spacer(1, 3 * mm))
    header = [
        "No",
        "Nama / NIP",
        "Jabatan",
        "Rating hasil kerja",
        "Rating perilaku kerja",
        "Predikat kinerja",
    ]
    rows: list[list[Any]] = [[_p(h, "head") for h in header]]
    for n, row in enumerate(doc.rows, start=1):
        rows.append(
            [
                _p(str(n)),
                _p(f"{row.nama}\nNIP {row.nip}" if row.nip else row.nama),
                _p(row.jabatan),
                _p(row.rating_hasil or "-"),
                _p(row.rating_perilaku or "-"),
                _p(row.predikat),
            ]
        )
    widths = [8 * mm, 50 * mm, 42 * mm, 24 * mm, 24 * mm]
    story.append(_grid(rows, [*widths, WIDTH - sum(widths)]))
    counts = [[_p(label, "head") for label, _ in doc.curve.counts]]
    counts.append([_p(f"{n} ({doc.curve.share(n)})", "center") for _, n in doc.curve.counts])
    story.append(
        KeepTogether(
            [
                _p("KURVA DISTRIBUSI PREDIKAT", "section"),
                _grid(counts, [WIDTH / 5] * 5),
                Spacer(1, 2 * mm),
                *_curve_block(doc.curve, doc.unit),
            ]
        )
    )
    story.append(Spacer(1, 6 * mm))
    story.append(KeepTogether(_signatures(doc.heading, ("", None), ("Pimpinan Unit Kerja", None))))
    return story


def _numbered(footer: str) -> type[Canvas]:
    """A canvas that ends every page with `footer` and "halaman X dari Y"."""

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Every page starts by selecting a font: Helvetica, unembedded, unless told (the
            # document template passes None).
            kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.REGULAR
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 7)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(15 * mm, 9 * mm, printable(footer)[:150])
                self.drawRightString(A4[0] - 15 * mm, 9 * mm, f"halaman {number} dari {count}")
                super().showPage()
            super().save()

    return Numbered


def write_pdf(path: Path, story: list[Flowable], title: str, subject: str, footer: str) -> None:
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=printable(title),
        subject=printable(subject),
        author="sheetnilai",
        creator=f"sheetnilai {__version__}",
    )
    doc.build(story, canvasmaker=_numbered(footer))


def write_evaluasi(path: Path, doc: Evaluasi) -> None:
    who = f"{doc.pegawai.nama} ({doc.pegawai.nip})" if doc.pegawai.nip else doc.pegawai.nama
    write_pdf(
        path,
        evaluasi_story(doc),
        title=f"Dokumen Evaluasi Kinerja Pegawai — {who}",
        subject=f"{doc.unit}, {doc.heading.period_title}",
        footer=f"Dokumen Evaluasi Kinerja Pegawai — {who} — {doc.heading.period_title}",
    )


def write_penetapan(path: Path, doc: Penetapan) -> None:
    write_pdf(
        path,
        penetapan_story(doc),
        title=f"Penetapan Predikat Kinerja — {doc.unit}",
        subject=doc.heading.period_title,
        footer=f"Penetapan Predikat Kinerja Pegawai — {doc.unit} — {doc.heading.period_title}",
    )
