"""Available-time settings: calendar, slot grid, auto-save, bulk buttons, zones (MM-12..18)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from sangdam.accounts.models import User
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.enums import Side
from sangdam.fairs.models import Event, Participant, Unavailability
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_event, make_participant
from tests.fairs.test_mypage_support import ko, place, publish, slot_at, slot_states, text

pytestmark = pytest.mark.django_db

PAGE = "/mypage/availability/?day=2031-03-10"
MM14_STARTS = [
    "9:00", "9:30", "10:00", "10:30", "11:00", "11:30",
    "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
]  # fmt: skip


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(event, Side.SELLER, "S001", company="테스트 셀러")


@pytest.fixture
def seller_client(client_of: ClientOf, seller: Participant) -> Client:
    return client_of(seller.user)


def _toggle(client: Client, event: Event, hour: int, minute: int, available: bool) -> str:
    response = client.post(
        "/mypage/availability/toggle/",
        {
            "slot": slot_at(event, hour, minute).pk,
            "day": "2031-03-10",
            "available": "1" if available else "0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_grid_shows_the_sixteen_slot_starts_of_the_manual_split_am_pm(
    seller_client: Client,
) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert list(slot_states(page)) == MM14_STARTS
    assert text(page, "half-am") == "AM 9:00 9:30 10:00 10:30 11:00 11:30"
    assert text(page, "half-pm").split()[1:] == MM14_STARTS[6:]


def test_the_grid_names_the_chosen_day(seller_client: Client) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert text(page, "grid-heading") == "Available Times for 2031-03-10"


def test_the_calendar_lets_one_click_an_event_day_only(seller_client: Client) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert 'href="?day=2031-03-10"' in page
    assert 'href="?day=2031-03-11"' not in page
    assert text(page, "calendar-day-2031-03-11") == "11"


def test_every_slot_is_available_at_first(seller_client: Client) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert set(slot_states(page).values()) == {"available"}


def test_a_click_switches_a_slot_off_and_saves_it_at_once(
    seller_client: Client, event: Event, seller: Participant
) -> None:
    partial = _toggle(seller_client, event, 9, 30, available=False)

    assert "<html" not in partial
    assert slot_states(partial)["9:30"] == "unavailable"
    reloaded = seller_client.get(PAGE).content.decode()
    assert slot_states(reloaded)["9:30"] == "unavailable"
    assert slot_states(reloaded)["9:00"] == "available"


def test_several_clicks_persist_without_a_save_button(
    seller_client: Client, event: Event, seller: Participant
) -> None:
    _toggle(seller_client, event, 9, 0, available=False)
    _toggle(seller_client, event, 13, 0, available=False)
    _toggle(seller_client, event, 17, 30, available=False)
    _toggle(seller_client, event, 13, 0, available=True)

    states = slot_states(seller_client.get(PAGE).content.decode())

    assert [label for label, state in states.items() if state == "unavailable"] == [
        "9:00",
        "17:30",
    ]
    with tenant_scope(event.organization):
        assert Unavailability.objects.filter(participant=seller).count() == 2


def test_a_click_without_javascript_comes_back_to_the_same_day(
    seller_client: Client, event: Event
) -> None:
    response = seller_client.post(
        "/mypage/availability/toggle/",
        {"slot": slot_at(event, 10).pk, "day": "2031-03-10", "available": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_all_times_unavailable_then_available_switch_the_whole_day(
    seller_client: Client,
) -> None:
    off = seller_client.post(
        "/mypage/availability/day/",
        {"day": "2031-03-10", "available": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert set(slot_states(off).values()) == {"unavailable"}
    assert len(slot_states(off)) == 16

    seller_client.post("/mypage/availability/day/", {"day": "2031-03-10", "available": "1"})

    assert set(slot_states(seller_client.get(PAGE).content.decode()).values()) == {"available"}


def test_the_legend_names_the_three_states(seller_client: Client) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert text(page, "legend") == " ".join(
        [ko("Time states"), ko("Not selectable"), ko("Selectable"), ko("Arranged")]
    )


def test_a_published_meeting_shows_as_arranged_and_cannot_be_clicked(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    place(organizer, event, buyer, seller, slot_at(event, 10))
    client = client_of(seller.user)
    assert slot_states(client.get(PAGE).content.decode())["10:00"] == "available"

    publish(organizer, event)
    page = client.get(PAGE).content.decode()

    assert slot_states(page)["10:00"] == "arranged"
    assert page.count('name="slot"') == 15


def test_after_the_request_deadline_the_grid_is_read_only(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    with time_machine.travel(dt.datetime(2031, 3, 2, 9, 0, tzinfo=SEOUL)):
        client = client_of(seller.user)
        page = client.get(PAGE).content.decode()
        response = client.post(
            "/mypage/availability/toggle/",
            {"slot": slot_at(event, 9).pk, "day": "2031-03-10", "available": "0"},
            follow=True,
        )

    assert "grid-read-only" in page
    assert 'name="slot"' not in page
    assert "all-unavailable" not in page
    assert slot_states(response.content.decode())["9:00"] == "available"
    assert "flash-error" in response.content.decode()


def test_a_slot_of_another_event_is_not_found(
    seller_client: Client, organizer: User, seller: Participant
) -> None:
    other = make_event(organizer, name="다른 상담회")

    response = seller_client.post(
        "/mypage/availability/toggle/",
        {"slot": slot_at(other, 9).pk, "day": "2031-03-10", "available": "0"},
    )

    assert response.status_code == 404


def test_the_page_shows_the_current_time_zone_as_the_manual_does(seller_client: Client) -> None:
    page = seller_client.get(PAGE).content.decode()

    assert text(page, "current-zone") == ko("Current time zone: %(label)s %(zone)s") % {
        "label": "(KST)",
        "zone": "Asia/Seoul",
    }
    assert ko("Change time zone") in page
    assert ko("Fix time zone") in page


def test_changing_the_time_zone_relabels_the_slots_for_this_visit_only(
    seller_client: Client, seller: Participant
) -> None:
    seller_client.post("/mypage/time-zone/", {"zone": "Asia/Shanghai", "next": PAGE})

    page = seller_client.get("/mypage/availability/?day=2031-03-10").content.decode()

    assert list(slot_states(page))[:2] == ["8:00", "8:30"]
    assert "(CST) Asia/Shanghai" in text(page, "current-zone")
    seller.user.refresh_from_db()
    assert seller.user.time_zone == "Asia/Seoul"


def test_fixing_the_time_zone_keeps_it_after_signing_in_again(
    client_of: ClientOf, seller_client: Client, seller: Participant
) -> None:
    seller_client.post("/mypage/time-zone/", {"zone": "Asia/Shanghai", "fix": "on", "next": PAGE})

    seller.user.refresh_from_db()
    page = client_of(seller.user).get(PAGE).content.decode()

    assert seller.user.time_zone == "Asia/Shanghai"
    assert next(iter(slot_states(page))) == "8:00"
