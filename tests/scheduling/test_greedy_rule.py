"""Golden instances for the published rule: each one exercises one rule, with the exact result."""

from __future__ import annotations

import datetime as dt

from sangdam.scheduling import derive_pairs, solve
from tests.scheduling.helpers import buyer, meetings, problem, request, seller, slots, waiting


def test_greedy_places_mutual_then_buyer_then_seller_requests() -> None:
    fair = problem(
        slots(3),
        [buyer("B1"), seller("S1"), seller("S2"), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "B1", "S2", "10:00"),
            request("R3", "S3", "B1", "11:00"),
            request("R4", "B1", "S3", "12:00"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S3", "d1-1", 1, ("R3", "R4")),
        ("B1", "S2", "d1-2", 2, ("R2",)),
        ("B1", "S1", "d1-3", 3, ("R1",)),
    ]
    assert schedule.stats.by_class == (1, 1, 1)


def test_greedy_gives_the_scarce_slot_to_the_better_class() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "09:00"), request("R2", "B1", "S2", "10:00")],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S2", "d1-1", 2, ("R2",))]
    assert waiting(schedule) == [("B1", "S1", 3, ("R1",), "taken")]


def test_greedy_takes_the_earlier_request_in_the_same_class() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "10:00"), request("R2", "S2", "B1", "09:59")],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S2", "d1-1", 3, ("R2",))]
    assert waiting(schedule) == [("B1", "S1", 3, ("R1",), "taken")]


def test_greedy_breaks_a_same_time_tie_by_the_smaller_request_id() -> None:
    # The same instant written with two offsets; ids compare as text, so "A3" < "A7".
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [
            request("A7", "S1", "B1", "2026-01-05T10:00:00+09:00"),
            request("A3", "S2", "B1", "2026-01-05T01:00:00Z"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S2", "d1-1", 3, ("A3",))]
    assert waiting(schedule) == [("B1", "S1", 3, ("A7",), "taken")]


def test_derive_pairs_hands_out_request_times_in_rank_order() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), buyer("B2"), buyer("B3"), buyer("B4"), seller("S1")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S1", "B2", "10:00", rank=1),
            request("R3", "S1", "B3", "11:00", rank=2),
            request("R4", "S1", "B4", "12:00"),
        ],
    )

    pairs = derive_pairs(fair)

    assert [(p.requests, p.effective_at.strftime("%H:%M")) for p in pairs] == [
        (("R2",), "09:00"),
        (("R3",), "10:00"),
        (("R1",), "11:00"),
        (("R4",), "12:00"),
    ]


