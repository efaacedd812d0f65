"""A real Kannel on loopback for the gateway's integration tests: bearerbox, smsbox, fakesmsc.

``kannel_peer(directory)`` writes a kannel.conf into ``directory``, starts Kannel's bearerbox
with a fake SMS centre (``smsc = fake``), Kannel's own ``fakesmsc`` test tool connected to it
(it plays the handsets: it prints every message it gets) and smsbox (the HTTP ``sendsms``
interface our ``KannelGateway`` calls), all on free ports of 127.0.0.1, and waits until
sendsms answers and the SMS centre is online. It yields a ``KannelPeer``:

* ``sendsms_url``, ``username``, ``password`` for ``KannelGateway`` (``peer.gateway(report_url)``);
* ``received()``: the messages fakesmsc got (concatenated parts joined), ``wait_for(to)``;
* ``stop_bearerbox()`` to take the gateway down in the middle of a test.

Everything is killed at the end (process groups), even when the test fails. Kannel's fake
SMS centre answers each message carrying a ``dlr-mask`` with a "delivered" report (type 1),
which smsbox passes to the message's ``dlr-url``: point ``report_url`` at a live server to
receive it. The test is skipped only when the Kannel binaries are missing (Debian packages
``kannel`` and ``kannel-extras``; ``make system-packages`` installs them).

Run one by hand: ``.venv/bin/python -m tests.messaging.kannel_peer`` prints the URLs and keeps
it running until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sangdam.messaging.gateways.kannel import KannelGateway

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
HOST = "127.0.0.1"
USERNAME = "sangdam"
PASSWORD = "peer-secret"
ADMIN_PASSWORD = "peer-admin"
START_TIMEOUT = 15.0
START_ATTEMPTS = 3

# fakesmsc prints: "Got message 3: <from to ucs-2 %C5H...>" or, for a concatenated part,
# "Got message 4: <from to udh %05%00%03%01%02%01 data %AC...>" (URL-encoded bytes).
GOT_MESSAGE = re.compile(r"Got message \d+: <(?P<line>[^>]*)>")

CONFIG = """\
group = core
admin-port = {admin_port}
admin-interface = {host}
admin-password = {admin_password}
admin-allow-ip = "{host}"
smsbox-port = {smsbox_port}
smsbox-interface = {host}
box-deny-ip = "*.*.*.*"
box-allow-ip = "{host}"
log-file = "{directory}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {fake_port}
our-host = {host}
connect-allow-ip = {host}

group = smsbox
bearerbox-host = {host}
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = {host}
log-file = "{directory}/smsbox.log"
log-level = 1

