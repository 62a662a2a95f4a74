"""Formula text of the unit workbook, generated from the rules library's labels and tables.

Only functions that Excel (2010+), LibreOffice Calc 7.4 and Google Sheets compute alike
(integrations.md §1, §7): IF/AND/OR/NOT, ISNUMBER, ROUND, MIN/MAX, AVERAGE/COUNT/COUNTIF,
INDEX/MATCH, SUMPRODUCT, SUBSTITUTE and `&`. No IFS/SWITCH/CONCAT, no arrays, no INDIRECT/OFFSET.
Thresholds are compared after ROUND(...,6) or on integers, so no binary float decides them;
`sheetnilai.workbook.model` states in Python what every formula must show, and the tests
recalculate the formulas in LibreOffice to prove the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from sheetnilai.rules.labels import CURVE_ORDER, Rating
from sheetnilai.rules.plausibility import FRACTION_TARGET_MAX, PERCENT_WORDS
from sheetnilai.rules.policy import PeriodReading, Sifat, TahunanKumulatif

# Names of the Aturan sheet's cells and ranges (workbook scope).
N_DESIMAL = "Aturan_Desimal"
N_BATAS_ATAS = "Aturan_BatasAtas"
N_SARAN_AKTIF = "Aturan_SaranAktif"
N_SARAN_METODE = "Aturan_SaranMetode"
N_BATAS_DI_ATAS = "Aturan_BatasDiAtas"
N_BATAS_SESUAI = "Aturan_BatasSesuai"
N_RATING = "Aturan_Rating"
N_MATRIKS = "Aturan_Matriks"
N_PREDIKAT = "Aturan_Predikat"
N_AK_PERSEN = "Aturan_AkPersen"
N_JENJANG = "Aturan_Jenjang"
N_KOEFISIEN = "Aturan_Koefisien"
N_DIST_ORG = "Aturan_DistOrg"
N_DIST_JENIS = "Aturan_DistJenis"
N_DIST_BATAS = "Aturan_DistBatas"
N_DIST_KELOMPOK = "Aturan_DistKelompok"
N_DIST_PEMBULATAN = "Aturan_DistPembulatan"
N_KALI_TARGET = "Aturan_KaliTarget"
N_PERSEN_KALI = "Aturan_PersenKali"
N_SIFAT_KOSONG = "Aturan_SifatKosong"
N_KUM_TANPA_TARGET = "Aturan_KumTanpaTarget"
N_TARGET_PERIODE = "Aturan_TargetPeriode"
N_REAL_TAHUNAN = "Aturan_RealTahunan"
N_SELISIH_TARGET = "Aturan_SelisihTarget"
N_NAIK = "Aturan_Naik"
N_TURUN = "Aturan_Turun"
N_DIST_FLAG = tuple(f"Aturan_DistF{i}" for i in range(len(CURVE_ORDER)))  # curve order

# What a capaian cell shows when the rules refuse the input (model.CAPAIAN_TEXT agrees).
TXT_BUKAN_ANGKA = "bukan angka"
TXT_NEGATIF = "negatif"
TXT_RENTANG = "rentang terbalik"
TXT_ARAH = "arah tidak dikenal"
TXT_TARGET_NOL = "target 0"
TXT_SIFAT = "sifat tidak dikenal"
TXT_BULAN = "bulan tidak sah"
# How the "Periksa isian" hints begin (model.periksa_cell agrees).
HINT_PERSEN = "persen? ketik "
HINT_DI_ATAS = "jauh di atas target?"
HINT_DI_BAWAH = "jauh di bawah target?"
# COUNTIF patterns of plausibility.satuan_is_percent (case-insensitive, * = anything).
PERCENT_PATTERNS = ("*%*", *(f"{w}*" for w in PERCENT_WORDS))

DIST_SLOTS = 3  # constraints per organisation predikat (domain.md §2.9 has at most 3)


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _not_number(ref: str) -> str:
    # LibreOffice counts TRUE/FALSE as numbers and Excel does not: ISLOGICAL makes both refuse.
    return f"OR(NOT(ISNUMBER({ref})),ISLOGICAL({ref}))"


def capaian(
    real: str, target: str, atas: str, arah: str, *, exact: bool, sifat: str | None = None
) -> str:
    """Capaian (%) of one IKI in one period [V:S10]; cell references are given relative.

    `real`, `target` and `atas` are the period's *dinilai* cells (see `dinilai_*`).
    `exact` (policy capaian.desimal = "tanpa") keeps 9 decimals instead of rounding.
    `sifat`: the IKI's sifat cell, refused when it holds an unknown word.
    """
    sifat_guard = (
        ""
        if sifat is None
        else f'IF(AND({sifat}<>"",{sifat}<>{_q(Sifat.KUMULATIF.value)},'
        f"{sifat}<>{_q(Sifat.TETAP.value)}),{_q(TXT_SIFAT)},"
    )
    bound = f'IF(AND({atas}<>"",{real}>{atas}),{atas},{target})'
    ratio = f"{real}/{bound}"
    raw = f"IF({arah}={N_TURUN},2-{ratio},{ratio})*100"
    # ROUND(x,9) first: spreadsheet ROUND on a binary float like 97.49999999999999 must act
    # on the decimal value the user's numbers imply (97.5 → 98), as the exact rules do.
    shown = f"ROUND({raw},9)" if exact else f"ROUND(ROUND({raw},9),{N_DESIMAL})"
    return (
        f'=IF(OR({real}="",AND({target}="",{atas}="")),"",'
        f"IF(OR({_not_number(real)},{_not_number(target)},"
        f'AND({atas}<>"",{_not_number(atas)})),{_q(TXT_BUKAN_ANGKA)},'
        f'IF(OR({real}<0,{target}<0,AND({atas}<>"",{atas}<0)),{_q(TXT_NEGATIF)},'
        f'IF(AND({atas}<>"",{atas}<{target}),{_q(TXT_RENTANG)},'
        f'IF(AND({arah}<>"",{arah}<>{N_NAIK},{arah}<>{N_TURUN}),{_q(TXT_ARAH)},'
        f"{sifat_guard}"
        # A range only when the upper bound is above the lower (0–0 is the point target 0).
        f'IF(AND({atas}<>"",{atas}>{target},{real}>={target},{real}<={atas}),'
        f"MIN({N_BATAS_ATAS},100),"
        f"IF({bound}=0,{_q(TXT_TARGET_NOL)},"
        f"MIN({N_BATAS_ATAS},MAX(0,{shown}))))))))" + ("" if sifat is None else ")")
    )


# --- the basis of a period's capaian (rules/periodik.py) ----------------------------------


def _kumulatif(sifat: str) -> str:
    """TRUE when the IKI counts as kumulatif: so labelled, or blank under that policy."""
    kum = Sifat.KUMULATIF.value
    return f'OR({sifat}={_q(kum)},AND({sifat}="",{N_SIFAT_KOSONG}={_q(kum.lower())}))'


def _so_far(reals: Sequence[str]) -> str:
    # Blank, text and TRUE/FALSE add nothing (SUM would count TRUE as 1 in LibreOffice).
    return "(" + "+".join(f"IF({_not_number(r)},0,{r})" for r in reals) + ")"


def _numbers(reals: Sequence[str]) -> str:
    return "(" + "+".join(f"IF({_not_number(r)},0,1)" for r in reals) + ")"


def dinilai_realisasi(sifat: str, period_target: str, reals: Sequence[str]) -> str:
    """The realisasi a non-annual period's capaian compares (periodik.period_basis): the
    period's own, or the sum so far (`reals` are this and the earlier periods' realisasi,
    this one last). Blank stays blank; text or TRUE shows "bukan angka" (a TRUE passed on
    would be a number to LibreOffice), for the capaian cell to refuse."""
    own = reals[-1]
    so_far_reading = (
        f'IF({period_target}<>"",{N_TARGET_PERIODE}={_q(PeriodReading.KUMULATIF.value)},'
        f"{N_KUM_TANPA_TARGET}={_q(PeriodReading.KUMULATIF.value)})"
    )
    return (
        f'=IF({_not_number(own)},IF({own}="","",{_q(TXT_BUKAN_ANGKA)}),'
        f"IF(AND({_kumulatif(sifat)},{so_far_reading}),{_so_far(reals)},{own}))"
    )


def dinilai_target(
    sifat: str, period_target: str, bound: str, *, lower: bool, months_own: int, months_so_far: int
) -> str:
    """One bound of the target a non-annual period's capaian compares: the period target (a
    point, so the upper bound is then blank), else for a kumulatif IKI the annual bound ×
    months / 12, else the annual bound. `bound`: the target or the target batas atas cell."""
    months = (
        f"IF({N_KUM_TANPA_TARGET}={_q(PeriodReading.KUMULATIF.value)},{months_so_far},{months_own})"
    )
    annual = (
        f'IF({bound}="","",IF({_not_number(bound)},{_q(TXT_BUKAN_ANGKA)},'
        f"IF({_kumulatif(sifat)},{bound}*{months}/12,{bound})))"
    )
    given = (
        f"IF({_not_number(period_target)},{_q(TXT_BUKAN_ANGKA)},{period_target})" if lower else '""'
    )
    return f'=IF({period_target}<>"",{given},{annual})'


def dinilai_realisasi_tahunan(sifat: str, entered: str, reals: Sequence[str]) -> str:
    """The annual realisasi (periodik.annual_realisasi): the entered value, or for a
    kumulatif IKI left blank the sum of the periods that have a number."""
    total = f'IF({_numbers(reals)}=0,"",{_so_far(reals)})'
    return (
        f'=IF(AND({entered}="",{_kumulatif(sifat)},'
        f"{N_REAL_TAHUNAN}={_q(TahunanKumulatif.JUMLAH.value)}),{total},"
        f"{_as_number(entered)})"
    )


def _as_number(ref: str) -> str:
    return f'IF({ref}="","",IF({_not_number(ref)},{_q(TXT_BUKAN_ANGKA)},{ref}))'


def dinilai_salin(source: str) -> str:
    """An annual target bound as the capaian compares it (blank stays blank, where `=A1`
    would show 0; text shows "bukan angka")."""
    return f"={_as_number(source)}"


def _number_text(x: str) -> str:
    # A number as the hint shows it: 6 decimals at most, Indonesian comma (see _pct).
    return f'SUBSTITUTE(ROUND({x},6)&"",".",",")'


def periksa(real: str, target: str, atas: str, satuan: str, capaian_cell: str) -> str:
    """The "Periksa isian" hint of one IKI in one period [rules/plausibility.py]: its percent
    and magnitude checks, without what a formula cannot see (number formats, so no dates).

    Checked only where the period's capaian is a number and the realisasi is above 0, so the
    inputs are valid numbers and atas, when present, is ≥ target (MAX is then the upper
    bound). `model.periksa_cell` states the same in Python, hint texts included.
    """
    p, k = N_PERSEN_KALI, N_KALI_TARGET
    top = f"ROUND(MAX({target},{atas})*{p},9)"
    # plausibility.satuan_is_percent: "%" anywhere, or starting with a PERCENT_WORDS word.
    percent = "+".join(f'COUNTIF({satuan},"{pattern}")' for pattern in PERCENT_PATTERNS)
    whole = (
        f"AND(ROUND({real}*{p},9)<{target},ROUND({real}*100,9)<={top},"
        f"ROUND({real}*100*{p},9)>={target})"
    )
    fraction = (
        f"AND(MAX({target},{atas})<={FRACTION_TARGET_MAX},{real}>{top},"
        f"ROUND({real}/100,9)<={top},ROUND({real}/100*{p},9)>={target})"
    )
    return (
        f'=IF(OR(NOT(ISNUMBER({capaian_cell})),NOT({real}>0)),"",'
        f"IF(AND({percent}>0,{whole}),{_q(HINT_PERSEN)}&{_number_text(f'{real}*100')},"
        f'IF(AND({percent}>0,{fraction}),{_q(HINT_PERSEN)}&{_number_text(real)}&"%",'
        f"IF(ROUND({real}/MAX({target},{atas}),9)>{k},{_q(HINT_DI_ATAS)},"
        f'IF(ROUND({target}/{real},9)>{k},{_q(HINT_DI_BAWAH)},"")))))'
    )


def saran(capaian_range: str) -> str:
    """Suggested rating hasil kerja over the numeric capaian of one period (§2.7)."""
    score = (
        f'ROUND(IF({N_SARAN_METODE}="terendah",MIN({capaian_range}),AVERAGE({capaian_range})),6)'
    )
    a, s, b = (_q(r.label) for r in (Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH))
    return (
        f'=IF(OR({N_SARAN_AKTIF}<>"ya",COUNT({capaian_range})=0),"",'
        f"IF({score}>={N_BATAS_DI_ATAS},{a},IF({score}>={N_BATAS_SESUAI},{s},{b})))"
    )


def behind(capaian_range: str) -> str:
    """IKI of one period whose capaian is more than the margin below 100%
    (peringatan_dini.selisih_target): numbers only (a capaian cell holds a number, "" or a
    reason), as `model.behind_cell` counts them. SUMPRODUCT rather than COUNTIF: a criteria
    string would be read in the user's locale."""
    return f"=SUMPRODUCT(ISNUMBER({capaian_range})*({capaian_range}<100-{N_SELISIH_TARGET}))"


