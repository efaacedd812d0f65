"""Files in and out of a fair: participant import, Excel exports, printable timetables, iCal.

The building happens in ``importing`` and ``exports``; these views parse input, call one of
them, and turn refusals into messages or 404s.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required
from sangdam.accounts.audit import record_work
from sangdam.accounts.enums import Role, WorkAction, WorkScreen
from sangdam.core.errors import SangdamError
from sangdam.core.http import page_of
from sangdam.core.tenancy import tenant_scope
from sangdam.core.views import flash_form_errors
from sangdam.fairs import exports, importing
from sangdam.fairs.enums import Approval
from sangdam.fairs.forms_files import KEEP_GOOD, MappingForm, UploadForm, side_filter
from sangdam.fairs.models import Event, Participant

organizer = role_required(Role.FAIR_ORGANIZER)
participant_only = role_required(Role.PARTICIPANT)
IMPORT_SESSION_KEY = "fairs-import"
REPORTS_PAGE_SIZE = 100
PRINT_BATCH = 300
GOOD_ROWS_SHOWN = 20


def _event(event_id: int) -> Event:
    """The event of the signed-in organization; another organization's is simply not found."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


def _console_context(event: Event, title: str, active: str = "") -> dict[str, Any]:
    with timezone.override(event.zone):
        label = f"{event.time_zone} ({timezone.localtime().tzname()})"
    return {"event": event, "title": title, "active": active, "zone_label": label}


# ------------------------------------------------------------------------------------ import


def _import_state(request: HttpRequest, event: Event) -> dict[str, Any] | None:
    state = request.session.get(IMPORT_SESSION_KEY)
    if isinstance(state, dict) and state.get("event") == event.pk and state.get("token"):
        return state
    return None


def _forget_upload(request: HttpRequest) -> None:
    state = request.session.pop(IMPORT_SESSION_KEY, None)
    if isinstance(state, dict) and isinstance(state.get("token"), str):
        importing.discard_upload(state["token"])


