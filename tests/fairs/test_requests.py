"""Meeting requests between participants: the rules of SPEC MM-23..30 and G-MM-05..07."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from sangdam.core.errors import NotFound
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import Approval, NoticeKind, RequestStatus, Side
from sangdam.fairs.errors import DeadlinePassed, FairRuleBroken
from sangdam.fairs.models import Event, MeetingRequest, Notice, Participant
from tests.fairs.fair import SEOUL, actor, make_event, make_organizer, make_participant


@pytest.fixture
def event(organization: Organization) -> Event:
    return make_event(make_organizer(organization), request_quota=3)


@pytest.fixture
def buyer(event: Event) -> Participant:
    return make_participant(event, Side.BUYER, "B001", company="Global Med", email="b@example.com")


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(event, Side.SELLER, "S001", company="한국의료", email="s@example.com")


@pytest.fixture(autouse=True)
def _scope(organization: Organization) -> Iterator[None]:
    # Messages are compared in English, the language of the code.
    with tenant_scope(organization), translation.override("en"):
        yield


def statuses(a: Participant, b: Participant) -> list[str]:
    return list(
        MeetingRequest.objects.filter(requester=a, recipient=b)
        .order_by("id")
        .values_list("status", flat=True)
    )


def test_request_notifies_the_recipient_in_the_message_box_and_by_mail(
    buyer: Participant, seller: Participant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.request_meeting(requester=seller, recipient_id=buyer.pk)

    notice = Notice.objects.get(participant=buyer)
    assert (notice.kind, notice.counterpart) == (NoticeKind.REQUEST_RECEIVED, seller)
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
    assert "한국의료" in mail.outbox[0].body


def test_accepting_makes_the_pair_mutual_and_tells_the_requester(
    buyer: Participant, seller: Participant
) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request

    services.accept_request(participant=buyer, request_id=request.pk)

    assert statuses(seller, buyer) == [RequestStatus.ACCEPTED]
    assert Notice.objects.filter(participant=seller, kind=NoticeKind.REQUEST_ACCEPTED).exists()


def test_requesting_back_a_company_that_asked_first_accepts_its_request(
    buyer: Participant, seller: Participant
) -> None:
    services.request_meeting(requester=seller, recipient_id=buyer.pk)

    outcome = services.request_meeting(requester=buyer, recipient_id=seller.pk)

    assert outcome.accepted_theirs
    assert statuses(seller, buyer) == [RequestStatus.ACCEPTED]
    assert statuses(buyer, seller) == []
    assert services.live_requests_sent(buyer) == 0


def test_requests_go_only_to_approved_companies_of_the_other_side(
    event: Event, buyer: Participant, seller: Participant
) -> None:
    other_seller = make_participant(event, Side.SELLER, "S002")
    pending_buyer = make_participant(event, Side.BUYER, "B002", approval=Approval.PENDING)

    with pytest.raises(NotFound):
        services.request_meeting(requester=seller, recipient_id=other_seller.pk)
    with pytest.raises(NotFound):
        services.request_meeting(requester=seller, recipient_id=pending_buyer.pk)
    with pytest.raises(FairRuleBroken, match="not been approved"):
        services.request_meeting(requester=pending_buyer, recipient_id=seller.pk)


def test_a_second_request_to_the_same_company_is_refused(
    buyer: Participant, seller: Participant
) -> None:
    services.request_meeting(requester=seller, recipient_id=buyer.pk)

    with pytest.raises(FairRuleBroken, match="already requested"):
        services.request_meeting(requester=seller, recipient_id=buyer.pk)


def test_the_quota_counts_my_live_requests_and_a_rejection_gives_one_back(
    event: Event, seller: Participant
) -> None:
    buyers = [make_participant(event, Side.BUYER, f"B10{i}") for i in range(4)]
    for b in buyers[:3]:
        services.request_meeting(requester=seller, recipient_id=b.pk)

    with pytest.raises(FairRuleBroken, match="used all 3 requests"):
        services.request_meeting(requester=seller, recipient_id=buyers[3].pk)

    first = MeetingRequest.objects.get(requester=seller, recipient=buyers[0])
    services.reject_request(participant=buyers[0], request_id=first.pk)
    services.request_meeting(requester=seller, recipient_id=buyers[3].pk)
    assert services.live_requests_sent(seller) == 3


def test_a_declined_company_cannot_be_asked_again(buyer: Participant, seller: Participant) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    services.reject_request(participant=buyer, request_id=request.pk)

    with pytest.raises(FairRuleBroken, match="declined"):
        services.request_meeting(requester=seller, recipient_id=buyer.pk)


def test_cancelling_my_request_after_they_accepted_removes_the_pair(
    buyer: Participant, seller: Participant
) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    services.accept_request(participant=buyer, request_id=request.pk)

    services.cancel_request(participant=seller, counterpart_id=buyer.pk)

    assert statuses(seller, buyer) == [RequestStatus.CANCELLED]
    assert Notice.objects.filter(participant=buyer, kind=NoticeKind.REQUEST_CANCELLED).exists()


def test_cancelling_my_acceptance_turns_the_pair_back_into_their_request(
    buyer: Participant, seller: Participant
) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    services.accept_request(participant=buyer, request_id=request.pk)

    services.cancel_request(participant=buyer, counterpart_id=seller.pk)

    assert statuses(seller, buyer) == [RequestStatus.PENDING]


def test_a_pair_with_a_meeting_cannot_be_cancelled(
    organization: Organization, event: Event, buyer: Participant, seller: Participant
) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    services.accept_request(participant=buyer, request_id=request.pk)
    organizer = make_organizer(organization, "organizer2")
    services.place_meeting(
        actor=actor(organizer),
        event=event,
        buyer_id=buyer.pk,
        seller_id=seller.pk,
        slot_id=event.slots.first().pk,  # type: ignore[union-attr]
    )

    with pytest.raises(FairRuleBroken, match="confirmed meeting"):
        services.cancel_request(participant=seller, counterpart_id=buyer.pk)


def test_priority_arrows_swap_my_pending_requests(event: Event, seller: Participant) -> None:
    buyers = [make_participant(event, Side.BUYER, f"B20{i}") for i in range(3)]
    sent = [services.request_meeting(requester=seller, recipient_id=b.pk).request for b in buyers]

    services.move_priority(participant=seller, request_id=sent[2].pk, up=True)

    ranks = dict(MeetingRequest.objects.filter(requester=seller).values_list("pk", "rank"))
    assert [ranks[r.pk] for r in sent] == [1, 3, 2]


def test_nothing_changes_after_the_request_deadline(
    event: Event, buyer: Participant, seller: Participant
) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    after = event.request_deadline + dt.timedelta(minutes=1)
    slot_ids = list(event.slots.values_list("pk", flat=True)[:1])

    with time_machine.travel(after, tick=False):
        with pytest.raises(DeadlinePassed):
            services.accept_request(participant=buyer, request_id=request.pk)
        with pytest.raises(DeadlinePassed):
            services.cancel_request(participant=seller, counterpart_id=buyer.pk)
        with pytest.raises(DeadlinePassed):
            services.set_availability(participant=buyer, slot_ids=slot_ids, available=False)


def test_the_organizer_can_extend_the_deadline_for_one_participant(
    event: Event, buyer: Participant, seller: Participant
) -> None:
    seller.request_deadline = event.request_deadline + dt.timedelta(days=2)
    seller.save()

    with time_machine.travel(event.request_deadline + dt.timedelta(days=1), tick=False):
        services.request_meeting(requester=seller, recipient_id=buyer.pk)

    assert statuses(seller, buyer) == [RequestStatus.PENDING]


def test_participation_info_is_read_only_after_its_deadline(
    event: Event, buyer: Participant
) -> None:
    info = services.ParticipationInfo(company_name="Renamed")

    late = dt.datetime(2031, 2, 21, tzinfo=SEOUL)
    with time_machine.travel(late, tick=False), pytest.raises(DeadlinePassed):
        services.update_participation(participant=buyer, info=info)

    services.update_participation(participant=buyer, info=info)
    buyer.refresh_from_db()
    assert (buyer.company_name, buyer.user.name) == ("Renamed", "Renamed")
