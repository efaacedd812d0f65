"""Customer records (고객정보, SPEC CC-D): registering, finding, changing and deleting them.

Phone numbers are stored as national digits, so "010-1234-5678", "01012345678" and
"+82 10 1234 5678" find the same customer. Name and number searches are prefix searches
over an index, which keeps them fast on a million customers (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.crm import tickets as ticket_actions
from sangdam.crm.models import Customer, Ticket, TicketNote, TicketQuerySet
from sangdam.crm.phones import format_phone, is_mobile, normalize_phone, search_digits

PHONE_FIELDS = ("mobile", "phone")


@dataclass(frozen=True)
class CustomerFields:
    """The customer form (G-CC-30 plus the ETS 고객ID and 회원등급)."""

    name: str
    mobile: str = ""
    phone: str = ""
    customer_code: str = ""
    address: str = ""
    apartment: str = ""
    block: str = ""
    unit: str = ""
    move_in_date: dt.date | None = None
    sms_opt_out: bool = False
    is_vip: bool = False
    needs_caution: bool = False
    member_grade: str = ""
    memo: str = ""

    @classmethod
    def of(cls, customer: Customer) -> CustomerFields:
        return cls(**{f.name: getattr(customer, f.name) for f in fields(cls)})


def clean_customer(data: CustomerFields) -> dict[str, object]:
    """The form's values as stored: trimmed, numbers normalized; every bad field named."""
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    for spec in fields(CustomerFields):
        value = getattr(data, spec.name)
        values[spec.name] = value.strip() if isinstance(value, str) else value
    if not values["name"]:
        errors["name"] = [_("Enter the customer's name.")]
    for key in PHONE_FIELDS:
        try:
            values[key] = normalize_phone(str(values[key]), field=key)
        except InvalidInput as error:
            errors.update(error.errors)
    for key, limit in (
        ("name", 50),
        ("customer_code", 30),
        ("address", 200),
        ("apartment", 50),
        ("block", 20),
        ("unit", 20),
        ("member_grade", 30),
    ):
        if len(str(values[key])) > limit:
            errors.setdefault(key, []).append(
                _("Use at most %(limit)s characters.") % {"limit": limit}
            )
    if errors:
        raise InvalidInput(errors)
    return values


def customers_with_phone(number: str, *, exclude_pk: int | None = None) -> QuerySet[Customer]:
    """Customers already holding ``number`` (normalized) as mobile or phone."""
    if not number:
        return Customer.objects.none()
    found = Customer.objects.filter(Q(mobile=number) | Q(phone=number))
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found


def duplicate_warnings(values: dict[str, object], *, exclude_pk: int | None = None) -> list[str]:
    """The duplicate-number warning of the customer form: who else has these numbers."""
    return [warning for _key, warning, _other in _duplicates(values, exclude_pk=exclude_pk)]


def _duplicates(
    values: dict[str, object], *, exclude_pk: int | None
) -> list[tuple[str, str, Customer]]:
    """(field, warning, other customer) for each number someone else already has."""
    found = []
    for key in PHONE_FIELDS:
        number = str(values[key])
        for other in customers_with_phone(number, exclude_pk=exclude_pk).order_by("pk")[:3]:
            warning = _("%(number)s is already registered to %(name)s.") % {
                "number": format_phone(number),
                "name": other.name,
            }
            found.append((key, warning, other))
    return found


class DuplicateNumber(SangdamError):
    """The mobile or phone number already belongs to another customer; saved only on confirm."""

    http_status = 409

    def __init__(self, found: list[tuple[str, str, Customer]]) -> None:
        self.warnings = [warning for _key, warning, _other in found]
        # Each other customer once, for links to their windows.
        self.others = list({other.pk: other for _key, _warning, other in found}.values())
        super().__init__(" ".join(self.warnings), field=found[0][0])


def _check_duplicates(values: dict[str, object], *, exclude_pk: int | None) -> None:
    found = _duplicates(values, exclude_pk=exclude_pk)
    if found:
        raise DuplicateNumber(found)


@transaction.atomic
def create_customer(
    data: CustomerFields, actor: Actor, *, allow_duplicate: bool = True
) -> Customer:
    """Register a customer; with ``allow_duplicate=False`` a shared number is refused first
    (:class:`DuplicateNumber`), so the form can warn and ask to confirm (CC-36)."""
    values = clean_customer(data)
    if not allow_duplicate:
        _check_duplicates(values, exclude_pk=None)
    return Customer.objects.create(
        organization_id=actor.user.organization_id, created_by=actor.user, **values
    )


@transaction.atomic
def update_customer(
    pk: int, data: CustomerFields, actor: Actor, *, allow_duplicate: bool = True
) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=pk).first()
    if customer is None:
        raise NotFound(_("The customer does not exist."))
    values = clean_customer(data)
    if not allow_duplicate:
        _check_duplicates(values, exclude_pk=pk)
    for key, value in values.items():
        setattr(customer, key, value)
    customer.save()
    return customer


def load_customer(pk: int) -> Customer:
    """The customer of the current organization; another organization's is not found."""
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise NotFound(_("The customer does not exist."))
    return customer


def fields_for_number(text: str) -> CustomerFields:
    """A new customer's form prefilled with a caller's number (CC-41): a mobile number goes to
    the mobile field, any other number to the phone field; an unreadable one is kept as typed
    so the form names the problem when saved."""
    try:
        digits = normalize_phone(text, field="mobile")
    except InvalidInput:
        return CustomerFields(name="", mobile=text.strip()[:20])
    if not digits or is_mobile(digits):
        return CustomerFields(name="", mobile=digits)
    return CustomerFields(name="", phone=digits)


@dataclass(frozen=True)
class DeletionConsequences:
    """What deleting a customer does, shown before the agent confirms."""

    tickets: int
    open_tickets: int


