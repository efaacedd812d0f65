"""Hypothesis strategies for small but tricky fairs: ties in request times, ranks, mutual and
accepted requests, caps of 0, tables, unavailable slots and fixed meetings - always valid."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sangdam.scheduling import (
    FixedMeeting,
    MeetingRequest,
    Participant,
    Problem,
    RequestStatus,
    Side,
    Slot,
)

# Few distinct instants, written with different offsets, so that ties are common.
_SEOUL = dt.timezone(dt.timedelta(hours=9))
TIMES = [
    dt.datetime(2026, 1, 5, 9, 0, tzinfo=_SEOUL),
    dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC),  # the same instant as the first
    dt.datetime(2026, 1, 5, 9, 30, tzinfo=_SEOUL),
    dt.datetime(2026, 1, 5, 10, 0, tzinfo=_SEOUL),
    dt.datetime(2026, 1, 6, 8, 0, tzinfo=_SEOUL),
]
STATUSES = [
    RequestStatus.PENDING,
    RequestStatus.PENDING,
    RequestStatus.ACCEPTED,
    RequestStatus.REJECTED,
    RequestStatus.CANCELLED,
]


@st.composite
def problems(
    draw: st.DrawFn, *, max_buyers: int = 4, max_sellers: int = 5, max_slots: int = 4
) -> Problem:
    days = draw(st.integers(1, 2))
    per_day = draw(st.integers(1, max_slots))
    slots = [
        Slot(
            f"d{d}-{i}",
            dt.date(2026, 3, 10) + dt.timedelta(days=d),
            dt.time(9 + i),
            dt.time(9 + i, 30),
        )
        for d in range(days)
        for i in range(per_day)
    ]
    slots = draw(st.permutations(slots))
    n_slots = len(slots)
    n_buyers = draw(st.integers(1, max_buyers))
    n_sellers = draw(st.integers(1, max_sellers))
    participants = []
    for side, count in ((Side.BUYER, n_buyers), (Side.SELLER, n_sellers)):
        for i in range(count):
            participants.append(
                Participant(
                    f"{side.value[0].upper()}{i}",
                    side,
                    daily_cap=draw(st.one_of(st.none(), st.integers(0, 3))),
                    unavailable=frozenset(
                        draw(st.sets(st.integers(0, n_slots - 1), max_size=n_slots))
                    ),
                )
            )
    buyers = [p.id for p in participants if p.side is Side.BUYER]
    sellers = [p.id for p in participants if p.side is Side.SELLER]

    # At most one request per direction, so no two live requests share one.
    directions = [(b, s) for b in buyers for s in sellers] + [
        (s, b) for b in buyers for s in sellers
    ]
    chosen = draw(
        st.lists(
            st.sampled_from(directions), unique=True, min_size=min(3, len(directions)), max_size=14
        )
    )
    numbers = draw(st.permutations(range(1, len(chosen) + 1)))
    requests = []
    ranked_requesters = draw(st.sets(st.sampled_from(buyers + sellers)))
    next_rank: dict[str, int] = {}
    for (frm, to), number in zip(chosen, numbers, strict=True):
        rank = None
        if frm in ranked_requesters and draw(st.booleans()):
            # Distinct ranks per requester, with gaps, as after cancelled requests.
            rank = next_rank.get(frm, 0) + draw(st.integers(1, 2))
            next_rank[frm] = rank
        requests.append(
            MeetingRequest(
                f"R{number}",
                frm,
                to,
                draw(st.sampled_from(TIMES)),
                draw(st.sampled_from(STATUSES)),
                rank,
            )
        )

    tables = draw(st.one_of(st.none(), st.integers(1, 3)))
    fixed = _valid_fixed(draw, participants, slots, tables)
    return Problem(
        slots=tuple(slots),
        participants=tuple(participants),
        requests=tuple(requests),
        fixed=tuple(fixed),
        tables=tables,
    )


def _valid_fixed(
    draw: st.DrawFn, participants: list[Participant], slots: list[Slot], tables: int | None
) -> list[FixedMeeting]:
    people = {p.id: p for p in participants}
    buyers = [p.id for p in participants if p.side is Side.BUYER]
    sellers = [p.id for p in participants if p.side is Side.SELLER]
    wishes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(buyers),
                st.sampled_from(sellers),
                st.integers(0, len(slots) - 1),
            ),
            max_size=3,
        )
    )
    fixed: list[FixedMeeting] = []
    busy: set[tuple[str, int]] = set()
    per_day: dict[tuple[str, dt.date], int] = {}
    per_slot: dict[int, int] = {}
    for b, s, i in wishes:
        day = slots[i].day
        if any(f.buyer == b and f.seller == s for f in fixed):
            continue
        if tables is not None and per_slot.get(i, 0) >= tables:
            continue
        if any(
            i in people[who].unavailable
            or (who, i) in busy
            or per_day.get((who, day), 0) >= _cap(people[who])
            for who in (b, s)
        ):
            continue
        fixed.append(FixedMeeting(b, s, i))
        per_slot[i] = per_slot.get(i, 0) + 1
        for who in (b, s):
            busy.add((who, i))
            per_day[(who, day)] = per_day.get((who, day), 0) + 1
    return fixed


def _cap(person: Participant) -> int:
    return 1_000 if person.daily_cap is None else person.daily_cap
