"""A Drive folder as the sync service's source, and the *Masalah* sheet it writes back.

- **Is there anything to do?** The Drive changes feed, from the page token the store keeps:
  a pass where nothing in the folder changed costs that one request. Changes made by our own
  write-back (the version Drive gave the spreadsheet after it) are not changes.
- **What changed?** `google.collect` lists the folder and exports only the files whose version
  the archive does not hold; the consolidation then serves every unchanged export from the
  store (`sync.cache`).
- **Write-back.** Each unit spreadsheet gets a *Masalah* sheet sheetnilai owns (protected:
  only the service's account edits it), rewritten with that file's problems only when they
  changed, each with a link to its cell. Plain .xlsx files on Drive are never modified.
- **Upload** (`--unggah`): the score book as one Google spreadsheet in the folder, its
  content replaced each pass that changed something.

The token is saved only when a pass ends, so a pass killed half-way is done again.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sheetnilai.consolidate import Consolidation
from sheetnilai.google import drive
from sheetnilai.google.collect import (
    CHECKPOINT,
    Checkpoint,
    Collection,
    Fetched,
    collect,
    link_problems,
)
from sheetnilai.google.http import GoogleFailure
from sheetnilai.google.kirim import ATTEMPTS, KIND, KIND_SCOREBOOK, PROTECTION_TAG
from sheetnilai.report import masalah_table
from sheetnilai.scorebook import Table
from sheetnilai.store.sqlite import Store
from sheetnilai.sync.publish import frame_digest
from sheetnilai.workbook.layout import MASALAH_SHEET

MASALAH_GID = 7_020_514  # the sheet id asked for (another if the spreadsheet has it)
MASALAH_TAG = f"{PROTECTION_TAG} {MASALAH_SHEET}"  # how our protection names our sheet


@dataclass(frozen=True, slots=True)
class DriveSource:
    client: Any
    folder_id: str
    archive: Path  # the archive root (google.collect): exports, checkpoint, manifests
    me: str  # the account's e-mail: the only editor of the Masalah sheets
    fetch_jobs: int = 4
    upload: bool = False  # --unggah

    def key(self, kind: str, ident: str = "") -> str:
        return f"drive:{kind}:{ident or self.folder_id}"


def poll(src: DriveSource, store: Store, config: str) -> tuple[bool, str | None]:
    """(nothing to do, the page token to keep once the pass ends). The first pass of a store,
    or one under new settings, always has something to do."""
    token = store.meta(src.key("token"))
    if token is None:
        return False, None
    found, after = drive.changes(src.client, token)
    if store.meta(src.key("config")) != config:
        return False, after
    known = set(json.loads(store.meta(src.key("files")) or "[]"))
    for change in found:
        if change.file_id == src.folder_id:
            return False, after  # the folder itself (renamed, moved, shared differently)
        f = change.file
        inside = f is not None and src.folder_id in f.parents and not f.trashed
        if not inside and change.file_id not in known:
            continue  # elsewhere in the user's Drive
        if inside and f is not None and f.app_properties.get(KIND) == KIND_SCOREBOOK:
            continue  # the score book we publish there (--unggah)
        if inside and f is not None and store.meta(src.key("own", f.id)) == f.version:
            continue  # our own Masalah write-back
        return False, after
    return True, after


def fetch(src: DriveSource, store: Store, token: str | None) -> tuple[Collection, str]:
    """List the folder and export what changed. A store's first token is taken before the
    listing, so a change made while it runs is seen by the next pass."""
    if token is None:
        token = drive.start_page_token(src.client)
    collection = collect(src.client, src.folder_id, src.archive, src.fetch_jobs)
    ids = sorted(f.file.id for f in collection.fetched)
    store.set_meta(src.key("files"), json.dumps(ids))
    return collection, token


def link(src: DriveSource, collection: Collection, results: Sequence[Consolidation]) -> None:
    """The Drive problems first, and every problem with a link to its spreadsheet's cell."""
    for result in results:
        result.problems[:0] = collection.problems
        known = {u.name: u.gids for u in result.units if u.gids}
        result.problems = link_problems(src.client, collection, result.problems, known)
        for unit in result.units:
            unit.problems = link_problems(src.client, collection, unit.problems, known)


def finish(src: DriveSource, store: Store, token: str, config: str) -> None:
    store.set_meta(src.key("token"), token)
    store.set_meta(src.key("config"), config)


