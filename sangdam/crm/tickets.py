"""The ticket actions of the ETS button bar (SPEC CS-C) and the 002 consultation actions (CC-E).

Every action runs in one transaction, writes the ticket's history (CS-13), and checks the
version the form was loaded with, so that a second agent saving a stale form is told who
changed the ticket and when, and overwrites nothing.

Who may do what (docs/decisions/0007-tickets.md):
- any agent or administrator of the tenant may process an *open* ticket (transfer, complete,
  save edits, add a consultation), as ETS lets anyone load a ticket from 전체상담 이력;
- once completed, the record's content changes only under G-CC-03: the history editor
  permission always, anyone else only what they wrote, within 24 hours of writing it;
- deleting follows G-CC-03 always; discarding is for the ticket's creator or an administrator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.crm.enums import (
    CallResult,
    ConsultationResult,
    Direction,
    InflowChannel,
    TicketEventKind,
    TicketStatus,
)
from sangdam.crm.errors import NotAllowed, TicketChanged
from sangdam.crm.models import (
    ConsultationType,
    Customer,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNote,
)
from sangdam.crm.phones import normalize_phone

# SPEC G-CC-03: one rule for editing and deleting one's own record.
OWN_RECORD_WINDOW = timedelta(hours=24)
WORK_ROLES = (Role.ORG_ADMIN, Role.AGENT)


@dataclass(frozen=True)
class TicketFields:
    """What the ticket form holds (CS-10); the same for a new and a loaded ticket."""

    customer_id: int | None = None
    customer_name: str = ""
    customer_phone: str = ""
    consultation_type_id: int | None = None
    channel: str = InflowChannel.CALL
    direction: str = Direction.INBOUND
    call_result: str = ""
    consultation_result: str = ""
    order_number: str = ""
    product_number: str = ""
    title: str = ""
    content: str = ""
    admin_memo: str = ""
    due_at: datetime | None = None
    recall_at: datetime | None = None
    follows_id: int | None = None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketFields:
        return cls(**{f.name: getattr(ticket, f.name) for f in fields(cls)})


# The fields an edit (F7) compares to say what changed in the history.
_EDITABLE = tuple(f.name for f in fields(TicketFields) if f.name != "follows_id")


# --------------------------------------------------------------------------------- permissions


def is_history_editor(user: User) -> bool:
    return user.can_edit_consultations


def may_change_record(
    user: User, author_id: int | None, written_at: datetime, now: datetime
) -> bool:
    """G-CC-03: the editor permission always; otherwise one's own record within 24 hours."""
    if is_history_editor(user):
        return True
    return author_id == user.pk and now - written_at <= OWN_RECORD_WINDOW


def may_edit_ticket(user: User, ticket: Ticket, now: datetime) -> bool:
    if ticket.is_discarded:
        return False
    if ticket.is_open or ticket.is_draft:
        return True
    return may_change_record(user, ticket.created_by_id, ticket.created_at, now)


def _refuse_record_change(ticket: Ticket) -> NotAllowed:
    return NotAllowed(
        _(
            "Ticket %(number)s can no longer be changed by you: without the consultation-history "
            "editor permission you may change only what you wrote, within 24 hours."
        )
        % {"number": ticket.number_label}
    )


# ---------------------------------------------------------------------------------- validation


