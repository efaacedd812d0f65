"""Composing, queuing, sending and reporting messages (SPEC CC-63..78, CC-84, CC-85).

``send_messages`` turns one press of 전송 into a job and one row per recipient, in one
transaction. The worker then moves each row through the states of ``MessageState`` with
conditional updates, so that two workers never take the same row and a restarted worker never
loses or repeats one:

* due rows are CLAIMED in small batches under a lease;
* each row is marked SENDING just before the gateway gets it, and SENT (or QUEUED for a retry,
  or FAILED) just after;
* after a crash, CLAIMED rows whose lease ran out go back to the queue (the gateway never saw
  them) and SENDING ones are failed as "interrupted" rather than sent twice (the gateway may
  have taken them; a delivery report that quotes them still marks them delivered).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sangdam.accounts.audit import Actor
from sangdam.core.bulk import db_value, insert_values
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.models import Organization
from sangdam.messaging import text
from sangdam.messaging.enums import AWAITING_REPORT_STATES, WAITING_STATES, MessageState
from sangdam.messaging.gateways import supports_mms
from sangdam.messaging.gateways.base import (
    DeliveryReport,
    Gateway,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)
from sangdam.messaging.models import Message, MessagingSettings, SendJob
from sangdam.messaging.recipients import Recipient, Resolution, Resolved, resolve

# SPEC G-CC-07: at least 10 minutes ahead, at most 30 days, in 5-minute steps.
SCHEDULE_LEAD = timedelta(minutes=10)
SCHEDULE_HORIZON = timedelta(days=30)
SCHEDULE_STEP_MINUTES = 5
# 정보통신망법 제50조: advertising at night needs a separate consent we do not record.
AD_QUIET_HOURS = (21, 8)
# After each failed hand-over the message waits longer; then it fails for good.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_BATCH = 50
HISTORY_REACH_DAYS = 365  # CC-80: one year back


class MessagingRefused(SangdamError):
    """The message cannot be sent as composed; the message says why."""


def zone_of(organization: Organization) -> ZoneInfo:
    return ZoneInfo(organization.time_zone or settings.TIME_ZONE)


def settings_of(organization: Organization) -> MessagingSettings:
    found, _created = MessagingSettings.all_objects.get_or_create(organization=organization)
    return found


# ----------------------------------------------------------------------------------- composing


@dataclass(frozen=True)
class Image:
    name: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """What the composer sends: the text, its recipients and when."""

    recipients: Sequence[Recipient]
    body: str
    title: str = ""
    image: Image | None = None
    scheduled_at: datetime | None = None
    is_advertising: bool = False


@dataclass(frozen=True)
class Sample:
    """The first sendable recipient's message as it will be sent."""

    recipient: Resolved
    body: str
    byte_count: int
    kind: str


@dataclass
class Preview:
    """What a send would do, before it is done: the composer's summary (CC-77)."""

    resolution: Resolution
    kinds: dict[str, int] = field(default_factory=dict)
    nameless: list[Resolved] = field(default_factory=list)  # {고객명} stays empty (G-CC-06)
    sample: Sample | None = None


def date_text(moment: datetime, zone: ZoneInfo) -> str:
    """{오늘날짜}: the send date in the tenant's zone, YYYY-MM-DD (G-CC-06)."""
    return moment.astimezone(zone).date().isoformat()


