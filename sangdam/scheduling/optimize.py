"""Optimize mode: the greedy rule's hard constraints, a lexicographic objective, CP-SAT.

Model. One Boolean ``x[k, t]`` for every pair ``k`` and every slot ``t`` both can still use; at most
one slot per pair; at most one meeting per participant per slot; the daily caps and the tables per
slot as linear constraints. Fixed meetings are not variables: they are already in the occupancy.

Stages (schedule-v1.md), each keeping what the one before reached:
1-3. the most class-1, then class-2, then class-3 meetings (one objective, exact weights);
4.   the most weight, where a placed pair weighs more the earlier it is in the rule's order;
5.   the fewest idle gaps, then the earliest slots.

Every stage starts from the current schedule as a complete hint and only takes a solution whose
objective is at least the hint's, so no stage ends worse than it started: the result is never
lexicographically worse than the greedy schedule it starts from.

Decomposition. A fair with up to ``FULL_MODEL_MAX_CHOICES`` (pair, slot) choices solves stages 1-3
as one model, so CP-SAT proves or bounds the class optimum. Larger fairs (a 3,000-company fair has
about 900,000 choices) are improved by large-neighbourhood search around the greedy schedule:
free the meetings of a few connected participants plus the best waiting pairs around them, keep
everything else as it is, and solve that part with the same stages; a part's new meetings are kept
only if the part is not worse off. A last pass places any waiting pair that has become placeable,
in rule order.

Determinism. Parts come from ``random.Random(seed)``; every CP-SAT call in the search has a
deterministic-time limit, and part sizes adapt to solver statuses, not wall time. With one worker
and no time limit the result is therefore the same on every run.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from sangdam.scheduling.bounds import meeting_bounds
from sangdam.scheduling.greedy import Placement
from sangdam.scheduling.index import FairIndex, Occupancy, assemble
from sangdam.scheduling.schedule import (
    Mode,
    OptimizeStats,
    Schedule,
    StageOutcome,
)

FULL_MODEL_MAX_CHOICES = 60_000
# Up to this size stages 4-5 are solved as one model too (their gap model presolves slowly).
TIDY_WHOLE_MAX_CHOICES = 5_000
# Deterministic-time limits (CP-SAT's machine-independent work units, roughly seconds).
FULL_CLASSES_WORK = 300.0
PART_CLASSES_WORK = 2.0
PART_ORDER_WORK = 1.0
PART_COMPACTNESS_WORK = 0.5
# One CP-SAT call never takes more wall time than this, so a time limit is kept.
MAX_CALL_SECONDS = 20.0
# Part sizes, in pairs: where each phase starts, and the range it adapts in.
CLASSES_PART_START, ORDER_PART_START, PART_MIN, PART_MAX = 400, 150, 40, 6_000
# The classes phase gets this share of the time left, the order and compactness phase the rest.
CLASSES_SHARE = 0.7
# A phase ends after this many parts in a row without improvement (or at the time limit)...
STALL_LIMIT = 40
# ... and, without a time limit, after this many parts.
MAX_PARTS_UNTIMED = 400
# Weights for picking which class a part tries to improve.
CLASS_WEIGHTS = {1: 4, 2: 2, 3: 1}

# Stages 1-3 are one objective with exact lexicographic weights: solving them one by one lets the
# class-1 stage drop class-2 and class-3 meetings that a time-limited later stage may not win back.
CLASSES = ("classes",)
ORDER_AND_COMPACTNESS = ("order", "compactness")


@dataclass(frozen=True, slots=True)
class OptimizeSettings:
    time_limit: float | None = None
    seed: int = 0
    workers: int | None = None
    full_model_max_choices: int = FULL_MODEL_MAX_CHOICES


def optimize(
    index: FairIndex, greedy: Placement, settings: OptimizeSettings, *, started: float
) -> Schedule:
    """Improve the greedy placement (which it takes over) and return the schedule."""
    deadline = None
    if settings.time_limit is not None:
        # Leave room to build the result after the last solver call.
        reserve = min(2.0, 0.05 * settings.time_limit)
        deadline = started + settings.time_limit - reserve
    greedy_by_class = _class_counts(index, greedy.slot_of)
    search = _Search(index, greedy, settings, deadline)

    choices = sum((index.available[b] & index.available[s]).bit_count() for b, s in index.ends)
    bound, bound_by_class = meeting_bounds(index)
    if choices <= settings.full_model_max_choices:
        method = "full-model"
        search.solve_classes()
        if choices <= TIDY_WHOLE_MAX_CHOICES:
            search.tidy_everything()
    else:
        method = "neighbourhood-search"
    if not (search.classes_proven and search.tidy_proven):
        # On larger fairs the order and idle-gap stages are cheaper in parts than as one model.
        search.neighbourhood_search()
    search.fill()
    final = _class_counts(index, search.slot_of)
    stages = [
        replace(outcome, value=final[c]) for c, outcome in enumerate(search.stages)
    ] or search.class_summary(bound_by_class)
    stages += search.later_summary()
    slot_of = search.slot_of
    occupancy = search.occupancy
    reasons = {k: occupancy.reason(*index.ends[k]) for k, t in enumerate(slot_of) if t < 0}
    by_class = _class_counts(index, slot_of)
    meetings = sum(by_class) + len(index.fixed)
    stats = OptimizeStats(
        method=method,
        bound=bound,
        gap=round((bound - meetings) / bound, 4) if bound else 0.0,
        bound_by_class=bound_by_class,
        greedy_by_class=greedy_by_class,
        extra_vs_greedy=(
            by_class[0] - greedy_by_class[0],
            by_class[1] - greedy_by_class[1],
            by_class[2] - greedy_by_class[2],
        ),
        stages=tuple(stages),
        neighbourhoods=search.parts,
        improvements=search.improvements,
        workers=settings.workers or 0,
        seed=settings.seed,
    )
    return assemble(
        index,
        occupancy,
        slot_of,
        reasons,
        mode=Mode.OPTIMIZE,
        seconds=round(time.perf_counter() - started, 3),
        optimize=stats,
    )


def _class_counts(index: FairIndex, slot_of: Sequence[int]) -> tuple[int, int, int]:
    counts = [0, 0, 0, 0]
    for k, t in enumerate(slot_of):
        if t >= 0:
            counts[index.classes[k]] += 1
    return (counts[1], counts[2], counts[3])


@dataclass(slots=True)
class _Linear:
    """A linear expression kept as lists, so it can be evaluated on hint values too."""

    variables: list[cp_model.IntVar]
    coefficients: list[int]

    def expression(self) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.weighted_sum(self.variables, self.coefficients)

    def evaluate(self, values: dict[int, int]) -> int:
        return sum(
            c * values[v.index] for v, c in zip(self.variables, self.coefficients, strict=True)
        )


class _Part:
    """The CP-SAT model of one part of the fair, everything else held as it is."""

    def __init__(self, search: _Search, pairs: Sequence[int]) -> None:
        index, occupancy = search.index, search.occupancy
        self.search = search
        self.pairs = list(pairs)
        self.model = cp_model.CpModel()
        self.variables: dict[int, cp_model.IntVar] = {}
        self.choices: list[tuple[int, int, cp_model.IntVar]] = []
        self.current = {k: search.slot_of[k] for k in self.pairs}
        for k, t in self.current.items():
            if t >= 0:
                occupancy.remove(*index.ends[k], t)

        by_pair: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        by_who_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        by_who_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        model = self.model
        for k in self.pairs:
            buyer, seller = index.ends[k]
            for t in _bits(occupancy.candidates(buyer, seller)):
                x = self.new_bool()
                self.choices.append((k, t, x))
                by_pair[k].append(x)
                d = index.day_of[t]
                for who in (buyer, seller):
                    by_who_slot[(who, t)].append(x)
                    by_who_day[(who, d)].append(x)
                by_slot[t].append(x)
        for group in (*by_pair.values(), *by_who_slot.values()):
            if len(group) > 1:
                model.add_at_most_one(group)
        for (who, d), group in by_who_day.items():
            left = index.caps[who] - occupancy.count[who * occupancy.n_days + d]
            if len(group) > left:
                model.add(cp_model.LinearExpr.sum(group) <= left)
        for t, group in by_slot.items():
            left = index.tables - occupancy.used[t]
            if len(group) > left:
                model.add(cp_model.LinearExpr.sum(group) <= left)
        self.with_choices = sorted(by_pair)
        sizes = [0, 0, 0, 0]
        for k in self.with_choices:
            sizes[index.classes[k]] += 1
        # Mixed-radix weights: one more class-c meeting outweighs all meetings of later classes.
        self.class_weights = {3: 1, 2: sizes[3] + 1, 1: (sizes[2] + 1) * (sizes[3] + 1)}
        self.by_who_slot = by_who_slot
        self.outcomes: list[StageOutcome] = []
        self.all_optimal = True
        self.improved = False

    def values(self) -> dict[int, int]:
        return {x.index: int(self.current[k] == t) for k, t, x in self.choices}

    def new_bool(self) -> cp_model.IntVar:
        x = self.model.new_bool_var("")
        self.variables[x.index] = x
        return x

    def objective(self, stage: str) -> tuple[_Linear, bool, dict[int, int]]:
        """Return (expression, maximize?, hint values of the extra variables it needs)."""
        index = self.search.index
        n = len(index.ends)
        xs = [x for _, _, x in self.choices]
        if stage == "classes":
            weight = self.class_weights
            return _Linear(xs, [weight[index.classes[k]] for k, _, _ in self.choices]), True, {}
        if stage == "order":
            return _Linear(xs, [n - k for k, _, _ in self.choices]), True, {}
        return self._compactness()

    def _compactness(self) -> tuple[_Linear, bool, dict[int, int]]:
        """Idle gaps of the participants this part touches, then the sum of slot positions.

        For one participant and day, gaps = (runs of busy slots) - (1 if busy at all). A run starts
        at t when busy[t] - busy[t-1] = 1; ``start`` is only bounded from below, which is exact
        because the objective pushes it down (and ``any`` up).
        """
        search, model = self.search, self.model
        index, occupancy = search.index, search.occupancy
        hints: dict[int, int] = {}
        placed_at = defaultdict(int)
        for k, t in self.current.items():
            if t >= 0:
                buyer, seller = index.ends[k]
                placed_at[(buyer, t)] = placed_at[(seller, t)] = 1
        gap_vars: list[cp_model.IntVar] = []
        gap_coefficients: list[int] = []
        people = sorted({who for who, _ in self.by_who_slot})
        for who in people:
            background = occupancy.busy[who]
            for mask in index.day_masks:
                positions = list(_bits(mask))
                if not any((who, t) in self.by_who_slot for t in positions):
                    continue
                busy_terms: list[tuple[list[cp_model.IntVar], int, int]] = []
                for t in positions:
                    fixed = (background >> t) & 1
                    choices = self.by_who_slot.get((who, t), [])
                    busy_terms.append((choices, fixed, fixed or placed_at[(who, t)]))
                previous: tuple[list[cp_model.IntVar], int, int] = ([], 0, 0)
                for choices, fixed, hinted in busy_terms:
                    if choices or fixed:
                        start = self.new_bool()
                        before, before_fixed, before_hint = previous
                        # start >= busy[t] - busy[t-1]
                        model.add(
                            start
                            + cp_model.LinearExpr.sum(before)
                            + before_fixed
                            - cp_model.LinearExpr.sum(choices)
                            - fixed
                            >= 0
                        )
                        hints[start.index] = max(0, hinted - before_hint)
                        gap_vars.append(start)
                        gap_coefficients.append(1)
                    previous = (choices, fixed, hinted)
                if not background & mask:
                    busy_any = self.new_bool()
                    day_choices = [x for c, _, _ in busy_terms for x in c]
                    model.add(busy_any <= cp_model.LinearExpr.sum(day_choices))
                    hints[busy_any.index] = int(any(h for _, _, h in busy_terms))
                    gap_vars.append(busy_any)
                    gap_coefficients.append(-1)
        xs = [x for _, _, x in self.choices]
        positions_sum = [t for _, t, _ in self.choices]
        # Gaps first: one gap outweighs any change in the sum of positions.
        scale = 1 + index.n_slots * max(1, len(self.with_choices))
        return (
            _Linear(gap_vars + xs, [c * scale for c in gap_coefficients] + positions_sum),
            False,
            hints,
        )

    def run(self, plan: Sequence[str], work: Sequence[float | None]) -> None:
        """Solve the stages in order; each keeps the value the one before reached.

        Stages not in the plan that come before it (the classes, once proven optimal) are kept
        as they are by constraints.
        """
        if not self.choices:
            return
        model = self.model
        if "classes" not in plan:
            self._keep_classes()
        for stage, stage_work in zip(plan, work, strict=True):
            objective, maximize, extra_hints = self.objective(stage)
            values = self.values() | extra_hints
            current = objective.evaluate(values)
            expression = objective.expression()
            model.clear_hints()  # type: ignore[no-untyped-call]
            for x_index, value in values.items():
                model.add_hint(self.variables[x_index], value)
            if maximize:
                model.maximize(expression)
            else:
                model.minimize(expression)
            solver = self.search.solver(stage_work)
            status_name, value, bound = "NOT_RUN", current, None
            if solver is not None:
                status = solver.solve(model)
                if status == cp_model.MODEL_INVALID:
                    raise RuntimeError(f"CP-SAT rejected the {stage} model: {model.validate()}")
                status_name, bound = solver.status_name(status), round(solver.best_objective_bound)
                found = round(solver.objective_value)
                better = found >= current if maximize else found <= current
                # The complete hint is CP-SAT's first solution, so what it returns is never worse;
                # checked anyway, because keeping the schedule's quality must not rest on that.
                if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and better:
                    self.current = dict.fromkeys(self.pairs, -1)
                    for k, t, x in self.choices:
                        if solver.boolean_value(x):
                            self.current[k] = t
                    value = found
            if status_name != "OPTIMAL":
                self.all_optimal = False
            self.outcomes.append(StageOutcome(stage, value, bound, status_name))
            # The next stages keep what this one reached.
            if stage == "classes":
                self._keep_classes()
            elif maximize:
                model.add(expression >= value)
            else:
                model.add(expression <= value)

    def _keep_classes(self) -> None:
        """Constrain the part to at least as many meetings of each class as it has now.

        Three unit-coefficient constraints presolve far better than the one weighted sum.
        """
        classes = self.search.index.classes
        now = [0, 0, 0, 0]
        for k, t in self.current.items():
            if t >= 0:
                now[classes[k]] += 1
        for c in (1, 2, 3):
            group = [x for k, _, x in self.choices if classes[k] == c]
            if group and now[c]:
                self.model.add(cp_model.LinearExpr.sum(group) >= now[c])


class _Search:
    def __init__(
        self,
        index: FairIndex,
        greedy: Placement,
        settings: OptimizeSettings,
        deadline: float | None,
    ) -> None:
        self.index = index
        self.occupancy: Occupancy = greedy.occupancy
        self.slot_of = list(greedy.slot_of)
        self.settings = settings
        self.deadline = deadline
        self.rng = random.Random(settings.seed)  # noqa: S311 -- picks neighbourhoods, no secret
        n = len(index.ids)
        # Pairs that could ever meet, per participant, in the rule's order.
        self.pairs_of: list[list[int]] = [[] for _ in range(n)]
        self.by_class: dict[int, list[int]] = {1: [], 2: [], 3: []}
        for k, (buyer, seller) in enumerate(index.ends):
            if index.available[buyer] & index.available[seller]:
                self.pairs_of[buyer].append(k)
                self.pairs_of[seller].append(k)
                self.by_class[index.classes[k]].append(k)
        self.placed_of: list[set[int]] = [set() for _ in range(n)]
        for k, t in enumerate(self.slot_of):
            if t >= 0:
                for who in index.ends[k]:
                    self.placed_of[who].add(k)
        self.schedulable = sorted(k for ks in self.by_class.values() for k in ks)
        self.stages: list[StageOutcome] = []
        self.classes_proven = False
        self.tidy_proven = False
        self.parts = 0
        self.improvements = 0

    # ---------------------------------------------------------------------------- solver calls

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def solver(self, work: float | None) -> cp_model.CpSolver | None:
        """A configured CP-SAT solver, or None when the time limit leaves no room for a call."""
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.num_workers = self.settings.workers or 0
        parameters.random_seed = self.settings.seed
        if work is not None:
            parameters.max_deterministic_time = work
        remaining = self.remaining()
        if remaining is not None:
            if remaining < 0.05:
                return None
            parameters.max_time_in_seconds = min(remaining, MAX_CALL_SECONDS)
        return solver

    # ------------------------------------------------------------------------------ one model

    def solve_classes(self) -> None:
        """Stages 1-3 on the whole fair, so CP-SAT proves (or bounds) the class optimum."""
        pairs = sorted(k for ks in self.by_class.values() for k in ks)
        work = FULL_CLASSES_WORK if self.deadline is None else None
        part = self._run_part(pairs, CLASSES, (work,))
        self.stages = self._class_stages(part)
        self.classes_proven = part.all_optimal

    def tidy_everything(self) -> None:
        """Stages 4-5 on the whole fair (small fairs only)."""
        pairs = sorted(k for ks in self.by_class.values() for k in ks)
        untimed = self.deadline is None
        work = (FULL_CLASSES_WORK if untimed else None, FULL_CLASSES_WORK if untimed else None)
        part = self._run_part(pairs, ORDER_AND_COMPACTNESS, work)
        self.tidy_proven = part.all_optimal

    def _class_stages(self, part: _Part) -> list[StageOutcome]:
        """Split the folded stages 1-3 into one outcome per class, with CP-SAT's bound for each.

        With weights w1 > w2 > w3 = 1 and bound B on w1*c1 + w2*c2 + c3: c1 <= B // w1, and
        given c1, c2 <= (B - w1*c1) // w2, and given both, c3 <= B - w1*c1 - w2*c2.
        """
        if not part.outcomes:
            return []
        folded = part.outcomes[0]
        if folded.status == "NOT_RUN":
            return []
        counts = _class_counts(self.index, self.slot_of)
        weights = part.class_weights
        rest = folded.bound
        outcomes = []
        for c in (1, 2, 3):
            bound = None
            if rest is not None:
                bound = rest // weights[c]
                rest -= weights[c] * counts[c - 1]
            outcomes.append(StageOutcome(f"class_{c}", counts[c - 1], bound, folded.status))
        return outcomes

    # ------------------------------------------------------------------ neighbourhood search

    def neighbourhood_search(self) -> None:
        """Improve the classes first, then the order and the idle gaps, part by part."""
        if not self.classes_proven:
            remaining = self.remaining()
            phase_end = None
            if remaining is not None and self.deadline is not None:
                phase_end = self.deadline - remaining * (1 - CLASSES_SHARE)
            self._phase(CLASSES, (PART_CLASSES_WORK,), CLASSES_PART_START, phase_end)
        work = (PART_ORDER_WORK, PART_COMPACTNESS_WORK)
        self._phase(ORDER_AND_COMPACTNESS, work, ORDER_PART_START, self.deadline)

    def _phase(
        self,
        plan: tuple[str, ...],
        work: tuple[float, ...],
        size: int,
        phase_end: float | None,
    ) -> None:
        classes_only = plan == CLASSES
        stall = parts = 0
        # A small fair needs no more fruitless tries than it has pairs.
        stall_limit = min(STALL_LIMIT, max(3, len(self.schedulable)))
        exhausted: set[int] = set()
        # Parts solved since the last improvement: solving one again cannot help.
        tried: set[tuple[int, ...]] = set()
        while stall < stall_limit:
            if phase_end is None and parts >= MAX_PARTS_UNTIMED:
                break
            if phase_end is not None and phase_end - time.perf_counter() < 0.5:
                break
            if parts % 50 == 0:
                exhausted.clear()
            pairs = self._choose(size, exhausted, tidy=not classes_only)
            if not pairs:
                break
            key = tuple(pairs)
            if key in tried:
                stall += 1
                continue
            tried.add(key)
            part = self._run_part(pairs, plan, work)
            parts += 1
            self.parts += 1
            if part.improved:
                self.improvements += 1
                stall = 0
                tried.clear()
                self._fill_around(pairs)
            else:
                stall += 1
            statuses = [outcome.status for outcome in part.outcomes]
            if len(pairs) == len(self.schedulable) and all(st == "OPTIMAL" for st in statuses):
                break  # the part was the whole fair, solved to optimality
            # Grow parts while CP-SAT proves them optimal, shrink them when it cannot.
            if statuses and all(status == "OPTIMAL" for status in statuses):
                size = min(PART_MAX, int(size * 1.2))
            elif statuses:
                size = max(PART_MIN, int(size * 0.8))

    def _choose(self, size: int, exhausted: set[int], *, tidy: bool) -> list[int]:
        """A part: a few connected participants, their meetings, the best waiting pairs near.

        Seeded at a waiting pair that could still improve the schedule; when tidying (the order
        and compactness phase), half the time at a random meeting instead.
        """
        index, rng = self.index, self.rng
        seed = None
        if not tidy or rng.random() < 0.5:
            seed = self._seed_pair(exhausted)
        if seed is None and tidy:
            seed = self._random_meeting()
        if seed is None:
            return []
        people = list(index.ends[seed])
        members = set(people)
        queue = deque(people)
        max_people = max(4, size // 15)
        while queue and len(people) < max_people:
            who = queue.popleft()
            neighbours = sorted(self.placed_of[who])
            rng.shuffle(neighbours)
            for k in neighbours:
                buyer, seller = index.ends[k]
                other = seller if buyer == who else buyer
                if other not in members:
                    members.add(other)
                    people.append(other)
                    queue.append(other)
                    if len(people) >= max_people:
                        break
        part: set[int] = {seed}
        for who in people:
            part |= self.placed_of[who]
            for k in self.pairs_of[who]:
                buyer, seller = index.ends[k]
                if self.slot_of[k] < 0 and buyer in members and seller in members:
                    part.add(k)
        # The best waiting pairs around these participants, in the rule's order.
        budget = size - len(part)
        for k in heapq.merge(*(self.pairs_of[who] for who in people)):
            if budget <= 0:
                break
            if self.slot_of[k] < 0 and k not in part:
                part.add(k)
                budget -= 1
        return sorted(part)

    def _random_meeting(self) -> int | None:
        pairs = self.schedulable
        if not pairs or not any(t >= 0 for t in self.slot_of):
            return None
        while True:
            k = pairs[self.rng.randrange(len(pairs))]
            if self.slot_of[k] >= 0:
                return k

    def _seed_pair(self, exhausted: set[int]) -> int | None:
        """A waiting pair that could still improve the schedule (see ``_has_room``)."""
        rng = self.rng
        while True:
            classes = [c for c in (1, 2, 3) if c not in exhausted and self.by_class[c]]
            if not classes:
                return None
            weights = [CLASS_WEIGHTS[c] for c in classes]
            pair_class = rng.choices(classes, weights)[0]
            candidates = self.by_class[pair_class]
            for _ in range(64):
                k = candidates[rng.randrange(len(candidates))]
                if self.slot_of[k] >= 0:
                    continue
                buyer, seller = self.index.ends[k]
                if self._has_room(buyer, k) and self._has_room(seller, k):
                    return k
            exhausted.add(pair_class)

    def _has_room(self, who: int, k: int) -> bool:
        """Whether ``who`` could take pair k: a free slot, or a meeting later in the rule's order.

        Without either, placing k means dropping a meeting that comes before it (of a better
        class, or of the same class and earlier), which no stage would accept.
        """
        if self.occupancy.free(who):
            return True
        return any(other > k for other in self.placed_of[who])

    # ------------------------------------------------------------------------- bookkeeping

    def _run_part(
        self, pairs: Sequence[int], plan: Sequence[str], work: Sequence[float | None]
    ) -> _Part:
        """Solve one part; keep its new meetings only if the fair is not worse off."""
        index, occupancy = self.index, self.occupancy
        before = self._measure(pairs)
        old = {k: self.slot_of[k] for k in pairs}
        part = _Part(self, pairs)  # takes the part's meetings out of the occupancy
        part.run(plan, work)
        for k in pairs:
            self.slot_of[k] = part.current[k]
            if part.current[k] >= 0:
                occupancy.add(*index.ends[k], part.current[k])
        after = self._measure(pairs)
        if after < before:
            # A stage cut short by the time limit can leave a later measure worse (say, more
            # idle gaps at equal classes and order); then the old meetings are better and stay.
            # All new meetings out before any old one is back: they may share slots.
            for k in pairs:
                if self.slot_of[k] >= 0:
                    occupancy.remove(*index.ends[k], self.slot_of[k])
            for k in pairs:
                self.slot_of[k] = old[k]
                if old[k] >= 0:
                    occupancy.add(*index.ends[k], old[k])
        for k in pairs:
            for who in index.ends[k]:
                if self.slot_of[k] >= 0:
                    self.placed_of[who].add(k)
                else:
                    self.placed_of[who].discard(k)
        part.improved = after > before
        return part

    def _measure(self, pairs: Sequence[int]) -> tuple[int, ...]:
        """The part's contribution to each stage, as a tuple to compare lexicographically."""
        index, occupancy = self.index, self.occupancy
        n = len(index.ends)
        counts = [0, 0, 0, 0]
        order = positions = 0
        people: set[int] = set()
        for k in pairs:
            people.update(index.ends[k])
            t = self.slot_of[k]
            if t >= 0:
                counts[index.classes[k]] += 1
                order += n - k
                positions += t
        gaps = sum(occupancy.idle_gaps(who) for who in people)
        return (counts[1], counts[2], counts[3], order, -gaps, -positions)

    def _fill_around(self, pairs: Sequence[int]) -> None:
        people = sorted({who for k in pairs for who in self.index.ends[k]})
        self._fill(heapq.merge(*(self.pairs_of[who] for who in people)))

    def fill(self) -> None:
        """Place, in rule order, every waiting pair that has a usable slot (never worse)."""
        self._fill(k for ks in self.by_class.values() for k in ks)

    def _fill(self, pairs: Iterator[int] | Sequence[int]) -> None:
        index, occupancy = self.index, self.occupancy
        for k in pairs:
            if self.slot_of[k] >= 0:
                continue
            buyer, seller = index.ends[k]
            usable = occupancy.candidates(buyer, seller)
            if usable:
                t = (usable & -usable).bit_length() - 1
                occupancy.add(buyer, seller, t)
                self.slot_of[k] = t
                self.placed_of[buyer].add(k)
                self.placed_of[seller].add(k)

    def class_summary(self, bound_by_class: tuple[int, int, int]) -> list[StageOutcome]:
        """Class stages of the neighbourhood search, bounded by the max-flow relaxation."""
        counts = _class_counts(self.index, self.slot_of)
        outcomes = []
        for c in (1, 2, 3):
            value, bound = counts[c - 1], bound_by_class[c - 1]
            status = "OPTIMAL" if value == bound else "FEASIBLE"
            outcomes.append(StageOutcome(f"class_{c}", value, bound, status))
        return outcomes

    def later_summary(self) -> list[StageOutcome]:
        """Stages 4 and 5 over the whole fair: the order weight and the idle gaps reached."""
        index, n = self.index, len(self.index.ends)
        order = sum(n - k for k, t in enumerate(self.slot_of) if t >= 0)
        gaps = sum(self.occupancy.idle_gaps(who) for who in range(len(index.ids)))
        status = "OPTIMAL" if self.tidy_proven else "FEASIBLE"
        return [
            StageOutcome("order", order, None, status),
            StageOutcome("idle_gaps", gaps, None, status),
        ]


def _bits(mask: int) -> Iterator[int]:
    while mask:
        bit = mask & -mask
        yield bit.bit_length() - 1
        mask ^= bit
