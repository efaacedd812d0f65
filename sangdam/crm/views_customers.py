"""The customer pages (고객정보, SPEC CC-36..CC-41): search, form, customer window, deletion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.http import page_of
from sangdam.core.views import flash_form_errors
from sangdam.crm import customers, tickets
from sangdam.crm.forms_customers import CustomerForm, CustomerSearchForm
from sangdam.crm.models import Customer, Ticket, TicketNote

workers = role_required(Role.ORG_ADMIN, Role.AGENT)
CASES_PER_PAGE = 20

TABS: dict[str, Promise] = {
    "consultations": gettext_lazy("Consultations"),
    "tickets": gettext_lazy("Tickets"),
    "recalls": gettext_lazy("Recalls"),
    "sms": gettext_lazy("SMS"),
    "calls": gettext_lazy("Calls"),
}


def _customer(pk: int) -> Customer:
    try:
        return customers.load_customer(pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _window_url(
    customer: Customer, tab: str = "", anchor: str = "", request: HttpRequest | None = None
) -> str:
    """The customer window, on the tab and (when the form said so) the page it was sent from."""
    url = reverse("crm:customer", args=[customer.pk])
    query = {"tab": tab} if tab else {}
    page = request.POST.get("page", "") if request is not None else ""
    if page.isdigit() and page != "1":
        query["page"] = page
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


# ------------------------------------------------------------------------------------ search


@workers
def customer_search(request: AuthenticatedRequest) -> HttpResponse:
    """CC-37: type a name, a number or an ID (or an apartment and block) and pick a row."""
    searched = any(key in request.GET for key in ("text", "apartment", "block"))
    form = CustomerSearchForm(request.GET if searched else None)
    page = None
    if searched and form.is_valid():
        try:
            found = customers.search_customers(form.search())
        except InvalidInput as error:
            form.add_service_errors(error)
        else:
            page = page_of(request, found)
    new_url = reverse("crm:customer-new")
    text = form.data.get("text", "").strip() if searched else ""
    if page is not None and not page.paginator.count and text:
        # An unknown number: offer to register it (CC-41).
        prefill = customers.fields_for_number(text)
        if prefill.mobile.isdigit() or prefill.phone.isdigit():
            new_url += "?" + urlencode({"phone": text})
    return render(
        request,
        "crm/customers/search.html",
        {"form": form, "page": page, "searched": searched, "new_url": new_url},
    )


# -------------------------------------------------------------------------------------- form


def _save_form(
    request: AuthenticatedRequest, form: CustomerForm, customer: Customer | None
) -> tuple[Customer | None, customers.DuplicateNumber | None]:
    """Save a valid form; the duplicate warning (not confirmed yet) comes back instead."""
    actor = actor_of(request)
    try:
        if customer is None:
            saved = customers.create_customer(
                form.fields_data(), actor, allow_duplicate=form.confirmed
            )
        else:
            saved = customers.update_customer(
                customer.pk, form.fields_data(), actor, allow_duplicate=form.confirmed
            )
    except customers.DuplicateNumber as duplicate:
        return None, duplicate
    except InvalidInput as error:
        form.add_service_errors(error)
    except NotFound as error:
        raise Http404(error.message) from error
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        return saved, None
    return None, None


def _form_page(
    request: AuthenticatedRequest, form: CustomerForm, customer: Customer | None
) -> HttpResponse:
    duplicate = None
    if request.method == "POST" and form.is_valid():
        saved, duplicate = _save_form(request, form, customer)
        if saved is not None:
            if customer is None:
                message = _("The customer %(name)s was registered.")
            else:
                message = _("The customer %(name)s was saved.")
            messages.success(request, message % {"name": saved.name})
            return redirect("crm:customer", pk=saved.pk)
    if request.method == "POST" and form.errors:
        flash_form_errors(request, form)
    return render(
        request,
        "crm/customers/form.html",
        {"form": form, "customer": customer, "duplicate": duplicate},
    )


@workers
def customer_new(request: AuthenticatedRequest) -> HttpResponse:
    """CC-36 신규고객; ``?phone=`` prefills the number of an unknown caller (CC-41)."""
    prefill = customers.fields_for_number(request.GET.get("phone", "")[:30])
    form = CustomerForm(request.POST or None, initial=CustomerForm.initial_for(prefill))
    return _form_page(request, form, None)


@workers
def customer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """CC-39 수정: every field, the SMS opt-out included."""
    customer = _customer(pk)
    initial = CustomerForm.initial_for(customers.CustomerFields.of(customer))
    form = CustomerForm(request.POST or None, initial=initial)
    return _form_page(request, form, customer)


# ------------------------------------------------------------------------------------ delete


@workers
def customer_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """CC-39 삭제: say what happens to the customer's tickets, then delete on confirmation."""
    customer = _customer(pk)
    if request.method == "POST":
        try:
            name = customers.delete_customer(customer.pk, actor_of(request))
        except SangdamError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The customer %(name)s was deleted.") % {"name": name})
            return redirect("crm:customers")
    return render(
        request,
        "crm/customers/delete.html",
        {"customer": customer, "consequences": customers.deletion_consequences(customer)},
    )


