"""``find_violations``: one broken and one kept case per hard constraint."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sangdam.scheduling import Meeting, Problem, Schedule, WaitingPair, WaitingReason, solve
from sangdam.scheduling.problem import FixedMeeting
from sangdam.scheduling.violations import find_violations
from tests.scheduling.helpers import buyer, problem, request, seller, slots


@pytest.fixture
def fair() -> Problem:
    # Slots d1-1, d1-2 on day 1 and d2-1, d2-2 on day 2; B1 is away at d1-2; B1 meets at most
    # one company a day; two tables.
    return problem(
        slots(2, days=2),
        [buyer("B1", cap=1, off=("d1-2",)), buyer("B2"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "B2", "S1", "09:20"),
        ],
        tables=2,
    )


def _slot(fair: Problem, slot_id: str) -> int:
    return next(i for i, slot in enumerate(fair.slots) if slot.id == slot_id)


def _schedule(meetings: list[Meeting], waiting: list[WaitingPair], base: Schedule) -> Schedule:
    return replace(base, meetings=tuple(meetings), waiting=tuple(waiting))


def test_find_violations_accepts_the_greedy_schedule(fair: Problem) -> None:
    assert find_violations(fair, solve(fair)) == []


def test_find_violations_names_a_meeting_in_an_unavailable_slot(fair: Problem) -> None:
    base = solve(fair)
    moved = [
        replace(m, slot=_slot(fair, "d1-2")) if m.requests == ("R2",) else m for m in base.meetings
    ]

    violations = find_violations(fair, _schedule(moved, list(base.waiting), base))

    assert violations == ['meeting "B1"-"S2" at "d1-2": "B1" is unavailable in that slot']


def test_find_violations_names_a_double_booked_participant(fair: Problem) -> None:
    base = solve(fair)
    d1 = _slot(fair, "d1-1")
    meetings = [
        Meeting("B1", "S1", d1, 3, ("R1",)),
        Meeting("B2", "S1", d1, 2, ("R3",)),
    ]
    waiting = [WaitingPair("B1", "S2", 3, ("R2",), WaitingReason.CAP)]

    violations = find_violations(fair, _schedule(meetings, waiting, base))

    assert violations == ['"S1" has 2 meetings in slot "d1-1"']


def test_find_violations_names_a_broken_daily_cap(fair: Problem) -> None:
    base = solve(fair)
    meetings = [
        Meeting("B1", "S1", _slot(fair, "d2-1"), 3, ("R1",)),
        Meeting("B1", "S2", _slot(fair, "d2-2"), 3, ("R2",)),
        Meeting("B2", "S1", _slot(fair, "d1-1"), 2, ("R3",)),
    ]

    violations = find_violations(fair, _schedule(meetings, [], base))

    assert violations == ['"B1" has 2 meetings on 2026-03-11, over its daily_cap 1']


def test_find_violations_names_a_slot_over_its_tables() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), buyer("B2"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "09:00"), request("R2", "S2", "B2", "09:10")],
        tables=1,
    )
    base = solve(fair)
    meetings = [Meeting("B1", "S1", 0, 3, ("R1",)), Meeting("B2", "S2", 0, 3, ("R2",))]

    violations = find_violations(fair, _schedule(meetings, [], base))

    assert violations == ['slot "d1-1" holds 2 meetings but there are 1 tables']


def test_find_violations_names_a_pair_that_meets_twice(fair: Problem) -> None:
    base = solve(fair)
    meetings = [
        Meeting("B2", "S1", _slot(fair, "d1-1"), 2, ("R3",)),
        Meeting("B2", "S1", _slot(fair, "d1-2"), 2, ("R3",)),
    ]
    waiting = [
        WaitingPair("B1", "S1", 3, ("R1",), WaitingReason.TAKEN),
        WaitingPair("B1", "S2", 3, ("R2",), WaitingReason.TAKEN),
    ]

    violations = find_violations(fair, _schedule(meetings, waiting, base))

    assert violations == [
        '"B2" and "S1" meet 2 times',
        'pair "B2"-"S1" (requests [\'R3\']) is listed 2 times',
    ]


def test_find_violations_names_a_lost_fixed_meeting() -> None:
    fair = problem(
        slots(2),
        [buyer("B1"), seller("S1")],
        [],
        fixed=[{"buyer": "B1", "seller": "S1", "slot": "d1-2"}],
    )
    base = solve(fair)
    moved = [Meeting("B1", "S1", 0, 0, ())]

    violations = find_violations(fair, _schedule(moved, [], base))

    assert violations == [
        'fixed[0] ("B1"-"S1" at "d1-2") is not kept as a class-0 meeting',
        'meeting "B1"-"S1" has class 0 but is not a fixed meeting',
    ]


def test_find_violations_names_a_meeting_without_a_request(fair: Problem) -> None:
    base = solve(fair)
    invented = [*base.meetings, Meeting("B2", "S2", _slot(fair, "d2-2"), 2, ("R9",))]

    violations = find_violations(fair, _schedule(invented, list(base.waiting), base))

    assert violations == ['meeting "B2"-"S2": the two have no live request to schedule']


def test_find_violations_names_a_pair_left_out_and_a_wrong_class(fair: Problem) -> None:
    base = solve(fair)
    meetings = [
        Meeting("B1", "S1", _slot(fair, "d1-1"), 1, ("R1",)),
        Meeting("B2", "S1", _slot(fair, "d2-1"), 2, ("R3",)),
    ]

    violations = find_violations(fair, _schedule(meetings, [], base))

    assert violations == [
        "meeting \"B1\"-\"S1\": class 1 requests ['R1'], but the pair is class 3 requests ['R1']",
        'pair "B1"-"S2" (requests [\'R2\']) is neither scheduled nor waiting',
    ]


def test_problem_rejects_a_fixed_meeting_outside_the_slots() -> None:
    fair = problem(slots(1), [buyer("B1"), seller("S1")], [])

    with pytest.raises(Exception, match=r"fixed\[0\]: slot index 5 is outside the 1 slots"):
        Problem(
            slots=fair.slots,
            participants=fair.participants,
            fixed=(FixedMeeting("B1", "S1", 5),),
        )
