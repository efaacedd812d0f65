"""Format v1 (shared/formats/schedule-v1.md): read and check instances, write and read results.

Reading reports every problem of a malformed instance at once, each located as
``requests[12] (id "R77"): ...`` so an organizer can find it in the file. Writing puts one meeting
or waiting pair per line: results stay readable and diffable, and byte-identical for the same
schedule.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sangdam.scheduling.problem import (
    FixedMeeting,
    InvalidProblem,
    Issue,
    MeetingRequest,
    Participant,
    Problem,
    RequestStatus,
    Side,
    Slot,
    find_issues,
    quote,
)
from sangdam.scheduling.schedule import (
    Meeting,
    Mode,
    OptimizeStats,
    Schedule,
    StageOutcome,
    Stats,
    WaitingPair,
    WaitingReason,
)

INSTANCE_FORMAT = "sangdam.schedule/1"
RESULT_FORMAT = "sangdam.schedule-result/1"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
# json.dumps(ensure_ascii=False) escapes only these; ids without them can be quoted as they are.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')

Report = Callable[[str], None]


# --------------------------------------------------------------------------------------- instance


def read_instance(path: str | os.PathLike[str]) -> Problem:
    """Read an instance file. Raises :class:`InvalidProblem` (every problem found) or OSError."""
    return loads_instance(Path(path).read_bytes())


def loads_instance(text: str | bytes) -> Problem:
    try:
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise InvalidProblem([Issue("instance", f"is not UTF-8 text: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidProblem([Issue("instance", f"is not valid JSON: {exc}")]) from None
    return parse_instance(data)


def parse_instance(data: object) -> Problem:
    """Build a :class:`Problem` from decoded JSON, checking everything the format requires."""
    if not isinstance(data, dict):
        raise InvalidProblem([Issue("instance", "must be a JSON object")])
    issues: list[Issue] = []

    if "format" not in data:
        issues.append(Issue("format", f"is missing (must be {quote(INSTANCE_FORMAT)})"))
    elif data["format"] != INSTANCE_FORMAT:
        issues.append(
            Issue("format", f"must be {quote(INSTANCE_FORMAT)}, got {_show(data['format'])}")
        )

    tables = data.get("tables")
    if tables is not None and not _is_int(tables):
        issues.append(Issue("tables", f"must be an integer of 1 or more, got {_show(tables)}"))
        tables = None

    slot_issues_before = len(issues)
    slot_items = _list_field(data, "slots", issues, required=True)
    # Without a readable slot list every slot reference would look unknown: say it once.
    slots_readable = len(issues) == slot_issues_before
    participant_items = _list_field(data, "participants", issues, required=True)
    request_items = _list_field(data, "requests", issues, required=True)
    fixed_items = _list_field(data, "fixed", issues, required=False)

    slots: list[Slot | None] = []
    slot_number: dict[str, int] = {}
    for i, item in enumerate(slot_items):
        slot, sid = _read_slot(item, _reporter(issues, "slots", i, item))
        slots.append(slot)
        if sid is not None:
            slot_number.setdefault(sid, i)

    participants: list[Participant | None] = []
    shadow: dict[str, Side | None] = {}
    for i, item in enumerate(participant_items):
        person = _read_participant(
            item, slot_number, slots_readable, _reporter(issues, "participants", i, item)
        )
        participants.append(person)
        if person is None and isinstance(item, dict) and isinstance(item.get("id"), str):
            side = item.get("side")
            shadow.setdefault(item["id"], Side(side) if side in ("buyer", "seller") else None)

    requests = [
        _read_request_quickly(item) or _read_request(item, _reporter(issues, "requests", i, item))
        for i, item in enumerate(request_items)
    ]
    fixed = [
        _read_fixed(item, slot_number, slots_readable, _reporter(issues, "fixed", i, None))
        for i, item in enumerate(fixed_items)
    ]

    if not issues:
        try:
            return Problem(
                slots=tuple(s for s in slots if s is not None),
                participants=tuple(p for p in participants if p is not None),
                requests=tuple(r for r in requests if r is not None),
                fixed=tuple(f for f in fixed if f is not None),
                tables=tables,
            )
        except InvalidProblem as exc:
            issues += exc.issues
    else:
        issues += find_issues(
            tables=tables,
            slots=slots,
            participants=participants,
            requests=requests,
            fixed=fixed,
            unreadable_participants=shadow,
            ids={
                "slots": _written_ids(slot_items),
                "participants": _written_ids(participant_items),
                "requests": _written_ids(request_items),
            },
        )
    raise InvalidProblem(issues)


def _written_ids(items: list[object]) -> list[str | None]:
    return [
        item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        for item in items
    ]


def _reporter(issues: list[Issue], section: str, index: int, item: object) -> Report:
    item_id = item.get("id") if isinstance(item, dict) else None
    label = item_id if isinstance(item_id, str) and item_id else None

    def report(message: str) -> None:
        issues.append(Issue(section, message, index, label))

    return report


def _list_field(
    data: dict[str, Any], name: str, issues: list[Issue], *, required: bool
) -> list[object]:
    if name not in data or (data[name] is None and not required):
        if required:
            issues.append(Issue(name, "is missing (must be a list)"))
        return []
    value = data[name]
    if not isinstance(value, list):
        issues.append(Issue(name, f"must be a list, got {_kind(value)}"))
        return []
    return value


def _read_slot(item: object, report: Report) -> tuple[Slot | None, str | None]:
    if not isinstance(item, dict):
        report(f"must be an object, got {_kind(item)}")
        return None, None
    sid = _text(item, "id", report)
    day_text = _text(item, "day", report)
    day = None
    if day_text is not None:
        day = _parse_day(day_text)
        if day is None:
            report(f'"day" must be a date like "2026-03-10", got {quote(day_text)}')
    times = []
    for name in ("start", "end"):
        text = _text(item, name, report)
        value = None if text is None else _parse_clock(text)
        if text is not None and value is None:
            report(f'{quote(name)} must be a time like "09:30", got {quote(text)}')
        times.append(value)
    start, end = times
    if sid is None or day is None or start is None or end is None:
        return None, sid
    return Slot(sid, day, start, end), sid


def _read_participant(
    item: object, slot_number: dict[str, int], slots_readable: bool, report: Report
) -> Participant | None:
    if not isinstance(item, dict):
        report(f"must be an object, got {_kind(item)}")
        return None
    pid = _text(item, "id", report)
    side_text = _text(item, "side", report)
    side = None
    if side_text is not None:
        if side_text in ("buyer", "seller"):
            side = Side(side_text)
        else:
            report(f'"side" must be "buyer" or "seller", got {quote(side_text)}')
    # The other fields' problems are reported here; the participant is still built from what
    # is readable, so that its other rules (duplicates, requests to it, caps) are checked too.
    cap = item.get("daily_cap")
    if cap is not None and not _is_int(cap):
        report(f'"daily_cap" must be an integer of 0 or more, got {_show(cap)}')
    unavailable: set[int] = set()
    names = item.get("unavailable")
    if names is not None and not isinstance(names, list):
        report(f'"unavailable" must be a list of slot ids, got {_kind(names)}')
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, str):
            report(f'"unavailable" must hold slot ids (strings), got {_show(name)}')
        elif name not in slot_number:
            if slots_readable:
                report(f'"unavailable" names unknown slot {quote(name)}')
        else:
            unavailable.add(slot_number[name])
    category = item.get("category")
    if category is not None and not isinstance(category, str):
        report(f'"category" must be a string, got {_kind(category)}')
    if pid is None or side is None:
        return None
    return Participant(
        pid,
        side,
        daily_cap=cap if _is_int(cap) else None,
        unavailable=frozenset(unavailable),
        category=category if isinstance(category, str) else None,
    )


_STATUSES = {status.value: status for status in RequestStatus}


def _read_request_quickly(item: object) -> MeetingRequest | None:
    """The common case of a well-formed request, without building error messages.

    A large fair has hundreds of thousands of requests; None sends the item to the careful reader.
    """
    if type(item) is not dict:
        return None
    rid, requester, recipient = item.get("id"), item.get("from"), item.get("to")
    created, status, rank = item.get("created_at"), item.get("status"), item.get("rank")
    if (
        type(rid) is not str
        or type(requester) is not str
        or type(recipient) is not str
        or type(created) is not str
        or type(status) is not str
        or status not in _STATUSES
        or (rank is not None and type(rank) is not int)
    ):
        return None
    try:
        created_at = dt.datetime.fromisoformat(created)
    except ValueError:
        return None
    return MeetingRequest(rid, requester, recipient, created_at, _STATUSES[status], rank)


def _read_request(item: object, report: Report) -> MeetingRequest | None:
    if not isinstance(item, dict):
        report(f"must be an object, got {_kind(item)}")
        return None
    rid = _text(item, "id", report)
    requester = _text(item, "from", report)
    recipient = _text(item, "to", report)
    created_text = _text(item, "created_at", report)
    created_at = None
    if created_text is not None:
        try:
            created_at = dt.datetime.fromisoformat(created_text)
        except ValueError:
            report(
                '"created_at" must be a date and time like "2026-01-05T10:00:00+09:00",'
                f" got {quote(created_text)}"
            )
    status_text = _text(item, "status", report)
    status = None
    if status_text is not None:
        status = _STATUSES.get(status_text)
        if status is None:
            report(
                '"status" must be one of "pending", "accepted", "rejected", "cancelled",'
                f" got {quote(status_text)}"
            )
    rank = item.get("rank")
    if rank is not None and not _is_int(rank):
        # Reported here; the request is still checked as an unranked one.
        report(f'"rank" must be an integer of 1 or more, got {_show(rank)}')
    if (
        rid is None
        or requester is None
        or recipient is None
        or created_at is None
        or status is None
    ):
        return None
    return MeetingRequest(
        rid, requester, recipient, created_at, status, rank if _is_int(rank) else None
    )


def _read_fixed(
    item: object, slot_number: dict[str, int], slots_readable: bool, report: Report
) -> FixedMeeting | None:
    if not isinstance(item, dict):
        report(f"must be an object, got {_kind(item)}")
        return None
    buyer = _text(item, "buyer", report)
    seller = _text(item, "seller", report)
    slot_id = _text(item, "slot", report)
    slot = None
    if slot_id is not None:
        slot = slot_number.get(slot_id)
        if slot is None and slots_readable:
            report(f'"slot" names unknown slot {quote(slot_id)}')
    if buyer is None or seller is None or slot is None:
        return None
    return FixedMeeting(buyer, seller, slot)


def _text(item: dict[str, Any], name: str, report: Report) -> str | None:
    if name not in item or item[name] is None:
        report(f"missing field {quote(name)}")
        return None
    value = item[name]
    if not isinstance(value, str):
        report(f"{quote(name)} must be a string, got {_show(value)}")
        return None
    return value


def _parse_day(text: str) -> dt.date | None:
    if not _DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_clock(text: str) -> dt.time | None:
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = match.groups()
    try:
        return dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return None


def _is_int(value: object) -> bool:
    # JSON true/false arrive as bool, a subclass of int.
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def dumps_instance(problem: Problem) -> str:
    """Write an instance in format v1 (one slot, participant, request or fixed meeting a line)."""
    slots = problem.slots
    head: dict[str, object] = {"format": INSTANCE_FORMAT}
    if problem.tables is not None:
        head["tables"] = problem.tables
    lines = ["{"] + [f"  {quote(k)}: {json.dumps(v)}," for k, v in head.items()]

    def slot_line(slot: Slot) -> dict[str, object]:
        return {
            "id": slot.id,
            "day": slot.day.isoformat(),
            "start": _clock(slot.start),
            "end": _clock(slot.end),
        }

    def participant_line(person: Participant) -> dict[str, object]:
        line: dict[str, object] = {"id": person.id, "side": person.side.value}
        if person.daily_cap is not None:
            line["daily_cap"] = person.daily_cap
        line["unavailable"] = [slots[i].id for i in sorted(person.unavailable)]
        if person.category is not None:
            line["category"] = person.category
        return line

    def request_line(request: MeetingRequest) -> dict[str, object]:
        line: dict[str, object] = {
            "id": request.id,
            "from": request.requester,
            "to": request.recipient,
            "created_at": request.created_at.isoformat(),
            "status": request.status.value,
        }
        if request.rank is not None:
            line["rank"] = request.rank
        return line

    def fixed_line(meeting: FixedMeeting) -> dict[str, object]:
        return {"buyer": meeting.buyer, "seller": meeting.seller, "slot": slots[meeting.slot].id}

    sections = [
        ("slots", [json.dumps(slot_line(s), ensure_ascii=False) for s in slots]),
        (
            "participants",
            [json.dumps(participant_line(p), ensure_ascii=False) for p in problem.participants],
        ),
        ("requests", [json.dumps(request_line(r), ensure_ascii=False) for r in problem.requests]),
        ("fixed", [json.dumps(fixed_line(f), ensure_ascii=False) for f in problem.fixed]),
    ]
    lines += _list_sections(sections)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _clock(value: dt.time) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _list_sections(sections: list[tuple[str, list[str]]], *, more: bool = False) -> list[str]:
    """Lines of JSON lists, one item a line; ``more`` when other fields follow the last list."""
    lines: list[str] = []
    for n, (name, items) in enumerate(sections):
        comma = "," if more or n < len(sections) - 1 else ""
        if not items:
            lines.append(f"  {quote(name)}: []{comma}")
            continue
        lines.append(f"  {quote(name)}: [")
        lines.append(",\n".join("    " + item for item in items))
        lines.append(f"  ]{comma}")
    return lines


# ----------------------------------------------------------------------------------------- result


def dumps_result(problem: Problem, schedule: Schedule) -> str:
    """Write a result in format v1; the same schedule always gives the same bytes."""
    q = _quote_id
    slot_ids = [q(slot.id) for slot in problem.slots]
    meetings = [
        f'{{"buyer": {q(m.buyer)}, "seller": {q(m.seller)}, "slot": {slot_ids[m.slot]},'
        f' "class": {m.pair_class}, "requests": [{", ".join(map(q, m.requests))}]}}'
        for m in schedule.meetings
    ]
    waiting = [
        f'{{"buyer": {q(w.buyer)}, "seller": {q(w.seller)}, "class": {w.pair_class},'
        f' "requests": [{", ".join(map(q, w.requests))}], "reason": "{w.reason.value}"}}'
        for w in schedule.waiting
    ]
    stats = _dumps_stats(stats_to_json(schedule.stats))
    lines = [
        "{",
        f'  "format": "{RESULT_FORMAT}",',
        f'  "mode": "{schedule.mode.value}",',
        *_list_sections([("meetings", meetings), ("waiting", waiting)], more=True),
        '  "stats": ' + stats,
        "}",
    ]
    return "\n".join(lines) + "\n"


def _dumps_stats(stats: dict[str, object]) -> str:
    """One field a line, small objects on their line; the optimizer's stages one a line."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    def block(data: dict[str, object], indent: str) -> str:
        lines = []
        for key, value in data.items():
            if isinstance(value, dict) and key == "optimizer":
                text = block(value, indent + "  ")
            elif isinstance(value, list) and value:
                items = ",\n".join(f"{indent}    {compact(item)}" for item in value)
                text = f"[\n{items}\n{indent}  ]"
            else:
                text = compact(value)
            lines.append(f"{indent}  {compact(key)}: {text}")
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"

    return block(stats, "  ")


