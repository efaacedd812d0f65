"""Participation info: company and contact fields, buyer profile, deadline (MM-06, G-MM-09)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.enums import Side
from sangdam.fairs.models import Event, Participant
from tests.conftest import ClientOf
from tests.fairs.fair import SEOUL, make_participant
from tests.fairs.test_mypage_support import ko, text

pytestmark = pytest.mark.django_db

PAGE = "/mypage/participation/"


@pytest.fixture
def seller(event: Event) -> Participant:
    return make_participant(
        event, Side.SELLER, "S001", company="테스트 셀러", categories=["화장품", "식품"]
    )


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "company_name": "새 이름 주식회사",
        "company_name_en": "New Name Co.",
        "contact_name": "김담당",
        "contact_title": "과장",
        "contact_email": "kim@example.com",
        "contact_phone": "02-1234-5678",
        "categories": ["식품"],
        "country": "대한민국",
        "industry": "식품 제조",
        "website": "https://new.example.com",
        "description": "전통 식품을 만듭니다.",
    }
    data.update(changes)
    return data


def test_the_participant_edits_company_and_contact_info_and_it_persists(
    client_of: ClientOf, seller: Participant
) -> None:
    client = client_of(seller.user)

    response = client.post(PAGE, _form(), follow=True)

    assert ko("Your participation info was saved.") in response.content.decode()
    with tenant_scope(seller.organization):
        seller.refresh_from_db()
        assert [c.name for c in seller.categories.all()] == ["식품"]
    assert (seller.company_name, seller.contact_name, seller.contact_email) == (
        "새 이름 주식회사",
        "김담당",
        "kim@example.com",
    )
    assert (seller.country, seller.industry, seller.website) == (
        "대한민국",
        "식품 제조",
        "https://new.example.com",
    )
    assert (
        text(client.get("/mypage/").content.decode(), "greeting")
        == "새 이름 주식회사님 환영합니다!"
    )


def test_the_categories_are_chosen_from_the_events_categories(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    make_participant(event, Side.BUYER, "B001", categories=["의료기기"])

    page = client_of(seller.user).get(PAGE).content.decode()

    assert text(page, "choices-categories") == "식품 의료기기 화장품"
    assert page.count('name="categories"') == 3
    assert page.count("checked") == 2


def test_a_category_outside_the_event_is_refused(client_of: ClientOf, seller: Participant) -> None:
    response = client_of(seller.user).post(PAGE, _form(categories=["무기"]))

    assert response.status_code == 200
    assert "flash-error" in response.content.decode()
    with tenant_scope(seller.organization):
        assert sorted(c.name for c in seller.categories.all()) == ["식품", "화장품"]


def test_a_seller_has_no_buyer_fields(client_of: ClientOf, seller: Participant) -> None:
    page = client_of(seller.user).get(PAGE).content.decode()

    assert 'name="buyer_type"' not in page
    assert 'name="crm_number"' not in page


def test_a_buyer_fills_in_its_buyer_profile(client_of: ClientOf, event: Event) -> None:
    buyer = make_participant(event, Side.BUYER, "B001", company="테스트 바이어")
    client = client_of(buyer.user)

    client.post(
        PAGE,
        _form(
            categories=[],
            buyer_type="contract",
            company_form="other",
            company_form_other="수입대행",
            crm_number="CRM-77",
        ),
    )

    buyer.refresh_from_db()
    assert (buyer.buyer_type, buyer.company_form, buyer.company_form_other, buyer.crm_number) == (
        "contract",
        "other",
        "수입대행",
        "CRM-77",
    )
    assert 'name="buyer_type"' in client.get(PAGE).content.decode()


def test_the_company_name_is_required(client_of: ClientOf, seller: Participant) -> None:
    response = client_of(seller.user).post(PAGE, _form(company_name=""))

    assert "error-company_name" in response.content.decode()
    seller.refresh_from_db()
    assert seller.company_name == "테스트 셀러"


def test_after_the_participation_deadline_the_info_is_read_only(
    client_of: ClientOf, seller: Participant
) -> None:
    with time_machine.travel(dt.datetime(2031, 2, 21, 9, 0, tzinfo=SEOUL)):
        client = client_of(seller.user)
        page = client.get(PAGE).content.decode()
        response = client.post(PAGE, _form(), follow=True)

    assert "read-only" in page
    assert 'type="submit"' not in page.split('data-testid="participation-form"')[1]
    assert "disabled" in page
    assert "flash-error" in response.content.decode()
    seller.refresh_from_db()
    assert seller.company_name == "테스트 셀러"


def test_the_organizer_can_extend_the_deadline_for_one_participant(
    client_of: ClientOf, event: Event, seller: Participant
) -> None:
    with tenant_scope(event.organization):
        Participant.objects.filter(pk=seller.pk).update(
            participation_deadline=dt.datetime(2031, 2, 25, 18, 0, tzinfo=SEOUL)
        )

    with time_machine.travel(dt.datetime(2031, 2, 21, 9, 0, tzinfo=SEOUL)):
        client_of(seller.user).post(PAGE, _form())

    seller.refresh_from_db()
    assert seller.company_name == "새 이름 주식회사"
