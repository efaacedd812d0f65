"""Templates, sender settings, the opt-out list, send jobs and their messages (SPEC CC-G, CC-H)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sangdam.core.db import InCodes
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_manager
from sangdam.crm.models import Customer
from sangdam.messaging.enums import (
    WAITING_STATES,
    MessageKind,
    MessageState,
    OptOutSource,
    SkipReason,
)

_WAITING_CODES = [state.value for state in WAITING_STATES]
# The due index's condition; queries repeat it with ``InCodes``, which SQLite needs literally.
_WAITING = Q(state__in=_WAITING_CODES)


class MessageQuerySet(models.QuerySet["Message"]):
    def waiting(self) -> MessageQuerySet:
        return self.filter(InCodes("state", _WAITING_CODES))


class MessagingSettings(models.Model):
    """A tenant's sender identity: the registered number messages come from (G-CC-08)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    # 발신번호: pre-registered with the carrier (발신번호 사전등록제); national digits.
    sender_number = models.CharField(_("sender number"), max_length=20, blank=True)
    # Shown after (광고) in advertising messages.
    sender_name = models.CharField(_("sender name"), max_length=30, blank=True)
    # The free 080 line recipients call to opt out (CC-78); printed in advertising messages.
    opt_out_number = models.CharField(_("080 opt-out number"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[MessagingSettings]] = tenant_manager()

    class Meta:
        verbose_name = _("messaging settings")

    def __str__(self) -> str:
        return self.sender_number


class MessageTemplate(models.Model):
    """템플릿: a message form shared by the tenant's agents (CC-06, G-CC-32)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("template name"), max_length=50)
    body = models.TextField(_("content"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[MessageTemplate]] = tenant_manager()

    class Meta:
        verbose_name = _("message template")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title"], name="message_template_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class OptOutNumber(models.Model):
    """A number on the tenant's 080 opt-out list (CC-78): never sent to, customer or not."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("number"), max_length=20)
    source = models.CharField(_("source"), max_length=10, choices=OptOutSource.choices)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[OptOutNumber]] = tenant_manager()

    class Meta:
        verbose_name = _("opt-out number")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "phone"], name="opt_out_unique_phone")
        ]

    def __str__(self) -> str:
        return self.phone


class SendJob(models.Model):
    """One press of 전송: the composed text and its recipients, sent now or at a set time."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("composed at"), auto_now_add=True)
    # None: 즉시전송. A time: 예약전송 (CC-71).
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sender_number = models.CharField(_("sender number"), max_length=20)
    title = models.CharField(_("title"), max_length=60, blank=True)
    # As written, placeholders unfilled; each message keeps its own filled-in text.
    body = models.TextField(_("content"))
    is_advertising = models.BooleanField(_("advertising"), default=False)
    image = models.FileField(_("image"), upload_to="messaging/%Y/%m/", blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    skipped_count = models.PositiveIntegerField(_("not sent (opted out)"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicate numbers merged"), default=0)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[SendJob]] = tenant_manager()

    class Meta:
        verbose_name = _("send job")
        indexes = [models.Index(fields=["organization", "created_at"], name="messaging_job_made")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.recipient_count}"


class Message(models.Model):
    """One recipient's message: its own filled-in text, type and delivery state (CC-84)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(SendJob, on_delete=models.CASCADE, related_name="messages")
    phone = models.CharField(_("number"), max_length=20)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # messaging_message_customer starts with it
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    kind = models.CharField(_("type"), max_length=3, choices=MessageKind.choices)
    body = models.TextField(_("content"))
    byte_count = models.PositiveIntegerField(_("bytes"))
    state = models.CharField(_("state"), max_length=10, choices=MessageState.choices)
    skip_reason = models.CharField(
        _("why not sent"), max_length=10, choices=SkipReason.choices, blank=True
    )
    # When the sender wanted it sent: the press of 전송 or the scheduled time (history's period).
    requested_at = models.DateTimeField(_("send time"))
    # When the worker may take it: the send time, then each retry's time.
    due_at = models.DateTimeField(_("due at"))
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which worker's batch holds it while CLAIMED or SENDING.
    claim_token = models.CharField(max_length=16, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The gateway's last answer: why it failed or is being retried.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The gateway's own message ID, which its delivery reports quote (SMPP message_id).
    gateway_id = models.CharField(max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    all_objects = models.Manager.from_queryset(MessageQuerySet)()
    objects: ClassVar[MessageQuerySet] = tenant_manager(
        models.Manager.from_queryset(MessageQuerySet)
    )

    class Meta:
        verbose_name = _("message")
        constraints = [
            # A bulk send never sends twice to one number.
            models.UniqueConstraint(fields=["job", "phone"], name="message_once_per_number"),
        ]
        indexes = [
            # The worker's look-up of due messages, over the waiting ones only.
            models.Index(fields=["due_at"], condition=_WAITING, name="messaging_message_due"),
            # Only rows a worker holds have a lease.
            models.Index(
                fields=["claimed_until"],
                condition=Q(claimed_until__isnull=False),
                name="messaging_message_claimed",
            ),
            models.Index(fields=["organization", "requested_at"], name="messaging_message_history"),
            models.Index(fields=["customer", "requested_at"], name="messaging_message_customer"),
            models.Index(fields=["gateway_id"], name="messaging_message_gw"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.state}"
