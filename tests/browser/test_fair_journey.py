"""The whole fair journey of issue 4, driven in Debian's chromium as its people would.

Only the organization and the organizer's account are arranged with factories; everything else
(the event, the participants, their passwords, requests, the schedule, the reports and the
files) goes through the pages.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from sangdam.fairs.models import Participant
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_organization
from tests.fairs.fair import make_organizer

SEOUL = ZoneInfo("Asia/Seoul")
SERVICE = "fair"
DAY = "2031-03-10"
# Every participant's own password, chosen at the forced change of the first login.
OWN_PASSWORD = "Journey2031x"
COMPANIES = {
    "B001": ("바이어", "Atlas Trading", "buyer@atlas.example"),
    "S001": ("셀러", "한빛식품", "s001@hanbit.example"),
    "S002": ("셀러", "서울화장품", "s002@seoul.example"),
    "S003": ("셀러", "부산기계", "s003@busan.example"),
}
# After the meetings of the fair day: reports can be written from the meeting's start on.
AFTER_THE_MEETINGS = dt.datetime(2031, 3, 10, 13, 0, tzinfo=SEOUL)


def participant_list() -> bytes:
    """The organizer's Excel list, with Korean headers the import recognizes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "참가기업"
    sheet.append(["구분", "참가자ID", "회사명", "담당자", "이메일", "국가"])
    for code, (side, company, email) in COMPANIES.items():
        country = "미국" if side == "바이어" else "대한민국"
        sheet.append([side, code, company, f"{company} 담당", email, country])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sign_in(page: Page, base: str, login_id: str, password: str) -> None:
    """Sign out whoever was signed in, then sign in on the login page."""
    page.context.clear_cookies()
    log_in(page, base, SERVICE, login_id, password)


def flash(page: Page) -> Locator:
    return page.get_by_test_id("flash-success")


def invitation_logins() -> dict[str, tuple[str, str]]:
    """Login ID and initial password per e-mail address, read from the invitation e-mails."""
    logins: dict[str, tuple[str, str]] = {}
    for message in mail.outbox:
        login = re.search(r"아이디: (\S+)", str(message.body))
        password = re.search(r"초기 비밀번호: (\S+)", str(message.body))
        if login and password:
            logins[message.to[0]] = (login.group(1), password.group(1))
    return logins


def request_row(page: Page, company: str) -> Locator:
    return page.locator(f"[data-testid=request-row][data-company='{company}']")


