from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.models import Message
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft
from sangdam.messaging.worker import start_due_dispatch


def test_the_clock_starts_a_dispatch_when_a_scheduled_message_falls_due(
    actor, sender_settings, scoped, outbox
):
    at = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    at -= dt.timedelta(minutes=at.minute % 5)
    sending.send_messages(
        actor=actor,
        draft=Draft([Recipient("010-3333-0001")], "예약 안내", scheduled_at=at),
        gateway_supports_mms=True,
    )
    assert start_due_dispatch() is False
    assert outbox.outbox == []
    with time_machine.travel(at + dt.timedelta(seconds=5)):
        assert start_due_dispatch() is True
    assert [m.body for m in outbox.outbox] == ["예약 안내"]
    assert Message.objects.get().state == MessageState.SENT
