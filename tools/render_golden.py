"""Regenerate tests/golden/dokumen-evaluasi.{txt,png}: one Dokumen Evaluasi Kinerja of the
test corpus, its text (what tests/test_dokumen.py compares) and a picture for review.

Run from the repository root: `.venv/bin/python tools/render_golden.py` (needs LibreOffice for
the corpus and poppler's pdftoppm for the picture). Look at the PNG before committing it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.corpus import UNITS, make_corpus  # noqa: E402
from tests.test_dokumen import GOLDEN, document_of, text_of, write_corpus_documents  # noqa: E402


def main() -> None:
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        place = Path(tmp)
        corpus = make_corpus(place)
        out, _ = write_corpus_documents(corpus, place)
        pdf = document_of(out, corpus, corpus.unit_nips(UNITS[0])[1])
        pages = len(PdfReader(pdf).pages)
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "dokumen-evaluasi.txt").write_text(
            f"halaman: {pages}\n{text_of(pdf)}\n", encoding="utf-8"
        )
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(place / "hal")], check=True)
        shots = sorted(place.glob("hal*.png"))
        for k, shot in enumerate(shots, start=1):
            (GOLDEN / f"dokumen-evaluasi-{k}.png").write_bytes(shot.read_bytes())
        print(f"{pages} halaman; {len(shots)} gambar di {GOLDEN}")


if __name__ == "__main__":
    main()
