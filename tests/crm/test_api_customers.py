"""The customers API: the same rules as the pages, answered in JSON."""

from __future__ import annotations

from typing import Any

import pytest

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import ConsultationType, Customer
from tests.accounts.test_api import Api, token_for
from tests.crm.crm import make_customer, open_ticket
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("scoped")

CUSTOMERS = "/crm/customers"


@pytest.fixture
def api(agent: User) -> Api:
    agent.language = "en"
    agent.save(update_fields=["language"])
    return Api(token_for(agent))


def body(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "홍길동", "mobile": "010-1234-5678"}
    data.update(values)
    return data


def test_register_read_replace_and_delete_a_customer(api: Api) -> None:
    created = api.send(
        "post",
        CUSTOMERS,
        body(phone="02-123-4567", apartment="래미안", block="101동", unit="1203호", is_vip=True),
    )
    customer_id = created.json()["id"]
    read = api.get(f"{CUSTOMERS}/{customer_id}")
    replaced = api.send(
        "put",
        f"{CUSTOMERS}/{customer_id}",
        body(mobile="+82 10 8765 4321", move_in_date="2026-03-01", sms_opt_out=True),
    )
    deleted = api.send("delete", f"{CUSTOMERS}/{customer_id}")
    gone = api.get(f"{CUSTOMERS}/{customer_id}")

    assert created.status_code == 201
    data = read.json()
    assert {key: data[key] for key in ("name", "mobile", "mobile_formatted", "phone")} == {
        "name": "홍길동",
        "mobile": "01012345678",
        "mobile_formatted": "010-1234-5678",
        "phone": "021234567",
    }
    assert data["phone_formatted"] == "02-123-4567"
    assert (data["apartment"], data["block"], data["unit"]) == ("래미안", "101동", "1203호")
    assert (data["is_vip"], data["move_in_date"]) == (True, None)
    assert replaced.status_code == 200
    changed = replaced.json()
    assert (changed["mobile"], changed["mobile_formatted"]) == ("01087654321", "010-8765-4321")
    assert (changed["move_in_date"], changed["sms_opt_out"], changed["is_vip"]) == (
        "2026-03-01",
        True,
        False,
    )
    assert changed["phone"] == ""  # PUT replaces every field
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert not Customer.objects.exists()


def test_search_finds_by_number_without_hyphens_and_counts_the_matches(
    api: Api, agent: User
) -> None:
    make_customer(agent, "홍길동", "010-1234-5678")
    make_customer(agent, "홍길순", "010-1234-9999")
    make_customer(agent, "김철수", "010-5555-6666", apartment="자이", block="101동")

    by_number = api.get(CUSTOMERS, text="01012345678").json()
    by_name = api.get(CUSTOMERS, text="홍길").json()
    by_block = api.get(CUSTOMERS, apartment="자이", block="101").json()

    assert by_number["count"] == 1
    assert by_number["items"][0]["name"] == "홍길동"
    assert by_number["items"][0]["mobile_formatted"] == "010-1234-5678"
    assert (by_name["count"], [c["name"] for c in by_name["items"]]) == (2, ["홍길동", "홍길순"])
    assert [c["name"] for c in by_block["items"]] == ["김철수"]


def test_a_search_without_criteria_names_the_text_field(api: Api) -> None:
    response = api.get(CUSTOMERS)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "text"


def test_a_duplicate_number_is_refused_with_the_warning_until_confirmed(
    api: Api, agent: User
) -> None:
    first = make_customer(agent, "홍길동", "010-1234-5678")

    refused = api.send("post", CUSTOMERS, body(name="홍길동 배우자", mobile="01012345678"))
    confirmed = api.send(
        "post",
        CUSTOMERS,
        body(name="홍길동 배우자", mobile="01012345678", confirm_duplicate=True),
    )

    assert refused.status_code == 409
    assert refused.json()["warnings"] == ["010-1234-5678 is already registered to 홍길동."]
    assert refused.json()["customers"] == [{"id": first.pk, "name": "홍길동"}]
    assert confirmed.status_code == 201
    assert Customer.objects.filter(mobile="01012345678").count() == 2


