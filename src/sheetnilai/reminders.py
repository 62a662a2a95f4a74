"""Reminders (`sheetnilai pengingat`): one message per person the consolidation waits for.

From one period's `Consolidation` (and the roster, which holds the e-mail addresses):

- the pejabat penilai whose ratings are missing: every pegawai they rate whose rating hasil
  kerja or perilaku is empty, with file, sheet and cell;
- the pegawai whose realisasi is empty (each IKI and its cell), or whose SKP has no IKI;
- the unit admin whose workbook has not arrived (roster units with no workbook), or whose
  workbook lacks a pegawai's SKP sheet; addressed from `[pengingat] admin_unit` in the
  policy, since the roster has addresses per pegawai, not per unit.

A person with no address is still a message, with the reason, so nothing is dropped
silently. Messages become a mail-merge file (CSV or XLSX, written atomically) and, with
`send`, e-mail over SMTP. A ledger (its own small SQLite file, in the user's data folder or
beside the sync store: never where the mail-merge file happens to go) records each message
sent, keyed by source, period, deadline and recipient, so a re-run for the same deadline
sends only to those not yet reached; a message whose content grew since is not sent again
unless asked (`resend`): the person already has a reminder for this deadline, and the next
deadline (or `--ulang`) brings the new items.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import ipaddress
import os
import re
import smtplib
import socket
import sqlite3
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from sheetnilai.consolidate import Consolidation
from sheetnilai.errors import SheetnilaiError, os_reason
from sheetnilai.files import atomic_path
from sheetnilai.periods import all_period_keys, period_objects
from sheetnilai.roster import Pegawai, Roster
from sheetnilai.rules.labels import name_key as _norm
from sheetnilai.rules.policy import SmtpPolicy, TlsMode
from sheetnilai.store.sqlite import ProblemRow

__all__ = [
    "MERGE_COLUMNS",
    "Item",
    "Ledger",
    "Reminder",
    "SendResult",
    "Waiting",
    "build_reminders",
    "check_smtp_safety",
    "default_ledger_dir",
    "send_reminders",
    "waiting_in",
    "waiting_in_store",
    "write_merge_file",
]

PENILAI = "pejabat penilai"
PEGAWAI = "pegawai"
ADMIN = "admin unit"
_ROLE_ORDER = {ADMIN: 0, PENILAI: 1, PEGAWAI: 2}

_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip
_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def tanggal(day: dt.date) -> str:
    """ "Jumat, 10 April 2026"."""
    return f"{_HARI[day.weekday()]}, {day.day} {_BULAN[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class Item:
    """One thing missing, and where it is to be filled in."""

    what: str  # "Rating hasil kerja belum diisi", 'Realisasi IKI "…" belum diisi'
    file: str = ""
    sheet: str = ""
    cell: str = ""
    nip: str = ""  # the pegawai concerned
    nama: str = ""
    role: str = ""  # as whom the recipient is asked: PENILAI, PEGAWAI or ADMIN

    @property
    def place(self) -> str:
        if not self.file:
            return ""
        if not self.sheet:
            return self.file
        return f"{self.file} › {self.sheet}" + (f"!{self.cell}" if self.cell else "")


@dataclass(slots=True)
class Reminder:
    role: str  # PENILAI, PEGAWAI or ADMIN: the first role the recipient was found in
    # Who, for the ledger: "nip:NIP"; without a NIP "nama:UNIT|NAMA" (two people of one name
    # in two units are two people), or "lembar:UNIT|FILE|SHEET" for a pejabat penilai known
    # by neither NIP nor name; "admin unit:UNIT".
    key: str
    nama: str
    nip: str
    unit: str
    email: str | None
    no_email: str = ""  # why there is no address (roster, policy), when email is None
    items: list[Item] = field(default_factory=list)
    subject: str = ""
    body: str = ""
    status: str = ""  # filled by the CLI: sent, already sent, failed (why), dry run, no address

    @property
    def roles(self) -> list[str]:
        """Every role this person is waited for in (a head can be both pejabat penilai and a
        pegawai with an empty realisasi: still one message)."""
        found = {i.role or self.role for i in self.items} or {self.role}
        return sorted(found, key=lambda role: _ROLE_ORDER[role])

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.subject}\n{self.body}".encode()).hexdigest()


def period_label(period: str) -> str:
    known = period_objects(all_period_keys())
    return next((p.label for p in known if p.key == period), period)


# What the reminders are built from: the problems that mean "someone still has to act".
WAITING_CODES = ("unit-belum-masuk", "pegawai-belum-masuk", "rating-kosong", "realisasi-kosong",
                 "skp-tanpa-iki")  # fmt: skip
_UNIT_MISSING = re.compile(r'^Workbook unit "(?P<unit>.*)" \((?P<count>\d+) pegawai\)')


@dataclass(frozen=True, slots=True)
class Waiting:
    """One problem of WAITING_CODES, with what is known of the pegawai's pejabat penilai."""

    code: str
    what: str  # the catalogue's message, without its final full stop
    unit: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    nip: str = ""
    nama: str = ""
    penilai_nip: str = ""  # as the SKP sheet names them (the roster, when given, comes first)
    penilai_nama: str = ""


