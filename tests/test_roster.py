"""The roster (daftar pegawai) reader and the fictional sample roster. All people are invented."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib.util
import io
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from sheetnilai.errors import SheetnilaiError
from sheetnilai.messages import CATALOGUE, placeholders, render
from sheetnilai.problems import Problem, Severity
from sheetnilai.roster import (
    JenisJabatan,
    Roster,
    Status,
    read_roster,
    safe_file_stem,
    sample_roster_path,
    sheet_title,
)
from sheetnilai.rules.policy import DEFAULT_KOEFISIEN

ROSTER_MESSAGES = {k: v for k, v in CATALOGUE.items() if k.startswith("roster-")}

G, P, C = Severity.GALAT, Severity.PERINGATAN, Severity.CATATAN
ROOT = Path(__file__).parents[1]
ENGLISH = re.compile(r"\b(the|is|must|please|error|file|row|column|cell|not)\b", re.I)

HEADER = [
    "NIP",
    "Nama",
    "Jabatan",
    "Jenis Jabatan",
    "Status",
    "Jenjang",
    "Pangkat/Golongan",
    "Unit Kerja",
    "NIP Pejabat Penilai",
    "NIP Atasan Pejabat Penilai",
    "Email",
]
KEYS = ["nip", "nama", "jabatan", "jenis", "status", "jenjang", "pangkat", "unit", "penilai"]
KEYS += ["atasan", "email"]

SEKDA = "196805121994031003"
KADIS = "197203151998031002"
SEK = "198005202005012003"
STAF = "199001012015031004"
JF = "199205102019022001"
PPPK = "199403032023212005"
LUAR = "197911302006041001"  # a valid NIP of nobody in the roster


def rec(nip: str, nama: str, jabatan: str, jenis: str, **kw: str) -> dict[str, str]:
    row = {"nip": nip, "nama": nama, "jabatan": jabatan, "jenis": jenis}
    row.setdefault("unit", "Dinas Sosial")
    row.update(kw)
    return row


def base() -> list[dict[str, str]]:
    """A clean roster: its only problem is the Sekda's blank penilai (catatan)."""
    return [
        rec(
            SEKDA,
            "Ir. Hadi Santoso, M.T.",
            "Sekretaris Daerah",
            "JPT",
            unit="Sekretariat Daerah",
            pangkat="Pembina Utama Madya (IV/d)",
        ),
        rec(KADIS, "Dra. Rini Lestari, M.Si.", "Kepala Dinas", "JPT", penilai=SEKDA),
        rec(
            SEK,
            "Euis Kurniasih, S.Sos.",
            "Sekretaris Dinas",
            "Administrator",
            penilai=KADIS,
            atasan=SEKDA,
        ),
        rec(
            STAF,
            "Togar Siregar",
            "Pengadministrasi Perkantoran",
            "Pelaksana",
            penilai=SEK,
            atasan=KADIS,
            email="togar.siregar@sukamajukab.go.id",
        ),
        rec(
            JF,
            "Yulia Tanjung, S.Tr.Sos.",
            "Pekerja Sosial Ahli Pertama",
            "Fungsional",
            jenjang="Ahli Pertama",
            status="PNS",
            penilai=SEK,
            atasan=KADIS,
        ),
        rec(
            PPPK,
            "Andi Nurul Pallawa",
            "Penyuluh Sosial Ahli Pertama",
            "Fungsional",
            jenjang="Ahli Pertama",
            pangkat="IX",
            penilai=SEK,
            atasan=KADIS,
        ),
    ]


def table(records: list[dict[str, str]], header: list[str] = HEADER) -> list[list[object]]:
    keys = [KEYS[HEADER.index(h)] if h in HEADER else h for h in header]
    return [list(header)] + [[r.get(k, "") for k in keys] for r in records]


def write_csv(
    path: Path, rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    sheet: str = "Sheet1",
    before: tuple[str, ...] = (),
) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name in before:
        wb.add_worksheet(name).write_string(0, 0, "bukan daftar pegawai")
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, wb.add_format({"num_format": "dd/mm/yyyy"}))
            else:
                ws.write_number(r, c, value)
    wb.close()
    return path


def found(roster: Roster) -> list[tuple[str, Severity, int | None, str | None]]:
    return [(p.code, p.severity, p.row, p.cell) for p in roster.problems]


def codes(roster: Roster) -> list[str]:
    return [p.code for p in roster.problems]


def assert_readable(problems: list[Problem]) -> None:
    for p in problems:
        text = p.render()
        assert "…" not in text and "{" not in text, text
        assert not ENGLISH.search(p.message + " " + p.advice), text
        if p.code.startswith("roster-") and p.row is not None and "baris" in placeholders(p.code):
            # Each row-level message names the roster row (and the column, where it has one).
            assert re.search(rf"\b[Bb]aris {p.row}\b", p.message), text


# --- the sample roster ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Roster:
    return read_roster(sample_roster_path())


def test_sample_roster_is_clean_and_complete(sample: Roster) -> None:
    assert 250 <= len(sample.pegawai) <= 350
    assert len(sample.pegawai) == 300
    units = sample.units()
    assert len(units) == 12
    assert all(8 <= len(members) <= 45 for members in units.values())
    assert {len(m) for m in units.values()} >= {8, 45}
    assert {p.jenis_jabatan for p in sample.pegawai} == set(JenisJabatan)
    assert {p.status for p in sample.pegawai} == set(Status)
    assert {p.jenjang for p in sample.pegawai} - {None} == set(DEFAULT_KOEFISIEN)
    # No galat, no peringatan; the Sekda's penilai (the Bupati) is outside the roster.
    assert found(sample) == [("roster-penilai-kosong-jpt", C, 2, "I2")]
    assert_readable(sample.problems)


