"""The typeface every document uses, registered once per process.

The PDF standard fonts (Helvetica) are not embedded and lack glyphs such as "≤" and "→";
DejaVu Sans Condensed (bundled, Bitstream Vera licence) is embedded as a subset, so a
document prints the same on every machine and its text stays selectable.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

REGULAR = "SN-Sans"
BOLD = "SN-Sans-Bold"
_FILES = {REGULAR: "DejaVuSansCondensed.ttf", BOLD: "DejaVuSansCondensed-Bold.ttf"}


@cache
def register() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resources.files("sheetnilai") / "data" / "fonts"
    for name, file in _FILES.items():
        with resources.as_file(folder / file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> in a paragraph picks the bold face of the family, not Helvetica-Bold.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
