"""Fairs: events, participants, availability, meeting requests, meetings, reports and notices.

Every row carries its organization so that the tenant scope filters it directly. Rules a race
could break (one meeting per participant per slot, one live request per direction per pair, one
meeting per pair, one meeting per table per slot) are database constraints.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_manager
from sangdam.fairs.enums import (
    LIVE_STATUSES,
    UNFINISHED_RUN_STATUSES,
    Approval,
    BuyerType,
    CompanyForm,
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


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    """One consultation fair (상담회) with its timetable, deadlines and policies (SPEC MM-10)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("event name"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    daily_start = models.TimeField(_("daily start"), default=dt.time(9, 0))
    daily_end = models.TimeField(_("daily end"), default=dt.time(18, 0))
    # Breaks every day, as [["12:00", "13:00"], ...] in the event's local time.
    breaks = models.JSONField(_("breaks"), default=list, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    gap_minutes = models.PositiveSmallIntegerField(
        _("time between meetings (minutes)"), default=0, validators=[MaxValueValidator(120)]
    )
    participation_deadline = models.DateTimeField(_("participation-info deadline"))
    request_deadline = models.DateTimeField(_("meeting-request deadline"))
    request_quota = models.PositiveSmallIntegerField(
        _("request quota"), default=30, validators=[MinValueValidator(1)]
    )
    # None: no daily cap beyond the number of slots in a day (SPEC G-MM-04).
    default_daily_cap = models.PositiveSmallIntegerField(
        _("default daily meeting cap"), null=True, blank=True
    )
    # None: no limit beyond the participants themselves.
    tables = models.PositiveIntegerField(
        _("tables / booths"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    host_side = models.CharField(
        _("who hosts at fixed tables"),
        max_length=10,
        choices=HostSide.choices,
        default=HostSide.NONE,
        blank=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Event]] = tenant_manager()

    class Meta:
        verbose_name = _("event")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class EventDay(models.Model):
    """One day of the event on which meetings take place."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[EventDay]] = tenant_manager()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["event", "day"], name="event_day_unique"),
        ]

    def __str__(self) -> str:
        return self.day.isoformat()


class Slot(models.Model):
    """A bookable meeting slot, half-open ``[starts_at, ends_at)``; one meeting takes one slot."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    # The id the schedule-v1 format knows the slot by, e.g. "d1-0900".
    code = models.CharField(_("slot ID"), max_length=64)
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Slot]] = tenant_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="slot_code_unique_in_event"),
            models.UniqueConstraint(fields=["event", "starts_at"], name="slot_start_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_late"),
        ]

    def __str__(self) -> str:
        return self.code


