"""`sheetnilai pengingat`: reminders built from a real folder of unit workbooks, written as a
mail-merge file and sent to a real SMTP server (aiosmtpd) on 127.0.0.1.

The expected messages are derived here from what the test itself leaves empty in copies of
the corpus (which cell of which sheet of which file, rated by whom, with which address),
never from the command's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from sheetnilai.cli import cli
from sheetnilai.rules.labels import Rating
from tests.support.corpus import (
    HEADER,
    PERIOD,
    UNITS,
    Corpus,
    edit,
    hk_ref,
    nilai_ref,
    put,
)

DEADLINE = dt.date(2026, 4, 10)  # a Friday
TODAY = "2026-04-07"  # three days before
SENDER = "bkpsdm@sukamaju.go.id"
ADMIN_KECAMATAN = "admin.kecamatan@sukamaju.go.id"
GONE_UNIT = UNITS[3]  # its workbook is not in the source folder
PENDIDIKAN, KESEHATAN = UNITS[1], UNITS[2]


def address(nip: str) -> str:
    return f"p{nip}@sukamaju.go.id"


@dataclass
class Expected:
    """Per recipient address (None: no address): the set of (what, place) left empty."""

    items: dict[str | None, set[tuple[str, str]]] = field(default_factory=dict)
    no_address: set[str] = field(default_factory=set)  # NIPs left without an e-mail

    def add(self, to: str | None, what: str, place: str) -> None:
        self.items.setdefault(to, set()).add((what, place))


@dataclass
class Scene:
    source: Path
    roster: Path
    expected: Expected
    corpus: Corpus


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data folder, where the ledger goes by default: one per test."""
    home = tmp_path / "data-pengguna"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def default_ledger(home: Path) -> Path:
    return home / "sheetnilai" / "pengingat-terkirim.sqlite"


def _sheet(corpus: Corpus, nip: str) -> tuple[str, str]:
    return corpus.where[nip]


