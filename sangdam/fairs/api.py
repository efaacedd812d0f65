"""API of the fair: participants' requests and availability, organizers' events and schedules."""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sangdam.accounts.access import actor_of
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.fairs import services
from sangdam.fairs.engine_mapping import current_schedule_json
from sangdam.fairs.enums import LIVE_STATUSES, Approval, HostSide, SchedulingMode, Side
from sangdam.fairs.models import (
    Event,
    Meeting,
    MeetingRequest,
    Participant,
    SchedulingRun,
    Slot,
    Unavailability,
)
from sangdam.fairs.timetable import parse_breaks

router = Router(tags=["fairs"])


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _participant(request: HttpRequest) -> Participant:
    user = _user(request)
    if user.role != Role.PARTICIPANT:
        raise PermissionDenied(_("Only fair participants may do this."))
    participant = Participant.objects.filter(user=user).select_related("event").first()
    if participant is None:
        raise NotFound(_("You are not registered for an event."))
    return participant


def _organizer_event(request: HttpRequest, event_id: int) -> Event:
    if _user(request).role != Role.FAIR_ORGANIZER:
        raise PermissionDenied(_("Only fair organizers may do this."))
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("No such event."))
    return event


# ----------------------------------------------------------------------------------------- schemas


class EventOut(Schema):
    id: int
    name: str
    venue: str
    time_zone: str
    days: list[date]
    daily_start: time
    daily_end: time
    breaks: list[list[str]]
    meeting_minutes: int
    gap_minutes: int
    participation_deadline: datetime
    request_deadline: datetime
    request_quota: int
    default_daily_cap: int | None
    tables: int | None
    host_side: str
    published_at: datetime | None
    slots: int

    @staticmethod
    def of(event: Event) -> "EventOut":
        return EventOut(
            id=event.pk,
            name=event.name,
            venue=event.venue,
            time_zone=event.time_zone,
            days=[d.day for d in event.days.all()],
            daily_start=event.daily_start,
            daily_end=event.daily_end,
            breaks=event.breaks,
            meeting_minutes=event.meeting_minutes,
            gap_minutes=event.gap_minutes,
            participation_deadline=event.participation_deadline,
            request_deadline=event.request_deadline,
            request_quota=event.request_quota,
            default_daily_cap=event.default_daily_cap,
            tables=event.tables,
            host_side=event.host_side,
            published_at=event.published_at,
            slots=event.slots.count(),
        )


class EventIn(Schema):
    name: str
    days: list[date] = Field(min_length=1)
    participation_deadline: datetime
    request_deadline: datetime
    venue: str = ""
    time_zone: str = "Asia/Seoul"
    daily_start: time = time(9, 0)
    daily_end: time = time(18, 0)
    breaks: str = Field("", description='Daily breaks, e.g. "12:00-13:00, 15:00-15:15".')
    meeting_minutes: int = 30
    gap_minutes: int = 0
    request_quota: int = 30
    default_daily_cap: int | None = None
    tables: int | None = None
    host_side: HostSide = HostSide.NONE

    def settings(self) -> services.EventSettings:
        try:
            breaks = parse_breaks(self.breaks)
        except ValueError as error:
            raise InvalidInput.single(
                "breaks", _("Cannot read the break %(part)s.") % {"part": error}
            ) from error
        data = self.dict()
        data["breaks"] = breaks
        data["host_side"] = str(self.host_side.value)
        return services.EventSettings(**data)


class ParticipantOut(Schema):
    id: int
    code: str
    side: str
    approval: str
    login_id: str
    company_name: str
    company_name_en: str
    contact_name: str
    contact_email: str
    country: str
    industry: str
    categories: list[str]
    daily_cap: int | None
    booth: str


def _participant_out(p: Participant) -> ParticipantOut:
    return ParticipantOut(
        id=p.pk,
        code=p.code,
        side=p.side,
        approval=p.approval,
        login_id=p.user.username,
        company_name=p.company_name,
        company_name_en=p.company_name_en,
        contact_name=p.contact_name,
        contact_email=p.contact_email,
        country=p.country,
        industry=p.industry,
        categories=[c.name for c in p.categories.all()],
        daily_cap=p.daily_cap,
        booth=p.booth,
    )


class ParticipantIn(Schema):
    side: Side
    code: str
    company_name: str
    login_id: str = ""
    approval: Approval = Approval.PENDING
    company_name_en: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    country: str = ""
    industry: str = ""
    categories: list[str] = []
    buyer_type: str = ""
    company_form: str = ""
    crm_number: str = ""
    daily_cap: int | None = None
    booth: str = ""


class ApprovalIn(Schema):
    participant_ids: list[int]
    approval: Approval


