"""`gsheet kirim`: one Google spreadsheet per unit, protected per pegawai and shared.

The spreadsheet is the very .xlsx unit workbook `templat buat` writes, uploaded and converted
by Drive (one template source). On top come protected ranges (Sheets has no per-cell lock
for a user, only ranges with editors) and Drive permissions for the roster's e-mails.

Re-running is safe. Each spreadsheet carries appProperties naming its unit and year; a
spreadsheet already complete ("siap") is left alone, one interrupted half-way ("proses") is
completed, and `perbarui` re-applies protections and sharing from the current roster without
touching what people typed.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetnilai.google import drive
from sheetnilai.google.http import GoogleFailure
from sheetnilai.periods import Scheme, periods
from sheetnilai.problems import Problem
from sheetnilai.roster import Pegawai, Roster
from sheetnilai.rules.policy import DEFAULT_POLICY, Policy
from sheetnilai.workbook.build import SheetPegawai, UnitWorkbook, build_unit_workbook
from sheetnilai.workbook.generate import unit_specs
from sheetnilai.workbook.layout import (
    GUIDE_SHEET,
    META_GID_COL,
    META_LEMBAR_ROW,
    META_SHEET,
    NILAI_COL,
    RECAP_SHEET,
    RULES_SHEET,
    SkpLayout,
)

APP = "sheetnilai"
KIND = "sheetnilai-jenis"
KIND_UNIT = "workbook-unit"
KIND_SCOREBOOK = "buku-nilai"
UNIT_KEY = "sheetnilai-unit"
YEAR = "sheetnilai-tahun"
STATUS = "sheetnilai-status"
READY, IN_PROGRESS = "siap", "proses"
PROTECTION_TAG = "sheetnilai:"  # description prefix of the ranges we own

NOTIFY_MESSAGE = (
    "Workbook SKP unit Anda untuk penilaian kinerja sudah tersedia. Isi lembar SKP Anda; "
    "pejabat penilai mengisi rating. Lembar lain hanya dapat dilihat."
)


@dataclass
class SentUnit:
    unit: str
    title: str
    status: str = ""  # "dibuat" | "sudah ada" | "dilengkapi" | "diperbarui" | "galat"
    spreadsheet_id: str = ""
    link: str = ""
    shared: int = 0
    protected: int = 0
    problems: list[Problem] = field(default_factory=list)


def unit_key(unit: str) -> str:
    # appProperties hold at most 124 bytes per key+value: long unit names are hashed.
    return hashlib.sha256(unit.casefold().encode()).hexdigest()[:20]


def spreadsheet_title(unit: str, year: int) -> str:
    return f"SKP {year} - {unit}"


def send(
    client: Any,
    roster: Roster,
    folder_id: str,
    year: int,
    scheme: Scheme,
    policy: Policy = DEFAULT_POLICY,
    update: bool = False,
    notify: bool = True,
    jobs: int = 4,
    progress: Callable[[SentUnit], None] | None = None,
) -> list[SentUnit]:
    drive.folder(client, folder_id)  # a clear "not found / not shared" before any work
    existing: dict[str, drive.DriveFile] = {}
    for f in drive.list_folder(client, folder_id, {KIND: KIND_UNIT, YEAR: str(year)}):
        existing.setdefault(f.app_properties.get(UNIT_KEY, ""), f)
    specs = unit_specs(roster, year, scheme, policy)

    def one(spec: UnitWorkbook) -> SentUnit:
        sent = SentUnit(spec.unit, spreadsheet_title(spec.unit, year))
        try:
            _send_unit(
                client,
                spec,
                folder_id,
                existing.get(unit_key(spec.unit)),
                sent,
                update,
                notify,
            )
        except GoogleFailure as exc:
            sent.status = "galat"
            sent.problems.append(
                Problem.make(
                    "gsheet-kirim-gagal",
                    params={"unit": spec.unit, "detail": exc.detail, "kind": exc.kind},
                    file=sent.title,
                    link=sent.link or None,
                )
            )
        if progress:
            progress(sent)
        return sent

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, specs))


def _send_unit(
    client: Any,
    spec: UnitWorkbook,
    folder_id: str,
    found: drive.DriveFile | None,
    sent: SentUnit,
    update: bool,
    notify: bool,
) -> None:
    props = {KIND: KIND_UNIT, UNIT_KEY: unit_key(spec.unit), YEAR: str(spec.year)}
    if found is not None:
        sent.spreadsheet_id, sent.link = found.id, drive.sheet_link(found.id)
        ready = found.app_properties.get(STATUS) == READY
        if ready and not update:
            sent.status = "sudah ada"
            return
        sent.status = "diperbarui" if ready else "dilengkapi"
    else:
        created = _create(client, spec, folder_id, {**props, STATUS: IN_PROGRESS}, sent.title)
        sent.spreadsheet_id, sent.link = created.id, drive.sheet_link(created.id)
        sent.status = "dibuat"
    sid = sent.spreadsheet_id
    meta = drive.sheet_metadata(client, sid, protected=True)
    gids = {s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in meta["sheets"]}
    stale = [
        pr["protectedRangeId"]
        for s in meta["sheets"]
        for pr in s.get("protectedRanges", [])
        if str(pr.get("description", "")).startswith(PROTECTION_TAG)
    ]
    wanted, notes = protections(spec, gids)
    sent.problems.extend(p.at(file=sent.title, link=sent.link) for p in notes)
    requests: list[dict[str, Any]] = [
        {"deleteProtectedRange": {"protectedRangeId": pid}} for pid in stale
    ]
    requests += [{"addProtectedRange": {"protectedRange": pr}} for pr in wanted]
    requests += _gid_table(gids)
    drive.batch_update(client, sid, requests)
    sent.protected = len(wanted)
    have = {str(p.get("emailAddress", "")).casefold() for p in drive.permissions(client, sid)}
    for email, role in share_list(spec).items():
        if email.casefold() in have:
            continue
        drive.share(client, sid, email, role, notify, NOTIFY_MESSAGE)
        sent.shared += 1
    drive.set_app_properties(client, sid, {**props, STATUS: READY})


def _create(
    client: Any, spec: UnitWorkbook, folder_id: str, props: Mapping[str, str], title: str
) -> drive.DriveFile:
    with tempfile.TemporaryDirectory(prefix="sheetnilai-kirim-") as tmp:
        path = Path(tmp) / "unit.xlsx"
        build_unit_workbook(path, spec)
        data = path.read_bytes()
    try:
        return drive.upload_as_spreadsheet(client, folder_id, title, data, props)
    except GoogleFailure as exc:
        if exc.kind not in {"jaringan", "waktu", "html"}:
            raise
        # The upload may have landed before the connection broke: never create a twin.
        match = {KIND: KIND_UNIT, UNIT_KEY: props[UNIT_KEY], YEAR: props[YEAR]}
        for f in drive.list_folder(client, folder_id, match):
            return f
        return drive.upload_as_spreadsheet(client, folder_id, title, data, props)


def _gid_table(gids: Mapping[str, int]) -> list[dict[str, Any]]:
    """Write every sheet's gid into the metadata sheet (same batch, no extra request)."""
    if META_SHEET not in gids:
        return []

    def row(title: dict[str, object], gid: dict[str, object]) -> dict[str, Any]:
        return {"values": [{"userEnteredValue": title}, {"userEnteredValue": gid}]}

    rows = [row({"stringValue": "lembar_google"}, {"stringValue": "gid"})]
    rows += [row({"stringValue": t}, {"numberValue": g}) for t, g in gids.items()]
    start = {
        "sheetId": gids[META_SHEET],
        "rowIndex": META_LEMBAR_ROW,
        "columnIndex": META_GID_COL - 1,
    }
    return [{"updateCells": {"start": start, "rows": rows, "fields": "userEnteredValue"}}]


