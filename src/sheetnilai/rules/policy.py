"""Policy settings: every rule that domain.md marks uncertain or regional, with its default.

The defaults are domain.md's recommendations. `load_policy` reads `sheetnilai.toml`
(the reading is in `sheetnilai.config`; this module only turns the parsed table into a
`Policy`) and validates every key: a bad setting is reported in Indonesian naming the key, the value
and what is allowed. The README's "Kebijakan" section documents each setting; a test keeps
the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

from sheetnilai.problems import Problem, Severity
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.frozenmap import FrozenMap  # also for outputs pickled as policy.FrozenMap
from sheetnilai.rules.labels import Predikat, parse_predikat
from sheetnilai.rules.numbers import exact, number_text
from sheetnilai.rules.talenta import (
    DEFAULT_CUES,
    DEFAULT_KINERJA,
    AntarPeriode,
    Kinerja,
)


class DistributionRounding(StrEnum):
    """How a percentage limit applies to a small unit (domain.md §2.9, uncertain)."""

    EXACT = "eksak"  # the share count/n is compared exactly with the limit
    HEADCOUNT = "bulatkan-jumlah"  # the limit becomes round_half_up(limit × n) pegawai


class SuggestionMethod(StrEnum):
    """How IKI capaian become one suggested rating hasil kerja (domain.md §2.7)."""

    MEAN = "rata-rata"
    LOWEST = "terendah"


class IkmWeight(StrEnum):
    """Weight per unsur of the IKM (domain.md §6): exact 1/9 or 0.11 as printed."""

    NINTH = "1/9"
    PRINTED = "0.11"

    @property
    def fraction(self) -> Fraction:
        return Fraction(1, 9) if self is IkmWeight.NINTH else Fraction(11, 100)


class IkmSampleRounding(StrEnum):
    """How the Krejcie–Morgan minimum sample is rounded (domain.md §6)."""

    TABLE = "tabel"  # nearest whole respondent, as the published table prints it
    UP = "ke-atas"  # the next whole respondent whenever there is a fraction


class IkiSurveySource(StrEnum):
    """What decides the capaian of an IKI whose source is an IKM survey (issue 16)."""

    SURVEY = "survei"  # the survey's konversi is the realisasi; a differing typed one warns
    TYPED = "diketik"  # the typed realisasi; the survey's value is shown beside it


class BandRounding(StrEnum):
    """How a PP 46/2011 score is rounded before it is put in a band (domain.md §4.5)."""

    NONE = "tanpa"
    WHOLE = "bulat"
    TWO = "dua-desimal"

    @property
    def digits(self) -> int | None:
        return {"tanpa": None, "bulat": 0, "dua-desimal": 2}[self.value]


class Pp30Weights(StrEnum):
    """PP 30/2019 Ps. 41(2)–(4): 70/30, or 60/40 where behaviour is assessed 360°."""

    W70_30 = "70/30"
    W60_40 = "60/40"

    @property
    def skp(self) -> Fraction:
        return Fraction(70, 100) if self is Pp30Weights.W70_30 else Fraction(60, 100)


class Sifat(StrEnum):
    """Whether an IKI's realisasi adds up over the year (domain.md §2.6); the sheet's label."""

    KUMULATIF = "Kumulatif"
    TETAP = "Tetap"


class PeriodReading(StrEnum):
    """A periodic figure per period, or summed from the start of the year."""

    PER_PERIODE = "per-periode"
    KUMULATIF = "kumulatif"


class TahunanKumulatif(StrEnum):
    """The annual realisasi of a kumulatif IKI left blank: the sum of its periods, or none."""

    JUMLAH = "jumlah"
    ISIAN = "isian"


@dataclass(frozen=True, slots=True)
class CapaianPolicy:
    # The 8/2021 worked example rounds 97.9% to 98% before interpolating (domain.md §3);
    # None keeps the exact capaian.
    desimal: int | None = 0
    # [V:S9] realisation above target counts up to 120.
    batas_atas: Fraction = Fraction(120)
    # [V:S10 p.363, example only] capaian exactly 100% scores 109.
    nilai_baik: Fraction = Fraction(109)


@dataclass(frozen=True, slots=True)
class CapaianPeriodikPolicy:
    """Periodic capaian (rules/periodik.py): no regulation sets these [M]; domain.md §2.6."""

    # An IKI whose sifat is left blank. "tetap" compares each period with the annual target,
    # as every workbook made before sifat existed did.
    sifat_kosong: Sifat = Sifat.TETAP
    # Kumulatif IKI without a period target: realisasi so far against the pro-rata share of
    # months elapsed, or the period's own realisasi against the period's share.
    kumulatif_tanpa_target: PeriodReading = PeriodReading.KUMULATIF
    # A period target of a kumulatif IKI: that period's own amount, or a year-to-date figure.
    target_periode: PeriodReading = PeriodReading.PER_PERIODE
    # The annual realisasi of a kumulatif IKI left blank: the sum of its periods, or blank.
    realisasi_tahunan: TahunanKumulatif = TahunanKumulatif.JUMLAH


@dataclass(frozen=True, slots=True)
class SaranRatingPolicy:
    aktif: bool = True
    metode: SuggestionMethod = SuggestionMethod.MEAN
    batas_di_atas: Fraction = Fraction(101)
    batas_sesuai: Fraction = Fraction(100)


@dataclass(frozen=True, slots=True)
class DistribusiPolicy:
    pembulatan: DistributionRounding = DistributionRounding.EXACT
    # Small units cannot meet percentages exactly: findings are warnings (domain.md §2.9).
    tingkat: Severity = Severity.PERINGATAN
    # "sebagian besar (maksimal 70%)" read as "the largest group and ≤ 70%" (§10 item 2).
    kelompok_terbesar: bool = True


def _ro(d: Mapping[Any, Fraction]) -> Mapping[Any, Fraction]:
    return FrozenMap(d)


DEFAULT_AK_PERSEN: Mapping[Predikat, Fraction] = _ro(
    {
        Predikat.SANGAT_BAIK: Fraction(150),
        Predikat.BAIK: Fraction(100),
        Predikat.BUTUH_PERBAIKAN: Fraction(75),
        Predikat.KURANG: Fraction(50),
        Predikat.SANGAT_KURANG: Fraction(25),
    }
)

# [V:S11, V-code] annual coefficient per jenjang (Baik = 100%).
DEFAULT_KOEFISIEN: Mapping[str, Fraction] = _ro(
    {
        "Pemula": Fraction("3.75"),
        "Terampil": Fraction(5),
        "Mahir": Fraction("12.5"),
        "Penyelia": Fraction(25),
        "Ahli Pertama": Fraction("12.5"),
        "Ahli Muda": Fraction(25),
        "Ahli Madya": Fraction("37.5"),
        "Ahli Utama": Fraction(50),
    }
)


@dataclass(frozen=True, slots=True)
class AngkaKreditPolicy:
    persen: Mapping[Predikat, Fraction] = field(default_factory=lambda: DEFAULT_AK_PERSEN)
    koefisien: Mapping[str, Fraction] = field(default_factory=lambda: DEFAULT_KOEFISIEN)
    # Shown rounded half up; the exact value is kept for sums (domain.md §2.12).
    desimal_tampilan: int = 2


@dataclass(frozen=True, slots=True)
class IkmPolicy:
    bobot: IkmWeight = IkmWeight.NINTH
    sampel: IkmSampleRounding = IkmSampleRounding.TABLE
    realisasi_iki: IkiSurveySource = IkiSurveySource.SURVEY


@dataclass(frozen=True, slots=True)
class Pp46Policy:
    bobot_skp: Fraction = Fraction(60, 100)  # [V:S13, S14]
    pembulatan_sebutan: BandRounding = BandRounding.NONE
    # [M] tugas tambahan: 1–3 tasks = 1, 4–6 = 2, ≥7 = 3 (domain.md §4.3, §10 item 9).
    tugas_tambahan: tuple[tuple[int, Fraction], ...] = (
        (1, Fraction(1)),
        (4, Fraction(2)),
        (7, Fraction(3)),
    )
    # [M] kreativitas by who acknowledges it.
    kreativitas: Mapping[str, Fraction] = field(
        default_factory=lambda: _ro(
            {"unit": Fraction(3), "organisasi": Fraction(6), "negara": Fraction(12)}
        )
    )


@dataclass(frozen=True, slots=True)
class Pp30Policy:
    bobot: Pp30Weights = Pp30Weights.W70_30
    batas_realisasi: Fraction = Fraction(120)  # [V:S9]


@dataclass(frozen=True, slots=True)
class PlausibilitasPolicy:
    """Guards against typing mistakes in target and realisasi (rules/plausibility.py); no
    regulation sets these, they are judgement calls."""

    # A realisasi more than this many times the target (or below target ÷ this) is flagged.
    kali_target: Fraction = Fraction(100)
    # A value rescaled by 100 counts as meant when it lands within this factor of the target.
    persen_kali: Fraction = Fraction(2)


@dataclass(frozen=True, slots=True)
class PeringatanDiniPolicy:
    """Early warnings across periods (sheetnilai.trends); judgement calls, no regulation."""

    # An IKI whose periodic capaian is more than this many points below 100% is behind.
    selisih_target: Fraction = Fraction(10)


@dataclass(frozen=True, slots=True)
class InstansiPolicy:
    """Who the agency is, for the titles of the score book and the documents people sign:
    no rule reads it."""

    nama: str = ""  # e.g. "Pemerintah Kabupaten Sukamaju"
    tempat: str = ""  # the place written above the signatures, e.g. "Sukamaju"


class TlsMode(StrEnum):
    """How the reminders' SMTP connection is secured."""

    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (SMTPS, port 465)
    NONE = "tanpa"  # no TLS: only for a relay on the same machine or network

    @property
    def default_port(self) -> int:
        """The port `[smtp] port` defaults to when the file does not give one."""
        return {TlsMode.STARTTLS: 587, TlsMode.SSL: 465, TlsMode.NONE: 25}[self]


