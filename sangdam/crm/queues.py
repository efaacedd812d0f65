"""What an agent has to work on (담당자관련이력, SPEC CS-F) and the open lists of CC-F.

Each queue is a QuerySet over open tickets only, read through the partial indexes of
``Ticket``; counts are what the tab labels show (받은이관[2] 보낸이관[2] 접수[3] 콜백[2]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.crm.customers import CustomerSearch, search_customers
from sangdam.crm.enums import OPEN_STATUSES, InflowChannel, TicketStatus
from sangdam.crm.models import ConsultationType, Ticket, TicketQuerySet
from sangdam.crm.phones import format_phone, normalize_phone, search_digits
from sangdam.crm.tickets import WORK_ROLES

# SPEC G-CC-12: 기간무시 and the period filters reach one year back at most.
ONLINE_RETENTION = dt.timedelta(days=365)


class Queue(StrEnum):
    RECEIVED_TRANSFERS = "received"
    SENT_TRANSFERS = "sent"
    MINE = "mine"
    CALLBACKS = "callbacks"
    RECALLS = "recalls"


QUEUE_LABELS: dict[Queue, Promise] = {
    Queue.RECEIVED_TRANSFERS: gettext_lazy("Received transfers"),
    Queue.SENT_TRANSFERS: gettext_lazy("Sent transfers"),
    Queue.MINE: gettext_lazy("My tickets"),
    Queue.CALLBACKS: gettext_lazy("Callbacks"),
    Queue.RECALLS: gettext_lazy("Recalls"),
}


def queue(agent: User, which: Queue) -> TicketQuerySet:
    """The unprocessed tickets of one work-queue tab, oldest first."""
    if which == Queue.RECEIVED_TRANSFERS:
        selected = Ticket.objects.open().filter(assignee=agent, status=TicketStatus.TRANSFERRED)
    elif which == Queue.SENT_TRANSFERS:
        selected = Ticket.objects.open().filter(
            transferred_by=agent, status=TicketStatus.TRANSFERRED
        )
    elif which == Queue.MINE:
        # CS-38: what I registered myself, callbacks excluded.
        selected = (
            Ticket.objects.open().filter(created_by=agent).exclude(channel=InflowChannel.CALLBACK)
        )
    elif which == Queue.CALLBACKS:
        selected = _callbacks(agent)
    else:
        selected = Ticket.objects.open_recalls().filter(Q(created_by=agent) | Q(assignee=agent))
        return selected.order_by("recall_at", "pk")
    return selected.order_by("received_at", "pk")


def _callbacks(agent: User) -> TicketQuerySet:
    """Callbacks I handle: assigned to me, or unassigned and taken by me (CS-39).

    Written as one COALESCE, which the index crm_ticket_open_handler serves; the equivalent OR
    makes SQLite read every open ticket of the tenant.
    """
    return (
        Ticket.objects.open()
        .alias(handler=Coalesce("assignee", "created_by"))
        .filter(handler=agent.pk, channel=InflowChannel.CALLBACK)
    )


def queue_counts(agent: User) -> dict[Queue, int]:
    return {which: queue(agent, which).count() for which in Queue}


def unprocessed_total(agent: User) -> int:
    """The number on the 담당자관련이력[n] tab: distinct open tickets in any of the queues.

    The sum of three disjoint counts (assigned to me; transferred by me to someone else; taken
    by me and neither), so that each reads one partial index.
    """
    open_tickets = Ticket.objects.open()
    assigned = open_tickets.filter(assignee=agent).count()
    sent = open_tickets.filter(status=TicketStatus.TRANSFERRED, transferred_by=agent).exclude(
        assignee=agent
    )
    taken = (
        open_tickets.filter(created_by=agent)
        .exclude(assignee=agent)
        .exclude(status=TicketStatus.TRANSFERRED, transferred_by=agent)
    )
    return assigned + sent.count() + taken.count()


def elapsed_label(received_at: dt.datetime, now: dt.datetime) -> str:
    """처리상황 (CS-42, G-CS-03): 접수당일, or 접수 N일 지난 in calendar days of the tenant."""
    days = (timezone.localdate(now) - timezone.localdate(received_at)).days
    if days <= 0:
        return _("Received today")
    return _("Received %(days)s days ago") % {"days": days}


# ----------------------------------------------------------------------- period-filtered lists


@dataclass(frozen=True)
class Period:
    """A period of days in the tenant's zone; ``ignore`` stands for 기간무시 (one year back)."""

    start: dt.date
    end: dt.date
    ignore: bool = False

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        if self.ignore:
            # Recalls may lie ahead, so the end is as far forward as the start is back.
            now = timezone.now()
            return now - ONLINE_RETENTION, now + ONLINE_RETENTION
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end