def predikat(hasil: str, perilaku: str) -> str:
    """The 3×3 matrix looked up in the Aturan sheet (§2.8)."""
    return (
        f'=IF(OR({hasil}="",{perilaku}=""),"",IFERROR(INDEX({N_MATRIKS},'
        f'MATCH({hasil},{N_RATING},0),MATCH({perilaku},{N_RATING},0)),"rating tidak dikenal"))'
    )


def angka_kredit(predikat_cell: str, jenjang: str, bulan: str) -> str:
    """(bulan/12) × persen(predikat) × koefisien(jenjang) [V:S11]; blank when not JF."""
    ak = (
        f"{bulan}/12*INDEX({N_AK_PERSEN},MATCH({predikat_cell},{N_PREDIKAT},0))/100*"
        f"INDEX({N_KOEFISIEN},MATCH({jenjang},{N_JENJANG},0))"
    )
    return (
        f'=IF(OR({predikat_cell}="",{jenjang}="",{_not_number(bulan)}),"",'
        f'IF(ISERROR({ak}),"",'
        f"IF(OR({bulan}<1,{bulan}>12,{bulan}<>INT({bulan})),{_q(TXT_BULAN)},{ak})))"
    )


# --- distribution check in the Rekap sheet ------------------------------------------------


def count_predikat(predikat_range: str, label: str) -> str:
    return f"=COUNTIF({predikat_range},{_q(label)})"


