"""SMPP 3.4 straight to a carrier's or an aggregator's SMS centre (SMSC), with smpplib.

Sending: ``SmppGateway`` binds one transceiver session per dispatch batch, submits each
message (``submit_sm``) with a delivery receipt requested and returns the SMSC's message ID.
Korean text goes as UCS-2 (``data_coding=8``); a message longer than one SMS is split into
concatenated parts (a UDH per part) by ``smpplib.gsm.make_parts``. MMS cannot go over SMPP
(``supports_mms = False``).

Delivery receipts come back later as ``deliver_sm`` PDUs, on whichever of our sessions is
bound to receive when the handset answers: often long after ``send()`` returned. So besides
the receipts read during a batch, the worker process keeps a receiver session open
(``listen_for_receipts``, started by ``sangdam.messaging.receipts``). Both hand each receipt,
parsed into a ``DeliveryReport``, to a callback.

Address numbering (TON/NPI): our numbers are national digits as dialled in Korea
("01012345678", sender "0215880000" or "15880000"). With their trunk prefix "0" they are not
"national numbers" in the E.164 sense, so we send them as dialled: TON 0 (unknown), NPI 1
(ISDN/E.164), which a domestic SMSC interprets like its own subscribers dialling. An
aggregator that wants international format ("821012345678", TON 1) can be configured with
``address_ton``/``international_prefix`` options.
"""

from __future__ import annotations

import contextlib
import logging
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp
from django.utils import timezone

from sangdam.messaging.gateways.base import (
    Accepted,
    DeliveryReport,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)

logger = logging.getLogger(__name__)

ReceiptHandler = Callable[[DeliveryReport], object]

C = smpplib.consts
# Statuses that say "not now" rather than "never": the message waits and is tried again.
TRANSIENT_STATUSES = frozenset(
    {
        C.SMPP_ESME_RTHROTTLED,  # over our rate
        C.SMPP_ESME_RMSGQFUL,  # the SMSC's queue is full
        C.SMPP_ESME_RSYSERR,  # the SMSC's own trouble
        C.SMPP_ESME_RX_T_APPN,  # "temporary application error"
        C.SMPP_ESME_RINVBNDSTS,  # our session is not bound (any more): bind again
    }
)
TON_UNKNOWN = C.SMPP_TON_UNK
TON_INTERNATIONAL = C.SMPP_TON_INTL
NPI_ISDN = C.SMPP_NPI_ISDN
UCS2 = C.SMPP_ENCODING_ISO10646
RECEIPT_REQUESTED = C.SMPP_SMSC_DELIVERY_RECEIPT_BOTH  # on delivery and on final failure
# esm_class bits 2-5 give the message type of a deliver_sm.
ESM_TYPE_MASK = 0x3C
ESM_DELIVERY_RECEIPT = 0x04
ESM_INTERMEDIATE_NOTIFICATION = 0x20

# A receipt's ``stat:`` (SMPP 3.4 appendix B) and the message_state TLV (5.3.2.35).
RECEIPT_STATES: dict[str, tuple[bool | None, str]] = {
    "DELIVRD": (True, "delivered"),
    "EXPIRED": (False, "expired: the handset stayed unreachable"),
    "DELETED": (False, "deleted at the SMSC"),
    "UNDELIV": (False, "undeliverable"),
    "REJECTD": (False, "rejected by the SMSC"),
    "ACCEPTD": (None, "accepted by the SMSC"),
    "ENROUTE": (None, "en route"),
    "UNKNOWN": (None, "state unknown"),
}
MESSAGE_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}
RECEIPT_ID = re.compile(r"\bid:(\S+)", re.IGNORECASE)
RECEIPT_STAT = re.compile(r"\bstat:(\w+)", re.IGNORECASE)
RECEIPT_ERR = re.compile(r"\berr:(\w+)", re.IGNORECASE)


def status_text(status: int) -> str:
    description = C.DESCRIPTIONS.get(status, "unknown status")
    return f"SMSC status 0x{status:08X}: {description}"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1").rstrip("\x00")
    return "" if value is None else str(value)


