"""`sheetnilai demo`: the whole main job on built-in fictional data.

Generates the sample kabupaten's unit workbooks from the sample roster, fills them the way
pegawai and atasan do (with openpyxl, as a user's spreadsheet program would save them), puts
the typical mistakes into a few units, consolidates one period and writes the score book.
Every name and NIP is invented.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from sheetnilai.consolidate import Consolidation, consolidate
from sheetnilai.documents.write import Written, write_documents
from sheetnilai.errors import SheetnilaiError
from sheetnilai.periods import Scheme, periods
from sheetnilai.report import charts, tables
from sheetnilai.roster import JenisJabatan, Roster, read_roster, sample_roster_path
from sheetnilai.rules.capaian import Arah
from sheetnilai.rules.labels import OrgPredikat, Rating
from sheetnilai.rules.policy import InstansiPolicy, Policy, Sifat
from sheetnilai.scorebook import write_scorebook
from sheetnilai.workbook.build import RecapLayout
from sheetnilai.workbook.generate import file_names, generate_unit_workbooks
from sheetnilai.workbook.layout import IKI_PER_RHK, NILAI_COL, RECAP_SHEET, SkpLayout

YEAR = 2026
PERIOD = "TW1"
INSTANSI = "Pemerintah Kabupaten Sukamaju"  # fictional, like every name of the sample
# The reminders' dry run: TW1's deadline ten days after the quarter, seen three days before
# it (fixed, so the demo writes the same messages every day), and the late unit's admin.
DEADLINE = dt.date(YEAR, 4, 10)
TODAY = dt.date(YEAR, 4, 7)
ADMINS = {"Kecamatan Sukamaju Utara": "admin.kec-sukamaju-utara@sukamajukab.go.id"}

# (RHK, IKI, target, satuan, direction) from the field examples of domain.md §11.
Example = tuple[str, str, float, str, Arah]
KESEHATAN: list[Example] = [
    (
        "Menurunnya angka kematian ibu melahirkan",
        "Jumlah kematian ibu per tahun",
        4,
        "kasus",
        Arah.TURUN,
    ),
    (
        "Meningkatnya cakupan imunisasi anak",
        "Persentase anak dengan imunisasi dasar lengkap",
        95,
        "%",
        Arah.NAIK,
    ),
    (
        "Berkurangnya waktu tunggu pasien",
        "Rata-rata waktu tunggu pasien di puskesmas",
        30,
        "menit",
        Arah.TURUN,
    ),
    ("Terlaksananya penyuluhan kesehatan", "Jumlah kegiatan penyuluhan", 24, "kegiatan", Arah.NAIK),
]
PENDIDIKAN: list[Example] = [
    (
        "Meningkatnya mutu kurikulum sekolah",
        "Persentase sekolah yang menerapkan kurikulum hasil pengembangan",
        80,
        "%",
        Arah.NAIK,
    ),
    ("Meningkatnya kepuasan masyarakat", "Nilai IKM unit", 82, "nilai", Arah.NAIK),
]
UMUM: list[Example] = [
    (
        "Pengaduan masyarakat tertangani cepat",
        "Rata-rata waktu tanggap pengaduan",
        3,
        "hari",
        Arah.TURUN,
    ),
    ("Meningkatnya kepuasan masyarakat", "Nilai IKM unit", 82, "nilai", Arah.NAIK),
    (
        "Data kepegawaian akurat dan tepat waktu",
        "Persentase data tanpa kesalahan",
        100,
        "%",
        Arah.NAIK,
    ),
    (
        "Tersusunnya dokumen perencanaan unit",
        "Jumlah dokumen perencanaan yang ditetapkan",
        4,
        "dokumen",
        Arah.NAIK,
    ),
]

# Rencana aksi: period targets of a kumulatif IKI (TW1–TW4) where the plan is not even.
RENCANA_AKSI = {"Jumlah kegiatan penyuluhan": (4, 8, 8, 4)}

A, S, B = Rating.DI_ATAS.label, Rating.SESUAI.label, Rating.DI_BAWAH.label


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    scorebook: Path
    consolidation: Consolidation
    documents: Written | None = None
    reminders: Path | None = None  # the mail-merge file of the reminders' dry run
    waited: int = 0  # people it has a message for


def _examples(unit: str) -> list[Example]:
    if "Kesehatan" in unit:
        return KESEHATAN
    if "Pendidikan" in unit:
        return PENDIDIKAN + UMUM[:2]
    return UMUM


def _examples_of(nip: str, unit: str) -> list[Example]:
    """The RHK a pegawai plans: drawn from their NIP, so a staff member's sheet can name
    the RHK their pejabat penilai planned (cascading) without filling that sheet first."""
    pool = _examples(unit)
    return random.Random(nip).sample(pool, k=min(3, len(pool)))


def _fill_sheet(
    ws: Worksheet,
    layout: SkpLayout,
    examples: list[Example],
    rnd: random.Random,
    jpt: bool,
    profile: str,
    rhk_atasan: str,
) -> None:
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    row = layout.hk_first_row + 1
    for n, (rhk, iki, target, satuan, arah) in enumerate(examples):
        ws.cell(row, col["jenis"], "Utama" if n < 2 else "Tambahan")
        if not jpt:
            ws.cell(row, col["rhk_atasan"], rhk_atasan)
        ws.cell(row, col["rhk"], rhk)
        aspek = "Penerima Layanan" if jpt else rnd.choice(["Kuantitas", "Kualitas", "Waktu"])
        ws.cell(row, col["aspek"], aspek)
        ws.cell(row, col["iki"], iki)
        ws.cell(row, col["target"], target)
        ws.cell(row, col["satuan"], satuan)
        ws.cell(row, col["arah"], arah.value)
        # Counts add up over the year (kumulatif); rates, averages and scores do not (tetap).
        kumulatif = iki.startswith("Jumlah")
        ws.cell(row, col["sifat"], (Sifat.KUMULATIF if kumulatif else Sifat.TETAP).value)
        plan = RENCANA_AKSI.get(iki)
        for i, p in enumerate(layout.periods):
            # Performance profiles give the atasan something to rate.
            base = {"unggul": 1.06, "baik": 1.0, "kurang": 0.82}[profile]
            factor = base + rnd.uniform(-0.04, 0.04)
            planned: float | None = target
            if kumulatif and p.is_annual:
                # Left blank: the annual realisasi of a kumulatif IKI is the sum of its periods.
                planned = None
            elif kumulatif and plan is not None:
                planned = plan[i]
                ws.cell(row, col[f"target_periode@{p.key}"], planned)
            elif kumulatif:
                planned = target * p.months / 12
            if planned is not None:
                value = planned * (factor if arah is Arah.NAIK else 2 - factor)
                ws.cell(
                    row, col[f"realisasi@{p.key}"], round(max(value, 0), 1 if satuan == "%" else 0)
                )
            ws.cell(
                row, col[f"bukti@{p.key}"], f"https://drive.sukamajukab.go.id/bukti/{p.key}/{row}"
            )
            ws.cell(
                row,
                col[f"umpan_balik@{p.key}"],
                rnd.choice(
                    [
                        "Sesuai rencana aksi.",
                        "Pertahankan capaian.",
                        "Perlu percepatan di bulan berikut.",
                        "Lengkapi dokumentasi kegiatan.",
                    ]
                ),
            )
        row += IKI_PER_RHK  # the next RHK block
    for k in range(7):
        r = layout.pk_first_row + 1 + k
        for i in range(len(layout.periods)):
            ws.cell(
                r, layout.period_col(i, "umpan_balik") + 1, "Menunjukkan perilaku yang diharapkan."
            )
    hasil = {"unggul": A, "baik": S, "kurang": B}[profile]
    for i, _p in enumerate(layout.periods):
        r = layout.nilai_row(i) + 1
        ws.cell(r, NILAI_COL["rating_hasil"] + 1, hasil)
        ws.cell(r, NILAI_COL["rating_perilaku"] + 1, A if profile == "unggul" else S)


Mistake = Callable[[openpyxl.Workbook, list[str], SkpLayout], None]


def _mistakes_a(wb: openpyxl.Workbook, titles: list[str], layout: SkpLayout) -> None:
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    r = layout.hk_first_row + 1
    # ws.cell(r, c, None) leaves a value in place: clear it as a user pressing Delete does.
    wb[titles[1]].cell(layout.nilai_row(0) + 1, NILAI_COL["rating_perilaku"] + 1).value = None
    wb[titles[2]].cell(r, col["realisasi@TW1"], "95%")
    wb[titles[3]].cell(r, col["capaian@TW1"], 100)  # a formula typed over
    wb[titles[4]].cell(layout.nilai_row(0) + 1, NILAI_COL["rating_hasil"] + 1, "Baik sekali")


def _mistakes_b(wb: openpyxl.Workbook, titles: list[str], layout: SkpLayout) -> None:
    col = {k: i + 1 for i, k in enumerate(layout.hk_keys)}
    r, c = layout.identity_cells["peg_nip"]
    ws = wb[titles[1]]
    ws.cell(r + 1, c + 1, float(ws.cell(r + 1, c + 1).value))  # NIP retyped as a number
    ws = wb[titles[2]]
    empty_block = layout.hk_first_row + 1 + 3 * IKI_PER_RHK
    ws.cell(empty_block, col["rhk"], "Terselenggaranya rapat koordinasi")  # an RHK with no IKI
    ws.cell(layout.hk_first_row + 1, col["bukti@TW1"]).value = None


def fill_sample(folder: Path, roster: Roster, rnd: random.Random) -> None:
    layout = SkpLayout(periods(Scheme.TRIWULAN))
    by_nip = roster.by_nip()
    for n, path in enumerate(sorted(folder.glob("*.xlsx"))):
        wb = openpyxl.load_workbook(path)
        titles = [t for t in wb.sheetnames if t[:2].isdigit()]
        everyone_baik = n == 5
        for k, title in enumerate(titles):
            ws = wb[title]
            r, c = layout.identity_cells["peg_nip"]
            person = by_nip.get(str(ws.cell(r + 1, c + 1).value))
            jpt = person is not None and person.jenis_jabatan is JenisJabatan.JPT
            profile = "baik"
            if not everyone_baik and k % 5 == 1:
                profile = "unggul"
            elif not everyone_baik and k % 7 == 3:
                profile = "kurang"
            nip = str(ws.cell(r + 1, c + 1).value)
            boss = by_nip.get(person.penilai_nip or "") if person else None
            # The penilai's first RHK; a penilai outside the roster (the kepala daerah) has
            # none here, so the unit's own first goal stands in.
            above = _examples_of(boss.nip, boss.unit) if boss else _examples(path.stem)
            examples = _examples_of(nip, path.stem)
            _fill_sheet(ws, layout, examples, rnd, jpt, profile, above[0][0])
        recap = RecapLayout(len(layout.periods), len(titles))
        for i in range(len(layout.periods)):
            wb[RECAP_SHEET].cell(recap.org_row + 1, recap.dist_col(i) + 1, OrgPredikat.BAIK.label)
        if n == 1:
            _mistakes_a(wb, titles, layout)
        if n == 2:
            _mistakes_b(wb, titles, layout)
        wb.save(path)


# Fictional public-satisfaction surveys beside the unit workbooks (sheetnilai ikm templat):
# (unit layanan, population, respondents, the unsur answered worst, a junk answer planted).
SURVEYS = (
    ("Dinas Kependudukan dan Pencatatan Sipil", 150, 112, 2, True),
    ("Dinas Kesehatan", 2_000, 64, 7, False),
)


def write_surveys(folder: Path, policy: Policy, rnd: random.Random) -> list[Path]:
    """Survey workbooks filled with answers as respondents give them: mostly 3 and 4, one
    unsur answered worse; one typed 5 that the consolidation reports at its cell."""
    from sheetnilai.rules.ikm import UNSUR
    from sheetnilai.workbook.survei import (
        ANSWER_FIRST_COL,
        ANSWER_FIRST_ROW,
        ANSWER_SHEET,
        write_survey_workbooks,
    )

    units = [unit for unit, *_ in SURVEYS]
    paths = write_survey_workbooks(units, folder, "Triwulan I 2026", None, policy.ikm, True)
    for path, (_, populasi, count, weak, junk) in zip(paths, SURVEYS, strict=True):
        wb = openpyxl.load_workbook(path)
        wb["Survei IKM"]["B5"] = populasi
        ws = wb[ANSWER_SHEET]
        for r in range(count):
            row = ANSWER_FIRST_ROW + 1 + r
            ws.cell(row, 1, f"{1 + r % 28:02d}/03/2026 {8 + r % 8:02d}.{r % 60:02d}")
            for u in range(len(UNSUR)):
                pool = (2, 2, 3, 3, 3, 4) if u == weak else (3, 3, 4, 4, 4, 2)
                ws.cell(row, ANSWER_FIRST_COL + 1 + u, rnd.choice(pool))
        if junk:
            ws.cell(ANSWER_FIRST_ROW + 5, ANSWER_FIRST_COL + 4, 5)
        wb.save(path)
    return paths


LATE_UNIT = "Kecamatan Sukamaju Utara.xlsx"
LOCK_FILE = "~$Dinas Sosial.xlsx"
OLD_FILE = "arsip SKP 2023.xls"


def run_demo(
    folder: Path, policy: Policy, jobs: int | None = None, documents: bool = True
) -> DemoResult:
    """Regenerate the demo folder and run the whole job in it.

    The demo rebuilds its `unit/` folder on every run, but only when that folder holds
    nothing but what the demo itself writes: a file of the user's there is never deleted.
    """
    units = folder / "unit"
    roster = read_roster(sample_roster_path(), policy)
    if units.exists():
        from sheetnilai.workbook.survei import survey_file_names

        ours = set(file_names(list(roster.units()))) | {LOCK_FILE, OLD_FILE}
        ours |= set(survey_file_names([unit for unit, *_ in SURVEYS]))
        foreign = sorted(p.name for p in units.iterdir() if p.name not in ours or p.is_dir())
        if foreign:
            raise SheetnilaiError(
                "demo-folder-berisi-lain",
                {"folder": units, "count": len(foreign), "names": ", ".join(foreign[:3])},
            )
        shutil.rmtree(units)
    generate_unit_workbooks(roster, YEAR, Scheme.TRIWULAN, units, policy, jobs=jobs)
    fill_sample(units, roster, random.Random(YEAR))
    write_surveys(units, policy, random.Random(YEAR))
    # What arrives in a real shared folder: one unit late, a file still open, an old .xls.
    (units / LATE_UNIT).unlink()
    (units / LOCK_FILE).write_bytes(b"\x00" * 165)
    (units / OLD_FILE).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    if not policy.instansi.nama:  # the sample's fictional agency, unless the policy names one
        policy = replace(policy, instansi=InstansiPolicy(INSTANSI, "Sukamaju"))
    result = consolidate(units, PERIOD, policy, roster, jobs=jobs)
    target = folder / f"buku-nilai-{PERIOD}-{YEAR}.xlsx"
    write_scorebook(target, tables(result), charts(result), overwrite=True)
    written = None
    if documents:
        written = write_documents(result, folder / f"dokumen-{PERIOD}-{YEAR}", overwrite=True,
                                  jobs=jobs)  # fmt: skip
    merge, waited = remind(result, roster, policy, folder)
    return DemoResult(folder, target, result, written, merge, waited)


def remind(result: Consolidation, roster: Roster, policy: Policy, folder: Path) -> tuple[Path, int]:
    """`sheetnilai pengingat`'s dry run on the demo: the mail-merge file, nothing sent."""
    from sheetnilai.reminders import build_reminders, period_label, waiting_in, write_merge_file

    reminders = build_reminders(
        waiting_in(result),
        roster,
        f"{period_label(PERIOD)} {YEAR}",
        policy.tenggat.of(PERIOD) or DEADLINE,
        TODAY,
        dict(policy.pengingat.admin_unit) or ADMINS,
        policy.instansi.nama,
    )
    for r in reminders:
        r.status = "uji coba: belum dikirim" if r.email else f"tanpa surel: {r.no_email}"
    target = folder / f"pengingat-{PERIOD}-{YEAR}.csv"
    write_merge_file(reminders, target, overwrite=True)
    return target, len(reminders)
