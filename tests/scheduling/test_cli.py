"""``sangdam schedule``: exit status, where the result goes, and one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sangdam.scheduling.cli import main
from tests.scheduling.helpers import buyer, instance, request, seller, slots

DATA = Path(__file__).parent / "data"

MALFORMED_LINES = [
    'format: must be "sangdam.schedule/1", got "sangdam.schedule/2"',
    "tables: must be at least 1, got 0",
    'slots[1] (id "d1-0900"): id is used twice (first at slots[0])',
    'slots[1] (id "d1-0900"): overlaps slots[3] (id "d1-1015") on 2026-03-10'
    " (09:15-09:45 and 09:30-10:00)",
    'slots[2] (id "d1-1000"): end 09:45 is not after start 10:00',
    'slots[3] (id "d1-1015"): overlaps slots[0] (id "d1-0900") on 2026-03-10'
    " (09:00-09:30 and 09:15-09:45)",
    'slots[4] (id "d1-x"): "day" must be a date like "2026-03-10", got "10/03/2026"',
    'slots[4] (id "d1-x"): "start" must be a time like "09:30", got "9h"',
    'participants[0] (id "B001"): "unavailable" names unknown slot "d9"',
    'participants[0] (id "B001"): daily_cap must be 0 or more, got -1',
    'participants[1] (id "B001"): id is used twice (first at participants[0])',
    'participants[2] (id "S001"): "side" must be "buyer" or "seller", got "vendor"',
    'participants[4] (id "B002"): "daily_cap" must be an integer of 0 or more, got "eight"',
    'requests[0] (id "R1"): "to" names unknown participant "B999"',
    'requests[1] (id "R1"): id is used twice (first at requests[0])',
    'requests[1] (id "R1"): "from" and "to" are the same participant "B001"',
    'requests[1] (id "R1"): "created_at" has no UTC offset (write e.g. +09:00 or Z)',
    'requests[1] (id "R1"): rank must be 1 or more, got 0',
    'requests[2] (id "R3"): "created_at" must be a date and time like'
    ' "2026-01-05T10:00:00+09:00", got "yesterday"',
    'requests[2] (id "R3"): "status" must be one of "pending", "accepted", "rejected",'
    ' "cancelled", got "maybe"',
    'requests[4] (id "R5"): a second live request from "S002" to "B001"'
    ' (the first is requests[3] (id "R4"))',
    'requests[4] (id "R5"): rank 1 of "S002" is also given to requests[3] (id "R4");'
    " a requester's live requests need distinct ranks",
    'requests[5]: missing field "id"',
    "requests[6]: must be an object, got a string",
    'fixed[1]: "B001" and "S002" already meet in fixed[0]; a pair meets at most once',
    'fixed[1]: "S002" would have more fixed meetings on 2026-03-10 than its daily_cap 1',
    'fixed[2]: "buyer" names "S002", who is a seller',
    'fixed[2]: "seller" names "B001", who is a buyer',
    'fixed[2]: "S002" already has fixed[0] in slot "d1-0900"',
    'fixed[2]: "B001" already has fixed[0] in slot "d1-0900"',
    'fixed[3]: "slot" names unknown slot "nowhere"',
]


@pytest.fixture
def small_instance(tmp_path: Path) -> Path:
    path = tmp_path / "fair.json"
    data = instance(
        slots(2),
        [buyer("B1"), seller("S1"), seller("S2")],
        [request("R1", "S1", "B1", "09:00"), request("R2", "S2", "B1", "09:10")],
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cli_reports_every_problem_of_a_malformed_instance_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = DATA / "malformed-instance.json"
    output = tmp_path / "result.json"

    status = main([str(source), "-o", str(output)])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.splitlines() == [f"{source}: {line}" for line in MALFORMED_LINES]
    assert captured.out == ""
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_rejects_text_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken.json"
    source.write_text('{"format": ', encoding="utf-8")

    status = main([str(source)])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == (
        f"{source}: instance: is not valid JSON: Expecting value: line 1 column 12 (char 11)\n"
    )
    assert captured.out == ""


def test_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "absent.json"

    status = main([str(source)])

    assert status == 2
    assert capsys.readouterr().err == f"{source}: cannot read: No such file or directory\n"


def test_cli_reports_missing_sections(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "empty.json"
    source.write_text("{}", encoding="utf-8")

    status = main([str(source)])

    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        f'{source}: format: is missing (must be "sangdam.schedule/1")',
        f"{source}: slots: is missing (must be a list)",
        f"{source}: participants: is missing (must be a list)",
        f"{source}: requests: is missing (must be a list)",
    ]


def test_cli_rejects_an_unknown_mode(
    small_instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([str(small_instance), "--mode", "fastest"])

    assert status == 2
    assert "invalid choice: 'fastest'" in capsys.readouterr().err


def test_cli_rejects_a_negative_time_limit(
    small_instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([str(small_instance), "--time-limit", "-1"])

    assert status == 2
    assert capsys.readouterr().err == f"{small_instance}: --time-limit must be 0 or more seconds\n"


def test_cli_writes_the_result_to_standard_output(
    small_instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([str(small_instance)])

    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert status == 0
    assert captured.err == ""
    assert result["format"] == "sangdam.schedule-result/1"
    assert result["mode"] == "greedy"
    assert result["meetings"] == [
        {"buyer": "B1", "seller": "S1", "slot": "d1-1", "class": 3, "requests": ["R1"]},
        {"buyer": "B1", "seller": "S2", "slot": "d1-2", "class": 3, "requests": ["R2"]},
    ]
    assert result["waiting"] == []


def test_cli_writes_the_result_to_the_output_file_only(
    small_instance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "result.json"

    status = main([str(small_instance), "-o", str(output)])

    captured = capsys.readouterr()
    result = json.loads(output.read_text(encoding="utf-8"))
    assert status == 0
    assert (captured.out, captured.err) == ("", "")
    assert result["stats"]["meetings"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fair.json", "result.json"]


def test_cli_optimize_reports_bound_gap_and_extra_meetings(
    small_instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [str(small_instance), "--mode", "optimize", "--time-limit", "0", "--workers", "1"]
    )

    stats = json.loads(capsys.readouterr().out)["stats"]
    assert status == 0
    assert (stats["bound"], stats["gap"]) == (2, 0.0)
    assert stats["extra_vs_greedy"] == {"1": 0, "2": 0, "3": 0}
    assert stats["optimizer"]["method"] == "full-model"
    assert stats["optimizer"]["fallback"] is None
