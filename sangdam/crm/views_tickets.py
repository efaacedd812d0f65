"""CS등록: the ticket form with the ETS button bar (SPEC CS-04, CS-10..CS-22, CS-46, CC-44).

One screen serves a new ticket (``crm:ticket-new``) and a loaded one (``crm:ticket``). Each
button posts the whole form with its ``action``; the view makes one service call and redirects
to the ticket, or shows the form again with the input kept when the service refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sangdam.accounts.access import AuthenticatedRequest, actor_of, role_required
from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Role
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.http import int_param
from sangdam.core.views import flash_form_errors
from sangdam.crm import tickets
from sangdam.crm.customers import CustomerSearch, customers_with_phone, search_customers
from sangdam.crm.errors import TicketChanged
from sangdam.crm.forms_tickets import ConsultationForm, TicketForm, TypeTree
from sangdam.crm.models import TYPE_LEVELS, Customer, Ticket
from sangdam.crm.phones import format_phone, normalize_phone, search_digits

worker = role_required(Role.ORG_ADMIN, Role.AGENT)
LOOKUP_LIMIT = 50
RECENT_TICKETS = 10


@dataclass(frozen=True)
class Action:
    """One button of the ETS button bar."""

    name: str
    key: str
    label: Any


ACTIONS = {
    action.name: action
    for action in (
        Action("save_new", "F4", gettext_lazy("Save ticket info")),
        Action("transfer", "F5", gettext_lazy("Transfer ticket")),
        Action("complete", "F6", gettext_lazy("Complete ticket")),
        Action("save_edits", "F7", gettext_lazy("Save edits")),
        Action("temp_save", "F12", gettext_lazy("Temp save")),
        Action("discard", "", gettext_lazy("Discard ticket")),
    )
}


def _url(name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    """A link with its query string; empty values are left out."""
    url = reverse(name, args=args)
    if query:
        params = QueryDict(mutable=True)
        params.update({key: value for key, value in query.items() if value})
        if params:
            url = f"{url}?{params.urlencode()}"
    return url


def _ticket_or_404(pk: int) -> Ticket:
    """The ticket of the signed-in organization; another organization's is simply not found."""
    try:
        return tickets.load_ticket(pk)
    except NotFound as error:
        raise Http404 from error


# ------------------------------------------------------------------------------ the form page


def _state(ticket: Ticket | None) -> str:
    if ticket is None:
        return "new"
    if ticket.is_discarded:
        return "discarded"
    if ticket.is_draft:
        return "draft"
    return "open" if ticket.is_open else "completed"


def _enabled(ticket: Ticket | None, request: AuthenticatedRequest) -> dict[str, bool]:
    """Which buttons apply to the ticket as it is; the services still check every rule."""
    state = _state(ticket)
    user = request.user
    may_edit = ticket is not None and tickets.may_edit_ticket(user, ticket, timezone.now())
    may_discard = (
        ticket is not None
        and state in ("draft", "open")
        and (ticket.created_by_id == user.pk or user.is_org_admin)
    )
    unregistered = state in ("new", "draft")
    return {
        "save_new": unregistered,
        "transfer": unregistered or state == "open",
        "complete": unregistered or state == "open",
        "save_edits": state in ("open", "completed") and may_edit,
        "temp_save": unregistered,
        "discard": may_discard,
        "follow_up": state in ("open", "completed", "discarded"),
        "add_consultation": state in ("open", "completed"),
    }


def _type_selects(form: TicketForm) -> list[dict[str, Any]]:
    """The three cascading 상담유형 selects with the options the chosen parents give."""
    selects = []
    parent: int | None = None
    for level in range(1, TYPE_LEVELS + 1):
        name = f"type_{level}"
        chosen = int_param(str(form.selected(name)))
        groups = form.tree.options(level, parent)
        selects.append(
            {
                "level": level,
                "name": name,
                "chosen": chosen,
                "groups": groups,
                "field": form[name],
            }
        )
        parent = chosen
    return selects


def _customer_of(form: TicketForm) -> Customer | None:
    pk = int_param(str(form.selected("customer_id")))
    return Customer.objects.filter(pk=pk).first() if pk else None


def _recent_tickets(customer: Customer | None) -> QuerySet[Ticket]:
    if customer is None:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(customer=customer, is_draft=False)
        .select_related("consultation_type")
        .order_by("-received_at", "-pk")[:RECENT_TICKETS]
    )


def _panel(customer: Customer | None, phone: str) -> dict[str, Any]:
    """The customer-related area (CS-04 area 6): the customer, links, their recent tickets."""
    return {
        "customer": customer,
        "customer_numbers": [
            format_phone(number) for number in (customer.mobile, customer.phone) if number
        ]
        if customer
        else [],
        "customer_window_url": _url("crm:customer", customer.pk) if customer else "",
        "new_customer_url": _url("crm:customer-new", query={"phone": phone}),
        "recent": _recent_tickets(customer),
    }


def _buttons(enabled: dict[str, bool]) -> list[dict[str, Any]]:
    return [
        {"action": ACTIONS[name], "enabled": enabled[name]}
        for name in ("save_new", "transfer", "complete", "save_edits", "temp_save")
    ]


