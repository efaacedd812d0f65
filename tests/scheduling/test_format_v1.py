"""Format v1: the exact result text, and what the reader accepts and reports."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from sangdam.scheduling import (
    InvalidProblem,
    MeetingRequest,
    Participant,
    Problem,
    Side,
    Slot,
    dumps_instance,
    dumps_result,
    loads_instance,
    loads_result,
    parse_instance,
    read_instance,
    solve,
    write_result,
)
from tests.scheduling.helpers import buyer, instance, request, seller, slots

DATA = Path(__file__).parent / "data"


def _messages(data: object) -> list[str]:
    with pytest.raises(InvalidProblem) as caught:
        parse_instance(data)
    return [str(issue) for issue in caught.value.issues]


def test_worked_example_gives_the_documented_result_byte_for_byte() -> None:
    fair = read_instance(DATA / "worked-example.json")
    schedule = solve(fair)

    text = dumps_result(fair, replace(schedule, stats=replace(schedule.stats, seconds=0.0)))

    assert text == (DATA / "worked-example.greedy.json").read_text(encoding="utf-8")


def test_result_quotes_ids_with_quotes_and_keeps_korean_text() -> None:
    fair = parse_instance(
        instance(
            slots(1),
            [buyer('바이어 "A"'), seller("셀러\\1")],
            [request("요청-1", "셀러\\1", '바이어 "A"', "09:00")],
        )
    )

    text = dumps_result(fair, solve(fair))

    assert (
        '{"buyer": "바이어 \\"A\\"", "seller": "셀러\\\\1", "slot": "d1-1", "class": 3,'
        ' "requests": ["요청-1"]}'
    ) in text
    assert json.loads(text)["meetings"][0]["buyer"] == '바이어 "A"'


def test_write_result_leaves_no_temporary_file(tmp_path: Path) -> None:
    fair = read_instance(DATA / "worked-example.json")
    target = tmp_path / "result.json"

    write_result(fair, solve(fair), target)

    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
    assert loads_result(fair, target.read_bytes()).stats.meetings == 5


def test_reader_ignores_unknown_fields_and_accepts_optional_ones_absent() -> None:
    data = {
        "format": "sangdam.schedule/1",
        "exported_by": "spreadsheet",
        "slots": [{"id": "a", "day": "2026-03-10", "start": "09:00", "end": "09:30", "room": 4}],
        "participants": [{"id": "B", "side": "buyer"}, {"id": "S", "side": "seller"}],
        "requests": [
            {
                "id": "R",
                "from": "S",
                "to": "B",
                "created_at": "2026-01-05T00:00:00Z",
                "status": "pending",
                "note": "x",
            }
        ],
    }

    fair = parse_instance(data)

    assert fair.tables is None
    assert fair.fixed == ()
    assert fair.participants[0] == Participant("B", Side.BUYER)


def test_reader_rejects_a_document_that_is_not_an_object() -> None:
    assert _messages([1, 2]) == ["instance: must be a JSON object"]


def test_reader_rejects_true_as_a_number() -> None:
    data = instance(slots(1), [buyer("B1"), seller("S1")], [], tables=True)

    assert _messages(data) == ["tables: must be an integer of 1 or more, got true"]


def test_reader_reports_requests_between_the_same_side() -> None:
    data = instance(
        slots(1),
        [seller("S1"), seller("S2")],
        [request("R1", "S1", "S2", "09:00")],
    )

    assert _messages(data) == ['requests[0] (id "R1"): "from" "S1" and "to" "S2" are both sellers']


def test_reader_reports_a_fixed_meeting_on_an_unavailable_slot_and_over_the_tables() -> None:
    data = instance(
        slots(1),
        [buyer("B1", off=("d1-1",)), buyer("B2"), seller("S1"), seller("S2")],
        [],
        fixed=[
            {"buyer": "B2", "seller": "S2", "slot": "d1-1"},
            {"buyer": "B1", "seller": "S1", "slot": "d1-1"},
        ],
        tables=1,
    )

    assert _messages(data) == [
        'fixed[1]: "B1" is unavailable in slot "d1-1"',
        'fixed[1]: slot "d1-1" would hold more fixed meetings than the 1 tables',
    ]


def test_reader_checks_the_rest_of_an_item_with_a_broken_field() -> None:
    data = instance(
        slots(1),
        [buyer("B1"), seller("S1")],
        [
            {**request("R1", "S1", "B1", "09:00"), "rank": "first"},
            request("R1", "S1", "B9", "09:05"),
        ],
    )

    assert _messages(data) == [
        'requests[0] (id "R1"): "rank" must be an integer of 1 or more, got "first"',
        'requests[1] (id "R1"): id is used twice (first at requests[0])',
        'requests[1] (id "R1"): "to" names unknown participant "B9"',
    ]


def test_reader_does_not_report_references_to_an_unreadable_participant_again() -> None:
    data = instance(
        slots(1),
        [{"id": "B1", "side": "guest"}, seller("S1")],
        [request("R1", "S1", "B1", "09:00")],
    )

    assert _messages(data) == [
        'participants[0] (id "B1"): "side" must be "buyer" or "seller", got "guest"'
    ]


def test_reader_accepts_seconds_and_utc_designator() -> None:
    data = instance(
        [{"id": "a", "day": "2026-03-10", "start": "09:00:30", "end": "09:30"}],
        [buyer("B1"), seller("S1")],
        [request("R1", "S1", "B1", "2026-01-05T00:00:00Z")],
    )

    fair = parse_instance(data)

    assert fair.slots[0].start == dt.time(9, 0, 30)
    assert fair.requests[0].created_at == dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def test_problem_built_in_python_reports_every_issue_at_once() -> None:
    slot = Slot("a", dt.date(2026, 3, 10), dt.time(9), dt.time(9, 30))
    naive = dt.datetime(2026, 1, 5, 9)  # noqa: DTZ001 -- the missing offset is the point

    with pytest.raises(InvalidProblem) as caught:
        Problem(
            slots=(slot,),
            participants=(Participant("B1", Side.BUYER, daily_cap=-2, unavailable=frozenset({3})),),
            requests=(MeetingRequest("R1", "S9", "B1", naive),),
            tables=0,
        )

    assert [str(issue) for issue in caught.value.issues] == [
        "tables: must be at least 1, got 0",
        'participants[0] (id "B1"): daily_cap must be 0 or more, got -2',
        'participants[0] (id "B1"): unavailable names slot indexes [3] but there are 1 slots',
        'requests[0] (id "R1"): "from" names unknown participant "S9"',
        'requests[0] (id "R1"): "created_at" has no UTC offset (write e.g. +09:00 or Z)',
    ]


def test_instance_written_and_read_back_is_the_same_problem() -> None:
    fair = read_instance(DATA / "worked-example.json")

    assert loads_instance(dumps_instance(fair)) == fair


def test_reader_reports_an_unreadable_slot_list_once_not_every_reference() -> None:
    data = instance(
        [],
        [buyer("B1", off=("d1-1", "d1-2")), seller("S1")],
        [],
        fixed=[{"buyer": "B1", "seller": "S1", "slot": "d1-1"}],
    )
    data["slots"] = "d1-1, d1-2"

    assert _messages(data) == ["slots: must be a list, got a string"]
