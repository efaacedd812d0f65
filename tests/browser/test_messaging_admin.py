"""The messaging administration pages in Debian's chromium: what only a browser shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging.enums import MessageState
from sangdam.messaging.models import Message, MessageTemplate, MessagingSettings
from tests.browser.conftest import log_in
from tests.crm.crm import make_customer
from tests.factories import make_organization, make_user
from tests.messaging.sms_admin import send


def acme_user(organization: Organization, username: str) -> User:
    return User.all_objects.get(organization=organization, username=username)


@pytest.fixture
def acme(transactional_db: None) -> Organization:
    organization = make_organization(service_name="acme")
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")
    make_user(organization=organization, role=Role.ORG_ADMIN, username="admin", name="관리자")
    make_user(organization=organization, role=Role.AGENT, username="agent1", name="김상담")
    return organization


def test_the_template_editor_counts_bytes_and_switches_to_lms_as_you_type(
    page: Page, live_server: LiveServer, acme: Organization
) -> None:
    log_in(page, live_server.url, "acme", "admin", "secret123")
    page.goto(f"{live_server.url}/messaging/templates/")
    counter = page.get_by_test_id("byte-count")

    page.fill("[name=title]", "점검 안내")
    page.get_by_test_id("body").fill("가" * 40)
    expect(counter).to_contain_text("80 / 2,000")
    expect(counter).to_contain_text("SMS")
    page.get_by_test_id("body").press("End")
    page.get_by_role("button", name="+ {고객명}").click()
    expect(counter).to_contain_text("88 / 2,000")
    expect(counter).to_contain_text("LMS")
    page.get_by_test_id("save").click()

    expect(page.get_by_test_id("template-list")).to_contain_text("점검 안내")
    with tenant_scope(acme):
        assert MessageTemplate.objects.get().body == "가" * 40 + "{고객명}"


def test_the_customer_window_loads_the_sms_tab(
    page: Page, live_server: LiveServer, acme: Organization
) -> None:
    with tenant_scope(acme):
        agent = acme_user(acme, "agent1")
        hong = make_customer(agent, "홍길동", "010-1234-5678")
        send(Actor(agent, "127.0.0.1"), "010-1234-5678", body="{고객명}님 관리비 안내")
    log_in(page, live_server.url, "acme", "agent1", "secret123")

    page.goto(f"{live_server.url}/crm/customers/{hong.pk}/?tab=sms")

    expect(page.get_by_test_id("sms-table")).to_contain_text("홍길동님 관리비 안내")
    expect(page.get_by_test_id("compose")).to_be_visible()


def test_select_all_and_cancel_the_ticked_reservations(
    page: Page, live_server: LiveServer, acme: Organization
) -> None:
    at = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    with tenant_scope(acme):
        agent = acme_user(acme, "agent1")
        job = send(Actor(agent, "127.0.0.1"), "010-1000-0001", "010-1000-0002", scheduled_at=at)
    page.on("dialog", Dialog.accept)
    log_in(page, live_server.url, "acme", "admin", "secret123")
    page.goto(f"{live_server.url}/messaging/scheduled/")

    expect(page.get_by_test_id("cancel")).to_be_disabled()
    page.get_by_test_id("pick-all").check()
    expect(page.get_by_test_id("cancel")).to_be_enabled()
    page.get_by_test_id("cancel").click()

    expect(page.get_by_test_id("flash-success")).to_contain_text("2")
    expect(page.get_by_test_id("no-scheduled")).to_be_visible()
    states = set(Message.all_objects.filter(job=job).values_list("state", flat=True))
    assert states == {MessageState.CANCELLED}
