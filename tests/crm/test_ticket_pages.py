"""The CS등록 screen: the ticket form and its ETS button bar, as an agent uses it."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import tickets
from sangdam.crm.enums import TicketEventKind, TicketStatus
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.conftest import ClientOf
from tests.crm.crm import actor, make_customer, make_type, open_ticket
from tests.factories import make_user

NEW = "/crm/tickets/new/"


def _page_of(pk: int) -> str:
    return f"/crm/tickets/{pk}/"


class _FormReader(HTMLParser):
    """The values a browser would submit from the form #ticket-form (and which are disabled)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.fieldset_disabled = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "fieldset" and "disabled" in a:
            self.fieldset_disabled = True
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = "on"
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self.values[name] = ""
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        if tag == "button" and "disabled" in a and a.get("data-testid"):
            self.disabled.add(str(a["data-testid"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Django starts every textarea with a newline, which browsers drop.
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def read_form(html: str, form_id: str = "ticket-form") -> _FormReader:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader


def form_values(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.content.decode()[:300]
    return read_form(response.content.decode()).values


def press(client: Client, url: str, action: str, values: dict[str, str], **changes: Any) -> Any:
    data = {**values, **{key: str(value) for key, value in changes.items()}, "action": action}
    return client.post(url, data)


class _TextOf(HTMLParser):
    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid = testid
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "br", "img", "hr", "meta", "link"):
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.testid and not self.found:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("input", "br", "img", "hr", "meta", "link"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(response: Any, testid: str) -> str:
    """The text inside the element marked data-testid, spaces collapsed."""
    reader = _TextOf(testid)
    reader.feed(response.content.decode())
    assert reader.found, f"{testid} is not on the page"
    return " ".join(" ".join(reader.parts).split())


@pytest.fixture(autouse=True)
def english(agent: User, agent2: User, admin: User) -> None:
    """The messages are compared in English, the language of the code."""
    User.all_objects.filter(pk__in=[agent.pk, agent2.pk, admin.pk]).update(language="en")


@pytest.fixture
def me(client_of: ClientOf, agent: User) -> Client:
    return client_of(agent)


def _new_form(client: Client, customer: Customer, kind: ConsultationType) -> dict[str, str]:
    values = form_values(client.get(f"{NEW}?customer={customer.pk}"))
    values.update(type_1=str(kind.pk), content="세면대 아래 누수")
    return values


def _stored(pk: int, organization: Organization) -> Ticket:
    with tenant_scope(organization):
        return Ticket.objects.select_related("assignee").get(pk=pk)


# ---------------------------------------------------------------------------------- F4


def test_f4_gives_the_first_number_and_status_01(
    me: Client, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    values = _new_form(me, customer, kind)
    assert values["customer_name"] == "홍길동"
    assert values["customer_phone"] == "010-1234-5678"

    response = press(me, NEW, "save_new", values)

    with tenant_scope(organization):
        ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _page_of(ticket.pk)
    page = me.get(response["Location"])
    assert text_of(page, "ticket-number") == "0000000001"
    assert text_of(page, "ticket-status") == "01:Received"
    assert "Save ticket info: ticket 0000000001." in page.content.decode()
    assert ticket.customer == customer
    assert ticket.content == "세면대 아래 누수"
    # F4 no longer applies to a registered ticket; F7 now does.
    assert "key-save_new" in read_form(page.content.decode()).disabled
    assert "key-save_edits" not in read_form(page.content.decode()).disabled


def test_a_new_form_offers_only_what_applies_to_an_unsaved_ticket(me: Client) -> None:
    disabled = read_form(me.get(NEW).content.decode()).disabled

    assert {"key-save_edits", "key-F8", "key-discard"} <= disabled
    assert not {"key-save_new", "key-transfer", "key-complete", "key-temp_save"} & disabled


def test_f4_with_nothing_filled_in_names_each_missing_field_and_keeps_the_input(
    me: Client, organization: Organization
) -> None:
    values = form_values(me.get(NEW))

    response = press(me, NEW, "save_new", values, title="제목만")

    assert response.status_code == 200
    assert text_of(response, "error-customer") == (
        "Choose a customer or enter the customer's phone number."
    )
    assert text_of(response, "error-type") == "Choose a consultation type."
    assert form_values(response)["title"] == "제목만"
    with tenant_scope(organization):
        assert not Ticket.objects.exists()


# ---------------------------------------------------------------------------------- F5


def test_f5_without_an_assignee_names_the_field_and_stores_nothing(
    me: Client, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    values = _new_form(me, customer, kind)

    response = press(me, NEW, "transfer", values)

    assert response.status_code == 200
    assert text_of(response, "error-assignee_id") == "Choose the agent to transfer the ticket to."
    assert form_values(response)["content"] == "세면대 아래 누수"
    with tenant_scope(organization):
        assert not Ticket.objects.exists()


def test_f5_to_agent2_makes_the_ticket_03_with_agent2_as_assignee(
    me: Client,
    agent: User,
    agent2: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    page = me.get(_page_of(ticket.pk))
    values = form_values(page)
    offered = re.findall(
        r'<option value="(\d+)"',
        page.content.decode().split('id="id_assignee_id"')[1].split("</select>")[0],
    )
    assert str(agent2.pk) in offered
    assert str(agent.pk) not in offered  # not to oneself

    response = press(me, _page_of(ticket.pk), "transfer", values, assignee_id=agent2.pk)

    assert response.status_code == 302
    stored = _stored(ticket.pk, organization)
    assert stored.status == TicketStatus.TRANSFERRED
    assert stored.assignee == agent2
    page = me.get(_page_of(ticket.pk))
    assert text_of(page, "ticket-status") == "03:Transferred to assignee"
    assert text_of(page, "assignee") == "이상담"


# ----------------------------------------------------------------------------- F6 and F7


def test_f6_completes_the_ticket_and_leaves_only_f7_and_f8(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    values = form_values(me.get(_page_of(ticket.pk)))

    response = press(me, _page_of(ticket.pk), "complete", values)

    assert response.status_code == 302
    assert _stored(ticket.pk, organization).status == TicketStatus.COMPLETED
    page = me.get(_page_of(ticket.pk))
    assert text_of(page, "ticket-status") == "07:Completed"
    disabled = read_form(page.content.decode()).disabled
    assert {"key-save_new", "key-transfer", "key-complete", "key-temp_save", "key-discard"} <= (
        disabled
    )
    assert "key-save_edits" not in disabled


def test_f7_saves_the_edit_and_keeps_status_03(
    me: Client,
    agent: User,
    agent2: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent2, customer, kind)
        ticket = tickets.transfer(
            ticket.pk, ticket.version, tickets.TicketFields.of(ticket), agent.pk, actor(agent2)
        )
    values = form_values(me.get(_page_of(ticket.pk)))

    response = press(me, _page_of(ticket.pk), "save_edits", values, content="기사 방문 예약함")

    assert response.status_code == 302
    stored = _stored(ticket.pk, organization)
    assert stored.content == "기사 방문 예약함"
    assert stored.status == TicketStatus.TRANSFERRED
    assert "Save edits: ticket 0000000001." in me.get(_page_of(ticket.pk)).content.decode()


# ------------------------------------------------------------------------------------ F12


def test_f12_then_reloading_the_draft_restores_every_field(
    me: Client, organization: Organization, customer: Customer
) -> None:
    with tenant_scope(organization):
        top = make_type(organization, "배송")
        middle = make_type(organization, "지연", parent=top)
        leaf = make_type(organization, "택배사 지연", parent=middle)
    typed = {
        "customer_id": str(customer.pk),
        "customer_name": "홍길동",
        "customer_phone": "010-1234-5678",
        "channel": "02",
        "direction": "OUT",
        "call_result": "2",
        "consultation_result": "3",
        "order_number": "ORD-2024-0001",
        "product_number": "P-77",
        "type_1": str(top.pk),
        "type_2": str(middle.pk),
        "type_3": str(leaf.pk),
        "title": "배송 지연",
        "content": "주문한 상품이 아직 안 옴",
        "admin_memo": "VIP 고객",
        "due_date": "2031-05-06",
        "due_time": "",
        "recall": "on",
        "recall_at": "2031-05-05T10:30",
    }
    values = form_values(me.get(NEW)) | typed

    response = press(me, NEW, "temp_save", values)

    assert response.status_code == 302
    page = me.get(response["Location"])
    restored = form_values(page)
    same = {"csrfmiddlewaretoken", "ticket", "version"}
    # A due date without a time is due at 23:59 of that day (G-CS-02).
    assert {k: v for k, v in restored.items() if k not in same} == {
        k: v for k, v in values.items() if k not in same
    } | {"due_time": "23:59"}
    assert text_of(page, "ticket-status") == "Temp-saved"
    disabled = read_form(page.content.decode()).disabled
    assert "key-save_new" not in disabled
    assert "key-save_edits" in disabled
    with tenant_scope(organization):
        draft = Ticket.objects.get()
    assert draft.is_draft
    assert draft.consultation_type == leaf
    assert timezone.localtime(draft.due_at).strftime("%Y-%m-%d %H:%M") == "2031-05-06 23:59"

    # F4 registers the draft under its number.
    response = press(me, _page_of(draft.pk), "save_new", restored)
    assert response.status_code == 302
    registered = _stored(draft.pk, organization)
    assert not registered.is_draft
    assert registered.status == TicketStatus.RECEIVED
    assert registered.number_label == "0000000001"


# -------------------------------------------------------------------------------- discard


def test_discard_needs_a_reason_then_leaves_only_f8(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    values = form_values(me.get(_page_of(ticket.pk)))

    refused = press(me, _page_of(ticket.pk), "discard", values, reason="  ")

    assert refused.status_code == 200
    assert text_of(refused, "error-reason") == "Say why the ticket is discarded."
    assert _stored(ticket.pk, organization).discarded_at is None

    response = press(me, _page_of(ticket.pk), "discard", values, reason="중복 접수")

    assert response.status_code == 302
    assert _stored(ticket.pk, organization).discard_reason == "중복 접수"
    page = me.get(_page_of(ticket.pk))
    reader = read_form(page.content.decode())
    assert text_of(page, "ticket-status") == "Discarded"
    assert "중복 접수" in text_of(page, "discarded-note")
    assert {
        "key-save_new",
        "key-transfer",
        "key-complete",
        "key-save_edits",
        "key-temp_save",
        "key-discard",
    } <= reader.disabled
    assert "key-F8" not in reader.disabled
    assert reader.fieldset_disabled


def test_another_agent_may_not_discard_a_ticket_they_did_not_receive(
    client_of: ClientOf,
    agent: User,
    agent2: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    other = client_of(agent2)
    values = form_values(other.get(_page_of(ticket.pk)))
    assert "key-discard" in read_form(other.get(_page_of(ticket.pk)).content.decode()).disabled

    response = press(other, _page_of(ticket.pk), "discard", values, reason="틀림")

    assert response.status_code == 200
    assert (
        "Only the agent who received the ticket or an administrator may discard it."
        in response.content.decode()
    )
    assert _stored(ticket.pk, organization).discarded_at is None


# ------------------------------------------------------------------------------------- F8


def test_f8_opens_a_prefilled_form_and_saving_it_adds_a_follow_up_to_the_original(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        original = open_ticket(agent, customer, kind, order_number="ORD-1", product_number="P-1")
    page = me.get(_page_of(original.pk))
    assert f'href="{NEW}?follow={original.pk}"' in page.content.decode()

    values = form_values(me.get(f"{NEW}?follow={original.pk}"))

    assert values["customer_id"] == str(customer.pk)
    assert values["customer_name"] == "홍길동"
    assert values["order_number"] == "ORD-1"
    assert values["product_number"] == "P-1"
    assert values["type_1"] == str(kind.pk)
    assert values["content"] == ""
    assert values["follows_id"] == str(original.pk)

    response = press(me, NEW, "save_new", values, content="교환 요청 추가")

    assert response.status_code == 302
    with tenant_scope(organization):
        follow = Ticket.objects.exclude(pk=original.pk).get()
        kinds = [event.kind for event in original.events.all()]
    assert follow.number_label == "0000000002"
    assert follow.follows_id == original.pk
    assert kinds == [TicketEventKind.RECEIVED, TicketEventKind.FOLLOW_UP]
    original_page = me.get(_page_of(original.pk))
    assert "0000000002" in text_of(original_page, "follow-links")
    assert "Follow-up ticket 0000000002" in text_of(original_page, "history")


def test_f8_of_another_organizations_ticket_is_not_found(
    client_of: ClientOf,
    other_admin: User,
    agent: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        original = open_ticket(agent, customer, kind)

    response = client_of(other_admin).get(f"{NEW}?follow={original.pk}")

    assert response.status_code == 404


# -------------------------------------------------------------------------------- history


def test_history_shows_register_transfer_complete_and_follow_up_in_order_with_actors(
    client_of: ClientOf,
    agent: User,
    agent2: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    me = client_of(agent)
    press(me, NEW, "save_new", _new_form(me, customer, kind))
    with tenant_scope(organization):
        ticket = Ticket.objects.get()
    press(
        me,
        _page_of(ticket.pk),
        "transfer",
        form_values(me.get(_page_of(ticket.pk))),
        assignee_id=agent2.pk,
    )
    colleague = client_of(agent2)
    press(
        colleague, _page_of(ticket.pk), "complete", form_values(colleague.get(_page_of(ticket.pk)))
    )
    press(
        colleague,
        NEW,
        "save_new",
        form_values(colleague.get(f"{NEW}?follow={ticket.pk}")),
        content="추가",
    )

    page = me.get(_page_of(ticket.pk)).content.decode()

    table = page.split('data-testid="history"')[1].split("</table>")[0]
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr data-kind[^>]*>(.*?)</tr>", table, re.S)
    ]
    assert [(row[0], row[1], row[4]) for row in rows] == [
        ("1", "Received", "김상담 (agent1)"),
        ("2", "Transferred", "김상담 (agent1)"),
        ("3", "Completed", "이상담 (agent2)"),
        ("4", "Follow-up ticket", "이상담 (agent2)"),
    ]
    assert rows[0][2].startswith("Ticket number: 0000000001, received at: ")
    assert rows[1][2] == "Transferred to 이상담 (agent2)"


# ---------------------------------------------------------------------- consultation types


def test_the_type_selects_cascade_to_the_chosen_parents_children(
    me: Client, organization: Organization, customer: Customer
) -> None:
    with tenant_scope(organization):
        delivery = make_type(organization, "배송")
        late = make_type(organization, "지연", parent=delivery)
        lost = make_type(organization, "분실", parent=delivery)
        refund = make_type(organization, "환불")
        make_type(organization, "카드취소", parent=refund)
        make_type(organization, "택배사 지연", parent=late)

    response = me.get(
        "/crm/tickets/type-options/",
        {"level": 2, "type_1": delivery.pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert re.findall(r'<option value="(\d*)">([^<]*)</option>', html.split("<select")[0]) == [
        ("", "---------"),
        (str(lost.pk), "분실"),
        (str(late.pk), "지연"),
    ]
    # The third level is emptied until a second-level type is chosen.
    assert 'id="id_type_3" hx-swap-oob="innerHTML"' in html

    leaves = me.get("/crm/tickets/type-options/", {"level": 3, "type_2": late.pk})
    assert re.findall(r'<option value="\d+">([^<]*)</option>', leaves.content.decode()) == [
        "택배사 지연"
    ]


def test_types_that_do_not_belong_together_are_refused(
    me: Client, organization: Organization, customer: Customer
) -> None:
    with tenant_scope(organization):
        delivery = make_type(organization, "배송")
        refund = make_type(organization, "환불")
        card = make_type(organization, "카드취소", parent=refund)
    values = _new_form(me, customer, delivery) | {"type_2": str(card.pk)}

    response = press(me, NEW, "save_new", values)

    assert response.status_code == 200
    assert text_of(response, "error-type") == (
        "The chosen types do not belong together. Choose them again."
    )


# ------------------------------------------------------------------------- stale versions


def test_a_stale_form_shows_who_changed_the_ticket_and_keeps_the_input(
    me: Client,
    agent: User,
    agent2: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    values = form_values(me.get(_page_of(ticket.pk)))
    with tenant_scope(organization):
        tickets.save_edits(
            ticket.pk,
            ticket.version,
            replace(tickets.TicketFields.of(ticket), content="동료의 내용"),
            actor(agent2),
        )

    response = press(me, _page_of(ticket.pk), "save_edits", values, content="나의 내용")

    assert response.status_code == 409
    message = text_of(response, "ticket-changed")
    assert message.startswith("Ticket 0000000001 was changed by 이상담 at ")
    assert "Reload it to see the changes; yours were not saved." in message
    assert f'href="{_page_of(ticket.pk)}" data-testid="reload"' in response.content.decode()
    assert read_form(response.content.decode()).values["content"] == "나의 내용"
    assert _stored(ticket.pk, organization).content == "동료의 내용"


# ---------------------------------------------------------------------- added consultations


def test_adding_a_consultation_lists_it_under_the_ticket(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    empty = me.post(
        f"/crm/tickets/{ticket.pk}/consultations/", {"version": ticket.version, "note": " "}
    )
    assert empty.status_code == 200
    assert text_of(empty, "error-note") == "Write the consultation content."

    response = me.post(
        f"/crm/tickets/{ticket.pk}/consultations/",
        {"version": ticket.version, "note": "재통화: 해결됨"},
    )

    assert response.status_code == 302
    notes = text_of(me.get(_page_of(ticket.pk)), "notes")
    assert "누수 문의" in notes
    assert "재통화: 해결됨" in notes
    assert _stored(ticket.pk, organization).version == ticket.version + 1


# ---------------------------------------------------------------------- customers and calls


def test_the_customer_lookup_lists_matches_and_marks_a_single_one_for_loading(
    me: Client, agent: User, organization: Organization
) -> None:
    with tenant_scope(organization):
        first = make_customer(agent, "김영희", "010-1111-2222", customer_code="ETS001")
        make_customer(agent, "김영수", "010-3333-4444")
        make_customer(agent, "박철수", "010-5555-6666")

    several = me.get(
        "/crm/tickets/customer-lookup/", {"customer_lookup": "김영"}, headers={"HX-Request": "true"}
    )
    one = me.get(
        "/crm/tickets/customer-lookup/",
        {"customer_lookup": "ETS001"},
        headers={"HX-Request": "true"},
    )

    assert re.findall(r'data-name="([^"]+)"', several.content.decode()) == ["김영수", "김영희"]
    assert "data-autopick" not in several.content.decode()
    assert "data-autopick" in one.content.decode()
    assert f'data-customer-id="{first.pk}" data-name="김영희" data-phone="010-1111-2222"' in (
        one.content.decode()
    )
    # Without JavaScript the lookup is a page of its own, each row starting a ticket.
    page = me.get("/crm/tickets/customer-lookup/", {"customer_lookup": "ETS001"})
    assert f'href="{NEW}?customer={first.pk}"' in page.content.decode()


def test_picking_a_customer_loads_their_recent_tickets_into_the_panel(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        for title in ("첫 문의", "두번째 문의"):
            open_ticket(agent, customer, kind, title=title)

    panel = me.get("/crm/tickets/customer-panel/", {"customer_id": customer.pk})

    assert text_of(panel, "panel-customer-name").startswith("홍길동")
    numbers = re.findall(r">(\d{10})</a>", panel.content.decode())
    assert numbers == ["0000000002", "0000000001"]  # the latest first


def test_a_callers_registered_number_loads_the_customer_with_their_recent_tickets(
    me: Client, agent: User, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        open_ticket(agent, customer, kind, title="지난번 누수")

    response = me.get(NEW, {"phone": "01012345678"})

    values = form_values(response)
    assert values["customer_id"] == str(customer.pk)
    assert values["customer_name"] == "홍길동"
    assert "0000000001" in text_of(response, "recent-tickets")
    assert "지난번 누수" in text_of(response, "recent-tickets")


# -------------------------------------------------------------------------------- access


def test_another_organizations_ticket_is_not_found(
    client_of: ClientOf,
    other_admin: User,
    agent: User,
    organization: Organization,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    stranger = client_of(other_admin)

    assert stranger.get(_page_of(ticket.pk)).status_code == 404
    assert (
        stranger.post(
            _page_of(ticket.pk), {"action": "discard", "reason": "x", "version": "1"}
        ).status_code
        == 404
    )
    assert stranger.get(f"{NEW}?customer={customer.pk}").status_code == 404
    lookup = stranger.get(
        "/crm/tickets/customer-lookup/",
        {"customer_lookup": "홍길동"},
        headers={"HX-Request": "true"},
    )
    assert "data-pick" not in lookup.content.decode()
    assert _stored(ticket.pk, organization).discarded_at is None


def test_a_ticket_cannot_be_pointed_at_another_organizations_customer(
    client_of: ClientOf,
    other_admin: User,
    other_organization: Organization,
    customer: Customer,
) -> None:
    stranger = client_of(other_admin)
    with tenant_scope(other_organization):
        their_kind = make_type(other_organization, "기타")
    values = form_values(stranger.get(NEW)) | {
        "customer_id": str(customer.pk),
        "type_1": str(their_kind.pk),
        "content": "x",
    }

    response = press(stranger, NEW, "save_new", values)

    assert response.status_code == 200
    with tenant_scope(other_organization):
        assert not Ticket.objects.exists()


def test_only_administrators_and_agents_open_the_screen(
    client_of: ClientOf, organization: Organization, admin: User
) -> None:
    organizer = make_user(organization=organization, username="fair", role=Role.FAIR_ORGANIZER)

    assert client_of(admin).get(NEW).status_code == 200
    assert client_of(organizer).get(NEW).status_code == 403
    assert Client().get(NEW).status_code == 302
