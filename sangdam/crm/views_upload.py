"""Customer upload pages (고객데이터 업로드, SPEC CC-42): only the permitted account sees them.

Steps 1 to 3 (file, sheet and first row, columns) keep their state in the session; the check and
the save run as background tasks on a ``CustomerUpload``, whose page shows their progress and
then the preview. The rules live in ``sangdam.crm.uploading``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, redirect_to_login, refusal
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.excel import XLSX_TYPE, xlsx_response
from sangdam.core.http import page_of
from sangdam.core.spreadsheet import SpreadsheetError
from sangdam.core.views import flash_form_errors
from sangdam.crm import uploading
from sangdam.crm.enums import DuplicatePolicy, UploadState
from sangdam.crm.forms_upload import MappingForm, SheetForm, UploadFileForm
from sangdam.crm.models import CustomerUpload

View = TypeVar("View", bound=Callable[..., HttpResponse])
SESSION_KEY = "crm-upload"
SAMPLE_KEY = "crm-upload-sample"
PAGE_SIZE = 50


def uploader_only(view: View) -> View:
    """Only the account with the customer-upload permission gets through (CC-42 AC)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not isinstance(request.user, User):
            return redirect_to_login(request)
        if not uploading.may_upload_customers(request.user):
            return refusal(
                request,
                _("Only the account with the customer-upload permission may upload customers."),
            )
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


# ------------------------------------------------------------------------ steps before the check


def _state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(SESSION_KEY)
    if isinstance(state, dict) and isinstance(state.get("token"), str):
        return state
    return None