def _unified(body: str) -> str:
    """The body with the line breaks a browser posts (CR LF) as the one byte handsets count."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def _check_draft(draft: Draft, profile: MessagingSettings, *, now: datetime, zone: ZoneInfo) -> str:
    """The body as it will be sent (line breaks unified); every problem named by field."""
    errors: dict[str, list[str]] = {}
    body = _unified(draft.body)
    size = text.byte_length(body)
    if not body.strip():
        errors["body"] = [_("Write the message.")]
    elif size > text.LMS_MAX_BYTES:
        errors["body"] = [
            _("The message is %(count)s bytes; at most %(limit)s bytes can be sent.")
            % {"count": f"{size:,}", "limit": f"{text.LMS_MAX_BYTES:,}"}
        ]
    if text.byte_length(draft.title) > text.TITLE_MAX_BYTES:
        errors["title"] = [
            _("The title may have at most %(limit)s bytes.") % {"limit": text.TITLE_MAX_BYTES}
        ]
    if draft.image is not None:
        if not text.is_jpeg(draft.image.data):
            errors["image"] = [_("Only JPG images can be sent as MMS.")]
        elif len(draft.image.data) > text.MMS_IMAGE_MAX_BYTES:
            errors["image"] = [
                _("The image is %(size)s KB; an MMS image may have at most %(limit)s KB.")
                % {
                    "size": f"{-(-len(draft.image.data) // 1024):,}",
                    "limit": text.MMS_IMAGE_MAX_BYTES // 1024,
                }
            ]
    if draft.scheduled_at is not None:
        problem = schedule_problem(draft.scheduled_at, now=now)
        if problem:
            errors["scheduled_at"] = [problem]
    if not profile.sender_number:
        errors[""] = [
            _("No sender number is registered. An administrator sets it in SMS settings.")
        ]
    if draft.is_advertising:
        errors.update(_advertising_problems(body, draft, profile, now=now, zone=zone))
    if not draft.recipients:
        errors["recipients"] = [_("Add at least one recipient.")]
    if errors:
        raise InvalidInput(errors)
    return body


def schedule_problem(moment: datetime, *, now: datetime) -> str:
    if moment <= now:
        return _("The scheduled time has passed. Choose a time in the future.")
    if moment < now + SCHEDULE_LEAD:
        return _("Schedule at least %(minutes)s minutes ahead.") % {
            "minutes": int(SCHEDULE_LEAD.total_seconds() // 60)
        }
    if moment > now + SCHEDULE_HORIZON:
        return _("Schedule at most %(days)s days ahead.") % {"days": SCHEDULE_HORIZON.days}
    if moment.minute % SCHEDULE_STEP_MINUTES or moment.second or moment.microsecond:
        return _("Choose a time in steps of %(minutes)s minutes.") % {
            "minutes": SCHEDULE_STEP_MINUTES
        }
    return ""


def _advertising_problems(
    body: str, draft: Draft, profile: MessagingSettings, *, now: datetime, zone: ZoneInfo
) -> dict[str, list[str]]:
    problems: list[str] = []
    if not body.lstrip().startswith(text.AD_PREFIX):
        problems.append(_("An advertising message must begin with (광고)."))
    if not profile.opt_out_number:
        problems.append(
            _("Advertising needs the free 080 opt-out number; an administrator sets it.")
        )
    elif profile.opt_out_number not in body.replace("-", ""):
        problems.append(_("An advertising message must show the free opt-out number."))
    hour = (draft.scheduled_at or now).astimezone(zone).hour
    start, end = AD_QUIET_HOURS
    if hour >= start or hour < end:
        problems.append(
            _("Advertising cannot be sent between 21:00 and 08:00 without separate consent.")
        )
    return {"body": problems} if problems else {}


def check_draft(draft: Draft, *, organization: Organization, now: datetime | None = None) -> None:
    """The rules ``send_messages`` checks before looking at recipients, for the preview.

    :raises InvalidInput: naming each field at fault.
    """
    now = now or timezone.now()
    _check_draft(draft, settings_of(organization), now=now, zone=zone_of(organization))


def preview(draft: Draft, *, organization: Organization, now: datetime | None = None) -> Preview:
    """How many recipients get which type, who is dropped and why, and the first message."""
    now = now or timezone.now()
    body = _unified(draft.body)
    resolution = resolve(draft.recipients)
    result = Preview(resolution)
    day = date_text(draft.scheduled_at or now, zone_of(organization))
    names_needed = text.NAME_PLACEHOLDER in body
    for recipient in resolution.sendable:
        rendered = text.render_for(
            body, name=recipient.name, date_text=day, has_image=draft.image is not None
        )
        result.kinds[rendered.kind] = result.kinds.get(rendered.kind, 0) + 1
        if result.sample is None:
            result.sample = Sample(recipient, rendered.body, rendered.byte_count, rendered.kind)
        if names_needed and not recipient.name:
            result.nameless.append(recipient)
    return result


def send_messages(
    *,
    actor: Actor,
    draft: Draft,
    gateway_supports_mms: bool | None = None,
    now: datetime | None = None,
) -> SendJob:
    """전송: store the job and every recipient's message; the worker sends them.

    ``gateway_supports_mms`` defaults to what the configured gateway can do.

    Opted-out recipients are stored too, as SKIPPED with the reason, so the history shows who
    was left out (CC-77, CC-78).

    :raises InvalidInput: naming the field (body, title, image, scheduled_at, recipients).
    """
    now = now or timezone.now()
    organization = actor.user.organization
    assert organization is not None
    zone = zone_of(organization)
    profile = settings_of(organization)
    body = _check_draft(draft, profile, now=now, zone=zone)
    if gateway_supports_mms is None:
        gateway_supports_mms = supports_mms()
    if draft.image is not None and not gateway_supports_mms:
        raise InvalidInput.single(
            "image", _("The SMS gateway in use cannot send MMS. Remove the image to send.")
        )
    resolution = resolve(draft.recipients)
    send_at = draft.scheduled_at or now
    day = date_text(send_at, zone)
    has_image = draft.image is not None
    state = MessageState.SCHEDULED if draft.scheduled_at else MessageState.QUEUED
    title = draft.title.strip()

    too_long: list[str] = []
    rendered_rows: list[tuple[Resolved, text.Rendered, str, str]] = []
    for recipient in resolution.sendable:
        rendered = text.render_for(body, name=recipient.name, date_text=day, has_image=has_image)
        if rendered.byte_count > text.LMS_MAX_BYTES:
            too_long.append(recipient.name or recipient.phone)
        rendered_rows.append((recipient, rendered, state, ""))
    if too_long:
        raise InvalidInput.single(
            "body",
            _("With the names filled in, the message is over %(limit)s bytes for: %(names)s")
            % {"limit": f"{text.LMS_MAX_BYTES:,}", "names": ", ".join(too_long[:5])},
        )
    for recipient in resolution.skipped:
        rendered = text.render_for(body, name=recipient.name, date_text=day, has_image=has_image)
        rendered_rows.append((recipient, rendered, MessageState.SKIPPED, recipient.skip_reason))
    with transaction.atomic():
        job = SendJob(
            organization=organization,
            created_by=actor.user,
            scheduled_at=draft.scheduled_at,
            sender_number=profile.sender_number,
            title=title,
            body=body,
            is_advertising=draft.is_advertising,
            recipient_count=len(resolution.sendable),
            skipped_count=len(resolution.skipped),
            duplicate_count=resolution.duplicates,
        )
        if draft.image is not None:
            job.image.save(draft.image.name, ContentFile(draft.image.data), save=False)
        job.save()
        _store_messages(job, rendered_rows, send_at)
        if draft.scheduled_at is None and resolution.sendable:
            transaction.on_commit(_start_dispatch)
    return job


_MESSAGE_COLUMNS = (
    "organization_id",
    "job_id",
    "phone",
    "customer_id",
    "name",
    "kind",
    "body",
    "byte_count",
    "state",
    "skip_reason",
    "requested_at",
    "due_at",
    "claimed_until",
    "claim_token",
    "attempts",
    "reason",
    "gateway_id",
    "sent_at",
    "reported_at",
    "cancelled_at",
)


def _store_messages(
    job: SendJob, rows: Sequence[tuple[Resolved, text.Rendered, str, str]], send_at: datetime
) -> None:
    """One row per recipient, through one prepared INSERT (100,000 rows in seconds)."""
    at = db_value(Message, "requested_at", send_at)
    insert_values(
        Message,
        _MESSAGE_COLUMNS,
        (
            (
                job.organization_id,
                job.pk,
                recipient.phone,
                recipient.customer_id,
                recipient.name,
                rendered.kind.value,
                rendered.body,
                rendered.byte_count,
                state,
                skip_reason,
                at,
                at,
                None,
                "",
                0,
                "",
                "",
                None,
                None,
                None,
            )
            for recipient, rendered, state, skip_reason in rows
        ),
    )


def _start_dispatch() -> None:
    from sangdam.messaging.tasks import dispatch_messages  # noqa: PLC0415 -- tasks import us

    dispatch_messages.enqueue()


# ------------------------------------------------------------------------------------ progress


@dataclass(frozen=True)
class Progress:
    total: int
    waiting: int
    sending: int
    sent: int
    delivered: int
    failed: int
    cancelled: int
    skipped: int

    @property
    def done(self) -> int:
        return self.sent + self.delivered + self.failed + self.cancelled

    @property
    def finished(self) -> bool:
        return self.waiting == 0 and self.sending == 0


def progress_of(job: SendJob) -> Progress:
    counts = dict(Message.all_objects.filter(job=job).values_list("state").annotate(n=Count("pk")))
    state = MessageState
    return Progress(
        total=sum(counts.values()),
        waiting=sum(counts.get(waiting, 0) for waiting in WAITING_STATES),
        sending=counts.get(state.CLAIMED, 0) + counts.get(state.SENDING, 0),
        sent=counts.get(state.SENT, 0),
        delivered=counts.get(state.DELIVERED, 0),
        failed=counts.get(state.FAILED, 0),
        cancelled=counts.get(state.CANCELLED, 0),
        skipped=counts.get(state.SKIPPED, 0),
    )


# ---------------------------------------------------------------------------- scheduled (CC-85)


def scheduled_messages() -> QuerySet[Message]:
    return (
        Message.objects.filter(state=MessageState.SCHEDULED)
        .select_related("job", "job__created_by")
        .order_by("due_at", "pk")
    )


def cancel_scheduled(
    *, actor: Actor, message_ids: Sequence[int], now: datetime | None = None
) -> int:
    """Cancel the ticked reservations that have not been taken by the worker yet.

    :raises MessagingRefused: when none of them could be cancelled any more.
    """
    if not message_ids:
        raise MessagingRefused(_("Tick the scheduled messages to cancel."))
    now = now or timezone.now()
    cancelled = Message.objects.filter(
        pk__in=list(message_ids), state=MessageState.SCHEDULED
    ).update(state=MessageState.CANCELLED, cancelled_at=now)
    if not cancelled:
        raise MessagingRefused(
            _("These messages are no longer scheduled: they were sent or cancelled already.")
        )
    return cancelled


def cancelled_summary(count: int) -> str:
    return ngettext(
        "%(count)s scheduled message was cancelled.",
        "%(count)s scheduled messages were cancelled.",
        count,
    ) % {"count": count}


# ------------------------------------------------------------------------------------- history


def history_start_limit(today: date) -> date:
    return today - timedelta(days=HISTORY_REACH_DAYS)


def message_history(
    *, start: date, end: date, kind: str = "", zone: ZoneInfo, query: str = ""
) -> QuerySet[Message]:
    """문자내역 (CC-84): messages of the period (one year back at most), newest first."""
    today = timezone.now().astimezone(zone).date()
    start = max(start, history_start_limit(today))
    since = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    found = Message.objects.filter(requested_at__gte=since, requested_at__lt=until)
    if kind:
        found = found.filter(kind=kind)
    query = query.strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(name__startswith=query)
        if digits and len(digits) >= 4:
            condition |= Q(phone__startswith=digits)
        found = found.filter(condition)
    return found.select_related("job", "job__created_by").order_by("-requested_at", "-pk")


def customer_messages(customer_id: int) -> QuerySet[Message]:
    """The customer window's 문자 tab (CC-37): what was sent to this customer."""
    return (
        Message.objects.filter(customer_id=customer_id)
        .select_related("job", "job__created_by")
        .order_by("-requested_at", "-pk")
    )


