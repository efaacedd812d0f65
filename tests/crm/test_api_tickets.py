"""The ticket API: each CS등록 action over /api/v1/crm/..., with versions and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.enums import TicketEventKind, TicketStatus
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.accounts.test_api import Api, token_for
from tests.crm.crm import open_ticket
from tests.factories import make_user


@pytest.fixture(autouse=True)
def english(agent: User, agent2: User, admin: User) -> None:
    """The messages are compared in English, the language of the code."""
    User.all_objects.filter(pk__in=[agent.pk, agent2.pk, admin.pk]).update(language="en")


@pytest.fixture
def api(agent: User) -> Api:
    return Api(token_for(agent))


def _new(api: Api, customer: Customer, kind: ConsultationType, **fields: Any) -> Any:
    body = {"customer_id": customer.pk, "consultation_type_id": kind.pk, "content": "누수 문의"}
    response = api.send("post", "/crm/tickets", body | fields)
    assert response.status_code == 201, response.content
    return response.json()


def _stored(pk: int, organization: Organization) -> Ticket:
    with tenant_scope(organization):
        return Ticket.objects.get(pk=pk)


def test_post_registers_a_ticket_as_01_with_the_first_number(
    api: Api, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind, order_number="ORD-1", call_result="1")

    assert created["number"] == "0000000001"
    assert created["status"] == "01"
    assert created["status_label"] == "01:Received"
    assert created["customer_name"] == "홍길동"
    assert created["customer_phone"] == "01012345678"
    assert created["order_number"] == "ORD-1"
    assert created["call_result"] == "1"
    assert created["version"] == 1
    assert [event["kind"] for event in created["history"]] == ["RECEIVED"]
    assert created["history"][0]["actor"] == "김상담 (agent1)"


def test_post_with_missing_fields_names_each_and_stores_nothing(
    api: Api, organization: Organization
) -> None:
    response = api.send("post", "/crm/tickets", {"title": "제목"})

    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {
        "customer_id",
        "consultation_type_id",
    }
    with tenant_scope(organization):
        assert not Ticket.objects.exists()


def test_a_draft_is_temp_saved_then_registered_under_its_number(
    api: Api, organization: Organization, customer: Customer, kind: ConsultationType
) -> None:
    response = api.send("post", "/crm/tickets", {"customer_id": customer.pk, "draft": True})
    draft = response.json()
    assert response.status_code == 201
    assert draft["is_draft"] is True

    again = api.send(
        "post",
        f"/crm/tickets/{draft['id']}/temp-save",
        {"version": draft["version"], "fields": {"title": "반쯤 씀"}},
    ).json()
    assert again["title"] == "반쯤 씀"
    assert again["customer_id"] == customer.pk  # left out, kept

    registered = api.send(
        "post",
        f"/crm/tickets/{draft['id']}/register",
        {"version": again["version"], "fields": {"consultation_type_id": kind.pk}},
    )

    assert registered.status_code == 200, registered.content
    assert registered.json()["is_draft"] is False
    assert registered.json()["number"] == draft["number"]
    assert _stored(draft["id"], organization).status == TicketStatus.RECEIVED


def test_get_gives_the_ticket_with_history_and_added_consultations(
    api: Api, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind)
    api.send(
        "post",
        f"/crm/tickets/{created['id']}/consultations",
        {"version": created["version"], "content": "재통화"},
    )

    got = api.get(f"/crm/tickets/{created['id']}")

    assert got.status_code == 200
    body = got.json()
    assert [note["content"] for note in body["notes"]] == ["재통화"]
    assert body["notes"][0]["created_by"]["name"] == "김상담"
    assert [event["kind"] for event in body["history"]] == ["RECEIVED", "CONSULTATION_ADDED"]
    assert body["version"] == 2


def test_put_saves_edits_and_keeps_the_status(
    api: Api, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind)
    moved = api.send(
        "post",
        f"/crm/tickets/{created['id']}/transfer",
        {"version": created["version"], "assignee_id": agent2.pk},
    ).json()

    response = api.send(
        "put", f"/crm/tickets/{created['id']}", {"version": moved["version"], "content": "수정"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["content"] == "수정"
    assert response.json()["status"] == "03"
    assert response.json()["order_number"] == ""  # untouched fields keep their values
    assert response.json()["customer_id"] == customer.pk


def test_a_stale_version_is_refused_with_409_naming_who_changed_it(
    api: Api,
    agent: User,
    agent2: User,
    customer: Customer,
    kind: ConsultationType,
    organization: Organization,
) -> None:
    created = _new(api, customer, kind)
    colleague = Api(token_for(agent2))
    colleague.send(
        "put", f"/crm/tickets/{created['id']}", {"version": created["version"], "content": "동료"}
    )

    for method, path, body in (
        ("put", "", {"version": created["version"], "content": "나"}),
        ("post", "/transfer", {"version": created["version"], "assignee_id": agent2.pk}),
        ("post", "/complete", {"version": created["version"]}),
        ("post", "/discard", {"version": created["version"], "reason": "중복"}),
        ("post", "/consultations", {"version": created["version"], "content": "추가"}),
    ):
        response = api.send(method, f"/crm/tickets/{created['id']}{path}", body)
        assert response.status_code == 409, (path, response.content)
        assert response.json()["detail"].startswith("Ticket 0000000001 was changed by 이상담 at ")
    assert _delete(agent, created["id"], created["version"]).status_code == 409
    stored = _stored(created["id"], organization)
    assert (stored.content, stored.status, stored.discarded_at) == ("동료", "01", None)


def test_transfer_needs_an_assignee_then_makes_the_ticket_03(
    api: Api, agent: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind)
    path = f"/crm/tickets/{created['id']}/transfer"

    missing = api.send("post", path, {"version": created["version"]})
    to_self = api.send("post", path, {"version": created["version"], "assignee_id": agent.pk})
    moved = api.send(
        "post",
        path,
        {"version": created["version"], "assignee_id": agent2.pk, "fields": {"title": "이관"}},
    )

    assert missing.status_code == 400
    assert missing.json()["errors"] == [
        {"field": "assignee_id", "message": "Choose the agent to transfer the ticket to."}
    ]
    assert to_self.status_code == 400
    assert moved.status_code == 200
    assert moved.json()["status"] == "03"
    assert moved.json()["assignee"] == {"id": agent2.pk, "name": "이상담"}
    assert moved.json()["title"] == "이관"
    assert moved.json()["content"] == "누수 문의"


def test_complete_makes_the_ticket_07_and_a_second_complete_is_refused(
    api: Api, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind)
    path = f"/crm/tickets/{created['id']}/complete"

    done = api.send("post", path, {"version": created["version"]})
    again = api.send("post", path, {"version": done.json()["version"]})

    assert done.status_code == 200
    assert done.json()["status"] == "07"
    assert done.json()["completed_at"] is not None
    assert again.status_code == 403
    assert again.json()["detail"] == "Ticket 0000000001 is already completed or discarded."


def test_discard_needs_a_reason_and_is_for_the_creator_or_an_administrator(
    api: Api, admin: User, agent2: User, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind)
    path = f"/crm/tickets/{created['id']}/discard"

    no_reason = api.send("post", path, {"version": created["version"], "reason": " "})
    colleague = Api(token_for(agent2)).send(
        "post", path, {"version": created["version"], "reason": "중복"}
    )
    by_admin = Api(token_for(admin)).send(
        "post", path, {"version": created["version"], "reason": "중복 접수"}
    )

    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert colleague.status_code == 403
    assert by_admin.status_code == 200
    assert by_admin.json()["discard_reason"] == "중복 접수"
    assert by_admin.json()["discarded_at"] is not None


def test_follow_up_creates_a_new_number_for_the_same_customer_and_order(
    api: Api, customer: Customer, kind: ConsultationType, organization: Organization
) -> None:
    created = _new(api, customer, kind, order_number="ORD-9", product_number="P-9")

    response = api.send("post", f"/crm/tickets/{created['id']}/follow-up", {"content": "교환 요청"})

    assert response.status_code == 201, response.content
    follow = response.json()
    assert follow["number"] == "0000000002"
    assert follow["follows_id"] == created["id"]
    assert (follow["customer_id"], follow["order_number"], follow["product_number"]) == (
        customer.pk,
        "ORD-9",
        "P-9",
    )
    assert follow["content"] == "교환 요청"
    original = api.get(f"/crm/tickets/{created['id']}").json()
    assert original["follow_up_ids"] == [follow["id"]]
    assert original["history"][-1]["kind"] == TicketEventKind.FOLLOW_UP
    assert original["history"][-1]["detail"] == "Follow-up ticket 0000000002"


def _delete(user: User, pk: int, version: int) -> Any:
    api = Api(token_for(user))
    return api.client.delete(f"/api/v1/crm/tickets/{pk}?version={version}", headers=api.headers)


def test_delete_follows_the_24_hour_rule(
    agent: User,
    agent2: User,
    customer: Customer,
    kind: ConsultationType,
    organization: Organization,
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api = Api(token_for(agent))
        mine = _new(api, customer, kind)
        kept = _new(api, customer, kind)
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        by_colleague = _delete(agent2, kept["id"], 1)
        deleted = _delete(agent, mine["id"], 1)
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        too_late = _delete(agent, kept["id"], 1)

    assert deleted.status_code == 204
    assert by_colleague.status_code == 403
    assert too_late.status_code == 403
    with tenant_scope(organization):
        assert list(Ticket.objects.values_list("pk", flat=True)) == [kept["id"]]


def test_recalls_complete_only_the_selected(
    api: Api, customer: Customer, kind: ConsultationType, organization: Organization
) -> None:
    later = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    first = _new(api, customer, kind, recall_at=later)
    second = _new(api, customer, kind, recall_at=later)

    response = api.send("post", "/crm/recalls/complete", {"ticket_ids": [first["id"]]})
    nothing = api.send("post", "/crm/recalls/complete", {"ticket_ids": [first["id"]]})

    assert response.status_code == 200
    assert response.json() == {"completed": 1}
    assert nothing.status_code == 400
    assert _stored(first["id"], organization).recall_done_at is not None
    assert _stored(second["id"], organization).recall_done_at is None


def test_a_participant_token_is_refused_with_403(
    organization: Organization, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    participant = make_user(organization=organization, username="p1", role=Role.PARTICIPANT)
    api = Api(token_for(participant))

    assert api.get(f"/crm/tickets/{ticket.pk}").status_code == 403
    assert api.send("post", "/crm/tickets", {"content": "x"}).status_code == 403
    assert api.send("post", f"/crm/tickets/{ticket.pk}/complete", {"version": 1}).status_code == 403
    assert api.send("post", "/crm/recalls/complete", {"ticket_ids": [ticket.pk]}).status_code == 403
    assert _stored(ticket.pk, organization).status == TicketStatus.RECEIVED


def test_another_organizations_ticket_is_not_found(
    organization: Organization,
    other_admin: User,
    agent: User,
    customer: Customer,
    kind: ConsultationType,
) -> None:
    with tenant_scope(organization):
        ticket = open_ticket(agent, customer, kind)
    api = Api(token_for(other_admin))

    assert api.get(f"/crm/tickets/{ticket.pk}").status_code == 404
    assert api.send("post", f"/crm/tickets/{ticket.pk}/complete", {"version": 1}).status_code == 404
    assert (
        api.send("post", f"/crm/tickets/{ticket.pk}/follow-up", {"content": "x"}).status_code == 404
    )
    assert _stored(ticket.pk, organization).status == TicketStatus.RECEIVED


def test_a_ticket_read_can_be_sent_back_and_a_bad_code_is_named(
    api: Api, customer: Customer, kind: ConsultationType
) -> None:
    created = _new(api, customer, kind, due_at="2031-01-02T18:00:00+09:00")
    read = api.get(f"/crm/tickets/{created['id']}").json()
    echoed = {name: read[name] for name in ("customer_id", "customer_name", "customer_phone")}
    echoed |= {
        name: read[name]
        for name in (
            "consultation_type_id",
            "channel",
            "direction",
            "call_result",
            "consultation_result",
            "title",
            "content",
            "due_at",
            "recall_at",
        )
    }

    same = api.send("put", f"/crm/tickets/{created['id']}", echoed | {"version": read["version"]})
    bad = api.send(
        "put",
        f"/crm/tickets/{created['id']}",
        {"version": read["version"], "call_result": "7"},
    )

    assert same.status_code == 200, same.content
    assert [event["kind"] for event in same.json()["history"]] == ["RECEIVED"]  # nothing changed
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "call_result", "message": "7 is not one of the codes."}
    ]
