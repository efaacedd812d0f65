"""Step 5 of the published rule: each pair, in order, takes the earliest slot it can use."""

from __future__ import annotations

from dataclasses import dataclass

from sangdam.scheduling.index import FairIndex, Occupancy
from sangdam.scheduling.schedule import WaitingReason


@dataclass(slots=True)
class Placement:
    """Where every pair went: ``slot_of[k]`` is pair k's position or -1, with a waiting reason."""

    occupancy: Occupancy
    slot_of: list[int]
    reasons: dict[int, WaitingReason]


def place_by_rule(index: FairIndex) -> Placement:
    """Apply the rule. The waiting reason is taken at the pair's turn, because that is what
    decided its fate: a slot that a later, lower-priority pair fills was not usable at the time."""
    occupancy = Occupancy(index)
    # Local names: this loop runs once per pair (hundreds of thousands on a large fair).
    available = index.available
    busy, capped, count, used = occupancy.busy, occupancy.capped, occupancy.count, occupancy.used
    caps, day_of, day_masks, tables = index.caps, index.day_of, index.day_masks, index.tables
    n_days = occupancy.n_days
    full = occupancy.full
    slot_of = [-1] * len(index.ends)
    reasons: dict[int, WaitingReason] = {}
    for k, (buyer, seller) in enumerate(index.ends):
        common = available[buyer] & available[seller]
        usable = common & ~busy[buyer] & ~busy[seller] & ~capped[buyer] & ~capped[seller] & ~full
        if not usable:
            if not common:
                reasons[k] = WaitingReason.NO_COMMON_SLOT
            elif common & ~busy[buyer] & ~busy[seller] & ~full:
                reasons[k] = WaitingReason.CAP
            else:
                reasons[k] = WaitingReason.TAKEN
            continue
        bit = usable & -usable
        t = bit.bit_length() - 1
        slot_of[k] = t
        d = day_of[t]
        for who in (buyer, seller):
            busy[who] |= bit
            c = who * n_days + d
            count[c] += 1
            if count[c] >= caps[who]:
                capped[who] |= day_masks[d]
        used[t] += 1
        if used[t] >= tables:
            full |= bit
    occupancy.full = full
    return Placement(occupancy, slot_of, reasons)