def load_job(pk: int) -> SendJob:
    try:
        return SendJob.objects.get(pk=pk)
    except SendJob.DoesNotExist:
        raise NotFound(_("No such message job.")) from None


# ---------------------------------------------------------------------------------- the worker


@dataclass
class DispatchSummary:
    sent: int = 0
    failed: int = 0
    retry_at: datetime | None = None
    more: bool = False
    recovered: int = 0
    interrupted: int = 0


def recover_interrupted(*, now: datetime) -> tuple[int, int]:
    """After a crash: unattempted claims back to the queue, attempted ones failed, not resent."""
    expired = Message.all_objects.filter(claimed_until__lt=now)
    recovered = expired.filter(state=MessageState.CLAIMED).update(
        state=MessageState.QUEUED, claimed_until=None
    )
    interrupted = expired.filter(state=MessageState.SENDING).update(
        state=MessageState.FAILED,
        claimed_until=None,
        reason=unknown_reason("worker stopped while handing it over"),
    )
    return recovered, interrupted


def unknown_reason(what: str) -> str:
    """Why a message that may have gone out is failed rather than sent again."""
    return f"{what}; not resent to avoid a duplicate"[:300]


def claim_lease() -> timedelta:
    """How long a worker holds claimed messages before another may take them back."""
    return timedelta(seconds=settings.SANGDAM_SMS_CLAIM_LEASE_SECONDS)


