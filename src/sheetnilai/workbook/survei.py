"""The IKM survey workbook (PermenPANRB 14/2017, domain.md §6): one per service unit.

Two visible sheets. "Jawaban" holds one row per respondent in the column order a Google Form
writes its responses (a timestamp, then one column per question): A timestamp or number,
B–J the nine unsur in `rules.ikm.UNSUR` order, K onward optional respondent data. "Survei
IKM" holds the header (unit layanan, periode, jumlah populasi, the name of the answer sheet)
and the result: per unsur the count of each answer 1–4 and the NRR, then IKM, konversi,
mutu, the Krejcie–Morgan minimum sample and a status, all native formulas that Excel,
LibreOffice and Google Sheets recalculate as answers arrive.

The answer sheet is named in a cell and reached through INDIRECT, because a Google Form can
only write into a sheet it creates itself ("Jawaban Formulir 1"): typing that name in the
cell points every formula at the form's answers without editing one formula.

An answer counts only when it is exactly 1, 2, 3 or 4 (COUNTIF per value): 0, 5, 2.5 or
text are left out of the NRR, as the consolidation leaves them out and reports each at its
cell. A hidden sheet carries the marker names the consolidation recognises the workbook by.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from sheetnilai.rules.ikm import UNSUR
from sheetnilai.rules.policy import IkmPolicy, IkmSampleRounding, IkmWeight

__all__ = [
    "ANSWER_FIRST_COL",
    "ANSWER_FIRST_ROW",
    "ANSWER_SHEET",
    "MAX_RESPONDEN",
    "RESULT_SHEET",
    "SURVEY_FORMAT",
    "SURVEY_VERSION",
    "build_survey_workbook",
]

SURVEY_FORMAT = "sheetnilai-survei-ikm"
SURVEY_VERSION = 1
RESULT_SHEET = "Survei IKM"
ANSWER_SHEET = "Jawaban"
MARK_SHEET = "sheetnilai-ikm"
MAX_RESPONDEN = 5000
ANSWER_FIRST_ROW = 1  # 0-based: row 2, under the header row Google Forms also writes
ANSWER_FIRST_COL = 1  # column B
RESPONDENT_COLUMNS = ("Jenis kelamin", "Usia", "Pendidikan", "Pekerjaan", "Saran/masukan")

# Header cells (0-based rows, value in column B) and the names that point at them.
HEADER = (
    ("SN_IKM_UNIT", "Unit layanan"),
    ("SN_IKM_PERIODE", "Periode survei"),
    ("SN_IKM_POPULASI", "Jumlah populasi (pengguna layanan dalam periode survei)"),
    ("SN_IKM_LEMBAR", "Lembar jawaban"),
)
HEADER_ROW = 2
TABLE_ROW = 8  # the header row of the per-unsur table; unsur rows follow
SUMMARY_ROW = TABLE_ROW + 1 + len(UNSUR) + 1


def _answers(col: int) -> str:
    """The INDIRECT range of one answer column on the sheet named in the header."""
    sheet_cell = xl_rowcol_to_cell(HEADER_ROW + 3, 1, row_abs=True, col_abs=True)
    letter = xl_col_to_name(col)
    first, last = ANSWER_FIRST_ROW + 1, ANSWER_FIRST_ROW + MAX_RESPONDEN
    return f'INDIRECT("\'"&{sheet_cell}&"\'!{letter}{first}:{letter}{last}")'


def build_survey_workbook(
    path: Path,
    unit: str,
    periode: str = "",
    populasi: int | None = None,
    policy: IkmPolicy | None = None,
    jawaban: Sequence[Sequence[object]] = (),
) -> None:
    """Write the survey workbook of `unit` to `path` (an .xlsx); `jawaban` are answer rows
    already given (timestamp or number, then the nine answers), for samples and tests."""
    policy = policy or IkmPolicy()
    wb = xlsxwriter.Workbook(str(path))
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"})
    bold = wb.add_format({"bold": True})
    header = wb.add_format(
        {"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True, "valign": "top"}
    )
    label = wb.add_format({"text_wrap": True, "valign": "top"})
    entry = wb.add_format({"bg_color": "#FFF7D6", "border": 1})
    entry_text = wb.add_format({"bg_color": "#FFF7D6", "border": 1, "num_format": "@"})
    calc = wb.add_format({"bg_color": "#ECEFF4", "border": 1})
    calc4 = wb.add_format({"bg_color": "#ECEFF4", "border": 1, "num_format": "0.0000"})
    calc2 = wb.add_format({"bg_color": "#ECEFF4", "border": 1, "num_format": "0.00"})
    calc_bold = wb.add_format({"bg_color": "#ECEFF4", "border": 1, "bold": True})
    note = wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True})

    ws = wb.add_worksheet(RESULT_SHEET)
    ans = wb.add_worksheet(ANSWER_SHEET)
    mark = wb.add_worksheet(MARK_SHEET)

    # --- header ------------------------------------------------------------------------
    # Column A as wide as the longest label (the population's, U8's), so no label wraps
    # into the row below it; printed landscape, every column on one page's width.
    ws.set_column(0, 0, 52)
    ws.set_column(1, 11, 12)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.write(0, 0, "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)", title)
    values: tuple[object, ...] = (unit, periode, populasi, ANSWER_SHEET)
    for k, ((name, text), value) in enumerate(zip(HEADER, values, strict=True)):
        r = HEADER_ROW + k
        ws.write(r, 0, text, label)
        if isinstance(value, int):
            ws.write_number(r, 1, value, entry)
        else:
            ws.write_string(r, 1, str(value or ""), entry_text)
        wb.define_name(name, f"='{RESULT_SHEET}'!{xl_rowcol_to_cell(r, 1, True, True)}")
    ws.set_row(HEADER_ROW + 4, 30)
    ws.merge_range(HEADER_ROW + 4, 0, HEADER_ROW + 4, 9, "", note)
    ws.write(
        HEADER_ROW + 4,
        0,
        "Jawaban diisi di lembar Jawaban (satu baris per responden, unsur di kolom B–J, nilai "
        "1–4). Untuk Google Form, ketik nama lembar jawabannya (mis. Jawaban Formulir 1) di "
        "sel Lembar jawaban.",
        note,
    )

    # --- per unsur ---------------------------------------------------------------------
    cols = ("Unsur pelayanan", "Jawaban 1", "Jawaban 2", "Jawaban 3", "Jawaban 4",
            "Jawaban sah", "Tidak sah", "Jumlah nilai", "NRR", "NRR tertimbang")  # fmt: skip
    ws.set_row(TABLE_ROW, 30)  # two lines for "NRR tertimbang"
    for c, text in enumerate(cols):
        ws.write(TABLE_ROW, c, text, header)
    weight_row = SUMMARY_ROW
    weight = xl_rowcol_to_cell(weight_row, 1, row_abs=True, col_abs=True)
    for u, name in enumerate(UNSUR):
        r = TABLE_ROW + 1 + u
        rng = _answers(ANSWER_FIRST_COL + u)
        ws.write(r, 0, f"U{u + 1} {name}", label)
        for v in range(1, 5):
            ws.write_formula(r, v, f"=COUNTIF({rng},{v})", calc, 0)
        cnt = [xl_rowcol_to_cell(r, v) for v in range(1, 5)]
        valid, total = xl_rowcol_to_cell(r, 5), xl_rowcol_to_cell(r, 7)
        ws.write_formula(r, 5, f"=SUM({cnt[0]}:{cnt[3]})", calc, 0)
        # COUNTA counts every filled cell; what is not exactly 1–4 is not counted.
        ws.write_formula(r, 6, f"=COUNTA({rng})-{valid}", calc, 0)
        ws.write_formula(r, 7, f"={cnt[0]}+2*{cnt[1]}+3*{cnt[2]}+4*{cnt[3]}", calc, 0)
        ws.write_formula(r, 8, f'=IF({valid}=0,"",{total}/{valid})', calc4, "")
        nrr = xl_rowcol_to_cell(r, 8)
        ws.write_formula(r, 9, f'=IF({valid}=0,"",{nrr}*{weight})', calc4, "")
    first_u, last_u = TABLE_ROW + 1, TABLE_ROW + len(UNSUR)
    nrr_col = f"{xl_rowcol_to_cell(first_u, 8)}:{xl_rowcol_to_cell(last_u, 8)}"
    nt_col = f"{xl_rowcol_to_cell(first_u, 9)}:{xl_rowcol_to_cell(last_u, 9)}"
    bad_col = f"{xl_rowcol_to_cell(first_u, 6)}:{xl_rowcol_to_cell(last_u, 6)}"

    # --- result ------------------------------------------------------------------------
    r = SUMMARY_ROW
    cell = {}
    rows: list[tuple[str, str, str, object]] = []
    if policy.bobot is IkmWeight.NINTH:
        rows.append(("bobot", "Bobot per unsur (1/9)", "=1/9", 1 / 9))
    else:
        rows.append(("bobot", "Bobot per unsur (0,11 seperti tercetak)", "=0.11", 0.11))
    # A respondent counts when at least one of their answers is a valid 1–4.
    per_col = "+".join(
        f"ISNUMBER(MATCH({_answers(ANSWER_FIRST_COL + u)},{{{{1,2,3,4}}}},0))"
        for u in range(len(UNSUR))
    )
    rows.append(("responden", "Jumlah responden", f"=SUMPRODUCT(--(({per_col})>0))", 0))
    rows.append(("ikm", "IKM (jumlah NRR tertimbang, 1–4)",
                 f'=IF(COUNT({nrr_col})<9,"",SUM({nt_col}))', ""))  # fmt: skip
    rows.append(("konversi", "Nilai IKM konversi (IKM × 25)", '=IF({ikm}="","",{ikm}*25)', ""))
    # ROUND to 9 places first absorbs binary noise (88.30499999… of an exact 88.305).
    rows.append(("tampil", "Nilai IKM (dua desimal)",
                 '=IF({konversi}="","",ROUND(ROUND({konversi},9),2))', ""))  # fmt: skip
    rows.append(("mutu", "Mutu pelayanan",
                 '=IF({tampil}="","",IF({tampil}>=88.31,"A",IF({tampil}>=76.61,"B",'
                 'IF({tampil}>=65,"C","D"))))', ""))  # fmt: skip
    rows.append(("kinerja", "Kinerja unit pelayanan",
                 '=IF({mutu}="","",IF({mutu}="A","Sangat Baik",IF({mutu}="B","Baik",'
                 'IF({mutu}="C","Kurang Baik","Tidak Baik"))))', ""))  # fmt: skip
    pop = xl_rowcol_to_cell(HEADER_ROW + 2, 1, row_abs=True, col_abs=True)
    km = f"3.841*{pop}*0.25/(0.0025*({pop}-1)+3.841*0.25)"
    rounded = (
        f"ROUNDUP(ROUND({km},9),0)"
        if policy.sampel is IkmSampleRounding.UP
        else f"ROUND(ROUND({km},9),0)"
    )
    how = "dibulatkan ke atas" if policy.sampel is IkmSampleRounding.UP else "seperti tabel"
    rows.append(("sampel", f"Sampel minimum (Krejcie–Morgan, {how})",
                 f'=IF(ISNUMBER({pop}),IF(AND({pop}>=1,{pop}=INT({pop})),{rounded},""),"")',
                 ""))  # fmt: skip
    rows.append(("tidak_sah", "Jawaban tidak sah (tidak dihitung)", f"=SUM({bad_col})", 0))
    rows.append(("status", "Status",
                 '=IF({responden}=0,"Belum ada jawaban",IF({ikm}="","Ada unsur tanpa jawaban",'
                 'IF({sampel}="","Isi jumlah populasi untuk memeriksa sampel minimum",'
                 'IF({responden}>={sampel},"Sampel cukup","Sampel kurang: perlu "&'
                 '({sampel}-{responden})&" responden lagi"))))'
                 '&IF({tidak_sah}>0,"; "&{tidak_sah}&" jawaban tidak sah tidak dihitung","")',
                 ""))  # fmt: skip
    for k, (key, _, _, _) in enumerate(rows):
        cell[key] = xl_rowcol_to_cell(r + k, 1, row_abs=True, col_abs=True)
    fmt = {"bobot": calc4, "ikm": calc4, "konversi": calc4, "tampil": calc2}
    for k, (key, text, formula, cached) in enumerate(rows):
        ws.write(r + k, 0, text, bold if key in ("tampil", "mutu", "status") else label)
        style = fmt.get(key, calc_bold if key in ("tampil", "mutu", "status") else calc)
        ws.write_formula(r + k, 1, formula.format(**cell), style, cached)
        wb.define_name(f"SN_IKM_{key.upper()}", f"='{RESULT_SHEET}'!{cell[key]}")
    ws.freeze_panes(TABLE_ROW + 1, 0)
    ws.activate()

    # --- answers -----------------------------------------------------------------------
    ans.set_column(0, 0, 20)
    ans.set_column(1, 9, 14)
    ans.set_column(10, 10 + len(RESPONDENT_COLUMNS) - 1, 16)
    ans.write(0, 0, "Stempel waktu / No", header)
    for u, name in enumerate(UNSUR):
        ans.write(0, ANSWER_FIRST_COL + u, f"U{u + 1} {name}", header)
    for k, text in enumerate(RESPONDENT_COLUMNS):
        ans.write(0, ANSWER_FIRST_COL + len(UNSUR) + k, text, header)
    ans.set_row(0, 45)
    ans.freeze_panes(1, 1)
    ans.set_landscape()
    ans.set_paper(9)
    ans.fit_to_pages(1, 0)
    ans.repeat_rows(0)
    last = ANSWER_FIRST_ROW + MAX_RESPONDEN - 1
    ans.data_validation(
        ANSWER_FIRST_ROW,
        ANSWER_FIRST_COL,
        last,
        ANSWER_FIRST_COL + len(UNSUR) - 1,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 4,
            "error_title": "Jawaban 1–4",
            "error_message": "Isi 1 (tidak baik) sampai 4 (sangat baik), atau kosongkan.",
            "input_title": "Jawaban 1–4",
            "input_message": "1 tidak baik, 2 kurang baik, 3 baik, 4 sangat baik.",
        },
    )

    for r, row in enumerate(jawaban):
        for c, value in enumerate(row):
            if value is not None:
                ans.write(ANSWER_FIRST_ROW + r, c, value)

    # --- marker ------------------------------------------------------------------------
    mark.write(0, 0, "format")
    mark.write(0, 1, SURVEY_FORMAT)
    mark.write(1, 0, "versi")
    mark.write_number(1, 1, SURVEY_VERSION)
    mark.hide()
    wb.define_name("SN_IKM_FORMAT", f"='{MARK_SHEET}'!$B$1")
    wb.define_name("SN_IKM_VERSI", f"='{MARK_SHEET}'!$B$2")
    wb.close()


def survey_file_names(units: list[str]) -> list[str]:
    """ "IKM <unit>.xlsx", distinct per unit: beside the unit workbooks ("<unit>.xlsx") a
    survey never takes a unit workbook's name."""
    from sheetnilai.workbook.generate import file_names

    return file_names([f"IKM {u}" for u in units])


def write_survey_workbooks(
    units: list[str],
    outdir: Path,
    periode: str = "",
    populasi: int | None = None,
    policy: IkmPolicy | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """One survey workbook per unit in `outdir`; nothing is written when any exists and
    `overwrite` is not set."""
    from sheetnilai.errors import SheetnilaiError
    from sheetnilai.files import atomic_path

    if not units:
        raise SheetnilaiError("ikm-templat-tanpa-unit")
    targets = [outdir / n for n in survey_file_names(units)]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise SheetnilaiError(
            "ikm-templat-sudah-ada",
            {"count": len(existing), "path": existing[0], "folder": outdir},
        )
    outdir.mkdir(parents=True, exist_ok=True)
    for unit, target in zip(units, targets, strict=True):
        with atomic_path(target, overwrite) as tmp:
            build_survey_workbook(tmp, unit, periode, populasi, policy)
    return targets
