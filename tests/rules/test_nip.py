"""NIP / NI PPPK checks (Perka BKN 22/2007, domain.md §7). All NIPs here are invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetnilai.messages import placeholders
from sheetnilai.problems import Severity
from sheetnilai.rules.nip import check_nip, compact, format_nip, is_valid

G, P = Severity.GALAT, Severity.PERINGATAN


def codes(raw: object, status: str = "otomatis", today: dt.date | None = None) -> list[str]:
    return [p.code for p in check_nip(raw, status, today)]


# --- golden cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status", "expected"),
    [
        pytest.param("19660801 198803 1 001", "otomatis", [], id="S16-contoh-valid"),
        pytest.param("196608011988031001", "PNS", [], id="S16-contoh-rapat-pns"),
        pytest.param("19660801.198803.1.001", "otomatis", [], id="S16-pemisah-titik"),
        pytest.param("19660801-198803-1-001", "otomatis", [], id="S16-pemisah-strip"),
        pytest.param("\u00a019660801\t198803 1 001 ", "pns", [], id="S16-spasi-nbsp-tab"),
        pytest.param("19660801 198803 2 014", "otomatis", [], id="S16-wanita"),
        pytest.param("196608011988131001", "otomatis", [("nip-bulan-tmt", G)], id="S16-bulan-13"),
        pytest.param("196608011988001001", "PNS", [("nip-bulan-tmt", G)], id="S16-bulan-00"),
        pytest.param(
            "196608011988033001", "otomatis", [("nip-jenis-kelamin", G)], id="S16-kelamin-3"
        ),
        pytest.param(
            "196608011988030001", "otomatis", [("nip-jenis-kelamin", G)], id="S16-kelamin-0"
        ),
        pytest.param(
            "196602301988031001", "otomatis", [("nip-tanggal-lahir", G)], id="S16-30-februari"
        ),
        pytest.param(
            "196613011988031001", "otomatis", [("nip-tanggal-lahir", G)], id="S16-lahir-bulan-13"
        ),
        pytest.param("196608011988031000", "otomatis", [("nip-urut-000", P)], id="D-urut-000"),
        pytest.param(
            "19750515 199003 1 002", "otomatis", [("nip-tmt-terlalu-muda", P)], id="D-usia-15"
        ),
        # [V:S17, M] NI PPPK: year of appointment + "21" instead of YYYYMM.
        pytest.param("199001012023212001", "otomatis", [], id="S17-pppk-otomatis"),
        pytest.param("199001012023212001", "PPPK", [], id="S17-pppk-eksplisit"),
        pytest.param("199001012023212001", "pppk", [], id="S17-pppk-huruf-kecil"),
        pytest.param("199001012023222001", "PPPK", [("nip-kode-pppk", P)], id="S17-pppk-kode-22"),
        pytest.param("199001012023052001", "PPPK", [("nip-kode-pppk", P)], id="S17-pppk-kode-05"),
        # Without a status, "22" is read as a PNS TMT month and is out of range.
        pytest.param(
            "199001012023222001", "otomatis", [("nip-bulan-tmt", G)], id="S17-otomatis-22-pns"
        ),
        # As PNS, a real NI PPPK has month 21.
        pytest.param(
            "199001012023212001", "PNS", [("nip-bulan-tmt", G)], id="S16-pppk-dipaksa-pns"
        ),
        pytest.param(
            "196602301988133000",
            "otomatis",
            [
                ("nip-tanggal-lahir", G),
                ("nip-bulan-tmt", G),
                ("nip-jenis-kelamin", G),
                ("nip-urut-000", P),
            ],
            id="S16-semua-komponen-salah-urut-digit",
        ),
    ],
)
def test_golden(raw: str, status: str, expected: list[tuple[str, Severity]]) -> None:
    problems = check_nip(raw, status)
    assert [(p.code, p.severity) for p in problems] == expected
    assert is_valid(raw, status) == all(sev is not G for _, sev in expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("", ["nip-kosong"], id="M-kosong"),
        pytest.param("   ", ["nip-kosong"], id="M-spasi"),
        pytest.param("-", ["nip-kosong"], id="M-strip-sendiri"),
        pytest.param(None, ["nip-kosong"], id="M-none"),
        pytest.param("19660801198803100", ["nip-panjang"], id="S16-17-digit"),
        pytest.param("1966080119880310011", ["nip-panjang"], id="S16-19-digit"),
        pytest.param("NIP 196608011988031001", ["nip-bukan-digit"], id="S16-awalan-teks"),
        pytest.param("19660801/198803/1/001", ["nip-bukan-digit"], id="S16-garis-miring"),
        pytest.param(
            "１９６６０８０１１９８８０３１００１", ["nip-bukan-digit"], id="S16-digit-lebar"
        ),
        pytest.param("'196608011988031001", ["nip-bukan-digit"], id="M-apostrof"),
    ],
)
def test_format_errors(raw: object, expected: list[str]) -> None:
    assert codes(raw) == expected
    assert all(p.severity is G for p in check_nip(raw))
    assert not is_valid(raw)


def test_panjang_params() -> None:
    (p,) = check_nip("19660801 19880310 0")
    assert p.params == {"value": "19660801 19880310 0", "length": "17"}


def test_format_errors_stop_component_checks() -> None:
    # A 17-digit string whose digits also hold a bad month and sex: only the length counts.
    assert codes("19660801198813300") == ["nip-panjang"]


# --- number cells (Excel keeps 15 significant digits) ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param(1.96608011988031e17, "1.96608011988031e+17", id="M-float"),
        pytest.param("1.96608011988031E+17", "1.96608011988031E+17", id="M-teks-e-notasi"),
        pytest.param("1,96608E+17", "1,96608E+17", id="M-teks-e-notasi-koma"),
        pytest.param("196608011988031000.0", "196608011988031000.0", id="M-teks-titik-nol"),
        pytest.param("196608011988031000,0", "196608011988031000,0", id="M-teks-koma-nol"),
        pytest.param(196608011988031001, "196608011988031001", id="M-int"),
        pytest.param(Decimal("196608011988031001"), "196608011988031001", id="M-decimal"),
        pytest.param(float("inf"), "inf", id="M-inf"),
    ],
)
def test_number_cell_is_reported_not_fixed(raw: object, shown: str) -> None:
    problems = check_nip(raw)
    assert [(p.code, p.severity) for p in problems] == [("nip-angka", G)]
    assert problems[0].params == {"value": shown}
    assert not is_valid(raw, "PNS")


# --- parameters of the component messages ---------------------------------------------------


def test_component_params() -> None:
    raw = "19660230 198813 3 000"
    by_code = {p.code: dict(p.params) for p in check_nip(raw)}
    assert by_code == {
        "nip-tanggal-lahir": {"value": raw, "part": "19660230"},
        "nip-bulan-tmt": {"value": raw, "part": "13"},
        "nip-jenis-kelamin": {"value": raw, "part": "3"},
        "nip-urut-000": {"value": raw},
    }


def test_pppk_code_params() -> None:
    (p,) = check_nip("199001012023222001", "PPPK")
    assert p.params == {"value": "199001012023222001", "part": "22"}


def test_appointed_under_18_age_param() -> None:
    # Born 1975, appointed 1990: 1990 − 1975 = 15.
    (p,) = check_nip("197505151990031002")
    assert (p.code, p.severity, p.params["age"]) == ("nip-tmt-terlalu-muda", P, "15")
    # Exactly 18 years (1966 → 1984) is fine.
    assert codes("196608011984031001") == []


def test_appointed_before_birth_is_reported_as_negative_age() -> None:
    (p,) = check_nip("199001012023212001".replace("2023", "1980"))
    assert (p.code, p.params["age"]) == ("nip-tmt-terlalu-muda", "-10")


# --- future dates (only with an explicit today) ---------------------------------------------


def test_future_dates_need_today() -> None:
    # Born 2000-01-01, TMT 2019-03; today 2019-02-15 → TMT is next month.
    raw = "200001012019031001"
    assert codes(raw) == []
    problems = check_nip(raw, today=dt.date(2019, 2, 15))
    assert [(p.code, p.severity, p.params["part"]) for p in problems] == [
        ("nip-masa-depan", P, "201903")
    ]
    # The TMT month itself is not the future.
    assert codes(raw, today=dt.date(2019, 3, 1)) == []


def test_future_birth_and_tmt() -> None:
    raw = "203001012050031001"
    problems = check_nip(raw, today=dt.date(2024, 6, 1))
    assert [(p.code, p.params["part"]) for p in problems] == [
        ("nip-masa-depan", "20300101"),
        ("nip-masa-depan", "205003"),
    ]
    assert is_valid(raw)  # warnings only


def test_future_pppk_compares_year_only() -> None:
    raw = "199001012025212001"
    assert codes(raw, today=dt.date(2025, 1, 1)) == []
    assert [p.params["part"] for p in check_nip(raw, today=dt.date(2024, 12, 31))] == ["2025"]


# --- status --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["PNS", "pns", " Pns ", "CPNS"])
def test_status_pns_spellings(status: str) -> None:
    assert codes("199001012023212001", status) == ["nip-bulan-tmt"]


@pytest.mark.parametrize("status", ["PPPK", "pppk", "P3K"])
def test_status_pppk_spellings(status: str) -> None:
    assert codes("196608011988031001", status) == ["nip-kode-pppk"]


def test_unknown_status_falls_back_to_detection() -> None:
    assert codes("199001012023212001", "honorer") == []
    assert codes("196608011988131001", "honorer") == ["nip-bulan-tmt"]


# --- robustness -----------------------------------------------------------------------------


class _Hostile:
    def __str__(self) -> str:
        raise RuntimeError("no text")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, ["nip-kosong"], id="none"),
        pytest.param("", ["nip-kosong"], id="kosong"),
        pytest.param("-", ["nip-kosong"], id="strip"),
        pytest.param(object(), ["nip-bukan-digit"], id="object"),
        pytest.param(float("nan"), ["nip-kosong"], id="nan-sel-kosong-pandas"),
        pytest.param(True, ["nip-bukan-digit"], id="bool"),
        pytest.param(b"123", ["nip-panjang"], id="bytes"),
        pytest.param(b"\xff\xfe", ["nip-bukan-digit"], id="bytes-rusak"),
        pytest.param(bytearray(b"196608011988031001"), [], id="bytearray-valid"),
        pytest.param(_Hostile(), ["nip-bukan-digit"], id="str-melempar"),
        pytest.param(["196608011988031001"], ["nip-bukan-digit"], id="list"),
        pytest.param(3 + 4j, ["nip-angka"], id="complex"),
    ],
)
def test_junk_never_raises(raw: object, expected: list[str]) -> None:
    assert codes(raw) == expected


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.text(),
        st.text(alphabet="0123456789 .-eE+,"),
        st.binary(),
    ),
    st.sampled_from(["otomatis", "PNS", "PPPK", "", "x"]),
    st.one_of(st.none(), st.dates()),
)
def test_never_raises_and_fills_placeholders(
    raw: object, status: str, today: dt.date | None
) -> None:
    problems = check_nip(raw, status, today)
    for p in problems:
        assert placeholders(p.code) <= set(p.params), p.code
        assert p.message
    assert is_valid(raw, status) == all(p.severity is not G for p in problems)


# --- compact / format -----------------------------------------------------------------------


def test_compact_and_format() -> None:
    assert compact("19660801 198803 1 001") == "196608011988031001"
    assert compact("19660801.198803-1\u00a0001") == "196608011988031001"
    assert format_nip("196608011988031001") == "19660801 198803 1 001"
    assert format_nip("19660801-198803-1-001") == "19660801 198803 1 001"
    # Not 18 digits: shown as typed, never padded or cut.
    assert format_nip("1966080119880310") == "1966080119880310"
    assert format_nip("1.96608011988031E+17") == "1.96608011988031E+17"


@st.composite
def valid_nips(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2080, 12, 31)))
    tmt_year = draw(st.integers(min_value=born.year + 18, max_value=9999))
    tmt_month = draw(st.integers(min_value=1, max_value=12))
    sex = draw(st.sampled_from("12"))
    seq = draw(st.integers(min_value=1, max_value=999))
    return f"{born:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{sex}{seq:03d}"


@given(valid_nips())
def test_valid_layout_has_no_problems(nip: str) -> None:
    assert check_nip(nip) == []
    assert check_nip(nip, "PNS") == []
    assert check_nip(format_nip(nip)) == []
    assert is_valid(nip)


@given(valid_nips(), st.lists(st.sampled_from([" ", ".", "-", "\u00a0"]), min_size=18, max_size=18))
def test_compact_format_round_trip(nip: str, seps: list[str]) -> None:
    shown = format_nip(nip)
    assert compact(shown) == nip
    assert format_nip(shown) == shown
    assert len(shown) == 21 and shown[8] == shown[15] == shown[17] == " "
    scattered = "".join(d + s for d, s in zip(nip, seps, strict=True))
    assert compact(scattered) == nip
    assert format_nip(scattered) == shown
