from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from sangdam.accounts.enums import (
    Channel,
    LoginKind,
    LoginResult,
    WorkAction,
    WorkResult,
    WorkScreen,
)
from sangdam.accounts.models import LoginEvent, User, WorkEvent
from sangdam.core.models import Organization

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def login_event(organization: Organization, login_id: str, at: datetime) -> LoginEvent:
    return LoginEvent.all_objects.create(
        organization=organization,
        service_name=organization.service_name,
        login_id=login_id,
        kind=LoginKind.LOGIN,
        result=LoginResult.SUCCESS,
        channel=Channel.WEB,
        occurred_at=at,
        ip="192.0.2.10",
        user_agent="Mozilla/5.0 (Windows NT 10.0)",
    )


def test_login_history_filters_by_day_in_the_viewers_time_zone(
    admin_client: Client, organization: Organization
) -> None:
    # 23:30 in Seoul on the 9th is still the 9th there, though it is the 9th 14:30 UTC.
    login_event(organization, "late", datetime(2026, 11, 9, 23, 30, tzinfo=SEOUL))
    login_event(organization, "next", datetime(2026, 11, 10, 0, 5, tzinfo=SEOUL))

    page = admin_client.get(
        "/manage/login-history/", {"date_from": "2026-11-09", "date_to": "2026-11-09"}
    )

    rows = [event.login_id for event in page.context["page"]]
    assert rows == ["late"]
    html = page.content.decode()
    assert "23:30:00" in html
    assert "(KST)" in html


def test_login_history_shows_times_in_the_users_own_zone(
    admin_client: Client, admin: User, organization: Organization
) -> None:
    admin.time_zone = "Europe/Berlin"
    admin.save(update_fields=["time_zone"])
    login_event(organization, "someone", datetime(2026, 11, 9, 18, 0, tzinfo=SEOUL))

    html = admin_client.get(
        "/manage/login-history/", {"date_from": "2026-11-09", "date_to": "2026-11-09"}
    ).content.decode()

    assert "10:00:00" in html
    assert "(CET)" in html


def test_a_reversed_period_is_refused_with_a_message_naming_it(admin_client: Client) -> None:
    response = admin_client.get(
        "/manage/login-history/", {"date_from": "2026-11-10", "date_to": "2026-11-01"}
    )

    assert [str(m) for m in response.context["messages"]] == [
        "입력값을 확인하세요. 시작일: 시작일이 종료일보다 늦습니다."
    ]


def test_viewing_and_exporting_the_login_history_is_audited(
    admin_client: Client, organization: Organization
) -> None:
    login_event(organization, "agent1", datetime(2026, 11, 9, 9, 0, tzinfo=SEOUL))
    period = {"date_from": "2026-11-09", "date_to": "2026-11-09"}

    admin_client.get("/manage/login-history/", period)
    export = admin_client.get("/manage/login-history/", {**period, "export": "xlsx"})

    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:6] == ["접속일", "시각", "아이디", "이름", "구분", "결과"]
    assert values[1][:6] == ["2026-11-09", "09:00:00", "agent1", None, "로그인", "성공"]
    assert export["Content-Disposition"].endswith(
        "filename*=UTF-8''%EB%A1%9C%EA%B7%B8%EC%9D%B8%20%EC%9D%B4%EB%A0%A5.xlsx"
    )
    audit = list(
        WorkEvent.all_objects.filter(screen=WorkScreen.LOGIN_HISTORY)
        .order_by("id")
        .values_list("action", "result", "actor_label", "ip")
    )
    assert audit == [
        (WorkAction.VIEW, WorkResult.SUCCESS, "관리자 (admin)", "127.0.0.1"),
        (WorkAction.EXPORT, WorkResult.SUCCESS, "관리자 (admin)", "127.0.0.1"),
    ]


def test_settings_changes_appear_in_the_work_history_page(
    admin_client: Client, agent: User
) -> None:
    admin_client.post(f"/manage/accounts/{agent.pk}/unlock/")

    page = admin_client.get(
        "/manage/work-history/",
        {"screen": "ACCOUNTS", "date_from": "2000-01-01", "date_to": "2000-12-31"},
    )
    today = admin_client.get("/manage/work-history/")

    assert list(page.context["page"]) == []
    rows = [
        (e.get_screen_display(), e.get_action_display(), e.detail) for e in today.context["page"]
    ]
    assert ("사용자 관리", "잠금 해제", "agent1") in rows


def test_work_history_export_lists_start_and_end(admin_client: Client, agent: User) -> None:
    admin_client.post(f"/manage/accounts/{agent.pk}/unlock/")

    export = admin_client.get(
        "/manage/work-history/",
        {
            "export": "xlsx",
            "screen": "ACCOUNTS",
            "date_from": "2020-01-01",
            "date_to": "2020-12-31",
        },
    )

    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "시작일자",
        "시작시간",
        "종료일자",
        "종료시간",
        "구분",
        "작업",
        "결과",
        "작업자",
        "접속 IP",
        "상세",
    ]
    assert sheet.max_row == 1
