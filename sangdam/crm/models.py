"""Customers, consultation types and the consultation / CS ticket records (SPEC CC-A, CC-D..F, CS).

One ``Ticket`` model serves both products: a 상담 of the resident CRM (002) and a CS접수 of
ETS (003) are the same record. Calls, SMS and orders arrive in later apps and point at a
customer and a ticket with their own foreign keys, so these models need no change for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sangdam.core.db import InCodes
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_manager
from sangdam.crm.enums import (
    OPEN_STATUSES,
    CallResult,
    ConsultationResult,
    Direction,
    DuplicatePolicy,
    InflowChannel,
    TicketEventKind,
    TicketStatus,
    UploadState,
)

TYPE_LEVELS = 3
# Foreign keys to users carry no index of their own: accounts are only ever soft-deleted, and
# the queues read the partial indexes below.
# SPEC CS-41 / G-CS-02: a ticket open longer than this is overdue even without a due date.
OVERDUE_AFTER = timedelta(days=3)
_REGISTERED_LIVE = Q(is_draft=False, discarded_at__isnull=True)
_OPEN_CODES = [status.value for status in OPEN_STATUSES]
# The partial indexes' condition; queries say the status part with ``InCodes`` (see there).
_OPEN = Q(status__in=_OPEN_CODES, is_draft=False, discarded_at__isnull=True)


class ConsultationType(models.Model):
    """상담유형: a three-level tree (대/중/소, G-CC-01); names are unique among siblings."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("type name"), max_length=50)
    # "10 배송문의" in 004: an optional code shown before the name.
    code = models.CharField(_("code"), max_length=10, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[ConsultationType]] = tenant_manager()

    class Meta:
        verbose_name = _("consultation type")
        ordering = ["level", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parent", "name"],
                name="consultation_type_unique_among_siblings",
            ),
            # NULL parents are distinct in a unique index, so top-level names need their own.
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(parent__isnull=True),
                name="consultation_type_unique_at_top",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=TYPE_LEVELS),
                name="consultation_type_level_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