def period(
    start: dt.date | None,
    end: dt.date | None,
    *,
    ignore: bool = False,
    default_days: int = 7,
    earliest: dt.date | None = None,
) -> Period:
    """A checked period: start before end, no further back than ``earliest`` (one year)."""
    today = timezone.localdate()
    end = end or today
    start = start or end - dt.timedelta(days=default_days)
    earliest = earliest or today - ONLINE_RETENTION
    errors: dict[str, list[str]] = {}
    if ignore:
        # 기간무시: the dates do not count, so they cannot be wrong.
        return Period(start=start, end=end, ignore=True)
    if start > end:
        errors.setdefault("start", []).append(_("The start date is after the end date."))
    if start < earliest:
        errors.setdefault("start", []).append(
            _("The period can start on %(date)s at the earliest.") % {"date": earliest.isoformat()}
        )
    if errors:
        raise InvalidInput(errors)
    return Period(start=start, end=end, ignore=ignore)


def _worked_by(agent: User) -> Q:
    """The agent's share of the open tickets: assigned to them, or theirs while unassigned."""
    return Q(assignee=agent) | Q(assignee__isnull=True, created_by=agent)


def agent_named(pk: int | None, field: str = "agent") -> User | None:
    """The agent a list is narrowed to (None for everyone's), one of this organization's."""
    if pk is None:
        return None
    agent = User.objects.filter(pk=pk, role__in=WORK_ROLES).first()
    if agent is None:
        raise InvalidInput.single(field, _("Choose an agent from the list."))
    return agent


def incomplete(chosen: Period, *, agent: User | None = None) -> TicketQuerySet:
    """미완료 상담 (CC-59): registered, not completed, received in the period; newest first."""
    start, end = chosen.bounds()
    tickets = Ticket.objects.open().filter(received_at__gte=start, received_at__lt=end)
    if agent is not None:
        tickets = tickets.filter(_worked_by(agent))
    return tickets.order_by("-received_at", "-pk")


# The recall list shows a week back to a week ahead unless asked otherwise.
RECALL_WINDOW = dt.timedelta(days=7)


def recalls(chosen: Period, *, agent: User | None = None) -> TicketQuerySet:
    """리콜 (CC-61): open recalls whose recall time falls in the period; soonest first."""
    start, end = chosen.bounds()
    tickets = Ticket.objects.open_recalls().filter(recall_at__gte=start, recall_at__lt=end)
    if agent is not None:
        tickets = tickets.filter(Q(created_by=agent) | Q(assignee=agent))
    return tickets.order_by("recall_at", "pk")


# ------------------------------------------------------------------------ the other history tabs

# SPEC G-CS-06: without a reset, "recent" transfers are those of the last 30 days.
RECENT_TRANSFERS = dt.timedelta(days=30)


def drafts(agent: User) -> TicketQuerySet:
    """접수정보 임시저장 (CS-19): the agent's own temp-saved tickets, last saved first."""
    return Ticket.objects.filter(
        is_draft=True, discarded_at__isnull=True, created_by=agent
    ).order_by("-updated_at", "-pk")


def recent_transfers(user: User, now: dt.datetime, *, everyone: bool = False) -> TicketQuerySet:
    """최근이관 이력 (CS-43): transfers of the last 30 days, latest first.

    An agent sees the transfers they made or received; ``everyone`` (administrators) sees the
    whole organization's.
    """
    tickets = Ticket.objects.filter(
        transferred_at__isnull=False, transferred_at__gte=now - RECENT_TRANSFERS
    )
    if not everyone:
        tickets = tickets.filter(Q(transferred_by=user) | Q(assignee=user))
    return tickets.order_by("-transferred_at", "-pk")


