"""The contact-center administration pages: consultation types (CC-03..05), extensions (CC-07)
and the consultation history (상담내역 관리, CC-48..53). Administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, refusal, role_required
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.excel import xlsx_response
from sangdam.core.http import int_param, page_of
from sangdam.core.views import flash_form_errors
from sangdam.crm import extensions, history, types
from sangdam.crm.errors import NotAllowed
from sangdam.crm.forms_admin import (
    CaseChangesForm,
    ExtensionForm,
    ExtensionLengthForm,
    HistorySearchForm,
    TypeCreateForm,
    TypeEditForm,
)
from sangdam.crm.tickets import WORK_ROLES

admin_only = role_required(Role.ORG_ADMIN)


# ------------------------------------------------------------------------ consultation types


def _types_page(
    request: AuthenticatedRequest,
    *,
    create_form: TypeCreateForm | None = None,
    edit_form: TypeEditForm | None = None,
    editing: int | None = None,
) -> HttpResponse:
    tree = types.type_tree()
    nodes = types.flat_types(tree)
    if create_form is None:
        parent = int_param(request.GET.get("parent"))
        create_form = TypeCreateForm(nodes=nodes, initial={"parent": parent})
        if parent is not None:
            create_form.fields["name"].widget.attrs["autofocus"] = True
    editing = editing if editing is not None else int_param(request.GET.get("edit"))
    if edit_form is None and editing is not None:
        node = next((n for n in nodes if n.type.pk == editing), None)
        if node is not None:
            edit_form = TypeEditForm(
                initial={
                    "code": node.type.code,
                    "name": node.type.name,
                    "sort_order": node.type.sort_order,
                }
            )
        else:
            editing = None
    return render(
        request,
        "crm/admin/types.html",
        {
            "nodes": nodes,
            "create_form": create_form,
            "edit_form": edit_form,
            "editing": editing,
            "locked_count": sum(1 for node in nodes if node.locked),
        },
    )


@admin_only
def type_list(request: AuthenticatedRequest) -> HttpResponse:
    """상담유형: the tree, the add form, inline editing (?edit=<id>) and deleting."""
    if request.method != "POST":
        return _types_page(request)
    form = TypeCreateForm(request.POST, nodes=types.flat_types(with_usage=False))
    if form.is_valid():
        try:
            kind = types.create_type(
                actor=actor_of(request),
                name=form.cleaned_data["name"],
                parent_id=form.cleaned_data["parent"],
                code=form.cleaned_data["code"],
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": types.type_path(kind)})
            return redirect(f"{reverse('crm:types')}?parent={kind.parent_id or ''}#add")
    flash_form_errors(request, form)
    return _types_page(request, create_form=form)


@admin_only
@require_POST
def type_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = TypeEditForm(request.POST)
    if form.is_valid():
        try:
            types.rename_type(
                actor=actor_of(request),
                type_id=pk,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                sort_order=form.cleaned_data["sort_order"],
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
            return redirect("crm:types")
        else:
            messages.success(request, _("The type was saved."))
            return redirect(f"{reverse('crm:types')}#type-{pk}")
    flash_form_errors(request, form)
    return _types_page(request, edit_form=form, editing=pk)


@admin_only
@require_POST
def type_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        types.delete_type(actor=actor_of(request), type_id=pk)
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The type was deleted."))
    return redirect("crm:types")


# ------------------------------------------------------------------------------- extensions


def _extensions_page(
    request: AuthenticatedRequest,
    *,
    length_form: ExtensionLengthForm | None = None,
    failed: tuple[int, ExtensionForm] | None = None,
) -> HttpResponse:
    organization = request.user.organization
    organization.refresh_from_db(fields=["extension_length"])
    if length_form is None:
        length_form = ExtensionLengthForm(
            initial={"extension_length": organization.extension_length}
        )
    page = page_of(request, extensions.extension_holders())
    rows = []
    for holder in page:
        if failed is not None and failed[0] == holder.pk:
            form = failed[1]
        else:
            form = ExtensionForm(
                initial={"extension": holder.extension}, prefix=f"user-{holder.pk}"
            )
        rows.append({"user": holder, "form": form})
    return render(
        request,
        "crm/admin/extensions.html",
        {
            "organization": organization,
            "length_form": length_form,
            "page": page,
            "rows": rows,
            "page_number": page.number,
        },
    )


@admin_only
def extension_list(request: AuthenticatedRequest) -> HttpResponse:
    """내선번호 관리: the tenant's extension length and each worker's extension."""
    if request.method != "POST":
        return _extensions_page(request)
    form = ExtensionLengthForm(request.POST)
    if form.is_valid():
        try:
            extensions.set_extension_length(
                actor=actor_of(request), length=form.cleaned_data["extension_length"]
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Extensions now have at most %(count)d digits.")
                % {"count": form.cleaned_data["extension_length"]},
            )
            return redirect("crm:extensions")
    flash_form_errors(request, form)
    return _extensions_page(request, length_form=form)


@admin_only
@require_POST
def extension_set(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    form = ExtensionForm(request.POST, prefix=f"user-{user_id}")
    page = request.GET.get("page", "")
    back = reverse("crm:extensions") + (f"?{urlencode({'page': page})}" if page else "")
    if form.is_valid():
        try:
            holder = extensions.set_extension(
                actor=actor_of(request), user_id=user_id, extension=form.cleaned_data["extension"]
            )
        except InvalidInput as error:
            form.add_service_errors(error)
        except SangdamError as error:
            messages.error(request, error.message)
            return redirect(back)
        else:
            if holder.extension:
                text = _("%(name)s now has extension %(extension)s.") % {
                    "name": holder.actor_label,
                    "extension": holder.extension,
                }
            else:
                text = _("%(name)s no longer has an extension.") % {"name": holder.actor_label}
            messages.success(request, text)
            return redirect(f"{back}#user-{user_id}")
    for error_text in form.errors.get("extension", []):
        messages.error(request, f"{_('Extension')}: {error_text}")
    return _extensions_page(request, failed=(user_id, form))


# --------------------------------------------------------------------- consultation history


def _agent_choices() -> list[tuple[int, str]]:
    """Everyone who may have written consultations, deleted accounts last and marked."""
    users = User.objects.filter(role__in=WORK_ROLES).order_by("deleted_at", "name", "pk")
    return [
        (
            user.pk,
            user.actor_label if user.deleted_at is None else f"{user.actor_label} ({_('deleted')})",
        )
        for user in users
    ]


def _search_form(request: HttpRequest, nodes: list[types.TypeNode]) -> HistorySearchForm:
    bound = any(name in request.GET for name in ("start", "end", "type", "agent", "apartment"))
    today = timezone.localdate()
    return HistorySearchForm(
        request.GET if bound else None,
        nodes=nodes,
        agents=_agent_choices(),
        initial={"start": history.earliest_start(today), "end": today},
    )


@admin_only
def history_list(request: AuthenticatedRequest) -> HttpResponse:
    """상담내역 관리: search a month of consultations by type, agent and apartment (CC-48)."""
    nodes = types.flat_types(with_usage=False)
    form = _search_form(request, nodes)
    page = None
    if not form.is_bound or form.is_valid():
        search = form.search() if form.is_bound else history.HistorySearch()
        try:
            _period, found = history.search_history(search)
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            page = page_of(request, found)
    if form.errors:
        flash_form_errors(request, form)
    rows = [
        {
            "ticket": ticket,
            "parents": types.type_path(ticket.consultation_type.parent)
            if ticket.consultation_type
            else "",
            "leaf": types.label(ticket.consultation_type) if ticket.consultation_type else "",
            "address": history.address_of(ticket),
            "customer_name": history.customer_name_of(ticket),
        }
        for ticket in (page or [])
    ]
    return render(
        request,
        "crm/admin/history.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            # The detail page links back to this search and page.
            "back": f"?{request.GET.urlencode()}" if request.GET else "",
            "earliest": history.earliest_start(),
            "now": timezone.now(),
        },
    )


@admin_only
def history_export(request: AuthenticatedRequest) -> HttpResponse:
    """내보내기: the search's rows as .xlsx, for holders of the export permission (CC-52)."""
    back = f"{reverse('crm:history')}?{request.GET.urlencode()}"
    form = _search_form(request, types.flat_types(with_usage=False))
    if form.is_bound and not form.is_valid():
        return redirect(back)  # the search page shows the same errors on its fields
    search = form.search() if form.is_bound else history.HistorySearch()
    try:
        export = history.export_history(actor_of(request), search)
    except NotAllowed as error:
        return refusal(request, error.message)
    except InvalidInput as error:
        if not set(error.errors) & set(form.fields):
            messages.error(request, error.message)
        return redirect(back)
    except SangdamError as error:
        messages.error(request, error.message)
        return redirect(back)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    title = _("Consultation history")
    return xlsx_response(f"{title}-{stamp}.xlsx", title, export.headers, export.rows)


