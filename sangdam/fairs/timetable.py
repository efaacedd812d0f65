"""The meeting slots of an event, worked out from its days, hours, breaks and meeting length."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PlannedSlot:
    code: str
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


def parse_breaks(text: str) -> list[tuple[dt.time, dt.time]]:
    """Read "12:00-13:00, 15:00-15:15" into (start, end) pairs.

    :raises ValueError: with a message naming the part that cannot be read.
    """
    breaks = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        part = part.strip().replace("~", "-")
        if not part:
            continue
        try:
            start_text, end_text = (piece.strip() for piece in part.split("-"))
            start = dt.time.fromisoformat(start_text.zfill(5))
            end = dt.time.fromisoformat(end_text.zfill(5))
        except ValueError as error:
            raise ValueError(part) from error
        if end <= start:
            raise ValueError(part)
        breaks.append((start, end))
    return sorted(breaks)


def format_breaks(breaks: Sequence[Sequence[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in breaks)


def plan_slots(
    *,
    days: Sequence[dt.date],
    daily_start: dt.time,
    daily_end: dt.time,
    breaks: Sequence[tuple[dt.time, dt.time]],
    meeting_minutes: int,
    gap_minutes: int,
    zone: ZoneInfo,
) -> list[PlannedSlot]:
    """Slots from the daily start on, one meeting long, skipping breaks (SPEC MM-14)."""
    length = dt.timedelta(minutes=meeting_minutes)
    step = length + dt.timedelta(minutes=gap_minutes)
    slots = []
    for day in sorted(set(days)):
        at = dt.datetime.combine(day, daily_start)
        end = dt.datetime.combine(day, daily_end)
        while at + length <= end:
            clash = next(
                (
                    b_end
                    for b_start, b_end in breaks
                    if at < dt.datetime.combine(day, b_end)
                    and dt.datetime.combine(day, b_start) < at + length
                ),
                None,
            )
            if clash is not None:
                at = dt.datetime.combine(day, clash)
                continue
            slots.append(
                PlannedSlot(
                    code=f"{day:%Y%m%d}-{at:%H%M}",
                    day=day,
                    starts_at=at.replace(tzinfo=zone),
                    ends_at=(at + length).replace(tzinfo=zone),
                )
            )
            at += step
    return slots