def waiting_in(result: Consolidation) -> list[Waiting]:
    """What `result` (one period's consolidation) is still waiting for."""
    out: list[Waiting] = []
    unit_of = {u.name: u.unit for u in result.units}
    for p in result.problems:  # the checks across files
        if p.code == "unit-belum-masuk":
            out.append(Waiting(p.code, p.message.rstrip("."), str(p.params.get("unit", ""))))
        elif p.code == "pegawai-belum-masuk":
            file = p.file or ""
            out.append(
                Waiting(p.code, p.message.rstrip("."), unit_of.get(file, ""), file,
                        nip=p.nip or "", nama=p.nama or "")
            )  # fmt: skip
    for unit in result.units:
        sheets = {(q.file, q.sheet): q for q in unit.pegawai}
        for p in unit.problems:
            if p.code not in WAITING_CODES:
                continue
            peg = sheets.get((p.file or "", p.sheet or ""))
            out.append(
                Waiting(
                    p.code,
                    p.message.rstrip("."),
                    unit.unit,
                    p.file or unit.name,
                    p.sheet or "",
                    p.cell or "",
                    p.nip or "",
                    p.nama or "",
                    peg.penilai_nip if peg else "",
                    peg.penilai_nama if peg else "",
                )
            )
    return out


def waiting_in_store(problems: Iterable[ProblemRow], period: str) -> list[Waiting]:
    """The same from the sync service's last recorded state (`Store.last_state`): its problem
    rows keep the message, place and unit, but not the sheet's pejabat penilai (the roster
    then names them)."""
    out: list[Waiting] = []
    for p in problems:
        if p.period != period or p.code not in WAITING_CODES:
            continue
        unit = p.unit
        if p.code == "unit-belum-masuk":
            m = _UNIT_MISSING.match(p.message)
            unit = m["unit"] if m else ""
        out.append(
            Waiting(p.code, p.message.rstrip("."), unit, p.file, p.sheet, p.cell, p.nip, p.nama)
        )
    return out


