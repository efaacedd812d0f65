"""The main journeys of the foundation, driven in Debian's chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sangdam.accounts.enums import ParticipantSide, Role
from sangdam.accounts.models import User
from tests.browser.conftest import log_in
from tests.factories import make_organization, make_user


def test_admin_issues_agents_up_to_the_license_and_is_refused_beyond(
    page: Page, live_server: LiveServer
) -> None:
    organization = make_organization(service_name="acme", licensed_agents=2)
    make_user(organization=organization, role=Role.ORG_ADMIN, username="admin", name="관리자")

    log_in(page, live_server.url, "acme", "admin", "secret123")
    expect(page).to_have_url(re.compile(r"/manage/$"))
    page.get_by_role("link", name="사용자 관리").click()
    expect(page.get_by_test_id("license-usage")).to_contain_text("0 / 2")
    for login_id in ("agent1", "agent2", "agent3"):
        page.get_by_test_id("issue-account").click()
        page.select_option("[name=role]", "AGENT")
        page.fill("[name=username]", login_id)
        page.fill("[name=name]", f"상담원 {login_id}")
        page.click("button[type=submit]:has-text('발급')")

    expect(page.get_by_test_id("flash-error")).to_contain_text(
        "상담원 라이선스 2개를 모두 사용 중입니다 (2/2)."
    )
    page.get_by_role("link", name="목록으로").click()
    expect(page.get_by_test_id("license-usage")).to_contain_text("2 / 2")
    expect(page.get_by_test_id("account-table")).to_contain_text("agent2")
    expect(page.get_by_test_id("account-table")).not_to_contain_text("agent3")


def test_agent_must_change_the_issued_password_then_sees_the_agent_menu(
    page: Page, live_server: LiveServer
) -> None:
    organization = make_organization(service_name="acme")
    make_user(
        organization=organization,
        role=Role.AGENT,
        username="agent1",
        name="김상담",
        extension="1001",
        must_change_password=True,
        password="issued123",
    )

    log_in(page, live_server.url, "acme", "agent1", "issued123")
    expect(page).to_have_url(re.compile(r"/account/password/$"))
    expect(page.get_by_test_id("must-change")).to_be_visible()
    page.fill("[name=current_password]", "issued123")
    page.fill("[name=new_password]", "mine2026x")
    page.fill("[name=new_password_again]", "mine2026x")
    page.click("[data-testid=password-form] button[type=submit]")

    expect(page).to_have_url(re.compile(r"/agent/$"))
    expect(page.get_by_test_id("flash-success")).to_contain_text("비밀번호를 변경했습니다.")
    expect(page.get_by_test_id("extension")).to_have_text("1001")
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar).to_contain_text("상담원 홈")
    expect(sidebar).not_to_contain_text("사용자 관리")
    assert User.all_objects.get(username="agent1").check_password("mine2026x")


def test_participant_lands_on_the_my_page(page: Page, live_server: LiveServer) -> None:
    organization = make_organization(service_name="fair")
    make_user(
        organization=organization,
        role=Role.PARTICIPANT,
        participant_side=ParticipantSide.SELLER,
        username="seller1",
        name="테스트 셀러",
    )

    log_in(page, live_server.url, "fair", "seller1", "secret123")

    expect(page).to_have_url(re.compile(r"/mypage/$"))
    expect(page.get_by_test_id("greeting")).to_have_text("테스트 셀러님 환영합니다!")
    expect(page.get_by_test_id("sidebar")).to_contain_text("마이페이지")


def test_the_language_switch_shows_english(page: Page, live_server: LiveServer) -> None:
    organization = make_organization(service_name="acme")
    make_user(organization=organization, role=Role.ORG_ADMIN, username="admin")

    log_in(page, live_server.url, "acme", "admin", "secret123")
    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    expect(page.get_by_test_id("sidebar")).to_contain_text("Login history")
    page.get_by_role("link", name="Login history").click()
    expect(page.get_by_test_id("login-history")).to_contain_text("Success")


def test_wrong_password_shows_the_message_on_the_login_page(
    page: Page, live_server: LiveServer
) -> None:
    make_organization(service_name="acme")

    log_in(page, live_server.url, "acme", "nobody", "whatever1")

    expect(page.get_by_test_id("flash-error")).to_contain_text(
        "서비스명, 아이디 또는 비밀번호가 올바르지 않습니다."
    )