# Every period key any scheme knows (periods.all_period_keys, spelt out here so the rules
# stay free of imports from the package's I/O side; tests keep the two equal).
PERIOD_KEYS: tuple[str, ...] = (
    *(f"TW{i}" for i in range(1, 5)),
    "S1",
    "S2",
    *("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES"),
    "TAHUNAN",
)


@dataclass(frozen=True, slots=True)
class TenggatPolicy:
    """Per-period deadlines for the unit workbooks (sheetnilai pengingat); None: not set.
    Field names are the period keys, as the file writes them."""

    TW1: dt.date | None = None
    TW2: dt.date | None = None
    TW3: dt.date | None = None
    TW4: dt.date | None = None
    S1: dt.date | None = None
    S2: dt.date | None = None
    JAN: dt.date | None = None
    FEB: dt.date | None = None
    MAR: dt.date | None = None
    APR: dt.date | None = None
    MEI: dt.date | None = None
    JUN: dt.date | None = None
    JUL: dt.date | None = None
    AGU: dt.date | None = None
    SEP: dt.date | None = None
    OKT: dt.date | None = None
    NOV: dt.date | None = None
    DES: dt.date | None = None
    TAHUNAN: dt.date | None = None

    def of(self, period: str) -> dt.date | None:
        value: dt.date | None = getattr(self, period, None)
        return value