@pytest.fixture(scope="module")
def scene(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Scene:
    root = tmp_path_factory.mktemp("pengingat")
    source = root / "sumber"
    shutil.copytree(corpus.clean, source)
    (source / corpus.file_of(GONE_UNIT)).unlink()
    exp = Expected()
    exp.add(ADMIN_KECAMATAN, f'Workbook unit "{GONE_UNIT}" (4 pegawai) belum masuk', "")

    pend = corpus.unit_nips(PENDIDIKAN)  # head first, then three staff rated by the head
    kes = corpus.unit_nips(KESEHATAN)
    head_pend = pend[0]
    sekda = corpus.people[head_pend].penilai
    no_mail = pend[3]  # a pegawai whose roster row has no e-mail
    with edit(source / corpus.file_of(PENDIDIKAN)) as wb:
        for nip, key, which in ((pend[1], "rating_hasil", "hasil kerja"),
                                (pend[2], "rating_perilaku", "perilaku kerja")):  # fmt: skip
            file, sheet = _sheet(corpus, nip)
            put(wb[sheet], nilai_ref(key), None)
            exp.add(address(head_pend), f"Rating {which} belum diisi",
                    f"{file} › {sheet}!{nilai_ref(key)}")  # fmt: skip
        # The head is also a pegawai with an empty realisasi: still one message to them.
        file, sheet = _sheet(corpus, head_pend)
        at = hk_ref(f"realisasi@{PERIOD}", 1)
        put(wb[sheet], at, None)
        exp.add(address(head_pend), 'Realisasi IKI "IKI 2 ', f"{file} › {sheet}!{at}")
        file, sheet = _sheet(corpus, no_mail)
        put(wb[sheet], hk_ref(f"realisasi@{PERIOD}", 0), None)
        exp.add(None, "Realisasi IKI", f"{file} › {sheet}!{hk_ref(f'realisasi@{PERIOD}', 0)}")
        exp.no_address.add(no_mail)
    with edit(source / corpus.file_of(KESEHATAN)) as wb:
        file, sheet = _sheet(corpus, kes[2])
        for k in (0, 1):
            at = hk_ref(f"realisasi@{PERIOD}", k)
            put(wb[sheet], at, None)
            exp.add(address(kes[2]), f'Realisasi IKI "IKI {k + 1} ', f"{file} › {sheet}!{at}")
        file, sheet = _sheet(corpus, kes[0])  # the head, rated by the Sekretaris Daerah
        put(wb[sheet], nilai_ref("rating_hasil"), None)
        exp.add(address(sekda), "Rating hasil kerja belum diisi",
                f"{file} › {sheet}!{nilai_ref('rating_hasil')}")  # fmt: skip
    exp.items.pop(None)
    roster = root / "daftar-pegawai.csv"
    with corpus.roster.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    email_col = HEADER.index("Email")
    for row in rows[1:]:
        row[email_col] = "" if row[0] == no_mail else address(row[0])
    with roster.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return Scene(source, roster, exp, corpus)


# --- a real SMTP server --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Inbox:
    """aiosmtpd handler: keeps every message accepted; refuses the addresses in `reject`."""

    def __init__(self, reject: set[str] | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.rcpts: list[str] = []
        self.reject = reject or set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.reject:
            return "550 5.1.1 Mailbox tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.rcpts.extend(envelope.rcpt_tos)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, email.message.EmailMessage)
        self.messages.append(msg)
        return "250 Message accepted for delivery"

    def by_address(self) -> dict[str, email.message.EmailMessage]:
        out: dict[str, email.message.EmailMessage] = {}
        for m in self.messages:
            to = m["To"].addresses[0].addr_spec
            assert to not in out, f"{to} got two messages"
            out[to] = m
        return out


@pytest.fixture
def server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def policy_file(folder: Path, port: int, extra: str = "", tls: str = "tanpa") -> Path:
    path = folder / "sheetnilai.toml"
    path.write_text(
        f"[tenggat]\n{PERIOD} = {DEADLINE.isoformat()}\n\n"
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\npengirim = "{SENDER}"\ntls = "{tls}"\n'
        f"batas_waktu = 10\n{extra}\n"
        f'[pengingat.admin_unit]\n"{GONE_UNIT}" = "{ADMIN_KECAMATAN}"\n',
        encoding="utf-8",
    )
    return path


def run(scene: Scene, folder: Path, policy: Path, *args: object) -> tuple[int, str]:
    head = ["pengingat", scene.source, "--periode", PERIOD, "--roster", scene.roster,
            "--kebijakan", policy, "--hari-ini", TODAY, "--jobs", "1"]  # fmt: skip
    result = CliRunner().invoke(cli, [str(a) for a in (*head, *args)])
    return result.exit_code, result.output


def check_received(inbox: Inbox, expected: Expected, only: set[str] | None = None) -> None:
    received = inbox.by_address()
    wanted = set(expected.items) if only is None else only
    assert set(received) == wanted
    for to, msg in received.items():
        assert msg["From"] == SENDER
        subject = msg["Subject"]
        assert "Triwulan I 2026" in subject and "10 April 2026" in subject
        body = msg.get_content()
        assert "Jumat, 10 April 2026 (sisa 3 hari lagi)" in body
        lines = [line for line in body.splitlines() if line[:1].isdigit()]
        assert len(lines) == len(expected.items[to]), body
        for what, place in expected.items[to]:
            assert any(what in line and line.endswith(place) for line in lines), (what, body)


# --- tests ---------------------------------------------------------------------------------


def test_dry_run_writes_the_merge_file_and_sends_nothing(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path, data_home: Path
) -> None:
    inbox, port = server
    out = tmp_path / "pengingat.csv"
    code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--keluaran", out)
    assert code == 0, output
    assert inbox.messages == []
    assert not (tmp_path / "pengingat-terkirim.sqlite").exists()
    assert not data_home.exists()  # the dry run creates no ledger, not even its folder
    assert "belum ada: belum ada pesan yang dikirim" in output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    by_mail = {r["email"]: r for r in rows}
    assert set(by_mail) == {*scene.expected.items, ""}
    for to, items in scene.expected.items.items():
        row = by_mail[to]
        assert int(row["jumlah_butir"]) == len(items)
        assert row["status"] == "uji coba: belum dikirim"
        for what, place in items:
            assert what in row["isi"] and place in row["isi"]
    (blank,) = [r for r in rows if r["email"] == ""]
    (nip,) = scene.expected.no_address
    assert blank["nip"] == nip and blank["peran"] == "pegawai"
    assert blank["status"] == "tanpa surel: kolom Email di daftar pegawai kosong"
    nama = scene.corpus.people[nip].nama
    assert f"pegawai {nama} (NIP {nip}): kolom Email di daftar pegawai kosong" in output
    assert "Uji coba: tidak ada surel yang dikirim (4 siap dikirim)." in output
    # Never overwritten silently.
    code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--keluaran", out)
    assert code == 1 and "sudah ada" in output


def test_xlsx_merge_file(scene: Scene, server: tuple[Inbox, int], tmp_path: Path) -> None:
    _, port = server
    out = tmp_path / "pengingat.xlsx"
    code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--keluaran", out)
    assert code == 0, output
    ws = openpyxl.load_workbook(out, read_only=True)["Pengingat"]
    rows = list(ws.values)
    assert rows[0][:3] == ("email", "nama", "peran")
    assert {r[0] or "" for r in rows[1:]} == {*scene.expected.items, ""}
    nips = {r[3] for r in rows[1:] if r[2] == "pegawai"}
    assert all(isinstance(n, str) and len(n) == 18 for n in nips)  # NIP stays text


def test_send_delivers_what_is_missing_then_not_twice(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = server
    policy = policy_file(tmp_path, port)
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "a.csv")
    assert code == 0, output
    check_received(inbox, scene.expected)
    assert "Terkirim: 4; sudah terkirim sebelumnya untuk tenggat ini: 0; gagal: 0." in output
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        assert {r["status"] for r in csv.DictReader(fh) if r["email"]} == {"terkirim"}

    inbox.messages.clear()
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 0, output
    assert inbox.messages == []
    assert "Terkirim: 0; sudah terkirim sebelumnya untuk tenggat ini: 4; gagal: 0." in output

    code, output = run(
        scene, tmp_path, policy, "--kirim", "--ulang", "--keluaran", tmp_path / "c.csv"
    )
    assert code == 0, output
    check_received(inbox, scene.expected)


def test_a_refused_recipient_is_reported_and_the_rest_go_out(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = server
    refused = sorted(scene.expected.items)[0]
    inbox.reject = {refused}
    policy = policy_file(tmp_path, port)
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "a.csv")
    assert code == 4, output
    others = set(scene.expected.items) - {refused}
    check_received(inbox, scene.expected, only=others)
    assert f"<{refused}>: alamat penerima ditolak server (550 5.1.1 Mailbox tidak ada)" in output
    # Once the server takes it, a re-run sends only the one that failed.
    inbox.reject = set()
    inbox.messages.clear()
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 0, output
    check_received(inbox, scene.expected, only={refused})


def test_unreachable_server_fails_every_message_quickly(scene: Scene, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--kirim",
                       "--keluaran", tmp_path / "a.csv")  # fmt: skip
    assert code == 4, output
    assert output.count("menolak sambungan") == 4
    assert "Terkirim: 0" in output


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """STARTTLS with a self-signed certificate for 127.0.0.1, and a login that is checked."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        def text(value: bytes | str) -> str:
            return value.decode() if isinstance(value, bytes) else value

        ok = isinstance(auth_data, LoginPassword) and (
            text(auth_data.login),
            text(auth_data.password),
        ) == ("bkpsdm", "rahasia-ujian")
        # handled=False: the server answers 535 itself (the default leaves the client waiting)
        return AuthResult(success=ok, handled=False)

    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=authenticator, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def test_starttls_and_login(
    scene: Scene,
    tls_server: tuple[Inbox, int, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own certificate
    extra = 'pengguna = "bkpsdm"\nsandi_env = "SANDI_UJIAN"\n'
    policy = policy_file(tmp_path, port, extra, tls="starttls")
    monkeypatch.delenv("SANDI_UJIAN", raising=False)
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "a.csv")
    assert code == 1 and "variabel lingkungan SANDI_UJIAN" in output
    monkeypatch.setenv("SANDI_UJIAN", "salah")
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 4 and output.count("login SMTP ditolak") == 4, output
    monkeypatch.setenv("SANDI_UJIAN", "rahasia-ujian")
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "c.csv")
    assert code == 0, output
    check_received(inbox, scene.expected)
    assert "rahasia-ujian" not in policy.read_text(encoding="utf-8")


def test_a_period_without_deadline_is_refused(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    _, port = server
    policy = policy_file(tmp_path, port)
    result = CliRunner().invoke(
        cli,
        ["pengingat", str(scene.source), "--periode", "TW2", "--kebijakan", str(policy)],
    )
    assert result.exit_code == 1
    assert "Tenggat periode TW2 belum diatur." in result.output


def test_sending_needs_a_server(scene: Scene, tmp_path: Path) -> None:
    policy = tmp_path / "sheetnilai.toml"
    policy.write_text(f"[tenggat]\n{PERIOD} = 2026-04-10\n", encoding="utf-8")
    code, output = run(scene, tmp_path, policy, "--kirim")
    assert code == 1 and "smtp.host dan smtp.pengirim wajib diisi" in output


def test_days_left_or_overdue() -> None:
    from sheetnilai.reminders import days_text

    d = dt.date(2026, 4, 10)
    assert days_text(d, dt.date(2026, 4, 9)) == "sisa 1 hari lagi"
    assert days_text(d, d) == "tenggatnya hari ini"
    assert days_text(d, dt.date(2026, 4, 13)) == "sudah lewat 3 hari dari tenggat"


def test_deadline_and_smtp_settings_are_validated() -> None:
    from sheetnilai.rules.policy import PolicyInvalid, TlsMode, policy_from_mapping

    p = policy_from_mapping(
        {"tenggat": {"TW1": dt.date(2026, 4, 10), "S1": "2026-07-10"},
         "smtp": {"host": "smtp.sukamaju.go.id", "port": 465, "tls": "ssl"}}
    )  # fmt: skip
    assert p.tenggat.of("TW1") == dt.date(2026, 4, 10) and p.tenggat.of("S1") == dt.date(
        2026, 7, 10
    )
    assert p.tenggat.of("TW2") is None and p.smtp.tls is TlsMode.SSL
    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping(
            {"tenggat": {"TW5": "2026-01-01", "TW1": "besok"},
             "smtp": {"port": 0, "tls": "ya", "sandi_env": "rahasia 123"},
             "pengingat": {"admin_unit": {"Dinas": "bukan-surel"}}}
        )  # fmt: skip
    keys = sorted(p.params["key"] for p in info.value.problems)
    assert keys == ["pengingat.admin_unit", "smtp.port", "smtp.sandi_env", "smtp.tls",
                    "tenggat.TW1", "tenggat.TW5"]  # fmt: skip


def test_rating_of_pegawai_listed_under_their_penilai(scene: Scene) -> None:
    # The two ratings left empty in Dinas Pendidikan are both the head's to give, and the
    # head's own realisasi is empty: one message of three items (check_received).
    pend = scene.corpus.unit_nips(PENDIDIKAN)
    assert len(scene.expected.items[address(pend[0])]) == 3
    assert {scene.corpus.people[n].penilai for n in pend[1:3]} == {pend[0]}


def test_ratings_missing_are_named_as_the_workbook_names_them() -> None:
    # The message says "hasil kerja"/"perilaku kerja", the sheet's own words (guard for
    # the expectations above).
    assert Rating.SESUAI.label == "Sesuai Ekspektasi"


def test_a_unit_workbook_never_stores_the_mail_settings(tmp_path: Path) -> None:
    from sheetnilai.sources.raw import read_book
    from sheetnilai.sources.unit import extract

    roster = tmp_path / "daftar.csv"
    roster.write_text(
        ",".join(HEADER) + "\n198807222011011004,Agus Uji,Analis,Pelaksana,PNS,,"
        "Penata Muda (III/a),Dinas Uji,,,agus@sukamaju.go.id\n",
        encoding="utf-8",
    )
    policy = tmp_path / "kebijakan.toml"
    policy.write_text(
        "[saran_rating]\nbatas_di_atas = 105\n[tenggat]\nTW1 = 2026-04-10\n[smtp]\n"
        'host = "smtp.rahasia.go.id"\npengguna = "bkpsdm-login"\n'
        '[pengingat.admin_unit]\n"Dinas Uji" = "admin@uji.go.id"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["templat", "buat", str(roster), "--tahun", "2026",
                                      "--keluaran", str(tmp_path / "unit"), "--kebijakan",
                                      str(policy)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "unit").iterdir()
    stored = extract(read_book(path), path.name).policy_text
    assert "batas_di_atas = 105" in stored  # the scoring settings are kept
    for secret in ("smtp.rahasia.go.id", "bkpsdm-login", "admin@uji.go.id", "2026-04-10"):
        assert secret not in stored


def test_without_roster_everyone_is_listed_with_the_reason(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = server
    policy = policy_file(tmp_path, port)
    out = tmp_path / "a.csv"
    result = CliRunner().invoke(
        cli,
        ["pengingat", str(scene.source), "--periode", PERIOD, "--kebijakan", str(policy),
         "--hari-ini", TODAY, "--jobs", "1", "--keluaran", str(out), "--kirim"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert inbox.messages == []
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    # Without a roster the missing unit is unknown; the penilai come from the SKP sheets.
    # The head of Dinas Pendidikan is found as penilai by the NIP the sheets name.
    assert sorted(r["peran"] for r in rows) == [
        "pegawai", "pegawai", "pejabat penilai", "pejabat penilai, pegawai"
    ]  # fmt: skip
    assert all(r["email"] == "" for r in rows)
    assert {r["status"] for r in rows} == {
        "tanpa surel: tanpa daftar pegawai (--roster), alamat surel tidak diketahui"
    }
    assert "Terkirim: 0; sudah terkirim sebelumnya untuk tenggat ini: 0; gagal: 0." in (
        result.output
    )


def test_an_empty_source_waits_for_every_unit(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = server
    empty = tmp_path / "kosong"
    empty.mkdir()
    policy = policy_file(tmp_path, port)
    result = CliRunner().invoke(
        cli,
        ["pengingat", str(empty), "--periode", PERIOD, "--roster", str(scene.roster),
         "--kebijakan", str(policy), "--hari-ini", "2026-04-12", "--keluaran",
         str(tmp_path / "a.csv"), "--kirim", "--tahun", "2026"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    received = inbox.by_address()
    assert set(received) == {ADMIN_KECAMATAN}  # the only unit with an admin address
    body = received[ADMIN_KECAMATAN].get_content()
    assert f'Workbook unit "{GONE_UNIT}" (4 pegawai) belum masuk' in body
    assert "(sudah lewat 2 hari dari tenggat)" in body
    for unit in UNITS[:3]:
        assert f"admin unit Admin {unit}: alamat surel admin unit belum ada" in result.output


@pytest.fixture
def ssl_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """SMTPS (TLS from the first byte) with a self-signed certificate for 127.0.0.1."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def test_ssl_and_an_untrusted_certificate(
    scene: Scene,
    ssl_server: tuple[Inbox, int, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port, cert = ssl_server
    policy = policy_file(tmp_path, port, tls="ssl")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "tidak-ada.pem"))  # trusts nothing
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "a.csv")
    assert code == 4 and output.count("tidak dapat diverifikasi") == 4, output
    assert inbox.messages == []
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 0, output
    check_received(inbox, scene.expected)