def upload_scorebook(src: DriveSource, store: Store, path: Path, title: str) -> drive.DriveFile:
    """The score book as one Google spreadsheet in the folder, updated in place each pass:
    its link stays the one HR shared, and Drive keeps every earlier version as a revision.
    Created on the first pass (once only, whatever Drive answers), and again if deleted."""
    data = path.read_bytes()
    known = store.meta(src.key("buku"))
    if known:
        try:
            return drive.replace_content(src.client, known, data)
        except GoogleFailure as exc:
            if exc.kind != "tidak-ditemukan":
                raise
    created = drive.create_once(src.client, src.folder_id, title, data, {KIND: KIND_SCOREBOOK})
    store.set_meta(src.key("buku"), created.id)
    return created


def masalah_rows(
    results: Sequence[Consolidation], masalah: Mapping[str, Table] | None = None
) -> pd.DataFrame:
    frames = []
    for result in results:
        table = masalah[result.period] if masalah is not None else masalah_table(result)
        frame = table.frame.copy()
        frame.insert(0, "Periode", result.period)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def write_back(
    src: DriveSource,
    store: Store,
    collection: Collection,
    results: Sequence[Consolidation],
    when: str,
    log: Callable[[str], None],
    masalah: Mapping[str, Table] | None = None,
) -> list[str]:
    """Rewrite the Masalah sheet of each unit spreadsheet whose problems changed; returns the
    names written. A spreadsheet that cannot be written (no edit right, Google failing after
    its retries) is named in the log and tried again by the next pass that has work (a
    change of the folder's sharing is one); the others go on. `masalah`: as the pass built
    it (`publish.masalah_tables`)."""
    every = masalah_rows(results, masalah)
    checkpoint = Checkpoint(collection.archive / CHECKPOINT)
    written = []
    for item in collection.fetched:
        f = item.file
        if not f.is_spreadsheet or item.path is None:
            continue
        rows = every[every["Berkas"] == item.name].drop(columns=["Berkas"])
        digest = frame_digest(rows)
        if store.meta(src.key("masalah", f.id)) == digest and not _ours_gone(src, store, item):
            continue
        # Nobody edited it since the export this pass read: then the version our write makes
        # is ours alone, and the next pass need not export it again.
        try:
            clean = drive.get(src.client, f.id).version == f.version
            known = store.meta(src.key("lembar", f.id))
            gids, ours = _write_masalah(
                src, f.id, rows, when, int(known) if known and known.isdigit() else None
            )
            after = drive.get(src.client, f.id)
        except GoogleFailure as exc:
            log(
                f"lembar {MASALAH_SHEET} {item.name} tidak dapat ditulis: {exc.message} "
                "Beri akun sheetnilai hak editor pada folder itu; penulisan dicoba lagi pada "
                "sinkron berikutnya yang menemukan perubahan (mis. perubahan hak akses folder)."
            )
            continue
        if clean:
            store.set_meta(src.key("own", f.id), after.version)
            entry = checkpoint.entries.get(f.id) or {}
            checkpoint.record(after, item.path, str(entry.get("sha256", "")))
            # The sheet ids just read: the next pass's problem links need no Sheets read.
            checkpoint.record_gids(after, gids)
        store.set_meta(src.key("lembar", f.id), str(ours))
        title = next((t for t, g in gids.items() if g == ours), MASALAH_SHEET)
        store.set_meta(src.key("lembar_judul", f.id), title)
        store.set_meta(src.key("masalah", f.id), digest)
        written.append(item.name)
    return written


def _ours_gone(src: DriveSource, store: Store, item: Fetched) -> bool:
    """Our sheet is missing from a spreadsheet exported again this pass (someone deleted
    it): it is written again even though its rows did not change. Seen in the export
    itself, so it costs no request."""
    title = store.meta(src.key("lembar_judul", item.file.id))
    if title is None or item.status != "diambil" or item.path is None:
        return False
    try:
        with zipfile.ZipFile(item.path) as z:
            names = _SHEET_NAME.findall(z.read("xl/workbook.xml").decode("utf-8", "replace"))
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return html.escape(title, quote=True) not in names


_SHEET_NAME = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"')