class Changed(Schema):
    changed: int


class RunIn(Schema):
    mode: SchedulingMode = SchedulingMode.GREEDY
    time_limit: int | None = Field(None, description="Seconds, for the optimize mode.")


class RunOut(Schema):
    id: int
    mode: str
    status: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    stats: dict[str, Any]
    error: str


def _run_out(run: SchedulingRun) -> RunOut:
    return RunOut(
        id=run.pk,
        mode=run.mode,
        status=run.status,
        requested_at=run.requested_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        stats=run.stats,
        error=run.error,
    )


class MeetingOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    buyer_id: int
    buyer: str
    seller_id: int
    seller: str
    meeting_class: int
    placed_by_hand: bool
    booth: str


def _meetings_out(event: Event, meetings: Any) -> list[MeetingOut]:
    return [
        MeetingOut(
            id=m.pk,
            starts_at=m.slot.starts_at,
            ends_at=m.slot.ends_at,
            buyer_id=m.buyer_id,
            buyer=m.buyer.company_name,
            seller_id=m.seller_id,
            seller=m.seller.company_name,
            meeting_class=m.klass,
            placed_by_hand=m.placed_by_hand,
            booth=m.booth_label(event),
        )
        for m in meetings.select_related("slot", "buyer", "seller")
    ]


class PlaceIn(Schema):
    buyer_id: int
    seller_id: int
    slot_id: int


class MoveIn(Schema):
    slot_id: int


class SlotOut(Schema):
    id: int
    code: str
    starts_at: datetime
    ends_at: datetime
    available: bool


class AvailabilityIn(Schema):
    slot_ids: list[int] = Field(min_length=1)
    available: bool


class RequestOut(Schema):
    id: int
    requester_id: int
    requester: str
    recipient_id: int
    recipient: str
    status: str
    rank: int | None
    created_at: datetime


class RequestIn(Schema):
    recipient_id: int


class RequestResult(Schema):
    request: RequestOut
    accepted_their_request: bool
    no_common_time: bool


class PriorityIn(Schema):
    up: bool


class MyParticipation(Schema):
    participant: ParticipantOut
    event: EventOut
    requests_used: int
    request_quota: int


def _request_out(r: MeetingRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        requester_id=r.requester_id,
        requester=r.requester.company_name,
        recipient_id=r.recipient_id,
        recipient=r.recipient.company_name,
        status=r.status,
        rank=r.rank,
        created_at=r.created_at,
    )


# ------------------------------------------------------------------------------------- organizer


@router.get("/fairs/events", response=list[EventOut], summary="Events of the organization")
def list_events(request: HttpRequest) -> list[EventOut]:
    if _user(request).role != Role.FAIR_ORGANIZER:
        raise PermissionDenied(_("Only fair organizers may do this."))
    return [EventOut.of(e) for e in Event.objects.prefetch_related("days")]


@router.post("/fairs/events", response={201: EventOut}, summary="Create an event")
def create_event(request: HttpRequest, payload: EventIn) -> Status[Any]:
    if _user(request).role != Role.FAIR_ORGANIZER:
        raise PermissionDenied(_("Only fair organizers may do this."))
    event = services.create_event(actor=actor_of(request), settings=payload.settings())
    return Status(201, EventOut.of(event))


@router.get("/fairs/events/{event_id}", response=EventOut, summary="One event")
def get_event(request: HttpRequest, event_id: int) -> EventOut:
    return EventOut.of(_organizer_event(request, event_id))


@router.put("/fairs/events/{event_id}", response=EventOut, summary="Change an event")
def update_event(request: HttpRequest, event_id: int, payload: EventIn) -> EventOut:
    event = _organizer_event(request, event_id)
    event = services.update_event(actor=actor_of(request), event=event, settings=payload.settings())
    return EventOut.of(event)


@router.get(
    "/fairs/events/{event_id}/participants",
    response=list[ParticipantOut],
    summary="Participants of an event",
)
@paginate(PageNumberPagination, page_size=100)
def list_participants(
    request: HttpRequest, event_id: int, side: Side | None = None, approval: Approval | None = None
) -> list[ParticipantOut]:
    event = _organizer_event(request, event_id)
    people = Participant.objects.filter(event=event).select_related("user")
    if side:
        people = people.filter(side=side)
    if approval:
        people = people.filter(approval=approval)
    return [_participant_out(p) for p in people.prefetch_related("categories")]


