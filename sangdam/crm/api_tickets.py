"""The tickets part of the contact-center API (/api/v1/crm/...): the CS등록 actions.

Every change carries the ``version`` the client read (GET /crm/tickets/{id}); a stale one is
answered 409 with who changed the ticket and when, and nothing is overwritten. Each action
answers with the ticket as it is afterwards, so the client has the next version.

Paths take the ticket as ``{int:ticket_id}`` so that other routers' paths under
/crm/tickets/ (the search, ``/crm/tickets/search``, in ``api_lists``) never match here. django-ninja
gives each router its own URL pattern per path and Django takes the first that matches, so no
other router may declare "/crm/tickets" itself.
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from django.db.models import TextChoices
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sangdam.accounts.access import actor_of
from sangdam.accounts.models import User
from sangdam.crm import tickets
from sangdam.crm.api_access import require_worker
from sangdam.crm.enums import CallResult, ConsultationResult, Direction, InflowChannel

router = Router(tags=["crm-tickets"])

_FIELD_NAMES = tuple(f.name for f in fields(tickets.TicketFields) if f.name != "follows_id")


# ----------------------------------------------------------------------------------- schemas


def _codes(choices: type[TextChoices]) -> str:
    """The codes a field takes, for the API document (the service checks them)."""
    return ", ".join(str(value) for value in choices.values)


class TicketIn(Schema):
    """The CS접수정보 fields (CS-10). In an update, fields left out keep their value."""

    customer_id: int | None = Field(None, description="A registered customer (고객ID lookup).")
    customer_name: str = Field("", description="Filled from the customer when empty.")
    customer_phone: str = Field("", description="Any Korean notation; stored as digits.")
    consultation_type_id: int | None = Field(None, description="The deepest chosen 상담유형.")
    channel: str = Field(InflowChannel.CALL.value, description=_codes(InflowChannel))
    direction: str = Field(Direction.INBOUND.value, description=_codes(Direction))
    call_result: str = Field("", description=_codes(CallResult))
    consultation_result: str = Field("", description=_codes(ConsultationResult))
    order_number: str = ""
    product_number: str = ""
    title: str = ""
    content: str = ""
    admin_memo: str = ""
    due_at: datetime | None = Field(None, description="완료예정일.")
    recall_at: datetime | None = Field(None, description="리콜: when to call the customer back.")


class TicketCreate(TicketIn):
    draft: bool = Field(False, description="true: temp-save (F12) instead of registering (F4).")


class TicketUpdate(TicketIn):
    version: int


class TransferIn(Schema):
    version: int
    assignee_id: int | None = None
    fields: TicketIn | None = Field(None, description="Edits saved with the transfer.")


class VersionIn(Schema):
    version: int
    fields: TicketIn | None = Field(None, description="Edits saved with the action.")


class DiscardIn(Schema):
    version: int
    reason: str


class ConsultationIn(Schema):
    version: int
    content: str


class FollowUpIn(Schema):
    """F8: a new ticket with the original's customer, type and order; give the new content."""

    content: str
    title: str = ""
    consultation_type_id: int | None = None
    admin_memo: str = ""
    due_at: datetime | None = None
    recall_at: datetime | None = None
    draft: bool = False


class RecallsIn(Schema):
    ticket_ids: list[int]


class RecallsOut(Schema):
    completed: int


class Person(Schema):
    id: int
    name: str


class EventOut(Schema):
    kind: str
    kind_label: str
    detail: str
    occurred_at: datetime
    actor: str


class NoteOut(Schema):
    id: int
    content: str
    created_at: datetime
    created_by: Person | None
    updated_at: datetime


class TicketOut(Schema):
    id: int
    number: str = Field(description="접수번호, ten digits.")
    received_at: datetime
    status: str
    status_label: str
    is_draft: bool
    discarded_at: datetime | None
    discard_reason: str
    customer_id: int | None
    customer_name: str
    customer_phone: str
    consultation_type_id: int | None
    channel: str
    direction: str
    call_result: str
    consultation_result: str
    order_number: str
    product_number: str
    title: str
    content: str
    admin_memo: str
    due_at: datetime | None
    recall_at: datetime | None
    recall_done_at: datetime | None
    assignee: Person | None
    transferred_at: datetime | None
    completed_at: datetime | None
    follows_id: int | None
    follow_up_ids: list[int]
    created_at: datetime
    created_by: Person | None
    updated_at: datetime
    updated_by: Person | None
    version: int
    history: list[EventOut]
    notes: list[NoteOut]


# ----------------------------------------------------------------------------------- helpers


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user else None


def _out(pk: int) -> dict[str, Any]:
    ticket = tickets.load_ticket(pk)
    return {
        **{name: getattr(ticket, name) for name in _FIELD_NAMES},
        "id": ticket.pk,
        "number": ticket.number_label,
        "received_at": ticket.received_at,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "is_draft": ticket.is_draft,
        "discarded_at": ticket.discarded_at,
        "discard_reason": ticket.discard_reason,
        "recall_done_at": ticket.recall_done_at,
        "assignee": _person(ticket.assignee),
        "transferred_at": ticket.transferred_at,
        "completed_at": ticket.completed_at,
        "follows_id": ticket.follows_id,
        "follow_up_ids": list(ticket.follow_ups.order_by("number").values_list("pk", flat=True)),
        "created_at": ticket.created_at,
        "created_by": _person(ticket.created_by),
        "updated_at": ticket.updated_at,
        "updated_by": _person(ticket.updated_by),
        "version": ticket.version,
        "history": [
            {
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "detail": event.detail,
                "occurred_at": event.occurred_at,
                "actor": event.actor_label,
            }
            for event in ticket.events.all()
        ],
        "notes": [
            {
                "id": note.pk,
                "content": note.content,
                "created_at": note.created_at,
                "created_by": _person(note.created_by),
                "updated_at": note.updated_at,
            }
            for note in ticket.notes.select_related("created_by")
        ],
    }