# ---------------------------------------------------------------------------- customer window


@dataclass
class NoteRow:
    note: TicketNote
    may_change: bool
    draft: str | None = None


@dataclass
class CaseRow:
    """One case of the consultations tab: the ticket and its added consultations."""

    ticket: Ticket
    notes: list[NoteRow] = field(default_factory=list)
    draft: str = ""


@dataclass
class Drafts:
    """Text typed into the window before a refusal, so that nothing typed is lost."""

    new_consultation: dict[int, str] = field(default_factory=dict)
    edited_note: dict[int, str] = field(default_factory=dict)

    @staticmethod
    def session_key(customer: Customer) -> str:
        return f"crm-customer-drafts-{customer.pk}"

    def keep(self, request: HttpRequest, customer: Customer) -> None:
        request.session[self.session_key(customer)] = {
            "new": {str(k): v for k, v in self.new_consultation.items()},
            "edit": {str(k): v for k, v in self.edited_note.items()},
        }

    @classmethod
    def take(cls, request: HttpRequest, customer: Customer) -> Drafts:
        kept = request.session.pop(cls.session_key(customer), None) or {}
        return cls(
            new_consultation={int(k): str(v) for k, v in kept.get("new", {}).items()},
            edited_note={int(k): str(v) for k, v in kept.get("edit", {}).items()},
        )


def _cases(request: AuthenticatedRequest, page: Page[Ticket], drafts: Drafts) -> list[CaseRow]:
    now = timezone.now()
    user = request.user
    rows = []
    for ticket in page:
        notes = [
            NoteRow(
                note=note,
                may_change=tickets.may_change_record(
                    user, note.created_by_id, note.created_at, now
                ),
                draft=drafts.edited_note.get(note.pk),
            )
            for note in ticket.notes.all()
        ]
        rows.append(
            CaseRow(ticket=ticket, notes=notes, draft=drafts.new_consultation.get(ticket.pk, ""))
        )
    return rows


def _window(request: AuthenticatedRequest, customer: Customer, tab: str) -> HttpResponse:
    if tab not in TABS:
        tab = "consultations"
    counts = customers.customer_counts(customer)
    context: dict[str, Any] = {
        "customer": customer,
        "tab": tab,
        "counts": counts,
        "tabs": [
            (key, label, {"tickets": counts.tickets, "recalls": counts.recalls}.get(key))
            for key, label in TABS.items()
        ],
    }
    if tab == "consultations":
        page = page_of(request, customers.customer_cases(customer), CASES_PER_PAGE)
        context["page"] = page
        context["cases"] = _cases(request, page, Drafts.take(request, customer))
    elif tab == "tickets":
        context["page"] = page_of(request, customers.customer_tickets(customer))
    elif tab == "recalls":
        context["page"] = page_of(request, customers.customer_recalls(customer))
    return render(request, "crm/customers/window.html", context)


