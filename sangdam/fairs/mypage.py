"""What a participant's my-page shows: read-only views of one participant's own event.

Everything here starts from the participant and stays inside its event. Times are shown in a
display zone the caller passes (the participant's chosen zone); days are that zone's dates, so
the calendar, the slot grid and the result list always agree with the times printed beside them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.models import User
from sangdam.core.errors import NotFound
from sangdam.fairs.enums import (
    LIVE_STATUSES,
    Approval,
    Origin,
    RequestStatus,
    Side,
    WaitingReason,
)
from sangdam.fairs.models import (
    Category,
    Event,
    Meeting,
    MeetingReport,
    MeetingRequest,
    Notice,
    Participant,
    Slot,
    Unavailability,
    WaitingPair,
)

WEEKDAY_HEADERS = (_("Su"), _("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"))
# The calendar starts its weeks on Sunday, as the manuals' calendars do.
_CALENDAR = calendar.Calendar(firstweekday=calendar.SUNDAY)


def participation_of(user: User) -> Participant | None:
    """The participant the signed-in account is, with its event; None when not registered."""
    return Participant.objects.filter(user=user).select_related("event").first()


# --------------------------------------------------------------------------------- time labels


def zone_abbreviation(moment: dt.datetime, zone: ZoneInfo) -> str:
    """The zone as the manuals print it: "(KST)"."""
    return f"({moment.astimezone(zone).tzname()})"


def clock(moment: dt.datetime, zone: ZoneInfo) -> str:
    """A slot label as the manuals print it: "9:00", "13:30"."""
    local = moment.astimezone(zone)
    return f"{local.hour}:{local.minute:02d}"


def time_range(slot: Slot, zone: ZoneInfo) -> str:
    """ "2031-03-10 10:00 - 10:30 (KST)" (SPEC MM-35)."""
    starts = slot.starts_at.astimezone(zone)
    ends = slot.ends_at.astimezone(zone)
    return f"{starts:%Y-%m-%d %H:%M} - {ends:%H:%M} {zone_abbreviation(slot.starts_at, zone)}"


def local_day(slot: Slot, zone: ZoneInfo) -> dt.date:
    return slot.starts_at.astimezone(zone).date()


# ------------------------------------------------------------------------------------ calendar


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    in_month: bool
    clickable: bool
    selected: bool
    dots: int

    @property
    def dot_range(self) -> range:
        return range(self.dots)


@dataclass(frozen=True)
class CalendarMonth:
    first: dt.date
    weeks: list[list[CalendarDay]]


def month_calendars(
    days: Iterable[dt.date],
    *,
    selected: dt.date | None = None,
    dots: dict[dt.date, int] | None = None,
) -> list[CalendarMonth]:
    """Month calendars covering ``days``, those days clickable, each with its dot count."""
    clickable = set(days)
    dots = dots or {}
    months = sorted({(d.year, d.month) for d in clickable | set(dots)})
    return [
        CalendarMonth(
            first=dt.date(year, month, 1),
            weeks=[
                [
                    CalendarDay(
                        day=d,
                        in_month=d.month == month,
                        clickable=d.month == month and d in clickable,
                        selected=d.month == month and d == selected,
                        dots=dots.get(d, 0) if d.month == month else 0,
                    )
                    for d in week
                ]
                for week in _CALENDAR.monthdatescalendar(year, month)
            ],
        )
        for year, month in months
    ]


def event_days(event: Event, zone: ZoneInfo) -> list[dt.date]:
    """The dates, in the display zone, on which the event has meeting slots."""
    return sorted({local_day(slot, zone) for slot in Slot.objects.filter(event=event)})


def pick_day(wanted: str, days: Sequence[dt.date], fallback: dt.date | None = None) -> dt.date:
    """The day named in the query string when it is an event day, else the fallback or the
    first event day."""
    try:
        day = dt.date.fromisoformat(wanted)
    except ValueError:
        day = None
    if day in days:
        assert day is not None
        return day
    if fallback is not None and fallback in days:
        return fallback
    return days[0]


# ----------------------------------------------------------------------------------- slot grid


class SlotState(StrEnum):
    """SPEC MM-16: the three states a slot shows."""

    UNAVAILABLE = "unavailable"
    AVAILABLE = "available"
    ARRANGED = "arranged"


@dataclass(frozen=True)
class SlotCell:
    slot: Slot
    label: str
    state: SlotState
    meeting: Meeting | None = None
    counterpart: Participant | None = None
    booth: str = ""


@dataclass(frozen=True)
class DayGrid:
    day: dt.date
    am: list[SlotCell]
    pm: list[SlotCell]

    @property
    def cells(self) -> list[SlotCell]:
        return self.am + self.pm

    @property
    def halves(self) -> list[tuple[str, list[SlotCell]]]:
        return [("AM", self.am), ("PM", self.pm)]


def slots_on(event: Event, day: dt.date, zone: ZoneInfo) -> list[Slot]:
    """The event's slots starting on ``day`` in the display zone, earliest first."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=1)
    return list(
        Slot.objects.filter(event=event, starts_at__gte=start, starts_at__lt=end).order_by(
            "starts_at"
        )
    )


