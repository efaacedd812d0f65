"""Automatic and manual scheduling of an event, and publication (SPEC MM-01, MM-11, MM-41..44)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.engine_mapping import problem_for
from sangdam.fairs.enums import Approval, MeetingClass, NoticeKind, RunStatus, SchedulingMode, Side
from sangdam.fairs.errors import FairRuleBroken
from sangdam.fairs.models import Event, Meeting, Notice, Participant, SchedulingRun, WaitingPair
from sangdam.fairs.notify import notice_text
from tests.fairs.fair import actor, make_event, make_participant


@pytest.fixture(autouse=True)
def _scope(organization: Organization) -> Iterator[None]:
    # Messages are compared in English, the language of the code.
    with tenant_scope(organization), translation.override("en"):
        yield


def mutual(buyer: Participant, seller: Participant) -> None:
    request = services.request_meeting(requester=seller, recipient_id=buyer.pk).request
    services.accept_request(participant=buyer, request_id=request.pk)


def run(
    organizer: User, event: Event, mode: SchedulingMode = SchedulingMode.GREEDY
) -> SchedulingRun:
    return services.start_scheduling(actor=actor(organizer), event=event, mode=mode)


def slot_starts(event: Event) -> list[str]:
    return [s.starts_at.astimezone(event.zone).strftime("%H:%M") for s in event.slots.all()]


def test_the_manual_day_has_six_morning_and_ten_afternoon_slots(event: Event) -> None:
    assert slot_starts(event) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
    ]  # fmt: skip


def test_scheduling_places_the_pair_in_the_earliest_slot_both_left_available(
    organizer: User, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    mutual(buyer, seller)
    first_two = [s.pk for s in event.slots.all()[:2]]
    services.set_availability(participant=seller, slot_ids=first_two, available=False)

    with django_capture_on_commit_callbacks(execute=True):
        finished = run(organizer, event)

    finished.refresh_from_db()
    assert finished.status == RunStatus.DONE
    assert finished.stats["by_class"] == {"1": 1, "2": 0, "3": 0}
    meeting = Meeting.objects.get(event=event)
    assert meeting.slot.starts_at.astimezone(event.zone).strftime("%H:%M") == "10:00"
    assert meeting.klass == MeetingClass.MUTUAL


def test_a_daily_cap_leaves_the_extra_pairs_waiting_with_the_reason(
    organizer: User, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001", daily_cap=2)
    for i in range(4):
        mutual(buyer, make_participant(event, Side.SELLER, f"S00{i}"))

    with django_capture_on_commit_callbacks(execute=True):
        run(organizer, event)

    assert Meeting.objects.filter(buyer=buyer).count() == 2
    assert sorted(WaitingPair.objects.values_list("reason", flat=True)) == ["cap", "cap"]


def test_rerunning_keeps_meetings_placed_by_hand(
    organizer: User, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller, other = (make_participant(event, Side.SELLER, c) for c in ("S001", "S002"))
    mutual(buyer, other)
    last_slot = event.slots.last()
    assert last_slot is not None
    by_hand = services.place_meeting(
        actor=actor(organizer), event=event, buyer_id=buyer.pk, seller_id=seller.pk,
        slot_id=last_slot.pk,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        run(organizer, event)
    with django_capture_on_commit_callbacks(execute=True):
        run(organizer, event)

    assert Meeting.objects.filter(pk=by_hand.pk, slot=last_slot, placed_by_hand=True).exists()
    assert Meeting.objects.filter(event=event).count() == 2


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        ("unavailable", "S001 Co. is not available at this time."),
        ("busy", "B001 Co. already has a meeting at this time."),
        ("cap", "B001 Co. has reached its daily cap of 1 meetings."),
        ("tables", "Every table is taken at this time."),
        ("pair", "These two companies already have a meeting."),
    ],
)
def test_manual_placement_names_the_rule_it_breaks(
    organizer: User, event: Event, arrange: str, message: str
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    third = make_participant(event, Side.SELLER, "S002")
    other_buyer = make_participant(event, Side.BUYER, "B002")
    first, second = list(event.slots.all()[:2])
    slot = first
    who = actor(organizer)
    if arrange == "unavailable":
        services.set_availability(participant=seller, slot_ids=[first.pk], available=False)
    elif arrange == "busy":
        services.place_meeting(
            actor=who, event=event, buyer_id=buyer.pk, seller_id=third.pk, slot_id=first.pk
        )
    elif arrange == "cap":
        Event.objects.filter(pk=event.pk).update(default_daily_cap=1)
        event.refresh_from_db()
        services.place_meeting(
            actor=who, event=event, buyer_id=buyer.pk, seller_id=third.pk, slot_id=second.pk
        )
    elif arrange == "tables":
        Event.objects.filter(pk=event.pk).update(tables=1)
        event.refresh_from_db()
        services.place_meeting(
            actor=who, event=event, buyer_id=other_buyer.pk, seller_id=third.pk, slot_id=first.pk
        )
    else:
        services.place_meeting(
            actor=who, event=event, buyer_id=buyer.pk, seller_id=seller.pk, slot_id=second.pk
        )

    with pytest.raises(FairRuleBroken) as refused:
        services.place_meeting(
            actor=who, event=event, buyer_id=buyer.pk, seller_id=seller.pk, slot_id=slot.pk
        )

    assert refused.value.message == message


def test_publishing_tells_every_approved_participant_once(
    organizer: User, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    people = [make_participant(event, Side.BUYER, "B001", email="b@example.com")]
    people.append(make_participant(event, Side.SELLER, "S001", email="s@example.com"))

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_schedule(actor=actor(organizer), event=event)

    kinds = Notice.objects.filter(kind=NoticeKind.SCHEDULE_PUBLISHED)
    assert sorted(n.participant.code for n in kinds) == ["B001", "S001"]
    with pytest.raises(FairRuleBroken, match="already published"):
        services.publish_schedule(actor=actor(organizer), event=event)


def test_the_schedule_cannot_be_changed_or_rerun_while_published(
    organizer: User, event: Event
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    services.publish_schedule(actor=actor(organizer), event=event)
    event.refresh_from_db()

    with pytest.raises(FairRuleBroken, match="Unpublish"):
        run(organizer, event)
    with pytest.raises(FairRuleBroken, match="Unpublish"):
        services.place_meeting(
            actor=actor(organizer), event=event, buyer_id=buyer.pk, seller_id=seller.pk,
            slot_id=event.slots.first().pk,  # type: ignore[union-attr]
        )  # fmt: skip

    services.unpublish_schedule(actor=actor(organizer), event=event)
    event.refresh_from_db()
    assert not event.is_published


def test_changing_the_hours_keeps_unchanged_slots_and_refuses_to_drop_a_meeting(
    organizer: User, event: Event
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    last = event.slots.last()
    assert last is not None
    services.place_meeting(
        actor=actor(organizer), event=event, buyer_id=buyer.pk, seller_id=seller.pk,
        slot_id=last.pk,
    )  # fmt: skip
    settings = services.EventSettings(
        name=event.name,
        days=[s.day for s in event.days.all()],
        participation_deadline=event.participation_deadline,
        request_deadline=event.request_deadline,
        daily_end=event.daily_end.replace(hour=17),
    )

    with pytest.raises(InvalidInput) as refused:
        services.update_event(actor=actor(organizer), event=event, settings=settings)

    assert "days" in refused.value.errors
    assert event.slots.count() == 16


def test_a_removed_meeting_of_a_requested_pair_goes_back_to_the_waiting_list(
    organizer: User, event: Event
) -> None:
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001")
    services.request_meeting(requester=buyer, recipient_id=seller.pk)
    slot = event.slots.first()
    assert slot is not None
    meeting = services.place_meeting(
        actor=actor(organizer), event=event, buyer_id=buyer.pk, seller_id=seller.pk,
        slot_id=slot.pk,
    )  # fmt: skip

    services.remove_meeting(actor=actor(organizer), event=event, meeting_id=meeting.pk)

    waiting = WaitingPair.objects.get(event=event)
    assert (waiting.buyer, waiting.seller, waiting.klass, waiting.reason) == (
        buyer, seller, MeetingClass.BUYER, "not_scheduled"
    )  # fmt: skip


def test_publishing_waits_for_an_unfinished_run(organizer: User, event: Event) -> None:
    services.create_run(event=event, mode=SchedulingMode.GREEDY, time_limit=None, requested_by=None)

    with pytest.raises(FairRuleBroken, match="scheduling run has finished"):
        services.publish_schedule(actor=actor(organizer), event=event)


def test_optimize_places_a_pair_the_rule_leaves_waiting(
    organizer: User, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(organizer, daily_start=dt.time(9), daily_end=dt.time(10), breaks=[])
    first, second = event.slots.all()
    early_buyer = make_participant(event, Side.BUYER, "B001")
    late_buyer = make_participant(event, Side.BUYER, "B002")
    seller = make_participant(event, Side.SELLER, "S001")
    mutual(early_buyer, seller)
    services.request_meeting(requester=seller, recipient_id=late_buyer.pk)
    services.set_availability(participant=late_buyer, slot_ids=[second.pk], available=False)

    with django_capture_on_commit_callbacks(execute=True):
        greedy = run(organizer, event)
    greedy.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        optimized = services.start_scheduling(
            actor=actor(organizer), event=event, mode=SchedulingMode.OPTIMIZE, time_limit=20
        )
    optimized.refresh_from_db()

    assert (greedy.stats["meetings"], optimized.stats["meetings"]) == (1, 2)
    assert sorted((m.buyer.code, m.slot_id) for m in Meeting.objects.filter(event=event)) == [
        ("B001", second.pk),
        ("B002", first.pk),
    ]
    assert not WaitingPair.objects.filter(event=event).exists()


def test_an_announcement_reaches_the_chosen_side_by_message_box_and_mail(
    organizer: User, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    make_participant(event, Side.BUYER, "B001", email="b@example.com")
    make_participant(event, Side.SELLER, "S001", email="s@example.com")
    make_participant(event, Side.SELLER, "S002", approval=Approval.PENDING, email="p@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_announcement(
            actor=actor(organizer), event=event, text="부스 배치도가 나왔습니다.", side="seller"
        )

    notice = Notice.objects.get(kind=NoticeKind.ANNOUNCEMENT)
    assert (sent, notice.participant.code, notice_text(notice)) == (
        1, "S001", "부스 배치도가 나왔습니다."
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["s@example.com"]]
    with pytest.raises(InvalidInput):
        services.send_announcement(actor=actor(organizer), event=event, text="  ")


def test_the_engine_sees_each_participants_first_category(event: Event) -> None:
    make_participant(event, Side.BUYER, "B001", categories=["화장품", "식품", "의료기기"])

    problem = problem_for(event).problem

    assert [p.category for p in problem.participants] == ["식품"]
