"""문자 발송 (SPEC CC-63..CC-76) and the page of one send job.

The composer keeps its recipient list in the browser (Alpine.js, ``compose.js``); each source of
recipients asks the server through a small endpoint, so that numbers are checked by the rules
of ``sangdam.messaging.recipients`` and nowhere else: the input bar and 다량추가 answer JSON,
검색 and the Excel steps answer HTML partials (htmx). 미리보기 and 전송 post the whole form;
from the page's script they answer JSON (the page, its image and its list stay as they are), a
plain form post gets the page again with the errors next to their fields, or the job page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, refusal, role_required
from sangdam.accounts.enums import Role
from sangdam.core import spreadsheet
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.http import page_of
from sangdam.core.spreadsheet import SpreadsheetError, cell_text
from sangdam.crm import customers
from sangdam.crm.customers import CustomerSearch
from sangdam.crm.phones import format_phone, is_mobile
from sangdam.crm.uploading import FIELDS as CUSTOMER_FIELDS
from sangdam.messaging import history, recipients, sending, text
from sangdam.messaging.enums import MessageState, SkipReason
from sangdam.messaging.forms_compose import (
    LATER,
    NOW,
    ComposeForm,
    ExcelColumnsForm,
    ExcelFileForm,
    ExcelSheetForm,
    NumberForm,
    PasteForm,
    RecipientSearchForm,
    ResidentsForm,
)
from sangdam.messaging.gateways import supports_mms as gateway_supports_mms
from sangdam.messaging.models import Message, MessageTemplate, SendJob
from sangdam.messaging.recipients import BadLine, Recipient

workers = role_required(Role.ORG_ADMIN, Role.AGENT)
PAGE_SIZE = 50
# The agent's own latest sends, linked from the composer (to follow or cancel them).
RECENT_JOBS = 5
SEARCH_PAGE_SIZE = 20
# Recipients of the preview listed by name (the counts cover all of them).
PREVIEW_LISTED = 50
EXCEL_UPLOADS = spreadsheet.UploadFolder("private/sms-recipients", dt.timedelta(days=1))
EXCEL_SAMPLE_ROWS = 6
EXCEL_SAMPLE_COLUMNS = 26
EXCEL_SESSION_KEY = "messaging-compose-uploads"
EXCEL_TOKENS_KEPT = 10
# The header row is looked for in the first rows (a title line often comes first).
EXCEL_HEADER_SEARCH = 10
EXCEL_FIELDS = tuple(f for f in CUSTOMER_FIELDS if f.key in ("name", "mobile"))
# Delivery reports come within seconds to minutes; the job page keeps polling that long.
REPORT_WAIT = dt.timedelta(minutes=10)
POLL_AHEAD = dt.timedelta(minutes=1)


def _is_fetch(request: HttpRequest) -> bool:
    """Posted by the page's script, which wants JSON rather than a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def _recipient_json(recipient: Recipient) -> dict[str, Any]:
    return {
        "phone": recipient.phone,
        "name": recipient.name,
        "customer_id": recipient.customer_id,
        "display": format_phone(recipient.phone),
    }


def _bad_lines_json(bad: Sequence[BadLine]) -> list[dict[str, Any]]:
    return [{"line": b.line, "text": b.text, "message": b.message} for b in bad]


def _errors_json(errors: dict[str, Any]) -> dict[str, list[str]]:
    """Form or service errors by field, the whole form's under ""."""
    return {
        ("" if field == "__all__" else field): [str(m) for m in found]
        for field, found in errors.items()
    }


def _refused(errors: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"errors": _errors_json(errors)}, status=400)


# ------------------------------------------------------------------------------------ the page


