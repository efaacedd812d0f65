"""The work lists in the contact-center API: queues, 미완료, 리콜 and the ticket search.

No ``from __future__ import annotations`` here: django-ninja reads the annotations at import.
"""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.crm import queues
from sangdam.crm.api_access import require_worker
from sangdam.crm.models import TicketQuerySet

router = Router(tags=["crm-lists"])


# ----------------------------------------------------------------------------------- schemas


class QueueCount(Schema):
    tab: str = Field(description="received, sent, mine, callbacks or recalls")
    label: str
    count: int


class QueueCounts(Schema):
    total: int = Field(
        description="Unprocessed tickets in any queue (the 담당자관련이력[n] number)."
    )
    tabs: list[QueueCount]


class TicketRow(Schema):
    id: int
    number: str = Field(description="접수번호, ten digits")
    received_at: datetime
    customer_id: int | None
    customer_name: str
    customer_phone: str = Field(description="As stored: national digits")
    customer_phone_display: str
    status: str
    status_label: str
    is_draft: bool
    is_discarded: bool
    consultation_type_id: int | None
    consultation_type: str
    channel: str
    channel_label: str
    title: str
    excerpt: str = Field(description="The start of the content (only where the list shows it)")
    received_by: str
    updated_at: datetime
    updated_by: str
    assignee_id: int | None
    assignee: str
    transferred_at: datetime | None
    transferred_by: str
    due_at: datetime | None
    recall_at: datetime | None
    elapsed: str = Field(description="처리상황: 접수당일 / 접수 N일 지난")
    overdue: bool = Field(description="Open and past its due date or 3 days old (shown red)")
    recall_state: str = Field(description='"", "later", "today" or "past"')
    version: int = Field(description="Send it back with an action on the ticket")


class TicketPage(Schema):
    count: int = Field(description="Matching tickets, counted up to the cap")
    more: bool = Field(description="More tickets match than were counted; narrow the search")
    page: int
    pages: int
    page_size: int
    results: list[TicketRow]


def _name(user: User | None) -> str:
    return user.name if user is not None else ""


def _page(tickets: TicketQuerySet, number: int, *, excerpt: bool = False) -> TicketPage:
    if number < 1:
        raise InvalidInput.single("page", _("Pages are numbered from 1."))
    paginator = queues.CappedPaginator(queues.for_list(tickets, excerpt=excerpt))
    page = paginator.get_page(number)
    results = []
    for row in queues.rows(page, timezone.now()):
        ticket = row.ticket
        kind = ticket.consultation_type
        results.append(
            TicketRow(
                id=ticket.pk,
                number=ticket.number_label,
                received_at=ticket.received_at,
                customer_id=ticket.customer_id,
                customer_name=ticket.customer_name,
                customer_phone=ticket.customer_phone,
                customer_phone_display=row.phone,
                status=ticket.status,
                status_label=ticket.get_status_display(),
                is_draft=ticket.is_draft,
                is_discarded=ticket.is_discarded,
                consultation_type_id=ticket.consultation_type_id,
                consultation_type=str(kind) if kind is not None else "",
                channel=ticket.channel,
                channel_label=ticket.get_channel_display(),
                title=ticket.title,
                excerpt=row.excerpt,
                received_by=_name(ticket.created_by),
                updated_at=ticket.updated_at,
                updated_by=_name(ticket.updated_by),
                assignee_id=ticket.assignee_id,
                assignee=_name(ticket.assignee),
                transferred_at=ticket.transferred_at,
                transferred_by=_name(ticket.transferred_by),
                due_at=ticket.due_at,
                recall_at=ticket.recall_at,
                elapsed=row.elapsed if ticket.is_open else "",
                overdue=row.overdue,
                recall_state=str(row.recall),
                version=ticket.version,
            )
        )
    return TicketPage(
        count=paginator.count,
        more=paginator.capped,
        page=page.number,
        pages=paginator.num_pages,
        page_size=paginator.per_page,
        results=results,
    )


