"""The work-list pages: 담당자관련이력, 미완료 상담, 리콜, 임시저장, 최근이관, 전체상담 이력."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import tickets
from sangdam.crm.enums import InflowChannel, TicketStatus
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.conftest import ClientOf
from tests.crm.crm import actor, make_agent, make_customer, make_type, open_ticket


def _transfer(ticket: Ticket, by: User, to: User) -> Ticket:
    return tickets.transfer(
        ticket.pk, ticket.version, tickets.TicketFields.of(ticket), to.pk, actor(by)
    )


def _row(html: str, ticket: Ticket) -> str:
    """The <tr> of one ticket in a list page ("" when it is not listed)."""
    found = re.search(
        rf'<tr[^>]*data-testid="row-{ticket.number_label}"[^>]*>.*?</tr>', html, re.DOTALL
    )
    return found.group(0) if found else ""


def _listed(html: str) -> list[str]:
    return re.findall(r'data-testid="row-(\d{10})"', html)


@pytest.fixture
def agent_client(client_of: ClientOf, agent: User) -> Client:
    return client_of(agent)


@pytest.fixture
def english_client(client_of: ClientOf, agent: User) -> Client:
    agent.language = "en"
    agent.save(update_fields=["language"])
    return client_of(agent)


# --------------------------------------------------------------------------------- queues


def test_the_queue_page_shows_the_counts_and_the_active_tab(
    agent_client: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        received = [_transfer(open_ticket(agent2, customer, kind), agent2, agent) for _ in "ab"]
        mine = [open_ticket(agent, customer, kind, title=f"제목{n}") for n in range(3)]

    page = agent_client.get(reverse("crm:queues")).content.decode()
    mine_page = agent_client.get(reverse("crm:queues"), {"tab": "mine"}).content.decode()

    assert 'data-testid="unprocessed-total"' in page
    assert re.search(r'data-testid="unprocessed-total"[^>]*>\[5\]', page)
    assert re.search(r'data-testid="count-received">\[2\]', page)
    assert re.search(r'data-testid="count-mine">\[3\]', page)
    assert _listed(page) == [t.number_label for t in received]
    assert _listed(mine_page) == [t.number_label for t in mine]
    row = _row(mine_page, mine[0])
    assert "제목0" in row
    assert "010-1234-5678" in row
    assert reverse("crm:ticket", args=[mine[0].pk]) in row


def test_completing_a_ticket_takes_it_off_the_queue_page(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        first, second = open_ticket(agent, customer, kind), open_ticket(agent, customer, kind)
        tickets.complete(first.pk, first.version, tickets.TicketFields.of(first), actor(agent))

    page = agent_client.get(reverse("crm:queues"), {"tab": "mine"}).content.decode()

    assert _listed(page) == [second.number_label]
    assert re.search(r'data-testid="count-mine">\[1\]', page)


def test_overdue_rows_are_red(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        due_yesterday = open_ticket(agent, customer, kind, due_at=now - dt.timedelta(days=1))
        with time_machine.travel(now - dt.timedelta(days=4)):
            old = open_ticket(agent, customer, kind)
        fresh = open_ticket(agent, customer, kind, due_at=now + dt.timedelta(days=1))

    page = agent_client.get(reverse("crm:queues"), {"tab": "mine"}).content.decode()

    assert "sd-overdue" in _row(page, due_yesterday)
    assert "sd-overdue" in _row(page, old)
    assert "sd-overdue" not in _row(page, fresh)


def test_the_elapsed_column_reads_received_today_or_days_ago(
    english_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        with time_machine.travel(now - dt.timedelta(days=41)):
            old = open_ticket(agent, customer, kind)
        new = open_ticket(agent, customer, kind)

    html = english_client.get(reverse("crm:queues"), {"tab": "mine"}).content.decode()

    # 접수 41일 지난, 접수당일
    assert "Received 41 days ago" in _row(html, old)
    assert "Received today" in _row(html, new)


def test_the_recalls_tab_marks_passed_recall_times(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        with time_machine.travel(now - dt.timedelta(days=1)):
            passed = open_ticket(agent, customer, kind, recall_at=now - dt.timedelta(hours=1))
        ahead = open_ticket(agent, customer, kind, recall_at=now + dt.timedelta(days=3))

    page = agent_client.get(reverse("crm:queues"), {"tab": "recalls"}).content.decode()

    assert _listed(page) == [passed.number_label, ahead.number_label]
    assert "sd-overdue" in _row(page, passed)
    assert "sd-overdue" not in _row(page, ahead)


def test_the_queue_page_reads_a_fixed_number_of_queries_however_many_rows(
    agent_client: Client,
    organization: Organization,
    agent: User,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(reverse("crm:queues"), {"tab": "received"}).status_code == 200
        return len(captured)

    with tenant_scope(organization):
        senders = [make_agent(organization, f"sender{n}") for n in range(3)]
        _transfer(open_ticket(senders[0], customer, kind), senders[0], agent)
    few = queries()
    with tenant_scope(organization):
        for sender in senders:
            _transfer(open_ticket(sender, customer, kind), sender, agent)

    assert queries() == few


# ----------------------------------------------------------------------------- incomplete


def test_the_incomplete_list_completes_a_row_and_loses_it(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        first = open_ticket(agent, customer, kind, content="보일러 고장 접수")
        second = open_ticket(agent, customer, kind)
    url = reverse("crm:incomplete")

    page = agent_client.get(url).content.decode()
    assert _listed(page) == [second.number_label, first.number_label]
    assert "보일러 고장 접수" in _row(page, first)
    assert reverse("crm:customer", args=[customer.pk]) in _row(page, first)

    done = agent_client.post(
        reverse("crm:incomplete-complete", args=[first.pk]),
        {"version": first.version, "query": "ignore_period=on"},
    )

    assert done.status_code == 302
    assert done["Location"] == f"{url}?ignore_period=on"
    with tenant_scope(agent.organization):
        first.refresh_from_db()
    assert first.status == TicketStatus.COMPLETED
    assert _listed(agent_client.get(url).content.decode()) == [second.number_label]


def test_completing_from_a_stale_list_says_who_changed_the_ticket(
    english_client: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        ticket = open_ticket(agent, customer, kind)
        loaded_version = ticket.version
        edited = replace(tickets.TicketFields.of(ticket), title="수정됨")
        tickets.save_edits(ticket.pk, ticket.version, edited, actor(agent2))

    response = english_client.post(
        reverse("crm:incomplete-complete", args=[ticket.pk]),
        {"version": loaded_version},
        follow=True,
    )

    assert "was changed by 이상담" in response.content.decode()
    with tenant_scope(agent.organization):
        ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RECEIVED


def test_the_incomplete_list_ignores_the_period_for_one_year(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        with time_machine.travel(now - dt.timedelta(days=335)):
            eleven = open_ticket(agent, customer, kind)
        with time_machine.travel(now - dt.timedelta(days=395)):
            open_ticket(agent, customer, kind)
    url = reverse("crm:incomplete")

    assert _listed(agent_client.get(url).content.decode()) == []
    assert _listed(agent_client.get(url, {"ignore_period": "on"}).content.decode()) == [
        eleven.number_label
    ]


def test_invalid_periods_are_shown_next_to_the_field(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        open_ticket(agent, customer, kind)
    today = timezone.localdate()

    backwards = agent_client.get(
        reverse("crm:incomplete"),
        {"start": today.isoformat(), "end": (today - dt.timedelta(days=2)).isoformat()},
    ).content.decode()
    too_old = agent_client.get(
        reverse("crm:all-history"), {"start": (today - dt.timedelta(days=400)).isoformat()}
    ).content.decode()
    not_a_date = agent_client.get(reverse("crm:recalls"), {"end": "어제"}).content.decode()

    assert 'data-testid="error-start"' in backwards
    assert _listed(backwards) == []
    assert 'data-testid="error-start"' in too_old
    assert _listed(too_old) == []
    assert 'data-testid="error-end"' in not_a_date


# -------------------------------------------------------------------------------- recalls


def test_recall_completion_completes_only_the_ticked_rows(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    soon = timezone.now() + dt.timedelta(hours=2)
    with tenant_scope(agent.organization):
        first = open_ticket(agent, customer, kind, recall_at=soon)
        second = open_ticket(agent, customer, kind, recall_at=soon + dt.timedelta(hours=1))
    url = reverse("crm:recalls")

    page = agent_client.get(url).content.decode()
    assert _listed(page) == [first.number_label, second.number_label]

    response = agent_client.post(reverse("crm:recalls-complete"), {"tickets": [first.pk]})

    assert response.status_code == 302
    assert _listed(agent_client.get(url).content.decode()) == [second.number_label]


def test_recall_completion_without_a_selection_says_so(english_client: Client) -> None:
    response = english_client.post(reverse("crm:recalls-complete"), {}, follow=True)

    assert response.status_code == 200
    assert "Select the recalls to complete." in response.content.decode()


# --------------------------------------------------------------------- drafts and transfers


def test_the_drafts_page_shows_only_my_temp_saved_tickets(
    agent_client: Client, agent: User, agent2: User, customer: Customer
) -> None:
    with tenant_scope(agent.organization):
        mine = tickets.temp_save(tickets.TicketFields(title="내 임시저장"), actor(agent))
        theirs = tickets.temp_save(tickets.TicketFields(title="남의 임시저장"), actor(agent2))

    page = agent_client.get(reverse("crm:drafts")).content.decode()

    assert _listed(page) == [mine.number_label]
    assert "내 임시저장" in page
    assert "남의 임시저장" not in page
    assert theirs.number_label not in _listed(page)
    assert reverse("crm:ticket", args=[mine.pk]) in _row(page, mine)


def test_recent_transfers_put_the_latest_transfer_on_top(
    agent_client: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        older = _transfer(open_ticket(agent, customer, kind), agent, agent2)
        newer = _transfer(open_ticket(agent, customer, kind), agent, agent2)
        unrelated = open_ticket(agent2, customer, kind)

    page = agent_client.get(reverse("crm:recent-transfers")).content.decode()

    assert _listed(page) == [newer.number_label, older.number_label]
    assert unrelated.number_label not in _listed(page)
    assert "이상담" in _row(page, newer)  # 이관대상
    assert reverse("crm:ticket", args=[newer.pk]) in _row(page, newer)


def test_an_admin_sees_every_agents_recent_transfers(
    admin_client: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        moved = _transfer(open_ticket(agent, customer, kind), agent, agent2)

    page = admin_client.get(reverse("crm:recent-transfers")).content.decode()

    assert _listed(page) == [moved.number_label]
    assert 'data-testid="scope-note"' in page


# ---------------------------------------------------------------------------- all history


def test_all_history_finds_another_agents_ticket_by_period_and_number(
    agent_client: Client, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    now = timezone.now()
    with tenant_scope(agent.organization):
        with time_machine.travel(now - dt.timedelta(days=50)):
            old = open_ticket(agent2, customer, kind, title="오래된 접수")
        new = open_ticket(agent2, customer, kind)
    url = reverse("crm:all-history")

    week = agent_client.get(url).content.decode()
    quarter = agent_client.get(url, {"span": "quarter"}).content.decode()
    by_number = agent_client.get(url, {"number": old.number_label}).content.decode()

    assert _listed(week) == [new.number_label]
    assert _listed(quarter) == [new.number_label, old.number_label]
    assert (timezone.localdate() - dt.timedelta(days=90)).isoformat() in quarter
    assert _listed(by_number) == [old.number_label]
    assert reverse("crm:ticket", args=[old.pk]) in _row(by_number, old)


def test_all_history_marks_discarded_tickets_only_when_asked(
    agent_client: Client, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(agent.organization):
        kept = open_ticket(agent, customer, kind, channel=InflowChannel.QNA)
        thrown = open_ticket(agent, customer, kind)
        tickets.discard(thrown.pk, thrown.version, "중복", actor(agent))
    url = reverse("crm:all-history")

    plain = agent_client.get(url).content.decode()
    with_discarded = agent_client.get(url, {"include_discarded": "on"}).content.decode()

    assert _listed(plain) == [kept.number_label]
    assert _listed(with_discarded) == [thrown.number_label, kept.number_label]
    assert 'data-testid="mark-discarded"' in _row(with_discarded, thrown)


def test_all_history_shows_each_wrong_filter_next_to_its_field(agent_client: Client) -> None:
    today = timezone.localdate()

    page = agent_client.get(
        reverse("crm:all-history"),
        {
            "start": today.isoformat(),
            "end": (today - dt.timedelta(days=1)).isoformat(),
            "number": "abc",
            "customer": "01",
        },
    ).content.decode()

    for field in ("start", "number", "customer"):
        assert f'data-testid="error-{field}"' in page


# ----------------------------------------------------------------------------- access


def test_the_lists_are_for_agents_and_admins_of_the_organization_only(
    client_of: ClientOf,
    admin_client: Client,
    agent: User,
    customer: Customer,
    kind: ConsultationType,
    other_admin: User,
    other_organization: Organization,
) -> None:
    with tenant_scope(agent.organization):
        ours = open_ticket(agent, customer, kind)
    with tenant_scope(other_organization):
        theirs_customer = make_customer(other_admin, name="외부고객")
        open_ticket(other_admin, theirs_customer, make_type(other_organization))
    outsider = client_of(other_admin)
    names = ["queues", "incomplete", "recalls", "drafts", "recent-transfers", "all-history"]

    for name in names:
        assert admin_client.get(reverse(f"crm:{name}")).status_code == 200
        assert Client().get(reverse(f"crm:{name}")).status_code == 302
    assert _listed(admin_client.get(reverse("crm:all-history")).content.decode()) == [
        ours.number_label
    ]
    assert "외부고객" not in admin_client.get(reverse("crm:incomplete")).content.decode()
    outside = outsider.get(reverse("crm:incomplete")).content.decode()
    assert "외부고객" in outside
    assert "홍길동" not in outside
    completed = outsider.post(
        reverse("crm:incomplete-complete", args=[ours.pk]), {"version": ours.version}
    )
    assert completed.status_code == 302
    with tenant_scope(agent.organization):
        ours.refresh_from_db()
    assert ours.status == TicketStatus.RECEIVED
