"""IKI whose source is an IKM survey (issue 16): linked across files in the consolidation.

An IKI is linked when its indikator or satuan names the IKM ("IKM", "Indeks Kepuasan
Masyarakat") and either names a surveyed unit layanan ("Nilai IKM Puskesmas Sukamaju") or
belongs to a unit kerja that has a survey of its own ("Nilai IKM unit" in Dinas X, with a
survey of Dinas X). The link is shown in the Hasil Kerja table (the source and the survey's
value), and a typed realisasi that differs from the survey's published value (the konversi
rounded to 2 decimals) is a peringatan at the realisasi cell. The typed realisasi still
decides the capaian: the rating is the pejabat penilai's, and a survey in the folder must
not silently change a pegawai's score.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sheetnilai.problems import Problem
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.numbers import exact

if TYPE_CHECKING:
    from sheetnilai.consolidate import Consolidation
    from sheetnilai.sources.survei import SurveyResult

__all__ = ["link_surveys", "survey_source"]

_IKM = re.compile(r"\bIKM\b|indeks\s+kepuasan\s+masyarakat", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def survey_source(survey: SurveyResult) -> str:
    return f"IKM {survey.unit} ({survey.name})"


def link_surveys(result: Consolidation) -> None:
    """Fill `result.iki_surveys` and add a peringatan where a typed realisasi differs."""
    surveys = {_norm(s.unit): s for s in result.surveys if s.hasil is not None}
    if not surveys:
        return
    # Longest names first: "Puskesmas Sukamaju Utara" before "Puskesmas Sukamaju".
    named = sorted(surveys.items(), key=lambda kv: -len(kv[0]))
    # Every IKI of the agency is looked at, and their texts repeat (a jabatan's IKI on
    # each pegawai's sheet): each text is searched once.
    names_ikm: dict[tuple[str, str], bool] = {}
    for unit in result.units:
        for iki in unit.iki:
            pair = (iki.iki, iki.satuan)
            found = names_ikm.get(pair)
            if found is None:
                found = names_ikm[pair] = _IKM.search(f"{iki.iki} {iki.satuan}") is not None
            if not found:
                continue
            text = f"{iki.iki} {iki.satuan}"
            words = _norm(text)
            survey = next((s for k, s in named if k in words), None) or surveys.get(_norm(iki.unit))
            if survey is None:
                continue
            assert survey.hasil is not None
            result.iki_surveys[(iki.file, iki.sheet, iki.cell)] = survey
            try:
                typed = exact(iki.realisasi, "Realisasi")
            except RuleError:
                continue  # empty or not a number: reported by the checks of the workbook
            published = survey.hasil.konversi_tampil
            if typed != exact(published, "IKM"):
                unit.problems.append(
                    Problem.make(
                        "ikm-realisasi-berbeda",
                        params={
                            "iki": iki.iki,
                            "typed": iki.realisasi,
                            "survey": survey_source(survey),
                            "value": f"{published}".replace(".", ","),
                        },
                        file=iki.file,
                        sheet=iki.sheet,
                        cell=iki.cell,
                        nip=iki.nip,
                        nama=iki.nama,
                    )
                )