def _prefill(request: AuthenticatedRequest) -> list[Recipient]:
    """``?customer=<pk>`` and ``?phone=`` (the click-to-SMS icons of CC-20)."""
    found: list[Recipient] = []
    customer_id = request.GET.get("customer", "")
    if customer_id.isdigit():
        try:
            customer = customers.load_customer(int(customer_id))
        except NotFound as error:
            messages.error(request, error.message)
        else:
            if is_mobile(customer.mobile):
                found.extend(recipients.as_recipients([customer]))
            else:
                messages.warning(
                    request,
                    _("%(name)s has no mobile number and cannot get SMS.")
                    % {"name": customer.name},
                )
    phone = request.GET.get("phone", "")[:30]
    if phone.strip():
        try:
            found.append(Recipient(recipients.mobile_number(phone)))
        except InvalidInput as error:
            messages.error(request, error.message)
    return found


def _ui_strings() -> dict[str, str]:
    """Texts the page's script composes (placeholders as %(name)s)."""
    return {
        "added": _("%(added)s added, %(present)s already in the list."),
        "tick": _("Tick the customers to add."),
        "line": _("Line %(line)s"),
        "row": _("Row %(row)s"),
        "failed": _("The server could not be reached. Try again."),
        "not_jpeg": _("Only JPG images can be sent as MMS."),
        "too_large": _("The image is %(size)s KB; an MMS image may have at most %(limit)s KB."),
    }


def _compose_context(
    request: AuthenticatedRequest,
    form: ComposeForm,
    *,
    recipient_rows: Sequence[Recipient],
    preview_html: str = "",
    image_lost: bool = False,
) -> dict[str, Any]:
    organization = request.user.organization
    assert organization is not None
    profile = sending.settings_of(organization)
    mms = gateway_supports_mms()
    templates = [
        {"id": t.pk, "title": t.title, "body": t.body} for t in MessageTemplate.objects.all()
    ]
    errors = _errors_json(form.errors) if form.is_bound else {}
    data = form.data if form.is_bound else {}
    config = {
        "recipients": [_recipient_json(r) for r in recipient_rows],
        "templates": templates,
        "errors": errors,
        "supportsMms": mms,
        "smsMax": text.SMS_MAX_BYTES,
        "lmsMax": text.LMS_MAX_BYTES,
        "imageMax": text.MMS_IMAGE_MAX_BYTES,
        "namePlaceholder": text.NAME_PLACEHOLDER,
        "datePlaceholder": text.DATE_PLACEHOLDER,
        "adHeader": text.ad_header(profile.sender_name),
        # As people read it (080-123-4567); the check ignores the hyphens.
        "adFooter": text.ad_footer(format_phone(profile.opt_out_number)),
        "mode": data.get("send_mode", NOW) if data.get("send_mode") in (NOW, LATER) else NOW,
        "strings": _ui_strings(),
        "urls": {
            "number": reverse("messaging:compose-number"),
            "paste": reverse("messaging:compose-paste"),
            "residents": reverse("messaging:compose-residents"),
            "excel": reverse("messaging:compose-excel-read"),
        },
    }
    if form.is_bound:
        schedule_date = str(data.get("scheduled_at_0", ""))[:10]
        schedule_time = str(data.get("scheduled_at_1", ""))[:5]
    else:
        moment = ComposeForm.default_schedule()
        schedule_date, schedule_time = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M")
    return {
        "form": form,
        "config": config,
        "mode": config["mode"],
        "schedule_date": schedule_date,
        "schedule_time": schedule_time,
        "schedule_step": sending.SCHEDULE_STEP_MINUTES * 60,
        "body_text": data.get("body", "") if form.is_bound else "",
        "title_text": data.get("title", "") if form.is_bound else "",
        "advertising": bool(data.get("is_advertising")) if form.is_bound else False,
        "profile": profile,
        "sender_display": format_phone(profile.sender_number),
        "supports_mms": mms,
        "templates": templates,
        "apartments": recipients.apartments(),
        "recent_jobs": SendJob.objects.filter(created_by=request.user).order_by("-created_at")[
            :RECENT_JOBS
        ],
        "preview_html": preview_html,
        "image_lost": image_lost,
        "sms_max": text.SMS_MAX_BYTES,
        "lms_max": f"{text.LMS_MAX_BYTES:,}",
        "image_max_kb": text.MMS_IMAGE_MAX_BYTES // 1024,
        "title_max": text.TITLE_MAX_BYTES,
        "name_placeholder": text.NAME_PLACEHOLDER,
        "date_placeholder": text.DATE_PLACEHOLDER,
    }