def deletion_consequences(customer: Customer) -> DeletionConsequences:
    tickets = Ticket.objects.filter(customer=customer)
    return DeletionConsequences(tickets=tickets.count(), open_tickets=tickets.open().count())


def delete_customer(pk: int, actor: Actor) -> str:
    """Remove the customer; their tickets stay in the history under the saved name."""
    with record_work(actor, WorkScreen.CUSTOMERS, WorkAction.DELETE) as work:
        customer = Customer.objects.select_for_update().filter(pk=pk).first()
        if customer is None:
            raise NotFound(_("The customer does not exist."))
        name = customer.name
        work.detail = f"{customer.pk} {name}"
        customer.delete()
    return name


# ------------------------------------------------------------------------ the customer window


def customer_tickets(customer: Customer) -> TicketQuerySet:
    """The customer's registered tickets, newest first (접수내역); temp-saved and discarded
    ones are not part of the history."""
    return (
        Ticket.objects.live()
        .filter(customer=customer)
        .select_related("consultation_type__parent__parent", "created_by", "assignee")
        .order_by("-received_at", "-pk")
    )


def customer_cases(customer: Customer) -> TicketQuerySet:
    """The consultations tab (상담내역): each ticket is a case with its added consultations."""
    return customer_tickets(customer).prefetch_related(
        Prefetch(
            "notes",
            queryset=TicketNote.objects.select_related("created_by").order_by("created_at", "pk"),
        )
    )


def customer_recalls(customer: Customer) -> TicketQuerySet:
    """The customer's recalls still to be made (리콜 tab, CC-62), the earliest first."""
    return (
        Ticket.objects.open_recalls()
        .filter(customer=customer)
        .select_related("consultation_type__parent__parent", "created_by", "assignee")
        .order_by("recall_at", "pk")
    )


@dataclass(frozen=True)
class CustomerCounts:
    """The numbers on the customer window's tabs."""

    tickets: int
    open_tickets: int
    recalls: int


def customer_counts(customer: Customer) -> CustomerCounts:
    tickets = Ticket.objects.live().filter(customer=customer)
    return CustomerCounts(
        tickets=tickets.count(),
        open_tickets=tickets.open().count(),
        recalls=customer_recalls(customer).count(),
    )


def customer_ticket(customer: Customer, ticket_pk: int) -> Ticket:
    """One of the customer's registered tickets; any other ticket is not found here."""
    ticket = customer_tickets(customer).filter(pk=ticket_pk).first()
    if ticket is None:
        raise NotFound(_("The ticket does not exist."))
    return ticket


def customer_note(customer: Customer, note_pk: int) -> TicketNote:
    """One consultation added to one of the customer's tickets."""
    note = TicketNote.objects.filter(pk=note_pk, ticket__customer=customer).first()
    if note is None:
        raise NotFound(_("The consultation does not exist."))
    return note


def complete_customer_recalls(customer: Customer, ticket_pks: list[int], actor: Actor) -> int:
    """리콜완료 in the customer window: only the selected recalls of *this* customer."""
    selected = list(
        Ticket.objects.open_recalls()
        .filter(customer=customer, pk__in=ticket_pks)
        .values_list("pk", flat=True)
    )
    return ticket_actions.complete_recalls(selected, actor)


# ---------------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class CustomerSearch:
    """The customer-search form: one free text, or apartment and block (CC-37, CC-38)."""

    text: str = ""
    apartment: str = ""
    block: str = ""


def _prefix(queryset: QuerySet[Customer], field: str, text: str) -> QuerySet[Customer]:
    """Rows whose ``field`` starts with ``text``, as an index range in code-point order.

    SQLite compares text byte-wise already; PostgreSQL is asked for the "C" collation, which
    its expression index of migration 0002 serves.
    """
    if connection.vendor == "postgresql":
        key = f"{field}_c"
        queryset = queryset.alias(**{key: Collate(field, "C")})
    else:
        key = field
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return queryset.filter(**{f"{key}__gte": text, f"{key}__lt": upper}).order_by(key, "pk")


def search_customers(search: CustomerSearch) -> QuerySet[Customer]:
    """Customers matching the search, in an order an index gives (so pages come quickly).

    A text of digits (with or without hyphens) is a number: a complete one matches mobile or
    phone exactly; a partial one is the start of a mobile number (01x) or of a phone number.
    Any other text is a customer ID, exactly, or else the start of a name.
    """
    customers = Customer.objects.all()
    text = search.text.strip()
    apartment = search.apartment.strip()
    block = search.block.strip()
    if not (text or apartment):
        raise InvalidInput.single(
            "text", _("Enter a name, a phone number, a customer ID or an apartment.")
        )
    if apartment:
        customers = _prefix(customers, "apartment", apartment)
        if block:
            # "107" and "107동" name the same block, however the record wrote it.
            bare = block.removesuffix("동").strip()
            customers = customers.filter(block__in=sorted({block, bare, f"{bare}동"}))
    if not text:
        return customers
    digits = search_digits(text)
    if digits:
        if len(digits) < 4:
            raise InvalidInput.single("text", _("Enter at least 4 digits of the number."))
        if len(digits) >= 9:
            # Two index look-ups; an OR leaves SQLite without statistics walking the name index.
            found = [
                pk
                for key in PHONE_FIELDS
                for pk in customers.filter(**{key: digits}).values_list("pk", flat=True)[:500]
            ]
            return customers.filter(pk__in=found).order_by("name", "pk")
        return _prefix(customers, "mobile" if digits.startswith("01") else "phone", digits)
    by_code = customers.filter(customer_code=text)
    if by_code.exists():
        return by_code.order_by("name", "pk")
    return _prefix(customers, "name", text)
