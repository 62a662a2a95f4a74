"""The rules library as Excel worksheet functions, through xlwings.

Excel desktop on Windows with the xlwings add-in: set "UDF Modules" to
``sheetnilai.xlwings_udf`` (on the xlwings ribbon, or in an ``xlwings.conf`` sheet) and click
"Import Functions"; the workbook must be an ``.xlsm``. The cells then take ``=SN_PREDIKAT(...)``,
``=SN_CAPAIAN(...)`` and the others in `FUNCTIONS`. xlwings Lite (Pyodide, Excel on the web,
Windows and macOS) registers the same functions when ``main.py`` imports them.

Every function is a thin wrapper holding no rule of its own: it turns cell values (float,
str, bool, None for a blank cell, lists of rows for a range) into the rules' inputs, calls
`sheetnilai.rules` with `DEFAULT_POLICY`, and turns the result back into a float or the
Indonesian label. A blank optional argument means the rules' own default. Bad input never
raises: the cell shows a short Indonesian text starting with `ERROR_MARK` ("#GALAT: ").

The module imports without Excel (Linux CI, Pyodide), where `xlwings.func` is a no-op, and
without xlwings at all, where the functions stay plain Python.

Argument descriptions and converter options are `Annotated` hints rather than `@xw.arg`:
classic xlwings and xlwings Lite both read them, and they remain inspectable where the
decorators do nothing. xlwings turns each hint into a converter and has none for unions, so
arguments are hinted `Any` and results with one plain type.
"""

# No `from __future__ import annotations`: xlwings reads the hints with get_type_hints() at
# decoration time, and plain objects need no evaluation in this module's namespace.

import functools
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, ParamSpec, TypeVar

from sheetnilai.problems import Severity
from sheetnilai.rules.angka_kredit import angka_kredit
from sheetnilai.rules.capaian import (
    CapaianIki,
    capaian_iki,
    parse_arah,
    parse_target,
    saran_rating,
)
from sheetnilai.rules.distribution import check_distribution, count_predikat, empty_unit_problem
from sheetnilai.rules.errors import RuleError
from sheetnilai.rules.ikm import IkmResult, ikm_from_respondents
from sheetnilai.rules.labels import parse_org_predikat, parse_predikat, parse_rating
from sheetnilai.rules.nip import check_nip
from sheetnilai.rules.numbers import exact, round_half_up
from sheetnilai.rules.policy import DEFAULT_POLICY, IkmPolicy, IkmWeight
from sheetnilai.rules.pp46 import Kegiatan, nilai_kegiatan
from sheetnilai.rules.predikat import predikat

__all__ = [
    "ERROR_MARK",
    "FUNCTIONS",
    "SN_ANGKA_KREDIT",
    "SN_CAPAIAN",
    "SN_CEK_NIP",
    "SN_DISTRIBUSI",
    "SN_IKM",
    "SN_MUTU_IKM",
    "SN_NILAI_CAPAIAN",
    "SN_PP46",
    "SN_PREDIKAT",
    "SN_SARAN_RATING",
]

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")

_excel_function: Callable[[F], F]
try:
    from xlwings import func as _excel_function
except ImportError:  # No xlwings (a bare Pyodide, a trimmed install): plain functions.

    def _excel_function(f: F) -> F:
        return f


ERROR_MARK = "#GALAT: "
WARNING_MARK = "#PERINGATAN: "
VALID_NIP = "sah"
_UNEXPECTED = "Terjadi kesalahan tak terduga ({name}); periksa isi sel argumen."
_TOO_BIG = "Hasil terlalu besar untuk ditampilkan di sel."


def _arg(doc: str, *, rentang: bool = False) -> dict[str, Any]:
    """Options xlwings reads from an `Annotated` hint: the description Excel shows and how
    the cells arrive. err_to_str hands an error cell (#N/A) over as its text, so the rules
    reject it by name instead of xlwings passing it on as a blank. A range always arrives as
    rows (ndim=2), whatever its shape."""
    options: dict[str, Any] = {"doc": doc, "err_to_str": True}
    if rentang:
        options["ndim"] = 2
    return options


class _CellError(Exception):
    """Bad cell input that no rule sees (a range where one cell belongs); the text is shown."""


