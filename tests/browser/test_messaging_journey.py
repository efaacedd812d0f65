"""The messaging journey of issue 6 in Debian's chromium, with a real Kannel as the gateway.

Only the organization, its accounts, the residents and the sender number are arranged. The
template, both sends, the cancellation and the history go through the pages; the messages go
through Kannel (bearerbox, smsbox and its fake SMS centre) and the delivery reports come back
from Kannel to the live server's report URL, as they would in production.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from sangdam.accounts.enums import Role
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import text
from sangdam.messaging.enums import MessageState
from sangdam.messaging.models import Message, MessagingSettings
from tests.browser.conftest import log_in
from tests.crm.crm import make_customer
from tests.factories import PASSWORD, make_organization, make_user
from tests.messaging.kannel_peer import KannelPeer, kannel_peer

SERVICE = "acme"
SEOUL = dt.timezone(dt.timedelta(hours=9))
TEMPLATE = (
    "{고객명}님 안녕하세요. 래미안 센트럴 관리사무소입니다. {오늘날짜} 오전 10시부터 "
    "엘리베이터 정기 점검이 있습니다."
)


@pytest.fixture
def kannel(tmp_path: Path) -> Iterator[KannelPeer]:
    with kannel_peer(tmp_path) as peer:
        yield peer


def sign_in(page: Page, base: str, login_id: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, SERVICE, login_id, PASSWORD)
    page.wait_for_url(lambda url: "/login/" not in url)


def add_block(page: Page, base: str) -> None:
    page.goto(f"{base}/messaging/compose/")
    page.get_by_test_id("tab-residents").click()
    page.get_by_test_id("apartment-select").select_option("래미안 센트럴")
    expect(page.get_by_test_id("block-select").locator("option[value='101동']")).to_have_count(1)
    page.get_by_test_id("block-select").select_option("101동")
    page.get_by_test_id("add-residents").click()
    expect(page.get_by_test_id("recipient-count")).to_contain_text("3")


def test_template_block_send_schedule_cancel_and_delivery_reports(
    page: Page, live_server: LiveServer, settings: Settings, kannel: KannelPeer
) -> None:
    base = live_server.url
    settings.SANGDAM_SMS_BACKEND = "kannel"
    settings.SANGDAM_SMS_OPTIONS = {
        "url": kannel.sendsms_url,
        "username": kannel.username,
        "password": kannel.password,
        "report_url": f"{base}/messaging/reports/kannel",
    }
    organization = make_organization(service_name=SERVICE, name="래미안 관리사무소")
    MessagingSettings.all_objects.create(organization=organization, sender_number="15880000")
    make_user(organization=organization, username="admin", name="관리자", role=Role.ORG_ADMIN)
    agent = make_user(organization=organization, username="agent1", name="김상담", role=Role.AGENT)
    with tenant_scope(organization):
        make_customer(agent, "김민수", "010-5000-0001", apartment="래미안 센트럴", block="101동")
        make_customer(agent, "이영희", "010-5000-0002", apartment="래미안 센트럴", block="101동")
        make_customer(
            agent,
            "박거부",
            "010-5000-0003",
            apartment="래미안 센트럴",
            block="101동",
            sms_opt_out=True,
        )
        make_customer(agent, "최옆동", "010-5000-0004", apartment="래미안 센트럴", block="102동")

    # The administrator writes a template.
    sign_in(page, base, "admin")
    page.goto(f"{base}/messaging/templates/")
    page.fill("[name=title]", "점검 안내")
    page.get_by_test_id("body").fill(TEMPLATE)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("template-list")).to_contain_text("점검 안내")

    # The agent composes to block 101 from the template: over 80 bytes, so LMS with a title.
    sign_in(page, base, "agent1")
    add_block(page, base)
    title = page.get_by_test_id("title")
    expect(title).to_be_disabled()
    page.get_by_test_id("template-select").select_option(label="점검 안내")
    expect(page.get_by_test_id("body")).to_have_value(TEMPLATE)
    expect(page.get_by_test_id("message-kind")).to_have_text("LMS")
    counted = f"{text.byte_length(TEMPLATE):,}"
    expect(page.get_by_test_id("byte-counter")).to_contain_text(f"{counted} / 2,000")
    expect(title).to_be_enabled()
    title.fill("점검 안내")
    # Tomorrow at 10:00 in Seoul, as the agent reads the clock.
    tomorrow = (timezone.now().astimezone(SEOUL) + dt.timedelta(days=1)).date()
    page.get_by_test_id("mode-later").check()
    page.get_by_test_id("scheduled-date").fill(tomorrow.isoformat())
    page.get_by_test_id("scheduled-time").fill("10:00")
    page.get_by_test_id("send-button").click()
    page.wait_for_url(re.compile(r"/messaging/jobs/\d+/$"))
    rows = page.get_by_test_id("message-row")
    expect(rows).to_have_count(3)
    expect(page.locator("[data-testid=message-row][data-state=SCHEDULED]")).to_have_count(2)
    skipped = page.locator("[data-testid=message-row][data-state=SKIPPED]")
    expect(skipped).to_contain_text("박거부")
    expect(skipped).to_contain_text("수신거부")
    with tenant_scope(organization):
        scheduled = list(Message.objects.filter(state=MessageState.SCHEDULED).order_by("phone"))
    assert [m.kind for m in scheduled] == ["LMS", "LMS"]
    assert scheduled[0].body.startswith("김민수님 안녕하세요.")
    assert f"{tomorrow.isoformat()} 오전 10시" in scheduled[0].body

    # The administrator cancels one of the two reservations.
    sign_in(page, base, "admin")
    page.goto(f"{base}/messaging/scheduled/")
    page.get_by_test_id(f"pick-{scheduled[0].pk}").check()
    page.once("dialog", lambda dialog: Dialog.accept(dialog))
    page.get_by_test_id("cancel").click()
    expect(page.get_by_test_id(f"scheduled-{scheduled[0].pk}")).to_have_count(0)
    expect(page.get_by_test_id(f"scheduled-{scheduled[1].pk}")).to_have_count(1)

    # The agent sends a short one to the same block now.
    sign_in(page, base, "agent1")
    add_block(page, base)
    page.get_by_test_id("body").fill("{고객명}님, 점검이 끝났습니다.")
    expect(page.get_by_test_id("message-kind")).to_have_text("SMS")
    expect(page.get_by_test_id("title")).to_be_disabled()
    page.get_by_test_id("send-button").click()
    page.wait_for_url(re.compile(r"/messaging/jobs/\d+/$"))
    # Kannel's fake SMS centre reports each delivered; the job page refreshes itself.
    expect(page.get_by_test_id("count-delivered")).to_have_text("2", timeout=20_000)
    expect(page.get_by_test_id("count-skipped")).to_have_text("1")

    got = {(m.to, m.text) for m in kannel.wait_for("01050000001") + kannel.wait_for("01050000002")}
    assert got == {
        ("01050000001", "김민수님, 점검이 끝났습니다."),
        ("01050000002", "이영희님, 점검이 끝났습니다."),
    }
    assert [m.to for m in kannel.received()].count("01050000001") == 1
    assert "01050000003" not in [m.to for m in kannel.received()]

    # The history shows the delivered states and who was left out, and why.
    sign_in(page, base, "admin")
    page.goto(f"{base}/messaging/history/")
    table = page.get_by_test_id("history-table")
    expect(table).to_contain_text("전달")
    expect(table).to_contain_text("박거부")
    expect(table).to_contain_text("수신거부")
    page.goto(f"{base}/messaging/history/?kind=SMS")
    with tenant_scope(organization):
        delivered = Message.objects.filter(state=MessageState.DELIVERED)
        assert sorted(delivered.values_list("phone", flat=True)) == ["01050000001", "01050000002"]
        for message in delivered:
            expect(page.get_by_test_id(f"message-{message.pk}")).to_contain_text("전달")
