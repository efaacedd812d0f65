"""The messaging administration pages (administrators only) and the customer window's 문자 tab.

템플릿 관리 (CC-06), 문자 설정 (G-CC-08), 080 수신거부 목록 (CC-78), 문자 내역 관리 (CC-84,
CC-80) and 예약 문자 관리 (CC-85). Each view parses the input, calls one service and shows its
answer; the services check the rules and write the work history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, refusal, role_required
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.excel import xlsx_response
from sangdam.core.http import int_param, page_of
from sangdam.core.views import flash_form_errors
from sangdam.crm.errors import NotAllowed
from sangdam.crm.models import Customer
from sangdam.crm.phones import format_phone
from sangdam.messaging import history, message_templates, opt_outs, profile, sending, text
from sangdam.messaging.enums import OptOutSource
from sangdam.messaging.forms_admin import (
    HistorySearchForm,
    OptOutAddForm,
    OptOutPasteForm,
    OptOutSearchForm,
    ScheduledSearchForm,
    SettingsForm,
    TemplateForm,
)
from sangdam.messaging.models import Message

CUSTOMER_PAGE_SIZE = 20
admin_only = role_required(Role.ORG_ADMIN)
workers = role_required(Role.ORG_ADMIN, Role.AGENT)


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [pk for pk in (int_param(value) for value in request.POST.getlist(name)) if pk]


# ---------------------------------------------------------------------------------- templates


def _templates_page(
    request: AuthenticatedRequest,
    *,
    form: TemplateForm | None = None,
    editing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    found = message_templates.templates()
    current = None
    if editing is not None:
        current = found.filter(pk=editing).first()
        if current is None:
            return refusal(
                request, _("The template does not exist. It may have been deleted."), status=404
            )
    if form is None:
        initial = {"title": current.title, "body": current.body} if current else {}
        form = TemplateForm(initial=initial)
    rows = [
        {
            "template": template,
            "bytes": (size := text.byte_length(template.body)),
            "kind": text.kind_for(size, has_image=False).value,
        }
        for template in found
    ]
    return render(
        request,
        "messaging/admin/templates.html",
        {
            "rows": rows,
            "form": form,
            "current": current,
            "limit": text.LMS_MAX_BYTES,
            "limit_text": f"{text.LMS_MAX_BYTES:,}",
            "sms_limit": text.SMS_MAX_BYTES,
        },
        status=status,
    )


@admin_only
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    """템플릿 관리: the templates, and 양식추가 (a new one) beside them."""
    if request.method != "POST":
        return _templates_page(request)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            template = message_templates.create_template(
                actor=actor_of(request), fields=form.fields_value()
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Template %(title)s was added.") % {"title": template.title}
            )
            return redirect(reverse("messaging:template-edit", args=[template.pk]))
    flash_form_errors(request, form)
    return _templates_page(request, form=form)


@admin_only
def template_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One template in the editor; 저장 saves its name and content."""
    if request.method != "POST":
        return _templates_page(request, editing=pk)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            template = message_templates.update_template(
                actor=actor_of(request), template_id=pk, fields=form.fields_value()
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except NotFound as error:
            messages.error(request, error.message)
            return redirect("messaging:templates")
        else:
            messages.success(
                request, _("Template %(title)s was saved.") % {"title": template.title}
            )
            return redirect(reverse("messaging:template-edit", args=[template.pk]))
    flash_form_errors(request, form)
    return _templates_page(request, form=form, editing=pk)


@admin_only
def template_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """삭제: asks first (GET), deletes on the confirmation (POST)."""
    if request.method != "POST":
        try:
            template = message_templates.load_template(pk)
        except NotFound as error:
            return refusal(request, error.message, status=404)
        return render(request, "messaging/admin/template_delete.html", {"template": template})
    try:
        title = message_templates.delete_template(actor=actor_of(request), template_id=pk)
    except NotFound as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Template %(title)s was deleted.") % {"title": title})
    return redirect("messaging:templates")


# ----------------------------------------------------------------------------------- settings


@admin_only
def settings_page(request: AuthenticatedRequest) -> HttpResponse:
    """문자 설정: the sender number, the sender name and the 080 opt-out number (G-CC-08)."""
    current = sending.settings_of(request.user.organization)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                profile.save_profile(actor=actor_of(request), fields=form.fields_value())
            except InvalidInput as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The SMS settings were saved."))
                return redirect("messaging:settings")
        flash_form_errors(request, form)
    else:
        form = SettingsForm(
            initial={
                "sender_number": format_phone(current.sender_number),
                "sender_name": current.sender_name,
                "opt_out_number": format_phone(current.opt_out_number),
            }
        )
    return render(
        request,
        "messaging/admin/settings.html",
        {
            "form": form,
            "current": current,
            "ad_header": text.ad_header(current.sender_name),
            "ad_footer": text.ad_footer(format_phone(current.opt_out_number)),
        },
    )


# ---------------------------------------------------------------------------------- opt-outs


def _opt_outs_page(
    request: AuthenticatedRequest,
    *,
    add_form: OptOutAddForm | None = None,
    paste_form: OptOutPasteForm | None = None,
    bad_lines: Sequence[Any] = (),
) -> HttpResponse:
    search = OptOutSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    page = page_of(request, opt_outs.opt_out_numbers(query))
    return render(
        request,
        "messaging/admin/opt_outs.html",
        {
            "search": search,
            "query": query,
            "page": page,
            "add_form": add_form or OptOutAddForm(),
            "paste_form": paste_form or OptOutPasteForm(),
            "bad_lines": bad_lines,
            "source_080": OptOutSource.CALL_080.value,
            "opt_out_number": sending.settings_of(request.user.organization).opt_out_number,
        },
    )


def _flagged_text(count: int) -> str:
    if not count:
        return ""
    return " " + ngettext(
        "SMS opt-out was ticked on %(count)d customer with this number.",
        "SMS opt-out was ticked on %(count)d customers with these numbers.",
        count,
    ) % {"count": count}


@admin_only
def opt_out_list(request: AuthenticatedRequest) -> HttpResponse:
    """080 수신거부 목록: search, add one number (POST) and the forms to paste or remove."""
    if request.method != "POST":
        return _opt_outs_page(request)
    form = OptOutAddForm(request.POST)
    if form.is_valid():
        try:
            added = opt_outs.add_opt_out(actor=actor_of(request), phone=form.cleaned_data["phone"])
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            number = format_phone(added.phone)
            if added.created:
                said = _("%(number)s was added to the opt-out list.") % {"number": number}
            else:
                said = _("%(number)s is on the opt-out list already.") % {"number": number}
            messages.success(request, said + _flagged_text(added.customers_flagged))
            return redirect("messaging:opt-outs")
    flash_form_errors(request, form)
    return _opt_outs_page(request, add_form=form)


@admin_only
@require_POST
def opt_out_paste(request: AuthenticatedRequest) -> HttpResponse:
    """다량추가: the good lines are added; the bad ones stay in the box with their line numbers."""
    form = OptOutPasteForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _opt_outs_page(request, paste_form=form)
    try:
        result = opt_outs.add_opt_outs(actor=actor_of(request), pasted=form.cleaned_data["numbers"])
    except InvalidInput as error:
        form.add_service_errors(error)
        flash_form_errors(request, form)
        return _opt_outs_page(request, paste_form=form)
    if result.added or result.already:
        summary = _("Added: %(added)d. Already on the list: %(already)d.") % {
            "added": result.added,
            "already": result.already,
        }
        messages.success(request, summary + _flagged_text(result.customers_flagged))
    if not result.bad_lines:
        return redirect("messaging:opt-outs")
    messages.error(
        request,
        ngettext(
            "%(count)d line is not a mobile number and was not added. Correct it and add again.",
            "%(count)d lines are not mobile numbers and were not added. Correct them and add "
            "again.",
            len(result.bad_lines),
        )
        % {"count": len(result.bad_lines)},
    )
    # The box keeps only the lines to correct.
    retry = OptOutPasteForm(initial={"numbers": "\n".join(bad.text for bad in result.bad_lines)})
    return _opt_outs_page(request, paste_form=retry, bad_lines=result.bad_lines)


@admin_only
@require_POST
def opt_out_remove(request: AuthenticatedRequest) -> HttpResponse:
    """삭제: take the ticked numbers off the list (customers' own opt-outs stay ticked)."""
    back = reverse("messaging:opt-outs")
    query = request.POST.get("back", "")
    if query.startswith("?"):
        back += query
    try:
        removed = opt_outs.remove_opt_outs(actor=actor_of(request), ids=_ids(request, "ids"))
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d number was removed from the opt-out list.",
                "%(count)d numbers were removed from the opt-out list.",
                removed,
            )
            % {"count": removed},
        )
    return redirect(back)