class Customer(models.Model):
    """고객정보: a resident (002) or a shop customer (003), with normalized phone numbers."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # 고객ID, e.g. ETS0002002171; empty when the tenant does not use one.
    customer_code = models.CharField(_("customer ID"), max_length=30, blank=True)
    name = models.CharField(_("customer name"), max_length=50)
    # National digits without hyphens ("01012345678"): equal numbers compare equal however typed.
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    apartment = models.CharField(_("apartment (building)"), max_length=50, blank=True)
    block = models.CharField(_("block (dong)"), max_length=20, blank=True)
    unit = models.CharField(_("unit (ho)"), max_length=20, blank=True)
    # None means "undecided" (미정), as the manual's unchecked box.
    move_in_date = models.DateField(_("move-in date"), null=True, blank=True)
    sms_opt_out = models.BooleanField(_("SMS opt-out"), default=False)
    is_vip = models.BooleanField(_("VIP"), default=False)
    needs_caution = models.BooleanField(_("caution"), default=False)
    member_grade = models.CharField(_("member grade"), max_length=30, blank=True)
    memo = models.TextField(_("memo"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[Customer]] = tenant_manager()

    class Meta:
        verbose_name = _("customer")
        indexes = [
            # Name prefixes use this on SQLite; PostgreSQL gets a C-collation twin (migration 0002).
            models.Index(fields=["organization", "name"], name="crm_customer_name"),
            models.Index(fields=["organization", "mobile"], name="crm_customer_mobile"),
            models.Index(fields=["organization", "phone"], name="crm_customer_phone"),
            models.Index(
                fields=["organization", "apartment", "block", "unit"], name="crm_customer_address"
            ),
            models.Index(fields=["organization", "customer_code"], name="crm_customer_code"),
        ]

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The last ticket number given out in an organization (접수번호 are sequential, CS-12)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveBigIntegerField(default=0)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[TicketCounter]] = tenant_manager()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        """Registered and not yet completed: what the work queues and 미완료 lists count."""
        return self.filter(InCodes("status", _OPEN_CODES), _REGISTERED_LIVE)

    def live(self) -> TicketQuerySet:
        """Neither temp-saved nor discarded: what history searches show by default."""
        return self.filter(_REGISTERED_LIVE)

    def open_recalls(self) -> TicketQuerySet:
        return self.filter(
            recall_at__isnull=False, recall_done_at__isnull=True, discarded_at__isnull=True
        ).exclude(is_draft=True)


class Ticket(models.Model):
    """One consultation / CS ticket (상담 / CS접수) with the ETS fields (SPEC CS-10)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveBigIntegerField(_("ticket number"))
    received_at = models.DateTimeField(_("received at"))
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,  # crm_ticket_customer starts with it
    )
    # The name and number as they were when the ticket was taken (고객명, 고객전화번호); a ticket
    # may also be taken for a caller who is not a registered customer.
    customer_name = models.CharField(_("customer name"), max_length=50, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=20, blank=True)
    consultation_type = models.ForeignKey(
        ConsultationType,
        verbose_name=_("consultation type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("inflow channel"), max_length=2, choices=InflowChannel.choices, default="01"
    )
    direction = models.CharField(_("IN/OUT"), max_length=3, choices=Direction.choices, default="IN")
    call_result = models.CharField(
        _("call result"), max_length=1, choices=CallResult.choices, blank=True
    )
    consultation_result = models.CharField(
        _("consultation result"), max_length=1, choices=ConsultationResult.choices, blank=True
    )
    order_number = models.CharField(_("order number"), max_length=30, blank=True)
    product_number = models.CharField(_("product number"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content = models.TextField(_("consultation content"), blank=True)
    admin_memo = models.TextField(_("admin memo"), blank=True)
    due_at = models.DateTimeField(_("due date"), null=True, blank=True)
    recall_at = models.DateTimeField(_("recall time"), null=True, blank=True)
    recall_done_at = models.DateTimeField(_("recall completed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=2, choices=TicketStatus.choices, default="01")
    is_draft = models.BooleanField(_("temp-saved"), default=False)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discard_reason = models.CharField(_("discard reason"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Who made the last transfer, for the 보낸 이관 queue (G-CS-04).
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    # F8 follow-ups point at the ticket they continue.
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("last changed at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    # Optimistic lock: every save checks and bumps it, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(default=1)

    all_objects = models.Manager.from_queryset(TicketQuerySet)()
    objects: ClassVar[TicketQuerySet] = tenant_manager(models.Manager.from_queryset(TicketQuerySet))

    class Meta:
        verbose_name = _("ticket")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="ticket_number_unique_in_organization"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "received_at"], name="crm_ticket_received"),
            models.Index(fields=["customer", "received_at"], name="crm_ticket_customer"),
            # 전체상담 이력 by the number a ticket was taken with (callers without a record too).
            models.Index(
                fields=["organization", "customer_phone", "received_at"], name="crm_ticket_phone"
            ),
            # The work queues and the 미완료 list read only open tickets: small partial indexes.
            models.Index(
                fields=["organization", "assignee", "received_at"],
                condition=_OPEN,
                name="crm_ticket_open_assignee",
            ),
            models.Index(
                fields=["organization", "created_by", "received_at"],
                condition=_OPEN,
                name="crm_ticket_open_creator",
            ),
            models.Index(
                fields=["organization", "transferred_by", "received_at"],
                condition=_OPEN,
                name="crm_ticket_open_sender",
            ),
            models.Index(
                fields=["organization", "received_at"],
                condition=_OPEN,
                name="crm_ticket_open_received",
            ),
            # The 콜백 queue: callbacks handled by me, i.e. assigned to me or, unassigned, mine.
            models.Index(
                F("organization"),
                F("channel"),
                Coalesce("assignee", "created_by"),
                F("received_at"),
                condition=_OPEN,
                name="crm_ticket_open_handler",
            ),
            models.Index(
                fields=["organization", "recall_at"],
                condition=Q(
                    recall_at__isnull=False, recall_done_at__isnull=True, discarded_at__isnull=True
                ),
                name="crm_ticket_open_recall",
            ),
            models.Index(
                fields=["organization", "created_by", "updated_at"],
                condition=Q(is_draft=True, discarded_at__isnull=True),
                name="crm_ticket_drafts",
            ),
            models.Index(
                fields=["organization", "transferred_at"],
                condition=Q(transferred_at__isnull=False),
                name="crm_ticket_transfers",
            ),
        ]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        """접수번호 as ETS shows it: ten digits, zero-padded (0000000198)."""
        return f"{self.number:010d}"

    @property
    def is_open(self) -> bool:
        return self.status in ("01", "03") and not self.is_draft and self.discarded_at is None

    @property
    def is_discarded(self) -> bool:
        return self.discarded_at is not None

    def is_overdue(self, now: datetime) -> bool:
        """Red in the work queues: past its due date, or open more than 3 days (CS-41)."""
        if not self.is_open:
            return False
        if self.due_at is not None and self.due_at < now:
            return True
        return now - self.received_at > OVERDUE_AFTER


class TicketNote(models.Model):
    """A consultation added to an existing case (상담추가, CC-45); the case's first entry is the
    ticket's own content."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    content = models.TextField(_("consultation content"))
    created_at = models.DateTimeField(_("written at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("last changed at"))

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[TicketNote]] = tenant_manager()

    class Meta:
        verbose_name = _("added consultation")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.content[:30]}"


class TicketEvent(models.Model):
    """One line of a ticket's history (이력, CS-13): what happened, who did it, when."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("history type"), max_length=30, choices=TicketEventKind.choices)
    detail = models.CharField(_("history content"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("by"), max_length=100)
    occurred_at = models.DateTimeField(_("time"))

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[TicketEvent]] = tenant_manager()

    class Meta:
        verbose_name = _("ticket history entry")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class CustomerUpload(models.Model):
    """One Excel customer upload (CC-42) from its check to its save, with its progress."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    file_name = models.CharField(_("file"), max_length=200)
    # The stored workbook's random token (never a client-supplied path).
    token = models.CharField(max_length=32)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    first_row = models.PositiveIntegerField(_("first data row"), default=2)
    mapping = models.JSONField(default=dict)
    duplicates = models.CharField(
        _("rows with a registered mobile number"),
        max_length=10,
        choices=DuplicatePolicy.choices,
        default="SKIP",
    )
    keep_good_rows = models.BooleanField(_("keep the good rows"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=UploadState.choices)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    # Rows left out because their number is registered already (DuplicatePolicy.SKIP).
    duplicate_rows = models.PositiveIntegerField(default=0)
    # Rows with errors (duplicates included under DuplicatePolicy.REPORT).
    bad_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # [{"row": 12, "name": "...", "field": "mobile", "message": "...", "left_out": false}]:
    # every problem of every bad row, and why each left-out row was left out.
    problems = models.JSONField(default=list)
    failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[CustomerUpload]] = tenant_manager()

    class Meta:
        verbose_name = _("customer upload")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"