def day_grid(participant: Participant, day: dt.date, zone: ZoneInfo) -> DayGrid:
    """The day's slots split AM / PM with their states (SPEC MM-14, MM-16, MM-33).

    A slot is "arranged" only when a meeting of mine is in it and the schedule is published;
    before publication nobody sees a meeting (MM-01).
    """
    event = participant.event
    slots = slots_on(event, day, zone)
    off = set(
        Unavailability.objects.filter(participant=participant, slot__in=slots).values_list(
            "slot_id", flat=True
        )
    )
    booked: dict[int, Meeting] = {}
    if event.is_published:
        booked = {
            m.slot_id: m
            for m in _my_meetings(participant)
            .filter(slot__in=slots)
            .select_related("buyer", "seller")
        }
    am: list[SlotCell] = []
    pm: list[SlotCell] = []
    for slot in slots:
        meeting = booked.get(slot.pk)
        if meeting is not None:
            cell = SlotCell(
                slot=slot,
                label=clock(slot.starts_at, zone),
                state=SlotState.ARRANGED,
                meeting=meeting,
                counterpart=_other(meeting, participant),
                booth=meeting.booth_label(event),
            )
        else:
            state = SlotState.UNAVAILABLE if slot.pk in off else SlotState.AVAILABLE
            cell = SlotCell(slot=slot, label=clock(slot.starts_at, zone), state=state)
        (am if slot.starts_at.astimezone(zone).hour < 12 else pm).append(cell)
    return DayGrid(day=day, am=am, pm=pm)


# ------------------------------------------------------------------------ requests and meetings


def _my_meetings(participant: Participant) -> QuerySet[Meeting]:
    return Meeting.objects.filter(event=participant.event_id).filter(
        Q(buyer=participant) | Q(seller=participant)
    )


def _other(meeting: Meeting, participant: Participant) -> Participant:
    return meeting.seller if meeting.buyer_id == participant.pk else meeting.buyer


@dataclass(frozen=True)
class RequestRow:
    """One counterpart in the request-status list (SPEC MM-24, MM-25)."""

    counterpart: Participant
    origin: Origin
    mine: MeetingRequest | None
    """My live request, or my request they declined (origin REJECTED)."""
    theirs: MeetingRequest | None
    """Their live request to me."""
    meeting: Meeting | None
    """The pair's meeting, published or not."""
    published: bool
    priority: int | None
    """My priority position, only on my own pending requests (MM-29)."""
    can_change: bool
    """Before the request deadline and without a meeting (MM-34, G-MM-09)."""

    @property
    def confirmed(self) -> bool:
        """The pair has a meeting and the schedule is published."""
        return self.meeting is not None and self.published

    @property
    def can_cancel(self) -> bool:
        return self.can_change and self.origin in (Origin.MUTUAL, Origin.MINE)

    @property
    def can_decide(self) -> bool:
        return self.can_change and self.origin == Origin.THEIRS

    def time_label(self, zone: ZoneInfo) -> str:
        if self.origin == Origin.REJECTED:
            return "-"
        if self.meeting is None or not self.published:
            return "Waiting.."
        return time_range(self.meeting.slot, zone)


