from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from sangdam.accounts.enums import LoginKind, LoginResult, Role
from sangdam.accounts.models import LoginEvent, User
from sangdam.core.models import Organization
from tests.conftest import ClientOf, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_login_takes_service_name_login_id_and_password_to_the_role_home(
    client: Client, admin: User
) -> None:
    response = sign_in(client, admin)

    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/manage/"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.AGENT, "/agent/"),
        (Role.FAIR_ORGANIZER, "/organizer/"),
        (Role.PARTICIPANT, "/mypage/"),
    ],
)
def test_each_role_lands_on_its_own_home(
    client: Client, organization: Organization, role: Role, home: str
) -> None:
    user = make_user(organization=organization, role=role)
    sign_in(client, user)

    assert client.get("/")["Location"] == home
    assert client.get(home).status_code == 200


def test_login_is_case_sensitive_for_login_id_and_service_name(client: Client, admin: User) -> None:
    wrong_id_case = client.post(
        "/login/", {"service_name": "acme", "username": "Admin", "password": "secret123"}
    )
    wrong_service_case = client.post(
        "/login/", {"service_name": "ACME", "username": "admin", "password": "secret123"}
    )

    assert wrong_id_case.status_code == 200
    assert wrong_service_case.status_code == 200
    assert messages_of(wrong_id_case) == ["서비스명, 아이디 또는 비밀번호가 올바르지 않습니다."]
    assert not client.session.get("_auth_user_id")


def test_every_login_attempt_is_recorded_with_ip_and_client(client: Client, admin: User) -> None:
    client.post(
        "/login/",
        {"service_name": "acme", "username": "admin", "password": "wrong1234"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    )
    sign_in(
        client, admin, REMOTE_ADDR="10.1.2.4", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14)"
    )
    client.post("/logout/", REMOTE_ADDR="10.1.2.4")
    client.post("/login/", {"service_name": "nosuch", "username": "admin", "password": "x"})

    rows = list(
        LoginEvent.all_objects.order_by("id").values_list(
            "organization__service_name", "login_id", "kind", "result", "ip"
        )
    )
    assert rows == [
        ("acme", "admin", LoginKind.LOGIN, LoginResult.BAD_CREDENTIALS, "10.1.2.3"),
        ("acme", "admin", LoginKind.LOGIN, LoginResult.SUCCESS, "10.1.2.4"),
        ("acme", "admin", LoginKind.LOGOUT, LoginResult.SUCCESS, "10.1.2.4"),
        (None, "admin", LoginKind.LOGIN, LoginResult.UNKNOWN_SERVICE, "127.0.0.1"),
    ]
    platforms = [event.platform for event in LoginEvent.all_objects.order_by("id")[:2]]
    assert platforms == ["WINDOWS", "AOS"]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(
    client: Client, agent: User
) -> None:
    for _attempt in range(4):
        client.post("/login/", {"service_name": "acme", "username": "agent1", "password": "bad1"})
    fifth = client.post(
        "/login/", {"service_name": "acme", "username": "agent1", "password": "bad1"}
    )
    right = sign_in(client, agent)

    assert messages_of(fifth) == [
        "로그인에 여러 번 실패하여 계정이 잠겼습니다. "
        "10분 후에 다시 시도하거나 관리자에게 잠금 해제를 요청하세요."
    ]
    assert right.status_code == 200
    assert messages_of(right)[0].startswith("로그인에 여러 번 실패하여 계정이 잠겼습니다.")
    results = list(LoginEvent.all_objects.order_by("id").values_list("result", flat=True))
    assert results == [LoginResult.BAD_CREDENTIALS] * 4 + [LoginResult.LOCKED] * 2


def test_lock_ends_after_ten_minutes(client: Client, agent: User) -> None:
    agent.locked_until = timezone.now() + timedelta(minutes=10)
    agent.save(update_fields=["locked_until"])

    with time_machine.travel(timezone.now() + timedelta(minutes=9, seconds=59), tick=False):
        assert sign_in(client, agent).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        assert sign_in(client, agent).status_code == 302


def test_admin_unlock_lets_a_locked_user_in_at_once(
    client_of: ClientOf, admin: User, agent: User
) -> None:
    agent.locked_until = timezone.now() + timedelta(minutes=10)
    agent.save(update_fields=["locked_until"])
    admin_client = client_of(admin)

    admin_client.post(f"/manage/accounts/{agent.pk}/unlock/")

    assert sign_in(Client(), agent).status_code == 302


def test_deleted_account_cannot_sign_in(client: Client, agent: User) -> None:
    agent.deleted_at = timezone.now()
    agent.save(update_fields=["deleted_at"])

    response = sign_in(client, agent)

    assert response.status_code == 200
    assert messages_of(response) == ["서비스명, 아이디 또는 비밀번호가 올바르지 않습니다."]


def test_issued_password_must_be_changed_before_anything_else(
    client: Client, organization: Organization
) -> None:
    user = make_user(organization=organization, username="new1", must_change_password=True)
    sign_in(client, user)

    assert client.get("/agent/")["Location"] == "/account/password/"
    assert client.get("/account/password/").status_code == 200
    same = client.post(
        "/account/password/",
        {
            "current_password": "secret123",
            "new_password": "secret123",
            "new_password_again": "secret123",
        },
    )
    assert same.status_code == 200
    changed = client.post(
        "/account/password/",
        {
            "current_password": "secret123",
            "new_password": "newpass99",
            "new_password_again": "newpass99",
        },
    )

    assert changed["Location"] == "/"
    assert client.get("/agent/").status_code == 200
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password("newpass99")


def test_password_policy_names_what_is_missing(client_of: ClientOf, agent: User) -> None:
    agent_client = client_of(agent)

    response = agent_client.post(
        "/account/password/",
        {
            "current_password": "secret123",
            "new_password": "zqxwvkjhgf",
            "new_password_again": "zqxwvkjhgf",
        },
    )

    assert response.context["form"].errors == {
        "new_password": ["비밀번호에는 영문자와 숫자가 모두 있어야 합니다."]
    }


def test_an_agents_new_login_signs_out_the_older_session(agent: User) -> None:
    first, second = Client(), Client()
    sign_in(first, agent)
    assert first.get("/agent/").status_code == 200

    sign_in(second, agent)

    assert first.get("/agent/")["Location"] == "/login/"
    assert second.get("/agent/").status_code == 200
    replaced = LoginEvent.all_objects.filter(kind=LoginKind.LOGOUT).values_list("result", flat=True)
    assert list(replaced) == [LoginResult.REPLACED]


def test_admins_may_hold_several_sessions(admin: User) -> None:
    first, second = Client(), Client()
    sign_in(first, admin)
    sign_in(second, admin)

    assert first.get("/manage/").status_code == 200
    assert second.get("/manage/").status_code == 200


def test_remember_id_fills_the_login_form_next_time(client: Client, admin: User) -> None:
    client.post(
        "/login/",
        {"service_name": "acme", "username": "admin", "password": "secret123", "remember": "on"},
    )
    client.post("/logout/")

    form = client.get("/login/").context["form"]

    assert (form["service_name"].value(), form["username"].value()) == ("acme", "admin")
