"""A private Dovecot IMAP server for the poller's tests: Debian's dovecot-imapd, run in the foreground
with its own configuration, users and Maildirs in a temporary folder, on a free loopback port.

IMAP on 127.0.0.1 only: plain text (STARTTLS offered) on one port, TLS on another, with a
self-signed certificate for 127.0.0.1 made at the start (`Dovecot.certificate`). Started by root
(as CI runs), Dovecot's own processes and the mail run as its unprivileged users; otherwise
everything runs as the current user.
"""

import grp
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

DOVECOT = os.environ.get("DOVECOT_PATH", "/usr/sbin/dovecot")
START_TIMEOUT = 20
ACCOUNTS = 200
PASSWORD = "imap-secret"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = helpdesk-test-{port}
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/certificate.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
mail_location = maildir:{root}/mail/%u/Maildir
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unavailable(reason):
    """CI must run these tests: there a missing Dovecot fails; elsewhere the tests are skipped."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs the IMAP tests: `make dovecot` installs it)", pytrace=False)
    pytest.skip(f"{reason}: apt-get install dovecot-imapd (or `make dovecot`), or set DOVECOT_PATH")


class Dovecot:
    """A running server: `add_user()` gives an account with an empty INBOX."""

    def __init__(self, root, port, tls_port, process):
        self.root, self.port, self.tls_port, self.process = root, port, tls_port, process
        self.certificate = root / "certificate.pem"
        self.host = "127.0.0.1"
        self._numbers = itertools.count(1)

    @property
    def log(self):
        parts = []
        for name in ("dovecot.log", "stderr.log"):
            path = self.root / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def add_user(self):
        """The next unused account: accounts are written before the start (Dovecot does not see a
        line added to its users file at once)."""
        number = next(self._numbers)
        if number > ACCOUNTS:
            raise RuntimeError(f"All {ACCOUNTS} test accounts are in use: raise ACCOUNTS")
        return Account(self, f"user{number}", PASSWORD)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Account:
    """One IMAP account, and the ways a test puts mail in it and looks at it."""

    def __init__(self, server, user, password):
        self.server, self.user, self.password = server, user, password

    def client(self):
        return MailBoxUnencrypted(self.server.host, port=self.server.port, timeout=10).login(
            self.user, self.password, initial_folder=None
        )

    def append(self, *messages, folder="INBOX"):
        """Deliver raw messages with IMAP APPEND, as unseen mail."""
        with self.client() as client:
            for raw in messages:
                client.append(raw, folder)

    def flags(self, folder="INBOX"):
        """{UID: flags} of every message, read without changing them."""
        with self.client() as client:
            client.folder.set(folder, readonly=True)
            return {int(message.uid): message.flags for message in client.fetch(mark_seen=False, headers_only=True)}

    def create_folder(self, folder):
        with self.client() as client:
            client.folder.create(folder)

    def delete_folder(self, folder):
        with self.client() as client:
            client.folder.delete(folder)

    def uidvalidity(self, folder="INBOX"):
        with self.client() as client:
            return client.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"]


def _users_for_root():
    """(internal user, its group, login user, mail uid, mail gid) when started by root: Dovecot
    refuses to run its login processes or mail as root."""
    try:
        internal = pwd.getpwnam("dovecot")
        login = pwd.getpwnam("dovenull")
    except KeyError:
        internal = login = pwd.getpwnam("nobody")
    mail = pwd.getpwnam("nobody")
    return internal.pw_name, grp.getgrgid(internal.pw_gid).gr_name, login.pw_name, mail.pw_uid, mail.pw_gid


def _write_certificate(root):
    """A self-signed certificate for 127.0.0.1, and its key (cryptography comes with the project)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (root / "certificate.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    (root / "key.pem").chmod(0o600)


def start_dovecot():
    """Start a private Dovecot and wait for its greeting; fails with its log if it does not come."""
    if not (os.path.isfile(DOVECOT) and os.access(DOVECOT, os.X_OK)):
        _unavailable(f"No Dovecot at {DOVECOT}")
    version = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if not version.startswith("2.3."):
        _unavailable(f"Dovecot {version or '?'} at {DOVECOT}: these tests configure Dovecot 2.3 (Debian 12)")
    # Not under pytest's temporary folder: its path is too long for Dovecot's sockets, and closed to
    # the unprivileged users the mail runs as.
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir()
    (root / "users").write_text("".join(f"user{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, ACCOUNTS + 1)))
    if os.geteuid() == 0:
        internal_user, internal_group, login_user, mail_uid, mail_gid = _users_for_root()
        os.chown(root / "mail", mail_uid, mail_gid)
    else:
        me = pwd.getpwuid(os.geteuid())
        internal_user, internal_group, login_user = me.pw_name, grp.getgrgid(os.getegid()).gr_name, me.pw_name
        mail_uid, mail_gid = os.geteuid(), os.getegid()
    _write_certificate(root)
    port, tls_port = _free_port(), _free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, port=port, tls_port=tls_port, internal_user=internal_user, internal_group=internal_group, login_user=login_user,
        mail_uid=mail_uid, mail_gid=mail_gid,
    ))
    with open(root / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=stderr, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Dovecot(root, port, tls_port, process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            log = server.log
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail(f"Dovecot exited with status {process.returncode} at start:\n{log}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            log = server.log
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail(f"Dovecot did not answer on port {port} within {START_TIMEOUT} s:\n{log}", pytrace=False)
        time.sleep(0.1)


@pytest.fixture(scope="session")
def dovecot():
    server = start_dovecot()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot):
    """A fresh account on the test server. What the server logged meanwhile is printed at teardown,
    which pytest shows when the test fails."""
    log_before = len(dovecot.log)
    yield dovecot.add_user()
    print(f"--- Dovecot's log during the test ({dovecot.root}) ---\n{dovecot.log[log_before:][-8000:]}")