@dataclass(frozen=True, slots=True)
class SmtpPolicy:
    """The mail server the reminders go through. The password is never in the file: only
    the name of the environment variable that holds it."""

    host: str = ""
    port: int = 587  # the default of the default tls (starttls); see TlsMode.default_port
    pengguna: str = ""  # login name; empty: no login (a relay that trusts the network)
    pengirim: str = ""  # From address
    tls: TlsMode = TlsMode.STARTTLS
    sandi_env: str = "SHEETNILAI_SMTP_SANDI"
    batas_waktu: int = 30  # seconds per SMTP operation


@dataclass(frozen=True, slots=True)
class PengingatPolicy:
    """Who is written to about a unit whose workbook has not arrived (the roster has one
    address per pegawai, none per unit): unit kerja -> e-mail of its admin."""

    admin_unit: Mapping[str, str] = field(default_factory=lambda: FrozenMap({}))


@dataclass(frozen=True, slots=True)
class KalibrasiPolicy:
    """Calibration help (rules/kalibrasi.py); a judgement call, no regulation."""

    # A unit whose curve needs more predikat changes than this gets no list of candidates,
    # only the sentence that no change of at most this many pegawai meets the curve (the
    # organisation predikat itself may be worth a second look). None: no limit.
    batas_perubahan: int | None = None


