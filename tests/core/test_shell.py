"""The UI shell: language, time zone label, navigation by role, error pages, static assets."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from tests.conftest import ClientOf
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [str(item.label) for item in response.context["nav_items"]]


def test_korean_is_the_default_language(client: Client) -> None:
    page = client.get("/login/").content.decode()

    assert '<html lang="ko">' in page
    assert "서비스명" in page
    assert "아이디 저장" in page


def test_the_language_switch_shows_english_and_is_kept_for_the_user(
    client_of: ClientOf,
    agent: User,
) -> None:
    agent_client = client_of(agent)

    agent_client.post("/i18n/setlang/", {"language": "en", "next": "/agent/"})
    page = agent_client.get("/agent/").content.decode()

    assert '<html lang="en">' in page
    assert "My extension" in page
    agent.refresh_from_db()
    assert agent.language == "en"


def test_an_anonymous_visitor_can_switch_the_login_page_to_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})

    page = client.get("/login/").content.decode()

    assert "Service name" in page
    assert "Remember ID" in page


def test_the_top_bar_shows_the_time_zone_as_the_manuals_do(
    client_of: ClientOf, agent: User
) -> None:
    page = client_of(agent).get("/agent/").content.decode()

    assert "Asia/Seoul (KST)" in page


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.ORG_ADMIN,
            [
                "관리 홈",
                "사용자 관리",
                "상담그룹",
                "로그인 이력",
                "작업 이력",
                "접근관리",
                "조직 정보",
                "고객정보",
                "CS등록",
                "담당자관련이력",
                "미완료 상담",
                "리콜",
                "전체상담 이력",
                "최근이관 이력",
                "접수정보 임시저장",
                "문자 발송",
                "상담내역 관리",
                "상담유형",
                "내선번호",
                "문자 내역 관리",
                "예약 문자 관리",
                "템플릿 관리",
                "문자 설정",
                "080 수신거부 목록",
                "회원정보관리",
                "비밀번호 변경",
            ],
        ),
        (
            Role.AGENT,
            [
                "상담원 홈",
                "고객정보",
                "CS등록",
                "담당자관련이력",
                "미완료 상담",
                "리콜",
                "전체상담 이력",
                "최근이관 이력",
                "접수정보 임시저장",
                "문자 발송",
                "회원정보관리",
                "비밀번호 변경",
            ],
        ),
        (Role.FAIR_ORGANIZER, ["상담회 목록", "회원정보관리", "비밀번호 변경"]),
        (
            Role.PARTICIPANT,
            [
                "마이페이지",
                "참가 정보",
                "상담가능시간 설정",
                "상담 신청",
                "신청 현황",
                "주선 결과 확인",
                "나의 메세지함",
                "FAQ",
                "회원정보관리",
                "비밀번호 변경",
            ],
        ),
    ],
)
def test_navigation_depends_on_the_role(
    client_of: ClientOf,
    organization: Organization,
    role: Role,
    expected: list[str],
) -> None:
    user = make_user(organization=organization, role=role)

    response = client_of(user).get("/account/")

    assert nav_labels(response) == expected


def test_participant_my_page_greets_by_name(
    client_of: ClientOf, organization: Organization
) -> None:
    seller = make_user(organization=organization, role=Role.PARTICIPANT, name="테스트 셀러")

    page = client_of(seller).get("/mypage/").content.decode()

    assert "테스트 셀러님 환영합니다!" in page


def test_unknown_pages_get_a_page_and_unknown_api_paths_json(client: Client) -> None:
    assert client.get("/nowhere/").status_code == 404
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404


def test_front_end_assets_are_served_locally_never_from_a_cdn(client: Client) -> None:
    page = client.get("/login/").content.decode()

    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    for asset in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/alpinejs/alpine.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/pretendard/woff2/PretendardVariable.woff2",
    ]:
        assert finders.find(asset), asset


def test_health_check_answers(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_an_english_browser_still_gets_korean_until_english_is_chosen(client: Client) -> None:
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page["Content-Language"] == "ko"
    assert "서비스명" in page.content.decode()


def test_accounts_are_listed_admins_first(
    client_of: ClientOf, admin: User, organization: Organization
) -> None:
    make_user(organization=organization, role=Role.PARTICIPANT, username="aaa-buyer")
    make_user(organization=organization, role=Role.AGENT, username="zz-agent")

    page = client_of(admin).get("/manage/accounts/")

    assert [u.username for u in page.context["page"]] == ["admin", "zz-agent", "aaa-buyer"]