group = sendsms-user
username = {username}
password = {password}
concatenation = true
max-messages = 40
"""


@dataclass(frozen=True)
class Received:
    """One message as the handset got it (the parts of a long one joined)."""

    sender: str
    to: str
    text: str
    parts: int = 1


def kannel_missing() -> str:
    """Why the peer cannot run here, or "" when it can."""
    missing = [path for path in (BEARERBOX, SMSBOX, FAKESMSC) if not os.access(path, os.X_OK)]
    if missing:
        return (
            "Kannel is not installed (" + ", ".join(missing) + "): "
            "run `make system-packages` (Debian packages kannel, kannel-extras)"
        )
    return ""


def free_ports(count: int) -> list[int]:
    """Ports free on loopback now; held together so that they differ from each other."""
    sockets = []
    try:
        for _ in range(count):
            held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            held.bind((HOST, 0))
            sockets.append(held)
        return [held.getsockname()[1] for held in sockets]
    finally:
        for held in sockets:
            held.close()


def _decode(field: str) -> bytes:
    # fakesmsc URL-encodes like a form: '+' is a space byte.
    return urllib.parse.unquote_to_bytes(field.replace("+", "%20"))


def _text(coding: str, data: bytes) -> str:
    if coding in ("ucs-2", "udh"):
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


def parse_fakesmsc_output(output: str) -> list[Received]:
    """The messages in fakesmsc's output, concatenated parts joined (in the order completed).

    A part carries a UDH (``05 00 03 ref total seq``); our gateway always sends UCS-2, so the
    joined parts are decoded as UCS-2 (fakesmsc does not print the coding of a part).
    """
    found: list[Received] = []
    pending: dict[tuple[str, str, int, int], dict[int, bytes]] = {}
    for match in GOT_MESSAGE.finditer(output):
        fields = match.group("line").split(" ")
        sender, to, coding = fields[0], fields[1], fields[2]
        if coding != "udh":
            found.append(Received(sender, to, _text(coding, _decode(fields[3]))))
            continue
        udh, data = _decode(fields[3]), _decode(fields[5])
        if udh[:3] == b"\x05\x00\x03":
            reference, total, number = udh[3], udh[4], udh[5]
        elif udh[:3] == b"\x06\x08\x04":
            reference, total, number = int.from_bytes(udh[3:5], "big"), udh[5], udh[6]
        else:
            found.append(Received(sender, to, data.hex()))
            continue
        key = (sender, to, reference, total)
        parts = pending.setdefault(key, {})
        parts[number] = data
        if len(parts) == total:
            del pending[key]
            joined = b"".join(parts[n] for n in sorted(parts))
            found.append(Received(sender, to, _text("udh", joined), parts=total))
    return found


class KannelPeer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.username = USERNAME
        self.password = PASSWORD
        self.admin_port, self.smsbox_port, self.fake_port, self.sendsms_port = free_ports(4)
        self.sendsms_url = f"http://{HOST}:{self.sendsms_port}/cgi-bin/sendsms"
        self.status_url = f"http://{HOST}:{self.admin_port}/status.txt"
        self.config = directory / "kannel.conf"
        self.fakesmsc_log = directory / "fakesmsc.out"
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -------------------------------------------------------------------------------- control

    def start(self) -> None:
        self.config.write_text(
            CONFIG.format(
                host=HOST,
                directory=self.directory,
                admin_port=self.admin_port,
                admin_password=ADMIN_PASSWORD,
                smsbox_port=self.smsbox_port,
                fake_port=self.fake_port,
                sendsms_port=self.sendsms_port,
                username=self.username,
                password=self.password,
            ),
            encoding="utf-8",
        )
        deadline = time.monotonic() + START_TIMEOUT
        self._spawn("bearerbox", [BEARERBOX, str(self.config)])
        self._wait(deadline, "bearerbox's smsbox port", lambda: _accepts(self.smsbox_port))
        self._wait(deadline, "bearerbox's fake SMSC port", lambda: _accepts(self.fake_port))
        self._spawn(
            "fakesmsc",
            # -m 0: the handsets send nothing themselves (the message argument is required).
            [FAKESMSC, "-H", HOST, "-r", str(self.fake_port), "-i", "0.1", "-m", "0", "1 2 text x"],
            output=self.fakesmsc_log,
        )
        self._spawn("smsbox", [SMSBOX, str(self.config)])
        self._wait(deadline, "smsbox's sendsms", self._sendsms_answers)
        self._wait(deadline, "the fake SMSC to come online", self._smsc_online)

    def stop(self) -> None:
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            self._kill(name)

    def stop_bearerbox(self) -> None:
        """Take the gateway down as a crash would; smsbox stops answering soon after."""
        self._kill("bearerbox")
        deadline = time.monotonic() + 5.0
        while _accepts(self.sendsms_port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def gateway(self, report_url: str = "", timeout: float = 5.0) -> KannelGateway:
        return KannelGateway(
            url=self.sendsms_url,
            username=self.username,
            password=self.password,
            report_url=report_url,
            timeout=timeout,
        )

    # ------------------------------------------------------------------------------ observing

    def received(self) -> list[Received]:
        """Every message fakesmsc (the handsets) got so far."""
        try:
            output = self.fakesmsc_log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return parse_fakesmsc_output(output)

    def wait_for(self, to: str, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """The messages to ``to``, once at least ``count`` have arrived (or the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [message for message in self.received() if message.to == to]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def logs(self) -> str:
        """The end of each log, for an assertion's message when something went wrong."""
        tails = []
        for name in ("bearerbox.log", "smsbox.log", "fakesmsc.out"):
            path = self.directory / name
            if path.exists():
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                tails.append(f"--- {name}\n" + "\n".join(lines[-15:]))
        return "\n".join(tails)

    # -------------------------------------------------------------------------------- helpers

    def _spawn(self, name: str, command: list[str], output: Path | None = None) -> None:
        log = (output or self.directory / f"{name}.out").open("wb")
        with log:
            self._processes[name] = subprocess.Popen(
                command,
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as one
            )

    def _kill(self, name: str) -> None:
        process = self._processes.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    def _wait(self, deadline: float, what: str, ready: object) -> None:
        assert callable(ready)
        while not ready():
            for name, process in self._processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"Kannel's {name} exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Timed out waiting for {what}")
            time.sleep(0.05)

    def _get(self, url: str) -> tuple[int, str]:
        try:
            with self._opener.open(url, timeout=2) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def _sendsms_answers(self) -> bool:
        try:
            status, _body = self._get(self.sendsms_url)
        except (urllib.error.URLError, OSError):
            return False
        return status > 0

    def _smsc_online(self) -> bool:
        try:
            _status, body = self._get(f"{self.status_url}?password={ADMIN_PASSWORD}")
        except (urllib.error.URLError, OSError):
            return False
        return bool(re.search(r"fake.*\(online", body))


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def kannel_peer(directory: Path | None = None) -> Iterator[KannelPeer]:
    """A running Kannel with a fake SMS centre; skips the test when Kannel is not installed."""
    missing = kannel_missing()
    if missing:
        pytest.skip(missing)
    owned = directory is None
    work = directory or Path(tempfile.mkdtemp(prefix="kannel-"))
    for attempt in range(1, START_ATTEMPTS + 1):
        peer = KannelPeer(work)
        try:
            peer.start()
            break
        except RuntimeError as error:
            # Another process may have taken one of the free ports meanwhile: try new ones.
            logs = peer.logs()
            peer.stop()
            if attempt == START_ATTEMPTS:
                raise RuntimeError(f"{error}\n{logs}") from error
    try:
        yield peer
    finally:
        peer.stop()
        if owned:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    with kannel_peer(Path(tempfile.mkdtemp(prefix="kannel-"))) as running:
        print(f"sendsms:  {running.sendsms_url}")  # noqa: T201
        print(f"user:     {running.username} / {running.password}")  # noqa: T201
        print(f"status:   {running.status_url}?password={ADMIN_PASSWORD}")  # noqa: T201
        print(f"handsets: {running.fakesmsc_log}")  # noqa: T201
        print("Ctrl-C stops it.")  # noqa: T201
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
