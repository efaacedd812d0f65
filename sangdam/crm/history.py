"""상담내역 관리 (SPEC CC-48..53): the administrators' consultation-history search, its Excel
export, and the edits and deletions of a case's entries applied together.

One result row is one case (ticket); its added consultations (상담추가) are counted on the row
and listed on the case's detail page.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.crm import tickets
from sangdam.crm.errors import NotAllowed
from sangdam.crm.models import ConsultationType, Ticket, TicketNote, TicketQuerySet
from sangdam.crm.phones import format_phone
from sangdam.crm.queues import Period, period
from sangdam.crm.tickets import local_time_label as _local
from sangdam.crm.types import subtree_ids, type_path

# One workbook holds at most this many cases; a larger search must be narrowed first.
EXPORT_LIMIT = 100_000
EXCERPT_LENGTH = 60


def one_month_before(day: dt.date) -> dt.date:
    """The same day a month earlier, or that month's last day (03-31 -> 02-28)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_start(today: dt.date | None = None) -> dt.date:
    """SPEC G-CC-04: the search reaches one month back from today at most."""
    return one_month_before(today or timezone.localdate())


@dataclass(frozen=True)
class HistorySearch:
    """The search form: a period and the optional filters (CC-48)."""

    start: dt.date | None = None
    end: dt.date | None = None
    type_id: int | None = None
    agent_id: int | None = None
    apartment: str = ""

    def describe(self, chosen: Period) -> str:
        """The filter as the work history records it."""
        parts = [f"{chosen.start.isoformat()}~{chosen.end.isoformat()}"]
        if self.type_id is not None:
            parts.append(f"type={self.type_id}")
        if self.agent_id is not None:
            parts.append(f"agent={self.agent_id}")
        if self.apartment.strip():
            parts.append(f"apartment={self.apartment.strip()}")
        return ", ".join(parts)


def checked_period(search: HistorySearch) -> Period:
    """The search's period, one month back from today at the most (G-CC-04).

    :raises InvalidInput: ``start`` is too early or after ``end``.
    """
    today = timezone.localdate()
    start = search.start or earliest_start(today)
    return period(start, search.end or today, earliest=earliest_start(today))


