"""Use cases of the fair: what participants and organizers do, each rule checked here.

Rules that a race could break are also database constraints (see models); the conditional
updates below make two people acting on the same request at once see a clear refusal instead of
a corrupted state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import ParticipantSide, Role, WorkAction, WorkScreen
from sangdam.accounts.models import User, login_id_validator
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.fairs.enums import (
    LIVE_STATUSES,
    UNFINISHED_RUN_STATUSES,
    Approval,
    HostSide,
    MeetingClass,
    NoticeKind,
    Outcome,
    RequestStatus,
    RunStatus,
    SchedulingMode,
    Side,
    WaitingReason,
)
from sangdam.fairs.errors import DeadlinePassed, FairRuleBroken
from sangdam.fairs.models import (
    Category,
    Event,
    EventDay,
    Meeting,
    MeetingReport,
    MeetingRequest,
    Notice,
    Participant,
    SchedulingRun,
    Slot,
    Unavailability,
    WaitingPair,
)
from sangdam.fairs.notify import notify, notify_all
from sangdam.fairs.placement import check_placement
from sangdam.fairs.timetable import plan_slots

# ------------------------------------------------------------------------------- events (organizer)


@dataclass
class EventSettings:
    name: str
    days: list[dt.date]
    participation_deadline: dt.datetime
    request_deadline: dt.datetime
    venue: str = ""
    time_zone: str = "Asia/Seoul"
    daily_start: dt.time = dt.time(9, 0)
    daily_end: dt.time = dt.time(18, 0)
    breaks: list[tuple[dt.time, dt.time]] = field(default_factory=list)
    meeting_minutes: int = 30
    gap_minutes: int = 0
    request_quota: int = 30
    default_daily_cap: int | None = None
    tables: int | None = None
    host_side: str = HostSide.NONE


def create_event(*, actor: Actor, settings: EventSettings) -> Event:
    """Create an event and its meeting slots.

    :raises InvalidInput: a setting is out of range; the message names it.
    """
    with record_work(actor, WorkScreen.FAIRS, WorkAction.CREATE) as work:
        event = Event(organization=actor.user.organization)
        _apply_settings(event, settings)
        event.save()
        _sync_slots(event, settings.days)
        work.detail = f"event {event.pk} {event.name}"
    return event


def update_event(*, actor: Actor, event: Event, settings: EventSettings) -> Event:
    """Change an event; slots that stay the same keep their availability and meetings.

    :raises InvalidInput: a setting is out of range, or a change would drop a slot that already
        holds a meeting.
    """
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk}"
        event = Event.objects.select_for_update().get(pk=event.pk)
        _apply_settings(event, settings)
        event.save()
        _sync_slots(event, settings.days)
    return event


def _apply_settings(event: Event, settings: EventSettings) -> None:
    errors: dict[str, list[str]] = {}
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("Unknown time zone: %(zone)s") % {"zone": settings.time_zone}]
    if not settings.days:
        errors["days"] = [_("Give at least one event day.")]
    if settings.daily_end <= settings.daily_start:
        errors["daily_end"] = [_("The day must end after it starts.")]
    if settings.request_deadline < settings.participation_deadline:
        errors["request_deadline"] = [
            _("The request deadline cannot be before the participation-info deadline.")
        ]
    event.name = settings.name.strip()
    event.venue = settings.venue.strip()
    event.time_zone = settings.time_zone
    event.daily_start = settings.daily_start
    event.daily_end = settings.daily_end
    event.breaks = [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in settings.breaks]
    event.meeting_minutes = settings.meeting_minutes
    event.gap_minutes = settings.gap_minutes
    event.participation_deadline = settings.participation_deadline
    event.request_deadline = settings.request_deadline
    event.request_quota = settings.request_quota
    event.default_daily_cap = settings.default_daily_cap
    event.tables = settings.tables
    event.host_side = settings.host_side
    try:
        event.full_clean(exclude=["organization"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise InvalidInput(errors)


def _sync_slots(event: Event, days: Sequence[dt.date]) -> None:
    planned = plan_slots(
        days=days,
        daily_start=event.daily_start,
        daily_end=event.daily_end,
        breaks=[
            (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            for start, end in event.breaks
        ],
        meeting_minutes=event.meeting_minutes,
        gap_minutes=event.gap_minutes,
        zone=event.zone,
    )
    if not planned:
        raise InvalidInput.single(
            "daily_end", _("No meeting fits between the daily start and end outside the breaks.")
        )
    wanted = {(p.starts_at, p.ends_at): p for p in planned}
    existing = list(Slot.objects.filter(event=event))
    dropped = [s for s in existing if (s.starts_at, s.ends_at) not in wanted]
    if Meeting.objects.filter(slot__in=dropped).exists():
        raise InvalidInput.single(
            "days",
            _(
                "This change would remove meeting times that already hold meetings. "
                "Remove those meetings first."
            ),
        )
    Slot.objects.filter(pk__in=[s.pk for s in dropped]).delete()
    kept = {(s.starts_at, s.ends_at) for s in existing if s not in dropped}
    Slot.objects.bulk_create(
        Slot(
            organization_id=event.organization_id,
            event=event,
            code=p.code,
            day=p.day,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
        )
        for key, p in wanted.items()
        if key not in kept
    )
    EventDay.objects.filter(event=event).exclude(day__in=days).delete()
    present = set(EventDay.objects.filter(event=event).values_list("day", flat=True))
    EventDay.objects.bulk_create(
        EventDay(organization_id=event.organization_id, event=event, day=day)
        for day in sorted(set(days))
        if day not in present
    )


# ------------------------------------------------------------------------ participants (organizer)


@dataclass
class ParticipationInfo:
    """What a participant (or the organizer for them) fills in: company and contact person."""

    company_name: str
    company_name_en: str = ""
    contact_name: str = ""
    contact_title: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    country: str = ""
    industry: str = ""
    categories: list[str] = field(default_factory=list)
    buyer_type: str = ""
    company_form: str = ""
    company_form_other: str = ""
    crm_number: str = ""
    website: str = ""
    description: str = ""


# The participation-info fields stored as text on the participant (categories are a relation).
INFO_FIELDS = tuple(f.name for f in fields(ParticipationInfo) if f.name != "categories")


@dataclass
class ParticipantTerms:
    """What only the organizer sets for a participant."""

    daily_cap: int | None = None
    booth: str = ""
    participation_deadline: dt.datetime | None = None
    request_deadline: dt.datetime | None = None


_LOGIN_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_login_id(event: Event, code: str) -> str:
    """The login ID a participant gets when none is given: the event and the participant ID."""
    return _LOGIN_UNSAFE.sub("_", f"{event.pk}-{code}")[:30]


def add_participant(
    *,
    actor: Actor | None,
    event: Event,
    side: Side | str,
    code: str,
    info: ParticipationInfo,
    terms: ParticipantTerms | None = None,
    login_id: str = "",
    email: str = "",
    approval: Approval = Approval.PENDING,
) -> Participant:
    """Register a company for the event with its own login (no password until invited).

    :raises InvalidInput: a field is malformed, or the participant or login ID is taken.
    """
    if actor is None:
        with transaction.atomic():
            return _add_participant(event, side, code, info, terms, login_id, email, approval)
    with record_work(actor, WorkScreen.FAIRS, WorkAction.CREATE) as work:
        work.detail = f"event {event.pk} participant {code}"
        return _add_participant(event, side, code, info, terms, login_id, email, approval)


def _add_participant(
    event: Event,
    side: Side | str,
    code: str,
    info: ParticipationInfo,
    terms: ParticipantTerms | None,
    login_id: str,
    email: str,
    approval: Approval,
) -> Participant:
    code = code.strip()
    login_id = login_id.strip() or default_login_id(event, code)
    errors: dict[str, list[str]] = {}
    if side not in Side.values:
        errors["side"] = [_("Choose buyer or seller.")]
    if not code:
        errors["code"] = [_("Give the participant an ID.")]
    elif Participant.objects.filter(event=event, code=code).exists():
        errors["code"] = [_("Another participant of this event already has this ID.")]
    try:
        login_id_validator(login_id)
    except ValidationError as error:
        errors["login_id"] = list(error.messages)
    if User.objects.filter(username=login_id, deleted_at__isnull=True).exists():
        errors["login_id"] = [_("This login ID is already taken.")]
    if errors:
        raise InvalidInput(errors)
    user = User(
        organization_id=event.organization_id,
        username=login_id,
        name=info.company_name.strip(),
        email=email or info.contact_email,
        role=Role.PARTICIPANT,
        participant_side=ParticipantSide.BUYER if side == Side.BUYER else ParticipantSide.SELLER,
        time_zone=event.time_zone,
    )
    user.set_unusable_password()
    participant = Participant(
        organization_id=event.organization_id,
        event=event,
        side=side,
        code=code,
        approval=approval,
    )
    _apply_info(participant, info)
    _apply_terms(participant, terms or ParticipantTerms())
    _validate(participant, exclude=["user", "organization", "event"])
    try:
        user.full_clean(exclude=["organization", "password"])
    except ValidationError as error:
        raise InvalidInput(dict(error.message_dict)) from error
    user.save()
    participant.user = user
    participant.save()
    _set_categories(participant, info.categories)
    return participant


def _apply_info(participant: Participant, info: ParticipationInfo) -> None:
    for name in INFO_FIELDS:
        setattr(participant, name, str(getattr(info, name)).strip())
    if participant.company_form != "other":
        participant.company_form_other = ""


def _apply_terms(participant: Participant, terms: ParticipantTerms) -> None:
    participant.daily_cap = terms.daily_cap
    participant.booth = terms.booth.strip()
    participant.participation_deadline = terms.participation_deadline
    participant.request_deadline = terms.request_deadline


def _validate(participant: Participant, *, exclude: list[str]) -> None:
    try:
        participant.full_clean(exclude=[*exclude, "calendar_token"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(dict(error.message_dict)) from error


def _set_categories(participant: Participant, names: Sequence[str]) -> None:
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    existing = {c.name: c for c in Category.objects.filter(event_id=participant.event_id)}
    missing = [n for n in wanted if n not in existing]
    for category in Category.objects.bulk_create(
        Category(organization_id=participant.organization_id, event_id=participant.event_id, name=n)
        for n in missing
    ):
        existing[category.name] = category
    participant.categories.set([existing[n] for n in wanted])


def update_participant(
    *, actor: Actor, participant: Participant, info: ParticipationInfo, terms: ParticipantTerms
) -> Participant:
    """The organizer edits a participant; deadlines do not bind the organizer."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {participant.event_id} participant {participant.code}"
        _apply_info(participant, info)
        _apply_terms(participant, terms)
        _validate(participant, exclude=["user", "organization", "event"])
        participant.save()
        _set_categories(participant, info.categories)
        User.objects.filter(pk=participant.user_id).update(name=participant.company_name)
    return participant


