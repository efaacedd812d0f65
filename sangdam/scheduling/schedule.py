"""The result of scheduling: meetings, the waiting list with reasons, and statistics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    GREEDY = "greedy"
    OPTIMIZE = "optimize"


class WaitingReason(StrEnum):
    """Why a pair got no meeting, in words an organizer can pass on to the participant."""

    NO_COMMON_SLOT = "no_common_slot"
    """The two have no slot that both left available."""
    CAP = "cap"
    """A common slot was free for both, with a table, but one of them was at the daily cap."""
    TAKEN = "taken"
    """Every common slot was occupied by a meeting of one of them, or had no table left."""


@dataclass(frozen=True, slots=True)
class Meeting:
    """A scheduled meeting. ``slot`` indexes ``Problem.slots``; class 0 marks a fixed meeting."""

    buyer: str
    seller: str
    slot: int
    pair_class: int
    requests: tuple[str, ...] = ()

    @property
    def is_fixed(self) -> bool:
        return self.pair_class == 0


@dataclass(frozen=True, slots=True)
class WaitingPair:
    """A pair that got no meeting, with the reason."""

    buyer: str
    seller: str
    pair_class: int
    requests: tuple[str, ...]
    reason: WaitingReason


@dataclass(frozen=True, slots=True)
class StageOutcome:
    """One lexicographic stage of the optimizer: what it reached and what is provably possible.

    ``bound`` is None where no bound is known (the order and compactness stages of the
    neighbourhood search).
    """

    name: str
    value: int
    bound: int | None
    status: str


@dataclass(frozen=True, slots=True)
class OptimizeStats:
    """What the optimize mode did and how good its schedule provably is."""

    method: str
    """"full-model", "neighbourhood-search" or "greedy-fallback"."""
    bound: int | None
    """A proven upper bound on the number of meetings (fixed ones included); None if unknown."""
    gap: float | None
    """(bound - meetings) / bound; 0 means provably the most meetings possible."""
    bound_by_class: tuple[int, int, int] | None
    greedy_by_class: tuple[int, int, int]
    extra_vs_greedy: tuple[int, int, int]
    stages: tuple[StageOutcome, ...]
    neighbourhoods: int
    improvements: int
    workers: int
    seed: int
    fallback: str | None = None
    """Why the greedy schedule was returned instead, if it was."""


@dataclass(frozen=True, slots=True)
class Stats:
    meetings: int
    waiting: int
    by_class: tuple[int, int, int]
    """Meetings of class 1, 2 and 3 (fixed meetings are counted in ``fixed``)."""
    fixed: int
    idle_gaps: int
    """Runs of free slots between two meetings of one participant on one day, summed."""
    seconds: float
    optimize: OptimizeStats | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Meetings sorted by slot (chronologically), buyer and seller; waiting pairs in rule order."""

    mode: Mode
    meetings: tuple[Meeting, ...]
    waiting: tuple[WaitingPair, ...]
    stats: Stats
