"""The contact-center journey of issue 5, driven in Debian's chromium as its people would.

Only the organization, its three accounts and the consultation types are arranged; the customer,
the ticket, its transfer and completion, the history search and the export go through the pages.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sangdam.accounts.enums import Role, WorkAction, WorkScreen
from sangdam.accounts.models import WorkEvent
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.enums import TicketStatus
from sangdam.crm.models import Ticket
from tests.browser.conftest import log_in
from tests.crm.crm import make_type
from tests.factories import PASSWORD, make_organization, make_user

SERVICE = "acme"


def sign_in(page: Page, base: str, login_id: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, SERVICE, login_id, PASSWORD)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_register_transfer_complete_find_export_and_the_24_hour_rule(
    page: Page, live_server: LiveServer
) -> None:
    base = live_server.url
    organization = make_organization(service_name=SERVICE, name="행복관리")
    make_user(
        organization=organization,
        username="admin",
        name="관리자",
        role=Role.ORG_ADMIN,
        can_export=True,
    )
    make_user(organization=organization, username="agent1", name="김상담", role=Role.AGENT)
    make_user(organization=organization, username="agent2", name="이상담", role=Role.AGENT)
    with tenant_scope(organization):
        facility = make_type(organization, "시설")
        make_type(organization, "누수", parent=facility)
    start = timezone.now()

    # agent1 registers a new customer (no editor permission).
    sign_in(page, base, "agent1")
    page.goto(f"{base}/crm/customers/new/")
    page.fill("[name=name]", "박입주")
    page.fill("[name=mobile]", "010-7777-1234")
    page.fill("[name=apartment]", "래미안 센트럴")
    page.fill("[name=block]", "101동")
    page.fill("[name=unit]", "1203호")
    page.get_by_test_id("save-customer").click()
    expect(page.get_by_test_id("customer-name")).to_contain_text("박입주")
    expect(page.get_by_test_id("customer-mobile")).to_contain_text("010-7777-1234")

    # ... opens a ticket for them and saves it with F4.
    page.get_by_test_id("new-ticket").click()
    expect(page.locator("[name=customer_name]")).to_have_value("박입주")
    page.select_option("[name=type_1]", label="시설")
    expect(page.locator("[name=type_2] option", has_text="누수")).to_have_count(1)
    page.select_option("[name=type_2]", label="누수")
    page.fill("[name=title]", "욕실 천장 누수")
    page.fill("[name=content]", "윗집 욕실에서 물이 샌다고 함")
    page.keyboard.press("F4")
    expect(page.get_by_test_id("ticket-number")).to_have_text("0000000001")
    expect(page.get_by_test_id("ticket-form")).to_contain_text("01:")

    # ... and transfers it to agent2 with F5.
    page.select_option("[name=assignee_id]", label="이상담")
    page.get_by_test_id("key-transfer").click()
    expect(page.get_by_test_id("assignee")).to_have_text("이상담")
    ticket = Ticket.all_objects.get(organization=organization)
    assert ticket.status == TicketStatus.TRANSFERRED

    # agent2 finds it under received transfers, with its count, and completes it with F6.
    sign_in(page, base, "agent2")
    page.goto(f"{base}/crm/queues/?tab=received")
    expect(page.get_by_test_id("count-received")).to_contain_text("1")
    page.get_by_test_id("row-0000000001").locator("a").first.click()
    expect(page.get_by_test_id("ticket-number")).to_have_text("0000000001")
    page.get_by_test_id("key-complete").click()
    expect(page.get_by_test_id("ticket-form")).to_contain_text("07:")
    page.goto(f"{base}/crm/queues/?tab=received")
    expect(page.get_by_test_id("count-received")).to_contain_text("0")

    # The administrator finds it in the consultation history and exports it.
    sign_in(page, base, "admin")
    page.goto(f"{base}/crm/history/")
    page.get_by_test_id("search").click()
    expect(page.get_by_test_id("history-table")).to_contain_text("0000000001")
    expect(page.get_by_test_id("history-table")).to_contain_text("래미안 센트럴")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert sheet is not None
    assert any(
        "0000000001" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
    )
    page.goto(f"{base}/manage/work-history/")
    expect(page.get_by_test_id("work-history")).to_contain_text("상담내역")
    assert WorkEvent.all_objects.filter(
        organization=organization,
        screen=WorkScreen.CONSULTATION_HISTORY,
        action=WorkAction.EXPORT,
    ).exists()

    # A day and more later, agent1 (who wrote it, without the editor permission) cannot edit it.
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        sign_in(page, base, "agent1")
        page.goto(f"{base}/crm/tickets/{ticket.pk}/")
        expect(page.get_by_test_id("key-save_edits")).to_be_disabled()
        page.goto(f"{base}/crm/history/all/?number=1")
        expect(page.get_by_test_id("row-0000000001")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.content == "윗집 욕실에서 물이 샌다고 함"
