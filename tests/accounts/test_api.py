from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sangdam.accounts.enums import Channel, LoginResult, Role
from sangdam.accounts.models import ApiToken, LoginEvent, User
from sangdam.core.models import Organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def token_for(user: User, password: str = "secret123") -> str:
    response = Client().post(
        "/api/v1/auth/token",
        {
            "organization": user.organization.service_name,
            "username": user.username,
            "password": password,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


class Api:
    """A client that sends one user's bearer token with every call."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        call = getattr(self.client, method)
        return call(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


def test_token_flow_returns_the_user_and_role(admin: User) -> None:
    api = Api(token_for(admin))

    me = api.get("/me")

    assert me.status_code == 200
    assert me.json() == {
        "organization": "acme",
        "username": "admin",
        "name": "관리자",
        "role": "ORG_ADMIN",
        "participant_side": "",
        "email": "",
        "extension": "",
        "language": "ko",
        "time_zone": "Asia/Seoul",
        "must_change_password": False,
    }
    assert LoginEvent.all_objects.get().channel == Channel.API


def test_wrong_password_gives_401_and_counts_toward_the_lock(agent: User) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"organization": "acme", "username": "agent1", "password": "nope"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "서비스명, 아이디 또는 비밀번호가 올바르지 않습니다."}
    agent.refresh_from_db()
    assert agent.failed_logins == 1


def test_missing_or_unknown_token_gives_401() -> None:
    assert Client().get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer forged").status_code == 401


def test_a_missing_field_is_named(db: None) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"organization": "acme", "password": "x"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["username"]


def test_an_issued_password_must_be_changed_before_other_calls(
    organization: Organization,
) -> None:
    user = make_user(organization=organization, username="fresh", must_change_password=True)
    token = token_for(user)
    api = Api(token)

    assert api.get("/me").json()["must_change_password"] is True
    assert api.get("/accounts").status_code == 403
    weak = api.send(
        "post", "/me/password", {"current_password": "secret123", "new_password": "short"}
    )
    changed = api.send(
        "post", "/me/password", {"current_password": "secret123", "new_password": "better123"}
    )

    assert weak.status_code == 400
    assert weak.json()["errors"][0]["field"] == "new_password"
    assert changed.status_code == 204
    assert api.get("/me").json()["must_change_password"] is False


def test_agents_may_not_call_admin_endpoints(agent: User) -> None:
    api = Api(token_for(agent))

    response = api.get("/accounts")

    assert response.status_code == 403
    assert response.json() == {"detail": "관리자만 할 수 있습니다."}


def test_admin_issues_accounts_within_the_license(admin: User, organization: Organization) -> None:
    api = Api(token_for(admin))
    for number in range(3):
        created = api.send(
            "post", "/accounts", {"username": f"a{number}x", "role": "AGENT", "name": "상담원"}
        )
        assert created.status_code == 201
        assert created.json()["generated_password"]

    refused = api.send("post", "/accounts", {"username": "a9x", "role": "AGENT", "name": "상담원"})

    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("상담원 라이선스 3개를 모두 사용 중입니다 (3/3).")
    assert api.get("/organization").json()["licenses"] == {
        "registered": 3,
        "licensed": 3,
        "available": 0,
    }


def test_bad_account_fields_are_each_named(admin: User) -> None:
    api = Api(token_for(admin))

    response = api.send(
        "post",
        "/accounts",
        {"username": "x", "role": "PARTICIPANT", "name": "", "email": "not-an-email"},
    )

    assert response.status_code == 400
    fields = sorted(error["field"] for error in response.json()["errors"])
    assert fields == ["email", "name", "participant_side", "username"]


def test_admin_changes_unlocks_and_deletes_an_account(admin: User, agent: User) -> None:
    api = Api(token_for(admin))

    changed = api.send("patch", f"/accounts/{agent.pk}", {"name": "바뀐이름", "can_export": True})
    unlocked = api.send("post", f"/accounts/{agent.pk}/unlock")
    deleted = api.send("delete", f"/accounts/{agent.pk}")

    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["can_export"]) == ("바뀐이름", True)
    assert unlocked.status_code == 200
    assert deleted.status_code == 204
    assert api.get(f"/accounts/{agent.pk}").status_code == 404


def test_deleting_an_account_revokes_its_tokens(admin: User, agent: User) -> None:
    agent_api = Api(token_for(agent))

    Api(token_for(admin)).send("delete", f"/accounts/{agent.pk}")

    assert agent_api.get("/me").status_code == 401
    assert not ApiToken.all_objects.filter(user=agent).exists()


def test_signing_out_revokes_the_token_and_is_recorded(agent: User) -> None:
    api = Api(token_for(agent))

    assert api.send("delete", "/auth/token").status_code == 204
    assert api.get("/me").status_code == 401
    kinds = list(LoginEvent.all_objects.order_by("id").values_list("kind", "result"))
    assert kinds == [("LOGIN", LoginResult.SUCCESS), ("LOGOUT", LoginResult.SUCCESS)]


def test_login_history_requires_a_valid_period(admin: User) -> None:
    api = Api(token_for(admin))

    ok = api.get("/login-events", date_from="2026-01-01", date_to="2026-12-31")
    reversed_period = api.get("/login-events", date_from="2026-12-31", date_to="2026-01-01")

    assert ok.status_code == 200
    assert reversed_period.status_code == 400
    assert reversed_period.json()["errors"] == [
        {"field": "date_from", "message": "시작일이 종료일보다 늦습니다."}
    ]


def test_the_openapi_document_lists_the_endpoints(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    assert document["info"]["title"] == "Sangdam API"
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/accounts"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_api_access_from_another_role_never_sees_admin_data(organization: Organization) -> None:
    participant = make_user(organization=organization, role=Role.PARTICIPANT)
    api = Api(token_for(participant))

    assert api.get("/login-events", date_from="2026-01-01", date_to="2026-01-02").status_code == 403
    assert api.get("/work-events", date_from="2026-01-01", date_to="2026-01-02").status_code == 403
    assert api.get("/admin-networks").status_code == 403


def test_the_interactive_api_docs_load_their_files_locally(db: None) -> None:
    page = Client().get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr" not in page
