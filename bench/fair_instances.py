"""Realistic export-fair instances, seeded and deterministic.

The shape follows Korean export fairs (Boom-up Korea, research/matchmaking-anchors.md 5.1): a few
hundred foreign buyers at booths, ten times as many Korean sellers, most requests from sellers to a
few popular buyers (Zipf-like popularity), requests mostly within one industry, early applicants
applying in bursts, some accepted/rejected/cancelled requests, rankings by a third of the
requesters, blocks of unavailable slots (meetings elsewhere, a day off), daily caps, a few meetings
fixed by hand, and slightly fewer tables than buyers.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from sangdam.scheduling import (
    FixedMeeting,
    MeetingRequest,
    Participant,
    Problem,
    RequestStatus,
    Side,
    Slot,
    dumps_instance,
)

KST = dt.timezone(dt.timedelta(hours=9))
CATEGORIES = (
    "medical",
    "cosmetics",
    "food",
    "machinery",
    "electronics",
    "auto-parts",
    "textiles",
    "energy",
    "chemicals",
    "consumer-goods",
    "agritech",
    "software",
)
# 30-minute slots, 09:00-12:00 and 13:00-18:00: 16 a day with a lunch break.
SLOT_STARTS = [dt.time(h, m) for h in range(9, 18) if h != 12 for m in (0, 30)]


@dataclass(frozen=True, slots=True)
class FairSize:
    name: str
    buyers: int
    sellers: int
    days: int
    requests: int
    seed: int

    @property
    def tables(self) -> int:
        # Slightly fewer tables than buyers: at peak hours the venue is the limit.
        return max(1, self.buyers * 85 // 100)


SIZES = {
    "S": FairSize("S", buyers=50, sellers=300, days=1, requests=2_500, seed=1),
    "M": FairSize("M", buyers=300, sellers=3_000, days=2, requests=40_000, seed=2),
    "L": FairSize("L", buyers=1_000, sellers=10_000, days=3, requests=300_000, seed=3),
}


def generate(size: FairSize) -> Problem:
    rng = random.Random(size.seed)
    slots = [
        Slot(
            f"d{d + 1}-{start.strftime('%H%M')}",
            dt.date(2026, 3, 10) + dt.timedelta(days=d),
            start,
            (dt.datetime.combine(dt.date(2026, 1, 1), start) + dt.timedelta(minutes=30)).time(),
        )
        for d in range(size.days)
        for start in SLOT_STARTS
    ]
    per_day = len(SLOT_STARTS)

    def unavailable() -> frozenset[int]:
        off: set[int] = set()
        for chance in (0.35, 0.1):
            if rng.random() < chance:
                day = rng.randrange(size.days)
                length = rng.randint(2, 6)
                first = rng.randrange(per_day - length + 1)
                off.update(day * per_day + first + i for i in range(length))
        if size.days > 1 and rng.random() < 0.04:
            day = rng.randrange(size.days)
            off.update(range(day * per_day, (day + 1) * per_day))
        return frozenset(off)

    def category() -> str:
        # A few industries dominate a fair.
        return CATEGORIES[min(int(rng.expovariate(0.25)), len(CATEGORIES) - 1)]

    buyers = [
        Participant(
            f"B{i:04d}",
            Side.BUYER,
            daily_cap=rng.choice((6, 8, 8, 10, 12, None)),
            unavailable=unavailable(),
            category=category(),
        )
        for i in range(1, size.buyers + 1)
    ]
    sellers = [
        Participant(
            f"S{i:05d}",
            Side.SELLER,
            daily_cap=rng.choice((4, 6, 8, 8, None)),
            unavailable=unavailable(),
            category=category(),
        )
        for i in range(1, size.sellers + 1)
    ]
    requests = _requests(rng, size, buyers, sellers)
    fixed = _fixed(rng, size, buyers, sellers, per_day)
    return Problem(
        slots=tuple(slots),
        participants=tuple(buyers + sellers),
        requests=tuple(requests),
        fixed=tuple(fixed),
        tables=size.tables,
    )


class _Picker:
    """Weighted choice from a list, with a per-category sub-list for industry affinity."""

    def __init__(self, rng: random.Random, people: list[Participant], weights: list[float]):
        self.rng = rng
        self.people = people
        self.cumulative = list(itertools.accumulate(weights))
        self.by_category: dict[str, tuple[list[Participant], list[float]]] = {}
        for name in CATEGORIES:
            members = [(p, w) for p, w in zip(people, weights, strict=True) if p.category == name]
            if members:
                self.by_category[name] = (
                    [p for p, _ in members],
                    list(itertools.accumulate(w for _, w in members)),
                )

    def pick(self, category: str | None = None) -> Participant:
        people, cumulative = self.people, self.cumulative
        if category is not None and category in self.by_category:
            people, cumulative = self.by_category[category]
        x = self.rng.random() * cumulative[-1]
        return people[min(bisect.bisect_right(cumulative, x), len(people) - 1)]


def _requests(
    rng: random.Random, size: FairSize, buyers: list[Participant], sellers: list[Participant]
) -> list[MeetingRequest]:
    # Zipf-like buyer popularity; seller activity is log-normal (a few send dozens of requests).
    popularity = [1.0 / (i + 1) ** 0.9 for i in range(len(buyers))]
    rng.shuffle(popularity)
    activity = [rng.lognormvariate(0, 0.8) for _ in sellers]
    popular = _Picker(rng, buyers, popularity)
    active_sellers = _Picker(rng, sellers, activity)
    any_seller = _Picker(rng, sellers, [1.0] * len(sellers))
    buyer_activity = _Picker(rng, buyers, [rng.lognormvariate(0, 0.5) for _ in buyers])

    window_start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=KST)
    window = dt.timedelta(days=45).total_seconds()
    # Each company starts applying at its own moment, early birds first, then in a burst.
    first_at = {p.id: window * rng.random() ** 2 for p in itertools.chain(buyers, sellers)}
    last_at = dict(first_at)

    live: dict[tuple[str, str], str] = {}
    requests: list[MeetingRequest] = []
    by_requester: dict[str, list[int]] = {}
    seller_share = 0.75
    requested_by: dict[str, list[str]] = {}
    while len(requests) < size.requests:
        if rng.random() < seller_share:
            seller = active_sellers.pick()
            buyer = popular.pick(seller.category if rng.random() < 0.6 else None)
            requester, recipient = seller, buyer
        else:
            buyer = buyer_activity.pick()
            wanting = requested_by.get(buyer.id, [])
            if wanting and rng.random() < 0.4:
                seller_id = rng.choice(wanting)
                seller = sellers[int(seller_id[1:]) - 1]
            else:
                seller = any_seller.pick(buyer.category if rng.random() < 0.7 else None)
            requester, recipient = buyer, seller
        key = (requester.id, recipient.id)
        if key in live:
            continue
        roll = rng.random()
        if roll < 0.10:
            status = RequestStatus.ACCEPTED
        elif roll < 0.17:
            status = RequestStatus.REJECTED
        elif roll < 0.20:
            status = RequestStatus.CANCELLED
        else:
            status = RequestStatus.PENDING
        live[key] = requester.id
        last_at[requester.id] += rng.expovariate(1 / 3600)
        at = window_start + dt.timedelta(seconds=min(last_at[requester.id], window))
        rid = f"R{len(requests) + 1:06d}"
        requests.append(
            MeetingRequest(rid, requester.id, recipient.id, at.replace(microsecond=0), status)
        )
        by_requester.setdefault(requester.id, []).append(len(requests) - 1)
        if requester.side is Side.SELLER:
            requested_by.setdefault(recipient.id, []).append(requester.id)

    # A third of the requesters order their requests with the arrows.
    for positions in by_requester.values():
        if len(positions) > 1 and rng.random() < 0.35:
            ranks = list(range(1, len(positions) + 1))
            rng.shuffle(ranks)
            for position, rank in zip(positions, ranks, strict=True):
                old = requests[position]
                requests[position] = MeetingRequest(
                    old.id, old.requester, old.recipient, old.created_at, old.status, rank
                )
    return requests


def _fixed(
    rng: random.Random,
    size: FairSize,
    buyers: list[Participant],
    sellers: list[Participant],
    per_day: int,
) -> list[FixedMeeting]:
    """A few meetings placed by hand (VIP pairs), valid by construction."""
    wanted = max(2, size.buyers // 5)
    busy: set[tuple[str, int]] = set()
    pairs: set[tuple[str, str]] = set()
    per_day_count: dict[tuple[str, int], int] = {}
    per_slot: dict[int, int] = {}
    fixed: list[FixedMeeting] = []
    n_slots = size.days * per_day
    for _ in range(wanted * 20):
        if len(fixed) >= wanted:
            break
        buyer, seller = rng.choice(buyers), rng.choice(sellers)
        slot = rng.randrange(n_slots)
        day = slot // per_day
        if (buyer.id, seller.id) in pairs or per_slot.get(slot, 0) >= size.tables:
            continue
        ok = True
        for person in (buyer, seller):
            cap = person.daily_cap
            if (
                slot in person.unavailable
                or (person.id, slot) in busy
                or (cap is not None and per_day_count.get((person.id, day), 0) >= cap)
            ):
                ok = False
        if not ok:
            continue
        for person in (buyer, seller):
            busy.add((person.id, slot))
            per_day_count[(person.id, day)] = per_day_count.get((person.id, day), 0) + 1
        per_slot[slot] = per_slot.get(slot, 0) + 1
        pairs.add((buyer.id, seller.id))
        fixed.append(FixedMeeting(buyer.id, seller.id, slot))
    return fixed


def write_instance(size: FairSize, directory: Path) -> Path:
    """Generate and write ``directory/fair-<name>.json``; reuse it if it is already there."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"fair-{size.name}-seed{size.seed}.json"
    if not path.exists():
        temporary = path.with_suffix(".tmp")
        temporary.write_text(dumps_instance(generate(size)), encoding="utf-8")
        temporary.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a generated fair instance.")
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    print(write_instance(SIZES[args.size], args.out))


if __name__ == "__main__":
    main()
