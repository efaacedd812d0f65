"""The page of one send job: what was sent, its progress, every recipient's state, 예약 취소."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.base import DeliveryReport
from sangdam.messaging.models import Message, MessagingSettings, SendJob
from sangdam.messaging.recipients import Recipient
from tests.conftest import ClientOf
from tests.crm.crm import make_agent
from tests.messaging.compose_helpers import JPEG, customer

pytestmark = pytest.mark.usefixtures("sender_settings")


def send(
    user: User,
    *numbers: str,
    body: str = "{고객명}님 안녕하세요",
    at: dt.datetime | None = None,
    image: bytes | None = None,
) -> SendJob:
    assert user.organization is not None
    with tenant_scope(user.organization):
        return sending.send_messages(
            actor=Actor(user, "127.0.0.1"),
            draft=sending.Draft(
                recipients=[Recipient(n) for n in numbers],
                body=body,
                scheduled_at=at,
                image=sending.Image("photo.jpg", image) if image else None,
            ),
            gateway_supports_mms=True,
        )


def later() -> dt.datetime:
    moment = timezone.now() + dt.timedelta(days=1)
    return moment.replace(minute=0, second=0, microsecond=0)


def url(job: SendJob, suffix: str = "") -> str:
    return f"/messaging/jobs/{job.pk}/{suffix}"


@pytest.fixture
def agent_client(client_of: ClientOf, agent: User) -> Client:
    return client_of(agent)


def test_job_page_shows_what_was_sent_and_every_recipients_state(
    agent_client: Client, agent: User, django_capture_on_commit_callbacks: Any
) -> None:
    customer(agent, "김하나", "010-8000-0001")
    customer(agent, "수신거부", "010-8000-0002", sms_opt_out=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = send(agent, "01080000001", "01080000002", "01080000003")
    delivered = Message.all_objects.get(phone="01080000001")
    failed = Message.all_objects.get(phone="01080000003")
    sending.record_delivery_report(DeliveryReport(str(delivered.pk), "", True, "", timezone.now()))
    sending.record_delivery_report(
        DeliveryReport(str(failed.pk), "", False, "unknown subscriber", timezone.now())
    )
    page = agent_client.get(url(job))
    assert page.status_code == 200
    html = page.content.decode()
    assert "{고객명}님 안녕하세요" in html
    assert 'data-testid="job-sender">김상담<' in html
    assert 'data-testid="count-delivered">1<' in html
    assert 'data-testid="count-failed">1<' in html
    assert 'data-testid="count-skipped">1<' in html
    states = [
        (m.split('data-state="')[1].split('"')[0])
        for m in html.split('data-testid="message-row"')[1:]
    ]
    assert states == ["DELIVERED", "FAILED", "SKIPPED"]
    assert "unknown subscriber" in html
    assert '수신거부 <span class="sd-num">010-8000-0002</span>' in html
    # Everything is over: the page stops polling.
    assert 'hx-trigger="every 2s"' not in html


def test_job_page_polls_while_messages_wait(agent_client: Client, agent: User) -> None:
    job = send(agent, "01080000001")  # queued; no worker ran (no commit callbacks)
    html = agent_client.get(url(job)).content.decode()
    assert f'hx-get="/messaging/jobs/{job.pk}/live/" hx-trigger="every 2s"' in html
    live = agent_client.get(url(job, "live/"), {"page": "1"}).content.decode()
    assert '<div id="job-live"' in live
    assert 'data-testid="count-waiting">1<' in live
    assert "<html" not in live


def test_job_page_of_a_future_schedule_does_not_poll(agent_client: Client, agent: User) -> None:
    job = send(agent, "01080000001", "01080000004", at=later())
    html = agent_client.get(url(job)).content.decode()
    assert "every 2s" not in html
    assert 'data-testid="job-scheduled"' in html
    assert html.count('data-testid="cancel-pick"') == 2


def test_cancel_one_scheduled_message_then_all(agent_client: Client, agent: User) -> None:
    job = send(agent, "01080000001", "01080000004", at=later())
    first, second = Message.all_objects.filter(job=job).order_by("pk")
    response = agent_client.post(url(job, "cancel/"), {"message": [first.pk]})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (MessageState.CANCELLED, MessageState.SCHEDULED)
    agent_client.post(url(job, "cancel/"), {"all": "1"})
    second.refresh_from_db()
    assert second.state == MessageState.CANCELLED
    html = agent_client.get(url(job)).content.decode()
    assert 'data-testid="count-cancelled">2<' in html
    assert 'data-testid="cancel-all"' not in html  # nothing left to cancel


def test_cancel_without_ticking_says_so(client_of: ClientOf, agent: User) -> None:
    agent.language = "en"
    agent.save(update_fields=["language"])
    agent_client = client_of(agent)
    job = send(agent, "01080000001", at=later())
    page = agent_client.post(url(job, "cancel/"), follow=True).content.decode()
    assert "Tick the scheduled messages to cancel." in page
    assert Message.all_objects.get().state == MessageState.SCHEDULED


def test_cancel_touches_only_this_jobs_messages(agent_client: Client, agent: User) -> None:
    job = send(agent, "01080000001", at=later())
    other = send(agent, "01080000004", at=later())
    theirs = Message.all_objects.get(job=other)
    agent_client.post(url(job, "cancel/"), {"message": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.state == MessageState.SCHEDULED


def test_agents_see_their_own_jobs_and_admins_all(
    client_of: ClientOf, agent: User, admin: User, organization: Organization
) -> None:
    colleague = make_agent(organization, "agent2", name="이상담", extension="1002")
    mine = send(agent, "01080000001")
    theirs = send(colleague, "01080000004")
    agent_client = client_of(agent)
    assert agent_client.get(url(mine)).status_code == 200
    assert agent_client.get(url(theirs)).status_code == 403
    assert agent_client.get(url(theirs, "live/")).status_code == 403
    assert agent_client.post(url(theirs, "cancel/"), {"all": "1"}).status_code == 403
    admin_client = client_of(admin)
    assert admin_client.get(url(mine)).status_code == 200
    assert admin_client.get(url(theirs)).status_code == 200


def test_another_tenant_cannot_see_a_job(
    client_of: ClientOf, agent: User, other_admin: User, other_organization: Organization
) -> None:
    MessagingSettings.all_objects.create(
        organization=other_organization, sender_number="0212345678"
    )
    job = send(agent, "01080000001")
    other = client_of(other_admin)
    assert other.get(url(job)).status_code == 404
    assert other.get(url(job, "image/")).status_code == 404
    assert other.post(url(job, "cancel/"), {"all": "1"}).status_code == 404


def test_job_image_is_shown_to_who_may_see_the_job(agent_client: Client, agent: User) -> None:
    job = send(agent, "01080000001", body="사진", image=JPEG)
    html = agent_client.get(url(job)).content.decode()
    assert f'href="/messaging/jobs/{job.pk}/image/"' in html
    image = agent_client.get(url(job, "image/"))
    assert image["Content-Type"] == "image/jpeg"
    assert image.content == JPEG
    assert 'data-testid="job-MMS"><span class="badge sd-kind sd-kind-MMS">MMS</span> <strong>1' in (
        html
    )


def test_job_list_filters_by_state_and_pages_by_fifty(agent_client: Client, agent: User) -> None:
    numbers = [f"0108100{i:04d}" for i in range(55)]
    customer(agent, "거부", numbers[0], sms_opt_out=True)
    job = send(agent, *numbers)
    first = agent_client.get(url(job)).content.decode()
    assert first.count('data-testid="message-row"') == 50
    assert "?page=2" in first
    second = agent_client.get(url(job), {"page": "2"}).content.decode()
    assert second.count('data-testid="message-row"') == 5
    skipped = agent_client.get(url(job), {"state": "skipped"}).content.decode()
    assert skipped.count('data-testid="message-row"') == 1
    assert 'data-state="SKIPPED"' in skipped
