"""The rules of the appraisal: pure, typed, exact. The one source of truth for every score.

PermenPANRB 6/2022 (ratings, predikat, distribution), PermenPANRB 8/2021 (capaian IKI),
PermenPANRB 1/2023 (angka kredit), PermenPANRB 14/2017 (IKM), Perka BKN 22/2007 (NIP), and the
legacy PP 46/2011 and PP 30/2019 scores. See ../shared/docs/domain.md for sources.
"""

from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import (
    Arah,
    CapaianIki,
    Target,
    capaian_iki,
    capaian_persen,
    nilai_capaian,
    parse_arah,
    parse_target,
    saran_rating,
)
from sheetnilai.rules.distribution import (
    DistributionResult,
    Finding,
    check_distribution,
    count_predikat,
)
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import (
    OrgPredikat,
    Predikat,
    Rating,
    parse_org_predikat,
    parse_predikat,
    parse_rating,
)
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.rules.predikat import MATRIX, predikat

__all__ = [
    "DEFAULT_POLICY",
    "MATRIX",
    "Arah",
    "CapaianIki",
    "DistributionResult",
    "Finding",
    "OrgPredikat",
    "Policy",
    "Predikat",
    "Rating",
    "RuleError",
    "Target",
    "angka_kredit",
    "capaian_iki",
    "capaian_persen",
    "check_distribution",
    "check_nip",
    "count_predikat",
    "exact",
    "nilai_capaian",
    "parse_arah",
    "parse_org_predikat",
    "parse_predikat",
    "parse_rating",
    "parse_target",
    "predikat",
    "round_half_up",
    "saran_rating",
]
