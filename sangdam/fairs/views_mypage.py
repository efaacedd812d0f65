"""The participant's my-page (SPEC MM-02..MM-45): thin views over fairs.services and mypage.

Every view works on the signed-in account's own participation, so a participant never reaches
another event; objects of other events answer 404. Times are shown in the zone the participant
chose on the availability page (kept in the session, or fixed in the account).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangdam.accounts import services as account_services
from sangdam.accounts.access import AuthenticatedRequest, role_required
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.http import page_of
from sangdam.core.views import flash_form_errors
from sangdam.fairs import mypage, services
from sangdam.fairs.enums import Approval, Origin
from sangdam.fairs.forms_mypage import (
    CounterpartFilterForm,
    ParticipationForm,
    ReportForm,
    TimeZoneForm,
)
from sangdam.fairs.models import Event, Participant
from sangdam.fairs.notify import notice_text

P = ParamSpec("P")
ZONE_SESSION_KEY = "fairs_display_zone"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Visit:
    """Who is looking: the signed-in participant, and the zone times are shown in."""

    participant: Participant
    zone: ZoneInfo

    @property
    def event(self) -> Event:
        return self.participant.event


def _display_zone(request: AuthenticatedRequest) -> ZoneInfo:
    """The zone chosen with "change time zone", else the account's; activated for the page."""
    for name in (request.session.get(ZONE_SESSION_KEY), request.user.time_zone):
        if not name:
            continue
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        timezone.activate(zone)
        return zone
    zone = ZoneInfo(settings.TIME_ZONE)
    timezone.activate(zone)
    return zone


def participant_page(
    view: Callable[Concatenate[AuthenticatedRequest, Visit, P], HttpResponse],
) -> Callable[..., HttpResponse]:
    """A participant's page: the account must be registered for an event."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        # role_required below has let only signed-in participants through.
        authenticated = cast(AuthenticatedRequest, request)
        zone = _display_zone(authenticated)
        participant = mypage.participation_of(authenticated.user)
        if participant is None:
            return render(request, "fairs/mypage/not_registered.html", {})
        try:
            return view(authenticated, Visit(participant, zone), *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return role_required(Role.PARTICIPANT)(wrapper)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ------------------------------------------------------------------------------------- home


@participant_page
def home(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-03, MM-07, MM-08, MM-09."""
    participant = visit.participant
    now = timezone.now()
    summary = mypage.matching_summary(mypage.pairs_of(participant, now))
    return render(
        request,
        "fairs/mypage/home.html",
        {
            "participant": participant,
            "event": visit.event,
            "items": mypage.application_items(participant, now),
            "summary": summary,
            "summary_lines": [
                ("confirmed", _("Arrangement confirmed"), summary.confirmed),
                ("waiting", _("Awaiting arrangement"), summary.waiting),
            ],
            "unread": mypage.unread_count(participant),
            "quota": _quota(participant),
            "Approval": Approval,
        },
    )


def _quota(participant: Participant) -> mypage.Quota:
    return mypage.Quota(
        used=services.live_requests_sent(participant), quota=participant.event.request_quota
    )


# ------------------------------------------------------------------------ participation info


