from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sangdam.accounts.enums import Role, WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import AgentGroup, User, WorkEvent
from sangdam.core.models import Organization
from tests.conftest import ClientOf, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def new_agent(username: str, **extra: Any) -> dict[str, Any]:
    return {"role": "AGENT", "username": username, "name": f"상담원 {username}", **extra}


def flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_agents_are_issued_up_to_the_license_and_refused_beyond(
    admin_client: Client, organization: Organization
) -> None:
    for number in range(3):
        response = admin_client.post("/manage/accounts/new/", new_agent(f"agent{number}"))
        assert response.status_code == 302

    refused = admin_client.post("/manage/accounts/new/", new_agent("agent9"))

    assert refused.status_code == 200
    assert flash(refused)[-1] == (
        "상담원 라이선스 3개를 모두 사용 중입니다 (3/3). 상담원을 삭제하거나 계약관리에서 "
        "라이선스를 추가하세요."
    )
    assert not User.all_objects.filter(username="agent9").exists()
    page = admin_client.get("/manage/accounts/").content.decode()
    assert "상담원 3 / 3" in page


def test_deleting_an_agent_frees_a_license_without_changing_the_count(
    admin_client: Client, organization: Organization
) -> None:
    agents = [make_user(organization=organization, role=Role.AGENT) for _ in range(3)]

    admin_client.post(f"/manage/accounts/{agents[0].pk}/delete/")
    added = admin_client.post("/manage/accounts/new/", new_agent("late"))

    assert added.status_code == 302
    organization.refresh_from_db()
    assert organization.licensed_agents == 3
    assert "상담원 3 / 3" in admin_client.get("/manage/accounts/").content.decode()
    assert sign_in(Client(), agents[0]).status_code == 200


def test_non_agent_accounts_do_not_use_licenses(
    admin_client: Client, organization: Organization
) -> None:
    for _ in range(3):
        make_user(organization=organization, role=Role.AGENT)

    response = admin_client.post(
        "/manage/accounts/new/",
        {
            "role": "PARTICIPANT",
            "participant_side": "SELLER",
            "username": "seller9",
            "name": "셀러",
        },
    )

    assert response.status_code == 302
    assert User.all_objects.get(username="seller9").participant_side == "SELLER"


def test_generated_initial_password_is_shown_once_and_must_be_changed(
    admin_client: Client,
) -> None:
    response = admin_client.post("/manage/accounts/new/", new_agent("fresh"), follow=True)

    message = flash(response)[0]
    assert message.startswith("fresh 계정을 발급했습니다. 초기 비밀번호: ")
    password = message.split(": ")[1].split(" ")[0]
    fresh = User.all_objects.get(username="fresh")
    assert fresh.must_change_password is True
    assert fresh.check_password(password)
    assert password not in fresh.password


def test_login_id_is_unique_within_an_organization_only(
    admin_client: Client, admin: User, other_organization: Organization
) -> None:
    make_user(organization=other_organization, username="shared", role=Role.AGENT)

    first = admin_client.post("/manage/accounts/new/", new_agent("shared"))
    second = admin_client.post("/manage/accounts/new/", new_agent("shared"))

    assert first.status_code == 302
    assert second.context["form"].errors == {"username": ["이미 사용 중인 아이디입니다."]}
    assert flash(second)[-1] == "입력값을 확인하세요. 아이디: 이미 사용 중인 아이디입니다."


def test_extension_is_assigned_when_left_empty_and_refused_when_taken(
    admin_client: Client, agent: User
) -> None:
    admin_client.post("/manage/accounts/new/", new_agent("auto"))
    taken = admin_client.post("/manage/accounts/new/", new_agent("dup", extension="1001"))
    five_digits = admin_client.post("/manage/accounts/new/", new_agent("long", extension="123456"))

    assert User.all_objects.get(username="auto").extension == "1002"
    assert taken.context["form"].errors == {
        "extension": ["내선번호 1001은(는) 이미 다른 계정에 부여되어 있습니다."]
    }
    assert "extension" in five_digits.context["form"].errors


def test_only_one_account_holds_the_customer_upload_permission(
    admin_client: Client, agent: User, organization: Organization
) -> None:
    agent.can_upload_customers = True
    agent.save(update_fields=["can_upload_customers"])

    response = admin_client.post(
        "/manage/accounts/new/", new_agent("second", can_upload_customers="on")
    )

    assert response.context["form"].errors == {
        "can_upload_customers": [
            "고객정보 업로드 권한은 한 계정만 가질 수 있습니다. 현재 김상담 (agent1) 계정이 "
            "가지고 있습니다."
        ]
    }


