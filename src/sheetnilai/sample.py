"""Built-in fictional sample data for `sheetnilai demo`.

Every name and NIP here is invented; the NIPs follow the 18-digit layout (domain.md §7).
The IKI follow the field examples of domain.md §11 so that both directions appear.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SampleIki:
    iki: str
    target: object
    realisasi: object
    arah: str  # "naik" | "turun"
    satuan: str


@dataclass(frozen=True, slots=True)
class SamplePegawai:
    nip: str
    nama: str
    jabatan: str
    jenjang: str | None  # jenjang jabatan fungsional, for angka kredit
    rating_hasil: str  # as the atasan typed it (spellings vary on purpose)
    rating_perilaku: str
    iki: tuple[SampleIki, ...]


UNIT = "Dinas Kesehatan Kabupaten Sukamaju"
ORG_PREDIKAT = "Baik"

_IMUN = "Persentase anak dengan imunisasi dasar lengkap"
_AKI = "Jumlah kematian ibu per tahun"
_TUNGGU = "Rata-rata waktu tunggu pasien di puskesmas"
_SULUH = "Jumlah kegiatan penyuluhan"
_DATA = "Persentase data kepegawaian tanpa kesalahan"
_ADUAN = "Rata-rata waktu tanggap pengaduan"

PEGAWAI: tuple[SamplePegawai, ...] = (
    SamplePegawai(
        "197503152000031002",
        "dr. Bambang Sutrisno Wibowo",
        "Kepala Dinas",
        None,
        "Di Atas Ekspektasi",
        "Sesuai Ekspektasi",
        (SampleIki(_IMUN, 95, 96.5, "naik", "%"), SampleIki(_AKI, 4, 3, "turun", "kasus")),
    ),
    SamplePegawai(
        "198204102006042003",
        "Sri Wahyuningsih, S.K.M.",
        "Sekretaris",
        None,
        "Sesuai Ekspektasi",
        "Di Atas Ekspektasi",
        (SampleIki(_DATA, 100, 100, "naik", "%"), SampleIki(_ADUAN, 3, 3, "turun", "hari")),
    ),
    SamplePegawai(
        "198807222011011004",
        "Agus Prasetyo, S.Kep.",
        "Perawat Ahli Pertama",
        "Ahli Pertama",
        "Di Atas Ekspektasi",
        "Di Atas Ekspektasi",
        (
            SampleIki(_SULUH, 24, 28, "naik", "kegiatan"),
            SampleIki(_TUNGGU, 30, 24, "turun", "menit"),
        ),
    ),
    SamplePegawai(
        "199001052015032001",
        "Rina Marlina, A.Md.Keb.",
        "Bidan Terampil",
        "Terampil",
        "Sesuai",
        "sesuai",
        (SampleIki(_IMUN, 95, 95, "naik", "%"),),
    ),
    SamplePegawai(
        "198512302010012005",
        "Dewi Lestari, S.Farm.",
        "Apoteker Ahli Muda",
        "Ahli Muda",
        "diatas ekspektasi",
        "Sesuai Ekspektasi",
        (SampleIki(_SULUH, 12, 13, "naik", "kegiatan"),),
    ),
    SamplePegawai(
        "199206182019031006",
        "Hendra Gunawan",
        "Pengelola Data",
        None,
        "Sesuai Ekspektasi",
        "Sesuai Ekspektasi",
        (SampleIki(_DATA, 100, 98, "naik", "%"), SampleIki(_ADUAN, 3, 3.5, "turun", "hari")),
    ),
    SamplePegawai(
        "197911092005012007",
        "Yuliana Putri, S.Gz.",
        "Nutrisionis Ahli Madya",
        "Ahli Madya",
        "Di Bawah Ekspektasi",
        "Sesuai Ekspektasi",
        (SampleIki(_SULUH, 24, 15, "naik", "kegiatan"),),
    ),
    SamplePegawai(
        "199403252022212008",
        "Fitri Handayani",
        "Perawat Terampil (PPPK)",
        "Terampil",
        "Sesuai Ekspektasi",
        "Sesuai Ekspektasi",
        (SampleIki(_TUNGGU, 30, 30, "turun", "menit"),),
    ),
    SamplePegawai(
        "198709142014021009",
        "Rudi Hartono",
        "Pengadministrasi Umum",
        None,
        "Sesuai Ekspektasi",
        "Di Bawah Ekspektasi",
        (SampleIki(_DATA, 100, 91, "naik", "%"),),
    ),
    SamplePegawai(
        "199511012020122010",
        "Siti Nurhaliza Rahmawati",
        "Epidemiolog Ahli Pertama",
        "Ahli Pertama",
        "Sesuai Ekspektasi",
        "Di Atas Ekspektasi",
        (SampleIki("Laporan surveilans selesai tepat waktu", 12, 11, "turun", "bulan"),),
    ),
)

# NIPs as they arrive from real sheets, for the demo's NIP check.
NIP_CONTOH: tuple[object, ...] = (
    "19750315 200003 1 002",
    "198204102006142003",
    1.96608011988031e17,
    "19900105201503200",
)
