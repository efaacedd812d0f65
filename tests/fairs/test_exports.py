"""Files out of a fair: the Excel schedule and reports, printable timetables and the iCal feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar
from openpyxl import load_workbook

from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import exports, services, views_files
from sangdam.fairs.enums import Approval, HostSide, MeetingClass, Outcome, Side, WaitingReason
from sangdam.fairs.models import Event, Meeting, MeetingReport, Participant, Slot, WaitingPair
from tests.fairs.fair import FAIR_DAY, SEOUL, actor, make_event, make_organizer, make_participant

UTC = dt.UTC


@pytest.fixture
def organizer(organization: Any) -> User:
    """An organizer who reads in English, so headers and labels are compared as written."""
    user = make_organizer(organization)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


class Fair:
    """One day, 09:00-18:00 KST with lunch, ten tables; two buyers, two sellers, three meetings."""

    def __init__(self, organizer: User, **event_fields: Any) -> None:
        self.organizer = organizer
        self.event: Event = make_event(organizer, tables=10, **event_fields)
        self.b1 = make_participant(
            self.event,
            Side.BUYER,
            "B001",
            company="Global Trading",
            country="미국",
            email="john@example.com",
            contact_name="John Smith",
            contact_phone="+1 212 555 0100",
        )
        self.b2 = make_participant(self.event, Side.BUYER, "B002", company="Euro Import")
        self.s1 = make_participant(
            self.event,
            Side.SELLER,
            "S001",
            company="한국메디칼",
            country="대한민국",
            email="minsu@example.co.kr",
            contact_name="김민수",
        )
        self.s2 = make_participant(self.event, Side.SELLER, "S002", company="서울바이오")
        self.pending = make_participant(
            self.event, Side.SELLER, "S003", company="대기상사", approval=Approval.PENDING
        )
        with tenant_scope(self.event.organization):
            self.slots = {
                s.starts_at.astimezone(SEOUL).strftime("%H:%M"): s
                for s in Slot.objects.filter(event=self.event)
            }
            self.m1 = self.meet(self.b1, self.s1, "09:00", table=1, klass=MeetingClass.MUTUAL)
            self.m2 = self.meet(self.b2, self.s1, "13:30", table=2, klass=MeetingClass.BUYER)
            self.m3 = self.meet(
                self.b1, self.s2, "10:00", table=3, klass=MeetingClass.BY_HAND, by_hand=True
            )
            WaitingPair.objects.create(
                organization=self.event.organization,
                event=self.event,
                buyer=self.b2,
                seller=self.s2,
                klass=MeetingClass.SELLER,
                reason=WaitingReason.CAP,
            )

    def meet(
        self,
        buyer: Participant,
        seller: Participant,
        at: str,
        *,
        table: int | None,
        klass: MeetingClass,
        by_hand: bool = False,
    ) -> Meeting:
        return Meeting.objects.create(
            organization=self.event.organization,
            event=self.event,
            slot=self.slots[at],
            buyer=buyer,
            seller=seller,
            klass=klass,
            placed_by_hand=by_hand,
            table_number=table,
        )

    def publish(self) -> None:
        with tenant_scope(self.event.organization):
            services.publish_schedule(actor=actor(self.organizer), event=self.event)
            self.event.refresh_from_db()

    def url(self, rest: str) -> str:
        return f"/organizer/events/{self.event.pk}/{rest}"


@pytest.fixture
def fair(organizer: User) -> Fair:
    return Fair(organizer)


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ------------------------------------------------------------------------------ the schedule


def test_schedule_export_lists_every_meeting_in_the_event_zone(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    response = client_of(organizer).get(fair.url("export/schedule.xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Schedule", "Waiting", "Per participant"]
    header, *rows = rows_of(workbook["Schedule"])
    assert header == [
        "Meeting date",
        "Start (KST)",
        "End (KST)",
        "Booth / table",
        "Buyer ID",
        "Buyer company",
        "Buyer country",
        "Seller ID",
        "Seller company",
        "Seller country",
        "Class",
        "Placed by hand",
    ]
    assert [[r[0].date(), r[1], r[2], *r[3:]] for r in rows] == [
        [FAIR_DAY, dt.time(9, 0), dt.time(9, 30), "1", "B001", "Global Trading", "미국",
         "S001", "한국메디칼", "대한민국", "Mutual request", "No"],
        [FAIR_DAY, dt.time(10, 0), dt.time(10, 30), "3", "B001", "Global Trading", "미국",
         "S002", "서울바이오", None, "Placed by hand", "Yes"],
        [FAIR_DAY, dt.time(13, 30), dt.time(14, 0), "2", "B002", "Euro Import", None,
         "S001", "한국메디칼", "대한민국", "Buyer's request", "No"],
    ]  # fmt: skip
    assert rows_of(workbook["Waiting"])[1:] == [
        [1, "B002", "Euro Import", "S002", "서울바이오", "Seller's request",
         "Daily meeting cap reached"],
    ]  # fmt: skip
    counts = {row[0]: row[5:11] for row in rows_of(workbook["Per participant"])[1:]}
    assert counts == {
        "B001": [2, 1, 0, 0, 1, 0],
        "B002": [1, 0, 1, 0, 0, 1],
        "S001": [2, 1, 1, 0, 0, 0],
        "S002": [1, 0, 0, 0, 1, 1],
    }
    with tenant_scope(fair.event.organization):
        work = WorkEvent.objects.filter(screen=WorkScreen.FAIRS, action=WorkAction.EXPORT).get()
    assert work.detail == f"event {fair.event.pk} schedule"


def test_schedule_export_names_the_host_booth_when_sellers_host(
    organizer: User, organization: Any
) -> None:
    event = make_event(organizer, host_side=HostSide.SELLER)
    buyer = make_participant(event, Side.BUYER, "B001")
    seller = make_participant(event, Side.SELLER, "S001", booth="")
    with tenant_scope(organization):
        Participant.objects.filter(pk=seller.pk).update(booth="H-12")
        slot = Slot.objects.filter(event=event).first()
        assert slot is not None
        Meeting.objects.create(
            organization=organization,
            event=event,
            slot=slot,
            buyer=buyer,
            seller=seller,
            klass=MeetingClass.MUTUAL,
        )
        schedule = exports.schedule_sheets(event)[0]
        (row,) = list(schedule.rows)
        timetable = exports.table_timetable(event, "H-12")

    assert row[3] == "H-12"
    assert timetable is not None
    assert timetable.meetings == 1


def test_exports_of_another_organizations_event_are_not_found(
    client_of: Any, other_organization: Any, fair: Fair
) -> None:
    stranger = client_of(make_organizer(other_organization, username="stranger"))

    for rest in (
        "export/schedule.xlsx",
        "export/reports.xlsx",
        "reports/",
        "import/",
        "import/template.xlsx",
        "print/participants/",
        f"print/participants/{fair.b1.pk}/",
        "print/tables/1/",
    ):
        assert stranger.get(fair.url(rest)).status_code == 404, rest


def test_exports_refuse_a_participant(client_of: Any, fair: Fair) -> None:
    client = client_of(fair.b1.user)

    response = client.get(fair.url("export/schedule.xlsx"))

    assert response.status_code == 403


# -------------------------------------------------------------------------------- reports


def write_report(fair: Fair, meeting: Meeting, participant: Participant, **fields: Any) -> None:
    with tenant_scope(fair.event.organization):
        MeetingReport.objects.create(
            organization=fair.event.organization, meeting=meeting, participant=participant, **fields
        )


def test_reports_export_rolls_up_every_report_with_totals(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    write_report(
        fair,
        fair.m1,
        fair.b1,
        held=True,
        consultation_usd=Decimal("1500.00"),
        expected_contract_usd=Decimal("20000.00"),
        outcome=Outcome.PURSUING,
        comment="샘플 요청",
    )
    write_report(fair, fair.m1, fair.s1, held=True, consultation_usd=Decimal("500.50"))
    write_report(fair, fair.m2, fair.b2, held=False)

    response = client_of(organizer).get(fair.url("export/reports.xlsx"))

    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Reports", "Summary"]
    header, *rows = rows_of(workbook["Reports"])
    assert header[:4] == ["Meeting date", "Start (KST)", "End (KST)", "Booth / table"]
    assert [r[1:] for r in rows] == [
        [dt.time(9, 0), dt.time(9, 30), "1", "B001", "Global Trading", "S001", "한국메디칼",
         "Buyer", "Global Trading", "Yes", 1500, 20000, "Pursuing a contract", "샘플 요청"],
        [dt.time(9, 0), dt.time(9, 30), "1", "B001", "Global Trading", "S001", "한국메디칼",
         "Seller", "한국메디칼", "Yes", 500.5, 0, None, None],
        [dt.time(13, 30), dt.time(14, 0), "2", "B002", "Euro Import", "S001", "한국메디칼",
         "Buyer", "Euro Import", "No", 0, 0, None, None],
    ]  # fmt: skip
    summary = {row[0]: row[3:] for row in rows_of(workbook["Summary"])[1:]}
    assert summary == {
        "B001": [2, 1, 1, 0, 1500, 20000],
        "B002": [1, 1, 0, 1, 0, 0],
        "S001": [2, 1, 1, 0, 500.5, 0],
        "S002": [1, 0, 0, 0, 0, 0],
        "Total": [3, 3, 2, 1, 2000.5, 20000],
    }


def test_reports_page_shows_the_totals_and_the_reports(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    write_report(fair, fair.m1, fair.b1, held=True, consultation_usd=Decimal("1500"))
    write_report(fair, fair.m2, fair.b2, held=False)

    response = client_of(organizer).get(fair.url("reports/"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-meetings">3<' in html
    assert 'data-testid="total-reports">2<' in html
    assert 'data-testid="total-held">1<' in html
    assert 'data-testid="total-no-shows">1<' in html
    assert "1,500.00" in html
    assert "2031-03-10</div>09:00–09:30" in html
    assert f'href="/organizer/events/{fair.event.pk}/export/reports.xlsx"' in html


# ------------------------------------------------------------------------------- printing


def test_print_participant_lists_each_slot_with_the_meetings(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    response = client_of(organizer).get(fair.url(f"print/participants/{fair.b1.pk}/"))

    assert response.status_code == 200
    (timetable,) = response.context["timetables"]
    lines = {
        line.starts_at.strftime("%H:%M"): line.booking
        for day in timetable.days
        for line in day.lines
    }
    assert len(lines) == 16  # 09:00-12:00 and 13:00-18:00, every 30 minutes
    assert lines["09:00"] is not None
    assert lines["09:00"].parties[0].company == "한국메디칼"
    assert lines["09:00"].booth == "1"
    assert lines["10:00"] is not None
    assert lines["10:00"].parties[0].company == "서울바이오"
    assert lines["09:30"] is None
    html = response.content.decode()
    assert html.count('data-testid="meeting"') == 2
    assert "2031 수출상담회" in html
    assert "COEX Hall A" in html
    assert "(KST)" in html
    assert "09:00 – 09:30" in html
    assert "@media print" in html
    assert "size: A4" in html
    assert "Draft: the schedule is not published yet" in html


def test_print_all_prints_one_page_per_approved_participant(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    client = client_of(organizer)

    everyone = client.get(fair.url("print/participants/"))
    sellers = client.get(fair.url("print/participants/?side=seller"))

    assert [t.title for t in everyone.context["timetables"]] == [
        "Global Trading",
        "Euro Import",
        "한국메디칼",
        "서울바이오",
    ]
    assert everyone.content.decode().count('data-testid="timetable"') == 4
    assert [t.title for t in sellers.context["timetables"]] == ["한국메디칼", "서울바이오"]
    assert [t.meetings for t in sellers.context["timetables"]] == [2, 1]


def test_print_all_prints_a_big_fair_in_batches(
    client_of: Any, organizer: User, fair: Fair, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views_files, "PRINT_BATCH", 3)
    client = client_of(organizer)

    first = client.get(fair.url("print/participants/"))
    second = client.get(fair.url("print/participants/?page=2"))

    assert [t.title for t in first.context["timetables"]] == [
        "Global Trading",
        "Euro Import",
        "한국메디칼",
    ]
    assert [t.title for t in second.context["timetables"]] == ["서울바이오"]
    assert "Participants 1–3 of 4" in first.content.decode()
    assert "?page=2" in first.content.decode()


def test_print_table_lists_the_meetings_at_that_table(
    client_of: Any, organizer: User, fair: Fair
) -> None:
    client = client_of(organizer)

    response = client.get(fair.url("print/tables/2/"))

    (timetable,) = response.context["timetables"]
    assert timetable.title == "Table 2"
    booked = [line for day in timetable.days for line in day.lines if line.booking]
    assert [
        (line.starts_at.strftime("%H:%M"), [p.company for p in line.booking.parties])
        for line in booked
        if line.booking
    ] == [("13:30", ["Euro Import", "한국메디칼"])]
    assert client.get(fair.url("print/tables/11/")).status_code == 404
    assert client.get(fair.url("print/tables/A/")).status_code == 404


def test_my_timetable_print_waits_for_publication(client_of: Any, fair: Fair) -> None:
    client = client_of(fair.s1.user)

    before = client.get("/mypage/results/print/")
    fair.publish()
    after = client.get("/mypage/results/print/")

    assert before.status_code == 200
    assert before.context["timetables"] == []
    assert 'data-testid="print-notice"' in before.content.decode()
    (timetable,) = after.context["timetables"]
    assert timetable.title == "한국메디칼"
    assert timetable.meetings == 2
    assert after.content.decode().count('data-testid="meeting"') == 2


# ------------------------------------------------------------------------------------ iCal


def feed(fair: Fair, participant: Participant) -> Any:
    return Client().get(f"/fairs/calendar/{participant.calendar_token}.ics")


def events_of(response: Any) -> list[Any]:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_calendar_feed_is_an_empty_calendar_before_publication(fair: Fair) -> None:
    response = feed(fair, fair.b1)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert Calendar.from_ical(response.content)["VERSION"] == "2.0"
    assert events_of(response) == []


def test_calendar_feed_has_one_event_per_published_meeting_in_utc(fair: Fair) -> None:
    fair.publish()

    response = feed(fair, fair.b1)

    events = sorted(events_of(response), key=lambda e: e["DTSTART"].dt)
    assert [(e["DTSTART"].dt, e["DTEND"].dt) for e in events] == [
        (dt.datetime(2031, 3, 10, 0, 0, tzinfo=UTC), dt.datetime(2031, 3, 10, 0, 30, tzinfo=UTC)),
        (dt.datetime(2031, 3, 10, 1, 0, tzinfo=UTC), dt.datetime(2031, 3, 10, 1, 30, tzinfo=UTC)),
    ]
    assert [str(e["UID"]) for e in events] == [
        f"meeting-{fair.m1.pk}@sangdam",
        f"meeting-{fair.m3.pk}@sangdam",
    ]
    with translation.override(fair.b1.user.language):
        summary = gettext("Meeting: %(company)s") % {"company": "한국메디칼"}
        table = gettext("Table %(table)s") % {"table": "1"}
    assert str(events[0]["SUMMARY"]) == summary
    assert str(events[0]["LOCATION"]) == f"COEX Hall A, {table}"
    assert "김민수" in str(events[0]["DESCRIPTION"])
    assert "minsu@example.co.kr" in str(events[0]["DESCRIPTION"])
    # The same meeting keeps its UID in the next download.
    assert sorted(str(e["UID"]) for e in events_of(feed(fair, fair.b1))) == sorted(
        str(e["UID"]) for e in events
    )


def test_calendar_feed_speaks_the_participant_language(fair: Fair) -> None:
    fair.publish()
    User.all_objects.filter(pk=fair.s2.user_id).update(language="en")

    (event,) = events_of(feed(fair, fair.s2))

    assert str(event["SUMMARY"]) == "Meeting: Global Trading"


def test_calendar_feed_with_an_unknown_token_is_not_found(fair: Fair) -> None:
    assert Client().get("/fairs/calendar/not-a-real-token-at-all.ics").status_code == 404
    assert Client().get("/fairs/calendar/x.ics").status_code == 404


def test_my_calendar_downloads_only_my_meetings(client_of: Any, fair: Fair) -> None:
    fair.publish()

    response = client_of(fair.b2.user).get("/mypage/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert [str(e["UID"]) for e in events_of(response)] == [f"meeting-{fair.m2.pk}@sangdam"]


def test_my_calendar_is_for_participants_only(client_of: Any, organizer: User) -> None:
    assert client_of(organizer).get("/mypage/calendar.ics").status_code == 403