class HistoryStatus(StrEnum):
    """The 진행상태 choices of 전체상담 이력: the three codes, and temp-saved tickets.

    "All" is every registered ticket (CS-44); temp-saved ones are listed only when asked for.
    """

    ALL = ""
    RECEIVED = TicketStatus.RECEIVED.value
    TRANSFERRED = TicketStatus.TRANSFERRED.value
    COMPLETED = TicketStatus.COMPLETED.value
    DRAFT = "draft"


def history_status_choices() -> list[tuple[str, str]]:
    return [
        (HistoryStatus.ALL, _("All")),
        *((str(value), str(label)) for value, label in TicketStatus.choices),
        (HistoryStatus.DRAFT, _("Temp-saved")),
    ]


@dataclass(frozen=True)
class HistorySearch:
    """The criteria of 전체상담 이력 (CS-44); every one is optional."""

    start: dt.date | None = None
    end: dt.date | None = None
    status: str = HistoryStatus.ALL
    include_discarded: bool = False
    consultation_type_id: int | None = None
    received_by_id: int | None = None
    customer: str = ""
    number: str = ""


MAX_TICKET_DIGITS = 10


def search_history(search: HistorySearch) -> TicketQuerySet:
    """Every ticket of the organization matching the criteria, newest first (CS-44).

    The period reaches one year back at most (G-CC-12). A ticket number is looked up in the
    whole year whatever the period, since the person asking usually does not know the date.
    The customer text is a name prefix or (part of) a phone number, matched on the name and
    number the ticket was taken with.

    :raises InvalidInput: naming each criterion that cannot be used.
    """
    errors: dict[str, list[str]] = {}
    tickets = Ticket.objects.all()
    try:
        chosen = period(search.start, search.end, default_days=7)
    except InvalidInput as error:
        errors.update(error.errors)
        chosen = Period(timezone.localdate(), timezone.localdate())
    number = search.number.strip()
    if number:
        if not number.isdigit() or len(number) > MAX_TICKET_DIGITS:
            errors["number"] = [_("A ticket number has up to 10 digits.")]
        else:
            tickets = tickets.filter(number=int(number))
            chosen = Period(chosen.start, chosen.end, ignore=True)
    start, end = chosen.bounds()
    tickets = tickets.filter(received_at__gte=start, received_at__lt=end)
    try:
        tickets = _with_status(tickets, search.status, include_discarded=search.include_discarded)
    except InvalidInput as error:
        errors.update(error.errors)
    if search.consultation_type_id is not None:
        kinds = _type_and_descendants(search.consultation_type_id)
        if not kinds:
            errors["consultation_type"] = [_("Choose a consultation type from the list.")]
        tickets = tickets.filter(consultation_type_id__in=kinds)
    if search.received_by_id is not None:
        try:
            agent_named(search.received_by_id, "received_by")
        except InvalidInput as error:
            errors.update(error.errors)
        tickets = tickets.filter(created_by_id=search.received_by_id)
    try:
        tickets = _with_customer(tickets, search.customer)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return tickets.order_by("-received_at", "-pk")


def _with_status(
    tickets: TicketQuerySet, status: str, *, include_discarded: bool
) -> TicketQuerySet:
    if status not in HistoryStatus._value2member_map_:
        raise InvalidInput.single(
            "status", _("%(value)s is not one of the codes.") % {"value": status}
        )
    if not include_discarded:
        tickets = tickets.filter(discarded_at__isnull=True)
    if status == HistoryStatus.DRAFT:
        return tickets.filter(is_draft=True)
    tickets = tickets.filter(is_draft=False)
    if status in OPEN_STATUSES and not include_discarded:
        # Open tickets only: the partial indexes of the queues serve this search too.
        tickets = tickets.open()
    return tickets.filter(status=status) if status else tickets


def _type_and_descendants(pk: int) -> list[int]:
    """A consultation type with the types under it (a 대분류 finds its 중/소분류 too)."""
    found = list(ConsultationType.objects.filter(pk=pk).values_list("pk", flat=True))
    level = found
    while level:
        level = list(
            ConsultationType.objects.filter(parent_id__in=level).values_list("pk", flat=True)
        )
        found += level
    return found


MIN_PHONE_DIGITS = 4