@workers
@require_http_methods(["GET", "POST"])
def compose(request: AuthenticatedRequest) -> HttpResponse:
    """문자 발송: GET shows the composer; POST previews (action=preview) or sends."""
    if request.method == "GET":
        form = ComposeForm()
        return render(
            request,
            "messaging/compose/compose.html",
            _compose_context(request, form, recipient_rows=_prefill(request)),
        )

    upload = request.FILES.get("recipients")
    form = ComposeForm(request.POST, request.FILES, recipients_file=upload)
    action = request.POST.get("action", "send")
    preview_html = ""
    if form.is_valid():
        draft = form.draft()
        try:
            if action == "preview":
                preview_html = _preview(request, form, draft)
            else:
                job = sending.send_messages(actor=actor_of(request), draft=draft)
                messages.success(request, _sent_summary(job))
                url = reverse("messaging:job", args=[job.pk])
                if _is_fetch(request):
                    return JsonResponse({"redirect": url})
                return redirect(url)
        except InvalidInput as error:
            form.add_service_errors(error)
    if _is_fetch(request):
        return JsonResponse(
            {"errors": _errors_json(form.errors), "preview": preview_html},
            status=400 if form.errors else 200,
        )
    return render(
        request,
        "messaging/compose/compose.html",
        _compose_context(
            request,
            form,
            recipient_rows=form.recipient_list,
            preview_html=preview_html,
            image_lost=bool(request.FILES.get("image")) and action != "preview",
        ),
    )


