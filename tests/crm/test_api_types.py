"""/api/v1/crm/types: agents read the type tree, administrators change it under CC-04/CC-05."""

from __future__ import annotations

import pytest
from django.utils import translation

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import ConsultationType
from tests.accounts.test_api import Api, token_for
from tests.crm.crm import make_customer, make_type, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(organization: Organization, agent: User) -> dict[str, ConsultationType]:
    with tenant_scope(organization):
        major = make_type(organization, "시설")
        leak = make_type(organization, "누수", major)
        bath = make_type(organization, "욕실", leak)
        noise = make_type(organization, "소음", major)
        open_ticket(agent, make_customer(agent), bath)
    return {"major": major, "leak": leak, "bath": bath, "noise": noise}


def test_agents_read_the_types_depth_first_with_paths_and_locks(
    agent: User, tree: dict[str, ConsultationType]
) -> None:
    listed = Api(token_for(agent)).get("/crm/types")

    assert listed.status_code == 200
    assert [
        (t["path"], t["level"], t["parent_id"], t["usage"], t["locked"], t["has_children"])
        for t in listed.json()
    ] == [
        ("시설", 1, None, 1, True, True),
        ("시설 > 누수", 2, tree["major"].pk, 1, True, True),
        ("시설 > 누수 > 욕실", 3, tree["leak"].pk, 1, True, False),
        ("시설 > 소음", 2, tree["major"].pk, 0, False, False),
    ]


def test_agents_may_not_change_types(agent: User, tree: dict[str, ConsultationType]) -> None:
    api = Api(token_for(agent))

    created = api.send("post", "/crm/types", {"name": "몰래"})
    deleted = api.send("delete", f"/crm/types/{tree['noise'].pk}")

    assert (created.status_code, deleted.status_code) == (403, 403)


def test_administrators_add_rename_and_delete_types(
    admin: User, organization: Organization, tree: dict[str, ConsultationType]
) -> None:
    api = Api(token_for(admin))

    created = api.send("post", "/crm/types", {"name": "층간", "parent_id": tree["noise"].pk})
    renamed = api.send(
        "put", f"/crm/types/{created.json()['id']}", {"name": "층간소음", "code": "31"}
    )
    deleted = api.send("delete", f"/crm/types/{tree['noise'].pk}")
    child_deleted = api.send("delete", f"/crm/types/{created.json()['id']}")

    assert created.status_code == 201
    assert created.json()["path"] == "시설 > 소음 > 층간"
    assert renamed.status_code == 200
    assert renamed.json()["path"] == "시설 > 소음 > 31 층간소음"
    assert deleted.status_code == 409
    assert child_deleted.status_code == 204
    with tenant_scope(organization):
        assert not ConsultationType.objects.filter(name="층간소음").exists()


def test_the_api_refuses_duplicates_a_fourth_level_and_changes_to_used_types(
    admin: User, tree: dict[str, ConsultationType]
) -> None:
    api = Api(token_for(admin))

    with translation.override("en"):
        duplicate = api.send("post", "/crm/types", {"name": "누수", "parent_id": tree["major"].pk})
        too_deep = api.send("post", "/crm/types", {"name": "천장", "parent_id": tree["bath"].pk})
        locked = api.send("put", f"/crm/types/{tree['leak'].pk}", {"name": "물샘"})
        reordered = api.send("put", f"/crm/types/{tree['leak'].pk}", {"sort_order": 7})

    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == [
        {"field": "name", "message": "시설 아래에 누수 유형이 이미 있습니다."}
    ]
    assert too_deep.status_code == 400
    assert too_deep.json()["errors"][0]["field"] == "parent"
    assert locked.status_code == 409
    assert reordered.status_code == 200
    assert (reordered.json()["name"], reordered.json()["sort_order"]) == ("누수", 7)


def test_another_organizations_types_are_invisible(
    other_admin: User, tree: dict[str, ConsultationType]
) -> None:
    api = Api(token_for(other_admin))

    assert api.get("/crm/types").json() == []
    assert api.get(f"/crm/types/{tree['noise'].pk}").status_code == 404
    assert api.send("delete", f"/crm/types/{tree['noise'].pk}").status_code == 404
    assert api.send("put", f"/crm/types/{tree['noise'].pk}", {"name": "x"}).status_code == 404
