"""Every object type of one organization is invisible and untouchable from another."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_scopes import ScopeError

from sangdam.accounts.enums import (
    Channel,
    LoginKind,
    LoginResult,
    Role,
    WorkAction,
    WorkResult,
    WorkScreen,
)
from sangdam.accounts.models import AdminNetwork, AgentGroup, ApiToken, LoginEvent, User, WorkEvent
from sangdam.accounts.services import issue_api_token
from sangdam.core.models import Organization
from tests.accounts.test_api import Api, token_for
from tests.conftest import ClientOf
from tests.factories import make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(organization: Organization) -> dict[str, object]:
    """Organization `acme` and one row of every type it owns."""
    group = make_group(organization=organization, name="비밀그룹")
    agent = make_user(
        organization=organization, username="victim", name="피해자", role=Role.AGENT, group=group
    )
    now = timezone.now()
    LoginEvent.all_objects.create(
        organization=organization,
        user=agent,
        service_name="acme",
        login_id="victim",
        kind=LoginKind.LOGIN,
        result=LoginResult.SUCCESS,
        channel=Channel.WEB,
        occurred_at=now,
        ip="192.0.2.1",
    )
    WorkEvent.all_objects.create(
        organization=organization,
        actor=agent,
        actor_label="victim-actor",
        screen=WorkScreen.ACCOUNTS,
        action=WorkAction.VIEW,
        result=WorkResult.SUCCESS,
        started_at=now,
        ended_at=now,
        ip="192.0.2.1",
    )
    AdminNetwork.all_objects.create(organization=organization, network="192.0.2.0/24")
    raw, _token = issue_api_token(user=agent, now=now)
    return {"agent": agent, "group": group, "token": raw}


@pytest.fixture
def intruder_web(client_of: ClientOf, other_admin: User) -> Client:
    return client_of(other_admin)


@pytest.fixture
def intruder_api(other_admin: User) -> Api:
    return Api(token_for(other_admin))


def test_pages_with_another_tenants_ids_are_not_found(victim, intruder_web: Client) -> None:
    agent, group = victim["agent"], victim["group"]

    assert intruder_web.get(f"/manage/accounts/{agent.pk}/").status_code == 404
    edit = intruder_web.post(f"/manage/accounts/{agent.pk}/", {"role": "AGENT", "name": "hacked"})
    intruder_web.post(f"/manage/accounts/{agent.pk}/delete/")
    intruder_web.post(f"/manage/accounts/{agent.pk}/unlock/")
    intruder_web.post(f"/manage/accounts/{agent.pk}/reset-password/", {"password": "taken123"})
    intruder_web.post(f"/manage/groups/{group.pk}/rename/", {"name": "hacked"})
    intruder_web.post(f"/manage/groups/{group.pk}/delete/")

    assert edit.status_code == 404
    agent.refresh_from_db()
    group.refresh_from_db()
    assert (agent.name, agent.deleted_at, group.name) == ("피해자", None, "비밀그룹")
    assert agent.check_password("secret123")


def test_lists_show_only_the_callers_organization(victim, intruder_web: Client) -> None:
    today = timezone.localdate()
    period = {"date_from": str(today - timedelta(days=1)), "date_to": str(today)}
    pages = [
        intruder_web.get("/manage/accounts/").content.decode(),
        intruder_web.get("/manage/groups/").content.decode(),
        intruder_web.get("/manage/login-history/", period).content.decode(),
        intruder_web.get("/manage/work-history/", period).content.decode(),
        intruder_web.get("/manage/access/").content.decode(),
        intruder_web.get("/manage/organization/").content.decode(),
        intruder_web.get("/manage/").content.decode(),
    ]

    for page in pages:
        for secret in ("victim", "피해자", "비밀그룹", "192.0.2.0/24", "에이크미"):
            assert secret not in page


def test_api_calls_with_another_tenants_ids_are_not_found(victim, intruder_api: Api) -> None:
    agent, group = victim["agent"], victim["group"]

    responses = [
        intruder_api.get(f"/accounts/{agent.pk}"),
        intruder_api.send("patch", f"/accounts/{agent.pk}", {"name": "hacked"}),
        intruder_api.send("delete", f"/accounts/{agent.pk}"),
        intruder_api.send("post", f"/accounts/{agent.pk}/unlock"),
        intruder_api.send("post", f"/accounts/{agent.pk}/reset-password", {}),
    ]
    group_rename = intruder_api.send("patch", f"/agent-groups/{group.pk}", {"name": "hacked"})
    group_delete = intruder_api.send("delete", f"/agent-groups/{group.pk}")

    assert [r.status_code for r in responses] == [404, 404, 404, 404, 404]
    assert (group_rename.status_code, group_delete.status_code) == (404, 404)
    agent.refresh_from_db()
    group.refresh_from_db()
    assert (agent.name, agent.deleted_at, group.name) == ("피해자", None, "비밀그룹")


def test_api_lists_show_only_the_callers_organization(victim, intruder_api: Api) -> None:
    today = timezone.localdate()
    period = {"date_from": str(today - timedelta(days=1)), "date_to": str(today)}

    accounts = intruder_api.get("/accounts").json()["items"]
    groups = intruder_api.get("/agent-groups").json()
    logins = intruder_api.get("/login-events", **period).json()["items"]
    works = intruder_api.get("/work-events", **period).json()["items"]
    networks = intruder_api.get("/admin-networks").json()
    organization = intruder_api.get("/organization").json()

    assert [a["username"] for a in accounts] == ["admin"]
    assert groups == []
    assert {e["service_name"] for e in logins} == {"other"}
    assert "victim-actor" not in {e["actor_label"] for e in works}
    assert networks == []
    assert organization["service_name"] == "other"


def test_replacing_the_allowlist_touches_only_ones_own(victim, intruder_api: Api) -> None:
    intruder_api.send("put", "/admin-networks", [])

    assert list(AdminNetwork.all_objects.values_list("network", flat=True)) == ["192.0.2.0/24"]


def test_a_token_acts_only_within_its_own_organization(victim, other_admin: User) -> None:
    api = Api(str(victim["token"]))

    me = api.get("/me").json()

    assert me["organization"] == "acme"
    assert api.get(f"/accounts/{other_admin.pk}").status_code == 403


def test_unscoped_queries_of_tenant_rows_fail_instead_of_reading_every_tenant(victim) -> None:
    for model in (User, AgentGroup, LoginEvent, WorkEvent, AdminNetwork, ApiToken):
        with pytest.raises(ScopeError):
            list(model.objects.all())


def test_a_login_to_one_organization_never_opens_another(
    victim, other_organization: Organization
) -> None:
    response = Client().post(
        "/login/", {"service_name": "other", "username": "victim", "password": "secret123"}
    )

    assert response.status_code == 200
    assert (
        LoginEvent.all_objects.filter(organization=other_organization).get().result
        == LoginResult.BAD_CREDENTIALS
    )


def test_demo_organizations_are_isolated_too(db: None) -> None:
    call_command("demo", stdout=StringIO())
    demo2_admin = User.all_objects.get(organization__service_name="demo2", username="admin")
    api = Api(token_for(demo2_admin, password="demo1234!"))

    usernames = [a["username"] for a in api.get("/accounts").json()["items"]]

    assert usernames == ["admin"]