def _page(
    request: AuthenticatedRequest,
    ticket: Ticket | None,
    form: TicketForm,
    *,
    note_form: ConsultationForm | None = None,
    changed: str = "",
    status: int = 200,
) -> HttpResponse:
    phone = str(form.selected("customer_phone"))
    enabled = _enabled(ticket, request)
    editable = any(enabled[name] for name in ("save_new", "save_edits", "temp_save"))
    if ticket is not None and not note_form:
        note_form = ConsultationForm(initial={"version": ticket.version})
    context = {
        "form": form,
        "ticket": ticket,
        "state": _state(ticket),
        "enabled": enabled,
        "buttons": _buttons(enabled),
        "editable": editable,
        "type_selects": _type_selects(form),
        **_panel(_customer_of(form), phone),
        "note_form": note_form,
        "changed": changed,
        "follow_url": _url("crm:ticket-new", query={"follow": ticket.pk}) if ticket else "",
    }
    if ticket is None:
        follows_pk = int_param(str(form.selected("follows_id")))
        context["follows"] = Ticket.objects.filter(pk=follows_pk).first() if follows_pk else None
    else:
        context["events"] = list(ticket.events.all())
        context["notes"] = list(ticket.notes.select_related("created_by"))
        context["follow_ups"] = list(ticket.follow_ups.order_by("number"))
        context["follows"] = ticket.follows
    return render(request, "crm/tickets/ticket.html", context, status=status)


def _new_fields(request: AuthenticatedRequest) -> tickets.TicketFields:
    """A new form's values: F8's follow-up, a chosen customer, or a caller's number."""
    follow = int_param(request.GET.get("follow"))
    if follow is not None:
        return tickets.follow_up_fields(_ticket_or_404(follow))
    customer_pk = int_param(request.GET.get("customer"))
    if customer_pk is not None:
        customer = Customer.objects.filter(pk=customer_pk).first()
        if customer is None:
            raise Http404
        return tickets.TicketFields(
            customer_id=customer.pk,
            customer_name=customer.name,
            customer_phone=customer.mobile or customer.phone,
        )
    phone = request.GET.get("phone", "").strip()
    if phone:
        try:
            digits = normalize_phone(phone, field="customer_phone")
        except InvalidInput:
            return tickets.TicketFields(customer_phone=phone)
        # SPEC CS-06: a registered caller loads by the number alone.
        matches = list(customers_with_phone(digits)[:2])
        if len(matches) == 1:
            return tickets.TicketFields(
                customer_id=matches[0].pk, customer_name=matches[0].name, customer_phone=digits
            )
        return tickets.TicketFields(customer_phone=digits)
    return tickets.TicketFields()


@worker
def ticket_new(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, None)
    tree = TypeTree()
    data = _new_fields(request)
    initial = TicketForm.initial_for(data, None) | TicketForm.type_initial(
        tree, data.consultation_type_id
    )
    form = TicketForm(initial=initial, user=request.user, tree=tree)
    return _page(request, None, form)


def _loaded_form(request: AuthenticatedRequest, current: Ticket) -> TicketForm:
    """The form showing the ticket as stored."""
    tree = TypeTree()
    initial = TicketForm.initial_for(tickets.TicketFields.of(current), current)
    initial |= TicketForm.type_initial(tree, current.consultation_type_id)
    return TicketForm(initial=initial, user=request.user, original=current, tree=tree)