class Category(models.Model):
    """An item or industry category (수입희망 품목 카테고리) participants are filed under."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("category"), max_length=100)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Category]] = tenant_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="category_unique_in_event"),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """A company taking part in one event, signed in through its own account (one per event)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participation"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    # The id the schedule-v1 format and imports know the company by, e.g. "B001".
    code = models.CharField(_("participant ID"), max_length=64)
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.PENDING
    )
    company_name = models.CharField(_("company name"), max_length=200)
    company_name_en = models.CharField(_("company name (English)"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_title = models.CharField(_("contact person's title"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="participants", blank=True
    )
    buyer_type = models.CharField(
        _("buyer type"), max_length=10, choices=BuyerType.choices, blank=True
    )
    company_form = models.CharField(
        _("company form"), max_length=15, choices=CompanyForm.choices, blank=True
    )
    company_form_other = models.CharField(_("company form (other)"), max_length=100, blank=True)
    crm_number = models.CharField(_("CRM registration number"), max_length=50, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    description = models.TextField(_("company introduction"), blank=True)
    # None: the event's default cap applies.
    daily_cap = models.PositiveSmallIntegerField(_("daily meeting cap"), null=True, blank=True)
    # The host's own table or booth when one side hosts at fixed tables.
    booth = models.CharField(_("booth / table"), max_length=20, blank=True)
    participation_deadline = models.DateTimeField(
        _("participation-info deadline (this participant)"), null=True, blank=True
    )
    request_deadline = models.DateTimeField(
        _("meeting-request deadline (this participant)"), null=True, blank=True
    )
    calendar_token = models.CharField(max_length=64, default=_calendar_token, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Participant]] = tenant_manager()

    class Meta:
        verbose_name = _("participant")
        ordering = ["company_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="participant_code_unique"),
        ]
        indexes = [models.Index(fields=["event", "side", "approval", "company_name"])]

    def __str__(self) -> str:
        return self.company_name

    @property
    def side_enum(self) -> Side:
        return Side(self.side)

    @property
    def is_approved(self) -> bool:
        return self.approval == Approval.APPROVED

    def daily_cap_for(self, event: Event) -> int | None:
        return self.daily_cap if self.daily_cap is not None else event.default_daily_cap

    def participation_deadline_for(self, event: Event) -> dt.datetime:
        return self.participation_deadline or event.participation_deadline

    def request_deadline_for(self, event: Event) -> dt.datetime:
        return self.request_deadline or event.request_deadline

    def can_edit_participation(self, event: Event, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.participation_deadline_for(event)

    def can_change_requests(self, event: Event, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.request_deadline_for(event)


class Unavailability(models.Model):
    """A slot the participant switched off; every other slot is available (SPEC MM-18)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="unavailable"
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Unavailability]] = tenant_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "slot"], name="unavailability_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} off {self.slot_id}"


class MeetingRequest(models.Model):
    """A request from one participant to one of the other side (SPEC MM-23..30)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="requests")
    # The id the schedule-v1 format knows the request by; blank: "R" + zero-padded pk.
    code = models.CharField(_("request ID"), max_length=64, blank=True)
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="received")
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    # The requester's own priority (▲▼); lower goes first.
    rank = models.PositiveIntegerField(_("priority"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[MeetingRequest]] = tenant_manager()

    class Meta:
        verbose_name = _("meeting request")
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_request_per_direction",
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="request_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["requester", "status"]),
            models.Index(fields=["recipient", "status"]),
        ]

    def __str__(self) -> str:
        return self.engine_id

    @property
    def engine_id(self) -> str:
        return self.code or f"R{self.pk:09d}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Meeting(models.Model):
    """A scheduled meeting of one buyer and one seller in one slot at one table."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    buyer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    seller = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    klass = models.PositiveSmallIntegerField(_("class"), choices=MeetingClass.choices)
    # Meetings placed by hand are kept as fixed when automatic scheduling runs again.
    placed_by_hand = models.BooleanField(_("placed by hand"), default=False)
    # The table number when tables are assigned per meeting (no host side).
    table_number = models.PositiveIntegerField(_("table"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Meeting]] = tenant_manager()

    class Meta:
        verbose_name = _("meeting")
        ordering = ["slot__starts_at", "table_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "buyer"], name="one_meeting_per_buyer_slot"),
            models.UniqueConstraint(fields=["slot", "seller"], name="one_meeting_per_seller_slot"),
            models.UniqueConstraint(fields=["event", "buyer", "seller"], name="one_meeting_a_pair"),
            models.UniqueConstraint(
                fields=["slot", "table_number"],
                condition=Q(table_number__isnull=False),
                name="one_meeting_per_table_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} / {self.seller} @ {self.slot}"

    def booth_label(self, event: Event) -> str:
        if event.host_side == HostSide.BUYER:
            return self.buyer.booth
        if event.host_side == HostSide.SELLER:
            return self.seller.booth
        return "" if self.table_number is None else str(self.table_number)


class WaitingPair(models.Model):
    """A live pair the last automatic run could not place, with the engine's reason."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waiting")
    buyer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    seller = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    klass = models.PositiveSmallIntegerField(_("class"), choices=MeetingClass.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=WaitingReason.choices)
    # The pair's place in the rule's order, so the waiting list reads as the engine wrote it.
    position = models.PositiveIntegerField(default=0)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[WaitingPair]] = tenant_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "buyer", "seller"], name="waiting_pair_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id}/{self.seller_id} waiting ({self.reason})"


class SchedulingRun(models.Model):
    """One run of automatic scheduling, executed by the worker, with its progress and result."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="runs")
    mode = models.CharField(_("mode"), max_length=10, choices=SchedulingMode.choices)
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The schedule-v1 result stats of the run (meetings, waiting, by_class, seconds, ...).
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[SchedulingRun]] = tenant_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mode} run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED_RUN_STATUSES


class MeetingReport(models.Model):
    """One party's post-meeting report (실적표, SPEC MM-36, G-MM-14)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reports")
    held = models.BooleanField(_("meeting held"))
    consultation_usd = models.DecimalField(
        _("consultation amount (USD)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    expected_contract_usd = models.DecimalField(
        _("expected contract amount (USD)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[MeetingReport]] = tenant_manager()

    class Meta:
        verbose_name = _("meeting report")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_report_a_party"),
        ]

    def __str__(self) -> str:
        return f"report of meeting {self.meeting_id} by {self.participant_id}"


class Notice(models.Model):
    """A message-box entry (나의 메세지함, SPEC MM-38); rendered in the reader's language."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    # The other company the notice is about, or the announcement's text.
    counterpart = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Notice]] = tenant_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["participant", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.participant_id}"
