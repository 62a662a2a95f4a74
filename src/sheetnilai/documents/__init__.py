"""The documents people sign: the Dokumen Evaluasi Kinerja Pegawai of every pegawai and the
unit's Penetapan Predikat Kinerja, as PDF (domain.md §2.10).

`content.py` turns the consolidation's results into the lines and tables a document shows
(no PDF in it), `pdf.py` lays them out with reportlab, `write.py` writes every unit's files.
"""