def test_sample_roster_people(sample: Roster) -> None:
    by_nip = sample.by_nip()
    assert len(by_nip) == len(sample.pegawai)
    emails = [p.email for p in sample.pegawai]
    assert all(e and e.isascii() and e.endswith("@sukamajukab.go.id") for e in emails)
    assert len(set(emails)) == len(emails)
    assert len({p.nama for p in sample.pegawai}) == len(sample.pegawai)
    assert any("'" in p.nama for p in sample.pegawai)
    for p in sample.pegawai:
        # The NI PPPK marker and the status agree; every pegawai but the Sekda has a penilai.
        assert (p.nip[12:14] == "21") == (p.status is Status.PPPK), p
        assert (p.jenjang is not None) == (p.jenis_jabatan is JenisJabatan.FUNGSIONAL), p
        if p.jabatan != "Sekretaris Daerah":
            assert p.penilai_nip in by_nip, p
            assert sample.atasan_penilai_nip_of(p) == p.atasan_penilai_nip or (
                p.atasan_penilai_nip is None
            )
    pppk = [p for p in sample.pegawai if p.status is Status.PPPK]
    assert len(pppk) >= 10 and sum(p.jenis_jabatan is JenisJabatan.FUNGSIONAL for p in pppk) > (
        len(pppk) / 2
    )
    # A JPT whose penilai (the Sekda) sits in another unit is normal and no problem.
    kadis = [p for p in sample.pegawai if p.jabatan == "Kepala Dinas"]
    assert kadis and all(by_nip[p.penilai_nip or ""].unit != p.unit for p in kadis)
    assert all(p.jenis_jabatan is JenisJabatan.JPT for p in kadis)


def test_sample_roster_tool_is_deterministic(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_sample_roster", ROOT / "tools" / "make_sample_roster.py"
    )
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    # dataclasses resolve the tool's string annotations through sys.modules.
    monkeypatch.setitem(sys.modules, spec.name, tool)
    spec.loader.exec_module(tool)
    out = tmp_path / "contoh.csv"
    assert tool.main(["--keluaran", str(out)]) == 0
    assert out.read_bytes() == sample_roster_path().read_bytes()
    summary = capsys.readouterr().out.strip()
    assert summary.count("\n") == 0 and "300 pegawai, 12 unit kerja" in summary
    # The roster's columns, and the optional Potensial the demo's Talenta sheet reads.
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join([*HEADER, "Potensial"])


# --- layouts and encodings ------------------------------------------------------------------


def test_clean_roster_csv_and_xlsx_read_the_same(tmp_path: Path) -> None:
    a = read_roster(write_csv(tmp_path / "daftar.csv", table(base())))
    b = read_roster(write_xlsx(tmp_path / "daftar.xlsx", table(base())))
    assert a.pegawai == b.pegawai
    assert found(a) == found(b) == [("roster-penilai-kosong-jpt", C, 2, "I2")]
    staf = a.by_nip()[STAF]
    assert staf.row == 5 and staf.status is Status.PNS and staf.jenjang is None
    assert staf.penilai_nip == SEK and staf.atasan_penilai_nip == KADIS
    assert staf.email == "togar.siregar@sukamajukab.go.id"
    # A blank status is read from the NIP: digits 13–14 "21" mark an NI PPPK.
    assert a.by_nip()[PPPK].status is Status.PPPK
    assert a.by_nip()[JF].jenjang == "Ahli Pertama"
    assert a.problems[0].file == "daftar.csv" and b.problems[0].file == "daftar.xlsx"
    assert list(a.units()) == ["Sekretariat Daerah", "Dinas Sosial"]
    assert a.penilai_of(staf) == a.by_nip()[SEK]
    assert a.atasan_penilai_nip_of(a.by_nip()[SEK]) == SEKDA


def test_header_aliases_and_shuffled_columns(tmp_path: Path) -> None:
    header = [
        "No.",
        "E-mail",
        "unit",
        "NAMA",
        "nip",
        "NIP_Atasan_Langsung",
        "Pangkat/Gol. Ruang",
        "jenis  jabatan",
        "Jenjang Jabatan Fungsional",
        "Status Kepegawaian",
        "Jabatan",
        "NIP Atasan Penilai",
    ]
    alias = {
        "No.": "no",
        "E-mail": "email",
        "unit": "unit",
        "NAMA": "nama",
        "nip": "nip",
        "NIP_Atasan_Langsung": "penilai",
        "Pangkat/Gol. Ruang": "pangkat",
        "jenis  jabatan": "jenis",
        "Jenjang Jabatan Fungsional": "jenjang",
        "Status Kepegawaian": "status",
        "Jabatan": "jabatan",
        "NIP Atasan Penilai": "atasan",
    }
    records = base()
    records[3]["email"] = "togar.siregar@"
    for i, r in enumerate(records):
        r["no"] = str(i + 1)
    rows = [header] + [[r.get(alias[h], "") for h in header] for r in records]
    for path in (
        write_xlsx(tmp_path / "acak.xlsx", rows),
        write_csv(tmp_path / "acak.csv", rows),
    ):
        roster = read_roster(path)
        assert len(roster.pegawai) == 6
        assert roster.by_nip()[SEK].pangkat == ""
        assert roster.by_nip()[SEKDA].pangkat == "Pembina Utama Madya (IV/d)"
        assert roster.by_nip()[JF].jenjang == "Ahli Pertama"
        assert roster.by_nip()[STAF].email is None
        # Cells are placed by the actual column: penilai in F, e-mail in B.
        assert found(roster) == [
            ("roster-penilai-kosong-jpt", C, 2, "F2"),
            ("roster-email-tidak-sah", P, 5, "B5"),
        ]
        assert roster.problems[1].params["kolom"] == "E-mail"
        assert_readable(roster.problems)


def test_header_surel_and_gol_aliases(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("Email", "Pangkat/Golongan")] + ["Surel", "Gol"]
    rows = [header] + [[*row[:6], *row[7:10], row[10], row[6]] for row in table(base())[1:]]
    roster = read_roster(write_csv(tmp_path / "d.csv", rows))
    assert roster.by_nip()[STAF].email == "togar.siregar@sukamajukab.go.id"
    assert roster.by_nip()[PPPK].pangkat == "IX"