@participant_page
def participation(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-06; read-only after the participation-info deadline (G-MM-09)."""
    participant = visit.participant
    read_only = not participant.can_edit_participation(visit.event)
    form = ParticipationForm(
        request.POST if request.method == "POST" else None,
        participant=participant,
        read_only=read_only,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_participation(participant=participant, info=form.info())
            except InvalidInput as error:
                form.add_service_errors(error)
            except SangdamError as error:
                messages.error(request, error.message)
                return redirect("fairs:participation")
            else:
                messages.success(request, _("Your participation info was saved."))
                return redirect("fairs:participation")
        flash_form_errors(request, form)
    return render(
        request,
        "fairs/mypage/participation.html",
        {
            "form": form,
            "participant": participant,
            "read_only": read_only,
            "deadline": participant.participation_deadline_for(visit.event),
        },
    )


# ------------------------------------------------------------------------ available times


def _grid_context(visit: Visit, day: dt.date) -> dict[str, Any]:
    participant = visit.participant
    return {
        "grid": mypage.day_grid(participant, day, visit.zone),
        "day": day,
        "can_edit": participant.can_change_requests(visit.event),
        "deadline": participant.request_deadline_for(visit.event),
    }


@participant_page
def availability(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-12..MM-18: calendar, the day's slot grid, bulk buttons and the legend."""
    days = mypage.event_days(visit.event, visit.zone)
    context: dict[str, Any] = {"event": visit.event, "days": days, **_zone_context(request, visit)}
    if days:
        day = mypage.pick_day(request.GET.get("day", ""), days)
        context.update(_grid_context(visit, day))
        context["calendars"] = mypage.month_calendars(days, selected=day)
        context["weekday_headers"] = mypage.WEEKDAY_HEADERS
    return render(request, "fairs/mypage/availability.html", context)


def _after_availability_change(
    request: AuthenticatedRequest, visit: Visit, day: dt.date
) -> HttpResponse:
    if _is_htmx(request):
        context = {**_grid_context(visit, day), "partial": True}
        return render(request, "fairs/mypage/_slot_grid.html", context)
    return redirect(f"{reverse('fairs:availability')}?day={day.isoformat()}")


def _posted_day(request: HttpRequest, visit: Visit) -> dt.date:
    days = mypage.event_days(visit.event, visit.zone)
    if not days:
        raise NotFound(_("This event has no meeting days yet."))
    return mypage.pick_day(request.POST.get("day", ""), days)


@require_POST
@participant_page
def availability_toggle(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """One click on a slot saves at once (SPEC MM-17)."""
    day = _posted_day(request, visit)
    try:
        slot_id = int(request.POST.get("slot", ""))
    except ValueError as error:
        raise Http404(_("No such meeting time.")) from error
    try:
        services.set_availability(
            participant=visit.participant,
            slot_ids=[slot_id],
            available=request.POST.get("available") == "1",
        )
    except NotFound:
        raise
    except SangdamError as error:
        messages.error(request, error.message)
    return _after_availability_change(request, visit, day)


@require_POST
@participant_page
def availability_day(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """ "All times available" / "All times unavailable" for one day (SPEC MM-15)."""
    day = _posted_day(request, visit)
    slots = mypage.slots_on(visit.event, day, visit.zone)
    try:
        services.set_availability(
            participant=visit.participant,
            slot_ids=[s.pk for s in slots],
            available=request.POST.get("available") == "1",
        )
    except SangdamError as error:
        messages.error(request, error.message)
    return _after_availability_change(request, visit, day)


def _zone_context(request: AuthenticatedRequest, visit: Visit) -> dict[str, Any]:
    form = TimeZoneForm(extra_zones=(visit.zone.key, visit.event.time_zone))
    form.fields["zone"].initial = visit.zone.key
    return {
        "zone_form": form,
        "zone_name": visit.zone.key,
        "zone_label": mypage.zone_abbreviation(timezone.now(), visit.zone),
        "zone_fixed": visit.zone.key == request.user.time_zone,
    }


@require_POST
@participant_page
def time_zone(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-12, G-MM-11: change the zone for this visit, or fix it in the account."""
    form = TimeZoneForm(request.POST, extra_zones=(visit.zone.key, visit.event.time_zone))
    if not form.is_valid():
        flash_form_errors(request, form)
        return _back(request)
    zone = form.cleaned_data["zone"]
    request.session[ZONE_SESSION_KEY] = zone
    if form.cleaned_data["fix"]:
        user = request.user
        try:
            account_services.update_profile(
                user=user,
                name=user.name,
                email=user.email,
                language=user.language,
                time_zone=zone,
            )
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Times will be shown in %(zone)s from now on.") % {"zone": zone}
            )
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("fairs:availability")


# -------------------------------------------------------------------------- meeting requests


@participant_page
def counterparts(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-19..MM-21: approved companies of the other side, filtered and paged."""
    participant = visit.participant
    form = CounterpartFilterForm(request.GET or None, participant=participant)
    found = mypage.counterparts(participant, form.filters())
    page = page_of(request, found, PAGE_SIZE)
    origins = {
        r.counterpart.pk: r.origin for r in mypage.pairs_of(participant, timezone.now()).rows
    }
    return render(
        request,
        "fairs/mypage/counterparts.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, origins.get(c.pk)) for c in page.object_list],
            "participant": participant,
            "quota": _quota(participant),
            "query": request.GET.urlencode(),
        },
    )


@participant_page
def counterpart(request: AuthenticatedRequest, visit: Visit, pk: int) -> HttpResponse:
    """SPEC MM-22, MM-23: the company's details and the request button."""
    participant = visit.participant
    company = mypage.counterpart(participant, pk)
    query = request.GET.urlencode()
    if request.method == "POST":
        try:
            outcome = services.request_meeting(requester=participant, recipient_id=company.pk)
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            if outcome.accepted_theirs:
                messages.success(
                    request,
                    _(
                        "%(company)s had already asked you for a meeting: "
                        "their request is now accepted (mutual request)."
                    )
                    % {"company": company.company_name},
                )
            else:
                messages.success(request, _("Your meeting request was sent."))
            if outcome.no_common_time:
                messages.warning(
                    request,
                    _(
                        "There is no common available time. Check your available times; "
                        "the meeting cannot be arranged until you share one."
                    ),
                )
        target = reverse("fairs:counterpart", args=[company.pk])
        return redirect(f"{target}?{query}" if query else target)
    row = mypage.pairs_of(participant, timezone.now()).row_with(company.pk)
    may_ask = (
        participant.is_approved
        and participant.can_change_requests(visit.event)
        and (row is None or row.origin == Origin.THEIRS)
    )
    return render(
        request,
        "fairs/mypage/counterpart.html",
        {
            "company": company,
            "row": row,
            "may_ask": may_ask,
            "quota": _quota(participant),
            "query": query,
            "participant": participant,
        },
    )


# ---------------------------------------------------------------------------- request status


REQUESTS_PER_PAGE = 100


@participant_page
def requests(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-24..MM-30."""
    participant = visit.participant
    pairs = mypage.pairs_of(participant, timezone.now())
    # A popular buyer can receive over a thousand requests; the list is read a page at a time.
    page = page_of(request, pairs.rows, REQUESTS_PER_PAGE)
    return render(
        request,
        "fairs/mypage/requests.html",
        {
            "page": page,
            "rows": [(row, row.time_label(visit.zone)) for row in page.object_list],
            "quota": _quota(participant),
            "participant": participant,
            "can_change": participant.can_change_requests(visit.event),
            "deadline": participant.request_deadline_for(visit.event),
            "mine_count": sum(1 for r in pairs.rows if r.priority is not None),
        },
    )


def _request_action(
    request: AuthenticatedRequest, action: Callable[[], object], success: str
) -> HttpResponse:
    try:
        action()
    except NotFound:
        raise
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("fairs:requests")


@require_POST
@participant_page
def request_cancel(
    request: AuthenticatedRequest, visit: Visit, counterpart_id: int
) -> HttpResponse:
    """SPEC MM-26, G-MM-06."""
    return _request_action(
        request,
        lambda: services.cancel_request(
            participant=visit.participant, counterpart_id=counterpart_id
        ),
        _("Your request was cancelled."),
    )


@require_POST
@participant_page
def request_accept(request: AuthenticatedRequest, visit: Visit, request_id: int) -> HttpResponse:
    """SPEC MM-27."""
    return _request_action(
        request,
        lambda: services.accept_request(participant=visit.participant, request_id=request_id),
        _("You accepted the request: it is now a mutual request."),
    )


@require_POST
@participant_page
def request_reject(request: AuthenticatedRequest, visit: Visit, request_id: int) -> HttpResponse:
    """SPEC MM-28."""
    return _request_action(
        request,
        lambda: services.reject_request(participant=visit.participant, request_id=request_id),
        _("You declined the request."),
    )


@require_POST
@participant_page
def request_priority(request: AuthenticatedRequest, visit: Visit, request_id: int) -> HttpResponse:
    """SPEC MM-29: ▲ / ▼ swaps one of my requests with its neighbour."""
    up = request.POST.get("direction") != "down"
    return _request_action(
        request,
        lambda: services.move_priority(participant=visit.participant, request_id=request_id, up=up),
        _("The priority was changed."),
    )


# ---------------------------------------------------------------------------------- results


@participant_page
def results(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-31..MM-35, G-MM-17, G-MM-19: empty until the schedule is published."""
    participant = visit.participant
    pairs = mypage.pairs_of(participant, timezone.now())
    days = mypage.result_days(pairs, visit.zone)
    event_days = mypage.event_days(visit.event, visit.zone)
    context: dict[str, Any] = {
        "event": visit.event,
        "published": visit.event.is_published,
        "days": days,
        "meeting_count": sum(len(d.rows) for d in days),
        **_zone_context(request, visit),
    }
    if event_days:
        day = mypage.pick_day(request.GET.get("day", ""), event_days, days[0].day if days else None)
        context["calendars"] = mypage.month_calendars(
            event_days, selected=day, dots=mypage.meeting_dots(days)
        )
        context["weekday_headers"] = mypage.WEEKDAY_HEADERS
        if visit.event.is_published:
            context["grid"] = mypage.day_grid(participant, day, visit.zone)
            context["day"] = day
    return render(request, "fairs/mypage/results.html", context)


@participant_page
def waiting(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-37, G-MM-15: my live pairs the schedule has no meeting for."""
    pairs = mypage.pairs_of(visit.participant, timezone.now())
    published = visit.event.is_published
    return render(
        request,
        "fairs/mypage/waiting.html",
        {
            "published": published,
            "rows": mypage.waiting_rows(pairs) if published else [],
        },
    )


@participant_page
def report(request: AuthenticatedRequest, visit: Visit, meeting_id: int) -> HttpResponse:
    """SPEC MM-36, G-MM-14: write my report of a meeting, then see it (and edit it again)."""
    participant = visit.participant
    meeting = mypage.my_published_meeting(participant, meeting_id)
    saved = mypage.my_report(participant, meeting)
    editing = saved is None or request.GET.get("edit") == "1" or request.method == "POST"
    form = ReportForm(request.POST if request.method == "POST" else None, report=saved)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_report(
                    participant=participant, meeting_id=meeting.pk, fields=form.fields_to_save()
                )
            except InvalidInput as error:
                form.add_service_errors(error)
            except SangdamError as error:
                messages.error(request, error.message)
                return redirect("fairs:report", meeting_id=meeting.pk)
            else:
                messages.success(request, _("Your report was saved."))
                return redirect("fairs:report", meeting_id=meeting.pk)
        flash_form_errors(request, form)
    return render(
        request,
        "fairs/mypage/report.html",
        {
            "meeting": meeting,
            "counterpart": mypage.counterpart_of(meeting, participant),
            "time_label": mypage.time_range(meeting.slot, visit.zone),
            "booth": meeting.booth_label(visit.event),
            "report": saved,
            "form": form,
            "editing": editing,
            "started": timezone.now() >= meeting.slot.starts_at,
        },
    )


# --------------------------------------------------------------------------- message box, FAQ


@participant_page
def message_box(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-38, G-MM-13: opening the page marks the notices shown read."""
    participant = visit.participant
    if request.method == "POST":
        count = services.mark_notices_read(participant=participant)
        messages.success(request, _("%(count)d messages marked read.") % {"count": count})
        return redirect("fairs:messages")
    page = page_of(request, mypage.notices(participant), PAGE_SIZE)
    entries = [(n, notice_text(n), n.read_at is None) for n in page.object_list]
    unread_ids = [n.pk for n, _text, unread in entries if unread]
    response = render(
        request,
        "fairs/mypage/messages.html",
        {
            "page": page,
            "entries": entries,
            "unread": mypage.unread_count(participant),
        },
    )
    if unread_ids:
        services.mark_notices_read(participant=participant, notice_ids=unread_ids)
    return response


@participant_page
def faq(request: AuthenticatedRequest, visit: Visit) -> HttpResponse:
    """SPEC MM-39..MM-45."""
    return render(request, "fairs/mypage/faq.html", {"event": visit.event})
