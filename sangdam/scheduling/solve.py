"""The one entry point: schedule a problem by the published rule or optimize beyond it."""

from __future__ import annotations

import time
from dataclasses import replace

from sangdam.scheduling.greedy import place_by_rule
from sangdam.scheduling.index import FairIndex, assemble, index_problem
from sangdam.scheduling.problem import Problem
from sangdam.scheduling.schedule import Mode, OptimizeStats, Schedule
from sangdam.scheduling.violations import find_violations


def solve(
    problem: Problem,
    *,
    mode: Mode | str = Mode.GREEDY,
    time_limit: float | None = None,
    seed: int = 0,
    workers: int | None = None,
) -> Schedule:
    """Schedule ``problem``.

    ``greedy`` applies the published rule exactly (``time_limit``, ``seed`` and ``workers`` do not
    matter). ``optimize`` starts from that schedule and improves it with CP-SAT for at most
    ``time_limit`` seconds (None: until it has converged); ``workers`` is CP-SAT's number of search
    workers (None: one per core). With one worker and no time limit the result is deterministic.

    The optimize mode never returns fewer class-1 meetings than the rule, nor fewer class-2 ones
    at equal class 1, nor fewer class-3 ones at equal classes 1 and 2, and never a schedule that
    breaks a hard constraint: if anything goes wrong it returns the rule's schedule and says why in
    ``stats.optimize.fallback``.
    """
    # The clock only measures stats.seconds and enforces the time limit.
    started = time.perf_counter()
    mode = Mode(mode)
    if time_limit is not None and time_limit < 0:
        raise ValueError("time_limit must be 0 or more seconds")
    index = index_problem(problem)
    placement = place_by_rule(index)
    greedy = assemble(
        index,
        placement.occupancy,
        placement.slot_of,
        placement.reasons,
        mode=mode,
        seconds=round(time.perf_counter() - started, 3),
    )
    if mode is Mode.GREEDY:
        return greedy
    try:
        from sangdam.scheduling.optimize import (  # noqa: PLC0415 -- OR-Tools loads slowly
            OptimizeSettings,
            optimize,
        )

        settings = OptimizeSettings(time_limit=time_limit, seed=seed, workers=workers)
        schedule = optimize(index, placement, settings, started=started)
    except Exception as exc:  # any optimizer failure must still give a schedule
        return _fallback(index, greedy, started, seed, workers, f"{type(exc).__name__}: {exc}")
    violations = find_violations(problem, schedule)
    if violations:
        reason = f"the optimizer broke a constraint: {violations[0]}"
        return _fallback(index, greedy, started, seed, workers, reason)
    if schedule.stats.by_class < greedy.stats.by_class:
        reason = "the optimizer placed fewer meetings of a class than the rule"
        return _fallback(index, greedy, started, seed, workers, reason)
    return schedule


def _fallback(
    index: FairIndex,
    greedy: Schedule,
    started: float,
    seed: int,
    workers: int | None,
    reason: str,
) -> Schedule:
    stats = greedy.stats
    bound: int | None = None
    bound_by_class: tuple[int, int, int] | None = None
    try:
        from sangdam.scheduling.bounds import meeting_bounds  # noqa: PLC0415

        bound, bound_by_class = meeting_bounds(index)
    except Exception:  # noqa: S110 -- the bound is optional in a fallback
        pass
    run = OptimizeStats(
        method="greedy-fallback",
        bound=bound,
        gap=round((bound - stats.meetings) / bound, 4) if bound else None,
        bound_by_class=bound_by_class,
        greedy_by_class=stats.by_class,
        extra_vs_greedy=(0, 0, 0),
        stages=(),
        neighbourhoods=0,
        improvements=0,
        workers=workers or 0,
        seed=seed,
        fallback=reason,
    )
    seconds = round(time.perf_counter() - started, 3)
    return replace(greedy, stats=replace(stats, seconds=seconds, optimize=run))
