"""문자 내역 관리 and 예약 문자 관리 (CC-84, CC-85, CC-80): the administrators' look-ups.

The searches themselves are ``sending.message_history`` and ``sending.scheduled_messages``;
this module checks the period (one year back at most, CC-80/CC-81), exports the result to Excel
and cancels reservations, each with its row in the work history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput
from sangdam.crm.errors import NotAllowed
from sangdam.crm.phones import format_phone
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageKind, MessageState
from sangdam.messaging.models import Message

DEFAULT_DAYS = 7
EXPORT_LIMIT = 100_000
QUERY_MAX = 50


@dataclass(frozen=True)
class HistorySearch:
    """The filters of 문자 내역 관리; empty dates take the last week."""

    start: date | None = None
    end: date | None = None
    kind: str = ""  # "" = 전체, else a MessageKind
    query: str = ""  # a name prefix, or four or more digits of a number

    def describe(self) -> str:
        parts = [f"{self.start or ''}~{self.end or ''}"]
        if self.kind:
            parts.append(self.kind)
        if self.query:
            parts.append(self.query)
        return " ".join(parts)


def default_start(today: date) -> date:
    return today - timedelta(days=DEFAULT_DAYS)


def checked(search: HistorySearch, *, today: date) -> HistorySearch:
    """The search with its dates filled in, or every problem named by field.

    :raises InvalidInput: a start more than a year back (the period-extension service is not
        part of Sangdam, CC-81), an end before the start, an unknown type.
    """
    # Without a start, the week before the end (today when no end is given either).
    start = search.start or default_start(search.end or today)
    end = search.end or max(today, start)
    errors: dict[str, list[str]] = {}
    earliest = sending.history_start_limit(today)
    if start < earliest:
        errors["start"] = [
            _(
                "The search reaches one year back at most: choose %(date)s or later. Older "
                "messages need the period-extension service."
            )
            % {"date": earliest.isoformat()}
        ]
    if end < start:
        errors["end"] = [_("The end date is before the start date.")]
    if search.kind and search.kind not in MessageKind.values:
        errors["kind"] = [_("Choose SMS, LMS or MMS, or all types.")]
    query = search.query.strip()
    if len(query) > QUERY_MAX:
        errors["query"] = [
            _("Use at most %(count)d characters.") % {"count": QUERY_MAX},
        ]
    if errors:
        raise InvalidInput(errors)
    return HistorySearch(start=start, end=end, kind=search.kind, query=query)


def search_history(
    search: HistorySearch, *, zone: ZoneInfo | None = None
) -> tuple[HistorySearch, QuerySet[Message]]:
    """The messages of the search, newest first, with the search as applied.

    :raises InvalidInput: as ``checked``.
    """
    zone = zone or _zone()
    today = timezone.now().astimezone(zone).date()
    applied = checked(search, today=today)
    assert applied.start is not None
    assert applied.end is not None
    found = sending.message_history(
        start=applied.start, end=applied.end, kind=applied.kind, zone=zone, query=applied.query
    )
    return applied, found


def _zone() -> ZoneInfo:
    current = timezone.get_current_timezone()
    return current if isinstance(current, ZoneInfo) else ZoneInfo(str(current))


# -------------------------------------------------------------------------------- presentation


def state_reason(message: Message) -> str:
    """Why the message is where it is: the gateway's answer, or why it was not sent."""
    if message.state == MessageState.SKIPPED:
        return str(message.get_skip_reason_display())
    if message.state in (MessageState.FAILED, MessageState.QUEUED):
        return message.reason
    return ""


def sender_label(message: Message) -> str:
    user = message.job.created_by
    return user.actor_label if user is not None else ""


# -------------------------------------------------------------------------------------- export

EXPORT_HEADERS = (
    gettext_lazy("Send time"),
    gettext_lazy("Type"),
    gettext_lazy("Name"),
    gettext_lazy("Number"),
    gettext_lazy("Content"),
    gettext_lazy("Sent by"),
    gettext_lazy("State"),
    gettext_lazy("Reason"),
    gettext_lazy("Bytes"),
    gettext_lazy("Handed to the carrier at"),
)


@dataclass
class Export:
    headers: list[str]
    rows: list[list[Any]]
    count: int


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def export_history(*, actor: Actor, search: HistorySearch) -> Export:
    """엑셀 다운로드: every row of the search, written to the work history with its filter.

    :raises NotAllowed: the actor lacks the export permission (내보내기).
    :raises InvalidInput: the search is invalid or finds more than EXPORT_LIMIT messages.
    """
    zone = _zone()
    with record_work(actor, WorkScreen.SMS_HISTORY, WorkAction.EXPORT) as work:
        if not actor.user.can_export:
            raise NotAllowed(_("Exporting needs the export permission."))
        applied, found = search_history(search, zone=zone)
        count = found.count()
        work.detail = _("%(filter)s; %(count)d rows") % {
            "filter": applied.describe(),
            "count": count,
        }
        if count > EXPORT_LIMIT:
            raise InvalidInput.single(
                "",
                _(
                    "The search found %(count)s messages; one export holds at most %(limit)s. "
                    "Narrow the search and export again."
                )
                % {"count": f"{count:,}", "limit": f"{EXPORT_LIMIT:,}"},
            )
        rows = [
            [
                _local(message.requested_at, zone),
                message.kind,
                message.name,
                format_phone(message.phone),
                message.body,
                sender_label(message),
                str(message.get_state_display()),
                state_reason(message),
                message.byte_count,
                _local(message.sent_at, zone),
            ]
            for message in found.iterator(chunk_size=2000)
        ]
    return Export(headers=[str(header) for header in EXPORT_HEADERS], rows=rows, count=count)


# ----------------------------------------------------------------------------- reservations


def scheduled(query: str = "") -> QuerySet[Message]:
    """예약 문자: messages waiting for their time, soonest first; ``query`` as in the history."""
    found = sending.scheduled_messages()
    query = query.strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(name__startswith=query)
        if len(digits) >= 4:
            condition |= Q(phone__startswith=digits)
        found = found.filter(condition)
    return found


@dataclass(frozen=True)
class Cancelled:
    cancelled: int
    not_cancelled: int  # ticked but sent, cancelled or gone meanwhile

    @property
    def summary(self) -> str:
        text = sending.cancelled_summary(self.cancelled)
        if self.not_cancelled:
            text += " " + ngettext(
                "%(count)d ticked message was no longer scheduled: it was sent or cancelled "
                "already.",
                "%(count)d ticked messages were no longer scheduled: they were sent or cancelled "
                "already.",
                self.not_cancelled,
            ) % {"count": self.not_cancelled}
        return text


def cancel_reservations(*, actor: Actor, message_ids: Sequence[int]) -> Cancelled:
    """삭제 on 예약 문자 관리: cancel the ticked reservations the worker has not taken yet.

    :raises MessagingRefused: nothing was ticked, or none of them is still scheduled.
    """
    ticked = set(message_ids)
    with record_work(actor, WorkScreen.SMS_HISTORY, WorkAction.DELETE) as work:
        work.detail = _("cancel scheduled: %(ids)s") % {
            "ids": ", ".join(str(pk) for pk in sorted(ticked)[:30])
        }
        count = sending.cancel_scheduled(actor=actor, message_ids=sorted(ticked))
    return Cancelled(cancelled=count, not_cancelled=max(len(ticked) - count, 0))