def _data(payload: TicketIn) -> tickets.TicketFields:
    return tickets.TicketFields(**payload.dict(include=set(_FIELD_NAMES)))


def _merged(pk: int, payload: TicketIn | None) -> tickets.TicketFields:
    """The ticket's fields with the ones the client sent; the version check guards the rest."""
    current = tickets.TicketFields.of(tickets.load_ticket(pk))
    if payload is None:
        return current
    return replace(current, **payload.dict(include=set(_FIELD_NAMES), exclude_unset=True))


# ------------------------------------------------------------------------------------ routes


@router.get(
    "/crm/tickets/{int:ticket_id}",
    response=TicketOut,
    summary="One ticket with its history and added consultations",
)
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    require_worker(request)
    return _out(ticket_id)


@router.post(
    "/crm/tickets",
    response={201: TicketOut},
    summary="Register a ticket (F4), or temp-save it with draft: true (F12)",
)
def create_ticket(request: HttpRequest, payload: TicketCreate) -> Status[Any]:
    require_worker(request)
    save = tickets.temp_save if payload.draft else tickets.save_new
    ticket = save(_data(payload), actor_of(request))
    return Status(201, _out(ticket.pk))


@router.put(
    "/crm/tickets/{int:ticket_id}",
    response=TicketOut,
    summary="Save edits (F7); the status stays. Fields left out keep their value",
)
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketUpdate) -> dict[str, Any]:
    require_worker(request)
    data = _merged(ticket_id, payload)
    tickets.save_edits(ticket_id, payload.version, data, actor_of(request))
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/register",
    response=TicketOut,
    summary="Register a temp-saved ticket (F4 on a draft)",
)
def register_draft(request: HttpRequest, ticket_id: int, payload: VersionIn) -> dict[str, Any]:
    require_worker(request)
    data = _merged(ticket_id, payload.fields)
    tickets.save_new(data, actor_of(request), draft_pk=ticket_id, version=payload.version)
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/temp-save",
    response=TicketOut,
    summary="Temp-save a draft again with changed fields (F12)",
)
def temp_save(request: HttpRequest, ticket_id: int, payload: VersionIn) -> dict[str, Any]:
    require_worker(request)
    data = _merged(ticket_id, payload.fields)
    tickets.temp_save(data, actor_of(request), draft_pk=ticket_id, version=payload.version)
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/transfer",
    response=TicketOut,
    summary="Transfer to another agent (F5); assignee_id is required",
)
def transfer(request: HttpRequest, ticket_id: int, payload: TransferIn) -> dict[str, Any]:
    require_worker(request)
    data = _merged(ticket_id, payload.fields)
    tickets.transfer(ticket_id, payload.version, data, payload.assignee_id, actor_of(request))
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/complete",
    response=TicketOut,
    summary="Complete the ticket (F6, 상담완료)",
)
def complete(request: HttpRequest, ticket_id: int, payload: VersionIn) -> dict[str, Any]:
    require_worker(request)
    data = _merged(ticket_id, payload.fields)
    tickets.complete(ticket_id, payload.version, data, actor_of(request))
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/discard",
    response=TicketOut,
    summary="Discard the ticket with a reason (creator or administrator; final)",
)
def discard(request: HttpRequest, ticket_id: int, payload: DiscardIn) -> dict[str, Any]:
    require_worker(request)
    tickets.discard(ticket_id, payload.version, payload.reason, actor_of(request))
    return _out(ticket_id)


@router.post(
    "/crm/tickets/{int:ticket_id}/consultations",
    response={201: TicketOut},
    summary="Add a consultation to the ticket (상담추가)",
)
def add_consultation(request: HttpRequest, ticket_id: int, payload: ConsultationIn) -> Status[Any]:
    require_worker(request)
    tickets.add_consultation(ticket_id, payload.version, payload.content, actor_of(request))
    return Status(201, _out(ticket_id))


@router.post(
    "/crm/tickets/{int:ticket_id}/follow-up",
    response={201: TicketOut},
    summary="Register a follow-up ticket for the same customer and order (F8)",
)
def follow_up(request: HttpRequest, ticket_id: int, payload: FollowUpIn) -> Status[Any]:
    require_worker(request)
    original = tickets.load_ticket(ticket_id)
    sent = payload.dict(exclude={"draft"}, exclude_unset=True)
    data = replace(tickets.follow_up_fields(original), **sent)
    save = tickets.temp_save if payload.draft else tickets.save_new
    ticket = save(data, actor_of(request))
    return Status(201, _out(ticket.pk))


class DeleteQuery(Schema):
    version: int


@router.delete(
    "/crm/tickets/{int:ticket_id}",
    response={204: None},
    summary="Delete a ticket with its history (own record within 24 hours, or the editor flag)",
)
def delete_ticket(request: HttpRequest, ticket_id: int, query: Query[DeleteQuery]) -> Status[Any]:
    require_worker(request)
    tickets.delete_ticket(ticket_id, query.version, actor_of(request))
    return Status(204, None)


@router.post(
    "/crm/recalls/complete",
    response=RecallsOut,
    summary="Complete the selected recalls (리콜완료)",
)
def complete_recalls(request: HttpRequest, payload: RecallsIn) -> dict[str, Any]:
    require_worker(request)
    return {"completed": tickets.complete_recalls(payload.ticket_ids, actor_of(request))}