def _sent_summary(job: SendJob) -> str:
    if job.scheduled_at is not None:
        said = ngettext(
            "%(count)s message was scheduled for %(time)s.",
            "%(count)s messages were scheduled for %(time)s.",
            job.recipient_count,
        ) % {
            "count": f"{job.recipient_count:,}",
            "time": timezone.localtime(job.scheduled_at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        said = ngettext(
            "%(count)s message is being sent.",
            "%(count)s messages are being sent.",
            job.recipient_count,
        ) % {"count": f"{job.recipient_count:,}"}
    if job.skipped_count:
        said += " " + ngettext(
            "%(count)s recipient who opted out was left out.",
            "%(count)s recipients who opted out were left out.",
            job.skipped_count,
        ) % {"count": f"{job.skipped_count:,}"}
    return said


def _preview(request: AuthenticatedRequest, form: ComposeForm, draft: sending.Draft) -> str:
    """미리보기: who gets which type, who is left out and why, one filled-in message.

    :raises InvalidInput: what sending would refuse (``sending.check_draft``).
    """
    organization = request.user.organization
    assert organization is not None
    sending.check_draft(draft, organization=organization)
    found = sending.preview(draft, organization=organization)
    resolution = found.resolution
    context = {
        "sendable": len(resolution.sendable),
        "kinds": [(kind, found.kinds.get(kind, 0)) for kind in ("SMS", "LMS", "MMS")],
        "skipped": [
            (r.name, format_phone(r.phone), SkipReason(r.skip_reason).label)
            for r in resolution.skipped[:PREVIEW_LISTED]
        ],
        "skipped_count": len(resolution.skipped),
        "skipped_more": max(0, len(resolution.skipped) - PREVIEW_LISTED),
        "duplicates": resolution.duplicates,
        "nameless": [format_phone(r.phone) for r in found.nameless[:PREVIEW_LISTED]],
        "nameless_count": len(found.nameless),
        "nameless_more": max(0, len(found.nameless) - PREVIEW_LISTED),
        "sample": found.sample,
        "scheduled_at": draft.scheduled_at,
        "has_image": draft.image is not None,
    }
    return render_to_string("messaging/compose/_preview.html", context, request=request)


# ---------------------------------------------------------------------- sources of recipients


@workers
@require_POST
def add_number(request: AuthenticatedRequest) -> JsonResponse:
    """CC-63: one number typed in the input bar, with a name or not."""
    form = NumberForm(request.POST)
    if not form.is_valid():
        return _refused(form.errors)
    try:
        phone = recipients.mobile_number(form.cleaned_data["phone"], field="phone")
    except InvalidInput as error:
        return _refused(error.errors)
    found = Recipient(phone, form.cleaned_data["name"].strip())
    return JsonResponse({"recipients": [_recipient_json(found)]})


@workers
@require_POST
def add_pasted(request: AuthenticatedRequest) -> JsonResponse:
    """다량추가 (CC-75): the valid numbers, and every invalid line with its number and why."""
    form = PasteForm(request.POST)
    if not form.is_valid():
        return _refused(form.errors)
    try:
        pasted = recipients.parse_pasted(form.cleaned_data["numbers"])
    except InvalidInput as error:
        return _refused(error.errors)
    if not pasted.recipients and not pasted.bad_lines:
        return _refused({"numbers": [_("Paste the numbers, one per line.")]})
    return JsonResponse(
        {
            "recipients": [_recipient_json(r) for r in pasted.recipients],
            "bad_lines": _bad_lines_json(pasted.bad_lines),
        }
    )


@workers
@require_GET
def search(request: AuthenticatedRequest) -> HttpResponse:
    """검색 (CC-72): registered customers to tick; those without a mobile cannot be ticked."""
    form = RecipientSearchForm(request.GET)
    page = None
    error = ""
    if form.is_valid():
        try:
            found = customers.search_customers(CustomerSearch(text=form.cleaned_data["text"]))
        except InvalidInput as refused:
            error = refused.message
        else:
            page = page_of(request, found, SEARCH_PAGE_SIZE)
    else:
        error = " ".join(str(m) for found in form.errors.values() for m in found)
    rows = []
    for customer in page or []:
        rows.append(
            {
                "customer": customer,
                "selectable": is_mobile(customer.mobile),
                "recipient": _recipient_json(
                    Recipient(customer.mobile, customer.name, customer.pk)
                ),
            }
        )
    return render(
        request,
        "messaging/compose/_search_results.html",
        {"page": page, "rows": rows, "error": error, "text": form.data.get("text", "")},
    )


@workers
@require_GET
def blocks(request: AuthenticatedRequest) -> HttpResponse:
    """The blocks (동) of the chosen apartment, as options (CC-74)."""
    apartment = request.GET.get("apartment", "")[:50]
    found = recipients.blocks(apartment) if apartment.strip() else []
    return render(request, "messaging/compose/_block_options.html", {"blocks": found})


@workers
@require_GET
def add_residents(request: AuthenticatedRequest) -> JsonResponse:
    """CC-73 / CC-74: every resident with a mobile, of the apartment or of one block."""
    form = ResidentsForm(request.GET)
    if not form.is_valid():
        return _refused(form.errors)
    apartment, block = form.cleaned_data["apartment"], form.cleaned_data["block"]
    found = recipients.as_recipients(recipients.residents(apartment, block))
    if not found:
        where = f"{apartment} {block}".strip()
        return _refused(
            {"apartment": [_("No resident of %(where)s has a mobile number.") % {"where": where}]}
        )
    return JsonResponse({"recipients": [_recipient_json(r) for r in found]})


# ------------------------------------------------------------------------------------ Excel


@dataclass(frozen=True)
class ExcelSample:
    """The top of a sheet, so that people see which column holds what (CC-76)."""

    token: str
    file_name: str
    sheet: str
    sheets: tuple[str, ...]
    first_row: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    letters: tuple[str, ...]
    columns: tuple[tuple[int, str], ...]
    name_column: int | None
    mobile_column: int | None


def _excel_sample(token: str, file_name: str, sheet: str, first_row: int) -> ExcelSample:
    """The rows around ``first_row``, with the columns named by the row above it.

    :raises SpreadsheetError: the file is gone, or has no such sheet.
    """
    shown_from = max(1, first_row - 3)
    with EXCEL_UPLOADS.open(token) as source, spreadsheet.open_sheet(source, sheet) as reader:
        shown: list[tuple[int, tuple[str, ...]]] = []
        for number, values in reader.rows(shown_from):
            if number >= first_row + EXCEL_SAMPLE_ROWS:
                break
            shown.append((number, tuple(cell_text(v)[:60] for v in values)))
        name, names = reader.name, reader.sheets
    width = min(
        EXCEL_SAMPLE_COLUMNS,
        max([1, *(_filled_width(texts) for _number, texts in shown)]),
    )
    rows = tuple((n, texts[:width] + ("",) * (width - len(texts))) for n, texts in shown)
    headers: tuple[str, ...] = next((t for n, t in rows if n == first_row - 1), ())
    guess = spreadsheet.guess_columns(headers, EXCEL_FIELDS) if headers else {}
    mobile = guess.get("mobile")
    if mobile is None:
        mobile = _column_of_mobiles(rows, first_row)
    return ExcelSample(
        token=token,
        file_name=file_name,
        sheet=name,
        sheets=names,
        first_row=first_row,
        rows=rows,
        letters=tuple(spreadsheet.column_label(i) for i in range(width)),
        columns=tuple(
            (i, spreadsheet.column_label(i, headers[i] if i < len(headers) else ""))
            for i in range(width)
        ),
        name_column=guess.get("name"),
        mobile_column=mobile,
    )


def _first_data_row(token: str, sheet: str = "") -> int:
    """Below the header row when one of the first rows names the name or mobile column (a title
    line may come first); row 1 when it already holds a mobile number; else row 2."""
    best, best_score = 0, 0
    with EXCEL_UPLOADS.open(token) as source, spreadsheet.open_sheet(source, sheet) as reader:
        for number, values in reader.rows(1):
            if number > EXCEL_HEADER_SEARCH:
                break
            texts = [cell_text(v) for v in values]
            if number == 1 and _column_of_mobiles([(1, tuple(texts))], 1) is not None:
                return 1
            guess = spreadsheet.guess_columns(texts, EXCEL_FIELDS)
            score = sum(1 for column in guess.values() if column is not None)
            if score > best_score:
                best, best_score = number, score
    return best + 1 if best else 2


def _filled_width(texts: Sequence[str]) -> int:
    for index in range(len(texts), 0, -1):
        if texts[index - 1]:
            return index
    return 0


def _column_of_mobiles(rows: Sequence[tuple[int, tuple[str, ...]]], first_row: int) -> int | None:
    """Without a header to go by: the first column whose first data cell is a mobile number."""
    for number, texts in rows:
        if number < first_row:
            continue
        for index, value in enumerate(texts):
            digits = "".join(ch for ch in value if ch.isdigit())
            if is_mobile(digits):
                return index
        return None
    return None


def _remember_upload(request: HttpRequest, token: str) -> None:
    """The uploads of this session; another session's token is refused even when known."""
    kept = [t for t in request.session.get(EXCEL_SESSION_KEY, []) if t != token]
    request.session[EXCEL_SESSION_KEY] = [*kept, token][-EXCEL_TOKENS_KEPT:]


def _check_upload_token(request: HttpRequest, token: str) -> None:
    """:raises SpreadsheetError: the file was not uploaded in this session (or is gone)."""
    if token not in request.session.get(EXCEL_SESSION_KEY, []):
        raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))