def test_greedy_uses_the_handed_out_times_against_other_requesters() -> None:
    # S1 ranks its later request to B2 first, so it takes S1's earlier time (09:00) and beats
    # S2's 10:05 request for B2; S1's request to B1 drops to 11:00 and loses B1 to S2.
    fair = problem(
        slots(1),
        [buyer("B1"), buyer("B2"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "09:00", rank=2),
            request("R2", "S1", "B2", "11:00", rank=1),
            request("R3", "S2", "B1", "10:00"),
            request("R4", "S2", "B2", "10:05"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S2", "d1-1", 3, ("R3",)),
        ("B2", "S1", "d1-1", 3, ("R2",)),
    ]
    assert waiting(schedule) == [
        ("B2", "S2", 3, ("R4",), "taken"),
        ("B1", "S1", 3, ("R1",), "taken"),
    ]


def test_greedy_makes_one_mutual_pair_of_two_requests_at_the_earlier_time() -> None:
    # B1-S1's two requests (10:00 and 08:30) make one pair at 08:30, ahead of B1-S2 at 09:00.
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [
            request("R5", "S1", "B1", "10:00"),
            request("R9", "B1", "S1", "08:30"),
            request("R6", "S2", "B1", "09:00", status="accepted"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S1", "d1-1", 1, ("R5", "R9"))]
    assert waiting(schedule) == [("B1", "S2", 1, ("R6",), "taken")]


def test_greedy_treats_an_accepted_request_as_mutual() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "12:00", status="accepted"),
            request("R2", "B1", "S2", "09:00"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S1", "d1-1", 1, ("R1",))]
    assert waiting(schedule) == [("B1", "S2", 2, ("R2",), "taken")]


def test_greedy_drops_rejected_and_cancelled_requests() -> None:
    # A rejected reverse request does not make S3's request mutual.
    fair = problem(
        slots(2),
        [buyer("B1"), seller("S1"), seller("S2"), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00", status="rejected"),
            request("R2", "S2", "B1", "09:10", status="cancelled"),
            request("R3", "S3", "B1", "09:20"),
            request("R4", "B1", "S3", "09:30", status="rejected"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S3", "d1-1", 3, ("R3",))]
    assert waiting(schedule) == []


def test_greedy_applies_the_daily_cap_on_each_day() -> None:
    fair = problem(
        slots(2, days=2),
        [buyer("B1", cap=1), seller("S1"), seller("S2"), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "S3", "B1", "09:20"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S1", "d1-1", 3, ("R1",)),
        ("B1", "S2", "d2-1", 3, ("R2",)),
    ]
    assert waiting(schedule) == [("B1", "S3", 3, ("R3",), "cap")]


def test_greedy_caps_mutual_requests_of_a_popular_company_too() -> None:
    # MM-44: cap N and N + k mutual requests give exactly N meetings that day.
    fair = problem(
        slots(4),
        [buyer("B1", cap=2), seller("S1"), seller("S2"), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00", status="accepted"),
            request("R2", "S2", "B1", "09:10", status="accepted"),
            request("R3", "S3", "B1", "09:20", status="accepted"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S1", "d1-1", 1, ("R1",)),
        ("B1", "S2", "d1-2", 1, ("R2",)),
    ]
    assert waiting(schedule) == [("B1", "S3", 1, ("R3",), "cap")]


def test_greedy_holds_no_more_meetings_in_a_slot_than_tables() -> None:
    fair = problem(
        slots(2),
        [buyer("B1"), buyer("B2"), seller("S1"), seller("S2")],
        [request("R1", "B1", "S1", "09:00"), request("R2", "B2", "S2", "09:10")],
        tables=1,
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S1", "d1-1", 2, ("R1",)),
        ("B2", "S2", "d1-2", 2, ("R2",)),
    ]


def test_greedy_keeps_fixed_meetings_and_counts_them_against_caps() -> None:
    # S1 already has a fixed meeting with B1, so its request is not scheduled again, and that
    # meeting uses one of B1's two meetings of the day.
    fair = problem(
        slots(3),
        [buyer("B1", cap=2), seller("S1"), seller("S2"), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "S3", "B1", "09:20"),
        ],
        fixed=[{"buyer": "B1", "seller": "S1", "slot": "d1-1"}],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S1", "d1-1", 0, ()),
        ("B1", "S2", "d1-2", 3, ("R2",)),
    ]
    assert waiting(schedule) == [("B1", "S3", 3, ("R3",), "cap")]
    assert (schedule.stats.meetings, schedule.stats.fixed) == (2, 1)


def test_greedy_fills_the_earliest_slot_by_day_and_time_not_file_order() -> None:
    items = slots(2, days=2)
    fair = problem(
        list(reversed(items)),
        [buyer("B1", off=("d1-1",)), seller("S1")],
        [request("R1", "S1", "B1", "09:00")],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [("B1", "S1", "d1-2", 3, ("R1",))]


def test_greedy_reason_no_common_slot_when_availabilities_do_not_meet() -> None:
    fair = problem(
        slots(2),
        [buyer("B1", off=("d1-1",)), seller("S1", off=("d1-2",))],
        [request("R1", "S1", "B1", "09:00")],
    )

    schedule = solve(fair)

    assert waiting(schedule) == [("B1", "S1", 3, ("R1",), "no_common_slot")]


def test_greedy_reason_taken_when_a_table_limit_fills_the_common_slot() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), buyer("B2"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "09:00"), request("R2", "S2", "B2", "09:10")],
        tables=1,
    )

    schedule = solve(fair)

    assert waiting(schedule) == [("B2", "S2", 3, ("R2",), "taken")]


def test_greedy_reason_is_taken_at_the_pairs_turn() -> None:
    # When R2's turn comes, d1-2 is free for both but B1 is at its cap: "cap", even though S2
    # fills d1-2 later with B2.
    fair = problem(
        slots(2),
        [buyer("B1", cap=1), buyer("B2"), seller("S1"), seller("S2")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "S2", "B2", "09:20"),
        ],
    )

    schedule = solve(fair)

    assert meetings(fair, schedule) == [
        ("B1", "S1", "d1-1", 3, ("R1",)),
        ("B2", "S2", "d1-1", 3, ("R3",)),
    ]
    assert waiting(schedule) == [("B1", "S2", 3, ("R2",), "cap")]


def test_greedy_reports_a_zero_cap_as_cap() -> None:
    fair = problem(
        slots(1), [buyer("B1", cap=0), seller("S1")], [request("R1", "S1", "B1", "09:00")]
    )

    schedule = solve(fair)

    assert waiting(schedule) == [("B1", "S1", 3, ("R1",), "cap")]


def test_greedy_stats_count_meetings_waiting_and_idle_gaps() -> None:
    # S2 is never available; B1 meets S1 and S3 back to back. In the second fair S3 can only
    # come at d1-3, which leaves B1 one idle gap at d1-2.
    fair = problem(
        slots(3),
        [buyer("B1"), seller("S1"), seller("S2", off=("d1-1", "d1-2", "d1-3")), seller("S3")],
        [
            request("R1", "S1", "B1", "09:00"),
            request("R2", "S2", "B1", "09:10"),
            request("R3", "S3", "B1", "09:20"),
        ],
    )
    fair_with_gap = problem(
        slots(3),
        [buyer("B1"), seller("S1"), seller("S3", off=("d1-1", "d1-2"))],
        [request("R1", "S1", "B1", "09:00"), request("R3", "S3", "B1", "09:20")],
    )

    stats = solve(fair).stats
    gap_stats = solve(fair_with_gap).stats

    assert (stats.meetings, stats.waiting, stats.by_class, stats.idle_gaps) == (2, 1, (0, 0, 2), 0)
    assert gap_stats.idle_gaps == 1


def test_effective_time_keeps_the_request_offset() -> None:
    fair = problem(
        slots(1),
        [buyer("B1"), seller("S1")],
        [request("R1", "S1", "B1", "2026-01-05T01:00:00Z")],
    )

    (pair,) = derive_pairs(fair)

    assert pair.effective_at == dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
