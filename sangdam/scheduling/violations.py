"""An independent check of a schedule against the problem's hard constraints.

It shares no code with the solvers (only the rule's definition of pairs), so a bug in the greedy
rule or the optimizer shows up here instead of being repeated.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sangdam.scheduling.pairs import derive_pairs
from sangdam.scheduling.problem import Problem, Side, quote
from sangdam.scheduling.schedule import Meeting, Schedule


def find_violations(problem: Problem, schedule: Schedule) -> list[str]:
    """Name every hard constraint the schedule breaks; an empty list means it is valid."""
    people = {person.id: person for person in problem.participants}
    slots = problem.slots
    violations: list[str] = []

    def label(meeting: Meeting) -> str:
        at = (
            quote(slots[meeting.slot].id)
            if 0 <= meeting.slot < len(slots)
            else f"slot index {meeting.slot}"
        )
        return f"meeting {quote(meeting.buyer)}-{quote(meeting.seller)} at {at}"

    per_slot: dict[tuple[str, int], list[str]] = defaultdict(list)
    per_day: Counter[tuple[str, dt.date]] = Counter()
    tables_used: Counter[int] = Counter()
    pair_meetings: Counter[tuple[str, str]] = Counter()
    for meeting in schedule.meetings:
        where = label(meeting)
        if not 0 <= meeting.slot < len(slots):
            violations.append(f"{where}: no such slot")
            continue
        slot = slots[meeting.slot]
        for who, side in ((meeting.buyer, Side.BUYER), (meeting.seller, Side.SELLER)):
            person = people.get(who)
            if person is None:
                violations.append(f"{where}: unknown participant {quote(who)}")
                continue
            if person.side is not side:
                violations.append(f"{where}: {quote(who)} is not a {side.value}")
            if meeting.slot in person.unavailable:
                violations.append(f"{where}: {quote(who)} is unavailable in that slot")
            per_slot[(who, meeting.slot)].append(where)
            per_day[(who, slot.day)] += 1
        tables_used[meeting.slot] += 1
        pair_meetings[(meeting.buyer, meeting.seller)] += 1

    for (who, i), meetings in sorted(per_slot.items()):
        if len(meetings) > 1:
            violations.append(
                f"{quote(who)} has {len(meetings)} meetings in slot {quote(slots[i].id)}"
            )
    for (who, day), n in sorted(per_day.items()):
        cap = people[who].daily_cap
        if cap is not None and n > cap:
            violations.append(
                f"{quote(who)} has {n} meetings on {day.isoformat()}, over its daily_cap {cap}"
            )
    if problem.tables is not None:
        for i, n in sorted(tables_used.items()):
            if n > problem.tables:
                violations.append(
                    f"slot {quote(slots[i].id)} holds {n} meetings but there are"
                    f" {problem.tables} tables"
                )
    for (buyer, seller), n in sorted(pair_meetings.items()):
        if n > 1:
            violations.append(f"{quote(buyer)} and {quote(seller)} meet {n} times")

    violations += _check_fixed(problem, schedule)
    violations += _check_pairs(problem, schedule)
    return violations


def _check_fixed(problem: Problem, schedule: Schedule) -> list[str]:
    violations: list[str] = []
    kept = {(m.buyer, m.seller, m.slot) for m in schedule.meetings if m.is_fixed}
    wanted = {(f.buyer, f.seller, f.slot) for f in problem.fixed}
    for i, fixed in enumerate(problem.fixed):
        if (fixed.buyer, fixed.seller, fixed.slot) not in kept:
            violations.append(
                f"fixed[{i}] ({quote(fixed.buyer)}-{quote(fixed.seller)} at"
                f" {quote(problem.slots[fixed.slot].id)}) is not kept as a class-0 meeting"
            )
    for meeting in schedule.meetings:
        if meeting.is_fixed and (meeting.buyer, meeting.seller, meeting.slot) not in wanted:
            violations.append(
                f"meeting {quote(meeting.buyer)}-{quote(meeting.seller)} has class 0"
                " but is not a fixed meeting"
            )
    return violations


def _check_pairs(problem: Problem, schedule: Schedule) -> list[str]:
    violations: list[str] = []
    pairs = {(pair.buyer, pair.seller): pair for pair in derive_pairs(problem)}
    seen: Counter[tuple[str, str]] = Counter()
    for meeting in schedule.meetings:
        if meeting.is_fixed:
            continue
        key = (meeting.buyer, meeting.seller)
        pair = pairs.get(key)
        where = f"meeting {quote(meeting.buyer)}-{quote(meeting.seller)}"
        if pair is None:
            violations.append(f"{where}: the two have no live request to schedule")
            continue
        seen[key] += 1
        if meeting.pair_class != pair.pair_class or meeting.requests != pair.requests:
            violations.append(
                f"{where}: class {meeting.pair_class} requests {list(meeting.requests)},"
                f" but the pair is class {pair.pair_class} requests {list(pair.requests)}"
            )
    for waiting in schedule.waiting:
        key = (waiting.buyer, waiting.seller)
        pair = pairs.get(key)
        where = f"waiting pair {quote(waiting.buyer)}-{quote(waiting.seller)}"
        if pair is None:
            violations.append(f"{where}: the two have no live request to schedule")
            continue
        seen[key] += 1
        if waiting.pair_class != pair.pair_class or waiting.requests != pair.requests:
            violations.append(
                f"{where}: class {waiting.pair_class} requests {list(waiting.requests)},"
                f" but the pair is class {pair.pair_class} requests {list(pair.requests)}"
            )
    for key, pair in pairs.items():
        n = seen[key]
        if n != 1:
            state = "neither scheduled nor waiting" if n == 0 else f"listed {n} times"
            violations.append(
                f"pair {quote(pair.buyer)}-{quote(pair.seller)} (requests"
                f" {list(pair.requests)}) is {state}"
            )
    return violations
