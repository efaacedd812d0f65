"""Proven upper bounds on how many meetings any schedule can hold.

A max-flow relaxation: every participant can take at most, per day, the smaller of its remaining
daily cap and its free slots; every pair at most one meeting. It ignores that two meetings of one
participant need different slots, so it can only overestimate - which is what a bound must do.
Cheap (under a second for 300,000 pairs), so it is always reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.graph.python import max_flow

from sangdam.scheduling.index import FairIndex, Occupancy


def meeting_bounds(index: FairIndex) -> tuple[int, tuple[int, int, int]]:
    """Return (bound on all meetings incl. fixed, bounds on class 1, 2 and 3 meetings)."""
    occupancy = Occupancy(index)  # holds only the fixed meetings
    n = len(index.ids)
    capacity = [0] * n
    for who in range(n):
        free = index.available[who] & ~occupancy.busy[who]
        for d, mask in enumerate(index.day_masks):
            left = index.caps[who] - occupancy.count[who * occupancy.n_days + d]
            capacity[who] = capacity[who] + min(max(left, 0), (free & mask).bit_count())
    usable = [
        k for k, (buyer, seller) in enumerate(index.ends) if occupancy.candidates(buyer, seller)
    ]
    seats = sum(max(index.tables - used, 0) for used in occupancy.used)

    def flow(pairs: Sequence[int]) -> int:
        return min(_max_matching(index, capacity, pairs), seats)

    total = len(index.fixed) + flow(usable)
    by_class = tuple(flow([k for k in usable if index.classes[k] == c]) for c in (1, 2, 3))
    return total, (by_class[0], by_class[1], by_class[2])


def _max_matching(index: FairIndex, capacity: list[int], pairs: Sequence[int]) -> int:
    if not pairs:
        return 0
    n = len(index.ids)
    source, sink = n, n + 1
    buyers = sorted({index.ends[k][0] for k in pairs})
    sellers = sorted({index.ends[k][1] for k in pairs})
    tails = [source] * len(buyers) + [index.ends[k][0] for k in pairs] + sellers
    heads = buyers + [index.ends[k][1] for k in pairs] + [sink] * len(sellers)
    caps = [capacity[b] for b in buyers] + [1] * len(pairs) + [capacity[s] for s in sellers]
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32), np.array(caps)
    )
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("max-flow bound failed")
    return int(solver.optimal_flow())
