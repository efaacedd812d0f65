"""Helpers the my-page tests share: reading pages as a person sees them, arranging a fair.

No tests live here; the module name only keeps it among the my-page test files.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext

from sangdam.accounts.models import User
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.models import Event, Meeting, Participant, Slot
from tests.fairs.fair import FAIR_DAY, SEOUL, actor

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def ko(text: str) -> str:
    """The Korean a page shows for an English message ID (the catalog's, once merged)."""
    with translation.override("ko"):
        return gettext(text)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str], list[str]]] = []
        self.stack: list[tuple[str, list[str] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        buffer: list[str] | None = None
        if "data-testid" in values or "data-slot" in values:
            buffer = []
            self.found.append((values, buffer))
        if tag not in _VOID:
            self.stack.append((tag, buffer))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        for _tag, buffer in self.stack:
            if buffer is not None:
                buffer.append(data)


def elements(html: str) -> list[tuple[dict[str, str], str]]:
    parser = _Elements()
    parser.feed(html)
    return [(attrs, " ".join("".join(parts).split())) for attrs, parts in parser.found]


def texts(html: str, testid: str) -> list[str]:
    """The visible text of every element with ``data-testid=testid``, spaces collapsed."""
    return [text for attrs, text in elements(html) if attrs.get("data-testid") == testid]


def text(html: str, testid: str) -> str:
    found = texts(html, testid)
    assert len(found) == 1, f"{testid}: {found}"
    return found[0]


def slot_states(html: str) -> dict[str, str]:
    """Slot label ("9:00") to its state, as the availability grid shows it."""
    return {
        attrs["data-slot"]: attrs.get("data-state", attrs.get("class", ""))
        for attrs, _text in elements(html)
        if "data-slot" in attrs
    }


def slot_classes(html: str) -> dict[str, str]:
    return {
        attrs["data-slot"]: attrs.get("class", "")
        for attrs, _text in elements(html)
        if "data-slot" in attrs
    }


def rows(html: str) -> list[tuple[str, str]]:
    """The request-status list as (company, origin) pairs, top to bottom."""
    return [
        (attrs["data-company"], attrs["data-origin"])
        for attrs, _text in elements(html)
        if attrs.get("data-testid") == "request-row"
    ]


def ask(requester: Participant, recipient: Participant) -> services.RequestOutcome:
    with tenant_scope(requester.organization):
        requester.refresh_from_db()
        return services.request_meeting(requester=requester, recipient_id=recipient.pk)


def slot_at(event: Event, hour: int, minute: int = 0, day: dt.date = FAIR_DAY) -> Slot:
    starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SEOUL)
    with tenant_scope(event.organization):
        return Slot.objects.get(event=event, starts_at=starts)


def place(
    organizer: User, event: Event, buyer: Participant, seller: Participant, slot: Slot
) -> Meeting:
    with tenant_scope(event.organization):
        return services.place_meeting(
            actor=actor(organizer),
            event=event,
            buyer_id=buyer.pk,
            seller_id=seller.pk,
            slot_id=slot.pk,
        )


def publish(organizer: User, event: Event) -> None:
    with tenant_scope(event.organization):
        services.publish_schedule(actor=actor(organizer), event=event)
        event.refresh_from_db()