def _write_masalah(
    src: DriveSource, sid: str, rows: pd.DataFrame, when: str, known: int | None
) -> tuple[dict[str, int], int]:
    """One batchUpdate: our sheet and its protection when missing, and the whole sheet's
    values. Each try starts from a fresh read, so a batch Google applied but whose answer
    was lost is not applied twice. Returns the spreadsheet's sheet ids by title, and ours.

    Our sheet is the one we made (`known`, its id), else the one carrying our protection. A
    sheet of the unit's own that happens to be called Masalah is never written: ours then
    takes the next free title, "Masalah (sheetnilai)"."""
    attempt = 0
    while True:
        attempt += 1
        meta = drive.sheet_metadata(src.client, sid, protected=True)
        sheets = meta.get("sheets", [])
        gids = {s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in sheets}
        tagged = {
            int(s["properties"]["sheetId"])
            for s in sheets
            for pr in s.get("protectedRanges", [])
            if str(pr.get("description", "")).startswith(MASALAH_TAG)
        }
        requests: list[dict[str, Any]] = []
        gid = known if known in gids.values() else min(tagged, default=None)
        if gid is None:
            taken = set(gids.values())
            gid = MASALAH_GID if MASALAH_GID not in taken else max(taken) + 1
            title = _free_title(set(gids))
            requests.append({"addSheet": {"properties": {"sheetId": gid, "title": title}}})
            gids[title] = gid
        if gid not in tagged:
            requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": gid},
                            "description": f"{MASALAH_TAG}: hanya sheetnilai",
                            "editors": {"users": [src.me] if src.me else []},
                        }
                    }
                }
            )
        requests += _widths(gid, _columns(rows))
        requests.append(
            {
                "updateCells": {
                    "range": {"sheetId": gid},
                    "rows": _grid(rows, when, sid, gids),
                    "fields": "userEnteredValue",
                }
            }
        )
        try:
            drive.batch_update(src.client, sid, requests)
            return gids, gid
        except GoogleFailure as exc:
            if not exc.ambiguous or attempt >= ATTEMPTS:
                raise
            src.client.http_client.backoff(attempt - 1)


# Column widths in pixels, wide enough to read a message on screen without opening the cell
# (the title and the note above the table run across the empty cells beside them).
_COLUMN_PIXELS = {
    "Periode": 70,
    "Tingkat": 90,
    "Kode": 220,
    "Lembar": 150,
    "Sel": 50,
    "NIP": 150,
    "Nama": 170,
    "Pesan": 520,
    "Saran": 420,
    "Tautan": 160,
}


def _columns(rows: pd.DataFrame) -> list[str]:
    """The Masalah sheet's columns: the score book's, the link last."""
    return [c for c in rows.columns if c != "Tautan"] + ["Tautan"]


def _widths(gid: int, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": gid,
                    "dimension": "COLUMNS",
                    "startIndex": c,
                    "endIndex": c + 1,
                },
                "properties": {"pixelSize": _COLUMN_PIXELS.get(name, 120)},
                "fields": "pixelSize",
            }
        }
        for c, name in enumerate(columns)
    ]


def _free_title(taken: set[str]) -> str:
    for title in (MASALAH_SHEET, f"{MASALAH_SHEET} (sheetnilai)"):
        if title not in taken:
            return title
    n = 2
    while f"{MASALAH_SHEET} (sheetnilai {n})" in taken:
        n += 1
    return f"{MASALAH_SHEET} (sheetnilai {n})"


def _grid(rows: pd.DataFrame, when: str, sid: str, gids: Mapping[str, int]) -> list[dict[str, Any]]:
    def cell(value: object) -> dict[str, Any]:
        return {"userEnteredValue": {"stringValue": "" if value is None else str(value)}}

    def line(values: Sequence[object]) -> dict[str, Any]:
        return {"values": [cell(v) for v in values]}

    stamp = when.replace("T", " ")[:19]
    out = [
        line(["Masalah workbook ini menurut sheetnilai"]),
        line(
            [
                f"Diperbarui pada sinkron {stamp}. Lembar ini ditulis ulang oleh sheetnilai "
                "setiap kali masalahnya berubah; perbaiki isian di lembar SKP, bukan di sini."
            ]
        ),
        line([]),
    ]
    columns = _columns(rows)
    out.append(line(columns))
    if rows.empty:
        out.append(line(["Tidak ada masalah."]))
    for record in rows.to_dict("records"):
        target = record.get("Tautan") or ""
        sheet, ref = str(record.get("Lembar") or ""), str(record.get("Sel") or "")
        if sheet in gids:
            target = drive.sheet_link(sid, gids[sheet], ref or None)
        out.append(line([*(record[c] for c in columns[:-1]), target]))
    return out
