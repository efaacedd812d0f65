"""The scheduling problem: slots, participants, meeting requests and fixed meetings.

Slots are referred to by their index in ``Problem.slots`` (integers inside the engine); participants
and requests keep the ids the organizer knows them by, because every message and every result
names them. A ``Problem`` checks itself when it is built and reports every problem it finds at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def is_live(self) -> bool:
        return self is RequestStatus.PENDING or self is RequestStatus.ACCEPTED


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable meeting slot; half-open ``[start, end)`` on ``day`` (local time of the fair)."""

    id: str
    day: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True, slots=True)
class Participant:
    """A company at the fair. ``unavailable`` holds slot indexes; ``daily_cap`` None: no cap."""

    id: str
    side: Side
    daily_cap: int | None = None
    unavailable: frozenset[int] = frozenset()
    category: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """A request from ``requester`` to ``recipient`` (JSON ``from`` and ``to``)."""

    id: str
    requester: str
    recipient: str
    created_at: dt.datetime
    status: RequestStatus = RequestStatus.PENDING
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class FixedMeeting:
    """A meeting placed by hand that every schedule keeps as it is."""

    buyer: str
    seller: str
    slot: int


# Sections of an instance in the order problems are reported.
SECTIONS = ("instance", "format", "tables", "slots", "participants", "requests", "fixed")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an instance, located the way an organizer can find it in the file."""

    section: str
    message: str
    index: int | None = None
    item_id: str | None = None

    @property
    def where(self) -> str:
        if self.index is None:
            return self.section
        label = f"{self.section}[{self.index}]"
        if self.item_id is not None:
            label += f" (id {quote(self.item_id)})"
        return label

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def sort_key(self) -> tuple[int, int]:
        section = SECTIONS.index(self.section) if self.section in SECTIONS else len(SECTIONS)
        return (section, -1 if self.index is None else self.index)


class SchedulingError(Exception):
    """Base of the errors the scheduling engine raises."""


class InvalidProblem(SchedulingError):
    """The instance cannot be scheduled; ``issues`` lists every problem found, in file order."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(sorted(issues, key=Issue.sort_key))
        super().__init__("\n".join(str(issue) for issue in self.issues))


def quote(text: str) -> str:
    """Quote an id for a message, so ids with spaces or quotes stay unambiguous."""
    return json.dumps(text, ensure_ascii=False)


def _plural(side: Side) -> str:
    return "buyers" if side is Side.BUYER else "sellers"


