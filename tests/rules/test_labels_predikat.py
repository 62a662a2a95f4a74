"""Ratings, predikat labels and the 3×3 matrix (domain.md §2.7, §2.8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.labels import (
    OrgPredikat,
    Predikat,
    Rating,
    parse_org_predikat,
    parse_predikat,
    parse_rating,
)
from sheetnilai.rules.predikat import predikat

A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH


# [V-code S22] every cell of the matrix, written out from domain.md §2.8's table.
@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        pytest.param(A, A, "Sangat Baik", id="S22-atas-atas"),
        pytest.param(A, S, "Baik", id="S22-atas-sesuai"),
        pytest.param(A, B, "Kurang/Misconduct", id="S22-atas-bawah"),
        pytest.param(S, A, "Baik", id="S22-sesuai-atas"),
        pytest.param(S, S, "Baik", id="S22-sesuai-sesuai"),
        pytest.param(S, B, "Kurang/Misconduct", id="S22-sesuai-bawah"),
        pytest.param(B, A, "Butuh Perbaikan", id="S22-bawah-atas"),
        pytest.param(B, S, "Butuh Perbaikan", id="S22-bawah-sesuai"),
        pytest.param(B, B, "Sangat Kurang", id="S22-bawah-bawah"),
    ],
)
def test_matrix_cell(hasil: Rating, perilaku: Rating, expected: str) -> None:
    assert predikat(hasil, perilaku).label == expected


ratings = st.sampled_from(list(Rating))


@given(ratings, ratings, ratings, ratings)
def test_better_rating_never_gives_worse_predikat(
    h1: Rating, p1: Rating, h2: Rating, p2: Rating
) -> None:
    if h2.rank >= h1.rank and p2.rank >= p1.rank:
        assert predikat(h2, p2).rank >= predikat(h1, p1).rank


@given(ratings, ratings)
def test_rules_of_thumb(hasil: Rating, perilaku: Rating) -> None:
    result = predikat(hasil, perilaku)
    if perilaku is B:
        assert result.rank <= Predikat.KURANG.rank
    if hasil is B:
        assert result.rank <= Predikat.BUTUH_PERBAIKAN.rank
    assert (result is Predikat.SANGAT_BAIK) == (hasil is A and perilaku is A)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Di Atas Ekspektasi", A),
        ("di atas ekspektasi", A),
        ("  DIATAS  ", A),
        ("Diatas Ekspektasi", A),
        ("di-atas", A),
        ("Sesuai", S),
        ("sesuai  ekspektasi", S),
        ("Dibawah Ekspektasi", B),
        ("di bawah", B),
        ("DI BAWAH EKSPEKTASI", B),
    ],
)
def test_rating_spellings_seen_in_real_sheets(text: str, expected: Rating) -> None:
    assert parse_rating(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sangat Baik", Predikat.SANGAT_BAIK),
        ("baik", Predikat.BAIK),
        ("Butuh Perbaikan", Predikat.BUTUH_PERBAIKAN),
        ("Cukup", Predikat.BUTUH_PERBAIKAN),  # [V:S11] "Cukup/Butuh Perbaikan"
        ("Cukup/Butuh Perbaikan", Predikat.BUTUH_PERBAIKAN),
        ("Kurang", Predikat.KURANG),
        ("Kurang/Misconduct", Predikat.KURANG),
        ("kurang / misconduct", Predikat.KURANG),
        ("Misconduct", Predikat.KURANG),
        ("SANGAT KURANG", Predikat.SANGAT_KURANG),
    ],
)
def test_predikat_spellings(text: str, expected: Predikat) -> None:
    assert parse_predikat(text) is expected


@pytest.mark.parametrize("bad", ["Luar Biasa", "", "   ", None, 3, "Diatas Harapan"])
def test_unknown_rating_names_the_text_it_got(bad: object) -> None:
    with pytest.raises(RuleError) as info:
        parse_rating(bad)
    assert info.value.code == "rating-tidak-dikenal"
    assert info.value.params["value"] == ("" if bad is None else str(bad))
    assert f'"{"" if bad is None else bad}"' in info.value.message
    assert "Di Atas Ekspektasi, Sesuai Ekspektasi, Di Bawah Ekspektasi" in info.value.message


def test_unknown_predikat_and_org_predikat() -> None:
    with pytest.raises(RuleError) as info:
        parse_predikat("Amat Baik")
    assert info.value.code == "predikat-tidak-dikenal"
    with pytest.raises(RuleError) as info:
        parse_org_predikat("Luar biasa")
    assert info.value.code == "predikat-organisasi-tidak-dikenal"


def test_org_predikat_labels() -> None:
    assert [o.label for o in OrgPredikat] == [
        "Istimewa",
        "Baik",
        "Butuh Perbaikan",
        "Kurang",
        "Sangat Kurang",
    ]
    assert parse_org_predikat("cukup") is OrgPredikat.BUTUH_PERBAIKAN


@given(
    st.sampled_from([*Rating, *Predikat, *OrgPredikat]),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s} "]),
)
def test_every_written_label_parses_back(member: object, spelling: object) -> None:
    label = member.label  # type: ignore[attr-defined]
    text = spelling(label)  # type: ignore[operator]
    parser = {Rating: parse_rating, Predikat: parse_predikat, OrgPredikat: parse_org_predikat}[
        type(member)
    ]  # type: ignore[index]
    assert parser(text) is member