def set_approval(
    *, actor: Actor, event: Event, participant_ids: Sequence[int], approval: Approval
) -> int:
    """Approve or reject participants (SPEC G-MM-10); the approved get a notice."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk} {approval} {len(participant_ids)}"
        changing = list(
            Participant.objects.filter(event=event, pk__in=participant_ids).exclude(
                approval=approval
            )
        )
        Participant.objects.filter(pk__in=[p.pk for p in changing]).update(approval=approval)
        if approval == Approval.APPROVED:
            notify_all(changing, NoticeKind.APPROVED)
    return len(changing)


ANNOUNCEMENT_MAX = 2000


def send_announcement(*, actor: Actor, event: Event, text: str, side: str = "") -> int:
    """An organizer's notice to every approved participant (or one side) of the event, in the
    message box and by e-mail (SPEC G-MM-13); returns how many received it."""
    text = text.strip()
    if not text:
        raise InvalidInput.single("text", _("Write the announcement."))
    if len(text) > ANNOUNCEMENT_MAX:
        raise InvalidInput.single(
            "text", _("Keep the announcement under %(max)d characters.") % {"max": ANNOUNCEMENT_MAX}
        )
    if side and side not in Side.values:
        raise InvalidInput.single("side", _("Choose buyers, sellers or everyone."))
    with record_work(actor, WorkScreen.FAIRS, WorkAction.CREATE) as work:
        audience = Participant.objects.filter(event=event, approval=Approval.APPROVED)
        if side:
            audience = audience.filter(side=side)
        sent = notify_all(audience, NoticeKind.ANNOUNCEMENT, text)
        work.detail = f"event {event.pk} announcement to {sent}"
    return sent


def invite_participants(*, actor: Actor, event: Event, participant_ids: Sequence[int]) -> int:
    """E-mail each participant its login with a fresh initial password, in the background."""
    from sangdam.fairs.tasks import send_invitations  # noqa: PLC0415 -- tasks import services

    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        ids = list(
            Participant.objects.filter(event=event, pk__in=participant_ids)
            .exclude(contact_email="", user__email="")
            .values_list("pk", flat=True)
        )
        work.detail = f"event {event.pk} invitations {len(ids)}"
        if not ids:
            raise SangdamError(_("None of the chosen participants has an e-mail address."))
        transaction.on_commit(
            lambda: send_invitations.enqueue(event_id=event.pk, participant_ids=ids)
        )
    return len(ids)


# ---------------------------------------------------------------------------- participant's side


def update_participation(
    *, participant: Participant, info: ParticipationInfo, now: dt.datetime | None = None
) -> Participant:
    """The participant edits its own company and contact info until the deadline (G-MM-09)."""
    event = participant.event
    if not participant.can_edit_participation(event, now):
        raise DeadlinePassed(_("The participation-info deadline has passed."))
    with transaction.atomic():
        _apply_info(participant, info)
        _validate(participant, exclude=["user", "organization", "event"])
        participant.save()
        _set_categories(participant, info.categories)
        User.objects.filter(pk=participant.user_id).update(name=participant.company_name)
    return participant


def _check_request_deadline(participant: Participant, now: dt.datetime) -> None:
    if not participant.can_change_requests(participant.event, now):
        raise DeadlinePassed(_("The meeting-request deadline has passed."))


def set_availability(
    *,
    participant: Participant,
    slot_ids: Sequence[int],
    available: bool,
    now: dt.datetime | None = None,
) -> None:
    """Switch slots on or off (SPEC MM-15..18); every slot starts available."""
    _check_request_deadline(participant, now or timezone.now())
    slots = list(Slot.objects.filter(event_id=participant.event_id, pk__in=slot_ids))
    if len(slots) != len(set(slot_ids)):
        raise NotFound(_("That meeting time is not part of this event."))
    with transaction.atomic():
        if available:
            Unavailability.objects.filter(participant=participant, slot__in=slots).delete()
            return
        booked = Meeting.objects.filter(slot__in=slots).filter(
            Q(buyer=participant) | Q(seller=participant)
        )
        if booked.exists():
            raise FairRuleBroken(_("A time that holds a meeting cannot be made unavailable."))
        Unavailability.objects.bulk_create(
            (
                Unavailability(
                    organization_id=participant.organization_id, participant=participant, slot=s
                )
                for s in slots
            ),
            ignore_conflicts=True,
        )


@dataclass(frozen=True)
class RequestOutcome:
    request: MeetingRequest
    accepted_theirs: bool
    """True when the counterpart had already asked: their request was accepted instead."""
    no_common_time: bool
    """SPEC G-MM-16: allowed, but the pair has no slot both left available."""


def live_requests_sent(participant: Participant) -> int:
    """The requests that count against the quota (SPEC G-MM-05)."""
    return MeetingRequest.objects.filter(requester=participant, status__in=LIVE_STATUSES).count()


def request_meeting(
    *, requester: Participant, recipient_id: int, now: dt.datetime | None = None
) -> RequestOutcome:
    """Send a meeting request to a company of the other side (SPEC MM-23, MM-30).

    :raises FairRuleBroken: the deadline passed, the quota is used up, the pair already has a
        live request this way, or the counterpart declined before (G-MM-07).
    """
    now = now or timezone.now()
    event = requester.event
    _check_request_deadline(requester, now)
    if not requester.is_approved:
        raise FairRuleBroken(_("Your participation has not been approved yet."))
    recipient = (
        Participant.objects.filter(event=event, pk=recipient_id, approval=Approval.APPROVED)
        .exclude(side=requester.side)
        .first()
    )
    if recipient is None:
        raise NotFound(_("No such company among the approved participants of the other side."))
    with transaction.atomic():
        # Serialises one participant's requests so that two at once cannot pass the quota.
        Participant.objects.select_for_update().filter(pk=requester.pk).first()
        reverse = MeetingRequest.objects.filter(
            requester=recipient, recipient=requester, status=RequestStatus.PENDING
        ).first()
        if reverse is not None:
            _decide(reverse, RequestStatus.ACCEPTED, now)
            notify(recipient, NoticeKind.REQUEST_ACCEPTED, counterpart=requester)
            return RequestOutcome(reverse, True, not _has_common_slot(requester, recipient))
        mine = MeetingRequest.objects.filter(requester=requester, recipient=recipient)
        if mine.filter(status__in=LIVE_STATUSES).exists():
            raise FairRuleBroken(_("You have already requested a meeting with this company."))
        if mine.filter(status=RequestStatus.REJECTED).exists():
            raise FairRuleBroken(_("This company declined your request; you cannot ask again."))
        if MeetingRequest.objects.filter(
            requester=recipient, recipient=requester, status=RequestStatus.ACCEPTED
        ).exists():
            raise FairRuleBroken(_("You have already accepted this company's request."))
        if live_requests_sent(requester) >= event.request_quota:
            raise FairRuleBroken(
                _("You have used all %(quota)d requests.") % {"quota": event.request_quota}
            )
        top = MeetingRequest.objects.filter(requester=requester, status__in=LIVE_STATUSES)
        rank = (top.aggregate(m=Max("rank"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    organization_id=event.organization_id,
                    event=event,
                    requester=requester,
                    recipient=recipient,
                    created_at=now,
                    rank=rank,
                )
        except IntegrityError as error:
            raise FairRuleBroken(
                _("You have already requested a meeting with this company.")
            ) from error
        notify(recipient, NoticeKind.REQUEST_RECEIVED, counterpart=requester)
    return RequestOutcome(request, False, not _has_common_slot(requester, recipient))


def _has_common_slot(a: Participant, b: Participant) -> bool:
    off = Unavailability.objects.filter(participant__in=[a, b]).values("slot")
    return Slot.objects.filter(event_id=a.event_id).exclude(pk__in=off).exists()


def _decide(request: MeetingRequest, status: RequestStatus, now: dt.datetime) -> None:
    changed = MeetingRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
        status=status,
        decided_at=now,
        rank=request.rank if status == RequestStatus.ACCEPTED else None,
    )
    if not changed:
        raise FairRuleBroken(_("This request has changed in the meantime. Reload the page."))
    request.status = status
    request.decided_at = now


def _received(participant: Participant, request_id: int) -> MeetingRequest:
    request = (
        MeetingRequest.objects.filter(pk=request_id, recipient=participant)
        .select_related("requester")
        .first()
    )
    if request is None:
        raise NotFound(_("No such request."))
    return request


def accept_request(
    *, participant: Participant, request_id: int, now: dt.datetime | None = None
) -> MeetingRequest:
    """Accept a request received: the pair becomes mutual (SPEC MM-27)."""
    return _answer(participant, request_id, RequestStatus.ACCEPTED, now)


def reject_request(
    *, participant: Participant, request_id: int, now: dt.datetime | None = None
) -> MeetingRequest:
    """Decline a request received; it is never scheduled and the requester's quota is freed."""
    return _answer(participant, request_id, RequestStatus.REJECTED, now)