def _check_fields(data: TicketFields, *, registering: bool) -> TicketFields:
    """The form's values checked and cleaned; a temp-save checks only what is filled in."""
    errors: dict[str, list[str]] = {}
    customer = None
    if data.customer_id is not None:
        customer = Customer.objects.filter(pk=data.customer_id).first()
        if customer is None:
            errors["customer_id"] = [_("The customer does not exist. Search for them again.")]
    phone = data.customer_phone
    try:
        phone = normalize_phone(phone, field="customer_phone")
    except InvalidInput as error:
        errors.update(error.errors)
    if customer is not None:
        name = data.customer_name.strip() or customer.name
        phone = phone or customer.mobile or customer.phone
    else:
        name = data.customer_name.strip()
    if (
        data.consultation_type_id is not None
        and not ConsultationType.objects.filter(pk=data.consultation_type_id).exists()
    ):
        errors["consultation_type_id"] = [_("Choose a consultation type from the list.")]
    for key, choices in (
        ("channel", InflowChannel),
        ("direction", Direction),
        ("call_result", CallResult),
        ("consultation_result", ConsultationResult),
    ):
        value = getattr(data, key)
        if value and value not in choices.values:
            errors[key] = [_("%(value)s is not one of the codes.") % {"value": value}]
    if registering:
        if customer is None and not phone:
            errors.setdefault("customer_id", []).append(
                _("Choose a customer or enter the customer's phone number.")
            )
        if data.consultation_type_id is None:
            errors.setdefault("consultation_type_id", []).append(_("Choose a consultation type."))
        if not data.content.strip() and not data.title.strip():
            errors["content"] = [_("Write the consultation content.")]
    if len(data.title) > 200:
        errors["title"] = [_("The title is longer than 200 characters.")]
    if errors:
        raise InvalidInput(errors)
    return replace(
        data,
        customer_name=name[:50],
        customer_phone=phone,
        channel=data.channel or InflowChannel.CALL,
        direction=data.direction or Direction.INBOUND,
        title=data.title.strip(),
    )


def _check_new_recall(data: TicketFields, before: datetime | None, now: datetime) -> None:
    if data.recall_at is not None and data.recall_at != before and data.recall_at < now:
        raise InvalidInput.single(
            "recall_at", _("The recall time has already passed. Choose a later time.")
        )


def _check_assignee(assignee_id: int | None, actor: Actor) -> User:
    if assignee_id is None:
        raise InvalidInput.single("assignee_id", _("Choose the agent to transfer the ticket to."))
    assignee = User.objects.filter(
        pk=assignee_id, deleted_at__isnull=True, role__in=WORK_ROLES
    ).first()
    if assignee is None:
        raise InvalidInput.single(
            "assignee_id", _("The chosen agent does not exist or can no longer sign in.")
        )
    if assignee.pk == actor.user.pk:
        raise InvalidInput.single("assignee_id", _("You cannot transfer a ticket to yourself."))
    return assignee


# ------------------------------------------------------------------------------------ helpers


def _next_number(actor: Actor) -> int:
    organization_id = actor.user.organization_id
    counter, _created = TicketCounter.objects.get_or_create(organization_id=organization_id)
    TicketCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


def _log(
    ticket: Ticket, kind: TicketEventKind, actor: Actor, now: datetime, detail: str = ""
) -> None:
    TicketEvent.objects.create(
        organization_id=ticket.organization_id,
        ticket=ticket,
        kind=kind,
        detail=detail[:300],
        actor=actor.user,
        actor_label=actor.user.actor_label,
        occurred_at=now,
    )


def local_time_label(moment: datetime) -> str:
    """A moment as history lines write it, in the tenant's zone: 2026-11-23 14:05:09."""
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i:s")


def _received_detail(ticket: Ticket) -> str:
    return _("Ticket number: %(number)s, received at: %(time)s") % {
        "number": ticket.number_label,
        "time": local_time_label(ticket.received_at),
    }


def load_ticket(pk: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related(
            "customer", "consultation_type", "assignee", "created_by", "updated_by"
        )
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise NotFound(_("The ticket does not exist."))
    return ticket


def lock_ticket(pk: int, expected_version: int) -> Ticket:
    """The ticket locked for this transaction, refused when the form's version is stale."""
    # No select_related here: PostgreSQL refuses FOR UPDATE across an outer join, and after
    # waiting for the lock it would re-check only the ticket row, leaving a joined
    # ``updated_by`` stale or empty. The name is read afresh below, when it is needed.
    ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("The ticket does not exist."))
    if ticket.version != expected_version:
        raise TicketChanged(
            _(
                "Ticket %(number)s was changed by %(name)s at %(time)s after you opened it. "
                "Reload it to see the changes; yours were not saved."
            )
            % {
                "number": ticket.number_label,
                "name": ticket.updated_by.name if ticket.updated_by else _("someone"),
                "time": local_time_label(ticket.updated_at),
            }
        )
    return ticket


