"""The rules over the built-in sample unit: what `sheetnilai demo` shows."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sheetnilai import sample
from sheetnilai.problems import Problem
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import capaian_iki, parse_arah, saran_rating
from sheetnilai.rules.distribution import DistributionResult, check_distribution, count_predikat
from sheetnilai.rules.labels import Predikat, Rating, parse_org_predikat, parse_rating
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.policy import Policy
from sheetnilai.rules.predikat import predikat


@dataclass(frozen=True, slots=True)
class DemoRow:
    pegawai: sample.SamplePegawai
    capaian: tuple[Fraction, ...]
    saran: Rating | None
    hasil: Rating
    perilaku: Rating
    predikat: Predikat
    angka_kredit: Fraction | None


@dataclass(frozen=True, slots=True)
class DemoResult:
    rows: tuple[DemoRow, ...]
    distribution: DistributionResult
    nip_checks: tuple[tuple[object, tuple[Problem, ...]], ...]


def run_demo(policy: Policy) -> DemoResult:
    rows: list[DemoRow] = []
    for p in sample.PEGAWAI:
        capaian = tuple(
            capaian_iki(i.realisasi, i.target, parse_arah(i.arah), policy.capaian).persen
            for i in p.iki
        )
        hasil, perilaku = parse_rating(p.rating_hasil), parse_rating(p.rating_perilaku)
        pred = predikat(hasil, perilaku)
        ak = angka_kredit(pred, p.jenjang, 12, policy.angka_kredit) if p.jenjang else None
        rows.append(
            DemoRow(
                p, capaian, saran_rating(capaian, policy.saran_rating), hasil, perilaku, pred, ak
            )
        )
    org = parse_org_predikat(sample.ORG_PREDIKAT)
    dist = check_distribution(org, count_predikat(r.predikat for r in rows), policy.distribusi)
    nips = tuple((raw, tuple(check_nip(raw))) for raw in sample.NIP_CONTOH)
    return DemoResult(tuple(rows), dist, nips)
