"""A FAKE SMS centre (SMSC) speaking SMPP 3.4 on loopback — for tests only.

Why a fake: the real peer of ``SmppGateway`` is a carrier's or aggregator's SMSC, which cannot
run here. No maintained SMPP server exists as a package (checked on PyPI: ``smppy`` 0.3.2 is
a 2019 framework on an unmaintained PDU library, ``smpp_server`` is Python 2,
``aiosmpplib`` is a client only, Jasmin needs RabbitMQ and Redis), and Kannel's
``drive_smpp`` is a load driver that needs a bearerbox and does not answer binds with message
IDs. So this module plays the SMSC, built on smpplib's own PDU classes, so that the bytes on
the socket are real SMPP 3.4 PDUs encoded and decoded by the same code as a real exchange:

* answers ``bind_transmitter``/``bind_receiver``/``bind_transceiver`` (checking system_id and
  password), ``submit_sm`` (with a message ID), ``enquire_link``, ``unbind``;
* records every ``submit_sm`` (``submitted``) and joins concatenated parts (``messages()``);
* sends a delivery receipt (``deliver_sm`` with the receipt esm_class, the receipt text and the
  ``receipted_message_id``/``message_state`` TLVs) for each submit that asked for one, to a
  session bound to receive (a receiver first, else a transceiver), keeping it until one binds;
* can answer ESME_RTHROTTLED (``throttle_next``) or any status for a destination
  (``refuse``), and give a receipt state per destination (``receipt_states``).
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import smpplib.smpp
from smpplib import consts

HOST = "127.0.0.1"
BIND_MODES = {
    "bind_transmitter": "TX",
    "bind_receiver": "RX",
    "bind_transceiver": "TRX",
}


@dataclass(frozen=True)
class Submitted:
    """One submit_sm as the SMSC got it."""

    message_id: str
    source: str
    destination: str
    source_ton: int
    destination_ton: int
    destination_npi: int
    data_coding: int
    esm_class: int
    registered_delivery: int
    short_message: bytes


@dataclass(frozen=True)
class Arrived:
    """A message as the handset would show it (concatenated parts joined)."""

    source: str
    destination: str
    text: str
    parts: int
    message_ids: tuple[str, ...]


@dataclass
class _Receipt:
    submitted: Submitted
    state: str
    due: float


class _Sequence:
    """What smpplib's PDUs ask of a "client": sequence numbers (ours, for the SMSC's requests)."""

    def __init__(self) -> None:
        self.sequence = 0
        self._numbers = itertools.count(1)

    def next_sequence(self) -> int:
        self.sequence = next(self._numbers)
        return self.sequence


@dataclass
class _Connection:
    link: socket.socket
    mode: str = ""  # TX, RX, TRX once bound
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    sequence: _Sequence = field(default_factory=_Sequence)

    def send(self, pdu: Any) -> None:
        with self.write_lock:
            self.link.sendall(pdu.generate())

    def read(self) -> Any | None:
        header = self._exact(4)
        if header is None:
            return None
        (length,) = struct.unpack(">L", header)
        rest = self._exact(length - 4)
        if rest is None:
            return None
        return smpplib.smpp.parse_pdu(
            header + rest, client=self.sequence, allow_unknown_opt_params=True
        )

    def _exact(self, size: int) -> bytes | None:
        chunks = b""
        while len(chunks) < size:
            try:
                chunk = self.link.recv(size - len(chunks))
            except OSError:
                return None
            if not chunk:
                return None
            chunks += chunk
        return chunks


class FakeSmsc:
    def __init__(
        self,
        system_id: str = "sangdam",
        password: str = "secret",
        receipt_delay: float = 0.0,
    ) -> None:
        self.system_id = system_id
        self.password = password
        self.receipt_delay = receipt_delay
        self.submitted: list[Submitted] = []
        self.binds: list[str] = []  # the modes bound, in order
        self.throttle_next = 0  # answer this many submits with ESME_RTHROTTLED
        self.refuse: dict[str, int] = {}  # destination -> command_status
        self.receipt_states: dict[str, str] = {}  # destination -> stat (default DELIVRD)
        self.receipts_sent: list[str] = []  # message IDs
        self.receipt_answers: list[int] = []  # the ESME's deliver_sm_resp statuses
        self._ids = itertools.count(0x1F0000)
        self._lock = threading.Lock()
        self._connections: list[_Connection] = []
        self._receipts: list[_Receipt] = []
        self._stopped = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((HOST, 0))
        self.host = HOST
        self.port: int = self._server.getsockname()[1]
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------------------- control

    def start(self) -> FakeSmsc:
        self._server.listen(8)
        self._spawn(self._accept_loop, "fake-smsc-accept")
        self._spawn(self._postman, "fake-smsc-receipts")
        return self

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads[:2]:  # the acceptor and the postman
            thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._server.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.link.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                connection.link.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def options(self) -> dict[str, Any]:
        """The SmppGateway / listener settings that reach this SMSC."""
        return {
            "host": self.host,
            "port": self.port,
            "system_id": self.system_id,
            "password": self.password,
            "timeout": 5.0,
        }

    # ----------------------------------------------------------------------------- observing

    def messages(self) -> list[Arrived]:
        """What the handsets got: single messages and completed concatenations."""
        with self._lock:
            submitted = list(self.submitted)
        arrived: list[Arrived] = []
        pending: dict[tuple[str, str, int], dict[int, Submitted]] = {}
        for sm in submitted:
            if not sm.esm_class & consts.SMPP_GSMFEAT_UDHI:
                arrived.append(Arrived(sm.source, sm.destination, _decode(sm), 1, (sm.message_id,)))
                continue
            udh_length = sm.short_message[0]
            udh = sm.short_message[1 : 1 + udh_length]
            reference, total, number = udh[2], udh[3], udh[4]  # IEI 00: 8-bit reference
            key = (sm.source, sm.destination, reference)
            parts = pending.setdefault(key, {})
            parts[number] = sm
            if len(parts) == total:
                del pending[key]
                ordered = [parts[n] for n in sorted(parts)]
                payload = b"".join(p.short_message[1 + p.short_message[0] :] for p in ordered)
                text = payload.decode("utf-16-be" if sm.data_coding == 8 else "latin-1")
                ids = tuple(p.message_id for p in ordered)
                arrived.append(Arrived(sm.source, sm.destination, text, total, ids))
        return arrived

    def wait(self, condition: Any, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def bound(self, mode: str) -> bool:
        with self._lock:
            return any(connection.mode == mode for connection in self._connections)

    def drop_all(self) -> None:
        """Cut every session, as a restarting SMSC would (the port stays open)."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.link.shutdown(socket.SHUT_RDWR)

    # ----------------------------------------------------------------------------- internals

    def _spawn(self, target: Any, name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self) -> None:
        self._server.settimeout(0.05)  # to notice stop(): closing does not wake accept()
        while not self._stopped.is_set():
            try:
                link, _address = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            link.settimeout(None)
            connection = _Connection(link)
            with self._lock:
                self._connections.append(connection)
            self._spawn(self._serve, "fake-smsc-session", connection)

    def _serve(self, connection: _Connection) -> None:
        try:
            while not self._stopped.is_set():
                pdu = connection.read()
                if pdu is None:
                    return
                if not self._handle(connection, pdu):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)
            with contextlib.suppress(OSError):
                connection.link.close()

    def _respond(self, connection: _Connection, request: Any, command: str, **fields: Any) -> None:
        response = smpplib.smpp.make_pdu(command, client=connection.sequence, **fields)
        response.sequence = request.sequence
        connection.send(response)

    def _handle(self, connection: _Connection, pdu: Any) -> bool:
        """Answer one PDU; False when the session ends."""
        command = pdu.command
        if command in BIND_MODES:
            accepted = (
                pdu.system_id == self.system_id.encode() and pdu.password == self.password.encode()
            )
            status = consts.SMPP_ESME_ROK if accepted else consts.SMPP_ESME_RINVPASWD
            if accepted:
                connection.mode = BIND_MODES[command]
                with self._lock:
                    self.binds.append(connection.mode)
            self._respond(connection, pdu, f"{command}_resp", system_id="FAKESMSC", status=status)
            return accepted
        if command == "submit_sm":
            self._respond(connection, pdu, "submit_sm_resp", **self._submit(connection, pdu))
        elif command == "enquire_link":
            self._respond(connection, pdu, "enquire_link_resp")
        elif command == "unbind":
            self._respond(connection, pdu, "unbind_resp")
            return False
        elif command == "deliver_sm_resp":
            with self._lock:
                self.receipt_answers.append(pdu.status)
        elif command in ("enquire_link_resp", "generic_nack"):
            pass
        else:
            self._respond(connection, pdu, "generic_nack", status=consts.SMPP_ESME_RINVCMDID)
        return True

    def _submit(self, connection: _Connection, pdu: Any) -> dict[str, Any]:
        if connection.mode not in ("TX", "TRX"):
            return {"status": consts.SMPP_ESME_RINVBNDSTS}
        destination = pdu.destination_addr.decode()
        with self._lock:
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return {"status": consts.SMPP_ESME_RTHROTTLED}
            if destination in self.refuse:
                return {"status": self.refuse[destination]}
            message_id = f"{next(self._ids):X}"
            submitted = Submitted(
                message_id=message_id,
                source=pdu.source_addr.decode(),
                destination=destination,
                source_ton=pdu.source_addr_ton or 0,
                destination_ton=pdu.dest_addr_ton or 0,
                destination_npi=pdu.dest_addr_npi or 0,
                data_coding=pdu.data_coding or 0,
                esm_class=pdu.esm_class or 0,
                registered_delivery=pdu.registered_delivery or 0,
                short_message=pdu.short_message or b"",
            )
            self.submitted.append(submitted)
            if submitted.registered_delivery & consts.SMPP_SMSC_DELIVERY_RECEIPT_BITMASK:
                state = self.receipt_states.get(destination, "DELIVRD")
                self._receipts.append(
                    _Receipt(submitted, state, time.monotonic() + self.receipt_delay)
                )
        return {"message_id": message_id}

    def _postman(self) -> None:
        """Deliver due receipts to a receiving session (a receiver first, else a transceiver)."""
        while not self._stopped.wait(0.02):
            with self._lock:
                due = [r for r in self._receipts if r.due <= time.monotonic()]
                receivers = [c for c in self._connections if c.mode == "RX"] or [
                    c for c in self._connections if c.mode == "TRX"
                ]
            if not due or not receivers:
                continue
            for receipt in due:
                try:
                    receivers[0].send(_receipt_pdu(receivers[0].sequence, receipt))
                except OSError:
                    break
                with self._lock:
                    self._receipts.remove(receipt)
                    self.receipts_sent.append(receipt.submitted.message_id)


