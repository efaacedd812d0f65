"""Automatic scheduling and manual matching from the console (SPEC MM-41..44, G-MM-15)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import MeetingClass, RunStatus, SchedulingMode, Side, WaitingReason
from sangdam.fairs.models import Event, Meeting, Participant, SchedulingRun, WaitingPair
from tests.conftest import ClientOf
from tests.fairs.fair import make_participant


@pytest.fixture
def browser(client_of: ClientOf, organizer: User) -> Client:
    return client_of(organizer)


@pytest.fixture(autouse=True)
def _scope(organization: Organization) -> Iterator[None]:
    with tenant_scope(organization):
        yield


def url(event: Event, page: str = "") -> str:
    return f"/organizer/events/{event.pk}/{page}"


def hhmm(meeting: Meeting) -> str:
    return meeting.slot.starts_at.astimezone(meeting.event.zone).strftime("%H:%M")


def korean(text: object) -> str:
    with translation.override("ko"):
        return str(text)


class Fair:
    """B001 may meet once a day: mutual with S001 wins, its request to S002 waits (cap);
    S003 is never available, so B002's request to it waits (no common time); S001's own
    request to B002 is placed."""

    def __init__(self, event: Event) -> None:
        self.b1 = make_participant(event, Side.BUYER, "B001", daily_cap=1, industry="Food")
        self.b2 = make_participant(event, Side.BUYER, "B002", industry="Food")
        self.s1 = make_participant(event, Side.SELLER, "S001", industry="Food")
        self.s2 = make_participant(event, Side.SELLER, "S002", industry="Food")
        self.s3 = make_participant(event, Side.SELLER, "S003", industry="Tea")
        first = services.request_meeting(requester=self.b1, recipient_id=self.s1.pk).request
        services.accept_request(participant=self.s1, request_id=first.pk)
        services.request_meeting(requester=self.b1, recipient_id=self.s2.pk)
        services.request_meeting(requester=self.b2, recipient_id=self.s3.pk)
        services.request_meeting(requester=self.s1, recipient_id=self.b2.pk)
        services.set_availability(
            participant=self.s3,
            slot_ids=list(event.slots.values_list("pk", flat=True)),
            available=False,
        )


@pytest.fixture
def fair(event: Event) -> Fair:
    return Fair(event)


def run_greedy(browser: Client, event: Event, capture: Any) -> Any:
    """Start greedy scheduling as the button does; the worker's task runs at the commit."""
    with capture(execute=True):
        started = browser.post(url(event, "scheduling/"), {"mode": "greedy"})
    assert started["Location"] == url(event, "scheduling/")
    return browser.get(started["Location"])


