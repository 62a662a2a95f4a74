"""Where everything sits in a unit workbook. Shared by the builder, the reader and the tests.

Readers never guess coordinates: every block of an SKP sheet is a sheet-scoped defined name
whose first row is a hidden row of stable column keys, and every identity value has its own
name. Inserting rows inside a block (the documented way to add IKI) grows the names with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from sheetnilai.periods import Period

TEMPLATE_FORMAT = "sheetnilai-skp"
# The version names the reading contract (defined names, key rows), not the column order:
# readers find columns by key, so an added column (like "periksa") keeps the version, and
# workbooks made before it still read (a key they lack reads as an empty cell).
# Version 2 added the IKI's sifat and the period targets (rencana aksi), which change what a
# period's capaian means: a version-1 workbook still reads (as if every sifat were blank) and
# `templat perbarui` brings it up to date.
TEMPLATE_VERSION = 2
READABLE_VERSIONS = (1, 2)

META_SHEET = "_sheetnilai"
# In the metadata sheet, the SN_LEMBAR table (sheet title, nip, nama) starts at this row with
# a header. Beside it `gsheet kirim` writes a (title, gid) table of every sheet, ending in
# META_GID_COL, so that problem links open the exact sheet without an extra API request.
META_LEMBAR_ROW = 8
META_GID_COL = 4
# The policy the workbook's formulas were generated with (sheetnilai.toml text), beside the
# other metadata, clear of both tables: what "Periksa workbook" checks against.
META_POLICY_CELL = (0, 7)
RULES_SHEET = "Aturan"
GUIDE_SHEET = "Petunjuk"
RECAP_SHEET = "Rekap"
# One SKP with the evaluation of one period, as an A4 form (cetak.py). Never an SKP sheet:
# it has no SN_ names, and `templat perbarui` writes it again.
CETAK_SHEET = "Cetak"
# The sheet `sinkron --drive` writes into each unit spreadsheet: that workbook's problems.
# Never an SKP sheet, whatever its cells hold.
MASALAH_SHEET = "Masalah"
# When the unit has a sheet of its own by that name, ours is "Masalah (sheetnilai)", then
# "Masalah (sheetnilai 2)" and so on.
MASALAH_TITLE = re.compile(r"^Masalah(?: \(sheetnilai(?: \d+)?\))?$")
# Only in the xlwings workbook (`templat buat --xlwings`): Python results beside the native
# ones, the xlwings configuration sheet (its name is fixed by xlwings) and the period the
# "Periksa workbook" macro checks.
ANALYSIS_SHEET = "Analisis"
XLWINGS_CONF_SHEET = "xlwings.conf"
PERIKSA_PERIOD_NAME = "SN_PERIKSA_PERIODE"

RHK_COUNT = 15  # "at least 15 RHK with up to 3 IKI each"
IKI_PER_RHK = 3
IKI_ROWS = RHK_COUNT * IKI_PER_RHK

# --- hasil kerja table: plan columns (0-based) --------------------------------------------
PLAN_COLUMNS: tuple[tuple[str, str, float], ...] = (
    # key, header, width
    ("no", "No", 5),
    ("jenis", "Jenis RHK", 17),
    ("rhk_atasan", "RHK atasan yang diintervensi", 30),
    ("rhk", "Rencana hasil kerja (RHK)", 38),
    ("aspek", "Aspek", 13),
    ("iki", "Indikator kinerja individu (IKI)", 38),
    ("target", "Target", 10),
    ("target_atas", "Target batas atas (rentang)", 10),
    ("satuan", "Satuan", 10),
    ("arah", "Arah", 22),
    ("target_kualitatif", "Target kualitatif", 24),
    ("sifat", "Sifat IKI", 12),
)
PLAN_KEYS = tuple(k for k, _, _ in PLAN_COLUMNS)
PERIOD_FIELDS: tuple[tuple[str, str, float], ...] = (
    # The rencana aksi target of the period (not used by the annual evaluation).
    ("target_periode", "Target periode (rencana aksi)", 14),
    ("realisasi", "Realisasi", 11),
    ("bukti", "Bukti dukung (tautan)", 24),
    ("umpan_balik", "Umpan balik", 28),
    # What the capaian compares (rules/periodik.py): formulas, shown so the atasan sees that
    # 1 of 4 reports in TW1 is measured against 1, not 4.
    ("realisasi_dinilai", "Realisasi dinilai (otomatis)", 11),
    ("target_dinilai", "Target dinilai (otomatis)", 11),
    ("atas_dinilai", "Batas atas dinilai (otomatis)", 11),
    ("capaian", "Capaian (%)", 10),
    # A live hint when the realisasi looks mistyped (formulas.periksa, rules/plausibility.py).
    ("periksa", "Periksa isian (otomatis)", 16),
)
PERIOD_WIDTH = len(PERIOD_FIELDS)
DINILAI_FIELDS = ("realisasi_dinilai", "target_dinilai", "atas_dinilai")

# Identity value cells: key -> (label, row offset from the identity block, side)
IDENTITY_ROWS = ("nama", "nip", "pangkat", "jabatan", "unit")
IDENTITY_LABELS = {
    "nama": "Nama",
    "nip": "NIP",
    "pangkat": "Pangkat/Gol. Ruang",
    "jabatan": "Jabatan",
    "unit": "Unit Kerja",
    "jenis_jabatan": "Jenis Jabatan",
    "status": "Status",
    "jenjang": "Jenjang JF",
    "pendekatan": "Pendekatan",
    # Set by `templat perbarui` when the roster changes mid-year: the periods whose last day
    # falls outside these dates are not this unit's to count (a mutasi is counted once).
    "aktif_sejak": "Aktif di unit sejak",
    "aktif_sampai": "Tidak aktif sejak",
}
ACTIVE_KEYS = ("peg_aktif_sejak", "peg_aktif_sampai")

BERAKHLAK: tuple[tuple[str, tuple[str, str, str]], ...] = (
    # [V-code S21] SE MenPANRB 20/2021 core values, as printed in SKP forms (domain.md §2.11).
    ("Berorientasi Pelayanan", (
        "Memahami dan memenuhi kebutuhan masyarakat",
        "Ramah, cekatan, solutif, dan dapat diandalkan",
        "Melakukan perbaikan tiada henti",
    )),
    ("Akuntabel", (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan "
        "berintegritas tinggi",
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, "
        "dan efisien",
        "Tidak menyalahgunakan kewenangan jabatan",
    )),
    ("Kompeten", (
        "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
        "Membantu orang lain belajar",
        "Melaksanakan tugas dengan kualitas terbaik",
    )),
    ("Harmonis", (
        "Menghargai setiap orang apapun latar belakangnya",
        "Suka menolong orang lain",
        "Membangun lingkungan kerja yang kondusif",
    )),
    ("Loyal", (
        "Memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta pemerintahan "
        "yang sah",
        "Menjaga nama baik sesama ASN, Pimpinan, Instansi, dan Negara",
        "Menjaga rahasia jabatan dan negara",
    )),
    ("Adaptif", (
        "Cepat menyesuaikan diri menghadapi perubahan",
        "Terus berinovasi dan mengembangkan kreativitas",
        "Bertindak proaktif",
    )),
    ("Kolaboratif", (
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
        "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
        "Menggerakkan pemanfaatan berbagai sumberdaya untuk tujuan bersama",
    )),
)  # fmt: skip

LAMPIRAN = (
    ("dukungan_sumber_daya", "Dukungan sumber daya"),
    ("skema_pertanggungjawaban", "Skema pertanggungjawaban"),
    ("konsekuensi", "Konsekuensi"),
)
LAMPIRAN_ROWS = 3

ASPEK = ("Kuantitas", "Kualitas", "Waktu", "Biaya")
PERSPEKTIF = ("Penerima Layanan", "Proses Bisnis", "Penguatan Internal", "Anggaran")
JENIS_RHK = ("Utama", "Tambahan")
PENDEKATAN = ("Kuantitatif", "Kualitatif")

# Penilaian (evaluation) block, one row per period.
NILAI_COLUMNS: tuple[tuple[str, str, int], ...] = (
    # key, header, column (0-based; aligned with the plan columns' widths above)
    ("kode", "Kode", 0),
    ("periode", "Periode", 1),
    ("saran", "Saran rating hasil kerja (otomatis)", 2),
    ("rating_hasil", "Rating hasil kerja (diisi pejabat penilai)", 3),
    ("bulan", "Jumlah bulan", 4),
    ("rating_perilaku", "Rating perilaku kerja (diisi pejabat penilai)", 5),
    ("predikat", "Predikat kinerja", 6),
    ("angka_kredit", "Angka kredit", 8),
    ("catatan", "Catatan/rekomendasi", 10),
)
NILAI_KEYS = tuple(k for k, _, _ in NILAI_COLUMNS)
NILAI_COL = {k: c for k, _, c in NILAI_COLUMNS}


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def col_name(col: int) -> str:
    return xl_col_to_name(col)


def quote_sheet(name: str) -> str:
    """A sheet name as formulas need it: always quoted, apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class SkpLayout:
    """Row and column positions (0-based) of one SKP sheet for a period scheme."""

    periods: tuple[Period, ...]

    # identity block
    title_row: int = 0
    ident_header_row: int = 4
    ident_first_row: int = 5

    @property
    def left_label_col(self) -> int:
        return 1

    @property
    def left_value_col(self) -> int:
        return 2

    @property
    def right_label_col(self) -> int:
        return 5

    @property
    def right_value_col(self) -> int:
        return 6

    # Left: pegawai (5 rows + jenis, status, jenjang, pendekatan). Right: pejabat penilai
    # (header + 5 rows) then atasan pejabat penilai (header + 5 rows).
    @cached_property
    def identity_cells(self) -> dict[str, tuple[int, int]]:
        cells: dict[str, tuple[int, int]] = {}
        r0 = self.ident_first_row
        for i, key in enumerate(
            (
                *IDENTITY_ROWS,
                "jenis_jabatan",
                "status",
                "jenjang",
                "pendekatan",
                "aktif_sejak",
                "aktif_sampai",
            )
        ):
            cells[f"peg_{key}"] = (r0 + i, self.left_value_col)
        for i, key in enumerate(IDENTITY_ROWS):
            cells[f"pnl_{key}"] = (r0 + i, self.right_value_col)
        for i, key in enumerate(IDENTITY_ROWS):
            cells[f"apnl_{key}"] = (r0 + len(IDENTITY_ROWS) + 1 + i, self.right_value_col)
        return cells

    @property
    def apnl_header_row(self) -> int:
        return self.ident_first_row + len(IDENTITY_ROWS)

    # hasil kerja table
    @property
    def hk_title_row(self) -> int:
        return self.ident_first_row + 2 * len(IDENTITY_ROWS) + 2

    @property
    def hk_group_row(self) -> int:
        return self.hk_title_row + 1

    @property
    def hk_header_row(self) -> int:
        return self.hk_group_row + 1

    @property
    def hk_key_row(self) -> int:
        return self.hk_header_row + 1

    @property
    def hk_first_row(self) -> int:
        return self.hk_key_row + 1

    @property
    def hk_last_row(self) -> int:
        return self.hk_first_row + IKI_ROWS - 1

    @property
    def hk_end_row(self) -> int:
        """The closing row: new rows are inserted above it, inside every range."""
        return self.hk_last_row + 1

    def period_col(self, index: int, field: str) -> int:
        offset = [k for k, _, _ in PERIOD_FIELDS].index(field)
        return len(PLAN_COLUMNS) + index * PERIOD_WIDTH + offset

    @property
    def last_col(self) -> int:
        return len(PLAN_COLUMNS) + len(self.periods) * PERIOD_WIDTH - 1

    @cached_property
    def hk_keys(self) -> tuple[str, ...]:
        keys = list(PLAN_KEYS)
        for p in self.periods:
            keys.extend(f"{field}@{p.key}" for field, _, _ in PERIOD_FIELDS)
        return tuple(keys)

    # perilaku kerja (BerAKHLAK)
    @property
    def pk_title_row(self) -> int:
        return self.hk_end_row + 2

    @property
    def pk_header_row(self) -> int:
        return self.pk_title_row + 1

    @property
    def pk_key_row(self) -> int:
        return self.pk_header_row + 1

    @property
    def pk_first_row(self) -> int:
        return self.pk_key_row + 1

    @property
    def pk_last_row(self) -> int:
        return self.pk_first_row + len(BERAKHLAK) - 1

    PK_ASPEK_COL = 1
    PK_PANDUAN_COL = 3
    PK_EKSPEKTASI_COL = 5

    @cached_property
    def pk_keys(self) -> tuple[str, ...]:
        """Key per column of the perilaku block (empty where the column holds nothing)."""
        keys = [""] * (self.last_col + 1)
        keys[0], keys[self.PK_ASPEK_COL] = "no", "aspek"
        keys[self.PK_PANDUAN_COL], keys[self.PK_EKSPEKTASI_COL] = "panduan", "ekspektasi"
        for i, p in enumerate(self.periods):
            keys[self.period_col(i, "umpan_balik")] = f"umpan_balik@{p.key}"
        return tuple(keys)

    # penilaian (one row per period)
    @property
    def nilai_title_row(self) -> int:
        return self.pk_last_row + 2

    @property
    def nilai_header_row(self) -> int:
        return self.nilai_title_row + 1

    @property
    def nilai_key_row(self) -> int:
        return self.nilai_header_row + 1

    @property
    def nilai_first_row(self) -> int:
        return self.nilai_key_row + 1

    def nilai_row(self, index: int) -> int:
        return self.nilai_first_row + index

    @property
    def nilai_last_row(self) -> int:
        return self.nilai_first_row + len(self.periods) - 1

    @cached_property
    def nilai_keys(self) -> tuple[str, ...]:
        keys = [""] * (max(NILAI_COL.values()) + 1)
        for key, _, col in NILAI_COLUMNS:
            keys[col] = key
        return tuple(keys)

    # lampiran
    @property
    def lampiran_title_row(self) -> int:
        return self.nilai_last_row + 2

    @property
    def lampiran_key_row(self) -> int:
        return self.lampiran_title_row + 1

    def lampiran_row(self, section: int, line: int) -> int:
        return self.lampiran_key_row + 1 + section * LAMPIRAN_ROWS + line

    @property
    def lampiran_last_row(self) -> int:
        return self.lampiran_row(len(LAMPIRAN) - 1, LAMPIRAN_ROWS - 1)

    LAMPIRAN_LABEL_COL = 1
    LAMPIRAN_TEXT_COL = 3

    @property
    def signature_row(self) -> int:
        return self.lampiran_last_row + 2

    @property
    def last_row(self) -> int:
        return self.signature_row + 5

    @property
    def print_last_col(self) -> int:
        return len(PLAN_COLUMNS) - 1