def _editors(*people: Pegawai | None) -> list[str]:
    return sorted({p.email for p in people if p is not None and p.email})


def _range(
    gid: int,
    r1: int | None = None,
    r2: int | None = None,
    c1: int | None = None,
    c2: int | None = None,
) -> dict[str, int]:
    grid = {"sheetId": gid}
    for key, value in (
        ("startRowIndex", r1),
        ("endRowIndex", r2),
        ("startColumnIndex", c1),
        ("endColumnIndex", c2),
    ):
        if value is not None:
            grid[key] = value
    return grid


def protections(
    spec: UnitWorkbook, gids: Mapping[str, int]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The protected ranges of a unit spreadsheet, and notes on pegawai nobody can serve."""
    layout = SkpLayout(periods(spec.scheme))
    ranges: list[dict[str, Any]] = []
    notes: list[Problem] = []

    def add(grid: dict[str, int], what: str, editors: Sequence[str], warn: bool = False) -> None:
        item: dict[str, Any] = {"range": grid, "description": f"{PROTECTION_TAG} {what}"}
        if warn:
            item["warningOnly"] = True
        else:
            item["editors"] = {"users": list(editors)}
        ranges.append(item)

    for title in (GUIDE_SHEET, RECAP_SHEET, RULES_SHEET, META_SHEET):
        if title in gids:
            add(_range(gids[title]), f"{title}: hanya pemilik", [])
    first, last = layout.nilai_first_row, layout.nilai_last_row + 1
    for page in spec.sheets:
        gid = gids.get(page.title)
        if gid is None or page.pegawai is None:
            continue
        notes.extend(_missing_emails(page))
        add(_range(gid), f"SKP {page.pegawai.nama}", _editors(page.pegawai, page.penilai))
        add(_range(gid, 0, layout.hk_title_row), "identitas dari daftar pegawai", [])
        for key in ("rating_hasil", "rating_perilaku"):
            col = NILAI_COL[key]
            add(
                _range(gid, first, last, col, col + 1),
                f"{key}: pejabat penilai",
                _editors(page.penilai),
            )
        # Computed cells: a warning, not a lock, so a user can still mend a broken row.
        for i, _ in enumerate(layout.periods):
            col = layout.period_col(i, "capaian")
            add(
                _range(gid, layout.hk_first_row, layout.hk_end_row, col, col + 1),
                "capaian dihitung otomatis",
                [],
                warn=True,
            )
        for key in ("saran", "predikat", "angka_kredit"):
            col = NILAI_COL[key]
            add(_range(gid, first, last, col, col + 1), f"{key} dihitung otomatis", [], True)
    return ranges, notes


def _missing_emails(page: SheetPegawai) -> list[Problem]:
    p = page.pegawai
    assert p is not None
    notes = []
    if not p.email:
        notes.append(
            Problem.make(
                "gsheet-tanpa-email",
                sheet=page.title,
                nip=p.nip,
                nama=p.nama,
                params={"who": "pegawai"},
            )
        )
    if page.penilai is None or not page.penilai.email:
        notes.append(
            Problem.make("gsheet-penilai-tanpa-email", sheet=page.title, nip=p.nip, nama=p.nama)
        )
    return notes


def share_list(spec: UnitWorkbook) -> dict[str, str]:
    """E-mail → Drive role: pegawai and penilai edit (within their ranges); atasan comment."""
    roles: dict[str, str] = {}
    for page in spec.sheets:
        for person in (page.pegawai, page.penilai):
            if person is not None and person.email:
                roles[person.email] = "writer"
        atasan = page.atasan_penilai
        if atasan is not None and atasan.email and atasan.email not in roles:
            roles[atasan.email] = "commenter"
    return dict(sorted(roles.items()))
