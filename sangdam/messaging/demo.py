"""The demo organization's text messages: sender settings, templates, an 080 list and a week of
sends in every state (delivered, failed, opted out, waiting for a report, scheduled).

Loaded after the CRM demo (its residents are the recipients) and replaced on every load, so
"yesterday" and "tomorrow" follow the day it runs. Sends go through ``send_messages`` as an
agent's would; their later states are then set as the gateway's reports would have.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import Customer
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState, OptOutSource
from sangdam.messaging.models import (
    Message,
    MessageTemplate,
    MessagingSettings,
    OptOutNumber,
    SendJob,
)
from sangdam.messaging.recipients import Recipient, as_recipients, residents

SENDER = "15880000"
OPT_OUT_LINE = "0805000000"
TEMPLATES = (
    (
        "정기 점검 안내",
        "{고객명}님 안녕하세요. 관리사무소입니다. {오늘날짜} 오전 10시부터 12시까지 "
        "엘리베이터 정기 점검이 있어 운행이 중지됩니다. 이용에 참고 부탁드립니다.",
    ),
    ("관리비 납부 안내", "{고객명}님, 이번 달 관리비 납부 마감은 25일입니다. 감사합니다."),
    ("방문 예약 확인", "{고객명}님, 요청하신 방문 점검이 {오늘날짜}로 예약되었습니다."),
    (
        "입주민 행사 (광고)",
        "(광고)래미안 센트럴 관리사무소\n이번 주말 단지 내 장터가 열립니다. 많은 참여 바랍니다.\n"
        "무료거부 080-500-0000",
    ),
)


@transaction.atomic
def load_demo(out: Any) -> None:
    demo = Organization.objects.filter(service_name="demo").first()
    users = {
        u.username: u
        for u in User.all_objects.filter(
            organization=demo, username__in=["admin", "agent1", "agent2"], deleted_at__isnull=True
        )
    }
    if demo is None or len(users) != 3:
        out.write("Demo messaging skipped: the demo organization or its accounts are missing.")
        return
    with translation.override("ko"), tenant_scope(demo):
        _clear(demo)
        jobs = _build(demo, users, timezone.now())
    out.write(f"Demo messaging: {len(TEMPLATES)} templates, {jobs} send jobs in demo.")


def _clear(organization: Organization) -> None:
    Message.all_objects.filter(organization=organization).delete()
    SendJob.all_objects.filter(organization=organization).delete()
    MessageTemplate.all_objects.filter(organization=organization).delete()
    OptOutNumber.all_objects.filter(organization=organization).delete()
    MessagingSettings.all_objects.filter(organization=organization).delete()


def _build(organization: Organization, users: dict[str, User], now: dt.datetime) -> int:
    MessagingSettings.all_objects.create(
        organization=organization,
        sender_number=SENDER,
        sender_name="래미안 센트럴 관리사무소",
        opt_out_number=OPT_OUT_LINE,
    )
    MessageTemplate.all_objects.bulk_create(
        MessageTemplate(organization=organization, title=title, body=body)
        for title, body in TEMPLATES
    )
    rng = random.Random(6)  # noqa: S311 -- demo data, not secrets
    # One resident called the 080 line: on the list, and their customer flag ticked.
    listed = Customer.objects.filter(sms_opt_out=False).exclude(mobile="").order_by("pk")[7]
    Customer.objects.filter(pk=listed.pk).update(sms_opt_out=True)
    OptOutNumber.all_objects.bulk_create(
        OptOutNumber(organization=organization, phone=phone, source=source)
        for phone, source in (
            (listed.mobile, OptOutSource.CALL_080),
            ("01098765432", OptOutSource.CALL_080),
            ("01055501234", OptOutSource.MANUAL),
        )
    )
    agent1 = Actor(users["agent1"], "127.0.0.1")
    admin = Actor(users["admin"], "127.0.0.1")
    jobs = 0

    def send(
        actor: Actor, recipients: list[Recipient], body: str, at: dt.datetime, **more: Any
    ) -> SendJob:
        nonlocal jobs
        jobs += 1
        return sending.send_messages(
            actor=actor,
            draft=sending.Draft(recipients, body, **more),
            gateway_supports_mms=True,
            now=at,
        )

    block = as_recipients(residents("래미안 센트럴", "101동"))
    inspection = send(
        admin, block, TEMPLATES[0][1], now - dt.timedelta(days=5, hours=3), title="점검 안내"
    )
    _settle(inspection, rng, now - dt.timedelta(days=5, hours=3), failures=1)
    one = as_recipients(residents("푸르지오 더 퍼스트")[:1])
    reply = send(agent1, one, TEMPLATES[2][1], now - dt.timedelta(days=1, hours=2))
    _settle(reply, rng, now - dt.timedelta(days=1, hours=2))
    fee = as_recipients(residents("푸르지오 더 퍼스트", "102동"))
    todays = send(admin, fee, TEMPLATES[1][1], now - dt.timedelta(hours=1))
    _settle(todays, rng, now - dt.timedelta(hours=1), awaiting=3)
    tomorrow = (now + dt.timedelta(days=1)).astimezone(sending.zone_of(organization))
    send(
        admin,
        as_recipients(residents("래미안 센트럴", "102동")),
        TEMPLATES[1][1],
        now,
        scheduled_at=tomorrow.replace(hour=10, minute=0, second=0, microsecond=0),
    )
    return jobs


def _settle(
    job: SendJob, rng: random.Random, at: dt.datetime, *, failures: int = 0, awaiting: int = 0
) -> None:
    """Set the job's messages as the gateway would have left them."""
    waiting = list(Message.objects.filter(job=job, state=MessageState.QUEUED).order_by("pk"))
    for index, message in enumerate(waiting):
        message.attempts = 1
        message.sent_at = at + dt.timedelta(seconds=2 + index)
        message.gateway_id = f"demo-{job.pk}-{index}"
        if index < failures:
            message.state = MessageState.FAILED
            message.reason = "EXPIRED: 단말기 전원 꺼짐"
        elif index >= len(waiting) - awaiting:
            message.state = MessageState.SENT
        else:
            message.state = MessageState.DELIVERED
            message.reported_at = message.sent_at + dt.timedelta(seconds=rng.randint(3, 40))
    Message.objects.bulk_update(
        waiting, ["state", "attempts", "sent_at", "gateway_id", "reason", "reported_at"]
    )
