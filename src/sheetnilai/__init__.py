"""sheetnilai: penilaian kinerja ASN di spreadsheet (PermenPANRB 6/2022)."""

__version__ = "0.1.0"
