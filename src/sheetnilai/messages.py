"""The one catalogue of Indonesian messages.

Each stable code maps to its default severity, the message (what is wrong) and the advice
(what to do). Placeholders are filled from the problem's parameters; a test checks that every
code in the code base is here and that every placeholder is filled.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    severity: str  # "galat" | "peringatan" | "catatan"
    text: str
    advice: str = ""


G, P, C = "galat", "peringatan", "catatan"

CATALOGUE: dict[str, Entry] = {
    # --- numbers -----------------------------------------------------------------------
    "angka-kosong": Entry(G, "{field} belum diisi.", "Isi {field} dengan angka."),
    "angka-tidak-sah": Entry(
        G,
        '{field} berisi "{value}", bukan angka yang dapat dibaca.',
        "Ketik angka saja (mis. 95 atau 88,5) tanpa satuan, tanda kutip, atau pemisah ribuan.",
    ),
    "angka-di-luar-jangkauan": Entry(
        G,
        '{field} berisi "{value}", angka yang terlalu besar, terlalu kecil, atau terlalu panjang '
        "untuk lembar kerja.",
        "Angka di lembar kerja paling besar sekitar 1,8E+308 dan paling kecil sekitar 4,9E-324 "
        "(selain 0). Periksa isinya, lalu ketik angka yang sebenarnya (mis. 95 atau 88,5).",
    ),
    "angka-negatif": Entry(
        G,
        "{field} bernilai negatif ({value}).",
        "Periksa kembali {field}; nilainya tidak boleh negatif.",
    ),
    # --- capaian IKI (PermenPANRB 8/2021) ----------------------------------------------
    "target-nol": Entry(
        G,
        "{field} bernilai 0 sehingga capaian tidak dapat dihitung.",
        "Rumuskan ulang IKI agar targetnya bukan 0, atau jadikan target kualitatif.",
    ),
    "rentang-terbalik": Entry(
        G,
        "Batas bawah target rentang ({low}) lebih besar dari batas atasnya ({high}).",
        "Tukar kedua batas target rentang.",
    ),
    "arah-tidak-dikenal": Entry(
        G,
        'Arah IKI "{value}" tidak dikenal.',
        "Pilih salah satu: {allowed}.",
    ),
    "sifat-tidak-dikenal": Entry(
        G,
        'Sifat IKI "{iki}" berisi "{value}", yang tidak dikenal; capaian periode tidak dihitung.',
        "Pilih Kumulatif (jumlah yang bertambah sepanjang tahun: laporan, dokumen, orang "
        "dilayani) atau Tetap (angka yang diukur tiap periode: persen, hari, skor); kosongkan "
        "untuk memakai kebijakan capaian_periodik.sifat_kosong.",
    ),
    "capaian-kualitatif": Entry(
        C,
        "Target kualitatif: capaian tidak dihitung sebagai angka.",
        "Penilaian IKI ini sepenuhnya pertimbangan pejabat penilai berdasarkan bukti dukung.",
    ),
    "saran-tanpa-iki-angka": Entry(
        C,
        "Tidak ada IKI dengan capaian angka, sehingga tidak ada saran rating hasil kerja.",
        "Rating hasil kerja ditetapkan pejabat penilai berdasarkan bukti dukung.",
    ),
    # --- plausibility of target and realisasi (rules/plausibility.py) ---------------------
    "isian-tanggal": Entry(
        P,
        '{field} IKI "{iki}" berisi tanggal {date} (tersimpan sebagai angka {value}), bukan '
        "jumlah; capaian dihitung dari angka {value}.",
        "Ubah format sel menjadi Angka, lalu ketik jumlahnya: IKI waktu diisi jumlah hari atau "
        "bulan, bukan tanggal.",
    ),
    "isian-format-tanggal": Entry(
        P,
        '{field} IKI "{iki}" tampil sebagai tanggal {date}, padahal isinya angka {value}: '
        "maksud Anda {likely}?",
        "Ubah format sel menjadi Angka (Beranda → Format Angka → Umum); angkanya tidak perlu "
        "diketik ulang.",
    ),
    "realisasi-persen-pecahan": Entry(
        P,
        'Realisasi {period} IKI "{iki}" tertulis {value} ({percent}), sedangkan targetnya '
        "({target}) ditulis sebagai angka persen utuh: maksud Anda {likely}?",
        "Ketik realisasi dengan skala yang sama dengan target: {likely}, bukan {percent} atau "
        "{value}. Capaian dihitung dari angka yang tertulis ({value}).",
    ),
    "realisasi-target-persen-pecahan": Entry(
        P,
        'Realisasi {period} IKI "{iki}" tertulis {value}, sedangkan targetnya ({target}, yaitu '
        "{target_percent}) ditulis sebagai pecahan: maksud Anda {likely_percent}?",
        "Samakan skalanya: ketik realisasi {value}% (tersimpan sebagai {likely}), atau tulis "
        "target sebagai angka persen utuh. Capaian dihitung dari angka yang tertulis.",
    ),
    "realisasi-terlalu-besar": Entry(
        P,
        'Realisasi {period} IKI "{iki}" ({value}) lebih dari {factor} kali targetnya ({target}): '
        "maksud Anda {likely}, atau target {likely_target}?",
        "Periksa angka nol yang berlebih dan pemisah desimal (ketik 93,5, bukan 935 atau "
        "93.500); bila targetnya yang keliru, perbaiki target. Capaian dihitung dari angka yang "
        "tertulis.",
    ),
    "realisasi-terlalu-kecil": Entry(
        P,
        'Realisasi {period} IKI "{iki}" ({value}) kurang dari 1/{factor} targetnya ({target}): '
        "maksud Anda {likely}, atau target {likely_target}?",
        "Periksa pemisah desimal, satuan, dan persen yang ditulis sebagai pecahan (93, bukan "
        "0,93); bila targetnya yang keliru (mis. angka nol berlebih), perbaiki target.",
    ),
    # --- labels ------------------------------------------------------------------------
    "rating-tidak-dikenal": Entry(
        G,
        'Rating "{value}" bukan salah satu dari: {allowed}.',
        "Pilih rating dari daftar pilihan pada sel.",
    ),
    "predikat-tidak-dikenal": Entry(
        G,
        'Predikat "{value}" bukan salah satu dari: {allowed}.',
        "Pilih predikat dari daftar pilihan pada sel.",
    ),
    "predikat-organisasi-tidak-dikenal": Entry(
        G,
        'Predikat organisasi "{value}" bukan salah satu dari: {allowed}.',
        "Pilih predikat organisasi dari daftar pilihan pada sel.",
    ),
    # --- angka kredit ------------------------------------------------------------------
    "jenjang-tidak-dikenal": Entry(
        G,
        'Jenjang jabatan fungsional "{value}" tidak dikenal.',
        "Gunakan salah satu: {allowed}.",
    ),
    "bulan-tidak-sah": Entry(
        G,
        "Jumlah bulan penilaian {value} tidak sah; harus bilangan bulat 1 sampai 12.",
        "Isi jumlah bulan periode penilaian (mis. 3 untuk satu triwulan).",
    ),
    # --- distribusi predikat (SE MenPANRB 3/2023) --------------------------------------
    "distribusi-melebihi-batas": Entry(
        P,
        "{predikat} {found} > batas {limit} (predikat organisasi {org}).",
        "Tinjau kembali rating pegawai agar sebaran predikat mengikuti kurva distribusi.",
    ),
    "distribusi-kurang-dari-minimum": Entry(
        P,
        "{predikat} {found} < minimum {limit} (predikat organisasi {org}).",
        "Tinjau kembali rating pegawai agar sebaran predikat mengikuti kurva distribusi.",
    ),
    "distribusi-bukan-terbanyak": Entry(
        P,
        "{predikat} ({found}) harus menjadi kelompok terbanyak, tetapi {other} lebih banyak "
        "({other_found}) (predikat organisasi {org}).",
        "Tinjau kembali rating pegawai agar sebaran predikat mengikuti kurva distribusi.",
    ),
    "distribusi-wajib-ada": Entry(
        P,
        "Harus ada pegawai berpredikat {predikat}, tetapi tidak ada (predikat organisasi {org}).",
        "Tinjau kembali rating pegawai agar sebaran predikat mengikuti kurva distribusi.",
    ),
    "distribusi-dilarang": Entry(
        P,
        "{predikat} tidak boleh ada bila predikat organisasi {org}, tetapi ada {found}.",
        "Tinjau kembali rating pegawai berpredikat {predikat}.",
    ),
    "distribusi-kosong": Entry(
        C,
        "Belum ada pegawai berpredikat, sehingga distribusi belum dapat diperiksa.",
        "Lengkapi rating pegawai terlebih dahulu.",
    ),
    # --- NIP / NI PPPK (Perka BKN 22/2007) ---------------------------------------------
    "nip-kosong": Entry(G, "NIP belum diisi.", "Isi NIP 18 digit sebagai teks."),
    "nip-angka": Entry(
        G,
        "NIP tersimpan sebagai angka ({value}); spreadsheet hanya menyimpan 15 digit angka, "
        "sehingga digit terakhirnya sudah berubah.",
        "Ubah format sel menjadi Teks, lalu ketik ulang NIP dari SK (jangan disalin dari sel "
        "angka).",
    ),
    "nip-bukan-digit": Entry(
        G,
        'NIP "{value}" memuat karakter selain angka.',
        "Ketik 18 digit angka saja; spasi boleh sebagai pemisah.",
    ),
    "nip-panjang": Entry(
        G,
        'NIP "{value}" terdiri atas {length} digit; NIP harus 18 digit.',
        "Periksa NIP pada SK dan ketik ulang lengkap 18 digit.",
    ),
    "nip-tanggal-lahir": Entry(
        G,
        'Digit 1–8 NIP "{value}" ({part}) bukan tanggal lahir yang sah (TTTTBBHH).',
        "Periksa NIP pada SK; delapan digit pertama adalah tanggal lahir.",
    ),
    "nip-bulan-tmt": Entry(
        G,
        'Digit 13–14 NIP "{value}" ({part}) bukan bulan 01–12 TMT CPNS.',
        "Periksa NIP pada SK; digit 9–14 adalah tahun dan bulan TMT CPNS. Bila ini NI PPPK, "
        "tandai statusnya PPPK.",
    ),
    "nip-jenis-kelamin": Entry(
        G,
        'Digit ke-15 NIP "{value}" adalah {part}; harus 1 (pria) atau 2 (wanita).',
        "Periksa NIP pada SK.",
    ),
    "nip-urut-000": Entry(
        P,
        'Nomor urut NIP "{value}" adalah 000, yang tidak lazim.',
        "Pastikan tiga digit terakhir sesuai SK.",
    ),
    "nip-kode-pppk": Entry(
        P,
        'Digit 13–14 NI PPPK "{value}" adalah {part}, bukan 21 seperti lazimnya.',
        "Pastikan nomor ini NI PPPK dan sesuai perjanjian kerja.",
    ),
    "nip-tmt-terlalu-muda": Entry(
        P,
        'Menurut NIP "{value}", pegawai diangkat pada usia {age} tahun (di bawah 18).',
        "Periksa tanggal lahir dan tahun TMT pada NIP.",
    ),
    "nip-masa-depan": Entry(
        P,
        'Tanggal pada NIP "{value}" ({part}) berada di masa depan.',
        "Periksa NIP pada SK.",
    ),
    # --- IKM (PermenPANRB 14/2017) ----------------------------------------------------
    "ikm-jumlah-unsur": Entry(
        G,
        "Survei kepuasan harus memuat 9 unsur pelayanan; ditemukan {count}.",
        "Lengkapi kolom untuk kesembilan unsur pelayanan.",
    ),
    "ikm-jawaban-tidak-sah": Entry(
        G,
        'Jawaban "{value}" untuk unsur {unsur} (responden ke-{responden}) bukan 1, 2, 3, atau 4.',
        "Isi jawaban dengan angka 1 sampai 4, atau kosongkan bila tidak dijawab. Pada survei "
        "yang dikonsolidasi, jawaban ini tidak dihitung; jawaban lain responden itu tetap "
        "dihitung.",
    ),
    "ikm-unsur-kosong": Entry(
        G,
        "Unsur {unsur} tidak memiliki satu pun jawaban.",
        "Pastikan setiap unsur dijawab oleh sedikitnya satu responden.",
    ),
    "ikm-populasi-tidak-sah": Entry(
        P,
        'Jumlah populasi (pengguna layanan) "{value}" bukan bilangan bulat 1 atau lebih, '
        "sehingga sampel minimum tidak dapat dihitung.",
        "Ketik jumlah pengguna layanan dalam periode survei (mis. 1200) pada sel Jumlah populasi.",
    ),
    "ikm-sampel-kurang": Entry(
        P,
        "Survei unit layanan {unit} baru memiliki {count} responden; sampel minimum untuk "
        "populasi {populasi} adalah {minimum} (Krejcie–Morgan).",
        "Tambah responden sampai sedikitnya {minimum} sebelum hasil IKM dipakai.",
    ),
    "ikm-lembar-jawaban-tidak-ada": Entry(
        G,
        'Lembar jawaban "{sheet}" yang disebut di sel Lembar jawaban tidak ada di workbook '
        "survei (lembar yang ada: {sheets}).",
        "Ketik nama lembar jawaban persis seperti di tab lembarnya (mis. Jawaban Formulir 1).",
    ),
    "ikm-responden-melebihi-rumus": Entry(
        P,
        "Lembar jawaban berisi lebih dari {max} baris responden; rumus di workbook survei hanya "
        "menghitung {max} baris pertama, sehingga nilai IKM di workbook berbeda dari buku nilai "
        "(yang menghitung semua baris).",
        "Bagi survei menjadi beberapa workbook, atau pakai nilai di buku nilai sheetnilai.",
    ),
    "ikm-unit-kosong": Entry(
        G,
        "Workbook survei kepuasan tidak menyebut nama unit layanan.",
        "Ketik nama unit layanan (mis. Puskesmas Sukamaju) pada sel Unit layanan.",
    ),
    # --- PP 46/2011 and PP 30/2019 (legacy) -------------------------------------------
    "pp46-tanpa-kegiatan": Entry(
        G,
        "SKP tidak memuat satu pun kegiatan tugas jabatan.",
        "Isi sedikitnya satu kegiatan beserta target dan realisasinya.",
    ),
    "pp46-kreativitas-tidak-dikenal": Entry(
        G,
        'Tingkat kreativitas "{value}" tidak dikenal.',
        "Gunakan salah satu: {allowed}.",
    ),
    "pp46-perilaku-kosong": Entry(
        G,
        "Tidak ada aspek perilaku kerja yang dinilai.",
        "Isi nilai aspek perilaku kerja (orientasi pelayanan, integritas, komitmen, "
        "disiplin, kerja sama, dan kepemimpinan bagi pejabat struktural).",
    ),
    "pp46-nilai-di-luar-rentang": Entry(
        G,
        "{field} bernilai {value}, di luar rentang 0–{max}.",
        "Isi nilai antara 0 dan {max}.",
    ),
    # --- policy file (sheetnilai.toml) --------------------------------------------------
    "kebijakan-tidak-ada": Entry(
        G,
        'Berkas kebijakan "{path}" tidak ditemukan.',
        "Periksa lokasi berkas, atau jalankan tanpa --kebijakan untuk memakai nilai bawaan.",
    ),
    "kebijakan-rusak": Entry(
        G,
        'Berkas kebijakan "{path}" bukan TOML yang sah: {detail}.',
        "Perbaiki penulisan berkas; contoh lengkap ada di README bagian Kebijakan.",
    ),
    "kebijakan-kunci-tidak-dikenal": Entry(
        G,
        'Kunci "{key}" tidak dikenal.',
        "Kunci yang diizinkan di sini: {allowed}.",
    ),
    "kebijakan-nilai-tidak-sah": Entry(
        G,
        'Kunci "{key}" bernilai {value}, yang tidak diizinkan.',
        "Nilai yang diizinkan: {allowed}.",
    ),
    "kebijakan-tidak-sah": Entry(
        G,
        'Berkas kebijakan "{path}" memuat {count} kesalahan.',
        "Perbaiki setiap kesalahan yang tercantum di bawah ini.",
    ),
    # --- roster (daftar pegawai) --------------------------------------------------------
    # --- run level: the roster cannot be read at all -----------------------------------
    "roster-tidak-ada": Entry(
        G,
        'Daftar pegawai "{path}" tidak ditemukan.',
        "Periksa nama dan lokasi berkas daftar pegawai.",
    ),
    "roster-format-tidak-didukung": Entry(
        G,
        'Daftar pegawai "{path}" berformat "{ext}", yang tidak didukung.',
        "Simpan daftar pegawai sebagai Buku Kerja Excel (.xlsx), CSV (.csv), atau Teks Unicode "
        "(.txt), lalu ulangi.",
    ),
    "roster-tidak-terbaca": Entry(
        G,
        'Daftar pegawai "{path}" tidak dapat dibaca: {detail}.',
        "Buka berkas di Excel atau LibreOffice, simpan ulang sebagai .xlsx atau .csv (UTF-8), "
        "lalu ulangi.",
    ),
    "roster-kolom-wajib-tidak-ada": Entry(
        G,
        'Daftar pegawai "{path}" tidak memiliki kolom wajib: {kolom}. Judul kolom yang '
        "ditemukan pada baris {baris}: {ditemukan}.",
        "Tambahkan kolom tersebut atau ubah judulnya; judul yang dikenali antara lain NIP, "
        "Nama, Jabatan, Jenis Jabatan, Unit Kerja, dan NIP Pejabat Penilai (huruf besar/kecil, "
        "spasi, dan tanda baca diabaikan).",
    ),
    # --- the roster as a whole ----------------------------------------------------------
    "roster-kosong": Entry(
        G,
        "Daftar pegawai tidak memuat satu pun baris pegawai.",
        "Isi satu baris per pegawai di bawah baris judul kolom.",
    ),
    "roster-kolom-ganda": Entry(
        C,
        'Kolom "{kolom}" (sel {sel}) dibaca sebagai {arti}, sama dengan kolom "{kolom_pertama}" '
        "(sel {sel_pertama}); yang dipakai hanya kolom pertama.",
        "Hapus atau ganti judul salah satu kolom.",
    ),
    "roster-baris-tidak-diikutkan": Entry(
        C,
        "Baris {baris} ({nama}) tidak diikutkan dalam buku kerja karena {alasan}.",
        "Perbaiki galat pada baris ini, lalu jalankan ulang.",
    ),
    # --- one row --------------------------------------------------------------------------
    "roster-karakter-nul": Entry(
        P,
        "Baris {baris} (sel {sel}) memuat karakter NUL (byte 0) yang tidak terlihat; karakter "
        "itu dihapus dan isi baris lainnya tetap dibaca.",
        "Bandingkan isi sel tersebut dengan data di sistem kepegawaian: karakter NUL biasanya "
        "tanda ekspor yang rusak, sehingga mungkin ada huruf atau angka yang hilang.",
    ),
    "roster-nip-ganda": Entry(
        G,
        "Baris {baris}, kolom {kolom}: NIP {nip} ({nama}) sudah tercantum pada baris "
        "{baris_pertama} ({nama_pertama}).",
        "Satu NIP hanya boleh muncul satu kali; hapus baris yang berlebih atau perbaiki NIP-nya. "
        "Yang dipakai baris {baris_pertama}.",
    ),
    "roster-nama-kosong": Entry(
        G,
        "Baris {baris}, kolom {kolom}: nama pegawai kosong.",
        "Isi nama lengkap pegawai beserta gelarnya.",
    ),
    "roster-jabatan-kosong": Entry(
        P,
        "Baris {baris}, kolom {kolom}: nama jabatan kosong.",
        "Isi nama jabatan sesuai SK (mis. Analis Kebijakan Ahli Muda).",
    ),
    "roster-jenis-jabatan-kosong": Entry(
        G,
        "Baris {baris}, kolom {kolom}: jenis jabatan kosong.",
        "Isi salah satu: JPT, Administrator, Pengawas, Pelaksana, Fungsional.",
    ),
    "roster-jenis-jabatan-tidak-dikenal": Entry(
        G,
        'Baris {baris}, kolom {kolom}: jenis jabatan "{value}" tidak dikenal.',
        "Gunakan salah satu: JPT, Administrator, Pengawas, Pelaksana, Fungsional.",
    ),
    "roster-status-tidak-dikenal": Entry(
        G,
        'Baris {baris}, kolom {kolom}: status kepegawaian "{value}" tidak dikenal.',
        "Isi PNS atau PPPK, atau kosongkan agar status ditentukan dari NIP. Sampai diperbaiki, "
        "pegawai ini dianggap {status} menurut NIP-nya.",
    ),
    "roster-jenjang-kosong": Entry(
        P,
        "Baris {baris}, kolom {kolom}: jenjang jabatan fungsional kosong, sehingga angka "
        "kredit tidak dihitung.",
        "Isi jenjang jabatan fungsional (mis. Ahli Pertama atau Terampil).",
    ),
    "roster-jenjang-tidak-dikenal": Entry(
        G,
        'Baris {baris}, kolom {kolom}: jenjang "{value}" tidak dikenal, sehingga angka kredit '
        "tidak dihitung.",
        "Gunakan salah satu: {allowed}.",
    ),
    "roster-jenjang-bukan-fungsional": Entry(
        C,
        'Baris {baris}, kolom {kolom}: jenjang "{value}" diabaikan karena jenis jabatannya '
        "{jenis}, bukan Fungsional.",
        "Kosongkan jenjang, atau ubah jenis jabatan menjadi Fungsional bila pegawai ini "
        "pejabat fungsional.",
    ),
    "roster-unit-kosong": Entry(
        G,
        "Baris {baris}, kolom {kolom}: unit kerja kosong.",
        "Isi unit kerja pegawai; buku kerja dibuat per unit kerja.",
    ),
    "roster-unit-ejaan-berbeda": Entry(
        C,
        'Baris {baris}, kolom {kolom}: unit kerja "{value}" dianggap sama dengan "{unit}" '
        "(baris {baris_pertama}); penulisannya hanya berbeda huruf besar/kecil.",
        "Samakan penulisan nama unit kerja di seluruh daftar.",
    ),
    "roster-unit-nama-berkas": Entry(
        C,
        'Baris {baris}, kolom {kolom}: nama unit kerja "{unit}" tidak dapat dipakai apa adanya '
        'sebagai nama berkas; nama berkasnya menjadi "{stem}".',
        "Tidak perlu tindakan. Agar nama berkas sama dengan nama unit, hindari karakter "
        '\\ / : * ? " < > |, awalan titik atau ~$ (dipakai berkas tersembunyi dan berkas '
        "kunci), dan dua titik berurutan, serta batasi panjang nama unit hingga 80 karakter.",
    ),
    "roster-email-tidak-sah": Entry(
        P,
        'Baris {baris}, kolom {kolom}: alamat surel "{value}" tidak sah.',
        "Tulis alamat surel lengkap (mis. nama@instansi.go.id) atau kosongkan; sampai "
        "diperbaiki, alamat ini tidak dipakai.",
    ),
    "roster-potensial-tidak-sah": Entry(
        P,
        'Baris {baris}, kolom {kolom}: potensial "{value}" bukan salah satu dari: {allowed}.',
        "Tulis Rendah, Menengah atau Tinggi sesuai hasil asesmen, atau kosongkan; sampai "
        "diperbaiki, pegawai ini tampil di lembar Talenta tanpa kotak.",
    ),
    "potensial-tidak-dikenal": Entry(
        G,
        'Potensial "{value}" bukan salah satu dari: {allowed}.',
        "Tulis Rendah, Menengah atau Tinggi sesuai hasil asesmen.",
    ),
    # --- pejabat penilai ------------------------------------------------------------------
    "roster-nip-pejabat-tidak-sah": Entry(
        P,
        "Baris {baris}, kolom {kolom}: NIP tidak sah, sehingga kolom ini dianggap kosong. {detail}",
        "Ketik NIP 18 digit sebagai teks, sesuai SK pejabat yang bersangkutan.",
    ),
    "roster-penilai-kosong": Entry(
        P,
        "Baris {baris}, kolom {kolom}: NIP pejabat penilai kosong.",
        "Isi NIP atasan langsung pegawai ini; tanpa itu lembar SKP tidak memuat pejabat penilai.",
    ),
    "roster-penilai-kosong-jpt": Entry(
        C,
        "Baris {baris}, kolom {kolom}: NIP pejabat penilai JPT kosong.",
        "Boleh dikosongkan bila pejabat penilainya kepala daerah atau pejabat lain di luar "
        "daftar ASN; nama pejabat penilai dapat diisi langsung pada buku kerja.",
    ),
    "roster-penilai-di-luar-daftar": Entry(
        C,
        "Baris {baris}, kolom {kolom}: pejabat penilai dengan NIP {penilai} tidak ada di daftar "
        "pegawai (di luar daftar; diperbolehkan).",
        "Nama dan jabatan pejabat penilai perlu diisi langsung pada buku kerja.",
    ),
    "roster-penilai-tidak-diikutkan": Entry(
        P,
        "Baris {baris}, kolom {kolom}: pejabat penilai dengan NIP {penilai} tercantum pada "
        "baris {baris_penilai}, tetapi baris itu tidak diikutkan karena galat.",
        "Perbaiki galat pada baris {baris_penilai}, lalu jalankan ulang.",
    ),
    "roster-penilai-diri-sendiri": Entry(
        G,
        "Baris {baris}, kolom {kolom}: {nama} (NIP {nip}) tercantum sebagai pejabat penilai "
        "dirinya sendiri.",
        "Isi NIP atasan langsungnya. Sampai diperbaiki, pejabat penilai pegawai ini dianggap "
        "kosong.",
    ),
    "roster-atasan-penilai-diri-sendiri": Entry(
        G,
        "Baris {baris}, kolom {kolom}: {nama} (NIP {nip}) tercantum sebagai atasan pejabat "
        "penilai dirinya sendiri.",
        "Isi NIP atasan dari pejabat penilainya, atau kosongkan. Sampai diperbaiki, atasan "
        "pejabat penilai pegawai ini dianggap kosong (pejabat penilainya tetap dipakai).",
    ),
    "roster-penilai-siklus": Entry(
        G,
        "Baris {baris}, kolom {kolom}: rantai pejabat penilai berputar: {rantai}.",
        "Rantai pejabat penilai harus berakhir pada pimpinan tertinggi; periksa NIP pejabat "
        "penilai pada baris {baris_siklus}. Sampai diperbaiki, pejabat penilai pada baris "
        "tersebut dianggap kosong.",
    ),
    "roster-atasan-penilai-berbeda": Entry(
        C,
        "Baris {baris}, kolom {kolom}: atasan pejabat penilai (NIP {atasan}) berbeda dengan "
        "pejabat penilai dari {penilai} menurut baris {baris_penilai} (NIP {atasan_menurut}).",
        "Biasanya atasan pejabat penilai adalah pejabat penilai dari pejabat penilai; periksa "
        "kembali bila ini tidak disengaja.",
    ),
    # --- reading unit workbooks (konsolidasi) -----------------------------------------
    "berkas-kosong": Entry(G, "Berkas kosong (0 byte).", "Kirim ulang workbook unit yang utuh."),
    "berkas-berkata-sandi": Entry(
        G,
        "Workbook dilindungi kata sandi sehingga tidak dapat dibaca.",
        "Simpan ulang tanpa kata sandi pembukaan (Berkas → Info → Lindungi Buku Kerja), lalu "
        "kirim kembali. Proteksi lembar tanpa kata sandi tidak menjadi masalah.",
    ),
    "format-xls-lama": Entry(
        G,
        "Berkas berformat Excel lama (.xls/.xlsb) yang tidak dibaca sheetnilai.",
        "Buka di Excel lalu Simpan Sebagai → Buku Kerja Excel (.xlsx), kemudian kirim kembali.",
    ),
    "bukan-spreadsheet": Entry(
        G,
        "Berkas ini bukan workbook spreadsheet (.xlsx, .xlsm, atau .ods).",
        "Pastikan yang dikirim adalah workbook SKP unit, bukan dokumen atau gambar.",
    ),
    "zip-rusak": Entry(
        G,
        "Workbook rusak dan tidak dapat dibuka ({alasan}).",
        "Minta unit mengirim ulang berkasnya; bila dibuka di Excel, simpan ulang sebagai .xlsx.",
    ),
    "berkas-terlalu-besar": Entry(
        G,
        "Workbook terlalu besar untuk dibaca dengan aman ({alasan}).",
        "Workbook SKP unit biasanya di bawah 5 MB. Hapus lampiran, gambar, atau lembar tambahan, "
        "lalu kirim ulang.",
    ),
    "berkas-kunci-dilewati": Entry(
        C,
        "Berkas kunci sementara Excel/LibreOffice dilewati (workbook-nya sedang terbuka).",
        "Tutup workbook tersebut di Excel atau LibreOffice sebelum konsolidasi berikutnya.",
    ),
    "galat-internal": Entry(
        G,
        "Workbook ini tidak dapat diperiksa karena kesalahan di dalam sheetnilai sendiri "
        "(kode teknis {jenis}); workbook lain tetap dinilai.",
        "Laporkan ke pengelola sheetnilai dengan melampirkan workbook ini dan versi sheetnilai "
        "(`sheetnilai --version`).",
    ),
    "buku-nilai-dilewati": Entry(
        C,
        "Berkas ini buku nilai sheetnilai dari konsolidasi sebelumnya, bukan workbook unit; "
        "tidak dinilai.",
        "Simpan buku nilai di luar folder sumber agar folder itu hanya berisi workbook unit.",
    ),
    "berkas-sementara-dilewati": Entry(
        C,
        "Berkas sementara sheetnilai dari proses yang terhenti di tengah jalan; dilewati.",
        "Berkas ini aman dihapus; sheetnilai juga menghapusnya sendiri saat menulis lagi ke "
        "folder ini.",
    ),
    "berkas-tersembunyi-dilewati": Entry(
        C,
        "Berkas tersembunyi (namanya diawali titik) dilewati.",
        "Bila ini workbook unit, ganti namanya tanpa titik di depan lalu jalankan lagi.",
    ),
    "berkas-lain-dilewati": Entry(
        C,
        "{count} berkas yang bukan workbook (.xlsx, .xlsm, .ods) dilewati, mis. {names}.",
        "Daftar lengkapnya ada di lembar Metadata. Bila ada workbook unit di antaranya, simpan "
        "sebagai .xlsx lalu jalankan lagi.",
    ),
    "bukan-berkas-biasa": Entry(
        P,
        "Ini bukan berkas biasa (mis. pipa bernama atau perangkat), sehingga tidak dibaca.",
        "Simpan workbook unit sebagai berkas biasa di folder sumber.",
    ),
    "tautan-rusak": Entry(
        P,
        "Tautan (symlink) ini menunjuk ke berkas yang tidak ada ({detail}); tidak dibaca.",
        "Perbaiki atau hapus tautan itu, atau salin workbook aslinya ke folder sumber.",
    ),
    "folder-tidak-terbaca": Entry(
        G,
        "Folder ini tidak dapat dibuka ({detail}); workbook di dalamnya tidak dibaca.",
        "Periksa izin folder (pengguna yang menjalankan sheetnilai harus dapat membacanya), "
        "lalu jalankan lagi.",
    ),
    "folder-tersembunyi-dilewati": Entry(
        C,
        "Folder tersembunyi (namanya diawali titik, mis. tempat sampah atau riwayat versi) "
        "tidak dicari.",
        "Bila ada workbook unit di dalamnya, pindahkan ke folder biasa lalu jalankan lagi.",
    ),
    "folder-berulang": Entry(
        C,
        "Folder ini sudah dicari lewat jalur lain (tautan yang menunjuk ke folder yang sama); "
        "tidak dicari dua kali.",
        "Tidak perlu tindakan; setiap workbook hanya dibaca sekali.",
    ),
    "folder-di-atas-sumber": Entry(
        P,
        "Tautan ini menunjuk ke folder yang memuat folder sumber itu sendiri; tidak dicari, "
        "agar berkas di luar folder sumber (termasuk buku nilai dan penyimpanan sinkron) tidak "
        "ikut terbaca.",
        "Hapus tautan itu, atau arahkan ke folder workbook unit yang dimaksud.",
    ),
    "folder-bernama-workbook": Entry(
        C,
        "Ini folder yang namanya seperti workbook; isinya tetap dicari.",
        "Ganti nama folder tanpa akhiran .xlsx/.xlsm/.ods agar tidak membingungkan.",
    ),
    "bukan-templat-sheetnilai": Entry(
        G,
        "Workbook ini bukan workbook SKP sheetnilai (nama-nama templat tidak ditemukan).",
        "Gunakan workbook yang dibuat dengan `sheetnilai templat buat`, dan jangan menyalin "
        "isinya ke berkas baru.",
    ),
    "versi-templat-tidak-dikenal": Entry(
        G,
        "Versi templat {found} tidak dikenal; sheetnilai ini membaca versi {expected}.",
        "Perbarui sheetnilai, atau buat ulang workbook unit dengan `sheetnilai templat buat` dan "
        "salin isiannya.",
    ),
    "periode-tidak-ada-di-templat": Entry(
        G,
        "Periode {period} tidak ada di workbook ini (periode yang ada: {available}).",
        "Pilih periode yang sesuai dengan skema workbook dengan --periode.",
    ),
    "workbook-tanpa-skp": Entry(
        G, "Workbook tidak memuat satu pun lembar SKP.", "Kirim ulang workbook unit yang lengkap."
    ),
    "pegawai-tidak-di-daftar": Entry(
        P,
        "NIP pegawai pada lembar ini tidak ada di daftar pegawai.",
        "Periksa NIP, atau tambahkan pegawai ke daftar pegawai bila memang pegawai unit ini.",
    ),
    "identitas-berbeda": Entry(
        P,
        '{field} di workbook ("{found}") berbeda dengan daftar pegawai ("{expected}").',
        "Samakan dengan data kepegawaian; bila daftar pegawai yang benar, buat ulang workbook.",
    ),
    "rumus-ditimpa": Entry(
        G,
        '{what} seharusnya dihitung rumus, tetapi sel berisi nilai tetap "{value}".',
        "Kembalikan rumusnya: salin sel yang sama dari baris atau lembar lain, atau buat ulang "
        "workbook. sheetnilai tetap menghitung ulang nilainya dari isian.",
    ),
    "rumus-dihapus": Entry(
        P,
        "{what} seharusnya dihitung rumus, tetapi rumusnya terhapus.",
        "Salin sel yang sama dari baris atau lembar lain agar workbook menghitung lagi.",
    ),
    "nilai-tersimpan-berbeda": Entry(
        P,
        "{what} yang tersimpan di workbook ({found}) berbeda dengan hasil hitung ulang "
        "({expected}).",
        "Buka workbook dan biarkan dihitung ulang (Excel: Ctrl+Alt+F9); buku nilai memakai hasil "
        "hitung ulang sheetnilai.",
    ),
    "rhk-tanpa-intervensi": Entry(
        P,
        'RHK "{rhk}" tidak menyebut RHK atasan yang diintervensi.',
        "Isi RHK atasan yang diintervensi (wajib bagi pegawai non-JPT) sesuai matriks peran hasil.",
    ),
    "target-tanpa-iki": Entry(
        G,
        "Ada target atau realisasi tanpa IKI pada baris ini.",
        "Tuliskan IKI-nya, atau kosongkan baris tersebut.",
    ),
    "iki-tanpa-rhk": Entry(
        G,
        'IKI "{iki}" tidak berada di bawah RHK mana pun.',
        "Tuliskan RHK pada baris pertama kelompok IKI tersebut.",
    ),
    "iki-tanpa-target": Entry(
        G,
        'IKI "{iki}" tidak memiliki target.',
        "Isi target angka, atau target kualitatif bila IKI ini tidak dapat diukur dengan angka.",
    ),
    "target-bukan-angka": Entry(
        G,
        '{field} IKI "{iki}" berisi "{value}", bukan angka.',
        "Isi target dengan angka saja (satuannya di kolom Satuan), atau pindahkan ke kolom "
        "Target kualitatif.",
    ),
    "target-periode-bukan-angka": Entry(
        G,
        'Target periode {period} IKI "{iki}" berisi "{value}", bukan angka.',
        "Isi target rencana aksi periode ini dengan angka saja, atau kosongkan agar capaian "
        "dibandingkan dengan target tahunan (pro-rata untuk IKI kumulatif).",
    ),
    "realisasi-tahunan-beda-jumlah": Entry(
        P,
        'Realisasi tahunan IKI kumulatif "{iki}" diisi {value}, tetapi jumlah realisasi '
        "periode-periodenya {total}; capaian tahunan memakai {value}.",
        "Periksa kembali: kosongkan sel ini agar jumlah periode yang dipakai, atau perbaiki "
        "realisasi periode yang salah. Bila IKI ini bukan hitungan yang bertambah, ubah sifatnya "
        "menjadi Tetap.",
    ),
    "versi-templat-lama": Entry(
        P,
        "Workbook dibuat dengan templat versi {found}; versi sekarang {expected} menambah sifat "
        "IKI dan target per periode (rencana aksi). Workbook tetap dibaca, semua IKI dianggap "
        "bersifat {sifat}.",
        "Perbarui workbook tanpa kehilangan isian: `sheetnilai templat perbarui`.",
    ),
    "pegawai-tidak-aktif-periode": Entry(
        C,
        "Lembar ini tidak dihitung untuk periode {period}: pada {end} pegawai tidak berada di "
        "unit ini (aktif sejak {since}, tidak aktif sejak {until}).",
        "Tidak perlu tindakan bila benar (mutasi, pensiun, CPNS baru); pegawai dinilai di unit "
        "tempatnya pada akhir periode. Bila salah, perbaiki tanggal di identitas pegawai.",
    ),
    "tanggal-aktif-tidak-sah": Entry(
        G,
        'Tanggal aktif pegawai berisi "{value}", bukan tanggal; lembar dihitung untuk setiap '
        "periode.",
        "Tulis tanggal sebagai dd/mm/yyyy (mis. 15/05/2026), atau kosongkan.",
    ),
    "perbarui-baris-iki-lebih": Entry(
        G,
        'Lembar "{sheet}" memuat isian di bawah baris IKI ke-{rows}; templat baru hanya memuat '
        "{rows} baris, jadi workbook ini tidak diperbarui (tidak ada yang diubah).",
        "Pindahkan IKI tambahan ke baris kosong di atasnya, atau biarkan workbook ini memakai "
        "templat lamanya.",
    ),
    "perbarui-lembar-rusak": Entry(
        G,
        "Ada lembar SKP yang dihapus atau rusak, jadi workbook ini tidak diperbarui (tidak ada "
        "yang diubah).",
        "Jalankan `sheetnilai periksa` untuk melihat lembar mana, pulihkan lembarnya dari "
        "salinan sebelumnya, lalu jalankan templat perbarui lagi.",
    ),
    "perbarui-tahun-tidak-terbaca": Entry(
        G,
        "Tahun penilaian workbook tidak terbaca, jadi workbook ini tidak diperbarui.",
        "Buat ulang workbook dengan `sheetnilai templat buat --tahun …` dan salin isiannya.",
    ),
    "perbarui-skema-tidak-dikenal": Entry(
        G,
        'Skema periode workbook ("{scheme}") tidak dikenal, jadi workbook ini tidak diperbarui.',
        "Buat ulang workbook dengan `sheetnilai templat buat --skema …` dan salin isiannya.",
    ),
    "perbarui-unit-tidak-di-daftar": Entry(
        G,
        'Unit kerja "{unit}" tidak ada di daftar pegawai, jadi workbook ini tidak diperbarui.',
        "Periksa nama unit di daftar pegawai (harus sama dengan nama unit workbook), atau "
        "jalankan tanpa --roster untuk hanya memperbarui templatnya.",
    ),
    "perbarui-di-luar-templat": Entry(
        G,
        "Workbook ini memuat {count} isi di luar bagian isian templat ({what}) yang tidak "
        "dapat dipindahkan ke templat baru; workbook ini tidak diperbarui (tidak ada yang "
        "diubah).",
        "Pindahkan isi itu ke kolom Catatan, Umpan balik, atau Lampiran (atau ke berkas lain), "
        "lalu jalankan templat perbarui lagi.",
    ),
    "perbarui-isian-hilang": Entry(
        G,
        "Pemeriksaan setelah pembaruan menemukan {count} isian yang tidak sama ({cells}); "
        "workbook ini tidak diperbarui (tidak ada yang diubah).",
        "Laporkan masalah ini kepada pengelola sheetnilai beserta workbook-nya.",
    ),
    "perbarui-gagal": Entry(
        G,
        "Workbook ini tidak dapat diperbarui: {detail}",
        "Perbaiki sebabnya, lalu jalankan templat perbarui lagi; workbook lama tidak diubah.",
    ),
    "rhk-atasan-tidak-ada": Entry(
        P,
        'RHK atasan yang diintervensi "{rhk_atasan}" tidak ada di SKP pejabat penilai '
        '({penilai}, {count} RHK); yang paling mirip: "{closest}".',
        "Salin RHK atasan persis seperti tertulis di SKP pejabat penilai (di workbook yang sama "
        "pilih dari daftar), atau minta pejabat penilai menambahkan RHK itu.",
    ),
    "realisasi-kosong": Entry(
        G,
        'Realisasi IKI "{iki}" untuk periode {period} belum diisi.',
        "Isi realisasi berdasarkan bukti dukung (0 bila memang tidak tercapai).",
    ),
    "realisasi-bukan-angka": Entry(
        G,
        'Realisasi IKI "{iki}" berisi "{value}", bukan angka, padahal targetnya angka.',
        "Ketik angka saja tanpa satuan (mis. 93 atau 88,5).",
    ),
    "capaian-tidak-dapat-dihitung": Entry(
        G,
        'Capaian IKI "{iki}" tidak dapat dihitung: {reason}.',
        "Periksa target, batas atas target rentang, dan arah IKI pada baris ini.",
    ),
    "bukti-dukung-kosong": Entry(
        P,
        'Bukti dukung IKI "{iki}" belum diisi.',
        "Tambahkan tautan bukti dukung (mis. tautan Google Drive atau nomor dokumen).",
    ),
    "umpan-balik-kosong": Entry(
        P,
        'Umpan balik pejabat penilai untuk IKI "{iki}" belum diisi.',
        "Pejabat penilai menuliskan umpan balik berdasarkan bukti dukung.",
    ),
    "rhk-tanpa-iki": Entry(
        G,
        'RHK "{rhk}" tidak memiliki IKI.',
        "Tuliskan sedikitnya satu IKI dengan targetnya untuk RHK ini.",
    ),
    "skp-tanpa-iki": Entry(
        G,
        "SKP belum memuat satu pun IKI.",
        "Isi hasil kerja (RHK, IKI, dan target) sebelum evaluasi.",
    ),
    "umpan-balik-perilaku-kosong": Entry(
        P,
        "Umpan balik perilaku kerja periode {period} belum diisi untuk: {aspek}.",
        "Pejabat penilai menuliskan umpan balik untuk setiap aspek BerAKHLAK.",
    ),
    "rating-kosong": Entry(
        G,
        "Rating {which} belum diisi.",
        "Pejabat penilai memilih rating dari daftar pilihan pada sel ini.",
    ),
    "rating-label-tidak-sah": Entry(
        G,
        'Rating {which} berisi "{value}", bukan salah satu dari Di Atas Ekspektasi, Sesuai '
        "Ekspektasi, atau Di Bawah Ekspektasi.",
        "Pilih rating dari daftar pilihan pada sel ini.",
    ),
    "rating-ejaan": Entry(
        P,
        'Rating {which} ditulis "{value}"; dibaca sebagai "{label}", tetapi rumus workbook tidak '
        "mengenalinya.",
        "Pilih rating dari daftar pilihan agar predikat di workbook ikut terhitung.",
    ),
    "lembar-skp-hilang": Entry(
        G,
        'Lembar SKP "{sheet}" yang dibuat untuk pegawai ini tidak ada lagi di workbook, sehingga '
        "pegawai ini tidak dinilai.",
        "Kembalikan lembar itu (salin dari kiriman sebelumnya), atau buat ulang workbook unit "
        "dengan `sheetnilai templat buat` dan salin isiannya. Lembar SKP tidak boleh dihapus.",
    ),
    "lembar-skp-rusak": Entry(
        G,
        "Lembar SKP ini tidak dapat dibaca dengan pasti karena penanda templatnya hilang atau "
        "rusak ({missing}), sehingga pegawai ini tidak dinilai.",
        "Jangan menghapus baris atau kolom tersembunyi dan nama di Rumus → Pengelola Nama. "
        "Salin lembar dari kiriman sebelumnya, atau buat ulang workbook unit dengan `sheetnilai "
        "templat buat` dan salin isiannya.",
    ),
    "lembar-mirip-skp": Entry(
        P,
        "Lembar ini tampak seperti lembar SKP (ada NIP di tempat NIP templat), tetapi tidak "
        "memiliki penanda templat, sehingga tidak dinilai.",
        "Bila ini salinan lembar SKP, isi lembar SKP asli pegawai itu di workbook unit; lembar "
        "hasil salin-tempel sel tidak dibaca. Bila lembar ini catatan biasa, abaikan pesan ini.",
    ),
    "tahun-berbeda": Entry(
        G,
        "Workbook ini untuk tahun {found}, sedangkan konsolidasi untuk tahun {expected}; "
        "isinya tidak dinilai.",
        "Minta unit mengirim workbook tahun {expected}, atau jalankan konsolidasi dengan "
        "--tahun {found} bila tahun itu yang dimaksud.",
    ),
    "tahun-tidak-terbaca": Entry(
        G,
        'Tahun yang tersimpan di workbook ini ("{found}") bukan tahun yang sah; workbook dinilai '
        "untuk tahun konsolidasi {expected} tanpa dapat dipastikan.",
        "Jangan mengubah lembar tersembunyi workbook. Pastikan ini workbook tahun {expected}; "
        "bila ragu, buat ulang workbook unit dengan `sheetnilai templat buat` dan salin "
        "isiannya.",
    ),
    "tahun-berbeda-nama-berkas": Entry(
        P,
        "Nama berkas menyebut tahun {name_year}, tetapi workbook ini dibuat untuk tahun {found}.",
        "Pastikan berkas yang dikirim adalah workbook tahun yang benar, lalu sesuaikan namanya.",
    ),
    "unit-berbeda": Entry(
        G,
        'Workbook ini menyebut dirinya unit "{found}", tetapi {basis}. Dihitung sebagai unit '
        '"{expected}".',
        "Jangan mengubah nama unit yang tersimpan di workbook. Bila unitnya memang berganti "
        "nama, buat ulang workbook dari daftar pegawai terbaru dan salin isiannya.",
    ),
    "unit-berbeda-nama-berkas": Entry(
        P,
        'Nama berkas menunjuk unit "{by_name}", tetapi isi workbook ini milik unit "{found}".',
        "Periksa apakah berkas yang benar yang dikirim, lalu sesuaikan nama berkasnya.",
    ),
    "isian-berisi-galat": Entry(
        G,
        "Sel isian {what} menampilkan galat {value}, bukan nilai yang dapat dipakai.",
        "Hapus isi sel lalu ketik nilainya langsung, bukan rumus (mis. 93 atau 88,5, atau "
        "pilih dari daftar pilihan).",
    ),
    "isian-rumus-tanpa-nilai": Entry(
        G,
        "Sel isian {what} berisi rumus yang hasilnya tidak tersimpan di berkas (berkas disimpan "
        "oleh program yang tidak menghitung rumus), sehingga isinya tidak dapat dibaca.",
        "Ketik nilainya langsung tanpa rumus, atau buka dan simpan ulang berkas di Excel atau "
        "LibreOffice.",
    ),
    "bulan-kosong": Entry(
        G,
        "Jumlah bulan penilaian belum diisi, sehingga angka kredit tidak dapat dihitung.",
        "Isi jumlah bulan periode penilaian sebagai angka bulat 1–12 (mis. 3 untuk satu triwulan).",
    ),
    "bulan-bukan-angka": Entry(
        G,
        'Jumlah bulan penilaian berisi "{value}" sebagai teks, bukan angka, sehingga angka '
        "kredit tidak dapat dihitung.",
        "Ketik ulang angka bulat 1–12 tanpa tanda kutip atau koma (mis. 3), dengan format sel "
        "Umum atau Angka.",
    ),
    "jenjang-kosong": Entry(
        G,
        "Pegawai berjabatan fungsional tetapi jenjangnya kosong, sehingga angka kredit tidak "
        "dapat dihitung.",
        "Pilih jenjang jabatan fungsional (mis. Ahli Pertama) pada sel ini, atau perbaiki "
        "daftar pegawai lalu buat ulang workbook.",
    ),
    "baris-penilaian-hilang": Entry(
        G,
        "Baris penilaian periode {period} tidak ditemukan.",
        "Jangan menghapus baris di bagian C. Penilaian; buat ulang workbook bila terhapus.",
    ),
    # --- consolidation across workbooks ------------------------------------------------
    "nip-ganda-antar-lembar": Entry(
        G,
        "NIP yang sama juga ada di {other}. Yang dihitung hanya satu: {used}.",
        "Satu pegawai hanya dinilai di satu lembar; hapus lembar yang berlebih atau perbaiki NIP.",
    ),
    "unit-ganda": Entry(
        P,
        'Unit "{unit}" dikirim lebih dari sekali: {files}. Yang dihitung hanya {used} ({why}).',
        "Simpan satu workbook per unit; pindahkan salinan lain ke luar folder sumber.",
    ),
    "unit-tidak-di-daftar": Entry(
        P,
        'Unit "{unit}" tidak ada di daftar pegawai.',
        "Periksa nama unit pada workbook, atau perbarui daftar pegawai.",
    ),
    "unit-belum-masuk": Entry(
        P,
        'Workbook unit "{unit}" ({count} pegawai) belum masuk.',
        "Minta unit mengirim workbook SKP-nya ke folder konsolidasi.",
    ),
    "pegawai-belum-masuk": Entry(
        P,
        "Pegawai ini ada di daftar pegawai tetapi tidak ada lembar SKP-nya di workbook unit.",
        "Tambahkan lembar SKP pegawai ini (buat ulang workbook unit dari daftar pegawai terbaru).",
    ),
    "predikat-organisasi-kosong": Entry(
        P,
        "Predikat kinerja organisasi periode {period} belum dipilih, sehingga kurva distribusi "
        "tidak dapat diperiksa.",
        "Pilih predikat organisasi di lembar Rekap, atau berikan --predikat-organisasi.",
    ),
    # --- files ----------------------------------------------------------------------------
    "potensial-berkas-tidak-sah": Entry(
        G,
        'Berkas potensial "{path}"{where}: {detail}.',
        "Berkas potensial berisi dua kolom berjudul NIP (18 digit, sebagai teks) dan "
        "Potensial (Rendah, Menengah atau Tinggi), satu baris per pegawai. Perbaiki barisnya, "
        "lalu jalankan lagi.",
    ),
    "berkas-sudah-ada": Entry(
        G,
        'Berkas "{path}" sudah ada dan tidak ditimpa.',
        "Pilih nama atau folder lain, pindahkan berkas itu, atau tambahkan --timpa untuk "
        "menimpanya.",
    ),
    "ikm-realisasi-berbeda": Entry(
        P,
        'Realisasi IKI "{iki}" diketik {typed}, sedangkan sumber datanya, survei {survey}, '
        "memberi nilai IKM {value}. Capaian dihitung dari {used}.",
        "Ketik {value} sebagai realisasi agar workbook unit dan buku nilai sama, atau periksa "
        "workbook survei bila angka yang diketik yang benar.",
    ),
    "ikm-survei-ganda": Entry(
        P,
        'Ada lebih dari satu workbook survei untuk unit layanan "{unit}": {files}. Tidak ada '
        "yang dipakai sebagai realisasi IKI.",
        "Simpan hanya survei periode yang dikonsolidasi di folder sumber (pindahkan yang lain), "
        "atau perbaiki nama unit layanan di lembar Survei IKM.",
    ),
    "ikm-iki-kumulatif": Entry(
        P,
        'IKI "{iki}" bersumber dari survei {survey}, tetapi bersifat Kumulatif: nilai survei '
        "tidak dijumlahkan antarperiode, sehingga capaiannya tetap dihitung dari realisasi yang "
        "diketik.",
        "Ubah sifat IKI ini menjadi Tetap (nilai IKM adalah tingkat, bukan jumlah), atau "
        "biarkan bila realisasi yang diketik memang dimaksudkan.",
    ),
    "ikm-templat-sudah-ada": Entry(
        G,
        '{count} workbook survei IKM sudah ada di folder "{folder}" (mis. "{path}"); tidak ada '
        "yang ditulis.",
        "Pilih folder keluaran lain dengan --keluaran, atau tambahkan --timpa untuk menimpa.",
    ),
    "ikm-templat-tanpa-unit": Entry(
        G,
        "Tidak ada unit layanan untuk dibuatkan workbook survei IKM.",
        'Sebut unit layanan dengan --unit "Puskesmas Sukamaju" (boleh diulang), atau berikan '
        "daftar pegawai dengan --roster.",
    ),
    "templat-sudah-ada": Entry(
        G,
        '{count} workbook unit sudah ada di folder "{folder}" (mis. "{path}"); tidak ada yang '
        "ditulis.",
        "Pilih folder keluaran lain dengan --keluaran, atau tambahkan --timpa untuk menimpa.",
    ),
    "demo-folder-berisi-lain": Entry(
        G,
        'Folder "{folder}" berisi {count} berkas yang bukan buatan demo (mis. {names}); demo '
        "membuat ulang folder itu, jadi tidak dijalankan agar berkas Anda tidak terhapus.",
        "Pilih folder lain dengan --folder, atau pindahkan berkas itu lebih dulu.",
    ),
    "lite-sudah-ada": Entry(
        G,
        'Berkas xlwings Lite sudah ada di folder "{folder}": {names}; tidak ada yang ditulis.',
        "Pilih folder keluaran lain dengan --keluaran, atau tambahkan --timpa untuk menimpa.",
    ),
    "periksa-tanpa-periode": Entry(
        G,
        "Workbook ini tidak memiliki nama {name} (sel Periode yang diperiksa di lembar Analisis).",
        "Buat ulang workbook dengan sheetnilai templat buat --xlwings, atau periksa dari baris "
        "perintah: sheetnilai periksa BERKAS --periode TW1.",
    ),
    "berkas-gagal-dipakai": Entry(
        G,
        'Berkas atau folder "{path}" tidak dapat dipakai: {detail}.',
        "Periksa nama (paling banyak 255 karakter per bagian), izin, dan sisa ruang disk, lalu "
        "jalankan lagi.",
    ),
    "berkas-tidak-tertulis": Entry(
        G,
        'Berkas "{path}" tidak dapat ditulis: {detail}.',
        "Periksa izin folder dan sisa ruang disk, atau pilih folder lain dengan --keluaran.",
    ),
    # --- command line -------------------------------------------------------------------
    "periode-tidak-dikenal": Entry(
        G,
        'Periode "{period}" tidak dikenal.',
        "Periode yang sah: {valid}. Contoh: --periode TW1.",
    ),
    "perbarui-timpa-atau-keluaran": Entry(
        G,
        "--timpa (perbarui di tempat) tidak dapat digabung dengan --keluaran.",
        "Pakai --keluaran FOLDER untuk workbook baru di folder lain, atau --timpa saja.",
    ),
    "tanggal-tidak-sah": Entry(
        G,
        'Tanggal "{value}" tidak dikenali.',
        "Tulis tanggal sebagai dd/mm/yyyy, mis. --tanggal 15/05/2026.",
    ),
    "periode-semua-ganda": Entry(
        G,
        "--periode semua tidak dapat digabung dengan periode lain.",
        "Pakai --periode semua saja, atau sebutkan periodenya satu per satu (--periode TW1 "
        "--periode TW2).",
    ),
    "periode-semua-tanpa-workbook": Entry(
        G,
        "--periode semua: tidak ada workbook unit yang terbaca periodenya.",
        "Periksa folder sumber, atau sebutkan periodenya (mis. --periode TW1).",
    ),
    "periode-tidak-ada-di-workbook": Entry(
        G,
        "Tidak ada workbook di sumber yang memuat periode {period}.",
        "Periode pada workbook yang ditemukan: {valid}. Pilih salah satunya dengan --periode.",
    ),
    "sumber-kosong": Entry(
        G,
        'Folder sumber "{path}" tidak berisi workbook (.xlsx, .xlsm, .ods); ada {count} berkas '
        "lain.",
        "Periksa nama folder, atau salin workbook unit ke folder itu lalu jalankan lagi.",
    ),
    "sumber-tidak-terbaca": Entry(
        G,
        'Folder sumber "{path}" tidak dapat dibuka (tidak ada izin membaca).',
        "Jalankan sebagai pengguna yang berhak membaca folder itu, atau perbaiki izinnya.",
    ),
    "keluaran-adalah-masukan": Entry(
        G,
        'Berkas keluaran "{path}" adalah salah satu masukan (workbook unit, daftar pegawai, '
        "atau berkas kebijakan); masukan tidak pernah ditimpa, juga dengan --timpa.",
        "Pilih nama buku nilai lain dengan --keluaran, sebaiknya di luar folder sumber.",
    ),
    "data-bukan-folder": Entry(
        G,
        '--data "{path}" adalah berkas, bukan folder.',
        "Sebutkan folder untuk tabel data, mis. --data tabel-tw1/.",
    ),
    "data-di-sumber": Entry(
        G,
        'Folder --data "{path}" berada di dalam folder sumber "{source}".',
        "Pilih folder di luar folder sumber agar tabel data tidak bercampur dengan workbook unit.",
    ),
    "dokumen-di-sumber": Entry(
        G,
        'Folder dokumen "{path}" berada di dalam folder sumber "{source}".',
        "Pilih folder di luar folder sumber (--keluaran), agar folder itu hanya berisi "
        "kiriman unit.",
    ),
    "dokumen-satu-periode": Entry(
        G,
        '--periode "{value}" menyebut lebih dari satu periode; dokumen ditandatangani per periode.',
        "Sebutkan satu periode, mis. --periode TW1, dan jalankan sekali untuk setiap periode.",
    ),
    "dokumen-bukan-folder": Entry(
        G,
        '--keluaran "{path}" adalah berkas, bukan folder.',
        "Sebutkan folder untuk dokumen, mis. --keluaran dokumen-tw1/.",
    ),
    "dokumen-folder-berisi": Entry(
        G,
        'Folder dokumen "{path}" sudah berisi {count} berkas.',
        "Pilih folder lain dengan --keluaran, pindahkan isinya, atau tambahkan --timpa untuk "
        "menimpa dokumen yang sama namanya.",
    ),
    "keluaran-di-sumber": Entry(
        G,
        'Berkas keluaran "{path}" berada di dalam folder sumber "{source}".',
        "Simpan buku nilai dan tabel data di luar folder sumber, agar folder itu hanya berisi "
        "kiriman unit dan tidak ada yang tertimpa.",
    ),
    "keluaran-sinkron-di-sumber": Entry(
        G,
        'Folder keluaran "{path}" berada di dalam folder sumber "{source}".',
        "Pilih folder --keluaran di luar folder sumber, agar buku nilai dan umpan balik yang "
        "diterbitkan tidak terbaca sebagai kiriman unit.",
    ),
    "keluaran-bukan-berkas-biasa": Entry(
        G,
        '"{path}" bukan berkas biasa (mis. perangkat atau pipa), sehingga tidak dapat menjadi '
        "buku nilai.",
        "Pilih nama berkas .xlsx biasa dengan --keluaran.",
    ),
    "keluaran-di-arsip": Entry(
        G,
        '"{path}" berada di dalam folder arsip Drive "{archive}", yang berisi masukan.',
        "Pilih lokasi buku nilai dan tabel data di luar folder arsip.",
    ),
    "templat-sumber-roster": Entry(
        G,
        "Sebutkan satu sumber daftar pegawai: berkas ROSTER, atau --contoh.",
        "Contoh: sheetnilai templat buat daftar-pegawai.xlsx --tahun 2026",
    ),
    "opsi-predikat-organisasi": Entry(
        G,
        'Nilai --predikat-organisasi "{value}" tidak dapat dipakai: {detail}',
        "Tulis 'Baik' untuk semua unit atau 'Nama Unit=Baik' untuk satu unit.",
    ),
    "opsi-tanggal-tidak-sah": Entry(
        G,
        'Nilai --tanggal "{value}" bukan tanggal.',
        "Tulis tanggal sebagai TTTT-BB-HH, mis. --tanggal 2026-04-10.",
    ),
    "opsi-predikat-instansi": Entry(
        G,
        'Nilai --predikat-instansi "{value}" tidak dapat dipakai: {detail}',
        "Tulis predikat organisasi instansi, mis. --predikat-instansi Baik.",
    ),
    "opsi-unit-tidak-ada": Entry(
        G,
        '--predikat-organisasi menyebut unit "{unit}", tetapi tidak ada workbook unit itu yang '
        "dihitung, sehingga predikat {predikat} tidak dipakai.",
        "Periksa ejaan nama unit (sama dengan nama unit di workbook atau daftar pegawai): {known}.",
    ),
    "templat-tanpa-pegawai": Entry(
        G,
        'Tidak ada pegawai yang dapat dipakai dari "{path}".',
        "Perbaiki masalah daftar pegawai yang tercantum di atas, lalu jalankan lagi.",
    ),
    "berkas-tidak-terbaca": Entry(
        G,
        'Berkas "{path}" tidak dapat dibaca: {detail}.',
        "Periksa nama dan izin berkas.",
    ),
    "nip-tidak-ada-masukan": Entry(
        G,
        "Tidak ada NIP untuk diperiksa.",
        "Tulis NIP sebagai argumen, atau gunakan --berkas BERKAS, atau kirim lewat masukan "
        "standar dengan tanda -.",
    ),
    # --- Google Sheets and Drive ---------------------------------------------------------
    "google-kredensial-tidak-ada": Entry(
        G,
        "Belum ada kredensial Google.",
        "Berikan kunci akun layanan dengan --kredensial BERKAS.json atau variabel {env}, atau "
        "masuk sekali dengan akun Anda: sheetnilai gsheet masuk --klien client_secret.json.",
    ),
    "google-kredensial-tidak-ditemukan": Entry(
        G,
        'Berkas kredensial "{path}" tidak ditemukan.',
        "Periksa nama dan letak berkas kunci JSON.",
    ),
    "google-kredensial-rusak": Entry(
        G,
        'Berkas kredensial "{path}" tidak dapat dipakai ({detail}).',
        "Unduh ulang kunci JSON akun layanan dari Google Cloud Console (IAM dan Admin > Akun "
        "layanan > Kunci > Tambahkan kunci > JSON).",
    ),
    "google-kredensial-klien": Entry(
        G,
        'Berkas "{path}" adalah berkas klien OAuth, bukan kunci akun layanan.',
        "Masuk sekali dengan sheetnilai gsheet masuk --klien {path}, lalu jalankan perintah "
        "ini tanpa --kredensial.",
    ),
    "google-bukan-klien-oauth": Entry(
        G,
        'Berkas "{path}" bukan berkas klien OAuth (client_secret_NNN.json).',
        "Di Google Cloud Console buat klien OAuth berjenis Aplikasi desktop, unduh JSON-nya, "
        "lalu pakai berkas itu dengan --klien.",
    ),
    "google-token-rusak": Entry(
        G,
        'Token Google yang tersimpan di "{path}" rusak ({detail}).',
        "Masuk ulang: sheetnilai gsheet keluar, lalu sheetnilai gsheet masuk --klien BERKAS.",
    ),
    "google-izin-token-kurang": Entry(
        G,
        "Izin yang diberikan saat masuk tidak mencakup: {scopes}.",
        "Masuk ulang dan setujui semua izin yang diminta: sheetnilai gsheet keluar, lalu "
        "sheetnilai gsheet masuk --klien BERKAS.",
    ),
    "google-kredensial-ditolak": Entry(
        G,
        "Google menolak kredensial {who} ({detail}).",
        "Kunci mungkin sudah dicabut atau akun dinonaktifkan: buat kunci baru di Google Cloud "
        "Console, atau masuk ulang dengan sheetnilai gsheet masuk.",
    ),
    "google-tidak-terjangkau": Entry(
        G,
        "Server Google tidak dapat dihubungi untuk mengambil token akses.",
        "Periksa sambungan internet dan pengaturan proksi, lalu ulangi perintahnya.",
    ),
    "google-token-putus": Entry(
        G,
        "Token akses Google habis masa berlakunya di tengah pekerjaan dan tidak dapat "
        "diperbarui: {detail}.",
        "Periksa sambungan internet dan pengaturan proksi, lalu jalankan ulang perintah yang "
        "sama; yang sudah selesai tidak diulang.",
    ),
    "google-folder-konfigurasi": Entry(
        G,
        'Folder konfigurasi "{path}" tidak dapat ditulis ({detail}). Di sana sheetnilai '
        "mencatat laju permintaan ke Google (bersama untuk semua proses akun yang sama) dan "
        "spreadsheet yang sudah dibuat gsheet kirim.",
        "Periksa izin folder itu, atau pilih folder lain dengan variabel SHEETNILAI_CONFIG_DIR.",
    ),
    "google-masuk-gagal": Entry(
        G,
        "Proses masuk ke Google tidak selesai ({detail}).",
        "Ulangi sheetnilai gsheet masuk dan buka tautannya di peramban pada komputer yang sama "
        "dalam 5 menit.",
    ),
    "google-kuota": Entry(
        G,
        "Kuota Google terlampaui dan belum pulih setelah beberapa kali menunggu: {detail}.",
        "Tunggu beberapa menit lalu jalankan ulang perintah yang sama; yang sudah selesai tidak "
        "diulang.",
    ),
    "google-server": Entry(
        G,
        "Server Google sedang bermasalah (HTTP {status}): {detail}.",
        "Jalankan ulang perintah yang sama beberapa saat lagi; yang sudah selesai tidak diulang.",
    ),
    "google-jaringan": Entry(
        G,
        "Sambungan ke Google terputus: {detail}.",
        "Periksa sambungan internet lalu jalankan ulang perintah yang sama; yang sudah selesai "
        "tidak diulang.",
    ),
    "google-waktu": Entry(
        G,
        "Google tidak menjawab dalam batas waktu: {detail}.",
        "Jalankan ulang perintah yang sama; untuk sambungan lambat naikkan batas waktu dengan "
        "variabel SHEETNILAI_GOOGLE_TIMEOUT (detik).",
    ),
    "google-html": Entry(
        G,
        "Google (atau proksi di antaranya) mengirim halaman galat, bukan data: {detail}.",
        "Jalankan ulang perintah yang sama; bila berulang, periksa proksi jaringan kantor.",
    ),
    "google-kredensial": Entry(
        G,
        "Google tidak menerima token akses (HTTP {status}): {detail}.",
        "Masuk ulang dengan sheetnilai gsheet masuk, atau periksa kunci akun layanan.",
    ),
    "google-izin": Entry(
        G,
        "Akun yang dipakai tidak berhak melakukan ini (HTTP {status}): {detail}.",
        "Bagikan folder Drive ke email akun yang dipakai sebagai Editor (untuk gsheet kirim) "
        "atau Pelihat (untuk konsolidasi).",
    ),
    "google-tidak-ditemukan": Entry(
        G,
        "Google tidak menemukan yang diminta (HTTP {status}): {detail}.",
        "Periksa ID folder (bagian tautan sesudah /folders/) dan pastikan folder itu dibagikan "
        "ke email akun yang dipakai.",
    ),
    "google-permintaan": Entry(
        G,
        "Google menolak permintaan (HTTP {status}): {detail}.",
        "Laporkan pesan ini kepada pengelola sheetnilai.",
    ),
    "gsheet-kirim-gagal": Entry(
        G,
        'Spreadsheet unit "{unit}" gagal dikirim ({kind}): {detail}.',
        "Jalankan ulang perintah yang sama: spreadsheet yang sudah jadi tidak dibuat dua kali "
        "dan yang setengah jadi dilengkapi.",
    ),
    "gsheet-kirim-dihentikan": Entry(
        G,
        "Pengiriman dihentikan sebelum selesai.",
        "Jalankan perintah yang sama untuk melanjutkan: spreadsheet yang sudah dibuat tidak "
        "dibuat dua kali dan yang setengah jadi dilengkapi.",
    ),
    "gsheet-spreadsheet-ganda": Entry(
        P,
        'Unit "{unit}" punya lebih dari satu spreadsheet di folder ini; yang ini tidak dipakai, '
        "tidak diproteksi, dan tidak dibagikan.",
        "Yang dipakai: {used}. Hapus spreadsheet ini dari folder Drive bila tidak diperlukan "
        "(salinan seperti ini dapat tertinggal bila jawaban Google terputus saat spreadsheet "
        "dibuat).",
    ),
    "gsheet-tanpa-email": Entry(
        P,
        "Pegawai ini tidak punya email di daftar pegawai, sehingga tidak dapat mengisi lembar "
        "SKP-nya di Google Sheets.",
        "Isi kolom Email di daftar pegawai, lalu jalankan gsheet kirim --perbarui.",
    ),
    "gsheet-penilai-tanpa-email": Entry(
        P,
        "Pejabat penilai pegawai ini tidak ada di daftar pegawai atau tidak punya email, "
        "sehingga rating hanya dapat diisi pemilik spreadsheet.",
        "Lengkapi NIP pejabat penilai dan emailnya di daftar pegawai, lalu jalankan gsheet "
        "kirim --perbarui.",
    ),
    "drive-gagal-ambil": Entry(
        G,
        "Spreadsheet ini tidak dapat diambil dari Google Drive ({kind}): {detail}.",
        "Jalankan ulang perintah yang sama: yang sudah diambil tidak diambil lagi. Bila terus "
        "gagal, pastikan spreadsheet dibagikan ke akun yang dipakai.",
    ),
    "drive-terlalu-besar": Entry(
        G,
        "Spreadsheet ini terlalu besar untuk diekspor Google Drive (batas 10 MB): {detail}.",
        "Bagi unit menjadi beberapa spreadsheet, atau unduh sebagai .xlsx dan taruh berkasnya "
        "di folder yang sama.",
    ),
    "drive-bukan-workbook": Entry(
        C,
        "Berkas berjenis {mime} bukan spreadsheet; dilewati.",
        "Pindahkan berkas selain workbook unit ke folder lain agar daftar ini bersih.",
    ),
    "drive-subfolder-dilewati": Entry(
        C,
        "Subfolder tidak ikut dikonsolidasi.",
        "Pindahkan spreadsheet unit ke folder utama, atau konsolidasikan subfolder itu dengan "
        "ID-nya sendiri.",
    ),
    # --- the sync service -------------------------------------------------------------------
    "sinkron-sudah-berjalan": Entry(
        G,
        "Sinkron dengan penyimpanan ini sudah berjalan (PID {pid}; kunci {path}).",
        "Tunggu sampai selesai atau hentikan proses itu; lihat keadaannya dengan "
        "'sheetnilai sinkron status'.",
    ),
    "sinkron-tanpa-sumber": Entry(
        G,
        "Sebutkan tepat satu sumber: folder workbook unit dengan --sumber, atau folder Google "
        "Drive dengan --drive.",
        "Contoh: sheetnilai sinkron --sumber kiriman/ --periode TW1 --sekali, atau "
        "sheetnilai sinkron --drive ID_FOLDER --periode TW1 --sekali",
    ),
    "sinkron-sekali-atau-terus": Entry(
        G,
        "Pilih tepat satu: --sekali (satu kali sinkron, untuk cron) atau --terus (terus berjalan).",
        "Contoh: sheetnilai sinkron --sumber kiriman/ --periode TW1 --terus --selang 5m",
    ),
    "sinkron-tanpa-periode": Entry(
        G,
        'Sebutkan periode yang dinilai dengan --periode (boleh diulang; "semua" tidak '
        "berlaku untuk sinkron).",
        "Contoh: --periode TW3 --periode TAHUNAN.",
    ),
    # --- sheetnilai pengingat (reminders.py) ---------------------------------------------
    "pengingat-tanpa-tenggat": Entry(
        G,
        "Tenggat periode {period} belum diatur.",
        "Tambahkan tanggalnya di bagian [tenggat] berkas kebijakan, mis. {period} = 2026-04-10.",
    ),
    "pengingat-smtp-belum-diatur": Entry(
        G,
        "Server surel belum diatur: smtp.host dan smtp.pengirim wajib diisi untuk --kirim.",
        "Isi bagian [smtp] berkas kebijakan, atau jalankan tanpa --kirim untuk membuat berkas "
        "gabung surat saja.",
    ),
    "pengingat-login-tanpa-tls": Entry(
        G,
        'Login SMTP tanpa TLS ke server "{host}" ditolak: sandi akan terkirim tanpa enkripsi.',
        'Pakai smtp.tls = "starttls" atau "ssl", atau kosongkan smtp.pengguna untuk relay tanpa '
        'login; tls = "tanpa" dengan login hanya untuk server di mesin ini (127.0.0.1, ::1, '
        "localhost).",
    ),
    "pengingat-sandi-kosong": Entry(
        G,
        "Sandi SMTP tidak ditemukan: variabel lingkungan {env} kosong atau tidak ada.",
        "Isi variabel itu sebelum menjalankan perintah (sandi tidak pernah ditulis di berkas "
        "kebijakan), atau kosongkan smtp.pengguna bila server tidak meminta login.",
    ),
    "pengingat-sumber": Entry(
        G,
        "Sebutkan tepat satu sumber: folder SUMBER atau --penyimpanan BERKAS dari sinkron.",
        "Contoh: sheetnilai pengingat masuk/ --periode TW1, atau sheetnilai pengingat "
        "--penyimpanan sinkron.sqlite --periode TW1.",
    ),
    "pengingat-periode-tidak-disinkron": Entry(
        G,
        "Sinkron terakhir di penyimpanan ini tidak menilai periode {period} (periode yang "
        "disinkron: {periods}).",
        "Jalankan sinkron dengan --periode {period}, atau baca workbook langsung dengan SUMBER.",
    ),
    "pengingat-sudah-berjalan": Entry(
        G,
        "Pengiriman pengingat dengan catatan ini sedang berjalan (PID {pid}; kunci {path}).",
        "Tunggu sampai selesai: penerima yang sudah dikirimi tidak akan dikirimi lagi.",
    ),
    "pengingat-keluaran-jenis": Entry(
        G,
        'Berkas gabung surat "{path}" harus berakhiran .csv atau .xlsx.',
        "Contoh: --keluaran pengingat-TW1.csv atau --keluaran pengingat-TW1.xlsx.",
    ),
    "pengingat-catatan-rusak": Entry(
        G,
        'Berkas catatan pengiriman "{path}" tidak dapat dipakai ({detail}).',
        "Sebutkan berkas lain dengan --catatan-kirim. Tanpa catatan lama, pesan yang sudah "
        "terkirim untuk tenggat ini akan dikirim lagi.",
    ),
    "durasi-tidak-sah": Entry(
        G,
        'Lama waktu "{value}" tidak dikenali.',
        "Tulis angka dengan satuan: 30d (detik), 5m (menit), atau 1j (jam).",
    ),
    "penyimpanan-rusak": Entry(
        G,
        'Berkas penyimpanan sinkron "{path}" tidak dapat dibuka ({detail}).',
        "Pindahkan berkas itu ke tempat lain dan jalankan sinkron lagi: semua workbook akan "
        "dibaca ulang dan riwayat dimulai dari awal.",
    ),
    "penyimpanan-lebih-baru": Entry(
        G,
        'Berkas penyimpanan "{path}" dibuat oleh sheetnilai yang lebih baru (skema {found}; '
        "versi ini mengenal skema {expected}).",
        "Perbarui sheetnilai, atau pakai --penyimpanan dengan berkas lain.",
    ),
    "penyimpanan-tidak-ada": Entry(
        G,
        'Berkas penyimpanan sinkron "{path}" tidak ada: belum pernah ada sinkron.',
        "Jalankan dulu sheetnilai sinkron --sumber FOLDER --periode ... --sekali, atau sebutkan "
        "berkasnya dengan --penyimpanan.",
    ),
    "sejak-tidak-sah": Entry(
        G,
        'Tanggal "{value}" tidak dikenali.',
        "Tulis tanggal sebagai TTTT-BB-HH (mis. 2026-07-01) atau dd/mm/yyyy.",
    ),
    "konsolidasi-sumber": Entry(
        G,
        "Sebutkan tepat satu sumber: folder lokal SUMBER atau --drive ID_FOLDER.",
        "Contoh: sheetnilai konsolidasi kiriman/ --periode TW1, atau sheetnilai konsolidasi "
        "--drive 1AbCdEfGh --periode TW1.",
    ),
    "konsolidasi-dihentikan": Entry(
        G,
        "Konsolidasi dihentikan sebelum selesai.",
        "Yang sudah diambil tersimpan di arsip {path}; jalankan perintah yang sama untuk "
        "melanjutkan tanpa mengambil ulang.",
    ),
    "opsi-hanya-drive": Entry(
        G,
        "Opsi {option} hanya berlaku bersama --drive.",
        "Tambahkan --drive ID_FOLDER, atau hapus {option}.",
    ),
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def placeholders(code: str) -> set[str]:
    entry = CATALOGUE[code]
    return _fields(entry.text) | _fields(entry.advice)


class _Strict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        # A missing parameter is a bug, but a user must still see a readable sentence.
        return "…"


def render(code: str, params: Mapping[str, str] | None = None) -> str:
    entry = CATALOGUE.get(code)
    if entry is None:
        return code
    return entry.text.format_map(_Strict(params or {}))


def render_advice(code: str, params: Mapping[str, str] | None = None) -> str:
    entry = CATALOGUE.get(code)
    if entry is None:
        return ""
    return entry.advice.format_map(_Strict(params or {}))
