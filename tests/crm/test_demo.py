"""The demo contact center: idempotent, every state present, work waiting today, tenants apart."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from sangdam.accounts.demo import load_demo as load_accounts
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import queues
from sangdam.crm.customers import CustomerSearch, search_customers
from sangdam.crm.demo import CUSTOMERS, DEMO2_CUSTOMERS
from sangdam.crm.demo import load_demo as load_crm
from sangdam.crm.enums import InflowChannel, TicketEventKind, TicketStatus
from sangdam.crm.models import (
    ConsultationType,
    Customer,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNote,
)
from sangdam.crm.phones import is_mobile, normalize_phone

SEOUL = ZoneInfo("Asia/Seoul")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _afternoon() -> Iterator[None]:
    # "Earlier today" and "later today" both exist only away from midnight.
    with time_machine.travel(dt.datetime(2026, 11, 23, 14, 0, tzinfo=SEOUL), tick=True):
        yield


def load() -> str:
    out = StringIO()
    load_accounts(out)
    load_crm(out)
    return out.getvalue()


def demo() -> Organization:
    return Organization.objects.get(service_name="demo")


def counts() -> dict[str, int]:
    with tenant_scope(demo()):
        return {
            "types": ConsultationType.objects.count(),
            "customers": Customer.objects.count(),
            "tickets": Ticket.objects.count(),
            "notes": TicketNote.objects.count(),
            "events": TicketEvent.objects.count(),
            "open": Ticket.objects.open().count(),
        }


def agents() -> tuple[User, User]:
    with tenant_scope(demo()):
        return User.objects.get(username="agent1"), User.objects.get(username="agent2")


def test_loading_twice_replaces_the_demo_records_instead_of_adding_to_them() -> None:
    output = load()
    first = counts()
    load()

    assert counts() == first
    assert first["customers"] == CUSTOMERS
    assert 15 <= first["types"] <= 30
    assert first["tickets"] > 300
    assert f"Demo CRM: {CUSTOMERS} customers, {first['tickets']} tickets" in output
    with tenant_scope(demo()):
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert TicketCounter.objects.get().last_number == len(numbers)


def test_the_demo_also_runs_from_the_demo_command() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert f"Demo CRM: {CUSTOMERS} customers" in out.getvalue()


def test_the_type_tree_has_three_levels_with_korean_names() -> None:
    load()
    with tenant_scope(demo()):
        leak = ConsultationType.objects.get(name="누수", level=2)
        assert leak.parent is not None
        assert leak.parent.name == "시설/하자"
        assert set(leak.children.values_list("name", flat=True)) >= {"욕실", "주방"}
        assert set(ConsultationType.objects.values_list("level", flat=True)) == {1, 2, 3}


def test_customers_live_in_two_complexes_with_unique_valid_mobile_numbers() -> None:
    load()
    with tenant_scope(demo()):
        customers = list(Customer.objects.all())
    mobiles = [c.mobile for c in customers]
    assert len(set(mobiles)) == len(mobiles)
    assert all(is_mobile(m) and normalize_phone(m) == m for m in mobiles)
    assert all(normalize_phone(c.phone) == c.phone for c in customers)
    assert {c.apartment for c in customers} == {"래미안 센트럴", "푸르지오 더 퍼스트"}
    assert {c.block for c in customers} <= {f"{n}동" for n in range(101, 111)}
    assert len({(c.apartment, c.block, c.unit) for c in customers}) == len(customers)
    assert any(c.phone for c in customers)
    assert any(c.is_vip for c in customers)
    assert any(c.needs_caution for c in customers)
    assert any(c.sms_opt_out for c in customers)
    assert any(c.move_in_date is None for c in customers)
    assert any(c.move_in_date is not None for c in customers)


def test_tickets_exist_in_every_state_with_the_history_the_actions_write() -> None:
    load()
    with tenant_scope(demo()):
        tickets = list(Ticket.objects.prefetch_related("events"))
    states = Counter(
        "discarded" if t.is_discarded else "draft" if t.is_draft else t.status for t in tickets
    )
    assert set(states) == {
        TicketStatus.RECEIVED,
        TicketStatus.TRANSFERRED,
        TicketStatus.COMPLETED,
        "draft",
        "discarded",
    }
    assert states[TicketStatus.COMPLETED] > 0.8 * len(tickets)
    for ticket in tickets:
        kinds = [e.kind for e in ticket.events.all()]
        assert kinds[0] == (
            TicketEventKind.TEMP_SAVED if ticket.is_draft else TicketEventKind.RECEIVED
        ), ticket
        assert (TicketEventKind.COMPLETED in kinds) == (ticket.status == TicketStatus.COMPLETED)
        assert (TicketEventKind.DISCARDED in kinds) == ticket.is_discarded
        if ticket.is_discarded:
            assert ticket.discard_reason
        if ticket.status == TicketStatus.TRANSFERRED:
            assert ticket.assignee is not None
            assert ticket.transferred_by is not None
            assert kinds[-1] in (TicketEventKind.TRANSFERRED, TicketEventKind.CONSULTATION_ADDED)
        if ticket.status == TicketStatus.COMPLETED:
            assert ticket.completed_at is not None
            assert ticket.completed_by is not None
        last = max(e.occurred_at for e in ticket.events.all() if e.kind != "FOLLOW_UP")
        assert ticket.updated_at == last, ticket
        assert ticket.received_at <= ticket.updated_at <= timezone.now()


def test_both_agents_have_received_and_sent_transfers_and_callbacks() -> None:
    load()
    agent1, agent2 = agents()
    with tenant_scope(demo()):
        for agent in (agent1, agent2):
            counts = queues.queue_counts(agent)
            assert counts[queues.Queue.RECEIVED_TRANSFERS] > 0, agent
            assert counts[queues.Queue.SENT_TRANSFERS] > 0, agent
            assert counts[queues.Queue.MINE] > 0, agent
            assert counts[queues.Queue.CALLBACKS] > 0, agent
        received = queues.queue(agent2, queues.Queue.RECEIVED_TRANSFERS)
        assert {t.transferred_by for t in received} >= {agent1}
        callbacks = queues.queue(agent1, queues.Queue.CALLBACKS)
        assert all(t.channel == InflowChannel.CALLBACK for t in callbacks)


def test_some_open_tickets_are_overdue_and_recalls_are_due_today() -> None:
    load()
    agent1, _agent2 = agents()
    now = timezone.now()
    today = timezone.localdate(now)
    with tenant_scope(demo()):
        open_tickets = list(Ticket.objects.open())
        overdue = [t for t in open_tickets if t.is_overdue(now)]
        assert any(t.due_at is not None and t.due_at < now for t in overdue)
        assert any((today - timezone.localdate(t.received_at)).days >= 41 for t in overdue)
        assert any(timezone.localdate(t.received_at) == today for t in open_tickets)
        recalls = [t.recall_at for t in Ticket.objects.open_recalls() if t.recall_at]
        due_today = [at for at in recalls if timezone.localdate(at) == today]
        assert any(at < now for at in due_today)
        assert any(at > now for at in due_today)
        assert any(timezone.localdate(at) > today for at in recalls)
        mine = queues.queue(agent1, queues.Queue.RECALLS)
        assert any(t.recall_at and timezone.localdate(t.recall_at) == today for t in mine)
        assert TicketNote.objects.filter(ticket__status=TicketStatus.TRANSFERRED).exists()


def test_demo2_sees_only_its_own_customers() -> None:
    load()
    with tenant_scope(demo()):
        demo_mobile = Customer.objects.get(name="홍길동").mobile
        assert list(search_customers(CustomerSearch(text=demo_mobile)))
    demo2 = Organization.objects.get(service_name="demo2")
    with tenant_scope(demo2):
        assert Customer.objects.count() == DEMO2_CUSTOMERS
        assert not search_customers(CustomerSearch(text=demo_mobile)).exists()
        assert not search_customers(CustomerSearch(apartment="래미안")).exists()
        assert Ticket.objects.count() == 0
        assert ConsultationType.objects.filter(name="누수").count() == 0
