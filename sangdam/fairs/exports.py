"""What leaves the fair as files: the Excel schedule and reports, printable timetables, iCal.

Every builder reads with a handful of ``values()`` queries, whatever the size of the fair (3,300
participants and 10,000 meetings are the benchmark), and returns plain data the views render.
Times are shown in the event's zone with its label, e.g. "(KST)".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sangdam.core.excel import XLSX_TYPE
from sangdam.fairs.enums import Approval, HostSide, MeetingClass, Outcome, Side, WaitingReason
from sangdam.fairs.models import (
    Event,
    Meeting,
    MeetingReport,
    Participant,
    Slot,
    WaitingPair,
)

UTC = dt.UTC

# ----------------------------------------------------------------------------------- helpers


def zone_label(event: Event) -> str:
    """The event zone's abbreviation as the manuals print it, e.g. "(KST)"."""
    first = (
        Slot.objects.filter(event=event).order_by("starts_at").values_list("starts_at", flat=True)
    ).first()
    at = (first or timezone.now()).astimezone(event.zone)
    return f"({at.tzname()})"


def booth_text(event: Event, booth: str) -> str:
    """ "Booth A-01" or "Table 3" — what the label means depends on who hosts."""
    if not booth:
        return ""
    if event.host_side == HostSide.NONE:
        return _("Table %(table)s") % {"table": booth}
    return _("Booth %(booth)s") % {"booth": booth}


def _booth_of(host_side: str, values: Mapping[str, Any]) -> str:
    if host_side == HostSide.BUYER:
        return str(values["buyer__booth"] or "")
    if host_side == HostSide.SELLER:
        return str(values["seller__booth"] or "")
    number = values["table_number"]
    return "" if number is None else str(number)


def _yes(flag: bool) -> str:
    return _("Yes") if flag else _("No")