def _answer(
    participant: Participant, request_id: int, status: RequestStatus, now: dt.datetime | None
) -> MeetingRequest:
    now = now or timezone.now()
    _check_request_deadline(participant, now)
    request = _received(participant, request_id)
    kind = (
        NoticeKind.REQUEST_ACCEPTED
        if status == RequestStatus.ACCEPTED
        else NoticeKind.REQUEST_REJECTED
    )
    with transaction.atomic():
        _decide(request, status, now)
        notify(request.requester, kind, counterpart=participant)
    return request


def cancel_request(
    *, participant: Participant, counterpart_id: int, now: dt.datetime | None = None
) -> None:
    """Withdraw my side of a pair (SPEC MM-26, G-MM-06).

    My own request is cancelled; if I had accepted theirs, it goes back to waiting for my answer.
    A pair with a meeting cannot be cancelled (MM-34).
    """
    now = now or timezone.now()
    _check_request_deadline(participant, now)
    counterpart = Participant.objects.filter(event=participant.event_id, pk=counterpart_id).first()
    if counterpart is None:
        raise NotFound(_("No such company."))
    buyer, seller = (
        (participant, counterpart) if participant.side == Side.BUYER else (counterpart, participant)
    )
    if Meeting.objects.filter(event=participant.event_id, buyer=buyer, seller=seller).exists():
        raise FairRuleBroken(_("A confirmed meeting cannot be cancelled."))
    with transaction.atomic():
        mine = MeetingRequest.objects.filter(
            requester=participant, recipient=counterpart, status__in=LIVE_STATUSES
        ).update(status=RequestStatus.CANCELLED, decided_at=now, rank=None)
        theirs = MeetingRequest.objects.filter(
            requester=counterpart, recipient=participant, status=RequestStatus.ACCEPTED
        ).update(status=RequestStatus.PENDING, decided_at=None)
        if not mine and not theirs:
            raise FairRuleBroken(_("There is no request of yours to cancel with this company."))
        notify(counterpart, NoticeKind.REQUEST_CANCELLED, counterpart=participant)


