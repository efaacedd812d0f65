"""The agents' work lists: 담당자관련이력 (CS-F), 미완료 상담, 리콜 (CC-F), history tabs (CS-G)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.core.views import flash_form_errors
from sangdam.crm import queues, tickets
from sangdam.crm.forms_lists import SPANS, HistoryForm, IncompleteForm, PeriodForm, RecallsForm
from sangdam.crm.models import Ticket, TicketQuerySet

worker = role_required(Role.ORG_ADMIN, Role.AGENT)


def _listed(
    request: AuthenticatedRequest, tickets_: TicketQuerySet, *, excerpt: bool = False
) -> dict[str, Any]:
    """The page asked for, with each row's computed columns."""
    now = timezone.now()
    page = queues.page_of(queues.for_list(tickets_, excerpt=excerpt), request.GET.get("page"))
    return {"page": page, "rows": queues.rows(page, now), "now": now}


def _nothing() -> dict[str, Any]:
    """What a list shows while its filters are wrong: no rows (the errors say why)."""
    page = queues.page_of(Ticket.objects.none(), 1)
    return {"page": page, "rows": [], "now": timezone.now()}


def _back(name: str, query: str) -> HttpResponse:
    """Back to a list with the filters it was posted from (only a query string is taken)."""
    query = QueryDict(query).urlencode()
    url = reverse(name)
    return redirect(f"{url}?{query}" if query else url)


# ----------------------------------------------------------------------------- 담당자관련이력


@worker
@require_GET
def queue_page(request: AuthenticatedRequest) -> HttpResponse:
    """받은이관 / 보낸이관 / 접수 / 콜백 / 리콜 of the signed-in agent, with counts (CS-34)."""
    agent = request.user
    try:
        active = queues.Queue(request.GET.get("tab", queues.Queue.RECEIVED_TRANSFERS))
    except ValueError:
        active = queues.Queue.RECEIVED_TRANSFERS
    counts = queues.queue_counts(agent)
    tabs = [(which, queues.QUEUE_LABELS[which], counts[which]) for which in queues.Queue]
    context = {
        "tabs": tabs,
        "active": active,
        "total": queues.unprocessed_total(agent),
        "recalls_tab": active == queues.Queue.RECALLS,
        **_listed(request, queues.queue(agent, active)),
    }
    return render(request, "crm/lists/queues.html", context)


# ------------------------------------------------------------------------------ 미완료 상담


def _period_list(
    request: AuthenticatedRequest, form: PeriodForm, run: Any, *, excerpt: bool = False
) -> dict[str, Any]:
    """A list filtered by period: the rows when the filters hold, else the errors."""
    if form.is_bound and not form.is_valid():
        flash_form_errors(request, form)
        return {"form": form, **_nothing()}
    values = form.values()
    try:
        chosen = queues.period(values["start"], values["end"], ignore=values["ignore"])
        agent = queues.agent_named(values["agent_id"])
    except InvalidInput as error:
        form.add_service_errors(error)
        flash_form_errors(request, form)
        return {"form": form, **_nothing()}
    return {"form": form, **_listed(request, run(chosen, agent=agent), excerpt=excerpt)}


@worker
@require_GET
def incomplete_page(request: AuthenticatedRequest) -> HttpResponse:
    form = IncompleteForm(request.GET or None)
    context = _period_list(request, form, queues.incomplete, excerpt=True)
    context["query"] = request.GET.urlencode()
    return render(request, "crm/lists/incomplete.html", context)


@worker
@require_POST
def incomplete_complete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """상담완료 on a row (CC-59): the ticket as it is, checked against the row's version."""
    query = request.POST.get("query", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The list is out of date. It was reloaded; try again."))
        return _back("crm:incomplete", query)
    try:
        ticket = tickets.load_ticket(pk)
        done = tickets.complete(pk, version, tickets.TicketFields.of(ticket), actor_of(request))
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Ticket %(number)s was completed.") % {"number": done.number_label}
        )
    return _back("crm:incomplete", query)


# ------------------------------------------------------------------------------------ 리콜


@worker
@require_GET
def recalls_page(request: AuthenticatedRequest) -> HttpResponse:
    form = RecallsForm(request.GET or None)
    context = _period_list(request, form, queues.recalls)
    context["query"] = request.GET.urlencode()
    return render(request, "crm/lists/recalls.html", context)


@worker
@require_POST
def recalls_complete(request: AuthenticatedRequest) -> HttpResponse:
    """리콜완료: only the ticked recalls are completed (CC-62)."""
    query = request.POST.get("query", "")
    picked = [int(pk) for pk in request.POST.getlist("tickets") if pk.isdigit()]
    try:
        count = tickets.complete_recalls(picked, actor_of(request))
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(count)d recall was completed.", "%(count)d recalls were completed.", count)
            % {"count": count},
        )
    return _back("crm:recalls", query)


# ------------------------------------------------------------------------- history tabs


@worker
@require_GET
def drafts_page(request: AuthenticatedRequest) -> HttpResponse:
    """접수정보 임시저장 (CS-19): the signed-in user's temp-saved tickets, to reload."""
    return render(
        request,
        "crm/lists/drafts.html",
        _listed(request, queues.drafts(request.user), excerpt=True),
    )


@worker
@require_GET
def recent_transfers_page(request: AuthenticatedRequest) -> HttpResponse:
    """최근이관 이력 (CS-43): the last 30 days; an administrator sees everyone's."""
    everyone = request.user.is_org_admin
    listed = queues.recent_transfers(request.user, timezone.now(), everyone=everyone)
    context = {
        "everyone": everyone,
        "days": queues.RECENT_TRANSFERS.days,
        **_listed(request, listed),
    }
    return render(request, "crm/lists/recent_transfers.html", context)


@worker
@require_GET
def all_history_page(request: AuthenticatedRequest) -> HttpResponse:
    """전체상담 이력 (CS-44): every ticket of the organization by period and criteria."""
    form = HistoryForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "spans": SPANS}
    if form.is_bound and not form.is_valid():
        flash_form_errors(request, form)
        context.update(_nothing())
    else:
        try:
            found = queues.search_history(form.search())
        except InvalidInput as error:
            form.add_service_errors(error)
            flash_form_errors(request, form)
            context.update(_nothing())
        else:
            context.update(_listed(request, found, excerpt=True))
    return render(request, "crm/lists/all_history.html", context)