def _in_cell(width: int = 1) -> Callable[[Callable[P, Any]], Callable[P, Any]]:
    """Turn every failure into Indonesian text in the cell (a row of `width` cells)."""

    def decorate(function: Callable[P, Any]) -> Callable[P, Any]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            try:
                return function(*args, **kwargs)
            except RuleError as exc:
                text = ERROR_MARK + exc.message
            except _CellError as exc:
                text = ERROR_MARK + str(exc)
            except Exception as exc:  # A cell must show a reason, never a traceback.
                text = ERROR_MARK + _UNEXPECTED.format(name=type(exc).__name__)
            return text if width == 1 else [[text, *[""] * (width - 1)]]

        return wrapper

    return decorate


# --- cells in, cells out -------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_range(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _one(value: Any, label: str) -> Any:
    """A one-cell argument. A one-cell range is unwrapped; a larger one is refused, not guessed."""
    if not _is_range(value):
        return value
    cells = [cell for item in value for cell in (item if _is_range(item) else [item])]
    if len(cells) != 1 or _is_range(cells[0]):
        raise _CellError(f"{label} harus satu sel, bukan rentang.")
    return cells[0]


def _rows(value: Any, label: str) -> list[list[Any]]:
    """A range argument as rows of cells: one cell, one row (a flat list) or a block."""
    if not _is_range(value):
        return [[value]]
    if not any(_is_range(item) for item in value):
        return [list(value)]
    if all(_is_range(row) and not any(_is_range(c) for c in row) for row in value):
        return [list(row) for row in value]
    raise _CellError(f"{label} harus rentang sel (baris × kolom), bukan daftar bersarang.")


def _filled(value: Any, label: str) -> list[Any]:
    return [cell for row in _rows(value, label) for cell in row if not _blank(cell)]


def _number(value: Fraction | Decimal) -> float:
    # A Fraction too big for a float raises, a Decimal becomes inf: both mean "too big".
    try:
        result = float(value)
    except OverflowError:
        raise _CellError(_TOO_BIG) from None
    if not math.isfinite(result):
        raise _CellError(_TOO_BIG)
    return result


def _optional(value: Any, label: str) -> Any:
    """None for a blank optional argument, so the rules' own default applies."""
    value = _one(value, label)
    return None if _blank(value) else value


# --- the functions -------------------------------------------------------------------------


@_excel_function
@_in_cell()
def SN_PREDIKAT(
    rating_hasil: Annotated[
        Any, _arg("Rating hasil kerja: Di Atas, Sesuai, atau Di Bawah Ekspektasi.")
    ],
    rating_perilaku: Annotated[
        Any, _arg("Rating perilaku kerja: Di Atas, Sesuai, atau Di Bawah Ekspektasi.")
    ],
) -> str:
    """Predikat kinerja pegawai dari rating hasil kerja dan rating perilaku kerja (matriks PermenPANRB 6/2022), mis. "Di Atas Ekspektasi" dan "Di Atas Ekspektasi" menjadi "Sangat Baik"."""  # noqa: E501
    hasil = parse_rating(_one(rating_hasil, "Rating hasil kerja"))
    perilaku = parse_rating(_one(rating_perilaku, "Rating perilaku kerja"))
    return predikat(hasil, perilaku).label


_TARGET = _arg('Target IKI: angka, atau target rentang dalam satu sel seperti "80-90".')
_REALISASI = _arg("Realisasi IKI (angka).")
_ARAH = _arg(
    'Arah IKI: "Semakin tinggi semakin baik" (juga bila kosong) atau "Semakin rendah semakin baik".'
)
_TARGET_ATAS = _arg("Batas atas target rentang (opsional); target menjadi batas bawahnya.")


def _capaian(target: Any, realisasi: Any, arah: Any, target_atas: Any) -> CapaianIki:
    tgt = parse_target(_one(target, "Target"), _optional(target_atas, "Target (batas atas)"))
    real = _one(realisasi, "Realisasi")
    direction = _optional(arah, "Arah")
    if direction is None:
        return capaian_iki(real, tgt)
    return capaian_iki(real, tgt, parse_arah(direction))


@_excel_function
@_in_cell()
def SN_CAPAIAN(
    target: Annotated[Any, _TARGET],
    realisasi: Annotated[Any, _REALISASI],
    arah: Annotated[Any, _ARAH] = None,
    target_atas: Annotated[Any, _TARGET_ATAS] = None,
) -> float:
    """Capaian IKI dalam persen (PermenPANRB 8/2021) seperti yang ditampilkan: dibulatkan dan dibatasi 0 sampai 120, mis. target 95, realisasi 93 menjadi 98."""  # noqa: E501
    return _number(_capaian(target, realisasi, arah, target_atas).persen)


