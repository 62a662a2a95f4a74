"""IKI whose source is an IKM survey (issue 16): linked across files in the consolidation.

An IKI is linked when its indikator or satuan names the IKM ("IKM", "Indeks Kepuasan
Masyarakat") and either names a surveyed unit layanan ("Nilai IKM Puskesmas Sukamaju") or
belongs to a unit kerja that has a survey of its own ("Nilai IKM unit" in Dinas X, with a
survey of Dinas X). The link is shown in the Hasil Kerja table (the source and the survey's
value).

Under `[ikm] realisasi_iki = "survei"` (the default, as the issue asks) the survey's exact
konversi is the IKI's realisasi: its capaian, nilai and the pegawai's suggested rating are
recomputed with the same rules the worker used, an empty typed realisasi is no longer
missing, and a typed one that differs from the published value (the konversi rounded to 2
decimals) is a peringatan at its cell. The ratings and so the predikat stay the pejabat
penilai's. A kumulatif IKI keeps its typed realisasi (a survey score is a level, not an
amount to add up over periods) and says so. Under "diketik" the typed realisasi decides and
the survey only shows beside it.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

from sheetnilai.periods import period_objects
from sheetnilai.problems import Problem
from sheetnilai.rules.capaian import nilai_capaian
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import name_key as _norm
from sheetnilai.rules.numbers import exact, exact_sum
from sheetnilai.rules.policy import IkiSurveySource, Policy, Sifat
from sheetnilai.shown import iki_shown
from sheetnilai.workbook import model

if TYPE_CHECKING:
    from sheetnilai.consolidate import Consolidation
    from sheetnilai.sources.survei import SurveyResult
    from sheetnilai.validate import IkiResult, UnitResult

__all__ = ["link_surveys", "survey_source"]

# An IKI is an IKM value when its indikator *is* one: "Nilai IKM unit", "IKM Puskesmas A",
# "Indeks Kepuasan Masyarakat (IKM) Dinas X". One that only mentions the survey ("Jumlah
# laporan hasil survei IKM") counts something else and keeps its typed realisasi.
_IKM_VALUE = re.compile(
    r"^(?:(?:nilai|skor|indeks)\s+)?(?:ikm|indeks\s+kepuasan\s+masyarakat)(?:\s*\(ikm\))?"
    r"(?:\s+(?P<rest>.*))?$"
)
# What may follow the IKM to mean "of this unit" rather than naming a unit layanan.
_OWN_UNIT = re.compile(r"^(?:(?:pada|di|dari)\s+)?(?:unit(?:\s+(?:kerja|layanan))?|pelayanan)?$")
# The konversi scale (25–100): a target outside it is no IKM value (1–4 scale, a count).
_SCALE = (Fraction(25), Fraction(100))


def survey_source(survey: SurveyResult) -> str:
    return f"IKM {survey.unit} ({survey.name})"


def _named_survey(iki: IkiResult, surveys: dict[str, SurveyResult]) -> SurveyResult | None:
    """The survey an IKI's indikator names, exactly: "Nilai IKM Puskesmas Sukamaju" is the
    survey of "Puskesmas Sukamaju" (never of "Puskesmas Suka"); "Nilai IKM unit" is the
    survey of the IKI's own unit kerja."""
    found = _IKM_VALUE.match(_norm(iki.iki))
    if found is None:
        return None
    try:
        target = exact(iki.target, "Target")
    except RuleError:
        return None
    if not _SCALE[0] <= target <= _SCALE[1]:
        return None
    rest = (found["rest"] or "").strip()
    if _OWN_UNIT.match(rest):
        return surveys.get(_norm(iki.unit))
    for prefix in ("pada ", "di ", "dari ", "unit layanan "):
        rest = rest.removeprefix(prefix)
    return surveys.get(rest)


