"""Fairs of one organization are invisible to another, and one event's participants never reach
another event's companies, meetings or reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django_scopes import ScopeError

from sangdam.accounts.models import User
from sangdam.core.errors import NotFound
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import Side
from sangdam.fairs.models import Event, Participant
from tests.accounts.test_api import Api, token_for
from tests.fairs.fair import actor, make_event, make_organizer, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(organization: Organization) -> dict[str, Any]:
    """A published fair of `acme` with a meeting, a report and a notice."""
    organizer = make_organizer(organization)
    event = make_event(organizer)
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    with tenant_scope(organization):
        services.request_meeting(requester=seller, recipient_id=buyer.pk)
        slot = event.slots.first()
        assert slot is not None
        meeting = services.place_meeting(
            actor=actor(organizer), event=event, buyer_id=buyer.pk, seller_id=seller.pk,
            slot_id=slot.pk,
        )  # fmt: skip
        services.publish_schedule(actor=actor(organizer), event=event)
    return {"organizer": organizer, "event": event, "buyer": buyer, "seller": seller,
            "meeting": meeting}  # fmt: skip


def test_every_fair_model_refuses_unscoped_queries(fair: dict[str, Any]) -> None:
    for model in apps.get_app_config("fairs").get_models():
        if model._meta.auto_created:
            continue
        with pytest.raises(ScopeError):
            list(model.objects.all())  # type: ignore[attr-defined]


def test_another_organizations_organizer_sees_no_event_through_the_api(
    fair: dict[str, Any], other_organization: Organization
) -> None:
    api = Api(token_for(make_organizer(other_organization)))
    event = fair["event"]

    assert api.get("/fairs/events").json() == []
    for path in ("", "/participants", "/meetings", "/schedule-v1"):
        assert api.get(f"/fairs/events/{event.pk}{path}").status_code == 404, path
    moved = api.send("post", f"/fairs/events/{event.pk}/publish")
    assert moved.status_code == 404


def test_a_participant_of_another_event_cannot_reach_this_events_companies(
    organization: Organization, fair: dict[str, Any]
) -> None:
    second = make_event(make_organizer(organization, "organizer2"), name="다른 상담회")
    outsider = make_participant(second, Side.SELLER, "S900")
    api = Api(token_for(outsider.user))

    refused = api.send("post", "/fairs/me/requests", {"recipient_id": fair["buyer"].pk})

    assert refused.status_code == 404
    assert api.get("/fairs/me/meetings").json() == []
    with tenant_scope(organization), pytest.raises(NotFound):
        services.save_report(
            participant=outsider,
            meeting_id=fair["meeting"].pk,
            fields=services.ReportFields(held=True),
        )


def test_a_participant_account_belongs_to_exactly_one_event(fair: dict[str, Any]) -> None:
    user: User = fair["seller"].user
    with tenant_scope(user.organization):
        assert list(Participant.objects.filter(user=user).values_list("event", flat=True)) == [
            fair["event"].pk
        ]
        assert Event.objects.count() == 1
