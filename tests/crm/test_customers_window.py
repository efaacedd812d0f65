"""The customer window: its tabs, consultation and recall actions (CC-40, CC-45..47, CC-62)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sangdam.accounts.models import User
from sangdam.crm import tickets
from sangdam.crm.enums import TicketStatus
from sangdam.crm.models import ConsultationType, Customer, Ticket, TicketNote
from tests.conftest import ClientOf
from tests.crm.crm import actor, make_customer, open_ticket

pytestmark = pytest.mark.usefixtures("scoped")


@pytest.fixture
def web(client_of: ClientOf, agent: User) -> Client:
    agent.language = "en"
    agent.save(update_fields=["language"])
    return client_of(agent)


def window(customer: Customer) -> str:
    return reverse("crm:customer", args=[customer.pk])


def tab(web: Client, customer: Customer, name: str) -> str:
    response = web.get(window(customer), {"tab": name})
    assert response.status_code == 200
    return str(response.content.decode())


def ticket_numbers(page: str) -> list[str]:
    return re.findall(r"\b(\d{10})\b", page)


def test_each_tab_shows_only_this_customers_tickets(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    other = make_customer(agent, "김철수", "010-5555-6666")
    older = open_ticket(agent, customer, kind, content="누수 문의", title="욕실 누수")
    newer = open_ticket(agent, customer, kind, content="주차 문의", title="주차 등록")
    theirs = open_ticket(agent, other, kind, content="다른 고객 문의", title="다른 고객")

    consultations = tab(web, customer, "consultations")
    listing = tab(web, customer, "tickets")

    assert ticket_numbers(consultations) == [newer.number_label, older.number_label]
    assert "주차 문의" in consultations
    assert "다른 고객 문의" not in consultations
    rows = re.findall(r'data-testid="ticket-row"', listing)
    assert len(rows) == 2
    assert "주차 등록" in listing
    assert "욕실 누수" in listing
    assert theirs.number_label not in listing
    assert "01:Received" in listing
    assert agent.name in listing


def test_cases_and_rows_link_to_the_ticket_form(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    try:
        ticket_url = reverse("crm:ticket", args=[ticket.pk])
        new_ticket_url = reverse("crm:ticket-new")
    except NoReverseMatch:  # pragma: no cover - the ticket pages belong to another module
        pytest.fail("crm:ticket and crm:ticket-new must exist for the customer window's links")

    consultations = tab(web, customer, "consultations")
    listing = tab(web, customer, "tickets")

    assert f'href="{ticket_url}"' in consultations
    assert f'data-href="{ticket_url}"' in listing
    assert f'href="{new_ticket_url}?customer={customer.pk}"' in consultations


def test_an_added_consultation_joins_the_case_and_completing_closes_it(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    """CC-45: 2 entries in the same case, no new ticket; CC-46: completed leaves the open list."""
    ticket = open_ticket(agent, customer, kind, content="누수 문의")

    added = web.post(
        reverse("crm:customer-add-consultation", args=[customer.pk, ticket.pk]),
        {"version": ticket.version, "content": "관리사무소 전달, 내일 방문"},
    )
    ticket.refresh_from_db()
    completed = web.post(
        reverse("crm:customer-complete-case", args=[customer.pk, ticket.pk]),
        {"version": ticket.version},
        follow=True,
    )

    assert added.status_code == 302
    assert added["Location"] == f"{window(customer)}?tab=consultations#case-{ticket.pk}"
    assert Ticket.objects.count() == 1
    assert list(TicketNote.objects.values_list("content", flat=True)) == [
        "관리사무소 전달, 내일 방문"
    ]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.COMPLETED
    assert not Ticket.objects.open().exists()
    page = completed.content.decode()
    assert f"Ticket {ticket.number_label} was completed." in page
    assert "누수 문의" in page
    assert "관리사무소 전달, 내일 방문" in page
    assert 'data-testid="complete-case"' not in page


def test_a_stale_window_is_told_who_changed_the_ticket_and_keeps_the_typed_text(
    web: Client,
    agent: User,
    agent2: User,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    ticket = open_ticket(agent, customer, kind)
    loaded_version = ticket.version
    tickets.add_consultation(ticket.pk, ticket.version, "다른 상담원의 추가", actor(agent2))

    response = web.post(
        reverse("crm:customer-add-consultation", args=[customer.pk, ticket.pk]),
        {"version": loaded_version, "content": "내가 쓴 상담"},
        follow=True,
    )
    stale_complete = web.post(
        reverse("crm:customer-complete-case", args=[customer.pk, ticket.pk]),
        {"version": loaded_version},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain == [
        (f"{window(customer)}?tab=consultations#case-{ticket.pk}", 302)
    ]
    assert f"Ticket {ticket.number_label} was changed by {agent2.name}" in page
    assert "내가 쓴 상담</textarea>" in page
    assert "다른 상담원의 추가" in page
    assert f"Ticket {ticket.number_label} was changed by" in stale_complete.content.decode()
    assert "내가 쓴 상담</textarea>" not in stale_complete.content.decode()
    assert TicketNote.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RECEIVED


def test_only_ones_own_recent_consultations_can_be_changed_without_the_editor_permission(
    web: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    theirs = tickets.add_consultation(ticket.pk, ticket.version, "상대방 메모", actor(agent2))
    ticket.refresh_from_db()
    mine = tickets.add_consultation(ticket.pk, ticket.version, "내 메모", actor(agent))

    page = tab(web, customer, "consultations")
    refused = web.post(
        reverse("crm:customer-edit-consultation", args=[customer.pk, theirs.pk]),
        {"content": "바꿔 보기"},
        follow=True,
    )
    edited = web.post(
        reverse("crm:customer-edit-consultation", args=[customer.pk, mine.pk]),
        {"content": "내 메모 (수정)"},
    )

    assert page.count('data-testid="edit-note"') == 1
    assert reverse("crm:customer-edit-consultation", args=[customer.pk, mine.pk]) in page
    assert reverse("crm:customer-edit-consultation", args=[customer.pk, theirs.pk]) not in page
    assert "you may change only what you wrote, within 24 hours" in refused.content.decode()
    assert "바꿔 보기</textarea>" not in refused.content.decode()
    assert edited.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.content, mine.content) == ("상대방 메모", "내 메모 (수정)")


def test_deleting_an_added_consultation_keeps_the_case_and_is_refused_after_a_day(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    """CC-47: one's own entry of today can be deleted; one older than a day cannot."""
    ticket = open_ticket(agent, customer, kind)
    old = tickets.add_consultation(ticket.pk, ticket.version, "어제 메모", actor(agent))
    ticket.refresh_from_db()
    today = tickets.add_consultation(ticket.pk, ticket.version, "오늘 메모", actor(agent))
    TicketNote.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))

    deleted = web.post(reverse("crm:customer-delete-consultation", args=[customer.pk, today.pk]))
    refused = web.post(
        reverse("crm:customer-delete-consultation", args=[customer.pk, old.pk]), follow=True
    )

    assert deleted.status_code == 302
    assert "you may change only what you wrote, within 24 hours" in refused.content.decode()
    assert list(TicketNote.objects.values_list("content", flat=True)) == ["어제 메모"]
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_another_customers_ticket_cannot_be_changed_through_this_window(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    other = make_customer(agent, "김철수", "010-5555-6666")
    theirs = open_ticket(agent, other, kind)

    response = web.post(
        reverse("crm:customer-complete-case", args=[customer.pk, theirs.pk]),
        {"version": theirs.version},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == TicketStatus.RECEIVED


@time_machine.travel(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False)
def test_completing_one_of_two_recalls_leaves_the_other_open(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    """CC-62 AC: of 2 recalls, complete 1; one remains open."""
    soon = open_ticket(agent, customer, kind, recall_at=timezone.now() + dt.timedelta(hours=1))
    later = open_ticket(agent, customer, kind, recall_at=timezone.now() + dt.timedelta(hours=5))
    open_ticket(agent, customer, kind)  # no recall: not in the tab

    before = tab(web, customer, "recalls")
    response = web.post(
        reverse("crm:customer-complete-recalls", args=[customer.pk]),
        {"tickets": [str(soon.pk)]},
        follow=True,
    )

    assert re.findall(r'name="tickets" value="(\d+)"', before) == [str(soon.pk), str(later.pk)]
    assert "2026-05-04 19:00" in before  # 10:00 UTC shown in Seoul time
    page = response.content.decode()
    assert "1 recall was completed." in page
    assert re.findall(r'name="tickets" value="(\d+)"', page) == [str(later.pk)]
    assert list(Ticket.objects.open_recalls().values_list("pk", flat=True)) == [later.pk]


def test_recall_completion_touches_only_this_customers_recalls(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    other = make_customer(agent, "김철수", "010-5555-6666")
    theirs = open_ticket(agent, other, kind, recall_at=timezone.now() + dt.timedelta(hours=1))

    response = web.post(
        reverse("crm:customer-complete-recalls", args=[customer.pk]),
        {"tickets": [str(theirs.pk)]},
        follow=True,
    )

    assert "Select the recalls to complete." in response.content.decode()
    assert list(Ticket.objects.open_recalls().values_list("pk", flat=True)) == [theirs.pk]


def test_the_call_tab_says_it_fills_once_connected(web: Client, customer: Customer) -> None:
    calls = tab(web, customer, "calls")

    assert "The calls with this customer will appear here once telephony is connected." in calls


def test_the_consultations_tab_is_paginated(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    made = [open_ticket(agent, customer, kind, content=f"문의 {n}") for n in range(21)]

    first = tab(web, customer, "consultations")
    second = web.get(window(customer), {"tab": "consultations", "page": "2"}).content.decode()

    assert first.count('data-testid="case"') == 20
    assert made[-1].number_label in first
    assert second.count('data-testid="case"') == 1
    assert made[0].number_label in second


def test_an_action_on_the_second_page_returns_to_it(
    web: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    oldest = open_ticket(agent, customer, kind, content="첫 문의")
    for n in range(20):
        open_ticket(agent, customer, kind, content=f"문의 {n}")

    response = web.post(
        reverse("crm:customer-add-consultation", args=[customer.pk, oldest.pk]),
        {"version": oldest.version, "content": "추가 상담", "page": "2"},
    )

    assert response["Location"] == (f"{window(customer)}?tab=consultations&page=2#case-{oldest.pk}")
    assert "추가 상담" in web.get(response["Location"]).content.decode()
