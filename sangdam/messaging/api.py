"""The messaging API (/api/v1/messaging/...): the same services as the pages.

Agents and administrators send messages, follow their jobs and read the templates;
administrators read the history, cancel reservations, change templates and settings and keep
the 080 opt-out list, which the 080 opt-out line's provider fills through POST
/messaging/opt-outs with an administrator's token. Everything is the caller's organization's
only: another organization's job, message or template is "not found".
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

import base64
import binascii
from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sangdam.accounts.access import actor_of
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.crm.api_access import require_admin, require_worker
from sangdam.crm.models import Customer
from sangdam.messaging import history, message_templates, opt_outs, profile, sending, text
from sangdam.messaging.enums import OptOutSource
from sangdam.messaging.models import Message, MessageTemplate, OptOutNumber, SendJob
from sangdam.messaging.recipients import Recipient

router = Router(tags=["messaging"])

PAGE_SIZE = 50


# ----------------------------------------------------------------------------------- schemas


class RecipientIn(Schema):
    phone: str = Field("", description="A mobile number in any notation; empty with customer_id.")
    name: str = Field("", description="Fills {고객명}; a registered customer's name wins.")
    customer_id: int | None = Field(None, description="A customer: their mobile and name.")


class ImageIn(Schema):
    name: str = "image.jpg"
    data: str = Field(description="The JPG file, base64-encoded; at most 300 KB decoded.")


class SendIn(Schema):
    recipients: list[RecipientIn]
    body: str = Field(description="At most 2,000 bytes; {고객명} and {오늘날짜} are filled in.")
    title: str = Field("", description="LMS/MMS title, at most 40 bytes.")
    scheduled_at: datetime | None = Field(
        None,
        description="Empty: now. Else 10 minutes to 30 days ahead, in 5-minute steps; a time "
        "without an offset is read in the organization's zone.",
    )
    is_advertising: bool = Field(False, description="Checked for (광고), the 080 line, 21-08 h.")
    image: ImageIn | None = Field(None, description="Makes the message an MMS.")


class ProgressOut(Schema):
    total: int
    waiting: int = Field(description="Scheduled or queued.")
    sending: int
    sent: int = Field(description="Handed to the carrier, no delivery report yet.")
    delivered: int
    failed: int
    cancelled: int
    skipped: int = Field(description="Not sent: opted out.")
    finished: bool


class JobOut(Schema):
    id: int
    created_at: datetime
    created_by: str
    scheduled_at: datetime | None
    sender_number: str
    title: str
    body: str = Field(description="As written, placeholders unfilled.")
    is_advertising: bool
    has_image: bool
    recipient_count: int = Field(description="Messages to send.")
    skipped_count: int = Field(description="Recipients left out: opted out.")
    duplicate_count: int = Field(description="Repeated numbers merged.")
    progress: ProgressOut


class MessageOut(Schema):
    id: int
    job_id: int
    requested_at: datetime = Field(description="The send time: now or the scheduled time.")
    kind: str = Field(description="SMS, LMS or MMS")
    phone: str
    name: str
    customer_id: int | None
    body: str = Field(description="As sent to this recipient, placeholders filled.")
    byte_count: int
    state: str
    state_label: str
    reason: str = Field(description="Why it failed, why it was not sent, or why it is retried.")
    sent_at: datetime | None
    reported_at: datetime | None
    cancelled_at: datetime | None
    sent_by: str


class MessagePage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[MessageOut]


class HistoryQuery(Schema):
    start: date | None = Field(None, description="Default a week ago; one year back at most.")
    end: date | None = Field(None, description="Default today.")
    kind: str = Field("", description="SMS, LMS, MMS or empty for all.")
    q: str = Field("", description="A name prefix, or the start of a number (4+ digits).")
    page: int = 1


class ScheduledQuery(Schema):
    q: str = ""
    page: int = 1


class CancelIn(Schema):
    ids: list[int] = Field(description="Message IDs (GET /messaging/scheduled).")


class CancelOut(Schema):
    cancelled: int
    not_cancelled: int = Field(description="Sent, cancelled or unknown meanwhile.")
    detail: str


class TemplateIn(Schema):
    title: str
    body: str


class TemplateOut(Schema):
    id: int
    title: str
    body: str
    bytes: int
    kind: str = Field(description="SMS or LMS, before placeholders are filled.")
    created_at: datetime
    updated_at: datetime


class OptOutIn(Schema):
    phone: str = Field(description="The mobile number that opted out, any notation.")
    source: OptOutSource = Field(OptOutSource.CALL_080, description="080 (default) or MANUAL.")


class OptOutOut(Schema):
    id: int
    phone: str
    source: str
    source_label: str
    created_at: datetime


class OptOutAdded(OptOutOut):
    created: bool = Field(description="false: the number was on the list already.")
    customers_flagged: int = Field(description="Customers whose SMS opt-out this ticked.")


class OptOutPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[OptOutOut]


class SettingsIo(Schema):
    sender_number: str = Field(description="발신번호, registered with the carrier.")
    sender_name: str = ""
    opt_out_number: str = Field("", description="The free 080 opt-out line.")


# ----------------------------------------------------------------------------------- helpers


def _page_of(rows: QuerySet[Any], number: int) -> tuple[Any, Paginator[Any]]:
    if number < 1:
        raise InvalidInput.single("page", _("Pages are numbered from 1."))
    paginator = Paginator(rows, PAGE_SIZE)
    return paginator.get_page(number), paginator


def _job_out(job: SendJob) -> dict[str, Any]:
    progress = sending.progress_of(job)
    return {
        "id": job.pk,
        "created_at": job.created_at,
        "created_by": job.created_by.actor_label if job.created_by else "",
        "scheduled_at": job.scheduled_at,
        "sender_number": job.sender_number,
        "title": job.title,
        "body": job.body,
        "is_advertising": job.is_advertising,
        "has_image": bool(job.image),
        "recipient_count": job.recipient_count,
        "skipped_count": job.skipped_count,
        "duplicate_count": job.duplicate_count,
        "progress": {**progress.__dict__, "finished": progress.finished},
    }


def _message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "job_id": message.job_id,
        "requested_at": message.requested_at,
        "kind": message.kind,
        "phone": message.phone,
        "name": message.name,
        "customer_id": message.customer_id,
        "body": message.body,
        "byte_count": message.byte_count,
        "state": message.state,
        "state_label": str(message.get_state_display()),
        "reason": history.state_reason(message),
        "sent_at": message.sent_at,
        "reported_at": message.reported_at,
        "cancelled_at": message.cancelled_at,
        "sent_by": history.sender_label(message),
    }


def _messages(rows: QuerySet[Message], number: int) -> dict[str, Any]:
    page, paginator = _page_of(rows, number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": [_message_out(message) for message in page],
    }


def _template_out(template: MessageTemplate) -> dict[str, Any]:
    size = text.byte_length(template.body)
    return {
        "id": template.pk,
        "title": template.title,
        "body": template.body,
        "bytes": size,
        "kind": text.kind_for(size, has_image=False).value,
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def _opt_out_out(entry: OptOutNumber) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "phone": entry.phone,
        "source": entry.source,
        "source_label": str(entry.get_source_display()),
        "created_at": entry.created_at,
    }


def _recipients(payload: SendIn) -> list[Recipient]:
    """The payload's recipients; those given by customer ID take the customer's mobile."""
    wanted = [r.customer_id for r in payload.recipients if r.customer_id and not r.phone.strip()]
    customers = Customer.objects.in_bulk(wanted) if wanted else {}
    found: list[Recipient] = []
    errors: list[str] = []
    for position, item in enumerate(payload.recipients, start=1):
        if item.phone.strip():
            found.append(Recipient(item.phone, item.name, item.customer_id))
            continue
        customer = customers.get(item.customer_id) if item.customer_id else None
        if item.customer_id is None:
            errors.append(
                _("Recipient %(position)s: give a phone number or a customer_id.")
                % {"position": position}
            )
        elif customer is None:
            errors.append(
                _("Recipient %(position)s: customer %(id)s does not exist.")
                % {"position": position, "id": item.customer_id}
            )
        elif not customer.mobile:
            errors.append(
                _("Recipient %(position)s: %(name)s has no mobile number.")
                % {"position": position, "name": customer.name}
            )
        else:
            found.append(Recipient(customer.mobile, customer.name, customer.pk))
    if errors:
        raise InvalidInput({"recipients": errors})
    return found


def _image(payload: ImageIn | None) -> sending.Image | None:
    if payload is None:
        return None
    try:
        data = base64.b64decode(payload.data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput.single("image", _("The image is not valid base64 data.")) from None
    return sending.Image(name=payload.name or "image.jpg", data=data)


def _aware(moment: datetime | None, request: HttpRequest) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    organization = actor_of(request).user.organization
    assert organization is not None
    return timezone.make_aware(moment, sending.zone_of(organization))


# ------------------------------------------------------------------------------------ sending


@router.post(
    "/messaging/messages",
    response={201: JobOut},
    summary="Send a message to recipients, now or at a scheduled time",
)
def send(request: HttpRequest, payload: SendIn) -> Status[Any]:
    """전송: one job, one message per recipient; opted-out recipients are stored as skipped.

    An MMS image travels in the JSON as base64 (``image.data``), a JPG of at most 300 KB.
    Bad input is answered 400 naming the fields (recipients, body, title, image, scheduled_at).
    """
    require_worker(request)
    image = _image(payload.image)
    draft = sending.Draft(
        recipients=_recipients(payload),
        body=payload.body,
        title=payload.title,
        image=image,
        scheduled_at=_aware(payload.scheduled_at, request),
        is_advertising=payload.is_advertising,
    )
    job = sending.send_messages(
        actor=actor_of(request),
        draft=draft,
    )
    return Status(201, _job_out(job))


@router.get("/messaging/jobs/{int:job_id}", response=JobOut, summary="A job and its progress")
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    """Agents see their own jobs; administrators every job of the organization."""
    user = require_worker(request)
    job = sending.load_job(job_id)
    if user.role != Role.ORG_ADMIN and job.created_by_id != user.pk:
        raise NotFound(_("No such message job."))
    return _job_out(job)


@router.get(
    "/messaging/messages",
    response=MessagePage,
    summary="문자 내역: the messages of a period (one year back at most), newest first",
)
def list_messages(request: HttpRequest, filters: Query[HistoryQuery]) -> dict[str, Any]:
    require_admin(request)
    search = history.HistorySearch(
        start=filters.start, end=filters.end, kind=filters.kind, query=filters.q
    )
    _applied, found = history.search_history(search)
    return _messages(found, filters.page)


@router.get(
    "/messaging/scheduled",
    response=MessagePage,
    summary="예약 문자: the messages waiting for their time, soonest first",
)
def list_scheduled(request: HttpRequest, filters: Query[ScheduledQuery]) -> dict[str, Any]:
    require_admin(request)
    return _messages(history.scheduled(filters.q), filters.page)


@router.post(
    "/messaging/scheduled/cancel",
    response=CancelOut,
    summary="Cancel scheduled messages not sent yet (400 when none of them still is)",
)
def cancel_scheduled(request: HttpRequest, payload: CancelIn) -> dict[str, Any]:
    require_admin(request)
    result = history.cancel_reservations(actor=actor_of(request), message_ids=payload.ids)
    return {
        "cancelled": result.cancelled,
        "not_cancelled": result.not_cancelled,
        "detail": result.summary,
    }


# ---------------------------------------------------------------------------------- templates


@router.get("/messaging/templates", response=list[TemplateOut], summary="The templates")
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    require_worker(request)
    return [_template_out(template) for template in message_templates.templates()]


@router.get("/messaging/templates/{int:template_id}", response=TemplateOut, summary="One template")
def get_template(request: HttpRequest, template_id: int) -> dict[str, Any]:
    require_worker(request)
    return _template_out(message_templates.load_template(template_id))


@router.post("/messaging/templates", response={201: TemplateOut}, summary="Add a template")
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[Any]:
    require_admin(request)
    template = message_templates.create_template(
        actor=actor_of(request),
        fields=message_templates.TemplateFields(title=payload.title, body=payload.body),
    )
    return Status(201, _template_out(template))


@router.put(
    "/messaging/templates/{int:template_id}",
    response=TemplateOut,
    summary="Change a template's name and content",
)
def update_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> dict[str, Any]:
    require_admin(request)
    template = message_templates.update_template(
        actor=actor_of(request),
        template_id=template_id,
        fields=message_templates.TemplateFields(title=payload.title, body=payload.body),
    )
    return _template_out(template)


@router.delete(
    "/messaging/templates/{int:template_id}", response={204: None}, summary="Delete a template"
)
def delete_template(request: HttpRequest, template_id: int) -> Status[Any]:
    require_admin(request)
    message_templates.delete_template(actor=actor_of(request), template_id=template_id)
    return Status(204, None)


# ---------------------------------------------------------------------------------- opt-outs


@router.get(
    "/messaging/opt-outs", response=OptOutPage, summary="The 080 opt-out list, newest first"
)
def list_opt_outs(request: HttpRequest, q: str = "", page: int = 1) -> dict[str, Any]:
    require_admin(request)
    found, paginator = _page_of(opt_outs.opt_out_numbers(q), page)
    return {
        "count": paginator.count,
        "page": found.number,
        "pages": paginator.num_pages,
        "page_size": PAGE_SIZE,
        "results": [_opt_out_out(entry) for entry in found],
    }


@router.post(
    "/messaging/opt-outs",
    response={200: OptOutAdded, 201: OptOutAdded},
    summary="Put a number on the 080 opt-out list (the 080 service's call); 200 if listed",
)
def add_opt_out(request: HttpRequest, payload: OptOutIn) -> Status[Any]:
    """Also ticks SMS opt-out on every customer with that mobile number (CC-78)."""
    require_admin(request)
    added = opt_outs.add_opt_out(
        actor=actor_of(request), phone=payload.phone, source=payload.source
    )
    entry = OptOutNumber.objects.get(phone=added.phone)
    body = {
        **_opt_out_out(entry),
        "created": added.created,
        "customers_flagged": added.customers_flagged,
    }
    return Status(201 if added.created else 200, body)


@router.delete(
    "/messaging/opt-outs/{phone}",
    response={204: None},
    summary="Take a number off the 080 opt-out list (customers' own opt-outs stay)",
)
def remove_opt_out(request: HttpRequest, phone: str) -> Status[Any]:
    require_admin(request)
    opt_outs.remove_opt_out(actor=actor_of(request), phone=phone)
    return Status(204, None)


# ---------------------------------------------------------------------------------- settings


def _settings_out(request: HttpRequest) -> dict[str, Any]:
    organization = actor_of(request).user.organization
    assert organization is not None
    current = sending.settings_of(organization)
    return {
        "sender_number": current.sender_number,
        "sender_name": current.sender_name,
        "opt_out_number": current.opt_out_number,
    }


@router.get("/messaging/settings", response=SettingsIo, summary="The sender settings")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    require_admin(request)
    return _settings_out(request)


@router.put("/messaging/settings", response=SettingsIo, summary="Save the sender settings")
def put_settings(request: HttpRequest, payload: SettingsIo) -> dict[str, Any]:
    require_admin(request)
    profile.save_profile(
        actor=actor_of(request),
        fields=profile.ProfileFields(
            sender_number=payload.sender_number,
            sender_name=payload.sender_name,
            opt_out_number=payload.opt_out_number,
        ),
    )
    return _settings_out(request)
