"""The interface every SMS gateway implements, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as a gateway needs it; numbers are national digits ("01012345678")."""

    reference: str  # ours, unique per message; delivery reports that quote it find the message
    to: str
    sender: str
    kind: str  # "SMS", "LMS" or "MMS"
    title: str
    body: str
    image: bytes | None = None
    image_name: str = ""


@dataclass(frozen=True)
class Accepted:
    """The gateway took the message; ``gateway_id`` is the ID its delivery reports will quote."""

    gateway_id: str = ""


@dataclass(frozen=True)
class DeliveryReport:
    """What a gateway learned later about a message it accepted.

    ``reference`` (ours) or ``gateway_id`` (its) names the message. ``delivered`` is True for a
    handset delivery, False for a final failure, None for an intermediate report (queued at the
    SMSC, handed to the SMSC) that changes nothing final.
    """

    reference: str
    gateway_id: str
    delivered: bool | None
    reason: str
    at: datetime


class GatewayUnavailable(Exception):
    """The gateway could not take the message now (down, refused, throttled): retry later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GatewayOutcomeUnknown(Exception):
    """The message went out but no answer came (a timeout after sending): the gateway may or
    may not have taken it. Never retried, so that nobody gets it twice (decision 0008)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GatewayRejected(Exception):
    """The gateway refused this message for good (bad number, unsupported type): do not retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Gateway(Protocol):
    # Carriers' MMS needs an MMS-capable interface; SMS-only gateways say so and the composer
    # refuses images instead of sending them as something else.
    supports_mms: bool

    def send(self, message: OutgoingMessage) -> Accepted:
        """Hand one message over.

        :raises GatewayUnavailable: when it may succeed later.
        :raises GatewayRejected: when it never will.
        :raises GatewayOutcomeUnknown: when it was sent but not answered.
        """
        ...

    def close(self) -> None:
        """Release connections; called after each batch."""
        ...