def test_greedy_scheduling_from_the_page_places_meetings_and_records_the_run(
    browser: Client,
    organizer: User,
    event: Event,
    fair: Fair,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = run_greedy(browser, event, django_capture_on_commit_callbacks)

    run = SchedulingRun.objects.get()
    assert (run.status, run.mode, run.requested_by) == (
        RunStatus.DONE,
        SchedulingMode.GREEDY,
        organizer,
    )
    assert run.stats["meetings"] == 2
    assert run.stats["waiting"] == 2
    assert run.stats["by_class"] == {"1": 1, "2": 0, "3": 1}
    assert sorted(
        (m.buyer.code, m.seller.code, m.klass, hhmm(m)) for m in Meeting.objects.all()
    ) == [
        ("B001", "S001", MeetingClass.MUTUAL, "09:00"),
        ("B002", "S001", MeetingClass.SELLER, "09:30"),
    ]
    page = response.content.decode()
    assert 'data-testid="run-stats"' in page
    assert 'hx-trigger="every 2s"' not in page
    assert [(t.key, t.count) for t in response.context["classes"]] == [
        ("0", 0),
        ("1", 1),
        ("2", 0),
        ("3", 1),
    ]


def test_waiting_list_shows_each_pair_with_its_reason(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)

    response = browser.get(url(event, "scheduling/?tab=waiting"))

    waiting = [(w.buyer.code, w.seller.code, w.reason) for w in response.context["page"]]
    assert waiting == [
        ("B001", "S002", WaitingReason.CAP),
        ("B002", "S003", WaitingReason.NO_COMMON_SLOT),
    ]
    page = response.content.decode()
    assert korean(WaitingReason.CAP.label) in page
    assert korean(WaitingReason.NO_COMMON_SLOT.label) in page


def test_participants_with_few_meetings_filter_by_count_and_industry(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)

    response = browser.get(url(event, "scheduling/?tab=participants&at_most=0&industry=Food"))

    rows = [(p.code, p.meeting_count) for p in response.context["page"]]
    assert rows == [("S002", 0)]
    link = f'href="{url(event, "matching/")}?seller={fair.s2.pk}&industry=Food"'
    assert link in response.content.decode()


def test_a_running_run_polls_its_status_and_reloads_when_done(
    browser: Client, event: Event, organizer: User
) -> None:
    run = SchedulingRun.objects.create(
        organization=event.organization,
        event=event,
        mode=SchedulingMode.GREEDY,
        status=RunStatus.RUNNING,
        requested_by=organizer,
    )

    polling = browser.get(url(event, "scheduling/status/?active=1"))

    assert 'hx-trigger="every 2s"' in polling.content.decode()
    assert "HX-Refresh" not in polling
    SchedulingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="boom")

    finished = browser.get(url(event, "scheduling/status/?active=1"))

    assert finished["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in finished.content.decode()
    assert 'data-testid="run-error"' in finished.content.decode()
    assert "boom" in finished.content.decode()


def test_a_second_run_while_one_is_under_way_is_refused(
    browser: Client, event: Event, organizer: User
) -> None:
    SchedulingRun.objects.create(
        organization=event.organization, event=event, mode=SchedulingMode.GREEDY
    )

    response = browser.post(url(event, "scheduling/"), {"mode": "greedy"}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert SchedulingRun.objects.count() == 1


def test_matching_shows_the_times_both_are_free(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    Participant.objects.filter(pk=fair.b1.pk).update(daily_cap=2)

    response = browser.get(url(event, f"matching/?buyer={fair.b1.pk}&seller={fair.s2.pk}"))

    (day,) = response.context["slots"]
    free = [
        c.slot.starts_at.astimezone(event.zone).strftime("%H:%M") for c in day.choices if c.free
    ]
    assert free[:3] == ["09:30", "10:00", "10:30"]
    assert day.free_count == 15
    assert response.context["pair"].waiting.reason == WaitingReason.CAP


def test_manual_placement_of_a_waiting_pair_breaking_a_rule_shows_the_rule(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    ten = event.slots.all()[2]

    response = browser.post(
        url(event, "matching/place/"),
        {"buyer": fair.b1.pk, "seller": fair.s2.pk, "slot": ten.pk, "query": "x=1"},
        follow=True,
    )

    with translation.override("ko"):
        expected = translation.gettext(
            "%(company)s has reached its daily cap of %(cap)d meetings."
        ) % {"company": "B001 Co.", "cap": 1}
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert response.redirect_chain[-1][0] == url(event, "matching/?x=1")
    assert not Meeting.objects.filter(buyer=fair.b1, seller=fair.s2).exists()


def test_manual_placement_of_a_waiting_pair_places_it_by_hand(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    Participant.objects.filter(pk=fair.b1.pk).update(daily_cap=2)
    ten = event.slots.all()[2]

    response = browser.post(
        url(event, "matching/place/"),
        {"buyer": fair.b1.pk, "seller": fair.s2.pk, "slot": ten.pk},
        follow=True,
    )

    placed = Meeting.objects.get(buyer=fair.b1, seller=fair.s2)
    assert (placed.klass, placed.placed_by_hand, hhmm(placed)) == (
        MeetingClass.BY_HAND,
        True,
        "10:00",
    )
    assert not WaitingPair.objects.filter(buyer=fair.b1, seller=fair.s2).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert response.context["pair"].meeting == placed


def test_rerunning_keeps_the_meeting_placed_by_hand(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    Participant.objects.filter(pk=fair.b1.pk).update(daily_cap=2)
    browser.post(
        url(event, "matching/place/"),
        {"buyer": fair.b1.pk, "seller": fair.s2.pk, "slot": event.slots.all()[2].pk},
    )

    run_greedy(browser, event, django_capture_on_commit_callbacks)

    latest = SchedulingRun.objects.first()
    assert latest is not None
    assert (latest.status, latest.stats["fixed"]) == (RunStatus.DONE, 1)
    kept = Meeting.objects.get(buyer=fair.b1, seller=fair.s2)
    assert (kept.placed_by_hand, hhmm(kept)) == (True, "10:00")
    assert Meeting.objects.count() == 3


def test_moving_and_removing_a_meeting_by_hand(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    meeting = Meeting.objects.get(buyer=fair.b1, seller=fair.s1)
    later = event.slots.get(code__endswith="-1400")

    page = browser.get(url(event, f"matching/?move={meeting.pk}"))
    assert page.context["moving"] == meeting
    browser.post(url(event, "matching/move/"), {"meeting": meeting.pk, "slot": later.pk})

    meeting.refresh_from_db()
    assert (hhmm(meeting), meeting.placed_by_hand) == ("14:00", True)

    browser.post(url(event, "matching/remove/"), {"meeting": meeting.pk})

    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_matching_offers_no_action_while_published(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)
    browser.post(url(event, "publish/"))

    response = browser.get(url(event, f"matching/?buyer={fair.b2.pk}&seller={fair.s1.pk}"))
    page = response.content.decode()

    assert 'data-testid="published-lock"' in page
    assert 'data-testid="free-slot"' not in page
    assert "matching/remove/" not in page
    refused = browser.post(
        url(event, "matching/place/"),
        {"buyer": fair.b1.pk, "seller": fair.s2.pk, "slot": event.slots.all()[5].pk},
        follow=True,
    )
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]


def test_matching_says_why_the_other_times_are_not_possible(
    browser: Client, event: Event, fair: Fair, django_capture_on_commit_callbacks: Any
) -> None:
    run_greedy(browser, event, django_capture_on_commit_callbacks)

    response = browser.get(url(event, f"matching/?buyer={fair.b1.pk}&seller={fair.s2.pk}"))

    (day,) = response.context["slots"]
    with translation.override("ko"):
        cap = translation.gettext("%(company)s has reached its daily cap of %(cap)d meetings.") % {
            "company": "B001 Co.",
            "cap": 1,
        }
        busy = translation.gettext("%(company)s already has a meeting at this time.") % {
            "company": "B001 Co."
        }
    assert day.free_count == 0
    assert day.reasons == [(cap, 15), (busy, 1)]
    assert 'data-testid="free-slot"' not in response.content.decode()
