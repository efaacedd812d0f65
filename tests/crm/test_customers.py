"""The customer pages: search, registration and edit form, deletion (SPEC CC-36..CC-39, CC-41)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.conftest import ClientOf
from tests.crm.crm import make_customer, open_ticket
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("scoped")

SEARCH = "/crm/customers/"
NEW = "/crm/customers/new/"


@pytest.fixture
def english(agent: User) -> User:
    """The agent, reading the pages in English so that messages can be compared as written."""
    agent.language = "en"
    agent.save(update_fields=["language"])
    return agent


@pytest.fixture
def web(client_of: ClientOf, english: User) -> Client:
    return client_of(english)


def form_data(**values: Any) -> dict[str, Any]:
    data = {"name": "홍길동", "mobile": "", "phone": "", "move_in_undecided": "on"}
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def names_found(web: Client, **query: str) -> list[str]:
    page = web.get(SEARCH, query).content.decode()
    return re.findall(r'<td><a class="fw-semibold" href="[^"]+">([^<]+)</a></td>', page)


def test_a_customer_registered_with_hyphens_is_found_however_the_number_is_typed(
    web: Client,
) -> None:
    response = web.post(NEW, form_data(name="김민수", mobile="010-2222-3333"))

    customer = Customer.objects.get(name="김민수")
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:customer", args=[customer.pk])
    assert customer.mobile == "01022223333"
    assert names_found(web, text="01022223333") == ["김민수"]
    assert names_found(web, text="010-2222-3333") == ["김민수"]
    assert names_found(web, text="+82 10 2222 3333") == ["김민수"]


def test_results_show_numbers_with_hyphens_and_the_marks(web: Client, agent: User) -> None:
    make_customer(agent, "홍길동", "01012345678", phone="0212345678", is_vip=True)

    page = web.get(SEARCH, {"text": "홍"}).content.decode()

    assert "010-1234-5678" in page
    assert "02-1234-5678" in page
    assert 'data-testid="mark-vip"' in page
    assert 'data-testid="mark-caution"' not in page


def test_a_partial_name_finds_the_matches_and_each_row_opens_its_customer(
    web: Client, agent: User
) -> None:
    first = make_customer(agent, "홍길동", "010-1111-0001")
    second = make_customer(agent, "홍길순", "010-1111-0002")
    make_customer(agent, "김길동", "010-1111-0003")

    page = web.get(SEARCH, {"text": "홍길"}).content.decode()

    assert names_found(web, text="홍길") == ["홍길동", "홍길순"]
    rows = re.findall(r'<tr class="sd-row-link" data-href="([^"]+)"', page)
    assert rows == [reverse("crm:customer", args=[c.pk]) for c in (first, second)]
    window = web.get(rows[1]).content.decode()
    assert 'data-testid="customer-name"' in window
    assert "홍길순" in window
    assert "010-1111-0002" in window


def test_apartment_and_block_narrow_the_search(web: Client, agent: User) -> None:
    make_customer(agent, "가", "010-1111-0001", apartment="래미안 센트럴", block="101동")
    make_customer(agent, "나", "010-1111-0002", apartment="래미안 센트럴", block="102동")
    make_customer(agent, "다", "010-1111-0003", apartment="자이", block="101동")

    assert names_found(web, apartment="래미안", block="101") == ["가"]
    assert names_found(web, apartment="래미안", block="101동") == ["가"]
    assert sorted(names_found(web, apartment="래미안")) == ["가", "나"]


def test_an_empty_search_shows_a_hint_and_two_digits_the_field_error(web: Client) -> None:
    first_visit = web.get(SEARCH).content.decode()
    too_short = web.get(SEARCH, {"text": "12"}).content.decode()

    assert 'data-testid="search-hint"' in first_visit
    assert 'data-testid="customer-table"' not in first_visit
    assert 'data-testid="error-text"' in too_short
    assert "Enter at least 4 digits of the number." in too_short


def test_an_unknown_number_offers_registration_with_the_number(web: Client) -> None:
    page = web.get(SEARCH, {"text": "010-9876-5432"}).content.decode()
    form = web.get(NEW, {"phone": "010-9876-5432"}).content.decode()

    assert 'data-testid="no-customers"' in page
    assert f'href="{NEW}?phone=010-9876-5432"' in page
    assert 'name="mobile" value="010-9876-5432"' in form


def test_a_landline_from_the_history_prefills_the_phone_field(web: Client) -> None:
    form = web.get(NEW, {"phone": "0212345678"}).content.decode()

    assert 'name="phone" value="02-1234-5678"' in form
    assert 'name="mobile" value=' not in form


def test_a_duplicate_mobile_is_warned_first_and_saved_on_confirmation(
    web: Client, agent: User
) -> None:
    make_customer(agent, "홍길동", "010-1234-5678")

    warned = web.post(NEW, form_data(name="홍길동 배우자", mobile="01012345678"))
    saved = web.post(
        NEW, form_data(name="홍길동 배우자", mobile="01012345678", confirm_duplicate="on")
    )

    page = warned.content.decode()
    assert warned.status_code == 200
    assert 'data-testid="duplicate-warning"' in page
    assert "010-1234-5678 is already registered to 홍길동." in page
    assert 'data-testid="confirm-duplicate"' in page
    assert saved.status_code == 302
    assert sorted(Customer.objects.filter(mobile="01012345678").values_list("name", flat=True)) == [
        "홍길동",
        "홍길동 배우자",
    ]


def test_the_same_customer_keeping_their_number_is_not_a_duplicate(
    web: Client, agent: User
) -> None:
    customer = make_customer(agent, "홍길동", "010-1234-5678")

    response = web.post(
        reverse("crm:customer-edit", args=[customer.pk]),
        form_data(name="홍길동", mobile="010-1234-5678", memo="오후 통화 선호"),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.memo == "오후 통화 선호"


def test_undecided_move_in_and_vip_are_saved_and_shown(web: Client) -> None:
    """CC-36 AC: no move-in date and VIP ticked."""
    response = web.post(
        NEW,
        form_data(
            name="이영희",
            mobile="010-3333-4444",
            move_in_date="2026-03-01",
            move_in_undecided="on",
            is_vip="on",
        ),
    )

    customer = Customer.objects.get(name="이영희")
    window = web.get(response["Location"]).content.decode()
    assert (customer.move_in_date, customer.is_vip, customer.needs_caution) == (None, True, False)
    assert re.search(r'data-testid="customer-move-in">\s*<span class="sd-muted">Undecided', window)
    assert 'data-testid="mark-vip"' in window
    assert "The customer 이영희 was registered." in window


def test_a_move_in_date_sms_opt_out_and_every_field_are_saved(web: Client) -> None:
    web.post(
        NEW,
        form_data(
            name="박민수",
            mobile="010 5555 6666",
            phone="031-123-4567",
            customer_code="ETS0002002171",
            member_grade="골드",
            address="경기도 성남시 판교역로 152",
            apartment="자이",
            block="103동",
            unit="1201호",
            move_in_date="2026-03-01",
            move_in_undecided=None,
            sms_opt_out="on",
            needs_caution="on",
            memo="야간 통화 금지",
        ),
    )

    customer = Customer.objects.get(name="박민수")
    assert (customer.mobile, customer.phone) == ("01055556666", "0311234567")
    assert customer.move_in_date == dt.date(2026, 3, 1)
    assert (customer.sms_opt_out, customer.needs_caution, customer.is_vip) == (True, True, False)
    assert (customer.customer_code, customer.member_grade) == ("ETS0002002171", "골드")
    assert (customer.apartment, customer.block, customer.unit) == ("자이", "103동", "1201호")
    window = web.get(reverse("crm:customer", args=[customer.pk])).content.decode()
    assert 'data-testid="mark-sms-opt-out"' in window
    assert "2026-03-01" in window
    assert "031-123-4567" in window


def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(web: Client) -> None:
    response = web.post(NEW, form_data(name="", mobile="123", move_in_undecided=None))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-name"' in page
    assert 'data-testid="error-mobile"' in page
    assert "123 is not a valid phone number." in page
    assert Customer.objects.count() == 0


def test_an_edited_phone_number_persists_and_is_found(web: Client, agent: User) -> None:
    """CC-39 AC: edit the phone number and save; it persists."""
    customer = make_customer(agent, "홍길동", "010-1234-5678")
    edit = reverse("crm:customer-edit", args=[customer.pk])

    form = web.get(edit).content.decode()
    web.post(edit, form_data(name="홍길동", mobile="010-8765-4321", phone="02-555-1234"))

    customer.refresh_from_db()
    assert 'name="mobile" value="010-1234-5678"' in form
    assert (customer.mobile, customer.phone) == ("01087654321", "025551234")
    assert names_found(web, text="010-8765-4321") == ["홍길동"]
    assert names_found(web, text="025551234") == ["홍길동"]
    assert names_found(web, text="01012345678") == []


def test_deleting_shows_the_consequences_then_removes_the_customer_but_not_the_tickets(
    web: Client, agent: User, kind: ConsultationType
) -> None:
    customer = make_customer(agent, "홍길동", "010-1234-5678")
    done = open_ticket(agent, customer, kind)
    Ticket.objects.filter(pk=done.pk).update(status="07")
    still_open = open_ticket(agent, customer, kind)
    delete = reverse("crm:customer-delete", args=[customer.pk])
    assert names_found(web, text="홍길동") == ["홍길동"]

    confirm = web.get(delete).content.decode()
    response = web.post(delete, follow=True)

    assert "This customer has 2 tickets, 1 of them still open." in confirm
    assert "under the name and number saved with them" in confirm
    assert response.redirect_chain == [(SEARCH, 302)]
    assert "The customer 홍길동 was deleted." in response.content.decode()
    assert names_found(web, text="홍길동") == []
    assert names_found(web, text="010-1234-5678") == []
    kept = Ticket.objects.get(pk=still_open.pk)
    assert (kept.customer_id, kept.customer_name, kept.customer_phone) == (
        None,
        "홍길동",
        "01012345678",
    )
    assert Ticket.objects.count() == 2
    assert WorkEvent.objects.filter(screen="CUSTOMERS", action="DELETE").count() == 1


def test_only_contact_center_workers_open_the_customer_pages(
    client_of: ClientOf, organization: Organization, admin: User, agent: User
) -> None:
    customer = make_customer(agent)
    organizer = make_user(organization=organization, username="org1", role=Role.FAIR_ORGANIZER)
    window = reverse("crm:customer", args=[customer.pk])

    assert client_of(admin).get(window).status_code == 200
    assert client_of(organizer).get(window).status_code == 403
    assert client_of(organizer).get(SEARCH).status_code == 403
    assert Client().get(SEARCH).status_code == 302


def test_another_organizations_customer_is_not_found(
    web: Client, agent: User, other_organization: Organization, other_admin: User
) -> None:
    make_customer(agent, "외부고객 우리", "010-9999-0000")
    with tenant_scope(other_organization):
        stranger = make_customer(other_admin, "외부고객", "010-9999-0000")

    for name in ("crm:customer", "crm:customer-edit", "crm:customer-delete"):
        assert web.get(reverse(name, args=[stranger.pk])).status_code == 404
    assert web.post(reverse("crm:customer-delete", args=[stranger.pk])).status_code == 404
    assert names_found(web, text="외부고객") == ["외부고객 우리"]
    assert names_found(web, text="01099990000") == ["외부고객 우리"]
    assert Customer.all_objects.filter(pk=stranger.pk).exists()