def search_history(search: HistorySearch) -> tuple[Period, TicketQuerySet]:
    """The registered cases received in the period that match the filters, newest first.

    :raises InvalidInput: the period is out of range, or a filter names nothing of the tenant.
    """
    chosen = checked_period(search)
    start, end = chosen.bounds()
    found = Ticket.objects.live().filter(received_at__gte=start, received_at__lt=end)
    if search.type_id is not None:
        if not ConsultationType.objects.filter(pk=search.type_id).exists():
            raise InvalidInput.single("type", _("Choose a consultation type from the list."))
        found = found.filter(consultation_type_id__in=subtree_ids(search.type_id))
    if search.agent_id is not None:
        if not User.objects.filter(pk=search.agent_id).exists():
            raise InvalidInput.single("agent", _("Choose an agent from the list."))
        found = found.filter(created_by_id=search.agent_id)
    apartment = search.apartment.strip()
    if apartment:
        found = found.filter(customer__apartment__startswith=apartment)
    added = (
        TicketNote.objects.filter(ticket=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        found.select_related(
            "customer", "created_by", "consultation_type__parent__parent", "assignee"
        )
        .annotate(added_count=Coalesce(Subquery(added, output_field=IntegerField()), 0))
        .order_by("-received_at", "-pk")
    )
    return chosen, found


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def address_of(ticket: Ticket) -> str:
    """아파트 / 동 / 호 as one cell: "래미안 101동 1203호", whether or not the record wrote
    the 동 and 호 itself."""
    customer = ticket.customer
    if customer is None:
        return ""
    block, unit = customer.block.strip(), customer.unit.strip()
    parts = [
        customer.apartment.strip(),
        f"{block}동" if block.isdigit() else block,
        f"{unit}호" if unit.isdigit() else unit,
    ]
    return " ".join(part for part in parts if part)


def customer_name_of(ticket: Ticket) -> str:
    return ticket.customer.name if ticket.customer else ticket.customer_name


# ------------------------------------------------------------------------------------- export

EXPORT_HEADERS = (
    gettext_lazy("Ticket number"),
    gettext_lazy("Received at"),
    gettext_lazy("Agent"),
    gettext_lazy("Customer name"),
    gettext_lazy("Phone"),
    gettext_lazy("Apartment"),
    gettext_lazy("Block"),
    gettext_lazy("Unit"),
    gettext_lazy("Consultation type"),
    gettext_lazy("Status"),
    gettext_lazy("Consultation content"),
    gettext_lazy("Added consultations"),
)


@dataclass
class Export:
    headers: list[str]
    rows: Iterator[Sequence[Any]]
    count: int
    detail: str = field(default="")


def _export_row(ticket: Ticket) -> list[Any]:
    customer = ticket.customer
    added = "\n".join(
        f"[{_local(note.created_at)} {note.created_by.name if note.created_by else ''}] "
        f"{note.content}"
        for note in ticket.notes.all()
    )
    return [
        ticket.number_label,
        _local(ticket.received_at),
        ticket.created_by.name if ticket.created_by else "",
        customer_name_of(ticket),
        format_phone(ticket.customer_phone),
        customer.apartment if customer else "",
        customer.block if customer else "",
        customer.unit if customer else "",
        type_path(ticket.consultation_type),
        ticket.get_status_display(),
        ticket.content,
        added,
    ]


def export_history(actor: Actor, search: HistorySearch) -> Export:
    """The rows of every page of the search, for the Excel download (CC-52).

    The caller must hold the export permission; the export is written to the work history
    with its filter and row count.

    :raises NotAllowed: the actor lacks the export permission.
    :raises InvalidInput: the search is invalid or finds more than EXPORT_LIMIT cases.
    """
    with record_work(actor, WorkScreen.CONSULTATION_HISTORY, WorkAction.EXPORT) as work:
        if not actor.user.can_export:
            raise NotAllowed(_("Exporting needs the export permission."))
        chosen, found = search_history(search)
        count = found.count()
        work.detail = _("%(filter)s; %(count)d rows") % {
            "filter": search.describe(chosen),
            "count": count,
        }
        if count > EXPORT_LIMIT:
            raise InvalidInput.single(
                "",
                _(
                    "The search found %(count)s consultations; one export holds at most "
                    "%(limit)s. Narrow the search and export again."
                )
                % {"count": f"{count:,}", "limit": f"{EXPORT_LIMIT:,}"},
            )
        # Read inside the audited transaction so the count and the rows agree.
        rows = [
            _export_row(ticket)
            for ticket in found.prefetch_related(
                Prefetch("notes", queryset=TicketNote.objects.select_related("created_by"))
            ).iterator(chunk_size=2000)
        ]
    return Export(headers=[str(h) for h in EXPORT_HEADERS], rows=iter(rows), count=count)


# ------------------------------------------------------------------------------ detail & edits


@dataclass(frozen=True)
class Entry:
    """One entry of a case: the case's own content (note is None) or an added consultation."""

    author: User | None
    written_at: dt.datetime
    content: str
    note: TicketNote | None
    changeable: bool
    why_not: str

    @property
    def key(self) -> str:
        return f"note-{self.note.pk}" if self.note else "case"


def _why_not(user: User, author_id: int | None) -> str:
    if author_id != user.pk:
        return _(
            "Written by someone else: only holders of the consultation-history editor "
            "permission may change it."
        )
    return _(
        "Written more than 24 hours ago: only holders of the consultation-history editor "
        "permission may change it now."
    )


def entries(ticket: Ticket, user: User, now: dt.datetime) -> list[Entry]:
    """The case's content followed by its added consultations, each with whether ``user`` may
    change it (G-CC-03: the editor permission always, anyone else their own for 24 hours)."""

    def entry(author: User | None, written_at: dt.datetime, content: str, note: Any) -> Entry:
        author_id = author.pk if author else None
        allowed = tickets.may_change_record(user, author_id, written_at, now)
        return Entry(
            author=author,
            written_at=written_at,
            content=content,
            note=note,
            changeable=allowed,
            why_not="" if allowed else _why_not(user, author_id),
        )

    result = [entry(ticket.created_by, ticket.created_at, ticket.content, None)]
    for note in ticket.notes.select_related("created_by").order_by("created_at", "pk"):
        result.append(entry(note.created_by, note.created_at, note.content, note))
    return result


def load_case(pk: int) -> Ticket:
    ticket = (
        Ticket.objects.live()
        .select_related(
            "customer",
            "created_by",
            "updated_by",
            "assignee",
            "consultation_type__parent__parent",
        )
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise NotFound(_("The consultation does not exist."))
    return ticket


@dataclass(frozen=True)
class CaseChanges:
    """What the detail form sends when 변경내용 저장 is pressed (CC-49)."""

    version: int
    # The case's own content when edited, else None.
    content: str | None = None
    # Added consultations: id -> new content.
    edited: dict[int, str] = field(default_factory=dict)
    deleted: frozenset[int] = frozenset()
    # Delete the whole case with every entry.
    delete_case: bool = False

    @property
    def empty(self) -> bool:
        return (
            self.content is None and not self.edited and not self.deleted and not self.delete_case
        )


def _refuse(what: str) -> NotAllowed:
    return NotAllowed(
        _(
            "%(entry)s can no longer be changed by you: without the consultation-history editor "
            "permission you may change only what you wrote, within 24 hours. Nothing was saved."
        )
        % {"entry": what}
    )


def save_case_changes(actor: Actor, ticket_pk: int, changes: CaseChanges) -> Ticket | None:
    """변경내용 저장: apply every edit and deletion of the form together, or none (CC-49..51).

    Returns the case, or None when it was deleted as a whole.

    :raises TicketChanged: the case changed after the form was loaded.
    :raises NotAllowed: an entry may not be changed by the actor (G-CC-03).
    :raises InvalidInput: an edited entry is empty.
    :raises NotFound: the case or an entry no longer exists.
    """
    if changes.empty:
        raise InvalidInput.single("", _("Nothing was changed."))
    action = (
        WorkAction.DELETE
        if changes.delete_case
        or (changes.deleted and not changes.edited and changes.content is None)
        else WorkAction.UPDATE
    )
    with record_work(actor, WorkScreen.CONSULTATION_HISTORY, action) as work:
        now = timezone.now()
        ticket = tickets.lock_ticket(ticket_pk, changes.version)
        if ticket.is_draft or ticket.is_discarded:
            raise NotFound(_("The consultation does not exist."))
        work.detail = ticket.number_label
        user = actor.user
        case_label = _("The case content of %(number)s") % {"number": ticket.number_label}
        if changes.delete_case:
            if not tickets.may_change_record(user, ticket.created_by_id, ticket.created_at, now):
                raise _refuse(case_label)
            tickets.delete_ticket(ticket.pk, ticket.version, actor)
            work.detail = _("%(number)s deleted") % {"number": ticket.number_label}
            return None
        notes = {note.pk: note for note in TicketNote.objects.filter(ticket=ticket)}
        touched = set(changes.edited) | set(changes.deleted)
        missing = touched - set(notes)
        if missing:
            raise NotFound(
                _(
                    "An added consultation was deleted meanwhile. Reload the page; nothing was "
                    "saved."
                )
            )
        for pk in sorted(touched):
            note = notes[pk]
            if not tickets.may_change_record(user, note.created_by_id, note.created_at, now):
                raise _refuse(_("The consultation of %(time)s") % {"time": _local(note.created_at)})
        parts = []
        if changes.content is not None and changes.content.strip() != ticket.content.strip():
            if not tickets.may_change_record(user, ticket.created_by_id, ticket.created_at, now):
                raise _refuse(case_label)
            data = replace(tickets.TicketFields.of(ticket), content=changes.content.strip())
            tickets.save_edits(ticket.pk, ticket.version, data, actor)
            parts.append(_("content edited"))
        edited = [
            pk
            for pk, content in changes.edited.items()
            if pk not in changes.deleted and content.strip() != notes[pk].content.strip()
        ]
        for pk in sorted(edited):
            try:
                tickets.edit_consultation(pk, changes.edited[pk], actor)
            except InvalidInput as error:
                raise InvalidInput.single(
                    f"note-{pk}",
                    _("The consultation of %(time)s: %(message)s")
                    % {
                        "time": _local(notes[pk].created_at),
                        "message": error.message,
                    },
                ) from error
        for pk in sorted(changes.deleted):
            tickets.delete_consultation(pk, actor)
        if edited:
            parts.append(_("%(count)d added edited") % {"count": len(edited)})
        if changes.deleted:
            parts.append(_("%(count)d added deleted") % {"count": len(changes.deleted)})
        work.detail = f"{ticket.number_label}: {', '.join(parts) or '-'}"
    return tickets.load_ticket(ticket_pk)
