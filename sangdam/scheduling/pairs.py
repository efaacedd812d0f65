"""Steps 1-4 and 6 of the published rule: which pairs want a meeting, their class, their order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sangdam.scheduling.problem import MeetingRequest, Problem, RequestStatus, Side

MUTUAL = 1
BUYER_REQUEST = 2
SELLER_REQUEST = 3

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Pair:
    """A buyer and a seller who asked to meet.

    ``pair_class`` is 1 (mutual), 2 (buyer's request) or 3 (seller's request). ``effective_at`` is
    the request time the rule uses after the rank hand-out; ``requests`` are the pair's live request
    ids, smallest first.
    """

    buyer: str
    seller: str
    pair_class: int
    requests: tuple[str, ...]
    effective_at: dt.datetime


def derive_pairs(problem: Problem) -> list[Pair]:
    """Return the pairs to schedule, in the order the rule takes them (step 4).

    Rejected and cancelled requests are dropped; pairs that already have a fixed meeting are left
    out because they are not scheduled again.
    """
    buyers = {person.id for person in problem.participants if person.side is Side.BUYER}
    live = [request for request in problem.requests if request.status in _LIVE]
    effective = _hand_out_request_times(live)

    # (buyer, seller) -> its one or two live requests; the pair's class follows from them.
    members: dict[tuple[str, str], tuple[MeetingRequest, ...]] = {}
    for request in live:
        if request.requester in buyers:
            key = (request.requester, request.recipient)
        else:
            key = (request.recipient, request.requester)
        other = members.get(key)
        members[key] = (request,) if other is None else (*other, request)

    fixed = {(meeting.buyer, meeting.seller) for meeting in problem.fixed}
    keyed: list[tuple[int, int, str, Pair]] = []
    for (buyer, seller), group in members.items():
        if fixed and (buyer, seller) in fixed:
            continue
        first = group[0]
        if len(group) == 1:
            if first.status is RequestStatus.ACCEPTED:
                pair_class = MUTUAL
            elif first.requester in buyers:
                pair_class = BUYER_REQUEST
            else:
                pair_class = SELLER_REQUEST
            at_us, at = effective[first.id]
            ids: tuple[str, ...] = (first.id,)
        else:
            pair_class = MUTUAL
            at_us, at = min(effective[request.id] for request in group)
            ids = tuple(sorted(request.id for request in group))
        keyed.append((pair_class, at_us, ids[0], Pair(buyer, seller, pair_class, ids, at)))
    # Ids are unique, so the first three fields decide and Pair objects are never compared.
    keyed.sort(key=_order_key)
    return [item[3] for item in keyed]


_LIVE = frozenset((RequestStatus.PENDING, RequestStatus.ACCEPTED))


def _order_key(item: tuple[int, int, str, Pair]) -> tuple[int, int, str]:
    return (item[0], item[1], item[2])


def _hand_out_request_times(live: list[MeetingRequest]) -> dict[str, tuple[int, dt.datetime]]:
    """Give each live request its effective time (rule step 3).

    A requester's own request times are handed out in rank order: rank 1 takes the earliest,
    rank 2 the next, unranked requests follow in their own time order. Times are compared as exact
    microseconds since the epoch so that offsets (+09:00, Z) never change an order.
    """
    # requester -> [(rank or None, microseconds, id, created_at)]
    by_requester: dict[str, list[tuple[int | None, int, str, dt.datetime]]] = defaultdict(list)
    for request in live:
        at = request.created_at
        at_us = (at - _EPOCH) // _MICROSECOND
        by_requester[request.requester].append((request.rank, at_us, request.id, at))
    effective: dict[str, tuple[int, dt.datetime]] = {}
    for own in by_requester.values():
        if len(own) == 1:
            _, at_us, rid, at = own[0]
            effective[rid] = (at_us, at)
            continue
        times = sorted((at_us, at) for _, at_us, _, at in own)
        ranked = sorted((rank, at_us, rid) for rank, at_us, rid, _ in own if rank is not None)
        unranked = sorted((at_us, rid) for rank, at_us, rid, _ in own if rank is None)
        order = [rid for _, _, rid in ranked] + [rid for _, rid in unranked]
        for rid, time in zip(order, times, strict=True):
            effective[rid] = time
    return effective
