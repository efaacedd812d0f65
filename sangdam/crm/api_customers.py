"""The customers part of the contact-center API (/api/v1/crm/...).

The same services and role rules as the customer pages: administrators and agents of the
organization only; another organization's customer is simply not found.
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import
# time, and for views wrapped by @paginate it resolves names in the wrapper's module.

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sangdam.accounts.access import actor_of
from sangdam.crm import customers
from sangdam.crm.api_access import require_worker
from sangdam.crm.models import Customer, Ticket
from sangdam.crm.phones import format_phone

router = Router(tags=["crm-customers"])


# Schemas


class CustomerIn(Schema):
    name: str
    mobile: str = Field("", description='Any Korean way of writing it: "010-1234-5678", "+82…".')
    phone: str = ""
    customer_code: str = Field("", description="고객ID")
    address: str = ""
    apartment: str = Field("", description="아파트(빌딩)")
    block: str = Field("", description="동")
    unit: str = Field("", description="호")
    move_in_date: date | None = Field(None, description="null: undecided (미정).")
    sms_opt_out: bool = False
    is_vip: bool = False
    needs_caution: bool = False
    member_grade: str = ""
    memo: str = ""
    confirm_duplicate: bool = Field(
        False,
        description="Save even though another customer already has the mobile or phone number; "
        "without it such a save is refused with 409 and the warnings.",
    )

    def as_fields(self) -> customers.CustomerFields:
        return customers.CustomerFields(**self.model_dump(exclude={"confirm_duplicate"}))


class CustomerOut(Schema):
    id: int
    name: str
    mobile: str = Field(description="National digits, e.g. 01012345678.")
    mobile_formatted: str = Field(description="As people write it, e.g. 010-1234-5678.")
    phone: str
    phone_formatted: str
    customer_code: str
    address: str
    apartment: str
    block: str
    unit: str
    move_in_date: date | None
    sms_opt_out: bool
    is_vip: bool
    needs_caution: bool
    member_grade: str
    memo: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_mobile_formatted(customer: Customer) -> str:
        return format_phone(customer.mobile)

    @staticmethod
    def resolve_phone_formatted(customer: Customer) -> str:
        return format_phone(customer.phone)


class CustomerBrief(Schema):
    id: int
    name: str


class DuplicateOut(Schema):
    detail: str
    warnings: list[str]
    customers: list[CustomerBrief] = Field(description="Who already has the number.")


class Detail(Schema):
    detail: str


class CustomerTicket(Schema):
    id: int
    number: str = Field(description="접수번호, ten digits.")
    status: str
    status_label: str
    received_at: datetime
    consultation_type: str
    channel: str
    title: str
    content: str
    customer_name: str
    customer_phone: str
    customer_phone_formatted: str
    received_by: str
    assignee: str
    recall_at: datetime | None
    recall_done_at: datetime | None
    completed_at: datetime | None

    @staticmethod
    def resolve_number(ticket: Ticket) -> str:
        return ticket.number_label

    @staticmethod
    def resolve_status_label(ticket: Ticket) -> str:
        return str(ticket.get_status_display())

    @staticmethod
    def resolve_consultation_type(ticket: Ticket) -> str:
        kind = ticket.consultation_type
        names: list[str] = []
        while kind is not None:
            names.insert(0, str(kind))
            kind = kind.parent
        return " > ".join(names)

    @staticmethod
    def resolve_customer_phone_formatted(ticket: Ticket) -> str:
        return format_phone(ticket.customer_phone)

    @staticmethod
    def resolve_received_by(ticket: Ticket) -> str:
        return ticket.created_by.name if ticket.created_by else ""

    @staticmethod
    def resolve_assignee(ticket: Ticket) -> str:
        return ticket.assignee.name if ticket.assignee else ""


# Endpoints


@router.get(
    "/crm/customers",
    response=list[CustomerOut],
    summary="Search customers (name, number with or without hyphens, customer ID, apartment)",
)
@paginate(PageNumberPagination, page_size=50)
def list_customers(
    request: HttpRequest, text: str = "", apartment: str = "", block: str = ""
) -> Any:
    require_worker(request)
    return customers.search_customers(
        customers.CustomerSearch(text=text, apartment=apartment, block=block)
    )


@router.post(
    "/crm/customers",
    response={201: CustomerOut, 409: DuplicateOut},
    summary="Register a customer",
)
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[Any]:
    require_worker(request)
    try:
        customer = customers.create_customer(
            payload.as_fields(), actor_of(request), allow_duplicate=payload.confirm_duplicate
        )
    except customers.DuplicateNumber as duplicate:
        return Status(409, _duplicate(duplicate))
    return Status(201, customer)


@router.get("/crm/customers/{customer_id}", response=CustomerOut, summary="One customer")
def get_customer(request: HttpRequest, customer_id: int) -> Customer:
    require_worker(request)
    return customers.load_customer(customer_id)


@router.put(
    "/crm/customers/{customer_id}",
    response={200: CustomerOut, 409: DuplicateOut},
    summary="Replace a customer's data (every field)",
)
def replace_customer(request: HttpRequest, customer_id: int, payload: CustomerIn) -> Status[Any]:
    require_worker(request)
    try:
        customer = customers.update_customer(
            customer_id,
            payload.as_fields(),
            actor_of(request),
            allow_duplicate=payload.confirm_duplicate,
        )
    except customers.DuplicateNumber as duplicate:
        return Status(409, _duplicate(duplicate))
    return Status(200, customer)


@router.delete(
    "/crm/customers/{customer_id}",
    response={204: None},
    summary="Delete a customer; their tickets stay under the saved name and number",
)
def delete_customer(request: HttpRequest, customer_id: int) -> Status[Any]:
    require_worker(request)
    customers.delete_customer(customer_id, actor_of(request))
    return Status(204, None)


@router.get(
    "/crm/customers/{customer_id}/tickets",
    response=list[CustomerTicket],
    summary="The customer's tickets, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def customer_tickets(request: HttpRequest, customer_id: int) -> Any:
    require_worker(request)
    return customers.customer_tickets(customers.load_customer(customer_id))


def _duplicate(duplicate: customers.DuplicateNumber) -> dict[str, Any]:
    return {
        "detail": duplicate.message + " " + _("Send confirm_duplicate: true to save anyway."),
        "warnings": duplicate.warnings,
        "customers": [{"id": other.pk, "name": other.name} for other in duplicate.others],
    }
