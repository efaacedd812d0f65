"""KannelGateway against a real Kannel (bearerbox + smsbox + fakesmsc) on loopback.

The delivery reports travel the real way back: Kannel's fake SMS centre reports each message
delivered, smsbox calls the dlr-url, our report view (served by pytest-django's live server)
applies it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.base import (
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)
from sangdam.messaging.gateways.kannel import KannelGateway
from sangdam.messaging.models import Message, MessagingSettings, SendJob
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft
from tests.factories import make_organization, make_user
from tests.messaging.kannel_peer import KannelPeer, kannel_peer

REPORT_PATH = "/messaging/reports/kannel"


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KannelPeer]:
    with kannel_peer(tmp_path_factory.mktemp("kannel")) as peer:
        yield peer


def outgoing(to: str, body: str, *, kind: str = "SMS", title: str = "") -> OutgoingMessage:
    return OutgoingMessage(
        reference="1", to=to, sender="0215880000", kind=kind, title=title, body=body
    )


def wait_for_state(message: Message, state: str, timeout: float = 5.0) -> Message:
    deadline = time.monotonic() + timeout
    while True:
        message.refresh_from_db()
        if message.state == state or time.monotonic() > deadline:
            return message
        time.sleep(0.05)


def test_a_korean_sms_reaches_the_handset_with_the_exact_text(kannel):
    text = "홍길동님, 주문하신 상품이 오늘 도착합니다 (문의 02-1588-0000)"
    kannel.gateway().send(outgoing("01020000001", text))
    [received] = kannel.wait_for("01020000001")
    assert (received.sender, received.text, received.parts) == ("0215880000", text, 1)


def test_a_long_lms_arrives_whole_with_its_title_on_the_first_line(kannel):
    body = "입주 안내\n" + "관리사무소에서 알려드립니다. 엘리베이터 점검이 있습니다. " * 12
    assert len(body.encode("cp949")) > 80
    kannel.gateway().send(outgoing("01020000002", body, kind="LMS", title="[공지] 점검"))
    [received] = kannel.wait_for("01020000002")
    assert received.text == "[공지] 점검\n" + body
    assert received.parts > 1, kannel.logs()


def test_mms_is_refused_for_good_before_kannel_is_asked(kannel):
    message = OutgoingMessage("1", "01020000003", "0215880000", "MMS", "", "사진", b"\xff\xd8")
    with pytest.raises(GatewayRejected):
        kannel.gateway().send(message)
    assert KannelGateway.supports_mms is False


@pytest.fixture
def organization_with_sender(transactional_db: None) -> Organization:
    organization = make_organization(service_name="kannel", name="카넬", licensed_agents=3)
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")
    return organization


@pytest.fixture
def kannel_actor(organization_with_sender: Organization) -> Actor:
    user = make_user(organization=organization_with_sender, username="agent9", name="박상담")
    return Actor(user, "127.0.0.1")


def send_job(
    actor: Actor, numbers: list[str], body: str, names: list[str] | None = None
) -> SendJob:
    assert actor.user.organization is not None
    recipients = [
        Recipient(n, name) for n, name in zip(numbers, names or [""] * len(numbers), strict=True)
    ]
    with tenant_scope(actor.user.organization):
        return sending.send_messages(
            actor=actor,
            draft=Draft(recipients, body),
            gateway_supports_mms=False,
        )


def test_send_dispatch_report_each_recipient_once_then_delivered(
    kannel, kannel_actor, live_server, monkeypatch
):
    # The worker below is the only dispatcher (no task at commit).
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    numbers = ["01030000001", "01030000002", "01030000003"]
    names = ["김하나", "이두리", "박세나"]
    job = send_job(kannel_actor, numbers, "{고객명}님, 상담 예약이 확정되었습니다.", names)
    gateway = kannel.gateway(report_url=live_server.url + REPORT_PATH)
    summary = sending.dispatch_due(gateway=gateway)
    assert (summary.sent, summary.failed) == (3, 0)
    for number, name in zip(numbers, names, strict=True):
        received = kannel.wait_for(number)
        assert [r.text for r in received] == [f"{name}님, 상담 예약이 확정되었습니다."]
    for message in Message.all_objects.filter(job=job):
        assert wait_for_state(message, MessageState.DELIVERED).state == MessageState.DELIVERED
        assert message.reported_at is not None
    # Nothing is sent twice: a second worker run finds nothing due.
    assert sending.dispatch_due(gateway=gateway).sent == 0
    time.sleep(0.3)
    assert sorted(r.to for r in kannel.received() if r.to in numbers) == numbers


def test_the_settings_choose_kannel_and_the_task_sends_through_it(
    kannel, kannel_actor, live_server, settings
):
    settings.SANGDAM_SMS_BACKEND = "kannel"
    settings.SANGDAM_SMS_OPTIONS = {
        "url": kannel.sendsms_url,
        "username": kannel.username,
        "password": kannel.password,
        "report_url": live_server.url + REPORT_PATH,
    }
    # Committed at once (transactional test): the queued task dispatches through Kannel.
    job = send_job(kannel_actor, ["01030000009"], "예약 알림입니다")
    [received] = kannel.wait_for("01030000009")
    assert received.text == "예약 알림입니다"
    message = wait_for_state(Message.all_objects.get(job=job), MessageState.DELIVERED)
    assert message.state == MessageState.DELIVERED


def test_a_stopped_bearerbox_leaves_messages_queued_with_the_reason(
    tmp_path, kannel_actor, monkeypatch
):
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    with kannel_peer(tmp_path) as peer:
        gateway = peer.gateway()
        gateway.send(outgoing("01040000001", "before"))
        assert [r.text for r in peer.wait_for("01040000001")] == ["before"]
        peer.stop_bearerbox()
        with pytest.raises(GatewayUnavailable) as raised:
            gateway.send(outgoing("01040000001", "after"))
        assert raised.value.reason == "Kannel unreachable: connection refused"

        job = send_job(kannel_actor, ["01040000002", "01040000003"], "점검 안내")
        now = timezone.now()
        summary = sending.dispatch_due(gateway=gateway, now=now)
    assert summary.sent == 0
    assert summary.retry_at == now + dt.timedelta(seconds=30)
    waiting = Message.all_objects.filter(job=job)
    assert {(m.state, m.reason, m.due_at) for m in waiting} == {
        (MessageState.QUEUED, "Kannel unreachable: connection refused", summary.retry_at)
    }