def _int(value: Any, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


@organizer
def import_participants(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    """Upload → choose sheet and columns → preview every row → import (SPEC issue 4)."""
    event = _event(event_id)
    here = reverse("fairs:import-participants", args=[event.pk])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "upload":
        return _receive_upload(request, event, here)
    if action == "discard":
        _forget_upload(request)
        messages.info(request, _("The uploaded file was discarded. Nothing was imported."))
        return redirect(here)
    state = _import_state(request, event)
    if state is None:
        return _render_import(request, event, {"upload_form": UploadForm()})
    sheet = str(request.POST.get("sheet", state.get("sheet", "")))
    header_row = _int(request.POST.get("header_row"), int(state.get("header_row", 1)))
    try:
        with importing.open_upload(state["token"]) as source:
            table = importing.read_table(source, sheet=sheet, header_row=header_row)
    except importing.ImportFileError as error:
        messages.error(request, error.message)
        if action in ("columns", "preview", "confirm"):
            # A bad sheet or header row: go back to what was readable before.
            return redirect(here)
        _forget_upload(request)
        return redirect(here)
    if (state.get("sheet"), state.get("header_row")) != (table.sheet, table.header_row):
        state.update(sheet=table.sheet, header_row=table.header_row)
        request.session[IMPORT_SESSION_KEY] = state
    if action not in ("preview", "confirm"):
        form = MappingForm(
            initial=MappingForm.initial_for(table, importing.guess_mapping(table.headers)),
            table=table,
        )
        return _render_import(request, event, {"form": form, "state": state, "table": table})
    form = MappingForm(request.POST, table=table)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _render_import(request, event, {"form": form, "state": state, "table": table})
    rows = importing.parse_table(table, form.mapping)
    importing.check_rows(event, rows)
    preview = importing.ImportPreview(table=table, rows=rows)
    fingerprint = form.fingerprint
    if action == "confirm" and form.cleaned_data["previewed"] == fingerprint:
        try:
            count = importing.save_import(
                actor=actor_of(request),
                event=event,
                rows=rows,
                approval=Approval(form.cleaned_data["approval"]),
                keep_good=form.cleaned_data["mode"] == KEEP_GOOD,
            )
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            _forget_upload(request)
            skipped = len(preview.bad)
            if skipped:
                messages.success(
                    request,
                    _("Imported %(count)s participants; skipped %(skipped)s rows with errors.")
                    % {"count": count, "skipped": skipped},
                )
            else:
                messages.success(request, _("Imported %(count)s participants.") % {"count": count})
            return redirect("fairs:participants", pk=event.pk)
    elif action == "confirm":
        messages.warning(
            request,
            _("The sheet or the columns changed after the preview. Check the preview and import."),
        )
    data = request.POST.copy()
    data["previewed"] = fingerprint
    data["approval"] = form.cleaned_data["approval"]
    data["mode"] = form.cleaned_data["mode"]
    form = MappingForm(data, table=table)
    form.is_valid()
    return _render_import(
        request,
        event,
        {
            "form": form,
            "state": state,
            "table": table,
            "preview": preview,
            "bad_rows": preview.bad,
            "good_rows": preview.good[:GOOD_ROWS_SHOWN],
            "good_count": len(preview.good),
            "sides": preview.sides,
        },
    )


def _receive_upload(request: AuthenticatedRequest, event: Event, here: str) -> HttpResponse:
    upload_form = UploadForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        flash_form_errors(request, upload_form)
        return _render_import(request, event, {"upload_form": upload_form}, status=400)
    upload = upload_form.cleaned_data["file"]
    header_row = upload_form.cleaned_data["header_row"]
    token = importing.store_upload(upload)
    try:
        with importing.open_upload(token) as source:
            table = importing.read_table(source, header_row=header_row)
    except importing.ImportFileError as error:
        importing.discard_upload(token)
        messages.error(request, error.message)
        return _render_import(request, event, {"upload_form": upload_form}, status=400)
    _forget_upload(request)
    request.session[IMPORT_SESSION_KEY] = {
        "event": event.pk,
        "token": token,
        "filename": upload.name,
        "sheet": table.sheet,
        "header_row": table.header_row,
        "rows": len(table.rows),
    }
    return redirect(here)


def _render_import(
    request: HttpRequest, event: Event, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        **_console_context(event, _("Import participants from Excel"), "participants"),
        "fields": importing.FIELDS,
        "max_mb": importing.MAX_UPLOAD_BYTES // 1024 // 1024,
        **context,
    }
    return render(request, "fairs/files/import.html", context, status=status)


@organizer
@require_GET
def import_template(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    _event(event_id)
    return exports.xlsx_download(
        _("participants-template") + ".xlsx", importing.template_workbook()
    )


# ------------------------------------------------------------------------------------ exports


@organizer
@require_GET
def export_schedule(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = _event(event_id)
    with record_work(actor_of(request), WorkScreen.FAIRS, WorkAction.EXPORT) as work:
        work.detail = f"event {event.pk} schedule"
        content = exports.workbook_bytes(exports.schedule_sheets(event))
    return exports.xlsx_download(_("schedule") + f"-{event.pk}.xlsx", content)


@organizer
@require_GET
def export_reports(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = _event(event_id)
    with record_work(actor_of(request), WorkScreen.FAIRS, WorkAction.EXPORT) as work:
        work.detail = f"event {event.pk} reports"
        content = exports.workbook_bytes(exports.report_sheets(event))
    return exports.xlsx_download(_("reports") + f"-{event.pk}.xlsx", content)


@organizer
@require_GET
def reports(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = _event(event_id)
    page = page_of(request, exports.report_values(event), REPORTS_PAGE_SIZE)
    context = {
        **_console_context(event, _("Reports (실적표)")),
        "summary": exports.report_summary(event),
        "page": page,
        "rows": [exports.report_row(event, values) for values in page],
        "event_zone_label": exports.zone_label(event),
    }
    with timezone.override(event.zone):
        return render(request, "fairs/files/reports.html", context)


# -------------------------------------------------------------------------------- print pages


def _render_print(
    request: HttpRequest,
    event: Event,
    timetables: list[exports.Timetable],
    *,
    heading: str,
    back_url: str = "",
    notice: str = "",
    page: Page[int] | None = None,
) -> HttpResponse:
    context = {
        "page": page,
        "event": event,
        "timetables": timetables,
        "heading": heading,
        "back_url": back_url,
        "notice": notice,
        "event_zone_label": exports.zone_label(event),
        "printed_at": timezone.now(),
    }
    with timezone.override(event.zone):
        return render(request, "fairs/files/print_timetables.html", context)


def _draft_notice(event: Event) -> str:
    if event.is_published:
        return ""
    return _("Draft: the schedule is not published yet and may still change.")


@organizer
@require_GET
def print_participant(
    request: AuthenticatedRequest, event_id: int, participant_id: int
) -> HttpResponse:
    event = _event(event_id)
    timetables = exports.participant_timetables(
        event, participant_ids=[participant_id], approved_only=False
    )
    if not timetables:
        raise Http404
    return _render_print(
        request,
        event,
        timetables,
        heading=timetables[0].title,
        back_url=reverse("fairs:participant", args=[event.pk, participant_id]),
        notice=_draft_notice(event),
    )


@organizer
@require_GET
def print_all(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    """Every approved participant's timetable, one per printed page, in batches a browser can
    print (the whole of a 3,300-company fair would be one 25 MB page)."""
    event = _event(event_id)
    side = side_filter(request.GET)
    page = page_of(request, exports.printable_participants(event, side=side), PRINT_BATCH)
    timetables = exports.participant_timetables(event, participant_ids=list(page))
    heading = (
        _("Timetables of all approved participants")
        if side is None
        else _("Timetables of all approved %(side)s") % {"side": side.label}
    )
    return _render_print(
        request,
        event,
        timetables,
        heading=heading,
        back_url=reverse("fairs:event", args=[event.pk]),
        notice=_draft_notice(event),
        page=page,
    )


@organizer
@require_GET
def print_table(request: AuthenticatedRequest, event_id: int, table: str) -> HttpResponse:
    event = _event(event_id)
    timetable = exports.table_timetable(event, table.strip())
    if timetable is None:
        raise Http404
    return _render_print(
        request,
        event,
        [timetable],
        heading=timetable.title,
        back_url=reverse("fairs:event", args=[event.pk]),
        notice=_draft_notice(event),
    )


# ------------------------------------------------------------------------------ participant


def _own_participation(request: AuthenticatedRequest) -> Participant:
    try:
        participation: Participant = request.user.participation
    except ObjectDoesNotExist as error:
        raise Http404 from error
    return participation


@participant_only
@require_GET
def my_timetable_print(request: AuthenticatedRequest) -> HttpResponse:
    participant = _own_participation(request)
    event = participant.event
    back_url = reverse("fairs:results")
    if not event.is_published:
        return _render_print(
            request,
            event,
            [],
            heading=participant.company_name,
            back_url=back_url,
            notice=_(
                "The matching results are not published yet. Your timetable can be printed "
                "once the organizer publishes them."
            ),
        )
    timetables = exports.participant_timetables(
        event, participant_ids=[participant.pk], approved_only=False
    )
    return _render_print(
        request, event, timetables, heading=participant.company_name, back_url=back_url
    )


@participant_only
@require_GET
def my_calendar(request: AuthenticatedRequest) -> HttpResponse:
    participant = _own_participation(request)
    response = _calendar_response(exports.calendar_bytes(participant))
    response["Content-Disposition"] = f'attachment; filename="sangdam-{participant.event_id}.ics"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A participant's meetings for calendar apps: no sign-in, the unguessable token is the key.

    The token is looked up across organizations (there is no signed-in user); everything after
    that runs inside the participant's own organization and reads only their meetings.
    """
    participant = (
        Participant.all_objects.select_related("event", "user", "organization")
        .filter(calendar_token=token)
        .first()
        if 16 <= len(token) <= 64
        else None
    )
    if participant is None or participant.user.deleted_at is not None:
        raise Http404
    with tenant_scope(participant.organization):
        content = exports.calendar_bytes(participant)
    response = _calendar_response(content)
    response["Content-Disposition"] = 'inline; filename="sangdam.ics"'
    return response


def _calendar_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response
