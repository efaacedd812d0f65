"""Two people acting on the same fair at once, each on their own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from sangdam.core.errors import SangdamError
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import RequestStatus, Side
from sangdam.fairs.models import Meeting, MeetingRequest
from tests.fairs.fair import actor, make_event, make_organizer, make_participant


def race(organization: Organization, *actions: Callable[[], object]) -> list[str]:
    """Run the actions at the same moment; return "ok" or the refusal's class name for each."""
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def go(action: Callable[[], object]) -> None:
        try:
            start.wait()
            with tenant_scope(organization):
                action()
            outcomes.append("ok")
        except SangdamError as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_leave_one_live_request(
    organization: Organization,
) -> None:
    event = make_event(make_organizer(organization))
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")

    def send() -> object:
        return services.request_meeting(requester=seller, recipient_id=buyer.pk)

    outcomes = race(organization, send, send)

    assert outcomes == ["FairRuleBroken", "ok"]
    with tenant_scope(organization):
        assert MeetingRequest.objects.filter(requester=seller).count() == 1


@pytest.mark.django_db(transaction=True)
def test_accepting_while_the_requester_cancels_ends_cancelled(
    organization: Organization,
) -> None:
    event = make_event(make_organizer(organization))
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    with tenant_scope(organization):
        request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request

    outcomes = race(
        organization,
        lambda: services.accept_request(participant=buyer, request_id=request.pk),
        lambda: services.cancel_request(participant=seller, counterpart_id=buyer.pk),
    )

    assert outcomes in (["ok", "ok"], ["FairRuleBroken", "ok"])
    with tenant_scope(organization):
        assert list(MeetingRequest.objects.values_list("status", flat=True)) == [
            RequestStatus.CANCELLED
        ]


@pytest.mark.django_db(transaction=True)
def test_two_organizers_booking_one_buyer_into_one_slot_get_one_meeting(
    organization: Organization,
) -> None:
    first_organizer = make_organizer(organization)
    second_organizer = make_organizer(organization, "organizer2")
    event = make_event(first_organizer)
    buyer = make_participant(event, Side.BUYER, "B001")
    sellers = [make_participant(event, Side.SELLER, code) for code in ("S001", "S002")]
    with tenant_scope(organization):
        slot = event.slots.first()
    assert slot is not None

    outcomes = race(
        organization,
        *(
            lambda who=who, seller=seller: services.place_meeting(
                actor=actor(who),
                event=event,
                buyer_id=buyer.pk,
                seller_id=seller.pk,
                slot_id=slot.pk,
            )
            for who, seller in zip((first_organizer, second_organizer), sellers, strict=True)
        ),
    )

    assert outcomes == ["FairRuleBroken", "ok"]
    with tenant_scope(organization):
        assert Meeting.objects.filter(buyer=buyer, slot=slot).count() == 1