_ROW_ORDER = {Origin.MUTUAL: 0, Origin.MINE: 1, Origin.THEIRS: 2, Origin.REJECTED: 3}


@dataclass(frozen=True)
class Pairs:
    """A participant's requests and meetings, read once for the my-page screens."""

    participant: Participant
    rows: list[RequestRow]
    meetings: list[Meeting]
    published: bool

    @property
    def live_rows(self) -> list[RequestRow]:
        return [r for r in self.rows if r.origin != Origin.REJECTED]

    def origin_with(self, counterpart_id: int) -> Origin | None:
        """How the pair reads in the request list; None: no live request (organizer's choice)."""
        for row in self.live_rows:
            if row.counterpart.pk == counterpart_id:
                return row.origin
        return None

    def row_with(self, counterpart_id: int) -> RequestRow | None:
        return next((r for r in self.rows if r.counterpart.pk == counterpart_id), None)


def pairs_of(participant: Participant, now: dt.datetime) -> Pairs:
    """Every counterpart I have a live request with in either direction, plus my requests
    they declined (G-MM-07); requests I declined or cancelled are gone from my list."""
    event = participant.event
    requests = (
        MeetingRequest.objects.filter(event=event)
        .filter(
            Q(requester=participant, status__in=[*LIVE_STATUSES, RequestStatus.REJECTED])
            | Q(recipient=participant, status__in=LIVE_STATUSES)
        )
        .select_related("requester", "recipient")
        .order_by("created_at", "id")
    )
    mine: dict[int, MeetingRequest] = {}
    declined: dict[int, MeetingRequest] = {}
    theirs: dict[int, MeetingRequest] = {}
    companies: dict[int, Participant] = {}
    for request in requests:
        if request.requester_id == participant.pk:
            companies[request.recipient_id] = request.recipient
            target = mine if request.is_live else declined
            target[request.recipient_id] = request
        else:
            companies[request.requester_id] = request.requester
            theirs[request.requester_id] = request
    meetings = list(
        _my_meetings(participant)
        .select_related("slot", "buyer", "seller")
        .order_by("slot__starts_at")
    )
    by_counterpart = {_other(m, participant).pk: m for m in meetings}
    may_change = participant.can_change_requests(event, now)
    published = event.is_published
    mine_pending = sorted(
        (r for cid, r in mine.items() if r.status == RequestStatus.PENDING and cid not in theirs),
        key=lambda r: (r.rank is None, r.rank or 0, r.created_at, r.pk),
    )
    position = {r.pk: i for i, r in enumerate(mine_pending, start=1)}
    rows: list[RequestRow] = []
    for cid, company in companies.items():
        my_live = mine.get(cid)
        their_live = theirs.get(cid)
        if my_live is None and their_live is None:
            origin = Origin.REJECTED
            my_request: MeetingRequest | None = declined[cid]
        else:
            my_request = my_live
            origin = _origin(my_live, their_live)
        meeting = by_counterpart.get(cid)
        rows.append(
            RequestRow(
                counterpart=company,
                origin=origin,
                mine=my_request,
                theirs=their_live,
                meeting=meeting,
                published=published,
                priority=position.get(my_live.pk) if my_live and origin == Origin.MINE else None,
                can_change=may_change and meeting is None and origin != Origin.REJECTED,
            )
        )
    rows.sort(
        key=lambda r: (
            _ROW_ORDER[r.origin],
            r.priority or 0,
            _first_asked(r),
            r.counterpart.pk,
        )
    )
    return Pairs(participant=participant, rows=rows, meetings=meetings, published=published)


def _origin(mine: MeetingRequest | None, theirs: MeetingRequest | None) -> Origin:
    """SPEC MM-25: mutual when both asked or either side accepted the other's request."""
    if mine is not None and theirs is not None:
        return Origin.MUTUAL
    if RequestStatus.ACCEPTED in (getattr(mine, "status", None), getattr(theirs, "status", None)):
        return Origin.MUTUAL
    return Origin.THEIRS if theirs is not None else Origin.MINE


