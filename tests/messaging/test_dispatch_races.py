"""Two workers dispatching at the same moment, each on its own database connection."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from sangdam.accounts.audit import Actor
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.gateways.base import Accepted, OutgoingMessage
from sangdam.messaging.models import Message, MessagingSettings
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft

pytestmark = pytest.mark.django_db(transaction=True)


class SlowGateway:
    """Records every hand-over; a little slow, so the two workers overlap."""

    supports_mms = True
    lock = threading.Lock()
    received: list[str] = []

    def send(self, message: OutgoingMessage) -> Accepted:
        time.sleep(0.002)
        with self.lock:
            self.received.append(message.to)
        return Accepted()

    def close(self) -> None:
        pass


def test_two_workers_never_send_the_same_message_twice(organization, agent, monkeypatch):
    # No dispatch at commit: the two workers below are the only ones.
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")
    with tenant_scope(organization):
        sending.send_messages(
            actor=Actor(agent, "127.0.0.1"),
            draft=Draft([Recipient(f"010-6666-{n:04d}") for n in range(120)], "안내"),
            gateway_supports_mms=True,
        )
    SlowGateway.received = []
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            sending.dispatch_due(gateway=SlowGateway(), batch=10, budget=30)
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(SlowGateway.received) == 120
    assert len(set(SlowGateway.received)) == 120
    assert Message.all_objects.filter(state="SENT").count() == 120