def _excel_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "messaging/compose/_excel.html", context)


@workers
@require_POST
def excel_upload(request: AuthenticatedRequest) -> HttpResponse:
    """파일열기: keep the workbook under a token and show its first sheet's top rows."""
    form = ExcelFileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = " ".join(str(m) for found in form.errors.values() for m in found)
        return _excel_page(request, {"error": errors})
    upload = form.cleaned_data["file"]
    name = str(upload.name or "")
    try:
        head = upload.read(8)
        upload.seek(0)
        spreadsheet.check_upload(name, upload.size or 0, head)
        token = EXCEL_UPLOADS.store(upload)
        _remember_upload(request, token)
        sample = _excel_sample(token, name, "", _first_data_row(token))
    except SpreadsheetError as error:
        return _excel_page(request, {"error": error.message})
    return _excel_page(request, {"sample": sample})


@workers
@require_POST
def excel_sample(request: AuthenticatedRequest) -> HttpResponse:
    """Another sheet or first row: the top rows again."""
    form = ExcelSheetForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(m) for found in form.errors.values() for m in found)
        return _excel_page(request, {"error": errors})
    data = form.cleaned_data
    file_name = request.POST.get("file_name", "")[:200]
    try:
        _check_upload_token(request, data["token"])
        sample = _excel_sample(data["token"], file_name, data["sheet"], data["first_row"])
    except SpreadsheetError as error:
        return _excel_page(request, {"error": error.message})
    return _excel_page(request, {"sample": sample})