def parse_receipt(pdu: Any, *, now: datetime | None = None) -> DeliveryReport | None:
    """The delivery report a ``deliver_sm`` carries, or None when it is no receipt.

    The SMSC's message ID comes from the ``receipted_message_id`` TLV or the receipt text's
    ``id:``; the outcome from the ``message_state`` TLV or the text's ``stat:``.
    """
    kind = (pdu.esm_class or 0) & ESM_TYPE_MASK
    if kind not in (ESM_DELIVERY_RECEIPT, ESM_INTERMEDIATE_NOTIFICATION):
        return None
    body = _text(pdu.short_message) or _text(getattr(pdu, "message_payload", None))
    gateway_id = _text(getattr(pdu, "receipted_message_id", None))
    if not gateway_id:
        found = RECEIPT_ID.search(body)
        gateway_id = found.group(1) if found else ""
    if not gateway_id:
        return None
    state = MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0, "")
    if not state:
        found = RECEIPT_STAT.search(body)
        state = found.group(1).upper() if found else "UNKNOWN"
    delivered, label = RECEIPT_STATES.get(state, (None, "state unknown"))
    error = RECEIPT_ERR.search(body)
    reason = f"SMSC: {label} ({state}"
    if error and error.group(1).strip("0"):
        reason += f", err {error.group(1)}"
    reason += ")"
    return DeliveryReport(
        reference="",
        gateway_id=gateway_id,
        delivered=delivered,
        reason=reason,
        # The receipt's "done date" is in the SMSC's unstated local time: our clock is surer.
        at=now or timezone.now(),
    )


