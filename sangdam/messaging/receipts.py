"""Delivery receipts that arrive on their own: the SMPP listener of the worker process.

With the ``smpp`` backend, the SMS centre sends each delivery receipt (``deliver_sm``) to a
session of ours bound to receive, whenever the handset answers: hours after the send, maybe.
``sangdam worker`` therefore runs ``run_smpp_listener`` as a background loop (registered here,
at import, by the app's ``ready()``), which keeps a receiver session bound and applies every
receipt with ``sending.record_delivery_report``.

A receipt quotes only the SMSC's message ID, which the dispatcher stores just after
``send()`` returns; a receipt that overtakes it waits in ``inbox`` and is tried again for a
few minutes. A receipt that cannot be recorded (the database is down) is refused, and the SMSC
delivers it again later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections

from sangdam.core.worker import background
from sangdam.messaging.gateways import ALIASES
from sangdam.messaging.gateways.base import DeliveryReport
from sangdam.messaging.gateways.smpp import listen_for_receipts
from sangdam.messaging.sending import record_delivery_report

logger = logging.getLogger(__name__)

KEEP_UNMATCHED_SECONDS = 300.0


@dataclass
class _Waiting:
    report: DeliveryReport
    until: float


class ReceiptInbox:
    """Applies receipts; keeps the ones naming no message yet and tries them again."""

    def __init__(
        self,
        keep_for: float = KEEP_UNMATCHED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        record: Callable[[DeliveryReport], bool] = record_delivery_report,
    ) -> None:
        self.keep_for = keep_for
        self.clock = clock
        self.record = record
        self._waiting: list[_Waiting] = []
        self._lock = threading.Lock()

    def accept(self, report: DeliveryReport) -> bool:
        """Apply a receipt now if its message is known; otherwise keep it for a while.

        :raises DatabaseError: when it cannot be recorded now; the SMPP session then refuses
            the receipt (``ESME_RX_T_APPN``) and the SMSC delivers it again later.
        """
        if self.record(report):
            return True
        with self._lock:
            self._waiting.append(_Waiting(report, self.clock() + self.keep_for))
        return False

    def retry(self) -> None:
        """Try the kept receipts again; forget those kept too long (logged)."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
        now = self.clock()
        keep = []
        for item in waiting:
            if self._apply(item.report):
                continue
            if now < item.until:
                keep.append(item)
            else:
                logger.info(
                    "Dropped a delivery receipt for unknown SMSC message %s (%s)",
                    item.report.gateway_id,
                    item.report.reason,
                )
        with self._lock:
            self._waiting[:0] = keep

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def _apply(self, report: DeliveryReport) -> bool:
        try:
            return self.record(report)
        except DatabaseError:
            logger.warning("Could not record a delivery receipt now; trying again", exc_info=True)
            return False


inbox = ReceiptInbox()


def accept_report(report: DeliveryReport) -> bool:
    """What ``SmppGateway`` does with a receipt it reads while sending."""
    return inbox.accept(report)


def smpp_in_use() -> bool:
    backend = settings.SANGDAM_SMS_BACKEND
    return ALIASES.get(backend, backend) == ALIASES["smpp"]


def run_smpp_listener(stop: threading.Event) -> None:
    """The worker's receipt listener; returns at once unless the SMPP backend is configured."""
    if not smpp_in_use():
        return

    def idle() -> None:
        inbox.retry()
        close_old_connections()  # a long-lived thread: drop connections past their age

    listen_for_receipts(stop, **settings.SANGDAM_SMS_OPTIONS, on_receipt=inbox.accept, on_idle=idle)


background("smpp-receipts", run_smpp_listener)