def _case_page(
    request: AuthenticatedRequest,
    ticket_pk: int,
    *,
    form: CaseChangesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        ticket = history.load_case(ticket_pk)
    except NotFound as error:
        return refusal(request, error.message, status=404)
    now = timezone.now()
    entries = history.entries(ticket, request.user, now)
    if form is None:
        form = CaseChangesForm(
            entries=entries,
            initial={
                "version": ticket.version,
                **{f"{entry.key}-content": entry.content for entry in entries},
            },
        )
    rows = []
    for number, entry in enumerate(entries):
        field = form[f"{entry.key}-content"]
        value = field.value() or ""
        delete_name = f"{entry.key}-delete" if entry.note else "delete_case"
        rows.append(
            {
                "entry": entry,
                "number": number,
                "field": field,
                "delete_name": delete_name,
                "editing": form.is_bound
                and value.replace("\r\n", "\n") != entry.content.replace("\r\n", "\n"),
                "deleting": form.is_bound and bool(form[delete_name].value()),
            }
        )
    back = request.GET.get("back", "")
    return render(
        request,
        "crm/admin/history_ticket.html",
        {
            "ticket": ticket,
            "form": form,
            "rows": rows,
            "added_count": len(entries) - 1,
            "any_changeable": any(entry.changeable for entry in entries),
            "path": types.type_path(ticket.consultation_type),
            "address": history.address_of(ticket),
            "customer_name": history.customer_name_of(ticket),
            "back": back if back.startswith("?") or not back else "",
            "editor": request.user.can_edit_consultations,
            "now": now,
        },
        status=status,
    )


@admin_only
def history_ticket(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One case with its entries; edits and deletions apply on 변경내용 저장 only (CC-49)."""
    if request.method != "POST":
        return _case_page(request, pk)
    try:
        ticket = history.load_case(pk)
    except NotFound as error:
        return refusal(request, error.message, status=404)
    form = CaseChangesForm(
        request.POST, entries=history.entries(ticket, request.user, timezone.now())
    )
    back = request.GET.get("back", "")
    if not form.is_valid():
        flash_form_errors(request, form)
        return _case_page(request, pk, form=form)
    changes = form.changes()
    if changes.empty:
        messages.info(request, _("There were no changes to save."))
        return redirect(request.get_full_path())
    try:
        saved = history.save_case_changes(actor_of(request), pk, changes)
    except InvalidInput as error:
        form.add_service_errors(error)
        messages.error(request, error.message)
        return _case_page(request, pk, form=form)
    except SangdamError as error:
        messages.error(request, error.message)
        return _case_page(request, pk, form=form, status=error.http_status)
    if saved is None:
        messages.success(
            request,
            _("Consultation %(number)s was deleted with all its entries.")
            % {"number": ticket.number_label},
        )
        return redirect(reverse("crm:history") + (back if back.startswith("?") else ""))
    messages.success(request, _("The changes were saved."))
    return redirect(request.get_full_path())