@router.post(
    "/fairs/events/{event_id}/participants",
    response={201: ParticipantOut},
    summary="Add a participant",
)
def add_participant(request: HttpRequest, event_id: int, payload: ParticipantIn) -> Status[Any]:
    event = _organizer_event(request, event_id)
    info = services.ParticipationInfo(
        **payload.dict(
            exclude={"side", "code", "login_id", "approval", "daily_cap", "booth"},
        )
    )
    participant = services.add_participant(
        actor=actor_of(request),
        event=event,
        side=payload.side,
        code=payload.code,
        info=info,
        terms=services.ParticipantTerms(daily_cap=payload.daily_cap, booth=payload.booth),
        login_id=payload.login_id,
        approval=payload.approval,
    )
    return Status(201, _participant_out(participant))


@router.post(
    "/fairs/events/{event_id}/participants/approval",
    response=Changed,
    summary="Approve or reject participants",
)
def set_approval(request: HttpRequest, event_id: int, payload: ApprovalIn) -> Changed:
    event = _organizer_event(request, event_id)
    changed = services.set_approval(
        actor=actor_of(request),
        event=event,
        participant_ids=payload.participant_ids,
        approval=payload.approval,
    )
    return Changed(changed=changed)


@router.post(
    "/fairs/events/{event_id}/runs",
    response={202: RunOut},
    summary="Start automatic scheduling (runs in the background)",
)
def start_run(request: HttpRequest, event_id: int, payload: RunIn) -> Status[Any]:
    event = _organizer_event(request, event_id)
    run = services.start_scheduling(
        actor=actor_of(request), event=event, mode=payload.mode, time_limit=payload.time_limit
    )
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.get("/fairs/events/{event_id}/runs/{run_id}", response=RunOut, summary="A scheduling run")
def get_run(request: HttpRequest, event_id: int, run_id: int) -> RunOut:
    event = _organizer_event(request, event_id)
    run = SchedulingRun.objects.filter(event=event, pk=run_id).first()
    if run is None:
        raise NotFound(_("No such run."))
    return _run_out(run)


@router.get("/fairs/events/{event_id}/meetings", response=list[MeetingOut], summary="The schedule")
def list_meetings(request: HttpRequest, event_id: int) -> list[MeetingOut]:
    event = _organizer_event(request, event_id)
    return _meetings_out(event, Meeting.objects.filter(event=event))


@router.post(
    "/fairs/events/{event_id}/meetings",
    response={201: MeetingOut},
    summary="Place a meeting by hand",
)
def place_meeting(request: HttpRequest, event_id: int, payload: PlaceIn) -> Status[Any]:
    event = _organizer_event(request, event_id)
    meeting = services.place_meeting(actor=actor_of(request), event=event, **payload.dict())
    return Status(201, _meetings_out(event, Meeting.objects.filter(pk=meeting.pk))[0])


@router.put(
    "/fairs/events/{event_id}/meetings/{meeting_id}",
    response=MeetingOut,
    summary="Move a meeting to another slot",
)
def move_meeting(request: HttpRequest, event_id: int, meeting_id: int, payload: MoveIn) -> Any:
    event = _organizer_event(request, event_id)
    services.move_meeting(
        actor=actor_of(request), event=event, meeting_id=meeting_id, slot_id=payload.slot_id
    )
    return _meetings_out(event, Meeting.objects.filter(pk=meeting_id))[0]


@router.delete(
    "/fairs/events/{event_id}/meetings/{meeting_id}",
    response={204: None},
    summary="Remove a meeting",
)
def remove_meeting(request: HttpRequest, event_id: int, meeting_id: int) -> Status[Any]:
    event = _organizer_event(request, event_id)
    services.remove_meeting(actor=actor_of(request), event=event, meeting_id=meeting_id)
    return Status(204, None)


class AnnouncementIn(Schema):
    text: str
    side: Side | None = Field(None, description="Only buyers or only sellers; empty for everyone.")


@router.post(
    "/fairs/events/{event_id}/announcements",
    response=Changed,
    summary="Send an announcement to the approved participants",
)
def announce(request: HttpRequest, event_id: int, payload: AnnouncementIn) -> Changed:
    event = _organizer_event(request, event_id)
    sent = services.send_announcement(
        actor=actor_of(request),
        event=event,
        text=payload.text,
        side=payload.side.value if payload.side else "",
    )
    return Changed(changed=sent)


@router.post("/fairs/events/{event_id}/publish", response=EventOut, summary="Publish")
def publish(request: HttpRequest, event_id: int) -> EventOut:
    event = _organizer_event(request, event_id)
    services.publish_schedule(actor=actor_of(request), event=event)
    event.refresh_from_db()
    return EventOut.of(event)


@router.post("/fairs/events/{event_id}/unpublish", response=EventOut, summary="Unpublish")
def unpublish(request: HttpRequest, event_id: int) -> EventOut:
    event = _organizer_event(request, event_id)
    services.unpublish_schedule(actor=actor_of(request), event=event)
    event.refresh_from_db()
    return EventOut.of(event)


