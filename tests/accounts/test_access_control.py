from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from sangdam.accounts.enums import LoginResult, Role
from sangdam.accounts.models import AdminNetwork, LoginEvent, User
from sangdam.core.models import Organization
from tests.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"
HOME = "198.51.100.20"


def admin_from(user: User, ip: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    assert sign_in(client, user).status_code == 302
    return client


def allow(organization: Organization, *networks: str) -> None:
    for network in networks:
        AdminNetwork.all_objects.create(organization=organization, network=network)


def flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_page_shows_the_callers_ip(admin: User) -> None:
    page = admin_from(admin, OFFICE).get("/manage/access/")

    assert page.context["current_ip"] == OFFICE
    assert OFFICE in page.content.decode()


def test_applying_a_list_restricts_admin_pages_to_it(admin: User) -> None:
    office = admin_from(admin, OFFICE)
    home = admin_from(admin, HOME)

    office.post("/manage/access/", {"network": ["203.0.113.0/24"], "memo": ["본사"]})

    assert office.get("/manage/accounts/").status_code == 200
    refused = home.get("/manage/accounts/")
    assert refused.status_code == 403
    assert f"이 IP 주소({HOME})에서는 관리자 접속이 허용되지 않습니다." in refused.content.decode()


def test_a_list_that_would_lock_out_the_current_admin_is_refused(
    admin: User, organization: Organization
) -> None:
    response = admin_from(admin, HOME).post("/manage/access/", {"network": [OFFICE], "memo": [""]})

    assert flash(response) == [
        f"현재 접속한 IP({HOME})가 목록에 없어, 적용하면 지금 관리자도 접속할 수 없게 됩니다. "
        "먼저 현재 IP나 대역을 추가하세요."
    ]
    assert not AdminNetwork.all_objects.exists()


def test_every_bad_row_is_named_and_nothing_is_applied(admin: User) -> None:
    client = admin_from(admin, OFFICE)

    response = client.post(
        "/manage/access/",
        {"network": [OFFICE, "10.0.0.300", "203.0.113.7/32", "bogus"], "memo": ["", "", "", ""]},
    )

    assert flash(response) == [
        "2번째 줄: '10.0.0.300'은(는) IP 주소나 CIDR 대역이 아닙니다.",
        "3번째 줄: 203.0.113.7/32은(는) 이미 1번째 줄에 있습니다.",
        "4번째 줄: 'bogus'은(는) IP 주소나 CIDR 대역이 아닙니다.",
    ]
    assert not AdminNetwork.all_objects.exists()


def test_an_empty_list_allows_every_address(admin: User, organization: Organization) -> None:
    allow(organization, OFFICE)
    office = admin_from(admin, OFFICE)

    office.post("/manage/access/", {})

    assert not AdminNetwork.all_objects.exists()
    assert admin_from(admin, HOME).get("/manage/").status_code == 200


def test_admin_login_from_an_unlisted_address_is_refused_and_recorded(
    admin: User, organization: Organization
) -> None:
    allow(organization, "203.0.113.0/24")

    response = sign_in(Client(REMOTE_ADDR=HOME), admin)

    assert response.status_code == 200
    assert LoginEvent.all_objects.get().result == LoginResult.IP_DENIED


def test_ipv6_ranges_are_accepted(admin: User) -> None:
    client = admin_from(admin, "2001:db8::5")

    client.post("/manage/access/", {"network": ["2001:db8::/32"], "memo": ["v6"]})

    assert list(AdminNetwork.all_objects.values_list("network", flat=True)) == ["2001:db8::/32"]
    assert client.get("/manage/").status_code == 200


def test_agents_are_not_limited_by_the_admin_list(organization: Organization, agent: User) -> None:
    allow(organization, OFFICE)

    assert admin_from(agent, HOME).get("/agent/").status_code == 200


def test_admin_api_calls_obey_the_list(admin: User, organization: Organization) -> None:
    allow(organization, OFFICE)
    token = (
        Client(REMOTE_ADDR=OFFICE)
        .post(
            "/api/v1/auth/token",
            {"organization": "acme", "username": "admin", "password": "secret123"},
            content_type="application/json",
        )
        .json()["token"]
    )

    from_home = Client(REMOTE_ADDR=HOME).get(
        "/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    from_office = Client(REMOTE_ADDR=OFFICE).get(
        "/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert from_home.status_code == 403
    assert from_office.status_code == 200


def test_the_platform_command_clears_a_list_that_locked_everyone_out(
    organization: Organization,
) -> None:
    allow(organization, OFFICE)
    make_user(organization=organization, role=Role.ORG_ADMIN, username="boss")

    call_command("org", "clear-allowlist", "acme")

    assert not AdminNetwork.all_objects.exists()


def test_x_forwarded_for_is_believed_only_from_trusted_proxies(
    admin: User,
    organization: Organization,
    settings,
) -> None:
    allow(organization, OFFICE)
    spoofed = Client(REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=OFFICE)
    assert sign_in(spoofed, admin).status_code == 200

    settings.SANGDAM_TRUSTED_PROXIES = ["10.0.0.1"]
    proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{HOME}, {OFFICE}")
    assert sign_in(proxied, admin).status_code == 302