@dataclass(frozen=True, slots=True)
class Problem:
    """One fair to schedule. Building it checks every rule of the format and raises
    :class:`InvalidProblem` listing all problems found."""

    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    requests: tuple[MeetingRequest, ...] = ()
    fixed: tuple[FixedMeeting, ...] = ()
    tables: int | None = None

    def __post_init__(self) -> None:
        # Callers may pass lists; the problem must stay immutable once checked.
        for name in ("slots", "participants", "requests", "fixed"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        issues = find_issues(
            tables=self.tables,
            slots=self.slots,
            participants=self.participants,
            requests=self.requests,
            fixed=self.fixed,
        )
        if issues:
            raise InvalidProblem(issues)


def find_issues(
    *,
    tables: int | None,
    slots: Sequence[Slot | None],
    participants: Sequence[Participant | None],
    requests: Sequence[MeetingRequest | None],
    fixed: Sequence[FixedMeeting | None],
    unreadable_participants: Mapping[str, Side | None] | None = None,
    ids: Mapping[str, Sequence[str | None]] | None = None,
) -> list[Issue]:
    """Return every rule of the format the given parts break.

    ``None`` items were unreadable and are already reported by the caller (the JSON reader); they
    are skipped. ``unreadable_participants`` names participants whose item was unreadable but whose
    id was, so that references to them are not reported a second time as unknown. ``ids`` gives,
    per section, the ids as written (None where unreadable), so that duplicates are found among
    unreadable items too.
    """
    issues: list[Issue] = []
    if tables is not None and tables < 1:
        issues.append(Issue("tables", f"must be at least 1, got {tables}"))
    for section, items in (
        ("slots", slots),
        ("participants", participants),
        ("requests", requests),
    ):
        written = (ids or {}).get(section)
        if written is None:
            written = [None if item is None else item.id for item in items]
        issues += _duplicate_ids(section, written)
    issues += _slot_issues(slots)
    sides, caps = _participant_issues(participants, len(slots), issues)
    shadow = dict(unreadable_participants or {})
    issues += _request_issues(requests, sides, shadow)
    issues += _fixed_issues(fixed, slots, participants, sides, caps, shadow, tables)
    return issues


def _duplicate_ids(section: str, ids: Sequence[str | None]) -> list[Issue]:
    issues: list[Issue] = []
    first_at: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id is None:
            continue
        if not item_id:
            issues.append(Issue(section, "id must not be empty", i))
            continue
        j = first_at.setdefault(item_id, i)
        if j != i:
            issues.append(Issue(section, f"id is used twice (first at {section}[{j}])", i, item_id))
    return issues


def _slot_issues(slots: Sequence[Slot | None]) -> list[Issue]:
    issues: list[Issue] = []
    by_day: dict[dt.date, list[tuple[int, Slot]]] = defaultdict(list)
    for i, slot in enumerate(slots):
        if slot is None:
            continue
        if slot.end <= slot.start:
            issues.append(
                Issue(
                    "slots",
                    f"end {_clock(slot.end)} is not after start {_clock(slot.start)}",
                    i,
                    slot.id,
                )
            )
        else:
            by_day[slot.day].append((i, slot))
    # Overlapping slots would let one company sit in two meetings at once.
    for day_slots in by_day.values():
        ordered = sorted(day_slots, key=lambda item: (item[1].start, item[1].end, item[0]))
        latest, other = ordered[0]
        for i, slot in ordered[1:]:
            if slot.start < other.end:
                issues.append(
                    Issue(
                        "slots",
                        f"overlaps slots[{latest}] (id {quote(other.id)}) on {slot.day.isoformat()}"
                        f" ({_clock(other.start)}-{_clock(other.end)} and"
                        f" {_clock(slot.start)}-{_clock(slot.end)})",
                        i,
                        slot.id,
                    )
                )
            if slot.end > other.end:
                latest, other = i, slot
    return issues


def _clock(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _participant_issues(
    participants: Sequence[Participant | None], n_slots: int, issues: list[Issue]
) -> tuple[dict[str, Side], dict[str, int | None]]:
    sides: dict[str, Side] = {}
    caps: dict[str, int | None] = {}
    for i, person in enumerate(participants):
        if person is None:
            continue
        if person.id not in sides:
            sides[person.id] = person.side
            caps[person.id] = person.daily_cap
        if person.daily_cap is not None and person.daily_cap < 0:
            issues.append(
                Issue(
                    "participants",
                    f"daily_cap must be 0 or more, got {person.daily_cap}",
                    i,
                    person.id,
                )
            )
        outside = sorted(s for s in person.unavailable if not 0 <= s < n_slots)
        if outside:
            issues.append(
                Issue(
                    "participants",
                    f"unavailable names slot indexes {outside} but there are {n_slots} slots",
                    i,
                    person.id,
                )
            )
    return sides, caps


def _request_issues(
    requests: Sequence[MeetingRequest | None],
    sides: Mapping[str, Side],
    shadow: Mapping[str, Side | None],
) -> list[Issue]:
    issues: list[Issue] = []
    live_between: dict[tuple[str, str], int] = {}
    rank_at: dict[tuple[str, int], int] = {}
    for i, request in enumerate(requests):
        if request is None:
            continue
        messages: list[str] = []
        rid, requester, recipient = request.id, request.requester, request.recipient
        requester_side = sides.get(requester)
        recipient_side = sides.get(recipient)
        if requester_side is None and requester not in shadow:
            messages.append(f'"from" names unknown participant {quote(requester)}')
        if recipient_side is None and recipient not in shadow and recipient != requester:
            messages.append(f'"to" names unknown participant {quote(recipient)}')
        if requester == recipient:
            messages.append(f'"from" and "to" are the same participant {quote(requester)}')
        elif requester_side is not None and requester_side is recipient_side:
            messages.append(
                f'"from" {quote(requester)} and "to" {quote(recipient)}'
                f" are both {_plural(requester_side)}"
            )
        if request.created_at.utcoffset() is None:
            messages.append('"created_at" has no UTC offset (write e.g. +09:00 or Z)')
        rank = request.rank
        if rank is not None and rank < 1:
            messages.append(f"rank must be 1 or more, got {rank}")
        if request.status in _LIVE:
            direction = (requester, recipient)
            j = live_between.setdefault(direction, i)
            if j != i:
                messages.append(
                    f"a second live request from {quote(requester)} to {quote(recipient)}"
                    f" (the first is {_request_label(requests, j)})"
                )
            if rank is not None:
                j = rank_at.setdefault((requester, rank), i)
                if j != i:
                    messages.append(
                        f"rank {rank} of {quote(requester)} is also given to"
                        f" {_request_label(requests, j)}; a requester's live requests need"
                        " distinct ranks"
                    )
        if messages:
            issues += (Issue("requests", m, i, rid or None) for m in messages)
    return issues


_LIVE = frozenset((RequestStatus.PENDING, RequestStatus.ACCEPTED))


def _request_label(requests: Sequence[MeetingRequest | None], i: int) -> str:
    request = requests[i]
    return f"requests[{i}]" + (f" (id {quote(request.id)})" if request is not None else "")


def _fixed_issues(
    fixed: Sequence[FixedMeeting | None],
    slots: Sequence[Slot | None],
    participants: Sequence[Participant | None],
    sides: Mapping[str, Side],
    caps: Mapping[str, int | None],
    shadow: Mapping[str, Side | None],
    tables: int | None,
) -> list[Issue]:
    issues: list[Issue] = []
    unavailable = {p.id: p.unavailable for p in participants if p is not None}
    booked: dict[tuple[str, int], int] = {}
    pair_at: dict[tuple[str, str], int] = {}
    per_slot: dict[int, int] = defaultdict(int)
    per_day: dict[tuple[str, dt.date], int] = defaultdict(int)
    for i, meeting in enumerate(fixed):
        if meeting is None:
            continue

        def report(message: str, i: int = i) -> None:
            issues.append(Issue("fixed", message, i))

        ok = True
        for field, who, side in (
            ("buyer", meeting.buyer, Side.BUYER),
            ("seller", meeting.seller, Side.SELLER),
        ):
            if who not in sides:
                ok = False
                if who not in shadow:
                    report(f"{quote(field)} names unknown participant {quote(who)}")
            elif sides[who] is not side:
                ok = False
                report(f"{quote(field)} names {quote(who)}, who is a {sides[who].value}")
        if not 0 <= meeting.slot < len(slots):
            report(f"slot index {meeting.slot} is outside the {len(slots)} slots")
            continue
        slot = slots[meeting.slot]
        slot_name = quote(slot.id) if slot is not None else f"slots[{meeting.slot}]"
        pair = (meeting.buyer, meeting.seller)
        if pair in pair_at:
            report(
                f"{quote(meeting.buyer)} and {quote(meeting.seller)} already meet in"
                f" fixed[{pair_at[pair]}]; a pair meets at most once"
            )
        else:
            pair_at[pair] = i
        for who in (meeting.buyer, meeting.seller):
            if meeting.slot in unavailable.get(who, frozenset()):
                report(f"{quote(who)} is unavailable in slot {slot_name}")
            key = (who, meeting.slot)
            if key in booked:
                report(f"{quote(who)} already has fixed[{booked[key]}] in slot {slot_name}")
            else:
                booked[key] = i
        per_slot[meeting.slot] += 1
        if tables is not None and tables >= 1 and per_slot[meeting.slot] == tables + 1:
            report(f"slot {slot_name} would hold more fixed meetings than the {tables} tables")
        if not ok or slot is None:
            continue
        for who in (meeting.buyer, meeting.seller):
            cap = caps.get(who)
            per_day[(who, slot.day)] += 1
            if cap is not None and cap >= 0 and per_day[(who, slot.day)] == cap + 1:
                report(
                    f"{quote(who)} would have more fixed meetings on {slot.day.isoformat()}"
                    f" than its daily_cap {cap}"
                )
    return issues