def _first_asked(row: RequestRow) -> dt.datetime:
    times = [r.created_at for r in (row.mine, row.theirs) if r is not None]
    return min(times)


# ------------------------------------------------------------------------------ summary matrix


@dataclass(frozen=True)
class SummaryLine:
    mutual: int = 0
    theirs: int = 0
    mine: int = 0
    by_organizer: int = 0

    @property
    def total(self) -> int:
        return self.mutual + self.theirs + self.mine + self.by_organizer


@dataclass(frozen=True)
class MatchingSummary:
    """SPEC MM-09: confirmed (주선확정) and waiting (주선대기) by who asked."""

    confirmed: SummaryLine
    waiting: SummaryLine


def _line(origins: Iterable[Origin | None]) -> SummaryLine:
    counts: dict[Origin | None, int] = defaultdict(int)
    for origin in origins:
        counts[origin] += 1
    return SummaryLine(
        mutual=counts[Origin.MUTUAL],
        theirs=counts[Origin.THEIRS],
        mine=counts[Origin.MINE],
        by_organizer=counts[None],
    )


def matching_summary(pairs: Pairs) -> MatchingSummary:
    """Confirmed: the rows of the result list; waiting: the other live rows of the request
    list. Before publication everything live is waiting."""
    confirmed = (
        [pairs.origin_with(_other(m, pairs.participant).pk) for m in pairs.meetings]
        if pairs.published
        else []
    )
    waiting = [r.origin for r in pairs.live_rows if not r.confirmed]
    return MatchingSummary(confirmed=_line(confirmed), waiting=_line(waiting))


# -------------------------------------------------------------------------------- result list


@dataclass(frozen=True)
class ResultRow:
    meeting: Meeting
    counterpart: Participant
    origin: Origin | None
    """None: placed by the organizer without a request of either company."""
    time_label: str
    booth: str
    report: MeetingReport | None


@dataclass(frozen=True)
class ResultDay:
    day: dt.date
    rows: list[ResultRow]


def result_days(pairs: Pairs, zone: ZoneInfo) -> list[ResultDay]:
    """The published meetings grouped by date (SPEC MM-35); empty before publication."""
    if not pairs.published:
        return []
    participant = pairs.participant
    event = participant.event
    reports = {
        r.meeting_id: r
        for r in MeetingReport.objects.filter(participant=participant, meeting__in=pairs.meetings)
    }
    grouped: dict[dt.date, list[ResultRow]] = defaultdict(list)
    for meeting in pairs.meetings:
        counterpart = _other(meeting, participant)
        grouped[local_day(meeting.slot, zone)].append(
            ResultRow(
                meeting=meeting,
                counterpart=counterpart,
                origin=pairs.origin_with(counterpart.pk),
                time_label=time_range(meeting.slot, zone),
                booth=meeting.booth_label(event),
                report=reports.get(meeting.pk),
            )
        )
    return [ResultDay(day=day, rows=grouped[day]) for day in sorted(grouped)]


def meeting_dots(days: Sequence[ResultDay]) -> dict[dt.date, int]:
    """SPEC MM-32: one dot per confirmed meeting on its day."""
    return {d.day: len(d.rows) for d in days}


# ------------------------------------------------------------------------------- waiting list


@dataclass(frozen=True)
class WaitingRow:
    counterpart: Participant
    origin: Origin
    reason: WaitingReason


def waiting_rows(pairs: Pairs) -> list[WaitingRow]:
    """My live pairs without a meeting, with the last scheduling run's reason (G-MM-15)."""
    participant = pairs.participant
    rows = [r for r in pairs.live_rows if r.meeting is None]
    if not rows:
        return []
    waiting = WaitingPair.objects.filter(event=participant.event_id)
    if participant.side == Side.BUYER:
        reasons = {w.seller_id: w.reason for w in waiting.filter(buyer=participant)}
    else:
        reasons = {w.buyer_id: w.reason for w in waiting.filter(seller=participant)}
    return [
        WaitingRow(
            counterpart=r.counterpart,
            origin=r.origin,
            reason=WaitingReason(reasons.get(r.counterpart.pk, WaitingReason.NOT_SCHEDULED)),
        )
        for r in rows
    ]


