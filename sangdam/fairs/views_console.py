"""The organizer's console: events, participants, requests, scheduling, manual matching."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.core.http import int_param, page_of
from sangdam.core.views import flash_form_errors
from sangdam.fairs import console, services
from sangdam.fairs.enums import Approval, SchedulingMode, Side
from sangdam.fairs.forms_console import (
    BulkAction,
    EventForm,
    MeetingCountFilterForm,
    MoveForm,
    PairForm,
    ParticipantFilterForm,
    ParticipantForm,
    PlaceForm,
    RemoveForm,
    SchedulingForm,
)
from sangdam.fairs.models import Event

organizer = role_required(Role.FAIR_ORGANIZER)


def _event(pk: int) -> Event:
    """The event of the signed-in organization; another organization's is simply not found."""
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def _url(name: str, *args: Any) -> str:
    """A link to a page another part of the app provides, or "" while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _render(
    request: HttpRequest,
    event: Event | None,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render with the event's times in the event's own zone, labelled as the manuals do."""
    context = {"event": event, **context}
    if event is None:
        return render(request, template, context, status=status)
    # The top bar keeps naming the viewer's own zone.
    context["time_zone_label"] = f"({timezone.localtime().tzname()})"
    with timezone.override(event.zone):
        context["zone_label"] = f"{event.time_zone} ({timezone.localtime().tzname()})"
        return render(request, template, context, status=status)


def _back(name: str, event: Event, query: dict[str, Any] | str = "") -> HttpResponse:
    url = reverse(name, args=[event.pk])
    text = query if isinstance(query, str) else urlencode({k: v for k, v in query.items() if v})
    return redirect(f"{url}?{text}" if text else url)


# ------------------------------------------------------------------------------------ events


@organizer
def events(request: AuthenticatedRequest) -> HttpResponse:
    return _render(
        request, None, "fairs/console/events.html", {"page": page_of(request, console.events())}
    )


@organizer
def event_new(request: AuthenticatedRequest) -> HttpResponse:
    form = EventForm(request.POST or None, initial=EventForm.initial_for(None))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=actor_of(request), settings=form.settings())
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The event %(name)s was created.") % {"name": event.name})
            return redirect("fairs:event", pk=event.pk)
    if request.method == "POST":
        flash_form_errors(request, form)
    return _render(
        request, None, "fairs/console/event_form.html", {"form": form, "preview": form.preview()}
    )


@organizer
def event_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(actor=actor_of(request), event=event, settings=form.settings())
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The event settings were saved."))
            return redirect("fairs:event", pk=event.pk)
    if request.method == "POST":
        flash_form_errors(request, form)
    return _render(
        request,
        event,
        "fairs/console/event_form.html",
        {"form": form, "preview": form.preview(), "editing": True},
    )


@organizer
@require_POST
def event_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The slots per day of the settings typed so far (htmx swaps it into the form)."""
    form = EventForm(request.POST)
    return render(request, "fairs/console/_slot_preview.html", {"preview": form.preview()})


@organizer
def event(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    return _render(
        request,
        event,
        "fairs/console/event.html",
        {
            "numbers": console.dashboard(event),
            "files": {
                "import_participants": _url("fairs:import-participants", event.pk),
                "export_schedule": _url("fairs:export-schedule", event.pk),
                "export_reports": _url("fairs:export-reports", event.pk),
                "reports": _url("fairs:reports", event.pk),
                "print_all": _url("fairs:print-all", event.pk),
                "print_table": _url("fairs:print-table", event.pk, 1),
            },
            "now": timezone.now(),
        },
    )


@organizer
@require_GET
def print_table(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Open the print page of the table typed on the dashboard."""
    event = _event(pk)
    table = request.GET.get("table", "").strip()
    url = _url("fairs:print-table", event.pk, table) if table else ""
    if not url:
        messages.error(request, _("Give a table or booth number to print."))
        return redirect("fairs:event", pk=event.pk)
    return redirect(url)


@organizer
@require_POST
def publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    try:
        notified = services.publish_schedule(actor=actor_of(request), event=event)
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The schedule was published. %(count)d participants were notified.")
            % {"count": notified},
        )
    return redirect("fairs:event", pk=event.pk)


@organizer
@require_POST
def announce(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    try:
        sent = services.send_announcement(
            actor=actor_of(request),
            event=event,
            text=request.POST.get("text", ""),
            side=request.POST.get("side", ""),
        )
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The announcement went to %(count)d participants.") % {"count": sent}
        )
    return redirect("fairs:event", pk=event.pk)


