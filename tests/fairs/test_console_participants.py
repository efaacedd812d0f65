"""The organizer's participant and request pages (SPEC G-MM-10, MM-25, MM-43)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import console, services
from sangdam.fairs.enums import Approval, NoticeKind, Side
from sangdam.fairs.models import Event, MeetingRequest, Notice, Participant
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_participant


@pytest.fixture
def browser(client_of: ClientOf, organizer: User) -> Client:
    return client_of(organizer)


@pytest.fixture(autouse=True)
def _scope(organization: Organization) -> Iterator[None]:
    with tenant_scope(organization):
        yield


def url(event: Event, page: str = "") -> str:
    return f"/organizer/events/{event.pk}/{page}"


def codes(rows: object) -> list[str]:
    return [p.code for p in rows]  # type: ignore[attr-defined]


def test_bulk_approve_approves_the_ticked_and_notifies_them(browser: Client, event: Event) -> None:
    first = make_participant(event, Side.BUYER, "B001", approval=Approval.PENDING)
    second = make_participant(event, Side.SELLER, "S001", approval=Approval.PENDING)
    untouched = make_participant(event, Side.SELLER, "S002", approval=Approval.PENDING)

    response = browser.post(
        url(event, "participants/bulk/"),
        {"action": "approve", "ids": [first.pk, second.pk], "query": "approval=pending"},
    )

    assert response["Location"] == url(event, "participants/?approval=pending")
    assert dict(Participant.objects.values_list("code", "approval")) == {
        "B001": Approval.APPROVED,
        "S001": Approval.APPROVED,
        "S002": Approval.PENDING,
    }
    assert sorted(Notice.objects.values_list("participant", "kind")) == [
        (first.pk, NoticeKind.APPROVED),
        (second.pk, NoticeKind.APPROVED),
    ]
    assert not Notice.objects.filter(participant=untouched).exists()


def test_bulk_reject_rejects_without_a_notice(browser: Client, event: Event) -> None:
    buyer = make_participant(event, Side.BUYER, "B001", approval=Approval.PENDING)

    response = browser.post(
        url(event, "participants/bulk/"), {"action": "reject", "ids": [buyer.pk]}, follow=True
    )

    buyer.refresh_from_db()
    assert buyer.approval == Approval.REJECTED
    assert not Notice.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_bulk_action_without_a_tick_says_so(browser: Client, event: Event) -> None:
    response = browser.post(url(event, "participants/bulk/"), {"action": "approve"}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_invitations_need_an_email_address(browser: Client, event: Event) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")

    response = browser.post(
        url(event, "participants/bulk/"), {"action": "invite", "ids": [buyer.pk]}, follow=True
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_invitations_are_mailed_with_a_fresh_password(
    browser: Client, event: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001", email="b1@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(url(event, "participants/bulk/"), {"action": "invite", "ids": [buyer.pk]})

    assert [m.to for m in mailoutbox] == [["b1@example.com"]]
    assert "b001" in mailoutbox[0].body


def test_participant_added_by_hand_gets_a_login_and_its_terms(
    browser: Client, event: Event
) -> None:
    response = browser.post(
        url(event, "participants/new/"),
        {
            "side": "seller",
            "code": "S100",
            "login_id": "",
            "approval": "approved",
            "company_name": "한빛메디칼",
            "company_name_en": "Hanbit Medical",
            "country": "대한민국",
            "industry": "의료기기",
            "categories": "진찰 및 진단용 기기, 방사선 진단 기기",
            "contact_email": "sales@hanbit.example",
            "daily_cap": "6",
            "booth": "A-12",
            "request_deadline": "2031-03-03T12:00",
        },
    )

    person = Participant.objects.get(code="S100")
    assert response["Location"] == url(event, f"participants/{person.pk}/")
    assert (person.side, person.approval, person.company_name, person.daily_cap, person.booth) == (
        Side.SELLER,
        Approval.APPROVED,
        "한빛메디칼",
        6,
        "A-12",
    )
    assert sorted(c.name for c in person.categories.all()) == [
        "방사선 진단 기기",
        "진찰 및 진단용 기기",
    ]
    assert person.request_deadline == dt.datetime(2031, 3, 3, 12, 0, tzinfo=SEOUL)
    assert person.user.username == services.default_login_id(event, "S100")
    assert not person.user.has_usable_password()


def test_participant_with_a_taken_id_is_refused_on_the_id_field(
    browser: Client, event: Event
) -> None:
    make_participant(event, Side.BUYER, "B001")

    response = browser.post(
        url(event, "participants/new/"),
        {"side": "buyer", "code": "B001", "approval": "approved", "company_name": "Again"},
    )

    assert response.status_code == 200
    assert 'data-testid="error-code"' in response.content.decode()
    assert Participant.objects.count() == 1


def test_participant_edit_saves_and_shows_requests_and_meetings(
    browser: Client, event: Event
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001", company="Old name")
    seller = make_participant(event, Side.SELLER, "S001", company="Seller One")
    services.request_meeting(requester=buyer, recipient_id=seller.pk)

    page = browser.get(url(event, f"participants/{buyer.pk}/"))
    assert list(page.context["requests"]) == list(buyer.sent.all())
    assert "Seller One" in page.content.decode()

    browser.post(
        url(event, f"participants/{buyer.pk}/"),
        {"company_name": "New name", "categories": "A, B", "daily_cap": "3"},
    )

    buyer.refresh_from_db()
    assert (buyer.company_name, buyer.daily_cap, buyer.user.name) == ("New name", 3, "New name")


def test_participants_list_filters_by_side_search_and_meetings(
    browser: Client, event: Event
) -> None:
    make_participant(event, Side.BUYER, "B001", company="Alpha Trading", industry="Food")
    make_participant(event, Side.BUYER, "B002", company="Beta Foods", industry="Food")
    make_participant(event, Side.SELLER, "S001", company="Alpha Seller", categories=["Tea"])

    def listed(query: str) -> list[str]:
        return codes(browser.get(url(event, f"participants/?{query}")).context["page"])

    assert listed("") == ["B001", "B002", "S001"]
    assert listed("side=buyer&q=alpha") == ["B001"]
    assert listed("industry=Food") == ["B001", "B002"]
    tea = console.categories(event).get(name="Tea")
    assert listed(f"category={tea.pk}") == ["S001"]
    assert listed("fewer_than=1") == ["B001", "B002", "S001"]


def test_participants_list_takes_a_fixed_number_of_queries(browser: Client, event: Event) -> None:
    sellers = [
        make_participant(event, Side.SELLER, f"S{i:03d}", categories=["Tea"]) for i in range(3)
    ]
    buyer = make_participant(event, Side.BUYER, "B001")
    for seller in sellers:
        services.request_meeting(requester=buyer, recipient_id=seller.pk)
    with CaptureQueriesContext(connection) as few:
        browser.get(url(event, "participants/"))
    for i in range(3, 30):
        make_participant(event, Side.SELLER, f"S{i:03d}", categories=["Tea", "Coffee"])

    with CaptureQueriesContext(connection) as many:
        response = browser.get(url(event, "participants/"))

    assert len(many) == len(few)
    rows = {p.code: p for p in response.context["page"]}
    assert (rows["B001"].sent_count, rows["S000"].received_count) == (3, 1)


def test_requests_overview_counts_per_participant_and_by_class(
    browser: Client, event: Event
) -> None:
    b1 = make_participant(event, Side.BUYER, "B001")
    b2 = make_participant(event, Side.BUYER, "B002")
    make_participant(event, Side.BUYER, "B003")
    make_participant(event, Side.BUYER, "B004", approval=Approval.PENDING)
    s1 = make_participant(event, Side.SELLER, "S001")
    s2 = make_participant(event, Side.SELLER, "S002")
    mutual = services.request_meeting(requester=b1, recipient_id=s1.pk).request
    services.accept_request(participant=s1, request_id=mutual.pk)
    services.request_meeting(requester=b1, recipient_id=s2.pk)
    services.request_meeting(requester=s2, recipient_id=b2.pk)
    declined = services.request_meeting(requester=b2, recipient_id=s1.pk).request
    services.reject_request(participant=s1, request_id=declined.pk)

    response = browser.get(url(event, "requests/"))

    assert response.context["classes"] == console.PairClasses(mutual=1, buyer=1, seller=1)
    assert [(t.key, t.count) for t in response.context["statuses"]] == [
        ("pending", 2),
        ("accepted", 1),
        ("rejected", 1),
        ("cancelled", 0),
    ]
    counts = {
        p.code: (p.sent_count, p.received_count, p.mutual, p.pending, p.rejected, p.cancelled)
        for p in response.context["page"]
    }
    assert counts["B001"] == (2, 0, 1, 1, 0, 0)
    assert counts["B002"] == (0, 1, 0, 1, 1, 0)
    assert counts["S001"] == (0, 1, 1, 0, 1, 0)
    assert counts["B003"] == (0, 0, 0, 0, 0, 0)
    assert response.context["without_count"] == 1

    none = browser.get(url(event, "requests/?tab=none"))

    assert codes(none.context["page"]) == ["B003"]
    assert "B003 Co." in none.content.decode()


def test_pair_classes_count_a_pair_that_requested_both_ways_once(event: Event) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    other = make_participant(event, Side.SELLER, "S002")
    at = dt.datetime(2031, 1, 5, 9, 0, tzinfo=SEOUL)
    # Imported schedule-v1 instances may carry a pending request each way.
    for requester, recipient in [(buyer, seller), (seller, buyer), (other, buyer)]:
        MeetingRequest.objects.create(
            organization=event.organization,
            event=event,
            requester=requester,
            recipient=recipient,
            created_at=at,
        )

    assert console.pair_classes(event) == console.PairClasses(mutual=1, buyer=0, seller=1)