def write_result(problem: Problem, schedule: Schedule, path: str | os.PathLike[str]) -> None:
    """Write a result file atomically, so a reader never sees half a schedule."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent or Path(), prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(dumps_result(problem, schedule).encode())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _quote_id(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _classes(values: Iterable[int]) -> dict[str, int]:
    return {str(k): v for k, v in enumerate(values, start=1)}


def stats_to_json(stats: Stats) -> dict[str, object]:
    data: dict[str, object] = {
        "meetings": stats.meetings,
        "waiting": stats.waiting,
        "by_class": _classes(stats.by_class),
        "fixed": stats.fixed,
        "idle_gaps": stats.idle_gaps,
        "seconds": stats.seconds,
    }
    run = stats.optimize
    if run is not None:
        data.update(
            {
                "bound": run.bound,
                "gap": run.gap,
                "bound_by_class": (
                    None if run.bound_by_class is None else _classes(run.bound_by_class)
                ),
                "greedy_by_class": _classes(run.greedy_by_class),
                "extra_vs_greedy": _classes(run.extra_vs_greedy),
                "optimizer": {
                    "method": run.method,
                    "stages": [
                        {"name": s.name, "value": s.value, "bound": s.bound, "status": s.status}
                        for s in run.stages
                    ],
                    "neighbourhoods": run.neighbourhoods,
                    "improvements": run.improvements,
                    "workers": run.workers,
                    "seed": run.seed,
                    "fallback": run.fallback,
                },
            }
        )
    return data


def loads_result(problem: Problem, text: str | bytes) -> Schedule:
    """Read a result written by :func:`dumps_result` back into a :class:`Schedule`.

    Meant for tools and tests that check a result file (e.g. with ``find_violations``); it trusts
    the structure and raises ValueError/KeyError on anything else.
    """
    data = json.loads(text)
    if data.get("format") != RESULT_FORMAT:
        raise ValueError(f"not a {RESULT_FORMAT} document")
    slot_number = {slot.id: i for i, slot in enumerate(problem.slots)}
    meetings = tuple(
        Meeting(m["buyer"], m["seller"], slot_number[m["slot"]], m["class"], tuple(m["requests"]))
        for m in data["meetings"]
    )
    waiting = tuple(
        WaitingPair(
            w["buyer"], w["seller"], w["class"], tuple(w["requests"]), WaitingReason(w["reason"])
        )
        for w in data["waiting"]
    )
    return Schedule(Mode(data["mode"]), meetings, waiting, _stats_from_json(data["stats"]))


def _by_class(data: dict[str, int]) -> tuple[int, int, int]:
    return (data["1"], data["2"], data["3"])


def _stats_from_json(data: dict[str, Any]) -> Stats:
    run = None
    if "optimizer" in data:
        info = data["optimizer"]
        run = OptimizeStats(
            method=info["method"],
            bound=data["bound"],
            gap=data["gap"],
            bound_by_class=(
                None if data["bound_by_class"] is None else _by_class(data["bound_by_class"])
            ),
            greedy_by_class=_by_class(data["greedy_by_class"]),
            extra_vs_greedy=_by_class(data["extra_vs_greedy"]),
            stages=tuple(
                StageOutcome(s["name"], s["value"], s["bound"], s["status"]) for s in info["stages"]
            ),
            neighbourhoods=info["neighbourhoods"],
            improvements=info["improvements"],
            workers=info["workers"],
            seed=info["seed"],
            fallback=info["fallback"],
        )
    return Stats(
        meetings=data["meetings"],
        waiting=data["waiting"],
        by_class=_by_class(data["by_class"]),
        fixed=data["fixed"],
        idle_gaps=data["idle_gaps"],
        seconds=data["seconds"],
        optimize=run,
    )
