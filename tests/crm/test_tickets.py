"""The ticket actions of the ETS button bar and the 002 consultation rules (services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.utils import timezone, translation

from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.crm import tickets
from sangdam.crm.enums import TicketEventKind, TicketStatus
from sangdam.crm.errors import NotAllowed, TicketChanged
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.crm.crm import actor, open_ticket

pytestmark = pytest.mark.usefixtures("scoped")


def _kinds(ticket: Ticket) -> list[str]:
    return [event.kind for event in ticket.events.all()]


def test_f4_registers_a_numbered_ticket_as_received(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    first = open_ticket(agent, customer, kind)
    second = open_ticket(agent, customer, kind)

    assert first.status == TicketStatus.RECEIVED
    assert (first.number_label, second.number_label) == ("0000000001", "0000000002")
    assert first.customer_phone == "01012345678"
    assert first.customer_name == "홍길동"
    assert _kinds(first) == [TicketEventKind.RECEIVED]


def test_f4_names_every_missing_field(agent: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        tickets.save_new(tickets.TicketFields(), actor(agent))

    assert set(refused.value.errors) == {"customer_id", "consultation_type_id", "content"}
    assert not Ticket.objects.exists()


def test_f5_needs_an_assignee_and_puts_the_ticket_in_their_queue(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    data = tickets.TicketFields.of(ticket)

    with pytest.raises(InvalidInput) as refused:
        tickets.transfer(ticket.pk, ticket.version, data, None, actor(agent))
    assert "assignee_id" in refused.value.errors
    with pytest.raises(InvalidInput):
        tickets.transfer(ticket.pk, ticket.version, data, agent.pk, actor(agent))

    moved = tickets.transfer(ticket.pk, ticket.version, data, agent2.pk, actor(agent))

    assert moved.status == TicketStatus.TRANSFERRED
    assert moved.assignee == agent2
    assert moved.transferred_by == agent


def test_register_transfer_complete_and_follow_up_make_four_history_rows_in_order(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    ticket = tickets.transfer(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), agent2.pk, actor(agent)
    )
    ticket = tickets.complete(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), actor(agent2)
    )
    follow = tickets.follow_up_fields(ticket)
    assert follow.customer_id == customer.pk
    assert follow.content == ""
    new = tickets.save_new(replace(follow, content="추가 문의"), actor(agent2))

    assert _kinds(ticket) == [
        TicketEventKind.RECEIVED,
        TicketEventKind.TRANSFERRED,
        TicketEventKind.COMPLETED,
        TicketEventKind.FOLLOW_UP,
    ]
    assert [e.actor for e in ticket.events.all()] == [agent, agent, agent2, agent2]
    assert new.follows == ticket
    assert new.number == ticket.number + 1
    assert ticket.status == TicketStatus.COMPLETED


def test_f7_saves_the_content_and_keeps_the_status(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    ticket = tickets.transfer(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), agent2.pk, actor(agent)
    )
    changed = replace(tickets.TicketFields.of(ticket), content="배관 교체 예정")

    saved = tickets.save_edits(ticket.pk, ticket.version, changed, actor(agent2))

    saved.refresh_from_db()
    assert saved.content == "배관 교체 예정"
    assert saved.status == TicketStatus.TRANSFERRED
    assert saved.updated_by == agent2
    # The history line is written in the language of the one who saved (Korean by default).
    assert "상담내용" in saved.events.last().detail  # type: ignore[union-attr]


def test_a_stale_form_is_refused_with_who_changed_it(
    agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    loaded_version = ticket.version
    tickets.save_edits(
        ticket.pk,
        loaded_version,
        replace(tickets.TicketFields.of(ticket), content="먼저 저장"),
        actor(agent2),
    )

    with translation.override("en"), pytest.raises(TicketChanged) as refused:
        tickets.save_edits(
            ticket.pk,
            loaded_version,
            replace(tickets.TicketFields.of(ticket), content="나중 저장"),
            actor(agent),
        )

    assert "was changed by 이상담" in refused.value.message
    ticket.refresh_from_db()
    assert ticket.content == "먼저 저장"


def test_f12_keeps_a_half_filled_ticket_out_of_the_queues_until_f4(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    draft = tickets.temp_save(tickets.TicketFields(customer_id=customer.pk), actor(agent))
    assert draft.is_draft
    assert not Ticket.objects.open().exists()

    registered = tickets.save_new(
        tickets.TicketFields(customer_id=customer.pk, consultation_type_id=kind.pk, content="x"),
        actor(agent),
        draft_pk=draft.pk,
        version=draft.version,
    )

    assert registered.pk == draft.pk
    assert not registered.is_draft
    assert list(Ticket.objects.open()) == [registered]


def test_discard_needs_a_reason_and_the_creator(
    agent: User, agent2: User, admin: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)
    with pytest.raises(NotAllowed):
        tickets.discard(ticket.pk, ticket.version, "중복", actor(agent2))
    with pytest.raises(InvalidInput):
        tickets.discard(ticket.pk, ticket.version, " ", actor(agent))

    tickets.discard(ticket.pk, ticket.version, "중복 접수", actor(admin))

    assert not Ticket.objects.open().exists()
    assert Ticket.objects.get().discard_reason == "중복 접수"


def test_adding_a_consultation_keeps_one_case_with_two_entries(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)

    tickets.add_consultation(ticket.pk, ticket.version, "재방문 예정", actor(agent))

    assert Ticket.objects.count() == 1
    assert [n.content for n in ticket.notes.all()] == ["재방문 예정"]


def test_a_normal_agent_may_change_own_record_for_24_hours_only(
    agent: User, agent2: User, editor: User, customer: Customer, kind: ConsultationType
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = open_ticket(agent, customer, kind)
        ticket = tickets.complete(
            ticket.pk, ticket.version, tickets.TicketFields.of(ticket), actor(agent)
        )
    edit = replace(tickets.TicketFields.of(ticket), content="정정")

    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        with pytest.raises(NotAllowed):
            tickets.save_edits(ticket.pk, ticket.version, edit, actor(agent))
        with pytest.raises(NotAllowed):
            tickets.delete_ticket(ticket.pk, ticket.version, actor(agent))
        tickets.save_edits(ticket.pk, ticket.version, edit, actor(editor))

    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        ticket.refresh_from_db()
        with pytest.raises(NotAllowed):
            tickets.save_edits(ticket.pk, ticket.version, edit, actor(agent2))
        tickets.delete_ticket(ticket.pk, ticket.version, actor(agent))
    assert not Ticket.objects.exists()


def test_recall_completion_completes_only_the_selected(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    later = timezone.now() + dt.timedelta(hours=2)
    first = open_ticket(agent, customer, kind, recall_at=later)
    second = open_ticket(agent, customer, kind, recall_at=later)

    assert tickets.complete_recalls([first.pk], actor(agent)) == 1

    assert list(Ticket.objects.open_recalls()) == [second]


def test_a_recall_time_in_the_past_is_refused(
    agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with pytest.raises(InvalidInput) as refused:
        open_ticket(agent, customer, kind, recall_at=timezone.now() - dt.timedelta(minutes=5))
    assert "recall_at" in refused.value.errors