def test_changing_a_customer_to_anothers_number_is_refused_until_confirmed(
    api: Api, agent: User
) -> None:
    make_customer(agent, "홍길동", "010-1234-5678")
    other = make_customer(agent, "김철수", "010-5555-6666")

    refused = api.send("put", f"{CUSTOMERS}/{other.pk}", body(name="김철수", phone="01012345678"))
    kept = api.send("put", f"{CUSTOMERS}/{other.pk}", body(name="김철수 (수정)", mobile=""))

    assert refused.status_code == 409
    assert kept.status_code == 200
    other.refresh_from_db()
    assert (other.name, other.mobile, other.phone) == ("김철수 (수정)", "", "")


def test_invalid_values_name_their_fields(api: Api) -> None:
    bad_number = api.send("post", CUSTOMERS, body(mobile="123"))
    no_name = api.send("post", CUSTOMERS, {"mobile": "010-1234-5678"})
    bad_date = api.send("post", CUSTOMERS, body(move_in_date="2026-13-01"))
    too_long = api.send("post", CUSTOMERS, body(block="1" * 21))

    assert bad_number.status_code == 400
    assert bad_number.json()["errors"] == [
        {"field": "mobile", "message": "123 is not a valid phone number."}
    ]
    assert no_name.status_code == 422
    assert [e["field"] for e in no_name.json()["errors"]] == ["name"]
    assert bad_date.status_code == 422
    assert [e["field"] for e in bad_date.json()["errors"]] == ["move_in_date"]
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "block"
    assert not Customer.objects.exists()


def test_the_customers_tickets_newest_first(
    api: Api, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    other = make_customer(agent, "김철수", "010-5555-6666")
    first = open_ticket(agent, customer, kind, title="욕실 누수")
    second = open_ticket(agent, customer, kind, title="주차 등록")
    open_ticket(agent, other, kind)

    listing = api.get(f"{CUSTOMERS}/{customer.pk}/tickets").json()

    assert listing["count"] == 2
    assert [t["number"] for t in listing["items"]] == [second.number_label, first.number_label]
    item = listing["items"][0]
    assert (item["title"], item["status"], item["status_label"]) == (
        "주차 등록",
        "01",
        "01:Received",
    )
    assert (item["consultation_type"], item["received_by"]) == ("시설문의", agent.name)
    assert (item["customer_phone"], item["customer_phone_formatted"]) == (
        "01012345678",
        "010-1234-5678",
    )


def test_deleting_through_the_api_keeps_the_tickets(
    api: Api, agent: User, customer: Customer, kind: ConsultationType
) -> None:
    ticket = open_ticket(agent, customer, kind)

    response = api.send("delete", f"{CUSTOMERS}/{customer.pk}")

    assert response.status_code == 204
    ticket.refresh_from_db()
    assert (ticket.customer_id, ticket.customer_name) == (None, "홍길동")


def test_fair_accounts_are_refused(organization: Organization, customer: Customer) -> None:
    organizer = make_user(organization=organization, username="org1", role=Role.FAIR_ORGANIZER)
    participant = make_user(organization=organization, username="buyer1", role=Role.PARTICIPANT)

    for user in (organizer, participant):
        api = Api(token_for(user))
        assert api.get(CUSTOMERS, text="홍길동").status_code == 403
        assert api.get(f"{CUSTOMERS}/{customer.pk}").status_code == 403
        assert api.send("post", CUSTOMERS, body()).status_code == 403
        assert api.send("delete", f"{CUSTOMERS}/{customer.pk}").status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_an_administrator_may_use_it_too(admin: User, customer: Customer) -> None:
    response = Api(token_for(admin)).get(f"{CUSTOMERS}/{customer.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "홍길동"


def test_another_organizations_customer_is_not_found(
    api: Api, other_organization: Organization, other_admin: User
) -> None:
    with tenant_scope(other_organization):
        stranger = make_customer(other_admin, "외부고객", "010-9999-0000")

    path = f"{CUSTOMERS}/{stranger.pk}"
    assert api.get(path).status_code == 404
    assert api.get(f"{path}/tickets").status_code == 404
    assert api.send("put", path, body(name="가로채기")).status_code == 404
    assert api.send("delete", path).status_code == 404
    assert api.get(CUSTOMERS, text="010-9999-0000").json()["count"] == 0
    stranger.refresh_from_db()
    assert stranger.name == "외부고객"
