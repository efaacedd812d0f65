"""Small builders for hand-made format-v1 instances, so each test shows only what it is about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sangdam.scheduling import Problem, Schedule, parse_instance

Item = dict[str, Any]


def slots(per_day: int, days: int = 1) -> list[Item]:
    """Slots ``d1-1``, ``d1-2``, ... of 30 minutes from 09:00 on consecutive days."""
    items = []
    for d in range(days):
        day = (dt.date(2026, 3, 10) + dt.timedelta(days=d)).isoformat()
        for i in range(per_day):
            start = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=30 * i)
            end = start + dt.timedelta(minutes=30)
            items.append(
                {
                    "id": f"d{d + 1}-{i + 1}",
                    "day": day,
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                }
            )
    return items


def buyer(pid: str, *, cap: int | None = None, off: tuple[str, ...] = ()) -> Item:
    return _person(pid, "buyer", cap, off)


def seller(pid: str, *, cap: int | None = None, off: tuple[str, ...] = ()) -> Item:
    return _person(pid, "seller", cap, off)


def _person(pid: str, side: str, cap: int | None, off: tuple[str, ...]) -> Item:
    item: Item = {"id": pid, "side": side, "unavailable": list(off)}
    if cap is not None:
        item["daily_cap"] = cap
    return item


def request(
    rid: str,
    frm: str,
    to: str,
    at: str,
    *,
    status: str = "pending",
    rank: int | None = None,
) -> Item:
    """A request created on 2026-01-05 at ``at`` (HH:MM, Seoul time) unless ``at`` is a full
    ISO date-time."""
    created = at if "T" in at else f"2026-01-05T{at}:00+09:00"
    item: Item = {"id": rid, "from": frm, "to": to, "created_at": created, "status": status}
    if rank is not None:
        item["rank"] = rank
    return item


def instance(
    slot_items: list[Item],
    participants: list[Item],
    requests: list[Item],
    *,
    fixed: list[Item] | None = None,
    tables: int | None = None,
) -> Item:
    data: Item = {
        "format": "sangdam.schedule/1",
        "slots": slot_items,
        "participants": participants,
        "requests": requests,
    }
    if fixed is not None:
        data["fixed"] = fixed
    if tables is not None:
        data["tables"] = tables
    return data


def problem(*args: Any, **kwargs: Any) -> Problem:
    return parse_instance(instance(*args, **kwargs))


MeetingRow = tuple[str, str, str, int, tuple[str, ...]]
WaitingRow = tuple[str, str, int, tuple[str, ...], str]


def meetings(problem: Problem, schedule: Schedule) -> list[MeetingRow]:
    """(buyer, seller, slot id, class, requests) for each meeting, in the schedule's order."""
    return [
        (m.buyer, m.seller, problem.slots[m.slot].id, m.pair_class, m.requests)
        for m in schedule.meetings
    ]


def waiting(schedule: Schedule) -> list[WaitingRow]:
    """(buyer, seller, class, requests, reason) for each waiting pair, in rule order."""
    return [(w.buyer, w.seller, w.pair_class, w.requests, w.reason.value) for w in schedule.waiting]
