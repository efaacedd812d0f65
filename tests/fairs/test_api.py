"""The fair's JSON API: the same rules as the pages, for organizers' and participants' programs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sangdam.core.models import Organization
from sangdam.fairs.enums import Side
from tests.accounts.test_api import Api, token_for
from tests.fairs.fair import make_event, make_organizer, make_participant

pytestmark = pytest.mark.django_db


EVENT = {
    "name": "API Fair",
    "days": ["2031-03-10", "2031-03-11"],
    "participation_deadline": "2031-02-20T18:00:00+09:00",
    "request_deadline": "2031-03-01T18:00:00+09:00",
    "breaks": "12:00-13:00",
}


def test_an_organizer_creates_an_event_and_gets_its_slots(organization: Organization) -> None:
    api = Api(token_for(make_organizer(organization)))

    created = api.send("post", "/fairs/events", EVENT)

    assert created.status_code == 201, created.content
    assert created.json()["slots"] == 32
    assert [e["name"] for e in api.get("/fairs/events").json()] == ["API Fair"]


def test_a_bad_break_is_reported_on_its_field(organization: Organization) -> None:
    api = Api(token_for(make_organizer(organization)))

    refused = api.send("post", "/fairs/events", {**EVENT, "breaks": "12:00-11:00"})

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "breaks"


def test_a_participant_requests_and_the_counterpart_accepts_through_the_api(
    organization: Organization,
) -> None:
    event = make_event(make_organizer(organization))
    buyer = make_participant(event, Side.BUYER, "B001", company="Global Med")
    seller = make_participant(event, Side.SELLER, "S001", company="한국의료")
    seller_api, buyer_api = Api(token_for(seller.user)), Api(token_for(buyer.user))

    sent = seller_api.send("post", "/fairs/me/requests", {"recipient_id": buyer.pk})
    request_id = sent.json()["request"]["id"]
    again = seller_api.send("post", "/fairs/me/requests", {"recipient_id": buyer.pk})
    accepted = buyer_api.send("post", f"/fairs/me/requests/{request_id}/accept")

    assert sent.status_code == 201
    assert again.status_code == 409
    assert again.json()["detail"] == "이미 이 기업에 상담 신청을 했습니다."
    assert accepted.json()["status"] == "accepted"
    assert seller_api.get("/fairs/me").json()["requests_used"] == 1


def test_a_participant_cannot_use_the_organizer_api(organization: Organization) -> None:
    event = make_event(make_organizer(organization))
    seller = make_participant(event, Side.SELLER, "S001")

    refused = Api(token_for(seller.user)).get(f"/fairs/events/{event.pk}")

    assert refused.status_code == 403


def test_scheduling_placing_and_publishing_through_the_api(
    organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    organizer = make_organizer(organization)
    event = make_event(organizer)
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    api = Api(token_for(organizer))
    seller_api = Api(token_for(seller.user))
    seller_api.send("post", "/fairs/me/requests", {"recipient_id": buyer.pk})

    with django_capture_on_commit_callbacks(execute=True):
        run = api.send("post", f"/fairs/events/{event.pk}/runs", {"mode": "greedy"})
    meetings = api.get(f"/fairs/events/{event.pk}/meetings").json()
    before = seller_api.get("/fairs/me/meetings").json()
    api.send("post", f"/fairs/events/{event.pk}/publish")
    after = seller_api.get("/fairs/me/meetings").json()
    result = json.loads(api.get(f"/fairs/events/{event.pk}/schedule-v1").content)

    assert run.status_code == 202
    assert [(m["buyer"], m["seller"], m["meeting_class"]) for m in meetings] == [
        ("B001 Co.", "S001 Co.", 3)
    ]
    assert before == []
    assert [m["id"] for m in after] == [meetings[0]["id"]]
    assert result["meetings"][0]["buyer"] == "B001"


def test_another_organizations_event_is_not_found(
    organization: Organization, other_organization: Organization
) -> None:
    event = make_event(make_organizer(other_organization))

    response = Api(token_for(make_organizer(organization))).get(f"/fairs/events/{event.pk}")

    assert response.status_code == 404


def test_an_organizer_sends_an_announcement_through_the_api(organization: Organization) -> None:
    organizer = make_organizer(organization)
    event = make_event(organizer)
    make_participant(event, Side.BUYER, "B001")
    api = Api(token_for(organizer))

    sent = api.send(
        "post", f"/fairs/events/{event.pk}/announcements", {"text": "안내", "side": "buyer"}
    )
    empty = api.send("post", f"/fairs/events/{event.pk}/announcements", {"text": ""})

    assert sent.json() == {"changed": 1}
    assert empty.json()["errors"][0]["field"] == "text"