@workers
@require_POST
def excel_read(request: AuthenticatedRequest) -> JsonResponse:
    """추가: the numbers of the chosen columns from the first row on; bad rows named."""
    form = ExcelColumnsForm(request.POST)
    if not form.is_valid():
        return _refused(form.errors)
    data = form.cleaned_data
    columns = recipients.ExcelColumns(
        sheet=data["sheet"],
        name_column=data["name_column"],
        mobile_column=data["mobile_column"],
        first_row=data["first_row"],
    )
    try:
        _check_upload_token(request, data["token"])
        with EXCEL_UPLOADS.open(data["token"]) as source:
            read = recipients.read_excel_recipients(source, columns)
    except InvalidInput as error:
        return _refused(error.errors)
    except SpreadsheetError as error:
        return _refused({"file": [error.message]})
    return JsonResponse(
        {
            "recipients": [_recipient_json(r) for r in read.recipients],
            "bad_lines": _bad_lines_json(read.bad_lines),
        }
    )


# ---------------------------------------------------------------------------------- job page


def _job(request: AuthenticatedRequest, pk: int) -> SendJob | HttpResponse:
    """The job, to an administrator or to the agent who sent it (agents see their own)."""
    try:
        job = sending.load_job(pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if not request.user.is_org_admin and job.created_by_id != request.user.pk:
        return refusal(request, _("You may see only the messages you sent."))
    return job


STATE_GROUPS: dict[str, tuple[str, ...]] = {
    "waiting": (
        MessageState.SCHEDULED,
        MessageState.QUEUED,
        MessageState.CLAIMED,
        MessageState.SENDING,
    ),
    "done": (MessageState.SENT, MessageState.DELIVERED),
    "failed": (MessageState.FAILED,),
    "cancelled": (MessageState.CANCELLED,),
    "skipped": (MessageState.SKIPPED,),
}


def _live_context(request: AuthenticatedRequest, job: SendJob) -> dict[str, Any]:
    """The counts, the progress bar and one page of the recipients (polled while under way)."""
    now = timezone.now()
    progress = sending.progress_of(job)
    sent_from = job.scheduled_at or job.created_at
    due = job.scheduled_at is None or job.scheduled_at <= now + POLL_AHEAD
    polling = (not progress.finished and due) or (
        progress.sent > 0 and now - sent_from < REPORT_WAIT
    )
    to_send = progress.total - progress.skipped
    bar = []
    if to_send:
        for key, count in (
            ("delivered", progress.delivered),
            ("sent", progress.sent),
            ("failed", progress.failed),
            ("cancelled", progress.cancelled),
        ):
            if count:
                bar.append((key, round(count * 100 / to_send, 1), count))
    state = request.GET.get("state", "")
    rows = Message.objects.filter(job=job)
    if state in STATE_GROUPS:
        rows = rows.filter(state__in=STATE_GROUPS[state])
    else:
        state = ""
    page = page_of(request, rows.order_by("pk"), PAGE_SIZE)
    may_cancel = progress.waiting > 0 and job.scheduled_at is not None
    return {
        "job": job,
        "progress": progress,
        "to_send": to_send,
        "percent": round(progress.done * 100 / to_send) if to_send else 100,
        "bar": bar,
        "polling": polling,
        "page": page,
        "state": state,
        "may_cancel": may_cancel,
        "scheduled_waiting": job.scheduled_at is not None and job.scheduled_at > now,
        "state_choices": [
            ("", _("All")),
            ("waiting", _("Pending")),
            ("done", _("Sent or delivered")),
            ("failed", _("Failed")),
            ("cancelled", _("Cancelled")),
            ("skipped", _("Not sent (opted out)")),
        ],
    }


@workers
@require_GET
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What was sent, when and by whom; its progress and every recipient's state."""
    job = _job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    kinds = dict(
        Message.objects.filter(job=job)
        .exclude(state=MessageState.SKIPPED)
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    skipped = Message.objects.filter(job=job, state=MessageState.SKIPPED).order_by("pk")
    nameless = 0
    if text.NAME_PLACEHOLDER in job.body:
        nameless = (
            Message.objects.filter(job=job, name="").exclude(state=MessageState.SKIPPED).count()
        )
    context = _live_context(request, job)
    context.update(
        {
            "kinds": [(kind, kinds.get(kind, 0)) for kind in ("SMS", "LMS", "MMS")],
            "skipped": skipped[:PREVIEW_LISTED],
            "skipped_more": max(0, job.skipped_count - PREVIEW_LISTED),
            "nameless": nameless,
            "body_bytes": text.byte_length(job.body),
            "image_name": (job.image.name or "").rsplit("/", 1)[-1] if job.image else "",
            "image_size": _image_size(job),
            "sender_display": format_phone(job.sender_number),
        }
    )
    return render(request, "messaging/compose/job.html", context)


def _image_size(job: SendJob) -> str:
    if not job.image:
        return ""
    try:
        size = job.image.size
    except OSError:
        return ""
    return f"{-(-size // 1024):,} KB"


@workers
@require_GET
def job_live(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The live part of the job page, polled by htmx every 2 seconds while under way."""
    job = _job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    return render(request, "messaging/compose/_job_live.html", _live_context(request, job))


@workers
@require_POST
def job_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """예약 취소: the ticked scheduled messages of this job, or (``all``) every one of them."""
    job = _job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    scheduled = Message.objects.filter(job=job, state=MessageState.SCHEDULED)
    if not request.POST.get("all"):
        ticked = [int(v) for v in request.POST.getlist("message") if v.isdigit()]
        scheduled = scheduled.filter(pk__in=ticked)
    ids = list(scheduled.values_list("pk", flat=True))
    try:
        count = history.cancel_reservations(actor=actor_of(request), message_ids=ids).cancelled
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, sending.cancelled_summary(count))
    return redirect("messaging:job", pk=job.pk)


@workers
@require_GET
def job_image(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The job's MMS image, to those who may see the job."""
    job = _job(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if not job.image:
        raise Http404(_("This message has no image."))
    try:
        with job.image.open("rb") as stored:
            data = stored.read()
    except OSError:
        raise Http404(_("This message has no image.")) from None
    # At most 300 KB (the MMS limit).
    return HttpResponse(data, content_type="image/jpeg")