def move_priority(
    *, participant: Participant, request_id: int, up: bool, now: dt.datetime | None = None
) -> None:
    """Swap one of my pending requests with its neighbour in my priority order (SPEC MM-29)."""
    _check_request_deadline(participant, now or timezone.now())
    with transaction.atomic():
        live = list(
            MeetingRequest.objects.select_for_update()
            .filter(requester=participant, status__in=LIVE_STATUSES)
            .order_by(F("rank").asc(nulls_last=True), "created_at", "id")
        )
        # Ranks stay distinct over all live requests, as the schedule-v1 format requires.
        for position, request in enumerate(live, start=1):
            request.rank = position
        movable = [r for r in live if r.status == RequestStatus.PENDING and not _is_mutual(r)]
        index = next((i for i, r in enumerate(movable) if r.pk == request_id), None)
        if index is None:
            raise NotFound(_("Only your own pending requests have a priority."))
        other = index - 1 if up else index + 1
        if 0 <= other < len(movable):
            a, b = movable[index], movable[other]
            a.rank, b.rank = b.rank, a.rank
        MeetingRequest.objects.bulk_update(live, ["rank"])


def _is_mutual(request: MeetingRequest) -> bool:
    return MeetingRequest.objects.filter(
        requester=request.recipient_id,
        recipient=request.requester_id,
        status__in=LIVE_STATUSES,
    ).exists()


