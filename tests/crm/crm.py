"""Helpers to arrange contact-center records in tests."""

from __future__ import annotations

from typing import Any

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.crm import tickets
from sangdam.crm.customers import CustomerFields, create_customer
from sangdam.crm.models import ConsultationType, Customer, Ticket
from tests.factories import make_user


def actor(user: User) -> Actor:
    return Actor(user=user, ip="127.0.0.1")


def make_agent(organization: Organization, username: str, **fields: Any) -> User:
    fields.setdefault("name", username)
    return make_user(organization=organization, username=username, role=Role.AGENT, **fields)


def make_type(
    organization: Organization, name: str = "시설문의", parent: ConsultationType | None = None
) -> ConsultationType:
    return ConsultationType.all_objects.create(
        organization=organization,
        parent=parent,
        level=parent.level + 1 if parent else 1,
        name=name,
    )


def make_customer(
    user: User, name: str = "홍길동", mobile: str = "010-1234-5678", **fields: Any
) -> Customer:
    return create_customer(CustomerFields(name=name, mobile=mobile, **fields), actor(user))


def open_ticket(
    user: User,
    customer: Customer,
    kind: ConsultationType,
    content: str = "누수 문의",
    **fields: Any,
) -> Ticket:
    data = tickets.TicketFields(
        customer_id=customer.pk, consultation_type_id=kind.pk, content=content, **fields
    )
    return tickets.save_new(data, actor(user))
