"""`gsheet kirim`: one Google spreadsheet per unit, protected per pegawai and shared.

The spreadsheet is the very .xlsx unit workbook `templat buat` writes, uploaded and converted
by Drive (one template source). On top come protected ranges (Sheets has no per-cell lock
for a user, only ranges with editors) and Drive permissions for the roster's e-mails.

Re-running is safe. Each spreadsheet carries appProperties naming its unit and year; a
spreadsheet already complete ("siap") is left alone, one interrupted half-way ("proses") is
completed, and `perbarui` re-applies protections and sharing from the current roster without
touching what people typed.

Nothing is done twice, whatever Drive answers:
- a create is tagged with a unique key and, after an ambiguous answer, looked for before it
  is tried again (`drive.create_once`); a journal in the configuration folder remembers each
  create, so a run that follows closely finds what Drive's listing does not show yet;
- should a unit still have two spreadsheets, one is chosen the same way on every run (the
  one ready, the one this computer made, the oldest) and the others are reported, never
  protected or shared;
- protections are replaced in one atomic batchUpdate built from a fresh read, so a retry
  after an ambiguous answer removes what the lost batch added instead of doubling it;
- a share whose answer was lost is looked up in the permissions before it is sent again,
  so nobody gets the invitation twice.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetnilai.errors import SheetnilaiError
from sheetnilai.files import atomic_path
from sheetnilai.google import drive, runner
from sheetnilai.google.auth import config_dir
from sheetnilai.google.http import GoogleFailure
from sheetnilai.periods import Scheme, periods
from sheetnilai.problems import Problem
from sheetnilai.roster import Pegawai, Roster, safe_file_stem
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
ATTEMPTS = 3  # a batchUpdate or a share whose answer was lost, checked and sent again

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


class Journal:
    """What sends from this computer created in one Drive folder: per unit and year, the
    create's key and, once known, the spreadsheet's id.

    Drive's listing shows a new spreadsheet only after a delay, but files.get answers at
    once: with the id from the journal, a run that closely follows another finds what the
    first one created. Written atomically before each upload and after it.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.entries: dict[str, dict[str, str]] = {}
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.entries = {
                str(k): {str(a): str(b) for a, b in v.items()}
                for k, v in data["unit"].items()
                if isinstance(v, dict)
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}  # missing or damaged: the listing still finds what it shows

    @classmethod
    def for_folder(cls, folder_id: str) -> Journal:
        return cls(config_dir() / "kirim" / f"{safe_file_stem(folder_id)}.json")

    def get(self, unit: str, year: int) -> dict[str, str]:
        with self._lock:
            return dict(self.entries.get(f"{year}/{unit_key(unit)}", {}))

    def put(self, unit: str, year: int, **values: str) -> None:
        with self._lock:
            self.entries[f"{year}/{unit_key(unit)}"] = {"unit": unit, **values}
            if self.path is None:
                return
            text = json.dumps({"unit": self.entries}, indent=1, ensure_ascii=False)
            try:
                with atomic_path(self.path, overwrite=True) as tmp:
                    tmp.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise SheetnilaiError(
                    "google-folder-konfigurasi",
                    {"path": self.path.parent, "detail": exc.strerror or type(exc).__name__},
                ) from None


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
    settle: drive.Settle = drive.SETTLE,
    journal: Journal | None = None,
) -> list[SentUnit]:
    drive.folder(client, folder_id)  # a clear "not found / not shared" before any work
    journal = journal if journal is not None else Journal.for_folder(folder_id)
    listed: dict[str, list[drive.DriveFile]] = {}
    for f in drive.list_folder(client, folder_id, {KIND: KIND_UNIT, YEAR: str(year)}):
        listed.setdefault(f.app_properties.get(UNIT_KEY, ""), []).append(f)
    specs = unit_specs(roster, year, scheme, policy)

    def one(spec: UnitWorkbook) -> SentUnit:
        sent = SentUnit(spec.unit, spreadsheet_title(spec.unit, year))
        entry = journal.get(spec.unit, year)
        try:
            known = _known(client, folder_id, listed.get(unit_key(spec.unit), []), entry, settle)
            chosen = _choose(known, entry.get("id", ""))
            for twin in known:
                if twin is not chosen:
                    sent.problems.append(_twin_problem(spec.unit, twin, chosen))
            _send_unit(client, spec, folder_id, chosen, sent, update, notify, journal, settle)
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
        if progress and not runner.stopping():
            progress(sent)
        return sent

    return [s for s in runner.run_parallel(one, specs, jobs) if s is not None]


def _known(
    client: Any,
    folder_id: str,
    listed: list[drive.DriveFile],
    entry: Mapping[str, str],
    settle: drive.Settle,
) -> list[drive.DriveFile]:
    """The unit's spreadsheets: those listed, plus the one the journal knows of."""
    files = list(listed)
    file_id, key = entry.get("id", ""), entry.get("kunci", "")
    if file_id and all(f.id != file_id for f in files):
        try:
            found = drive.get(client, file_id)
        except GoogleFailure as exc:
            if exc.kind != "tidak-ditemukan":
                raise
        else:
            if not found.trashed and folder_id in found.parents:
                files.append(found)
    elif not file_id and key and all(f.app_properties.get(drive.CREATE_KEY) != key for f in files):
        # An earlier run ended while Drive had not answered its create: did it land?
        created = drive.find_created(client, folder_id, key, settle)
        if created is not None and all(f.id != created.id for f in files):
            files.append(created)
    return files