def _claim(*, now: datetime, batch: int) -> tuple[str, list[int]]:
    token = secrets.token_hex(8)
    lease = now + claim_lease()
    due = Message.all_objects.waiting().filter(due_at__lte=now).order_by("due_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:batch])
    if not ids:
        return token, []
    # The state condition again: another worker may have claimed some of them meanwhile.
    Message.all_objects.waiting().filter(pk__in=ids).update(
        state=MessageState.CLAIMED, claimed_until=lease, claim_token=token
    )
    claimed = list(
        Message.all_objects.filter(
            pk__in=ids, state=MessageState.CLAIMED, claim_token=token
        ).values_list("pk", flat=True)
    )
    return token, claimed


class _Images:
    """Each send job's MMS image, read from storage once per dispatch, not once per message."""

    def __init__(self) -> None:
        self._read: dict[int, bytes] = {}

    def of(self, job: SendJob) -> bytes:
        if job.pk not in self._read:
            with job.image.open("rb") as stored:
                self._read[job.pk] = stored.read()
        return self._read[job.pk]


def _outgoing(message: Message, images: _Images) -> OutgoingMessage:
    job = message.job
    image = images.of(job) if message.kind == "MMS" and job.image else None
    return OutgoingMessage(
        reference=str(message.pk),
        to=message.phone,
        sender=job.sender_number,
        kind=message.kind,
        title=job.title if message.kind != "SMS" else "",
        body=message.body,
        image=image,
        image_name=(job.image.name or "").rsplit("/", 1)[-1] if image else "",
    )


def dispatch_due(
    *, gateway: Gateway, now: datetime | None = None, batch: int = CLAIM_BATCH, budget: float = 5.0
) -> DispatchSummary:
    """Hand every due message to the gateway, for about ``budget`` seconds.

    Stops early when the gateway is unavailable: the messages wait with the reason and the
    time of their next attempt, later each time (RETRY_DELAYS).
    """
    summary = DispatchSummary()
    images = _Images()
    started = time.monotonic()
    summary.recovered, summary.interrupted = recover_interrupted(now=now or timezone.now())
    try:
        while time.monotonic() - started < budget:
            moment = now or timezone.now()
            token, ids = _claim(now=moment, batch=batch)
            if not ids:
                return summary
            messages = {
                m.pk: m for m in Message.all_objects.filter(pk__in=ids).select_related("job")
            }
            for position, pk in enumerate(ids):
                if time.monotonic() - started >= budget:
                    _release(ids[position:], token)
                    summary.more = True
                    return summary
                outcome = _hand_over(gateway, messages[pk], token, images, now=now)
                if isinstance(outcome, datetime):
                    _release(
                        ids[position + 1 :], token, retry_at=outcome, reason=messages[pk].reason
                    )
                    summary.retry_at = outcome
                    return summary
                if outcome:
                    summary.sent += 1
                else:
                    summary.failed += 1
        summary.more = True
        return summary
    finally:
        gateway.close()


def _release(
    ids: Sequence[int], token: str, *, retry_at: datetime | None = None, reason: str = ""
) -> None:
    """Give claimed, unattempted messages back to the queue (to wait for ``retry_at``)."""
    if not ids:
        return
    changes: dict[str, object] = {
        "state": MessageState.QUEUED,
        "claimed_until": None,
        "reason": reason,
    }
    if retry_at is not None:
        changes["due_at"] = retry_at
    Message.all_objects.filter(
        pk__in=list(ids), state=MessageState.CLAIMED, claim_token=token
    ).update(**changes)


def _hand_over(
    gateway: Gateway, message: Message, token: str, images: _Images, *, now: datetime | None
) -> bool | datetime:
    """Send one claimed message: True sent, False failed for good, a datetime: retry then."""
    marked = Message.all_objects.filter(
        pk=message.pk, state=MessageState.CLAIMED, claim_token=token
    ).update(state=MessageState.SENDING)
    if not marked:
        return False
    attempts = message.attempts + 1
    try:
        accepted = gateway.send(_outgoing(message, images))
    except GatewayUnavailable as error:
        moment = now or timezone.now()
        if attempts >= MAX_ATTEMPTS:
            _finish(message, MessageState.FAILED, attempts=attempts, reason=error.reason)
            return False
        retry_at = moment + RETRY_DELAYS[attempts - 1]
        message.reason = error.reason[:300]
        Message.all_objects.filter(pk=message.pk, state=MessageState.SENDING).update(
            state=MessageState.QUEUED,
            attempts=attempts,
            due_at=retry_at,
            claimed_until=None,
            reason=message.reason,
        )
        return retry_at
    except GatewayRejected as error:
        _finish(message, MessageState.FAILED, attempts=attempts, reason=error.reason)
        return False
    except GatewayOutcomeUnknown as error:
        _finish(
            message, MessageState.FAILED, attempts=attempts, reason=unknown_reason(error.reason)
        )
        return False
    moment = now or timezone.now()
    sent = Message.all_objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.SENT,
        attempts=attempts,
        gateway_id=accepted.gateway_id,
        sent_at=moment,
        claimed_until=None,
        reason="",
    )
    if not sent:
        # A delivery report overtook us (Kannel may call back before send() returns).
        Message.all_objects.filter(pk=message.pk).update(
            attempts=attempts, gateway_id=accepted.gateway_id, sent_at=moment, claimed_until=None
        )
    return True