class PeriodFilters(Schema):
    start: date | None = Field(None, description="First day (default: see each list)")
    end: date | None = Field(None, description="Last day")
    ignore_period: bool = Field(False, description="기간무시: the last year, whatever the dates")
    agent: int | None = Field(None, description="Only this agent's tickets")
    page: int = 1


class HistoryFilters(Schema):
    start: date | None = Field(None, description="First day (default: a week ago)")
    end: date | None = Field(None, description="Last day (default: today); one year back at most")
    status: str = Field("", description='"01", "03", "07", "draft" (temp-saved) or "" for all')
    include_discarded: bool = False
    consultation_type: int | None = Field(None, description="A type, with the types under it")
    received_by: int | None = Field(None, description="The agent who received the ticket")
    customer: str = Field("", description="A name prefix or (part of) a phone number")
    number: str = Field("", description="접수번호; searched in the whole year")
    page: int = 1


# --------------------------------------------------------------------------------- endpoints


@router.get("/crm/queues", response=QueueCounts, summary="My work-queue counts (담당자관련이력)")
def queue_counts(request: HttpRequest) -> QueueCounts:
    agent = require_worker(request)
    counts = queues.queue_counts(agent)
    return QueueCounts(
        total=queues.unprocessed_total(agent),
        tabs=[
            QueueCount(tab=str(which), label=str(queues.QUEUE_LABELS[which]), count=counts[which])
            for which in queues.Queue
        ],
    )


@router.get("/crm/queues/{tab}", response=TicketPage, summary="One of my work queues")
def queue_tickets(request: HttpRequest, tab: str, page: int = 1) -> TicketPage:
    agent = require_worker(request)
    try:
        which = queues.Queue(tab)
    except ValueError as error:
        choices = ", ".join(str(value) for value in queues.Queue)
        raise InvalidInput.single(
            "tab", _("Choose one of the queues: %(choices)s.") % {"choices": choices}
        ) from error
    return _page(queues.queue(agent, which), page)


@router.get("/crm/incomplete", response=TicketPage, summary="Incomplete consultations (미완료)")
def incomplete(request: HttpRequest, filters: Query[PeriodFilters]) -> TicketPage:
    require_worker(request)
    errors: dict[str, list[str]] = {}
    try:
        chosen = queues.period(filters.start, filters.end, ignore=filters.ignore_period)
    except InvalidInput as error:
        errors.update(error.errors)
    try:
        agent = queues.agent_named(filters.agent)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return _page(queues.incomplete(chosen, agent=agent), filters.page, excerpt=True)


@router.get("/crm/recalls", response=TicketPage, summary="Open recalls (리콜)")
def recalls(request: HttpRequest, filters: Query[PeriodFilters]) -> TicketPage:
    """By default from a week back to a week ahead, soonest first."""
    require_worker(request)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        chosen = queues.period(
            filters.start or today - queues.RECALL_WINDOW,
            filters.end or today + queues.RECALL_WINDOW,
            ignore=filters.ignore_period,
        )
    except InvalidInput as error:
        errors.update(error.errors)
    try:
        agent = queues.agent_named(filters.agent)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return _page(queues.recalls(chosen, agent=agent), filters.page)


@router.get(
    "/crm/tickets/search", response=TicketPage, summary="Search every ticket (전체상담 이력)"
)
def search_tickets(request: HttpRequest, filters: Query[HistoryFilters]) -> TicketPage:
    require_worker(request)
    found = queues.search_history(
        queues.HistorySearch(
            start=filters.start,
            end=filters.end,
            status=filters.status,
            include_discarded=filters.include_discarded,
            consultation_type_id=filters.consultation_type,
            received_by_id=filters.received_by,
            customer=filters.customer,
            number=filters.number,
        )
    )
    return _page(found, filters.page, excerpt=True)