def test_an_admin_cannot_delete_themselves_or_the_last_admin(
    admin_client: Client, admin: User
) -> None:
    response = admin_client.post(f"/manage/accounts/{admin.pk}/delete/", follow=True)

    assert flash(response) == ["자신의 계정은 삭제할 수 없습니다."]
    admin.refresh_from_db()
    assert admin.deleted_at is None


def test_role_change_to_agent_needs_a_free_license(
    admin_client: Client, organization: Organization
) -> None:
    for _ in range(3):
        make_user(organization=organization, role=Role.AGENT)
    organizer = make_user(organization=organization, role=Role.FAIR_ORGANIZER)

    response = admin_client.post(
        f"/manage/accounts/{organizer.pk}/", {"role": "AGENT", "name": organizer.name}
    )

    assert flash(response)[0].startswith("상담원 라이선스 3개를 모두 사용 중입니다")
    organizer.refresh_from_db()
    assert organizer.role == Role.FAIR_ORGANIZER


def test_a_refused_issue_writes_nothing_but_a_failure_row_in_the_work_history(
    admin_client: Client,
) -> None:
    admin_client.post("/manage/accounts/new/", new_agent("bad", password="short"))

    assert not User.all_objects.filter(username="bad").exists()
    rows = list(
        WorkEvent.all_objects.filter(
            screen=WorkScreen.ACCOUNTS, action=WorkAction.CREATE
        ).values_list("result", "detail")
    )
    assert rows == [(WorkResult.FAILURE, "bad")]


@pytest.mark.parametrize(
    "path",
    [
        "/manage/",
        "/manage/accounts/",
        "/manage/accounts/new/",
        "/manage/groups/",
        "/manage/login-history/",
        "/manage/work-history/",
        "/manage/access/",
        "/manage/organization/",
    ],
)
@pytest.mark.parametrize("role", [Role.AGENT, Role.FAIR_ORGANIZER, Role.PARTICIPANT])
def test_admin_pages_are_refused_to_other_roles(
    client_of: ClientOf,
    organization: Organization,
    path: str,
    role: Role,
) -> None:
    user = make_user(organization=organization, role=role)

    response = client_of(user).get(path)

    assert response.status_code == 403
    assert "이 계정으로는 이 페이지를 열 수 없습니다." in response.content.decode()


def test_agent_pages_are_refused_to_participants(
    client_of: ClientOf, organization: Organization
) -> None:
    participant = make_user(organization=organization, role=Role.PARTICIPANT)

    assert client_of(participant).get("/agent/").status_code == 403


def test_users_edit_their_own_name_but_not_their_login_id(client_of: ClientOf, agent: User) -> None:
    agent_client = client_of(agent)

    agent_client.post(
        "/account/",
        {
            "name": "김새이름",
            "email": "kim@example.com",
            "language": "ko",
            "time_zone": "Asia/Seoul",
            "username": "hacked",
        },
    )

    agent.refresh_from_db()
    assert (agent.name, agent.username, agent.email) == ("김새이름", "agent1", "kim@example.com")


def test_agent_groups_are_unique_and_a_group_with_agents_is_kept(
    admin_client: Client, agent: User
) -> None:
    admin_client.post("/manage/groups/", {"name": "1팀"})
    duplicate = admin_client.post("/manage/groups/", {"name": "1팀"})
    group = AgentGroup.all_objects.get(name="1팀")
    agent.group = group
    agent.save(update_fields=["group"])

    refused = admin_client.post(f"/manage/groups/{group.pk}/delete/", follow=True)

    assert duplicate.context["form"].errors == {"name": ["같은 이름의 그룹이 이미 있습니다."]}
    assert flash(refused)[-1:] == [
        "1팀 그룹에 아직 상담원 1명이 있습니다. 먼저 다른 그룹으로 옮기세요."
    ]


def test_the_organization_time_zone_is_set_on_its_page_and_audited(
    admin_client: Client, organization: Organization
) -> None:
    response = admin_client.post("/manage/organization/", {"time_zone": "America/New_York"})
    refused = admin_client.post("/manage/organization/", {"time_zone": "Mars/Base"})

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.time_zone == "America/New_York"
    assert refused.status_code == 200
    assert "Mars/Base" in refused.content.decode()
    event = WorkEvent.all_objects.get(screen=WorkScreen.ORGANIZATION)
    assert event.detail == "time zone: Asia/Seoul → America/New_York"
