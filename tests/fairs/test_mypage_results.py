"""Matching results, waiting list, reports and the message box (MM-31..MM-38)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from sangdam.accounts.models import User
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.enums import MeetingClass, Side, WaitingReason
from sangdam.fairs.models import Event, Meeting, MeetingReport, Participant, WaitingPair
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_event, make_participant
from tests.fairs.test_mypage_support import (
    ask,
    ko,
    place,
    publish,
    rows,
    slot_at,
    slot_classes,
    text,
    texts,
)

pytestmark = pytest.mark.django_db

AFTER_THE_MEETINGS = dt.datetime(2031, 3, 10, 15, 0, tzinfo=SEOUL)


@pytest.fixture
def event(organizer: User) -> Event:
    return make_event(organizer, tables=10)


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(event, Side.SELLER, "S001", company="테스트 셀러")


@pytest.fixture
def buyers(event: Event) -> list[Participant]:
    return [make_participant(event, Side.BUYER, f"B00{n}", company=f"바이어 {n}") for n in (1, 2)]


@pytest.fixture
def meetings(
    organizer: User, event: Event, seller: Participant, buyers: list[Participant]
) -> list[Meeting]:
    """A mutual pair at 9:00 and a pair the seller asked for at 10:00, both on 2031-03-10."""
    ask(seller, buyers[0])
    ask(buyers[0], seller)
    ask(seller, buyers[1])
    return [
        place(organizer, event, buyers[0], seller, slot_at(event, 9)),
        place(organizer, event, buyers[1], seller, slot_at(event, 10)),
    ]


def _dots(page: str, day: str) -> int:
    cell = re.search(rf'data-testid="calendar-day-{day}">(.*?)</td>', page, re.S)
    assert cell is not None
    return cell.group(1).count('class="sd-dot"')


def test_before_publication_the_calendar_and_list_are_empty(
    client_of: ClientOf, seller: Participant, meetings: list[Meeting]
) -> None:
    client = client_of(seller.user)

    page = client.get("/mypage/results/").content.decode()
    listed = client.get("/mypage/requests/").content.decode()

    assert ko("The schedule has not been published yet") in text(page, "not-published")
    assert texts(page, "result-row") == []
    assert _dots(page, "2031-03-10") == 0
    assert "day-timetable" not in page
    assert texts(listed, "meeting-time") == ["Waiting..", "Waiting.."]


def test_after_publication_each_meeting_is_a_dot_and_a_red_slot(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)

    page = client_of(seller.user).get("/mypage/results/").content.decode()

    assert _dots(page, "2031-03-10") == 2
    booked = [label for label, css in slot_classes(page).items() if "sd-slot-booked" in css]
    assert booked == ["9:00", "10:00"]


def test_the_result_list_groups_meetings_by_date_with_time_origin_and_booth(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)

    page = client_of(seller.user).get("/mypage/results/").content.decode()

    assert texts(page, "date-group") == ["2031-03-10 (2)"]
    assert texts(page, "result-row") == [
        f"1 2031-03-10 09:00 - 09:30 (KST) 바이어 1 {ko('Mutual request')} 1 {ko('Write report')}",
        f"2 2031-03-10 10:00 - 10:30 (KST) 바이어 2 {ko('My request')} 1 {ko('Write report')}",
    ]
    assert "cancel" not in " ".join(texts(page, "result-row")).lower()


def test_after_publication_the_request_list_shows_the_meeting_time_and_no_cancel(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)
    client = client_of(seller.user)

    page = client.get("/mypage/requests/").content.decode()
    forced = client.post(f"/mypage/requests/with/{meetings[0].buyer_id}/cancel/", follow=True)

    assert texts(page, "meeting-time") == [
        "2031-03-10 09:00 - 09:30 (KST)",
        "2031-03-10 10:00 - 10:30 (KST)",
    ]
    assert 'data-testid="cancel"' not in page
    assert "flash-error" in forced.content.decode()
    assert rows(client.get("/mypage/requests/").content.decode()) == [
        ("바이어 1", "mutual"),
        ("바이어 2", "mine"),
    ]


def test_a_meeting_placed_without_a_request_reads_as_placed_by_the_organizer(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant
) -> None:
    stranger = make_participant(event, Side.BUYER, "B009", company="주선 바이어")
    place(organizer, event, stranger, seller, slot_at(event, 13))
    publish(organizer, event)

    page = client_of(seller.user).get("/mypage/results/").content.decode()

    assert texts(page, "origin") == [ko("Placed by the organizer")]


def test_the_waiting_list_gives_the_reason_of_each_unplaced_pair(
    client_of: ClientOf,
    organizer: User,
    event: Event,
    seller: Participant,
    buyers: list[Participant],
) -> None:
    third = make_participant(event, Side.BUYER, "B003", company="바이어 3")
    ask(seller, buyers[0])
    ask(buyers[1], seller)
    ask(seller, third)
    place(organizer, event, third, seller, slot_at(event, 9))
    with tenant_scope(event.organization):
        WaitingPair.objects.create(
            organization=event.organization,
            event=event,
            buyer=buyers[0],
            seller=seller,
            klass=MeetingClass.SELLER,
            reason=WaitingReason.CAP,
        )
    publish(organizer, event)

    page = client_of(seller.user).get("/mypage/results/waiting/").content.decode()

    assert texts(page, "waiting-row") == [
        f"1 바이어 1 {ko('My request')} {ko('Daily meeting cap reached')}",
        f"2 바이어 2 {ko('Their request')} {ko('Not scheduled yet')}",
    ]


def test_the_waiting_list_is_empty_before_publication(
    client_of: ClientOf, seller: Participant, buyers: list[Participant]
) -> None:
    ask(seller, buyers[0])

    page = client_of(seller.user).get("/mypage/results/waiting/").content.decode()

    assert "not-published" in page
    assert texts(page, "waiting-row") == []


def test_a_report_is_written_then_shown_with_an_edit_button(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)
    path = f"/mypage/results/{meetings[0].pk}/report/"
    with time_machine.travel(AFTER_THE_MEETINGS):
        client = client_of(seller.user)
        form = client.get(path).content.decode()
        saved = client.post(
            path,
            {
                "held": "yes",
                "consultation_usd": "1500.50",
                "expected_contract_usd": "20000",
                "outcome": "pursuing",
                "comment": "샘플 발송 예정",
            },
            follow=True,
        ).content.decode()
        results = client.get("/mypage/results/").content.decode()

    assert "report-form" in form
    assert text(saved, "report-consultation") == "1500.50"
    assert text(saved, "report-expected") == "20000.00"
    assert text(saved, "report-outcome") == ko("Pursuing a contract")
    assert text(saved, "report-comment") == "샘플 발송 예정"
    assert "report-edit" in saved
    assert texts(results, "report-view") == [ko("View report")]
    assert texts(results, "report-write") == [ko("Write report")]
    with tenant_scope(event.organization):
        assert MeetingReport.objects.get(participant=seller).held is True


def test_a_no_show_report_keeps_no_amounts(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)
    path = f"/mypage/results/{meetings[1].pk}/report/"
    with time_machine.travel(AFTER_THE_MEETINGS):
        page = (
            client_of(seller.user)
            .post(path, {"held": "no", "consultation_usd": "99"}, follow=True)
            .content.decode()
        )

    assert text(page, "report-held") == ko("No-show")
    assert text(page, "report-consultation") == "0.00"


def test_a_report_before_the_meeting_starts_is_refused(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    publish(organizer, event)

    page = (
        client_of(seller.user)
        .post(f"/mypage/results/{meetings[0].pk}/report/", {"held": "yes"}, follow=True)
        .content.decode()
    )

    assert "flash-error" in page
    with tenant_scope(event.organization):
        assert not MeetingReport.objects.exists()


def test_reports_of_unpublished_or_other_companies_meetings_are_not_found(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant, meetings: list[Meeting]
) -> None:
    other_seller = make_participant(event, Side.SELLER, "S002")
    client = client_of(other_seller.user)
    mine = client_of(seller.user)

    assert mine.get(f"/mypage/results/{meetings[0].pk}/report/").status_code == 404
    publish(organizer, event)
    assert client.get(f"/mypage/results/{meetings[0].pk}/report/").status_code == 404
    assert mine.get(f"/mypage/results/{meetings[0].pk}/report/").status_code == 200


def test_a_participant_of_another_event_cannot_open_this_events_meetings(
    client_of: ClientOf, organizer: User, event: Event, meetings: list[Meeting]
) -> None:
    publish(organizer, event)
    elsewhere = make_participant(make_event(organizer, name="다른 상담회"), Side.SELLER, "X001")

    response = client_of(elsewhere.user).get(f"/mypage/results/{meetings[0].pk}/report/")

    assert response.status_code == 404


# -------------------------------------------------------------------------------- message box


def test_the_message_box_shows_new_notices_bold_first_then_read(
    client_of: ClientOf, seller: Participant, buyers: list[Participant]
) -> None:
    ask(buyers[0], seller)
    ask(buyers[1], seller)
    client = client_of(seller.user)

    first = client.get("/mypage/messages/").content.decode()
    second = client.get("/mypage/messages/").content.decode()

    shown = texts(first, "notice")
    assert [notice.rsplit(" ", 3)[0] for notice in shown] == [
        f"{ko('%(company)s sent you a meeting request.') % {'company': company}} "
        f"{ko('New')} {ko('Request received')}"
        for company in ["바이어 2", "바이어 1"]
    ]
    assert all(notice.endswith("(KST)") for notice in shown)
    assert first.count('data-unread="true"') == 2
    assert second.count('data-unread="true"') == 0
    assert text(client.get("/mypage/").content.decode(), "unread-count") == "0"


def test_mark_all_read_clears_the_unread_count(
    client_of: ClientOf, seller: Participant, buyers: list[Participant]
) -> None:
    ask(buyers[0], seller)
    client = client_of(seller.user)
    assert text(client.get("/mypage/").content.decode(), "unread-count") == "1"

    client.post("/mypage/messages/")

    assert text(client.get("/mypage/").content.decode(), "unread-count") == "0"


def test_the_faq_answers_the_five_questions(client_of: ClientOf, seller: Participant) -> None:
    page = client_of(seller.user).get("/mypage/faq/").content.decode()

    for question in [
        "Can I see my timetable as soon as I request a meeting?",
        "Can I choose the time of a meeting?",
        "Who arranges the timetable, and how?",
        "If I requested a meeting, will every request be in the timetable?",
        "Is there a way to raise my chance of a meeting?",
    ]:
        assert ko(question) in page


def test_the_result_list_shows_the_hosts_booth(
    client_of: ClientOf, organizer: User, seller: Participant
) -> None:
    fair = make_event(organizer, name="부스 상담회", host_side="buyer")
    host = make_participant(fair, Side.BUYER, "H001", company="부스 바이어")
    guest = make_participant(fair, Side.SELLER, "G001", company="방문 셀러")
    with tenant_scope(fair.organization):
        Participant.objects.filter(pk=host.pk).update(booth="A-12")
    place(organizer, fair, host, guest, slot_at(fair, 11))
    publish(organizer, fair)

    page = client_of(guest.user).get("/mypage/results/").content.decode()

    assert texts(page, "booth") == ["A-12"]


def test_the_result_screen_has_the_waiting_list_message_box_and_calendar_links(
    client_of: ClientOf, seller: Participant
) -> None:
    page = client_of(seller.user).get("/mypage/results/").content.decode()

    assert 'href="/mypage/results/waiting/"' in page
    assert 'href="/mypage/messages/"' in page
    assert text(page, "ical-link") == ko("Add to my calendar (iCal)")
    assert 'href="/mypage/calendar.ics"' in page


def test_results_offer_the_calendar_subscription_address(client_of: ClientOf, event: Event) -> None:
    seller = make_participant(event, Side.SELLER, "S009")

    page = client_of(seller.user).get("/mypage/results/").content.decode()

    assert f"/fairs/calendar/{seller.calendar_token}.ics" in page