@_excel_function
@_in_cell()
def SN_NILAI_CAPAIAN(
    target: Annotated[Any, _TARGET],
    realisasi: Annotated[Any, _REALISASI],
    arah: Annotated[Any, _ARAH] = None,
    target_atas: Annotated[Any, _TARGET_ATAS] = None,
) -> float:
    """Nilai capaian IKI (PermenPANRB 8/2021) dari capaian yang ditampilkan, mis. target 95, realisasi 93: capaian 98% bernilai 88."""  # noqa: E501
    return _number(_capaian(target, realisasi, arah, target_atas).nilai)


@_excel_function
@_in_cell()
def SN_SARAN_RATING(
    capaian_range: Annotated[
        Any, _arg("Rentang capaian IKI dalam persen (mis. 98); sel kosong diabaikan.", rentang=True)
    ],
) -> str:
    """Saran rating hasil kerja dari capaian IKI menurut kebijakan bawaan sheetnilai; kosong bila tidak ada capaian angka. Hanya saran: rating tetap keputusan pejabat penilai."""  # noqa: E501
    values = [exact(cell, "Capaian") for cell in _filled(capaian_range, "Rentang capaian")]
    rating = saran_rating(values, DEFAULT_POLICY.saran_rating)
    return "" if rating is None else rating.label


@_excel_function
@_in_cell(width=2)
def SN_DISTRIBUSI(
    predikat_organisasi: Annotated[
        Any, _arg("Predikat organisasi: Istimewa, Baik, Butuh Perbaikan, Kurang, Sangat Kurang.")
    ],
    predikat_range: Annotated[
        Any, _arg("Rentang predikat pegawai unit; sel kosong diabaikan.", rentang=True)
    ],
) -> list[list[str]]:
    """Pemeriksaan kurva distribusi predikat pegawai terhadap predikat organisasi (SE MenPANRB 3/2023). Hasil dua sel berdampingan: status (Sesuai, Tidak sesuai, Belum ada data) dan alasannya."""  # noqa: E501
    org = parse_org_predikat(_one(predikat_organisasi, "Predikat organisasi"))
    people = [parse_predikat(cell) for cell in _filled(predikat_range, "Rentang predikat")]
    result = check_distribution(org, count_predikat(people), DEFAULT_POLICY.distribusi)
    if result.total == 0:
        reason = empty_unit_problem().message
    else:
        reason = " ".join(finding.sentence for finding in result.findings)
    return [[result.status, reason]]


@_excel_function
@_in_cell()
def SN_ANGKA_KREDIT(
    predikat: Annotated[
        Any, _arg("Predikat kinerja pegawai, mis. Sangat Baik, Baik, Butuh Perbaikan.")
    ],
    jenjang: Annotated[Any, _arg("Jenjang jabatan fungsional, mis. Ahli Pertama, Terampil.")],
    bulan: Annotated[Any, _arg("Jumlah bulan penilaian 1 sampai 12 (kosong: 12).")] = None,
) -> float:
    """Angka kredit jabatan fungsional dari predikat, jenjang, dan jumlah bulan (PermenPANRB 1/2023), dibulatkan 2 desimal, mis. Sangat Baik, Ahli Pertama, 12 bulan menjadi 18,75."""  # noqa: E501
    policy = DEFAULT_POLICY.angka_kredit
    pred = parse_predikat(_one(predikat, "Predikat"))
    name = _one(jenjang, "Jenjang")
    months = _optional(bulan, "Jumlah bulan")
    ak = (
        angka_kredit(pred, name, policy=policy)
        if months is None
        else angka_kredit(pred, name, months, policy)
    )
    return _number(round_half_up(ak, policy.desimal_tampilan))


@_excel_function
@_in_cell()
def SN_CEK_NIP(
    nip: Annotated[Any, _arg("NIP PNS atau NI PPPK 18 digit, diketik sebagai teks.")],
    status: Annotated[Any, _arg("PNS atau PPPK (kosong: dikenali dari NIP).")] = None,
) -> str:
    """Pemeriksaan NIP PNS / NI PPPK (Perka BKN 22/2007): "sah", atau masalah terberat yang pertama. NIP harus diketik sebagai teks; NIP yang tersimpan sebagai angka sudah rusak."""  # noqa: E501
    kind = _optional(status, "Status")
    problems = check_nip(_one(nip, "NIP"), "otomatis" if kind is None else kind)
    if not problems:
        return VALID_NIP
    worst = min(problems, key=lambda p: p.severity.rank)
    return (ERROR_MARK if worst.severity is Severity.GALAT else WARNING_MARK) + worst.message


