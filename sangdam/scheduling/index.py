"""Integer view of a problem shared by the greedy rule and the optimizer.

Slots become chronological positions and every participant's slots become one Python int used as a
bit set (bit ``t`` = position ``t``), so "the earliest slot both can use" is a few integer
operations instead of a loop over slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sangdam.scheduling.pairs import Pair, derive_pairs
from sangdam.scheduling.problem import Problem
from sangdam.scheduling.schedule import (
    Meeting,
    Mode,
    OptimizeStats,
    Schedule,
    Stats,
    WaitingPair,
    WaitingReason,
)

NO_LIMIT = 1 << 30


@dataclass(slots=True)
class FairIndex:
    problem: Problem
    order: list[int]
    """Chronological position -> slot index."""
    position: list[int]
    """Slot index -> chronological position."""
    day_of: list[int]
    """Chronological position -> day number."""
    day_masks: list[int]
    """Day number -> bit set of its positions (a day's positions are consecutive)."""
    days: list[dt.date]
    ids: list[str]
    """Participant number -> id."""
    number: dict[str, int]
    """Participant id -> number."""
    available: list[int]
    caps: list[int]
    tables: int
    pairs: list[Pair]
    ends: list[tuple[int, int]]
    """Pair number (= place in the rule's order) -> (buyer number, seller number)."""
    classes: list[int]
    fixed: list[tuple[int, int, int]]
    """Fixed meetings as (buyer number, seller number, position)."""

    @property
    def n_slots(self) -> int:
        return len(self.order)

    @property
    def all_slots(self) -> int:
        return (1 << len(self.order)) - 1


def index_problem(problem: Problem) -> FairIndex:
    order = sorted(
        range(len(problem.slots)),
        key=lambda i: (problem.slots[i].day, problem.slots[i].start, problem.slots[i].id),
    )
    position = [0] * len(order)
    for t, i in enumerate(order):
        position[i] = t
    days = sorted({slot.day for slot in problem.slots})
    day_number = {day: d for d, day in enumerate(days)}
    day_of = [day_number[problem.slots[i].day] for i in order]
    day_masks = [0] * len(days)
    for t, d in enumerate(day_of):
        day_masks[d] |= 1 << t
    all_slots = (1 << len(order)) - 1

    ids = [person.id for person in problem.participants]
    number = {pid: n for n, pid in enumerate(ids)}
    available: list[int] = []
    caps: list[int] = []
    for person in problem.participants:
        off = 0
        for i in person.unavailable:
            off |= 1 << position[i]
        available.append(all_slots & ~off)
        caps.append(NO_LIMIT if person.daily_cap is None else person.daily_cap)

    pairs = derive_pairs(problem)
    return FairIndex(
        problem=problem,
        order=order,
        position=position,
        day_of=day_of,
        day_masks=day_masks,
        days=days,
        ids=ids,
        number=number,
        available=available,
        caps=caps,
        tables=NO_LIMIT if problem.tables is None else problem.tables,
        pairs=pairs,
        ends=[(number[pair.buyer], number[pair.seller]) for pair in pairs],
        classes=[pair.pair_class for pair in pairs],
        fixed=[
            (number[meeting.buyer], number[meeting.seller], position[meeting.slot])
            for meeting in problem.fixed
        ],
    )


class Occupancy:
    """Who is busy when, how many meetings each participant has per day, tables used per slot."""

    __slots__ = ("busy", "capped", "count", "full", "index", "n_days", "used")

    def __init__(self, index: FairIndex) -> None:
        self.index = index
        n = len(index.ids)
        self.n_days = len(index.days)
        self.busy = [0] * n
        self.count = [0] * (n * self.n_days)
        # Positions on days where the participant is at its cap.
        self.capped = [index.all_slots if cap == 0 else 0 for cap in index.caps]
        self.used = [0] * index.n_slots
        self.full = 0 if index.tables > 0 else index.all_slots
        for buyer, seller, t in index.fixed:
            self.add(buyer, seller, t)

    def free(self, who: int) -> int:
        return self.index.available[who] & ~self.busy[who] & ~self.capped[who]

    def candidates(self, buyer: int, seller: int) -> int:
        return self.free(buyer) & self.free(seller) & ~self.full

    def add(self, buyer: int, seller: int, t: int) -> None:
        index = self.index
        bit = 1 << t
        d = index.day_of[t]
        for who in (buyer, seller):
            self.busy[who] |= bit
            k = who * self.n_days + d
            self.count[k] += 1
            if self.count[k] >= index.caps[who]:
                self.capped[who] |= index.day_masks[d]
        self.used[t] += 1
        if self.used[t] >= index.tables:
            self.full |= bit

    def remove(self, buyer: int, seller: int, t: int) -> None:
        index = self.index
        bit = 1 << t
        d = index.day_of[t]
        for who in (buyer, seller):
            self.busy[who] &= ~bit
            k = who * self.n_days + d
            self.count[k] -= 1
            if self.count[k] < index.caps[who]:
                self.capped[who] &= ~index.day_masks[d]
        self.used[t] -= 1
        if self.used[t] < index.tables:
            self.full &= ~bit

    def reason(self, buyer: int, seller: int) -> WaitingReason:
        """Why (buyer, seller) cannot meet now; only meaningful when ``candidates`` is empty."""
        available = self.index.available
        common = available[buyer] & available[seller]
        if not common:
            return WaitingReason.NO_COMMON_SLOT
        if common & ~self.busy[buyer] & ~self.busy[seller] & ~self.full:
            return WaitingReason.CAP
        return WaitingReason.TAKEN

    def idle_gaps(self, who: int) -> int:
        return idle_gaps(self.busy[who], self.index.day_masks)


def idle_gaps(busy: int, day_masks: Sequence[int]) -> int:
    """Count runs of free slots between two meetings on the same day."""
    gaps = 0
    for mask in day_masks:
        day = busy & mask
        if day:
            # A run starts at every busy bit whose predecessor is free.
            runs = (day & ~(day << 1)).bit_count()
            gaps += runs - 1
    return gaps


def assemble(
    index: FairIndex,
    occupancy: Occupancy,
    slot_of: Sequence[int],
    reasons: dict[int, WaitingReason],
    *,
    mode: Mode,
    seconds: float,
    optimize: OptimizeStats | None = None,
) -> Schedule:
    """Turn a placement (pair number -> position or -1) into a :class:`Schedule`."""
    ids, order = index.ids, index.order
    placed: list[tuple[int, str, str, int, tuple[str, ...]]] = [
        (t, ids[b], ids[s], 0, ()) for b, s, t in index.fixed
    ]
    waiting: list[WaitingPair] = []
    by_class = [0, 0, 0, 0]
    for k, t in enumerate(slot_of):
        pair = index.pairs[k]
        if t >= 0:
            placed.append((t, pair.buyer, pair.seller, pair.pair_class, pair.requests))
            by_class[pair.pair_class] += 1
        else:
            waiting.append(
                WaitingPair(pair.buyer, pair.seller, pair.pair_class, pair.requests, reasons[k])
            )
    placed.sort(key=lambda item: item[:3])
    meetings = tuple(
        Meeting(buyer, seller, order[t], pair_class, requests)
        for t, buyer, seller, pair_class, requests in placed
    )
    stats = Stats(
        meetings=len(meetings),
        waiting=len(waiting),
        by_class=(by_class[1], by_class[2], by_class[3]),
        fixed=len(index.fixed),
        idle_gaps=sum(occupancy.idle_gaps(who) for who in range(len(ids))),
        seconds=seconds,
        optimize=optimize,
    )
    return Schedule(mode=mode, meetings=meetings, waiting=tuple(waiting), stats=stats)
