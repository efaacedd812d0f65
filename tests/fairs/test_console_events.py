"""The organizer's event pages: list, settings form, dashboard, publication (SPEC MM-01, MM-14)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.enums import Approval, NoticeKind, Side
from sangdam.fairs.models import Event, Notice
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_event, make_organizer, make_participant


@pytest.fixture
def browser(client_of: ClientOf, organizer: User) -> Client:
    return client_of(organizer)


@pytest.fixture(autouse=True)
def _scope(organization: Organization) -> Iterator[None]:
    with tenant_scope(organization):
        yield


def event_form(**changes: Any) -> dict[str, Any]:
    """The new-event form as an organizer fills it for the manual's day (SPEC MM-14)."""
    data = {
        "name": "2031 붐업코리아 수출상담회",
        "venue": "COEX",
        "time_zone": "Asia/Seoul",
        "days": "2031-03-10",
        "daily_start": "09:00",
        "daily_end": "18:00",
        "breaks": "12:00-13:00",
        "meeting_minutes": "30",
        "gap_minutes": "0",
        "participation_deadline": "2031-02-20T18:00",
        "request_deadline": "2031-03-01T18:00",
        "request_quota": "30",
        "default_daily_cap": "",
        "tables": "",
        "host_side": "",
    }
    data.update(changes)
    return data


def starts(event: Event) -> list[str]:
    return [s.starts_at.astimezone(event.zone).strftime("%H:%M") for s in event.slots.all()]