@router.get(
    "/fairs/events/{event_id}/schedule-v1",
    summary="The current schedule in the schedule-v1 result format",
    response={200: dict[str, Any]},
)
def export_schedule(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _organizer_event(request, event_id)
    return HttpResponse(current_schedule_json(event), content_type="application/json")


# ----------------------------------------------------------------------------------- participant


@router.get("/fairs/me", response=MyParticipation, summary="My participation")
def my_participation(request: HttpRequest) -> MyParticipation:
    me = _participant(request)
    return MyParticipation(
        participant=_participant_out(me),
        event=EventOut.of(me.event),
        requests_used=services.live_requests_sent(me),
        request_quota=me.event.request_quota,
    )


@router.get("/fairs/me/availability", response=list[SlotOut], summary="My available times")
def my_availability(request: HttpRequest) -> list[SlotOut]:
    me = _participant(request)
    off = set(Unavailability.objects.filter(participant=me).values_list("slot_id", flat=True))
    return [
        SlotOut(id=s.pk, code=s.code, starts_at=s.starts_at, ends_at=s.ends_at,
                available=s.pk not in off)
        for s in Slot.objects.filter(event=me.event)
    ]  # fmt: skip


@router.put("/fairs/me/availability", response=list[SlotOut], summary="Switch times on or off")
def set_my_availability(request: HttpRequest, payload: AvailabilityIn) -> list[SlotOut]:
    me = _participant(request)
    services.set_availability(
        participant=me, slot_ids=payload.slot_ids, available=payload.available
    )
    return my_availability(request)


@router.get("/fairs/me/requests", response=list[RequestOut], summary="Requests sent and received")
def my_requests(request: HttpRequest, live: bool = True) -> list[RequestOut]:
    me = _participant(request)
    requests = MeetingRequest.objects.filter(Q(requester=me) | Q(recipient=me))
    if live:
        requests = requests.filter(status__in=LIVE_STATUSES)
    return [
        _request_out(r)
        for r in requests.select_related("requester", "recipient").order_by("created_at", "id")
    ]


@router.post("/fairs/me/requests", response={201: RequestResult}, summary="Request a meeting")
def send_request(request: HttpRequest, payload: RequestIn) -> Status[Any]:
    me = _participant(request)
    outcome = services.request_meeting(requester=me, recipient_id=payload.recipient_id)
    sent = MeetingRequest.objects.select_related("requester", "recipient").get(
        pk=outcome.request.pk
    )
    return Status(
        201,
        RequestResult(
            request=_request_out(sent),
            accepted_their_request=outcome.accepted_theirs,
            no_common_time=outcome.no_common_time,
        ),
    )


@router.post("/fairs/me/requests/{request_id}/accept", response=RequestOut, summary="Accept")
def accept(request: HttpRequest, request_id: int) -> RequestOut:
    me = _participant(request)
    services.accept_request(participant=me, request_id=request_id)
    return _request_out(MeetingRequest.objects.select_related("requester", "recipient").get(
        pk=request_id
    ))  # fmt: skip


@router.post("/fairs/me/requests/{request_id}/reject", response=RequestOut, summary="Decline")
def reject(request: HttpRequest, request_id: int) -> RequestOut:
    me = _participant(request)
    services.reject_request(participant=me, request_id=request_id)
    return _request_out(MeetingRequest.objects.select_related("requester", "recipient").get(
        pk=request_id
    ))  # fmt: skip


@router.post(
    "/fairs/me/counterparts/{participant_id}/cancel",
    response={204: None},
    summary="Withdraw my side of a pair",
)
def cancel(request: HttpRequest, participant_id: int) -> Status[Any]:
    me = _participant(request)
    services.cancel_request(participant=me, counterpart_id=participant_id)
    return Status(204, None)


@router.post(
    "/fairs/me/requests/{request_id}/priority",
    response=list[RequestOut],
    summary="Move one of my pending requests up or down",
)
def priority(request: HttpRequest, request_id: int, payload: PriorityIn) -> list[RequestOut]:
    me = _participant(request)
    services.move_priority(participant=me, request_id=request_id, up=payload.up)
    return my_requests(request)


@router.get(
    "/fairs/me/meetings",
    response=list[MeetingOut],
    summary="My confirmed meetings (after publication)",
)
def my_meetings(request: HttpRequest) -> list[MeetingOut]:
    me = _participant(request)
    if not me.event.is_published:
        return []
    mine = Meeting.objects.filter(event=me.event).filter(Q(buyer=me) | Q(seller=me))
    return _meetings_out(me.event, mine)