@dataclass(frozen=True, slots=True)
class TalentaPolicy:
    """The 9-box (rules/talenta.py, domain.md §2.14): no regulation maps predikat to kinerja."""

    kinerja: Mapping[Predikat, Kinerja] = field(default_factory=lambda: DEFAULT_KINERJA)
    antar_periode: AntarPeriode = AntarPeriode.TERAKHIR
    jumlah_periode: int = 2  # the last periods "terendah"/"modus" look at
    kotak_promosi: tuple[int, ...] = (9,)
    sangat_baik_berturut: int = 2  # 0: Sangat Baik in a row makes no promotion candidate
    kotak_pengembangan: tuple[int, ...] = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class PengembanganPolicy:
    """Development needs (rules/talenta.py): judgement calls, no regulation."""

    kata_kritis: tuple[str, ...] = DEFAULT_CUES
    batas_capaian: Fraction = Fraction(100)  # capaian (percent) below this is behind target
    periode_berturut: int = 2  # periods in a row an IKI must be behind, in a multi-period run


@dataclass(frozen=True, slots=True)
class Policy:
    capaian: CapaianPolicy = field(default_factory=CapaianPolicy)
    capaian_periodik: CapaianPeriodikPolicy = field(default_factory=CapaianPeriodikPolicy)
    saran_rating: SaranRatingPolicy = field(default_factory=SaranRatingPolicy)
    distribusi: DistribusiPolicy = field(default_factory=DistribusiPolicy)
    angka_kredit: AngkaKreditPolicy = field(default_factory=AngkaKreditPolicy)
    ikm: IkmPolicy = field(default_factory=IkmPolicy)
    pp46: Pp46Policy = field(default_factory=Pp46Policy)
    pp30: Pp30Policy = field(default_factory=Pp30Policy)
    plausibilitas: PlausibilitasPolicy = field(default_factory=PlausibilitasPolicy)
    peringatan_dini: PeringatanDiniPolicy = field(default_factory=PeringatanDiniPolicy)
    instansi: InstansiPolicy = field(default_factory=InstansiPolicy)
    kalibrasi: KalibrasiPolicy = field(default_factory=KalibrasiPolicy)
    talenta: TalentaPolicy = field(default_factory=TalentaPolicy)
    pengembangan: PengembanganPolicy = field(default_factory=PengembanganPolicy)
    tenggat: TenggatPolicy = field(default_factory=TenggatPolicy)
    smtp: SmtpPolicy = field(default_factory=SmtpPolicy)
    pengingat: PengingatPolicy = field(default_factory=PengingatPolicy)


DEFAULT_POLICY = Policy()

# Settings of HR's own runs (reminders), not of any score: they stay out of what a unit
# workbook stores, so a workbook never carries the agency's mail server or login name.
OPERATIONAL_SECTIONS = ("tenggat", "smtp", "pengingat")