# ---------------------------------------------------------------------------------------- reports


@dataclass
class ReportFields:
    held: bool
    consultation_usd: Decimal = Decimal(0)
    expected_contract_usd: Decimal = Decimal(0)
    outcome: str = ""
    comment: str = ""


REPORT_EDITABLE_DAYS = 7


def save_report(
    *,
    participant: Participant,
    meeting_id: int,
    fields: ReportFields,
    now: dt.datetime | None = None,
) -> MeetingReport:
    """Write or rewrite my report of a published meeting, until 7 days after the event."""
    now = now or timezone.now()
    event = participant.event
    meeting = (
        Meeting.objects.filter(pk=meeting_id, event=event)
        .filter(Q(buyer=participant) | Q(seller=participant))
        .select_related("slot")
        .first()
    )
    if meeting is None or not event.is_published:
        raise NotFound(_("No such meeting in your schedule."))
    if now < meeting.slot.starts_at:
        raise FairRuleBroken(_("A report can be written once the meeting has started."))
    last_day = event.days.order_by("-day").values_list("day", flat=True).first()
    if last_day and now.astimezone(event.zone).date() > last_day + dt.timedelta(
        days=REPORT_EDITABLE_DAYS
    ):
        raise DeadlinePassed(_("Reports can be changed until 7 days after the event."))
    if fields.outcome and fields.outcome not in Outcome.values:
        raise InvalidInput.single("outcome", _("Choose one of the listed outcomes."))
    report, _created = MeetingReport.objects.get_or_create(
        meeting=meeting,
        participant=participant,
        defaults={"organization_id": participant.organization_id, "held": fields.held},
    )
    report.held = fields.held
    report.consultation_usd = fields.consultation_usd if fields.held else Decimal(0)
    report.expected_contract_usd = fields.expected_contract_usd if fields.held else Decimal(0)
    report.outcome = fields.outcome if fields.held else ""
    report.comment = fields.comment.strip()
    try:
        report.full_clean(exclude=["organization", "meeting", "participant"])
    except ValidationError as error:
        raise InvalidInput(dict(error.message_dict)) from error
    report.save()
    return report