def dist_index(org: str, slot: int) -> str:
    """Row in the Aturan constraint table of the organisation predikat's `slot`-th rule."""
    return f'=IF({org}="","",IFERROR(MATCH({org},{N_DIST_ORG},0)+{slot},""))'


def dist_kind(idx: str) -> str:
    return f'=IF({idx}="","",INDEX({N_DIST_JENIS},{idx})&"")'


def dist_count(idx: str, counts: Sequence[str]) -> str:
    """Employees in the rule's groups: Σ flag × count over the five predikat."""
    terms = "+".join(
        f"INDEX({flag},{idx})*{c}" for flag, c in zip(N_DIST_FLAG, counts, strict=True)
    )
    return f'=IF({idx}="","",{terms})'


def dist_rival(idx: str, counts: Sequence[str]) -> str:
    """Largest count among the predikat outside the rule's groups (for "terbanyak")."""
    masked = ",".join(
        f"(1-INDEX({flag},{idx}))*{c}" for flag, c in zip(N_DIST_FLAG, counts, strict=True)
    )
    return f'=IF({idx}="","",MAX({masked}))'


def dist_rival_label(
    idx: str, rival: str, counts_desc: Sequence[str], labels_desc: Sequence[str]
) -> str:
    """The predikat holding the rival count; ties go to the better predikat, as in the rules."""
    flags_desc = list(reversed(N_DIST_FLAG))
    out = '""'
    for flag, c, label in reversed(list(zip(flags_desc, counts_desc, labels_desc, strict=True))):
        out = f"IF(AND(INDEX({flag},{idx})=0,{c}={rival}),{_q(label)},{out})"
    return f'=IF(OR({idx}="",{rival}=""),"",{out})'


