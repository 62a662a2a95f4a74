"""Write the fictional roster of Kabupaten Sukamaju: src/sheetnilai/data/contoh_daftar_pegawai.csv.

Everything here is invented: the kabupaten, the people, their NIPs and e-mail addresses. The
output is deterministic (random.Random(2026)), so re-running the tool gives the same file and
a test can compare it with the committed one.

    .venv/bin/python tools/make_sample_roster.py [--keluaran BERKAS]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sheetnilai.roster import ROSTER_HEADER

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "sheetnilai" / "data" / "contoh_daftar_pegawai.csv"
SEED = 2026
DOMAIN = "sukamajukab.go.id"

# Potensial (talent assessment, domain.md §2.14) is an optional roster column: the sample
# has one so the demo's Talenta sheet fills its grid, a few pegawai left unassessed.
HEADER = [*ROSTER_HEADER, "Potensial"]

JPT, ADM, PENGAWAS, PELAKSANA, JF = "JPT", "Administrator", "Pengawas", "Pelaksana", "Fungsional"

# --- pangkat/golongan ---------------------------------------------------------------------

GOLONGAN = {
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
RUANG = list(GOLONGAN)

# Golongan a PNS in each jenjang/level usually holds (inclusive range over RUANG).
RANGE_JENJANG = {
    "Pemula": ("II/a", "II/a"),
    "Terampil": ("II/b", "II/d"),
    "Mahir": ("III/a", "III/b"),
    "Penyelia": ("III/c", "III/d"),
    "Ahli Pertama": ("III/a", "III/b"),
    "Ahli Muda": ("III/c", "III/d"),
    "Ahli Madya": ("IV/a", "IV/c"),
    "Ahli Utama": ("IV/d", "IV/e"),
}
RANGE_LEVEL = {
    "sekda": ("IV/d", "IV/e"),
    "jpt": ("IV/c", "IV/d"),
    "administrator": ("IV/a", "IV/b"),
    "camat": ("III/d", "IV/a"),
    "pengawas": ("III/b", "III/d"),
    "pelaksana": ("II/a", "III/b"),
}
# PPPK golongan (Perpres 98/2020) by jenjang; pelaksana PPPK hold V.
PPPK_GOLONGAN = {"Terampil": "VII", "Mahir": "VIII", "Ahli Pertama": "IX", "Ahli Muda": "X"}

# Birth years that fit a golongan: higher ruang, older pegawai.
BIRTH_BY_RUANG = {
    "II": (1978, 2000),
    "III/a": (1985, 1998),
    "III/b": (1982, 1996),
    "III/c": (1976, 1992),
    "III/d": (1972, 1990),
    "IV/a": (1968, 1985),
    "IV/b": (1967, 1982),
    "IV/c": (1966, 1980),
    "IV/d": (1965, 1976),
    "IV/e": (1965, 1972),
}

# --- names -----------------------------------------------------------------------------------

# (given names, family names) per naming tradition and sex; all combinations are invented.
NAMES = {
    "jawa": {
        1: (
            ["Agus", "Bambang", "Dwi Cahyo", "Eko", "Hadi", "Teguh", "Wahyu", "Yudi", "Slamet"],
            ["Santoso", "Wibowo", "Nugroho", "Hartono", "Purnomo", "Setiawan", "Saputro"],
        ),
        2: (
            ["Sri", "Endang", "Dewi", "Rini", "Tri", "Wulan", "Retno", "Ratna", "Kartika"],
            ["Rahayu", "Lestari", "Wahyuni", "Handayani", "Puspitasari", "Wulandari"],
        ),
    },
    "sunda": {
        1: (
            ["Asep", "Ujang", "Dadang", "Cecep", "Yayan", "Deden", "Iwan", "Ade"],
            ["Sunarya", "Hidayat", "Permana", "Suherman", "Kusnadi", "Rukmana", "Gunawan"],
        ),
        2: (
            ["Euis", "Neneng", "Imas", "Yeni", "Iis", "Tati", "Rina", "Lilis"],
            ["Nurhayati", "Kurniasih", "Komalasari", "Marlina", "Rosmiati", "Suryani"],
        ),
    },
    "batak": {
        1: (
            ["Togar", "Parlindungan", "Hotman", "Binsar", "Martua", "Sahat", "Jonggi"],
            ["Simanjuntak", "Siregar", "Nainggolan", "Sitompul", "Hutapea", "Pardede", "Sinaga"],
        ),
        2: (
            ["Rosmawati", "Lasma", "Tiurma", "Rumondang", "Dameria", "Sondang", "Friska"],
            ["Simanjuntak", "Siregar", "Nainggolan", "Sitompul", "Hutapea", "Harahap", "Lubis"],
        ),
    },
    "minang": {
        1: (
            ["Rizal", "Fadli", "Zulkifli", "Afrizal", "Yusrizal", "Hendri", "Irwan"],
            ["Tanjung", "Koto", "Sikumbang", "Chaniago", "Jambak", "Piliang"],
        ),
        2: (
            ["Yulia", "Rahmi", "Fitri", "Nurhasanah", "Desi", "Yenni", "Elvi"],
            ["Tanjung", "Koto", "Sikumbang", "Chaniago", "Jambak", "Piliang"],
        ),
    },
    "bugis": {
        1: (
            ["Andi Irfan", "Muhammad Arsyad", "Syamsuddin", "Baharuddin", "Ahmad Ridwan"],
            ["Mappaseng", "Pallawa", "Mattola", "Rasyid", "Latif", "Daeng Marewa"],
        ),
        2: (
            ["Andi Nurul", "Sitti Aisyah", "Hasnawati", "Andi Tenri", "Nurfadillah"],
            ["Mappaseng", "Pallawa", "Mattola", "Rasyid", "Latif"],
        ),
    },
}
TRADITIONS = list(NAMES)
# The one name with an apostrophe: sheet names and file names must cope with it.
APOSTROPHE_NAME = "Ni Luh Putu Ayu D'Silva"

# Degree by the first word of the jabatan (fungsional) or the level (struktural).
DEGREES = {
    "Guru": (["", ", S.Pd."], ["", ", S.Pd., M.Pd."]),
    "Pengawas Sekolah": ([", S.Pd., M.Pd."], ["Dr. |, M.Pd.", ", S.Pd., M.Pd."]),
    "Dokter": (["dr. |"], ["dr. |, Sp.PD", "dr. |, M.Kes.", "dr. |, Sp.A"]),
    "Perawat": ([", A.Md.Kep."], [", S.Kep., Ns."]),
    "Bidan": ([", A.Md.Keb."], [", S.Tr.Keb."]),
    "Apoteker": ([", S.Farm., Apt."], [", S.Farm., Apt."]),
    "Epidemiolog": ([", S.KM."], [", S.KM., M.Epid."]),
    "Sanitarian": ([", A.Md.KL."], [", S.KL."]),
    "Pranata Komputer": ([", A.Md."], [", S.Kom.", ", S.Kom., M.T.I."]),
    "Teknik": ([", A.Md.T."], [", S.T.", ", S.T., M.T."]),
    "Penata Ruang": ([", S.T."], [", S.T., M.T.", ", S.PWK."]),
    "Auditor": ([", A.Md.Ak."], [", S.E., Ak.", ", S.Ak., M.Ak."]),
    "Perencana": ([", S.E."], [", S.E., M.Si.", ", S.T., M.Eng."]),
    "Analis Hukum": ([", S.H."], [", S.H., M.H."]),
    "Perancang": ([", S.H."], [", S.H., M.H."]),
}
DEGREES_STRUKTURAL = {
    "tinggi": [
        "Dr. |, S.Sos., M.Si.",
        "Ir. |, M.T.",
        "|, S.E., M.M.",
        "|, S.H., M.H.",
        "|, S.Sos., M.AP.",
    ],
    "menengah": ["|, S.Sos.", "|, S.E.", "|, S.H.", "|, S.Kom.", "|, S.T.", "|, S.IP., M.Si."],
    "pelaksana": ["|", "|", "|", "|, A.Md."],
    "pelaksana-sarjana": ["|, S.E.", "|, S.Sos.", "|, S.Kom.", "|, S.AP.", "|"],
}

# --- units -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    name: str
    size: int
    head: str  # jabatan of the head
    head_level: str  # key of RANGE_LEVEL
    head_jenis: str
    sekretaris: str | None
    bidang: list[tuple[str, list[str]]]  # (kepala bidang jabatan, kepala seksi jabatan)
    subbagian: list[str]  # kepala subbagian under the sekretaris
    fungsional: list[tuple[str, list[str]]]  # (jabatan fungsional, jenjang)
    pelaksana: list[str]
    share_jf: float  # share of the remaining staff that is fungsional
    pppk: int  # how many of the fungsional are PPPK
    pppk_pelaksana: int = 0  # how many of the pelaksana are PPPK


UNITS = [
    UnitSpec(
        "Sekretariat Daerah",
        38,
        "Sekretaris Daerah",
        "sekda",
        JPT,
        None,
        [
            ("Kepala Bagian Tata Pemerintahan", ["Kepala Subbagian Otonomi Daerah"]),
            ("Kepala Bagian Hukum", ["Kepala Subbagian Perundang-undangan"]),
            ("Kepala Bagian Kesejahteraan Rakyat", []),
            ("Kepala Bagian Perekonomian dan Sumber Daya Alam", []),
            ("Kepala Bagian Organisasi", ["Kepala Subbagian Kelembagaan dan Analisis Jabatan"]),
            ("Kepala Bagian Umum", ["Kepala Subbagian Tata Usaha Pimpinan"]),
        ],
        [],
        [
            ("Analis Kebijakan", ["Ahli Pertama", "Ahli Muda", "Ahli Madya"]),
            ("Perancang Peraturan Perundang-undangan", ["Ahli Pertama", "Ahli Muda"]),
            ("Analis Hukum", ["Ahli Pertama", "Ahli Muda"]),
            ("Arsiparis", ["Terampil", "Mahir", "Penyelia"]),
            ("Polisi Pamong Praja", ["Pemula", "Terampil"]),
        ],
        ["Pengadministrasi Perkantoran", "Pengolah Data dan Informasi", "Pengemudi"],
        0.5,
        1,
        pppk_pelaksana=1,
    ),
    UnitSpec(
        "Inspektorat Daerah",
        18,
        "Inspektur",
        "jpt",
        JPT,
        "Sekretaris Inspektorat",
        [(f"Inspektur Pembantu Wilayah {w}", []) for w in ("I", "II", "III")],
        ["Kepala Subbagian Perencanaan, Evaluasi dan Pelaporan"],
        [
            ("Auditor", ["Terampil", "Ahli Pertama", "Ahli Muda", "Ahli Madya", "Ahli Utama"]),
            (
                "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah",
                ["Ahli Pertama", "Ahli Muda"],
            ),
        ],
        ["Pengadministrasi Perkantoran"],
        0.85,
        1,
    ),
    UnitSpec(
        "Badan Perencanaan Pembangunan Daerah",
        22,
        "Kepala Badan",
        "jpt",
        JPT,
        "Sekretaris Badan",
        [
            ("Kepala Bidang Perencanaan, Pengendalian dan Evaluasi", []),
            ("Kepala Bidang Perekonomian dan Sumber Daya Alam", []),
            ("Kepala Bidang Pemerintahan dan Pembangunan Manusia", []),
            ("Kepala Bidang Infrastruktur dan Kewilayahan", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian"],
        [
            ("Perencana", ["Ahli Pertama", "Ahli Muda", "Ahli Madya", "Ahli Utama"]),
            ("Statistisi", ["Ahli Pertama", "Ahli Muda"]),
            ("Analis Kebijakan", ["Ahli Muda"]),
        ],
        ["Pengolah Data dan Informasi", "Pengadministrasi Perkantoran"],
        0.7,
        1,
    ),
    UnitSpec(
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        20,
        "Kepala Badan",
        "jpt",
        JPT,
        "Sekretaris Badan",
        [
            ("Kepala Bidang Pengadaan, Pemberhentian dan Informasi", []),
            ("Kepala Bidang Mutasi dan Promosi", []),
            ("Kepala Bidang Pengembangan Kompetensi Aparatur", []),
        ],
        ["Kepala Subbagian Umum dan Keuangan"],
        [
            ("Analis Sumber Daya Manusia Aparatur", ["Ahli Pertama", "Ahli Muda", "Ahli Madya"]),
            ("Asesor Sumber Daya Manusia Aparatur", ["Ahli Pertama"]),
            ("Pranata Sumber Daya Manusia Aparatur", ["Terampil", "Mahir", "Penyelia"]),
        ],
        ["Pengadministrasi Perkantoran", "Pengelola Data Kepegawaian"],
        0.65,
        1,
    ),
    UnitSpec(
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        28,
        "Kepala Badan",
        "jpt",
        JPT,
        "Sekretaris Badan",
        [
            ("Kepala Bidang Anggaran", ["Kepala Subbidang Penyusunan Anggaran"]),
            ("Kepala Bidang Perbendaharaan", ["Kepala Subbidang Kas Daerah"]),
            ("Kepala Bidang Akuntansi", ["Kepala Subbidang Pelaporan Keuangan"]),
            ("Kepala Bidang Aset", ["Kepala Subbidang Penatausahaan Aset"]),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian", "Kepala Subbagian Keuangan"],
        [
            ("Analis Keuangan Pusat dan Daerah", ["Ahli Pertama", "Ahli Muda"]),
            ("Analis Anggaran", ["Ahli Pertama", "Ahli Muda"]),
            ("Penata Kelola Barang Milik Daerah", ["Terampil", "Mahir"]),
        ],
        ["Bendahara", "Pengelola Keuangan", "Pengadministrasi Perkantoran"],
        0.45,
        1,
    ),
    UnitSpec(
        "Dinas Pendidikan",
        45,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Pembinaan Sekolah Dasar", ["Kepala Seksi Kurikulum Sekolah Dasar"]),
            (
                "Kepala Bidang Pembinaan Sekolah Menengah Pertama",
                ["Kepala Seksi Kurikulum Sekolah Menengah Pertama"],
            ),
            ("Kepala Bidang Pendidikan Anak Usia Dini dan Pendidikan Nonformal", []),
            ("Kepala Bidang Guru dan Tenaga Kependidikan", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian", "Kepala Subbagian Perencanaan dan Keuangan"],
        [
            ("Guru", ["Ahli Pertama", "Ahli Pertama", "Ahli Muda", "Ahli Madya"]),
            ("Pengawas Sekolah", ["Ahli Madya", "Ahli Utama"]),
            ("Penilik", ["Ahli Pertama", "Ahli Muda"]),
            ("Pamong Belajar", ["Ahli Pertama"]),
            ("Pranata Komputer", ["Terampil"]),
        ],
        ["Pengadministrasi Perkantoran", "Pengelola Data Pendidikan"],
        0.8,
        8,
    ),
    UnitSpec(
        "Dinas Kesehatan",
        42,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Kesehatan Masyarakat", ["Kepala Seksi Kesehatan Keluarga dan Gizi"]),
            (
                "Kepala Bidang Pencegahan dan Pengendalian Penyakit",
                ["Kepala Seksi Surveilans dan Imunisasi"],
            ),
            ("Kepala Bidang Pelayanan Kesehatan", ["Kepala Seksi Pelayanan Kesehatan Primer"]),
            ("Kepala Bidang Sumber Daya Kesehatan", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian", "Kepala Subbagian Keuangan dan Aset"],
        [
            ("Dokter", ["Ahli Pertama", "Ahli Muda", "Ahli Madya", "Ahli Utama"]),
            ("Perawat", ["Terampil", "Mahir", "Penyelia", "Ahli Pertama"]),
            ("Bidan", ["Terampil", "Mahir"]),
            ("Apoteker", ["Ahli Pertama"]),
            ("Epidemiolog Kesehatan", ["Ahli Muda"]),
            ("Sanitarian", ["Terampil"]),
        ],
        ["Pengadministrasi Perkantoran", "Pengelola Obat dan Perbekalan Kesehatan"],
        0.8,
        7,
    ),
    UnitSpec(
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        30,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Bina Marga", ["Kepala Seksi Pembangunan Jalan dan Jembatan"]),
            ("Kepala Bidang Sumber Daya Air", ["Kepala Seksi Irigasi"]),
            ("Kepala Bidang Cipta Karya", []),
            ("Kepala Bidang Penataan Ruang", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian"],
        [
            ("Teknik Jalan dan Jembatan", ["Terampil", "Ahli Pertama", "Ahli Muda"]),
            ("Teknik Pengairan", ["Terampil", "Mahir"]),
            ("Teknik Tata Bangunan dan Perumahan", ["Ahli Muda"]),
            ("Penata Ruang", ["Ahli Pertama", "Ahli Madya"]),
        ],
        ["Pengawas Lapangan", "Pengadministrasi Perkantoran", "Operator Alat Berat"],
        0.5,
        1,
    ),
    UnitSpec(
        "Dinas Sosial",
        16,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Perlindungan dan Jaminan Sosial", []),
            ("Kepala Bidang Rehabilitasi Sosial", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian"],
        [
            ("Pekerja Sosial", ["Terampil", "Ahli Pertama", "Ahli Muda"]),
            ("Penyuluh Sosial", ["Ahli Pertama"]),
        ],
        ["Pengadministrasi Perkantoran", "Pendamping Rehabilitasi Sosial"],
        0.55,
        1,
    ),
    UnitSpec(
        "Dinas Kependudukan dan Pencatatan Sipil",
        18,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Pelayanan Pendaftaran Penduduk", []),
            ("Kepala Bidang Pelayanan Pencatatan Sipil", []),
            ("Kepala Bidang Pengelolaan Informasi Administrasi Kependudukan", []),
        ],
        ["Kepala Subbagian Umum dan Kepegawaian"],
        [
            ("Administrator Database Kependudukan", ["Ahli Pertama", "Ahli Muda"]),
            ("Pranata Komputer", ["Terampil", "Mahir"]),
        ],
        ["Pengadministrasi Kependudukan", "Operator Layanan Operasional"],
        0.45,
        1,
        pppk_pelaksana=2,
    ),
    UnitSpec(
        "Dinas Komunikasi dan Informatika",
        15,
        "Kepala Dinas",
        "jpt",
        JPT,
        "Sekretaris Dinas",
        [
            ("Kepala Bidang Informasi dan Komunikasi Publik", []),
            ("Kepala Bidang Aplikasi Informatika", []),
        ],
        ["Kepala Subbagian Umum dan Keuangan"],
        [
            ("Pranata Komputer", ["Ahli Pertama", "Ahli Muda", "Mahir", "Penyelia"]),
            ("Pranata Hubungan Masyarakat", ["Ahli Pertama", "Ahli Muda"]),
            ("Sandiman", ["Ahli Pertama"]),
            ("Statistisi", ["Ahli Muda"]),
        ],
        ["Pengelola Layanan Informasi"],
        0.75,
        1,
    ),
    UnitSpec(
        "Kecamatan Sukamaju Utara",
        8,
        "Camat",
        "camat",
        ADM,
        "Sekretaris Camat",
        [],
        ["Kepala Subbagian Umum dan Kepegawaian"],
        [("Polisi Pamong Praja", ["Pemula"])],
        ["Pengadministrasi Perkantoran"],
        0.5,
        0,
    ),
]
# A kecamatan has seksi directly under the camat.
KECAMATAN_SEKSI = [
    "Kepala Seksi Pemerintahan",
    "Kepala Seksi Ketenteraman dan Ketertiban Umum",
    "Kepala Seksi Pemberdayaan Masyarakat Desa",
]


# --- building the roster --------------------------------------------------------------------


@dataclass
class Person:
    nip: str
    nama: str
    jabatan: str
    jenis: str
    status: str
    jenjang: str
    pangkat: str
    unit: str
    penilai: Person | None
    email: str
    leads: list[Person] = field(default_factory=list)  # for choosing staff's penilai

    def row(self) -> list[str]:
        penilai = self.penilai.nip if self.penilai else ""
        atasan = self.penilai.penilai.nip if self.penilai and self.penilai.penilai else ""
        return [
            self.nip,
            self.nama,
            self.jabatan,
            self.jenis,
            self.status,
            self.jenjang,
            self.pangkat,
            self.unit,
            penilai,
            atasan,
            self.email,
            potensial(self.nip),
        ]


def potensial(nip: str) -> str:
    """A fixed spread from the NIP: about 1 in 20 not assessed, 1/5 Tinggi, 1/2 Menengah,
    1/4 Rendah (a hash, so adding a pegawai never moves the others)."""
    k = int(hashlib.sha256(nip.encode()).hexdigest(), 16) % 20
    return "" if k == 0 else "Tinggi" if k <= 4 else "Menengah" if k <= 14 else "Rendah"


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.people: list[Person] = []
        self.nips: set[str] = set()
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.sekda: Person | None = None
        self.apostrophe_used = False

    # --- identity ---------------------------------------------------------------------------

    def nip(self, born_range: tuple[int, int], sex: int, pppk: bool) -> str:
        rng = self.rng
        while True:
            year = rng.randint(*born_range)
            born = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            if pppk:
                # [V:S17, M] NI PPPK: year of appointment + "21", appointed since 2019.
                tmt = f"{rng.choice([2019, 2021, 2022, 2023, 2024])}21"
            else:
                first = year + rng.randint(21, 27)
                tmt_year = min(max(first, year + 18), 2024)
                tmt = f"{tmt_year}{rng.choice([1, 2, 3, 4, 12]):02d}"
            nip = f"{born}{tmt}{sex}{rng.randint(1, 12):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def person_name(self, sex: int) -> tuple[str, str, str]:
        """(full name without degrees, first name, last name)."""
        rng = self.rng
        while True:
            if sex == 2 and not self.apostrophe_used and len(self.people) > 120:
                self.apostrophe_used = True
                name = APOSTROPHE_NAME
                return name, "ayu", "dsilva"
            given, family = NAMES[rng.choice(TRADITIONS)][sex]
            first, last = rng.choice(given), rng.choice(family)
            name = f"{first} {last}"
            if name not in self.names:
                self.names.add(name)
                return name, first.split()[-1], last.split()[-1]

    def email(self, first: str, last: str) -> str:
        base = ".".join(_ascii(p) for p in (first, last))
        address, n = f"{base}@{DOMAIN}", 2
        while address in self.emails:
            address, n = f"{base}{n}@{DOMAIN}", n + 1
        self.emails.add(address)
        return address

    def titled(self, name: str, patterns: list[str]) -> str:
        pattern = self.rng.choice(patterns)
        if "|" not in pattern:
            pattern = "|" + pattern
        return pattern.replace("|", name)

    # --- one pegawai --------------------------------------------------------------------------

    def add(
        self,
        unit: str,
        jabatan: str,
        jenis: str,
        penilai: Person | None,
        *,
        level: str = "",
        jenjang: str = "",
        pppk: bool = False,
    ) -> Person:
        rng = self.rng
        sex = rng.choice([1, 2])
        core, first, last = self.person_name(sex)
        ruang = ""
        if pppk:
            pangkat = PPPK_GOLONGAN.get(jenjang, "V")
            born = (1975, 2000)
        else:
            low, high = RANGE_JENJANG[jenjang] if jenjang else RANGE_LEVEL[level]
            ruang = rng.choice(RUANG[RUANG.index(low) : RUANG.index(high) + 1])
            pangkat = f"{GOLONGAN[ruang]} ({ruang})"
            born = BIRTH_BY_RUANG["II" if ruang.startswith("II/") else ruang]
        nama = self.titled(core, self._degrees(jabatan, jenis, jenjang, ruang or pangkat))
        person = Person(
            nip=self.nip(born, sex, pppk),
            nama=nama,
            jabatan=jabatan,
            jenis=jenis,
            status="PPPK" if pppk else "PNS",
            jenjang=jenjang,
            pangkat=pangkat,
            unit=unit,
            penilai=penilai,
            email=self.email(first, last),
        )
        self.people.append(person)
        return person

    def _degrees(self, jabatan: str, jenis: str, jenjang: str, ruang: str) -> list[str]:
        if jenis == JF:
            for prefix, (keterampilan, keahlian) in DEGREES.items():
                if jabatan.startswith(prefix):
                    return keahlian if jenjang.startswith("Ahli") else keterampilan
            if jenjang.startswith("Ahli"):
                return DEGREES_STRUKTURAL["menengah"]
            return DEGREES_STRUKTURAL["pelaksana"]
        if jenis in (JPT, ADM):
            return DEGREES_STRUKTURAL["tinggi"]
        if jenis == PENGAWAS:
            return DEGREES_STRUKTURAL["menengah"]
        # A bachelor enters at III/a (PPPK V is the SMA level), so golongan II has none.
        if ruang.startswith("II/") or ruang == "V":
            return DEGREES_STRUKTURAL["pelaksana"]
        return DEGREES_STRUKTURAL["pelaksana-sarjana"]

    # --- one unit ---------------------------------------------------------------------------

    def unit(self, spec: UnitSpec) -> None:
        rng = self.rng
        start = len(self.people)
        head_penilai = None if spec.head_level == "sekda" else self.sekda
        head = self.add(spec.name, spec.head, spec.head_jenis, head_penilai, level=spec.head_level)
        if spec.head_level == "sekda":
            self.sekda = head
        # Groups of staff: (leader who rates fungsional, pengawas who rate pelaksana).
        groups: list[tuple[Person, list[Person]]] = []
        if spec.name == "Sekretariat Daerah":
            asisten = [
                self.add(spec.name, f"Asisten {a}", JPT, head, level="jpt")
                for a in (
                    "Pemerintahan dan Kesejahteraan Rakyat",
                    "Perekonomian dan Pembangunan",
                    "Administrasi Umum",
                )
            ]
            for i, (kabag, kasubbag) in enumerate(spec.bidang):
                leader = self.add(spec.name, kabag, ADM, asisten[i // 2], level="administrator")
                subs = [
                    self.add(spec.name, k, PENGAWAS, leader, level="pengawas") for k in kasubbag
                ]
                groups.append((leader, subs))
        else:
            level = "camat" if spec.head_level == "camat" else "administrator"
            sekretaris = self.add(
                spec.name, spec.sekretaris or "Sekretaris", ADM, head, level=level
            )
            subs = [
                self.add(spec.name, k, PENGAWAS, sekretaris, level="pengawas")
                for k in spec.subbagian
            ]
            groups.append((sekretaris, subs))
            for kabid, kasi in spec.bidang:
                leader = self.add(spec.name, kabid, ADM, head, level="administrator")
                seksi = [self.add(spec.name, k, PENGAWAS, leader, level="pengawas") for k in kasi]
                groups.append((leader, seksi))
            if spec.head_level == "camat":
                seksi = [
                    self.add(spec.name, k, PENGAWAS, head, level="pengawas")
                    for k in KECAMATAN_SEKSI
                ]
                groups.append((head, seksi))

        remaining = spec.size - (len(self.people) - start)
        n_jf = round(remaining * spec.share_jf)
        jf_slots = self._fungsional_slots(spec, n_jf)
        pppk_left = spec.pppk
        pelaksana_pppk_left = spec.pppk_pelaksana
        for i in range(remaining):
            leader, pengawas = rng.choice(groups)
            if i < n_jf:
                jabatan, jenjang = jf_slots[i]
                # Senior fungsional are rated by the head of the unit.
                penilai = head if jenjang in ("Ahli Madya", "Ahli Utama") else leader
                pppk = pppk_left > 0 and jenjang in PPPK_GOLONGAN
                pppk_left -= pppk
                self.add(
                    spec.name,
                    f"{jabatan} {jenjang}",
                    JF,
                    penilai,
                    jenjang=jenjang,
                    pppk=pppk,
                )
            else:
                penilai = rng.choice(pengawas) if pengawas else leader
                pppk = pelaksana_pppk_left > 0
                pelaksana_pppk_left -= pppk
                self.add(
                    spec.name,
                    rng.choice(spec.pelaksana),
                    PELAKSANA,
                    penilai,
                    level="pelaksana",
                    pppk=pppk,
                )

    def _fungsional_slots(self, spec: UnitSpec, n: int) -> list[tuple[str, str]]:
        # Every listed (jabatan, jenjang) appears once before any repeats, so all jenjang
        # named in UNITS show up in the roster.
        distinct = [(j, level) for j, levels in spec.fungsional for level in dict.fromkeys(levels)]
        pool = [(j, level) for j, levels in spec.fungsional for level in levels]
        slots = distinct[:n]
        while len(slots) < n:
            slots.append(self.rng.choice(pool))
        self.rng.shuffle(slots)
        return slots


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def build() -> list[Person]:
    builder = Builder()
    for spec in UNITS:
        builder.unit(spec)
    return builder.people


def render(people: list[Person]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(p.row() for p in people)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tulis contoh daftar pegawai (fiktif).")
    parser.add_argument("--keluaran", type=Path, default=OUTPUT, help="berkas CSV keluaran")
    args = parser.parse_args(argv)
    people = build()
    args.keluaran.parent.mkdir(parents=True, exist_ok=True)
    args.keluaran.write_text(render(people), encoding="utf-8", newline="")
    units = len({p.unit for p in people})
    pppk = sum(p.status == "PPPK" for p in people)
    print(
        f"{args.keluaran.name}: {len(people)} pegawai, {units} unit kerja, {pppk} PPPK "
        f"(Kabupaten Sukamaju, fiktif)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
