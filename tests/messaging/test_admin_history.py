"""문자 내역 관리 (CC-84, CC-80): a year back at most, filtered by type, name or number."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.gateways.base import GatewayRejected
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import Message, MessagingSettings
from sangdam.messaging.sending import Image
from tests.conftest import ClientOf
from tests.crm.crm import make_customer
from tests.messaging.sms_admin import audited, english_client, send

URL = reverse("messaging:history")
EXPORT = reverse("messaging:history-export")
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 1000
LONG = "가" * 41  # 82 bytes: LMS

pytestmark = pytest.mark.usefixtures("scoped", "sender_settings")


@pytest.fixture
def web(client_of: ClientOf, admin: User) -> Client:
    return english_client(client_of, admin)


def listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="message-(\d+)"', page)]


def ids(job_id: int) -> list[int]:
    return list(Message.objects.filter(job_id=job_id).values_list("pk", flat=True))


def test_the_last_week_is_shown_at_first_newest_first(web: Client, actor: Actor) -> None:
    now = timezone.now()
    old = send(actor, "010-1000-0001", now=now - dt.timedelta(days=8))
    week = send(actor, "010-1000-0002", now=now - dt.timedelta(days=6))
    today = send(actor, "010-1000-0003", body="오늘 보낸 문자")

    page = web.get(URL).content.decode()

    assert listed(page) == ids(today.pk) + ids(week.pk)
    assert ids(old.pk)[0] not in listed(page)
    assert "오늘 보낸 문자" in page
    assert "010-1000-0003" in page
    assert "김상담 (agent1)" in page


def test_filtering_by_lms_lists_only_lms(web: Client, actor: Actor) -> None:
    sms = send(actor, "010-1000-0001", body="짧은 문자")
    lms = send(actor, "010-1000-0002", body=LONG, title="긴 문자")
    mms = send(actor, "010-1000-0003", body="사진", image=Image("a.jpg", JPEG))

    only_lms = web.get(URL, {"kind": "LMS"}).content.decode()
    everything = web.get(URL, {"kind": ""}).content.decode()

    assert listed(only_lms) == ids(lms.pk)
    assert set(re.findall(r'data-kind="(\w+)"', only_lms)) == {"LMS"}
    assert sorted(listed(everything)) == sorted(ids(sms.pk) + ids(lms.pk) + ids(mms.pk))


def test_a_start_more_than_a_year_back_is_refused(web: Client, actor: Actor) -> None:
    send(actor, "010-1000-0001")
    today = timezone.localdate()

    refused = web.get(URL, {"start": str(today - dt.timedelta(days=366)), "end": str(today)})
    accepted = web.get(URL, {"start": str(today - dt.timedelta(days=365)), "end": str(today)})

    text = refused.content.decode()
    assert "The search reaches one year back at most" in text
    assert "Older messages need the period-extension service." in text
    assert listed(text) == []
    assert len(listed(accepted.content.decode())) == 1


def test_an_end_before_the_start_is_refused(web: Client) -> None:
    page = web.get(URL, {"start": "2026-03-10", "end": "2026-03-01"}).content.decode()

    assert 'data-testid="error-end">The end date is before the start date.' in page


def test_a_name_or_the_start_of_a_number_finds_messages(
    web: Client, actor: Actor, agent: User
) -> None:
    make_customer(agent, "박보검", "010-2000-0001")
    park = send(actor, "010-2000-0001")
    other = send(actor, "010-3000-0002", names={"010-3000-0002": "이영희"})

    by_name = web.get(URL, {"query": "박보"}).content.decode()
    by_number = web.get(URL, {"query": "010-3000"}).content.decode()

    assert listed(by_name) == ids(park.pk)
    assert listed(by_number) == ids(other.pk)


def test_failed_and_skipped_messages_show_why(
    web: Client, actor: Actor, agent: User, outbox: type[MemoryGateway]
) -> None:
    make_customer(agent, "거부고객", "010-4000-0001", sms_opt_out=True)
    job = send(actor, "010-4000-0001", "010-4000-0002")
    outbox.fail_next.append(GatewayRejected("unknown subscriber"))
    sending.dispatch_due(gateway=MemoryGateway(), now=timezone.now() + dt.timedelta(seconds=1))

    page = web.get(URL).content.decode()

    assert Message.objects.filter(job=job).count() == 2
    assert "Failed</span>" in page
    assert "unknown subscriber" in page
    assert "Not sent (opted out)</span>" in page
    assert "The customer opted out of SMS" in page


def test_long_or_multiline_content_is_folded_with_the_whole_text_on_click(
    web: Client, actor: Actor
) -> None:
    body = "관리비 고지서가 발송되었습니다. " * 5
    send(actor, "010-1000-0001", body=body)
    send(actor, "010-1000-0002", body="점검\n안내")
    send(actor, "010-1000-0003", body="짧은 한 줄")

    page = web.get(URL).content.decode()

    assert page.count('<details class="sd-body"') == 2
    assert f'<div class="sd-full">{body}</div>' in page
    assert '<div class="sd-full">점검\n안내</div>' in page
    assert '<span data-testid="body">짧은 한 줄</span>' in page


def test_the_history_is_paginated_by_50(web: Client, actor: Actor) -> None:
    send(actor, *[f"010-5000-{n:04d}" for n in range(51)])

    first = web.get(URL).content.decode()
    second = web.get(URL, {"page": 2}).content.decode()

    assert (len(listed(first)), len(listed(second))) == (50, 1)


def test_the_scheduled_tab_opens_reserved_sms_management(web: Client) -> None:
    page = web.get(URL).content.decode()

    assert f'href="{reverse("messaging:scheduled")}" data-testid="tab-scheduled"' in page


def test_export_holds_the_filtered_rows_and_is_audited(
    web: Client, admin: User, actor: Actor
) -> None:
    admin.can_export = True
    admin.save(update_fields=["can_export"])
    send(actor, "010-1000-0001", body="짧은 문자")
    send(actor, "010-1000-0002", body=LONG, title="긴 문자", names={"010-1000-0002": "최민"})

    response = web.get(EXPORT, {"kind": "LMS", "query": ""})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["Send time", "Type", "Name", "Number", "Content"]
    assert [(row[1], row[2], row[3], row[4], row[6]) for row in rows[1:]] == [
        ("LMS", "최민", "010-1000-0002", LONG, "Queued")
    ]
    [detail] = audited(WorkScreen.SMS_HISTORY, WorkAction.EXPORT)
    assert detail.endswith("LMS; 1 rows")


def test_export_needs_the_export_permission(web: Client) -> None:
    page = web.get(URL).content.decode()
    response = web.get(EXPORT)

    assert 'data-testid="export"' not in page
    assert response.status_code == 403
    assert "Exporting needs the export permission." in response.content.decode()


def test_agents_may_not_read_the_history(client_of: ClientOf, agent: User) -> None:
    web = client_of(agent)

    assert web.get(URL).status_code == 403
    assert web.get(EXPORT).status_code == 403


def test_another_organizations_messages_are_not_listed(
    web: Client, actor: Actor, other_admin: User, other_organization: Organization
) -> None:
    ours = send(actor, "010-1000-0001")
    with tenant_scope(other_organization):
        MessagingSettings.all_objects.create(
            organization=other_organization, sender_number="0215881111"
        )
        send(Actor(other_admin, "127.0.0.1"), "010-1000-0002")

    page = web.get(URL).content.decode()

    assert listed(page) == ids(ours.pk)
    assert "010-1000-0002" not in page


def test_an_end_alone_takes_the_week_before_it(web: Client, actor: Actor) -> None:
    now = timezone.now()
    inside = send(actor, "010-1000-0001", now=now - dt.timedelta(days=20))
    send(actor, "010-1000-0002", now=now - dt.timedelta(days=30))
    end = timezone.localdate() - dt.timedelta(days=19)

    page = web.get(URL, {"end": str(end)}).content.decode()

    assert listed(page) == ids(inside.pk)


def test_dates_left_empty_show_the_period_searched(web: Client) -> None:
    today = timezone.localdate()

    page = web.get(URL, {"start": "", "end": "", "kind": "SMS"}).content.decode()

    assert f'name="start" value="{today - dt.timedelta(days=7)}"' in page
    assert f'name="end" value="{today}"' in page