def _finish(message: Message, state: MessageState, *, attempts: int, reason: str) -> None:
    Message.all_objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=state, attempts=attempts, reason=reason[:300], claimed_until=None
    )


def next_due() -> datetime | None:
    """When the earliest waiting message falls due (for the worker's clock)."""
    return Message.all_objects.waiting().order_by("due_at").values_list("due_at", flat=True).first()


# ----------------------------------------------------------------------------- delivery reports


def record_delivery_report(report: DeliveryReport) -> bool:
    """Apply a gateway's delivery report; False when it names no message we know.

    An intermediate report (queued at, or handed to, the SMSC) only confirms the hand-over;
    a final one makes the message DELIVERED or FAILED. A final state is never changed again.
    """
    if report.reference.isdigit():
        found = Message.all_objects.filter(pk=int(report.reference))
    elif report.gateway_id:
        found = Message.all_objects.filter(gateway_id=report.gateway_id)
    else:
        return False
    open_states = AWAITING_REPORT_STATES
    if report.delivered is None:
        return found.exists()
    if report.delivered:
        changed = found.filter(
            Q(state__in=open_states)
            | Q(state=MessageState.FAILED, reason__endswith=unknown_reason(""))
        ).update(state=MessageState.DELIVERED, reported_at=report.at, reason="")
    else:
        changed = found.filter(state__in=open_states).update(
            state=MessageState.FAILED, reported_at=report.at, reason=report.reason[:300]
        )
    return bool(changed) or found.exists()