def dist_limit_heads(idx: str, n: str) -> str:
    return f'=IF({idx}="","",ROUND(INDEX({N_DIST_BATAS},{idx})*{n}/100,0))'


def dist_breaks(kind: str, idx: str, count: str, n: str, heads: str, rival: str) -> str:
    """TRUE when the rule is broken. Percent limits compare integers: count×100 vs limit×n."""
    limit = f"INDEX({N_DIST_BATAS},{idx})"
    headcount = f'{N_DIST_PEMBULATAN}="bulatkan-jumlah"'
    return (
        f'=IF(OR({idx}="",{n}=0),FALSE,'
        f'IF({kind}="maks",IF({headcount},{count}>{heads},{count}*100>{limit}*{n}),'
        f'IF({kind}="min",IF({headcount},{count}<{heads},{count}*100<{limit}*{n}),'
        f'IF({kind}="terbanyak",{rival}>{count},'
        f'IF({kind}="wajib-ada",{count}=0,'
        f'IF({kind}="dilarang",{count}>0,FALSE))))))'
    )


def _pct(count: str, n: str) -> str:
    # ROUND(...,2)&"" prints "66.67" in an en-US engine and "66,67" in an Indonesian one;
    # SUBSTITUTE makes both read as the rules' Indonesian "66,67".
    return f'SUBSTITUTE(ROUND({count}/{n}*100,2)&"",".",",")&"%"'