def test_event_list_is_where_an_organizer_lands_after_signing_in(
    client: Client, organizer: User
) -> None:
    response = client.post(
        "/login/",
        {"service_name": "acme", "username": organizer.username, "password": "secret123"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/organizer/"
    assert 'data-testid="new-event"' in response.content.decode()


def test_event_created_through_the_form_has_the_sixteen_slots_of_the_manual_day(
    browser: Client,
) -> None:
    response = browser.post("/organizer/events/new/", event_form())

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/organizer/events/{event.pk}/"
    assert starts(event) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
    ]  # fmt: skip
    assert event.participation_deadline == dt.datetime(2031, 2, 20, 18, 0, tzinfo=SEOUL)
    assert event.request_deadline == dt.datetime(2031, 3, 1, 18, 0, tzinfo=SEOUL)
    assert event.request_quota == 30
    assert event.default_daily_cap is None
    assert event.tables is None


def test_event_deadlines_are_read_in_the_event_time_zone(browser: Client) -> None:
    browser.post(
        "/organizer/events/new/",
        event_form(time_zone="Europe/Berlin", participation_deadline="2031-02-20T18:00"),
    )

    event = Event.objects.get()
    assert event.participation_deadline == dt.datetime(
        2031, 2, 20, 17, 0, tzinfo=dt.UTC
    )  # 18:00 CET


def test_event_days_can_be_given_as_a_range(browser: Client) -> None:
    browser.post("/organizer/events/new/", event_form(days="2031-03-10 ~ 2031-03-12"))

    event = Event.objects.get()
    assert [d.day for d in event.days.all()] == [
        dt.date(2031, 3, 10),
        dt.date(2031, 3, 11),
        dt.date(2031, 3, 12),
    ]
    assert event.slots.count() == 48


def test_event_form_reports_a_bad_break_on_the_breaks_field(browser: Client) -> None:
    response = browser.post("/organizer/events/new/", event_form(breaks="12:00-13:00, 15:00-1500x"))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert 'data-testid="error-breaks"' in page
    error = page.split('data-testid="error-breaks">')[1].split("<")[0]
    assert "15:00-1500x" in error


def test_event_form_puts_the_service_refusal_on_the_named_field(browser: Client) -> None:
    response = browser.post(
        "/organizer/events/new/",
        event_form(participation_deadline="2031-03-05T18:00", request_deadline="2031-03-01T18:00"),
    )

    assert response.status_code == 200
    assert not Event.objects.exists()
    assert 'data-testid="error-request_deadline"' in response.content.decode()


def test_event_form_previews_the_slots_per_day(browser: Client) -> None:
    response = browser.post(
        "/organizer/events/slot-preview/", event_form(days="2031-03-10, 2031-03-11")
    )

    assert [(d.day, d.count) for d in response.context["preview"]] == [
        (dt.date(2031, 3, 10), 16),
        (dt.date(2031, 3, 11), 16),
    ]


def test_event_edit_keeps_the_form_values_and_changes_the_slots(
    browser: Client, organizer: User
) -> None:
    event = make_event(organizer)
    page = browser.get(f"/organizer/events/{event.pk}/edit/").content.decode()
    assert 'value="2031-02-20T18:00"' in page
    assert 'value="12:00-13:00"' in page

    response = browser.post(
        f"/organizer/events/{event.pk}/edit/", event_form(meeting_minutes="60", breaks="")
    )

    assert response.status_code == 302
    assert starts(event) == [f"{h:02d}:00" for h in range(9, 18)]


def test_another_organizations_event_is_not_found(
    browser: Client, other_organization: Organization
) -> None:
    other = make_event(make_organizer(other_organization, "their-organizer"))

    for page in ["", "edit/", "participants/", "requests/", "scheduling/", "matching/"]:
        assert browser.get(f"/organizer/events/{other.pk}/{page}").status_code == 404
    assert browser.post(f"/organizer/events/{other.pk}/publish/").status_code == 404


def test_console_is_refused_to_a_participant(client_of: ClientOf, organizer: User) -> None:
    event = make_event(organizer)
    buyer = make_participant(event, Side.BUYER, "B001")

    response = client_of(buyer.user).get(f"/organizer/events/{event.pk}/")

    assert response.status_code == 403


def test_event_list_shows_the_counts_and_publication(browser: Client, organizer: User) -> None:
    event = make_event(organizer)
    make_participant(event, Side.BUYER, "B001")
    make_participant(event, Side.SELLER, "S001")

    response = browser.get("/organizer/")

    row = response.context["page"][0]
    assert (row.name, row.participant_count, row.request_count, row.published_at) == (
        "2031 수출상담회",
        2,
        0,
        None,
    )


def test_dashboard_counts_participants_by_side_and_approval(
    browser: Client, organizer: User
) -> None:
    event = make_event(organizer)
    make_participant(event, Side.BUYER, "B001")
    make_participant(event, Side.BUYER, "B002", approval=Approval.PENDING)
    make_participant(event, Side.SELLER, "S001", approval=Approval.REJECTED)

    response = browser.get(f"/organizer/events/{event.pk}/")

    numbers = response.context["numbers"]
    assert [(s.side, s.approved, s.pending, s.rejected) for s in numbers.sides] == [
        ("buyer", 1, 1, 0),
        ("seller", 0, 0, 1),
    ]
    assert numbers.slot_total == 16


def test_publish_then_unpublish_from_the_dashboard(browser: Client, organizer: User) -> None:
    event = make_event(organizer)
    buyer = make_participant(event, Side.BUYER, "B001")
    make_participant(event, Side.SELLER, "S001", approval=Approval.PENDING)

    published = browser.post(f"/organizer/events/{event.pk}/publish/", follow=True)

    assert Event.objects.get(pk=event.pk).is_published
    assert list(Notice.objects.values_list("participant", "kind")) == [
        (buyer.pk, NoticeKind.SCHEDULE_PUBLISHED)
    ]
    assert 'data-testid="unpublish"' in published.content.decode()
    matching = browser.get(f"/organizer/events/{event.pk}/matching/").content.decode()
    assert 'data-testid="published-lock"' in matching

    unpublished = browser.post(f"/organizer/events/{event.pk}/unpublish/", follow=True)

    assert not Event.objects.get(pk=event.pk).is_published
    assert [m.level_tag for m in unpublished.context["messages"]] == ["warning"]
    assert 'data-testid="publish"' in unpublished.content.decode()


def test_publishing_twice_shows_the_refusal(browser: Client, organizer: User) -> None:
    event = make_event(organizer)
    browser.post(f"/organizer/events/{event.pk}/publish/", follow=True)

    response = browser.post(f"/organizer/events/{event.pk}/publish/", follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_dashboard_sends_an_announcement_to_every_approved_participant(
    browser: Client, event: Event
) -> None:
    make_participant(event, Side.BUYER, "B001")
    make_participant(event, Side.SELLER, "S001")

    response = browser.post(
        f"/organizer/events/{event.pk}/announce/",
        {"text": "셔틀버스 안내", "side": ""},
        follow=True,
    )

    assert "참가기업 2곳에 공지를 보냈습니다." in response.content.decode()
    assert sorted(
        Notice.objects.filter(kind=NoticeKind.ANNOUNCEMENT).values_list("text", flat=True)
    ) == ["셔틀버스 안내", "셔틀버스 안내"]