def mark_notices_read(*, participant: Participant, notice_ids: Sequence[int] | None = None) -> int:
    notices = Notice.objects.filter(participant=participant, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())


# -------------------------------------------------------------------- scheduling (organizer side)


def start_scheduling(
    *, actor: Actor, event: Event, mode: SchedulingMode, time_limit: int | None = None
) -> SchedulingRun:
    """Queue automatic scheduling for the worker (SPEC MM-41)."""
    from sangdam.fairs.tasks import run_scheduling  # noqa: PLC0415 -- tasks import services

    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk} schedule {mode}"
        run = create_run(event=event, mode=mode, time_limit=time_limit, requested_by=actor.user)
        transaction.on_commit(lambda: run_scheduling.enqueue(run_id=run.pk))
    return run


def create_run(
    *,
    event: Event,
    mode: SchedulingMode | str,
    time_limit: int | None,
    requested_by: User | None,
) -> SchedulingRun:
    """A queued run, refused while the schedule is published or another run is unfinished."""
    if mode not in SchedulingMode.values:
        raise InvalidInput.single("mode", _("Choose greedy or optimize."))
    if time_limit is not None and not 1 <= time_limit <= 3600:
        raise InvalidInput.single("time_limit", _("Give a time limit of 1 to 3600 seconds."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().filter(pk=event.pk).first()
        if locked is None or locked.is_published:
            raise FairRuleBroken(_("Unpublish the schedule before scheduling again."))
        unfinished = _unfinished_runs(event)
        # A run whose worker died never finishes; after two hours it no longer blocks new runs.
        unfinished.filter(requested_at__lt=timezone.now() - dt.timedelta(hours=2)).update(
            status=RunStatus.FAILED, error="abandoned: the worker did not finish the run"
        )
        if unfinished.exists():
            raise FairRuleBroken(_("Scheduling is already running for this event."))
        return SchedulingRun.objects.create(
            organization_id=event.organization_id,
            event=event,
            mode=mode,
            time_limit=time_limit if mode == SchedulingMode.OPTIMIZE else None,
            requested_by=requested_by,
        )


def _unfinished_runs(event: Event) -> QuerySet[SchedulingRun]:
    return SchedulingRun.objects.filter(event=event, status__in=UNFINISHED_RUN_STATUSES)


def place_meeting(
    *, actor: Actor, event: Event, buyer_id: int, seller_id: int, slot_id: int
) -> Meeting:
    """Place a meeting by hand (SPEC MM-41, MM-43); every rule is checked and the failing one
    named. Meetings placed by hand stay fixed when automatic scheduling runs again."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.CREATE) as work:
        work.detail = f"event {event.pk} meeting {buyer_id}/{seller_id}"
        _lock_unpublished(event)
        plan = check_placement(event, buyer_id, seller_id, slot_id)
        meeting = Meeting(
            organization_id=event.organization_id,
            event=event,
            slot=plan.slot,
            buyer=plan.buyer,
            seller=plan.seller,
            klass=MeetingClass.BY_HAND,
            placed_by_hand=True,
            table_number=plan.table_number,
        )
        _save_meeting(meeting)
        WaitingPair.objects.filter(event=event, buyer=plan.buyer, seller=plan.seller).delete()
    return meeting


def move_meeting(*, actor: Actor, event: Event, meeting_id: int, slot_id: int) -> Meeting:
    """Move a meeting to another slot; it becomes a meeting placed by hand."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk} meeting {meeting_id} to slot {slot_id}"
        _lock_unpublished(event)
        meeting = Meeting.objects.filter(event=event, pk=meeting_id).first()
        if meeting is None:
            raise NotFound(_("No such meeting."))
        plan = check_placement(
            event, meeting.buyer_id, meeting.seller_id, slot_id, ignore_meeting=meeting
        )
        meeting.slot = plan.slot
        meeting.table_number = plan.table_number
        meeting.placed_by_hand = True
        _save_meeting(meeting)
    return meeting


def _save_meeting(meeting: Meeting) -> None:
    """Save a placement; a constraint broken by a concurrent placement becomes a clear refusal."""
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        raise FairRuleBroken(
            _("Someone else changed this schedule at the same time. Reload and try again.")
        ) from error


def remove_meeting(*, actor: Actor, event: Event, meeting_id: int) -> None:
    """Take a meeting out of the schedule; a pair with live requests goes back to the waiting
    list ("not scheduled yet") until the next run or a placement by hand."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.DELETE) as work:
        work.detail = f"event {event.pk} meeting {meeting_id}"
        _lock_unpublished(event)
        meeting = Meeting.objects.filter(event=event, pk=meeting_id).first()
        if meeting is None:
            raise NotFound(_("No such meeting."))
        meeting.delete()
        pair_class = _pair_class(meeting.buyer_id, meeting.seller_id)
        if pair_class is not None:
            last = WaitingPair.objects.filter(event=event).aggregate(m=Max("position"))["m"]
            WaitingPair.objects.get_or_create(
                event=event,
                buyer_id=meeting.buyer_id,
                seller_id=meeting.seller_id,
                defaults={
                    "organization_id": event.organization_id,
                    "klass": pair_class,
                    "reason": WaitingReason.NOT_SCHEDULED,
                    "position": (last or 0) + 1,
                },
            )


def _pair_class(buyer_id: int, seller_id: int) -> MeetingClass | None:
    """The class the engine would give the pair's live requests; None without live requests."""
    live = list(
        MeetingRequest.objects.filter(
            Q(requester=buyer_id, recipient=seller_id) | Q(requester=seller_id, recipient=buyer_id),
            status__in=LIVE_STATUSES,
        ).values_list("requester_id", "status")
    )
    if not live:
        return None
    if len(live) == 2 or live[0][1] == RequestStatus.ACCEPTED:
        return MeetingClass.MUTUAL
    return MeetingClass.BUYER if live[0][0] == buyer_id else MeetingClass.SELLER


def _lock_unpublished(event: Event) -> None:
    locked = Event.objects.select_for_update().filter(pk=event.pk).first()
    if locked is None or locked.is_published:
        raise FairRuleBroken(_("Unpublish the schedule before changing it."))


def publish_schedule(*, actor: Actor, event: Event) -> int:
    """Publish: participants see their meetings at once and get a notice and e-mail (MM-01)."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk} publish"
        Event.objects.select_for_update().filter(pk=event.pk).first()
        if _unfinished_runs(event).exists():
            raise FairRuleBroken(_("Wait until the scheduling run has finished."))
        changed = Event.objects.filter(pk=event.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        if not changed:
            raise FairRuleBroken(_("The schedule is already published."))
        participants = Participant.objects.filter(event=event, approval=Approval.APPROVED)
        return notify_all(participants, NoticeKind.SCHEDULE_PUBLISHED)


def unpublish_schedule(*, actor: Actor, event: Event) -> None:
    """Hide the results from participants again so the organizer can change the schedule."""
    with record_work(actor, WorkScreen.FAIRS, WorkAction.UPDATE) as work:
        work.detail = f"event {event.pk} unpublish"
        if not Event.objects.filter(pk=event.pk, published_at__isnull=False).update(
            published_at=None
        ):
            raise FairRuleBroken(_("The schedule is not published."))