def link_surveys(result: Consolidation) -> None:
    """Fill `result.iki_surveys`; under realisasi_iki = "survei" score linked IKI on the
    survey's value; a peringatan where a typed realisasi differs."""
    by_unit: dict[str, list[SurveyResult]] = {}
    for s in result.surveys:
        if s.hasil is not None:
            by_unit.setdefault(_norm(s.unit), []).append(s)
    surveys: dict[str, SurveyResult] = {}
    for name, found in by_unit.items():
        if len(found) == 1:
            surveys[name] = found[0]
            continue
        # Two surveys of one unit layanan (last period's left in the folder, a copy): which
        # one is meant cannot be told, so neither decides an IKI.
        result.problems.append(
            Problem.make(
                "ikm-survei-ganda",
                params={"unit": found[0].unit, "files": ", ".join(s.name for s in found)},
                file=found[0].name,
            )
        )
    if not surveys:
        return
    policy = result.policy
    from_survey = policy.ikm.realisasi_iki is IkiSurveySource.SURVEY
    for unit in result.units:
        rescored: dict[tuple[str, str], int] = {}  # sheet -> galat it no longer has
        for iki in unit.iki:
            survey = _named_survey(iki, surveys)
            if survey is None:
                continue
            assert survey.hasil is not None
            result.iki_surveys[(iki.file, iki.sheet, iki.cell)] = survey
            try:
                typed: Fraction | None = exact(iki.realisasi, "Realisasi")
            except RuleError:
                typed = None  # empty or not a number: reported by the checks of the workbook
            published = survey.hasil.konversi_tampil
            if from_survey and (fixed := _rescore(unit, iki, survey, typed is None, policy)) >= 0:
                key = (iki.file, iki.sheet)
                rescored[key] = rescored.get(key, 0) + fixed
            if typed is not None and typed != exact(published, "IKM"):
                unit.problems.append(
                    Problem.make(
                        "ikm-realisasi-berbeda",
                        params={
                            "iki": iki.iki,
                            "typed": iki.realisasi,
                            "survey": survey_source(survey),
                            "value": f"{published}".replace(".", ","),
                            "used": "nilai survei" if from_survey else "realisasi yang diketik",
                        },
                        file=iki.file,
                        sheet=iki.sheet,
                        cell=iki.cell,
                        nip=iki.nip,
                        nama=iki.nama,
                    )
                )
        if rescored:
            _rescore_pegawai(unit, rescored, policy)


def _rescore(
    unit: UnitResult, iki: IkiResult, survey: SurveyResult, empty: bool, policy: Policy
) -> int:
    """The IKI's capaian from the survey's konversi, as the worker computes a typed one
    (`model.dinilai_cells` and `model.capaian_cell`). Returns how many galat that resolved
    (the missing realisasi), or -1 when the IKI keeps its typed realisasi."""
    assert survey.hasil is not None
    if model.sifat_kind(iki.sifat, policy) is Sifat.KUMULATIF:
        unit.problems.append(
            Problem.make(
                "ikm-iki-kumulatif",
                params={"iki": iki.iki, "survey": survey_source(survey)},
                file=iki.file,
                sheet=iki.sheet,
                cell=iki.cell,
                nip=iki.nip,
                nama=iki.nama,
            )
        )
        return -1
    period = period_objects((iki.period,))
    if not period:
        return -1
    konversi = survey.hasil.konversi
    real, target, atas = model.dinilai_cells(
        0, period, [konversi], iki.target, iki.target_atas, iki.sifat, iki.target_periode,
        policy, [konversi],
    )  # fmt: skip
    expected = model.capaian_cell(real, target, atas, iki.arah, policy, sifat=iki.sifat)
    cap = expected if isinstance(expected, Fraction) else None
    iki.realisasi_dinilai, iki.target_dinilai = real, target
    iki.capaian, iki.capaian_text = cap, "" if cap is not None else str(expected)
    iki.nilai, iki.kategori = nilai_capaian(cap, policy.capaian) if cap is not None else (None, "")
    iki.shown = iki_shown(iki)
    if not empty:
        return 0
    # The survey supplies what the workbook left empty: no longer a missing realisasi.
    before = len(unit.problems)
    unit.problems = [
        p
        for p in unit.problems
        if not (p.code == "realisasi-kosong" and p.file == iki.file and p.sheet == iki.sheet
                and p.cell == iki.cell)
    ]  # fmt: skip
    return before - len(unit.problems)


def _rescore_pegawai(unit: UnitResult, sheets: dict[tuple[str, str], int], policy: Policy) -> None:
    """Mean and lowest capaian, the suggested rating and the galat count of each pegawai one
    of whose IKI took a survey's value, as the worker derives them from the IKI."""
    for peg in unit.pegawai:
        key = (peg.file, peg.sheet)
        if key not in sheets:
            continue
        values: list[Fraction | str] = [
            i.capaian if i.capaian is not None else i.capaian_text
            for i in unit.iki
            if (i.file, i.sheet) == key
        ]
        numbers = [v for v in values if isinstance(v, Fraction)]
        peg.n_capaian = len(numbers)
        peg.mean_capaian = exact_sum(numbers) / len(numbers) if numbers else None
        peg.min_capaian = min(numbers) if numbers else None
        peg.saran = model.rating_label(model.saran_cell(values, policy))
        peg.galat -= sheets[key]