def _choose(files: list[drive.DriveFile], journal_id: str) -> drive.DriveFile | None:
    """The unit's spreadsheet; the same one on every run, so no twin is ever shared."""
    if not files:
        return None
    return min(
        files,
        key=lambda f: (
            f.app_properties.get(STATUS) != READY,
            f.id != journal_id,
            f.created or "~",
            f.id,
        ),
    )


def _twin_problem(unit: str, twin: drive.DriveFile, chosen: drive.DriveFile | None) -> Problem:
    used = chosen.link if chosen is not None else ""
    return Problem.make(
        "gsheet-spreadsheet-ganda",
        params={"unit": unit, "used": used},
        file=twin.name,
        link=twin.link,
    )


def _send_unit(
    client: Any,
    spec: UnitWorkbook,
    folder_id: str,
    found: drive.DriveFile | None,
    sent: SentUnit,
    update: bool,
    notify: bool,
    journal: Journal,
    settle: drive.Settle,
) -> None:
    props = {KIND: KIND_UNIT, UNIT_KEY: unit_key(spec.unit), YEAR: str(spec.year)}
    if found is not None:
        sent.spreadsheet_id, sent.link = found.id, drive.sheet_link(found.id)
        if journal.get(spec.unit, spec.year).get("id") != found.id:
            key = found.app_properties.get(drive.CREATE_KEY, "")
            journal.put(spec.unit, spec.year, kunci=key, id=found.id)
        ready = found.app_properties.get(STATUS) == READY
        if ready and not update:
            sent.status = "sudah ada"
            return
        sent.status = "diperbarui" if ready else "dilengkapi"
    else:
        created = _create(
            client, spec, folder_id, {**props, STATUS: IN_PROGRESS}, sent.title, journal, settle
        )
        sent.spreadsheet_id, sent.link = created.id, drive.sheet_link(created.id)
        sent.status = "dibuat"
    sid = sent.spreadsheet_id
    sent.protected = _protect(client, spec, sid, sent)
    sent.shared = _share(client, spec, sid, notify)
    drive.set_app_properties(client, sid, {**props, STATUS: READY})


def _create(
    client: Any,
    spec: UnitWorkbook,
    folder_id: str,
    props: Mapping[str, str],
    title: str,
    journal: Journal,
    settle: drive.Settle,
) -> drive.DriveFile:
    with tempfile.TemporaryDirectory(prefix="sheetnilai-kirim-") as tmp:
        path = Path(tmp) / "unit.xlsx"
        build_unit_workbook(path, spec)
        data = path.read_bytes()
    key = uuid.uuid4().hex
    journal.put(spec.unit, spec.year, kunci=key, id="")  # before Drive can have it
    created = drive.create_once(client, folder_id, title, data, props, settle, key)
    journal.put(spec.unit, spec.year, kunci=key, id=created.id)
    return created


def _protect(client: Any, spec: UnitWorkbook, sid: str, sent: SentUnit) -> int:
    """Replace our protected ranges by the wanted ones in one atomic batchUpdate.

    Each try starts from a fresh read, so after an ambiguous answer (Google may have applied
    the batch) the next batch deletes what the lost one added rather than adding it again.
    """
    attempt = 0
    while True:
        attempt += 1
        meta = drive.sheet_metadata(client, sid, protected=True)
        gids = {s["properties"]["title"]: int(s["properties"]["sheetId"]) for s in meta["sheets"]}
        stale = [
            pr["protectedRangeId"]
            for s in meta["sheets"]
            for pr in s.get("protectedRanges", [])
            if str(pr.get("description", "")).startswith(PROTECTION_TAG)
        ]
        wanted, notes = protections(spec, gids)
        requests: list[dict[str, Any]] = [
            {"deleteProtectedRange": {"protectedRangeId": pid}} for pid in stale
        ]
        requests += [{"addProtectedRange": {"protectedRange": pr}} for pr in wanted]
        requests += _gid_table(gids)
        try:
            drive.batch_update(client, sid, requests)
        except GoogleFailure as exc:
            if not exc.ambiguous or attempt >= ATTEMPTS:
                raise
            client.http_client.backoff(attempt - 1)
            continue
        sent.problems.extend(p.at(file=sent.title, link=sent.link) for p in notes)
        return len(wanted)


def _share(client: Any, spec: UnitWorkbook, sid: str, notify: bool) -> int:
    """Share with everyone not yet on the spreadsheet; each invitation is sent once."""

    def have() -> set[str]:
        return {str(p.get("emailAddress", "")).casefold() for p in drive.permissions(client, sid)}

    present = have()
    shared = 0
    for email, role in share_list(spec).items():
        attempt = 0
        while email.casefold() not in present:
            attempt += 1
            try:
                drive.share(client, sid, email, role, notify, NOTIFY_MESSAGE)
            except GoogleFailure as exc:
                if not exc.ambiguous or attempt >= ATTEMPTS:
                    raise
                # Drive may have shared, and sent the e-mail, before the answer was lost.
                client.http_client.backoff(attempt - 1)
                present = have()
                if email.casefold() in present:
                    shared += 1
                continue
            present.add(email.casefold())
            shared += 1
    return shared


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
            for key in ("capaian", "periksa"):
                col = layout.period_col(i, key)
                add(
                    _range(gid, layout.hk_first_row, layout.hk_end_row, col, col + 1),
                    f"{key} dihitung otomatis",
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
