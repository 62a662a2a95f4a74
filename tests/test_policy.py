"""Policy settings and sheetnilai.toml (domain.md: every uncertain rule is a setting)."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from sheetnilai.config import load_policy, policy_toml
from sheetnilai.errors import SheetnilaiError
from sheetnilai.rules.labels import Predikat
from sheetnilai.rules.policy import (
    DEFAULT_POLICY,
    SCHEMA,
    DistributionRounding,
    IkmWeight,
    PolicyInvalid,
    policy_from_mapping,
)


def test_defaults_are_domain_recommendations() -> None:
    p = DEFAULT_POLICY
    assert p.capaian.desimal == 0 and p.capaian.batas_atas == 120 and p.capaian.nilai_baik == 109
    assert p.distribusi.pembulatan is DistributionRounding.EXACT
    assert p.ikm.bobot is IkmWeight.NINTH and p.ikm.bobot.fraction == Fraction(1, 9)
    assert p.angka_kredit.persen[Predikat.BUTUH_PERBAIKAN] == 75
    assert p.angka_kredit.koefisien["Ahli Madya"] == Fraction("37.5")
    assert p.pp46.bobot_skp == Fraction(3, 5)


def test_printed_policy_reads_back_identically() -> None:
    assert policy_from_mapping(tomllib.loads(policy_toml(DEFAULT_POLICY))) == DEFAULT_POLICY


def test_settings_change_the_policy() -> None:
    p = policy_from_mapping(
        {
            "capaian": {"desimal": "tanpa"},
            "distribusi": {"pembulatan": "bulatkan-jumlah", "tingkat": "galat"},
            "ikm": {"bobot": "0.11"},
            "angka_kredit": {"koefisien": {"Ahli Pertama": 10}, "persen": {"Cukup": 80}},
            "pp46": {"bobot_skp": 70, "tugas_tambahan": [[1, 1], [5, 2]]},
        }
    )
    assert p.capaian.desimal is None
    assert p.distribusi.pembulatan is DistributionRounding.HEADCOUNT
    assert p.ikm.bobot.fraction == Fraction(11, 100)
    assert p.angka_kredit.koefisien["Ahli Pertama"] == 10
    assert p.angka_kredit.koefisien["Ahli Madya"] == Fraction("37.5")  # others kept
    assert p.angka_kredit.persen[Predikat.BUTUH_PERBAIKAN] == 80
    assert p.pp46.bobot_skp == Fraction(7, 10)


@pytest.mark.parametrize(
    ("data", "code", "key", "fragment"),
    [
        ({"capaian": {"desimal": 9}}, "kebijakan-nilai-tidak-sah", "capaian.desimal", "0 sampai 6"),
        ({"capaian": {"desimal": True}}, "kebijakan-nilai-tidak-sah", "capaian.desimal", "tanpa"),
        (
            {"distribusi": {"pembulatan": "bulat"}},
            "kebijakan-nilai-tidak-sah",
            "distribusi.pembulatan",
            '"eksak", "bulatkan-jumlah"',
        ),
        ({"ikm": {"bobot": 0.11}}, "kebijakan-nilai-tidak-sah", "ikm.bobot", '"1/9", "0.11"'),
        (
            {"saran_rating": {"aktif": "ya"}},
            "kebijakan-nilai-tidak-sah",
            "saran_rating.aktif",
            "true atau false",
        ),
        (
            {"saran_rating": {"metode": "median"}},
            "kebijakan-nilai-tidak-sah",
            "saran_rating.metode",
            "rata-rata",
        ),
        (
            {"capaian": {"batas": 120}},
            "kebijakan-kunci-tidak-dikenal",
            "capaian.batas",
            "batas_atas",
        ),
        ({"kapaian": {}}, "kebijakan-kunci-tidak-dikenal", "kapaian", "[capaian]"),
        (
            {"angka_kredit": {"persen": {"Hebat": 200}}},
            "kebijakan-nilai-tidak-sah",
            "angka_kredit.persen",
            "predikat",
        ),
        (
            {"pp46": {"tugas_tambahan": [[4, 2], [1, 1]]}},
            "kebijakan-nilai-tidak-sah",
            "pp46.tugas_tambahan",
            "naik",
        ),
        (
            {"saran_rating": {"batas_sesuai": 105}},
            "kebijakan-nilai-tidak-sah",
            "saran_rating.batas_sesuai",
            "batas_di_atas",
        ),
    ],
)
def test_bad_setting_names_key_value_and_allowed(
    data: dict[str, object], code: str, key: str, fragment: str
) -> None:
    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping(data)
    (problem,) = info.value.problems
    assert problem.code == code
    assert problem.params["key"] == key
    assert fragment in problem.advice
    assert f'"{key}"' in problem.message


def test_all_bad_settings_are_reported_at_once() -> None:
    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping(
            {"capaian": {"desimal": -1, "nilai_baik": "x"}, "ikm": {"bobot": "1/10"}}
        )
    assert [p.params["key"] for p in info.value.problems] == [
        "capaian.desimal",
        "capaian.nilai_baik",
        "ikm.bobot",
    ]


def test_load_policy_from_files(tmp_path: Path) -> None:
    assert load_policy(None, cwd=tmp_path) == (DEFAULT_POLICY, "bawaan")
    (tmp_path / "sheetnilai.toml").write_text('[ikm]\nbobot = "0.11"\n', encoding="utf-8")
    policy, source = load_policy(None, cwd=tmp_path)
    assert policy.ikm.bobot is IkmWeight.PRINTED and source.endswith("sheetnilai.toml")
    with pytest.raises(SheetnilaiError) as info:
        load_policy(tmp_path / "tidak-ada.toml")
    assert info.value.message_id == "kebijakan-tidak-ada"
    broken = tmp_path / "rusak.toml"
    broken.write_text("[ikm\n", encoding="utf-8")
    with pytest.raises(SheetnilaiError) as info:
        load_policy(broken)
    assert info.value.message_id == "kebijakan-rusak"
    # Where the TOML is broken, in Indonesian (tomllib's own text is English).
    assert info.value.params["detail"] == "penulisan TOML tidak sah pada baris 1, kolom 5"
    binary = tmp_path / "biner.toml"
    binary.write_bytes(b"\xff\xfe[ikm]")
    with pytest.raises(SheetnilaiError) as info:
        load_policy(binary)
    assert info.value.params["detail"] == "isinya bukan teks UTF-8"
    bad = tmp_path / "salah.toml"
    bad.write_text('[ikm]\nbobot = "2"\n[capaian]\nx = 1\n', encoding="utf-8")
    with pytest.raises(SheetnilaiError) as info:
        load_policy(bad)
    assert info.value.message_id == "kebijakan-tidak-sah" and len(info.value.details) == 2


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        assert f"[{section}]" in readme, section
        for key in keys:
            assert f"`{key}`" in readme, f"{section}.{key}"