def test_a_damaged_ledger_stops_before_anything_is_sent(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = server
    ledger = tmp_path / "catatan.sqlite"
    ledger.write_bytes(b"bukan basis data " * 100)
    code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--kirim",
                       "--catatan-kirim", ledger, "--keluaran", tmp_path / "a.csv")  # fmt: skip
    assert code == 1, output
    assert 'Berkas catatan pengiriman "' in output and "(bukan berkas SQLite)" in output
    assert "Membaca" not in output  # refused before the workbooks are read
    assert inbox.messages == []
    assert not (tmp_path / "a.csv").exists()


def test_from_the_sync_store_without_reading_the_workbooks(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path, data_home: Path
) -> None:
    inbox, port = server
    store = tmp_path / "sinkron.sqlite"
    result = CliRunner().invoke(
        cli,
        ["sinkron", "--sumber", str(scene.source), "--periode", PERIOD, "--roster",
         str(scene.roster), "--sekali", "--penyimpanan", str(store), "--keluaran",
         str(tmp_path / "hasil"), "--jobs", "1", "--senyap"],
    )  # fmt: skip
    assert result.exit_code in (0, 3), result.output
    policy = policy_file(tmp_path, port)
    args = ["pengingat", "--penyimpanan", str(store), "--periode", PERIOD, "--roster",
            str(scene.roster), "--kebijakan", str(policy), "--hari-ini", TODAY, "--tahun",
            "2026", "--keluaran", str(tmp_path / "keluar" / "a.csv"), "--kirim"]  # fmt: skip
    (tmp_path / "keluar").mkdir()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Membaca" not in result.output
    check_received(inbox, scene.expected)
    # The ledger sits beside the store, not beside the merge file nor in the data folder.
    assert (tmp_path / "pengingat-terkirim.sqlite").is_file()
    assert not (tmp_path / "keluar" / "pengingat-terkirim.sqlite").exists()
    assert not data_home.exists()
    assert "Catatan pengiriman: " in result.output
    # A period the sync did not assess, and two sources at once, are refused.
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("[tenggat]\n", "[tenggat]\nTW2 = 2026-07-10\n"), "utf-8")
    result = CliRunner().invoke(cli, [*args[:4], "TW2", *args[5:], "--timpa"])
    assert result.exit_code == 1 and "tidak menilai periode TW2" in result.output, result.output
    result = CliRunner().invoke(cli, [*args, "--timpa", str(scene.source)])
    assert result.exit_code == 1 and "Sebutkan tepat satu sumber" in result.output