# ----------------------------------------------------------------------------------- history


def _history_form(request: HttpRequest) -> HistorySearchForm:
    bound = any(name in request.GET for name in ("start", "end", "kind", "query"))
    today = timezone.localdate()
    return HistorySearchForm(
        request.GET if bound else None,
        initial={"start": history.default_start(today), "end": today, "kind": ""},
    )


@admin_only
def history_list(request: AuthenticatedRequest) -> HttpResponse:
    """문자 내역 관리: a period (a week by default, a year back at most), type, name or number."""
    form = _history_form(request)
    page = None
    if not form.is_bound or form.is_valid():
        search = form.search() if form.is_bound else history.HistorySearch()
        try:
            applied, found = history.search_history(search)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            page = page_of(request, found)
            if form.is_bound:
                # Dates left empty show the period searched.
                shown = request.GET.copy()
                shown["start"], shown["end"] = str(applied.start), str(applied.end)
                form.data = shown
    if form.errors:
        flash_form_errors(request, form)
    today = timezone.localdate()
    return render(
        request,
        "messaging/admin/history.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "message": message,
                    "reason": history.state_reason(message),
                    "sender": history.sender_label(message),
                }
                for message in (page or [])
            ],
            "earliest": sending.history_start_limit(today),
            "tab": "history",
        },
    )