def build_reminders(
    waiting: Iterable[Waiting],
    roster: Roster | None,
    label: str,
    deadline: dt.date,
    today: dt.date,
    admin_addresses: dict[str, str] | None = None,
    agency: str = "",
) -> list[Reminder]:
    """Every person being waited for, with their message written; `label` names the period
    ("Triwulan I 2026")."""
    by_nip = roster.by_nip() if roster is not None else {}
    admins = {_norm(k): v for k, v in (admin_addresses or {}).items()}
    found: dict[str, Reminder] = {}

    def person(role: str, nip: str, nama: str, unit: str, file: str, sheet: str) -> Reminder:
        if nip:
            key = f"nip:{nip}"
        elif nama.strip():
            key = f"nama:{_norm(unit)}|{_norm(nama)}"
        else:  # a pejabat penilai the sheet names by nothing: that sheet's, and no other's
            key = f"lembar:{_norm(unit)}|{file}|{sheet}"
        if key not in found:
            known = by_nip.get(nip) if nip else None
            email, why = _address(known, nip, roster)
            found[key] = Reminder(
                role,
                key,
                known.nama if known else nama or f"{role.capitalize()} (nama tidak diketahui)",
                nip,
                known.unit if known else unit,
                email,
                why,
            )
        return found[key]

    def admin(unit: str) -> Reminder:
        key = f"{ADMIN}:{_norm(unit)}"
        if key not in found:
            email = admins.get(_norm(unit))
            why = "" if email else "alamat surel admin unit belum ada di [pengingat] admin_unit"
            found[key] = Reminder(ADMIN, key, f"Admin {unit}", "", unit, email, why)
        return found[key]

    for w in waiting:
        item = Item(w.what, w.file, w.sheet, w.cell, w.nip, w.nama)
        if w.code in ("unit-belum-masuk", "pegawai-belum-masuk"):
            admin(w.unit).items.append(replace(item, role=ADMIN))
        elif w.code == "rating-kosong":
            penilai_nip, penilai_nama = _penilai(w, by_nip)
            person(PENILAI, penilai_nip, penilai_nama, w.unit, w.file, w.sheet).items.append(
                replace(item, role=PENILAI)
            )
        else:
            person(PEGAWAI, w.nip, w.nama, w.unit, w.file, w.sheet).items.append(
                replace(item, role=PEGAWAI)
            )
    out = sorted(found.values(), key=lambda r: (_ROLE_ORDER[r.roles[0]], r.unit, r.nama, r.key))
    for r in out:
        r.subject, r.body = compose(r, label, deadline, today, agency)
    return out


def _address(known: Pegawai | None, nip: str, roster: Roster | None) -> tuple[str | None, str]:
    if roster is None:
        return None, "tanpa daftar pegawai (--roster), alamat surel tidak diketahui"
    if not nip:
        return None, "NIP tidak diketahui, sehingga alamat surel tidak dapat dicari"
    if known is None:
        return None, f"NIP {nip} tidak ada di daftar pegawai"
    if not known.email:
        return None, "kolom Email di daftar pegawai kosong"
    return known.email, ""


def _penilai(w: Waiting, by_nip: dict[str, Pegawai]) -> tuple[str, str]:
    """The pejabat penilai of the pegawai `w.nip`: the roster's, else the sheet's."""
    listed = by_nip.get(w.nip)
    penilai_nip = listed.penilai_nip if listed is not None and listed.penilai_nip else w.penilai_nip
    boss = by_nip.get(penilai_nip)
    if boss is not None:
        return penilai_nip, boss.nama
    return penilai_nip, w.penilai_nama if penilai_nip == w.penilai_nip else ""


def days_text(deadline: dt.date, today: dt.date) -> str:
    left = (deadline - today).days
    if left > 0:
        return f"sisa {left} hari lagi"
    if left == 0:
        return "tenggatnya hari ini"
    return f"sudah lewat {-left} hari dari tenggat"


def compose(
    r: Reminder, label: str, deadline: dt.date, today: dt.date, agency: str
) -> tuple[str, str]:
    subject = (
        f"Pengingat penilaian kinerja {label}: {len(r.items)} isian belum lengkap, "
        f"tenggat {tanggal(deadline)}"
    )
    as_whom = {
        PENILAI: "pejabat penilai",
        PEGAWAI: "pegawai yang dinilai",
        ADMIN: f"admin unit {r.unit}",
    }
    roles = r.roles
    intro = f"Untuk penilaian kinerja {label}, isian berikut masih ditunggu dari Anda"
    lines = [f"Yth. {r.nama},", ""]
    lines.append(f"{intro} sebagai {as_whom[roles[0]]}:" if len(roles) == 1 else f"{intro}.")
    n = 0
    for role in roles:
        if len(roles) > 1:
            lines += ["", f"Sebagai {as_whom[role]}:"]
        else:
            lines.append("")
        for item in r.items:
            if (item.role or r.role) != role:
                continue
            n += 1
            who = ""
            if role != PEGAWAI and (item.nama or item.nip):
                who = f"{item.nama} (NIP {item.nip}): " if item.nip else f"{item.nama}: "
            place = f" — {item.place}" if item.place else ""
            lines.append(f"{n}. {who}{item.what}{place}")
    lines += [
        "",
        f"Tenggat: {tanggal(deadline)} ({days_text(deadline, today)}).",
        "",
        (
            "Mohon workbook unit dikirim ke folder konsolidasi"
            if roles == [ADMIN]
            else "Mohon dilengkapi dan workbook unit disimpan kembali di folder konsolidasi"
        )
        + (" sebelum tenggat." if deadline >= today else " secepatnya."),
        "",
        "Pesan ini dibuat otomatis oleh sheetnilai dari konsolidasi workbook unit"
        + (f" {agency}" if agency else "")
        + f" pada {tanggal(today)}.",
    ]
    return subject, "\n".join(lines) + "\n"