MESSAGE_STATES = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5, "REJECTD": 8}


def _receipt_pdu(sequence: _Sequence, receipt: _Receipt) -> Any:
    sm = receipt.submitted
    stamp = datetime.now().strftime("%y%m%d%H%M")  # noqa: DTZ005 -- an SMSC's local time
    error = "000" if receipt.state == "DELIVRD" else "001"
    text = (
        f"id:{sm.message_id} sub:001 dlvrd:{'001' if receipt.state == 'DELIVRD' else '000'} "
        f"submit date:{stamp} done date:{stamp} stat:{receipt.state} err:{error} text:"
    )
    return smpplib.smpp.make_pdu(
        "deliver_sm",
        client=sequence,
        source_addr_ton=sm.destination_ton,
        source_addr_npi=sm.destination_npi,
        source_addr=sm.destination,
        dest_addr_ton=sm.source_ton,
        dest_addr_npi=sm.destination_npi,
        destination_addr=sm.source,
        esm_class=0x04,  # SMSC delivery receipt
        data_coding=0,
        short_message=text.encode("ascii"),
        receipted_message_id=sm.message_id,
        message_state=MESSAGE_STATES.get(receipt.state, 7),
    )


def _decode(sm: Submitted) -> str:
    if sm.data_coding == 8:
        return sm.short_message.decode("utf-16-be")
    return sm.short_message.decode("latin-1")


@contextlib.contextmanager
def fake_smsc(**options: Any) -> Iterator[FakeSmsc]:
    smsc = FakeSmsc(**options).start()
    try:
        yield smsc
    finally:
        smsc.stop()