def test_a_missing_sheet_goes_to_the_unit_admin_and_roles_share_one_message() -> None:
    from sheetnilai.reminders import Waiting, build_reminders

    unit = "Dinas Uji"
    waiting = [
        Waiting("pegawai-belum-masuk", "Tidak ada lembar", unit, "uji.xlsx", nip="1", nama="A"),
        Waiting("rating-kosong", "Rating hasil kerja belum diisi", unit, "uji.xlsx", "02 B",
                "D83", "2", "B", penilai_nip="3", penilai_nama="C"),
        Waiting("realisasi-kosong", "Realisasi kosong", unit, "uji.xlsx", "03 C", "N22", "3",
                "C"),
    ]  # fmt: skip
    out = build_reminders(waiting, None, "Triwulan I 2026", DEADLINE, DEADLINE,
                          {"dinas  uji": "admin@uji.go.id"})  # fmt: skip
    assert [(r.roles, r.email, len(r.items)) for r in out] == [
        (["admin unit"], "admin@uji.go.id", 1),
        (["pejabat penilai", "pegawai"], None, 2),
    ]
    body = out[1].body
    assert "Sebagai pejabat penilai:\n1. B (NIP 2): Rating hasil kerja belum diisi" in body
    assert "Sebagai pegawai yang dinilai:\n2. Realisasi kosong — uji.xlsx › 03 C!N22" in body
    assert "(tenggatnya hari ini)" in body