# --- the mail-merge file ---------------------------------------------------------------------

MERGE_COLUMNS = ("email", "nama", "peran", "nip", "unit", "subjek", "isi", "jumlah_butir",
                 "status")  # fmt: skip


def _merge_row(r: Reminder) -> list[object]:
    roles = ", ".join(r.roles)
    return [r.email or "", r.nama, roles, r.nip, r.unit, r.subject, r.body, len(r.items), r.status]


def write_merge_file(reminders: Sequence[Reminder], target: Path, overwrite: bool) -> None:
    """CSV (UTF-8 with BOM, for Excel) or XLSX by the suffix; atomic, no silent overwrite."""
    suffix = target.suffix.lower()
    with atomic_path(target, overwrite) as tmp:
        if suffix == ".csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(MERGE_COLUMNS)
                out.writerows(_merge_row(r) for r in reminders)
        else:
            import xlsxwriter

            wb = xlsxwriter.Workbook(
                str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False}
            )
            ws = wb.add_worksheet("Pengingat")
            bold = wb.add_format({"bold": True})
            wrap = wb.add_format({"text_wrap": True, "valign": "top"})
            top = wb.add_format({"valign": "top"})
            ws.write_row(0, 0, MERGE_COLUMNS, bold)
            for i, r in enumerate(reminders, 1):
                for j, value in enumerate(_merge_row(r)):
                    if isinstance(value, int):
                        ws.write_number(i, j, value, top)
                    else:
                        ws.write_string(i, j, str(value), wrap if j == 6 else top)
            for j, width in enumerate((30, 28, 16, 20, 24, 50, 80, 12, 30)):
                ws.set_column(j, j, width)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, len(reminders), len(MERGE_COLUMNS) - 1)
            wb.close()


# --- the ledger --------------------------------------------------------------------------------


LEDGER_NAME = "pengingat-terkirim.sqlite"


