"""Properties that must hold for every fair, checked on many small generated ones."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sangdam.scheduling import (
    Problem,
    Schedule,
    derive_pairs,
    dumps_instance,
    dumps_result,
    find_violations,
    loads_instance,
    loads_result,
    solve,
)
from sangdam.scheduling.greedy import place_by_rule
from sangdam.scheduling.index import index_problem
from sangdam.scheduling.optimize import OptimizeSettings, optimize
from tests.scheduling.strategies import problems


def _settings(max_examples: int = 100) -> settings:
    # CP-SAT's first call is slow, so no per-example deadline.
    return settings(
        max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


FAST = _settings()


def _without_seconds(schedule: Schedule) -> Schedule:
    return replace(schedule, stats=replace(schedule.stats, seconds=0.0))


@FAST
@given(problems())
def test_greedy_schedule_breaks_no_hard_constraint(problem: Problem) -> None:
    schedule = solve(problem)

    assert find_violations(problem, schedule) == []


@FAST
@given(problems(), st.randoms(use_true_random=False))
def test_greedy_gives_identical_bytes_whatever_the_input_order(
    problem: Problem, rng: random.Random
) -> None:
    order = list(range(len(problem.slots)))
    rng.shuffle(order)
    moved = {old: new for new, old in enumerate(order)}
    participants = [
        replace(p, unavailable=frozenset(moved[i] for i in p.unavailable))
        for p in problem.participants
    ]
    requests = list(problem.requests)
    fixed = [replace(f, slot=moved[f.slot]) for f in problem.fixed]
    rng.shuffle(participants)
    rng.shuffle(requests)
    rng.shuffle(fixed)
    reordered = Problem(
        slots=tuple(problem.slots[old] for old in order),
        participants=tuple(participants),
        requests=tuple(requests),
        fixed=tuple(fixed),
        tables=problem.tables,
    )

    first = dumps_result(problem, _without_seconds(solve(problem)))
    again = dumps_result(problem, _without_seconds(solve(problem)))
    other = dumps_result(reordered, _without_seconds(solve(reordered)))

    assert first == again
    assert first == other


@_settings(150)
@given(problems())
def test_optimize_breaks_no_constraint_and_never_trails_greedy(problem: Problem) -> None:
    greedy = solve(problem)

    optimized = solve(problem, mode="optimize", workers=1)

    assert optimized.stats.optimize is not None
    assert optimized.stats.optimize.fallback is None
    assert find_violations(problem, optimized) == []
    assert optimized.stats.by_class >= greedy.stats.by_class


@_settings(100)
@given(problems())
def test_neighbourhood_search_breaks_no_constraint_and_never_trails_greedy(
    problem: Problem,
) -> None:
    index = index_problem(problem)
    greedy = solve(problem)
    settings_ = OptimizeSettings(workers=1, full_model_max_choices=-1)

    optimized = optimize(index, place_by_rule(index), settings_, started=time.perf_counter())

    assert optimized.stats.optimize is not None
    assert optimized.stats.optimize.method == "neighbourhood-search"
    assert find_violations(problem, optimized) == []
    assert optimized.stats.by_class >= greedy.stats.by_class


@_settings(150)
@given(problems(max_buyers=3, max_sellers=3, max_slots=2))
def test_optimize_reaches_the_lexicographic_class_optimum(problem: Problem) -> None:
    assume(len(derive_pairs(problem)) <= 6)

    optimized = solve(problem, mode="optimize", workers=1)

    assert optimized.stats.by_class == _best_by_brute_force(problem)


@FAST
@given(problems())
def test_instance_survives_writing_and_reading(problem: Problem) -> None:
    assert loads_instance(dumps_instance(problem)) == problem


@FAST
@given(problems())
def test_result_survives_writing_and_reading(problem: Problem) -> None:
    schedule = solve(problem)

    assert loads_result(problem, dumps_result(problem, schedule)) == schedule


def _best_by_brute_force(problem: Problem) -> tuple[int, int, int]:
    """The lexicographically best (class 1, class 2, class 3) counts over every placement."""
    pairs = derive_pairs(problem)
    people = {p.id: p for p in problem.participants}
    n_slots = len(problem.slots)
    fixed_busy = {(who, f.slot) for f in problem.fixed for who in (f.buyer, f.seller)}
    options = [
        [None]
        + [
            t
            for t in range(n_slots)
            if all(
                t not in people[who].unavailable and (who, t) not in fixed_busy
                for who in (pair.buyer, pair.seller)
            )
        ]
        for pair in pairs
    ]
    best = (-1, -1, -1)
    for choice in itertools.product(*options):
        per_slot: dict[tuple[str, int], int] = {}
        per_day: dict[tuple[str, object], int] = {}
        tables: dict[int, int] = {}
        counts = [0, 0, 0, 0]
        valid = True
        meetings = [(f.buyer, f.seller, f.slot) for f in problem.fixed] + [
            (pair.buyer, pair.seller, t)
            for pair, t in zip(pairs, choice, strict=True)
            if t is not None
        ]
        for buyer, seller, t in meetings:
            tables[t] = tables.get(t, 0) + 1
            for who in (buyer, seller):
                per_slot[(who, t)] = per_slot.get((who, t), 0) + 1
                day = (who, problem.slots[t].day)
                per_day[day] = per_day.get(day, 0) + 1
                cap = people[who].daily_cap
                if per_slot[(who, t)] > 1 or (cap is not None and per_day[day] > cap):
                    valid = False
        if problem.tables is not None and any(n > problem.tables for n in tables.values()):
            valid = False
        if not valid:
            continue
        for pair, placed in zip(pairs, choice, strict=True):
            if placed is not None:
                counts[pair.pair_class] += 1
        best = max(best, (counts[1], counts[2], counts[3]))
    return best