def test_csv_semicolon_cp1252(tmp_path: Path) -> None:
    records = base()
    records[3]["nama"] = "René Sitompul, S.E."
    records[3]["jabatan"] = "Pengelola Keuangan; Bendahara"
    path = write_csv(tmp_path / "excel.csv", table(records), delimiter=";", encoding="cp1252")
    assert "é".encode("cp1252") in path.read_bytes()
    roster = read_roster(path)
    assert roster.by_nip()[STAF].nama == "René Sitompul, S.E."
    assert roster.by_nip()[STAF].jabatan == "Pengelola Keuangan; Bendahara"
    assert codes(roster) == ["roster-penilai-kosong-jpt"]


def test_csv_utf8_bom_and_sep_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    body = "\n".join(";".join(str(v) for v in row) for row in table(base()))
    path.write_bytes(b"\xef\xbb\xbf" + ("sep=;\n" + body).encode("utf-8"))
    roster = read_roster(path)
    assert len(roster.pegawai) == 6 and roster.by_nip()[KADIS].row == 3


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def excel_unicode_text(rows: list[list[object]]) -> bytes:
    """What Excel's "Save As → Unicode Text (*.txt)" writes: UTF-16 LE with its byte order
    mark, tab-separated, CRLF, fields quoted only where they hold a tab, quote or newline."""
    return codecs.BOM_UTF16_LE + csv_bytes(rows, "utf-16-le", "\t")


@pytest.mark.parametrize("name", ["daftar.txt", "daftar.csv", "DAFTAR.TXT", "daftar.tsv"])
def test_excel_unicode_text_utf16_is_read(tmp_path: Path, name: str) -> None:
    records = base()
    records[4]["nama"] = "Ni Komang Ayu Cikaréng\tŽofia"  # non-Latin-1 and a tab, quoted
    records[5]["nama"] = "Andi Nurul Pallawa, S.Sos."  # a comma: tabs separate, not commas
    path = tmp_path / name
    path.write_bytes(excel_unicode_text(table(records)))
    assert path.read_bytes()[:4] == b"\xff\xfeN\x00"  # BOM, then "N" of "NIP" in UTF-16 LE
    roster = read_roster(path)
    expected = read_roster(write_csv(tmp_path / "sama.csv", table(records)))
    assert roster.pegawai == expected.pegawai and len(roster.pegawai) == 6
    assert found(roster) == [("roster-penilai-kosong-jpt", C, 2, "I2")]
    # The tab inside the quoted name is whitespace like any other, made one space.
    assert roster.by_nip()[JF].nama == "Ni Komang Ayu Cikaréng Žofia"
    assert roster.by_nip()[PPPK].nama == "Andi Nurul Pallawa, S.Sos."


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-16-be", b"")],
)
def test_other_utf16_forms_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "daftar.txt"
    path.write_bytes(bom + csv_bytes(table(base()), encoding, "\t"))
    assert (
        read_roster(path).pegawai
        == read_roster(write_csv(tmp_path / "sama.csv", table(base()))).pegawai
    )


def test_truncated_utf16_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "potong.txt"
    path.write_bytes(excel_unicode_text(table(base()))[:-1])  # half a character at the end
    with pytest.raises(SheetnilaiError) as info:
        read_roster(path)
    assert info.value.message_id == "roster-tidak-terbaca"
    assert "terpotong" in info.value.message and not ENGLISH.search(info.value.message)


def test_a_stray_nul_byte_names_its_row_and_the_rest_is_read(tmp_path: Path) -> None:
    rows = table(base())
    rows[4][0] = "1990010120\x0015031004"  # Togar's NIP, row 5, with a NUL inside
    rows[4][1] = "Togar\x00 Siregar"
    rows[6][10] = "\x00"  # a cell holding only a NUL is then blank
    path = tmp_path / "nul.csv"
    path.write_bytes(csv_bytes(rows))
    assert path.read_bytes().count(b"\x00") == 3 and b"\x00" in path.read_bytes()[:4096]
    roster = read_roster(path)
    assert found(roster) == [
        ("roster-penilai-kosong-jpt", C, 2, "I2"),
        ("roster-karakter-nul", P, 5, "A5"),
        ("roster-karakter-nul", P, 7, "K7"),
    ]
    nul = roster.problems[1]
    assert nul.message.startswith("Baris 5 (sel A5, B5) memuat karakter NUL (byte 0)")
    assert nul.file == "nul.csv"
    # Nothing is lost: the row is kept with the NUL removed, and the NIP is whole again.
    assert len(roster.pegawai) == 6
    assert roster.by_nip()[STAF].nama == "Togar Siregar"
    assert roster.by_nip()[PPPK].email is None
    assert_readable(roster.problems)


def test_a_nul_byte_deep_in_a_large_file_and_in_utf16(tmp_path: Path) -> None:
    records = base()
    rows = table(records) + [[""] * 11 for _ in range(2000)]  # blank rows push it far down
    rows.append(list(table([records[3] | {"nip": LUAR, "nama": "Budi\x00"}])[1]))
    utf8 = tmp_path / "jauh.csv"
    utf8.write_bytes(csv_bytes(rows))
    assert utf8.read_bytes().index(b"\x00") > 4096
    utf16 = tmp_path / "jauh.txt"
    utf16.write_bytes(excel_unicode_text(rows))
    for path in (utf8, utf16):
        roster = read_roster(path)
        assert found(roster)[-1] == ("roster-karakter-nul", P, 2008, "B2008"), path.name
        assert roster.by_nip()[LUAR].nama == "Budi"