def dist_sentence(
    kind: str,
    idx: str,
    count: str,
    n: str,
    heads: str,
    rival: str,
    rival_label: str,
    broken: str,
    org: str,
) -> str:
    """The Indonesian sentence of a broken rule; the same text as the rules' messages."""
    group = f"INDEX({N_DIST_KELOMPOK},{idx})"
    limit = f"INDEX({N_DIST_BATAS},{idx})"
    found = f'{_pct(count, n)}&" ("&{count}&" dari "&{n}&" pegawai)"'
    limit_text = (
        f'IF({N_DIST_PEMBULATAN}="bulatkan-jumlah",{heads}&" pegawai ("&{limit}&"% dari "&{n}&")",'
        f'{limit}&"%")'
    )
    tail = f'" (predikat organisasi "&{org}&")."'
    return (
        f'=IF(NOT({broken}),"",'
        f'IF({kind}="maks",{group}&" "&{found}&" > batas "&{limit_text}&{tail},'
        f'IF({kind}="min",{group}&" "&{found}&" < minimum "&{limit_text}&{tail},'
        f'IF({kind}="terbanyak",{group}&" ("&{found}&") harus menjadi kelompok terbanyak, '
        f'tetapi "&{rival_label}&" lebih banyak ("&{_pct(rival, n)}&" ("&{rival}&" dari "&{n}&'
        f'" pegawai))"&{tail},'
        f'IF({kind}="wajib-ada","Harus ada pegawai berpredikat "&{group}&", tetapi tidak ada'
        f' (predikat organisasi "&{org}&").",'
        f'{group}&" tidak boleh ada bila predikat organisasi "&{org}&", tetapi ada "&{count}&'
        f'" pegawai.")))))'
    )


def dist_status(org: str, n: str, broken: Sequence[str]) -> str:
    return (
        f'=IF({org}="","Pilih predikat organisasi",IF({n}=0,"Belum ada data",'
        f'IF(OR({",".join(broken)}),"Tidak sesuai","Sesuai")))'
    )


def join_sentences(sentences: Sequence[str]) -> str:
    parts = "&".join(f'IF({s}="","",{s}&" ")' for s in sentences)
    return f"=TRIM({parts})"
