"""The Aturan sheet: the rules' tables and the policy in force, written from Python.

Every lookup a formula makes (matrix, labels, angka kredit, thresholds, distribution rules)
reads a named range here, and every value here comes from `sheetnilai.rules` and the policy:
one source of truth. The sheet is protected (a guard, no password).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.distribution import active_constraints
from sheetnilai.rules.labels import CURVE_ORDER, OrgPredikat, Rating
from sheetnilai.rules.policy import Policy
from sheetnilai.rules.predikat import MATRIX
from sheetnilai.workbook import formulas as f
from sheetnilai.workbook.layout import (
    ASPEK,
    JENIS_RHK,
    PENDEKATAN,
    PERSPEKTIF,
    RULES_SHEET,
    quote_sheet,
)
from sheetnilai.workbook.styles import Styles

EXACT_DECIMALS = 9  # stands for capaian.desimal = "tanpa" (formulas keep 9 decimals)


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _ref(row: int, col: int, rows: int = 1, cols: int = 1) -> str:
    from xlsxwriter.utility import xl_range_abs

    return f"={quote_sheet(RULES_SHEET)}!{xl_range_abs(row, col, row + rows - 1, col + cols - 1)}"


def write_rules_sheet(wb: Workbook, st: Styles, policy: Policy) -> Worksheet:
    ws = wb.add_worksheet(RULES_SHEET)
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 38)  # the longest policy key, whole
    ws.set_column(2, 4, 22)
    ws.set_column(5, 10, 11)
    ws.write(0, 1, "ATURAN PENILAIAN (dibuat oleh sheetnilai; jangan diubah)", st.title)
    ws.write(
        1,
        1,
        "Tabel ini dipakai oleh semua rumus. Nilainya berasal dari pustaka aturan sheetnilai "
        "dan kebijakan (sheetnilai.toml) saat workbook dibuat.",
        st.subtitle,
    )
    row = 3

    def names(name: str, r: int, c: int, rows: int = 1, cols: int = 1) -> None:
        wb.define_name(name, _ref(r, c, rows, cols))

    # Ratings and the 3×3 matrix (domain.md §2.8).
    ratings = list(Rating)
    ws.write(
        row, 1, "Matriks predikat: rating hasil kerja (baris) × perilaku kerja (kolom)", st.section
    )
    row += 1
    ws.write(row, 1, "Rating", st.header)
    for j, perilaku in enumerate(ratings):
        ws.write(row, 2 + j, perilaku.label, st.header)
    for i, hasil in enumerate(ratings):
        ws.write(row + 1 + i, 1, hasil.label, st.label)
        for j, perilaku in enumerate(ratings):
            ws.write(row + 1 + i, 2 + j, MATRIX[(hasil, perilaku)].label, st.text)
    names(f.N_RATING, row + 1, 1, rows=3)
    names(f.N_MATRIKS, row + 1, 2, rows=3, cols=3)
    row += 5

    # Predikat (curve order) and angka kredit percentages (§2.12).
    ws.write(row, 1, "Predikat kinerja dan persentase angka kredit", st.section)
    row += 1
    ws.write_row(row, 1, ["Predikat", "Persen koefisien"], st.header)
    for i, p in enumerate(CURVE_ORDER):
        ws.write(row + 1 + i, 1, p.label, st.label)
        ws.write_number(row + 1 + i, 2, _number(policy.angka_kredit.persen[p]), st.text)
    names(f.N_PREDIKAT, row + 1, 1, rows=len(CURVE_ORDER))
    names(f.N_AK_PERSEN, row + 1, 2, rows=len(CURVE_ORDER))
    row += len(CURVE_ORDER) + 2

    ws.write(row, 1, "Koefisien tahunan jabatan fungsional", st.section)
    row += 1
    ws.write_row(row, 1, ["Jenjang", "Koefisien"], st.header)
    koef = policy.angka_kredit.koefisien
    for i, (jenjang, value) in enumerate(koef.items()):
        ws.write(row + 1 + i, 1, jenjang, st.label)
        ws.write_number(row + 1 + i, 2, _number(value), st.text)
    names(f.N_JENJANG, row + 1, 1, rows=len(koef))
    names(f.N_KOEFISIEN, row + 1, 2, rows=len(koef))
    row += len(koef) + 2

    # Policy values read by the formulas.
    ws.write(row, 1, "Kebijakan yang berlaku", st.section)
    row += 1
    ws.write_row(row, 1, ["Pengaturan", "Nilai", "Keterangan"], st.header)
    cap, per, sar, dis, pla = (
        policy.capaian,
        policy.capaian_periodik,
        policy.saran_rating,
        policy.distribusi,
        policy.plausibilitas,
    )
    settings: list[tuple[str, str, Any, str]] = [
        (
            f.N_DESIMAL,
            "capaian.desimal",
            EXACT_DECIMALS if cap.desimal is None else cap.desimal,
            "desimal pembulatan capaian (9 = tanpa pembulatan)",
        ),
        (f.N_BATAS_ATAS, "capaian.batas_atas", _number(cap.batas_atas), "capaian paling tinggi"),
        (
            f.N_SARAN_AKTIF,
            "saran_rating.aktif",
            "ya" if sar.aktif else "tidak",
            "tampilkan saran rating",
        ),
        (f.N_SARAN_METODE, "saran_rating.metode", sar.metode.value, "rata-rata atau terendah"),
        (
            f.N_BATAS_DI_ATAS,
            "saran_rating.batas_di_atas",
            _number(sar.batas_di_atas),
            "capaian ≥ ini: Di Atas Ekspektasi",
        ),
        (
            f.N_BATAS_SESUAI,
            "saran_rating.batas_sesuai",
            _number(sar.batas_sesuai),
            "capaian ≥ ini: Sesuai Ekspektasi",
        ),
        (
            f.N_DIST_PEMBULATAN,
            "distribusi.pembulatan",
            dis.pembulatan.value,
            "eksak atau bulatkan-jumlah",
        ),
        (
            f.N_SIFAT_KOSONG,
            "capaian_periodik.sifat_kosong",
            per.sifat_kosong.value.lower(),
            "sifat IKI yang dikosongkan",
        ),
        (
            f.N_KUM_TANPA_TARGET,
            "capaian_periodik.kumulatif_tanpa_target",
            per.kumulatif_tanpa_target.value,
            "IKI kumulatif tanpa target periode: s.d. periode ini atau per periode",
        ),
        (
            f.N_TARGET_PERIODE,
            "capaian_periodik.target_periode",
            per.target_periode.value,
            "target periode IKI kumulatif: per periode atau s.d. periode ini",
        ),
        (
            f.N_REAL_TAHUNAN,
            "capaian_periodik.realisasi_tahunan",
            per.realisasi_tahunan.value,
            "realisasi tahunan IKI kumulatif yang kosong: jumlah periode atau kosong",
        ),
        (
            f.N_SELISIH_TARGET,
            "peringatan_dini.selisih_target",
            _number(policy.peringatan_dini.selisih_target),
            "IKI dengan capaian di bawah 100 − ini: tertinggal",
        ),
        (
            f.N_KALI_TARGET,
            "plausibilitas.kali_target",
            _number(pla.kali_target),
            "realisasi > target × ini, atau < target ÷ ini: diperiksa",
        ),
        (
            f.N_PERSEN_KALI,
            "plausibilitas.persen_kali",
            _number(pla.persen_kali),
            "batas dekat target (÷ dan ×) untuk persen yang salah skala",
        ),
    ]
    for i, (name, key, value, note) in enumerate(settings):
        r = row + 1 + i
        ws.write(r, 1, key, st.label)
        ws.write(r, 2, value, st.text)
        ws.write(r, 3, note, st.text_wrap)
        names(name, r, 2)
    row += len(settings) + 2

    # Distribution rules (SE MenPANRB 3/2023), DIST_SLOTS rows per organisation predikat.
    ws.write(row, 1, "Aturan kurva distribusi (SE MenPANRB 3/2023)", st.section)
    row += 1
    ws.write_row(
        row,
        1,
        [
            "Predikat organisasi",
            "Jenis aturan",
            "Batas (%)",
            "Kelompok predikat",
            *(p.label for p in CURVE_ORDER),
        ],
        st.header,
    )
    first = row + 1
    for o_index, org in enumerate(OrgPredikat):
        rules = active_constraints(org, policy.distribusi)
        for slot in range(f.DIST_SLOTS):
            r = first + o_index * f.DIST_SLOTS + slot
            ws.write(r, 1, org.label, st.label)
            if slot < len(rules):
                c = rules[slot]
                ws.write(r, 2, c.kind.value, st.text)
                ws.write_number(r, 3, _number(c.limit * 100), st.text)
                ws.write(r, 4, c.label, st.text)
                for k, p in enumerate(CURVE_ORDER):
                    ws.write_number(r, 5 + k, 1 if p in c.groups else 0, st.text)
            else:
                ws.write_blank(r, 2, None, st.text)
                ws.write_number(r, 3, 0, st.text)
                ws.write_blank(r, 4, None, st.text)
                for k in range(len(CURVE_ORDER)):
                    ws.write_number(r, 5 + k, 0, st.text)
    n_rows = len(OrgPredikat) * f.DIST_SLOTS
    names(f.N_DIST_ORG, first, 1, rows=n_rows)
    names(f.N_DIST_JENIS, first, 2, rows=n_rows)
    names(f.N_DIST_BATAS, first, 3, rows=n_rows)
    names(f.N_DIST_KELOMPOK, first, 4, rows=n_rows)
    for k, name in enumerate(f.N_DIST_FLAG):
        names(name, first, 5 + k, rows=n_rows)
    row = first + n_rows + 1

    ws.write(row, 1, "Daftar pilihan", st.section)
    row += 1
    for i, arah in enumerate(Arah):
        ws.write(row + i, 1, "Arah IKI" if i == 0 else "", st.label)
        ws.write(row + i, 2, arah.value, st.text)
        names(f.N_NAIK if arah is Arah.NAIK else f.N_TURUN, row + i, 2)
    row += len(Arah)
    lists = [
        ("Jenis RHK", list(JENIS_RHK)),
        ("Aspek (non-JPT)", list(ASPEK)),
        ("Perspektif (JPT)", list(PERSPEKTIF)),
        ("Pendekatan", list(PENDEKATAN)),
        ("Predikat organisasi", [o.label for o in OrgPredikat]),
    ]
    for i, (label, values) in enumerate(lists):
        ws.write(row + i, 1, label, st.label)
        ws.write(row + i, 2, ", ".join(values), st.text_wrap)
    # Printed one page wide, landscape: the distribution table is the widest part.
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&A&RHalaman &P dari &N")
    ws.protect("", {"format_columns": True, "format_rows": True})
    return ws
