"""예약 문자 관리 (CC-85, G-CC-07): reservations are listed, ticked and cancelled until sent."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import Message, MessagingSettings
from tests.conftest import ClientOf
from tests.messaging.sms_admin import audited, english_client, send

URL = reverse("messaging:scheduled")
CANCEL = reverse("messaging:scheduled-cancel")

pytestmark = pytest.mark.usefixtures("scoped", "sender_settings")


@pytest.fixture
def web(client_of: ClientOf, admin: User) -> Client:
    return english_client(client_of, admin)


@pytest.fixture
def at() -> dt.datetime:
    """A valid reservation time: on the hour, one to two hours ahead."""
    return (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)


def reserve(actor: Actor, at: dt.datetime, *numbers: str, **fields: Any) -> Message:
    job = send(actor, *numbers, scheduled_at=at, **fields)
    return Message.objects.filter(job=job).earliest("pk")


def state(message: Message) -> str:
    return Message.all_objects.get(pk=message.pk).state


def test_reserve_two_cancel_one_and_only_the_other_is_sent_at_its_time(
    web: Client, actor: Actor, at: dt.datetime, outbox: type[MemoryGateway]
) -> None:
    kept = reserve(actor, at, "010-1000-0001", body="내일 점검 안내")
    dropped = reserve(actor, at, "010-1000-0002", body="취소할 안내")

    response = web.post(CANCEL, {"ids": [str(dropped.pk)]}, follow=True)
    early = sending.dispatch_due(gateway=MemoryGateway(), now=at - dt.timedelta(minutes=1))
    due = sending.dispatch_due(gateway=MemoryGateway(), now=at + dt.timedelta(seconds=1))

    assert "1 scheduled message was cancelled." in response.content.decode()
    assert (early.sent, due.sent) == (0, 1)
    assert [(sent.to, sent.body) for sent in outbox.outbox] == [("01010000001", "내일 점검 안내")]
    assert (state(kept), state(dropped)) == (MessageState.SENT, MessageState.CANCELLED)
    assert audited(WorkScreen.SMS_HISTORY, WorkAction.DELETE) == [f"cancel scheduled: {dropped.pk}"]


def test_the_list_groups_messages_under_their_job(
    web: Client, actor: Actor, at: dt.datetime
) -> None:
    first = reserve(actor, at, "010-1000-0001", "010-1000-0002", body="단지 공지")
    later = reserve(actor, at + dt.timedelta(hours=1), "010-2000-0001", body="주차 공지")
    send(actor, "010-3000-0001", body="즉시 전송")

    page = web.get(URL).content.decode()

    jobs = re.findall(r'data-testid="job-(\d+)"', page)
    assert jobs == [str(first.job_id), str(later.job_id)]
    assert page.count('name="ids"') == 3
    assert "단지 공지" in page
    assert "즉시 전송" not in page
    assert "Written by 김상담 (agent1)" in page
    assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M") in page


def test_search_narrows_the_reservations(web: Client, actor: Actor, at: dt.datetime) -> None:
    reserve(actor, at, "010-1000-0001", names={"010-1000-0001": "한가인"})
    reserve(actor, at, "010-2000-0002", names={"010-2000-0002": "조인성"})

    page = web.get(URL, {"query": "한가"}).content.decode()

    assert "한가인" in page
    assert "조인성" not in page


def test_cancelling_a_message_already_sent_is_refused(
    web: Client, actor: Actor, at: dt.datetime
) -> None:
    message = reserve(actor, at, "010-1000-0001")
    sending.dispatch_due(gateway=MemoryGateway(), now=at + dt.timedelta(seconds=1))

    response = web.post(CANCEL, {"ids": [str(message.pk)]}, follow=True)

    assert (
        "These messages are no longer scheduled: they were sent or cancelled already."
        in response.content.decode()
    )
    assert state(message) == MessageState.SENT


def test_ticking_a_sent_one_among_others_cancels_the_rest_and_says_so(
    web: Client, actor: Actor, at: dt.datetime
) -> None:
    sent = reserve(actor, at, "010-1000-0001")
    sending.dispatch_due(gateway=MemoryGateway(), now=at + dt.timedelta(seconds=1))
    waiting = reserve(actor, at + dt.timedelta(hours=1), "010-1000-0002")

    response = web.post(CANCEL, {"ids": [str(sent.pk), str(waiting.pk)]}, follow=True)

    page = response.content.decode()
    assert "1 scheduled message was cancelled." in page
    assert "1 ticked message was no longer scheduled" in page
    assert (state(sent), state(waiting)) == (MessageState.SENT, MessageState.CANCELLED)


def test_cancelling_nothing_ticked_says_so(web: Client) -> None:
    response = web.post(CANCEL, {}, follow=True)

    assert "Tick the scheduled messages to cancel." in response.content.decode()


def test_agents_may_not_manage_reservations(
    client_of: ClientOf, agent: User, actor: Actor, at: dt.datetime
) -> None:
    message = reserve(actor, at, "010-1000-0001")
    web = client_of(agent)

    assert web.get(URL).status_code == 403
    assert web.post(CANCEL, {"ids": [str(message.pk)]}).status_code == 403
    assert state(message) == MessageState.SCHEDULED


def test_another_organizations_reservation_is_neither_shown_nor_cancelled(
    web: Client, other_admin: User, other_organization: Organization, at: dt.datetime
) -> None:
    with tenant_scope(other_organization):
        MessagingSettings.all_objects.create(
            organization=other_organization, sender_number="0215881111"
        )
        theirs = reserve(Actor(other_admin, "127.0.0.1"), at, "010-9000-0001", body="남의 예약")

    page = web.get(URL).content.decode()
    response = web.post(CANCEL, {"ids": [str(theirs.pk)]}, follow=True)

    assert "남의 예약" not in page
    assert "no longer scheduled" in response.content.decode()
    assert state(theirs) == MessageState.SCHEDULED