def test_unset_reminder_settings_are_not_printed_into_books(tmp_path: Path) -> None:
    import tomllib

    from sheetnilai.config import policy_toml
    from sheetnilai.rules.policy import DEFAULT_POLICY, policy_from_mapping, scoring_policy

    text = policy_toml(DEFAULT_POLICY)
    assert "[tenggat]" not in text and "[smtp]" not in text and "[pengingat" not in text
    set_ = policy_from_mapping(
        {"smtp": {"host": "smtp.uji.go.id"}, "tenggat": {"S1": "2026-07-10"}}
    )
    full = policy_toml(set_)
    assert "[smtp]" in full and "S1 = 2026-07-10" in full and "[pengingat" not in full
    assert policy_from_mapping(tomllib.loads(full)) == set_
    assert policy_toml(scoring_policy(set_)) == text  # what books and workbooks store
    result = CliRunner().invoke(cli, ["kebijakan"])
    assert "# Belum diatur (untuk sheetnilai pengingat" in result.output


def test_two_sending_runs_on_one_ledger_are_refused(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path, data_home: Path
) -> None:
    from sheetnilai.sync.lock import StoreLock

    inbox, port = server
    ledger = default_ledger(data_home)
    ledger.parent.mkdir(parents=True)
    with StoreLock(ledger):  # another run, sending
        code, output = run(scene, tmp_path, policy_file(tmp_path, port), "--kirim",
                           "--keluaran", tmp_path / "a.csv")  # fmt: skip
    assert code == 1 and "Pengiriman pengingat dengan catatan ini sedang berjalan" in output
    assert inbox.messages == []