class Session:
    """One bound SMPP session over smpplib's client: requests, and what the SMSC sends us.

    Every failure of the link or of the bind raises ``GatewayUnavailable``.
    """

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.timeout = timeout
        self.client = smpplib.client.Client(
            host, port, timeout=timeout, allow_unknown_opt_params=True
        )
        self.last_activity = time.monotonic()

    def bind(self, mode: str, *, system_id: str, password: str, system_type: str) -> None:
        """Connect and bind as ``transceiver``, ``receiver`` or ``transmitter``."""
        try:
            self.client.connect()
            getattr(self.client, f"bind_{mode}")(
                system_id=system_id, password=password, system_type=system_type
            )
        except smpplib.exceptions.PDUError as error:
            self.drop()
            status = error.args[1] if len(error.args) > 1 else 0
            raise GatewayUnavailable(f"SMSC refused the bind: {status_text(status)}") from error
        except (smpplib.exceptions.ConnectionError, OSError) as error:
            self.drop()
            raise GatewayUnavailable(f"SMSC unreachable: {_describe(error)}") from error
        self.last_activity = time.monotonic()

    @property
    def socket(self) -> socket.socket | None:
        found: socket.socket | None = self.client._socket
        return found

    def send(self, pdu: Any) -> None:
        try:
            self.client.send_pdu(pdu)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as error:
            self.drop()
            raise GatewayUnavailable("SMSC connection lost while sending") from error

    def read(self) -> Any:
        try:
            pdu = self.client.read_pdu()
        except TimeoutError as error:
            self.drop()
            raise GatewayUnavailable("SMSC did not answer in time") from error
        except (
            smpplib.exceptions.ConnectionError,
            smpplib.exceptions.PDUError,
            smpplib.exceptions.UnknownCommandError,
            OSError,
        ) as error:
            self.drop()
            raise GatewayUnavailable("SMSC connection lost") from error
        self.last_activity = time.monotonic()
        return pdu

    def make(self, command: str, **fields: Any) -> Any:
        return smpplib.smpp.make_pdu(command, client=self.client, **fields)

    def request(self, pdu: Any, on_receipt: ReceiptHandler) -> Any:
        """Send a request and return its response; receipts arriving meanwhile are handled."""
        self.send(pdu)
        try:
            return self._response(pdu, on_receipt)
        except GatewayUnavailable as error:
            if pdu.command == "submit_sm":
                # The SMSC may have taken it; resending could deliver it twice.
                raise GatewayOutcomeUnknown(error.reason) from error
            raise

    def _response(self, pdu: Any, on_receipt: ReceiptHandler) -> Any:
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self.read()
            if answer.command == "generic_nack" and answer.sequence == pdu.sequence:
                raise GatewayRejected(
                    f"SMSC could not read our request: {status_text(answer.status)}"
                )
            if answer.is_response() and answer.sequence == pdu.sequence:
                return answer
            self.answer(answer, on_receipt)
            if time.monotonic() > deadline:
                self.drop()
                raise GatewayUnavailable("SMSC did not answer in time")

    def answer(self, pdu: Any, on_receipt: ReceiptHandler) -> None:
        """Act on what the SMSC sent of its own accord (receipts, link checks, unbind)."""
        if pdu.command == "deliver_sm":
            status = C.SMPP_ESME_ROK
            report = parse_receipt(pdu)
            if report is None:
                logger.info("Ignored a deliver_sm that is no delivery receipt")
            else:
                try:
                    on_receipt(report)
                except Exception:
                    # Not acknowledged: the SMSC keeps the receipt and delivers it again.
                    logger.exception("Could not record the receipt of %s", report.gateway_id)
                    status = C.SMPP_ESME_RX_T_APPN
            self._reply("deliver_sm_resp", pdu, status=status)
        elif pdu.command == "enquire_link":
            self._reply("enquire_link_resp", pdu)
        elif pdu.command == "unbind":
            self._reply("unbind_resp", pdu)
            self.drop()
            raise GatewayUnavailable("SMSC closed the session")
        elif not pdu.is_response():
            self._reply("generic_nack", pdu, status=C.SMPP_ESME_RINVCMDID)

    def _reply(self, command: str, request: Any, **fields: Any) -> None:
        response = self.make(command, **fields)
        response.sequence = request.sequence
        self.send(response)

    def enquire_link(self, on_receipt: ReceiptHandler) -> None:
        self.request(self.make("enquire_link"), on_receipt)

    def unbind(self, on_receipt: ReceiptHandler) -> None:
        """Unbind politely (handling receipts that still arrive), then disconnect."""
        if self.socket is None:
            return
        try:
            self.request(self.make("unbind"), on_receipt)
        except (GatewayUnavailable, GatewayRejected):
            pass
        finally:
            self.drop()

    def drop(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(OSError):
                self.client._socket.close()
            self.client._socket = None
        self.client.state = C.SMPP_CLIENT_STATE_CLOSED


def _describe(error: BaseException) -> str:
    # smpplib wraps every socket error in its own ConnectionError("Connection refused").
    cause = error.__cause__ or error.__context__ or error
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, TimeoutError):
        return "no answer in time"
    if isinstance(cause, ConnectionResetError):
        return "connection reset"
    return str(cause) or type(cause).__name__


def _record_report(report: DeliveryReport) -> object:
    # The sending service's own handler, which keeps receipts that overtake their message.
    from sangdam.messaging.receipts import accept_report  # noqa: PLC0415 -- layers: it uses us

    return accept_report(report)


