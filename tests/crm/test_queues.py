"""The agent work queues and the period lists (SPEC CS-F, CS-G, CC-F) as services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation

from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import queues, tickets
from sangdam.crm.enums import InflowChannel
from sangdam.crm.models import ConsultationType, Customer, Ticket
from sangdam.crm.queues import Queue
from tests.crm.crm import actor, make_customer, make_type, open_ticket

pytestmark = pytest.mark.usefixtures("scoped")

SEOUL_NOON = dt.datetime(2031, 3, 10, 12, 0, tzinfo=dt.UTC) - dt.timedelta(hours=9)


def _transfer(ticket: Ticket, by: User, to: User) -> Ticket:
    return tickets.transfer(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), to.pk, actor(by)
    )


def _complete(ticket: Ticket, by: User) -> Ticket:
    ticket.refresh_from_db()
    return tickets.complete(ticket.pk, ticket.version, tickets.TicketFields.of(ticket), actor(by))


def _numbers(found: object) -> list[str]:
    return [ticket.number_label for ticket in found]  # type: ignore[attr-defined]


def _at(moment: dt.datetime, user: User, customer: Customer, kind: ConsultationType) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return open_ticket(user, customer, kind)


# ------------------------------------------------------------------------------ CS-34 .. CS-39


def test_counts_show_received_transfers_and_own_tickets_and_completing_decrements(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    for _ in range(2):
        _transfer(open_ticket(agent2, customer, kind), agent2, agent)
    mine = [open_ticket(agent, customer, kind) for _ in range(3)]

    counts = queues.queue_counts(agent)
    assert counts[Queue.RECEIVED_TRANSFERS] == 2
    assert counts[Queue.MINE] == 3
    assert queues.unprocessed_total(agent) == 5

    _complete(mine[0], agent)

    assert queues.queue_counts(agent)[Queue.MINE] == 2
    assert queues.unprocessed_total(agent) == 4


def test_a_transfer_sits_in_the_receivers_and_the_senders_queue_until_completed(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = _transfer(open_ticket(agent, customer, kind), agent, agent2)

    assert list(queues.queue(agent2, Queue.RECEIVED_TRANSFERS)) == [ticket]
    assert list(queues.queue(agent, Queue.SENT_TRANSFERS)) == [ticket]
    assert not queues.queue(agent, Queue.RECEIVED_TRANSFERS).exists()
    assert queues.unprocessed_total(agent2) == 1

    _complete(ticket, agent2)

    assert not queues.queue(agent2, Queue.RECEIVED_TRANSFERS).exists()
    assert not queues.queue(agent, Queue.SENT_TRANSFERS).exists()
    assert queues.unprocessed_total(agent) == 0


def test_callback_tickets_are_under_callbacks_and_not_under_my_tickets(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    call = open_ticket(agent, customer, kind)
    callback = open_ticket(agent, customer, kind, channel=InflowChannel.CALLBACK)
    handed = _transfer(
        open_ticket(agent2, customer, kind, channel=InflowChannel.CALLBACK), agent2, agent
    )

    assert list(queues.queue(agent, Queue.MINE)) == [call]
    assert list(queues.queue(agent, Queue.CALLBACKS)) == [callback, handed]
    assert not queues.queue(agent2, Queue.CALLBACKS).exists()


def test_temp_saved_and_discarded_tickets_stay_out_of_the_counts(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    tickets.temp_save(tickets.TicketFields(customer_id=customer.pk), actor(agent))
    gone = open_ticket(agent, customer, kind)
    tickets.discard(gone.pk, gone.version, "중복 접수", actor(agent))

    assert queues.unprocessed_total(agent) == 0
    assert set(queues.queue_counts(agent).values()) == {0}


def test_the_recalls_tab_lists_my_open_recalls_soonest_first(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    later = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(days=2))
    sooner = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(hours=1))
    open_ticket(agent2, customer, kind, recall_at=now + dt.timedelta(hours=2))

    assert list(queues.queue(agent, Queue.RECALLS)) == [sooner, later]


# ------------------------------------------------------------------------------ CS-41, CS-42


def test_overdue_is_a_past_due_date_or_more_than_three_days_open(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with time_machine.travel(SEOUL_NOON, tick=False):
        now = timezone.now()
        due_yesterday = open_ticket(agent, customer, kind, due_at=now - dt.timedelta(days=1))
        fresh = open_ticket(agent, customer, kind, due_at=now + dt.timedelta(days=2))
    old = _at(SEOUL_NOON - dt.timedelta(days=4), agent, customer, kind)
    done = _complete(_at(SEOUL_NOON - dt.timedelta(days=5), agent, customer, kind), agent)

    found = {row.ticket.pk: row.overdue for row in queues.rows([due_yesterday, fresh, old], now)}
    assert found == {due_yesterday.pk: True, fresh.pk: False, old.pk: True}
    assert queues.rows([done], now)[0].overdue is False


def test_elapsed_label_counts_calendar_days_in_the_tenant_zone(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    # 00:30 in Seoul: the previous evening in UTC is still "today" for the tenant.
    early = dt.datetime(2031, 3, 10, 0, 30, tzinfo=dt.UTC) - dt.timedelta(hours=9)
    today = _at(early, agent, customer, kind)
    old = _at(SEOUL_NOON - dt.timedelta(days=41), agent, customer, kind)

    with time_machine.travel(SEOUL_NOON, tick=False), translation.override("en"):
        now = timezone.now()
        labels = [row.elapsed for row in queues.rows([today, old], now)]

    # 접수당일, 접수 41일 지난
    assert labels == ["Received today", "Received 41 days ago"]


# ---------------------------------------------------------------------------- periods (CC-F)


def test_ignoring_the_period_reaches_one_year_back(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    eleven = _at(timezone.now() - dt.timedelta(days=335), agent, customer, kind)
    _at(timezone.now() - dt.timedelta(days=395), agent, customer, kind)
    recent = open_ticket(agent, customer, kind)

    assert list(queues.incomplete(queues.period(None, None, ignore=True))) == [recent, eleven]
    assert list(queues.incomplete(queues.period(None, None))) == [recent]


def test_a_completed_consultation_leaves_the_incomplete_list(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    first = open_ticket(agent, customer, kind)
    second = open_ticket(agent, customer, kind)
    week = queues.period(None, None)

    _complete(first, agent)

    assert list(queues.incomplete(week)) == [second]


def test_the_incomplete_list_can_be_narrowed_to_an_agent(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    mine = open_ticket(agent, customer, kind)
    theirs = open_ticket(agent2, customer, kind)
    handed = _transfer(open_ticket(agent, customer, kind), agent, agent2)
    week = queues.period(None, None)

    assert list(queues.incomplete(week, agent=agent)) == [mine]
    assert list(queues.incomplete(week, agent=agent2)) == [handed, theirs]


def test_a_period_must_start_before_it_ends_and_within_a_year() -> None:
    today = timezone.localdate()
    with translation.override("en"):
        with pytest.raises(InvalidInput) as backwards:
            queues.period(today, today - dt.timedelta(days=1))
        with pytest.raises(InvalidInput) as too_old:
            queues.period(today - dt.timedelta(days=400), today)

    assert backwards.value.errors == {"start": ["The start date is after the end date."]}
    assert list(too_old.value.errors) == ["start"]
    assert "at the earliest" in too_old.value.errors["start"][0]
    # 기간무시: the dates do not count.
    assert queues.period(today - dt.timedelta(days=400), today, ignore=True).ignore
    assert queues.period(today, today - dt.timedelta(days=1), ignore=True).ignore


def test_recall_list_shows_open_recalls_in_the_period_and_completion_takes_the_selected(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    first = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(hours=3))
    second = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(days=1))
    open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(days=20))
    today = timezone.localdate()
    fortnight = queues.period(today - dt.timedelta(days=7), today + dt.timedelta(days=7))

    assert list(queues.recalls(fortnight)) == [first, second]

    tickets.complete_recalls([second.pk], actor(agent))

    assert list(queues.recalls(fortnight)) == [first]


def test_recall_state_marks_today_and_past_recalls(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with time_machine.travel(SEOUL_NOON - dt.timedelta(days=1), tick=False):
        moment = timezone.now()
        past = open_ticket(agent, customer, kind, recall_at=moment + dt.timedelta(hours=20))
        today = open_ticket(agent, customer, kind, recall_at=moment + dt.timedelta(hours=26))
        later = open_ticket(agent, customer, kind, recall_at=moment + dt.timedelta(days=3))

    states = [row.recall for row in queues.rows([past, today, later], SEOUL_NOON)]

    assert states == [queues.RecallState.PAST, queues.RecallState.TODAY, queues.RecallState.LATER]


# ------------------------------------------------------------------------------ history tabs


def test_drafts_are_the_users_own_temp_saved_tickets_last_saved_first(
    agent: User, agent2: User, customer: Customer
) -> None:
    first = tickets.temp_save(tickets.TicketFields(customer_id=customer.pk), actor(agent))
    second = tickets.temp_save(tickets.TicketFields(title="반품 문의"), actor(agent))
    tickets.temp_save(tickets.TicketFields(title="다른 상담사"), actor(agent2))
    gone = tickets.temp_save(tickets.TicketFields(title="버림"), actor(agent))
    tickets.discard(gone.pk, gone.version, "잘못 입력", actor(agent))

    assert list(queues.drafts(agent)) == [second, first]


def test_recent_transfers_are_mine_for_agents_and_everyones_for_admins(
    agent: User, agent2: User, admin: User, customer: Customer, kind: ConsultationType
) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        _transfer(open_ticket(agent, customer, kind), agent, agent2)
    sent = _transfer(open_ticket(agent, customer, kind), agent, agent2)
    received = _transfer(open_ticket(agent2, customer, kind), agent2, agent)
    others = _transfer(open_ticket(agent2, customer, kind), agent2, admin)
    now = timezone.now()

    assert list(queues.recent_transfers(agent, now)) == [received, sent]
    assert list(queues.recent_transfers(admin, now, everyone=True)) == [others, received, sent]


def test_all_history_finds_another_agents_ticket_by_period_and_by_number(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    old = _at(timezone.now() - dt.timedelta(days=60), agent2, customer, kind)
    new = open_ticket(agent2, customer, kind)
    today = timezone.localdate()

    week = queues.search_history(queues.HistorySearch())
    quarter = queues.search_history(queues.HistorySearch(start=today - dt.timedelta(days=90)))
    by_number = queues.search_history(queues.HistorySearch(number=old.number_label))

    assert list(week) == [new]
    assert list(quarter) == [new, old]
    assert list(by_number) == [old]


def test_all_history_filters_by_status_type_agent_and_customer(
    organization: Organization,
    agent: User,
    agent2: User,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    child = make_type(organization, "누수", parent=kind)
    other_kind = make_type(organization, "배송문의")
    other = make_customer(agent, name="김영희", mobile="010-9876-5432")
    leak = open_ticket(agent, customer, child)
    delivery = open_ticket(agent2, other, other_kind)
    done = _complete(open_ticket(agent2, other, other_kind), agent2)
    draft = tickets.temp_save(tickets.TicketFields(title="작성 중"), actor(agent))
    thrown = open_ticket(agent, customer, kind)
    tickets.discard(thrown.pk, thrown.version, "중복", actor(agent))

    def found(**criteria: object) -> list[Ticket]:
        return list(queues.search_history(queues.HistorySearch(**criteria)))  # type: ignore[arg-type]

    assert found() == [done, delivery, leak]
    assert found(include_discarded=True) == [thrown, done, delivery, leak]
    assert found(status="07") == [done]
    assert found(status="01") == [delivery, leak]
    assert found(status="draft") == [draft]
    assert found(consultation_type_id=kind.pk) == [leak]
    assert found(received_by_id=agent2.pk) == [done, delivery]
    assert found(customer="김영") == [done, delivery]
    assert found(customer="010-9876-5432") == [done, delivery]
    assert found(customer="0109876") == [done, delivery]
    assert found(customer="1234") == []


def test_all_history_names_each_unusable_criterion() -> None:
    today = timezone.localdate()
    search = queues.HistorySearch(
        start=today - dt.timedelta(days=400),
        status="99",
        number="12ab",
        customer="010",
        consultation_type_id=999_999,
        received_by_id=999_999,
    )

    with pytest.raises(InvalidInput) as refused:
        queues.search_history(search)

    assert set(refused.value.errors) == {
        "start",
        "status",
        "number",
        "customer",
        "consultation_type",
        "received_by",
    }


@pytest.fixture
def outsider_ticket(other_organization: Organization, other_admin: User) -> Ticket:
    with tenant_scope(other_organization):
        kind = make_type(other_organization)
        customer = make_customer(other_admin)
        open_ticket(other_admin, customer, kind)
        # Number 2 exists only in the other organization.
        return open_ticket(other_admin, customer, kind)


def test_lists_never_show_another_organizations_tickets(
    agent: User,
    admin: User,
    customer: Customer,
    kind: ConsultationType,
    outsider_ticket: Ticket,
) -> None:
    ours = open_ticket(agent, customer, kind)
    week = queues.period(None, None)

    assert list(queues.incomplete(week)) == [ours]
    assert list(queues.search_history(queues.HistorySearch())) == [ours]
    assert not queues.search_history(queues.HistorySearch(number=outsider_ticket.number_label))
    assert queues.unprocessed_total(admin) == 0


def test_the_paginator_stops_counting_at_its_cap(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    for _ in range(5):
        open_ticket(agent, customer, kind)
    everything = Ticket.objects.order_by("pk")

    capped = queues.CappedPaginator(everything, per_page=2, cap=3)
    full = queues.CappedPaginator(everything, per_page=2, cap=10)

    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    assert (full.count, full.capped, full.num_pages) == (5, False, 3)


def test_the_queues_read_the_partial_indexes_of_open_tickets(agent: User) -> None:
    """SQLite uses a partial index only when the query repeats its condition literally."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses its plans by cost; SQLite's rule is checked here")
    week = queues.period(None, None)
    expected = {
        "crm_ticket_open_assignee": queues.queue(agent, Queue.RECEIVED_TRANSFERS),
        "crm_ticket_open_sender": queues.queue(agent, Queue.SENT_TRANSFERS),
        "crm_ticket_open_creator": queues.queue(agent, Queue.MINE),
        "crm_ticket_open_received": queues.incomplete(week),
        "crm_ticket_open_recall": queues.recalls(week),
    }

    for index, listed in expected.items():
        sql, params = listed.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert index in plan, plan
