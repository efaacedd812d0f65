"""The customer window's 문자 tab (CC-37, manual 19-5) and the SMS icons of the lists (CC-20)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import ConsultationType, Customer
from sangdam.messaging.models import Message, MessagingSettings
from tests.conftest import ClientOf
from tests.crm.crm import make_customer, make_type, open_ticket
from tests.messaging.sms_admin import english_client, send

pytestmark = pytest.mark.usefixtures("scoped", "sender_settings")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def web(client_of: ClientOf, agent: User) -> Client:
    return english_client(client_of, agent)


@pytest.fixture
def hong(agent: User) -> Customer:
    return make_customer(agent, "홍길동", "010-1234-5678")


@pytest.fixture
def kind(organization: Organization) -> ConsultationType:
    return make_type(organization)


def tab_url(customer: Customer) -> str:
    return reverse("messaging:customer-messages", args=[customer.pk])


def listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="message-(\d+)"', page)]


def test_the_tab_lists_this_customers_messages_newest_first(
    web: Client, actor: Actor, agent: User, hong: Customer
) -> None:
    make_customer(agent, "김철수", "010-2222-3333")
    first = send(actor, "010-1234-5678", body="{고객명}님 관리비 안내")
    send(actor, "010-2222-3333", body="다른 고객에게")
    second = send(actor, "010-1234-5678", body="가" * 41, title="긴 안내")

    response = web.get(tab_url(hong), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    ours = Message.objects.filter(customer=hong).order_by("-pk")
    assert listed(page) == [m.pk for m in ours]
    assert [m.job_id for m in ours] == [second.pk, first.pk]
    assert "홍길동님 관리비 안내" in page
    assert "다른 고객에게" not in page
    assert "LMS</span>" in page
    assert "Queued</span>" in page
    assert f'href="{reverse("messaging:compose")}?customer={hong.pk}"' in page


def test_the_window_loads_the_tab_from_messaging(web: Client, hong: Customer) -> None:
    page = web.get(reverse("crm:customer", args=[hong.pk]), {"tab": "sms"}).content.decode()

    assert f'hx-get="{tab_url(hong)}"' in page
    assert 'hx-trigger="load"' in page


def test_an_opted_out_customer_is_flagged_and_nothing_is_sent(
    web: Client, actor: Actor, agent: User
) -> None:
    quiet = make_customer(agent, "조용희", "010-7777-8888", sms_opt_out=True)
    send(actor, "010-7777-8888")

    page = web.get(tab_url(quiet), headers=HTMX).content.decode()

    assert "This customer opted out of SMS: messages to them are not sent." in page
    assert "Not sent (opted out)</span>" in page


def test_a_customer_without_a_mobile_gets_no_send_button(web: Client, agent: User) -> None:
    landline = make_customer(agent, "유선만", "", phone="02-123-4567")

    page = web.get(tab_url(landline), headers=HTMX).content.decode()

    assert 'data-testid="compose"' not in page
    assert "No mobile number is registered" in page
    assert "No SMS has been sent to this customer." in page


def test_the_tab_pages_by_20(web: Client, actor: Actor, hong: Customer) -> None:
    for n in range(21):
        send(actor, "010-1234-5678", body=f"안내 {n}")

    first = web.get(tab_url(hong), headers=HTMX).content.decode()
    second = web.get(tab_url(hong), {"page": 2}, headers=HTMX).content.decode()

    assert (len(listed(first)), len(listed(second))) == (20, 1)
    assert f'hx-get="{tab_url(hong)}?page=2"' in first


def test_opened_without_htmx_it_goes_to_the_window(web: Client, hong: Customer) -> None:
    response = web.get(tab_url(hong))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('crm:customer', args=[hong.pk])}?tab=sms"


def test_administrators_see_the_tab_too(
    client_of: ClientOf, admin: User, actor: Actor, hong: Customer
) -> None:
    send(actor, "010-1234-5678")

    response = client_of(admin).get(tab_url(hong), headers=HTMX)

    assert len(listed(response.content.decode())) == 1


def test_another_organizations_customer_is_not_found(
    web: Client, other_admin: User, other_organization: Organization
) -> None:
    with tenant_scope(other_organization):
        MessagingSettings.all_objects.create(
            organization=other_organization, sender_number="0215881111"
        )
        theirs = make_customer(other_admin, "남의고객", "010-4444-5555")
        send(Actor(other_admin, "127.0.0.1"), "010-4444-5555", body="남의 문자")

    response = web.get(tab_url(theirs), headers=HTMX)

    assert response.status_code == 404
    assert "남의 문자" not in response.content.decode()


# ------------------------------------------------------------------ CC-20: click-to-SMS icons


def test_the_window_has_an_sms_icon_for_a_mobile_only(web: Client, agent: User) -> None:
    mobile = make_customer(agent, "모바일", "010-1234-5678", phone="02-555-6666")
    landline = make_customer(agent, "유선", "", phone="02-555-7777")
    compose = reverse("messaging:compose")

    with_mobile = web.get(reverse("crm:customer", args=[mobile.pk])).content.decode()
    without = web.get(reverse("crm:customer", args=[landline.pk])).content.decode()

    assert f'href="{compose}?phone=01012345678"' in with_mobile
    assert "?phone=0255566666" not in with_mobile
    assert 'data-testid="sms-mobile"' not in without


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("crm:queues", {"tab": "mine"}),
        ("crm:incomplete", {}),
        ("crm:recalls", {}),
    ],
)
def test_the_lists_have_an_sms_icon_for_mobile_numbers_only(
    web: Client,
    agent: User,
    kind: ConsultationType,
    url_name: str,
    query: dict[str, str],
) -> None:
    # Noon today: a recall an hour ahead is still today's, in the list's default period.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        recall: dict[str, Any] = (
            {"recall_at": noon + dt.timedelta(hours=1)} if url_name == "crm:recalls" else {}
        )
        mobile = open_ticket(agent, make_customer(agent, "모바일", "010-1234-5678"), kind, **recall)
        landline = open_ticket(
            agent, make_customer(agent, "유선", "", phone="02-555-7777"), kind, **recall
        )
        page = web.get(reverse(url_name), query).content.decode()

    assert f'data-testid="row-{mobile.number_label}"' in page
    assert f'data-testid="row-{landline.number_label}"' in page
    assert f'data-testid="sms-{mobile.number_label}"' in page
    assert f'href="{reverse("messaging:compose")}?phone=01012345678"' in page
    assert f'data-testid="sms-{landline.number_label}"' not in page
