"""A real Dovecot IMAP server of the test's own, on a free loopback port.

Started as a subprocess from the configuration in tests/support/dovecot/, with
a temporary mail directory and one user (passwd-file). Skipped, saying why,
when Dovecot isn't installed (`apt-get install dovecot-imapd`; .ci/run does).
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest

from tests.support.servers import end_process, free_port

CONFIG = Path(__file__).resolve().parent / "dovecot" / "dovecot.conf"
USER = "lobby"
PASSWORD = "imap-test-password"


@dataclass
class ImapServer:
    port: int
    user: str = USER
    password: str = PASSWORD

    @property
    def url(self):
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"


def _dovecot():
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")


def _owner():
    """(uid, gid, login user, internal user): the system's dovecot users under root."""
    if os.getuid() != 0:
        name = pwd.getpwuid(os.getuid()).pw_name
        return os.getuid(), os.getgid(), name, name
    mail = pwd.getpwnam("dovecot")
    return mail.pw_uid, mail.pw_gid, "dovenull", "dovecot"


def _wait_for_greeting(port, process, log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {port} within {timeout} s")


@pytest.fixture
def imap_server():
    binary = _dovecot()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test IMAP: install Dovecot (.ci/run installs dovecot-imapd)")
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd) - no IMAP server")
    base = Path(tempfile.mkdtemp(prefix="lobby-dovecot-"))
    uid, gid, login_user, internal_user = _owner()
    for name in ("run", "state", "mail", "home"):
        (base / name).mkdir()
    os.chmod(base, 0o755)
    for name in ("mail", "home"):
        os.chown(base / name, uid, gid)
    (base / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = base / "dovecot.conf"
    config.write_text(Template(CONFIG.read_text()).substitute(
        base=base, port=port, uid=uid, gid=gid,
        login_user=login_user, internal_user=internal_user,
    ))
    stderr_path = base / "stderr.log"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        _wait_for_greeting(port, process, stderr_path)
        yield ImapServer(port)
    finally:
        end_process(process)
        shutil.rmtree(base, ignore_errors=True)