# --- the reviewer's defects ----------------------------------------------------------------


def test_the_ledger_follows_neither_the_merge_file_nor_the_working_folder(
    scene: Scene,
    server: tuple[Inbox, int],
    tmp_path: Path,
    data_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = server
    policy = policy_file(tmp_path, port)
    first, second = tmp_path / "pertama", tmp_path / "kedua"
    first.mkdir()
    second.mkdir()
    monkeypatch.chdir(first)
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", first / "a.csv")
    assert code == 0, output
    check_received(inbox, scene.expected)
    ledger = default_ledger(data_home)
    assert ledger.is_file() and not (first / ledger.name).exists()
    assert "Catatan pengiriman: " in output and ledger.name in output
    # Another working folder, another --keluaran, and the default file name: nobody again.
    inbox.messages.clear()
    monkeypatch.chdir(second)
    code, output = run(scene, tmp_path, policy, "--kirim")
    assert code == 0, output
    assert inbox.messages == []
    assert "Terkirim: 0; sudah terkirim sebelumnya untuk tenggat ini: 4; gagal: 0." in output
    # Another source folder (another agency) on the same machine has rows of its own.
    other = tmp_path / "instansi-lain"
    shutil.copytree(scene.source, other)
    code, output = run(
        replace(scene, source=other), tmp_path, policy, "--kirim", "--keluaran", second / "b.csv"
    )
    assert code == 0, output
    check_received(inbox, scene.expected)
    # The same folder reached by another spelling of its path is the same source.
    inbox.messages.clear()
    monkeypatch.chdir(second)
    code, output = run(replace(scene, source=Path("..") / other.name), tmp_path, policy,
                       "--kirim", "--keluaran", second / "c.csv")  # fmt: skip
    assert code == 0, output
    assert inbox.messages == []


def test_the_dry_run_never_writes_the_ledger(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path, data_home: Path
) -> None:
    _, port = server
    policy = policy_file(tmp_path, port)
    # An empty file (no table yet) stays empty: read-only, "nothing sent".
    empty = tmp_path / "kosong.sqlite"
    empty.touch()
    code, output = run(scene, tmp_path, policy, "--catatan-kirim", empty,
                       "--keluaran", tmp_path / "a.csv")  # fmt: skip
    assert code == 0, output
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.glob("kosong.sqlite*")) == ["kosong.sqlite"]
    assert "Uji coba: tidak ada surel yang dikirim (4 siap dikirim)." in output
    # After a real send, a dry run reads who was reached and leaves the ledger as it was.
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 0, output
    ledger = default_ledger(data_home)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in ledger.parent.iterdir()}
    code, output = run(scene, tmp_path, policy, "--keluaran", tmp_path / "c.csv")
    assert code == 0, output
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in ledger.parent.iterdir()}
    assert after == before
    with (tmp_path / "c.csv").open(encoding="utf-8-sig") as fh:
        statuses = {r["status"][:15] for r in csv.DictReader(fh) if r["email"]}
    assert statuses == {"sudah terkirim "}