@admin_only
def history_export(request: AuthenticatedRequest) -> HttpResponse:
    """엑셀 다운로드 of the search, for holders of the export permission."""
    back = f"{reverse('messaging:history')}?{request.GET.urlencode()}"
    form = _history_form(request)
    if form.is_bound and not form.is_valid():
        return redirect(back)  # the search page shows the same errors on its fields
    search = form.search() if form.is_bound else history.HistorySearch()
    try:
        export = history.export_history(actor=actor_of(request), search=search)
    except NotAllowed as error:
        return refusal(request, error.message)
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect(back)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    title = _("SMS history")
    return xlsx_response(f"{title}-{stamp}.xlsx", title, export.headers, export.rows)


# --------------------------------------------------------------------------------- scheduled


def _jobs(page: Page[Message]) -> list[dict[str, Any]]:
    """The page's messages under their job (one press of 전송), in the page's order."""
    groups: dict[int, dict[str, Any]] = {}
    for message in page:
        group = groups.setdefault(message.job_id, {"job": message.job, "messages": []})
        group["messages"].append(message)
    return list(groups.values())


@admin_only
def scheduled_list(request: AuthenticatedRequest) -> HttpResponse:
    """예약 문자 관리: the reservations not yet sent, soonest first, grouped by job."""
    form = ScheduledSearchForm(request.GET or None)
    query = form.cleaned_data.get("query", "") if form.is_valid() else ""
    page = page_of(request, history.scheduled(query))
    return render(
        request,
        "messaging/admin/scheduled.html",
        {
            "form": form,
            "page": page,
            "jobs": _jobs(page),
            "tab": "scheduled",
            "back": f"?{request.GET.urlencode()}" if request.GET else "",
        },
    )


@admin_only
@require_POST
def scheduled_cancel(request: AuthenticatedRequest) -> HttpResponse:
    """삭제: cancel the ticked reservations (those the worker has not taken yet)."""
    back = reverse("messaging:scheduled")
    query = request.POST.get("back", "")
    if query.startswith("?"):
        back += query
    try:
        result = history.cancel_reservations(
            actor=actor_of(request), message_ids=_ids(request, "ids")
        )
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        if result.not_cancelled:
            messages.warning(request, result.summary)
        else:
            messages.success(request, result.summary)
    return redirect(back)


# ------------------------------------------------------------------ the customer window's tab


@workers
def customer_messages(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """문자 발송내역 (manual 19-5): what was sent to this customer, for the window's 문자 tab."""
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise Http404(_("The customer does not exist."))
    if request.headers.get("HX-Request") != "true":
        return redirect(f"{reverse('crm:customer', args=[pk])}?tab=sms")
    page = page_of(request, sending.customer_messages(customer.pk), CUSTOMER_PAGE_SIZE)
    return render(
        request,
        "messaging/customer/messages.html",
        {
            "customer": customer,
            "page": page,
            "rows": [
                {"message": message, "reason": history.state_reason(message)} for message in page
            ],
        },
    )
