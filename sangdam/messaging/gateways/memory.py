"""A gateway that keeps messages in memory, like Django's locmem e-mail backend (tests only).

``MemoryGateway.outbox`` lists what was sent; ``fail_next`` makes the next sends raise, to test
retries. It is a fake for unit tests; the integration tests talk to a real Kannel.
"""

from __future__ import annotations

import itertools
from typing import ClassVar

from sangdam.messaging.gateways.base import (
    Accepted,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)

_ids = itertools.count(1)


class MemoryGateway:
    supports_mms = True
    outbox: ClassVar[list[OutgoingMessage]] = []
    # Each entry is raised by one send: a GatewayUnavailable or a GatewayRejected.
    fail_next: ClassVar[list[GatewayUnavailable | GatewayRejected]] = []

    def __init__(self, **options: object) -> None:
        pass

    def send(self, message: OutgoingMessage) -> Accepted:
        if MemoryGateway.fail_next:
            raise MemoryGateway.fail_next.pop(0)
        MemoryGateway.outbox.append(message)
        return Accepted(f"mem-{next(_ids)}")

    def close(self) -> None:
        pass

    @classmethod
    def reset(cls) -> None:
        cls.outbox.clear()
        cls.fail_next.clear()
