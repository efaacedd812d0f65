"""The work lists through the JSON API (/api/v1/crm/queues, incomplete, recalls, tickets)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import tickets
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.accounts.test_api import Api, token_for
from tests.crm.crm import actor, make_customer, make_type, open_ticket
from tests.factories import make_user


def _transfer(ticket: Ticket, by: User, to: User) -> Ticket:
    return tickets.transfer(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), to.pk, actor(by)
    )


@pytest.fixture
def api(agent: User) -> Api:
    agent.language = "en"
    agent.save(update_fields=["language"])
    return Api(token_for(agent))


def _numbers(response: object) -> list[str]:
    return [row["number"] for row in response.json()["results"]]  # type: ignore[attr-defined]


def test_queue_counts_and_a_queue_page(
    api: Api, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        received = _transfer(open_ticket(agent2, customer, kind), agent2, agent)
        with time_machine.travel(timezone.now() - dt.timedelta(days=4)):
            old = open_ticket(agent, customer, kind, title="오래된 접수")
        new = open_ticket(agent, customer, kind)

    counts = api.get("/crm/queues").json()
    mine = api.get("/crm/queues/mine")

    assert counts["total"] == 3
    assert {tab["tab"]: tab["count"] for tab in counts["tabs"]} == {
        "received": 1,
        "sent": 0,
        "mine": 2,
        "callbacks": 0,
        "recalls": 0,
    }
    assert mine.status_code == 200
    body = mine.json()
    assert (body["count"], body["more"], body["page"], body["pages"]) == (2, False, 1, 1)
    first, second = body["results"]
    assert (first["number"], second["number"]) == (old.number_label, new.number_label)
    assert (first["overdue"], second["overdue"]) == (True, False)
    assert first["title"] == "오래된 접수"
    assert first["customer_phone_display"] == "010-1234-5678"
    assert first["received_by"] == "김상담"
    # 접수 4일 지난, 접수당일
    assert (first["elapsed"], second["elapsed"]) == ("Received 4 days ago", "Received today")
    assert _numbers(api.get("/crm/queues/received")) == [received.number_label]


def test_an_unknown_queue_or_page_is_refused_naming_the_field(api: Api) -> None:
    tab = api.get("/crm/queues/everything")
    page = api.get("/crm/queues/mine", page=0)

    assert tab.status_code == 400
    assert tab.json()["errors"][0]["field"] == "tab"
    assert page.status_code == 400
    assert page.json()["errors"][0]["field"] == "page"


def test_incomplete_with_and_without_the_period(
    api: Api, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        with time_machine.travel(timezone.now() - dt.timedelta(days=335)):
            eleven = open_ticket(agent, customer, kind, content="열한 달 전 상담")
        with time_machine.travel(timezone.now() - dt.timedelta(days=395)):
            open_ticket(agent, customer, kind)
        recent = open_ticket(agent, customer, kind)

    week = api.get("/crm/incomplete")
    year = api.get("/crm/incomplete", ignore_period="true")

    assert _numbers(week) == [recent.number_label]
    assert _numbers(year) == [recent.number_label, eleven.number_label]
    assert year.json()["results"][1]["excerpt"] == "열한 달 전 상담"


def test_period_filters_are_checked_and_named(api: Api) -> None:
    today = timezone.localdate()

    backwards = api.get(
        "/crm/incomplete",
        start=today.isoformat(),
        end=(today - dt.timedelta(days=1)).isoformat(),
        agent=999_999,
    )
    too_old = api.get("/crm/recalls", start=(today - dt.timedelta(days=400)).isoformat())
    bad_search = api.get("/crm/tickets/search", status="05", customer="01")

    assert backwards.status_code == 400
    assert {e["field"] for e in backwards.json()["errors"]} == {"start", "agent"}
    assert too_old.status_code == 400
    assert [e["field"] for e in too_old.json()["errors"]] == ["start"]
    assert bad_search.status_code == 400
    assert {e["field"] for e in bad_search.json()["errors"]} == {"status", "customer"}


def test_recalls_list_open_recalls_soonest_first(
    api: Api, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        later = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(days=2))
        sooner = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(hours=2))
        done = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(hours=3))
        tickets.complete_recalls([done.pk], actor(agent))

    body = api.get("/crm/recalls").json()

    assert [row["number"] for row in body["results"]] == [
        sooner.number_label,
        later.number_label,
    ]
    assert {row["recall_state"] for row in body["results"]} <= {"today", "later"}


def test_ticket_search_finds_another_agents_ticket_by_period_and_number(
    api: Api, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        with time_machine.travel(timezone.now() - dt.timedelta(days=50)):
            old = open_ticket(agent2, customer, kind)
        new = open_ticket(agent2, customer, kind)
    today = timezone.localdate()

    week = api.get("/crm/tickets/search")
    quarter = api.get("/crm/tickets/search", start=(today - dt.timedelta(days=90)).isoformat())
    by_number = api.get("/crm/tickets/search", number=old.number_label)
    by_agent = api.get("/crm/tickets/search", received_by=agent.pk)

    assert _numbers(week) == [new.number_label]
    assert _numbers(quarter) == [new.number_label, old.number_label]
    assert _numbers(by_number) == [old.number_label]
    assert _numbers(by_agent) == []


def test_the_lists_are_for_agents_and_admins_of_the_caller_organization(
    organization: Organization,
    agent: User,
    customer: Customer,
    kind: ConsultationType,
    other_organization: Organization,
    other_admin: User,
) -> None:
    with tenant_scope(organization):
        open_ticket(agent, customer, kind)
        open_ticket(agent, customer, kind)
    with tenant_scope(other_organization):
        open_ticket(
            other_admin, make_customer(other_admin, name="외부"), make_type(other_organization)
        )
    organizer = make_user(organization=organization, username="organizer", role=Role.FAIR_ORGANIZER)

    outsider = Api(token_for(other_admin))
    refused = Api(token_for(organizer))

    assert [
        row["customer_name"] for row in outsider.get("/crm/tickets/search").json()["results"]
    ] == ["외부"]
    assert outsider.get("/crm/incomplete").json()["count"] == 1
    for path in ("/crm/queues", "/crm/queues/mine", "/crm/incomplete", "/crm/recalls"):
        assert refused.get(path).status_code == 403
    assert refused.get("/crm/tickets/search").status_code == 403
