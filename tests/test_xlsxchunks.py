"""Large tables written as cached chunks (sheetnilai.xlsxchunks) read back exactly as the same
tables written cell by cell through XlsxWriter, in three independent readers, and a later
write rebuilds only the chunks whose rows changed."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import zipfile
import zlib
from collections.abc import Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import _datetime_to_excel_datetime

from sheetnilai import scorebook, xlsxchunks
from sheetnilai.scorebook import Chart, ColumnKind, Table, write_scorebook
from sheetnilai.store.sqlite import SqliteStore
from sheetnilai.xlsxchunks import Fragment, MemoryFragments, excel_serial
from tests.support.libreoffice import convert, soffice

K = ColumnKind
NIP = "199001012015031004"


def varied_rows(n: int, huge: bool = True) -> pd.DataFrame:
    """Every kind of value the writers treat differently, repeated down `n` rows (`huge`:
    with a text over a cell's limit, which LibreOffice takes minutes to lay out)."""
    odd_texts = [
        "  spasi di depan dan belakang  ",
        "kode _x0041_ & <b>tebal</b> \"kutip\" 'apostrof'",
        "",
        "x" * 70,  # wraps
        "baris 1\r\nbaris 2",
        "=1+1",
        "😀" * 20_000 if huge else "😀 emoji",  # over a cell's 32,767 UTF-16 units
        "Tab\tdi tengah",
    ]
    links = [
        "https://drive.example.go.id/bukti/1",
        "https://contoh.go.id/a b#bagian",
        "http://x.example/p?q=1&r=<2>",
        "bukan tautan",
        None,
        "https://sudah.example/%20terkode",
    ]
    numbers: list[object] = [87.456, math.nan, Fraction(1, 3), Decimal("12.25"), None, 0, -0.0]
    percents: list[object] = [97.5, 100.0, math.inf, "tidak dinilai", 120, None]
    stamps: list[object] = [
        dt.datetime(2025, 3, 31, 16, 30, 5),
        dt.date(2025, 1, 2),
        None,
        "belum",
        pd.Timestamp("2025-06-30 08:00", tz="Asia/Jakarta"),
    ]
    rows: dict[str, list[object]] = {
        "NIP": [f"19800101{i:010d}" if i % 9 else None for i in range(n)],
        "Teks": [odd_texts[i % len(odd_texts)] if i % 5 else f"pegawai {i}" for i in range(n)],
        "Bukti": [links[i % len(links)] for i in range(n)],
        "Jumlah": [i % 17 if i % 13 else None for i in range(n)],
        "Nilai": [numbers[i % len(numbers)] for i in range(n)],
        "Capaian": [percents[i % len(percents)] for i in range(n)],
        "Waktu": [stamps[i % len(stamps)] for i in range(n)],
        "Aktif": [(True, False, None)[i % 3] for i in range(n)],
    }
    return pd.DataFrame(rows, dtype=object)


KINDS = {
    "NIP": K.NIP,
    "Bukti": K.LINK,
    "Jumlah": K.INTEGER,
    "Nilai": K.NUMBER,
    "Capaian": K.PERCENT,
    "Waktu": K.DATETIME,
}


def book_tables(n: int, huge: bool = True) -> list[Table]:
    small = pd.DataFrame({"Unit": ["A", "B"], "Persen": [50.0, 100.0]})
    hasil = varied_rows(n, huge)
    return [
        Table("Ringkasan", small, {"Persen": K.PERCENT}, title="Ringkasan"),
        Table("Hasil Kerja", hasil, KINDS, title="Hasil kerja", notes=["Catatan."]),
        Table("Pegawai", varied_rows(n // 2 + 3, huge), KINDS),
    ]


CHARTS = [Chart("Ringkasan", "Ringkasan", "column", "Persen", "Unit", ["Persen"])]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 rows from tables of 20 rows up: many chunks, and a last one that is short."""
    monkeypatch.setattr(xlsxchunks, "CHUNK_ROWS", 7)
    monkeypatch.setattr(scorebook, "CHUNK_ROWS", 7)
    monkeypatch.setattr(scorebook, "CHUNKED_MIN_ROWS", 20)


def plain_and_chunked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tables: list[Table]
) -> tuple[Path, Path]:
    plain, chunked = tmp_path / "biasa.xlsx", tmp_path / "potongan.xlsx"
    with monkeypatch.context() as m:
        m.setattr(scorebook, "CHUNKED_MIN_ROWS", 10**9)
        write_scorebook(plain, tables, CHARTS)
    write_scorebook(chunked, tables, CHARTS)
    return plain, chunked


def cells(path: Path) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        out[ws.title] = [
            [
                (
                    c.data_type,
                    c.number_format,
                    c.alignment.wrap_text,
                    c.font.underline,
                    c.hyperlink.target if c.hyperlink else None,
                    c.hyperlink.location if c.hyperlink else None,
                )
                for c in row
            ]
            for row in ws.iter_rows()
        ]
    return out


def test_chunked_tables_read_back_as_written_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    plain, chunked = plain_and_chunked(tmp_path, monkeypatch, book_tables(101))
    with zipfile.ZipFile(chunked) as z:
        assert z.testzip() is None
        assert b"inlineStr" in z.read("xl/worksheets/sheet2.xml")
    # Values: calamine (Rust) and openpyxl's values; formats, wrapping and links: openpyxl.
    for name in ("Ringkasan", "Hasil Kerja", "Pegawai"):
        a = CalamineWorkbook.from_path(str(plain)).get_sheet_by_name(name).to_python()
        b = CalamineWorkbook.from_path(str(chunked)).get_sheet_by_name(name).to_python()
        assert a == b, name
    assert cells(plain) == cells(chunked)
    a_ws, b_ws = openpyxl.load_workbook(plain), openpyxl.load_workbook(chunked)
    for ws in a_ws.worksheets:
        assert ws.dimensions == b_ws[ws.title].dimensions
        assert ws.auto_filter.ref == b_ws[ws.title].auto_filter.ref
        assert ws.freeze_panes == b_ws[ws.title].freeze_panes
        # Rows with wrapped text are as tall in both (chunks write XlsxWriter's row heights).
        heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        assert heights == {
            r: d.height for r, d in b_ws[ws.title].row_dimensions.items() if d.height
        }, ws.title
        for row_a, row_b in zip(ws.iter_rows(), b_ws[ws.title].iter_rows(), strict=True):
            for ca, cb in zip(row_a, row_b, strict=True):
                if isinstance(ca.value, str) and "_x" in ca.value:
                    continue  # openpyxl undoes Excel's _xHHHH_ escape in shared strings only
                assert ca.value == cb.value, ca.coordinate


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_libreoffice_reads_chunked_tables_as_written_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    plain, chunked = plain_and_chunked(tmp_path, monkeypatch, book_tables(60, huge=False))
    a, b = convert([plain, chunked], tmp_path / "lo")  # LibreOffice reads, then saves again
    for name in ("Hasil Kerja", "Pegawai"):
        left = CalamineWorkbook.from_path(str(a)).get_sheet_by_name(name).to_python()
        right = CalamineWorkbook.from_path(str(b)).get_sheet_by_name(name).to_python()
        assert left == right, name
    assert right[-1][0] == f"19800101{32:010d}"  # Pegawai: rows 0..32


class CountingCache(MemoryFragments):
    def __init__(self) -> None:
        super().__init__()
        self.made: list[int] = []

    def keep_fragments(self, new: Mapping[str, Fragment], used: Collection[str]) -> None:
        self.made.append(len(new))
        super().keep_fragments(new, used)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_a_later_write_rebuilds_only_the_changed_chunks(tmp_path: Path, small_chunks: None) -> None:
    cache = CountingCache()
    tables = book_tables(101)  # Hasil Kerja: 15 chunks; Pegawai (53 rows): 8
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made == [15 + 8]
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made[-1] == 0
    assert entries(tmp_path / "1.xlsx") == entries(tmp_path / "2.xlsx")

    hasil = tables[1].frame.copy()
    hasil.iloc[30, 1] = "realisasi diperbaiki"  # row 30: the fifth chunk
    hasil.iloc[31, 4] = 1.0  # a float where an int 1 would read the same: still a change
    tables[1] = Table("Hasil Kerja", hasil, KINDS, title="Hasil kerja", notes=["Catatan."])
    write_scorebook(tmp_path / "3.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made[-1] == 1
    write_scorebook(tmp_path / "fresh.xlsx", tables, CHARTS)  # no cache: everything built
    assert entries(tmp_path / "3.xlsx") == entries(tmp_path / "fresh.xlsx")
    assert len(cache.held) == 15 + 8  # the replaced chunk is forgotten


def test_style_numbers_do_not_follow_the_data(tmp_path: Path, small_chunks: None) -> None:
    """A small table whose values make XlsxWriter use another format first must not
    renumber the styles the cached chunks name."""
    cache = CountingCache()
    tables = book_tables(40)
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=cache)
    whole = pd.DataFrame({"Unit": ["A", "B"], "Persen": [100.0, 50.5]})  # "0" before "0.##"
    tables[0] = Table("Ringkasan", whole, {"Persen": K.PERCENT}, title="Ringkasan")
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made[-1] == 0
    assert cells(tmp_path / "2.xlsx")["Hasil Kerja"] == cells(tmp_path / "1.xlsx")["Hasil Kerja"]


def test_rows_inserted_above_move_every_later_chunk(tmp_path: Path, small_chunks: None) -> None:
    cache = CountingCache()
    tables = book_tables(70)
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=cache)
    longer = pd.concat([varied_rows(1), tables[1].frame], ignore_index=True)
    tables[1] = Table("Hasil Kerja", longer, KINDS, title="Hasil kerja", notes=["Catatan."])
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made[-1] == math.ceil(71 / 7)
    rows = CalamineWorkbook.from_path(str(tmp_path / "2.xlsx"))
    sheet = rows.get_sheet_by_name("Hasil Kerja").to_python()
    assert len(sheet) == 71 + 4 and sheet[-1][0] == f"19800101{69:010d}"


def test_store_keeps_chunks_between_processes(tmp_path: Path, small_chunks: None) -> None:
    tables = book_tables(50)
    store = SqliteStore(tmp_path / "s.sqlite")
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=store)
    store.close()
    again = SqliteStore(tmp_path / "s.sqlite")
    counting = CountingCache()
    counting.held = again.fragments([k for (k,) in again.db.execute("SELECT key FROM fragments")])
    assert len(counting.held) == math.ceil(50 / 7) + math.ceil(28 / 7)
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=counting)
    assert counting.made == [0]
    write_scorebook(tmp_path / "3.xlsx", tables[:2], CHARTS, fragments=again)  # no Pegawai
    (left,) = again.db.execute("SELECT COUNT(*) FROM fragments").fetchone()
    assert left == math.ceil(50 / 7)
    assert again.integrity() == "ok"


def test_crc_is_combined_as_zlib_computes_it() -> None:
    rng = random.Random(7)
    for k in range(200):
        a = rng.randbytes(rng.randrange(0, 3000))
        # Lengths of every bit size up to a large chunk's (a few hundred KB), and empty.
        b = rng.randbytes(rng.randrange(0, 1 << (k % 20)))
        combined = xlsxchunks._crc_combine(zlib.crc32(a), zlib.crc32(b), len(b))
        assert combined == zlib.crc32(a + b)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2025, 3, 31, 16, 30, 5, 123456),
        dt.datetime(1900, 1, 1, 6, 0),
        dt.datetime(1900, 2, 28, 23, 59),
        dt.datetime(1900, 3, 1),
        dt.date(1900, 2, 28),
        dt.date(1900, 3, 1),
        dt.date(2026, 12, 4),
        dt.time(8, 15, 30),
        dt.timedelta(days=2, hours=3),
        dt.datetime(2025, 6, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    ],
)
def test_dates_become_the_numbers_xlsxwriter_stores(value: Any) -> None:
    assert excel_serial(value) == _datetime_to_excel_datetime(value, False, True)


def test_the_writer_refuses_an_entry_too_large_for_a_plain_zip(tmp_path: Path) -> None:
    with (tmp_path / "x.zip").open("wb") as out:
        writer = xlsxchunks._ZipWriter(out)
        with pytest.raises(ValueError, match="ZIP64"):
            writer.add("besar.xml", (1980, 1, 1, 0, 0, 0), [b""], 0, 0xFFFFFFFF)


def test_equal_values_that_are_other_objects_reuse_the_chunks(
    tmp_path: Path, small_chunks: None
) -> None:
    """What the store serves is unpickled: equal strings, new objects (and not interned)."""
    cache = CountingCache()
    tables = book_tables(60)
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=cache)
    old = tables[1].frame
    fresh = pd.DataFrame(
        {
            name: pd.Series(
                [v[:1] + v[1:] if type(v) is str else v for v in old[name]], dtype=object
            )
            for name in old.columns
        },
        dtype=object,
    )
    assert fresh.iloc[1, 1] is not tables[1].frame.iloc[1, 1]
    tables[1] = Table("Hasil Kerja", fresh, KINDS, title="Hasil kerja", notes=["Catatan."])
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=cache)
    assert cache.made[-1] == 0


def test_a_table_a_chart_draws_from_is_written_cell_by_cell(
    tmp_path: Path, small_chunks: None
) -> None:
    """A chart keeps cached values (for viewers that do not recalculate) that XlsxWriter
    takes from the cells it holds: the table it draws from is never chunked."""
    cache = CountingCache()
    tables = book_tables(40)
    drawn = [Chart("Ringkasan", "Hasil Kerja", "column", "Jumlah", "Teks", ["Jumlah"], rows=(1, 3))]
    write_scorebook(tmp_path / "buku.xlsx", tables, drawn, fragments=cache)
    assert cache.made == [math.ceil(23 / 7)]  # Pegawai only
    with zipfile.ZipFile(tmp_path / "buku.xlsx") as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    expected = [str(v) for v in tables[1].frame["Jumlah"].iloc[1:4]]
    assert re.findall(r"<c:v>([^<]*)</c:v>", chart.split("<c:val>")[1]) == expected


def test_a_damaged_stored_chunk_is_built_again(tmp_path: Path, small_chunks: None) -> None:
    """A blob damaged on disk is never spliced into a score book (no reader could open it)."""
    tables = book_tables(50)
    store = SqliteStore(tmp_path / "s.sqlite")
    write_scorebook(tmp_path / "1.xlsx", tables, CHARTS, fragments=store)
    (key, data) = store.db.execute("SELECT key, data FROM fragments LIMIT 1").fetchone()
    flipped = bytes([data[0] ^ 0x40]) + data[1:]
    store.db.execute("UPDATE fragments SET data=? WHERE key=?", (flipped, key))
    assert key not in store.fragments([key])
    write_scorebook(tmp_path / "2.xlsx", tables, CHARTS, fragments=store)
    with zipfile.ZipFile(tmp_path / "2.xlsx") as z:
        assert z.testzip() is None
    assert entries(tmp_path / "1.xlsx") == entries(tmp_path / "2.xlsx")
    assert store.fragments([key])[key].data == data  # stored whole again


# --- tables in segments ------------------------------------------------------------------------

SIZES = [3, 9, 1, 14, 7, 5, 2, 11]  # rows per segment: short ones, and ones over a chunk


def in_segments(sizes: list[int], version: dict[int, int] | None = None) -> Table:
    """A table of segments (a unit's rows each, as Hasil Kerja has), keyed by their segment
    number and `version` (a segment's key changes with its rows, as the caller's would)."""
    version = version or {}
    frames, segments = [], []
    for k, n in enumerate(sizes):
        frame = varied_rows(n + 1, huge=False).iloc[1:].reset_index(drop=True)
        frame["Teks"] = [f"unit {k} baris {r} v{version.get(k, 0)}" for r in range(n)]
        frames.append(frame)
        segments.append((f"unit-{k}-v{version.get(k, 0)}", n))
    frame = pd.concat(frames, ignore_index=True)
    return Table("Hasil Kerja", frame, KINDS, title="Hasil kerja", segments=segments)


class Spied:
    """How many chunks a write built from values and how many it renumbered (the check of
    served chunks is off: it builds them too)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(scorebook.CHECK_SEGMENTS_ENV, raising=False)
        self.built: list[tuple[int, int]] = []
        self.moved: list[int] = []
        build, move = scorebook._build, scorebook.rebased

        def built(plan: Any, start: int, stop: int, f: Any) -> Fragment:
            self.built.append((start, stop))
            return build(plan, start, stop, f)

        def moved(fragment: Fragment, shift: int) -> Fragment:
            self.moved.append(shift)
            return move(fragment, shift)

        monkeypatch.setattr(scorebook, "_build", built)
        monkeypatch.setattr(scorebook, "rebased", moved)


def chunks_of(sizes: list[int]) -> int:
    """One group per segment: each segment's rows in chunks of 7."""
    return sum(math.ceil(n / 7) for n in sizes)


def test_rows_that_come_above_a_segment_renumber_its_chunks_not_build_them(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scorebook, "_ends_group", lambda member, rows: True)  # countable
    spied = Spied(monkeypatch)
    cache = MemoryFragments()
    write_scorebook(tmp_path / "1.xlsx", [in_segments(SIZES)], fragments=cache)
    assert len(spied.built) == chunks_of(SIZES) and not spied.moved
    # The second segment gains four rows: its chunks are built, every later one moves down.
    longer = [*SIZES[:1], SIZES[1] + 4, *SIZES[2:]]
    spied.built.clear()
    write_scorebook(tmp_path / "2.xlsx", [in_segments(longer, {1: 1})], fragments=cache)
    assert len(spied.built) == chunks_of(longer[1:2])
    assert spied.moved == [4] * chunks_of(longer[2:])
    # ...and the book is byte for byte the one a write without a cache makes.
    write_scorebook(tmp_path / "fresh.xlsx", [in_segments(longer, {1: 1})])
    assert entries(tmp_path / "2.xlsx") == entries(tmp_path / "fresh.xlsx")
    # Rows gone above: the later chunks move up.
    spied.built.clear()
    spied.moved.clear()
    shorter = [*SIZES[:1], 2, *SIZES[2:]]
    write_scorebook(tmp_path / "3.xlsx", [in_segments(shorter, {1: 2})], fragments=cache)
    assert len(spied.built) == 1 and spied.moved == [-11] * chunks_of(shorter[2:])
    write_scorebook(tmp_path / "fresh3.xlsx", [in_segments(shorter, {1: 2})])
    assert entries(tmp_path / "3.xlsx") == entries(tmp_path / "fresh3.xlsx")


def test_segments_are_grouped_by_content_so_one_segment_changes_one_group(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real grouping (about a chunk's rows a group) on many small segments: a shorter
    segment (its rows all alike others', so no column's width moves) rebuilds its own group
    only, and the book reads as a fresh write."""
    spied = Spied(monkeypatch)
    cache = MemoryFragments()
    sizes = [1 + k % 4 for k in range(120)]
    write_scorebook(tmp_path / "1.xlsx", [in_segments(sizes)], fragments=cache)
    first = len(spied.built)
    assert sum(sizes) / 7 / 3 < first < 120  # groups of several segments, not one chunk each
    spied.built.clear()
    sizes[3] -= 1
    write_scorebook(tmp_path / "2.xlsx", [in_segments(sizes, {3: 1})], fragments=cache)
    rows = sum(stop - start for start, stop in spied.built)
    assert 0 < rows < sum(sizes) / 3  # one group built...
    assert set(spied.moved) == {-1} and len(spied.moved) > first / 2  # ...later ones moved
    write_scorebook(tmp_path / "fresh.xlsx", [in_segments(sizes, {3: 1})])
    assert entries(tmp_path / "2.xlsx") == entries(tmp_path / "fresh.xlsx")


def test_a_segment_key_is_trusted_and_checked_when_asked(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key stands for the rows: served without looking at them, unless the check the
    tests turn on finds a chunk a key serves differs from its rows."""
    cache = MemoryFragments()
    table = in_segments(SIZES)
    write_scorebook(tmp_path / "1.xlsx", [table], fragments=cache)
    lying = table.frame.copy()
    lying.iloc[0, 1] = "UNIT 0 BARIS 0 V0"  # as long: the column's width stays
    liar = Table("Hasil Kerja", lying, KINDS, title="Hasil kerja", segments=table.segments)
    monkeypatch.delenv(scorebook.CHECK_SEGMENTS_ENV, raising=False)
    write_scorebook(tmp_path / "2.xlsx", [liar], fragments=cache)
    shown = CalamineWorkbook.from_path(str(tmp_path / "2.xlsx")).get_sheet_by_name("Hasil Kerja")
    assert shown.to_python()[3][1] == "unit 0 baris 0 v0"  # the key's rows, not the frame's
    monkeypatch.setenv(scorebook.CHECK_SEGMENTS_ENV, "1")
    with pytest.raises(AssertionError, match="differs from its rows"):
        write_scorebook(tmp_path / "3.xlsx", [liar], fragments=cache)


def test_a_table_in_segments_has_the_widths_of_the_whole(
    tmp_path: Path, small_chunks: None
) -> None:
    """Column widths come from each segment's measures (kept with the chunks): the same as
    measured over the whole column, on the first write and when the measures are served."""
    table = in_segments(SIZES)
    whole = Table("Hasil Kerja", table.frame, KINDS, title="Hasil kerja")
    cache = MemoryFragments()
    for k, t in enumerate([whole, table, table]):
        write_scorebook(tmp_path / f"{k}.xlsx", [t], fragments=cache)
    widths = [
        {
            c: d.width
            for c, d in openpyxl.load_workbook(
                tmp_path / f"{k}.xlsx"
            ).active.column_dimensions.items()
        }
        for k in range(3)
    ]
    assert widths[0] == widths[1] == widths[2]
    assert len(set(widths[0].values())) > 2  # measured per column, not one default


def lazy(table: Table, asked: list[int]) -> Table:
    """The same table with its rows built on demand, segment by segment (noting which)."""
    bounds, at = [], 0
    for _, n in table.segments:
        bounds.append((at, at + n))
        at += n

    def rows(k: int) -> list[tuple[object, ...]]:
        asked.append(k)
        start, stop = bounds[k]
        return list(table.frame.iloc[start:stop].itertuples(index=False, name=None))

    empty = table.frame.iloc[:0]
    return Table(table.sheet, empty, table.kinds, table.title, segments=table.segments, rows=rows)


def test_rows_built_on_demand_are_built_only_where_the_cache_lacks_them(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(scorebook.CHECK_SEGMENTS_ENV, raising=False)  # it builds everything
    asked: list[int] = []
    cache = MemoryFragments()
    write_scorebook(tmp_path / "1.xlsx", [lazy(in_segments(SIZES), asked)], fragments=cache)
    assert sorted(set(asked)) == list(range(len(SIZES)))  # the first write measures them all
    write_scorebook(tmp_path / "eager.xlsx", [in_segments(SIZES)])
    assert entries(tmp_path / "1.xlsx") == entries(tmp_path / "eager.xlsx")
    asked.clear()
    write_scorebook(tmp_path / "2.xlsx", [lazy(in_segments(SIZES, {5: 1}), asked)], fragments=cache)
    assert set(asked) == {5}  # only the segment whose key changed
    write_scorebook(tmp_path / "eager2.xlsx", [in_segments(SIZES, {5: 1})])
    assert entries(tmp_path / "2.xlsx") == entries(tmp_path / "eager2.xlsx")


def test_rows_built_on_demand_are_checked_as_they_come(tmp_path: Path, small_chunks: None) -> None:
    table = in_segments(SIZES)
    bad = table.frame.copy()
    bad.iloc[4, 0] = 198001010000000004  # a NIP as a number: its precision may be gone
    with pytest.raises(ValueError, match="NIP must be text"):
        write_scorebook(
            tmp_path / "1.xlsx",
            [lazy(Table("Hasil Kerja", bad, KINDS, segments=table.segments), [])],
        )
    short = lazy(table, [])
    wrong = Table(
        short.sheet,
        short.frame,
        KINDS,
        segments=[(k, n + 1) for k, n in table.segments],
        rows=short.rows,
    )
    with pytest.raises(ValueError, match="segment 0 built other than 4 rows"):
        write_scorebook(tmp_path / "2.xlsx", [wrong])
    with pytest.raises(ValueError, match="no rows in its frame"):
        write_scorebook(tmp_path / "3.xlsx", [Table("X", table.frame, KINDS, rows=short.rows)])
    drawn = [Chart("Hasil Kerja", "Hasil Kerja", "column", "t", "Teks", ["Jumlah"])]
    with pytest.raises(ValueError, match="built on demand"):
        write_scorebook(tmp_path / "4.xlsx", [short], drawn)
    with pytest.raises(ValueError, match="not rows built on demand"):
        scorebook.write_data(tmp_path / "data", [short])
    assert not list(tmp_path.iterdir())
    # No segment at all (an agency without an IKI yet): an empty sheet, as a frame gives it.
    none = Table("Hasil Kerja", table.frame.iloc[:0], KINDS, rows=short.rows)
    write_scorebook(tmp_path / "5.xlsx", [none])
    shown = CalamineWorkbook.from_path(str(tmp_path / "5.xlsx")).get_sheet_by_name("Hasil Kerja")
    assert shown.to_python()[-1][0] == scorebook.NO_DATA