@workers
def customer_window(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The customer window (고객창): the customer on the left, their history in tabs (CC-40)."""
    return _window(request, _customer(pk), request.GET.get("tab", "consultations"))


def _refused(
    request: AuthenticatedRequest,
    customer: Customer,
    error: SangdamError,
    drafts: Drafts,
    anchor: str = "",
) -> HttpResponse:
    """Back to the window with the refusal said and the text the agent typed still in its box."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error
    messages.error(request, error.message)
    drafts.keep(request, customer)
    return redirect(_window_url(customer, "consultations", anchor, request))


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@workers
@require_POST
def add_consultation(request: AuthenticatedRequest, pk: int, ticket_pk: int) -> HttpResponse:
    """상담추가 (CC-45): append a consultation to the case; no new ticket."""
    customer = _customer(pk)
    content = request.POST.get("content", "")
    try:
        ticket = customers.customer_ticket(customer, ticket_pk)
        tickets.add_consultation(ticket.pk, _version(request), content, actor_of(request))
    except SangdamError as error:
        drafts = Drafts(new_consultation={ticket_pk: content})
        return _refused(request, customer, error, drafts, f"case-{ticket_pk}")
    messages.success(
        request,
        _("The consultation was added to ticket %(number)s.") % {"number": ticket.number_label},
    )
    return redirect(_window_url(customer, "consultations", f"case-{ticket.pk}", request))


@workers
@require_POST
def complete_case(request: AuthenticatedRequest, pk: int, ticket_pk: int) -> HttpResponse:
    """상담완료 (CC-46): the case is finally complete and leaves the open lists."""
    customer = _customer(pk)
    try:
        ticket = customers.customer_ticket(customer, ticket_pk)
        tickets.complete(
            ticket.pk, _version(request), tickets.TicketFields.of(ticket), actor_of(request)
        )
    except SangdamError as error:
        return _refused(request, customer, error, Drafts(), f"case-{ticket_pk}")
    messages.success(
        request, _("Ticket %(number)s was completed.") % {"number": ticket.number_label}
    )
    return redirect(_window_url(customer, "consultations", f"case-{ticket.pk}", request))


@workers
@require_POST
def edit_consultation(request: AuthenticatedRequest, pk: int, note_pk: int) -> HttpResponse:
    """Change an added consultation (G-CC-03: one's own within 24 hours, or the editor)."""
    customer = _customer(pk)
    content = request.POST.get("content", "")
    try:
        note = customers.customer_note(customer, note_pk)
        tickets.edit_consultation(note.pk, content, actor_of(request))
    except SangdamError as error:
        return _refused(
            request, customer, error, Drafts(edited_note={note_pk: content}), f"note-{note_pk}"
        )
    messages.success(request, _("The consultation was changed."))
    return redirect(_window_url(customer, "consultations", f"case-{note.ticket_id}", request))


@workers
@require_POST
def delete_consultation(request: AuthenticatedRequest, pk: int, note_pk: int) -> HttpResponse:
    """Delete one added consultation; the case and its other entries stay (CC-47, CC-49)."""
    customer = _customer(pk)
    try:
        note = customers.customer_note(customer, note_pk)
        tickets.delete_consultation(note.pk, actor_of(request))
    except SangdamError as error:
        return _refused(request, customer, error, Drafts(), f"note-{note_pk}")
    messages.success(request, _("The consultation was deleted."))
    return redirect(_window_url(customer, "consultations", f"case-{note.ticket_id}", request))


@workers
@require_POST
def complete_recalls(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """리콜완료 (CC-62): only the ticked recalls are completed."""
    customer = _customer(pk)
    selected = [int(value) for value in request.POST.getlist("tickets") if value.isdigit()]
    try:
        done = customers.complete_customer_recalls(customer, selected, actor_of(request))
    except SangdamError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(count)d recall was completed.", "%(count)d recalls were completed.", done)
            % {"count": done},
        )
    return redirect(_window_url(customer, "recalls"))
