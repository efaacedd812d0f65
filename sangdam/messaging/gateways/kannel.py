"""Kannel's HTTP sendsms interface, and the delivery reports Kannel calls back with.

Kannel (https://www.kannel.org/, Debian package ``kannel``) runs next to us: its bearerbox
holds the connection to the carrier's SMSC (SMPP, CIMD, EMI…), its smsbox answers
``/cgi-bin/sendsms``. We send each message with one HTTP GET and ask for delivery reports
(``dlr-mask``); smsbox then calls our ``dlr-url`` with the outcome, which the view in
``views_reports`` applies. The message's reference travels in that URL, signed, so that nobody
but Kannel (who got the URL from us) can report on a message.

Kannel's sendsms carries SMS only: an LMS goes as one long concatenated SMS (its title as the
first line), and MMS cannot be sent (``supports_mms = False``).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.core import signing

from sangdam.messaging.gateways.base import (
    Accepted,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)

REPORT_SALT = "sangdam.messaging.sms-report"

# Kannel's DLR types (the ``%d`` escape), also the bits of ``dlr-mask``.
DLR_DELIVERED = 1  # delivered to the handset
DLR_FAILED = 2  # the handset could not be reached (final)
DLR_QUEUED = 4  # buffered at the SMSC, will be retried there
DLR_SMSC_ACCEPTED = 8  # the SMSC took it
DLR_SMSC_REJECTED = 16  # the SMSC refused it (final)
# We ask only for what changes the message: delivered, failed at the handset, refused by the
# SMSC. Types 4 and 8 only confirm the hand-over and would double the callbacks for nothing.
DLR_MASK = DLR_DELIVERED | DLR_FAILED | DLR_SMSC_REJECTED

# Kannel writes UTF-8 text as UCS-2 on the air (coding=2): every Korean message needs it.
CODING_UCS2 = "2"


@dataclass(frozen=True)
class DlrOutcome:
    delivered: bool | None
    reason: str


DLR_LABELS = {
    DLR_DELIVERED: (True, "delivered to the handset"),
    DLR_FAILED: (False, "not delivered to the handset"),
    DLR_QUEUED: (None, "queued at the SMSC"),
    DLR_SMSC_ACCEPTED: (None, "accepted by the SMSC"),
    DLR_SMSC_REJECTED: (False, "rejected by the SMSC"),
}


def sign_reference(reference: str) -> str:
    """Our message reference as it travels in the dlr-url: ``<reference>:<signature>``."""
    return signing.Signer(salt=REPORT_SALT).sign(reference)


def unsign_reference(signed: str) -> str:
    """The reference from a signed one.

    :raises django.core.signing.BadSignature: when it was not signed by us.
    """
    return signing.Signer(salt=REPORT_SALT).unsign(signed)


def dlr_outcome(dlr_type: int, answer: str = "") -> DlrOutcome:
    """What Kannel's DLR type means for the message, with a reason a person can read.

    ``answer`` is Kannel's ``%A``: the SMSC's own words (e.g. ``id:… stat:UNDELIV err:001``).
    An unknown type changes nothing.
    """
    delivered, label = DLR_LABELS.get(dlr_type, (None, f"report type {dlr_type}"))
    answer = " ".join(answer.split())
    reason = f"{label} ({answer})" if answer and delivered is not True else label
    return DlrOutcome(delivered, reason[:300])


def message_text(message: OutgoingMessage) -> str:
    """What the handset shows: an LMS or MMS title becomes the first line."""
    if message.title.strip():
        return f"{message.title.strip()}\n{message.body}"
    return message.body


class KannelGateway:
    """Sends through Kannel's smsbox (``url`` is its ``/cgi-bin/sendsms``).

    ``report_url`` is where Kannel calls back with delivery reports (our
    ``messaging:kannel-report`` view); empty asks for no reports.
    """

    supports_mms = False

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        report_url: str = "",
        timeout: float = 10.0,
        **options: object,
    ) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"The Kannel sendsms URL must be http(s): {url!r}")
        self.url = url
        self.username = username
        self.password = password
        self.report_url = report_url
        self.timeout = timeout
        # Kannel runs next to us: never send its password through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def dlr_url(self, reference: str) -> str:
        """The URL Kannel calls with a report; ``%d`` (type), ``%A`` (SMSC's answer) and ``%T``
        (time) are Kannel's escapes, filled in by smsbox."""
        separator = "&" if urllib.parse.urlsplit(self.report_url).query else "?"
        # The signature is URL-safe base64 and ':' is allowed in a query: nothing here needs
        # escaping, and an escaped '%3A' would be mistaken for a Kannel escape.
        return (
            f"{self.report_url}{separator}ref={sign_reference(reference)}&type=%d&answer=%A&at=%T"
        )

    def query(self, message: OutgoingMessage) -> dict[str, str]:
        params = {
            "username": self.username,
            "password": self.password,
            "from": message.sender,
            "to": message.to,
            "text": message_text(message),
            "coding": CODING_UCS2,
            "charset": "UTF-8",
        }
        if self.report_url:
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = self.dlr_url(message.reference)
        return params

    def send(self, message: OutgoingMessage) -> Accepted:
        if message.kind == "MMS" or message.image:
            raise GatewayRejected("Kannel's sendsms cannot send MMS (an image)")
        address = f"{self.url}?{urllib.parse.urlencode(self.query(message))}"
        try:
            with self._opener.open(address, timeout=self.timeout) as response:
                status = response.status
                answer = _read(response)
        except urllib.error.HTTPError as error:
            status = error.code
            answer = _read(error)
        except TimeoutError as error:
            # urllib wraps what fails before the request is sent in URLError; a bare timeout
            # comes while waiting for the answer, when Kannel may have taken the message.
            raise GatewayOutcomeUnknown("Kannel did not answer in time") from error
        except (urllib.error.URLError, OSError) as error:
            raise GatewayUnavailable(f"Kannel unreachable: {_describe(error)}") from error
        return _outcome(status, answer)

    def close(self) -> None:
        pass


def _read(response: object) -> str:
    try:
        raw = response.read(2000)  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return ""
    text: str = raw.decode("utf-8", "replace").strip()
    return " ".join(text.split())


def _describe(error: BaseException) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(reason) or type(reason).__name__


def _outcome(status: int, answer: str) -> Accepted:
    """Kannel's answer: 202 "0: Accepted for delivery" / "3: Queued for later delivery"."""
    if 200 <= status < 300:
        return Accepted()
    reason = f"Kannel {status}: {answer or 'no explanation'}"[:300]
    # 401/403: our credentials; every message would fail alike until an administrator fixes
    # the settings, so they wait (and say why) instead of failing one by one for good.
    if status >= 500 or status in (401, 403, 408, 429):
        raise GatewayUnavailable(reason)
    raise GatewayRejected(reason)