class SmppGateway:
    """Submits messages over one transceiver session, bound on first use, unbound on close."""

    supports_mms = False

    def __init__(
        self,
        host: str,
        port: int,
        system_id: str,
        password: str,
        system_type: str = "",
        timeout: float = 10.0,
        *,
        address_ton: int = TON_UNKNOWN,
        address_npi: int = NPI_ISDN,
        international_prefix: str = "",
        on_receipt: ReceiptHandler | None = None,
        **options: object,
    ) -> None:
        self.host = host
        self.port = int(port)
        self.system_id = system_id
        self.password = password
        self.system_type = system_type
        self.timeout = timeout
        self.address_ton = address_ton
        self.address_npi = address_npi
        # E.g. "82": "01012345678" goes as "821012345678" (with address_ton=1).
        self.international_prefix = international_prefix
        self.on_receipt: ReceiptHandler = on_receipt or _record_report
        self._session: Session | None = None

    def address(self, digits: str) -> str:
        if self.international_prefix and digits.startswith("0"):
            return self.international_prefix + digits[1:]
        return digits

    def session(self) -> Session:
        if self._session is None or self._session.socket is None:
            session = Session(self.host, self.port, self.timeout)
            session.bind(
                "transceiver",
                system_id=self.system_id,
                password=self.password,
                system_type=self.system_type,
            )
            self._session = session
        return self._session

    def send(self, message: OutgoingMessage) -> Accepted:
        if message.kind == "MMS" or message.image:
            raise GatewayRejected("SMPP cannot send MMS (an image)")
        text = f"{message.title.strip()}\n{message.body}" if message.title.strip() else message.body
        parts, coding, esm_class = smpplib.gsm.make_parts(text, encoding=UCS2)
        session = self.session()
        ids: list[str] = []
        for number, part in enumerate(parts):
            pdu = session.make(
                "submit_sm",
                source_addr_ton=self.address_ton,
                source_addr_npi=self.address_npi,
                source_addr=self.address(message.sender),
                dest_addr_ton=self.address_ton,
                dest_addr_npi=self.address_npi,
                destination_addr=self.address(message.to),
                short_message=part,
                data_coding=coding,
                esm_class=esm_class,
                # A receipt for the first part only: its ID is the one we keep (gateway_id),
                # receipts of the other parts would quote IDs nothing refers to.
                registered_delivery=RECEIPT_REQUESTED if number == 0 else 0,
            )
            response = session.request(pdu, self.on_receipt)
            if response.status != C.SMPP_ESME_ROK:
                reason = status_text(response.status)
                if len(parts) > 1:
                    reason = f"part {number + 1} of {len(parts)}: {reason}"
                if response.status in TRANSIENT_STATUSES:
                    raise GatewayUnavailable(reason)
                raise GatewayRejected(reason)
            ids.append(_text(response.message_id))
        # The first part's ID names the message (its receipt was the one requested).
        return Accepted(gateway_id=ids[0])

    def close(self) -> None:
        if self._session is not None:
            self._session.unbind(self.on_receipt)
            self._session = None


def listen_for_receipts(
    stop: threading.Event,
    *,
    host: str,
    port: int,
    system_id: str,
    password: str,
    system_type: str = "",
    on_receipt: ReceiptHandler,
    on_idle: Callable[[], object] | None = None,
    timeout: float = 10.0,
    enquire_every: float = 30.0,
    poll_every: float = 0.5,
    reconnect_delays: Iterable[float] = (1, 2, 5, 10, 30, 60),
    **options: object,
) -> None:
    """Keep a receiver session bound and hand every receipt to ``on_receipt`` until ``stop``.

    Reconnects (waiting longer each time) when the SMSC is down or drops us; checks the link
    with ``enquire_link`` when it has been quiet; calls ``on_idle`` every ``poll_every``
    seconds. Unbinds when stopped.
    """
    delays = list(reconnect_delays) or [1.0]
    failures = 0
    while not stop.is_set():
        session = Session(host, int(port), timeout)
        try:
            session.bind(
                "receiver", system_id=system_id, password=password, system_type=system_type
            )
            logger.info("Listening for SMPP delivery receipts from %s:%s", host, port)
            failures = 0
            _serve(session, stop, on_receipt, on_idle, enquire_every, poll_every)
        except GatewayUnavailable as error:
            logger.warning("SMPP receipt listener: %s", error.reason)
        finally:
            session.unbind(on_receipt)
        if stop.is_set():
            break
        stop.wait(delays[min(failures, len(delays) - 1)])
        failures += 1


def _serve(
    session: Session,
    stop: threading.Event,
    on_receipt: ReceiptHandler,
    on_idle: Callable[[], object] | None,
    enquire_every: float,
    poll_every: float,
) -> None:
    while not stop.is_set():
        link = session.socket
        if link is None:
            raise GatewayUnavailable("SMSC connection lost")
        readable, _w, _x = select.select([link], [], [], poll_every)
        if readable:
            session.answer(session.read(), on_receipt)
        elif time.monotonic() - session.last_activity > enquire_every:
            session.enquire_link(on_receipt)
        if on_idle is not None:
            on_idle()