def _with_customer(tickets: TicketQuerySet, text: str) -> TicketQuerySet:
    text = text.strip()
    if not text:
        return tickets
    digits = search_digits(text)
    if not digits:
        # Names through the customers' index; 500 namesakes are more than anyone scrolls.
        found = search_customers(CustomerSearch(text=text)).values("pk")[:500]
        return tickets.filter(customer_id__in=found)
    if len(digits) < MIN_PHONE_DIGITS:
        raise InvalidInput.single("customer", _("Enter at least 4 digits of the number."))
    try:
        return tickets.filter(customer_phone=normalize_phone(text, field="customer"))
    except InvalidInput:
        # Not a complete number: the start of one.
        return tickets.filter(customer_phone__startswith=digits)


# ------------------------------------------------------------------------------ list display

# The columns the lists show (CS-40); the rest of a ticket (its content above all) stays behind.
_LIST_FIELDS = (
    "number",
    "received_at",
    "customer",
    "customer_name",
    "customer_phone",
    "consultation_type__code",
    "consultation_type__name",
    "channel",
    "title",
    "status",
    "is_draft",
    "discarded_at",
    "due_at",
    "recall_at",
    "recall_done_at",
    "assignee__name",
    "transferred_by__name",
    "transferred_at",
    "created_by__name",
    "updated_at",
    "updated_by__name",
    "version",
)
EXCERPT_LENGTH = 60


def for_list(tickets: TicketQuerySet, *, excerpt: bool = False) -> TicketQuerySet:
    """The tickets with what a list row shows and nothing more, in one query (no N+1).

    ``excerpt`` adds ``excerpt``, the start of the content, cut in the database.
    """
    shown = tickets.select_related(
        "consultation_type", "assignee", "transferred_by", "created_by", "updated_by"
    ).only(*_LIST_FIELDS)
    if excerpt:
        shown = shown.annotate(excerpt=Substr("content", 1, EXCERPT_LENGTH + 1))
    return shown


class RecallState(StrEnum):
    NONE = ""
    LATER = "later"
    TODAY = "today"
    PAST = "past"


@dataclass(frozen=True)
class Row:
    """One list row with what the templates and the API compute per ticket."""

    ticket: Ticket
    phone: str
    overdue: bool
    elapsed: str
    recall: RecallState
    excerpt: str = ""


def recall_state(ticket: Ticket, now: dt.datetime) -> RecallState:
    if ticket.recall_at is None or ticket.recall_done_at is not None:
        return RecallState.NONE
    if ticket.recall_at < now:
        return RecallState.PAST
    if timezone.localdate(ticket.recall_at) == timezone.localdate(now):
        return RecallState.TODAY
    return RecallState.LATER


def rows(tickets: Iterable[Ticket], now: dt.datetime) -> list[Row]:
    result = []
    for ticket in tickets:
        excerpt = str(getattr(ticket, "excerpt", "") or "")
        if len(excerpt) > EXCERPT_LENGTH:
            excerpt = excerpt[:EXCERPT_LENGTH] + "…"
        result.append(
            Row(
                ticket=ticket,
                phone=format_phone(ticket.customer_phone),
                overdue=ticket.is_overdue(now),
                elapsed=elapsed_label(ticket.received_at, now),
                recall=recall_state(ticket, now),
                excerpt=excerpt,
            )
        )
    return result


# -------------------------------------------------------------------------------- pagination

PAGE_SIZE = 50
# Counting stops here: a list of more rows says "10,000+" and asks for narrower criteria,
# so that no page counts a year of a large tenant's tickets.
COUNT_CAP = 10_000


class CappedPaginator(Paginator[Ticket]):
    """Django's paginator with a count that reads at most ``COUNT_CAP`` + 1 index entries."""

    def __init__(
        self, tickets: TicketQuerySet, per_page: int = PAGE_SIZE, cap: int = COUNT_CAP
    ) -> None:
        super().__init__(tickets, per_page)
        self.tickets = tickets
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return int(self.tickets.order_by().values("pk")[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows exist than were counted."""
        return self._counted > self.cap


def page_of(tickets: TicketQuerySet, number: Any, size: int = PAGE_SIZE) -> Page[Ticket]:
    """One page of a list; a page number out of range gives the nearest page."""
    return CappedPaginator(tickets, size).get_page(number)