@organizer
@require_POST
def unpublish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    try:
        services.unpublish_schedule(actor=actor_of(request), event=event)
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.warning(
            request,
            _("The schedule was unpublished. Participants no longer see their meetings."),
        )
    return redirect("fairs:event", pk=event.pk)


# ------------------------------------------------------------------------------ participants


@organizer
def participants(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = ParticipantFilterForm(request.GET or None, event=event)
    page = page_of(request, console.participant_rows(event, form.filters()))
    rows = [(p, _url("fairs:print-participant", event.pk, p.pk)) for p in page]
    return _render(
        request,
        event,
        "fairs/console/participants.html",
        {"form": form, "page": page, "rows": rows, "query": request.GET.urlencode()},
    )


@organizer
@require_POST
def participants_bulk(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = BulkAction(request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        flash_form_errors(request, form)
        return _back("fairs:participants", event, query)
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    try:
        if action == BulkAction.INVITE:
            count = services.invite_participants(
                actor=actor_of(request), event=event, participant_ids=ids
            )
            text = _("Invitations are being sent to %(count)d participants.")
        else:
            approval = Approval.APPROVED if action == BulkAction.APPROVE else Approval.REJECTED
            count = services.set_approval(
                actor=actor_of(request), event=event, participant_ids=ids, approval=approval
            )
            text = (
                _("%(count)d participants were approved and notified.")
                if approval == Approval.APPROVED
                else _("%(count)d participants were rejected.")
            )
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, text % {"count": count})
    if form.cleaned_data.get("back_to"):
        return redirect("fairs:participant", pk=event.pk, pid=form.cleaned_data["back_to"])
    return _back("fairs:participants", event, query)


@organizer
def participant_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = ParticipantForm(
        request.POST or None, event=event, initial=ParticipantForm.initial_for(event, None)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.add_participant(
                actor=actor_of(request),
                event=event,
                side=data["side"],
                code=data["code"],
                info=form.info(),
                terms=form.terms(),
                login_id=data.get("login_id") or "",
                approval=Approval(data["approval"]),
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(company)s was added with the login ID %(login)s.")
                % {"company": person.company_name, "login": person.user.username},
            )
            return redirect("fairs:participant", pk=event.pk, pid=person.pk)
    if request.method == "POST":
        flash_form_errors(request, form)
    return _render(request, event, "fairs/console/participant_form.html", {"form": form})


@organizer
def participant(request: AuthenticatedRequest, pk: int, pid: int) -> HttpResponse:
    event = _event(pk)
    person = console.participant(event, pid)
    if person is None:
        raise Http404
    form = ParticipantForm(
        request.POST or None,
        event=event,
        person=person,
        initial=ParticipantForm.initial_for(event, person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_participant(
                actor=actor_of(request), participant=person, info=form.info(), terms=form.terms()
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(company)s was saved.") % {"company": person.company_name}
            )
            return redirect("fairs:participant", pk=event.pk, pid=person.pk)
    if request.method == "POST":
        flash_form_errors(request, form)
    return _render(
        request,
        event,
        "fairs/console/participant_form.html",
        {
            "form": form,
            "person": person,
            "requests": console.requests_of(person),
            "meetings": console.meetings_of(person),
            "print_url": _url("fairs:print-participant", event.pk, person.pk),
            "matching_query": urlencode({person.side: person.pk}),
        },
    )


# ---------------------------------------------------------------------------------- requests


@organizer
def requests_overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    side = request.GET.get("side", "")
    side = side if side in Side.values else ""
    search = request.GET.get("q", "").strip()[:100]
    tab = "none" if request.GET.get("tab") == "none" else "all"
    rows = (
        console.without_requests(event, side=side)
        if tab == "none"
        else console.request_counts(event, side=side, search=search)
    )
    return _render(
        request,
        event,
        "fairs/console/requests.html",
        {
            "tab": tab,
            "side": side,
            "search": search,
            "sides": Side.choices,
            "page": page_of(request, rows),
            "statuses": console.request_statuses(event),
            "classes": console.pair_classes(event),
            "without_count": console.without_requests(event).count(),
        },
    )


# -------------------------------------------------------------------------------- scheduling


@organizer
def scheduling(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = SchedulingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mode = SchedulingMode(form.cleaned_data["mode"])
        try:
            services.start_scheduling(
                actor=actor_of(request),
                event=event,
                mode=mode,
                time_limit=form.cleaned_data.get("time_limit")
                if mode == SchedulingMode.OPTIMIZE
                else None,
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Automatic scheduling was started."))
            return redirect("fairs:scheduling", pk=event.pk)
    if request.method == "POST":
        flash_form_errors(request, form)
    tab = "participants" if request.GET.get("tab") == "participants" else "waiting"
    filters = MeetingCountFilterForm(request.GET if tab == "participants" else None, event=event)
    rows = (
        console.meeting_counts(event, **filters.values())
        if tab == "participants"
        else console.waiting_list(event)
    )
    runs = console.latest_runs(event)
    return _render(
        request,
        event,
        "fairs/console/scheduling.html",
        {
            "form": form,
            "runs": runs,
            "runs_active": any(r.is_active for r in runs),
            "classes": console.meeting_classes(event),
            "spread": console.meeting_spread(event),
            "waiting_count": console.waiting_list(event).count(),
            "tab": tab,
            "filters": filters,
            "page": page_of(request, rows),
        },
    )


@organizer
@require_GET
def scheduling_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The runs block alone; htmx polls it every 2 s while a run is under way."""
    event = _event(pk)
    runs = console.latest_runs(event)
    active = any(r.is_active for r in runs)
    response = _render(
        request, event, "fairs/console/_runs.html", {"runs": runs, "runs_active": active}
    )
    if request.GET.get("active") and not active:
        # The run just finished: reload the whole page so the results below are current.
        response["HX-Refresh"] = "true"
    return response


# --------------------------------------------------------------------------- manual matching


@organizer
def matching(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    industry = request.GET.get("industry", "").strip()[:100]
    buyer = console.approved(event, int_param(request.GET.get("buyer")), Side.BUYER)
    seller = console.approved(event, int_param(request.GET.get("seller")), Side.SELLER)
    moving = console.meeting(event, int_param(request.GET.get("move")))
    if moving is not None:
        buyer, seller = moving.buyer, moving.seller
    form = PairForm(
        {
            "industry": industry,
            "buyer": buyer.pk if buyer else "",
            "seller": seller.pk if seller else "",
        },
        event=event,
        industry=industry,
        keep=(buyer, seller),
    )
    pair = console.pair_info(event, buyer, seller) if buyer and seller else None
    slots = (
        console.pair_slots(event, buyer, seller, moving=moving)
        if buyer and seller and (moving is not None or pair is None or pair.meeting is None)
        else []
    )
    chosen = [p.pk for p in (buyer, seller) if p is not None]
    waiting = console.waiting_list(event, participant_ids=chosen, industry=industry)
    return _render(
        request,
        event,
        "fairs/console/matching.html",
        {
            "form": form,
            "industry": industry,
            "buyer": buyer,
            "seller": seller,
            "pair": pair,
            "moving": moving,
            "slots": slots,
            "waiting": page_of(request, waiting),
            "buyer_meetings": console.meetings_of(buyer) if buyer else None,
            "seller_meetings": console.meetings_of(seller) if seller else None,
            "return_query": request.GET.urlencode(),
        },
    )


def _matching_back(request: HttpRequest, event: Event) -> HttpResponse:
    return _back("fairs:matching", event, request.POST.get("query", ""))


@organizer
@require_POST
def matching_place(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _matching_back(request, event)
    data = form.cleaned_data
    try:
        placed = services.place_meeting(
            actor=actor_of(request),
            event=event,
            buyer_id=data["buyer"],
            seller_id=data["seller"],
            slot_id=data["slot"],
        )
    except SangdamError as error:
        messages.error(request, error.message)
        return _matching_back(request, event)
    with timezone.override(event.zone):
        when = timezone.localtime(placed.slot.starts_at).strftime("%Y-%m-%d %H:%M")
        label = timezone.localtime().tzname()
    messages.success(
        request,
        _("Meeting placed: %(buyer)s and %(seller)s at %(when)s (%(zone)s).")
        % {
            "buyer": placed.buyer.company_name,
            "seller": placed.seller.company_name,
            "when": when,
            "zone": label,
        },
    )
    return _back("fairs:matching", event, {"buyer": placed.buyer_id, "seller": placed.seller_id})


@organizer
@require_POST
def matching_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _matching_back(request, event)
    try:
        moved = services.move_meeting(
            actor=actor_of(request),
            event=event,
            meeting_id=form.cleaned_data["meeting"],
            slot_id=form.cleaned_data["slot"],
        )
    except SangdamError as error:
        messages.error(request, error.message)
        return _matching_back(request, event)
    messages.success(request, _("The meeting was moved. It now counts as placed by hand."))
    return _back("fairs:matching", event, {"buyer": moved.buyer_id, "seller": moved.seller_id})


@organizer
@require_POST
def matching_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _matching_back(request, event)
    try:
        services.remove_meeting(
            actor=actor_of(request), event=event, meeting_id=form.cleaned_data["meeting"]
        )
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting was removed from the schedule."))
    return _matching_back(request, event)