_JAWABAN = _arg(
    "Jawaban survei 1 sampai 4: satu baris per responden, 9 kolom unsur; sel kosong diabaikan.",
    rentang=True,
)
_BOBOT = _arg('Bobot per unsur: "1/9" (kosong) atau "0,11" seperti tertulis di Permen.')


def _ikm(jawaban_range: Any, bobot: Any) -> IkmResult:
    weight = _optional(bobot, "Bobot")
    policy = DEFAULT_POLICY.ikm
    if weight is not None:
        text = weight.strip().replace(",", ".") if isinstance(weight, str) else repr(weight)
        try:
            policy = IkmPolicy(IkmWeight(text))
        except ValueError:
            raise _CellError(f'Bobot IKM "{weight}" tidak dikenal; pilih 1/9 atau 0,11.') from None
    return ikm_from_respondents(_rows(jawaban_range, "Rentang jawaban"), policy)


@_excel_function
@_in_cell()
def SN_IKM(
    jawaban_range: Annotated[Any, _JAWABAN],
    bobot: Annotated[Any, _BOBOT] = None,
) -> float:
    """Nilai IKM konversi (25 sampai 100, dua desimal) dari jawaban survei kepuasan masyarakat (PermenPANRB 14/2017)."""  # noqa: E501
    return _number(_ikm(jawaban_range, bobot).konversi_tampil)


@_excel_function
@_in_cell()
def SN_MUTU_IKM(
    jawaban_range: Annotated[Any, _JAWABAN],
    bobot: Annotated[Any, _BOBOT] = None,
) -> str:
    """Mutu pelayanan dan kinerja unit dari jawaban survei kepuasan masyarakat (PermenPANRB 14/2017), mis. "B (Baik)"."""  # noqa: E501
    hasil = _ikm(jawaban_range, bobot)
    return f"{hasil.mutu} ({hasil.kinerja})"


@_excel_function
@_in_cell()
def SN_PP46(
    target_kuantitas: Annotated[Any, _arg("Target kuantitas (output).")],
    realisasi_kuantitas: Annotated[Any, _arg("Realisasi kuantitas; kosong atau 0: nilai 0.")],
    target_kualitas: Annotated[Any, _arg("Target kualitas (mutu), biasanya 100.")],
    realisasi_kualitas: Annotated[Any, _arg("Realisasi kualitas (mutu).")],
    target_waktu: Annotated[Any, _arg("Target waktu (bulan).")],
    realisasi_waktu: Annotated[Any, _arg("Realisasi waktu (bulan).")],
    target_biaya: Annotated[
        Any, _arg("Target biaya (opsional; kosong atau 0: tanpa biaya).")
    ] = None,
    realisasi_biaya: Annotated[Any, _arg("Realisasi biaya (opsional).")] = None,
) -> float:
    """Nilai capaian satu kegiatan SKP menurut PP 46/2011: rata-rata aspek kuantitas, kualitas, waktu, dan biaya bila ada target biaya."""  # noqa: E501
    kegiatan = Kegiatan(
        target_output=_one(target_kuantitas, "Target kuantitas"),
        realisasi_output=_one(realisasi_kuantitas, "Realisasi kuantitas"),
        target_kualitas=_one(target_kualitas, "Target kualitas"),
        realisasi_kualitas=_one(realisasi_kualitas, "Realisasi kualitas"),
        target_waktu=_one(target_waktu, "Target waktu"),
        realisasi_waktu=_one(realisasi_waktu, "Realisasi waktu"),
        target_biaya=_one(target_biaya, "Target biaya"),
        realisasi_biaya=_one(realisasi_biaya, "Realisasi biaya"),
    )
    return _number(nilai_kegiatan(kegiatan))


FUNCTIONS: tuple[Callable[..., Any], ...] = (
    SN_PREDIKAT,
    SN_CAPAIAN,
    SN_NILAI_CAPAIAN,
    SN_SARAN_RATING,
    SN_DISTRIBUSI,
    SN_ANGKA_KREDIT,
    SN_CEK_NIP,
    SN_IKM,
    SN_MUTU_IKM,
    SN_PP46,
)