def test_a_damaged_ledger_is_a_warning_in_a_dry_run(
    scene: Scene, server: tuple[Inbox, int], tmp_path: Path
) -> None:
    _, port = server
    policy = policy_file(tmp_path, port)
    damaged = tmp_path / "rusak.sqlite"
    damaged.write_bytes(b"bukan basis data " * 100)
    code, output = run(scene, tmp_path, policy, "--catatan-kirim", damaged,
                       "--keluaran", tmp_path / "d.csv")  # fmt: skip
    assert code == 0, output
    assert "Peringatan: Berkas catatan pengiriman" in output and "bukan berkas SQLite" in output
    assert (tmp_path / "d.csv").is_file()
    assert damaged.read_bytes() == b"bukan basis data " * 100


def test_admin_addresses_naming_one_unit_twice_are_refused() -> None:
    from sheetnilai.messages import render
    from sheetnilai.rules.policy import PolicyInvalid, policy_from_mapping

    with pytest.raises(PolicyInvalid) as info:
        policy_from_mapping(
            {"pengingat": {"admin_unit": {"Dinas A": "a@sukamaju.go.id",
                                          "dinas  a": "b@sukamaju.go.id"}}}
        )  # fmt: skip
    (problem,) = info.value.problems
    assert problem.params["key"] == "pengingat.admin_unit"
    text = render(problem.code, problem.params) + " " + str(problem.params["allowed"])
    assert '"Dinas A"' in text and '"dinas  a"' in text, text
    # Distinct units are fine, and spelt differently still reach their admin.
    p = policy_from_mapping(
        {"pengingat": {"admin_unit": {"Dinas A": "a@sukamaju.go.id",
                                      "Dinas B": "b@sukamaju.go.id"}}}
    )  # fmt: skip
    assert dict(p.pengingat.admin_unit) == {"Dinas A": "a@sukamaju.go.id",
                                            "Dinas B": "b@sukamaju.go.id"}  # fmt: skip


def test_smtp_port_defaults_by_tls_mode() -> None:
    from sheetnilai.rules.policy import policy_from_mapping

    def port(smtp: dict[str, object]) -> int:
        return policy_from_mapping({"smtp": {"host": "smtp.sukamaju.go.id", **smtp}}).smtp.port

    assert port({}) == 587
    assert port({"tls": "starttls"}) == 587
    assert port({"tls": "ssl"}) == 465
    assert port({"tls": "tanpa"}) == 25
    assert port({"tls": "ssl", "port": 2465}) == 2465