@worker
def ticket(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    current = _ticket_or_404(pk)
    if request.method == "POST":
        return _submit(request, current)
    return _page(request, current, _loaded_form(request, current))


def _done(request: AuthenticatedRequest, action: Action, result: Ticket) -> HttpResponse:
    messages.success(
        request,
        _("%(action)s: ticket %(number)s.")
        % {"action": action.label, "number": result.number_label},
    )
    return redirect("crm:ticket", pk=result.pk)


def _submit(request: AuthenticatedRequest, current: Ticket | None) -> HttpResponse:
    form = TicketForm(request.POST, user=request.user, original=current)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose one of the buttons of the button bar."))
        return _page(request, current, form, status=400)
    if form.is_valid() and form.cleaned_data["ticket"] != (current.pk if current else None):
        messages.error(request, _("This form belongs to another ticket. Reload the page."))
        return _page(request, current, form, status=400)
    try:
        if action.name == "discard":
            result = _discard(request, current)
        elif form.is_valid():
            result = _run(request, action.name, current, form)
        else:
            flash_form_errors(request, form)
            return _page(request, current, form)
    except TicketChanged as error:
        return _page(request, current, form, changed=error.message, status=409)
    except InvalidInput as error:
        form.add_service_errors(error)
        flash_form_errors(request, form)
        return _page(request, current, form)
    except SangdamError as error:
        messages.error(request, error.message)
        return _page(request, current, form)
    return _done(request, action, result)


def _discard(request: AuthenticatedRequest, current: Ticket | None) -> Ticket:
    if current is None:
        raise InvalidInput.single("reason", _("A ticket that was never saved needs no discarding."))
    version = int_param(request.POST.get("version"))
    if version is None:
        raise TicketChanged(_("The form lost its version. Reload the ticket."))
    return tickets.discard(current.pk, version, request.POST.get("reason", ""), actor_of(request))


def _run(
    request: AuthenticatedRequest, name: str, current: Ticket | None, form: TicketForm
) -> Ticket:
    data = form.fields_data()
    version: int = form.cleaned_data["version"]
    pk = current.pk if current else None
    actor = actor_of(request)
    calls: dict[str, Callable[[], Ticket]] = {
        "save_new": lambda: tickets.save_new(data, actor, draft_pk=pk, version=version),
        "temp_save": lambda: tickets.temp_save(data, actor, draft_pk=pk, version=version),
        "transfer": lambda: tickets.transfer(
            pk, version, data, form.cleaned_data["assignee_id"], actor
        ),
        "complete": lambda: tickets.complete(pk, version, data, actor),
        "save_edits": lambda: _save_edits(pk, version, data, actor),
    }
    return calls[name]()


def _save_edits(pk: int | None, version: int, data: tickets.TicketFields, actor: Actor) -> Ticket:
    if pk is None:
        raise InvalidInput.single("content", _("Register the new ticket first (F4)."))
    return tickets.save_edits(pk, version, data, actor)


# ------------------------------------------------------------------------ added consultations


@worker
@require_POST
def add_consultation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """상담추가 from the box under the form (CC-45)."""
    current = _ticket_or_404(pk)
    note_form = ConsultationForm(request.POST)
    form = _loaded_form(request, current)
    if not note_form.is_valid():
        flash_form_errors(request, note_form)
        return _page(request, current, form, note_form=note_form)
    try:
        tickets.add_consultation(
            current.pk,
            note_form.cleaned_data["version"],
            note_form.cleaned_data["note"],
            actor_of(request),
        )
    except TicketChanged as error:
        return _page(request, current, form, note_form=note_form, changed=error.message, status=409)
    except InvalidInput as error:
        for message in [m for messages_ in error.errors.values() for m in messages_]:
            note_form.add_error("note", message)
        return _page(request, current, form, note_form=note_form)
    except SangdamError as error:
        messages.error(request, error.message)
        return _page(request, current, form, note_form=note_form)
    messages.success(
        request,
        _("Consultation added to ticket %(number)s.") % {"number": current.number_label},
    )
    return redirect("crm:ticket", pk=current.pk)


# -------------------------------------------------------------------------- htmx fragments


@worker
@require_GET
def type_options(request: AuthenticatedRequest) -> HttpResponse:
    """The options of one level's select for the chosen parent (cascading 상담유형)."""
    level = int_param(request.GET.get("level")) or 2
    if not 2 <= level <= TYPE_LEVELS:
        raise Http404
    parent = int_param(request.GET.get(f"type_{level - 1}"))
    tree = TypeTree()
    groups = tree.options(level, parent) if parent is not None else []
    return render(
        request,
        "crm/tickets/_type_options.html",
        {"groups": groups, "level": level, "deeper": range(level + 1, TYPE_LEVELS + 1)},
    )


@worker
@require_GET
def customer_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """고객ID lookup (CS-07): the customers matching a name, a number or a customer ID."""
    text = request.GET.get("customer_lookup", "").strip()
    partial = bool(request.headers.get("HX-Request"))
    found, more, error = _lookup(text) if text or partial else ([], False, "")
    context = {
        "text": text,
        "found": found,
        "more": more,
        "error": error,
        "limit": LOOKUP_LIMIT,
        "new_customer_url": _url(
            "crm:customer-new", query={"phone": text if search_digits(text) else ""}
        ),
    }
    if partial:
        return render(request, "crm/tickets/_customer_lookup.html", context)
    return render(request, "crm/tickets/customer_lookup.html", context | {"searched": bool(text)})


def _lookup(text: str) -> tuple[list[dict[str, Any]], bool, str]:
    """The matching customers (at most LOOKUP_LIMIT), whether there are more, or the error."""
    try:
        rows = list(search_customers(CustomerSearch(text=text))[: LOOKUP_LIMIT + 1])
    except InvalidInput as refused:
        return [], False, refused.message
    found = [
        {
            "customer": customer,
            "mobile": format_phone(customer.mobile),
            "phone": format_phone(customer.phone),
            # What the form's 고객전화번호 takes: the mobile first, as ETS does.
            "contact": format_phone(customer.mobile or customer.phone),
        }
        for customer in rows[:LOOKUP_LIMIT]
    ]
    return found, len(rows) > LOOKUP_LIMIT, ""


@worker
@require_GET
def customer_panel(request: AuthenticatedRequest) -> HttpResponse:
    """The customer-related area (CS-04 area 6) for the customer just picked."""
    pk = int_param(request.GET.get("customer_id"))
    customer = Customer.objects.filter(pk=pk).first() if pk else None
    phone = request.GET.get("customer_phone", "")
    context = _panel(customer, phone) | {"ticket": None}
    return render(request, "crm/tickets/_customer_panel.html", context)