def _save_state(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state


def _forget(request: HttpRequest, *, discard: bool) -> None:
    request.session.pop(SAMPLE_KEY, None)
    state = request.session.pop(SESSION_KEY, None)
    if discard and isinstance(state, dict) and isinstance(state.get("token"), str):
        uploading.discard_file(state["token"])


def _sample(
    request: HttpRequest, state: dict[str, Any], sheet: str, first_row: int
) -> uploading.SheetSample:
    """The top of the sheet from ``first_row`` on; kept in the session, since reading even a
    few rows of a large workbook means reading all its shared strings (seconds).

    :raises SpreadsheetError: see ``uploading.sheet_sample``.
    """
    key = [state["token"], sheet, first_row]
    cached = request.session.get(SAMPLE_KEY)
    if isinstance(cached, dict) and cached.get("key") == key:
        return uploading.SheetSample(
            sheet=cached["sheet"],
            sheets=tuple(cached["sheets"]),
            first_row=cached["first_row"],
            headers=tuple(cached["headers"]),
            rows=tuple((n, tuple(texts)) for n, texts in cached["rows"]),
            width=cached["width"],
            estimated_rows=cached["estimated_rows"],
        )
    sample = uploading.sheet_sample(state["token"], sheet=sheet, first_row=first_row)
    request.session[SAMPLE_KEY] = {"key": key, **asdict(sample)}
    return sample


def _sheets(state: dict[str, Any]) -> list[str]:
    """The workbook's sheets, as read when it was uploaded.

    :raises SpreadsheetError: the file is gone.
    """
    sheets = state.get("sheets")
    if isinstance(sheets, list) and sheets:
        return [str(s) for s in sheets]
    return list(uploading.sheet_names(state["token"]))


@uploader_only
def upload(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → sheet and first row → columns and options → check (in the background)."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "upload":
        return _receive(request)
    if action == "discard":
        _forget(request, discard=True)
        messages.info(request, _("The uploaded file was discarded. Nothing was stored."))
        return redirect("crm:upload")
    state = _state(request)
    if state is None:
        if request.method == "POST":
            messages.error(request, _("The uploaded file is no longer available. Upload it again."))
            return redirect("crm:upload")
        return _render_start(request, UploadFileForm())
    if action in ("show", "sheet"):
        return _choose_sheet(request, state, advance=action == "sheet")
    if action == "back":
        state["step"] = "sheet"
        _save_state(request, state)
        return redirect("crm:upload")
    if state.get("step") == "columns":
        return _columns(request, state, check=action == "check")
    return _sheet_page(request, state)


def _receive(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadFileForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _render_start(request, form, status=400)
    file = form.cleaned_data["file"]
    try:
        token, sheets = uploading.receive_file(
            actor_of(request), file, name=file.name or "", size=file.size or 0
        )
    except SangdamError as error:
        form.add_error("file", error.message)
        messages.error(request, error.message)
        return _render_start(request, form, status=400)
    _forget(request, discard=True)
    _save_state(
        request,
        {
            "token": token,
            "file_name": file.name or "",
            "sheets": list(sheets),
            "step": "sheet",
            "sheet": sheets[0],
            "first_row": uploading.DEFAULT_FIRST_ROW,
        },
    )
    return redirect("crm:upload")


def _render_start(
    request: AuthenticatedRequest, form: UploadFileForm, status: int = 200
) -> HttpResponse:
    recent = CustomerUpload.objects.defer("problems", "mapping").order_by("-created_at", "-pk")
    page = page_of(request, recent, PAGE_SIZE)
    return render(
        request,
        "crm/upload/start.html",
        {"title": _("Customer upload"), "step": 1, "form": form, "page": page},
        status=status,
    )


def _sheet_page(
    request: AuthenticatedRequest,
    state: dict[str, Any],
    form: SheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sample = None
    try:
        sample = _sample(request, state, state.get("sheet", ""), int(state["first_row"]))
    except SpreadsheetError as error:
        if form is None:
            messages.error(request, error.message)
    if form is None:
        try:
            sheets = _sheets(state)
        except SpreadsheetError as error:
            messages.error(request, error.message)
            _forget(request, discard=True)
            return redirect("crm:upload")
        form = SheetForm(
            initial={"sheet": state.get("sheet") or sheets[0], "first_row": state["first_row"]},
            sheets=sheets,
        )
    return render(
        request,
        "crm/upload/sheet.html",
        {
            "title": _("Customer upload"),
            "step": 2,
            "state": state,
            "form": form,
            "sample": sample,
        },
        status=status,
    )


def _choose_sheet(
    request: AuthenticatedRequest, state: dict[str, Any], *, advance: bool
) -> HttpResponse:
    try:
        sheets = _sheets(state)
    except SpreadsheetError as error:
        messages.error(request, error.message)
        _forget(request, discard=True)
        return redirect("crm:upload")
    form = SheetForm(request.POST, sheets=sheets)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _sheet_page(request, {**state, "first_row": 1}, form, status=400)
    sheet, first_row = form.cleaned_data["sheet"], form.cleaned_data["first_row"]
    try:
        _sample(request, state, sheet, first_row)
    except SpreadsheetError as error:
        form.add_error("first_row", error.message)
        messages.error(request, error.message)
        # The top of the sheet, to find where the customers start.
        return _sheet_page(request, {**state, "sheet": sheet, "first_row": 1}, form, status=400)
    if (sheet, first_row) != (state.get("sheet"), state.get("first_row")):
        state.pop("mapping", None)  # other headers: guess the columns again
    state.update(sheet=sheet, first_row=first_row, step="columns" if advance else "sheet")
    _save_state(request, state)
    return redirect("crm:upload")


def _columns(request: AuthenticatedRequest, state: dict[str, Any], *, check: bool) -> HttpResponse:
    try:
        sample = _sample(request, state, state["sheet"], int(state["first_row"]))
    except SpreadsheetError as error:
        messages.error(request, error.message)
        state["step"] = "sheet"
        _save_state(request, state)
        return redirect("crm:upload")
    if not check:
        mapping = state.get("mapping") or uploading.guess_mapping(sample.headers)
        form = MappingForm(
            initial=MappingForm.initial_for(
                mapping,
                duplicates=state.get("duplicates", DuplicatePolicy.SKIP),
                keep_good_rows=bool(state.get("keep_good_rows")),
            ),
            columns=sample.columns,
        )
        return _render_columns(request, state, form, sample)
    form = MappingForm(request.POST, columns=sample.columns)
    if not form.is_valid():
        flash_form_errors(request, form)
        return _render_columns(request, state, form, sample, status=400)
    chosen = uploading.UploadSettings(
        token=state["token"],
        file_name=state["file_name"],
        sheet=sample.sheet,
        first_row=sample.first_row,
        mapping=form.mapping,
        duplicates=DuplicatePolicy(form.cleaned_data["duplicates"]),
        keep_good_rows=form.cleaned_data["keep_good_rows"],
    )
    try:
        started = uploading.start_check(actor_of(request), chosen)
    except InvalidInput as error:
        for field, problems in error.errors.items():
            for problem in problems:
                form.add_error(f"col_{field}" if f"col_{field}" in form.fields else None, problem)
        messages.error(request, error.message)
        return _render_columns(request, state, form, sample, status=400)
    except SangdamError as error:
        messages.error(request, error.message)
        _forget(request, discard=False)
        return redirect("crm:upload")
    _forget(request, discard=False)  # the file belongs to the upload now
    return redirect("crm:upload-detail", pk=started.pk)


def _render_columns(
    request: AuthenticatedRequest,
    state: dict[str, Any],
    form: MappingForm,
    sample: uploading.SheetSample,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "crm/upload/columns.html",
        {
            "title": _("Customer upload"),
            "step": 3,
            "state": state,
            "form": form,
            "sample": sample,
        },
        status=status,
    )


@uploader_only
@require_GET
def template(request: AuthenticatedRequest) -> HttpResponse:
    response = HttpResponse(uploading.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="customers-template.xlsx"'
    return response


# ---------------------------------------------------------------------------- an upload's page


def _upload(pk: int) -> CustomerUpload:
    try:
        return uploading.load_upload(pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _progress_context(upload: CustomerUpload) -> dict[str, Any]:
    processed, total = uploading.progress_of(upload)
    percent = int(processed * 100 / total) if total else 0
    return {
        "upload": upload,
        "processed": processed,
        "total": total,
        "percent": percent,
        "processed_text": f"{processed:,}",
        "total_text": f"{total:,}",
    }


@uploader_only
@require_GET
def upload_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    upload = _upload(pk)
    context: dict[str, Any] = {
        "title": _("Customer upload"),
        "step": 4 if upload.state in (UploadState.CHECKING, UploadState.CHECKED) else 5,
        "States": UploadState,
        **_progress_context(upload),
    }
    if upload.state in (UploadState.CHECKED, UploadState.DONE):
        problems = uploading.problem_rows(upload)
        context["problems"] = page_of(request, problems, PAGE_SIZE)
    if upload.state == UploadState.CHECKED:
        context["good_rows"] = uploading.good_rows(upload)
        context["may_confirm"] = upload.good_rows > 0 and (
            upload.keep_good_rows or not upload.bad_rows
        )
    return render(request, "crm/upload/detail.html", context)


@uploader_only
@require_GET
def upload_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the task is over the page reloads itself."""
    upload = _upload(pk)
    if upload.state not in uploading.IN_PROGRESS:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "crm/upload/_progress.html", _progress_context(upload))


@uploader_only
@require_POST
def upload_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    keep = request.POST.get("keep_good_rows")
    try:
        _confirmed, started = uploading.confirm_upload(
            actor_of(request), pk, keep_good_rows=True if keep == "1" else None
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        if not started:
            messages.info(request, _("This upload is being saved or was saved already."))
    return redirect("crm:upload-detail", pk=pk)


@uploader_only
@require_POST
def upload_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        uploading.discard_upload(actor_of(request), pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect("crm:upload-detail", pk=pk)
    messages.info(request, _("The upload was discarded. Nothing was stored."))
    return redirect("crm:upload")


@uploader_only
@require_POST
def upload_revise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Back to the columns with the same file (a wrong column, another duplicate policy)."""
    try:
        chosen = uploading.reopen_upload(actor_of(request), pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect("crm:upload-detail", pk=pk)
    _forget(request, discard=True)
    _save_state(
        request,
        {
            "token": chosen.token,
            "file_name": chosen.file_name,
            "sheets": [],  # read again when needed
            "step": "columns",
            "sheet": chosen.sheet,
            "first_row": chosen.first_row,
            "mapping": dict(chosen.mapping),
            "duplicates": str(chosen.duplicates),
            "keep_good_rows": chosen.keep_good_rows,
        },
    )
    return redirect("crm:upload")


@uploader_only
@require_GET
def upload_problems(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    upload = _upload(pk)
    headers, rows = uploading.problems_sheet(upload)
    return xlsx_response(f"upload-{upload.pk}-problems.xlsx", _("Problems"), headers, rows)
