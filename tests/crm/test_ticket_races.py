"""Two agents acting on the same ticket at once, each on their own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from django.db import connections
from django.utils import translation

from sangdam.accounts.models import User
from sangdam.core.errors import SangdamError
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import tickets
from sangdam.crm.enums import TicketEventKind, TicketStatus
from sangdam.crm.models import Ticket
from tests.crm.crm import actor, make_agent, make_customer, make_type

pytestmark = pytest.mark.django_db(transaction=True)


def race(organization: Organization, **actions: Callable[[], object]) -> dict[str, str]:
    """Run the named actions at the same moment; "ok" or the refusal's message for each."""
    start = threading.Barrier(len(actions))
    outcomes: dict[str, str] = {}

    def go(name: str, action: Callable[[], object]) -> None:
        try:
            start.wait()
            with translation.override("en"), tenant_scope(organization):
                action()
            outcomes[name] = "ok"
        except SangdamError as error:
            outcomes[name] = f"{type(error).__name__}: {error.message}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(actions), "a thread did not finish"
    return outcomes


def _arrange(organization: Organization) -> tuple[User, User, User, Ticket]:
    first = make_agent(organization, "agent1", name="김상담")
    second = make_agent(organization, "agent2", name="이상담")
    third = make_agent(organization, "agent3", name="박상담")
    with tenant_scope(organization):
        customer = make_customer(first)
        kind = make_type(organization)
        ticket = tickets.save_new(
            tickets.TicketFields(
                customer_id=customer.pk, consultation_type_id=kind.pk, content="처음"
            ),
            actor(first),
        )
    return first, second, third, ticket


def _winner(outcomes: dict[str, str], names: dict[str, str]) -> tuple[str, str]:
    """The one action that went through and the other's refusal, which must name the winner."""
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1, outcomes
    (loser,) = set(outcomes) - set(winners)
    assert outcomes[loser].startswith(
        f"TicketChanged: Ticket 0000000001 was changed by {names[winners[0]]} at "
    ), outcomes
    return winners[0], loser


def test_two_agents_saving_the_same_ticket_at_once_one_wins_and_the_other_is_told(
    organization: Organization,
) -> None:
    first, second, _third, ticket = _arrange(organization)
    loaded = tickets.TicketFields.of(ticket)

    outcomes = race(
        organization,
        first=lambda: tickets.save_edits(
            ticket.pk, ticket.version, replace(loaded, content="김상담의 내용"), actor(first)
        ),
        second=lambda: tickets.save_edits(
            ticket.pk, ticket.version, replace(loaded, content="이상담의 내용"), actor(second)
        ),
    )

    winner, _loser = _winner(outcomes, {"first": "김상담", "second": "이상담"})
    with tenant_scope(organization):
        stored = Ticket.objects.get(pk=ticket.pk)
        edits = list(stored.events.filter(kind=TicketEventKind.EDITED))
    assert stored.content == {"first": "김상담의 내용", "second": "이상담의 내용"}[winner]
    assert stored.version == ticket.version + 1
    assert len(edits) == 1


def test_transfer_and_complete_at_once_leave_one_outcome(organization: Organization) -> None:
    first, second, third, ticket = _arrange(organization)
    loaded = tickets.TicketFields.of(ticket)

    outcomes = race(
        organization,
        transfer=lambda: tickets.transfer(
            ticket.pk, ticket.version, loaded, third.pk, actor(first)
        ),
        complete=lambda: tickets.complete(ticket.pk, ticket.version, loaded, actor(second)),
    )

    winner, _loser = _winner(outcomes, {"transfer": "김상담", "complete": "이상담"})
    with tenant_scope(organization):
        stored = Ticket.objects.get(pk=ticket.pk)
        kinds = [event.kind for event in stored.events.all()]
    if winner == "transfer":
        assert (stored.status, stored.assignee_id, stored.completed_at) == (
            TicketStatus.TRANSFERRED,
            third.pk,
            None,
        )
        assert kinds == [TicketEventKind.RECEIVED, TicketEventKind.TRANSFERRED]
    else:
        assert (stored.status, stored.assignee_id) == (TicketStatus.COMPLETED, None)
        assert kinds == [TicketEventKind.RECEIVED, TicketEventKind.COMPLETED]
