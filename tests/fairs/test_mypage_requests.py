"""Finding companies, requesting meetings and the request-status list (MM-19..MM-30)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from sangdam.accounts.models import User
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import Approval, RequestStatus, Side
from sangdam.fairs.models import Event, MeetingRequest, Participant, Slot
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_event, make_participant
from tests.fairs.test_mypage_support import ask, ko, rows, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(event, Side.SELLER, "S001", company="테스트 셀러")


@pytest.fixture
def buyer(event: Event) -> Participant:
    return make_participant(
        event,
        Side.BUYER,
        "B001",
        company="테스트 바이어",
        categories=["진찰 및 진단용 기기", "방사선 진단 기기"],
        country="베트남",
        company_name_en="Test Buyer Inc.",
        buyer_type="general",
        company_form="manufacturer",
        crm_number="CRM-0001",
        website="https://buyer.example.com",
        description="We import diagnostic devices.",
    )


def _request_from_page(client: Client, company: Participant, query: str = "") -> str:
    suffix = f"?{query}" if query else ""
    response = client.post(f"/mypage/counterparts/{company.pk}/{suffix}", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _listed(client: Client) -> list[tuple[str, str]]:
    return rows(client.get("/mypage/requests/").content.decode())


# ------------------------------------------------------------------------------- finding companies


def test_a_seller_finds_only_approved_buyers_of_its_own_event(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, buyer: Participant
) -> None:
    make_participant(
        event, Side.BUYER, "B002", company="승인대기 바이어", approval=Approval.PENDING
    )
    make_participant(event, Side.SELLER, "S002", company="다른 셀러")
    make_participant(
        make_event(organizer, name="다른 상담회"), Side.BUYER, "X001", company="남의 바이어"
    )

    page = client_of(seller.user).get("/mypage/counterparts/").content.decode()

    assert texts(page, "counterpart-row") == [
        "1 테스트 바이어 Test Buyer Inc. "
        f"{ko('General')} {ko('Manufacturer')} 방사선 진단 기기, 진찰 및 진단용 기기 베트남 "
        f"{ko('Details')}"
    ]


def test_a_buyer_finds_sellers(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    page = client_of(buyer.user).get("/mypage/counterparts/").content.decode()

    assert [row.split()[1:3] for row in texts(page, "counterpart-row")] == [["테스트", "셀러"]]
    assert ko("Participating sellers") in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["바이어 가", "바이어 나", "바이어 다"]),
        ({"category": "CAT:화장품"}, ["바이어 나", "바이어 다"]),
        ({"country": "미국"}, ["바이어 가", "바이어 다"]),
        ({"company": "나"}, ["바이어 나"]),
        ({"category": "CAT:화장품", "country": "미국"}, ["바이어 다"]),
        ({"category": "CAT:식품", "country": "미국", "company": "가"}, ["바이어 가"]),
        ({"category": "CAT:식품", "country": "일본"}, []),
    ],
)
def test_the_filters_return_only_matching_companies(
    client_of: ClientOf,
    event: Event,
    seller: Participant,
    query: dict[str, str],
    expected: list[str],
) -> None:
    make_participant(
        event, Side.BUYER, "B01", company="바이어 가", categories=["식품"], country="미국"
    )
    make_participant(
        event, Side.BUYER, "B02", company="바이어 나", categories=["화장품"], country="일본"
    )
    make_participant(
        event, Side.BUYER, "B03", company="바이어 다", categories=["화장품", "식품"], country="미국"
    )
    with tenant_scope(event.organization):
        ids = {c.name: str(c.pk) for c in event.categories.all()}
    params = {k: ids[v[4:]] if v.startswith("CAT:") else v for k, v in query.items()}

    page = client_of(seller.user).get("/mypage/counterparts/", params).content.decode()

    assert [" ".join(row.split()[1:3]) for row in texts(page, "counterpart-row")] == expected


def test_the_country_filter_offers_the_countries_of_the_listed_companies(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    make_participant(event, Side.BUYER, "B01", country="미국")
    make_participant(event, Side.BUYER, "B02", country="일본")
    make_participant(event, Side.BUYER, "B03", country="미국")

    page = client_of(seller.user).get("/mypage/counterparts/").content.decode()

    assert '<option value="미국">미국</option><option value="일본">일본</option>' in page


def test_the_list_pages_by_fifty(client_of: ClientOf, event: Event, seller: Participant) -> None:
    for number in range(51):
        make_participant(event, Side.BUYER, f"B{number:03d}", company=f"바이어 {number:03d}")
    client = client_of(seller.user)

    first = texts(client.get("/mypage/counterparts/").content.decode(), "counterpart-row")
    second = texts(client.get("/mypage/counterparts/?page=2").content.decode(), "counterpart-row")

    assert len(first) == 50
    assert second == [f"51 바이어 050 - - - - {ko('Details')}"]


def test_the_detail_page_shows_the_buyer_fields_and_goes_back_with_the_filters(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    page = (
        client_of(seller.user)
        .get(f"/mypage/counterparts/{buyer.pk}/?country=%EB%B2%A0%ED%8A%B8%EB%82%A8&page=1")
        .content.decode()
    )

    details = text(page, "company-details")
    for shown in [ko("General"), "Test Buyer Inc.", "CRM-0001", ko("Manufacturer"), "베트남"]:
        assert shown in details
    assert 'href="/mypage/counterparts/?country=%EB%B2%A0%ED%8A%B8%EB%82%A8&amp;page=1"' in page
    assert text(page, "ask-question") == ko("Do you want to request a meeting?")
    assert 'type="time"' not in page


def test_the_detail_of_a_company_of_another_event_is_not_found(
    client_of: ClientOf, organizer: User, seller: Participant
) -> None:
    stranger = make_participant(
        make_event(organizer, name="다른 상담회"), Side.BUYER, "X001", company="남의 바이어"
    )
    client = client_of(seller.user)

    assert client.get(f"/mypage/counterparts/{stranger.pk}/").status_code == 404
    assert client.post(f"/mypage/counterparts/{stranger.pk}/").status_code == 404
    with tenant_scope(seller.organization):
        assert not MeetingRequest.objects.exists()


def test_a_participant_not_yet_approved_cannot_search(
    client_of: ClientOf, event: Event, buyer: Participant
) -> None:
    pending = make_participant(event, Side.SELLER, "S009", approval=Approval.PENDING)

    page = client_of(pending.user).get("/mypage/counterparts/").content.decode()

    assert "not-approved" in page
    assert texts(page, "counterpart-row") == []


# ---------------------------------------------------------------------------------- requesting


def test_a_request_reads_as_mine_for_the_requester_and_theirs_for_the_recipient(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    seller_client = client_of(seller.user)
    buyer_client = client_of(buyer.user)

    page = _request_from_page(seller_client, buyer)

    assert ko("Your meeting request was sent.") in page
    assert _listed(seller_client) == [("테스트 바이어", "mine")]
    assert _listed(buyer_client) == [("테스트 셀러", "theirs")]
    seller_page = seller_client.get("/mypage/requests/").content.decode()
    assert text(seller_page, "status") == ko("My request")
    assert text(seller_page, "meeting-time") == "Waiting.."
    assert text(buyer_client.get("/mypage/requests/").content.decode(), "status") == ko(
        "Their request"
    )


def test_accepting_makes_the_pair_mutual_for_both(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(seller, buyer)
    buyer_client = client_of(buyer.user)
    with tenant_scope(seller.organization):
        request = MeetingRequest.objects.get()

    response = buyer_client.post(f"/mypage/requests/{request.pk}/accept/", follow=True)

    assert ko("You accepted the request: it is now a mutual request.") in response.content.decode()
    assert _listed(buyer_client) == [("테스트 셀러", "mutual")]
    assert _listed(client_of(seller.user)) == [("테스트 바이어", "mutual")]


def test_requesting_a_company_that_already_asked_accepts_its_request(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(buyer, seller)
    seller_client = client_of(seller.user)

    page = _request_from_page(seller_client, buyer)

    assert "테스트 바이어" in page
    assert _listed(seller_client) == [("테스트 바이어", "mutual")]
    with tenant_scope(seller.organization):
        assert MeetingRequest.objects.get().status == RequestStatus.ACCEPTED


def test_cancelling_my_request_removes_the_row_for_both(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(seller, buyer)
    seller_client = client_of(seller.user)

    response = seller_client.post(f"/mypage/requests/with/{buyer.pk}/cancel/", follow=True)

    assert ko("Your request was cancelled.") in response.content.decode()
    assert _listed(seller_client) == []
    assert _listed(client_of(buyer.user)) == []


def test_cancelling_a_mutual_pair_leaves_their_request_waiting_for_my_answer(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(buyer, seller)
    ask(seller, buyer)  # accepts the buyer's request
    seller_client = client_of(seller.user)

    seller_client.post(f"/mypage/requests/with/{buyer.pk}/cancel/")

    assert _listed(seller_client) == [("테스트 바이어", "theirs")]
    assert _listed(client_of(buyer.user)) == [("테스트 셀러", "mine")]


def test_declining_shows_rejected_to_the_requester_and_nothing_to_me(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(seller, buyer)
    buyer_client = client_of(buyer.user)
    with tenant_scope(seller.organization):
        request = MeetingRequest.objects.get()

    buyer_client.post(f"/mypage/requests/{request.pk}/reject/")

    assert _listed(buyer_client) == []
    seller_page = client_of(seller.user).get("/mypage/requests/").content.decode()
    assert rows(seller_page) == [("테스트 바이어", "rejected")]
    assert text(seller_page, "status") == ko("Rejected")
    assert text(seller_page, "actions") == "-"
    assert text(seller_page, "priority") == "-"


def test_only_my_pending_requests_carry_a_priority_with_arrows(
    client_of: ClientOf, event: Event, seller: Participant, buyer: Participant
) -> None:
    mutual = make_participant(event, Side.BUYER, "B002", company="상호 바이어")
    theirs = make_participant(event, Side.BUYER, "B003", company="요청한 바이어")
    ask(seller, buyer)
    ask(seller, mutual)
    ask(mutual, seller)
    ask(theirs, seller)

    page = client_of(seller.user).get("/mypage/requests/").content.decode()

    assert rows(page) == [
        ("상호 바이어", "mutual"),
        ("테스트 바이어", "mine"),
        ("요청한 바이어", "theirs"),
    ]
    assert texts(page, "priority-number") == ["1"]
    assert [p if p == "-" else "n" for p in texts(page, "priority")] == ["-", "n", "-"]


def test_moving_a_request_up_swaps_the_numbers_and_stays_after_reload(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    buyers = [
        make_participant(event, Side.BUYER, f"B00{n}", company=f"바이어 {n}") for n in (1, 2, 3)
    ]
    for company in buyers:
        ask(seller, company)
    client = client_of(seller.user)
    with tenant_scope(seller.organization):
        third = MeetingRequest.objects.get(recipient=buyers[2])

    client.post(f"/mypage/requests/{third.pk}/priority/", {"direction": "up"})
    page = client.get("/mypage/requests/").content.decode()

    assert [company for company, _origin in rows(page)] == ["바이어 1", "바이어 3", "바이어 2"]
    assert texts(page, "priority-number") == ["1", "2", "3"]


def test_moving_a_request_down(client_of: ClientOf, event: Event, seller: Participant) -> None:
    buyers = [make_participant(event, Side.BUYER, f"B00{n}", company=f"바이어 {n}") for n in (1, 2)]
    for company in buyers:
        ask(seller, company)
    client = client_of(seller.user)
    with tenant_scope(seller.organization):
        first = MeetingRequest.objects.get(recipient=buyers[0])

    client.post(f"/mypage/requests/{first.pk}/priority/", {"direction": "down"})

    assert [company for company, _origin in _listed(client)] == ["바이어 2", "바이어 1"]


def test_the_remaining_quota_is_28_of_30_after_two_requests(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    for code in ["B001", "B002"]:
        ask(seller, make_participant(event, Side.BUYER, code))
    expected = ko("Remaining: %(left)s of %(total)s requests available") % {
        "left": 28,
        "total": 30,
    }
    client = client_of(seller.user)

    for path in ["/mypage/requests/", "/mypage/counterparts/", "/mypage/"]:
        assert text(client.get(path).content.decode(), "quota") == expected


def test_a_request_beyond_the_quota_is_refused(client_of: ClientOf, organizer: User) -> None:
    event = make_event(organizer, name="작은 상담회", request_quota=2)
    seller = make_participant(event, Side.SELLER, "S001")
    buyers = [make_participant(event, Side.BUYER, f"B00{n}") for n in (1, 2, 3)]
    client = client_of(seller.user)
    _request_from_page(client, buyers[0])
    _request_from_page(client, buyers[1])

    page = _request_from_page(client, buyers[2])

    assert ko("You have used all %(quota)d requests.") % {"quota": 2} in page
    assert "flash-error" in page
    assert len(_listed(client)) == 2
    assert text(client.get("/mypage/requests/").content.decode(), "quota") == ko(
        "Remaining: %(left)s of %(total)s requests available"
    ) % {"left": 0, "total": 2}


def test_a_request_without_a_common_available_time_warns(
    client_of: ClientOf, event: Event, seller: Participant, buyer: Participant
) -> None:
    with tenant_scope(event.organization):
        every_slot = list(Slot.objects.filter(event=event).values_list("pk", flat=True))
        services.set_availability(participant=seller, slot_ids=every_slot, available=False)

    page = _request_from_page(client_of(seller.user), buyer)

    assert "flash-warning" in page
    assert (
        ko(
            "There is no common available time. Check your available times; "
            "the meeting cannot be arranged until you share one."
        )
        in page
    )


def test_after_the_request_deadline_no_action_is_offered_and_none_is_taken(
    client_of: ClientOf, seller: Participant, buyer: Participant
) -> None:
    ask(seller, buyer)
    with time_machine.travel(dt.datetime(2031, 3, 2, 9, 0, tzinfo=SEOUL)):
        client = client_of(seller.user)
        page = client.get("/mypage/requests/").content.decode()
        response = client.post(f"/mypage/requests/with/{buyer.pk}/cancel/", follow=True)

    assert "requests-closed" in page
    assert text(page, "actions") == "-"
    assert "priority-up" not in page
    assert "flash-error" in response.content.decode()
    assert _listed(client_of(seller.user)) == [("테스트 바이어", "mine")]


def test_answering_a_request_sent_to_someone_else_is_not_found(
    client_of: ClientOf, event: Event, seller: Participant, buyer: Participant
) -> None:
    other_seller = make_participant(event, Side.SELLER, "S002")
    ask(buyer, other_seller)
    with tenant_scope(event.organization):
        request = MeetingRequest.objects.get()
    client = client_of(seller.user)

    assert client.post(f"/mypage/requests/{request.pk}/accept/").status_code == 404
    assert client.post(f"/mypage/requests/{request.pk}/reject/").status_code == 404
    with tenant_scope(event.organization):
        assert MeetingRequest.objects.get().status == RequestStatus.PENDING