def _write(ticket: Ticket, actor: Actor, now: datetime, **changes: Any) -> Ticket:
    """Store the changes and bump the version; the row is locked and its version checked."""
    changes.update(updated_at=now, updated_by=actor.user, version=ticket.version + 1)
    updated = Ticket.objects.filter(pk=ticket.pk, version=ticket.version).update(**changes)
    if updated != 1:  # Only possible on databases without row locks; refuse the same way.
        raise TicketChanged(_("The ticket was changed meanwhile. Reload it."))
    for key, value in changes.items():
        setattr(ticket, key, value)
    return ticket


def _label(name: str) -> str:
    model_field = Ticket._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name))


def _values(data: TicketFields) -> dict[str, Any]:
    return {name: getattr(data, name) for name in _EDITABLE}


def _create(data: TicketFields, actor: Actor, now: datetime, *, draft: bool) -> Ticket:
    ticket = Ticket.objects.create(
        organization_id=actor.user.organization_id,
        number=_next_number(actor),
        received_at=now,
        follows_id=data.follows_id,
        is_draft=draft,
        status=TicketStatus.RECEIVED,
        created_at=now,
        created_by=actor.user,
        updated_at=now,
        updated_by=actor.user,
        **_values(data),
    )
    return ticket


def _register(
    ticket_pk: int | None, version: int, data: TicketFields, actor: Actor, now: datetime
) -> Ticket:
    """A new ticket, or a temp-saved one, registered as 01:접수완료 (F4)."""
    data = _check_fields(data, registering=True)
    _check_new_recall(data, None, now)
    if ticket_pk is None:
        ticket = _create(data, actor, now, draft=False)
    else:
        ticket = lock_ticket(ticket_pk, version)
        if not ticket.is_draft:
            raise NotAllowed(
                _("Ticket %(number)s is already registered; save changes with F7.")
                % {"number": ticket.number_label}
            )
        ticket = _write(ticket, actor, now, is_draft=False, received_at=now, **_values(data))
    _log(ticket, TicketEventKind.RECEIVED, actor, now, _received_detail(ticket))
    if ticket.follows_id is not None:
        original = Ticket.objects.get(pk=ticket.follows_id)
        _log(
            original,
            TicketEventKind.FOLLOW_UP,
            actor,
            now,
            _("Follow-up ticket %(number)s") % {"number": ticket.number_label},
        )
    return ticket


def _edit_open(
    ticket_pk: int, version: int, data: TicketFields, actor: Actor, now: datetime
) -> Ticket:
    """Save the form's changes to a registered ticket, leaving its status (part of F5/F6/F7)."""
    ticket = lock_ticket(ticket_pk, version)
    if ticket.is_draft:
        raise NotAllowed(_("Register the temp-saved ticket first (F4)."))
    if not may_edit_ticket(actor.user, ticket, now):
        if ticket.is_discarded:
            raise NotAllowed(
                _("Ticket %(number)s was discarded and cannot change.")
                % {"number": ticket.number_label}
            )
        raise _refuse_record_change(ticket)
    data = _check_fields(replace(data, follows_id=ticket.follows_id), registering=True)
    _check_new_recall(data, ticket.recall_at, now)
    before = TicketFields.of(ticket)
    changed = [name for name in _EDITABLE if getattr(before, name) != getattr(data, name)]
    if changed:
        labels = ", ".join(_label(name) for name in changed)
        _write(ticket, actor, now, **{name: getattr(data, name) for name in changed})
        _log(
            ticket,
            TicketEventKind.EDITED,
            actor,
            now,
            _("Changed: %(fields)s") % {"fields": labels},
        )
    return ticket


# ------------------------------------------------------------------------------------ actions


@transaction.atomic
def save_new(
    data: TicketFields, actor: Actor, *, draft_pk: int | None = None, version: int = 0
) -> Ticket:
    """F4 접수정보저장: register a new (or temp-saved) ticket as 01:접수완료 (CS-15)."""
    return _register(draft_pk, version, data, actor, timezone.now())