@pytest.fixture
def plain_login_server() -> Iterator[tuple[Inbox, int]]:
    """A server on this machine that takes a login without TLS (a local relay)."""

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        return AuthResult(success=isinstance(auth_data, LoginPassword), handled=False)

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_login_without_tls_only_to_this_machine(
    scene: Scene,
    plain_login_server: tuple[Inbox, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = plain_login_server
    monkeypatch.setenv("SANDI_UJIAN", "rahasia-ujian")
    extra = 'pengguna = "bkpsdm"\nsandi_env = "SANDI_UJIAN"\n'
    policy = policy_file(tmp_path, port, extra, tls="tanpa")
    # A host elsewhere: refused before anything is read or sent. 192.0.2.1 (TEST-NET-1) is
    # never reached: the refusal comes first.
    remote = tmp_path / "jauh.toml"
    remote.write_text(policy.read_text("utf-8").replace('"127.0.0.1"', '"192.0.2.1"'), "utf-8")
    code, output = run(scene, tmp_path, remote, "--kirim", "--keluaran", tmp_path / "a.csv")
    assert code == 1, output
    assert 'Login SMTP tanpa TLS ke server "192.0.2.1" ditolak' in output
    assert "Membaca" not in output and not (tmp_path / "a.csv").exists()
    # The same on this machine goes through.
    code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "b.csv")
    assert code == 0, output
    check_received(inbox, scene.expected)


def test_loopback_hosts() -> None:
    from sheetnilai.reminders import is_loopback

    assert [is_loopback(h) for h in ("127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost",
                                     "LocalHost")] == [True] * 6  # fmt: skip
    assert [is_loopback(h) for h in ("10.0.0.1", "smtp.sukamaju.go.id", "127.0.0.1.nip.io",
                                     "localhost.sukamaju.go.id", "::2")] == [False] * 5  # fmt: skip


class Dropping(Inbox):
    """Takes `limit` messages per connection, then ends the session: with 421 to the next
    MAIL (a per-connection limit) or by closing the connection (an idle timeout)."""

    def __init__(self, limit: int, how: str) -> None:
        super().__init__()
        self.limit = limit
        self.how = how
        self.per_session: dict[int, int] = {}
        self.sessions: set[int] = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        self.sessions.add(id(session))
        if self.per_session.get(id(session), 0) >= self.limit:
            if self.how == "tutup":
                server.transport.close()
            return "421 4.7.0 Batas pesan per sambungan tercapai"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.per_session[id(session)] = self.per_session.get(id(session), 0) + 1
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("how", ["421", "tutup"])
def test_a_session_ended_by_the_server_is_reopened_for_the_message(
    scene: Scene, tmp_path: Path, how: str
) -> None:
    inbox = Dropping(1, how)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        policy = policy_file(tmp_path, port)
        code, output = run(scene, tmp_path, policy, "--kirim", "--keluaran", tmp_path / "a.csv")
        assert code == 0, output
        check_received(inbox, scene.expected)
        assert "Terkirim: 4; sudah terkirim sebelumnya untuk tenggat ini: 0; gagal: 0." in output
        assert len(inbox.sessions) >= 4  # one message per session
        # A server that ends every session at once: one more try per message, then failed.
        inbox.limit = 0
        inbox.messages.clear()
        code, output = run(scene, tmp_path, policy, "--kirim", "--ulang",
                           "--keluaran", tmp_path / "b.csv")  # fmt: skip
        assert code == 4, output
        assert inbox.messages == []
        reason = "menutup sambungan (421)" if how == "421" else "sambungan ke server"
        assert output.count(reason) == 4, output
    finally:
        controller.stop()


def test_people_without_nip_are_told_apart_by_unit_and_sheet() -> None:
    from sheetnilai.reminders import Waiting, build_reminders

    waiting = [
        # Two pegawai named Budi, no NIP, in two units: two people.
        Waiting("realisasi-kosong", "Realisasi kosong", "Dinas A", "a.xlsx", "01 Budi", "N22",
                nama="Budi"),
        Waiting("realisasi-kosong", "Realisasi kosong", "Dinas B", "b.xlsx", "01 Budi", "N22",
                nama="budi "),
        # The same Budi twice in his unit: one message of two items.
        Waiting("skp-tanpa-iki", "SKP tanpa IKI", "Dinas A", "a.xlsx", "01 Budi", nama="Budi"),
        # Pejabat penilai named by neither NIP nor name: one per sheet, not one for all.
        Waiting("rating-kosong", "Rating hasil kerja belum diisi", "Dinas A", "a.xlsx",
                "02 Siti", "D83", "2", "Siti"),
        Waiting("rating-kosong", "Rating perilaku kerja belum diisi", "Dinas A", "a.xlsx",
                "02 Siti", "F83", "2", "Siti"),
        Waiting("rating-kosong", "Rating hasil kerja belum diisi", "Dinas B", "b.xlsx",
                "03 Ani", "D83", "3", "Ani"),
    ]  # fmt: skip
    out = build_reminders(waiting, None, "Triwulan I 2026", DEADLINE, DEADLINE)
    got = sorted((r.role, r.unit, len(r.items)) for r in out)
    assert got == [
        ("pegawai", "Dinas A", 2),
        ("pegawai", "Dinas B", 1),
        ("pejabat penilai", "Dinas A", 2),
        ("pejabat penilai", "Dinas B", 1),
    ]
    assert len({r.key for r in out}) == 4
