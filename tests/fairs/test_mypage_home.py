"""My-page home: greeting, application items, approval notice, matching summary (MM-03..09)."""

from __future__ import annotations

import pytest

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import Approval, Side
from sangdam.fairs.models import Event, Participant
from tests.conftest import ClientOf
from tests.factories import make_user
from tests.fairs.fair import make_participant
from tests.fairs.test_mypage_support import (
    ask,
    ko,
    place,
    publish,
    rows,
    slot_at,
    text,
    texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(event, Side.SELLER, "S001", company="테스트 셀러")


def test_my_page_greets_the_participant_by_name(client_of: ClientOf, seller: Participant) -> None:
    page = client_of(seller.user).get("/mypage/").content.decode()

    assert text(page, "greeting") == "테스트 셀러님 환영합니다!"


def test_my_page_lists_the_application_items_with_deadlines_and_actions(
    client_of: ClientOf, seller: Participant
) -> None:
    page = client_of(seller.user).get("/mypage/").content.decode()

    assert text(page, "item-1") == (
        f"{ko('Participation info')} ~ 2031.02.20 18:00 (KST) {ko('Done/Edit')}"
    )
    assert text(page, "item-2") == (
        f"{ko('Meeting request')} ~ 2031.03.01 18:00 (KST) {ko('Apply for meetings')}"
    )
    assert 'href="/mypage/participation/"' in page
    assert 'href="/mypage/counterparts/"' in page


def test_my_page_shows_the_deadline_of_the_participant_when_the_organizer_extended_it(
    client_of: ClientOf, organizer: User, event: Event
) -> None:
    seller = make_participant(event, Side.SELLER, "S009")
    with tenant_scope(event.organization):
        seller.request_deadline = event.request_deadline.replace(day=5)
        seller.save()

    page = client_of(seller.user).get("/mypage/").content.decode()

    assert "~ 2031.03.05 18:00 (KST)" in text(page, "item-2")


@pytest.mark.parametrize(
    ("approval", "notice"),
    [
        (
            Approval.APPROVED,
            "Your application to take part in the consultation fair has been approved.",
        ),
        (
            Approval.PENDING,
            "Your application is waiting for the organizer's approval. "
            "You can request meetings once it is approved.",
        ),
        (
            Approval.REJECTED,
            "Your application to take part in the consultation fair was not approved. "
            "Please contact the organizer.",
        ),
    ],
)
def test_my_page_shows_the_approval_state(
    client_of: ClientOf, event: Event, approval: Approval, notice: str
) -> None:
    participant = make_participant(event, Side.BUYER, "B001", approval=approval)

    response = client_of(participant.user).get("/mypage/")

    assert text(response.content.decode(), "approval") == ko(notice)


def test_a_participant_account_without_an_event_is_told_so(
    client_of: ClientOf, organization: Organization
) -> None:
    user = make_user(organization=organization, role=Role.PARTICIPANT, name="테스트 셀러")

    for path in ["/mypage/", "/mypage/requests/", "/mypage/availability/"]:
        page = client_of(user).get(path).content.decode()

        assert text(page, "greeting") == "테스트 셀러님 환영합니다!"
        assert ko("You are not registered for an event") in page


def test_my_page_shows_the_unread_message_count(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    for code in ["B001", "B002"]:
        ask(make_participant(event, Side.BUYER, code), seller)

    page = client_of(seller.user).get("/mypage/").content.decode()

    assert text(page, "unread-count") == "2"


def _matrix(page: str, line: str) -> dict[str, int]:
    return {
        column: int(text(page, f"summary-{line}-{column}"))
        for column in ["mutual", "theirs", "mine", "total"]
    }


def _arrange_every_kind_of_pair(organizer: User, event: Event, seller: Participant) -> None:
    """Mutual, theirs, mine, mine with a meeting, a meeting by the organizer, declined."""
    buyers = {
        code: make_participant(event, Side.BUYER, code)
        for code in ["B01", "B02", "B03", "B04", "B05", "B06"]
    }
    ask(seller, buyers["B01"])
    ask(buyers["B01"], seller)  # accepts the seller's request: mutual
    ask(buyers["B02"], seller)
    ask(seller, buyers["B03"])
    ask(seller, buyers["B04"])
    ask(seller, buyers["B06"])
    with tenant_scope(event.organization):
        request = buyers["B06"].received.get()
        services.reject_request(participant=buyers["B06"], request_id=request.pk)
    place(organizer, event, buyers["B04"], seller, slot_at(event, 9))
    place(organizer, event, buyers["B05"], seller, slot_at(event, 10))


def test_before_publication_every_live_pair_is_waiting_as_the_request_list_shows(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant
) -> None:
    _arrange_every_kind_of_pair(organizer, event, seller)
    client = client_of(seller.user)

    home = client.get("/mypage/").content.decode()
    listed = rows(client.get("/mypage/requests/").content.decode())

    live = [origin for _company, origin in listed if origin != "rejected"]
    assert _matrix(home, "confirmed") == {"mutual": 0, "theirs": 0, "mine": 0, "total": 0}
    assert _matrix(home, "waiting") == {
        "mutual": live.count("mutual"),
        "theirs": live.count("theirs"),
        "mine": live.count("mine"),
        "total": len(live),
    }
    assert _matrix(home, "waiting") == {"mutual": 1, "theirs": 1, "mine": 2, "total": 4}


def test_after_publication_confirmed_cells_equal_the_result_list(
    client_of: ClientOf, organizer: User, event: Event, seller: Participant
) -> None:
    _arrange_every_kind_of_pair(organizer, event, seller)
    publish(organizer, event)
    client = client_of(seller.user)

    home = client.get("/mypage/").content.decode()
    results = client.get("/mypage/results/").content.decode()
    waiting = client.get("/mypage/results/waiting/").content.decode()

    assert _matrix(home, "confirmed") == {"mutual": 0, "theirs": 0, "mine": 1, "total": 2}
    assert text(home, "summary-confirmed-organizer") == "1"
    assert len(texts(results, "result-row")) == 2
    assert sorted(texts(results, "origin")) == sorted(
        [ko("My request"), ko("Placed by the organizer")]
    )
    assert _matrix(home, "waiting") == {"mutual": 1, "theirs": 1, "mine": 1, "total": 3}
    assert len(texts(waiting, "waiting-row")) == 3


def test_the_my_page_links_to_the_account_info(client_of: ClientOf, seller: Participant) -> None:
    page = client_of(seller.user).get("/mypage/").content.decode()

    assert 'href="/account/"' in page
    assert seller.user.username in page