# ----------------------------------------------------------------------------- counterparts


@dataclass(frozen=True)
class CounterpartFilter:
    category_id: int | None = None
    country: str = ""
    company: str = ""


@dataclass(frozen=True)
class Quota:
    """SPEC MM-30, G-MM-05: the requests I may still send."""

    used: int
    quota: int

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def counterparts(participant: Participant, filters: CounterpartFilter) -> QuerySet[Participant]:
    """Approved companies of the other side in my event (SPEC MM-19..21, G-MM-18)."""
    found = (
        Participant.objects.filter(event=participant.event_id, approval=Approval.APPROVED)
        .exclude(side=participant.side)
        .prefetch_related("categories")
        .order_by("company_name", "id")
    )
    if filters.category_id is not None:
        found = found.filter(categories=filters.category_id)
    if filters.country:
        found = found.filter(country=filters.country)
    if filters.company.strip():
        words = filters.company.strip()
        found = found.filter(Q(company_name__icontains=words) | Q(company_name_en__icontains=words))
    return found


def counterpart_countries(participant: Participant) -> list[str]:
    return list(
        Participant.objects.filter(event=participant.event_id, approval=Approval.APPROVED)
        .exclude(side=participant.side)
        .exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )


def event_categories(event: Event) -> QuerySet[Category]:
    return Category.objects.filter(event=event).order_by("name")


def counterpart(participant: Participant, pk: int) -> Participant:
    """One approved company of the other side in my event.

    :raises NotFound: it is not one (another event, my own side, not approved).
    """
    found = counterparts(participant, CounterpartFilter()).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such company among the approved participants of the other side."))
    return found


# ---------------------------------------------------------------------------- meetings, notices


def my_published_meeting(participant: Participant, meeting_id: int) -> Meeting:
    """One of my meetings, once the schedule is published.

    :raises NotFound: not mine, another event's, or not published yet.
    """
    meeting = (
        _my_meetings(participant)
        .filter(pk=meeting_id)
        .select_related("slot", "buyer", "seller")
        .first()
    )
    if meeting is None or not participant.event.is_published:
        raise NotFound(_("No such meeting in your schedule."))
    return meeting


def my_report(participant: Participant, meeting: Meeting) -> MeetingReport | None:
    return MeetingReport.objects.filter(participant=participant, meeting=meeting).first()


def counterpart_of(meeting: Meeting, participant: Participant) -> Participant:
    return _other(meeting, participant)


def notices(participant: Participant) -> QuerySet[Notice]:
    """The message box, newest first (SPEC MM-38, G-MM-13)."""
    return (
        Notice.objects.filter(participant=participant)
        .select_related("counterpart")
        .order_by(F("created_at").desc(), F("id").desc())
    )


def unread_count(participant: Participant) -> int:
    return Notice.objects.filter(participant=participant, read_at__isnull=True).count()


@dataclass(frozen=True)
class ApplicationItem:
    """A row of the application-items table (SPEC MM-07)."""

    label: str
    deadline: dt.datetime
    open: bool
    url_name: str
    action: str


def application_items(participant: Participant, now: dt.datetime) -> list[ApplicationItem]:
    event = participant.event
    return [
        ApplicationItem(
            label=str(_("Participation info")),
            deadline=participant.participation_deadline_for(event),
            open=participant.can_edit_participation(event, now),
            url_name="fairs:participation",
            action=str(_("Done/Edit")),
        ),
        ApplicationItem(
            label=str(_("Meeting request")),
            deadline=participant.request_deadline_for(event),
            open=participant.can_change_requests(event, now),
            url_name="fairs:counterparts",
            action=str(_("Apply for meetings")),
        ),
    ]
