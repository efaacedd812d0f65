"""The optimize mode: beyond the rule where it can be, never behind it, and honest about it."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from sangdam.scheduling import Problem, Schedule, StageOutcome, dumps_result, solve
from sangdam.scheduling import optimize as optimize_module
from sangdam.scheduling.greedy import place_by_rule
from sangdam.scheduling.index import index_problem
from sangdam.scheduling.optimize import OptimizeSettings, optimize
from tests.scheduling.helpers import Item, buyer, meetings, problem, request, seller, slots, waiting


def _blocking_fair() -> Problem:
    # The rule gives S1 the earliest slot with B1, which is the only slot B2 can use.
    return problem(
        slots(2),
        [buyer("B1"), buyer("B2", off=("d1-2",)), seller("S1")],
        [
            request("R1", "S1", "B1", "09:00", status="accepted"),
            request("R2", "S1", "B2", "09:10", status="accepted"),
        ],
    )


def test_optimize_places_a_meeting_the_rule_leaves_waiting() -> None:
    fair = _blocking_fair()

    greedy = solve(fair)
    optimized = solve(fair, mode="optimize", workers=1)

    assert meetings(fair, greedy) == [("B1", "S1", "d1-1", 1, ("R1",))]
    assert waiting(greedy) == [("B2", "S1", 1, ("R2",), "taken")]
    assert meetings(fair, optimized) == [
        ("B2", "S1", "d1-1", 1, ("R2",)),
        ("B1", "S1", "d1-2", 1, ("R1",)),
    ]
    assert waiting(optimized) == []


def test_optimize_reports_bound_gap_extra_meetings_and_stages() -> None:
    fair = _blocking_fair()

    run = solve(fair, mode="optimize", workers=1).stats.optimize

    assert run is not None
    assert (run.method, run.bound, run.gap, run.fallback) == ("full-model", 2, 0.0, None)
    assert run.bound_by_class == (2, 0, 0)
    assert (run.greedy_by_class, run.extra_vs_greedy) == ((1, 0, 0), (1, 0, 0))
    assert run.stages == (
        StageOutcome("class_1", 2, 2, "OPTIMAL"),
        StageOutcome("class_2", 0, 0, "OPTIMAL"),
        StageOutcome("class_3", 0, 0, "OPTIMAL"),
        StageOutcome("order", 3, None, "OPTIMAL"),
        StageOutcome("idle_gaps", 0, None, "OPTIMAL"),
    )


def test_optimize_never_trades_a_mutual_meeting_for_two_buyer_meetings() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), buyer("B2"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "12:00", status="accepted"),
            request("R2", "B1", "S2", "09:00"),
            request("R3", "B2", "S1", "09:00"),
        ],
    )

    optimized = solve(fair, mode="optimize", workers=1)

    assert meetings(fair, optimized) == [("B1", "S1", "d1-1", 1, ("R1",))]
    assert optimized.stats.by_class == (1, 0, 0)


def test_optimize_prefers_the_earlier_pair_when_the_classes_tie() -> None:
    # Both seller requests fit only one at a time; the rule's earlier request keeps the slot.
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "10:00"), request("R2", "S2", "B1", "09:00")],
    )

    optimized = solve(fair, mode="optimize", workers=1)

    assert meetings(fair, optimized) == [("B1", "S2", "d1-1", 3, ("R2",))]


def test_optimize_closes_idle_gaps_the_rule_leaves() -> None:
    # The rule puts S1 first (d1-1) and S2 at d1-3, where S2 is free first; B1 idles at d1-2.
    # Moving S1 to d1-2 keeps both meetings and removes the gap.
    fair = problem(
        slots(3),
        [buyer("B1"), seller("S1"), seller("S2", off=("d1-1", "d1-2"))],
        [request("R1", "S1", "B1", "09:00"), request("R2", "S2", "B1", "09:10")],
    )

    greedy = solve(fair)
    optimized = solve(fair, mode="optimize", workers=1)

    assert greedy.stats.idle_gaps == 1
    assert meetings(fair, optimized) == [
        ("B1", "S1", "d1-2", 3, ("R1",)),
        ("B1", "S2", "d1-3", 3, ("R2",)),
    ]
    assert optimized.stats.idle_gaps == 0


def test_optimize_gives_waiting_reasons_for_its_own_schedule() -> None:
    fair = problem(
        slots(1),
        [buyer("B1", cap=1), buyer("B2"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "S1", "B2", "09:20"),
        ],
    )

    optimized = solve(fair, mode="optimize", workers=1)

    assert meetings(fair, optimized) == [
        ("B1", "S2", "d1-1", 3, ("R2",)),
        ("B2", "S1", "d1-1", 3, ("R3",)),
    ]
    assert waiting(optimized) == [("B1", "S1", 3, ("R1",), "taken")]


def test_optimize_falls_back_to_the_rule_when_the_optimizer_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fair = _blocking_fair()

    def broken(*args: object, **kwargs: object) -> Schedule:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(optimize_module, "optimize", broken)
    result = solve(fair, mode="optimize")

    assert result.stats.optimize is not None
    assert result.stats.optimize.method == "greedy-fallback"
    assert result.stats.optimize.fallback == "RuntimeError: solver crashed"
    assert result.stats.optimize.bound == 2
    assert meetings(fair, result) == meetings(fair, solve(fair))


def test_optimize_falls_back_when_the_optimizer_breaks_a_constraint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fair = _blocking_fair()
    real = optimize_module.optimize

    def double_booking(*args: object, **kwargs: object) -> Schedule:
        schedule = real(*args, **kwargs)  # type: ignore[arg-type]
        first = schedule.meetings[0]
        return replace(schedule, meetings=(first, replace(first, buyer="B1", requests=("R1",))))

    monkeypatch.setattr(optimize_module, "optimize", double_booking)
    result = solve(fair, mode="optimize", workers=1)

    assert result.stats.optimize is not None
    assert result.stats.optimize.fallback == (
        'the optimizer broke a constraint: "S1" has 2 meetings in slot "d1-1"'
    )
    assert meetings(fair, result) == [("B1", "S1", "d1-1", 1, ("R1",))]


def _crowded_fair(
    seed: int, *, buyers: int = 6, sellers: int = 12, n_slots: int = 5, n_requests: int = 45
) -> Problem:
    """Many requests on few slots and tables: the rule leaves room for improvement."""
    rng = random.Random(seed)
    people = [buyer(f"B{i}", cap=rng.choice([2, 3, None])) for i in range(buyers)]
    people += [
        seller(
            f"S{i}",
            off=tuple(f"d1-{j}" for j in range(1, n_slots + 1) if rng.random() < 0.3),
        )
        for i in range(sellers)
    ]
    requests: list[Item] = []
    seen = set()
    for n in range(n_requests):
        b, s = rng.randrange(buyers), rng.randrange(sellers)
        frm, to = (f"S{s}", f"B{b}") if rng.random() < 0.7 else (f"B{b}", f"S{s}")
        if (frm, to) in seen:
            continue
        seen.add((frm, to))
        status = "accepted" if rng.random() < 0.2 else "pending"
        # Every seventh request shares one moment, so ties by id matter too.
        minute = 0 if n % 7 == 0 else n
        at = f"2026-01-{5 + minute // 600:02d}T{9 + minute % 600 // 60:02d}:{minute % 60:02d}:00Z"
        requests.append(request(f"R{n:04d}", frm, to, at, status=status))
    return problem(slots(n_slots), people, requests, tables=max(1, buyers * 2 // 3))


def _without_seconds(schedule: Schedule) -> Schedule:
    return replace(schedule, stats=replace(schedule.stats, seconds=0.0))


def test_neighbourhood_search_is_deterministic_with_one_worker_and_no_time_limit() -> None:
    fair = _crowded_fair(3)
    index = index_problem(fair)
    settings = OptimizeSettings(workers=1, seed=5, full_model_max_choices=-1)

    runs = [
        dumps_result(
            fair,
            _without_seconds(
                optimize(index, place_by_rule(index), settings, started=time.perf_counter())
            ),
        )
        for _ in range(2)
    ]

    assert runs[0] == runs[1]


def test_neighbourhood_search_beats_the_rule_on_a_crowded_fair() -> None:
    fair = _crowded_fair(3)
    index = index_problem(fair)
    settings = OptimizeSettings(workers=1, full_model_max_choices=-1)

    result = optimize(index, place_by_rule(index), settings, started=time.perf_counter())

    assert result.stats.optimize is not None
    assert result.stats.optimize.greedy_by_class == solve(fair).stats.by_class
    assert result.stats.by_class > result.stats.optimize.greedy_by_class


def test_optimize_stops_near_its_time_limit() -> None:
    # Without a limit this fair keeps the optimizer busy for well over ten seconds.
    fair = _crowded_fair(4, buyers=15, sellers=60, n_slots=12, n_requests=500)

    result = solve(fair, mode="optimize", time_limit=1.0)

    # The limit covers the solver; building the result afterwards takes milliseconds here.
    assert result.stats.seconds < 2.0
    assert result.stats.optimize is not None
    assert result.stats.optimize.fallback is None
