"""The 9-box and the development rules (rules/talenta.py) against domain.md §2.11, §2.14."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import Predikat
from sheetnilai.rules.policy import (
    DEFAULT_POLICY,
    PolicyInvalid,
    policy_from_mapping,
)
from sheetnilai.rules.talenta import (
    AntarPeriode,
    Kandidat,
    Kinerja,
    Potensial,
    aspect_name,
    aspect_theme,
    box,
    candidate,
    critical_cue,
    kinerja_across,
    may_hold_cue,
    parse_potensial,
    persistently_behind,
)

SB, B, BP, K, SK = (Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN,
                    Predikat.KURANG, Predikat.SANGAT_KURANG)  # fmt: skip
T = DEFAULT_POLICY.talenta
D = DEFAULT_POLICY.pengembangan

# domain.md §2.14, typed from its text: Di Atas = 4/7/9, Sesuai = 2/5/8, Di Bawah = 1/3/6
# for potensial Rendah/Menengah/Tinggi.
GRID = {
    ("Di Atas Ekspektasi", "Rendah"): 4,
    ("Di Atas Ekspektasi", "Menengah"): 7,
    ("Di Atas Ekspektasi", "Tinggi"): 9,
    ("Sesuai Ekspektasi", "Rendah"): 2,
    ("Sesuai Ekspektasi", "Menengah"): 5,
    ("Sesuai Ekspektasi", "Tinggi"): 8,
    ("Di Bawah Ekspektasi", "Rendah"): 1,
    ("Di Bawah Ekspektasi", "Menengah"): 3,
    ("Di Bawah Ekspektasi", "Tinggi"): 6,
}


@pytest.mark.parametrize(("kinerja", "potensial"), sorted(GRID))
def test_every_box_is_reachable_with_the_regulations_number(kinerja: str, potensial: str) -> None:
    k = next(x for x in Kinerja if x.label == kinerja)
    assert box(k, parse_potensial(potensial)) == GRID[(kinerja, potensial)]


def test_boxes_are_one_to_nine_once_each() -> None:
    assert sorted(box(k, p) for k in Kinerja for p in Potensial) == list(range(1, 10))


def test_every_box_reachable_from_a_predikat_under_the_default_mapping() -> None:
    reached = {
        box(kinerja, pot)
        for p in Predikat
        for pot in Potensial
        if (kinerja := kinerja_across([p], T)) is not None
    }
    assert reached == set(range(1, 10))


@pytest.mark.parametrize(
    ("predikat", "default", "baik_di_atas"),
    [
        (SB, "di-atas", "di-atas"),
        (B, "sesuai", "di-atas"),
        (BP, "di-bawah", "di-bawah"),
        (K, "di-bawah", "di-bawah"),
        (SK, "di-bawah", "di-bawah"),
    ],
)
def test_mapping_policies(predikat: Predikat, default: str, baik_di_atas: str) -> None:
    assert kinerja_across([predikat], T) == Kinerja(default)
    alt = policy_from_mapping({"talenta": {"kinerja": {"Baik": "di-atas"}}}).talenta
    assert kinerja_across([predikat], alt) == Kinerja(baik_di_atas)


def test_butuh_perbaikan_can_be_sesuai() -> None:
    p = policy_from_mapping({"talenta": {"kinerja": {"Cukup": "sesuai"}}}).talenta
    assert kinerja_across([BP], p) is Kinerja.SESUAI


@pytest.mark.parametrize(
    ("method", "history", "expected"),
    [
        ("terakhir", [SK, SB], "di-atas"),
        ("terakhir", [SB, None], "di-atas"),  # a period without predikat is skipped
        ("terakhir", [None, None], None),
        ("terendah", [SB, B], "sesuai"),
        ("terendah", [BP, SB, B], "sesuai"),  # only the last 2 periods count
        ("modus", [SB, SB, B], "sesuai"),  # last 2: SB, B: a tie goes to the lower
        ("modus", [B, SB, SB], "di-atas"),
    ],
)
def test_kinerja_across_periods(method: str, history: list[Predikat | None],
                                expected: str | None) -> None:  # fmt: skip
    p = replace(T, antar_periode=AntarPeriode(method))
    got = kinerja_across(history, p)
    assert (got.value if got else None) == expected


def test_modus_over_three_periods() -> None:
    p = replace(T, antar_periode=AntarPeriode.MODUS, jumlah_periode=3)
    assert kinerja_across([SB, B, SB], p) is Kinerja.DI_ATAS
    assert kinerja_across([B, SB, BP], p) is Kinerja.DI_BAWAH  # three-way tie: the lowest


@pytest.mark.parametrize(
    ("kotak", "history", "expected"),
    [
        (9, [B], Kandidat.PROMOSI),
        (8, [B, B], None),
        (7, [SB, SB], Kandidat.PROMOSI),  # Sangat Baik two periods in a row
        (7, [SB, B, SB], None),  # not in a row up to the latest period
        (None, [SB, SB], Kandidat.PROMOSI),  # no potensial: the predikat rule still holds
        (None, [SK], None),
        (1, [SK], Kandidat.PENGEMBANGAN),
        (2, [B], Kandidat.PENGEMBANGAN),
        (3, [BP], Kandidat.PENGEMBANGAN),
        (4, [SB], None),
        (6, [K], None),
    ],
)
def test_candidates_default_policy(kotak: int | None, history: list[Predikat | None],
                                   expected: Kandidat | None) -> None:  # fmt: skip
    found = candidate(kotak, history, T)
    assert (found[0] if found else None) == expected


def test_candidates_other_policy() -> None:
    p = policy_from_mapping(
        {"talenta": {"kotak_promosi": [8, 9], "sangat_baik_berturut": 0, "kotak_pengembangan": [1]}}
    ).talenta
    assert candidate(8, [B], p) == (Kandidat.PROMOSI, "kotak 8")
    assert candidate(7, [SB, SB, SB], p) is None
    assert candidate(2, [B], p) is None
    assert candidate(1, [SK], p) == (Kandidat.PENGEMBANGAN, "kotak 1")
    three = replace(T, sangat_baik_berturut=3)
    assert candidate(None, [SB, SB], three) is None
    assert candidate(None, [B, SB, SB, SB], three) == (
        Kandidat.PROMOSI,
        "Sangat Baik 3 periode berturut-turut",
    )


@pytest.mark.parametrize("text", ["tinggi", " TINGGI ", "Tinggi"])
def test_parse_potensial_tolerates_case_and_spaces(text: str) -> None:
    assert parse_potensial(text) is Potensial.TINGGI


@pytest.mark.parametrize("junk", [None, "", "Luar biasa", 3, "-", "1.9e17"])
def test_parse_potensial_refuses_junk(junk: object) -> None:
    with pytest.raises(RuleError) as info:
        parse_potensial(junk)
    assert info.value.code == "potensial-tidak-dikenal"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kecepatan layanan perlu ditingkatkan.", "perlu ditingkatkan"),
        ("Perlu   DITINGKATKAN ketelitiannya", "perlu ditingkatkan"),
        ("Masih kurang teliti", "kurang"),
        ("Laporan belum tepat waktu", "belum"),
        ("Kurangnya inisiatif tidak terlihat lagi", None),  # "kurangnya" is no whole word
        ("Sangat baik, pertahankan", None),
        ("", None),
    ],
)
def test_critical_cue(text: str, expected: str | None) -> None:
    assert critical_cue(text, D.kata_kritis) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Stock praise: no bare "tingkatkan", and a negated cue is no need.
        ("Pertahankan dan tingkatkan prestasinya", None),
        ("Tidak pernah terlambat", None),
        ("Secara umum tidak ada yang kurang", None),
        ("Tak pernah terlambat apel", None),
        ("Bekerja tanpa kurang suatu apa", None),
        ("Bukan pegawai yang lambat", None),
        ("Tidak perlu ditingkatkan lagi, sudah sangat baik", None),
        # Still critical: the phrase, a new clause, or "not only".
        ("Kerapian dokumen perlu meningkatkan", "perlu meningkatkan"),
        ("Tidak pernah terlambat, tetapi laporan kurang rapi", "kurang"),
        ("Tidak disiplin; sering terlambat", "terlambat"),
        ("Tidak pernah absen dan sering terlambat", "terlambat"),
        ("Tidak hanya kurang teliti", "kurang"),
        ("Tidak terlambat, namun masih lambat merespons", "lambat"),
        # The negation is too far back (3 words between) to belong to the cue.
        ("Tidak mau bertanya sehingga masih kurang teliti", "kurang"),
    ],
)
def test_praise_and_negated_cues_are_no_need(text: str, expected: str | None) -> None:
    assert critical_cue(text, D.kata_kritis) == expected


def test_cue_list_is_a_policy() -> None:
    p = policy_from_mapping({"pengembangan": {"kata_kritis": ["sering  absen"]}}).pengembangan
    assert p.kata_kritis == ("sering absen",)
    assert critical_cue("Sering absen pada apel pagi", p.kata_kritis) == "sering absen"
    assert critical_cue("Masih kurang teliti", p.kata_kritis) is None


@pytest.mark.parametrize(
    ("capaian", "expected"),
    [
        ([Fraction(99)], True),
        ([Fraction(100)], False),
        ([Fraction(19999, 200)], True),  # 99.995 is below 100 even though it shows as 100
        ([Fraction(90), Fraction(95)], True),
        ([Fraction(90), Fraction(100)], False),
        ([Fraction(100), Fraction(90)], False),  # behind once, in the latest period only
        ([Fraction(100), Fraction(90), Fraction(80)], True),  # the last two count
        ([Fraction(90), None], False),  # no capaian in the latest period breaks the run
        ([], False),
    ],
)
def test_persistently_behind(capaian: list[Fraction | None], expected: bool) -> None:
    assert persistently_behind(capaian, D) is expected


def test_persistently_behind_other_policy() -> None:
    p = policy_from_mapping(
        {"pengembangan": {"batas_capaian": 80, "periode_berturut": 1}}
    ).pengembangan
    assert persistently_behind([Fraction(100), Fraction(79)], p)
    assert not persistently_behind([Fraction(70), Fraction(80)], p)


def test_aspect_names_and_themes() -> None:
    assert aspect_name(" berorientasi  pelayanan ") == "Berorientasi Pelayanan"
    assert aspect_name("3. Kompeten") == "Kompeten"
    assert aspect_theme("akuntabel").startswith("Pelatihan integritas")
    assert aspect_theme("Aspek lain") == "Konseling dan coaching oleh atasan langsung"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"talenta": {"kinerja": {"Baik": "tinggi"}}}, "talenta.kinerja"),
        ({"talenta": {"kinerja": {"Istimewa": "di-atas"}}}, "talenta.kinerja"),
        ({"talenta": {"antar_periode": "rata-rata"}}, "talenta.antar_periode"),
        ({"talenta": {"jumlah_periode": 0}}, "talenta.jumlah_periode"),
        ({"talenta": {"kotak_promosi": [10]}}, "talenta.kotak_promosi"),
        ({"talenta": {"kotak_pengembangan": [1, 1]}}, "talenta.kotak_pengembangan"),
        ({"talenta": {"sangat_baik_berturut": True}}, "talenta.sangat_baik_berturut"),
        ({"pengembangan": {"kata_kritis": "kurang"}}, "pengembangan.kata_kritis"),
        ({"pengembangan": {"kata_kritis": [" "]}}, "pengembangan.kata_kritis"),
        ({"pengembangan": {"batas_capaian": 0}}, "pengembangan.batas_capaian"),
        ({"pengembangan": {"periode_berturut": 13}}, "pengembangan.periode_berturut"),
    ],
)
def test_bad_settings_are_named(data: dict[str, object], key: str) -> None:
    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping(data)
    [problem] = info.value.problems
    assert problem.code == "kebijakan-nilai-tidak-sah" and problem.params["key"] == key


# Words that make up feedback: every default cue's words, their near misses and fillers.
_WORDS = sorted(
    {w for cue in D.kata_kritis for w in cue.split()}
    | {"kurangnya", "tidak", "pernah", "sangat", "baik", "pertahankan", "teliti", "tetapi"}
)
_TEXT = st.lists(st.sampled_from([*_WORDS, "KURANG", ",", ";", "\n"]), max_size=8).map(" ".join)


@given(st.lists(_TEXT, max_size=7))
@example(["Masih kurang", "teliti"])  # a cue at a text's end, a word at the next one's start
def test_one_search_over_all_texts_misses_no_cue(texts: list[str]) -> None:
    """The Pengembangan sheet asks `critical_cue` per aspect only when this one search over a
    pegawai's seven texts finds a cue word: it may find one that is negated, never miss one
    that `critical_cue` would report."""
    if not may_hold_cue(texts, D.kata_kritis):
        assert [critical_cue(t, D.kata_kritis) for t in texts] == [None] * len(texts)


def test_one_search_over_all_texts() -> None:
    assert may_hold_cue(["Sangat baik", "Masih kurang teliti"], D.kata_kritis)
    assert not may_hold_cue(["Sangat baik", "Pertahankan"], D.kata_kritis)
    assert not may_hold_cue([], D.kata_kritis)
    assert may_hold_cue(["Masih kurang", "teliti"], D.kata_kritis)  # the texts stay apart
    # Negated: the search finds the word, critical_cue then says it is no need.
    assert may_hold_cue(["Tidak pernah terlambat"], D.kata_kritis)
    assert critical_cue("Tidak pernah terlambat", D.kata_kritis) is None