def test_a_binary_file_with_a_text_suffix_is_still_refused(tmp_path: Path) -> None:
    for name, data in [
        ("gambar.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16),
        ("lama.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(SheetnilaiError) as info:
            read_roster(path)
        assert info.value.message_id == "roster-tidak-terbaca", name
    assert "bukan teks CSV" in info.value.message  # the .xls saved as .txt


def test_header_after_blank_rows_and_blank_rows_between(tmp_path: Path) -> None:
    rows = [[], [], *table(base())[:3], ["", "", "", ""], [*[""] * 11, "7"], *table(base())[3:]]
    roster = read_roster(write_xlsx(tmp_path / "kosong.xlsx", rows))
    assert len(roster.pegawai) == 6
    assert roster.by_nip()[SEKDA].row == 4
    assert roster.by_nip()[SEK].row == 8
    assert found(roster) == [("roster-penilai-kosong-jpt", C, 4, "I4")]


def test_xlsx_prefers_sheet_named_daftar_pegawai(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", table(base()), sheet="DAFTAR_PEGAWAI", before=("Info",))
    assert len(read_roster(path).pegawai) == 6


def test_cell_values_of_other_types_are_read_as_text(tmp_path: Path) -> None:
    rows: list[list[object]] = table(base())
    rows[0].append("Tanggal Lahir")
    rows[4][1] = "  Togar   Siregar\u00a0"
    rows[4][6] = 3.0
    rows[4].append(dt.datetime(1990, 1, 1))
    rows[5][2] = 12
    roster = read_roster(write_xlsx(tmp_path / "jenis.xlsx", rows))
    staf = roster.by_nip()[STAF]
    assert staf.nama == "Togar Siregar" and staf.pangkat == "3"
    assert roster.by_nip()[JF].jabatan == "12"


# --- NIP ---------------------------------------------------------------------------------------


def test_duplicate_nip_names_both_rows(tmp_path: Path) -> None:
    records = base()
    records.append(rec(STAF, "Togar Siregar Kembar", "Pengemudi", "Pelaksana", penilai=SEK))
    roster = read_roster(write_csv(tmp_path / "ganda.csv", table(records)))
    assert found(roster) == [
        ("roster-penilai-kosong-jpt", C, 2, "I2"),
        ("roster-nip-ganda", G, 8, "A8"),
        ("roster-baris-tidak-diikutkan", C, 8, None),
    ]
    message = roster.problems[1].message
    assert "baris 5 (Togar Siregar)" in message and "Baris 8" in message
    assert "Togar Siregar Kembar" in message
    assert len(roster.pegawai) == 6 and roster.by_nip()[STAF].nama == "Togar Siregar"
    assert_readable(roster.problems)


def test_nip_as_number_in_xlsx(tmp_path: Path) -> None:
    rows = table(base())
    rows[4][0] = int(STAF)  # write_number: Excel keeps 15 significant digits
    roster = read_roster(write_xlsx(tmp_path / "angka.xlsx", rows))
    assert found(roster) == [
        ("roster-penilai-kosong-jpt", C, 2, "I2"),
        ("nip-angka", G, 5, "A5"),
        ("roster-baris-tidak-diikutkan", C, 5, None),
    ]
    assert STAF not in roster.by_nip() and len(roster.pegawai) == 5
    assert roster.problems[1].nama == "Togar Siregar"
    assert "NIP-nya tidak sah" in roster.problems[2].message
    # The pelaksana's penilai is fine; rows pointing at the dropped row are told why.
    assert_readable(roster.problems)


@pytest.mark.parametrize(
    ("delimiter", "value"),
    [(";", "1,99001E+17"), (",", "1.99001011E+17"), (",", "199001012015031000.0")],
)
def test_nip_in_e_notation_in_csv(tmp_path: Path, delimiter: str, value: str) -> None:
    rows = table(base())
    rows[4][0] = value
    roster = read_roster(write_csv(tmp_path / "e.csv", rows, delimiter=delimiter))
    assert found(roster)[1:] == [
        ("nip-angka", G, 5, "A5"),
        ("roster-baris-tidak-diikutkan", C, 5, None),
    ]
    assert len(roster.pegawai) == 5


def test_nip_problems_from_check_nip_are_placed_at_the_roster_cell(tmp_path: Path) -> None:
    records = base()
    records[3]["nip"] = "19900101 201513 1 004"  # TMT month 13
    records[4]["nip"] = "199205102019022000"  # sequence 000: a peringatan, the row stays
    records.append(rec("", "Tanpa NIP", "Pengemudi", "Pelaksana", penilai=SEK))
    roster = read_roster(write_csv(tmp_path / "nip.csv", table(records)))
    assert found(roster) == [
        ("roster-penilai-kosong-jpt", C, 2, "I2"),
        ("nip-bulan-tmt", G, 5, "A5"),
        ("roster-baris-tidak-diikutkan", C, 5, None),
        ("nip-urut-000", P, 6, "A6"),
        ("nip-kosong", G, 8, "A8"),
        ("roster-baris-tidak-diikutkan", C, 8, None),
    ]
    assert "199205102019022000" in roster.by_nip()
    assert roster.problems[1].file == "nip.csv"
    assert roster.problems[1].place == "nip.csv › A5 (Togar Siregar)"
    assert_readable(roster.problems)


def test_status_given_blank_and_unknown(tmp_path: Path) -> None:
    records = base()
    records[3]["status"] = "Honorer"
    records[5]["status"] = "p3k"
    records[2]["status"] = "pns"
    roster = read_roster(write_csv(tmp_path / "status.csv", table(records)))
    assert found(roster)[1:] == [("roster-status-tidak-dikenal", G, 5, "E5")]
    assert "PNS" in roster.problems[1].advice
    assert roster.by_nip()[STAF].status is Status.PNS  # kept, status read from the NIP
    assert roster.by_nip()[PPPK].status is Status.PPPK


def test_status_pns_on_an_ni_pppk_is_a_nip_galat(tmp_path: Path) -> None:
    records = base()
    records[5]["status"] = "PNS"
    roster = read_roster(write_csv(tmp_path / "s.csv", table(records)))
    assert found(roster)[1:] == [
        ("nip-bulan-tmt", G, 7, "A7"),
        ("roster-baris-tidak-diikutkan", C, 7, None),
    ]


# --- jabatan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "jenis"),
    [
        ("JPT", JenisJabatan.JPT),
        ("jabatan pimpinan tinggi", JenisJabatan.JPT),
        ("Pimpinan Tinggi Pratama", JenisJabatan.JPT),
        ("PIMPINAN TINGGI MADYA", JenisJabatan.JPT),
        ("Jabatan Pimpinan Tinggi Pratama", JenisJabatan.JPT),
        ("administrator", JenisJabatan.ADMINISTRATOR),
        ("Jabatan Pengawas", JenisJabatan.PENGAWAS),
        ("PELAKSANA", JenisJabatan.PELAKSANA),
        ("Jabatan Fungsional", JenisJabatan.FUNGSIONAL),
        ("fungsional", JenisJabatan.FUNGSIONAL),
    ],
)
def test_jenis_jabatan_aliases(tmp_path: Path, text: str, jenis: JenisJabatan) -> None:
    records = base()
    records[1]["jenis"] = text
    if jenis is JenisJabatan.FUNGSIONAL:
        records[1]["jenjang"] = "Ahli Madya"
    roster = read_roster(write_csv(tmp_path / "j.csv", table(records)))
    assert roster.by_nip()[KADIS].jenis_jabatan is jenis
    assert [c for c in codes(roster) if c != "roster-penilai-kosong-jpt"] == []


def test_unknown_and_blank_jenis_jabatan(tmp_path: Path) -> None:
    records = base()
    records[3]["jenis"] = "Struktural"
    records[4]["jenis"] = ""
    roster = read_roster(write_csv(tmp_path / "jenis.csv", table(records)))
    assert found(roster)[1:] == [
        ("roster-jenis-jabatan-tidak-dikenal", G, 5, "D5"),
        ("roster-baris-tidak-diikutkan", C, 5, None),
        ("roster-jenis-jabatan-kosong", G, 6, "D6"),
        ("roster-baris-tidak-diikutkan", C, 6, None),
    ]
    assert '"Struktural"' in roster.problems[1].message
    assert "kolom Jenis Jabatan" in roster.problems[1].message
    assert {STAF, JF}.isdisjoint(roster.by_nip())
    assert_readable(roster.problems)


def test_jenjang_blank_unknown_normalised_and_ignored(tmp_path: Path) -> None:
    records = base()
    records[4]["jenjang"] = ""
    records[5]["jenjang"] = "Ahli Tengah"
    records[3]["jenjang"] = "Terampil"  # a pelaksana
    records.append(
        rec(
            LUAR,
            "Sri Wahyuni",
            "Pekerja Sosial Ahli Muda",
            "Fungsional",
            jenjang=" ahli  MUDA ",
            penilai=SEK,
            atasan=KADIS,
        )
    )
    roster = read_roster(write_csv(tmp_path / "jenjang.csv", table(records)))
    assert found(roster)[1:] == [
        ("roster-jenjang-bukan-fungsional", C, 5, "F5"),
        ("roster-jenjang-kosong", P, 6, "F6"),
        ("roster-jenjang-tidak-dikenal", G, 7, "F7"),
    ]
    assert "Ahli Pertama" in roster.problems[3].advice  # the allowed jenjang are listed
    by_nip = roster.by_nip()
    assert by_nip[JF].jenjang is None and by_nip[PPPK].jenjang is None
    assert by_nip[STAF].jenjang is None and by_nip[LUAR].jenjang == "Ahli Muda"
    assert len(roster.pegawai) == 7
    assert_readable(roster.problems)


def test_fungsional_without_jenjang_column(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Jenjang"]
    roster = read_roster(write_csv(tmp_path / "tanpa.csv", table(base(), header)))
    assert found(roster)[1:] == [
        ("roster-jenjang-kosong", P, 6, None),
        ("roster-jenjang-kosong", P, 7, None),
    ]
    assert "kolom Jenjang" in roster.problems[1].message


def test_blank_nama_unit_and_jabatan(tmp_path: Path) -> None:
    records = base()
    records[3]["nama"] = " "
    records[4]["unit"] = ""
    records[5]["jabatan"] = ""
    roster = read_roster(write_xlsx(tmp_path / "kosong.xlsx", table(records)))
    assert found(roster)[1:] == [
        ("roster-nama-kosong", G, 5, "B5"),
        ("roster-baris-tidak-diikutkan", C, 5, None),
        ("roster-unit-kosong", G, 6, "H6"),
        ("roster-baris-tidak-diikutkan", C, 6, None),
        ("roster-jabatan-kosong", P, 7, "C7"),
    ]
    assert "tanpa nama" in roster.problems[2].message
    assert [p.nip for p in roster.pegawai] == [SEKDA, KADIS, SEK, PPPK]
    assert_readable(roster.problems)


# --- pejabat penilai ---------------------------------------------------------------------------


def test_penilai_blank_outside_and_malformed(tmp_path: Path) -> None:
    records = base()
    records[1]["penilai"] = ""  # JPT: catatan
    records[3]["penilai"] = ""  # pelaksana: peringatan
    records[4]["penilai"] = LUAR  # outside the roster: allowed
    records[5]["penilai"] = "12345"  # malformed: peringatan, read as blank
    records[5]["atasan"] = "1,98005E+17"
    roster = read_roster(write_csv(tmp_path / "penilai.csv", table(records)))
    assert found(roster) == [
        ("roster-penilai-kosong-jpt", C, 2, "I2"),
        ("roster-penilai-kosong-jpt", C, 3, "I3"),
        ("roster-penilai-kosong", P, 5, "I5"),
        ("roster-penilai-di-luar-daftar", C, 6, "I6"),
        ("roster-nip-pejabat-tidak-sah", P, 7, "I7"),
        ("roster-nip-pejabat-tidak-sah", P, 7, "J7"),
    ]
    by_nip = roster.by_nip()
    assert by_nip[PPPK].penilai_nip is None and by_nip[PPPK].atasan_penilai_nip is None
    assert by_nip[JF].penilai_nip == LUAR
    assert "di luar daftar; diperbolehkan" in roster.problems[3].message
    assert '"12345" terdiri atas 5 digit' in roster.problems[4].message
    assert "kolom NIP Atasan Pejabat Penilai" in roster.problems[5].message
    assert_readable(roster.problems)


def test_penilai_in_another_unit_is_fine(tmp_path: Path) -> None:
    records = base()
    records[3]["penilai"] = SEKDA  # a pelaksana rated across units: unusual but allowed
    records[3]["atasan"] = ""
    roster = read_roster(write_csv(tmp_path / "lintas.csv", table(records)))
    assert codes(roster) == ["roster-penilai-kosong-jpt"]


def test_penilai_on_a_dropped_row(tmp_path: Path) -> None:
    records = base()
    records[2]["jenis"] = "Eselon III"
    roster = read_roster(write_csv(tmp_path / "d.csv", table(records)))
    assert found(roster)[1:] == [
        ("roster-jenis-jabatan-tidak-dikenal", G, 4, "D4"),
        ("roster-baris-tidak-diikutkan", C, 4, None),
        ("roster-penilai-tidak-diikutkan", P, 5, "I5"),
        ("roster-penilai-tidak-diikutkan", P, 6, "I6"),
        ("roster-penilai-tidak-diikutkan", P, 7, "I7"),
    ]
    assert "baris 4" in roster.problems[3].message
    assert_readable(roster.problems)


def test_self_penilai(tmp_path: Path) -> None:
    records = base()
    records[3]["penilai"] = STAF
    roster = read_roster(write_xlsx(tmp_path / "diri.xlsx", table(records)))
    assert found(roster)[1:] == [("roster-penilai-diri-sendiri", G, 5, "I5")]
    staf = roster.by_nip()[STAF]
    assert staf.penilai_nip is None and staf.atasan_penilai_nip is None  # the loop is cut
    assert "Togar Siregar (NIP 199001012015031004)" in roster.problems[1].message


def test_self_atasan_penilai(tmp_path: Path) -> None:
    records = base()
    # Togar is his own atasan pejabat penilai (his NIP spaced as on an SK).
    records[3]["atasan"] = "19900101 201503 1 004"
    records[1]["penilai"] = KADIS  # and the Kadis is both his own penilai and atasan
    records[1]["atasan"] = KADIS
    roster = read_roster(write_xlsx(tmp_path / "diri.xlsx", table(records)))
    assert found(roster)[1:] == [
        ("roster-atasan-penilai-diri-sendiri", G, 3, "J3"),
        ("roster-penilai-diri-sendiri", G, 3, "I3"),
        ("roster-atasan-penilai-diri-sendiri", G, 5, "J5"),
    ]
    staf = roster.by_nip()[STAF]
    # Only the atasan is dropped: the penilai stays, and the atasan falls back to the
    # penilai's own penilai, as for a blank cell.
    assert staf.penilai_nip == SEK and staf.atasan_penilai_nip is None
    assert roster.atasan_penilai_nip_of(staf) == KADIS
    kadis = roster.by_nip()[KADIS]
    assert kadis.penilai_nip is None and kadis.atasan_penilai_nip is None
    assert len(roster.pegawai) == 6  # a galat here never drops the pegawai
    message = roster.problems[3].message
    assert message == (
        "Baris 5, kolom NIP Atasan Pejabat Penilai: Togar Siregar (NIP 199001012015031004) "
        "tercantum sebagai atasan pejabat penilai dirinya sendiri."
    )
    assert roster.problems[3].nip == STAF and roster.problems[3].nama == "Togar Siregar"
    assert roster.problems[3].advice.endswith("(pejabat penilainya tetap dipakai).")
    assert_readable(roster.problems)


def test_penilai_cycles(tmp_path: Path) -> None:
    records = base()
    # 3-cycle: Sekretaris → Staf → JF → Sekretaris; 2-cycle: Kadis ↔ Sekda.
    records[2]["penilai"] = STAF
    records[3]["penilai"] = JF
    records[4]["penilai"] = SEK
    records[0]["penilai"] = KADIS
    for r in records:
        r["atasan"] = ""
    roster = read_roster(write_csv(tmp_path / "siklus.csv", table(records)))
    assert found(roster) == [
        ("roster-penilai-siklus", G, 2, "I2"),
        ("roster-penilai-siklus", G, 3, "I3"),
        ("roster-penilai-siklus", G, 4, "I4"),
        ("roster-penilai-siklus", G, 5, "I5"),
        ("roster-penilai-siklus", G, 6, "I6"),
    ]
    messages = {p.row: p.message for p in roster.problems}
    assert messages[4].endswith(
        "Euis Kurniasih, S.Sos. (NIP 198005202005012003) → Togar Siregar (NIP "
        "199001012015031004) → Yulia Tanjung, S.Tr.Sos. (NIP 199205102019022001) → Euis "
        "Kurniasih, S.Sos. (NIP 198005202005012003)."
    )
    assert messages[5].startswith("Baris 5, kolom NIP Pejabat Penilai: rantai pejabat")
    assert "baris 4, 5, 6" in roster.problems[2].advice
    assert "baris 2, 3" in roster.problems[0].advice
    by_nip = roster.by_nip()
    assert len(roster.pegawai) == 6  # rows stay; the loops are cut
    assert all(by_nip[n].penilai_nip is None for n in (SEKDA, KADIS, SEK, STAF, JF))
    assert by_nip[PPPK].penilai_nip == SEK
    assert_readable(roster.problems)


def test_atasan_penilai_differs_from_the_penilai_s_penilai(tmp_path: Path) -> None:
    records = base()
    records[3]["atasan"] = SEKDA  # the Sekretaris' penilai is the Kadis
    records[4]["atasan"] = ""  # blank is fine
    roster = read_roster(write_csv(tmp_path / "atasan.csv", table(records)))
    assert found(roster)[1:] == [("roster-atasan-penilai-berbeda", C, 5, "J5")]
    assert roster.by_nip()[STAF].atasan_penilai_nip == SEKDA
    assert roster.atasan_penilai_nip_of(roster.by_nip()[JF]) == KADIS
    assert_readable(roster.problems)


# --- unit kerja, e-mail, names -----------------------------------------------------------------


def test_unit_name_unusable_as_file_name(tmp_path: Path) -> None:
    long_unit = "Dinas " + "Pemberdayaan Masyarakat dan Desa " * 4
    records = base()
    for r in records[1:4]:
        r["unit"] = 'Dinas Sosial / P3A: "Bidang*Khusus"?'
    records[4]["unit"] = long_unit
    records[5]["unit"] = long_unit.upper()
    roster = read_roster(write_csv(tmp_path / "unit.csv", table(records)))
    assert found(roster)[1:] == [
        ("roster-unit-nama-berkas", C, 3, "H3"),
        ("roster-unit-nama-berkas", C, 6, "H6"),
        ("roster-unit-ejaan-berbeda", C, 7, "H7"),
    ]
    assert '"Dinas Sosial - P3A- -Bidang-Khusus--"' in roster.problems[1].message
    assert len(roster.units()) == 3
    assert roster.by_nip()[PPPK].unit == long_unit.strip()
    assert_readable(roster.problems)


@pytest.mark.parametrize(
    ("unit", "stem"),
    [
        ("Dinas Sosial", "Dinas Sosial"),
        ("Dinas Sosial / P3A", "Dinas Sosial - P3A"),
        ('a\\b:c*d?e"f<g>h|i', "a-b-c-d-e-f-g-h-i"),
        ("  Bagian   Umum  ", "Bagian Umum"),
        ("Kecamatan Sukamaju Utara...", "Kecamatan Sukamaju Utara"),
        ("Dinas Perhubungan ", "Dinas Perhubungan"),
        (
            "Badan Penanggulangan Bencana Daerah Kabupaten Sukamaju Provinsi Jawa Barat Tahun 2025",
            "Badan Penanggulangan Bencana Daerah Kabupaten Sukamaju Provinsi Jawa Barat Tahun",
        ),
        ("Puskesmas Cikaréng Ñusantara", "Puskesmas Cikaréng Ñusantara"),
        ("...", "unit-kerja"),
        ("", "unit-kerja"),
        ("con", "con-unit"),
        # Names a folder reader would skip as a lock, hidden or temporary file, or a path step.
        ("~$Dinas Rahasia", "Dinas Rahasia"),
        (".Bagian Tersembunyi", "Bagian Tersembunyi"),
        (" . Dinas Sosial", "Dinas Sosial"),
        (".~lock.Kantor Camat#", "~lock.Kantor Camat#"),
        ("~$~$.. .~$Unit", "Unit"),
        ("..", "unit-kerja"),
        ("~$", "unit-kerja"),
        ("Dinas A..B", "Dinas A.B"),
        ("Bagian ... Umum", "Bagian . Umum"),
        ("../../Dinas", "-.-Dinas"),
        ("Bagian ~$Umum", "Bagian ~$Umum"),  # only a leading "~$" marks a lock file
        ("~Dinas", "~Dinas"),
    ],
)
def test_safe_file_stem(unit: str, stem: str) -> None:
    assert safe_file_stem(unit) == stem
    assert len(safe_file_stem(unit)) <= 80
    assert not stem.startswith(("~$", ".")) and ".." not in stem


def test_unit_name_that_readers_would_skip_is_noted(tmp_path: Path) -> None:
    records = base()
    for r in records[1:]:
        r["unit"] = "~$Dinas Sosial"
    roster = read_roster(write_csv(tmp_path / "kunci.csv", table(records)))
    assert found(roster)[1:] == [("roster-unit-nama-berkas", C, 3, "H3")]
    assert '"~$Dinas Sosial"' in roster.problems[1].message
    assert 'nama berkasnya menjadi "Dinas Sosial"' in roster.problems[1].message
    assert "~$" in roster.problems[1].advice  # the advice names what to avoid
    assert roster.by_nip()[STAF].unit == "~$Dinas Sosial"  # the unit itself is unchanged
    assert_readable(roster.problems)


def test_safe_file_stem_long_name_is_cut_without_trailing_space() -> None:
    stem = safe_file_stem("A" * 79 + " BCD")
    assert stem == "A" * 79


def test_email_and_apostrophe_names(tmp_path: Path) -> None:
    records = base()
    records[3]["email"] = "togar siregar@sukamajukab"
    records[4]["nama"] = "Ni Luh Putu Ayu D'Silva"
    records[5]["email"] = "andi.nurul@sukamajukab.go.id"
    roster = read_roster(write_xlsx(tmp_path / "surel.xlsx", table(records)))
    assert found(roster)[1:] == [("roster-email-tidak-sah", P, 5, "K5")]
    assert roster.by_nip()[JF].nama == "Ni Luh Putu Ayu D'Silva"
    assert roster.by_nip()[PPPK].email == "andi.nurul@sukamajukab.go.id"


def test_duplicate_column_uses_the_first(tmp_path: Path) -> None:
    rows = table(base())
    rows[0].append("Nama Pegawai")
    for row in rows[1:]:
        row.append("lain")
    roster = read_roster(write_csv(tmp_path / "dua.csv", rows))
    assert found(roster)[0] == ("roster-kolom-ganda", C, 1, "L1")
    assert roster.by_nip()[STAF].nama == "Togar Siregar"
    assert_readable(roster.problems)


# --- empty, missing, unreadable ------------------------------------------------------------------


def test_header_only_roster(tmp_path: Path) -> None:
    for path in (
        write_csv(tmp_path / "judul.csv", [HEADER, [""] * 11]),
        write_xlsx(tmp_path / "judul.xlsx", [HEADER]),
    ):
        roster = read_roster(path)
        assert roster.pegawai == []
        assert found(roster) == [("roster-kosong", G, None, None)]
        assert_readable(roster.problems)


def test_empty_file(tmp_path: Path) -> None:
    empty_csv = tmp_path / "kosong.csv"
    empty_csv.write_bytes(b"")
    empty_xlsx = write_xlsx(tmp_path / "kosong.xlsx", [])
    for path in (empty_csv, empty_xlsx):
        roster = read_roster(path)
        assert roster.pegawai == [] and codes(roster) == ["roster-kosong"]


def test_missing_required_column(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("Unit Kerja", "NIP Pejabat Penilai")]
    with pytest.raises(SheetnilaiError) as info:
        read_roster(write_csv(tmp_path / "kurang.csv", table(base(), header)))
    assert info.value.message_id == "roster-kolom-wajib-tidak-ada"
    message = info.value.message
    assert "kolom wajib: Unit Kerja, NIP Pejabat Penilai." in message
    assert "baris 1: NIP, Nama, Jabatan" in message
    assert "…" not in message and not ENGLISH.search(message)


@pytest.mark.parametrize("name", ["daftar.xls", "daftar.ods", "daftar.pdf", "daftar"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("NIP,Nama\n", encoding="utf-8")
    with pytest.raises(SheetnilaiError) as info:
        read_roster(path)
    assert info.value.message_id == "roster-format-tidak-didukung"
    assert "…" not in info.value.message


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(SheetnilaiError) as info:
        read_roster(tmp_path / "tidak-ada.xlsx")
    assert info.value.message_id == "roster-tidak-ada"
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan zip sama sekali")
    with pytest.raises(SheetnilaiError) as info:
        read_roster(bad)
    assert info.value.message_id == "roster-tidak-terbaca"
    assert "rusak" in info.value.message and not ENGLISH.search(info.value.message)
    xlsx_as_csv = tmp_path / "salah.csv"
    xlsx_as_csv.write_bytes(write_xlsx(tmp_path / "asli.xlsx", table(base())).read_bytes())
    with pytest.raises(SheetnilaiError) as info:
        read_roster(xlsx_as_csv)
    assert info.value.message_id == "roster-tidak-terbaca"
    undecodable = tmp_path / "kode.csv"
    undecodable.write_bytes(",".join(HEADER).encode() + b"\n\x81\x8d\x8f\n")
    with pytest.raises(SheetnilaiError) as info:
        read_roster(undecodable)
    assert info.value.message_id == "roster-tidak-terbaca"


# --- sheet titles ------------------------------------------------------------------------------


def test_sheet_title() -> None:
    used: set[str] = set()
    assert sheet_title(1, "Togar Siregar", used) == "01 Togar Siregar"
    long = sheet_title(2, "Dr. Ir. Muhammad Arsyad Daeng Marewa, S.T., M.T.", used)
    assert long == "02 Dr. Ir. Muhammad Arsyad Daen" and len(long) == 31
    assert sheet_title(3, "Kepala [Bidang]: A/B\\C*?", used) == "03 Kepala Bidang A B C"
    assert sheet_title(4, "'Ayu'", used) == "04 'Ayu"
    assert sheet_title(5, "Ni Luh Putu Ayu D'Silva", used) == "05 Ni Luh Putu Ayu D'Silva"
    assert (
        sheet_title(6, "Ni Luh Putu Ayu D'Silvaaaaaaaa", used) == "06 Ni Luh Putu Ayu D'Silvaaaaaa"
    )
    assert sheet_title(7, "Ni Luh Putu Ayu Dewi D'", used) == "07 Ni Luh Putu Ayu Dewi D"
    assert sheet_title(123, "Togar Siregar", used) == "123 Togar Siregar"
    assert sheet_title(8, "", used) == "08"
    # Unique case-insensitively, within 31 characters.
    assert sheet_title(1, "TOGAR SIREGAR", used) == "01 TOGAR SIREGAR (2)"
    assert sheet_title(1, "togar siregar", used) == "01 togar siregar (3)"
    again = sheet_title(2, "Dr. Ir. Muhammad Arsyad Daeng Marewa, S.T., M.T.", used)
    assert again == "02 Dr. Ir. Muhammad Arsyad (2)" and len(again) <= 31
    assert len(used) == 12 and len({u.casefold() for u in used}) == 12
    for title in used:
        assert len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title)
        assert not title.startswith("'") and not title.endswith("'")


def test_sheet_titles_for_the_whole_sample(sample: Roster) -> None:
    for members in sample.units().values():
        used: set[str] = set()
        titles = [sheet_title(i, p.nama, used) for i, p in enumerate(members, start=1)]
        assert len({t.casefold() for t in titles}) == len(members)


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ROSTER_MESSAGES))
def test_roster_messages_are_indonesian_and_complete(code: str) -> None:
    entry = CATALOGUE[code]
    assert entry is ROSTER_MESSAGES[code]
    assert entry.severity in {s.value for s in Severity}
    assert entry.text.strip() and entry.advice.strip()
    assert not ENGLISH.search(entry.text + " " + entry.advice), code
    text = render(code, {name: f"<{name}>" for name in placeholders(code)})
    assert "…" not in text and "{" not in text


def test_every_roster_code_used_is_in_the_catalogue() -> None:
    source = (ROOT / "src" / "sheetnilai" / "roster.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(roster-[a-z-]+)"', source))
    assert used == set(ROSTER_MESSAGES)
    assert used <= set(CATALOGUE)
    assert Counter(e.severity for e in ROSTER_MESSAGES.values()).keys() == {
        "galat",
        "peringatan",
        "catatan",
    }