def test_fair_journey_from_the_event_form_to_reports_and_calendars(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    base = live_server.url
    organization = make_organization(service_name=SERVICE)
    make_organizer(organization)

    def organizer_creates_the_event_and_imports_the_participants() -> str:
        sign_in(page, base, "organizer", PASSWORD)
        expect(page).to_have_url(re.compile(r"/organizer/$"))
        page.get_by_test_id("new-event").click()
        form = page.get_by_test_id("event-form")
        form.locator("[name=name]").fill("2031 수출상담회")
        form.locator("[name=venue]").fill("COEX Hall A")
        form.locator("[name=days]").fill(DAY)
        form.locator("[name=daily_start]").fill("09:00")
        form.locator("[name=daily_end]").fill("12:00")
        form.locator("[name=breaks]").fill("")
        form.locator("[name=meeting_minutes]").fill("30")
        form.locator("[name=participation_deadline]").fill("2031-02-20T18:00")
        form.locator("[name=request_deadline]").fill("2031-03-01T18:00")
        form.locator("[name=default_daily_cap]").fill("1")
        expect(page.get_by_test_id("slot-preview")).to_contain_text("11:30")
        page.get_by_test_id("save-event").click()
        expect(flash(page)).to_contain_text("상담회 2031 수출상담회을(를) 만들었습니다.")
        expect(page.get_by_test_id("deadlines")).to_contain_text("09:00 – 12:00")
        event_url = page.url

        page.get_by_test_id("file-links").get_by_role("link", name="참가기업 가져오기").click()
        upload = page.get_by_test_id("import-upload")
        upload.locator("[name=file]").set_input_files(
            {
                "name": "participants.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": participant_list(),
            }
        )
        upload.locator("button[type=submit]").click()
        mapping = page.get_by_test_id("import-columns")
        # The headers were recognized: side, ID, company, contact and e-mail, country.
        for field, column in (
            ("side", "0"),
            ("code", "1"),
            ("company_name", "2"),
            ("contact_name", "3"),
            ("contact_email", "4"),
            ("country", "5"),
        ):
            expect(mapping.locator(f"[name=col_{field}]")).to_have_value(column)
        page.get_by_test_id("import-preview-button").click()
        expect(page.get_by_test_id("import-good")).to_have_text("4")
        expect(page.get_by_test_id("import-bad")).to_have_text("0")
        expect(page.get_by_test_id("import-good-rows")).to_contain_text("s003@busan.example")
        expect(page.locator("#import-form [name=approval]")).to_have_value("approved")
        page.get_by_test_id("import-confirm").click()
        expect(flash(page)).to_contain_text("참가기업 4곳을 가져왔습니다.")
        table = page.get_by_test_id("participant-table")
        expect(table.locator("tbody tr")).to_have_count(4)
        for code, (_side, company, _email) in COMPANIES.items():
            expect(table.locator("tr", has_text=code)).to_contain_text(company)
        return event_url

    def organizer_invites_everyone() -> dict[str, tuple[str, str]]:
        table = page.get_by_test_id("participant-table")
        table.locator("thead input[type=checkbox]").check()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("bulk-invite").click()
        expect(flash(page)).to_contain_text("참가기업 4곳에 초대 메일을 보내고 있습니다.")
        logins = invitation_logins()
        assert sorted(logins) == sorted(email for _s, _c, email in COMPANIES.values())
        return {code: logins[email] for code, (_s, _c, email) in COMPANIES.items()}

    def first_login(code: str, login_id: str, initial: str) -> None:
        sign_in(page, base, login_id, initial)
        expect(page).to_have_url(re.compile(r"/account/password/$"))
        expect(page.get_by_test_id("must-change")).to_be_visible()
        page.fill("[name=current_password]", initial)
        page.fill("[name=new_password]", OWN_PASSWORD)
        page.fill("[name=new_password_again]", OWN_PASSWORD)
        page.click("[data-testid=password-form] button[type=submit]")
        expect(page).to_have_url(re.compile(r"/mypage/$"))
        expect(flash(page)).to_contain_text("비밀번호를 변경했습니다.")
        expect(page.get_by_test_id("event-line")).to_contain_text(COMPANIES[code][1])

    def seller_requests_the_buyer() -> None:
        page.goto(f"{base}/mypage/counterparts/")
        page.locator("#id_company").fill("Atlas")
        page.get_by_test_id("counterpart-filter").get_by_role("button", name="검색").click()
        rows = page.get_by_test_id("counterpart-row")
        expect(rows).to_have_count(1)
        rows.get_by_role("link", name="상세정보").click()
        expect(page.get_by_test_id("company-name")).to_have_text("Atlas Trading")
        page.get_by_test_id("ask").click()
        expect(page.get_by_test_id("ask-question")).to_be_visible()
        page.get_by_test_id("ask-confirm").click()
        expect(flash(page)).to_contain_text("상담 신청을 완료했습니다.")
        expect(page.get_by_test_id("pair-status")).to_contain_text("나의 신청")
        expect(page.get_by_test_id("ask")).to_have_count(0)

    def seller_switches_nine_oclock_off() -> None:
        page.goto(f"{base}/mypage/availability/")
        grid = page.get_by_test_id("slot-grid")
        expect(grid.locator("button.sd-slot")).to_have_count(6)
        expect(grid.locator("[data-slot='9:00']")).to_have_attribute("data-state", "available")
        grid.locator("[data-slot='9:00']").click()
        expect(grid.locator("[data-slot='9:00']")).to_have_attribute("data-state", "unavailable")
        page.reload()
        grid = page.get_by_test_id("slot-grid")
        expect(grid.locator("[data-slot='9:00']")).to_have_attribute("data-state", "unavailable")
        expect(grid.locator("[data-slot='9:30']")).to_have_attribute("data-state", "available")

    def buyer_accepts_one_and_declines_one() -> None:
        page.goto(f"{base}/mypage/requests/")
        expect(page.get_by_test_id("request-row")).to_have_count(3)
        for company in ("한빛식품", "서울화장품", "부산기계"):
            expect(request_row(page, company).get_by_test_id("status")).to_have_text("상대방 신청")
        request_row(page, "한빛식품").get_by_test_id("accept").click()
        expect(flash(page)).to_contain_text("신청을 수락했습니다. 상호 신청이 되었습니다.")
        expect(request_row(page, "한빛식품").get_by_test_id("status")).to_have_text("상호 신청")
        page.once("dialog", lambda dialog: dialog.accept())
        request_row(page, "부산기계").get_by_test_id("reject").click()
        expect(flash(page)).to_contain_text("신청을 반려했습니다.")
        # The declined request is no longer pending for the buyer (MM-28).
        expect(page.get_by_test_id("request-row")).to_have_count(2)
        expect(request_row(page, "서울화장품").get_by_test_id("status")).to_have_text("상대방 신청")

    def seller_sees_the_rejection() -> None:
        page.goto(f"{base}/mypage/requests/")
        row = request_row(page, "Atlas Trading")
        expect(row.get_by_test_id("status")).to_have_text("반려")
        expect(row.get_by_test_id("meeting-time")).to_have_text("-")

    def organizer_runs_the_greedy_rule(event_url: str) -> None:
        sign_in(page, base, "organizer", PASSWORD)
        page.goto(event_url)
        expect(page.get_by_test_id("request-total")).to_have_text("3")
        page.get_by_test_id("event-nav").get_by_role("link", name="자동주선").click()
        expect(page.locator("[name=mode][value=greedy]")).to_be_checked()
        page.get_by_test_id("start-scheduling").click()
        expect(flash(page)).to_contain_text("자동주선을 시작했습니다.")
        expect(page.get_by_test_id("run-state").first).to_contain_text("완료", timeout=30_000)
        page.reload()
        expect(page.get_by_test_id("class-1")).to_have_text("1")
        waiting = page.get_by_test_id("waiting-list")
        expect(waiting.locator("tbody tr")).to_have_count(1)
        expect(waiting.locator("tbody tr")).to_contain_text("Atlas Trading")
        expect(waiting.locator("tbody tr")).to_contain_text("서울화장품")
        expect(waiting.get_by_test_id("waiting-reason")).to_have_text("1일 상담횟수 초과")

    def organizer_places_the_waiting_pair(event_url: str) -> None:
        page.get_by_test_id("event-nav").get_by_role("link", name="참가기업").click()
        page.get_by_test_id("participant-table").get_by_role("link", name="Atlas Trading").click()
        page.locator("[data-testid=participant-form] [name=daily_cap]").fill("2")
        page.get_by_test_id("save-participant").click()
        expect(flash(page)).to_contain_text("Atlas Trading을(를) 저장했습니다.")
        expect(page.locator("[data-testid=participant-form] [name=daily_cap]")).to_have_value("2")

        page.get_by_test_id("event-nav").get_by_role("link", name="수동주선").click()
        page.get_by_test_id("place-B001-S002").click()
        expect(page.get_by_test_id("pair-card")).to_contain_text("서울화장품")
        free = page.get_by_test_id("free-slot")
        # 9:30 is taken by the mutual meeting with 한빛식품; 9:00 is the first free time.
        expect(free.first).to_have_text("09:00")
        expect(page.get_by_test_id("blocked-slot")).to_have_text(["09:30"])
        free.first.click()
        expect(flash(page)).to_contain_text(
            "상담 배정: Atlas Trading · 서울화장품, 2031-03-10 09:00"
        )
        expect(page.get_by_test_id("meetings-buyer").locator("tbody tr")).to_have_count(2)
        expect(page.get_by_test_id("matching-waiting")).to_contain_text("대기목록이 비어 있습니다")

        page.goto(event_url)
        expect(page.get_by_test_id("meeting-total")).to_have_text("2")
        expect(page.get_by_test_id("waiting-total")).to_have_text("0")
        page.get_by_test_id("publish").click()
        page.get_by_test_id("confirm-publish").click()
        expect(flash(page)).to_contain_text("주선 결과를 공지했습니다.")
        expect(page.get_by_test_id("publish-state")).to_have_text("공지됨")

    def sees_the_day(meetings: list[str]) -> None:
        page.goto(f"{base}/mypage/results/")
        expect(page.get_by_test_id("meeting-count")).to_have_text(f"상담 {len(meetings)}건")
        dots = page.get_by_test_id(f"calendar-day-{DAY}").locator(".sd-dot")
        expect(dots).to_have_count(len(meetings))
        booked = page.get_by_test_id("day-timetable").locator(".sd-slots .sd-slot-booked")
        expect(booked).to_have_count(len(meetings))
        for index, slot in enumerate(meetings):
            expect(booked.nth(index)).to_have_attribute("data-slot", slot)

    def seller_writes_the_report() -> None:
        rows = page.get_by_test_id("result-row")
        expect(rows).to_have_count(1)
        expect(rows.get_by_test_id("meeting-time")).to_have_text("2031-03-10 09:30 - 10:00 (KST)")
        rows.get_by_role("link", name="실적표 작성").click()
        expect(page.get_by_test_id("report-company")).to_have_text("Atlas Trading")
        form = page.get_by_test_id("report-form")
        form.get_by_label("상담 진행").check()
        form.locator("[name=consultation_usd]").fill("50000")
        form.locator("[name=expected_contract_usd]").fill("120000")
        form.locator("[name=outcome]").select_option("pursuing")
        form.locator("[name=comment]").fill("샘플 발송 후 계약 협의 예정")
        form.locator("button[type=submit]").click()
        expect(flash(page)).to_contain_text("실적표를 저장했습니다.")
        expect(page.get_by_test_id("report-saved")).to_contain_text("실적표 확인")
        expect(page.get_by_test_id("report-held")).to_have_text("상담 진행")
        expect(page.get_by_test_id("report-consultation")).to_contain_text("50000")
        expect(page.get_by_test_id("report-expected")).to_contain_text("120000")
        expect(page.get_by_test_id("report-outcome")).to_have_text("계약 추진")
        expect(page.get_by_test_id("report-comment")).to_have_text("샘플 발송 후 계약 협의 예정")
        page.goto(f"{base}/mypage/results/")
        expect(page.get_by_test_id("result-row").get_by_role("link")).to_have_text("실적표 확인")

    def buyer_downloads_the_calendar() -> Calendar:
        with page.expect_download() as download:
            page.get_by_test_id("ical-link").click()
        path = tmp_path / "b001.ics"
        download.value.save_as(path)
        return Calendar.from_ical(path.read_bytes())

    def organizer_downloads_the_schedule(event_url: str) -> list[tuple[object, ...]]:
        sign_in(page, base, "organizer", PASSWORD)
        page.goto(event_url)
        with page.expect_download() as download:
            page.get_by_test_id("file-links").get_by_role("link", name="주선 결과 내보내기").click()
        path = tmp_path / "schedule.xlsx"
        download.value.save_as(path)
        sheet = load_workbook(path).worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]

    # 1. The organizer's event and participants.
    event_url = organizer_creates_the_event_and_imports_the_participants()
    # 2. Invitations, and each participant's own password at the first login.
    logins = organizer_invites_everyone()
    for code, (login_id, initial) in logins.items():
        first_login(code, login_id, initial)
    # 3. The sellers' availability and requests.
    sign_in(page, base, logins["S001"][0], OWN_PASSWORD)
    seller_switches_nine_oclock_off()
    seller_requests_the_buyer()
    for seller in ("S002", "S003"):
        sign_in(page, base, logins[seller][0], OWN_PASSWORD)
        seller_requests_the_buyer()
    # 4. The buyer answers.
    sign_in(page, base, logins["B001"][0], OWN_PASSWORD)
    buyer_accepts_one_and_declines_one()
    sign_in(page, base, logins["S003"][0], OWN_PASSWORD)
    seller_sees_the_rejection()
    # 5. Automatic scheduling: the daily cap of 1 leaves S002 waiting.
    organizer_runs_the_greedy_rule(event_url)
    # 6. By hand: a higher cap, the waiting pair placed, the schedule published.
    organizer_places_the_waiting_pair(event_url)

    # 7. On the fair day, after the meetings: results, the seller's report, the buyer's iCal.
    with time_machine.travel(AFTER_THE_MEETINGS):
        sign_in(page, base, logins["S001"][0], OWN_PASSWORD)
        sees_the_day(["9:30"])
        seller_writes_the_report()
        sign_in(page, base, logins["B001"][0], OWN_PASSWORD)
        sees_the_day(["9:00", "9:30"])
        expect(page.get_by_test_id("result-row").get_by_test_id("meeting-time")).to_have_text(
            ["2031-03-10 09:00 - 09:30 (KST)", "2031-03-10 09:30 - 10:00 (KST)"]
        )
        buyer_calendar = buyer_downloads_the_calendar()
        # 8. The organizer's files.
        schedule = organizer_downloads_the_schedule(event_url)

    events = buyer_calendar.walk("VEVENT")
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == [
        (
            dt.datetime(2031, 3, 10, 0, 0, tzinfo=dt.UTC),
            dt.datetime(2031, 3, 10, 0, 30, tzinfo=dt.UTC),
        ),
        (
            dt.datetime(2031, 3, 10, 0, 30, tzinfo=dt.UTC),
            dt.datetime(2031, 3, 10, 1, 0, tzinfo=dt.UTC),
        ),
    ]
    assert [str(e["summary"]) for e in events] == ["상담: 서울화장품", "상담: 한빛식품"]

    meetings = [(row[1], row[4], row[7]) for row in schedule if row[0] is not None]
    assert meetings == [(dt.time(9, 0), "B001", "S002"), (dt.time(9, 30), "B001", "S001")]

    s001 = Participant.all_objects.get(code="S001")
    response = page.request.get(base + reverse("fairs:calendar-feed", args=[s001.calendar_token]))
    assert response.ok
    feed = Calendar.from_ical(response.body())
    [meeting] = feed.walk("VEVENT")
    assert meeting.decoded("dtstart") == dt.datetime(2031, 3, 10, 9, 30, tzinfo=SEOUL)
    assert meeting.decoded("dtend") == dt.datetime(2031, 3, 10, 10, 0, tzinfo=SEOUL)
