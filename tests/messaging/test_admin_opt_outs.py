"""080 수신거부 목록 (CC-78): listed numbers tick their customers' opt-out and are never sent to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.crm.models import Customer
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState, OptOutSource, SkipReason
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import Message, MessagingSettings, OptOutNumber
from tests.conftest import ClientOf
from tests.crm.crm import make_customer
from tests.messaging.sms_admin import audited, english_client, send

LIST = reverse("messaging:opt-outs")
PASTE = reverse("messaging:opt-outs-paste")
REMOVE = reverse("messaging:opt-outs-remove")

pytestmark = pytest.mark.usefixtures("scoped")


@pytest.fixture
def web(client_of: ClientOf, admin: User) -> Client:
    return english_client(client_of, admin)


def listed() -> list[str]:
    return sorted(OptOutNumber.objects.values_list("phone", flat=True))


def test_a_listed_number_ticks_its_customers_and_a_later_send_skips_them(
    web: Client,
    agent: User,
    actor: Actor,
    sender_settings: MessagingSettings,
    outbox: type[MemoryGateway],
) -> None:
    hong = make_customer(agent, "홍길동", "010-1234-5678")
    twin = make_customer(agent, "홍길순", "010-1234-5678")
    other = make_customer(agent, "김철수", "010-2222-3333")

    response = web.post(LIST, {"phone": "010 1234 5678"}, follow=True)

    page = response.content.decode()
    assert "010-1234-5678 was added to the opt-out list." in page
    assert "SMS opt-out was ticked on 2 customers with these numbers." in page
    assert listed() == ["01012345678"]
    assert OptOutNumber.objects.get().source == OptOutSource.MANUAL
    flags = dict(Customer.objects.values_list("pk", "sms_opt_out"))
    assert flags == {hong.pk: True, twin.pk: True, other.pk: False}

    job = send(actor, "010-1234-5678", "010-2222-3333")
    sending.dispatch_due(gateway=MemoryGateway(), now=timezone.now() + dt.timedelta(seconds=1))

    states = dict(Message.objects.filter(job=job).values_list("phone", "state"))
    assert states == {"01012345678": MessageState.SKIPPED, "01022223333": MessageState.SENT}
    assert Message.objects.get(phone="01012345678").skip_reason == SkipReason.CUSTOMER_OPT_OUT
    assert [sent.to for sent in outbox.outbox] == ["01022223333"]
    assert audited(WorkScreen.SMS_OPT_OUTS, WorkAction.CREATE) == [
        "010-1234-5678 (Entered by an administrator); customers ticked: 2"
    ]


def test_a_number_without_a_customer_is_skipped_as_listed(
    web: Client, actor: Actor, sender_settings: MessagingSettings
) -> None:
    web.post(LIST, {"phone": "010-9999-0000"})

    job = send(actor, "010-9999-0000")

    message = Message.objects.get(job=job)
    assert (message.state, message.skip_reason) == (MessageState.SKIPPED, SkipReason.OPT_OUT_LIST)


def test_adding_a_listed_number_again_says_so(web: Client) -> None:
    web.post(LIST, {"phone": "010-1234-5678"})

    response = web.post(LIST, {"phone": "01012345678"}, follow=True)

    assert "010-1234-5678 is on the opt-out list already." in response.content.decode()
    assert listed() == ["01012345678"]


def test_a_landline_is_refused(web: Client) -> None:
    response = web.post(LIST, {"phone": "02-123-4567"})

    assert response.status_code == 200
    assert 'data-testid="error-phone">02-123-4567 is not a mobile number.' in (
        response.content.decode()
    )
    assert listed() == []


def test_a_paste_adds_the_good_lines_and_reports_bad_ones_by_line_number(
    web: Client, agent: User
) -> None:
    kim = make_customer(agent, "김영희", "010-3333-4444")
    web.post(LIST, {"phone": "010-5555-6666"})

    response = web.post(
        PASTE, {"numbers": "010-3333-4444\n010-12\n\n01055556666\n 010 7777 8888 \n02-123-4567"}
    )

    page = response.content.decode()
    assert listed() == ["01033334444", "01055556666", "01077778888"]
    assert "Added: 2. Already on the list: 1." in page
    assert "Line 2: 010-12 is not a valid phone number." in page
    assert "Line 6: 02-123-4567 is not a mobile number." in page
    assert "2 lines are not mobile numbers and were not added." in page
    # The box keeps the lines to correct, and only those.
    assert ">\n010-12\n02-123-4567</textarea>" in page
    kim.refresh_from_db()
    assert kim.sms_opt_out is True


def test_a_paste_without_a_number_is_refused(web: Client) -> None:
    response = web.post(PASTE, {"numbers": "\n  \n"})

    assert 'data-testid="error-numbers">Paste at least one mobile number.' in (
        response.content.decode()
    )
    assert listed() == []


def test_removing_takes_numbers_off_the_list_but_leaves_customers_ticked(
    web: Client, agent: User
) -> None:
    hong = make_customer(agent, "홍길동", "010-1234-5678")
    web.post(PASTE, {"numbers": "010-1234-5678\n010-2222-3333"})
    entry = OptOutNumber.objects.get(phone="01012345678")

    page = web.get(LIST).content.decode()
    response = web.post(REMOVE, {"ids": [str(entry.pk)]}, follow=True)

    assert "Removing a number does not untick SMS opt-out on its customers" in page
    assert "1 number was removed from the opt-out list." in response.content.decode()
    assert listed() == ["01022223333"]
    hong.refresh_from_db()
    assert hong.sms_opt_out is True
    assert audited(WorkScreen.SMS_OPT_OUTS, WorkAction.DELETE) == ["010-1234-5678"]


def test_removing_nothing_ticked_says_so(web: Client) -> None:
    response = web.post(REMOVE, {}, follow=True)

    assert "Tick the numbers to remove." in response.content.decode()


def test_the_list_is_searched_by_any_part_of_a_number_and_paginated(
    web: Client, organization: Organization
) -> None:
    OptOutNumber.objects.bulk_create(
        OptOutNumber(organization=organization, phone=f"0105000{n:04d}", source="080")
        for n in range(51)
    )
    OptOutNumber.objects.create(organization=organization, phone="01098761234", source="MANUAL")

    first = web.get(LIST).content.decode()
    second = web.get(LIST, {"page": 2}).content.decode()
    found = web.get(LIST, {"q": "9876-12"}).content.decode()

    assert first.count('name="ids"') == 50
    assert second.count('name="ids"') == 2
    assert found.count('name="ids"') == 1
    assert "010-9876-1234" in found


def test_agents_may_not_keep_the_list(client_of: ClientOf, agent: User) -> None:
    web = client_of(agent)

    assert web.get(LIST).status_code == 403
    assert web.post(LIST, {"phone": "010-1234-5678"}).status_code == 403
    assert web.post(PASTE, {"numbers": "010-1234-5678"}).status_code == 403
    assert listed() == []


def test_another_organizations_numbers_are_neither_shown_nor_removed(
    web: Client, other_organization: Organization
) -> None:
    theirs = OptOutNumber.all_objects.create(
        organization=other_organization, phone="01044445555", source="080"
    )

    page = web.get(LIST).content.decode()
    response = web.post(REMOVE, {"ids": [str(theirs.pk)]}, follow=True)

    assert "010-4444-5555" not in page
    assert "The ticked numbers are no longer on the list." in response.content.decode()
    assert OptOutNumber.all_objects.filter(pk=theirs.pk).exists()