# ----------------------------------------------------------------------------- Excel workbooks


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx of several sheets, written streaming (constant memory for 10,000s of rows)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for index, header in enumerate(sheet.headers, start=1):
            wanted = sheet.widths[index - 1] if index <= len(sheet.widths) else 0
            worksheet.column_dimensions[get_column_letter(index)].width = wanted or max(
                10, len(str(header)) * 2 + 2
            )
        worksheet.freeze_panes = "A2"
        worksheet.append([_bold(worksheet, header) for header in sheet.headers])
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(worksheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(worksheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _formatted(worksheet: WriteOnlyWorksheet, value: Any, number_format: str) -> Cell:
    cell = WriteOnlyCell(worksheet, value=value)
    cell.number_format = number_format
    return cell


def _cell(worksheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, dt.time):
        return _formatted(worksheet, value, "hh:mm")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _formatted(worksheet, value, "yyyy-mm-dd")
    if isinstance(value, Decimal):
        return _formatted(worksheet, value, "#,##0.00")
    return value


def xlsx_download(filename: str, content: bytes) -> HttpResponse:
    """Like ``sangdam.core.excel.xlsx_response``, for a workbook of several sheets."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "replace").decode()}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


# ------------------------------------------------------------------------------ the schedule

_PARTY_FIELDS = ("code", "company_name", "country", "booth")
_MEETING_FIELDS = (
    "id",
    "slot_id",
    "slot__starts_at",
    "slot__ends_at",
    "klass",
    "placed_by_hand",
    "table_number",
    "buyer_id",
    "seller_id",
    *(f"buyer__{name}" for name in _PARTY_FIELDS),
    *(f"seller__{name}" for name in _PARTY_FIELDS),
)


def _meetings(event: Event) -> QuerySet[Meeting, dict[str, Any]]:
    rows: QuerySet[Meeting, dict[str, Any]] = (
        Meeting.objects.filter(event=event)
        .order_by("slot__starts_at", "table_number", "buyer__code", "id")
        .values(*_MEETING_FIELDS)
    )
    return rows


def schedule_sheets(event: Event) -> list[Sheet]:
    """The whole schedule (one row per meeting), the waiting pairs, and counts per participant."""
    zone = event.zone
    label = zone_label(event)
    meetings = list(_meetings(event))
    classes = {value: str(text) for value, text in MeetingClass.choices}
    schedule = Sheet(
        title=_("Schedule"),
        headers=[
            _("Meeting date"),
            _("Start %(zone)s") % {"zone": label},
            _("End %(zone)s") % {"zone": label},
            _("Booth / table"),
            _("Buyer ID"),
            _("Buyer company"),
            _("Buyer country"),
            _("Seller ID"),
            _("Seller company"),
            _("Seller country"),
            _("Class"),
            _("Placed by hand"),
        ],
        rows=[
            [
                m["slot__starts_at"].astimezone(zone).date(),
                m["slot__starts_at"].astimezone(zone).time(),
                m["slot__ends_at"].astimezone(zone).time(),
                _booth_of(event.host_side, m),
                m["buyer__code"],
                m["buyer__company_name"],
                m["buyer__country"],
                m["seller__code"],
                m["seller__company_name"],
                m["seller__country"],
                classes.get(m["klass"], ""),
                _yes(m["placed_by_hand"]),
            ]
            for m in meetings
        ],
        widths=[12, 10, 10, 12, 12, 30, 16, 12, 30, 16, 16, 12],
    )
    placed = {(m["buyer_id"], m["seller_id"]) for m in meetings}
    reasons = {value: str(text) for value, text in WaitingReason.choices}
    waiting = Sheet(
        title=_("Waiting"),
        headers=[
            _("No."),
            _("Buyer ID"),
            _("Buyer company"),
            _("Seller ID"),
            _("Seller company"),
            _("Class"),
            _("Reason"),
        ],
        rows=[
            [
                number,
                w["buyer__code"],
                w["buyer__company_name"],
                w["seller__code"],
                w["seller__company_name"],
                classes.get(w["klass"], ""),
                reasons.get(w["reason"], w["reason"]),
            ]
            for number, w in enumerate(
                (
                    w
                    for w in WaitingPair.objects.filter(event=event)
                    .order_by("position", "id")
                    .values(
                        "buyer_id",
                        "seller_id",
                        "buyer__code",
                        "buyer__company_name",
                        "seller__code",
                        "seller__company_name",
                        "klass",
                        "reason",
                    )
                    if (w["buyer_id"], w["seller_id"]) not in placed
                ),
                start=1,
            )
        ],
        widths=[8, 12, 30, 12, 30, 16, 30],
    )
    return [schedule, waiting, _per_participant_sheet(event, meetings)]


def _per_participant_sheet(event: Event, meetings: Sequence[Mapping[str, Any]]) -> Sheet:
    zone = event.zone
    days = list(event.days.order_by("day").values_list("day", flat=True))
    total: Counter[int] = Counter()
    by_class: dict[int, Counter[int]] = defaultdict(Counter)
    by_day: dict[int, Counter[dt.date]] = defaultdict(Counter)
    for m in meetings:
        day = m["slot__starts_at"].astimezone(zone).date()
        for person in (m["buyer_id"], m["seller_id"]):
            total[person] += 1
            by_class[person][m["klass"]] += 1
            by_day[person][day] += 1
    waiting: Counter[int] = Counter()
    for buyer, seller in WaitingPair.objects.filter(event=event).values_list(
        "buyer_id", "seller_id"
    ):
        waiting[buyer] += 1
        waiting[seller] += 1
    sides = {value: str(text) for value, text in Side.choices}
    approvals = {value: str(text) for value, text in Approval.choices}
    people = (
        Participant.objects.filter(event=event)
        .filter(Q(approval=Approval.APPROVED) | Q(pk__in=list(total)))
        .order_by("side", "code")
        .values("id", "code", "side", "company_name", "country", "approval")
    )
    per_day_headers = [f"{day:%Y-%m-%d}" for day in days] if len(days) > 1 else []
    return Sheet(
        title=_("Per participant"),
        headers=[
            _("Participant ID"),
            _("Side"),
            _("Company"),
            _("Country"),
            _("Approval"),
            _("Meetings"),
            str(MeetingClass.MUTUAL.label),
            str(MeetingClass.BUYER.label),
            str(MeetingClass.SELLER.label),
            str(MeetingClass.BY_HAND.label),
            _("Waiting"),
            *per_day_headers,
        ],
        rows=[
            [
                p["code"],
                sides.get(p["side"], p["side"]),
                p["company_name"],
                p["country"],
                approvals.get(p["approval"], p["approval"]),
                total[p["id"]],
                by_class[p["id"]][MeetingClass.MUTUAL],
                by_class[p["id"]][MeetingClass.BUYER],
                by_class[p["id"]][MeetingClass.SELLER],
                by_class[p["id"]][MeetingClass.BY_HAND],
                waiting[p["id"]],
                *(by_day[p["id"]][day] for day in (days if per_day_headers else [])),
            ]
            for p in people
        ],
        widths=[14, 8, 30, 16, 12, 10, 12, 12, 12, 12, 10],
    )


# --------------------------------------------------------------------------- reports (실적표)


@dataclass(frozen=True)
class ReportRow:
    starts_at: dt.datetime
    ends_at: dt.datetime
    booth: str
    buyer_code: str
    buyer_company: str
    seller_code: str
    seller_company: str
    reporter_side: str
    reporter_code: str
    reporter_company: str
    held: bool
    consultation_usd: Decimal
    expected_contract_usd: Decimal
    outcome: str
    comment: str

    @property
    def reporter_side_label(self) -> str:
        return str(Side(self.reporter_side).label) if self.reporter_side in Side.values else ""

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label) if self.outcome in Outcome.values else ""


_REPORT_FIELDS = (
    "meeting__slot__starts_at",
    "meeting__slot__ends_at",
    "meeting__table_number",
    "meeting__buyer__booth",
    "meeting__seller__booth",
    "meeting__buyer__code",
    "meeting__buyer__company_name",
    "meeting__seller__code",
    "meeting__seller__company_name",
    "participant__side",
    "participant__code",
    "participant__company_name",
    "held",
    "consultation_usd",
    "expected_contract_usd",
    "outcome",
    "comment",
)


def report_values(event: Event) -> QuerySet[MeetingReport, dict[str, Any]]:
    """Every report of the event, in meeting order, as values (page it or read it whole)."""
    rows: QuerySet[MeetingReport, dict[str, Any]] = (
        MeetingReport.objects.filter(meeting__event=event)
        .order_by("meeting__slot__starts_at", "meeting__buyer__code", "participant__side", "id")
        .values(*_REPORT_FIELDS)
    )
    return rows


def report_row(event: Event, values: Mapping[str, Any]) -> ReportRow:
    booth = _booth_of(
        event.host_side,
        {
            "buyer__booth": values["meeting__buyer__booth"],
            "seller__booth": values["meeting__seller__booth"],
            "table_number": values["meeting__table_number"],
        },
    )
    return ReportRow(
        starts_at=values["meeting__slot__starts_at"],
        ends_at=values["meeting__slot__ends_at"],
        booth=booth,
        buyer_code=values["meeting__buyer__code"],
        buyer_company=values["meeting__buyer__company_name"],
        seller_code=values["meeting__seller__code"],
        seller_company=values["meeting__seller__company_name"],
        reporter_side=values["participant__side"],
        reporter_code=values["participant__code"],
        reporter_company=values["participant__company_name"],
        held=values["held"],
        consultation_usd=values["consultation_usd"],
        expected_contract_usd=values["expected_contract_usd"],
        outcome=values["outcome"],
        comment=values["comment"],
    )


@dataclass
class ReportTotals:
    """One participant's figures, or the whole event's when ``code`` is empty."""

    code: str = ""
    side: str = ""
    company: str = ""
    meetings: int = 0
    reports: int = 0
    held: int = 0
    no_shows: int = 0
    consultation_usd: Decimal = field(default_factory=Decimal)
    expected_contract_usd: Decimal = field(default_factory=Decimal)

    @property
    def side_label(self) -> str:
        return str(Side(self.side).label) if self.side in Side.values else ""

    @property
    def missing(self) -> int:
        """Reports not (yet) written: each meeting expects one report per party."""
        return max(0, self.meetings * (2 if not self.code else 1) - self.reports)

    def add(self, held: bool, consultation: Decimal, expected: Decimal) -> None:
        self.reports += 1
        self.held += 1 if held else 0
        self.no_shows += 0 if held else 1
        self.consultation_usd += consultation
        self.expected_contract_usd += expected


@dataclass(frozen=True)
class ReportSummary:
    totals: ReportTotals
    participants: list[ReportTotals]


def report_summary(event: Event) -> ReportSummary:
    """Meetings, reports filed, held, no-shows and the sums, per participant and in total."""
    people = {
        p["id"]: ReportTotals(code=p["code"], side=p["side"], company=p["company_name"])
        for p in Participant.objects.filter(event=event)
        .order_by("side", "code")
        .values("id", "code", "side", "company_name")
    }
    totals = ReportTotals()
    for buyer, seller in Meeting.objects.filter(event=event).values_list("buyer_id", "seller_id"):
        totals.meetings += 1
        for person in (buyer, seller):
            if person in people:
                people[person].meetings += 1
    for person, held, consultation, expected in MeetingReport.objects.filter(
        meeting__event=event
    ).values_list("participant_id", "held", "consultation_usd", "expected_contract_usd"):
        totals.add(held, consultation, expected)
        if person in people:
            people[person].add(held, consultation, expected)
    return ReportSummary(
        totals=totals,
        participants=[t for t in people.values() if t.meetings or t.reports],
    )


def report_sheets(event: Event) -> list[Sheet]:
    """The reports roll-up: one row per report, and a summary per participant with totals."""
    zone = event.zone
    label = zone_label(event)
    rows = [report_row(event, values) for values in report_values(event)]
    reports = Sheet(
        title=_("Reports"),
        headers=[
            _("Meeting date"),
            _("Start %(zone)s") % {"zone": label},
            _("End %(zone)s") % {"zone": label},
            _("Booth / table"),
            _("Buyer ID"),
            _("Buyer company"),
            _("Seller ID"),
            _("Seller company"),
            _("Reported by"),
            _("Reporting company"),
            _("Held"),
            _("Consultation (USD)"),
            _("Expected contract (USD)"),
            _("Outcome"),
            _("Comment"),
        ],
        rows=[
            [
                r.starts_at.astimezone(zone).date(),
                r.starts_at.astimezone(zone).time(),
                r.ends_at.astimezone(zone).time(),
                r.booth,
                r.buyer_code,
                r.buyer_company,
                r.seller_code,
                r.seller_company,
                r.reporter_side_label,
                r.reporter_company,
                _yes(r.held),
                r.consultation_usd,
                r.expected_contract_usd,
                r.outcome_label,
                r.comment,
            ]
            for r in rows
        ],
        widths=[12, 10, 10, 12, 12, 28, 12, 28, 10, 28, 8, 18, 20, 18, 40],
    )
    summary = report_summary(event)
    totals = summary.totals
    return [
        reports,
        Sheet(
            title=_("Summary"),
            headers=[
                _("Participant ID"),
                _("Side"),
                _("Company"),
                _("Meetings"),
                _("Reports filed"),
                _("Held"),
                _("No-shows"),
                _("Consultation (USD)"),
                _("Expected contract (USD)"),
            ],
            rows=[
                *(
                    [
                        t.code,
                        t.side_label,
                        t.company,
                        t.meetings,
                        t.reports,
                        t.held,
                        t.no_shows,
                        t.consultation_usd,
                        t.expected_contract_usd,
                    ]
                    for t in summary.participants
                ),
                [
                    _("Total"),
                    "",
                    "",
                    totals.meetings,
                    totals.reports,
                    totals.held,
                    totals.no_shows,
                    totals.consultation_usd,
                    totals.expected_contract_usd,
                ],
            ],
            widths=[14, 8, 30, 10, 14, 8, 10, 20, 22],
        ),
    ]


# ---------------------------------------------------------------------- printable timetables


@dataclass(frozen=True)
class Party:
    code: str
    company: str
    country: str
    side: str

    @property
    def side_label(self) -> str:
        return str(Side(self.side).label) if self.side in Side.values else ""


@dataclass(frozen=True)
class Booking:
    meeting_id: int
    klass: int
    booth: str
    # The counterpart on a participant's timetable; buyer then seller on a table's.
    parties: tuple[Party, ...]

    @property
    def class_label(self) -> str:
        return str(MeetingClass(self.klass).label)


@dataclass(frozen=True)
class Line:
    starts_at: dt.datetime
    ends_at: dt.datetime
    booking: Booking | None


@dataclass(frozen=True)
class Day:
    day: dt.date
    lines: tuple[Line, ...]

    @property
    def meetings(self) -> int:
        return sum(1 for line in self.lines if line.booking)


@dataclass(frozen=True)
class Timetable:
    """One printed page: a participant's or a table's meetings, slot by slot, day by day."""

    title: str
    subtitle: str
    booth: str
    days: tuple[Day, ...]
    participant_id: int | None = None
    contact: str = ""

    @property
    def meetings(self) -> int:
        return sum(day.meetings for day in self.days)


def _slot_days(event: Event) -> list[tuple[dt.date, list[tuple[int, dt.datetime, dt.datetime]]]]:
    zone = event.zone
    days: dict[dt.date, list[tuple[int, dt.datetime, dt.datetime]]] = defaultdict(list)
    for pk, day, starts_at, ends_at in (
        Slot.objects.filter(event=event)
        .order_by("starts_at")
        .values_list("pk", "day", "starts_at", "ends_at")
    ):
        days[day].append((pk, starts_at.astimezone(zone), ends_at.astimezone(zone)))
    return sorted(days.items())


def _party(values: Mapping[str, Any], side: Side) -> Party:
    prefix = f"{side.value}__"
    return Party(
        code=values[prefix + "code"],
        company=values[prefix + "company_name"],
        country=values[prefix + "country"],
        side=side.value,
    )


def _days(
    slot_days: Sequence[tuple[dt.date, list[tuple[int, dt.datetime, dt.datetime]]]],
    bookings: Mapping[int, Booking],
) -> tuple[Day, ...]:
    return tuple(
        Day(
            day=day,
            lines=tuple(Line(starts_at, ends_at, bookings.get(pk)) for pk, starts_at, ends_at in s),
        )
        for day, s in slot_days
    )


def contact_line(values: Mapping[str, Any]) -> str:
    name = " ".join(v for v in (values.get("contact_name"), values.get("contact_title")) if v)
    parts = [name, values.get("contact_email") or "", values.get("contact_phone") or ""]
    return " · ".join(p for p in parts if p)


def printable_participants(event: Event, *, side: Side | None = None) -> list[int]:
    """The approved participants whose timetables "print all" prints, in print order."""
    query = Participant.objects.filter(event=event, approval=Approval.APPROVED)
    if side is not None:
        query = query.filter(side=side)
    return list(query.order_by("side", "code").values_list("pk", flat=True))


def participant_timetables(
    event: Event,
    *,
    participant_ids: Sequence[int] | None = None,
    side: Side | None = None,
    approved_only: bool = True,
) -> list[Timetable]:
    """Timetables of participants (all approved ones by default), in side and ID order."""
    people_query = Participant.objects.filter(event=event)
    if participant_ids is not None:
        people_query = people_query.filter(pk__in=participant_ids)
    if side is not None:
        people_query = people_query.filter(side=side)
    if approved_only:
        people_query = people_query.filter(approval=Approval.APPROVED)
    people = list(
        people_query.order_by("side", "code").values(
            "id",
            "code",
            "side",
            "company_name",
            "booth",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
        )
    )
    meetings = _meetings(event)
    if participant_ids is not None:
        meetings = meetings.filter(
            Q(buyer_id__in=participant_ids) | Q(seller_id__in=participant_ids)
        )
    bookings: dict[int, dict[int, Booking]] = defaultdict(dict)
    for m in meetings:
        booth = _booth_of(event.host_side, m)
        bookings[m["buyer_id"]][m["slot_id"]] = Booking(
            m["id"], m["klass"], booth, (_party(m, Side.SELLER),)
        )
        bookings[m["seller_id"]][m["slot_id"]] = Booking(
            m["id"], m["klass"], booth, (_party(m, Side.BUYER),)
        )
    slot_days = _slot_days(event)
    sides = {value: str(text) for value, text in Side.choices}
    return [
        Timetable(
            title=p["company_name"],
            subtitle=f"{sides.get(p['side'], '')} · {p['code']}",
            booth=p["booth"] if event.host_side == p["side"] else "",
            days=_days(slot_days, bookings.get(p["id"], {})),
            participant_id=p["id"],
            contact=contact_line(p),
        )
        for p in people
    ]


def table_timetable(event: Event, label: str) -> Timetable | None:
    """The meetings at one booth (host-side events) or one table number; None: no such table."""
    meetings = _meetings(event)
    hosts: list[str] = []
    if event.host_side in (HostSide.BUYER, HostSide.SELLER):
        hosts = list(
            Participant.objects.filter(event=event, side=event.host_side, booth=label)
            .order_by("code")
            .values_list("company_name", flat=True)
        )
        if not hosts:
            return None
        meetings = meetings.filter(**{f"{event.host_side}__booth": label})
        title = _("Booth %(booth)s") % {"booth": label}
    else:
        if not label.isdigit():
            return None
        number = int(label)
        meetings = meetings.filter(table_number=number)
        if not (event.tables and 1 <= number <= event.tables) and not meetings.exists():
            return None
        title = _("Table %(table)s") % {"table": number}
    bookings = {
        m["slot_id"]: Booking(
            m["id"],
            m["klass"],
            label,
            (_party(m, Side.BUYER), _party(m, Side.SELLER)),
        )
        for m in meetings
    }
    return Timetable(
        title=title,
        subtitle=", ".join(hosts),
        booth=label,
        days=_days(_slot_days(event), bookings),
    )


# ------------------------------------------------------------------------------------- iCal


def calendar_bytes(participant: Participant) -> bytes:
    """The iCalendar of the participant's published meetings (none before publication).

    Texts are in the participant's language; times are UTC; each meeting keeps one UID.
    """
    event = participant.event
    calendar = Calendar()
    calendar.add("prodid", "-//Sangdam//Fair meetings//KO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{event.name} · {participant.company_name}")
    calendar.add("x-wr-timezone", event.time_zone)
    if event.published_at is not None:
        with translation.override(participant.user.language or "ko"):
            for item in _calendar_events(event, participant, event.published_at):
                calendar.add_component(item)
    return bytes(calendar.to_ical())


def _calendar_events(
    event: Event, participant: Participant, stamp: dt.datetime
) -> Iterable[CalendarEvent]:
    meetings = (
        Meeting.objects.filter(event=event)
        .filter(Q(buyer=participant) | Q(seller=participant))
        .select_related("slot", "buyer", "seller")
        .order_by("slot__starts_at")
    )
    for meeting in meetings:
        other = meeting.seller if meeting.buyer_id == participant.pk else meeting.buyer
        booth = booth_text(event, meeting.booth_label(event))
        item = CalendarEvent()
        item.add("uid", f"meeting-{meeting.pk}@sangdam")
        item.add("dtstamp", stamp.astimezone(UTC))
        item.add("dtstart", meeting.slot.starts_at.astimezone(UTC))
        item.add("dtend", meeting.slot.ends_at.astimezone(UTC))
        item.add("summary", _("Meeting: %(company)s") % {"company": other.company_name})
        item.add("location", ", ".join(part for part in (event.venue, booth) if part))
        contact = contact_line(
            {
                "contact_name": other.contact_name,
                "contact_title": other.contact_title,
                "contact_email": other.contact_email,
                "contact_phone": other.contact_phone,
            }
        )
        lines = [
            event.name,
            f"{other.company_name}"
            + (f" ({other.company_name_en})" if other.company_name_en else "")
            + f" · {other.code}",
            other.country,
            _("Contact: %(contact)s") % {"contact": contact} if contact else "",
            booth,
        ]
        item.add("description", "\n".join(line for line in lines if line))
        item.add("status", "CONFIRMED")
        item.add("transp", "OPAQUE")
        yield item