def default_ledger_dir() -> Path:
    """The user's data folder for sheetnilai (created only when a ledger is written there):
    the ledger must not follow the working folder or --keluaran, or a run from elsewhere
    would find it empty and mail everyone again."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sheetnilai"
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored, as the spec says
        base = str(Path.home() / ".local" / "share")
    return Path(base) / "sheetnilai"


class Ledger:
    """Which reminders went out: one SQLite file of its own (one row per message sent,
    committed as soon as the server accepted it, so a run stopped half way resends nothing
    that went out). A rollback journal rather than WAL: a read-only reader of a WAL file
    leaves -shm and -wal files behind, and one sending run per ledger (the lock) gains
    nothing from WAL. Rows are keyed by `source` (the absolute folder or store the reminders
    were built from), so two agencies on one machine share the file without sharing rows.

    `read_only` (the dry run) never writes: a missing file or table is "nothing sent yet",
    and the file is opened with `mode=ro`."""

    def __init__(self, path: Path, source: str, read_only: bool = False) -> None:
        self.path = path
        self.source = source
        self.db: sqlite3.Connection | None = None
        self.empty = False  # read only, and nothing recorded yet (no file or no table)
        try:
            if read_only:
                if not path.is_file():
                    self.empty = True
                    return
                uri = path.resolve().as_uri() + "?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
                tables = self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name='sent'"
                ).fetchall()
                if not tables:
                    self.close()
                    self.empty = True
                    return
            else:
                self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
                # synchronous=FULL (the default): a row committed is on disk, even after a
                # power loss; one fsync per message sent costs little next to the SMTP round.
                self.db.execute("PRAGMA journal_mode=DELETE")
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS sent (source TEXT NOT NULL, period TEXT NOT NULL,"
                    " deadline TEXT NOT NULL, recipient TEXT NOT NULL, email TEXT NOT NULL,"
                    " digest TEXT NOT NULL, sent_at TEXT NOT NULL,"
                    " PRIMARY KEY (source, period, deadline, recipient))"
                )
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(sent)")}
            if "source" not in columns:
                self.close()
                raise SheetnilaiError(
                    "pengingat-catatan-rusak",
                    {"path": path, "detail": "tabelnya dari versi sheetnilai lain"},
                )
            self.db.execute("SELECT count(*) FROM sent").fetchone()  # a damaged page shows here
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SheetnilaiError(
                "pengingat-catatan-rusak", {"path": path, "detail": _db_reason(exc)}
            ) from None

    def sent_at(self, period: str, deadline: dt.date, recipient: str) -> str | None:
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT sent_at FROM sent WHERE source=? AND period=? AND deadline=? AND recipient=?",
            (self.source, period, deadline.isoformat(), recipient),
        ).fetchone()
        return str(row[0]) if row else None

    def record(self, period: str, deadline: dt.date, r: Reminder, when: dt.datetime) -> None:
        assert self.db is not None
        self.db.execute(
            "INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.source, period, deadline.isoformat(), r.key, r.email or "", r.digest,
             when.isoformat(timespec="seconds")),
        )  # fmt: skip

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _db_reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "not a database" in text:
        return "bukan berkas SQLite"
    if "locked" in text:
        return "sedang dipakai proses lain"
    return "berkas rusak atau tidak dapat ditulisi"


# --- sending ---------------------------------------------------------------------------------


@dataclass(slots=True)
class SendResult:
    sent: list[Reminder] = field(default_factory=list)
    skipped: list[Reminder] = field(default_factory=list)  # already sent for this deadline
    failed: list[tuple[Reminder, str]] = field(default_factory=list)
    no_address: list[Reminder] = field(default_factory=list)


def _message(r: Reminder, sender: str, period: str, deadline: dt.date) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((r.nama, r.email or ""))
    msg["Subject"] = r.subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["X-Sheetnilai-Pengingat"] = f"{period}; {deadline.isoformat()}; {r.key}"
    msg.set_content(r.body)
    return msg


class _Connection:
    """One SMTP session reused for every message, opened again after the server drops it."""

    def __init__(self, settings: SmtpPolicy, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None

    def get(self) -> smtplib.SMTP:
        if self.smtp is None:
            s = self.settings
            context = ssl.create_default_context()
            smtp: smtplib.SMTP
            if s.tls is TlsMode.SSL:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.batas_waktu, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.batas_waktu)
            try:
                if s.tls is TlsMode.STARTTLS:
                    smtp.starttls(context=context)
                if s.pengguna:
                    smtp.login(s.pengguna, self.password or "")
            except BaseException:
                with contextlib.suppress(Exception):
                    smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.close()
            self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.quit()
            self.smtp = None


def smtp_reason(exc: BaseException, settings: SmtpPolicy) -> str:
    """Why a message did not go out, in Indonesian (smtplib's own texts are English)."""
    server = f"{settings.host}:{settings.port}"
    if _closed_by_server(exc) and not isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"server {server} menutup sambungan (421)"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{c} {m.decode('utf-8', 'replace')}" for c, m in exc.recipients.values()]
        return "alamat penerima ditolak server (" + "; ".join(codes) + ")"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"alamat pengirim ditolak server ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "login SMTP ditolak: periksa smtp.pengguna dan sandi di variabel lingkungan"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"server {server} tidak mendukung STARTTLS atau login"
    if isinstance(exc, smtplib.SMTPDataError):
        return f"isi pesan ditolak server ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"sambungan ke server {server} terputus"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server menjawab galat {exc.smtp_code}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"sertifikat TLS server {server} tidak dapat diverifikasi"
    if isinstance(exc, ssl.SSLError):
        return f"sambungan TLS ke server {server} gagal"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"server {server} tidak menjawab dalam {settings.batas_waktu} detik"
    if isinstance(exc, ConnectionRefusedError):
        return f"server {server} menolak sambungan (tidak ada layanan SMTP di sana)"
    if isinstance(exc, socket.gaierror):
        return f"nama server {settings.host} tidak ditemukan"
    if isinstance(exc, OSError):
        return f"tidak dapat terhubung ke server {server} ({os_reason(exc)})"
    return "galat SMTP tidak dikenal"


def send_reminders(
    reminders: Iterable[Reminder],
    settings: SmtpPolicy,
    password: str | None,
    ledger: Ledger,
    period: str,
    deadline: dt.date,
    resend: bool = False,
    progress: Callable[[Reminder, str], None] | None = None,
    now: Callable[[], dt.datetime] = dt.datetime.now,
) -> SendResult:
    """Send every reminder with an address not yet sent for (period, deadline); one that
    fails is reported and the others still go out."""
    check_smtp_safety(settings)
    result = SendResult()
    conn = _Connection(settings, password)
    unreachable: str | None = None  # the server could not be reached: the rest fail at once
    try:
        for r in reminders:
            if r.email is None:
                result.no_address.append(r)
                continue
            before = None if resend else ledger.sent_at(period, deadline, r.key)
            if before is not None:
                r.status = f"sudah terkirim {before}"
                result.skipped.append(r)
                continue
            if unreachable is not None:
                _failed(result, r, unreachable, progress)
                continue
            msg = _message(r, settings.pengirim, period, deadline)
            error: BaseException | None = None
            for attempt in (1, 2):
                try:
                    smtp = conn.get()
                except (OSError, smtplib.SMTPException) as exc:
                    unreachable = smtp_reason(exc, settings)
                    break
                try:
                    smtp.send_message(msg)
                except (OSError, smtplib.SMTPException) as exc:
                    error = exc
                    closed = _closed_by_server(exc)
                    if isinstance(exc, smtplib.SMTPRecipientsRefused) and not closed:
                        # The session is fine; reset it so the next message starts clean.
                        with contextlib.suppress(OSError, smtplib.SMTPException):
                            smtp.rset()
                        break
                    conn.drop()
                    if closed and attempt == 1:
                        # The server ended the session between messages (idle timeout, a
                        # limit per connection, 421): a new session, this message once more.
                        continue
                    break
                error = None
                break
            if unreachable is not None:
                _failed(result, r, unreachable, progress)
                continue
            if error is not None:
                _failed(result, r, smtp_reason(error, settings), progress)
                continue
            ledger.record(period, deadline, r, now())
            r.status = "terkirim"
            result.sent.append(r)
            if progress:
                progress(r, r.status)
    finally:
        conn.quit()
    return result


def _closed_by_server(exc: BaseException) -> bool:
    """The server dropped the session (or said it would, 421) rather than refusing the
    message itself: worth one more try on a new session."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: a server on this machine."""
    name = host.strip().strip("[]").rstrip(".").casefold()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_smtp_safety(settings: SmtpPolicy) -> None:
    """A login over a connection without TLS sends the password in clear: refused, unless the
    server is on this machine (a local relay)."""
    if settings.tls is TlsMode.NONE and settings.pengguna and not is_loopback(settings.host):
        raise SheetnilaiError("pengingat-login-tanpa-tls", {"host": settings.host})


def _failed(
    result: SendResult, r: Reminder, why: str, progress: Callable[[Reminder, str], None] | None
) -> None:
    r.status = f"gagal: {why}"
    result.failed.append((r, why))
    if progress:
        progress(r, r.status)