@transaction.atomic
def temp_save(
    data: TicketFields, actor: Actor, *, draft_pk: int | None = None, version: int = 0
) -> Ticket:
    """F12 임시저장: keep a half-filled ticket, reloadable from its own tab (CS-19)."""
    now = timezone.now()
    data = _check_fields(data, registering=False)
    if draft_pk is None:
        ticket = _create(data, actor, now, draft=True)
    else:
        ticket = lock_ticket(draft_pk, version)
        if not ticket.is_draft:
            raise NotAllowed(
                _("Ticket %(number)s is already registered; save changes with F7.")
                % {"number": ticket.number_label}
            )
        ticket = _write(ticket, actor, now, **_values(data))
    _log(ticket, TicketEventKind.TEMP_SAVED, actor, now)
    return ticket


@transaction.atomic
def save_edits(ticket_pk: int, version: int, data: TicketFields, actor: Actor) -> Ticket:
    """F7 수정내용 저장: the changes only, the status stays (CS-18)."""
    return _edit_open(ticket_pk, version, data, actor, timezone.now())


@transaction.atomic
def transfer(
    ticket_pk: int | None, version: int, data: TicketFields, assignee_id: int | None, actor: Actor
) -> Ticket:
    """F5 이관처리: hand the ticket to another agent, who must be named (CS-16, G-CS-12)."""
    now = timezone.now()
    assignee = _check_assignee(assignee_id, actor)
    ticket = _open_for_action(ticket_pk, version, data, actor, now)
    _write(
        ticket,
        actor,
        now,
        status=TicketStatus.TRANSFERRED,
        assignee=assignee,
        transferred_by=actor.user,
        transferred_at=now,
    )
    _log(
        ticket,
        TicketEventKind.TRANSFERRED,
        actor,
        now,
        _("Transferred to %(name)s") % {"name": assignee.actor_label},
    )
    return ticket


@transaction.atomic
def complete(ticket_pk: int | None, version: int, data: TicketFields, actor: Actor) -> Ticket:
    """F6 완료처리 / 상담완료: final completion; it leaves every open list (CS-17, CC-46)."""
    now = timezone.now()
    ticket = _open_for_action(ticket_pk, version, data, actor, now)
    _write(
        ticket, actor, now, status=TicketStatus.COMPLETED, completed_at=now, completed_by=actor.user
    )
    _log(ticket, TicketEventKind.COMPLETED, actor, now)
    return ticket


def _open_for_action(
    ticket_pk: int | None, version: int, data: TicketFields, actor: Actor, now: datetime
) -> Ticket:
    """The ticket to transfer or complete: registered first when new or temp-saved."""
    if ticket_pk is None:
        return _register(None, 0, data, actor, now)
    current = Ticket.objects.filter(pk=ticket_pk).values_list("is_draft", flat=True).first()
    if current:
        ticket = _register(ticket_pk, version, data, actor, now)
    else:
        ticket = _edit_open(ticket_pk, version, data, actor, now)
    if ticket.is_discarded or ticket.status == TicketStatus.COMPLETED:
        raise NotAllowed(
            _("Ticket %(number)s is already completed or discarded.")
            % {"number": ticket.number_label}
        )
    return ticket