def scoring_policy(policy: Policy) -> Policy:
    """`policy` with the operational sections at their defaults (what a workbook stores)."""
    return replace(policy, **{name: getattr(DEFAULT_POLICY, name) for name in OPERATIONAL_SECTIONS})


# --- reading a parsed sheetnilai.toml ----------------------------------------------------


class PolicyInvalid(Exception):
    """The policy table has bad settings; `problems` names each key, value and what is allowed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class _Bad(Exception):
    def __init__(self, allowed: str) -> None:
        self.allowed = allowed


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(lo: Fraction | None, hi: Fraction | None) -> Callable[[object], Fraction]:
    allowed = "angka" + (
        f" {number_text(lo)} sampai {number_text(hi)}"
        if lo is not None and hi is not None
        else f" ≥ {number_text(lo)}"
        if lo is not None
        else ""
    )

    def parse(value: object) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad(allowed)
        try:
            num = exact(value, "nilai")
        except RuleError:
            raise _Bad(allowed) from None
        if (lo is not None and num < lo) or (hi is not None and num > hi):
            raise _Bad(allowed)
        return num

    return parse


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad("true atau false")
    return value


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E]) -> Callable[[object], E]:
    def parse(value: object) -> E:
        for member in enum:
            if value == member.value:
                return member
        raise _Bad(", ".join(f'"{m.value}"' for m in enum))

    return parse


def _choice_lower(enum: type[E]) -> Callable[[object], E]:
    """A choice written in lower case in the file ("tetap") for an enum of sheet labels."""

    def parse(value: object) -> E:
        for member in enum:
            if value == member.value.lower():
                return member
        raise _Bad(", ".join(f'"{m.value.lower()}"' for m in enum))

    return parse


def _decimals(value: object) -> int | None:
    if value == "tanpa":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise _Bad('bilangan bulat 0 sampai 6, atau "tanpa" (tanpa pembulatan)')
    return value


def _change_limit(value: object) -> int | None:
    if value == "tanpa":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        raise _Bad('bilangan bulat 1 sampai 100000, atau "tanpa" (tanpa batas)')
    return value


def _percent_of_100(value: object) -> Fraction:
    return _number(Fraction(1), Fraction(99))(value) / 100


def _severity(value: object) -> Severity:
    if value in (Severity.GALAT.value, Severity.PERINGATAN.value):
        return Severity(value)
    raise _Bad('"galat", "peringatan"')


def _points(value: object) -> Mapping[str, Fraction]:
    if not isinstance(value, dict) or not value:
        raise _Bad("tabel nama = angka, mis. { unit = 3, organisasi = 6, negara = 12 }")
    parse = _number(Fraction(0), None)
    return _ro({str(k): parse(v) for k, v in value.items()})


def _tiers(value: object) -> tuple[tuple[int, Fraction], ...]:
    allowed = "daftar [jumlah_minimal, nilai] yang naik, mis. [[1, 1], [4, 2], [7, 3]]"
    if not isinstance(value, list) or not value:
        raise _Bad(allowed)
    tiers: list[tuple[int, Fraction]] = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or isinstance(item[0], bool)
            or not isinstance(item[0], int)
            or item[0] < 1
        ):
            raise _Bad(allowed)
        tiers.append((item[0], _number(Fraction(0), None)(item[1])))
    if [t[0] for t in tiers] != sorted({t[0] for t in tiers}):
        raise _Bad(allowed)
    return tuple(tiers)


def _name(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) > 120 or "\n" in value:
        raise _Bad("teks satu baris, paling panjang 120 huruf")
    return value.strip()


def _ak_percent(value: object) -> Mapping[Predikat, Fraction]:
    allowed = 'tabel predikat = persen, mis. { "Sangat Baik" = 150, "Baik" = 100 }'
    if not isinstance(value, dict):
        raise _Bad(allowed)
    table = dict(DEFAULT_AK_PERSEN)
    for key, pct in value.items():
        try:
            table[parse_predikat(key)] = _number(Fraction(0), Fraction(1000))(pct)
        except RuleError:
            raise _Bad(allowed) from None
    return _ro(table)


def _koefisien(value: object) -> Mapping[str, Fraction]:
    if not isinstance(value, dict):
        raise _Bad('tabel jenjang = koefisien, mis. { "Ahli Pertama" = 12.5 }')
    table = dict(DEFAULT_KOEFISIEN)
    parse = _number(Fraction(0), None)
    for key, koef in value.items():
        table[str(key)] = parse(koef)
    return _ro(table)


def _count(lo: int, hi: int) -> Callable[[object], int]:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise _Bad(f"bilangan bulat {lo} sampai {hi}")
        return value

    return parse


def _boxes(value: object) -> tuple[int, ...]:
    allowed = "daftar nomor kotak 1 sampai 9 tanpa ulangan, mis. [9] atau [1, 2, 3]"
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 9 for v in value
    ):
        raise _Bad(allowed)
    if len(set(value)) != len(value):
        raise _Bad(allowed)
    return tuple(sorted(value))


def _kinerja_map(value: object) -> Mapping[Predikat, Kinerja]:
    allowed = (
        'tabel predikat = kinerja ("di-atas", "sesuai", "di-bawah"), mis. { "Baik" = "di-atas" }'
    )
    if not isinstance(value, dict):
        raise _Bad(allowed)
    table = dict(DEFAULT_KINERJA)
    for key, level in value.items():
        try:
            table[parse_predikat(key)] = Kinerja(level)
        except (RuleError, ValueError):
            raise _Bad(allowed) from None
    return FrozenMap(table)


def _cues(value: object) -> tuple[str, ...]:
    allowed = 'daftar kata atau frasa, mis. ["perlu ditingkatkan", "kurang", "belum"]'
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.strip() and "\n" not in v for v in value
    ):
        raise _Bad(allowed)
    return tuple(" ".join(v.split()) for v in value)


def _deadline(value: object) -> dt.date | None:
    """A TOML date (2026-04-10), the same as text, or "tanpa" (no deadline)."""
    if value == "tanpa":
        return None
    if isinstance(value, dt.datetime):
        raise _Bad(_DATE_ALLOWED)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Bad(_DATE_ALLOWED)


_DATE_ALLOWED = 'tanggal TTTT-BB-HH, mis. 2026-04-10, atau "tanpa"'
_HOST = re.compile(r"[A-Za-z0-9.:\[\]-]{0,253}")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def _host(value: object) -> str:
    if not isinstance(value, str) or not _HOST.fullmatch(value.strip()):
        raise _Bad('nama host atau alamat IP server SMTP, mis. "smtp.instansi.go.id"')
    return value.strip()


def _port(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise _Bad(
            "bilangan bulat 1 sampai 65535 (bawaan menurut tls: 587 untuk starttls, 465 untuk ssl,"
            " 25 untuk tanpa)"
        )
    return value


def _seconds(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 600:
        raise _Bad("bilangan bulat 1 sampai 600 (detik)")
    return value


def _login(value: object) -> str:
    if not isinstance(value, str) or len(value) > 254 or any(c.isspace() for c in value):
        raise _Bad("teks tanpa spasi (nama pengguna SMTP), atau kosong")
    return value


def _email(value: object) -> str:
    if not isinstance(value, str) or not (value == "" or _EMAIL.fullmatch(value.strip())):
        raise _Bad('alamat surel, mis. "bkpsdm@sukamaju.go.id"')
    return value.strip()


def _env_name(value: object) -> str:
    if not isinstance(value, str) or not _ENV.fullmatch(value):
        raise _Bad(
            'nama variabel lingkungan (huruf, angka, garis bawah), mis. "SHEETNILAI_SMTP_SANDI";'
            " sandinya sendiri tidak pernah ditulis di berkas ini"
        )
    return value


def _admin_addresses(value: object) -> Mapping[str, str]:
    allowed = 'tabel unit kerja = alamat surel, mis. { "Dinas Kesehatan" = "admin@dinkes.go.id" }'
    if not isinstance(value, dict):
        raise _Bad(allowed)
    table: dict[str, str] = {}
    first: dict[str, str] = {}  # the unit as compared (spaces and case ignored) -> as written
    for unit, address in value.items():
        if not isinstance(address, str) or not _EMAIL.fullmatch(address.strip()):
            raise _Bad(allowed)
        key = " ".join(str(unit).split())
        other = first.setdefault(key.casefold(), str(unit))
        if other != str(unit):
            # Matched without regard to spaces and case, both would name one unit: the last
            # would silently win and the unit's reminder go to the wrong admin.
            raise _Bad(
                f'satu alamat per unit kerja: "{other}" dan "{unit}" menyebut unit yang sama '
                "(huruf besar/kecil dan spasi tidak dibedakan); hapus salah satunya"
            )
        table[key] = address.strip()
    return FrozenMap(table)


_Parser = Callable[[object], Any]

# Section -> key -> parser. The order is the README's.
SCHEMA: dict[str, dict[str, _Parser]] = {
    "capaian": {
        "desimal": _decimals,
        "batas_atas": _number(Fraction(100), Fraction(1000)),
        "nilai_baik": _number(Fraction(0), Fraction(120)),
    },
    "capaian_periodik": {
        "sifat_kosong": _choice_lower(Sifat),
        "kumulatif_tanpa_target": _choice(PeriodReading),
        "target_periode": _choice(PeriodReading),
        "realisasi_tahunan": _choice(TahunanKumulatif),
    },
    "saran_rating": {
        "aktif": _boolean,
        "metode": _choice(SuggestionMethod),
        "batas_di_atas": _number(Fraction(0), Fraction(1000)),
        "batas_sesuai": _number(Fraction(0), Fraction(1000)),
    },
    "distribusi": {
        "pembulatan": _choice(DistributionRounding),
        "tingkat": _severity,
        "kelompok_terbesar": _boolean,
    },
    "angka_kredit": {
        "persen": _ak_percent,
        "koefisien": _koefisien,
        "desimal_tampilan": _number(Fraction(0), Fraction(6)),
    },
    "ikm": {
        "bobot": _choice(IkmWeight),
        "sampel": _choice(IkmSampleRounding),
        "realisasi_iki": _choice(IkiSurveySource),
    },
    "pp46": {
        "bobot_skp": _percent_of_100,
        "pembulatan_sebutan": _choice(BandRounding),
        "tugas_tambahan": _tiers,
        "kreativitas": _points,
    },
    "pp30": {
        "bobot": _choice(Pp30Weights),
        "batas_realisasi": _number(Fraction(100), Fraction(1000)),
    },
    # Below 10× a realisasi far above target is often real (1 event planned, 8 held).
    "plausibilitas": {
        "kali_target": _number(Fraction(10), Fraction(1_000_000)),
        "persen_kali": _number(Fraction(1), Fraction(10)),
    },
    "peringatan_dini": {"selisih_target": _number(Fraction(0), Fraction(100))},
    "instansi": {"nama": _name, "tempat": _name},
    "kalibrasi": {"batas_perubahan": _change_limit},
    "talenta": {
        "kinerja": _kinerja_map,
        "antar_periode": _choice(AntarPeriode),
        "jumlah_periode": _count(1, 12),
        "kotak_promosi": _boxes,
        "sangat_baik_berturut": _count(0, 12),
        "kotak_pengembangan": _boxes,
    },
    "pengembangan": {
        "kata_kritis": _cues,
        "batas_capaian": _number(Fraction(1), Fraction(1000)),
        "periode_berturut": _count(1, 12),
    },
    "tenggat": dict.fromkeys(PERIOD_KEYS, _deadline),
    "smtp": {
        "host": _host,
        "port": _port,
        "pengguna": _login,
        "pengirim": _email,
        "tls": _choice(TlsMode),
        "sandi_env": _env_name,
        "batas_waktu": _seconds,
    },
    "pengingat": {"admin_unit": _admin_addresses},
}


def policy_from_mapping(data: Mapping[str, object], source: str = "sheetnilai.toml") -> Policy:
    """Build a Policy from a parsed TOML table; every bad key is reported, not just the first."""
    problems: list[Problem] = []
    sections: dict[str, Any] = {}
    for name, table in data.items():
        if name not in SCHEMA:
            problems.append(_unknown(source, name, ", ".join(f"[{s}]" for s in SCHEMA)))
            continue
        if not isinstance(table, dict):
            problems.append(_unknown(source, name, "sebuah tabel [" + name + "]"))
            continue
        values: dict[str, Any] = {}
        for key, raw in table.items():
            parser = SCHEMA[name].get(key)
            if parser is None:
                problems.append(_unknown(source, f"{name}.{key}", ", ".join(SCHEMA[name])))
                continue
            try:
                values[key] = parser(raw)
            except _Bad as bad:
                problems.append(
                    Problem.make(
                        "kebijakan-nilai-tidak-sah",
                        params={
                            "key": f"{name}.{key}",
                            "value": _shown(raw),
                            "allowed": bad.allowed,
                        },
                        file=source,
                    )
                )
        sections[name] = values
    if problems:
        raise PolicyInvalid(problems)
    policy = DEFAULT_POLICY
    for name, values in sections.items():
        if name == "angka_kredit" and "desimal_tampilan" in values:
            values["desimal_tampilan"] = int(values["desimal_tampilan"])
        if name == "smtp" and "port" not in values and "tls" in values:
            values["port"] = values["tls"].default_port  # 465 for ssl, 25 for tanpa
        policy = replace(policy, **{name: replace(getattr(policy, name), **values)})
    _check_consistency(policy, source)
    return policy


def _unknown(source: str, key: str, allowed: str) -> Problem:
    return Problem.make(
        "kebijakan-kunci-tidak-dikenal", params={"key": key, "allowed": allowed}, file=source
    )


def _check_consistency(policy: Policy, source: str) -> None:
    s = policy.saran_rating
    if s.batas_sesuai > s.batas_di_atas:
        raise PolicyInvalid(
            [
                Problem.make(
                    "kebijakan-nilai-tidak-sah",
                    params={
                        "key": "saran_rating.batas_sesuai",
                        "value": number_text(s.batas_sesuai),
                        "allowed": "angka ≤ saran_rating.batas_di_atas "
                        f"({number_text(s.batas_di_atas)})",
                    },
                    file=source,
                )
            ]
        )


def policy_as_table(policy: Policy) -> dict[str, dict[str, object]]:
    """The policy in force as plain TOML-able values, for printing and the score book."""
    out: dict[str, dict[str, object]] = {}
    for section in fields(policy):
        values = getattr(policy, section.name)
        table: dict[str, object] = {}
        for f in fields(values):
            value = getattr(values, f.name)
            # bobot_skp is written as a percent in the file, like the regulation prints it.
            table[f.name] = _plain(value * 100 if f.name == "bobot_skp" else value)
        out[section.name] = table
    return out


def _plain(value: object) -> object:
    if isinstance(value, Sifat):
        return value.value.lower()  # as the file spells it (_choice_lower)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if value is None:
        return "tanpa"
    if isinstance(value, Mapping):
        return {
            (k.label if isinstance(k, Predikat) else str(k)): _plain(v) for k, v in value.items()
        }
    if isinstance(value, tuple):
        return [
            [_plain(x) for x in item] if isinstance(item, tuple) else _plain(item) for item in value
        ]
    return value