@transaction.atomic
def discard(ticket_pk: int, version: int, reason: str, actor: Actor) -> Ticket:
    """폐기처리: by the ticket's creator or an administrator, with a reason, for good (G-CS-13)."""
    now = timezone.now()
    ticket = lock_ticket(ticket_pk, version)
    if ticket.is_discarded:
        raise NotAllowed(_("The ticket is already discarded."))
    if ticket.status == TicketStatus.COMPLETED and not ticket.is_draft:
        raise NotAllowed(_("A completed ticket cannot be discarded."))
    if ticket.created_by_id != actor.user.pk and not actor.user.is_org_admin:
        raise NotAllowed(
            _("Only the agent who received the ticket or an administrator may discard it.")
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput.single("reason", _("Say why the ticket is discarded."))
    _write(ticket, actor, now, discarded_at=now, discard_reason=reason[:200])
    _log(ticket, TicketEventKind.DISCARDED, actor, now, reason)
    return ticket


def follow_up_fields(ticket: Ticket) -> TicketFields:
    """F8 추가접수 새화면: a new form with the customer and order, empty content (CS-21)."""
    return TicketFields(
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name,
        customer_phone=ticket.customer_phone,
        consultation_type_id=ticket.consultation_type_id,
        channel=ticket.channel,
        direction=ticket.direction,
        order_number=ticket.order_number,
        product_number=ticket.product_number,
        follows_id=ticket.pk,
    )


@transaction.atomic
def add_consultation(ticket_pk: int, version: int, content: str, actor: Actor) -> TicketNote:
    """상담추가: append a consultation to an existing case, no new ticket (CC-45)."""
    now = timezone.now()
    ticket = lock_ticket(ticket_pk, version)
    if ticket.is_draft or ticket.is_discarded:
        raise NotAllowed(_("Consultations can be added only to a registered ticket."))
    content = content.strip()
    if not content:
        raise InvalidInput.single("content", _("Write the consultation content."))
    note = TicketNote.objects.create(
        organization_id=ticket.organization_id,
        ticket=ticket,
        content=content,
        created_at=now,
        created_by=actor.user,
        updated_at=now,
    )
    _write(ticket, actor, now)
    _log(ticket, TicketEventKind.CONSULTATION_ADDED, actor, now, content[:100])
    return note


def _note_for_change(note_pk: int, actor: Actor, now: datetime) -> TicketNote:
    note = (
        TicketNote.objects.select_for_update().select_related("ticket").filter(pk=note_pk).first()
    )
    if note is None:
        raise NotFound(_("The consultation does not exist."))
    if not may_change_record(actor.user, note.created_by_id, note.created_at, now):
        raise NotAllowed(
            _(
                "Without the consultation-history editor permission you may change only what you "
                "wrote, within 24 hours."
            )
        )
    return note


@transaction.atomic
def edit_consultation(note_pk: int, content: str, actor: Actor) -> TicketNote:
    now = timezone.now()
    note = _note_for_change(note_pk, actor, now)
    content = content.strip()
    if not content:
        raise InvalidInput.single("content", _("Write the consultation content."))
    note.content = content
    note.updated_at = now
    note.save(update_fields=["content", "updated_at"])
    ticket = note.ticket
    _write(ticket, actor, now)
    _log(ticket, TicketEventKind.CONSULTATION_EDITED, actor, now, content[:100])
    return note


@transaction.atomic
def delete_consultation(note_pk: int, actor: Actor) -> Ticket:
    """Delete one added consultation; the case and its other entries stay (CC-49)."""
    now = timezone.now()
    note = _note_for_change(note_pk, actor, now)
    ticket = note.ticket
    content = note.content
    note.delete()
    _write(ticket, actor, now)
    _log(ticket, TicketEventKind.CONSULTATION_DELETED, actor, now, content[:100])
    return ticket


@transaction.atomic
def delete_ticket(ticket_pk: int, version: int, actor: Actor) -> int:
    """Delete a consultation record with its added entries and history (CC-47, CC-49)."""
    now = timezone.now()
    ticket = lock_ticket(ticket_pk, version)
    if not may_change_record(actor.user, ticket.created_by_id, ticket.created_at, now):
        raise _refuse_record_change(ticket)
    number = ticket.number
    ticket.delete()
    return number


@transaction.atomic
def complete_recalls(ticket_pks: list[int], actor: Actor) -> int:
    """리콜완료: only the selected recalls are completed (CC-62); returns how many."""
    now = timezone.now()
    tickets = list(Ticket.objects.open_recalls().select_for_update().filter(pk__in=ticket_pks))
    if not tickets:
        raise InvalidInput.single("tickets", _("Select the recalls to complete."))
    for ticket in tickets:
        _write(ticket, actor, now, recall_done_at=now)
        _log(ticket, TicketEventKind.RECALL_DONE, actor, now)
    return len(tickets)


def assignable_agents() -> list[User]:
    """Who a ticket can be transferred to: the tenant's active agents and administrators."""
    return list(User.objects.filter(deleted_at__isnull=True, role__in=WORK_ROLES).order_by("name"))
